package main

// The command line gives the library's answer: random small networks are
// written out as vendor exports (by the vendor packages' writers) with a
// topology file, and each subcommand's JSON output is compared with what
// package sgsim and package analyze answer on the network built from the
// generated groups directly, so the writers, readers, loader and printing
// are all on the path.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// world is a random network and the files that describe it.
type world struct {
	vendor string
	ids    []string // the group IDs
	spec   sgsim.NetworkSpec
	net    *sgsim.Network
	args   []string // the input flags naming the files
}

// endpoint addresses: e0 10.0.0.0/27, e1 10.0.0.32/27, e2 10.0.0.64/27;
// the rest of 10.0.0.0/23 is "outside", with no group.
var (
	epPrefixes = []string{"10.0.0.0/27", "10.0.0.32/27", "10.0.0.64/27"}
	nicAddrs   = []string{"10.0.0.5", "10.0.0.33", "10.0.0.70"} // with -nics: one address each
	remotes    = []string{"10.0.0.0/27", "10.0.0.32/27", "10.0.0.64/27", "10.0.0.0/24", "10.0.1.0/24", "0.0.0.0/0", "10.0.0.5/32", "10.0.0.0/26"}
	portSets   = []string{"22", "80", "443", "1000-2000", "1-65535"}
	hosts      = []string{"10.0.0.1", "10.0.0.5", "10.0.0.33", "10.0.0.70", "10.0.0.100", "10.0.1.9"}
	dports     = []uint16{22, 80, 443, 1500, 3000}
)

