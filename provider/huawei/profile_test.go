package huawei

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// expectedFindings lists, per model, revision and hardening, the required
// flows the vendor's own rule set fails. They were derived by reading the
// tables, not by running the code:
//   - Tables 2, 4 and 6 open no TCP 6443 on the master group, yet Table 8
//     has the workers send TCP 6443 to the masters: fails everywhere.
//   - Hardened, cce-node keeps only Table 8 outbound: nodes (and, in the
//     VPC model, pods, which leave through the node's NIC) can no longer
//     send arbitrary TCP/UDP to nodes or pods; only 5353 and 5444 go to the
//     container CIDR, so pod-to-pod and node-to-pod fail.
//   - The older Table 8 has no 5353 rows, so CoreDNS (UDP 5353 pod to pod)
//     fails there too in the VPC model.
//   - In CCE Turbo pods carry cce-eni, whose egress is not hardened.
//   - In the tunnel model the Kubernetes pod flows (pod to pod TCP, UDP
//     and CoreDNS 5353) cross the groups as VXLAN (UDP 4789) between nodes
//     (the profile's overlay), which hardened Table 8 keeps (its 4789 row)
//     and Table 3 row 1 lets in, so they pass: only nodes to nodes TCP/UDP
//     (Table 3 row 6) fails there.
var expectedFindings = map[string][]string{
	"cce-vpc/newer/default":     {"t8 tcp 6443 to masters"},
	"cce-vpc/older/default":     {"t8 tcp 6443 to masters"},
	"cce-tunnel/newer/default":  {"t8 tcp 6443 to masters"},
	"cce-tunnel/older/default":  {"t8 tcp 6443 to masters"},
	"cce-turbo/newer/default":   {"t8 tcp 6443 to masters"},
	"cce-turbo/older/default":   {"t8 tcp 6443 to masters"},
	"cce-vpc/newer/hardened":    {"k8s node to pod tcp", "k8s pod to pod tcp", "k8s pod to pod udp", "nodes to nodes tcp", "nodes to nodes udp", "pods to nodes tcp", "pods to nodes udp", "t8 tcp 6443 to masters"},
	"cce-vpc/older/hardened":    {"k8s node to pod tcp", "k8s pod dns", "k8s pod to pod tcp", "k8s pod to pod udp", "nodes to nodes tcp", "nodes to nodes udp", "pods to nodes tcp", "pods to nodes udp", "t8 tcp 6443 to masters"},
	"cce-tunnel/newer/hardened": {"nodes to nodes tcp", "nodes to nodes udp", "t8 tcp 6443 to masters"},
	"cce-tunnel/older/hardened": {"nodes to nodes tcp", "nodes to nodes udp", "t8 tcp 6443 to masters"},
	"cce-turbo/newer/hardened":  {"k8s node to pod tcp", "nodes to nodes tcp", "nodes to nodes udp", "nodes to pods tcp", "t8 tcp 6443 to masters"},
	"cce-turbo/older/hardened":  {"k8s node to pod tcp", "nodes to nodes tcp", "nodes to nodes udp", "nodes to pods tcp", "t8 tcp 6443 to masters"},
}

func profileKey(p *Profile, hardened bool) string {
	return p.Name() + "/" + map[bool]string{false: "default", true: "hardened"}[hardened]
}

// randomCluster draws a valid cluster: a VPC in one private block, nodes,
// masters and the ELB in it, pods outside it (inside it for CCE Turbo),
// services elsewhere; prefixes of random sizes at random positions.
func randomCluster(t *rapid.T) Cluster {
	c := Cluster{Model: Model(rapid.IntRange(0, 2).Draw(t, "model")), Revision: Revision(rapid.IntRange(0, 1).Draw(t, "revision"))}
	b := profiletest.PrivateBlocks(t)
	vpcBlock, podBlock, svcBlock := b[0], b[1], b[2]
	c.VPC = profiletest.Block(t, vpcBlock, 20, "vpc")
	// Four disjoint quarters of the VPC: nodes, masters, lb, turbo pods.
	quarters := rapid.Permutation([]int{0, 1, 2, 3}).Draw(t, "quarters")
	pick := func(i int, label string) netip.Prefix {
		return profiletest.Block(t, profiletest.PrefixAt(c.VPC, c.VPC.Bits()+2, quarters[i]), 30, label)
	}
	c.Nodes, c.Masters, c.LB = pick(0, "nodes"), pick(1, "masters"), pick(2, "lb")
	if c.Model == Turbo {
		c.Pods = pick(3, "pods")
	} else {
		c.Pods = profiletest.Block(t, podBlock, 24, "pods")
	}
	c.Services = profiletest.Block(t, svcBlock, 24, "services")
	if rapid.Bool().Draw(t, "mesh") {
		c.Mesh = netip.MustParsePrefix("100.64.0.0/16") // outside every cluster range
	}
	c.DNS = []netip.Addr{rapid.SampledFrom([]netip.Addr{netip.MustParseAddr("100.125.1.250"), netip.MustParseAddr("8.8.8.8")}).Draw(t, "dns")}
	return c
}

