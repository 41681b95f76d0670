package alibaba

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Findings per variant, derived by reading the tables, not by running the
// code. The flows are those of required.go; "members" below are the
// addresses in WorkerGroup: the nodes, and with Terway the pods (Flannel
// pods are filtered by a copy of the rules but are not members, see
// Profile.Spec).
//
// Recommended settings. Inbound: ICMP from 0.0.0.0/0 and all protocols
// from the group itself (basic) or the VPC CIDR blocks (advanced), plus
// the pod CIDR with Flannel: every source of every flow (nodes, pods) is
// covered for every port. Outbound: all protocols to 0.0.0.0/0. So both
// ways recommended: no findings in any variant.
//
// Least privilege inbound opens, from the members (group ID or vSwitch
// CIDRs) and, with Flannel, the pod CIDR: TCP/UDP 53, ICMP and TCP 10250,
// 10255, 443, 6443, 8082; plus everything from the user-defined clients,
// which no flow comes from. So every vendor flow passes the inbound side,
// and "k8s pod dns" too, but the any-port Kubernetes flows do not:
// pod to pod tcp and udp, node to pod, node to node, pod to node, each
// dropped at the destination on a port outside the list (e.g. TCP 1). A
// basic group's InnerAccessPolicy Accept rescues the flows between two
// members: node to node always, and with Terway (pods are members) all
// five. Hence inbound least privilege fails:
//   - basic/flannel: pod to pod tcp, pod to pod udp, node to pod, pod to node
//   - basic/terway:  nothing
//   - advanced/*:    those four and node to node (advanced groups isolate
//     their members)
//
// Least privilege outbound opens: all protocols to 100.64.0.0/10; TCP/UDP
// 53 and TCP 10250, 10255, 443, 6443 to the SLB, the members (group ID or
// vSwitch CIDRs) and, with Flannel, the pod CIDR; everything to the
// clients. So the SLB and Alibaba Cloud flows pass, and so do DNS, kubelet
// and webhook 443; but 8082 (heapster), which the inbound table opens, is
// missing outbound, and so is ICMP to the members; the any-port Kubernetes
// flows fail at the source as they did inbound at the destination. Inner
// access rescues member-to-member flows as before. Hence outbound least
// privilege fails:
//   - basic/flannel: heapster 8082 nodes to pods, pod to pod tcp, pod to
//     pod udp, node to pod, pod to node (icmp and node to node are between
//     members)
//   - basic/terway:  nothing
//   - advanced/*:    heapster 8082, icmp nodes to nodes, pod to pod tcp,
//     pod to pod udp, node to pod, node to node, pod to node
//
// A variant fails the union of its inbound and outbound findings.
var (
	inBasicFlannel  = []string{"k8s node to pod tcp", "k8s pod to node tcp", "k8s pod to pod tcp", "k8s pod to pod udp"}
	outBasicFlannel = []string{"heapster 8082 nodes to pods", "k8s node to pod tcp", "k8s pod to node tcp", "k8s pod to pod tcp", "k8s pod to pod udp"}
	inAdvanced      = []string{"k8s node to node tcp", "k8s node to pod tcp", "k8s pod to node tcp", "k8s pod to pod tcp", "k8s pod to pod udp"}
	outAdvanced     = []string{"heapster 8082 nodes to pods", "icmp nodes to nodes", "k8s node to node tcp", "k8s node to pod tcp", "k8s pod to node tcp", "k8s pod to pod tcp", "k8s pod to pod udp"}
)

func expectedFindings(key string) []string {
	var in, out []string
	switch {
	case strings.HasPrefix(key, "ack-basic-flannel/"):
		in, out = inBasicFlannel, outBasicFlannel
	case strings.HasPrefix(key, "ack-advanced-"):
		in, out = inAdvanced, outAdvanced
	}
	var want []string
	if strings.Contains(key, "/in:least-privilege") {
		want = append(want, in...)
	}
	if strings.Contains(key, "/out:least-privilege") {
		want = append(want, out...)
	}
	sort.Strings(want)
	return slices.Compact(want)
}

