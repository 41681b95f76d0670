package tencent

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/read"
)

// The tccli DescribeNetworkAcls example writes "Port": 8080, a number.
func TestReadNetworkAclsPortNumber(t *testing.T) {
	doc := `{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-1", "IngressEntries": [
	  {"Protocol": "tcp", "CidrBlock": "172.16.12.123/32", "Action": "Accept", "Description": "test", "Port": 8080},
	  {"Protocol": "all", "CidrBlock": "0.0.0.0/0", "Action": "Drop", "Description": ""}],
	  "EgressEntries": []}], "TotalCount": 1}}`
	gs, err := ReadNetworkAcls(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := gs[0].Rules[0].DstPorts.String(); got != "8080" {
		t.Errorf("Port 8080 read as %q", got)
	}
}

func TestReadPoliciesStrict(t *testing.T) {
	pol := func(i, extra string) string {
		return `{"PolicyIndex": ` + i + `, "Protocol": "TCP", "Port": "22", "CidrBlock": "10.0.0.0/8", "Action": "DROP"` + extra + `}`
	}
	doc := "{\"Response\": {\"SecurityGroupPolicySet\": {\"Ingress\": [\n" + pol("0", "") + ",\n" + pol("1", `, "Action": "ACCEPT"`) + ",\n" +
		pol("2", ", \"PolicyDescription\": \"x\xff\"") + ",\n" + strings.Replace(pol("3", ""), `"22"`, `"99999"`, 1) + "]}}}"
	_, err := ReadPolicies(strings.NewReader(doc), "sg-1")
	want := `line 3, column 98: tencent: Response.SecurityGroupPolicySet.Ingress[1].Action: duplicate key "Action" (first at line 3, column 80)
line 4, column 119: tencent: Response.SecurityGroupPolicySet.Ingress[2].PolicyDescription: "x\xff": invalid UTF-8
line 5, column 47: tencent: Response.SecurityGroupPolicySet.Ingress[3].Port: "99999": want ALL or ports 1-65535 as "80", "8000-8010" or "80,443"`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var te *Error
	if !errors.As(err, &te) || te.Path != "Response.SecurityGroupPolicySet.Ingress[1].Action" {
		t.Errorf("errors.As *Error: %#v", te)
	}
	var rep read.Report
	g, err := ReadPolicies(strings.NewReader(doc), "sg-1", read.SkipInvalid(&rep))
	if err != nil || len(g.Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 3 {
		t.Errorf("lenient: %v, %v, %+v", g, err, rep)
	}
}

func TestReadNetworkAclsStrict(t *testing.T) {
	entry := `{"Protocol": "tcp", "CidrBlock": "10.0.0.0/8", "Action": "Drop", "Port": "22"}`
	dup := `{"Protocol": "tcp", "CidrBlock": "10.0.0.0/8", "Action": "Drop", "Port": "22", "CidrBlock": "0.0.0.0/0"}`
	doc := "{\"NetworkAclSet\": [{\"NetworkAclId\": \"acl-1\", \"IngressEntries\": [\n" + entry + ",\n" + dup + "], \"EgressEntries\": []},\n" +
		"{\"NetworkAclId\": \"acl-1\", \"IngressEntries\": [], \"EgressEntries\": []}]}"
	_, err := ReadNetworkAcls(strings.NewReader(doc))
	want := `line 3, column 80: tencent: NetworkAclSet[0].IngressEntries[1].CidrBlock: duplicate key "CidrBlock" (first at line 3, column 21)
line 4, column 18: tencent: NetworkAclSet[1].NetworkAclId: "acl-1": also the ID of NetworkAclSet[0]; want distinct ACLs`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var rep read.Report
	gs, err := ReadNetworkAcls(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(gs) != 1 || len(gs[0].Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 2 {
		t.Errorf("lenient: %v, %v, %+v", gs, err, rep)
	}
}
