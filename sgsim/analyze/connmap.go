package analyze

import (
	"errors"
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/sgsim/sgsim/sgsim"
)

// MapProtocols are the protocols a connectivity map asks about: TCP and
// UDP on every destination port, and ICMP (ICMPv6 for IPv6 pairs) echo.
var MapProtocols = []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP}

// Passage is what passes from one endpoint to another on one protocol,
// exactly (by Network.Reach), over every address of both and every
// ephemeral source port (sgsim.EphemeralPorts).
type Passage struct {
	Protocol sgsim.Protocol
	// RoundTrip holds the destination ports on which some flow is
	// delivered and answered, OneWay those on which some flow is
	// delivered but none answered. For ICMP the "port" is the echo
	// request's type, 8 (128 for ICMPv6), present or not.
	RoundTrip, OneWay sgsim.Ports
	// Partial is set when on the RoundTrip ports not every flow (every
	// address pair and source port) is answered.
	Partial bool
	// Allowed is the exact answered space (Reachability.Allowed) and
	// Witness the trace of one answered flow: the rule that decides it at
	// each hop. Delivered-only space is in OneWayRegions.
	Allowed       []sgsim.Region
	OneWayRegions []sgsim.Region
	Witness       sgsim.Trace
}

// Empty reports whether nothing passes, not even one way.
func (p *Passage) Empty() bool { return len(p.RoundTrip) == 0 && len(p.OneWay) == 0 }

