package aws

import (
	"bytes"
	"fmt"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

func pfx(s string) sgsim.Addrs { return sgsim.PrefixAddrs(netip.MustParsePrefix(s)) }

func origin(doc, record, path string) sgsim.Origin {
	return sgsim.Origin{Vendor: "aws", Document: doc, Record: record, Path: path}
}

// The document below is written from the field names of the EC2 API
// reference for DescribeSecurityGroupRules / SecurityGroupRule (the CLI's
// PascalCase output), not captured from a live account. It covers every
// remote kind, both directions, the four named protocols, a protocol
// number, ICMP type/code wildcards and interleaved groups; GroupOwnerId,
// Tags and Description are there to show unknown or unused fields are
// ignored.
const rulesDoc = `{
    "SecurityGroupRules": [
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60001",
            "GroupId": "sg-0123456789abcdef0",
            "GroupOwnerId": "123456789012",
            "IsEgress": false,
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "CidrIpv4": "10.0.0.0/16",
            "Description": "HTTPS from the VPC",
            "Tags": []
        },
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60002",
            "GroupId": "sg-0123456789abcdef0",
            "GroupOwnerId": "123456789012",
            "IsEgress": false,
            "IpProtocol": "-1",
            "FromPort": -1,
            "ToPort": -1,
            "ReferencedGroupInfo": {"GroupId": "sg-0123456789abcdef0", "UserId": "123456789012"},
            "Tags": []
        },
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60003",
            "GroupId": "sg-0fedcba9876543210",
            "GroupOwnerId": "123456789012",
            "IsEgress": true,
            "IpProtocol": "-1",
            "FromPort": -1,
            "ToPort": -1,
            "CidrIpv6": "::/0",
            "Tags": []
        },
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60004",
            "GroupId": "sg-0123456789abcdef0",
            "IsEgress": false,
            "IpProtocol": "icmp",
            "FromPort": 8,
            "ToPort": -1,
            "CidrIpv4": "192.168.1.7/32"
        },
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60005",
            "GroupId": "sg-0123456789abcdef0",
            "IsEgress": false,
            "IpProtocol": "icmpv6",
            "FromPort": 1,
            "ToPort": 4,
            "CidrIpv6": "2001:db8::/32"
        },
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60006",
            "GroupId": "sg-0fedcba9876543210",
            "IsEgress": true,
            "IpProtocol": "udp",
            "FromPort": 1024,
            "ToPort": 65535,
            "PrefixListId": "pl-63a5400a"
        },
        {
            "SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60007",
            "GroupId": "sg-0fedcba9876543210",
            "IsEgress": false,
            "IpProtocol": "50",
            "FromPort": -1,
            "ToPort": -1,
            "CidrIpv4": "203.0.113.0/24"
        }
    ]
}`

func TestReadSecurityGroupRules(t *testing.T) {
	got, err := ReadSecurityGroupRules(strings.NewReader(rulesDoc))
	if err != nil {
		t.Fatal(err)
	}
	const d = docRules
	want := []sgsim.Group{
		{ID: "sg-0123456789abcdef0", Rules: []sgsim.Rule{
			{ID: "sgr-0a1b2c3d4e5f60001", Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.TCP,
				Src: pfx("10.0.0.0/16"), DstPorts: sgsim.Ports{sgsim.Port(443)},
				Origin: origin(d, "sgr-0a1b2c3d4e5f60001", "SecurityGroupRules[0]")},
			{ID: "sgr-0a1b2c3d4e5f60002", Action: sgsim.Allow, RemoteGroup: "sg-0123456789abcdef0",
				Origin: origin(d, "sgr-0a1b2c3d4e5f60002", "SecurityGroupRules[1]")},
			{ID: "sgr-0a1b2c3d4e5f60004", Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.ICMP,
				Src: pfx("192.168.1.7/32"), ICMP: sgsim.ICMPType(8),
				Origin: origin(d, "sgr-0a1b2c3d4e5f60004", "SecurityGroupRules[3]")},
			{ID: "sgr-0a1b2c3d4e5f60005", Action: sgsim.Allow, Family: sgsim.IPv6, Protocol: sgsim.ICMPv6,
				Src: pfx("2001:db8::/32"), ICMP: sgsim.ICMPTypeCode(1, 4),
				Origin: origin(d, "sgr-0a1b2c3d4e5f60005", "SecurityGroupRules[4]")},
		}},
		{ID: "sg-0fedcba9876543210", Rules: []sgsim.Rule{
			{ID: "sgr-0a1b2c3d4e5f60003", Direction: sgsim.Egress, Action: sgsim.Allow, Family: sgsim.IPv6,
				Dst: pfx("::/0"), Origin: origin(d, "sgr-0a1b2c3d4e5f60003", "SecurityGroupRules[2]")},
			{ID: "sgr-0a1b2c3d4e5f60006", Direction: sgsim.Egress, Action: sgsim.Allow, Protocol: sgsim.UDP,
				DstPorts: sgsim.Ports{{First: 1024, Last: 65535}}, RemoteList: "pl-63a5400a",
				Origin: origin(d, "sgr-0a1b2c3d4e5f60006", "SecurityGroupRules[5]")},
			{ID: "sgr-0a1b2c3d4e5f60007", Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.ESP,
				Src: pfx("203.0.113.0/24"), Origin: origin(d, "sgr-0a1b2c3d4e5f60007", "SecurityGroupRules[6]")},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("groups differ (-want +got):\n%s", diff)
	}
	// The groups are usable under Union once references are set aside.
	for _, g := range got {
		for _, r := range g.Rules {
			if err := r.Validate(); err != nil {
				t.Errorf("%v: %v", r, err)
			}
		}
	}
}

// Written from the DescribeSecurityGroups / IpPermission field names of
// the EC2 API reference: one ingress permission with two IPv4 ranges, an
// IPv6 range and a group pair becomes four rules; the egress permission is
// the default allow-all.
const groupsDoc = `{
    "SecurityGroups": [
        {
            "Description": "web tier",
            "GroupName": "web",
            "IpPermissions": [
                {
                    "FromPort": 80,
                    "IpProtocol": "tcp",
                    "IpRanges": [
                        {"CidrIp": "10.1.0.0/16", "Description": "office"},
                        {"CidrIp": "10.2.0.0/16"}
                    ],
                    "Ipv6Ranges": [{"CidrIpv6": "2001:db8:1::/48"}],
                    "PrefixListIds": [],
                    "ToPort": 81,
                    "UserIdGroupPairs": [{"GroupId": "sg-0aaaaaaaaaaaaaaaa", "UserId": "123456789012"}]
                }
            ],
            "OwnerId": "123456789012",
            "GroupId": "sg-0bbbbbbbbbbbbbbbb",
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [{"PrefixListId": "pl-02cd2c6b"}],
                    "UserIdGroupPairs": []
                }
            ],
            "VpcId": "vpc-0123456789abcdef0"
        }
    ]
}`

func TestReadSecurityGroups(t *testing.T) {
	got, err := ReadSecurityGroups(strings.NewReader(groupsDoc))
	if err != nil {
		t.Fatal(err)
	}
	const d = docGroups
	p := "SecurityGroups[0].IpPermissions[0]"
	e := "SecurityGroups[0].IpPermissionsEgress[0]"
	web := sgsim.Ports{{First: 80, Last: 81}}
	want := []sgsim.Group{{ID: "sg-0bbbbbbbbbbbbbbbb", Name: "web", Rules: []sgsim.Rule{
		{Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("10.1.0.0/16"), DstPorts: web, Origin: origin(d, "", p+".IpRanges[0]")},
		{Action: sgsim.Allow, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("10.2.0.0/16"), DstPorts: web, Origin: origin(d, "", p+".IpRanges[1]")},
		{Action: sgsim.Allow, Family: sgsim.IPv6, Protocol: sgsim.TCP, Src: pfx("2001:db8:1::/48"), DstPorts: web, Origin: origin(d, "", p+".Ipv6Ranges[0]")},
		{Action: sgsim.Allow, Protocol: sgsim.TCP, RemoteGroup: "sg-0aaaaaaaaaaaaaaaa", DstPorts: web, Origin: origin(d, "", p+".UserIdGroupPairs[0]")},
		{Direction: sgsim.Egress, Action: sgsim.Allow, Family: sgsim.IPv4, Dst: pfx("0.0.0.0/0"), Origin: origin(d, "", e+".IpRanges[0]")},
		{Direction: sgsim.Egress, Action: sgsim.Allow, RemoteList: "pl-02cd2c6b", Origin: origin(d, "", e+".PrefixListIds[0]")},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("groups differ (-want +got):\n%s", diff)
	}
}

// Written from the DescribeNetworkAcls / NetworkAclEntry field names of the
// EC2 API reference, shaped like the CLI output of a custom ACL in a VPC
// with IPv6: the "*" entries 32767 and 32768 are listed and dropped.
const aclDoc = `{
    "NetworkAcls": [
        {
            "Associations": [{"NetworkAclAssociationId": "aclassoc-0a1b2c3d", "NetworkAclId": "acl-0123456789abcdef0", "SubnetId": "subnet-0a1b2c3d"}],
            "Entries": [
                {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "6", "PortRange": {"From": 1024, "To": 65535}, "RuleAction": "allow", "RuleNumber": 100},
                {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
                {"Egress": true, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32768},
                {"CidrBlock": "198.51.100.0/24", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 90},
                {"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "6", "PortRange": {"From": 22, "To": 22}, "RuleAction": "allow", "RuleNumber": 100},
                {"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "1", "IcmpTypeCode": {"Code": -1, "Type": 8}, "RuleAction": "allow", "RuleNumber": 110},
                {"Egress": false, "Ipv6CidrBlock": "2001:db8::/32", "Protocol": "58", "IcmpTypeCode": {"Code": -1, "Type": -1}, "RuleAction": "allow", "RuleNumber": 120},
                {"Egress": false, "Ipv6CidrBlock": "2001:db8::/32", "Protocol": "17", "RuleAction": "allow", "RuleNumber": 130},
                {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
                {"Egress": false, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32768}
            ],
            "IsDefault": false,
            "NetworkAclId": "acl-0123456789abcdef0",
            "Tags": [{"Key": "Name", "Value": "private"}],
            "VpcId": "vpc-0123456789abcdef0",
            "OwnerId": "123456789012"
        }
    ]
}`

func TestReadNetworkAcls(t *testing.T) {
	got, err := ReadNetworkAcls(strings.NewReader(aclDoc))
	if err != nil {
		t.Fatal(err)
	}
	const d = docACLs
	e := func(i int) sgsim.Origin { return origin(d, "", fmt.Sprintf("NetworkAcls[0].Entries[%d]", i)) }
	want := []sgsim.Group{{ID: "acl-0123456789abcdef0", Rules: []sgsim.Rule{
		{Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 100, Family: sgsim.IPv4, Protocol: sgsim.TCP,
			Dst: pfx("0.0.0.0/0"), DstPorts: sgsim.Ports{{First: 1024, Last: 65535}}, Origin: e(0)},
		{Action: sgsim.Deny, Priority: 90, Family: sgsim.IPv4, Src: pfx("198.51.100.0/24"), Origin: e(3)},
		{Action: sgsim.Allow, Priority: 100, Family: sgsim.IPv4, Protocol: sgsim.TCP, Src: pfx("10.0.0.0/8"),
			DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: e(4)},
		{Action: sgsim.Allow, Priority: 110, Family: sgsim.IPv4, Protocol: sgsim.ICMP, Src: pfx("10.0.0.0/8"),
			ICMP: sgsim.ICMPType(8), Origin: e(5)},
		{Action: sgsim.Allow, Priority: 120, Family: sgsim.IPv6, Protocol: sgsim.ICMPv6, Src: pfx("2001:db8::/32"), Origin: e(6)},
		{Action: sgsim.Allow, Priority: 130, Family: sgsim.IPv6, Protocol: sgsim.UDP, Src: pfx("2001:db8::/32"), Origin: e(7)},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("groups differ (-want +got):\n%s", diff)
	}
	// The ACL compiles under ACL semantics and decides as the rules say:
	// rule 90 denies before anything else, SSH from 10/8 passes, the rest
	// falls to the default deny.
	c, err := sgsim.Compile(sgsim.ACL, got...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flow  string
		allow bool
	}{
		{"tcp 10.1.2.3:40000 -> 10.9.0.1:22", true},
		{"tcp 10.1.2.3:40000 -> 10.9.0.1:23", false},
		{"icmp 10.1.2.3 -> 10.9.0.1 type 8 code 0", true},
		{"tcp 198.51.100.9:40000 -> 10.9.0.1:22", false},
	} {
		if v := c.Check(sgsim.Ingress, sgsim.MustParseFlow(tc.flow)); v.Allowed() != tc.allow {
			t.Errorf("%s: %v, want allow=%v", tc.flow, v, tc.allow)
		}
	}
}

// rulesWith wraps one record in a DescribeSecurityGroupRules document at
// index 3, after three good records, so that errors name index 3.
func rulesWith(rec string) string {
	good := `{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.0/8"}`
	return `{"SecurityGroupRules":[` + good + "," + good + "," + good + "," + rec + `]}`
}

func TestReadSecurityGroupRulesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", ``, `aws: (document): empty input`},
		{"not json", `SecurityGroupRules: []`, `aws: (document): invalid JSON (byte offset 1): invalid character 'S' looking for beginning of value`},
		{"truncated", `{"SecurityGroupRules":[{"GroupId":"sg-1",`, `aws: (document): invalid JSON (byte offset 41): unexpected end of JSON input`},
		{"trailing", `{"SecurityGroupRules":[]} {}`, `aws: (document): invalid JSON (byte offset 27): invalid character '{' after top-level value`},
		{"array", `[]`, `aws: (document): array: want an object`},
		{"other document", `{"SecurityGroups":[]}`, `aws: SecurityGroupRules: missing: not a document with SecurityGroupRules`},
		{"null list", `{"SecurityGroupRules":null}`, `aws: SecurityGroupRules: null: want an array`},
		{"record not object", `{"SecurityGroupRules":[1]}`, `aws: SecurityGroupRules[0]: number: want an object`},
		{"port out of range", rulesWith(`{"GroupId":"sg-1","IpProtocol":"tcp","FromPort":70000,"ToPort":70000,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].FromPort: 70000: out of range 0-65535 (a tcp rule gives its port range; every port is 0-65535)`},
		{"port not a number", rulesWith(`{"GroupId":"sg-1","IpProtocol":"tcp","FromPort":"22","ToPort":22,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].FromPort: string: want an integer`},
		{"ports reversed", rulesWith(`{"GroupId":"sg-1","IpProtocol":"udp","FromPort":53,"ToPort":52,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].ToPort: 52: below FromPort 53`},
		{"one port -1", rulesWith(`{"GroupId":"sg-1","IpProtocol":"tcp","FromPort":22,"ToPort":-1,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].ToPort: -1: out of range 0-65535 (a tcp rule gives its port range; every port is 0-65535)`},
		// The AWS CLI's published example output of an ICMP rule
		// (authorize-security-group-ingress, example 3) says "tcp" with -1
		// and -1: it was read as every TCP port.
		{"tcp -1", rulesWith(`{"GroupId":"sg-1","IpProtocol":"tcp","FromPort":-1,"ToPort":-1,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].FromPort: -1: out of range 0-65535 (a tcp rule gives its port range; every port is 0-65535)`},
		{"udp without ports", rulesWith(`{"GroupId":"sg-1","IpProtocol":"udp","CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].FromPort: missing (a udp rule gives its port range; every port is 0-65535)`},
		{"bad prefix length", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.0/33"}`),
			`aws: SecurityGroupRules[3].CidrIpv4: "10.0.0.0/33": not a CIDR block: prefix length out of range`},
		// netip's "ParsePrefix(...): ParseAddr(...): " lead would name
		// the value twice more.
		{"bad address", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.256/8"}`),
			`aws: SecurityGroupRules[3].CidrIpv4: "10.0.0.256/8": not a CIDR block: IPv4 field has value >255`},
		{"host bits", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.1/8"}`),
			`aws: SecurityGroupRules[3].CidrIpv4: "10.0.0.1/8": host bits set; did you mean 10.0.0.0/8?`},
		{"v6 in CidrIpv4", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"::/0"}`),
			`aws: SecurityGroupRules[3].CidrIpv4: "::/0": not an IPv4 CIDR block`},
		{"unknown protocol", rulesWith(`{"GroupId":"sg-1","IpProtocol":"sctp","CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].IpProtocol: "sctp": unknown protocol: want tcp, udp, icmp, icmpv6, -1 or a number 0-255`},
		{"protocol number too big", rulesWith(`{"GroupId":"sg-1","IpProtocol":"256","CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].IpProtocol: "256": unknown protocol: want tcp, udp, icmp, icmpv6, -1 or a number 0-255`},
		{"missing protocol", rulesWith(`{"GroupId":"sg-1","CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].IpProtocol: "": unknown protocol: want tcp, udp, icmp, icmpv6, -1 or a number 0-255`},
		{"ports on any protocol", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].FromPort: 22: protocol any has no ports or ICMP type (want -1)`},
		{"ports on gre", rulesWith(`{"GroupId":"sg-1","IpProtocol":"47","FromPort":-1,"ToPort":5,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].ToPort: 5: protocol gre has no ports or ICMP code (want -1)`},
		{"icmp code without type", rulesWith(`{"GroupId":"sg-1","IpProtocol":"icmp","FromPort":-1,"ToPort":0,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].ToPort: 0: an ICMP code needs a type`},
		{"icmp type too big", rulesWith(`{"GroupId":"sg-1","IpProtocol":"icmp","FromPort":256,"ToPort":-1,"CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].FromPort: 256: ICMP type out of range 0-255 (-1 for any)`},
		{"icmp with v6 block", rulesWith(`{"GroupId":"sg-1","IpProtocol":"icmp","CidrIpv6":"::/0"}`),
			`aws: SecurityGroupRules[3]: protocol "icmp": ICMP in an IPv6 rule; use icmpv6`},
		{"two remotes", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","CidrIpv4":"10.0.0.0/8","PrefixListId":"pl-1"}`),
			`aws: SecurityGroupRules[3]: two remotes (CidrIpv4 "10.0.0.0/8", PrefixListId "pl-1"); a rule has exactly one`},
		{"no remote", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1"}`),
			`aws: SecurityGroupRules[3]: no remote: want one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo`},
		{"empty referenced group", rulesWith(`{"GroupId":"sg-1","IpProtocol":"-1","ReferencedGroupInfo":{}}`),
			`aws: SecurityGroupRules[3].ReferencedGroupInfo.GroupId: "": missing or empty`},
		{"no group id", rulesWith(`{"IpProtocol":"-1","CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].GroupId: "": missing or empty`},
		{"IsEgress not bool", rulesWith(`{"GroupId":"sg-1","IsEgress":"yes","IpProtocol":"-1","CidrIpv4":"10.0.0.0/8"}`),
			`aws: SecurityGroupRules[3].IsEgress: string: want true or false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs, err := ReadSecurityGroupRules(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; groups %v", gs)
			}
			if profiletest.ErrText(err) != tc.want {
				t.Fatalf("error\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestReadSecurityGroupsErrors(t *testing.T) {
	wrap := func(perm string) string {
		return `{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[` + perm + `]}]}`
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"no source", wrap(`{"IpProtocol":"tcp","FromPort":22,"ToPort":22}`),
			`aws: SecurityGroups[0].IpPermissions[0]: no source: want IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs`},
		{"bad second range", wrap(`{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":"10.0.0.0/33"}]}`),
			`aws: SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp: "10.0.0.0/33": not a CIDR block: prefix length out of range`},
		{"range not a string", wrap(`{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":5}]}`),
			`aws: SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp: number: want a string`},
		{"range not an object", wrap(`{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"Ipv6Ranges":["::/0"]}`),
			`aws: SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0]: string: want an object`},
		{"null range", wrap(`{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"PrefixListIds":[null]}`),
			`aws: SecurityGroups[0].IpPermissions[0].PrefixListIds[0].PrefixListId: "": missing or empty`},
		{"empty group pair", wrap(`{"IpProtocol":"-1","UserIdGroupPairs":[{"UserId":"1"}]}`),
			`aws: SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId: "": missing or empty`},
		{"unknown protocol", wrap(`{"IpProtocol":"all","IpRanges":[{"CidrIp":"10.0.0.0/8"}]}`),
			`aws: SecurityGroups[0].IpPermissions[0].IpProtocol: "all": unknown protocol: want tcp, udp, icmp, icmpv6, -1 or a number 0-255`},
		{"duplicate group", `{"SecurityGroups":[{"GroupId":"sg-1"},{"GroupId":"sg-1"}]}`,
			`aws: SecurityGroups[1].GroupId: "sg-1": duplicate group`},
		{"permissions not a list", `{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":{}}]}`,
			`aws: SecurityGroups[0].IpPermissions: object: want an array`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSecurityGroups(strings.NewReader(tc.in))
			if err == nil || profiletest.ErrText(err) != tc.want {
				t.Fatalf("error\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestReadNetworkAclsErrors(t *testing.T) {
	wrap := func(entry string) string {
		return `{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[` + entry + `]}]}`
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"named protocol", wrap(`{"RuleNumber":100,"Protocol":"tcp","RuleAction":"allow","CidrBlock":"10.0.0.0/8"}`),
			`aws: NetworkAcls[0].Entries[0].Protocol: "tcp": unknown protocol: want -1 or a number 0-255`},
		{"unknown action", wrap(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"accept","CidrBlock":"10.0.0.0/8"}`),
			`aws: NetworkAcls[0].Entries[0].RuleAction: "accept": want allow or deny`},
		{"rule number 0", wrap(`{"RuleNumber":0,"Protocol":"-1","RuleAction":"allow","CidrBlock":"10.0.0.0/8"}`),
			`aws: NetworkAcls[0].Entries[0].RuleNumber: 0: out of range 1-32766`},
		{"missing rule number", wrap(`{"Protocol":"-1","RuleAction":"allow","CidrBlock":"10.0.0.0/8"}`),
			`aws: NetworkAcls[0].Entries[0].RuleNumber: missing`},
		{"default that allows", wrap(`{"RuleNumber":32767,"Protocol":"-1","RuleAction":"allow","CidrBlock":"0.0.0.0/0"}`),
			`aws: NetworkAcls[0].Entries[0].RuleNumber: 32767: reserved for the default "*" entry, which denies everything; this entry does not`},
		{"duplicate number", wrap(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","CidrBlock":"10.0.0.0/8"},{"RuleNumber":100,"Protocol":"-1","RuleAction":"deny","CidrBlock":"10.0.0.0/8"}`),
			`aws: NetworkAcls[0].Entries[1].RuleNumber: 100: duplicate rule number in the ingress entries`},
		{"ports on icmp", wrap(`{"RuleNumber":100,"Protocol":"1","RuleAction":"allow","CidrBlock":"10.0.0.0/8","PortRange":{"From":1,"To":2}}`),
			`aws: NetworkAcls[0].Entries[0].PortRange: {"From":1,"To":2}: protocol icmp has no ports`},
		{"icmp on tcp", wrap(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","CidrBlock":"10.0.0.0/8","IcmpTypeCode":{"Type":8,"Code":0}}`),
			`aws: NetworkAcls[0].Entries[0].IcmpTypeCode: {"Type":8,"Code":0}: protocol tcp has no ICMP type or code`},
		{"port out of range", wrap(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","CidrBlock":"10.0.0.0/8","PortRange":{"From":1,"To":65536}}`),
			`aws: NetworkAcls[0].Entries[0].PortRange.To: 65536: out of range 0-65535 (a tcp rule gives its port range; every port is 0-65535)`},
		{"half port range", wrap(`{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","CidrBlock":"10.0.0.0/8","PortRange":{"From":1}}`),
			`aws: NetworkAcls[0].Entries[0].PortRange: {"From":1}: want From and To`},
		{"two blocks", wrap(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","CidrBlock":"10.0.0.0/8","Ipv6CidrBlock":"::/0"}`),
			`aws: NetworkAcls[0].Entries[0]: two remotes (CidrBlock "10.0.0.0/8", Ipv6CidrBlock "::/0"); an entry has exactly one`},
		{"bad v6 block", wrap(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Ipv6CidrBlock":"2001:db8::/129"}`),
			`aws: NetworkAcls[0].Entries[0].Ipv6CidrBlock: "2001:db8::/129": not a CIDR block: prefix length out of range`},
		{"no block", wrap(`{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow"}`),
			`aws: NetworkAcls[0].Entries[0]: no CidrBlock or Ipv6CidrBlock`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNetworkAcls(strings.NewReader(tc.in))
			if err == nil || profiletest.ErrText(err) != tc.want {
				t.Fatalf("error\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestWriteRefuses(t *testing.T) {
	for _, tc := range []struct {
		rule, want string
	}{
		{"ingress deny tcp 22 from 10.0.0.0/8", `AWS security groups have allow rules only`},
		{"ingress allow tcp 22,80 from 10.0.0.0/8", `several port ranges in one rule cannot be expressed; split the rule`},
		{"ingress allow tcp 22 from 10.0.0.1-10.0.0.5", `the remote must be exactly one CIDR block, a group or a prefix list`},
		{"ingress allow tcp 22", `the remote must be exactly one CIDR block, a group or a prefix list`},
		{"ingress allow tcp 22 from 10.0.0.0/8 to 10.1.0.0/16", `restricts the local side; AWS rules restrict the remote only`},
		{"ingress allow tcp 22 from 10.0.0.0/8 sport 1024-65535", `source ports cannot be expressed`},
		{"ingress allow sctp 22 from 10.0.0.0/8", `AWS matches every port of protocol sctp`},
		{"ingress allow tcp from group sg-2 ipv4", `a group reference cannot be restricted to one family`},
	} {
		g := []sgsim.Group{{ID: "sg-1", Rules: []sgsim.Rule{sgsim.MustParseRule(tc.rule)}}}
		var b bytes.Buffer
		err := WriteSecurityGroupRules(&b, g)
		if err == nil || !strings.HasSuffix(err.Error(), ": "+tc.want) {
			t.Errorf("%s: error %v, want one ending %q", tc.rule, err, tc.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %q before failing", tc.rule, b.String())
		}
	}
	g := []sgsim.Group{{ID: "acl-1", Rules: []sgsim.Rule{
		sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8 priority 100"),
		sgsim.MustParseRule("ingress deny any from 10.0.0.0/8 priority 100"),
	}}}
	err := WriteNetworkAcls(&bytes.Buffer{}, g)
	want := `aws: group "acl-1" rule 1: "ingress deny any from 10.0.0.0/8 priority 100": rule number 100 used twice in one direction`
	if err == nil || err.Error() != want {
		t.Errorf("duplicate rule number: error %v, want %s", err, want)
	}
}

// TestWriteNetworkAclsDefault checks that the writer adds the "*" entries
// the way the CLI shows them and that the reader drops them again.
func TestWriteNetworkAclsDefault(t *testing.T) {
	gs := []sgsim.Group{{ID: "acl-1", Rules: []sgsim.Rule{
		sgsim.MustParseRule("ingress allow tcp 443 from 2001:db8::/32 ipv6 priority 10"),
	}}}
	var b bytes.Buffer
	if err := WriteNetworkAcls(&b, gs); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"RuleNumber": 32767`, `"RuleNumber": 32768`, `"Ipv6CidrBlock": "::/0"`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("output lacks %s:\n%s", s, b.String())
		}
	}
	back, err := ReadNetworkAcls(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(gs, back, cmpopts.IgnoreFields(sgsim.Rule{}, "Origin")); diff != "" {
		t.Fatalf("round trip differs:\n%s", diff)
	}
}

// ----- round trip -----

func genPrefix(t *rapid.T, v6 bool, label string) netip.Prefix {
	if v6 {
		a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, byte(rapid.IntRange(0, 255).Draw(t, label+" byte")), 15: byte(rapid.IntRange(0, 255).Draw(t, label+" low"))})
		return netip.PrefixFrom(a, rapid.SampledFrom([]int{0, 32, 48, 64, 127, 128}).Draw(t, label+" bits")).Masked()
	}
	a := netip.AddrFrom4([4]byte{10, byte(rapid.IntRange(0, 255).Draw(t, label+" byte")), 0, byte(rapid.IntRange(0, 255).Draw(t, label+" low"))})
	return netip.PrefixFrom(a, rapid.SampledFrom([]int{0, 8, 16, 24, 31, 32}).Draw(t, label+" bits")).Masked()
}

var awsProtos = []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6,
	sgsim.GRE, sgsim.ESP, sgsim.SCTP, sgsim.ProtocolNumber(0), sgsim.ProtocolNumber(255)}

// genMatch draws ports or ICMP type/code fitting the protocol as AWS
// expresses them: one range or all for TCP and UDP, type and code for ICMP.
func genMatch(t *rapid.T, r *sgsim.Rule, label string) {
	switch {
	case r.Protocol == sgsim.TCP || r.Protocol == sgsim.UDP:
		if rapid.Bool().Draw(t, label+" ports") {
			a := uint16(rapid.IntRange(0, 65535).Draw(t, label+" from"))
			b := uint16(rapid.IntRange(int(a), 65535).Draw(t, label+" to"))
			if a > 0 || b < 65535 { // 0-65535 is how AWS says every port: read as none given
				r.DstPorts = sgsim.Ports{{First: a, Last: b}}
			}
		}
	case r.Protocol.IsICMP():
		switch rapid.IntRange(0, 2).Draw(t, label+" icmp") {
		case 1:
			r.ICMP = sgsim.ICMPType(uint8(rapid.IntRange(0, 255).Draw(t, label+" type")))
		case 2:
			r.ICMP = sgsim.ICMPTypeCode(uint8(rapid.IntRange(0, 255).Draw(t, label+" type")), uint8(rapid.IntRange(0, 255).Draw(t, label+" code")))
		}
	}
}

// genSGRule draws a rule DescribeSecurityGroupRules can express.
func genSGRule(t *rapid.T, label string) sgsim.Rule {
	r := sgsim.Rule{Action: sgsim.Allow}
	r.ID = rapid.StringMatching(`(sgr-[0-9a-f]{6})?`).Draw(t, label+" id")
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Protocol = rapid.SampledFrom(awsProtos).Draw(t, label+" proto")
	kind := rapid.IntRange(0, 3).Draw(t, label+" remote")
	if kind == remoteV4 && r.Protocol == sgsim.ICMPv6 || kind == remoteV6 && r.Protocol == sgsim.ICMP {
		kind = remoteGroup
	}
	switch kind {
	case remoteV4, remoteV6:
		a := sgsim.PrefixAddrs(genPrefix(t, kind == remoteV6, label))
		r.Family = map[bool]sgsim.Family{false: sgsim.IPv4, true: sgsim.IPv6}[kind == remoteV6]
		if r.Direction == sgsim.Egress {
			r.Dst = a
		} else {
			r.Src = a
		}
	case remoteList:
		r.RemoteList = rapid.StringMatching(`pl-[0-9a-f]{8}`).Draw(t, label+" list")
	default:
		r.RemoteGroup = rapid.StringMatching(`sg-[0-9a-f]{8}`).Draw(t, label+" group")
	}
	genMatch(t, &r, label)
	if err := r.Validate(); err != nil {
		t.Fatalf("generator made an invalid rule %v: %v", r, err)
	}
	return r
}

// genACLRule draws a network-ACL entry with rule number n.
func genACLRule(t *rapid.T, n int, label string) sgsim.Rule {
	r := sgsim.Rule{Priority: n}
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	v6 := rapid.Bool().Draw(t, label+" v6")
	r.Protocol = rapid.SampledFrom(awsProtos).Draw(t, label+" proto")
	if r.Protocol == sgsim.ICMP && v6 || r.Protocol == sgsim.ICMPv6 && !v6 {
		r.Protocol = sgsim.AnyProtocol
	}
	r.Family = map[bool]sgsim.Family{false: sgsim.IPv4, true: sgsim.IPv6}[v6]
	a := sgsim.PrefixAddrs(genPrefix(t, v6, label))
	if r.Direction == sgsim.Egress {
		r.Dst = a
	} else {
		r.Src = a
	}
	genMatch(t, &r, label)
	if err := r.Validate(); err != nil {
		t.Fatalf("generator made an invalid rule %v: %v", r, err)
	}
	return r
}

// checkOrigins checks what the reader records about each rule's source.
func checkOrigins(t *rapid.T, gs []sgsim.Group, doc string) {
	for _, g := range gs {
		for _, r := range g.Rules {
			o := r.Origin
			if o.Vendor != "aws" || o.Document != doc || o.Record != r.ID || o.Path == "" {
				t.Fatalf("rule %v: origin %+v", r, o)
			}
		}
	}
}

func TestSecurityGroupRulesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3).Draw(t, "groups")
		gs := make([]sgsim.Group, n)
		for i := range gs {
			gs[i].ID = fmt.Sprintf("sg-%08x", i)
			for k := rapid.IntRange(1, 5).Draw(t, "rules"); k > 0; k-- {
				gs[i].Rules = append(gs[i].Rules, genSGRule(t, fmt.Sprintf("g%d r%d", i, k)))
			}
		}
		var b bytes.Buffer
		if err := WriteSecurityGroupRules(&b, gs); err != nil {
			t.Fatal(err)
		}
		back, err := ReadSecurityGroupRules(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		if diff := cmp.Diff(gs, back, cmpopts.IgnoreFields(sgsim.Rule{}, "Origin"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Read(Write(g)) != g (-g +read):\n%s\n%s", diff, b.String())
		}
		checkOrigins(t, back, docRules)
	})
}

func TestNetworkAclsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3).Draw(t, "acls")
		gs := make([]sgsim.Group, n)
		for i := range gs {
			gs[i].ID = fmt.Sprintf("acl-%08x", i)
			used := [2]map[int]bool{{}, {}}
			for k := rapid.IntRange(0, 6).Draw(t, "rules"); k > 0; k-- {
				num := rapid.IntRange(1, 32766).Draw(t, "number")
				r := genACLRule(t, num, fmt.Sprintf("a%d r%d", i, k))
				if used[r.Direction][num] {
					continue
				}
				used[r.Direction][num] = true
				gs[i].Rules = append(gs[i].Rules, r)
			}
		}
		var b bytes.Buffer
		if err := WriteNetworkAcls(&b, gs); err != nil {
			t.Fatal(err)
		}
		back, err := ReadNetworkAcls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		if diff := cmp.Diff(gs, back, cmpopts.IgnoreFields(sgsim.Rule{}, "Origin"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Read(Write(g)) != g (-g +read):\n%s\n%s", diff, b.String())
		}
		checkOrigins(t, back, docACLs)
		if _, err := sgsim.NewLinear(sgsim.ACL, back...); err != nil {
			t.Fatalf("read ACLs do not validate under ACL semantics: %v", err)
		}
	})
}
