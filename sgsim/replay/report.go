package replay

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
)

// Initiator says how a flow's initiator (its Src) was chosen.
type Initiator uint8

// Ways of choosing the initiator.
const (
	InitFirstPacket Initiator = iota // the first packet's source (UDP, other protocols, TCP with equal ports)
	InitSYN                          // TCP: the sender of a SYN without ACK
	InitSYNACK                       // TCP: the receiver of a SYN+ACK (the SYN was not captured)
	InitLowerPort                    // TCP mid-stream: the end with the lower port is the server
	InitEchoRequest                  // ICMP: the sender of an echo request
	InitEchoReply                    // ICMP: the receiver of an echo reply (the request was not captured)
	InitFlowLog                      // flow log: the record's source
	InitQuery                        // ICMP: the sender of a query other than echo (timestamp, node information, ...: sgsim.ICMPReply)
	InitQueryReply                   // ICMP: the receiver of such a query's reply (the query was not captured)
)

var initNames = [...]string{"first-packet", "syn", "syn-ack", "lower-port", "echo-request", "echo-reply", "flow-log", "icmp-query", "icmp-query-reply"}

func (i Initiator) String() string {
	if int(i) < len(initNames) {
		return initNames[i]
	}
	return "Initiator(" + strconv.Itoa(int(i)) + ")"
}

// End says why a flow stopped being tracked.
type End uint8

// Reasons a flow ends.
const (
	EndOfInput  End = iota // still live when Report was called
	EndIdle                // idle past its timeout; a later packet starts a new flow
	EndReopened            // TCP: closed (FIN both ways or RST) and a new SYN reused the ports
	EndFlowLog             // a flow-log record, complete in itself
)

var endNames = [...]string{"end-of-input", "idle-timeout", "reopened", "flow-log"}

func (e End) String() string {
	if int(e) < len(endNames) {
		return endNames[e]
	}
	return "End(" + strconv.Itoa(int(e)) + ")"
}

// Flow is one replayed flow as the report gives it. Src and Dst (with
// their ports) are the initiator and the responder; "forward" is the
// initiator's direction.
type Flow struct {
	ID               int // 1-based, in the order flows started
	Proto            sgsim.Protocol
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	// ICMPType and ICMPCode are those evaluated: the query's for a query
	// and its reply (echo, timestamp, ...: sgsim.ICMPReply; code 0 when
	// only the reply was seen), the message's own for other ICMP.
	ICMPType, ICMPCode uint8
	ICMPID             uint16 // echo identifier
	Initiator          Initiator
	// StartNotSeen: the flow's first packet (TCP SYN, echo request) was
	// not captured, so Initiator is inferred.
	StartNotSeen bool
	// First and Last are the earliest and latest timestamps of its
	// packets (a flow-log record's start and end); the zero time when
	// none of its packets had one.
	First, Last          time.Time
	FwdPackets, FwdBytes uint64 // bytes are frame lengths on the wire (capture Packet.Len)
	RevPackets, RevBytes uint64
	ICMPErrors           uint64 // related ICMP errors, included in the packet counts
	Decision             sgsim.Decision
	Tunnel               capture.Tunnel // for a flow inside VXLAN/Geneve
	VNI                  uint32
	OuterID              int        // ID of the outer flow that carried the first packet; 0: not tunnelled
	Outer                sgsim.Flow // that outer flow, initiator first
	End                  End
	Source               string // "capture 1 packet 3", "flowlog 1 line 2"
	Logged               string // the flow log's own action (ACCEPT, REJECT)
}

// Flow returns the flow as it was evaluated with Network.Decide.
func (f *Flow) Flow() sgsim.Flow {
	return sgsim.Flow{Proto: f.Proto, Src: f.Src, Dst: f.Dst, SrcPort: f.SrcPort, DstPort: f.DstPort, ICMPType: f.ICMPType, ICMPCode: f.ICMPCode}
}

// Allowed reports whether the network lets the flow through.
func (f *Flow) Allowed() bool { return f.Decision.Allowed }

