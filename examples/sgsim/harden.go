package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
)

func init() {
	commands = append(commands, &command{
		name:     "harden",
		required: true,
		short:    "check rule sets against the flows the cluster needs",
		synopsis: "[input flags] [-findings-only] [-fail-on-finding] [-format text|json] [-write-intents FILE]",
		about: `checks rule sets against the flows the cluster needs, and prints each required flow's verdict and the findings: the required flows a rule set fails, each with a witness packet and the hop and rule that drop it.
With no input it checks every vendor profile (example addressing; -revision picks the CCE seed revision), each with its documented default groups and its hardened set; with -profile NAME, that profile (with the cluster flags' addressing), both ways. With -rules or -plan it checks that network, placed by -nics or -topology, against the required flows of the profile -require names, addressed by the cluster flags.
json: {"schema_version": 1, "checks": [{"name", "required": [{"flow", "kind", "from", "to", "src", "dst", "protocol", "ports", "verdicts": {"default", "hardened"} or {"verdict"}}], "findings": [{"network", "flow", "outcome", "witness", "dropped_at", "trace", "reason", "source"}]}], "findings": N}.
-write-intents FILE writes those required flows as an intent file instead (sgsim check -intents FILE gives the same pass or fail for each as harden does).`,
		example: `sgsim harden -profile cce-tunnel -findings-only
prints "== cce-tunnel/newer: 32 required flows, 4 findings" and, among them,
"finding: cce-tunnel/newer/default: t8 tcp 6443 to masters (vendor): none allowed; witness tcp 192.168.0.1:1024 -> 192.168.1.1:6443; dropped at destination ingress [masters] ..."`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			var fail, quiet bool
			var write string
			fs.BoolVar(&fail, "fail-on-finding", false, "exit 1 when any finding is reported")
			fs.BoolVar(&quiet, "findings-only", false, "print only the findings")
			fs.StringVar(&write, "write-intents", "", "write the required flows of -profile (or -require) as an intent `FILE` for sgsim check, instead of checking them (- for stdout)")
			return func(e *env) error {
				if write != "" {
					// It writes a file and checks nothing: flags about the
					// check would be silently ignored.
					for _, f := range []string{"fail-on-finding", "findings-only", "format"} {
						if e.given[f] {
							return bad("-%s does not apply to -write-intents, which writes the required flows and checks nothing", f)
						}
					}
					return writeIntentsRun(e, write)
				}
				return hardenRun(e, fail, quiet)
			}
		},
	})
}

// checked is one checked rule set or profile: its name, the required
// flows and the networks checked (the default groups and the hardened
// set of a profile; one network of exports or a plan).
type checked struct {
	name     string
	required []provider.RequiredFlow
	settings []string // "default", "hardened"; or the network's name
	results  [][]provider.Result
	findings []provider.Finding
}

