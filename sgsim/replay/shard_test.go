package replay

import (
	"bytes"
	"io"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
)

// Hosts of the generated traffic. Pods of pods-a live on worker .1 and
// pods of pods-b on the master, so every inner flow is carried between
// one pair of nodes (the condition under which workers change nothing).
var (
	genNodes = []string{"192.168.0.1", "192.168.0.2", "192.168.0.3", "192.168.1.10", "10.9.9.9"}
	genPods  = []string{"172.16.0.5", "172.16.0.6", "172.16.1.7"}
	genPorts = []uint16{22, 53, 80, 4789, 5444, 6081, 40000, 40001}
)

func genAddr(t *rapid.T, from []string, label string) netip.Addr {
	return netip.MustParseAddr(rapid.SampledFrom(from).Draw(t, label))
}

// genHeader draws an IP header between the given hosts: TCP with any
// flags, UDP, ICMP echo, ICMP errors quoting a TCP or UDP flow among the
// same hosts, or GRE.
func genHeader(t *rapid.T, hosts []string, label string) capture.Header {
	h := capture.Header{Src: genAddr(t, hosts, label+"src"), Dst: genAddr(t, hosts, label+"dst")}
	port := func(l string) uint16 { return rapid.SampledFrom(genPorts).Draw(t, label+l) }
	switch rapid.IntRange(0, 5).Draw(t, label+"kind") {
	case 0, 1:
		h.Proto, h.SrcPort, h.DstPort = protoTCP, port("sport"), port("dport")
		h.TCPFlags = rapid.SampledFrom([]capture.TCPFlags{capture.FlagSYN, capture.FlagSYN | capture.FlagACK,
			capture.FlagACK, capture.FlagFIN | capture.FlagACK, capture.FlagRST}).Draw(t, label+"flags")
	case 2:
		h.Proto, h.SrcPort, h.DstPort = protoUDP, port("sport"), port("dport")
	case 3:
		h.Proto, h.ICMPType, h.ICMPID = protoICMP, rapid.SampledFrom([]uint8{0, 8}).Draw(t, label+"echo"), uint16(rapid.IntRange(1, 2).Draw(t, label+"id"))
	case 4:
		h.Proto, h.ICMPType, h.ICMPCode = protoICMP, 3, 3
		h.Quoted = capture.Quoted{Present: true, Proto: rapid.SampledFrom([]uint8{protoTCP, protoUDP}).Draw(t, label+"qproto"),
			Src: genAddr(t, hosts, label+"qsrc"), Dst: genAddr(t, hosts, label+"qdst"), SrcPort: port("qsport"), DstPort: port("qdport")}
	default:
		h.Proto = 47
	}
	return h
}

