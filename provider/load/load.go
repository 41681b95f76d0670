// Package load builds a network to ask sgsim about from what a user has:
// a vendor cluster profile with the cluster's addressing, vendor exports
// of security groups and network ACLs placed by the vendor's
// network-interface listings or a topology file, or a Terraform plan or
// state. The sgsim program calls it for every subcommand, so an
// importing tool gets exactly the network the command line gets.
//
// A Source names the input; Load reads it into a Network: the compiled
// *sgsim.Network, the NetworkSpec it was built from (for package analyze),
// the required flows that go with it (a profile's catalogue, or the one
// Source.Require names), a name and a description for reports, and notes
// and warnings on what was read but not evaluated or could not be known
// (values known only after apply, groups the export does not contain).
// Network.Addrs resolves endpoint names and address ranges for queries.
//
//	n, err := load.Load(load.Source{Profile: "cce-tunnel", Hardened: true})
//	if err != nil { ... } // bad input: the error names the flag, file and JSON path, or the field
//	fmt.Println(n.Net.Trace(sgsim.MustParseFlow("tcp 192.168.0.10:40000 -> 192.168.1.2:5444")))
//
// Source.Flags registers the command-line flags that fill a Source, so a
// program gets the same flags as sgsim's subcommands; Cluster holds a
// profile's addressing and can be set field by field from text.
// ReadExport reads one vendor export and ReadListing one
// network-interface or subnet listing, each told apart by its top-level
// key. Versions loads the two versions one source describes (a
// profile's default and hardened groups, a plan's prior state and
// planned values) and Compare says what changes between two networks.
// FixDocuments renders analyze's minimal fixes in the vendor's API form.
package load

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/provider/terraform"
	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Source names one input. Exactly one kind is given: a profile
// (Profile, with Cluster, Revision and Hardened), vendor exports (Vendor
// and Rules, placed by Topology), or a Terraform document (Plan, placed
// by Topology). The zero Source means no input; Load refuses it.
type Source struct {
	// Profile is one of Profiles. Cluster overrides its documented
	// addressing, Revision picks the CCE seed revision ("newer", the
	// default, or "older"), and Hardened selects the hardened set (CCE
	// Table 8, ACK least privilege both ways, TKE custom outbound)
	// instead of the documented default groups.
	Profile  string
	Cluster  Cluster
	Revision string
	Hardened bool

	// Vendor is one of Vendors: the format of the Rules files, each a
	// vendor export of security groups or network ACLs (see ReadExport).
	// With Plan, Vendor picks the provider family of the plan's rules
	// (when the Topology does not).
	Vendor string
	Rules  []string
	// NICs are vendor listings of network interfaces and subnets
	// (ReadListing) that place the groups on addresses: one endpoint per
	// interface, named by its ID, with its groups in attachment order.
	// Topology is a topology JSON file (provider.ReadTopology) for what
	// the listings do not carry ("internet", address groups), or for all
	// of the placement (provider.Topology.Place merges the two). Without
	// either the network holds the groups and ACLs but no endpoints:
	// enough to lint and diff the rule sets, not to ask about flows.
	NICs     []string
	Topology string

	// Plan is the output of terraform show -json for a saved plan or a
	// state. Prior reads the plan's prior state (what exists before the
	// apply) instead of its planned values.
	Plan  string
	Prior bool

	// Require names a profile whose required flows (with the Cluster
	// addressing) go with exports or a plan, for checks and fixes; a
	// profile's own required flows always go with it.
	Require string

	// SkipInvalid reads the Rules, the Plan and the NICs listings
	// leniently (read.SkipInvalid): invalid records (rules, ACL entries,
	// plan resources, interfaces, subnets) are left out and listed in
	// Network.Skipped, instead of failing the load. Never the default.
	SkipInvalid bool

	// ReadFile reads the files the source names; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
}

