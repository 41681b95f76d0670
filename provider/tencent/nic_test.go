package tencent

import (
	"bytes"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/nictest"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func openData(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// The listings shaped like tccli's documented examples: a node ENI with a
// secondary (pod) address, a db ENI with two groups and an IPv6 address.
func TestReadNetworkInterfacesExample(t *testing.T) {
	nics, err := ReadNetworkInterfaces(openData(t, "describe-network-interfaces.json"))
	if err != nil {
		t.Fatal(err)
	}
	o := func(id string, i string) sgsim.Origin {
		return sgsim.Origin{Vendor: "tencent", Document: "DescribeNetworkInterfaces", Record: id, Path: "Response.NetworkInterfaceSet[" + i + "]"}
	}
	want := []provider.NIC{
		{ID: "eni-node", Name: "node primary", Addrs: prefixes("10.1.0.10/32", "10.1.0.11/32"), Subnet: "subnet-nodes", Groups: []string{"sg-node"}, Origin: o("eni-node", "0")},
		{ID: "eni-db", Name: "db", Addrs: prefixes("10.1.1.20/32", "2402:4e00:1:1::20/128"), Subnet: "subnet-db", Groups: []string{"sg-db", "sg-base"}, Origin: o("eni-db", "1")},
	}
	if d := cmp.Diff(want, nics, cmpPrefix); d != "" {
		t.Errorf("ENIs (-want +got):\n%s", d)
	}
	subs, err := ReadSubnets(openData(t, "describe-subnets.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantSubs := []provider.Subnet{
		{ID: "subnet-nodes", Prefixes: prefixes("10.1.0.0/24"), Origin: sgsim.Origin{Vendor: "tencent", Document: "DescribeSubnets", Record: "subnet-nodes", Path: "Response.SubnetSet[0]"}},
		{ID: "subnet-db", Prefixes: prefixes("10.1.1.0/24", "2402:4e00:1:1::/64"), ACL: "acl-db", Origin: sgsim.Origin{Vendor: "tencent", Document: "DescribeSubnets", Record: "subnet-db", Path: "Response.SubnetSet[1]"}},
	}
	if d := cmp.Diff(wantSubs, subs, cmpPrefix); d != "" {
		t.Errorf("subnets (-want +got):\n%s", d)
	}
	bs, err := ReadNetworkAclSubnets(openData(t, "describe-network-acls.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantBs := []provider.ACLBinding{{ACL: "acl-db", Subnet: "subnet-db",
		Origin: sgsim.Origin{Vendor: "tencent", Document: "DescribeNetworkAcls", Record: "acl-db", Path: "Response.NetworkAclSet[0].SubnetSet[0].SubnetId"}}}
	if d := cmp.Diff(wantBs, bs); d != "" {
		t.Errorf("bindings (-want +got):\n%s", d)
	}
	// Without the Response wrapper, as tccli may print the body.
	nics, err = ReadNetworkInterfaces(strings.NewReader(`{"NetworkInterfaceSet": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddressSet": [{"PrivateIpAddress": "10.0.0.1"}]}]}`))
	if err != nil || len(nics) != 1 || nics[0].Origin.Path != "NetworkInterfaceSet[0]" {
		t.Errorf("bare body: %+v, %v", nics, err)
	}
}

func TestNetworkInterfacesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nics := nictest.NICs(t, nictest.Options{Names: true, NoSubnet: true}, 4)
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
		if d := cmp.Diff(nics, got, cmpPrefix); d != "" {
			t.Fatalf("round trip (-wrote +read):\n%s", d)
		}
		subs := nictest.Subnets(t, nictest.Options{SubnetACL: true}, 4)
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
		if d := cmp.Diff(subs, gotSubs, cmpPrefix); d != "" {
			t.Fatalf("subnet round trip (-wrote +read):\n%s", d)
		}
	})
}

