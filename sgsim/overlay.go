package sgsim

import (
	"net/netip"
	"slices"
	"strconv"

	"go4.org/netipx"
)

// Encap is an encapsulation that carries overlay traffic between hosts
// inside UDP.
type Encap uint8

// Encapsulations. The zero Encap is none.
const (
	NoEncap Encap = iota
	VXLAN         // UDP 4789 (RFC 7348)
	Geneve        // UDP 6081 (RFC 8926)
)

func (e Encap) String() string {
	switch e {
	case NoEncap:
		return "none"
	case VXLAN:
		return "vxlan"
	case Geneve:
		return "geneve"
	}
	return "invalid encapsulation"
}

// Port returns the encapsulation's IANA UDP port: 4789 for VXLAN, 6081
// for Geneve, 0 for none.
func (e Encap) Port() uint16 {
	switch e {
	case VXLAN:
		return 4789
	case Geneve:
		return 6081
	}
	return 0
}

// OverlaySrcPorts is the outer source-port range an Overlay uses when it
// gives none: the dynamic range 49152-65535 that RFC 7348 (section 5) and
// RFC 8926 (section 3.3) recommend for the hash of the inner flow. Linux
// hashes into its local port range (32768-60999 by default) instead: set
// Overlay.SrcPorts to match the hosts.
var OverlaySrcPorts = PortRange{49152, 65535}

// Overlay declares an endpoint (a pod range) as carried over another
// endpoint (its nodes, the underlay): a flow between two overlay
// endpoints with the same encapsulation and port, whose addresses are
// placed on different hosts, leaves its host as outer UDP packets from
// that host to the other host's Port, and the security groups and ACLs
// see only those. Its forward path is the outer flow from the source's
// host to the destination's, its reply path (when it has a reply) the
// outer flow back, from the destination's host to the source's: each
// outer flow is one-way (VXLAN and Geneve are not answered), so only its
// forward hops apply. The hosts pick the outer source port by hashing the
// inner flow, which sgsim does not reproduce: a path passes only if it
// passes from every source port of SrcPorts (rules that split the range
// are looked at piece by piece, the lowest failing piece deciding).
//
// A flow between two addresses on the same host never leaves it: it is
// delivered and answered with no hop. Flows between an overlay address
// and anything else (a node, a master, the internet), and flows from or
// to an overlay address no Host holds, are evaluated as before, on the
// overlay endpoint's own groups and subnet.
type Overlay struct {
	Underlay string // name of the endpoint whose addresses are the hosts
	Encap    Encap  // VXLAN or Geneve
	Port     uint16 // outer UDP destination port; 0: Encap.Port()
	// SrcPorts is the outer source-port range; the zero PortRange (port
	// 0 alone) means OverlaySrcPorts.
	SrcPorts PortRange
	// Hosts places the endpoint's addresses: each Block, a prefix of the
	// endpoint's addresses, is on the host Addr, an address of the
	// underlay endpoint of the same family. Blocks are disjoint and a
	// host holds one block of one overlay endpoint. BlockHosts builds the
	// usual placement.
	Hosts []OverlayHost
}

// IsZero reports whether o declares no overlay.
func (o Overlay) IsZero() bool { return o.Underlay == "" && o.Encap == NoEncap && o.Hosts == nil }

// OverlayHost is one host of an overlay and the block of overlay
// addresses on it (a node and its pod CIDR).
type OverlayHost struct {
	Addr  netip.Addr
	Block netip.Prefix
}

// BlockHosts places the overlay range pods on hosts the way a cluster
// that gives each node an equal pod block does: pods is cut into blocks
// of prefix length bits, and the k-th block (in address order) is on the
// k-th address of hosts of the pods' family (a dual-stack host list
// places IPv6 pods on its IPv6 addresses), for as many blocks as there
// are such host addresses. It returns nil when bits is shorter than the
// pods prefix or longer than the family's addresses, or when it would cut
// pods into more than 2^24 blocks.
func BlockHosts(pods netip.Prefix, bits int, hosts Addrs) []OverlayHost {
	pods = pods.Masked()
	if !pods.IsValid() || bits < pods.Bits() || bits > pods.Addr().BitLen() || bits-pods.Bits() > 24 {
		return nil
	}
	var out []OverlayHost
	next := pods.Addr()
	for _, r := range hosts.Ranges() {
		if r.From().Is4() != next.Is4() {
			continue
		}
		for h := r.From(); ; h = h.Next() {
			if !pods.Contains(next) {
				return out
			}
			b := netip.PrefixFrom(next, bits)
			out = append(out, OverlayHost{Addr: h, Block: b})
			last := netipx.PrefixLastIP(b)
			if !last.Next().IsValid() {
				return out
			}
			next = last.Next()
			if h == r.To() {
				break
			}
		}
	}
	return out
}

