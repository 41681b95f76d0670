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
	type set struct {
		name  string
		rules []sgsim.Rule
		trace []classbench.Header
	}
	var sets []set
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "classbench", "acl1_100000"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		b.Fatal(err)
	default:
		fs, err := classbench.ReadFilters(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rules := classbench.ToRules(fs, classbench.AllAllow)
		for _, seed := range []uint64{1, 2} {
			sets = append(sets, set{fmt.Sprintf("acl1_100000-trace%d", seed), rules,
				classbench.GenerateTrace(seed, fs, classbench.TraceScale, classbench.TraceParetoA, classbench.TraceParetoB)})
		}
	}
	for _, name := range []string{"fw-like-v4", "acl-like"} {
		fam, ok := gen.FamilyByName(name)
		if !ok {
			b.Fatalf("no family %q", name)
		}
		rules := gen.ClassBench(1, 1000, fam)
		fs, err := classbench.FromRules(rules)
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, set{name + "_1000", rules,
			classbench.GenerateTrace(1, fs, classbench.TraceScale, classbench.TraceParetoA, classbench.TraceParetoB)})
	}
	for _, s := range sets {
		c, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: s.rules})
		if err != nil {
			b.Fatal(err)
		}
		flows := make([]sgsim.Flow, len(s.trace))
		for i, h := range s.trace {
			flows[i] = classbench.ToFlow(h)
		}
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
// to decide every flow alike. -count alternates the two (each count
// runs every set and part in turn); bench/README.md quotes the medians:
//
//	go test -run '^$' -bench SparseBuckets -benchtime 2000000x -count 8 -cpu 1 ./sgsim/
func BenchmarkSparseBuckets(b *testing.B) {
	type set struct {
		name  string
		rules []sgsim.Rule
		trace []classbench.Header
	}
	var sets []set
	for _, g := range []struct {
		fam  string
		seed int64
	}{{"fw-like-v4", 1}, {"fw-like-v7", 2}, {"fw-like-v7", 5}, {"acl-like", 1}} {
		fam, ok := gen.FamilyByName(g.fam)
		if !ok {
			b.Fatalf("no family %q", g.fam)
		}
		rules := gen.ClassBench(g.seed, 1000, fam)
		fs, err := classbench.FromRules(rules)
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, set{fmt.Sprintf("%s_1000_seed%d", g.fam, g.seed), rules,
			classbench.GenerateTrace(uint64(g.seed), fs, classbench.TraceScale, classbench.TraceParetoA, classbench.TraceParetoB)})
	}
	dir := filepath.Join("..", "..", "shared", "classbench")
	rf, err := os.ReadFile(filepath.Join(dir, "fw1_1000"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		b.Fatal(err)
	default:
		fs, err := classbench.ReadFilters(bytes.NewReader(rf))
		if err != nil {
			b.Fatal(err)
		}
		tf, err := os.Open(filepath.Join(dir, "fw1_1000_trace"))
		if err != nil {
			b.Fatal(err)
		}
		trace, err := classbench.ReadTrace(tf)
		tf.Close()
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, set{"fw1_1000", classbench.ToRules(fs, classbench.AllAllow), trace})
	}
	for _, s := range sets {
		flows := make([]sgsim.Flow, len(s.trace))
		for i, h := range s.trace {
			flows[i] = classbench.ToFlow(h)
		}
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
