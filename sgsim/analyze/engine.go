package analyze

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// The engine decides boxes of flows against a rule set without going
// through sgsim's Classifier.Partition, which rebuilds every rule's boxes
// on each call. Per direction, family and protocol it builds the rules'
// boxes once, in evaluation order, with an index on one address
// dimension; a query box gets its candidate rule boxes from the index,
// and the recursive cut (the one Partition uses: a box is cut only along
// the first rule, in evaluation order, that covers part of it) carries
// each part only the candidates that meet it. Lint and diff ask one
// query per rule box, so their cost follows the boxes each rule meets,
// not the square of the rules. See bench/README.md for what was measured.

// key is an address (As16, big-endian halves) or a port, ICMP type or
// code (in lo).
type key struct{ hi, lo uint64 }

func (a key) less(b key) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func (a key) next() key {
	a.lo++
	if a.lo == 0 {
		a.hi++
	}
	return a
}

func (a key) prev() key {
	if a.lo == 0 {
		a.hi--
	}
	a.lo--
	return a
}

func keyOf(a netip.Addr) key {
	b := a.As16()
	var k key
	for i := 0; i < 8; i++ {
		k.hi = k.hi<<8 | uint64(b[i])
		k.lo = k.lo<<8 | uint64(b[8+i])
	}
	return k
}

func addrOf(k key, v6 bool) netip.Addr {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(k.hi >> (56 - 8*i))
		b[8+i] = byte(k.lo >> (56 - 8*i))
	}
	a := netip.AddrFrom16(b)
	if !v6 {
		return a.Unmap()
	}
	return a
}

// span is an inclusive range of keys.
type span struct{ lo, hi key }

// box dimensions: 0 source address, 1 destination address, 2 source port
// or ICMP type, 3 destination port or ICMP code.
type box [4]span

func (b *box) meets(o *box) bool {
	for d := range b {
		if b[d].hi.less(o[d].lo) || o[d].hi.less(b[d].lo) {
			return false
		}
	}
	return true
}

func (b *box) holds(o *box) bool {
	for d := range b {
		if o[d].lo.less(b[d].lo) || b[d].hi.less(o[d].hi) {
			return false
		}
	}
	return true
}

// box32 is a box of an IPv4 table in 32-bit numbers: per dimension,
// the low and high end.
type box32 [4][2]uint32

// to32 is b, a box of an IPv4 table, as a box32.
func to32(b *box) box32 {
	var n box32
	for d := range b {
		n[d] = [2]uint32{uint32(b[d].lo.lo), uint32(b[d].hi.lo)}
	}
	return n
}

func (b *box32) holds(o *box32) bool {
	return b[0][0] <= o[0][0] && o[0][1] <= b[0][1] && b[1][0] <= o[1][0] && o[1][1] <= b[1][1] &&
		b[2][0] <= o[2][0] && o[2][1] <= b[2][1] && b[3][0] <= o[3][0] && o[3][1] <= b[3][1]
}

func (b *box32) meets(o *box32) bool {
	return b[0][0] <= o[0][1] && o[0][0] <= b[0][1] && b[1][0] <= o[1][1] && o[1][0] <= b[1][1] &&
		b[2][0] <= o[2][1] && o[2][0] <= b[2][1] && b[3][0] <= o[3][1] && o[3][0] <= b[3][1]
}

// clip returns b cut down to o, which it meets.
func (b box) clip(o *box) box {
	for d := range b {
		if b[d].lo.less(o[d].lo) {
			b[d].lo = o[d].lo
		}
		if o[d].hi.less(b[d].hi) {
			b[d].hi = o[d].hi
		}
	}
	return b
}

// cutBox cuts b, which r meets, along the first dimension where r does
// not cover it: the part below r (if any), the part inside r, and the
// part above r (if any). It is sgsim's cut.
func cutBox(b box, r *box) (below, inside, above box, hasBelow, hasAbove bool) {
	below, inside, above, hasBelow, hasAbove, _ = cutBoxDim(b, r)
	return below, inside, above, hasBelow, hasAbove
}

// cutBoxDim is cutBox, also returning the dimension cut along: the
// parts differ from b only there, so a box that meets b meets a part
// when it meets it on that dimension.
func cutBoxDim(b box, r *box) (below, inside, above box, hasBelow, hasAbove bool, dim int) {
	inside = b
	for d := range b {
		dim = d
		lo, hi := b[d].lo, b[d].hi
		if !lo.less(r[d].lo) && !r[d].hi.less(hi) {
			continue
		}
		if lo.less(r[d].lo) {
			below, hasBelow = b, true
			below[d].hi = r[d].lo.prev()
			inside[d].lo = r[d].lo
		}
		if r[d].hi.less(hi) {
			above, hasAbove = b, true
			above[d].lo = r[d].hi.next()
			inside[d].hi = r[d].hi
		}
		break
	}
	return below, inside, above, hasBelow, hasAbove, dim
}

// cell is a box decided by one rule (an index into the direction's
// rules in evaluation order), or by the default deny (rule -1).
type cell struct {
	b    box
	rule int32
	// tag is the old version's rule, in a diff: cells merge only with
	// the same rule and tag.
	tag int32
}

// rbox is one box of a rule.
type rbox struct {
	b    box
	rule int32
}

// table holds the boxes of the rules of one direction that can match
// flows of one family and protocol, in evaluation order.
type table struct {
	v6    bool
	proto sgsim.Protocol
	full  box // every flow of the family and protocol
	boxes []rbox
	// b32[i] is box i in 32-bit numbers, for IPv4 tables (nil for
	// IPv6): an IPv4 key is ::ffff:a.b.c.d, so its low 32 bits order
	// it, and ports and ICMP fit. decider.sub (sub32), skip and live,
	// open, openAmong and coverCheck.sub test candidates through it,
	// reading 32 bytes a box instead of a 136-byte rbox; diff's
	// pairDecider does not.
	b32 []box32
	// rule[i] is box i's rule (boxes[i].rule, four bytes a box to read).
	rule []int32
	// span[i] is the range of rule i's boxes in boxes, [first, end).
	first, end []int32
	idx        index
	dec        decider // scratch, reused by cellsOf
	after      decider // scratch of cellsAfter
	cov        coverCheck
	// opened[i]: 0 unknown, 1 some flow of box i is met by no box of
	// the rules before its rule, 2 none is (see openBox).
	opened []int8
	// pts[i], when ok, is a flow of box i met by no box of the rules
	// before its rule (see decider.live).
	pts []point
	// addrs holds the address sets space has made, by span: a diff's
	// regions share few distinct address ranges, and Addrs are
	// immutable, so each is built once.
	addrs map[span]sgsim.Addrs
	// addrText holds the text of those address sets, partText the text
	// of the regions' port and ICMP parts (see regionText).
	addrText map[span]string
	partText map[partKey]string
	// ports holds the port sets (and ICMP type and code sets) space has
	// made, by span, shared like addrs.
	ports map[span]sgsim.Ports
}

func fullKeys(v6 bool) span {
	if v6 {
		return span{key{}, key{^uint64(0), ^uint64(0)}}
	}
	return span{keyOf(netip.IPv4Unspecified()), keyOf(netip.AddrFrom4([4]byte{255, 255, 255, 255}))}
}

// fullBox is every flow of the family and protocol, as Partition's
// spaceDims gives it.
func fullBox(v6 bool, p sgsim.Protocol) box {
	a := fullKeys(v6)
	b := box{a, a}
	switch {
	case p.HasPorts():
		b[2], b[3] = span{key{}, key{0, 65535}}, span{key{}, key{0, 65535}}
	case p.IsICMP():
		b[2], b[3] = span{key{}, key{0, 255}}, span{key{}, key{0, 255}}
	}
	return b
}