// overlay is an Overlay compiled for one endpoint.
type overlay struct {
	underlay int
	encap    Encap
	port     uint16
	sports   PortRange
	blocks   []oblock // sorted by address
}

type oblock struct {
	lo, hi u128
	host   netip.Addr
}

// block returns the index of the block holding a, or -1.
func (o *overlay) block(a netip.Addr) int {
	k := keyOf(a)
	i, _ := slices.BinarySearchFunc(o.blocks, k, func(b oblock, k u128) int {
		switch {
		case b.hi.less(k):
			return -1
		case k.less(b.lo):
			return 1
		}
		return 0
	})
	if i < len(o.blocks) && !k.less(o.blocks[i].lo) && !o.blocks[i].hi.less(k) {
		return i
	}
	return -1
}

// together reports whether the two overlays carry traffic between each
// other: the same encapsulation on the same port.
func (o *overlay) together(p *overlay) bool {
	return o != nil && p != nil && o.encap == p.encap && o.port == p.port
}

// buildOverlays compiles the endpoints' overlays and the source-port cuts.
func (n *Network) buildOverlays(spec NetworkSpec) error {
	n.epOverlay = make([]*overlay, len(n.endpoints))
	idx := map[string]int{}
	for i, e := range n.endpoints {
		idx[e.Name] = i
	}
	hostOwner := map[netip.Addr]string{}
	any := false
	for i, e := range n.endpoints {
		o := e.Overlay
		if o.IsZero() {
			continue
		}
		fail := func(msg string) error { return &NetworkError{What: "endpoint", Name: e.Name, Msg: "overlay: " + msg} }
		u, ok := idx[o.Underlay]
		switch {
		case !ok:
			return fail("underlay " + strconv.Quote(o.Underlay) + " is not an endpoint")
		case u == i:
			return fail("an endpoint cannot be its own underlay")
		case !n.endpoints[u].Overlay.IsZero():
			return fail("underlay " + strconv.Quote(o.Underlay) + " is itself an overlay")
		case o.Encap != VXLAN && o.Encap != Geneve:
			return fail("encapsulation " + o.Encap.String() + ": want VXLAN or Geneve")
		case len(o.Hosts) == 0:
			return fail("no hosts: place the endpoint's addresses with Hosts (see BlockHosts)")
		}
		c := &overlay{underlay: u, encap: o.Encap, port: o.Port, sports: o.SrcPorts}
		if c.port == 0 {
			c.port = o.Encap.Port()
		}
		if c.sports == (PortRange{}) {
			c.sports = OverlaySrcPorts
		}
		if !c.sports.IsValid() {
			return fail("source ports " + c.sports.String() + ": first above last")
		}
		for j, h := range o.Hosts {
			where := "host " + strconv.Itoa(j) + " (" + h.Addr.String() + " " + h.Block.String() + "): "
			switch {
			case !h.Addr.IsValid() || h.Addr.Zone() != "":
				return fail(where + "invalid host address")
			case !h.Block.IsValid() || h.Block.Masked() != h.Block:
				return fail(where + "block is not a valid, canonical prefix")
			case h.Addr.Is4() != h.Block.Addr().Is4():
				return fail(where + "host and block are of different families")
			case !n.endpoints[u].Addrs.Contains(h.Addr):
				return fail(where + "host is not an address of underlay " + strconv.Quote(o.Underlay))
			case !e.Addrs.Set().ContainsPrefix(h.Block):
				return fail(where + "block is not inside the endpoint's addresses " + e.Addrs.String())
			}
			if other, dup := hostOwner[h.Addr]; dup {
				return fail(where + "host already holds a block of " + strconv.Quote(other))
			}
			hostOwner[h.Addr] = e.Name
			r := netipx.RangeOfPrefix(h.Block)
			c.blocks = append(c.blocks, oblock{lo: keyOf(r.From()), hi: keyOf(r.To()), host: h.Addr})
		}
		slices.SortFunc(c.blocks, func(a, b oblock) int { return a.lo.cmp(b.lo) })
		for j := 1; j < len(c.blocks); j++ {
			if !c.blocks[j-1].hi.less(c.blocks[j].lo) {
				return fail("blocks of hosts " + c.blocks[j-1].host.String() + " and " + c.blocks[j].host.String() + " overlap")
			}
		}
		n.endpoints[i].Overlay.Hosts = slices.Clone(o.Hosts)
		n.epOverlay[i] = c
		any = true
	}
	if !any {
		return nil
	}
	// Source-port cuts: every UDP rule's source ranges and every exempt
	// service's ports start and end pieces of the outer source ports
	// that every rule either holds whole or misses.
	set := map[int]bool{}
	add := func(ps Ports) {
		for _, p := range ps {
			set[int(p.First)] = true
			set[int(p.Last)+1] = true
		}
	}
	for _, g := range n.groups {
		for i := range g.Rules {
			if r := &g.Rules[i]; r.Protocol == UDP && r.SrcPorts != nil {
				add(r.SrcPorts)
			}
		}
	}
	for _, a := range spec.ACLs {
		for i := range a.Rules {
			if r := &a.Rules[i]; r.Protocol == UDP && r.SrcPorts != nil {
				add(r.SrcPorts)
			}
		}
	}
	for _, e := range n.exempt {
		if (e.Protocol == AnyProtocol || e.Protocol == UDP) && e.Ports != nil {
			add(e.Ports)
		}
	}
	for p := range set {
		if p <= 65535 {
			n.sportCuts = append(n.sportCuts, uint16(p))
		}
	}
	slices.Sort(n.sportCuts)
	return nil
}

