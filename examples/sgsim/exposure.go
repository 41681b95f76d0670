package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"go4.org/netipx"
)

// exposureSchemaVersion is the version of exposure's JSON output.
const exposureSchemaVersion = 1

func init() {
	commands = append(commands, &command{
		name:     "exposure",
		short:    "what does the outside reach? every endpoint's open ports, exact",
		synopsis: "[input flags] [-from RANGE] [-fail-on SEVERITY] [-format text|json|sarif|markdown]",
		formats:  []string{"sarif", "markdown"},
		about: `audits what the outside reaches: for every endpoint with security groups, the exact set of protocols and ports (ICMP messages, other protocols) whose packets from outside the cluster are delivered, each with the addresses that reach it and the rule that lets it in (with its origin: vendor record, Terraform resource address, seed row). Exact, not a match on 0.0.0.0/0: a rule from a few fixed addresses is reported with those addresses, a group with no ingress rule reports nothing.
The outside is the topology's "internet" endpoint when it has one, and otherwise every address in no endpoint and no subnet (and, for a profile, outside its VPC, pod and service ranges); -from names it instead (endpoint names or ranges). The addresses of endpoints with groups are never outside.
Severity by port class: high for management and control-plane ports (22, 23, 445, 2379-2380, 3389, 5443-5444, 5900, 5985-5986, 6443, 10250, 10255-10259; every port includes them), medium for data stores (3306, 5432, 6379, 9200-9300, 11211, 27017-27019, 2049, 2375-2376) and protocols without ports other than ICMP, low for other ports, info for ICMP.
json: {"schema_version": 1, "network", "outside", "summary": {"high", "medium", "low", "info"}, "exposures": [{"endpoint", "severity", "protocol", "other_protocols", "ports", "icmp_type", "icmp_code", "other_icmp", "all_icmp", "sources", "from_anywhere_outside", "dst", "group", "rule_id", "rule", "origin", "terraform_address", "witness"}]}.`,
		example: `sgsim exposure -profile cce-tunnel -hardened=false
prints, among others,
  high    nodes   tcp 22 from anywhere outside to 192.168.0.0/24
    let in by rule "worker/table3/5" of group "cce-node" (ingress allow tcp 22 from 0.0.0.0/0 priority 1 id worker/table3/5) from huawei 001_3ee2f19bcae8d9c5.txt Table 3 row 5`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			var from string
			var gate severityGate
			fs.StringVar(&from, "from", "", "the outside: endpoint `NAMES` or address ranges, comma separated (default: the \"internet\" endpoint, or every address outside the cluster)")
			gate.register(fs, "an opening's severity")
			return func(e *env) error { return exposureRun(e, from, &gate) }
		},
	})
}

func exposureRun(e *env, from string, gate *severityGate) error {
	if err := gate.valid(); err != nil {
		return err
	}
	n, err := e.loadPlaced(&e.in)
	if err != nil {
		return err
	}
	var outside sgsim.Addrs
	if from != "" {
		if outside, err = n.Addrs(from); err != nil {
			return bad("-from: %v", err)
		}
	} else if !n.Inside.IsAny() {
		// A profile knows its VPC, pod and service ranges: not outside.
		var b netipx.IPSetBuilder
		b.AddSet(analyze.Outside(n.Spec).Set())
		b.RemoveSet(n.Inside.Set())
		set, _ := b.IPSet()
		outside = sgsim.AddrsOf(set)
	}
	sources := analyze.ExposureSources(n.Spec, outside)
	if from != "" && sources.IsEmpty() {
		// Nothing would be audited: say so rather than report no opening.
		return bad("-from %q: no outside address: endpoints with security groups (and group members) are never outside", from)
	}
	if from != "" && !sharesFamily(sources, n.Spec.Endpoints) {
		// IPv6 sources on an IPv4 network (or the reverse) reach
		// nothing: "0 openings" would pass any gate without a word.
		return bad("-from %q: no endpoint has an address of its family (IPv4 or IPv6): nothing to audit", from)
	}
	xs, err := analyze.ExposureAudit(n.Net, n.Spec, outside)
	if err != nil {
		return err
	}
	for _, x := range xs {
		gate.note(x.Severity)
	}
	switch e.format {
	case "sarif":
		err = emitJSON(e, exposureSARIF(xs))
	case "markdown":
		err = emit(e, nil, exposureMarkdown(n, sources, xs))
	case "json":
		err = emit(e, exposureJSON(n, sources, xs), "")
	default:
		err = emit(e, nil, exposureText(n, sources, xs))
	}
	if err != nil {
		return err
	}
	return gate.check()
}

// sharesFamily reports whether a has an address of a family that some
// endpoint with security groups has.
func sharesFamily(a sgsim.Addrs, eps []sgsim.Endpoint) bool {
	var v4, v6 bool
	for _, r := range a.Ranges() {
		v4 = v4 || r.From().Is4()
		v6 = v6 || r.From().Is6()
	}
	for _, e := range eps {
		if len(e.Groups) == 0 {
			continue
		}
		for _, r := range e.Addrs.Ranges() {
			if r.From().Is4() && v4 || r.From().Is6() && v6 {
				return true
			}
		}
	}
	return false
}