// Network is a loaded input.
type Network struct {
	Net  *sgsim.Network
	Spec sgsim.NetworkSpec // what Net was built from, for package analyze
	// Name is short: "cce-tunnel/newer/hardened", "huawei exports",
	// "terraform plan".
	Name string
	// Description says what was loaded from where, for report headers:
	// "profile cce-tunnel/newer, hardened worker outbound set (Table 8)".
	Description string
	// Required are the flows the cluster needs: the profile's catalogue,
	// or that of Source.Require; nil when neither is given.
	Required []provider.RequiredFlow
	// Notes say what was read but is not evaluated (disabled ACL rules),
	// each prefixed with its file.
	Notes []string
	// Skipped lists the records a lenient load (Source.SkipInvalid) left
	// out, each "file: line L, column C: what was wrong", in file order;
	// Read counts the records kept. Description states the count.
	Skipped []string
	Read    int
	// Warnings say what may make answers differ from the cloud's: rules
	// of a plan left out because a value is known only after apply, a
	// group that rules reference but the input does not contain (it
	// matches nothing unless the topology places it).
	Warnings []string
	// Inside is the cluster's own address ranges that a profile knows
	// besides its endpoints: the VPC (and Alibaba's secondary block), the
	// pod and the service ranges; the zero Addrs for exports and plans,
	// whose placement says it.
	Inside sgsim.Addrs
	// Unknown lists a plan's attributes known only after apply
	// (terraform.Plan.Unknown); Uncertain says which groups they leave
	// incomplete.
	Unknown []terraform.Unknown
}

// Placed reports whether the network has endpoints, so that flows
// between addresses can be asked about.
func (n *Network) Placed() bool { return len(n.Spec.Endpoints) > 0 }

// Kind returns which kind of input s names: "profile", "rules", "plan",
// or "" for none.
func (s *Source) Kind() string {
	switch {
	case s.Plan != "":
		return "plan"
	case len(s.Rules) > 0:
		return "rules"
	case s.Profile != "":
		return "profile"
	}
	return ""
}

// IsZero reports whether s names no input at all: no file, no profile,
// no vendor, no addressing.
func (s *Source) IsZero() bool {
	return s.Kind() == "" && s.Vendor == "" && s.Topology == "" && len(s.NICs) == 0 && s.Require == "" && len(s.Cluster.Given()) == 0
}

// Flags registers the flags that fill s on fs: -profile, the Cluster
// flags, -revision, -hardened (default true), -vendor, -rules
// (repeatable), -nics (repeatable), -topology, -plan, -prior and
// -require.
func (s *Source) Flags(fs *flag.FlagSet) {
	s.Hardened = true
	fs.StringVar(&s.Profile, "profile", s.Profile, "cluster profile `NAME`: "+strings.Join(Profiles, ", "))
	s.Cluster.Flags(fs)
	fs.StringVar(&s.Revision, "revision", s.Revision, "CCE seed `revision`: newer (default) or older")
	fs.BoolVar(&s.Hardened, "hardened", true, "the profile's hardened set (CCE Table 8, ACK least privilege both ways, TKE custom outbound); false: the documented default groups")
	fs.StringVar(&s.Vendor, "vendor", s.Vendor, "format of -rules (and provider family of -plan): "+strings.Join(Vendors, ", "))
	fs.Func("rules", "vendor export `FILE` of security groups or network ACLs (repeatable; needs -vendor)", func(v string) error {
		s.Rules = append(s.Rules, v)
		return nil
	})
	fs.Func("nics", "vendor listing `FILE` of network interfaces or subnets (vSwitches) placing the groups of -rules or -plan on addresses (repeatable; load.ReadListing)", func(v string) error {
		s.NICs = append(s.NICs, v)
		return nil
	})
	fs.StringVar(&s.Topology, "topology", s.Topology, "topology JSON `FILE` placing the groups of -rules or -plan on addresses (with -nics: what the listings do not carry)")
	fs.StringVar(&s.Plan, "plan", s.Plan, "terraform show -json output `FILE` of a plan or a state")
	fs.BoolVar(&s.Prior, "prior", s.Prior, "-plan: its prior state (before the apply) instead of its planned values")
	fs.StringVar(&s.Require, "require", s.Require, "profile `NAME` whose required flows (with the cluster flags' addressing) go with -rules or -plan")
	fs.BoolVar(&s.SkipInvalid, "skip-invalid", s.SkipInvalid, "-rules, -plan and -nics: leave out invalid records (rules, ACL entries, plan resources, interfaces, subnets) and report each, instead of refusing the input")
}

