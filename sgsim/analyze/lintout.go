package analyze

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/internal/testhost"
	"go4.org/netipx"
)

// Building lint's findings. A 10K firewall set (ClassBench fw1) has 1.4
// million conflicts: the findings are most of lint's memory, and
// building them (the overlap's region text, the witness and its text,
// the growing slice) was a third of its time (bench/README.md, issue
// 18, sixth round). So:
//
//   - the findings are collected in chunks and copied once, in their
//     final order, into a slice of the exact length (append's growth
//     copied 250 MB several times over);
//   - a rule's RuleRef is built once per lint and shared by the
//     findings that name it (Finding.Rules holds pointers);
//   - the region and witness texts of one rule's conflicts are written
//     into one buffer, each finding's text a substring of it (one
//     allocation per rule, not two per finding);
//   - the witness is picked from the cell's ranges directly (testFlow),
//     and the region written from each rule's address text, made once
//     per rule, with no Space or address set built unless the two
//     rules' addresses overlap without one holding the other.
//
// Each writes what the slower form wrote; TestRegionTextIsIntersectString,
// TestAppendFlowIsString, TestTestFlowIsSpaceTestFlow and
// TestFindingListSorted hold them equal, TestLintSharesRuleRefs the
// sharing.

// findingList collects findings in chunks that never move, so that a
// *Finding it returns stays valid.
type findingList struct {
	chunks [][]Finding
	n      int
}

func (l *findingList) add(f Finding) *Finding {
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == cap(l.chunks[len(l.chunks)-1]) {
		size := 64
		if len(l.chunks) > 0 {
			size = min(2*cap(l.chunks[len(l.chunks)-1]), 8192)
		}
		l.chunks = append(l.chunks, make([]Finding, 0, size))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, f)
	l.n++
	return &(*c)[len(*c)-1]
}

// findingPos is a place in a findingList: a chunk and an offset in it.
type findingPos struct{ chunk, off int }

// pos is where the next finding added goes (or the chunk after).
func (l *findingList) pos() findingPos {
	if len(l.chunks) == 0 {
		return findingPos{}
	}
	return findingPos{len(l.chunks) - 1, len(l.chunks[len(l.chunks)-1])}
}

// each gives yield the findings added between from and to (from pos),
// in order, a chunk's run at a time.
func (l *findingList) each(from, to findingPos, yield func([]Finding)) {
	if from == to {
		return
	}
	for c := from.chunk; c <= to.chunk; c++ {
		lo, hi := 0, len(l.chunks[c])
		if c == from.chunk {
			lo = from.off
		}
		if c == to.chunk {
			hi = to.off
		}
		if lo < hi {
			yield(l.chunks[c][lo:hi])
		}
	}
}

// sorted returns the findings in sortFindings's order (it is stable) in
// a slice of their exact number (see sortedOf).
func (l *findingList) sorted() []Finding {
	second := false
	out := sortedOf(l.n, func(yield func([]Finding)) {
		for i, c := range l.chunks {
			yield(c)
			if second {
				l.chunks[i] = nil // the copy holds them now
			}
		}
		second = true
	})
	l.chunks = nil
	return out
}

// sortedOf returns the n findings runs gives (it gives them twice, the
// same each time, in runs) in sortFindings's order (it is stable) in a
// slice of their exact number, by counting: a lint has few distinct
// severities, codes and sets.
func sortedOf(n int, runs func(yield func([]Finding))) []Finding {
	if n == 0 {
		return nil
	}
	type key struct {
		sev       Severity
		code, set string
	}
	var keys []key
	var count []int
	idx := make([]int32, 0, n)
	last := -1
	runs(func(c []Finding) {
		for i := range c {
			f := &c[i]
			if last < 0 || keys[last] != (key{f.Severity, f.Code, f.Set}) {
				last = slices.Index(keys, key{f.Severity, f.Code, f.Set})
				if last < 0 {
					last = len(keys)
					keys = append(keys, key{f.Severity, f.Code, f.Set})
					count = append(count, 0)
				}
			}
			count[last]++
			idx = append(idx, int32(last))
		}
	})
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := keys[a], keys[b]
		return cmp.Or(cmp.Compare(y.sev, x.sev), cmp.Compare(x.code, y.code), cmp.Compare(x.set, y.set))
	})
	start := make([]int, len(keys))
	at := 0
	for _, k := range order {
		start[k] = at
		at += count[k]
	}
	out := make([]Finding, n)
	j := 0
	runs(func(c []Finding) {
		// Runs of one key are copied at once: a lint's findings are
		// mostly conflicts of one severity, in long runs.
		for i := 0; i < len(c); {
			k, e := idx[j], i+1
			for e < len(c) && idx[j+e-i] == k {
				e++
			}
			start[k] += copy(out[start[k]:], c[i:e])
			j += e - i
			i = e
		}
	})
	return out
}

// ruleText is what a rule's conflicts print about its addresses, made
// once per rule: the address sets, their ranges and their text.
type ruleText struct {
	src, dst addrText
}

type addrText struct {
	a    sgsim.Addrs
	rs   []netipx.IPRange
	text string
}

func newAddrText(a sgsim.Addrs) addrText {
	x := addrText{a: a, text: a.String()}
	if !a.IsAny() {
		x.rs = a.Set().Ranges()
	}
	return x
}

