package aws

import (
	"bytes"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/nictest"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// The listing shaped like the CLI's documented example, with a second
// private address, an IPv6 address and a delegated prefix added.
func TestReadNetworkInterfacesExample(t *testing.T) {
	nics, err := ReadNetworkInterfaces(open(t, "describe-network-interfaces.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.NIC{
		{ID: "eni-0web", Addrs: prefixes("10.0.1.17/32", "10.0.1.18/32", "2001:db8:0:1::17/128", "10.0.1.208/28"), Subnet: "subnet-0app",
			Groups: []string{"sg-0web", "sg-0default"},
			Origin: sgsim.Origin{Vendor: "aws", Document: "DescribeNetworkInterfaces", Record: "eni-0web", Path: "NetworkInterfaces[0]"}},
		{ID: "eni-0db", Addrs: prefixes("10.0.2.7/32"), Subnet: "subnet-0data", Groups: []string{"sg-0db"},
			Origin: sgsim.Origin{Vendor: "aws", Document: "DescribeNetworkInterfaces", Record: "eni-0db", Path: "NetworkInterfaces[1]"}},
	}
	if d := cmp.Diff(want, nics, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); d != "" {
		t.Errorf("NICs (-want +got):\n%s", d)
	}
	subs, err := ReadSubnets(open(t, "describe-subnets.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantSubs := []provider.Subnet{
		{ID: "subnet-0app", Prefixes: prefixes("10.0.1.0/24", "2001:db8:0:1::/64"), Origin: sgsim.Origin{Vendor: "aws", Document: "DescribeSubnets", Record: "subnet-0app", Path: "Subnets[0]"}},
		{ID: "subnet-0data", Prefixes: prefixes("10.0.2.0/24"), Origin: sgsim.Origin{Vendor: "aws", Document: "DescribeSubnets", Record: "subnet-0data", Path: "Subnets[1]"}},
	}
	if d := cmp.Diff(wantSubs, subs, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); d != "" {
		t.Errorf("subnets (-want +got):\n%s", d)
	}
	bs, err := ReadNetworkAclAssociations(open(t, "describe-network-acls.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantBs := []provider.ACLBinding{
		{ACL: "acl-0data", Subnet: "subnet-0data", Origin: sgsim.Origin{Vendor: "aws", Document: "DescribeNetworkAcls", Record: "acl-0data", Path: "NetworkAcls[0].Associations[0]"}},
		{ACL: "acl-0default", Subnet: "subnet-0app", Origin: sgsim.Origin{Vendor: "aws", Document: "DescribeNetworkAcls", Record: "acl-0default", Path: "NetworkAcls[1].Associations[0]"}},
	}
	if d := cmp.Diff(wantBs, bs); d != "" {
		t.Errorf("bindings (-want +got):\n%s", d)
	}
}

func TestNetworkInterfacesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nics := nictest.NICs(t, nictest.Options{Prefixes: true, NoSubnet: true}, 4)
		var buf bytes.Buffer
		if err := WriteNetworkInterfaces(&buf, nics); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNetworkInterfaces(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		for i := range got {
			got[i].Origin = sgsim.Origin{}
		}
		if d := cmp.Diff(nics, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); d != "" {
			t.Fatalf("round trip (-wrote +read):\n%s", d)
		}
		subs := nictest.Subnets(t, nictest.Options{}, 4)
		buf.Reset()
		if err := WriteSubnets(&buf, subs); err != nil {
			t.Fatal(err)
		}
		gotSubs, err := ReadSubnets(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		for i := range gotSubs {
			gotSubs[i].Origin = sgsim.Origin{}
		}
		if d := cmp.Diff(subs, gotSubs, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); d != "" {
			t.Fatalf("subnet round trip (-wrote +read):\n%s", d)
		}
	})
}

func TestReadNetworkInterfacesErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{}`:                          `aws: NetworkInterfaces: missing; want a document with NetworkInterfaces`,
		`{"NetworkInterfaces": {}}`:   `aws: NetworkInterfaces: {}: want a JSON array`,
		`{"NetworkInterfaces": [7]}`:  `aws: NetworkInterfaces[0]: 7: want a JSON object`,
		`{"NetworkInterfaces": [{}]}`: `aws: NetworkInterfaces[0].NetworkInterfaceId: "": missing or empty`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": 7}]}`:                                                                                                                  `aws: NetworkInterfaces[0].NetworkInterfaceId: 7: want a string`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}, {"NetworkInterfaceId": "eni-1"}]}`:                                                                           `aws: NetworkInterfaces[1].NetworkInterfaceId: "eni-1": network interface listed twice (also at NetworkInterfaces[0])`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.300"}]}]}`:                                                `aws: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress: "10.0.0.300": want an IPv4 address`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "2001:db8::1"}]}]}`:                                               `aws: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress: "2001:db8::1": want an IPv4 address`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{}]}]}`:                                                                                `aws: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress: "": want a value`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.500", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5"}]}]}`:                `aws: NetworkInterfaces[0].PrivateIpAddress: "10.0.0.500": not among PrivateIpAddresses`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.1/24"}]}`:                                                                         `aws: NetworkInterfaces[0].PrivateIpAddress: "10.0.0.1/24": want an IPv4 address`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Ipv6Addresses": [{"Ipv6Address": "10.0.0.1"}]}]}`:                                                            `aws: NetworkInterfaces[0].Ipv6Addresses[0].Ipv6Address: "10.0.0.1": want an IPv6 address`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.0.1/28"}]}]}`:                                                           `aws: NetworkInterfaces[0].Ipv4Prefixes[0].Ipv4Prefix: "10.0.0.1/28": host bits set; want 10.0.0.0/28`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Ipv6Prefixes": [{"Ipv6Prefix": "2001:db8::/80"}, {"Ipv6Prefix": "2001:db8::/80"}]}]}`:                        `aws: NetworkInterfaces[0].Ipv6Prefixes[1].Ipv6Prefix: "2001:db8::/80": value listed twice`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.1"}], "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.0.1/32"}]}]}`: `aws: NetworkInterfaces[0].Ipv4Prefixes[0].Ipv4Prefix: "10.0.0.1/32": a delegated prefix of one address; want a shorter prefix`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.1"}, {"PrivateIpAddress": "10.0.0.1"}]}]}`:                `aws: NetworkInterfaces[0].PrivateIpAddresses[1].PrivateIpAddress: "10.0.0.1": value listed twice`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.0"}], "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.0.0/28"}]}]}`: `aws: NetworkInterfaces[0].Ipv4Prefixes[0].Ipv4Prefix: "10.0.0.0/28": overlaps at NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Groups": [{"GroupId": "sg-1"}, {"GroupName": "x"}]}]}`:                                                       `aws: NetworkInterfaces[0].Groups[1].GroupId: "": want a security group ID`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-1"}]}]}`:                                                      `aws: NetworkInterfaces[0].Groups[1].GroupId: "sg-1": security group ID listed twice`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Groups": ["sg-1"]}]}`:                                                                                        `aws: NetworkInterfaces[0].Groups[0]: "sg-1": want a JSON object`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": ["s"]}]}`:                                                                                         `aws: NetworkInterfaces[0].SubnetId: ["s"]: want a string`,
		"{\"NetworkInterfaces\": [\n{\"NetworkInterfaceId\": \"eni-1\",}]}":                                                                                                   `aws: (document): invalid JSON (byte offset 56): invalid character '}' looking for beginning of object key string`,
	} {
		if _, err := ReadNetworkInterfaces(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadNetworkInterfaces(%s):\n got %v\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
}

func TestReadSubnetsAndAssociationsErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"Subnets": [{"SubnetId": "s-1"}]}`:                                                                                                          `aws: Subnets[0].CidrBlock: "": missing: a subnet has an IPv4 or an associated IPv6 block`,
		`{"Subnets": [{"CidrBlock": "10.0.0.0/24"}]}`:                                                                                                 `aws: Subnets[0].SubnetId: "": missing or empty`,
		`{"Subnets": [{"SubnetId": "s-1", "CidrBlock": "10.0.0.0/33"}]}`:                                                                              `aws: Subnets[0].CidrBlock: "10.0.0.0/33": want an IPv4 CIDR block`,
		`{"Subnets": [{"SubnetId": "s-1", "CidrBlock": "2001:db8::/64"}]}`:                                                                            `aws: Subnets[0].CidrBlock: "2001:db8::/64": want an IPv4 CIDR block`,
		`{"Subnets": [{"SubnetId": "s-1", "CidrBlock": "10.0.0.0/24"}, {"SubnetId": "s-1", "CidrBlock": "10.0.1.0/24"}]}`:                             `aws: Subnets[1].SubnetId: "s-1": subnet listed twice (also at Subnets[0])`,
		`{"Subnets": [{"SubnetId": "s-1", "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::1/64"}]}]}`:                                    `aws: Subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock: "2001:db8::1/64": host bits set; want 2001:db8::/64`,
		`{"Subnets": [{"SubnetId": "s-1", "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/64", "Ipv6CidrBlockState": {"State": 1}}]}]}`: `aws: Subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State: 1: want a string`,
	} {
		if _, err := ReadSubnets(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadSubnets(%s):\n got %v\nwant %s", in, err, want)
		}
	}
	// A disassociated IPv6 block is not read.
	subs, err := ReadSubnets(strings.NewReader(`{"Subnets": [{"SubnetId": "s-1", "CidrBlock": "10.0.0.0/24",
		"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/64", "Ipv6CidrBlockState": {"State": "disassociated"}}]}]}`))
	if err != nil || len(subs) != 1 || !slices.Equal(subs[0].Prefixes, prefixes("10.0.0.0/24")) {
		t.Errorf("disassociated block: %+v, %v", subs, err)
	}
	for in, want := range map[string]string{
		`{"NetworkAcls": [{"Associations": []}]}`:                                                                                                               `aws: NetworkAcls[0].NetworkAclId: "": missing or empty`,
		`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Associations": [{"NetworkAclId": "acl-1"}]}]}`:                                                             `aws: NetworkAcls[0].Associations[0].SubnetId: "": missing or empty`,
		`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Associations": [{"NetworkAclId": "acl-2", "SubnetId": "s-1"}]}]}`:                                          `aws: NetworkAcls[0].Associations[0].NetworkAclId: "acl-2": not the enclosing ACL "acl-1"`,
		`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Associations": [{"SubnetId": "s-1"}]}, {"NetworkAclId": "acl-2", "Associations": [{"SubnetId": "s-1"}]}]}`: `aws: NetworkAcls[1].Associations[0].SubnetId: "s-1": subnet already bound (at NetworkAcls[0].Associations[0]); a subnet has one network ACL`,
	} {
		if _, err := ReadNetworkAclAssociations(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadNetworkAclAssociations(%s):\n got %v\nwant %s", in, err, want)
		}
	}
}

