package alibaba

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// GroupType is the type of the cluster's default security group.
type GroupType uint8

// Security group types, with the document's tables for each.
const (
	// Basic groups: the Basic* tables. Members reach each other whatever
	// the rules say (InnerAccessPolicy Accept, the ECS default), and rules
	// may name the group itself.
	Basic GroupType = iota
	// Advanced groups: the Advanced* tables. Members are isolated from
	// each other and rules may not name groups, which is why these tables
	// use the VPC and vSwitch CIDR blocks instead of the group ID.
	Advanced
)

func (g GroupType) String() string {
	switch g {
	case Basic:
		return "basic"
	case Advanced:
		return "advanced"
	}
	return "invalid group type"
}

// Plugin is the cluster's network plug-in.
type Plugin uint8

// Network plug-ins.
const (
	// Flannel: pods take addresses from a pod CIDR block outside the VPC
	// and their packets cross the node's NIC; the tables' pod CIDR rows
	// ("required only in Flannel network mode") apply.
	Flannel Plugin = iota
	// Terway: pods have ENI addresses in pod vSwitches of the VPC; the pod
	// CIDR rows do not apply ("Do not add this rule if the Terway network
	// mode is used").
	Terway
)

func (p Plugin) String() string {
	switch p {
	case Flannel:
		return "flannel"
	case Terway:
		return "terway"
	}
	return "invalid plugin"
}

// Settings is the document's access control scope of one direction.
type Settings uint8

// Access control scopes.
const (
	Recommended    Settings = iota // "Recommended settings"
	LeastPrivilege                 // "Least privilege settings"
)

func (s Settings) String() string {
	switch s {
	case Recommended:
		return "recommended"
	case LeastPrivilege:
		return "least-privilege"
	}
	return "invalid settings"
}

// Security group IDs in an ACK profile network.
const (
	// WorkerGroup is "the default security group of the cluster", which
	// holds the ECS nodes (and, with Terway, the pods' ENIs).
	WorkerGroup = "ack-worker"
	// PodTrafficGroup exists only in Flannel networks. It is not an ECS
	// group: it carries WorkerGroup's rules for the pod CIDR, whose
	// packets cross the node's NIC and so meet the node's rules, while
	// pod addresses are not members of WorkerGroup (see Profile.Spec).
	PodTrafficGroup = "ack-worker/pod-traffic"
)

// AlibabaCloudResources is "100.64.0.0/10 (the CIDR block of Alibaba Cloud
// resources)", the first outbound least privilege row's authorization
// object. No cluster range may overlap it.
var AlibabaCloudResources = netip.MustParsePrefix("100.64.0.0/10")

// Cluster describes one ACK cluster: which tables apply and the addresses
// the tables' authorization objects name. Every field has a default, so
// the zero Cluster is the example cluster documented on each field: a
// basic group, Flannel, recommended settings both ways. IPv4 only (the
// document names no IPv6 ranges).
type Cluster struct {
	Group    GroupType
	Plugin   Plugin
	Inbound  Settings // default Recommended
	Outbound Settings // default Recommended

	VPC netip.Prefix // "The CIDR block of the VPC"; default 192.168.0.0/16
	// VPCSecondary is "The secondary CIDR block of the VPC"; zero: the VPC
	// has none, and the advanced recommended row that names it is left out.
	VPCSecondary netip.Prefix
	// NodeVSwitch is the node vSwitch, inside VPC or VPCSecondary; default
	// 192.168.0.0/24.
	NodeVSwitch netip.Prefix
	// PodVSwitch is the Terway pod vSwitch, inside VPC or VPCSecondary;
	// default 192.168.32.0/19. Flannel clusters have none and must leave
	// it zero.
	PodVSwitch netip.Prefix
	// Pods is the Flannel pod CIDR block, outside the VPC; default
	// 172.20.0.0/16. Terway clusters have none and must leave it zero.
	Pods netip.Prefix
	// Services is the Service CIDR; default 172.21.0.0/20. No row names
	// it: kube-proxy translates Service addresses on the sending node, so
	// security groups see pod addresses. It is kept to check that no
	// range overlaps it.
	Services netip.Prefix
	// APIServerSLB is "The IP address of the Server Load Balancer (SLB)
	// instance that is used to expose the Kubernetes API server"; inside
	// VPC or VPCSecondary, outside PodVSwitch. It may sit in NodeVSwitch,
	// where it is not a node. Default 192.168.0.253.
	APIServerSLB netip.Addr
	// Clients is "The IP addresses or security groups to which you want to
	// expose applications or components" of the least privilege rows;
	// default 203.0.113.0/24 (an example range outside the cluster).
	Clients netip.Prefix
}

