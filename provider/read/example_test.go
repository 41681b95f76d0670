package read_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
)

// A Huawei export whose second rule gives its action twice (encoding/json
// would keep "allow") and whose third has an unknown direction.
const export = `{"security_group_rules": [
{"id": "r1", "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "multiport": "22", "action": "allow", "priority": 1},
{"id": "r2", "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "multiport": "23", "action": "deny", "action": "allow", "priority": 1},
{"id": "r3", "security_group_id": "sg-1", "direction": "inbound", "protocol": "tcp", "multiport": "80", "action": "allow", "priority": 1}]}`

// Every error of the document at once, each with its line and column.
func ExampleErrors() {
	_, err := huawei.ReadRules(strings.NewReader(export))
	fmt.Println(err)
	var list *read.Errors
	if errors.As(err, &list) {
		fmt.Println(list.Len(), "errors; the first at line", list.List()[0].Line)
	}
	// Output:
	// line 3, column 123: huawei: security_group_rules[1].action: duplicate key "action" (first at line 3, column 105)
	// line 4, column 56: huawei: security_group_rules[2].direction: "inbound": want ingress or egress
	// 2 errors; the first at line 3
}

// A lenient read keeps the valid records and reports the others.
func ExampleSkipInvalid() {
	var rep read.Report
	groups, err := huawei.ReadRules(strings.NewReader(export), read.SkipInvalid(&rep))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rules kept, %d records read, %d skipped\n", len(groups[0].Rules), rep.Read, len(rep.Skipped))
	for _, s := range rep.Skipped {
		fmt.Println(s)
	}
	// Output:
	// 1 rules kept, 1 records read, 2 skipped
	// line 3, column 123: huawei: security_group_rules[1].action: duplicate key "action" (first at line 3, column 105)
	// line 4, column 56: huawei: security_group_rules[2].direction: "inbound": want ingress or egress
}