// genPackets draws a packet sequence with timestamps that mostly advance
// (by gaps below and above every timeout, and beyond the outlier
// distance), sometimes go back, are sometimes missing and sometimes
// outliers decades away. Packets often repeat or answer an earlier one (a
// reply, an ICMP error quoting it), so that flows have several packets.
func genPackets(t *rapid.T) []capture.Packet {
	n := rapid.IntRange(1, 120).Draw(t, "packets")
	gaps := []time.Duration{0, time.Millisecond, time.Second, 40 * time.Second, 200 * time.Second, 700 * time.Second, 1000 * time.Second, -5 * time.Second,
		3 * time.Hour} // beyond JumpFactor × the largest timeout: a clock jump
	at := t0
	ps := make([]capture.Packet, n)
	reverse := func(h capture.Header) capture.Header {
		h.Src, h.Dst, h.SrcPort, h.DstPort = h.Dst, h.Src, h.DstPort, h.SrcPort
		if h.ICMPType == 8 {
			h.ICMPType = 0
		} else if h.ICMPType == 0 {
			h.ICMPType = 8
		}
		return h
	}
	for i := range ps {
		p := &ps[i]
		at = at.Add(rapid.SampledFrom(gaps).Draw(t, "gap"))
		if i > 0 {
			switch rapid.IntRange(0, 5).Draw(t, "again") {
			case 0, 1: // the same flow again, either way
				*p = ps[rapid.IntRange(0, i-1).Draw(t, "prev")]
				if rapid.Bool().Draw(t, "reverse") {
					p.Header = reverse(p.Header)
				}
				if p.Inner.Present {
					// The inner flow again, in either direction, in a
					// tunnel with a new source port (as VXLAN picks one
					// per direction).
					if rapid.Bool().Draw(t, "innerreverse") {
						p.Inner.Header = reverse(p.Inner.Header)
					}
					a, b := netip.MustParseAddr("192.168.0.1"), netip.MustParseAddr("192.168.1.10")
					if rapid.Bool().Draw(t, "outerdir2") {
						a, b = b, a
					}
					p.Header = capture.Header{Proto: protoUDP, Src: a, Dst: b,
						SrcPort: rapid.SampledFrom([]uint16{50000, 50001, 50002}).Draw(t, "osport2"), DstPort: portVXLAN}
					p.Inner.Tunnel = capture.TunnelVXLAN
				}
				p.TCPFlags = rapid.SampledFrom([]capture.TCPFlags{capture.FlagSYN, capture.FlagSYN | capture.FlagACK,
					capture.FlagACK, capture.FlagFIN | capture.FlagACK, capture.FlagRST}).Draw(t, "flags")
			case 2: // an ICMP error quoting an earlier packet
				q := ps[rapid.IntRange(0, i-1).Draw(t, "quoted")]
				switch {
				case q.Proto == protoTCP || q.Proto == protoUDP:
					p.Header = capture.Header{Proto: protoICMP, Src: q.Dst, Dst: q.Src, ICMPType: 3, ICMPCode: 3,
						Quoted: capture.Quoted{Present: true, Proto: q.Proto, Src: q.Src, Dst: q.Dst, SrcPort: q.SrcPort, DstPort: q.DstPort}}
				case q.Proto == protoICMP && !q.Quoted.Present && (q.ICMPType == 0 || q.ICMPType == 8):
					p.Header = capture.Header{Proto: protoICMP, Src: q.Dst, Dst: q.Src, ICMPType: 11,
						Quoted: capture.Quoted{Present: true, Proto: protoICMP, Src: q.Src, Dst: q.Dst, Echo: true, ICMPType: q.ICMPType, ICMPID: q.ICMPID}}
				}
			}
		}
		p.N = i + 1
		p.Time = time.Time{}
		switch rapid.IntRange(0, 30).Draw(t, "notime") {
		case 0:
		case 1: // an outlier, decades ahead or behind
			p.Time = at.Add(rapid.SampledFrom([]time.Duration{80 * 365 * 24 * time.Hour, -30 * 365 * 24 * time.Hour}).Draw(t, "outlier"))
		default:
			p.Time = at
		}
		p.Len = rapid.IntRange(60, 1500).Draw(t, "len")
		p.CapLen = p.Len
		if p.Src.IsValid() {
			continue
		}
		if rapid.IntRange(0, 3).Draw(t, "tunnel") == 0 {
			// VXLAN or Geneve between worker .1 and the master, with a
			// pod flow inside.
			fwd := rapid.Bool().Draw(t, "outerdir")
			a, b := netip.MustParseAddr("192.168.0.1"), netip.MustParseAddr("192.168.1.10")
			if !fwd {
				a, b = b, a
			}
			tp := rapid.SampledFrom([]uint16{portVXLAN, portGeneve}).Draw(t, "tport")
			p.Header = capture.Header{Proto: protoUDP, Src: a, Dst: b, SrcPort: rapid.SampledFrom([]uint16{50000, 50001}).Draw(t, "osport"), DstPort: tp}
			p.Inner = capture.Inner{Present: true, Tunnel: capture.TunnelVXLAN, VNI: 1, Header: genHeader(t, genPods, "inner")}
			if tp == portGeneve {
				p.Inner.Tunnel = capture.TunnelGeneve
			}
			continue
		}
		p.Header = genHeader(t, genNodes, "")
	}
	return ps
}

// source delivers packets like capture.Reader.Next.
func source(ps []capture.Packet) func(*capture.Packet) error {
	i := 0
	return func(p *capture.Packet) error {
		if i == len(ps) {
			return io.EOF
		}
		*p = ps[i]
		i++
		return nil
	}
}

func noSkips() []capture.Skip { return nil }

// replayed is what a replay reports, in comparable form.
type replayed struct {
	Rows    []row
	Summary Summary
	Live    int
	Dropped []string // what OnDropped received: "N record link"
}

// fataler is what replayWith needs of *testing.T and *rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

