package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/sgsim/sgsim/bench/classbench"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// The analysis benchmarks: lint, diff and Reach per input and size (the
// inputs of the -analysis section at 100, 1K and 10K rules). Inputs are
// built on first use, so that plain go test builds none.
//
//	go test ./bench -run '^$' -bench 'Lint|Diff|Reach' -benchmem

var (
	analysisOnce sync.Once
	analysisIns  []analysisInput
)

func analysisBenchInputs(b *testing.B) []analysisInput {
	analysisOnce.Do(func() {
		for _, mk := range analysisInputs([]int{100, 1000, 10000}, 1, sharedDir, nil, &bytes.Buffer{}) {
			in, err := mk()
			if err != nil {
				b.Fatal(err)
			}
			if in.Rules != nil {
				analysisIns = append(analysisIns, in)
			}
		}
	})
	return analysisIns
}

func BenchmarkLint(b *testing.B) {
	for _, in := range analysisBenchInputs(b) {
		s := analyze.NewSet(in.Semantics, sgsim.Group{ID: "g", Rules: in.Rules})
		b.Run("set="+in.Name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := analyze.LintSet(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDiff(b *testing.B) {
	for _, in := range analysisBenchInputs(b) {
		s := analyze.NewSet(in.Semantics, sgsim.Group{ID: "g", Rules: in.Rules})
		old := analyze.NewSet(in.Semantics, sgsim.Group{ID: "g", Rules: in.Rules[:len(in.Rules)-len(in.Rules)/10]})
		b.Run("set="+in.Name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := analyze.DiffSets(old, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReach(b *testing.B) {
	for _, in := range analysisBenchInputs(b) {
		to := sgsim.PrefixAddrs(reachTarget(in.Rules))
		n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: in.Semantics, Groups: []sgsim.Group{{ID: "g", Rules: in.Rules}},
			Endpoints: []sgsim.Endpoint{{Name: "e", Addrs: to, Groups: []string{"g"}}}})
		if err != nil {
			b.Fatal(err)
		}
		q := sgsim.Query{From: sgsim.MustParseAddrs("0.0.0.0/1"), To: to, Protocol: sgsim.TCP}
		b.Run("set="+in.Name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := n.Reach(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The section end to end on small generated sets: one object per set,
// with every figure filled in and the findings and changes that these
// sets are known to have.
func TestAnalysisSectionJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if code := mainErr([]string{"-analysis", "-analysis-sizes", "40", "-analysis-classbench", "", "-rounds", "1", "-format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d objects, want gen-sg-40 and gen-acl-40:\n%s", len(lines), out.String())
	}
	for i, name := range []string{"gen-sg-40", "gen-acl-40"} {
		var r struct {
			Kind string `json:"kind"`
			analysisResult
		}
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatal(err)
		}
		if r.Kind != "analysis" || r.Name != name || r.Rules != 40 || r.LintNS <= 0 || r.DiffNS <= 0 || r.ReachNS <= 0 ||
			r.LintAllocs == 0 || r.DiffAllocs == 0 || r.LintPeakMB <= 0 || r.ReachCells < 1 || r.ReachTo == "" {
			t.Errorf("%s", lines[i])
		}
		// The figures count what the library returns for the same input.
		in, _ := analysisInputs([]int{40}, 1, "", nil, &errb)[i]()
		fs, _ := analyze.LintSet(analyze.NewSet(in.Semantics, sgsim.Group{ID: "g", Rules: in.Rules}))
		if r.Findings != len(fs) || r.Findings == 0 {
			t.Errorf("%s: %d findings, LintSet gives %d", name, r.Findings, len(fs))
		}
	}
	if code := mainErr([]string{"-analysis", "-analysis-sizes", "5"}, &out, &errb); code != 2 {
		t.Errorf("size 5: exit %d, want 2", code)
	}
	// -analysis-sets keeps the sets named, in the section's order.
	out.Reset()
	if code := mainErr([]string{"-analysis", "-analysis-sizes", "40", "-analysis-sets", "gen-acl", "-analysis-classbench", "", "-rounds", "1", "-format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"name":"gen-acl-40"`) {
		t.Errorf("-analysis-sets gen-acl: %s", out.String())
	}
	// -analysis-skip leaves operations out: their figures stay zero.
	out.Reset()
	if code := mainErr([]string{"-analysis", "-analysis-sizes", "40", "-analysis-sets", "gen-sg", "-analysis-skip", "diff,reach", "-analysis-classbench", "", "-rounds", "1", "-format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r analysisResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.LintNS <= 0 || r.Findings == 0 || r.DiffNS != 0 || r.Changes != 0 || r.ReachNS != 0 {
		t.Errorf("-analysis-skip diff,reach: %s (%v)", out.String(), err)
	}
	errb.Reset()
	if code := mainErr([]string{"-analysis", "-analysis-skip", "compile"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `-analysis-skip: "compile" is not one of`) {
		t.Errorf("-analysis-skip compile: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := mainErr([]string{"-analysis", "-analysis-max-boxes", "-1"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "-analysis-max-boxes: -1 is negative") {
		t.Errorf("-analysis-max-boxes -1: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := mainErr([]string{"-analysis", "-analysis-sets", "fw2"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `-analysis-sets: "fw2" is not one of`) {
		t.Errorf("-analysis-sets fw2: exit %d, %s", code, errb.String())
	}
}

// reachTarget picks the /24 most rules name, and 10.0.0.0/24 when the
// rules leave the destination open.
func TestReachTarget(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	if got := reachTarget([]sgsim.Rule{r("ingress allow tcp 22 from 1.2.3.4")}).String(); got != "10.0.0.0/24" {
		t.Errorf("open destinations: %s", got)
	}
	rs := []sgsim.Rule{
		{Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Dst: sgsim.MustParseAddrs("192.0.2.7")},
		{Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Dst: sgsim.MustParseAddrs("198.51.100.0/28")},
		{Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Dst: sgsim.MustParseAddrs("198.51.100.64/26")},
		{Direction: sgsim.Ingress, Action: sgsim.Allow, Protocol: sgsim.TCP, Dst: sgsim.MustParseAddrs("10.0.0.0/8")},
	}
	if got := reachTarget(rs).String(); got != "198.51.100.0/24" {
		t.Errorf("got %s, want 198.51.100.0/24", got)
	}
}

// Lint of the runner's ClassBench 1K sets (its conversion, actions
// alternating) on 3 workers gives what it gives on one, field by field:
// thousands of conflicts each, whose order and witnesses come from
// rules linted on different workers.
func TestLintWorkersClassBench(t *testing.T) {
	for _, name := range []string{"acl1_1000", "fw1_1000", "ipc1_1000"} {
		file := filepath.Join(sharedDir, name)
		if !fileExists(file) {
			t.Skip(file + " not present")
		}
		in, err := readClassBench(file, "", classbench.Alternate)
		if err != nil {
			t.Fatal(err)
		}
		s := analyze.NewSet(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: in.Rules})
		want, err := analyze.LintSetWith(s, analyze.LintOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		got, err := analyze.LintSetWith(s, analyze.LintOptions{Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 1000 {
			t.Errorf("%s: %d findings: the case this test is for is gone", name, len(want))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: 3 workers give %d findings, not the %d of one worker, or not the same", name, len(got), len(want))
		}
	}
}
