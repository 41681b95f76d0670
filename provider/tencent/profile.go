package tencent

import (
	"fmt"
	"net/netip"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Mode is who runs a TKE cluster's control plane.
type Mode uint8

// Cluster modes.
const (
	// Managed: Tencent runs the control plane; the cluster has only the
	// node security group, and the nodes reach the API server at
	// Cluster.APIServer.
	Managed Mode = iota
	// SelfDeployed: the master nodes are the user's CVMs and carry the
	// master security group of the seed's second section.
	SelfDeployed
)

func (m Mode) String() string {
	switch m {
	case Managed:
		return "managed"
	case SelfDeployed:
		return "self-deployed"
	}
	return "invalid mode"
}

// Security group IDs in a profile network.
const (
	NodeGroup   = "tke-node"   // default security group for node
	MasterGroup = "tke-master" // default security group of self-deployed master nodes
)

// Cluster describes one TKE cluster's addressing, in the GlobalRouter
// container network: pods take addresses from a container CIDR outside the
// VPC and their packets cross the node's network interface, so the node
// security group guards them (the node table's first row, which opens
// everything to the container CIDR, only makes sense that way).
//
// Every field has a default, so the zero Cluster is the example cluster
// documented on each field: a managed cluster. IPv4 only (the seed names
// no IPv6 ranges).
type Cluster struct {
	Mode Mode
	// VPC is the seed's "CIDR of the cluster network" / "Cluster network
	// CIDR", read as the VPC CIDR as the transcription's notes say;
	// default 10.0.0.0/16.
	VPC netip.Prefix
	// Nodes is the node subnet, inside VPC: the note's "node IP range";
	// default 10.0.0.0/24.
	Nodes netip.Prefix
	// Pods is the container CIDR ("CIDR of the container network"),
	// outside the VPC; default 172.16.0.0/16.
	Pods netip.Prefix
	// Services is the Service CIDR, disjoint from the VPC and Pods;
	// default 172.17.0.0/16. No rule names it: a pod's packet to a
	// ClusterIP is translated on the node to a pod or node address
	// before any security group sees it.
	Services netip.Prefix
	// Masters are the master nodes of a self-deployed cluster, inside
	// VPC and outside Nodes; default 10.0.1.0/28. Must be unset for a
	// managed cluster.
	Masters netip.Prefix
	// APIServer is where the nodes and pods of a managed cluster reach
	// the API server: the endpoint of the "kubernetes" Service. The seed
	// names none; the default 169.254.128.15:60002 is an example (60002
	// because the seed's master table lists 60001 and 60002 first for
	// "API Server communication"). Must be unset for a self-deployed
	// cluster, whose API servers are the Masters.
	APIServer netip.AddrPort
	// DNS are the nodes' resolvers, to which CoreDNS also forwards names
	// outside the cluster; default Tencent Cloud's private DNS servers
	// 183.60.83.19 and 183.60.82.98 (not in the seed).
	DNS []netip.Addr
}

// WithDefaults returns c with every zero field set to its documented
// default. Masters is filled only for a self-deployed cluster, APIServer
// only for a managed one.
func (c Cluster) WithDefaults() Cluster {
	def := func(p *netip.Prefix, s string) {
		if !p.IsValid() {
			*p = netip.MustParsePrefix(s)
		}
	}
	def(&c.VPC, "10.0.0.0/16")
	def(&c.Nodes, "10.0.0.0/24")
	def(&c.Pods, "172.16.0.0/16")
	def(&c.Services, "172.17.0.0/16")
	if c.Mode == SelfDeployed {
		def(&c.Masters, "10.0.1.0/28")
	} else if !c.APIServer.IsValid() {
		c.APIServer = netip.MustParseAddrPort("169.254.128.15:60002")
	}
	if len(c.DNS) == 0 {
		c.DNS = []netip.Addr{netip.MustParseAddr("183.60.83.19"), netip.MustParseAddr("183.60.82.98")}
	}
	return c
}

type namedPrefix struct {
	name string
	p    netip.Prefix
}

// Validate reports the first inconsistency in c (after defaults), naming
// the fields that conflict.
func (c Cluster) Validate() error {
	c = c.WithDefaults()
	bad := func(format string, a ...any) error { return fmt.Errorf("tencent: cluster: "+format, a...) }
	if c.Mode > SelfDeployed {
		return bad("Mode %d: want managed or self-deployed", c.Mode)
	}
	if c.Mode == Managed && c.Masters.IsValid() {
		return bad("Masters %s set on a managed cluster (Tencent runs its control plane; set APIServer)", c.Masters)
	}
	if c.Mode == SelfDeployed && c.APIServer.IsValid() {
		return bad("APIServer %s set on a self-deployed cluster (its API servers are the Masters)", c.APIServer)
	}
	named := []namedPrefix{{"VPC", c.VPC}, {"Nodes", c.Nodes}, {"Pods", c.Pods}, {"Services", c.Services}}
	if c.Mode == SelfDeployed {
		named = append(named, namedPrefix{"Masters", c.Masters})
	}
	for _, n := range named {
		if !n.p.Addr().Is4() {
			return bad("%s %s: TKE profiles are IPv4 only", n.name, n.p)
		}
		if n.p.Masked() != n.p {
			return bad("%s %s has host bits set", n.name, n.p)
		}
	}
	inside := func(n namedPrefix) error {
		if !c.VPC.Contains(n.p.Addr()) || n.p.Bits() < c.VPC.Bits() {
			return bad("%s %s is outside VPC %s", n.name, n.p, c.VPC)
		}
		return nil
	}
	if err := inside(named[1]); err != nil {
		return err
	}
	if c.Mode == SelfDeployed {
		if err := inside(named[4]); err != nil {
			return err
		}
	}
	if c.Pods.Overlaps(c.VPC) {
		return bad("Pods %s overlaps VPC %s (the GlobalRouter container CIDR lies outside the VPC)", c.Pods, c.VPC)
	}
	if c.Services.Overlaps(c.VPC) {
		return bad("Services %s overlaps VPC %s", c.Services, c.VPC)
	}
	disjoint := named[1:]
	for i := range disjoint {
		for j := i + 1; j < len(disjoint); j++ {
			if disjoint[i].p.Overlaps(disjoint[j].p) {
				return bad("%s %s overlaps %s %s", disjoint[i].name, disjoint[i].p, disjoint[j].name, disjoint[j].p)
			}
		}
	}
	if c.Mode == Managed {
		a := c.APIServer.Addr()
		if !a.Is4() {
			return bad("APIServer %s: IPv4 only", c.APIServer)
		}
		if c.APIServer.Port() == 0 {
			return bad("APIServer %s has no port", c.APIServer)
		}
		for _, n := range disjoint {
			if n.p.Contains(a) {
				return bad("APIServer %s is inside %s %s", c.APIServer, n.name, n.p)
			}
		}
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
		if c.Mode == Managed && d == c.APIServer.Addr() {
			return bad("DNS[%d] %s is the APIServer address", i, d)
		}
	}
	return nil
}

// Profile is a TKE cluster's documented security groups, its hardened
// node outbound set and its required flows.
type Profile struct {
	Cluster Cluster
	// Groups are the default groups: tke-node and, for a self-deployed
	// cluster, tke-master. Rules keep the table's order in Priority
	// (PolicyIndex, 0 first), inbound and outbound counted apart as the
	// Tencent API lists them.
	Groups []sgsim.Group
	// Hardened is the custom outbound set the note under the node
	// outbound table asks for: allow to the node IP range and to the
	// container IP range, and nothing else. It replaces tke-node's
	// allow-all outbound rule when hardened.
	Hardened []sgsim.Rule
	// Required is the flow catalogue: vendor flows from the tables'
	// Description and Remarks columns and what Kubernetes needs of any
	// cluster network.
	Required []provider.RequiredFlow
}

// Name returns the profile's name: "tke-managed" or "tke-self-deployed".
func (p *Profile) Name() string { return "tke-" + p.Cluster.Mode.String() }

func setOf(ps ...netip.Prefix) sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		b.AddPrefix(p)
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func addrsOf(as ...netip.Addr) sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, a := range as {
		b.Add(a)
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

// internet is every IPv4 address outside the cluster's own ranges and
// the services it uses: the clients the NodePort and ICMP rows open to.
func (c Cluster) internet() sgsim.Addrs {
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
	b.RemovePrefix(c.VPC)
	b.RemovePrefix(c.Pods)
	b.RemovePrefix(c.Services)
	for _, d := range c.DNS {
		b.Remove(d)
	}
	if c.APIServer.IsValid() {
		b.Remove(c.APIServer.Addr())
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func (c Cluster) resolve(r seed.Remote) (sgsim.Addrs, string, error) {
	switch r {
	case seed.VPC:
		return setOf(c.VPC), "", nil
	case seed.Containers:
		return setOf(c.Pods), "", nil
	case seed.Nodes:
		return setOf(c.Nodes), "", nil
	}
	p, err := netip.ParsePrefix(string(r))
	if err != nil {
		return sgsim.Addrs{}, "", fmt.Errorf("no address for this remote in a TKE cluster")
	}
	return setOf(p), "", nil
}

// rulesOf turns the rows of one table into rules, Priority being the
// row's position in the table counted from 0 (its PolicyIndex).
func (c Cluster) rulesOf(table string) ([]sgsim.Rule, error) {
	var out []sgsim.Rule
	for i, row := range Table(table) {
		r, err := provider.RuleFromRow("tencent", row, i, c.resolve)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// NewProfile builds the profile of cluster c. An inconsistent cluster is
// an error that names the conflicting fields.
func NewProfile(c Cluster) (*Profile, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	p := &Profile{Cluster: c}
	type spec struct {
		id, name string
		tables   []string
	}
	specs := []spec{{NodeGroup, "default security group for node", []string{NodeInbound, NodeOutbound}}}
	if c.Mode == SelfDeployed {
		specs = append(specs, spec{MasterGroup, "default security group for master node in self-deployed cluster", []string{MasterInbound, MasterOutbound}})
	}
	for _, s := range specs {
		g := sgsim.Group{ID: s.id, Name: s.name}
		for _, t := range s.tables {
			rs, err := c.rulesOf(t)
			if err != nil {
				return nil, err
			}
			g.Rules = append(g.Rules, rs...)
		}
		p.Groups = append(p.Groups, g)
	}
	var err error
	if p.Hardened, err = c.rulesOf(NodeOutboundNote); err != nil {
		return nil, err
	}
	p.Required = c.required()
	return p, nil
}

// Spec returns the network of the profile. Endpoints: "nodes" (tke-node),
// "pods" (tke-node too: GlobalRouter pod packets leave and enter through
// the node's interface), "masters" (tke-master, self-deployed only), and
// without groups "apiserver" (managed only) and "dns". With hardened
// true, tke-node's outbound rules are replaced by the Hardened set.
func (p *Profile) Spec(hardened bool) sgsim.NetworkSpec {
	c := p.Cluster
	spec := sgsim.NetworkSpec{Cloud: sgsim.Tencent}
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
	spec.Subnets = []sgsim.Subnet{{Name: "nodes", Prefix: c.Nodes}}
	spec.Endpoints = []sgsim.Endpoint{
		{Name: "nodes", Addrs: setOf(c.Nodes), Subnet: "nodes", Groups: []string{NodeGroup}},
		{Name: "pods", Addrs: setOf(c.Pods), Groups: []string{NodeGroup}},
	}
	if c.Mode == SelfDeployed {
		spec.Subnets = append(spec.Subnets, sgsim.Subnet{Name: "masters", Prefix: c.Masters})
		spec.Endpoints = append(spec.Endpoints, sgsim.Endpoint{Name: "masters", Addrs: setOf(c.Masters), Subnet: "masters", Groups: []string{MasterGroup}})
	} else {
		spec.Endpoints = append(spec.Endpoints, sgsim.Endpoint{Name: "apiserver", Addrs: addrsOf(c.APIServer.Addr())})
	}
	spec.Endpoints = append(spec.Endpoints, sgsim.Endpoint{Name: "dns", Addrs: addrsOf(c.DNS...)})
	return spec
}

// Network builds the profile's network, with the hardened node outbound
// set when hardened is true.
func (p *Profile) Network(hardened bool) (*sgsim.Network, error) {
	return sgsim.BuildNetwork(p.Spec(hardened))
}
