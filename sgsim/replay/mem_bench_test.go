package replay

import (
	"net/netip"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sgsim/sgsim/sgsim/capture"
)

// shortFlows replays flows short flows through r, one starting every 20 ms
// of capture time: even ones a TCP connection refused with a reset (SYN,
// SYN+ACK, RST; every eighth to port 22, which the network drops), odd
// ones a DNS query and its answer. At that rate about 15,000 TCP flows
// (600 s timeout) and 4,500 UDP flows (180 s) are live at once, however
// many flows there are. sample is called every 4096 flows.
func shortFlows(r *Replayer, flows int, sample func()) {
	master := netip.MustParseAddr("192.168.1.10")
	t := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	var p capture.Packet
	n := 0
	send := func(h capture.Header, at time.Time) {
		n++
		p = capture.Packet{N: n, Time: at, Len: 80, CapLen: 80, Header: h}
		r.Packet(&p)
	}
	for i := 0; i < flows; i++ {
		// 50,000 source ports per address: a key comes back only after
		// 1000 s, when its flow has expired.
		src := netip.AddrFrom4([4]byte{192, 168, 0, byte(1 + i/50000%200)})
		sp := uint16(1024 + i%50000)
		if i%2 == 0 {
			dp := uint16(5444)
			if i%8 == 0 {
				dp = 22
			}
			h := capture.Header{Proto: protoTCP, Src: src, Dst: master, SrcPort: sp, DstPort: dp, TCPFlags: capture.FlagSYN}
			send(h, t)
			h.Src, h.Dst, h.SrcPort, h.DstPort, h.TCPFlags = master, src, dp, sp, capture.FlagSYN|capture.FlagACK
			send(h, t.Add(time.Millisecond))
			h.Src, h.Dst, h.SrcPort, h.DstPort, h.TCPFlags = src, master, sp, dp, capture.FlagRST
			send(h, t.Add(2*time.Millisecond))
		} else {
			h := capture.Header{Proto: protoUDP, Src: src, Dst: master, SrcPort: sp, DstPort: 53}
			send(h, t)
			h.Src, h.Dst, h.SrcPort, h.DstPort = master, src, 53, sp
			send(h, t.Add(time.Millisecond))
		}
		t = t.Add(20 * time.Millisecond)
		if i%4096 == 0 {
			sample()
		}
	}
}

// BenchmarkMemoryShortFlows reports the peak heap of replaying short flows:
// streamed to Config.OnFlow (memory follows the live flows, so 5M flows
// should take about what 50K take), and kept for Report.Flows (memory
// grows with every flow). Run it with
//
//	go test ./sgsim/replay -run '^$' -bench MemoryShortFlows -benchtime 1x -count 5
func BenchmarkMemoryShortFlows(b *testing.B) {
	n := testNetwork(b)
	for _, tc := range []struct {
		mode  string
		flows int
	}{{"stream", 50_000}, {"stream", 5_000_000}, {"keep", 50_000}, {"keep", 500_000}} {
		b.Run(tc.mode+"/flows="+strconv.Itoa(tc.flows), func(b *testing.B) {
			var peak uint64
			var peakLive, got int
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			for i := 0; i < b.N; i++ {
				cfg := Config{}
				if tc.mode == "stream" {
					cfg.OnFlow = func(*Flow) {}
				}
				r := New(n, cfg)
				shortFlows(r, tc.flows, func() {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapAlloc)
					peakLive = max(peakLive, r.Live())
				})
				rep := r.Report()
				got = rep.Summary.Flows
			}
			if got != tc.flows {
				b.Fatalf("%d flows reported, want %d", got, tc.flows)
			}
			b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peakLive), "peak-live-flows")
			b.ReportMetric(0, "ns/op")
		})
	}
}
