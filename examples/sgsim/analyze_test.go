package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

func TestLint(t *testing.T) {
	code, out, errOut := runArgs(t, "lint", "-profile", "cce-turbo", "-hardened=false", "-fail-on", "medium")
	if code != 1 {
		t.Errorf("exit %d, want 1 for medium findings; stderr %q", code, errOut)
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
	if code, _, errOut := runArgs(t, "lint", "-profile", "cce-tunnel", "-hardened=false", "-fail-on", "high"); code != 0 {
		t.Errorf("cce-tunnel -fail-on high: exit %d %s", code, errOut)
	}
	code, out, errOut = runArgs(t, "lint", "-profile", "cce-vpc", "-hardened=false", "-format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var doc struct {
		Network  string
		Findings []struct{ Code, Severity, Witness string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Network != "cce-vpc/newer/default" || len(doc.Findings) == 0 || doc.Findings[0].Code != "SG005" || doc.Findings[0].Severity != "medium" {
		t.Errorf("json: %+v", doc)
	}
}

func TestDiffAndFix(t *testing.T) {
	code, out, _ := runArgs(t, "diff", "-profile", "cce-vpc", "-fail-on", "high")
	if code != 1 || !strings.Contains(out, "== diff cce-vpc/newer/default -> cce-vpc/newer/hardened\n") ||
		!strings.Contains(out, "-- cce-node (nodes, pods): 0 region(s) added") ||
		!strings.Contains(out, "lost k8s pod to pod tcp: all -> some allowed") || strings.Contains(out, "\nexposed ") {
		t.Errorf("diff exit %d:\n%s", code, out)
	}
	code, out, errOut := runArgs(t, "fix", "-profile", "cce-tunnel")
	if code != 0 {
		t.Fatal(errOut)
	}
	for _, want := range []string{
		"== fix cce-tunnel/newer/hardened: 3 required flow(s) fail",
		"ingress allow tcp 6443 from 192.168.0.0/24 priority 1 id fix-3",
		"verified: the flow passes",
		"the fixes in huawei API form, a ListSecurityGroupRules document",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fix output lacks %q\n%s", want, out)
		}
	}
	// On cce-vpc two flows need the same rule: the Huawei document holds
	// it once, and every record has its own ID.
	code, out, errOut = runArgs(t, "fix", "-profile", "cce-vpc")
	if code != 0 {
		t.Fatal(errOut)
	}
	ids := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		if id, ok := strings.CutPrefix(strings.TrimSpace(l), `"id": "fix-`); ok {
			if ids[id] {
				t.Errorf("fix-%s twice in the Huawei document:\n%s", id, out)
			}
			ids[id] = true
		}
	}
	if len(ids) != 5 || !strings.Contains(out, "needs fix-1 (proposed above)") {
		t.Errorf("want 5 records and fix-1 reused:\n%s", out)
	}
	if code, out, errOut := runArgs(t, "fix", "-profile", "cce-turbo", "-format", "json"); code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("fix json: exit %d %s", code, errOut)
	}
}

