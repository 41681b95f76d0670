package tencent

import (
	"strconv"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/sgsim"
)

// required is the flow catalogue of the cluster. Vendor flows read a
// row's Description or Remarks as "who must reach whom": a row that opens
// ports on a group to a source range means the members of that range
// that the profile models need those ports on the group's members. The
// cluster network (the VPC) holds the nodes and, self-deployed, the
// masters; 0.0.0.0/0 is read as the internet (every address outside the
// cluster's ranges). Ports are as the document writes them: NodePort is
// 30000-32768, one more than Kubernetes' default range.
//
// Not required: the outbound tables (they have no purpose column) and the
// outbound note's rows (their flows, nodes to nodes and nodes to pods, are
// already here from the inbound rows and Kubernetes).
func (c Cluster) required() []provider.RequiredFlow {
	var out []provider.RequiredFlow
	ranges := map[string]sgsim.Addrs{
		"nodes": setOf(c.Nodes), "pods": setOf(c.Pods), "internet": c.internet(), "dns": addrsOf(c.DNS...),
	}
	if c.Mode == SelfDeployed {
		ranges["masters"] = setOf(c.Masters)
	} else {
		ranges["apiserver"] = addrsOf(c.APIServer.Addr())
	}
	add := func(kind provider.Kind, name, from, to string, proto sgsim.Protocol, ports string, table string, n int, reason string) {
		f := provider.RequiredFlow{Name: name, Kind: kind, From: from, To: to, Src: ranges[from], Dst: ranges[to], Protocol: proto, Reason: reason}
		if ports != "" {
			f.Ports = sgsim.MustParsePorts(ports) // hard-coded or a seed cell the seed tests parse
		}
		if table != "" {
			r := Table(table)[n-1]
			f.Origin = sgsim.Origin{Vendor: "tencent", Document: r.Doc, Table: table, Row: n}
			if f.Reason == "" {
				f.Reason = r.Purpose
			}
		}
		out = append(out, f)
	}
	v := provider.Vendor
	tcp, udp, icmp := sgsim.TCP, sgsim.UDP, sgsim.ICMP
	// The node group.
	add(v, "pods to pods tcp", "pods", "pods", tcp, "", NodeInbound, 1, "")
	add(v, "pods to pods udp", "pods", "pods", udp, "", NodeInbound, 1, "")
	add(v, "nodes to nodes tcp", "nodes", "nodes", tcp, "", NodeInbound, 2, "")
	add(v, "nodes to nodes udp", "nodes", "nodes", udp, "", NodeInbound, 2, "")
	add(v, "nodeport tcp from internet", "internet", "nodes", tcp, "30000-32768", NodeInbound, 3, "")
	add(v, "nodeport udp from internet", "internet", "nodes", udp, "30000-32768", NodeInbound, 4, "")
	add(v, "ping nodes from internet", "internet", "nodes", icmp, "", NodeInbound, 5, "")
	// The master group of a self-deployed cluster.
	if c.Mode == SelfDeployed {
		api := Table(MasterInbound)
		add(v, "ping masters from internet", "internet", "masters", icmp, "", MasterInbound, 1, "")
		add(v, "master nodeport tcp from nodes", "nodes", "masters", tcp, "30000-32768", MasterInbound, 2, "")
		add(v, "master nodeport udp from nodes", "nodes", "masters", udp, "30000-32768", MasterInbound, 3, "")
		add(v, "api server ports from nodes", "nodes", "masters", tcp, api[3].Ports, MasterInbound, 4, "")
		add(v, "api server ports from masters", "masters", "masters", tcp, api[3].Ports, MasterInbound, 4,
			api[3].Purpose+" (the cluster network holds the masters too: etcd 2379-2380 between them)")
		add(v, "api server ports from pods", "pods", "masters", tcp, api[4].Ports, MasterInbound, 5, "")
		add(v, "master nodeport tcp from pods", "pods", "masters", tcp, "30000-32768", MasterInbound, 6, "")
		add(v, "master nodeport udp from pods", "pods", "masters", udp, "30000-32768", MasterInbound, 7, "")
		add(v, "coredns on masters from pods", "pods", "masters", udp, "53", MasterInbound, 8, "")
		add(v, "coredns on masters from nodes", "nodes", "masters", udp, "53", MasterInbound, 9, "")
	}
	k := provider.Kubernetes
	add(k, "k8s pod to pod tcp", "pods", "pods", tcp, "", "", 0, "pods reach pods on other nodes without NAT")
	add(k, "k8s pod to pod udp", "pods", "pods", udp, "", "", 0, "pods reach pods on other nodes without NAT")
	add(k, "k8s node to pod tcp", "nodes", "pods", tcp, "", "", 0, "nodes reach every pod (kubelet probes, NodePort forwarding)")
	add(k, "k8s pod dns", "pods", "pods", udp, "53", "", 0,
		"pods resolve names through CoreDNS pods; the kube-dns ClusterIP is translated on the node, so the groups see pod to pod UDP 53")
	add(k, "k8s node dns", "nodes", "dns", udp, "53", "", 0,
		"nodes resolve names (image registries, the API server's name) through the VPC's DNS servers, and CoreDNS forwards names outside the cluster to them")
	if c.Mode == Managed {
		port := strconv.Itoa(int(c.APIServer.Port()))
		add(k, "k8s node to apiserver", "nodes", "apiserver", tcp, port, "", 0, "kubelet and kube-proxy on every node watch the API server")
		add(k, "k8s pod to apiserver", "pods", "apiserver", tcp, port, "", 0,
			"in-cluster clients (CoreDNS, controllers) reach the API server through the kubernetes Service, translated on the node to its endpoint")
	} else {
		add(k, "k8s apiserver to kubelet", "masters", "nodes", tcp, "10250", "", 0, "the API server reaches each kubelet for logs, exec and port-forward")
	}
	return out
}