func addrSpans(a sgsim.Addrs, v6 bool) []span {
	if a.IsAny() {
		return []span{fullKeys(v6)}
	}
	var out []span
	for _, r := range a.Ranges() {
		if r.From().Is6() == v6 {
			out = append(out, span{keyOf(r.From()), keyOf(r.To())})
		}
	}
	return out
}

func portSpans(ps sgsim.Ports) []span {
	if ps == nil {
		return []span{{key{}, key{0, 65535}}}
	}
	out := make([]span, len(ps))
	for i, p := range ps {
		out[i] = span{key{0, uint64(p.First)}, key{0, uint64(p.Last)}}
	}
	return out
}

// newTable builds the boxes of the rules (one direction, evaluation
// order) for the family and protocol the way sgsim's ruleBoxes does.
func newTable(rules []*sgsim.Rule, v6 bool, proto sgsim.Protocol) *table {
	t := &table{v6: v6, proto: proto, full: fullBox(v6, proto), first: make([]int32, len(rules)), end: make([]int32, len(rules))}
	all := []span{{key{}, key{0, 65535}}}
	for i, r := range rules {
		t.first[i] = int32(len(t.boxes))
		t.end[i] = t.first[i]
		if r.Family != sgsim.AnyFamily && (r.Family == sgsim.IPv6) != v6 {
			continue
		}
		if r.Protocol != sgsim.AnyProtocol && r.Protocol != proto {
			continue
		}
		src, dst := addrSpans(r.Src, v6), addrSpans(r.Dst, v6)
		xs, ys := all, all
		switch {
		case r.Protocol.HasPorts():
			xs, ys = portSpans(r.SrcPorts), portSpans(r.DstPorts)
		case r.Protocol.IsICMP():
			if r.ICMP.HasType {
				xs = []span{{key{0, uint64(r.ICMP.Type)}, key{0, uint64(r.ICMP.Type)}}}
			}
			if r.ICMP.HasCode {
				ys = []span{{key{0, uint64(r.ICMP.Code)}, key{0, uint64(r.ICMP.Code)}}}
			}
		}
		for _, a := range src {
			for _, b := range dst {
				for _, x := range xs {
					for _, y := range ys {
						t.boxes = append(t.boxes, rbox{b: box{a, b, x, y}, rule: int32(i)})
					}
				}
			}
		}
		t.end[i] = int32(len(t.boxes))
	}
	t.rule = make([]int32, len(t.boxes))
	for i := range t.boxes {
		t.rule[i] = t.boxes[i].rule
	}
	if !v6 {
		t.b32 = make([]box32, len(t.boxes))
		for i := range t.boxes {
			t.b32[i] = to32(&t.boxes[i].b)
		}
	}
	t.idx = newIndex(t.boxes, v6)
	return t
}

// ruleBoxes returns rule i's boxes clipped to the table's space: the
// boxes of the rule's own flows of this family and protocol, in the
// order Partition walks a rule's Space.
func (t *table) ruleBoxes(i int) []box {
	var out []box
	for _, rb := range t.boxes[t.first[i]:t.end[i]] {
		if rb.b.meets(&t.full) {
			out = append(out, rb.b.clip(&t.full))
		}
	}
	return out
}

// decider runs the recursive cut with a scratch stack of candidates.
type decider struct {
	t     *table
	buf   []int32
	cells []cell
	// visit, when set, is given each cell instead of cells.
	visit func(cell)
	// done, when set, lets the cut leave out parts whose cells cannot
	// matter: a part whose first holder (the first candidate that holds
	// it) is not rule self, and each candidate up to that holder is of a
	// rule r with done[r] == stamp (met already) or done[r] < 0 (decides
	// no flow anywhere), has no cell of self, and its other cells are all
	// of rules already done.
	done  []int32
	stamp int32
	self  int32
	// selfDone: self's cells are no longer wanted either.
	selfDone bool
	// sameDone: rules of action act (acts[r]) are done too (once self
	// is known to decide a flow, only the other action's first cells,
	// the conflicts, are wanted).
	sameDone bool
	act      sgsim.Action
	acts     []sgsim.Action
	// none[r] == noneStamp: rule r is known to decide no flow of the box
	// being cut (see lintTargets), so it is done too.
	none      []int32
	noneStamp int32
	// steps counts the parts decided; when it reaches heavyAt, heavy is
	// called (once) to find more rules that are done.
	steps   int
	heavyAt int
	heavy   func()
	// local[r] > 0: rule r decides no flow of the part being cut (nor
	// of its parts); locals lists them, to be undone (see live).
	local  []int32
	locals []int32
	// selfIn, when not nil, are the only boxes where self's cells are
	// still wanted (redCheck.region): a part that meets none of them is
	// treated as if selfDone.
	selfIn []box
	// selfNone: self decides no flow of the box being cut (lintTargets).
	selfNone bool
	// limit, when above zero, stops the cut after limit parts, setting
	// over (a bounded cellsAfter).
	limit int
	over  bool
}

func (d *decider) emit(c cell) {
	if d.visit != nil {
		d.visit(c)
		return
	}
	d.cells = append(d.cells, c)
}

// decide appends the cells of b; cands are the indexes of the boxes
// that meet b, in order.
func (d *decider) decide(b box, cands []int32) {
	var b32 box32
	if d.t.b32 != nil {
		b32 = to32(&b)
	}
	d.decide32(b, &b32, cands, false)
}

// decide32 is decide with b as a box32 when the table has them (the
// zero box32 when not). checked: sub has made sure that skip would not
// leave b out (its choice of candidates runs the same test), so skip
// is asked only if heavy has just found more rules done.
func (d *decider) decide32(b box, b32 *box32, cands []int32, checked bool) {
	if d.limit > 0 {
		if d.steps++; d.steps > d.limit {
			d.over = true
			return
		}
	}
	if d.done != nil {
		if d.steps++; d.steps == d.heavyAt && d.heavy != nil {
			d.heavy()
			checked = false
		}
		if !checked && d.skip(&b, b32, cands) {
			return
		}
		if d.local != nil && d.steps >= d.heavyAt {
			mark := len(d.locals)
			if d.live(&b, b32, cands) {
				d.cut(b, b32, cands)
			}
			for _, r := range d.locals[mark:] {
				d.local[r]--
			}
			d.locals = d.locals[:mark]
			return
		}
	}
	d.cut(b, b32, cands)
}

// cut is decide past the checks for leaving b out.
func (d *decider) cut(b box, b32 *box32, cands []int32) {
	if len(cands) > 0 {
		rb := &d.t.boxes[cands[0]]
		if d.t.holdsBox(cands[0], &b, b32) {
			d.emit(cell{b: b, rule: d.t.rule[cands[0]]})
			return
		}
		below, inside, above, hasBelow, hasAbove, dim := cutBoxDim(b, &rb.b)
		if hasBelow {
			d.sub(below, cands[1:], dim)
		}
		if hasAbove {
			d.sub(above, cands[1:], dim)
		}
		d.sub(inside, cands, dim)
		return
	}
	d.emit(cell{b: b, rule: -1})
}

