package analyze

import (
	"testing"

	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/sgsim"
)

// The engine against the implementation it replaced (reference_test.go),
// in the same run, on the generated shapes at 100 and 1,000 rules (the
// reference takes seconds per 1,000-rule lint). The bench runner's
// -analysis section and bench's BenchmarkLint/Diff/Reach go to 10K.
//
//	go test ./sgsim/analyze -run '^$' -bench 'Sets' -benchmem -count 5
func benchSets(b *testing.B, f func(b *testing.B, s, old Set)) {
	for _, sh := range []gen.Shape{gen.SecurityGroup, gen.NetworkACL} {
		for _, n := range []int{100, 1000} {
			rs := gen.Rules(1, n, sh)
			s := NewSet(sh.Semantics, sgsim.Group{ID: "g", Rules: rs})
			old := NewSet(sh.Semantics, sgsim.Group{ID: "g", Rules: rs[:n-n/10]})
			b.Run("set=gen-"+sh.Name+"-"+map[int]string{100: "100", 1000: "1K"}[n], func(b *testing.B) { f(b, s, old) })
		}
	}
}

func BenchmarkLintSets(b *testing.B) {
	benchSets(b, func(b *testing.B, s, _ Set) {
		for _, impl := range []struct {
			name string
			lint func(Set) ([]Finding, error)
		}{{"engine", LintSet}, {"reference", refLintSet}} {
			b.Run("impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if _, err := impl.lint(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

func BenchmarkDiffSets(b *testing.B) {
	benchSets(b, func(b *testing.B, s, old Set) {
		for _, impl := range []struct {
			name string
			diff func(Set, Set) (Diff, error)
		}{{"engine", DiffSets}, {"reference", refDiffSets}} {
			b.Run("impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if _, err := impl.diff(old, s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
