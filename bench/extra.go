package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// reachResult is the cost of the range queries of one profile network:
// every required flow answered for every address, as provider.Check does.
type reachResult struct {
	Profile     string  `json:"profile"`
	Rules       int     `json:"rules"`
	Queries     int     `json:"queries"`
	QueryNs     float64 `json:"query_ns"`   // median per query over the rounds
	CellsMean   float64 `json:"cells_mean"` // boxes a query is split into
	CellsMax    int     `json:"cells_max"`
	AllocsQuery float64 `json:"allocs_per_query"`
}

// reachCost times the required-flow queries of the CCE profiles with the
// hardened set, where most queries split.
func reachCost(rounds int) ([]reachResult, error) {
	var out []reachResult
	for _, m := range []huawei.Model{huawei.VPCNetwork, huawei.Tunnel, huawei.Turbo} {
		p, err := huawei.NewProfile(huawei.Cluster{Model: m})
		if err != nil {
			return nil, err
		}
		n, err := p.Network(true)
		if err != nil {
			return nil, err
		}
		r := reachResult{Profile: p.Name() + "/hardened", Queries: len(p.Required)}
		for _, g := range p.Spec(true).Groups {
			r.Rules += len(g.Rules)
		}
		cells := 0
		for _, res := range provider.Check(n, p.Required) {
			cells += res.Reach.Cells
			r.CellsMax = max(r.CellsMax, res.Reach.Cells)
		}
		r.CellsMean = float64(cells) / float64(len(p.Required))
		var times []float64
		for i := 0; i < rounds; i++ {
			start := time.Now()
			provider.Check(n, p.Required)
			times = append(times, float64(time.Since(start).Nanoseconds())/float64(len(p.Required)))
		}
		r.QueryNs = median(times)
		m0 := mallocs()
		provider.Check(n, p.Required)
		r.AllocsQuery = float64(mallocs()-m0) / float64(len(p.Required))
		out = append(out, r)
	}
	return out, nil
}

// replayResult compares replaying a capture with only decoding it, in the
// same run.
type replayResult struct {
	Capture      string  `json:"capture"`
	Packets      int     `json:"packets"`
	Repeat       int     `json:"repeat"` // the capture's records are repeated this many times (to at least minReplayPackets packets)
	DecodePPS    float64 `json:"decode_pps"`
	ReplayPPS    float64 `json:"replay_pps"`
	Ratio        float64 `json:"replay_over_decode"`
	DroppedFlows int     `json:"dropped_flows"`
	AllowedFlows int     `json:"allowed_flows"`
	AllocsPerPkt float64 `json:"allocs_per_packet"`
	// Workers has the replay throughput with flows sharded over several
	// workers (replay.Config.Workers), measured in the same rounds.
	Workers []workersResult `json:"workers"`
}

type workersResult struct {
	Workers int     `json:"workers"`
	PPS     float64 `json:"replay_pps"`
	Speedup float64 `json:"speedup_over_one"` // median PPS over median one-worker PPS
	Matches bool    `json:"report_matches"`   // the report equals the one-worker report
}

// workerCounts are the worker counts measured besides one: 2, 4 and
// GOMAXPROCS, when above 4.
func workerCounts() []int {
	ws := []int{2, 4}
	if g := runtime.GOMAXPROCS(0); g > 4 {
		ws = append(ws, g)
	}
	return ws
}

// minReplayPackets is how many packets one timed replay pass has at least:
// a smaller capture is enlarged by repeating its records.
const minReplayPackets = 50000

