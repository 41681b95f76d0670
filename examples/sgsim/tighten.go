package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/intent"
	"github.com/sgsim/sgsim/sgsim/replay"
)

func init() {
	commands = append(commands, &command{
		name:     "tighten",
		required: true,
		short:    "a least-privilege rule set from observed traffic and required flows, proven safe",
		synopsis: "[-pcap FILE ... | -flowlog FILE ...] [input flags] [-intents FILE] [-max-rules N] [-min-prefix N] [-max-port-gap N] [-max-boxes N] [-format text|json]",
		about: `replays the traffic (as replay does; with no input flag at all, the embedded CCE tunnel sample against the cce-tunnel profile; any input flag without -pcap or -flowlog is bad usage, and so is traffic of which no flow has an end in the network) and proposes the security groups narrowed to it (analyze.Tighten): an allow rule no allowed flow was decided by is removed, a used one becomes rules for the protocols, destination ports (exact), ICMP types (a rule for every type becomes one per type seen) and remote addresses (aggregated) seen; deny rules and network ACLs stay. -max-rules N (default 50) is the most rules per group, counting one per remote prefix and port range: above it, one merge at a time, either two prefixes of a rule merge into their covering prefix (never broader than the original rule's remote nor shorter than -min-prefix, default 16; IPv6 +96) or two of its port ranges merge over the gap between them (at most -max-port-gap unused ports, default 1024, -1 never; never beyond the original rule's ports), whichever opens the fewest new address and port pairs. When the narrowing breaks a required flow that passed (the profile's, -require PROFILE's, and the must_allow and must_be_answerable intents of -intents FILE), the original allow rules of the groups on its path come back, one at a time, first only in part (the rule narrowed to the required flow's remote addresses, protocol, ports and ICMP message), whole when that is not enough (an overlay's outer flow), and those not needed go again; each rule put back ends its line with the required flow it is there for ("<- for required flow NAME", "<- whole, for required flow NAME"; json: put_back, with the rule's index in new). must_deny intents hold by construction: the proposal only removes and narrows allow rules, and proof (3) shows it opens nothing.
The proof is printed, and a proposal that fails it is not: (1) the same traffic replayed through the proposal drops no flow the original allowed; (2) every required flow passes as before (Reach); (3) per attached group list, the exact diff of original against proposal (analyze.DiffWith with -max-boxes N, default 1000, 0 every box: a pair of deciding rules, old and new, of more than N boxes is one summarized change, "K+ boxes, not listed", whose flows are tested by evaluating both versions) only removes, and no observed flow lies in what it removes at a hop the rules decide. Exit 1 when no proposal passes the proof. Then the proposal in the vendor's API form (the whole narrowed groups).
json: {"schema_version": 1, "network", "groups": [{"id", "old", "new", "rules", "over_max", "restored_rules", "partly_restored_rules", "put_back": [{"index", "rule", "whole", "required_flow"}]}], "flows_replayed", "allowed_before", "allowed_after", "required": [{"name", "before", "after"}], "closed": [{"set", "endpoints", "removed": [CHANGE]}], "api": [{"name", "text"}], "notes"}, CHANGE as in diff -h ({"direction", "others", "region", "witness", "old", "new", "summarized", "boxes_found"}).`,
		example: `sgsim tighten
prints the CCE tunnel profile's groups narrowed to the embedded capture's traffic and its required flows ("group cce-node: 20 rules -> ..."),
the proof ("all 28 allowed before are allowed", each required flow "passes as before"), and the groups as a Huawei "ListSecurityGroupRules document".`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			o := &replayOptions{}
			var opt analyze.TightenOptions
			fs.Var((*list)(&o.pcaps), "pcap", "`FILE` to replay, pcap or pcapng (repeatable, in time order)")
			fs.Var((*list)(&o.flowlogs), "flowlog", "VPC flow log `FILE` to replay, AWS v2 or Huawei (repeatable)")
			fs.IntVar(&opt.MaxRules, "max-rules", 50, "most rules per group (one per remote prefix and port range)")
			fs.IntVar(&opt.MinPrefix, "min-prefix", 16, "shortest IPv4 prefix merging may produce (IPv6: +96)")
			fs.IntVar(&opt.MaxPortGap, "max-port-gap", 1024, "most unused ports a merge of two port ranges may open (-1: never merge ports)")
			fs.IntVar(&opt.MaxBoxes, "max-boxes", analyze.DefaultMaxBoxes, "boxes listed per pair of deciding rules in proof (3) before the pair is summarized (`N`; 0: list every box)")
			var intents string
			fs.StringVar(&intents, "intents", "", "intent `FILE` (as check reads): its must_allow and must_be_answerable intents are required flows too")
			return func(e *env) error { return tightenRun(e, o, opt, intents) }
		},
	})
}

