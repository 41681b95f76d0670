package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSkipInvalid: an export with a duplicated key is refused with every
// error and its line; -skip-invalid reads the valid rules, and the run
// states each skipped record and the count.
func TestSkipInvalid(t *testing.T) {
	doc := `{"security_group_rules": [
{"id": "ok", "security_group_id": "sg-1", "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "multiport": "22", "action": "allow", "priority": 1},
{"id": "dup", "security_group_id": "sg-1", "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "multiport": "22", "action": "deny", "priority": 1, "action": "allow"},
{"id": "bad", "security_group_id": "sg-1", "direction": "inbound", "ethertype": "IPv4", "protocol": "tcp", "multiport": "22", "action": "allow", "priority": 1}]}`
	file := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runArgs(t, "lint", "-vendor", "huawei", "-rules", file)
	want := "-rules " + file + ": line 3, column 160: huawei: security_group_rules[1].action: duplicate key \"action\" (first at line 3, column 127)\n" +
		"  line 4, column 57: huawei: security_group_rules[2].direction: \"inbound\": want ingress or egress"
	if code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("strict: exit %d, stderr\n%s\nwant it to contain\n%s", code, errOut, want)
	}
	code, _, errOut = runArgs(t, "lint", "-vendor", "huawei", "-rules", file, "-skip-invalid")
	for _, w := range []string{
		"sgsim lint: skipped: " + file + ": line 3, column 160: huawei: security_group_rules[1].action: duplicate key \"action\" (first at line 3, column 127)\n",
		"sgsim lint: skipped: " + file + ": line 4, column 57: huawei: security_group_rules[2].direction: \"inbound\": want ingress or egress\n",
		"sgsim lint: 1 records read, 2 invalid records skipped (-skip-invalid)\n",
	} {
		if !strings.Contains(errOut, w) {
			t.Errorf("-skip-invalid: exit %d, stderr\n%s\nwant it to contain\n%s", code, errOut, w)
		}
	}
	if code == 2 {
		t.Errorf("-skip-invalid: exit 2: %s", errOut)
	}
	if code, _, errOut := runArgs(t, "lint", "-profile", "cce-tunnel", "-skip-invalid"); code != 2 || !strings.Contains(errOut, "-skip-invalid applies to -rules and -plan") {
		t.Errorf("-skip-invalid with a profile: exit %d, %s", code, errOut)
	}
}

// What an export holds but the network does not evaluate is said on every
// subcommand's stderr (it was said by replay alone): here the binding of a
// Tencent ACL that -skip-invalid left out (the shape of Tencent's own
// published DescribeNetworkAcls example, whose NetworkAclType "1" is not
// a documented value), which used to stop the run with "network ACL ...
// is not defined".
func TestNotes(t *testing.T) {
	doc := `{"Response": {"NetworkAclSet": [
{"NetworkAclId": "acl-bad", "VpcId": "vpc-1", "NetworkAclType": "1", "IngressEntries": [], "EgressEntries": [],
 "SubnetSet": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}], "TotalCount": 1}}`
	file := filepath.Join(t.TempDir(), "acls.json")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	topo := filepath.Join(t.TempDir(), "topology.json")
	if err := os.WriteFile(topo, []byte(`{"cloud": "tencent", "endpoints": [{"name": "a", "addrs": ["10.0.1.5/32"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"lint"}, {"trace", "-topology", topo, "tcp 10.0.1.5:40000 -> 10.0.2.5:22"}} {
		cmd := args[0]
		code, _, errOut := runArgs(t, append(args, "-vendor", "tencent", "-rules", file, "-skip-invalid")...)
		for _, w := range []string{
			"sgsim " + cmd + `: note: subnet "subnet-1": its binding to network ACL "acl-bad" is left out: no -rules file holds that ACL` + "\n",
			"sgsim " + cmd + ": skipped: " + file + `: line 2, column 65: tencent: Response.NetworkAclSet[0].NetworkAclType: "1": want TRIPLE or QUINTUPLE` + "\n",
		} {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: exit %d, stderr\n%s\nwant it to contain\n%s", cmd, code, errOut, w)
			}
		}
		if code != 0 {
			t.Errorf("%s: exit %d: %s", cmd, code, errOut)
		}
	}
}