// Check reports the first inconsistency in s as an error naming the
// flags at fault, without reading any file. Load calls it.
func (s *Source) Check() error {
	kinds := 0
	for _, k := range []bool{s.Profile != "", len(s.Rules) > 0, s.Plan != ""} {
		if k {
			kinds++
		}
	}
	if kinds > 1 {
		return errors.New("-profile, -rules and -plan: give one source of rules")
	}
	given := s.Cluster.Given()
	switch s.Kind() {
	case "":
		return errors.New("no input: give -profile NAME, -vendor V -rules FILE, or -plan FILE")
	case "profile":
		if !slices.Contains(Profiles, s.Profile) {
			return fmt.Errorf("-profile %q: want one of %s", s.Profile, strings.Join(Profiles, ", "))
		}
		for _, name := range given {
			if fields := ClusterFields(s.Profile); !slices.Contains(fields, name) {
				return fmt.Errorf("-%s: profile %s has no such field (it takes -%s)", name, s.Profile, strings.Join(fields, ", -"))
			}
		}
		if s.Vendor != "" || s.Topology != "" || len(s.NICs) > 0 {
			return errors.New("-vendor, -nics and -topology go with -rules FILE or -plan FILE, not -profile")
		}
		if s.Prior {
			return errors.New("-prior applies to -plan")
		}
		if s.SkipInvalid {
			return errors.New("-skip-invalid applies to -rules and -plan (a profile has no records to skip)")
		}
		if s.Require != "" {
			return errors.New("-require applies to -rules and -plan (a profile has its own required flows)")
		}
	default:
		if s.Kind() == "rules" {
			if s.Vendor == "" {
				return fmt.Errorf("-rules needs -vendor: %s", strings.Join(Vendors, ", "))
			}
			if s.Prior {
				return errors.New("-prior applies to -plan")
			}
		}
		if _, ok := VendorSemantics(s.Vendor); !ok && s.Vendor != "" {
			return fmt.Errorf("-vendor %q: want %s", s.Vendor, strings.Join(Vendors, ", "))
		}
		if len(s.NICs) > 0 && s.Vendor == "" {
			return fmt.Errorf("-nics needs -vendor: %s", strings.Join(Vendors, ", "))
		}
		if s.Require != "" {
			if !slices.Contains(Profiles, s.Require) {
				return fmt.Errorf("-require %q: want one of %s", s.Require, strings.Join(Profiles, ", "))
			}
			for _, name := range given {
				if fields := ClusterFields(s.Require); !slices.Contains(fields, name) {
					return fmt.Errorf("-%s: profile %s has no such field (it takes -%s)", name, s.Require, strings.Join(fields, ", -"))
				}
			}
		} else if len(given) > 0 {
			return fmt.Errorf("-%s applies to a profile (-profile, or -require for the required flows), not to -%s (the topology gives the addresses)", given[0], s.Kind())
		}
	}
	if s.Revision != "" && s.Revision != "newer" && s.Revision != "older" {
		return fmt.Errorf("-revision %q: want newer or older", s.Revision)
	}
	if p := s.Profile + s.Require; s.Revision == "older" && !strings.HasPrefix(p, "cce-") {
		return errors.New("-revision applies to the CCE profiles only")
	}
	return nil
}

// Load reads the source into a network. Every error is bad input: it
// names the flag, file and (from the vendor readers) JSON path at fault.
func Load(s Source) (*Network, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if s.ReadFile == nil {
		s.ReadFile = os.ReadFile
	}
	var n *Network
	var err error
	switch s.Kind() {
	case "profile":
		n, err = loadProfile(s.Profile, &s)
	case "rules":
		n, err = loadRules(&s)
	case "plan":
		n, err = loadPlan(&s)
	}
	if err != nil {
		return nil, err
	}
	if s.Require != "" {
		p, err := loadProfile(s.Require, &s)
		if err != nil {
			return nil, fmt.Errorf("-require: %w", err)
		}
		n.Required = p.Required
	}
	return n, nil
}

