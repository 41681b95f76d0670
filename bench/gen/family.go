package gen

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

// Family describes a ClassBench-like filter set: five-tuple filters with
// both addresses as prefixes, source and destination port ranges of the
// five ClassBench kinds, and a protocol, evaluated first-match. The
// presets ACLLike, FirewallLike and IPChainLike follow the distributions
// of the acl1, fw1 and ipc1 seeds; Vary derives families with other
// prefix-length, port and address-sharing distributions, so a classifier
// can be checked on sets it was not tuned on.
type Family struct {
	Name string
	// SrcLen and DstLen weigh prefix lengths (index = length, 0-32).
	SrcLen, DstLen [33]float64
	// SrcPorts and DstPorts weigh the port kinds.
	SrcPorts, DstPorts PortMix
	// Protocol weights.
	TCP, UDP, ICMP, GRE, AnyProto float64
	// SrcPool and DstPool are the number of distinct base addresses per
	// rule (0-1]: a filter's address is a base address cut to its prefix
	// length, so few bases mean many filters on the same hosts and nested
	// prefixes (acl1 has about 575 destinations for 10K filters). Skew
	// (>= 0) concentrates filters on the first bases of the pool (Zipf
	// exponent; 0 is uniform).
	SrcPool, DstPool float64
	Skew             float64
	// Deny is the share of deny filters (ClassBench has no actions; 0
	// makes all allow).
	Deny float64
	// Default appends a filter matching everything, as the ClassBench
	// seeds' last filter does.
	Default bool
}

// PortMix weighs the ClassBench port-range kinds: wildcard 0-65535, HI
// 1024-65535, LO 0-1023, an exact port, an arbitrary range.
type PortMix struct{ WC, HI, LO, EM, AR float64 }

// lens builds a length distribution from (length, weight) pairs.
func lens(pairs ...float64) [33]float64 {
	var out [33]float64
	for i := 0; i+1 < len(pairs); i += 2 {
		out[int(pairs[i])] = pairs[i+1]
	}
	return out
}

// ClassBench-like presets (distributions measured on the 10K seeds'
// filter sets, rounded).
var (
	ACLLike = Family{
		Name:     "acl-like",
		SrcLen:   lens(0, 0.01, 8, 0.005, 16, 0.01, 22, 0.02, 23, 0.07, 24, 0.05, 29, 0.01, 30, 0.05, 31, 0.25, 32, 0.53),
		DstLen:   lens(15, 0.01, 16, 0.015, 17, 0.01, 21, 0.02, 22, 0.07, 23, 0.04, 24, 0.025, 25, 0.02, 28, 0.01, 30, 0.05, 31, 0.2, 32, 0.5),
		SrcPorts: PortMix{WC: 1}, DstPorts: PortMix{WC: 0.29, EM: 0.6, AR: 0.11},
		TCP: 0.87, UDP: 0.012, ICMP: 0.03, AnyProto: 0.088,
		SrcPool: 0.2, DstPool: 0.06, Skew: 1.0, Default: true,
	}
	FirewallLike = Family{
		Name:     "fw-like",
		SrcLen:   lens(0, 0.41, 1, 0.2, 2, 0.03, 20, 0.01, 21, 0.01, 22, 0.01, 23, 0.01, 26, 0.01, 27, 0.015, 28, 0.015, 29, 0.02, 30, 0.03, 31, 0.1, 32, 0.125),
		DstLen:   lens(0, 0.19, 1, 0.1, 2, 0.01, 21, 0.01, 22, 0.01, 27, 0.005, 28, 0.007, 29, 0.007, 30, 0.07, 31, 0.28, 32, 0.31),
		SrcPorts: PortMix{WC: 0.76, EM: 0.16, HI: 0.08}, DstPorts: PortMix{WC: 0.3, EM: 0.62, HI: 0.08},
		TCP: 0.56, UDP: 0.34, GRE: 0.05, ICMP: 0.04, AnyProto: 0.01,
		SrcPool: 0.3, DstPool: 0.5, Skew: 0.8, Default: true,
	}
	IPChainLike = Family{
		Name:     "ipc-like",
		SrcLen:   lens(0, 0.07, 1, 0.05, 15, 0.015, 16, 0.03, 17, 0.025, 21, 0.01, 22, 0.05, 23, 0.14, 24, 0.15, 25, 0.085, 26, 0.04, 27, 0.025, 28, 0.015, 30, 0.01, 31, 0.08, 32, 0.17),
		DstLen:   lens(0, 0.05, 1, 0.03, 15, 0.025, 16, 0.045, 17, 0.025, 22, 0.02, 23, 0.07, 24, 0.12, 25, 0.1, 26, 0.055, 27, 0.03, 28, 0.02, 29, 0.01, 30, 0.015, 31, 0.11, 32, 0.27),
		SrcPorts: PortMix{WC: 0.81, EM: 0.16, AR: 0.02, HI: 0.01}, DstPorts: PortMix{WC: 0.54, EM: 0.37, AR: 0.03, HI: 0.06},
		TCP: 0.27, UDP: 0.39, ICMP: 0.012, GRE: 0.005, AnyProto: 0.32,
		SrcPool: 0.3, DstPool: 0.3, Skew: 0.8, Default: true,
	}
)

