package provider

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// NIC is one network interface (AWS and Alibaba ENI, Huawei port, Tencent
// ENI) as a vendor's listing shows it: what places security groups on
// addresses. The vendor readers (aws.ReadNetworkInterfaces,
// huawei.ReadPorts, alibaba.ReadNetworkInterfaces,
// tencent.ReadNetworkInterfaces) return these.
type NIC struct {
	ID   string // the vendor's record ID: eni-..., a port UUID; names the endpoint
	Name string // the vendor's display name, or ""
	// Addrs are the interface's private addresses, IPv4 and IPv6, as
	// single-address prefixes, and the prefixes delegated to it (AWS and
	// Alibaba prefix delegation), primary address first.
	Addrs  []netip.Prefix
	Subnet string   // ID of its subnet (vSwitch), or "" when the listing has none
	Groups []string // security group IDs in attachment order
	Origin sgsim.Origin
}

// Subnet is a subnet (Alibaba: vSwitch) from a vendor's listing, with the
// network ACL bound to it.
type Subnet struct {
	ID       string         // the vendor's subnet ID, as NIC.Subnet names it
	Prefixes []netip.Prefix // its CIDR blocks: the IPv4 block, then IPv6
	ACL      string         // ID of the bound network ACL, or "" (unknown or none)
	Origin   sgsim.Origin
}

// ACLBinding says that a network ACL is bound to a subnet, as an ACL
// document lists it (AWS DescribeNetworkAcls Associations, Huawei
// firewall associations, Alibaba ACL Resources, Tencent ACL SubnetSet).
type ACLBinding struct {
	ACL, Subnet string
	Origin      sgsim.Origin
}

// Placement is what vendor listings say about where groups sit: network
// interfaces, subnets and ACL bindings, to be merged into a Topology with
// Topology.Place.
type Placement struct {
	NICs     []NIC
	Subnets  []Subnet
	Bindings []ACLBinding
}

// Warning is something the input left open that does not stop a network
// from being built, such as a rule referencing a security group the export
// does not contain. What and Name say what it is about ("security group",
// "sg-peer"), Msg what was done.
type Warning struct {
	What, Name, Msg string
}

func (w Warning) String() string { return w.What + " " + strconv.Quote(w.Name) + ": " + w.Msg }

// PlacementError reports listings that cannot be merged: the same NIC or
// subnet twice with different contents, or a subnet bound to two ACLs.
type PlacementError struct {
	What, Name, Msg string
}

func (e *PlacementError) Error() string {
	return "placement: " + e.What + " " + strconv.Quote(e.Name) + ": " + e.Msg
}

