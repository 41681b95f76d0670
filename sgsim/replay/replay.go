package replay

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
)

// IANA protocol numbers the tracker treats specially.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// Config tunes a Replayer. The zero Config is ready to use.
type Config struct {
	// Timeouts are the idle timeouts; the zero value means
	// TimeoutsFor(network.Cloud()).
	Timeouts Timeouts
	// OnFlow, if set, receives every flow as it finishes (idle timeout,
	// TCP close followed by a new SYN, end of input, or a flow-log
	// record), and Report.Flows stays empty: memory is then bounded by
	// the live flows. The *Flow is the caller's to keep.
	OnFlow func(*Flow)
	// RecordDropped makes AddCapture remember the number, time and
	// length of every packet that would be dropped (CaptureStats.Dropped),
	// which WriteDropped needs. It costs 48 bytes per dropped packet.
	RecordDropped bool
	// OnDropped, if set, is called by AddCapture for every packet the
	// network would drop, in packet order and on the calling goroutine
	// (with Workers too), with the bytes of its record as the capture
	// holds them and its link type (capture.Reader.Data); data is valid
	// only during the call. Unlike RecordDropped it costs no memory per
	// packet and no second pass over the capture: a DroppedWriter writes
	// the packets to a pcap as they come. Packets given to Packet
	// directly are not passed to it.
	OnDropped func(p *capture.Packet, data []byte, link uint32)
	// InnerDrops makes a tunnelled packet count as dropped when its inner
	// flow, evaluated against the network as if it were not encapsulated
	// (Network.DecideNative), would be dropped. By default it
	// is off: security groups and ACLs see only the outer packet (VXLAN,
	// Geneve). An inner flow between overlay endpoints of the network
	// (sgsim.Overlay) then takes Network.DecideCarried with the hosts of
	// the outer packet that first carried it: the one definition the
	// network model uses, so replay and Network.Decide agree whenever
	// the capture's hosts are the placement's. Any other inner flow takes
	// the decision of its first carrier and is dropped exactly when the
	// carrier is.
	InnerDrops bool
	// Workers is the number of goroutines that track flows while
	// AddCapture reads a capture; 0 and 1 mean the calling goroutine
	// does everything. With several workers each flow is owned by one
	// worker, chosen by a hash of its key (see Workers in the package
	// documentation); the report is the same as with one worker, except
	// that an inner tunnel flow carried between two different pairs of
	// nodes is reported once per pair. OnFlow is then called from the
	// workers, one call at a time, in the order flows finish in each
	// worker, with IDs that order flows by start but are not consecutive;
	// Report renumbers them 1, 2, ... as one worker would.
	//
	// Workers above MaxWorkers() are clamped to it (Replayer.Workers
	// says how many run): decoding stays on one goroutine, so more
	// workers than CPUs only add memory (each has its own flow table and
	// queues).
	Workers int
}

// WorkersPerCPU is the multiple of GOMAXPROCS that Config.Workers is
// clamped to.
const WorkersPerCPU = 4

// MaxWorkers returns the most workers a Replayer runs: WorkersPerCPU times
// runtime.GOMAXPROCS(0).
func MaxWorkers() int { return WorkersPerCPU * runtime.GOMAXPROCS(0) }

// Replayer replays packets and flow-log records through a Network's
// stateful packet path. It is not safe for concurrent use.
type Replayer struct {
	net      *sgsim.Network
	cfg      Config
	timeouts Timeouts
	sweep    int64 // sweep period in ns; 0: never

	table   map[key]int32 // live flows: index into slab
	slab    []state
	free    []int32 // free slots of slab
	scratch []int32

	nextID    int
	clock     int64 // latest capture time seen, ns, once haveClock
	haveClock bool  // a packet with a timestamp has been seen
	nextSweep int64
	jump      int64 // a timestamp farther than this from the clock is an outlier; 0: never

	// Timestamps farther than jump from the clock, in a row, not yet
	// known to be outliers or a real jump of the clock (see tick).
	pend      int
	pendFirst int   // Packet.N of the first
	pendLast  int64 // timestamp of the last, ns

	flows    []*Flow
	sum      Summary
	rules    map[ruleKey]int // index into sum.ByRule
	capture  *CaptureStats   // the capture being read, or nil
	captureN int             // 1-based number of that capture

	data   func() ([]byte, uint32) // the capture's Reader.Data, during AddCapture
	shards []*Replayer             // Workers > 1: the workers' replayers, which own the flows
	seq    int                     // Workers > 1: packets and records seen, for flow IDs
	shard  bool                    // this is a worker's replayer: flow IDs are 2*cur+sub
	cur    int                     // worker: seq of the packet being tracked
	onFlow func(*Flow)             // Config.OnFlow, serialized when there are workers
	pipe   *pipe                   // the running workers, during AddCapture

	largestChunk int           // the most items a pipeline chunk had (tests)
	carrier      [2]netip.Addr // the outer source and destination of the tunnelled packet being tracked
}

