package sgsim

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"go4.org/netipx"
)

// EphemeralPorts is the source-port range a Query uses when it gives
// none: the ports clients pick for outgoing connections. It matters for
// stateless network ACLs, whose replies go back to these ports.
var EphemeralPorts = Ports{{1024, 65535}}

// Query asks whether flows from one address range reach another.
type Query struct {
	From, To Addrs    // concrete, non-empty, one family
	Protocol Protocol // concrete
	// DstPorts and SrcPorts apply to TCP, UDP and SCTP only. DstPorts
	// nil is every port, SrcPorts nil is EphemeralPorts; a non-nil empty
	// set, or a range with First above Last, is an error.
	DstPorts Ports
	SrcPorts Ports
	// ICMPType and ICMPCode give the message for ICMP queries. A query
	// message (8/0 is an echo request) has a reply (type 0, code 0), which
	// stateless ACLs must pass too; errors and other one-way messages
	// have none (ICMPReply).
	ICMPType, ICMPCode uint8
	// Question is what is asked of each flow: Delivered (the forward
	// packet arrives) or Answered (and its reply gets back); the zero
	// value is each protocol's default, Answered (see Question).
	Question Question
}

// Outcome summarises a range query.
type Outcome uint8

// Outcomes. The zero Outcome is None.
const (
	None Outcome = iota // no flow in the space is allowed
	Some                // some flows are allowed and some are not
	All                 // every flow in the space is allowed
)

func (o Outcome) String() string {
	switch o {
	case None:
		return "none"
	case Some:
		return "some"
	case All:
		return "all"
	}
	return "invalid outcome"
}

// Region is a box of flows: every combination of a source and
// destination address and a source and destination port from the sets.
// Ports are nil for protocols without ports.
type Region struct {
	Src, Dst           Addrs
	SrcPorts, DstPorts Ports
}

func (r Region) String() string {
	s := r.Src.String() + " -> " + r.Dst.String()
	if r.DstPorts != nil {
		s += " dport " + r.DstPorts.String()
	}
	if r.SrcPorts != nil {
		s += " sport " + r.SrcPorts.String()
	}
	return s
}

// TestFlow returns a flow of the region that a person could send to test
// it (Space.TestFlow), with q's protocol and ICMP message: host
// addresses, distinct where the region allows, a destination port above
// 0 and an ephemeral source port where it has them.
func (r Region) TestFlow(q Query) Flow {
	fam := IPv4
	if v4, _ := r.Src.Families(); !v4 {
		fam = IPv6
	}
	s := Space{Family: fam, Protocol: q.Protocol, Src: r.Src, Dst: r.Dst}
	if q.Protocol.HasPorts() {
		s.SrcPorts, s.DstPorts = r.SrcPorts, r.DstPorts
	}
	f := s.TestFlow()
	if q.Protocol.IsICMP() {
		f.ICMPType, f.ICMPCode = q.ICMPType, q.ICMPCode
	}
	return f
}

// Denial is a region of flows that one hop denies, with the verdict that
// denies them (its Rule is nil for the default deny).
type Denial struct {
	Region
	Hop     Hop
	Verdict Verdict
}

// Reachability answers a Query exactly, for every address and port in
// it: the query's Question, and both paths separately.
type Reachability struct {
	Question Question // the question answered: the query's, Answered for DefaultQuestion
	Outcome  Outcome  // the answer to Question
	// Delivered is the forward path's outcome over the space (every,
	// some or no forward packet arrives) and Answered the round trip's
	// (delivered, and the reply answered or not applicable). Outcome is
	// one of the two.
	Delivered, Answered Outcome
	// Allowed is the exact sub-space that passes Question, as disjoint
	// regions; Denied the rest, with the hop and verdict that deny each
	// region (a reply hop, under Answered, for flows delivered whose
	// reply is dropped).
	Allowed []Region
	Denied  []Denial
	// ReplyDenied are the regions whose forward packets are delivered but
	// whose replies are dropped, with the reply hop: the reply path's
	// report under either question (under Answered they are in Denied
	// too). Empty when every delivered flow is answered or one-way.
	ReplyDenied []Denial
	// AllowedWitness is a flow that passes Question (when Outcome is not
	// None) and DeniedWitness one that does not (when Outcome is not
	// All), with the trace that shows where it is dropped. Each is a flow
	// a person could send (Region.TestFlow) of the first region of
	// Allowed, or Denied, with a destination port above 0, or of the
	// first region when none has one (or the protocol has no ports).
	AllowedWitness Flow
	DeniedWitness  Flow
	DeniedTrace    Trace
	// Cells is the number of uniform boxes the space was split into (a
	// box whose parts all came out with one decision counts once): the
	// query's cost. It grows with the number of rules whose boundaries
	// fall inside the space, not with the number of addresses.
	Cells int
}

