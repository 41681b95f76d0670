package sgsim

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"slices"
	"testing"
	"unsafe"
)

// A bucket's slot keeps its entry's mask as two prefix lengths and tests
// them by the mask the two lengths make: at every pair of lengths (0 and 32
// included), a key that differs from the entry in one bit matches exactly
// when that bit lies outside both prefixes.
func TestSlotMatchesPrefixLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for s := uint32(0); s <= 32; s++ {
		for d := uint32(0); d <= 32; d++ {
			m := uint64(lenMask(s))<<32 | uint64(lenMask(d))
			e := tent{val: r.Uint64() & m, mask: m, proto: uint16(TCP), dpLo: 80, dpW: 10, spLo: 0, spW: 65535, icmp: s == d}
			sl := e.slot()
			if got := sl.lens&icmpFlag != 0; got != e.icmp {
				t.Fatalf("/%d,/%d: icmp flag %v; want %v", s, d, got, e.icmp)
			}
			if !sl.matches(e.val, uint16(TCP), 85, 1234) {
				t.Fatalf("/%d,/%d: the entry's own key does not match", s, d)
			}
			for bit := uint32(0); bit < 64; bit++ { // 0 is the source's first bit
				k := e.val ^ (1 << (63 - bit))
				inside := bit < s || bit >= 32 && bit-32 < d
				if got := sl.matches(k, uint16(TCP), 85, 1234); got == inside {
					t.Fatalf("/%d,/%d: key with bit %d flipped matches %v; want %v", s, d, bit, got, !inside)
				}
			}
			if sl.matches(e.val, uint16(UDP), 85, 1234) || sl.matches(e.val, uint16(TCP), 91, 1234) || sl.matches(e.val, uint16(TCP), 79, 1234) {
				t.Fatalf("/%d,/%d: protocol or port outside the entry matches", s, d)
			}
		}
	}
}

// overlaps agrees with enumeration on a small space: entries over the top
// two bits of each address, protocols any/TCP/UDP and ports 0-7 overlap
// exactly when some flow of that space matches both.
func TestOverlapsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	entry := func() tent {
		s, d := r.Uint32N(3), r.Uint32N(3)
		m := uint64(lenMask(s))<<32 | uint64(lenMask(d))
		e := tent{val: uint64(r.Uint32N(4))<<62 | uint64(r.Uint32N(4))<<30, mask: m, proto: []uint16{0, uint16(TCP), uint16(UDP)}[r.IntN(3)]}
		e.val &= m
		e.dpLo, e.spLo = uint16(r.IntN(8)), uint16(r.IntN(8))
		e.dpW, e.spW = uint16(r.IntN(8-int(e.dpLo))), uint16(r.IntN(8-int(e.spLo)))
		return e
	}
	for i := 0; i < 3000; i++ {
		a, b := entry(), entry()
		want := false
		for src := uint64(0); src < 4 && !want; src++ {
			for dst := uint64(0); dst < 4 && !want; dst++ {
				k := src<<62 | dst<<30
				for _, p := range []uint16{uint16(TCP), uint16(UDP), uint16(ICMP)} {
					for dp := uint16(0); dp < 8; dp++ {
						for sp := uint16(0); sp < 8; sp++ {
							want = want || a.matches(k, p, dp, sp) && b.matches(k, p, dp, sp)
						}
					}
				}
			}
		}
		if got := a.overlaps(&b); got != want {
			t.Fatalf("%+v overlaps %+v: %v; want %v", a, b, got, want)
		}
	}
}

// finalRules: rule 1 (UDP) lands in a node of its own after the node of
// the TCP rules 0 and 2-31, so a flow that matches one of those probes it
// unless the match is marked final; it overlaps none of them.
func finalRules() []Rule {
	rs := []Rule{MustParseRule("ingress allow tcp 80 from 10.0.100.0/24 to 10.1.100.0/24"), MustParseRule("ingress deny udp from 10.9.0.0/16")}
	for i := 0; i < 30; i++ {
		rs = append(rs, MustParseRule(fmt.Sprintf("ingress allow tcp 80 from 10.0.%d.0/24 to 10.1.%d.0/24", i, i)))
	}
	return rs
}