// New returns a Replayer for the network.
func New(n *sgsim.Network, cfg Config) *Replayer {
	r := &Replayer{net: n, cfg: cfg, table: map[key]int32{}, rules: map[ruleKey]int{}, onFlow: cfg.OnFlow}
	r.timeouts = cfg.Timeouts
	if r.timeouts == (Timeouts{}) {
		r.timeouts = TimeoutsFor(n.Cloud())
	}
	r.sweep = int64(r.timeouts.minimum())
	if r.sweep > 0 && r.sweep < int64(time.Second) {
		r.sweep = int64(time.Second)
	}
	if m := int64(r.timeouts.maximum()); m > 0 {
		r.jump = JumpFactor * m
		if r.jump/JumpFactor != m {
			r.jump = math.MaxInt64
		}
	}
	if r.cfg.Workers > MaxWorkers() {
		r.cfg.Workers = MaxWorkers()
	}
	if r.cfg.Workers > 1 {
		r.newShards()
	}
	return r
}

// Workers returns the number of goroutines that track flows: 1, or
// Config.Workers clamped to MaxWorkers.
func (r *Replayer) Workers() int { return max(1, len(r.shards)) }

// Timeouts returns the idle timeouts in use.
func (r *Replayer) Timeouts() Timeouts { return r.timeouts }

// Inputs returns what each capture and flow log given so far yielded, as
// Summary.Captures and Summary.FlowLogs will (for a caller deciding
// whether an input that failed partway gave anything to report).
func (r *Replayer) Inputs() ([]CaptureStats, []FlowLogStats) {
	return slices.Clone(r.sum.Captures), slices.Clone(r.sum.FlowLogs)
}

// Live returns the number of flows currently tracked.
func (r *Replayer) Live() int {
	n := len(r.table)
	for _, s := range r.shards {
		n += len(s.table)
	}
	return n
}

// key identifies a tracked flow independently of direction: side a is
// the lower (address, port) of the two. It holds no pointers and no
// padding, so the map hashes it as 48 plain bytes and the garbage
// collector never scans the table's keys.
type key struct {
	a, b  [16]byte // addresses, As16
	ports uint32   // port (or echo id, or ICMP type<<8|code) of a <<16 | of b
	meta  uint32   // proto | kind<<8 | tunnel<<16 | is6<<24
	vni   uint32
	pad   uint32 // always zero; a named field keeps the key plain memory for hashing
}

func (k *key) proto() uint8           { return uint8(k.meta) }
func (k *key) tunnel() capture.Tunnel { return capture.Tunnel(k.meta >> 16) }

const (
	kindPlain = iota // ports as in the header (or none)
	kindEcho         // ICMP echo: ap = bp = identifier
	kindICMP         // other ICMP message: ap = bp = type<<8 | code; for another query and its reply, the query's type<<8
)

type state struct {
	k     key
	id    int
	initA bool // the initiator is side a of k
	flow  sgsim.Flow
	dec   sgsim.Decision
	how   Initiator
	nsn   bool // start not seen

	first, last   int64 // actual timestamps, ns
	seen          int64 // capture clock at the last packet, for expiry
	fwdP, revP    uint64
	fwdB, revB    uint64
	icmpErrors    uint64
	finFwd, finRv bool
	rst           bool

	icmpID    uint16
	outerID   int
	outerFlow sgsim.Flow
	vni       uint32
	tunnel    capture.Tunnel
	capN      int // 1-based capture of the first packet; 0: Packet called directly
	pktN      int // Packet.N of the first packet
}

func (s *state) closed() bool { return s.rst || s.finFwd && s.finRv }

