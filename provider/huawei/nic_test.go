package huawei

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

// The listings shaped like the Port and Subnet models' documented
// responses: a node port with an IPv4 and an IPv6 address, a port with two
// groups, a router port and a VIP port without port security.
func TestReadPortsExample(t *testing.T) {
	nics, err := ReadPorts(openData(t, "list-ports.json"))
	if err != nil {
		t.Fatal(err)
	}
	o := func(id string, i int) sgsim.Origin {
		return sgsim.Origin{Vendor: "huawei", Document: "ListPorts", Record: id, Path: "ports[" + string(rune('0'+i)) + "]"}
	}
	vip := o("port-vip", 3)
	vip.Note = `port_security_enabled is false: no security group applies (listed: "sg-node")`
	router := o("port-router", 2)
	router.Note = "port_security_enabled is false: no security group applies"
	want := []provider.NIC{
		{ID: "port-node-1", Name: "node-1-eth0", Addrs: prefixes("192.168.0.10/32", "2407:c080:1::10/128"), Subnet: "sub-nodes", Groups: []string{"sg-node"}, Origin: o("port-node-1", 0)},
		{ID: "port-db", Name: "db-eth0", Addrs: prefixes("192.168.1.20/32"), Subnet: "sub-db", Groups: []string{"sg-db", "sg-default"}, Origin: o("port-db", 1)},
		{ID: "port-router", Addrs: prefixes("192.168.0.1/32"), Subnet: "sub-nodes", Origin: router},
		{ID: "port-vip", Name: "ingress-vip", Addrs: prefixes("192.168.0.50/32"), Subnet: "sub-nodes", Origin: vip},
	}
	if d := cmp.Diff(want, nics, cmpPrefix); d != "" {
		t.Errorf("ports (-want +got):\n%s", d)
	}
	subs, err := ReadSubnets(openData(t, "list-subnets.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantSubs := []provider.Subnet{
		{ID: "sub-nodes", Prefixes: prefixes("192.168.0.0/24", "2407:c080:1::/64"), Origin: sgsim.Origin{Vendor: "huawei", Document: "ListSubnets", Record: "sub-nodes", Path: "subnets[0]"}},
		{ID: "sub-db", Prefixes: prefixes("192.168.1.0/24"), Origin: sgsim.Origin{Vendor: "huawei", Document: "ListSubnets", Record: "sub-db", Path: "subnets[1]"}},
	}
	if d := cmp.Diff(wantSubs, subs, cmpPrefix); d != "" {
		t.Errorf("subnets (-want +got):\n%s", d)
	}
}

func TestPortsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nics := nictest.NICs(t, nictest.Options{Names: true, NoSubnet: true}, 4)
		var buf bytes.Buffer
		if err := WritePorts(&buf, nics); err != nil {
			t.Fatal(err)
		}
		got, err := ReadPorts(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		for i := range got {
			got[i].Origin = sgsim.Origin{}
		}
		if d := cmp.Diff(nics, got, cmpPrefix); d != "" {
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
		if d := cmp.Diff(subs, gotSubs, cmpPrefix); d != "" {
			t.Fatalf("subnet round trip (-wrote +read):\n%s", d)
		}
	})
}

func TestReadPortsErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{}`:                                    `huawei: ports: missing; want the ListPorts response {"ports": [...]}`,
		`{"ports": {}}`:                         `huawei: ports: {}: want a JSON array`,
		`{"ports": [{}]}`:                       `huawei: ports[0].id: "": want the port's ID`,
		`{"ports": [{"id": 1}]}`:                `huawei: ports[0].id: 1: want a string`,
		`{"ports": [{"id": "p"}, {"id": "p"}]}`: `huawei: ports[1].id: "p": port listed twice (also at ports[0])`,
		`{"ports": [{"id": "p", "fixed_ips": [{"ip_address": "192.168.0.300"}]}]}`:              `huawei: ports[0].fixed_ips[0].ip_address: "192.168.0.300": want an IP address`,
		`{"ports": [{"id": "p", "fixed_ips": [{"ip_address": "192.168.0.0/24"}]}]}`:             `huawei: ports[0].fixed_ips[0].ip_address: "192.168.0.0/24": want an IP address`,
		`{"ports": [{"id": "p", "fixed_ips": [{"subnet_id": "s"}]}]}`:                           `huawei: ports[0].fixed_ips[0].ip_address: "": want a value`,
		`{"ports": [{"id": "p", "fixed_ips": [{"ip_address": "::1"}, {"ip_address": "::1"}]}]}`: `huawei: ports[0].fixed_ips[1].ip_address: "::1": value listed twice`,
		`{"ports": [{"id": "p", "security_groups": ["sg-1", ""]}]}`:                             `huawei: ports[0].security_groups[1]: "": want a security group ID`,
		`{"ports": [{"id": "p", "security_groups": ["sg-1", "sg-1"]}]}`:                         `huawei: ports[0].security_groups[1]: "sg-1": security group ID listed twice`,
		`{"ports": [{"id": "p", "security_groups": "sg-1"}]}`:                                   `huawei: ports[0].security_groups: "sg-1": want a JSON array`,
		`{"ports": [{"id": "p", "port_security_enabled": "false"}]}`:                            `huawei: ports[0].port_security_enabled: "false": want true or false`,
		`{"ports": [{"id": "p", "network_id": 5}]}`:                                             `huawei: ports[0].network_id: 5: want a string`,
	} {
		if _, err := ReadPorts(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadPorts(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
	for in, want := range map[string]string{
		`{"subnets": [{"id": "s"}]}`:                                                             `huawei: subnets[0].cidr: "": missing: a subnet has cidr or cidr_v6`,
		`{"subnets": [{"cidr": "10.0.0.0/24"}]}`:                                                 `huawei: subnets[0].id: "": want the subnet's ID`,
		`{"subnets": [{"id": "s", "cidr": "10.0.0.1/24"}]}`:                                      `huawei: subnets[0].cidr: "10.0.0.1/24": host bits set; want 10.0.0.0/24`,
		`{"subnets": [{"id": "s", "cidr": "10.0.0.0/24", "cidr_v6": "10.1.0.0/24"}]}`:            `huawei: subnets[0].cidr_v6: "10.1.0.0/24": want an IPv6 CIDR block`,
		`{"subnets": [{"id": "s", "cidr": "10.0.0.0/24", "neutron_network_id": "n"}]}`:           `huawei: subnets[0].neutron_network_id: "n": differs from id "s": ports name their subnet by network_id, and sgsim takes it to be the subnet ID`,
		`{"subnets": [{"id": "ns", "network_id": "s", "ip_version": 4, "cidr": "10.0.0.0/24"}]}`: `huawei: subnets[0]: a Neutron subnet record (network_id, ip_version); want the VPC ListSubnets form (GET /v1/{project_id}/subnets)`,
		`{"subnets": [{"id": "s", "cidr": "10.0.0.0/24"}, {"id": "s", "cidr": "10.0.1.0/24"}]}`:  `huawei: subnets[1].id: "s": subnet listed twice (also at subnets[0])`,
	} {
		if _, err := ReadSubnets(strings.NewReader(in)); profiletest.ErrText(err) != want {
			t.Errorf("ReadSubnets(%s):\n got %s\nwant %s", in, profiletest.ErrText(err), want)
		}
	}
}

// End to end: rules, the ACL, ports and subnets in testdata build a
// network whose verdicts are derived by hand below.
func TestNICListingEndToEnd(t *testing.T) {
	groups, err := ReadRules(openData(t, "security-group-rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	fws, err := ReadFirewalls(openData(t, "show-firewall.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p provider.Placement
	if p.NICs, err = ReadPorts(openData(t, "list-ports.json")); err != nil {
		t.Fatal(err)
	}
	if p.Subnets, err = ReadSubnets(openData(t, "list-subnets.json")); err != nil {
		t.Fatal(err)
	}
	p.Bindings = FirewallBindings(fws)
	if want := []provider.ACLBinding{{ACL: "acl-db", Subnet: "sub-db", Origin: sgsim.Origin{Vendor: "huawei", Document: "ShowFirewall", Record: "acl-db"}}}; !slices.Equal(p.Bindings, want) {
		t.Errorf("bindings %+v, want %+v", p.Bindings, want)
	}
	n, warns := nictest.Build(t, `{"cloud": "huawei"}`, p, groups, []sgsim.Group{fws[0].ACL})
	wantWarns := []string{
		`security group "sg-ops-peer": not in the export, referenced by "sg-db" rule "r-db-ssh": it matches nothing (give its addresses in the topology's "members" to change that)`,
	}
	if !slices.Equal(warns, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", warns, wantWarns)
	}
	nictest.Check(t, n, []nictest.Case{
		// node -> db 5432: sg-node lets everything out, sub-nodes has no
		// ACL, acl-db lets 192.168.0.0/24 in on 5432 (and Huawei ACLs are
		// stateful), sg-db lets sg-node's members in on 5432.
		{Flow: "tcp 192.168.0.10:40000 -> 192.168.1.20:5432", Allowed: true, Dropped: sgsim.NoHop, From: "port-node-1", To: "port-db"},
		// The VIP port lists sg-node but has port security off: no group,
		// so not a member of sg-node either.
		{Flow: "tcp 192.168.0.50:40000 -> 192.168.1.20:5432", Allowed: false, Dropped: sgsim.DstIngress, From: "port-vip", To: "port-db"},
		// SSH: acl-db has no rule for 22.
		{Flow: "tcp 192.168.0.10:40000 -> 192.168.1.20:22", Allowed: false, Dropped: sgsim.DstACLIn, From: "port-node-1", To: "port-db"},
		// From outside every port to a NodePort: sg-node allows 0.0.0.0/0.
		{Flow: "tcp 203.0.113.9:40000 -> 192.168.0.10:30080", Allowed: true, Dropped: sgsim.NoHop, From: "", To: "port-node-1"},
		{Flow: "tcp 203.0.113.9:40000 -> 192.168.0.10:22", Allowed: false, Dropped: sgsim.DstIngress, From: "", To: "port-node-1"},
		// To the VIP port: no security group, same subnet, no ACL.
		{Flow: "tcp 192.168.0.10:40000 -> 192.168.0.50:80", Allowed: true, Dropped: sgsim.NoHop, From: "port-node-1", To: "port-vip"},
	})
	out, src := nictest.ReachSources(t, n, sgsim.Query{From: sgsim.MustParseAddrs("192.168.0.0/24"), To: sgsim.MustParseAddrs("192.168.1.20"),
		Protocol: sgsim.TCP, DstPorts: sgsim.Ports{sgsim.Port(5432)}})
	if out != sgsim.Some || !slices.Equal(src, []string{"192.168.0.10"}) {
		t.Errorf("reach: %v from %q; want some from 192.168.0.10", out, src)
	}
}
