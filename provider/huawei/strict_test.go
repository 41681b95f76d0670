package huawei

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/read"
)

// strictDoc is a v3 list of three rules, one per line, for the tests of
// duplicate keys, invalid UTF-8, every error at once and lenient reading.
func strictDoc(r0, r1, r2 string) string {
	return "{\"security_group_rules\": [\n" + r0 + ",\n" + r1 + ",\n" + r2 + "\n]}"
}

const (
	goodRule = `{"id": "r1", "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "multiport": "22", "action": "allow", "priority": 1}`
	// A deny rule whose action is given twice: encoding/json would read
	// the last, allow.
	dupRule = `{"id": "r2", "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "multiport": "22", "action": "deny", "action": "allow", "priority": 1}`
	// Two groups that differ only in an invalid byte: encoding/json reads
	// both as "sg-1\uFFFD".
	badUTF8Rule = "{\"id\": \"r3\", \"security_group_id\": \"sg-1\xff\", \"direction\": \"ingress\", \"protocol\": \"tcp\", \"multiport\": \"22\", \"action\": \"allow\", \"priority\": 1}"
	badPortRule = `{"id": "r4", "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "multiport": "0", "action": "allow", "priority": 1}`
)

func TestReadRulesDuplicateKey(t *testing.T) {
	_, err := ReadRules(strings.NewReader(strictDoc(goodRule, dupRule, goodRule)))
	want := `line 3, column 123: huawei: security_group_rules[1].action: duplicate key "action" (first at line 3, column 105)`
	if err == nil || err.Error() != want {
		t.Errorf("duplicate action:\n got %v\nwant %s", err, want)
	}
	var he *Error
	if !errors.As(err, &he) || he.Path != "security_group_rules[1].action" {
		t.Errorf("errors.As *Error: %#v", he)
	}
	// Keys differing only in case fill one field too.
	doc := strictDoc(goodRule, strings.Replace(dupRule, `"action": "allow"`, `"Action": "allow"`, 1), goodRule)
	_, err = ReadRules(strings.NewReader(doc))
	want = `line 3, column 123: huawei: security_group_rules[1].Action: duplicate key "Action", the same as "action" but for case (first at line 3, column 105)`
	if err == nil || err.Error() != want {
		t.Errorf("Action after action:\n got %v\nwant %s", err, want)
	}
	// At the top level: the whole list twice.
	_, err = ReadRules(strings.NewReader(`{"security_group_rules": [], "security_group_rules": []}`))
	want = `line 1, column 30: huawei: security_group_rules: duplicate key "security_group_rules" (first at line 1, column 2)`
	if err == nil || err.Error() != want {
		t.Errorf("list twice:\n got %v\nwant %s", err, want)
	}
}

func TestReadRulesInvalidUTF8(t *testing.T) {
	_, err := ReadRules(strings.NewReader(strictDoc(goodRule, goodRule, badUTF8Rule)))
	want := `line 4, column 35: huawei: security_group_rules[2].security_group_id: "sg-1\xff": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Errorf("invalid UTF-8:\n got %v\nwant %s", err, want)
	}
	// A lone surrogate escape is read as U+FFFD as well.
	_, err = ReadRules(strings.NewReader(strictDoc(goodRule, goodRule, strings.Replace(badUTF8Rule, "\xff", `\udc00`, 1))))
	want = `line 4, column 35: huawei: security_group_rules[2].security_group_id: "sg-1\\udc00": lone UTF-16 surrogate escape`
	if err == nil || err.Error() != want {
		t.Errorf("lone surrogate:\n got %v\nwant %s", err, want)
	}
}

func TestReadRulesAllErrors(t *testing.T) {
	_, err := ReadRules(strings.NewReader(strictDoc(badPortRule, dupRule, badUTF8Rule)))
	want := `line 2, column 99: huawei: security_group_rules[0].multiport: "0": want ports 1-65535 as "80", "1-30" or "22,3389,80"
line 3, column 123: huawei: security_group_rules[1].action: duplicate key "action" (first at line 3, column 105)
line 4, column 35: huawei: security_group_rules[2].security_group_id: "sg-1\xff": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Fatalf("three bad rules:\n got %v\nwant %s", err, want)
	}
	var re *read.Errors
	if !errors.As(err, &re) || re.Len() != 3 || re.List()[0].Line != 2 || re.List()[0].Column != 99 {
		t.Errorf("*read.Errors: %#v", err)
	}
}