// AddCapture replays every packet of c (see Packet) until io.EOF, and
// records what the reader skipped and flagged in Summary.Captures. Flows
// stay tracked across calls, so captures of consecutive periods can be
// added one after another. A read error other than io.EOF stops the
// capture and is returned; the packets before it count.
//
// The report stays valid after a read error: everything read before it
// is replayed and counted, and CaptureStats says where reading stopped
// (ErrOffset, ErrAfter). The error returned names that place: a
// *capture.FormatError does already, any other error is wrapped in one
// that does.
func (r *Replayer) AddCapture(c *capture.Reader) error {
	r.data = c.Data
	err := r.addCapture(c.Next, c.Skipped, c.Flagged)
	r.data = nil
	if err == nil {
		return nil
	}
	cs := &r.sum.Captures[len(r.sum.Captures)-1]
	var fe *capture.FormatError
	if errors.As(err, &fe) {
		cs.ErrOffset, cs.ErrAfter = fe.Offset, fe.After
		return err
	}
	cs.ErrOffset, cs.ErrAfter = c.Offset(), c.Records()
	err = fmt.Errorf("capture: reading at byte %d (after packet %d): %w", cs.ErrOffset, cs.ErrAfter, err)
	cs.Err = err.Error()
	return err
}

// addCapture is AddCapture over any source of packets.
func (r *Replayer) addCapture(next func(*capture.Packet) error, skipped, flagged func() []capture.Skip) error {
	r.sum.Captures = append(r.sum.Captures, CaptureStats{})
	r.captureN = len(r.sum.Captures)
	cs := &r.sum.Captures[r.captureN-1]
	r.capture = cs
	defer func() { r.capture, r.captureN = nil, 0 }()
	var err error
	r.resolveOutliers() // those of packets given to Packet before
	if r.shards != nil {
		err = r.pipeline(next)
	} else {
		var p capture.Packet
		for {
			if err = next(&p); err != nil {
				break
			}
			if r.Packet(&p) && r.cfg.OnDropped != nil {
				data, link := r.rawData()
				r.cfg.OnDropped(&p, data, link)
			}
		}
	}
	r.resolveOutliers()
	cs.Skipped = skipped()
	cs.Flagged = flagged()
	if err == io.EOF {
		return nil
	}
	cs.Err = err.Error()
	return err
}

// rawData returns the record of the packet just read, if the source has
// records (tests replay decoded packets without).
func (r *Replayer) rawData() ([]byte, uint32) {
	if r.data == nil {
		return nil, 0
	}
	return r.data()
}

// Packet replays one packet and reports whether the network would drop
// it: its flow (or, for tunnelled traffic, its outer or inner flow) is
// dropped. AddCapture calls it for every packet; call it directly to
// replay packets from another source. Packets of flows already tracked do
// not allocate.
func (r *Replayer) Packet(p *capture.Packet) (dropped bool) {
	ts, now := r.tick(p)
	if r.shards != nil {
		r.seq++
		dropped = r.routed(p, ts, now)
	} else {
		dropped = r.step(p, ts, now, false)
	}
	if dropped && r.capture != nil {
		r.capture.DroppedPackets++
		if r.cfg.RecordDropped {
			r.capture.Dropped = append(r.capture.Dropped, DroppedPacket{N: p.N, Time: p.Time, Len: p.Len, CapLen: p.CapLen})
		}
	}
	return dropped
}

// JumpFactor and JumpConfirm define a timestamp outlier: a timestamp
// more than JumpFactor times the largest idle timeout away from the
// capture clock (either way) is not followed by the clock, unless
// JumpConfirm packets in a row, each within that distance of the one
// before, agree on it (see Time in the package documentation).
const (
	JumpFactor  = 4
	JumpConfirm = 8
)

// noTime is the timestamp of a packet without one, before any packet had
// one.
const noTime = math.MinInt64