// anywhere reports whether an opening's sources are every outside
// address of its family.
func anywhere(x analyze.Exposed, sources sgsim.Addrs) bool {
	v4, v6 := x.Sources.Families()
	var b netipx.IPSetBuilder
	for _, r := range sources.Ranges() {
		if r.From().Is4() && v4 || r.From().Is6() && v6 {
			b.AddRange(r)
		}
	}
	set, _ := b.IPSet()
	return x.Sources.Equal(sgsim.AddrsOf(set))
}

func sevCounts(xs []analyze.Exposed) map[string]int {
	c := map[string]int{"high": 0, "medium": 0, "low": 0, "info": 0}
	for _, x := range xs {
		c[x.Severity.String()]++
	}
	return c
}

// exposureWhat is the protocol and ports of an opening, as printed.
func exposureWhat(x analyze.Exposed) string {
	s := x.Protocol.String()
	if x.OtherProtocols {
		s = "other protocols (" + x.Protocol.String() + " and every protocol no rule names)"
	}
	if p := x.PortText(); p != "" {
		s += " " + p
	}
	return s
}

func exposureText(n *load.Network, sources sgsim.Addrs, xs []analyze.Exposed) string {
	var b strings.Builder
	c := sevCounts(xs)
	fmt.Fprintf(&b, "== %s: %d openings to the outside (%d high, %d medium, %d low, %d info)\n", n.Name, len(xs), c["high"], c["medium"], c["low"], c["info"])
	fmt.Fprintf(&b, "outside: %s\n", sources)
	width := 0
	for _, x := range xs {
		width = max(width, len(x.Endpoint))
	}
	for _, x := range xs {
		src := x.Sources.String()
		if anywhere(x, sources) {
			src = "anywhere outside"
		}
		fmt.Fprintf(&b, "%-7s %-*s %s from %s to %s\n", x.Severity, width, x.Endpoint, exposureWhat(x), src, x.Dst)
		fmt.Fprintf(&b, "  let in by %s\n", x.Verdict.Why())
	}
	return b.String()
}

type exposureEntryJSON struct {
	Endpoint       string `json:"endpoint"`
	Severity       string `json:"severity"`
	Protocol       string `json:"protocol"`
	OtherProtocols bool   `json:"other_protocols,omitempty"`
	Ports          string `json:"ports,omitempty"`
	ICMPType       *int   `json:"icmp_type,omitempty"`
	ICMPCode       *int   `json:"icmp_code,omitempty"`
	OtherICMP      bool   `json:"other_icmp,omitempty"`
	AllICMP        bool   `json:"all_icmp,omitempty"`
	Sources        string `json:"sources"`
	Anywhere       bool   `json:"from_anywhere_outside"`
	Dst            string `json:"dst"`
	Group          string `json:"group,omitempty"`
	RuleID         string `json:"rule_id,omitempty"`
	Rule           string `json:"rule,omitempty"`
	Origin         string `json:"origin,omitempty"`
	Address        string `json:"terraform_address,omitempty"`
	Witness        string `json:"witness"`
}

func exposureJSON(n *load.Network, sources sgsim.Addrs, xs []analyze.Exposed) any {
	out := struct {
		SchemaVersion int                 `json:"schema_version"`
		Network       string              `json:"network"`
		Outside       string              `json:"outside"`
		Summary       map[string]int      `json:"summary"`
		Exposures     []exposureEntryJSON `json:"exposures"`
	}{SchemaVersion: exposureSchemaVersion, Network: n.Name, Outside: sources.String(), Summary: sevCounts(xs), Exposures: []exposureEntryJSON{}}
	for _, x := range xs {
		j := exposureEntryJSON{Endpoint: x.Endpoint, Severity: x.Severity.String(), Protocol: x.Protocol.String(), OtherProtocols: x.OtherProtocols,
			OtherICMP: x.OtherICMP, AllICMP: x.AllICMP, Sources: x.Sources.String(), Anywhere: anywhere(x, sources), Dst: x.Dst.String(),
			Group: x.Verdict.Group, Witness: x.Witness.String()}
		if x.Protocol.HasPorts() {
			j.Ports = x.Ports.String()
		}
		if x.Protocol.IsICMP() && !x.AllICMP {
			t, c := int(x.ICMPType), int(x.ICMPCode)
			j.ICMPType, j.ICMPCode = &t, &c
		}
		if r := x.Verdict.Rule; r != nil {
			j.RuleID, j.Rule = r.ID, r.String()
			if !r.Origin.IsZero() {
				j.Origin = r.Origin.String()
			}
			j.Address = terraformAddress(r.Origin)
		}
		out.Exposures = append(out.Exposures, j)
	}
	return out
}
