package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
	"pgregory.net/rapid"
)

func TestDiffProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := smallSet(t, sem, "")
		new := mutate(t, old)
		d, err := DiffSets(old, new)
		if err != nil {
			t.Fatal(err)
		}
		lo, ln := linear(t, old), linear(t, new)
		// Every witness reproduces, with the rules the change names.
		for k, set := range [][]Change{d.Added, d.Removed} {
			for _, c := range set {
				vo, vn := lo.Check(c.Direction, c.Witness), ln.Check(c.Direction, c.Witness)
				if vo.Action == vn.Action || vn.Allowed() != (k == 0) {
					t.Fatalf("%v: old %v, new %v", c, vo, vn)
				}
				if (vo.Rule == nil) != (c.Old == nil) || vo.Rule != nil && vo.Rule.ID != c.Old.ID ||
					(vn.Rule == nil) != (c.New == nil) || vn.Rule != nil && vn.Rule.ID != c.New.ID {
					t.Fatalf("%v: old %v, new %v", c, vo, vn)
				}
				if !c.Region.Contains(c.Witness) {
					t.Fatalf("%v: witness outside its region", c)
				}
				if why := untestable(c.Region, c.Witness); why != "" {
					t.Fatalf("%v: witness not one a person would test with: %s", c, why)
				}
			}
		}
		// Empty iff the same action on every flow; every differing flow
		// lies in a change.
		differ := false
		for _, f := range allSmallFlows {
			for dir := sgsim.Ingress; dir <= sgsim.Egress; dir++ {
				vo, vn := lo.Check(dir, f), ln.Check(dir, f)
				if vo.Action == vn.Action {
					continue
				}
				differ = true
				set := d.Removed
				if vn.Allowed() {
					set = d.Added
				}
				found := false
				for _, c := range set {
					if c.Direction == dir && c.Region.Contains(f) {
						found = true
						break
					}
				}
				// Protocols no rule names are represented by one of them.
				if !found && !named(old, new, f.Proto) {
					found = true
				}
				if !found {
					t.Fatalf("%v %v: old %v new %v, in no change of %v", dir, f, vo, vn, d)
				}
			}
		}
		if d.IsEmpty() && differ {
			t.Fatal("empty diff, but verdicts differ")
		}
		if !d.IsEmpty() && !differ {
			t.Fatalf("diff %v, but no enumerated flow differs", d)
		}
	})
}

func named(a, b Set, p sgsim.Protocol) bool {
	for _, s := range []Set{a, b} {
		for _, g := range s.Groups {
			for _, r := range g.Rules {
				if r.Protocol == p {
					return true
				}
			}
		}
	}
	return false
}

// untestable says why w is not a flow of sp a person would test with,
// where sp holds one ("" when it is): an address that is the first of
// a range of three or more, or in 0.0.0.0/8 (below 2000:: for IPv6) when
// its range reaches past it; the same address on both sides when a side
// holds another; destination port 0 when the set holds a port above 0;
// a source port below 1024 when the set reaches 1024, or 0 when it holds
// a port above 0.
func untestable(sp sgsim.Space, w sgsim.Flow) string {
	for side, x := range map[string]struct {
		a sgsim.Addrs
		w netip.Addr
	}{"src": {sp.Src, w.Src}, "dst": {sp.Dst, w.Dst}} {
		for _, r := range famRanges(x.a, x.w.Is6()) {
			if !r.Contains(x.w) {
				continue
			}
			if n := r.From().Next(); n.IsValid() && n.Less(r.To()) && x.w == r.From() {
				return side + " is the first address of " + r.String()
			}
			low, high := netip.MustParsePrefix("0.0.0.0/8"), netip.MustParseAddr("1.0.0.0")
			if x.w.Is6() {
				low, high = netip.MustParsePrefix("::/3"), netip.MustParseAddr("2000::")
			}
			if low.Contains(x.w) && r.Contains(high) {
				return side + " is in " + low.String() + " though " + r.String() + " reaches " + high.String()
			}
		}
	}
	if w.Src == w.Dst && (more(sp.Src, w.Src) || more(sp.Dst, w.Dst)) {
		return "the same address on both sides"
	}
	if !sp.Protocol.HasPorts() {
		return ""
	}
	holds := func(ps sgsim.Ports, p uint16) bool { // a port at or above p
		if ps == nil {
			return true
		}
		for _, r := range ps {
			if r.Last >= p {
				return true
			}
		}
		return false
	}
	switch {
	case w.DstPort == 0 && holds(sp.DstPorts, 1):
		return "destination port 0"
	case w.SrcPort < 1024 && holds(sp.SrcPorts, 1024):
		return "source port below 1024"
	case w.SrcPort == 0 && holds(sp.SrcPorts, 1):
		return "source port 0"
	}
	return ""
}