// A match on a final entry ends the lookup: with every later node's
// buckets replaced by an entry that matches every flow at rank 0, the
// lookup still returns the final entry's rule.
func TestFinalMatchEndsLookup(t *testing.T) {
	c, err := Compile(FirstMatch, Group{ID: "g", Rules: finalRules()})
	if err != nil {
		t.Fatal(err)
	}
	tb := &c.t[Ingress][0]
	if tb.tup == nil || len(tb.tup.nodes) < 2 {
		t.Fatalf("want a tuple space of two nodes or more; got %+v", tb.tup)
	}
	if final, wrong := tb.tup.checkFinal(); final == 0 || wrong != 0 {
		t.Fatalf("%d final entries that save probes, %d wrong; want some and none", final, wrong)
	}
	f := Flow{Proto: TCP, Src: netip.MustParseAddr("10.0.5.1"), Dst: netip.MustParseAddr("10.1.5.1"), SrcPort: 999, DstPort: 80}
	if v := c.Check(Ingress, f); v.Rule == nil || v.Rule.String() != finalRules()[7].String() {
		t.Fatalf("before: %v; want rule 7", v)
	}
	k := uint64(0x0a000501)<<32 | 0x0a010501
	won := -1 // the node of the deciding entry
	for i := range tb.tup.nodes {
		n := &tb.tup.nodes[i]
		if sl := &n.slots[n.bucket(k, uint64(TCP)<<16|80)]; sl.rank == 7 {
			won = i
		}
	}
	if won < 0 || won == len(tb.tup.nodes)-1 {
		t.Fatalf("rule 7 decides in node %d of %d; want one before the last", won, len(tb.tup.nodes))
	}
	for i := won + 1; i < len(tb.tup.nodes); i++ {
		n := &tb.tup.nodes[i]
		for b := range n.slots {
			n.slots[b] = tslot{rank: 0, dpW: 65535, spW: 65535}
		}
	}
	if got := tb.tup.lookup(k, &f, tb, noMatch); got != 7 {
		t.Fatalf("with later nodes poisoned the lookup returns rank %d; want 7 (the final match ends it)", got)
	}
}

// Marking stops comparing once its budgets are spent: with none, no
// entry that a later node could beat by its earliest rule is marked; the
// bucket budget marks entries whose flows fall in one bucket of the later
// node (finalRules); the scan budget marks those too (a node it may scan
// is scanned when the bucket budget is spent) and those whose flows
// spread over a later node's buckets (scanRules: a /8 source against a
// node hashing /24 sources); and the marks are never wrong.
func TestFinalBudget(t *testing.T) {
	scanRules := []Rule{MustParseRule("ingress allow tcp 80 from 10.0.0.0/8 to 10.1.200.0/24")}
	for i := 0; i < 20; i++ {
		scanRules = append(scanRules, MustParseRule(fmt.Sprintf("ingress deny udp from 10.9.%d.0/24", i)))
	}
	for i := 0; i < 40; i++ {
		scanRules = append(scanRules, MustParseRule(fmt.Sprintf("ingress allow tcp 80 from 10.0.0.0/8 to 10.1.%d.0/24", i)))
	}
	for _, tc := range []struct {
		name          string
		rules         []Rule
		bucket, scans bool // whether that budget alone marks entries
	}{{"finalRules", finalRules(), true, true}, {"scanRules", scanRules, false, true}} {
		c, err := Compile(FirstMatch, Group{ID: "g", Rules: tc.rules})
		if err != nil {
			t.Fatal(err)
		}
		tp := c.t[Ingress][0].tup
		for _, b := range []struct{ bucket, scan int }{{0, 0}, {1 << 20, 0}, {0, 1 << 20}, {1 << 20, 1 << 20}} {
			for i := range tp.nodes {
				n := &tp.nodes[i]
				for b := range n.slots {
					n.slots[b].lens &^= finalFlag
				}
				for k := range n.more {
					n.more[k].final = false
				}
			}
			tp.markFinal(b.bucket, b.scan)
			final, wrong := tp.checkFinal()
			want := b.bucket > 0 && tc.bucket || b.scan > 0 && tc.scans
			if final > 0 != want || wrong != 0 {
				t.Errorf("%s, budgets %d for buckets and %d for scans: %d final entries that save probes, %d wrong; want some %v, none wrong",
					tc.name, b.bucket, b.scan, final, wrong, want)
			}
		}
	}
}