// loadProfile builds the named profile with s's addressing and setting.
func loadProfile(profile string, s *Source) (*Network, error) {
	c := &s.Cluster
	setting := "default groups"
	var name string
	var spec func(bool) sgsim.NetworkSpec
	var required []provider.RequiredFlow
	var inside []netip.Prefix
	switch profile[:3] {
	case "cce":
		hc := huawei.Cluster{VPC: c.VPC, Nodes: c.Nodes, Masters: c.Masters, Pods: c.Pods, Services: c.Services, LB: c.LB, DNS: c.DNS}
		hc.Model = map[string]huawei.Model{"cce-vpc": huawei.VPCNetwork, "cce-tunnel": huawei.Tunnel, "cce-turbo": huawei.Turbo}[profile]
		if s.Revision == "older" {
			hc.Revision = huawei.Older
		}
		p, err := huawei.NewProfile(hc)
		if err != nil {
			return nil, err
		}
		name, spec, required = p.Name(), p.Spec, p.Required
		inside = []netip.Prefix{p.Cluster.VPC, p.Cluster.Pods, p.Cluster.Services}
		if s.Hardened {
			setting = "hardened worker outbound set (Table 8)"
		}
	case "ack":
		ac := alibaba.Cluster{VPC: c.VPC, NodeVSwitch: c.Nodes, Pods: c.Pods, PodVSwitch: c.PodVSwitch, Services: c.Services, Clients: c.Clients}
		if strings.Contains(profile, "advanced") {
			ac.Group = alibaba.Advanced
		}
		if strings.HasSuffix(profile, "terway") {
			ac.Plugin = alibaba.Terway
		}
		if c.APIServer != "" {
			a, err := netip.ParseAddr(c.APIServer)
			if err != nil {
				return nil, fmt.Errorf("-apiserver %q: want the API server SLB's IP address", c.APIServer)
			}
			ac.APIServerSLB = a
		}
		p, err := alibaba.NewProfile(ac)
		if err != nil {
			return nil, err
		}
		name, spec, required = p.Name(), p.Spec, p.Required
		inside = []netip.Prefix{p.Cluster.VPC, p.Cluster.VPCSecondary, p.Cluster.Pods, p.Cluster.Services}
		if s.Hardened {
			setting = "least privilege both ways"
		}
	case "tke":
		tc := tencent.Cluster{VPC: c.VPC, Nodes: c.Nodes, Masters: c.Masters, Pods: c.Pods, Services: c.Services, DNS: c.DNS}
		if profile == "tke-self-deployed" {
			tc.Mode = tencent.SelfDeployed
		}
		if c.APIServer != "" {
			a, err := netip.ParseAddrPort(c.APIServer)
			if err != nil {
				return nil, fmt.Errorf("-apiserver %q: want ADDR:PORT of the API server", c.APIServer)
			}
			tc.APIServer = a
		}
		p, err := tencent.NewProfile(tc)
		if err != nil {
			return nil, err
		}
		name, spec, required = p.Name(), p.Spec, p.Required
		inside = []netip.Prefix{p.Cluster.VPC, p.Cluster.Pods, p.Cluster.Services}
		if s.Hardened {
			setting = "custom outbound set"
		}
	}
	sp := spec(s.Hardened)
	net, err := sgsim.BuildNetwork(sp)
	if err != nil {
		return nil, err
	}
	variant := "/default"
	if s.Hardened {
		variant = "/hardened"
	}
	var in netipx.IPSetBuilder
	for _, p := range inside {
		if p.IsValid() {
			in.AddPrefix(p)
		}
	}
	inSet, _ := in.IPSet()
	return &Network{Net: net, Spec: sp, Name: name + variant, Description: "profile " + name + ", " + setting, Required: required,
		Inside: sgsim.AddrsOf(inSet)}, nil
}

// readTopology reads s.Topology, whose cloud must be cloud, or returns
// nil without one.
func readTopology(s *Source, cloud sgsim.Semantics) (*provider.Topology, error) {
	if s.Topology == "" {
		return nil, nil
	}
	data, err := s.ReadFile(s.Topology)
	if err != nil {
		return nil, fmt.Errorf("-topology: %w", err)
	}
	t, err := provider.ReadTopology(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("-topology %s: %w", s.Topology, err)
	}
	if t.Cloud != cloud {
		return nil, fmt.Errorf("-topology %s: cloud %q, but -vendor %s rules are evaluated with %q semantics", s.Topology, t.Cloud, s.Vendor, cloud)
	}
	return &t, nil
}

