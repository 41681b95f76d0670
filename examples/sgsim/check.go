package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/intent"
)

// checkSchemaVersion is the version of check's JSON output; it changes
// only when a field changes meaning or goes away.
const checkSchemaVersion = 1

func init() {
	commands = append(commands, &command{
		name:     "check",
		short:    "check an intent file: what must be allowed, denied, answered",
		synopsis: "-intents FILE [input flags] [-fail-on fail|unknown] [-format text|json|sarif|markdown]",
		formats:  []string{"sarif", "markdown"},
		about: `checks every intent of an intent file (YAML or JSON: must_allow, must_deny, must_be_answerable entries; package sgsim/intent documents the format) exactly against the network, with one range query per intent: pass, or FAIL with a witness flow, the hop and the rule that decides it and the rule's origin; unknown when the answer depends on rules a Terraform plan leaves out until apply (the groups it names). An intent naming an endpoint the network does not have is bad input (exit 2).
must_allow: every flow works (TCP and SCTP: the connection, replies included; other protocols: the packet is delivered). must_deny: no packet is delivered. must_be_answerable: every flow is delivered and its reply gets back (DNS through stateless ACLs).
-fail-on fail exits 1 when any intent fails; -fail-on unknown also when any is unknown.
json: {"schema_version": 1, "network", "intents_file", "summary": {"pass", "fail", "unknown"}, "results": [{"name", "kind", "reason", "line", "path", "from", "to", "src", "dst", "protocol", "ports", "icmp_type", "icmp_code", "question", "status", "outcome", "witness", "hop", "where", "action", "group", "rule_id", "rule", "origin", "terraform_address", "uncertain": {group: why}, "trace"}]}; the witness fields are empty for a pass. sarif: the failed and unknown intents at their line of the intent file, located by a URI relative to %SRCROOT% (the working directory, given in originalUriBaseIds) when the file is inside the working directory, else by its absolute file:// URI: run from the repository's root for code scanning.`,
		example: `sgsim check -intents cce.yaml -fail-on fail
with cce.yaml holding
  must_allow:
    - {name: kube-apiserver 6443 from nodes, from: nodes, to: masters, protocol: tcp, ports: 6443}
prints, for the main job's network (profile cce-tunnel, hardened), and exits 1:
  == cce-tunnel/newer/hardened: 1 intents: 0 pass, 1 fail, 0 unknown
  FAIL    must_allow kube-apiserver 6443 from nodes: nodes -> masters tcp 6443
    witness: tcp 192.168.0.1:1024 -> 192.168.1.1:6443
    decided at destination ingress [masters]: deny: no rule matched: default deny`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			o := &checkOptions{}
			fs.StringVar(&o.file, "intents", "", "intent `FILE` (YAML or JSON)")
			fs.StringVar(&o.failOn, "fail-on", "", "exit 1 when an intent's status is at or above `fail|unknown`: fail (any failure) or unknown (any failure or unknown)")
			return func(e *env) error { return checkRun(e, o) }
		},
	})
}

type checkOptions struct {
	file, failOn string
}

// readIntents reads and parses an intent file, as bad input on error.
func readIntents(e *env, name string) (intent.File, error) {
	read := os.ReadFile
	if e.in.ReadFile != nil {
		read = e.in.ReadFile
	}
	data, err := read(name)
	if err != nil {
		return intent.File{}, bad("-intents: %v", err)
	}
	f, err := intent.Read(data)
	if err != nil {
		return intent.File{}, bad("-intents %s: %v", name, err)
	}
	return f, nil
}

// checkIntents loads the input and checks the intents of the file;
// intents that cannot be asked are bad input.
func checkIntents(e *env, file string) (*load.Network, []intent.Result, error) {
	f, err := readIntents(e, file)
	if err != nil {
		return nil, nil, err
	}
	n, err := e.loadPlaced(&e.in)
	if err != nil {
		return nil, nil, err
	}
	c := intent.Checker{Net: n.Net, Endpoints: n.Spec.Endpoints, Uncertain: n.Uncertain()}
	rs := c.CheckAll(f)
	var errs []string
	for _, r := range rs {
		if r.Status == intent.Errored {
			errs = append(errs, fmt.Sprintf("line %d: %s %q: %v", r.Intent.Line, r.Intent.Path, r.Intent.Name, r.Err))
		}
	}
	if len(errs) > 0 {
		return nil, nil, bad("-intents %s: %s", file, strings.Join(errs, "; "))
	}
	return n, rs, nil
}