// genWorld draws a network of one vendor's security groups, writes it
// out under dir and returns it with the flags that name the files.
func genWorld(t *rapid.T, dir string) *world {
	w := &world{vendor: rapid.SampledFrom([]string{"huawei", "alibaba", "tencent", "aws"}).Draw(t, "vendor")}
	sem := map[string]sgsim.Semantics{"huawei": sgsim.Huawei, "alibaba": sgsim.Alibaba, "tencent": sgsim.Tencent, "aws": sgsim.Union}[w.vendor]
	nGroups := rapid.IntRange(1, 2).Draw(t, "groups")
	var ids []string
	for i := range nGroups {
		ids = append(ids, fmt.Sprintf("sg-%d", i))
	}
	w.ids = ids
	groups := genGroups(t, w.vendor, ids)
	// Endpoints carry a random subset of the groups in random order. They
	// are placed by a topology file, with an "outside" endpoint for the
	// rest of the space, or by the vendor's network-interface listing:
	// one address per interface, named by its ID, in a subnet no listing
	// gives (so no subnet ACL), and nothing outside.
	nics := rapid.Bool().Draw(t, "nics")
	var eps []sgsim.Endpoint
	var listing []provider.NIC
	var topo bytes.Buffer
	fmt.Fprintf(&topo, `{"cloud": %q, "endpoints": [`, sem.String())
	for i := range rapid.IntRange(1, 3).Draw(t, "endpoints") {
		e := sgsim.Endpoint{Name: fmt.Sprintf("e%d", i), Addrs: sgsim.MustParseAddrs(epPrefixes[i])}
		if nics {
			e = sgsim.Endpoint{Name: fmt.Sprintf("nic-%d", i), Addrs: sgsim.MustParseAddrs(nicAddrs[i])}
		}
		for _, j := range rapid.Permutation([]int{0, 1}[:len(ids)]).Draw(t, "order") {
			if rapid.Bool().Draw(t, "carries") {
				e.Groups = append(e.Groups, ids[j])
			}
		}
		eps = append(eps, e)
		listing = append(listing, provider.NIC{ID: e.Name, Addrs: []netip.Prefix{netip.MustParsePrefix(nicAddrs[i] + "/32")}, Subnet: "subnet-1", Groups: e.Groups})
		gs, _ := json.Marshal(e.Groups)
		if e.Groups == nil {
			gs = []byte("[]")
		}
		fmt.Fprintf(&topo, `{"name": %q, "addrs": [%q], "groups": %s}, `, e.Name, epPrefixes[i], gs)
	}
	topo.WriteString(`{"name": "outside", "addrs": ["10.0.0.96-10.0.1.255"]}]}`)
	if !nics {
		eps = append(eps, sgsim.Endpoint{Name: "outside", Addrs: sgsim.MustParseAddrs("10.0.0.96-10.0.1.255")})
	}
	w.spec = sgsim.NetworkSpec{Cloud: sem, Groups: groups, Endpoints: eps}
	var err error
	if w.net, err = sgsim.BuildNetwork(w.spec); err != nil {
		t.Fatalf("generated network: %v", err)
	}
	w.args = append([]string{"-vendor", w.vendor}, writeRules(t, dir, w.vendor, groups)...)
	if nics {
		var b bytes.Buffer
		write := map[string]func(io.Writer, []provider.NIC) error{"huawei": huawei.WritePorts, "alibaba": alibaba.WriteNetworkInterfaces,
			"tencent": tencent.WriteNetworkInterfaces, "aws": aws.WriteNetworkInterfaces}[w.vendor]
		if err := write(&b, listing); err != nil {
			t.Fatalf("write NICs: %v", err)
		}
		path := filepath.Join(dir, "nics.json")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		w.args = append(w.args, "-nics", path)
		return w
	}
	topoPath := filepath.Join(dir, "topology.json")
	if err := os.WriteFile(topoPath, topo.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	w.args = append(w.args, "-topology", topoPath)
	return w
}

// genGroups draws security groups with the given IDs that the vendor's
// writer can express and its reader reads back as they are.
func genGroups(t *rapid.T, vendor string, ids []string) []sgsim.Group {
	var groups []sgsim.Group
	for gi, id := range ids {
		g := sgsim.Group{ID: id}
		if vendor == "alibaba" {
			g.InnerAccess = rapid.SampledFrom([]sgsim.InnerAccess{sgsim.InnerAccept, sgsim.InnerDrop}).Draw(t, "inner")
		}
		index := [2]int{}
		// A Huawei or AWS rule listing holds no trace of a group without
		// rules (the loader warns that the export lacks it): at least one.
		least := 0
		if vendor == "huawei" || vendor == "aws" {
			least = 1
		}
		for ri := range rapid.IntRange(least, 4).Draw(t, "rules") {
			var r sgsim.Rule
			r.Direction = rapid.SampledFrom([]sgsim.Direction{sgsim.Ingress, sgsim.Egress}).Draw(t, "dir")
			r.Action = sgsim.Allow
			if vendor != "aws" && rapid.IntRange(0, 2).Draw(t, "deny") == 0 {
				r.Action = sgsim.Deny
			}
			r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.AnyProtocol}).Draw(t, "proto")
			if r.Protocol != sgsim.AnyProtocol {
				r.DstPorts = sgsim.MustParsePorts(rapid.SampledFrom(portSets).Draw(t, "ports"))
			}
			if len(ids) > 1 && rapid.IntRange(0, 4).Draw(t, "groupref") == 0 {
				r.RemoteGroup = ids[rapid.IntRange(0, len(ids)-1).Draw(t, "remote group")]
			} else {
				a := sgsim.PrefixAddrs(netip.MustParsePrefix(rapid.SampledFrom(remotes).Draw(t, "remote")))
				if r.Direction == sgsim.Ingress {
					r.Src = a
				} else {
					r.Dst = a
				}
			}
			switch vendor {
			case "huawei":
				r.Family, r.Priority, r.ID = sgsim.IPv4, rapid.IntRange(1, 3).Draw(t, "priority"), fmt.Sprintf("r-%d-%d", gi, ri)
			case "alibaba":
				r.Priority, r.ID = rapid.IntRange(1, 3).Draw(t, "priority"), fmt.Sprintf("sgr-%d-%d", gi, ri)
			case "tencent":
				r.Priority = index[r.Direction]
				index[r.Direction]++
				r.ID = strconv.Itoa(r.Priority)
			case "aws":
				r.ID = fmt.Sprintf("sgr-%d-%d", gi, ri)
				if r.RemoteGroup == "" { // the reader gives a CIDR rule its family
					r.Family = sgsim.IPv4
				}
			}
			g.Rules = append(g.Rules, r)
		}
		if vendor == "tencent" { // the document lists ingress, then egress
			slices.SortStableFunc(g.Rules, func(a, b sgsim.Rule) int { return int(a.Direction) - int(b.Direction) })
		}
		groups = append(groups, g)
	}
	return groups
}

