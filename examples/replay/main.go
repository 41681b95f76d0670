// The replay binary replays captured traffic (pcap/pcapng files or VPC
// flow logs) through a cluster's security groups and network ACLs and
// reports, flow by flow, what the network would drop, where and by which
// rule: the question to ask before tightening a rule set is which of the
// flows the cluster really sends the new set would cut.
//
// With no arguments it replays an embedded sample, a two-minute capture
// of a default CCE tunnel-network cluster (testdata/cce-tunnel.pcap; see
// gen_test.go for what it holds and how to regenerate it), against the
// cce-tunnel profile with the hardened worker outbound set (CCE Table 8),
// prints the dropped flows and a summary, and exits 0:
//
//	go run ./examples/replay
//	go run ./examples/replay -pcap node1.pcap -pcap node2.pcapng -profile cce-vpc -nodes 10.1.0.0/24
//	go run ./examples/replay -flowlog vpc-flow.log -profile ack-basic-flannel -hardened=false
//	go run ./examples/replay -pcap trace.pcap -vendor huawei -rules sg-rules.json -endpoints topology.json
//	go run ./examples/replay -format json -dropped-pcap dropped.pcap -fail-on-drop
//
// Input: -pcap FILE (repeatable, in time order) or -flowlog FILE
// (repeatable; AWS v2 or Huawei, detected); neither means the embedded
// sample.
//
// Rules: either -profile NAME (default cce-tunnel) with the cluster's
// addressing as flags (-vpc, -nodes, -masters, -pods, -pod-vswitch,
// -services, -lb, -dns, -apiserver, -clients; each overrides the
// profile's documented default, and naming a field the profile does not
// have is an error), -hardened (default true: CCE Table 8, ACK least
// privilege both ways, TKE custom outbound; -hardened=false replays
// against the documented default groups) and, for CCE, -revision
// newer|older (the seed tables' revision, default newer), or -rules FILE
// (repeatable) of a vendor export (-vendor
// huawei|alibaba|tencent|aws|terraform) placed by -endpoints FILE, the
// topology JSON that provider.ReadTopology reads; the profile flags are
// an error with -rules.
//
// Each -rules file holds security groups or network ACLs, told apart by
// the top-level key: Huawei ListSecurityGroupRules or ShowFirewall
// (network ACLs; disabled rules are reported in the header, not
// evaluated); Alibaba DescribeSecurityGroupAttribute (one group, or an
// array of them) or DescribeNetworkAcls / DescribeNetworkAclAttributes;
// AWS DescribeSecurityGroupRules, DescribeSecurityGroups or
// DescribeNetworkAcls; Tencent DescribeSecurityGroupPolicies,
// DescribeNetworkAcls or DescribeNetworkAclQuintupleEntries. A Tencent
// security-group or quintuple export holds one group's or ACL's entries:
// its ID is the file name without its extension. For Terraform the rules
// of the provider family whose semantics the topology's cloud names are
// used.
//
// -inner-drops judges the flows inside VXLAN and Geneve tunnels by the
// rules as if they were not encapsulated (replay.Config.InnerDrops); by
// default an inner flow shares the fate of the outer flow that carries
// it, since security groups see only the outer packet.
//
// -workers N (default 1) shards the tracking of a capture's flows over N
// goroutines (replay.Config.Workers): the same report, except that an
// inner tunnel flow carried between two pairs of nodes may be listed once
// per pair. Decoding stays on one goroutine, so it is not faster on two
// CPUs (bench/README.md). N above replay.MaxWorkers() (4 per CPU) is
// refused.
//
// Output: -format text (default) prints a table of the dropped flows
// (-all: every flow) and the summary: flows by verdict and by deciding
// hop and rule, and per input what its reader skipped. -format json
// prints every flow as one JSON object per line (replay.JSONFlow:
// snake_case keys such as src, dst, sport, dport, proto, verdict, hop,
// group, rule) on stdout and the summary on stderr. -dropped-pcap FILE
// writes exactly the packets the network would drop, as a classic pcap
// (all -pcap inputs merged; they must share a link type).
//
// Exit status: 0; 1 with -fail-on-drop when any flow is dropped; 2 on bad
// input (unknown profile, unreadable or malformed file, bad flag value),
// with a one-line error on stderr. Reading an input that takes more than
// a second shows a progress line on stderr when stderr is a terminal.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/provider/terraform"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
	"github.com/sgsim/sgsim/sgsim/replay"
)