// tick advances the capture clock to p's timestamp, sweeps expired flows
// when a sweep is due, counts the packet, and returns p's time (noTime
// for none) and the clock (both ns).
//
// A timestamp farther than r.jump from the clock is held as a possible
// outlier: the clock stays, and the packet is tracked at its own time
// (its flow's seen time too, so that its flow does not expire under it if
// the clock then follows). When JumpConfirm such packets in a row agree,
// the clock really jumped (a gap in the capture, or captures far apart):
// it follows, and the held packets were not outliers. Otherwise the next
// packet near the clock makes them outliers (resolveOutliers).
func (r *Replayer) tick(p *capture.Packet) (ts, now int64) {
	now = r.clock
	ts = now
	if !r.haveClock {
		ts = noTime
	}
	if !p.Time.IsZero() {
		ts = unixNano(p.Time)
		switch {
		case !r.haveClock:
			now, r.haveClock = ts, true
			r.nextSweep = addSat(now, r.sweep)
		case r.jump > 0 && far(ts, now, r.jump):
			if ts < now {
				r.sum.OutOfOrder++
			}
			if r.pend > 0 && !far(ts, r.pendLast, r.jump) {
				r.pend++
			} else {
				r.resolveOutliers()
				r.pend, r.pendFirst = 1, p.N
			}
			r.pendLast = ts
			if r.pend >= JumpConfirm {
				r.pend = 0
				r.sum.ClockJumps++
				if r.capture != nil {
					r.capture.ClockJumps++
				}
				if ts < now {
					r.nextSweep = addSat(ts, r.sweep)
				}
				now = ts
			}
		default:
			r.resolveOutliers()
			if ts >= now {
				now = ts
			} else {
				r.sum.OutOfOrder++
			}
		}
	}
	r.clock = now
	if r.sweep > 0 && r.haveClock && now >= r.nextSweep {
		r.sweepAll(now)
		r.nextSweep = addSat(now, r.sweep)
	}
	if r.capture != nil {
		r.capture.Packets++
	}
	return ts, now
}

// resolveOutliers counts the held timestamps (see tick) as outliers.
func (r *Replayer) resolveOutliers() {
	if r.pend == 0 {
		return
	}
	r.sum.TimeOutliers += r.pend
	if cs := r.capture; cs != nil {
		if cs.TimeOutliers == 0 {
			cs.FirstTimeOutlier = r.pendFirst
		}
		cs.TimeOutliers += r.pend
	}
	r.pend = 0
}

// far reports whether a and b are more than d apart, without overflow.
func far(a, b, d int64) bool {
	if a < b {
		a, b = b, a
	}
	return uint64(a)-uint64(b) > uint64(d)
}

// unixNano is t in Unix nanoseconds, saturating instead of overflowing
// outside the years 1678-2262.
func unixNano(t time.Time) int64 {
	const lim = math.MaxInt64 / int64(time.Second)
	switch sec := t.Unix(); {
	case sec >= lim:
		return math.MaxInt64 - 1
	case sec <= -lim:
		return math.MinInt64 + 1
	}
	return t.UnixNano()
}

// step tracks the packet's outer header and, for tunnelled traffic, its
// inner header, and reports whether either flow is dropped. skipQuote
// says the outer header is an ICMP error whose quoted flow is known not
// to be tracked.
func (r *Replayer) step(p *capture.Packet, ts, now int64, skipQuote bool) (dropped bool) {
	outer, dropped := r.track(&p.Header, capture.TunnelNone, 0, ts, now, p.Len, p.N, -1, skipQuote)
	if p.Inner.Present {
		r.carrier = [2]netip.Addr{p.Header.Src, p.Header.Dst}
		if _, d := r.track(&p.Inner.Header, p.Inner.Tunnel, p.Inner.VNI, ts, now, p.Len, p.N, outer, false); d {
			dropped = true
		}
	}
	return dropped
}

// addSat is a+b for b > 0, saturating at the largest int64 so that
// absurd timestamps cannot make every packet sweep.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// canon orders the two ends of a packet into a key; fromA reports whether
// the packet's source is side a.
func canon(proto uint8, src, dst netip.Addr, sp, dp uint16, kind uint8, tun capture.Tunnel, vni uint32) (k key, fromA bool) {
	sa, da := src.As16(), dst.As16()
	k.meta = uint32(proto) | uint32(kind)<<8 | uint32(tun)<<16
	if src.Is6() {
		k.meta |= 1 << 24
	}
	k.vni = vni
	c := bytes.Compare(sa[:], da[:])
	if c < 0 || c == 0 && sp <= dp {
		k.a, k.b, k.ports = sa, da, uint32(sp)<<16|uint32(dp)
		return k, true
	}
	k.a, k.b, k.ports = da, sa, uint32(dp)<<16|uint32(sp)
	return k, false
}

