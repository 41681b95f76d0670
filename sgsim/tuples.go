package sgsim

import (
	"cmp"
	"math/bits"
	"slices"
	"unsafe"
)

// Tuples: the lookup structure of an IPv4 table with more than a handful
// of rules.
//
// Each rule is flattened into entries of single ranges: one per
// combination of its source prefixes, destination prefixes and
// destination port ranges (address ranges are cut into prefixes). An
// entry is a 64-bit value and mask over the address pair (source in the
// high 32 bits, destination in the low 32), a protocol, a destination and
// a source port range, and the rule's position in evaluation order. A flow
// matches an entry when key&mask == value and the protocol and ports fit:
// one masked 64-bit compare and three short integer tests.
//
// Entries are grouped into a few nodes. A node is defined by a mask: the
// first s bits of the source, the first d bits of the destination, and
// optionally the exact protocol and destination port. It holds entries
// whose own masks cover its mask (source prefix at least s long, and so
// on), hashed on the covered bits into buckets (see bucket);
// a bucket lists its entries in evaluation order, the first inline in the
// bucket's 32-byte slot (with the rank pruning needs and where the others
// are), so that a probe is one cache line when the first entry decides,
// the bucket is empty or nothing in it can win. A lookup probes one
// bucket per node: it hashes the flow's key under the node's mask and scans
// the bucket until an entry matches or comes later than the best match
// so far. Nodes are visited in order of the earliest rule they hold and
// the lookup stops at the first node whose earliest rule comes after the
// best match, or at a match on an entry marked final at compile time (no
// later node holds an earlier rule overlapping it: see markFinal). This
// is tuple space search in the spirit of TupleMerge and DynamicTuple
// (rules with longer prefixes are placed in coarser tuples, tuples are
// probed in priority order) with DBTable's per-bucket evaluation-order
// pruning; the hash replaces a bit extract, which Go lacks.
//
// Nodes are chosen greedily at compile time: on a sample of the entries
// not yet placed, each candidate mask (prefix lengths present in the
// sample, with and without the protocol and port) is scored by how many
// entries it places in buckets of at most bucketCap distinct-key entries;
// the best becomes the next node, taking every fitting entry except those
// beyond bucketCap under one key, which stay for later nodes where other
// bits may tell them apart. After maxNodes nodes, or when few entries are
// left, the remainder forms one last node with an empty mask: a list
// scanned in order.
//
// The constants below were chosen by measuring lookups (probes and entries
// scanned per lookup, then time) on the ClassBench 1K and 10K sets: a
// score of 1/k for the k-th entry under one key (rather than 1 for each
// up to a cap) halved the entries scanned, and 8 lengths per side rather
// than 6 cut fw1's probes by a quarter. When the sample is every entry
// left (at most sampleSize), the scores are exact and 12 lengths per side
// are tried: on the generated families at 1K that cut nodes visited (ipc-
// like-v3 1.55 to 1.34, fw-like 3.53 to 3.37) and lookups ran 1.02-1.05x
// as fast. On a sample, more candidates let a coarser mask win on a
// sample that hides its crowding (acl1_100000's first node went from /22
// to /21 sources, with more chains, and ran 0.94x as fast), so the sample
// keeps 8 (bench/README.md, issue 15, eighth pass).
//
// The first node of a table of more than firstMin entries is chosen on a
// sample of firstSample (4 096): on 1 024 of ipc-like 100K's entries the
// /16 destinations alone looked nearly free of collisions and won, though
// the buckets its lookups land in are crowded (69 337 entries in 21 556
// filled buckets, 3.2 each, but chains of up to 64 where the trace goes:
// 4.3 chain entries scanned a lookup there); on 4 096 the crowding shows and the
// first node hashes /22 sources and /16 destinations (0.13 chain entries a
// lookup in it). In one process against the 1 024 sample (session 10,
// bench/README.md): ipc-like 100K 1.20-1.22x as fast over two seeds,
// fw-like-v5 100K 1.16 (seed 2 0.99), acl-like-v1 100K 1.08, the other 100K
// sets and ClassBench acl1/fw1/ipc1 100K within the noise of memory
// placement (acl-like 100K 0.96 with the same structure). At 10K the
// larger sample lost 6% on ipc-like (twice), hence firstMin; every later
// node keeps 1 024, for compile time (all twelve on 4 096 took ipc-like
// 100K's compile to 758 ms).
//
// Class nodes. A node that hashes the protocol holds only entries of one
// protocol, so the few rules of any protocol in a firewall-like set
// (1-2% of fw-like's) ended in nodes of their own or in the last list,
// which nearly every lookup visits: on fw-like 1K's trace a 13-entry list
// whose earliest rule is the 38th, 6.0 of the 7.75 chain entries a lookup
// scanned. A class node hashes two or three bits of the protocol
// (classBits: the two that split the table's exact protocols most evenly,
// or three that give each its own class) and holds the entries of any
// protocol too, each copied into the four or eight classes, so a flow of
// any protocol finds them in the bucket it probes anyway, in rank order
// with the rest. Candidates: every (s, d) pair as a class node, when
// the table has entries of any protocol and two protocols or more; a
// copied entry scores the average of its copies. A class node may copy at
// most 1/classShare of the table's entries (it is for the few wide rules:
// on ipc-like 10K, mostly any protocol, one copying thousands made 15
// chain entries a lookup from 2.5), and tables over classMax entries get
// none: on fw1 100K a class node doubled the first node's buckets (its keys
// crossed 65 536) and lookups ran 0.96x as fast. In one process, old /
// new: fw-like 1K 1.02-1.05, fw-like-v1..v3 1K 1.08-1.16, fw-like 10K
// 1.12-1.14, ipc1 10K 1.08-1.14, the others within the old-against-old
// floor (bench/README.md, issue 15, ninth pass, second part). The share
// is per node, and judged on the sample when more than sampleSize entries
// are left: over several class nodes a table may copy more (ipc1 1K 135
// of 969 entries in four class nodes, 1 374 entries with the copies; its
// Stats().Bytes 1.38x those without class nodes; ipc1 10K 1.43x entries,
// 1.30x bytes; the review of 4701b4f).
//
// bucketCap matters only where a key holds more entries than it: no
// ClassBench 1K set, 3 entries of ipc1 10K, 218 of fw1 100K, but 3 800 to
// 22 000 of the generated families at 100K, whose spilled entries ended
// in later nodes and in the last list (7 104 entries scanned in order on
// fw-like 100K). At 256 rather than 64 those families' lookups ran
// 1.07-1.81x as fast, on uniform flows and on ClassBench-style traces,
// with the same compile time; sets that spill nothing compile to the same
// structure (bench/README.md, issue 15, eighth pass: misses).
//
// Crowded buckets. A bucket whose chain holds more than subMin entries
// (its entries share the node's key, or collide) becomes a small tuple
// space of its own, built from the chain's entries by the same greedy
// choice with at most subNodes nodes (they share the node's bits, so it
// picks further ones: on ipc-like 100K, whose first node hashes /16
// destinations, sources of /15 to /23, destinations of /17 to /25, the
// protocol and port or protocol classes), probed only by flows that
// land in that bucket: the slot keeps the first entry (and the buddy),
// and subFlag sends the rest of the probe to the bucket's nodes, then on
// to the node after. This is DBTable's answer to a crowded bucket. A match there ends the lookup
// only when neither the bucket's later nodes nor the table's can beat it
// (mark). Counted over the first 10^6 lookups of ipc-like 100K's trace
// (a throwaway replay): chain entries scanned per lookup 34.2 to 5.6
// (plus 0.39 nodes of the buckets' own), cache lines read 19.4 to 5.6.
// The threshold is measured, not guessed: with every chain over 8
// entries split, ipc-like 100K scanned 1.6 entries but ran only 1.07x as
// fast and the other sets lost up to 12% (fw-like 10K 0.89, ipc1 10K
// 0.88; 2-5 points of it the lookup code of the time, since reworked):
// one node probe of a bucket's tuple space costs about as much as
// scanning ten chain entries in order. Over 32, 64 and 128 ipc-like 100K
// ran 1.19-1.23x as fast; at 32 acl-like 10K and fw-like 10K lost 3%
// beyond the old-against-old floor. The detour costs every lookup of the
// table a little (the lookup with subFlag, not Check's own loop: see
// plain), so a table splits its crowded buckets only when their chains
// hold at least 1/subShare of its entries: at 64 without that, tables
// with a few crowded chains lost up to 2% beyond the floor (fw-like-v3
// 100K, 2.4% of its entries in 14 such chains, 0.94 against a floor of
// 0.96; acl-like-v1 10K 0.98); ipc-like 100K's hold 17%. Every
// 1K and 10K set of the families under that rule, seeds 1-4 (and
// ClassBench acl1, fw1, ipc1), compiles to the same structure as
// without splitting, but fw-like-v4 and fw-like-v7 at 10K, which
// pruning (see prune) left with a few long chains holding 6-14% of their
// entries, and those ran 1.07-1.23x as fast split (bench/README.md,
// issue 15, session 11).
// Until then tables of at most 20 000 entries split nothing: before
// pruning no 10K set gained, and fw-like 10K, seeds 2 and 3, whose
// crowded chains are under 1/subShare of its entries, lost 2.6-3.6%
// (with subShare 0 it still loses 2-3%: fw-like, fw-like-v5, ipc-like-v1
// and ipc-like-v5 at 10K, 0.95-0.98). In one process, old / new
// (thread CPU, alternating, median of per-round ratios; bench/README.md,
// issue 15, crowded buckets): ipc-like 100K 1.18-1.27 over three seeds,
// acl-like-v1 100K 1.01-1.15, ipc-like-v3 100K 1.01-1.03, every other set
// within the floor (1K and 10K sets compile to the same structure) but
// fw-like 100K with seeds 2 and 3, 0.96-0.98 against floors of
// 1.00-1.01: its split buckets are mostly passed through, which costs
// more than the old chain scan cut short by the best match's rank.
// Compile at 100K +20-50 ms (the buckets' greedy choice tries subLens
// lengths per side), Stats().Bytes ipc-like 100K 1.05x.
type tupleParams struct {
	bucketCap     int // entries per key a node keeps; more spill to later nodes
	maxNodes      int // nodes before the remainder is one list
	tailEntries   int // entries left that form the last list directly (unless early and hashable: see lateList)
	sampleSize    int // entries a candidate mask is scored on
	lens          int // prefix lengths per side tried as candidates on a sample
	lensAll       int // the same when the sample is every entry left
	classMax      int // entries above which a table gets no class nodes
	classShare    int // a class node copies at most 1/classShare of the entries
	subMin        int // a chain longer than this becomes a tuple space of its own (see subFlag); 0 never
	subShare      int // ... only when such chains hold at least 1/subShare of the entries; 0 always
	subNodes      int // maxNodes of such a tuple space
	subTail       int // tailEntries of such a tuple space
	firstSample   int // sampleSize of the first node's choice, when larger ...
	firstMin      int // ... in tables of more than firstMin entries
	prune         int // comparisons per entry when dropping covered entries (see prune); 0 none
	sparse        int // a node has the power of two above its keys, times 2^sparse buckets (see makeNode) ...
	sparseMax     int // ... or fewer, down to the power of two above its keys, to stay within sparseMax ...
	sparseEntries int // ... in tables of at most sparseEntries entries; larger ones, the power of two above the keys ...
	sparseRule    int // ... and the doublings add at most sparseRule buckets per rule of the table, the earlier nodes first
	inline        int // percent of lookups ending in the first node's slot (tuples.slotShare) from which Check probes it inline (table.first); 0 always
}

