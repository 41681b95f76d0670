package fuzz

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/sgsim/sgsim/provider/terraform"
)

// FuzzTerraformPlan: any bytes either fail to read with a
// *terraform.Error or read to a plan whose rules are valid, carry their
// resource address in Origin.Path and the document kind (plan or state) in
// Origin.Document, and sit in groups with a key; every Unknown names an
// address and an attribute, and every address key is the key of a group.
// There is no writer, so no round trip.
func FuzzTerraformPlan(f *testing.F) {
	// The package's test plan: nested modules, unknown ids and values.
	if b, err := os.ReadFile("../provider/terraform/testdata/plan.json"); err == nil {
		f.Add(b)
	}
	// A state with one rule of each AWS form.
	f.Add([]byte(`{"values":{"root_module":{"resources":[{"address":"aws_security_group.a","mode":"managed","type":"aws_security_group","name":"a","values":{"id":"sg-1","ingress":[{"protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8"],"self":true}]}},{"address":"aws_security_group_rule.b","mode":"managed","type":"aws_security_group_rule","name":"b","values":{"security_group_id":"sg-1","type":"egress","protocol":"-1","from_port":0,"to_port":0,"ipv6_cidr_blocks":["::/0"]}},{"address":"aws_vpc_security_group_ingress_rule.c","mode":"managed","type":"aws_vpc_security_group_ingress_rule","name":"c","values":{"security_group_id":"sg-1","ip_protocol":"icmp","from_port":8,"to_port":-1,"cidr_ipv4":"0.0.0.0/0"}}]}}}`))
	// A plan whose Alibaba rule has an unknown group id referring to a new group in a child module.
	f.Add([]byte(`{"planned_values":{"root_module":{"child_modules":[{"address":"module.m[0]","resources":[{"address":"module.m[0].alicloud_security_group_rule.r","mode":"managed","type":"alicloud_security_group_rule","name":"r","values":{"type":"ingress","ip_protocol":"tcp","port_range":"1/200","cidr_ip":"10.0.0.1"}}]}]}},"resource_changes":[{"address":"module.m[0].alicloud_security_group_rule.r","change":{"after_unknown":{"security_group_id":true,"id":true}}}],"configuration":{"root_module":{"module_calls":{"m":{"module":{"resources":[{"address":"alicloud_security_group_rule.r","expressions":{"security_group_id":{"references":["alicloud_security_group.g.id","alicloud_security_group.g"]}}}]}}}}}}`))
	// A Tencent rule set and a Huawei rule in a state.
	f.Add([]byte(`{"values":{"root_module":{"resources":[{"address":"tencentcloud_security_group_rule_set.s","mode":"managed","type":"tencentcloud_security_group_rule_set","name":"s","values":{"security_group_id":"sg-t","ingress":[{"action":"ACCEPT","protocol":"TCP","port":"80,443","cidr_block":"0.0.0.0/8"}],"egress":[{"action":"DROP","protocol":"ALL","port":"ALL","ipv6_cidr_block":"::/0"}]}},{"address":"huaweicloud_networking_secgroup_rule.h","mode":"managed","type":"huaweicloud_networking_secgroup_rule","name":"h","values":{"security_group_id":"sg-h","direction":"egress","ethertype":"IPv6","protocol":"icmpv6","port_range_min":128,"port_range_max":0,"action":"deny","priority":100}}]}}}`))
	// Invalid: two remotes, a bad CIDR, wrong types, truncated, not JSON.
	f.Add([]byte(`{"values":{"root_module":{"resources":[{"address":"huaweicloud_networking_secgroup_rule.h","mode":"managed","type":"huaweicloud_networking_secgroup_rule","name":"h","values":{"security_group_id":"sg","direction":"ingress","ethertype":"IPv4","remote_ip_prefix":"10.0.0.0/8","remote_group_id":"sg-2"}}]}}}`))
	f.Add([]byte(`{"values":{"root_module":{"resources":[{"address":"aws_security_group_rule.b","mode":"managed","type":"aws_security_group_rule","name":"b","values":{"security_group_id":"sg-1","type":"ingress","protocol":"tcp","from_port":"x","cidr_blocks":["10.0.0.0/33"]}}]}}}`))
	f.Add([]byte(`{"planned_values":{"root_module":{"resources":[`))
	f.Add([]byte(`terraform`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := terraform.ReadPlan(bytes.NewReader(data))
		if err != nil {
			var te *terraform.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v; want *terraform.Error", err, err)
			}
			return
		}
		doc := "terraform plan"
		if p.State {
			doc = "terraform state"
		}
		keys := map[string]bool{}
		for _, v := range p.Vendors() {
			for _, g := range v.Groups {
				if g.ID == "" {
					t.Fatalf("%s: group without a key", v.Provider)
				}
				keys[g.ID] = true
				for _, r := range g.Rules {
					if err := r.Validate(); err != nil {
						t.Fatalf("%s %s: invalid rule %v: %v", v.Provider, g.ID, r, err)
					}
					if r.Origin.Path == "" || r.Origin.Document != doc {
						t.Fatalf("%s %s: rule %v has origin %+v (State %v)", v.Provider, g.ID, r, r.Origin, p.State)
					}
					if lo, hi, used := v.Semantics.PriorityRange(); used && (r.Priority < lo || r.Priority > hi) {
						t.Fatalf("%s %s: rule %v priority outside %s range", v.Provider, g.ID, r, v.Semantics)
					}
				}
			}
		}
		for _, u := range p.Unknown {
			if u.Address == "" || u.Attribute == "" {
				t.Fatalf("incomplete Unknown %+v", u)
			}
		}
		for _, k := range p.AddressKeys {
			if !keys[k] {
				t.Fatalf("address key %q is no group's key", k)
			}
		}
	})
}
