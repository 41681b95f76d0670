package sgsim_test

import (
	"fmt"

	"github.com/sgsim/sgsim/sgsim"
)

func ExampleCompile() {
	master := sgsim.Group{ID: "cce-control", Rules: []sgsim.Rule{
		sgsim.MustParseRule("ingress allow tcp 5444 from 192.168.0.0/16 priority 1 id vpc-5444"),
		sgsim.MustParseRule("ingress allow tcp 5443 from 0.0.0.0/0 priority 1 id any-5443"),
	}}
	c, err := sgsim.Compile(sgsim.Huawei, master)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range []string{
		"tcp 192.168.3.7:40000 -> 192.168.0.10:5444",
		"tcp 172.16.0.9:40000 -> 192.168.0.10:5444",
	} {
		fmt.Println(c.Check(sgsim.Ingress, sgsim.MustParseFlow(f)))
	}
	// Output:
	// allow: rule "vpc-5444" of group "cce-control" (ingress allow tcp 5444 from 192.168.0.0/16 priority 1 id vpc-5444)
	// deny: no rule matched: default deny
}

func ExampleClassifier_Check() {
	// Huawei: at equal priority a deny beats an allow, wherever it is listed.
	c, err := sgsim.Compile(sgsim.Huawei, sgsim.Group{ID: "sg", Rules: []sgsim.Rule{
		sgsim.MustParseRule("ingress allow tcp 22 priority 1 id ssh"),
		sgsim.MustParseRule("ingress deny tcp 22 from 203.0.113.0/24 priority 1 id block"),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	v := c.Check(sgsim.Ingress, sgsim.MustParseFlow("tcp 203.0.113.5:50000 -> 10.0.0.4:22"))
	fmt.Println(v.Allowed(), v.Rule.ID)
	// Output: false block
}

func ExampleParseRule() {
	r, err := sgsim.ParseRule("INGRESS accept TCP 443,80 FROM 10.0.0.0/8 priority 1")
	fmt.Println(r, err)
	_, err = sgsim.ParseRule("ingress allow icmp 80")
	fmt.Println(err)
	// Output:
	// ingress allow tcp 80,443 from 10.0.0.0/8 priority 1 <nil>
	// sgsim: rule: dst ports "80": protocol icmp has no ports
}