// String prints the outcome (with both paths' outcomes when they differ:
// "all (delivered all, answered none)"), the witnesses and the regions.
func (r Reachability) String() string {
	var b strings.Builder
	b.WriteString(r.Outcome.String())
	if r.Delivered != r.Answered {
		b.WriteString(" (delivered " + r.Delivered.String() + ", answered " + r.Answered.String() + ")")
	}
	if r.Outcome != None {
		b.WriteString("\n  allowed witness: " + r.AllowedWitness.String())
	}
	if r.Outcome != All {
		b.WriteString("\n  denied witness: " + r.DeniedWitness.String())
		if d := r.DeniedTrace; d.Dropped >= 0 && d.Dropped < len(d.Steps) {
			b.WriteString("\n    dropped at " + d.Steps[d.Dropped].String())
		}
	}
	for _, a := range r.Allowed {
		b.WriteString("\n  allowed: " + a.String())
	}
	for _, d := range r.Denied {
		b.WriteString("\n  denied: " + d.Region.String() + " at " + d.Hop.String() + " by " + d.Verdict.Why())
	}
	if r.Question == Delivered { // under Answered they are in Denied
		for _, d := range r.ReplyDenied {
			b.WriteString("\n  delivered, reply denied: " + d.Region.String() + " at " + d.Hop.String() + " by " + d.Verdict.Why())
		}
	}
	return b.String()
}

// box dimensions: 0 source address, 1 destination address, 2 source port,
// 3 destination port (ports as keys u128{0, port}).
type box [4]krange

func (b *box) intersects(o *box) bool {
	for d := range b {
		if b[d].hi.less(o[d].lo) || o[d].hi.less(b[d].lo) {
			return false
		}
	}
	return true
}

func (b *box) contains(o *box) bool {
	for d := range b {
		if o[d].lo.less(b[d].lo) || b[d].hi.less(o[d].hi) {
			return false
		}
	}
	return true
}

type rbox struct {
	b       box
	verdict Verdict
	note    string // exempt service, when the box is an exemption
}

type hopBoxes struct {
	hop   Hop
	boxes []rbox
}

type leaf struct {
	b       box
	allowed bool
	hop     Hop
	verdict Verdict
}

