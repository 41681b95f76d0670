package huawei

import (
	"bytes"
	"fmt"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// showFirewallDoc is a ShowFirewall response for an ACL guarding a CCE
// node subnet, written by hand from the documented field names of
// FirewallDetail (id, name, description, project_id, created_at,
// updated_at, admin_state_up, status, enterprise_project_id, tags,
// associations[].virsubnet_id, ingress_rules, egress_rules, type) and
// FirewallRuleDetail (id, name, description, action, protocol, ip_version,
// source_ip_address, destination_ip_address, source_port,
// destination_port, source_address_group_id, destination_address_group_id,
// enabled), plus request_id. The fields sgsim has no place for (name of a
// rule, the ACL's description, status, dates, tags) are ignored. The
// second ingress rule is disabled; the last egress rule is a deny-all that
// is kept as a rule.
const showFirewallDoc = `{
  "firewall": {
    "id": "e9a7731d-5bd9-4250-a524-b9a076fd5629",
    "name": "acl-cce-nodes",
    "description": "guards the node subnet",
    "project_id": "9476ecbbcff54bd5a8b4e3f5cd9e2c5e",
    "created_at": "2024-05-02T08:31:23Z",
    "updated_at": "2024-05-02T08:40:05Z",
    "admin_state_up": true,
    "status": "ACTIVE",
    "enterprise_project_id": "0",
    "tags": [{"key": "team", "value": "platform"}],
    "type": "normal",
    "associations": [
      {"virsubnet_id": "8359e5b0-353f-4ef3-a071-98e67a34a143"},
      {"virsubnet_id": "0a6cbd5e-4d3b-4b3e-9d4a-2f2f8c0b6e11"}
    ],
    "ingress_rules": [
      {
        "id": "f2a5c6a8-0001", "name": "ssh-from-ops", "description": "ops jump hosts",
        "action": "allow", "protocol": "tcp", "ip_version": 4,
        "source_ip_address": "192.168.0.0/24", "destination_ip_address": "0.0.0.0/0",
        "source_port": "22-30,33", "destination_port": "8001-8010",
        "source_address_group_id": null, "destination_address_group_id": null,
        "enabled": true, "project_id": "9476ecbbcff54bd5a8b4e3f5cd9e2c5e"
      },
      {
        "id": "f2a5c6a8-0002", "name": "", "description": "",
        "action": "deny", "protocol": "icmp", "ip_version": 4,
        "source_ip_address": "192.168.0.0/24", "destination_ip_address": null,
        "source_port": null, "destination_port": null,
        "source_address_group_id": null, "destination_address_group_id": null,
        "enabled": false
      },
      {
        "id": "f2a5c6a8-0003", "name": "office", "description": "",
        "action": "ALLOW", "protocol": "any", "ip_version": 4,
        "source_ip_address": "", "destination_ip_address": "",
        "source_port": "", "destination_port": "",
        "source_address_group_id": "ag-office", "destination_address_group_id": "",
        "enabled": true
      },
      {
        "id": "f2a5c6a8-0004", "name": "https-v6", "description": "",
        "action": "allow", "protocol": "TCP", "ip_version": 6,
        "source_ip_address": "2001:db8::/32", "destination_ip_address": null,
        "source_port": null, "destination_port": "443,80",
        "source_address_group_id": null, "destination_address_group_id": null
      }
    ],
    "egress_rules": [
      {
        "id": "f2a5c6a8-0101", "name": "dns", "description": "to the VPC resolver",
        "action": "allow", "protocol": "udp", "ip_version": 4,
        "source_ip_address": null, "destination_ip_address": "100.125.1.250",
        "source_port": null, "destination_port": "53",
        "source_address_group_id": null, "destination_address_group_id": null,
        "enabled": true
      },
      {
        "id": "f2a5c6a8-0102", "name": "db", "description": "",
        "action": "allow", "protocol": "6", "ip_version": 4,
        "source_ip_address": "10.0.0.0/16", "destination_ip_address": null,
        "source_port": null, "destination_port": "5432",
        "source_address_group_id": null, "destination_address_group_id": "ag-db",
        "enabled": true
      },
      {
        "id": "f2a5c6a8-0103", "name": "rest", "description": "",
        "action": "deny", "protocol": "any", "ip_version": 4,
        "source_ip_address": null, "destination_ip_address": "0.0.0.0/0",
        "source_port": null, "destination_port": null,
        "source_address_group_id": null, "destination_address_group_id": null,
        "enabled": true
      }
    ]
  },
  "request_id": "3d9b6b3e1b2c4a0b8f1e2d3c4b5a6978"
}`

func aclOrigin(doc, id, path, note string) sgsim.Origin {
	return sgsim.Origin{Vendor: "huawei", Document: doc, Record: id, Path: path, Note: note}
}

var cmpEmpty = cmpopts.EquateEmpty()

func TestReadFirewalls(t *testing.T) {
	got, err := ReadFirewalls(strings.NewReader(showFirewallDoc))
	if err != nil {
		t.Fatal(err)
	}
	o := func(id, path, note string) sgsim.Origin { return aclOrigin(DocShowFirewall, id, path, note) }
	pfx := sgsim.MustParseAddrs
	want := []Firewall{{
		ACL: sgsim.Group{ID: "e9a7731d-5bd9-4250-a524-b9a076fd5629", Name: "acl-cce-nodes", Rules: []sgsim.Rule{
			{ID: "f2a5c6a8-0001", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP,
				Src: pfx("192.168.0.0/24"), Dst: pfx("0.0.0.0/0"),
				SrcPorts: sgsim.Ports{{First: 22, Last: 30}, sgsim.Port(33)}, DstPorts: sgsim.Ports{{First: 8001, Last: 8010}},
				Origin: o("f2a5c6a8-0001", "firewall.ingress_rules[0]", "ops jump hosts")},
			{ID: "f2a5c6a8-0003", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 3, Family: sgsim.IPv4,
				RemoteList: "ag-office", Origin: o("f2a5c6a8-0003", "firewall.ingress_rules[2]", "")},
			{ID: "f2a5c6a8-0004", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 4, Family: sgsim.IPv6, Protocol: sgsim.TCP,
				Src: pfx("2001:db8::/32"), DstPorts: sgsim.Ports{sgsim.Port(80), sgsim.Port(443)},
				Origin: o("f2a5c6a8-0004", "firewall.ingress_rules[3]", "")},
			{ID: "f2a5c6a8-0101", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.UDP,
				Dst: pfx("100.125.1.250/32"), DstPorts: sgsim.Ports{sgsim.Port(53)},
				Origin: o("f2a5c6a8-0101", "firewall.egress_rules[0]", "to the VPC resolver")},
			{ID: "f2a5c6a8-0102", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 2, Family: sgsim.IPv4, Protocol: sgsim.TCP,
				Src: pfx("10.0.0.0/16"), DstPorts: sgsim.Ports{sgsim.Port(5432)}, RemoteList: "ag-db",
				Origin: o("f2a5c6a8-0102", "firewall.egress_rules[1]", "")},
			{ID: "f2a5c6a8-0103", Direction: sgsim.Egress, Action: sgsim.Deny, Priority: 3, Family: sgsim.IPv4,
				Dst: pfx("0.0.0.0/0"), Origin: o("f2a5c6a8-0103", "firewall.egress_rules[2]", "")},
		}},
		Enabled: true,
		Subnets: []string{"8359e5b0-353f-4ef3-a071-98e67a34a143", "0a6cbd5e-4d3b-4b3e-9d4a-2f2f8c0b6e11"},
		Disabled: []sgsim.Rule{
			{ID: "f2a5c6a8-0002", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 2, Family: sgsim.IPv4, Protocol: sgsim.ICMP,
				Src: pfx("192.168.0.0/24"), Origin: o("f2a5c6a8-0002", "firewall.ingress_rules[1]", "")},
		},
	}}
	if d := cmp.Diff(want, got, cmpAddrs); d != "" {
		t.Errorf("ReadFirewalls (-want +got):\n%s", d)
	}

	// The ShowFirewall form written back reads the same, Origin included.
	var b bytes.Buffer
	if err := WriteFirewall(&b, got[0]); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFirewalls(&b)
	if err != nil {
		t.Fatalf("reading the written ACL: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(got, back, cmpAddrs); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s", d)
	}

	// Under ACL semantics, with the address groups resolved: the disabled
	// ICMP deny does not apply, so ICMP from the office group passes.
	acl, err := sgsim.Resolve(got[0].ACL, nil, map[string]sgsim.Addrs{
		"ag-office": pfx("192.168.0.0/24"), "ag-db": pfx("10.0.8.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	l, err := sgsim.NewLinear(sgsim.ACL, acl)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  sgsim.Direction
		flow string
		want sgsim.Action
		rule string
	}{
		{sgsim.Ingress, "tcp 192.168.0.5:25 -> 10.0.0.9:8005", sgsim.Allow, "f2a5c6a8-0001"},
		{sgsim.Ingress, "icmp 192.168.0.5 -> 10.0.0.9 type 8 code 0", sgsim.Allow, "f2a5c6a8-0003"},
		{sgsim.Ingress, "icmp 192.168.1.5 -> 10.0.0.9 type 8 code 0", sgsim.Deny, ""},
		{sgsim.Egress, "tcp 10.0.0.9:40000 -> 10.0.8.7:5432", sgsim.Allow, "f2a5c6a8-0102"},
		{sgsim.Egress, "tcp 10.0.0.9:40000 -> 10.0.9.7:5432", sgsim.Deny, "f2a5c6a8-0103"},
	} {
		v := l.Check(c.dir, sgsim.MustParseFlow(c.flow))
		id := ""
		if v.Rule != nil {
			id = v.Rule.ID
		}
		if v.Action != c.want || id != c.rule {
			t.Errorf("%s %s: %v, want %v by rule %q", c.dir, c.flow, v, c.want, c.rule)
		}
	}
}

// listDocACL is a list of two FirewallDetail records, the second one
// disabled: its enabled rule is Suspended, its disabled rule Disabled,
// and its ACL has no rules, so it denies everything.
const listDocACL = `{
  "firewalls": [
    {"id": "acl-a", "name": "a", "admin_state_up": true, "associations": [],
     "ingress_rules": [], "egress_rules": [
       {"id": "a-1", "action": "allow", "protocol": "any", "ip_version": 6, "destination_ip_address": "::/0"}]},
    {"id": "acl-b", "name": "", "admin_state_up": false, "status": "INACTIVE",
     "associations": [{"virsubnet_id": "subnet-b"}],
     "ingress_rules": [
       {"id": "b-1", "action": "deny", "protocol": "icmpv6", "ip_version": 6, "enabled": false},
       {"id": "b-2", "action": "allow", "protocol": "udp", "ip_version": 4, "source_port": "68", "destination_port": "67", "enabled": true}],
     "egress_rules": []}
  ],
  "page_info": {"previous_marker": "acl-a", "current_count": 2},
  "request_id": "r"
}`

func TestReadFirewallsList(t *testing.T) {
	got, err := ReadFirewalls(strings.NewReader(listDocACL))
	if err != nil {
		t.Fatal(err)
	}
	o := func(id, path string) sgsim.Origin { return aclOrigin(DocListFirewall, id, path, "") }
	want := []Firewall{
		{ACL: sgsim.Group{ID: "acl-a", Name: "a", Rules: []sgsim.Rule{
			{ID: "a-1", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv6,
				Dst: sgsim.MustParseAddrs("::/0"), Origin: o("a-1", "firewalls[0].egress_rules[0]")},
		}}, Enabled: true},
		{ACL: sgsim.Group{ID: "acl-b"}, Enabled: false, Subnets: []string{"subnet-b"},
			Disabled: []sgsim.Rule{
				{ID: "b-1", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 1, Family: sgsim.IPv6, Protocol: sgsim.ICMPv6,
					Origin: o("b-1", "firewalls[1].ingress_rules[0]")},
			},
			Suspended: []sgsim.Rule{
				{ID: "b-2", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 2, Family: sgsim.IPv4, Protocol: sgsim.UDP,
					SrcPorts: sgsim.Ports{sgsim.Port(68)}, DstPorts: sgsim.Ports{sgsim.Port(67)}, Origin: o("b-2", "firewalls[1].ingress_rules[1]")},
			}},
	}
	if d := cmp.Diff(want, got, cmpAddrs); d != "" {
		t.Errorf("ReadFirewalls (-want +got):\n%s", d)
	}
	// The disabled ACL denies the DHCP flow its suspended rule would allow.
	l, err := sgsim.NewLinear(sgsim.ACL, got[1].ACL)
	if err != nil {
		t.Fatal(err)
	}
	if v := l.Check(sgsim.Ingress, sgsim.MustParseFlow("udp 10.0.0.5:68 -> 10.0.0.1:67")); v.Allowed() {
		t.Errorf("disabled ACL allowed DHCP: %v", v)
	}
	var b bytes.Buffer
	if err := WriteFirewalls(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFirewalls(&b)
	if err != nil {
		t.Fatalf("reading the written list: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(got, back, cmpAddrs); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s", d)
	}
}

// aclRec builds a ShowFirewall document with one ingress rule (egress for
// "dir=egress"), starting from a valid tcp rule and replacing, adding or
// (value DELETE) removing fields.
func aclRec(extra string) string {
	base := map[string]string{
		"id": `"r1"`, "action": `"allow"`, "protocol": `"tcp"`, "ip_version": `4`,
		"source_ip_address": `"10.0.0.0/8"`, "destination_port": `"22"`,
	}
	order := []string{"id", "action", "protocol", "ip_version", "source_ip_address", "destination_port"}
	list := "ingress_rules"
	var extraKeys []string
	for _, kv := range strings.Split(extra, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if k == "dir" {
			list = v + "_rules"
			continue
		}
		if v == "DELETE" {
			delete(base, k)
			continue
		}
		if _, ok := base[k]; !ok {
			extraKeys = append(extraKeys, k)
		}
		base[k] = v
	}
	var parts []string
	for _, k := range append(order, extraKeys...) {
		if v, ok := base[k]; ok {
			parts = append(parts, fmt.Sprintf("%q: %s", k, v))
		}
	}
	other := "egress_rules"
	if list == "egress_rules" {
		other = "ingress_rules"
	}
	return `{"firewall": {"id": "acl-1", "admin_state_up": true, "` + other + `": [], "` + list + `": [{` + strings.Join(parts, ", ") + `}]}}`
}

func TestReadFirewallsErrors(t *testing.T) {
	const p = `huawei: firewall.ingress_rules[0]`
	for _, tc := range []struct{ doc, want string }{
		// Rule values.
		{aclRec(`protocol="gre"`), p + `.protocol: "gre": want tcp, udp, icmp, icmpv6, a protocol number 0-255, or any`},
		{aclRec(`protocol="256"`), p + `.protocol: "256": want tcp, udp, icmp, icmpv6, a protocol number 0-255, or any`},
		{aclRec(`protocol=""`), p + `.protocol: "": missing; want tcp, udp, icmp, icmpv6, a protocol number 0-255, or any`},
		{aclRec(`protocol=DELETE`), p + `.protocol: "": missing; want tcp, udp, icmp, icmpv6, a protocol number 0-255, or any`},
		{aclRec(`action="accept"`), p + `.action: "accept": want allow or deny`},
		{aclRec(`action=DELETE`), p + `.action: "": want allow or deny`},
		{aclRec(`ip_version=5`), p + `.ip_version: 5: want 4 or 6`},
		{aclRec(`ip_version="4"`), p + `.ip_version: "4": want 4 or 6`},
		{aclRec(`ip_version=DELETE`), p + `.ip_version: missing; want 4 or 6`},
		{aclRec(`protocol="icmp"`), p + `.destination_port: "22": protocol icmp has no ports; want ""`},
		{aclRec(`protocol="any"`), p + `.destination_port: "22": protocol any has no ports; want ""`},
		{aclRec(`protocol="icmp";destination_port=DELETE;ip_version=6;source_ip_address=DELETE`), p + `.protocol: "icmp": icmp in an ip_version 6 rule; use icmpv6`},
		{aclRec(`protocol="icmpv6";destination_port=DELETE`), p + `.protocol: "icmpv6": icmpv6 in an ip_version 4 rule; use icmp`},
		{aclRec(`destination_port="0-80"`), p + `.destination_port: "0-80": want ports 1-65535 as "80", "1-30" or "22,3389,80"`},
		{aclRec(`destination_port="65536"`), p + `.destination_port: "65536": want ports 1-65535 as "80", "1-30" or "22,3389,80"`},
		{aclRec(`destination_port="30-1"`), p + `.destination_port: "30-1": first port above last port`},
		{aclRec(`source_port="20:22"`), p + `.source_port: "20:22": "a:b" is the v2.0 fwaas range form; want ports 1-65535 as "80", "1-30" or "22,3389,80"`},
		{aclRec(`destination_port="1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21"`), p + `.destination_port: "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21": 21 ports or ranges; want at most 20`},
		{aclRec(`source_ip_address="10.0.0.0/33"`), p + `.source_ip_address: "10.0.0.0/33": want an IP address or CIDR block`},
		{aclRec(`source_ip_address="10.0.0.1/8"`), p + `.source_ip_address: "10.0.0.1/8": host bits set; want 10.0.0.0/8`},
		{aclRec(`destination_ip_address="2001:db8::/32"`), p + `.destination_ip_address: "2001:db8::/32": address family differs from ip_version 4`},
		{aclRec(`ip_version=6`), p + `.source_ip_address: "10.0.0.0/8": address family differs from ip_version 6`},
		{aclRec(`source_address_group_id="ag-1"`), p + `.source_address_group_id: "ag-1": source_ip_address "10.0.0.0/8" is also set; want one of the two`},
		{aclRec(`destination_address_group_id="ag-1"`),
			p + `.destination_address_group_id: "ag-1": address group on the subnet side of a ingress rule: sgsim rules reference address groups on the remote side only`},
		{aclRec(`dir=egress;source_ip_address=DELETE;source_address_group_id="ag-2"`),
			`huawei: firewall.egress_rules[0].source_address_group_id: "ag-2": address group on the subnet side of a egress rule: sgsim rules reference address groups on the remote side only`},
		{aclRec(`enabled="yes"`), p + `.enabled: "yes": want true or false`},
		{aclRec(`source_port=22`), p + `.source_port: 22: want a string`},
		{aclRec(`id=7`), p + `.id: 7: want a string`},
		// ACL record.
		{`{"firewall": {"id": "", "admin_state_up": true, "ingress_rules": [], "egress_rules": []}}`,
			`huawei: firewall.id: "": want the network ACL's ID`},
		{`{"firewall": {"id": "a", "ingress_rules": [], "egress_rules": []}}`,
			`huawei: firewall.admin_state_up: missing; want true or false`},
		{`{"firewall": {"id": "a", "admin_state_up": "true", "ingress_rules": [], "egress_rules": []}}`,
			`huawei: firewall.admin_state_up: "true": want true or false`},
		{`{"firewall": {"id": "a", "admin_state_up": true, "egress_rules": []}}`,
			`huawei: firewall.ingress_rules: missing; want the ACL's rules as a JSON array ([] for none). ListFirewall records carry no rules: read each ACL with ShowFirewall`},
		{`{"firewalls": [{"id": "a", "admin_state_up": true, "associations": [{"virsubnet_id": "s"}]}]}`,
			`huawei: firewalls[0].ingress_rules: missing; want the ACL's rules as a JSON array ([] for none). ListFirewall records carry no rules: read each ACL with ShowFirewall`},
		{`{"firewall": {"id": "a", "admin_state_up": true, "ingress_rules": [], "egress_rules": {}}}`,
			`huawei: firewall.egress_rules: {}: want a JSON array`},
		{`{"firewall": {"id": "a", "admin_state_up": true, "associations": [{"virsubnet_id": ""}], "ingress_rules": [], "egress_rules": []}}`,
			`huawei: firewall.associations[0].virsubnet_id: "": want the ID of an associated subnet`},
		{`{"firewall": {"id": "a", "admin_state_up": true, "associations": ["s"], "ingress_rules": [], "egress_rules": []}}`,
			`huawei: firewall.associations[0]: "s": want a JSON object`},
		{`{"firewalls": [{"id": "a", "admin_state_up": true, "ingress_rules": [], "egress_rules": []}, {"id": "a", "admin_state_up": false, "ingress_rules": [], "egress_rules": []}]}`,
			`huawei: firewalls[1].id: "a": duplicate network ACL`},
		// Document shape.
		{`{"firewall": {}, "firewalls": []}`, `huawei: firewalls: firewall is also set; want one ShowFirewall response {"firewall": {...}} or one list {"firewalls": [...]}`},
		{`{"security_group_rules": []}`, `huawei: no firewall or firewalls; want the ShowFirewall response {"firewall": {...}} or a list {"firewalls": [...]}`},
		{`{"firewall": []}`, `huawei: firewall: []: want a JSON object`},
		{`{"firewalls": {}}`, `huawei: firewalls: {}: want a JSON array`},
		{`[]`, `huawei: top level: []: want a JSON object`},
		{"{\"firewall\": {\"id\": \"a\",\n \"ingress_rules\": [{", `huawei: invalid JSON (byte offset 45): unexpected end of JSON input`},
		{"", `huawei: invalid JSON (byte offset 0): unexpected end of JSON input`},
	} {
		_, err := ReadFirewalls(strings.NewReader(tc.doc))
		if err == nil {
			t.Errorf("ReadFirewalls(%s) = nil error; want %s", tc.doc, tc.want)
			continue
		}
		if profiletest.ErrText(err) != tc.want {
			t.Errorf("ReadFirewalls(%s) error\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}

// TestReadFirewallsValues checks values the error table does not: ports
// on protocol numbers, case, a null enabled, protocol numbers.
func TestReadFirewallsValues(t *testing.T) {
	for _, tc := range []struct {
		extra string
		check func(r sgsim.Rule) bool
	}{
		{`protocol="17";destination_port="53"`, func(r sgsim.Rule) bool { return r.Protocol == sgsim.UDP && r.DstPorts.String() == "53" }},
		{`protocol="132";destination_port="38412"`, func(r sgsim.Rule) bool { return r.Protocol == sgsim.SCTP && r.DstPorts.String() == "38412" }},
		{`protocol="0";destination_port=DELETE`, func(r sgsim.Rule) bool { return r.Protocol == sgsim.ProtocolNumber(0) }},
		{`protocol="ANY";destination_port=DELETE`, func(r sgsim.Rule) bool { return r.Protocol == sgsim.AnyProtocol }},
		{`action="Deny"`, func(r sgsim.Rule) bool { return r.Action == sgsim.Deny }},
		// A null "enabled" is the documented default, true: the rule is
		// evaluated (the caller checks it is the one rule of the ACL),
		// with the record's values.
		{`enabled=null`, func(r sgsim.Rule) bool { return r.Action == sgsim.Allow && r.Protocol == sgsim.TCP }},
		{`source_ip_address="10.1.2.3"`, func(r sgsim.Rule) bool { return r.Src.Equal(sgsim.MustParseAddrs("10.1.2.3/32")) }},
		{`destination_port="1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20"`, func(r sgsim.Rule) bool { return r.DstPorts.String() == "1-20" }},
	} {
		fws, err := ReadFirewalls(strings.NewReader(aclRec(tc.extra)))
		if err != nil {
			t.Errorf("%s: %v", tc.extra, err)
			continue
		}
		if len(fws) != 1 || len(fws[0].ACL.Rules) != 1 || !tc.check(fws[0].ACL.Rules[0]) {
			t.Errorf("%s: read %+v", tc.extra, fws)
		}
	}
}

func TestWriteFirewallsErrors(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	acl := func(rules ...sgsim.Rule) Firewall {
		return Firewall{ACL: sgsim.Group{ID: "acl-1", Rules: rules}, Enabled: true}
	}
	for _, tc := range []struct {
		fw   Firewall
		want string
	}{
		{acl(r("ingress allow tcp 22 priority 1 id a")),
			`huawei: write network ACL "acl-1": ACL rule 0 ("a"): family any: a network ACL rule has ip_version 4 or 6`},
		{acl(r("ingress allow icmp type 8 ipv4 priority 1")),
			`huawei: write network ACL "acl-1": ACL rule 0 (""): ICMP type or code: a network ACL rule has no field for it`},
		{acl(r("ingress allow tcp 22 from 10.0.0.1-10.0.0.3 ipv4 priority 1")),
			`huawei: write network ACL "acl-1": ACL rule 0 (""): source 10.0.0.1-10.0.0.3: want one address or CIDR block`},
		{acl(r("ingress allow any from group sg-1 ipv4 priority 1")),
			`huawei: write network ACL "acl-1": ACL rule 0 (""): remote security group "sg-1": network ACL rules cannot reference security groups`},
		{acl(r("ingress allow tcp 0-80 ipv4 priority 1")),
			`huawei: write network ACL "acl-1": ACL rule 0 (""): destination port 0 in 0-80: Huawei ports are 1-65535`},
		{acl(r("ingress allow tcp 22 ipv4 priority 1 id a"), r("egress allow tcp 22 ipv4 priority 1 id b"), r("ingress deny any ipv4 priority 1 id c")),
			`huawei: write network ACL "acl-1": ACL rule 2 ("c"): priority 1 also held by ACL rule 0 ("a"); the position in the ingress list is the only order`},
		{Firewall{ACL: sgsim.Group{ID: "acl-1"}, Enabled: true, Disabled: []sgsim.Rule{r("ingress allow tcp 22 ipv4 priority 1 id d")},
			Suspended: []sgsim.Rule{r("ingress allow tcp 22 ipv4 priority 2 id s")}},
			`huawei: write network ACL "acl-1": 1 rules in Suspended but the ACL is enabled; put them in ACL`},
		{Firewall{ACL: sgsim.Group{ID: "acl-1", Rules: []sgsim.Rule{r("ingress allow tcp 22 ipv4 priority 1")}}},
			`huawei: write network ACL "acl-1": 1 rules in ACL but the ACL is disabled, and a disabled ACL evaluates none; put them in Suspended`},
		{Firewall{ACL: sgsim.Group{ID: "acl-1"}, Subnets: []string{"s", ""}},
			`huawei: write network ACL "acl-1": subnet 1 has no ID`},
		{Firewall{}, `huawei: write: a network ACL has no ID; id is required`},
		// Security group properties are an error, not left out.
		{Firewall{ACL: sgsim.Group{ID: "acl-1", InnerAccess: sgsim.InnerAccept}, Enabled: true},
			`huawei: write network ACL "acl-1": inner access accept or advanced group: network ACLs have neither`},
		{Firewall{ACL: sgsim.Group{ID: "acl-1", Advanced: true}, Enabled: true},
			`huawei: write network ACL "acl-1": inner access none or advanced group: network ACLs have neither`},
	} {
		err := WriteFirewall(&bytes.Buffer{}, tc.fw)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteFirewall(%+v) error\n got %v\nwant %s", tc.fw, err, tc.want)
		}
	}
	twice := []Firewall{{ACL: sgsim.Group{ID: "a"}}, {ACL: sgsim.Group{ID: "a"}}}
	if err := WriteFirewalls(&bytes.Buffer{}, twice); err == nil || err.Error() != `huawei: write: network ACL "a" given twice` {
		t.Errorf("WriteFirewalls with a repeated ID: error %v", err)
	}
	many := acl(r("ingress allow tcp 22 ipv4 priority 1"))
	for p := uint16(0); p < 21; p++ {
		many.ACL.Rules[0].DstPorts = append(many.ACL.Rules[0].DstPorts, sgsim.Port(100+2*p))
	}
	want := `huawei: write network ACL "acl-1": ACL rule 0 (""): destination ports ` + many.ACL.Rules[0].DstPorts.String() + `: more than 20 ranges`
	if err := WriteFirewall(&bytes.Buffer{}, many); err == nil || err.Error() != want {
		t.Errorf("21 port ranges: error\n got %v\nwant %s", err, want)
	}
}

// TestWriteFirewallOrder: the writer merges ACL, Disabled and Suspended by
// Priority; gaps in the numbers become consecutive positions.
func TestWriteFirewallOrder(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	fw := Firewall{ACL: sgsim.Group{ID: "acl-1", Name: "n"}, Enabled: false,
		Disabled:  []sgsim.Rule{r("ingress deny tcp 22 ipv4 priority 20 id d20"), r("egress deny udp 53 ipv6 priority 7 id e7")},
		Suspended: []sgsim.Rule{r("ingress allow tcp 80 ipv4 priority 30 id s30"), r("ingress allow tcp 443 ipv4 priority 10 id s10")},
	}
	var b bytes.Buffer
	if err := WriteFirewall(&b, fw); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFirewalls(&b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var order []string
	for _, l := range [][]sgsim.Rule{got[0].Suspended, got[0].Disabled} {
		for _, r := range l {
			order = append(order, fmt.Sprintf("%s:%s:%d", r.ID, r.Direction, r.Priority))
		}
	}
	want := []string{"s10:ingress:1", "s30:ingress:3", "d20:ingress:2", "e7:egress:1"}
	if d := cmp.Diff(want, order); d != "" || len(got[0].ACL.Rules) != 0 || got[0].Enabled {
		t.Errorf("order (-want +got):\n%s\n%s", d, b.String())
	}
}

// genACLRule draws a rule a network ACL entry can express, at 1-based
// position pos of its direction, with the Origin ReadFirewalls gives it.
func genACLRule(t *rapid.T, label string, dir sgsim.Direction, pos int, doc, path string) sgsim.Rule {
	var r sgsim.Rule
	r.ID = rapid.SampledFrom([]string{"", "rule-" + label, "f2a5c6a8-" + label}).Draw(t, label+" id")
	r.Direction, r.Priority = dir, pos
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	v6 := rapid.Bool().Draw(t, label+" v6")
	r.Family = sgsim.IPv4
	if v6 {
		r.Family = sgsim.IPv6
	}
	protos := []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE, sgsim.SCTP, sgsim.ProtocolNumber(0), sgsim.ProtocolNumber(255)}
	r.Protocol = rapid.SampledFrom(protos).Draw(t, label+" proto")
	if r.Protocol == sgsim.ICMP && v6 {
		r.Protocol = sgsim.ICMPv6
	}
	ports := func(name string) sgsim.Ports {
		if !r.Protocol.HasPorts() || !rapid.Bool().Draw(t, label+" "+name) {
			return nil
		}
		edges := []uint16{1, 22, 80, 443, 1024, 30000, 32767, 65535}
		var ps sgsim.Ports
		for i, n := 0, rapid.IntRange(1, 4).Draw(t, label+" n"+name); i < n; i++ {
			a := rapid.SampledFrom(edges).Draw(t, label+" first")
			b := rapid.SampledFrom(edges).Draw(t, label+" last")
			if b < a {
				a, b = b, a
			}
			ps = append(ps, sgsim.PortRange{First: a, Last: b})
		}
		return ps.Normalize()
	}
	r.SrcPorts, r.DstPorts = ports("sport"), ports("dport")
	addr := func(name string) sgsim.Addrs {
		if !rapid.Bool().Draw(t, label+" "+name) {
			return sgsim.Addrs{}
		}
		a, bits := netip.MustParseAddr("10.20.30.40"), []int{0, 8, 16, 24, 32}
		if v6 {
			a, bits = netip.MustParseAddr("2001:db8:ffff::1"), []int{0, 32, 64, 128}
		}
		return sgsim.PrefixAddrs(netip.PrefixFrom(a, rapid.SampledFrom(bits).Draw(t, label+" "+name+" bits")).Masked())
	}
	r.Src, r.Dst = addr("src"), addr("dst")
	if rapid.IntRange(0, 2).Draw(t, label+" list") == 0 {
		r.RemoteList = rapid.SampledFrom([]string{"ag-1", "ag-2"}).Draw(t, label+" list id")
		if dir == sgsim.Ingress {
			r.Src = sgsim.Addrs{}
		} else {
			r.Dst = sgsim.Addrs{}
		}
	}
	r.Origin = aclOrigin(doc, r.ID, path, rapid.SampledFrom([]string{"", "ssh", "中文描述 \"quoted\" <b>"}).Draw(t, label+" note"))
	return r
}

// genFirewall draws an ACL the writer can express, with rules numbered
// by position and Origin as ReadFirewalls gives it for document doc and
// record path.
func genFirewall(t *rapid.T, id, doc, path string) Firewall {
	fw := Firewall{ACL: sgsim.Group{ID: id, Name: rapid.SampledFrom([]string{"", "acl-nodes", "网络ACL"}).Draw(t, id+" name")}}
	fw.Enabled = rapid.Bool().Draw(t, id+" enabled")
	for i, n := 0, rapid.IntRange(0, 3).Draw(t, id+" subnets"); i < n; i++ {
		fw.Subnets = append(fw.Subnets, fmt.Sprintf("subnet-%d", i))
	}
	for _, d := range []struct {
		dir  sgsim.Direction
		list string
	}{{sgsim.Ingress, "ingress_rules"}, {sgsim.Egress, "egress_rules"}} {
		for i, n := 0, rapid.IntRange(0, 4).Draw(t, id+" rules"); i < n; i++ {
			label := fmt.Sprintf("%s-%s-%d", id, d.dir, i)
			r := genACLRule(t, label, d.dir, i+1, doc, fmt.Sprintf("%s.%s[%d]", path, d.list, i))
			switch {
			case rapid.IntRange(0, 3).Draw(t, label+" disabled") == 0:
				fw.Disabled = append(fw.Disabled, r)
			case fw.Enabled:
				fw.ACL.Rules = append(fw.ACL.Rules, r)
			default:
				fw.Suspended = append(fw.Suspended, r)
			}
		}
	}
	return fw
}

// TestFirewallRoundTrip: ReadFirewalls(WriteFirewalls(fws)) == fws and
// ReadFirewalls(WriteFirewall(fw)) == fw for ACLs the form can express.
func TestFirewallRoundTrip(t *testing.T) {
	opts := []cmp.Option{cmpAddrs, cmpEmpty, cmpopts.IgnoreFields(sgsim.Rule{}, "Origin")}
	rapid.Check(t, func(t *rapid.T) {
		var fws []Firewall
		for i, n := 0, rapid.IntRange(0, 3).Draw(t, "acls"); i < n; i++ {
			fws = append(fws, genFirewall(t, fmt.Sprintf("acl-%d", i), DocListFirewall, fmt.Sprintf("firewalls[%d]", i)))
		}
		var b bytes.Buffer
		if err := WriteFirewalls(&b, fws); err != nil {
			t.Fatalf("WriteFirewalls: %v", err)
		}
		got, err := ReadFirewalls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("ReadFirewalls: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(fws, got, opts...); d != "" {
			t.Fatalf("list round trip (-want +got):\n%s\n%s", d, b.String())
		}
		// Origin is as generated too: document, record, path and note.
		if d := cmp.Diff(fws, got, cmpAddrs, cmpEmpty); d != "" {
			t.Fatalf("list round trip, Origin (-want +got):\n%s", d)
		}
		for _, fw := range got {
			if _, err := sgsim.NewLinear(sgsim.ACL, resolveLists(t, fw.ACL)); err != nil {
				t.Fatalf("read ACL does not validate under ACL semantics: %v", err)
			}
		}

		one := genFirewall(t, "acl-show", DocShowFirewall, "firewall")
		b.Reset()
		if err := WriteFirewall(&b, one); err != nil {
			t.Fatalf("WriteFirewall: %v", err)
		}
		back, err := ReadFirewalls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("ReadFirewalls: %v\n%s", err, b.String())
		}
		if d := cmp.Diff([]Firewall{one}, back, opts...); d != "" {
			t.Fatalf("ShowFirewall round trip (-want +got):\n%s\n%s", d, b.String())
		}
	})
}

// resolveLists resolves every address group the ACL names to a block of
// each family.
func resolveLists(t *rapid.T, g sgsim.Group) sgsim.Group {
	lists := map[string]sgsim.Addrs{}
	for _, r := range g.Rules {
		if r.RemoteList != "" {
			lists[r.RemoteList] = sgsim.MustParseAddrs("192.0.2.0/24,2001:db8:1::/48")
		}
	}
	out, err := sgsim.Resolve(g, nil, lists)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return out
}

// TestWriteFirewallRuleLimit: the writer refuses a direction with more
// rules than the reader numbers (32766, sgsim.ACL's highest), so a
// successful write always reads back.
func TestWriteFirewallRuleLimit(t *testing.T) {
	for _, n := range []int{32766, 32767} {
		g := sgsim.Group{ID: "acl-1"}
		for k := 1; k <= n; k++ {
			r := sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8 ipv4")
			r.Priority = k
			g.Rules = append(g.Rules, r)
		}
		var b bytes.Buffer
		err := WriteFirewall(&b, Firewall{ACL: g, Enabled: true})
		if n == 32766 {
			if err != nil {
				t.Fatalf("%d rules: %v", n, err)
			}
			fws, err := ReadFirewalls(&b)
			if err != nil || len(fws[0].ACL.Rules) != n {
				t.Fatalf("%d rules written do not read back: %v", n, err)
			}
			continue
		}
		want := `huawei: write network ACL "acl-1": 32767 ingress rules: more than 32766, which the reader (and sgsim.ACL) cannot number`
		if err == nil || profiletest.ErrText(err) != want {
			t.Fatalf("%d rules: err = %v; want %s", n, err, want)
		}
	}
}
