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

// FuzzAlibabaGroup feeds arbitrary bytes to alibaba.ReadSecurityGroup and
// ReadSecurityGroups: they must never panic, must fail only with an
// *alibaba.Error, every rule they read must validate and carry its
// Origin, and whatever they read must be written by
// WriteSecurityGroup / WriteSecurityGroups and read back equal.
//
// The seeds are built from the documented field names of the ECS
// DescribeSecurityGroupAttribute response (alibabacloud-go ecs-20140526
// DescribeSecurityGroupAttributeResponseBody), with made-up values.
func FuzzAlibabaGroup(f *testing.F) {
	// A basic group: SSH from anywhere, all-protocol access from the master
	// group (priority as a number, lower-case policy).
	f.Add([]byte(`{"RequestId":"473469C7","RegionId":"cn-hangzhou","SecurityGroupId":"sg-bp1worker","SecurityGroupName":"ack-worker","VpcId":"vpc-1","InnerAccessPolicy":"Accept","Permissions":{"Permission":[{"SecurityGroupRuleId":"sgr-1","Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourcePortRange":"","SourceCidrIp":"0.0.0.0/0","DestCidrIp":"","Ipv6SourceCidrIp":"","Ipv6DestCidrIp":"","SourceGroupId":"","DestGroupId":"","SourcePrefixListId":"","DestPrefixListId":"","Policy":"Accept","Priority":"1","NicType":"intranet","Description":"ssh"},{"SecurityGroupRuleId":"sgr-2","Direction":"ingress","IpProtocol":"ALL","PortRange":"-1/-1","SourceGroupId":"sg-bp1master","Policy":"accept","Priority":2,"NicType":"intranet"}]}}`))
	// Quintuple rule (DestCidrIp on ingress, SourcePortRange), IPv6 drop,
	// egress prefix list, protocol number, InnerAccessPolicy Drop.
	f.Add([]byte(`{"SecurityGroupId":"sg-2","InnerAccessPolicy":"Drop","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"udp","PortRange":"53/53","SourcePortRange":"1024/65535","SourceCidrIp":"172.16.0.0/12","DestCidrIp":"172.16.3.4","Policy":"Accept","Priority":"5"},{"Direction":"ingress","IpProtocol":"ICMPv6","PortRange":"-1/-1","Ipv6SourceCidrIp":"2001:db8::/32","Policy":"Drop","Priority":"100"},{"Direction":"egress","IpProtocol":"TCP","PortRange":"1/65535","DestPrefixListId":"pl-x1","Policy":"Drop","Priority":""},{"Direction":"egress","IpProtocol":"47","PortRange":"-1/-1","DestCidrIp":"10.0.0.0/8","Policy":"Accept","Priority":"3"}]}}`))
	// Two groups attached to one ENI, as an array.
	f.Add([]byte(`[{"SecurityGroupId":"sg-a","InnerAccessPolicy":"Accept","Permissions":{"Permission":[{"Direction":"egress","IpProtocol":"ALL","PortRange":"-1/-1","DestCidrIp":"0.0.0.0/0","Policy":"Accept","Priority":"1"}]}},{"SecurityGroupId":"sg-b","InnerAccessPolicy":"Drop","Permissions":{"Permission":[]}}]`))
	// Invalid: "80-", "0/65536", priority "abc", port on ICMP, truncated.
	f.Add([]byte(`{"SecurityGroupId":"s","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"TCP","PortRange":"80-","Policy":"Accept","Priority":"1"}]}}`))
	f.Add([]byte(`{"SecurityGroupId":"s","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"TCP","PortRange":"0/65536","Policy":"Accept","Priority":"abc"}]}}`))
	f.Add([]byte(`{"SecurityGroupId":"s","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"ICMP","PortRange":"8/8","Policy":"Drop","Priority":"1"}]}}`))
	f.Add([]byte(`{"SecurityGroupId":"s","Permissions":{"Permission":[{"Direction":"ingr`))
	opts := []cmp.Option{cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) }), cmpopts.EquateEmpty()}
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
	valid := func(t *testing.T, gs ...sgsim.Group) {
		for _, g := range gs {
			for _, r := range g.Rules {
				if err := r.Validate(); err != nil {
					t.Fatalf("group %q: invalid rule %v: %v", g.ID, r, err)
				}
				if o := r.Origin; o.Vendor != "alibaba" || o.Document != alibaba.DocGroup || o.Record != r.ID || o.Path == "" {
					t.Fatalf("group %q: rule %v has origin %+v", g.ID, r, o)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if g, err := alibaba.ReadSecurityGroup(bytes.NewReader(data)); check(t, err) {
			valid(t, g)
			var b bytes.Buffer
			if err := alibaba.WriteSecurityGroup(&b, g); err != nil {
				t.Fatalf("ReadSecurityGroup ok but WriteSecurityGroup fails: %v", err)
			}
			back, err := alibaba.ReadSecurityGroup(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("reading the written group: %v\n%s", err, b.String())
			}
			if d := cmp.Diff(g, back, opts...); d != "" {
				t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
			}
		}
		if gs, err := alibaba.ReadSecurityGroups(bytes.NewReader(data)); check(t, err) {
			valid(t, gs...)
			var b bytes.Buffer
			if err := alibaba.WriteSecurityGroups(&b, gs); err != nil {
				t.Fatalf("ReadSecurityGroups ok but WriteSecurityGroups fails: %v", err)
			}
			back, err := alibaba.ReadSecurityGroups(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("reading the written groups: %v\n%s", err, b.String())
			}
			if d := cmp.Diff(gs, back, opts...); d != "" {
				t.Fatalf("read, write, read differs (-first +second):\n%s\n%s", d, b.String())
			}
		}
	})
}
