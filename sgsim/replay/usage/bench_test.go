package usage_test

import (
	"testing"

	"github.com/sgsim/sgsim/sgsim/replay"
	"github.com/sgsim/sgsim/sgsim/replay/usage"
)

// BenchmarkCounterAdd is the cost of counting one finished flow (a trace
// and a map update per hop); BenchmarkDecide, the replayer's own
// evaluation of a flow, is the baseline it adds to.
func BenchmarkCounterAdd(b *testing.B) {
	n := testNet(b)
	c := usage.New(n, usage.Config{})
	fs := benchFlows(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c.Add(fs[i%len(fs)])
	}
}

func BenchmarkDecide(b *testing.B) {
	n := testNet(b)
	fs := benchFlows(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		n.Decide(fs[i%len(fs)].Flow())
	}
}

func benchFlows(b *testing.B) []*replay.Flow {
	n := testNet(b)
	return []*replay.Flow{
		flow(b, n, "tcp 10.1.0.4:40000 -> 10.2.0.1:443", 3, 300, 2, 2000, 10, 20),
		flow(b, n, "udp 10.1.0.9:5000 -> 10.2.0.1:5353", 4, 400, 0, 0, 40, 41),
		flow(b, n, "icmp 10.1.0.9 -> 10.2.0.1 type 8 code 0", 1, 98, 1, 98, 42, 42),
	}
}
