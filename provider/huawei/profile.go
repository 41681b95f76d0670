package huawei

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Model is a CCE cluster network model.
type Model uint8

// Network models, with the seed tables that describe them.
const (
	VPCNetwork Model = iota // Tables 1-2
	Tunnel                  // Tables 3-4 (VXLAN, UDP 4789)
	Turbo                   // CCE Turbo / Cloud Native 2.0, Tables 5-7
)

func (m Model) String() string {
	switch m {
	case VPCNetwork:
		return "vpc"
	case Tunnel:
		return "tunnel"
	case Turbo:
		return "turbo"
	}
	return "invalid model"
}

// Security group IDs in a profile network.
const (
	NodeGroup    = "cce-node"    // {cluster}-cce-node-{id}: worker nodes
	ControlGroup = "cce-control" // {cluster}-cce-control-{id}: master nodes
	ENIGroup     = "cce-eni"     // {cluster}-cce-eni-{id}: CCE Turbo pods
)

// Cluster describes one CCE cluster's addressing. Every field has a
// default, so the zero Cluster is the example cluster documented on each
// field; IPv4 only (the seed tables name no IPv6 ranges).
type Cluster struct {
	Model    Model
	Revision Revision
	VPC      netip.Prefix // default 192.168.0.0/16
	Nodes    netip.Prefix // worker node subnet, inside VPC; default 192.168.0.0/24
	Masters  netip.Prefix // master nodes, inside VPC; default 192.168.1.0/28
	// Pods is the container CIDR: outside the VPC for the VPC and tunnel
	// models (default 172.16.0.0/16), the container subnet inside the VPC
	// for CCE Turbo (default 192.168.16.0/20).
	Pods     netip.Prefix
	Services netip.Prefix // Service CIDR; default 10.247.0.0/16
	// DNS are the subnet's DNS servers; default 100.125.1.250, an example
	// in Huawei's service range (the seed only says "DNS server of the
	// subnet").
	DNS  []netip.Addr
	LB   netip.Prefix // ELB addresses, inside VPC; default 192.168.2.0/28
	Mesh netip.Prefix // hosted service-mesh control plane; zero: none
}

// WithDefaults returns c with every zero field set to its documented default.
func (c Cluster) WithDefaults() Cluster {
	def := func(p *netip.Prefix, s string) {
		if !p.IsValid() {
			*p = netip.MustParsePrefix(s)
		}
	}
	def(&c.VPC, "192.168.0.0/16")
	def(&c.Nodes, "192.168.0.0/24")
	def(&c.Masters, "192.168.1.0/28")
	if c.Model == Turbo {
		def(&c.Pods, "192.168.16.0/20")
	} else {
		def(&c.Pods, "172.16.0.0/16")
	}
	def(&c.Services, "10.247.0.0/16")
	def(&c.LB, "192.168.2.0/28")
	if len(c.DNS) == 0 {
		c.DNS = []netip.Addr{netip.MustParseAddr("100.125.1.250")}
	}
	return c
}

