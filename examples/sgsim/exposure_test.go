package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExposureMainJob(t *testing.T) {
	code, out, errOut := runArgs(t, "exposure")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(out, "\n")
	want := []string{
		"== cce-tunnel/newer/hardened: 10 openings to the outside (3 high, 0 medium, 7 low, 0 info)",
		"outside: 0.0.0.0-10.246.255.255,10.248.0.0-172.15.255.255,172.17.0.0-192.167.255.255,192.169.0.0-255.255.255.255,::/0",
		"high    nodes   tcp 22 from anywhere outside to 192.168.0.0/24",
		`  let in by rule "worker/table3/5" of group "cce-node" (ingress allow tcp 22 from 0.0.0.0/0 priority 1 id worker/table3/5) from huawei 001_3ee2f19bcae8d9c5.txt Table 3 row 5`,
	}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Fatalf("line %d:\n got %q\nwant %q\n%s", i+1, lines[min(i, len(lines)-1)], w, out)
		}
	}
	// The masters' 5444 is open only to the VPC, which a profile knows is
	// the cluster's: not exposed. From a VPC address no endpoint holds,
	// named with -from, it is reported with exactly that source.
	if strings.Contains(out, "5444") {
		t.Errorf("5444 reported open to the outside:\n%s", out)
	}
	_, out, _ = runArgs(t, "exposure", "-from", "192.168.7.7")
	if !strings.Contains(out, "high    masters tcp 5444 from anywhere outside to 192.168.1.0/28\n") || !strings.Contains(out, "outside: 192.168.7.7\n") {
		t.Errorf("5444 from 192.168.7.7:\n%s", out)
	}
	if code, _, _ := runArgs(t, "exposure", "-fail-on", "high"); code != 1 {
		t.Errorf("-fail-on high: exit %d, want 1", code)
	}
	// From one address outside the VPC, only what is open to everyone.
	code, out, _ = runArgs(t, "exposure", "-from", "203.0.113.9", "-format", "json", "-fail-on", "medium")
	if code != 1 {
		t.Errorf("json -fail-on medium: exit %d, want 1", code)
	}
	var doc struct {
		SchemaVersion int            `json:"schema_version"`
		Outside       string         `json:"outside"`
		Summary       map[string]int `json:"summary"`
		Exposures     []exposureEntryJSON
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.SchemaVersion != 1 || doc.Outside != "203.0.113.9" || len(doc.Exposures) != 10 || doc.Summary["high"] != 3 {
		t.Fatalf("json: %+v", doc)
	}
	x := doc.Exposures[0]
	if x.Endpoint != "nodes" || x.Ports != "22" || x.Severity != "high" || !x.Anywhere || x.Sources != "203.0.113.9" ||
		x.RuleID != "worker/table3/5" || x.Origin != "huawei 001_3ee2f19bcae8d9c5.txt Table 3 row 5" || x.Witness != "tcp 203.0.113.9:1024 -> 192.168.0.1:22" {
		t.Errorf("first exposure: %+v", x)
	}
	for _, x := range doc.Exposures {
		if x.Endpoint == "masters" && (x.Ports == "5444" || x.Ports == "8445") {
			t.Errorf("VPC-only port reported open to 203.0.113.9: %+v", x)
		}
	}
}

func TestExposureErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"exposure", "-from", "workers"}, "-from: "},
		// Only endpoints with groups: nothing is outside, which read as
		// "0 openings" and exit 0.
		{[]string{"exposure", "-from", "nodes,192.168.1.0/28"}, `-from "nodes,192.168.1.0/28": no outside address: endpoints with security groups (and group members) are never outside`},
		// IPv6 outside on an IPv4 network: nothing to audit, which read
		// as "0 openings" and exit 0.
		{[]string{"exposure", "-from", "::/0"}, `-from "::/0": no endpoint has an address of its family (IPv4 or IPv6): nothing to audit`},
		{[]string{"exposure", "-from", "2001:db8::/32", "-fail-on", "info"}, `-from "2001:db8::/32": no endpoint has an address of its family`},
		{[]string{"exposure", "-fail-on", "severe"}, `-fail-on: severity "severe": want info, low, medium or high`},
		{[]string{"exposure", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json"}, "-rules needs -nics FILE"},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}
