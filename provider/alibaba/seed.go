// Code in this file is a by-reading transcription of seed document
// 002_1afb617ba439b90c.txt (Alibaba Cloud ACK, "Configure and manage
// cluster security groups", last updated May 17, 2024).

package alibaba

import (
	"slices"

	"github.com/sgsim/sgsim/provider/internal/seed"
)

// DocACK is the seed file the ACK rows come from.
const DocACK = "002_1afb617ba439b90c.txt"

// Table names of the ACK rows. Each name is
// "<security group type> / <direction> / <access control scope> / <network plug-in>"
// with the first three parts the document's own headings. The document
// writes one table per security group type and direction, with the
// access control scope as a merged first column; the network plug-in
// (Flannel or Terway) is not a heading but a condition on the pod CIDR
// authorization object ("required only in Flannel network mode"), so each
// table is given twice: the Flannel variant holds every row, the Terway
// variant the same rows without the pod CIDR ones. Both variants of the
// outbound recommended tables are identical.
const (
	BasicInboundRecommendedFlannel        = "Basic security groups / Inbound / Recommended settings / Flannel"
	BasicInboundRecommendedTerway         = "Basic security groups / Inbound / Recommended settings / Terway"
	BasicInboundLeastPrivilegeFlannel     = "Basic security groups / Inbound / Least privilege settings / Flannel"
	BasicInboundLeastPrivilegeTerway      = "Basic security groups / Inbound / Least privilege settings / Terway"
	BasicOutboundRecommendedFlannel       = "Basic security groups / Outbound / Recommended settings / Flannel"
	BasicOutboundRecommendedTerway        = "Basic security groups / Outbound / Recommended settings / Terway"
	BasicOutboundLeastPrivilegeFlannel    = "Basic security groups / Outbound / Least privilege settings / Flannel"
	BasicOutboundLeastPrivilegeTerway     = "Basic security groups / Outbound / Least privilege settings / Terway"
	AdvancedInboundRecommendedFlannel     = "Advanced security groups / Inbound / Recommended settings / Flannel"
	AdvancedInboundRecommendedTerway      = "Advanced security groups / Inbound / Recommended settings / Terway"
	AdvancedInboundLeastPrivilegeFlannel  = "Advanced security groups / Inbound / Least privilege settings / Flannel"
	AdvancedInboundLeastPrivilegeTerway   = "Advanced security groups / Inbound / Least privilege settings / Terway"
	AdvancedOutboundRecommendedFlannel    = "Advanced security groups / Outbound / Recommended settings / Flannel"
	AdvancedOutboundRecommendedTerway     = "Advanced security groups / Outbound / Recommended settings / Terway"
	AdvancedOutboundLeastPrivilegeFlannel = "Advanced security groups / Outbound / Least privilege settings / Flannel"
	AdvancedOutboundLeastPrivilegeTerway  = "Advanced security groups / Outbound / Least privilege settings / Terway"
)

