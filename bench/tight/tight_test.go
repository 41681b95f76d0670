package tight_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/sgsim/sgsim/bench/classbench"
	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/bench/tight"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

func scanOf(t interface{ Fatalf(string, ...any) }, s sgsim.Semantics, gs ...sgsim.Group) (*tight.Scan, *sgsim.Linear) {
	c, err := sgsim.Compile(s, gs...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	l, err := sgsim.NewLinear(s, gs...)
	if err != nil {
		t.Fatalf("NewLinear: %v", err)
	}
	var rules [2][]*sgsim.Rule
	var groups [2][]string
	for d := range rules {
		rules[d], groups[d] = c.Rules(sgsim.Direction(d))
	}
	return tight.New(rules, groups), l
}

// The scan decides exactly as the linear reference, under every
// semantics, both families and both directions.
func TestScanEqualsLinear(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		gs := sgsimtest.Groups(t, s, rapid.SampledFrom([]int{4, 12, 60}).Draw(t, "size"))
		sc, l := scanOf(t, s, gs...)
		for i := range rapid.IntRange(1, 30).Draw(t, "flows") {
			f := sgsimtest.Flow(t, gs, fmt.Sprint("flow", i))
			for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
				got, want := sc.Check(d, f), l.Check(d, f)
				if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
					t.Fatalf("%v Check(%v):\ntight:  %v\nlinear: %v", d, f, got, want)
				}
			}
		}
	})
}

func TestScanEqualsLinearGenerated(t *testing.T) {
	for _, sh := range []gen.Shape{gen.SecurityGroup, gen.NetworkACL} {
		rs := gen.Rules(3, 400, sh)
		g := sgsim.Group{ID: "g", Rules: rs}
		sc, l := scanOf(t, sh.Semantics, g)
		if sc.Rows(sgsim.Ingress) < len(rs) {
			t.Errorf("%s: %d rows for %d rules; want one row at least per rule", sh.Name, sc.Rows(sgsim.Ingress), len(rs))
		}
		hits := 0
		for _, f := range gen.Flows(3, rs, 3000, 0.75) {
			got, want := sc.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
			if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
				t.Fatalf("%s Check(%v): tight %v, linear %v", sh.Name, f, got, want)
			}
			if got.Rule != nil {
				hits++
			}
		}
		if hits < 2000 {
			t.Errorf("%s: %d hits of 3000; the flows should exercise matches", sh.Name, hits)
		}
	}
}

func TestScanEqualsLinearClassBench(t *testing.T) {
	const file = "../../../shared/classbench/fw1_1000"
	data, err := os.Open(file)
	if err != nil {
		t.Skip(file + " not present")
	}
	defer data.Close()
	fs, err := classbench.ReadFilters(data)
	if err != nil {
		t.Fatal(err)
	}
	rs := classbench.ToRulesFrom("fw1", fs, classbench.Alternate)
	g := sgsim.Group{ID: "g", Rules: rs}
	sc, l := scanOf(t, sgsim.FirstMatch, g)
	for _, f := range gen.Flows(5, rs, 5000, 0.75) {
		got, want := sc.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
		if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
			t.Fatalf("Check(%v): tight %v, linear %v", f, got, want)
		}
	}
}

func TestScanDoesNotAllocate(t *testing.T) {
	rs := gen.Rules(1, 200, gen.NetworkACL)
	sc, _ := scanOf(t, sgsim.ACL, sgsim.Group{ID: "g", Rules: rs})
	flows := gen.Flows(1, rs, 50, 0.75)
	if a := testing.AllocsPerRun(20, func() {
		for _, f := range flows {
			sc.Check(sgsim.Ingress, f)
		}
	}); a != 0 {
		t.Errorf("Check allocates %v times per run; want 0", a)
	}
}

func TestScanInvalid(t *testing.T) {
	sc, _ := scanOf(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any")}})
	if v := sc.Check(sgsim.Ingress, sgsim.Flow{}); v.Rule != nil || v.Allowed() {
		t.Errorf("invalid flow: %v; want default deny", v)
	}
	if v := sc.Check(2, sgsim.MustParseFlow("tcp 1.1.1.1:1 -> 2.2.2.2:2")); v.Rule != nil {
		t.Errorf("bad direction: %v; want default deny", v)
	}
	if v := sc.Check(sgsim.Ingress, sgsim.MustParseFlow("tcp 1.1.1.1:1 -> 2.2.2.2:2")); !v.Allowed() || v.Group != "g" {
		t.Errorf("allow any: %v", v)
	}
}
