// Package huawei models the security groups that Huawei Cloud CCE creates
// for a cluster.
//
// For now it holds only the seed transcription: Tables 1-8 of the CCE FAQ
// "How Can I Configure a Security Group Rule in a Cluster?" (titled "... for
// a Cluster?" in the newer revision), copied row by row into [seed.Row] values for each of the two revisions in
// /work/shared/seeds (see [Revision] and [SeedTables]). Nothing here turns
// those rows into rules yet.
//
// What is to come: profiles that take a cluster description (network model
// VPC / tunnel / Cloud Native 2.0, VPC CIDR, container CIDR, master
// addresses, ...), give the symbolic remotes of the rows their values and
// build the cce-node, cce-control and cce-eni security groups from them.
// Those profiles do not exist yet.
//
// Network ACLs: [ReadFirewalls] reads the VPC v3 network ACL API, a
// ShowFirewall response {"firewall": {...}} or a list {"firewalls": [...]}
// of the same records, into one [Firewall] per ACL. Firewall.ACL is the
// ACL as the cloud evaluates it, for sgsim.ACL semantics: the enabled
// rules in list order with Priority = position in their direction, and no
// rules (deny all) when the ACL is disabled; disabled rules and the rules
// of a disabled ACL are kept in Firewall.Disabled and Firewall.Suspended.
// Address groups on the remote side become Rule.RemoteList; on the subnet
// side they are an error. [WriteFirewalls] and [WriteFirewall] write the
// same form back. acl.go documents the fields and where they were
// confirmed.
//
// Transcription conventions:
//   - Group is "worker" for the {Cluster name}-cce-node-{Random ID} group,
//     "master" for cce-control and "eni" for cce-eni. Table 8 rows are
//     worker egress rules.
//   - A source cell naming a security group maps to seed.GroupMaster,
//     seed.GroupWorker or seed.GroupENI ("Security group of master nodes" in
//     the older revision, "Master node security group" in the newer, and so
//     on). "All IP addresses: 0.0.0.0/0", "All IP addresses (0.0.0.0/0)"
//     and Table 8's bare "All IP addresses" map to seed.Any.
//   - A port cell of "All" (or "All ports") is Protocol "any" with Ports "";
//     "All UDP ports" is udp with Ports ""; "All ICMP ports" is icmp.
//   - Merged cells (row spans) are repeated on every row they cover, and the
//     row's Note says so.
//   - Purpose, Modifiable and Suggestion are the document's words. For the
//     newer revision (reStructuredText) inline markup is dropped: **bold**,
//     *emphasis*, “literal“ and :ref:`text <target>` become their text.
package huawei
