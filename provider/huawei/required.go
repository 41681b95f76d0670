package huawei

import (
	"net/netip"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/sgsim"
)

// required is the flow catalogue of the cluster. Vendor flows read the
// purpose column of a row as "who must reach whom": a row that opens a
// port on a group to a source range means the sources need that port on
// the group's members. Table 8 rows (worker egress) mean the nodes need
// that destination. Names are stable across revisions and addressing.
func (c Cluster) required(tables map[string][]seed.Row) []provider.RequiredFlow {
	var out []provider.RequiredFlow
	ranges := map[string]sgsim.Addrs{
		"nodes": setOf(c.Nodes), "masters": setOf(c.Masters), "pods": setOf(c.Pods), "lb": setOf(c.LB),
	}
	if c.Mesh.IsValid() {
		ranges["mesh"] = setOf(c.Mesh)
	}
	row := func(table string, n int) (seed.Row, bool) {
		for _, r := range tables[table] {
			if r.Row == n {
				return r, true
			}
		}
		return seed.Row{}, false
	}
	add := func(kind provider.Kind, name, from, to string, proto sgsim.Protocol, ports string, table string, n int, reason string) {
		src, ok1 := ranges[from]
		dst, ok2 := ranges[to]
		if !ok1 || !ok2 {
			return // e.g. no mesh in this cluster
		}
		f := provider.RequiredFlow{Name: name, Kind: kind, From: from, To: to, Src: src, Dst: dst, Protocol: proto, Reason: reason}
		if ports != "" {
			f.Ports = sgsim.MustParsePorts(ports) // hard-coded or a seed cell the seed tests parse
		}
		if table != "" {
			r, _ := row(table, n)
			f.Origin = sgsim.Origin{Vendor: "huawei", Document: r.Doc, Table: table, Row: n}
			if f.Reason == "" {
				f.Reason = r.Purpose
			}
		}
		out = append(out, f)
	}
	v := provider.Vendor
	tcp, udp, icmp := sgsim.TCP, sgsim.UDP, sgsim.ICMP
	switch c.Model {
	case VPCNetwork:
		add(v, "nodes to nodes tcp", "nodes", "nodes", tcp, "", "Table 1", 7, "")
		add(v, "nodes to nodes udp", "nodes", "nodes", udp, "", "Table 1", 7, "")
		add(v, "masters to nodes tcp", "masters", "nodes", tcp, "", "Table 1", 2, "")
		add(v, "masters to nodes udp", "masters", "nodes", udp, "", "Table 1", 1, "")
		add(v, "masters to nodes icmp", "masters", "nodes", icmp, "", "Table 1", 3, "")
		add(v, "nodeport tcp from lb", "lb", "nodes", tcp, "30000-32767", "Table 1", 4, "")
		add(v, "nodeport udp from lb", "lb", "nodes", udp, "30000-32767", "Table 1", 5, "")
		add(v, "pods to nodes tcp", "pods", "nodes", tcp, "", "Table 1", 6, "")
		add(v, "pods to nodes udp", "pods", "nodes", udp, "", "Table 1", 6, "")
		c.masterFlows(add, "Table 2", map[string]int{"5444 nodes": 1, "5444 pods": 2, "9443": 3, "5443": 4, "8445": 5, "self": 6})
	case Tunnel:
		add(v, "vxlan nodes to nodes", "nodes", "nodes", udp, "4789", "Table 3", 1, "")
		add(v, "vxlan masters to nodes", "masters", "nodes", udp, "4789", "Table 3", 1, "")
		add(v, "vxlan nodes to masters", "nodes", "masters", udp, "4789", "Table 4", 1, "")
		add(v, "kubelet 10250", "masters", "nodes", tcp, "10250", "Table 3", 2, "")
		add(v, "nodeport tcp from lb", "lb", "nodes", tcp, "30000-32767", "Table 3", 3, "")
		add(v, "nodeport udp from lb", "lb", "nodes", udp, "30000-32767", "Table 3", 4, "")
		add(v, "nodes to nodes tcp", "nodes", "nodes", tcp, "", "Table 3", 6, "")
		add(v, "nodes to nodes udp", "nodes", "nodes", udp, "", "Table 3", 6, "")
		c.masterFlows(add, "Table 4", map[string]int{"5444 nodes": 2, "5444 pods": 3, "9443": 4, "5443": 5, "8445": 6, "self": 7})
	case Turbo:
		add(v, "kubelet 10250", "masters", "nodes", tcp, "10250", "Table 5", 1, "")
		add(v, "nodeport tcp from lb", "lb", "nodes", tcp, "30000-32767", "Table 5", 2, "")
		add(v, "nodeport udp from lb", "lb", "nodes", udp, "30000-32767", "Table 5", 3, "")
		add(v, "nodes to nodes tcp", "nodes", "nodes", tcp, "", "Table 5", 5, "")
		add(v, "nodes to nodes udp", "nodes", "nodes", udp, "", "Table 5", 5, "")
		add(v, "pods to nodes tcp", "pods", "nodes", tcp, "", "Table 5", 6, "")
		add(v, "pods to nodes udp", "pods", "nodes", udp, "", "Table 5", 6, "")
		c.masterFlows(add, "Table 6", map[string]int{"5444 nodes": 2, "5444 pods": 1, "9443": 3, "5443": 4, "8445": 5, "self": 6})
		add(v, "pods to masters tcp", "pods", "masters", tcp, "", "Table 6", 7, "")
		add(v, "pods to masters udp", "pods", "masters", udp, "", "Table 6", 7, "")
		add(v, "pods to pods tcp", "pods", "pods", tcp, "", "Table 7", 1, "")
		add(v, "pods to pods udp", "pods", "pods", udp, "", "Table 7", 1, "")
		add(v, "nodes to pods tcp", "nodes", "pods", tcp, "", "Table 7", 2, "")
	}
	// Table 8: what the worker nodes need outbound.
	for _, r := range tables["Table 8"] {
		if r.Ports == "4789" && c.Model != Tunnel {
			continue
		}
		proto, _ := sgsim.ParseProtocol(r.Protocol)
		if proto == sgsim.AnyProtocol {
			proto = sgsim.TCP // "All ports": checked as every TCP port
		}
		to, dst := "", sgsim.Addrs{}
		switch r.Remote {
		case seed.Masters, seed.VPC, seed.VPCContainers:
			// 8445 and 9443 name "master nodes" in their purpose, and
			// 5444 is kube-apiserver on the masters: the VPC (and
			// container) CIDR is how the table reaches them.
			to, dst = "masters", setOf(c.Masters)
		case seed.Containers:
			to, dst = "pods", setOf(c.Pods)
		case seed.DNS:
			to, dst = "dns", c.dnsAddrs()
		case seed.Any:
			to, dst = "nodes", setOf(c.Nodes) // 4789: the other nodes
		default:
			p, err := netip.ParsePrefix(string(r.Remote))
			if err != nil {
				continue
			}
			to, dst = p.String(), setOf(p)
		}
		ports := r.Ports
		name := "t8 " + proto.String() + " " + map[bool]string{true: "all", false: ports}[ports == ""] + " to " + to
		f := provider.RequiredFlow{Name: name, Kind: v, From: "nodes", To: to, Src: setOf(c.Nodes), Dst: dst, Protocol: proto,
			Reason: r.Purpose, Origin: sgsim.Origin{Vendor: "huawei", Document: r.Doc, Table: r.Table, Row: r.Row}}
		if ports != "" {
			f.Ports = sgsim.MustParsePorts(ports) // hard-coded or a seed cell the seed tests parse
		}
		out = append(out, f)
	}
	k := provider.Kubernetes
	if c.Model == Tunnel {
		// Evaluated through the overlay: as VXLAN between the pods' nodes.
		add(k, "k8s pod to pod tcp", "pods", "pods", tcp, "", "", 0,
			"pods reach pods on other nodes without NAT; in the tunnel model that traffic crosses the security groups as VXLAN between their nodes")
		add(k, "k8s pod to pod udp", "pods", "pods", udp, "", "", 0,
			"pods reach pods on other nodes without NAT; in the tunnel model that traffic crosses the security groups as VXLAN between their nodes")
		add(k, "k8s pod dns", "pods", "pods", udp, "5353", "", 0,
			"pods resolve names through CoreDNS pods on other nodes (port 5353), as VXLAN between their nodes in the tunnel model")
	} else {
		add(k, "k8s pod to pod tcp", "pods", "pods", tcp, "", "", 0, "pods reach pods on other nodes without NAT")
		add(k, "k8s pod to pod udp", "pods", "pods", udp, "", "", 0, "pods reach pods on other nodes without NAT")
		add(k, "k8s node to pod tcp", "nodes", "pods", tcp, "", "", 0, "nodes reach every pod (kubelet probes, NodePort forwarding)")
		add(k, "k8s pod dns", "pods", "pods", udp, "5353", "", 0,
			"pods resolve names through CoreDNS pods; CCE's CoreDNS listens on 5353 (the newer Table 8 opens TCP/UDP 5353 to the container CIDR for it)")
	}
	for i := range out {
		// VXLAN is one-way: a node's packets to another node's 4789 come
		// back as that node's own flow to this node's 4789, a flow of its
		// own in the catalogue.
		if out[i].Protocol == udp && out[i].Ports.String() == "4789" {
			out[i].Question = sgsim.Delivered
		}
	}
	return out
}