// listed is what placement says besides the topology: warnings from the
// merge, and, for a lenient load, the listing records read and skipped.
type listed struct {
	warnings, skipped []string
	read              int
}

// placement merges the s.NICs listings (with the ACL bindings of the
// exports) into topo, the topology file's or nil, and returns the
// topology for cloud, or nil without either; warnings say what the merge
// left out or replaced.
func placement(s *Source, cloud sgsim.Semantics, topo *provider.Topology, bindings []provider.ACLBinding) (*provider.Topology, listed, error) {
	if topo == nil && len(s.NICs) == 0 {
		return nil, listed{}, nil
	}
	t := provider.Topology{Cloud: cloud}
	if topo != nil {
		t = *topo
	}
	if len(s.NICs) == 0 && len(bindings) == 0 {
		return &t, listed{}, nil
	}
	var p provider.Placement
	var out listed
	for _, file := range s.NICs {
		data, err := s.ReadFile(file)
		if err != nil {
			return nil, listed{}, fmt.Errorf("-nics: %w", err)
		}
		var rep read.Report
		var opts []read.Option
		if s.SkipInvalid {
			opts = append(opts, read.SkipInvalid(&rep))
		}
		l, err := ReadListing(VendorOf(cloud), file, data, opts...)
		if err != nil {
			return nil, listed{}, fmt.Errorf("-nics %s: %w", file, err)
		}
		p.NICs, p.Subnets = append(p.NICs, l.NICs...), append(p.Subnets, l.Subnets...)
		out.read += rep.Read
		for _, e := range rep.Skipped {
			out.skipped = append(out.skipped, file+": "+e.Error())
		}
	}
	p.Bindings = bindings
	placed, warns, err := t.Place(p)
	if err != nil {
		return nil, listed{}, fmt.Errorf("-nics: %w", err)
	}
	for _, w := range warns {
		out.warnings = append(out.warnings, w.String())
	}
	return &placed, out, nil
}

// build builds the network of groups and ACLs with cloud semantics,
// placed by topo when there is one (provider.Topology.Spec): a group a
// rule references but the input leaves out matches nothing, with a
// warning, instead of refusing the network.
func build(cloud sgsim.Semantics, topo *provider.Topology, groups, acls []sgsim.Group) (sgsim.NetworkSpec, *sgsim.Network, []string, error) {
	t := provider.Topology{Cloud: cloud}
	if topo != nil {
		t = *topo
	}
	spec, warns := t.Spec(groups, acls)
	var warnings []string
	for _, w := range warns {
		warnings = append(warnings, w.String())
	}
	n, err := sgsim.BuildNetwork(spec)
	return spec, n, warnings, err
}