// pieceEnd returns the last port of the piece of source ports that
// starts at p and ends at max at the latest: every rule holds the whole
// piece or none of it.
func (n *Network) pieceEnd(p, max uint16) uint16 {
	i, found := slices.BinarySearch(n.sportCuts, p)
	if found {
		i++
	}
	if i < len(n.sportCuts) && n.sportCuts[i] <= max {
		return n.sportCuts[i] - 1
	}
	return max
}

// placed reports whether f is overlay traffic between placed addresses
// and returns the hosts of its ends.
func (n *Network) placed(f Flow, zs, zd *zone) (hs, hd netip.Addr, ok bool) {
	if zs.endpoint < 0 || zd.endpoint < 0 || n.epOverlay == nil {
		return hs, hd, false
	}
	os, od := n.epOverlay[zs.endpoint], n.epOverlay[zd.endpoint]
	if !os.together(od) {
		return hs, hd, false
	}
	bs, bd := os.block(f.Src), od.block(f.Dst)
	if bs < 0 || bd < 0 {
		return hs, hd, false
	}
	return os.blocks[bs].host, od.blocks[bd].host, true
}

// DecideCarried decides f as overlay traffic carried between the hosts
// src and dst (the source and destination of the outer packets that
// carry f's forward packets, as a capture shows them), with the
// encapsulation, port and source ports its endpoints' Overlay declares.
// Network.Decide is DecideCarried with the hosts of f's addresses from
// Overlay.Hosts; package replay calls it with the hosts it saw. ok is
// false when f is not overlay traffic of the network: its ends are not
// both in overlay endpoints carried together, or src and dst are not
// valid addresses of one family.
func (n *Network) DecideCarried(f Flow, src, dst netip.Addr) (d Decision, ok bool) {
	if !f.IsValid() || !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() || src.Zone() != "" || dst.Zone() != "" {
		return Decision{}, false
	}
	zs, zd := n.zoneAt(f.Src), n.zoneAt(f.Dst)
	if zs.endpoint < 0 || zd.endpoint < 0 || n.epOverlay == nil || !n.epOverlay[zs.endpoint].together(n.epOverlay[zd.endpoint]) {
		return Decision{}, false
	}
	return n.carried(f, zs.endpoint, zd.endpoint, src, dst, nil), true
}

