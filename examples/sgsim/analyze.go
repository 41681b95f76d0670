package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/intent"
)

// severityGate is -fail-on SEVERITY: it records the worst severity
// reported and says whether the exit status is 1.
type severityGate struct {
	flag     string
	worst    analyze.Severity
	reported bool
}

func (g *severityGate) register(fs *flag.FlagSet, what string) {
	fs.StringVar(&g.flag, "fail-on", "", "exit 1 when anything at or above this `severity` (info, low, medium, high) is reported: "+what)
}

func (g *severityGate) note(s analyze.Severity) {
	if !g.reported || s > g.worst {
		g.worst = s
	}
	g.reported = true
}

// check returns the -fail-on error, a usage error for a bad value.
func (g *severityGate) check() error {
	if g.flag == "" {
		return nil
	}
	s, err := analyze.ParseSeverity(g.flag)
	if err != nil {
		return bad("-fail-on: %v", err)
	}
	if g.reported && g.worst >= s {
		return &failError{"at or above " + s.String()}
	}
	return nil
}

func (g *severityGate) valid() error {
	if g.flag == "" {
		return nil
	}
	if _, err := analyze.ParseSeverity(g.flag); err != nil {
		return bad("-fail-on: %v", err)
	}
	return nil
}

// emit writes out as indented JSON, or text, by the format.
func emit(e *env, out any, text string) error {
	if e.json() {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	_, err := io.WriteString(e.stdout, text)
	return err
}

// lintWith is analyze.LintWith; a test replaces it to see the options
// the flags give.
var lintWith = analyze.LintWith

func init() {
	commands = append(commands, &command{
		name:     "lint",
		short:    "shadowed, conflicting, redundant, over-broad rules, with witnesses",
		synopsis: "[input flags] [-fail-on SEVERITY] [-workers N] [-format text|json|sarif]",
		formats:  []string{"sarif"},
		about: `lints every rule set of the network (the groups attached together to an endpoint, and groups attached to none): shadowed (SG001), conflicting (SG002) and redundant (SG003) rules, ingress allows of everything from everywhere (SG004), rows the vendor marks "Modification recommended" (SG005), references to empty groups (SG006), rules of an address family the group never guards (SG007); each finding with its severity, the rules with their origin, and a witness flow.
Works on any input: a profile (hardened by default: -hardened=false lints the documented default groups), vendor exports with or without -topology, a Terraform plan or state.
-workers N lints each rule set on N goroutines (analyze.LintOptions.Workers); the default, 0, uses every CPU (at most 8) for a set of 2,000 rules or more and one goroutine below that. The findings, their order and witnesses are the same for every N; more workers cost memory (each holds its own cut) and, on fw1-10K, 5-22% more CPU than one for about two-thirds of its wall clock on two cores.
json: {"schema_version": 1, "network", "findings": [{"code", "severity", "set", "message", "rules": [{"group", "index", "id", "rule", "origin"}], "region", "witness"}]}. sarif: SARIF 2.1.0, rule IDs SG001-SG007, levels from severity, the rules' origins as logical locations.`,
		example: `sgsim lint -profile cce-turbo -hardened=false -fail-on medium
prints "== lint cce-turbo/newer/default: 4 finding(s)", among them
"SG001 medium [cce-control] decides no flow ... rule ingress allow tcp 5444 from 192.168.0.0/16 priority 1 id master/table6/2 of group cce-control",
and exits 1 (medium findings).`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			g := &severityGate{}
			g.register(fs, "a finding at its severity")
			workers := fs.Int("workers", 0, "goroutines linting each rule set (analyze.LintOptions.Workers; 0: every CPU, at most 8, for sets of 2,000 rules or more); the same findings for any number")
			return func(e *env) error {
				if err := g.valid(); err != nil {
					return err
				}
				if *workers < 0 {
					return bad("-workers %d: want 0 (every CPU for large sets) or more", *workers)
				}
				n, err := e.load(&e.in)
				if err != nil {
					return err
				}
				var done, total atomic.Int64
				stop := e.prog.count("lint: "+n.Name, "rules", &done, &total)
				fs, err := lintWith(n.Spec, analyze.LintOptions{Workers: *workers,
					Progress: func(d, t int) { done.Store(int64(d)); total.Store(int64(t)) }})
				stop()
				if err != nil {
					return err
				}
				for _, f := range fs {
					g.note(f.Severity)
				}
				var text strings.Builder
				fmt.Fprintf(&text, "== lint %s: %d finding(s)\n", n.Name, len(fs))
				for _, f := range fs {
					text.WriteString(f.String() + "\n")
				}
				if fs == nil {
					fs = []analyze.Finding{}
				}
				out := struct {
					SchemaVersion int               `json:"schema_version"`
					Network       string            `json:"network"`
					Findings      []analyze.Finding `json:"findings"`
				}{1, n.Name, fs}
				if e.format == "sarif" {
					err = emitJSON(e, lintSARIF(n, fs))
				} else {
					err = emit(e, out, text.String())
				}
				if err != nil {
					return err
				}
				return g.check()
			}
		},
	})
	commands = append(commands, &command{
		name:     "diff",
		required: true,
		short:    "what does a change open and close? (-against, or a plan alone)",
		synopsis: "[input flags] [-fail-on SEVERITY] [-intents FILE] [-max-boxes N] [-format text|json|markdown] [-against [input flags]]",
		formats:  []string{"markdown"},
		about: `compares two versions of a network: the exact flows each rule set (attachment list) allows in one and not the other, with witnesses and the deciding rule in each; when both are placed, the required flows lost and the exposure from outside the cluster gained.
The second version is given after -against with the same input flags; it starts from the first one's flags, so only what differs need be given (-against -rules new.json), unless it names another kind of input (-profile, -rules, -plan). Without -against: a profile's default groups against its hardened set, and a Terraform plan's prior state against its planned values ("what does this apply open and close?").
-fail-on: a lost required flow or gained exposure counts as high, any other change as info.
-max-boxes N (default 1000; 0 lists every box): past N boxes for one pair of deciding rules (old, new) in a direction, address family and protocol class (so one pair can be summarized once per class: "allow any" for tcp, udp, icmp, ...), the pair comes out as one summarized change: "REGION, where the old version decides by RULE and the new by RULE (K+ boxes, not listed)" with a witness, in JSON "summarized": true and "boxes_found": K (K and N count the boxes of the diff's cut, before adjacent ones are joined: -max-boxes 0 can list the pair in fewer than K, even fewer than N), REGION the box around the flows both rules match (it holds the change, the rules define it), and a line counts them (text: after the sets; markdown: before them) and says that -max-boxes 0 lists every box; the diff then leaves out the parts of its cut where only such pairs can change, which makes diffs of 10,000-rule firewall sets finish.
-intents FILE checks an intent file against both versions (both must be placed) and reports the intents the new version fails, with their status before: "which intents does this change break?"; each counts as high.
json: {"schema_version": 1, "old", "new", "sets": [{"set", "endpoints", "diff": {"added": [CHANGE], "removed": [CHANGE]}}], "summary": {"lost": [{"flow", "regions", "witness"}], "exposure": [{"to", "protocol", "region", "witness"}]}, "intents": [{"name", "kind", "line", "before", "after", "witness", "decided_at"}]}, CHANGE being {"direction", "others", "region", "witness", "old": RULE, "new": RULE, "summarized", "boxes_found"} and RULE {"group", "index", "id", "rule", "origin"} (absent: the default deny). markdown: a pull-request comment.`,
		example: `sgsim diff -plan examples/sgsim/testdata/terraform/plan.json -fail-on info
prints "== diff terraform plan's prior state -> terraform plan", then per rule set the regions added (+) and removed (-):
the SSH rule goes from the office range to everywhere, "+ ingress tcp 0.0.0.0-203.0.112.255 -> 0.0.0.0/0 dport 22 (default deny -> sg-0a1b2c3d4e5f60001 rule 1)";
exits 1, since something changed (-fail-on high: only if a required flow is lost or exposure gained, which needs -nics or -topology).`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			g := &severityGate{}
			g.register(fs, "a lost required flow or gained exposure is high, any other change info")
			var intents string
			fs.StringVar(&intents, "intents", "", "intent `FILE` checked against both versions: the intents the new version fails are reported (high for -fail-on)")
			maxBoxes := fs.Int("max-boxes", analyze.DefaultMaxBoxes, "boxes listed per pair of deciding rules before the pair is summarized (`N`; 0: list every box)")
			return func(e *env) error {
				if err := g.valid(); err != nil {
					return err
				}
				if *maxBoxes < 0 {
					return bad("-max-boxes: %d is negative: give 0 to list every box, or a number of boxes", *maxBoxes)
				}
				return diffRun(e, g, intents, *maxBoxes)
			}
		},
	})
	commands = append(commands, &command{
		name:     "fix",
		required: true,
		short:    "the smallest verified rules that let failing required flows pass",
		synopsis: "[input flags] [-fail-on SEVERITY] [-format text|json]",
		about: `proposes, for each required flow the network does not fully permit, the smallest rules to add so that it passes: which group, where in the vendor's order, the rule, and the denial it lifts; each fix is verified (the network rebuilt and re-asked, and the group-level diff checked to add only flows inside the new rules). Then the fixes in the vendor's API form.
The required flows are a profile's own, or, with -rules or -plan, those of the profile -require names. -fail-on: a required flow that needs a fix counts as high.
json: {"schema_version": 1, "network", "fixes": [{"flow", "fixes": [{"id", "endpoint", "group", "hop", "rule", "denied_by"}], "passes", "newly_allowed": [...]}], "api": [{"name", "text"}], "notes"}.`,
		example: `sgsim fix -profile cce-tunnel
prints "== fix cce-tunnel/newer/hardened: 3 required flow(s) fail", each with its rule, such as
"ingress allow tcp 6443 from 192.168.0.0/24 priority 1" into cce-control, "verified: the flow passes",
and the fixes in huawei API form, a ListSecurityGroupRules document.`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			g := &severityGate{}
			g.register(fs, "a required flow that needs a fix is high")
			return func(e *env) error {
				if err := g.valid(); err != nil {
					return err
				}
				return fixRun(e, g)
			}
		},
	})
}

