package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
)

var updateIntentExample = flag.Bool("update-intent-example", false, "rewrite the files of the README's intent example in testdata/intents")

// TestIntentExampleFiles: the README's intent example runs on the CCE
// tunnel profile's hardened groups written out as a Huawei export
// (cce-rules.json) placed by a topology (cce-topology.json), and on the
// rule that sgsim fix proposes for the TCP 6443 finding, in Huawei's API
// form (fix-6443.json), added to the export (cce-rules-fixed.json). The
// files are what the profile and fix give today.
func TestIntentExampleFiles(t *testing.T) {
	dir := filepath.Join("testdata", "intents")
	n, err := load.Load(load.Source{Profile: "cce-tunnel", Hardened: true})
	if err != nil {
		t.Fatal(err)
	}
	// A Huawei rule has an ethertype; the profile's cluster is IPv4
	// only, so its rules of any family are written as IPv4.
	// A rule whose remote is several blocks becomes one rule per block,
	// as the console would make them (same action and priority).
	groups := slices.Clone(n.Spec.Groups)
	for i := range groups {
		var rs []sgsim.Rule
		for _, r := range groups[i].Rules {
			if r.Family == sgsim.AnyFamily {
				r.Family = sgsim.IPv4
			}
			remote := &r.Src
			if r.Direction == sgsim.Egress {
				remote = &r.Dst
			}
			if remote.IsAny() || len(remote.Set().Prefixes()) == 1 {
				rs = append(rs, r)
				continue
			}
			for k, p := range remote.Set().Prefixes() {
				c := r
				if r.Direction == sgsim.Egress {
					c.Dst = sgsim.PrefixAddrs(p)
				} else {
					c.Src = sgsim.PrefixAddrs(p)
				}
				c.ID = fmt.Sprintf("%s-%d", r.ID, k+1)
				rs = append(rs, c)
			}
		}
		groups[i].Rules = rs
	}
	var rules bytes.Buffer
	if err := huawei.WriteRules(&rules, groups); err != nil {
		t.Fatal(err)
	}
	type endpoint struct {
		Name   string   `json:"name"`
		Addrs  []string `json:"addrs"`
		Groups []string `json:"groups,omitempty"`
	}
	topo := struct {
		Cloud     string     `json:"cloud"`
		Endpoints []endpoint `json:"endpoints"`
	}{Cloud: "huawei"}
	for _, e := range n.Spec.Endpoints {
		topo.Endpoints = append(topo.Endpoints, endpoint{Name: e.Name, Addrs: strings.Split(e.Addrs.String(), ","), Groups: e.Groups})
	}
	if len(n.Spec.ACLs) > 0 || len(n.Spec.Lists) > 0 || len(n.Spec.Members) > 0 {
		t.Fatalf("the profile has ACLs, lists or members the example files do not carry")
	}
	tb, err := json.MarshalIndent(topo, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"cce-rules.json": rules.Bytes(), "cce-topology.json": append(tb, '\n')}
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if *updateIntentExample {
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s differs from what the profile or fix gives (%v); rerun with -update-intent-example and review", p, err)
		}
	}
	for name, data := range files {
		write(name, data)
	}
	// The fix for the 6443 finding, from fix's API form.
	code, out, errOut := runArgs(t, "fix", "-vendor", "huawei", "-rules", filepath.Join(dir, "cce-rules.json"),
		"-topology", filepath.Join(dir, "cce-topology.json"), "-require", "cce-tunnel", "-format", "json")
	if code != 0 {
		t.Fatalf("fix: exit %d: %s", code, errOut)
	}
	var doc struct {
		API []struct {
			Name string `json:"name"`
			Text string `json:"text"`
		} `json:"api"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.API) != 1 || doc.API[0].Name != "ListSecurityGroupRules" {
		t.Fatalf("fix json: %v\n%s", err, out)
	}
	var api struct {
		Rules []map[string]any `json:"security_group_rules"`
	}
	if err := json.Unmarshal([]byte(doc.API[0].Text), &api); err != nil {
		t.Fatal(err)
	}
	var fix []map[string]any
	for _, r := range api.Rules {
		if r["multiport"] == "6443" && r["security_group_id"] == "cce-control" {
			fix = append(fix, r)
		}
	}
	if len(fix) != 1 {
		t.Fatalf("fix proposes %d rules for 6443 into cce-control, want 1:\n%s", len(fix), doc.API[0].Text)
	}
	fb, err := json.MarshalIndent(map[string]any{"security_group_rules": fix}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	write("fix-6443.json", append(fb, '\n'))
	// The export with the fix applied: the rule added to cce-control.
	var export struct {
		Rules []json.RawMessage `json:"security_group_rules"`
	}
	if err := json.Unmarshal(rules.Bytes(), &export); err != nil {
		t.Fatal(err)
	}
	rb, err := json.Marshal(fix[0])
	if err != nil {
		t.Fatal(err)
	}
	export.Rules = append(export.Rules, rb)
	fixed, err := json.MarshalIndent(export, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	write("cce-rules-fixed.json", append(fixed, '\n'))
}
