package sgsim_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/sgsim/sgsim/bench/classbench"
	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

// Search, the hook BenchmarkCheckCost times, finds the rule Check
// decides by, on every table shape the compiler builds (scan, index,
// tuples with and without crowded buckets, tuples with an index), for
// IPv4 flows in both directions.
func TestSearchIsChecksSearch(t *testing.T) {
	seen := map[string]bool{}
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		gs := sgsimtest.PrefixGroups(t, s, rapid.SampledFrom([]int{3, 40, 150}).Draw(t, "size"))
		var c *sgsim.Classifier
		var err error
		if rapid.Bool().Draw(t, "tuned") {
			c, err = sgsim.CompileTuned(s, 2, rapid.IntRange(1, 6).Draw(t, "nodes"), 1, rapid.SampledFrom([]int{0, 1, 2}).Draw(t, "crowded chain"), rapid.IntRange(0, 3).Draw(t, "sparse"), gs...)
		} else {
			c, err = sgsim.Compile(s, gs...)
		}
		if err != nil {
			t.Fatal(err)
		}
		st := c.Stats()
		for i := 0; i < 40; i++ {
			f := sgsimtest.Flow(t, gs, fmt.Sprint("flow", i))
			if !f.Src.Is4() {
				continue
			}
			for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
				v := c.Check(d, f)
				pos := sgsim.Search(c, d, &f)
				var got *sgsim.Rule
				if pos >= 0 {
					got = sgsim.SearchRule(c, d, pos)
				}
				if got != v.Rule {
					t.Fatalf("%v %v: Search found %v, Check decided by %v", d, f, got, v.Rule)
				}
				seen[st.Structure[d][0]] = true
				if pos >= 0 {
					seen["match"] = true
				} else {
					seen["none"] = true
				}
			}
		}
	})
	for _, k := range []string{"scan", "tuples", "tuples+index", "match", "none"} {
		if !seen[k] {
			t.Errorf("no flow went through %q", k)
		}
	}
}

// BenchmarkCheckCost splits one lookup's cost on ClassBench sets into
// the search (part=search: Search, the position of the first match, as
// Check finds it) and the whole call (part=check: Check, with its tests
// of the flow and its verdict); the difference is the call's fixed cost.
// part=floor is Check on the same flows when every lookup ends at its
// first probe: what a lookup costs that finds its rule at once.
// The sets are acl1_100000 from ../shared/classbench when present, with
// traces of seeds 1 and 2 (classbench.GenerateTrace, as bench -gen-trace
// makes them), and fw-like-v4 1K and acl-like 1K generated as the bench
// runner makes them (seed 1). bench/README.md quotes its figures.
//
// One CPU (-cpu 1) keeps the garbage collector's workers off the
// lookup's core; at 100K rules the spread between runs is then a few
// percent rather than 1.5x:
//
//	go test -run '^$' -bench CheckCost -benchtime 4000000x -count 8 -cpu 1 ./sgsim/
func BenchmarkCheckCost(b *testing.B) {
	var sets []benchSet
	for _, seed := range []uint64{1, 2} {
		if s, ok := sharedSet(b, "acl1_100000", seed); ok {
			sets = append(sets, s)
		}
	}
	sets = append(sets, genSet(b, "fw-like-v4", 1, 1000), genSet(b, "acl-like", 1, 1000))
	for _, s := range sets {
		c, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: s.rules})
		if err != nil {
			b.Fatal(err)
		}
		flows := s.flows
		// The floor: the same flows through a table whose first rule
		// matches every flow (the set's first 200 rules after it, so that
		// it is a tuple space as the set's own table is), so that every
		// lookup ends at its first probe, on an entry marked final.
		all := sgsim.Rule{ID: "all", Action: sgsim.Allow}
		floor, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: append([]sgsim.Rule{all}, s.rules[:200]...)})
		if err != nil {
			b.Fatal(err)
		}
		if st := floor.Stats().Structure[sgsim.Ingress][0]; st != "tuples" {
			b.Fatalf("floor classifier: structure %q; want tuples", st)
		}
		for i := range flows {
			if at := sgsim.Search(floor, sgsim.Ingress, &flows[i]); at != 0 {
				b.Fatalf("floor classifier: flow %d decided at %d; want 0", i, at)
			}
		}
		b.Run("set="+s.name+"/part=floor", func(b *testing.B) { checkLoop(b, floor, flows) })
		b.Run("set="+s.name+"/part=search", func(b *testing.B) {
			n, j := 0, 0
			for range b.N {
				n += sgsim.Search(c, sgsim.Ingress, &flows[j])
				if j++; j == len(flows) {
					j = 0
				}
			}
			sinkInt += n
		})
		b.Run("set="+s.name+"/part=check", func(b *testing.B) { checkLoop(b, c, flows) })
	}
}