// End to end: the security groups, network ACLs and listings in testdata
// build a network whose verdicts are derived by hand below.
func TestNICListingEndToEnd(t *testing.T) {
	groups, err := ReadSecurityGroups(open(t, "describe-security-groups.json"))
	if err != nil {
		t.Fatal(err)
	}
	acls, err := ReadNetworkAcls(open(t, "describe-network-acls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p provider.Placement
	if p.NICs, err = ReadNetworkInterfaces(open(t, "describe-network-interfaces.json")); err != nil {
		t.Fatal(err)
	}
	if p.Subnets, err = ReadSubnets(open(t, "describe-subnets.json")); err != nil {
		t.Fatal(err)
	}
	if p.Bindings, err = ReadNetworkAclAssociations(open(t, "describe-network-acls.json")); err != nil {
		t.Fatal(err)
	}
	top, err := provider.ReadTopology(strings.NewReader(`{"cloud": "aws", "endpoints": [{"name": "internet", "addrs": ["0.0.0.0/0"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	top, warns, err := top.Place(p)
	if err != nil {
		t.Fatal(err)
	}
	n, more, err := top.Build(groups, acls)
	if err != nil {
		t.Fatal(err)
	}
	var ws []string
	for _, w := range append(warns, more...) {
		ws = append(ws, w.String())
	}
	wantWarns := []string{
		`security group "sg-0peerbastion": not in the export, referenced by "sg-0db" rule 1: it matches nothing (give its addresses in the topology's "members" to change that)`,
	}
	if !slices.Equal(ws, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", ws, wantWarns)
	}
	for _, tc := range []struct {
		flow    string
		allowed bool
		dropped sgsim.Hop
	}{
		// web -> db 5432: web egress allows all, the app ACL allows all,
		// the data ACL lets 10.0.1.0/24 in on 5432 and the reply out to
		// 1024-65535, sg-0db allows 5432 from sg-0web's members.
		{"tcp 10.0.1.17:40000 -> 10.0.2.7:5432", true, sgsim.NoHop},
		// A pod address of the web node's delegated prefix is a member too.
		{"tcp 10.0.1.210:40000 -> 10.0.2.7:5432", true, sgsim.NoHop},
		// Another address of the app subnet is the hand-written internet:
		// the data ACL lets it in, sg-0db does not.
		{"tcp 10.0.1.99:40000 -> 10.0.2.7:5432", false, sgsim.DstIngress},
		// SSH to the db: the data ACL has no rule for port 22.
		{"tcp 10.0.1.17:40000 -> 10.0.2.7:22", false, sgsim.DstACLIn},
		// The internet reaches web on 443 through the default ACL.
		{"tcp 203.0.113.5:40000 -> 10.0.1.17:443", true, sgsim.NoHop},
		{"tcp 203.0.113.5:40000 -> 10.0.1.17:80", false, sgsim.DstIngress},
		// But not the db: the data ACL lets in 10.0.1.0/24 only.
		{"tcp 203.0.113.5:40000 -> 10.0.2.7:5432", false, sgsim.DstACLIn},
	} {
		f := sgsim.MustParseFlow(tc.flow)
		d := n.Decide(f)
		tr := n.Trace(f)
		if d.Allowed != tc.allowed || d.Hop != tc.dropped || tr.Allowed != tc.allowed {
			t.Errorf("%s: %+v; want allowed=%v dropped at %v\n%s", tc.flow, d, tc.allowed, tc.dropped, tr)
		}
	}
	// Without DescribeSubnets the associations still bind the ACLs to the
	// subnets the NICs name: the same verdicts for the NICs' traffic.
	noSubs := p
	noSubs.Subnets = nil
	n2, warns2 := nictest.Build(t, `{"cloud": "aws", "endpoints": [{"name": "internet", "addrs": ["0.0.0.0/0"]}]}`, noSubs, groups, acls)
	if len(warns2) != 1 || !strings.HasPrefix(warns2[0], `security group "sg-0peerbastion"`) {
		t.Errorf("warnings without subnets: %q", warns2)
	}
	nictest.Check(t, n2, []nictest.Case{
		{Flow: "tcp 10.0.1.17:40000 -> 10.0.2.7:5432", Allowed: true, Dropped: sgsim.NoHop, From: "eni-0web", To: "eni-0db"},
		{Flow: "tcp 10.0.1.17:40000 -> 10.0.2.7:22", Allowed: false, Dropped: sgsim.DstACLIn, From: "eni-0web", To: "eni-0db"},
		{Flow: "tcp 203.0.113.5:40000 -> 10.0.2.7:5432", Allowed: false, Dropped: sgsim.DstACLIn, From: "internet", To: "eni-0db"},
	})
	tr := n.Trace(sgsim.MustParseFlow("tcp 10.0.1.17:40000 -> 10.0.2.7:5432"))
	if tr.From != "eni-0web" || tr.To != "eni-0db" {
		t.Errorf("trace from %q to %q, want eni-0web to eni-0db", tr.From, tr.To)
	}
	// The app subnet to the db on 5432: exactly the web node's addresses.
	r, err := n.Reach(sgsim.Query{From: sgsim.MustParseAddrs("10.0.1.0/24"), To: sgsim.MustParseAddrs("10.0.2.7"),
		Protocol: sgsim.TCP, DstPorts: sgsim.Ports{sgsim.Port(5432)}})
	if err != nil {
		t.Fatal(err)
	}
	var src []string
	for _, reg := range r.Allowed {
		src = append(src, reg.Src.String())
	}
	if r.Outcome != sgsim.Some || strings.Join(src, " ") != "10.0.1.17-10.0.1.18 10.0.1.208/28" {
		t.Errorf("reach: %v, allowed sources %q", r.Outcome, src)
	}
}

// Every bad record at once, each at its line and column; leniently, the
// good records are kept and the bad ones reported.
func TestReadNetworkInterfacesAllErrorsAndLenient(t *testing.T) {
	in := "{\"NetworkInterfaces\": [\n" +
		" {\"NetworkInterfaceId\": \"eni-1\", \"PrivateIpAddress\": \"10.0.0.1\"},\n" +
		" {\"NetworkInterfaceId\": \"eni-2\", \"PrivateIpAddress\": \"x\"},\n" +
		" {\"NetworkInterfaceId\": \"eni-3\", \"SubnetId\": 7}]}"
	want := "line 3, column 54: aws: NetworkInterfaces[1].PrivateIpAddress: \"x\": want an IPv4 address\n" +
		"line 4, column 46: aws: NetworkInterfaces[2].SubnetId: 7: want a string"
	if _, err := ReadNetworkInterfaces(strings.NewReader(in)); err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var rep read.Report
	nics, err := ReadNetworkInterfaces(strings.NewReader(in), read.SkipInvalid(&rep))
	if err != nil || len(nics) != 1 || nics[0].ID != "eni-1" || rep.Read != 1 || len(rep.Skipped) != 2 ||
		rep.Skipped[1].Error() != "line 4, column 46: aws: NetworkInterfaces[2].SubnetId: 7: want a string" {
		t.Errorf("lenient: %+v, %v, report %+v", nics, err, rep)
	}
	// A duplicate key is refused, not read as its last value.
	_, err = ReadNetworkInterfaces(strings.NewReader(`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "a", "SubnetId": "b"}]}`))
	if err == nil || !strings.Contains(err.Error(), "SubnetId") {
		t.Errorf("duplicate key: %v", err)
	}
}

// ACLs written with their bindings read back as the same ACLs and the
// same bindings.
func TestNetworkAclsBoundRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3).Draw(t, "acls")
		var gs []sgsim.Group
		for i := 0; i < n; i++ {
			gs = append(gs, sgsim.Group{ID: "acl-" + strconv.Itoa(i), Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8 priority 100")}})
		}
		var bs []provider.ACLBinding
		if n > 0 {
			for s := range rapid.IntRange(0, 5).Draw(t, "subnets") {
				bs = append(bs, provider.ACLBinding{ACL: gs[rapid.IntRange(0, n-1).Draw(t, "acl")].ID, Subnet: "subnet-" + strconv.Itoa(s)})
			}
		}
		var buf bytes.Buffer
		if err := WriteNetworkAclsBound(&buf, gs, bs); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		got, err := ReadNetworkAclAssociations(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		for i := range got {
			got[i].Origin = sgsim.Origin{}
		}
		want := slices.Clone(bs)
		slices.SortStableFunc(want, func(a, b provider.ACLBinding) int { return strings.Compare(a.ACL, b.ACL) })
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("bindings (-wrote +read):\n%s\n%s", d, data)
		}
		acls, err := ReadNetworkAcls(bytes.NewReader(data))
		if err != nil || len(acls) != n {
			t.Fatalf("ACLs: %d, %v", len(acls), err)
		}
	})
	for _, tc := range []struct {
		bs   []provider.ACLBinding
		want string
	}{
		{[]provider.ACLBinding{{ACL: "acl-9", Subnet: "s"}}, `aws: binding[0]: "acl-9": binds an ACL that is not written`},
		{[]provider.ACLBinding{{ACL: "acl-0", Subnet: "s"}, {ACL: "acl-0", Subnet: "s"}}, `aws: binding[1]: "s": subnet bound twice; a subnet has one network ACL`},
		{[]provider.ACLBinding{{ACL: "acl-0"}}, `aws: binding[0]: "": a binding needs a subnet ID`},
	} {
		err := WriteNetworkAclsBound(&bytes.Buffer{}, []sgsim.Group{{ID: "acl-0"}}, tc.bs)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteNetworkAclsBound(%+v): %v, want %s", tc.bs, err, tc.want)
		}
	}
}