// replayCost replays file against the CCE tunnel profile with the hardened
// set (the cluster the project's sample capture is made for).
func replayCost(file string, rounds int) (replayResult, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return replayResult{}, err
	}
	p, err := huawei.NewProfile(huawei.Cluster{Model: huawei.Tunnel})
	if err != nil {
		return replayResult{}, err
	}
	n, err := p.Network(true)
	if err != nil {
		return replayResult{}, err
	}
	res := replayResult{Capture: file}
	decode := func() (int, error) { return countPackets(data) }
	// A small capture is enlarged to at least minReplayPackets packets
	// (its records repeated, each copy shifted past the previous one by
	// more than every idle timeout), so that per-replay setup, such as
	// starting workers, weighs as it would on a large capture.
	once, err := countPackets(data)
	if err != nil {
		return res, err
	}
	if once == 0 {
		return res, fmt.Errorf("%s: no packets", file)
	}
	res.Repeat = max(1, (minReplayPackets+once-1)/once)
	if res.Repeat > 1 {
		if data, err = repeatCapture(data, res.Repeat); err != nil {
			return res, fmt.Errorf("%s: %w", file, err)
		}
	}
	full := func(workers int) (*replay.Report, error) {
		r, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		rp := replay.New(n, replay.Config{Workers: workers})
		if err := rp.AddCapture(r); err != nil {
			return nil, err
		}
		return rp.Report(), nil
	}
	if res.Packets, err = decode(); err != nil {
		return res, err
	}
	ws := workerCounts()
	var dec, rep []float64
	par := make([][]float64, len(ws))
	for i := 0; i < rounds; i++ {
		// Each timing repeats the pass until it has run 50 ms, so small
		// captures are timed over many passes.
		t := func(f func() error) (float64, error) {
			passes, start := 0, time.Now()
			for time.Since(start) < 50*time.Millisecond || passes == 0 {
				if err := f(); err != nil {
					return 0, err
				}
				passes++
			}
			return float64(passes*res.Packets) / time.Since(start).Seconds(), nil
		}
		d, err := t(func() error { _, err := decode(); return err })
		if err != nil {
			return res, err
		}
		r, err := t(func() error { _, err := full(0); return err })
		if err != nil {
			return res, err
		}
		dec, rep = append(dec, d), append(rep, r)
		for j, w := range ws {
			p, err := t(func() error { _, err := full(w); return err })
			if err != nil {
				return res, err
			}
			par[j] = append(par[j], p)
		}
	}
	res.DecodePPS, res.ReplayPPS = median(dec), median(rep)
	res.Ratio = res.ReplayPPS / res.DecodePPS
	m0 := mallocs()
	report, err := full(0)
	if err != nil {
		return res, err
	}
	res.AllocsPerPkt = float64(mallocs()-m0) / float64(res.Packets)
	want := reportText(report)
	for j, w := range ws {
		got, err := full(w)
		if err != nil {
			return res, err
		}
		pps := median(par[j])
		res.Workers = append(res.Workers, workersResult{Workers: w, PPS: pps, Speedup: pps / res.ReplayPPS, Matches: reportText(got) == want})
		if !res.Workers[len(res.Workers)-1].Matches {
			return res, fmt.Errorf("replay with %d workers reports differently from one worker", w)
		}
	}
	for _, f := range report.Flows {
		if f.Decision.Allowed {
			res.AllowedFlows++
		} else {
			res.DroppedFlows++
		}
	}
	return res, nil
}

// mallocs returns the number of heap allocations so far.
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// sampleCapture is the project's sample capture of a CCE tunnel-network
// cluster, replayed by default when present.
const sampleCapture = "examples/sgsim/testdata/cce-tunnel.pcap"

