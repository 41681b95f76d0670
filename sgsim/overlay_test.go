package sgsim_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

func rulesOf(ss ...string) []sgsim.Rule {
	var out []sgsim.Rule
	for _, s := range ss {
		out = append(out, sgsim.MustParseRule(s))
	}
	return out
}

// tunnelSpec is a tunnel-network cluster: nodes 10.0.0.0/24 in subnet
// "a" and 10.0.1.0/24 in subnet "b" (two node pools), whose only rules
// are VXLAN between nodes (the node egress also opens TCP 22), and pods
// 172.16.0.0/16 (pool a, block k of /24 on 10.0.0.k) and 172.17.0.0/16
// (pool b, on 10.0.1.k) that carry the node group. The ACLs (stateless,
// Alibaba) pass VXLAN both ways unless bBlocksVXLANOut, which drops it
// leaving subnet b.
func tunnelSpec(overlay, bBlocksVXLANOut bool) sgsim.NetworkSpec {
	aclB := []string{"ingress allow udp 4789 priority 1", "egress allow udp 4789 priority 2"}
	if bBlocksVXLANOut {
		aclB[1] = "egress deny udp 4789 priority 2 id b-no-vxlan"
	}
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Alibaba,
		Groups: []sgsim.Group{{ID: "node", Rules: rulesOf("egress allow udp 4789 priority 1 id vxlan-out", "ingress allow udp 4789 priority 1 id vxlan-in",
			"egress allow tcp 22 priority 1")}},
		ACLs: []sgsim.Group{{ID: "acl-a", Rules: rulesOf("ingress allow udp 4789 priority 1", "egress allow udp 4789 priority 1")},
			{ID: "acl-b", Rules: rulesOf(aclB...)}},
		Subnets: []sgsim.Subnet{{Name: "a", Prefix: netip.MustParsePrefix("10.0.0.0/24"), ACL: "acl-a"},
			{Name: "b", Prefix: netip.MustParsePrefix("10.0.1.0/24"), ACL: "acl-b"}},
		Endpoints: []sgsim.Endpoint{
			{Name: "nodes-a", Addrs: sgsim.MustParseAddrs("10.0.0.0/24"), Subnet: "a", Groups: []string{"node"}},
			{Name: "nodes-b", Addrs: sgsim.MustParseAddrs("10.0.1.0/24"), Subnet: "b", Groups: []string{"node"}},
			{Name: "pods-a", Addrs: sgsim.MustParseAddrs("172.16.0.0/16"), Subnet: "a", Groups: []string{"node"}},
			{Name: "pods-b", Addrs: sgsim.MustParseAddrs("172.17.0.0/16"), Subnet: "b", Groups: []string{"node"}},
		},
	}
	if overlay {
		spec.Endpoints[2].Overlay = sgsim.Overlay{Underlay: "nodes-a", Encap: sgsim.VXLAN,
			Hosts: sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/16"), 24, sgsim.MustParseAddrs("10.0.0.0/24"))}
		spec.Endpoints[3].Overlay = sgsim.Overlay{Underlay: "nodes-b", Encap: sgsim.VXLAN,
			Hosts: sgsim.BlockHosts(netip.MustParsePrefix("172.17.0.0/16"), 24, sgsim.MustParseAddrs("10.0.1.0/24"))}
	}
	return spec
}

