package terraform

import (
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
)

func pfx(s string) sgsim.Addrs { return sgsim.PrefixAddrs(netip.MustParsePrefix(s)) }

func org(vendor, doc, record, path string) sgsim.Origin {
	return sgsim.Origin{Vendor: vendor, Document: doc, Record: record, Path: path}
}

// testdata/plan.json is written by hand from the attribute names in the
// providers' registry documentation and from Terraform's JSON Output Format
// page, shaped like `terraform show -json` of a saved plan; it is not the
// output of a real run. It has a nested module (module.net.module.edge),
// groups created in the same plan (security group ids unknown until
// apply), an unknown remote group, an unknown Tencent cidr_block, and
// Optional+Computed Huawei attributes that the configuration does not set.
func TestReadPlan(t *testing.T) {
	f, err := os.Open("testdata/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadPlan(f)
	if err != nil {
		t.Fatal(err)
	}
	const d = "terraform plan"
	edge := "module.net.module.edge.tencentcloud_security_group_rule_set.base"
	want := &Plan{
		Huawei: Vendor{Provider: "huaweicloud", Semantics: sgsim.Huawei, Groups: []sgsim.Group{
			{ID: "huaweicloud_networking_secgroup.cce_node", Rules: []sgsim.Rule{
				// action, priority and ports are unknown but not configured:
				// defaults allow, 1, and port_range_min/max.
				{Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("192.168.0.0/16"),
					DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: org("huawei", d, "", "huaweicloud_networking_secgroup_rule.ssh")},
				// from_master is left out: its remote_group_id is unknown.
			}},
			{ID: "0b1d1d6e-4c3a-4b6f-9d0e-2f4a5b6c7d8e", Rules: []sgsim.Rule{
				{Action: sgsim.Deny, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("0.0.0.0/0"),
					DstPorts: sgsim.Ports{sgsim.Port(23), sgsim.Port(2323)}, Origin: org("huawei", d, "", "huaweicloud_networking_secgroup_rule.deny_telnet")},
			}},
		}},
		Alibaba: Vendor{Provider: "alicloud", Semantics: sgsim.Alibaba, Groups: []sgsim.Group{
			{ID: "sg-bp1fg655nh68xyz9i4a3", Rules: []sgsim.Rule{
				{Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("172.16.0.0/12"),
					DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: org("alibaba", d, "", "module.net.alicloud_security_group_rule.ssh")},
				{Action: sgsim.Deny, Priority: 100, Family: sgsim.IPv4, Src: pfx("0.0.0.0/0"),
					Origin: org("alibaba", d, "", "module.net.alicloud_security_group_rule.drop_rest")},
			}},
		}},
		Tencent: Vendor{Provider: "tencentcloud", Semantics: sgsim.Tencent, Groups: []sgsim.Group{
			{ID: "sg-ohkzbx7r", Rules: []sgsim.Rule{
				{Action: sgsim.Allow, Priority: 0, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("10.0.0.0/22"),
					DstPorts: sgsim.Ports{{First: 80, Last: 90}}, Origin: org("tencent", d, "", edge+".ingress[0]")},
				// ingress[1] is left out (cidr_block unknown); the others keep their list positions.
				{Action: sgsim.Deny, Priority: 2, Protocol: sgsim.TCP, RemoteGroup: "sg-relative1",
					DstPorts: sgsim.Ports{sgsim.Port(80)}, Origin: org("tencent", d, "", edge+".ingress[2]")},
				{Action: sgsim.Allow, Priority: 3, Family: sgsim.IPv4, Src: pfx("172.18.1.2/32"), Origin: org("tencent", d, "", edge+".ingress[3]")},
				{Direction: sgsim.Egress, Action: sgsim.Deny, RemoteList: "ipm-2uw6ujo3", Origin: org("tencent", d, "", edge+".egress[0]")},
			}},
		}},
		AWS: Vendor{Provider: "aws", Semantics: sgsim.Union, Groups: []sgsim.Group{
			{ID: "aws_security_group.web", Name: "web", Rules: []sgsim.Rule{
				{Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("10.0.0.0/16"),
					DstPorts: sgsim.Ports{sgsim.Port(443)}, Origin: org("aws", d, "", "aws_security_group.web.ingress[0]")},
				{Action: sgsim.Allow, Protocol: sgsim.ICMP, ICMP: sgsim.ICMPType(8), RemoteGroup: "aws_security_group.web",
					Origin: org("aws", d, "", "aws_security_group.web.ingress[1]")},
				{Direction: sgsim.Egress, Action: sgsim.Allow, Family: sgsim.IPv4, Dst: pfx("0.0.0.0/0"), Origin: org("aws", d, "", "aws_security_group.web.egress[0]")},
				{Direction: sgsim.Egress, Action: sgsim.Allow, Family: sgsim.IPv6, Dst: pfx("::/0"), Origin: org("aws", d, "", "aws_security_group.web.egress[0]")},
				{Action: sgsim.Allow, Family: sgsim.IPv6, Protocol: sgsim.TCP, Src: pfx("2001:db8:100::/56"),
					DstPorts: sgsim.Ports{sgsim.Port(8443)}, Origin: org("aws", d, "", "aws_vpc_security_group_ingress_rule.admin[0]")},
			}},
		}},
		Unknown: []Unknown{
			{"huaweicloud_networking_secgroup_rule.ssh", "security_group_id"},
			{"huaweicloud_networking_secgroup_rule.from_master", "security_group_id"},
			{"huaweicloud_networking_secgroup_rule.from_master", "remote_group_id"},
			{"aws_security_group.web", "id"},
			{"aws_vpc_security_group_ingress_rule.admin[0]", "security_group_id"},
			{edge, "ingress[1].cidr_block"},
		},
		AddressKeys: []string{"huaweicloud_networking_secgroup.cce_node", "aws_security_group.web"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("plan differs (-want +got):\n%s", diff)
	}
	// Every family compiles under its semantics once references are set
	// aside: what ReadPlan returns is valid.
	for _, v := range got.Vendors() {
		for _, g := range v.Groups {
			for _, r := range g.Rules {
				if err := r.Validate(); err != nil {
					t.Errorf("%s %s: %v", v.Provider, g.ID, err)
				}
			}
		}
	}
}

// A state (terraform show -json of terraform.tfstate) has "values" and no
// unknowns. Written from the same documented attribute names.
func TestReadState(t *testing.T) {
	const state = `{
  "format_version": "1.0",
  "terraform_version": "1.9.5",
  "values": {
    "root_module": {
      "resources": [
        {"address": "data.huaweicloud_networking_secgroup.x", "mode": "data", "type": "huaweicloud_networking_secgroup_rule", "name": "x", "values": {"direction": "sideways"}},
        {"address": "aws_security_group_rule.egress_dns", "mode": "managed", "type": "aws_security_group_rule", "name": "egress_dns",
         "values": {"cidr_blocks": ["10.0.0.2/32"], "description": "", "from_port": 53, "id": "sgrule-1234", "ipv6_cidr_blocks": null,
                    "prefix_list_ids": [], "protocol": "udp", "security_group_id": "sg-0123", "self": false,
                    "source_security_group_id": null, "to_port": 53, "type": "egress"}},
        {"address": "aws_security_group_rule.from_lb", "mode": "managed", "type": "aws_security_group_rule", "name": "from_lb",
         "values": {"cidr_blocks": null, "from_port": 0, "protocol": "-1", "security_group_id": "sg-0123", "self": false,
                    "source_security_group_id": "sg-0lb", "to_port": 65535, "type": "ingress"}},
        {"address": "huaweicloud_networking_secgroup_rule.icmp", "mode": "managed", "type": "huaweicloud_networking_secgroup_rule", "name": "icmp",
         "values": {"id": "7c1f0e8a", "action": "allow", "direction": "ingress", "ethertype": "IPv4", "ports": "", "port_range_min": 8, "port_range_max": 0,
                    "priority": 5, "protocol": "icmp", "remote_address_group_id": "", "remote_group_id": "", "remote_ip_prefix": "", "security_group_id": "sg-hw"}}
      ]
    }
  }
}`
	got, err := ReadPlan(strings.NewReader(state))
	if err != nil {
		t.Fatal(err)
	}
	const d = "terraform state"
	want := &Plan{
		State: true,
		Huawei: Vendor{Provider: "huaweicloud", Semantics: sgsim.Huawei, Groups: []sgsim.Group{{ID: "sg-hw", Rules: []sgsim.Rule{
			{ID: "7c1f0e8a", Action: sgsim.Allow, Priority: 5, Family: sgsim.IPv4, Protocol: sgsim.ICMP, ICMP: sgsim.ICMPType(8),
				Origin: org("huawei", d, "7c1f0e8a", "huaweicloud_networking_secgroup_rule.icmp")},
		}}}},
		Alibaba: Vendor{Provider: "alicloud", Semantics: sgsim.Alibaba},
		Tencent: Vendor{Provider: "tencentcloud", Semantics: sgsim.Tencent},
		AWS: Vendor{Provider: "aws", Semantics: sgsim.Union, Groups: []sgsim.Group{{ID: "sg-0123", Rules: []sgsim.Rule{
			{Direction: sgsim.Egress, Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.UDP, Dst: pfx("10.0.0.2/32"),
				DstPorts: sgsim.Ports{sgsim.Port(53)}, Origin: org("aws", d, "", "aws_security_group_rule.egress_dns")},
			{Action: sgsim.Allow, RemoteGroup: "sg-0lb", Origin: org("aws", d, "", "aws_security_group_rule.from_lb")},
		}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("plan differs (-want +got):\n%s", diff)
	}
}

// res wraps one resource's values in a minimal state document.
func res(typ, values string) string {
	return `{"values":{"root_module":{"child_modules":[{"address":"module.net","resources":[{"address":"module.net.` + typ + `.r","mode":"managed","type":"` + typ + `","name":"r","values":` + values + `}]}]}}}`
}

func TestReadPlanErrors(t *testing.T) {
	const hw = "huaweicloud_networking_secgroup_rule"
	const ali = "alicloud_security_group_rule"
	const tc = "tencentcloud_security_group_rule_set"
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty", ``, `terraform: (document): empty input`},
		{"not json", `planned_values`, `terraform: (document): invalid JSON (byte offset 1): invalid character 'p' looking for beginning of value`},
		{"truncated", `{"planned_values":{"root_module":{"resources":[`, `terraform: (document): invalid JSON (byte offset 47): unexpected end of JSON input`},
		{"trailing", `{"values":{}} x`, `terraform: (document): invalid JSON (byte offset 15): invalid character 'x' after top-level value`},
		{"not terraform", `{"SecurityGroupRules":[]}`, `terraform: (document): neither planned_values nor values: not the output of terraform show -json`},
		{"format version", `{"format_version":"2.0","values":{}}`, `terraform: format_version: "2.0": unsupported major version (want 0.x or 1.x)`},
		{"resources not a list", `{"values":{"root_module":{"resources":{}}}}`, `terraform: values.root_module.resources: object: wrong JSON type`},
		{"huawei bad prefix", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","remote_ip_prefix":"10.0.0.0/33"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.remote_ip_prefix: "10.0.0.0/33": not a CIDR block: prefix length out of range`},
		{"huawei v6 prefix in v4 rule", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","remote_ip_prefix":"::/0"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.remote_ip_prefix: "::/0": not an IPv4 CIDR block`},
		{"huawei unknown direction", res(hw, `{"security_group_id":"sg","direction":"inbound","ethertype":"IPv4"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.direction: "inbound": want ingress or egress`},
		{"huawei unknown protocol", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","protocol":"sctp-ish"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.protocol: "sctp-ish": unknown protocol: want tcp, udp, icmp, icmpv6, a number 0-255 or empty for any`},
		{"huawei ports on icmp", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","protocol":"icmp","ports":"80"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.ports: "80": protocol icmp has no ports`},
		{"huawei ports on any", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","port_range_min":22,"port_range_max":22}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.port_range_min: 22: protocol any has no ports`},
		{"huawei two remotes", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","remote_ip_prefix":"10.0.0.0/8","remote_group_id":"sg-2"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r: two remotes (remote_ip_prefix "10.0.0.0/8", remote_group_id "sg-2"); a rule has at most one`},
		{"huawei priority", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","priority":101}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.priority: 101: out of range 1-100`},
		{"huawei action", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","action":"reject"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.action: "reject": want allow or deny`},
		{"huawei no group", res(hw, `{"direction":"ingress","ethertype":"IPv4"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.security_group_id: "": missing or empty`},
		{"huawei port wrong type", res(hw, `{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","protocol":"tcp","port_range_min":"22"}`),
			`terraform: module.net.huaweicloud_networking_secgroup_rule.r.port_range_min: "22": want a number`},
		{"alibaba port out of range", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"tcp","port_range":"1/70000","cidr_ip":"10.0.0.0/8"}`),
			`terraform: module.net.alicloud_security_group_rule.r.port_range: "1/70000": port out of range 1-65535`},
		{"alibaba ports on icmp", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"icmp","port_range":"1/2","cidr_ip":"10.0.0.0/8"}`),
			`terraform: module.net.alicloud_security_group_rule.r.port_range: "1/2": protocol icmp has no ports (want -1/-1)`},
		{"alibaba policy", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"all","policy":"allow","cidr_ip":"10.0.0.0/8"}`),
			`terraform: module.net.alicloud_security_group_rule.r.policy: "allow": want accept or drop`},
		{"alibaba nic type", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"all","nic_type":"public","cidr_ip":"10.0.0.0/8"}`),
			`terraform: module.net.alicloud_security_group_rule.r.nic_type: "public": want internet or intranet`},
		{"alibaba two remotes", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"all","cidr_ip":"10.0.0.0/8","source_security_group_id":"sg-2"}`),
			`terraform: module.net.alicloud_security_group_rule.r: two remotes (cidr_ip "10.0.0.0/8", source_security_group_id "sg-2"); a rule has at most one`},
		{"alibaba no remote", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"all"}`),
			`terraform: module.net.alicloud_security_group_rule.r.cidr_ip: no remote: want one of cidr_ip, ipv6_cidr_ip, source_security_group_id, prefix_list_id`},
		{"alibaba bad cidr", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"all","cidr_ip":"10.0.0.256/8"}`),
			`terraform: module.net.alicloud_security_group_rule.r.cidr_ip: "10.0.0.256/8": not a CIDR block: IPv4 field has value >255`},
		// A value holding netip's "): " separator is not cut inside.
		{"alibaba cidr with separator", res(ali, `{"security_group_id":"sg","type":"ingress","ip_protocol":"all","cidr_ip":"1.2.3.x): y/8"}`),
			`terraform: module.net.alicloud_security_group_rule.r.cidr_ip: "1.2.3.x): y/8": not a CIDR block: unexpected character (at "x): y")`},
		{"tencent action", res(tc, `{"security_group_id":"sg","ingress":[{"action":"ACCEPT","cidr_block":"10.0.0.0/8"},{"action":"PERMIT","cidr_block":"10.0.0.0/8"}]}`),
			`terraform: module.net.tencentcloud_security_group_rule_set.r.ingress[1].action: "PERMIT": want ACCEPT or DROP`},
		{"tencent port on icmp", res(tc, `{"security_group_id":"sg","egress":[{"action":"ACCEPT","protocol":"ICMP","port":"80","cidr_block":"10.0.0.0/8"}]}`),
			`terraform: module.net.tencentcloud_security_group_rule_set.r.egress[0].port: "80": protocol icmp has no ports (want ALL)`},
		{"tencent two remotes", res(tc, `{"security_group_id":"sg","ingress":[{"action":"ACCEPT","cidr_block":"10.0.0.0/8","address_template_id":"ipm-1"}]}`),
			`terraform: module.net.tencentcloud_security_group_rule_set.r.ingress[0]: two remotes (cidr_block "10.0.0.0/8", address_template_id "ipm-1"); a rule has at most one`},
		{"tencent service template", res(tc, `{"security_group_id":"sg","ingress":[{"action":"ACCEPT","cidr_block":"10.0.0.0/8","service_template_id":"ppm-1"}]}`),
			`terraform: module.net.tencentcloud_security_group_rule_set.r.ingress[0].service_template_id: "ppm-1": service templates are not supported; give protocol and port`},
		{"tencent protocol number", res(tc, `{"security_group_id":"sg","ingress":[{"action":"ACCEPT","cidr_block":"10.0.0.0/8","protocol":"6"}]}`),
			`terraform: module.net.tencentcloud_security_group_rule_set.r.ingress[0].protocol: "6": unknown protocol: want TCP, UDP, ICMP, ICMPv6, GRE or ALL`},
		{"aws port out of range", res("aws_security_group_rule", `{"security_group_id":"sg","type":"ingress","protocol":"tcp","from_port":70000,"to_port":70000,"cidr_blocks":["10.0.0.0/8"]}`),
			`terraform: module.net.aws_security_group_rule.r.from_port: 70000: out of range 0-65535`},
		{"aws host bits", res("aws_security_group_rule", `{"security_group_id":"sg","type":"ingress","protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.1/8"]}`),
			`terraform: module.net.aws_security_group_rule.r.cidr_blocks[0]: "10.0.0.1/8": host bits set; did you mean 10.0.0.0/8?`},
		{"aws ports on gre", res("aws_security_group_rule", `{"security_group_id":"sg","type":"ingress","protocol":"47","from_port":1,"to_port":2,"cidr_blocks":["10.0.0.0/8"]}`),
			`terraform: module.net.aws_security_group_rule.r.from_port: 1: protocol gre has no ports (want 0 or -1 in both)`},
		{"aws self and group", res("aws_security_group_rule", `{"security_group_id":"sg","type":"ingress","protocol":"-1","from_port":0,"to_port":0,"self":true,"source_security_group_id":"sg-2"}`),
			`terraform: module.net.aws_security_group_rule.r.source_security_group_id: "sg-2": self and source_security_group_id on one rule; a rule has at most one`},
		{"aws no source", res("aws_security_group_rule", `{"security_group_id":"sg","type":"egress","protocol":"-1","from_port":0,"to_port":0}`),
			`terraform: module.net.aws_security_group_rule.r: no source: want cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, source_security_group_id or self`},
		{"aws vpc two remotes", res("aws_vpc_security_group_egress_rule", `{"security_group_id":"sg","ip_protocol":"-1","cidr_ipv4":"10.0.0.0/8","prefix_list_id":"pl-1"}`),
			`terraform: module.net.aws_vpc_security_group_egress_rule.r: two remotes (cidr_ipv4 "10.0.0.0/8", prefix_list_id "pl-1"); a rule has at most one`},
		{"aws vpc icmp v6 block", res("aws_vpc_security_group_ingress_rule", `{"security_group_id":"sg","ip_protocol":"icmp","from_port":8,"to_port":-1,"cidr_ipv6":"::/0"}`),
			`terraform: module.net.aws_vpc_security_group_ingress_rule.r: protocol "icmp": ICMP in an IPv6 rule; use icmpv6`},
		{"aws group block not object", res("aws_security_group", `{"id":"sg","ingress":[1]}`),
			`terraform: module.net.aws_security_group.r.ingress[0]: 1: want an object`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ReadPlan(strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("no error; plan %+v", p)
			}
			if profiletest.ErrText(err) != c.want {
				t.Fatalf("error\n got %s\nwant %s", err, c.want)
			}
		})
	}
}

func TestStripKeys(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"module.net":                         "module.net",
		"module.net[0].module.edge":          "module.net.module.edge",
		`module.net["a]b"].module.edge["x"]`: "module.net.module.edge",
	} {
		if got := stripKeys(in); got != want {
			t.Errorf("stripKeys(%q) = %q, want %q", in, got, want)
		}
	}
}

// planWith wraps one resource "<typ>.r" in a plan whose after_unknown is
// unknown and whose configuration sets the attributes in exprs.
func planWith(typ, values, unknown, exprs string) string {
	return `{"planned_values":{"root_module":{"resources":[{"address":"` + typ + `.r","mode":"managed","type":"` + typ + `","name":"r","values":` + values + `}]}},` +
		`"resource_changes":[{"address":"` + typ + `.r","change":{"after_unknown":` + unknown + `}}],` +
		`"configuration":{"root_module":{"resources":[{"address":"` + typ + `.r","expressions":` + exprs + `}]}}}`
}

// An unknown attribute leaves the rule out and is reported. When another
// attribute is checked against it (the protocol for ports, the ethertype
// for the remote prefix, one end of a port range), the known attribute is
// not judged against the placeholder the unknown one reads as.
func TestReadPlanUnknownNotJudged(t *testing.T) {
	for _, c := range []struct {
		name, in string
		unknown  Unknown
	}{
		{"huawei protocol with ports", planWith("huaweicloud_networking_secgroup_rule",
			`{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","ports":"80"}`, `{"protocol":true}`, `{"protocol":{}}`),
			Unknown{"huaweicloud_networking_secgroup_rule.r", "protocol"}},
		{"huawei port_range_min", planWith("huaweicloud_networking_secgroup_rule",
			`{"security_group_id":"sg","direction":"ingress","protocol":"tcp","port_range_max":80}`, `{"port_range_min":true}`, `{"port_range_min":{}}`),
			Unknown{"huaweicloud_networking_secgroup_rule.r", "port_range_min"}},
		{"huawei ethertype with v6 prefix", planWith("huaweicloud_networking_secgroup_rule",
			`{"security_group_id":"sg","direction":"ingress","remote_ip_prefix":"::/0"}`, `{"ethertype":true}`, `{"ethertype":{}}`),
			Unknown{"huaweicloud_networking_secgroup_rule.r", "ethertype"}},
		{"alibaba protocol with port_range", planWith("alicloud_security_group_rule",
			`{"security_group_id":"sg","type":"ingress","port_range":"1/200","cidr_ip":"10.0.0.0/8"}`, `{"ip_protocol":true}`, `{"ip_protocol":{}}`),
			Unknown{"alicloud_security_group_rule.r", "ip_protocol"}},
		{"tencent protocol with port", planWith("tencentcloud_security_group_rule_set",
			`{"security_group_id":"sg","ingress":[{"action":"ACCEPT","port":"80","cidr_block":"10.0.0.0/8"}]}`, `{"ingress":[{"protocol":true}]}`, `{}`),
			Unknown{"tencentcloud_security_group_rule_set.r", "ingress[0].protocol"}},
		{"aws rule from_port", planWith("aws_security_group_rule",
			`{"security_group_id":"sg","type":"ingress","protocol":"tcp","to_port":22,"cidr_blocks":["10.0.0.0/8"]}`, `{"from_port":true}`, `{"from_port":{}}`),
			Unknown{"aws_security_group_rule.r", "from_port"}},
		{"aws vpc rule protocol with ports", planWith("aws_vpc_security_group_ingress_rule",
			`{"security_group_id":"sg","from_port":22,"to_port":23,"cidr_ipv4":"10.0.0.0/8"}`, `{"ip_protocol":true}`, `{"ip_protocol":{}}`),
			Unknown{"aws_vpc_security_group_ingress_rule.r", "ip_protocol"}},
		{"aws group block to_port", planWith("aws_security_group",
			`{"id":"sg","ingress":[{"protocol":"tcp","from_port":22,"cidr_blocks":["10.0.0.0/8"]}]}`, `{"ingress":[{"to_port":true}]}`, `{}`),
			Unknown{"aws_security_group.r", "ingress[0].to_port"}},
		// An unknown element of a source list is null in planned_values:
		// reported, not read as a bad string, and the other sources of
		// the rule are left out with it.
		{"aws rule cidr_blocks element", planWith("aws_security_group_rule",
			`{"security_group_id":"sg","type":"ingress","protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8",null]}`,
			`{"cidr_blocks":[false,true]}`, `{"cidr_blocks":{}}`),
			Unknown{"aws_security_group_rule.r", "cidr_blocks[1]"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ReadPlan(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]Unknown{c.unknown}, p.Unknown); diff != "" {
				t.Errorf("Unknown differs (-want +got):\n%s", diff)
			}
			for _, v := range p.Vendors() {
				for _, g := range v.Groups {
					if len(g.Rules) != 0 {
						t.Errorf("%s %s: rules %v kept; want the rule left out", v.Provider, g.ID, g.Rules)
					}
				}
			}
		})
	}
}

// A plan's prior_state is read into Plan.Prior like a state: the rules
// before the apply, which a diff compares with the planned values.
func TestReadPlanPrior(t *testing.T) {
	const plan = `{
  "format_version": "1.2",
  "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
    {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh",
     "values": {"cidr_blocks": ["203.0.113.0/24"], "from_port": 22, "id": "sgrule-1", "protocol": "tcp", "security_group_id": "sg-web", "self": false, "to_port": 22, "type": "ingress"}}
  ]}}},
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh",
     "values": {"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "protocol": "tcp", "security_group_id": "sg-web", "self": false, "to_port": 22, "type": "ingress"}}
  ]}},
  "resource_changes": [{"address": "aws_security_group_rule.ssh", "change": {"actions": ["delete", "create"], "after_unknown": {"id": true}}}]
}`
	p, err := ReadPlan(strings.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	rule := func(cidr, id, doc string) sgsim.Rule {
		return sgsim.Rule{Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx(cidr), DstPorts: sgsim.Ports{sgsim.Port(22)},
			Origin: org("aws", doc, id, "aws_security_group_rule.ssh")}
	}
	if p.State || p.Prior == nil || !p.Prior.State || p.Prior.Prior != nil {
		t.Fatalf("State %v, Prior %+v; want a plan whose Prior is a state", p.State, p.Prior)
	}
	if diff := cmp.Diff([]sgsim.Group{{ID: "sg-web", Rules: []sgsim.Rule{rule("0.0.0.0/0", "", "terraform plan")}}}, p.AWS.Groups); diff != "" {
		t.Errorf("planned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]sgsim.Group{{ID: "sg-web", Rules: []sgsim.Rule{rule("203.0.113.0/24", "", "terraform plan prior_state")}}}, p.Prior.AWS.Groups); diff != "" {
		t.Errorf("prior (-want +got):\n%s", diff)
	}
	// A state has no prior state; neither has a plan without one.
	for _, doc := range []string{res("aws_security_group_rule", `{"cidr_blocks":["10.0.0.0/8"],"from_port":22,"protocol":"tcp","security_group_id":"sg-1","to_port":22,"type":"ingress"}`),
		`{"planned_values":{"root_module":{}}}`} {
		p, err := ReadPlan(strings.NewReader(doc))
		if err != nil || p.Prior != nil {
			t.Errorf("%s: Prior %+v, err %v; want nil", doc, p.Prior, err)
		}
	}
}
