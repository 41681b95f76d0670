package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// sgsim map prints the library's map of the main job's network in every
// format.
func TestMapCommand(t *testing.T) {
	n, err := load.Load(load.Source{Profile: "cce-tunnel", Hardened: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := analyze.Map(n.Net, n.Spec)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	m.WriteText(&want)
	code, out, errOut := runArgs(t, "map")
	if code != 0 || out != want.String() {
		t.Fatalf("exit %d %s\n%s\nwant\n%s", code, errOut, out, want.String())
	}
	// The masters reach the workers' kubelet; the workers do not reach
	// the masters on the kubelet port.
	if !strings.Contains(out, "S2: masters") || !strings.Contains(out, "D1: nodes") || !strings.Contains(out, "S2 -> D1: tcp 22,10250,") {
		t.Errorf("text:\n%s", out)
	}
	code, out, _ = runArgs(t, "map", "-format", "json")
	var j analyze.JSONMap
	if err := json.Unmarshal([]byte(out), &j); code != 0 || err != nil || len(j.Endpoints) != len(n.Spec.Endpoints) {
		t.Errorf("json: exit %d %v\n%s", code, err, out)
	}
	code, out, _ = runArgs(t, "map", "-format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) < 2 || strings.Join(recs[0], ",") != "src,dst,src_group,dst_group,protocol,round_trip,one_way,partial" {
		t.Errorf("csv: exit %d %v\n%s", code, err, out)
	}
	for format, s := range map[string]string{"markdown": "| from \\ to |", "dot": "digraph connectivity {", "html": "<svg id=\"matrix\""} {
		if code, out, errOut := runArgs(t, "map", "-format", format); code != 0 || !strings.Contains(out, s) {
			t.Errorf("-format %s: exit %d %s\n%s", format, code, errOut, out)
		}
	}
	if code, _, errOut := runArgs(t, "map", "-format", "svg"); code != exitUsage || !strings.Contains(errOut, "-format") {
		t.Errorf("-format svg: exit %d %q", code, errOut)
	}
}