// famRanges is a's ranges of one family (every address of it for any).
func famRanges(a sgsim.Addrs, v6 bool) []netipx.IPRange {
	if a.IsAny() {
		if v6 {
			return []netipx.IPRange{netipx.RangeOfPrefix(netip.MustParsePrefix("::/0"))}
		}
		return []netipx.IPRange{netipx.RangeOfPrefix(netip.MustParsePrefix("0.0.0.0/0"))}
	}
	var out []netipx.IPRange
	for _, r := range a.Ranges() {
		if r.From().Is6() == v6 {
			out = append(out, r)
		}
	}
	return out
}

// more reports whether a holds an address of ip's family other than ip.
func more(a sgsim.Addrs, ip netip.Addr) bool {
	rs := famRanges(a, ip.Is6())
	return len(rs) > 1 || len(rs) == 1 && (rs[0].From() != ip || rs[0].To() != ip)
}

// DiffProgress counts the parts (direction, family, protocol class) it
// has diffed, from 0 to DiffParts, and returns what DiffSets does.
func TestDiffProgress(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := smallSet(t, sem, "")
		new := mutate(t, old)
		var calls [][2]int
		got, err := DiffProgress(old, new, func(done, total int) { calls = append(calls, [2]int{done, total}) })
		if err != nil {
			t.Fatal(err)
		}
		want := DiffParts(old, new)
		if len(calls) != want+1 {
			t.Fatalf("%d calls for %d parts: %v", len(calls), want, calls)
		}
		for i, c := range calls {
			if c != [2]int{i, want} {
				t.Fatalf("call %d is %v, want [%d %d]", i, c, i, want)
			}
		}
		plain, _ := DiffSets(old, new)
		if fmt.Sprint(plain) != fmt.Sprint(got) {
			t.Fatalf("DiffProgress %v, DiffSets %v", got, plain)
		}
	})
	// Two directions, one family, and TCP, UDP and the protocols no
	// rule names: 6 parts.
	a := NewSet(sgsim.Union, sgsim.Group{ID: "g", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8")}})
	b := NewSet(sgsim.Union, sgsim.Group{ID: "g", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow udp 53 to 10.0.0.0/8")}})
	a.Families, b.Families = []sgsim.Family{sgsim.IPv4}, []sgsim.Family{sgsim.IPv4}
	if n := DiffParts(a, b); n != 6 {
		t.Errorf("DiffParts %d, want 6", n)
	}
}

// The changes of one diff that name a rule share its RuleRef, and
// another diff (here the reverse one, naming the same rule values) has
// RuleRefs of its own: changing one diff's cannot change another's.
func TestDiffSharesRuleRefs(t *testing.T) {
	rules := []sgsim.Rule{
		{ID: "a", Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Src: sgsim.MustParseAddrs("10.0.0.0/8"), DstPorts: sgsim.Ports{{First: 22, Last: 22}}},
		{ID: "b", Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Src: sgsim.MustParseAddrs("0.0.0.0/0"), DstPorts: sgsim.Ports{{First: 20, Last: 30}}},
	}
	old := NewSet(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rules[:1]})
	new := NewSet(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rules})
	d, err := DiffSets(old, new)
	if err != nil {
		t.Fatal(err)
	}
	// b adds 0.0.0.0/0 less 10.0.0.0/8 on 20-30 and 10.0.0.0/8 on 20-21
	// and 23-30: several boxes, one rule.
	if len(d.Added) < 2 || len(d.Removed) != 0 {
		t.Fatalf("want several added changes: %v", d)
	}
	for _, c := range d.Added {
		if c.New == nil || c.New.ID != "b" || c.Old != nil {
			t.Fatalf("%v: want new rule b over the default deny", c)
		}
		if c.New != d.Added[0].New {
			t.Fatalf("%v: a RuleRef of its own, want rule b's one shared", c)
		}
	}
	// The regions' equal port sets are one slice.
	shared := 0
	for i, c := range d.Added {
		for _, e := range d.Added[:i] {
			if slices.Equal(c.Region.DstPorts, e.Region.DstPorts) {
				if &c.Region.DstPorts[0] != &e.Region.DstPorts[0] {
					t.Fatalf("%v and %v: port sets %v of their own, want one shared", c, e, c.Region.DstPorts)
				}
				shared++
			}
		}
	}
	if shared == 0 {
		t.Fatalf("no two changes with the same ports: %v", d)
	}
	back, err := DiffSets(new, old)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Removed) != len(d.Added) || back.Removed[0].Old == d.Added[0].New {
		t.Fatalf("the reverse diff shares the first diff's RuleRef: %v", back)
	}
	if back.Removed[0].Old.ID != "b" {
		t.Fatalf("%v: want old rule b", back.Removed[0])
	}
}
