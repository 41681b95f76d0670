package analyze

import (
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/sgsim/sgsim/sgsim"
)

// What a map asks about, exactly, for every pair: TCP, UDP and SCTP on
// every destination port (and every ephemeral source port); ICMP on
// IPv4 pairs and ICMPv6 on IPv6 pairs, every type and code (the messages
// that every rule of the network treats alike are asked once, as one
// class); each other protocol that a rule or an ACL-exempt service names
// (GRE, ESP, protocol 99, ...); and one passage for every protocol left,
// which no rule names and so every rule treats alike (ConnMap.Other).
// ICMP on IPv6 pairs and ICMPv6 on IPv4 pairs, which no host sends, are
// not asked about.

// Passage is what passes from one endpoint to another on one protocol,
// exactly (by Network.Reach), over every address of both and every
// ephemeral source port (sgsim.EphemeralPorts).
type Passage struct {
	// Protocol is the protocol; for an Other passage the lowest of the
	// protocols it stands for.
	Protocol sgsim.Protocol
	// Other marks the passage of every protocol no rule names
	// (ConnMap.Other lists them): what it says holds for each of them.
	Other bool
	// RoundTrip holds the destination ports on which some flow is
	// delivered and answered, OneWay those on which some flow is
	// delivered but none answered. For ICMP and ICMPv6 a "port" is a
	// message, type<<8 | code (see ICMPMessages); for the other protocols
	// without ports it is 0, present or not.
	RoundTrip, OneWay sgsim.Ports
	// Partial is set when on the RoundTrip ports not every flow (every
	// address pair and source port) is answered.
	Partial bool
	// Allowed is the exact answered space (Reachability.Allowed) and
	// Witness the trace of one answered flow: the rule that decides it at
	// each hop. Delivered-only space is in OneWayRegions. For ICMP the
	// regions hold the addresses; the messages are in RoundTrip and
	// OneWay.
	Allowed       []sgsim.Region
	OneWayRegions []sgsim.Region
	Witness       sgsim.Trace
}

// Empty reports whether nothing passes, not even one way.
func (p *Passage) Empty() bool { return len(p.RoundTrip) == 0 && len(p.OneWay) == 0 }

// Name is the passage's protocol: "tcp", "icmp", "gre", "proto 99", or
// "other" for an Other passage.
func (p *Passage) Name() string {
	switch {
	case p.Other:
		return "other"
	case p.Protocol.HasPorts() || p.Protocol.IsICMP():
		return p.Protocol.String()
	}
	if _, named := protoNamed[p.Protocol]; named {
		return p.Protocol.String()
	}
	return "proto " + p.Protocol.String()
}

var protoNamed = map[sgsim.Protocol]bool{sgsim.GRE: true, sgsim.ESP: true, sgsim.AH: true}

// What returns the text of a set of the passage's ports: the ports
// ("22,80-81"), the ICMP messages (ICMPMessages), or "" for a protocol
// without ports.
func (p *Passage) What(ps sgsim.Ports) string {
	switch {
	case p.Protocol.HasPorts():
		return ps.String()
	case p.Protocol.IsICMP():
		return ICMPMessages(p.Protocol, ps)
	}
	return ""
}

