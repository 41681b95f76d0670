package sgsim

import (
	"net/netip"
	"strconv"
	"strings"

	"go4.org/netipx"
)

// Family is an address family restriction. The zero Family, AnyFamily,
// restricts nothing.
type Family uint8

// Address families.
const (
	AnyFamily Family = 0
	IPv4      Family = 4
	IPv6      Family = 6
)

func (f Family) String() string {
	switch f {
	case AnyFamily:
		return "any"
	case IPv4:
		return "ipv4"
	case IPv6:
		return "ipv6"
	}
	return "invalid family"
}

func familyOf(a netip.Addr) Family {
	if a.Is4() {
		return IPv4
	}
	if a.Is6() {
		return IPv6
	}
	return AnyFamily
}

// Addrs is the set of addresses one side of a rule matches.
//
// The zero Addrs matches every address of both families ("any"). A
// non-zero Addrs holds an immutable netipx.IPSet, which may be empty (it
// then matches nothing: "none") and may hold both families. Addrs is a
// small value: copying it shares the immutable set.
type Addrs struct {
	set *netipx.IPSet // nil: any
}

// AnyAddrs matches every address. It equals the zero Addrs.
func AnyAddrs() Addrs { return Addrs{} }

// AddrsOf returns the Addrs holding exactly set. A nil set gives an empty
// Addrs that matches nothing (not "any").
func AddrsOf(set *netipx.IPSet) Addrs {
	if set == nil {
		set = &netipx.IPSet{}
	}
	return Addrs{set: set}
}

// PrefixAddrs returns the Addrs holding the given prefixes, which must
// be valid (as netip.ParsePrefix returns them). An invalid prefix is a
// programming error and panics rather than vanish from the set; parse
// untrusted text with ParseAddrs.
func PrefixAddrs(ps ...netip.Prefix) Addrs {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		if !p.IsValid() {
			panic("sgsim.PrefixAddrs: invalid prefix " + p.String())
		}
		b.AddPrefix(p)
	}
	s, _ := b.IPSet()
	return AddrsOf(s)
}

// MustParseAddrs is ParseAddrs that panics on error, for tests and
// hard-coded values.
func MustParseAddrs(s string) Addrs {
	a, err := ParseAddrs(s)
	if err != nil {
		panic(err)
	}
	return a
}

// ParseAddrs parses "any", "none", or a comma-separated list of
// addresses ("10.0.0.1"), prefixes ("10.0.0.0/8") and ranges
// ("10.0.0.1-10.0.0.9"), of either family. Prefixes must be canonical: a
// prefix with host bits set ("10.0.0.1/8") is an error, because a reader
// of the rule cannot tell which was meant. Zoned IPv6 addresses
// ("fe80::1%eth0"), alone or as a range's end, are an error too. The
// error says once what is wrong, naming the item by position and text
// only in a list of several ("item 2 \"10.0.0.300\": IPv4 field has value
// >255"), never repeating the value the error already quotes.
func ParseAddrs(s string) (Addrs, error) {
	switch strings.ToLower(s) {
	case "any":
		return Addrs{}, nil
	case "none":
		return AddrsOf(nil), nil
	}
	var b netipx.IPSetBuilder
	items := strings.Split(s, ",")
	for i, f := range items {
		r, msg := addrItem(f)
		if msg != "" {
			if len(items) > 1 {
				msg = "item " + strconv.Itoa(i+1) + " " + strconv.Quote(f) + ": " + msg
			}
			return Addrs{}, &ParseError{What: "addresses", Value: s, Msg: msg}
		}
		b.AddRange(r)
	}
	set, err := b.IPSet()
	if err != nil {
		return Addrs{}, &ParseError{What: "addresses", Value: s, Msg: err.Error()}
	}
	return AddrsOf(set), nil
}