// earliest is exact whenever the flows matching e fall in at most
// 2^finalKeyBits buckets of the node, or the node is small enough to
// scan: it agrees with comparing e to every entry of the node; otherwise
// (no scan budget) it is the node's earliest rule.
func TestEarliestAgreesWithScan(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	lens := []uint32{0, 2, 3, 8, 16, 24, 32}
	addr := func() uint32 {
		return []uint32{0x0a000000, 0x0a010000, 0x0a018000, 0xc0a80100}[r.IntN(4)] | r.Uint32N(4)<<6
	}
	entry := func(rank uint32) bent {
		s, d := lens[r.IntN(len(lens))], lens[r.IntN(len(lens))]
		m := uint64(lenMask(s))<<32 | uint64(lenMask(d))
		e := bent{tent: tent{val: (uint64(addr())<<32 | uint64(addr())) & m, mask: m, rank: rank, dpW: 65535, spW: 65535},
			slen: uint8(s), dlen: uint8(d)}
		switch r.IntN(3) {
		case 1:
			e.proto, e.exactProto = uint16(TCP), true
			if r.IntN(2) == 0 {
				e.dpLo, e.dpW, e.exactPort = uint16(80+r.IntN(3)), 0, true
			} else {
				e.dpLo, e.dpW = 80, uint16(1+r.IntN(3))
			}
		case 2:
			e.proto, e.exactProto = uint16(UDP), true
		}
		return e
	}
	exactRuns := 0
	for run := 0; run < 300; run++ {
		c := cand{s: uint8(lens[r.IntN(5)]), d: uint8(lens[r.IntN(5)]), proto: r.IntN(3) == 0}
		c.dport = c.proto && r.IntN(2) == 0
		if !c.proto && r.IntN(3) == 0 {
			c.class = 3 // TCP's class 3, UDP's 2; entries of any protocol in all four
		}
		var ents []bent
		for i := 0; len(ents) < 40 && i < 2000; i++ {
			if e := entry(uint32(i)); c.fits(&e) {
				ents = c.place(&e, c.copies(&e, nil), ents)
			}
		}
		mask, pdMask := c.masks()
		n := makeNode(ents, mask, pdMask, &tupleParams{}, nil)
		for q := 0; q < 50; q++ {
			e := entry(uint32(r.IntN(2100)))
			exact := e.rank
			for i := range ents {
				if o := &ents[i].tent; o.rank < exact && o.overlaps(&e.tent) {
					exact = o.rank
				}
			}
			if got := n.earliest(&e.tent, e.rank, &marking{budget: 1 << 20, scan: 1 << 20}); got != exact {
				t.Fatalf("node /%d,/%d proto %v port %v, entry %+v, scans allowed: earliest %d; want %d", c.s, c.d, c.proto, c.dport, e, got, exact)
			}
			got := n.earliest(&e.tent, e.rank, &marking{budget: 1 << 20})
			free := max(0, int(c.s)-int(e.slen)) + max(0, int(c.d)-int(e.dlen))
			if c.class != 0 && !e.exactProto {
				free += 2 // a key per class
			}
			enumerable := free <= finalKeyBits && (!c.proto || e.exactProto) && (!c.dport || e.exactPort)
			switch {
			case enumerable || n.minRank >= e.rank:
				if got != exact {
					t.Fatalf("node /%d,/%d proto %v port %v, entry %+v: earliest %d; want %d", c.s, c.d, c.proto, c.dport, e, got, exact)
				}
				if free > 0 && exact < e.rank {
					exactRuns++
				}
			case got != n.minRank:
				t.Fatalf("node /%d,/%d, entry %+v: earliest %d; want the node's earliest rule %d", c.s, c.d, e, got, n.minRank)
			}
		}
	}
	if exactRuns < 50 {
		t.Fatalf("%d queries found an overlap across free bits; want at least 50", exactRuns)
	}
}

// A bucket's slot and a chain entry stay 32 bytes, two to a cache line:
// the probe costs above assume it.
func TestEntrySizes(t *testing.T) {
	if s, e := unsafe.Sizeof(tslot{}), unsafe.Sizeof(tent{}); s != 32 || e != 32 {
		t.Fatalf("slot %d bytes, entry %d; want 32 and 32", s, e)
	}
}

// A verdict is built from a bit per table position (the action), the
// rule's index (computed when the table holds every rule of its
// direction, else read) and, with more than one group, the group's
// position. Every rule decides its own flow with its own action, rule,
// group and Position: 40 IPv4 ingress rules, allow and deny alternating,
// in one group (no per-position groups or indexes kept), in one group
// with the last 30 egress, and in four groups, two of them empty; and 40 rules of both directions and families whose
// Alibaba priorities put them in the reverse of their order, so that each
// table holds some of its direction's rules at positions unlike their
// indexes.
func TestVerdictInfo(t *testing.T) {
	rules := make([]Rule, 40)
	for i := range rules {
		rules[i] = Rule{ID: fmt.Sprint("r", i), Action: Action(i % 2), Protocol: UDP,
			Src: PrefixAddrs(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), 32))}
	}
	mixed := make([]Rule, 40)
	addr := map[string]netip.Addr{}
	for i := range rules {
		addr[rules[i].ID] = netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})
	}
	for i := range mixed {
		a := netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})
		if i%3 == 0 {
			a = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)})
		}
		addr[fmt.Sprint("m", i)] = a
		mixed[i] = Rule{ID: fmt.Sprint("m", i), Action: Action(i / 2 % 2), Protocol: UDP, Direction: Direction(i % 4 / 2),
			Priority: 100 - i, Src: PrefixAddrs(netip.PrefixFrom(a, a.BitLen()))}
	}
	both := slices.Clone(rules) // 10 ingress rules, then 30 egress
	for i := 10; i < len(both); i++ {
		both[i].Direction = Egress
	}
	for _, tc := range []struct {
		sem    Semantics
		gs     []Group
		direct bool // the IPv4 ingress table computes indexes (info nil)
	}{
		{FirstMatch, []Group{{ID: "only", Rules: rules}}, true},
		{FirstMatch, []Group{{ID: "both", Rules: both}}, true},
		{FirstMatch, []Group{{ID: "empty0"}, {ID: "a", Rules: rules[:25]}, {ID: "empty2"}, {ID: "b", Rules: rules[25:]}}, true},
		{Alibaba, []Group{{ID: "x", Rules: mixed[:17]}, {ID: "y", Rules: mixed[17:]}}, false},
	} {
		c, err := Compile(tc.sem, tc.gs...)
		if err != nil {
			t.Fatal(err)
		}
		tb := &c.t[Ingress][0]
		want := 0 // IPv4 ingress rules: in the mixed set, i%4 < 2 and i%3 != 0
		if !tc.direct {
			want = 13
		}
		if (tb.group == nil) != (len(tc.gs) == 1) || len(tb.info) != want || tc.direct && c.t[Egress][0].info != nil {
			t.Fatalf("%d groups: %d indexes kept, want %d; per-position groups kept %v", len(tc.gs), len(tb.info), want, tb.group != nil)
		}
		for gi, g := range tc.gs {
			for ri, r := range g.Rules {
				a := addr[r.ID]
				dst := netip.MustParseAddr("1.1.1.1")
				if a.Is6() {
					dst = netip.MustParseAddr("2001:db8::1")
				}
				f := Flow{Proto: UDP, Src: a, Dst: dst}
				v := c.Check(r.Direction, f)
				if v.Rule == nil || v.Rule.ID != r.ID || v.Action != r.Action || v.Group != g.ID {
					t.Fatalf("%v, %d groups: Check(%v, %v) = %v (group %q); want %s by %s of group %s", tc.sem, len(tc.gs), r.Direction, f, v, v.Group, r.Action, r.ID, g.ID)
				}
				if pg, pi, ok := c.Position(v.Rule); !ok || pg != gi || pi != ri {
					t.Fatalf("%v: Position(%s) = %d, %d, %v; want %d, %d", tc.sem, r.ID, pg, pi, ok, gi, ri)
				}
			}
		}
	}
}

