package replay

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
)

// Sharding (Config.Workers > 1).
//
// Each worker owns the flows whose key hashes to it. A packet goes to the
// owner of its outer flow; its inner tunnel flow is tracked by the same
// worker, so that the inner flow can take its carrier's decision. For
// that, every UDP packet to or from the VXLAN or Geneve port is owned by
// the worker of its (unordered) pair of addresses, whatever its ports: both
// directions of a tunnel and all the inner flows between two nodes meet in
// one worker. An ICMP error first asks the owner of the flow it quotes
// (waiting for the answer, which costs a round trip per error packet); if
// that flow is not tracked, the error goes to the owner of its own flow,
// as with one worker.
//
// The reading goroutine keeps the capture clock and decides when to sweep
// for idle flows; a sweep is queued to every worker at the same place in
// the packet stream, so every worker expires exactly what one replayer
// would. Flow IDs are 2*seq (outer) and 2*seq+1 (inner), where seq counts
// packets and flow-log records, which orders flows by start as one
// replayer's counter does; Report renumbers them.

// newShards creates the workers' replayers. They and r share one
// serialized OnFlow.
func (r *Replayer) newShards() {
	if f := r.cfg.OnFlow; f != nil {
		var mu sync.Mutex
		r.onFlow = func(fl *Flow) {
			mu.Lock()
			defer mu.Unlock()
			f(fl)
		}
	}
	cfg := r.cfg
	cfg.Workers, cfg.OnFlow = 0, nil
	r.shards = make([]*Replayer, r.cfg.Workers)
	for i := range r.shards {
		s := New(r.net, cfg)
		s.shard, s.onFlow = true, r.onFlow
		r.shards[i] = s
	}
}

// newID returns the ID of a flow being opened: a counter with one
// replayer, 2*seq (+1 for an inner flow) with workers.
func (r *Replayer) newID(inner bool) int {
	if !r.shard && r.shards == nil {
		r.nextID++
		return r.nextID
	}
	if inner {
		return 2*r.cur + 1
	}
	return 2 * r.cur
}

// sweepAll finishes the flows idle at now, in every worker.
func (r *Replayer) sweepAll(now int64) {
	switch {
	case r.pipe != nil:
		r.pipe.sweep(now)
	case r.shards != nil:
		for _, s := range r.shards {
			s.expireAll(now)
		}
	default:
		r.expireAll(now)
	}
}

// quotedKey returns the key of the flow quoted by an outer ICMP error.
func quotedKey(p *capture.Packet) (key, bool) {
	if !isICMP(p.Proto) || !p.Quoted.Present {
		return key{}, false
	}
	k, _ := quotedFlow(&p.Quoted, capture.TunnelNone, 0)
	return k, true
}

// Tunnel ports: a UDP flow on either is owned by its pair of addresses.
const (
	portVXLAN  = 4789
	portGeneve = 6081
)

// owner returns the worker that owns the flow with key k.
func (r *Replayer) owner(k *key) int {
	a0, a1 := binary.LittleEndian.Uint64(k.a[:8]), binary.LittleEndian.Uint64(k.a[8:])
	b0, b1 := binary.LittleEndian.Uint64(k.b[:8]), binary.LittleEndian.Uint64(k.b[8:])
	h := mix(mix(mix(mix(0x9e3779b97f4a7c15, a0), a1), b0), b1)
	pa, pb := uint16(k.ports>>16), uint16(k.ports)
	tunnel := k.proto() == protoUDP && k.meta>>8&0xff == kindPlain && k.tunnel() == capture.TunnelNone &&
		(pa == portVXLAN || pb == portVXLAN || pa == portGeneve || pb == portGeneve)
	if tunnel {
		h = mix(h, uint64(k.meta>>24))
	} else {
		h = mix(mix(h, uint64(k.ports)<<32|uint64(k.meta)), uint64(k.vni))
	}
	return int(h % uint64(len(r.shards)))
}

// mix folds v into the hash h (a multiply-xorshift step).
func mix(h, v uint64) uint64 {
	h ^= v
	h *= 0xff51afd7ed558ccd
	return h ^ h>>33
}

