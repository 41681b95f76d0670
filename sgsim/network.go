package sgsim

import (
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go4.org/netipx"
)

// Endpoint is something that sends and receives traffic: an instance, a
// node pool, a pod range. Its traffic passes the ACL of one subnet (its
// addresses need not lie inside that subnet's prefix: pod ranges sit
// outside the node subnet whose ACL they cross) and it carries security
// groups in attachment order.
type Endpoint struct {
	Name   string
	Addrs  Addrs  // must be concrete (not any) and non-empty
	Subnet string // name of its subnet, or "" when no subnet ACL applies
	// Groups are security group IDs in attachment order. An endpoint
	// with no groups has no security-group hop: use it for addresses no
	// group guards, such as a load balancer's or the internet.
	Groups []string
	// Overlay, when not zero, declares the endpoint's traffic to other
	// overlay endpoints as carried between hosts in an encapsulation
	// (VXLAN, Geneve) over another endpoint: see Overlay.
	Overlay Overlay
}

// Subnet is a subnet (Alibaba: vSwitch) with an optional network ACL.
// Addresses that belong to no endpoint are placed in the subnet whose
// Prefix holds them. A subnet whose blocks are unknown (Prefix the zero
// netip.Prefix, Also empty) holds only the addresses of its endpoints:
// its ACL still applies to their traffic.
type Subnet struct {
	Name   string
	Prefix netip.Prefix
	// Also are the subnet's further CIDR blocks, such as a dual-stack
	// subnet's IPv6 block: addresses in them belong to the subnet as
	// those in Prefix do.
	Also []netip.Prefix
	ACL  string // ID of a network ACL in NetworkSpec.ACLs, or "" for none
}

// Exempt is traffic that network ACLs never filter, such as a vendor's
// metadata or DNS service. It matches a flow whose destination (or, for
// flows the service starts and for replies, source) is in Addrs with the
// given protocol and service port.
type Exempt struct {
	Addrs    Addrs
	Protocol Protocol // zero: any
	Ports    Ports    // service ports; nil: every port
	Why      string
}

// NetworkSpec describes a network to build.
type NetworkSpec struct {
	// Cloud selects the vendor: its security-group Semantics, whether its
	// network ACLs are stateful, and the traffic its ACLs never filter
	// (see Semantics.StatefulACL and Semantics.ACLExempt). Union is AWS.
	Cloud     Semantics
	Groups    []Group          // security groups
	ACLs      []Group          // network ACLs, evaluated with ACL semantics
	Lists     map[string]Addrs // address groups / prefix lists / address templates
	Subnets   []Subnet
	Endpoints []Endpoint
	// Members adds addresses to the members of security groups for
	// resolving rules that reference them (RemoteGroup), without
	// attaching the group to any endpoint: the members of a group of a
	// peered VPC or another account, or of an endpoint whose own
	// security-group hop is not modelled. A key need not be a group in
	// Groups; an empty Addrs makes a reference to it match nothing. The
	// members of a group are the addresses of the endpoints that carry it
	// and its Members entry.
	Members map[string]Addrs
	// Exempt, if non-nil, replaces Cloud.ACLExempt().
	Exempt []Exempt
	// StatefulACL, if non-nil, replaces Cloud.StatefulACL().
	StatefulACL *bool
}

// StatefulACL reports whether the cloud's network ACLs track connections,
// so that replies pass regardless of the opposite direction's rules:
// Huawei yes; Alibaba and AWS no; Tencent unconfirmed and treated as
// stateless.
func (s Semantics) StatefulACL() bool { return s == Huawei }

// ACLExempt returns the traffic a cloud's network ACLs never filter,
// besides traffic within one subnet (which no cloud's ACL filters).
func (s Semantics) ACLExempt() []Exempt {
	switch s {
	case Huawei:
		return []Exempt{
			{Addrs: MustParseAddrs("255.255.255.255"), Why: "broadcast 255.255.255.255/32 is never filtered by Huawei network ACLs"},
			{Addrs: MustParseAddrs("224.0.0.0/24"), Why: "multicast 224.0.0.0/24 is never filtered by Huawei network ACLs"},
			{Addrs: MustParseAddrs("169.254.169.254"), Protocol: TCP, Ports: Ports{Port(80)}, Why: "metadata 169.254.169.254 TCP 80 is never filtered by Huawei network ACLs"},
			{Addrs: MustParseAddrs("100.125.0.0/16"), Why: "Huawei service range 100.125.0.0/16 is never filtered by network ACLs"},
		}
	case Alibaba:
		return []Exempt{
			{Addrs: MustParseAddrs("100.100.2.128/28,100.100.2.112/28"), Why: "Alibaba DNS 100.100.2.128/28 and 100.100.2.112/28 are never filtered by network ACLs"},
			{Addrs: MustParseAddrs("100.100.100.200"), Why: "Alibaba metadata 100.100.100.200 is never filtered by network ACLs"},
		}
	}
	return nil
}

