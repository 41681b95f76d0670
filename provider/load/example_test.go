package load_test

import (
	"fmt"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
)

// A profile with its addressing changed, and one flow through it: the
// masters moved to 192.168.1.16/28, so 192.168.1.2 is outside the masters
// whose kubelet calls the nodes admit.
func ExampleLoad() {
	var c load.Cluster
	if err := c.Set("masters", "192.168.1.16/28"); err != nil {
		fmt.Println(err)
		return
	}
	n, err := load.Load(load.Source{Profile: "cce-tunnel", Cluster: c, Hardened: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.Description)
	d := n.Net.Decide(sgsim.MustParseFlow("tcp 192.168.1.2:52000 -> 192.168.0.10:10250"))
	fmt.Println(d.Allowed, d.Hop)
	d = n.Net.Decide(sgsim.MustParseFlow("tcp 192.168.1.18:52000 -> 192.168.0.10:10250"))
	fmt.Println(d.Allowed)
	// Output:
	// profile cce-tunnel/newer, hardened worker outbound set (Table 8)
	// false destination ingress
	// true
}

// Two versions of an AWS group, the second adding SSH from 10.0.0.0/8,
// diffed with MaxBoxes 1: the added flows are one deciding-rule pair
// (the default deny, then the new rule) over more than one box, so they
// come out as one summarized change, tested exactly with Contains.
func ExampleCompareWith() {
	rule := func(id, port, cidr string) string {
		return `{"SecurityGroupRuleId": "` + id + `", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": ` + port + `, "ToPort": ` + port + `, "CidrIpv4": "` + cidr + `"}`
	}
	web := rule("sgr-1", "80", "10.1.0.0/16")
	files := map[string]string{
		"old.json": `{"SecurityGroupRules": [` + web + `]}`,
		"new.json": `{"SecurityGroupRules": [` + web + `, ` + rule("sgr-2", "22", "10.0.0.0/8") + `]}`,
	}
	read := func(name string) ([]byte, error) { return []byte(files[name]), nil }
	old, err := load.Load(load.Source{Vendor: "aws", Rules: []string{"old.json"}, ReadFile: read})
	if err != nil {
		fmt.Println(err)
		return
	}
	new, err := load.Load(load.Source{Vendor: "aws", Rules: []string{"new.json"}, ReadFile: read})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := load.CompareWith(old, new, load.CompareOptions{MaxBoxes: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := d.Sets[0].Diff.Added[0]
	fmt.Println(len(d.Sets[0].Diff.Added), "added:", c.Summarized, c.RegionText)
	for _, f := range []string{"tcp 10.200.0.9:40000 -> 10.9.9.9:22", "tcp 10.200.0.9:40000 -> 10.9.9.9:80", "tcp 192.0.2.9:40000 -> 10.9.9.9:22"} {
		fmt.Println(f, c.Contains(sgsim.MustParseFlow(f)))
	}
	// Output:
	// 1 added: true tcp 10.0.0.0/8 -> 0.0.0.0/0 dport 22, where the old version decides by the default deny and the new by rule ingress allow tcp 22 from 10.0.0.0/8 ipv4 id sgr-2 of group sg-1 (aws DescribeSecurityGroupRules record sgr-2 at SecurityGroupRules[1]) (2+ boxes, not listed)
	// tcp 10.200.0.9:40000 -> 10.9.9.9:22 true
	// tcp 10.200.0.9:40000 -> 10.9.9.9:80 false
	// tcp 192.0.2.9:40000 -> 10.9.9.9:22 false
}
