package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/sgsim"
)

// FuzzAlibabaNetworkAcls feeds arbitrary bytes to alibaba.ReadNetworkAcls
// and ReadNetworkAclBindings: they must never panic, must fail only with
// an *alibaba.Error and agree on whether the document is good, and
// whatever ACLs they read must validate under ACL semantics (prefix lists
// resolved) and be written by WriteNetworkAcls and read back equal, Origin
// aside.
//
// The seeds are built from the documented field names of the VPC
// DescribeNetworkAcls and DescribeNetworkAclAttributes responses
// (alibabacloud-go vpc-20160428 DescribeNetworkAclsResponseBody and
// DescribeNetworkAclAttributesResponseBody) and the value sets of
// UpdateNetworkAclEntries, with made-up values.
func FuzzAlibabaNetworkAcls(f *testing.F) {
	// DescribeNetworkAcls: IPv4 and IPv6 entries, a system entry, a prefix
	// list, bound vSwitches, the paging fields as strings.
	f.Add([]byte(`{"RequestId":"F7DDDC17","TotalCount":"1","PageNumber":"1","PageSize":"10","NetworkAcls":{"NetworkAcl":[{"NetworkAclId":"nacl-bp1workers","NetworkAclName":"ack-workers","VpcId":"vpc-1","Status":"Available","IngressAclEntries":{"IngressAclEntry":[{"NetworkAclEntryId":"nae-1","NetworkAclEntryName":"ssh","EntryType":"custom","IpVersion":"IPv4","Policy":"accept","Protocol":"tcp","SourceCidrIp":"10.0.8.0/24","Port":"22/22","Description":"bastion"},{"NetworkAclEntryId":"nae-2","EntryType":"custom","IpVersion":"IPv6","Policy":"drop","Protocol":"icmpv6","SourceCidrIp":"2001:db8::/32","Port":"-1/-1","Description":""},{"NetworkAclEntryId":"nae-3","EntryType":"system","IpVersion":"IPv4","Policy":"drop","Protocol":"all","SourceCidrIp":"0.0.0.0/0","Port":"-1/-1"}]},"EgressAclEntries":{"EgressAclEntry":[{"NetworkAclEntryId":"nae-4","EntryType":"custom","IpVersion":"IPv4","Policy":"accept","Protocol":"udp","DestinationCidrIp":"100.100.2.136","Port":"53/53","Description":"dns"},{"NetworkAclEntryId":"nae-5","EntryType":"custom","IpVersion":"IPv4","Policy":"accept","Protocol":"tcp","DestinationCidrIp":"pl-bp1x1j1k","Port":"443/443"},{"NetworkAclEntryId":"nae-6","EntryType":"system","IpVersion":"IPv6","Policy":"accept","Protocol":"all","DestinationCidrIp":"::/0","Port":"-1/-1","Description":"v6"}]},"Resources":{"Resource":[{"ResourceId":"vsw-bp1a","ResourceType":"VSwitch","Status":"BINDED"}]}}]}}`))
	// DescribeNetworkAclAttributes: one ACL, gre and icmp, an entry of the
	// older shape without EntryType and IpVersion, an empty egress list.
	f.Add([]byte(`{"RequestId":"F5905F9C","NetworkAclAttribute":{"NetworkAclId":"nacl-a2do9e","NetworkAclName":"acl-1","VpcId":"vpc-a2d33","Status":"Available","IngressAclEntries":{"IngressAclEntry":[{"NetworkAclEntryId":"nae-a","Policy":"accept","Protocol":"gre","SourceCidrIp":"192.168.0.0/16","Port":"-1/-1"},{"NetworkAclEntryId":"nae-b","EntryType":"service","IpVersion":"IPv4","Policy":"accept","Protocol":"icmp","SourceCidrIp":"10.0.0.1","Port":"-1/-1"}]},"EgressAclEntries":{},"Resources":{"Resource":[]}}}`))
	// Two ACLs in a page, one without entries.
	f.Add([]byte(`{"NetworkAcls":{"NetworkAcl":[{"NetworkAclId":"nacl-1","IngressAclEntries":{"IngressAclEntry":[]},"EgressAclEntries":{"EgressAclEntry":[{"Policy":"drop","Protocol":"ALL","DestinationCidrIp":"0.0.0.0/0","Port":""}]}},{"NetworkAclId":"nacl-2","IngressAclEntries":{},"EgressAclEntries":{}}]}}`))
	// Invalid: port on icmp, unknown protocol, IPv4 block in an IPv6 entry,
	// unknown entry type, both responses, duplicate ACL, truncated.
	f.Add([]byte(`{"NetworkAclAttribute":{"NetworkAclId":"n","IngressAclEntries":{"IngressAclEntry":[{"Policy":"accept","Protocol":"icmp","SourceCidrIp":"10.0.0.0/8","Port":"8/8"}]},"EgressAclEntries":{}}}`))
	f.Add([]byte(`{"NetworkAclAttribute":{"NetworkAclId":"n","IngressAclEntries":{"IngressAclEntry":[{"Policy":"accept","Protocol":"6","SourceCidrIp":"10.0.0.0/8","Port":"-1/-1"}]},"EgressAclEntries":{}}}`))
	f.Add([]byte(`{"NetworkAclAttribute":{"NetworkAclId":"n","IngressAclEntries":{"IngressAclEntry":[{"Policy":"accept","Protocol":"all","IpVersion":"IPv6","SourceCidrIp":"10.0.0.0/8","Port":"-1/-1"}]},"EgressAclEntries":{}}}`))
	f.Add([]byte(`{"NetworkAclAttribute":{"NetworkAclId":"n","IngressAclEntries":{"IngressAclEntry":[{"EntryType":"default","Policy":"accept","Protocol":"all","SourceCidrIp":"10.0.0.0/8"}]},"EgressAclEntries":{}}}`))
	f.Add([]byte(`{"NetworkAclAttribute":{"NetworkAclId":"n","IngressAclEntries":{},"EgressAclEntries":{}},"NetworkAcls":{}}`))
	f.Add([]byte(`{"NetworkAcls":{"NetworkAcl":[{"NetworkAclId":"n","IngressAclEntries":{},"EgressAclEntries":{}},{"NetworkAclId":"n","IngressAclEntries":{},"EgressAclEntries":{}}]}}`))
	f.Add([]byte(`{"NetworkAcls":{"NetworkAcl":[{"NetworkAclId":"nacl-1","IngressAclEntries":{"IngressAclEntry":[{"Pol`))
	check := func(t *testing.T, err error) bool {
		if err == nil {
			return true
		}
		var ae *alibaba.Error
		if !errors.As(err, &ae) {
			t.Fatalf("read error %T %v; want *alibaba.Error", err, err)
		}
		return false
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		gs, err := alibaba.ReadNetworkAcls(bytes.NewReader(data))
		_, berr := alibaba.ReadNetworkAclBindings(bytes.NewReader(data))
		if (err == nil) != (berr == nil) {
			t.Fatalf("ReadNetworkAcls error %v but ReadNetworkAclBindings error %v", err, berr)
		}
		if !check(t, err) {
			return
		}
		lists := map[string]sgsim.Addrs{}
		var resolved []sgsim.Group
		for _, g := range gs {
			for _, r := range g.Rules {
				if err := r.Validate(); err != nil {
					t.Fatalf("reader returned an invalid rule %v: %v", r, err)
				}
				if r.Origin.Path == "" || r.Origin.Vendor != "alibaba" {
					t.Fatalf("rule %v: origin %+v", r, r.Origin)
				}
				if r.RemoteList != "" {
					lists[r.RemoteList] = sgsim.MustParseAddrs("10.0.0.0/8,2001:db8::/32")
				}
			}
			rg, err := sgsim.Resolve(g, nil, lists)
			if err != nil {
				t.Fatalf("resolving %q: %v", g.ID, err)
			}
			resolved = append(resolved, rg)
		}
		if _, err := sgsim.NewLinear(sgsim.ACL, resolved...); err != nil {
			t.Fatalf("read ACLs do not validate under ACL semantics: %v", err)
		}
		var b bytes.Buffer
		if err := alibaba.WriteNetworkAcls(&b, gs); err != nil {
			t.Fatalf("ReadNetworkAcls ok but WriteNetworkAcls fails: %v", err)
		}
		back, err := alibaba.ReadNetworkAcls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("reading the written ACLs: %v\n%s", err, b.String())
		}
		opts := []cmp.Option{cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) }),
			cmpopts.IgnoreFields(sgsim.Rule{}, "Origin"), cmpopts.EquateEmpty()}
		if d := cmp.Diff(gs, back, opts...); d != "" {
			t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
		}
	})
}
