package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestReachCost(t *testing.T) {
	rs, err := reachCost(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d profiles; want the three CCE models", len(rs))
	}
	for _, r := range rs {
		// The hardened CCE sets fail some required flows, so some
		// queries must split into more than one cell.
		if r.Queries < 20 || r.Rules < 20 || r.QueryNs <= 0 || r.CellsMax < 2 || r.CellsMean < 1 {
			t.Errorf("%+v", r)
		}
	}
}

func TestReplayCostOnSample(t *testing.T) {
	// The sample is in the repository: its absence (a moved file) fails,
	// not skips, or this test would stop checking without a word.
	const f = "../" + sampleCapture
	if _, err := os.Stat(f); err != nil {
		t.Fatalf("the repository's sample capture: %v", err)
	}
	r, err := replayCost(f, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Packets == 0 || r.DecodePPS <= 0 || r.ReplayPPS <= 0 || r.DroppedFlows == 0 || r.AllowedFlows == 0 {
		t.Errorf("%+v", r)
	}
	// The sample is small: its records are repeated to at least
	// minReplayPackets, and the repeats are whole copies.
	if r.Repeat < 2 || r.Packets < minReplayPackets || r.Packets%r.Repeat != 0 || r.Packets/r.Repeat >= minReplayPackets {
		t.Errorf("packets %d, repeat %d: want whole copies adding up to at least %d", r.Packets, r.Repeat, minReplayPackets)
	}
	if len(r.Workers) != len(workerCounts()) {
		t.Errorf("%d worker results; want %d", len(r.Workers), len(workerCounts()))
	}
	for _, w := range r.Workers {
		if !w.Matches || w.PPS <= 0 || w.Speedup <= 0 {
			t.Errorf("workers %+v", w)
		}
	}
	if _, err := replayCost("nope.pcap", 1); err == nil {
		t.Error("missing capture: no error")
	}
}

func TestExtrasJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if err := extras(&out, &errb, "json", "", 1); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines; want 3 (no replay from the package directory)\n%s", len(lines), out.String())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kind", "profile", "rules", "queries", "query_ns", "cells_mean", "cells_max", "allocs_per_query"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, lines[0])
		}
	}
	if !strings.Contains(errb.String(), "replay skipped") {
		t.Errorf("stderr %q does not say replay was skipped", errb.String())
	}
}