// within reports whether b holds every address of a (neither any).
func (a *addrText) within(b *addrText) bool {
	for _, r := range a.rs {
		if !b.a.Set().ContainsRange(r) {
			return false
		}
	}
	return true
}

// overlapText is the text of the addresses in both a and b (which
// share one at least): interAddrs's set's String.
func overlapText(a, b *addrText) string {
	switch {
	case a.a.IsAny():
		return b.text
	case b.a.IsAny():
		return a.text
	case a.within(b):
		return a.text
	case b.within(a):
		return b.text
	}
	var sb netipx.IPSetBuilder
	sb.AddSet(a.a.Set())
	sb.Intersect(b.a.Set())
	s, _ := sb.IPSet()
	return sgsim.AddrsOf(s).String()
}

// appendRegion appends the text of the overlap of the spaces a and b of
// one family and protocol (two rules' spaces, which share a flow), whose
// addresses' texts are at and bt: intersect(a, b).String().
func appendRegion(buf []byte, a, b sgsim.Space, at, bt *ruleText) []byte {
	buf = append(buf, a.Protocol.String()...)
	buf = append(buf, ' ')
	buf = append(buf, overlapText(&at.src, &bt.src)...)
	buf = append(buf, " -> "...)
	buf = append(buf, overlapText(&at.dst, &bt.dst)...)
	if a.Family != sgsim.AnyFamily && a.Src.IsAny() && b.Src.IsAny() && a.Dst.IsAny() && b.Dst.IsAny() {
		buf = append(buf, ' ')
		buf = append(buf, a.Family.String()...)
	}
	part := func(kw string, x, y sgsim.Ports, all sgsim.PortRange) {
		ps, _ := interPorts(x, y)
		if ps != nil && !(len(ps) == 1 && ps[0] == all) {
			buf = append(buf, ' ')
			buf = append(buf, kw...)
			buf = append(buf, ' ')
			for i, r := range ps {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendUint(buf, uint64(r.First), 10)
				if r.Last != r.First {
					buf = append(buf, '-')
					buf = strconv.AppendUint(buf, uint64(r.Last), 10)
				}
			}
		}
	}
	if a.Protocol.HasPorts() {
		part("dport", a.DstPorts, b.DstPorts, sgsim.AllPorts)
		part("sport", a.SrcPorts, b.SrcPorts, sgsim.AllPorts)
	}
	if a.Protocol.IsICMP() {
		part("type", a.ICMPTypes, b.ICMPTypes, sgsim.PortRange{First: 0, Last: 255})
		part("code", a.ICMPCodes, b.ICMPCodes, sgsim.PortRange{First: 0, Last: 255})
	}
	return buf
}

// appendFlow appends f.String() for a valid flow.
func appendFlow(buf []byte, f sgsim.Flow) []byte {
	ep := func(a netip.Addr, p uint16) {
		if f.Proto.HasPorts() {
			buf = netip.AddrPortFrom(a, p).AppendTo(buf)
		} else {
			buf = a.AppendTo(buf)
		}
	}
	buf = append(buf, f.Proto.String()...)
	buf = append(buf, ' ')
	ep(f.Src, f.SrcPort)
	buf = append(buf, " -> "...)
	ep(f.Dst, f.DstPort)
	if f.Proto.IsICMP() {
		buf = append(buf, " type "...)
		buf = strconv.AppendUint(buf, uint64(f.ICMPType), 10)
		buf = append(buf, " code "...)
		buf = strconv.AppendUint(buf, uint64(f.ICMPCode), 10)
	}
	return buf
}

// testFlow is a flow of the box a person could send (Space.TestFlow):
// host addresses and real ports where the box has them, rather than its
// lowest corner (a network address, port 0). It is t.space(b).TestFlow(),
// picked from the box's ranges without building their address sets
// (lint takes the witness of over a million distinct cells in a 10K
// firewall set).
func (t *table) testFlow(b box) sgsim.Flow {
	f := sgsim.Flow{Proto: t.proto}
	slo, shi := addrOf(b[0].lo, t.v6), addrOf(b[0].hi, t.v6)
	dlo, dhi := addrOf(b[1].lo, t.v6), addrOf(b[1].hi, t.v6)
	var none netip.Addr
	f.Src = testHostIn(slo, shi, none)
	f.Dst = testHostIn(dlo, dhi, f.Src)
	if f.Dst == f.Src {
		f.Src = testHostIn(slo, shi, f.Dst)
	}
	// lowestPortFrom for the one range s.
	from := func(s span, p uint16) uint16 {
		lo, hi := uint16(s.lo.lo), uint16(s.hi.lo)
		if hi >= p {
			return max(lo, p)
		}
		return lo
	}
	if t.proto.HasPorts() {
		f.SrcPort = from(b[2], 1024)
		if f.SrcPort < 1024 {
			f.SrcPort = from(b[2], 1)
		}
		f.DstPort = from(b[3], 1)
	}
	if t.proto.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(from(b[2], 0)), uint8(from(b[3], 0))
	}
	return f
}

// testHostIn is sgsim's testHost for the one range lo-hi (one rule,
// package testhost).
func testHostIn(lo, hi, avoid netip.Addr) netip.Addr {
	h, _ := testhost.In(lo, hi, avoid)
	return h
}
