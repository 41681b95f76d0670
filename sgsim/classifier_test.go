package sgsim_test

import (
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

func TestCompiledEqualsLinear(t *testing.T) {
	rapid.Check(t, sgsimtest.CompiledEqualsLinear)
}

// Large rule sets take the indexed path (more than a handful of rules per
// table), so they get their own property.
func TestCompiledEqualsLinearLarge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		gs := sgsimtest.Groups(t, s, 150)
		c, err := sgsim.Compile(s, gs...)
		if err != nil {
			t.Fatal(err)
		}
		l := linear(t, s, gs...)
		for i := 0; i < 50; i++ {
			f := sgsimtest.Flow(t, gs, fmt.Sprint("flow", i))
			for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
				got, want := c.Check(d, f), l.Check(d, f)
				if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
					t.Fatalf("%v Check(%v):\ncompiled: %v\nlinear:   %v", d, f, got, want)
				}
			}
		}
	})
}

// fataler is what the helpers need of a *testing.T or *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// compile is sgsim.Compile that fails the test on an error.
func compile(t fataler, s sgsim.Semantics, gs ...sgsim.Group) *sgsim.Classifier {
	t.Helper()
	c, err := sgsim.Compile(s, gs...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

// linear is sgsim.NewLinear that fails the test on an error.
func linear(t fataler, s sgsim.Semantics, gs ...sgsim.Group) *sgsim.Linear {
	t.Helper()
	l, err := sgsim.NewLinear(s, gs...)
	if err != nil {
		t.Fatalf("NewLinear: %v", err)
	}
	return l
}

func rules(ss ...string) []sgsim.Rule {
	var out []sgsim.Rule
	for _, s := range ss {
		out = append(out, sgsim.MustParseRule(s))
	}
	return out
}

func pkt(s string) sgsim.Flow { return sgsim.MustParseFlow(s) }

// A table with more than smallTable rules, covering each index: dst-indexed,
// src-indexed, port-indexed and scanned rules, plus both families.
func TestClassifierIndexedPaths(t *testing.T) {
	g := sgsim.Group{ID: "g", Rules: rules(
		"ingress deny tcp 22 to 10.0.0.5 id d1",          // dst index
		"ingress allow tcp 22 from 192.168.1.0/24 id s1", // src index
		"ingress allow tcp 8080 id p1",                   // port index
		"ingress allow udp 53 from 10.0.0.0/8 to 10.0.0.0/8 id both",
		"ingress allow icmp type 8 id ping",                // scanned
		"ingress allow tcp 443 from 2001:db8::/32 id v6",   // v6 src index
		"ingress allow any from 2001:db8::1 id v6host",     // v6
		"ingress deny any from 172.16.0.0/12 id deny172",   // src index
		"ingress allow tcp 1-65535 to 10.0.0.0/30 id wide", // dst index
		"ingress allow any ipv6 id v6all",                  // scanned, v6 only
	)}
	c, err := sgsim.Compile(sgsim.FirstMatch, g)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		flow string
		want string // deciding rule ID, "" for default deny
	}{
		// dst index beats the later src rule
		{"tcp 192.168.1.9:1000 -> 10.0.0.5:22", "d1"},
		{"tcp 192.168.1.9:1000 -> 10.0.0.6:22", "s1"},
		{"tcp 192.168.2.9:1000 -> 10.0.0.6:22", ""},
		// port index
		{"tcp 8.8.8.8:1000 -> 9.9.9.9:8080", "p1"},
		{"tcp 8.8.8.8:1000 -> 9.9.9.9:8081", ""},
		{"udp 10.1.1.1:1000 -> 10.2.2.2:53", "both"},
		{"udp 10.1.1.1:1000 -> 11.2.2.2:53", ""},
		{"icmp 1.1.1.1 -> 2.2.2.2 type 8 code 0", "ping"},
		{"icmp 1.1.1.1 -> 2.2.2.2 type 0 code 0", ""},
		{"tcp [2001:db8::7]:1000 -> [2001:db9::1]:443", "v6"},
		{"udp [2001:db8::1]:1000 -> [2001:db9::1]:443", "v6host"},
		{"udp [2001:db9::1]:1000 -> [2001:db9::1]:443", "v6all"},
		{"tcp 172.20.0.1:1 -> 10.0.0.1:22", "deny172"},
		{"tcp 172.20.0.1:1 -> 10.0.0.1:8080", "p1"}, // port rule comes first
		{"tcp 1.1.1.1:1 -> 10.0.0.3:9", "wide"},
		{"tcp 1.1.1.1:1 -> 10.0.0.4:9", ""},
	}
	l := linear(t, sgsim.FirstMatch, g)
	for _, tc := range cases {
		f := pkt(tc.flow)
		v := c.Check(sgsim.Ingress, f)
		got := ""
		if v.Rule != nil {
			got = v.Rule.ID
		}
		if got != tc.want {
			t.Errorf("Check(%v) decided by %q (%v); want %q", f, got, v, tc.want)
		}
		if lv := l.Check(sgsim.Ingress, f); sgsimtest.Decider(lv) != sgsimtest.Decider(v) {
			t.Errorf("Check(%v): linear %v, compiled %v", f, lv, v)
		}
		if e := c.Check(sgsim.Egress, f); e.Rule != nil || e.Allowed() {
			t.Errorf("egress Check(%v) = %v; want default deny (no egress rules)", f, e)
		}
	}
}

// The classifier is immutable: many goroutines checking at once get the
// same verdicts as one (run with -race).
func TestConcurrentChecks(t *testing.T) {
	var rs []sgsim.Rule
	for i := 0; i < 50; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d from 10.0.%d.0/24", 2000+i, i)))
	}
	c := compile(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rs})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				n := (i + w) % 50
				f := sgsim.Flow{Proto: sgsim.TCP, Src: netip.AddrFrom4([4]byte{10, 0, byte(n), 1}),
					Dst: netip.MustParseAddr("10.9.9.9"), SrcPort: 1, DstPort: uint16(2000 + n)}
				if v := c.Check(sgsim.Ingress, f); !v.Allowed() || v.Rule != nil && v.Rule.DstPorts[0].First != uint16(2000+n) {
					t.Errorf("Check(%v) = %v", f, v)
					return
				}
			}
		}(w)
	}
	wg.Wait()
}