func replayWith(t fataler, n *sgsim.Network, ps []capture.Packet, cfg Config, viaCapture bool) replayed {
	t.Helper()
	var dropped []string
	cfg.OnDropped = func(p *capture.Packet, data []byte, link uint32) {
		dropped = append(dropped, strconv.Itoa(p.N)+" "+string(data)+" "+strconv.Itoa(int(link)))
	}
	r := New(n, cfg)
	if viaCapture {
		// Each packet's "record" names it, so that OnDropped can be
		// checked to get the bytes of the packet it is given.
		next := source(ps)
		cur := 0
		r.data = func() ([]byte, uint32) { return []byte("record-" + strconv.Itoa(cur)), 7 }
		if err := r.addCapture(func(p *capture.Packet) error {
			err := next(p)
			cur = p.N
			return err
		}, noSkips, noSkips); err != nil {
			t.Fatal(err)
		}
	} else {
		for i := range ps {
			r.Packet(&ps[i])
		}
	}
	live := r.Live()
	rep := r.Report()
	return replayed{Rows: rowsOf(rep.Flows), Summary: rep.Summary, Live: live, Dropped: dropped}
}

// TestWorkersSameReport: on any traffic whose inner flows each stay
// between one pair of nodes, a replay with several workers reports
// exactly what one replayer reports: the same flows with the same IDs,
// counts, verdicts, ends and outer links, the same summary, and the same
// dropped packets, whether the packets come through AddCapture (the
// concurrent pipeline) or through Packet.
func TestWorkersSameReport(t *testing.T) {
	n := testNetwork(t)
	rapid.Check(t, func(t *rapid.T) {
		ps := genPackets(t)
		cfg := Config{RecordDropped: true, InnerDrops: rapid.Bool().Draw(t, "innerdrops")}
		want := map[bool]replayed{true: replayWith(t, n, ps, cfg, true), false: replayWith(t, n, ps, cfg, false)}
		// Packet and AddCapture agree but for the capture statistics,
		// which only AddCapture keeps.
		if !cmp.Equal(want[false].Rows, want[true].Rows) || want[false].Summary.Flows != want[true].Summary.Flows {
			t.Fatalf("Packet differs from AddCapture with one replayer (-AddCapture +Packet):\n%s", cmp.Diff(want[true], want[false]))
		}
		// OnDropped gets, in order, the packets RecordDropped lists, each
		// with its own record.
		var listed []string
		for _, d := range want[true].Summary.Captures[0].Dropped {
			listed = append(listed, strconv.Itoa(d.N)+" record-"+strconv.Itoa(d.N)+" 7")
		}
		if !slices.Equal(listed, want[true].Dropped) {
			t.Fatalf("OnDropped got %q; RecordDropped lists %q", want[true].Dropped, listed)
		}
		cfg.Workers = rapid.IntRange(2, 5).Draw(t, "workers")
		for _, via := range []bool{true, false} {
			if got := replayWith(t, n, ps, cfg, via); !cmp.Equal(got, want[via]) {
				t.Fatalf("%d workers (via AddCapture: %v) differ from one (-one +workers):\n%s", cfg.Workers, via, cmp.Diff(want[via], got))
			}
		}
	})
}

// TestWorkersOnFlow: with workers, OnFlow is called once per flow, never
// concurrently, with IDs that are unique and order flows as Report's
// numbering does.
func TestWorkersOnFlow(t *testing.T) {
	n := testNetwork(t)
	rapid.Check(t, func(t *rapid.T) {
		ps := genPackets(t)
		want := replayWith(t, n, ps, Config{}, true)
		var mu sync.Mutex
		var busy bool
		var got []*Flow
		cfg := Config{Workers: 3, OnFlow: func(f *Flow) {
			if !mu.TryLock() {
				t.Error("OnFlow called concurrently")
				return
			}
			defer mu.Unlock()
			if busy {
				t.Error("OnFlow re-entered")
			}
			busy = true
			got = append(got, f)
			busy = false
		}}
		r := New(n, cfg)
		if err := r.addCapture(source(ps), noSkips, noSkips); err != nil {
			t.Fatal(err)
		}
		if rep := r.Report(); len(rep.Flows) != 0 {
			t.Fatalf("Report has %d flows with OnFlow set", len(rep.Flows))
		}
		if len(got) != len(want.Rows) {
			t.Fatalf("OnFlow got %d flows, want %d", len(got), len(want.Rows))
		}
		// Sorting by the provisional IDs and renumbering gives Report's
		// flows.
		byID := map[int]*Flow{}
		for _, f := range got {
			if byID[f.ID] != nil {
				t.Fatalf("ID %d given twice", f.ID)
			}
			byID[f.ID] = f
		}
		if diff := cmp.Diff(want.Rows, rowsOf(renumber(got))); diff != "" {
			t.Fatalf("OnFlow flows, renumbered, differ from one replayer's (-want +got):\n%s", diff)
		}
	})
}