// Families are the presets.
var Families = []Family{ACLLike, FirewallLike, IPChainLike}

// Vary returns a family derived from f with other distributions,
// deterministic in seed: prefix-length mass moved by up to four lengths
// and reweighted, port kinds and protocols reweighted, address pools
// and skew scaled. Its name is f's with "-v<seed>".
func Vary(f Family, seed int64) Family {
	r := newRand(seed, 0xfa41)
	v := f
	v.Name = f.Name + "-v" + strconv.FormatInt(seed, 10)
	shift := func(w [33]float64) [33]float64 {
		var out [33]float64
		for l, x := range w {
			if x == 0 {
				continue
			}
			m := min(32, max(0, l+r.IntN(9)-4))
			if l == 0 || l == 32 { // wildcards and hosts keep their meaning
				m = l
			}
			out[m] += x * (0.3 + 1.4*r.Float64())
		}
		return out
	}
	v.SrcLen, v.DstLen = shift(f.SrcLen), shift(f.DstLen)
	w := func(x float64) float64 { return x * (0.3 + 1.4*r.Float64()) }
	pm := func(p PortMix) PortMix {
		return PortMix{WC: w(p.WC) + 0.02, HI: w(p.HI), LO: w(p.LO) + 0.01, EM: w(p.EM), AR: w(p.AR) + 0.02}
	}
	v.SrcPorts, v.DstPorts = pm(f.SrcPorts), pm(f.DstPorts)
	v.TCP, v.UDP, v.ICMP, v.GRE, v.AnyProto = w(f.TCP), w(f.UDP), w(f.ICMP), w(f.GRE), w(f.AnyProto)
	v.SrcPool = min(1, f.SrcPool*math.Exp(r.Float64()*2-1))
	v.DstPool = min(1, f.DstPool*math.Exp(r.Float64()*2-1))
	v.Skew = f.Skew * (0.5 + r.Float64())
	return v
}

// pick draws an index from weights (all zero: index 0).
func pick(r *rand.Rand, ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	x := r.Float64() * total
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return 0
}

// zipf draws from [0, n) with P(i) proportional to 1/(i+1)^s, by
// inverting the continuous approximation of the CDF.
func zipf(r *rand.Rand, n int, s float64) int {
	if n <= 1 {
		return 0
	}
	u := r.Float64()
	var x float64
	if math.Abs(s-1) < 1e-9 {
		x = math.Exp(u*math.Log(float64(n)+1)) - 1
	} else {
		a := 1 - s
		x = math.Pow(u*(math.Pow(float64(n)+1, a)-1)+1, 1/a) - 1
	}
	return min(n-1, max(0, int(x)))
}