func tightenRun(e *env, o *replayOptions, opt analyze.TightenOptions, intents string) error {
	// -min-prefix 0 is refused: analyze.TightenOptions reads a zero
	// MinPrefix as its default, 16, so it would not mean /0.
	if opt.MaxRules < 1 || opt.MinPrefix < 1 || opt.MinPrefix > 32 || opt.MaxPortGap < -1 || opt.MaxBoxes < 0 {
		return bad("-max-rules %d -min-prefix %d -max-port-gap %d -max-boxes %d: want -max-rules 1 or more, -min-prefix 1-32, -max-port-gap -1 or more and -max-boxes 0 or more", opt.MaxRules, opt.MinPrefix, opt.MaxPortGap, opt.MaxBoxes)
	}
	// -max-boxes 0 lists every box, as diff's does; TightenOptions reads
	// a zero MaxBoxes as its default and -1 as every box.
	listed := opt.MaxBoxes
	if opt.MaxBoxes == 0 {
		opt.MaxBoxes = -1
	}
	n, err := trafficNet(e, o)
	if err != nil {
		return err
	}
	// The traffic through the original: every flow's verdict by ID, and
	// the allowed flows as observed.
	before := map[int]bool{}
	var observed []sgsim.Flow
	touched := false // some flow was evaluated at a hop of the network
	rp, partial, err := replayInputs(e, o, n.Net, replay.Config{OnFlow: func(f *replay.Flow) {
		before[f.ID] = f.Allowed()
		touched = touched || !f.Decision.Outside
		if f.Allowed() {
			observed = append(observed, f.Flow())
		}
	}}, nil)
	if err != nil {
		return err
	}
	// What each reader read and skipped (stderr: stdout is the proposal).
	inputLines(e.stderr, "sgsim tighten: ", &rp.Summary)
	if !touched {
		// Every flow passed outside the network: "all allowed flows stay
		// allowed" would hold for any proposal, even one closing every
		// rule, so there is nothing to tighten to.
		return bad("none of the %d flows of the traffic has an end in the network (no hop evaluated any): nothing to tighten to; is the traffic from this network?", len(before))
	}
	for _, p := range partial {
		fmt.Fprintf(e.stderr, "sgsim tighten: %s; the proposal covers what was read before it\n", oneLine(p))
	}
	needed := slices.Clone(n.Required)
	if intents != "" {
		more, err := tightenIntents(n, intents)
		if err != nil {
			return err
		}
		needed = append(needed, more...)
	}
	p, err := analyze.Tighten(n.Spec, n.Net, observed, needed, opt)
	if err != nil {
		fmt.Fprintln(e.stderr, "sgsim tighten:", err)
		return &failError{"no proposal"}
	}
	// Proof (1): the same traffic through the proposal.
	pn, err := sgsim.BuildNetwork(p.Spec)
	if err != nil {
		return err
	}
	var lost []string
	replayed, kept := 0, 0
	_, _, err = replayInputs(e, o, pn, replay.Config{OnFlow: func(f *replay.Flow) {
		replayed++
		if before[f.ID] {
			if f.Allowed() {
				kept++
			} else {
				lost = append(lost, f.Flow().String())
			}
		}
	}}, nil)
	if err != nil {
		return err
	}
	allowed := 0
	for _, a := range before {
		if a {
			allowed++
		}
	}
	if len(lost) > 0 || kept != allowed {
		fmt.Fprintf(e.stderr, "sgsim tighten: no proposal: replayed through it, %d of %d allowed flows would be dropped, such as %s\n", allowed-kept, allowed, strings.Join(lost[:min(3, len(lost))], ", "))
		return &failError{"no proposal"}
	}
	var rs []analyze.FixResult
	for _, g := range p.Groups {
		res := analyze.FixResult{Name: g.ID}
		for _, r := range g.New {
			if r.RemoteGroup != "" && r.Family == sgsim.AnyFamily {
				// A vendor rule needs a family (Huawei's ethertype): that
				// of the referenced group's members.
				r.Family = membersFamily(n.Spec, r.RemoteGroup)
			}
			res.Fixes = append(res.Fixes, analyze.Fix{Group: g.ID, Rule: r})
		}
		rs = append(rs, res)
	}
	api := vendorForm(p.Spec, rs, "the proposal", "every rule of the narrowed groups")
	// putBack is an analyze.PutBack: a rule of new (at index) put back
	// for a required flow.
	type putBack struct {
		Index    int    `json:"index"`
		Rule     string `json:"rule"`
		Whole    bool   `json:"whole"`
		Required string `json:"required_flow"`
	}
	type group struct {
		ID       string    `json:"id"`
		Old      []string  `json:"old"`
		New      []string  `json:"new"`
		Rules    int       `json:"rules"`
		OverMax  bool      `json:"over_max,omitempty"`
		Restored int       `json:"restored_rules,omitempty"`
		Partial  int       `json:"partly_restored_rules,omitempty"`
		PutBack  []putBack `json:"put_back,omitempty"`
	}
	type required struct {
		Name   string `json:"name"`
		Before string `json:"before"`
		After  string `json:"after"`
	}
	type closed struct {
		Set       string           `json:"set"`
		Endpoints []string         `json:"endpoints"`
		Removed   []analyze.Change `json:"removed"`
	}
	out := struct {
		SchemaVersion int        `json:"schema_version"`
		Network       string     `json:"network"`
		Groups        []group    `json:"groups"`
		Flows         int        `json:"flows_replayed"`
		Allowed       int        `json:"allowed_before"`
		Kept          int        `json:"allowed_after"`
		Required      []required `json:"required"`
		Closed        []closed   `json:"closed"`
		API           []apiDoc   `json:"api"`
		Notes         []string   `json:"notes"`
	}{SchemaVersion: 1, Network: n.Name, Groups: []group{}, Flows: replayed, Allowed: allowed, Kept: kept, Required: []required{}, Closed: []closed{}, API: api.docs, Notes: api.notes}
	strs := func(rs []sgsim.Rule) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.String())
		}
		return out
	}
	var text strings.Builder
	fmt.Fprintf(&text, "== tighten %s: groups narrowed to the observed traffic (-max-rules %d, -min-prefix %d, -max-port-gap %d)\n", n.Name, opt.MaxRules, opt.MinPrefix, opt.MaxPortGap)
	for _, g := range p.Groups {
		var pbs []putBack
		for _, pb := range g.PutBack {
			pbs = append(pbs, putBack{pb.Index, pb.Rule.String(), pb.Whole, pb.For})
		}
		out.Groups = append(out.Groups, group{g.ID, strs(g.Old), strs(g.New), g.Rules, g.OverMax, g.Restored, g.Partial, pbs})
		restored := putBackText(g)
		switch {
		case g.OverMax:
			fmt.Fprintf(&text, "group %s: %d rules -> %d, above -max-rules (no merge stays within the rules and -min-prefix)%s\n", g.ID, len(g.Old), g.Rules, restored)
		default:
			fmt.Fprintf(&text, "group %s: %d rules -> %d%s\n", g.ID, len(g.Old), g.Rules, restored)
		}
		marks := putBackMarks(g)
		for i, r := range g.New {
			text.WriteString("  " + r.String() + marks[i] + "\n")
		}
	}
	text.WriteString("proof:\n")
	fmt.Fprintf(&text, "  (1) the same traffic replayed through the proposal: %d flows; all %d allowed before are allowed\n", replayed, allowed)
	if len(p.Required) == 0 {
		text.WriteString("  (2) no required flows (give -require PROFILE for exports)\n")
	} else {
		fmt.Fprintf(&text, "  (2) %d required flows, each passes as before (Reach):\n", len(p.Required))
	}
	for _, c := range p.Required {
		out.Required = append(out.Required, required{c.Flow.Name, c.Before.String(), c.After.String()})
		fmt.Fprintf(&text, "      %s: %s -> %s\n", c.Flow.Name, c.Before, c.After)
	}
	nc := 0
	for _, sd := range p.Closed {
		nc += len(sd.Diff.Removed)
	}
	every := fmt.Sprintf("a deciding-rule pair past %d boxes is one summarized change", listed)
	if listed == 0 {
		every = "every box listed"
	}
	fmt.Fprintf(&text, "  (3) what the proposal closes, exactly (per attached group list; %s): %d regions, nothing opened, no observed flow inside:\n", every, nc)
	for _, sd := range p.Closed {
		out.Closed = append(out.Closed, closed{sd.Set, sd.Endpoints, sd.Diff.Removed})
		fmt.Fprintf(&text, "    %s (%s):\n", sd.Set, strings.Join(sd.Endpoints, ", "))
		for _, c := range sd.Diff.Removed {
			text.WriteString("      " + strings.ReplaceAll(c.String(), "\n", "\n      ") + "\n")
		}
	}
	text.WriteString(api.text)
	return emit(e, out, text.String())
}

