package fuzz

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/provider/terraform"
)

// A strictReader is one vendor document reader under FuzzStrictReaders:
// how to call it, where its rule records are in a document, and a valid
// document to start from.
type strictReader struct {
	name string
	read func(data []byte, opts ...read.Option) error
	// records returns the rule records of a document decoded with
	// decodeTree: the objects the reader counts in read.Report.
	records func(doc any) []map[string]any
	// keep are fields the UTF-8 mutation leaves alone: changing them
	// makes the record something the reader does not count (a Terraform
	// resource of another type).
	keep []string
	// exactKeys: the reader refuses keys given twice but not keys that
	// differ only in case (Terraform's values maps may hold both).
	exactKeys bool
	seed      string
}

func rd[T any](f func(*bytes.Reader, ...read.Option) (T, error)) func([]byte, ...read.Option) error {
	return func(data []byte, opts ...read.Option) error {
		_, err := f(bytes.NewReader(data), opts...)
		return err
	}
}

// at returns the objects at a path of keys, "*" standing for every
// element of an array; keys match exactly.
func at(doc any, path ...string) []map[string]any { return find(doc, false, path) }

// paths returns the records at the paths, keys matched as the
// struct-decoding readers match them (find with fold).
func paths(ps ...[]string) func(any) []map[string]any {
	return func(doc any) []map[string]any {
		var out []map[string]any
		for _, p := range ps {
			out = append(out, find(doc, true, p)...)
		}
		return out
	}
}

func p(s ...string) []string { return s }

// find returns the objects at path. With fold a key matches as
// encoding/json matches a struct field: itself, else a key differing
// only in case. A reader that decodes into structs reads
// "IngressAClEntries" as IngressAclEntries (jsonx refuses a document
// holding both spellings), so its records there are records too; an
// exact match missed them and the lenient read seemed to read more
// records than the document held.
func find(doc any, fold bool, path []string) []map[string]any {
	if len(path) == 0 {
		if m, ok := doc.(map[string]any); ok {
			return []map[string]any{m}
		}
		return nil
	}
	var out []map[string]any
	switch v := doc.(type) {
	case []any:
		if path[0] == "*" {
			for _, e := range v {
				out = append(out, find(e, fold, path[1:])...)
			}
		}
	case map[string]any:
		if path[0] == "*" {
			return nil
		}
		if e, ok := v[path[0]]; ok {
			return find(e, fold, path[1:])
		}
		for k, e := range v {
			if fold && strings.EqualFold(k, path[0]) {
				return find(e, fold, path[1:])
			}
		}
	}
	return out
}

// tfHandled are the resource types terraform.ReadPlan reads.
var tfHandled = map[string]bool{
	"huaweicloud_networking_secgroup_rule": true, "alicloud_security_group_rule": true,
	"tencentcloud_security_group_rule_set": true, "aws_security_group": true, "aws_security_group_rule": true,
	"aws_vpc_security_group_ingress_rule": true, "aws_vpc_security_group_egress_rule": true,
}

