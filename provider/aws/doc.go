// Package aws reads and writes the AWS EC2 API's security-group and
// network-ACL documents as the AWS CLI prints them (PascalCase JSON), and
// turns them into sgsim groups.
//
// Three documents are read:
//
//   - DescribeSecurityGroupRules ({"SecurityGroupRules":[...]}), by
//     ReadSecurityGroupRules and written by WriteSecurityGroupRules. One
//     record is one rule; records are grouped by GroupId in first-seen
//     order.
//   - DescribeSecurityGroups ({"SecurityGroups":[...]}), by
//     ReadSecurityGroups. One IpPermission with several sources (IpRanges,
//     Ipv6Ranges, PrefixListIds, UserIdGroupPairs, in that order) becomes
//     one rule per source, each with its own JSON path, e.g.
//     "SecurityGroups[0].IpPermissions[1].Ipv6Ranges[0]".
//   - DescribeNetworkAcls ({"NetworkAcls":[...]}), by ReadNetworkAcls and
//     written by WriteNetworkAcls. Each ACL becomes a group to be evaluated
//     with sgsim.ACL semantics; RuleNumber becomes Priority.
//
// Placement (nic.go documents the fields and their sources):
// ReadNetworkInterfaces reads DescribeNetworkInterfaces into
// provider.NIC values (addresses, subnet, groups in order), ReadSubnets
// DescribeSubnets into provider.Subnet values, and
// ReadNetworkAclAssociations the Associations of DescribeNetworkAcls into
// provider.ACLBinding values; provider.Topology.Place turns them into
// endpoints and subnets. WriteNetworkInterfaces and WriteSubnets write
// the first two back, and WriteNetworkAclsBound writes ACLs with their
// Associations.
//
// Security groups are evaluated with sgsim.Union semantics: all rules are
// allows and Priority stays 0.
//
// # How fields are read
//
//   - The remote (CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo
//     .GroupId; IpRanges[].CidrIp and so on) goes to Src for ingress and
//     Dst for egress. A CIDR sets Rule.Family to its family and is kept as
//     the explicit prefix (0.0.0.0/0 is not turned into "any"). A group
//     reference goes to RemoteGroup and a prefix list to RemoteList, with
//     Family left any; a network model resolves them. Exactly one remote per
//     record; none or two are errors. CIDRs must be canonical (no host bits).
//   - IpProtocol is "-1" (any), "tcp", "udp", "icmp", "icmpv6" (any case) or
//     a decimal number 0-255. Anything else is an error.
//   - FromPort/ToPort: for tcp and udp a port range, 0-65535 for every
//     port, as the EC2 reference requires ("For tcp, udp, and icmp, you
//     must specify a port range"; -1 or an absent port is an error, not
//     every port; WriteSecurityGroupRules writes 0-65535); for icmp and icmpv6 the type and code, -1 meaning any (a
//     code without a type is an error); for every other protocol they must
//     be -1 or absent, because AWS matches all ports of other protocols
//     (SCTP included) whatever ports are given, and a rule that names
//     ports the cloud ignores is more likely a mistake than an intent.
//   - SecurityGroupRuleId becomes the rule ID and Origin.Record.
//     DescribeSecurityGroups has no rule IDs; those rules have an empty ID.
//     Descriptions are not kept.
//   - Network ACL entries: Protocol is "-1" or a decimal protocol number (the
//     form the API returns; names are rejected). CidrBlock or Ipv6CidrBlock
//     (exactly one) restricts Src for ingress (Egress false) and Dst for
//     egress. PortRange{From,To} is the destination port range and is
//     allowed only for TCP (6) and UDP (17); absent means every port.
//     IcmpTypeCode{Type,Code} only for ICMP (1) and ICMPv6 (58), -1 = any.
//     RuleAction is "allow" or "deny". Rule numbers must be 1-32766 and
//     unique per direction within an ACL.
//   - The default rule "*": DescribeNetworkAcls lists it as an entry with
//     RuleNumber 32767 (and, in VPCs with IPv6, 32768 for ::/0), protocol
//     -1, action deny and a /0 block. sgsim's ACL semantics already deny
//     what no rule matches, so these entries are recognised and dropped on
//     reading; a 32767/32768 entry that is anything but that deny-all is an
//     error. WriteNetworkAcls writes them back the way the CLI shows them:
//     32767 for 0.0.0.0/0 in both directions, and 32768 for ::/0 when the
//     ACL has an IPv6 entry in that direction.
//
// Unknown JSON fields are ignored. Every problem with the input is an
// *Error naming the JSON path and the offending value, e.g.
//
//	aws: SecurityGroupRules[3].FromPort: 70000: out of range 0-65535
//
// Truncated or non-JSON input, trailing data after the document, and a
// document without the expected top-level key are errors. A key given
// twice in one object (or twice but for case, which encoding/json would
// read into one field) and invalid UTF-8 are errors anywhere in the
// document. A read returns every error at once, as a *read.Errors that
// lists each with its line and column. With read.SkipInvalid the bad
// records (security group rules, permissions, ACL entries) are skipped
// and listed in the read.Report, and a group or ACL record with a bad
// field of its own is skipped with its records.
//
// The writers refuse rules AWS cannot express (deny rules in security
// groups, remotes that are not one CIDR, group or prefix list, several port
// ranges, source ports, ...), so that reading back what they wrote gives
// the same groups; the one change is that a rule with a CIDR remote and
// no Family comes back with the CIDR's family, which matches the same
// packets.
package aws
