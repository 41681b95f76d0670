// The analyze binary lints, diffs and fixes the Huawei CCE profiles'
// security groups with package analyze.
//
//	go run ./examples/analyze lint -profile cce-turbo            # findings of the default groups
//	go run ./examples/analyze lint -hardened -fail-on medium     # CI: exit 1 on medium or worse
//	go run ./examples/analyze diff -profile cce-vpc              # default vs hardened: exact group diff, lost flows, exposure
//	go run ./examples/analyze fix -profile cce-tunnel            # minimal rules for the hardened set's failing required flows
//	go run ./examples/analyze lint -format json
//
// -fail-on SEVERITY makes the exit status 1 when anything at or above it
// is reported: lint findings at their severity; for diff, a lost
// required flow or gained exposure counts as high; for fix, a required
// flow that needs a fix counts as high.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

var models = map[string]huawei.Model{"cce-vpc": huawei.VPCNetwork, "cce-tunnel": huawei.Tunnel, "cce-turbo": huawei.Turbo}

const usage = "usage: analyze lint|diff|fix [-profile cce-vpc|cce-tunnel|cce-turbo] [-revision newer|older] [-hardened] [-format text|json] [-fail-on info|low|medium|high]"

func main() {
	code, err := run(os.Stdout, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "analyze:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// run executes one sub-command and returns the exit status: 1 when
// -fail-on is set and something at or above it was reported.
func run(w io.Writer, args []string) (int, error) {
	if len(args) == 0 {
		return 0, errors.New(usage)
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	help := func() (int, error) { // -h: the usage and the flags, on w, exit 0
		fs.SetOutput(w)
		fmt.Fprintln(w, usage)
		fs.PrintDefaults()
		return 0, nil
	}
	profile := fs.String("profile", "cce-vpc", "profile: cce-vpc, cce-tunnel or cce-turbo")
	revision := fs.String("revision", "newer", "CCE seed revision: newer or older")
	hardened := fs.Bool("hardened", false, "lint: the hardened worker egress set instead of the default groups")
	format := fs.String("format", "text", "output: text or json")
	failOn := fs.String("fail-on", "", "exit 1 when anything at or above this severity is reported")
	if cmd == "-h" || cmd == "-help" || cmd == "--help" {
		return help()
	}
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return help()
	} else if err != nil {
		return 0, fmt.Errorf("%s: %w\n%s", cmd, err, usage)
	}
	if fs.NArg() > 0 {
		return 0, fmt.Errorf("%s: unexpected argument %q\n%s", cmd, fs.Arg(0), usage)
	}
	m, ok := models[*profile]
	if !ok {
		return 0, fmt.Errorf("-profile %q: want cce-vpc, cce-tunnel or cce-turbo", *profile)
	}
	rev := huawei.Newer
	switch *revision {
	case "newer":
	case "older":
		rev = huawei.Older
	default:
		return 0, fmt.Errorf("-revision %q: want newer or older", *revision)
	}
	if *format != "text" && *format != "json" {
		return 0, fmt.Errorf("-format %q: want text or json", *format)
	}
	threshold, gate := analyze.High+1, false
	if *failOn != "" {
		s, err := analyze.ParseSeverity(*failOn)
		if err != nil {
			return 0, fmt.Errorf("-fail-on: %w", err)
		}
		threshold, gate = s, true
	}
	p, err := huawei.NewProfile(huawei.Cluster{Model: m, Revision: rev})
	if err != nil {
		return 0, err
	}
	var worst analyze.Severity
	reported := false
	note := func(s analyze.Severity) {
		if !reported || s > worst {
			worst = s
		}
		reported = true
	}
	var out any
	var text strings.Builder
	switch cmd {
	case "lint":
		name := p.Name() + "/default"
		if *hardened {
			name = p.Name() + "/hardened"
		}
		fs, err := analyze.Lint(p.Spec(*hardened))
		if err != nil {
			return 0, err
		}
		for _, f := range fs {
			note(f.Severity)
		}
		out = struct {
			Profile  string            `json:"profile"`
			Findings []analyze.Finding `json:"findings"`
		}{name, fs}
		fmt.Fprintf(&text, "== lint %s: %d finding(s)\n", name, len(fs))
		for _, f := range fs {
			text.WriteString(f.String() + "\n")
		}
	case "diff":
		res, err := diff(p, &text)
		if err != nil {
			return 0, err
		}
		if len(res.Summary.Lost) > 0 || len(res.Summary.Exposure) > 0 {
			note(analyze.High)
		}
		out = res
	case "fix":
		rs, err := analyze.MinimalFixes(p.Spec(true), p.Required)
		if err != nil {
			return 0, err
		}
		if len(rs) > 0 {
			note(analyze.High)
		}
		api, err := huaweiAPI(rs)
		if err != nil {
			return 0, err
		}
		out = struct {
			Profile string              `json:"profile"`
			Fixes   []analyze.FixResult `json:"fixes"`
			API     string              `json:"huawei_api"`
		}{p.Name() + "/hardened", rs, string(api)}
		fmt.Fprintf(&text, "== fix %s/hardened: %d required flow(s) fail\n", p.Name(), len(rs))
		for _, r := range rs {
			text.WriteString(r.String() + "\n")
		}
		if len(rs) > 0 {
			text.WriteString("the fixes as a Huawei ListSecurityGroupRules document (one record per rule to create):\n")
			text.Write(api)
		}
	default:
		return 0, fmt.Errorf("unknown sub-command %q\n%s", cmd, usage)
	}
	if *format == "json" {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		if err := e.Encode(out); err != nil {
			return 0, err
		}
	} else if _, err := io.WriteString(w, text.String()); err != nil {
		return 0, err
	}
	if gate && reported && worst >= threshold {
		return 1, nil
	}
	return 0, nil
}

// huaweiAPI renders every fix rule in the vendor's API form: the
// security_group_rules records of ListSecurityGroupRules, grouped by the
// group each rule goes into, each rule once under its fix ID (a fix
// reused by a later flow is in that flow's Reused, not in its Fixes).
func huaweiAPI(rs []analyze.FixResult) ([]byte, error) {
	var groups []sgsim.Group
	clipped := false
	at := map[string]int{}
	for _, r := range rs {
		for _, f := range r.Fixes {
			rule := f.Rule
			if rule.Family == sgsim.AnyFamily { // Huawei needs the ethertype: the remote's family
				switch v4, v6 := rule.Remote().Families(); {
				case v4 && !v6:
					rule.Family = sgsim.IPv4
				case v6 && !v4:
					rule.Family = sgsim.IPv6
				}
			}
			// Huawei ports are 1-65535: port 0, which no real TCP or UDP
			// connection uses, is left out of the vendor form (the note
			// below the document says so).
			if rule.DstPorts != nil && rule.DstPorts[0].First == 0 {
				ps := append(sgsim.Ports(nil), rule.DstPorts...)
				if ps[0].Last == 0 {
					ps = ps[1:]
				} else {
					ps[0].First = 1
				}
				clipped = true
				if len(ps) == 0 { // a rule for port 0 alone has no Huawei form
					continue
				}
				rule.DstPorts = ps
			}
			g, ok := at[f.Group]
			if !ok {
				g = len(groups)
				at[f.Group] = g
				groups = append(groups, sgsim.Group{ID: f.Group})
			}
			groups[g].Rules = append(groups[g].Rules, rule)
		}
	}
	var b bytes.Buffer
	if err := huawei.WriteRules(&b, groups); err != nil {
		return nil, err
	}
	if clipped {
		b.WriteString("note: port 0 left out of the Huawei form (Huawei ports are 1-65535)\n")
	}
	return b.Bytes(), nil
}

type setDiff struct {
	Set  string       `json:"set"`
	Diff analyze.Diff `json:"diff"`
}

type diffResult struct {
	Profile string          `json:"profile"`
	Sets    []setDiff       `json:"sets"`
	Summary analyze.Summary `json:"summary"`
}

// diff compares the default groups with the hardened set: the exact
// group-level diff of every attachment list, then the required flows
// lost and the exposure gained.
func diff(p *huawei.Profile, text *strings.Builder) (diffResult, error) {
	res := diffResult{Profile: p.Name()}
	a, err := analyze.SetsOf(p.Spec(false))
	if err != nil {
		return res, err
	}
	b, err := analyze.SetsOf(p.Spec(true))
	if err != nil {
		return res, err
	}
	fmt.Fprintf(text, "== diff %s: default -> hardened\n", p.Name())
	for i := range a {
		d, err := analyze.DiffSets(a[i], b[i])
		if err != nil {
			return res, err
		}
		res.Sets = append(res.Sets, setDiff{a[i].Name, d})
		fmt.Fprintf(text, "-- %s (%s): %d region(s) added, %d removed\n", a[i].Name, strings.Join(a[i].Endpoints, ", "), len(d.Added), len(d.Removed))
		line := func(sign string, c analyze.Change) {
			who := func(r *analyze.RuleRef) string {
				if r == nil {
					return "default deny"
				}
				return r.Group + "/" + r.ID
			}
			fmt.Fprintf(text, "  %s %s %s (%s -> %s)\n", sign, c.Direction, c.RegionText, who(c.Old), who(c.New))
		}
		for _, c := range d.Added {
			line("+", c)
		}
		for _, c := range d.Removed {
			line("-", c)
		}
	}
	def, err := p.Network(false)
	if err != nil {
		return res, err
	}
	hard, err := p.Network(true)
	if err != nil {
		return res, err
	}
	if res.Summary, err = analyze.Compare(def, hard, p.Spec(true), p.Required, sgsim.Addrs{}); err != nil {
		return res, err
	}
	fmt.Fprintf(text, "-- required flows and exposure: %d lost, %d exposed region(s)\n", len(res.Summary.Lost), len(res.Summary.Exposure))
	text.WriteString(res.Summary.String())
	return res, nil
}