// skip reports whether the part b with candidates cands can be left out
// (see decider.done). Every part meets self's box, which holds it, so
// when the candidates up to self are all of rules done, self's cells are
// all the part can add.
func (d *decider) skip(b *box, b32 *box32, cands []int32) bool {
	for _, c := range cands {
		r := d.t.rule[c]
		if r == d.self {
			return !d.selfWanted(b)
		}
		if !d.isDone(r) {
			return false
		}
		if d.t.holdsBox(c, b, b32) {
			return true
		}
	}
	return false
}

// selfWanted reports whether self's cells in b are wanted.
func (d *decider) selfWanted(b *box) bool {
	return !d.selfDone && !d.selfNone && !d.selfOff(b)
}

// selfOff reports whether self's cells in b are not wanted (selfIn).
func (d *decider) selfOff(b *box) bool {
	if d.selfIn == nil {
		return false
	}
	for i := range d.selfIn {
		if d.selfIn[i].meets(b) {
			return false
		}
	}
	shortcuts[3].Add(1)
	return true
}

// isDone reports whether rule r can add nothing to a part: met already
// for the current rule (done[r] == stamp), known to decide no flow at
// all (done[r] < 0), or of self's action once that is all sameDone.
func (d *decider) isDone(r int32) bool {
	return d.done[r] == d.stamp || d.done[r] < 0 || d.sameDone && d.acts[r] == d.act || d.none != nil && d.none[r] == d.noneStamp ||
		d.local != nil && d.local[r] > 0
}

// sub decides part p of a box with the candidates of cands that meet it.
// With done set, it looks for a reason to leave p out (skip's) while it
// picks the leading candidates, before going through the rest.
//
// The candidates meet p's parent, which differs from p only on
// dimension dim, so they are tested on dim alone.
func (d *decider) sub(p box, cands []int32, dim int) {
	mark := len(d.buf)
	var p32 box32
	if d.t.b32 != nil {
		p32 = to32(&p)
		if !d.sub32(p, &p32, cands, dim) {
			d.buf = d.buf[:mark]
			return
		}
	} else {
		lo, hi := p[dim].lo, p[dim].hi
		i := 0
		if d.done != nil {
			for ; i < len(cands); i++ {
				c := cands[i]
				rb := &d.t.boxes[c]
				if rb.b[dim].hi.less(lo) || hi.less(rb.b[dim].lo) {
					continue
				}
				d.buf = append(d.buf, c)
				if rb.rule == d.self && !d.selfWanted(&p) || rb.rule != d.self && d.isDone(rb.rule) && rb.b.holds(&p) {
					d.buf = d.buf[:mark]
					return
				}
				if rb.rule == d.self || !d.isDone(rb.rule) {
					i++
					break
				}
			}
		}
		for _, c := range cands[i:] {
			if s := &d.t.boxes[c].b[dim]; !s.hi.less(lo) && !hi.less(s.lo) {
				d.buf = append(d.buf, c)
			}
		}
	}
	mine := d.buf[mark:len(d.buf):len(d.buf)]
	if d.done != nil && d.local != nil && d.steps >= d.heavyAt && !d.selfWanted(&p) {
		// The candidates after the last one wanted cut no part of a
		// cell wanted (a cell's cuts are along candidates before its
		// rule): leave them out, and p with them when none is wanted.
		j := len(mine)
		for ; j > 0; j-- {
			if r := d.t.boxes[mine[j-1]].rule; r != d.self && !d.isDone(r) {
				break
			}
		}
		if j == 0 {
			d.buf = d.buf[:mark]
			shortcuts[4].Add(1)
			return
		}
		mine = mine[:j:j]
	}
	d.decide32(p, &p32, mine, d.done != nil)
	d.buf = d.buf[:mark]
}

// sub32 is sub's choice of candidates for an IPv4 table: it appends
// to d.buf the candidates of cands that meet p (which differs from
// their parent only on dim), and reports false when p is to be left
// out.
func (d *decider) sub32(p box, p32 *box32, cands []int32, dim int) bool {
	b32 := d.t.b32
	lo, hi := p32[dim][0], p32[dim][1]
	i := 0
	if d.done != nil {
		for ; i < len(cands); i++ {
			c := cands[i]
			s := &b32[c]
			if s[dim][1] < lo || hi < s[dim][0] {
				continue
			}
			d.buf = append(d.buf, c)
			r := d.t.rule[c]
			if r == d.self {
				if !d.selfWanted(&p) {
					return false
				}
				i++
				break
			}
			if !d.isDone(r) {
				i++
				break
			}
			if s.holds(p32) {
				return false
			}
		}
	}
	for _, c := range cands[i:] {
		if s := &b32[c][dim]; s[1] >= lo && hi >= s[0] {
			d.buf = append(d.buf, c)
		}
	}
	return true
}

// cellsOf appends to out the cells of b decided by the boxes with
// indexes in [from, to): the rules before from must miss b, and those
// from to on are left out.
func (t *table) cellsOf(b box, from, to int32, out []cell) []cell {
	d := &t.dec
	d.t, d.cells = t, out
	d.buf = t.idx.query(&b, from, to, d.buf[:0])
	cands := d.buf[:len(d.buf):len(d.buf)]
	d.decide(b, cands)
	out, d.cells = d.cells, nil
	return out
}

// cellsAfter appends to out the cells of b decided by the boxes from
// from on, with a decider of its own, so that it can be called while
// visitCells runs.
func (t *table) cellsAfter(b box, from int32, out []cell) []cell {
	d := &t.after
	d.t, d.cells = t, out
	d.buf = t.idx.query(&b, from, int32(len(t.boxes)), d.buf[:0])
	cands := d.buf[:len(d.buf):len(d.buf)]
	d.decide(b, cands)
	out, d.cells = d.cells, nil
	return out
}

// visitCells gives visit the cells of b, as cellsOf would return them.
func (t *table) visitCells(b box, from, to int32, visit func(cell)) {
	d := &t.dec
	d.t, d.visit = t, visit
	d.buf = t.idx.query(&b, from, to, d.buf[:0])
	cands := d.buf[:len(d.buf):len(d.buf)]
	d.decide(b, cands)
	d.visit = nil
}

// index finds the boxes that meet a query box through one address
// dimension: each box sits in the narrowest bucket (a /24, /16 or /8 of
// IPv4; a 2^k block of the high 64 bits of IPv6) that holds its range
// on that dimension, or in the wide list.
type index struct {
	boxes  []rbox
	dim    int
	v6     bool
	shifts []uint
	// levels[l] are the non-empty buckets of level l by key, ascending.
	levels [][]bucket
	wide   []int32
}

var (
	shifts4 = []uint{8, 16, 24}
	shifts6 = []uint{0, 16, 32, 40, 48, 56}
)

func (x *index) bucket(k key, l int) uint64 {
	if x.v6 {
		return k.hi >> x.shifts[l]
	}
	return k.lo >> x.shifts[l]
}

// level returns the narrowest level whose bucket holds s, or -1.
func (x *index) level(s span) int {
	for l := range x.shifts {
		if x.bucket(s.lo, l) == x.bucket(s.hi, l) {
			return l
		}
	}
	return -1
}

