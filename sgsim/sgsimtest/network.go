package sgsimtest

import (
	"fmt"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Small networks: everything lives in 10.0.0.0/26, so that range queries,
// audits and intents over them can be checked by enumerating every flow.
var (
	smallBase = netip.MustParseAddr("10.0.0.0")

	// SmallBits are the prefix lengths SmallNetwork draws rule and
	// exemption prefixes with.
	SmallBits = []int{26, 27, 28, 29, 30, 32}
)

// SmallPrefix draws a prefix inside 10.0.0.0/26 with one of the lengths.
func SmallPrefix(t *rapid.T, bits []int, label string) netip.Prefix {
	b := rapid.SampledFrom(bits).Draw(t, label+" bits")
	off := rapid.IntRange(0, 63).Draw(t, label+" offset")
	a := smallBase.As4()
	a[3] = byte(off)
	return netip.PrefixFrom(netip.AddrFrom4(a), b).Masked()
}

// SmallOptions widen what SmallNetwork and SmallRule draw. The zero value
// draws destination ports starting at 22, 80, 1023 or 1024, source ports
// 1024-65535 on ACL rules only, and no overlays.
type SmallOptions struct {
	// DstPorts are the ports a destination port range starts at (one or
	// two ports wide); nil means 22, 80, 1023 and 1024.
	DstPorts []uint16
	// SrcPorts are the source port ranges a rule may have; nil means
	// 1024-65535 only (then no draw picks among them).
	SrcPorts []sgsim.PortRange
	// GroupSrcPorts lets security group rules of the clouds whose groups
	// match source ports (Huawei, FirstMatch) have them too, not only
	// ACL rules.
	GroupSrcPorts bool
	// Overlay, when set, is called on about half the networks after the
	// endpoints are placed, to add overlay endpoints.
	Overlay func(t *rapid.T, spec *sgsim.NetworkSpec)
	// Protocols are the protocols a rule may have; nil means any, TCP
	// (twice as often), UDP and ICMP.
	Protocols []sgsim.Protocol
	// ICMPCodes lets an ICMP rule that matches a type match a code of it
	// too (0, 1 or 4), and adds type 13 (timestamp, a query with a reply)
	// to the types.
	ICMPCodes bool
}

// SmallRule draws a rule for a network of SmallNetwork: of semantics s
// (ACL rules when acl is set), possibly naming one of the groups as its
// remote, with ports and prefixes from a few values so that rules overlap
// and abut often.
func SmallRule(t *rapid.T, s sgsim.Semantics, groups []string, label string, acl bool, o SmallOptions) sgsim.Rule {
	var r sgsim.Rule
	r.ID = label
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	if s == sgsim.Union && !acl {
		r.Action = sgsim.Allow
	}
	sem := s
	if acl {
		sem = sgsim.ACL
	}
	if lo, hi, used := sem.PriorityRange(); used {
		r.Priority = rapid.IntRange(lo, min(hi, lo+2)).Draw(t, label+" priority")
	}
	protos := o.Protocols
	if protos == nil {
		protos = []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.TCP, sgsim.UDP, sgsim.ICMP}
	}
	r.Protocol = rapid.SampledFrom(protos).Draw(t, label+" proto")
	dports := o.DstPorts
	if dports == nil {
		dports = []uint16{22, 80, 1023, 1024}
	}
	if r.Protocol.HasPorts() && rapid.Bool().Draw(t, label+" has dport") {
		a := rapid.SampledFrom(dports).Draw(t, label+" dport")
		r.DstPorts = sgsim.Ports{{First: a, Last: a + uint16(rapid.IntRange(0, 1).Draw(t, label+" dport width"))}}
	}
	sportsOK := acl || o.GroupSrcPorts && (s == sgsim.Huawei || s == sgsim.FirstMatch)
	if r.Protocol.HasPorts() && sportsOK && rapid.Bool().Draw(t, label+" has sport") {
		if o.SrcPorts == nil {
			r.SrcPorts = sgsim.Ports{{First: 1024, Last: 65535}}
		} else {
			r.SrcPorts = sgsim.Ports{rapid.SampledFrom(o.SrcPorts).Draw(t, label+" sport")}
		}
	}
	if r.Protocol == sgsim.ICMP && rapid.Bool().Draw(t, label+" icmp type") {
		types := []uint8{0, 3, 8, 14}
		if o.ICMPCodes {
			types = append(types, 13)
		}
		r.ICMP = sgsim.ICMPType(rapid.SampledFrom(types).Draw(t, label+" type"))
		if o.ICMPCodes && rapid.Bool().Draw(t, label+" icmp code") {
			r.ICMP = sgsim.ICMPTypeCode(r.ICMP.Type, rapid.SampledFrom([]uint8{0, 1, 4}).Draw(t, label+" code"))
		}
	}
	remote := rapid.IntRange(0, 3).Draw(t, label+" remote")
	switch {
	case remote == 0:
	case remote == 1 && !acl && len(groups) > 0:
		r.RemoteGroup = rapid.SampledFrom(groups).Draw(t, label+" group")
	default:
		a := sgsim.PrefixAddrs(SmallPrefix(t, SmallBits, label+" remote"))
		if r.Direction == sgsim.Ingress {
			r.Src = a
		} else {
			r.Dst = a
		}
	}
	if acl && rapid.Bool().Draw(t, label+" local") {
		a := sgsim.PrefixAddrs(SmallPrefix(t, SmallBits, label+" local"))
		if r.Direction == sgsim.Ingress {
			r.Dst = a
		} else {
			r.Src = a
		}
	}
	return r
}