// Validate reports the first inconsistency in c (after defaults), naming
// the fields that conflict.
func (c Cluster) Validate() error {
	c = c.WithDefaults()
	bad := func(format string, a ...any) error { return fmt.Errorf("huawei: cluster: "+format, a...) }
	if c.Model > Turbo {
		return bad("Model %d: want vpc, tunnel or turbo", c.Model)
	}
	if c.Revision.Doc() == "" {
		return bad("Revision %d: want newer or older", c.Revision)
	}
	named := []struct {
		name string
		p    netip.Prefix
	}{{"VPC", c.VPC}, {"Nodes", c.Nodes}, {"Masters", c.Masters}, {"Pods", c.Pods}, {"Services", c.Services}, {"LB", c.LB}, {"Mesh", c.Mesh}}
	for _, n := range named {
		if n.name == "Mesh" && !n.p.IsValid() {
			continue
		}
		if !n.p.Addr().Is4() {
			return bad("%s %s: CCE profiles are IPv4 only", n.name, n.p)
		}
		if n.p.Masked() != n.p {
			return bad("%s %s has host bits set", n.name, n.p)
		}
	}
	inside := func(name string, p netip.Prefix) error {
		if !c.VPC.Contains(p.Addr()) || p.Bits() < c.VPC.Bits() {
			return bad("%s %s is outside VPC %s", name, p, c.VPC)
		}
		return nil
	}
	for _, n := range []struct {
		name string
		p    netip.Prefix
	}{{"Nodes", c.Nodes}, {"Masters", c.Masters}, {"LB", c.LB}} {
		if err := inside(n.name, n.p); err != nil {
			return err
		}
	}
	if c.Model == Turbo {
		if err := inside("Pods", c.Pods); err != nil {
			return fmt.Errorf("%w (CCE Turbo pods use a container subnet of the VPC)", err)
		}
	} else if c.Pods.Overlaps(c.VPC) {
		return bad("Pods %s overlaps VPC %s (the %s model routes a container CIDR outside the VPC)", c.Pods, c.VPC, c.Model)
	}
	disjoint := []struct {
		name string
		p    netip.Prefix
	}{{"Nodes", c.Nodes}, {"Masters", c.Masters}, {"LB", c.LB}, {"Pods", c.Pods}, {"Services", c.Services}}
	if c.Mesh.IsValid() {
		disjoint = append(disjoint, struct {
			name string
			p    netip.Prefix
		}{"Mesh", c.Mesh})
	}
	for i := range disjoint {
		for j := i + 1; j < len(disjoint); j++ {
			if disjoint[i].p.Overlaps(disjoint[j].p) {
				return bad("%s %s overlaps %s %s", disjoint[i].name, disjoint[i].p, disjoint[j].name, disjoint[j].p)
			}
		}
	}
	if c.Services.Overlaps(c.VPC) {
		return bad("Services %s overlaps VPC %s", c.Services, c.VPC)
	}
	for i, d := range c.DNS {
		if !d.Is4() {
			return bad("DNS[%d] %s: IPv4 only", i, d)
		}
		for _, n := range disjoint {
			if n.p.Contains(d) {
				return bad("DNS[%d] %s is inside %s %s", i, d, n.name, n.p)
			}
		}
	}
	return nil
}

// Profile is a CCE cluster's documented security groups, its hardened
// worker outbound set and its required flows.
type Profile struct {
	Cluster Cluster
	// Groups are the default groups: cce-node, cce-control and, for CCE
	// Turbo, cce-eni.
	Groups []sgsim.Group
	// Hardened is the worker outbound set of Table 8, which replaces the
	// egress rules of cce-node when hardened. The 4789 row is only in the
	// tunnel model, as its text says ("required only for clusters that use
	// the tunnel networks").
	Hardened []sgsim.Rule
	// Required is the flow catalogue: vendor flows from the tables'
	// purpose columns and what Kubernetes needs of any cluster network.
	Required []provider.RequiredFlow
}

// Name returns the profile's name, e.g. "cce-vpc/newer".
func (p *Profile) Name() string {
	return "cce-" + p.Cluster.Model.String() + "/" + p.Cluster.Revision.String()
}

func (c Cluster) tables() []string {
	switch c.Model {
	case Tunnel:
		return []string{"Table 3", "Table 4"}
	case Turbo:
		return []string{"Table 5", "Table 6", "Table 7"}
	}
	return []string{"Table 1", "Table 2"}
}

func setOf(ps ...netip.Prefix) sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		b.AddPrefix(p)
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func (c Cluster) dnsAddrs() sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, d := range c.DNS {
		b.Add(d)
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func (c Cluster) resolve(r seed.Remote) (sgsim.Addrs, string, error) {
	switch r {
	case seed.VPC:
		return setOf(c.VPC), "", nil
	case seed.Containers, seed.ContainerSub:
		return setOf(c.Pods), "", nil
	case seed.VPCContainers:
		return setOf(c.VPC, c.Pods), "", nil
	case seed.Masters:
		return setOf(c.Masters), "", nil
	case seed.DNS:
		return c.dnsAddrs(), "", nil
	case seed.GroupWorker:
		return sgsim.Addrs{}, NodeGroup, nil
	case seed.GroupMaster:
		return sgsim.Addrs{}, ControlGroup, nil
	case seed.GroupENI:
		return sgsim.Addrs{}, ENIGroup, nil
	}
	p, err := netip.ParsePrefix(string(r))
	if err != nil {
		return sgsim.Addrs{}, "", fmt.Errorf("no address for this remote in a CCE cluster")
	}
	return setOf(p), "", nil
}

var groupIDs = map[string]string{"worker": NodeGroup, "master": ControlGroup, "eni": ENIGroup}

// NewProfile builds the profile of cluster c. An inconsistent cluster is
// an error that names the conflicting fields.
func NewProfile(c Cluster) (*Profile, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	p := &Profile{Cluster: c}
	tables := SeedTables(c.Revision)
	byGroup := map[string][]sgsim.Rule{}
	var order []string
	for _, t := range c.tables() {
		for _, row := range tables[t] {
			r, err := provider.RuleFromRow("huawei", row, 1, c.resolve)
			if err != nil {
				return nil, err
			}
			g := groupIDs[row.Group]
			if _, ok := byGroup[g]; !ok {
				order = append(order, g)
			}
			byGroup[g] = append(byGroup[g], r)
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] > order[j] }) // cce-node, cce-eni, cce-control
	for _, g := range order {
		p.Groups = append(p.Groups, sgsim.Group{ID: g, Name: "{cluster}-" + g + "-{id}", Rules: byGroup[g]})
	}
	for _, row := range tables["Table 8"] {
		if row.Ports == "4789" && c.Model != Tunnel {
			continue
		}
		r, err := provider.RuleFromRow("huawei", row, 1, c.resolve)
		if err != nil {
			return nil, err
		}
		p.Hardened = append(p.Hardened, r)
	}
	p.Required = c.required(tables)
	return p, nil
}