func newIndex(boxes []rbox, v6 bool) index {
	x := index{boxes: boxes, v6: v6, shifts: shifts4}
	if v6 {
		x.shifts = shifts6
	}
	// Index the address dimension with fewer wide boxes.
	wide := [2]int{}
	for d := 0; d < 2; d++ {
		for i := range boxes {
			if x.level(boxes[i].b[d]) < 0 {
				wide[d]++
			}
		}
	}
	if wide[1] < wide[0] {
		x.dim = 1
	}
	maps := make([]map[uint64][]int32, len(x.shifts))
	for l := range maps {
		maps[l] = map[uint64][]int32{}
	}
	for i := range boxes {
		s := boxes[i].b[x.dim]
		if l := x.level(s); l >= 0 {
			k := x.bucket(s.lo, l)
			maps[l][k] = append(maps[l][k], int32(i))
		} else {
			x.wide = append(x.wide, int32(i))
		}
	}
	x.levels = make([][]bucket, len(maps))
	for l, m := range maps {
		for k, ids := range m {
			x.levels[l] = append(x.levels[l], bucket{k, ids})
		}
		slices.SortFunc(x.levels[l], func(a, b bucket) int { return cmp.Compare(a.k, b.k) })
	}
	return x
}

// bucket is the boxes of one bucket of an index level, in order.
type bucket struct {
	k   uint64
	ids []int32
}

// span returns the buckets of level l with keys in [lo, hi].
func (x *index) span(l int, lo, hi uint64) []bucket {
	bs := x.levels[l]
	i, _ := slices.BinarySearchFunc(bs, lo, func(b bucket, k uint64) int { return cmp.Compare(b.k, k) })
	j := i
	for j < len(bs) && bs[j].k <= hi {
		j++
	}
	return bs[i:j]
}

// any reports whether a box with index in [from, to) meets b.
func (x *index) any(b *box, from, to int32) bool {
	if from >= to {
		return false
	}
	hit := func(list []int32) bool {
		for _, i := range list {
			if i >= from && i < to && x.boxes[i].b.meets(b) {
				return true
			}
		}
		return false
	}
	if hit(x.wide) {
		return true
	}
	s := b[x.dim]
	for l := range x.levels {
		for _, bk := range x.span(l, x.bucket(s.lo, l), x.bucket(s.hi, l)) {
			if hit(bk.ids) {
				return true
			}
		}
	}
	return false
}

// query appends to out the indexes in [from, to), in order, of the
// boxes that meet b.
func (x *index) query(b *box, from, to int32, out []int32) []int32 {
	mark := len(out)
	boxes := func(list []int32) {
		for _, i := range list {
			if i >= from && i < to && x.boxes[i].b.meets(b) {
				out = append(out, i)
			}
		}
	}
	boxes(x.wide)
	s := b[x.dim]
	for l := range x.levels {
		for _, bk := range x.span(l, x.bucket(s.lo, l), x.bucket(s.hi, l)) {
			boxes(bk.ids)
		}
	}
	got := out[mark:]
	slices.Sort(got)
	return out
}

// space is the box as a Space, the way Partition writes its boxes.
// The address and port (or ICMP type and code) sets it builds are kept
// in t.addrs and t.ports and shared by the spaces it makes (a diff's
// regions share few distinct ranges).
func (t *table) space(b box) sgsim.Space {
	one := func(s span) sgsim.Addrs {
		if a, ok := t.addrs[s]; ok {
			return a
		}
		var sb netipx.IPSetBuilder
		sb.AddRange(netipx.IPRangeFrom(addrOf(s.lo, t.v6), addrOf(s.hi, t.v6)))
		set, _ := sb.IPSet()
		a := sgsim.AddrsOf(set)
		if t.addrs == nil {
			t.addrs = map[span]sgsim.Addrs{}
		}
		t.addrs[s] = a
		return a
	}
	fam := sgsim.IPv4
	if t.v6 {
		fam = sgsim.IPv6
	}
	s := sgsim.Space{Family: fam, Protocol: t.proto, Src: one(b[0]), Dst: one(b[1])}
	pr := func(s span) sgsim.Ports {
		if ps, ok := t.ports[s]; ok {
			return ps
		}
		ps := sgsim.Ports{{First: uint16(s.lo.lo), Last: uint16(s.hi.lo)}}
		if t.ports == nil {
			t.ports = map[span]sgsim.Ports{}
		}
		t.ports[s] = ps
		return ps
	}
	switch {
	case t.proto.HasPorts():
		s.SrcPorts, s.DstPorts = pr(b[2]), pr(b[3])
	case t.proto.IsICMP():
		s.ICMPTypes, s.ICMPCodes = pr(b[2]), pr(b[3])
	}
	return s
}

// regionText is s.String() for s = t.space(b), followed by suffix, with
// the text of each address range and port part made once per table
// (Addrs.String was a tenth of ipc1-10K's diff), in one allocation of
// the text's size (a builder grown by doubling left up to half of each
// text's memory unused, held as long as the change). It writes the
// space as Space.String does; TestRegionTextIsSpaceString holds the two
// equal. Space.String's family word, written when both address sets are
// any, never applies: space builds every address set from a range
// (sgsim.AddrsOf), never the any set.
func (t *table) regionText(b box, s sgsim.Space, suffix string) string {
	addr := func(sp span, a sgsim.Addrs) string {
		if x, ok := t.addrText[sp]; ok {
			return x
		}
		x := a.String()
		if t.addrText == nil {
			t.addrText = map[span]string{}
		}
		t.addrText[sp] = x
		return x
	}
	// part is " kw ranges" for a set other than every value (all), or
	// nothing; space gives each set one range, the box's span sp.
	part := func(kw int, sp span, ps sgsim.Ports, all sgsim.PortRange) string {
		k := partKey{kw, sp}
		if x, ok := t.partText[k]; ok {
			return x
		}
		x := ""
		if ps != nil && !(len(ps) == 1 && ps[0] == all) {
			x = " " + partWords[kw] + " " + ps.String()
		}
		if t.partText == nil {
			t.partText = map[partKey]string{}
		}
		t.partText[k] = x
		return x
	}
	proto, src, dst := s.Protocol.String(), addr(b[0], s.Src), addr(b[1], s.Dst)
	var p1, p2 string
	if s.Protocol.HasPorts() {
		p1, p2 = part(0, b[3], s.DstPorts, sgsim.AllPorts), part(1, b[2], s.SrcPorts, sgsim.AllPorts)
	}
	if s.Protocol.IsICMP() {
		icmp := sgsim.PortRange{First: 0, Last: 255}
		p1, p2 = part(2, b[2], s.ICMPTypes, icmp), part(3, b[3], s.ICMPCodes, icmp)
	}
	var sb strings.Builder
	sb.Grow(len(proto) + 1 + len(src) + 4 + len(dst) + len(p1) + len(p2) + len(suffix))
	sb.WriteString(proto)
	sb.WriteByte(' ')
	sb.WriteString(src)
	sb.WriteString(" -> ")
	sb.WriteString(dst)
	sb.WriteString(p1)
	sb.WriteString(p2)
	sb.WriteString(suffix)
	return sb.String()
}

// partKey is a port or ICMP part of a region's text: the word
// (partWords[kw]) and the span.
type partKey struct {
	kw int
	s  span
}

var partWords = [4]string{"dport", "sport", "type", "code"}

// merge joins cells with the same rule that are equal in three
// dimensions and adjacent in the fourth, dimension by dimension, until
// none can be joined. The cells are reordered (by rule).
//
// The result depends only on the set of cells, not their order: a
// group's cells are disjoint, so in a pass each cell has at most one
// cell to join on either side, and a pass joins every such chain.
func merge(cs []cell) []cell {
	var m merger
	return m.merge(cs)
}

// merge is merge with m's scratch space, reused from call to call.
func (m *merger) merge(cs []cell) []cell {
	if len(cs) < 2 {
		return cs
	}
	slices.SortFunc(cs, func(a, b cell) int {
		if a.tag != b.tag {
			return int(a.tag - b.tag)
		}
		return int(a.rule - b.rule)
	})
	out := cs[:0]
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].rule == cs[i].rule && cs[j].tag == cs[i].tag {
			j++
		}
		out = append(out, m.group(cs[i:j])...)
		i = j
	}
	return out
}