func (e *Exempt) matchesDst(f *Flow) bool {
	return e.Addrs.Contains(f.Dst) && (e.Protocol == AnyProtocol || e.Protocol == f.Proto) &&
		(!f.Proto.HasPorts() || e.Ports.Contains(f.DstPort))
}

func (e *Exempt) matchesSrc(f *Flow) bool {
	return e.Addrs.Contains(f.Src) && (e.Protocol == AnyProtocol || e.Protocol == f.Proto) &&
		(!f.Proto.HasPorts() || e.Ports.Contains(f.SrcPort))
}

// Network is a built network: validated, with every group reference
// resolved and every group set and ACL compiled once. It is immutable and
// safe for concurrent use.
type Network struct {
	cloud     Semantics
	stateful  bool
	exempt    []Exempt
	groups    []Group // resolved
	groupIdx  map[string]int
	endpoints []Endpoint
	epSG      []*Classifier // per endpoint: its groups compiled in attachment order; nil: no groups
	epInner   [][]int       // per endpoint: indexes of its InnerAccept groups
	subnets   []Subnet
	subACL    []*Classifier // per subnet; nil: no ACL
	subACLID  []string
	epSubnet  []int      // per endpoint: subnet index or -1
	zones     [2][]zone  // per family: sorted, disjoint address ranges with their endpoint / subnet
	zoneKeys  [2][]u128  // zones[f][i].lo, for binary search
	epOverlay []*overlay // per endpoint: its compiled Overlay; nil: native (the slice is nil when no endpoint has one)
	sportCuts []uint16   // sorted: source ports where a UDP rule's or exempt service's port range starts or ends
}

type zone struct {
	lo, hi   u128
	v6       bool
	endpoint int // -1: none
	subnet   int // -1: none
}

