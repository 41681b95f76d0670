package gen

import (
	"math/rand/v2"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// missTries is how many random flows Flows tries before it gives up on
// finding one that matches no rule.
const missTries = 64

// Flows returns n ingress flows for rules, deterministic in seed: a share
// hitRate of them (rounded) is built inside a randomly chosen rule, so it
// matches at least that rule; the others are random flows that match no
// rule. Whether a flow matches is independent of rule order and action, so
// hitRate holds under every semantics. Rules no flow can match (an empty
// address set, ICMP with IPv6 addresses only, ...) are never chosen; with
// none left, every flow is a miss. Flows compiles the rules (under
// FirstMatch, valid for any rule set Validate accepts; it panics on an
// invalid rule) to recognise misses; use FlowsFor to reuse an evaluator.
//
// When a rule set matches (nearly) everything, as one with an allow-any
// rule does, random flows keep hitting; after a few tries a hit is
// emitted instead and the hit rate comes out higher than asked.
func Flows(seed int64, rules []sgsim.Rule, n int, hitRate float64) []sgsim.Flow {
	c, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "flows", Rules: rules})
	if err != nil {
		panic("gen.Flows: " + err.Error())
	}
	return FlowsFor(seed, rules, n, hitRate, c)
}

// FlowsFor is Flows with the evaluator that recognises misses supplied by
// the caller: a flow is a miss when ev.Check(sgsim.Ingress, f).Rule is nil.
// ev must hold the same ingress rules, under any semantics.
func FlowsFor(seed int64, rules []sgsim.Rule, n int, hitRate float64, ev sgsim.Evaluator) []sgsim.Flow {
	r := newRand(seed, 0xf10e)
	var in []int // ingress rules that can be hit
	for i := range rules {
		if rules[i].Direction == sgsim.Ingress && rules[i].IsResolved() {
			if v4, v6 := families(&rules[i]); v4 || v6 {
				in = append(in, i)
			}
		}
	}
	hits := int(hitRate*float64(n) + 0.5)
	if len(in) == 0 {
		hits = 0
	}
	v6share := 0.0
	for _, i := range in {
		if v4, v6 := rules[i].Src.Families(); v6 && !v4 {
			v6share++
		}
	}
	if len(in) > 0 {
		v6share /= float64(len(in))
	}
	out := make([]sgsim.Flow, 0, n)
	for k := 0; k < n; k++ {
		// Interleave hits and misses evenly, so any prefix of the trace
		// has about the requested hit rate.
		hit := (k+1)*hits/n > k*hits/n
		if !hit {
			if f, ok := miss(r, ev, v6share); ok {
				out = append(out, f)
				continue
			}
			if len(in) == 0 {
				out = append(out, randomFlow(r, false))
				continue
			}
		}
		out = append(out, inside(r, &rules[in[r.IntN(len(in))]]))
	}
	return out
}

func miss(r *rand.Rand, ev sgsim.Evaluator, v6share float64) (sgsim.Flow, bool) {
	for t := 0; t < missTries; t++ {
		f := randomFlow(r, r.Float64() < v6share)
		if ev.Check(sgsim.Ingress, f).Rule == nil {
			return f, true
		}
	}
	return sgsim.Flow{}, false
}

var flowProtos = []sgsim.Protocol{sgsim.TCP, sgsim.TCP, sgsim.TCP, sgsim.UDP, sgsim.UDP, sgsim.ICMP, sgsim.GRE}

// randomFlow draws addresses anywhere in the family, a common protocol and
// random ports.
func randomFlow(r *rand.Rand, v6 bool) sgsim.Flow {
	f := sgsim.Flow{Proto: flowProtos[r.IntN(len(flowProtos))]}
	if v6 {
		f.Src, f.Dst = randIn(r, all6), randIn(r, all6)
		if f.Proto == sgsim.ICMP {
			f.Proto = sgsim.ICMPv6
		}
	} else {
		f.Src, f.Dst = randIn(r, all4), randIn(r, all4)
	}
	setPorts(r, &f, nil)
	return f
}

var (
	all4 = netipx.IPRangeFrom(netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255}))
	all6 = netipx.IPRangeFrom(netip.IPv6Unspecified(),
		netip.AddrFrom16([16]byte{255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255}))
)

func setPorts(r *rand.Rand, f *sgsim.Flow, dst sgsim.Ports) {
	switch {
	case f.Proto.HasPorts():
		f.SrcPort = uint16(1024 + r.IntN(64512))
		f.DstPort = portIn(r, dst)
	case f.Proto.IsICMP():
		f.ICMPType = uint8(r.IntN(16))
	}
}

func portIn(r *rand.Rand, ps sgsim.Ports) uint16 {
	if ps == nil {
		return uint16(r.IntN(65536))
	}
	pr := ps[r.IntN(len(ps))]
	return pr.First + uint16(r.IntN(int(pr.Last-pr.First)+1))
}

// families reports in which address families some flow matches rule:
// both addresses and, for ICMP and ICMPv6, the protocol must allow it.
func families(rule *sgsim.Rule) (v4, v6 bool) {
	s4, s6 := rule.Src.Families()
	d4, d6 := rule.Dst.Families()
	v4, v6 = s4 && d4, s6 && d6
	if rule.Family == sgsim.IPv4 || rule.Protocol == sgsim.ICMP {
		v6 = false
	}
	if rule.Family == sgsim.IPv6 || rule.Protocol == sgsim.ICMPv6 {
		v4 = false
	}
	return v4, v6
}

// inside returns a flow that rule matches; families(rule) must report at
// least one family.
func inside(r *rand.Rand, rule *sgsim.Rule) sgsim.Flow {
	can4, can6 := families(rule)
	v6 := can6 && (!can4 || r.IntN(20) == 0)
	f := sgsim.Flow{Proto: rule.Protocol}
	if f.Proto == sgsim.AnyProtocol {
		f.Proto = flowProtos[r.IntN(len(flowProtos))]
		if v6 && f.Proto == sgsim.ICMP {
			f.Proto = sgsim.ICMPv6
		}
	}
	f.Src = addrIn(r, rule.Src, v6)
	f.Dst = addrIn(r, rule.Dst, v6)
	if f.Proto.HasPorts() {
		f.SrcPort = portIn(r, rule.SrcPorts)
		f.DstPort = portIn(r, rule.DstPorts)
	} else if f.Proto.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(r.IntN(16)), 0
		if rule.ICMP.HasType {
			f.ICMPType = rule.ICMP.Type
		}
		if rule.ICMP.HasCode {
			f.ICMPCode = rule.ICMP.Code
		}
	}
	return f
}

// addrIn returns a random address of a in the family.
func addrIn(r *rand.Rand, a sgsim.Addrs, v6 bool) netip.Addr {
	if a.IsAny() {
		if v6 {
			return randIn(r, all6)
		}
		return randIn(r, all4)
	}
	var rs []netipx.IPRange
	for _, x := range a.Ranges() {
		if x.From().Is6() == v6 {
			rs = append(rs, x)
		}
	}
	return randIn(r, rs[r.IntN(len(rs))])
}
