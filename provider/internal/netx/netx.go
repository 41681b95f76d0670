// Package netx parses the address and port fields that the vendor API
// readers share, and orders an ACL's rules for the writers. Errors are plain messages: the reader wraps them in its
// own *Error with the JSON path and value.
package netx

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

// Prefix parses one address or CIDR block, canonical and unzoned. On a
// bad value it returns a message saying what was wanted; "" means ok.
func Prefix(s string) (netip.Prefix, string) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, "want an IP address or CIDR block"
		}
		if p.Masked() != p {
			return p, "host bits set; want " + p.Masked().String()
		}
		return p, ""
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, "want an IP address or CIDR block"
	}
	return netip.PrefixFrom(a, a.BitLen()), ""
}

// NetipReason is what a net/netip parse error says is wrong, without
// the calls and values it leads with (`netip.ParsePrefix("10.0.0.256/8"):
// ParseAddr("10.0.0.256"): `), which the reader's error names already:
// "IPv4 field has value >255". Each lead is a call with one quoted
// argument, read as a Go string, so a value that itself holds "): " is
// not cut inside. sgsim's netipReason (ParseAddrs) is the same: the
// core cannot import this package.
func NetipReason(err error) string {
	msg := err.Error()
	for {
		open := strings.IndexByte(msg, '(')
		if open < 0 || strings.ContainsAny(msg[:open], " \"") {
			return msg
		}
		q, qerr := strconv.QuotedPrefix(msg[open+1:])
		rest := msg[open+1+len(q):]
		if qerr != nil || !strings.HasPrefix(rest, "): ") {
			return msg
		}
		msg = rest[len("): "):]
	}
}

// Ports parses a comma-separated list of ports and "FIRST-LAST" ranges,
// ports 1-65535 in decimal. want is the error message for a list that is
// not of that form (it names the vendor's forms). The reader's error
// quotes the whole value, so the message names the bad item only in a
// list of several (`item 2 "30-1": first port above last port`), never
// repeating a value of one item.
func Ports(s, want string) (sgsim.Ports, error) {
	var ps sgsim.Ports
	items := strings.Split(s, ",")
	fail := func(i int, msg string) error {
		if len(items) > 1 {
			msg = "item " + strconv.Itoa(i+1) + " " + strconv.Quote(items[i]) + ": " + msg
		}
		return errors.New(msg)
	}
	for i, f := range items {
		lo, hi, isRange := strings.Cut(f, "-")
		a, ok1 := Port(lo)
		b := a
		ok2 := true
		if isRange {
			b, ok2 = Port(hi)
		}
		if !ok1 || !ok2 {
			return nil, fail(i, want)
		}
		if a > b {
			return nil, fail(i, "first port above last port")
		}
		ps = append(ps, sgsim.PortRange{First: a, Last: b})
	}
	return ps.Normalize(), nil
}

// Port parses one port 1-65535 given as decimal digits only.
func Port(s string) (uint16, bool) {
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// ACLOrder returns the indexes of an ACL's ingress rules ([0]) and egress
// rules ([1]), each sorted stably by Priority: the order an ACL writer
// lists them in. It fails on a rule of neither direction (it would be left
// out) and on a direction with more rules than sgsim.ACL numbers (the
// readers give each rule its position as Priority). The error's text
// continues a message naming the ACL: ` rule 1 ("b"): direction 2: ...`
// or `: 32767 ingress rules: ...`.
func ACLOrder(rules []sgsim.Rule) ([2][]int, error) {
	var order [2][]int
	for i := range rules {
		d := rules[i].Direction
		if d != sgsim.Ingress && d != sgsim.Egress {
			return order, fmt.Errorf(" rule %d (%q): direction %d: want ingress or egress", i, rules[i].ID, d)
		}
		order[d] = append(order[d], i)
	}
	_, maxPos, _ := sgsim.ACL.PriorityRange()
	for d := range order {
		if len(order[d]) > maxPos {
			return order, fmt.Errorf(": %d %s rules: more than %d, which the reader (and sgsim.ACL) cannot number", len(order[d]), sgsim.Direction(d), maxPos)
		}
		slices.SortStableFunc(order[d], func(a, b int) int { return cmp.Compare(rules[a].Priority, rules[b].Priority) })
	}
	return order, nil
}
