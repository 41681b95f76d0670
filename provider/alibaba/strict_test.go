package alibaba

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/read"
)

const (
	permOK  = `{"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8", "Policy": "Drop", "Priority": "1"}`
	permDup = `{"SecurityGroupRuleId": "sgr-2", "Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8", "Policy": "Drop", "Priority": "1", "Policy": "Accept"}`
	permBad = `{"SecurityGroupRuleId": "sgr-3", "Direction": "in", "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8"}`
)

func group(id string, perms ...string) string {
	return `{"SecurityGroupId": "` + id + `", "Permissions": {"Permission": [` + "\n" + strings.Join(perms, ",\n") + "]}}"
}

func TestReadSecurityGroupsStrict(t *testing.T) {
	doc := "[" + group("sg-1", permOK, permDup, permBad) + ",\n" + group("sg-2\xff", permOK) + "]"
	_, err := ReadSecurityGroups(strings.NewReader(doc))
	want := `line 3, column 166: alibaba: [0].Permissions.Permission[1].Policy: duplicate key "Policy" (first at line 3, column 131)
line 4, column 47: alibaba: [0].Permissions.Permission[2].Direction: "in": want ingress or egress
line 5, column 21: alibaba: [1].SecurityGroupId: "sg-2\xff": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var ae *Error
	if !errors.As(err, &ae) || ae.Path != "[0].Permissions.Permission[1].Policy" {
		t.Errorf("errors.As *Error: %#v", ae)
	}
	var rep read.Report
	gs, err := ReadSecurityGroups(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(gs) != 1 || len(gs[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 3 {
		t.Fatalf("lenient: %v, %v, %+v", gs, err, rep)
	}
	if got, want := rep.Skipped[2].Error(), `line 5, column 21: alibaba: [1].SecurityGroupId: "sg-2\xff": invalid UTF-8`; got != want {
		t.Errorf("skipped group:\n got %s\nwant %s", got, want)
	}
	// One group: its own fields are the document's.
	_, err = ReadSecurityGroup(strings.NewReader(`{"SecurityGroupId": "sg-1", "SecurityGroupId": "sg-2", "Permissions": {"Permission": []}}`), read.SkipInvalid(&rep))
	if want := `line 1, column 29: alibaba: SecurityGroupId: duplicate key "SecurityGroupId" (first at line 1, column 2)`; err == nil || err.Error() != want {
		t.Errorf("one group, ID twice:\n got %v\nwant %s", err, want)
	}
}

func TestReadNetworkAclsStrict(t *testing.T) {
	entry := `{"NetworkAclEntryId": "nae-1", "Policy": "drop", "Protocol": "tcp", "SourceCidrIp": "10.0.0.0/8", "Port": "22/22"}`
	dup := `{"NetworkAclEntryId": "nae-2", "Policy": "drop", "Protocol": "tcp", "SourceCidrIp": "10.0.0.0/8", "Port": "22/22", "policy": "accept"}`
	doc := `{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {"IngressAclEntry": [` + "\n" + entry + ",\n" + dup + `]}, "EgressAclEntries": {}}}`
	_, err := ReadNetworkAcls(strings.NewReader(doc))
	want := `line 3, column 116: alibaba: NetworkAclAttribute.IngressAclEntries.IngressAclEntry[1].policy: duplicate key "policy", the same as "Policy" but for case (first at line 3, column 32)`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var rep read.Report
	gs, err := ReadNetworkAcls(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(gs) != 1 || len(gs[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 1 {
		t.Errorf("lenient: %v, %v, %+v", gs, err, rep)
	}
}
