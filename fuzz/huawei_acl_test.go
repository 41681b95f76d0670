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

// FuzzHuaweiNetworkAcls feeds arbitrary bytes to huawei.ReadFirewalls: it
// must never panic and must fail only with a *huawei.Error; whatever it
// reads must validate (every rule, and each ACL under sgsim.ACL semantics
// once its address groups are resolved), and must be written by
// huawei.WriteFirewalls and huawei.WriteFirewall and read back equal.
// Writing a ShowFirewall document as a list changes Origin.Document and
// Origin.Path, so those are left out of the comparison.
//
// The seeds are built from the documented field names of the VPC v3
// network ACL models (FirewallDetail, FirewallAssociation and
// FirewallRuleDetail in huaweicloud-sdk-go-v3 services/vpc/v3/model, the
// ShowFirewall and ListFirewall responses), with made-up values.
func FuzzHuaweiNetworkAcls(f *testing.F) {
	// ShowFirewall: an enabled ACL on two subnets; tcp with source and
	// destination ports, a disabled icmp deny, an address group, IPv6,
	// a protocol number and a trailing deny-all.
	f.Add([]byte(`{"firewall":{"id":"acl-1","name":"acl-cce-nodes","admin_state_up":true,"status":"ACTIVE","associations":[{"virsubnet_id":"subnet-1"},{"virsubnet_id":"subnet-2"}],` +
		`"ingress_rules":[{"id":"r1","name":"ssh","description":"ops","action":"allow","protocol":"tcp","ip_version":4,"source_ip_address":"192.168.0.0/24","destination_ip_address":"0.0.0.0/0","source_port":"22-30,33","destination_port":"8001-8010","source_address_group_id":null,"destination_address_group_id":null,"enabled":true},` +
		`{"id":"r2","action":"deny","protocol":"icmp","ip_version":4,"source_ip_address":"192.168.0.0/24","enabled":false},` +
		`{"id":"r3","action":"allow","protocol":"any","ip_version":4,"source_ip_address":"","source_address_group_id":"ag-office","enabled":true},` +
		`{"id":"r4","action":"allow","protocol":"TCP","ip_version":6,"source_ip_address":"2001:db8::/32","destination_port":"443,80"}],` +
		`"egress_rules":[{"id":"e1","action":"allow","protocol":"udp","ip_version":4,"destination_ip_address":"100.125.1.250","destination_port":"53","enabled":true},` +
		`{"id":"e2","action":"allow","protocol":"6","ip_version":4,"source_ip_address":"10.0.0.0/16","destination_port":"5432","destination_address_group_id":"ag-db"},` +
		`{"id":"e3","action":"deny","protocol":"any","ip_version":4,"destination_ip_address":"0.0.0.0/0"}]},"request_id":"req"}`))
	// A list: an enabled ACL and a disabled one (suspended and disabled
	// rules), page_info and request_id alongside.
	f.Add([]byte(`{"firewalls":[{"id":"acl-a","name":"a","admin_state_up":true,"associations":[],"ingress_rules":[],"egress_rules":[{"id":"a-1","action":"allow","protocol":"any","ip_version":6,"destination_ip_address":"::/0"}]},` +
		`{"id":"acl-b","admin_state_up":false,"status":"INACTIVE","associations":[{"virsubnet_id":"subnet-b"}],"ingress_rules":[{"id":"b-1","action":"deny","protocol":"icmpv6","ip_version":6,"enabled":false},{"id":"b-2","action":"allow","protocol":"udp","ip_version":4,"source_port":"68","destination_port":"67","enabled":true}],"egress_rules":[]}],` +
		`"page_info":{"current_count":2},"request_id":"req"}`))
	// A real ListFirewall record (no rule lists): an error.
	f.Add([]byte(`{"firewalls":[{"id":"acl-a","name":"a","admin_state_up":true,"status":"ACTIVE","associations":[{"virsubnet_id":"s"}]}]}`))
	// Invalid: address group on the subnet side, v2.0 colon range, port on
	// icmp, unknown protocol, both documents, truncated input.
	f.Add([]byte(`{"firewall":{"id":"a","admin_state_up":true,"egress_rules":[],"ingress_rules":[{"action":"allow","protocol":"tcp","ip_version":4,"destination_address_group_id":"ag-1"}]}}`))
	f.Add([]byte(`{"firewall":{"id":"a","admin_state_up":true,"egress_rules":[],"ingress_rules":[{"action":"allow","protocol":"tcp","ip_version":4,"destination_port":"20:22"}]}}`))
	f.Add([]byte(`{"firewall":{"id":"a","admin_state_up":true,"egress_rules":[],"ingress_rules":[{"action":"allow","protocol":"icmp","ip_version":4,"destination_port":"8"}]}}`))
	f.Add([]byte(`{"firewall":{"id":"a","admin_state_up":true,"egress_rules":[],"ingress_rules":[{"action":"allow","protocol":"gre","ip_version":4}]}}`))
	f.Add([]byte(`{"firewall":{"id":"a","admin_state_up":true,"ingress_rules":[],"egress_rules":[]},"firewalls":[]}`))
	f.Add([]byte(`{"firewall":{"id":"acl-1","ingress_rules":[{"id":"r1","action":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fws, err := huawei.ReadFirewalls(bytes.NewReader(data))
		if err != nil {
			var he *huawei.Error
			if !errors.As(err, &he) {
				t.Fatalf("ReadFirewalls error %T %v; want *huawei.Error", err, err)
			}
			return
		}
		for _, fw := range fws {
			if fw.Enabled && len(fw.Suspended) > 0 || !fw.Enabled && len(fw.ACL.Rules) > 0 {
				t.Fatalf("ACL %q: Enabled %v with %d evaluated and %d suspended rules", fw.ACL.ID, fw.Enabled, len(fw.ACL.Rules), len(fw.Suspended))
			}
			for _, l := range [][]sgsim.Rule{fw.ACL.Rules, fw.Disabled, fw.Suspended} {
				for _, r := range l {
					if err := r.Validate(); err != nil {
						t.Fatalf("ReadFirewalls returned an invalid rule: %v", err)
					}
				}
			}
			lists := map[string]sgsim.Addrs{}
			for _, r := range fw.ACL.Rules {
				if r.RemoteList != "" {
					lists[r.RemoteList] = sgsim.MustParseAddrs("192.0.2.0/24,2001:db8:1::/48")
				}
			}
			acl, err := sgsim.Resolve(fw.ACL, nil, lists)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if _, err := sgsim.NewLinear(sgsim.ACL, acl); err != nil {
				t.Fatalf("read ACL does not validate under ACL semantics: %v", err)
			}
		}
		opts := []cmp.Option{cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) }),
			cmpopts.IgnoreFields(sgsim.Origin{}, "Document", "Path"), cmpopts.EquateEmpty()}
		var b bytes.Buffer
		if err := huawei.WriteFirewalls(&b, fws); err != nil {
			t.Fatalf("ReadFirewalls ok but WriteFirewalls fails: %v", err)
		}
		back, err := huawei.ReadFirewalls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("reading the written list: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(fws, back, opts...); d != "" {
			t.Fatalf("read, write list, read differs (-first +second):\n%s\n%s", d, b.String())
		}
		for _, fw := range fws {
			b.Reset()
			if err := huawei.WriteFirewall(&b, fw); err != nil {
				t.Fatalf("ReadFirewalls ok but WriteFirewall fails: %v", err)
			}
			one, err := huawei.ReadFirewalls(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("reading the written ACL: %v\n%s", err, b.String())
			}
			if d := cmp.Diff([]huawei.Firewall{fw}, one, opts...); d != "" {
				t.Fatalf("read, write one, read differs (-first +second):\n%s\n%s", d, b.String())
			}
		}
	})
}
