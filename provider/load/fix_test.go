package load

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// A fix for port 0 alone has no Huawei form: it is left out, and the
// note says so.
func TestFixDocumentsPortZeroOnly(t *testing.T) {
	rs := []analyze.FixResult{{Fixes: []analyze.Fix{
		{Group: "g", Rule: sgsim.MustParseRule("ingress allow tcp 0 from 10.0.0.0/24 priority 1")},
		{Group: "g", Rule: sgsim.MustParseRule("ingress allow udp 53 from 10.0.0.0/24 priority 1")},
	}}}
	docs, notes, err := FixDocuments(sgsim.NetworkSpec{Cloud: sgsim.Huawei}, rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "port 0 left out") {
		t.Errorf("notes %q; want the one about port 0", notes)
	}
	if len(docs) != 1 || docs[0].Name != "ListSecurityGroupRules" {
		t.Fatalf("documents %+v", docs)
	}
	groups, err := huawei.ReadRules(bytes.NewReader(docs[0].Text))
	if err != nil {
		t.Fatalf("ReadRules: %v\n%s", err, docs[0].Text)
	}
	if len(groups) != 1 || len(groups[0].Rules) != 1 || groups[0].Rules[0].Protocol != sgsim.UDP {
		t.Errorf("read back %+v, want the udp 53 rule alone", groups)
	}
}

// Every vendor's form reads back, by its own reader, as rules that
// match exactly the packets of the fix rules: a rule with two port
// ranges and a remote that is no one prefix is split for the vendors
// whose rules hold one of each.
func TestFixDocumentsVendors(t *testing.T) {
	fix := sgsim.MustParseRule("ingress allow tcp 0-80,443 from 10.0.0.0-10.0.0.2 priority 1")
	rs := []analyze.FixResult{{Fixes: []analyze.Fix{{Group: "sg-1", Rule: fix}}}}
	// 10.0.0.0-10.0.0.2 is 10.0.0.0/31 and 10.0.0.2/32; port 0 goes but
	// for AWS.
	want := map[string][]string{
		"huawei":  {"ingress allow tcp 1-80,443 from 10.0.0.0/31 ipv4 priority 1", "ingress allow tcp 1-80,443 from 10.0.0.2 ipv4 priority 1"},
		"alibaba": {"ingress allow tcp 1-80 from 10.0.0.0/31 priority 1", "ingress allow tcp 1-80 from 10.0.0.2 priority 1", "ingress allow tcp 443 from 10.0.0.0/31 priority 1", "ingress allow tcp 443 from 10.0.0.2 priority 1"},
		"tencent": {"ingress allow tcp 1-80 from 10.0.0.0/31", "ingress allow tcp 1-80 from 10.0.0.2 priority 1", "ingress allow tcp 443 from 10.0.0.0/31 priority 2", "ingress allow tcp 443 from 10.0.0.2 priority 3"},
		"aws":     {"ingress allow tcp 0-80 from 10.0.0.0/31 ipv4", "ingress allow tcp 0-80 from 10.0.0.2 ipv4", "ingress allow tcp 443 from 10.0.0.0/31 ipv4", "ingress allow tcp 443 from 10.0.0.2 ipv4"},
	}
	for _, vendor := range Vendors {
		sem, _ := VendorSemantics(vendor)
		docs, notes, err := FixDocuments(sgsim.NetworkSpec{Cloud: sem}, rs)
		if err != nil {
			t.Errorf("%s: %v", vendor, err)
			continue
		}
		var groups []sgsim.Group
		for _, d := range docs {
			x, err := ReadExport(vendor, "sg-1.json", d.Text)
			if err != nil {
				t.Errorf("%s: %s does not read back: %v\n%s", vendor, d.Name, err, d.Text)
			}
			groups = append(groups, x.Groups...)
		}
		var got []string
		for _, g := range groups {
			for _, r := range g.Rules {
				r.ID, r.Origin = "", sgsim.Origin{}
				if vendor != "huawei" && vendor != "aws" {
					r.Family = sgsim.AnyFamily
				}
				got = append(got, r.String())
			}
		}
		if strings.Join(got, "\n") != strings.Join(want[vendor], "\n") {
			t.Errorf("%s: read back\n%s\nwant\n%s\nnotes %q", vendor, strings.Join(got, "\n"), strings.Join(want[vendor], "\n"), notes)
		}
		if !strings.Contains(strings.Join(notes, ";"), "split") || (vendor != "aws") != strings.Contains(strings.Join(notes, ";"), "port 0") {
			t.Errorf("%s: notes %q", vendor, notes)
		}
	}
	// Semantics with no vendor form: nothing.
	if docs, notes, err := FixDocuments(sgsim.NetworkSpec{Cloud: sgsim.FirstMatch}, rs); docs != nil || notes != nil || err != nil {
		t.Errorf("first-match: %v %v %v", docs, notes, err)
	}
	_ = []any{alibaba.DocGroup, aws.ReadSecurityGroupRules, tencent.DocPolicies}
}