func isICMP(p uint8) bool { return p == protoICMP || p == protoICMPv6 }

// query reports whether h is an ICMP query or its reply (the pairs of
// sgsim.ICMPReply), whether it is the query, and the query's type.
func query(h *capture.Header) (isQuery, request bool, reqType uint8) {
	if !isICMP(h.Proto) {
		return false, false, 0
	}
	p := sgsim.ProtocolNumber(h.Proto)
	if _, ok := sgsim.ICMPReply(p, h.ICMPType); ok {
		return true, true, h.ICMPType
	}
	if q, ok := sgsim.ICMPRequest(p, h.ICMPType); ok {
		return true, false, q
	}
	return false, false, 0
}

// isEchoType reports whether t is an echo request (the query the capture
// decodes an identifier for) of the ICMP protocol p.
func isEchoType(p, t uint8) bool {
	return p == protoICMP && t == 8 || p == protoICMPv6 && t == 128
}

func (r *Replayer) expired(st *state, now int64) bool {
	t := r.timeouts.idle(st.k.proto(), st.fwdP > 0 && st.revP > 0)
	return t > 0 && now-st.seen > t
}

// track counts one header on its flow, opening the flow when needed, and
// returns the flow's slot and whether the flow is dropped.
//
// outer is the slot of the flow that carried h in a tunnel, or -1.
func (r *Replayer) track(h *capture.Header, tun capture.Tunnel, vni uint32, ts, now int64, length, n int, outer int32, skipQuote bool) (int32, bool) {
	if !skipQuote && isICMP(h.Proto) && h.Quoted.Present {
		if idx, ok := r.quoted(h, tun, vni, ts, now, length); ok {
			return idx, !r.slab[idx].dec.Allowed
		}
	}
	k, fromA := flowKey(h, tun, vni)
	idx, ok := r.table[k]
	if ok {
		st := &r.slab[idx]
		switch {
		case r.expired(st, now):
			r.finish(idx, EndIdle)
			ok = false
		case h.Proto == protoTCP && st.closed() && h.TCPFlags.SYN() && !h.TCPFlags.ACK():
			r.finish(idx, EndReopened)
			ok = false
		}
	}
	if !ok {
		idx = r.open(k, fromA, h, n, outer)
	}
	st := &r.slab[idx]
	fwd := fromA == st.initA
	st.count(fwd, ts, now, length)
	if h.Proto == protoTCP {
		if h.TCPFlags.RST() {
			st.rst = true
		}
		if h.TCPFlags.FIN() {
			if fwd {
				st.finFwd = true
			} else {
				st.finRv = true
			}
		}
	}
	// The initiator's packets are dropped when the flow is not
	// delivered, the responder's when it is not answered (a stateless
	// ACL drops the reply).
	if fwd {
		return idx, !st.dec.Delivered
	}
	return idx, !st.dec.Allowed
}

// quoted counts an ICMP error on the live flow it quotes, if there is
// one, and returns that flow's slot. A quoted flow idle past its timeout
// is finished instead.
func (r *Replayer) quoted(h *capture.Header, tun capture.Tunnel, vni uint32, ts, now int64, length int) (int32, bool) {
	k, qFromA := quotedFlow(&h.Quoted, tun, vni)
	idx, ok := r.table[k]
	if !ok {
		return 0, false
	}
	st := &r.slab[idx]
	if r.expired(st, now) {
		r.finish(idx, EndIdle)
		return 0, false
	}
	// The error travels back toward the quoted packet's source: forward
	// when that source is the responder.
	st.icmpErrors++
	st.count(qFromA != st.initA, ts, now, length)
	return idx, true
}

// quotedFlow is the key of the flow an ICMP error quotes, and whether the
// quoted packet's source is side a.
func quotedFlow(q *capture.Quoted, tun capture.Tunnel, vni uint32) (key, bool) {
	if q.Echo {
		return canon(q.Proto, q.Src, q.Dst, q.ICMPID, q.ICMPID, kindEcho, tun, vni)
	}
	return canon(q.Proto, q.Src, q.Dst, q.SrcPort, q.DstPort, kindPlain, tun, vni)
}