// SmallNetwork draws a network of one to four endpoints at fixed disjoint
// places in two subnets (a = 10.0.0.0/27 with 10.0.0.0/29 and
// 10.0.0.8/29, b = 10.0.0.32/27 with 10.0.0.32/29 and 10.0.0.48/28), in a
// random cloud, with one to three groups of up to five rules, an ACL of
// up to four rules on either subnet, maybe an exemption and maybe a
// stateful ACL override. It fails t if BuildNetwork refuses the spec.
func SmallNetwork(t *rapid.T, o SmallOptions) (sgsim.NetworkSpec, *sgsim.Network) {
	s := rapid.SampledFrom([]sgsim.Semantics{sgsim.Huawei, sgsim.Alibaba, sgsim.Tencent, sgsim.Union, sgsim.FirstMatch}).Draw(t, "cloud")
	spec := sgsim.NetworkSpec{Cloud: s}
	ng := rapid.IntRange(1, 3).Draw(t, "groups")
	var ids []string
	for g := 0; g < ng; g++ {
		ids = append(ids, fmt.Sprint("sg", g))
	}
	for g := 0; g < ng; g++ {
		grp := sgsim.Group{ID: ids[g]}
		if s == sgsim.Alibaba {
			grp.InnerAccess = sgsim.InnerAccess(rapid.IntRange(1, 2).Draw(t, grp.ID+" inner"))
		}
		nr := rapid.IntRange(0, 5).Draw(t, grp.ID+" rules")
		for i := 0; i < nr; i++ {
			grp.Rules = append(grp.Rules, SmallRule(t, s, ids, fmt.Sprintf("%s.r%d", grp.ID, i), false, o))
		}
		spec.Groups = append(spec.Groups, grp)
	}
	spec.Subnets = []sgsim.Subnet{
		{Name: "a", Prefix: netip.MustParsePrefix("10.0.0.0/27")},
		{Name: "b", Prefix: netip.MustParsePrefix("10.0.0.32/27")},
	}
	for i := range spec.Subnets {
		if rapid.Bool().Draw(t, fmt.Sprint("subnet", i, " acl")) {
			acl := sgsim.Group{ID: fmt.Sprint("acl", i)}
			nr := rapid.IntRange(0, 4).Draw(t, acl.ID+" rules")
			for j := 0; j < nr; j++ {
				acl.Rules = append(acl.Rules, SmallRule(t, s, nil, fmt.Sprintf("%s.r%d", acl.ID, j), true, o))
			}
			spec.ACLs = append(spec.ACLs, acl)
			spec.Subnets[i].ACL = acl.ID
		}
	}
	// Endpoints: disjoint /29s at fixed places, some in no subnet group.
	slots := []string{"10.0.0.0/29", "10.0.0.8/29", "10.0.0.32/29", "10.0.0.48/28"}
	ne := rapid.IntRange(1, len(slots)).Draw(t, "endpoints")
	for i := 0; i < ne; i++ {
		p := netip.MustParsePrefix(slots[i])
		sub := "a"
		if p.Addr().As4()[3] >= 32 {
			sub = "b"
		}
		e := sgsim.Endpoint{Name: fmt.Sprint("ep", i), Addrs: sgsim.PrefixAddrs(p), Subnet: sub}
		perm := rapid.Permutation(ids).Draw(t, e.Name+" groups")
		e.Groups = perm[:rapid.IntRange(0, len(ids)).Draw(t, e.Name+" ngroups")]
		spec.Endpoints = append(spec.Endpoints, e)
	}
	if o.Overlay != nil && rapid.Bool().Draw(t, "overlay") {
		o.Overlay(t, &spec)
	}
	if rapid.Bool().Draw(t, "exempt") {
		// Traffic the ACLs never filter, on a service port or any.
		e := sgsim.Exempt{Addrs: sgsim.PrefixAddrs(SmallPrefix(t, SmallBits, "exempt")), Why: "exempt",
			Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP}).Draw(t, "exempt proto")}
		if rapid.Bool().Draw(t, "exempt port") {
			e.Ports = sgsim.Ports{sgsim.Port(80)}
		}
		spec.Exempt = []sgsim.Exempt{e}
	}
	if rapid.Bool().Draw(t, "stateful override") {
		st := rapid.Bool().Draw(t, "stateful")
		spec.StatefulACL = &st
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatalf("BuildNetwork: %v", err)
	}
	return spec, n
}