// writeRules writes the groups as the vendor's export under dir and
// returns the -rules flags naming the files.
func writeRules(t *rapid.T, dir, vendor string, groups []sgsim.Group) []string {
	var args []string
	write := func(name string, f func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	switch vendor {
	case "huawei":
		args = append(args, "-rules", write("rules.json", func(b *bytes.Buffer) error { return huawei.WriteRules(b, groups) }))
	case "alibaba":
		args = append(args, "-rules", write("rules.json", func(b *bytes.Buffer) error { return alibaba.WriteSecurityGroups(b, groups) }))
	case "tencent":
		for _, g := range groups { // one file per group, named by its ID
			args = append(args, "-rules", write(g.ID+".json", func(b *bytes.Buffer) error { return tencent.WritePolicies(b, g) }))
		}
	case "aws":
		args = append(args, "-rules", write("rules.json", func(b *bytes.Buffer) error { return aws.WriteSecurityGroupRules(b, groups) }))
	}
	return args
}

// cli runs the program with -format json and decodes its output into v.
func cli(t *rapid.T, v any, args ...string) {
	var out, errb bytes.Buffer
	if code := run(append(args, "-format", "json"), &out, &errb); code != 0 && code != 1 {
		t.Fatalf("%q: exit %d: %s", args, code, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("%q: %v\n%s", args, err, out.String())
	}
}

// dirFor returns a fresh directory per rapid run under the test's.
func dirFor(t *testing.T) func() string {
	base := t.TempDir()
	n := 0
	return func() string {
		n++
		d := filepath.Join(base, strconv.Itoa(n))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
}

func drawFlow(t *rapid.T) sgsim.Flow {
	return sgsim.Flow{
		Proto:   rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP}).Draw(t, "flow proto"),
		Src:     netip.MustParseAddr(rapid.SampledFrom(hosts).Draw(t, "src")),
		Dst:     netip.MustParseAddr(rapid.SampledFrom(hosts).Draw(t, "dst")),
		SrcPort: 40000,
		DstPort: rapid.SampledFrom(dports).Draw(t, "dport"),
	}
}

func TestTraceEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t, next())
		f := drawFlow(t)
		var got traceJSON
		cli(t, &got, append([]string{"trace", f.String()}, w.args...)...)
		want := w.net.Trace(f)
		if got.Allowed != want.Allowed || got.DroppedAt != droppedAt(want) || got.Delivered != want.Delivered || got.Reply != want.Reply.String() || got.Flow != f.String() || got.From != want.From || got.To != want.To {
			t.Fatalf("cli %+v\nlibrary %s", got, want)
		}
		if len(got.Hops) != len(want.Steps) {
			t.Fatalf("cli %d hops, library %d:\n%+v\n%s", len(got.Hops), len(want.Steps), got, want)
		}
		for i, s := range want.Steps {
			h := got.Hops[i]
			wr := ""
			if s.Verdict.Rule != nil {
				wr = s.Verdict.Rule.String()
			}
			if h.Hop != s.Hop.String() || h.Where != s.Where || h.Action != s.Verdict.Action.String() || h.Group != s.Verdict.Group || h.Rule != wr || h.Note != s.Note {
				t.Fatalf("hop %d: cli %+v, library %s (rule %q)", i, h, s, wr)
			}
		}
	})
}

func TestReachEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t, next())
		side := func(label string) (string, sgsim.Addrs) {
			if rapid.Bool().Draw(t, label+" by name") {
				e := w.spec.Endpoints[rapid.IntRange(0, len(w.spec.Endpoints)-1).Draw(t, label)]
				return e.Name, e.Addrs
			}
			p := rapid.SampledFrom([]string{"10.0.0.0/24", "10.0.0.0/26", "10.0.0.5", "10.0.0.96/27", "10.0.1.0/24"}).Draw(t, label)
			return p, sgsim.MustParseAddrs(p)
		}
		from, src := side("from")
		to, dst := side("to")
		q := sgsim.Query{From: src, To: dst, Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP}).Draw(t, "proto")}
		args := []string{"reach", "-from", from, "-to", to, "-proto", q.Protocol.String()}
		if rapid.Bool().Draw(t, "ports") {
			ps := rapid.SampledFrom(portSets).Draw(t, "port")
			q.DstPorts = sgsim.MustParsePorts(ps)
			args = append(args, "-port", ps)
		}
		switch rapid.SampledFrom([]string{"", "delivered", "answered"}).Draw(t, "question") {
		case "delivered":
			q.Question = sgsim.Delivered
			args = append(args, "-question", "delivered")
		case "answered":
			q.Question = sgsim.Answered
			args = append(args, "-question", "answered")
		}
		var got reachJSON
		cli(t, &got, append(args, w.args...)...)
		want, err := w.net.Reach(q)
		if err != nil {
			t.Fatal(err)
		}
		var allowed []string
		for _, a := range want.Allowed {
			allowed = append(allowed, a.String())
		}
		if got.Outcome != want.Outcome.String() || !slices.Equal(got.Allowed, allowed) || len(got.Denied) != len(want.Denied) {
			t.Fatalf("cli %+v\nlibrary %s", got, want)
		}
		for i, d := range want.Denied {
			g := got.Denied[i]
			if g.Region != d.Region.String() || g.Hop != d.Hop.String() || g.Group != d.Verdict.Group || (d.Verdict.Rule != nil) != (g.Rule != "") ||
				(d.Verdict.Rule != nil && g.Rule != d.Verdict.Rule.String()) {
				t.Fatalf("denied %d: cli %+v, library %+v", i, g, d)
			}
		}
		if want.Outcome != sgsim.None && got.AllowedWitness != want.AllowedWitness.String() ||
			want.Outcome != sgsim.All && got.DeniedWitness != want.DeniedWitness.String() {
			t.Fatalf("witnesses: cli %q %q, library %s %s", got.AllowedWitness, got.DeniedWitness, want.AllowedWitness, want.DeniedWitness)
		}
	})
}

// noOrigin removes the origins a reader gives rules ("from tencent
// DescribeSecurityGroupPolicies record 0 at ...", "(aws ...)") from a
// text, for comparison with rules generated without one.
func noOrigin(s string) string {
	return originText.ReplaceAllString(s, "")
}

var originText = regexp.MustCompile(`( from| \() ?(huawei|alibaba|tencent|aws) (ListSecurityGroupRules|DescribeSecurityGroupAttribute|DescribeSecurityGroupPolicies|DescribeSecurityGroupRules)[^;:)\n]*\)?`)

func TestLintEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t, next())
		var got struct {
			Findings []analyze.Finding
		}
		// -workers: the default or 1-3 goroutines a set, which must
		// not change the findings (the library's default is one
		// goroutine for sets this small).
		args := []string{"lint"}
		if k := rapid.IntRange(-1, 3).Draw(t, "workers"); k >= 0 {
			args = append(args, "-workers", fmt.Sprint(k))
		}
		cli(t, &got, append(args, w.args...)...)
		want, err := analyze.Lint(w.spec)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Findings) != len(want) {
			t.Fatalf("cli %d findings, library %d:\n%+v\n%+v", len(got.Findings), len(want), got.Findings, want)
		}
		for i, f := range want {
			g := got.Findings[i]
			if g.Code != f.Code || g.Severity != f.Severity || g.Set != f.Set || noOrigin(g.Message) != f.Message || g.Region != f.Region || g.Witness != f.Witness || len(g.Rules) != len(f.Rules) {
				t.Fatalf("finding %d: cli %+v, library %+v", i, g, f)
			}
			for j, r := range f.Rules {
				if g.Rules[j].Group != r.Group || g.Rules[j].Index != r.Index || g.Rules[j].ID != r.ID || g.Rules[j].Text != r.Text {
					t.Fatalf("finding %d rule %d: cli %#v, library %#v", i, j, g.Rules[j], r)
				}
			}
		}
	})
}

func TestDiffEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	summarized := 0
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t, next())
		// The new version: the same endpoints, redrawn rules.
		dir := next()
		groups := genGroups(t, w.vendor, w.ids)
		newSpec := w.spec
		newSpec.Groups = groups
		newNet, err := sgsim.BuildNetwork(newSpec)
		if err != nil {
			t.Fatal(err)
		}
		// -max-boxes: the default (DefaultMaxBoxes), every box, or so few
		// that pairs are summarized, against DiffWith with the same.
		maxBoxes := analyze.DefaultMaxBoxes
		args := []string{"diff"}
		if k := rapid.IntRange(-1, 3).Draw(t, "maxBoxes"); k >= 0 {
			maxBoxes = k
			args = append(args, "-max-boxes", fmt.Sprint(k))
		}
		var got load.Diff
		cli(t, &got, append(append(args, w.args...), append([]string{"-against"}, writeRules(t, dir, w.vendor, groups)...)...)...)
		a, err := analyze.SetsOf(w.spec)
		if err != nil {
			t.Fatal(err)
		}
		b, err := analyze.SetsOf(newSpec)
		if err != nil {
			t.Fatal(err)
		}
		// Both versions have the same endpoints, so the same sets.
		if len(a) != len(b) || len(got.Sets) != len(a) {
			t.Fatalf("sets: cli %d, library %d and %d", len(got.Sets), len(a), len(b))
		}
		change := func(c analyze.Change) string {
			ref := func(r *analyze.RuleRef) string {
				if r == nil {
					return "default"
				}
				return r.Group + "/" + r.ID + "/" + r.Text
			}
			// A summarized change's region names its rules with their
			// origin, which the files the CLI reads give and the
			// library's generated spec does not.
			region := c.RegionText
			for _, r := range []*analyze.RuleRef{c.Old, c.New} {
				if r != nil && r.Origin != "" {
					region = strings.Replace(region, " ("+r.Origin+")", "", 1)
				}
			}
			return fmt.Sprint(c.DirectionText, " ", region, " ", c.WitnessText, " ", ref(c.Old), " -> ", ref(c.New), " ", c.Summarized, c.Boxes)
		}
		for i := range a {
			d, err := analyze.DiffWith(a[i], b[i], analyze.DiffOptions{MaxBoxes: maxBoxes})
			if err != nil {
				t.Fatal(err)
			}
			g := got.Sets[i]
			if g.Set != a[i].Name || len(g.Diff.Added) != len(d.Added) || len(g.Diff.Removed) != len(d.Removed) {
				t.Fatalf("set %d: cli %+v, library %s %+v", i, g, a[i].Name, d)
			}
			for _, c := range append(g.Diff.Added, g.Diff.Removed...) {
				if c.Summarized {
					summarized++
				}
			}
			for j := range d.Added {
				if change(g.Diff.Added[j]) != change(d.Added[j]) {
					t.Fatalf("added %d: cli %s, library %s", j, change(g.Diff.Added[j]), change(d.Added[j]))
				}
			}
			for j := range d.Removed {
				if change(g.Diff.Removed[j]) != change(d.Removed[j]) {
					t.Fatalf("removed %d: cli %s, library %s", j, change(g.Diff.Removed[j]), change(d.Removed[j]))
				}
			}
		}
		sum, err := analyze.Compare(w.net, newNet, newSpec, nil, sgsim.Addrs{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Summary == nil || len(got.Summary.Lost) != 0 || len(got.Summary.Exposure) != len(sum.Exposure) {
			t.Fatalf("summary: cli %+v, library %+v", got.Summary, sum)
		}
		for i, e := range sum.Exposure {
			g := got.Summary.Exposure[i]
			if g.To != e.To || g.Text != e.Text || g.WitnessText != e.WitnessText || g.Protocol != e.Protocol {
				t.Fatalf("exposure %d: cli %+v, library %+v", i, g, e)
			}
		}
	})
	if summarized == 0 {
		t.Error("no drawn diff had a summarized change: -max-boxes went untested")
	}
}

// requireArgs are the -require flags that lay the TKE managed profile's
// required flows over the generated endpoints: its nodes are e0 and e1.
var requireArgs = []string{"-require", "tke-managed", "-vpc", "10.0.0.0/16", "-nodes", "10.0.0.0/26"}

func tkeRequired(t *rapid.T) []analyze.RequiredFlow {
	p, err := tencent.NewProfile(tencent.Cluster{VPC: netip.MustParsePrefix("10.0.0.0/16"), Nodes: netip.MustParsePrefix("10.0.0.0/26")})
	if err != nil {
		t.Fatal(err)
	}
	return p.Required
}

func TestFixEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t, next())
		var got struct {
			Fixes []analyze.FixResult
		}
		cli(t, &got, append(append([]string{"fix"}, w.args...), requireArgs...)...)
		want, err := analyze.MinimalFixes(w.spec, tkeRequired(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Fixes) != len(want) {
			t.Fatalf("cli %d results, library %d", len(got.Fixes), len(want))
		}
		for i, r := range want {
			g := got.Fixes[i]
			if g.Name != r.Name || g.Passes != r.Passes || noOrigin(g.Problem) != r.Problem || g.Verified != r.Verified || len(g.Fixes) != len(r.Fixes) || len(g.Reused) != len(r.Reused) {
				t.Fatalf("result %d: cli %+v, library %+v", i, g, r)
			}
			for j, f := range r.Fixes {
				if gf := g.Fixes[j]; gf.Group != f.Group || gf.Endpoint != f.Endpoint || gf.Text != f.Text || gf.HopText != f.HopText || noOrigin(gf.DeniedBy) != f.DeniedBy {
					t.Fatalf("result %d fix %d: cli %+v, library %+v", i, j, gf, f)
				}
			}
		}
	})
}

func TestHardenEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t, next())
		var got struct {
			Checks []struct {
				Required []struct {
					Flow     string
					Verdicts map[string]string
				}
				Findings []struct{ Flow, Outcome, Witness string }
			}
		}
		cli(t, &got, append(append([]string{"harden"}, w.args...), requireArgs...)...)
		required := tkeRequired(t)
		results := provider.Check(w.net, required)
		findings := provider.Findings("x", results)
		if len(got.Checks) != 1 || len(got.Checks[0].Required) != len(results) || len(got.Checks[0].Findings) != len(findings) {
			t.Fatalf("cli %+v; library %d results, %d findings", got, len(results), len(findings))
		}
		for i, r := range results {
			if g := got.Checks[0].Required[i]; g.Flow != r.Flow.Name || g.Verdicts["verdict"] != verdict(r) {
				t.Fatalf("required %d: cli %+v, library %s %s", i, g, r.Flow.Name, verdict(r))
			}
		}
		for i, f := range findings {
			if g := got.Checks[0].Findings[i]; g.Flow != f.Flow.Name || g.Outcome != f.Outcome.String() || g.Witness != f.Witness.String() {
				t.Fatalf("finding %d: cli %+v, library %s", i, g, f)
			}
		}
	})
}

// Replay of a flow log: each record's verdict and hop are Network.Decide's.
func TestReplayEqualsLibrary(t *testing.T) {
	next := dirFor(t)
	rapid.Check(t, func(t *rapid.T) {
		dir := next()
		w := genWorld(t, dir)
		var flows []sgsim.Flow
		var log strings.Builder
		for i := range rapid.IntRange(1, 6).Draw(t, "flows") {
			f := drawFlow(t)
			f.SrcPort = uint16(40000 + i) // distinct flows, none the reply of another
			flows = append(flows, f)
			num, _ := f.Proto.Number()
			fmt.Fprintf(&log, "2 111122223333 eni-0f00ba47 %s %s %d %d %d 1 60 %d %d ACCEPT OK\n", f.Src, f.Dst, f.SrcPort, f.DstPort, num, 1715000000+i, 1715000000+i)
		}
		path := filepath.Join(dir, "flow.log")
		if err := os.WriteFile(path, []byte(log.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := run(append([]string{"replay", "-flowlog", path, "-format", "json"}, w.args...), &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var f struct {
				Src, Dst, Proto, Verdict, Hop string
				SrcPort                       uint16 `json:"sport"`
				DstPort                       uint16 `json:"dport"`
			}
			if err := json.Unmarshal([]byte(line), &f); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			got[fmt.Sprintf("%s %s:%d -> %s:%d", f.Proto, f.Src, f.SrcPort, f.Dst, f.DstPort)] = f.Verdict + " " + f.Hop
		}
		if len(got) != len(flows) {
			t.Fatalf("cli %d flows, %d given:\n%s", len(got), len(flows), out.String())
		}
		for _, f := range flows {
			d := w.net.Decide(f)
			want := "allowed "
			if !d.Allowed {
				want = "dropped " + d.Hop.String()
			}
			if got[f.String()] != want {
				t.Fatalf("%s: cli %q, library %q", f, got[f.String()], want)
			}
		}
	})
}
