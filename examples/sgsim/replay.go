package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
	"github.com/sgsim/sgsim/sgsim/replay"
)

//go:embed testdata/cce-tunnel.pcap
var sampleCapture []byte

// sampleName names the embedded capture in messages.
const sampleName = "embedded sample testdata/cce-tunnel.pcap"

// list is a repeatable string flag.
type list []string

func (l *list) String() string     { return fmt.Sprint(*l) }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

// replayOptions are replay's own flags.
type replayOptions struct {
	pcaps, flowlogs []string
	all, fail       bool
	innerDrops      bool
	workers         int
	droppedPcap     string
}

func init() {
	commands = append(commands, &command{
		name:     "replay",
		short:    "what would a capture's or flow log's traffic lose? (the default subcommand)",
		synopsis: "[-pcap FILE ... | -flowlog FILE ...] [input flags] [-inner-drops] [-workers N] [-format text|json] [-all] [-dropped-pcap FILE] [-fail-on-drop]",
		about: `replays captured traffic (pcap/pcapng files or VPC flow logs) through the network and reports, flow by flow, what it would drop, where and by which rule.
With no input flag at all it replays an embedded sample, a two-minute capture of a default CCE tunnel-network cluster (testdata/cce-tunnel.pcap), against the cce-tunnel profile with the hardened worker outbound set (CCE Table 8): the main job. Any input flag (-profile, a cluster flag, -rules, -plan, -nics, -topology, ...) without -pcap or -flowlog is bad usage (exit 2): the sample is that one network's traffic. -rules or -plan need traffic (-pcap or -flowlog) and placement (-nics or -topology).
-pcap files are read in time order; -flowlog files may be AWS v2 or Huawei VPC flow logs (detected). -inner-drops judges flows inside VXLAN and Geneve tunnels by the rules as if they were not encapsulated (by default an inner flow shares the fate of the outer flow that carries it, since security groups see only the outer packet). -workers N shards the tracking of flows over N goroutines, with the same report (an inner tunnel flow carried between two pairs of nodes may be listed once per pair); decoding stays on one goroutine, so it is not faster on two CPUs (bench/README.md), and N above replay.MaxWorkers() (4 per CPU) is refused.
text output: a table of the dropped flows (-all: every flow) and the summary: flows by verdict (with how many of the allowed ones passed no hop at all, as both ends lie outside every endpoint with security groups and no network ACL is between them: no rule allowed them, nothing judged them) and by deciding hop and rule, and per input what its reader skipped. json: every flow as one JSON object per line ("schema_version": 1, on every line so that a line read alone says its shape, then the fields of replay.JSONFlow: src, dst, sport, dport, proto, verdict, outside, hop, group, rule, ...) on stdout, the summary on stderr. Flows are written as they end (idle timeout, reused ports, end of input), not kept, so memory follows the live flows however long the input; their IDs give the order they started (with -workers, not consecutive). -dropped-pcap writes exactly the packets the network would drop, as one classic pcap, as they are found (one pass, nothing kept per packet), through a temporary file in the same directory renamed on success: a failed run leaves no file and an existing one untouched.
An input that turns corrupt or unreadable partway (a bad record length or block, a malformed flow-log line) is reported with everything read before it: the summary says where reading stopped (byte offset and packet, or line), stderr says so in one line, and the exit status is 0, or 1 with -fail-on-drop (which then fails even without a drop seen, as the unread rest cannot be vouched for); an input that yields nothing is bad input (2): one that fails before its first packet or record, an empty file, a capture with a valid header and no packet (or only packets skipped, such as ARP), a flow log of a header line alone.`,
		example: `sgsim replay -pcap examples/sgsim/testdata/cce-tunnel.pcap -vendor huawei -rules examples/sgsim/testdata/huawei-rules.json -topology examples/sgsim/testdata/topology.json -fail-on-drop
prints "replayed against huawei rules from examples/sgsim/testdata/huawei-rules.json (2 groups) placed by examples/sgsim/testdata/topology.json",
the dropped flows with the hop and rule that drop each, such as "192.168.0.11:43200  203.0.113.80:443" (the group's
explicit deny of HTTPS), and the summary, "2 of 32 flows would be dropped"; exits 1 because some flow is dropped.`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			o := &replayOptions{}
			fs.Var((*list)(&o.pcaps), "pcap", "`FILE` to replay, pcap or pcapng (repeatable, in time order)")
			fs.Var((*list)(&o.flowlogs), "flowlog", "VPC flow log `FILE` to replay, AWS v2 or Huawei (repeatable)")
			fs.BoolVar(&o.all, "all", false, "text output: list every flow, not only the dropped ones")
			fs.StringVar(&o.droppedPcap, "dropped-pcap", "", "write the packets the network would drop to this pcap `FILE`")
			fs.BoolVar(&o.fail, "fail-on-drop", false, "exit 1 when any flow is dropped (or an input stopped partway)")
			fs.IntVar(&o.workers, "workers", 1, "goroutines tracking flows while a capture is read (replay.Config.Workers; same report)")
			fs.BoolVar(&o.innerDrops, "inner-drops", false, "judge flows inside VXLAN/Geneve tunnels by the rules as if they were not encapsulated (security groups see only the outer packet, so by default inner flows share their carrier's fate)")
			return func(e *env) error { return replayRun(e, o) }
		},
	})
}

