package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
)

// files is an in-memory file system for Source.ReadFile.
type files map[string]string

func (f files) read(name string) ([]byte, error) {
	s, ok := f[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return []byte(s), nil
}

func mustLoad(t *testing.T, s Source) *Network {
	t.Helper()
	n, err := Load(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func verdictOf(n *Network, flow string) string {
	d := n.Net.Decide(sgsim.MustParseFlow(flow))
	if d.Allowed {
		return "allowed"
	}
	return "dropped at " + d.Hop.String()
}

func TestLoadProfile(t *testing.T) {
	// The metrics scrape node to node: the default worker group sends
	// anywhere and accepts its members; Table 8 (hardened) opens only
	// 5444, 8445 and 9443 toward the VPC.
	const scrape = "tcp 192.168.0.10:43000 -> 192.168.0.11:9100"
	def := mustLoad(t, Source{Profile: "cce-tunnel"})
	hard := mustLoad(t, Source{Profile: "cce-tunnel", Hardened: true})
	if got := verdictOf(def, scrape); got != "allowed" {
		t.Errorf("default: %s", got)
	}
	if got := verdictOf(hard, scrape); got != "dropped at source egress" {
		t.Errorf("hardened: %s", got)
	}
	if def.Name != "cce-tunnel/newer/default" || hard.Name != "cce-tunnel/newer/hardened" ||
		hard.Description != "profile cce-tunnel/newer, hardened worker outbound set (Table 8)" {
		t.Errorf("names %q %q, description %q", def.Name, hard.Name, hard.Description)
	}
	if len(hard.Required) == 0 || !hard.Placed() || hard.Spec.Cloud != sgsim.Huawei {
		t.Errorf("required %d, placed %v, cloud %v", len(hard.Required), hard.Placed(), hard.Spec.Cloud)
	}
	// Cluster addressing overrides the documented example: masters moved
	// to 192.168.1.16/28, so 192.168.1.2 is no master and its kubelet call
	// fails the nodes' "10250 from masters" row.
	var c Cluster
	if err := c.Set("masters", "192.168.1.16/28"); err != nil {
		t.Fatal(err)
	}
	moved := mustLoad(t, Source{Profile: "cce-tunnel", Hardened: true, Cluster: c})
	if got := verdictOf(moved, "tcp 192.168.1.2:52000 -> 192.168.0.10:10250"); got != "dropped at destination ingress" {
		t.Errorf("moved masters: %s", got)
	}
	if got := verdictOf(hard, "tcp 192.168.1.2:52000 -> 192.168.0.10:10250"); got != "allowed" {
		t.Errorf("example masters: %s", got)
	}
	// Each family builds, with its addressing fields.
	for _, name := range Profiles {
		n := mustLoad(t, Source{Profile: name, Hardened: true})
		if !n.Placed() || len(n.Required) == 0 {
			t.Errorf("%s: placed %v, %d required flows", name, n.Placed(), len(n.Required))
		}
	}
	ack := mustLoad(t, Source{Profile: "ack-basic-flannel", Cluster: Cluster{APIServer: "192.168.0.250"}})
	tke := mustLoad(t, Source{Profile: "tke-managed", Cluster: Cluster{APIServer: "169.254.0.9:443"}})
	if !slices.ContainsFunc(ack.Required, func(f provider.RequiredFlow) bool { return f.Dst.Contains(netip.MustParseAddr("192.168.0.250")) }) ||
		!slices.ContainsFunc(tke.Required, func(f provider.RequiredFlow) bool { return f.Dst.Contains(netip.MustParseAddr("169.254.0.9")) }) {
		t.Error("-apiserver not applied to the required flows")
	}
	older := mustLoad(t, Source{Profile: "cce-vpc", Revision: "older"})
	if older.Name != "cce-vpc/older/default" {
		t.Errorf("older: %q", older.Name)
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		s    Source
		want string
	}{
		{Source{}, "no input: give -profile NAME, -vendor V -rules FILE, or -plan FILE"},
		{Source{Profile: "gke"}, `-profile "gke": want one of cce-vpc, cce-tunnel, cce-turbo, ack-basic-flannel`},
		{Source{Profile: "cce-vpc", Rules: []string{"r"}}, "-profile, -rules and -plan: give one source of rules"},
		{Source{Rules: []string{"r"}, Plan: "p"}, "give one source of rules"},
		{Source{Profile: "tke-managed", Cluster: Cluster{LB: netip.MustParsePrefix("10.0.2.0/28")}}, "-lb: profile tke-managed has no such field (it takes -vpc, -nodes, -masters, -pods, -services, -apiserver, -dns)"},
		{Source{Profile: "cce-vpc", Vendor: "huawei"}, "-vendor, -nics and -topology go with -rules FILE or -plan FILE"},
		{Source{Profile: "cce-vpc", Prior: true}, "-prior applies to -plan"},
		{Source{Profile: "cce-vpc", Require: "cce-vpc"}, "-require applies to -rules and -plan"},
		{Source{Profile: "cce-vpc", Revision: "newest"}, `-revision "newest": want newer or older`},
		{Source{Profile: "ack-basic-flannel", Revision: "older"}, "-revision applies to the CCE profiles only"},
		{Source{Rules: []string{"r"}}, "-rules needs -vendor: huawei, alibaba, tencent, aws"},
		{Source{Rules: []string{"r"}, Vendor: "gcp"}, `-vendor "gcp": want huawei, alibaba, tencent, aws`},
		{Source{Rules: []string{"r"}, Vendor: "aws", Prior: true}, "-prior applies to -plan"},
		{Source{Rules: []string{"r"}, Vendor: "aws", Cluster: Cluster{Nodes: netip.MustParsePrefix("10.0.0.0/24")}}, "-nodes applies to a profile"},
		{Source{Rules: []string{"r"}, Vendor: "aws", Require: "eks"}, `-require "eks"`},
		{Source{Plan: "p", Require: "tke-managed", Cluster: Cluster{LB: netip.MustParsePrefix("10.0.2.0/28")}}, "-lb: profile tke-managed has no such field"},
	} {
		err := c.s.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.s, err, c.want)
		}
		if _, lerr := Load(c.s); lerr == nil || lerr.Error() != err.Error() {
			t.Errorf("%+v: Load says %v, Check %v", c.s, lerr, err)
		}
	}
	for _, s := range []Source{{Profile: "cce-vpc"}, {Rules: []string{"r"}, Vendor: "aws"}, {Plan: "p"}, {Plan: "p", Prior: true, Require: "cce-turbo", Revision: "older"}} {
		if err := s.Check(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestCluster(t *testing.T) {
	var c Cluster
	for _, e := range []struct{ name, value, err string }{
		{"nodes", "10.0.0.0/33", "want a CIDR prefix such as 192.168.0.0/24"},
		{"pods", "172.16.0.1/16", "host bits set; want 172.16.0.0/16"},
		{"dns", "10.0.0.2,nope", `"nope": want IP addresses separated by commas`},
		{"apiserver", "", "want an address (ACK) or ADDR:PORT (TKE managed)"},
		{"gateway", "10.0.0.1", `no cluster field "gateway"`},
	} {
		if err := c.Set(e.name, e.value); err == nil || err.Error() != e.err {
			t.Errorf("Set(%q, %q) = %v; want %q", e.name, e.value, err, e.err)
		}
	}
	if g := c.Given(); g != nil {
		t.Errorf("failed sets left fields set: %q", g)
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Flags(fs)
	if err := fs.Parse([]string{"-dns", "10.0.0.2, 10.0.0.3", "-vpc", "10.0.0.0/16", "-apiserver", "10.0.0.9:443", "-pod-vswitch", "10.0.64.0/18"}); err != nil {
		t.Fatal(err)
	}
	want := Cluster{VPC: netip.MustParsePrefix("10.0.0.0/16"), PodVSwitch: netip.MustParsePrefix("10.0.64.0/18"),
		DNS: []netip.Addr{netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")}, APIServer: "10.0.0.9:443"}
	if c.VPC != want.VPC || c.PodVSwitch != want.PodVSwitch || !slices.Equal(c.DNS, want.DNS) || c.APIServer != want.APIServer {
		t.Errorf("parsed %+v; want %+v", c, want)
	}
	if g := c.Given(); !slices.Equal(g, []string{"vpc", "pod-vswitch", "dns", "apiserver"}) {
		t.Errorf("Given %q", g)
	}
	if ClusterFields("gke") != nil || !slices.Equal(ClusterFields("ack-basic-terway"), clusterFields["ack"]) {
		t.Error("ClusterFields")
	}
	// Bad values through Load: the profile's own validation, and the
	// family's parse of -apiserver.
	for _, e := range []struct {
		s    Source
		want string
	}{
		{Source{Profile: "cce-vpc", Cluster: Cluster{Nodes: netip.MustParsePrefix("10.0.0.0/24")}}, "huawei: cluster: Nodes 10.0.0.0/24 is outside VPC 192.168.0.0/16"},
		{Source{Profile: "ack-basic-flannel", Cluster: Cluster{APIServer: "10.0.0.9:443"}}, `-apiserver "10.0.0.9:443": want the API server SLB's IP address`},
		{Source{Profile: "tke-managed", Cluster: Cluster{APIServer: "10.0.0.9"}}, `-apiserver "10.0.0.9": want ADDR:PORT of the API server`},
	} {
		if _, err := Load(e.s); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("%+v: %v; want %q", e.s, err, e.want)
		}
	}
}

// exportFiles writes an AWS security-group export of a web and a db
// group and a topology placing them, in memory.
func exportFiles(t *testing.T) files {
	t.Helper()
	groups := []sgsim.Group{
		{ID: "sg-web", Rules: []sgsim.Rule{
			{ID: "sgr-1", Action: sgsim.Allow, Protocol: sgsim.TCP, Src: sgsim.MustParseAddrs("0.0.0.0/0"), DstPorts: sgsim.MustParsePorts("443")},
			{ID: "sgr-2", Direction: sgsim.Egress, Action: sgsim.Allow, Protocol: sgsim.TCP, Dst: sgsim.MustParseAddrs("10.0.2.0/24"), DstPorts: sgsim.MustParsePorts("5432")},
		}},
		{ID: "sg-db", Rules: []sgsim.Rule{
			{ID: "sgr-3", Action: sgsim.Allow, Protocol: sgsim.TCP, RemoteGroup: "sg-web", DstPorts: sgsim.MustParsePorts("5432")},
		}},
	}
	var b bytes.Buffer
	if err := aws.WriteSecurityGroupRules(&b, groups); err != nil {
		t.Fatal(err)
	}
	return files{
		"rules.json": b.String(),
		"topology.json": `{"cloud": "union", "endpoints": [
			{"name": "web", "addrs": ["10.0.1.0/24"], "groups": ["sg-web"]},
			{"name": "db", "addrs": ["10.0.2.0/24"], "groups": ["sg-db"]},
			{"name": "internet", "addrs": ["0.0.0.0/5"]}]}`,
		"huawei-topology.json": `{"cloud": "huawei", "endpoints": []}`,
	}
}

func TestLoadRules(t *testing.T) {
	f := exportFiles(t)
	n := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "topology.json", ReadFile: f.read})
	for flow, want := range map[string]string{
		"tcp 10.0.1.5:40000 -> 10.0.2.7:5432": "allowed",                        // web to db: sgr-2 out, sgr-3 in
		"tcp 10.0.1.5:40000 -> 10.0.2.7:22":   "dropped at source egress",       // web sends only 5432
		"tcp 1.2.3.4:40000 -> 10.0.1.5:443":   "allowed",                        // the internet to web
		"tcp 1.2.3.4:40000 -> 10.0.2.7:5432":  "dropped at destination ingress", // db admits web only
	} {
		if got := verdictOf(n, flow); got != want {
			t.Errorf("%s: %s; want %s", flow, got, want)
		}
	}
	if n.Name != "aws exports" || n.Description != "aws rules from rules.json (2 groups) placed by topology.json" || n.Required != nil {
		t.Errorf("name %q, description %q, %d required", n.Name, n.Description, len(n.Required))
	}
	// Without a topology: the groups, no endpoints.
	bare := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, ReadFile: f.read})
	if bare.Placed() || len(bare.Spec.Groups) != 2 || bare.Description != "aws rules from rules.json (2 groups)" {
		t.Errorf("without topology: placed %v, %d groups, %q", bare.Placed(), len(bare.Spec.Groups), bare.Description)
	}
	// -require gives the profile's required flows.
	req := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, Require: "tke-managed", ReadFile: f.read})
	if len(req.Required) == 0 {
		t.Error("-require: no required flows")
	}
	for _, c := range []struct {
		s    Source
		want string
	}{
		{Source{Vendor: "aws", Rules: []string{"missing.json"}}, "-rules: open missing.json: file does not exist"},
		{Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "missing.json"}, "-topology: open missing.json: file does not exist"},
		{Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "rules.json"}, "-topology rules.json: topology: cloud: missing"},
		{Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "huawei-topology.json"}, `-topology huawei-topology.json: cloud "huawei", but -vendor aws rules are evaluated with "union" semantics`},
		{Source{Vendor: "aws", Rules: []string{"topology.json"}}, "-rules topology.json: aws: "},
		{Source{Vendor: "huawei", Rules: []string{"rules.json"}}, "-rules rules.json: huawei: "},
	} {
		c.s.ReadFile = f.read
		if _, err := Load(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.s, err, c.want)
		}
	}
}

