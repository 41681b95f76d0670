package analyze

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/sgsim"
)

// Map against the pair-by-pair map it replaced (refMap), in the same
// run, on generated three-tier-plus-Kubernetes networks (gen.Network) of
// 50 and 200 endpoints. The per-pair map takes seconds per op at 200, so
// run it with a fixed count:
//
//	go test ./sgsim/analyze -run '^$' -bench 'Map$' -benchtime 1x -count 5
//
// The sizes of the text, Markdown and HTML forms at each size are
// reported as text-B, md-B and html-B (per op, so divide by nothing:
// one map per op).
func BenchmarkMap(b *testing.B) {
	for _, k := range []int{50, 200} {
		spec := gen.Network(1, k)
		n, err := sgsim.BuildNetwork(spec)
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range []struct {
			name string
			f    func(*sgsim.Network, sgsim.NetworkSpec) (*ConnMap, error)
		}{{"batched", Map}, {"perpair", refMap}} {
			b.Run("endpoints="+strconv.Itoa(k)+"/impl="+impl.name, func(b *testing.B) {
				var m *ConnMap
				for range b.N {
					if m, err = impl.f(n, spec); err != nil {
						b.Fatal(err)
					}
				}
				if impl.name == "batched" {
					var t, md, h bytes.Buffer
					m.WriteText(&t)
					m.WriteMarkdown(&md)
					m.WriteHTML(&h)
					b.ReportMetric(float64(len(m.RowGroups)), "rows")
					b.ReportMetric(float64(len(m.ColGroups)), "cols")
					b.ReportMetric(float64(t.Len()), "text-B")
					b.ReportMetric(float64(md.Len()), "md-B")
					b.ReportMetric(float64(h.Len()), "html-B")
				}
			})
		}
	}
}
