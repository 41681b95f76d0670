// Package sgsim simulates cloud security groups and network ACLs: it
// decides whether a flow passes a set of rules under a vendor's evaluation
// semantics, and says which rule decided.
//
// The value types are small and have useful zero values: Protocol (zero:
// any), PortRange and Ports (nil: every port), Addrs (zero: any address),
// ICMPMatch (zero: any type and code), Action (zero: Deny), Direction
// (zero: Ingress), Flow. A Rule matches on source and destination address
// sets, protocol, ports and ICMP type/code and carries its ID and Origin
// (vendor record or seed table row). Rules have a text form:
//
//	ingress allow tcp 5444 from 192.168.0.0/16 priority 1
//
// Semantics orders rules the way a vendor does (Huawei, Alibaba, Tencent,
// AWS's Union, network ACLs, or plain FirstMatch); under every one of them
// the first rule in that order that matches decides and nothing matched
// means deny. Linear evaluates that definition rule by rule; Compile builds
// a Classifier that gives the same Verdict without scanning, does not
// allocate per lookup, and is safe for concurrent use. A Builder collects
// groups and rules and produces either. Classifier.Partition splits a
// space of flows into boxes that one rule (or the default deny) decides
// whole, and Classifier.Position finds a deciding rule's group and index.
//
// A Network places rules on the packet path. Endpoints (instances, node
// pools, pod ranges) carry security groups in attachment order and sit in
// subnets whose network ACLs are stateful (Huawei) or stateless (Alibaba,
// AWS; Tencent unconfirmed, treated as stateless). BuildNetwork resolves
// group and list references and compiles everything once. Network.Decide
// evaluates one flow without allocating; Network.Trace records every hop
// (source egress, subnet ACLs, destination ingress, and the reply through
// stateless ACLs) with the deciding rule; Network.Reach answers a range
// query (all / some / none) for every address and port in it, with
// witness flows and the exact allowed sub-space. Each reports the forward
// path (delivered, or dropped at a hop) and the reply path (answered,
// dropped at a hop, or not applicable to a one-way ICMP message:
// ICMPReply) separately; a Query asks one Question of every flow,
// Delivered or Answered (the default for every protocol).
// Network.RuleRef names the group (or network ACL) and index a verdict's
// rule came from, Network.Rules lists every rule some hop carries, and
// ResolveAddrs turns what a user names ("nodes,10.0.0.0/24") into the
// addresses of a query, with an error saying which item is wrong.
//
// An endpoint can be an overlay (Endpoint.Overlay): a pod range carried
// between its nodes in VXLAN or Geneve. Traffic between overlay addresses
// on different hosts is evaluated as the outer UDP flows between the
// hosts (forward, and back for the reply), which is what the security
// groups see; BlockHosts places pod blocks on nodes, and
// Network.DecideCarried decides a flow carried between hosts a capture
// shows.
//
// The shortest complete use:
//
//	c, err := sgsim.Compile(sgsim.Huawei, sgsim.Group{ID: "master", Rules: []sgsim.Rule{
//		sgsim.MustParseRule("ingress allow tcp 5444 from 192.168.0.0/16 priority 1"),
//	}})
//	if err != nil { ... }
//	v := c.Check(sgsim.Ingress, sgsim.MustParseFlow("tcp 192.168.0.7:40000 -> 192.168.1.10:5444"))
//	fmt.Println(v) // allow: rule of group "master" (ingress allow tcp 5444 from 192.168.0.0/16 priority 1)
package sgsim