var defaultTuples = tupleParams{bucketCap: 256, maxNodes: 12, tailEntries: 16, sampleSize: 1024, lens: 8, lensAll: 12, classMax: 20000, classShare: 16, subMin: 64, subShare: 16, subNodes: 4, subTail: 4, prune: 64, firstSample: 4096, firstMin: 20000, sparse: 3, sparseMax: 1 << 15, sparseEntries: 20000, sparseRule: 4, inline: 50}

// maxExpand is the number of entries per rule above which the rule is
// indexed by intervals instead (an arbitrary address range cut into
// prefixes, times port lists, can make hundreds).
const maxExpand = 64

// tent is one entry: a rule restricted to single ranges, 32 bytes.
type tent struct {
	val, mask uint64 // over src<<32 | dst
	rank      uint32 // position in table.rules
	proto     uint16 // Protocol; 0 any
	icmp      bool   // the rule checks an ICMP type or code
	final     bool   // when this entry matches, the lookup ends (see finalFlag)
	dpLo, dpW uint16 // destination ports: dpLo <= p <= dpLo+dpW
	spLo, spW uint16
}

func (e *tent) matches(k uint64, p, dp, sp uint16) bool {
	return k&e.mask == e.val && (e.proto == 0 || e.proto == p) && dp-e.dpLo <= e.dpW && sp-e.spLo <= e.spW
}

// tslot is a bucket: its earliest entry, in 32 bytes with where the
// others are, so that a probe that decides in the bucket's first entry
// (or finds it empty, or unable to win) reads one cache line. The
// entry's mask over the address pair is kept as two prefix lengths.
type tslot struct {
	val   uint64 // src<<32 | dst, masked
	rank  uint32 // position in table.rules; noMatch in an empty bucket
	more  uint32 // the bucket's other entries are node.more[more:more+nmore]
	nmore uint32
	proto uint16 // Protocol (0 any) | allowFlag
	lens  uint16 // source prefix length | destination length<<6 | icmpFlag
	dpLo  uint16 // destination ports: dpLo <= p <= dpLo+dpW
	dpW   uint16
	spLo  uint16
	spW   uint16
}

// Flags in tslot.lens. icmpFlag: the rule checks an ICMP type or code.
// finalFlag: when the entry matches, no later node holds an earlier rule
// that a flow matching it could also match, so the lookup ends there.
// buddyFlag: the bucket's second entry is in the neighbour slot (see
// makeNode), and its chain holds the third entry on. subFlag: the
// bucket's chain (its nmore entries after the first, and after the
// buddy) is a small tuple space of its own: the nmore nodes
// node.subNodes[more:] (see split).
const (
	icmpFlag  = 1 << 12
	finalFlag = 1 << 13
	buddyFlag = 1 << 14
	subFlag   = 1 << 15
)

// allowFlag, in tslot.proto, is the action of the slot's rule: set when
// it allows (see markActions), so that a lookup deciding in a slot reads
// its verdict's action there rather than in table.act. protoBits are
// the protocol's (a Protocol is at most 256).
const (
	allowFlag = 1 << 15
	protoBits = 1<<9 - 1
)

// markActions sets allowFlag in the slots of tp (its nodes' and their
// crowded buckets' nodes') whose rule allows: the bit of its position in
// act.
func (tp *tuples) markActions(act []uint64) {
	mark := func(slots []tslot) {
		for i := range slots {
			if r := slots[i].rank; r != noMatch && act[r/64]>>(r%64)&1 == 1 {
				slots[i].proto |= allowFlag
			}
		}
	}
	for i := range tp.nodes {
		n := &tp.nodes[i]
		mark(n.slots)
		for j := range n.subNodes {
			mark(n.subNodes[j].slots)
		}
	}
}

// at is n's slot for key k of flow f.
func (n *tnode) at(k uint64, f *Flow) *tslot {
	return &n.slots[n.bucket(k, uint64(f.Proto)<<16|uint64(f.DstPort))]
}

// decides reports whether a lookup of key k, protocol p and ports ends at
// slot e: its entry is final and matches, with no ICMP test.
func (e *tslot) decides(k uint64, p, dp, sp uint16) bool {
	return e.lens&(finalFlag|icmpFlag) == finalFlag && e.matchesT(k, p, dp, sp)
}

// matches reports whether the slot's entry matches key k, protocol p and
// ports (ICMP type and code aside: see icmpFlag): the key agrees with val
// on the first s bits of the source and the first d of the destination,
// under the mask that the two lengths make (s and d are at most 32, so
// both shifts are below 64 and compile to one instruction each). It
// replaced comparing the XOR's leading zeros with s and d, which
// without LZCNT (GOAMD64=v1, the default) is a BSR and a conditional
// move each: in one process (bench/README.md, issue 15, session 13),
// with the bucket's shift below, lookups ran 1.14-1.19x as fast on acl1
// 100K (seed-1 trace), 1.06 on its seed-2 trace, 1.13 on ipc1 100K and
// 1.02-1.06 on the 1K and 10K sets.
func (e *tslot) matches(k uint64, p, dp, sp uint16) bool {
	m := ^(^uint64(0) >> (e.lens & 63)) | ^(^uint64(0)>>(e.lens>>6&63))>>32
	q := e.proto & protoBits
	return (k^e.val)&m == 0 && (q == 0 || q == p) && dp-e.dpLo <= e.dpW && sp-e.spLo <= e.spW
}

// matchesT is matches with the mask from srcMasks and dstMasks.
func (e *tslot) matchesT(k uint64, p, dp, sp uint16) bool {
	m := srcMasks[e.lens&63] | dstMasks[e.lens>>6&63]
	q := e.proto & protoBits
	return (k^e.val)&m == 0 && (q == 0 || q == p) && dp-e.dpLo <= e.dpW && sp-e.spLo <= e.spW
}

// srcMasks and dstMasks are the masks of the first i bits of the source
// and the destination in a key (src<<32 | dst), for i up to 32; the rest
// of the 64 are never read.
var srcMasks, dstMasks = func() (s, d [64]uint64) {
	for i := range 33 {
		s[i] = ^(^uint64(0) >> i)
		d[i] = s[i] >> 32
	}
	return
}()