func hardenRun(e *env, fail, quiet bool) error {
	stop := e.prog.phase("harden: checking the required flows")
	defer stop()
	var list []checked
	switch e.in.Kind() {
	case "", "profile":
		if !e.in.Hardened {
			return bad("-hardened=false: harden checks a profile's default groups and its hardened set, both")
		}
		profiles := load.Profiles
		if e.in.Kind() == "profile" {
			profiles = []string{e.in.Profile}
		}
		for _, name := range profiles {
			c := checked{settings: []string{"default", "hardened"}}
			for _, hardened := range []bool{false, true} {
				s := e.in
				s.Profile, s.Hardened = name, hardened
				n, err := e.load(&s)
				if err != nil {
					return err
				}
				base, _ := strings.CutSuffix(n.Name, "/"+c.settings[btoi(hardened)])
				c.name, c.required = base, n.Required
				rs := provider.Check(n.Net, n.Required)
				c.results = append(c.results, rs)
				c.findings = append(c.findings, provider.Findings(n.Name, rs)...)
			}
			list = append(list, c)
		}
	default:
		if e.in.Require == "" {
			return bad("harden of -%s needs -require PROFILE: the profile whose required flows (with the cluster flags' addressing) to check", e.in.Kind())
		}
		n, err := e.loadPlaced(&e.in)
		if err != nil {
			return err
		}
		rs := provider.Check(n.Net, n.Required)
		list = append(list, checked{name: n.Name, required: n.Required, settings: []string{"verdict"},
			results: [][]provider.Result{rs}, findings: provider.Findings(n.Name, rs)})
	}
	stop()
	total := 0
	for _, c := range list {
		total += len(c.findings)
	}
	if e.json() {
		if err := writeHardenJSON(e, list); err != nil {
			return err
		}
	} else {
		w := e.stdout
		for _, c := range list {
			fmt.Fprintf(w, "== %s: %d required flows, %d findings\n", c.name, len(c.required), len(c.findings))
			if !quiet {
				for _, s := range c.settings {
					fmt.Fprintf(w, "%-9s ", s)
				}
				fmt.Fprintf(w, "%-11s %s\n", "kind", "required flow")
				for i, f := range c.required {
					for _, rs := range c.results {
						fmt.Fprintf(w, "%-9s ", verdict(rs[i]))
					}
					fmt.Fprintf(w, "%-11s %s\n", f.Kind, describe(f))
				}
			}
			for _, f := range c.findings {
				fmt.Fprintf(w, "finding: %s\n", f)
				if !quiet {
					fmt.Fprintf(w, "  reason: %s\n  source: %s\n", f.Flow.Reason, originOr(f.Flow.Origin))
				}
			}
			fmt.Fprintln(w)
		}
	}
	if fail && total > 0 {
		return &failError{"findings"}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeHardenJSON writes the checks as one JSON document.
func writeHardenJSON(e *env, list []checked) error {
	type result struct {
		Flow     string            `json:"flow"`
		Kind     string            `json:"kind"`
		From     string            `json:"from"`
		To       string            `json:"to"`
		Src      string            `json:"src"`
		Dst      string            `json:"dst"`
		Protocol string            `json:"protocol"`
		Ports    string            `json:"ports,omitempty"`
		Verdicts map[string]string `json:"verdicts"`
	}
	type finding struct {
		Network   string    `json:"network"`
		Flow      string    `json:"flow"`
		Outcome   string    `json:"outcome"`
		Witness   string    `json:"witness"`
		DroppedAt string    `json:"dropped_at"`
		Trace     traceJSON `json:"trace"`
		Reason    string    `json:"reason"`
		Source    string    `json:"source"`
	}
	type check struct {
		Name     string    `json:"name"`
		Required []result  `json:"required"`
		Findings []finding `json:"findings"`
	}
	out := struct {
		SchemaVersion int     `json:"schema_version"`
		Checks        []check `json:"checks"`
		Findings      int     `json:"findings"`
	}{SchemaVersion: 1, Checks: []check{}}
	for _, c := range list {
		ch := check{Name: c.name, Required: []result{}, Findings: []finding{}}
		for i, f := range c.required {
			r := result{Flow: f.Name, Kind: f.Kind.String(), From: f.From, To: f.To, Src: f.Src.String(), Dst: f.Dst.String(),
				Protocol: f.Protocol.String(), Verdicts: map[string]string{}}
			if f.Ports != nil {
				r.Ports = f.Ports.String()
			}
			for j, s := range c.settings {
				r.Verdicts[s] = verdict(c.results[j][i])
			}
			ch.Required = append(ch.Required, r)
		}
		for _, f := range c.findings {
			ch.Findings = append(ch.Findings, finding{Network: f.Profile, Flow: f.Flow.Name, Outcome: f.Outcome.String(),
				Witness: f.Witness.String(), DroppedAt: droppedAt(f.Trace), Trace: traceOf(f.Trace),
				Reason: f.Flow.Reason, Source: originOr(f.Flow.Origin)})
		}
		out.Findings += len(c.findings)
		out.Checks = append(out.Checks, ch)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func verdict(r provider.Result) string {
	switch {
	case r.Err != nil:
		return "error"
	case r.Passed():
		return "pass"
	}
	return "FAIL(" + r.Reach.Outcome.String() + ")"
}

func describe(f provider.RequiredFlow) string {
	p := f.Protocol.String()
	if f.Ports != nil {
		p += " " + f.Ports.String()
	}
	return fmt.Sprintf("%s: %s %s -> %s %s %s", f.Name, f.From, f.Src, f.To, f.Dst, p)
}

func originOr(o sgsim.Origin) string {
	if o.IsZero() {
		return "Kubernetes network model"
	}
	return o.String()
}