// Place returns t with the endpoints and subnets the listings give, and
// warnings for what it had to leave out or replace. The listings come
// first; the topology fills in what they do not carry:
//
//   - Subnets: one sgsim.Subnet per listed subnet, named by its ID, with
//     its first prefix (IPv4 when it has one) as Prefix and the others (a
//     dual-stack subnet's IPv6 block) in Also, and the ACL its record
//     names or a binding gives (a subnet bound to two different ACLs is
//     an error). A subnet that only a binding names (no subnet listing
//     given) becomes a subnet without blocks: its ACL applies to the NICs
//     in it, and addresses no NIC holds are in no subnet. A topology
//     subnet of the same name replaces the listed one, with a warning. A
//     topology subnet takes the ACL an export binds to it unless it names
//     one of its own, which then decides (with a warning when the two
//     differ).
//   - Endpoints: one per NIC, named by its ID, with its addresses, its
//     subnet (when that subnet is listed, bound or in the topology;
//     otherwise no subnet ACL applies, and, when the input places any
//     ACL, one warning per such subnet says so) and
//     its groups in attachment order. A NIC without addresses is left out
//     with a warning. A NIC listed twice must be the same both times.
//   - Topology endpoints come after the NICs. One with a NIC's name
//     replaces the NIC (warning); the others keep only the addresses no
//     NIC holds, so that a hand-written "internet" of 0.0.0.0/0 means
//     every address the listings do not place. One left with no address
//     is dropped with a warning.
//
// Place does not look at groups: Topology.Build reports groups that the
// endpoints carry or rules reference but the export does not contain.
func (t Topology) Place(p Placement) (Topology, []Warning, error) {
	var warns []Warning
	warn := func(what, name, msg string) { warns = append(warns, Warning{what, name, msg}) }
	out := Topology{Cloud: t.Cloud, Lists: t.Lists, Members: t.Members}

	// Subnets from the listings, with their ACLs.
	type subnet struct {
		s   Subnet
		acl string
	}
	subs := map[string]*subnet{}
	var order []string
	for _, s := range p.Subnets {
		if s.ID == "" {
			return t, nil, &PlacementError{"subnet", "", "listed without an ID (" + originText(s.Origin) + ")"}
		}
		if len(s.Prefixes) == 0 {
			return t, nil, &PlacementError{"subnet", s.ID, "listed without a CIDR block (" + originText(s.Origin) + ")"}
		}
		if old, ok := subs[s.ID]; ok {
			if !slices.Equal(old.s.Prefixes, s.Prefixes) {
				return t, nil, &PlacementError{"subnet", s.ID, "listed twice with different CIDR blocks (" + originText(old.s.Origin) + ", " + originText(s.Origin) + ")"}
			}
			if err := bindACL(&old.acl, s.ID, s.ACL, s.Origin); err != nil {
				return t, nil, err
			}
			continue
		}
		subs[s.ID] = &subnet{s: s, acl: s.ACL}
		order = append(order, s.ID)
	}
	topoSub := map[string]bool{}
	for _, s := range t.Subnets {
		topoSub[s.Name] = true
	}
	aclKnown := false // some subnet has an ACL: the user gave ACL placement
	for _, s := range t.Subnets {
		aclKnown = aclKnown || s.ACL != ""
	}
	topoBound := map[string]string{} // topology subnet: the ACL the bindings give
	for _, b := range p.Bindings {
		aclKnown = true
		if topoSub[b.Subnet] {
			cur := topoBound[b.Subnet]
			if err := bindACL(&cur, b.Subnet, b.ACL, b.Origin); err != nil {
				return t, nil, err
			}
			topoBound[b.Subnet] = cur
			continue
		}
		sub, ok := subs[b.Subnet]
		if !ok {
			// A subnet known by its binding only: its blocks are
			// unknown, it holds the NICs that name it.
			sub = &subnet{s: Subnet{ID: b.Subnet, Origin: b.Origin}}
			subs[b.Subnet] = sub
			order = append(order, b.Subnet)
		}
		if err := bindACL(&sub.acl, b.Subnet, b.ACL, b.Origin); err != nil {
			return t, nil, err
		}
	}
	for _, id := range order {
		if topoSub[id] {
			warn("subnet", id, "the topology's entry replaces the listed one")
			continue
		}
		s := subs[id]
		aclKnown = aclKnown || s.acl != ""
		if len(s.s.Prefixes) == 0 {
			out.Subnets = append(out.Subnets, sgsim.Subnet{Name: id, ACL: s.acl})
			continue
		}
		prefixes := slices.Clone(s.s.Prefixes)
		sort.SliceStable(prefixes, func(i, j int) bool { return prefixes[i].Addr().Is4() && !prefixes[j].Addr().Is4() })
		out.Subnets = append(out.Subnets, sgsim.Subnet{Name: id, Prefix: prefixes[0].Masked(), Also: masked(prefixes[1:]), ACL: s.acl})
	}
	for _, s := range t.Subnets {
		switch acl := topoBound[s.Name]; {
		case acl == "" || acl == s.ACL:
		case s.ACL == "":
			s.ACL = acl // the topology gives the blocks, the export the ACL
		default:
			warn("subnet", s.Name, "the topology's network ACL "+strconv.Quote(s.ACL)+" replaces the one the export binds, "+strconv.Quote(acl))
		}
		out.Subnets = append(out.Subnets, s)
	}
	known := map[string]bool{}
	for _, s := range out.Subnets {
		known[s.Name] = true
	}

	// Endpoints from the NICs.
	topoEP := map[string]bool{}
	for _, e := range t.Endpoints {
		topoEP[e.Name] = true
	}
	seen := map[string]NIC{}
	unknownSub := map[string]int{}
	var unknownOrder []string
	var placed netipx.IPSetBuilder
	for _, n := range p.NICs {
		if n.ID == "" {
			return t, nil, &PlacementError{"NIC", "", "listed without an ID (" + originText(n.Origin) + ")"}
		}
		if old, ok := seen[n.ID]; ok {
			if !slices.Equal(old.Addrs, n.Addrs) || old.Subnet != n.Subnet || !slices.Equal(old.Groups, n.Groups) {
				return t, nil, &PlacementError{"NIC", n.ID, "listed twice with different addresses, subnet or groups (" + originText(old.Origin) + ", " + originText(n.Origin) + ")"}
			}
			continue
		}
		seen[n.ID] = n
		if topoEP[n.ID] {
			warn("endpoint", n.ID, "the topology's entry replaces the listed NIC")
			continue
		}
		if len(n.Addrs) == 0 {
			warn("NIC", n.ID, "has no addresses; left out")
			continue
		}
		var b netipx.IPSetBuilder
		for _, a := range n.Addrs {
			b.AddPrefix(a.Masked())
		}
		set, _ := b.IPSet()
		placed.AddSet(set)
		e := sgsim.Endpoint{Name: n.ID, Addrs: sgsim.AddrsOf(set), Groups: slices.Clone(n.Groups)}
		if n.Subnet != "" {
			if known[n.Subnet] {
				e.Subnet = n.Subnet
			} else {
				if unknownSub[n.Subnet] == 0 {
					unknownOrder = append(unknownOrder, n.Subnet)
				}
				unknownSub[n.Subnet]++
			}
		}
		out.Endpoints = append(out.Endpoints, e)
	}
	for _, id := range unknownOrder {
		if aclKnown {
			warn("subnet", id, "holds "+plural(unknownSub[id], "listed NIC")+" but no subnet listing, ACL binding or topology names it: no network ACL applies to them")
		}
	}

	// Topology endpoints: the addresses no NIC holds.
	taken, _ := placed.IPSet()
	for _, e := range t.Endpoints {
		if taken.Overlaps(e.Addrs.Set()) {
			var b netipx.IPSetBuilder
			b.AddSet(e.Addrs.Set())
			b.RemoveSet(taken)
			rest, _ := b.IPSet()
			if len(rest.Ranges()) == 0 {
				warn("endpoint", e.Name, "every address of it belongs to a listed NIC; the topology's entry is dropped")
				continue
			}
			e.Addrs = sgsim.AddrsOf(rest)
		}
		e.Groups = slices.Clone(e.Groups)
		out.Endpoints = append(out.Endpoints, e)
	}
	return out, warns, nil
}

