package sgsim

import (
	"strconv"
	"strings"
	"unicode"
)

// The text form of a rule reads like the console's rule list:
//
//	ingress allow tcp 5444 from 192.168.0.0/16 priority 1
//	egress allow udp 53 to 10.0.0.2
//	ingress deny any from 0.0.0.0/0 priority 100
//	ingress allow icmp type 8 from any
//	ingress allow any from group sg-worker
//	ingress allow tcp 5540 from 149.130.11.245 sport 1024-65535 to 12.43.147.183 id r1
//
// Grammar (keywords in any case; clauses after the protocol in any order,
// each at most once):
//
//	rule    = direction action protocol [ports] { clause }
//	clause  = "from" remote | "to" remote | "sport" ports
//	        | "type" N [ "code" N ] | "ipv4" | "ipv6"
//	        | "priority" N | "id" word
//	remote  = addrs | "group" word | "list" word
//	ports   = port-or-range { "," port-or-range }     e.g. 22,80,1000-2000
//	addrs   = "any" | "none" | item { "," item }      items: 10.0.0.1, 10.0.0.0/8, 10.0.0.1-10.0.0.9
//	word    = a token without spaces, or a Go-quoted string
//
// The ports right after the protocol are destination ports. "from group"
// is only for ingress rules and "to group" only for egress rules. The
// origin is not part of the text form.

// String returns the rule in the text form; ParseRule(r.String()) gives back
// a rule equal to r in every field except Origin.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Direction.String())
	b.WriteByte(' ')
	b.WriteString(r.Action.String())
	b.WriteByte(' ')
	b.WriteString(r.Protocol.String())
	if r.DstPorts != nil {
		b.WriteByte(' ')
		b.WriteString(r.DstPorts.String())
	}
	if r.ICMP.HasType {
		b.WriteString(" type ")
		b.WriteString(strconv.Itoa(int(r.ICMP.Type)))
		if r.ICMP.HasCode {
			b.WriteString(" code ")
			b.WriteString(strconv.Itoa(int(r.ICMP.Code)))
		}
	} else if r.ICMP.HasCode {
		// Invalid, but printed so that nothing is lost.
		b.WriteString(" code ")
		b.WriteString(strconv.Itoa(int(r.ICMP.Code)))
	}
	side := func(kw string, a Addrs, ref bool) {
		switch {
		case ref && r.RemoteGroup != "":
			b.WriteString(" " + kw + " group " + word(r.RemoteGroup))
		case ref && r.RemoteList != "":
			b.WriteString(" " + kw + " list " + word(r.RemoteList))
		case !a.IsAny():
			b.WriteString(" " + kw + " " + a.String())
		}
	}
	side("from", r.Src, r.Direction == Ingress)
	if r.SrcPorts != nil {
		b.WriteString(" sport ")
		b.WriteString(r.SrcPorts.String())
	}
	side("to", r.Dst, r.Direction == Egress)
	if r.Family != AnyFamily {
		b.WriteByte(' ')
		b.WriteString(r.Family.String())
	}
	if r.Priority != 0 {
		b.WriteString(" priority ")
		b.WriteString(strconv.Itoa(r.Priority))
	}
	if r.ID != "" {
		b.WriteString(" id ")
		b.WriteString(word(r.ID))
	}
	return b.String()
}

func word(s string) string {
	if s == "" || s[0] == '"' || strings.IndexFunc(s, func(c rune) bool { return unicode.IsSpace(c) || !unicode.IsPrint(c) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// tokens splits s on white space, keeping Go-quoted strings whole (and
// unquoted).
func tokens(s string) ([]string, error) {
	var out []string
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return out, nil
		}
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, errString("unterminated or malformed quoted string at " + strconv.Quote(s))
			}
			u, _ := strconv.Unquote(q)
			out = append(out, u)
			s = s[len(q):]
			continue
		}
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
}

// MustParseRule is ParseRule that panics on error, for tests and hard-coded
// rules.
func MustParseRule(s string) Rule {
	r, err := ParseRule(s)
	if err != nil {
		panic(err)
	}
	return r
}