func fixRun(e *env, g *severityGate) error {
	n, err := e.load(&e.in)
	if err != nil {
		return err
	}
	if len(n.Required) == 0 {
		return bad("fix of -%s needs -require PROFILE: the profile whose required flows (with the cluster flags' addressing) to fix", e.in.Kind())
	}
	if !n.Placed() {
		return bad("-%s needs -topology FILE: without it no group sits on any address", e.in.Kind())
	}
	stop := e.prog.phase("fix: " + n.Name)
	rs, err := analyze.MinimalFixes(n.Spec, n.Required)
	stop()
	if err != nil {
		return err
	}
	if len(rs) > 0 {
		g.note(analyze.High)
	}
	api := vendorForm(n.Spec, rs, "the fixes", "one record per rule to create")
	out := struct {
		SchemaVersion int                 `json:"schema_version"`
		Network       string              `json:"network"`
		Fixes         []analyze.FixResult `json:"fixes"`
		API           []apiDoc            `json:"api"`
		Notes         []string            `json:"notes"`
	}{1, n.Name, rs, api.docs, api.notes}
	if out.Fixes == nil {
		out.Fixes = []analyze.FixResult{}
	}
	var text strings.Builder
	fmt.Fprintf(&text, "== fix %s: %d required flow(s) fail\n", n.Name, len(rs))
	for _, r := range rs {
		text.WriteString(r.String() + "\n")
	}
	text.WriteString(api.text)
	if err := emit(e, out, text.String()); err != nil {
		return err
	}
	return g.check()
}

