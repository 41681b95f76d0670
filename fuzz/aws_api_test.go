package fuzz

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/sgsim"
)

// awsRoundTrip checks that groups read from a document write out and read
// back the same (Origin aside: paths and document names change).
func awsRoundTrip(t *testing.T, gs []sgsim.Group, write func(*bytes.Buffer, []sgsim.Group) error, read func(*bytes.Buffer) ([]sgsim.Group, error)) {
	for _, g := range gs {
		for _, r := range g.Rules {
			if err := r.Validate(); err != nil {
				t.Fatalf("reader returned an invalid rule %v: %v", r, err)
			}
			if r.Origin.Path == "" {
				t.Fatalf("rule %v has no Origin.Path", r)
			}
		}
	}
	var b bytes.Buffer
	if err := write(&b, gs); err != nil {
		t.Fatalf("what was read does not write: %v", err)
	}
	back, err := read(&b)
	if err != nil {
		t.Fatalf("what was written does not read: %v\n%s", err, b.String())
	}
	if diff := cmp.Diff(gs, back, cmpopts.IgnoreFields(sgsim.Rule{}, "Origin"), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("round trip differs (-read +reread):\n%s", diff)
	}
}

// FuzzAWSRules: any bytes either fail to read as DescribeSecurityGroupRules
// with an error, or read to groups that write and read back the same. A
// successful read of a DescribeSecurityGroups document must validate too.
func FuzzAWSRules(f *testing.F) {
	// Every remote kind, two groups interleaved.
	f.Add([]byte(`{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"},{"SecurityGroupRuleId":"sgr-2","GroupId":"sg-2","IsEgress":true,"IpProtocol":"-1","FromPort":-1,"ToPort":-1,"CidrIpv6":"::/0"},{"GroupId":"sg-1","IpProtocol":"udp","FromPort":53,"ToPort":53,"PrefixListId":"pl-1"},{"GroupId":"sg-1","IpProtocol":"-1","ReferencedGroupInfo":{"GroupId":"sg-1"}}]}`))
	// ICMP type without code, ICMPv6 type and code, a protocol number.
	f.Add([]byte(`{"SecurityGroupRules":[{"GroupId":"sg-1","IpProtocol":"icmp","FromPort":8,"ToPort":-1,"CidrIpv4":"0.0.0.0/0"},{"GroupId":"sg-1","IpProtocol":"icmpv6","FromPort":1,"ToPort":4,"CidrIpv6":"2001:db8::/32"},{"GroupId":"sg-1","IpProtocol":"50","CidrIpv4":"192.0.2.0/24"}]}`))
	// Invalid: port out of range, bad prefix, two remotes, unknown protocol.
	f.Add([]byte(`{"SecurityGroupRules":[{"GroupId":"sg-1","IpProtocol":"tcp","FromPort":70000,"ToPort":70000,"CidrIpv4":"10.0.0.0/8"}]}`))
	f.Add([]byte(`{"SecurityGroupRules":[{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.0/33"}]}`))
	f.Add([]byte(`{"SecurityGroupRules":[{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.0/8","PrefixListId":"pl-1"}]}`))
	f.Add([]byte(`{"SecurityGroupRules":[{"GroupId":"sg-1","IpProtocol":"sctp","CidrIpv4":"10.0.0.0/8"}]}`))
	// Truncated and non-JSON input.
	f.Add([]byte(`{"SecurityGroupRules":[{"GroupId":"sg-1",`))
	f.Add([]byte(`not json`))
	// A DescribeSecurityGroups document (also fed to ReadSecurityGroups).
	f.Add([]byte(`{"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","IpPermissions":[{"IpProtocol":"tcp","FromPort":80,"ToPort":81,"IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":"10.1.0.0/16"}],"UserIdGroupPairs":[{"GroupId":"sg-2"}]}],"IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if gs, err := aws.ReadSecurityGroups(bytes.NewReader(data)); err == nil {
			for _, g := range gs {
				for _, r := range g.Rules {
					if err := r.Validate(); err != nil {
						t.Fatalf("ReadSecurityGroups returned an invalid rule %v: %v", r, err)
					}
				}
			}
		}
		gs, err := aws.ReadSecurityGroupRules(bytes.NewReader(data))
		if err != nil {
			return
		}
		awsRoundTrip(t, gs,
			func(b *bytes.Buffer, gs []sgsim.Group) error { return aws.WriteSecurityGroupRules(b, gs) },
			func(b *bytes.Buffer) ([]sgsim.Group, error) { return aws.ReadSecurityGroupRules(b) })
	})
}

// FuzzAWSNetworkAcls: any bytes either fail to read as DescribeNetworkAcls
// with an error, or read to ACLs that validate under ACL semantics and
// write and read back the same.
func FuzzAWSNetworkAcls(f *testing.F) {
	// A custom ACL with IPv4 and IPv6 entries and the "*" entries the CLI lists.
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8","PortRange":{"From":22,"To":22}},{"RuleNumber":110,"Protocol":"1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8","IcmpTypeCode":{"Type":8,"Code":-1}},{"RuleNumber":120,"Protocol":"58","RuleAction":"deny","Egress":true,"Ipv6CidrBlock":"::/0","IcmpTypeCode":{"Type":-1,"Code":-1}},{"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":false,"CidrBlock":"0.0.0.0/0"},{"RuleNumber":32768,"Protocol":"-1","RuleAction":"deny","Egress":false,"Ipv6CidrBlock":"::/0"}]}]}`))
	// The default ACL: allow all both ways.
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-2","IsDefault":true,"Entries":[{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":true,"CidrBlock":"0.0.0.0/0"},{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}]}]}`))
	// Invalid: duplicate rule number, "*" that allows, ports on ICMP, named protocol.
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","CidrBlock":"10.0.0.0/8"},{"RuleNumber":100,"Protocol":"-1","RuleAction":"deny","CidrBlock":"10.0.0.0/8"}]}]}`))
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":32767,"Protocol":"-1","RuleAction":"allow","CidrBlock":"0.0.0.0/0"}]}]}`))
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":1,"Protocol":"1","RuleAction":"allow","CidrBlock":"10.0.0.0/8","PortRange":{"From":1,"To":2}}]}]}`))
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":1,"Protocol":"tcp","RuleAction":"allow","CidrBlock":"10.0.0.0/8"}]}]}`))
	// Truncated input.
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":1`))
	f.Fuzz(func(t *testing.T, data []byte) {
		gs, err := aws.ReadNetworkAcls(bytes.NewReader(data))
		if err != nil {
			return
		}
		if _, err := sgsim.NewLinear(sgsim.ACL, gs...); err != nil {
			t.Fatalf("read ACLs do not validate under ACL semantics: %v", err)
		}
		awsRoundTrip(t, gs,
			func(b *bytes.Buffer, gs []sgsim.Group) error { return aws.WriteNetworkAcls(b, gs) },
			func(b *bytes.Buffer) ([]sgsim.Group, error) { return aws.ReadNetworkAcls(b) })
	})
}