// slot returns e as a bucket's first entry (more and nmore unset).
func (e *tent) slot() tslot {
	s := tslot{val: e.val, rank: e.rank, proto: e.proto, dpLo: e.dpLo, dpW: e.dpW, spLo: e.spLo, spW: e.spW,
		lens: uint16(bits.OnesCount32(uint32(e.mask>>32))) | uint16(bits.OnesCount32(uint32(e.mask)))<<6}
	if e.icmp {
		s.lens |= icmpFlag
	}
	if e.final {
		s.lens |= finalFlag
	}
	return s
}

// tnode is one tuple: entries whose masks cover mask (and pdMask), in
// buckets by hash of the covered bits. A bucket is the slot holding its
// earliest entry; the others, in evaluation order, are in more.
type tnode struct {
	mask    uint64  // address bits hashed
	pdMask  uint64  // protocol<<16 | destination port bits hashed
	mul     uint64  // multiplier of the address bits (see bucket)
	shift   uint8   // 64 - log2(buckets)
	minRank uint32  // earliest rule in the node
	slots   []tslot // one per bucket: its earliest entry (rank noMatch: empty)
	more    []tent  // the buckets' other entries, each bucket's contiguous
	// The nodes of crowded buckets' tuple spaces (see subFlag), each
	// space's contiguous; their slots and chains share two arrays.
	subNodes []tnode
}

// tuples is a table's tuple space, nodes in order of minRank.
type tuples struct {
	nodes   []tnode
	crowd   bool // some bucket is a tuple space of its own (see subFlag)
	spilled int  // entries left for a later node because their key was full (for tests)
	pruned  int  // entries dropped as covered by earlier ones (see prune; for tests)
}

const (
	hashMul1 = 0x9e3779b97f4a7c15
	hashMul2 = 0xbf58476d1ce4e5b9
	// pdMul is hashMul1*hashMul2 (mod 2^64), the protocol and port
	// field's multiplier in bucket.
	pdMul = 0xd67411c46c86742d
	// bigMul is the address multiplier of nodes of bigNode buckets or
	// more (see bucket).
	bigMul  = 0xe908ef37e089a051
	bigNode = 1 << 15
)

// bucket is the top bits of the masked key times the node's multiplier
// plus the protocol and port field times pdMul: two multiplications that
// do not wait for each other. (It was the key plus the field times
// hashMul1, all times hashMul2: the same value when mul is hashMul2.)
//
// Dense keys. A key lies where its bits are in the address pair, so a
// key with t trailing zeros (32-d for d destination bits) meets only the
// multiplier's low 64-t bits, and consecutive keys step around the
// circle by (mul mod 2^(64-t))/2^(64-t): well spread or crowded by how
// far that fraction is from ones of small denominator. hashMul2 crowds
// at t 16: ipc1_100000's first node (/16 destinations, 65 008 keys)
// filled 24 024 of its 65 536 buckets, a random function about 41 400.
// Random multipliers were scored by the worst share, over every t and
// 2^8 to 2^17 buckets, of the buckets that 2^b and 0.55*2^b consecutive
// keys fill against a random function's (hashMul2 0.30; bigMul 0.58, the
// best of 1.5 million 0.61: none spreads well at every t); of the best
// few, bigMul fills that node best, 60 289 buckets. A new multiplier
// also reshuffles which hot keys share a bucket: on every node, each of
// four tried lost 2-8% on fw1, fw-like and fw-like-v2 1K. So only nodes
// of bigNode buckets or more (slots of 1 MB and up, which miss the
// cache) take bigMul, in the node (8 bytes), and the 1K and 10K sets
// keep their structures. In one process against the previous hash
// (bench/README.md, issue 15, tenth pass), lookups ran 1.27-1.34x as fast on ipc1 100K, 1.02-1.05 on acl1, fw1 and ipc-like
// 100K, and within the old-against-old floor elsewhere (fw-like 100K
// about 1% slower, at the floor's edge).
func (n *tnode) bucket(k, pd uint64) uint64 {
	// shift is 64 only in a node that hashes nothing (one bucket), where
	// the sum is 0 and shifting by 0 gives 0 too; masked, the shift is
	// one instruction instead of four (Go defines shifts of 64 and up).
	// In one process this was worth 1.02-1.03x on fw1 1K and fw-like-v4
	// 1K (issue 15, session 13).
	return ((k&n.mask)*n.mul + (pd&n.pdMask)*pdMul) >> (n.shift & 63)
}

// lookup returns the position of the first matching rule, or best when
// none comes before it.
func (tp *tuples) lookup(k uint64, f *Flow, t *table, best uint32) uint32 {
	if !tp.crowd {
		return tp.plain(k, f, t, best)
	}
	best, at := tp.probe(k, f, t, best)
	if at < 0 {
		return best
	}
	return tp.crowded(at, k, f, t, best)
}

// plain is lookup in a tuple space without crowded buckets, which Check
// calls directly, or through table.past after its own probe of the first
// node (table.first). It is probe without the crowded
// bucket: with probe, lookups on tables that have none ran 0.96-0.98x as
// fast (ipc-like 10K 0.962, ipc-like-v3 1K 0.963, fw1 1K 0.984; in-process
// A/B on the same structure), which this copy avoids.
func (tp *tuples) plain(k uint64, f *Flow, t *table, best uint32) uint32 {
	p := uint16(f.Proto)
	pd := uint64(p)<<16 | uint64(f.DstPort)
	dp, sp := f.DstPort, f.SrcPort
	for i := range tp.nodes {
		n := &tp.nodes[i]
		if n.minRank >= best {
			break
		}
		b := n.bucket(k, pd)
		e := &n.slots[b]
		if e.rank >= best { // empty, or nothing here can win
			continue
		}
		if e.matches(k, p, dp, sp) && (e.lens&icmpFlag == 0 || t.icmpOf(e.rank).matches(f.ICMPType, f.ICMPCode)) {
			best = e.rank
			if e.lens&finalFlag != 0 {
				return best
			}
			continue
		}
		if e.lens&buddyFlag != 0 {
			// The bucket's second entry, in the neighbour slot that
			// shares this one's cache line.
			o := &n.slots[b^1]
			if o.rank >= best {
				continue
			}
			if o.matches(k, p, dp, sp) && (o.lens&icmpFlag == 0 || t.icmpOf(o.rank).matches(f.ICMPType, f.ICMPCode)) {
				best = o.rank
				if o.lens&finalFlag != 0 {
					return best
				}
				continue
			}
		}
		if e.nmore == 0 {
			continue
		}
		ms := n.more[e.more : e.more+e.nmore]
		for j := range ms {
			m := &ms[j]
			if m.rank >= best {
				break
			}
			if m.matches(k, p, dp, sp) && (!m.icmp || t.icmpOf(m.rank).matches(f.ICMPType, f.ICMPCode)) {
				best = m.rank
				if m.final {
					return best
				}
				break
			}
		}
	}
	return best
}

// What probe returns besides the best rank, when it does not stop at a
// crowded bucket: it ended on a final entry, or went through the nodes
// (to the last, or to one whose earliest rule cannot win).
const (
	ended   = -1
	through = -2
)

// probe is lookup up to the first crowded bucket (subFlag), returning
// the index of its node, or ended or through. It calls nothing, so the
// compiler keeps the loop's values in registers: with the crowded bucket
// searched by a call in the loop, the same structure's lookups ran 0.92x
// as fast on ipc-like 100K (its chains) and 0.97-0.98x on the 1K and 10K
// sets (in-process A/B).
func (tp *tuples) probe(k uint64, f *Flow, t *table, best uint32) (uint32, int) {
	p := uint16(f.Proto)
	pd := uint64(p)<<16 | uint64(f.DstPort)
	dp, sp := f.DstPort, f.SrcPort
	for i := range tp.nodes {
		n := &tp.nodes[i]
		if n.minRank >= best {
			break
		}
		b := n.bucket(k, pd)
		e := &n.slots[b]
		if e.rank >= best { // empty, or nothing here can win
			continue
		}
		if e.matches(k, p, dp, sp) && (e.lens&icmpFlag == 0 || t.icmpOf(e.rank).matches(f.ICMPType, f.ICMPCode)) {
			best = e.rank
			if e.lens&finalFlag != 0 {
				return best, ended
			}
			continue
		}
		if e.lens&buddyFlag != 0 {
			// The bucket's second entry, in the neighbour slot that
			// shares this one's cache line.
			o := &n.slots[b^1]
			if o.rank >= best {
				continue
			}
			if o.matches(k, p, dp, sp) && (o.lens&icmpFlag == 0 || t.icmpOf(o.rank).matches(f.ICMPType, f.ICMPCode)) {
				best = o.rank
				if o.lens&finalFlag != 0 {
					return best, ended
				}
				continue
			}
		}
		if e.nmore == 0 {
			continue
		}
		if e.lens&subFlag != 0 {
			return best, i
		}
		ms := n.more[e.more : e.more+e.nmore]
		for j := range ms {
			m := &ms[j]
			if m.rank >= best {
				break
			}
			if m.matches(k, p, dp, sp) && (!m.icmp || t.icmpOf(m.rank).matches(f.ICMPType, f.ICMPCode)) {
				best = m.rank
				if m.final {
					return best, ended
				}
				break
			}
		}
	}
	return best, through
}

