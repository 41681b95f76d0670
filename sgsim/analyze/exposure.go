package analyze

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"go4.org/netipx"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/internal/addrx"
)

// Exposed is one opening of an endpoint to the outside: the destination
// ports (or ICMP message) of one protocol that the sources reach on the
// endpoint's addresses Dst, all let in by one rule.
type Exposed struct {
	Endpoint string
	Protocol sgsim.Protocol
	// OtherProtocols is true when Protocol stands for every protocol that
	// no rule, ACL or exemption names: they are all treated alike, and
	// one of them was asked.
	OtherProtocols bool
	Ports          sgsim.Ports // TCP, UDP and SCTP destination ports; nil for other protocols
	// ICMP and ICMPv6: the message type and code; OtherICMP is true when
	// they stand for every type (or code) that no rule names.
	ICMPType, ICMPCode uint8
	OtherICMP          bool
	// AllICMP is true when every ICMP (or ICMPv6) message is open, with
	// the same sources, destinations and rule: one entry stands for them
	// (ICMPType and ICMPCode are then zero).
	AllICMP      bool
	Sources, Dst sgsim.Addrs
	// Verdict is the decision of the destination's security groups that
	// lets the flows in: the rule (with its Origin) and its group. Its
	// Rule is nil when no rule decided (Alibaba's InnerAccessPolicy).
	Verdict  sgsim.Verdict
	Severity Severity
	Witness  sgsim.Flow // a flow of the opening that a person could send (sgsim.Space.TestFlow), delivered
}

func (x Exposed) String() string {
	return fmt.Sprintf("%s %s %s %s from %s to %s: %s", x.Severity, x.Endpoint, x.what(), x.portText(), x.Sources, x.Dst, x.Verdict.Why())
}

func (x Exposed) what() string {
	if x.OtherProtocols {
		return "other protocols (" + x.Protocol.String() + " and every protocol no rule names)"
	}
	return x.Protocol.String()
}

// PortText is the ports, the ICMP message, or "" for other protocols.
func (x Exposed) PortText() string { return x.portText() }

func (x Exposed) portText() string {
	switch {
	case x.Protocol.HasPorts():
		return x.Ports.String()
	case x.Protocol.IsICMP() && x.AllICMP:
		return "every type and code"
	case x.Protocol.IsICMP() && x.OtherICMP:
		return "type " + strconv.Itoa(int(x.ICMPType)) + " code " + strconv.Itoa(int(x.ICMPCode)) + " (and the types and codes no rule names)"
	case x.Protocol.IsICMP():
		return "type " + strconv.Itoa(int(x.ICMPType)) + " code " + strconv.Itoa(int(x.ICMPCode))
	}
	return ""
}

// HighPorts are the management and control-plane ports: an opening that
// includes one of them is High. Remote shells and desktops (22, 23,
// 3389, 5900, 5985-5986 WinRM), the kubelet (10250, 10255), etcd
// (2379-2380), kube-apiserver (6443, and CCE's 5443-5444), kube-proxy,
// scheduler and controller-manager (10256-10259) and SMB (445).
var HighPorts = sgsim.Ports{{First: 22, Last: 23}, sgsim.Port(445), {First: 2379, Last: 2380}, sgsim.Port(3389),
	{First: 5443, Last: 5444}, sgsim.Port(5900), {First: 5985, Last: 5986}, sgsim.Port(6443), sgsim.Port(10250), {First: 10255, Last: 10259}}

// MediumPorts are data stores and admin interfaces that should not face
// the internet: MySQL 3306, PostgreSQL 5432, Redis 6379, Elasticsearch
// 9200-9300, Memcached 11211, MongoDB 27017-27019, NFS 2049, and the
// Docker API 2375-2376.
var MediumPorts = sgsim.Ports{sgsim.Port(2049), {First: 2375, Last: 2376}, sgsim.Port(3306), sgsim.Port(5432),
	sgsim.Port(6379), {First: 9200, Last: 9300}, sgsim.Port(11211), {First: 27017, Last: 27019}}

// PortSeverity grades an opening by its port class: High when it
// includes a HighPorts port (every port does), Medium for a MediumPorts
// port or a protocol other than TCP, UDP, SCTP and ICMP, Low for other
// ports (web, NodePorts) and Info for ICMP.
func PortSeverity(p sgsim.Protocol, ports sgsim.Ports) Severity {
	switch {
	case p.IsICMP():
		return Info
	case !p.HasPorts():
		return Medium
	case overlapsPorts(ports, HighPorts):
		return High
	case overlapsPorts(ports, MediumPorts):
		return Medium
	}
	return Low
}

