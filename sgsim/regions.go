package sgsim

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"unsafe"

	"github.com/sgsim/sgsim/sgsim/internal/testhost"
	"go4.org/netipx"
)

// Space is a set of flows of one address family and one protocol: every
// combination of a source and destination address and a source and
// destination port (or, for ICMP and ICMPv6, an ICMP type and code) from
// the sets. It is the input of Classifier.Partition and, one box at a
// time, its output.
type Space struct {
	// Family is IPv4 or IPv6. AnyFamily takes the family of Src and Dst,
	// which must then be concrete and of one family.
	Family   Family
	Protocol Protocol // concrete
	Src, Dst Addrs    // zero: every address of the family; other families' addresses are ignored
	// SrcPorts and DstPorts apply to TCP, UDP and SCTP; nil: every port.
	// A non-nil empty set, or a range with First above Last, is an error.
	SrcPorts, DstPorts Ports
	// ICMPTypes and ICMPCodes apply to ICMP and ICMPv6: ranges within
	// 0-255; nil: every type or code. Empty and reversed sets are errors.
	ICMPTypes, ICMPCodes Ports
}

// Decided is one box of a partition and the verdict that decides every
// flow in it. Src and Dst hold one range each and the port (or ICMP type
// and code) sets one range each.
type Decided struct {
	Space
	Verdict Verdict
}

// Contains reports whether the flow lies in the space.
func (s Space) Contains(f Flow) bool {
	if !f.IsValid() || f.Proto != s.Protocol || s.Family != AnyFamily && familyOf(f.Src) != s.Family {
		return false
	}
	if !s.Src.Contains(f.Src) || !s.Dst.Contains(f.Dst) {
		return false
	}
	if s.Protocol.HasPorts() && (!s.SrcPorts.Contains(f.SrcPort) || !s.DstPorts.Contains(f.DstPort)) {
		return false
	}
	if s.Protocol.IsICMP() && (!s.ICMPTypes.Contains(uint16(f.ICMPType)) || !s.ICMPCodes.Contains(uint16(f.ICMPCode))) {
		return false
	}
	return true
}

// Witness returns the space's lowest flow: the first address of each side
// and the lowest port, type and code. It is meant for the boxes Partition
// returns, which are never empty. The lowest flow is often one nobody
// sends (a network address, port 0); to show a flow to a person, or to
// test with, use TestFlow.
func (s Space) Witness() Flow {
	fam := s.Family
	low := func(a Addrs) netip.Addr {
		if rs := a.Ranges(); len(rs) > 0 {
			for _, r := range rs {
				if familyOf(r.From()) == fam || fam == AnyFamily {
					return r.From()
				}
			}
		}
		if fam == IPv6 {
			return netip.IPv6Unspecified()
		}
		return netip.IPv4Unspecified()
	}
	f := Flow{Proto: s.Protocol, Src: low(s.Src), Dst: low(s.Dst)}
	first := func(ps Ports) uint16 {
		if len(ps) == 0 {
			return 0
		}
		return ps.Normalize()[0].First
	}
	if s.Protocol.HasPorts() {
		f.SrcPort, f.DstPort = first(s.SrcPorts), first(s.DstPorts)
	}
	if s.Protocol.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(first(s.ICMPTypes)), uint8(first(s.ICMPCodes))
	}
	return f
}