// BuildNetwork validates the spec, resolves group and list references and
// compiles every group set and ACL. Every group is validated under Cloud
// and every network ACL under ACL semantics, attached or not. Errors name
// the endpoint, subnet, group, network ACL or rule at fault.
func BuildNetwork(spec NetworkSpec) (*Network, error) {
	n := &Network{cloud: spec.Cloud, stateful: spec.Cloud.StatefulACL(), exempt: spec.Cloud.ACLExempt(), groupIdx: map[string]int{}}
	if spec.StatefulACL != nil {
		n.stateful = *spec.StatefulACL
	}
	if spec.Exempt != nil {
		n.exempt = slices.Clone(spec.Exempt)
	}
	fail := func(what, name, msg string) (*Network, error) {
		return nil, &NetworkError{What: what, Name: name, Msg: msg}
	}
	for i, g := range spec.Groups {
		if _, dup := n.groupIdx[g.ID]; dup {
			return fail("group", g.ID, "defined twice")
		}
		n.groupIdx[g.ID] = i
	}
	aclIdx := map[string]int{}
	for i, a := range spec.ACLs {
		if _, dup := aclIdx[a.ID]; dup {
			return fail("network ACL", a.ID, "defined twice")
		}
		aclIdx[a.ID] = i
	}
	subIdx := map[string]int{}
	for i, s := range spec.Subnets {
		if _, dup := subIdx[s.Name]; dup {
			return fail("subnet", s.Name, "defined twice")
		}
		blocks := s.Also
		if s.Prefix != (netip.Prefix{}) {
			blocks = append([]netip.Prefix{s.Prefix}, s.Also...)
		}
		for _, p := range blocks {
			if !p.IsValid() || p.Masked() != p {
				return fail("subnet", s.Name, "prefix "+strconv.Quote(p.String())+" is not a valid, canonical prefix")
			}
		}
		subIdx[s.Name] = i
	}
	// Members of each group, for resolving references.
	members := map[string]*netipx.IPSetBuilder{}
	overlapAt := firstOverlap(spec.Endpoints)
	epNames := map[string]bool{}
	for ei, e := range spec.Endpoints {
		if epNames[e.Name] {
			return fail("endpoint", e.Name, "defined twice")
		}
		epNames[e.Name] = true
		if e.Addrs.IsAny() || e.Addrs.IsEmpty() {
			return fail("endpoint", e.Name, "needs concrete addresses, got "+e.Addrs.String())
		}
		if e.Subnet != "" {
			if _, ok := subIdx[e.Subnet]; !ok {
				return fail("endpoint", e.Name, "subnet "+strconv.Quote(e.Subnet)+" is not defined")
			}
		}
		if ei == overlapAt {
			return fail("endpoint", e.Name, "addresses "+e.Addrs.String()+" overlap another endpoint's")
		}
		basic, advanced := 0, 0
		for _, gid := range e.Groups {
			gi, ok := n.groupIdx[gid]
			if !ok {
				return fail("endpoint", e.Name, "security group "+strconv.Quote(gid)+" is not defined")
			}
			if spec.Groups[gi].Advanced {
				advanced++
			} else {
				basic++
			}
			if members[gid] == nil {
				members[gid] = &netipx.IPSetBuilder{}
			}
			members[gid].AddSet(e.Addrs.Set())
		}
		if spec.Cloud == Alibaba {
			if len(e.Groups) > 10 {
				return fail("endpoint", e.Name, "has "+strconv.Itoa(len(e.Groups))+" security groups; Alibaba allows at most 10 per ENI")
			}
			if basic > 0 && advanced > 0 {
				return fail("endpoint", e.Name, "mixes basic and advanced security groups; Alibaba requires all of one kind")
			}
		}
	}
	for _, gid := range slices.Sorted(maps.Keys(spec.Members)) {
		a := spec.Members[gid]
		if a.IsAny() {
			return fail("members of group", gid, "must be concrete addresses (AddrsOf(nil) for none), not any")
		}
		if members[gid] == nil {
			members[gid] = &netipx.IPSetBuilder{}
		}
		members[gid].AddSet(a.Set())
	}
	memberSets := map[string]Addrs{}
	for _, g := range spec.Groups {
		memberSets[g.ID] = AddrsOf(nil)
	}
	for gid, b := range members {
		s, _ := b.IPSet()
		memberSets[gid] = AddrsOf(s)
	}
	for _, g := range spec.Groups {
		rg, err := Resolve(g, memberSets, spec.Lists)
		if err != nil {
			return nil, err
		}
		for i := range rg.Rules {
			// Attached groups are validated again by Compile; this
			// catches the others.
			if err := validateUnder(spec.Cloud, &rg.Rules[i]); err != nil {
				if re, ok := err.(*RuleError); ok {
					re.Group, re.Index = g.ID, i
				}
				return nil, err
			}
		}
		n.groups = append(n.groups, rg)
	}
	acls := make([]*Classifier, len(spec.ACLs))
	for i, a := range spec.ACLs {
		ra, err := Resolve(a, memberSets, spec.Lists)
		if err != nil {
			return nil, err
		}
		if acls[i], err = Compile(ACL, ra); err != nil {
			return nil, err
		}
	}
	// Compile each endpoint's group list, sharing equal lists.
	cache := map[string]*Classifier{}
	for _, e := range spec.Endpoints {
		key := strings.Join(e.Groups, "\x00")
		c := cache[key]
		if c == nil {
			gs := make([]Group, len(e.Groups))
			for i, gid := range e.Groups {
				gs[i] = n.groups[n.groupIdx[gid]]
			}
			var err error
			if c, err = Compile(spec.Cloud, gs...); err != nil {
				return nil, err
			}
			cache[key] = c
		}
		var inner []int
		for _, gid := range e.Groups {
			if gi := n.groupIdx[gid]; n.groups[gi].InnerAccess == InnerAccept && !n.groups[gi].Advanced {
				inner = append(inner, gi)
			}
		}
		e.Groups = slices.Clone(e.Groups)
		n.endpoints = append(n.endpoints, e)
		if len(e.Groups) == 0 {
			c = nil
		}
		n.epSG = append(n.epSG, c)
		n.epInner = append(n.epInner, inner)
		si := -1
		if e.Subnet != "" {
			si = subIdx[e.Subnet]
		}
		n.epSubnet = append(n.epSubnet, si)
	}
	for _, s := range spec.Subnets {
		s.Also = slices.Clone(s.Also)
		n.subnets = append(n.subnets, s)
		if s.ACL == "" {
			n.subACL = append(n.subACL, nil)
			n.subACLID = append(n.subACLID, "")
			continue
		}
		ai, ok := aclIdx[s.ACL]
		if !ok {
			return fail("subnet", s.Name, "network ACL "+strconv.Quote(s.ACL)+" is not defined")
		}
		n.subACL = append(n.subACL, acls[ai])
		n.subACLID = append(n.subACLID, s.ACL)
	}
	if err := n.buildZones(); err != nil {
		return nil, err
	}
	if err := n.buildOverlays(spec); err != nil {
		return nil, err
	}
	return n, nil
}

