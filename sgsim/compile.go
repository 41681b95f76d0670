package sgsim

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"unsafe"
)

// Classifier is a compiled rule set: immutable, safe for concurrent use,
// and equal in every verdict (action and deciding rule) to the Linear
// evaluator of the same rules and semantics. Check does not allocate.
//
// Design. Rules are split by direction and address family into tables,
// each holding its rules in evaluation order; a lookup returns the
// earliest rule that matches. Stats().Structure names each table's
// structure, chosen by size and shape:
//
//   - "scan": up to 8 rules, checked in order.
//   - "tuples" (IPv4): a tuple space (see tuples.go). Every rule is
//     flattened into entries of one source prefix, one destination
//     prefix and single port ranges; entries are grouped into a dozen
//     nodes or fewer, each hashing a prefix of the source and of the
//     destination (and possibly the exact protocol and destination port)
//     into buckets kept in evaluation order, each bucket's first entry
//     inline in its 32-byte slot. A lookup probes one bucket per node
//     (one cache line when the first entry decides), with a masked
//     64-bit compare per entry, and stops at the first node or bucket
//     whose earliest rule comes after the best match so far: two to five
//     probes and two to ten entries per lookup on the ClassBench 1K and
//     10K traces.
//   - "index" (IPv6, and "tuples+index" for IPv4 rules that flatten into
//     more than 64 entries, such as a wide arbitrary address range with a
//     port list): each rule is indexed on one dimension, destination
//     address, source address or destination port, whichever promises
//     the shortest scan: the rules sharing its exact range plus the share
//     of all rules a range of its width overlaps. Rules that restrict none
//     of them go to a short list scanned in full. Each index is a set of
//     elementary intervals (the points where some rule's range starts or
//     ends cut the dimension into pieces no rule boundary crosses), and
//     each interval holds the positions, in evaluation order, of the rules
//     that cover it. A lookup binary-searches each index and scans the
//     interval's list, stopping as soon as the next candidate comes later
//     than the best match so far. Wide ranges over many narrow ones would
//     make the copies grow toward n², so an index whose ranges average
//     more than a few intervals each is split into layers by width (see
//     buildLayers).
//
// A verdict is built from compact per-position records rather than the
// Rule: the action is a bit, the rule's index is computed (or read, 4
// bytes, in a table that holds only some of its direction's rules), and a
// group position is read when there is more than one group (see
// table.act).
type Classifier struct {
	sem    Semantics
	rules  []Rule
	groups []string
	t      [2][2]table // [direction][0: IPv4, 1: IPv6]
	order  [2][]entry
	pos    []rulePos // per rule: group and index, for Position
}

type u128 struct{ hi, lo uint64 }

