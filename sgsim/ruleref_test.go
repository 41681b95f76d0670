package sgsim_test

import (
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

func ruleRefNetwork(t *testing.T) *sgsim.Network {
	t.Helper()
	rule := sgsim.MustParseRule
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "web", Rules: []sgsim.Rule{rule("ingress allow tcp 443 from 10.0.0.0/16"), rule("ingress allow tcp 80 from 10.0.0.0/16")}},
			{ID: "db", Rules: []sgsim.Rule{rule("ingress allow tcp 5432 from group web")}},
			{ID: "all-out", Rules: []sgsim.Rule{rule("egress allow any")}},
			{ID: "unattached", Rules: []sgsim.Rule{rule("ingress allow any")}},
		},
		ACLs: []sgsim.Group{{ID: "web", Rules: []sgsim.Rule{
			rule("ingress allow any priority 100"), rule("egress allow any priority 100"),
		}}},
		Subnets: []sgsim.Subnet{
			{Name: "a", Prefix: netip.MustParsePrefix("10.0.1.0/24"), ACL: "web"},
			{Name: "b", Prefix: netip.MustParsePrefix("10.0.2.0/24")},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "w1", Addrs: sgsim.MustParseAddrs("10.0.1.5"), Subnet: "a", Groups: []string{"all-out", "web"}},
			{Name: "w2", Addrs: sgsim.MustParseAddrs("10.0.1.6"), Subnet: "a", Groups: []string{"web", "all-out"}},
			{Name: "d", Addrs: sgsim.MustParseAddrs("10.0.2.9"), Subnet: "b", Groups: []string{"db", "all-out"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNetworkRules(t *testing.T) {
	n := ruleRefNetwork(t)
	var got []sgsim.RuleRef
	for _, r := range n.Rules() {
		got = append(got, r.Ref)
	}
	want := []sgsim.RuleRef{
		{Group: "all-out"}, {Group: "db"}, {Group: "web"}, {Group: "web", Index: 1},
		{Group: "web", ACL: true}, {Group: "web", ACL: true, Index: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Rules: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Rules: got %v, want %v", got, want)
		}
	}
	// The resolved rule: the db rule names web's members.
	if src := n.Rules()[1].Rule.Src; !src.Equal(sgsim.MustParseAddrs("10.0.1.5,10.0.1.6")) {
		t.Fatalf("db rule's remote %s: want web's members 10.0.1.5,10.0.1.6", src)
	}
}

func TestNetworkRuleRef(t *testing.T) {
	n := ruleRefNetwork(t)
	cases := []struct {
		flow string
		hop  sgsim.Hop
		want sgsim.RuleRef
	}{
		// w1 and w2 carry web's rules in different attachment orders
		// (different classifiers): both name web's rule 1.
		{"tcp 10.0.2.9:40000 -> 10.0.1.5:80", sgsim.DstIngress, sgsim.RuleRef{Group: "web", Index: 1}},
		{"tcp 10.0.2.9:40000 -> 10.0.1.6:80", sgsim.DstIngress, sgsim.RuleRef{Group: "web", Index: 1}},
		{"tcp 10.0.2.9:40000 -> 10.0.1.6:443", sgsim.DstIngress, sgsim.RuleRef{Group: "web"}},
		{"tcp 10.0.1.5:40000 -> 10.0.2.9:5432", sgsim.DstIngress, sgsim.RuleRef{Group: "db"}},
		{"tcp 10.0.1.5:40000 -> 10.0.2.9:5432", sgsim.SrcEgress, sgsim.RuleRef{Group: "all-out"}},
		{"tcp 10.0.1.5:40000 -> 10.0.2.9:5432", sgsim.SrcACLOut, sgsim.RuleRef{Group: "web", ACL: true, Index: 1}},
		{"tcp 10.0.2.9:40000 -> 10.0.1.6:443", sgsim.DstACLIn, sgsim.RuleRef{Group: "web", ACL: true}},
	}
	for _, c := range cases {
		f, err := sgsim.ParseFlow(c.flow)
		if err != nil {
			t.Fatal(err)
		}
		tr := n.Trace(f)
		found := false
		for _, s := range tr.Steps {
			if s.Hop != c.hop {
				continue
			}
			found = true
			ref, ok := n.RuleRef(s.Verdict.Rule)
			if !ok || ref != c.want {
				t.Errorf("%s at %s: RuleRef = %v, %v; want %v", c.flow, c.hop, ref, ok, c.want)
			}
		}
		if !found {
			t.Errorf("%s: no step at %s in\n%s", c.flow, c.hop, tr)
		}
	}
	if _, ok := n.RuleRef(nil); ok {
		t.Error("RuleRef(nil) ok")
	}
	r := sgsim.MustParseRule("ingress allow any")
	if _, ok := n.RuleRef(&r); ok {
		t.Error("RuleRef of a foreign rule ok")
	}
}
