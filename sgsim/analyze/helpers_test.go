package analyze

import (
	"fmt"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Small rule sets: addresses in 10.0.0.0/28 (and any), destination ports
// 20-23, source ports 0-1, ICMP types 0-4 and codes 0-1, so that every
// flow that can be decided differently is in a space small enough to
// enumerate (smallFlows).

func smallAddrs(t *rapid.T, label string) sgsim.Addrs {
	if rapid.IntRange(0, 3).Draw(t, label+" any") == 0 {
		return sgsim.Addrs{}
	}
	bits := rapid.IntRange(28, 32).Draw(t, label+" bits")
	a := [4]byte{10, 0, 0, byte(rapid.IntRange(0, 15).Draw(t, label+" off"))}
	return sgsim.PrefixAddrs(netip.PrefixFrom(netip.AddrFrom4(a), bits).Masked())
}

func smallRule(t *rapid.T, s sgsim.Semantics, label string, both bool) sgsim.Rule {
	r := sgsim.Rule{ID: label}
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	if s == sgsim.Union {
		r.Action = sgsim.Allow
	}
	if lo, hi, used := s.PriorityRange(); used {
		r.Priority = rapid.IntRange(lo, min(hi, lo+2)).Draw(t, label+" priority")
	}
	r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE}).Draw(t, label+" proto")
	if r.Protocol.HasPorts() {
		if rapid.Bool().Draw(t, label+" has dport") {
			a := uint16(rapid.IntRange(20, 23).Draw(t, label+" dport"))
			r.DstPorts = sgsim.Ports{{First: a, Last: min(23, a+uint16(rapid.IntRange(0, 2).Draw(t, label+" width")))}}
		}
		if both && rapid.IntRange(0, 3).Draw(t, label+" has sport") == 0 {
			r.SrcPorts = sgsim.Ports{sgsim.Port(uint16(rapid.IntRange(0, 1).Draw(t, label+" sport")))}
		}
	}
	if r.Protocol == sgsim.ICMP {
		switch rapid.IntRange(0, 2).Draw(t, label+" icmp") {
		case 1:
			r.ICMP = sgsim.ICMPType(uint8(rapid.IntRange(0, 4).Draw(t, label+" type")))
		case 2:
			r.ICMP = sgsim.ICMPTypeCode(uint8(rapid.IntRange(0, 4).Draw(t, label+" type")), uint8(rapid.IntRange(0, 1).Draw(t, label+" code")))
		}
	}
	remote := smallAddrs(t, label+" remote")
	if r.Direction == sgsim.Ingress {
		r.Src = remote
	} else {
		r.Dst = remote
	}
	if both {
		local := smallAddrs(t, label+" local")
		if r.Direction == sgsim.Ingress {
			r.Dst = local
		} else {
			r.Src = local
		}
	}
	return r
}

var smallSems = []sgsim.Semantics{sgsim.FirstMatch, sgsim.Union, sgsim.Huawei, sgsim.Alibaba, sgsim.Tencent, sgsim.ACL}

func smallSet(t *rapid.T, s sgsim.Semantics, prefix string) Set {
	n := rapid.IntRange(1, 2).Draw(t, prefix+" groups")
	gs := make([]sgsim.Group, n)
	k := 0
	for i := range gs {
		gs[i].ID = fmt.Sprintf("%sg%d", prefix, i)
		for j := rapid.IntRange(0, 5).Draw(t, gs[i].ID+" rules"); j > 0; j-- {
			gs[i].Rules = append(gs[i].Rules, smallRule(t, s, fmt.Sprintf("%sr%d", prefix, k), s == sgsim.ACL || s == sgsim.FirstMatch))
			k++
		}
	}
	return NewSet(s, gs...)
}

// mutate changes a few rules of the set, keeping group IDs.
func mutate(t *rapid.T, s Set) Set {
	out := s
	out.Groups = make([]sgsim.Group, len(s.Groups))
	k := 0
	for i, g := range s.Groups {
		g.Rules = append([]sgsim.Rule(nil), g.Rules...)
		switch rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("mutate %d", i)) {
		case 1:
			g.Rules = append(g.Rules, smallRule(t, s.Semantics, fmt.Sprintf("m%d", k), s.Semantics == sgsim.ACL || s.Semantics == sgsim.FirstMatch))
			k++
		case 2:
			if len(g.Rules) > 0 {
				j := rapid.IntRange(0, len(g.Rules)-1).Draw(t, "drop")
				g.Rules = append(g.Rules[:j], g.Rules[j+1:]...)
			}
		case 3:
			if len(g.Rules) > 0 && s.Semantics != sgsim.Union {
				j := rapid.IntRange(0, len(g.Rules)-1).Draw(t, "flip")
				g.Rules[j].Action ^= 1
			}
		}
		out.Groups[i] = g
	}
	return out
}

// smallFlows enumerates flows that stand for every flow small sets can
// tell apart: each address of 10.0.0.0/28 and two outside it, one IPv6
// pair (only any-address rules match IPv6), the ports, types and codes
// rules name and one beyond each, and ESP for the protocols no rule names.
func smallFlows() []sgsim.Flow {
	var addrs []netip.Addr
	for i := 0; i <= 16; i++ {
		addrs = append(addrs, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}))
	}
	addrs = append(addrs, netip.MustParseAddr("0.0.0.0"))
	var out []sgsim.Flow
	pairs := [][2]netip.Addr{{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")}}
	for _, a := range addrs {
		for _, b := range addrs {
			pairs = append(pairs, [2]netip.Addr{a, b})
		}
	}
	for _, p := range pairs {
		for _, proto := range []sgsim.Protocol{sgsim.TCP, sgsim.UDP} {
			for sp := uint16(0); sp <= 2; sp++ {
				for dp := uint16(19); dp <= 24; dp++ {
					out = append(out, sgsim.Flow{Proto: proto, Src: p[0], Dst: p[1], SrcPort: sp, DstPort: dp})
				}
			}
		}
		for ty := uint8(0); ty <= 5; ty++ {
			for c := uint8(0); c <= 2; c++ {
				out = append(out, sgsim.Flow{Proto: sgsim.ICMP, Src: p[0], Dst: p[1], ICMPType: ty, ICMPCode: c})
			}
		}
		out = append(out, sgsim.Flow{Proto: sgsim.GRE, Src: p[0], Dst: p[1]}, sgsim.Flow{Proto: sgsim.ESP, Src: p[0], Dst: p[1]})
	}
	return out
}

var allSmallFlows = smallFlows()

// ruleID names a deciding rule in test messages and keys ("default"
// for the default deny); refID the same for a change's RuleRef.
func ruleID(r *sgsim.Rule) string {
	if r == nil {
		return "default"
	}
	return r.ID
}

func refID(r *RuleRef) string {
	if r == nil {
		return "default"
	}
	return r.ID
}

// sweptFlows is every flow of the small space, or under the race
// detector a drawn eighth of them, for the properties that check a
// diff flow by flow.
func sweptFlows(t *rapid.T) []sgsim.Flow {
	if !raceEnabled {
		return allSmallFlows
	}
	off := rapid.IntRange(0, 7).Draw(t, "offset")
	var out []sgsim.Flow
	for i := off; i < len(allSmallFlows); i += 8 {
		out = append(out, allSmallFlows[i])
	}
	return out
}

func linear(t *rapid.T, s Set) *sgsim.Linear {
	l, err := sgsim.NewLinear(s.Semantics, s.Groups...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