// checkLoop times Check over flows, in order and round again.
func checkLoop(b *testing.B, c *sgsim.Classifier, flows []sgsim.Flow) {
	n, j := 0, 0
	for range b.N {
		if c.Check(sgsim.Ingress, flows[j]).Rule != nil {
			n++
		}
		if j++; j == len(flows) {
			j = 0
		}
	}
	sinkInt += n
}

var sinkInt int

// BenchmarkSparseBuckets times Check with Compile's sparse nodes
// (part=sparse3: 8-16 buckets a key, within the budget) against the
// same table with one to two buckets a key (part=sparse0), on the sets
// where the chains were longest: fw-like-v4 1K (seed 1) and fw-like-v7
// 1K (seeds 2 and 5) generated as the bench runner generates them, and
// fw1_1000 with its own trace from ../shared/classbench when present;
// acl-like 1K as a set that gains little. Both classifiers are checked
// to decide every flow alike. -count repeats each part (a part's counts
// run back to back, then the next part's); bench/README.md quotes the
// medians:
//
//	go test -run '^$' -bench SparseBuckets -benchtime 2000000x -count 8 -cpu 1 ./sgsim/
func BenchmarkSparseBuckets(b *testing.B) {
	sets := []benchSet{genSet(b, "fw-like-v4", 1, 1000), genSet(b, "fw-like-v7", 2, 1000), genSet(b, "fw-like-v7", 5, 1000), genSet(b, "acl-like", 1, 1000)}
	if s, ok := sharedSet(b, "fw1_1000", 0); ok {
		sets = append(sets, s)
	}
	for _, s := range sets {
		flows := s.flows
		g := sgsim.Group{ID: "g", Rules: s.rules}
		dense, err := sgsim.CompileSparse(sgsim.FirstMatch, 0, g)
		if err != nil {
			b.Fatal(err)
		}
		sparse, err := sgsim.Compile(sgsim.FirstMatch, g)
		if err != nil {
			b.Fatal(err)
		}
		di, _ := sgsim.Tuples(dense, sgsim.Ingress)
		si, _ := sgsim.Tuples(sparse, sgsim.Ingress)
		if di.Sparse != 0 || si.Sparse == 0 {
			b.Fatalf("%s: %d sparse nodes with sparse 0, %d with Compile's; want 0 and some", s.name, di.Sparse, si.Sparse)
		}
		for i := range flows {
			if a, c := dense.Check(sgsim.Ingress, flows[i]), sparse.Check(sgsim.Ingress, flows[i]); a.Action != c.Action || a.Rule != nil && c.Rule != nil && a.Rule.ID != c.Rule.ID || (a.Rule == nil) != (c.Rule == nil) {
				b.Fatalf("%s: flow %d decided %v with sparse 0 and %v with Compile's", s.name, i, a, c)
			}
		}
		b.Run("set="+s.name+"/part=sparse0", func(b *testing.B) { checkLoop(b, dense, flows) })
		b.Run("set="+s.name+"/part=sparse3", func(b *testing.B) { checkLoop(b, sparse, flows) })
	}
}

