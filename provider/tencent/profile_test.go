package tencent

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// expectedFindings lists, per mode and hardening, the required flows the
// vendor's own rule sets fail. They were derived by reading the seed
// tables, not by running the code:
//
//   - Default, both modes: none. tke-node allows all outbound (Node
//     outbound row 1) and inbound allows everything from the container
//     CIDR (row 1) and the VPC (row 2), and TCP/UDP 30000-32768 and ICMP
//     from anywhere (rows 3-5). So pods and nodes reach pods and nodes,
//     the internet reaches NodePorts, and nodes reach DNS and a managed
//     API server (neither carries a group). tke-master allows all
//     outbound, and inbound opens to the VPC (which holds nodes and
//     masters) and to the container CIDR exactly the ports each master
//     flow asks for (rows 2-9), and ICMP from anywhere (row 1). The
//     masters reach the kubelets through tke-node's VPC row.
//   - Hardened: tke-node's outbound is only "the node IP range and
//     container IP range" (the note). Everything tke-node sends elsewhere
//     is dropped at source egress by the default deny, and that is
//     every address of the source range, so the outcome is "none":
//   - managed: the DNS servers and the API server endpoint lie outside
//     Nodes and Pods (Validate requires it), so "k8s node dns", "k8s node
//     to apiserver" and "k8s pod to apiserver" fail (pods carry tke-node:
//     GlobalRouter pod packets leave through the node's interface).
//   - self-deployed: the masters lie in the VPC but outside the node
//     range, so every flow from nodes or pods to the masters fails: the
//     API server ports (rows 4 and 5), the NodePorts (rows 2, 3, 6, 7),
//     CoreDNS UDP 53 (rows 8 and 9); and "k8s node dns" as above. Flows
//     the masters start ("api server ports from masters", "k8s apiserver
//     to kubelet") pass: tke-master is not hardened, and replies are
//     stateful.
var expectedFindings = map[string][]string{
	"tke-managed/default":       nil,
	"tke-self-deployed/default": nil,
	"tke-managed/hardened":      {"k8s node dns", "k8s node to apiserver", "k8s pod to apiserver"},
	"tke-self-deployed/hardened": {"api server ports from nodes", "api server ports from pods",
		"coredns on masters from nodes", "coredns on masters from pods", "k8s node dns",
		"master nodeport tcp from nodes", "master nodeport tcp from pods",
		"master nodeport udp from nodes", "master nodeport udp from pods"},
}

func profileKey(p *Profile, hardened bool) string {
	return p.Name() + "/" + map[bool]string{false: "default", true: "hardened"}[hardened]
}

// randomCluster draws a valid cluster: a VPC in one private block, nodes
// and masters in two quarters of it, pods and services in the other two
// blocks; the API server and DNS either outside every range or in a third
// quarter of the VPC.
func randomCluster(t *rapid.T) Cluster {
	c := Cluster{Mode: Mode(rapid.IntRange(0, 1).Draw(t, "mode"))}
	blocks := profiletest.PrivateBlocks(t)
	c.VPC = profiletest.Block(t, blocks[0], 20, "vpc")
	quarters := rapid.Permutation([]int{0, 1, 2, 3}).Draw(t, "quarters")
	pick := func(i int, label string) netip.Prefix {
		return profiletest.Block(t, profiletest.PrefixAt(c.VPC, c.VPC.Bits()+2, quarters[i]), 30, label)
	}
	c.Nodes = pick(0, "nodes")
	if c.Mode == SelfDeployed {
		c.Masters = pick(1, "masters")
	}
	c.Pods = profiletest.Block(t, blocks[1], 24, "pods")
	c.Services = profiletest.Block(t, blocks[2], 24, "services")
	inVPC := pick(2, "in-vpc services").Addr() // an address in a quarter nothing else uses
	if c.Mode == Managed {
		port := uint16(rapid.SampledFrom([]int{443, 60002}).Draw(t, "api port"))
		a := rapid.SampledFrom([]netip.Addr{netip.MustParseAddr("169.254.128.15"), inVPC}).Draw(t, "api addr")
		c.APIServer = netip.AddrPortFrom(a, port)
	}
	switch rapid.IntRange(0, 2).Draw(t, "dns") {
	case 1:
		c.DNS = []netip.Addr{netip.MustParseAddr("8.8.8.8")}
	case 2:
		c.DNS = []netip.Addr{inVPC.Next()}
	}
	return c
}