// -workers reaches analyze.LintOptions.Workers as given, 0 by default.
func TestLintWorkersFlag(t *testing.T) {
	defer func(f func(sgsim.NetworkSpec, analyze.LintOptions) ([]analyze.Finding, error)) { lintWith = f }(lintWith)
	var got []int
	lintWith = func(spec sgsim.NetworkSpec, o analyze.LintOptions) ([]analyze.Finding, error) {
		got = append(got, o.Workers)
		return analyze.LintWith(spec, o)
	}
	for _, args := range [][]string{{}, {"-workers", "3"}, {"-workers", "1"}, {"-workers", "0"}} {
		if code, _, errOut := runArgs(t, append([]string{"lint", "-profile", "cce-turbo", "-hardened=false"}, args...)...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
	}
	if want := []int{0, 3, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("LintOptions.Workers %v, want %v", got, want)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"audit"}, `unknown subcommand "audit"`},
		{[]string{"lint", "-profile", "gke"}, `-profile "gke"`},
		{[]string{"lint", "-revision", "newest"}, `-revision "newest"`},
		{[]string{"lint", "-format", "xml"}, `-format "xml"`},
		{[]string{"lint", "-fail-on", "severe"}, `severity "severe"`},
		{[]string{"lint", "-bogus"}, "flag provided but not defined"},
		{[]string{"lint", "-workers", "-1"}, "-workers -1: want 0"},
		{[]string{"lint", "-workers", "two"}, `invalid value "two" for flag -workers`},
		{[]string{"lint", "cce-turbo"}, `unexpected argument "cce-turbo"`},
		{[]string{"diff", "-profile", "cce-vpc", "-hardened", "x"}, `unexpected argument "x"`},
		{[]string{"diff", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json"}, "diff of -rules needs -against"},
		{[]string{"diff", "-against", "-rules", "testdata/huawei-rules.json"}, "sgsim diff: -against: -rules needs -vendor: "},
		// -against with no input flag after it was dropped: the diff
		// silently compared the default groups with the hardened set.
		{[]string{"diff", "-against"}, "sgsim diff: -against: no input flag after it: give what the second version changes"},
		{[]string{"diff", "-profile", "cce-vpc", "-against", "-format", "json"}, "sgsim diff: -against: no input flag after it"},
		{[]string{"diff", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "-against", "-fail-on", "high"}, "sgsim diff: -against: no input flag after it"},
		// -hardened=false where both settings are used was silently
		// ignored.
		{[]string{"diff", "-hardened=false"}, "sgsim diff: -hardened=false: diff without -against compares the profile's default groups with its hardened set, both"},
		{[]string{"diff", "-profile", "cce-vpc", "-hardened=false"}, "sgsim diff: -hardened=false: diff without -against"},
		{[]string{"harden", "-hardened=false"}, "sgsim harden: -hardened=false: harden checks a profile's default groups and its hardened set, both"},
		{[]string{"harden", "-profile", "cce-vpc", "-hardened=false"}, "sgsim harden: -hardened=false: "},
		{[]string{"diff", "-against", "-profile", "cce-vpc", "-nodes", "10.0.0.0/24"}, "sgsim diff: -against: huawei: cluster: Nodes 10.0.0.0/24 is outside VPC"},
		{[]string{"fix", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "-topology", "testdata/topology.json"}, "fix of -rules needs -require PROFILE"},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line with %q", c.args, code, out, errOut, c.want)
		}
	}
}

