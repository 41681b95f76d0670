package analyze

import (
	"fmt"

	"github.com/sgsim/sgsim/sgsim"
)

// Kind tells where a required flow comes from.
type Kind uint8

// Kinds of required flows.
const (
	// VendorFlow flows come from a vendor document (for the built-in
	// profiles, a seed table's purpose column).
	VendorFlow Kind = iota
	// KubernetesFlow flows are what any cluster network must carry: pods
	// reach pods on other nodes, nodes reach pods, pods resolve names.
	KubernetesFlow
)

func (k Kind) String() string {
	if k == KubernetesFlow {
		return "kubernetes"
	}
	return "vendor"
}

// RequiredFlow is a flow a cluster needs: every address of From must
// reach every address of To on the protocol and ports. The vendor
// profiles (package provider and its subpackages) build them; this
// package only reads them, so the type lives here and provider names it
// as an alias.
type RequiredFlow struct {
	Name     string // short and stable, e.g. "kube-apiserver 5444 from nodes"
	Kind     Kind
	From, To string      // names of the profile's address ranges ("nodes", "masters", ...)
	Src, Dst sgsim.Addrs // their addresses in this cluster
	Protocol sgsim.Protocol
	Ports    sgsim.Ports // destination ports; nil: every port
	// ICMPType and ICMPCode give the message of an ICMP or ICMPv6 flow:
	// nil type is an echo request (8, or 128 for ICMPv6) and nil code 0,
	// as in an intent file.
	ICMPType, ICMPCode *uint8
	Reason             string // the seed's purpose text, or why Kubernetes needs it
	Origin             sgsim.Origin
	// Question is what the flow needs of the network. The zero value asks
	// each protocol's default, Answered (sgsim.Question): request and
	// response traffic such as DNS, NTP and API calls needs its answers
	// back. One-way traffic (VXLAN or Geneve between nodes, whose return
	// packets are another flow from the other node) asks Delivered.
	Question sgsim.Question
}

func (f RequiredFlow) String() string {
	p := f.Protocol.String()
	if f.Ports != nil {
		p += " " + f.Ports.String()
	}
	if f.ICMPType != nil || f.ICMPCode != nil {
		q := f.Query()
		p += fmt.Sprintf(" type %d code %d", q.ICMPType, q.ICMPCode)
	}
	if f.Question == sgsim.Delivered {
		p += " one-way"
	}
	return fmt.Sprintf("%s: %s -> %s %s (%s)", f.Name, f.From, f.To, p, f.Kind)
}

// Query returns the range query of the flow: ephemeral source ports, the
// ICMP message (an echo request unless ICMPType says otherwise), and the
// flow's Question.
func (f RequiredFlow) Query() sgsim.Query {
	q := sgsim.Query{From: f.Src, To: f.Dst, Protocol: f.Protocol, DstPorts: f.Ports, Question: f.Question}
	if f.Protocol.IsICMP() {
		q.ICMPType = 8
		if f.Protocol == sgsim.ICMPv6 {
			q.ICMPType = 128
		}
		if f.ICMPType != nil {
			q.ICMPType = *f.ICMPType
		}
		if f.ICMPCode != nil {
			q.ICMPCode = *f.ICMPCode
		}
	}
	return q
}