// firstOverlap returns the index of the first endpoint whose addresses
// overlap those of an earlier one, or -1. Endpoints without concrete
// addresses are left out (BuildNetwork refuses them first). One sort
// finds whether any two overlap; only then are the endpoints walked in
// order to name the first, so a large valid network costs n log n.
func firstOverlap(eps []Endpoint) int {
	type span struct{ from, to netip.Addr }
	var spans []span
	for _, e := range eps {
		if e.Addrs.IsAny() || e.Addrs.IsEmpty() {
			continue
		}
		for _, r := range e.Addrs.Ranges() {
			spans = append(spans, span{r.From(), r.To()})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from.Compare(b.from) })
	any := false
	for i := 1; i < len(spans); i++ {
		if spans[i].from.Compare(spans[i-1].to) <= 0 {
			any = true
			break
		}
	}
	if !any {
		return -1
	}
	var all netipx.IPSetBuilder
	for i, e := range eps {
		if e.Addrs.IsAny() || e.Addrs.IsEmpty() {
			continue
		}
		cur, _ := all.IPSet()
		if cur.Overlaps(e.Addrs.Set()) {
			return i
		}
		all.AddSet(e.Addrs.Set())
	}
	return -1
}

// NetworkError reports an inconsistent network spec.
type NetworkError struct {
	What, Name, Msg string
}

func (e *NetworkError) Error() string {
	return "sgsim: network: " + e.What + " " + strconv.Quote(e.Name) + ": " + e.Msg
}

// Resolve returns g with every group reference replaced by the members'
// addresses (groups maps a group ID to them; a group with no members
// resolves to an empty set) and every list reference by the list's
// addresses. A reference to an unknown group or list is an error, as is
// any group reference in an Alibaba advanced group.
func Resolve(g Group, groups map[string]Addrs, lists map[string]Addrs) (Group, error) {
	out := g
	out.Rules = slices.Clone(g.Rules)
	for i := range out.Rules {
		r := &out.Rules[i]
		var a Addrs
		switch {
		case r.RemoteGroup != "":
			if g.Advanced {
				return Group{}, &RuleError{Group: g.ID, Index: i, ID: r.ID, Field: "remote group", Value: r.RemoteGroup,
					Msg: "an Alibaba advanced security group may not reference groups"}
			}
			m, ok := groups[r.RemoteGroup]
			if !ok {
				return Group{}, &RuleError{Group: g.ID, Index: i, ID: r.ID, Field: "remote group", Value: r.RemoteGroup, Msg: "unknown security group"}
			}
			a = m
		case r.RemoteList != "":
			m, ok := lists[r.RemoteList]
			if !ok {
				return Group{}, &RuleError{Group: g.ID, Index: i, ID: r.ID, Field: "remote list", Value: r.RemoteList, Msg: "unknown address group or prefix list"}
			}
			a = m
		default:
			continue
		}
		if r.Family != AnyFamily && !a.IsAny() {
			// A group of mixed members referenced by an IPv4 rule means
			// its IPv4 members.
			var b netipx.IPSetBuilder
			b.AddSet(a.Set())
			if r.Family == IPv4 {
				b.RemovePrefix(netip.MustParsePrefix("::/0"))
			} else {
				b.RemovePrefix(netip.MustParsePrefix("0.0.0.0/0"))
			}
			s, _ := b.IPSet()
			a = AddrsOf(s)
		}
		if r.Direction == Egress {
			r.Dst = a
		} else {
			r.Src = a
		}
		r.RemoteGroup, r.RemoteList = "", ""
	}
	return out, nil
}

