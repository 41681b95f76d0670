package sgsim

import "math/bits"

// CompileTuned is Compile with a small tuple space: at most bucketCap
// entries per key in a node, at most maxNodes nodes, and a remainder of
// at most tail entries forming the last list directly; a bucket whose
// chain holds more than subMin entries (0: never) becomes a tuple space of
// its own, under the same limits; a node has the power of two above its
// keys times 2^sparse buckets (up to 2^15, and 4 buckets a rule over the
// table, as Compile allows), in tables of any size; Check probes every
// first node inline (table.first), whatever its slots' share. Small
// values make small rule sets reach the spill, node-limit, tail and
// crowded-bucket paths.
func CompileTuned(s Semantics, bucketCap, maxNodes, tail, subMin, sparse int, groups ...Group) (*Classifier, error) {
	p := tupleParams{bucketCap: bucketCap, maxNodes: maxNodes, tailEntries: tail, sampleSize: 64, lens: 4, lensAll: 4, classMax: 1 << 30, classShare: 2,
		subMin: subMin, subNodes: maxNodes, subTail: tail, prune: 64, // subShare 0: every crowded bucket
		sparse: sparse, sparseMax: 1 << 15, sparseEntries: 1 << 30, sparseRule: 4}
	return compileWith(s, &p, groups)
}

// CompileInlineAll is Compile with every first node probed inline
// (tupleParams.inline 0): TestInlineBySlotShare measures on it the share
// of a trace's lookups that the slots end, to set against compile's
// estimate.
func CompileInlineAll(s Semantics, groups ...Group) (*Classifier, error) {
	p := defaultTuples
	p.inline = 0
	return compileWith(s, &p, groups)
}

// Inline reports whether Check probes the first node of direction d's
// IPv4 table inline (table.first), and the share of lookups ending in its
// slot that compile estimated (tuples.slotShare; 0 without a tuple space).
func Inline(c *Classifier, d Direction) (bool, float64) {
	t := &c.t[d][0]
	if t.tup == nil || len(t.tup.nodes) == 0 {
		return false, 0
	}
	return t.first != nil, t.tup.slotShare()
}

// CompileSparse is Compile with 2^sparse times the buckets a node's keys
// need (Compile's is 3; 0 is one to two buckets a key), every other
// parameter Compile's: BenchmarkSparseBuckets sets the two side by side.
func CompileSparse(s Semantics, sparse int, groups ...Group) (*Classifier, error) {
	p := defaultTuples
	p.sparse = sparse
	return compileWith(s, &p, groups)
}

// TupleInfo describes the tuple space of one table.
type TupleInfo struct {
	Nodes      int  // nodes, the last list included
	ClassNodes int  // nodes hashing protocol bits, with the entries of any protocol copied into every class
	WideClass  int  // class nodes hashing three protocol bits (eight classes)
	Entries    int  // entries over all nodes
	Spilled    int  // entries left for a later node because their key was full
	Pruned     int  // entries dropped as covered by an earlier entry of the same key (see prune)
	Collisions int  // buckets holding entries of two or more distinct keys
	TailList   bool // some node hashes nothing (a list scanned in order)
	MaxBucket  int  // entries in the largest bucket
	// Buddies counts buckets whose second entry is in the neighbour
	// slot; BuddyWrong those among them whose neighbour does not hold
	// an entry of the bucket (same key hash), in evaluation order between the first and the chain, with
	// no chain or buddy of its own: a lookup would then miss or misorder
	// the bucket's entries, so this must be 0.
	Buddies, BuddyWrong int
	// Misplaced counts entries in a bucket other than the one a flow
	// they match probes (for a copy in a class node: none of its
	// class's): it must be 0.
	Misplaced int
	// OutOfBounds counts nodes whose hash can name a bucket outside
	// their slots (slots not 2^(64-shift)) and buckets whose other
	// entries lie outside the node's chain array: a lookup would panic
	// on either (it indexes both with bounds checks), so this must be 0.
	OutOfBounds int
	// SubTables counts crowded buckets whose chain is a tuple space of
	// its own (subFlag), SubEntries the entries in those. Their nodes
	// are checked as the table's are (OutOfBounds, Misplaced, buddies),
	// and each of their entries must also lie in the crowded bucket, as
	// a flow matching it probes it (else Misplaced).
	SubTables, SubEntries int
	// Final counts entries marked final (a match on them ends the
	// lookup) while a later node's earliest rule comes before theirs,
	// so that the mark saves probes. FinalWrong counts entries marked
	// final although a later node holds an earlier entry that some flow
	// could match with them, found by comparing every pair: it must be 0.
	Final, FinalWrong int
	// Sparse counts nodes with more than twice as many buckets as
	// entries, which only tupleParams.sparse makes (the power of two
	// above the keys is at most twice the keys).
	Sparse int
}

