package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim/sgsimtest"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the golden files of the output formats in testdata/golden")

// checkGolden fails t unless out equals the golden file (with
// -update-golden, it writes out there instead; review the diff).
func checkGolden(t *testing.T, file, out string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update-golden to create it)", err)
	}
	if out != string(want) {
		t.Errorf("%s differs from the output:\n%s", file, out)
	}
}

const cceIntentFile = "testdata/intents/cce-tunnel.yaml"

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string
					DefaultConfiguration struct{ Level string }
				}
			}
		}
		OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
		Results            []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string
						URIBaseID string `json:"uriBaseId"`
					}
					Region struct{ StartLine, StartColumn int }
				}
				LogicalLocations []struct{ Name, FullyQualifiedName, Kind string }
			}
		}
	}
}

// officialSARIFSchema is the official SARIF 2.1.0 JSON schema (OASIS, errata 01),
// byte for byte; testdata/sarif-schema-2.1.0.NOTICE says where it comes
// from and under which terms.
const officialSARIFSchema = "testdata/sarif-schema-2.1.0.json"

// TestSARIFSchemaRefuses: the official schema, as sgsimtest.ValidateJSONSchema
// reads it, refuses SARIF that breaks it in each kind of way (an enum, a
// required property, a maximum, additionalProperties, a URI's
// characters), so that TestSARIFValid's passes mean something.
func TestSARIFSchemaRefuses(t *testing.T) {
	schema, err := os.ReadFile(officialSARIFSchema)
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ := runArgs(t, "check", "-intents", cceIntentFile, "-format", "sarif")
	if err := sgsimtest.ValidateJSONSchema(schema, []byte(out)); err != nil {
		t.Fatalf("the unchanged output: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func(run, result map[string]any)
		want   string
	}{
		{"level not in the enum", func(_, r map[string]any) { r["level"] = "fatal" },
			`$.runs[0].results[0].level: fatal is not one of [none note warning error]`},
		{"result without a message", func(_, r map[string]any) { delete(r, "message") },
			`$.runs[0].results[0]: missing required "message"`},
		{"rank above 100", func(_, r map[string]any) { r["rank"] = 101 },
			`$.runs[0].results[0].rank: 101 is above the maximum 100`},
		{"unknown property", func(run, _ map[string]any) { run["toolName"] = "sgsim" },
			`$.runs[0].toolName: property not allowed`},
		{"space in a URI", func(_, r map[string]any) {
			loc := r["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)
			loc["uri"] = "testdata/intents/cce tunnel.yaml"
		}, `$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri: "testdata/intents/cce tunnel.yaml" is not a uri-reference`},
	} {
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		run := doc["runs"].([]any)[0].(map[string]any)
		c.change(run, run["results"].([]any)[0].(map[string]any))
		bad, _ := json.Marshal(doc)
		err := sgsimtest.ValidateJSONSchema(schema, bad)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an error containing %q", c.name, err, c.want)
		}
	}
}

// TestSARIFValid: lint, check and exposure write SARIF that the official
// SARIF 2.1.0 schema accepts, whose ruleIndex points at the
// rule of the same ID, with unique rule IDs, and whose locations lead to
// the intent file's line and the rules' origins.
func TestSARIFValid(t *testing.T) {
	schema, err := os.ReadFile(officialSARIFSchema)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plan := `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
    {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh",
     "values": {"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "protocol": "tcp", "security_group_id": "sg-web", "to_port": 22, "type": "ingress"}}]}}}`
	topo := `{"cloud": "union", "endpoints": [{"name": "web", "addrs": ["10.0.1.0/24"], "groups": ["sg-web"]}, {"name": "internet", "addrs": ["0.0.0.0/5"]}]}`
	intents := "must_deny:\n  - {name: no ssh from the internet, from: internet, to: web, protocol: tcp, ports: 22}\n"
	for name, text := range map[string]string{"plan.json": plan, "topology.json": topo, "intents.yaml": intents} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	planArgs := []string{"-plan", filepath.Join(dir, "plan.json"), "-topology", filepath.Join(dir, "topology.json")}
	// An intent file whose path has a space and a '%': its file:// URI
	// must be percent-encoded to be a URI at all.
	odd := filepath.Join(dir, "with space", "100% intents.yaml")
	if err := os.MkdirAll(filepath.Dir(odd), 0o755); err != nil {
		t.Fatal(err)
	}
	cce, err := os.ReadFile(cceIntentFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(odd, cce, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args    []string
		results int
	}{
		{[]string{"lint", "-hardened=false"}, -1},
		{[]string{"lint", "-profile", "cce-turbo", "-hardened=false"}, -1},
		{[]string{"check", "-intents", cceIntentFile}, 1},
		{[]string{"check", "-intents", cceIntentFile, "-hardened=false"}, 1},
		{append([]string{"check", "-intents", filepath.Join(dir, "intents.yaml")}, planArgs...), 1},
		{[]string{"exposure"}, 10},
		{append([]string{"exposure"}, planArgs...), 1},
		{[]string{"exposure", "-profile", "tke-managed"}, 6},
		{[]string{"check", "-intents", odd}, 1},
	}
	for _, c := range cases {
		code, out, errOut := runArgs(t, append(c.args, "-format", "sarif")...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", c.args, code, errOut)
		}
		if err := sgsimtest.ValidateJSONSchema(schema, []byte(out)); err != nil {
			t.Errorf("%q: not valid SARIF 2.1.0:\n%v", c.args, err)
		}
		var doc sarifDoc
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		run := doc.Runs[0]
		rules := run.Tool.Driver.Rules
		ids := map[string]bool{}
		for _, r := range rules {
			if ids[r.ID] {
				t.Errorf("rule %s twice", r.ID)
			}
			ids[r.ID] = true
		}
		if c.results >= 0 && len(run.Results) != c.results {
			t.Errorf("%q: %d results, want %d", c.args, len(run.Results), c.results)
		}
		if c.results < 0 && len(run.Results) == 0 {
			t.Errorf("%q: no results", c.args)
		}
		for _, r := range run.Results {
			if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
				t.Errorf("%q: result %s has ruleIndex %d", c.args, r.RuleID, r.RuleIndex)
			}
			if r.Message.Text == "" || len(r.Locations) == 0 {
				t.Errorf("%q: result %s without message or location", c.args, r.RuleID)
			}
		}
	}
	// The 6443 failure points at the intent's line and says where it drops.
	_, out, _ := runArgs(t, "check", "-intents", cceIntentFile, "-format", "sarif")
	var doc sarifDoc
	json.Unmarshal([]byte(out), &doc)
	r := doc.Runs[0].Results[0]
	if p := r.Locations[0].PhysicalLocation; r.RuleID != "SG101" || r.Level != "error" || p == nil || p.ArtifactLocation.URI != cceIntentFile ||
		p.Region.StartLine != 13 || !strings.Contains(r.Message.Text, "kube-apiserver 6443 from nodes") ||
		!strings.Contains(r.Message.Text, "destination ingress [masters]") {
		t.Errorf("6443 result: %+v", r)
	}
	// A plan's rule is located by its Terraform resource address.
	_, out, _ = runArgs(t, append([]string{"check", "-intents", filepath.Join(dir, "intents.yaml"), "-format", "sarif"}, planArgs...)...)
	doc = sarifDoc{}
	json.Unmarshal([]byte(out), &doc)
	r = doc.Runs[0].Results[0]
	if ls := r.Locations[0].LogicalLocations; r.RuleID != "SG102" || len(ls) == 0 || ls[0].FullyQualifiedName != "aws_security_group_rule.ssh" || ls[0].Kind != "resource" {
		t.Errorf("plan result: %+v", r)
	}
	// Exposure levels follow severity; the seed row is a location.
	_, out, _ = runArgs(t, "exposure", "-format", "sarif")
	doc = sarifDoc{}
	json.Unmarshal([]byte(out), &doc)
	r = doc.Runs[0].Results[0]
	if ls := r.Locations[0].LogicalLocations; r.RuleID != "SG201" || r.Level != "error" || len(ls) < 2 || ls[0].Name != "nodes" ||
		ls[1].FullyQualifiedName != "huawei 001_3ee2f19bcae8d9c5.txt Table 3 row 5" {
		t.Errorf("exposure result: %+v", r)
	}
	// A format a subcommand does not write is refused.
	if code, _, errOut := runArgs(t, "trace", "-format", "sarif", "tcp 192.168.0.12:43100 -> 192.168.1.2:6443"); code != 2 || !strings.Contains(errOut, `-format "sarif": want text or json`) {
		t.Errorf("trace -format sarif: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runArgs(t, "lint", "-format", "markdown"); code != 2 || !strings.Contains(errOut, `-format "markdown": want text, json or sarif`) {
		t.Errorf("lint -format markdown: exit %d, %q", code, errOut)
	}
}

// TestGoldenFormats: check and exposure in every format, lint in SARIF
// and diff (default groups to hardened set) in Markdown, on the CCE
// tunnel profile hardened and not, equal the golden
// files in testdata/golden (go test -run TestGoldenFormats -update-golden
// rewrites them; review the diff).
func TestGoldenFormats(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, hardened := range []string{"true", "false"} {
		set := map[string]string{"true": "hardened", "false": "default"}[hardened]
		for _, c := range []struct {
			name string
			args []string
		}{
			{"check", []string{"check", "-intents", cceIntentFile}},
			{"exposure", []string{"exposure"}},
			{"lint", []string{"lint"}},
			{"diff", []string{"diff"}},
		} {
			formats := []string{"text", "json", "sarif", "markdown"}
			switch c.name {
			case "lint":
				formats = []string{"sarif"}
			case "diff": // the default groups against the hardened set
				if hardened == "false" {
					continue
				}
				formats = []string{"markdown"}
			}
			for _, f := range formats {
				ext := map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md"}[f]
				file := filepath.Join("testdata", "golden", "cce-tunnel-"+set+"-"+c.name+"."+ext)
				code, out, errOut := runArgs(t, append(c.args, "-profile", "cce-tunnel", "-hardened="+hardened, "-format", f)...)
				if code != 0 {
					t.Fatalf("%s: exit %d: %s", file, code, errOut)
				}
				if f == "sarif" {
					// The working directory's URI depends on the checkout.
					out = strings.ReplaceAll(out, `"uri": "`+sarifRootURI(wd).URI+`"`, `"uri": "file:///WORKING-DIRECTORY/"`)
				}
				checkGolden(t, file, out)
			}
		}
	}
}

// TestDiffMarkdownPlan: what a plan opens, for a pull-request comment,
// with the rule's Terraform address; -format markdown after -against
// belongs to diff.
func TestDiffMarkdownPlan(t *testing.T) {
	code, out, errOut := runArgs(t, "diff", "-plan", "testdata/terraform/plan.json", "-format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"### sgsim diff: terraform plan's prior state → terraform plan\n",
		"The change **opens 2** and **closes 0** region(s) of flows in 1 rule set(s).\n",
		"| opens | ingress | `tcp 0.0.0.0-203.0.112.255 -> 0.0.0.0/0 dport 22` | `tcp 1.0.0.1:1024 -> 1.0.0.2:22` | default deny | sg-0a1b2c3d4e5f60001 rule 1 (aws terraform plan at aws_security_group_rule.ssh) |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runArgs(t, "diff", "-profile", "cce-tunnel", "-hardened=false", "-against", "-hardened=true", "-format", "markdown")
	if code != 0 || !strings.HasPrefix(out, "### sgsim diff: cce-tunnel/newer/default → cce-tunnel/newer/hardened\n") {
		t.Errorf("-against then -format markdown: exit %d\n%s", code, out)
	}
}

// TestJSONSchemaVersion: every subcommand's JSON document carries
// schema_version 1 (replay's lines: TestReplayJSONSchemaVersion).
func TestJSONSchemaVersion(t *testing.T) {
	for _, args := range [][]string{
		{"trace", "tcp 192.168.0.12:43100 -> 192.168.1.2:6443"},
		{"reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-port", "6443"},
		{"lint"}, {"diff", "-profile", "cce-tunnel"}, {"fix"}, {"harden", "-profile", "cce-tunnel"},
		{"check", "-intents", cceIntentFile}, {"exposure"},
		{"tighten"}, {"usage"}, {"map"},
	} {
		code, out, errOut := runArgs(t, append(args, "-format", "json")...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		var doc struct {
			SchemaVersion *int `json:"schema_version"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.SchemaVersion == nil || *doc.SchemaVersion != 1 {
			t.Errorf("%q: schema_version %v (%v)", args, doc.SchemaVersion, err)
		}
	}
}

// TestDiffIntents: diff -intents reports the intents a change breaks:
// removing the 6443 rule from the fixed export breaks the 6443 intent.
func TestDiffIntents(t *testing.T) {
	args := []string{"diff", "-vendor", "huawei", "-rules", "testdata/intents/cce-rules-fixed.json", "-topology", "testdata/intents/cce-topology.json",
		"-against", "-rules", "testdata/intents/cce-rules.json", "-intents", cceIntentFile}
	code, out, errOut := runArgs(t, append(args, "-fail-on", "high")...)
	if code != 1 {
		t.Fatalf("-fail-on high: exit %d: %s", code, errOut)
	}
	want := "-- intents: 1 not passing after the change\n" +
		"pass -> fail  must_allow kube-apiserver 6443 from nodes: nodes -> masters tcp 6443\n" +
		"  witness: tcp 192.168.0.1:1024 -> 192.168.1.1:6443\n" +
		"  decided at destination ingress [masters]: deny: no rule matched: default deny\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("text ends\n%s\nwant\n%s", out, want)
	}
	_, out, _ = runArgs(t, append(args, "-format", "markdown")...)
	if !strings.Contains(out, "**1 intent(s) do not pass after the change** (1 broken by it).") ||
		!strings.Contains(out, "| pass | **fail** | kube-apiserver 6443 from nodes | nodes -> masters tcp 6443 |") {
		t.Errorf("markdown:\n%s", out)
	}
	_, out, _ = runArgs(t, append(args, "-format", "json")...)
	var doc struct {
		Intents []intentChangeJSON `json:"intents"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Intents) != 1 || doc.Intents[0].Before != "pass" ||
		doc.Intents[0].After != "fail" || doc.Intents[0].Line != 13 {
		t.Errorf("json intents %+v (%v)", doc.Intents, err)
	}
	// The other way round nothing fails.
	code, out, _ = runArgs(t, "diff", "-vendor", "huawei", "-rules", "testdata/intents/cce-rules.json", "-topology", "testdata/intents/cce-topology.json",
		"-against", "-rules", "testdata/intents/cce-rules-fixed.json", "-intents", cceIntentFile, "-format", "markdown", "-fail-on", "high")
	if code != 0 || !strings.HasSuffix(out, "\nEvery intent passes after the change.\n") {
		t.Errorf("fixing: exit %d\n%s", code, out)
	}
	// Unplaced versions cannot be asked.
	code, _, errOut = runArgs(t, "diff", "-vendor", "huawei", "-rules", "testdata/intents/cce-rules.json", "-against", "-rules", "testdata/intents/cce-rules-fixed.json", "-intents", cceIntentFile)
	if code != 2 || !strings.Contains(errOut, "-intents needs both versions placed on endpoints") {
		t.Errorf("unplaced: exit %d, %q", code, errOut)
	}
}

// TestSARIFArtifactOf: a path inside the root is a percent-encoded
// relative URI on %SRCROOT%, however it was given; a path outside is an
// absolute file:// URI.
func TestSARIFArtifactOf(t *testing.T) {
	for _, c := range []struct{ path, root, uri, base string }{
		{"intents.yaml", "/repo", "intents.yaml", "%SRCROOT%"},
		{"ci/intents.yaml", "/repo", "ci/intents.yaml", "%SRCROOT%"},
		{"./ci/../ci/intents.yaml", "/repo", "ci/intents.yaml", "%SRCROOT%"},
		{"/repo/ci/intents.yaml", "/repo", "ci/intents.yaml", "%SRCROOT%"},
		{"ci/my intents#1%.yaml", "/repo", "ci/my%20intents%231%25.yaml", "%SRCROOT%"},
		{"a:b.yaml", "/repo", "a%3Ab.yaml", "%SRCROOT%"},
		{"/tmp/cce.yaml", "/repo", "file:///tmp/cce.yaml", ""},
		{"../cce.yaml", "/repo/sub", "file:///repo/cce.yaml", ""},
		{"../repo2/cce.yaml", "/repo", "file:///repo2/cce.yaml", ""},
		{"/tmp/my dir/ü?.yaml", "/repo", "file:///tmp/my%20dir/%C3%BC%3F.yaml", ""},
		{"/repo", "/repo", "file:///repo", ""},
	} {
		got := sarifArtifactOf(c.path, c.root)
		if got.URI != c.uri || got.URIBaseID != c.base {
			t.Errorf("sarifArtifactOf(%q, %q) = %+v; want uri %q base %q", c.path, c.root, got, c.uri, c.base)
		}
	}
	if got := sarifRootURI("/work/my repo"); got.URI != "file:///work/my%20repo/" {
		t.Errorf("root URI %q", got.URI)
	}
}

// TestSARIFCheckURIs: check -format sarif locates an intent file in the
// working directory relative to %SRCROOT% (originalUriBaseIds: the
// working directory) and one outside it (a temporary directory, or
// ../) by its absolute file:// URI, with no base.
func TestSARIFCheckURIs(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(cceIntentFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	outside := filepath.Join(dir, "cce intents.yaml")
	if err := os.WriteFile(outside, text, 0o644); err != nil {
		t.Fatal(err)
	}
	up := "../sgsim/" + cceIntentFile // leaves and re-enters the working directory
	for _, c := range []struct{ file, uri, base, root string }{
		{cceIntentFile, "testdata/intents/cce-tunnel.yaml", "%SRCROOT%", "file://" + wd + "/"},
		{up, "testdata/intents/cce-tunnel.yaml", "%SRCROOT%", "file://" + wd + "/"},
		{outside, "file://" + dir + "/cce%20intents.yaml", "", ""},
	} {
		code, out, errOut := runArgs(t, "check", "-intents", c.file, "-format", "sarif")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.file, code, errOut)
		}
		var doc sarifDoc
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		run := doc.Runs[0]
		if len(run.Results) == 0 {
			t.Fatalf("%s: no results", c.file)
		}
		for _, r := range run.Results {
			a := r.Locations[0].PhysicalLocation.ArtifactLocation
			if a.URI != c.uri || a.URIBaseID != c.base {
				t.Errorf("%s: artifact %+v; want uri %q base %q", c.file, a, c.uri, c.base)
			}
		}
		if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != c.root || (c.root == "") != (run.OriginalURIBaseIDs == nil) {
			t.Errorf("%s: originalUriBaseIds %v; want %%SRCROOT%% %q", c.file, run.OriginalURIBaseIDs, c.root)
		}
	}
}