// When the sample the node scorer reads is every entry left, its scores
// are exact and it tries lensAll prefix lengths per side instead of lens.
// Here the only source length that tells entries apart, /30 (64 entries
// under 64 keys), is the tenth most common: nine lengths of 80 entries
// each, all under one key whatever the mask, come before it. With every
// entry scored and 12 lengths the node hashes /30; with a sample one
// entry short, or with 8 lengths, /30 is not a candidate.
func TestChooseLengthsExactSample(t *testing.T) {
	var ents []bent
	add := func(v uint32, l uint8) {
		m := uint64(lenMask(uint32(l))) << 32
		ents = append(ents, bent{tent: tent{val: uint64(v) << 32 & m, mask: m, rank: uint32(len(ents)), dpW: 65535, spW: 65535}, slen: l})
	}
	for l := uint8(8); l < 17; l++ {
		for range 80 {
			add(20<<24, l) // 20.0.0.0/l: one key under any mask
		}
	}
	for i := uint32(0); i < 64; i++ {
		add(10<<24|i<<2, 30) // 10.0.0.0/24 cut in /30s
	}
	for _, c := range []struct {
		name            string
		sample, lensAll int
		want30          bool
	}{
		{"every entry scored, 12 lengths", 1024, 12, true},
		{"every entry scored, 8 lengths", 1024, 8, false},
		{"a sample, 12 lengths when exact", len(ents) - 1, 12, false},
	} {
		p := tupleParams{bucketCap: 64, sampleSize: c.sample, lens: 8, lensAll: c.lensAll}
		got := choose(ents, newCounter(len(ents)), &p, 0, len(ents))
		if (got.s == 30) != c.want30 {
			t.Errorf("%s: chose source /%d; want /30 %v", c.name, got.s, c.want30)
		}
	}
	// Compile's own parameters (04d3b1a): the 784 entries fit the sample,
	// and 12 lengths are tried.
	if got := choose(ents, newCounter(len(ents)), &defaultTuples, 0, len(ents)); got.s != 30 {
		t.Errorf("defaultTuples %+v: chose source /%d; want /30", defaultTuples, got.s)
	}
}

// TestBucketSpreadsDenseKeys pins the spreading of bucket on dense keys
// (see bucket): a node of consecutive prefixes of one length, on either
// side, so that the key's lowest bit lies at 0 to 48, must fill at least
// as many buckets as a random function would (1-e^-λ of them for λ keys
// a bucket); bigMul fills 1.07 to 1.53 times that here. With hashMul2
// (the multiplier before bigMul) /16 destinations filled 0.57 and 0.69
// times that (ipc1_100000's first node), /32 destinations 0.98. Lookups
// of some of the keys find their entries.
func TestBucketSpreadsDenseKeys(t *testing.T) {
	const minShare = 1.0
	for _, c := range []struct {
		src    bool
		length uint32
		keys   int
	}{
		{false, 16, 60000}, {false, 16, 20000}, {false, 20, 60000}, {false, 24, 60000}, {false, 24, 20000},
		{false, 28, 60000}, {false, 32, 60000}, {true, 16, 60000}, {true, 16, 20000}, {true, 20, 60000},
		{true, 24, 60000}, {true, 24, 20000}, {true, 32, 60000},
	} {
		// Consecutive prefixes from 10.0.0.0 on.
		shift := 32 - c.length
		if c.src {
			shift += 32
		}
		mask := uint64(lenMask(c.length))
		if c.src {
			mask <<= 32
		}
		ents := make([]bent, c.keys)
		for i := range ents {
			v := (uint64(0x0a000000>>(32-c.length)) + uint64(i)) << shift
			ents[i] = bent{tent: tent{val: v, mask: mask, rank: uint32(i), dpW: 0xffff, spW: 0xffff}}
		}
		n := makeNode(ents, mask, 0, &tupleParams{}, nil)
		// The lookup probes with the node's multiplier too.
		tp := &tuples{nodes: []tnode{n}}
		for i := 0; i < len(ents); i += 61 {
			f := Flow{Proto: TCP, SrcPort: 1, DstPort: 1}
			if got := tp.lookup(ents[i].val, &f, nil, noMatch); got != ents[i].rank {
				t.Fatalf("source %v, /%d: the lookup of key %#x returns rank %d; want %d", c.src, c.length, ents[i].val, got, ents[i].rank)
			}
		}
		used := map[uint64]bool{}
		for i := range ents {
			used[n.bucket(ents[i].val, 0)] = true
		}
		nb := float64(len(n.slots))
		random := nb * (1 - math.Exp(-float64(c.keys)/nb))
		share := float64(len(used)) / random
		if share < minShare {
			t.Errorf("source %v, /%d, %d consecutive keys: %d of %.0f buckets, %.2f of a random function's %.0f; want at least %.2f",
				c.src, c.length, c.keys, len(used), nb, share, random, minShare)
		}
	}
}