// tfRecords are the managed resources of the handled types, in the
// planned values (or the values of a state) and in the prior state.
func tfRecords(doc any) []map[string]any {
	var out []map[string]any
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		for _, r := range at(m, "resources", "*") {
			mode, _ := r["mode"].(string)
			typ, _ := r["type"].(string)
			if (mode == "" || mode == "managed") && tfHandled[typ] {
				out = append(out, r)
			}
		}
		for _, c := range at(m, "child_modules", "*") {
			walk(c)
		}
	}
	top, _ := doc.(map[string]any)
	roots := at(top, "planned_values", "root_module")
	if _, plan := top["planned_values"]; !plan {
		roots = at(top, "values", "root_module")
	} else {
		roots = append(roots, at(top, "prior_state", "values", "root_module")...)
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

var strictReaders = []strictReader{
	{name: "huawei rules", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := huawei.ReadRules(r, o...)
		return nil, err
	}),
		records: paths(p("security_group_rules", "*")),
		seed: `{"security_group_rules": [{"id": "r1", "security_group_id": "sg-1", "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "multiport": "22", "action": "deny", "priority": 1, "remote_ip_prefix": "10.0.0.0/8", "description": "ssh"},
		{"id": "r2", "security_group_id": "sg-1", "direction": "egress", "ethertype": "IPv6", "protocol": "udp", "multiport": 53, "action": "allow", "priority": "2"},
		{"id": "n1", "security_group_id": "sg-2", "direction": "ingress", "ethertype": "IPv4", "protocol": "icmp", "port_range_min": 8, "port_range_max": 0}]}`},
	{name: "huawei groups", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := huawei.ReadRules(r, o...)
		return nil, err
	}),
		records: paths(p("security_groups", "*", "security_group_rules", "*")),
		seed: `{"security_groups": [{"id": "sg-1", "name": "a", "security_group_rules": [{"id": "r1", "security_group_id": "sg-1", "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
		{"id": "r2", "security_group_id": "sg-1", "direction": "egress", "ethertype": "IPv6"}]}, {"id": "sg-2", "security_group_rules": []}]}`},
	{name: "huawei group", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := huawei.ReadRules(r, o...)
		return nil, err
	}),
		records: paths(p("security_group", "security_group_rules", "*")),
		seed: `{"request_id": "x", "security_group": {"id": "sg-3", "name": "b", "security_group_rules": [{"id": "r3", "security_group_id": "sg-3", "direction": "ingress", "protocol": "udp", "multiport": "53", "action": "allow", "priority": 1},
		{"id": "r4", "security_group_id": "sg-3", "direction": "egress", "ethertype": "IPv6", "protocol": null, "action": "deny", "priority": 100}]}}`},
	{name: "huawei firewalls", read: rd(func(r *bytes.Reader, o ...read.Option) ([]huawei.Firewall, error) {
		return huawei.ReadFirewalls(r, o...)
	}),
		records: paths(p("firewall", "ingress_rules", "*"), p("firewall", "egress_rules", "*"), p("firewalls", "*", "ingress_rules", "*"), p("firewalls", "*", "egress_rules", "*")),
		seed: `{"firewalls": [{"id": "acl-1", "name": "a", "admin_state_up": true, "associations": [{"virsubnet_id": "sub-1"}],
		"ingress_rules": [{"id": "i1", "action": "deny", "protocol": "tcp", "ip_version": 4, "source_ip_address": "10.0.0.0/8", "destination_port": "22"}, {"id": "i2", "action": "allow", "protocol": "any", "ip_version": 4, "enabled": false}],
		"egress_rules": [{"id": "e1", "action": "allow", "protocol": "udp", "ip_version": 6, "destination_ip_address": "2001:db8::/32", "destination_port": "53"}]}]}`},
	{name: "alibaba groups", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := alibaba.ReadSecurityGroups(r, o...)
		return nil, err
	}),
		records: paths(p("*", "Permissions", "Permission", "*")),
		seed: `[{"SecurityGroupId": "sg-1", "InnerAccessPolicy": "Drop", "Permissions": {"Permission": [{"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8", "Policy": "Drop", "Priority": "1"},
		{"SecurityGroupRuleId": "sgr-2", "Direction": "egress", "IpProtocol": "ALL", "PortRange": "-1/-1", "DestCidrIp": "0.0.0.0/0", "Priority": 100}]}},
		{"SecurityGroupId": "sg-2", "Permissions": {"Permission": [{"Direction": "ingress", "IpProtocol": "ICMP", "PortRange": "-1/-1", "SourceGroupId": "sg-1"}]}}]`},
	{name: "alibaba ACLs", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := alibaba.ReadNetworkAcls(r, o...)
		return nil, err
	}),
		records: paths(p("NetworkAclAttribute", "IngressAclEntries", "IngressAclEntry", "*"), p("NetworkAclAttribute", "EgressAclEntries", "EgressAclEntry", "*"),
			p("NetworkAcls", "NetworkAcl", "*", "IngressAclEntries", "IngressAclEntry", "*"), p("NetworkAcls", "NetworkAcl", "*", "EgressAclEntries", "EgressAclEntry", "*")),
		seed: `{"NetworkAcls": {"NetworkAcl": [{"NetworkAclId": "nacl-1", "IngressAclEntries": {"IngressAclEntry": [{"NetworkAclEntryId": "nae-1", "Policy": "drop", "Protocol": "tcp", "SourceCidrIp": "10.0.0.0/8", "Port": "22/22"}, {"NetworkAclEntryId": "nae-2", "EntryType": "system", "Policy": "accept", "Protocol": "all", "SourceCidrIp": "0.0.0.0/0", "Port": "-1/-1"}]},
		"EgressAclEntries": {"EgressAclEntry": [{"NetworkAclEntryId": "nae-3", "Policy": "accept", "Protocol": "udp", "DestinationCidrIp": "10.0.0.2", "Port": "53/53"}]}, "Resources": {"Resource": [{"ResourceId": "vsw-1", "ResourceType": "VSwitch"}]}}]}}`},
	{name: "tencent policies", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := tencent.ReadPolicies(r, "sg-1", o...)
		return nil, err
	}),
		records: paths(p("Response", "SecurityGroupPolicySet", "Ingress", "*"), p("Response", "SecurityGroupPolicySet", "Egress", "*"), p("SecurityGroupPolicySet", "Ingress", "*"), p("SecurityGroupPolicySet", "Egress", "*")),
		seed: `{"Response": {"SecurityGroupPolicySet": {"Version": "12", "Ingress": [{"PolicyIndex": 0, "Protocol": "TCP", "Port": "22,80", "CidrBlock": "10.0.0.0/8", "Action": "DROP", "PolicyDescription": "x"}, {"PolicyIndex": 1, "Protocol": "ALL", "Port": "ALL", "SecurityGroupId": "sg-2", "Action": "ACCEPT"}],
		"Egress": [{"PolicyIndex": 0, "Protocol": "UDP", "Port": "53", "Ipv6CidrBlock": "::/0", "Action": "ACCEPT"}]}, "RequestId": "r"}}`},
	{name: "tencent ACLs", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := tencent.ReadNetworkAcls(r, o...)
		return nil, err
	}),
		records: paths(p("Response", "NetworkAclSet", "*", "IngressEntries", "*"), p("Response", "NetworkAclSet", "*", "EgressEntries", "*"), p("NetworkAclSet", "*", "IngressEntries", "*"), p("NetworkAclSet", "*", "EgressEntries", "*")),
		seed: `{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-1", "NetworkAclName": "a", "IngressEntries": [{"Protocol": "tcp", "CidrBlock": "172.16.12.123/32", "Action": "Accept", "Port": 8080, "Priority": 1}, {"Protocol": "all", "CidrBlock": "0.0.0.0/0", "Action": "Drop", "Priority": 2}],
		"EgressEntries": [{"Protocol": "udp", "Ipv6CidrBlock": "::/0", "Action": "Accept", "Port": "53"}]}], "TotalCount": 1}}`},
	{name: "tencent quintuples", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := tencent.ReadNetworkAclQuintupleEntries(r, "acl-1", o...)
		return nil, err
	}),
		records: paths(p("Response", "NetworkAclQuintupleSet", "*"), p("NetworkAclQuintupleSet", "*")),
		seed: `{"Response": {"NetworkAclQuintupleSet": [{"Protocol": "TCP", "SourcePort": "80", "SourceCidr": "192.168.0.0/24", "DestinationPort": "80", "DestinationCidr": "192.168.1.0/24", "Action": "ACCEPT", "NetworkAclQuintupleEntryId": "q1", "NetworkAclDirection": "EGRESS", "Priority": 1},
		{"Protocol": "ALL", "SourceCidr": "0.0.0.0/0", "DestinationCidr": "0.0.0.0/0", "Action": "DROP", "NetworkAclDirection": "INGRESS", "Priority": 2}]}}`},
	{name: "aws rules", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := aws.ReadSecurityGroupRules(r, o...)
		return nil, err
	}),
		records: paths(p("SecurityGroupRules", "*")),
		seed: `{"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"},
		{"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv6": "::/0"}]}`},
	{name: "aws groups", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := aws.ReadSecurityGroups(r, o...)
		return nil, err
	}),
		records: paths(p("SecurityGroups", "*", "IpPermissions", "*"), p("SecurityGroups", "*", "IpPermissionsEgress", "*")),
		seed: `{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}],
		"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`},
	{name: "aws ACLs", read: rd(func(r *bytes.Reader, o ...read.Option) ([]any, error) {
		_, err := aws.ReadNetworkAcls(r, o...)
		return nil, err
	}),
		records: paths(p("NetworkAcls", "*", "Entries", "*")),
		seed: `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22}},
		{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}]}]}`},
	{name: "terraform", read: rd(func(r *bytes.Reader, o ...read.Option) (*terraform.Plan, error) { return terraform.ReadPlan(r, o...) }),
		records: tfRecords, keep: []string{"mode", "type"}, exactKeys: true,
		seed: `{"values": {"root_module": {"resources": [{"address": "aws_security_group_rule.a", "mode": "managed", "type": "aws_security_group_rule", "name": "a", "values": {"security_group_id": "sg-1", "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}},
		{"address": "huaweicloud_networking_secgroup_rule.b", "mode": "managed", "type": "huaweicloud_networking_secgroup_rule", "name": "b", "values": {"security_group_id": "sg-2", "direction": "egress", "protocol": "udp", "ports": "53", "remote_ip_prefix": "10.0.0.2/32", "action": "deny", "priority": 2}}]}}}`},
	{name: "topology", read: rd(func(r *bytes.Reader, o ...read.Option) (provider.Topology, error) { return provider.ReadTopology(r) }),
		records: nil,
		seed:    `{"cloud": "huawei", "subnets": [{"name": "s", "prefix": "10.0.0.0/24", "acl": "acl-1"}], "endpoints": [{"name": "e", "addrs": ["10.0.0.5"], "subnet": "s", "groups": ["sg-1"]}], "lists": {"pl-1": ["10.1.0.0/16"]}}`},
}

