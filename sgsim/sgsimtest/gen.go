// Package sgsimtest holds rapid generators and properties for sgsim rule
// sets and flows, shared by the package's tests and the fuzz targets.
//
// The generators lean toward the cases that break classifiers: /0, /32 and
// /128 prefixes, adjacent and overlapping ranges, ports 0 and 65535, equal
// priorities with opposite actions, any-protocol rules next to port rules,
// and IPv4 and IPv6 in one rule set. Flows are drawn at and around the
// boundaries of the generated rules.
package sgsimtest

import (
	"fmt"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
	"pgregory.net/rapid"
)

// Addresses near these bases overlap and abut each other often.
var (
	v4Bases = []netip.Addr{netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.0.255"),
		netip.MustParseAddr("10.0.1.0"), netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("255.255.255.255"),
		netip.MustParseAddr("192.168.0.16")}
	v6Bases = []netip.Addr{netip.MustParseAddr("2001:db8::"), netip.MustParseAddr("2001:db8::ff"),
		netip.MustParseAddr("2001:db8:0:1::"), netip.MustParseAddr("::"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}
	v4Bits = []int{0, 8, 16, 24, 28, 30, 31, 32, 32}
	v6Bits = []int{0, 32, 64, 120, 126, 127, 128, 128}
	ports  = []uint16{0, 1, 22, 53, 80, 443, 1023, 1024, 5443, 5444, 65534, 65535}
)

// Addr draws an address of the family near one of the bases.
func Addr(t *rapid.T, v6 bool, label string) netip.Addr {
	bases := v4Bases
	if v6 {
		bases = v6Bases
	}
	a := rapid.SampledFrom(bases).Draw(t, label+" base")
	for n := rapid.IntRange(-3, 3).Draw(t, label+" step"); n != 0; {
		if n > 0 {
			if b := a.Next(); b.IsValid() {
				a = b
			}
			n--
		} else {
			if b := a.Prev(); b.IsValid() {
				a = b
			}
			n++
		}
	}
	return a
}

// Range draws a prefix or an arbitrary range of the family.
func Range(t *rapid.T, v6 bool, label string) netipx.IPRange {
	a := Addr(t, v6, label)
	if rapid.IntRange(0, 3).Draw(t, label+" kind") > 0 {
		bits := v4Bits
		if v6 {
			bits = v6Bits
		}
		p := netip.PrefixFrom(a, rapid.SampledFrom(bits).Draw(t, label+" bits")).Masked()
		return netipx.RangeOfPrefix(p)
	}
	b := Addr(t, v6, label+" to")
	if b.Less(a) {
		a, b = b, a
	}
	return netipx.IPRangeFrom(a, b)
}

// Addrs draws "any", or a set of one to three ranges of the family (or,
// when mixed is true, of both families).
func Addrs(t *rapid.T, v6, mixed bool, label string) sgsim.Addrs {
	if rapid.IntRange(0, 3).Draw(t, label+" any") == 0 {
		return sgsim.AnyAddrs()
	}
	var b netipx.IPSetBuilder
	n := rapid.IntRange(1, 3).Draw(t, label+" ranges")
	for i := 0; i < n; i++ {
		fam := v6
		if mixed {
			fam = rapid.Bool().Draw(t, label+" v6")
		}
		b.AddRange(Range(t, fam, fmt.Sprintf("%s[%d]", label, i)))
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

// Ports draws nil (every port) or one to three ranges with ends at the
// interesting ports.
func Ports(t *rapid.T, label string) sgsim.Ports {
	if rapid.IntRange(0, 2).Draw(t, label+" all") == 0 {
		return nil
	}
	var ps sgsim.Ports
	n := rapid.IntRange(1, 3).Draw(t, label+" n")
	for i := 0; i < n; i++ {
		a := rapid.SampledFrom(ports).Draw(t, label+" first")
		b := a
		if rapid.Bool().Draw(t, label+" range") {
			b = rapid.SampledFrom(ports).Draw(t, label+" last")
		}
		if b < a {
			a, b = b, a
		}
		ps = append(ps, sgsim.PortRange{First: a, Last: b})
	}
	return ps.Normalize()
}

var protos = []sgsim.Protocol{sgsim.AnyProtocol, sgsim.AnyProtocol, sgsim.TCP, sgsim.TCP, sgsim.UDP,
	sgsim.ICMP, sgsim.ICMPv6, sgsim.SCTP, sgsim.GRE, sgsim.ProtocolNumber(0), sgsim.ProtocolNumber(255)}

// Rule draws a valid, resolved rule for semantics s. Security-group
// semantics restrict one side only most of the time; ACL and FirstMatch
// restrict both freely.
func Rule(t *rapid.T, s sgsim.Semantics, label string) sgsim.Rule {
	var r sgsim.Rule
	r.ID = label
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	if s == sgsim.Union {
		r.Action = sgsim.Allow
	}
	if lo, hi, used := s.PriorityRange(); used {
		r.Priority = rapid.IntRange(lo, min(hi, lo+3)).Draw(t, label+" priority")
	}
	fam := rapid.IntRange(0, 2).Draw(t, label+" family") // 0 v4, 1 v6, 2 mixed
	v6, mixed := fam == 1, fam == 2
	r.Src = Addrs(t, v6, mixed, label+" src")
	r.Dst = Addrs(t, v6, mixed, label+" dst")
	if !mixed && rapid.IntRange(0, 3).Draw(t, label+" restrict family") == 0 {
		r.Family = map[bool]sgsim.Family{false: sgsim.IPv4, true: sgsim.IPv6}[v6]
	}
	if mixed && !r.Src.IsAny() && !r.Dst.IsAny() {
		r.Dst = sgsim.AnyAddrs() // a mixed set on both sides may pair v4 with v6
	}
	r.Protocol = rapid.SampledFrom(protos).Draw(t, label+" proto")
	if r.Protocol == sgsim.ICMP && r.Family == sgsim.IPv6 || r.Protocol == sgsim.ICMPv6 && r.Family == sgsim.IPv4 {
		r.Protocol = sgsim.AnyProtocol
	}
	if r.Protocol.HasPorts() {
		r.DstPorts = Ports(t, label+" dport")
		if rapid.IntRange(0, 3).Draw(t, label+" has sport") == 0 {
			r.SrcPorts = Ports(t, label+" sport")
		}
	}
	if r.Protocol.IsICMP() && rapid.Bool().Draw(t, label+" icmp") {
		r.ICMP = sgsim.ICMPType(rapid.SampledFrom([]uint8{0, 3, 8, 255}).Draw(t, label+" icmp type"))
		if rapid.Bool().Draw(t, label+" icmp code") {
			r.ICMP.HasCode, r.ICMP.Code = true, rapid.SampledFrom([]uint8{0, 1, 255}).Draw(t, label+" code")
		}
	}
	if err := r.Validate(); err != nil {
		// The generator must only make valid rules: a failure here is a
		// bug in the generator or in Validate.
		t.Fatalf("generated invalid rule %v: %v", r, err)
	}
	return r
}

// Groups draws one to three groups with up to maxRules rules in all.
func Groups(t *rapid.T, s sgsim.Semantics, maxRules int) []sgsim.Group {
	return groups(t, s, maxRules, Rule)
}

// groups draws one to three groups of rules drawn by rule, up to maxRules
// in all.
func groups(t *rapid.T, s sgsim.Semantics, maxRules int, rule func(*rapid.T, sgsim.Semantics, string) sgsim.Rule) []sgsim.Group {
	ng := rapid.IntRange(1, 3).Draw(t, "groups")
	gs := make([]sgsim.Group, ng)
	for g := range gs {
		gs[g].ID = fmt.Sprintf("g%d", g)
		n := rapid.IntRange(0, maxRules/ng).Draw(t, fmt.Sprintf("g%d rules", g))
		for i := 0; i < n; i++ {
			gs[g].Rules = append(gs[g].Rules, rule(t, s, fmt.Sprintf("g%d.r%d", g, i)))
		}
	}
	return gs
}

// prefixPool are the addresses ClassBench-like rules cut prefixes from:
// few, so that rules share keys, nest and crowd buckets.
var prefixPool = []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.2.200"),
	netip.MustParseAddr("10.1.3.7"), netip.MustParseAddr("192.168.7.9"), netip.MustParseAddr("128.0.0.1")}

var prefixLens = []int{0, 0, 1, 8, 16, 23, 24, 28, 31, 32, 32, 32}

// PrefixRule draws a ClassBench-like rule for semantics s: both sides
// prefixes cut from a small pool of addresses (so many rules share a key
// and buckets crowd), mostly an exact destination port or a port range,
// and now and then an IPv6 rule, an arbitrary address range or a port list
// (which flatten into several entries).
func PrefixRule(t *rapid.T, s sgsim.Semantics, label string) sgsim.Rule {
	var r sgsim.Rule
	r.ID = label
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	if s == sgsim.Union {
		r.Action = sgsim.Allow
	}
	if lo, hi, used := s.PriorityRange(); used {
		r.Priority = rapid.IntRange(lo, min(hi, lo+3)).Draw(t, label+" priority")
	}
	kind := rapid.IntRange(0, 9).Draw(t, label+" kind")
	side := func(l string) sgsim.Addrs {
		switch {
		case kind == 0: // IPv6
			return Addrs(t, true, false, l)
		case kind == 1: // arbitrary ranges
			return Addrs(t, false, false, l)
		}
		a := rapid.SampledFrom(prefixPool).Draw(t, l+" base")
		return sgsim.PrefixAddrs(netip.PrefixFrom(a, rapid.SampledFrom(prefixLens).Draw(t, l+" bits")).Masked())
	}
	r.Src, r.Dst = side(label+" src"), side(label+" dst")
	r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.TCP, sgsim.UDP, sgsim.AnyProtocol, sgsim.ICMP}).Draw(t, label+" proto")
	if kind == 0 && r.Protocol == sgsim.ICMP {
		r.Protocol = sgsim.ICMPv6
	}
	if r.Protocol.HasPorts() {
		switch rapid.IntRange(0, 5).Draw(t, label+" dport kind") {
		case 0:
		case 1:
			r.DstPorts = Ports(t, label+" dport")
		default:
			r.DstPorts = sgsim.Ports{sgsim.Port(rapid.SampledFrom([]uint16{22, 53, 80, 443}).Draw(t, label+" dport"))}
		}
		if rapid.IntRange(0, 4).Draw(t, label+" has sport") == 0 {
			r.SrcPorts = Ports(t, label+" sport")
		}
	}
	if r.Protocol.IsICMP() && rapid.Bool().Draw(t, label+" icmp") {
		r.ICMP = sgsim.ICMPType(rapid.SampledFrom([]uint8{0, 8}).Draw(t, label+" icmp type"))
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("generated invalid rule %v: %v", r, err)
	}
	return r
}