// crowded searches the tuple space of the crowded bucket of node i that
// the flow probes, then the nodes after i. The tuple space's entries are
// final only when those nodes cannot beat them either (see mark).
func (tp *tuples) crowded(i int, k uint64, f *Flow, t *table, best uint32) uint32 {
	pd := uint64(f.Proto)<<16 | uint64(f.DstPort)
	for {
		n := &tp.nodes[i]
		sub := n.sub(&n.slots[n.bucket(k, pd)])
		var end int
		if best, end = sub.probe(k, f, t, best); end == ended || i+1 == len(tp.nodes) {
			return best
		}
		rest := tuples{nodes: tp.nodes[i+1:]}
		var at int
		if best, at = rest.probe(k, f, t, best); at < 0 {
			return best
		}
		i += 1 + at
	}
}

// prefixes4 cuts [lo, hi] into prefixes, appending (value, length) pairs.
func prefixes4(lo, hi uint32, out [][2]uint32) [][2]uint32 {
	for {
		// The largest aligned block starting at lo that fits.
		size := 32
		if lo != 0 {
			size = bits.TrailingZeros32(lo)
		}
		for size > 0 && uint64(lo)+(uint64(1)<<size)-1 > uint64(hi) {
			size--
		}
		out = append(out, [2]uint32{lo, uint32(32 - size)})
		end := uint64(lo) + uint64(1)<<size - 1
		if end >= uint64(hi) {
			return out
		}
		lo = uint32(end + 1)
	}
}

func addrPrefixes(s *kset, out [][2]uint32) [][2]uint32 {
	if s.any {
		return append(out, [2]uint32{0, 0})
	}
	for _, r := range s.ranges() {
		out = prefixes4(uint32(r.lo.lo), uint32(r.hi.lo), out)
	}
	return out
}

func portList(k *kports) []PortRange {
	switch {
	case k.all:
		return []PortRange{AllPorts}
	case k.rs == nil:
		return []PortRange{k.one}
	}
	return k.rs
}

func lenMask(l uint32) uint32 {
	if l == 0 {
		return 0
	}
	return ^uint32(0) << (32 - l)
}

// bent is an entry with what building needs to know about it.
type bent struct {
	tent
	slen, dlen uint8
	exactProto bool
	exactPort  bool
	copyPD     uint64 // a copy's protocol class in a class node (see classBits), when isCopy
	isCopy     bool
}

// expand flattens rule c (at position pos) into entries, or reports false
// when it would take more than maxExpand.
func expand(c *crule, pos uint32, out []bent) ([]bent, bool) {
	var srcs, dsts [][2]uint32
	srcs = addrPrefixes(&c.src, srcs)
	dsts = addrPrefixes(&c.dst, dsts)
	dps, sps := []PortRange{AllPorts}, []PortRange{AllPorts}
	if c.hasPorts {
		dps, sps = portList(&c.dp), portList(&c.sp)
	}
	if len(srcs)*len(dsts)*len(dps)*len(sps) > maxExpand {
		return out, false
	}
	for _, s := range srcs {
		for _, d := range dsts {
			for _, dp := range dps {
				for _, sp := range sps {
					m := uint64(lenMask(s[1]))<<32 | uint64(lenMask(d[1]))
					e := bent{tent: tent{
						val: (uint64(s[0])<<32 | uint64(d[0])) & m, mask: m, rank: pos, proto: uint16(c.proto), icmp: c.isICMP && !c.icmp.IsAny(),
						dpLo: dp.First, dpW: dp.Last - dp.First, spLo: sp.First, spW: sp.Last - sp.First,
					}, slen: uint8(s[1]), dlen: uint8(d[1]), exactProto: c.proto != AnyProtocol,
						exactPort: c.hasPorts && dp.First == dp.Last}
					out = append(out, e)
				}
			}
		}
	}
	return out, true
}

// cand is a candidate node mask. A class node (class set) hashes the
// protocol bits in class rather than the whole protocol, and holds the
// entries of any protocol too, each copied into every class.
type cand struct {
	s, d         uint8
	proto, dport bool
	class        uint16 // protocol bits hashed by a class node; 0: not one
}

func (c cand) masks() (mask, pdMask uint64) {
	mask = uint64(lenMask(uint32(c.s)))<<32 | uint64(lenMask(uint32(c.d)))
	if c.proto {
		pdMask |= 0xffff0000
	}
	if c.dport {
		pdMask |= 0xffff
	}
	pdMask |= uint64(c.class) << 16
	return mask, pdMask
}

func (c cand) fits(e *bent) bool {
	return e.slen >= c.s && e.dlen >= c.d && (!c.proto || e.exactProto) && (!c.dport || e.exactPort)
}

// copies returns the protocol fields under which e is placed in a node of
// c: its own, or for an entry of any protocol in a class node, every
// value of the class bits (appended to out).
func (c cand) copies(e *bent, out []uint64) []uint64 {
	if c.class == 0 || e.exactProto {
		return append(out, e.pd())
	}
	// Every subset of the class bits, as a protocol field.
	for v := uint16(0); ; v = (v - c.class) & c.class {
		out = append(out, uint64(v)<<16)
		if v == c.class {
			return out
		}
	}
}

// place appends e to a node of c: itself, or in a class node an entry of
// any protocol once per class (pds from copies).
func (c cand) place(e *bent, pds []uint64, out []bent) []bent {
	if c.class == 0 || e.exactProto {
		return append(out, *e)
	}
	for _, pd := range pds {
		cp := *e
		cp.copyPD, cp.isCopy = pd, true
		out = append(out, cp)
	}
	return out
}

// keysPer is the most keys an entry takes in a node hashing protocol
// bits class (see copies): one per class.
func keysPer(class uint16) int {
	return 1 << bits.OnesCount16(class)
}

// pd is the protocol and destination port field e is placed under.
func (e *bent) pd() uint64 {
	if e.isCopy {
		return e.copyPD
	}
	return uint64(e.proto)<<16 | uint64(e.dpLo)
}

// classBits returns the protocol bits (of the 9 a Protocol uses) that a
// class node hashes: the two that split the exact-protocol entries most
// evenly (least sum of squared class sizes), or three when no two give
// each of the table's protocols a class of its own, three do (the first
// such, lowest bits first) and at most 1/share of the entries are of any
// protocol; 0 when there is no entry of any protocol to copy or fewer
// than two protocols to split.
//
// Three bits. With two, a class node that merges two protocols scores
// below the protocol node of the same keys, so the few wide rules it
// would hold stay out: on fw-like 1K (ICMP, TCP, UDP and GRE, values 2,
// 7, 18 and 48, which no two bits tell apart) the first node was d/21
// and the protocol, its class-node twin scored 1.7% lower, and the seven
// any-protocol entries of d/21 or longer ended in the last list, which
// 64% of lookups visited to scan 4.4 entries each. With three bits the
// class node tells the protocols apart as the protocol node does, wins,
// and takes them: on the trace 2.82 nodes visited and 1.97 chain entries
// a lookup, from 3.52 and 4.21, and lookups ran 1.20x as fast (fw-like
// 10K 1.12 on another seed, fw-like-v2 1K 1.08, fw1 1K 1.04; in one
// process, bench/README.md, issue 15, session 9, three class bits).
// Each entry of any protocol then takes eight copies, not four: on
// ipc-like, a third of its entries of any protocol, eight classes cost
// 1-4% (more copies in the buckets flows probe), hence the share.
func classBits(ents []bent, share int) uint16 {
	var hist [257]int
	anyProto, protos := 0, 0
	for i := range ents {
		if !ents[i].exactProto {
			anyProto++
		} else if p := ents[i].proto; p <= 256 {
			if hist[p] == 0 {
				protos++
			}
			hist[p]++
		}
	}
	if anyProto == 0 || protos < 2 {
		return 0
	}
	// cost is the sum of squared class sizes under bits m, exact the
	// same with a class for each protocol: the least any m can cost.
	cost := func(m uint16) int {
		var cls [8]int
		for p, n := range hist {
			if n > 0 {
				cls[classOf(uint16(p), m)] += n
			}
		}
		c := 0
		for _, n := range cls {
			c += n * n
		}
		return c
	}
	exact := 0
	for _, n := range hist {
		exact += n * n
	}
	best, bestCost := uint16(0), -1
	for a := 0; a < 9; a++ {
		for b := a + 1; b < 9; b++ {
			m := uint16(1)<<a | uint16(1)<<b
			if c := cost(m); bestCost < 0 || c < bestCost {
				best, bestCost = m, c
			}
		}
	}
	if bestCost == exact || anyProto*share > len(ents) {
		return best
	}
	for a := 0; a < 9; a++ {
		for b := a + 1; b < 9; b++ {
			for c := b + 1; c < 9; c++ {
				if m := uint16(1)<<a | uint16(1)<<b | uint16(1)<<c; cost(m) == exact {
					return m
				}
			}
		}
	}
	return best
}

