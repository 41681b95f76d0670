package analyze_test

import (
	"fmt"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

func group(id string, rules ...string) sgsim.Group {
	g := sgsim.Group{ID: id}
	for _, r := range rules {
		g.Rules = append(g.Rules, sgsim.MustParseRule(r))
	}
	return g
}

// Lint a Huawei group: the narrower 5444 rule decides nothing, and the
// deny wins over the allow at equal priority.
func Example() {
	s := analyze.NewSet(sgsim.Huawei, group("master",
		"ingress allow tcp 5444 from 0.0.0.0/0 priority 1 id wide",
		"ingress allow tcp 5444 from 192.168.0.0/16 priority 1 id narrow",
		"ingress deny tcp 22 from 10.0.0.0/8 priority 1 id no-ssh",
		"ingress allow tcp 22 priority 1 id ssh"))
	s.Families = []sgsim.Family{sgsim.IPv4}
	fs, _ := analyze.LintSet(s)
	for _, f := range fs {
		fmt.Println(f)
	}
	// Output:
	// SG001 medium [master] decides no flow: earlier rules in evaluation order take every flow it matches
	//     rule ingress allow tcp 5444 from 192.168.0.0/16 priority 1 id narrow of group master
	//     with rule ingress allow tcp 5444 from 0.0.0.0/0 priority 1 id wide of group master
	//     region: tcp 192.168.0.0/16 -> any dport 5444
	//     witness: ingress tcp 192.168.0.1:1024 -> 1.0.0.1:5444
	// SG002 low [master] overlaps an earlier deny rule that wins: equal priority 1: huawei evaluates deny before allow
	//     rule ingress allow tcp 22 priority 1 id ssh of group master
	//     with rule ingress deny tcp 22 from 10.0.0.0/8 priority 1 id no-ssh of group master
	//     region: tcp 10.0.0.0/8 -> any dport 22
	//     witness: ingress tcp 10.0.0.1:1024 -> 1.0.0.1:22
}

// Diff two versions of a group: narrowing SSH to one range.
func ExampleDiffSets() {
	old := analyze.NewSet(sgsim.Huawei, group("web", "ingress allow tcp 22 from 0.0.0.0/0 priority 1"))
	new := analyze.NewSet(sgsim.Huawei, group("web", "ingress allow tcp 22 from 203.0.113.0/24 priority 1"))
	old.Families, new.Families = []sgsim.Family{sgsim.IPv4}, []sgsim.Family{sgsim.IPv4}
	d, _ := analyze.DiffSets(old, new)
	fmt.Println(len(d.Added), "added,", len(d.Removed), "removed")
	fmt.Println(d.Removed[0])
	// Output:
	// 0 added, 2 removed
	// ingress tcp 0.0.0.0-203.0.112.255 -> 0.0.0.0/0 dport 22
	//     witness tcp 1.0.0.1:1024 -> 1.0.0.2:22
	//     old: rule ingress allow tcp 22 from 0.0.0.0/0 priority 1 of group web
	//     new: default deny
}

// The same diff with MaxBoxes 1: the two removed boxes, of one pair of
// deciding rules, come out as one summarized change defined by the two
// rules; Contains tests a flow against it exactly (the flows of its
// enclosing Region that 203.0.113.0/24 still allows are not in it).
func ExampleDiffWith() {
	old := analyze.NewSet(sgsim.Huawei, group("web", "ingress allow tcp 22 from 0.0.0.0/0 priority 1"))
	new := analyze.NewSet(sgsim.Huawei, group("web", "ingress allow tcp 22 from 203.0.113.0/24 priority 1"))
	old.Families, new.Families = []sgsim.Family{sgsim.IPv4}, []sgsim.Family{sgsim.IPv4}
	d, _ := analyze.DiffWith(old, new, analyze.DiffOptions{MaxBoxes: 1})
	c := d.Removed[0]
	fmt.Println(len(d.Removed), "removed, summarized:", c.Summarized)
	fmt.Println(c.RegionText)
	for _, f := range []string{"tcp 198.51.100.7:40000 -> 10.0.0.1:22", "tcp 203.0.113.7:40000 -> 10.0.0.1:22"} {
		fmt.Println(f, c.Region.Contains(sgsim.MustParseFlow(f)), c.Contains(sgsim.MustParseFlow(f)))
	}
	// Output:
	// 1 removed, summarized: true
	// tcp 0.0.0.0/0 -> 0.0.0.0/0 dport 22, where the old version decides by rule ingress allow tcp 22 from 0.0.0.0/0 priority 1 of group web and the new by the default deny (2+ boxes, not listed)
	// tcp 198.51.100.7:40000 -> 10.0.0.1:22 true true
	// tcp 203.0.113.7:40000 -> 10.0.0.1:22 true false
}

// The smallest rule that lets nodes reach the API server on 6443.
func ExampleMinimalFixes() {
	spec := sgsim.NetworkSpec{Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{group("node", "egress allow any priority 1"), group("master", "ingress allow tcp 5444 from 192.168.0.0/24 priority 1")},
		Endpoints: []sgsim.Endpoint{
			{Name: "nodes", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Groups: []string{"node"}},
			{Name: "masters", Addrs: sgsim.MustParseAddrs("192.168.1.0/28"), Groups: []string{"master"}}}}
	req := analyze.RequiredFlow{Name: "apiserver 6443", Src: sgsim.MustParseAddrs("192.168.0.0/24"),
		Dst: sgsim.MustParseAddrs("192.168.1.0/28"), Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(6443)}}
	rs, _ := analyze.MinimalFixes(spec, []analyze.RequiredFlow{req})
	fmt.Println(rs[0])
	// Output:
	// fix apiserver 6443 (none allowed):
	//     add to master (masters, destination ingress, first in the group): ingress allow tcp 6443 from 192.168.0.0/24 priority 1 id fix-1
	//       lifts: no rule matched: default deny
	//     verified: the flow passes; 1 newly allowed region(s), all inside the added rules; nothing else changes
}
