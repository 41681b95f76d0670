package sgsim

import "testing"

// classBits picks the two protocol bits that split the exact protocols
// most evenly: protocols 8, 64, 72 and 1 (values, so bits 3, 6, both,
// and 0), as many entries each, fall one to a class only under bits 3
// and 6; with no entry of any protocol, or one protocol only, there is
// nothing to copy or split. ICMP, TCP, UDP and GRE (values 2, 7, 18 and
// 48: 10, 111, 10010 and 110000) no two bits tell apart (bits 0 and 1
// come first of the best, with ICMP and UDP together under 01: bit 1
// alone is set in both); of three bits, the first that do are 0, 1 and
// 4 (ICMP 010, TCP 011, UDP 110, GRE 100, bit 4 last), and they are
// taken when at most 1/share of the entries are of any protocol (here
// 1 or 2 of 21 or 22, share 16: 16 <= 21, 32 > 22).
func TestClassBits(t *testing.T) {
	ents := func(anyProto int, protos ...uint16) []bent {
		var es []bent
		for _, p := range protos {
			for range 5 {
				es = append(es, bent{tent: tent{proto: p}, exactProto: true})
			}
		}
		for range anyProto {
			es = append(es, bent{})
		}
		return es
	}
	icmp, tcp, udp, gre := uint16(ICMP), uint16(TCP), uint16(UDP), uint16(GRE)
	for _, c := range []struct {
		name string
		ents []bent
		want uint16
	}{
		{"four protocols and one of any", ents(1, 8, 64, 72, 1), 1<<3 | 1<<6},
		{"the same, another order", ents(1, 1, 72, 64, 8), 1<<3 | 1<<6},
		{"no entry of any protocol", ents(0, 8, 64, 72, 1), 0},
		{"one protocol", ents(1, 8, 8), 0},
		{"ICMP, TCP, UDP, GRE and one of any", ents(1, icmp, tcp, udp, gre), 1<<0 | 1<<1 | 1<<4},
		{"the same, another order", ents(1, gre, udp, tcp, icmp), 1<<0 | 1<<1 | 1<<4},
		{"the same with two of any", ents(2, icmp, tcp, udp, gre), 1<<0 | 1<<1},
	} {
		if got := classBits(c.ents, 16); got != c.want {
			t.Errorf("%s: classBits %#b; want %#b", c.name, got, c.want)
		}
	}
}

// classEnts returns n entries (all, when n is 0) under keys (/24
// sources) 0 to keys-1: perKey TCP entries and as many UDP entries each,
// on port ranges of two ports, then an entry of any protocol under each
// of the first wide keys. A class node (TCP and UDP in classes of their
// own, the wide entries copied into all four) scores best of every
// candidate on them: it splits TCP from UDP as a protocol node does and
// holds the wide entries too, which come last under their key so that
// their copies crowd no bucket before the others.
func classEnts(keys, perKey, wide, n int) []bent {
	var es []bent
	add := func(k int, proto uint16, port int) {
		m := uint64(lenMask(24)) << 32
		e := bent{tent: tent{val: uint64(10<<24|k<<8) << 32, mask: m, rank: uint32(len(es)), proto: proto, dpW: 65535, spW: 65535},
			slen: 24, exactProto: proto != 0}
		if proto != 0 {
			e.dpLo, e.dpW = uint16(1000+2*port), 1
		}
		es = append(es, e)
	}
	for k := 0; k < keys; k++ {
		for i := 0; i < perKey; i++ {
			add(k, uint16(TCP), i)
		}
		for i := 0; i < perKey; i++ {
			add(k, uint16(UDP), i)
		}
		if k < wide {
			add(k, 0, 0)
		}
	}
	if n > 0 {
		es = es[:n]
	}
	return es
}

// A class node copies at most 1/classShare of the table's entries
// (counting the entries copied, not their copies), the whole table's
// when the entries left are fewer; Compile's share is 1/16.
func TestClassNodeShare(t *testing.T) {
	p := defaultTuples
	if p.classShare != 16 {
		t.Fatalf("defaultTuples.classShare %d; want 16 (bench/README.md, ninth pass, second part)", p.classShare)
	}
	for _, c := range []struct {
		keys, wide, total int
		class             bool
	}{
		{100, 12, 0, true},   // 12 of 212 entries: 12*16 <= 212
		{100, 13, 0, true},   // 13*16 = 208 <= 213
		{100, 14, 0, false},  // 14*16 = 224 > 214
		{100, 14, 224, true}, // the same left of a table of 224 entries
		{100, 14, 223, false},
	} {
		es := classEnts(c.keys, 1, c.wide, 0)
		total := c.total
		if total == 0 {
			total = len(es)
		}
		got := choose(es, newCounter(len(es)), &p, classBits(es, p.classShare), total)
		if (got.class != 0) != c.class {
			t.Errorf("%d entries of any protocol of %d left, table of %d: chose %+v; want a class node %v", c.wide, len(es), total, got, c.class)
		}
	}
}

