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

// FuzzTencentPolicies feeds arbitrary bytes to tencent.ReadPolicies: it
// must never panic, must fail only with a *tencent.Error, every rule it
// reads must validate and carry its Origin, and whatever it reads must be
// written by tencent.WritePolicies and read back equal. The
// writer always adds the "Response" wrapper, so Origin.Path is left out of
// the comparison.
//
// The seeds are built from the documented field names of the VPC
// DescribeSecurityGroupPolicies response (tencentcloud-sdk-go vpc
// v20170312 SecurityGroupPolicySet and SecurityGroupPolicy), with made-up
// values.
func FuzzTencentPolicies(f *testing.F) {
	// A TKE node group: a port list from the VPC, NodePorts from a
	// "0.0.0.0/8" CidrBlock (read as 0.0.0.0/0), the master group, and an
	// address template group, then a final drop.
	f.Add([]byte(`{"Response":{"SecurityGroupPolicySet":{"Version":"14","Ingress":[{"PolicyIndex":0,"Protocol":"TCP","Port":"22,80,443","ServiceTemplate":{"ServiceId":"","ServiceGroupId":""},"CidrBlock":"10.0.0.0/16","Ipv6CidrBlock":"","SecurityGroupId":"","AddressTemplate":{"AddressId":"","AddressGroupId":""},"Action":"ACCEPT","PolicyDescription":"node access","ModifyTime":"2024-05-01 08:00:00"},{"PolicyIndex":1,"Protocol":"udp","Port":"30000-32768","CidrBlock":"0.0.0.0/8","Action":"accept","PolicyDescription":"NodePort"},{"PolicyIndex":2,"Protocol":"ALL","Port":"ALL","SecurityGroupId":"sg-master01","Action":"ACCEPT"},{"PolicyIndex":3,"Protocol":"ICMP","Port":"all","AddressTemplate":{"AddressId":"","AddressGroupId":"ipmg-2uw6ujo6"},"Action":"DROP"},{"PolicyIndex":4,"Protocol":"ALL","Port":"ALL","CidrBlock":"0.0.0.0/0","Action":"DROP"}],"Egress":[{"PolicyIndex":0,"Protocol":"ICMPv6","Port":"ALL","Ipv6CidrBlock":"2001:db8::/32","Action":"ACCEPT"}]},"RequestId":"1c6c9d2a"}}`))
	// tccli's form without the Response wrapper, an address template.
	f.Add([]byte(`{"SecurityGroupPolicySet":{"Egress":[{"PolicyIndex":0,"Protocol":"TCP","Port":"443","AddressTemplate":{"AddressId":"ipm-2uw6ujo6","AddressGroupId":""},"Action":"ACCEPT"}]}}`))
	// A failed call saved as the export.
	f.Add([]byte(`{"Response":{"Error":{"Code":"InvalidSecurityGroupID.NotFound","Message":"no such group"},"RequestId":"x"}}`))
	// Invalid: a service template, "80-", two sources, duplicate indexes,
	// port on ICMP, truncated.
	f.Add([]byte(`{"Response":{"SecurityGroupPolicySet":{"Ingress":[{"PolicyIndex":0,"ServiceTemplate":{"ServiceId":"ppm-f5n1f8da"},"CidrBlock":"10.0.0.0/8","Action":"ACCEPT"}]}}}`))
	f.Add([]byte(`{"Response":{"SecurityGroupPolicySet":{"Ingress":[{"PolicyIndex":0,"Protocol":"TCP","Port":"80-","CidrBlock":"10.0.0.0/8","SecurityGroupId":"sg-1","Action":"ACCEPT"}]}}}`))
	f.Add([]byte(`{"Response":{"SecurityGroupPolicySet":{"Ingress":[{"PolicyIndex":1,"Protocol":"ALL","Action":"DROP"},{"PolicyIndex":1,"Protocol":"ICMP","Port":"8","Action":"DROP"}]}}}`))
	f.Add([]byte(`{"Response":{"SecurityGroupPolicySet":{"Ingress":[{"PolicyIndex":0,"Proto`))
	opts := []cmp.Option{cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) }),
		cmpopts.IgnoreFields(sgsim.Origin{}, "Path"), cmpopts.EquateEmpty()}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := tencent.ReadPolicies(bytes.NewReader(data), "sg-fuzz")
		if err != nil {
			var te *tencent.Error
			if !errors.As(err, &te) {
				t.Fatalf("ReadPolicies error %T %v; want *tencent.Error", err, err)
			}
			return
		}
		for _, r := range g.Rules {
			if err := r.Validate(); err != nil {
				t.Fatalf("ReadPolicies returned an invalid rule %v: %v", r, err)
			}
			if o := r.Origin; o.Vendor != "tencent" || o.Document != tencent.DocPolicies || o.Record != r.ID || o.Path == "" {
				t.Fatalf("rule %v has origin %+v", r, o)
			}
		}
		var b bytes.Buffer
		if err := tencent.WritePolicies(&b, g); err != nil {
			t.Fatalf("ReadPolicies ok but WritePolicies fails: %v", err)
		}
		back, err := tencent.ReadPolicies(bytes.NewReader(b.Bytes()), "sg-fuzz")
		if err != nil {
			t.Fatalf("reading the written policies: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(g, back, opts...); d != "" {
			t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
		}
	})
}
