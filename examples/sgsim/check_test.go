package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/load"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const cceIntents = `# intents for a CCE cluster (tunnel network)
must_allow:
  - name: kube-apiserver 5444 from nodes
    from: nodes
    to: masters
    protocol: tcp
    ports: 5444
  - name: kube-apiserver 6443 from nodes
    reason: kubectl and in-cluster clients use the API server's 6443
    from: nodes
    to: masters
    protocol: tcp
    ports: 6443
must_deny:
  - name: no ssh from outside the VPC
    from: 8.8.8.0/24
    to: nodes
    protocol: tcp
    ports: 22
must_be_answerable:
  - name: nodes resolve names
    from: nodes
    to: 100.125.1.250
    protocol: udp
    ports: 53
`

func TestCheckMainJob(t *testing.T) {
	file := writeFile(t, "cce.yaml", cceIntents)
	code, out, errOut := runArgs(t, "check", "-intents", file)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `== cce-tunnel/newer/hardened: 4 intents: 2 pass, 2 fail, 0 unknown
pass    must_allow kube-apiserver 5444 from nodes: nodes -> masters tcp 5444
FAIL    must_allow kube-apiserver 6443 from nodes: nodes -> masters tcp 6443
  witness: tcp 192.168.0.1:1024 -> 192.168.1.1:6443
  decided at destination ingress [masters]: deny: no rule matched: default deny
  reason: kubectl and in-cluster clients use the API server's 6443
FAIL    must_deny no ssh from outside the VPC: 8.8.8.0/24 -> nodes tcp 22
  witness: tcp 8.8.8.1:1024 -> 192.168.0.1:22
  decided at destination ingress [nodes]: allow: rule "worker/table3/5" of group "cce-node" (ingress allow tcp 22 from 0.0.0.0/0 priority 1 id worker/table3/5) from huawei 001_3ee2f19bcae8d9c5.txt Table 3 row 5
pass    must_be_answerable nodes resolve names: nodes -> 100.125.1.250 udp 53
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if code, _, _ := runArgs(t, "check", "-intents", file, "-fail-on", "fail"); code != 1 {
		t.Errorf("-fail-on fail: exit %d, want 1", code)
	}
	// The default groups open SSH to every address too: the must_deny
	// fails with the rule that lets it in and the rule's seed row.
	code, out, _ = runArgs(t, "check", "-intents", file, "-hardened=false", "-format", "json")
	if code != 0 {
		t.Fatalf("json: exit %d", code)
	}
	var doc struct {
		SchemaVersion int            `json:"schema_version"`
		Network       string         `json:"network"`
		Summary       map[string]int `json:"summary"`
		Results       []checkResultJSON
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.SchemaVersion != 1 || doc.Network != "cce-tunnel/newer/default" || len(doc.Results) != 4 {
		t.Fatalf("json header: %+v", doc)
	}
	deny := doc.Results[2]
	if deny.Name != "no ssh from outside the VPC" || deny.Status != "fail" || deny.Kind != "must_deny" || deny.Line != 15 ||
		deny.Path != "must_deny[0]" || deny.Question != "delivered" || deny.Hop != "destination ingress" || deny.Action != "allow" ||
		deny.Origin == "" || !strings.HasPrefix(deny.Origin, "huawei ") || deny.Witness != "tcp 8.8.8.1:1024 -> 192.168.0.1:22" ||
		deny.Trace == nil || len(deny.Trace.Hops) == 0 {
		t.Errorf("must_deny result: %+v", deny)
	}
	if ok := doc.Results[0]; ok.Status != "pass" || ok.Witness != "" || ok.Trace != nil || ok.Question != "answered" || ok.Outcome != "all" {
		t.Errorf("pass result: %+v", ok)
	}
}