// Properties 1 and 2, with findings asserted exactly: for any valid
// cluster, the default groups and the hardened set permit every required
// flow for every address, except the named findings, whose witnesses are
// real drops.
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
			profiletest.CheckFindings(t, n, p.Required, key, c, expectedFindings[key])
		}
	})
}

// Property 3: the hardened set is not vacuous. Removing any one of its
// rules makes a required flow fail that passed, except the rules named
// here, which no passing required flow depends on.
var uncovered = map[string]string{
	// Table 8's TCP 6443 to the masters: the flow fails at the master
	// group anyway (no 6443 ingress row), so removing it changes nothing.
	"tcp 6443 to masters": "no master ingress row opens 6443",
}

func TestHardenedSetNotVacuous(t *testing.T) {
	for _, m := range []Model{VPCNetwork, Tunnel, Turbo} {
		for _, rev := range []Revision{Newer, Older} {
			p, err := NewProfile(Cluster{Model: m, Revision: rev})
			if err != nil {
				t.Fatal(err)
			}
			brokes := profiletest.BrokenWithout(t, p.Hardened, p.Required, func(rs []sgsim.Rule) (*sgsim.Network, error) {
				q := *p
				q.Hardened = rs
				return q.Network(true)
			})
			for i, rule := range p.Hardened {
				broke := brokes[i]
				key := fmt.Sprintf("%s %s to %s", rule.Protocol, rule.DstPorts, remoteName(p.Cluster, rule))
				_, named := uncovered[key]
				if len(broke) == 0 && !named {
					t.Errorf("%s: removing %s (%v) breaks no required flow, and it is not named as uncovered", p.Name(), key, rule.Origin)
				}
				if len(broke) > 0 && named {
					t.Errorf("%s: %s is named uncovered but removing it breaks %v", p.Name(), key, broke)
				}
			}
		}
	}
}

func remoteName(c Cluster, r sgsim.Rule) string {
	if r.Dst.Equal(setOf(c.Masters)) {
		return "masters"
	}
	return r.Dst.String()
}