func (n *Network) buildZones() error {
	// Cut points from every endpoint range and subnet prefix, per family;
	// each piece between cuts has one endpoint (or none) and one subnet
	// (or none).
	for fam := 0; fam < 2; fam++ {
		v6 := fam == 1
		full := familyRange(v6)
		cuts := []u128{full.lo}
		add := func(r netipx.IPRange) {
			if r.From().Is6() != v6 {
				return
			}
			cuts = append(cuts, keyOf(r.From()))
			if k := keyOf(r.To()); k != full.hi {
				cuts = append(cuts, k.next())
			}
		}
		for _, e := range n.endpoints {
			for _, r := range e.Addrs.Ranges() {
				add(r)
			}
		}
		// The endpoints' ranges of this family, sorted (they are
		// disjoint), to find a zone's endpoint by binary search.
		type epRange struct {
			lo, hi u128
			ei     int
		}
		var eps []epRange
		for ei, e := range n.endpoints {
			for _, r := range e.Addrs.Ranges() {
				if r.From().Is6() == v6 {
					eps = append(eps, epRange{keyOf(r.From()), keyOf(r.To()), ei})
				}
			}
		}
		slices.SortFunc(eps, func(a, b epRange) int { return a.lo.cmp(b.lo) })
		for _, s := range n.subnets {
			if s.Prefix.IsValid() {
				add(netipx.RangeOfPrefix(s.Prefix))
			}
			for _, p := range s.Also {
				add(netipx.RangeOfPrefix(p))
			}
		}
		slices.SortFunc(cuts, u128.cmp)
		cuts = slices.Compact(cuts)
		for i, lo := range cuts {
			hi := full.hi
			if i+1 < len(cuts) {
				hi = cuts[i+1].prev()
			}
			a := addrOf(lo, v6)
			z := zone{lo: lo, hi: hi, v6: v6, endpoint: -1, subnet: -1}
			// The endpoint whose range starts last at or before a.
			if k := sort.Search(len(eps), func(k int) bool { return eps[k].lo.cmp(lo) > 0 }) - 1; k >= 0 && eps[k].hi.cmp(lo) >= 0 {
				z.endpoint = eps[k].ei
				z.subnet = n.epSubnet[eps[k].ei]
			}
			if z.endpoint < 0 {
				best, bestBits := -1, -1
				try := func(si int, p netip.Prefix) {
					if p.IsValid() && p.Contains(a) && p.Bits() > bestBits {
						best, bestBits = si, p.Bits()
					}
				}
				for si, s := range n.subnets {
					try(si, s.Prefix)
					for _, p := range s.Also {
						try(si, p)
					}
				}
				z.subnet = best
			}
			n.zones[fam] = append(n.zones[fam], z)
			n.zoneKeys[fam] = append(n.zoneKeys[fam], lo)
		}
	}
	return nil
}

// addrOf converts a key back to an address of the family.
func addrOf(k u128, v6 bool) netip.Addr {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(k.hi >> (56 - 8*i))
		b[8+i] = byte(k.lo >> (56 - 8*i))
	}
	a := netip.AddrFrom16(b)
	if !v6 {
		return a.Unmap()
	}
	return a
}

// zoneAt returns the zone holding address a.
func (n *Network) zoneAt(a netip.Addr) *zone {
	fam := 0
	if a.Is6() {
		fam = 1
	}
	k := keyOf(a)
	keys := n.zoneKeys[fam]
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if k.less(keys[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return &n.zones[fam][lo-1]
}

// Cloud returns the semantics the network was built with.
func (n *Network) Cloud() Semantics { return n.cloud }

// Endpoint returns the endpoint holding a, and false when a belongs to none.
func (n *Network) Endpoint(a netip.Addr) (Endpoint, bool) {
	if !a.IsValid() {
		return Endpoint{}, false
	}
	z := n.zoneAt(a)
	if z.endpoint < 0 {
		return Endpoint{}, false
	}
	return n.endpoints[z.endpoint], true
}

// Group returns the resolved security group with the given ID.
func (n *Network) Group(id string) (Group, bool) {
	i, ok := n.groupIdx[id]
	if !ok {
		return Group{}, false
	}
	return n.groups[i], true
}