// BenchmarkFirstNode times Check (part=check), which probes the first
// node's slot inline and reads the action there, against CheckPlain
// (part=plain), the same classifier searched from the first node by
// plain with the action read in table.act, as Check did before session
// 15, on sets whose tables Compile probes inline: acl1_100000 with
// traces of seeds 1 and 2 and ipc1_100000 (seed 1) from
// ../shared/classbench when present, and acl-like 1K and 10K and
// ipc-like 1K generated as the bench runner generates them. The two are
// checked to decide every flow alike. -count repeats each part (a
// part's counts run back to back); bench/README.md quotes the medians of
// the ratios of the i-th counts:
//
//	go test -run '^$' -bench FirstNode -benchtime 4000000x -count 8 -cpu 1 ./sgsim/
func BenchmarkFirstNode(b *testing.B) {
	var sets []benchSet
	for _, s := range []struct {
		name string
		seed uint64
	}{{"acl1_100000", 1}, {"acl1_100000", 2}, {"ipc1_100000", 1}} {
		if s, ok := sharedSet(b, s.name, s.seed); ok {
			sets = append(sets, s)
		}
	}
	sets = append(sets, genSet(b, "acl-like", 1, 1000), genSet(b, "acl-like", 1, 10000), genSet(b, "ipc-like", 1, 1000))
	for _, s := range sets {
		c, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: s.rules})
		if err != nil {
			b.Fatal(err)
		}
		decided := 0
		for i, f := range s.flows {
			if v, w := c.Check(sgsim.Ingress, f), sgsim.CheckPlain(c, sgsim.Ingress, f); v != w {
				b.Fatalf("%s: flow %d: Check %v, CheckPlain %v", s.name, i, v, w)
			}
			if p := sgsim.FirstPath(c, sgsim.Ingress, f); len(p) > 7 && p[:7] == "decides" {
				decided++
			}
		}
		if in, _ := sgsim.Inline(c, sgsim.Ingress); !in || decided == 0 {
			b.Fatalf("%s: first node probed inline %v, %d flows decided in its slot; want inline, some", s.name, in, decided)
		}
		b.Run("set="+s.name+"/part=plain", func(b *testing.B) {
			n, j := 0, 0
			for range b.N {
				if sgsim.CheckPlain(c, sgsim.Ingress, s.flows[j]).Rule != nil {
					n++
				}
				if j++; j == len(s.flows) {
					j = 0
				}
			}
			sinkInt += n
		})
		b.Run("set="+s.name+"/part=check", func(b *testing.B) { checkLoop(b, c, s.flows) })
	}
}

// benchSet is a rule set and the flows of a trace over it.
type benchSet struct {
	name  string
	rules []sgsim.Rule
	flows []sgsim.Flow
}

// sharedSet reads the ClassBench set name from ../shared/classbench, and
// its trace: the file name_trace when seed is 0, else one generated with
// seed as bench -gen-trace generates it. It reports false when the set
// is not there.
func sharedSet(b *testing.B, name string, seed uint64) (benchSet, bool) {
	dir := filepath.Join("..", "..", "shared", "classbench")
	data, err := os.ReadFile(filepath.Join(dir, name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return benchSet{}, false
	case err != nil:
		b.Fatal(err)
	}
	filters, err := classbench.ReadFilters(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	var trace []classbench.Header
	if seed == 0 {
		tf, err := os.Open(filepath.Join(dir, name+"_trace"))
		if err != nil {
			b.Fatal(err)
		}
		trace, err = classbench.ReadTrace(tf)
		tf.Close()
		if err != nil {
			b.Fatal(err)
		}
	} else {
		name = fmt.Sprintf("%s-trace%d", name, seed)
		trace = classbench.GenerateTrace(seed, filters, classbench.TraceScale, classbench.TraceParetoA, classbench.TraceParetoB)
	}
	return benchSet{name, classbench.ToRules(filters, classbench.AllAllow), toFlows(trace)}, true
}

// genSet generates n rules of family fam with seed, and their trace, as
// the bench runner does.
func genSet(b *testing.B, fam string, seed int64, n int) benchSet {
	f, ok := gen.FamilyByName(fam)
	if !ok {
		b.Fatalf("no family %q", fam)
	}
	rules := gen.ClassBench(seed, n, f)
	filters, err := classbench.FromRules(rules)
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("%s_%d", fam, n)
	if seed != 1 {
		name += fmt.Sprintf("_seed%d", seed)
	}
	return benchSet{name, rules, toFlows(classbench.GenerateTrace(uint64(seed), filters, classbench.TraceScale, classbench.TraceParetoA, classbench.TraceParetoB))}
}

func toFlows(trace []classbench.Header) []sgsim.Flow {
	flows := make([]sgsim.Flow, len(trace))
	for i, h := range trace {
		flows[i] = classbench.ToFlow(h)
	}
	return flows
}