func replayRun(e *env, o *replayOptions) error {
	if o.workers < 1 {
		return bad("-workers %d: want 1 or more", o.workers)
	}
	if m := replay.MaxWorkers(); o.workers > m {
		return bad("-workers %d: at most %d (%d per CPU, GOMAXPROCS %d): decoding runs on one goroutine, so more workers only cost memory",
			o.workers, m, replay.WorkersPerCPU, runtime.GOMAXPROCS(0))
	}
	if o.droppedPcap != "" && len(o.flowlogs) > 0 {
		return bad("-dropped-pcap needs packet captures, not flow logs")
	}
	n, err := trafficNet(e, o)
	if err != nil {
		return err
	}
	return replayAll(e, o, n)
}

// trafficNet checks the inputs replay, usage and tighten share (one kind
// of traffic, a valid rule input, traffic whenever an input flag is
// given) and loads the network the traffic is replayed through.
func trafficNet(e *env, o *replayOptions) (*load.Network, error) {
	if len(o.pcaps) > 0 && len(o.flowlogs) > 0 {
		return nil, bad("-pcap and -flowlog: give one kind of input")
	}
	if err := e.in.Check(); err != nil && e.in.Kind() != "" {
		return nil, badErr(err)
	}
	if err := needTraffic(e, o); err != nil {
		return nil, err
	}
	return e.loadPlaced(&e.in)
}

// needTraffic refuses replay, usage and tighten without -pcap or -flowlog
// when some input flag is given (-profile, a cluster flag, -rules, -plan,
// -nics, -topology, ...: any flag of load.Source.Flags). The embedded
// sample is a capture of the main job's network, profile cce-tunnel
// hardened, so it is replayed only when no input flag at all is given:
// replaying it against another profile, another addressing or the user's
// rules would report on traffic that network never carried.
func needTraffic(e *env, o *replayOptions) error {
	if len(o.pcaps)+len(o.flowlogs) > 0 {
		return nil
	}
	var src load.Source
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	src.Flags(fs)
	given := ""
	fs.VisitAll(func(f *flag.Flag) {
		if given == "" && e.given[f.Name] {
			given = "-" + f.Name
		}
	})
	if k := e.in.Kind(); k != "" {
		given = "-" + k // the input the user most needs told about
	}
	if given == "" {
		return nil
	}
	return bad("%s needs traffic to replay: -pcap FILE or -flowlog FILE (the embedded sample is replayed only when no input flag at all is given)", given)
}

// input is one capture or flow log to replay.
type input struct {
	flag string // "-pcap", "-flowlog"; "" for the embedded sample
	name string
	open func() (io.ReadCloser, int64, error) // the reader and its size (0: unknown)
}