// flowKey is the key of the flow a header belongs to (ICMP errors aside,
// which first try the flow they quote).
func flowKey(h *capture.Header, tun capture.Tunnel, vni uint32) (key, bool) {
	isQuery, _, req := query(h)
	switch {
	case isQuery && isEchoType(h.Proto, req):
		return canon(h.Proto, h.Src, h.Dst, h.ICMPID, h.ICMPID, kindEcho, tun, vni)
	case isQuery:
		tc := uint16(req) << 8
		return canon(h.Proto, h.Src, h.Dst, tc, tc, kindICMP, tun, vni)
	case isICMP(h.Proto):
		tc := uint16(h.ICMPType)<<8 | uint16(h.ICMPCode)
		return canon(h.Proto, h.Src, h.Dst, tc, tc, kindICMP, tun, vni)
	default:
		return canon(h.Proto, h.Src, h.Dst, h.SrcPort, h.DstPort, kindPlain, tun, vni)
	}
}

// count counts one packet on the flow. ts is the packet's time (noTime:
// none), now the capture clock; the flow's seen time is the later of the
// two, so that a packet held as a possible outlier (see tick) does not
// leave its flow to expire if the clock then jumps to it.
func (st *state) count(fwd bool, ts, now int64, length int) {
	if fwd {
		st.fwdP++
		st.fwdB += uint64(length)
	} else {
		st.revP++
		st.revB += uint64(length)
	}
	if ts != noTime {
		st.first = min(st.first, ts)
		st.last = max(st.last, ts)
	}
	st.seen = max(now, ts)
}

// open starts tracking a flow whose first packet is h, chooses its
// initiator and evaluates it once.
func (r *Replayer) open(k key, fromA bool, h *capture.Header, n int, outer int32) int32 {
	initSrc, how, nsn := true, InitFirstPacket, false
	isQuery, request, req := query(h)
	isEcho := isQuery && isEchoType(h.Proto, req)
	f := sgsim.Flow{Proto: sgsim.ProtocolNumber(h.Proto), Src: h.Src, Dst: h.Dst}
	switch {
	case h.Proto == protoTCP:
		f.SrcPort, f.DstPort = h.SrcPort, h.DstPort
		fl := h.TCPFlags
		switch {
		case fl.SYN() && !fl.ACK():
			how = InitSYN
		case fl.SYN() && fl.ACK():
			how, initSrc, nsn = InitSYNACK, false, true
		default:
			nsn = true
			switch {
			case h.SrcPort < h.DstPort:
				how, initSrc = InitLowerPort, false
			case h.SrcPort > h.DstPort:
				how = InitLowerPort
			}
		}
	case isQuery:
		// The query is evaluated (its reply is checked by Decide): the
		// request's own code, or 0 when only the reply was seen.
		f.ICMPType = req
		switch {
		case request && isEcho:
			how, f.ICMPCode = InitEchoRequest, h.ICMPCode
		case request:
			how, f.ICMPCode = InitQuery, h.ICMPCode
		case isEcho:
			how, initSrc, nsn = InitEchoReply, false, true
		default:
			how, initSrc, nsn = InitQueryReply, false, true
		}
	case isICMP(h.Proto):
		f.ICMPType, f.ICMPCode = h.ICMPType, h.ICMPCode
	default:
		f.SrcPort, f.DstPort = h.SrcPort, h.DstPort
	}
	if !initSrc {
		f = f.Reverse()
	}
	st := state{
		k: k, id: r.newID(k.tunnel() != capture.TunnelNone), initA: fromA == initSrc, flow: f, dec: r.net.Decide(f), how: how, nsn: nsn,
		first: 1<<63 - 1, last: -1 << 63,
		tunnel: k.tunnel(), vni: k.vni,
		capN: r.captureN, pktN: n,
	}
	if isEcho {
		st.icmpID = h.ICMPID
	}
	if outer >= 0 {
		st.outerID, st.outerFlow = r.slab[outer].id, r.slab[outer].flow
		if r.cfg.InnerDrops {
			st.dec = r.net.DecideNative(f)
		} else {
			// The hosts that carry the inner flow's forward packets: the
			// outer packet's ends, swapped when this packet is a reply.
			hs, hd := r.carrier[0], r.carrier[1]
			if !initSrc {
				hs, hd = hd, hs
			}
			if d, ok := r.net.DecideCarried(f, hs, hd); ok {
				st.dec = d
			} else {
				st.dec = r.slab[outer].dec
			}
		}
	}
	var idx int32
	if l := len(r.free); l > 0 {
		idx = r.free[l-1]
		r.free = r.free[:l-1]
		r.slab[idx] = st
	} else {
		idx = int32(len(r.slab))
		r.slab = append(r.slab, st)
	}
	r.table[k] = idx
	return idx
}