// classOf numbers the class of protocol p under class bits m (at most
// three): p's bits under m, packed.
func classOf(p, m uint16) int {
	c, k := 0, 0
	for ; m != 0; m &= m - 1 {
		c |= int(p>>bits.TrailingZeros16(m)&1) << k
		k++
	}
	return c
}

// keyOfEntry is the node-independent identity of an entry's covered bits
// under a mask, for counting entries that share a key.
func keyUnder(e *bent, mask, pdMask uint64) uint64 {
	return keyAt(e.val, e.pd(), mask, pdMask)
}

// keyAt is keyUnder for an entry of address value val placed under
// protocol and port field pd.
func keyAt(val, pd, mask, pdMask uint64) uint64 {
	x := (val&mask)*hashMul2 ^ (pd&pdMask)*hashMul1
	return x ^ x>>29
}

// counter counts keys in an open-addressed table reused across
// candidates.
type counter struct {
	keys []uint64
	cnt  []uint32
	used []uint32 // slots in use, to clear
}

// newCounter returns a counter for up to n distinct keys (at most half
// full). add probes until it finds the key or a free slot, so more than
// its size in keys would never return: a class node's entry of any
// protocol is counted under a key per class (see cand.copies), so its
// counters are sized by keysPer.
func newCounter(n int) *counter {
	size := 1 << bits.Len(uint(2*n))
	return &counter{keys: make([]uint64, size), cnt: make([]uint32, size)}
}

func (c *counter) add(k uint64) uint32 {
	m := uint64(len(c.keys) - 1)
	i := (k * hashMul1) >> 20 & m
	for {
		if c.cnt[i] == 0 {
			c.keys[i], c.cnt[i] = k, 1
			c.used = append(c.used, uint32(i))
			return 1
		}
		if c.keys[i] == k {
			c.cnt[i]++
			return c.cnt[i]
		}
		i = (i + 1) & m
	}
}

// get returns the count of k.
func (c *counter) get(k uint64) uint32 {
	m := uint64(len(c.keys) - 1)
	for i := (k * hashMul1) >> 20 & m; c.cnt[i] != 0; i = (i + 1) & m {
		if c.keys[i] == k {
			return c.cnt[i]
		}
	}
	return 0
}

func (c *counter) reset() {
	for _, i := range c.used {
		c.cnt[i] = 0
	}
	c.used = c.used[:0]
}

// lengths returns the distinct lengths among the sample, the most common
// first, at most k of them, plus 0.
func lengths(sample []bent, src bool, k int) []uint8 {
	var hist [33]int
	for i := range sample {
		if src {
			hist[sample[i].slen]++
		} else {
			hist[sample[i].dlen]++
		}
	}
	var ls []uint8
	for l := range hist {
		if hist[l] > 0 && l > 0 {
			ls = append(ls, uint8(l))
		}
	}
	slices.SortFunc(ls, func(a, b uint8) int { return hist[b] - hist[a] })
	if len(ls) > k {
		ls = ls[:k]
	}
	return append(ls, 0)
}

// choose returns the candidate with the best score on a sample of rest:
// the k-th entry under one key (up to bucketCap) scores 1/k, so a mask
// that places many entries under distinct keys wins over one that places
// more entries in crowded buckets. The candidates are the p.lens most
// common prefix lengths per side, p.lensAll when the sample is all of rest.
func choose(rest []bent, cnt *counter, p *tupleParams, class uint16, total int) cand {
	sample, lens := rest, p.lensAll
	if len(rest) > p.sampleSize {
		lens = p.lens
		sample = make([]bent, 0, p.sampleSize)
		step := float64(len(rest)) / float64(p.sampleSize)
		for i := 0; i < p.sampleSize; i++ {
			sample = append(sample, rest[int(float64(i)*step)])
		}
	}
	best, bestScore := cand{}, -1
	kinds := []cand{{}, {proto: true}, {proto: true, dport: true}}
	if class != 0 {
		kinds = append(kinds, cand{class: class})
	}
	var pds []uint64
	for _, s := range lengths(sample, true, lens) {
		for _, d := range lengths(sample, false, lens) {
			for _, kind := range kinds {
				c := kind
				c.s, c.d = s, d
				mask, pdMask := c.masks()
				score, copied := 0, 0
				for i := range sample {
					e := &sample[i]
					if !c.fits(e) {
						continue
					}
					// A copied entry scores its copies' average.
					pds = c.copies(e, pds[:0])
					if len(pds) > 1 {
						copied++
					}
					for _, pd := range pds {
						if k := cnt.add(keyAt(e.val, pd, mask, pdMask)); k <= uint32(p.bucketCap) {
							score += 1000 / int(k) / len(pds)
						}
					}
				}
				if copied*len(rest)*p.classShare > len(sample)*total {
					score = -1 // a class node is for a few entries of any protocol
				}
				cnt.reset()
				if score > bestScore {
					best, bestScore = c, score
				}
			}
		}
	}
	return best
}

// buildTuples builds the tuple space of entries (in ascending rank).
func buildTuples(ents []bent, p *tupleParams) *tuples {
	// The sparse nodes' budget (see makeNode), by the rules before any
	// entry is pruned: it is a share of the rule list's memory.
	budget := 0
	for i := range ents {
		if i == 0 || ents[i].rank != ents[i-1].rank {
			budget += p.sparseRule
		}
	}
	var pruned int
	if p.prune > 0 {
		ents, pruned = prune(ents, p.prune*len(ents))
	}
	if len(ents) > p.sparseEntries && p.sparse > 0 {
		q := *p
		q.sparse = 0
		p = &q
	}
	tp := buildNodes(ents, p, budget)
	tp.pruned = pruned
	tp.markFinal(finalBudget*len(ents), finalScanBudget*len(ents))
	return tp
}

// prune drops the entries that an earlier entry with the same address
// key (value and mask) covers: that entry's protocol is any or the same,
// its port ranges contain the later one's and it checks no ICMP type. A
// flow matching the later entry matches the earlier one, so the later one
// can never be the first match, and a lookup scanning it in a chain only
// loses time. Generated firewall-like sets repeat rules on a few hot
// hosts: on fw-like-v7 10K, 3 964 of 10 000 entries are covered this way
// (4 537 by any earlier entry), and node 0's chains and a protocol-only
// node's 583-entry chain were mostly such entries. Each entry is compared
// with the uncovered earlier ones of its key, most recent first, until
// budget comparisons over the compile are spent; after that the rest are
// kept (fewer dropped, never one wrongly). ents are in ascending rank and
// stay so.
func prune(ents []bent, budget int) ([]bent, int) {
	if len(ents) < 2 {
		return ents, 0
	}
	idx := make([]int32, len(ents))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		x, y := &ents[a], &ents[b]
		switch {
		case x.val != y.val:
			return cmp.Compare(x.val, y.val)
		case x.mask != y.mask:
			return cmp.Compare(x.mask, y.mask)
		}
		return int(a - b)
	})
	drop := make([]bool, len(ents))
	dropped := 0
	var kept []int32
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && ents[idx[hi]].val == ents[idx[lo]].val && ents[idx[hi]].mask == ents[idx[lo]].mask {
			hi++
		}
		kept = kept[:0]
		for _, i := range idx[lo:hi] {
			e := &ents[i]
			covered := false
			for j := len(kept) - 1; j >= 0 && budget > 0; j-- {
				budget--
				if ents[kept[j]].covers(&e.tent) {
					covered = true
					break
				}
			}
			if covered {
				drop[i] = true
				dropped++
			} else {
				kept = append(kept, i)
			}
		}
		lo = hi
	}
	if dropped == 0 {
		return ents, 0
	}
	out := make([]bent, 0, len(ents)-dropped)
	for i := range ents {
		if !drop[i] {
			out = append(out, ents[i])
		}
	}
	return out, dropped
}

// covers reports whether every flow matching o matches e, given the same
// address key: e's protocol is any or o's, its port ranges contain o's,
// and it checks no ICMP type or code.
func (e *tent) covers(o *tent) bool {
	return (e.proto == 0 || e.proto == o.proto) && !e.icmp &&
		e.dpLo <= o.dpLo && uint32(o.dpLo)+uint32(o.dpW) <= uint32(e.dpLo)+uint32(e.dpW) &&
		e.spLo <= o.spLo && uint32(o.spLo)+uint32(o.spW) <= uint32(e.spLo)+uint32(e.spW)
}