func TestAddrs(t *testing.T) {
	n := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "topology.json", ReadFile: exportFiles(t).read})
	for in, want := range map[string]string{
		"web":               "10.0.1.0/24",
		"web,db":            "10.0.1.0-10.0.2.255",
		"db, 10.0.3.0/24":   "10.0.2.0/23",
		"10.0.0.5-10.0.0.6": "10.0.0.5-10.0.0.6",
		"10.0.1.7":          "10.0.1.7",
	} {
		a, err := n.Addrs(in)
		if err != nil || a.String() != want {
			t.Errorf("Addrs(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	for in, want := range map[string]string{
		"":         "empty: want endpoint names or addresses",
		"api":      `"api": neither an endpoint nor an address, prefix or range (endpoints: web, db, internet)`,
		"any":      `"any": name endpoints or address ranges (0.0.0.0/0 for every IPv4 address, ::/0 for every IPv6 address)`,
		"web,,":    `"web,,": item 2 is empty`,
		",web":     `",web": item 1 is empty`,
		"web, ,db": `"web, ,db": item 2 is empty`,
	} {
		if _, err := n.Addrs(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Addrs(%q): %v; want %q", in, err, want)
		}
	}
}

// plan is a Terraform plan that replaces an SSH rule from the office
// range by one from everywhere, and adds an HTTPS rule.
const plan = `{
  "format_version": "1.2",
  "prior_state": {"values": {"root_module": {"resources": [
    {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh",
     "values": {"cidr_blocks": ["203.0.113.0/24"], "from_port": 22, "protocol": "tcp", "security_group_id": "sg-web", "to_port": 22, "type": "ingress"}}
  ]}}},
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh",
     "values": {"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "protocol": "tcp", "security_group_id": "sg-web", "to_port": 22, "type": "ingress"}},
    {"address": "aws_security_group_rule.https", "mode": "managed", "type": "aws_security_group_rule", "name": "https",
     "values": {"from_port": 443, "protocol": "tcp", "security_group_id": "sg-web", "to_port": 443, "type": "ingress"}}
  ]}},
  "resource_changes": [{"address": "aws_security_group_rule.https", "change": {"after_unknown": {"cidr_blocks": true}}}]
}`

func TestLoadPlan(t *testing.T) {
	f := files{"plan.json": plan, "topology.json": `{"cloud": "union", "endpoints": [{"name": "web", "addrs": ["10.0.1.0/24"], "groups": ["sg-web"]}]}`,
		"two.json": `{"values": {"root_module": {"resources": [
			{"address": "aws_security_group_rule.a", "mode": "managed", "type": "aws_security_group_rule", "name": "a",
			 "values": {"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "protocol": "tcp", "security_group_id": "sg-1", "to_port": 22, "type": "ingress"}},
			{"address": "alicloud_security_group_rule.b", "mode": "managed", "type": "alicloud_security_group_rule", "name": "b",
			 "values": {"type": "ingress", "ip_protocol": "tcp", "port_range": "22/22", "cidr_ip": "0.0.0.0/0", "security_group_id": "sg-2", "policy": "accept", "priority": 1, "nic_type": "intranet"}}]}}}`}
	planned := mustLoad(t, Source{Plan: "plan.json", Topology: "topology.json", ReadFile: f.read})
	prior := mustLoad(t, Source{Plan: "plan.json", Prior: true, Topology: "topology.json", ReadFile: f.read})
	const ssh = "tcp 198.51.100.7:40000 -> 10.0.1.5:22"
	if verdictOf(planned, ssh) != "allowed" || verdictOf(prior, ssh) != "dropped at destination ingress" {
		t.Errorf("ssh from outside the office: planned %s, prior %s", verdictOf(planned, ssh), verdictOf(prior, ssh))
	}
	if planned.Name != "terraform plan" || prior.Name != "terraform plan's prior state" ||
		planned.Description != "aws rules from terraform plan plan.json (1 groups) placed by topology.json" {
		t.Errorf("names %q %q, description %q", planned.Name, prior.Name, planned.Description)
	}
	// The HTTPS rule's cidr_blocks are known only after apply: left out,
	// with a warning naming the attribute.
	if len(planned.Warnings) != 1 || !strings.Contains(planned.Warnings[0], "1 attributes are known only after apply; rules that depend on them are left out: aws_security_group_rule.https.cidr_blocks") {
		t.Errorf("warnings %q", planned.Warnings)
	}
	if verdictOf(planned, "tcp 198.51.100.7:40000 -> 10.0.1.5:443") != "dropped at destination ingress" {
		t.Error("the unknown HTTPS rule was guessed")
	}
	// Two families: -vendor picks one; without it, an error.
	if n := mustLoad(t, Source{Plan: "two.json", Vendor: "alibaba", ReadFile: f.read}); n.Spec.Cloud != sgsim.Alibaba || len(n.Spec.Groups) != 1 {
		t.Errorf("-vendor alibaba: cloud %v, %d groups", n.Spec.Cloud, len(n.Spec.Groups))
	}
	for _, c := range []struct {
		s    Source
		want string
	}{
		{Source{Plan: "two.json"}, "-plan two.json has rules of alibaba, aws: give -vendor or -topology to pick one"},
		{Source{Plan: "two.json", Prior: true}, "-prior: two.json is a state, not a plan: it has no prior state"},
		{Source{Plan: "two.json", Vendor: "tencent"}, `-plan two.json: no security-group rules for cloud "tencent" (the plan has rules of: alibaba, aws)`},
		{Source{Plan: "plan.json", Vendor: "huawei", Topology: "topology.json"}, `cloud "union", but -vendor huawei`},
		{Source{Plan: "topology.json"}, "-plan topology.json: terraform: (document): neither planned_values nor values"},
		{Source{Plan: "missing.json"}, "-plan: open missing.json: file does not exist"},
	} {
		c.s.ReadFile = f.read
		if _, err := Load(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.s, err, c.want)
		}
	}
}