func masked(ps []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		out = append(out, p.Masked())
	}
	return out
}

func bindACL(cur *string, subnet, acl string, o sgsim.Origin) error {
	switch {
	case acl == "" || *cur == acl:
	case *cur == "":
		*cur = acl
	default:
		return &PlacementError{"subnet", subnet, "bound to two network ACLs, " + strconv.Quote(*cur) + " and " + strconv.Quote(acl) + " (" + originText(o) + ")"}
	}
	return nil
}

func originText(o sgsim.Origin) string {
	if o.IsZero() {
		return "no origin"
	}
	return o.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// Build builds the network of imported groups and network ACLs placed by
// the topology, as Network does, but does not refuse groups the export
// leaves out; it returns a warning for each instead:
//
//   - A rule that references a security group not in groups (a group of
//     a peered VPC or another account, or a deleted one) matches the
//     addresses placed for it, and a warning names the group and the
//     rules that reference it. Its addresses are those of Topology.Members
//     (the topology's "members") and of the endpoints and NICs that carry
//     it; with none, it matches nothing.
//
//   - A rule that references an address list (an AWS prefix list, an
//     Alibaba address group, a Tencent address template) that the
//     topology's "lists" do not give matches nothing, with a warning
//     naming the list and the rules.
//
//   - An endpoint that carries a group not in groups keeps its subnet but
//     has no security-group hop, since the rules it would apply are
//     unknown; its addresses still count as members of every group it
//     carries, for the rules that reference them. A warning names the
//     endpoint and the missing groups.
//
//   - A subnet whose network ACL the export leaves out (a subnet or
//     vSwitch listing names every subnet's ACL, whether or not its
//     export was given) has no ACL hop, with a warning.
//
// Everything else that Network refuses (an undefined subnet, overlapping
// endpoints, bad rules) is still an error.
func (t Topology) Build(groups, acls []sgsim.Group) (*sgsim.Network, []Warning, error) {
	spec, warns := t.Spec(groups, acls)
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		return nil, warns, err
	}
	return n, warns, nil
}

