package analyze

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// A small network: endpoint a (10.0.0.0/29, group ga) and b (10.0.0.8/29,
// group gb), random security-group rules, and a required TCP flow from a
// part of a to b.
func TestFixProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom([]sgsim.Semantics{sgsim.Huawei, sgsim.Alibaba, sgsim.Tencent, sgsim.Union, sgsim.FirstMatch}).Draw(t, "cloud")
		spec := sgsim.NetworkSpec{Cloud: sem,
			Endpoints: []sgsim.Endpoint{{Name: "a", Addrs: sgsim.MustParseAddrs("10.0.0.0/29"), Groups: []string{"ga"}},
				{Name: "b", Addrs: sgsim.MustParseAddrs("10.0.0.8/29"), Groups: []string{"gb"}}}}
		for _, id := range []string{"ga", "gb"} {
			g := sgsim.Group{ID: id}
			for j := rapid.IntRange(0, 4).Draw(t, id+" rules"); j > 0; j-- {
				g.Rules = append(g.Rules, smallRule(t, sem, fmt.Sprintf("%s%d", id, j), false))
			}
			spec.Groups = append(spec.Groups, g)
		}
		from := []string{"10.0.0.0/29", "10.0.0.2/31", "10.0.0.5"}[rapid.IntRange(0, 2).Draw(t, "from")]
		port := uint16(rapid.IntRange(20, 23).Draw(t, "port"))
		req := RequiredFlow{Name: "req", Src: sgsim.MustParseAddrs(from), Dst: sgsim.MustParseAddrs("10.0.0.8/29"),
			Protocol: sgsim.TCP, Ports: sgsim.Ports{{First: port, Last: port + 1}}}
		rs, err := MinimalFixes(spec, []RequiredFlow{req})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := sgsim.BuildNetwork(spec)
		r, _ := before.Reach(req.Query())
		if r.Outcome == sgsim.All {
			if len(rs) != 0 {
				t.Fatalf("passing flow got fixes %v", rs)
			}
			return
		}
		if len(rs) != 1 {
			t.Fatalf("want one result, got %v", rs)
		}
		res := rs[0]
		if res.Problem != "" {
			if !strings.Contains(res.Problem, "outranks") {
				t.Fatalf("unexpected problem: %v", res)
			}
			return
		}
		if !res.Passes || !res.Verified {
			t.Fatalf("fix not verified: %v", res)
		}
		after := spec
		after.Groups = nil
		for _, g := range spec.Groups {
			g.Rules = append([]sgsim.Rule(nil), g.Rules...)
			for _, f := range res.Fixes {
				if f.Group == g.ID {
					g.Rules = append([]sgsim.Rule{sgsim.MustParseRule(f.Text)}, g.Rules...)
				}
			}
			after.Groups = append(after.Groups, g)
		}
		n, err := sgsim.BuildNetwork(after)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := n.Reach(req.Query()); r.Outcome != sgsim.All {
			t.Fatalf("with %v the flow is %v", res, r)
		}
		// Nothing outside the added rules becomes newly allowed, on
		// every flow between the endpoints and beyond.
		for _, f := range allSmallFlows {
			was, is := before.Decide(f).Allowed, n.Decide(f).Allowed
			if was && !is {
				t.Fatalf("%v: no longer allowed with %v", f, res)
			}
			if !was && is {
				in := false
				for _, fx := range res.Fixes {
					in = in || fx.Rule.Matches(f)
				}
				if !in {
					t.Fatalf("%v: newly allowed outside the fixes %v", f, res)
				}
			}
		}
		// The witnesses of the newly allowed regions reproduce: in the
		// region, denied by a set before and allowed by it after.
		sa, _ := SetsOf(spec)
		sb, _ := SetsOf(after)
		for _, c := range res.NewlyAllowed {
			if !c.Region.Contains(c.Witness) || c.WitnessText != c.Witness.String() {
				t.Fatalf("%v: witness outside its region", c)
			}
			shown := false
			for i := range sa {
				shown = shown || !linear(t, sa[i]).Check(c.Direction, c.Witness).Allowed() && linear(t, sb[i]).Check(c.Direction, c.Witness).Allowed()
			}
			if !shown {
				t.Fatalf("%v: no set changes its verdict on the witness", c)
			}
		}
	})
}