// TestFinalScanSeesCrowdedBuckets: an entry whose finality is decided by
// scanning a later node whole (scanEarliest: here an entry of any
// protocol against a node hashing the protocol) must see the entries of
// that node's crowded buckets' tuple spaces (see subFlag), or it is
// marked final over an earlier rule there and the lookup ends on it. And
// entries and bytes (Stats) count the tuple space once.
func TestFinalScanSeesCrowdedBuckets(t *testing.T) {
	ent := func(rank, src, slen uint32, proto uint16) bent {
		m := uint64(lenMask(slen)) << 32
		return bent{tent: tent{val: uint64(src) << 32 & m, mask: m, rank: rank, proto: proto, dpW: 65535, spW: 65535},
			slen: uint8(slen), exactProto: proto != 0}
	}
	tcp := uint16(TCP)
	// Node a: 1/8 TCP, then 10/8 of any protocol (rank 5). Node b hashes
	// the protocol: its one TCP bucket holds 20/8, 30/8 (the buddy), then a
	// chain of 40/8, 10.1/16 (rank 4, which beats rank 5) and 50/8.
	a := []bent{ent(0, 0x01000000, 8, tcp), ent(5, 0x0a000000, 8, 0)}
	b := []bent{ent(1, 0x14000000, 8, tcp), ent(2, 0x1e000000, 8, tcp), ent(3, 0x28000000, 8, tcp),
		ent(4, 0x0a010000, 16, tcp), ent(6, 0x32000000, 8, tcp)}
	na, nb := makeNode(a, 0, 0, &tupleParams{}, nil), makeNode(b, 0, 0xffff0000, &tupleParams{}, nil)
	sp := tupleParams{bucketCap: 8, maxNodes: 2, sampleSize: 64, lens: 4, lensAll: 4, subMin: 1, subNodes: 2}
	nb.split(b, &sp)
	if len(nb.subNodes) == 0 {
		t.Fatal("node b's TCP bucket was not split; the test no longer reaches the case")
	}
	// What Stats reports counts the tuple space once, each entry once
	// (the slot's and the buddy's not again in it).
	if n := (&tuples{nodes: []tnode{nb}}).entries(); n != len(b) {
		t.Errorf("node b counts %d entries; want %d", n, len(b))
	}
	var size func(n *tnode) int
	size = func(n *tnode) int {
		s := int(unsafe.Sizeof(*n)) + len(n.slots)*int(unsafe.Sizeof(tslot{})) + len(n.more)*int(unsafe.Sizeof(tent{}))
		for i := range n.subNodes {
			s += size(&n.subNodes[i])
		}
		return s
	}
	if got, want := (&tuples{nodes: []tnode{nb}}).bytes(), size(&nb); got != want {
		t.Errorf("node b counts %d bytes; want %d, its crowded bucket's nodes included", got, want)
	}
	tp := &tuples{nodes: []tnode{na, nb}, crowd: true}
	tp.markFinal(1<<20, 1<<20)
	if _, wrong := tp.checkFinal(); wrong != 0 {
		t.Errorf("%d entries marked final over an earlier overlapping rule", wrong)
	}
	f := Flow{Src: netip.MustParseAddr("10.1.2.3"), Dst: netip.MustParseAddr("192.0.2.1"), Proto: TCP, SrcPort: 1000, DstPort: 80}
	src, dst := f.Src.As4(), f.Dst.As4()
	k := uint64(binary.BigEndian.Uint32(src[:]))<<32 | uint64(binary.BigEndian.Uint32(dst[:]))
	if got := tp.lookup(k, &f, &table{icmp: make([]ICMPMatch, 7)}, noMatch); got != 4 {
		t.Errorf("lookup of %v: rule %d, want 4 (10.1/16 TCP, in node b's crowded bucket)", f, got)
	}
}