type addFunc func(kind provider.Kind, name, from, to string, proto sgsim.Protocol, ports string, table string, n int, reason string)

// masterFlows adds the master-group rows every model has.
func (c Cluster) masterFlows(add addFunc, table string, rows map[string]int) {
	v := provider.Vendor
	add(v, "kube-apiserver 5444 from nodes", "nodes", "masters", sgsim.TCP, "5444", table, rows["5444 nodes"], "")
	add(v, "kube-apiserver 5444 from pods", "pods", "masters", sgsim.TCP, "5444", table, rows["5444 pods"], "")
	add(v, "network add-on 9443", "nodes", "masters", sgsim.TCP, "9443", table, rows["9443"], "")
	for _, from := range []string{"nodes", "pods", "mesh"} {
		// The 5443 row's suggestion: "must allow traffic from the CIDR
		// blocks of the VPC, container, and the control plane of the
		// hosted service mesh".
		add(v, "kube-apiserver 5443 from "+from, from, "masters", sgsim.TCP, "5443", table, rows["5443"], "")
	}
	add(v, "storage add-on 8445", "nodes", "masters", sgsim.TCP, "8445", table, rows["8445"], "")
	add(v, "masters to masters tcp", "masters", "masters", sgsim.TCP, "", table, rows["self"], "")
}
