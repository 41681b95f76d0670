package alibaba

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

// The listings shaped like the SDK models' documented responses: a node
// ENI with an IPv6 address and a Terway-style delegated prefix, a db ENI.
func TestReadNetworkInterfacesExample(t *testing.T) {
	nics, err := ReadNetworkInterfaces(openData(t, "describe-network-interfaces.json"))
	if err != nil {
		t.Fatal(err)
	}
	o := func(id, path string) sgsim.Origin {
		return sgsim.Origin{Vendor: "alibaba", Document: "DescribeNetworkInterfaces", Record: id, Path: path}
	}
	want := []provider.NIC{
		{ID: "eni-node1", Name: "node-1 primary", Addrs: prefixes("172.16.0.10/32", "2408:4005:3a0:1100::10/128", "172.16.0.32/28"),
			Subnet: "vsw-nodes", Groups: []string{"sg-node"}, Origin: o("eni-node1", "NetworkInterfaceSets.NetworkInterfaceSet[0]")},
		{ID: "eni-db", Addrs: prefixes("172.16.1.20/32"), Subnet: "vsw-db", Groups: []string{"sg-db"}, Origin: o("eni-db", "NetworkInterfaceSets.NetworkInterfaceSet[1]")},
	}
	if d := cmp.Diff(want, nics, cmpPrefix); d != "" {
		t.Errorf("ENIs (-want +got):\n%s", d)
	}
	subs, err := ReadVSwitches(openData(t, "describe-vswitches.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantSubs := []provider.Subnet{
		{ID: "vsw-nodes", Prefixes: prefixes("172.16.0.0/24", "2408:4005:3a0:1100::/64"),
			Origin: sgsim.Origin{Vendor: "alibaba", Document: "DescribeVSwitches", Record: "vsw-nodes", Path: "VSwitches.VSwitch[0]"}},
		{ID: "vsw-db", Prefixes: prefixes("172.16.1.0/24"), ACL: "nacl-db",
			Origin: sgsim.Origin{Vendor: "alibaba", Document: "DescribeVSwitches", Record: "vsw-db", Path: "VSwitches.VSwitch[1]"}},
	}
	if d := cmp.Diff(wantSubs, subs, cmpPrefix); d != "" {
		t.Errorf("vSwitches (-want +got):\n%s", d)
	}
	// Empty lists left out, as SDKs do.
	nics, err = ReadNetworkInterfaces(strings.NewReader(`{"NetworkInterfaceSets": {}}`))
	if err != nil || len(nics) != 0 {
		t.Errorf("empty listing: %v, %v", nics, err)
	}
}

func TestNetworkInterfacesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nics := nictest.NICs(t, nictest.Options{Names: true, Prefixes: true, NoSubnet: true}, 4)
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
		if err := WriteVSwitches(&buf, subs); err != nil {
			t.Fatal(err)
		}
		gotSubs, err := ReadVSwitches(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		for i := range gotSubs {
			gotSubs[i].Origin = sgsim.Origin{}
		}
		if d := cmp.Diff(subs, gotSubs, cmpPrefix); d != "" {
			t.Fatalf("vSwitch round trip (-wrote +read):\n%s", d)
		}
	})
}