// buildNodes is buildTuples without the pruning and the final marks;
// budget is the buckets its sparse nodes may add (see makeNode).
func buildNodes(ents []bent, p *tupleParams, budget int) *tuples {
	tp := &tuples{}
	rest := ents
	var class uint16
	if len(ents) <= p.classMax {
		class = classBits(ents, p.classShare)
	}
	cnt := newCounter(min(p.sampleSize, len(ents)) * keysPer(class))
	var pds []uint64
	var ins [][]bent // each node's entries
	lo, hi := uint32(noMatch), uint32(0)
	for i := range ents {
		lo, hi = min(lo, ents[i].rank), max(hi, ents[i].rank)
	}
	for len(rest) > 0 {
		var c cand
		// A few entries left form the last list directly (a space of
		// that few entries is one list), unless that list would come
		// early in the order while some of them could be hashed (see
		// lateList).
		last := len(tp.nodes) >= p.maxNodes-1 || len(rest) <= p.tailEntries && (len(tp.nodes) == 0 || lateList(rest, lo, hi))
		if !last {
			if len(tp.nodes) == 0 && p.firstSample > p.sampleSize && len(ents) > p.firstMin {
				q := *p
				q.sampleSize = p.firstSample
				c = choose(rest, newCounter(min(q.sampleSize, len(ents))*keysPer(class)), &q, class, len(ents))
			} else {
				c = choose(rest, cnt, p, class, len(ents))
			}
		}
		mask, pdMask := c.masks()
		var in, out []bent
		if last {
			in = rest
		} else {
			// Entries beyond bucketCap under one key stay for later
			// nodes. rest is in rank order, so the earliest are kept.
			big := newCounter(len(rest) * keysPer(c.class))
			for i := range rest {
				e := &rest[i]
				if c.class != 0 && c.fits(e) && !e.exactProto {
					// Copied into every class, if every copy fits; an
					// entry that spills takes no room under its keys.
					pds = c.copies(e, pds[:0])
					fit := true
					for _, pd := range pds {
						fit = fit && big.get(keyAt(e.val, pd, mask, pdMask)) < uint32(p.bucketCap)
					}
					if fit {
						for _, pd := range pds {
							big.add(keyAt(e.val, pd, mask, pdMask))
						}
						in = c.place(e, pds, in)
						continue
					}
					tp.spilled++
					out = append(out, *e)
					continue
				}
				if c.fits(e) && big.add(keyUnder(e, mask, pdMask)) <= uint32(p.bucketCap) {
					in = append(in, *e)
				} else {
					if c.fits(e) {
						tp.spilled++
					}
					out = append(out, *e)
				}
			}
			if len(in) == 0 { // nothing fits: the rest is one list
				in, out, c = rest, nil, cand{}
				mask, pdMask = c.masks()
			}
		}
		tp.nodes = append(tp.nodes, makeNode(in, mask, pdMask, p, &budget))
		ins = append(ins, in)
		rest = out
	}
	if p.subMin > 0 {
		// Crowded buckets, when their chains hold enough of the entries
		// to pay for the lookup's detour (see split).
		crowded := 0
		for i := range tp.nodes {
			for b := range tp.nodes[i].slots {
				if sl := &tp.nodes[i].slots[b]; sl.rank != noMatch && sl.nmore > uint32(p.subMin) {
					crowded += int(sl.nmore)
				}
			}
		}
		if crowded > 0 && (p.subShare == 0 || crowded*p.subShare >= len(ents)) {
			for i := range tp.nodes {
				tp.spilled += tp.nodes[i].split(ins[i], p)
				tp.crowd = tp.crowd || len(tp.nodes[i].subNodes) > 0
			}
		}
	}
	slices.SortStableFunc(tp.nodes, func(a, b tnode) int {
		switch {
		case a.minRank < b.minRank:
			return -1
		case a.minRank > b.minRank:
			return 1
		}
		return 0
	})
	return tp
}

// Marking entries final. After a match the lookup goes on to the later
// nodes whose earliest rule comes before the match, since one of them may
// hold an earlier rule that the flow also matches. At compile time each
// entry e gets a flag when no later node holds an earlier entry that any
// flow matching e could match, so that a match on e ends the lookup. On
// the ClassBench traces nodes visited per lookup fell from 1.46-4.89 to
// 1.01-3.55 (acl1 100K 1.76 to 1.01, fw1 1K 4.89 to 3.55, fw1 10K 2.16
// to 2.08).
//
// For a later node n the flows matching e fall in the buckets of n named
// by the bits of n's mask that e leaves free: none (e's prefixes are at
// least as long as n's and its protocol and port exact where n hashes
// them: one bucket) or a few (at most finalKeyBits free address bits: each
// of those keys is hashed in turn); those buckets' entries are compared
// with e, in rank order, up to e's rank. When the flows matching e spread
// over more buckets, a node of at most finalScanMax entries is compared
// with e entry by entry, and a larger one counts by its earliest rule.
// The comparisons over a compile are bounded by finalBudget per entry for
// the buckets and finalScanBudget per entry for the whole-node scans;
// once one is spent its nodes count by their earliest rule: the flags are
// then fewer, never wrong.
const (
	finalKeyBits    = 4
	finalBudget     = 64
	finalScanMax    = 1024
	finalScanBudget = 256
)

// overlaps reports whether some flow could match both e and o (ICMP
// types and codes aside, which can only make it none).
func (e *tent) overlaps(o *tent) bool {
	return (e.val^o.val)&e.mask&o.mask == 0 && (e.proto == 0 || o.proto == 0 || e.proto == o.proto) &&
		uint32(e.dpLo) <= uint32(o.dpLo)+uint32(o.dpW) && uint32(o.dpLo) <= uint32(e.dpLo)+uint32(e.dpW) &&
		uint32(e.spLo) <= uint32(o.spLo)+uint32(o.spW) && uint32(o.spLo) <= uint32(e.spLo)+uint32(e.spW)
}

// first returns bucket b's first entry as a tent.
func (n *tnode) first(b uint64) tent {
	sl := &n.slots[b]
	s, d := uint32(sl.lens&63), uint32(sl.lens>>6&63)
	return tent{val: sl.val, mask: uint64(lenMask(s))<<32 | uint64(lenMask(d)), rank: sl.rank, proto: sl.proto & protoBits,
		icmp: sl.lens&icmpFlag != 0, final: sl.lens&finalFlag != 0, dpLo: sl.dpLo, dpW: sl.dpW, spLo: sl.spLo, spW: sl.spW}
}

// earliest returns the earliest rank below r among the entries of n that
// a flow matching e could also match, or r when there is none; n's
// earliest rule when the flows matching e spread over too many of its
// buckets and n is too large to scan, or the budgets are spent.
func (n *tnode) earliest(e *tent, r uint32, mk *marking) uint32 {
	if n.minRank >= r {
		return r
	}
	ns, nd := bits.OnesCount64(n.mask>>32), bits.OnesCount64(n.mask&0xffffffff)
	es, ed := bits.OnesCount64(e.mask>>32), bits.OnesCount64(e.mask&0xffffffff)
	xs, xd := max(0, ns-es), max(0, nd-ed) // bits of n's mask that e leaves free
	// In a class node (see cand.class) an entry of any protocol meets
	// every class: each is a key, as a free bit would make.
	class := uint16(0)
	if pm := uint16(n.pdMask >> 16); pm != 0 && pm != 0xffff && e.proto == 0 {
		class = pm
	}
	xc := bits.OnesCount16(class)
	if n.pdMask&0xffff0000 != 0 && e.proto == 0 && class == 0 || n.pdMask&0xffff != 0 && e.dpW != 0 || xs+xd+xc > finalKeyBits || mk.budget <= 0 {
		return n.scanEarliest(e, r, mk)
	}
	m := r
	for v := uint16(0); ; v = (v - class) & class {
		m = n.earliestUnder(e, uint64(e.proto|v)<<16|uint64(e.dpLo), xs, xd, ns, nd, m, mk)
		if v == class {
			return m
		}
	}
}

// earliestUnder is earliest over the buckets of protocol and port field
// pd and every value of the xs source and xd destination bits of n's
// mask that e leaves free, below rank m.
func (n *tnode) earliestUnder(e *tent, pd uint64, xs, xd, ns, nd int, m uint32, mk *marking) uint32 {
	for x := uint64(0); x < 1<<(xs+xd); x++ {
		// x's low xd bits go below e's destination prefix, the others
		// below its source prefix (within n's prefixes).
		k := e.val
		if xd > 0 {
			k |= (x & (1<<xd - 1)) << (32 - nd)
		}
		if xs > 0 {
			k |= (x >> xd) << (64 - ns)
		}
		b := n.bucket(k, pd)
		sl := &n.slots[b]
		if sl.rank >= m {
			continue
		}
		mk.budget--
		if f := n.first(b); f.overlaps(e) {
			m = f.rank
			continue
		}
		if sl.lens&buddyFlag != 0 {
			if n.slots[b^1].rank >= m {
				continue
			}
			mk.budget--
			if f := n.first(b ^ 1); f.overlaps(e) {
				m = f.rank
				continue
			}
		}
		if sl.lens&subFlag != 0 {
			sub := n.sub(sl)
			m = sub.earliest(e, m, mk)
			continue
		}
		for _, o := range n.more[sl.more : sl.more+sl.nmore] {
			if o.rank >= m {
				break
			}
			mk.budget--
			if o.overlaps(e) {
				m = o.rank
				break
			}
		}
	}
	return m
}

