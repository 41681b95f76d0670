// Package huawei models the security groups and network ACLs of Huawei
// Cloud CCE clusters.
//
// Seed tables: Tables 1-8 of the CCE FAQ "How Can I Configure a Security
// Group Rule in a Cluster?" (titled "... for a Cluster?" in the newer
// revision), copied row by row into [seed.Row] values for each of the two
// revisions in /work/shared/seeds (see [Revision] and [SeedTables]).
//
// Profiles: [NewProfile] takes a [Cluster] (network model VPC, tunnel or
// CCE Turbo, revision, VPC, node, master, container, Service and ELB
// ranges, DNS servers; the zero Cluster is the documented example), gives
// the symbolic remotes of the rows their values and builds the cce-node,
// cce-control and (CCE Turbo) cce-eni groups, Table 8's hardened worker
// egress set and the required flows. [Profile.Network] places them in a
// network, hardened or not, for provider.Check and provider.Findings;
// profile_test.go asserts the findings for any valid cluster.
//
// Security groups: [ReadRules] reads a VPC v3 ListSecurityGroupRules
// response, or the Neutron list of the same rules, into one sgsim.Group
// per security group, and [WriteRules] writes groups back; api.go
// documents the fields and where they were confirmed.
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
// Placement: [ReadPorts] reads a ListPorts response into provider.NIC
// values (addresses, subnet, security groups in order; none when port
// security is off), [ReadSubnets] a ListSubnets response into
// provider.Subnet values, and [FirewallBindings] turns the ACLs'
// associations into provider.ACLBinding values, for
// provider.Topology.Place. [WritePorts] and [WriteSubnets] write the
// first two back; nic.go documents the fields and where they were
// confirmed.
//
// Seed transcription conventions:
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