// addrItem parses one address, prefix or range; on a bad one it returns
// what is wrong, without repeating f.
func addrItem(f string) (netipx.IPRange, string) {
	if f == "" {
		return netipx.IPRange{}, "empty"
	}
	if strings.Contains(f, "/") {
		p, err := netip.ParsePrefix(f)
		switch {
		case err != nil && strings.Contains(f, "%"):
			return netipx.IPRange{}, "zoned address not allowed"
		case err != nil:
			return netipx.IPRange{}, netipReason(err)
		case p.Masked() != p:
			return netipx.IPRange{}, "host bits set; did you mean " + p.Masked().String() + "?"
		}
		return netipx.RangeOfPrefix(p), ""
	}
	one := func(s string) (netip.Addr, string) {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			return a, netipReason(err)
		case a.Zone() != "":
			return a, "zoned address not allowed"
		}
		return a, ""
	}
	lo, hi, isRange := strings.Cut(f, "-")
	if !isRange {
		a, msg := one(f)
		return netipx.IPRangeFrom(a, a), msg
	}
	a, msg := one(lo)
	if msg != "" {
		return netipx.IPRange{}, "first address: " + msg
	}
	z, msg := one(hi)
	if msg != "" {
		return netipx.IPRange{}, "last address: " + msg
	}
	if a.Is4() != z.Is4() {
		return netipx.IPRange{}, "the ends are of different families"
	}
	if z.Less(a) {
		return netipx.IPRange{}, "first address above last address"
	}
	return netipx.IPRangeFrom(a, z), ""
}

// netipReason is what a netip parse error says is wrong, without the
// calls and the values they quote (`netip.ParsePrefix("10.0.0.300/8"):
// ParseAddr("10.0.0.300"): `), which the caller names itself. The leads
// are taken off one quoted value at a time, so a value holding "): "
// does not cut the reason short.
func netipReason(err error) string {
	msg := err.Error()
	for {
		i := strings.IndexByte(msg, '(')
		if i < 0 || strings.ContainsAny(msg[:i], " \"") {
			return msg
		}
		q, err := strconv.QuotedPrefix(msg[i+1:])
		if err != nil || !strings.HasPrefix(msg[i+1+len(q):], "): ") {
			return msg
		}
		msg = msg[i+1+len(q)+3:]
	}
}

// IsAny reports whether a is the zero Addrs, matching every address.
func (a Addrs) IsAny() bool { return a.set == nil }

// IsEmpty reports whether a matches no address.
func (a Addrs) IsEmpty() bool { return a.set != nil && len(a.set.Ranges()) == 0 }

// Set returns the underlying set, or nil for any. The set is immutable.
func (a Addrs) Set() *netipx.IPSet { return a.set }

// Contains reports whether ip is in the set. It does not allocate.
func (a Addrs) Contains(ip netip.Addr) bool {
	if a.set == nil {
		return ip.IsValid()
	}
	return a.set.Contains(ip)
}

// Ranges returns the set's ranges, sorted and minimal; nil for any.
func (a Addrs) Ranges() []netipx.IPRange {
	if a.set == nil {
		return nil
	}
	return a.set.Ranges()
}

// Families reports which families the set holds addresses of.
func (a Addrs) Families() (v4, v6 bool) {
	if a.set == nil {
		return true, true
	}
	for _, r := range a.set.Ranges() {
		if r.From().Is4() {
			v4 = true
		} else {
			v6 = true
		}
	}
	return v4, v6
}

// Equal reports whether a and b match the same addresses, telling "any"
// apart from an explicit 0.0.0.0/0 plus ::/0.
func (a Addrs) Equal(b Addrs) bool {
	if a.set == nil || b.set == nil {
		return a.set == nil && b.set == nil
	}
	return a.set.Equal(b.set)
}

// String returns "any", "none", or the comma-separated prefixes and ranges
// in ascending order, each range written as prefixes when it is exactly one
// prefix and as "from-to" otherwise.
func (a Addrs) String() string {
	if a.set == nil {
		return "any"
	}
	rs := a.set.Ranges()
	if len(rs) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		if p, ok := r.Prefix(); ok {
			if p.Bits() == p.Addr().BitLen() {
				b.WriteString(p.Addr().String())
			} else {
				b.WriteString(p.String())
			}
		} else {
			b.WriteString(r.String())
		}
	}
	return b.String()
}
