// Package seed holds the vendor seed tables transcribed row by row, in a
// form that does not depend on any cluster's addresses. The provider
// packages turn these rows into sgsim rules once a cluster description
// gives the symbolic remotes (VPC CIDR, container CIDR, ...) their values.
//
// A Row is one line of a seed table exactly as the document writes it:
// merged cells are repeated on every row they span and say so in Note.
package seed

// Remote names the other side of a rule symbolically. Provider packages
// map each name to addresses; a Remote that is none of the constants
// below is a literal CIDR written in the document (for example
// "0.0.0.0/0" or "198.19.128.0/17").
type Remote string

// Symbolic remotes used by the seed documents.
const (
	Any          Remote = "0.0.0.0/0"        // "All IP addresses: 0.0.0.0/0"
	VPC          Remote = "vpc"              // "VPC CIDR block"
	Containers   Remote = "containers"       // "Container CIDR block" (pod CIDR)
	ContainerSub Remote = "container-subnet" // "Container subnet CIDR block" (CCE Turbo)
	Masters      Remote = "masters"          // "CIDR block of master nodes"
	Nodes        Remote = "nodes"            // CIDR of the node (worker) subnet
	Services     Remote = "services"         // Service CIDR
	DNS          Remote = "dns"              // "DNS server of the subnet"
	LoadBalancer Remote = "lb"               // ELB / SLB / CLB addresses
	Mesh         Remote = "mesh"             // hosted service-mesh control plane CIDR
	GroupWorker  Remote = "group:worker"     // the worker/node security group itself
	GroupMaster  Remote = "group:master"     // the master/control security group
	GroupENI     Remote = "group:eni"        // the CCE Turbo ENI security group
	Unstated     Remote = "unstated"         // the document does not say (e.g. lost image)
)

// VPCContainers is a single table cell that names two blocks at once:
// Huawei CCE Table 8's "CIDR blocks of the VPC and container(s)", i.e. the
// VPC CIDR and the container CIDR together. Kept as one Remote so that the
// row stays one Row, as the document writes it.
const VPCContainers Remote = "vpc+containers"

// Symbolic remotes added for the Alibaba Cloud ACK seed document.
const (
	// VPCSecondary is "The secondary CIDR block of the VPC where the
	// cluster resides." (ACK advanced security groups).
	VPCSecondary Remote = "vpc-secondary"
	// VSwitches is "The CIDR blocks of all vSwitches that are used by the
	// cluster, including node vSwitches and pod vSwitches." (ACK advanced
	// security groups); one authorization object in the document.
	VSwitches Remote = "vswitches"
	// UserDefined is a remote the document leaves to the operator, e.g.
	// ACK's "The IP addresses or security groups to which you want to
	// expose applications or components." It is stated, but not fixed.
	UserDefined Remote = "user-defined"
)

// Row is one row of a seed table.
type Row struct {
	Doc        string // seed file name, e.g. "000_724381fb23811883.txt"
	Table      string // "Table 1", or the section heading when there is no table
	Row        int    // 1-based position within Table, in document order
	Group      string // symbolic group the rule belongs to: "worker", "master", "eni", "node", ...
	Direction  string // "ingress" or "egress"
	Action     string // "allow" or "deny"
	Protocol   string // "tcp", "udp", "icmp", "icmpv6", "gre", "any", or an IANA number
	Ports      string // destination ports as written, normalised: "5444", "30000-32767", "80,443"; "" = all
	Remote     Remote // the other side of the rule
	Purpose    string // the description / purpose column, verbatim
	Modifiable string // the "Modifiable" column (or its successor), verbatim; "" if the table has none
	Suggestion string // "Modification Suggestion" / "Impact" column, verbatim
	Note       string // transcription notes: merged cells, ambiguities, what the text leaves out
}