func TestCheckErrors(t *testing.T) {
	dup := writeFile(t, "dup.yaml", "must_allow:\n  - name: a\n    from: nodes\n    from: pods\n    to: masters\n    protocol: tcp\n")
	unknown := writeFile(t, "unknown.yaml", "must_allow:\n  - {name: a, from: workers, to: masters, protocol: tcp}\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "check needs -intents FILE"},
		{[]string{"check", "-intents", "nope.yaml"}, "-intents: open nope.yaml: no such file or directory"},
		{[]string{"check", "-intents", dup}, `dup.yaml: line 4, column 5: must_allow[0].from: duplicate key "from" (first at line 3, column 5)`},
		{[]string{"check", "-intents", unknown}, `unknown.yaml: line 2: must_allow[0] "a": from: "workers": neither an endpoint nor an address, prefix or range (endpoints: nodes, masters, pods, lb)`},
		{[]string{"check", "-intents", unknown, "-fail-on", "some"}, `-fail-on "some": want fail or unknown`},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestCheckUnknownPlan: a plan leaves an HTTPS rule's source known only
// after apply, so the intent that depends on it is unknown, not pass or
// fail; -fail-on unknown exits 1, -fail-on fail does not.
func TestCheckUnknownPlan(t *testing.T) {
	dir := t.TempDir()
	plan := `{"format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh",
     "values": {"cidr_blocks": ["203.0.113.0/24"], "from_port": 22, "protocol": "tcp", "security_group_id": "sg-web", "to_port": 22, "type": "ingress"}},
    {"address": "aws_security_group_rule.https", "mode": "managed", "type": "aws_security_group_rule", "name": "https",
     "values": {"from_port": 443, "protocol": "tcp", "security_group_id": "sg-web", "to_port": 443, "type": "ingress"}}]}},
  "resource_changes": [{"address": "aws_security_group_rule.https", "change": {"after_unknown": {"cidr_blocks": true}}}]}`
	topo := `{"cloud": "union", "endpoints": [{"name": "web", "addrs": ["10.0.1.0/24"], "groups": ["sg-web"]},
	  {"name": "internet", "addrs": ["0.0.0.0/5"]}, {"name": "office", "addrs": ["203.0.113.0/24"]}]}`
	intents := `{"must_allow": [{"name": "https from the internet", "from": "internet", "to": "web", "protocol": "tcp", "ports": 443}],
	  "must_deny": [{"name": "no ssh from the internet", "from": "internet", "to": "web", "protocol": "tcp", "ports": 22}]}`
	for name, text := range map[string]string{"plan.json": plan, "topology.json": topo, "intents.json": intents} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"check", "-plan", filepath.Join(dir, "plan.json"), "-topology", filepath.Join(dir, "topology.json"), "-intents", filepath.Join(dir, "intents.json")}
	code, out, _ := runArgs(t, append(args, "-fail-on", "fail")...)
	want := "== terraform plan: 2 intents: 0 pass, 0 fail, 2 unknown\n" +
		"unknown must_allow https from the internet: internet -> web tcp 443\n" +
		"  depends on group sg-web: rules of aws_security_group_rule.https left out: cidr_blocks is known only after apply (the plan does not say which group it belongs to)\n" +
		"  witness: tcp 1.0.0.1:1024 -> 10.0.1.1:443\n" +
		"  decided at destination ingress [web]: deny: no rule matched: default deny\n" +
		"unknown must_deny no ssh from the internet: internet -> web tcp 22\n" +
		"  depends on group sg-web: rules of aws_security_group_rule.https left out: cidr_blocks is known only after apply (the plan does not say which group it belongs to)\n"
	if code != 0 || out != want {
		t.Errorf("exit %d\ngot\n%s\nwant\n%s", code, out, want)
	}
	if code, _, _ := runArgs(t, append(args, "-fail-on", "unknown")...); code != 1 {
		t.Errorf("-fail-on unknown: exit %d, want 1", code)
	}
}

// TestWriteIntentsRefusesCheckFlags: -write-intents checks nothing, so
// the flags about harden's check and its output are bad usage, not
// silently ignored (harden -fail-on-finding exits 1 on cce-tunnel).
func TestWriteIntentsRefusesCheckFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "i.yaml")
	for _, extra := range [][]string{{"-fail-on-finding"}, {"-findings-only"}, {"-format", "json"}} {
		args := append([]string{"harden", "-profile", "cce-tunnel", "-write-intents", file}, extra...)
		code, out, errOut := runArgs(t, args...)
		want := "sgsim harden: " + extra[0] + " does not apply to -write-intents, which writes the required flows and checks nothing\n"
		if code != 2 || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", args, code, out, errOut, want)
		}
		if _, err := os.Stat(file); err == nil {
			t.Errorf("%q: wrote %s", args, file)
		}
	}
}

// TestWriteIntentsEqualsHarden: for every profile, the intent file
// harden -write-intents writes gives, for each required flow, the pass or
// fail harden gives, with the default groups and the hardened set.
func TestWriteIntentsEqualsHarden(t *testing.T) {
	dir := t.TempDir()
	for _, p := range load.Profiles {
		file := filepath.Join(dir, p+".json")
		if code, _, errOut := runArgs(t, "harden", "-profile", p, "-write-intents", file); code != 0 {
			t.Fatalf("%s: write: exit %d: %s", p, code, errOut)
		}
		code, out, errOut := runArgs(t, "harden", "-profile", p, "-format", "json")
		if code != 0 {
			t.Fatalf("%s: harden: exit %d: %s", p, code, errOut)
		}
		var h struct {
			Checks []struct {
				Required []struct {
					Flow     string
					Verdicts map[string]string
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &h); err != nil || len(h.Checks) != 1 {
			t.Fatalf("%s: harden json: %v", p, err)
		}
		for _, setting := range []string{"default", "hardened"} {
			code, out, errOut := runArgs(t, "check", "-profile", p, "-hardened="+map[string]string{"default": "false", "hardened": "true"}[setting],
				"-intents", file, "-format", "json")
			if code != 0 {
				t.Fatalf("%s %s: check: exit %d: %s", p, setting, code, errOut)
			}
			var c struct{ Results []checkResultJSON }
			if err := json.Unmarshal([]byte(out), &c); err != nil {
				t.Fatal(err)
			}
			status := map[string]string{}
			for _, r := range c.Results {
				status[r.Name] = r.Status
			}
			req := h.Checks[0].Required
			if len(c.Results) != len(req) || len(status) != len(req) {
				t.Fatalf("%s %s: %d results (%d names) for %d required flows", p, setting, len(c.Results), len(status), len(req))
			}
			seen := map[string]int{}
			fails := 0
			for _, r := range req {
				name := r.Flow
				if seen[name]++; seen[name] > 1 {
					name += " (" + string(rune('0'+seen[name])) + ")"
				}
				want := "fail"
				if r.Verdicts[setting] == "pass" {
					want = "pass"
				} else {
					fails++
				}
				if status[name] != want {
					t.Errorf("%s %s: %q: check %q, harden %q", p, setting, name, status[name], r.Verdicts[setting])
				}
			}
			t.Logf("%s %s: %d flows, %d fail", p, setting, len(req), fails)
		}
	}
}