// Reach answers q for every flow in its space, by set algebra over the
// rules' boxes: the space is split along rule boundaries only where a
// rule partly covers it, so the cost grows with the rules that cut the
// space, not with the number of addresses.
func (n *Network) Reach(q Query) (Reachability, error) {
	fail := func(msg string) (Reachability, error) { return Reachability{}, errors.New("sgsim: reach: " + msg) }
	if q.From.IsAny() || q.To.IsAny() || q.From.IsEmpty() || q.To.IsEmpty() {
		return fail("From and To need concrete, non-empty address sets")
	}
	f4, f6 := q.From.Families()
	t4, t6 := q.To.Families()
	if f4 && f6 || t4 && t6 || f4 != t4 {
		return fail("From " + q.From.String() + " and To " + q.To.String() + " must be of one address family")
	}
	v6 := f6
	if q.Protocol == AnyProtocol || !q.Protocol.IsValid() {
		return fail("a query needs a concrete protocol")
	}
	if q.Question > Answered {
		return fail("Question " + strconv.Itoa(int(q.Question)) + ": want DefaultQuestion, Delivered or Answered")
	}
	sp, dp := Ports{Port(0)}, Ports{Port(0)}
	if q.Protocol.HasPorts() {
		sp, dp = q.SrcPorts, q.DstPorts
		if sp == nil {
			sp = EphemeralPorts
		}
		if dp == nil {
			dp = Ports{AllPorts}
		}
		for _, x := range []struct {
			what string
			ps   Ports
		}{{"SrcPorts", sp}, {"DstPorts", dp}} {
			if len(x.ps) == 0 {
				return fail(x.what + ": empty port set (nil means every port)")
			}
			for _, r := range x.ps {
				if !r.IsValid() {
					return fail(x.what + ": range " + r.String() + " has its first port above its last")
				}
			}
		}
		sp, dp = sp.Normalize(), dp.Normalize()
	} else if q.SrcPorts != nil || q.DstPorts != nil {
		return fail("protocol " + q.Protocol.String() + " has no ports")
	}
	s := &solver{n: n, q: q, v6: v6, cache: map[hopKey][]rbox{}}
	srcPieces := n.pieces(q.From, v6)
	dstPieces := n.pieces(q.To, v6)
	for _, a := range srcPieces {
		for _, b := range dstPieces {
			if s.overlayPair(a, b, sp, dp) {
				continue
			}
			hops := s.hopsFor(a.z, b.z)
			for _, spr := range sp {
				for _, dpr := range dp {
					bx := box{a.r, b.r, {u128{0, uint64(spr.First)}, u128{0, uint64(spr.Last)}},
						{u128{0, uint64(dpr.First)}, u128{0, uint64(dpr.Last)}}}
					s.solve(bx, hops)
				}
			}
		}
	}
	return s.result()
}

type piece struct {
	r krange
	z *zone
}

// pieces cuts a set into ranges that each lie in one zone.
func (n *Network) pieces(a Addrs, v6 bool) []piece {
	var out []piece
	for _, r := range a.Ranges() {
		lo, hi := keyOf(r.From()), keyOf(r.To())
		for lo.cmp(hi) <= 0 {
			z := n.zoneAt(addrOf(lo, v6))
			end := z.hi
			if hi.less(end) {
				end = hi
			}
			out = append(out, piece{krange{lo, end}, z})
			if end == familyRange(v6).hi {
				break
			}
			lo = end.next()
		}
	}
	return out
}

type hopKey struct {
	c     *Classifier
	dir   Direction
	reply bool
	acl   bool
}

type solver struct {
	n      *Network
	q      Query
	v6     bool
	cache  map[hopKey][]rbox
	leaves []leaf
	buf    []int32   // stack of candidate lists (solve)
	lists  [][]int32 // stack of their headers, one per hop
	// ovCache holds the hops of carried flows per pair of overlay
	// endpoints (overlayHops).
	ovCache map[[2]int][]hopBoxes
}

// hopsFor lists the hops of flows from zone a to zone b, as Decide walks them.
func (s *solver) hopsFor(a, b *zone) []hopBoxes {
	n := s.n
	var hops []hopBoxes
	inner := n.sharedInner(a.endpoint, b.endpoint)
	aclApplies := a.subnet != b.subnet
	srcACL := aclApplies && a.subnet >= 0 && n.subACL[a.subnet] != nil
	dstACL := aclApplies && b.subnet >= 0 && n.subACL[b.subnet] != nil
	if a.endpoint >= 0 && inner < 0 && n.epSG[a.endpoint] != nil {
		hops = append(hops, hopBoxes{SrcEgress, s.boxes(hopKey{n.epSG[a.endpoint], Egress, false, false})})
	}
	if srcACL {
		hops = append(hops, hopBoxes{SrcACLOut, s.boxes(hopKey{n.subACL[a.subnet], Egress, false, true})})
	}
	if dstACL {
		hops = append(hops, hopBoxes{DstACLIn, s.boxes(hopKey{n.subACL[b.subnet], Ingress, false, true})})
	}
	if b.endpoint >= 0 && inner < 0 && n.epSG[b.endpoint] != nil {
		hops = append(hops, hopBoxes{DstIngress, s.boxes(hopKey{n.epSG[b.endpoint], Ingress, false, false})})
	}
	if _, ok := replyOf(Flow{Proto: s.q.Protocol, ICMPType: s.q.ICMPType}); ok && !n.stateful {
		if dstACL {
			hops = append(hops, hopBoxes{ReplyDstACLOut, s.boxes(hopKey{n.subACL[b.subnet], Egress, true, true})})
		}
		if srcACL {
			hops = append(hops, hopBoxes{ReplySrcACLIn, s.boxes(hopKey{n.subACL[a.subnet], Ingress, true, true})})
		}
	}
	return hops
}