// Compile copies the rules: changing the caller's slices afterwards does
// not change verdicts.
func TestCompileCopiesRules(t *testing.T) {
	rs := rules("ingress allow tcp 22,80 id a")
	c := compile(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rs})
	rs[0].Action = sgsim.Deny
	rs[0].DstPorts[0] = sgsim.Port(23)
	v := c.Check(sgsim.Ingress, pkt("tcp 1.1.1.1:1 -> 2.2.2.2:22"))
	if !v.Allowed() || v.Rule.DstPorts[0] != sgsim.Port(22) {
		t.Errorf("after mutating input: %v; want allow by the original rule", v)
	}
}

func TestInvalidFlowDenied(t *testing.T) {
	c := compile(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rules("ingress allow any")})
	for _, f := range []sgsim.Flow{
		{},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("1.1.1.1"), Dst: netip.MustParseAddr("::1")},
		{Proto: sgsim.AnyProtocol, Src: netip.MustParseAddr("1.1.1.1"), Dst: netip.MustParseAddr("1.1.1.2")},
		{Proto: sgsim.Protocol(257), Src: netip.MustParseAddr("1.1.1.1"), Dst: netip.MustParseAddr("1.1.1.2")},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("::1"), Dst: netip.MustParseAddr("1.1.1.1")},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("1.1.1.1"), Dst: netip.MustParseAddr("::ffff:1.1.1.2")},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("fe80::1%eth0"), Dst: netip.MustParseAddr("fe80::2")},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("fe80::1"), Dst: netip.MustParseAddr("fe80::2%eth0")},
	} {
		if v := c.Check(sgsim.Ingress, f); v.Allowed() || v.Rule != nil {
			t.Errorf("Check(%#v) = %v; want default deny", f, v)
		}
	}
	// The same rule decides valid flows of either family.
	for _, f := range []sgsim.Flow{
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("1.1.1.1"), Dst: netip.MustParseAddr("1.1.1.2")},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("fe80::1"), Dst: netip.MustParseAddr("fe80::2")},
		{Proto: sgsim.TCP, Src: netip.MustParseAddr("::ffff:1.1.1.1"), Dst: netip.MustParseAddr("::ffff:1.1.1.2")},
	} {
		if v := c.Check(sgsim.Ingress, f); !v.Allowed() {
			t.Errorf("Check(%v) = %v; want allow", f, v)
		}
	}
}

