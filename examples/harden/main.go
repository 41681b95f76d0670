// The harden binary checks a vendor cluster profile's documented security
// groups, and its hardened rule set, against the flows the cluster needs.
// For each profile it prints every required flow with its verdict under
// the default groups and under the hardened set, then the findings: the
// required flows a vendor's own rule set fails, each with a witness
// packet and the hop and rule that drop it.
//
//	go run ./examples/harden                     # every profile, example clusters
//	go run ./examples/harden -profile cce-vpc -revision older
//	go run ./examples/harden -fail-on-finding    # exit 1 when there are findings
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
)

// options are the command line's flags.
type options struct {
	profile, revision string
	fail, quiet       bool
}

// parse reads the flags; arguments that are not flags are an error (they
// would otherwise be ignored, and every profile checked).
func parse(args []string, errOut io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("harden", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.StringVar(&o.profile, "profile", "all", "profile to check: all, or one of "+strings.Join(profileNames(), ", "))
	fs.StringVar(&o.revision, "revision", "newer", "CCE seed revision: newer or older (other vendors have one)")
	fs.BoolVar(&o.fail, "fail-on-finding", false, "exit 1 when any finding is reported")
	fs.BoolVar(&o.quiet, "findings-only", false, "print only the findings")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: name a profile with -profile", fs.Arg(0))
	}
	return o, nil
}

// A checked profile: its name, required flows and the two networks.
type checked struct {
	name      string
	required  []provider.RequiredFlow
	def, hard *sgsim.Network
}

type builder func(rev string) (checked, error)

func cce(m huawei.Model) builder {
	return func(rev string) (checked, error) {
		r := huawei.Newer
		switch rev {
		case "newer":
		case "older":
			r = huawei.Older
		default:
			return checked{}, fmt.Errorf("-revision %q: want newer or older", rev)
		}
		p, err := huawei.NewProfile(huawei.Cluster{Model: m, Revision: r})
		if err != nil {
			return checked{}, err
		}
		return networks(p.Name(), p.Required, p.Network)
	}
}

func networks(name string, req []provider.RequiredFlow, build func(bool) (*sgsim.Network, error)) (checked, error) {
	d, err := build(false)
	if err != nil {
		return checked{}, err
	}
	h, err := build(true)
	if err != nil {
		return checked{}, err
	}
	return checked{name, req, d, h}, nil
}

func tke(m tencent.Mode) builder {
	return func(string) (checked, error) {
		p, err := tencent.NewProfile(tencent.Cluster{Mode: m})
		if err != nil {
			return checked{}, err
		}
		return networks(p.Name(), p.Required, p.Network)
	}
}

// ack checks the recommended settings as "default" and least privilege
// both ways as "hardened".
func ack(g alibaba.GroupType, p alibaba.Plugin) builder {
	return func(string) (checked, error) {
		pr, err := alibaba.NewProfile(alibaba.Cluster{Group: g, Plugin: p})
		if err != nil {
			return checked{}, err
		}
		return networks(pr.Name(), pr.Required, pr.Network)
	}
}

var profiles = map[string]builder{
	"ack-basic-flannel":    ack(alibaba.Basic, alibaba.Flannel),
	"ack-basic-terway":     ack(alibaba.Basic, alibaba.Terway),
	"ack-advanced-flannel": ack(alibaba.Advanced, alibaba.Flannel),
	"ack-advanced-terway":  ack(alibaba.Advanced, alibaba.Terway),
	"tke-managed":          tke(tencent.Managed),
	"tke-self-deployed":    tke(tencent.SelfDeployed),
	"cce-vpc":              cce(huawei.VPCNetwork),
	"cce-tunnel":           cce(huawei.Tunnel),
	"cce-turbo":            cce(huawei.Turbo),
}

func profileNames() []string {
	var out []string
	for n := range profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func main() {
	o, err := parse(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		var n int
		n, err = run(os.Stdout, o.profile, o.revision, o.quiet)
		if err == nil && n > 0 && o.fail {
			os.Exit(1)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "harden:", err)
		os.Exit(2)
	}
}

// run checks the named profiles and returns the number of findings.
func run(w io.Writer, which, rev string, quiet bool) (int, error) {
	names := profileNames()
	if which != "all" {
		if _, ok := profiles[which]; !ok {
			return 0, errors.New("-profile " + which + ": want all or one of " + strings.Join(names, ", "))
		}
		names = []string{which}
	}
	total := 0
	for _, name := range names {
		c, err := profiles[name](rev)
		if err != nil {
			return 0, err
		}
		def := provider.Check(c.def, c.required)
		hard := provider.Check(c.hard, c.required)
		findings := append(provider.Findings(c.name+"/default", def), provider.Findings(c.name+"/hardened", hard)...)
		total += len(findings)
		fmt.Fprintf(w, "== %s: %d required flows, %d findings\n", c.name, len(c.required), len(findings))
		if !quiet {
			fmt.Fprintf(w, "%-9s %-9s %-11s %s\n", "default", "hardened", "kind", "required flow")
			for i, f := range c.required {
				fmt.Fprintf(w, "%-9s %-9s %-11s %s\n", verdict(def[i]), verdict(hard[i]), f.Kind, describe(f))
			}
		}
		for _, f := range findings {
			fmt.Fprintf(w, "finding: %s\n", f)
			if !quiet {
				fmt.Fprintf(w, "  reason: %s\n  source: %s\n", f.Flow.Reason, originOr(f.Flow.Origin))
			}
		}
		fmt.Fprintln(w)
	}
	return total, nil
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