// The fixes in the vendor's API form read back as Huawei rules equal to
// the text form, but for port 0 (which Huawei cannot express).
func TestFixHuaweiAPIForm(t *testing.T) {
	code, out, errOut := runArgs(t, "fix", "-profile", "cce-tunnel", "-format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var doc struct {
		API []struct {
			Name, Text string
		}
		Notes []string
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.API) != 1 || doc.API[0].Name != "ListSecurityGroupRules" {
		t.Fatalf("api documents %+v; want one ListSecurityGroupRules", doc.API)
	}
	if len(doc.Notes) != 1 || !strings.Contains(doc.Notes[0], "port 0 left out") {
		t.Errorf("notes %q; want the one about port 0", doc.Notes)
	}
	groups, err := huawei.ReadRules(strings.NewReader(doc.API[0].Text))
	if err != nil {
		t.Fatalf("ReadRules: %v\n%s", err, doc.API[0].Text)
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

// helpNames are the subcommands whose -h TestHelp checks: every one
// sgsim has, so that a registered subcommand missing here, or one named
// here that is gone, fails the test.
var helpNames = []string{"replay", "trace", "reach", "lint", "diff", "fix", "harden", "check", "exposure", "map", "usage", "tighten"}

// -h, before or after the subcommand, prints the usage (synopsis), what
// it does, its own flags, the input flags and a worked example, and
// succeeds; for every subcommand.
func TestHelp(t *testing.T) {
	var registered []string
	for _, c := range commands {
		registered = append(registered, c.name)
	}
	if a, b := slices.Sorted(slices.Values(registered)), slices.Sorted(slices.Values(helpNames)); !slices.Equal(a, b) {
		t.Errorf("subcommands %q; TestHelp checks %q", a, b)
	}
	for _, name := range helpNames {
		c := lookup(name)
		if c == nil {
			continue // reported above
		}
		if strings.TrimSpace(c.synopsis) == "" || strings.TrimSpace(c.about) == "" || !strings.Contains(strings.TrimSpace(c.example), "\n") {
			t.Errorf("%s: synopsis %q, about %q, example %q; want all three, the example a command and what it prints", name, c.synopsis, c.about, c.example)
		}
		own := flag.NewFlagSet("", flag.ContinueOnError)
		c.flags(own)
		// The synopsis, the first line a user reads, names every flag
		// of the subcommand's own (diff's lacked -intents and -max-boxes).
		own.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(c.synopsis+" ", "-"+f.Name+" ") && !strings.Contains(c.synopsis, "-"+f.Name+"]") {
				t.Errorf("%s: synopsis %q does not name its flag -%s", name, c.synopsis, f.Name)
			}
		})
		for _, args := range [][]string{{name, "-h"}, {"-h", name}, {name, "-help"}, {"--help", name}} {
			code, out, errOut := runArgs(t, args...)
			if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: sgsim "+name+" ") ||
				!strings.Contains(out, "\nflags:\n") || !strings.Contains(out, "  -format string") ||
				!strings.Contains(out, "  -profile NAME") || !strings.Contains(out, "\nexample:\n  sgsim "+name+" ") && !strings.Contains(out, "\nexample:\n  sgsim "+name+"\n") {
				t.Errorf("%q: exit %d, stderr %q\n%s", args, code, errOut, out)
				continue
			}
			if first, _, _ := strings.Cut(out, "\n"); first != "usage: sgsim "+name+" "+c.synopsis {
				t.Errorf("%q: first line %q; want the synopsis %q", args, first, "usage: sgsim "+name+" "+c.synopsis)
			}
			_, after, _ := strings.Cut(out, "\nflags:\n")
			flags, _, ok := strings.Cut(after, "\ninput and output flags")
			if !ok {
				t.Errorf("%q: no input and output flags section\n%s", args, out)
			}
			own.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(flags, "  -"+f.Name+" ") && !strings.Contains(flags, "  -"+f.Name+"\n") {
					t.Errorf("%q: its flag -%s is not listed under flags:\n%s", args, f.Name, flags)
				}
			})
			if !strings.HasSuffix(out, "\nexample:\n"+indent(strings.TrimSpace(c.example))+"\n") {
				t.Errorf("%q: does not end with its worked example\n%s", args, out)
			}
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}} {
		code, out, _ := runArgs(t, args...)
		if code != 0 || !strings.HasPrefix(out, "usage: sgsim [SUBCOMMAND] [flags]") {
			t.Errorf("%q: exit %d\n%s", args, code, out)
		}
		for _, name := range helpNames {
			if !strings.Contains(out, "\n  "+name+" ") {
				t.Errorf("%q: top-level help lacks %s\n%s", args, name, out)
			}
		}
	}
}

// Each subcommand's -h names the -format values it takes (it said "text
// or json" for all, sarif, markdown, csv, dot and html included).
func TestHelpFormats(t *testing.T) {
	for name, want := range map[string]string{
		"trace":    "text or json",
		"lint":     "text, json or sarif",
		"diff":     "text, json or markdown",
		"check":    "text, json, sarif or markdown",
		"exposure": "text, json, sarif or markdown",
		"map":      "text, json, markdown, csv, dot or html",
	} {
		code, out, _ := runArgs(t, name, "-h")
		if line := "  -format string\n    \toutput: " + want + " (default \"text\")\n"; code != 0 || !strings.Contains(out, line) {
			t.Errorf("%s -h: exit %d, want the line %q in\n%s", name, code, line, out)
		}
	}
}

