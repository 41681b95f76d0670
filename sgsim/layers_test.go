package sgsim

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// checkLayers checks that each layer's list at k is ascending and that
// together they hold exactly the spans that contain k, each once.
func checkLayers(t interface{ Fatalf(string, ...any) }, ls layers, spans []span, k u128) {
	var got []uint32
	for i := range ls {
		l := ls[i].list(k)
		if !slices.IsSorted(l) {
			t.Fatalf("layer %d list at %v not ascending: %v", i, k, l)
		}
		got = append(got, l...)
	}
	var want []uint32
	for _, s := range spans {
		if !k.less(s.lo) && !s.hi.less(k) {
			want = append(want, s.pos)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("at %v: layers hold %v; spans containing it %v", k, got, want)
	}
}

// Property: however buildLayers splits, the layers together list every
// span holding a key exactly once, in ascending position per layer.
func TestBuildLayersCoverExactly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 200).Draw(t, "spans")
		var spans []span
		for i := 0; i < n; i++ {
			lo := uint64(rapid.IntRange(0, 1000).Draw(t, "lo"))
			w := uint64(rapid.SampledFrom([]int{0, 1, 5, 20, 100, 600, 2000}).Draw(t, "width"))
			spans = append(spans, span{pos: uint32(i), lo: u128{0, lo}, hi: u128{0, lo + w}})
		}
		if rapid.Bool().Draw(t, "top") {
			spans = append(spans, span{pos: uint32(n), lo: u128{}, hi: maxU128})
		}
		ls := buildLayers(spans)
		if len(ls) > maxLayers {
			t.Fatalf("%d layers; at most %d", len(ls), maxLayers)
		}
		for i := 0; i < 50; i++ {
			checkLayers(t, ls, spans, u128{0, uint64(rapid.IntRange(0, 3100).Draw(t, "key"))})
		}
	})
}

// Nested levels, each range holding nine of the level below and each
// level repeated more often than the last, keep splitting until the
// maxLayers cap takes everything left; the capped layer still lists
// exactly the spans at each key.
func TestBuildLayersCap(t *testing.T) {
	var spans []span
	width, count := uint64(1), 9*9*9*9*9
	for _, copies := range []int{1, 3, 9, 27, 81, 729} {
		for i := 0; i < count; i++ {
			for c := 0; c < copies; c++ {
				spans = append(spans, span{lo: u128{0, uint64(i) * width}, hi: u128{0, uint64(i+1)*width - 1}})
			}
		}
		width *= 9
		count /= 9
	}
	// Positions in ascending order, as buildTable makes them; the order
	// itself does not matter to the layers.
	for i := range spans {
		spans[i].pos = uint32(i)
	}
	ls := buildLayers(spans)
	if len(ls) != maxLayers {
		t.Fatalf("%d layers; want the cap, %d", len(ls), maxLayers)
	}
	for _, k := range []uint64{0, 8, 9, 80, 81, 728, 729, 6560, 6561, 59048, 59049} {
		checkLayers(t, ls, spans, u128{0, k})
	}
}
