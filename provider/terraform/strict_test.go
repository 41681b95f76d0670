package terraform

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/read"
)

// plan012 is a saved plan as Terraform 0.12 writes it with `terraform show
// -json`: a group and a rule resource created together, the rule's
// security_group_id unknown until apply, and its configuration reference
// cut at the resource: ["<group type>.<name>"], without ".id". refs is
// that references list.
func plan012(groupType, ruleType, ruleValues, refs string) string {
	return `{"format_version": "0.1", "terraform_version": "0.12.31",
 "planned_values": {"root_module": {"resources": [
  {"address": "` + groupType + `.default", "mode": "managed", "type": "` + groupType + `", "name": "default", "provider_name": "x", "schema_version": 0, "values": {"name": "default"}},
  {"address": "` + ruleType + `.ssh", "mode": "managed", "type": "` + ruleType + `", "name": "ssh", "provider_name": "x", "schema_version": 0, "values": ` + ruleValues + `}]}},
 "resource_changes": [
  {"address": "` + groupType + `.default", "mode": "managed", "type": "` + groupType + `", "name": "default", "change": {"actions": ["create"], "before": null, "after": {"name": "default"}, "after_unknown": {"id": true}}},
  {"address": "` + ruleType + `.ssh", "mode": "managed", "type": "` + ruleType + `", "name": "ssh", "change": {"actions": ["create"], "before": null, "after": ` + ruleValues + `, "after_unknown": {"id": true, "security_group_id": true}}}],
 "configuration": {"root_module": {"resources": [
  {"address": "` + groupType + `.default", "mode": "managed", "type": "` + groupType + `", "name": "default", "expressions": {"name": {"constant_value": "default"}}},
  {"address": "` + ruleType + `.ssh", "mode": "managed", "type": "` + ruleType + `", "name": "ssh", "expressions": {"security_group_id": {"references": ` + refs + `}}}]}}}`
}

func TestReadPlanTerraform012References(t *testing.T) {
	for _, c := range []struct {
		name, group, rule, values string
		vendor                    func(*Plan) *Vendor
	}{
		{"aws", "aws_security_group", "aws_security_group_rule",
			`{"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}`, func(p *Plan) *Vendor { return &p.AWS }},
		{"aws vpc rule", "aws_security_group", "aws_vpc_security_group_ingress_rule",
			`{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "10.0.0.0/8"}`, func(p *Plan) *Vendor { return &p.AWS }},
		{"huawei", "huaweicloud_networking_secgroup", "huaweicloud_networking_secgroup_rule",
			`{"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "ports": "22", "remote_ip_prefix": "10.0.0.0/8", "action": "allow", "priority": 1}`, func(p *Plan) *Vendor { return &p.Huawei }},
		{"alibaba", "alicloud_security_group", "alicloud_security_group_rule",
			`{"type": "ingress", "ip_protocol": "tcp", "port_range": "22/22", "cidr_ip": "10.0.0.0/8", "policy": "accept", "priority": 1}`, func(p *Plan) *Vendor { return &p.Alibaba }},
		{"tencent", "tencentcloud_security_group", "tencentcloud_security_group_rule_set",
			`{"ingress": [{"action": "ACCEPT", "protocol": "TCP", "port": "22", "cidr_block": "10.0.0.0/8"}]}`, func(p *Plan) *Vendor { return &p.Tencent }},
	} {
		for _, refs := range []string{
			`["` + c.group + `.default"]`,                               // Terraform 0.12
			`["` + c.group + `.default.id", "` + c.group + `.default"]`, // 0.13 and later
		} {
			p, err := ReadPlan(strings.NewReader(plan012(c.group, c.rule, c.values, refs)))
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, refs, err)
			}
			v := c.vendor(p)
			want := c.group + ".default"
			if len(v.Groups) != 1 || v.Groups[0].ID != want || len(v.Groups[0].Rules) != 1 {
				t.Errorf("%s, references %s: groups %+v; want the rule in group %s", c.name, refs, v.Groups, want)
			}
		}
	}
	// A reference to another attribute of the group, as 0.13 and later
	// list it, is not the group's id: the rule keeps its own address.
	p, err := ReadPlan(strings.NewReader(plan012("aws_security_group", "aws_security_group_rule",
		`{"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}`,
		`["aws_security_group.default.name", "aws_security_group.default"]`)))
	if err != nil || len(p.AWS.Groups) != 2 || p.AWS.Groups[0].ID != "aws_security_group.default" || len(p.AWS.Groups[0].Rules) != 0 ||
		p.AWS.Groups[1].ID != "aws_security_group_rule.ssh" || len(p.AWS.Groups[1].Rules) != 1 {
		t.Errorf("reference to .name: %v, %+v", err, p.AWS.Groups)
	}
}

func TestResourceRef(t *testing.T) {
	for in, want := range map[string]string{
		"aws_security_group.sg":           "aws_security_group.sg",
		"aws_security_group.sg.id":        "aws_security_group.sg",
		`aws_security_group.sg["a"].id`:   `aws_security_group.sg["a"]`,
		"aws_security_group.sg[0]":        "aws_security_group.sg[0]",
		"data.aws_security_group.sg":      "data.aws_security_group.sg",
		"data.aws_security_group.sg.id":   "data.aws_security_group.sg",
		"aws_security_group.sg.name":      "",
		"var.sg_id":                       "",
		"module.net.sg_id":                "",
		"local.sg":                        "",
		"aws_security_group":              "",
		"data.aws_security_group":         "",
		"aws_security_group..id":          "",
		"each.value":                      "",
		"aws_security_group.sg.tags.name": "",
	} {
		got, ok := resourceRef(in)
		if ok != (want != "") || got != want && ok {
			t.Errorf("resourceRef(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestReadPlanStrict(t *testing.T) {
	ruleRes := func(name, values string) string {
		return `{"address": "aws_security_group_rule.` + name + `", "mode": "managed", "type": "aws_security_group_rule", "name": "` + name + `", "values": ` + values + `}`
	}
	good := `{"security_group_id": "sg-1", "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}`
	// type twice: encoding/json keeps the last, an egress rule.
	dup := `{"security_group_id": "sg-1", "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"], "type": "egress"}`
	bad := `{"security_group_id": "sg-1", "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/33"]}`
	utf := "{\"security_group_id\": \"sg-\xff\", \"type\": \"ingress\", \"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22, \"cidr_blocks\": [\"10.0.0.0/8\"]}"
	doc := "{\"values\": {\"root_module\": {\"resources\": [\n" + ruleRes("a", good) + ",\n" + ruleRes("b", dup) + ",\n" + ruleRes("c", bad) + ",\n" + ruleRes("d", utf) + "]}}}"
	_, err := ReadPlan(strings.NewReader(doc))
	want := `line 3, column 250: terraform: values.root_module.resources[1].values.type: duplicate key "type" (first at line 3, column 149)
line 4, column 235: terraform: aws_security_group_rule.c.cidr_blocks[0]: "10.0.0.0/33": not a CIDR block: prefix length out of range
line 5, column 141: terraform: values.root_module.resources[3].values.security_group_id: "sg-\xff": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var te *Error
	if !errors.As(err, &te) || te.Path != "values.root_module.resources[1].values.type" {
		t.Errorf("errors.As *Error: %#v", te)
	}
	var rep read.Report
	p, err := ReadPlan(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(p.AWS.Groups) != 1 || len(p.AWS.Groups[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 3 {
		t.Errorf("lenient: %v, %+v, %+v", err, p, rep)
	}
}
