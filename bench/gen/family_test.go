package gen

import (
	"math"
	"reflect"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

// share returns the fraction of rules for which f is true.
func share(rs []sgsim.Rule, f func(*sgsim.Rule) bool) float64 {
	n := 0
	for i := range rs {
		if f(&rs[i]) {
			n++
		}
	}
	return float64(n) / float64(len(rs))
}

func prefixLen(a sgsim.Addrs) int {
	if a.IsAny() {
		return 0
	}
	p, ok := a.Ranges()[0].Prefix()
	if !ok || len(a.Ranges()) != 1 {
		return -1
	}
	return p.Bits()
}

func TestClassBenchFamilies(t *testing.T) {
	for _, f := range append(Families, Vary(ACLLike, 1), Vary(FirewallLike, 2), Vary(IPChainLike, 3)) {
		rs := ClassBench(7, 5000, f)
		if len(rs) != 5000 {
			t.Fatalf("%s: %d rules", f.Name, len(rs))
		}
		if _, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rs}); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !reflect.DeepEqual(rs, ClassBench(7, 5000, f)) {
			t.Errorf("%s: same seed, different rules", f.Name)
		}
		last := rs[len(rs)-1]
		if !last.Src.IsAny() || !last.Dst.IsAny() || last.Protocol != sgsim.AnyProtocol || last.Family != sgsim.IPv4 {
			t.Errorf("%s: last rule %v; want a default matching every IPv4 flow", f.Name, last)
		}
		body := rs[:len(rs)-1]
		// Every address is one prefix, and the length shares follow the
		// family's weights.
		total := 0.0
		for _, w := range f.DstLen {
			total += w
		}
		for l, w := range f.DstLen {
			if w/total < 0.1 {
				continue
			}
			got := share(body, func(r *sgsim.Rule) bool { return prefixLen(r.Dst) == l })
			if math.Abs(got-w/total) > 0.04 {
				t.Errorf("%s: /%d destinations %.3f; want about %.3f", f.Name, l, got, w/total)
			}
		}
		if bad := share(body, func(r *sgsim.Rule) bool { return prefixLen(r.Src) < 0 || prefixLen(r.Dst) < 0 }); bad > 0 {
			t.Errorf("%s: %.3f of rules have an address that is not one prefix", f.Name, bad)
		}
		pt := f.TCP + f.UDP + f.ICMP + f.GRE + f.AnyProto
		if got := share(body, func(r *sgsim.Rule) bool { return r.Protocol == sgsim.TCP }); math.Abs(got-f.TCP/pt) > 0.04 {
			t.Errorf("%s: TCP share %.3f; want about %.3f", f.Name, got, f.TCP/pt)
		}
		pm := f.DstPorts.WC + f.DstPorts.HI + f.DstPorts.LO + f.DstPorts.EM + f.DstPorts.AR
		exact := share(body, func(r *sgsim.Rule) bool {
			return len(r.DstPorts) == 1 && r.DstPorts[0].First == r.DstPorts[0].Last
		}) / share(body, func(r *sgsim.Rule) bool { return r.Protocol.HasPorts() })
		if math.Abs(exact-f.DstPorts.EM/pm) > 0.05 {
			t.Errorf("%s: exact destination ports %.3f of port rules; want about %.3f", f.Name, exact, f.DstPorts.EM/pm)
		}
	}
}

// Small pools put many filters on the same destinations; large pools
// spread them.
func TestClassBenchPools(t *testing.T) {
	distinct := func(f Family) int {
		seen := map[string]bool{}
		for _, r := range ClassBench(1, 4000, f) {
			seen[r.Dst.String()] = true
		}
		return len(seen)
	}
	few, many := ACLLike, ACLLike
	few.DstPool, many.DstPool = 0.01, 1
	if a, b := distinct(few), distinct(many); a*5 > b {
		t.Errorf("distinct destinations: pool 0.01 %d, pool 1 %d; want far fewer with the small pool", a, b)
	}
}

func TestVary(t *testing.T) {
	v := Vary(FirewallLike, 4)
	if v.Name != "fw-like-v4" || reflect.DeepEqual(v.SrcLen, FirewallLike.SrcLen) || v.DstPorts == FirewallLike.DstPorts {
		t.Errorf("Vary did not change the family: %+v", v)
	}
	if !reflect.DeepEqual(v, Vary(FirewallLike, 4)) {
		t.Error("Vary is not deterministic")
	}
	if v.SrcLen[0] == 0 || v.SrcLen[32] == 0 {
		t.Error("Vary dropped wildcards or hosts, which keep their lengths")
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"acl-like", true}, {"ipc-like-v12", true}, {"fw-like", true}, {"fw-like-vx", false}, {"nosuch", false}, {"acl-like-v-1", false}} {
		f, ok := FamilyByName(tc.name)
		if ok != tc.ok || ok && f.Name != tc.name {
			t.Errorf("FamilyByName(%q) = %q, %v; want ok %v", tc.name, f.Name, ok, tc.ok)
		}
	}
}

// Specific filters come first, as in the ClassBench seeds: the first
// tenth has longer prefixes on average than the last tenth.
func TestClassBenchSpecificFirst(t *testing.T) {
	for _, f := range Families {
		rs := ClassBench(3, 3000, f)
		mean := func(part []sgsim.Rule) float64 {
			s := 0
			for i := range part {
				s += prefixLen(part[i].Src) + prefixLen(part[i].Dst)
			}
			return float64(s) / float64(len(part))
		}
		first, last := mean(rs[:300]), mean(rs[2699:2999])
		if first < last+8 {
			t.Errorf("%s: mean prefix-length sum %.1f in the first tenth, %.1f in the last; want the first clearly longer", f.Name, first, last)
		}
	}
}