// ParseRule parses the text form of a rule (see Rule.String) and validates
// the result. Errors are *ParseError or *RuleError and quote the offending
// text.
func ParseRule(s string) (Rule, error) {
	fail := func(msg string) (Rule, error) {
		return Rule{}, &ParseError{What: "rule", Value: s, Msg: msg}
	}
	toks, err := tokens(s)
	if err != nil {
		return fail(err.Error())
	}
	if len(toks) < 3 {
		return fail(`want "DIRECTION ACTION PROTOCOL ...", e.g. "ingress allow tcp 22 from 10.0.0.0/8"`)
	}
	var r Rule
	if r.Direction, err = ParseDirection(toks[0]); err != nil {
		return fail(err.(*ParseError).Msg + ", got " + strconv.Quote(toks[0]))
	}
	if r.Action, err = ParseAction(toks[1]); err != nil {
		return fail(err.(*ParseError).Msg + ", got " + strconv.Quote(toks[1]))
	}
	if r.Protocol, err = ParseProtocol(toks[2]); err != nil {
		return fail(err.(*ParseError).Msg + ", got " + strconv.Quote(toks[2]))
	}
	i := 3
	if i < len(toks) && len(toks[i]) > 0 && toks[i][0] >= '0' && toks[i][0] <= '9' {
		if r.DstPorts, err = ParsePorts(toks[i]); err != nil {
			return fail("destination ports: " + err.(*ParseError).Msg)
		}
		i++
	}
	seen := map[string]bool{}
	next := func(kw string) (string, bool) {
		if i >= len(toks) {
			return "", false
		}
		t := toks[i]
		i++
		return t, true
	}
	for i < len(toks) {
		kw := strings.ToLower(toks[i])
		i++
		if seen[kw] {
			return fail("clause " + strconv.Quote(kw) + " given twice")
		}
		seen[kw] = true
		switch kw {
		case "from", "to":
			v, ok := next(kw)
			if !ok {
				return fail(kw + " needs addresses, \"group NAME\" or \"list NAME\"")
			}
			isRemote := (kw == "from") == (r.Direction == Ingress)
			switch strings.ToLower(v) {
			case "group", "list":
				name, ok := next(v)
				if !ok || name == "" {
					return fail(kw + " " + v + " needs a name")
				}
				if !isRemote {
					return fail(kw + " " + v + ": a " + r.Direction.String() + " rule's remote is its " + map[bool]string{true: "source (from)", false: "destination (to)"}[r.Direction == Ingress])
				}
				if strings.ToLower(v) == "group" {
					r.RemoteGroup = name
				} else {
					r.RemoteList = name
				}
			default:
				a, err := ParseAddrs(v)
				if err != nil {
					return fail(kw + ": " + err.(*ParseError).Msg)
				}
				if kw == "from" {
					r.Src = a
				} else {
					r.Dst = a
				}
			}
		case "sport":
			v, ok := next(kw)
			if !ok {
				return fail("sport needs ports")
			}
			if r.SrcPorts, err = ParsePorts(v); err != nil {
				return fail("source ports: " + err.(*ParseError).Msg)
			}
		case "type", "code":
			if kw == "code" && !seen["type"] {
				return fail("code needs a type before it")
			}
			v, ok := next(kw)
			n, err := strconv.ParseUint(v, 10, 8)
			if !ok || err != nil {
				return fail("ICMP " + kw + " must be a number 0-255, got " + strconv.Quote(v))
			}
			if kw == "type" {
				r.ICMP.Type, r.ICMP.HasType = uint8(n), true
			} else {
				r.ICMP.Code, r.ICMP.HasCode = uint8(n), true
			}
		case "ipv4", "ipv6":
			if seen["ipv4"] && seen["ipv6"] {
				return fail("a rule is ipv4 or ipv6, not both")
			}
			r.Family = map[string]Family{"ipv4": IPv4, "ipv6": IPv6}[kw]
		case "priority":
			v, ok := next(kw)
			n, err := strconv.Atoi(v)
			if !ok || err != nil {
				return fail("priority must be an integer, got " + strconv.Quote(v))
			}
			r.Priority = n
		case "id":
			v, ok := next(kw)
			if !ok || v == "" {
				return fail("id needs a value")
			}
			r.ID = v
		default:
			return fail("unexpected " + strconv.Quote(toks[i-1]) + "; want from, to, sport, type, code, ipv4, ipv6, priority or id")
		}
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	return r, nil
}