// carried decides f, between overlay endpoints es and ed, carried from
// host hs to host hd.
func (n *Network) carried(f Flow, es, ed int, hs, hd netip.Addr, t *Trace) Decision {
	_, hasReply := replyOf(f)
	if hs == hd {
		if t != nil {
			t.Steps = append(t.Steps, Step{Hop: NoHop, Where: hs.String(), Flow: f, Verdict: Verdict{Action: Allow},
				Note: "same host " + hs.String() + ": the packet never leaves it"})
		}
		if !hasReply {
			return Decision{Allowed: true, Delivered: true, Reply: ReplyNotApplicable}
		}
		return Decision{Allowed: true, Delivered: true, Reply: ReplyAnswered}
	}
	os, od := n.epOverlay[es], n.epOverlay[ed]
	if t != nil {
		t.Outer = Flow{Proto: UDP, Src: hs, Dst: hd, SrcPort: os.sports.First, DstPort: os.port}
		t.Encap, t.OuterSrcPorts = os.encap, os.sports
	}
	if hop, v, ok := n.outer(hs, hd, os.sports, os.port, false, t); !ok {
		return Decision{Hop: hop, Verdict: v}
	}
	// The outer flows back take the same path reversed, so the same hops
	// apply to them.
	oc := n.pathOf(&Flow{Proto: UDP, Src: hs, Dst: hd, DstPort: os.port}, n.zoneAt(hs), n.zoneAt(hd))
	if !hasReply {
		return Decision{Allowed: true, Delivered: true, Reply: ReplyNotApplicable, Outside: !n.anyHop(&oc)}
	}
	if hop, v, ok := n.outer(hd, hs, od.sports, od.port, true, t); !ok {
		return Decision{Hop: hop, Verdict: v, Delivered: true, Reply: ReplyDropped}
	}
	return Decision{Allowed: true, Delivered: true, Reply: ReplyAnswered, Outside: !n.anyHop(&oc)}
}

// outer walks the forward hops of the outer flows from host hs to host hd
// on port from every source port of sports: piece by piece, the first
// piece that a hop drops deciding. The trace records the piece that
// drops, or the first when none does.
func (n *Network) outer(hs, hd netip.Addr, sports PortRange, port uint16, reply bool, t *Trace) (Hop, Verdict, bool) {
	zs, zd := n.zoneAt(hs), n.zoneAt(hd)
	o := Flow{Proto: UDP, Src: hs, Dst: hd, DstPort: port}
	c := n.pathOf(&o, zs, zd)
	hop, v, ok := NoHop, Verdict{}, true
	at := sports.First
	for p := sports.First; ; {
		last := n.pieceEnd(p, sports.Last)
		o.SrcPort = p
		if c.srcACL || c.dstACL {
			c.exempt, c.why = n.exemptFrom(&o)
		}
		if hop, v, ok = n.forward(&c, o, nil, reply); !ok {
			at = p
			break
		}
		if last == sports.Last {
			break
		}
		p = last + 1
	}
	if t != nil {
		o.SrcPort = at
		if c.srcACL || c.dstACL {
			c.exempt, c.why = n.exemptFrom(&o)
		}
		n.forward(&c, o, t, reply)
	}
	return hop, v, ok
}

// Range queries over overlay endpoints. A query piece between two overlay
// endpoints carried together is cut into the parts on different hosts,
// which the outer flows decide, the parts on one host (delivered and
// answered, no hop) and the parts outside every block (evaluated as
// before). The outer flows' rules are mapped into the inner space: a rule
// on outer source hosts H holds the inner sources whose block is on a
// host in H (a run of blocks for each run of such hosts), every inner
// port, and the outer source-port pieces it holds whole; the outer
// destination port must be the overlay's. So a query over overlay ranges
// is exact over the outer space {hosts of the source blocks} x {hosts of
// the destination blocks} x SrcPorts x {Port}, and back for replies.

// oseg is a segment of a query range: a run of adjacent blocks (first and
// last block index) or, with first -1, addresses in no block.
type oseg struct {
	r           krange
	first, last int
}

// segments cuts r into runs of adjacent blocks and the gaps between them.
func (o *overlay) segments(r krange) []oseg {
	var out []oseg
	lo := r.lo
	for i := 0; i < len(o.blocks) && !r.hi.less(lo); i++ {
		b := &o.blocks[i]
		if b.hi.less(lo) {
			continue
		}
		if r.hi.less(b.lo) {
			break
		}
		if lo.less(b.lo) {
			out = append(out, oseg{krange{lo, b.lo.prev()}, -1, -1})
			lo = b.lo
		}
		hi := b.hi
		if r.hi.less(hi) {
			hi = r.hi
		}
		if k := len(out) - 1; k >= 0 && out[k].first >= 0 && out[k].last == i-1 && out[k].r.hi.next() == lo {
			out[k].r.hi, out[k].last = hi, i
		} else {
			out = append(out, oseg{krange{lo, hi}, i, i})
		}
		if hi == maxU128 {
			return out
		}
		lo = hi.next()
	}
	if !r.hi.less(lo) {
		out = append(out, oseg{krange{lo, r.hi}, -1, -1})
	}
	return out
}