func loadRules(s *Source) (*Network, error) {
	sem, _ := VendorSemantics(s.Vendor)
	topo, err := readTopology(s, sem)
	if err != nil {
		return nil, err
	}
	var groups, acls []sgsim.Group
	var bindings []provider.ACLBinding
	var notes, skipped []string
	read := 0
	from := map[string]string{} // group or ACL ID: the file it came from
	for _, file := range s.Rules {
		data, err := s.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("-rules: %w", err)
		}
		x, err := ReadExport(s.Vendor, file, data, s.readOptions()...)
		if err != nil {
			return nil, fmt.Errorf("-rules %s: %w", file, err)
		}
		read += x.Read
		for _, e := range x.Skipped {
			skipped = append(skipped, file+": "+e.Error())
		}
		for _, set := range [][]sgsim.Group{x.Groups, x.ACLs} {
			for _, g := range set {
				if f, ok := from[g.ID]; ok && f != file {
					// Within one file the network's own check says where.
					return nil, fmt.Errorf("-rules: %q is in both %s and %s: give each group's or ACL's rules in one export", g.ID, f, file)
				}
				from[g.ID] = file
			}
		}
		groups, acls = append(groups, x.Groups...), append(acls, x.ACLs...)
		bindings = append(bindings, x.Bindings...)
		for _, note := range x.Notes {
			notes = append(notes, file+": "+note)
		}
	}
	// A binding whose ACL no file holds (its ACL skipped by a lenient
	// read) is dropped with a note: it would name an ACL the network lacks.
	var kept []provider.ACLBinding
	for _, b := range bindings {
		if _, ok := from[b.ACL]; !ok {
			notes = append(notes, fmt.Sprintf("subnet %q: its binding to network ACL %q is left out: no -rules file holds that ACL", b.Subnet, b.ACL))
			continue
		}
		kept = append(kept, b)
	}
	bindings = kept
	topo, l, err := placement(s, sem, topo, bindings)
	if err != nil {
		return nil, err
	}
	skipped, read = append(skipped, l.skipped...), read+l.read
	spec, net, warnings, err := build(sem, topo, groups, acls)
	if err != nil {
		// Name what placed the groups: the error may be theirs (an ACL a
		// listing binds that no -rules file holds).
		with := ""
		if len(s.NICs) > 0 {
			with += " with -nics " + strings.Join(s.NICs, ", ")
		}
		if s.Topology != "" {
			with += " with -topology " + s.Topology
		}
		return nil, fmt.Errorf("-rules%s: %w", with, err)
	}
	desc := fmt.Sprintf("%s rules from %s (%d groups", s.Vendor, strings.Join(s.Rules, ", "), len(groups))
	if len(acls) > 0 {
		desc += fmt.Sprintf(", %d network ACLs", len(acls))
	}
	desc += ")" + placedBy(s) + s.skippedText(len(skipped))
	return &Network{Net: net, Spec: spec, Name: s.Vendor + " exports", Description: desc, Notes: notes, Skipped: skipped, Read: read, Warnings: append(l.warnings, warnings...)}, nil
}

// readOptions are the vendor readers' options for s.
func (s *Source) readOptions() []read.Option {
	if !s.SkipInvalid {
		return nil
	}
	return []read.Option{read.SkipInvalid(new(read.Report))}
}

// skippedText states, for descriptions, how many invalid records a
// lenient load left out; "" for a strict one.
func (s *Source) skippedText(n int) string {
	if !s.SkipInvalid {
		return ""
	}
	if n == 1 {
		return "; 1 invalid record skipped (-skip-invalid)"
	}
	return fmt.Sprintf("; %d invalid records skipped (-skip-invalid)", n)
}

// placedBy says what placed the groups, for descriptions.
func placedBy(s *Source) string {
	var by []string
	by = append(by, s.NICs...)
	if s.Topology != "" {
		by = append(by, s.Topology)
	}
	if len(by) == 0 {
		return ""
	}
	return " placed by " + strings.Join(by, ", ")
}