var errSentinel = errors.New("sentinel")

// Load reads files through Source.ReadFile and passes its errors on.
func TestReadFileHook(t *testing.T) {
	_, err := Load(Source{Vendor: "huawei", Rules: []string{"x"}, ReadFile: func(string) ([]byte, error) { return nil, errSentinel }})
	if !errors.Is(err, errSentinel) {
		t.Errorf("%v; want the ReadFile error wrapped", err)
	}
}

// A Huawei network-ACL export's disabled rules are noted with the file.
func TestLoadNotes(t *testing.T) {
	var b bytes.Buffer
	acl := sgsim.Group{ID: "acl-1", Rules: []sgsim.Rule{{Action: sgsim.Allow, Family: sgsim.IPv4, Priority: 1}}}
	off := sgsim.Rule{ID: "off", Family: sgsim.IPv4, Priority: 2}
	if err := huawei.WriteFirewall(&b, huawei.Firewall{ACL: acl, Enabled: true, Disabled: []sgsim.Rule{off}}); err != nil {
		t.Fatal(err)
	}
	n := mustLoad(t, Source{Vendor: "huawei", Rules: []string{"acl.json"}, ReadFile: files{"acl.json": b.String()}.read})
	if len(n.Notes) != 1 || n.Notes[0] != "acl.json: 1 disabled rules and 0 rules of disabled network ACLs are not evaluated (a disabled ACL denies everything)" || len(n.Spec.ACLs) != 1 {
		t.Errorf("notes %q, %d ACLs", n.Notes, len(n.Spec.ACLs))
	}
}