func checkRun(e *env, o *checkOptions) error {
	if o.file == "" {
		return bad("check needs -intents FILE")
	}
	if o.failOn != "" && o.failOn != "fail" && o.failOn != "unknown" {
		return bad("-fail-on %q: want fail or unknown", o.failOn)
	}
	n, rs, err := checkIntents(e, o.file)
	if err != nil {
		return err
	}
	counts := map[intent.Status]int{}
	for _, r := range rs {
		counts[r.Status]++
	}
	switch e.format {
	case "sarif":
		root, err := os.Getwd()
		if err != nil {
			root = "" // every location an absolute file:// URI
		}
		if err := emitJSON(e, checkSARIF(o.file, root, rs)); err != nil {
			return err
		}
	case "markdown":
		if err := emit(e, nil, checkMarkdown(n, o.file, rs, counts)); err != nil {
			return err
		}
	case "json":
		if err := emit(e, checkJSON(n, o.file, rs, counts), ""); err != nil {
			return err
		}
	default:
		if err := emit(e, nil, checkText(n, rs, counts)); err != nil {
			return err
		}
	}
	if o.failOn != "" && counts[intent.Fail] > 0 || o.failOn == "unknown" && counts[intent.Unknown] > 0 {
		return &failError{"intents fail"}
	}
	return nil
}

func statusWord(s intent.Status) string {
	if s == intent.Fail {
		return "FAIL"
	}
	return s.String()
}

func checkText(n *load.Network, rs []intent.Result, counts map[intent.Status]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s: %d intents: %d pass, %d fail, %d unknown\n", n.Name, len(rs), counts[intent.Pass], counts[intent.Fail], counts[intent.Unknown])
	for _, r := range rs {
		fmt.Fprintf(&b, "%-7s %s\n", statusWord(r.Status), r.Intent)
		if r.Status == intent.Unknown {
			for _, g := range r.Uncertain {
				fmt.Fprintf(&b, "  depends on group %s: %s\n", g, n.Uncertain()[g])
			}
		}
		if !r.Witness.IsValid() {
			continue
		}
		fmt.Fprintf(&b, "  witness: %s\n", r.Witness)
		if st, ok := r.Decider(); ok {
			fmt.Fprintf(&b, "  decided at %s\n", st) // the rule's text ends with its origin
		} else {
			fmt.Fprintf(&b, "  no security group or network ACL on its path\n")
		}
		if r.Intent.Reason != "" {
			fmt.Fprintf(&b, "  reason: %s\n", r.Intent.Reason)
		}
	}
	return b.String()
}

func ruleOrigin(st sgsim.Step) string {
	if st.Verdict.Rule == nil || st.Verdict.Rule.Origin.IsZero() {
		return ""
	}
	return st.Verdict.Rule.Origin.String()
}