// FuzzStrictReaders checks, for every vendor reader (chosen by which),
// the strictness properties:
//
//   - Syntax: bytes that are not JSON (json.Valid) are refused as
//     invalid JSON, and JSON is never refused as such.
//   - A document the reader reads, with one key of one rule record given
//     twice (with the same value), is refused with "duplicate key".
//   - The same document with an invalid byte put into a string of one
//     record is refused with "invalid UTF-8".
//   - Read leniently (read.SkipInvalid), either mutated document is
//     read, with exactly that record skipped: records read plus records
//     skipped equals the records in the document.
//
// pick chooses the record and the key or string; mutation 0 duplicates a
// key, 1 inserts the invalid byte, 2 gives a key again with the case of
// its first letter changed (which encoding/json reads into the same
// struct field; Terraform is left out, see exactKeys).
func FuzzStrictReaders(f *testing.F) {
	for i, r := range strictReaders {
		// Each reader's valid document, both mutations, two picks.
		f.Add(uint8(i), []byte(r.seed), uint16(0), uint8(0))
		f.Add(uint8(i), []byte(r.seed), uint16(7), uint8(1))
		f.Add(uint8(i), []byte(r.seed), uint16(15), uint8(2))
	}
	// Not JSON: truncated, a lone surrogate (valid JSON, refused as
	// UTF-8), an unquoted key.
	f.Add(uint8(0), []byte(`{"security_group_rules": [{"id": "r`), uint16(0), uint8(0))
	f.Add(uint8(7), []byte(`{"SecurityGroupRules": [{"GroupId": "sg-\ud800"}]}`), uint16(0), uint8(0))
	f.Add(uint8(4), []byte(`{Response: {}}`), uint16(0), uint8(0))
	f.Fuzz(func(t *testing.T, which uint8, data []byte, pick uint16, mutation uint8) {
		r := strictReaders[int(which)%len(strictReaders)]
		err := r.read(data)
		valid := json.Valid(data)
		switch {
		case !valid && len(bytes.TrimSpace(data)) == 0 && (err == nil || !strings.Contains(err.Error(), "empty input") && !strings.Contains(err.Error(), "invalid JSON")):
			t.Fatalf("%s: empty input, error %v", r.name, err)
		case !valid && len(bytes.TrimSpace(data)) > 0 && (err == nil || !strings.Contains(err.Error(), "invalid JSON")):
			t.Fatalf("%s: not JSON, error %v", r.name, err)
		case valid && err != nil && strings.Contains(err.Error(), "invalid JSON ("):
			t.Fatalf("%s: valid JSON refused as invalid: %v", r.name, err)
		case err != nil:
			var re *read.Errors
			if !errors.As(err, &re) || re.Len() == 0 {
				t.Fatalf("%s: error %T %v is not a *read.Errors", r.name, err, err)
			}
			return
		}
		if r.records == nil {
			return
		}
		doc, derr := decodeTree(data)
		if derr != nil {
			t.Fatalf("%s: read but not decoded: %v", r.name, derr)
		}
		recs := r.records(doc)
		if len(recs) == 0 {
			return
		}
		target := recs[int(pick)%len(recs)]
		var b bytes.Buffer
		want := "duplicate key"
		if mutation%3 == 1 {
			want = "invalid UTF-8"
		}
		fold := mutation%3 == 2 && !r.exactKeys
		writeTree(&b, doc, mutator{target: reflect.ValueOf(target).Pointer(), utf8: mutation%3 == 1, fold: fold, pick: int(pick / 7), keep: r.keep})
		mutated := b.Bytes()
		if err := r.read(mutated); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: mutated document read; error %v, want %q\n%s", r.name, err, want, mutated)
		}
		var rep read.Report
		if err := r.read(mutated, read.SkipInvalid(&rep)); err != nil {
			t.Fatalf("%s: lenient read of the mutated document: %v\n%s", r.name, err, mutated)
		}
		if rep.Read+len(rep.Skipped) != len(recs) || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Error(), want) {
			t.Fatalf("%s: %d records, lenient read %d, skipped %v\n%s", r.name, len(recs), rep.Read, rep.Skipped, mutated)
		}
	})
}