func portKeys(ps Ports, has bool) []krange {
	if !has {
		return []krange{{u128{}, u128{0, 65535}}}
	}
	if ps == nil {
		ps = Ports{AllPorts}
	}
	out := make([]krange, len(ps))
	for i, p := range ps {
		out[i] = krange{u128{0, uint64(p.First)}, u128{0, uint64(p.Last)}}
	}
	return out
}

// boxes returns the ordered boxes of one hop in forward coordinates.
func (s *solver) boxes(k hopKey) []rbox {
	if bs, ok := s.cache[k]; ok {
		return bs
	}
	var out []rbox
	allKeys := []krange{{u128{}, maxU128}}
	if k.acl {
		// Exempt traffic passes every ACL hop; it is defined on the
		// forward flow, so its boxes are not swapped for reply hops.
		for _, e := range s.n.exempt {
			if e.Protocol != AnyProtocol && e.Protocol != s.q.Protocol {
				continue
			}
			set, ok := familySet(e.Addrs, s.v6)
			if !ok {
				continue
			}
			ports := portKeys(e.Ports, s.q.Protocol.HasPorts())
			v := Verdict{Action: Allow}
			for _, r := range set.allRanges(s.v6) {
				for _, p := range ports {
					// Destination in the set on a service port, or
					// source in the set from one (Exempt.matchesDst
					// and matchesSrc).
					out = append(out, rbox{box{allKeys[0], r, allKeys[0], p}, v, e.Why})
					out = append(out, rbox{box{r, allKeys[0], p, allKeys[0]}, v, e.Why})
				}
			}
		}
	}
	proto, it, ic := s.q.Protocol, s.q.ICMPType, s.q.ICMPCode
	if k.reply {
		rf, _ := replyOf(Flow{Proto: proto, ICMPType: it, ICMPCode: ic}) // hopsFor asks for reply hops only when there is a reply
		it, ic = rf.ICMPType, rf.ICMPCode
	}
	for _, e := range k.c.order[k.dir] {
		r := e.rule
		if r.Family != AnyFamily && (r.Family == IPv6) != s.v6 {
			continue
		}
		if r.Protocol != AnyProtocol && r.Protocol != proto {
			continue
		}
		if r.Protocol.IsICMP() && !r.ICMP.matches(it, ic) {
			continue
		}
		src, ok1 := familySet(r.Src, s.v6)
		dst, ok2 := familySet(r.Dst, s.v6)
		if !ok1 || !ok2 {
			continue
		}
		has := r.Protocol.HasPorts()
		sps, dps := portKeys(r.SrcPorts, has), portKeys(r.DstPorts, has)
		if !has {
			sps, dps = allKeys, allKeys
		}
		v := Verdict{Action: r.Action, Rule: e.rule, Group: k.c.groups[e.group]}
		for _, a := range src.allRanges(s.v6) {
			for _, b := range dst.allRanges(s.v6) {
				for _, x := range sps {
					for _, y := range dps {
						bx := box{a, b, x, y}
						if k.reply { // the reply's source is the forward destination
							bx = box{b, a, y, x}
						}
						out = append(out, rbox{b: bx, verdict: v})
					}
				}
			}
		}
	}
	s.cache[k] = out
	return out
}

