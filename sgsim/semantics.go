package sgsim

import (
	"cmp"
	"slices"
	"strconv"
)

// Semantics is a vendor's way of ordering rules. Every semantics is the
// same mechanism: sort the rules of the attached groups by a vendor key and
// let the first rule that matches decide; when none matches the flow is
// denied. The zero Semantics is FirstMatch.
type Semantics uint8

// Semantics of the supported clouds (see SEMANTICS.md in the project's
// shared notes, summarised on each constant).
const (
	// FirstMatch: groups in attachment order, rules in slice order, first
	// match decides. ClassBench filter sets use this.
	FirstMatch Semantics = iota
	// Union is AWS: rules are allows only and a flow passes if any rule
	// of any group matches. The deciding rule is the first match in
	// attachment and slice order. Deny rules are invalid.
	Union
	// Huawei: groups in attachment order; inside a group priority 1-100
	// (1 first) and, at equal priority, deny before allow.
	Huawei
	// Alibaba: the rules of all attached groups merged and sorted by
	// priority 1-100 (1 first); at equal priority drop before accept.
	// Ties beyond that (same priority and action in two groups) follow
	// attachment then slice order; the vendor does not say, and the
	// outcome is the same either way since the action is equal.
	Alibaba
	// Tencent: groups in attachment order; inside a group the policy
	// list order (PolicyIndex, 0 first, carried in Priority), first match.
	Tencent
	// ACL is a network ACL: ascending rule number (Priority), first match.
	// Rules with equal numbers keep slice order.
	ACL
)

var semNames = [...]string{"first-match", "union", "huawei", "alibaba", "tencent", "acl"}

func (s Semantics) String() string {
	if int(s) < len(semNames) {
		return semNames[s]
	}
	return "invalid semantics"
}

// ParseSemantics parses the String form ("huawei", "acl", ...).
func ParseSemantics(s string) (Semantics, error) {
	for i, n := range semNames {
		if n == s {
			return Semantics(i), nil
		}
	}
	return 0, &ParseError{What: "semantics", Value: s, Msg: "want first-match, union, huawei, alibaba, tencent or acl"}
}

// PriorityRange returns the priorities a rule may carry under s, and false
// when s ignores priority.
func (s Semantics) PriorityRange() (lo, hi int, used bool) {
	switch s {
	case Huawei, Alibaba:
		return 1, 100, true
	case Tencent:
		return 0, 1<<31 - 1, true
	case ACL:
		return 0, 32766, true
	}
	return 0, 0, false
}

// Group is a security group (or a network ACL, or a filter set): an ID and
// its rules in the vendor's list order. Groups attached to one interface
// are given to Compile in attachment order.
type Group struct {
	ID    string
	Name  string
	Rules []Rule
	// InnerAccess is Alibaba's InnerAccessPolicy of a basic group. Accept
	// lets members reach each other whatever the rules say (drops
	// included); Drop isolates them, and rules may re-allow. The zero
	// value, NoInnerAccess, is every other cloud's behaviour: members talk
	// only through rules that name the group. Compile ignores it; the
	// network model applies it.
	InnerAccess InnerAccess
	// Advanced marks an Alibaba advanced (enterprise) group: no implicit
	// access between members, and rules may not reference groups.
	Advanced bool
}

// InnerAccess is the implicit policy between members of one group.
type InnerAccess uint8

// Inner access policies.
const (
	NoInnerAccess InnerAccess = iota // no implicit policy (Huawei, Tencent, AWS)
	InnerAccept                      // Alibaba basic group, InnerAccessPolicy=Accept (the vendor default)
	InnerDrop                        // Alibaba basic group, InnerAccessPolicy=Drop
)

func (p InnerAccess) String() string {
	switch p {
	case NoInnerAccess:
		return "none"
	case InnerAccept:
		return "accept"
	case InnerDrop:
		return "drop"
	}
	return "invalid inner access"
}

// entry is one rule in evaluation order.
type entry struct {
	rule  *Rule
	group int // position of the group in attachment order
}

// plan validates the groups under s and returns, per direction, the rules
// in the order s evaluates them. Rules are copied so that the caller may
// change its slices afterwards.
func plan(s Semantics, groups []Group) (rules []Rule, order [2][]entry, ids []string, err error) {
	rules, order, ids, _, err = planAt(s, groups)
	return rules, order, ids, err
}

// rulePos is where a compiled rule came from: its group's position in
// attachment order and its index in that group.
type rulePos struct{ group, index int32 }