// SmallOverlays (for SmallOptions.Overlay) adds pods 10.0.0.16/28 carried over ep0 (10.0.0.0/29) in
// /30 blocks and, when there is an ep2 (10.0.0.32/29), pods2
// 10.0.0.40/29 over it, on the same or another port, with outer source
// ports that rules may split.
func SmallOverlays(t *rapid.T, spec *sgsim.NetworkSpec) {
	var ids []string
	for _, g := range spec.Groups {
		ids = append(ids, g.ID)
	}
	place := func(name, pods string, under int, blocks int) {
		u := spec.Endpoints[under]
		var hosts []netip.Addr
		for a := u.Addrs.Ranges()[0].From(); u.Addrs.Contains(a); a = a.Next() {
			hosts = append(hosts, a)
		}
		hosts = rapid.Permutation(hosts).Draw(t, name+" hosts")
		p := netip.MustParsePrefix(pods)
		o := sgsim.Overlay{Underlay: u.Name, Encap: rapid.SampledFrom([]sgsim.Encap{sgsim.VXLAN, sgsim.Geneve}).Draw(t, name+" encap"),
			Port:     rapid.SampledFrom([]uint16{0, 4789, 80}).Draw(t, name+" port"),
			SrcPorts: rapid.SampledFrom([]sgsim.PortRange{{First: 1020, Last: 1030}, {First: 80, Last: 80}, {}}).Draw(t, name+" sports")}
		if o.Encap == sgsim.Geneve && o.Port == 0 {
			o.Port = 4789 // carried together with VXLAN pods only on the same port and encapsulation
		}
		n := rapid.IntRange(1, blocks).Draw(t, name+" blocks")
		next := p.Addr()
		for i := 0; i < n; i++ {
			b := netip.PrefixFrom(next, 30)
			o.Hosts = append(o.Hosts, sgsim.OverlayHost{Addr: hosts[i], Block: b})
			next = next.Next().Next().Next().Next()
			if rapid.Bool().Draw(t, name+" gap") {
				next = next.Next().Next().Next().Next()
			}
			if !p.Contains(next) {
				break
			}
		}
		e := sgsim.Endpoint{Name: name, Addrs: sgsim.PrefixAddrs(p), Overlay: o,
			Subnet: rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, name+" subnet")}
		perm := rapid.Permutation(ids).Draw(t, name+" groups")
		e.Groups = perm[:rapid.IntRange(0, len(ids)).Draw(t, name+" ngroups")]
		spec.Endpoints = append(spec.Endpoints, e)
	}
	place("pods", "10.0.0.16/28", 0, 4)
	if len(spec.Endpoints) > 3 && rapid.Bool().Draw(t, "pods2") {
		place("pods2", "10.0.0.40/29", 2, 2)
		if rapid.IntRange(0, 3).Draw(t, "pods2 apart") > 0 { // mostly carried together with pods
			o := &spec.Endpoints[len(spec.Endpoints)-1].Overlay
			o.Encap, o.Port = spec.Endpoints[len(spec.Endpoints)-2].Overlay.Encap, spec.Endpoints[len(spec.Endpoints)-2].Overlay.Port
		}
	}
}