// WithDefaults returns c with every zero field set to its documented default.
func (c Cluster) WithDefaults() Cluster {
	def := func(p *netip.Prefix, s string) {
		if !p.IsValid() {
			*p = netip.MustParsePrefix(s)
		}
	}
	def(&c.VPC, "192.168.0.0/16")
	def(&c.NodeVSwitch, "192.168.0.0/24")
	if c.Plugin == Terway {
		def(&c.PodVSwitch, "192.168.32.0/19")
	} else {
		def(&c.Pods, "172.20.0.0/16")
	}
	def(&c.Services, "172.21.0.0/20")
	if !c.APIServerSLB.IsValid() {
		c.APIServerSLB = netip.MustParseAddr("192.168.0.253")
	}
	def(&c.Clients, "203.0.113.0/24")
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
	bad := func(format string, a ...any) error { return fmt.Errorf("alibaba: cluster: "+format, a...) }
	if c.Group > Advanced {
		return bad("Group %d: want basic or advanced", c.Group)
	}
	if c.Plugin > Terway {
		return bad("Plugin %d: want flannel or terway", c.Plugin)
	}
	if c.Inbound > LeastPrivilege || c.Outbound > LeastPrivilege {
		return bad("Inbound %d, Outbound %d: want recommended or least-privilege", c.Inbound, c.Outbound)
	}
	if c.Plugin == Flannel && c.PodVSwitch.IsValid() {
		return bad("PodVSwitch %s set with Flannel (Flannel pods use Pods, a CIDR block outside the VPC)", c.PodVSwitch)
	}
	if c.Plugin == Terway && c.Pods.IsValid() {
		return bad("Pods %s set with Terway (Terway pods use PodVSwitch)", c.Pods)
	}
	all := []namedPrefix{{"VPC", c.VPC}, {"VPCSecondary", c.VPCSecondary}, {"NodeVSwitch", c.NodeVSwitch},
		{"PodVSwitch", c.PodVSwitch}, {"Pods", c.Pods}, {"Services", c.Services}, {"Clients", c.Clients}}
	var set []namedPrefix
	for _, n := range all {
		if !n.p.IsValid() {
			continue
		}
		if !n.p.Addr().Is4() {
			return bad("%s %s: ACK profiles are IPv4 only", n.name, n.p)
		}
		if n.p.Masked() != n.p {
			return bad("%s %s has host bits set", n.name, n.p)
		}
		if n.p.Overlaps(AlibabaCloudResources) {
			return bad("%s %s overlaps the Alibaba Cloud resources block %s", n.name, n.p, AlibabaCloudResources)
		}
		set = append(set, n)
	}
	if !c.APIServerSLB.Is4() {
		return bad("APIServerSLB %s: ACK profiles are IPv4 only", c.APIServerSLB)
	}
	if c.VPCSecondary.IsValid() && c.VPCSecondary.Overlaps(c.VPC) {
		return bad("VPCSecondary %s overlaps VPC %s", c.VPCSecondary, c.VPC)
	}
	inVPC := func(p netip.Prefix) bool {
		in := func(v netip.Prefix) bool { return v.IsValid() && v.Contains(p.Addr()) && p.Bits() >= v.Bits() }
		return in(c.VPC) || in(c.VPCSecondary)
	}
	for _, n := range []namedPrefix{{"NodeVSwitch", c.NodeVSwitch}, {"PodVSwitch", c.PodVSwitch}} {
		if n.p.IsValid() && !inVPC(n.p) {
			return bad("%s %s is outside VPC %s and VPCSecondary %s", n.name, n.p, c.VPC, c.VPCSecondary)
		}
	}
	if !inVPC(netip.PrefixFrom(c.APIServerSLB, 32)) {
		return bad("APIServerSLB %s is outside VPC %s and VPCSecondary %s", c.APIServerSLB, c.VPC, c.VPCSecondary)
	}
	// Pods, Services and Clients lie outside the VPC; the two vSwitches
	// inside it must not overlap.
	for i := range set {
		for j := i + 1; j < len(set); j++ {
			a, b := set[i], set[j]
			vpcLike := func(n string) bool { return n == "VPC" || n == "VPCSecondary" }
			vsw := func(n string) bool { return n == "NodeVSwitch" || n == "PodVSwitch" }
			if vpcLike(a.name) && vsw(b.name) || vpcLike(a.name) && vpcLike(b.name) {
				continue // containment checked above
			}
			if a.p.Overlaps(b.p) {
				return bad("%s %s overlaps %s %s", a.name, a.p, b.name, b.p)
			}
		}
	}
	if c.PodVSwitch.IsValid() && c.PodVSwitch.Contains(c.APIServerSLB) {
		return bad("APIServerSLB %s is inside PodVSwitch %s", c.APIServerSLB, c.PodVSwitch)
	}
	return nil
}

