package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim"
)

// FuzzHuaweiRules feeds arbitrary bytes to huawei.ReadRules: it must never
// panic, must fail only with a *huawei.Error, and whatever it reads must be
// written by huawei.WriteRules and read back equal. Writing regroups
// records of interleaved groups, so Origin.Path is left out of the
// comparison.
//
// The seeds are built from the documented field names of the VPC v3
// SecurityGroupRule (huaweicloud-sdk-go-v3 services/vpc/v3/model) and of
// the Neutron security group rule (NeutronListSecurityGroupRules), with
// made-up values.
func FuzzHuaweiRules(f *testing.F) {
	// v3: a CCE node group's NodePort rule, priority as a number.
	f.Add([]byte(`{"security_group_rules":[{"id":"r1","security_group_id":"sg-node","direction":"ingress","ethertype":"IPv4","protocol":"tcp","multiport":"30000-32767","action":"allow","priority":1,"remote_ip_prefix":"0.0.0.0/0","remote_group_id":null,"remote_address_group_id":null,"description":"NodePort"}]}`))
	// v3: a deny with a port list, priority as a string, remote group; and
	// an IPv6 egress rule with a protocol number, in another group.
	f.Add([]byte(`{"security_group_rules":[{"id":"r2","security_group_id":"sg-a","direction":"ingress","ethertype":"IPv4","protocol":"TCP","multiport":"3389,22,80-81","action":"deny","priority":"100","remote_group_id":"sg-b"},{"id":"r3","security_group_id":"sg-b","direction":"egress","ethertype":"IPv6","protocol":"17","multiport":"53","action":"allow","priority":2,"remote_ip_prefix":"2001:db8::/32"}]}`))
	// v3: an address group remote, any protocol (empty), all ports (empty).
	f.Add([]byte(`{"security_group_rules":[{"id":"r4","security_group_id":"sg-a","direction":"egress","ethertype":"IPv4","protocol":"","multiport":"","action":"allow","priority":50,"remote_address_group_id":"ag-1"}]}`))
	// Neutron: ICMP echo (type 8, code 0) and a TCP range, null protocol
	// for any, no action or priority.
	f.Add([]byte(`{"security_group_rules":[{"id":"n1","security_group_id":"sg-a","direction":"ingress","ethertype":"IPv4","protocol":"icmp","port_range_min":8,"port_range_max":0,"remote_ip_prefix":"10.0.0.0/8"},{"id":"n2","security_group_id":"sg-a","direction":"ingress","ethertype":"IPv4","protocol":"tcp","port_range_min":22,"port_range_max":22},{"id":"n3","security_group_id":"sg-a","direction":"egress","ethertype":"IPv6","protocol":null,"port_range_min":null,"port_range_max":null}]}`))
	// Invalid: "80-", priority 0, two remotes, truncated document.
	f.Add([]byte(`{"security_group_rules":[{"security_group_id":"s","direction":"ingress","protocol":"tcp","multiport":"80-","action":"allow","priority":1}]}`))
	f.Add([]byte(`{"security_group_rules":[{"security_group_id":"s","direction":"ingress","action":"allow","priority":0}]}`))
	f.Add([]byte(`{"security_group_rules":[{"security_group_id":"s","direction":"ingress","action":"allow","priority":1,"remote_ip_prefix":"10.0.0.0/8","remote_group_id":"sg"}]}`))
	f.Add([]byte(`{"security_group_rules":[{"id":"r1","security_group_id":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := huawei.ReadRules(bytes.NewReader(data))
		if err != nil {
			var he *huawei.Error
			if !errors.As(err, &he) {
				t.Fatalf("ReadRules error %T %v; want *huawei.Error", err, err)
			}
			return
		}
		for _, g := range groups {
			for _, r := range g.Rules {
				if err := r.Validate(); err != nil {
					t.Fatalf("ReadRules returned an invalid rule: %v", err)
				}
			}
		}
		var b bytes.Buffer
		if err := huawei.WriteRules(&b, groups); err != nil {
			t.Fatalf("ReadRules ok but WriteRules fails: %v", err)
		}
		back, err := huawei.ReadRules(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("reading the written rules: %v\n%s", err, b.String())
		}
		opts := []cmp.Option{cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) }),
			cmpopts.IgnoreFields(sgsim.Origin{}, "Path"), cmpopts.EquateEmpty()}
		if d := cmp.Diff(groups, back, opts...); d != "" {
			t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
		}
	})
}