// membersFamily returns IPv4 or IPv6 when every endpoint carrying group
// id is of that family, and AnyFamily otherwise.
func membersFamily(spec sgsim.NetworkSpec, id string) sgsim.Family {
	var v4, v6 bool
	for _, e := range spec.Endpoints {
		for _, g := range e.Groups {
			if g == id {
				a, b := e.Addrs.Families()
				v4, v6 = v4 || a, v6 || b
			}
		}
	}
	switch {
	case v4 && !v6:
		return sgsim.IPv4
	case v6 && !v4:
		return sgsim.IPv6
	}
	return sgsim.AnyFamily
}

// tightenIntents reads an intent file and returns its must_allow and
// must_be_answerable intents as required flows, ICMP intents with their
// message (type and code).
func tightenIntents(n *load.Network, path string) ([]analyze.RequiredFlow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, bad("-intents: %v", err)
	}
	f, err := intent.Read(data)
	if err != nil {
		return nil, bad("-intents %s: %v", path, err)
	}
	c := intent.Checker{Net: n.Net, Endpoints: n.Spec.Endpoints}
	var out []analyze.RequiredFlow
	for _, in := range f.Intents {
		if in.Kind == intent.MustDeny {
			continue
		}
		src, err := c.Addrs(in.From)
		if err != nil {
			return nil, bad("-intents %s: %s: from: %v", path, in.Name, err)
		}
		dst, err := c.Addrs(in.To)
		if err != nil {
			return nil, bad("-intents %s: %s: to: %v", path, in.Name, err)
		}
		out = append(out, analyze.RequiredFlow{Name: "intent " + in.Name, Src: src, Dst: dst, Protocol: in.Protocol, Ports: in.Ports,
			ICMPType: in.ICMPType, ICMPCode: in.ICMPCode, Reason: in.Reason, Question: in.Kind.Question(in.Protocol)})
	}
	return out, nil
}