// extras prints the range-query costs and, when a capture is given or the
// sample exists, the replay throughput.
func extras(stdout, stderr io.Writer, format, replayFile string, rounds int) error {
	reach, err := reachCost(rounds)
	if err != nil {
		return err
	}
	var rp *replayResult
	if replayFile == "" {
		if _, err := os.Stat(sampleCapture); err == nil {
			replayFile = sampleCapture
		} else {
			fmt.Fprintf(stderr, "bench: replay skipped: %s not found (run from the repository root, or give -replay FILE)\n", sampleCapture)
		}
	}
	if replayFile != "" {
		r, err := replayCost(replayFile, rounds)
		if err != nil {
			return fmt.Errorf("-replay %s: %w", replayFile, err)
		}
		rp = &r
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		for _, r := range reach {
			if err := enc.Encode(struct {
				Kind string `json:"kind"`
				reachResult
			}{"reach", r}); err != nil {
				return err
			}
		}
		if rp != nil {
			return enc.Encode(struct {
				Kind string `json:"kind"`
				replayResult
			}{"replay", *rp})
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nrange queries (required flows)\trules\tqueries\tns/query\tcells mean\tcells max\tallocs/query\t")
	for _, r := range reach {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.1f\t%d\t%.0f\t\n", r.Profile, r.Rules, r.Queries, nsop(r.QueryNs), r.CellsMean, r.CellsMax, r.AllocsQuery)
	}
	if rp != nil {
		fmt.Fprintln(tw, "\nreplay (cce-tunnel hardened)\tpackets\trepeat\tdecode pkt/s\treplay pkt/s\treplay/decode\tflows allowed\tflows dropped\tallocs/pkt\t")
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%.2f\t%d\t%d\t%.2f\t\n", rp.Capture, rp.Packets, rp.Repeat, rp.DecodePPS, rp.ReplayPPS, rp.Ratio, rp.AllowedFlows, rp.DroppedFlows, rp.AllocsPerPkt)
		fmt.Fprintf(tw, "\nreplay workers (GOMAXPROCS %d)\treplay pkt/s\tspeedup over one\treport matches\t\n", runtime.GOMAXPROCS(0))
		for _, w := range rp.Workers {
			fmt.Fprintf(tw, "%d\t%.0f\t%.2f\t%v\t\n", w.Workers, w.PPS, w.Speedup, w.Matches)
		}
	}
	return tw.Flush()
}

// reportText is a report's JSON lines followed by its text form: every
// flow field and the summary, for comparing two replays.
func reportText(rep *replay.Report) string {
	var b strings.Builder
	if err := rep.WriteJSON(&b); err != nil {
		return "error: " + err.Error()
	}
	if err := rep.WriteText(&b); err != nil {
		return "error: " + err.Error()
	}
	return b.String()
}

// countPackets returns the number of packets the capture reader
// delivers.
func countPackets(data []byte) (int, error) {
	r, err := capture.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	var pk capture.Packet
	n := 0
	for {
		if err := r.Next(&pk); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		n++
	}
}

// repeatCapture returns a classic pcap of the capture's records repeated
// times, copy k shifted by k times (the capture's span plus an hour), so
// that every flow of one copy has expired when the next begins.
func repeatCapture(data []byte, times int) ([]byte, error) {
	type record struct {
		ci   gopacket.CaptureInfo
		data []byte
	}
	var recs []record
	var link layers.LinkType
	read := func(src gopacket.PacketDataSource) error {
		for {
			d, ci, err := src.ReadPacketData()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			recs = append(recs, record{ci, append([]byte(nil), d...)})
		}
	}
	if r, err := pcapgo.NewReader(bytes.NewReader(data)); err == nil {
		link = r.LinkType()
		if err := read(r); err != nil {
			return nil, err
		}
	} else if ng, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions); err == nil {
		link = ng.LinkType()
		if err := read(ng); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("repeat capture: neither pcap nor pcapng: %w", err)
	}
	if len(recs) == 0 {
		return data, nil
	}
	span := recs[len(recs)-1].ci.Timestamp.Sub(recs[0].ci.Timestamp) + time.Hour
	var b bytes.Buffer
	w := pcapgo.NewWriterNanos(&b)
	if err := w.WriteFileHeader(65535, link); err != nil {
		return nil, err
	}
	for k := range times {
		for _, r := range recs {
			ci := r.ci
			ci.Timestamp = ci.Timestamp.Add(time.Duration(k) * span)
			if err := w.WritePacket(ci, r.data); err != nil {
				return nil, err
			}
		}
	}
	return b.Bytes(), nil
}