// planAt is plan that also returns, per rule, its group and index.
func planAt(s Semantics, groups []Group) (rules []Rule, order [2][]entry, ids []string, pos []rulePos, err error) {
	if int(s) >= len(semNames) {
		return nil, order, nil, nil, &ParseError{What: "semantics", Value: strconv.Itoa(int(s)), Msg: "unknown semantics"}
	}
	n := 0
	for _, g := range groups {
		n += len(g.Rules)
	}
	rules = make([]Rule, 0, n)
	type at struct{ g, i int }
	var where []at
	ids = make([]string, len(groups))
	for gi, g := range groups {
		ids[gi] = g.ID
		for i := range g.Rules {
			r := g.Rules[i]
			if err := validateUnder(s, &r); err != nil {
				if re, ok := err.(*RuleError); ok {
					re.Group, re.Index = g.ID, i
				}
				return nil, order, nil, nil, err
			}
			r.SrcPorts = slices.Clone(r.SrcPorts)
			r.DstPorts = slices.Clone(r.DstPorts)
			rules = append(rules, r)
			where = append(where, at{gi, i})
		}
	}
	for k := range rules {
		d := rules[k].Direction
		order[d] = append(order[d], entry{rule: &rules[k], group: where[k].g})
	}
	for d := range order {
		// Slice order within a group is the position in rules, which the
		// stable sort keeps for equal keys.
		slices.SortStableFunc(order[d], func(a, b entry) int { return compareUnder(s, a, b) })
	}
	pos = make([]rulePos, len(where))
	for k, w := range where {
		pos[k] = rulePos{int32(w.g), int32(w.i)}
	}
	return rules, order, ids, pos, nil
}

func denyFirst(a Action) int {
	if a == Deny {
		return 0
	}
	return 1
}

// compareUnder is the vendor key. Equal keys keep attachment and slice order.
func compareUnder(s Semantics, a, b entry) int {
	switch s {
	case Huawei:
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.rule.Priority, b.rule.Priority),
			cmp.Compare(denyFirst(a.rule.Action), denyFirst(b.rule.Action)))
	case Alibaba:
		return cmp.Or(cmp.Compare(a.rule.Priority, b.rule.Priority),
			cmp.Compare(denyFirst(a.rule.Action), denyFirst(b.rule.Action)), cmp.Compare(a.group, b.group))
	case Tencent, ACL:
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.rule.Priority, b.rule.Priority))
	default: // FirstMatch, Union
		return cmp.Compare(a.group, b.group)
	}
}

func validateUnder(s Semantics, r *Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if !r.IsResolved() {
		ref := r.RemoteGroup
		kind := "group"
		if ref == "" {
			ref, kind = r.RemoteList, "list"
		}
		return &RuleError{Index: -1, ID: r.ID, Field: "remote " + kind, Value: ref,
			Msg: "not resolved to addresses; resolve references (see Resolve) before compiling"}
	}
	if lo, hi, used := s.PriorityRange(); used && (r.Priority < lo || r.Priority > hi) {
		return &RuleError{Index: -1, ID: r.ID, Field: "priority", Value: strconv.Itoa(r.Priority),
			Msg: "out of range " + strconv.Itoa(lo) + "-" + strconv.Itoa(hi) + " for " + s.String()}
	}
	if s == Union && r.Action == Deny {
		return &RuleError{Index: -1, ID: r.ID, Field: "action", Value: "deny", Msg: "union semantics (AWS security groups) has allow rules only"}
	}
	return nil
}

// Verdict is the decision for one flow at one hop: the action, and the rule
// that decided it with the group that holds it. The zero Verdict is the
// default deny: no rule matched.
type Verdict struct {
	Action Action
	Rule   *Rule  // the deciding rule; nil when no rule matched
	Group  string // ID of the group holding Rule
}

// Allowed reports whether the flow passes.
func (v Verdict) Allowed() bool { return v.Action == Allow }

// Why explains the verdict in one line.
func (v Verdict) Why() string {
	if v.Rule == nil {
		return "no rule matched: default deny"
	}
	s := "rule"
	if v.Rule.ID != "" {
		s += " " + strconv.Quote(v.Rule.ID)
	}
	if v.Group != "" {
		s += " of group " + strconv.Quote(v.Group)
	}
	s += " (" + v.Rule.String() + ")"
	if !v.Rule.Origin.IsZero() {
		s += " from " + v.Rule.Origin.String()
	}
	return s
}

// String returns the action and Why, e.g.
// `deny: no rule matched: default deny`.
func (v Verdict) String() string { return v.Action.String() + ": " + v.Why() }

// Evaluator decides flows. Both the compiled Classifier and the Linear
// reference implement it, with the same verdicts.
type Evaluator interface {
	Check(d Direction, f Flow) Verdict
}

// Linear is the reference evaluator: it checks the rules one by one in
// evaluation order. It is slow and obviously right, and is the oracle the
// compiled Classifier is tested against.
type Linear struct {
	sem    Semantics
	order  [2][]entry
	groups []string
}

// NewLinear validates the groups under s and returns the linear evaluator.
func NewLinear(s Semantics, groups ...Group) (*Linear, error) {
	_, order, ids, err := plan(s, groups)
	if err != nil {
		return nil, err
	}
	return &Linear{sem: s, order: order, groups: ids}, nil
}

// Check returns the verdict of the first rule, in evaluation order, that
// matches the flow, or the default deny.
func (l *Linear) Check(d Direction, f Flow) Verdict {
	if d > Egress {
		return Verdict{}
	}
	for _, e := range l.order[d] {
		if e.rule.Matches(f) {
			return Verdict{Action: e.rule.Action, Rule: e.rule, Group: l.groups[e.group]}
		}
	}
	return Verdict{}
}

// Rules returns the rules of direction d in evaluation order. The rules
// must not be modified.
func (l *Linear) Rules(d Direction) []*Rule {
	if d > Egress {
		return nil
	}
	out := make([]*Rule, len(l.order[d]))
	for i, e := range l.order[d] {
		out[i] = e.rule
	}
	return out
}