// aclDB is an AWS network ACL bound to subnet-db that lets in only
// 10.0.1.0/25 on 5432, and its replies out.
const aclDB = `{"NetworkAclId": "acl-db", "VpcId": "vpc-1", "IsDefault": false,
	  "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-db", "SubnetId": "subnet-db"}],
	  "Entries": [
	    {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.1.0/25", "PortRange": {"From": 5432, "To": 5432}},
	    {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": true, "CidrBlock": "10.0.1.0/25", "PortRange": {"From": 1024, "To": 65535}},
	    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
	    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}]}`

// -nics: AWS interface and subnet listings place the groups, one
// endpoint per interface named by its ID; the topology adds what the
// listings do not carry (the internet), and an ACL export's associations
// bind the ACL to its subnet.
func TestLoadNICs(t *testing.T) {
	f := exportFiles(t)
	var nics, subnets, acls bytes.Buffer
	if err := aws.WriteNetworkInterfaces(&nics, []provider.NIC{
		{ID: "eni-web", Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.1.5/32")}, Subnet: "subnet-web", Groups: []string{"sg-web"}},
		{ID: "eni-db", Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.2.7/32")}, Subnet: "subnet-db", Groups: []string{"sg-db"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := aws.WriteSubnets(&subnets, []provider.Subnet{
		{ID: "subnet-web", Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}},
		{ID: "subnet-db", Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.2.0/24")}},
	}); err != nil {
		t.Fatal(err)
	}
	// The db subnet's ACL lets in only 10.0.1.0/25, and its replies out.
	acls.WriteString(`{"NetworkAcls": [` + aclDB + `]}`)
	f["enis.json"], f["subnets.json"], f["acls.json"] = nics.String(), subnets.String(), acls.String()
	f["internet.json"] = `{"cloud": "union", "endpoints": [{"name": "internet", "addrs": ["0.0.0.0/0"]}]}`
	n := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json", "acls.json"}, NICs: []string{"enis.json", "subnets.json"}, Topology: "internet.json", ReadFile: f.read})
	var names []string
	for _, e := range n.Spec.Endpoints {
		names = append(names, e.Name)
	}
	if !slices.Equal(names, []string{"eni-web", "eni-db", "internet"}) {
		t.Errorf("endpoints %q", names)
	}
	for flow, want := range map[string]string{
		"tcp 10.0.1.5:40000 -> 10.0.2.7:5432": "allowed",
		"tcp 10.0.1.5:40000 -> 10.0.2.7:22":   "dropped at source egress",
		// 10.0.1.200 is no interface: the internet, which sg-db does not
		// admit; and the ACL would not either.
		"tcp 10.0.1.200:40000 -> 10.0.2.7:5432": "dropped at destination subnet ACL inbound",
		"tcp 1.2.3.4:40000 -> 10.0.1.5:443":     "allowed",
	} {
		if got := verdictOf(n, flow); got != want {
			t.Errorf("%s: %s; want %s", flow, got, want)
		}
	}
	if want := "aws rules from rules.json, acls.json (2 groups, 1 network ACLs) placed by enis.json, subnets.json, internet.json"; n.Description != want {
		t.Errorf("description %q; want %q", n.Description, want)
	}
	// Without the topology the listings alone place the groups.
	alone := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, NICs: []string{"enis.json"}, ReadFile: f.read})
	if !alone.Placed() || verdictOf(alone, "tcp 10.0.1.5:40000 -> 10.0.2.7:5432") != "allowed" {
		t.Error("-nics alone")
	}
	for _, c := range []struct {
		s    Source
		want string
	}{
		{Source{Rules: []string{"rules.json"}, NICs: []string{"enis.json"}}, "-rules needs -vendor"},
		{Source{Plan: "p", NICs: []string{"enis.json"}}, "-nics needs -vendor"},
		{Source{Vendor: "aws", Rules: []string{"rules.json"}, NICs: []string{"missing.json"}}, "-nics: open missing.json: file does not exist"},
		{Source{Vendor: "aws", Rules: []string{"rules.json"}, NICs: []string{"rules.json"}}, "-nics rules.json: aws: "},
		{Source{Vendor: "huawei", Rules: []string{"rules.json"}, NICs: []string{"enis.json"}}, "-rules rules.json: huawei"},
	} {
		c.s.ReadFile = f.read
		if _, err := Load(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.s, err, c.want)
		}
	}
}