// merger holds merge's scratch space, reused from call to call.
type merger struct {
	idx  []int32
	keep []cell
	// los and his are candidates' filters: bit h(o, k) is set for each
	// cell's other spans o and low end k (los), and for its other spans
	// and the key after its high end (his).
	los, his []uint64
	// ends[i] are cell i's two hashes (other spans with the low end,
	// and with the key after the high end), of which the bit sets take
	// the low bits.
	ends [][2]uint64
	// slots, next and head are join's scratch.
	slots []int32
	next  []int32
	head  []bool
}

// packable reports whether every key of the cells on each dimension has
// the same high 96 bits.
func packable(cs []cell) bool {
	var pre [4]key
	for d := range pre {
		pre[d] = key{cs[0].b[d].lo.hi, cs[0].b[d].lo.lo >> 32}
	}
	for i := range cs {
		for d := range pre {
			s := cs[i].b[d]
			if s.lo.hi != pre[d].hi || s.hi.hi != pre[d].hi || s.lo.lo>>32 != pre[d].lo || s.hi.lo>>32 != pre[d].lo {
				return false
			}
		}
	}
	return true
}

// join appends to keep the candidates idx of cs (a pass along d) with
// every chain of them joined: cells with the same spans on the other
// three dimensions, each one's low end on d the key after the previous
// one's high end. The cells of a group are disjoint, so a cell has at
// most one such successor (and one predecessor), found through a hash
// table of the candidates by (other spans, low end) (m.ends' hashes,
// compared exactly); each chain is written once, from its first cell.
// The cells kept are those a sort by (other spans, low end) and a scan
// joining each cell to the one before would keep; only their order
// differs, and merge's result does not depend on it.
func (m *merger) join(cs []cell, idx []int32, d int, keep []cell) []cell {
	size := 1
	for size < 2*len(idx) {
		size *= 2
	}
	mask := uint64(size - 1)
	m.slots = slices.Grow(m.slots[:0], size)[:size]
	for i := range m.slots {
		m.slots[i] = -1
	}
	for j, i := range idx {
		for h := m.ends[i][0] & mask; ; h = (h + 1) & mask {
			if m.slots[h] < 0 {
				m.slots[h] = int32(j)
				break
			}
		}
	}
	m.next = slices.Grow(m.next[:0], len(idx))[:len(idx)]
	m.head = slices.Grow(m.head[:0], len(idx))[:len(idx)]
	for j := range m.head {
		m.head[j] = true
	}
	for j, i := range idx {
		m.next[j] = -1
		c := &cs[i].b
		want := m.ends[i][1]
		for h := want & mask; m.slots[h] >= 0; h = (h + 1) & mask {
			k := m.slots[h]
			x := idx[k]
			if m.ends[x][0] != want {
				continue
			}
			n := &cs[x].b
			if c[d].hi.next() == n[d].lo && c[d].hi.less(n[d].lo) && sameBut(c, n, d) {
				m.next[j], m.head[k] = k, false
				break
			}
		}
	}
	for j, i := range idx {
		if !m.head[j] {
			continue
		}
		c := cs[i]
		for k := m.next[j]; k >= 0; k = m.next[k] {
			c.b[d].hi = cs[idx[k]].b[d].hi
		}
		keep = append(keep, c)
	}
	return keep
}

// candidates returns the indexes of the cells of cs that may join
// another along d in a pass, and whether that is every cell. A pass
// joins two cells only when they have the same spans on the other three
// dimensions and one's low end on d follows the other's high end, so a
// cell whose (other spans, low end) is no cell's (other spans, key
// after the high end), and whose (other spans, key after the high end)
// is no cell's (other spans, low end), is left as it is: only the others
// go through join. Both are kept in two bit sets by hash (a false hit only
// makes a cell a candidate that need not be). On the port dimensions of
// a diff's changes (mostly whole ranges) this leaves out nearly every
// cell; along the addresses, the cells that adjoin another on d but
// differ from it elsewhere (most of a large diff's held regions, merged
// already, that an early merge sees again).
func (m *merger) candidates(cs []cell, d int) ([]int32, bool) {
	words := 1
	for words*64 < 8*len(cs) && words < 1<<18 {
		words *= 2
	}
	mask := uint64(words*64 - 1)
	m.los, m.his = slices.Grow(m.los[:0], words)[:words], slices.Grow(m.his[:0], words)[:words]
	clear(m.los)
	clear(m.his)
	m.ends = slices.Grow(m.ends[:0], len(cs))[:len(cs)]
	for i := range cs {
		b := &cs[i].b
		var o uint64 // the other three spans
		for e := range b {
			if e != d {
				o = (o^b[e].lo.hi)*0x9e3779b97f4a7c15 ^ b[e].lo.lo
				o = (o*0xbf58476d1ce4e5b9^b[e].hi.hi)*0x94d049bb133111eb ^ b[e].hi.lo
			}
		}
		n := b[d].hi.next()
		hl := mix64(o ^ mix64(b[d].lo.hi*0x9e3779b97f4a7c15^b[d].lo.lo))
		hh := mix64(o ^ mix64(n.hi*0x9e3779b97f4a7c15^n.lo))
		l, h := hl&mask, hh&mask
		m.los[l>>6] |= 1 << (l & 63)
		m.his[h>>6] |= 1 << (h & 63)
		m.ends[i] = [2]uint64{hl, hh}
	}
	idx := m.idx[:0]
	for i, e := range m.ends {
		l, h := e[0]&mask, e[1]&mask
		if m.his[l>>6]&(1<<(l&63)) != 0 || m.los[h>>6]&(1<<(h&63)) != 0 {
			idx = append(idx, int32(i))
		}
	}
	m.idx = idx
	return idx, len(idx) == len(cs)
}

func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// group merges cells of one rule in place and returns them: passes
// along dimensions 3, 2, 1, 0, 3, ... until four passes in a row join
// nothing (a pass joins every chain along its dimension, so a pass
// right after one along the same dimension joins nothing).
func (m *merger) group(cs []cell) []cell {
	if len(cs) < 2 {
		return cs
	}
	// Each pass reads one buffer and writes the other: cs's own cells
	// (which it never outgrows: a pass only drops cells) and m.keep.
	orig := cs[:len(cs):len(cs)]
	other := slices.Grow(m.keep[:0], len(cs))
	m.keep = other
	for pass, last := 0, -1; ; pass++ {
		if last < 0 && pass == 4 || last >= 0 && pass-last == 4 {
			break // four passes in a row joined nothing
		}
		d := 3 - pass%4
		idx, all := m.candidates(cs, d)
		if len(idx) == 0 {
			continue // joins nothing
		}
		keep := other[:0]
		if !all {
			// The cells no other can join stay as they are, ahead of
			// the candidates (a pass's order does not matter: passes
			// find chains by hash, and merge's caller sorts the result).
			j := 0
			for i := range cs {
				if j < len(idx) && idx[j] == int32(i) {
					j++
					continue
				}
				keep = append(keep, cs[i])
			}
		}
		keep = m.join(cs, idx, d, keep)
		if len(keep) < len(cs) {
			last = pass
		}
		cs, other = keep, cs
	}
	if &cs[0] != &orig[0] {
		cs = orig[:copy(orig, cs)]
	}
	return cs
}