// TestFlow returns a flow of the space that a person could send to test
// it, where the space allows one:
//
//   - host addresses, not network addresses: in a range of three or more
//     addresses the second (192.168.0.1 in 192.168.0.0/24), in a smaller
//     one the first; a range that starts in 0.0.0.0/8 ("this network")
//     starts at 1.0.0.0 instead when it reaches that far, and an IPv6
//     range that starts below 2000:: (unspecified, loopback, mapped)
//     starts at 2000:: when it reaches that far;
//   - distinct source and destination addresses unless both sides hold
//     only that one address;
//   - a destination port that is a real port: the lowest in the set above
//     0 (0 only when the set holds nothing else), and a source port from
//     the ephemeral range when the set reaches it (the lowest at or above
//     1024), else the lowest above 0;
//   - the lowest ICMP type and code of the space.
//
// The flow lies in the space (Contains), so any box of a partition, or
// region of a range query (Region.TestFlow), gives a flow with the box's
// verdict. A space with no address of its family on a side gives the
// unspecified address there, as Witness does.
func (s Space) TestFlow() Flow {
	fam := s.Family
	if fam == AnyFamily {
		fam = IPv4
		if v4, v6 := s.Src.Families(); !v4 && v6 {
			fam = IPv6
		}
	}
	f := Flow{Proto: s.Protocol}
	var none netip.Addr
	f.Src = testHost(s.Src, fam, none)
	f.Dst = testHost(s.Dst, fam, f.Src)
	if f.Dst == f.Src {
		f.Src = testHost(s.Src, fam, f.Dst)
	}
	if s.Protocol.HasPorts() {
		f.SrcPort = lowestPortFrom(s.SrcPorts, 1024)
		if f.SrcPort < 1024 {
			f.SrcPort = lowestPortFrom(s.SrcPorts, 1)
		}
		f.DstPort = lowestPortFrom(s.DstPorts, 1)
	}
	if s.Protocol.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(lowestPortFrom(s.ICMPTypes, 0)), uint8(lowestPortFrom(s.ICMPCodes, 0))
	}
	return f
}