//go:embed testdata/cce-tunnel.pcap
var sampleCapture []byte

// sampleName names the embedded capture in messages.
const sampleName = "embedded sample testdata/cce-tunnel.pcap"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is bad input: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func bad(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// list is a repeatable string flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

// cluster holds the addressing flags; set records which were given.
type cluster struct {
	set                                                      map[string]string // flag name -> value as given
	vpc, nodes, masters, pods, podVSwitch, services, lb, cli netip.Prefix
	dns                                                      []netip.Addr
	apiserver                                                string
}

// options are the parsed command line.
type options struct {
	pcaps, flowlogs, rules []string
	profile, revision      string
	vendor, endpoints      string
	hardened, all, fail    bool
	innerDrops             bool
	workers                int
	format, droppedPcap    string
	c                      cluster
}

var profileNames = []string{"cce-vpc", "cce-tunnel", "cce-turbo",
	"ack-basic-flannel", "ack-basic-terway", "ack-advanced-flannel", "ack-advanced-terway",
	"tke-managed", "tke-self-deployed"}

// fields lists the addressing flags each profile family takes.
var fields = map[string][]string{
	"cce": {"vpc", "nodes", "masters", "pods", "services", "lb", "dns"},
	"ack": {"vpc", "nodes", "pods", "pod-vswitch", "services", "apiserver", "clients"},
	"tke": {"vpc", "nodes", "masters", "pods", "services", "apiserver", "dns"},
}

func parse(args []string, stdout io.Writer) (*options, error) {
	o := &options{c: cluster{set: map[string]string{}}}
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var((*list)(&o.pcaps), "pcap", "`FILE` to replay, pcap or pcapng (repeatable, in time order)")
	fs.Var((*list)(&o.flowlogs), "flowlog", "VPC flow log `FILE` to replay, AWS v2 or Huawei (repeatable)")
	fs.StringVar(&o.profile, "profile", "", "cluster profile `NAME`: "+strings.Join(profileNames, ", ")+" (default cce-tunnel without -rules)")
	fs.StringVar(&o.revision, "revision", "newer", "CCE seed revision: newer or older")
	fs.BoolVar(&o.hardened, "hardened", true, "use the profile's hardened set (CCE Table 8, ACK least privilege, TKE custom outbound); false: the documented default groups")
	fs.Var((*list)(&o.rules), "rules", "vendor export `FILE` of security groups or network ACLs (repeatable; needs -vendor and -endpoints)")
	fs.StringVar(&o.vendor, "vendor", "", "format of -rules: huawei, alibaba, tencent, aws or terraform")
	fs.StringVar(&o.endpoints, "endpoints", "", "topology JSON `FILE` placing the -rules groups (provider.ReadTopology)")
	fs.StringVar(&o.format, "format", "text", "output: text (table of dropped flows and summary) or json (every flow, one object per line)")
	fs.BoolVar(&o.all, "all", false, "text output: list every flow, not only the dropped ones")
	fs.StringVar(&o.droppedPcap, "dropped-pcap", "", "write the packets the network would drop to this pcap `FILE`")
	fs.BoolVar(&o.fail, "fail-on-drop", false, "exit 1 when any flow is dropped")
	fs.IntVar(&o.workers, "workers", 1, "goroutines tracking flows while a capture is read (replay.Config.Workers; same report, see its documentation)")
	fs.BoolVar(&o.innerDrops, "inner-drops", false, "judge flows inside VXLAN/Geneve tunnels by the rules as if they were not encapsulated (security groups see only the outer packet, so by default inner flows share their carrier's fate)")
	prefix := func(name string, dst *netip.Prefix, usage string) {
		fs.Func(name, usage, func(s string) error {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return errors.New("want a CIDR prefix such as 192.168.0.0/24")
			}
			if p.Masked() != p {
				return fmt.Errorf("host bits set; want %s", p.Masked())
			}
			*dst = p
			o.c.set[name] = s
			return nil
		})
	}
	prefix("vpc", &o.c.vpc, "VPC `CIDR`")
	prefix("nodes", &o.c.nodes, "node subnet `CIDR` (ACK: node vSwitch)")
	prefix("masters", &o.c.masters, "master `CIDR` (CCE; TKE self-deployed)")
	prefix("pods", &o.c.pods, "container `CIDR` (CCE, TKE; ACK Flannel)")
	prefix("pod-vswitch", &o.c.podVSwitch, "ACK Terway pod vSwitch `CIDR`")
	prefix("services", &o.c.services, "Service `CIDR`")
	prefix("lb", &o.c.lb, "CCE ELB `CIDR`")
	prefix("clients", &o.c.cli, "ACK least-privilege clients `CIDR`")
	fs.Func("dns", "DNS server `ADDRS`, comma separated (CCE, TKE)", func(s string) error {
		o.c.dns = nil
		for _, a := range strings.Split(s, ",") {
			ip, err := netip.ParseAddr(strings.TrimSpace(a))
			if err != nil {
				return fmt.Errorf("%q: want IP addresses separated by commas", a)
			}
			o.c.dns = append(o.c.dns, ip)
		}
		o.c.set["dns"] = s
		return nil
	})
	fs.Func("apiserver", "API server: ACK SLB `ADDR`, TKE managed ADDR:PORT", func(s string) error {
		o.c.apiserver = s
		o.c.set["apiserver"] = s
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "usage: replay [-pcap FILE ... | -flowlog FILE ...] [-profile NAME [cluster flags] [-hardened=false] [-revision older] | -vendor V -rules FILE ... -endpoints FILE] [-inner-drops] [-workers N] [-format text|json] [-all] [-dropped-pcap FILE] [-fail-on-drop]")
			fs.PrintDefaults()
			return nil, err
		}
		return nil, &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, bad("unexpected argument %q (inputs are given with -pcap or -flowlog)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if o.workers < 1 {
		return nil, bad("-workers %d: want 1 or more", o.workers)
	}
	if m := replay.MaxWorkers(); o.workers > m {
		return nil, bad("-workers %d: at most %d (%d per CPU, GOMAXPROCS %d): decoding runs on one goroutine, so more workers only cost memory",
			o.workers, m, replay.WorkersPerCPU, runtime.GOMAXPROCS(0))
	}
	if o.format != "text" && o.format != "json" {
		return nil, bad("-format %q: want text or json", o.format)
	}
	if len(o.pcaps) > 0 && len(o.flowlogs) > 0 {
		return nil, bad("-pcap and -flowlog: give one kind of input")
	}
	if o.droppedPcap != "" && len(o.flowlogs) > 0 {
		return nil, bad("-dropped-pcap needs packet captures, not flow logs")
	}
	if len(o.rules) > 0 {
		if o.profile != "" {
			return nil, bad("-profile and -rules: give one source of rules")
		}
		if len(o.c.set) > 0 {
			return nil, bad("-%s applies to -profile, not to -rules (the topology gives the addresses)", firstKey(o.c.set))
		}
		for _, name := range []string{"hardened", "revision"} {
			if given[name] {
				return nil, bad("-%s applies to -profile, not to -rules (the exports are replayed as they are)", name)
			}
		}
		if o.endpoints == "" {
			return nil, bad("-rules needs -endpoints FILE (the topology JSON)")
		}
		switch o.vendor {
		case "huawei", "alibaba", "tencent", "aws", "terraform":
		case "":
			return nil, bad("-rules needs -vendor: huawei, alibaba, tencent, aws or terraform")
		default:
			return nil, bad("-vendor %q: want huawei, alibaba, tencent, aws or terraform", o.vendor)
		}
	} else {
		if o.vendor != "" || o.endpoints != "" {
			return nil, bad("-vendor and -endpoints go with -rules FILE")
		}
		if o.profile == "" {
			o.profile = "cce-tunnel"
		}
		if !slices.Contains(profileNames, o.profile) {
			return nil, bad("-profile %q: want one of %s", o.profile, strings.Join(profileNames, ", "))
		}
		family := o.profile[:3]
		for name := range o.c.set {
			if !slices.Contains(fields[family], name) {
				return nil, bad("-%s: profile %s has no such field (it takes -%s)", name, o.profile, strings.Join(fields[family], ", -"))
			}
		}
		if family != "cce" && o.revision != "newer" {
			return nil, bad("-revision applies to the CCE profiles only")
		}
	}
	return o, nil
}

func firstKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0]
}

// profileNetwork builds the network of the named profile with the
// addressing flags applied, and returns a description for the header.
func profileNetwork(o *options) (*sgsim.Network, string, error) {
	c := &o.c
	set := func(name string) bool { _, ok := c.set[name]; return ok }
	setting := "hardened"
	if !o.hardened {
		setting = "default groups"
	}
	var name string
	var build func(bool) (*sgsim.Network, error)
	switch o.profile {
	case "cce-vpc", "cce-tunnel", "cce-turbo":
		hc := huawei.Cluster{VPC: c.vpc, Nodes: c.nodes, Masters: c.masters, Pods: c.pods, Services: c.services, LB: c.lb, DNS: c.dns}
		hc.Model = map[string]huawei.Model{"cce-vpc": huawei.VPCNetwork, "cce-tunnel": huawei.Tunnel, "cce-turbo": huawei.Turbo}[o.profile]
		switch o.revision {
		case "newer":
			hc.Revision = huawei.Newer
		case "older":
			hc.Revision = huawei.Older
		default:
			return nil, "", bad("-revision %q: want newer or older", o.revision)
		}
		p, err := huawei.NewProfile(hc)
		if err != nil {
			return nil, "", bad("%v", err)
		}
		name, build = p.Name(), p.Network
		if o.hardened {
			setting = "hardened worker outbound set (Table 8)"
		}
	case "ack-basic-flannel", "ack-basic-terway", "ack-advanced-flannel", "ack-advanced-terway":
		ac := alibaba.Cluster{VPC: c.vpc, NodeVSwitch: c.nodes, Pods: c.pods, PodVSwitch: c.podVSwitch, Services: c.services, Clients: c.cli}
		if strings.Contains(o.profile, "advanced") {
			ac.Group = alibaba.Advanced
		}
		if strings.HasSuffix(o.profile, "terway") {
			ac.Plugin = alibaba.Terway
		}
		if set("apiserver") {
			a, err := netip.ParseAddr(c.apiserver)
			if err != nil {
				return nil, "", bad("-apiserver %q: want the API server SLB's IP address", c.apiserver)
			}
			ac.APIServerSLB = a
		}
		p, err := alibaba.NewProfile(ac)
		if err != nil {
			return nil, "", bad("%v", err)
		}
		name, build = p.Variant(o.hardened), p.Network
		if o.hardened {
			setting = "least privilege both ways"
		}
	case "tke-managed", "tke-self-deployed":
		tc := tencent.Cluster{VPC: c.vpc, Nodes: c.nodes, Masters: c.masters, Pods: c.pods, Services: c.services, DNS: c.dns}
		if o.profile == "tke-self-deployed" {
			tc.Mode = tencent.SelfDeployed
		}
		if set("apiserver") {
			a, err := netip.ParseAddrPort(c.apiserver)
			if err != nil {
				return nil, "", bad("-apiserver %q: want ADDR:PORT of the API server", c.apiserver)
			}
			tc.APIServer = a
		}
		p, err := tencent.NewProfile(tc)
		if err != nil {
			return nil, "", bad("%v", err)
		}
		name, build = p.Name(), p.Network
		if o.hardened {
			setting = "custom outbound set"
		}
	}
	n, err := build(o.hardened)
	if err != nil {
		return nil, "", err
	}
	return n, "profile " + name + ", " + setting, nil
}

