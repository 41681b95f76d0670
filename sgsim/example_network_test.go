package sgsim_test

import (
	"fmt"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
)

// A two-tier Huawei network: can the worker CIDR reach the master on TCP
// 5444, and if not everywhere, where is it dropped?
func ExampleNetwork_Reach() {
	rule := sgsim.MustParseRule
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "cce-node", Rules: []sgsim.Rule{rule("egress allow any priority 1")}},
			{ID: "cce-control", Rules: []sgsim.Rule{
				rule("ingress allow tcp 5444 from 192.168.0.0/25 priority 1 id kube-api"),
				rule("egress allow any priority 1"),
			}},
		},
		Subnets: []sgsim.Subnet{
			{Name: "nodes", Prefix: netip.MustParsePrefix("192.168.0.0/24")},
			{Name: "control", Prefix: netip.MustParsePrefix("192.168.1.0/28")},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "workers", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Subnet: "nodes", Groups: []string{"cce-node"}},
			{Name: "master", Addrs: sgsim.MustParseAddrs("192.168.1.10"), Subnet: "control", Groups: []string{"cce-control"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := n.Reach(sgsim.Query{
		From:     sgsim.MustParseAddrs("192.168.0.0/24"),
		To:       sgsim.MustParseAddrs("192.168.1.10"),
		Protocol: sgsim.TCP,
		DstPorts: sgsim.Ports{sgsim.Port(5444)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r)
	fmt.Print(n.Trace(r.DeniedWitness))
	// Output:
	// some
	//   allowed witness: tcp 192.168.0.1:1024 -> 192.168.1.10:5444
	//   denied witness: tcp 192.168.0.129:1024 -> 192.168.1.10:5444
	//     dropped at destination ingress [master]: deny: no rule matched: default deny
	//   allowed: 192.168.0.0/25 -> 192.168.1.10 dport 5444 sport 1024-65535
	//   denied: 192.168.0.128/25 -> 192.168.1.10 dport 5444 sport 1024-65535 at destination ingress by no rule matched: default deny
	// tcp 192.168.0.129:1024 -> 192.168.1.10:5444 from workers to master: dropped at destination ingress
	//   1. source egress [workers]: allow: rule of group "cce-node" (egress allow any priority 1)
	//   2. destination ingress [master]: deny: no rule matched: default deny
}

// Pods carried between nodes in VXLAN: the node group opens only UDP 4789,
// and that is all a pod-to-pod call across nodes needs, because the
// security groups see the outer packets, node to node.
func ExampleOverlay() {
	rule := sgsim.MustParseRule
	pods := netip.MustParsePrefix("172.16.0.0/16")
	nodes := sgsim.MustParseAddrs("192.168.0.0/24")
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{{ID: "cce-node", Rules: []sgsim.Rule{
			rule("egress allow udp 4789 priority 1 id vxlan-out"),
			rule("ingress allow udp 4789 priority 1 id vxlan-in"),
		}}},
		Endpoints: []sgsim.Endpoint{
			{Name: "nodes", Addrs: nodes, Groups: []string{"cce-node"}},
			{Name: "pods", Addrs: sgsim.PrefixAddrs(pods), Groups: []string{"cce-node"}, Overlay: sgsim.Overlay{
				Underlay: "nodes", Encap: sgsim.VXLAN,
				Hosts: sgsim.BlockHosts(pods, 24, nodes), // 172.16.k.0/24 on 192.168.0.k
			}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := sgsim.MustParseFlow("tcp 172.16.0.5:40000 -> 172.16.1.7:8080")
	fmt.Print(n.Trace(f))
	fmt.Println("as if not encapsulated:", n.DecideNative(f).Hop)
	// Output:
	// tcp 172.16.0.5:40000 -> 172.16.1.7:8080 from pods to pods: delivered and answered
	//   carried in vxlan from host 192.168.0.0 to host 192.168.0.1: outer udp 4789 from source ports 49152-65535
	//   1. source egress [nodes]: allow: rule "vxlan-out" of group "cce-node" (egress allow udp 4789 priority 1 id vxlan-out)
	//   2. destination ingress [nodes]: allow: rule "vxlan-in" of group "cce-node" (ingress allow udp 4789 priority 1 id vxlan-in)
	//   3. reply: destination egress [nodes]: allow: rule "vxlan-out" of group "cce-node" (egress allow udp 4789 priority 1 id vxlan-out)
	//   4. reply: source ingress [nodes]: allow: rule "vxlan-in" of group "cce-node" (ingress allow udp 4789 priority 1 id vxlan-in)
	// as if not encapsulated: source egress
}