// testHost returns an address of the family in a, picked as TestFlow
// says, other than avoid when a holds another one.
func testHost(a Addrs, fam Family, avoid netip.Addr) netip.Addr {
	rs := a.Ranges()
	if a.IsAny() {
		all := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		if fam == IPv6 {
			all = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
		rs = []netipx.IPRange{netipx.RangeOfPrefix(all)}
	}
	var fallback netip.Addr
	for _, r := range rs {
		if r.From().Is4() != (fam == IPv4) {
			continue
		}
		h, ok := testhost.In(r.From(), r.To(), avoid)
		if ok {
			return h
		}
		if !fallback.IsValid() {
			fallback = h
		}
	}
	if fallback.IsValid() {
		return fallback
	}
	if fam == IPv6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

// lowestPortFrom returns the lowest port of ps (nil: every port) at or
// above from, or the lowest port of ps when none is.
func lowestPortFrom(ps Ports, from uint16) uint16 {
	if ps == nil {
		return from
	}
	ps = ps.Normalize()
	for _, r := range ps {
		if r.Last >= from {
			return max(r.First, from)
		}
	}
	if len(ps) == 0 {
		return 0
	}
	return ps[0].First
}

// String returns text such as "tcp 10.0.0.0/24 -> any dport 22": the
// protocol, the addresses, then the ports or ICMP type and code that are
// restricted (full ranges are left out).
func (s Space) String() string {
	var b strings.Builder
	b.WriteString(s.Protocol.String() + " " + s.Src.String() + " -> " + s.Dst.String())
	if s.Family != AnyFamily && s.Src.IsAny() && s.Dst.IsAny() {
		b.WriteString(" " + s.Family.String())
	}
	part := func(kw string, ps Ports, all PortRange) {
		if ps != nil && !(len(ps) == 1 && ps[0] == all) {
			b.WriteString(" " + kw + " " + ps.String())
		}
	}
	if s.Protocol.HasPorts() {
		part("dport", s.DstPorts, AllPorts)
		part("sport", s.SrcPorts, AllPorts)
	}
	if s.Protocol.IsICMP() {
		part("type", s.ICMPTypes, PortRange{0, 255})
		part("code", s.ICMPCodes, PortRange{0, 255})
	}
	return b.String()
}

func (d Decided) String() string { return d.Space.String() + ": " + d.Verdict.String() }

// family works out the space's family.
func (s Space) family() (Family, error) {
	if s.Family == IPv4 || s.Family == IPv6 {
		return s.Family, nil
	}
	if s.Family != AnyFamily {
		return 0, errors.New("sgsim: partition: invalid family")
	}
	v4a, v6a := s.Src.Families()
	v4b, v6b := s.Dst.Families()
	v4, v6 := v4a && v4b, v6a && v6b
	switch {
	case v4 && !v6:
		return IPv4, nil
	case v6 && !v4:
		return IPv6, nil
	}
	return 0, errors.New("sgsim: partition: space " + s.String() + " needs a Family or addresses of one family")
}

// dimension keys of a space: 0 source, 1 destination, 2 source port or
// ICMP type, 3 destination port or ICMP code.
func spaceDims(s Space, v6 bool) (dims [4][]krange, err error) {
	addr := func(a Addrs) []krange {
		ks, ok := familySet(a, v6)
		if !ok {
			return nil
		}
		return ks.allRanges(v6)
	}
	dims[0], dims[1] = addr(s.Src), addr(s.Dst)
	ranges := func(ps Ports, max uint16, what string) ([]krange, error) {
		if ps == nil {
			return []krange{{u128{}, u128{0, uint64(max)}}}, nil
		}
		if len(ps) == 0 {
			return nil, errors.New("sgsim: partition: " + what + ": empty set (nil means every one)")
		}
		for _, p := range ps { // before Normalize, which could merge an invalid range away
			if !p.IsValid() {
				return nil, errors.New("sgsim: partition: " + what + " " + p.String() + ": first above last")
			}
			if p.Last > max {
				return nil, errors.New("sgsim: partition: " + what + " " + p.String() + " out of range 0-" + strconv.Itoa(int(max)))
			}
		}
		var out []krange
		for _, p := range ps.Normalize() {
			out = append(out, krange{u128{0, uint64(p.First)}, u128{0, uint64(p.Last)}})
		}
		return out, nil
	}
	switch {
	case s.Protocol.HasPorts():
		if s.ICMPTypes != nil || s.ICMPCodes != nil {
			return dims, errors.New("sgsim: partition: protocol " + s.Protocol.String() + " has no ICMP type or code")
		}
		if dims[2], err = ranges(s.SrcPorts, 65535, "source ports"); err != nil {
			return dims, err
		}
		dims[3], err = ranges(s.DstPorts, 65535, "destination ports")
	case s.Protocol.IsICMP():
		if s.SrcPorts != nil || s.DstPorts != nil {
			return dims, errors.New("sgsim: partition: protocol " + s.Protocol.String() + " has no ports")
		}
		if dims[2], err = ranges(s.ICMPTypes, 255, "ICMP types"); err != nil {
			return dims, err
		}
		dims[3], err = ranges(s.ICMPCodes, 255, "ICMP codes")
	default:
		if s.SrcPorts != nil || s.DstPorts != nil || s.ICMPTypes != nil || s.ICMPCodes != nil {
			return dims, errors.New("sgsim: partition: protocol " + s.Protocol.String() + " has no ports or ICMP type")
		}
		zero := []krange{{}}
		dims[2], dims[3] = zero, zero
	}
	return dims, err
}

// ruleBoxes returns, in evaluation order, the boxes of the rules of
// direction d that can match flows of the family and protocol, with ICMP
// type and code in dimensions 2 and 3 for ICMP.
func (c *Classifier) ruleBoxes(d Direction, v6 bool, proto Protocol) []rbox {
	full := krange{u128{}, u128{0, 65535}}
	var out []rbox
	for _, e := range c.order[d] {
		r := e.rule
		if r.Family != AnyFamily && (r.Family == IPv6) != v6 {
			continue
		}
		if r.Protocol != AnyProtocol && r.Protocol != proto {
			continue
		}
		src, ok1 := familySet(r.Src, v6)
		dst, ok2 := familySet(r.Dst, v6)
		if !ok1 || !ok2 {
			continue
		}
		xs, ys := []krange{full}, []krange{full}
		switch {
		case r.Protocol.HasPorts():
			xs, ys = portKeys(r.SrcPorts, true), portKeys(r.DstPorts, true)
		case r.Protocol.IsICMP():
			if r.ICMP.HasType {
				xs = []krange{{u128{0, uint64(r.ICMP.Type)}, u128{0, uint64(r.ICMP.Type)}}}
			}
			if r.ICMP.HasCode {
				ys = []krange{{u128{0, uint64(r.ICMP.Code)}, u128{0, uint64(r.ICMP.Code)}}}
			}
		}
		v := Verdict{Action: r.Action, Rule: r, Group: c.groups[e.group]}
		for _, a := range src.allRanges(v6) {
			for _, b := range dst.allRanges(v6) {
				for _, x := range xs {
					for _, y := range ys {
						out = append(out, rbox{b: box{a, b, x, y}, verdict: v})
					}
				}
			}
		}
	}
	return out
}

// Partition splits the space into disjoint boxes, each decided in
// direction d by one rule or by the default deny (a zero Verdict), so that
// every flow of a box gets the box's verdict from Check. Boxes with the
// same verdict that abut are merged. It uses the set algebra of
// Network.Reach on a single hop: a box is cut only along the first rule,
// in evaluation order, that covers part of it, so the number of boxes
// grows with the rules whose boundaries fall inside the space, not with
// its size.
func (c *Classifier) Partition(d Direction, s Space) ([]Decided, error) {
	if d > Egress {
		return nil, errors.New("sgsim: partition: invalid direction")
	}
	if s.Protocol == AnyProtocol || !s.Protocol.IsValid() {
		return nil, errors.New("sgsim: partition: a space needs a concrete protocol")
	}
	fam, err := s.family()
	if err != nil {
		return nil, err
	}
	v6 := fam == IPv6
	dims, err := spaceDims(s, v6)
	if err != nil {
		return nil, err
	}
	rbs := c.ruleBoxes(d, v6, s.Protocol)
	var leaves []leaf
	for _, a := range dims[0] {
		for _, b := range dims[1] {
			for _, x := range dims[2] {
				for _, y := range dims[3] {
					leaves = decide(box{a, b, x, y}, rbs, leaves)
				}
			}
		}
	}
	leaves = mergeLeaves(leaves)
	out := make([]Decided, len(leaves))
	for i, l := range leaves {
		out[i] = Decided{Space: boxSpace(l.b, fam, s.Protocol), Verdict: l.verdict}
	}
	return out, nil
}

// decide appends the leaves of b: the first rule box that meets b either
// holds it whole (and decides it) or cuts it.
func decide(b box, rbs []rbox, leaves []leaf) []leaf {
	for i := range rbs {
		r := &rbs[i].b
		if !r.intersects(&b) {
			continue
		}
		if r.contains(&b) {
			return append(leaves, leaf{b: b, allowed: rbs[i].verdict.Allowed(), verdict: rbs[i].verdict})
		}
		// The rules before i miss b, and so every part of it.
		below, inside, above, hasBelow, hasAbove := cut(b, r)
		if hasBelow {
			leaves = decide(below, rbs[i:], leaves)
		}
		if hasAbove {
			leaves = decide(above, rbs[i:], leaves)
		}
		return decide(inside, rbs[i:], leaves)
	}
	return append(leaves, leaf{b: b})
}

func boxSpace(b box, fam Family, p Protocol) Space {
	v6 := fam == IPv6
	one := func(r krange) Addrs {
		var sb netipx.IPSetBuilder
		sb.AddRange(netipx.IPRangeFrom(addrOf(r.lo, v6), addrOf(r.hi, v6)))
		s, _ := sb.IPSet()
		return AddrsOf(s)
	}
	s := Space{Family: fam, Protocol: p, Src: one(b[0]), Dst: one(b[1])}
	pr := func(r krange) Ports { return Ports{{uint16(r.lo.lo), uint16(r.hi.lo)}} }
	switch {
	case p.HasPorts():
		s.SrcPorts, s.DstPorts = pr(b[2]), pr(b[3])
	case p.IsICMP():
		s.ICMPTypes, s.ICMPCodes = pr(b[2]), pr(b[3])
	}
	return s
}

// Position returns where a rule of the classifier's own copy (a
// Verdict.Rule it returned) sits in the groups it was compiled from: the
// group's position in attachment order and the rule's index in that
// group's Rules. ok is false for a rule the classifier does not hold.
func (c *Classifier) Position(r *Rule) (group, index int, ok bool) {
	// The rules live in one slice: a pointer into it gives its slot.
	if r == nil || len(c.rules) == 0 {
		return 0, 0, false
	}
	size := unsafe.Sizeof(c.rules[0])
	off := uintptr(unsafe.Pointer(r)) - uintptr(unsafe.Pointer(&c.rules[0]))
	if uintptr(unsafe.Pointer(r)) < uintptr(unsafe.Pointer(&c.rules[0])) || off%size != 0 || off/size >= uintptr(len(c.rules)) {
		return 0, 0, false
	}
	p := c.pos[off/size]
	return int(p.group), int(p.index), true
}

// Rules returns the rules of direction d in evaluation order, with the ID
// of the group holding each. The rules must not be modified.
func (c *Classifier) Rules(d Direction) (rules []*Rule, groups []string) {
	if d > Egress {
		return nil, nil
	}
	for _, e := range c.order[d] {
		rules = append(rules, e.rule)
		groups = append(groups, c.groups[e.group])
	}
	return rules, groups
}
