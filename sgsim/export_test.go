package sgsim

// CompileTuned is Compile with a small tuple space: at most bucketCap
// entries per key in a node, at most maxNodes nodes, and a remainder of
// at most tail entries forming the last list directly. Small values make
// small rule sets reach the spill, node-limit and tail paths.
func CompileTuned(s Semantics, bucketCap, maxNodes, tail int, groups ...Group) (*Classifier, error) {
	p := tupleParams{bucketCap: bucketCap, maxNodes: maxNodes, tailEntries: tail, sampleSize: 64, lens: 4, lensAll: 4, classMax: 1 << 30, classShare: 2}
	return compileWith(s, &p, groups)
}

// TupleInfo describes the tuple space of one table.
type TupleInfo struct {
	Nodes      int  // nodes, the last list included
	ClassNodes int  // nodes hashing protocol bits, with the entries of any protocol copied into every class
	Entries    int  // entries over all nodes
	Spilled    int  // entries left for a later node because their key was full
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
	// Final counts entries marked final (a match on them ends the
	// lookup) while a later node's earliest rule comes before theirs,
	// so that the mark saves probes. FinalWrong counts entries marked
	// final although a later node holds an earlier entry that some flow
	// could match with them, found by comparing every pair: it must be 0.
	Final, FinalWrong int
}

// Tuples describes the IPv4 tuple space of direction d; ok is false when
// that table has none.
func Tuples(c *Classifier, d Direction) (info TupleInfo, ok bool) {
	tp := c.t[d][0].tup
	if tp == nil {
		return info, false
	}
	info.Nodes, info.Entries, info.Spilled = len(tp.nodes), tp.entries(), tp.spilled
	info.Final, info.FinalWrong = tp.checkFinal()
	for i := range tp.nodes {
		n := &tp.nodes[i]
		if n.mask == 0 && n.pdMask == 0 {
			info.TailList = true
		}
		if pm := n.pdMask >> 16; pm != 0 && pm != 0xffff {
			info.ClassNodes++
		}
		if uint64(len(n.slots)) != 1<<(64-uint64(n.shift)) && !(n.shift == 64 && len(n.slots) == 1) {
			info.OutOfBounds++
		}
		for b := range n.slots {
			sl := &n.slots[b]
			if uint64(sl.more)+uint64(sl.nmore) > uint64(len(n.more)) {
				info.OutOfBounds++
			}
			if sl.rank == noMatch {
				continue
			}
			if len(n.slots) > 1 && n.slots[b^1].lens&buddyFlag != 0 && n.slots[b^1].rank != noMatch {
				continue // the neighbour's second entry, checked with it
			}
			size := 1 + int(sl.nmore)
			// In a class node an entry of any protocol is a copy whose
			// class is its bucket's: it names no key of its own and sits
			// in a bucket of one of the classes. Any other entry sits in
			// its own bucket.
			class := uint16(n.pdMask >> 16)
			keys := map[[2]uint64]bool{}
			placed := func(e tent) bool {
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
			if sl.lens&buddyFlag != 0 {
				info.Buddies++
				size++
				if len(n.slots) < 2 {
					info.BuddyWrong++
					continue
				}
				o := &n.slots[b^1]
				if o.rank == noMatch || o.rank < sl.rank || o.nmore != 0 || o.lens&buddyFlag != 0 ||
					!placed(n.first(uint64(b^1))) ||
					sl.nmore > 0 && n.more[sl.more].rank < o.rank {
					info.BuddyWrong++
				}
			}
			info.MaxBucket = max(info.MaxBucket, size)
			for _, e := range n.more[sl.more : sl.more+sl.nmore] {
				if !placed(e) {
					info.Misplaced++
				}
			}
			if len(keys) > 1 {
				info.Collisions++
			}
		}
	}
	return info, true
}

// checkFinal counts the final entries that save probes and those marked
// wrongly, comparing each final entry with every entry of the later nodes.
func (tp *tuples) checkFinal() (final, wrong int) {
	var all [][]tent // per node, its entries
	for i := range tp.nodes {
		n := &tp.nodes[i]
		var es []tent
		for b := range n.slots {
			if n.slots[b].rank != noMatch {
				es = append(es, n.first(uint64(b)))
			}
		}
		all = append(all, append(es, n.more...))
	}
	for i := range all {
		for _, e := range all[i] {
			if !e.final {
				continue
			}
			saves, bad := false, false
			for j := i + 1; j < len(all); j++ {
				saves = saves || tp.nodes[j].minRank < e.rank
				for _, o := range all[j] {
					bad = bad || o.rank < e.rank && o.overlaps(&e)
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