// Tuples describes the IPv4 tuple space of direction d; ok is false when
// that table has none.
func Tuples(c *Classifier, d Direction) (info TupleInfo, ok bool) {
	tp := c.t[d][0].tup
	if tp == nil {
		return info, false
	}
	info.Nodes, info.Entries, info.Spilled, info.Pruned = len(tp.nodes), tp.entries(), tp.spilled, tp.pruned
	info.Final, info.FinalWrong = tp.checkFinal()
	for i := range tp.nodes {
		n := &tp.nodes[i]
		if n.mask == 0 && n.pdMask == 0 {
			info.TailList = true
		}
		if pm := n.pdMask >> 16; pm != 0 && pm != 0xffff {
			info.ClassNodes++
			if bits.OnesCount64(pm) == 3 {
				info.WideClass++
			}
		}
		n.check(&info, nil)
		if len(n.slots) > 2*(&tuples{nodes: tp.nodes[i : i+1]}).entries() {
			info.Sparse++
		}
	}
	return info, true
}

// check adds n's counts to info (see TupleInfo). in, for the node of a
// crowded bucket's tuple space, reports whether an entry lies in that
// bucket.
func (n *tnode) check(info *TupleInfo, in func(tent) bool) {
	if uint64(len(n.slots)) != 1<<(64-uint64(n.shift)) && !(n.shift == 64 && len(n.slots) == 1) {
		info.OutOfBounds++
	}
	for b := range n.slots {
		sl := &n.slots[b]
		sub := sl.lens&subFlag != 0
		if sub && uint64(sl.more)+uint64(sl.nmore) > uint64(len(n.subNodes)) || !sub && uint64(sl.more)+uint64(sl.nmore) > uint64(len(n.more)) {
			info.OutOfBounds++
			continue
		}
		if sl.rank == noMatch {
			continue
		}
		if len(n.slots) > 1 && n.slots[b^1].lens&buddyFlag != 0 && n.slots[b^1].rank != noMatch {
			continue // the neighbour's second entry, checked with it
		}
		// In a class node an entry of any protocol is a copy whose
		// class is its bucket's: it names no key of its own and sits
		// in a bucket of one of the classes. Any other entry sits in
		// its own bucket.
		class := uint16(n.pdMask >> 16)
		keys := map[[2]uint64]bool{}
		placed := func(e tent) bool {
			if in != nil && !in(e) {
				return false
			}
			if class != 0 && class != 0xffff && e.proto == 0 {
				return n.holds(&e, uint64(b))
			}
			pd := uint64(e.proto)<<16 | uint64(e.dpLo)
			keys[[2]uint64{e.val & n.mask, pd & n.pdMask}] = true
			return n.bucket(e.val, pd) == uint64(b)
		}
		if !placed(n.first(uint64(b))) {
			info.Misplaced++
		}
		size := 1
		if sl.lens&buddyFlag != 0 {
			info.Buddies++
			size++
			if len(n.slots) < 2 {
				info.BuddyWrong++
				continue
			}
			o := &n.slots[b^1]
			if o.rank == noMatch || o.rank < sl.rank || o.nmore != 0 || o.lens&(buddyFlag|subFlag) != 0 ||
				!placed(n.first(uint64(b^1))) ||
				!sub && sl.nmore > 0 && n.more[sl.more].rank < o.rank {
				info.BuddyWrong++
			}
		}
		if sub {
			// The crowded bucket's tuple space: its entries come after
			// the bucket's first (and buddy) and lie in this bucket.
			t := n.sub(sl)
			info.SubTables++
			es := t.entries()
			info.SubEntries += es
			size += es
			if in != nil {
				info.OutOfBounds++ // tuple spaces do not nest
			}
			after := n.first(uint64(b)).rank
			if sl.lens&buddyFlag != 0 {
				after = n.slots[b^1].rank
			}
			for i := range t.nodes {
				if t.nodes[i].minRank < after {
					info.Misplaced++
				}
				t.nodes[i].check(info, placed)
			}
		} else {
			size += int(sl.nmore)
			for _, e := range n.more[sl.more : sl.more+sl.nmore] {
				if !placed(e) {
					info.Misplaced++
				}
			}
		}
		info.MaxBucket = max(info.MaxBucket, size)
		if len(keys) > 1 {
			info.Collisions++
		}
	}
}

