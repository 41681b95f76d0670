package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/sgsim/sgsim/bench/classbench"
	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// The analysis section (-analysis) measures lint, diff and a range query
// on one large rule set per input: analyze.LintSet on the set as one
// group, analyze.DiffWith (MaxBoxes: -analysis-max-boxes) against the same set with its last 10% of
// rules removed, and Network.Reach from 0.0.0.0/1 to a /24 over TCP with
// the set as the ingress group of the /24's endpoint.

// analysisInput is one rule set of the analysis section.
type analysisInput struct {
	Name      string
	Source    string // "generated" or "classbench"
	Semantics sgsim.Semantics
	Rules     []sgsim.Rule
}

// analysisResult is what the section reports for one rule set.
type analysisResult struct {
	Name       string  `json:"name"`
	Source     string  `json:"source"`
	Semantics  string  `json:"semantics"`
	Rules      int     `json:"rules"`
	LintNS     int64   `json:"lint_ns"`
	LintCPUNS  int64   `json:"lint_cpu_ns"`
	Findings   int     `json:"findings"`
	LintAllocs uint64  `json:"lint_allocs"`
	LintPeakMB float64 `json:"lint_peak_heap_mb"`
	DiffNS     int64   `json:"diff_ns"`
	DiffCPUNS  int64   `json:"diff_cpu_ns"`
	Changes    int     `json:"changes"`
	Summarized int     `json:"summarized"` // of the changes, summarized (DiffOptions.MaxBoxes)
	DiffAllocs uint64  `json:"diff_allocs"`
	DiffPeakMB float64 `json:"diff_peak_heap_mb"`
	ReachNS    int64   `json:"reach_ns"`
	ReachCPUNS int64   `json:"reach_cpu_ns"`
	ReachCells int     `json:"reach_cells"`
	ReachTo    string  `json:"reach_to"`
}

// analysisInputs returns makers of the section's inputs: the generated
// security-group and network-ACL shapes at each size, then each
// ClassBench set of dir (acl1, fw1, ipc1) at each size, its filters as
// one group's ingress rules in file order (FirstMatch, the order
// ClassBench means) with actions alternating allow and deny so that
// conflicts and denials exist. A size below 1,000 takes the first rules
// of the 1,000-filter file; sets whose file is missing are reported as
// skipped on stderr. Only the sets named in only (gen-sg, gen-acl, acl1,
// fw1, ipc1) are made; an empty only means all of them.
func analysisInputs(sizes []int, seed int64, dir string, only []string, stderr io.Writer) []func() (analysisInput, error) {
	want := func(set string) bool { return len(only) == 0 || slices.Contains(only, set) }
	var out []func() (analysisInput, error)
	for _, n := range sizes {
		for _, sh := range []gen.Shape{gen.SecurityGroup, gen.NetworkACL} {
			if !want("gen-" + sh.Name) {
				continue
			}
			out = append(out, func() (analysisInput, error) {
				return analysisInput{Name: "gen-" + sh.Name + "-" + size(n), Source: "generated", Semantics: sh.Semantics, Rules: gen.Rules(seed, n, sh)}, nil
			})
		}
	}
	if dir == "" {
		return out
	}
	for _, set := range []string{"acl1", "fw1", "ipc1"} {
		if !want(set) {
			continue
		}
		for _, n := range sizes {
			file := filepath.Join(dir, fmt.Sprintf("%s_%d", set, max(n, 1000)))
			out = append(out, func() (analysisInput, error) {
				in, err := readClassBench(file, "", classbench.Alternate)
				if errors.Is(err, fs.ErrNotExist) {
					fmt.Fprintf(stderr, "bench: analysis: %s skipped: %v\n", set, err)
					return analysisInput{}, nil
				}
				if err != nil {
					return analysisInput{}, err
				}
				rs := in.Rules
				if len(rs) > n {
					rs = rs[:n]
				}
				return analysisInput{Name: set + "-" + size(n), Source: "classbench", Semantics: sgsim.FirstMatch, Rules: rs}, nil
			})
		}
	}
	return out
}

// reachTarget is the /24 the most rules name as destination (the /24 of
// each destination range's first address, for ranges of at most a /16),
// or 10.0.0.0/24 when no rule narrows the destination.
func reachTarget(rules []sgsim.Rule) netip.Prefix {
	count := map[netip.Prefix]int{}
	for _, r := range rules {
		if r.Dst.IsAny() {
			continue
		}
		for _, rg := range r.Dst.Ranges() {
			if !rg.From().Is4() {
				continue
			}
			if p, ok := rg.Prefix(); ok && p.Bits() < 16 {
				continue
			}
			count[netip.PrefixFrom(rg.From(), 24).Masked()]++
		}
	}
	best, n := netip.MustParsePrefix("10.0.0.0/24"), 0
	keys := make([]netip.Prefix, 0, len(count))
	for p := range count {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Addr().Less(keys[j].Addr()) })
	for _, p := range keys {
		if count[p] > n {
			best, n = p, count[p]
		}
	}
	return best
}

// peakHeap runs f while sampling the live heap every millisecond and
// returns the highest sample in bytes.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	v := read()
	close(done)
	wg.Wait()
	return max(peak, v)
}

