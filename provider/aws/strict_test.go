package aws

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/read"
)

func TestReadSecurityGroupRulesStrict(t *testing.T) {
	rule := `{"GroupId": "sg-1", "SecurityGroupRuleId": "sgr-1", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"}`
	// IsEgress twice: encoding/json keeps the last, turning an egress rule into an ingress one.
	dup := `{"GroupId": "sg-1", "IsEgress": true, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8", "isEgress": false}`
	bad := "{\"GroupId\": \"sg-\xff\", \"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, \"CidrIpv4\": \"10.0.0.0/8\"}"
	doc := "{\"SecurityGroupRules\": [\n" + rule + ",\n" + dup + ",\n" + bad + "]}"
	_, err := ReadSecurityGroupRules(strings.NewReader(doc))
	want := `line 3, column 116: aws: SecurityGroupRules[1].isEgress: duplicate key "isEgress", the same as "IsEgress" but for case (first at line 3, column 21)
line 4, column 13: aws: SecurityGroupRules[2].GroupId: "sg-\xff": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var ae *Error
	if !errors.As(err, &ae) || ae.Path != "SecurityGroupRules[1].isEgress" {
		t.Errorf("errors.As *Error: %#v", ae)
	}
	var rep read.Report
	gs, err := ReadSecurityGroupRules(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(gs) != 1 || len(gs[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 2 {
		t.Errorf("lenient: %v, %v, %+v", gs, err, rep)
	}
}

func TestReadSecurityGroupsAndAclsStrict(t *testing.T) {
	perm := `{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "10.0.0.0/8", "CidrIp": "0.0.0.0/0"}]}`
	doc := `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [` + "\n" + perm + `, {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]}]}`
	_, err := ReadSecurityGroups(strings.NewReader(doc))
	want := `line 2, column 117: aws: SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp: duplicate key "CidrIp" (first at line 2, column 93)`
	if err == nil || err.Error() != want {
		t.Errorf("groups strict:\n got %v\nwant %s", err, want)
	}
	var rep read.Report
	gs, err := ReadSecurityGroups(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(gs) != 1 || len(gs[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 1 {
		t.Errorf("groups lenient: %v, %v, %+v", gs, err, rep)
	}
	entry := `{"RuleNumber": 100, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22}}`
	dupEntry := `{"RuleNumber": 110, "Protocol": "6", "RuleAction": "deny", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8"}`
	acls := `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [` + "\n" + entry + ",\n" + dupEntry + `]}]}`
	_, err = ReadNetworkAcls(strings.NewReader(acls))
	want = `line 3, column 60: aws: NetworkAcls[0].Entries[1].RuleAction: duplicate key "RuleAction" (first at line 3, column 38)`
	if err == nil || err.Error() != want {
		t.Errorf("ACLs strict:\n got %v\nwant %s", err, want)
	}
	gs, err = ReadNetworkAcls(strings.NewReader(acls), read.SkipInvalid(&rep))
	if err != nil || len(gs) != 1 || len(gs[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 1 {
		t.Errorf("ACLs lenient: %v, %v, %+v", gs, err, rep)
	}
}