// part is the part of segment g on blocks i to j.
func (o *overlay) part(g oseg, i, j int) krange {
	r := krange{o.blocks[i].lo, o.blocks[j].hi}
	if r.lo.less(g.r.lo) {
		r.lo = g.r.lo
	}
	if g.r.hi.less(r.hi) {
		r.hi = g.r.hi
	}
	return r
}

// inverse returns the inner ranges whose hosts lie in the outer range r:
// one range per run of consecutive blocks on such hosts.
func (o *overlay) inverse(r krange) []krange {
	var out []krange
	for i := 0; i < len(o.blocks); i++ {
		k := keyOf(o.blocks[i].host)
		if k.less(r.lo) || r.hi.less(k) {
			continue
		}
		if l := len(out) - 1; l >= 0 && i > 0 && out[l].hi == o.blocks[i-1].hi {
			out[l].hi = o.blocks[i].hi
			continue
		}
		out = append(out, o.blocks[i].krange())
	}
	return out
}

func (b *oblock) krange() krange { return krange{b.lo, b.hi} }

// overlayPair solves query pieces a and b when their endpoints are
// overlay endpoints carried together, and reports whether they are.
func (s *solver) overlayPair(a, b piece, sp, dp Ports) bool {
	n := s.n
	if a.z.endpoint < 0 || b.z.endpoint < 0 || n.epOverlay == nil {
		return false
	}
	os, od := n.epOverlay[a.z.endpoint], n.epOverlay[b.z.endpoint]
	if !os.together(od) {
		return false
	}
	var native, carried []hopBoxes
	same := a.z.endpoint == b.z.endpoint
	emit := func(x, y krange, how int) { // how: 0 native, 1 carried, 2 same host
		var hops []hopBoxes
		switch how {
		case 0:
			if native == nil {
				native = s.hopsFor(a.z, b.z)
			}
			hops = native
		case 1:
			if carried == nil {
				carried = s.overlayHops(a.z.endpoint, b.z.endpoint)
			}
			hops = carried
		}
		for _, spr := range sp {
			for _, dpr := range dp {
				s.solve(box{x, y, {u128{0, uint64(spr.First)}, u128{0, uint64(spr.Last)}},
					{u128{0, uint64(dpr.First)}, u128{0, uint64(dpr.Last)}}}, hops)
			}
		}
	}
	for _, g := range os.segments(a.r) {
		for _, h := range od.segments(b.r) {
			switch {
			case g.first < 0 || h.first < 0:
				emit(g.r, h.r, 0)
				continue
			case !same || g.last < h.first || h.last < g.first:
				emit(g.r, h.r, 1)
				continue
			}
			// One endpoint, overlapping runs: the staircase of blocks
			// m0..m1 both hold, where block m to block m is one host.
			m0, m1 := max(g.first, h.first), min(g.last, h.last)
			if g.first < m0 {
				emit(os.part(g, g.first, m0-1), h.r, 1)
			}
			for m := m0; m <= m1; m++ {
				x := os.part(g, m, m)
				if h.first < m {
					emit(x, od.part(h, h.first, m-1), 1)
				}
				emit(x, od.part(h, m, m), 2)
				if m < h.last {
					emit(x, od.part(h, m+1, h.last), 1)
				}
			}
			if m1 < g.last {
				emit(os.part(g, m1+1, g.last), h.r, 1)
			}
		}
	}
	return true
}

type outerHop struct {
	hop   Hop
	c     *Classifier
	dir   Direction
	acl   bool
	inner bool // a shared InnerAccept group: the hop allows all
}