// TestWorkersInnerFlowOnTwoPairs pins the documented difference: an
// inner flow carried between two different pairs of nodes is one flow
// with one replayer, and one flow per pair when the pairs belong to
// different workers.
func TestWorkersInnerFlowOnTwoPairs(t *testing.T) {
	inner := func(src, dst string, sp, dp uint16) capture.Inner {
		return capture.Inner{Present: true, Tunnel: capture.TunnelVXLAN, VNI: 1, Header: capture.Header{
			Proto: protoUDP, Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sp, DstPort: dp}}
	}
	outer := func(n int, src, dst string, in capture.Inner) capture.Packet {
		return capture.Packet{N: n, Time: t0.Add(time.Duration(n) * time.Millisecond), Len: 100, CapLen: 100,
			Header: capture.Header{Proto: protoUDP, Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: 50000, DstPort: portVXLAN},
			Inner:  in}
	}
	ps := []capture.Packet{
		outer(1, "192.168.0.1", "192.168.1.10", inner("172.16.0.5", "172.16.1.7", 40000, 53)),
		outer(2, "192.168.0.2", "192.168.1.10", inner("172.16.0.5", "172.16.1.7", 40000, 53)),
	}
	n := testNetwork(t)
	one := replayWith(t, n, ps, Config{}, true)
	if len(one.Rows) != 3 {
		t.Fatalf("one replayer: %d flows, want 3 (two outer, one inner):\n%v", len(one.Rows), one.Rows)
	}
	r := New(n, Config{Workers: 64})
	k1, _ := flowKey(&ps[0].Header, capture.TunnelNone, 0)
	k2, _ := flowKey(&ps[1].Header, capture.TunnelNone, 0)
	if r.owner(&k1) == r.owner(&k2) {
		t.Fatalf("both node pairs hash to worker %d of 64; pick other addresses", r.owner(&k1))
	}
	many := replayWith(t, n, ps, Config{Workers: 64}, true)
	if len(many.Rows) != 4 {
		t.Fatalf("64 workers: %d flows, want 4 (the inner flow once per pair):\n%v", len(many.Rows), many.Rows)
	}
}

// workersCapture is a pcap of flows*4 packets: allowed TCP to the master
// on 5444 (SYN, SYN-ACK), dropped TCP to the master on 22, a DNS query
// and answer, pod traffic in VXLAN both ways, and a port unreachable
// quoting the DNS query; the flows interleave round-robin.
func workersCapture(t testing.TB, flows int) []byte {
	var fs []frame
	at := time.Duration(0)
	next := func(f frame) {
		f.at = at
		at += time.Millisecond
		fs = append(fs, f)
	}
	for i := 0; i < flows; i++ {
		w := "192.168.0." + strconv.Itoa(1+i%50)
		sp := strconv.Itoa(20000 + i)
		switch i % 5 {
		case 0:
			next(tcpF(t, 0, w+":"+sp, master+":5444", "S"))
			next(tcpF(t, 0, master+":5444", w+":"+sp, "SA"))
		case 1:
			next(tcpF(t, 0, w+":"+sp, master+":22", "S"))
			next(tcpF(t, 0, w+":"+sp, master+":22", "S"))
		case 2:
			q := udpF(t, 0, w+":"+sp, master+":53", 40)
			next(q)
			next(udpF(t, 0, master+":53", w+":"+sp, 120))
			next(unreachF(t, 0, master, w, q))
		case 3:
			next(vxlanF(t, 0, w+":"+sp, master+":4789", tcpLayers(t, "172.16.0.5:"+sp, "172.16.1.7:80", "S")))
			next(vxlanF(t, 0, master+":"+sp, w+":4789", tcpLayers(t, "172.16.1.7:80", "172.16.0.5:"+sp, "SA")))
		case 4:
			next(udpF(t, 0, master+":"+sp, w+":9999", 10))
		}
	}
	return pcapOf(t, fs...)
}

