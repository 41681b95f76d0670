package gen

import (
	"math"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
)

var shapes = []Shape{SecurityGroup, NetworkACL}

func TestDeterministic(t *testing.T) {
	for _, s := range shapes {
		a, b := Rules(7, 500, s), Rules(7, 500, s)
		// Rules hold immutable address sets: compare their text forms.
		if d := cmp.Diff(texts(a), texts(b)); d != "" {
			t.Fatalf("%s: same seed, different rules:\n%s", s.Name, d)
		}
		if cmp.Equal(texts(a), texts(Rules(8, 500, s))) {
			t.Errorf("%s: seeds 7 and 8 give the same rules", s.Name)
		}
		fa, fb := Flows(3, a, 300, 0.5), Flows(3, b, 300, 0.5)
		if !cmp.Equal(fa, fb, cmp.Comparer(func(x, y sgsim.Flow) bool { return x == y })) {
			t.Fatalf("%s: same seed, different flows", s.Name)
		}
	}
}

func texts(rs []sgsim.Rule) []string {
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].String() + " prio " + strconv.Itoa(rs[i].Priority) + " " + rs[i].Origin.String()
	}
	return out
}

func TestSizeAndValid(t *testing.T) {
	for _, s := range shapes {
		for _, n := range []int{0, 1, 1000, 10000} {
			rs := Rules(1, n, s)
			if len(rs) != n {
				t.Fatalf("%s: Rules(n=%d) gave %d", s.Name, n, len(rs))
			}
			for i := range rs {
				if err := rs[i].Validate(); err != nil {
					t.Fatalf("%s rule %d: %v", s.Name, i, err)
				}
			}
			// Valid under the shape's semantics too (priority ranges).
			if _, err := sgsim.NewLinear(s.Semantics, sgsim.Group{ID: "g", Rules: rs}); err != nil {
				t.Fatalf("%s n=%d: %v", s.Name, n, err)
			}
		}
	}
}

// TestShape checks that the generated sets have the features they are
// meant to exercise.
func TestShape(t *testing.T) {
	for _, s := range shapes {
		rs := Rules(2, 5000, s)
		var hosts, anyProto, deny, lists, ranges, v6, multi int
		prios := map[int]bool{}
		for i := range rs {
			r := &rs[i]
			if rg := r.Src.Ranges(); len(rg) == 1 && rg[0].From() == rg[0].To() {
				hosts++
			} else if len(rg) > 1 {
				multi++
			}
			if r.Protocol == sgsim.AnyProtocol {
				anyProto++
			}
			if r.Action == sgsim.Deny {
				deny++
			}
			if len(r.DstPorts) > 1 {
				lists++
			}
			if len(r.DstPorts) == 1 && r.DstPorts[0].First != r.DstPorts[0].Last {
				ranges++
			}
			if _, six := r.Src.Families(); six && !r.Src.IsAny() {
				v6++
			}
			prios[r.Priority] = true
		}
		for name, c := range map[string]int{"hosts": hosts, "host sets": multi, "any-protocol": anyProto,
			"deny": deny, "port lists": lists, "port ranges": ranges, "ipv6": v6} {
			if c < 50 {
				t.Errorf("%s: only %d %s rules of 5000", s.Name, c, name)
			}
		}
		if len(prios) < 50 {
			t.Errorf("%s: only %d distinct priorities", s.Name, len(prios))
		}
	}
}

func TestHitRate(t *testing.T) {
	for _, s := range shapes {
		rs := Rules(4, 2000, s)
		l, err := sgsim.NewLinear(s.Semantics, sgsim.Group{ID: "g", Rules: rs})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []float64{0, 0.25, 0.9, 1} {
			fs := Flows(5, rs, 2000, want)
			if len(fs) != 2000 {
				t.Fatalf("got %d flows", len(fs))
			}
			hit := 0
			for _, f := range fs {
				if !f.IsValid() {
					t.Fatalf("invalid flow %v", f)
				}
				if l.Check(sgsim.Ingress, f).Rule != nil {
					hit++
				}
			}
			got := float64(hit) / float64(len(fs))
			if math.Abs(got-want) > 0.02 {
				t.Errorf("%s: hit rate %.3f, want %.2f", s.Name, got, want)
			}
		}
	}
}

// A rule set that matches everything has no misses to give: Flows falls
// back to hits instead of looping.
func TestFlowsAllowAny(t *testing.T) {
	rs := []sgsim.Rule{sgsim.MustParseRule("ingress allow any")}
	fs := Flows(1, rs, 100, 0)
	if len(fs) != 100 {
		t.Fatalf("got %d flows", len(fs))
	}
	for _, f := range fs {
		if !f.IsValid() {
			t.Errorf("invalid flow %v", f)
		}
	}
	// No rules: nothing to hit, every flow a valid random miss.
	fs = Flows(1, nil, 10, 1)
	if len(fs) != 10 {
		t.Fatalf("no rules: got %d flows", len(fs))
	}
	for _, f := range fs {
		if !f.IsValid() {
			t.Errorf("no rules: invalid flow %v", f)
		}
	}
}

// Valid rules that no flow can match (an empty address set, ICMPv6 with
// IPv4 addresses only, ICMP with IPv6 ones) are never chosen for hits:
// Flows neither panics nor counts them, and the one rule that can be hit
// takes every hit.
func TestFlowsUnhittableRules(t *testing.T) {
	rs := []sgsim.Rule{
		{ID: "empty", Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Src: sgsim.PrefixAddrs()},
		{ID: "icmp6-v4", Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.ICMPv6, Src: sgsim.MustParseAddrs("10.0.0.0/8")},
		{ID: "icmp-v6", Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.ICMP, Dst: sgsim.MustParseAddrs("2001:db8::/32")},
	}
	for i := range rs {
		if err := rs[i].Validate(); err != nil {
			t.Fatalf("rule %s: %v", rs[i].ID, err)
		}
	}
	l, err := sgsim.NewLinear(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Flows(1, rs, 50, 1) {
		if !f.IsValid() || l.Check(sgsim.Ingress, f).Rule != nil {
			t.Fatalf("flow %v: valid %v, verdict %v; want a valid miss", f, f.IsValid(), l.Check(sgsim.Ingress, f))
		}
	}
	rs = append(rs, sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8 id ssh"))
	l, err = sgsim.NewLinear(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Flows(1, rs, 50, 1) {
		if v := l.Check(sgsim.Ingress, f); v.Rule == nil || v.Rule.ID != "ssh" {
			t.Fatalf("flow %v: verdict %v; want a hit of ssh", f, v)
		}
	}
}
