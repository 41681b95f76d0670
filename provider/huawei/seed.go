package huawei

import "github.com/sgsim/sgsim/provider/internal/seed"

// Revision selects one revision of the CCE security group FAQ. The zero
// value is the newer revision, which is the default.
//
// Neither seed document carries a date. Which one is newer is taken from
// /work/shared/seeds/README.md: the newer one is the revision with the TCP 53
// and TCP/UDP 5353 (CoreDNS) rows. Read side by side, the two revisions
// differ as follows (checked against the text, not only the README):
//
//   - Table 8 (worker egress minimum) has 11 rows in the older revision and
//     14 in the newer: the newer adds "TCP port 53" next to "UDP port 53"
//     (DNS server of the subnet) and "TCP port 5353" / "UDP port 5353" to the
//     container CIDR block ("CoreDNS domain name resolution").
//   - The NTP (UDP 123), OBS (TCP 443) and installer report (TCP 6443) rows
//     of Table 8 go to 100.126.0.0/16 in the older revision and to
//     100.125.0.0/16 in the newer.
//   - Columns of Tables 1-7: older "Modifiable" (No / Yes / Recommended) and
//     "Modification Suggestion" (mostly "N/A"); newer "Modification
//     Suggestion" (Modification not recommended / Modification made if
//     necessary / Modification recommended) and "Impact After
//     Modification". The newer "Modification Suggestion" column holds what
//     the older "Modifiable" held, so it goes into Row.Modifiable; the newer
//     "Impact After Modification" goes into Row.Suggestion. Where the older
//     revision says "N/A", the newer one mostly says "Modifying the
//     configuration can interrupt the cluster functionality."; for TCP 22 it
//     says "You are advised to allow access only from fixed IP addresses or
//     IP address ranges.".
//   - TCP 5443 on the masters (Tables 2, 4, 6 and 8): older "Allow
//     kube-apiserver of the master nodes to listen to the worker nodes.",
//     newer "The HAProxy load balancing port for kube-apiserver, ...". The
//     suggestion lists the same three CIDR blocks in another order.
//   - Table 8 TCP 6443 to the master node CIDR block: Description "None"
//     (older) versus "-" (newer). VPCEP row: "Allow worker nodes to access
//     the VPC Endpoint (VPCEP) service." versus "Allow access to VPC Endpoint
//     (VPCEP).".
//   - Wording only, same rules: source names ("Security group of master
//     nodes" / "Master node security group", "CIDR block of master nodes" /
//     "Master node CIDR block", "ENI security group" / "Elastic network
//     interface security group", "All IP addresses: 0.0.0.0/0" / "All IP
//     addresses (0.0.0.0/0)"), most descriptions ("the master nodes", "the
//     NodePort Services", "Linux ECSs", the rewritten intra-group row), the
//     page title ("in a Cluster" / "for a Cluster") and table captions.
//   - Tables 1-7 have the same rows, ports, sources and directions in both
//     revisions (9, 7, 7, 8, 7, 8 and 3 rows).
type Revision int

const (
	// Newer is the reStructuredText source 001_3ee2f19bcae8d9c5.txt, the
	// default revision.
	Newer Revision = iota
	// Older is the rendered page 000_724381fb23811883.txt.
	Older

	// Default is the revision used when none is asked for.
	Default = Newer
)

// Seed document file names, as kept in /work/shared/seeds.
const (
	docNewer = "001_3ee2f19bcae8d9c5.txt"
	docOlder = "000_724381fb23811883.txt"
)

// Groups of the rows: the cce-node, cce-control and cce-eni security groups.
const (
	groupWorker = "worker"
	groupMaster = "master"
	groupENI    = "eni"
)

// Doc returns the seed file name of the revision, or "" for an unknown one.
func (r Revision) Doc() string {
	switch r {
	case Newer:
		return docNewer
	case Older:
		return docOlder
	}
	return ""
}

// String returns "newer" or "older".
func (r Revision) String() string {
	switch r {
	case Newer:
		return "newer"
	case Older:
		return "older"
	}
	return "unknown"
}

