package sgsim

import "strconv"

// ParseError reports text that could not be parsed: what was being parsed,
// the offending value, and what was expected.
type ParseError struct {
	What  string // "protocol", "ports", "addresses", "rule", ...
	Value string // the offending text, verbatim
	Msg   string // what was wrong or expected
}

func (e *ParseError) Error() string {
	return "sgsim: parse " + e.What + " " + strconv.Quote(e.Value) + ": " + e.Msg
}

// RuleError reports a rule that fails validation. It names the rule, the
// field and the offending value.
type RuleError struct {
	Group string // ID of the group holding the rule, if known
	Index int    // position of the rule in its group, or -1
	ID    string // the rule's ID
	Field string // "protocol", "dst ports", "priority", ...
	Value string // the offending value as text
	Msg   string
}

func (e *RuleError) Error() string {
	s := "sgsim: rule"
	if e.Group != "" {
		s += " " + strconv.Quote(e.Group)
		if e.Index >= 0 {
			s += "[" + strconv.Itoa(e.Index) + "]"
		}
	} else if e.Index >= 0 {
		s += " [" + strconv.Itoa(e.Index) + "]"
	}
	if e.ID != "" {
		s += " " + strconv.Quote(e.ID)
	}
	s += ": " + e.Field
	if e.Value != "" {
		s += " " + strconv.Quote(e.Value)
	}
	return s + ": " + e.Msg
}

type errString string

func (e errString) Error() string { return string(e) }
