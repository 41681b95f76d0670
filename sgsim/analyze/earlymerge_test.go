package analyze

import (
	"fmt"
	"math"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// With mergeAt lowered to a few cells, so that the diff merges its cells
// many times while it finds them, the diff still describes exactly the
// flows whose verdicts differ, by enumeration: each such flow lies in one
// change (of the right kind, naming the old and new deciding rules), and
// no other flow lies in any.
func TestEarlyMergeKeepsFlows(t *testing.T) {
	defer func(n int) { mergeAt = n }(mergeAt)
	before := earlyMerges.Load()
	rapid.Check(t, func(t *rapid.T) {
		mergeAt = rapid.IntRange(1, 8).Draw(t, "mergeAt")
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := sizedSet(t, sem, "", drawSize(t, "old"))
		new := mutate(t, old)
		if rapid.Bool().Draw(t, "unrelated") {
			new = sizedSet(t, sem, "", drawSize(t, "new"))
		}
		d, err := DiffSets(old, new)
		if err != nil {
			t.Fatal(err)
		}
		lo, ln := linear(t, old), linear(t, new)
		id, ref := ruleID, refID
		for _, f := range sweptFlows(t) {
			if !named(old, new, f.Proto) {
				continue // stands in a change of another protocol
			}
			for dir := sgsim.Ingress; dir <= sgsim.Egress; dir++ {
				vo, vn := lo.Check(dir, f), ln.Check(dir, f)
				var in []string
				for k, set := range [][]Change{d.Added, d.Removed} {
					for _, c := range set {
						if c.Direction == dir && c.Region.Contains(f) {
							in = append(in, fmt.Sprint(k == 0, " ", ref(c.Old), " ", ref(c.New)))
						}
					}
				}
				var want []string
				if vo.Action != vn.Action {
					want = []string{fmt.Sprint(vn.Allowed(), " ", id(vo.Rule), " ", id(vn.Rule))}
				}
				if fmt.Sprint(in) != fmt.Sprint(want) {
					t.Fatalf("mergeAt %d, %v %v: in changes %q, verdicts say %q\n%v", mergeAt, dir, f, in, want, d)
				}
			}
		}
	})
	if earlyMerges.Load() == before {
		t.Fatal("no diff merged early")
	}
}

// A diff that never reaches mergeAt cells in a class is the one merge at
// the end gave: change for change, the same as with no early merge.
func TestEarlyMergeUnreached(t *testing.T) {
	defer func(n int) { mergeAt = n }(mergeAt)
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := sizedSet(t, sem, "", drawSize(t, "old"))
		new := mutate(t, old)
		run := func(n int) string {
			mergeAt = n
			before := earlyMerges.Load()
			d, err := DiffSets(old, new)
			if err != nil {
				t.Fatal(err)
			}
			if n == math.MaxInt && earlyMerges.Load() != before {
				t.Fatal("merged early with mergeAt at MaxInt")
			}
			return fmt.Sprint(d)
		}
		if a, b := run(1<<20), run(math.MaxInt); a != b {
			t.Fatalf("with mergeAt 1<<20:\n%s\nwithout early merge:\n%s", a, b)
		}
	})
}

// The diff's cell buffer is merged when it reaches limit cells, so it
// never grows past limit: doubling from 256 cells to 512 with limit 300
// would leave 212 cells' memory unused (millions, in a large diff).
func TestKeepBufferCappedAtLimit(t *testing.T) {
	for _, limit := range []int{1, 255, 256, 257, 300, 1000} {
		p := pairDecider{m: &merger{}, limit: limit}
		for i := range limit {
			p.keep(cell{rule: int32(i)}) // distinct rules: nothing merges
			if cap(p.out) > limit {
				t.Fatalf("limit %d: %d cells in a buffer of %d", limit, len(p.out), cap(p.out))
			}
		}
		if len(p.out) != limit {
			t.Fatalf("limit %d: %d cells kept", limit, len(p.out))
		}
	}
}
