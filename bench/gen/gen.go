// Package gen generates seeded, deterministic rule sets shaped like real
// security groups and network ACLs, and flow traces with a chosen hit
// rate, for benchmarking the sgsim classifier at sizes no real account
// has (1K to 1M rules).
//
// The shapes follow what cloud rule sets look like: remotes are mostly
// single hosts (/32) and small subnets drawn from a few hundred
// group-like address clusters (the members of a referenced security
// group, resolved to addresses, are a cluster's hosts), with some wide
// prefixes and some any-address rules; ports are single well-known or
// random ports, short port lists and ranges such as 1024-65535; a share of
// rules is any-protocol, a share is ICMP, a share denies, and priorities
// are mixed so the evaluation order is not the slice order. A small share
// of rules is IPv6.
//
// All rules are ingress: directions are compiled into separate tables, so
// one direction is representative of the classifier's cost.
//
// Same seed, same arguments: same output, on every platform and Go
// version (the generator uses math/rand/v2's PCG, whose stream is fixed).
package gen

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"strconv"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Shape describes the rule set to generate. Fractions are of all rules;
// the ones in a group (remote kinds, port kinds) should sum to at most 1,
// the remainder going to the last kind named.
type Shape struct {
	Name string
	// Semantics orders the rules: Huawei gives priorities 1-100 (deny
	// first at equal priority), ACL rule numbers, FirstMatch slice order.
	Semantics sgsim.Semantics
	// BothSides restricts source and destination (network ACLs); otherwise
	// only the remote (source) is restricted and the destination is any,
	// as in a security group's ingress rules.
	BothSides bool
	// Remote kinds: a single host, a set of 2-8 hosts from one cluster (a
	// resolved group reference), a /24-/30 subnet, a /8-/20 prefix; the
	// rest is any address.
	Host, HostSet, Subnet, Wide float64
	// Deny is the share of deny rules (0 for Union semantics).
	Deny float64
	// AnyProto and ICMP are the shares of any-protocol and ICMP rules;
	// the rest is TCP (3/4) and UDP (1/4).
	AnyProto, ICMP float64
	// Port kinds for TCP and UDP rules: a list of 2-4 ports, a range; the
	// rest is a single port.
	PortList, PortRange float64
	// IPv6 is the share of IPv6 rules.
	IPv6 float64
	// ClusterEvery is how many rules share one address cluster on
	// average; 0 means 50.
	ClusterEvery int
}

// Shapes.
var (
	// SecurityGroup is a large merged security group: remote-only rules,
	// Huawei priorities, few denies.
	SecurityGroup = Shape{
		Name: "sg", Semantics: sgsim.Huawei,
		Host: 0.45, HostSet: 0.15, Subnet: 0.25, Wide: 0.10,
		Deny: 0.10, AnyProto: 0.10, ICMP: 0.05,
		PortList: 0.15, PortRange: 0.15, IPv6: 0.05,
	}
	// NetworkACL is a network ACL: both sides restricted, numbered rules,
	// many denies.
	NetworkACL = Shape{
		Name: "acl", Semantics: sgsim.ACL, BothSides: true,
		Host: 0.35, HostSet: 0.05, Subnet: 0.35, Wide: 0.20,
		Deny: 0.40, AnyProto: 0.15, ICMP: 0.05,
		PortList: 0.10, PortRange: 0.25, IPv6: 0.05,
	}
)

// wellKnown are the ports security groups open most.
var wellKnown = []uint16{22, 80, 443, 3306, 5432, 6379, 8080, 8443, 53, 123,
	3389, 9200, 27017, 11211, 25, 110, 143, 993, 995, 1433, 2379, 6443, 9090, 10250}

// portRanges are common ranges; random ones are added too.
var portRanges = []sgsim.PortRange{{First: 1024, Last: 65535}, {First: 8000, Last: 8999},
	{First: 30000, Last: 32767}, {First: 49152, Last: 65535}, {First: 5000, Last: 5100}, {First: 1, Last: 1023}}

type cluster struct {
	v4   netip.Prefix
	v6   netip.Prefix
	heat float64
}