// key4 gives src<<32 | dst for IPv4 flows both ways: reading netip.Addr's
// words (when its layout was confirmed, as on the Go versions this module
// supports) and through As4. A netip layout key4 misread would make every
// IPv4 tuple-space lookup wrong; this catches it, and the compiled-equals-
// linear properties catch it in Check.
func TestKey4(t *testing.T) {
	if !addrWords {
		t.Logf("netip.Addr layout not confirmed on %s: key4 reads through As4", runtime.Version())
	}
	defer func(w bool) { addrWords = w }(addrWords)
	r := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 10000; i++ {
		s, d := r.Uint32(), r.Uint32()
		if i < 4 { // the extremes
			s, d = uint32(i&1)*math.MaxUint32, uint32(i>>1)*math.MaxUint32
		}
		var sb, db [4]byte
		binary.BigEndian.PutUint32(sb[:], s)
		binary.BigEndian.PutUint32(db[:], d)
		f := Flow{Proto: TCP, Src: netip.AddrFrom4(sb), Dst: netip.AddrFrom4(db)}
		want := uint64(s)<<32 | uint64(d)
		for _, w := range []bool{true, false} {
			addrWords = w && addrLayout()
			if got := key4(&f); got != want {
				t.Fatalf("key4(%v) = %#x with words read %v; want %#x", f, got, addrWords, want)
			}
		}
		if addrLayout() {
			if got := wordsKey(&f); got != want { // what Check calls
				t.Fatalf("wordsKey(%v) = %#x; want %#x", f, got, want)
			}
		}
	}
}

// With more groups than a uint16 counts, a table keeps math.MaxUint16 for
// the later groups' positions and Check looks the group up in
// Classifier.pos by the rule's index, which Compile's reordering moves
// with the rule: 70 000 groups of one rule each, a third of them IPv6 (so
// that a table's positions are not the rules' indexes), Alibaba
// priorities putting them out of input order; every sampled rule decides
// its own flow with its own group and Position.
func TestVerdictManyGroups(t *testing.T) {
	const n = 70000
	gs := make([]Group, n)
	addr := func(i int) netip.Addr {
		if i%3 == 0 {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 13: byte(i >> 16), 14: byte(i >> 8), 15: byte(i)})
		}
		return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
	}
	for i := range gs {
		a := addr(i)
		gs[i] = Group{ID: fmt.Sprint("g", i), Rules: []Rule{{ID: fmt.Sprint("r", i), Action: Action(i % 2), Protocol: UDP,
			Priority: 100 - i%100, Src: PrefixAddrs(netip.PrefixFrom(a, a.BitLen()))}}}
	}
	c, err := Compile(Alibaba, gs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 99, 65534, 65535, 65536, 65537, 69999, 69998, 12345, 67890} {
		a, dst := addr(i), netip.MustParseAddr("1.1.1.1")
		if a.Is6() {
			dst = netip.MustParseAddr("2001:db8::1")
		}
		v := c.Check(Ingress, Flow{Proto: UDP, Src: a, Dst: dst})
		g, ix, ok := c.Position(v.Rule)
		if v.Rule == nil || v.Rule.ID != fmt.Sprint("r", i) || v.Group != fmt.Sprint("g", i) || v.Action != Action(i%2) || !ok || g != i || ix != 0 {
			t.Fatalf("rule %d: verdict %v of group %q, Position %d, %d, %v; want r%d of g%d at %d, 0", i, v, v.Group, g, ix, ok, i, i, i)
		}
	}
}

// earlyListRules: 100 rules, 96 of them to distinct /24 destinations;
// rules 30-32, each from a /30 source to anywhere, and rule 99, the
// default, fit no destination node.
func earlyListRules() []Rule {
	var rs []Rule
	for i := 0; i < 99; i++ {
		if i >= 30 && i <= 32 {
			rs = append(rs, MustParseRule(fmt.Sprintf("ingress deny tcp from 192.168.%d.4/30", 7+i)))
			continue
		}
		rs = append(rs, MustParseRule(fmt.Sprintf("ingress allow tcp %d to 10.%d.%d.0/24", 1000+i, i%7, i)))
	}
	return append(rs, MustParseRule("ingress allow all"))
}