// randomCluster draws a valid cluster: a VPC in one private block and
// maybe a secondary CIDR block in the other half of it, the vSwitches
// each in either, the SLB in the node vSwitch or elsewhere in the VPC, the
// Flannel pods and the Services in the other private blocks, prefixes of
// random sizes at random positions, and random tables.
func randomCluster(t *rapid.T) Cluster {
	c := Cluster{
		Group:    GroupType(rapid.IntRange(0, 1).Draw(t, "group")),
		Plugin:   Plugin(rapid.IntRange(0, 1).Draw(t, "plugin")),
		Inbound:  Settings(rapid.IntRange(0, 1).Draw(t, "inbound")),
		Outbound: Settings(rapid.IntRange(0, 1).Draw(t, "outbound")),
	}
	b := profiletest.PrivateBlocks(t)
	vpcBlock, podBlock, svcBlock := b[0], b[1], b[2]
	h := rapid.IntRange(0, 1).Draw(t, "vpc half")
	half := func(i int) netip.Prefix { return profiletest.PrefixAt(vpcBlock, vpcBlock.Bits()+1, i) }
	c.VPC = profiletest.Block(t, half(h), 20, "vpc")
	homes := []netip.Prefix{c.VPC}
	if rapid.Bool().Draw(t, "secondary") {
		c.VPCSecondary = profiletest.Block(t, half(1-h), 20, "secondary")
		homes = append(homes, c.VPCSecondary)
	}
	// Quarter 0 of a home holds the node vSwitch, 1 the pod vSwitch, 2 the SLB.
	place := func(q int, maxBits int, label string) netip.Prefix {
		home := homes[rapid.IntRange(0, len(homes)-1).Draw(t, label+" home")]
		return profiletest.Block(t, profiletest.PrefixAt(home, home.Bits()+2, q), maxBits, label)
	}
	c.NodeVSwitch = place(0, 30, "node vswitch")
	if c.Plugin == Terway {
		c.PodVSwitch = place(1, 28, "pod vswitch")
	} else {
		c.Pods = profiletest.Block(t, podBlock, 24, "pods")
	}
	if rapid.Bool().Draw(t, "slb in node vswitch") {
		c.APIServerSLB = profiletest.Sub(t, c.NodeVSwitch, 32, "slb in node vswitch").Addr()
	} else {
		c.APIServerSLB = place(2, 32, "slb").Addr()
	}
	c.Services = profiletest.Block(t, svcBlock, 24, "services")
	c.Clients = rapid.SampledFrom([]netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("198.51.100.7/32"), netip.MustParsePrefix("8.0.0.0/8")}).Draw(t, "clients")
	return c
}

// Properties 1 and 2, with findings asserted exactly: for any valid
// cluster and any choice of tables, the cluster's group and the least
// privilege sets permit every required flow for every address, except
// the findings derived above, whose witnesses are real drops.
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
			key := p.Variant(hardened)
			profiletest.CheckFindings(t, n, p.Required, key, p.Cluster, expectedFindings(key))
		}
	})
}

// The InnerAccessPolicy difference, one witness: TCP between two nodes on
// a port no row names passes a basic group (members reach each other) and
// is dropped by an advanced one under least privilege, at the source.
func TestInnerAccessBasicVersusAdvanced(t *testing.T) {
	f := sgsim.MustParseFlow("tcp 192.168.0.7:40000 -> 192.168.0.8:9100")
	for _, g := range []GroupType{Basic, Advanced} {
		p, err := NewProfile(Cluster{Group: g})
		if err != nil {
			t.Fatal(err)
		}
		n, err := p.Network(true)
		if err != nil {
			t.Fatal(err)
		}
		tr := n.Trace(f)
		if tr.Allowed != (g == Basic) {
			t.Errorf("%s: %v", p.Variant(true), tr)
		}
		if g == Advanced && (tr.Dropped != 0 || tr.Steps[0].Hop != sgsim.SrcEgress) {
			t.Errorf("%s: dropped at %d, want the source egress: %v", p.Variant(true), tr.Dropped, tr)
		}
	}
}