// Profile is an ACK cluster's default security group under the document's
// tables, its least privilege sets and its required flows.
type Profile struct {
	Cluster Cluster
	// Groups holds the cluster's default security group, WorkerGroup,
	// with the inbound and outbound rows of the tables that Cluster's
	// group type, plug-in and settings select.
	Groups []sgsim.Group
	// LeastPrivilege holds the inbound and then the outbound least
	// privilege rows for the cluster's group type and plug-in; they
	// replace WorkerGroup's rules when hardened.
	LeastPrivilege []sgsim.Rule
	// Required is the flow catalogue: vendor flows from the tables' Port
	// cells and what Kubernetes needs of any cluster network.
	Required []provider.RequiredFlow
}

// Name returns the profile's name, e.g. "ack-basic-flannel".
func (p *Profile) Name() string {
	return "ack-" + p.Cluster.Group.String() + "-" + p.Cluster.Plugin.String()
}

// Variant returns the name of the profile with the settings its network
// has: Name, then the inbound and outbound settings ("least-privilege"
// both ways when hardened), e.g. "ack-basic-flannel/in:recommended/out:recommended".
func (p *Profile) Variant(hardened bool) string {
	in, out := p.Cluster.Inbound, p.Cluster.Outbound
	if hardened {
		in, out = LeastPrivilege, LeastPrivilege
	}
	return p.Name() + "/in:" + in.String() + "/out:" + out.String()
}

// table returns the name of the ACK table for the cluster's group type
// and plug-in in one direction under settings s.
func (c Cluster) table(dir sgsim.Direction, s Settings) string {
	group := map[GroupType]string{Basic: "Basic security groups", Advanced: "Advanced security groups"}[c.Group]
	d := map[sgsim.Direction]string{sgsim.Ingress: "Inbound", sgsim.Egress: "Outbound"}[dir]
	scope := map[Settings]string{Recommended: "Recommended settings", LeastPrivilege: "Least privilege settings"}[s]
	plugin := map[Plugin]string{Flannel: "Flannel", Terway: "Terway"}[c.Plugin]
	return group + " / " + d + " / " + scope + " / " + plugin
}

func addrsOf(ps ...netip.Prefix) sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		if p.IsValid() {
			b.AddPrefix(p)
		}
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

// Address ranges of the cluster, by the names required flows use.