// Report is the outcome of a replay.
type Report struct {
	Flows    []*Flow // in the order they started; empty with Config.OnFlow
	Summary  Summary
	Timeouts Timeouts
}

// Summary counts flows by verdict and by deciding rule, and lists what
// the readers skipped.
type Summary struct {
	Flows, Allowed, Dropped int
	// AllowedPackets and DroppedPackets add up the packets of allowed and
	// dropped flows, both ways. A tunnelled packet counts on its outer
	// and on its inner flow.
	AllowedPackets, DroppedPackets uint64
	// Outside counts the flows among Allowed that no hop judged
	// (sgsim.Decision.Outside): neither end has a security group and no
	// network ACL lies between them, typically both addresses outside the
	// network, so they pass by default, not by a rule. An inner tunnel
	// flow that shares its carrier's fate counts when its carrier does.
	Outside      int
	StartNotSeen int
	// OutOfOrder counts packets whose timestamp was earlier than one
	// before them.
	OutOfOrder int
	// TimeOutliers counts packets whose timestamp was far from the
	// capture clock (more than JumpFactor times the largest timeout) and
	// not confirmed by the packets after them; the clock did not follow
	// them. ClockJumps counts the jumps of the clock that JumpConfirm
	// packets in a row confirmed (gaps in the capture).
	TimeOutliers, ClockJumps int
	// ByRule has one entry for all allowed flows, then one per dropping
	// (hop, group, rule), most flows first.
	ByRule   []RuleCount
	Captures []CaptureStats
	FlowLogs []FlowLogStats
}

// RuleCount counts the flows one rule decided.
type RuleCount struct {
	Allowed bool
	Hop     sgsim.Hop
	Group   string
	Rule    string // rule ID; "" for the default deny or a rule without ID
	Origin  string // the rule's provenance (Origin.String())
	Why     string // Verdict.Why()
	Flows   int
	Packets uint64
}

// CaptureStats describes one capture given to AddCapture.
type CaptureStats struct {
	Packets        int // packets the reader delivered
	DroppedPackets int // of those, packets the network would drop
	// Skipped and Flagged are the reader's own counts of packets it
	// skipped and delivered with a caveat.
	Skipped, Flagged []capture.Skip
	Err              string // the read error that stopped the capture, if any
	// ErrOffset and ErrAfter say where reading stopped when Err is set:
	// the byte offset of the record or block that could not be read, and
	// the number of the last packet record before it (delivered or
	// skipped). Every packet before it was replayed.
	ErrOffset int64
	ErrAfter  int
	// TimeOutliers counts the packets whose timestamps were outliers
	// (Summary.TimeOutliers); FirstTimeOutlier is the Packet.N of the
	// first. ClockJumps counts confirmed jumps of the clock.
	TimeOutliers, FirstTimeOutlier, ClockJumps int
	// Dropped lists the dropped packets, with Config.RecordDropped.
	Dropped []DroppedPacket
}

// DroppedPacket identifies one dropped packet in its capture.
type DroppedPacket struct {
	N           int // Packet.N
	Time        time.Time
	Len, CapLen int
}

// FlowLogStats describes one flow log given to AddFlowLog.
type FlowLogStats struct {
	Records int // records the reader returned
	NoData  int // of those, records without addresses (IncludeNoData)
	Skipped []flowlog.Skip
	Err     string // the read or parse error that stopped the log, if any
	ErrLine int    // the line it stopped at, when Err is set; the records before it were replayed
}