// Property 3: the least privilege sets are not vacuous. Removing any one
// of their rules makes a required flow fail that passed, except the rules
// named here with the reason no passing required flow depends on them.
// Keys are "<group>/<plugin> <direction> <protocol> <ports> <remote>".
var uncovered = map[string]string{
	// Basic groups: flows between members pass by InnerAccessPolicy
	// Accept, whatever the rules say.
	"basic/flannel ingress icmp all group": "nodes ping nodes by inner access; no flow pings pods",
	"basic/flannel egress tcp 53 group":    "DNS goes to pods, which are not members with Flannel",
	"basic/flannel egress udp 53 group":    "DNS goes to pods, which are not members with Flannel",
	"basic/terway ingress tcp 53 group":    "nodes and pods are all members: inner access",
	"basic/terway ingress udp 53 group":    "nodes and pods are all members: inner access",
	"basic/terway ingress icmp all group":  "nodes and pods are all members: inner access",
	"basic/terway ingress tcp " + tcpIn:    "nodes and pods are all members: inner access",
	"basic/terway egress tcp 53 group":     "nodes and pods are all members: inner access",
	"basic/terway egress udp 53 group":     "nodes and pods are all members: inner access",
	"basic/terway egress tcp " + tcpOut:    "nodes and pods are all members: inner access",
	"advanced/flannel egress tcp 53 vsw":   "DNS goes to pods, outside the vSwitches with Flannel",
	"advanced/flannel egress udp 53 vsw":   "DNS goes to pods, outside the vSwitches with Flannel",
	// ICMP: the outbound least privilege tables open no ICMP to the
	// members, so "icmp nodes to nodes" fails in advanced groups anyway.
	"advanced/flannel ingress icmp all vsw": "icmp nodes to nodes fails outbound",
	"advanced/terway ingress icmp all vsw":  "icmp nodes to nodes fails outbound",
	// The default SLB address, 192.168.0.253, is in the node vSwitch,
	// whose row opens the same ports: the SLB row adds nothing there.
	"advanced/flannel egress tcp 443,6443,10250,10255 slb": "the SLB is in the node vSwitch, which the vSwitch row opens",
	"advanced/terway egress tcp 443,6443,10250,10255 slb":  "the SLB is in the node vSwitch, which the vSwitch row opens",
	// No flow pings from the pod CIDR.
	"basic/flannel ingress icmp all pods":    "no flow pings from pods",
	"advanced/flannel ingress icmp all pods": "no flow pings from pods",
	// Every variant: the SLB serves the API server, not DNS, and the
	// clients and application ports are the operator's.
	"* egress tcp 53 slb":       "nothing sends DNS to the API server's SLB",
	"* egress udp 53 slb":       "nothing sends DNS to the API server's SLB",
	"* ingress any all clients": "the exposed applications are the operator's: no required flow",
	"* egress any all clients":  "the exposed applications are the operator's: no required flow",
}

const (
	tcpIn  = "443,6443,8082,10250,10255 group"
	tcpOut = "443,6443,10250,10255 group"
)

func TestLeastPrivilegeNotVacuous(t *testing.T) {
	used := map[string]bool{}
	for _, g := range []GroupType{Basic, Advanced} {
		for _, pl := range []Plugin{Flannel, Terway} {
			p, err := NewProfile(Cluster{Group: g, Plugin: pl})
			if err != nil {
				t.Fatal(err)
			}
			brokes := profiletest.BrokenWithout(t, p.LeastPrivilege, p.Required, func(rs []sgsim.Rule) (*sgsim.Network, error) {
				q := *p
				q.LeastPrivilege = rs
				return q.Network(true)
			})
			for i, rule := range p.LeastPrivilege {
				broke := brokes[i]
				desc := fmt.Sprintf("%s %s %s %s", rule.Direction, rule.Protocol, rule.DstPorts, remoteName(p.Cluster, rule))
				key := g.String() + "/" + pl.String() + " " + desc
				_, named := uncovered[key]
				used[key] = true
				if !named {
					_, named = uncovered["* "+desc]
					used["* "+desc] = true
				}
				if len(broke) == 0 && !named {
					t.Errorf("%s: removing %q (%v) breaks no required flow, and it is not named as uncovered", p.Name(), key, rule.Origin)
				}
				if len(broke) > 0 && named {
					t.Errorf("%s: %q is named uncovered but removing it breaks %v", p.Name(), key, broke)
				}
			}
		}
	}
	for k := range uncovered {
		if !used[k] {
			t.Errorf("uncovered names %q, which no least privilege rule is", k)
		}
	}
}