// Spec returns the network of the profile: endpoints "nodes" (cce-node),
// "masters" (cce-control), "pods" and "lb" (the ELB, no group). Pods carry
// cce-node in the VPC and tunnel models, where their packets leave through
// the node's NIC, and cce-eni in CCE Turbo, where they have ENIs of their
// own. In the tunnel model the pods are an overlay over the nodes
// (sgsim.Overlay, VXLAN 4789): pod-to-pod traffic between nodes is
// evaluated as VXLAN between the nodes, which is all the security groups
// see of it. With hardened true, cce-node's egress rules are replaced by the
// Hardened set.
func (p *Profile) Spec(hardened bool) sgsim.NetworkSpec {
	c := p.Cluster
	spec := sgsim.NetworkSpec{Cloud: sgsim.Huawei}
	for _, g := range p.Groups {
		g.Rules = append([]sgsim.Rule(nil), g.Rules...)
		if hardened && g.ID == NodeGroup {
			var in []sgsim.Rule
			for _, r := range g.Rules {
				if r.Direction == sgsim.Ingress {
					in = append(in, r)
				}
			}
			g.Rules = append(in, p.Hardened...)
		}
		spec.Groups = append(spec.Groups, g)
	}
	spec.Subnets = []sgsim.Subnet{{Name: "nodes", Prefix: c.Nodes}, {Name: "control", Prefix: c.Masters}, {Name: "elb", Prefix: c.LB}}
	podGroup, podSubnet := NodeGroup, ""
	if c.Model == Turbo {
		podGroup, podSubnet = ENIGroup, "containers"
		spec.Subnets = append(spec.Subnets, sgsim.Subnet{Name: "containers", Prefix: c.Pods})
	}
	spec.Endpoints = []sgsim.Endpoint{
		{Name: "nodes", Addrs: setOf(c.Nodes), Subnet: "nodes", Groups: []string{NodeGroup}},
		{Name: "masters", Addrs: setOf(c.Masters), Subnet: "control", Groups: []string{ControlGroup}},
		{Name: "pods", Addrs: setOf(c.Pods), Subnet: podSubnet, Groups: []string{podGroup}},
		{Name: "lb", Addrs: setOf(c.LB), Subnet: "elb"},
	}
	if c.Model == Tunnel {
		spec.Endpoints[2].Overlay = c.overlay()
	}
	return spec
}

// overlay is the tunnel model's VXLAN overlay: pods carried between the
// nodes in VXLAN on UDP 4789 (Table 3 row 1, Table 8's 4789 row). Each
// node holds an equal block of the container CIDR: the CIDR cut into as
// many blocks as there are node addresses, at most 256 (a /24 per node
// for the default /16), block k on the k-th node address. The seed tables
// do not say how CCE places pod blocks; only rules that single out some
// nodes' addresses would see the difference.
func (c Cluster) overlay() sgsim.Overlay {
	k := min(8, 32-c.Nodes.Bits(), 32-c.Pods.Bits())
	return sgsim.Overlay{Underlay: "nodes", Encap: sgsim.VXLAN, Hosts: sgsim.BlockHosts(c.Pods, c.Pods.Bits()+k, setOf(c.Nodes))}
}

// Network builds the profile's network, with the hardened worker egress
// set when hardened is true.
func (p *Profile) Network(hardened bool) (*sgsim.Network, error) {
	return sgsim.BuildNetwork(p.Spec(hardened))
}