func loadPlan(s *Source) (*Network, error) {
	// The topology's cloud picks the provider family.
	var topo *provider.Topology
	if s.Topology != "" {
		data, err := s.ReadFile(s.Topology)
		if err != nil {
			return nil, fmt.Errorf("-topology: %w", err)
		}
		t, err := provider.ReadTopology(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("-topology %s: %w", s.Topology, err)
		}
		topo = &t
	}
	data, err := s.ReadFile(s.Plan)
	if err != nil {
		return nil, fmt.Errorf("-plan: %w", err)
	}
	var rep read.Report
	var opts []read.Option
	if s.SkipInvalid {
		opts = append(opts, read.SkipInvalid(&rep))
	}
	p, err := terraform.ReadPlan(bytes.NewReader(data), opts...)
	if err != nil {
		return nil, fmt.Errorf("-plan %s: %w", s.Plan, err)
	}
	var skipped []string
	for _, e := range rep.Skipped {
		skipped = append(skipped, s.Plan+": "+e.Error())
	}
	what := "terraform plan"
	if p.State {
		what = "terraform state"
	}
	if s.Prior {
		if p.State {
			return nil, fmt.Errorf("-prior: %s is a state, not a plan: it has no prior state", s.Plan)
		}
		if p.Prior == nil {
			// A plan without a prior state creates everything: before
			// the apply, no rules exist.
			p = &terraform.Plan{State: true, Huawei: terraform.Vendor{Provider: "huaweicloud", Semantics: sgsim.Huawei},
				Alibaba: terraform.Vendor{Provider: "alicloud", Semantics: sgsim.Alibaba},
				Tencent: terraform.Vendor{Provider: "tencentcloud", Semantics: sgsim.Tencent},
				AWS:     terraform.Vendor{Provider: "aws", Semantics: sgsim.Union}}
		} else {
			p = p.Prior
		}
		what = "terraform plan's prior state"
	}
	// The provider family: the topology's cloud, -vendor, or the only
	// family with rules.
	var sem sgsim.Semantics
	var have []string
	for _, v := range p.Vendors() {
		if len(v.Groups) > 0 {
			have = append(have, VendorOf(v.Semantics))
		}
	}
	vs, byVendor := VendorSemantics(s.Vendor)
	switch {
	case topo != nil && byVendor && topo.Cloud != vs:
		return nil, fmt.Errorf("-topology %s: cloud %q, but -vendor %s rules are evaluated with %q semantics", s.Topology, topo.Cloud, s.Vendor, vs)
	case topo != nil:
		sem = topo.Cloud
	case byVendor:
		sem = vs
	case len(have) == 1:
		sem, _ = VendorSemantics(have[0])
	case len(have) == 0 && !s.Prior:
		return nil, fmt.Errorf("-plan %s: no security-group rules of any provider", s.Plan)
	case len(have) == 0:
		return nil, fmt.Errorf("-plan %s: the prior state has no security-group rules: give -vendor to say which provider's", s.Plan)
	default:
		return nil, fmt.Errorf("-plan %s has rules of %s: give -vendor or -topology to pick one", s.Plan, strings.Join(have, ", "))
	}
	var groups []sgsim.Group
	for _, v := range p.Vendors() {
		if v.Semantics == sem {
			groups = v.Groups
		}
	}
	if len(groups) == 0 && !s.Prior && len(have) > 0 {
		return nil, fmt.Errorf("-plan %s: no security-group rules for cloud %q (the plan has rules of: %s)", s.Plan, sem, strings.Join(have, ", "))
	}
	if s.Vendor == "" {
		s.Vendor = VendorOf(sem)
	}
	topo, l, err := placement(s, sem, topo, nil)
	if err != nil {
		return nil, err
	}
	skipped = append(skipped, l.skipped...)
	rep.Read += l.read
	spec, net, warnings, err := build(sem, topo, groups, nil)
	warnings = append(l.warnings, warnings...)
	if err != nil {
		if topo != nil {
			return nil, fmt.Errorf("-plan with -topology %s: %w", s.Topology, err)
		}
		return nil, fmt.Errorf("-plan: %w", err)
	}
	if len(p.Unknown) > 0 {
		var attrs []string
		for _, u := range p.Unknown {
			attrs = append(attrs, u.String())
		}
		warnings = append(warnings, fmt.Sprintf("%s: %d attributes are known only after apply; rules that depend on them are left out: %s", s.Plan, len(p.Unknown), strings.Join(attrs, ", ")))
	}
	desc := fmt.Sprintf("%s rules from %s %s (%d groups)", VendorOf(sem), what, s.Plan, len(groups)) + placedBy(s) + s.skippedText(len(skipped))
	return &Network{Net: net, Spec: spec, Name: what, Description: desc, Skipped: skipped, Read: rep.Read, Warnings: warnings, Unknown: p.Unknown}, nil
}

// Addrs resolves what a user names as one side of a query: a
// comma-separated list of the network's endpoint names (the topology's or
// the profile's: "nodes", "masters", ...) and addresses, prefixes or
// ranges ("10.0.0.0/24", "10.0.0.5-10.0.0.9"), by sgsim.ResolveAddrs
// (intent files resolve theirs the same way): an empty item ("nodes,")
// is an error naming its position, an unknown name one listing the
// endpoints.
func (n *Network) Addrs(s string) (sgsim.Addrs, error) {
	return sgsim.ResolveAddrs(s, n.Spec.Endpoints)
}