// String is the passage in one line: "tcp 22,443", "udp 53 one-way",
// "tcp 80 (partial)", "icmp echo"; "" when nothing passes. Two passages
// with the same String behave alike (the regions and witness aside).
func (p *Passage) String() string {
	if p.Empty() {
		return ""
	}
	name := p.Protocol.String()
	var parts []string
	icmp := p.Protocol.IsICMP()
	if len(p.RoundTrip) > 0 {
		s := name + " " + p.RoundTrip.String()
		if icmp {
			s = name + " echo"
		}
		if p.Partial {
			s += " (partial)"
		}
		parts = append(parts, s)
	}
	if len(p.OneWay) > 0 {
		s := name + " " + p.OneWay.String() + " one-way"
		if icmp {
			s = name + " echo one-way"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// Cell is what passes from one endpoint (the row) to another (the column).
type Cell struct {
	Passages []Passage // the protocols on which something passes, in MapProtocols order
}

// String lists the cell's passages, "; " between protocols, or "" when
// nothing passes. Cells with the same String are merged into groups.
func (c *Cell) String() string {
	var ss []string
	for i := range c.Passages {
		ss = append(ss, c.Passages[i].String())
	}
	return strings.Join(ss, "; ")
}

// ConnMap is a connectivity map: for every pair of endpoints (a source
// and a destination, the same one included: its addresses among
// themselves) what passes, with the rows (sources) and columns
// (destinations) that behave identically merged into groups.
type ConnMap struct {
	Endpoints []string // names, in the network spec's order
	Cells     [][]Cell // [source][destination], indexes into Endpoints
	// RowGroups and ColGroups partition the endpoint indexes: sources
	// whose rows are equal cell for cell (by Cell.String), and
	// destinations whose columns are. Groups are in order of their first
	// member, members ascending.
	RowGroups, ColGroups [][]int
}

// Group returns the cell shared by row group r and column group c: every
// pair of their members has it.
func (m *ConnMap) Group(r, c int) *Cell {
	return &m.Cells[m.RowGroups[r][0]][m.ColGroups[c][0]]
}

// GroupName names a group by its members, "a, b, c".
func (m *ConnMap) GroupName(g []int) string {
	var ss []string
	for _, i := range g {
		ss = append(ss, m.Endpoints[i])
	}
	return strings.Join(ss, ", ")
}

// Map computes the connectivity map of the endpoints of spec, built into
// n, exactly: what it says of a pair is what Network.Reach answers for
// that pair. The cost does not grow with the square of the endpoints'
// number in Reach calls: each protocol takes one Answered query per
// address family from every endpoint to every endpoint (so the rules are
// turned into boxes once, not once per pair), whose regions (answered,
// delivered but not answered, and denied; disjoint, and exact for every
// address and port) are then cut along the endpoints' addresses into
// the pairs. A pair's answered ports are those of its answered regions,
// its one-way ports those of its delivered-only regions less those, and
// it is Partial when a denied region of the pair meets its answered
// ports.
func Map(n *sgsim.Network, spec sgsim.NetworkSpec) (*ConnMap, error) {
	m := &ConnMap{}
	eps := spec.Endpoints
	for _, e := range eps {
		m.Endpoints = append(m.Endpoints, e.Name)
	}
	k := len(eps)
	m.Cells = make([][]Cell, k)
	for i := range m.Cells {
		m.Cells[i] = make([]Cell, k)
	}
	spaces := [2]*mapSpace{newMapSpace(eps, false), newMapSpace(eps, true)}
	accs := make([]mapAcc, k*k)
	for _, proto := range MapProtocols {
		for f, sp := range spaces {
			if sp == nil {
				continue
			}
			q := sgsim.Query{From: sp.all, To: sp.all, Protocol: proto, Question: sgsim.Answered}
			if proto.IsICMP() {
				q.ICMPType = 8
				if sp.v6 {
					q.Protocol, q.ICMPType = sgsim.ICMPv6, 128
				}
			}
			res, err := n.Reach(q)
			if err != nil {
				return nil, errors.New("analyze: map " + proto.String() + ": " + err.Error())
			}
			sp.sweep(n, q, &res, accs, k, f)
		}
		for i := range k {
			for j := range k {
				a := &accs[i*k+j]
				if p := a.passage(proto); !p.Empty() {
					m.Cells[i][j].Passages = append(m.Cells[i][j].Passages, p)
				}
				*a = mapAcc{}
			}
		}
	}
	strs := make([]string, k*k)
	for i := range k {
		for j := range k {
			strs[i*k+j] = m.Cells[i][j].String()
		}
	}
	m.RowGroups = mapGroupBy(k, func(i int) string { return strings.Join(strs[i*k:(i+1)*k], "\x00") })
	m.ColGroups = mapGroupBy(k, func(j int) string {
		var b strings.Builder
		for i := range k {
			b.WriteString(strs[i*k+j] + "\x00")
		}
		return b.String()
	})
	return m, nil
}

// mapSpace is one address family's part of the endpoints' addresses.
type mapSpace struct {
	v6     bool
	all    sgsim.Addrs
	ranges []mapRange // sorted, disjoint (endpoints do not overlap)
}

type mapRange struct {
	r  netipx.IPRange
	ep int
}

// newMapSpace returns the family's part of the endpoints, or nil when
// no endpoint has an address in it.
func newMapSpace(eps []sgsim.Endpoint, v6 bool) *mapSpace {
	sp := &mapSpace{v6: v6}
	var b netipx.IPSetBuilder
	for i, e := range eps {
		for _, r := range familyPart(e.Addrs, v6).Ranges() {
			sp.ranges = append(sp.ranges, mapRange{r, i})
			b.AddRange(r)
		}
	}
	if len(sp.ranges) == 0 {
		return nil
	}
	slices.SortFunc(sp.ranges, func(a, b mapRange) int { return a.r.From().Compare(b.r.From()) })
	set, _ := b.IPSet()
	sp.all = sgsim.AddrsOf(set)
	return sp
}

// each calls f with every endpoint range that meets r and the part of r
// in it.
func (sp *mapSpace) each(a sgsim.Addrs, f func(ep int, part netipx.IPRange, whole bool)) {
	for _, r := range a.Ranges() {
		i, _ := slices.BinarySearchFunc(sp.ranges, r.From(), func(x mapRange, a netip.Addr) int {
			if x.r.To().Less(a) {
				return -1
			}
			return 1
		})
		for ; i < len(sp.ranges) && !r.To().Less(sp.ranges[i].r.From()); i++ {
			x := sp.ranges[i].r
			lo, hi := x.From(), x.To()
			if lo.Less(r.From()) {
				lo = r.From()
			}
			if r.To().Less(hi) {
				hi = r.To()
			}
			f(sp.ranges[i].ep, netipx.IPRangeFrom(lo, hi), lo == r.From() && hi == r.To() && len(a.Ranges()) == 1)
		}
	}
}

func rangeAddrs(r netipx.IPRange) sgsim.Addrs {
	var b netipx.IPSetBuilder
	b.AddRange(r)
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

// pairs cuts a region of the query into endpoint pairs, calling f with
// the pair's index (source*k+destination) and the region's part in it.
func (sp *mapSpace) pairs(reg *sgsim.Region, k int, f func(pair int, part sgsim.Region)) {
	sp.each(reg.Src, func(i int, sr netipx.IPRange, sw bool) {
		src := reg.Src
		if !sw {
			src = rangeAddrs(sr)
		}
		sp.each(reg.Dst, func(j int, dr netipx.IPRange, dw bool) {
			dst := reg.Dst
			if !dw {
				dst = rangeAddrs(dr)
			}
			f(i*k+j, sgsim.Region{Src: src, Dst: dst, SrcPorts: reg.SrcPorts, DstPorts: reg.DstPorts})
		})
	})
}

// mapAcc gathers one protocol's regions of one endpoint pair, per family.
type mapAcc struct {
	fam [2]mapFam
}

type mapFam struct {
	ans, del, den sgsim.Ports // (pseudo-)ports of the answered, delivered-only and unanswered regions
	allowed       []sgsim.Region
	oneWay        []sgsim.Region // delivered-only regions
	witness       sgsim.Flow
	hasWitness    bool // a witness with a destination port above 0 (or without ports) was found
	anyWitness    bool
	trace         sgsim.Trace
}

// regionPorts returns a region's destination ports, or the pseudo-port
// none for a protocol without ports.
func regionPorts(r *sgsim.Region, none uint16) sgsim.PortRange {
	if r.DstPorts == nil {
		return sgsim.Port(none)
	}
	return r.DstPorts[0] // regions of a query have one range per dimension
}

// sweep cuts the regions of res, the answer to q over the whole space,
// into the endpoint pairs' accumulators (family f).
func (sp *mapSpace) sweep(n *sgsim.Network, q sgsim.Query, res *sgsim.Reachability, accs []mapAcc, k, f int) {
	none := uint16(q.ICMPType)
	for ri := range res.Allowed {
		sp.pairs(&res.Allowed[ri], k, func(pair int, part sgsim.Region) {
			a := &accs[pair].fam[f]
			a.ans = append(a.ans, regionPorts(&part, none))
			a.allowed = append(a.allowed, part)
			if a.hasWitness {
				return
			}
			w := part.TestFlow(q)
			if !a.anyWitness || !q.Protocol.HasPorts() || w.DstPort != 0 {
				a.witness, a.anyWitness = w, true
				a.hasWitness = !q.Protocol.HasPorts() || w.DstPort != 0
			}
		})
	}
	for ri := range res.ReplyDenied {
		sp.pairs(&res.ReplyDenied[ri].Region, k, func(pair int, part sgsim.Region) {
			a := &accs[pair].fam[f]
			a.del = append(a.del, regionPorts(&part, none))
			a.oneWay = append(a.oneWay, part)
		})
	}
	// Denied regions matter only to pairs with answered ports (Partial).
	for ri := range res.Denied {
		sp.pairs(&res.Denied[ri].Region, k, func(pair int, part sgsim.Region) {
			if a := &accs[pair].fam[f]; len(a.ans) > 0 {
				a.den = append(a.den, regionPorts(&part, none))
			}
		})
	}
	for i := range accs {
		a := &accs[i].fam[f]
		if a.anyWitness {
			a.trace = n.Trace(a.witness)
		}
	}
}

// passage turns the accumulated regions into the pair's Passage.
func (a *mapAcc) passage(proto sgsim.Protocol) Passage {
	p := Passage{Protocol: proto}
	var rt, ow sgsim.Ports
	for f := range a.fam {
		x := &a.fam[f]
		ans, del := x.ans.Normalize(), portsMinus(x.del.Normalize(), x.ans.Normalize())
		if len(ans) > 0 {
			p.Allowed = append(p.Allowed, x.allowed...)
			if p.Witness.Steps == nil {
				p.Witness = x.trace
			}
			if portsMeet(ans, x.den.Normalize()) {
				p.Partial = true
			}
		}
		for _, r := range x.oneWay {
			if portsMeet(del, sgsim.Ports{regionPorts(&r, 0)}) || r.DstPorts == nil && len(del) > 0 {
				p.OneWayRegions = append(p.OneWayRegions, r)
			}
		}
		rt, ow = append(rt, ans...), append(ow, del...)
	}
	p.RoundTrip = nilIfEmpty(rt.Normalize())
	p.OneWay = nilIfEmpty(portsMinus(ow.Normalize(), p.RoundTrip))
	return p
}

func nilIfEmpty(ps sgsim.Ports) sgsim.Ports {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// portsMinus returns a less b, both normalized.
func portsMinus(a, b sgsim.Ports) sgsim.Ports {
	var out sgsim.Ports
	j := 0
	for _, r := range a {
		first, last := int(r.First), int(r.Last)
		for j < len(b) && int(b[j].Last) < first {
			j++
		}
		for i := j; i < len(b) && int(b[i].First) <= last; i++ {
			if int(b[i].First) > first {
				out = append(out, sgsim.PortRange{First: uint16(first), Last: b[i].First - 1})
			}
			first = int(b[i].Last) + 1
		}
		if first <= last {
			out = append(out, sgsim.PortRange{First: uint16(first), Last: uint16(last)})
		}
	}
	return out
}

// portsMeet reports whether a and b, both normalized, share a port.
func portsMeet(a, b sgsim.Ports) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].Last < b[j].First:
			i++
		case b[j].Last < a[i].First:
			j++
		default:
			return true
		}
	}
	return false
}

func mapGroupBy(n int, key func(int) string) [][]int {
	idx := map[string]int{}
	var out [][]int
	for i := range n {
		k := key(i)
		g, ok := idx[k]
		if !ok {
			g = len(out)
			idx[k] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], i)
	}
	return out
}