// lint, diff, fix and harden take any input: a profile of any vendor,
// vendor exports, a Terraform plan.
func TestAnalyzeAnyInput(t *testing.T) {
	aws := []string{"-vendor", "aws", "-rules", "testdata/aws/rules.json", "-rules", "testdata/aws/acls.json", "-nics", "testdata/aws/enis.json", "-nics", "testdata/aws/subnets.json"}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		// Refused before: analyze was CCE only.
		{[]string{"lint", "-profile", "ack-basic-flannel"}, 0, []string{"== lint ack-basic-flannel/hardened: "}},
		{[]string{"lint", "-profile", "tke-self-deployed", "-hardened=false"}, 0, []string{"== lint tke-self-deployed/default: "}},
		// The plan's SSH rule: nothing shadowed or redundant, no finding.
		{[]string{"lint", "-plan", "testdata/terraform/plan.json"}, 0, []string{"== lint terraform plan: 0 finding(s)\n"}},
		{[]string{"lint", "-plan", "testdata/terraform/plan.json", "-prior"}, 0, []string{"== lint terraform plan's prior state: 0 finding(s)\n"}},
		// The exports: the db's ACL lets replies to ports 1024-32767 out
		// nowhere; its default deny is no finding, the groups have none.
		{append([]string{"lint"}, aws...), 0, []string{"== lint aws exports: "}},
		// Exports with a profile's required flows: TKE's nodes are the
		// web subnet, where the web interface admits only 443, so
		// node-to-node TCP fails in part.
		{append(append([]string{"harden"}, aws...), "-require", "tke-managed", "-vpc", "10.0.0.0/16", "-nodes", "10.0.1.0/24", "-fail-on-finding"), 1,
			[]string{"== aws exports: ", "finding: aws exports: nodes to nodes tcp (vendor): some allowed"}},
		{append(append([]string{"fix"}, aws...), "-require", "tke-managed", "-vpc", "10.0.0.0/16", "-nodes", "10.0.1.0/24"), 0,
			[]string{"== fix aws exports: ", "the fixes in aws API form, a DescribeSecurityGroupRules document"}},
		// Two versions of exports: the second without the ACL.
		{append(append([]string{"diff"}, aws...), "-against", "-rules", "testdata/aws/rules.json"), 0,
			[]string{"== diff aws exports -> aws exports\n", "-- required flows and exposure: 0 lost, "}},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != c.code {
			t.Errorf("%q: exit %d, want %d; stderr %q\n%s", c.args, code, c.code, errOut, out)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: output lacks %q\n%s", c.args, w, out)
			}
		}
	}
}