func build(t *testing.T, spec sgsim.NetworkSpec) *sgsim.Network {
	t.Helper()
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOverlayCarriesPodTraffic(t *testing.T) {
	f := pkt("tcp 172.16.0.5:40000 -> 172.16.1.7:8080")
	// Without the overlay the pods' packets meet the node group as they
	// are, and it opens only VXLAN and SSH.
	if d := build(t, tunnelSpec(false, false)).Decide(f); d.Delivered || d.Hop != sgsim.SrcEgress {
		t.Errorf("native: %+v; want dropped at source egress", d)
	}
	n := build(t, tunnelSpec(true, false))
	if d := n.DecideNative(f); d.Delivered || d.Hop != sgsim.SrcEgress {
		t.Errorf("DecideNative: %+v; want dropped at source egress as without the overlay", d)
	}
	d := n.Decide(f)
	if !d.Allowed || !d.Delivered || d.Reply != sgsim.ReplyAnswered {
		t.Errorf("overlay: %+v; want delivered and answered", d)
	}
	tr := n.Trace(f)
	want := `tcp 172.16.0.5:40000 -> 172.16.1.7:8080 from pods-a to pods-a: delivered and answered
  carried in vxlan from host 10.0.0.0 to host 10.0.0.1: outer udp 4789 from source ports 49152-65535
  1. source egress [nodes-a]: allow: rule "vxlan-out" of group "node" (egress allow udp 4789 priority 1 id vxlan-out)
  2. destination ingress [nodes-a]: allow: rule "vxlan-in" of group "node" (ingress allow udp 4789 priority 1 id vxlan-in)
  3. reply: destination egress [nodes-a]: allow: rule "vxlan-out" of group "node" (egress allow udp 4789 priority 1 id vxlan-out)
  4. reply: source ingress [nodes-a]: allow: rule "vxlan-in" of group "node" (ingress allow udp 4789 priority 1 id vxlan-in)
`
	if got := tr.String(); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	if tr.Steps[0].Flow.String() != "udp 10.0.0.0:49152 -> 10.0.0.1:4789" || tr.Steps[2].Flow.String() != "udp 10.0.0.1:49152 -> 10.0.0.0:4789" {
		t.Errorf("outer flows %v and %v", tr.Steps[0].Flow, tr.Steps[2].Flow)
	}
	// Same host: never on the network.
	tr = n.Trace(pkt("tcp 172.16.0.5:40000 -> 172.16.0.9:8080"))
	if !tr.Allowed || tr.Reply != sgsim.ReplyAnswered || len(tr.Steps) != 1 || tr.Steps[0].Note != "same host 10.0.0.0: the packet never leaves it" || tr.Encap != sgsim.NoEncap {
		t.Errorf("same host:\n%v", tr)
	}
	// A pod to a node is not encapsulated: the node group's egress drops it.
	if d := n.Decide(pkt("tcp 172.16.0.5:40000 -> 10.0.0.1:8080")); d.Delivered || d.Hop != sgsim.SrcEgress {
		t.Errorf("pod to node: %+v", d)
	}
	// Addresses outside every block are native too: 172.16.255.0/24
	// would be block 255, and 10.0.0.255 exists, but 172.16.0.0/16 has
	// only 256 blocks; use a cluster with fewer hosts.
	spec := tunnelSpec(true, false)
	spec.Endpoints[2].Overlay.Hosts = spec.Endpoints[2].Overlay.Hosts[:2]
	if d := build(t, spec).Decide(pkt("tcp 172.16.0.5:40000 -> 172.16.2.7:8080")); d.Delivered || d.Hop != sgsim.SrcEgress {
		t.Errorf("unplaced destination: %+v; want native, dropped at source egress", d)
	}
}

// Across node pools the outer flows cross both subnets' stateless ACLs;
// the reply's outer flow leaves subnet b, whose ACL drops VXLAN out.
func TestOverlayReplyOuterDropped(t *testing.T) {
	n := build(t, tunnelSpec(true, true))
	f := pkt("tcp 172.16.0.5:40000 -> 172.17.3.7:8080")
	d := n.Decide(f)
	if !d.Delivered || d.Allowed || d.Reply != sgsim.ReplyDropped || d.Hop != sgsim.ReplyDstACLOut || d.Verdict.Rule == nil || d.Verdict.Rule.ID != "b-no-vxlan" {
		t.Errorf("%+v; want delivered, reply dropped at %v by b-no-vxlan", d, sgsim.ReplyDstACLOut)
	}
	tr := n.Trace(f)
	if tr.Steps[tr.Dropped].Flow.String() != "udp 10.0.1.3:49152 -> 10.0.0.0:4789" {
		t.Errorf("trace:\n%v", tr)
	}
	// One-way messages need no way back.
	if d := n.Decide(pkt("icmp 172.16.0.5 -> 172.17.3.7 type 3 code 1")); !d.Allowed || d.Reply != sgsim.ReplyNotApplicable {
		t.Errorf("one-way: %+v", d)
	}
	// The other way the forward outer flow is dropped.
	if d := n.Decide(f.Reverse()); d.Delivered || d.Hop != sgsim.SrcACLOut {
		t.Errorf("reverse: %+v", d)
	}
	// Reach over the pools, both questions.
	q := sgsim.Query{From: sgsim.MustParseAddrs("172.16.0.0/23"), To: sgsim.MustParseAddrs("172.17.2.0/23"), Protocol: sgsim.TCP,
		DstPorts: sgsim.Ports{sgsim.Port(8080)}}
	r, err := n.Reach(q)
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != sgsim.None || r.Delivered != sgsim.All || len(r.ReplyDenied) == 0 || r.ReplyDenied[0].Hop != sgsim.ReplyDstACLOut {
		t.Errorf("reach:\n%v", r)
	}
	q.Question = sgsim.Delivered
	if r, err := n.Reach(q); err != nil || r.Outcome != sgsim.All {
		t.Errorf("reach delivered: %v %v", r, err)
	}
}

// A rule that opens only part of the outer source ports fails the flows
// whose hash could pick the rest: the lowest such piece decides.
func TestOverlaySourcePortPieces(t *testing.T) {
	spec := tunnelSpec(true, false)
	spec.Groups[0].Rules[0] = sgsim.MustParseRule("egress allow udp 4789 sport 49152-60000 priority 1 id vxlan-out")
	n := build(t, spec)
	f := pkt("tcp 172.16.0.5:40000 -> 172.16.1.7:8080")
	d := n.Decide(f)
	if d.Delivered || d.Hop != sgsim.SrcEgress || d.Verdict.Rule != nil {
		t.Errorf("%+v; want dropped at source egress by the default deny", d)
	}
	if tr := n.Trace(f); tr.Steps[tr.Dropped].Flow.SrcPort != 60001 {
		t.Errorf("trace shows source port %d; want 60001:\n%v", tr.Steps[tr.Dropped].Flow.SrcPort, tr)
	}
	// Hosts that hash into 49152-60000 only pass.
	spec.Endpoints[2].Overlay.SrcPorts = sgsim.PortRange{First: 50000, Last: 60000}
	spec.Endpoints[3].Overlay.SrcPorts = sgsim.PortRange{First: 50000, Last: 60000}
	if d := build(t, spec).Decide(f); !d.Allowed {
		t.Errorf("source ports 50000-60000: %+v", d)
	}
}

// Reach over overlay ranges equals enumerating Decide, for both
// questions, on ranges with blocks on different hosts, one host, a gap
// (native) and a host that one pool may not reach.
func TestOverlayReachEqualsEnumeration(t *testing.T) {
	spec := tunnelSpec(true, false)
	// Small pod ranges, blocks of 4 on a few hosts, with a gap.
	spec.Endpoints[2].Addrs = sgsim.MustParseAddrs("172.16.0.0/28")
	spec.Endpoints[2].Overlay.Hosts = []sgsim.OverlayHost{{Addr: netip.MustParseAddr("10.0.0.7"), Block: netip.MustParsePrefix("172.16.0.0/30")},
		{Addr: netip.MustParseAddr("10.0.0.3"), Block: netip.MustParsePrefix("172.16.0.4/30")}, {Addr: netip.MustParseAddr("10.0.0.9"), Block: netip.MustParsePrefix("172.16.0.12/30")}}
	spec.Endpoints[3].Addrs = sgsim.MustParseAddrs("172.17.0.0/29")
	spec.Endpoints[3].Overlay.Hosts = []sgsim.OverlayHost{{Addr: netip.MustParseAddr("10.0.1.1"), Block: netip.MustParsePrefix("172.17.0.0/30")}}
	// Node 10.0.0.3 may not receive VXLAN from pool b.
	spec.Groups[0].Rules = append(rulesOf("ingress deny udp 4789 from 10.0.1.0/24 to 10.0.0.3 priority 1 id no-b-to-3"), spec.Groups[0].Rules...)
	n := build(t, spec)
	for _, pair := range [][2]string{{"172.16.0.0/28", "172.16.0.0/28"}, {"172.16.0.0/28", "172.17.0.0/29"}, {"172.17.0.0/29", "172.16.0.0/28"}} {
		from, to := netip.MustParsePrefix(pair[0]), netip.MustParsePrefix(pair[1])
		for _, question := range []sgsim.Question{sgsim.Delivered, sgsim.Answered} {
			q := sgsim.Query{From: sgsim.PrefixAddrs(from), To: sgsim.PrefixAddrs(to), Protocol: sgsim.UDP, DstPorts: sgsim.Ports{sgsim.Port(53)},
				SrcPorts: sgsim.Ports{sgsim.Port(1024)}, Question: question}
			r, err := n.Reach(q)
			if err != nil {
				t.Fatal(err)
			}
			pass, fail := 0, 0
			for a := from.Addr(); from.Contains(a); a = a.Next() {
				for b := to.Addr(); to.Contains(b); b = b.Next() {
					f := sgsim.Flow{Proto: sgsim.UDP, Src: a, Dst: b, SrcPort: 1024, DstPort: 53}
					d := n.Decide(f)
					in := inRegions(r.Allowed, f) == 1
					if d.Passes(question) != in {
						t.Fatalf("%v %v: Decide %+v, Reach allowed %v\n%v", question, f, d, in, r)
					}
					if d.Passes(question) {
						pass++
					} else {
						fail++
					}
				}
			}
			if pass == 0 || fail == 0 || r.Outcome != sgsim.Some {
				t.Errorf("%v %v: %d pass, %d fail, outcome %v; want some of each", pair, question, pass, fail, r.Outcome)
			}
		}
	}
}

func TestOverlayBuildErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*sgsim.NetworkSpec)
		want string
	}{
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Underlay = "nodes" }, `endpoint "pods-a": overlay: underlay "nodes" is not an endpoint`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Underlay = "pods-a" }, `an endpoint cannot be its own underlay`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Underlay = "pods-b" }, `underlay "pods-b" is itself an overlay`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Encap = sgsim.NoEncap }, `encapsulation none: want VXLAN or Geneve`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Hosts = nil }, `no hosts`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.SrcPorts = sgsim.PortRange{First: 9, Last: 3} }, `source ports 9-3: first above last`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Hosts[1].Addr = netip.MustParseAddr("10.0.1.1") }, `host 1 (10.0.1.1 172.16.1.0/24): host is not an address of underlay "nodes-a"`},
		{func(s *sgsim.NetworkSpec) {
			s.Endpoints[2].Overlay.Hosts[1].Block = netip.MustParsePrefix("172.18.0.0/24")
		}, `block is not inside the endpoint's addresses 172.16.0.0/16`},
		{func(s *sgsim.NetworkSpec) {
			s.Endpoints[2].Overlay.Hosts[1].Block = netip.MustParsePrefix("172.16.0.0/23")
		}, `blocks of hosts 10.0.0.0 and 10.0.0.1 overlap`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Hosts[1].Addr = netip.MustParseAddr("10.0.0.0") }, `host already holds a block of "pods-a"`},
		{func(s *sgsim.NetworkSpec) {
			s.Endpoints[2].Overlay.Hosts[1].Block = netip.MustParsePrefix("172.16.1.1/24")
		}, `block is not a valid, canonical prefix`},
		{func(s *sgsim.NetworkSpec) { s.Endpoints[2].Overlay.Hosts[1].Addr = netip.MustParseAddr("::1") }, `host and block are of different families`},
	} {
		spec := tunnelSpec(true, false)
		c.edit(&spec)
		_, err := sgsim.BuildNetwork(spec)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "sgsim: network: endpoint ") {
			t.Errorf("got %v; want an error containing %q", err, c.want)
		}
	}
}