// Properties 1 and 2, with findings asserted exactly: for any valid
// cluster, the default groups and the hardened set permit every required
// flow for every address, except the named findings, whose witnesses are
// real drops at tke-node's outbound default deny.
func TestRequiredFlowsAnyCluster(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := randomCluster(t)
		p, err := NewProfile(c)
		if err != nil {
			t.Fatalf("NewProfile(%+v): %v", c, err)
		}
		for _, hardened := range []bool{false, true} {
			n, err := p.Network(hardened)
			if err != nil {
				t.Fatal(err)
			}
			key := profileKey(p, hardened)
			for _, f := range profiletest.CheckFindings(t, n, p.Required, key, c, expectedFindings[key]) {
				if f.Outcome != sgsim.None {
					t.Fatalf("%s: %q outcome %v; want none", key, f.Flow.Name, f.Outcome)
				}
				step := f.Trace.Steps[f.Trace.Dropped]
				if step.Hop != sgsim.SrcEgress || step.Verdict.Rule != nil {
					t.Fatalf("%s: %q dropped at %v; want tke-node's outbound default deny", key, f.Flow.Name, step)
				}
			}
		}
	})
}

// Property 3: the hardened set is not vacuous. Removing either of its two
// rules makes a required flow fail that passed: without the node range,
// nodes no longer reach nodes; without the container range, pods no longer
// reach pods.
func TestHardenedSetNotVacuous(t *testing.T) {
	for _, m := range []Mode{Managed, SelfDeployed} {
		p, err := NewProfile(Cluster{Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Hardened) != 2 {
			t.Fatalf("%s: hardened set has %d rules; want 2", p.Name(), len(p.Hardened))
		}
		brokes := profiletest.BrokenWithout(t, p.Hardened, p.Required, func(rs []sgsim.Rule) (*sgsim.Network, error) {
			q := *p
			q.Hardened = rs
			return q.Network(true)
		})
		want := map[int]string{0: "nodes to nodes tcp", 1: "k8s pod to pod tcp"}
		for i, rule := range p.Hardened {
			broke := brokes[i]
			if !slices.Contains(broke, want[i]) {
				t.Errorf("%s: removing %v (%v) breaks %q; want it to break %q", p.Name(), rule, rule.Origin, broke, want[i])
			}
		}
	}
}

// Every row of every table, as a rule of its group: a flow inside the row
// is allowed by that row (or an earlier row of the same table), and flows
// just outside it (port +1, an address outside the remote) are not decided
// by it.
func TestEveryRowInsideAndOutside(t *testing.T) {
	for _, m := range []Mode{Managed, SelfDeployed} {
		p, err := NewProfile(Cluster{Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		groups := append(slices.Clone(p.Groups), sgsim.Group{ID: "hardened", Rules: p.Hardened})
		for _, g := range groups {
			c, err := sgsim.Compile(sgsim.Tencent, g)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range g.Rules {
				inside, outside := rowFlows(r)
				v := c.Check(r.Direction, inside)
				if !v.Allowed() || v.Rule == nil || v.Rule.Origin.Table == r.Origin.Table && v.Rule.Origin.Row > r.Origin.Row {
					t.Errorf("%s %s row %d: inside flow %v: %v", p.Name(), r.Origin.Table, r.Origin.Row, inside, v)
				}
				for _, f := range outside {
					if v := c.Check(r.Direction, f); v.Rule != nil && v.Rule.ID == r.ID {
						t.Errorf("%s %s row %d: outside flow %v decided by the row", p.Name(), r.Origin.Table, r.Origin.Row, f)
					}
				}
			}
		}
	}
}

// rowFlows returns a flow the rule matches and flows just outside it.
func rowFlows(r sgsim.Rule) (sgsim.Flow, []sgsim.Flow) {
	proto := r.Protocol
	if proto == sgsim.AnyProtocol {
		proto = sgsim.TCP
	}
	remote := r.Remote()
	local := netip.MustParseAddr("10.0.0.7")
	ra := netip.MustParseAddr("203.0.113.9")
	if !remote.IsAny() {
		ra = remote.Ranges()[0].From()
	}
	mk := func(remote netip.Addr, port uint16) sgsim.Flow {
		f := sgsim.Flow{Proto: proto, Src: remote, Dst: local, SrcPort: 40000, DstPort: port, ICMPType: 8}
		if !proto.HasPorts() {
			f.SrcPort, f.DstPort = 0, 0
		}
		if r.Direction == sgsim.Egress {
			f.Src, f.Dst = local, remote
		}
		return f
	}
	port := uint16(80)
	if r.DstPorts != nil {
		port = r.DstPorts[0].First
	}
	var outside []sgsim.Flow
	if r.DstPorts != nil {
		// Just past each port range of the row, unless another range
		// of the row holds it.
		for _, pr := range r.DstPorts {
			if pr.Last < 65535 && !r.DstPorts.Contains(pr.Last+1) {
				outside = append(outside, mk(ra, pr.Last+1))
			}
		}
	}
	if rs := remote.Ranges(); len(rs) > 0 {
		if out := rs[len(rs)-1].To().Next(); out.IsValid() && !remote.Contains(out) {
			outside = append(outside, mk(out, port))
		}
	}
	return mk(ra, port), outside
}

// TKE writes the NodePort range 30000-32768, one past Kubernetes' (and
// CCE's) 32767; the profile keeps it. From the internet, TCP and UDP 32768
// reach a node, 32769 does not; on the masters, 32768 is open to the VPC.
func TestNodePort32768(t *testing.T) {
	p, err := NewProfile(Cluster{Mode: SelfDeployed})
	if err != nil {
		t.Fatal(err)
	}
	n, err := p.Network(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flow  string
		allow bool
		row   int
	}{
		{"tcp 203.0.113.9:40000 -> 10.0.0.7:32768", true, 3},
		{"udp 203.0.113.9:40000 -> 10.0.0.7:32768", true, 4},
		{"tcp 203.0.113.9:40000 -> 10.0.0.7:30000", true, 3},
		{"tcp 203.0.113.9:40000 -> 10.0.0.7:32769", false, 0},
		{"udp 203.0.113.9:40000 -> 10.0.0.7:29999", false, 0},
		{"tcp 10.0.0.7:40000 -> 10.0.1.5:32768", true, 2},
		{"udp 172.16.3.4:40000 -> 10.0.1.5:32768", true, 7},
	} {
		tr := n.Trace(sgsim.MustParseFlow(tc.flow))
		if tr.Allowed != tc.allow {
			t.Errorf("%s: allowed %v; want %v\n%v", tc.flow, tr.Allowed, tc.allow, tr)
			continue
		}
		if !tc.allow {
			continue
		}
		last := tr.Steps[len(tr.Steps)-1]
		if last.Hop != sgsim.DstIngress || last.Verdict.Rule == nil || last.Verdict.Rule.Origin.Row != tc.row {
			t.Errorf("%s: decided by %v; want row %d", tc.flow, last, tc.row)
		}
	}
	// Directly on the compiled node group too.
	c, err := sgsim.Compile(sgsim.Tencent, p.Groups[0])
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Check(sgsim.Ingress, sgsim.MustParseFlow("tcp 198.51.100.1:5000 -> 10.0.0.9:32768")); !v.Allowed() {
		t.Errorf("tke-node: TCP 32768 from the internet: %v", v)
	}
}

func TestClusterValidation(t *testing.T) {
	pfx := netip.MustParsePrefix
	for _, tc := range []struct {
		c    Cluster
		want string
	}{
		{Cluster{Pods: pfx("10.0.128.0/17")}, "tencent: cluster: Pods 10.0.128.0/17 overlaps VPC 10.0.0.0/16 (the GlobalRouter container CIDR lies outside the VPC)"},
		{Cluster{Nodes: pfx("192.168.0.0/24")}, "tencent: cluster: Nodes 192.168.0.0/24 is outside VPC 10.0.0.0/16"},
		{Cluster{Mode: SelfDeployed, Masters: pfx("10.1.0.0/28")}, "tencent: cluster: Masters 10.1.0.0/28 is outside VPC 10.0.0.0/16"},
		{Cluster{Mode: SelfDeployed, Nodes: pfx("10.0.0.0/23")}, "tencent: cluster: Nodes 10.0.0.0/23 overlaps Masters 10.0.1.0/28"},
		{Cluster{Masters: pfx("10.0.1.0/28")}, "tencent: cluster: Masters 10.0.1.0/28 set on a managed cluster (Tencent runs its control plane; set APIServer)"},
		{Cluster{Mode: SelfDeployed, APIServer: netip.MustParseAddrPort("10.0.2.1:443")}, "tencent: cluster: APIServer 10.0.2.1:443 set on a self-deployed cluster (its API servers are the Masters)"},
		{Cluster{APIServer: netip.MustParseAddrPort("10.0.0.9:443")}, "tencent: cluster: APIServer 10.0.0.9:443 is inside Nodes 10.0.0.0/24"},
		{Cluster{APIServer: netip.MustParseAddrPort("10.0.2.1:0")}, "tencent: cluster: APIServer 10.0.2.1:0 has no port"},
		{Cluster{Services: pfx("172.16.0.0/12")}, "tencent: cluster: Pods 172.16.0.0/16 overlaps Services 172.16.0.0/12"},
		{Cluster{Services: pfx("10.0.128.0/20")}, "tencent: cluster: Services 10.0.128.0/20 overlaps VPC 10.0.0.0/16"},
		{Cluster{VPC: pfx("fd00::/48")}, "tencent: cluster: VPC fd00::/48: TKE profiles are IPv4 only"},
		{Cluster{Nodes: pfx("10.0.0.1/24")}, "tencent: cluster: Nodes 10.0.0.1/24 has host bits set"},
		{Cluster{DNS: []netip.Addr{netip.MustParseAddr("172.16.0.10")}}, "tencent: cluster: DNS[0] 172.16.0.10 is inside Pods 172.16.0.0/16"},
		{Cluster{DNS: []netip.Addr{netip.MustParseAddr("169.254.128.15")}}, "tencent: cluster: DNS[0] 169.254.128.15 is the APIServer address"},
		{Cluster{Mode: 2}, "tencent: cluster: Mode 2: want managed or self-deployed"},
	} {
		if _, err := NewProfile(tc.c); err == nil || err.Error() != tc.want {
			t.Errorf("NewProfile(%+v):\n got %v\nwant %s", tc.c, err, tc.want)
		}
	}
}

// The profile's rules keep the tables' order as PolicyIndex and carry
// provenance; the zero Cluster is the documented managed example.
func TestProfileShape(t *testing.T) {
	p, err := NewProfile(Cluster{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "tke-managed" || len(p.Groups) != 1 || p.Groups[0].ID != NodeGroup {
		t.Fatalf("managed profile %s with groups %v", p.Name(), p.Groups)
	}
	var in, out []int
	for _, r := range p.Groups[0].Rules {
		if r.Origin.Document != Doc || r.Origin.Vendor != "tencent" {
			t.Errorf("rule %s provenance %+v", r.ID, r.Origin)
		}
		if r.Direction == sgsim.Ingress {
			in = append(in, r.Priority)
		} else {
			out = append(out, r.Priority)
		}
	}
	if !slices.Equal(in, []int{0, 1, 2, 3, 4}) || !slices.Equal(out, []int{0}) {
		t.Errorf("node group priorities: inbound %v outbound %v", in, out)
	}
	q, err := NewProfile(Cluster{Mode: SelfDeployed})
	if err != nil {
		t.Fatal(err)
	}
	if q.Name() != "tke-self-deployed" || len(q.Groups) != 2 || q.Groups[1].ID != MasterGroup || len(q.Groups[1].Rules) != 10 {
		t.Fatalf("self-deployed profile %s with groups %v", q.Name(), q.Groups)
	}
	if r := q.Groups[1].Rules[8]; r.Priority != 8 || r.Origin.Table != MasterInbound || r.Origin.Row != 9 {
		t.Errorf("master inbound row 9: %+v", r)
	}
	for _, r := range p.Hardened {
		if r.Origin.Table != NodeOutboundNote || r.Direction != sgsim.Egress {
			t.Errorf("hardened rule %+v", r)
		}
	}
	if !p.Hardened[0].Dst.Equal(setOf(p.Cluster.Nodes)) || !p.Hardened[1].Dst.Equal(setOf(p.Cluster.Pods)) {
		t.Errorf("hardened destinations %v, %v", p.Hardened[0].Dst, p.Hardened[1].Dst)
	}
}