// allRanges returns the set's ranges, the whole family for any.
func (ks *kset) allRanges(v6 bool) []krange {
	if ks.any {
		return []krange{familyRange(v6)}
	}
	return ks.ranges()
}

// solve decides b through the hops. Each hop's boxes that meet b are
// found once per query box and then carried down the cuts, each part
// keeping only the candidates that meet it, so that a part is never
// checked against boxes that miss its parent.
func (s *solver) solve(b box, hops []hopBoxes) {
	cands := make([][]int32, len(hops))
	for h := range hops {
		mark := len(s.buf)
		for i := range hops[h].boxes {
			if hops[h].boxes[i].b.intersects(&b) {
				s.buf = append(s.buf, int32(i))
			}
		}
		cands[h] = s.buf[mark:len(s.buf):len(s.buf)]
	}
	s.solveIn(b, hops, cands)
	s.buf = s.buf[:0]
}

// solveIn decides b, whose candidates per hop (the indexes of the hop's
// boxes that meet b, in order) are cands.
func (s *solver) solveIn(b box, hops []hopBoxes, cands [][]int32) {
	for h, hb := range hops {
		if len(cands[h]) == 0 {
			s.leaves = append(s.leaves, leaf{b: b, hop: hb.hop})
			return
		}
		rb := &hb.boxes[cands[h][0]]
		if !rb.b.contains(&b) {
			s.split(b, &rb.b, hops, cands)
			return
		}
		if !rb.verdict.Allowed() {
			s.leaves = append(s.leaves, leaf{b: b, hop: hb.hop, verdict: rb.verdict})
			return
		}
	}
	s.leaves = append(s.leaves, leaf{b: b, allowed: true})
}

// split cuts b around r (see cut) and solves each part. When every part
// comes out as one leaf with one decision, the parts (which tile b) are
// put back together as one leaf of b: most of mergeLeaves' work, at no
// cost, and the first leaf keeps its lowest corner.
func (s *solver) split(b box, r *box, hops []hopBoxes, cands [][]int32) {
	mark := len(s.leaves)
	below, inside, above, hasBelow, hasAbove := cut(b, r)
	parts := 1
	if hasBelow {
		s.part(below, hops, cands)
		parts++
	}
	s.part(inside, hops, cands)
	if hasAbove {
		s.part(above, hops, cands)
		parts++
	}
	if len(s.leaves)-mark != parts {
		return
	}
	first := s.leaves[mark]
	for _, l := range s.leaves[mark+1:] {
		if l.allowed != first.allowed || l.hop != first.hop || l.verdict.Rule != first.verdict.Rule || l.verdict.Action != first.verdict.Action {
			return
		}
	}
	first.b = b
	s.leaves = append(s.leaves[:mark], first)
}

// part solves p, a part of a box with candidates cands.
func (s *solver) part(p box, hops []hopBoxes, cands [][]int32) {
	mark, lmark := len(s.buf), len(s.lists)
	for range hops {
		s.lists = append(s.lists, nil)
	}
	mine := s.lists[lmark:len(s.lists):len(s.lists)]
	for h := range hops {
		start := len(s.buf)
		for _, i := range cands[h] {
			if hops[h].boxes[i].b.intersects(&p) {
				s.buf = append(s.buf, i)
			}
		}
		mine[h] = s.buf[start:len(s.buf):len(s.buf)]
	}
	s.solveIn(p, hops, mine)
	s.buf, s.lists = s.buf[:mark], s.lists[:lmark]
}

// cut cuts b, which r meets, along the first dimension where r does not
// cover it: the part below r (if any), the part inside r, and the part
// above r (if any).
func cut(b box, r *box) (below, inside, above box, hasBelow, hasAbove bool) {
	inside = b
	for d := range b {
		lo, hi := b[d].lo, b[d].hi
		if !lo.less(r[d].lo) && !r[d].hi.less(hi) {
			continue
		}
		if lo.less(r[d].lo) {
			below, hasBelow = b, true
			below[d].hi = r[d].lo.prev()
			inside[d].lo = r[d].lo
		}
		if r[d].hi.less(hi) {
			above, hasAbove = b, true
			above[d].lo = r[d].hi.next()
			inside[d].hi = r[d].hi
		}
		break
	}
	return below, inside, above, hasBelow, hasAbove
}