func TestBlockHosts(t *testing.T) {
	got := sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/22"), 24, sgsim.MustParseAddrs("10.0.0.5-10.0.0.6,10.0.0.9"))
	want := []sgsim.OverlayHost{{netip.MustParseAddr("10.0.0.5"), netip.MustParsePrefix("172.16.0.0/24")},
		{netip.MustParseAddr("10.0.0.6"), netip.MustParsePrefix("172.16.1.0/24")}, {netip.MustParseAddr("10.0.0.9"), netip.MustParsePrefix("172.16.2.0/24")}}
	if len(got) != len(want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("host %d: %v; want %v", i, got[i], want[i])
		}
	}
	// More hosts than blocks: one per block.
	if got := sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/23"), 24, sgsim.MustParseAddrs("10.0.0.0/24")); len(got) != 2 || got[1].Addr != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("got %v", got)
	}
	if got := sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/23"), 22, sgsim.MustParseAddrs("10.0.0.0/24")); got != nil {
		t.Errorf("bits shorter than the prefix: %v", got)
	}
	if got := sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/23"), 33, sgsim.MustParseAddrs("10.0.0.0/24")); got != nil {
		t.Errorf("bits longer than an IPv4 address: %v", got)
	}
	if got := sgsim.BlockHosts(netip.MustParsePrefix("172.0.0.0/7"), 32, sgsim.MustParseAddrs("10.0.0.0/24")); got != nil {
		t.Errorf("2^25 blocks: %v", got)
	}
	// Dual-stack hosts: IPv6 pods go on the IPv6 addresses (the IPv4
	// ones sort first and are passed over), IPv4 pods on the IPv4 ones.
	dual := sgsim.MustParseAddrs("10.0.0.5,2001:db8::7-2001:db8::8")
	got = sgsim.BlockHosts(netip.MustParsePrefix("fd00::/63"), 64, dual)
	want = []sgsim.OverlayHost{{netip.MustParseAddr("2001:db8::7"), netip.MustParsePrefix("fd00::/64")},
		{netip.MustParseAddr("2001:db8::8"), netip.MustParsePrefix("fd00:0:0:1::/64")}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("IPv6 pods on dual-stack hosts: %v; want %v", got, want)
	}
	got = sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/23"), 24, dual)
	if len(got) != 1 || got[0] != (sgsim.OverlayHost{Addr: netip.MustParseAddr("10.0.0.5"), Block: netip.MustParsePrefix("172.16.0.0/24")}) {
		t.Errorf("IPv4 pods on dual-stack hosts: %v", got)
	}
}