// putBackText says, after a group's rule counts, which of its rules are
// original rules put back for required flows and why: the traffic did
// not cover those flows, so rules cut to the traffic alone would fail
// them. "" when none is.
func putBackText(g analyze.GroupChange) string {
	var why []string
	// "1 is an original rule put back", "2 are original rules put back".
	are := func(n int) string {
		if n == 1 {
			return "1 is an original rule"
		}
		return strconv.Itoa(n) + " are original rules"
	}
	if g.Partial > 0 {
		why = append(why, are(g.Partial)+" put back, each cut to what one required flow needs: the traffic did not cover that flow, and it would fail without the rule (marked \"for required flow\")")
	}
	if g.Restored > 0 {
		why = append(why, are(g.Restored)+" put back whole: a required flow needs more than its own addresses and ports, such as an overlay's outer flow (marked \"whole, for required flow\")")
	}
	if len(why) == 0 {
		return ""
	}
	return ", of which " + strings.Join(why, "; ")
}

// putBackMarks returns, per rule of g.New, what ends its line: for a rule
// put back for a required flow (putBackText) `  <- for required flow
// "NAME"` (or "whole, for ..."), "" for the others.
func putBackMarks(g analyze.GroupChange) []string {
	marks := make([]string, len(g.New))
	for _, pb := range g.PutBack {
		m := "  <- for required flow " + strconv.Quote(pb.For)
		if pb.Whole {
			m = "  <- whole, for required flow " + strconv.Quote(pb.For)
		}
		marks[pb.Index] = m
	}
	return marks
}