// analysisCost measures one input: medians of rounds for the wall-clock
// and CPU timings (process CPU, so it includes the garbage collector's
// work), allocations and peak heap of one more run each. Only the
// operations named in skip's complement run: an operation in skip (lint,
// diff, reach) is left out and its figures stay zero ("-" in the table).
func analysisCost(in analysisInput, rounds int, skip []string, maxBoxes int) (analysisResult, error) {
	res := analysisResult{Name: in.Name, Source: in.Source, Semantics: in.Semantics.String(), Rules: len(in.Rules)}
	set := analyze.NewSet(in.Semantics, sgsim.Group{ID: "g", Rules: in.Rules})
	old := analyze.NewSet(in.Semantics, sgsim.Group{ID: "g", Rules: in.Rules[:len(in.Rules)-len(in.Rules)/10]})
	to := reachTarget(in.Rules)
	res.ReachTo = to.String()
	net, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: in.Semantics, Groups: []sgsim.Group{{ID: "g", Rules: in.Rules}},
		Endpoints: []sgsim.Endpoint{{Name: "e", Addrs: sgsim.PrefixAddrs(to), Groups: []string{"g"}}}})
	if err != nil {
		return res, err
	}
	q := sgsim.Query{From: sgsim.MustParseAddrs("0.0.0.0/1"), To: sgsim.PrefixAddrs(to), Protocol: sgsim.TCP}
	var errOp error
	ops := []struct {
		name   string
		ns     *int64
		cpu    *int64
		allocs *uint64
		peak   *float64
		run    func()
	}{
		{"lint", &res.LintNS, &res.LintCPUNS, &res.LintAllocs, &res.LintPeakMB, func() {
			fs, err := analyze.LintSet(set)
			res.Findings, errOp = len(fs), errors.Join(errOp, err)
		}},
		{"diff", &res.DiffNS, &res.DiffCPUNS, &res.DiffAllocs, &res.DiffPeakMB, func() {
			d, err := analyze.DiffWith(old, set, analyze.DiffOptions{MaxBoxes: maxBoxes})
			res.Changes, res.Summarized, errOp = len(d.Added)+len(d.Removed), 0, errors.Join(errOp, err)
			for _, cs := range [][]analyze.Change{d.Added, d.Removed} {
				for i := range cs {
					if cs[i].Summarized {
						res.Summarized++
					}
				}
			}
		}},
		{"reach", &res.ReachNS, &res.ReachCPUNS, nil, nil, func() {
			r, err := net.Reach(q)
			res.ReachCells, errOp = r.Cells, errors.Join(errOp, err)
		}},
	}
	for _, op := range ops {
		if slices.Contains(skip, op.name) {
			continue
		}
		var times, cpus []float64
		for range rounds {
			runtime.GC()
			t0, c0 := time.Now(), cpuTime()
			op.run()
			times = append(times, float64(time.Since(t0).Nanoseconds()))
			cpus = append(cpus, float64(cpuTime()-c0))
			if errOp != nil {
				return res, errOp
			}
		}
		*op.ns, *op.cpu = int64(median(times)), int64(median(cpus))
		if op.allocs != nil {
			runtime.GC()
			m0 := mallocs()
			op.run()
			*op.allocs = mallocs() - m0
			runtime.GC()
			*op.peak = float64(peakHeap(op.run)) / (1 << 20)
		}
	}
	return res, errOp
}

const analysisHeader = "analysis (lint, diff, reach)\tsemantics\trules\tlint\tlint cpu\tfindings\tlint allocs\tlint peak MB\tdiff\tdiff cpu\tchanges\tsummarized\tdiff allocs\tdiff peak MB\treach\treach cpu\treach cells"

func analysisRow(r analysisResult) string {
	return fmt.Sprintf("%s\t%s\t%d\t%s\t%s\t%d\t%d\t%.0f\t%s\t%s\t%d\t%d\t%d\t%.0f\t%s\t%s\t%d",
		r.Name, r.Semantics, r.Rules, dur(r.LintNS), dur(r.LintCPUNS), r.Findings, r.LintAllocs, r.LintPeakMB,
		dur(r.DiffNS), dur(r.DiffCPUNS), r.Changes, r.Summarized, r.DiffAllocs, r.DiffPeakMB, dur(r.ReachNS), dur(r.ReachCPUNS), r.ReachCells)
}

// analysisSection runs the section and prints a table or, for json, one
// object per rule set with kind "analysis".
func analysisSection(stdout, stderr io.Writer, format string, makers []func() (analysisInput, error), rounds int, skip []string, maxBoxes int) error {
	var tw *tabwriter.Writer
	if format == "text" {
		tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, analysisHeader+"\t")
	}
	enc := json.NewEncoder(stdout)
	for _, mk := range makers {
		in, err := mk()
		if err != nil {
			return err
		}
		if in.Rules == nil {
			continue
		}
		if isTerminal(stderr) {
			fmt.Fprintf(stderr, "bench: analysis %s: %d rules, lint, diff and reach, %d rounds...\n", in.Name, len(in.Rules), rounds)
		}
		res, err := analysisCost(in, rounds, skip, maxBoxes)
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		if tw != nil {
			fmt.Fprintln(tw, analysisRow(res)+"\t")
		} else if err := enc.Encode(struct {
			Kind string `json:"kind"`
			analysisResult
		}{"analysis", res}); err != nil {
			return err
		}
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}
