package sgsim

import (
	"slices"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of transport ports. The zero PortRange
// is the single port 0.
type PortRange struct {
	First, Last uint16 // inclusive
}

// AllPorts is the range of every port, 0-65535.
var AllPorts = PortRange{0, 65535}

// Port returns the range holding only port p.
func Port(p uint16) PortRange { return PortRange{p, p} }

// Contains reports whether p lies in the range.
func (r PortRange) Contains(p uint16) bool { return r.First <= p && p <= r.Last }

// IsValid reports whether First <= Last.
func (r PortRange) IsValid() bool { return r.First <= r.Last }

// String returns "80" for a single port and "1-30" for a range.
func (r PortRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(int(r.First))
	}
	return strconv.Itoa(int(r.First)) + "-" + strconv.Itoa(int(r.Last))
}

// Ports is a set of port ranges a rule matches. The nil Ports matches every
// port; a non-nil, empty Ports is invalid in a rule. ParsePorts returns
// ranges sorted and merged.
type Ports []PortRange

// Contains reports whether p is in the set; nil contains every port.
func (ps Ports) Contains(p uint16) bool {
	if ps == nil {
		return true
	}
	for _, r := range ps {
		if r.Contains(p) {
			return true
		}
	}
	return false
}

// IsAll reports whether the set holds every port.
func (ps Ports) IsAll() bool {
	return ps == nil || len(ps) == 1 && ps[0] == AllPorts
}

// String returns the comma-separated ranges ("22,80,1000-2000"), or "all"
// for nil.
func (ps Ports) String() string {
	if ps == nil {
		return "all"
	}
	var b strings.Builder
	for i, r := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.String())
	}
	return b.String()
}

// Size returns the number of ports in the set (65536 for nil).
func (ps Ports) Size() int {
	if ps == nil {
		return 65536
	}
	n := 0
	for _, r := range ps {
		n += int(r.Last) - int(r.First) + 1
	}
	return n
}

// Normalize returns the ranges sorted by First with overlapping and adjacent
// ranges merged. It returns nil for nil and does not modify ps.
func (ps Ports) Normalize() Ports {
	if ps == nil {
		return nil
	}
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b PortRange) int { return int(a.First) - int(b.First) })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && int(r.First) <= int(merged[n-1].Last)+1 {
			if r.Last > merged[n-1].Last {
				merged[n-1].Last = r.Last
			}
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// ParsePortRange parses "80" or "1000-2000". Its error says what is wrong
// once, after the value ("sgsim: parse port range \"1-x\": last port not a
// number; want a port 0-65535 or a range FIRST-LAST").
func ParsePortRange(s string) (PortRange, error) {
	r, msg := portRange(s)
	if msg != "" {
		return PortRange{}, &ParseError{What: "port range", Value: s, Msg: msg + "; want " + portRangeWant}
	}
	return r, nil
}

const portRangeWant = "a port 0-65535 or a range FIRST-LAST"

// portRange parses one port or range; on a bad value it returns what is
// wrong, without repeating s.
func portRange(s string) (PortRange, string) {
	lo, hi, isRange := strings.Cut(s, "-")
	if isRange && lo == "" && hi != "" {
		// "-1", "-1-5": a negative port, not a range with its first port
		// left out.
		n, _, _ := strings.Cut(hi, "-")
		if _, msg := parsePort(n); msg == "" || msg == "above 65535" {
			return PortRange{}, "negative"
		}
	}
	if !isRange {
		a, msg := parsePort(s)
		if msg != "" {
			return PortRange{}, msg
		}
		return PortRange{a, a}, ""
	}
	a, msg := parsePort(lo)
	if msg != "" {
		return PortRange{}, "first port " + msg
	}
	b, msg := parsePort(hi)
	if msg != "" {
		if strings.Contains(hi, "-") {
			return PortRange{}, "more than one \"-\""
		}
		return PortRange{}, "last port " + msg
	}
	if a > b {
		return PortRange{}, "first port above last port"
	}
	return PortRange{a, b}, ""
}

// parsePort parses one decimal port; on a bad value it returns what is
// wrong ("empty", "not a number", "above 65535").
func parsePort(s string) (uint16, string) {
	if s == "" {
		return 0, "empty"
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, "not a number"
		}
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, "above 65535"
	}
	return uint16(n), ""
}

// MustParsePorts is ParsePorts that panics on error, for tests and
// hard-coded values.
func MustParsePorts(s string) Ports {
	ps, err := ParsePorts(s)
	if err != nil {
		panic(err)
	}
	return ps
}

// ParsePorts parses a comma-separated list of ports and ranges
// ("22,80,1000-2000"); "all" and "any" give nil. The result is normalized.
// Its error says once where and what is wrong: after the value, the item
// of a list of several by its position and text, then what is wrong with
// it and what was wanted ("sgsim: parse ports \"22,90-80\": item 2
// \"90-80\": first port above last port; want ..."); a value of one item
// is not quoted twice.
func ParsePorts(s string) (Ports, error) {
	if l := strings.ToLower(s); l == "all" || l == "any" {
		return nil, nil
	}
	items := strings.Split(s, ",")
	var ps Ports
	for i, f := range items {
		r, msg := portRange(f)
		if msg != "" {
			if len(items) > 1 {
				msg = "item " + strconv.Itoa(i+1) + " " + strconv.Quote(f) + ": " + msg
			}
			return nil, &ParseError{What: "ports", Value: s, Msg: msg + "; want " + portsWant}
		}
		ps = append(ps, r)
	}
	return ps.Normalize(), nil
}

const portsWant = "ports 0-65535 or ranges FIRST-LAST, comma-separated, or all"