// The entries left after the hashed nodes form a list scanned by every
// lookup whose best match comes after the list's earliest rule. When the
// list would start early (rule 30 of 100) and entries of it have address
// bits to hash, those entries get a node of their own and only the broad
// ones (here the default) form a list, at the end; a list that starts
// late (the same rules at positions 80-82) stays one list. Verdicts stay
// the linear reference's either way.
func TestEarlyListIsHashed(t *testing.T) {
	for _, tc := range []struct {
		at       int // the position of the first /30-source rule
		listFrom int // the earliest rule of the list node
	}{{30, 99}, {80, 80}} {
		rs := earlyListRules()
		for i := 0; i < 3; i++ {
			rs[30+i], rs[tc.at+i] = rs[tc.at+i], rs[30+i]
		}
		c, err := Compile(FirstMatch, Group{ID: "g", Rules: rs})
		if err != nil {
			t.Fatal(err)
		}
		tp := c.t[Ingress][0].tup
		if tp == nil {
			t.Fatal("no tuple space")
		}
		lists := 0
		for i := range tp.nodes {
			n := &tp.nodes[i]
			if n.mask == 0 && n.pdMask == 0 {
				lists++
				if int(n.minRank) != tc.listFrom {
					t.Errorf("/30 rule at %d: the list starts at rule %d; want %d", tc.at, n.minRank, tc.listFrom)
				}
			}
		}
		if lists != 1 {
			t.Errorf("/30 rule at %d: %d list nodes; want 1", tc.at, lists)
		}
		l, err := NewLinear(FirstMatch, Group{ID: "g", Rules: rs})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []Flow{
			{Proto: TCP, Src: netip.MustParseAddr("192.168.38.5"), Dst: netip.MustParseAddr("10.3.45.1"), SrcPort: 5, DstPort: 1045},
			{Proto: TCP, Src: netip.MustParseAddr("192.168.37.6"), Dst: netip.MustParseAddr("10.1.8.1"), SrcPort: 5, DstPort: 1008},
			{Proto: TCP, Src: netip.MustParseAddr("192.168.7.9"), Dst: netip.MustParseAddr("10.3.45.1"), SrcPort: 5, DstPort: 1045},
			{Proto: UDP, Src: netip.MustParseAddr("192.168.38.5"), Dst: netip.MustParseAddr("10.3.45.1"), SrcPort: 5, DstPort: 1045},
		} {
			if got, want := c.Check(Ingress, f), l.Check(Ingress, f); got.Rule != want.Rule && (got.Rule == nil || want.Rule == nil || got.Rule.String() != want.Rule.String()) {
				t.Errorf("/30 rule at %d: %v: compiled %v, linear %v", tc.at, f, got, want)
			}
		}
	}
}

// A node of a table of at most sparseEntries entries has the power of two
// above its keys<<sparse buckets, or fewer, down to the power of two
// above its keys, when that would pass sparseMax or the table's budget
// of sparseRule buckets a rule; a node of a larger
// table and one built without sparse (a crowded bucket's) have the power
// of two above their keys. Keys here are distinct /32 sources, one entry
// each, in one node hashing all 32 bits.
func TestSparseBuckets(t *testing.T) {
	ents := func(n int) []bent {
		es := make([]bent, n)
		for i := range es {
			m := uint64(lenMask(32)) << 32
			es[i] = bent{tent: tent{val: uint64(0x0a000000+i) << 32, mask: m, rank: uint32(i), dpW: 65535, spW: 65535}, slen: 32}
		}
		return es
	}
	dense := func(keys int) int { return 1 << bits.Len(uint(keys)) }
	p := defaultTuples
	if p.sparse != 3 || p.sparseMax != 1<<15 || p.sparseEntries != 20000 || p.sparseRule != 4 {
		t.Fatalf("defaults sparse %d, sparseMax %d, sparseEntries %d, sparseRule %d: the cases below assume 3, 1<<15, 20000 and 4", p.sparse, p.sparseMax, p.sparseEntries, p.sparseRule)
	}
	mask := uint64(lenMask(32)) << 32
	unlimited := 1 << 30
	for _, c := range []struct{ keys, want int }{
		{1, 16}, {3, 32}, {600, 8192}, {4095, 1 << 15}, {4096, 1 << 15}, {9000, 1 << 15}, {20000, 1 << 15}, {40000, 1 << 16},
	} {
		if got := len(makeNode(ents(c.keys), mask, 0, &p, &unlimited).slots); got != c.want {
			t.Errorf("%d keys, default parameters: %d buckets; want %d", c.keys, got, c.want)
		}
		if got := len(makeNode(ents(c.keys), mask, 0, &tupleParams{}, nil).slots); got != dense(c.keys) {
			t.Errorf("%d keys, sparse 0: %d buckets; want %d", c.keys, got, dense(c.keys))
		}
	}
	// The budget: a doubling of nb buckets costs nb. 600 keys are 1 024
	// buckets dense; 1 023 buckets of budget allow no doubling, 1 024 one
	// (2 048), 3 072 two (4 096), and what a doubling spends is gone.
	for _, c := range []struct{ budget, want, left int }{{1023, 1024, 1023}, {1024, 2048, 0}, {3071, 2048, 2047}, {3072, 4096, 0}, {1 << 20, 8192, 1<<20 - 7168}} {
		b := c.budget
		if got := len(makeNode(ents(600), mask, 0, &p, &b).slots); got != c.want || b != c.left {
			t.Errorf("600 keys, budget %d: %d buckets, %d left; want %d and %d", c.budget, got, b, c.want, c.left)
		}
	}
	// Through buildTuples, sparseRule buckets a rule: 600 rules of one
	// entry each give 2 400, one doubling of the 1 024 dense buckets
	// (the second would cost 2 048 of the 1 376 left).
	if tp := buildTuples(ents(600), &p); len(tp.nodes) != 1 || len(tp.nodes[0].slots) != 2048 {
		t.Errorf("600 rules of one entry: %d nodes, the first of %d buckets; want 1 of 2 048", len(tp.nodes), len(tp.nodes[0].slots))
	}
	// The rules are counted before pruning: 600 more rules repeating the
	// first 600 (each covered by its first, so dropped) make the budget
	// 4 800, two doublings (1 024 + 2 048), not one.
	dup := ents(600)
	for i := range 600 {
		e := dup[i]
		e.rank = uint32(600 + i)
		dup = append(dup, e)
	}
	if tp := buildTuples(dup, &p); tp.pruned != 600 || len(tp.nodes) != 1 || len(tp.nodes[0].slots) != 4096 {
		t.Errorf("600 rules and 600 covered repeats: %d pruned, %d nodes, the first of %d buckets; want 600, 1 of 4 096", tp.pruned, len(tp.nodes), len(tp.nodes[0].slots))
	}
	// Through buildTuples: below sparseEntries entries sparse, above dense.
	// Ten TCP entries per /32 source, from ports 1-10 (a node hashes no
	// source port), so that the nodes
	// have fewer keys than entries and a sparse node more buckets than a
	// dense one even at 20 001 entries. Each entry is a rule of its own,
	// so the budget (4 buckets a rule) never binds here: the cases above
	// test it.
	perKey := func(n int) []bent {
		es := make([]bent, n)
		for i := range es {
			m := uint64(lenMask(32)) << 32
			es[i] = bent{tent: tent{val: uint64(0x0a000000+i/10) << 32, mask: m, rank: uint32(i), proto: uint16(TCP), dpW: 65535, spLo: uint16(1 + i%10)},
				slen: 32, exactProto: true}
		}
		return es
	}
	for _, c := range []struct {
		n      int
		sparse bool
	}{{5000, true}, {p.sparseEntries, true}, {p.sparseEntries + 1, false}} {
		tp := buildTuples(perKey(c.n), &p)
		grew := false
		for i := range tp.nodes {
			n := &tp.nodes[i]
			if n.mask == 0 && n.pdMask == 0 {
				continue // a list
			}
			keys := map[uint64]bool{}
			n.eachEntry(func(e *tent) { keys[keyAt(e.val, uint64(e.proto)<<16|uint64(e.dpLo), n.mask, n.pdMask)] = true })
			want := dense(len(keys))
			if c.sparse {
				want = min(want<<p.sparse, max(want, p.sparseMax))
			}
			if len(n.slots) != want {
				t.Errorf("%d entries, node %d (%d keys): %d buckets; want %d", c.n, i, len(keys), len(n.slots), want)
			}
			grew = grew || want > dense(len(keys))
		}
		if grew != c.sparse {
			t.Errorf("%d entries: some node sparse %v; want %v (else the case shows nothing)", c.n, grew, c.sparse)
		}
	}
}