// vendorSemantics is the semantics each -vendor's groups are read for.
var vendorSemantics = map[string]sgsim.Semantics{
	"huawei": sgsim.Huawei, "alibaba": sgsim.Alibaba, "tencent": sgsim.Tencent, "aws": sgsim.Union,
}

// rulesNetwork builds the network of vendor exports placed by a topology.
func rulesNetwork(o *options) (*sgsim.Network, string, error) {
	data, err := os.ReadFile(o.endpoints)
	if err != nil {
		return nil, "", bad("-endpoints: %v", err)
	}
	topo, err := provider.ReadTopology(bytes.NewReader(data))
	if err != nil {
		return nil, "", bad("-endpoints %s: %v", o.endpoints, err)
	}
	if sem, ok := vendorSemantics[o.vendor]; ok && topo.Cloud != sem {
		return nil, "", bad("-endpoints %s: cloud %q, but -vendor %s rules are evaluated with %q semantics", o.endpoints, topo.Cloud, o.vendor, sem)
	}
	var groups, acls []sgsim.Group
	var notes []string
	for _, file := range o.rules {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, "", bad("-rules: %v", err)
		}
		g, a, note, err := readRules(o.vendor, file, data, topo.Cloud)
		if err != nil {
			return nil, "", bad("-rules %s: %v", file, err)
		}
		groups, acls = append(groups, g...), append(acls, a...)
		if note != "" {
			notes = append(notes, file+": "+note)
		}
	}
	n, err := topo.Network(groups, acls)
	if err != nil {
		return nil, "", bad("-rules with -endpoints %s: %v", o.endpoints, err)
	}
	desc := fmt.Sprintf("%s rules from %s (%d groups", o.vendor, strings.Join(o.rules, ", "), len(groups))
	if len(acls) > 0 {
		desc += fmt.Sprintf(", %d network ACLs", len(acls))
	}
	desc += ") placed by " + o.endpoints
	if len(notes) > 0 {
		desc += "; " + strings.Join(notes, "; ")
	}
	return n, desc, nil
}