func inputs(o *replayOptions) (pcaps, logs []input) {
	file := func(flag, path string) input {
		return input{flag: flag, name: path, open: func() (io.ReadCloser, int64, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, 0, err
			}
			var size int64
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				size = st.Size()
			}
			return f, size, nil
		}}
	}
	for _, p := range o.pcaps {
		pcaps = append(pcaps, file("-pcap", p))
	}
	for _, p := range o.flowlogs {
		logs = append(logs, file("-flowlog", p))
	}
	if len(pcaps) == 0 && len(logs) == 0 {
		pcaps = append(pcaps, input{name: sampleName, open: func() (io.ReadCloser, int64, error) {
			return io.NopCloser(bytes.NewReader(sampleCapture)), int64(len(sampleCapture)), nil
		}})
	}
	return pcaps, logs
}

// inputNames names the inputs for the report's head: "capture 1: FILE",
// "flowlog 1: FILE".
func inputNames(o *replayOptions) []string {
	pcaps, logs := inputs(o)
	var names []string
	for i, in := range pcaps {
		names = append(names, fmt.Sprintf("capture %d: %s", i+1, in.name))
	}
	for i, in := range logs {
		names = append(names, fmt.Sprintf("flowlog %d: %s", i+1, in.name))
	}
	return names
}

// replayInputs replays the -pcap or -flowlog inputs (or the embedded
// sample) through net with cfg, finishes every flow into cfg.OnFlow and
// returns the report; replay, usage and tighten read their traffic with
// it. onCapture, when not nil, sees each capture's reader before its
// packets are replayed. An input that fails partway is listed in partial
// ("capture 1 (FILE): ERROR"), and the report covers what was read before
// it; one that yields nothing is bad input (nothingToReplay).
func replayInputs(e *env, o *replayOptions, net *sgsim.Network, cfg replay.Config, onCapture func(*capture.Reader)) (rep *replay.Report, partial []string, err error) {
	r := replay.New(net, cfg)
	pcaps, logs := inputs(o)
	for i, in := range pcaps {
		err := readInput(in, e.prog, func(rd io.Reader) error {
			c, err := capture.NewReader(rd)
			if err != nil {
				return err
			}
			if onCapture != nil {
				onCapture(c)
			}
			return r.AddCapture(c)
		})
		if err == nil {
			err = nothingToReplay(r, in, i)
		}
		if err != nil {
			if cs, _ := r.Inputs(); len(cs) <= i || cs[i].Packets == 0 {
				return nil, nil, named(in, err)
			}
			partial = append(partial, fmt.Sprintf("capture %d (%s): %v", i+1, in.name, err))
		}
	}
	for i, in := range logs {
		err := readInput(in, e.prog, func(rd io.Reader) error {
			return r.AddFlowLog(flowlog.NewReader(rd, flowlog.Detect))
		})
		if err == nil {
			err = nothingToReplay(r, in, i)
		}
		if err != nil {
			if _, ls := r.Inputs(); len(ls) <= i || ls[i].Records == 0 {
				return nil, nil, named(in, err)
			}
			partial = append(partial, fmt.Sprintf("flowlog %d (%s): %v", i+1, in.name, err))
		}
	}
	return r.Report(), partial, nil // Report finishes the live flows into cfg.OnFlow
}

// inputLines writes the summary's lines about each input (what was read,
// skipped, flagged, where reading stopped) to w, each after prefix.
func inputLines(w io.Writer, prefix string, s *replay.Summary) {
	var b strings.Builder
	s.WriteInputs(&b) // a strings.Builder does not fail
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line != "" {
			fmt.Fprint(w, prefix+line)
		}
	}
}