func overlapsPorts(a, b sgsim.Ports) bool {
	if a == nil {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if x.First <= y.Last && y.First <= x.Last {
				return true
			}
		}
	}
	return false
}

// Outside returns the addresses outside a network's own ranges: those of
// its endpoint named "internet" when it has one, and otherwise every
// IPv4 and IPv6 address that is in no endpoint and no subnet (its Prefix
// and its Also blocks).
func Outside(spec sgsim.NetworkSpec) sgsim.Addrs {
	for _, e := range spec.Endpoints {
		if e.Name == "internet" {
			return e.Addrs
		}
	}
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.PrefixFrom(netip.IPv4Unspecified(), 0))
	b.AddPrefix(netip.PrefixFrom(netip.IPv6Unspecified(), 0))
	for _, e := range spec.Endpoints {
		b.RemoveSet(e.Addrs.Set())
	}
	for _, s := range spec.Subnets {
		b.RemovePrefix(s.Prefix)
		for _, p := range s.Also {
			b.RemovePrefix(p)
		}
	}
	set, _ := b.IPSet()
	return sgsim.AddrsOf(set)
}

// named collects what the rules of a spec name: protocols, ICMP types
// and codes, so that one representative stands for all the values no rule
// names.
type namedSet struct {
	protos map[sgsim.Protocol]bool
	types  map[uint8]bool
	codes  map[uint8]bool
}

func namedValues(spec sgsim.NetworkSpec) namedSet {
	nm := namedSet{protos: map[sgsim.Protocol]bool{}, types: map[uint8]bool{8: true}, codes: map[uint8]bool{0: true}}
	for _, gs := range [][]sgsim.Group{spec.Groups, spec.ACLs} {
		for _, g := range gs {
			for _, r := range g.Rules {
				nm.protos[r.Protocol] = true
				if r.ICMP.HasType {
					nm.types[r.ICMP.Type] = true
				}
				if r.ICMP.HasCode {
					nm.codes[r.ICMP.Code] = true
				}
			}
		}
	}
	ex := spec.Exempt
	if ex == nil {
		ex = spec.Cloud.ACLExempt()
	}
	for _, e := range ex {
		nm.protos[e.Protocol] = true
	}
	return nm
}

// values returns the named values, sorted, and the lowest unnamed one
// (ok false when all 256 are named).
func values(m map[uint8]bool) (vs []uint8, other uint8, ok bool) {
	for v := range m {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	for v := 0; v < 256; v++ {
		if !m[uint8(v)] {
			return vs, uint8(v), true
		}
	}
	return vs, 0, false
}

// probe is one range query of the audit: a protocol (and ICMP message)
// and whether it stands for others.
type probe struct {
	proto        sgsim.Protocol
	otherProtos  bool
	icmpT, icmpC uint8
	otherICMP    bool
}

func probes(nm namedSet) []probe {
	var out []probe
	for _, p := range []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.SCTP} {
		out = append(out, probe{proto: p})
	}
	types, otherT, okT := values(nm.types)
	codes, otherC, okC := values(nm.codes)
	for _, p := range []sgsim.Protocol{sgsim.ICMP, sgsim.ICMPv6} {
		for _, t := range types {
			for _, c := range codes {
				out = append(out, probe{proto: p, icmpT: t, icmpC: c})
			}
			if okC {
				out = append(out, probe{proto: p, icmpT: t, icmpC: otherC, otherICMP: true})
			}
		}
		if okT {
			for _, c := range codes {
				out = append(out, probe{proto: p, icmpT: otherT, icmpC: c, otherICMP: true})
			}
			if okC {
				out = append(out, probe{proto: p, icmpT: otherT, icmpC: otherC, otherICMP: true})
			}
		}
	}
	first := true
	for n := 0; n < 256; n++ {
		p := sgsim.ProtocolNumber(uint8(n))
		if p.HasPorts() || p.IsICMP() {
			continue
		}
		if nm.protos[p] {
			out = append(out, probe{proto: p})
		} else if first {
			out = append(out, probe{proto: p, otherProtos: true})
			first = false
		}
	}
	return out
}

