package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
)

// FuzzTencentNetworkAcls feeds arbitrary bytes to tencent.ReadNetworkAcls
// and tencent.ReadNetworkAclQuintupleEntries: neither may panic, each must
// fail only with a *tencent.Error, and whatever one reads must be valid
// under sgsim.ACL semantics, carry an Origin, and be written by its writer
// and read back equal. The writers always add the "Response" wrapper, so
// Origin.Path is left out of the comparison.
//
// The seeds are built from the documented field names of the VPC
// DescribeNetworkAcls response (NetworkAclSet, TotalCount; NetworkAcl and
// NetworkAclEntry of tencentcloud-sdk-go vpc v20170312 and the newer SDK
// models with Priority, NetworkAclIpv4EntryId, NetworkAclIpv6EntryId) and
// of DescribeNetworkAclQuintupleEntries (NetworkAclQuintupleSet,
// NetworkAclQuintupleEntry), shaped like the tccli examples, with made-up
// values.
func FuzzTencentNetworkAcls(f *testing.F) {
	// A triple ACL as the API lists it: IPv6 entries first, each family
	// numbered from 1 and ending in its fixed entry, lower-case values.
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"VpcId":"vpc-nwg3twqu","NetworkAclId":"acl-3v122sn","NetworkAclName":"demo","NetworkAclType":"TRIPLE","CreatedTime":"2022-04-27 20:46:15","TagSet":[],"SubnetSet":[{"SubnetId":"subnet-ptqwqcjz","CidrBlock":"10.0.0.0/24"}],"IngressEntries":[{"Protocol":"udp","Port":"53","Ipv6CidrBlock":"2001:db8::/32","Action":"Accept","Description":"dns","ModifyTime":"","NetworkAclIpv6EntryId":"acli63-7whoqwek","Priority":1},{"Protocol":"all","Ipv6CidrBlock":"::/0","Action":"Accept","Description":"","ModifyTime":"","NetworkAclIpv6EntryId":"acli63-pwqzahcs","Priority":2},{"Protocol":"tcp","Port":"80-90","CidrBlock":"172.16.0.0/16","Action":"Accept","Description":"web","ModifyTime":"","NetworkAclIpv4EntryId":"acli43-dd0lxs1c","Priority":1},{"Protocol":"ICMP","Port":"ALL","CidrBlock":"192.168.1.7","Action":"DROP","Priority":2},{"Protocol":"all","CidrBlock":"0.0.0.0/0","Action":"Drop","Description":"","ModifyTime":"","NetworkAclIpv4EntryId":"acli43-ezxjnhgy","Priority":3}],"EgressEntries":[{"Protocol":"TCP","Port":"443","CidrBlock":"0.0.0.0/0","Action":"ACCEPT","Description":"https"},{"Protocol":"all","CidrBlock":"0.0.0.0/0","Action":"Drop","Description":""}]}],"TotalCount":1,"RequestId":"87c50ae4"}}`))
	// An older response: no type, no priorities, tccli's form without the
	// wrapper, and an ACL without entries.
	f.Add([]byte(`{"NetworkAclSet":[{"VpcId":"vpc-12345678","NetworkAclId":"acl-12345678","NetworkAclName":"test","CreatedTime":"2020-01-01 10:00:00","IngressEntries":[{"Protocol":"tcp","CidrBlock":"172.16.12.123/32","Action":"Accept","Description":"test","Port":"8080"},{"Protocol":"all","CidrBlock":"0.0.0.0/0","Action":"Drop","Description":""}],"EgressEntries":[]},{"NetworkAclId":"acl-2","IngressEntries":[],"EgressEntries":[]}],"TotalCount":2}`))
	// Quintuple entries, out of priority order, both directions, IPv6.
	f.Add([]byte(`{"Response":{"TotalCount":3,"NetworkAclQuintupleSet":[{"Protocol":"TCP","Description":"demo","SourcePort":"80","SourceCidr":"192.168.0.0/24","DestinationPort":"80","DestinationCidr":"192.168.0.0/24","Action":"ACCEPT","CreateTime":"2019-11-11 22:16:17","NetworkAclQuintupleEntryId":"acli45-q1phngkz","NetworkAclDirection":"EGRESS","Priority":2},{"Protocol":"udp","SourcePort":"53","SourceCidr":"10.0.0.2","DestinationPort":"1024-65535","DestinationCidr":"10.0.2.0/24","Action":"Accept","NetworkAclDirection":"ingress","Priority":1},{"Protocol":"ALL","SourceCidr":"::/0","DestinationCidr":"2001:db8::/32","Action":"DROP","NetworkAclDirection":"EGRESS","Priority":0}],"RequestId":"cccb2665"}}`))
	// Failed calls saved as the export.
	f.Add([]byte(`{"Response":{"Error":{"Code":"ResourceNotFound","Message":"no such acl"},"RequestId":"x"}}`))
	// Invalid: a quintuple ACL in DescribeNetworkAcls, a port list, a port
	// on ICMP, two CIDR blocks, out-of-order priorities, a numeric port, a
	// page of quintuple entries, a duplicate priority, ICMP on IPv6.
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"NetworkAclId":"acl-1","NetworkAclType":"QUINTUPLE","IngressEntries":[],"EgressEntries":[]}]}}`))
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"NetworkAclId":"acl-1","IngressEntries":[{"Protocol":"TCP","Port":"80,443","CidrBlock":"10.0.0.0/8","Action":"ACCEPT"}],"EgressEntries":[]}]}}`))
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"NetworkAclId":"acl-1","IngressEntries":[{"Protocol":"ICMP","Port":"8","CidrBlock":"10.0.0.0/8","Ipv6CidrBlock":"::/0","Action":"ACCEPT"}],"EgressEntries":[]}]}}`))
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"NetworkAclId":"acl-1","IngressEntries":[{"Protocol":"ALL","CidrBlock":"10.0.0.0/8","Action":"DROP","Priority":2},{"Protocol":"ALL","CidrBlock":"0.0.0.0/0","Action":"DROP","Priority":1}],"EgressEntries":[{"Protocol":"tcp","CidrBlock":"10.0.0.0/8","Action":"Accept","Port":8080}]}]}}`))
	f.Add([]byte(`{"Response":{"TotalCount":21,"NetworkAclQuintupleSet":[{"Protocol":"ALL","SourceCidr":"0.0.0.0/0","DestinationCidr":"0.0.0.0/0","Action":"DROP","NetworkAclDirection":"INGRESS","Priority":1}]}}`))
	f.Add([]byte(`{"NetworkAclQuintupleSet":[{"Protocol":"ALL","SourceCidr":"0.0.0.0/0","DestinationCidr":"0.0.0.0/0","Action":"DROP","NetworkAclDirection":"INGRESS","Priority":1},{"Protocol":"ICMP","SourceCidr":"::/0","DestinationCidr":"::/0","Action":"DROP","NetworkAclDirection":"INGRESS","Priority":1}]}`))
	// Truncated and non-JSON input.
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"NetworkAclId":"acl-1","IngressEntries":[{"Proto`))
	f.Add([]byte(`NetworkAclSet: []`))
	opts := []cmp.Option{cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) }),
		cmpopts.IgnoreFields(sgsim.Origin{}, "Path"), cmpopts.EquateEmpty()}
	check := func(t *testing.T, what string, gs []sgsim.Group, doc string) {
		for _, g := range gs {
			for _, r := range g.Rules {
				if err := r.Validate(); err != nil {
					t.Fatalf("%s returned an invalid rule %v: %v", what, r, err)
				}
				if o := r.Origin; o.Vendor != "tencent" || o.Document != doc || o.Record != r.ID || o.Path == "" {
					t.Fatalf("%s: rule %v has origin %+v", what, r, o)
				}
			}
		}
		if _, err := sgsim.NewLinear(sgsim.ACL, gs...); err != nil {
			t.Fatalf("%s returned ACLs invalid under ACL semantics: %v", what, err)
		}
	}
	isTencent := func(t *testing.T, what string, err error) {
		var te *tencent.Error
		if !errors.As(err, &te) {
			t.Fatalf("%s error %T %v; want *tencent.Error", what, err, err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if gs, err := tencent.ReadNetworkAcls(bytes.NewReader(data)); err != nil {
			isTencent(t, "ReadNetworkAcls", err)
		} else {
			check(t, "ReadNetworkAcls", gs, tencent.DocNetworkAcls)
			var b bytes.Buffer
			if err := tencent.WriteNetworkAcls(&b, gs); err != nil {
				t.Fatalf("ReadNetworkAcls ok but WriteNetworkAcls fails: %v", err)
			}
			back, err := tencent.ReadNetworkAcls(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("reading the written ACLs: %v\n%s", err, b.String())
			}
			if d := cmp.Diff(gs, back, opts...); d != "" {
				t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
			}
		}
		g, err := tencent.ReadNetworkAclQuintupleEntries(bytes.NewReader(data), "acl-fuzz")
		if err != nil {
			isTencent(t, "ReadNetworkAclQuintupleEntries", err)
			return
		}
		check(t, "ReadNetworkAclQuintupleEntries", []sgsim.Group{g}, tencent.DocQuintuple)
		var b bytes.Buffer
		if err := tencent.WriteNetworkAclQuintupleEntries(&b, g); err != nil {
			t.Fatalf("ReadNetworkAclQuintupleEntries ok but WriteNetworkAclQuintupleEntries fails: %v", err)
		}
		back, err := tencent.ReadNetworkAclQuintupleEntries(bytes.NewReader(b.Bytes()), "acl-fuzz")
		if err != nil {
			t.Fatalf("reading the written entries: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(g, back, opts...); d != "" {
			t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
		}
	})
}
