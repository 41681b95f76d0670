package main

import (
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/intent"
)

// -format markdown: summaries fit for a pull-request comment (GitHub
// flavoured Markdown tables), the problems first and the rest folded.

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.Join(strings.Fields(s), " ")
}

// code is text in a code span.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(cell(s), "`", "'") + "`"
}

func checkMarkdown(n *load.Network, file string, rs []intent.Result, counts map[intent.Status]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### sgsim check: %s\n\n", n.Name)
	bad := counts[intent.Fail] + counts[intent.Unknown]
	switch {
	case counts[intent.Fail] > 0:
		fmt.Fprintf(&b, "**%d of %d intents fail** (%d pass, %d unknown until apply); intents from %s.\n\n", counts[intent.Fail], len(rs), counts[intent.Pass], counts[intent.Unknown], code(file))
	case bad > 0:
		fmt.Fprintf(&b, "**%d of %d intents are unknown until apply**, %d pass; intents from %s.\n\n", counts[intent.Unknown], len(rs), counts[intent.Pass], code(file))
	default:
		fmt.Fprintf(&b, "All %d intents pass; intents from %s.\n\n", len(rs), code(file))
	}
	if bad > 0 {
		b.WriteString("| Status | Intent | Kind | Flows | Witness | Decided at | Rule origin |\n|---|---|---|---|---|---|---|\n")
		for _, r := range rs {
			if r.Status == intent.Pass {
				continue
			}
			in := r.Intent
			status := "**FAIL**"
			if r.Status == intent.Unknown {
				status = "unknown (" + cell(strings.Join(r.Uncertain, ", ")) + ")"
			}
			witness, at, origin := "", "", ""
			if r.Witness.IsValid() {
				witness = code(r.Witness.String())
				if st, ok := r.Decider(); ok {
					at = cell(st.Hop.String() + " [" + st.Where + "]: " + st.Verdict.Action.String())
					if st.Verdict.Rule != nil {
						at += " by " + code(st.Verdict.Rule.String())
						origin = cell(ruleOrigin(st))
					} else if st.Note == "" {
						at += " (no rule matched)"
					}
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", status, cell(in.Name), in.Kind, cell(intentFlows(in)), witness, at, origin)
		}
		b.WriteString("\n")
	}
	if counts[intent.Pass] > 0 {
		fmt.Fprintf(&b, "<details><summary>%d intents pass</summary>\n\n", counts[intent.Pass])
		for _, r := range rs {
			if r.Status == intent.Pass {
				fmt.Fprintf(&b, "- %s (%s): %s\n", cell(r.Intent.Name), r.Intent.Kind, cell(intentFlows(r.Intent)))
			}
		}
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

// intentFlows is an intent's space: "nodes -> masters tcp 6443".
func intentFlows(in intent.Intent) string {
	s := in.String()
	return strings.TrimPrefix(s, in.Kind.String()+" "+in.Name+": ")
}

func exposureMarkdown(n *load.Network, sources sgsim.Addrs, xs []analyze.Exposed) string {
	var b strings.Builder
	c := sevCounts(xs)
	fmt.Fprintf(&b, "### sgsim exposure: %s\n\n", n.Name)
	if len(xs) == 0 {
		fmt.Fprintf(&b, "Nothing is reachable from outside (%s).\n", code(sources.String()))
		return b.String()
	}
	fmt.Fprintf(&b, "**%d openings to the outside**: %d high, %d medium, %d low, %d info. Outside: %s.\n\n",
		len(xs), c["high"], c["medium"], c["low"], c["info"], code(sources.String()))
	b.WriteString("| Severity | Endpoint | Open | From | Let in by | Rule origin |\n|---|---|---|---|---|---|\n")
	for _, x := range xs {
		src := code(x.Sources.String())
		if anywhere(x, sources) {
			src = "anywhere outside"
		}
		by, origin := "no rule (group membership)", ""
		if r := x.Verdict.Rule; r != nil {
			by = code(r.String()) + " of " + cell(x.Verdict.Group)
			if !r.Origin.IsZero() {
				origin = cell(r.Origin.String())
			}
		}
		sev := x.Severity.String()
		if x.Severity == analyze.High {
			sev = "**high**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", sev, cell(x.Endpoint), cell(exposureWhat(x)), src, by, origin)
	}
	return b.String()
}

// diffMarkdown is a diff for a pull-request comment: what the change
// opens and closes per rule set, the required flows it loses and the
// exposure it gains.
func diffMarkdown(res load.Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### sgsim diff: %s → %s\n\n", res.Old, res.New)
	opens, closes, sets := 0, 0, 0
	for _, sd := range res.Sets {
		opens += len(sd.Diff.Added)
		closes += len(sd.Diff.Removed)
		if !sd.Diff.IsEmpty() {
			sets++
		}
	}
	var lost, exposed int
	if s := res.Summary; s != nil {
		lost, exposed = len(s.Lost), len(s.Exposure)
	}
	switch {
	case opens+closes == 0:
		b.WriteString("No rule set changes what it allows.\n")
	default:
		fmt.Fprintf(&b, "The change **opens %d** and **closes %d** region(s) of flows in %d rule set(s)", opens, closes, sets)
		if res.Summary != nil {
			fmt.Fprintf(&b, "; **%d required flow(s) lost**, **%d exposed region(s) gained**", lost, exposed)
		}
		b.WriteString(".\n")
	}
	if n := summarizedChanges(res); n > 0 {
		fmt.Fprintf(&b, "\n%d change(s) summarized, their boxes not listed (\"N+ boxes, not listed\"): `sgsim diff -max-boxes 0` lists every box.\n", n)
	}
	for _, sd := range res.Sets {
		if sd.Diff.IsEmpty() {
			continue
		}
		on := "attached to no endpoint"
		if len(sd.Endpoints) > 0 {
			on = "on " + strings.Join(sd.Endpoints, ", ")
		}
		fmt.Fprintf(&b, "\n#### %s (%s): opens %d, closes %d\n\n", cell(sd.Set), cell(on), len(sd.Diff.Added), len(sd.Diff.Removed))
		fold := len(sd.Diff.Added)+len(sd.Diff.Removed) > 10
		if fold {
			b.WriteString("<details><summary>the regions</summary>\n\n")
		}
		b.WriteString("| | Direction | Flows | Witness | Before | After |\n|---|---|---|---|---|---|\n")
		who := func(r *analyze.RuleRef) string {
			if r == nil {
				return "default deny"
			}
			s := r.Group + " rule " + fmt.Sprint(r.Index+1)
			if r.ID != "" {
				s = r.Group + "/" + r.ID
			}
			if r.Origin != "" {
				s += " (" + r.Origin + ")"
			}
			return cell(s)
		}
		for _, c := range sd.Diff.Added {
			fmt.Fprintf(&b, "| opens | %s | %s | %s | %s | %s |\n", c.DirectionText, code(c.RegionText), code(c.WitnessText), who(c.Old), who(c.New))
		}
		for _, c := range sd.Diff.Removed {
			fmt.Fprintf(&b, "| closes | %s | %s | %s | %s | %s |\n", c.DirectionText, code(c.RegionText), code(c.WitnessText), who(c.Old), who(c.New))
		}
		if fold {
			b.WriteString("\n</details>\n")
		}
	}
	if s := res.Summary; s != nil && lost+exposed > 0 {
		b.WriteString("\n#### Required flows lost and exposure gained\n\n")
		for _, l := range s.Lost {
			fmt.Fprintf(&b, "- **lost** %s: %s → %s allowed; witness %s\n", cell(l.Name), l.Old, l.New, code(l.WitnessText))
		}
		for _, x := range s.Exposure {
			fmt.Fprintf(&b, "- **exposed** %s: %s %s; witness %s\n", cell(x.To), x.Protocol, code(x.Text), code(x.WitnessText))
		}
	}
	return b.String()
}

// intentsMarkdown is the intents a change leaves failing, for diff.
func intentsMarkdown(ics []intentChange) string {
	if ics == nil {
		return ""
	}
	var b strings.Builder
	if len(ics) == 0 {
		b.WriteString("\nEvery intent passes after the change.\n")
		return b.String()
	}
	broken := 0
	for _, c := range ics {
		if c.Old.Status == intent.Pass {
			broken++
		}
	}
	fmt.Fprintf(&b, "\n#### Intents\n\n**%d intent(s) do not pass after the change** (%d broken by it).\n\n| Before | After | Intent | Flows | Witness | Decided at |\n|---|---|---|---|---|---|\n", len(ics), broken)
	for _, c := range ics {
		w, at := "", ""
		if c.New.Witness.IsValid() {
			w = code(c.New.Witness.String())
		}
		if st, ok := c.New.Decider(); ok {
			at = cell(st.String())
		}
		fmt.Fprintf(&b, "| %s | **%s** | %s | %s | %s | %s |\n", c.Old.Status, c.New.Status, cell(c.New.Intent.Name), cell(intentFlows(c.New.Intent)), w, at)
	}
	return b.String()
}