// route returns the worker that owns p's outer flow.
func (r *Replayer) route(p *capture.Packet) int {
	k, _ := flowKey(&p.Header, capture.TunnelNone, 0)
	return r.owner(&k)
}

// routed replays one packet on the calling goroutine with workers'
// replayers (Packet called directly).
func (r *Replayer) routed(p *capture.Packet, ts, now int64) bool {
	skip := false
	if k, ok := quotedKey(p); ok {
		s := r.shards[r.owner(&k)]
		s.cur, s.captureN = r.seq, r.captureN
		if idx, hit := s.quoted(&p.Header, capture.TunnelNone, 0, ts, now, p.Len); hit {
			return !s.slab[idx].dec.Allowed
		}
		skip = true
	}
	s := r.shards[r.route(p)]
	s.cur, s.captureN = r.seq, r.captureN
	return s.step(p, ts, now, skip)
}

type op uint8

const (
	opPacket    op = iota
	opSkipQuote    // a packet whose quoted flow is known not to be tracked
	opSweep        // expire idle flows at now
	opQuoted       // count an ICMP error on the flow it quotes, if tracked, and answer
)

type item struct {
	p       capture.Packet
	ts, now int64
	seq     int
	op      op
	dropped bool   // set by the worker that tracked it (or the reader, for an answered ICMP error)
	raw     []byte // with Config.OnDropped: the record's bytes, in the chunk's arena
	link    uint32
}

// chunk is a run of consecutive items, decoded in place by the reading
// goroutine and then read by every worker, each through its own list of
// indexes: packets are never copied.
type chunk struct {
	items []item
	idx   [][]int32 // per worker, in stream order
	users atomic.Int32
	arena []byte // with Config.OnDropped: the items' records
	sent  bool   // handed to the workers; its dropped items not yet passed to OnDropped
}

type answer struct{ hit, dropped bool }

const (
	chunkSize = 512
	chunks    = 4 // in flight or free
	// arenaSize bounds the record bytes a chunk holds for OnDropped
	// (plus one record, at most capture.MaxRecord): a chunk is sent on
	// when its arena is full.
	arenaSize = 1 << 20
)

// pipe runs the workers while AddCapture reads a capture: the reading
// goroutine decodes and routes, each worker tracks its flows.
type pipe struct {
	r       *Replayer
	in      []chan *chunk
	free    chan *chunk
	cur     *chunk
	reply   chan answer
	wg      sync.WaitGroup
	dropped [][]DroppedPacket // per worker, with RecordDropped
	ndrop   []int             // per worker
	largest int               // the most items a chunk had, for tests
}

func (r *Replayer) startPipe() *pipe {
	n := len(r.shards)
	p := &pipe{r: r, in: make([]chan *chunk, n), free: make(chan *chunk, chunks),
		reply: make(chan answer, 1), dropped: make([][]DroppedPacket, n), ndrop: make([]int, n)}
	for range chunks {
		p.free <- &chunk{idx: make([][]int32, n)} // items grow to chunkSize as used
	}
	for i := range n {
		p.in[i] = make(chan *chunk, chunks)
		r.shards[i].captureN = r.captureN
		p.wg.Add(1)
		go p.work(i)
	}
	r.pipe = p
	return p
}

// work is worker i's loop.
func (p *pipe) work(i int) {
	defer p.wg.Done()
	s := p.r.shards[i]
	record := p.r.cfg.RecordDropped
	for c := range p.in[i] {
		for _, j := range c.idx[i] {
			it := &c.items[j]
			s.cur = it.seq
			switch it.op {
			case opSweep:
				s.expireAll(it.now)
			case opQuoted:
				idx, hit := s.quoted(&it.p.Header, capture.TunnelNone, 0, it.ts, it.now, it.p.Len)
				p.reply <- answer{hit, hit && !s.slab[idx].dec.Allowed}
			default:
				if s.step(&it.p, it.ts, it.now, it.op == opSkipQuote) {
					it.dropped = true
					p.ndrop[i]++
					if record {
						p.dropped[i] = append(p.dropped[i], DroppedPacket{N: it.p.N, Time: it.p.Time, Len: it.p.Len, CapLen: it.p.CapLen})
					}
				}
			}
		}
		if c.users.Add(-1) == 0 {
			p.free <- c
		}
	}
}