// witness returns the test flow of the first of n regions with a
// destination port above 0, or of the first region when none has one.
// Every flow of a region has the region's decision, so the flow
// reproduces it.
func (s *solver) witness(n int, region func(int) Region) Flow {
	first := region(0).TestFlow(s.q)
	if !s.q.Protocol.HasPorts() || first.DstPort != 0 {
		return first
	}
	for i := 1; i < n; i++ {
		if f := region(i).TestFlow(s.q); f.DstPort != 0 {
			return f
		}
	}
	return first
}

func (s *solver) result() (Reachability, error) {
	var r Reachability
	r.Question = s.q.Question.For(s.q.Protocol)
	r.Cells = len(s.leaves)
	outcome := func(n int) Outcome {
		switch {
		case n == len(s.leaves):
			return All
		case n > 0:
			return Some
		}
		return None
	}
	nAnswered, nDelivered := 0, 0
	// Sized first: appending copied the large leaves at every growth.
	nAllowed, nReply := 0, 0
	for i := range s.leaves {
		l := &s.leaves[i]
		delivered := l.allowed || l.hop.IsReply()
		if !l.allowed && delivered {
			nReply++
		}
		if l.allowed || delivered && r.Question == Delivered {
			nAllowed++
		}
	}
	allowed := make([]leaf, 0, nAllowed)
	denied := make([]leaf, 0, len(s.leaves)-nAllowed)
	replyDenied := make([]leaf, 0, nReply)
	for _, l := range s.leaves {
		delivered := l.allowed || l.hop.IsReply()
		if l.allowed {
			nAnswered++
		}
		if delivered {
			nDelivered++
		}
		if !l.allowed && delivered {
			replyDenied = append(replyDenied, l)
		}
		switch {
		case l.allowed:
			allowed = append(allowed, l)
		case delivered && r.Question == Delivered:
			allowed = append(allowed, leaf{b: l.b, allowed: true})
		default:
			denied = append(denied, l)
		}
	}
	r.Delivered, r.Answered = outcome(nDelivered), outcome(nAnswered)
	r.Outcome = r.Answered
	if r.Question == Delivered {
		r.Outcome = r.Delivered
	}
	for _, l := range mergeLeaves(allowed) {
		r.Allowed = append(r.Allowed, s.region(l.b))
	}
	for _, l := range mergeLeaves(denied) {
		r.Denied = append(r.Denied, Denial{Region: s.region(l.b), Hop: l.hop, Verdict: l.verdict})
	}
	for _, l := range mergeLeaves(replyDenied) {
		r.ReplyDenied = append(r.ReplyDenied, Denial{Region: s.region(l.b), Hop: l.hop, Verdict: l.verdict})
	}
	if len(r.Allowed) > 0 {
		r.AllowedWitness = s.witness(len(r.Allowed), func(i int) Region { return r.Allowed[i] })
	}
	if len(r.Denied) > 0 {
		r.DeniedWitness = s.witness(len(r.Denied), func(i int) Region { return r.Denied[i].Region })
		r.DeniedTrace = s.n.Trace(r.DeniedWitness)
	}
	return r, nil
}

func (s *solver) region(b box) Region {
	var sb, db netipx.IPSetBuilder
	sb.AddRange(netipx.IPRangeFrom(addrOf(b[0].lo, s.v6), addrOf(b[0].hi, s.v6)))
	db.AddRange(netipx.IPRangeFrom(addrOf(b[1].lo, s.v6), addrOf(b[1].hi, s.v6)))
	ss, _ := sb.IPSet()
	ds, _ := db.IPSet()
	reg := Region{Src: AddrsOf(ss), Dst: AddrsOf(ds)}
	if s.q.Protocol.HasPorts() {
		reg.SrcPorts = Ports{{uint16(b[2].lo.lo), uint16(b[2].hi.lo)}}
		reg.DstPorts = Ports{{uint16(b[3].lo.lo), uint16(b[3].hi.lo)}}
	}
	return reg
}

