package alibaba

import (
	"slices"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/sgsim"
)

// required is the flow catalogue of the cluster. The ACK tables have no
// purpose column; the Port cells name what a port is for ("53/53 (DNS)",
// "10250 (kubelet)", "6443 (APIServer)", ...), and the authorization
// objects say who talks: the cluster's own members (the group's ID, or the
// vSwitch and pod CIDR blocks) inbound, and the API server's SLB, the
// members and Alibaba Cloud resources outbound. Vendor flows read each
// Port cell as "the cluster's members need this port on the server that
// listens there":
//
//   - DNS 53: CoreDNS runs in pods, so nodes need TCP and UDP 53 on pods.
//   - ICMP: the members ping each other; checked node to node.
//   - 10250 and 10255 (kubelet): nodes and pods (metrics-server) reach the
//     kubelet on nodes; 10255 is checked from nodes only.
//   - 443 (webhook) and 8082 (heapster) inbound: served by pods, checked
//     from nodes. The inbound 6443 (APIServer) is for API servers on
//     cluster members, which a managed cluster does not have: no flow.
//   - 443 and 6443 (APIServer) outbound to the SLB: nodes reach the API
//     server on both, pods on 6443. The outbound 53 and 10250/10255 to the
//     SLB name nothing the SLB serves: no flow.
//   - 100.64.0.0/10 outbound, all protocols: nodes reach Alibaba Cloud
//     resources (DNS 100.100.2.136, metadata, registries), checked for
//     every TCP and UDP port.
//
// Sources named by the group's ID are modelled as the nodes: the document
// names no other members. "Ports of applications and components that you
// want to expose" gives neither ports nor clients: no flow. NodePort is
// not named by the document and is not required either.
//
// Kubernetes flows are those of any cluster network: pods reach pods, nodes
// reach pods, pods resolve names through CoreDNS pods, and host-network
// pods (kube-proxy, node-exporter, the network plug-in's agents) serve on
// node addresses on ports no table names, so nodes and pods reach nodes on
// every TCP port.
func (c Cluster) required() []provider.RequiredFlow {
	ranges := map[string]sgsim.Addrs{
		"nodes": c.nodes(), "pods": c.pods(), "apiserver-slb": c.slb(),
		"alibaba-cloud": addrsOf(AlibabaCloudResources),
	}
	var out []provider.RequiredFlow
	add := func(kind provider.Kind, name, from, to string, proto sgsim.Protocol, ports string, dir sgsim.Direction, reason string) {
		f := provider.RequiredFlow{Name: name, Kind: kind, From: from, To: to, Src: ranges[from], Dst: ranges[to],
			Protocol: proto, Reason: reason}
		if ports != "" {
			f.Ports = sgsim.MustParsePorts(ports) // hard-coded or a seed cell the seed tests parse
		}
		if kind == provider.Vendor {
			f.Origin = c.cite(dir, proto, ports)
			f.Reason = f.Origin.Note + ": " + reason
			f.Origin.Note = ""
		}
		out = append(out, f)
	}
	v, k := provider.Vendor, provider.Kubernetes
	tcp, udp, icmp := sgsim.TCP, sgsim.UDP, sgsim.ICMP
	in, eg := sgsim.Ingress, sgsim.Egress
	add(v, "dns udp 53 nodes to pods", "nodes", "pods", udp, "53", in, "CoreDNS runs in pods")
	add(v, "dns tcp 53 nodes to pods", "nodes", "pods", tcp, "53", in, "CoreDNS runs in pods")
	add(v, "icmp nodes to nodes", "nodes", "nodes", icmp, "", in, "members ping each other")
	add(v, "kubelet 10250 from nodes", "nodes", "nodes", tcp, "10250", in, "the kubelet API on every node")
	add(v, "kubelet 10250 from pods", "pods", "nodes", tcp, "10250", in, "metrics-server and other pods read the kubelet API")
	add(v, "kubelet 10255 from nodes", "nodes", "nodes", tcp, "10255", in, "the kubelet read-only port")
	add(v, "webhook 443 nodes to pods", "nodes", "pods", tcp, "443", in, "admission webhooks are served by pods")
	add(v, "heapster 8082 nodes to pods", "nodes", "pods", tcp, "8082", in, "heapster is a pod")
	add(v, "apiserver 6443 via slb from nodes", "nodes", "apiserver-slb", tcp, "6443", eg, "the API server behind its SLB")
	add(v, "apiserver 443 via slb from nodes", "nodes", "apiserver-slb", tcp, "443", eg, "the API server behind its SLB")
	add(v, "apiserver 6443 via slb from pods", "pods", "apiserver-slb", tcp, "6443", eg, "in-cluster clients of the API server")
	add(v, "alibaba cloud tcp from nodes", "nodes", "alibaba-cloud", tcp, "", eg, "Alibaba Cloud resources: registries, OSS, metadata")
	add(v, "alibaba cloud udp from nodes", "nodes", "alibaba-cloud", udp, "", eg, "Alibaba Cloud resources: VPC DNS 100.100.2.136 and 100.100.2.138")
	add(k, "k8s pod to pod tcp", "pods", "pods", tcp, "", 0, "pods reach pods on other nodes without NAT")
	add(k, "k8s pod to pod udp", "pods", "pods", udp, "", 0, "pods reach pods on other nodes without NAT")
	add(k, "k8s node to pod tcp", "nodes", "pods", tcp, "", 0, "nodes reach every pod (kubelet probes, NodePort forwarding)")
	add(k, "k8s pod dns udp", "pods", "pods", udp, "53", 0, "pods resolve names through CoreDNS pods")
	add(k, "k8s pod dns tcp", "pods", "pods", tcp, "53", 0, "pods resolve names through CoreDNS pods (large answers, zone transfers)")
	add(k, "k8s node to node tcp", "nodes", "nodes", tcp, "", 0, "host-network pods serve on node addresses, on ports of their own")
	add(k, "k8s pod to node tcp", "pods", "nodes", tcp, "", 0, "pods reach host-network pods, which serve on node addresses")
	return out
}

// cite returns the origin of the least privilege row, for the cluster's
// group type and plug-in, whose Port cell names the port: the first row
// of the table in that direction with the protocol (or "any") and the
// port among its ports. Note holds the row's Port cell.
func (c Cluster) cite(dir sgsim.Direction, proto sgsim.Protocol, port string) sgsim.Origin {
	table := c.table(dir, LeastPrivilege)
	for _, row := range Table(table) {
		p, _ := sgsim.ParseProtocol(row.Protocol)
		if p != proto && p != sgsim.AnyProtocol {
			continue
		}
		if port != "" && !slices.Contains(strings.Split(row.Ports, ","), port) || port == "" && row.Ports != "" {
			continue
		}
		return sgsim.Origin{Vendor: "alibaba", Document: row.Doc, Table: table, Row: row.Row, Note: row.Purpose}
	}
	return sgsim.Origin{Vendor: "alibaba", Document: DocACK, Table: table}
}
