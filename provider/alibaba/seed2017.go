// Transcription of seed document 004_8f9cab25fd196be9.txt (Alibaba Cloud
// Container Service, "Container Service security group rules", last
// updated Dec 07, 2017).
//
// The document's rule tables were images (figures 4-8) and did not
// survive; only the prose does. The rows below hold exactly what the prose
// states. Where a rule's authorization object, protocol or port range was
// shown only in an image, Remote is seed.Unstated or Note says the field is
// assumed, and no row stands for a rule the prose does not mention. What
// the images would have shown beyond that is unknown.

package alibaba

import (
	"slices"

	"github.com/sgsim/sgsim/provider/internal/seed"
)

// Doc2017 is the seed file the 2017 Container Service rows come from.
const Doc2017 = "004_8f9cab25fd196be9.txt"

// Table names of the 2017 Container Service rows.
//
// The first two are the default inbound rules of security groups created
// for clusters created after February 28, 2017 ("Alibaba Cloud Container
// Service only sets the inbound security group rules"); the next two are
// the steps the document gives to tighten the looser classic-network
// groups of older clusters; the last holds the one rule-shaped line of
// "Security configuration principles".
const (
	CS2017VPC           = "Security group rules / Virtual Private Cloud (VPC) security group"
	CS2017Classic       = "Security group rules / Classic network security group (the Internet inbound and intranet inbound)"
	CS2017TightenAdd    = "Security group rules / Clusters created before February 28, 2017 / Tighten: add"
	CS2017TightenDelete = "Security group rules / Clusters created before February 28, 2017 / Tighten: delete"
	CS2017Principles    = "Security configuration principles"
)

// Groups used by the 2017 rows. A classic-network security group keeps
// separate Internet and intranet rule sets ("For classic network security
// groups, the Internet and intranet rules are configured separately."), so
// a row the prose places in one of them says which; "cluster" is the one
// security group of the cluster ("Each cluster has one security group.")
// where the prose names no NIC type, or the group is a VPC group.
const (
	Group2017         = "cluster"
	Group2017Internet = "cluster-internet"
	Group2017Intranet = "cluster-intranet"
)

const (
	noteImage = `the rule table was an image (figure 4 for VPC, figures 5 and 6 for classic); the prose states the rule but not its authorization object, which is unknown`
	noteTCP   = `protocol not stated in the prose; tcp assumed`
)