// finish stops tracking the flow in slot idx and reports it.
func (r *Replayer) finish(idx int32, end End) {
	st := &r.slab[idx]
	f := &Flow{
		ID: st.id, Proto: st.flow.Proto, Src: st.flow.Src, Dst: st.flow.Dst,
		SrcPort: st.flow.SrcPort, DstPort: st.flow.DstPort, ICMPType: st.flow.ICMPType, ICMPCode: st.flow.ICMPCode,
		ICMPID: st.icmpID, Initiator: st.how, StartNotSeen: st.nsn,
		First: timeOf(st.first), Last: timeOf(st.last),
		FwdPackets: st.fwdP, FwdBytes: st.fwdB, RevPackets: st.revP, RevBytes: st.revB, ICMPErrors: st.icmpErrors,
		Decision: st.dec, Tunnel: st.tunnel, VNI: st.vni, OuterID: st.outerID, Outer: st.outerFlow, End: end,
	}
	switch {
	case st.capN > 0:
		f.Source = "capture " + strconv.Itoa(st.capN) + " packet " + strconv.Itoa(st.pktN)
	case st.pktN > 0:
		f.Source = "packet " + strconv.Itoa(st.pktN)
	}
	delete(r.table, st.k)
	*st = state{}
	r.free = append(r.free, idx)
	r.record(f)
}

