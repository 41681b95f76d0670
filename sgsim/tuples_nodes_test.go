package sgsim

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// Nodes built by hand from random entries over a small space (the top
// three bits of each address), without the greedy choice between them, so
// that every kind of node holds every kind of entry: address nodes,
// protocol and protocol-and-port nodes, and class nodes on any two or
// three of the nine protocol bits holding copies of the entries of any
// protocol;
// buckets of one to many entries, their second entry in the neighbour
// slot (buddy) or, the neighbour taken, in the chain; nodes of two slots;
// ICMP entries; entries of one rule sharing a rank; in half the runs,
// chains of more than 1-3 entries made tuple spaces of their own by split
// (the greedy choice over their entries). Final marks are set as Compile
// sets them, with budgets that allow everything or nothing.
// Every flow of the space (TCP and UDP to ports 1-5, ICMP types 0 and 8,
// GRE, and ESP and protocol 255, which no entry names) must get the
// earliest rank among the entries it matches. The run fails unless it
// reached each case named in reached, among them a copy in a buddy slot,
// an ICMP entry in a buddy slot deciding a flow, two copies of one entry
// in one bucket, a flow of a protocol no entry names decided by a copy
// (in a class node of two bits and of three), and flows decided inside a
// crowded bucket's tuple space, in nodes of more buckets than the power
// of two above their keys (see tupleParams.sparse) too.
func TestTupleNodesExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	named := []uint16{uint16(TCP), uint16(UDP), uint16(ICMP), uint16(GRE)}
	flowProtos := []Protocol{TCP, UDP, ICMP, GRE, ESP, ProtocolNumber(255)}
	lens := []uint32{0, 1, 2, 3, 8, 32}
	var reached struct {
		buddyCopy, buddyICMPDecides, buddyDecides, twoSlotBuddy, neighbourTaken, copiesOneBucket, unnamedByCopy, unnamedByWideCopy, classNodes, wideClassNodes, finalSaves int
		subTables, subDecides, sparseNodes                                                                                                                                 int
	}
	for run := 0; run < 1000; run++ {
		// Entries in ascending rank; about a third share their rank
		// with the one before (the entries of one rule).
		var ents []bent
		var icmps []ICMPMatch
		rank := uint32(0)
		n := 2 + r.IntN(40)
		for i := 0; i < n; i++ {
			if i > 0 && r.IntN(3) != 0 {
				rank++
			}
			for uint32(len(icmps)) <= rank {
				icmps = append(icmps, ICMPMatch{})
			}
			s, d := lens[r.IntN(len(lens))], lens[r.IntN(len(lens))]
			m := uint64(lenMask(s))<<32 | uint64(lenMask(d))
			e := bent{tent: tent{val: (uint64(r.Uint32N(8))<<61 | uint64(r.Uint32N(8))<<29) & m, mask: m, rank: rank, dpW: 65535, spW: 65535},
				slen: uint8(s), dlen: uint8(d)}
			if r.IntN(3) != 0 {
				e.proto, e.exactProto = named[r.IntN(len(named))], true
			}
			switch e.proto {
			case uint16(TCP), uint16(UDP):
				if r.IntN(2) == 0 {
					e.dpLo, e.dpW, e.exactPort = uint16(1+r.IntN(5)), 0, true
				} else {
					e.dpLo = uint16(1 + r.IntN(4))
					e.dpW = uint16(r.IntN(6 - int(e.dpLo)))
				}
			case uint16(ICMP):
				if r.IntN(3) != 0 && icmps[rank].IsAny() {
					icmps[rank] = ICMPType([]uint8{0, 8}[r.IntN(2)])
				}
				e.icmp = !icmps[rank].IsAny()
			}
			ents = append(ents, e)
		}
		// Ranks sharing an ICMP match: an entry of a rank whose match
		// was set by a later entry must check it too.
		for i := range ents {
			if ents[i].proto == uint16(ICMP) {
				ents[i].icmp = !icmps[ents[i].rank].IsAny()
			}
		}
		// One to four nodes; each entry goes to the first that it fits
		// (or, one time in five, passes it by), the rest to a list.
		var cands []cand
		for k := r.IntN(4); k > 0; k-- {
			c := cand{s: uint8(r.IntN(4)), d: uint8(r.IntN(4))}
			switch r.IntN(4) {
			case 1:
				c.proto = true
			case 2:
				c.proto, c.dport = true, true
			case 3:
				a := r.IntN(9)
				b := (a + 1 + r.IntN(8)) % 9
				c.class = uint16(1)<<a | uint16(1)<<b
				for r.IntN(2) == 0 && bits.OnesCount16(c.class) < 3 {
					c.class |= uint16(1) << r.IntN(9)
				}
			}
			cands = append(cands, c)
		}
		cands = append(cands, cand{})
		parts := make([][]bent, len(cands))
		for i := range ents {
			e := &ents[i]
			for j, c := range cands {
				if j == len(cands)-1 || c.fits(e) && r.IntN(5) != 0 {
					parts[j] = c.place(e, c.copies(e, nil), parts[j])
					break
				}
			}
		}
		tp := &tuples{}
		split := r.IntN(2) == 0
		sp := tupleParams{bucketCap: 1 + r.IntN(8), maxNodes: 1 + r.IntN(4), tailEntries: r.IntN(3), sampleSize: 64, lens: 4, lensAll: 4,
			classMax: 1 << 30, classShare: 2, subMin: 1 + r.IntN(3), subNodes: 1 + r.IntN(4), subTail: r.IntN(3),
			sparse: r.IntN(4), sparseMax: 1 << r.IntN(8)}
		budget := r.IntN(64)
		for j, c := range cands {
			if len(parts[j]) > 0 {
				mask, pdMask := c.masks()
				n := makeNode(parts[j], mask, pdMask, &sp, &budget)
				keys := map[uint64]bool{}
				for i := range parts[j] {
					keys[keyUnder(&parts[j][i], mask, pdMask)] = true
				}
				if len(n.slots) > 1<<bits.Len(uint(len(keys))) {
					reached.sparseNodes++
				}
				if split {
					n.split(parts[j], &sp)
					tp.crowd = tp.crowd || len(n.subNodes) > 0
				}
				tp.nodes = append(tp.nodes, n)
			}
		}
		slices.SortStableFunc(tp.nodes, func(a, b tnode) int { return int(int64(a.minRank) - int64(b.minRank)) })
		if r.IntN(4) == 0 {
			tp.markFinal(0, 0)
		} else {
			tp.markFinal(1<<20, 1<<20)
		}
		final, wrong := tp.checkFinal()
		if wrong != 0 {
			t.Fatalf("run %d: %d entries marked final wrongly", run, wrong)
		}
		var info TupleInfo
		for i := range tp.nodes {
			tp.nodes[i].check(&info, nil)
		}
		if info.Misplaced != 0 || info.OutOfBounds != 0 || info.BuddyWrong != 0 {
			t.Fatalf("run %d: %+v: entries misplaced, out of bounds or buddies wrong", run, info)
		}
		reached.subTables += info.SubTables
		reached.finalSaves += final
		// What the run reached, from the structure.
		for i := range tp.nodes {
			nd := &tp.nodes[i]
			class := uint16(nd.pdMask>>16) != 0 && uint16(nd.pdMask>>16) != 0xffff
			if class {
				reached.classNodes++
				if bits.OnesCount64(nd.pdMask>>16) == 3 {
					reached.wideClassNodes++
				}
			}
			for b := range nd.slots {
				sl := &nd.slots[b]
				if sl.rank == noMatch || len(nd.slots) > 1 && nd.slots[b^1].lens&buddyFlag != 0 {
					continue
				}
				if sl.lens&buddyFlag != 0 {
					if class && nd.slots[b^1].proto == 0 {
						reached.buddyCopy++
					}
					if len(nd.slots) == 2 {
						reached.twoSlotBuddy++
					}
				} else if sl.nmore > 0 && len(nd.slots) > 1 {
					reached.neighbourTaken++
				}
				var second []tent
				if sl.lens&subFlag == 0 {
					second = nd.more[sl.more : sl.more+sl.nmore]
				}
				if sl.lens&buddyFlag != 0 {
					second = []tent{nd.first(uint64(b ^ 1))}
				}
				if class && sl.proto == 0 && len(second) > 0 && second[0].rank == sl.rank && second[0].val == sl.val {
					reached.copiesOneBucket++
				}
			}
		}
		tb := &table{icmp: icmps}
		for src := uint64(0); src < 8; src++ {
			for dst := uint64(0); dst < 8; dst++ {
				k := src<<61 | dst<<29
				for _, p := range flowProtos {
					for dp := uint16(1); dp <= 5; dp++ {
						for _, typ := range []uint8{0, 8} {
							f := Flow{Proto: p, SrcPort: 7, DstPort: dp, ICMPType: typ}
							if !p.HasPorts() {
								if dp > 1 {
									break
								}
								f.SrcPort, f.DstPort = 0, 0
							}
							if p != ICMP && typ > 0 {
								break
							}
							want := uint32(noMatch)
							for i := range ents {
								e := &ents[i]
								if e.rank < want && e.matches(k, uint16(p), f.DstPort, f.SrcPort) && (!e.icmp || icmps[e.rank].matches(typ, 0)) {
									want = e.rank
								}
							}
							got := tp.lookup(k, &f, tb, noMatch)
							if got != want {
								t.Fatalf("run %d, nodes %+v: flow %v key %#x: rank %d; want %d", run, cands, f, k, int64(got), int64(want))
							}
							if got == noMatch {
								continue
							}
							// Who decided, for the counts: the probed
							// bucket's buddy, a copy.
							pd := uint64(p)<<16 | uint64(f.DstPort)
							for i := range tp.nodes {
								nd := &tp.nodes[i]
								if nd.minRank >= got {
									break
								}
								b := nd.bucket(k, pd)
								sl := &nd.slots[b]
								class := uint16(nd.pdMask>>16) != 0 && uint16(nd.pdMask>>16) != 0xffff
								if sl.lens&buddyFlag != 0 && sl.rank != got && nd.slots[b^1].rank == got {
									reached.buddyDecides++
									if nd.slots[b^1].lens&icmpFlag != 0 {
										reached.buddyICMPDecides++
									}
								}
								if sl.lens&subFlag != 0 && sl.rank < got {
									if sub := nd.sub(sl); sub.lookup(k, &f, tb, noMatch) == got {
										reached.subDecides++
									}
								}
								if class && (p == ESP || p == ProtocolNumber(255)) {
									if sl.rank == got && sl.proto == 0 {
										reached.unnamedByCopy++
										if bits.OnesCount64(nd.pdMask>>16) == 3 {
											reached.unnamedByWideCopy++
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%+v", reached)
	if reached.buddyCopy == 0 || reached.buddyICMPDecides == 0 || reached.buddyDecides == 0 || reached.twoSlotBuddy == 0 ||
		reached.neighbourTaken == 0 || reached.copiesOneBucket == 0 || reached.unnamedByCopy == 0 || reached.unnamedByWideCopy == 0 || reached.classNodes == 0 || reached.wideClassNodes == 0 || reached.finalSaves == 0 ||
		reached.subTables == 0 || reached.subDecides == 0 || reached.sparseNodes == 0 {
		t.Errorf("cases reached: %+v; want each at least once", reached)
	}
}