// Spec returns the network spec that Build builds, with its warnings,
// for tools that need the spec itself (package analyze lints and diffs
// specs).
func (t Topology) Spec(groups, acls []sgsim.Group) (sgsim.NetworkSpec, []Warning) {
	var warns []Warning
	defined := map[string]bool{}
	for _, g := range groups {
		defined[g.ID] = true
	}
	spec := sgsim.NetworkSpec{Cloud: t.Cloud, Groups: groups, ACLs: acls, Lists: t.Lists, Subnets: slices.Clone(t.Subnets)}
	definedACL := map[string]bool{}
	for _, a := range acls {
		definedACL[a.ID] = true
	}
	for i, sn := range spec.Subnets {
		if sn.ACL != "" && !definedACL[sn.ACL] {
			warns = append(warns, Warning{"subnet", sn.Name, "its network ACL " + strconv.Quote(sn.ACL) +
				" is not in the export: no network ACL is evaluated for it (give the ACL's export to -rules to include it)"})
			spec.Subnets[i].ACL = ""
		}
	}
	members := map[string]*netipx.IPSetBuilder{}
	member := func(gid string, a sgsim.Addrs) {
		if members[gid] == nil {
			members[gid] = &netipx.IPSetBuilder{}
		}
		members[gid].AddSet(a.Set())
	}
	carried := map[string]bool{}
	for gid, a := range t.Members {
		member(gid, a)
	}
	for _, e := range t.Endpoints {
		var missing []string
		for _, gid := range e.Groups {
			carried[gid] = true
			if !defined[gid] {
				missing = append(missing, strconv.Quote(gid))
			}
		}
		if len(missing) > 0 {
			for _, gid := range e.Groups {
				member(gid, e.Addrs)
			}
			warns = append(warns, Warning{"endpoint", e.Name, fmt.Sprintf("carries security %s %s, which the export does not contain: "+
				"it has no security-group hop, and its addresses count as members of its groups for the rules that reference them",
				pluralWord(len(missing), "group"), strings.Join(missing, ", "))})
			e.Groups = nil
		}
		spec.Endpoints = append(spec.Endpoints, e)
	}
	refs := map[string][]string{}
	var refOrder []string
	for _, set := range [][]sgsim.Group{groups, acls} {
		for _, g := range set {
			for i, r := range g.Rules {
				if r.RemoteGroup == "" || defined[r.RemoteGroup] {
					continue
				}
				if refs[r.RemoteGroup] == nil {
					refOrder = append(refOrder, r.RemoteGroup)
				}
				refs[r.RemoteGroup] = append(refs[r.RemoteGroup], ruleRef(g, i))
			}
		}
	}
	for _, gid := range refOrder {
		msg := "not in the export, referenced by " + refText(refs[gid]) + ": "
		_, given := t.Members[gid]
		switch {
		case carried[gid] && given:
			msg += "it matches the topology's members of it and the endpoints that carry it"
		case given:
			msg += "it matches the topology's members of it"
		case carried[gid]:
			msg += "it matches the addresses of the endpoints that carry it"
		default:
			msg += `it matches nothing (give its addresses in the topology's "members" to change that)`
			member(gid, sgsim.AddrsOf(nil))
		}
		warns = append(warns, Warning{"security group", gid, msg})
	}
	// Address lists (AWS prefix lists, Alibaba address groups, Tencent
	// address templates) the rules name but the topology's "lists" do
	// not give: matched as empty, with a warning, as groups are.
	lrefs := map[string][]string{}
	var lrefOrder []string
	for _, set := range [][]sgsim.Group{groups, acls} {
		for _, g := range set {
			for i, r := range g.Rules {
				if _, ok := t.Lists[r.RemoteList]; r.RemoteList == "" || ok {
					continue
				}
				if lrefs[r.RemoteList] == nil {
					lrefOrder = append(lrefOrder, r.RemoteList)
				}
				lrefs[r.RemoteList] = append(lrefs[r.RemoteList], ruleRef(g, i))
			}
		}
	}
	if len(lrefOrder) > 0 {
		spec.Lists = maps.Clone(t.Lists)
		if spec.Lists == nil {
			spec.Lists = map[string]sgsim.Addrs{}
		}
	}
	for _, id := range lrefOrder {
		spec.Lists[id] = sgsim.AddrsOf(nil)
		warns = append(warns, Warning{"address list", id, "not given, referenced by " + refText(lrefs[id]) +
			`: it matches nothing (give its prefixes in the topology's "lists" to change that)`})
	}
	if len(members) > 0 {
		spec.Members = map[string]sgsim.Addrs{}
		for gid, b := range members {
			s, _ := b.IPSet()
			spec.Members[gid] = sgsim.AddrsOf(s)
		}
	}
	return spec, warns
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// refText lists the rules of a warning (ruleRef), the first three and
// how many more.
func refText(by []string) string {
	if len(by) > 3 {
		return strings.Join(by[:3], ", ") + fmt.Sprintf(" and %d more", len(by)-3)
	}
	return strings.Join(by, ", ")
}

// ruleRef names rule i of g for a warning: its ID, else its position.
func ruleRef(g sgsim.Group, i int) string {
	r := g.Rules[i]
	if r.ID != "" {
		return strconv.Quote(g.ID) + " rule " + strconv.Quote(r.ID)
	}
	return strconv.Quote(g.ID) + " rule " + strconv.Itoa(i)
}