func (c Cluster) nodes() sgsim.Addrs {
	var b netipx.IPSetBuilder
	b.AddPrefix(c.NodeVSwitch)
	b.Remove(c.APIServerSLB) // the SLB may take an address of the node vSwitch
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func (c Cluster) pods() sgsim.Addrs {
	if c.Plugin == Terway {
		return addrsOf(c.PodVSwitch)
	}
	return addrsOf(c.Pods)
}

func (c Cluster) slb() sgsim.Addrs { return addrsOf(netip.PrefixFrom(c.APIServerSLB, 32)) }

// errNoSecondary marks the row that names a secondary VPC CIDR block the
// cluster does not have.
var errNoSecondary = errors.New("the VPC has no secondary CIDR block")

func (c Cluster) resolve(r seed.Remote) (sgsim.Addrs, string, error) {
	switch r {
	case seed.GroupWorker:
		return sgsim.Addrs{}, WorkerGroup, nil
	case seed.Containers:
		if c.Plugin != Flannel {
			return sgsim.Addrs{}, "", errors.New("a Terway cluster has no pod CIDR block")
		}
		return addrsOf(c.Pods), "", nil
	case seed.VPC:
		return addrsOf(c.VPC), "", nil
	case seed.VPCSecondary:
		if !c.VPCSecondary.IsValid() {
			return sgsim.Addrs{}, "", errNoSecondary
		}
		return addrsOf(c.VPCSecondary), "", nil
	case seed.VSwitches:
		return addrsOf(c.NodeVSwitch, c.PodVSwitch), "", nil
	case seed.LoadBalancer:
		return c.slb(), "", nil
	case seed.UserDefined:
		return addrsOf(c.Clients), "", nil
	}
	p, err := netip.ParsePrefix(string(r))
	if err != nil {
		return sgsim.Addrs{}, "", fmt.Errorf("no address for this remote in an ACK cluster")
	}
	return addrsOf(p), "", nil
}

// rules turns the rows of one table into rules of priority 1 (the
// document names no priorities; 1 is the ECS default), leaving out the
// secondary CIDR row when the VPC has none.
func (c Cluster) rules(table string) ([]sgsim.Rule, error) {
	var out []sgsim.Rule
	for _, row := range Table(table) {
		r, err := provider.RuleFromRow("alibaba", row, 1, c.resolve)
		if errors.Is(err, errNoSecondary) {
			continue
		}
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
	tables := []string{c.table(sgsim.Ingress, c.Inbound), c.table(sgsim.Egress, c.Outbound),
		c.table(sgsim.Ingress, LeastPrivilege), c.table(sgsim.Egress, LeastPrivilege)}
	sets := make([][]sgsim.Rule, len(tables))
	for i, t := range tables {
		rs, err := c.rules(t)
		if err != nil {
			return nil, err
		}
		sets[i] = rs
	}
	p.Groups = []sgsim.Group{c.group(WorkerGroup, append(sets[0], sets[1]...))}
	p.LeastPrivilege = append(sets[2], sets[3]...)
	p.Required = c.required()
	return p, nil
}

// group returns a group of the cluster's type with the given rules.
func (c Cluster) group(id string, rules []sgsim.Rule) sgsim.Group {
	g := sgsim.Group{ID: id, Name: "the default security group of the cluster", Rules: rules}
	if c.Group == Advanced {
		g.Advanced = true
	} else {
		g.InnerAccess = sgsim.InnerAccept
	}
	return g
}

// Spec returns the network of the profile: endpoints "nodes" (the node
// vSwitch less the SLB address, in WorkerGroup), "pods" and "apiserver-slb"
// (the API server's SLB, no group). Addresses outside every endpoint,
// such as AlibabaCloudResources and Clients, have no security group hop.
//
// Pods, a decision the document leaves to the reader:
//   - Terway: the pods' ENIs sit in the pod vSwitch and carry WorkerGroup,
//     so pods are members of it: group references name them and, in a
//     basic group, InnerAccessPolicy Accept lets them reach the nodes and
//     each other. This is why the tables drop the pod CIDR rows for
//     Terway.
//   - Flannel: pod packets cross the node's NIC, so WorkerGroup's rules
//     filter them, but pod addresses are no ENI's: the group references
//     and InnerAccessPolicy match ENI addresses, which is why the
//     recommended tables add the pod CIDR row next to the group's own ID.
//     The pods endpoint therefore carries PodTrafficGroup, a copy of
//     WorkerGroup's rules (references still naming WorkerGroup, i.e. the
//     nodes) with no inner access.
//
// With hardened true, WorkerGroup's rules are the LeastPrivilege set.
func (p *Profile) Spec(hardened bool) sgsim.NetworkSpec {
	c := p.Cluster
	spec := sgsim.NetworkSpec{Cloud: sgsim.Alibaba}
	var worker sgsim.Group
	for _, g := range p.Groups {
		g.Rules = append([]sgsim.Rule(nil), g.Rules...)
		if hardened && g.ID == WorkerGroup {
			g.Rules = append([]sgsim.Rule(nil), p.LeastPrivilege...)
		}
		if g.ID == WorkerGroup {
			worker = g
		}
		spec.Groups = append(spec.Groups, g)
	}
	spec.Subnets = []sgsim.Subnet{{Name: "node-vswitch", Prefix: c.NodeVSwitch}}
	slbSubnet := ""
	if c.NodeVSwitch.Contains(c.APIServerSLB) {
		slbSubnet = "node-vswitch"
	}
	pods := sgsim.Endpoint{Name: "pods", Addrs: c.pods(), Groups: []string{WorkerGroup}}
	if c.Plugin == Terway {
		spec.Subnets = append(spec.Subnets, sgsim.Subnet{Name: "pod-vswitch", Prefix: c.PodVSwitch})
		pods.Subnet = "pod-vswitch"
	} else {
		pt := worker
		pt.ID, pt.Name = PodTrafficGroup, "WorkerGroup's rules on the node NIC, applied to the pod CIDR"
		pt.Rules = append([]sgsim.Rule(nil), worker.Rules...)
		if !pt.Advanced {
			pt.InnerAccess = sgsim.InnerDrop
		}
		spec.Groups = append(spec.Groups, pt)
		pods.Groups = []string{PodTrafficGroup}
	}
	spec.Endpoints = []sgsim.Endpoint{
		{Name: "nodes", Addrs: c.nodes(), Subnet: "node-vswitch", Groups: []string{WorkerGroup}},
		pods,
		{Name: "apiserver-slb", Addrs: c.slb(), Subnet: slbSubnet},
	}
	return spec
}

// Network builds the profile's network, with the least privilege sets
// when hardened is true.
func (p *Profile) Network(hardened bool) (*sgsim.Network, error) {
	return sgsim.BuildNetwork(p.Spec(hardened))
}

// Cluster2017 describes a VPC cluster of the 2017 Container Service,
// created after February 28, 2017. Every field has a default, so the zero
// Cluster2017 is the document's example. IPv4 only.
type Cluster2017 struct {
	VPC   netip.Prefix // default 192.168.0.0/16
	Nodes netip.Prefix // the nodes' vSwitch, inside VPC; default 192.168.0.0/24
	// Containers is "the basic address of the container network segment",
	// outside VPC; default 172.18.0.0/16 ("In this example, it is
	// 172.18.0.0/16").
	Containers netip.Prefix
}

// WithDefaults returns c with every zero field set to its documented default.
func (c Cluster2017) WithDefaults() Cluster2017 {
	def := func(p *netip.Prefix, s string) {
		if !p.IsValid() {
			*p = netip.MustParsePrefix(s)
		}
	}
	def(&c.VPC, "192.168.0.0/16")
	def(&c.Nodes, "192.168.0.0/24")
	def(&c.Containers, "172.18.0.0/16")
	return c
}

// Validate reports the first inconsistency in c (after defaults), naming
// the fields that conflict.
func (c Cluster2017) Validate() error {
	c = c.WithDefaults()
	bad := func(format string, a ...any) error { return fmt.Errorf("alibaba: 2017 cluster: "+format, a...) }
	for _, n := range []namedPrefix{{"VPC", c.VPC}, {"Nodes", c.Nodes}, {"Containers", c.Containers}} {
		if !n.p.Addr().Is4() {
			return bad("%s %s: IPv4 only", n.name, n.p)
		}
		if n.p.Masked() != n.p {
			return bad("%s %s has host bits set", n.name, n.p)
		}
	}
	if !c.VPC.Contains(c.Nodes.Addr()) || c.Nodes.Bits() < c.VPC.Bits() {
		return bad("Nodes %s is outside VPC %s", c.Nodes, c.VPC)
	}
	if c.Containers.Overlaps(c.VPC) {
		return bad("Containers %s overlaps VPC %s", c.Containers, c.VPC)
	}
	return nil
}

// Profile2017 is the default security group of a 2017 Container Service
// VPC cluster, as far as the document's prose states it, and the flows
// the prose says the rules are for.
type Profile2017 struct {
	Cluster Cluster2017
	// Groups holds the cluster's one security group, Group2017, a basic
	// group ("By default, ECS instances within a security group can
	// communicate with one another"), with the CS2017VPC rows and the
	// basic group's invisible default outbound rule.
	Groups   []sgsim.Group
	Required []provider.RequiredFlow
}

// noteAssumed is added to the Note of rows whose authorization object
// the prose does not state.
const noteAssumed = `profile: authorization object taken as 0.0.0.0/0, since the prose presents the rule as open ("opened by default", "depends on port 22", "retain the ICMP rules"); the lost figure 4 would have shown the real object, which is unknown and may be narrower`

// NewProfile2017 builds the profile of cluster c. Rows whose remote is
// seed.Unstated get 0.0.0.0/0 and say so in Origin.Note; the container
// row's protocol and ports stay the transcription's any/all placeholder.
func NewProfile2017(c Cluster2017) (*Profile2017, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	resolve := func(r seed.Remote) (sgsim.Addrs, string, error) {
		switch r {
		case seed.Unstated, seed.Any:
			return addrsOf(netip.MustParsePrefix("0.0.0.0/0")), "", nil
		case seed.Containers:
			return addrsOf(c.Containers), "", nil
		}
		return sgsim.Addrs{}, "", errors.New("no address for this remote in a 2017 cluster")
	}
	var rules []sgsim.Rule
	for _, row := range Table(CS2017VPC) {
		r, err := provider.RuleFromRow("alibaba", row, 1, resolve)
		if err != nil {
			return nil, err
		}
		if row.Remote == seed.Unstated {
			r.Origin.Note += " " + noteAssumed + "."
		}
		rules = append(rules, r)
	}
	rules = append(rules, sgsim.Rule{ID: Group2017 + "/default-egress", Direction: sgsim.Egress, Action: sgsim.Allow,
		Priority: 1, Dst: addrsOf(netip.MustParsePrefix("0.0.0.0/0")),
		Origin: sgsim.Origin{Vendor: "alibaba", Document: Doc2017, Note: `not a row: a basic group allows all outbound by default, and "Alibaba Cloud Container Service only sets the inbound security group rules"`}})
	p := &Profile2017{Cluster: c, Groups: []sgsim.Group{{ID: Group2017, Name: "the cluster's security group",
		Rules: rules, InnerAccess: sgsim.InnerAccept}}}
	p.Required = c.required()
	return p, nil
}

func (c Cluster2017) required() []provider.RequiredFlow {
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
	b.RemovePrefix(c.VPC)
	b.RemovePrefix(c.Containers)
	s, _ := b.IPSet()
	internet := sgsim.AddrsOf(s)
	var out []provider.RequiredFlow
	for _, row := range Table(CS2017VPC) {
		proto, _ := sgsim.ParseProtocol(row.Protocol)
		from, src := "internet", internet
		if row.Remote == seed.Containers {
			from, src = "containers", addrsOf(c.Containers)
		}
		protos := []sgsim.Protocol{proto}
		if proto == sgsim.AnyProtocol {
			protos = []sgsim.Protocol{sgsim.TCP, sgsim.UDP}
		}
		ports := []string{row.Ports}
		if row.Ports != "" {
			ports = strings.Split(row.Ports, ",")
		}
		for _, pr := range protos {
			for _, port := range ports {
				name := pr.String() + " " + port + " from " + from
				if port == "" {
					name = pr.String() + " from " + from
				}
				f := provider.RequiredFlow{Name: name, Kind: provider.Vendor, From: from, To: "nodes", Src: src,
					Dst: addrsOf(c.Nodes), Protocol: pr, Reason: row.Purpose,
					Origin: sgsim.Origin{Vendor: "alibaba", Document: row.Doc, Table: row.Table, Row: row.Row}}
				if port != "" {
					f.Ports = sgsim.MustParsePorts(port) // hard-coded or a seed cell the seed tests parse
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// Spec returns the network of the profile: endpoint "nodes" in Group2017,
// and "containers" with no group. Container packets cross the nodes'
// NICs, but the group's only outbound rule is the default allow-all, so
// leaving the containers without a group changes no outcome; their
// traffic to nodes meets the nodes' inbound rules.
func (p *Profile2017) Spec() sgsim.NetworkSpec {
	c := p.Cluster
	spec := sgsim.NetworkSpec{Cloud: sgsim.Alibaba}
	for _, g := range p.Groups {
		g.Rules = append([]sgsim.Rule(nil), g.Rules...)
		spec.Groups = append(spec.Groups, g)
	}
	spec.Subnets = []sgsim.Subnet{{Name: "vswitch", Prefix: c.Nodes}}
	spec.Endpoints = []sgsim.Endpoint{
		{Name: "nodes", Addrs: addrsOf(c.Nodes), Subnet: "vswitch", Groups: []string{Group2017}},
		{Name: "containers", Addrs: addrsOf(c.Containers)},
	}
	return spec
}

// Network builds the profile's network.
func (p *Profile2017) Network() (*sgsim.Network, error) {
	return sgsim.BuildNetwork(p.Spec())
}