// diff -max-boxes 1: the plan's two added boxes of one deciding-rule
// pair come out as one summarized change in every format (text with its
// witness, JSON with "summarized" and "boxes_found", markdown); the
// default lists them as before, as -max-boxes 0 does.
func TestDiffMaxBoxes(t *testing.T) {
	plan := []string{"diff", "-plan", "testdata/terraform/plan.json"}
	_, def, _ := runArgs(t, plan...)
	_, zero, _ := runArgs(t, append(plan, "-max-boxes", "0")...)
	if def != zero || !strings.Contains(def, "+ ingress tcp 0.0.0.0-203.0.112.255 -> 0.0.0.0/0 dport 22 (default deny -> ") || strings.Contains(def, "not listed") {
		t.Errorf("default:\n%s\n-max-boxes 0:\n%s", def, zero)
	}
	code, text, errs := runArgs(t, append(plan, "-max-boxes", "1")...)
	if code != 0 || !strings.Contains(text, "1 region(s) added, 0 removed") ||
		!strings.Contains(text, "+ ingress tcp 0.0.0.0/0 -> 0.0.0.0/0 dport 22, where the old version decides by the default deny and the new by rule ") ||
		!strings.Contains(text, "(2+ boxes, not listed) (default deny -> ") || !strings.Contains(text, "\n    witness tcp ") ||
		!strings.Contains(text, "\n-- 1 change(s) summarized, their boxes not listed: -max-boxes 0 lists every box\n") {
		t.Errorf("-max-boxes 1: exit %d\n%s%s", code, text, errs)
	}
	_, js, _ := runArgs(t, append(plan, "-max-boxes", "1", "-format", "json")...)
	var doc struct {
		Sets []struct {
			Diff struct {
				Added []map[string]any `json:"added"`
			} `json:"diff"`
		} `json:"sets"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || len(doc.Sets) != 1 || len(doc.Sets[0].Diff.Added) != 1 {
		t.Fatalf("json %v:\n%s", err, js)
	}
	if c := doc.Sets[0].Diff.Added[0]; c["summarized"] != true || c["boxes_found"] != float64(2) || c["witness"] == "" {
		t.Errorf("json change %v", c)
	}
	_, md, _ := runArgs(t, append(plan, "-max-boxes", "1", "-format", "markdown")...)
	if !strings.Contains(md, "(2+ boxes, not listed)`") || !strings.Contains(md, "| opens | ingress |") ||
		!strings.Contains(md, "\n1 change(s) summarized, their boxes not listed (\"N+ boxes, not listed\"): `sgsim diff -max-boxes 0` lists every box.\n") {
		t.Errorf("markdown:\n%s", md)
	}
	// The note comes before the sets in markdown, after them in text, as
	// -h says.
	if strings.Index(md, "change(s) summarized") > strings.Index(md, "\n#### ") || strings.Index(text, "change(s) summarized") < strings.Index(text, "witness tcp ") {
		t.Errorf("the note's place: markdown\n%s\ntext\n%s", md, text)
	}
	if _, help, _ := runArgs(t, "diff", "-h"); !strings.Contains(help, "a line counts them (text: after the sets; markdown: before them)") ||
		!strings.Contains(help, "in a direction, address family and protocol class") {
		t.Errorf("diff -h does not say where the note is, or what a pair is counted in:\n%s", help)
	}
	if code, _, errs := runArgs(t, append(plan, "-max-boxes", "-1")...); code != 2 || !strings.Contains(errs, "-max-boxes: -1 is negative") {
		t.Errorf("-max-boxes -1: exit %d, %s", code, errs)
	}
}

// What diff -h says of -max-boxes: N and K count the boxes of the
// diff's cut, before adjacent ones are joined, so a pair can be
// summarized ("5+ boxes") that -max-boxes 0 lists as one box. Here the
// new rule (tcp 22 from 10.0.0.0/8) is one region, but the unchanged
// rules' 10.1.0.0/16 and 10.3.0.0/16 cut it into five boxes. When the
// diff comes to count listed boxes, this fails and -h, the README's
// diff row and this test change together.
func TestDiffMaxBoxesCountsCutBoxes(t *testing.T) {
	rule := func(id, port, cidr string) string {
		return `{"SecurityGroupRuleId": "` + id + `", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": ` + port + `, "ToPort": ` + port + `, "CidrIpv4": "` + cidr + `"}`
	}
	dir := t.TempDir()
	oldF, newF := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	both := rule("sgr-1", "80", "10.1.0.0/16") + ", " + rule("sgr-2", "80", "10.3.0.0/16")
	if err := os.WriteFile(oldF, []byte(`{"SecurityGroupRules": [`+both+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newF, []byte(`{"SecurityGroupRules": [`+both+", "+rule("sgr-3", "22", "10.0.0.0/8")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"diff", "-vendor", "aws", "-rules", oldF, "-against", "-rules", newF}
	_, all, errs := runArgs(t, append(args, "-max-boxes", "0")...)
	if !strings.Contains(all, "1 region(s) added, 0 removed\n  + ingress tcp 10.0.0.0/8 -> 0.0.0.0/0 dport 22 (default deny -> sg-1/sgr-3)\n") {
		t.Fatalf("-max-boxes 0: %s%s", all, errs)
	}
	_, four, errs := runArgs(t, append(args, "-max-boxes", "4")...)
	if !strings.Contains(four, "(5+ boxes, not listed) (default deny -> sg-1/sgr-3)") {
		t.Errorf("-max-boxes 4: want the one listed box summarized as 5+ boxes of the cut:\n%s%s", four, errs)
	}
	_, help, _ := runArgs(t, "diff", "-h")
	if !strings.Contains(help, "before adjacent ones are joined") {
		t.Errorf("diff -h does not say that -max-boxes counts the cut's boxes:\n%s", help)
	}
}