// Every row of every table, as a rule of its group: a flow inside the row
// is allowed by that row (or an earlier row of the group), and flows just
// outside it (port +1, an address outside the remote) are not decided by it.
func TestEveryRowInsideAndOutside(t *testing.T) {
	for _, m := range []Model{VPCNetwork, Tunnel, Turbo} {
		for _, rev := range []Revision{Newer, Older} {
			p, err := NewProfile(Cluster{Model: m, Revision: rev})
			if err != nil {
				t.Fatal(err)
			}
			n, err := p.Network(true)
			if err != nil {
				t.Fatal(err)
			}
			groups := append([]sgsim.Group(nil), p.Groups...)
			groups = append(groups, sgsim.Group{ID: "hardened", Rules: p.Hardened})
			for _, g := range groups {
				rg, ok := n.Group(g.ID)
				if !ok {
					rg = g // the hardened set has no references
				}
				c, err := sgsim.Compile(sgsim.Huawei, rg)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rg.Rules {
					inside, outside := rowFlows(t, r)
					v := c.Check(r.Direction, inside)
					if !v.Allowed() || v.Rule == nil || v.Rule.Origin.Row > r.Origin.Row && v.Rule.Origin.Table == r.Origin.Table {
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
}

// rowFlows returns a flow the rule matches and flows just outside it.
func rowFlows(t *testing.T, r sgsim.Rule) (sgsim.Flow, []sgsim.Flow) {
	proto := r.Protocol
	if proto == sgsim.AnyProtocol {
		proto = sgsim.TCP
	}
	remote := r.Remote()
	local := netip.MustParseAddr("192.168.0.7")
	var ra netip.Addr
	if remote.IsAny() {
		ra = netip.MustParseAddr("203.0.113.9")
	} else {
		ra = remote.Ranges()[0].From()
	}
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
	inside := mk(ra, port)
	var outside []sgsim.Flow
	if r.DstPorts != nil && r.DstPorts[0].Last < 65535 {
		outside = append(outside, mk(ra, r.DstPorts[0].Last+1))
	}
	if rs := remote.Ranges(); len(rs) > 0 && rs[len(rs)-1].To().Next().IsValid() {
		if out := rs[len(rs)-1].To().Next(); !remote.Contains(out) {
			outside = append(outside, mk(out, port))
		}
	}
	if len(outside) == 0 && r.Protocol != sgsim.AnyProtocol && !strings.Contains(r.Remote().String(), "0.0.0.0/0") {
		t.Logf("row %v has no outside flow", r.Origin)
	}
	return inside, outside
}

func TestClusterValidation(t *testing.T) {
	for _, tc := range []struct {
		c    Cluster
		want string
	}{
		{Cluster{Pods: netip.MustParsePrefix("192.168.0.0/16")}, "huawei: cluster: Pods 192.168.0.0/16 overlaps VPC 192.168.0.0/16 (the vpc model routes a container CIDR outside the VPC)"},
		{Cluster{Masters: netip.MustParsePrefix("10.0.0.0/28")}, "huawei: cluster: Masters 10.0.0.0/28 is outside VPC 192.168.0.0/16"},
		{Cluster{Nodes: netip.MustParsePrefix("192.168.1.0/24")}, "huawei: cluster: Nodes 192.168.1.0/24 overlaps Masters 192.168.1.0/28"},
		{Cluster{Model: Turbo, Pods: netip.MustParsePrefix("172.16.0.0/16")}, "huawei: cluster: Pods 172.16.0.0/16 is outside VPC 192.168.0.0/16 (CCE Turbo pods use a container subnet of the VPC)"},
		{Cluster{VPC: netip.MustParsePrefix("fd00::/48")}, "huawei: cluster: VPC fd00::/48: CCE profiles are IPv4 only"},
		{Cluster{Services: netip.MustParsePrefix("192.168.128.0/20")}, "huawei: cluster: Services 192.168.128.0/20 overlaps VPC 192.168.0.0/16"},
		{Cluster{DNS: []netip.Addr{netip.MustParseAddr("192.168.0.9")}}, "huawei: cluster: DNS[0] 192.168.0.9 is inside Nodes 192.168.0.0/24"},
		{Cluster{Nodes: netip.MustParsePrefix("192.168.0.1/24")}, "huawei: cluster: Nodes 192.168.0.1/24 has host bits set"},
	} {
		if _, err := NewProfile(tc.c); err == nil || err.Error() != tc.want {
			t.Errorf("NewProfile:\n got %v\nwant %s", err, tc.want)
		}
	}
}

// The profile's rules carry provenance down to the modifiable column.
func TestProfileProvenance(t *testing.T) {
	p, err := NewProfile(Cluster{})
	if err != nil {
		t.Fatal(err)
	}
	var ssh *sgsim.Rule
	for i, r := range p.Groups[0].Rules {
		if r.DstPorts.String() == "22" {
			ssh = &p.Groups[0].Rules[i]
		}
	}
	if ssh == nil || ssh.Origin.Table != "Table 1" || ssh.Origin.Row != 8 || ssh.Origin.Document != "001_3ee2f19bcae8d9c5.txt" || ssh.Origin.Modifiable == "" {
		t.Fatalf("SSH rule provenance: %+v", ssh)
	}
	if p.Groups[0].ID != NodeGroup || p.Groups[1].ID != ControlGroup {
		t.Errorf("groups %v, %v", p.Groups[0].ID, p.Groups[1].ID)
	}
	// Table 8 of the newer revision: 13 rows without the tunnel-only 4789.
	if len(p.Hardened) != 13 {
		t.Errorf("hardened rules %d; want 13", len(p.Hardened))
	}
	q, err := NewProfile(Cluster{Model: Tunnel, Revision: Older})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Hardened) != 11 {
		t.Errorf("older tunnel hardened rules %d; want 11", len(q.Hardened))
	}
}

// Every required flow that cites a seed row points at a row that exists
// (its reason is that row's purpose), and every Table 8 row of the model
// becomes a required flow: none is skipped.
func TestRequiredFlowsCiteRows(t *testing.T) {
	for _, m := range []Model{VPCNetwork, Tunnel, Turbo} {
		for _, rev := range []Revision{Newer, Older} {
			p, err := NewProfile(Cluster{Model: m, Revision: rev})
			if err != nil {
				t.Fatal(err)
			}
			tables := SeedTables(rev)
			t8 := 0
			for _, f := range p.Required {
				// VXLAN is one-way (each node's packets to the other's 4789
				// are their own flow); everything else needs its answers.
				if vx := f.Protocol == sgsim.UDP && f.Ports.String() == "4789"; vx != (f.Question == sgsim.Delivered) || !vx && f.Question != sgsim.DefaultQuestion {
					t.Errorf("%s: %q asks %v", p.Name(), f.Name, f.Question)
				}
				if f.Kind == provider.Kubernetes {
					if !f.Origin.IsZero() || f.Reason == "" {
						t.Errorf("%s: kubernetes flow %q: origin %v, reason %q", p.Name(), f.Name, f.Origin, f.Reason)
					}
					continue
				}
				rows := tables[f.Origin.Table]
				if f.Origin.Row < 1 || f.Origin.Row > len(rows) || f.Origin.Document != rev.Doc() {
					t.Errorf("%s: %q cites %v, not a row of %s", p.Name(), f.Name, f.Origin, rev.Doc())
					continue
				}
				if f.Reason != rows[f.Origin.Row-1].Purpose {
					t.Errorf("%s: %q reason %q is not the purpose of %v", p.Name(), f.Name, f.Reason, f.Origin)
				}
				if f.Origin.Table == "Table 8" {
					t8++
				}
			}
			want := len(tables["Table 8"])
			if m != Tunnel {
				want-- // the 4789 row, "required only for clusters that use the tunnel networks"
			}
			if t8 != want {
				t.Errorf("%s: %d Table 8 flows; want %d (one per row)", p.Name(), t8, want)
			}
		}
	}
}

// In the hardened tunnel profile a pod on one node reaches a pod on
// another through the 4789 rows (Table 8 outbound, Table 3 row 1
// inbound): the model evaluates it as VXLAN between the nodes. Judged as
// if not encapsulated, the same flow is dropped at source egress, which
// is what the model reported before it knew the overlay.
func TestTunnelPodTrafficRidesVXLAN(t *testing.T) {
	for _, rev := range []Revision{Newer, Older} {
		p, err := NewProfile(Cluster{Model: Tunnel, Revision: rev})
		if err != nil {
			t.Fatal(err)
		}
		n, err := p.Network(true)
		if err != nil {
			t.Fatal(err)
		}
		f := sgsim.MustParseFlow("tcp 172.16.0.5:40000 -> 172.16.1.7:8080")
		if d := n.DecideNative(f); d.Delivered || d.Hop != sgsim.SrcEgress {
			t.Errorf("%s: native %+v; want dropped at source egress", p.Name(), d)
		}
		tr := n.Trace(f)
		if !tr.Allowed || tr.Reply != sgsim.ReplyAnswered || tr.Encap != sgsim.VXLAN || len(tr.Steps) != 4 {
			t.Fatalf("%s:\n%v", p.Name(), tr)
		}
		for i, s := range tr.Steps {
			r := s.Verdict.Rule
			wantTable := map[bool]string{true: "Table 8", false: "Table 3"}[i%2 == 0]
			if r == nil || r.DstPorts.String() != "4789" || r.Origin.Table != wantTable || s.Flow.Proto != sgsim.UDP || s.Flow.DstPort != 4789 {
				t.Errorf("%s: step %d is not a 4789 row of %s: %v", p.Name(), i+1, wantTable, s)
			}
		}
		// Pods on one node: no hop at all.
		if tr := n.Trace(sgsim.MustParseFlow("tcp 172.16.0.5:40000 -> 172.16.0.9:8080")); !tr.Allowed || tr.Encap != sgsim.NoEncap || len(tr.Steps) != 1 {
			t.Errorf("%s: same node:\n%v", p.Name(), tr)
		}
	}
	// The VPC model routes pod addresses natively: no overlay.
	p, _ := NewProfile(Cluster{Model: VPCNetwork})
	for _, e := range p.Spec(true).Endpoints {
		if !e.Overlay.IsZero() {
			t.Errorf("vpc model: endpoint %s is an overlay", e.Name)
		}
	}
}
