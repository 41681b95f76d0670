// Package terraform reads the security-group rules out of `terraform show
// -json` output, for a saved plan or for a state, so that a change can be
// simulated before it is applied.
//
// ReadPlan walks planned_values.root_module (plan) or values.root_module
// (state), child_modules included at any depth, and collects the rules of
// these managed resource types into a Plan, per provider family, each with
// the sgsim semantics to use:
//
//	huaweicloud_networking_secgroup_rule   Plan.Huawei   sgsim.Huawei
//	alicloud_security_group_rule           Plan.Alibaba  sgsim.Alibaba
//	tencentcloud_security_group_rule_set   Plan.Tencent  sgsim.Tencent
//	aws_security_group (ingress/egress)    Plan.AWS      sgsim.Union
//	aws_security_group_rule                Plan.AWS      sgsim.Union
//	aws_vpc_security_group_ingress_rule    Plan.AWS      sgsim.Union
//	aws_vpc_security_group_egress_rule     Plan.AWS      sgsim.Union
//
// Groups are keyed by the security group id (security_group_id, or id for
// aws_security_group) in first-seen order. Every rule's Origin.Path is the
// resource address ("module.net.alicloud_security_group_rule.ssh"), with
// the block for nested rules ("aws_security_group.web.ingress[1]",
// "...tencentcloud_security_group_rule_set.base.egress[0]"); Origin.Record
// is the rule's id when the state knows it.
//
// # Values unknown until apply
//
// planned_values omits unknown values; resource_changes[].change.after_unknown
// marks them. ReadPlan reports every such attribute that a rule depends on
// as an Unknown{Address, Attribute} and does not guess:
//
//   - An unknown security group id (the usual case: the group is created in
//     the same plan) keeps the rule, in a group keyed by the address of the
//     resource the configuration takes the id from (configuration
//     expressions' references, "huaweicloud_networking_secgroup.sg.id" ->
//     "huaweicloud_networking_secgroup.sg", in the same module instance;
//     Terraform 0.12 cuts the reference at the resource and lists only
//     "huaweicloud_networking_secgroup.sg", which is followed too unless
//     the list also names another attribute of that resource);
//     when the reference cannot be followed (a variable, a module output,
//     no configuration) the rule's own address is the key. An
//     aws_security_group whose id is unknown is keyed by its own address,
//     which is what rules referring to it resolve to. Such keys are listed
//     in Plan.AddressKeys.
//   - Any other unknown attribute that decides what a rule matches
//     (protocol, ports, remote, action, priority, direction, ...) leaves
//     the rule out; for aws_security_group blocks and aws_security_group_rule
//     an unknown entry of cidr_blocks (and the other source lists) leaves
//     out that block's rules. Checks that depend on the unknown value (ports
//     against the protocol, a prefix against the ethertype, one end of a
//     port range against the other) are not made. A caller that wants
//     all-or-nothing fails when Plan.Unknown is not empty.
//   - An attribute the configuration does not set at all but after_unknown
//     still marks (Optional+Computed attributes of a new resource, e.g.
//     Huawei's action, priority and ports) is read as unset, so the vendor
//     default applies. This needs the configuration section of the plan;
//     without it every unknown attribute counts.
//
// A state has no unknown values.
//
// # Attribute names and how they are read
//
// Confirmed against the providers' documentation (registry docs in the
// providers' repositories: huaweicloud/terraform-provider-huaweicloud
// docs/resources/networking_secgroup_rule.md;
// aliyun/terraform-provider-alicloud website/docs/r/security_group_rule
// and the resource's schema in alicloud/resource_alicloud_security_group_rule.go;
// tencentcloudstack/terraform-provider-tencentcloud
// website/docs/r/security_group_rule_set; hashicorp/terraform-provider-aws
// website/docs/r/security_group, security_group_rule,
// vpc_security_group_ingress_rule) and, for the JSON layout, Terraform's
// "JSON Output Format" page (website/docs/internals/json-format.mdx):
//
//   - huaweicloud_networking_secgroup_rule: security_group_id, direction
//     (ingress/egress), ethertype (IPv4/IPv6, empty read as IPv4), protocol
//     (tcp, udp, icmp, icmpv6, a number; empty = any), ports ("80",
//     "1-30", "22, 3389, 80"; spaces allowed) or port_range_min/max,
//     remote_ip_prefix (strict CIDR; empty = every address of the
//     ethertype), remote_group_id, remote_address_group_id (at most one
//     remote), action (allow/deny, default allow), priority (1-100, default
//     1). ports wins over port_range_min/max when both are set.
//     Unconfirmed: that for ICMP port_range_min/max carry type and code in
//     the state as they do in the Neutron API, and that 0 there means
//     unset (so type 0 with any code cannot be expressed that way).
//   - alicloud_security_group_rule: security_group_id, type
//     (ingress/egress), ip_protocol (tcp, udp, icmp, gre, all; icmpv6 and
//     numbers also accepted, unconfirmed), port_range ("1/200"; "-1/-1" or
//     empty = all, required for non-TCP/UDP), policy (accept/drop, default
//     accept), priority (1-100, default 1), nic_type (internet/intranet;
//     checked, not modelled), cidr_ip, ipv6_cidr_ip,
//     source_security_group_id (at most one), prefix_list_id (ignored when
//     one of the others is set, as the provider documents). CIDRs may be a
//     plain address (/32) and may have host bits set ("10.159.6.18/12",
//     the provider's own example), which are masked.
//   - tencentcloud_security_group_rule_set: security_group_id and the
//     ordered ingress/egress block lists; Priority is the block's index in
//     its list. Per block: action (ACCEPT/DROP), protocol (TCP, UDP, ICMP,
//     ICMPv6, ALL, any case; GRE accepted too; empty = all), port ("80",
//     "80,90", "80-90", "ALL"; empty = all), cidr_block, ipv6_cidr_block,
//     source_security_id, address_template_id, address_template_group
//     (exactly one; templates become RemoteList), description (ignored).
//     service_template_id/_group are refused: a service template's
//     protocols and ports cannot be known from the plan. Any 0.0.0.0/n
//     cidr_block is 0.0.0.0/0, as the API documents; a plain address is a
//     /32.
//   - aws_security_group: id, name, ingress/egress blocks with protocol,
//     from_port, to_port, cidr_blocks, ipv6_cidr_blocks, prefix_list_ids,
//     security_groups, self; one rule per source. aws_security_group_rule:
//     security_group_id, type, protocol, from_port, to_port, the same
//     lists, source_security_group_id, self (self and
//     source_security_group_id together are refused).
//     aws_vpc_security_group_{ingress,egress}_rule: security_group_id,
//     ip_protocol, from_port, to_port, cidr_ipv4, cidr_ipv6, prefix_list_id,
//     referenced_security_group_id (exactly one), security_group_rule_id
//     (the rule ID). Protocol "-1" or "all" is any, and from/to are then
//     ignored as AWS does; for tcp/udp from/to are a port range (-1/-1 all);
//     for icmp/icmpv6 type and code (-1 any); other protocol numbers need
//     0/0 or -1/-1. CIDRs are strict (canonical, as the provider
//     validates).
//
// Not read: Alibaba's inner_access_policy and group type (on
// alicloud_security_group; the groups here carry no InnerAccess), Huawei
// and Tencent group resources' own inline rules, descriptions,
// tencentcloud_security_group_rule and _lite_rule, and data sources.
//
// # Errors
//
// Bad values are *Error naming the resource address and attribute, and the
// value as JSON text:
//
//	terraform: module.net.alicloud_security_group_rule.ssh.port_range: "1/70000": port out of range 1-65535
//
// Malformed CIDRs, unknown protocols, ports on protocols without ports, two
// remotes on one rule and unknown enum values are errors; unknown fields
// are ignored; truncated or non-JSON input, trailing data, a document
// without planned_values or values, and a format_version other than 0.x or
// 1.x are errors. A key given twice in one object and invalid UTF-8 are
// errors anywhere in the document (keys differing only in case are not:
// values maps such as tags may hold them). ReadPlan returns every error
// at once, as a *read.Errors listing each with its line and column (for
// a resource's own errors, those of the attribute under its values, or of
// the resource when the attribute is absent). With
// read.SkipInvalid a resource with an error is left out, with all its
// rules and unknown attributes, and listed in the read.Report; the
// records counted are the resources of the types above.
package terraform