func remoteName(c Cluster, r sgsim.Rule) string {
	if r.RemoteGroup != "" {
		return "group"
	}
	a := r.Remote()
	for _, n := range []struct {
		name string
		a    sgsim.Addrs
	}{{"pods", c.pods()}, {"vsw", addrsOf(c.NodeVSwitch, c.PodVSwitch)}, {"slb", c.slb()},
		{"clients", addrsOf(c.Clients)}, {"alibaba-cloud", addrsOf(AlibabaCloudResources)}} {
		if a.Equal(n.a) {
			return n.name
		}
	}
	return a.String()
}

// Every row of every table, as a rule of WorkerGroup: a flow inside the
// row is allowed by that row (or an earlier row of its table), and flows
// just outside it (port +1, the next address after the remote) are not
// decided by it.
func TestEveryRowInsideAndOutside(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range []GroupType{Basic, Advanced} {
		for _, pl := range []Plugin{Flannel, Terway} {
			for _, s := range []Settings{Recommended, LeastPrivilege} {
				p, err := NewProfile(Cluster{Group: g, Plugin: pl, Inbound: s, Outbound: s,
					VPCSecondary: netip.MustParsePrefix("10.8.0.0/16")})
				if err != nil {
					t.Fatal(err)
				}
				n, err := p.Network(false)
				if err != nil {
					t.Fatal(err)
				}
				rg, ok := n.Group(WorkerGroup)
				if !ok {
					t.Fatalf("%s: no group %s in the network", p.Variant(false), WorkerGroup)
				}
				c, err := sgsim.Compile(sgsim.Alibaba, rg)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rg.Rules {
					seen[fmt.Sprintf("%s %d", r.Origin.Table, r.Origin.Row)] = true
					inside, outside := rowFlows(r)
					v := c.Check(r.Direction, inside)
					if !v.Allowed() || v.Rule == nil || v.Rule.Origin.Table != r.Origin.Table || v.Rule.Origin.Row > r.Origin.Row {
						t.Errorf("%s %v row %d: inside flow %v: %v", p.Name(), r.Origin.Table, r.Origin.Row, inside, v)
					}
					for _, f := range outside {
						if v := c.Check(r.Direction, f); v.Rule != nil && v.Rule.ID == r.ID {
							t.Errorf("%s %v row %d: outside flow %v decided by the row", p.Name(), r.Origin.Table, r.Origin.Row, f)
						}
					}
				}
			}
		}
	}
	if want := len(ACK()); len(seen) != want {
		t.Errorf("checked %d rows; the ACK tables have %d", len(seen), want)
	}
}