// PrefixGroups draws one to three groups of PrefixRule rules, up to
// maxRules in all.
func PrefixGroups(t *rapid.T, s sgsim.Semantics, maxRules int) []sgsim.Group {
	return groups(t, s, maxRules, PrefixRule)
}

// Flow draws a valid flow, usually at or next to a boundary of one of the
// given rules so that near misses are tested as often as hits.
func Flow(t *rapid.T, gs []sgsim.Group, label string) sgsim.Flow {
	var all []sgsim.Rule
	for _, g := range gs {
		all = append(all, g.Rules...)
	}
	v6 := rapid.Bool().Draw(t, label+" v6")
	var f sgsim.Flow
	f.Src, f.Dst = Addr(t, v6, label+" src"), Addr(t, v6, label+" dst")
	if !v6 && rapid.IntRange(0, 3).Draw(t, label+" pool") == 0 {
		f.Src = rapid.SampledFrom(prefixPool).Draw(t, label+" src pool")
		f.Dst = rapid.SampledFrom(prefixPool).Draw(t, label+" dst pool")
	}
	f.Proto = rapid.SampledFrom(protos[2:]).Draw(t, label+" proto")
	f.SrcPort = rapid.SampledFrom(ports).Draw(t, label+" sport")
	f.DstPort = rapid.SampledFrom(ports).Draw(t, label+" dport")
	f.ICMPType = rapid.SampledFrom([]uint8{0, 3, 8, 255}).Draw(t, label+" icmp type")
	f.ICMPCode = rapid.SampledFrom([]uint8{0, 1, 255}).Draw(t, label+" icmp code")
	if len(all) > 0 && rapid.IntRange(0, 3).Draw(t, label+" near rule") > 0 {
		r := rapid.SampledFrom(all).Draw(t, label+" rule")
		if r.Protocol != sgsim.AnyProtocol {
			f.Proto = r.Protocol
		}
		f.Src = near(t, r.Src, f.Src, label+" src")
		f.Dst = near(t, r.Dst, f.Dst, label+" dst")
		if f.Src.Is4() != f.Dst.Is4() {
			f.Dst = Addr(t, f.Src.Is6(), label+" dst again")
		}
		if len(r.DstPorts) > 0 {
			pr := rapid.SampledFrom(r.DstPorts).Draw(t, label+" dport range")
			f.DstPort = rapid.SampledFrom([]uint16{pr.First, pr.Last, pr.First - 1, pr.Last + 1}).Draw(t, label+" dport edge")
		}
	}
	return f
}