// diffRun compares the two inputs (load.Versions for one) and prints the
// exact group-level diff of every attachment list, then the required
// flows lost and the exposure gained.
func diffRun(e *env, g *severityGate, intentsFile string, maxBoxes int) error {
	var oldN, newN *load.Network
	var err error
	if e.against != nil {
		// The second input's errors say so: "-rules needs -vendor"
		// alone reads as the first input's.
		if newN, err = e.load(e.against); err != nil {
			err = bad("-against: %v", err)
		} else {
			oldN, err = e.load(&e.in)
		}
	} else {
		s := e.in
		if s.Kind() == "" {
			s.Profile = "cce-tunnel"
		}
		if s.Kind() == "rules" {
			return bad("diff of -rules needs -against: the second version (-against -rules NEW.json)")
		}
		if s.Kind() == "profile" && !s.Hardened {
			return bad("-hardened=false: diff without -against compares the profile's default groups with its hardened set, both (-against -hardened=false compares the other way)")
		}
		oldN, newN, err = load.Versions(s)
		if err == nil {
			for _, w := range append(oldN.Warnings, newN.Warnings...) {
				fmt.Fprintln(e.stderr, "sgsim "+e.cmd+": warning:", w)
			}
			e.notes(oldN)
			e.notes(newN)
		}
	}
	if err != nil {
		return badErr(err)
	}
	if oldN.Spec.Cloud != newN.Spec.Cloud {
		return bad("cannot diff %s (%s semantics) against %s (%s)", oldN.Name, oldN.Spec.Cloud, newN.Name, newN.Spec.Cloud)
	}
	var done, total atomic.Int64
	stop := e.prog.count("diff: "+oldN.Name+" -> "+newN.Name, "parts", &done, &total)
	res, err := load.CompareWith(oldN, newN, load.CompareOptions{MaxBoxes: maxBoxes,
		Progress: func(d, t int) { done.Store(int64(d)); total.Store(int64(t)) }})
	stop()
	if err != nil {
		return err
	}
	for _, s := range res.Sets {
		if !s.Diff.IsEmpty() {
			g.note(analyze.Info)
		}
	}
	if res.Summary != nil && (len(res.Summary.Lost) > 0 || len(res.Summary.Exposure) > 0) {
		g.note(analyze.High)
	}
	var ics []intentChange
	if intentsFile != "" {
		if ics, err = diffIntents(e, intentsFile, oldN, newN); err != nil {
			return err
		}
		for _, c := range ics {
			if c.New.Status != intent.Pass {
				g.note(analyze.High)
			}
		}
	}
	out := struct {
		SchemaVersion int `json:"schema_version"`
		load.Diff
		Intents []intentChangeJSON `json:"intents,omitempty"`
	}{1, res, intentChangesJSON(ics)}
	if e.format == "markdown" {
		err = emit(e, nil, diffMarkdown(res)+intentsMarkdown(ics))
	} else {
		err = emit(e, out, diffText(res)+intentsText(ics))
	}
	if err != nil {
		return err
	}
	return g.check()
}