// An ACL export's bindings apply to the topology's subnets of that name
// when no listing places anything (found on Alibaba's published
// DescribeNetworkAclAttributes example: the binding was dropped and the
// flow delivered with no ACL hop). A topology subnet that names an ACL of
// its own keeps it, with a warning.
func TestLoadTopologyBindings(t *testing.T) {
	f := exportFiles(t)
	f["acls.json"] = `{"NetworkAcls": [` + aclDB + `, {"NetworkAclId": "acl-open", "Entries": [
	    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
	    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}]}]}`
	topo := func(acl string) string {
		return `{"cloud": "union", "subnets": [{"name": "subnet-db", "prefix": "10.0.2.0/24"` + acl + `}], "endpoints": [
			{"name": "web", "addrs": ["10.0.1.0/24"], "groups": ["sg-web"]},
			{"name": "db", "addrs": ["10.0.2.7/32"], "subnet": "subnet-db", "groups": ["sg-db"]}]}`
	}
	f["bare.json"], f["own.json"] = topo(""), topo(`, "acl": "acl-open"`)
	for _, c := range []struct {
		topology, far string // far: the verdict from outside the ACL's /25
		warnings      []string
	}{
		{"bare.json", "dropped at destination subnet ACL inbound", nil},
		{"own.json", "allowed", []string{`subnet "subnet-db": the topology's network ACL "acl-open" replaces the one the export binds, "acl-db"`}},
	} {
		n := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json", "acls.json"}, Topology: c.topology, ReadFile: f.read})
		if got := verdictOf(n, "tcp 10.0.1.5:40000 -> 10.0.2.7:5432"); got != "allowed" {
			t.Errorf("%s: from inside the /25: %s; want allowed", c.topology, got)
		}
		if got := verdictOf(n, "tcp 10.0.1.200:40000 -> 10.0.2.7:5432"); got != c.far {
			t.Errorf("%s: from outside the /25: %s; want %s", c.topology, got, c.far)
		}
		if !slices.Equal(n.Warnings, c.warnings) {
			t.Errorf("%s: warnings %q; want %q", c.topology, n.Warnings, c.warnings)
		}
	}
}

// A lenient read of an ACL export reads its bindings as leniently, and
// says so: a binding record the second pass skips is listed (once, when
// the first pass skipped the same place), and the binding of an ACL the
// first pass skipped is dropped with a note rather than kept to name an
// ACL the network lacks. Found on AWS's and Tencent's published examples.
func TestReadExportBindingsSkipInvalid(t *testing.T) {
	for _, c := range []struct {
		vendor, doc string
		strict      string   // the strict read's error
		acls        []string // the lenient read's
		bindings    []string // ACL/subnet
		skipped     []string
		notes       []string
	}{
		{"aws", `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [],
			"Associations": [{"NetworkAclId": "acl-9", "SubnetId": "sub-1"}]}]}`,
			`not the enclosing ACL "acl-1"`, []string{"acl-1"}, nil, []string{`not the enclosing ACL "acl-1"`}, nil},
		{"aws", `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [], "Associations": [{"NetworkAclId": "acl-1", "SubnetId": "sub-1"}]},
			{"NetworkAclId": 7, "Entries": [], "Associations": [{"SubnetId": "sub-2"}]}]}`,
			"NetworkAclId", []string{"acl-1"}, []string{"acl-1/sub-1"}, []string{"NetworkAclId"}, nil},
		{"tencent", `{"Response": {"NetworkAclSet": [
			{"NetworkAclId": "acl-bad", "VpcId": "vpc-1", "NetworkAclType": "1", "IngressEntries": [], "EgressEntries": [],
			 "SubnetSet": [{"SubnetId": "sub-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]},
			{"NetworkAclId": "acl-good", "VpcId": "vpc-1", "IngressEntries": [], "EgressEntries": [],
			 "SubnetSet": [{"SubnetId": "sub-2", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"}]}], "TotalCount": 2}}`,
			"NetworkAclType", []string{"acl-good"}, []string{"acl-bad/sub-1", "acl-good/sub-2"}, []string{"NetworkAclType"}, nil},
	} {
		if _, err := ReadExport(c.vendor, "acl.json", []byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.strict) {
			t.Errorf("%s strict: %v; want %q", c.vendor, err, c.strict)
		}
		var rep read.Report
		x, err := ReadExport(c.vendor, "acl.json", []byte(c.doc), read.SkipInvalid(&rep))
		if err != nil {
			t.Errorf("%s lenient: %v", c.vendor, err)
			continue
		}
		var acls, bindings []string
		for _, a := range x.ACLs {
			acls = append(acls, a.ID)
		}
		for _, b := range x.Bindings {
			bindings = append(bindings, b.ACL+"/"+b.Subnet)
		}
		if !slices.Equal(acls, c.acls) || !slices.Equal(bindings, c.bindings) || !slices.Equal(x.Notes, c.notes) {
			t.Errorf("%s lenient: ACLs %q, bindings %q, notes %q; want %q, %q, %q", c.vendor, acls, bindings, x.Notes, c.acls, c.bindings, c.notes)
		}
		ok := len(x.Skipped) == len(c.skipped) && len(rep.Skipped) == len(c.skipped)
		for i := 0; ok && i < len(c.skipped); i++ {
			ok = strings.Contains(x.Skipped[i].Error(), c.skipped[i])
		}
		if !ok {
			t.Errorf("%s lenient: skipped %v (report %v); want one each of %q", c.vendor, x.Skipped, rep.Skipped, c.skipped)
		}
	}
}