// DecideCarried takes the hosts a capture saw; Decide the placement's.
func TestDecideCarried(t *testing.T) {
	n := build(t, tunnelSpec(true, true))
	f := pkt("tcp 172.16.0.5:40000 -> 172.17.3.7:8080")
	d, ok := n.DecideCarried(f, netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.1.3"))
	if !ok || d != n.Decide(f) {
		t.Errorf("DecideCarried %+v, %v; Decide %+v", d, ok, n.Decide(f))
	}
	// Hosts of the same pool: no ACL on the way back.
	if d, ok := n.DecideCarried(f, netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.0.9")); !ok || !d.Allowed {
		t.Errorf("carried within pool a: %+v, %v", d, ok)
	}
	if _, ok := n.DecideCarried(pkt("tcp 172.16.0.5:40000 -> 10.0.0.1:22"), netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.0.1")); ok {
		t.Error("a pod-to-node flow is not overlay traffic")
	}
	if _, ok := n.DecideCarried(f, netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("::1")); ok {
		t.Error("hosts of two families accepted")
	}
}

func TestOverlayDecideDoesNotAllocate(t *testing.T) {
	spec := tunnelSpec(true, true)
	spec.Groups[0].Rules[0] = sgsim.MustParseRule("egress allow udp 4789 sport 49152-60000 priority 1 id vxlan-out")
	n := build(t, spec)
	flows := []sgsim.Flow{pkt("tcp 172.16.0.5:40000 -> 172.16.1.7:8080"), pkt("tcp 172.16.0.5:40000 -> 172.17.3.7:8080"),
		pkt("udp 172.16.0.5:40000 -> 172.16.0.7:53")}
	var sink sgsim.Decision
	if a := testing.AllocsPerRun(100, func() {
		for _, f := range flows {
			sink = n.Decide(f)
		}
	}); a != 0 {
		t.Errorf("Decide allocates %v times per overlay flow set; want 0", a)
	}
	// Replay calls DecideCarried per encapsulated packet and DecideNative
	// per packet when asked for inner drops: they too allocate nothing.
	h0, h1 := netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.1.3")
	if _, ok := n.DecideCarried(flows[1], h0, h1); !ok {
		t.Fatalf("DecideCarried(%v) between %v and %v: not carried, so the pin would not measure the overlay path", flows[1], h0, h1)
	}
	if a := testing.AllocsPerRun(100, func() {
		for _, f := range flows {
			sink, _ = n.DecideCarried(f, h0, h1)
			sink = n.DecideNative(f)
		}
	}); a != 0 {
		t.Errorf("DecideCarried and DecideNative allocate %v times per overlay flow set; want 0", a)
	}
	_ = sink
}

// BenchmarkDecideCarried compares Decide on a pod-to-pod flow evaluated
// through the overlay (two outer flows, their hops) with DecideNative on
// the same flow (the inner packet's hops, dropped at source egress) and
// with a node-to-node flow.
func BenchmarkDecideCarried(b *testing.B) {
	n, err := sgsim.BuildNetwork(tunnelSpec(true, false))
	if err != nil {
		b.Fatal(err)
	}
	pod := pkt("tcp 172.16.0.5:40000 -> 172.17.3.7:8080")
	node := pkt("udp 10.0.0.5:50000 -> 10.0.1.3:4789")
	var sink sgsim.Decision
	b.Run("overlay", func(b *testing.B) {
		for range b.N {
			sink = n.Decide(pod)
		}
	})
	b.Run("native", func(b *testing.B) {
		for range b.N {
			sink = n.DecideNative(pod)
		}
	})
	b.Run("node", func(b *testing.B) {
		for range b.N {
			sink = n.Decide(node)
		}
	})
	_ = sink
}
