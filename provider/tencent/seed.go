// Transcription of seed document 003_45cfe4d06b09d118.txt (Tencent Cloud
// TKE, "TKE Security Group Settings", last updated 2024-12-11).

package tencent

import (
	"slices"

	"github.com/sgsim/sgsim/provider/internal/seed"
)

// Doc is the seed file the TKE rows come from.
const Doc = "003_45cfe4d06b09d118.txt"

// Table names: the document's section heading, then its "Inbound rules" or
// "Outbound rules" subheading. NodeOutboundNote holds the "Note:" under the
// node outbound table, read as rules.
const (
	NodeInbound      = "Default security group rules for node / Inbound rules"
	NodeOutbound     = "Default security group rules for node / Outbound rules"
	NodeOutboundNote = "Default security group rules for node / Outbound rules / Note"
	MasterInbound    = "Default security group rules for master node in self-deployed cluster / Inbound rules"
	MasterOutbound   = "Default security group rules for master node in self-deployed cluster / Outbound rules"
)

// Groups: the default node security group and the default security group
// bound to the master nodes of a self-deployed cluster.
const (
	GroupNode   = "node"
	GroupMaster = "master"
)

const (
	nodePort      = "Open NodePort to the Internet (Services in LoadBalancer type need to be forwarded through NodePort)."
	nodePortM     = "It is used to open NodePort to the Internet (Services in LoadBalancer type need to be forwarded through NodePort)."
	clusterNet    = `"CIDR of the cluster network" read as the VPC CIDR: TKE calls the VPC a cluster runs in its cluster network; the document does not define the term, and the node subnets alone would be the narrower reading`
	clusterNetM   = `"Cluster network CIDR" read as the VPC CIDR, as in the node table; the document does not define the term`
	portWritten   = `port written "30000 - 32768"; kept as written, one past Kubernetes' default NodePort range end 32767`
	portWrittenM  = `port written "30000–32768"; kept as written, one past Kubernetes' default NodePort range end 32767`
	outboundHead  = `the outbound table's address column is headed "Source IP Address"; read as the destination; the table has no Description column`
	supported     = `policy "Supported" read as allow`
	guidanceNote  = `guidance, not a default rule: a custom outbound rule set must allow these ranges; protocol and ports are not stated, any/all assumed`
	guidanceThis  = `the note goes on "If you configure this rule for container nodes, the services in the cluster can be accessed using different access methods." without saying which rule "this rule" is`
	apiServer     = "It is used to open API Server communication to the Internet."
	apiServerLow  = "It is used to open API Server communication to the internet."
	coreDNS       = "It is used to open CoreDNS communication to the internet."
	masterDescrip = "Ping operations are supported."
)