// outerHops lists the forward hops of outer flows from the hosts of
// endpoint u to those of endpoint w (underlay endpoints), as forward
// walks them.
func (n *Network) outerHops(u, w int) []outerHop {
	a := &zone{endpoint: u, subnet: n.epSubnet[u]}
	b := &zone{endpoint: w, subnet: n.epSubnet[w]}
	inner := n.sharedInner(u, w) >= 0
	aclApplies := a.subnet != b.subnet
	var out []outerHop
	if n.epSG[u] != nil {
		out = append(out, outerHop{SrcEgress, n.epSG[u], Egress, false, inner})
	}
	if aclApplies && a.subnet >= 0 && n.subACL[a.subnet] != nil {
		out = append(out, outerHop{SrcACLOut, n.subACL[a.subnet], Egress, true, false})
	}
	if aclApplies && b.subnet >= 0 && n.subACL[b.subnet] != nil {
		out = append(out, outerHop{DstACLIn, n.subACL[b.subnet], Ingress, true, false})
	}
	if n.epSG[w] != nil {
		out = append(out, outerHop{DstIngress, n.epSG[w], Ingress, false, inner})
	}
	return out
}

// overlayHops returns the hops, in inner coordinates, of flows carried
// from endpoint es to endpoint ed: the outer flow's hops for each source
// port piece, then, when the query's flows have replies, the outer flow
// back's.
func (s *solver) overlayHops(es, ed int) []hopBoxes {
	k := [2]int{es, ed}
	if hs, ok := s.ovCache[k]; ok {
		return hs
	}
	n := s.n
	os, od := n.epOverlay[es], n.epOverlay[ed]
	var out []hopBoxes
	add := func(from, to *overlay, reply bool) {
		hops := n.outerHops(from.underlay, to.underlay)
		for p := from.sports.First; ; {
			last := n.pieceEnd(p, from.sports.Last)
			for _, h := range hops {
				name := h.hop
				if reply {
					name = replyHop[h.hop]
				}
				out = append(out, hopBoxes{name, s.outerBoxes(h, p, from.port, from, to, reply)})
			}
			if last == from.sports.Last {
				break
			}
			p = last + 1
		}
	}
	add(os, od, false)
	if _, ok := replyOf(Flow{Proto: s.q.Protocol, ICMPType: s.q.ICMPType}); ok {
		add(od, os, true)
	}
	if s.ovCache == nil {
		s.ovCache = map[[2]int][]hopBoxes{}
	}
	s.ovCache[k] = out
	return out
}

// outerBoxes maps the rules of hop h, for outer flows from the hosts of
// overlay from to those of overlay to on port from source port sport (a
// piece every rule holds whole or misses), into inner coordinates; with
// swap (the outer flow carries replies) the outer source is the inner
// destination.
func (s *solver) outerBoxes(h outerHop, sport, port uint16, from, to *overlay, swap bool) []rbox {
	full := krange{u128{}, maxU128}
	var out []rbox
	put := func(srcs, dsts []krange, v Verdict, note string) {
		for _, x := range srcs {
			for _, y := range dsts {
				b := box{x, y, full, full}
				if swap {
					b = box{y, x, full, full}
				}
				out = append(out, rbox{b: b, verdict: v, note: note})
			}
		}
	}
	all := []krange{full}
	if h.inner {
		put(all, all, Verdict{Action: Allow}, "")
		return out
	}
	if h.acl {
		for _, e := range s.n.exempt {
			if e.Protocol != AnyProtocol && e.Protocol != UDP {
				continue
			}
			set, ok := familySet(e.Addrs, s.v6)
			if !ok {
				continue
			}
			v := Verdict{Action: Allow}
			for _, r := range set.allRanges(s.v6) {
				if e.Ports == nil || e.Ports.Contains(port) {
					put(all, to.inverse(r), v, e.Why)
				}
				if e.Ports == nil || e.Ports.Contains(sport) {
					put(from.inverse(r), all, v, e.Why)
				}
			}
		}
	}
	for _, e := range h.c.order[h.dir] {
		r := e.rule
		if r.Family != AnyFamily && (r.Family == IPv6) != s.v6 {
			continue
		}
		if r.Protocol != AnyProtocol && r.Protocol != UDP {
			continue
		}
		if r.Protocol == UDP && (r.DstPorts != nil && !r.DstPorts.Contains(port) || r.SrcPorts != nil && !r.SrcPorts.Contains(sport)) {
			continue
		}
		src, ok1 := familySet(r.Src, s.v6)
		dst, ok2 := familySet(r.Dst, s.v6)
		if !ok1 || !ok2 {
			continue
		}
		v := Verdict{Action: r.Action, Rule: e.rule, Group: h.c.groups[e.group]}
		for _, a := range src.allRanges(s.v6) {
			for _, b := range dst.allRanges(s.v6) {
				put(from.inverse(a), to.inverse(b), v, "")
			}
		}
	}
	return out
}