// readRules reads one -rules file: security groups or network ACLs, told
// apart by the document's top-level key. note reports what was read but
// is not evaluated (disabled ACL rules).
func readRules(vendor, file string, data []byte, cloud sgsim.Semantics) (groups, acls []sgsim.Group, note string, err error) {
	r := bytes.NewReader(data)
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		top = nil
	}
	switch vendor {
	case "huawei":
		if top["firewall"] != nil || top["firewalls"] != nil {
			var fws []huawei.Firewall
			if fws, err = huawei.ReadFirewalls(r); err != nil {
				return nil, nil, "", err
			}
			var off, suspended int
			for _, fw := range fws {
				acls = append(acls, fw.ACL)
				off += len(fw.Disabled)
				suspended += len(fw.Suspended)
			}
			if off+suspended > 0 {
				note = fmt.Sprintf("%d disabled rules and %d rules of disabled network ACLs are not evaluated (a disabled ACL denies everything)", off, suspended)
			}
			return nil, acls, note, nil
		}
		groups, err = huawei.ReadRules(r)
	case "alibaba":
		switch {
		case top["NetworkAclAttribute"] != nil || top["NetworkAcls"] != nil:
			acls, err = alibaba.ReadNetworkAcls(r)
		case len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] == '[':
			groups, err = alibaba.ReadSecurityGroups(r)
		default:
			var g sgsim.Group
			g, err = alibaba.ReadSecurityGroup(r)
			groups = []sgsim.Group{g}
		}
	case "tencent":
		id := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		inner := top
		var resp map[string]json.RawMessage
		if json.Unmarshal(top["Response"], &resp) == nil && resp != nil {
			inner = resp
		}
		var g sgsim.Group
		switch {
		case inner["NetworkAclSet"] != nil:
			acls, err = tencent.ReadNetworkAcls(r)
		case inner["NetworkAclQuintupleSet"] != nil:
			g, err = tencent.ReadNetworkAclQuintupleEntries(r, id)
			acls = []sgsim.Group{g}
		default:
			g, err = tencent.ReadPolicies(r, id)
			groups = []sgsim.Group{g}
		}
	case "aws":
		switch {
		case top["NetworkAcls"] != nil:
			acls, err = aws.ReadNetworkAcls(r)
		case top["SecurityGroups"] != nil:
			groups, err = aws.ReadSecurityGroups(r)
		default:
			groups, err = aws.ReadSecurityGroupRules(r)
		}
	case "terraform":
		var p *terraform.Plan
		if p, err = terraform.ReadPlan(r); err != nil {
			return nil, nil, "", err
		}
		var have []string
		for _, v := range p.Vendors() {
			if v.Semantics == cloud {
				groups = v.Groups
			}
			if len(v.Groups) > 0 {
				have = append(have, v.Provider)
			}
		}
		if len(groups) == 0 {
			return nil, nil, "", fmt.Errorf("no security-group rules for cloud %q (the plan has rules of: %s)", cloud, orNone(have))
		}
	}
	return groups, acls, note, err
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// input is one capture or flow log to replay.
type input struct {
	flag string // "-pcap", "-flowlog"; "" for the embedded sample
	name string
	open func() (io.ReadCloser, int64, error) // the reader and its size (0: unknown)
}