// cs2017Rows holds every 2017 Container Service row, table by table, in
// document order. Purpose holds the sentence that states the rule;
// Suggestion a sentence of advice the document attaches to it. In Note,
// text between double quotes is verbatim document text.
var cs2017Rows = []seed.Row{
	// CS2017VPC: 4 rows, from the "Note:" bullets under figures 4-6.
	{
		Doc: Doc2017, Table: CS2017VPC, Row: 1, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Unstated,
		Purpose: "We recommend that you retain the ICMP rules for communication between nodes and the convenience of troubleshooting.",
		Note:    noteImage + ".",
	},
	{
		Doc: Doc2017, Table: CS2017VPC, Row: 2, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "443,80",
		Remote:     seed.Unstated,
		Purpose:    "Ports 443 and 80 are opened by default for the convenience of your business Web services.",
		Suggestion: "You can open or close the ports per your needs.",
		Note:       noteImage + "; " + noteTCP + "; ports in the order written; whether one rule or two is unknown.",
	},
	{
		Doc: Doc2017, Table: CS2017VPC, Row: 3, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22",
		Remote:     seed.Unstated,
		Purpose:    "Container Service depends on port 22 to initialize the ECS instance.",
		Suggestion: "Do not block port 22. Container Service initializes the ECS instances by using this port.",
		Note:       noteImage + "; " + noteTCP + ` (SSH: "you can use SSH to log on to the ECS instance").`,
	},
	{
		Doc: Doc2017, Table: CS2017VPC, Row: 4, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Containers,
		Purpose: "The Authorization Object ensures the communication between containers.",
		Note:    `authorization object "the basic address of the container network segment"; "In this example, it is 172.18.0.0/16."; the protocol and port range were in the image (figure 4) and are unknown: any/all is a placeholder, not a reading.`,
	},
	// CS2017Classic: 3 rows. The same "Note:" bullets, less the VPC-only one.
	{
		Doc: Doc2017, Table: CS2017Classic, Row: 1, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Unstated,
		Purpose: "We recommend that you retain the ICMP rules for communication between nodes and the convenience of troubleshooting.",
		Note:    noteImage + `; whether the rule sits in the Internet or intranet rule set, or both, is not stated (the tightening step adds ICMP to both).`,
	},
	{
		Doc: Doc2017, Table: CS2017Classic, Row: 2, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "443,80",
		Remote:     seed.Unstated,
		Purpose:    "Ports 443 and 80 are opened by default for the convenience of your business Web services.",
		Suggestion: "You can open or close the ports per your needs.",
		Note:       noteImage + "; " + noteTCP + `; Internet or intranet rule set not stated (the tightening step opens 80 and 443 in both).`,
	},
	{
		Doc: Doc2017, Table: CS2017Classic, Row: 3, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "22",
		Remote:     seed.Unstated,
		Purpose:    "Container Service depends on port 22 to initialize the ECS instance.",
		Suggestion: "Do not block port 22. Container Service initializes the ECS instances by using this port.",
		Note:       noteImage + "; " + noteTCP + `; Internet or intranet rule set not stated.`,
	},
	// CS2017TightenAdd: 4 rows, the two "add" steps, each in the intranet
	// and the Internet rule set.
	{
		Doc: Doc2017, Table: CS2017TightenAdd, Row: 1, Group: Group2017Intranet,
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Unstated,
		Purpose: "Add a rule in the intranet inbound and Internet inbound, with Allow selected as the Authorization Policy and All ICMP selected as the Protocol Type.",
		Note:    `a step to perform, not an existing rule; the address range to allow is not stated.`,
	},
	{
		Doc: Doc2017, Table: CS2017TightenAdd, Row: 2, Group: Group2017Internet,
		Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: "",
		Remote:  seed.Unstated,
		Purpose: "Add a rule in the intranet inbound and Internet inbound, with Allow selected as the Authorization Policy and All ICMP selected as the Protocol Type.",
		Note:    `a step to perform, not an existing rule; the address range to allow is not stated.`,
	},
	{
		Doc: Doc2017, Table: CS2017TightenAdd, Row: 3, Group: Group2017Intranet,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "80,443",
		Remote:     seed.Unstated,
		Purpose:    "To directly access ports 80, 443, or other ports of the virtual machine (VM), add the intranet and Internet rules to open these ports.",
		Suggestion: "Make sure you open all the ports you need. Otherwise, some services will become inaccessible. Do not open ports accessed by using Server Load Balancer instances.",
		Note:       `a step to perform, not an existing rule; ` + noteTCP + `; "or other ports" left to the operator; the address range is not stated.`,
	},
	{
		Doc: Doc2017, Table: CS2017TightenAdd, Row: 4, Group: Group2017Internet,
		Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: "80,443",
		Remote:     seed.Unstated,
		Purpose:    "To directly access ports 80, 443, or other ports of the virtual machine (VM), add the intranet and Internet rules to open these ports.",
		Suggestion: "Make sure you open all the ports you need. Otherwise, some services will become inaccessible. Do not open ports accessed by using Server Load Balancer instances.",
		Note:       `a step to perform, not an existing rule; ` + noteTCP + `; "or other ports" left to the operator; the address range is not stated.`,
	},
	// CS2017TightenDelete: 2 rows, the loose rules the "Delete" step removes
	// (as the prose describes them; figures 7 and 8 showed the full set).
	{
		Doc: Doc2017, Table: CS2017TightenDelete, Row: 1, Group: Group2017Internet,
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Any,
		Purpose: "Delete the Internet inbound rules and intranet inbound rules with -1/-1 as the port range and 0.0.0.0 as the address range.",
		Note:    `a rule of a pre-2017 group that the step deletes; address range written "0.0.0.0", read as 0.0.0.0/0; port range "-1/-1" is all ports; the protocol is not stated, any assumed; the other loose rules were in figures 7 and 8 and are unknown.`,
	},
	{
		Doc: Doc2017, Table: CS2017TightenDelete, Row: 2, Group: Group2017Intranet,
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:  seed.Any,
		Purpose: "Delete the Internet inbound rules and intranet inbound rules with -1/-1 as the port range and 0.0.0.0 as the address range.",
		Note:    `a rule of a pre-2017 group that the step deletes; address range written "0.0.0.0", read as 0.0.0.0/0; port range "-1/-1" is all ports; the protocol is not stated, any assumed; the other loose rules were in figures 7 and 8 and are unknown.`,
	},
	// CS2017Principles: 2 rows, one principle read as an inbound and
	// an outbound rule.
	{
		Doc: Doc2017, Table: CS2017Principles, Row: 1, Group: Group2017,
		Direction: "ingress", Action: "allow", Protocol: "any", Ports: "",
		Remote:     seed.Containers,
		Purpose:    "Open the container network segment at the VPC intranet outbound/inbound.",
		Suggestion: "Otherwise, the network between containers is disconnected.",
		Note:       `the inbound half of "outbound/inbound"; protocol and ports not stated, any/all assumed.`,
	},
	{
		Doc: Doc2017, Table: CS2017Principles, Row: 2, Group: Group2017,
		Direction: "egress", Action: "allow", Protocol: "any", Ports: "",
		Remote:     seed.Containers,
		Purpose:    "Open the container network segment at the VPC intranet outbound/inbound.",
		Suggestion: "Otherwise, the network between containers is disconnected.",
		Note:       `the outbound half of "outbound/inbound"; protocol and ports not stated, any/all assumed. The default groups set no outbound rules ("Alibaba Cloud Container Service only sets the inbound security group rules").`,
	},
}

// ContainerService2017 returns a copy of every 2017 Container Service row,
// table by table, in document order.
func ContainerService2017() []seed.Row { return slices.Clone(cs2017Rows) }
