package sgsim

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// prune drops an entry only when an earlier entry of the same address key
// covers it, case by case: the protocol (any covers one, one does not
// cover any or another), each end of both port ranges, an ICMP check on
// the earlier entry, and the order (a later entry never drops an earlier
// one).
func TestPruneCovers(t *testing.T) {
	tcp, udp := uint16(TCP), uint16(UDP)
	const key, mask = 0x0a000000c0a80000, 0xff000000ffff0000
	ent := func(rank uint32, proto uint16, dpLo, dpHi, spLo, spHi uint16) bent {
		return bent{tent: tent{val: key, mask: mask, rank: rank, proto: proto, dpLo: dpLo, dpW: dpHi - dpLo, spLo: spLo, spW: spHi - spLo}}
	}
	wide := ent(0, tcp, 100, 200, 1000, 2000)
	for _, c := range []struct {
		name    string
		earlier bent
		later   bent
		dropped bool
	}{
		{"same", wide, ent(1, tcp, 100, 200, 1000, 2000), true},
		{"inside", wide, ent(1, tcp, 101, 199, 1001, 1999), true},
		{"any protocol covers tcp", ent(0, 0, 100, 200, 1000, 2000), ent(1, tcp, 150, 150, 1000, 2000), true},
		{"tcp does not cover any", wide, ent(1, 0, 100, 200, 1000, 2000), false},
		{"tcp does not cover udp", wide, ent(1, udp, 100, 200, 1000, 2000), false},
		{"destination port below", wide, ent(1, tcp, 99, 200, 1000, 2000), false},
		{"destination port above", wide, ent(1, tcp, 100, 201, 1000, 2000), false},
		{"source port below", wide, ent(1, tcp, 100, 200, 999, 2000), false},
		{"source port above", wide, ent(1, tcp, 100, 200, 1000, 2001), false},
		{"full port ranges", ent(0, tcp, 0, 65535, 0, 65535), ent(1, tcp, 65535, 65535, 0, 0), true},
		{"narrower earlier", ent(0, tcp, 150, 150, 1000, 2000), ent(1, tcp, 100, 200, 1000, 2000), false},
		{"same rank", wide, ent(0, tcp, 120, 130, 1000, 2000), true},
	} {
		ents := []bent{c.earlier, c.later}
		got, n := prune(ents, 100)
		if c.dropped != (n == 1 && len(got) == 1 && got[0] == c.earlier) || !c.dropped && (n != 0 || len(got) != 2) {
			t.Errorf("%s: prune kept %d of 2 (%d dropped); want the later dropped: %v", c.name, len(got), n, c.dropped)
		}
		// Reversed (the wide entry later), nothing is dropped unless
		// the two cover each other.
		rev := []bent{c.later, c.earlier}
		rev[0].rank, rev[1].rank = c.earlier.rank, c.later.rank
		if _, n := prune(rev, 100); n != 0 && !rev[0].covers(&rev[1].tent) {
			t.Errorf("%s reversed: %d dropped; want 0", c.name, n)
		}
	}
	icmp := wide
	icmp.icmp = true
	if _, n := prune([]bent{icmp, ent(1, tcp, 100, 200, 1000, 2000)}, 100); n != 0 {
		t.Errorf("an entry checking an ICMP type dropped a later one")
	}
	other := ent(1, tcp, 100, 200, 1000, 2000)
	other.val ^= 1 << 40 // another source under the same mask
	if _, n := prune([]bent{wide, other}, 100); n != 0 {
		t.Errorf("an entry dropped a later one of another key")
	}
	other = ent(1, tcp, 100, 200, 1000, 2000)
	other.mask, other.val = mask|0xff00, key|0x0100 // a longer destination inside the first
	if _, n := prune([]bent{wide, other}, 100); n != 0 {
		t.Errorf("an entry dropped a later one of another mask (only the same key is compared)")
	}
}