// ExposureAudit audits what the outside reaches: for every endpoint with
// security groups, the exact set of flows from the outside addresses
// (Outside(spec) when outside is the zero Addrs; the addresses of
// endpoints with groups and of Members are never outside) whose forward packets
// are delivered (sgsim.Delivered: an attacker's packet arrives, whatever
// happens to the reply), per protocol and destination port (or ICMP
// message), each with the addresses that reach it and the rule of the
// endpoint's groups that lets it in. Endpoints without security groups
// (the internet, addresses nothing guards) are not audited. Results are
// in endpoint order, and by protocol, port and sources within one.
//
// It is exact, not a pattern match on 0.0.0.0/0: every TCP, UDP and SCTP
// port; every ICMP and ICMPv6 type and code (one query per type and code
// a rule names, and one for all those no rule names); every other
// protocol (one query per protocol a rule names, one for all the rest).
// A rule from a few fixed addresses is reported with those addresses; an
// endpoint whose groups let nothing in reports nothing.
func ExposureAudit(n *sgsim.Network, spec sgsim.NetworkSpec, outside sgsim.Addrs) ([]Exposed, error) {
	outside = ExposureSources(spec, outside)
	var out []Exposed
	ps := probes(namedValues(spec))
	for _, e := range spec.Endpoints {
		if len(e.Groups) == 0 {
			continue
		}
		var groups []sgsim.Group
		for _, id := range e.Groups {
			g, ok := n.Group(id)
			if !ok {
				return nil, fmt.Errorf("exposure of %s: no group %q", e.Name, id)
			}
			groups = append(groups, g)
		}
		c, err := sgsim.Compile(n.Cloud(), groups...)
		if err != nil {
			return nil, fmt.Errorf("exposure of %s: %w", e.Name, err)
		}
		type key struct {
			proto           sgsim.Protocol
			t, c            uint8
			rule            *sgsim.Rule
			group           string
			src, dst        string
			other, otherICM bool
		}
		found := map[key]*Exposed{}
		var order []key
		for _, v6 := range []bool{false, true} {
			from, to := addrx.Family(outside, v6), addrx.Family(e.Addrs, v6)
			if from.IsEmpty() || to.IsEmpty() {
				continue
			}
			for _, p := range ps {
				if p.proto == sgsim.ICMP && v6 || p.proto == sgsim.ICMPv6 && !v6 {
					continue
				}
				q := sgsim.Query{From: from, To: to, Protocol: p.proto, ICMPType: p.icmpT, ICMPCode: p.icmpC, Question: sgsim.Delivered}
				if p.proto.HasPorts() {
					q.SrcPorts = sgsim.Ports{sgsim.AllPorts}
				}
				r, err := n.Reach(q)
				if err != nil {
					return nil, fmt.Errorf("exposure of %s: %w", e.Name, err)
				}
				for _, a := range r.Allowed {
					sp := sgsim.Space{Protocol: p.proto, Src: a.Src, Dst: a.Dst, SrcPorts: a.SrcPorts, DstPorts: a.DstPorts}
					if p.proto.IsICMP() {
						sp.ICMPTypes = sgsim.Ports{sgsim.Port(uint16(p.icmpT))}
						sp.ICMPCodes = sgsim.Ports{sgsim.Port(uint16(p.icmpC))}
					}
					boxes, err := c.Partition(sgsim.Ingress, sp)
					if err != nil {
						return nil, fmt.Errorf("exposure of %s: %w", e.Name, err)
					}
					for _, b := range boxes {
						v := b.Verdict
						if !v.Allowed() {
							// Let in by no rule of the groups (members of an
							// Alibaba group reach each other): no rule to name.
							v = sgsim.Verdict{Action: sgsim.Allow}
						}
						k := key{proto: p.proto, t: p.icmpT, c: p.icmpC, rule: v.Rule, group: v.Group,
							src: b.Src.String(), dst: b.Dst.String(), other: p.otherProtos, otherICM: p.otherICMP}
						x, ok := found[k]
						if !ok {
							x = &Exposed{Endpoint: e.Name, Protocol: p.proto, OtherProtocols: p.otherProtos, ICMPType: p.icmpT, ICMPCode: p.icmpC,
								OtherICMP: p.otherICMP, Sources: b.Src, Dst: b.Dst, Verdict: v, Witness: b.TestFlow()}
							if p.proto.IsICMP() {
								x.Witness.ICMPType, x.Witness.ICMPCode = p.icmpT, p.icmpC
							}
							if !p.proto.HasPorts() {
								x.Witness.SrcPort, x.Witness.DstPort = 0, 0
							}
							found[k] = x
							order = append(order, k)
						}
						if p.proto.HasPorts() {
							x.Ports = append(x.Ports, b.DstPorts...).Normalize()
							if b.DstPorts == nil {
								x.Ports = sgsim.Ports{sgsim.AllPorts}
							}
						}
					}
				}
			}
		}
		var mine []Exposed
		for _, k := range order {
			mine = append(mine, *found[k])
		}
		// Boxes that differ in one side only are one opening: the
		// union of A x D x P and B x D x P is (A+B) x D x P.
		mine = mergeExposed(mine, true)
		mine = mergeExposed(mine, false)
		mine = mergeICMP(mine, ps)
		for i := range mine {
			mine[i].Severity = PortSeverity(mine[i].Protocol, mine[i].Ports)
		}
		slices.SortStableFunc(mine, func(a, b Exposed) int {
			return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), firstPort(a.Ports)-firstPort(b.Ports),
				cmp.Compare(a.ICMPType, b.ICMPType), cmp.Compare(a.ICMPCode, b.ICMPCode), cmp.Compare(a.Sources.String(), b.Sources.String()))
		})
		out = append(out, mine...)
	}
	return out, nil
}