// The builder as a state machine: adding and removing rules, checked
// against a plain slice model evaluated by hand.
func TestBuilderStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		b := sgsim.Builder{Semantics: s}
		type item struct {
			group string
			r     sgsim.Rule
		}
		var model []item
		// The groups in order of first addition: a group keeps its place
		// in attachment order when its rules are all removed.
		var slots []string
		next := 0
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) {
				g := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "group")
				r := sgsimtest.Rule(t, s, fmt.Sprint("r", next))
				next++
				b.Add(g, r)
				model = append(model, item{g, r})
				if !slices.Contains(slots, g) {
					slots = append(slots, g)
				}
			},
			"remove": func(t *rapid.T) {
				if len(model) == 0 {
					// Nothing to remove: removing a rule the builder does
					// not hold removes nothing (so the action always
					// applies and nothing is skipped).
					g := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "group")
					if n := b.Remove(g, fmt.Sprint("r", next)); n != 0 {
						t.Fatalf("Remove(%q, %q) on an empty builder = %d; want 0", g, fmt.Sprint("r", next), n)
					}
					return
				}
				i := rapid.IntRange(0, len(model)-1).Draw(t, "victim")
				it := model[i]
				if n := b.Remove(it.group, it.r.ID); n != 1 {
					t.Fatalf("Remove(%q, %q) = %d; want 1", it.group, it.r.ID, n)
				}
				model = append(model[:i], model[i+1:]...)
			},
			"": func(t *rapid.T) {
				c, err := b.Compile()
				if err != nil {
					t.Fatal(err)
				}
				// The model: groups in slot order, rules in insertion
				// order, evaluated by the reference.
				byGroup := map[string][]sgsim.Rule{}
				for _, it := range model {
					byGroup[it.group] = append(byGroup[it.group], it.r)
				}
				var got, want []string
				for _, g := range b.Groups() {
					for _, r := range g.Rules {
						got = append(got, g.ID+"/"+r.ID)
					}
				}
				var gs []sgsim.Group
				for _, g := range slots {
					for _, r := range byGroup[g] {
						want = append(want, g+"/"+r.ID)
					}
					if len(byGroup[g]) > 0 {
						gs = append(gs, sgsim.Group{ID: g, Rules: byGroup[g]})
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("builder holds %v; model %v", got, want)
				}
				l := linear(t, s, gs...)
				f := sgsimtest.Flow(t, gs, "flow")
				d := sgsim.Direction(rapid.IntRange(0, 1).Draw(t, "dir"))
				if got, want := c.Check(d, f), l.Check(d, f); got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
					t.Fatalf("%v Check(%v): builder %v, model %v", d, f, got, want)
				}
			},
		})
	})
}

// Position finds a verdict's rule in its group, and only rules of this
// classifier.
func TestPosition(t *testing.T) {
	a := sgsim.Group{ID: "a", Rules: rules("ingress allow tcp 22 id a0", "ingress allow tcp 23 id a1")}
	b := sgsim.Group{ID: "b", Rules: rules("egress allow udp 53 id b0", "ingress allow tcp 80 id b1", "ingress allow tcp 81 id b2")}
	c := compile(t, sgsim.FirstMatch, a, b)
	other := compile(t, sgsim.FirstMatch, b)
	for f, want := range map[string][2]int{
		"tcp 1.1.1.1:1 -> 2.2.2.2:23": {0, 1},
		"tcp 1.1.1.1:1 -> 2.2.2.2:81": {1, 2},
	} {
		v := c.Check(sgsim.Ingress, pkt(f))
		g, i, ok := c.Position(v.Rule)
		if !ok || [2]int{g, i} != want {
			t.Errorf("Position(%v) = %d, %d, %v; want %v", v.Rule, g, i, ok, want)
		}
		if _, _, ok := other.Position(v.Rule); ok {
			t.Errorf("another classifier claims %v", v.Rule)
		}
	}
	local := sgsim.MustParseRule("ingress allow any")
	if _, _, ok := c.Position(&local); ok {
		t.Error("Position of a rule not in the classifier: ok")
	}
	if _, _, ok := c.Position(nil); ok {
		t.Error("Position(nil): ok")
	}
}