func inputs(o *options) (pcaps, logs []input) {
	file := func(flag, path string) input {
		return input{flag: flag, name: path, open: func() (io.ReadCloser, int64, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, 0, err
			}
			var size int64
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				size = st.Size()
			}
			return f, size, nil
		}}
	}
	for _, p := range o.pcaps {
		pcaps = append(pcaps, file("-pcap", p))
	}
	for _, p := range o.flowlogs {
		logs = append(logs, file("-flowlog", p))
	}
	if len(pcaps) == 0 && len(logs) == 0 {
		pcaps = append(pcaps, input{name: sampleName, open: func() (io.ReadCloser, int64, error) {
			return io.NopCloser(bytes.NewReader(sampleCapture)), int64(len(sampleCapture)), nil
		}})
	}
	return pcaps, logs
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		err = replayAll(o, stdout, stderr)
	}
	var dropped *dropError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &dropped):
		return 1
	default:
		fmt.Fprintln(stderr, "replay:", oneLine(err.Error()))
		return 2
	}
}

// dropError is -fail-on-drop's outcome: exit status 1, nothing more to say.
type dropError struct{}

func (dropError) Error() string { return "flows dropped" }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func replayAll(o *options, stdout, stderr io.Writer) error {
	var n *sgsim.Network
	var desc string
	var err error
	if len(o.rules) > 0 {
		n, desc, err = rulesNetwork(o)
	} else {
		n, desc, err = profileNetwork(o)
	}
	if err != nil {
		return err
	}
	pcaps, logs := inputs(o)
	// Open the -dropped-pcap file first: an unwritable path is bad input,
	// better refused before a long replay than after its report.
	var dropped *os.File
	if o.droppedPcap != "" {
		if dropped, err = os.Create(o.droppedPcap); err != nil {
			return bad("-dropped-pcap: %v", err)
		}
		defer dropped.Close()
	}
	r := replay.New(n, replay.Config{RecordDropped: o.droppedPcap != "", InnerDrops: o.innerDrops, Workers: o.workers})
	prog := newProgress(stderr)
	var names []string
	for i, in := range pcaps {
		names = append(names, fmt.Sprintf("capture %d: %s", i+1, in.name))
		if err := readInput(in, prog, func(rd io.Reader) error {
			c, err := capture.NewReader(rd)
			if err != nil {
				return err
			}
			return r.AddCapture(c)
		}); err != nil {
			return err
		}
	}
	for i, in := range logs {
		names = append(names, fmt.Sprintf("flowlog %d: %s", i+1, in.name))
		if err := readInput(in, prog, func(rd io.Reader) error {
			return r.AddFlowLog(flowlog.NewReader(rd, flowlog.Detect))
		}); err != nil {
			return err
		}
	}
	rep := r.Report()
	if err := writeReport(o, rep, desc, names, stdout, stderr); err != nil {
		return err
	}
	if dropped != nil {
		if err := writeDropped(dropped, rep, pcaps); err != nil {
			os.Remove(dropped.Name()) // no partial file left behind
			return err
		}
	}
	if o.fail && rep.Summary.Dropped > 0 {
		return &dropError{}
	}
	return nil
}