func sameBut(a, b *box, d int) bool {
	for e := range a {
		if e != d && a[e] != b[e] {
			return false
		}
	}
	return true
}

func cmpKey(a, b key) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}

func cmpSpan(a, b span) int {
	if c := cmpKey(a.lo, b.lo); c != 0 {
		return c
	}
	return cmpKey(a.hi, b.hi)
}

// sortCells orders cells by their lowest corner, source first.
func sortCells(cs []cell) {
	slices.SortFunc(cs, func(a, b cell) int {
		for d := 0; d < 4; d++ {
			if c := cmpKey(a.b[d].lo, b.b[d].lo); c != 0 {
				return c
			}
		}
		return 0
	})
}

// engine holds a compiled set's rules per direction in evaluation order
// and their tables, built on first use.
type engine struct {
	k      *compiled
	rules  [2][]*sgsim.Rule
	tables map[tableKey]*table
	// shared, when set, gives the tables of a parallel lint, which this
	// engine copies (table.own) to cut with scratch of its own.
	shared func(tableKey) *table
}

type tableKey struct {
	d     sgsim.Direction
	v6    bool
	proto sgsim.Protocol
}

func newEngine(k *compiled) *engine {
	e := &engine{k: k, tables: map[tableKey]*table{}}
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		e.rules[d] = k.rules(d)
	}
	return e
}

func (e *engine) table(d sgsim.Direction, fam sgsim.Family, p sgsim.Protocol) *table {
	tk := tableKey{d, fam == sgsim.IPv6, p}
	t := e.tables[tk]
	if t == nil {
		if e.shared != nil {
			t = e.shared(tk).own()
		} else {
			t = newTable(e.rules[d], tk.v6, p)
		}
		e.tables[tk] = t
	}
	return t
}

// redCheck decides whether the rule being linted is redundant while its
// cells are found: each cell of the rule, in the order found, is decided
// again by the rules after it, as redundant did with them all; the answer
// is known at the first cell another action decides. When no box after
// the rule meets its flows, every cell goes to the default deny and the
// answer is known before any cell is found. Once it is known, and the
// first cell (the witness) found, no more cells of the rule are wanted.
type redCheck struct {
	e      *engine
	d      sgsim.Direction
	i      int
	act    sgsim.Action
	known  bool // the answer is known (and the first cell found)
	answer bool // known: redundant
	later  bool // some box after the rule meets its flows
	// any: the rule has a cell; first is the first, in firstT.
	any    bool
	first  cell
	firstT *table
	// redundant and others are the result, after finish.
	redundant bool
	others    []int32
	cells     []cell // scratch
	// n counts the cells taken; live and cls are the rule's families
	// and classes; tried: boxLevel has run; want, when set, are the
	// rules after it that decide its flows (it is redundant: the answer
	// is known once others holds them all).
	n     int
	live  []sgsim.Family
	cls   []Class
	tried bool
	want  []int32
	after []tcell // scratch of boxLevel
	reg   []box   // scratch of region
}

// tcell is a cell of a table.
type tcell struct {
	t *table
	c cell
}

func (r *redCheck) start(e *engine, d sgsim.Direction, i int, live []sgsim.Family, cls []Class) {
	rule := e.rules[d][i]
	*r = redCheck{e: e, d: d, i: i, act: rule.Action, others: r.others[:0], cells: r.cells[:0], live: live, cls: cls,
		want: r.want[:0], after: r.after[:0], reg: r.reg[:0]}
	for _, fam := range live {
		for _, cl := range cls {
			if _, ok := ruleSpace(rule, fam, cl.Protocol); !ok {
				continue
			}
			t := e.table(d, fam, cl.Protocol)
			for _, b := range t.ruleBoxes(i) {
				if t.idx.any(&b, t.end[i], int32(len(t.boxes))) {
					r.later = true
					return
				}
			}
		}
	}
}

// cell takes the rule's next cell c, of table t.
func (r *redCheck) cell(t *table, c cell) {
	if !r.any {
		r.any, r.first, r.firstT = true, c, t
		if !r.later {
			r.known, r.answer = true, r.act == sgsim.Deny
		}
	}
	if r.known {
		return
	}
	r.cells = t.cellsAfter(c.b, t.end[r.i], r.cells[:0])
	for _, s := range r.cells {
		if action(r.e.rules[r.d], s.rule) != r.act {
			r.known, r.answer = true, false
			return
		}
		if s.rule >= 0 && !slices.Contains(r.others, s.rule) {
			r.others = append(r.others, s.rule)
		}
	}
	if r.n++; r.n == redBoxAt && prune {
		r.boxLevel()
	}
	if r.tried && !r.known && len(r.others) >= len(r.want) {
		for _, w := range r.want {
			if !slices.Contains(r.others, w) {
				return
			}
		}
		r.known, r.answer = true, true
		shortcuts[6].Add(1)
	}
}

// region returns, once boxLevel has found the rules after the rule that
// decide its flows, the cells of t (decided by the rules after it) of
// those not met yet: a cell of the rule that meets none of them cannot
// change the result. It is nil when every cell is wanted.
func (r *redCheck) region(t *table) []box {
	if !r.tried || r.known || len(r.after) > 1024 {
		return nil
	}
	r.reg = r.reg[:0]
	for _, x := range r.after {
		if x.t == t && x.c.rule >= 0 && slices.Contains(r.want, x.c.rule) && !slices.Contains(r.others, x.c.rule) {
			r.reg = append(r.reg, x.c.b)
		}
	}
	if r.reg == nil {
		r.reg = []box{}
	}
	return r.reg
}

// boxLevel answers the redundancy from the rule's boxes rather than its
// cells (see lintprune.go), or leaves it to the cells when a bound is
// reached.
func (r *redCheck) boxLevel() {
	r.tried = true
	rule := r.e.rules[r.d][r.i]
	budget := redBoxLimit
	r.after = r.after[:0]
	for _, fam := range r.live {
		for _, cl := range r.cls {
			if _, ok := ruleSpace(rule, fam, cl.Protocol); !ok {
				continue
			}
			t := r.e.table(r.d, fam, cl.Protocol)
			for _, b := range t.ruleBoxes(r.i) {
				d := &t.after
				d.limit, d.steps, d.over = budget, 0, false
				r.cells = t.cellsAfter(b, t.end[r.i], r.cells[:0])
				over, steps := d.over, d.steps
				d.limit, d.steps, d.over = 0, 0, false
				if budget -= steps; over || budget <= 0 {
					r.tried = false // not answered
					return
				}
				for _, c := range r.cells {
					r.after = append(r.after, tcell{t, c})
				}
			}
		}
	}
	// A cell of another action with a flow of the rule: not redundant.
	rs := r.e.rules[r.d]
	for pass := 0; pass < 2; pass++ {
		for _, x := range r.after {
			other := action(rs, x.c.rule) != r.act
			if other != (pass == 0) || !other && (x.c.rule < 0 || slices.Contains(r.want, x.c.rule) || slices.Contains(r.others, x.c.rule)) {
				continue
			}
			o, ok := x.t.open(x.c.b, x.t.first[r.i], openLimit)
			if !ok {
				r.tried = false
				r.want = r.want[:0]
				return
			}
			switch {
			case o && other:
				r.known, r.answer = true, false
				shortcuts[2].Add(1)
				return
			case o:
				r.want = append(r.want, x.c.rule)
			}
		}
	}
}

// finish sets redundant and others once every cell has been taken.
func (r *redCheck) finish() {
	r.redundant = r.any && (!r.known || r.answer)
	if !r.redundant {
		r.others = r.others[:0]
	}
}