// Tables of more than classMax entries get no class nodes (fw1 100K's
// first node doubled its buckets as one); Compile's limit is 20 000, and
// a table of 20 000 entries gets one.
func TestClassNodeMax(t *testing.T) {
	if defaultTuples.classMax != 20000 {
		t.Fatalf("defaultTuples.classMax %d; want 20000 (bench/README.md, ninth pass, second part)", defaultTuples.classMax)
	}
	for _, c := range []struct {
		n     int
		class bool
	}{{20000, true}, {20001, false}} {
		es := classEnts(500, 20, 500, c.n)
		tp := buildTuples(es, &defaultTuples)
		classNodes := 0
		for i := range tp.nodes {
			if pm := tp.nodes[i].pdMask >> 16; pm != 0 && pm != 0xffff {
				classNodes++
			}
		}
		if (classNodes > 0) != c.class {
			t.Errorf("%d entries: %d class nodes; want some %v", len(es), classNodes, c.class)
		}
	}
}

// In a class node an entry of any protocol is kept when each of its
// copies fits (at most bucketCap entries under its key), or spills
// whole; a spilled entry's copies take no room under the keys they would
// have had. Here, with bucketCap 2, key A holds TCP, TCP, an entry of any
// protocol (its TCP class is full: it spills) and UDP, UDP; keys B and C
// one entry of any protocol each, key D three (the third spills: every
// class holds two copies), so that a class node on /24 sources is the
// best candidate. Both UDP entries stay beside the TCP ones; before, the
// spilled entry's copy counted in UDP's class and the second UDP entry
// spilled too, under a key holding one entry.
func TestClassNodeSpillCountsKept(t *testing.T) {
	var es []bent
	add := func(key uint32, proto uint16) {
		m := uint64(lenMask(24)) << 32
		e := bent{tent: tent{val: uint64(10<<24|key<<8) << 32, mask: m, rank: uint32(len(es)), proto: proto, dpW: 65535, spW: 65535},
			slen: 24, exactProto: proto != 0}
		if proto != 0 {
			e.dpLo, e.dpW = uint16(1000+2*len(es)), 1
		}
		es = append(es, e)
	}
	add(0, uint16(TCP))
	add(0, uint16(TCP))
	add(0, 0) // rank 2: spills
	add(0, uint16(UDP))
	add(0, uint16(UDP)) // rank 4
	add(1, 0)
	add(2, 0)
	add(3, 0)
	add(3, 0)
	add(3, 0) // rank 9: spills
	p := tupleParams{bucketCap: 2, maxNodes: 12, tailEntries: 0, sampleSize: 64, lens: 4, lensAll: 4, classMax: 1 << 30, classShare: 1}
	tp := buildTuples(es, &p)
	node := map[uint32]int{} // rank -> node
	for i := range tp.nodes {
		n := &tp.nodes[i]
		for b := range n.slots {
			if n.slots[b].rank != noMatch {
				node[n.slots[b].rank] = i
			}
		}
		for _, e := range n.more {
			node[e.rank] = i
		}
	}
	first := &tp.nodes[node[0]]
	if pm := first.pdMask >> 16; pm == 0 || pm == 0xffff || first.mask != uint64(lenMask(24))<<32 {
		t.Fatalf("the TCP entries are in node %+v; want a class node on /24 sources", first)
	}
	for _, r := range []uint32{1, 3, 4, 5, 6, 7, 8} {
		if node[r] != node[0] {
			t.Errorf("rank %d in node %d; want %d with the first", r, node[r], node[0])
		}
	}
	if node[2] == node[0] || node[9] == node[0] || tp.spilled != 2 {
		t.Errorf("ranks 2 and 9 in nodes %d and %d (the first %d), %d spilled; want those two alone spilled", node[2], node[9], node[0], tp.spilled)
	}
}
