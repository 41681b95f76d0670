// Package alibaba holds the Alibaba Cloud seed tables for sgsim.
//
// What exists now is a row-by-row transcription, as seed.Row values, of
// two seed documents:
//
//   - 002_1afb617ba439b90c.txt, Alibaba Cloud ACK "Configure and manage
//     cluster security groups" (2024): the recommended and least-privilege
//     inbound and outbound rules of basic and advanced security groups
//     (ACK, Tables, Table and the Basic*/Advanced* table names). Each table
//     comes in a Flannel and a Terway variant, the latter without the pod
//     CIDR rows the document marks "required only in Flannel network mode".
//   - 004_8f9cab25fd196be9.txt, Alibaba Cloud Container Service "Container
//     Service security group rules" (2017): the default inbound rules of
//     groups created after February 28, 2017, as far as the prose states
//     them (the rule tables were images and are lost), the steps to tighten
//     older classic-network groups, and one rule-shaped principle
//     (ContainerService2017 and the CS2017* table names).
//
// The rows are symbolic: their remotes are seed.Remote names such as
// seed.Containers or seed.GroupWorker, or literal CIDRs the documents write
// (0.0.0.0/0, 100.64.0.0/10). NewProfile turns the ACK rows into sgsim
// rules for a Cluster (basic or advanced group, Flannel or Terway,
// recommended or least-privilege settings each way; the zero Cluster is a
// documented example), with the required flows and the network to check
// them in; NewProfile2017 does the same for the 2017 Container Service
// defaults as far as the text states them. ReadSecurityGroup(s) and
// WriteSecurityGroup(s) read and write DescribeSecurityGroupAttribute
// exports.
//
// ReadNetworkAcls reads VPC network ACLs from a DescribeNetworkAclAttributes
// or DescribeNetworkAcls response: one sgsim.Group per ACL, ingress then
// egress entries in list order with Priority their 1-based position in
// their direction, for sgsim.ACL semantics (first match, no match denies;
// Alibaba ACLs are stateless). Entries the cloud adds (EntryType "system"
// or "service") are kept as rules and marked in Origin.Note.
// ReadNetworkAclBindings returns the vSwitches each ACL is bound to, and
// WriteNetworkAcls renders groups back as a DescribeNetworkAcls response.
//
// Placement: ReadNetworkInterfaces reads ECS DescribeNetworkInterfaces
// into provider.NIC values (addresses and delegated prefixes, vSwitch,
// security groups in order), ReadVSwitches reads VPC DescribeVSwitches
// into provider.Subnet values with their NetworkAclId, and ACLBindings
// turns ReadNetworkAclBindings' vSwitch resources into
// provider.ACLBinding values, for provider.Topology.Place;
// WriteNetworkInterfaces and WriteVSwitches write them back. nic.go
// documents the fields and where they were confirmed.
package alibaba