// TestReadListingDispatch: every vendor's interface and subnet listing is
// read by the right reader, told apart by its top-level key: each is
// written by the vendor package's writer, and reading it back gives the
// same records (Origin aside).
func TestReadListingDispatch(t *testing.T) {
	nics := []provider.NIC{{ID: "nic-1", Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.1.5/32")}, Subnet: "sub-1", Groups: []string{"sg-b", "sg-a"}}}
	subnets := []provider.Subnet{{ID: "sub-1", Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}}
	type writer struct {
		nics    func(io.Writer, []provider.NIC) error
		subnets func(io.Writer, []provider.Subnet) error
	}
	for vendor, w := range map[string]writer{
		"aws":     {aws.WriteNetworkInterfaces, aws.WriteSubnets},
		"huawei":  {huawei.WritePorts, huawei.WriteSubnets},
		"alibaba": {alibaba.WriteNetworkInterfaces, alibaba.WriteVSwitches},
		"tencent": {tencent.WriteNetworkInterfaces, tencent.WriteSubnets},
	} {
		var nb, sb bytes.Buffer
		if err := w.nics(&nb, nics); err != nil {
			t.Fatalf("%s: %v", vendor, err)
		}
		if err := w.subnets(&sb, subnets); err != nil {
			t.Fatalf("%s: %v", vendor, err)
		}
		pn, err := ReadListing(vendor, "nics.json", nb.Bytes())
		if err != nil || len(pn.Subnets) != 0 || len(pn.NICs) != 1 {
			t.Fatalf("%s interfaces: %+v, %v\n%s", vendor, pn, err, nb.String())
		}
		ps, err := ReadListing(vendor, "subnets.json", sb.Bytes())
		if err != nil || len(ps.NICs) != 0 || len(ps.Subnets) != 1 {
			t.Fatalf("%s subnets: %+v, %v\n%s", vendor, ps, err, sb.String())
		}
		got, gotSub := pn.NICs[0], ps.Subnets[0]
		got.Origin, gotSub.Origin = sgsim.Origin{}, sgsim.Origin{}
		if got.ID != "nic-1" || got.Subnet != "sub-1" || !slices.Equal(got.Groups, nics[0].Groups) || !slices.Equal(got.Addrs, nics[0].Addrs) ||
			gotSub.ID != "sub-1" || !slices.Equal(gotSub.Prefixes, subnets[0].Prefixes) {
			t.Errorf("%s: read back %+v and %+v", vendor, got, gotSub)
		}
		if _, err := ReadListing(vendor, "bad.json", []byte(`{"x": 1}`)); err == nil {
			t.Errorf("%s: a document of neither kind read without error", vendor)
		}
	}
	if _, err := ReadListing("gcp", "x.json", nil); err == nil || err.Error() != `vendor "gcp": want huawei, alibaba, tencent, aws` {
		t.Errorf("unknown vendor: %v", err)
	}
}

// The network-ACL exports that say where their ACLs are bound give the
// bindings to -nics: Huawei associations, Alibaba vSwitch resources,
// Tencent SubnetSet, AWS associations.
func TestReadExportBindings(t *testing.T) {
	for _, c := range []struct{ vendor, doc string }{
		{"huawei", `{"firewall": {"id": "acl-1", "name": "a", "status": "ACTIVE", "admin_state_up": true, "ingress_rules": [], "egress_rules": [],
			"associations": [{"virsubnet_id": "sub-1"}]}}`},
		{"alibaba", `{"NetworkAclAttribute": {"NetworkAclId": "acl-1", "IngressAclEntries": {"IngressAclEntry": []}, "EgressAclEntries": {"EgressAclEntry": []},
			"Resources": {"Resource": [{"ResourceId": "sub-1", "ResourceType": "VSwitch", "Status": "BINDED"}]}}}`},
		{"tencent", `{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IngressEntries": [], "EgressEntries": [],
			"SubnetSet": [{"SubnetId": "sub-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}], "TotalCount": 1}}`},
		{"aws", `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [], "Associations": [{"NetworkAclId": "acl-1", "SubnetId": "sub-1"}]}]}`},
	} {
		x, err := ReadExport(c.vendor, "acl.json", []byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.vendor, err)
			continue
		}
		if len(x.ACLs) != 1 || len(x.Bindings) != 1 || x.Bindings[0].ACL != "acl-1" || x.Bindings[0].Subnet != "sub-1" {
			t.Errorf("%s: %d ACLs, bindings %+v; want acl-1 on sub-1", c.vendor, len(x.ACLs), x.Bindings)
		}
	}
}

func TestVersionsAndCompare(t *testing.T) {
	f := files{"plan.json": plan}
	old, new, err := Versions(Source{Plan: "plan.json", ReadFile: f.read})
	if err != nil {
		t.Fatal(err)
	}
	if old.Name != "terraform plan's prior state" || new.Name != "terraform plan" {
		t.Errorf("versions %q -> %q", old.Name, new.Name)
	}
	d, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	// The SSH rule goes from the office range to everywhere: everything
	// but the office is added, nothing removed (the HTTPS rule is left
	// out: its CIDRs are unknown). Unplaced: no summary.
	if len(d.Sets) != 1 || d.Sets[0].Set != "sg-web" || len(d.Sets[0].Endpoints) != 0 || d.Summary != nil {
		t.Fatalf("diff %+v", d)
	}
	var added []string
	for _, c := range d.Sets[0].Diff.Added {
		added = append(added, c.RegionText)
	}
	if want := []string{"tcp 0.0.0.0-203.0.112.255 -> 0.0.0.0/0 dport 22", "tcp 203.0.114.0-255.255.255.255 -> 0.0.0.0/0 dport 22"}; !slices.Equal(added, want) || len(d.Sets[0].Diff.Removed) != 0 {
		t.Errorf("added %q, removed %d; want %q and none", added, len(d.Sets[0].Diff.Removed), want)
	}
	// With MaxBoxes 1 the two boxes of that (default deny -> SSH rule)
	// pair come out as one summarized change, passed through: in JSON
	// "summarized" and "boxes_found", its flows tested exactly.
	ds, err := CompareWith(old, new, CompareOptions{MaxBoxes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Sets) != 1 || len(ds.Sets[0].Diff.Added) != 1 || len(ds.Sets[0].Diff.Removed) != 0 {
		t.Fatalf("summarized diff %+v", ds)
	}
	c := ds.Sets[0].Diff.Added[0]
	js, _ := json.Marshal(ds)
	if !c.Summarized || c.Boxes != 2 || !strings.Contains(string(js), `"summarized":true,"boxes_found":2`) ||
		!strings.Contains(c.RegionText, "(2+ boxes, not listed)") {
		t.Errorf("summarized change %+v\n%s", c, js)
	}
	for f, want := range map[string]bool{c.WitnessText: true, "tcp 198.51.100.7:40000 -> 10.0.0.1:22": true,
		"tcp 203.0.113.7:40000 -> 10.0.0.1:22": false, "tcp 198.51.100.7:40000 -> 10.0.0.1:23": false} {
		if got := c.Contains(sgsim.MustParseFlow(f)); got != want {
			t.Errorf("summarized change holds %s: %v, want %v", f, got, want)
		}
	}
	// A profile: default groups -> hardened; placed, so with the lost
	// required flows (Table 8 cuts node-to-node TCP in the tunnel model).
	old, new, err = Versions(Source{Profile: "cce-tunnel"})
	if err != nil {
		t.Fatal(err)
	}
	// With progress: the parts of several set pairs counted together,
	// each once, in order, ending at the total; the result is Compare's.
	var steps [][2]int
	d, err = CompareProgress(old, new, func(done, total int) { steps = append(steps, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 2 || steps[0][0] != 0 || steps[len(steps)-1][0] != steps[0][1] || len(d.Sets) < 2 {
		t.Errorf("progress %v over %d sets", steps, len(d.Sets))
	}
	for i, s := range steps {
		if s != [2]int{i, steps[0][1]} {
			t.Fatalf("progress step %d is %v in %v", i, s, steps)
		}
	}
	if plain, err := Compare(old, new); err != nil || fmt.Sprint(plain) != fmt.Sprint(d) {
		t.Errorf("Compare %v, CompareProgress %v", plain, d)
	}
	if old.Name != "cce-tunnel/newer/default" || new.Name != "cce-tunnel/newer/hardened" || d.Summary == nil || len(d.Summary.Lost) == 0 {
		t.Errorf("profile versions %q -> %q, summary %+v", old.Name, new.Name, d.Summary)
	}
	// A set only one version has is compared with the empty set.
	one := &Network{Name: "one", Spec: sgsim.NetworkSpec{Cloud: sgsim.Union, Groups: []sgsim.Group{{ID: "sg-1", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8")}}}}}
	none := &Network{Name: "none", Spec: sgsim.NetworkSpec{Cloud: sgsim.Union}}
	if d, err := Compare(none, one); err != nil || len(d.Sets) != 1 || len(d.Sets[0].Diff.Added) != 1 || d.Sets[0].Diff.Added[0].RegionText != "tcp 10.0.0.0/8 -> 0.0.0.0/0 dport 22" {
		t.Errorf("new set: %+v, %v", d, err)
	}
	if d, err := Compare(one, none); err != nil || len(d.Sets) != 1 || len(d.Sets[0].Diff.Removed) != 1 {
		t.Errorf("removed set: %+v, %v", d, err)
	}
	// CompareProgress counts the parts of every set pair: here one set,
	// two directions, two families (a set without endpoints guards
	// both), TCP and the protocols no rule names: 8 parts.
	var calls [][2]int
	if d, err := CompareProgress(none, one, func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil || len(d.Sets) != 1 || len(d.Sets[0].Diff.Added) != 1 {
		t.Errorf("new set with progress: %+v, %v", d, err)
	}
	for i, c := range calls {
		if len(calls) != 9 || c != [2]int{i, 8} {
			t.Fatalf("progress calls %v, want [0 8] to [8 8]", calls)
		}
	}
	huaweiOne := &Network{Name: "h", Spec: sgsim.NetworkSpec{Cloud: sgsim.Huawei}}
	if _, err := Compare(one, huaweiOne); err == nil || err.Error() != "cannot compare one (union semantics) with h (huawei)" {
		t.Errorf("different clouds: %v", err)
	}
	for _, c := range []struct {
		s    Source
		want string
	}{
		{Source{Vendor: "aws", Rules: []string{"r.json"}}, "exports are one version: give the other to compare with"},
		{Source{Plan: "plan.json", Prior: true}, "-prior: a plan alone is its prior state and its planned values already"},
		{Source{}, "no input"},
	} {
		if _, _, err := Versions(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.s, err, c.want)
		}
	}
}

// An export that references a group it does not contain (a peered VPC's)
// loads, with a warning naming the group; the rule matches nothing.
func TestLoadMissingGroupWarns(t *testing.T) {
	var b bytes.Buffer
	if err := aws.WriteSecurityGroupRules(&b, []sgsim.Group{{ID: "sg-db", Rules: []sgsim.Rule{
		{ID: "sgr-1", Action: sgsim.Allow, Protocol: sgsim.TCP, RemoteGroup: "sg-peer", DstPorts: sgsim.MustParsePorts("5432")},
	}}}); err != nil {
		t.Fatal(err)
	}
	f := files{"rules.json": b.String(), "topology.json": `{"cloud": "union", "endpoints": [{"name": "db", "addrs": ["10.0.2.7"], "groups": ["sg-db"]}, {"name": "a,b", "addrs": ["10.0.3.0/24"]}]}`}
	n := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "topology.json", ReadFile: f.read})
	if len(n.Warnings) != 1 || !strings.Contains(n.Warnings[0], `"sg-peer"`) || !strings.Contains(n.Warnings[0], "matches nothing") {
		t.Errorf("warnings %q", n.Warnings)
	}
	if got := verdictOf(n, "tcp 10.0.3.4:40000 -> 10.0.2.7:5432"); got != "dropped at destination ingress" {
		t.Errorf("from outside the peer: %s", got)
	}
	// A name with a comma resolves whole.
	if a, err := n.Addrs("a,b"); err != nil || a.String() != "10.0.3.0/24" {
		t.Errorf(`Addrs("a,b") = %v, %v`, a, err)
	}
}

// A rule that references a prefix list the topology's "lists" do not
// give matches nothing, with a warning, as a missing group does (AWS's
// published authorize-security-group-ingress example 8 was refused with
// "unknown address group or prefix list"); given, it matches its
// prefixes.
func TestLoadMissingListWarns(t *testing.T) {
	f := files{"rules.json": `{"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-db", "IsEgress": false,
		"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "PrefixListId": "pl-1"}]}`}
	endpoints := `"endpoints": [{"name": "db", "addrs": ["10.0.2.7"], "groups": ["sg-db"]}]`
	f["bare.json"] = `{"cloud": "union", ` + endpoints + `}`
	f["lists.json"] = `{"cloud": "union", "lists": {"pl-1": ["10.0.3.0/24"]}, ` + endpoints + `}`
	n := mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "bare.json", ReadFile: f.read})
	if want := []string{`address list "pl-1": not given, referenced by "sg-db" rule "sgr-1": it matches nothing (give its prefixes in the topology's "lists" to change that)`}; !slices.Equal(n.Warnings, want) {
		t.Errorf("warnings %q; want %q", n.Warnings, want)
	}
	if got := verdictOf(n, "tcp 10.0.3.4:40000 -> 10.0.2.7:5432"); got != "dropped at destination ingress" {
		t.Errorf("without the list: %s", got)
	}
	n = mustLoad(t, Source{Vendor: "aws", Rules: []string{"rules.json"}, Topology: "lists.json", ReadFile: f.read})
	if len(n.Warnings) != 0 {
		t.Errorf("with the list: warnings %q", n.Warnings)
	}
	if got := verdictOf(n, "tcp 10.0.3.4:40000 -> 10.0.2.7:5432"); got != "allowed" {
		t.Errorf("with the list: %s", got)
	}
}

// A network the placed exports cannot make is refused with the files that
// placed them (the message named an empty -topology when -nics alone
// placed them).
func TestLoadBuildErrorNamesPlacement(t *testing.T) {
	f := exportFiles(t)
	f["bad-topology.json"] = `{"cloud": "union", "endpoints": [{"name": "web", "addrs": ["10.0.9.5"], "subnet": "subnet-none", "groups": ["sg-web"]}]}`
	f["enis.json"] = `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-web", "SubnetId": "subnet-web", "PrivateIpAddress": "10.0.1.5", "Groups": [{"GroupId": "sg-web"}]}]}`
	for _, c := range []struct {
		s    Source
		want string
	}{
		{Source{Topology: "bad-topology.json"}, `-rules with -topology bad-topology.json: sgsim: network: endpoint "web": subnet "subnet-none"`},
		{Source{Topology: "bad-topology.json", NICs: []string{"enis.json"}}, `-rules with -nics enis.json with -topology bad-topology.json: sgsim: network: `},
	} {
		c.s.Vendor, c.s.Rules, c.s.ReadFile = "aws", []string{"rules.json"}, f.read
		if _, err := Load(c.s); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: %v; want it to start %q", c.s, err, c.want)
		}
	}
}

// A group whose rules come in two -rules files is refused naming both
// (it said only "defined twice"); AWS's published authorize-security-
// group-ingress outputs are one file per call, each naming the group.
func TestLoadGroupInTwoFiles(t *testing.T) {
	f := exportFiles(t)
	f["again.json"] = f["rules.json"]
	_, err := Load(Source{Vendor: "aws", Rules: []string{"rules.json", "again.json"}, Topology: "topology.json", ReadFile: f.read})
	if want := `-rules: "sg-web" is in both rules.json and again.json: give each group's or ACL's rules in one export`; err == nil || err.Error() != want {
		t.Errorf("%v; want %q", err, want)
	}
}

// -skip-invalid reads the -nics listings leniently too: a bad interface
// is left out and listed with its file, the others place their groups.
func TestLoadNICsSkipInvalid(t *testing.T) {
	f := exportFiles(t)
	f["enis.json"] = `{"NetworkInterfaces": [
	  {"NetworkInterfaceId": "eni-web", "SubnetId": "subnet-web", "PrivateIpAddress": "10.0.1.5", "Groups": [{"GroupId": "sg-web"}]},
	  {"NetworkInterfaceId": "eni-bad", "SubnetId": "subnet-db", "PrivateIpAddress": "10.0.2.999", "Groups": [{"GroupId": "sg-db"}]}]}`
	s := Source{Vendor: "aws", Rules: []string{"rules.json"}, NICs: []string{"enis.json"}, ReadFile: f.read}
	if _, err := Load(s); err == nil || !strings.Contains(err.Error(), "-nics enis.json: ") || !strings.Contains(err.Error(), "10.0.2.999") {
		t.Errorf("strict: %v; want the bad address refused with the file", err)
	}
	s.SkipInvalid = true
	n := mustLoad(t, s)
	if len(n.Skipped) != 1 || !strings.HasPrefix(n.Skipped[0], "enis.json: ") || !strings.Contains(n.Skipped[0], "10.0.2.999") {
		t.Errorf("skipped %q", n.Skipped)
	}
	if len(n.Spec.Endpoints) != 1 || n.Spec.Endpoints[0].Name != "eni-web" || !strings.Contains(n.Description, "1 invalid record skipped") {
		t.Errorf("endpoints %+v, description %q", n.Spec.Endpoints, n.Description)
	}
}

// A binding whose ACL a lenient read skipped in one file is kept when
// another -rules file holds that ACL (a Tencent DescribeNetworkAcls with
// its ACL's quintuple entries beside it); it was dropped, and no ACL was
// evaluated for the subnet.
func TestLoadBindingAcrossFiles(t *testing.T) {
	quint, err := os.ReadFile(filepath.Join("testdata", "published", "tencent", "acl-hj3he929.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := files{"acls.json": `{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-hj3he929", "VpcId": "vpc-1", "NetworkAclType": "1",
		"IngressEntries": [], "EgressEntries": [], "SubnetSet": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}], "TotalCount": 1}}`,
		"acl-hj3he929.json": string(quint),
		"topology.json":     `{"cloud": "tencent", "endpoints": [{"name": "a", "addrs": ["10.0.1.5"], "subnet": "subnet-1"}]}`}
	n := mustLoad(t, Source{Vendor: "tencent", Rules: []string{"acls.json", "acl-hj3he929.json"}, Topology: "topology.json", SkipInvalid: true, ReadFile: f.read})
	var acl string
	for _, s := range n.Spec.Subnets {
		if s.Name == "subnet-1" {
			acl = s.ACL
		}
	}
	if acl != "acl-hj3he929" || len(n.Notes) != 0 || len(n.Skipped) != 1 {
		t.Errorf("subnet-1's ACL %q, notes %q, skipped %q; want acl-hj3he929, none, the NetworkAclType", acl, n.Notes, n.Skipped)
	}
}