// prune lets lint and diff leave out parts of their cuts that cannot
// change their result (see decider.done and pairDecider). Tests turn it
// off to check that the results are the same without it.
var prune = true

// pairDecider walks the old version's partition of a box and, in each
// old cell, the new version's, carrying both versions' candidates down
// the cuts: the cells it keeps are the new version's cells whose action
// differs from the old one's, tagged with the old rule.
//
// It stops refining a part as soon as both versions are known to decide
// all of it alike: when both candidate lists start with the same boxes
// of the same actions up to one that holds the part (or to their end),
// or when every candidate that can decide a flow of the part, in both
// versions, has one action. Such a part holds no change, so leaving it
// out removes no cell of the result; parts that do hold changes are cut
// exactly as before, so the regions are unchanged.
type pairDecider struct {
	o, n       *table
	ors, nrs   []*sgsim.Rule
	oid, nid   []int32 // the boxes' ids: equal ids, equal box and action
	obuf, nbuf []int32
	out        []cell
	// m merges out when it reaches limit cells (see mergeAt).
	m     *merger
	limit int
	// max, when above 0, is the number of cells of one (old rule, new
	// rule) group listed before the group is summarized (see
	// DiffOptions.MaxBoxes): its cells are no longer kept, and a part
	// every pair of which that could change is summarized is left out.
	max    int
	groups map[uint64]*sumGroup
	nsum   int // groups summarized
}

// sumGroup counts a group's cells (see pairDecider.max): the first one
// found is its witness.
type sumGroup struct {
	first cell
	n     int
	over  bool // summarized: more than max cells found
	order int  // when it was summarized
}

func groupKey(tag, rule int32) uint64 { return uint64(uint32(tag))<<32 | uint64(uint32(rule)) }

// summarized reports whether the group (old rule x, new rule y) is
// summarized.
func (p *pairDecider) summarized(x, y int32) bool {
	g := p.groups[groupKey(x, y)]
	return g != nil && g.over
}

// leftOut reports, once some group is summarized, whether every flow of
// b whose action can change is of a summarized group: the candidates
// the two versions share from the start (same boxes, same actions)
// decide their flows alike, so the pairs that can change are those of
// an old candidate after that prefix, up to one that holds b (or the
// default deny when none does), with a new one after it, likewise, of
// another action.
func (p *pairDecider) leftOut(b *box, oc, nc []int32) bool {
	if p.nsum == 0 {
		return false
	}
	k := 0
	for k < len(oc) && k < len(nc) && p.oid[oc[k]] == p.nid[nc[k]] {
		if p.o.boxes[oc[k]].b.holds(b) {
			return true
		}
		k++
	}
	for i := k; i <= len(oc); i++ {
		x := int32(-1)
		if i < len(oc) {
			x = p.o.boxes[oc[i]].rule
			if shadowed(p.o, b, oc[:i], oc[i]) {
				continue // decides no flow of b
			}
		}
		if !p.pairsSummarized(b, x, nc, k) {
			return false
		}
		if i < len(oc) && p.o.boxes[oc[i]].b.holds(b) {
			break
		}
	}
	return true
}

// pairsSummarized reports whether every group (x, y) with y a rule of
// the new candidates nc from from on, up to one that holds b (or the
// default deny when none does), of another action than x's and not
// shadowed in b by the candidates before it, is summarized.
func (p *pairDecider) pairsSummarized(b *box, x int32, nc []int32, from int) bool {
	xa := action(p.ors, x)
	for i := from; i < len(nc); i++ {
		rb := &p.n.boxes[nc[i]]
		if p.nrs[rb.rule].Action != xa && !p.summarized(x, rb.rule) && !shadowed(p.n, b, nc[:i], nc[i]) {
			return false
		}
		if rb.b.holds(b) {
			return true
		}
	}
	return xa == sgsim.Deny || p.summarized(x, -1)
}

// shadowed reports whether box c of t decides no flow of b: a box
// before it (of cands, the candidates before it that meet b) holds its
// part of b. A wide late rule whose flows in b the earlier rules all
// take would otherwise keep every part it meets from being left out,
// though it can have no cell there.
func shadowed(t *table, b *box, before []int32, c int32) bool {
	in := t.boxes[c].b.clip(b)
	for _, j := range before {
		if t.boxes[j].b.holds(&in) {
			return true
		}
	}
	return false
}

// keep records a changed cell: it is listed unless its group is
// summarized (or becomes so with it).
func (p *pairDecider) keep(c cell) {
	if p.max > 0 {
		k := groupKey(c.tag, c.rule)
		g := p.groups[k]
		if g == nil {
			g = &sumGroup{first: c}
			p.groups[k] = g
		}
		if g.n++; g.over {
			return
		}
		if g.n > p.max {
			g.over, g.order = true, p.nsum
			p.nsum++
			return
		}
	}
	if len(p.out) >= p.limit {
		p.out = p.m.merge(p.out)
		p.limit = max(mergeAt, 2*len(p.out))
		earlyMerges.Add(1)
	}
	if len(p.out) == cap(p.out) {
		// Double rather than append's 1.25x for large slices:
		// a diff can find hundreds of thousands of cells before
		// merge, and each growth copies them all. But never past
		// limit: the cells are merged when they reach it, so the
		// buffer never holds more (doubling past it left up to half
		// of a buffer of millions of 136-byte cells unused).
		grown := make([]cell, len(p.out), min(max(2*len(p.out), 256), max(p.limit, len(p.out)+1)))
		copy(grown, p.out)
		p.out = grown
	}
	p.out = append(p.out, c)
}

// mergeAt is the number of changed cells a diff holds, per direction,
// family and protocol class, before it merges them into regions and
// goes on: without it, fw1-10K's diff held on the order of 100 million
// cells before its one merge (over 22 GB). Merging early is exact: merge
// keeps the union of each (new rule, old rule) group's cells, and the
// cells are disjoint whenever they are found, so the held regions and
// the cells found later merge again at the end as cells would. Only the
// decomposition into boxes may differ from a single merge at the end,
// and only when a class reaches mergeAt cells. After an early merge the
// next one waits for twice the cells it kept (at least mergeAt), so a
// class whose regions do not shrink is merged O(log n) times. Tests
// lower it.
var mergeAt = 1 << 20

// earlyMerges counts the early merges, for tests to see they happened.
var earlyMerges atomic.Int64

// outcome returns the one action every flow of b gets from the
// candidates cands of t (rules rs), and whether there is only one.
func outcome(t *table, rs []*sgsim.Rule, b *box, cands []int32) (sgsim.Action, bool) {
	a, n := sgsim.Deny, 0
	for _, c := range cands {
		rb := &t.boxes[c]
		x := rs[rb.rule].Action
		if n > 0 && x != a {
			return a, false
		}
		a, n = x, n+1
		if rb.b.holds(b) {
			return a, true
		}
	}
	// The default deny decides what no candidate covers.
	return sgsim.Deny, n == 0 || a == sgsim.Deny
}

// settled reports whether the old candidates oc and the new ones nc
// decide every flow of b alike: because they start with the same boxes
// and actions up to one that holds b (or to the end of both), or
// because each gives all of b one action, the same.
func (p *pairDecider) settled(b *box, oc, nc []int32) bool {
	for i := 0; ; i++ {
		if i == len(oc) || i == len(nc) {
			if len(oc) == len(nc) {
				return true
			}
			break
		}
		if p.oid[oc[i]] != p.nid[nc[i]] {
			break
		}
		if p.o.boxes[oc[i]].b.holds(b) {
			return true
		}
	}
	oa, ok := outcome(p.o, p.ors, b, oc)
	if !ok {
		return false
	}
	na, ok := outcome(p.n, p.nrs, b, nc)
	return ok && na == oa
}

