package analyze

import (
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

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
// The flow lies in the space (Space.Contains), so any box of a partition
// or region of a range query gives a flow with the box's verdict. A space
// with no address of its family on a side gives the unspecified address
// there, as Space.Witness does.
func TestFlow(s sgsim.Space) sgsim.Flow {
	fam := s.Family
	if fam == sgsim.AnyFamily {
		fam = sgsim.IPv4
		if v4, v6 := s.Src.Families(); !v4 && v6 {
			fam = sgsim.IPv6
		}
	}
	f := sgsim.Flow{Proto: s.Protocol}
	var none netip.Addr
	f.Src = host(s.Src, fam, none)
	f.Dst = host(s.Dst, fam, f.Src)
	if f.Dst == f.Src {
		f.Src = host(s.Src, fam, f.Dst)
	}
	if s.Protocol.HasPorts() {
		f.SrcPort = lowestPort(s.SrcPorts, 1024)
		if f.SrcPort < 1024 {
			f.SrcPort = lowestPort(s.SrcPorts, 1)
		}
		f.DstPort = lowestPort(s.DstPorts, 1)
	}
	if s.Protocol.IsICMP() {
		f.ICMPType, f.ICMPCode = uint8(lowestPort(s.ICMPTypes, 0)), uint8(lowestPort(s.ICMPCodes, 0))
	}
	return f
}

// regionFlow is TestFlow of a region of a range query.
func regionFlow(q sgsim.Query, r sgsim.Region) sgsim.Flow {
	fam := sgsim.IPv4
	if v4, _ := r.Src.Families(); !v4 {
		fam = sgsim.IPv6
	}
	s := sgsim.Space{Family: fam, Protocol: q.Protocol, Src: r.Src, Dst: r.Dst}
	if q.Protocol.HasPorts() {
		s.SrcPorts, s.DstPorts = r.SrcPorts, r.DstPorts
	}
	f := TestFlow(s)
	if q.Protocol.IsICMP() {
		f.ICMPType, f.ICMPCode = q.ICMPType, q.ICMPCode
	}
	return f
}

var (
	thisNet4   = netip.MustParsePrefix("0.0.0.0/8")
	firstHost4 = netip.MustParseAddr("1.0.0.0")
	global6    = netip.MustParseAddr("2000::")
)

// host returns an address of the family in a, picked as TestFlow says,
// other than avoid when a holds another one.
func host(a sgsim.Addrs, fam sgsim.Family, avoid netip.Addr) netip.Addr {
	rs := a.Ranges()
	if a.IsAny() {
		all := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		if fam == sgsim.IPv6 {
			all = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
		rs = []netipx.IPRange{netipx.RangeOfPrefix(all)}
	}
	var fallback netip.Addr
	for _, r := range rs {
		if r.From().Is4() != (fam == sgsim.IPv4) {
			continue
		}
		lo, hi := r.From(), r.To()
		switch {
		case lo.Is4() && thisNet4.Contains(lo) && firstHost4.Compare(hi) <= 0:
			lo = firstHost4
		case lo.Is6() && lo.Less(global6) && global6.Compare(hi) <= 0:
			lo = global6
		}
		pick := lo
		if n := lo.Next(); n.IsValid() && n.Less(hi) { // three or more addresses
			pick = n
		}
		if pick != avoid {
			return pick
		}
		if n := pick.Next(); n.IsValid() && n.Compare(hi) <= 0 {
			return n
		}
		if r.From() != avoid {
			return r.From()
		}
		if !fallback.IsValid() {
			fallback = pick
		}
	}
	if fallback.IsValid() {
		return fallback
	}
	if fam == sgsim.IPv6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

// lowestPort returns the lowest port of ps (nil: every port) at or above
// from, or the lowest port of ps when none is.
func lowestPort(ps sgsim.Ports, from uint16) uint16 {
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