// readInput opens one input and reads it with add, showing progress.
func readInput(in input, prog *progress, add func(io.Reader) error) error {
	rc, size, err := in.open()
	if err != nil {
		return bad("%s: %v", in.flag, err)
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	stop := prog.start(in.name, size, &cr.n)
	err = add(bufio.NewReaderSize(cr, 256<<10))
	stop()
	if err != nil {
		return bad("%s: %v", in.name, err)
	}
	return nil
}

func writeReport(o *options, rep *replay.Report, desc string, names []string, stdout, stderr io.Writer) error {
	s := &rep.Summary
	if o.format == "json" {
		if err := rep.WriteJSON(stdout); err != nil {
			return err
		}
		// The summary goes to stderr, so that stdout is JSON lines only.
		fmt.Fprintf(stderr, "replayed against %s\n", desc)
		for _, n := range names {
			fmt.Fprintln(stderr, n)
		}
		return writeSummary(stderr, rep)
	}
	bw := bufio.NewWriter(stdout)
	fmt.Fprintf(bw, "replayed against %s\n", desc)
	for _, n := range names {
		fmt.Fprintln(bw, n)
	}
	shown := *rep
	if !o.all {
		shown.Flows = nil
		for _, f := range rep.Flows {
			if !f.Allowed() {
				shown.Flows = append(shown.Flows, f)
			}
		}
		fmt.Fprintf(bw, "\n%d of %d flows would be dropped (-all lists every flow):\n", s.Dropped, s.Flows)
	} else {
		fmt.Fprintf(bw, "\n%d flows, %d would be dropped:\n", s.Flows, s.Dropped)
	}
	if err := shown.WriteText(bw); err != nil {
		return err
	}
	inner := 0
	for _, f := range rep.Flows {
		if !f.Allowed() && f.OuterID != 0 {
			inner++
		}
	}
	if inner > 0 {
		fmt.Fprintf(bw, "note: %d dropped flows are inner flows of a tunnel (\"in #ID\" names the outer flow); %s\n", inner,
			map[bool]string{false: "they are dropped with the outer flow that carries them.",
				true: "-inner-drops judged them as if not encapsulated, while a security group sees only the outer packet."}[o.innerDrops])
	}
	return bw.Flush()
}

// writeSummary writes the summary part of Report.WriteText: the text form
// of a report without flows, minus the table's header line.
func writeSummary(w io.Writer, rep *replay.Report) error {
	noFlows := *rep
	noFlows.Flows = nil
	var b bytes.Buffer
	if err := noFlows.WriteText(&b); err != nil {
		return err
	}
	_, rest, _ := bytes.Cut(b.Bytes(), []byte("\n"))
	_, err := w.Write(rest)
	return err
}

// writeDropped writes the dropped packets of every capture to path, one
// classic pcap.
func writeDropped(f *os.File, rep *replay.Report, pcaps []input) error {
	var parts [][]byte
	for i := range rep.Summary.Captures {
		cs := &rep.Summary.Captures[i]
		rc, _, err := pcaps[i].open()
		if err != nil {
			return bad("-dropped-pcap: re-reading %s: %v", pcaps[i].name, err)
		}
		var b bytes.Buffer
		_, err = cs.WriteDropped(&b, rc)
		rc.Close()
		if err != nil {
			return bad("-dropped-pcap: %s: %v", pcaps[i].name, err)
		}
		parts = append(parts, b.Bytes())
	}
	out := parts[0]
	if len(parts) > 1 {
		var err error
		if out, err = mergePcaps(parts, pcaps); err != nil {
			return bad("-dropped-pcap: %v", err)
		}
	}
	if _, err := f.Write(out); err != nil {
		return bad("-dropped-pcap: %v", err)
	}
	if err := f.Close(); err != nil {
		return bad("-dropped-pcap: %v", err)
	}
	return nil
}

// mergePcaps concatenates the packets of classic pcap files (as
// WriteDropped writes them) into one, which needs one link type.
func mergePcaps(parts [][]byte, pcaps []input) ([]byte, error) {
	var readers []*pcapgo.Reader
	var link layers.LinkType
	var snap uint32
	for i, p := range parts {
		rd, err := pcapgo.NewReader(bytes.NewReader(p))
		if err != nil {
			return nil, err
		}
		if i == 0 {
			link = rd.LinkType()
		} else if rd.LinkType() != link {
			return nil, fmt.Errorf("%s has link type %v, %s has %v: one pcap cannot hold both", pcaps[0].name, link, pcaps[i].name, rd.LinkType())
		}
		snap = max(snap, rd.Snaplen())
		readers = append(readers, rd)
	}
	var out bytes.Buffer
	w := pcapgo.NewWriterNanos(&out)
	if err := w.WriteFileHeader(snap, link); err != nil {
		return nil, err
	}
	for _, rd := range readers {
		for {
			data, ci, err := rd.ReadPacketData()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ci.Timestamp, CaptureLength: len(data), Length: ci.Length}, data); err != nil {
				return nil, err
			}
		}
	}
	return out.Bytes(), nil
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progress shows, on a terminal, how far the reading of an input has got
// once it has taken more than a second.
type progress struct {
	w io.Writer // nil: stderr is not a terminal
}

func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	if !ok {
		return &progress{}
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return &progress{}
	}
	return &progress{w: f}
}

// start begins showing progress of reading name (size bytes, 0 if
// unknown; read counts the bytes read so far) and returns the function
// that stops it and clears the line.
func (p *progress) start(name string, size int64, read *atomic.Int64) (stop func()) {
	if p.w == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	shown := false
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		begin := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n := read.Load()
				line := fmt.Sprintf("replay: %s: %.1f MB read, %s", name, float64(n)/1e6, time.Since(begin).Round(time.Second))
				if size > 0 {
					line = fmt.Sprintf("replay: %s: %d%% of %.1f MB, %s", name, n*100/size, float64(size)/1e6, time.Since(begin).Round(time.Second))
				}
				fmt.Fprintf(p.w, "\r%-79s", line)
				shown = true
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		if shown {
			fmt.Fprintf(p.w, "\r%79s\r", "")
		}
	}
}