// ackRows holds every ACK row, table by table, in document order.
//
// Reading conventions, applied to every row:
//   - Group is "worker": ACK gives the cluster (or node pool) one default
//     security group holding its ECS nodes; "The ID of the default security
//     group of the cluster." is therefore seed.GroupWorker, the group itself.
//   - One row per authorization object: a cell that lists several objects as
//     bullets becomes one row per object, since an ECS rule takes one.
//   - The tables have no purpose column. Purpose holds the Port cell as
//     written (bullets dropped), which is where the document names what a
//     port is for ("53/53 (DNS)", "10250 (kubelet)", ...).
//   - Note quotes the authorization object verbatim; in Note, text between
//     double quotes is always verbatim document text.
//   - Modifiable and Suggestion are empty: the document has no such columns.
var ackRows = []seed.Row{
	// BasicInboundRecommendedFlannel: 3 rows.
	{
		Doc: DocACK, Table: BasicInboundRecommendedFlannel, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0".`,
	},
	{
		Doc: DocACK, Table: BasicInboundRecommendedFlannel, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.GroupWorker,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); protocol "All protocols"; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundRecommendedFlannel, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Containers,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); protocol "All protocols"; Flannel only.`,
	},
	// BasicInboundRecommendedTerway: 2 rows.
	{
		Doc: DocACK, Table: BasicInboundRecommendedTerway, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0".`,
	},
	{
		Doc: DocACK, Table: BasicInboundRecommendedTerway, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.GroupWorker,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); protocol "All protocols"; the group itself.`,
	},
	// BasicInboundLeastPrivilegeFlannel: 9 rows.
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 4, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 5, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.GroupWorker,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); authorization-object cell merged with the "53/53 (DNS)" line above; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 6, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Containers,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); authorization-object cell merged with the "53/53 (DNS)" line above; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 7, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443,8082",
		Remote:  seed.GroupWorker,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (webhook) 6443 (APIServer) 8082 (heapster)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 8, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443,8082",
		Remote:  seed.Containers,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (webhook) 6443 (APIServer) 8082 (heapster)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeFlannel, Row: 9, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// BasicInboundLeastPrivilegeTerway: 5 rows.
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeTerway, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeTerway, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeTerway, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.GroupWorker,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); authorization-object cell merged with the "53/53 (DNS)" line above; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeTerway, Row: 4, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443,8082",
		Remote:  seed.GroupWorker,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (webhook) 6443 (APIServer) 8082 (heapster)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 1 of 2); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicInboundLeastPrivilegeTerway, Row: 5, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// BasicOutboundRecommendedFlannel: 1 row.
	{
		Doc: DocACK, Table: BasicOutboundRecommendedFlannel, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0"; protocol "All protocols".`,
	},
	// BasicOutboundRecommendedTerway: 1 row.
	{
		Doc: DocACK, Table: BasicOutboundRecommendedTerway, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0"; protocol "All protocols".`,
	},
	// BasicOutboundLeastPrivilegeFlannel: 11 rows.
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  "100.64.0.0/10",
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "100.64.0.0/10 (the CIDR block of Alibaba Cloud resources)"; protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 2, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 3, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 4, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 5, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 6, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 7, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 8, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.LoadBalancer,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 9, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.GroupWorker,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 2 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 10, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.Containers,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; Flannel only.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeFlannel, Row: 11, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// BasicOutboundLeastPrivilegeTerway: 8 rows.
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  "100.64.0.0/10",
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "100.64.0.0/10 (the CIDR block of Alibaba Cloud resources)"; protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 2, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 3, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 4, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 5, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.GroupWorker,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 6, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.LoadBalancer,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 7, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.GroupWorker,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The ID of the default security group of the cluster." (bullet 2 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; the group itself.`,
	},
	{
		Doc: DocACK, Table: BasicOutboundLeastPrivilegeTerway, Row: 8, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// AdvancedInboundRecommendedFlannel: 4 rows.
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedFlannel, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0".`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedFlannel, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.VPC,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The CIDR block of the VPC where the cluster resides." (bullet 1 of 3); protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedFlannel, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.VPCSecondary,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The secondary CIDR block of the VPC where the cluster resides." (bullet 2 of 3); protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedFlannel, Row: 4, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Containers,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); protocol "All protocols"; Flannel only.`,
	},
	// AdvancedInboundRecommendedTerway: 3 rows.
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedTerway, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0".`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedTerway, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.VPC,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The CIDR block of the VPC where the cluster resides." (bullet 1 of 3); protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundRecommendedTerway, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.VPCSecondary,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The secondary CIDR block of the VPC where the cluster resides." (bullet 2 of 3); protocol "All protocols".`,
	},
	// AdvancedInboundLeastPrivilegeFlannel: 9 rows.
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 4, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 5, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.VSwitches,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); authorization-object cell merged with the "53/53 (DNS)" line above.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 6, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Containers,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); authorization-object cell merged with the "53/53 (DNS)" line above; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 7, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443,8082",
		Remote:  seed.VSwitches,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (webhook) 6443 (APIServer) 8082 (heapster)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 8, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443,8082",
		Remote:  seed.Containers,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (webhook) 6443 (APIServer) 8082 (heapster)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 2 of 2); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeFlannel, Row: 9, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// AdvancedInboundLeastPrivilegeTerway: 5 rows.
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeTerway, Row: 1, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeTerway, Row: 2, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeTerway, Row: 3, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.VSwitches,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); authorization-object cell merged with the "53/53 (DNS)" line above.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeTerway, Row: 4, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443,8082",
		Remote:  seed.VSwitches,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (webhook) 6443 (APIServer) 8082 (heapster)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 1 of 2); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above.`,
	},
	{
		Doc: DocACK, Table: AdvancedInboundLeastPrivilegeTerway, Row: 5, Group: "worker",
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// AdvancedOutboundRecommendedFlannel: 1 row.
	{
		Doc: DocACK, Table: AdvancedOutboundRecommendedFlannel, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0"; protocol "All protocols".`,
	},
	// AdvancedOutboundRecommendedTerway: 1 row.
	{
		Doc: DocACK, Table: AdvancedOutboundRecommendedTerway, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Any,
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "0.0.0.0/0"; protocol "All protocols".`,
	},
	// AdvancedOutboundLeastPrivilegeFlannel: 11 rows.
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  "100.64.0.0/10",
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "100.64.0.0/10 (the CIDR block of Alibaba Cloud resources)"; protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 2, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 3, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 4, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 5, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 6, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 7, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 8, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.LoadBalancer,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 9, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.VSwitches,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 2 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 10, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.Containers,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The pod CIDR block. This rule is required only in Flannel network mode. Do not add this rule if the Terway network mode is used." (bullet 3 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; Flannel only.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeFlannel, Row: 11, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
	// AdvancedOutboundLeastPrivilegeTerway: 8 rows.
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 1, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  "100.64.0.0/10",
		Purpose: "-1/-1 (all ports)",
		Note:    `authorization object "100.64.0.0/10 (the CIDR block of Alibaba Cloud resources)"; protocol "All protocols".`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 2, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 3, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.LoadBalancer,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 4, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 5, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.VSwitches,
		Purpose: "53/53 (DNS)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 2 of 3); one line "All protocols" / "53/53 (DNS)", split into tcp and udp rows since an ECS rule with protocol All takes only -1/-1.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 6, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.LoadBalancer,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The IP address of the Server Load Balancer (SLB) instance that is used to expose the Kubernetes API server of the cluster." (bullet 1 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above; only the API server's SLB, not every load balancer.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 7, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "10250,10255,443,6443",
		Remote:  seed.VSwitches,
		Purpose: "10250 (kubelet) 10255 (kubelet) 443 (APIServer) 6443 (APIServer)",
		Note:    `authorization object "The CIDR blocks of all vSwitches that are used by the cluster, including node vSwitches and pod vSwitches." (bullet 2 of 3); ports bulleted in one cell, kept as one row; authorization-object cell merged with the "53/53 (DNS)" line above.`,
	},
	{
		Doc: DocACK, Table: AdvancedOutboundLeastPrivilegeTerway, Row: 8, Group: "worker",
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.UserDefined,
		Purpose: "Ports of applications and components that you want to expose.",
		Note:    `authorization object "The IP addresses or security groups to which you want to expose applications or components."; protocol "All protocols"; the ports are the application's, not fixed by the document, so Ports is empty (all).`,
	},
}

// ACK returns a copy of every ACK row, table by table, in document order.
func ACK() []seed.Row { return slices.Clone(ackRows) }

// Tables returns the names of every table in this package, ACK first and
// then the 2017 Container Service tables, each in document order.
func Tables() []string {
	var names []string
	seen := map[string]bool{}
	for _, rows := range [][]seed.Row{ackRows, cs2017Rows} {
		for _, r := range rows {
			if !seen[r.Table] {
				seen[r.Table] = true
				names = append(names, r.Table)
			}
		}
	}
	return names
}

// Table returns a copy of the rows of the named table, ACK or 2017, in
// row order; it returns nil for an unknown name.
func Table(name string) []seed.Row {
	var out []seed.Row
	for _, rows := range [][]seed.Row{ackRows, cs2017Rows} {
		for _, r := range rows {
			if r.Table == name {
				out = append(out, r)
			}
		}
	}
	return out
}