// rows holds every TKE row, table by table, in document order. Purpose is
// the "Description" (node) or "Remarks" (master) column verbatim; the
// document has no Modifiable or Suggestion column. In Note, text between
// double quotes is verbatim document text.
var rows = []seed.Row{
	// NodeInbound: 5 rows.
	{
		Doc: Doc, Table: NodeInbound, Row: 1, Group: GroupNode,
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Containers,
		Purpose: "Enable the communication between pods in the container network.",
		Note:    `source "CIDR of the container network"; protocol and port written "All".`,
	},
	{
		Doc: Doc, Table: NodeInbound, Row: 2, Group: GroupNode,
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.VPC,
		Purpose: "Enable the communication between nodes in the cluster network.",
		Note:    clusterNet + `; protocol and port written "All".`,
	},
	{
		Doc: Doc, Table: NodeInbound, Row: 3, Group: GroupNode,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32768",
		Remote:  seed.Any,
		Purpose: nodePort,
		Note:    portWritten + ".",
	},
	{
		Doc: Doc, Table: NodeInbound, Row: 4, Group: GroupNode,
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32768",
		Remote:  seed.Any,
		Purpose: nodePort,
		Note:    portWritten + ".",
	},
	{
		Doc: Doc, Table: NodeInbound, Row: 5, Group: GroupNode,
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Any,
		Purpose: "Enable the support for Internet Control Message Protocol (ICMP) and ping operations.",
		Note:    `port written "-".`,
	},
	// NodeOutbound: 1 row.
	{
		Doc: Doc, Table: NodeOutbound, Row: 1, Group: GroupNode,
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote: seed.Any,
		Note:   outboundHead + `; protocol and port written "All".`,
	},
	// NodeOutboundNote: 2 rows, one per range the note names.
	{
		Doc: Doc, Table: NodeOutboundNote, Row: 1, Group: GroupNode,
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Nodes,
		Purpose: "To customize outbound rules, you need to open the node IP range and container IP range.",
		Note:    guidanceNote + `; "the node IP range"; ` + guidanceThis + ".",
	},
	{
		Doc: Doc, Table: NodeOutboundNote, Row: 2, Group: GroupNode,
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Containers,
		Purpose: "To customize outbound rules, you need to open the node IP range and container IP range.",
		Note:    guidanceNote + `; "container IP range"; ` + guidanceThis + ".",
	},
	// MasterInbound: 9 rows.
	{
		Doc: Doc, Table: MasterInbound, Row: 1, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Any,
		Purpose: masterDescrip,
		Note:    supported + `; port written "All".`,
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 2, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32768",
		Remote:  seed.VPC,
		Purpose: nodePortM,
		Note:    supported + "; " + clusterNetM + "; " + portWrittenM + ".",
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 3, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32768",
		Remote:  seed.VPC,
		Purpose: nodePortM,
		Note:    supported + "; " + clusterNetM + "; " + portWrittenM + ".",
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 4, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "60001,60002,10250,2380,2379,53,17443,50055,443,61678",
		Remote:  seed.VPC,
		Purpose: apiServer,
		Note:    supported + "; " + clusterNetM + `; ports written "60001, 60002, 10250, 2380, 2379, 53, 17443,50055, 443, 61678", order kept.`,
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 5, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "60001,60002,10250,2380,2379,53,17443",
		Remote:  seed.Containers,
		Purpose: apiServerLow,
		Note:    supported + `; source "Container network CIDR"; ports written "60001, 60002, 10250, 2380, 2379, 53, 17443", without the 50055, 443 and 61678 of the cluster network row.`,
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 6, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32768",
		Remote:  seed.Containers,
		Purpose: nodePortM,
		Note:    supported + `; source "Container network CIDR"; ` + portWrittenM + ".",
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 7, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32768",
		Remote:  seed.Containers,
		Purpose: nodePortM,
		Note:    supported + `; source "Container network CIDR"; ` + portWrittenM + ".",
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 8, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.Containers,
		Purpose: coreDNS,
		Note:    supported + `; source "Container network CIDR".`,
	},
	{
		Doc: Doc, Table: MasterInbound, Row: 9, Group: GroupMaster,
		Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "53",
		Remote:  seed.VPC,
		Purpose: coreDNS,
		Note:    supported + "; " + clusterNetM + ".",
	},
	// MasterOutbound: 1 row.
	{
		Doc: Doc, Table: MasterOutbound, Row: 1, Group: GroupMaster,
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote: seed.Any,
		Note:   outboundHead + `; protocol and port written "All"; rule "Allow".`,
	},
}

// Rows returns a copy of every TKE row, table by table, in document order.
func Rows() []seed.Row { return slices.Clone(rows) }

// Tables returns the TKE table names in document order.
func Tables() []string {
	var names []string
	for _, r := range rows {
		if len(names) == 0 || names[len(names)-1] != r.Table {
			names = append(names, r.Table)
		}
	}
	return names
}

// Table returns a copy of the rows of the named table in row order; it
// returns nil for an unknown name.
func Table(name string) []seed.Row {
	var out []seed.Row
	for _, r := range rows {
		if r.Table == name {
			out = append(out, r)
		}
	}
	return out
}