func TestReadNetworkInterfacesErrors(t *testing.T) {
	const p = `{"Response": {"NetworkInterfaceSet": [`
	for in, want := range map[string]string{
		`{"Response": {}}`: `tencent: Response.NetworkInterfaceSet: missing; want the DescribeNetworkInterfaces response {"Response": {"NetworkInterfaceSet": [...]}}`,
		`{"Response": {"Error": {"Code": "AuthFailure", "Message": "no access"}}}`: `tencent: Response.Error: "AuthFailure": the call failed: no access`,
		`{"Response": {"NetworkInterfaceSet": {}}}`:                                `tencent: Response.NetworkInterfaceSet: {}: want a JSON array`,
		p + `{}]}}`: `tencent: Response.NetworkInterfaceSet[0].NetworkInterfaceId: "": want the ENI's ID`,
		p + `{"NetworkInterfaceId": "e"}, {"NetworkInterfaceId": "e"}]}}`:                               `tencent: Response.NetworkInterfaceSet[1].NetworkInterfaceId: "e": ENI listed twice (also at Response.NetworkInterfaceSet[0])`,
		p + `{"NetworkInterfaceId": "e", "PrivateIpAddressSet": [{"PrivateIpAddress": "10.0.0.x"}]}]}}`: `tencent: Response.NetworkInterfaceSet[0].PrivateIpAddressSet[0].PrivateIpAddress: "10.0.0.x": want an IPv4 address`,
		p + `{"NetworkInterfaceId": "e", "Ipv6AddressSet": [{"Address": "10.0.0.1"}]}]}}`:               `tencent: Response.NetworkInterfaceSet[0].Ipv6AddressSet[0].Address: "10.0.0.1": want an IPv6 address`,
		p + `{"NetworkInterfaceId": "e", "Ipv6AddressSet": [{"Ipv6Address": "2402::1"}]}]}}`:            `tencent: Response.NetworkInterfaceSet[0].Ipv6AddressSet[0].Address: "": want a value`,
		p + `{"NetworkInterfaceId": "e", "GroupSet": ["sg-1", "sg-1"]}]}}`:                              `tencent: Response.NetworkInterfaceSet[0].GroupSet[1]: "sg-1": security group ID listed twice`,
		p + `{"NetworkInterfaceId": "e", "GroupSet": [{"SecurityGroupId": "sg-1"}]}]}}`:                 `tencent: Response.NetworkInterfaceSet[0].GroupSet[0]: {"SecurityGroupId": "sg-1"}: want a string`,
		p + `{"NetworkInterfaceId": "e", "SubnetId": false}]}}`:                                         `tencent: Response.NetworkInterfaceSet[0].SubnetId: false: want a string`,
	} {
		if _, err := ReadNetworkInterfaces(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadNetworkInterfaces(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
	for in, want := range map[string]string{
		`{"SubnetSet": [{"SubnetId": "s"}]}`: `tencent: SubnetSet[0].CidrBlock: "": missing: a subnet has CidrBlock or Ipv6CidrBlock`,
		`{"SubnetSet": [{"SubnetId": "s", "CidrBlock": "10.0.0.0/8", "Ipv6CidrBlock": "10.1.0.0/16"}]}`:                `tencent: SubnetSet[0].Ipv6CidrBlock: "10.1.0.0/16": want an IPv6 CIDR block`,
		`{"SubnetSet": [{"SubnetId": "s", "CidrBlock": "10.0.0.0/8"}, {"SubnetId": "s", "CidrBlock": "10.1.0.0/16"}]}`: `tencent: SubnetSet[1].SubnetId: "s": subnet listed twice (also at SubnetSet[0])`,
	} {
		if _, err := ReadSubnets(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadSubnets(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
	for in, want := range map[string]string{
		`{"NetworkAclSet": [{"SubnetSet": []}]}`: `tencent: NetworkAclSet[0].NetworkAclId: "": want the ACL's ID`,
		`{"NetworkAclSet": [{"NetworkAclId": "a", "SubnetSet": [{"SubnetId": "s"}]}, {"NetworkAclId": "b", "SubnetSet": [{"SubnetId": "s"}]}]}`: `tencent: NetworkAclSet[1].SubnetSet[0].SubnetId: "s": subnet already bound (at NetworkAclSet[0].SubnetSet[0].SubnetId); a subnet has one network ACL`,
	} {
		if _, err := ReadNetworkAclSubnets(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadNetworkAclSubnets(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
}

// End to end: the policies, the ACL, ENIs and subnets in testdata build a
// network whose verdicts are derived by hand below.
func TestNICListingEndToEnd(t *testing.T) {
	var groups []sgsim.Group
	for _, id := range []string{"sg-node", "sg-db", "sg-base"} {
		g, err := ReadPolicies(openData(t, "policies-"+id+".json"), id)
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, g)
	}
	acls, err := ReadNetworkAcls(openData(t, "describe-network-acls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p provider.Placement
	if p.NICs, err = ReadNetworkInterfaces(openData(t, "describe-network-interfaces.json")); err != nil {
		t.Fatal(err)
	}
	if p.Subnets, err = ReadSubnets(openData(t, "describe-subnets.json")); err != nil {
		t.Fatal(err)
	}
	if p.Bindings, err = ReadNetworkAclSubnets(openData(t, "describe-network-acls.json")); err != nil {
		t.Fatal(err)
	}
	n, warns := nictest.Build(t, `{"cloud": "tencent"}`, p, groups, acls)
	wantWarns := []string{
		`security group "sg-ops-peer": not in the export, referenced by "sg-db" rule "1": it matches nothing (give its addresses in the topology's "members" to change that)`,
	}
	if !slices.Equal(warns, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", warns, wantWarns)
	}
	nictest.Check(t, n, []nictest.Case{
		// node -> db 5432: sg-node lets everything out; acl-db lets
		// 10.1.0.0/24 in on 5432 and everything out (the reply); sg-db,
		// first in binding order, accepts sg-node's members on 5432.
		{Flow: "tcp 10.1.0.10:40000 -> 10.1.1.20:5432", Allowed: true, Dropped: sgsim.NoHop, From: "eni-node", To: "eni-db"},
		{Flow: "tcp 10.1.0.11:40000 -> 10.1.1.20:5432", Allowed: true, Dropped: sgsim.NoHop, From: "eni-node", To: "eni-db"},
		// SSH from the node: acl-db accepts 22; sg-db's only 22 policy
		// names sg-ops-peer, which matches nothing; sg-base, next in
		// binding order, drops 22 from 10.1.0.0/24.
		{Flow: "tcp 10.1.0.10:40000 -> 10.1.1.20:22", Allowed: false, Dropped: sgsim.DstIngress, From: "eni-node", To: "eni-db"},
		// An address no ENI holds: not an sg-node member, so sg-db
		// matches nothing and sg-base accepts the VPC.
		{Flow: "tcp 10.1.0.99:40000 -> 10.1.1.20:5432", Allowed: true, Dropped: sgsim.NoHop, To: "eni-db"},
		// 8080: acl-db has no entry for it.
		{Flow: "tcp 10.1.0.10:40000 -> 10.1.1.20:8080", Allowed: false, Dropped: sgsim.DstACLIn, From: "eni-node", To: "eni-db"},
		// From outside to a NodePort: sg-node accepts 0.0.0.0/0.
		{Flow: "tcp 203.0.113.9:40000 -> 10.1.0.10:30080", Allowed: true, Dropped: sgsim.NoHop, To: "eni-node"},
	})
	// From all of 10.0.0.0/8 to the db on 5432: the node subnet, which
	// acl-db lets in, and the db's own subnet, whose traffic no ACL
	// filters; sg-db or sg-base accept both. Nothing else passes acl-db.
	out, src := nictest.ReachSources(t, n, sgsim.Query{From: sgsim.MustParseAddrs("10.0.0.0/8"), To: sgsim.MustParseAddrs("10.1.1.20"),
		Protocol: sgsim.TCP, DstPorts: sgsim.Ports{sgsim.Port(5432)}})
	all := sgsim.MustParseAddrs(strings.Join(src, ","))
	if out != sgsim.Some || all.String() != "10.1.0.0/23" {
		t.Errorf("reach: %v from %q; want some from 10.1.0.0/23", out, src)
	}
}