func verdictWord(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "dropped"
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func endpoint(a netip.Addr, port uint16, p sgsim.Protocol) string {
	if !p.HasPorts() {
		return a.String()
	}
	return netip.AddrPortFrom(a, port).String()
}

// WriteText writes the flows as a table (TextWriter), then the summary
// (Summary.WriteText).
func (rep *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	tw := NewTextWriter(bw)
	for _, f := range rep.Flows {
		if err := tw.Write(f); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := rep.Summary.WriteText(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// TextBlock is how many rows a TextWriter aligns at a time.
const TextBlock = 1000

// A TextWriter writes flows as the rows of a table, one at a time, as
// Config.OnFlow hands them over: a header line, then one row per flow.
// Columns are aligned over blocks of TextBlock rows, and each block is
// written out when it is full, so the memory a TextWriter holds does not
// grow with the number of flows (a column may widen from one block to
// the next).
type TextWriter struct {
	w      io.Writer
	tw     *tabwriter.Writer
	rows   int
	header bool
}

// NewTextWriter returns a TextWriter writing to w.
func NewTextWriter(w io.Writer) *TextWriter {
	return &TextWriter{w: w, tw: tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)}
}

const textHeader = "ID\tPROTO\tSRC\tDST\tINITIATOR\tFIRST\tDURATION\tPACKETS\tBYTES\tVERDICT\tDETAIL\n"

// Write writes f's row (after the header line, for the first).
func (t *TextWriter) Write(f *Flow) error {
	if !t.header {
		t.header = true
		if _, err := io.WriteString(t.tw, textHeader); err != nil {
			return err
		}
	}
	proto := f.Proto.String()
	if f.Proto.IsICMP() {
		proto += " " + strconv.Itoa(int(f.ICMPType)) + "/" + strconv.Itoa(int(f.ICMPCode))
	}
	var dur string
	if !f.First.IsZero() && !f.Last.IsZero() {
		dur = f.Last.Sub(f.First).String()
	}
	if _, err := fmt.Fprintf(t.tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%d/%d\t%s\t%s\n", f.ID, proto,
		endpoint(f.Src, f.SrcPort, f.Proto), endpoint(f.Dst, f.DstPort, f.Proto), f.Initiator,
		fmtTime(f.First), dur, f.FwdPackets, f.RevPackets, f.FwdBytes, f.RevBytes,
		verdictWord(f.Decision.Allowed), detail(f)); err != nil {
		return err
	}
	t.rows++
	if t.rows%TextBlock == 0 {
		return t.tw.Flush()
	}
	return nil
}

// Flush writes the rows held for alignment, and the header line if no
// flow was written.
func (t *TextWriter) Flush() error {
	if !t.header {
		t.header = true
		if _, err := io.WriteString(t.tw, textHeader); err != nil {
			return err
		}
	}
	return t.tw.Flush()
}

// A JSONWriter writes flows as JSON lines (JSONFlow), one at a time, as
// Config.OnFlow hands them over.
type JSONWriter struct{ enc *json.Encoder }

// NewJSONWriter returns a JSONWriter writing to w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{json.NewEncoder(w)} }

// Write writes f as one line.
func (j *JSONWriter) Write(f *Flow) error { return j.enc.Encode(f.JSON()) }

// detail is the table's last column: where and why a flow was dropped,
// and notes.
func detail(f *Flow) string {
	var parts []string
	if !f.Decision.Allowed {
		parts = append(parts, "at "+f.Decision.Hop.String()+" by "+f.Decision.Verdict.Why())
	}
	if f.Decision.Outside {
		parts = append(parts, "no hop")
	}
	if f.StartNotSeen {
		parts = append(parts, "start not seen")
	}
	if f.ICMPErrors > 0 {
		parts = append(parts, strconv.FormatUint(f.ICMPErrors, 10)+" ICMP errors")
	}
	if f.OuterID != 0 {
		parts = append(parts, f.Tunnel.String()+" vni "+strconv.Itoa(int(f.VNI))+" in #"+strconv.Itoa(f.OuterID))
	}
	if f.Logged != "" {
		parts = append(parts, "logged "+f.Logged)
	}
	if f.End == EndIdle || f.End == EndReopened {
		parts = append(parts, "ended: "+f.End.String())
	}
	return strings.Join(parts, "; ")
}

// OutsideText says what an outside flow (sgsim.Decision.Outside) is,
// after a count: replay's summary and package usage's report say it in
// the same words.
const OutsideText = "passed no hop: no security group or network ACL on their path, allowed by default"

// WriteText writes the summary as the lines that end Report.WriteText.
func (s *Summary) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	writeSummary(bw, s)
	return bw.Flush()
}

func writeSummary(w io.Writer, s *Summary) {
	var outside string
	if s.Outside > 0 {
		outside = fmt.Sprintf(" (%d of them %s)", s.Outside, OutsideText)
	}
	fmt.Fprintf(w, "flows: %d allowed%s, %d dropped (packets: %d allowed, %d dropped); start not seen: %d; out-of-order packets: %d\n",
		s.Allowed, outside, s.Dropped, s.AllowedPackets, s.DroppedPackets, s.StartNotSeen, s.OutOfOrder)
	for _, rc := range s.ByRule {
		if rc.Allowed {
			fmt.Fprintf(w, "  allowed: %d flows, %d packets\n", rc.Flows, rc.Packets)
			continue
		}
		line := "  dropped at " + rc.Hop.String() + " by " + rc.Why
		fmt.Fprintf(w, "%s: %d flows, %d packets\n", line, rc.Flows, rc.Packets)
	}
	writeInputs(w, s)
}

// WriteInputs writes the summary's lines about each input (packets or
// records read, what the reader skipped or flagged, where it stopped),
// as they end Summary.WriteText: for a tool that reports the flows its
// own way but must still say what was not read.
func (s *Summary) WriteInputs(w io.Writer) error {
	bw := bufio.NewWriter(w)
	writeInputs(bw, s)
	return bw.Flush()
}

func writeInputs(w io.Writer, s *Summary) {
	for i, c := range s.Captures {
		fmt.Fprintf(w, "capture %d: %d packets, %d would be dropped; skipped: %s; flagged: %s\n",
			i+1, c.Packets, c.DroppedPackets, captureSkips(c.Skipped), captureSkips(c.Flagged))
		// Each part only when it happened: "timestamp outliers 0 (first
		// packet 0)" read as if packet 0 were one.
		var clock []string
		if c.TimeOutliers > 0 {
			clock = append(clock, fmt.Sprintf("timestamp outliers %d (first packet %d), not followed by the clock", c.TimeOutliers, c.FirstTimeOutlier))
		}
		if c.ClockJumps > 0 {
			clock = append(clock, fmt.Sprintf("clock jumps %d (gaps the packets after them confirmed; the clock followed)", c.ClockJumps))
		}
		if clock != nil {
			fmt.Fprintf(w, "capture %d: %s\n", i+1, strings.Join(clock, "; "))
		}
		if c.Err != "" {
			fmt.Fprintf(w, "capture %d: stopped: %s\n", i+1, c.Err)
		}
	}
	for i, l := range s.FlowLogs {
		var sk []string
		for _, x := range l.Skipped {
			sk = append(sk, fmt.Sprintf("%s %d (first line %d)", x.Reason, x.Count, x.FirstLine))
		}
		if l.NoData > 0 {
			sk = append(sk, fmt.Sprintf("no flow data %d", l.NoData))
		}
		fmt.Fprintf(w, "flowlog %d: %d records; skipped: %s\n", i+1, l.Records, orNone(sk))
		if l.Err != "" {
			fmt.Fprintf(w, "flowlog %d: stopped: %s\n", i+1, l.Err)
		}
	}
}

func captureSkips(ss []capture.Skip) string {
	var out []string
	for _, x := range ss {
		out = append(out, fmt.Sprintf("%s %d (first packet %d)", x.Reason, x.Count, x.FirstPacket))
	}
	return orNone(out)
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// JSONFlow is the JSON-lines form of a Flow (snake_case keys). Packets and
// bytes are totals of both directions; the fwd_ and rev_ fields split
// them. Hop, group and rule are "" for allowed flows.
type JSONFlow struct {
	ID           int     `json:"id"`
	Src          string  `json:"src"`
	Dst          string  `json:"dst"`
	SrcPort      uint16  `json:"sport"`
	DstPort      uint16  `json:"dport"`
	Proto        string  `json:"proto"`
	ICMPType     *uint8  `json:"icmp_type,omitempty"`
	ICMPCode     *uint8  `json:"icmp_code,omitempty"`
	ICMPID       uint16  `json:"icmp_id,omitempty"`
	Initiator    string  `json:"initiator"`
	StartNotSeen bool    `json:"start_not_seen"`
	First        string  `json:"first"`
	Last         string  `json:"last"`
	Packets      uint64  `json:"packets"`
	Bytes        uint64  `json:"bytes"`
	FwdPackets   uint64  `json:"fwd_packets"`
	FwdBytes     uint64  `json:"fwd_bytes"`
	RevPackets   uint64  `json:"rev_packets"`
	RevBytes     uint64  `json:"rev_bytes"`
	ICMPErrors   uint64  `json:"icmp_errors,omitempty"`
	Verdict      string  `json:"verdict"`
	Delivered    bool    `json:"delivered"` // the forward path: Decision.Delivered
	Reply        string  `json:"reply"`     // the reply path: Decision.Reply ("answered", "dropped", "not applicable", "not sent")
	Outside      bool    `json:"outside"`   // allowed with no hop on its path: Decision.Outside (Summary.Outside counts them)
	Hop          string  `json:"hop"`
	Group        string  `json:"group"`
	Rule         string  `json:"rule"`
	Origin       string  `json:"origin,omitempty"`
	Why          string  `json:"why,omitempty"`
	Tunnel       string  `json:"tunnel,omitempty"`
	VNI          *uint32 `json:"vni,omitempty"`
	Outer        string  `json:"outer,omitempty"`
	OuterID      int     `json:"outer_id,omitempty"`
	Logged       string  `json:"logged_action,omitempty"`
	End          string  `json:"end"`
	Source       string  `json:"source,omitempty"`
}

// JSON returns the JSON-lines form of f.
func (f *Flow) JSON() JSONFlow {
	j := JSONFlow{
		ID: f.ID, Src: f.Src.String(), Dst: f.Dst.String(), SrcPort: f.SrcPort, DstPort: f.DstPort,
		Proto: f.Proto.String(), ICMPID: f.ICMPID, Initiator: f.Initiator.String(), StartNotSeen: f.StartNotSeen,
		First: fmtTime(f.First), Last: fmtTime(f.Last),
		Packets: f.FwdPackets + f.RevPackets, Bytes: f.FwdBytes + f.RevBytes,
		FwdPackets: f.FwdPackets, FwdBytes: f.FwdBytes, RevPackets: f.RevPackets, RevBytes: f.RevBytes,
		ICMPErrors: f.ICMPErrors, Verdict: verdictWord(f.Decision.Allowed),
		Delivered: f.Decision.Delivered, Reply: f.Decision.Reply.String(), Outside: f.Decision.Outside,
		End: f.End.String(), Source: f.Source, Logged: f.Logged,
	}
	if f.Proto.IsICMP() {
		t, c := f.ICMPType, f.ICMPCode
		j.ICMPType, j.ICMPCode = &t, &c
	}
	if !f.Decision.Allowed {
		v := f.Decision.Verdict
		j.Hop, j.Group, j.Why = f.Decision.Hop.String(), v.Group, v.Why()
		if v.Rule != nil {
			j.Rule, j.Origin = v.Rule.ID, v.Rule.Origin.String()
		}
	}
	if f.OuterID != 0 {
		vni := f.VNI
		j.Tunnel, j.VNI, j.Outer, j.OuterID = f.Tunnel.String(), &vni, f.Outer.String(), f.OuterID
	}
	return j
}

// WriteJSON writes one JSON object per flow, one per line (JSONFlow).
func (rep *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	jw := NewJSONWriter(bw)
	for _, f := range rep.Flows {
		if err := jw.Write(f); err != nil {
			return err
		}
	}
	return bw.Flush()
}