// A whole-node scan that decides whether an entry is final (see
// scanEarliest) is allowed by the node's entries, not its buckets: a
// sparse node (see tupleParams.sparse) of 600 entries has 8 192 buckets,
// more than finalScanMax, and its entries must still be scanned, or
// every entry before it that needs a scan loses its final flag (on fw1
// 1K, 150 of 647).
func TestFinalScanCountsEntries(t *testing.T) {
	tcp := uint16(TCP)
	ent := func(rank, src uint32, proto uint16) bent {
		m := uint64(lenMask(24)) << 32
		return bent{tent: tent{val: uint64(src) << 32 & m, mask: m, rank: rank, proto: proto, dpW: 65535, spW: 65535},
			slen: 24, exactProto: proto != 0}
	}
	// Node a: 1.0.0/24 TCP, then 10.0.0/24 of any protocol at rank 700.
	// Node b hashes the protocol and the /24 source: 600 TCP entries in
	// 11.x.y/24, none overlapping 10.0.0/24, ranks 1-600.
	a := []bent{ent(0, 0x01000000, tcp), ent(700, 0x0a000000, 0)}
	var b []bent
	for i := range 600 {
		b = append(b, ent(uint32(1+i), 0x0b000000+uint32(i)<<8, tcp))
	}
	p := defaultTuples
	mask := uint64(lenMask(24)) << 32
	unlimited := 1 << 30
	na, nb := makeNode(a, 0, 0, &p, &unlimited), makeNode(b, mask, 0xffff0000, &p, &unlimited)
	if len(nb.slots) <= finalScanMax || len(b) > finalScanMax {
		t.Fatalf("node b: %d entries in %d buckets; the case needs at most %d entries in more buckets", len(b), len(nb.slots), finalScanMax)
	}
	tp := &tuples{nodes: []tnode{na, nb}}
	tp.markFinal(1<<20, 1<<20)
	if _, wrong := tp.checkFinal(); wrong != 0 {
		t.Errorf("%d entries marked final over an earlier overlapping rule", wrong)
	}
	// Node a is one bucket: 1.0.0/24 in the slot, 10.0.0/24 in the chain.
	e := tp.nodes[0].more[0]
	if e.rank != 700 || !e.final {
		t.Errorf("10.0.0/24 (rank %d): final %v; want rank 700, final (node b was not scanned)", e.rank, e.final)
	}
}