// familyPart returns the part of a in one family.
func familyPart(a sgsim.Addrs, v6 bool) sgsim.Addrs {
	var b netipx.IPSetBuilder
	b.AddSet(a.Set())
	if v6 {
		b.RemovePrefix(netip.MustParsePrefix("0.0.0.0/0"))
	} else {
		b.RemovePrefix(netip.MustParsePrefix("::/0"))
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

// mapPorts is a set of ports as a bitmap.
type mapPorts struct{ b *[1024]uint64 }

// add adds ps; nil ps (a protocol without ports) adds the pseudo-port
// none.
func (s *mapPorts) add(ps sgsim.Ports, none uint16) {
	if s.b == nil {
		s.b = new([1024]uint64)
	}
	if ps == nil {
		s.b[none/64] |= 1 << (none % 64)
		return
	}
	for _, r := range ps {
		for v := int(r.First); v <= int(r.Last); v++ {
			s.b[v/64] |= 1 << (v % 64)
		}
	}
}

func (s *mapPorts) empty() bool {
	if s.b == nil {
		return true
	}
	for _, w := range s.b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s *mapPorts) or(o *mapPorts) {
	if o.b == nil {
		return
	}
	if s.b == nil {
		s.b = new([1024]uint64)
	}
	for i := range s.b {
		s.b[i] |= o.b[i]
	}
}

func (s *mapPorts) minus(o *mapPorts) {
	if s.b == nil || o.b == nil {
		return
	}
	for i := range s.b {
		s.b[i] &^= o.b[i]
	}
}

func (s *mapPorts) intersects(ps sgsim.Ports) bool {
	for _, r := range ps {
		for v := int(r.First); v <= int(r.Last); v++ {
			if s.b[v/64]&(1<<(v%64)) != 0 {
				return true
			}
		}
	}
	return false
}

// ports returns the set as ranges; nil when empty.
func (s *mapPorts) ports() sgsim.Ports {
	if s.b == nil {
		return nil
	}
	var ps sgsim.Ports
	for v := 0; v < 65536; v++ {
		if s.b[v/64]&(1<<(v%64)) == 0 {
			continue
		}
		if l := len(ps); l > 0 && int(ps[l-1].Last)+1 == v {
			ps[l-1].Last = uint16(v)
		} else {
			ps = append(ps, sgsim.Port(uint16(v)))
		}
	}
	return ps
}