// earliest is tnode.earliest over the nodes of tp (a crowded bucket's
// tuple space), below rank r.
func (tp *tuples) earliest(e *tent, r uint32, mk *marking) uint32 {
	for i := range tp.nodes {
		r = tp.nodes[i].earliest(e, r, mk)
	}
	return r
}

// marking is markFinal's state: the comparisons left for buckets and
// for whole-node scans, and the entries of each node scanned so far in
// one list.
type marking struct {
	budget, scan int
	lists        map[*tnode][]tent
}

// list returns the entries of n (its crowded buckets' tuple spaces
// included) in one list, or nil when they are more than finalScanMax.
// Made once per node: a node's slots may be mostly empty (see makeNode),
// so the list, not the slots, is what a scan reads and what it costs.
func (mk *marking) list(n *tnode) []tent {
	if l, ok := mk.lists[n]; ok {
		return l
	}
	if mk.lists == nil {
		mk.lists = make(map[*tnode][]tent)
	}
	l := n.appendEntries(make([]tent, 0, 16), finalScanMax)
	mk.lists[n] = l
	return l
}

// appendEntries appends n's entries to l, or returns nil once l would
// exceed max.
func (n *tnode) appendEntries(l []tent, max int) []tent {
	if len(l)+len(n.more) > max {
		return nil
	}
	for i := range n.subNodes {
		if l = n.subNodes[i].appendEntries(l, max); l == nil {
			return nil
		}
	}
	for b := range n.slots {
		if n.slots[b].rank == noMatch {
			continue
		}
		if len(l) == max {
			return nil
		}
		l = append(l, n.first(uint64(b)))
	}
	if len(l)+len(n.more) > max {
		return nil
	}
	return append(l, n.more...)
}

// scanEarliest is earliest by comparing e with every entry of n, when n
// has at most finalScanMax entries and the scan budget allows; n's
// earliest rule otherwise.
func (n *tnode) scanEarliest(e *tent, r uint32, mk *marking) uint32 {
	l := mk.list(n)
	if l == nil || mk.scan < len(l) {
		return n.minRank
	}
	mk.scan -= len(l)
	for i := range l {
		if o := &l[i]; o.rank < r && o.overlaps(e) {
			r = o.rank
		}
	}
	return r
}

// markFinal sets the final flag of every entry that no later node can
// beat (see finalFlag), within budgets of comparisons for buckets and for
// whole-node scans.
func (tp *tuples) markFinal(budget, scan int) {
	tp.mark(nil, &marking{budget: budget, scan: scan})
}

// mark is markFinal for a tuple space whose lookup is followed by the
// nodes after (a crowded bucket's, followed by the later nodes of the
// tuple space holding it): a match on one of its entries ends the whole
// lookup only when neither its own later nodes nor those can beat it.
func (tp *tuples) mark(after []tnode, mk *marking) {
	final := func(e *tent, later []tnode) bool {
		for j := range later {
			if later[j].earliest(e, e.rank, mk) < e.rank {
				return false
			}
		}
		for j := range after {
			if after[j].earliest(e, e.rank, mk) < e.rank {
				return false
			}
		}
		return true
	}
	for i := range tp.nodes {
		n := &tp.nodes[i]
		later := tp.nodes[i+1:]
		if len(n.subNodes) > 0 {
			subAfter := later
			if len(after) > 0 {
				subAfter = slices.Concat(later, after)
			}
			for b := range n.slots {
				if sl := &n.slots[b]; sl.lens&subFlag != 0 {
					sub := n.sub(sl)
					sub.mark(subAfter, mk)
				}
			}
		}
		for b := range n.slots {
			if n.slots[b].rank == noMatch {
				continue
			}
			if e := n.first(uint64(b)); final(&e, later) {
				n.slots[b].lens |= finalFlag
			}
		}
		for k := range n.more {
			n.more[k].final = final(&n.more[k], later)
		}
	}
}

// makeNode hashes ents (in ascending rank) into buckets under the masks,
// each bucket's earliest entry in its slot and the others in more, in
// evaluation order.
//
// Sparse buckets. A node has the power of two above its number of
// distinct keys times 2^p.sparse buckets (8: one key to 8-16 buckets), or
// fewer, down to the power of two above its keys, so as not to pass
// p.sparseMax (32 768 buckets, 1 MB of slots), or the table's budget:
// the doublings of its nodes add at most p.sparseRule buckets per rule
// (4, 128 bytes, about a third of a rule's heap), spent by the nodes in
// the order they are chosen. Without the budget the runner's security-
// group sets, one entry a rule in many small nodes, compiled to 2.66x
// (gen-sg 1K) and 2.01x (gen-acl 1K) their rule lists; with it 1.41 and
// 1.21, while node 0 of the firewall-like 1K sets keeps its three
// doublings (budgeted against not, in one process: 0.98-1.05).
//
// With half to one key a bucket, a bucket's chain held other keys'
// entries too, which every lookup landing there scanned in rank order
// with its own key's: on fw-like-v7 1K (seed 2), node 0 (destination /18
// and the protocol's class) put 621 entries in 269 of 512 buckets and
// lookups scanned 8.05 entries each; in 4 096 buckets it fills 383 and
// they scan 4.95 (a throwaway replay of the seed-2 trace). Nodes visited
// stay the same (2.04). In one process, sparse 0 against 3 without the
// budget (thread CPU, alternating, median of per-round ratios;
// bench/README.md, issue 15, session 14): seventeen 1K sets ran
// 0.99-1.33x as fast (fw-like-v7 1.19-1.25 over three seeds, fw-like-v4
// 1.14-1.15 over two, fw-like 1.33, fw1 1.21, ipc-like-v2 0.99), twelve
// 10K sets 1.05-1.21. Tables of more than p.sparseEntries entries (20 000)
// keep the power of two above the keys: their first nodes have that many
// buckets already, and on the 100K sets sparse nodes were mixed: the
// runner, alternated, two repetitions of thirteen rows, 0.74-1.27 per
// repetition, faster on fw1, ipc1, fw-like-v7 and fw-like-v4 and slower
// on ipc-like-v3, acl-like-v1, fw-like and acl1 in both. A crowded
// bucket's tuple space (see split) keeps it too: it has few keys, and
// its nodes sit in one array with its neighbours'.
//
// Buddy slots. Slots b and b^1 share a 64-byte cache line (32-byte slots
// in an array of a power of two of them, which Go's allocator aligns to
// its size class, a power of two too). When bucket b holds two entries
// or more and bucket b^1 is empty, b's second entry goes into slot b^1
// and b's slot gets buddyFlag, so a lookup whose flow the first entry
// does not decide tests the second without a second cache miss; the
// chain starts at the third. A flow that hashes to b^1 tests that entry
// as if it were b^1's own and never matches it: matching it would mean
// agreeing with it on the node's bits, so hashing to b. With the number
// of buckets the power of two above the keys, about half the buckets are
// empty (more in sparse nodes), and on acl1_100000 11 509 of 23 831 chains go (the other
// buckets' neighbours are taken); per fresh header of its ClassBench-
// style trace 0.33 chains were read, one miss each. In one process
// against the structure without buddies (thread CPU, alternating, median
// of per-round ratios; bench/README.md, issue 15, ninth pass), lookups ran
// 1.04 (1.04-1.05) as fast on acl1 100K, 1.02-1.05 on fw1, ipc1 and the
// generated families at 100K, and within the old-against-old floor on the
// 1K and 10K sets.
func makeNode(ents []bent, mask, pdMask uint64, p *tupleParams, budget *int) tnode {
	n := tnode{mask: mask, pdMask: pdMask, mul: hashMul2, minRank: noMatch, shift: 64}
	nb := 1
	if mask != 0 || pdMask != 0 {
		keys := newCounter(len(ents))
		for i := range ents {
			keys.add(keyUnder(&ents[i], mask, pdMask))
		}
		nb = 1 << bits.Len(uint(len(keys.used)))
		for s := 0; s < p.sparse && nb*2 <= p.sparseMax && budget != nil && *budget >= nb; s++ {
			*budget -= nb
			nb *= 2
		}
		n.shift = uint8(64 - bits.TrailingZeros(uint(nb)))
		if nb >= bigNode {
			n.mul = bigMul
		}
	}
	bs := make([]uint32, len(ents))
	cnt := make([]uint32, nb+1)
	for i := range ents {
		e := &ents[i]
		b := uint32(n.bucket(e.val, e.pd()))
		bs[i] = b
		cnt[b+1]++
		n.minRank = min(n.minRank, e.rank)
	}
	// A bucket of c entries puts c-1 in more, from its offset on, or
	// c-2 when its second entry goes to the empty neighbour slot (buddy).
	off := make([]uint32, nb)
	buddy := make([]bool, nb)
	total := uint32(0)
	for b := 0; b < nb; b++ {
		off[b] = total
		c := cnt[b+1]
		if c > 1 && nb > 1 && cnt[b^1+1] == 0 {
			buddy[b] = true
			c--
		}
		if c > 1 {
			total += c - 1
		}
	}
	n.slots = make([]tslot, nb)
	for b := range n.slots {
		n.slots[b].rank = noMatch
	}
	n.more = make([]tent, total)
	for i := range ents { // ascending rank, so buckets stay sorted
		b := bs[i]
		sl := &n.slots[b]
		if sl.rank == noMatch {
			*sl = ents[i].tent.slot()
			sl.more = off[b]
			if buddy[b] {
				sl.lens |= buddyFlag
			}
			continue
		}
		if buddy[b] && n.slots[b^1].rank == noMatch {
			n.slots[b^1] = ents[i].tent.slot()
			continue
		}
		n.more[sl.more+sl.nmore] = ents[i].tent
		sl.nmore++
	}
	return n
}