// diffText is the text form of a diff.
func diffText(res load.Diff) string {
	var text strings.Builder
	fmt.Fprintf(&text, "== diff %s -> %s\n", res.Old, res.New)
	for _, sd := range res.Sets {
		d := sd.Diff
		on := "attached to no endpoint"
		if len(sd.Endpoints) > 0 {
			on = strings.Join(sd.Endpoints, ", ")
		}
		fmt.Fprintf(&text, "-- %s (%s): %d region(s) added, %d removed\n", sd.Set, on, len(d.Added), len(d.Removed))
		line := func(sign string, c analyze.Change) {
			who := func(r *analyze.RuleRef) string {
				switch {
				case r == nil:
					return "default deny"
				case r.ID == "":
					return fmt.Sprintf("%s rule %d", r.Group, r.Index+1)
				}
				return r.Group + "/" + r.ID
			}
			fmt.Fprintf(&text, "  %s %s %s (%s -> %s)\n", sign, c.Direction, c.RegionText, who(c.Old), who(c.New))
			if c.Summarized {
				// Its boxes are not listed: a flow to test it by.
				fmt.Fprintf(&text, "    witness %s\n", c.WitnessText)
			}
		}
		for _, c := range d.Added {
			line("+", c)
		}
		for _, c := range d.Removed {
			line("-", c)
		}
	}
	if n := summarizedChanges(res); n > 0 {
		fmt.Fprintf(&text, "-- %d change(s) summarized, their boxes not listed: -max-boxes 0 lists every box\n", n)
	}
	if sum := res.Summary; sum != nil {
		fmt.Fprintf(&text, "-- required flows and exposure: %d lost, %d exposed region(s)\n", len(sum.Lost), len(sum.Exposure))
		text.WriteString(sum.String())
	}
	return text.String()
}

// summarizedChanges counts the summarized changes of a diff (past
// -max-boxes boxes of one deciding-rule pair), for the note that says
// how to list their boxes.
func summarizedChanges(res load.Diff) int {
	n := 0
	for _, sd := range res.Sets {
		for _, cs := range [][]analyze.Change{sd.Diff.Added, sd.Diff.Removed} {
			for i := range cs {
				if cs[i].Summarized {
					n++
				}
			}
		}
	}
	return n
}

// apiDoc is one vendor API document in JSON output.
type apiDoc struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// vendorAPI is rule sets in the vendor's API form, for fix and tighten:
// the documents and notes for JSON (never nil), and the text that ends
// the text output (each document after a line naming it, then the notes).
type vendorAPI struct {
	docs  []apiDoc
	notes []string
	text  string
}

// vendorForm writes rs in the vendor's API form (load.FixDocuments);
// what and per name the documents' content in their heading ("the
// fixes", "one record per rule to create"). A set the vendor form cannot
// hold is a note, not an error: the rules are printed above it.
func vendorForm(spec sgsim.NetworkSpec, rs []analyze.FixResult, what, per string) vendorAPI {
	docs, notes, err := load.FixDocuments(spec, rs)
	if err != nil {
		notes = append(notes, "no vendor form: "+err.Error())
	}
	v := vendorAPI{docs: []apiDoc{}, notes: append([]string{}, notes...)}
	var text strings.Builder
	for _, d := range docs {
		v.docs = append(v.docs, apiDoc{d.Name, string(d.Text)})
		fmt.Fprintf(&text, "%s in %s API form, a %s document (%s):\n", what, load.VendorOf(spec.Cloud), d.Name, per)
		text.Write(d.Text)
	}
	for _, note := range notes {
		text.WriteString("note: " + note + "\n")
	}
	v.text = text.String()
	return v
}