// TestWorkersRealCapture: a capture read from pcap bytes gives the same
// report and dropped-packet pcap with one and several workers.
func TestWorkersRealCapture(t *testing.T) {
	data := workersCapture(t, 500)
	n := testNetwork(t)
	want := replayPcap(t, n, Config{RecordDropped: true}, data)
	if want.Summary.Dropped == 0 || want.Summary.Allowed == 0 || want.Summary.Flows < 400 {
		t.Fatalf("capture has %d flows, %d allowed and %d dropped; want both kinds", want.Summary.Flows, want.Summary.Allowed, want.Summary.Dropped)
	}
	for _, w := range []int{2, runtime.GOMAXPROCS(0) + 1} {
		got := replayPcap(t, n, Config{RecordDropped: true, Workers: w}, data)
		if diff := cmp.Diff(rowsOf(want.Flows), rowsOf(got.Flows)); diff != "" {
			t.Fatalf("%d workers: flows differ (-one +workers):\n%s", w, diff)
		}
		if diff := cmp.Diff(want.Summary, got.Summary); diff != "" {
			t.Fatalf("%d workers: summary differs (-one +workers):\n%s", w, diff)
		}
		var b1, b2 bytes.Buffer
		if _, err := want.Summary.Captures[0].WriteDropped(&b1, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if _, err := got.Summary.Captures[0].WriteDropped(&b2, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("%d workers: the dropped-packet pcap differs", w)
		}
	}
}

// TestWorkersChunkBound: chunks stay within chunkSize items whatever
// mix of packets and sweeps fills them (a sweep queued between a packet's
// slot and its assignment once let a chunk grow without bound, so that
// one worker got everything in one piece).
func TestWorkersChunkBound(t *testing.T) {
	n := testNetwork(t)
	var ps []capture.Packet
	at := t0
	for i := range 5000 {
		at = at.Add(2 * time.Second) // a sweep before every packet
		src := netip.AddrFrom4([4]byte{192, 168, 0, byte(1 + i%200)})
		ps = append(ps, capture.Packet{N: i + 1, Time: at, Len: 60, CapLen: 60, Header: capture.Header{
			Proto: protoUDP, Src: src, Dst: netip.MustParseAddr(master), SrcPort: uint16(10000 + i), DstPort: 53}})
	}
	r := New(n, Config{Workers: 2})
	if err := r.addCapture(source(ps), noSkips, noSkips); err != nil {
		t.Fatal(err)
	}
	if r.largestChunk == 0 || r.largestChunk > chunkSize {
		t.Fatalf("largest chunk %d items; want 1..%d", r.largestChunk, chunkSize)
	}
	if got := r.Report().Summary.Flows; got != len(ps) {
		t.Fatalf("%d flows; want %d", got, len(ps))
	}
}

// TestWorkersReadError: a capture that ends in a read error stops every
// worker, returns the error, and keeps the packets before it.
func TestWorkersReadError(t *testing.T) {
	data := workersCapture(t, 50)
	want := replayPcap(t, testNetwork(t), Config{}, data)
	// A record header claiming 4 GiB of data.
	bad := append(append([]byte(nil), data...), 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	c, err := capture.NewReader(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	r := New(testNetwork(t), Config{Workers: 3})
	err = r.AddCapture(c)
	if err == nil || !strings.Contains(err.Error(), "file corrupt") {
		t.Fatalf("error %v; want the reader's corrupt-record error", err)
	}
	got := r.Report()
	if got.Summary.Captures[0].Err != err.Error() {
		t.Fatalf("CaptureStats.Err = %q; want %q", got.Summary.Captures[0].Err, err.Error())
	}
	if diff := cmp.Diff(rowsOf(want.Flows), rowsOf(got.Flows)); diff != "" {
		t.Fatalf("flows before the error differ from the whole capture's (-want +got):\n%s", diff)
	}
	if got.Summary.Captures[0].Packets != want.Summary.Captures[0].Packets {
		t.Fatalf("%d packets; want %d", got.Summary.Captures[0].Packets, want.Summary.Captures[0].Packets)
	}
}

// Config.Workers is clamped to MaxWorkers (WorkersPerCPU × GOMAXPROCS):
// a huge value no longer creates a replayer per worker asked for.
func TestWorkersClamped(t *testing.T) {
	n := testNetwork(t)
	if got, want := MaxWorkers(), 4*runtime.GOMAXPROCS(0); got != want {
		t.Fatalf("MaxWorkers = %d, want 4 × GOMAXPROCS = %d", got, want)
	}
	for _, tc := range []struct{ asked, want int }{
		{0, 1}, {1, 1}, {2, 2}, {MaxWorkers(), MaxWorkers()}, {MaxWorkers() + 1, MaxWorkers()}, {10000, MaxWorkers()},
	} {
		r := New(n, Config{Workers: tc.asked})
		if got := r.Workers(); got != tc.want {
			t.Errorf("Workers %d: Workers() = %d, want %d", tc.asked, got, tc.want)
		}
		if tc.want > 1 && len(r.shards) != tc.want {
			t.Errorf("Workers %d: %d worker replayers, want %d", tc.asked, len(r.shards), tc.want)
		}
		// Still clamped after Report resets the replayer.
		r.Report()
		if got := r.Workers(); got != tc.want {
			t.Errorf("Workers %d: after Report, Workers() = %d, want %d", tc.asked, got, tc.want)
		}
	}
}
