// Package tencent holds the Tencent Cloud TKE seed tables for sgsim.
//
// What exists now is a row-by-row transcription, as seed.Row values, of
// seed document 003_45cfe4d06b09d118.txt, "TKE Security Group Settings"
// (2024): the inbound and outbound rules of the default node security
// group, the note that custom outbound rules must open the node and
// container IP ranges (read as two egress rows), and the inbound and
// outbound rules of the default security group bound to the master nodes
// of self-deployed clusters (Rows, Tables, Table and the table names). The
// NodePort range is kept as the document writes it, 30000-32768.
//
// The prose list under "How to Select a Security Group for TKE" (open the
// pod and node networks, 22 for SSH, 30000 to 32768 on nodes) is not
// transcribed as rows: it names neither protocols for the NodePort range
// nor the ranges of other clusters, and the default node table above
// states the same rules precisely.
//
// The rows are symbolic: their remotes are seed.Remote names such as
// seed.VPC or seed.Containers, or 0.0.0.0/0. NewProfile turns them into
// sgsim rules for a Cluster (managed, or self-deployed with master nodes;
// the zero Cluster is a documented example), with the node group's
// "hardened" outbound set read from the note, a required-flow catalogue,
// and the network to check them in (see Profile and its example).
// ReadPolicies and WritePolicies read and write DescribeSecurityGroupPolicies
// exports.
//
// ReadNetworkAcls and WriteNetworkAcls read and write DescribeNetworkAcls
// exports: one sgsim.Group per network ACL (ID NetworkAclId), its ingress
// and egress entries in list order with Priority their 1-based position,
// to be evaluated with sgsim.ACL (top to bottom, first match, no match
// denies). The fixed default entries the API lists are kept as rules.
// ReadNetworkAclQuintupleEntries and WriteNetworkAclQuintupleEntries do
// the same for the DescribeNetworkAclQuintupleEntries export of a
// quintuple ACL, whose entries name source and destination CIDR blocks and
// ports and carry their own Priority (1 first). The comment at the top of
// acl.go lists the fields, the pages that confirm them, and what is
// unconfirmed.
//
// Placement: ReadNetworkInterfaces reads DescribeNetworkInterfaces into
// provider.NIC values (addresses, subnet, GroupSet in binding order),
// ReadSubnets reads DescribeSubnets into provider.Subnet values with
// their NetworkAclId, and ReadNetworkAclSubnets reads the SubnetSet of
// each ACL of DescribeNetworkAcls into provider.ACLBinding values, for
// provider.Topology.Place; WriteNetworkInterfaces and WriteSubnets write
// the first two back. nic.go documents the fields and their sources.
package tencent