// checkResultJSON is one intent's result in check's JSON output.
type checkResultJSON struct {
	Name      string            `json:"name"`
	Kind      string            `json:"kind"`
	Reason    string            `json:"reason,omitempty"`
	Line      int               `json:"line"`
	Path      string            `json:"path"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Src       string            `json:"src"`
	Dst       string            `json:"dst"`
	Protocol  string            `json:"protocol"`
	Ports     string            `json:"ports,omitempty"`
	ICMPType  *int              `json:"icmp_type,omitempty"`
	ICMPCode  *int              `json:"icmp_code,omitempty"`
	Question  string            `json:"question"`
	Status    string            `json:"status"`
	Outcome   string            `json:"outcome"` // the range query's outcome for the question asked: all, some, none
	Witness   string            `json:"witness,omitempty"`
	Hop       string            `json:"hop,omitempty"`
	Where     string            `json:"where,omitempty"`
	Action    string            `json:"action,omitempty"`
	Group     string            `json:"group,omitempty"`
	RuleID    string            `json:"rule_id,omitempty"`
	Rule      string            `json:"rule,omitempty"`
	Origin    string            `json:"origin,omitempty"`
	Address   string            `json:"terraform_address,omitempty"`
	Uncertain map[string]string `json:"uncertain,omitempty"`
	Trace     *traceJSON        `json:"trace,omitempty"`
}

func checkJSON(n *load.Network, file string, rs []intent.Result, counts map[intent.Status]int) any {
	out := struct {
		SchemaVersion int               `json:"schema_version"`
		Network       string            `json:"network"`
		File          string            `json:"intents_file"`
		Summary       map[string]int    `json:"summary"`
		Results       []checkResultJSON `json:"results"`
	}{SchemaVersion: checkSchemaVersion, Network: n.Name, File: file, Results: []checkResultJSON{},
		Summary: map[string]int{"pass": counts[intent.Pass], "fail": counts[intent.Fail], "unknown": counts[intent.Unknown]}}
	uncertain := n.Uncertain()
	for _, r := range rs {
		in := r.Intent
		j := checkResultJSON{Name: in.Name, Kind: in.Kind.String(), Reason: in.Reason, Line: in.Line, Path: in.Path,
			From: in.From, To: in.To, Src: r.Src.String(), Dst: r.Dst.String(), Protocol: in.Protocol.String(),
			Question: r.Query.Question.String(), Status: r.Status.String(), Outcome: r.Reach.Outcome.String()}
		if in.Kind == intent.MustDeny {
			j.Outcome = r.Reach.Delivered.String()
		}
		if in.Ports != nil {
			j.Ports = in.Ports.String()
		}
		if in.Protocol.IsICMP() {
			t, c := int(r.Query.ICMPType), int(r.Query.ICMPCode)
			j.ICMPType, j.ICMPCode = &t, &c
		}
		for _, g := range r.Uncertain {
			if j.Uncertain == nil {
				j.Uncertain = map[string]string{}
			}
			j.Uncertain[g] = uncertain[g]
		}
		if r.Witness.IsValid() {
			j.Witness = r.Witness.String()
			t := traceOf(r.Trace)
			j.Trace = &t
			if st, ok := r.Decider(); ok {
				j.Hop, j.Where, j.Action, j.Group = st.Hop.String(), st.Where, st.Verdict.Action.String(), st.Verdict.Group
				if ru := st.Verdict.Rule; ru != nil {
					j.RuleID, j.Rule, j.Origin = ru.ID, ru.String(), ruleOrigin(st)
					j.Address = terraformAddress(ru.Origin)
				}
			}
		}
		out.Results = append(out.Results, j)
	}
	return out
}

// terraformAddress is the resource address of a rule read from a
// Terraform plan or state (package terraform sets Origin.Document to
// "terraform plan" or "terraform state" and Origin.Path to the address),
// "" for other rules.
func terraformAddress(o sgsim.Origin) string {
	if o.Document == "terraform plan" || o.Document == "terraform state" {
		return o.Path
	}
	return ""
}

// writeIntentsRun writes the required flows of the input (a profile's
// catalogue, or -require's) as an intent file.
func writeIntentsRun(e *env, file string) error {
	if e.in.Kind() == "" {
		return bad("-write-intents needs -profile NAME (or -rules or -plan with -require NAME): the profile whose required flows to write")
	}
	if e.in.Kind() != "profile" && e.in.Require == "" {
		return bad("-write-intents of -%s needs -require PROFILE: the profile whose required flows (with the cluster flags' addressing) to write", e.in.Kind())
	}
	n, err := e.load(&e.in)
	if err != nil {
		return err
	}
	f, err := intent.FromRequired(n.Required, n.Spec.Endpoints)
	if err != nil {
		return fmt.Errorf("-write-intents: %w", err)
	}
	w := e.stdout
	if file != "-" {
		out, err := os.Create(file)
		if err != nil {
			return bad("-write-intents: %v", err)
		}
		defer out.Close()
		w = out
	}
	if err := intent.Write(w, f); err != nil {
		return bad("-write-intents: %v", err)
	}
	if c, ok := w.(*os.File); ok && file != "-" {
		if err := c.Close(); err != nil {
			return bad("-write-intents: %v", err)
		}
	}
	return nil
}

// intentChange is one intent's result before and after a change.
type intentChange struct {
	Old, New intent.Result
}

// diffIntents checks the intent file against both versions of a diff and
// returns the intents the new version does not pass.
func diffIntents(e *env, file string, oldN, newN *load.Network) ([]intentChange, error) {
	f, err := readIntents(e, file)
	if err != nil {
		return nil, err
	}
	if !oldN.Placed() || !newN.Placed() {
		return nil, bad("-intents needs both versions placed on endpoints (-nics or -topology for exports and plans)")
	}
	check := func(n *load.Network) ([]intent.Result, error) {
		c := intent.Checker{Net: n.Net, Endpoints: n.Spec.Endpoints, Uncertain: n.Uncertain()}
		rs := c.CheckAll(f)
		for _, r := range rs {
			if r.Status == intent.Errored {
				return nil, bad("-intents %s: line %d: %s %q in %s: %v", file, r.Intent.Line, r.Intent.Path, r.Intent.Name, n.Name, r.Err)
			}
		}
		return rs, nil
	}
	olds, err := check(oldN)
	if err != nil {
		return nil, err
	}
	news, err := check(newN)
	if err != nil {
		return nil, err
	}
	var out []intentChange
	for i := range news {
		if news[i].Status != intent.Pass {
			out = append(out, intentChange{Old: olds[i], New: news[i]})
		}
	}
	if out == nil {
		out = []intentChange{}
	}
	return out, nil
}

type intentChangeJSON struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Line    int    `json:"line"`
	Before  string `json:"before"`
	After   string `json:"after"`
	Witness string `json:"witness,omitempty"`
	At      string `json:"decided_at,omitempty"`
}

func intentChangesJSON(ics []intentChange) []intentChangeJSON {
	if ics == nil {
		return nil
	}
	out := []intentChangeJSON{}
	for _, c := range ics {
		j := intentChangeJSON{Name: c.New.Intent.Name, Kind: c.New.Intent.Kind.String(), Line: c.New.Intent.Line,
			Before: c.Old.Status.String(), After: c.New.Status.String()}
		if c.New.Witness.IsValid() {
			j.Witness = c.New.Witness.String()
		}
		if st, ok := c.New.Decider(); ok {
			j.At = st.String()
		}
		out = append(out, j)
	}
	return out
}

func intentsText(ics []intentChange) string {
	if ics == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- intents: %d not passing after the change\n", len(ics))
	for _, c := range ics {
		fmt.Fprintf(&b, "%s -> %s  %s\n", c.Old.Status, c.New.Status, c.New.Intent)
		if c.New.Witness.IsValid() {
			fmt.Fprintf(&b, "  witness: %s\n", c.New.Witness)
		}
		if st, ok := c.New.Decider(); ok {
			fmt.Fprintf(&b, "  decided at %s\n", st)
		}
	}
	return b.String()
}
