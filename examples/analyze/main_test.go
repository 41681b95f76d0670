package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

func TestRunLint(t *testing.T) {
	var b bytes.Buffer
	code, err := run(&b, []string{"lint", "-profile", "cce-turbo", "-fail-on", "medium"})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if code != 1 {
		t.Errorf("exit %d, want 1 for medium findings", code)
	}
	for _, want := range []string{
		"== lint cce-turbo/newer/default: 4 finding(s)",
		"SG001 medium [cce-control] decides no flow",
		"rule ingress allow tcp 5444 from 192.168.0.0/16 priority 1 id master/table6/2 of group cce-control",
		"SG005 medium [cce-node] the vendor marks this row \"Modification recommended\"",
		"SG003 low [cce-eni] redundant",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q\n%s", want, out)
		}
	}
	if code, err := run(&bytes.Buffer{}, []string{"lint", "-profile", "cce-tunnel", "-fail-on", "high"}); err != nil || code != 0 {
		t.Errorf("cce-tunnel -fail-on high: %d %v", code, err)
	}
	b.Reset()
	if _, err := run(&b, []string{"lint", "-profile", "cce-vpc", "-format", "json"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Profile  string
		Findings []struct{ Code, Severity, Witness string }
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Profile != "cce-vpc/newer/default" || len(doc.Findings) == 0 || doc.Findings[0].Code != "SG005" || doc.Findings[0].Severity != "medium" {
		t.Errorf("json: %+v", doc)
	}
}

func TestRunDiffAndFix(t *testing.T) {
	var b bytes.Buffer
	code, err := run(&b, []string{"diff", "-profile", "cce-vpc", "-fail-on", "high"})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if code != 1 || !strings.Contains(out, "-- cce-node (nodes, pods): 0 region(s) added") ||
		!strings.Contains(out, "lost k8s pod to pod tcp: all -> some allowed") || strings.Contains(out, "\nexposed ") {
		t.Errorf("diff exit %d:\n%s", code, out)
	}
	b.Reset()
	if _, err := run(&b, []string{"fix", "-profile", "cce-tunnel"}); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{
		"== fix cce-tunnel/newer/hardened: 3 required flow(s) fail",
		"ingress allow tcp 6443 from 192.168.0.0/24 priority 1 id fix-3",
		"verified: the flow passes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fix output lacks %q\n%s", want, out)
		}
	}
	// On cce-vpc two flows need the same rule: the Huawei document holds
	// it once, and every record has its own ID.
	b.Reset()
	if _, err := run(&b, []string{"fix", "-profile", "cce-vpc"}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, l := range strings.Split(b.String(), "\n") {
		if id, ok := strings.CutPrefix(strings.TrimSpace(l), `"id": "fix-`); ok {
			if ids[id] {
				t.Errorf("fix-%s twice in the Huawei document:\n%s", id, b.String())
			}
			ids[id] = true
		}
	}
	if len(ids) != 5 || !strings.Contains(b.String(), "needs fix-1 (proposed above)") {
		t.Errorf("want 5 records and fix-1 reused:\n%s", b.String())
	}
	b.Reset()
	if _, err := run(&b, []string{"fix", "-profile", "cce-turbo", "-format", "json"}); err != nil || !json.Valid(b.Bytes()) {
		t.Errorf("fix json: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"audit"}, `unknown sub-command "audit"`},
		{[]string{"lint", "-profile", "gke"}, `-profile "gke"`},
		{[]string{"lint", "-revision", "newest"}, `-revision "newest"`},
		{[]string{"lint", "-format", "xml"}, `-format "xml"`},
		{[]string{"lint", "-fail-on", "severe"}, `severity "severe"`},
		{[]string{"lint", "-bogus"}, "flag provided but not defined"},
		{[]string{"lint", "cce-turbo"}, `lint: unexpected argument "cce-turbo"`},
		{[]string{"diff", "-profile", "cce-vpc", "-hardened", "x"}, `diff: unexpected argument "x"`},
	} {
		if _, err := run(&bytes.Buffer{}, c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.args, err, c.want)
		}
	}
}

// The fixes in the vendor's API form read back as Huawei rules equal to
// the text form, but for port 0 (which Huawei cannot express).
func TestFixHuaweiAPIForm(t *testing.T) {
	var b bytes.Buffer
	if _, err := run(&b, []string{"fix", "-profile", "cce-tunnel", "-format", "json"}); err != nil {
		t.Fatal(err)
	}
	var out struct {
		API string `json:"huawei_api"`
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	doc, note, _ := strings.Cut(out.API, "note: ")
	if !strings.Contains(note, "port 0 left out") {
		t.Errorf("no note about port 0: %q", note)
	}
	groups, err := huawei.ReadRules(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("ReadRules: %v\n%s", err, doc)
	}
	var texts []string
	for _, g := range groups {
		for _, r := range g.Rules {
			r.ID, r.Origin = "", sgsim.Origin{}
			texts = append(texts, g.ID+": "+r.String())
		}
	}
	want := []string{
		"cce-node: egress allow tcp 1-5443,5445-8444,8446-9442,9444-65535 to 192.168.0.0/24 ipv4 priority 1",
		"cce-node: egress allow udp 1-4788,4790-65535 to 192.168.0.0/24 ipv4 priority 1",
		"cce-control: ingress allow tcp 6443 from 192.168.0.0/24 ipv4 priority 1",
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("read back:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
}

// A fix for port 0 alone has no Huawei form: it is left out, and the
// note says so.
func TestHuaweiAPIPortZeroOnly(t *testing.T) {
	rs := []analyze.FixResult{{Fixes: []analyze.Fix{
		{Group: "g", Rule: sgsim.MustParseRule("ingress allow tcp 0 from 10.0.0.0/24 priority 1")},
		{Group: "g", Rule: sgsim.MustParseRule("ingress allow udp 53 from 10.0.0.0/24 priority 1")},
	}}}
	b, err := huaweiAPI(rs)
	if err != nil {
		t.Fatal(err)
	}
	doc, note, _ := strings.Cut(string(b), "note: ")
	if !strings.Contains(note, "port 0 left out") {
		t.Errorf("no note about port 0: %q", b)
	}
	groups, err := huawei.ReadRules(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("ReadRules: %v\n%s", err, doc)
	}
	if len(groups) != 1 || len(groups[0].Rules) != 1 || groups[0].Rules[0].Protocol != sgsim.UDP {
		t.Errorf("read back %+v, want the udp 53 rule alone", groups)
	}
}

// -h, before or after the sub-command, prints the usage and the flags
// and succeeds.
func TestRunHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"lint", "-h"}, {"fix", "-help"}} {
		var b bytes.Buffer
		code, err := run(&b, args)
		if err != nil || code != 0 || !strings.HasPrefix(b.String(), usage+"\n") || !strings.Contains(b.String(), "-fail-on string") {
			t.Errorf("%q: exit %d, %v\n%s", args, code, err, b.String())
		}
	}
}
