package sgsim

import (
	"testing"

	"pgregory.net/rapid"
)

// mergeLeaves on a grid of unit boxes with random decisions: the joined
// boxes cover exactly the points of each decision, do not overlap, keep
// the order of their first leaf, and no two of one decision can still
// be joined.
func TestMergeLeavesProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var dims [4]int
		for d := range dims {
			dims[d] = rapid.IntRange(1, 4).Draw(t, "size")
		}
		rules := []*Rule{nil, {ID: "a"}, {ID: "b"}}
		var ls []leaf
		var dec []int
		for a := 0; a < dims[0]; a++ {
			for b := 0; b < dims[1]; b++ {
				for c := 0; c < dims[2]; c++ {
					for e := 0; e < dims[3]; e++ {
						k := rapid.IntRange(0, 2).Draw(t, "decision")
						var bx box
						for d, v := range [4]int{a, b, c, e} {
							bx[d] = krange{u128{0, uint64(v)}, u128{0, uint64(v)}}
						}
						ls = append(ls, leaf{b: bx, allowed: k == 1, verdict: Verdict{Rule: rules[k]}})
						dec = append(dec, k)
					}
				}
			}
		}
		in := append([]leaf(nil), ls...)
		out := mergeLeaves(ls)
		at := func(p [4]int) (int, int) {
			n, idx := 0, -1
			for i, l := range out {
				inside := true
				for d := range p {
					v := u128{0, uint64(p[d])}
					inside = inside && !v.less(l.b[d].lo) && !l.b[d].hi.less(v)
				}
				if inside {
					n++
					idx = i
				}
			}
			return n, idx
		}
		for i, l := range in {
			var p [4]int
			for d := range p {
				p[d] = int(l.b[d].lo.lo)
			}
			n, j := at(p)
			if n != 1 || out[j].verdict.Rule != rules[dec[i]] || out[j].allowed != (dec[i] == 1) {
				t.Fatalf("point %v (decision %d) in %d boxes", p, dec[i], n)
			}
		}
		for i := range out {
			for j := range out {
				if i != j && out[i].verdict.Rule == out[j].verdict.Rule {
					if _, ok := adjacent(&out[i].b, &out[j].b); ok {
						t.Fatalf("boxes %d and %d can still be joined: %v %v", i, j, out[i].b, out[j].b)
					}
				}
			}
		}
		// Order: the box holding the first input leaf comes first.
		var p [4]int
		if _, j := at(p); j != 0 {
			t.Fatalf("the box of the first leaf is at %d", j)
		}
	})
}