// slot returns the next item of the current chunk, for the reader to fill
// in place.
func (p *pipe) slot() *item {
	if p.cur != nil && len(p.cur.items) >= chunkSize {
		// Full, with a slot not yet assigned (a sweep came between a
		// packet's slot and its assignment); the packet moves on.
		p.flush()
	}
	c := p.cur
	if c == nil {
		c = <-p.free
		p.done(c)
		c.items = c.items[:0]
		c.arena = c.arena[:0]
		for i := range c.idx {
			c.idx[i] = c.idx[i][:0]
		}
		p.cur = c
	}
	if len(c.items) < cap(c.items) {
		c.items = c.items[:len(c.items)+1]
	} else {
		c.items = append(c.items, item{})
	}
	it := &c.items[len(c.items)-1]
	// A slot can be left unassigned (a sweep took its place): it must
	// not report a drop from its last use.
	it.dropped, it.raw = false, nil
	return it
}

// done passes the dropped packets of a chunk the workers have finished to
// Config.OnDropped. Chunks come back to p.free in the order they were
// sent (each worker reads them in order, so the last to finish chunk k
// finishes it before any worker's last finishes chunk k+1), so packets
// are passed in order.
func (p *pipe) done(c *chunk) {
	if !c.sent {
		return
	}
	c.sent = false
	f := p.r.cfg.OnDropped
	if f == nil {
		return
	}
	for j := range c.items {
		if it := &c.items[j]; it.dropped {
			f(&it.p, it.raw, it.link)
		}
	}
}

// keepRaw copies the record of the packet just read into the current
// chunk's arena for it.
func (p *pipe) keepRaw(it *item) {
	data, link := p.r.rawData()
	c := p.cur
	if c.arena == nil {
		c.arena = make([]byte, 0, arenaSize+capture.MaxRecord)
	}
	n := len(c.arena)
	c.arena = append(c.arena, data...)
	it.raw, it.link = c.arena[n:len(c.arena):len(c.arena)], link
}

// assign gives the last slot to worker i, or to every worker for i < 0.
func (p *pipe) assign(i int) {
	c := p.cur
	j := int32(len(c.items) - 1)
	if i >= 0 {
		c.idx[i] = append(c.idx[i], j)
	} else {
		for k := range c.idx {
			c.idx[k] = append(c.idx[k], j)
		}
	}
	if len(c.items) >= chunkSize || len(c.arena) >= arenaSize {
		p.flush()
	}
}

// flush sends the current chunk to every worker.
func (p *pipe) flush() {
	c := p.cur
	if c == nil {
		return
	}
	p.cur = nil
	p.largest = max(p.largest, len(c.items))
	c.sent = true
	c.users.Store(int32(len(p.in)))
	for _, ch := range p.in {
		ch <- c
	}
}

// sweep queues a sweep at now to every worker.
func (p *pipe) sweep(now int64) {
	it := p.slot()
	*it = item{now: now, op: opSweep, seq: p.r.seq}
	p.assign(-1)
}

// stop sends what is queued, waits for the workers, and adds their
// dropped packets to the capture's statistics.
func (p *pipe) stop() {
	if p.cur != nil && len(p.cur.items) > 0 {
		p.flush()
	}
	for _, ch := range p.in {
		close(ch)
	}
	p.wg.Wait()
	for len(p.free) > 0 {
		p.done(<-p.free)
	}
	p.r.pipe = nil
	p.r.largestChunk = max(p.r.largestChunk, p.largest)
	cs := p.r.capture
	if cs == nil {
		return
	}
	for i := range p.in {
		cs.DroppedPackets += p.ndrop[i]
		cs.Dropped = append(cs.Dropped, p.dropped[i]...)
	}
	slices.SortStableFunc(cs.Dropped, func(a, b DroppedPacket) int { return cmp.Compare(a.N, b.N) })
}