func (a u128) cmp(b u128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func (a u128) next() u128 {
	a.lo++
	if a.lo == 0 {
		a.hi++
	}
	return a
}

func (a u128) prev() u128 {
	if a.lo == 0 {
		a.hi--
	}
	a.lo--
	return a
}

var maxU128 = u128{math.MaxUint64, math.MaxUint64}

func keyOf(a netip.Addr) u128 {
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

type krange struct{ lo, hi u128 } // inclusive

// kset is an address set of one family in key space.
type kset struct {
	any bool
	one krange   // the only range, when len(rs) == 1
	rs  []krange // sorted, disjoint; nil when any or one range
	n   int      // number of ranges
}

func (s *kset) contains(k u128) bool {
	if s.any {
		return true
	}
	if s.n == 1 {
		return !k.less(s.one.lo) && !s.one.hi.less(k)
	}
	lo, hi := 0, len(s.rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.rs[m].hi.less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s.rs) && !k.less(s.rs[lo].lo)
}

func (s *kset) ranges() []krange {
	if s.n == 1 {
		return []krange{s.one}
	}
	return s.rs
}

// fraction returns the share of the family's address space the set
// covers, for choosing the dimension to index on.
func (s *kset) fraction(bits int) float64 {
	if s.any {
		return 1
	}
	total := 0.0
	for _, r := range s.ranges() {
		total += sizeOf(r)
	}
	return total / math.Ldexp(1, bits)
}

func sizeOf(r krange) float64 {
	return float64(r.hi.hi-r.lo.hi)*math.Ldexp(1, 64) + (float64(r.hi.lo) - float64(r.lo.lo)) + 1
}

// familySet restricts a to one family and converts it to key space. ok is
// false when a holds no address of the family.
func familySet(a Addrs, v6 bool) (s kset, ok bool) {
	if a.IsAny() {
		return kset{any: true}, true
	}
	var rs []krange
	for _, r := range a.Ranges() {
		if r.From().Is6() != v6 {
			continue
		}
		rs = append(rs, krange{keyOf(r.From()), keyOf(r.To())})
	}
	switch len(rs) {
	case 0:
		return kset{}, false
	case 1:
		if full := familyRange(v6); rs[0] == full {
			return kset{any: true}, true
		}
		return kset{one: rs[0], n: 1}, true
	}
	return kset{rs: rs, n: len(rs)}, true
}

func familyRange(v6 bool) krange {
	if v6 {
		return krange{u128{}, maxU128}
	}
	return krange{keyOf(netip.IPv4Unspecified()), keyOf(netip.AddrFrom4([4]byte{255, 255, 255, 255}))}
}

// kports is a compiled port set.
type kports struct {
	all bool
	one PortRange
	rs  Ports
}

func compilePorts(ps Ports) kports {
	switch {
	case ps.IsAll():
		return kports{all: true}
	case len(ps) == 1:
		return kports{one: ps[0]}
	}
	return kports{rs: ps}
}

func (k *kports) contains(p uint16) bool {
	if k.all {
		return true
	}
	if k.rs == nil {
		return k.one.First <= p && p <= k.one.Last
	}
	return k.rs.Contains(p)
}

// crule is a rule compiled for one direction and family.
type crule struct {
	proto    Protocol
	hasPorts bool
	isICMP   bool
	action   Action
	src, dst kset
	sp, dp   kports
	icmp     ICMPMatch
	rank     uint32 // position in evaluation order
}

func (c *crule) match(p Protocol, sk, dk u128, f *Flow) bool {
	if c.proto != AnyProtocol && c.proto != p {
		return false
	}
	if !c.dst.contains(dk) || !c.src.contains(sk) {
		return false
	}
	if c.hasPorts && (!c.dp.contains(f.DstPort) || !c.sp.contains(f.SrcPort)) {
		return false
	}
	if c.isICMP && !c.icmp.matches(f.ICMPType, f.ICMPCode) {
		return false
	}
	return true
}

// index is a set of elementary intervals over one dimension, each with the
// list of rule positions (ascending) that cover it, in compressed sparse
// row form: the rules covering interval i are ids[off[i]:off[i+1]].
type index struct {
	starts []u128 // starts[0] is zero; sorted, distinct
	off    []uint32
	ids    []uint32
}

type span struct {
	pos    uint32
	lo, hi u128
}

// cuts returns the elementary intervals of spans: their sorted, distinct
// start points, and for each span the intervals [i, j) it covers.
func cuts(spans []span) (pts []u128, ivs [][2]int) {
	pts = make([]u128, 0, 2*len(spans)+1)
	pts = append(pts, u128{})
	for _, s := range spans {
		pts = append(pts, s.lo)
		if s.hi != maxU128 {
			pts = append(pts, s.hi.next())
		}
	}
	slices.SortFunc(pts, u128.cmp)
	pts = slices.Compact(pts)
	find := func(k u128) int {
		i, _ := slices.BinarySearchFunc(pts, k, u128.cmp)
		return i
	}
	ivs = make([][2]int, len(spans))
	for n, s := range spans {
		i, j := find(s.lo), len(pts)
		if s.hi != maxU128 {
			j = find(s.hi.next())
		}
		ivs[n] = [2]int{i, j}
	}
	return pts, ivs
}

// Layers. A span is copied into every elementary interval it covers, so a
// few wide ranges over many narrow ones cost (wide × narrow) entries. The
// spans covering more than wideSpan intervals therefore go to a layer of
// their own, cut only at their own boundaries, and so on while a layer
// still has such spans and averages more than splitAt entries per span
// (at most maxLayers). A lookup searches every layer
// with the same best-so-far cutoff, so verdicts do not change.
const (
	wideSpan  = 8
	splitAt   = 4 // entries per span above which a layer is split
	maxLayers = 6
)

// layers is an index split by span width: layer 0 holds the narrow spans.
type layers []index

func buildLayers(spans []span) layers {
	var ls layers
	for len(spans) > 0 {
		if len(ls) == maxLayers-1 {
			return append(ls, buildIndex(spans))
		}
		_, ivs := cuts(spans)
		var narrow, wide []span
		entries := 0
		for n, s := range spans {
			w := ivs[n][1] - ivs[n][0]
			entries += w
			if w > wideSpan {
				wide = append(wide, s)
			} else {
				narrow = append(narrow, s)
			}
		}
		// Every layer costs a lookup one more search: split only when
		// the copies are what dominates the index.
		if len(wide) == 0 || len(narrow) == 0 || entries <= splitAt*len(spans) {
			return append(ls, buildIndex(spans))
		}
		ls = append(ls, buildIndex(narrow))
		spans = wide
	}
	return ls
}

func buildIndex(spans []span) index {
	if len(spans) == 0 {
		return index{}
	}
	pts, ivs := cuts(spans)
	cnt := make([]int, len(pts)+1)
	for _, iv := range ivs {
		cnt[iv[0]]++
		cnt[iv[1]]--
	}
	off := make([]uint32, len(pts)+1)
	run := 0
	for i := range pts {
		run += cnt[i]
		off[i+1] = off[i] + uint32(run)
	}
	ids := make([]uint32, off[len(pts)])
	fill := slices.Clone(off[:len(pts)])
	for n, s := range spans { // spans are in ascending pos, so lists are sorted
		for k := ivs[n][0]; k < ivs[n][1]; k++ {
			ids[fill[k]] = s.pos
			fill[k]++
		}
	}
	return index{starts: pts, off: off, ids: ids}
}

// list returns the candidates of the interval holding k.
func (x *index) list(k u128) []uint32 {
	lo, hi := 0, len(x.starts)
	for lo < hi { // first start > k
		m := int(uint(lo+hi) >> 1)
		if k.less(x.starts[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == 0 {
		return nil
	}
	return x.ids[x.off[lo-1]:x.off[lo]]
}

// table is the compiled rules of one direction and family.
type table struct {
	rules         []crule // in evaluation order
	dst, src, dpt layers
	rest          []uint32    // positions indexed on no dimension, scanned in full
	indexed       bool        // false: a small table, all in rest
	tup           *tuples     // IPv4 tables: the rules that flatten into few entries
	tupOnly       bool        // every rule is in tup, which has no crowded bucket: Check calls tup.plain directly ...
	first         *tnode      // ... or, when its first node's slots decide most lookups (and addrWords), probes that node inline ...
	after         *tuples     // ... and tup without it (see table.past)
	one           bool        // info and group are nil: the verdict needs neither
	base          uint32      // Classifier.rules index of the direction's first rule in evaluation order
	act           []uint64    // per rule in rules, one bit: its action (Deny 0, Allow 1)
	info          []uint32    // per rule in rules: its index in Classifier.rules; nil when rules holds every rule of the direction (the index is base + position)
	group         []uint16    // per rule in rules: its group; nil when the classifier has one group
	icmp          []ICMPMatch // per rule, when rules is dropped (all in tup)
}

// What Check needs to build a verdict from a table position is kept apart
// from crule (large) and Rule (larger). The rules are in evaluation order
// (see inOrder), so a table that holds every rule of its direction (all
// of ClassBench's, and every set of only IPv4 or only IPv6 rules) finds a
// rule's index as base plus its position and reads nothing; others read
// it from info (4 bytes per position). The action is one bit per position
// in act (12.5 KB at 100K rules), and group holds the group's position in
// attachment order (math.MaxUint16 when it does not fit: then it is
// looked up in Classifier.pos). With one group, group is nil and not
// read. Before, every table read a 4-byte record of index and action
// (400 KB at 100K rules); in one process on acl1_100000 and ipc1_100000
// (seeds 1 and 2) and fw1_100000, Check with the bit, the computed index
// and key4's direct read ran 1.04-1.07x as fast as with the record and
// As4, and 1.00-1.03x at 1K and 10K (bench/README.md, issue 15, session
// 12).
//
// maxRules bounds the rules of a classifier, whose positions and indexes
// are uint32 with noMatch (math.MaxUint32) kept free. (It was 2^31-1 so
// that an index fitted beside the action bit, and stays so.)
const maxRules = 1<<31 - 1

// smallTable is the size up to which a table is a plain scan: binary
// searches cost more than they save on a handful of rules.
const smallTable = 8

const noMatch = math.MaxUint32

func buildTable(order []entry, v6 bool, tp *tupleParams) table {
	var t table
	bits := 32
	if v6 {
		bits = 128
	}
	t.rules = make([]crule, 0, len(order))
	for rank, e := range order {
		r := e.rule
		if r.Family != AnyFamily && (r.Family == IPv6) != v6 {
			continue
		}
		src, ok1 := familySet(r.Src, v6)
		dst, ok2 := familySet(r.Dst, v6)
		if !ok1 || !ok2 {
			continue // matches no address of this family
		}
		c := crule{proto: r.Protocol, hasPorts: r.Protocol.HasPorts(), isICMP: r.Protocol.IsICMP(),
			action: r.Action, src: src, dst: dst, icmp: r.ICMP, rank: uint32(rank)}
		if c.hasPorts {
			c.sp, c.dp = compilePorts(r.SrcPorts), compilePorts(r.DstPorts)
		}
		t.rules = append(t.rules, c)
	}
	if len(t.rules) <= smallTable {
		t.rest = make([]uint32, len(t.rules))
		for i := range t.rest {
			t.rest[i] = uint32(i)
		}
		return t
	}
	// IPv4: every rule that flattens into a few entries goes to the tuple
	// space; the others (and every IPv6 rule) to the interval indexes.
	var left []uint32
	if !v6 {
		var ents []bent
		for i := range t.rules {
			var ok bool
			if ents, ok = expand(&t.rules[i], uint32(i), ents); !ok {
				left = append(left, uint32(i))
			}
		}
		t.tup = buildTuples(ents, tp)
	} else {
		left = make([]uint32, len(t.rules))
		for i := range left {
			left[i] = uint32(i)
		}
	}
	t.buildIndexes(left, bits)
	return t
}

// buildIndexes indexes the rules at positions ids (ascending).
func (t *table) buildIndexes(ids []uint32, bits int) {
	// Note, per dimension, how wide each rule is and how many rules share
	// its exact range, the two things that make a lookup scan long lists.
	type width struct {
		frac [3]float64 // share of the dimension covered; 1 = unrestricted
		key  [3]krange  // the single range, for counting rules that share it
		one  [3]bool    // the dimension is a single range
	}
	widths := make([]width, len(ids))
	shared := [3]map[krange]int{{}, {}, {}}
	for k, id := range ids {
		c := &t.rules[id]
		w := &widths[k]
		w.frac = [3]float64{c.dst.fraction(bits), c.src.fraction(bits), 1}
		if c.hasPorts && !c.dp.all {
			w.frac[2] = float64(Ports(portList(&c.dp)).Size()) / 65536
			if c.dp.rs == nil {
				w.key[2], w.one[2] = krange{u128{0, uint64(c.dp.one.First)}, u128{0, uint64(c.dp.one.Last)}}, true
			}
		}
		if c.dst.n == 1 {
			w.key[0], w.one[0] = c.dst.one, true
		}
		if c.src.n == 1 {
			w.key[1], w.one[1] = c.src.one, true
		}
		for d := range w.key {
			if w.one[d] {
				shared[d][w.key[d]]++
			}
		}
	}
	// Index each rule on the dimension where a lookup is expected to scan
	// the fewest candidates: the rules sharing its exact range plus the
	// rules a range of its width overlaps. Any choice gives the same
	// verdicts, since candidates are checked on every field.
	n := float64(len(t.rules))
	var dsts, srcs, dpts []span
	for k, id := range ids {
		w := &widths[k]
		best, bestCost := 3, math.Inf(1)
		for d := 0; d < 3; d++ {
			if w.frac[d] >= 1 {
				continue
			}
			cost := 1 + w.frac[d]*n
			if w.one[d] {
				cost = float64(shared[d][w.key[d]]) + w.frac[d]*n
			}
			if cost < bestCost {
				best, bestCost = d, cost
			}
		}
		c := &t.rules[id]
		switch best {
		case 0:
			for _, r := range c.dst.ranges() {
				dsts = append(dsts, span{id, r.lo, r.hi})
			}
		case 1:
			for _, r := range c.src.ranges() {
				srcs = append(srcs, span{id, r.lo, r.hi})
			}
		case 2:
			for _, p := range portList(&c.dp) {
				dpts = append(dpts, span{id, u128{0, uint64(p.First)}, u128{0, uint64(p.Last)}})
			}
		default:
			t.rest = append(t.rest, id)
		}
	}
	t.indexed = len(dsts)+len(srcs)+len(dpts) > 0
	t.dst, t.src, t.dpt = buildLayers(dsts), buildLayers(srcs), buildLayers(dpts)
}

func (t *table) scan(ids []uint32, best uint32, p Protocol, sk, dk u128, f *Flow) uint32 {
	for _, id := range ids {
		if id >= best {
			return best
		}
		if t.rules[id].match(p, sk, dk, f) {
			return id
		}
	}
	return best
}

func (t *table) lookup(f *Flow) uint32 {
	best := uint32(noMatch)
	if t.tup != nil {
		best = t.tup.lookup(key4(f), f, t, best)
		if !t.indexed && len(t.rest) == 0 {
			return best
		}
	}
	sk, dk := keyOf(f.Src), keyOf(f.Dst)
	p := f.Proto
	if t.indexed {
		for i := range t.dst {
			best = t.scan(t.dst[i].list(dk), best, p, sk, dk, f)
		}
		for i := range t.src {
			best = t.scan(t.src[i].list(sk), best, p, sk, dk, f)
		}
		if p.HasPorts() {
			pk := u128{0, uint64(f.DstPort)}
			for i := range t.dpt {
				best = t.scan(t.dpt[i].list(pk), best, p, sk, dk, f)
			}
		}
	}
	return t.scan(t.rest, best, p, sk, dk, f)
}

// Compile validates the groups under s and compiles them. Groups are given
// in attachment order. The rules are copied: later changes to the groups'
// slices do not affect the Classifier. Every rule must be resolved (no
// group or list references). A classifier holds at most 2^31-1 rules.
func Compile(s Semantics, groups ...Group) (*Classifier, error) {
	return compileWith(s, &defaultTuples, groups)
}

// compileWith is Compile with the tuple space's parameters, which tests
// shrink to reach its limits with small rule sets.
func compileWith(s Semantics, tp *tupleParams, groups []Group) (*Classifier, error) {
	// Counted without overflow (int may be 32 bits; groups may share one
	// slice of rules), before anything is copied.
	n := 0
	for i, g := range groups {
		if len(g.Rules) > maxRules-n {
			return nil, fmt.Errorf("sgsim: group %q (%d of %d) takes the rules past %d, the most a classifier holds", g.ID, i+1, len(groups), maxRules)
		}
		n += len(g.Rules)
	}
	rules, order, ids, pos, err := planAt(s, groups)
	if err != nil {
		return nil, err
	}
	inOrder(rules, pos, &order)
	c := &Classifier{sem: s, rules: rules, groups: ids, pos: pos}
	c.order = order
	for d := range order {
		base := 0
		if d == 1 {
			base = len(order[0])
		}
		for f, v6 := range []bool{false, true} {
			t := buildTable(order[d], v6, tp)
			t.base = uint32(base)
			t.act = make([]uint64, (len(t.rules)+63)/64)
			if len(t.rules) < len(order[d]) {
				t.info = make([]uint32, len(t.rules))
			}
			if len(ids) > 1 {
				t.group = make([]uint16, len(t.rules))
			}
			t.one = t.info == nil && t.group == nil
			for i := range t.rules {
				e := order[d][t.rules[i].rank]
				t.act[i/64] |= uint64(e.rule.Action&1) << (i % 64)
				if t.info != nil {
					t.info[i] = uint32(base + int(t.rules[i].rank))
				}
				if t.group != nil {
					t.group[i] = uint16(min(e.group, math.MaxUint16))
				}
			}
			if t.tup != nil {
				t.tup.markActions(t.act)
			}
			if t.tup != nil && !t.indexed && len(t.rest) == 0 {
				// Everything is in the tuple space, which needs of the
				// compiled rules only their ICMP matches: drop the rest.
				t.icmp = make([]ICMPMatch, len(t.rules))
				for i := range t.rules {
					t.icmp[i] = t.rules[i].icmp
				}
				t.rules = nil
				// With crowded buckets, through table.lookup, so that
				// Check's own loop stays the one without them.
				t.tupOnly = !t.tup.crowd
				if t.tupOnly && addrWords && f == 0 && len(t.tup.nodes) > 0 && (tp.inline == 0 || t.tup.slotShare()*100 >= float64(tp.inline)) {
					t.first = &t.tup.nodes[0]
					t.after = &tuples{nodes: t.tup.nodes[1:]}
				}
			} else if len(t.rules) < cap(t.rules) {
				t.rules = slices.Clone(t.rules)
			}
			c.t[d][f] = t
		}
	}
	return c, nil
}

// Check returns the verdict for flow f in direction d. It does not
// allocate. An invalid flow gets the default deny.
//
// The common case is inline: an IPv4 flow with a concrete protocol (so a
// valid flow), through a table whose rules are all in a tuple space
// without crowded buckets, whose first node's slots end most lookups
// (table.first, as compile estimates it: tuples.slotShare), when the
// flow's bucket holds the deciding entry in its slot, marked final; the
// action is then read in the slot too (allowFlag). Otherwise the lookup
// goes on in table.past. On acl1_100000 (99.8% of its trace's lookups
// end in the first node, 91% in the slot) the lookup ran 1.1-1.3x as
// fast (separate binaries alternated in a quiet hour; bench/README.md,
// issue 15, session 15); on sets whose slots decide few lookups (fw-like-v7
// 1K: 12%) the probe cost 5-10%, and their tables search as before.
func (c *Classifier) Check(d Direction, f Flow) Verdict {
	// Is4 means valid and unzoned; the protocol is valid and not
	// AnyProtocol when it is one of 1-256.
	if d > Egress || !f.Src.Is4() || !f.Dst.Is4() || f.Proto-1 >= 256 {
		return c.check(d, &f)
	}
	t := &c.t[d][0]
	var best uint32
	if n := t.first; n == nil {
		if t.tupOnly {
			var k uint64
			if addrWords { // see key4
				k = wordsKey(&f)
			} else {
				k = key4(&f)
			}
			best = t.tup.plain(k, &f, t, noMatch)
		} else {
			best = t.lookup(&f)
		}
	} else {
		k := wordsKey(&f)
		b := n.bucket(k, uint64(f.Proto)<<16|uint64(f.DstPort))
		e := &n.slots[b]
		if e.decides(k, uint16(f.Proto), f.DstPort, f.SrcPort) {
			if t.one {
				return Verdict{Action: Action(e.proto >> 15), Rule: &c.rules[t.base+e.rank], Group: c.groups[0]}
			}
			return c.verdict(t, e.rank)
		}
		best = t.past(b, k, &f)
	}
	if best == noMatch {
		return Verdict{}
	}
	return c.verdict(t, best)
}

// past is the lookup of f (key k) in table t's tuple space after Check
// read the slot of the first node's bucket b, which did not decide. It
// finishes that bucket itself (rest) rather than searching the tuple
// space from its first node again, and goes on past the first node
// unless an entry there ended the lookup. A slot with an ICMP test is
// left to plain (rare: ICMP rules with a type are few).
func (t *table) past(b, k uint64, f *Flow) uint32 {
	n := t.first
	e := &n.slots[b]
	best := uint32(noMatch)
	switch {
	case e.rank == noMatch:
	case e.lens&icmpFlag != 0:
		return t.tup.plain(k, f, t, noMatch)
	case e.matches(k, uint16(f.Proto), f.DstPort, f.SrcPort):
		best = e.rank
	default:
		r, final := n.rest(b, e, k, f, t)
		if final {
			return r
		}
		best = r
	}
	return t.after.plain(k, f, t, best)
}

// rest searches bucket b of n past its slot e, which did not match: its
// buddy, then its chain, as plain does. It returns the first entry that
// matches (noMatch when none), and whether that entry is final. An
// entry that matches ends the bucket's search: the others come later.
func (n *tnode) rest(b uint64, e *tslot, k uint64, f *Flow, t *table) (uint32, bool) {
	p, dp, sp := uint16(f.Proto), f.DstPort, f.SrcPort
	if e.lens&buddyFlag != 0 {
		o := &n.slots[b^1]
		if o.matches(k, p, dp, sp) && (o.lens&icmpFlag == 0 || t.icmpOf(o.rank).matches(f.ICMPType, f.ICMPCode)) {
			return o.rank, o.lens&finalFlag != 0
		}
	}
	ms := n.more[e.more : e.more+e.nmore]
	for j := range ms {
		if m := &ms[j]; m.matches(k, p, dp, sp) && (!m.icmp || t.icmpOf(m.rank).matches(f.ICMPType, f.ICMPCode)) {
			return m.rank, m.final
		}
	}
	return noMatch, false
}

// check is Check for what its fast path leaves: invalid flows and IPv6.
func (c *Classifier) check(d Direction, f *Flow) Verdict {
	if d > Egress || !f.IsValid() {
		return Verdict{}
	}
	fam := 0
	if f.Src.Is6() {
		fam = 1
	}
	t := &c.t[d][fam]
	best := t.lookup(f)
	if best == noMatch {
		return Verdict{}
	}
	return c.verdict(t, best)
}

// verdict is the verdict of the rule at position best of table t.
func (c *Classifier) verdict(t *table, best uint32) Verdict {
	k := t.base + best
	if t.info != nil {
		k = t.info[best]
	}
	g := 0
	if t.group != nil {
		g = int(t.group[best])
		if g == math.MaxUint16 { // more groups than a uint16 holds: rare, look it up
			g = int(c.pos[k].group)
		}
	}
	return Verdict{Action: Action(t.act[best/64] >> (best % 64) & 1), Rule: &c.rules[k], Group: c.groups[g]}
}

// inOrder puts rules (and pos with them) in evaluation order, ingress
// then egress, and points order's entries at their new places, so that
// the rule at position r of order[d] is rules[r] for ingress and
// rules[len(order[0])+r] for egress. A table that holds every rule of its
// direction then computes a verdict's rule from the position instead of
// reading it (table.info is nil). The permutation is applied in place,
// cycle by cycle: no second copy of the rules.
func inOrder(rules []Rule, pos []rulePos, order *[2][]entry) {
	if len(rules) == 0 {
		return
	}
	size := unsafe.Sizeof(Rule{})
	to := make([]int32, len(rules)) // rule index -> index in evaluation order
	n := 0
	for d := range order {
		for _, e := range order[d] {
			// e.rule points into rules: its index is its offset.
			to[(uintptr(unsafe.Pointer(e.rule))-uintptr(unsafe.Pointer(&rules[0])))/size] = int32(n)
			n++
		}
	}
	for i := range to {
		for int(to[i]) != i {
			j := to[i]
			rules[i], rules[j] = rules[j], rules[i]
			pos[i], pos[j] = pos[j], pos[i]
			to[i], to[j] = to[j], to[i]
		}
	}
	n = 0
	for d := range order {
		for r := range order[d] {
			order[d][r].rule = &rules[n]
			n++
		}
	}
}

// key4 returns the address pair of an IPv4 flow as src<<32 | dst. Read
// through As4, each address goes through a check of its family and two
// byte swaps; when netip.Addr is laid out as Go 1.18 through 1.26 have
// it (the 128-bit IPv4-mapped address, high word first, then the zone
// handle), the low 32 bits of its second word are the address, and Check
// reads them through wordsKey, which is inlined (key4, doing either, is
// not).
// addrWords says whether that layout was confirmed; when it was not,
// key4 reads through As4. In one process on acl1_100000 and ipc1_100000,
// Check with the direct read ran 1.03-1.09x as fast (bench/README.md,
// issue 15, session 12).
func key4(f *Flow) uint64 {
	if addrWords {
		return wordsKey(f)
	}
	src, dst := f.Src.As4(), f.Dst.As4()
	return uint64(binary.BigEndian.Uint32(src[:]))<<32 | uint64(binary.BigEndian.Uint32(dst[:]))
}

// wordsKey is key4's direct read, valid only when addrWords is true. It
// is small enough to be inlined into Check.
func wordsKey(f *Flow) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(&f.Src), 8))<<32 | *(*uint64)(unsafe.Add(unsafe.Pointer(&f.Dst), 8))&math.MaxUint32
}

// addrWords reports whether netip.Addr's words are where key4 reads them:
// its size is 24 bytes, and for IPv4 and IPv6 addresses whose words
// differ in every byte, the first word is the address's high 64 bits
// (0 for IPv4) and the second its low 64 bits (0xffff<<32 | the IPv4
// address).
var addrWords = addrLayout()

func addrLayout() bool {
	if unsafe.Sizeof(netip.Addr{}) != 24 {
		return false
	}
	for _, a := range []netip.Addr{
		netip.AddrFrom4([4]byte{0x81, 0x42, 0x23, 0x14}),
		netip.AddrFrom4([4]byte{1, 2, 3, 4}),
		netip.AddrFrom16([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0}),
	} {
		b := a.As16()
		hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
		p := unsafe.Pointer(&a)
		if *(*uint64)(p) != hi || *(*uint64)(unsafe.Add(p, 8)) != lo {
			return false
		}
	}
	return true
}

// Semantics returns the semantics the classifier was compiled with.
func (c *Classifier) Semantics() Semantics { return c.sem }

// Stats describes a compiled classifier's size.
type Stats struct {
	Rules        int // rules compiled
	IndexEntries int // tuple-space entries (a class node's copies of an entry of any protocol each counted; entries covered by an earlier one of the same key dropped) plus (rule, elementary interval) pairs over all interval indexes
	Intervals    int // elementary intervals over all interval indexes
	Scanned      int // rule entries kept in always-scanned lists
	Bytes        int // approximate memory of the compiled tables, excluding the Rule values
	// Structure is the lookup structure of each table, by direction and
	// family (0 IPv4, 1 IPv6): "empty", "scan" (a few rules, checked in
	// order), "tuples", "tuples+index" or "index" (see Classifier).
	Structure [2][2]string
}

// Stats returns the classifier's size. It is computed, not cached.
func (c *Classifier) Stats() Stats {
	s := Stats{Rules: len(c.rules), Structure: c.strategies()}
	for d := range c.t {
		for f := range c.t[d] {
			t := &c.t[d][f]
			s.Bytes += len(t.rules)*int(unsafe.Sizeof(crule{})) + len(t.info)*4 + len(t.act)*8 + len(t.group)*2 + len(t.icmp)*int(unsafe.Sizeof(ICMPMatch{}))
			for _, cr := range t.rules {
				s.Bytes += len(cr.src.rs)*32 + len(cr.dst.rs)*32 + len(cr.sp.rs)*4 + len(cr.dp.rs)*4
			}
			for _, ls := range []layers{t.dst, t.src, t.dpt} {
				for i := range ls {
					x := &ls[i]
					s.IndexEntries += len(x.ids)
					s.Intervals += len(x.starts)
					s.Bytes += len(x.starts)*16 + len(x.off)*4 + len(x.ids)*4
				}
				s.Bytes += len(ls) * int(unsafe.Sizeof(index{}))
			}
			s.IndexEntries += t.tup.entries()
			s.Bytes += t.tup.bytes()
			s.Scanned += len(t.rest)
			s.Bytes += len(t.rest) * 4
		}
		s.Bytes += len(c.order[d]) * int(unsafe.Sizeof(entry{}))
	}
	return s
}

// strategies reports the lookup structure chosen for each direction and
// family: "empty", "scan" for small tables, "index" otherwise.
func (c *Classifier) strategies() [2][2]string {
	var out [2][2]string
	for d := range c.t {
		for f := range c.t[d] {
			switch t := &c.t[d][f]; {
			case len(t.act) == 0:
				out[d][f] = "empty"
			case t.tup != nil && (t.indexed || len(t.rest) > 0):
				out[d][f] = "tuples+index"
			case t.tup != nil:
				out[d][f] = "tuples"
			case t.indexed:
				out[d][f] = "index"
			default:
				out[d][f] = "scan"
			}
		}
	}
	return out
}