// mergeICMP replaces the ICMP entries of one protocol, rule, sources and
// destinations that cover every probe of the protocol by one entry with
// AllICMP.
func mergeICMP(xs []Exposed, ps []probe) []Exposed {
	probes := map[sgsim.Protocol]int{}
	for _, p := range ps {
		if p.proto.IsICMP() {
			probes[p.proto]++
		}
	}
	type key struct {
		proto         sgsim.Protocol
		rule          *sgsim.Rule
		group, sr, ds string
	}
	keyOf := func(x Exposed) key {
		return key{x.Protocol, x.Verdict.Rule, x.Verdict.Group, x.Sources.String(), x.Dst.String()}
	}
	count := map[key]int{}
	for _, x := range xs {
		if x.Protocol.IsICMP() {
			count[keyOf(x)]++
		}
	}
	var out []Exposed
	done := map[key]bool{}
	for _, x := range xs {
		k := keyOf(x)
		if !x.Protocol.IsICMP() || count[k] != probes[x.Protocol] {
			out = append(out, x)
			continue
		}
		if done[k] {
			continue
		}
		done[k] = true
		x.AllICMP, x.OtherICMP, x.ICMPType, x.ICMPCode = true, false, 0, 0
		out = append(out, x)
	}
	return out
}

// mergeExposed merges the entries that differ only in their sources
// (sources true) or only in their destinations, keeping the first's
// witness.
func mergeExposed(xs []Exposed, sources bool) []Exposed {
	type key struct {
		proto             sgsim.Protocol
		t, c              uint8
		rule              *sgsim.Rule
		group, same, port string
		other, otherICMP  bool
	}
	idx := map[key]int{}
	var out []Exposed
	for _, x := range xs {
		same := x.Dst.String()
		if !sources {
			same = x.Sources.String()
		}
		k := key{x.Protocol, x.ICMPType, x.ICMPCode, x.Verdict.Rule, x.Verdict.Group, same, x.Ports.String(), x.OtherProtocols, x.OtherICMP}
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, x)
			continue
		}
		var b netipx.IPSetBuilder
		if sources {
			b.AddSet(out[i].Sources.Set())
			b.AddSet(x.Sources.Set())
		} else {
			b.AddSet(out[i].Dst.Set())
			b.AddSet(x.Dst.Set())
		}
		set, _ := b.IPSet()
		if sources {
			out[i].Sources = sgsim.AddrsOf(set)
		} else {
			out[i].Dst = sgsim.AddrsOf(set)
		}
	}
	return out
}

// ExposureSources returns the sources ExposureAudit asks about: a, or
// Outside(spec) when a is the zero Addrs, less the addresses of every
// endpoint with security groups and every Members entry: the cluster's
// own addresses, which are not outside (and whose traffic group-membership
// rules, such as Alibaba's InnerAccessPolicy, may let in with no rule).
func ExposureSources(spec sgsim.NetworkSpec, a sgsim.Addrs) sgsim.Addrs {
	if a.IsAny() {
		a = Outside(spec)
	}
	var b netipx.IPSetBuilder
	b.AddSet(a.Set())
	for _, e := range spec.Endpoints {
		if len(e.Groups) > 0 {
			b.RemoveSet(e.Addrs.Set())
		}
	}
	for _, m := range spec.Members {
		if !m.IsAny() {
			b.RemoveSet(m.Set())
		}
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func firstPort(ps sgsim.Ports) int {
	if len(ps) == 0 {
		return 0
	}
	return int(ps[0].First)
}