// checkFinal counts the final entries that save probes and those marked
// wrongly, comparing each final entry with every entry of the later nodes
// (for an entry of a crowded bucket's tuple space, its later nodes and
// then the later nodes of the table).
func (tp *tuples) checkFinal() (final, wrong int) {
	return tp.checkFinalAfter(nil)
}

func (tp *tuples) checkFinalAfter(after []*tnode) (final, wrong int) {
	for i := range tp.nodes {
		n := &tp.nodes[i]
		var later []*tnode
		for j := i + 1; j < len(tp.nodes); j++ {
			later = append(later, &tp.nodes[j])
		}
		later = append(later, after...)
		var own []tent
		for b := range n.slots {
			sl := &n.slots[b]
			if sl.rank == noMatch {
				continue
			}
			own = append(own, n.first(uint64(b)))
			if sl.lens&subFlag != 0 {
				sub := n.sub(sl)
				f, w := sub.checkFinalAfter(later)
				final, wrong = final+f, wrong+w
			}
		}
		own = append(own, n.more...)
		for _, e := range own {
			if !e.final {
				continue
			}
			saves, bad := false, false
			for _, o := range later {
				saves = saves || o.minRank < e.rank
				for _, x := range o.all() {
					bad = bad || x.rank < e.rank && x.overlaps(&e)
				}
			}
			if saves {
				final++
			}
			if bad {
				wrong++
			}
		}
	}
	return final, wrong
}

// all returns n's entries, those of its crowded buckets' tuple spaces
// included.
func (n *tnode) all() []tent {
	var es []tent
	for b := range n.slots {
		if n.slots[b].rank != noMatch {
			es = append(es, n.first(uint64(b)))
		}
	}
	es = append(es, n.more...)
	for i := range n.subNodes {
		es = append(es, n.subNodes[i].all()...)
	}
	return es
}

// FirstPath names the branch Check takes at the first node's slot for
// flow f in direction d (see Check and table.past): "decides" (the slot
// decides, its action read there: "decides allow" or "decides deny",
// then " one" when the verdict needs neither info nor group), "empty",
// "icmp", "matched", "alone" (the slot's entry alone in its bucket),
// "bucket" (the slot does not match, and the bucket holds more: then
// " buddy" or " chain", where the bucket's first other entry that
// matches but for an ICMP test is, with " icmp" when it has that test,
// or " none"), or "" when Check probes no first node for f.
func FirstPath(c *Classifier, d Direction, f Flow) string {
	if d > Egress || !f.Src.Is4() || !f.Dst.Is4() || f.Proto-1 >= 256 || c.t[d][0].first == nil {
		return ""
	}
	t := &c.t[d][0]
	k := wordsKey(&f)
	e := t.first.at(k, &f)
	switch {
	case e.decides(k, uint16(f.Proto), f.DstPort, f.SrcPort):
		p := "decides deny"
		if e.proto&allowFlag != 0 {
			p = "decides allow"
		}
		if t.one {
			p += " one"
		}
		return p
	case e.rank == noMatch:
		return "empty"
	case e.lens&icmpFlag != 0:
		return "icmp"
	case e.matches(k, uint16(f.Proto), f.DstPort, f.SrcPort):
		return "matched"
	case e.lens&buddyFlag == 0 && e.nmore == 0:
		return "alone"
	}
	p, dp, sp := uint16(f.Proto), f.DstPort, f.SrcPort
	if e.lens&buddyFlag != 0 {
		if o := &t.first.slots[t.first.bucket(k, uint64(f.Proto)<<16|uint64(f.DstPort))^1]; o.matches(k, p, dp, sp) {
			if o.lens&icmpFlag != 0 {
				return "bucket buddy icmp"
			}
			return "bucket buddy"
		}
	}
	for _, m := range t.first.more[e.more : e.more+e.nmore] {
		if m.matches(k, p, dp, sp) {
			if m.icmp {
				return "bucket chain icmp"
			}
			return "bucket chain"
		}
	}
	return "bucket none"
}