// pipeline replays every packet next returns until it returns an error,
// which it returns.
func (r *Replayer) pipeline(next func(*capture.Packet) error) error {
	p := r.startPipe()
	defer p.stop()
	for {
		it := p.slot()
		if err := next(&it.p); err != nil {
			p.cur.items = p.cur.items[:len(p.cur.items)-1]
			return err
		}
		it.ts, it.now = r.tick(&it.p) // may queue a sweep before it
		if p.cur == nil || &p.cur.items[len(p.cur.items)-1] != it {
			// The sweep took the slot's place or filled the chunk: move
			// the packet after it.
			pk := it.p
			ts, now := it.ts, it.now
			it = p.slot()
			it.p, it.ts, it.now = pk, ts, now
		}
		r.seq++
		it.seq, it.op = r.seq, opPacket
		if r.cfg.OnDropped != nil {
			p.keepRaw(it)
		}
		k, quoted := quotedKey(&it.p)
		if !quoted {
			p.assign(r.route(&it.p))
			continue
		}
		// An ICMP error: the owner of the quoted flow counts it if that
		// flow is tracked. It must see everything before it, so the
		// chunk ends here.
		it.op = opQuoted
		p.assign(r.owner(&k))
		p.flush()
		a := <-p.reply
		if a.hit {
			it.dropped = a.dropped
			if a.dropped && r.capture != nil {
				r.capture.DroppedPackets++
				if r.cfg.RecordDropped {
					r.capture.Dropped = append(r.capture.Dropped, DroppedPacket{N: it.p.N, Time: it.p.Time, Len: it.p.Len, CapLen: it.p.CapLen})
				}
			}
			continue
		}
		// Not tracked: the error is a flow of its own, owned by its key's
		// worker. The answered chunk may still be read by other workers,
		// so the item is copied into a new one.
		cp := *it
		it = p.slot()
		*it = cp
		it.op = opSkipQuote
		if r.cfg.OnDropped != nil {
			// The record is still the one Data returns; the answered
			// chunk's arena will be reused.
			p.keepRaw(it)
		}
		p.assign(r.route(&it.p))
	}
}

// ruleCountKey identifies a RuleCount when the workers' counts are
// merged.
type ruleCountKey struct {
	allowed                  bool
	hop                      sgsim.Hop
	group, rule, origin, why string
}

// merge drains r and its workers into one report, with flows renumbered
// 1, 2, ... in the order they started.
func (r *Replayer) merge() *Report {
	rep := r.drain()
	sum := &rep.Summary
	at := map[ruleCountKey]int{}
	keyOf := func(rc *RuleCount) ruleCountKey {
		return ruleCountKey{rc.Allowed, rc.Hop, rc.Group, rc.Rule, rc.Origin, rc.Why}
	}
	for i := range sum.ByRule {
		at[keyOf(&sum.ByRule[i])] = i
	}
	for _, s := range r.shards {
		sr := s.drain()
		ss := &sr.Summary
		sum.Flows += ss.Flows
		sum.Allowed += ss.Allowed
		sum.Outside += ss.Outside
		sum.Dropped += ss.Dropped
		sum.AllowedPackets += ss.AllowedPackets
		sum.DroppedPackets += ss.DroppedPackets
		sum.StartNotSeen += ss.StartNotSeen
		for _, rc := range ss.ByRule {
			k := keyOf(&rc)
			if i, ok := at[k]; ok {
				sum.ByRule[i].Flows += rc.Flows
				sum.ByRule[i].Packets += rc.Packets
				continue
			}
			at[k] = len(sum.ByRule)
			sum.ByRule = append(sum.ByRule, rc)
		}
		rep.Flows = append(rep.Flows, sr.Flows...)
	}
	renumber(rep.Flows)
	return rep
}

// renumber sorts flows by ID and numbers them 1, 2, ..., and their
// OuterIDs to match (an outer flow starts before the flows it carries).
func renumber(fs []*Flow) []*Flow {
	slices.SortFunc(fs, func(a, b *Flow) int { return cmp.Compare(a.ID, b.ID) })
	ids := make(map[int]int, len(fs))
	for i, f := range fs {
		ids[f.ID] = i + 1
		f.ID = i + 1
		if f.OuterID != 0 {
			f.OuterID = ids[f.OuterID]
		}
	}
	return fs
}