func replayAll(e *env, o *replayOptions, n *load.Network) error {
	// Create the -dropped-pcap file's stand-in first: an unwritable
	// directory is bad input, better refused before a long replay than
	// after its report. The packets go to a temporary file in the same
	// directory, renamed over the path only when all is written, so a
	// failed run never leaves a truncated file nor empties an existing one.
	var dropped *os.File
	if o.droppedPcap != "" {
		// A directory at the path would only fail the final rename,
		// after the whole report.
		if st, err := os.Stat(o.droppedPcap); err == nil && st.IsDir() {
			return bad("-dropped-pcap %s: is a directory, want a file path", o.droppedPcap)
		}
		var err error
		if dropped, err = os.CreateTemp(filepath.Dir(o.droppedPcap), "."+filepath.Base(o.droppedPcap)+".*.tmp"); err != nil {
			return bad("-dropped-pcap: %v", err)
		}
		defer func() {
			dropped.Close()
			os.Remove(dropped.Name()) // gone once renamed
		}()
	}
	out := newFlowOutput(e, o)
	out.start(n, inputNames(o))
	// Flows go to the output as they finish; the replayer keeps only
	// counts, so memory follows the live flows, not the input's length.
	cfg := replay.Config{InnerDrops: o.innerDrops, Workers: o.workers, OnFlow: out.flow}
	// The dropped packets go to the file as they are found, in one pass
	// (the header takes the first capture's link type).
	var dw *replay.DroppedWriter
	var dropBuf *bufio.Writer
	var onCapture func(*capture.Reader)
	if dropped != nil {
		dropBuf = bufio.NewWriterSize(dropped, 256<<10)
		cfg.OnDropped = func(p *capture.Packet, data []byte, link uint32) { dw.Write(p, data, link) }
		onCapture = func(c *capture.Reader) {
			if dw == nil {
				dw = replay.NewDroppedWriter(dropBuf, c.LinkType())
			}
		}
	}
	// An input that fails partway is reported with what was read before
	// it; one that yields nothing is bad input.
	rep, partial, err := replayInputs(e, o, n.Net, cfg, onCapture)
	if err != nil {
		return err
	}
	if err := out.finish(rep); err != nil {
		return err
	}
	for _, p := range partial {
		fmt.Fprintf(e.stderr, "sgsim replay: %s; the report covers what was read before it\n", oneLine(p))
	}
	if dropped != nil {
		if err := finishDropped(dropped, dropBuf, dw, o.droppedPcap); err != nil {
			return err
		}
	}
	if o.fail && (rep.Summary.Dropped > 0 || len(partial) > 0) {
		return &failError{"flows dropped"}
	}
	return nil
}