// DecidedInSub reports whether the rule deciding f in direction d is an
// entry of a crowded bucket's tuple space that f probes (see subFlag): the
// lookup went into one and what it found there stood.
func DecidedInSub(c *Classifier, d Direction, f Flow) bool {
	t := &c.t[d][0]
	if t.tup == nil || !f.Src.Is4() || !f.Dst.Is4() || !f.IsValid() {
		return false
	}
	best := t.lookup(&f)
	if best == noMatch {
		return false
	}
	s, ds := f.Src.As4(), f.Dst.As4()
	k := uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 | uint64(ds[0])<<24 | uint64(ds[1])<<16 | uint64(ds[2])<<8 | uint64(ds[3])
	pd := uint64(f.Proto)<<16 | uint64(f.DstPort)
	for i := range t.tup.nodes {
		n := &t.tup.nodes[i]
		sl := &n.slots[n.bucket(k, pd)]
		if sl.lens&subFlag == 0 || sl.rank == noMatch {
			continue
		}
		sub := n.sub(sl)
		if sub.lookup(k, &f, t, noMatch) == best {
			return true
		}
	}
	return false
}

// holds reports whether bucket b is one a flow of some protocol matching
// e (of any protocol) probes in class node n.
func (n *tnode) holds(e *tent, b uint64) bool {
	class := uint16(n.pdMask >> 16)
	for v := uint16(0); ; v = (v - class) & class {
		if n.bucket(e.val, uint64(v)<<16) == b {
			return true
		}
		if v == class {
			return false
		}
	}
}

// Search is Check's search alone for an IPv4 flow: the position of the
// first matching rule in direction d's IPv4 table, or -1, found as Check
// finds it but without Check's validity tests and verdict. Benchmarks
// set it against Check to split a lookup's cost into the search and the
// call around it.
//
// It repeats Check's few lines of search (the first node's slot probed
// as Check probes it, then table.past, or the table's lookup) rather than
// Check calling a shared function: that function is too large to be
// inlined, and Check would pay a call for it.
func Search(c *Classifier, d Direction, f *Flow) int {
	t := &c.t[d][0]
	var best uint32
	if n := t.first; n == nil {
		best = t.lookup(f)
	} else {
		k := wordsKey(f)
		b := n.bucket(k, uint64(f.Proto)<<16|uint64(f.DstPort))
		if e := &n.slots[b]; e.decides(k, uint16(f.Proto), f.DstPort, f.SrcPort) {
			return int(e.rank)
		}
		best = t.past(b, k, f)
	}
	if best == noMatch {
		return -1
	}
	return int(best)
}

// CheckPlain is Check without its inline probe of the first node: the
// tuple space searched by plain from its first node, and the action read
// in table.act, as Check did before session 15 (plain now masks the
// slot's protocol field, one AND more). BenchmarkFirstNode sets the two
// side by side.
func CheckPlain(c *Classifier, d Direction, f Flow) Verdict {
	if d > Egress || !f.Src.Is4() || !f.Dst.Is4() || f.Proto-1 >= 256 {
		return c.check(d, &f)
	}
	t := &c.t[d][0]
	var best uint32
	if t.first == nil {
		best = t.lookup(&f)
	} else {
		best = t.tup.plain(wordsKey(&f), &f, t, noMatch)
	}
	if best == noMatch {
		return Verdict{}
	}
	return c.verdict(t, best)
}

// SearchRule is the rule at position pos of direction d's IPv4 table, as
// Search returns it.
func SearchRule(c *Classifier, d Direction, pos int) *Rule {
	t := &c.t[d][0]
	k := t.base + uint32(pos)
	if t.info != nil {
		k = t.info[pos]
	}
	return &c.rules[k]
}