// mergeLeaves joins boxes with the same decision that are equal in three
// dimensions and adjacent in the fourth, until none can be joined. The
// boxes of each decision are sorted on the other three dimensions and
// the fourth's start, and runs of abutting boxes joined, one dimension
// after the other, until a round joins nothing: O(n log n) a round
// rather than a scan of every pair. The result keeps the order of each
// joined box's first leaf.
func mergeLeaves(ls []leaf) []leaf {
	if len(ls) < 2 {
		return ls
	}
	type key struct {
		allowed bool
		hop     Hop
		rule    *Rule
		action  Action
	}
	type item struct {
		l     leaf
		first int
	}
	// Group the leaves by key in two passes (count, then place) into
	// one array, in order of each key's first leaf: appending to a slice
	// per key copied the large leaves again at every growth.
	of := map[key]int32{}
	gi := make([]int32, len(ls))
	var count []int
	for i := range ls {
		l := &ls[i]
		k := key{l.allowed, l.hop, l.verdict.Rule, l.verdict.Action}
		g, ok := of[k]
		if !ok {
			g = int32(len(count))
			of[k] = g
			count = append(count, 0)
		}
		gi[i] = g
		count[g]++
	}
	start := make([]int, len(count)+1)
	for g, c := range count {
		start[g+1] = start[g] + c
	}
	items := make([]item, len(ls))
	fill := slices.Clone(start[:len(count)])
	for i := range ls {
		g := gi[i]
		items[fill[g]] = item{ls[i], i}
		fill[g]++
	}
	out := make([]item, 0, len(ls))
	var idx []int32
	spare := make([]item, 0, slices.Max(count))
	for k := range count {
		g := items[start[k]:start[k+1]:start[k+1]]
		// Cycle through the dimensions until all four have had a pass
		// with no join since the last join: one pass joins every run
		// along its dimension (so the joining pass counts as done), and
		// a join along d opens joins only along the others.
		quiet := 0
		for d := 3; len(g) > 1 && quiet < 4; d = (d + 3) % 4 {
			// Sort by the other three dimensions, then by the start in
			// d, and join runs of abutting boxes.
			idx = idx[:0]
			for i := range g {
				idx = append(idx, int32(i))
			}
			slices.SortFunc(idx, func(i, j int32) int {
				x, y := &g[i].l.b, &g[j].l.b
				for e := 0; e < 4; e++ {
					if e == d {
						continue
					}
					if c := x[e].lo.cmp(y[e].lo); c != 0 {
						return c
					}
					if c := x[e].hi.cmp(y[e].hi); c != 0 {
						return c
					}
				}
				return x[d].lo.cmp(y[d].lo)
			})
			joined := false
			next := spare[:0]
			for _, i := range idx {
				it := g[i]
				if n := len(next); n > 0 {
					last := &next[n-1]
					if dd, ok := adjacent(&last.l.b, &it.l.b); ok && dd == d && last.l.b[d].hi.less(it.l.b[d].lo) {
						last.l.b[d].hi = it.l.b[d].hi
						last.first = min(last.first, it.first)
						joined = true
						continue
					}
				}
				next = append(next, it)
			}
			g, spare = next, g[:0]
			if joined {
				quiet = 1
			} else {
				quiet++
			}
		}
		out = append(out, g...)
	}
	slices.SortFunc(out, func(x, y item) int { return x.first - y.first })
	res := ls[:len(out)]
	for i, it := range out {
		res[i] = it.l
	}
	return res
}

func adjacent(a, b *box) (int, bool) {
	diff := -1
	for d := range a {
		if a[d] == b[d] {
			continue
		}
		if diff >= 0 {
			return 0, false
		}
		diff = d
	}
	if diff < 0 {
		return 0, false
	}
	x, y := a[diff], b[diff]
	if x.hi != maxU128 && x.hi.next() == y.lo || y.hi != maxU128 && y.hi.next() == x.lo {
		return diff, true
	}
	return 0, false
}