func TestReadRulesSkipInvalid(t *testing.T) {
	var rep read.Report
	gs, err := ReadRules(strings.NewReader(strictDoc(badPortRule, goodRule, badUTF8Rule)), read.SkipInvalid(&rep))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || len(gs[0].Rules) != 1 || gs[0].Rules[0].ID != "r1" {
		t.Fatalf("kept %v", gs)
	}
	if rep.Read != 1 || len(rep.Skipped) != 2 {
		t.Fatalf("report %+v", rep)
	}
	for i, want := range []string{
		`line 2, column 99: huawei: security_group_rules[0].multiport: "0": want ports 1-65535 as "80", "1-30" or "22,3389,80"`,
		`line 4, column 35: huawei: security_group_rules[2].security_group_id: "sg-1\xff": invalid UTF-8`,
	} {
		if got := rep.Skipped[i].Error(); got != want {
			t.Errorf("skipped[%d]:\n got %s\nwant %s", i, got, want)
		}
	}
	// Lenient reading still fails a document whose list is unusable.
	if _, err := ReadRules(strings.NewReader(`{"security_group_rules": {}}`), read.SkipInvalid(&rep)); err == nil {
		t.Error("a list that is an object read leniently")
	}
}

// Huawei's v3 CreateSecurityGroupRule examples give multiport as a
// number ("multiport": 333); it reads as the string would.
func TestReadRulesMultiportNumber(t *testing.T) {
	gs, err := ReadRules(strings.NewReader(strictDoc(goodRule, strings.Replace(goodRule, `"multiport": "22"`, `"multiport": 333`, 1), goodRule)))
	if err != nil {
		t.Fatal(err)
	}
	if got := gs[0].Rules[1].DstPorts; got.String() != "333" {
		t.Errorf("multiport 333 read as %v", got)
	}
	_, err = ReadRules(strings.NewReader(strictDoc(goodRule, strings.Replace(goodRule, `"multiport": "22"`, `"multiport": 33.5`, 1), goodRule)))
	if want := `huawei: security_group_rules[1].multiport: 33.5: want a string or a whole number`; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("multiport 33.5: %v", err)
	}
}

func TestReadFirewallsStrict(t *testing.T) {
	rule := `{"id": "r1", "action": "allow", "protocol": "tcp", "ip_version": 4, "destination_port": "22"}`
	dup := `{"id": "r2", "action": "deny", "protocol": "tcp", "ip_version": 4, "destination_port": "22", "action": "allow"}`
	doc := "{\"firewalls\": [\n{\"id\": \"acl-1\", \"admin_state_up\": true, \"ingress_rules\": [\n" + rule + ",\n" + dup + "], \"egress_rules\": []},\n" +
		"{\"id\": \"acl-\xfe\", \"admin_state_up\": true, \"ingress_rules\": [" + rule + "], \"egress_rules\": []}]}"
	_, err := ReadFirewalls(strings.NewReader(doc))
	want := `line 4, column 94: huawei: firewalls[0].ingress_rules[1].action: duplicate key "action" (first at line 4, column 14)
line 5, column 8: huawei: firewalls[1].id: "acl-\xfe": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Errorf("strict:\n got %v\nwant %s", err, want)
	}
	var rep read.Report
	fws, err := ReadFirewalls(strings.NewReader(doc), read.SkipInvalid(&rep))
	if err != nil || len(fws) != 1 || len(fws[0].ACL.Rules) != 1 || rep.Read != 1 || len(rep.Skipped) != 2 {
		t.Errorf("lenient: %v, %v, %+v", fws, err, rep)
	}
}