// TestWideRulesLayer: wide ranges over many narrow ones go to layers of
// their own instead of being copied into every narrow interval, and the
// verdicts still equal the linear evaluator's for every address and port
// involved. 300 host rules and 30 overlapping wide rules (a /16, /20s,
// /24s) on the destination: copied into one index the wide rules alone
// would make about 30 × 300 entries.
func TestWideRulesLayer(t *testing.T) {
	var rs []sgsim.Rule
	for i := 0; i < 300; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp 80 to 10.0.%d.%d id host%d", i/50, 1+i%50*5, i)))
	}
	for i := 0; i < 30; i++ {
		var dst string
		switch i % 3 {
		case 0:
			dst = "10.0.0.0/16"
		case 1:
			dst = fmt.Sprintf("10.0.%d.0/20", i/3%16*16)
		default:
			dst = fmt.Sprintf("10.0.%d.0/24", i/3%6)
		}
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress deny tcp %d to %s id wide%d", 20+i%4, dst, i)))
	}
	// Interleave: the wide rules sit between the host rules in
	// evaluation order, so both layers decide some flows.
	var order []sgsim.Rule
	for i := range rs[:300] {
		order = append(order, rs[i])
		if i%10 == 0 {
			order = append(order, rs[300+i/10])
		}
	}
	g := sgsim.Group{ID: "g", Rules: order}
	c, err := sgsim.Compile(sgsim.FirstMatch, g)
	if err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.IndexEntries > 2*st.Rules {
		t.Errorf("%d index entries for %d rules; want at most 2 per rule (wide rules in their own layer)", st.IndexEntries, st.Rules)
	}
	l, err := sgsim.NewLinear(sgsim.FirstMatch, g)
	if err != nil {
		t.Fatal(err)
	}
	decided := map[string]bool{}
	for third := 0; third < 8; third++ {
		for last := 0; last < 256; last++ {
			for _, port := range []uint16{20, 21, 22, 23, 80, 443} {
				f := sgsim.Flow{Proto: sgsim.TCP, Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.AddrFrom4([4]byte{10, 0, byte(third), byte(last)}), SrcPort: 40000, DstPort: port}
				v, lv := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
				if sgsimtest.Decider(v) != sgsimtest.Decider(lv) {
					t.Fatalf("Check(%v): compiled %v, linear %v", f, v, lv)
				}
				if v.Rule != nil {
					decided[v.Rule.ID[:4]] = true
				}
			}
		}
	}
	if !decided["host"] || !decided["wide"] {
		t.Fatalf("decided by %v; want both host and wide rules", decided)
	}
}

// Compile refuses more rules than a classifier holds (maxRules,
// 2^31-1 = 2147483647) before copying any, and names the group
// that goes past: 65536 groups sharing one slice of 32768 rules hold 2^31
// rules, one too many, in a few MB. Counted in an int, 2^31 would wrap
// negative where int is 32 bits (GOARCH=386) and reach an allocation that
// panics.
func TestCompileTooManyRules(t *testing.T) {
	rs := make([]sgsim.Rule, 1<<15)
	gs := make([]sgsim.Group, 1<<16)
	for i := range gs {
		gs[i] = sgsim.Group{ID: fmt.Sprint("g", i), Rules: rs}
	}
	c, err := sgsim.Compile(sgsim.FirstMatch, gs...)
	want := `sgsim: group "g65535" (65536 of 65536) takes the rules past 2147483647, the most a classifier holds`
	if err == nil || err.Error() != want {
		t.Fatalf("Compile(65536 groups of 32768 rules) = %v, %v; want error %s", c, err, want)
	}
}

// Compile keeps its copy of the rules in evaluation order, not in the
// order given: every verdict's rule and every rule Rules lists still has
// its Position in the groups, holding an equal rule of the verdict's (or
// listed) group, under every semantics.
func TestPositionAfterReorder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		var gs []sgsim.Group
		if rapid.Bool().Draw(t, "prefix rules") {
			gs = sgsimtest.PrefixGroups(t, s, rapid.SampledFrom([]int{12, 40, 120}).Draw(t, "size"))
		} else {
			gs = sgsimtest.Groups(t, s, rapid.SampledFrom([]int{4, 12, 40}).Draw(t, "size"))
		}
		c, err := sgsim.Compile(s, gs...)
		if err != nil {
			t.Fatalf("Compile: %v", err)
		}
		at := func(r *sgsim.Rule, group string) {
			g, ix, ok := c.Position(r)
			if !ok || gs[g].ID != group || !reflect.DeepEqual(gs[g].Rules[ix], *r) {
				t.Fatalf("Position(%v) = %d, %d, %v; want a rule equal to it in group %q", r, g, ix, ok, group)
			}
		}
		for i := 0; i < 30; i++ {
			f := sgsimtest.Flow(t, gs, fmt.Sprintf("flow%d", i))
			for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
				if v := c.Check(d, f); v.Rule != nil {
					at(v.Rule, v.Group)
				}
			}
		}
		for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
			rs, ids := c.Rules(d)
			for k, r := range rs {
				at(r, ids[k])
			}
		}
	})
}