// String is the passage in one line: "tcp 22,443", "udp 53 one-way",
// "tcp 80 (partial)", "icmp echo,unreachable", "gre", "other one-way";
// "" when nothing passes. Two passages with the same String behave
// alike (the regions and witness aside).
func (p *Passage) String() string {
	if p.Empty() {
		return ""
	}
	var parts []string
	for _, x := range []struct {
		ps     sgsim.Ports
		suffix string
	}{{p.RoundTrip, ""}, {p.OneWay, " one-way"}} {
		if len(x.ps) == 0 {
			continue
		}
		s := p.Name()
		if w := p.What(x.ps); w != "" {
			s += " " + w
		}
		s += x.suffix
		if x.suffix == "" && p.Partial {
			s += " (partial)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// ICMPMessages returns a set of ICMP (p ICMP) or ICMPv6 messages, each
// type<<8 | code, in words: "all" for every message, then per type the
// well-known name of a type whose every code is in the set ("echo",
// "unreachable", "time-exceeded"), "type 9" or "types 20-29" for other
// whole types, and "type 3 code 4" or "type 3 codes 0-3,5" for a type
// with some codes, "," between them.
func ICMPMessages(p sgsim.Protocol, ps sgsim.Ports) string {
	if ps.IsAll() {
		return "all"
	}
	names := icmpNames
	if p == sgsim.ICMPv6 {
		names = icmpv6Names
	}
	var out []string
	run := -1 // first of a run of whole unnamed types
	flush := func(t int) {
		if run < 0 {
			return
		}
		if t-1 == run {
			out = append(out, "type "+strconv.Itoa(run))
		} else {
			out = append(out, "types "+strconv.Itoa(run)+"-"+strconv.Itoa(t-1))
		}
		run = -1
	}
	for t := range 256 {
		codes := portsMinus(sgsim.Ports{{First: uint16(t) << 8, Last: uint16(t)<<8 | 255}}, portsMinus(sgsim.Ports{{First: uint16(t) << 8, Last: uint16(t)<<8 | 255}}, ps))
		whole := len(codes) == 1 && codes[0].First&255 == 0 && codes[0].Last&255 == 255
		if whole && names[t] == "" {
			if run < 0 {
				run = t
			}
			continue
		}
		flush(t)
		switch {
		case len(codes) == 0:
		case whole:
			out = append(out, names[t])
		default:
			var cs sgsim.Ports
			for _, c := range codes {
				cs = append(cs, sgsim.PortRange{First: c.First & 255, Last: c.Last & 255})
			}
			w := " code "
			if len(cs) > 1 || cs[0].First != cs[0].Last {
				w = " codes "
			}
			out = append(out, "type "+strconv.Itoa(t)+w+cs.String())
		}
	}
	flush(256)
	return strings.Join(out, ",")
}

var icmpNames = [256]string{0: "echo-reply", 3: "unreachable", 4: "source-quench", 5: "redirect", 8: "echo",
	11: "time-exceeded", 12: "parameter-problem", 13: "timestamp", 14: "timestamp-reply"}

var icmpv6Names = [256]string{1: "unreachable", 2: "packet-too-big", 3: "time-exceeded", 4: "parameter-problem",
	128: "echo", 129: "echo-reply", 133: "router-solicitation", 134: "router-advertisement",
	135: "neighbor-solicitation", 136: "neighbor-advertisement", 137: "redirect"}

// mapClass is one query of the map per family: a protocol or, for the
// ICMPs, a class of messages that every rule treats alike.
type mapClass struct {
	proto      sgsim.Protocol
	other      bool
	v4, v6     bool
	icmpType   uint8       // the message asked (the class's first)
	icmpCode   uint8       //
	msgs       sgsim.Ports // for the ICMPs, the class's messages; for a protocol without ports {0}; nil: the regions' ports
	newPassage bool        // the first class of its passage
}

// mapClasses lists the queries of spec's map, passage by passage, and
// the protocols of the Other passage.
func mapClasses(spec sgsim.NetworkSpec) ([]mapClass, sgsim.Ports) {
	var rules []sgsim.Rule
	for _, g := range spec.Groups {
		rules = append(rules, g.Rules...)
	}
	for _, g := range spec.ACLs {
		rules = append(rules, g.Rules...)
	}
	exempt := spec.Exempt
	if exempt == nil {
		exempt = spec.Cloud.ACLExempt()
	}
	named := map[sgsim.Protocol]bool{}
	for _, r := range rules {
		named[r.Protocol] = true
	}
	for _, e := range exempt {
		named[e.Protocol] = true
	}
	var out []mapClass
	for _, p := range []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.SCTP} {
		out = append(out, mapClass{proto: p, v4: true, v6: true, newPassage: true})
	}
	for _, p := range []sgsim.Protocol{sgsim.ICMP, sgsim.ICMPv6} {
		var ms []sgsim.ICMPMatch
		for _, r := range rules {
			if r.Protocol == p && !r.ICMP.IsAny() && !slices.Contains(ms, r.ICMP) {
				ms = append(ms, r.ICMP)
			}
		}
		for i, c := range icmpClasses(p, ms) {
			c.v4, c.v6, c.newPassage = p == sgsim.ICMP, p == sgsim.ICMPv6, i == 0
			out = append(out, c)
		}
	}
	var other sgsim.Ports
	special := func(p sgsim.Protocol) bool { return p.HasPorts() || p.IsICMP() }
	for num := range 256 {
		p := sgsim.ProtocolNumber(uint8(num))
		switch {
		case special(p):
		case named[p]:
			out = append(out, mapClass{proto: p, v4: true, v6: true, msgs: sgsim.Ports{sgsim.Port(0)}, newPassage: true})
		default:
			other = append(other, sgsim.Port(uint16(num)))
		}
	}
	other = other.Normalize()
	if len(other) > 0 {
		out = append(out, mapClass{proto: sgsim.ProtocolNumber(uint8(other[0].First)), other: true, v4: true, v6: true,
			msgs: sgsim.Ports{sgsim.Port(0)}, newPassage: true})
	}
	return out, other
}

func icmpMatches(m sgsim.ICMPMatch, t, c uint8) bool {
	return (!m.HasType || m.Type == t) && (!m.HasCode || m.Code == c)
}

// icmpClasses partitions the messages of protocol p into classes that
// the matches ms (every type or type-and-code match of the network's
// rules for p) treat alike: the message's matches, whether it has a
// reply and its reply's matches (a stateless ACL matches the reply) are
// the same for every message of a class, so every rule and hop decides
// them alike and one query per class answers for all of its messages.
func icmpClasses(p sgsim.Protocol, ms []sgsim.ICMPMatch) []mapClass {
	idx := map[string]int{}
	var out []mapClass
	key := make([]byte, 0, 2*len(ms)+1)
	for t := range 256 {
		rt, hasReply := sgsim.ICMPReply(p, uint8(t))
		// The codes of t differ only where a match names t and a code.
		codes := 1
		for _, m := range ms {
			if m.HasCode && m.Type == uint8(t) {
				codes = 256
			}
		}
		for c := range codes {
			key = key[:0]
			for _, m := range ms {
				key = append(key, b2u(icmpMatches(m, uint8(t), uint8(c))))
			}
			key = append(key, b2u(hasReply))
			if hasReply {
				for _, m := range ms {
					key = append(key, b2u(icmpMatches(m, rt, 0)))
				}
			}
			i, ok := idx[string(key)]
			if !ok {
				i = len(out)
				idx[string(key)] = i
				out = append(out, mapClass{proto: p, icmpType: uint8(t), icmpCode: uint8(c)})
			}
			first, last := uint16(t)<<8|uint16(c), uint16(t)<<8|uint16(c)
			if codes == 1 {
				last = uint16(t)<<8 | 255
			}
			if l := len(out[i].msgs); l > 0 && out[i].msgs[l-1].Last+1 == first {
				out[i].msgs[l-1].Last = last
			} else {
				out[i].msgs = append(out[i].msgs, sgsim.PortRange{First: first, Last: last})
			}
		}
	}
	return out
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// Cell is what passes from one endpoint (the row) to another (the column).
type Cell struct {
	Passages []Passage // the protocols on which something passes: tcp, udp, sctp, icmp, icmpv6, the named protocols by number, other
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
	// Other lists the protocol numbers (as ranges) that no rule and no
	// ACL-exempt service names, apart from TCP, UDP, SCTP, ICMP and
	// ICMPv6: every rule treats them alike, and the Other passages speak
	// for all of them.
	Other sgsim.Ports
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
	classes, other := mapClasses(spec)
	m.Other = other
	accs := make([]mapAcc, k*k)
	for ci, c := range classes {
		for f, sp := range spaces {
			if sp == nil || !(c.v4 && f == 0 || c.v6 && f == 1) {
				continue
			}
			q := sgsim.Query{From: sp.all, To: sp.all, Protocol: c.proto, ICMPType: c.icmpType, ICMPCode: c.icmpCode, Question: sgsim.Answered}
			res, err := n.Reach(q)
			if err != nil {
				return nil, errors.New("analyze: map " + c.proto.String() + ": " + err.Error())
			}
			sp.sweep(q, &c, &res, accs, k, f)
		}
		if ci+1 < len(classes) && !classes[ci+1].newPassage {
			continue // the passage's next class
		}
		for i := range k {
			for j := range k {
				a := &accs[i*k+j]
				if p := a.passage(n, c.proto, c.other); !p.Empty() {
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

// mapAcc gathers one passage's regions of one endpoint pair, per family.
type mapAcc struct {
	fam [2]mapFam
}

type mapFam struct {
	ans, del, den sgsim.Ports // (pseudo-)ports of the answered, delivered-only and unanswered regions
	allowed       []sgsim.Region
	oneWay        []sgsim.Region // delivered-only regions
	oneWayPorts   []sgsim.Ports  // their (pseudo-)ports
	witness       sgsim.Flow
	hasWitness    bool // the witness is the kind sought (sweep): no need to look further
	anyWitness    bool
}

// classPorts returns the (pseudo-)ports of a region of class c: its
// destination ports, or the class's messages or pseudo-port.
func classPorts(r *sgsim.Region, c *mapClass) sgsim.Ports {
	if c.msgs != nil {
		return c.msgs
	}
	return r.DstPorts // regions of a query have one range per dimension
}

// sweep cuts the regions of res, the answer to q (class c) over the
// whole space, into the endpoint pairs' accumulators (family f).
func (sp *mapSpace) sweep(q sgsim.Query, c *mapClass, res *sgsim.Reachability, accs []mapAcc, k, f int) {
	for ri := range res.Allowed {
		sp.pairs(&res.Allowed[ri], k, func(pair int, part sgsim.Region) {
			a := &accs[pair].fam[f]
			a.ans = append(a.ans, classPorts(&part, c)...)
			a.allowed = append(a.allowed, part)
			if a.hasWitness {
				return
			}
			// The witness: a flow with a destination port above 0 where
			// there are ports, and for the ICMPs an echo request where
			// one is answered (the classes come in type order).
			w := part.TestFlow(q)
			good := !q.Protocol.HasPorts() || w.DstPort != 0
			if q.Protocol.IsICMP() {
				echo := uint16(8) << 8
				if q.Protocol == sgsim.ICMPv6 {
					echo = 128 << 8
				}
				good = c.msgs.Contains(echo)
			}
			if !a.anyWitness || good {
				a.witness, a.anyWitness, a.hasWitness = w, true, good
			}
		})
	}
	for ri := range res.ReplyDenied {
		sp.pairs(&res.ReplyDenied[ri].Region, k, func(pair int, part sgsim.Region) {
			a := &accs[pair].fam[f]
			a.del = append(a.del, classPorts(&part, c)...)
			a.oneWay = append(a.oneWay, part)
			a.oneWayPorts = append(a.oneWayPorts, classPorts(&part, c))
		})
	}
	// Denied regions matter only to pairs with answered ports (Partial),
	// and only by their ports: the parts' addresses are not built.
	for ri := range res.Denied {
		reg := &res.Denied[ri].Region
		sp.each(reg.Src, func(i int, _ netipx.IPRange, _ bool) {
			sp.each(reg.Dst, func(j int, _ netipx.IPRange, _ bool) {
				if a := &accs[i*k+j].fam[f]; len(a.ans) > 0 {
					a.den = append(a.den, classPorts(reg, c)...)
				}
			})
		})
	}
}

// passage turns the accumulated regions into the pair's Passage.
func (a *mapAcc) passage(n *sgsim.Network, proto sgsim.Protocol, other bool) Passage {
	p := Passage{Protocol: proto, Other: other}
	var rt, ow sgsim.Ports
	for f := range a.fam {
		x := &a.fam[f]
		ans := x.ans.Normalize()
		del := portsMinus(x.del.Normalize(), ans)
		if len(ans) > 0 {
			p.Allowed = append(p.Allowed, x.allowed...)
			if p.Witness.Steps == nil {
				p.Witness = n.Trace(x.witness)
			}
			if portsMeet(ans, x.den.Normalize()) {
				p.Partial = true
			}
		}
		for i, r := range x.oneWay {
			if portsMeet(del, x.oneWayPorts[i]) {
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
		if s.b[v/64] == 0 {
			v |= 63
			continue
		}
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