// slotShare estimates the share of lookups that Check's probe of the
// first node ends in its slot (see table.first): of flows at two corners
// of the table's entries (the lowest and the highest address pair, the
// ports' lower bounds; ClassBench's trace generator picks headers at the
// corners of random rules), over every entry, or every step-th in
// bucket order when there are more than 4 096 (so at least 2 048, from
// every node), the share whose first-node slot decides (tslot.decides).
func (tp *tuples) slotShare() float64 {
	n := &tp.nodes[0]
	total := 0
	for i := range tp.nodes {
		tp.nodes[i].eachEntry(func(*tent) { total++ })
	}
	step := max(1, total/2048)
	seen, tried, decided := 0, 0, 0
	try := func(e *tent) {
		if seen++; (seen-1)%step != 0 {
			return
		}
		p := e.proto
		if p == 0 {
			p = uint16(TCP)
		}
		for _, k := range []uint64{e.val, e.val | ^e.mask} {
			tried++
			if n.slots[n.bucket(k, uint64(p)<<16|uint64(e.dpLo))].decides(k, p, e.dpLo, e.spLo) {
				decided++
			}
		}
	}
	for i := range tp.nodes {
		tp.nodes[i].eachEntry(try)
	}
	return float64(decided) / float64(max(tried, 1))
}

// eachEntry calls f with every entry of n outside its crowded buckets'
// tuple spaces: the slots' (as first returns them), then the chains'.
func (n *tnode) eachEntry(f func(*tent)) {
	for b := range n.slots {
		if n.slots[b].rank != noMatch {
			e := n.first(uint64(b))
			f(&e)
		}
	}
	for j := range n.more {
		f(&n.more[j])
	}
}

// split turns the chains of n's crowded buckets (more than p.subMin
// entries) into tuple spaces of their own, built from the chain's entries
// by the same greedy choice (they share n's key, so it picks further
// bits), and returns the entries those spilled. ents are n's entries, as
// given to makeNode. A chain whose tuple space would not shorten the
// longest scan to half stays a chain.
func (n *tnode) split(ents []bent, p *tupleParams) (spilled int) {
	subOf := make(map[uint64]int) // crowded bucket -> its chain's index in chains
	for b := range n.slots {
		if sl := &n.slots[b]; sl.rank != noMatch && sl.nmore > uint32(p.subMin) {
			subOf[uint64(b)] = len(subOf)
		}
	}
	if len(subOf) == 0 {
		return 0
	}
	chains := make([][]bent, len(subOf))
	seen := make(map[uint64]int, len(subOf))
	for i := range ents {
		b := n.bucket(ents[i].val, ents[i].pd())
		s, ok := subOf[b]
		if !ok {
			continue
		}
		// The first entry stays in the slot, the second in the buddy
		// slot when the bucket has one.
		seen[b]++
		skip := 1
		if n.slots[b].lens&buddyFlag != 0 {
			skip = 2
		}
		if seen[b] > skip {
			chains[s] = append(chains[s], ents[i])
		}
	}
	sp := *p
	sp.subMin, sp.maxNodes, sp.tailEntries = 0, p.subNodes, p.subTail
	sp.sparse = 0 // see makeNode
	sp.lensAll = min(sp.lensAll, subLens)
	subs := make([]*tuples, len(chains))
	var nodes, slots, chain int
	for s, ch := range chains {
		sub := buildNodes(ch, &sp, 0)
		if sub.longest()*2 > len(ch) {
			continue
		}
		subs[s] = sub
		nodes += len(sub.nodes)
		for i := range sub.nodes {
			slots += len(sub.nodes[i].slots) + 1 // one for padding
			chain += len(sub.nodes[i].more)
		}
	}
	// The tuple spaces' nodes, slots and chains in three arrays, each
	// space's together, so that a lookup in one reads a few neighbouring
	// lines rather than a line per small allocation. A node's slots start
	// at an even index, so that buddies share a line as in makeNode.
	n.subNodes = make([]tnode, 0, nodes)
	slotArr, chainArr := make([]tslot, 0, slots), make([]tent, 0, chain)
	more := make([]tent, 0, len(n.more))
	for b := range n.slots {
		sl := &n.slots[b]
		if s, ok := subOf[uint64(b)]; ok && subs[s] != nil {
			sl.more, sl.nmore = uint32(len(n.subNodes)), uint32(len(subs[s].nodes))
			sl.lens |= subFlag
			for _, sn := range subs[s].nodes {
				if len(slotArr)%2 != 0 {
					slotArr = append(slotArr, tslot{rank: noMatch})
				}
				a, c := len(slotArr), len(chainArr)
				slotArr, chainArr = append(slotArr, sn.slots...), append(chainArr, sn.more...)
				sn.slots, sn.more = slotArr[a:len(slotArr):len(slotArr)], chainArr[c:len(chainArr):len(chainArr)]
				n.subNodes = append(n.subNodes, sn)
			}
			spilled += subs[s].spilled
			continue
		}
		off := uint32(len(more))
		more = append(more, n.more[sl.more:sl.more+sl.nmore]...)
		sl.more = off
	}
	n.more = slices.Clip(more)
	return spilled
}

// subLens is the most prefix lengths per side a crowded bucket's tuple
// space tries.
const subLens = 6

// sub returns the tuple space of n's crowded bucket sl (see subFlag).
func (n *tnode) sub(sl *tslot) tuples {
	return tuples{nodes: n.subNodes[sl.more : sl.more+sl.nmore]}
}

// longest is the most entries a lookup in tp may scan in one bucket.
func (tp *tuples) longest() int {
	l := 0
	for i := range tp.nodes {
		n := &tp.nodes[i]
		for b := range n.slots {
			if sl := &n.slots[b]; sl.rank != noMatch {
				l = max(l, 1+int(sl.nmore))
			}
		}
	}
	return l
}

func (tp *tuples) bytes() int {
	if tp == nil {
		return 0
	}
	s := 0
	for i := range tp.nodes {
		n := &tp.nodes[i]
		s += int(unsafe.Sizeof(tnode{})) + len(n.slots)*int(unsafe.Sizeof(tslot{})) + len(n.more)*int(unsafe.Sizeof(tent{}))
		sub := tuples{nodes: n.subNodes}
		s += sub.bytes()
	}
	return s
}

func (tp *tuples) entries() int {
	if tp == nil {
		return 0
	}
	s := 0
	for i := range tp.nodes {
		n := &tp.nodes[i]
		s += len(n.more)
		sub := tuples{nodes: n.subNodes}
		s += sub.entries()
		for j := range n.slots {
			if n.slots[j].rank != noMatch {
				s++
			}
		}
	}
	return s
}

// icmpOf returns the ICMP match of the rule at position i.
func (t *table) icmpOf(i uint32) ICMPMatch {
	if t.rules == nil {
		return t.icmp[i]
	}
	return t.rules[i].icmp
}

// lateList reports whether the entries left, rest (in rank order), may
// form the last list of a tuple space whose entries' ranks run from lo
// to hi: when their earliest comes in the second half of those ranks, or
// when none of them has an address bit to hash (then they stay one list,
// as before this rule; a node hashing only their protocols was not
// measured). A list is scanned by every lookup whose best
// match so far comes after the list's earliest rule, so a list that
// starts early is scanned by most lookups; hashing what of it can be
// hashed makes those lookups probe one bucket, mostly empty or unable
// to win, and leaves the broad entries (the default rule and the like)
// to a list at the end. fw-like-v4 1K's list started at rank 287 of 999
// and was scanned by 66% of lookups. In one process (bench/README.md,
// issue 15, session 13): fw-like-v4 1K (seed 1) and fw-like-v2 1K 1.09x
// as fast, fw-like-v7 1K (seed 5) 1.03x. Splitting late lists as well
// lost 1-2% on ipc-like and fw-like 1K (their lists start at ranks 975
// and 817, scanned by 2% and 24% of lookups), so those stay lists.
func lateList(rest []bent, lo, hi uint32) bool {
	if 2*uint64(rest[0].rank) > uint64(lo)+uint64(hi) {
		return true
	}
	for i := range rest {
		if rest[i].mask != 0 {
			return false
		}
	}
	return true
}