// readInput opens one input and reads it with add, showing progress. An
// error opening it is bad input; add's error is returned as it is.
func readInput(in input, prog *progress, add func(io.Reader) error) error {
	rc, size, err := in.open()
	if err != nil {
		return bad("%s: %v", in.flag, err)
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	stop := prog.start(in.name, size, &cr.n)
	err = add(bufio.NewReaderSize(cr, 256<<10))
	stop()
	if err == nil && cr.n.Load() == 0 && in.flag == "-flowlog" {
		// An empty capture is refused by its reader (no file magic); an
		// empty flow log has no line to refuse, yet yields nothing.
		return bad("%s: empty file: want a flow log (AWS v2 or Huawei)", in.name)
	}
	return err
}

// nothingToReplay is the error of the i-th capture (or flow log, by
// in.flag) when it was read to its end without a packet (record) to
// replay: a valid pcap or pcapng header and no packet after it, packets
// all skipped (not IP, ...), or a flow log of a header line alone. The
// report of such a run, "0 of 0 flows would be dropped", tells the user
// nothing and passes -fail-on-drop on nothing, so it is bad input (exit
// 2) like an empty file, and like an input that fails before its first
// packet. A flow log whose records all lack addresses (NODATA) has
// records and is replayed.
func nothingToReplay(r *replay.Replayer, in input, i int) error {
	cs, ls := r.Inputs()
	if in.flag == "-flowlog" {
		if i < len(ls) && ls[i].Records == 0 {
			return errors.New("no records: a flow log with no record line, nothing to replay")
		}
		return nil
	}
	if i >= len(cs) || cs[i].Packets > 0 {
		return nil
	}
	if len(cs[i].Skipped) == 0 {
		return errors.New("no packets: a valid capture header and no packet after it, nothing to replay")
	}
	var skips []string
	for _, s := range cs[i].Skipped {
		skips = append(skips, fmt.Sprintf("%s %d (first packet %d)", s.Reason, s.Count, s.FirstPacket))
	}
	return fmt.Errorf("no packet to replay: every packet skipped: %s", strings.Join(skips, ", "))
}

// named makes an input's error bad input naming the input (an error
// opening it names it already).
func named(in input, err error) error {
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	return bad("%s: %v", in.name, err)
}

// flowOutput writes flows as the replayer finishes them (Config.OnFlow),
// then the summary: text (a table of the dropped flows, or with -all of
// every flow) or JSON lines (every flow; the summary on stderr).
// jsonFlowLine is one line of replay -format json: replay.JSONFlow with
// "schema_version": 1 first.
type jsonFlowLine struct {
	SchemaVersion int `json:"schema_version"`
	replay.JSONFlow
}

type flowOutput struct {
	e     *env
	o     *replayOptions
	bw    *bufio.Writer
	text  *replay.TextWriter
	json  *json.Encoder
	inner int   // dropped inner tunnel flows
	err   error // the first write error
	n     *load.Network
	names []string
}

func newFlowOutput(e *env, o *replayOptions) *flowOutput {
	f := &flowOutput{e: e, o: o, bw: bufio.NewWriterSize(e.stdout, 64<<10)}
	if e.json() {
		f.json = json.NewEncoder(f.bw)
	} else {
		f.text = replay.NewTextWriter(f.bw)
	}
	return f
}

// start writes what comes before the flows.
func (f *flowOutput) start(n *load.Network, names []string) {
	f.n, f.names = n, names
	w := io.Writer(f.bw)
	if f.json != nil {
		// The summary goes to stderr, so that stdout is JSON lines only;
		// it is written at the end.
		return
	}
	fmt.Fprintf(w, "replayed against %s\n", n.Description)
	for _, note := range n.Notes {
		fmt.Fprintln(w, "note:", note)
	}
	for _, name := range names {
		fmt.Fprintln(w, name)
	}
	if f.o.all {
		fmt.Fprintln(w, "\nevery flow, as it ends (ID: order of start):")
	} else {
		fmt.Fprintln(w, "\ndropped flows, as they end (ID: order of start; -all lists every flow):")
	}
}

// flow writes one finished flow (Config.OnFlow; with workers, the
// replayer serializes the calls).
func (f *flowOutput) flow(fl *replay.Flow) {
	if !fl.Allowed() && fl.OuterID != 0 {
		f.inner++
	}
	if f.err != nil {
		return
	}
	if f.json != nil {
		// Each line carries the schema version: a line read alone (grep,
		// tail -f) still says which shape it has.
		f.err = f.json.Encode(jsonFlowLine{1, fl.JSON()})
		return
	}
	if f.o.all || !fl.Allowed() {
		f.err = f.text.Write(fl)
	}
}

// finish writes what comes after the flows.
func (f *flowOutput) finish(rep *replay.Report) error {
	s := &rep.Summary
	if f.json != nil {
		if f.err != nil {
			return f.err
		}
		if err := f.bw.Flush(); err != nil {
			return err
		}
		stderr := f.e.stderr
		fmt.Fprintf(stderr, "replayed against %s\n", f.n.Description)
		for _, note := range f.n.Notes {
			fmt.Fprintln(stderr, "note:", note)
		}
		for _, name := range f.names {
			fmt.Fprintln(stderr, name)
		}
		return s.WriteText(stderr)
	}
	if f.err == nil {
		f.err = f.text.Flush()
	}
	if f.err != nil {
		return f.err
	}
	w := f.bw
	if f.o.all {
		fmt.Fprintf(w, "%d flows, %d would be dropped\n", s.Flows, s.Dropped)
	} else {
		fmt.Fprintf(w, "%d of %d flows would be dropped\n", s.Dropped, s.Flows)
	}
	if err := s.WriteText(w); err != nil {
		return err
	}
	if f.inner > 0 {
		fmt.Fprintf(w, "note: %d dropped flows are inner flows of a tunnel (\"in #ID\" names the outer flow); %s\n", f.inner,
			map[bool]string{false: "they are dropped with the outer flow that carries them.",
				true: "-inner-drops judged them as if not encapsulated, while a security group sees only the outer packet."}[f.o.innerDrops])
	}
	return w.Flush()
}

// finishDropped completes the dropped packets' pcap in the temporary
// file f and renames it to path.
func finishDropped(f *os.File, bw *bufio.Writer, dw *replay.DroppedWriter, path string) error {
	_, err := dw.Close()
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return bad("-dropped-pcap: %v", err)
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil {
		return bad("-dropped-pcap: %v", err)
	}
	if err := f.Close(); err != nil {
		return bad("-dropped-pcap: %v", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return bad("-dropped-pcap: %v", err)
	}
	return nil
}
