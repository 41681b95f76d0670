// Package provider holds what the vendor profiles share: the required
// flows a cluster needs, the check that runs them through a network as
// range queries, and the findings that come out when a rule set fails
// one. The vendor packages (huawei, alibaba, tencent, aws, terraform)
// build profiles and read vendor exports.
//
// The shortest complete use, with the Huawei CCE profile (Example runs
// it):
//
//	p, _ := huawei.NewProfile(huawei.Cluster{}) // the documented example cluster
//	n, _ := p.Network(true)                      // with the hardened worker egress set
//	for _, f := range provider.Findings(p.Name(), provider.Check(n, p.Required)) {
//		fmt.Println(f) // the flow, a witness packet and the hop that drops it
//	}
//
// Each Result of Check prints as a pass, FAIL or error line.
//
// For a user's own cluster, the vendor packages read the security-group
// and network-ACL exports, and their network-interface and subnet
// listings into NIC, Subnet and ACLBinding records (a Placement).
// Topology.Place merges those into a Topology (a hand-written one, read
// by ReadTopology, supplies what listings do not carry, such as the
// internet), and Topology.Build makes the network, with a Warning for
// each group the export leaves out instead of an error
// (ExampleTopology_Place).
package provider

import (
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// Kind tells where a required flow comes from. It is analyze.Kind: the
// core's analysis reads required flows, and the core does not import
// this package.
type Kind = analyze.Kind

// Kinds of required flows.
const (
	// Vendor flows come from a seed table's purpose column.
	Vendor = analyze.VendorFlow
	// Kubernetes flows are what any cluster network must carry: pods
	// reach pods on other nodes, nodes reach pods, pods resolve names.
	Kubernetes = analyze.KubernetesFlow
)

// RequiredFlow is a flow a cluster needs: every address of From must
// reach every address of To on the protocol and ports. It is
// analyze.RequiredFlow (see Kind).
type RequiredFlow = analyze.RequiredFlow

// Result is a required flow's answer in one network.
type Result struct {
	Flow  RequiredFlow
	Reach sgsim.Reachability
	Err   error
}

// Passed reports whether every flow in the required space is allowed.
func (r Result) Passed() bool { return r.Err == nil && r.Reach.Outcome == sgsim.All }

func (r Result) String() string {
	if r.Err != nil {
		return "error   " + r.Flow.String() + ": " + r.Err.Error()
	}
	if r.Passed() {
		return "pass    " + r.Flow.String()
	}
	s := "FAIL    " + r.Flow.String() + ": " + r.Reach.Outcome.String() + " allowed; witness " + r.Reach.DeniedWitness.String()
	if t := r.Reach.DeniedTrace; t.Dropped >= 0 && t.Dropped < len(t.Steps) {
		s += " dropped at " + t.Steps[t.Dropped].String()
	}
	return s
}

// Check runs every required flow through the network as a range query.
func Check(n *sgsim.Network, flows []RequiredFlow) []Result {
	out := make([]Result, len(flows))
	for i, f := range flows {
		r, err := n.Reach(f.Query())
		out[i] = Result{Flow: f, Reach: r, Err: err}
	}
	return out
}

// Finding is a required flow that a vendor's own documented rule set does
// not permit, with a witness packet and the hop and rule that drop it.
type Finding struct {
	Profile string // e.g. "cce-vpc/newer/hardened"
	Flow    RequiredFlow
	Outcome sgsim.Outcome
	Witness sgsim.Flow
	Trace   sgsim.Trace
}

func (f Finding) String() string {
	s := f.Profile + ": " + f.Flow.Name + " (" + f.Flow.Kind.String() + "): " + f.Outcome.String() +
		" allowed; witness " + f.Witness.String()
	if f.Trace.Dropped >= 0 && f.Trace.Dropped < len(f.Trace.Steps) {
		s += "; dropped at " + f.Trace.Steps[f.Trace.Dropped].String()
	}
	return s
}

// Findings returns a Finding for each result that was checked and did not
// pass. Results with an error (Result.Err: the query could not be run)
// are not findings and are left out: look at them in Check's results.
func Findings(profile string, rs []Result) []Finding {
	var out []Finding
	for _, r := range rs {
		if r.Passed() || r.Err != nil {
			continue
		}
		out = append(out, Finding{Profile: profile, Flow: r.Flow, Outcome: r.Reach.Outcome,
			Witness: r.Reach.DeniedWitness, Trace: r.Reach.DeniedTrace})
	}
	return out
}

// Resolver maps a seed row's symbolic remote to addresses, or to a group
// reference (ok false for a remote the profile cannot place).
type Resolver func(seed.Remote) (addrs sgsim.Addrs, group string, err error)

// RuleFromRow turns one seed row into a rule, with provenance: vendor,
// document, table, row and the modifiable / suggestion columns.
func RuleFromRow(vendor string, row seed.Row, priority int, resolve Resolver) (sgsim.Rule, error) {
	where := fmt.Sprintf("%s %s row %d", row.Doc, row.Table, row.Row)
	var r sgsim.Rule
	var err error
	r.ID = fmt.Sprintf("%s/%s/%d", row.Group, strings.ReplaceAll(strings.ToLower(row.Table), " ", ""), row.Row)
	if r.Direction, err = sgsim.ParseDirection(row.Direction); err != nil {
		return r, fmt.Errorf("%s: %w", where, err)
	}
	if r.Action, err = sgsim.ParseAction(row.Action); err != nil {
		return r, fmt.Errorf("%s: %w", where, err)
	}
	if r.Protocol, err = sgsim.ParseProtocol(row.Protocol); err != nil {
		return r, fmt.Errorf("%s: %w", where, err)
	}
	if row.Ports != "" {
		if r.DstPorts, err = sgsim.ParsePorts(row.Ports); err != nil {
			return r, fmt.Errorf("%s: %w", where, err)
		}
	}
	r.Priority = priority
	a, g, err := resolve(row.Remote)
	if err != nil {
		return r, fmt.Errorf("%s: remote %q: %w", where, row.Remote, err)
	}
	if g != "" {
		r.RemoteGroup = g
	} else if r.Direction == sgsim.Ingress {
		r.Src = a
	} else {
		r.Dst = a
	}
	r.Origin = sgsim.Origin{Vendor: vendor, Document: row.Doc, Table: row.Table, Row: row.Row,
		Modifiable: row.Modifiable, Suggestion: row.Suggestion, Note: row.Note}
	if err := r.Validate(); err != nil {
		return r, fmt.Errorf("%s: %w", where, err)
	}
	return r, nil
}
