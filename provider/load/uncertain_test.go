package load

import (
	"fmt"
	"net/netip"
	"testing"
)

func TestUncertain(t *testing.T) {
	// Two groups with nested rules; the second ingress block of web has
	// cidr_blocks known only after apply, db's id is unknown (its rules
	// are kept under its address).
	const nested = `{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
     "values": {"id": "sg-web", "ingress": [
       {"cidr_blocks": ["10.0.0.0/8"], "from_port": 22, "to_port": 22, "protocol": "tcp"},
       {"from_port": 443, "to_port": 443, "protocol": "tcp"}], "egress": []}},
    {"address": "aws_security_group.db", "mode": "managed", "type": "aws_security_group", "name": "db",
     "values": {"ingress": [{"cidr_blocks": ["10.0.1.0/24"], "from_port": 5432, "to_port": 5432, "protocol": "tcp"}], "egress": []}}
  ]}},
  "resource_changes": [
    {"address": "aws_security_group.web", "change": {"after_unknown": {"ingress": [{}, {"cidr_blocks": true}]}}},
    {"address": "aws_security_group.db", "change": {"after_unknown": {"id": true}}}
  ]
}`
	f := files{"plan.json": plan, "nested.json": nested,
		"topology.json": `{"cloud": "union", "endpoints": [{"name": "web", "addrs": ["10.0.1.0/24"], "groups": ["sg-web"]}]}`}
	// The HTTPS rule resource is left out whole: its group is not known
	// from the plan's rules, so every group is uncertain.
	n := mustLoad(t, Source{Plan: "plan.json", Topology: "topology.json", ReadFile: f.read})
	if got := fmt.Sprint(n.Uncertain()); got != "map[sg-web:rules of aws_security_group_rule.https left out: cidr_blocks is known only after apply (the plan does not say which group it belongs to)]" {
		t.Errorf("plan: uncertain %s", got)
	}
	// The nested block's group alone; db's unknown id makes nothing uncertain.
	n = mustLoad(t, Source{Plan: "nested.json", Vendor: "aws", ReadFile: f.read})
	if got := fmt.Sprint(n.Uncertain()); got != "map[sg-web:rules of aws_security_group.web left out: ingress[1].cidr_blocks is known only after apply]" {
		t.Errorf("nested: uncertain %s (unknown %v, groups %d)", got, n.Unknown, len(n.Spec.Groups))
	}
	// The prior state and a profile: nothing unknown.
	if u := mustLoad(t, Source{Plan: "plan.json", Prior: true, Topology: "topology.json", ReadFile: f.read}).Uncertain(); u != nil {
		t.Errorf("prior: uncertain %v", u)
	}
}

func TestProfileInside(t *testing.T) {
	n := mustLoad(t, Source{Profile: "cce-tunnel"})
	if got := n.Inside.String(); got != "10.247.0.0/16,172.16.0.0/16,192.168.0.0/16" {
		t.Errorf("cce-tunnel inside %s", got)
	}
	if n := mustLoad(t, Source{Profile: "ack-basic-flannel"}); !n.Inside.Contains(netip.MustParseAddr("192.168.200.1")) || n.Inside.Contains(netip.MustParseAddr("8.8.8.8")) {
		t.Errorf("ack: inside %s", n.Inside)
	}
	// Exports and plans say nothing: the zero Addrs.
	f := files{"plan.json": plan}
	if n := mustLoad(t, Source{Plan: "plan.json", Vendor: "aws", ReadFile: f.read}); !n.Inside.IsAny() {
		t.Errorf("plan: inside %s", n.Inside)
	}
}
