package replay

import (
	"bytes"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sgsim/sgsim/sgsim/capture"
)

// benchCapture is an in-memory pcap of flows*perFlow packets: TCP
// connections from the workers to the master (allowed on 5444, dropped on
// 22), DNS over UDP, and pod traffic inside VXLAN, interleaved round-robin
// one millisecond apart so that every flow stays live.
func benchCapture(b testing.TB, flows, perFlow int) ([]byte, int) {
	b.Helper()
	type pair struct{ fwd, rev []byte }
	var ps []pair
	for i := 0; i < flows; i++ {
		w := "192.168.0." + strconv.Itoa(1+i%200)
		sp := strconv.Itoa(20000 + i)
		switch i % 4 {
		case 0, 1:
			ps = append(ps, pair{tcpF(b, 0, w+":"+sp, master+":5444", "PA").data, tcpF(b, 0, master+":5444", w+":"+sp, "A").data})
		case 2:
			ps = append(ps, pair{udpF(b, 0, w+":"+sp, master+":53", 40).data, udpF(b, 0, master+":53", w+":"+sp, 120).data})
		case 3:
			ps = append(ps, pair{
				vxlanF(b, 0, w+":"+sp, master+":4789", tcpLayers(b, "172.16.0.5:"+sp, "172.16.1.7:80", "PA")).data,
				vxlanF(b, 0, w+":"+sp, master+":4789", tcpLayers(b, "172.16.1.7:80", "172.16.0.5:"+sp, "A")).data,
			})
		}
	}
	var fs []frame
	at := time.Duration(0)
	for k := 0; k < perFlow; k++ {
		for _, p := range ps {
			d := p.fwd
			if k%2 == 1 {
				d = p.rev
			}
			fs = append(fs, frame{at: at, data: d})
			at += time.Millisecond / 100
		}
	}
	return pcapOf(b, fs...), len(fs)
}

// BenchmarkReplay compares a full replay with a decode-only loop over the
// same in-memory capture in the same run.
func BenchmarkReplay(b *testing.B) {
	n := testNetwork(b)
	data, npk := benchCapture(b, 1000, 100)
	report := func(b *testing.B) {
		b.ReportMetric(float64(npk)*float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("decode-only", func(b *testing.B) {
		b.ReportAllocs()
		var p capture.Packet
		for i := 0; i < b.N; i++ {
			c, err := capture.NewReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			for c.Next(&p) == nil {
			}
		}
		report(b)
	})
	b.Run("replay", func(b *testing.B) {
		b.ReportAllocs()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		for i := 0; i < b.N; i++ {
			c, err := capture.NewReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			r := New(n, Config{})
			if err := r.AddCapture(c); err != nil {
				b.Fatal(err)
			}
			if rep := r.Report(); rep.Summary.Flows != 1250 {
				b.Fatalf("%d flows; want 1250 (250 of them inner)", rep.Summary.Flows)
			}
		}
		runtime.ReadMemStats(&m1)
		report(b)
		b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(npk)/float64(b.N), "allocs/pkt")
	})
	// Flows sharded over several workers (Config.Workers); compare with
	// "replay" for the speedup over one.
	for _, w := range []int{2, 4} {
		b.Run("replay-workers-"+strconv.Itoa(w), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c, err := capture.NewReader(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				r := New(n, Config{Workers: w})
				if err := r.AddCapture(c); err != nil {
					b.Fatal(err)
				}
				if rep := r.Report(); rep.Summary.Flows != 1250 {
					b.Fatalf("%d flows; want 1250", rep.Summary.Flows)
				}
			}
			report(b)
		})
	}
	// Tracking only, packets already decoded, through the same pipeline:
	// how the tracking itself scales with workers.
	pkts := decodeAll(b, data)
	for _, w := range []int{1, 2, 4} {
		b.Run("tracking-workers-"+strconv.Itoa(w), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r := New(n, Config{Workers: w})
				if err := r.addCapture(source(pkts), noSkips, noSkips); err != nil {
					b.Fatal(err)
				}
				if rep := r.Report(); rep.Summary.Flows != 1250 {
					b.Fatalf("%d flows; want 1250", rep.Summary.Flows)
				}
			}
			report(b)
		})
	}
	// Steady state: the packets of tracked flows only, already decoded.
	b.Run("tracked-packets", func(b *testing.B) {
		r := New(n, Config{})
		for i := range pkts {
			r.Packet(&pkts[i])
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for j := range pkts {
				r.Packet(&pkts[j])
			}
		}
		report(b)
	})
}
