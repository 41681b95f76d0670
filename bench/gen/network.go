package gen

import (
	"fmt"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
)

// Network returns a network of n endpoints (at least 8) shaped like a
// VPC that runs a classic three-tier application next to a Kubernetes
// cluster, deterministic in seed: an internet range, a load balancer, a
// bastion, an admin host and a monitoring host, then web, app, cache and
// database instances, Kubernetes masters, nodes and their pod ranges in
// fixed shares. Endpoints of a tier share its security group and subnet;
// about half carry a second group that the monitoring host scrapes, and
// some app instances a third (a feature flag's port). Groups reference
// each other (RemoteGroup) and a few single hosts, and two subnets carry
// stateless network ACLs (Cloud is Union, AWS), so that rows differ by
// tier, by extra group and by address: the shape of a real 200-endpoint
// connectivity map. IPv4 only; web instances are dual-stack.
func Network(seed int64, n int) sgsim.NetworkSpec {
	n = max(n, 8)
	r := newRand(seed, 0x6e6574)
	rule := sgsim.MustParseRule
	rules := func(ss ...string) []sgsim.Rule {
		out := make([]sgsim.Rule, len(ss))
		for i, s := range ss {
			out[i] = rule(s)
		}
		return out
	}
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "sg-web", Rules: rules("ingress allow tcp 80,443 from any", "ingress allow tcp 22 from group sg-bastion", "egress allow any")},
			{ID: "sg-app", Rules: rules("ingress allow tcp 8080 from group sg-web", "ingress allow tcp 8443 from group sg-app",
				"ingress allow tcp 22 from group sg-bastion", "egress allow any")},
			{ID: "sg-flag", Rules: rules("ingress allow tcp 7000-7010 from group sg-app", "ingress allow udp 7000 from 10.0.64.10")},
			{ID: "sg-cache", Rules: rules("ingress allow tcp 6379 from group sg-app", "egress allow udp 53 to 10.0.0.2")},
			{ID: "sg-db", Rules: rules("ingress allow tcp 5432 from group sg-app", "ingress allow tcp 5432 from 10.0.64.10",
				"ingress allow tcp 5432 from group sg-db", "ingress allow tcp 22 from group sg-bastion",
				"egress allow tcp 5432 to group sg-db", "egress allow udp 53 to 10.0.0.2")},
			{ID: "sg-master", Rules: rules("ingress allow tcp 6443 from group sg-node", "ingress allow tcp 6443 from 10.0.64.0/24",
				"ingress allow tcp 2379-2380 from group sg-master", "egress allow any")},
			{ID: "sg-node", Rules: rules("ingress allow any from group sg-node", "ingress allow tcp 10250 from group sg-master",
				"ingress allow tcp 30000-32767 from 10.0.0.0/20", "egress allow any")},
			{ID: "sg-monitored", Rules: rules("ingress allow tcp 9100 from group sg-monitor", "ingress allow icmp type 8 from 10.0.64.0/24",
				"ingress allow icmpv6 type 128 from any")},
			{ID: "sg-monitor", Rules: rules("egress allow any")},
			{ID: "sg-bastion", Rules: rules("ingress allow tcp 22 from 198.51.100.0/24", "egress allow tcp 22 to 10.0.0.0/16", "egress allow icmp")},
		},
		ACLs: []sgsim.Group{
			{ID: "acl-public", Rules: rules("ingress allow tcp 80,443 from any priority 100", "ingress allow tcp 1024-65535 from any priority 110",
				"ingress allow any from 10.0.0.0/16 priority 120", "ingress allow any ipv6 priority 130", "egress allow any priority 100")},
			{ID: "acl-data", Rules: rules("ingress allow tcp 5432 from 10.0.16.0/20 priority 100", "ingress allow tcp 22 from 10.0.64.0/24 priority 110",
				"ingress allow tcp 5432 from 10.0.64.10 priority 115", "ingress allow tcp 1024-65535 from 10.0.0.0/16 priority 120",
				"ingress allow icmp from 10.0.64.0/24 priority 130", "egress allow tcp 1024-65535 to 10.0.0.0/16 priority 100",
				"egress allow tcp 5432 to 10.0.32.0/20 priority 110", "egress allow udp 53 to 10.0.0.2 priority 120",
				"egress allow icmp to 10.0.64.0/24 priority 130")},
		},
		Subnets: []sgsim.Subnet{
			{Name: "public", Prefix: netip.MustParsePrefix("10.0.0.0/20"), Also: []netip.Prefix{netip.MustParsePrefix("2001:db8::/64")}, ACL: "acl-public"},
			{Name: "app", Prefix: netip.MustParsePrefix("10.0.16.0/20")},
			{Name: "data", Prefix: netip.MustParsePrefix("10.0.32.0/20"), ACL: "acl-data"},
			{Name: "k8s", Prefix: netip.MustParsePrefix("10.0.48.0/20")},
			{Name: "mgmt", Prefix: netip.MustParsePrefix("10.0.64.0/24")},
		},
	}
	add := func(name, addrs, subnet string, groups ...string) {
		spec.Endpoints = append(spec.Endpoints, sgsim.Endpoint{Name: name, Addrs: sgsim.MustParseAddrs(addrs), Subnet: subnet, Groups: groups})
	}
	add("internet", "198.51.100.0/24,203.0.113.0/24", "")
	add("lb", "10.0.0.10", "public")
	add("bastion", "10.0.64.5", "mgmt", "sg-bastion")
	add("admin", "10.0.64.10", "mgmt")
	add("monitor", "10.0.64.20", "mgmt", "sg-monitor")
	rest := n - len(spec.Endpoints)
	tiers := []struct {
		name, subnet string
		share        float64
		base         netip.Addr
	}{
		{"web", "public", 0.15, netip.MustParseAddr("10.0.1.0")},
		{"app", "app", 0.25, netip.MustParseAddr("10.0.16.0")},
		{"cache", "app", 0.05, netip.MustParseAddr("10.0.20.0")},
		{"db", "data", 0.10, netip.MustParseAddr("10.0.32.0")},
		{"master", "k8s", 0.03, netip.MustParseAddr("10.0.48.0")},
		{"pods", "k8s", 0.10, netip.MustParseAddr("172.16.0.0")},
		{"node", "k8s", 0, netip.MustParseAddr("10.0.49.0")}, // the rest
	}
	left := rest
	for ti, t := range tiers {
		k := int(t.share*float64(rest) + 0.5)
		if ti == len(tiers)-1 || k > left {
			k = left
		}
		k = max(k, min(1, left))
		left -= k
		a := t.base
		for i := range k {
			a = a.Next()
			name := fmt.Sprintf("%s-%d", t.name, i+1)
			var groups []string
			addrs := a.String()
			switch t.name {
			case "web":
				groups = []string{"sg-web"}
				addrs += fmt.Sprintf(",2001:db8::%x", i+1)
			case "app":
				groups = []string{"sg-app"}
				if r.Float64() < 0.3 {
					groups = append(groups, "sg-flag")
				}
			case "cache":
				groups = []string{"sg-cache"}
			case "db":
				groups = []string{"sg-db"}
			case "master":
				groups = []string{"sg-master", "sg-node"}
			case "node", "pods":
				groups = []string{"sg-node"}
			}
			if t.name == "pods" {
				// A /26 per node's pods, outside the VPC, crossing the k8s subnet.
				addrs = netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i / 4), byte(i % 4 * 64)}), 26).String()
			}
			if t.name != "pods" && r.Float64() < 0.5 {
				groups = append(groups, "sg-monitored")
			}
			add(name, addrs, t.subnet, groups...)
		}
	}
	return spec
}