// ClassBench returns n first-match filters of family f, deterministic in
// seed, all ingress and IPv4; with f.Default the last one matches
// everything. As in the ClassBench seeds, specific filters come first:
// the filters are ordered by the sum of their prefix lengths, longest
// first, give or take up to 8 (so wide filters still shadow some narrow
// ones). Filter i has ID "f<i>" and Origin{Vendor: "gen", Document:
// f.Name, Row: i+1}.
func ClassBench(seed int64, n int, f Family) []sgsim.Rule {
	r := newRand(seed, 0xc1a5)
	pool := func(share float64) []uint32 {
		k := max(1, int(share*float64(n)+0.5))
		out := make([]uint32, k)
		for i := range out {
			out[i] = r.Uint32()
		}
		return out
	}
	srcs, dsts := pool(f.SrcPool), pool(f.DstPool)
	addr := func(bases []uint32, l int) sgsim.Addrs {
		b := bases[zipf(r, len(bases), f.Skew)]
		var a [4]byte
		a[0], a[1], a[2], a[3] = byte(b>>24), byte(b>>16), byte(b>>8), byte(b)
		return sgsim.PrefixAddrs(netip.PrefixFrom(netip.AddrFrom4(a), l).Masked())
	}
	ports := func(m PortMix) sgsim.Ports {
		switch pick(r, []float64{m.WC, m.HI, m.LO, m.EM, m.AR}) {
		case 1:
			return sgsim.Ports{{First: 1024, Last: 65535}}
		case 2:
			return sgsim.Ports{{First: 0, Last: 1023}}
		case 3:
			p := uint16(r.IntN(65536))
			if r.IntN(2) == 0 {
				p = wellKnown[r.IntN(len(wellKnown))]
			}
			return sgsim.Ports{sgsim.Port(p)}
		case 4:
			lo := uint16(r.IntN(65000))
			return sgsim.Ports{{First: lo, Last: lo + uint16(1+r.IntN(535))}}
		}
		return nil
	}
	protos := []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE, sgsim.AnyProtocol}
	type keyed struct {
		key  int
		rule sgsim.Rule
	}
	body := n
	if f.Default {
		body--
	}
	ks := make([]keyed, 0, n)
	for range body {
		rule := sgsim.Rule{
			Direction: sgsim.Ingress, Action: sgsim.Allow,
			Protocol: protos[pick(r, []float64{f.TCP, f.UDP, f.ICMP, f.GRE, f.AnyProto})],
		}
		if r.Float64() < f.Deny {
			rule.Action = sgsim.Deny
		}
		sl, dl := pick(r, f.SrcLen[:]), pick(r, f.DstLen[:])
		rule.Src, rule.Dst = addr(srcs, sl), addr(dsts, dl)
		if rule.Protocol.HasPorts() {
			rule.SrcPorts, rule.DstPorts = ports(f.SrcPorts), ports(f.DstPorts)
		}
		ks = append(ks, keyed{-(sl + dl + r.IntN(17) - 8), rule})
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return a.key - b.key })
	if f.Default {
		ks = append(ks, keyed{rule: sgsim.Rule{Action: sgsim.Allow, Family: sgsim.IPv4}})
	}
	out := make([]sgsim.Rule, len(ks))
	for i, k := range ks {
		out[i] = k.rule
		out[i].ID = "f" + strconv.Itoa(i)
		out[i].Origin = sgsim.Origin{Vendor: "gen", Document: f.Name, Row: i + 1}
	}
	return out
}

// FamilyByName returns a preset by name ("acl-like", "fw-like",
// "ipc-like") or a variant of one ("fw-like-v3" is Vary(FirewallLike, 3)).
func FamilyByName(name string) (Family, bool) {
	for _, f := range Families {
		if name == f.Name {
			return f, true
		}
		if rest, ok := strings.CutPrefix(name, f.Name+"-v"); ok {
			seed, err := strconv.ParseInt(rest, 10, 64)
			if err != nil || seed < 0 {
				return Family{}, false
			}
			return Vary(f, seed), true
		}
	}
	return Family{}, false
}
