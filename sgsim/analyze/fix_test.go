package analyze

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
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

// TestFlow picks a flow of the space that a person could send: inside
// the space, no network address of a range of four or more, distinct
// addresses when the space has two, the lowest destination port above 0
// and an ephemeral source port when the space has them.
func TestTestFlowProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		side := func(label string) sgsim.Addrs {
			if rapid.IntRange(0, 5).Draw(t, label+" any") == 0 {
				return sgsim.Addrs{}
			}
			var b netipx.IPSetBuilder
			for n := rapid.IntRange(1, 3).Draw(t, label+" ranges"); n > 0; n-- {
				lo := rapid.IntRange(0, 40).Draw(t, label+" lo")
				hi := lo + rapid.IntRange(0, 6).Draw(t, label+" width")
				base := rapid.SampledFrom([]uint32{0, 10 << 24, 192<<24 | 168<<16}).Draw(t, label+" base")
				b.AddRange(netipx.IPRangeFrom(u32addr(base+uint32(lo)), u32addr(base+uint32(hi))))
			}
			s, _ := b.IPSet()
			return sgsim.AddrsOf(s)
		}
		ports := func(label string) sgsim.Ports {
			if rapid.IntRange(0, 3).Draw(t, label+" all") == 0 {
				return nil
			}
			var ps sgsim.Ports
			for n := rapid.IntRange(1, 3).Draw(t, label+" ranges"); n > 0; n-- {
				lo := uint16(rapid.SampledFrom([]int{0, 1, 22, 1000, 1023, 1024, 5000, 65535}).Draw(t, label+" lo"))
				ps = append(ps, sgsim.PortRange{First: lo, Last: lo + uint16(rapid.IntRange(0, int(min(65535-int(lo), 30))).Draw(t, label+" width"))})
			}
			return ps.Normalize()
		}
		s := sgsim.Space{Family: sgsim.IPv4, Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE}).Draw(t, "proto"),
			Src: side("src"), Dst: side("dst")}
		if s.Protocol.HasPorts() {
			s.SrcPorts, s.DstPorts = ports("sport"), ports("dport")
		}
		f := TestFlow(s)
		if !s.Contains(f) {
			t.Fatalf("%v not in %v", f, s)
		}
		all := sgsim.MustParseAddrs("0.0.0.0/0")
		for _, x := range []struct {
			a  sgsim.Addrs
			ip netip.Addr
		}{{s.Src, f.Src}, {s.Dst, f.Dst}} {
			a := x.a
			if a.IsAny() {
				a = all
			}
			for _, r := range a.Ranges() {
				if r.Contains(x.ip) && r.From() == x.ip && r.To().Compare(r.From().Next().Next().Next()) >= 0 {
					t.Fatalf("%v: %v is the first address of %v", f, x.ip, r)
				}
				if r.Contains(x.ip) && r.To().Compare(netip.MustParseAddr("1.0.0.0")) >= 0 && netip.MustParsePrefix("0.0.0.0/8").Contains(x.ip) {
					t.Fatalf("%v: %v in 0.0.0.0/8 though %v reaches past it", f, x.ip, r)
				}
			}
		}
		single := func(a sgsim.Addrs) bool {
			rs := a.Ranges()
			return !a.IsAny() && len(rs) == 1 && rs[0].From() == rs[0].To()
		}
		if f.Src == f.Dst && !(single(s.Src) && single(s.Dst)) {
			t.Fatalf("%v: same address on both sides of %v", f, s)
		}
		if s.Protocol.HasPorts() {
			for p := 1; p < int(f.DstPort); p++ {
				if s.DstPorts.Contains(uint16(p)) {
					t.Fatalf("%v: port %d is lower and above 0", f, p)
				}
			}
			if f.DstPort == 0 && !(len(s.DstPorts) == 1 && s.DstPorts[0] == sgsim.Port(0)) {
				t.Fatalf("%v: port 0 though %v holds others", f, s.DstPorts)
			}
			for p := 1024; p < int(f.SrcPort) || f.SrcPort < 1024 && p <= 65535; p++ {
				if s.SrcPorts.Contains(uint16(p)) {
					t.Fatalf("%v: source port %d is ephemeral and lower", f, p)
				}
			}
		}
	})
}

func u32addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