// decodeTree decodes a JSON document, numbers as json.Number.
func decodeTree(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// mutator changes one object, target, as writeTree writes it: it gives
// one of its keys twice, or puts an invalid byte into one of its strings.
type mutator struct {
	target uintptr
	utf8   bool
	fold   bool // repeat the key with its first letter's case changed
	pick   int
	keep   []string
}

// writeTree writes v as JSON, keys sorted, applying m to its target.
func writeTree(b *bytes.Buffer, v any, m mutator) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		hit := reflect.ValueOf(x).Pointer() == m.target
		bad, spoil := "", false
		if hit && m.utf8 {
			var strs []string
			for _, k := range keys {
				if _, ok := x[k].(string); ok && !contains(m.keep, k) {
					strs = append(strs, k)
				}
			}
			if len(strs) > 0 {
				bad, spoil = strs[m.pick%len(strs)], true
			}
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k, false)
			b.WriteByte(':')
			if spoil && k == bad {
				writeString(b, x[k].(string), true)
			} else {
				writeTree(b, x[k], m)
			}
		}
		switch {
		case hit && !m.utf8 && len(keys) > 0:
			k := keys[m.pick%len(keys)]
			b.WriteByte(',')
			if m.fold {
				writeString(b, otherCase(k), false)
			} else {
				writeString(b, k, false)
			}
			b.WriteByte(':')
			writeTree(b, x[k], mutator{})
		case hit && !m.utf8:
			// No key to repeat: one given twice.
			b.WriteString(`"k":null,"k":null`)
		case hit && !spoil:
			// No string to spoil: a key with the invalid byte.
			if len(keys) > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\"\xff\":null")
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeTree(b, e, m)
		}
		b.WriteByte(']')
	case string:
		writeString(b, x, false)
	case json.Number:
		b.WriteString(x.String())
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	}
}

// writeString writes s quoted; spoil puts the byte 0xff after the
// opening quote.
func writeString(b *bytes.Buffer, s string, spoil bool) {
	q, _ := json.Marshal(s)
	if spoil {
		b.WriteString("\"\xff")
		b.Write(q[1:])
		return
	}
	b.Write(q)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestStrictReadersSeeds: every seed document of FuzzStrictReaders is
// read without error and has rule records, so that the mutation
// properties run on each.
func TestStrictReadersSeeds(t *testing.T) {
	for _, r := range strictReaders {
		if err := r.read([]byte(r.seed)); err != nil {
			t.Errorf("%s: seed: %v", r.name, err)
			continue
		}
		if r.records == nil {
			continue
		}
		doc, err := decodeTree([]byte(r.seed))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(r.records(doc)); n < 2 {
			t.Errorf("%s: seed has %d records; want 2 or more", r.name, n)
		}
	}
}

// otherCase changes the case of the first ASCII letter of k; a key
// without one stays as it is (then given twice exactly).
func otherCase(k string) string {
	b := []byte(k)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
			return string(b)
		case c >= 'A' && c <= 'Z':
			b[i] = c - 'A' + 'a'
			return string(b)
		}
	}
	return k
}