// On random entries over a small space, the earliest entry a flow matches
// is the same before and after prune, for every flow of the space; what
// prune keeps is in rank order; a budget of 0 drops nothing and a small
// one drops no more than a large one.
func TestPruneKeepsFirstMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	protos := []uint16{0, uint16(TCP), uint16(UDP)}
	dropped := 0
	for run := 0; run < 1000; run++ {
		var ents []bent
		for i := 0; i < 2+r.IntN(60); i++ {
			sl, dl := uint32(r.IntN(3)), uint32(r.IntN(3))
			m := uint64(lenMask(sl))<<32 | uint64(lenMask(dl))
			dp, sp := uint16(r.IntN(4)), uint16(r.IntN(4))
			e := bent{tent: tent{val: (uint64(r.IntN(4))<<62 | uint64(r.IntN(4))<<30) & m, mask: m, rank: uint32(i - r.IntN(2)*min(i, 1)),
				proto: protos[r.IntN(3)], icmp: r.IntN(8) == 0, dpLo: dp, dpW: uint16(r.IntN(4 - int(dp))), spLo: sp, spW: uint16(r.IntN(4 - int(sp)))}}
			if r.IntN(2) == 0 {
				e.dpLo, e.dpW = 0, 65535
			}
			if r.IntN(2) == 0 {
				e.spLo, e.spW = 0, 65535
			}
			if len(ents) > 0 {
				e.rank = max(e.rank, ents[len(ents)-1].rank)
			}
			ents = append(ents, e)
		}
		first := func(es []bent, k uint64, p, dp, sp uint16) uint32 {
			best := uint32(noMatch)
			for i := range es {
				// An ICMP check is taken to fail: prune must not count
				// on an entry that checks one.
				if es[i].matches(k, p, dp, sp) && !es[i].icmp {
					best = min(best, es[i].rank)
				}
			}
			return best
		}
		got, n := prune(append([]bent(nil), ents...), 1<<20)
		dropped += n
		if len(got)+n != len(ents) {
			t.Fatalf("run %d: %d kept and %d dropped of %d", run, len(got), n, len(ents))
		}
		for i := 1; i < len(got); i++ {
			if got[i].rank < got[i-1].rank {
				t.Fatalf("run %d: kept entries out of rank order", run)
			}
		}
		for a := uint64(0); a < 16; a++ {
			k := (a>>2)<<62 | (a&3)<<30
			for _, p := range []uint16{uint16(TCP), uint16(UDP), uint16(GRE)} {
				for dp := uint16(0); dp < 5; dp++ {
					for sp := uint16(0); sp < 5; sp++ {
						if x, y := first(ents, k, p, dp, sp), first(got, k, p, dp, sp); x != y {
							t.Fatalf("run %d: flow key %#x proto %d ports %d/%d: earliest match %d before prune, %d after", run, k, p, dp, sp, x, y)
						}
					}
				}
			}
		}
		if _, n0 := prune(append([]bent(nil), ents...), 0); n0 != 0 {
			t.Fatalf("run %d: budget 0 dropped %d", run, n0)
		}
		if _, n2 := prune(append([]bent(nil), ents...), 2); n2 > n {
			t.Fatalf("run %d: budget 2 dropped %d, more than %d", run, n2, n)
		}
	}
	if dropped < 250 {
		t.Errorf("%d entries dropped over the runs; want at least 250 for the test to mean something", dropped)
	}
}

// The first node of a large table is chosen on a sample of firstSample
// entries: a sample of 1 024 hides how crowded a mask's buckets are.
// 40 000 entries on 2 000 destination /16s, 80% from distinct /22
// sources, 20% from any source: on 1 024 entries the /16 destinations
// alone look nearly collision-free and win, as they did on ipc-like 100K
// (its hot buckets crowded); on 4 096 the crowding shows and the first node
// hashes both addresses.
func TestFirstNodeLargerSample(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	dsts := make([]uint32, 2000)
	for i := range dsts {
		dsts[i] = r.Uint32() & lenMask(16)
	}
	ents := make([]bent, 40000)
	for i := range ents {
		sl := uint32(22)
		if r.IntN(5) == 0 {
			sl = 0
		}
		m := uint64(lenMask(sl))<<32 | uint64(lenMask(16))
		ents[i] = bent{tent: tent{val: (uint64(r.Uint32())<<32 | uint64(dsts[r.IntN(len(dsts))])) & m, mask: m, rank: uint32(i), dpW: 65535, spW: 65535},
			slen: uint8(sl), dlen: 16}
	}
	// The first node chosen holds the most entries (nodes are sorted by
	// their earliest rule, so it need not be nodes[0]).
	first := func(p tupleParams) (s, d int) {
		tp := buildNodes(slices.Clone(ents), &p, 0)
		big := &tp.nodes[0]
		for i := range tp.nodes {
			if (&tuples{nodes: tp.nodes[i : i+1]}).entries() > (&tuples{nodes: []tnode{*big}}).entries() {
				big = &tp.nodes[i]
			}
		}
		return bits.OnesCount64(big.mask >> 32), bits.OnesCount64(big.mask & 0xffffffff)
	}
	if s, d := first(defaultTuples); s != 22 || d != 16 {
		t.Errorf("first node /%d sources, /%d destinations; want /22 and /16", s, d)
	}
	p := defaultTuples
	p.firstSample = 0
	if s, d := first(p); s != 0 || d != 16 {
		t.Errorf("without firstSample: first node /%d sources, /%d destinations; want /0 and /16 (else the case above shows nothing)", s, d)
	}
	p = defaultTuples
	p.firstMin = len(ents)
	if s, _ := first(p); s != 0 {
		t.Errorf("a table of firstMin entries chose on the larger sample (source /%d)", s)
	}
}
