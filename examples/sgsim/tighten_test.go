package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// sgsim tighten on the main job: the groups it prints, rebuilt here from
// their text, carry every flow of the sample the original allowed and
// every required flow, and close the unused SSH and TCP 6443 rules.
func TestTightenCommand(t *testing.T) {
	code, out, errOut := runArgs(t, "tighten")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{
		"group cce-node: 20 rules -> 25, of which 22 are original rules put back, each cut to what one required flow needs: the traffic did not cover that flow, and it would fail without the rule (marked \"for required flow\")\n",
		// Not the whole "any from group cce-node": the parts the required
		// flows between nodes use, each with the flow it is there for.
		"  ingress allow tcp 5444 from 192.168.0.0/24 priority 1 id worker/table3/6  <- for required flow \"nodes to nodes tcp\"\n",
		// A rule cut to the traffic alone has no mark.
		"  ingress allow udp 4789 from 192.168.0.0/31,192.168.0.10/31 priority 1 id worker/table3/1\n",
		"(1) the same traffic replayed through the proposal: 32 flows; all 28 allowed before are allowed",
		"(2) 32 required flows, each passes as before (Reach):",
		"old: rule ingress allow tcp 22 from 0.0.0.0/0 priority 1 id worker/table3/5",
		"the proposal in huawei API form, a ListSecurityGroupRules document",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("text lacks %q:\n%s", s, out)
		}
	}
	code, out, errOut = runArgs(t, "tighten", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var j struct {
		Groups []struct {
			ID      string   `json:"id"`
			New     []string `json:"new"`
			Partial int      `json:"partly_restored_rules"`
			PutBack []struct {
				Index    int    `json:"index"`
				Rule     string `json:"rule"`
				Whole    bool   `json:"whole"`
				Required string `json:"required_flow"`
			} `json:"put_back"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	// put_back names the same rules as the text's marks, by index in new.
	for _, g := range j.Groups {
		if len(g.PutBack) != g.Partial {
			t.Errorf("json group %s: %d put_back, %d partly restored", g.ID, len(g.PutBack), g.Partial)
		}
		for _, pb := range g.PutBack {
			if pb.Index >= len(g.New) || g.New[pb.Index] != pb.Rule || pb.Whole || pb.Required == "" {
				t.Errorf("json group %s: put_back %+v", g.ID, pb)
			}
		}
	}
	if len(j.Groups) == 0 || len(j.Groups[0].PutBack) == 0 || j.Groups[0].PutBack[0].Rule != "ingress allow udp 4789 from 192.168.1.0/28 priority 1 id worker/table3/1" ||
		j.Groups[0].PutBack[0].Required != "vxlan masters to nodes" {
		t.Errorf("json put_back of %s: %+v", j.Groups[0].ID, j.Groups[0].PutBack)
	}
	n, err := load.Load(load.Source{Profile: "cce-tunnel", Hardened: true})
	if err != nil {
		t.Fatal(err)
	}
	spec := n.Spec
	spec.Groups = nil
	for _, g := range j.Groups {
		var rs []sgsim.Rule
		for _, s := range g.New {
			r, err := sgsim.ParseRule(s)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			rs = append(rs, r)
		}
		orig, _ := n.Net.Group(g.ID)
		spec.Groups = append(spec.Groups, sgsim.Group{ID: g.ID, Rules: rs, InnerAccess: orig.InnerAccess})
	}
	pn, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	verdicts := func(net *sgsim.Network) map[int]bool {
		v := map[int]bool{}
		r := replay.New(net, replay.Config{OnFlow: func(f *replay.Flow) { v[f.ID] = f.Allowed() }})
		c, err := capture.NewReader(bytes.NewReader(sampleCapture))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddCapture(c); err != nil {
			t.Fatal(err)
		}
		r.Report()
		return v
	}
	before, after := verdicts(n.Net), verdicts(pn)
	for id, ok := range before {
		if ok && !after[id] {
			t.Errorf("flow %d: allowed by the original, dropped by the printed proposal", id)
		}
	}
	for _, rf := range n.Required {
		b, err1 := n.Net.Reach(rf.Query())
		a, err2 := pn.Reach(rf.Query())
		if err1 != nil || err2 != nil || a.Outcome < b.Outcome {
			t.Errorf("required %s: %s before, %s after (%v %v)", rf.Name, b.Outcome, a.Outcome, err1, err2)
		}
	}
	// SSH from anywhere is gone.
	ssh, _ := sgsim.ParseFlow("tcp 192.168.2.5:40000 -> 192.168.0.10:22")
	if !n.Net.Decide(ssh).Allowed || pn.Decide(ssh).Allowed {
		t.Errorf("ssh: before %v, after %v; want closed", n.Net.Decide(ssh).Allowed, pn.Decide(ssh).Allowed)
	}
	if code, _, errOut := runArgs(t, "tighten", "-max-rules", "0"); code != exitUsage || !strings.Contains(errOut, "-max-rules") {
		t.Errorf("-max-rules 0: exit %d %q", code, errOut)
	}
	// 0 would be read by the library as its default 16, not as /0.
	if code, _, errOut := runArgs(t, "tighten", "-min-prefix", "0"); code != exitUsage || !strings.Contains(errOut, "-min-prefix 1-32") {
		t.Errorf("-min-prefix 0: exit %d %q", code, errOut)
	}
	if code, _, errOut := runArgs(t, "tighten", "-max-port-gap", "-2"); code != exitUsage || !strings.Contains(errOut, "-max-port-gap") {
		t.Errorf("-max-port-gap -2: exit %d %q", code, errOut)
	}
	if code, _, errOut := runArgs(t, "tighten", "-max-boxes", "-1"); code != exitUsage || !strings.Contains(errOut, "-max-boxes 0 or more") {
		t.Errorf("-max-boxes -1: exit %d %q", code, errOut)
	}
	// -max-boxes reaches proof (3): its default summarizes past 1000
	// boxes, 0 lists every box, and the sample closes the same regions
	// either way (none reaches 1000 boxes).
	code, def, errOut := runArgs(t, "tighten")
	code0, all, errOut0 := runArgs(t, "tighten", "-max-boxes", "0")
	if code != 0 || code0 != 0 || !strings.Contains(def, "a deciding-rule pair past 1000 boxes is one summarized change)") || !strings.Contains(all, "(per attached group list; every box listed)") {
		t.Errorf("-max-boxes: exit %d/%d %s %s\n%s\n%s", code, code0, errOut, errOut0, def, all)
	}
	rest := func(s string) string { return s[strings.Index(s, " regions, nothing opened"):] }
	if strings.Contains(def, "not listed") || rest(def) != rest(all) {
		t.Errorf("-max-boxes 0 changed what the sample closes:\n%s\n%s", def, all)
	}
	// Few rules allowed and no port merges: the node group stays above
	// the maximum and says so.
	code, out, errOut = runArgs(t, "tighten", "-max-rules", "5", "-max-port-gap", "-1")
	if code != 0 || !strings.Contains(out, "(-max-rules 5, -min-prefix 16, -max-port-gap -1)") || !strings.Contains(out, "above -max-rules") {
		t.Errorf("-max-port-gap -1: exit %d %s\n%s", code, errOut, out)
	}
}

// -intents: a must_allow intent is a required flow; the part of the rule
// it needs comes back.
func TestTightenIntents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssh.yaml")
	if err := os.WriteFile(path, []byte("version: 1\nmust_allow:\n  - name: ssh from the lb\n    from: 192.168.2.5\n    to: nodes\n    protocol: tcp\n    ports: 22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runArgs(t, "tighten", "-intents", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The ssh rule comes back only for the intent's source.
	for _, s := range []string{"group cce-node: 20 rules -> 26", "  ingress allow tcp 22 from 192.168.2.5 priority 1 id worker/table3/5  <- for required flow \"intent ssh from the lb\"\n",
		"intent ssh from the lb: all -> all", "57 regions, nothing opened", "id worker/table8/8 of group cce-node"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	// An ICMP intent for a message other than echo (fragmentation
	// needed, which path MTU discovery depends on) is a required flow
	// with its type and code.
	path = filepath.Join(t.TempDir(), "mtu.yaml")
	if err := os.WriteFile(path, []byte("version: 1\nmust_allow:\n  - name: path mtu\n    from: masters\n    to: masters\n    protocol: icmp\n    icmp_type: 3\n    icmp_code: 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runArgs(t, "tighten", "-intents", path)
	if code != 0 || !strings.Contains(out, "intent path mtu: all -> all") {
		t.Errorf("icmp type 3 intent: exit %d %s\n%s", code, errOut, out)
	}
	if code, _, errOut := runArgs(t, "tighten", "-intents", filepath.Join(t.TempDir(), "none.yaml")); code != exitUsage || !strings.Contains(errOut, "-intents") {
		t.Errorf("missing -intents file: exit %d %q", code, errOut)
	}
}

// Traffic that never touches the network (here the CCE sample against
// the AWS example export, whose addresses are 10.0.x) is refused: any
// proposal, even one without rules, would "keep every allowed flow".
func TestTightenTrafficOutsideNetwork(t *testing.T) {
	args := []string{"tighten", "-vendor", "aws",
		"-rules", "../../provider/aws/testdata/describe-security-groups.json",
		"-nics", "../../provider/aws/testdata/describe-network-interfaces.json",
		"-pcap", "testdata/cce-tunnel.pcap"}
	code, out, errOut := runArgs(t, args...)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "none of the 32 flows of the traffic has an end in the network") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and the refusal", code, out, errOut, exitUsage)
	}
}

// TestTightenGolden: the text of the main job's proposal (the embedded
// sample against the cce-tunnel profile) equals
// testdata/golden/cce-tunnel-hardened-tighten.txt (go test -run
// TestTightenGolden -update-golden rewrites it; review the diff): in
// particular what each rule put back for a required flow says.
func TestTightenGolden(t *testing.T) {
	code, out, errOut := runArgs(t, "tighten")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, filepath.Join("testdata", "golden", "cce-tunnel-hardened-tighten.txt"), out)
}

// What a group's line and its rules' lines say of rules put back: the
// main job puts back only cut rules, so a rule put back whole (an
// overlay's outer flow) is checked here, with one cut rule and one rule
// of the traffic alone.
func TestPutBackText(t *testing.T) {
	g := analyze.GroupChange{
		ID:       "g",
		New:      make([]sgsim.Rule, 3),
		Restored: 1,
		Partial:  1,
		PutBack: []analyze.PutBack{
			{Index: 0, For: "dns"},
			{Index: 2, Whole: true, For: "vxlan"},
		},
	}
	const want = `, of which 1 is an original rule put back, each cut to what one required flow needs: the traffic did not cover that flow, and it would fail without the rule (marked "for required flow"); ` +
		`1 is an original rule put back whole: a required flow needs more than its own addresses and ports, such as an overlay's outer flow (marked "whole, for required flow")`
	if got := putBackText(g); got != want {
		t.Errorf("putBackText:\n got %s\nwant %s", got, want)
	}
	marks := putBackMarks(g)
	if wantMarks := []string{`  <- for required flow "dns"`, "", `  <- whole, for required flow "vxlan"`}; !slices.Equal(marks, wantMarks) {
		t.Errorf("putBackMarks = %q, want %q", marks, wantMarks)
	}
	none := analyze.GroupChange{New: make([]sgsim.Rule, 2)}
	if got, marks := putBackText(none), putBackMarks(none); got != "" || !slices.Equal(marks, []string{"", ""}) {
		t.Errorf("nothing put back: %q %q; want no text, no marks", got, marks)
	}
}

// tighten -h names every key of the changes in its JSON "closed" list
// (it named "removed" but not its changes' shape, which since
// summarized changes has "summarized" and "boxes_found" too).
func TestTightenJSONChangeKeysDocumented(t *testing.T) {
	code, out, errOut := runArgs(t, "tighten", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var j struct {
		Closed []struct {
			Removed []map[string]any `json:"removed"`
		} `json:"closed"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil || len(j.Closed) == 0 || len(j.Closed[0].Removed) == 0 {
		t.Fatalf("closed %+v (%v):\n%s", j.Closed, err, out)
	}
	keys := map[string]bool{}
	for _, c := range j.Closed {
		for _, ch := range c.Removed {
			for k := range ch {
				keys[k] = true
			}
		}
	}
	about := lookup("tighten").about
	for _, k := range append(slices.Sorted(maps.Keys(keys)), "summarized", "boxes_found") {
		if !strings.Contains(about, `"`+k+`"`) {
			t.Errorf("tighten -h does not name the closed changes' key %q", k)
		}
	}
}