type generator struct {
	r        *rand.Rand
	s        Shape
	clusters []cluster
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// Rules returns n valid ingress rules of the given shape, deterministic in
// seed. Rule i has ID "g<i>" and Origin{Vendor: "gen", Document: shape
// name, Row: i+1}. Put them in one group and compile them under
// shape.Semantics.
func Rules(seed int64, n int, shape Shape) []sgsim.Rule {
	g := &generator{r: newRand(seed, 0x5eed), s: shape}
	every := shape.ClusterEvery
	if every <= 0 {
		every = 50
	}
	nc := max(4, n/every)
	g.clusters = make([]cluster, nc)
	for i := range g.clusters {
		g.clusters[i] = g.cluster()
	}
	out := make([]sgsim.Rule, n)
	for i := range out {
		out[i] = g.rule(i)
	}
	return out
}

// cluster picks a /20-/24 in private space (and a /56 for IPv6), like the
// subnets a group's members live in.
func (g *generator) cluster() cluster {
	var a [4]byte
	bits := 20 + g.r.IntN(5)
	switch g.r.IntN(4) {
	case 0, 1:
		a = [4]byte{10, byte(g.r.IntN(256)), byte(g.r.IntN(256)), 0}
	case 2:
		a = [4]byte{172, byte(16 + g.r.IntN(16)), byte(g.r.IntN(256)), 0}
	default: // public address space of partners and offices
		a = [4]byte{byte(1 + g.r.IntN(223)), byte(g.r.IntN(256)), byte(g.r.IntN(256)), 0}
	}
	var b [16]byte
	b[0], b[1] = 0x20, 0x01
	b[2], b[3] = 0x0d, 0xb8
	for i := 4; i < 7; i++ {
		b[i] = byte(g.r.IntN(256))
	}
	return cluster{
		v4:   netip.PrefixFrom(netip.AddrFrom4(a), bits).Masked(),
		v6:   netip.PrefixFrom(netip.AddrFrom16(b), 56).Masked(),
		heat: g.r.Float64(),
	}
}

// pickCluster favours hot clusters: a few groups are referenced by many
// rules.
func (g *generator) pickCluster() cluster {
	c := g.clusters[g.r.IntN(len(g.clusters))]
	if g.r.Float64() < 0.5 {
		d := g.clusters[g.r.IntN(len(g.clusters))]
		if d.heat > c.heat {
			return d
		}
	}
	return c
}

func (g *generator) rule(i int) sgsim.Rule {
	r := sgsim.Rule{
		ID:        "g" + strconv.Itoa(i),
		Direction: sgsim.Ingress,
		Action:    sgsim.Allow,
		Origin:    sgsim.Origin{Vendor: "gen", Document: g.s.Name, Row: i + 1},
	}
	v6 := g.r.Float64() < g.s.IPv6
	if g.r.Float64() < g.s.Deny && g.s.Semantics != sgsim.Union {
		r.Action = sgsim.Deny
	}
	switch g.s.Semantics {
	case sgsim.Huawei, sgsim.Alibaba:
		// Most rules sit at the default priority 1; others spread.
		if g.r.Float64() < 0.5 {
			r.Priority = 1
		} else {
			r.Priority = 1 + g.r.IntN(100)
		}
	case sgsim.ACL:
		r.Priority = g.r.IntN(32767)
	case sgsim.Tencent:
		r.Priority = i
	}
	r.Src = g.addrs(v6, false)
	if g.s.BothSides {
		r.Dst = g.addrs(v6, true)
	}
	if v6 && r.Src.IsAny() && r.Dst.IsAny() {
		r.Family = sgsim.IPv6
	}
	p := g.r.Float64()
	if g.full(r.Src) && p < g.s.AnyProto+g.s.ICMP {
		// Consoles open one service to the world ("tcp 443 from
		// 0.0.0.0/0"), not everything: an allow-any rule would make
		// every flow a hit.
		p = 1
	}
	switch {
	case p < g.s.AnyProto:
		r.Protocol = sgsim.AnyProtocol
	case p < g.s.AnyProto+g.s.ICMP:
		r.Protocol = sgsim.ICMP
		if v6 {
			r.Protocol = sgsim.ICMPv6
			if r.Src.IsAny() && r.Dst.IsAny() {
				r.Family = sgsim.IPv6
			}
		} else if r.Src.IsAny() && r.Dst.IsAny() {
			r.Family = sgsim.IPv4
		}
		if g.r.IntN(2) == 0 {
			r.ICMP = sgsim.ICMPType(uint8([]int{0, 3, 8, 11, 128, 129}[g.r.IntN(6)]))
		}
	default:
		r.Protocol = sgsim.TCP
		if g.r.IntN(4) == 0 {
			r.Protocol = sgsim.UDP
		}
		r.DstPorts = g.ports()
	}
	return r
}

// addrs returns a remote (or, for the local side of an ACL rule, a subnet
// or host of a cluster).
func (g *generator) addrs(v6, local bool) sgsim.Addrs {
	c := g.pickCluster()
	base := c.v4
	if v6 {
		base = c.v6
	}
	x := g.r.Float64()
	s := g.s
	if local { // the ACL's own subnet side: hosts and subnets, rarely any
		s.Host, s.HostSet, s.Subnet, s.Wide = 0.3, 0, 0.5, 0.1
	}
	switch {
	case x < s.Host:
		return sgsim.PrefixAddrs(g.host(base))
	case x < s.Host+s.HostSet:
		k := 2 + g.r.IntN(7)
		ps := make([]netip.Prefix, k)
		for i := range ps {
			ps[i] = g.host(base)
		}
		return sgsim.PrefixAddrs(ps...)
	case x < s.Host+s.HostSet+s.Subnet:
		bits := 24 + g.r.IntN(7)
		if v6 {
			bits = 64 + 8*g.r.IntN(3)
		}
		if bits < base.Bits() {
			bits = base.Bits()
		}
		return sgsim.PrefixAddrs(netip.PrefixFrom(g.host(base).Addr(), bits).Masked())
	case x < s.Host+s.HostSet+s.Subnet+s.Wide:
		bits := 8 + g.r.IntN(13)
		if v6 {
			bits = 32 + 8*g.r.IntN(3)
		}
		return sgsim.PrefixAddrs(netip.PrefixFrom(g.host(base).Addr(), bits).Masked())
	}
	if v6 {
		return sgsim.PrefixAddrs(netip.MustParsePrefix("::/0"))
	}
	// "0.0.0.0/0": every IPv4 address, as consoles write "any".
	return sgsim.PrefixAddrs(netip.MustParsePrefix("0.0.0.0/0"))
}

// full reports whether a is a whole family.
func (g *generator) full(a sgsim.Addrs) bool {
	rs := a.Ranges()
	return len(rs) == 1 && (rs[0].From() == netip.IPv4Unspecified() && rs[0].To() == all4.To() ||
		rs[0].From() == netip.IPv6Unspecified() && rs[0].To() == all6.To())
}

// host returns a random host of p as a full-length prefix.
func (g *generator) host(p netip.Prefix) netip.Prefix {
	a := randIn(g.r, netipx.RangeOfPrefix(p))
	return netip.PrefixFrom(a, a.BitLen())
}

func (g *generator) ports() sgsim.Ports {
	x := g.r.Float64()
	switch {
	case x < g.s.PortList:
		k := 2 + g.r.IntN(3)
		ps := make(sgsim.Ports, k)
		for i := range ps {
			ps[i] = sgsim.Port(g.port())
		}
		return ps.Normalize()
	case x < g.s.PortList+g.s.PortRange:
		if g.r.IntN(2) == 0 {
			return sgsim.Ports{portRanges[g.r.IntN(len(portRanges))]}
		}
		lo := uint16(1024 + g.r.IntN(60000))
		return sgsim.Ports{{First: lo, Last: lo + uint16(g.r.IntN(500))}}
	}
	return sgsim.Ports{sgsim.Port(g.port())}
}

// port returns a well-known port most of the time and a random
// application port otherwise.
func (g *generator) port() uint16 {
	if g.r.IntN(3) > 0 {
		return wellKnown[g.r.IntN(len(wellKnown))]
	}
	return uint16(1024 + g.r.IntN(64000))
}

// randIn returns a uniformly random address of r (uniform up to 2^-64
// bias for ranges wider than 2^64).
func randIn(rng *rand.Rand, r netipx.IPRange) netip.Addr {
	lo, hi := r.From(), r.To()
	if lo.Is4() {
		a, b := u32(lo), u32(hi)
		var out [4]byte
		binary.BigEndian.PutUint32(out[:], a+uint32(rng.Uint64N(uint64(b-a)+1)))
		return netip.AddrFrom4(out)
	}
	lb, hb := lo.As16(), hi.As16()
	lhi, llo := binary.BigEndian.Uint64(lb[:8]), binary.BigEndian.Uint64(lb[8:])
	hhi, hlo := binary.BigEndian.Uint64(hb[:8]), binary.BigEndian.Uint64(hb[8:])
	var vhi, vlo uint64
	if lhi == hhi {
		vhi = lhi
		vlo = llo + randUpTo(rng, hlo-llo)
	} else {
		// Wide range: pick the high half, then any low half, clamped.
		vhi = lhi + randUpTo(rng, hhi-lhi)
		vlo = rng.Uint64()
		if vhi == lhi && vlo < llo {
			vlo = llo
		}
		if vhi == hhi && vlo > hlo {
			vlo = hlo
		}
	}
	var out [16]byte
	binary.BigEndian.PutUint64(out[:8], vhi)
	binary.BigEndian.PutUint64(out[8:], vlo)
	return netip.AddrFrom16(out)
}

// randUpTo returns a random value in [0, n].
func randUpTo(rng *rand.Rand, n uint64) uint64 {
	if n == ^uint64(0) {
		return rng.Uint64()
	}
	return rng.Uint64N(n + 1)
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}