// SeedTables returns the tables of revision rev keyed "Table 1" to
// "Table 8", each in document order. The map and slices are fresh copies
// the caller may change. An unknown revision gives nil.
func SeedTables(rev Revision) map[string][]seed.Row {
	var src map[string][]seed.Row
	switch rev {
	case Newer:
		src = newerTables
	case Older:
		src = olderTables
	default:
		return nil
	}
	out := make(map[string][]seed.Row, len(src))
	for name, rows := range src {
		out[name] = append([]seed.Row(nil), rows...)
	}
	return out
}

// olderTables is 000_724381fb23811883.txt (rendered text). In this text a
// merged cell shows up once, so a row that is shorter than six cells takes
// the missing cells from the row above; each such row says so in its Note.
var olderTables = map[string][]seed.Row{
	"Table 1": {
		{
			Doc: docOlder, Table: "Table 1", Row: 1, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "", Remote: seed.VPC,
			Purpose:    "Allow access between worker nodes and between worker nodes and the master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 2, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "", Remote: seed.VPC,
			Purpose:    "Allow access between worker nodes and between worker nodes and the master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
			Note:       "Merged cells: Default Source Address, Description, Modifiable and Modification Suggestion not repeated in the rendered text (they span from row 1); repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 3, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Allow master nodes to access worker nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
			Note:       "Ambiguity: in the rendered text the \"All ICMP ports\" cell is followed directly by \"Security group of master nodes\"; read as this row's own source (the newer revision's grid table confirms it), not as a third port sharing the VPC CIDR block of row 1.",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 4, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from NodePort.",
			Modifiable: "Yes",
			Suggestion: "These ports must permit requests from VPC, container, and ELB CIDR blocks.",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 5, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from NodePort.",
			Modifiable: "Yes",
			Suggestion: "These ports must permit requests from VPC, container, and ELB CIDR blocks.",
			Note:       "Merged cells: Default Source Address, Description, Modifiable and Modification Suggestion not repeated in the rendered text (they span from row 4); repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 6, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Containers,
			Purpose:    "Allow containers in a cluster to access nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 7, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupWorker,
			Purpose:    "Access outside the security group of the worker nodes is restricted, but mutual access between instances in the security group of the worker nodes is not restricted.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 8, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22", Remote: seed.Any,
			Purpose:    "Allow SSH access to ECSs.",
			Modifiable: "Recommended",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 1", Row: 9, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default. You are advised to retain this setting.",
			Modifiable: "Yes",
			Suggestion: "If you want to harden security by allowing traffic only on specific ports, remember to allow such ports. For details, see Hardening Outbound Rules.",
		},
	},
	"Table 2": {
		{
			Doc: docOlder, Table: "Table 2", Row: 1, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPC,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 2", Row: 2, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.Containers,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "No",
			Suggestion: "N/A",
			Note:       "Merged cells: Description, Modifiable and Modification Suggestion not repeated in the rendered text (they span from row 1); repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 2", Row: 3, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose:    "Allow the network add-on of the worker nodes to access master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 2", Row: 4, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Any,
			Purpose:    "Allow kube-apiserver of the master nodes to listen to the worker nodes.",
			Modifiable: "Recommended",
			Suggestion: "The port must allow traffic from the CIDR blocks of the VPC, container, and the control plane of the hosted service mesh.",
		},
		{
			Doc: docOlder, Table: "Table 2", Row: 5, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose:    "Allow the storage add-on of worker nodes to access master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 2", Row: 6, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Access outside the security group of the master nodes is restricted, but mutual access between instances in the security group of the master nodes is not restricted.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 2", Row: 7, Group: groupMaster,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
	},
	"Table 3": {
		{
			Doc: docOlder, Table: "Table 3", Row: 1, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "4789", Remote: seed.Any,
			Purpose:    "Allow access between containers.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 3", Row: 2, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250", Remote: seed.Masters,
			Purpose:    "Allow master nodes to access kubelet on worker nodes, for example, by running kubectl exec {pod}.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 3", Row: 3, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from NodePort.",
			Modifiable: "Yes",
			Suggestion: "These ports must permit requests from VPC, container, and ELB CIDR blocks.",
		},
		{
			Doc: docOlder, Table: "Table 3", Row: 4, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from NodePort.",
			Modifiable: "Yes",
			Suggestion: "These ports must permit requests from VPC, container, and ELB CIDR blocks.",
			Note:       "Merged cells: Default Source Address, Description, Modifiable and Modification Suggestion not repeated in the rendered text (they span from row 3); repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 3", Row: 5, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22", Remote: seed.Any,
			Purpose:    "Allow SSH access to ECSs.",
			Modifiable: "Recommended",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 3", Row: 6, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupWorker,
			Purpose:    "Access outside the security group of the worker nodes is restricted, but mutual access between instances in the security group of the worker nodes is not restricted.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 3", Row: 7, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default. You are advised to retain this setting.",
			Modifiable: "Yes",
			Suggestion: "If you want to harden security by allowing traffic only on specific ports, remember to allow such ports. For details, see Hardening Outbound Rules.",
		},
	},
	"Table 4": {
		{
			Doc: docOlder, Table: "Table 4", Row: 1, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "4789", Remote: seed.Any,
			Purpose:    "Allow access between containers.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 2, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPC,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 3, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.Containers,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "No",
			Suggestion: "N/A",
			Note:       "Merged cells: Description, Modifiable and Modification Suggestion not repeated in the rendered text (they span from row 2); repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 4, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose:    "Allow the network add-on of the worker nodes to access master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 5, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Any,
			Purpose:    "Allow kube-apiserver of the master nodes to listen to the worker nodes.",
			Modifiable: "Recommended",
			Suggestion: "The port must allow traffic from the CIDR blocks of the VPC, container, and the control plane of the hosted service mesh.",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 6, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose:    "Allow the storage add-on of worker nodes to access master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 7, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Access outside the security group of the master nodes is restricted, but mutual access between instances in the security group of the master nodes is not restricted.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 4", Row: 8, Group: groupMaster,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
	},
	"Table 5": {
		{
			Doc: docOlder, Table: "Table 5", Row: 1, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250", Remote: seed.Masters,
			Purpose:    "Allow master nodes to access kubelet on worker nodes, for example, by running kubectl exec {pod}.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 5", Row: 2, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from NodePort.",
			Modifiable: "Yes",
			Suggestion: "These ports must permit requests from VPC, container, and ELB CIDR blocks.",
		},
		{
			Doc: docOlder, Table: "Table 5", Row: 3, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from NodePort.",
			Modifiable: "Yes",
			Suggestion: "These ports must permit requests from VPC, container, and ELB CIDR blocks.",
			Note:       "Merged cells: Default Source Address, Description, Modifiable and Modification Suggestion not repeated in the rendered text (they span from row 2); repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 5", Row: 4, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22", Remote: seed.Any,
			Purpose:    "Allow SSH access to ECSs.",
			Modifiable: "Recommended",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 5", Row: 5, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupWorker,
			Purpose:    "Access outside the security group of the worker nodes is restricted, but mutual access between instances in the security group of the worker nodes is not restricted.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 5", Row: 6, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.ContainerSub,
			Purpose:    "Allow containers in a cluster to access nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 5", Row: 7, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default. You are advised to retain this setting.",
			Modifiable: "Yes",
			Suggestion: "If you want to harden security by allowing traffic only on specific ports, remember to allow such ports. For details, see Hardening Outbound Rules.",
		},
	},
	"Table 6": {
		{
			Doc: docOlder, Table: "Table 6", Row: 1, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.Any,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 2, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPC,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "No",
			Suggestion: "N/A",
			Note:       "Merged cell: no Description is rendered for this row (\"No\" and \"N/A\" are); read as spanning from row 1 and repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 3, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose:    "Allow the network add-on of the worker nodes to access master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 4, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Any,
			Purpose:    "Allow kube-apiserver of the master nodes to listen to the worker nodes.",
			Modifiable: "Recommended",
			Suggestion: "The port must allow traffic from the CIDR blocks of the VPC, container, and the control plane of the hosted service mesh.",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 5, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose:    "Allow the storage add-on of worker nodes to access master nodes.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 6, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Access outside the security group of the master nodes is restricted, but mutual access between instances in the security group of the master nodes is not restricted.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 7, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.ContainerSub,
			Purpose:    "Allow traffic from all source IP addresses in the container subnet CIDR block.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 6", Row: 8, Group: groupMaster,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
	},
	"Table 7": {
		{
			Doc: docOlder, Table: "Table 7", Row: 1, Group: groupENI,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupENI,
			Purpose:    "Allow containers in a cluster to access each other.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
		{
			Doc: docOlder, Table: "Table 7", Row: 2, Group: groupENI,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.VPC,
			Purpose:    "Allow instances in the cluster VPC to access containers.",
			Modifiable: "No",
			Suggestion: "N/A",
			Note:       "Merged cell: no Port cell is rendered for this row; read as row 1's \"All\" spanning two rows and repeated here.",
		},
		{
			Doc: docOlder, Table: "Table 7", Row: 3, Group: groupENI,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "No",
			Suggestion: "N/A",
		},
	},
	"Table 8": {
		{
			Doc: docOlder, Table: "Table 8", Row: 1, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53", Remote: seed.DNS,
			Purpose: "Allow traffic on the port for domain name resolution.",
			Note:    "Table 8 has no direction column: its caption and the section say these are outbound rules of the worker nodes; it has no Modifiable or suggestion columns.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 2, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "4789", Remote: seed.Any,
			Purpose: "Allow access between containers.",
			Note:    "Port cell reads \"UDP port 4789 (required only for clusters that use the tunnel networks)\"; the qualifier is kept here only. Allowed CIDR is written \"All IP addresses\" without a CIDR; read as 0.0.0.0/0.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 3, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Masters,
			Purpose: "Allow kube-apiserver of the master nodes to listen to the worker nodes.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 4, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPCContainers,
			Purpose: "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Note:    "Allowed CIDR \"CIDR blocks of the VPC and container\": one row in the document, so one Row with the combined remote seed.VPCContainers.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 5, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "6443", Remote: seed.Masters,
			Purpose: "None",
			Note:    "Description cell reads \"None\": the document gives no purpose.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 6, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose: "Allow the storage add-on of worker nodes to access master nodes.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 7, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose: "Allow the network add-on of the worker nodes to access master nodes.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 8, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Remote("198.19.128.0/17"),
			Purpose: "Allow worker nodes to access the VPC Endpoint (VPCEP) service.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 9, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "123", Remote: seed.Remote("100.126.0.0/16"),
			Purpose: "Allow worker nodes to access the internal NTP server.",
			Note:    "Port cell written \"UDP port123\" (no space).",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 10, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "443", Remote: seed.Remote("100.126.0.0/16"),
			Purpose: "Allow worker nodes to access OBS over internal networks to pull the installation package.",
		},
		{
			Doc: docOlder, Table: "Table 8", Row: 11, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "6443", Remote: seed.Remote("100.126.0.0/16"),
			Purpose: "Allow worker nodes to report that the worker nodes are installed.",
		},
	},
}

// newerTables is 001_3ee2f19bcae8d9c5.txt (reStructuredText). Its grid
// tables draw every row separately; a row span of the original page is a
// blank cell, filled here from the row above and noted. Row.Modifiable holds
// the "Modification Suggestion" column and Row.Suggestion the "Impact After
// Modification" column (the older revision's "Modifiable" and "Modification
// Suggestion").
var newerTables = map[string][]seed.Row{
	"Table 1": {
		{
			Doc: docNewer, Table: "Table 1", Row: 1, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "", Remote: seed.VPC,
			Purpose:    "Allow access between the worker nodes and between the worker nodes and the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 2, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "", Remote: seed.VPC,
			Purpose:    "Allow access between the worker nodes and between the worker nodes and the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Merged cells: Default Source Address, Description, Modification Suggestion and Impact After Modification blank in the grid table (a flattened row span from row 1); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 3, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Allow the master nodes to access the worker nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Ambiguity: this row could be read as a third port sharing the VPC CIDR block of row 1; the grid table gives it its own source cell, so the source is the master node security group.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 4, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from the NodePort Services.",
			Modifiable: "Modification made if necessary",
			Suggestion: "The ports must allow traffic from the CIDR blocks of the VPC, container, and load balancer.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 5, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from the NodePort Services.",
			Modifiable: "Modification made if necessary",
			Suggestion: "The ports must allow traffic from the CIDR blocks of the VPC, container, and load balancer.",
			Note:       "Merged cells: Default Source Address, Description, Modification Suggestion and Impact After Modification blank in the grid table (a flattened row span from row 4); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 6, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Containers,
			Purpose:    "Allow containers within the cluster to access the nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 7, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupWorker,
			Purpose:    "Restrict access from outside the worker node security group, but the access between pods in the worker node security group.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 8, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22", Remote: seed.Any,
			Purpose:    "Allow SSH access to Linux ECSs.",
			Modifiable: "Modification recommended",
			Suggestion: "You are advised to allow access only from fixed IP addresses or IP address ranges.",
			Note:       "The Modification Suggestion cell is bold (**...**) in the source; the markup is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 1", Row: 9, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default. You are advised to retain this setting.",
			Modifiable: "Modification made if necessary",
			Suggestion: "If you want to harden security by allowing traffic only on specific ports, remember to allow such ports. For details, see Hardening Outbound Rules.",
			Note:       "The :ref: role around \"Hardening Outbound Rules\" is rendered as its link text.",
		},
	},
	"Table 2": {
		{
			Doc: docNewer, Table: "Table 2", Row: 1, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPC,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 2", Row: 2, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.Containers,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Merged cells: Description, Modification Suggestion and Impact After Modification blank in the grid table (a flattened row span from row 1); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 2", Row: 3, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose:    "Allow the network add-on of the worker nodes to access the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 2", Row: 4, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Any,
			Purpose:    "The HAProxy load balancing port for kube-apiserver, which allows incoming requests to be forwarded to backend kube-apiserver pods.",
			Modifiable: "Modification recommended",
			Suggestion: "The port must allow traffic from the CIDR blocks of the VPC, the control plane of the hosted service mesh, and container.",
			Note:       "The Modification Suggestion cell is bold (**...**) in the source; the markup is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 2", Row: 5, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose:    "Allow the storage add-on of the worker nodes to access the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 2", Row: 6, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Restrict access from outside the master node security group, but the access between pods in the master node security group.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 2", Row: 7, Group: groupMaster,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
	},
	"Table 3": {
		{
			Doc: docNewer, Table: "Table 3", Row: 1, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "4789", Remote: seed.Any,
			Purpose:    "Allow access between containers.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 3", Row: 2, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250", Remote: seed.Masters,
			Purpose:    "Allow the master nodes to access kubelet on the worker nodes to run commands, for example, kubectl exec {pod}.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Inline markup around \"kubectl exec\" and \"{pod}\" is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 3", Row: 3, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from the NodePort Services.",
			Modifiable: "Modification made if necessary",
			Suggestion: "The ports must allow traffic from the CIDR blocks of the VPC, load balancer, and container.",
		},
		{
			Doc: docNewer, Table: "Table 3", Row: 4, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from the NodePort Services.",
			Modifiable: "Modification made if necessary",
			Suggestion: "The ports must allow traffic from the CIDR blocks of the VPC, load balancer, and container.",
			Note:       "Merged cells: Default Source Address, Description, Modification Suggestion and Impact After Modification blank in the grid table (a flattened row span from row 3); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 3", Row: 5, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22", Remote: seed.Any,
			Purpose:    "Allow SSH access to Linux ECSs.",
			Modifiable: "Modification recommended",
			Suggestion: "You are advised to allow access only from fixed IP addresses or IP address ranges.",
			Note:       "The Modification Suggestion cell is bold (**...**) in the source; the markup is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 3", Row: 6, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupWorker,
			Purpose:    "Restrict access from outside the worker node security group, but the access between pods in the worker node security group.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 3", Row: 7, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default. You are advised to retain this setting.",
			Modifiable: "Modification made if necessary",
			Suggestion: "If you want to harden security by allowing traffic only on specific ports, remember to allow such ports. For details, see Hardening Outbound Rules.",
			Note:       "The :ref: role around \"Hardening Outbound Rules\" is rendered as its link text.",
		},
	},
	"Table 4": {
		{
			Doc: docNewer, Table: "Table 4", Row: 1, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "4789", Remote: seed.Any,
			Purpose:    "Allow access between containers.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 2, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPC,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 3, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.Containers,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Merged cells: Description, Modification Suggestion and Impact After Modification blank in the grid table (a flattened row span from row 2); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 4, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose:    "Allow the network add-on of the worker nodes to access the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 5, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Any,
			Purpose:    "The HAProxy load balancing port for kube-apiserver, which allows incoming requests to be forwarded to backend kube-apiserver pods.",
			Modifiable: "Modification recommended",
			Suggestion: "The port must allow traffic from the CIDR blocks of the VPC, the control plane of the hosted service mesh, and container.",
			Note:       "The Modification Suggestion cell is bold (**...**) in the source; the markup is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 6, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose:    "Allow the storage add-on of the worker nodes to access the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 7, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Restrict access from outside the master node security group, but the access between pods in the master node security group.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 4", Row: 8, Group: groupMaster,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
	},
	"Table 5": {
		{
			Doc: docNewer, Table: "Table 5", Row: 1, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "10250", Remote: seed.Masters,
			Purpose:    "Allow the master nodes to access kubelet on the worker nodes to run commands, for example, kubectl exec {pod}.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Inline markup around \"kubectl exec\" and \"{pod}\" is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 5", Row: 2, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from the NodePort Services.",
			Modifiable: "Modification made if necessary",
			Suggestion: "The ports must allow traffic from the CIDR blocks of the VPC, load balancer, and container.",
		},
		{
			Doc: docNewer, Table: "Table 5", Row: 3, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "udp", Ports: "30000-32767", Remote: seed.Any,
			Purpose:    "Allow access from the NodePort Services.",
			Modifiable: "Modification made if necessary",
			Suggestion: "The ports must allow traffic from the CIDR blocks of the VPC, load balancer, and container.",
			Note:       "Merged cells: Default Source Address, Description, Modification Suggestion and Impact After Modification blank in the grid table (a flattened row span from row 2); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 5", Row: 4, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22", Remote: seed.Any,
			Purpose:    "Allow SSH access to Linux ECSs.",
			Modifiable: "Modification recommended",
			Suggestion: "You are advised to allow access only from fixed IP addresses or IP address ranges.",
			Note:       "The Modification Suggestion cell is bold (**...**) in the source; the markup is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 5", Row: 5, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupWorker,
			Purpose:    "Restrict access from outside the worker node security group, but the access between pods in the worker node security group.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 5", Row: 6, Group: groupWorker,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.ContainerSub,
			Purpose:    "Allow containers within the cluster to access the nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 5", Row: 7, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default. You are advised to retain this setting.",
			Modifiable: "Modification made if necessary",
			Suggestion: "If you want to harden security by allowing traffic only on specific ports, remember to allow such ports. For details, see Hardening Outbound Rules.",
			Note:       "The :ref: role around \"Hardening Outbound Rules\" is rendered as its link text.",
		},
	},
	"Table 6": {
		{
			Doc: docNewer, Table: "Table 6", Row: 1, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.Any,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 2, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPC,
			Purpose:    "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Merged cell: Description is blank in the grid table while Modification Suggestion and Impact After Modification are filled; read as spanning from row 1 and repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 3, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose:    "Allow the network add-on of the worker nodes to access the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 4, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Any,
			Purpose:    "The HAProxy load balancing port for kube-apiserver, which allows incoming requests to be forwarded to backend kube-apiserver pods.",
			Modifiable: "Modification recommended",
			Suggestion: "The port must allow traffic from the CIDR blocks of the VPC, the control plane of the hosted service mesh, and container.",
			Note:       "The Modification Suggestion cell is bold (**...**) in the source; the markup is dropped.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 5, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose:    "Allow the storage add-on of the worker nodes to access the master nodes.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 6, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupMaster,
			Purpose:    "Restrict access from outside the master node security group, but the access between pods in the master node security group.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 7, Group: groupMaster,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.ContainerSub,
			Purpose:    "Allow traffic from all source IP addresses in the container subnet CIDR block.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
		{
			Doc: docNewer, Table: "Table 6", Row: 8, Group: groupMaster,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
	},
	"Table 7": {
		{
			Doc: docNewer, Table: "Table 7", Row: 1, Group: groupENI,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.GroupENI,
			Purpose:    "Allow containers within the cluster to access each other.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Source written \"Elastic network interface security group\".",
		},
		{
			Doc: docNewer, Table: "Table 7", Row: 2, Group: groupENI,
			Direction: "ingress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.VPC,
			Purpose:    "Allow instances in the cluster VPC to access the containers.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
			Note:       "Merged cell: the Port cell is blank in the grid table (a flattened row span from row 1, \"All\"); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 7", Row: 3, Group: groupENI,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Any,
			Purpose:    "Allow traffic on all ports by default.",
			Modifiable: "Modification not recommended",
			Suggestion: "Modifying the configuration can interrupt the cluster functionality.",
		},
	},
	"Table 8": {
		{
			Doc: docNewer, Table: "Table 8", Row: 1, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "53", Remote: seed.DNS,
			Purpose: "Allow traffic on the port for domain name resolution.",
			Note:    "Table 8 has no direction column: its caption and the section say these are outbound rules of the worker nodes; it has no Modifiable or suggestion columns.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 2, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "53", Remote: seed.DNS,
			Purpose: "Allow traffic on the port for domain name resolution.",
			Note:    "Merged cells: Allowed CIDR and Description blank in the grid table (a flattened row span from row 1); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 3, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "5353", Remote: seed.Containers,
			Purpose: "Allow traffic on the port for CoreDNS domain name resolution.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 4, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "5353", Remote: seed.Containers,
			Purpose: "Allow traffic on the port for CoreDNS domain name resolution.",
			Note:    "Merged cells: Allowed CIDR and Description blank in the grid table (a flattened row span from row 3); repeated here.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 5, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "4789", Remote: seed.Any,
			Purpose: "Allow access between containers.",
			Note:    "Port cell reads \"UDP port 4789 (required only by clusters that use the tunnel networks)\"; the qualifier is kept here only. Allowed CIDR is written \"All IP addresses\" without a CIDR; read as 0.0.0.0/0.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 6, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "5443", Remote: seed.Masters,
			Purpose: "The HAProxy load balancing port for kube-apiserver, which allows incoming requests to be forwarded to backend kube-apiserver pods.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 7, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "5444", Remote: seed.VPCContainers,
			Purpose: "Allow access from kube-apiserver, which provides lifecycle management for Kubernetes resources.",
			Note:    "Allowed CIDR \"CIDR blocks of the VPC and containers\": one row in the document, so one Row with the combined remote seed.VPCContainers.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 8, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "6443", Remote: seed.Masters,
			Purpose: "-",
			Note:    "Description cell is ``-`` (an RST literal dash): the document gives no purpose.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 9, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "8445", Remote: seed.VPC,
			Purpose: "Allow the storage add-on of the worker nodes to access the master nodes.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 10, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "9443", Remote: seed.VPC,
			Purpose: "Allow the network add-on of the worker nodes to access the master nodes.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 11, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "any", Ports: "", Remote: seed.Remote("198.19.128.0/17"),
			Purpose: "Allow access to VPC Endpoint (VPCEP).",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 12, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "udp", Ports: "123", Remote: seed.Remote("100.125.0.0/16"),
			Purpose: "Allow the worker nodes to access the internal NTP server.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 13, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "443", Remote: seed.Remote("100.125.0.0/16"),
			Purpose: "Allow the worker nodes to access OBS over internal networks to pull the installation package.",
		},
		{
			Doc: docNewer, Table: "Table 8", Row: 14, Group: groupWorker,
			Direction: "egress", Action: "allow", Protocol: "tcp", Ports: "6443", Remote: seed.Remote("100.125.0.0/16"),
			Purpose: "Allow the worker nodes to report that the worker nodes have been installed.",
		},
	},
}