func TestReadNetworkInterfacesErrors(t *testing.T) {
	const p = `{"NetworkInterfaceSets": {"NetworkInterfaceSet": [`
	for in, want := range map[string]string{
		`{}`:                           `alibaba: NetworkInterfaceSets: missing; want the DescribeNetworkInterfaces response {"NetworkInterfaceSets": {"NetworkInterfaceSet": [...]}}`,
		`{"NetworkInterfaceSets": []}`: `alibaba: NetworkInterfaceSets: []: want a JSON object`,
		`{"NetworkInterfaceSets": {"NetworkInterfaceSet": {}}}`: `alibaba: NetworkInterfaceSets.NetworkInterfaceSet: {}: want a JSON array`,
		p + `{}]}}`: `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].NetworkInterfaceId: "": want the ENI's ID`,
		p + `{"NetworkInterfaceId": "e"}, {"NetworkInterfaceId": "e"}]}}`:                                                                                 `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[1].NetworkInterfaceId: "e": ENI listed twice (also at NetworkInterfaceSets.NetworkInterfaceSet[0])`,
		p + `{"NetworkInterfaceId": "e", "PrivateIpSets": {"PrivateIpSet": [{"PrivateIpAddress": "172.16.0.256"}]}}]}}`:                                   `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].PrivateIpSets.PrivateIpSet[0].PrivateIpAddress: "172.16.0.256": want an IPv4 address`,
		p + `{"NetworkInterfaceId": "e", "PrivateIpAddress": "172.16.0.500", "PrivateIpSets": {"PrivateIpSet": [{"PrivateIpAddress": "172.16.0.5"}]}}]}}`: `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].PrivateIpAddress: "172.16.0.500": not among PrivateIpSets`,
		p + `{"NetworkInterfaceId": "e", "PrivateIpSets": [{"PrivateIpAddress": "172.16.0.1"}]}]}}`:                                                       `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].PrivateIpSets: [{"PrivateIpAddress": "172.16.0.1"}]: want a JSON object`,
		p + `{"NetworkInterfaceId": "e", "Ipv6Sets": {"Ipv6Set": [{"Ipv6Address": "172.16.0.1"}]}}]}}`:                                                    `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].Ipv6Sets.Ipv6Set[0].Ipv6Address: "172.16.0.1": want an IPv6 address`,
		p + `{"NetworkInterfaceId": "e", "Ipv4PrefixSets": {"Ipv4PrefixSet": [{"Ipv4Prefix": "172.16.0.33/28"}]}}]}}`:                                     `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].Ipv4PrefixSets.Ipv4PrefixSet[0].Ipv4Prefix: "172.16.0.33/28": host bits set; want 172.16.0.32/28`,
		p + `{"NetworkInterfaceId": "e", "PrivateIpAddress": "172.16.0.40", "Ipv4PrefixSets": {"Ipv4PrefixSet": [{"Ipv4Prefix": "172.16.0.32/28"}]}}]}}`:  `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].Ipv4PrefixSets.Ipv4PrefixSet[0].Ipv4Prefix: "172.16.0.32/28": overlaps at NetworkInterfaceSets.NetworkInterfaceSet[0].PrivateIpAddress`,
		p + `{"NetworkInterfaceId": "e", "SecurityGroupIds": {"SecurityGroupId": ["sg-1", "sg-1"]}}]}}`:                                                   `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].SecurityGroupIds.SecurityGroupId[1]: "sg-1": security group ID listed twice`,
		p + `{"NetworkInterfaceId": "e", "SecurityGroupIds": {"SecurityGroupId": "sg-1"}}]}}`:                                                             `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].SecurityGroupIds.SecurityGroupId: "sg-1": want a JSON array`,
		p + `{"NetworkInterfaceId": "e", "VSwitchId": 3}]}}`:                                                                                              `alibaba: NetworkInterfaceSets.NetworkInterfaceSet[0].VSwitchId: 3: want a string`,
	} {
		if _, err := ReadNetworkInterfaces(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadNetworkInterfaces(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
	for in, want := range map[string]string{
		`{"VSwitches": {"VSwitch": [{"VSwitchId": "v"}]}}`:                                                                                 `alibaba: VSwitches.VSwitch[0].CidrBlock: "": missing: a vSwitch has CidrBlock or Ipv6CidrBlock`,
		`{"VSwitches": {"VSwitch": [{"CidrBlock": "172.16.0.0/24"}]}}`:                                                                     `alibaba: VSwitches.VSwitch[0].VSwitchId: "": want the vSwitch's ID`,
		`{"VSwitches": {"VSwitch": [{"VSwitchId": "v", "CidrBlock": "172.16.0.0/33"}]}}`:                                                   `alibaba: VSwitches.VSwitch[0].CidrBlock: "172.16.0.0/33": want an IPv4 CIDR block`,
		`{"VSwitches": {"VSwitch": [{"VSwitchId": "v", "CidrBlock": "172.16.0.0/24", "NetworkAclId": 1}]}}`:                                `alibaba: VSwitches.VSwitch[0].NetworkAclId: 1: want a string`,
		`{"VSwitches": {"VSwitch": [{"VSwitchId": "v", "CidrBlock": "172.16.0.0/24"}, {"VSwitchId": "v", "CidrBlock": "172.16.1.0/24"}]}}`: `alibaba: VSwitches.VSwitch[1].VSwitchId: "v": vSwitch listed twice (also at VSwitches.VSwitch[0])`,
	} {
		if _, err := ReadVSwitches(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadVSwitches(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
}

// End to end: the groups, the ACL, ENIs and vSwitches in testdata build a
// network whose verdicts are derived by hand below.
func TestNICListingEndToEnd(t *testing.T) {
	groups, err := ReadSecurityGroups(openData(t, "security-groups.json"))
	if err != nil {
		t.Fatal(err)
	}
	acls, err := ReadNetworkAcls(openData(t, "describe-network-acl-attributes.json"))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := ReadNetworkAclBindings(openData(t, "describe-network-acl-attributes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p provider.Placement
	if p.NICs, err = ReadNetworkInterfaces(openData(t, "describe-network-interfaces.json")); err != nil {
		t.Fatal(err)
	}
	if p.Subnets, err = ReadVSwitches(openData(t, "describe-vswitches.json")); err != nil {
		t.Fatal(err)
	}
	p.Bindings = ACLBindings(bs)
	if want := []provider.ACLBinding{{ACL: "nacl-db", Subnet: "vsw-db", Origin: sgsim.Origin{Vendor: "alibaba", Record: "nacl-db", Note: "Resources of the network ACL"}}}; !slices.Equal(p.Bindings, want) {
		t.Errorf("bindings %+v, want %+v", p.Bindings, want)
	}
	n, warns := nictest.Build(t, `{"cloud": "alibaba"}`, p, groups, acls)
	wantWarns := []string{
		`security group "sg-ops-peer": not in the export, referenced by "sg-db" rule "sgr-db-ssh": it matches nothing (give its addresses in the topology's "members" to change that)`,
	}
	if !slices.Equal(warns, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", warns, wantWarns)
	}
	nictest.Check(t, n, []nictest.Case{
		// node -> db 3306: sg-node lets everything out, vsw-nodes has no
		// ACL, nacl-db lets 172.16.0.0/24 in on 3306 and everything out
		// (the reply), sg-db lets sg-node's members in on 3306.
		{Flow: "tcp 172.16.0.10:40000 -> 172.16.1.20:3306", Allowed: true, Dropped: sgsim.NoHop, From: "eni-node1", To: "eni-db"},
		// A pod address of the node's delegated prefix is a member too.
		{Flow: "tcp 172.16.0.40:40000 -> 172.16.1.20:3306", Allowed: true, Dropped: sgsim.NoHop, From: "eni-node1", To: "eni-db"},
		// An address of vsw-nodes no ENI holds: the ACL lets it in, sg-db does not.
		{Flow: "tcp 172.16.0.99:40000 -> 172.16.1.20:3306", Allowed: false, Dropped: sgsim.DstIngress, To: "eni-db"},
		// SSH: nacl-db has no entry for 22 (and sg-ops-peer matches nothing).
		{Flow: "tcp 172.16.0.10:40000 -> 172.16.1.20:22", Allowed: false, Dropped: sgsim.DstACLIn, From: "eni-node1", To: "eni-db"},
		// From outside to a NodePort: sg-node allows 0.0.0.0/0.
		{Flow: "tcp 203.0.113.9:40000 -> 172.16.0.10:30080", Allowed: true, Dropped: sgsim.NoHop, To: "eni-node1"},
		{Flow: "tcp 203.0.113.9:40000 -> 172.16.0.10:22", Allowed: false, Dropped: sgsim.DstIngress, To: "eni-node1"},
	})
	out, src := nictest.ReachSources(t, n, sgsim.Query{From: sgsim.MustParseAddrs("172.16.0.0/24"), To: sgsim.MustParseAddrs("172.16.1.20"),
		Protocol: sgsim.TCP, DstPorts: sgsim.Ports{sgsim.Port(3306)}})
	if out != sgsim.Some || !slices.Equal(src, []string{"172.16.0.10", "172.16.0.32/28"}) {
		t.Errorf("reach: %v from %q; want some from 172.16.0.10 and 172.16.0.32/28", out, src)
	}
}