// near returns an address at or beside a boundary of a, or def when a is any.
func near(t *rapid.T, a sgsim.Addrs, def netip.Addr, label string) netip.Addr {
	rs := a.Ranges()
	if len(rs) == 0 {
		return def
	}
	r := rapid.SampledFrom(rs).Draw(t, label+" range")
	c := rapid.SampledFrom([]netip.Addr{r.From(), r.To(), r.From().Prev(), r.To().Next()}).Draw(t, label+" edge")
	if !c.IsValid() {
		return r.From()
	}
	return c
}

// CompiledEqualsLinear is the differential property: for a random rule set
// under a random semantics, the compiled classifier and the linear
// reference give the same action and the same deciding rule for every
// drawn flow, in both directions. Half the sets are ClassBench-like
// (PrefixGroups), large enough at times for the IPv4 tuple space.
func CompiledEqualsLinear(t *rapid.T) {
	s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
	var gs []sgsim.Group
	if rapid.Bool().Draw(t, "prefix rules") {
		gs = PrefixGroups(t, s, rapid.SampledFrom([]int{12, 40, 120}).Draw(t, "size"))
	} else {
		gs = Groups(t, s, rapid.SampledFrom([]int{4, 12, 40}).Draw(t, "size"))
	}
	c, err := sgsim.Compile(s, gs...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	l, err := sgsim.NewLinear(s, gs...)
	if err != nil {
		t.Fatalf("NewLinear: %v", err)
	}
	n := rapid.IntRange(1, 30).Draw(t, "flows")
	for i := 0; i < n; i++ {
		f := Flow(t, gs, fmt.Sprintf("flow%d", i))
		for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
			got, want := c.Check(d, f), l.Check(d, f)
			if got.Action != want.Action || Decider(got) != Decider(want) {
				t.Fatalf("%v Check(%v):\ncompiled: %v\nlinear:   %v", d, f, got, want)
			}
		}
	}
}

// Decider names the deciding rule of a verdict as "group/rule-id", or ""
// for the default deny, so verdicts of two evaluators can be compared.
func Decider(v sgsim.Verdict) string {
	if v.Rule == nil {
		return ""
	}
	return v.Group + "/" + v.Rule.ID
}