// timeOf converts capture nanoseconds back to a time; the extremes (a
// flow none of whose packets had a timestamp) are the zero time.
func timeOf(ns int64) time.Time {
	if ns == math.MaxInt64 || ns == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// expireAll finishes every flow idle past its timeout, oldest first.
func (r *Replayer) expireAll(now int64) {
	r.scratch = r.scratch[:0]
	for _, idx := range r.table {
		if r.expired(&r.slab[idx], now) {
			r.scratch = append(r.scratch, idx)
		}
	}
	r.finishAll(EndIdle)
}

// finishAll finishes the flows in r.scratch in the order they started.
func (r *Replayer) finishAll(end End) {
	slices.SortFunc(r.scratch, func(a, b int32) int { return cmp.Compare(r.slab[a].id, r.slab[b].id) })
	for _, idx := range r.scratch {
		r.finish(idx, end)
	}
}

// AddFlowLog replays every record of fr until io.EOF. Each record is one
// flow that the record's source initiated, with the record's packet and
// byte counts (forward direction) and its start and end as first and last
// times, evaluated once. Flow logs carry no ICMP type: ICMP records are
// evaluated as echo requests (type 8, ICMPv6 128). Records without
// addresses (NODATA, SKIPDATA, returned under IncludeNoData) are counted
// in FlowLogStats.NoData. What the reader skipped is recorded in
// Summary.FlowLogs. A read or parse error stops the log and is returned;
// the records before it count, and FlowLogStats.ErrLine says where it
// stopped (the error names the line too).
func (r *Replayer) AddFlowLog(fr *flowlog.Reader) error {
	r.sum.FlowLogs = append(r.sum.FlowLogs, FlowLogStats{})
	logN := len(r.sum.FlowLogs)
	var rec flowlog.Record
	var err error
	for {
		if err = fr.Next(&rec); err != nil {
			break
		}
		st := &r.sum.FlowLogs[logN-1]
		st.Records++
		f := sgsim.Flow{Proto: sgsim.ProtocolNumber(rec.Proto), Src: rec.Src, Dst: rec.Dst}
		switch {
		case f.Proto.HasPorts():
			f.SrcPort, f.DstPort = rec.SrcPort, rec.DstPort
		case f.Proto == sgsim.ICMP:
			f.ICMPType = 8
		case f.Proto == sgsim.ICMPv6:
			f.ICMPType = 128
		}
		if !rec.Src.IsValid() || !rec.Dst.IsValid() {
			st.NoData++
			continue
		}
		if r.shards != nil {
			r.seq++
			r.cur = r.seq
		}
		r.record(&Flow{
			ID: r.newID(false), Proto: f.Proto, Src: f.Src, Dst: f.Dst, SrcPort: f.SrcPort, DstPort: f.DstPort,
			ICMPType: f.ICMPType, Initiator: InitFlowLog, First: rec.Start, Last: rec.End,
			FwdPackets: rec.Packets, FwdBytes: rec.Bytes, Decision: r.net.Decide(f), End: EndFlowLog,
			Source: "flowlog " + strconv.Itoa(logN) + " line " + strconv.Itoa(rec.Line), Logged: rec.Action,
		})
	}
	st := &r.sum.FlowLogs[logN-1]
	st.Skipped = fr.Skipped()
	if err == io.EOF {
		return nil
	}
	var pe *flowlog.ParseError
	if errors.As(err, &pe) {
		st.ErrLine = pe.Line
	} else {
		st.ErrLine = fr.Line() + 1
		err = fmt.Errorf("flowlog: reading line %d: %w", st.ErrLine, err)
	}
	st.Err = err.Error()
	return err
}

// Report ends the replay: it finishes every live flow (End EndOfInput)
// and returns the flows in the order they started, with the summary. The
// Replayer is then empty and may replay again from nothing.
func (r *Replayer) Report() *Report {
	r.resolveOutliers()
	var rep *Report
	if r.shards != nil {
		rep = r.merge()
	} else {
		rep = r.drain()
	}
	slices.SortStableFunc(rep.Summary.ByRule, func(a, b RuleCount) int {
		if a.Allowed != b.Allowed {
			if a.Allowed {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Flows, a.Flows), cmp.Compare(a.Hop, b.Hop), cmp.Compare(a.Group, b.Group), cmp.Compare(a.Rule, b.Rule))
	})
	*r = *New(r.net, r.cfg)
	return rep
}

// drain finishes every live flow and returns the flows in the order they
// started, with the summary (ByRule in first-seen order).
func (r *Replayer) drain() *Report {
	r.scratch = r.scratch[:0]
	for _, idx := range r.table {
		r.scratch = append(r.scratch, idx)
	}
	r.finishAll(EndOfInput)
	slices.SortFunc(r.flows, func(a, b *Flow) int { return cmp.Compare(a.ID, b.ID) })
	rep := &Report{Flows: r.flows, Summary: r.sum, Timeouts: r.timeouts}
	rep.Summary.ByRule = slices.Clone(r.sum.ByRule)
	return rep
}

type ruleKey struct {
	allowed bool
	hop     sgsim.Hop
	group   string
	rule    *sgsim.Rule
}

// record adds a finished flow to the summary and hands it on.
func (r *Replayer) record(f *Flow) {
	s := &r.sum
	pk := f.FwdPackets + f.RevPackets
	s.Flows++
	if f.Decision.Allowed {
		s.Allowed++
		s.AllowedPackets += pk
		if f.Decision.Outside {
			s.Outside++
		}
	} else {
		s.Dropped++
		s.DroppedPackets += pk
	}
	if f.StartNotSeen {
		s.StartNotSeen++
	}
	d := &f.Decision
	rk := ruleKey{allowed: d.Allowed}
	if !d.Allowed {
		rk = ruleKey{hop: d.Hop, group: d.Verdict.Group, rule: d.Verdict.Rule}
	}
	i, ok := r.rules[rk]
	if !ok {
		rc := RuleCount{Allowed: d.Allowed}
		if !d.Allowed {
			rc.Hop, rc.Group, rc.Why = d.Hop, d.Verdict.Group, d.Verdict.Why()
			if d.Verdict.Rule != nil {
				rc.Rule, rc.Origin = d.Verdict.Rule.ID, d.Verdict.Rule.Origin.String()
			}
		}
		i = len(s.ByRule)
		s.ByRule = append(s.ByRule, rc)
		r.rules[rk] = i
	}
	s.ByRule[i].Flows++
	s.ByRule[i].Packets += pk
	if r.onFlow != nil {
		r.onFlow(f)
		return
	}
	r.flows = append(r.flows, f)
}
