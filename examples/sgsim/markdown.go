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