func (p *pairDecider) decide(b box, oc, nc []int32) {
	if prune && p.settled(&b, oc, nc) {
		return
	}
	if p.leftOut(&b, oc, nc) {
		return
	}
	if len(oc) == 0 || p.o.boxes[oc[0]].b.holds(&b) {
		old := int32(-1)
		if len(oc) > 0 {
			old = p.o.boxes[oc[0]].rule
		}
		p.decideNew(b, nc, old, action(p.ors, old))
		return
	}
	below, inside, above, hasBelow, hasAbove, dim := cutBoxDim(b, &p.o.boxes[oc[0]].b)
	if hasBelow {
		p.sub(below, oc[1:], nc, dim)
	}
	if hasAbove {
		p.sub(above, oc[1:], nc, dim)
	}
	p.sub(inside, oc, nc, dim)
}

// decideNew is the new version's cut of b, inside a cell of old rule
// old with action oa: it keeps the cells of another action, and leaves
// out parts every flow of which gets oa.
func (p *pairDecider) decideNew(b box, nc []int32, old int32, oa sgsim.Action) {
	if prune {
		if na, ok := outcome(p.n, p.nrs, &b, nc); ok && na == oa {
			return
		}
	}
	if len(nc) == 0 || p.n.boxes[nc[0]].b.holds(&b) {
		rule := int32(-1)
		if len(nc) > 0 {
			rule = p.n.boxes[nc[0]].rule
		}
		if action(p.nrs, rule) != oa {
			p.keep(cell{b: b, rule: rule, tag: old})
		}
		return
	}
	if p.nsum > 0 && p.pairsSummarized(&b, old, nc, 0) {
		return
	}
	below, inside, above, hasBelow, hasAbove, dim := cutBoxDim(b, &p.n.boxes[nc[0]].b)
	if hasBelow {
		p.subNew(below, nc[1:], old, oa, dim)
	}
	if hasAbove {
		p.subNew(above, nc[1:], old, oa, dim)
	}
	p.subNew(inside, nc, old, oa, dim)
}

// subNew decides part b of a box with the candidates of nc that meet
// it. They meet b's parent, which differs from b only on dimension dim,
// so they are tested on dim alone (as decider.sub does).
func (p *pairDecider) subNew(b box, nc []int32, old int32, oa sgsim.Action, dim int) {
	nm := len(p.nbuf)
	lo, hi := b[dim].lo, b[dim].hi
	// While the candidates that meet b have action oa, one that holds
	// b settles it (decideNew's check, before going through the rest).
	i := 0
	if prune {
		for ; i < len(nc); i++ {
			rb := &p.n.boxes[nc[i]]
			if rb.b[dim].hi.less(lo) || hi.less(rb.b[dim].lo) {
				continue
			}
			p.nbuf = append(p.nbuf, nc[i])
			if p.nrs[rb.rule].Action != oa {
				i++
				break
			}
			if rb.b.holds(&b) {
				p.nbuf = p.nbuf[:nm]
				return
			}
		}
	}
	for _, c := range nc[i:] {
		if s := &p.n.boxes[c].b[dim]; !s.hi.less(lo) && !hi.less(s.lo) {
			p.nbuf = append(p.nbuf, c)
		}
	}
	p.decideNew(b, p.nbuf[nm:len(p.nbuf):len(p.nbuf)], old, oa)
	p.nbuf = p.nbuf[:nm]
}

// sub decides part b of a box with the candidates of oc and nc that
// meet it, tested on dim alone (see subNew).
func (p *pairDecider) sub(b box, oc, nc []int32, dim int) {
	om, nm := len(p.obuf), len(p.nbuf)
	lo, hi := b[dim].lo, b[dim].hi
	// While the old and new candidates are the same boxes, one of them
	// that holds b settles it (settled's first check, before going
	// through the rest).
	i := 0
	if prune {
		for ; i < len(oc) && i < len(nc) && p.oid[oc[i]] == p.nid[nc[i]]; i++ {
			rb := &p.o.boxes[oc[i]]
			if rb.b[dim].hi.less(lo) || hi.less(rb.b[dim].lo) {
				continue
			}
			p.obuf, p.nbuf = append(p.obuf, oc[i]), append(p.nbuf, nc[i])
			if rb.b.holds(&b) {
				p.obuf, p.nbuf = p.obuf[:om], p.nbuf[:nm]
				return
			}
		}
	}
	for _, c := range oc[i:] {
		if s := &p.o.boxes[c].b[dim]; !s.hi.less(lo) && !hi.less(s.lo) {
			p.obuf = append(p.obuf, c)
		}
	}
	for _, c := range nc[i:] {
		if s := &p.n.boxes[c].b[dim]; !s.hi.less(lo) && !hi.less(s.lo) {
			p.nbuf = append(p.nbuf, c)
		}
	}
	p.decide(b, p.obuf[om:len(p.obuf):len(p.obuf)], p.nbuf[nm:len(p.nbuf):len(p.nbuf)])
	p.obuf, p.nbuf = p.obuf[:om], p.nbuf[:nm]
}

// boxIDs numbers the boxes of o and n so that two boxes get the same id
// when they are the same box with the same action.
func boxIDs(o, n *table, ors, nrs []*sgsim.Rule) (oid, nid []int32) {
	type k struct {
		b box
		a sgsim.Action
	}
	ids := map[k]int32{}
	number := func(t *table, rs []*sgsim.Rule) []int32 {
		out := make([]int32, len(t.boxes))
		for i, rb := range t.boxes {
			x := k{rb.b, rs[rb.rule].Action}
			id, ok := ids[x]
			if !ok {
				id = int32(len(ids))
				ids[x] = id
			}
			out[i] = id
		}
		return out
	}
	return number(o, ors), number(n, nrs)
}

// changed returns the cells of the whole space that the new version
// decides with another action than the old, tagged with the old rule,
// merged with m (see mergeAt) when there are many: the caller merges
// the result again.
//
// With maxBoxes above 0 (see DiffOptions.MaxBoxes) a group of more
// than maxBoxes cells is summarized: its cells are left out of the result, and it is
// returned in sums, in the order the groups were summarized.
func changed(o, n *table, ors, nrs []*sgsim.Rule, out []cell, m *merger, maxBoxes int) (cells []cell, sums []sumGroup) {
	p := pairDecider{o: o, n: n, ors: ors, nrs: nrs, out: out, m: m, limit: mergeAt, max: maxBoxes}
	if maxBoxes > 0 {
		p.groups = map[uint64]*sumGroup{}
	}
	p.oid, p.nid = boxIDs(o, n, ors, nrs)
	oc := make([]int32, len(o.boxes))
	for i := range oc {
		oc[i] = int32(i)
	}
	nc := make([]int32, len(n.boxes))
	for i := range nc {
		nc[i] = int32(i)
	}
	p.decide(o.full, oc, nc)
	if p.nsum == 0 {
		return p.out, nil
	}
	cells = p.out[:0]
	for _, c := range p.out {
		if !p.summarized(c.tag, c.rule) {
			cells = append(cells, c)
		}
	}
	sums = make([]sumGroup, p.nsum)
	for _, g := range p.groups {
		if g.over {
			sums[g.order] = *g
		}
	}
	return cells, sums
}