// rowFlows returns a flow the rule matches and flows just outside it.
func rowFlows(r sgsim.Rule) (sgsim.Flow, []sgsim.Flow) {
	proto := r.Protocol
	if proto == sgsim.AnyProtocol {
		proto = sgsim.TCP
	}
	remote := r.Remote()
	local := netip.MustParseAddr("192.168.0.7")
	ra := remote.Ranges()[0].From()
	mk := func(remote netip.Addr, port uint16) sgsim.Flow {
		f := sgsim.Flow{Proto: proto, Src: remote, Dst: local, SrcPort: 40000, DstPort: port, ICMPType: 8}
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
	if r.DstPorts != nil && r.DstPorts[0].Last < 65535 {
		outside = append(outside, mk(ra, r.DstPorts[0].Last+1))
	}
	if rs := remote.Ranges(); rs[len(rs)-1].To().Next().IsValid() {
		if out := rs[len(rs)-1].To().Next(); !remote.Contains(out) {
			outside = append(outside, mk(out, port))
		}
	}
	return mk(ra, port), outside
}

func TestClusterValidation(t *testing.T) {
	p := netip.MustParsePrefix
	for _, tc := range []struct {
		c    Cluster
		want string
	}{
		{Cluster{Pods: p("192.168.128.0/17")}, "alibaba: cluster: VPC 192.168.0.0/16 overlaps Pods 192.168.128.0/17"},
		{Cluster{Plugin: Terway, Pods: p("172.20.0.0/16")}, "alibaba: cluster: Pods 172.20.0.0/16 set with Terway (Terway pods use PodVSwitch)"},
		{Cluster{PodVSwitch: p("192.168.32.0/19")}, "alibaba: cluster: PodVSwitch 192.168.32.0/19 set with Flannel (Flannel pods use Pods, a CIDR block outside the VPC)"},
		{Cluster{NodeVSwitch: p("10.0.0.0/24")}, "alibaba: cluster: NodeVSwitch 10.0.0.0/24 is outside VPC 192.168.0.0/16 and VPCSecondary invalid Prefix"},
		{Cluster{NodeVSwitch: p("10.0.0.0/24"), VPCSecondary: p("10.0.0.0/16")}, ""},
		{Cluster{Plugin: Terway, PodVSwitch: p("192.168.0.0/23")}, "alibaba: cluster: NodeVSwitch 192.168.0.0/24 overlaps PodVSwitch 192.168.0.0/23"},
		{Cluster{APIServerSLB: netip.MustParseAddr("47.1.2.3")}, "alibaba: cluster: APIServerSLB 47.1.2.3 is outside VPC 192.168.0.0/16 and VPCSecondary invalid Prefix"},
		{Cluster{Plugin: Terway, APIServerSLB: netip.MustParseAddr("192.168.33.1")}, "alibaba: cluster: APIServerSLB 192.168.33.1 is inside PodVSwitch 192.168.32.0/19"},
		{Cluster{Pods: p("100.96.0.0/16")}, "alibaba: cluster: Pods 100.96.0.0/16 overlaps the Alibaba Cloud resources block 100.64.0.0/10"},
		{Cluster{VPCSecondary: p("192.168.0.0/20")}, "alibaba: cluster: VPCSecondary 192.168.0.0/20 overlaps VPC 192.168.0.0/16"},
		{Cluster{Services: p("172.20.0.0/20")}, "alibaba: cluster: Pods 172.20.0.0/16 overlaps Services 172.20.0.0/20"},
		{Cluster{Clients: p("0.0.0.0/0")}, "alibaba: cluster: Clients 0.0.0.0/0 overlaps the Alibaba Cloud resources block 100.64.0.0/10"},
		{Cluster{VPC: p("fd00::/48")}, "alibaba: cluster: VPC fd00::/48: ACK profiles are IPv4 only"},
		{Cluster{NodeVSwitch: p("192.168.0.1/24")}, "alibaba: cluster: NodeVSwitch 192.168.0.1/24 has host bits set"},
		{Cluster{Group: 2}, "alibaba: cluster: Group 2: want basic or advanced"},
	} {
		_, err := NewProfile(tc.c)
		if tc.want == "" {
			if err != nil {
				t.Errorf("NewProfile(%+v): %v", tc.c, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.want {
			t.Errorf("NewProfile:\n got %v\nwant %s", err, tc.want)
		}
	}
}

// The profile's rules carry provenance, and the tables the cluster names
// are the ones used.
func TestProfileTables(t *testing.T) {
	mustProfile := func(c Cluster) *Profile {
		t.Helper()
		p, err := NewProfile(c)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := mustProfile(Cluster{})
	g := p.Groups[0]
	if g.ID != WorkerGroup || g.InnerAccess != sgsim.InnerAccept || g.Advanced {
		t.Fatalf("group %+v", g)
	}
	// Basic recommended Flannel: 3 inbound rows and 1 outbound.
	if len(g.Rules) != 4 || g.Rules[2].Origin.Table != BasicInboundRecommendedFlannel || g.Rules[2].Origin.Row != 3 ||
		g.Rules[2].Origin.Document != DocACK || !g.Rules[2].Src.Equal(addrsOf(netip.MustParsePrefix("172.20.0.0/16"))) {
		t.Errorf("rules %v", g.Rules)
	}
	// Least privilege Flannel: 9 inbound and 11 outbound rows.
	if len(p.LeastPrivilege) != 20 {
		t.Errorf("least privilege rules %d; want 20", len(p.LeastPrivilege))
	}
	q := mustProfile(Cluster{Group: Advanced, Plugin: Terway, VPCSecondary: netip.MustParsePrefix("10.8.0.0/16")})
	if !q.Groups[0].Advanced || len(q.Groups[0].Rules) != 4 || len(q.LeastPrivilege) != 13 {
		t.Errorf("advanced terway: %d rules, %d least privilege", len(q.Groups[0].Rules), len(q.LeastPrivilege))
	}
	r := mustProfile(Cluster{Group: Advanced, Plugin: Terway})
	if len(r.Groups[0].Rules) != 3 {
		t.Errorf("advanced terway without a secondary CIDR: %d rules; want 3 (no secondary row)", len(r.Groups[0].Rules))
	}
	for _, f := range p.Required {
		if f.Kind == provider.Vendor && (f.Origin.Row == 0 || f.Origin.Document != DocACK) {
			t.Errorf("%s: origin %v", f.Name, f.Origin)
		}
	}
}

// The 2017 Container Service group holds what the prose states: ICMP, 22,
// 80 and 443 open, and the container CIDR (172.18.0.0/16 in the example)
// as an authorization object; nothing else comes in.
func TestProfile2017StatedRules(t *testing.T) {
	p, err := NewProfile2017(Cluster2017{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := p.Network()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range provider.Check(n, p.Required) {
		if !r.Passed() {
			t.Errorf("%v", r)
		}
	}
	if len(p.Required) != 6 {
		t.Errorf("%d required flows; want icmp, 443, 80, 22 and containers tcp/udp", len(p.Required))
	}
	for _, tc := range []struct {
		flow  string
		allow bool
	}{
		{"icmp 203.0.113.9 -> 192.168.0.10 type 8 code 0", true},
		{"tcp 203.0.113.9:40000 -> 192.168.0.10:22", true},
		{"tcp 203.0.113.9:40000 -> 192.168.0.10:80", true},
		{"tcp 203.0.113.9:40000 -> 192.168.0.10:443", true},
		{"tcp 172.18.3.4:40000 -> 192.168.0.10:8080", true},
		{"udp 172.18.3.4:40000 -> 192.168.0.10:8472", true},
		{"tcp 172.19.0.1:40000 -> 192.168.0.10:8080", false}, // outside the container CIDR
		{"tcp 203.0.113.9:40000 -> 192.168.0.10:8080", false},
		{"udp 203.0.113.9:40000 -> 192.168.0.10:53", false},
		{"tcp 192.168.0.10:40000 -> 203.0.113.9:8080", true}, // the default outbound rule
	} {
		if d := n.Decide(sgsim.MustParseFlow(tc.flow)); d.Allowed != tc.allow {
			t.Errorf("%s: allowed %v, want %v (%v)", tc.flow, d.Allowed, tc.allow, n.Trace(sgsim.MustParseFlow(tc.flow)))
		}
	}
	var containers, assumed int
	for _, r := range p.Groups[0].Rules {
		if r.Src.Equal(addrsOf(netip.MustParsePrefix("172.18.0.0/16"))) && r.Origin.Table == CS2017VPC && r.Origin.Row == 4 {
			containers++
		}
		if strings.Contains(r.Origin.Note, "taken as 0.0.0.0/0") && strings.Contains(r.Origin.Note, "unknown") {
			assumed++
		}
	}
	if containers != 1 || assumed != 3 {
		t.Errorf("container rule %d (want 1), rules with an assumed object %d (want 3)", containers, assumed)
	}
	if _, err := NewProfile2017(Cluster2017{Containers: netip.MustParsePrefix("192.168.128.0/17")}); err == nil ||
		err.Error() != "alibaba: 2017 cluster: Containers 192.168.128.0/17 overlaps VPC 192.168.0.0/16" {
		t.Errorf("overlap: %v", err)
	}
}
