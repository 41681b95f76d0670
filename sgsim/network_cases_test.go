package sgsim_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

// twoTier is workers in 192.168.0.0/24 (subnet "nodes") and masters in
// 192.168.1.0/28 (subnet "control"), each subnet with an ACL that allows
// TCP 5444 into control from nodes, and, if ephemeral, the replies.
func twoTier(t testing.TB, cloud sgsim.Semantics, ephemeral bool) *sgsim.Network {
	t.Helper()
	prio := func(r string) string {
		if lo, _, used := cloud.PriorityRange(); used {
			return r + " priority " + map[bool]string{true: "1", false: "0"}[lo == 1]
		}
		return r
	}
	nodeRules := []string{"egress allow any", "ingress allow any from group workers"}
	if cloud == sgsim.Union {
		nodeRules = []string{"egress allow any", "ingress allow any from group workers"}
	}
	var nr []sgsim.Rule
	for _, r := range nodeRules {
		nr = append(nr, sgsim.MustParseRule(prio(r)))
	}
	master := []sgsim.Rule{sgsim.MustParseRule(prio("ingress allow tcp 5444 from 192.168.0.0/24 id kube-api")),
		sgsim.MustParseRule(prio("egress allow any"))}
	nodesACL := []string{"egress allow tcp 5444 to 192.168.1.0/28 priority 10", "egress allow any to 0.0.0.0/0 priority 20",
		"ingress allow udp from 0.0.0.0/0 priority 10"}
	controlACL := []string{"ingress allow tcp 5444 from 192.168.0.0/24 priority 10 id api-in"}
	if ephemeral {
		nodesACL = append(nodesACL, "ingress allow tcp sport 5444 from 192.168.1.0/28 priority 20 id api-reply-in")
		controlACL = append(controlACL, "egress allow tcp 1024-65535 to 192.168.0.0/24 priority 10 id api-reply-out")
	}
	parse := func(ss []string) []sgsim.Rule {
		var out []sgsim.Rule
		for _, s := range ss {
			out = append(out, sgsim.MustParseRule(s))
		}
		return out
	}
	spec := sgsim.NetworkSpec{
		Cloud:  cloud,
		Groups: []sgsim.Group{{ID: "workers", Rules: nr}, {ID: "masters", Rules: master}},
		ACLs:   []sgsim.Group{{ID: "nodes-acl", Rules: parse(nodesACL)}, {ID: "control-acl", Rules: parse(controlACL)}},
		Subnets: []sgsim.Subnet{{Name: "nodes", Prefix: netip.MustParsePrefix("192.168.0.0/24"), ACL: "nodes-acl"},
			{Name: "control", Prefix: netip.MustParsePrefix("192.168.1.0/28"), ACL: "control-acl"}},
		Endpoints: []sgsim.Endpoint{
			{Name: "workers", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Subnet: "nodes", Groups: []string{"workers"}},
			{Name: "masters", Addrs: sgsim.MustParseAddrs("192.168.1.0/28"), Subnet: "control", Groups: []string{"masters"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStatelessACLReply(t *testing.T) {
	f := pkt("tcp 192.168.0.10:40000 -> 192.168.1.5:5444")
	// Alibaba ACLs are stateless: without a rule for the reply's
	// ephemeral port, the forward path passes but the reply is dropped.
	d := twoTier(t, sgsim.Alibaba, false).Decide(f)
	if d.Allowed || d.Hop != sgsim.ReplyDstACLOut {
		t.Errorf("stateless, no reply rule: %+v; want dropped at %v", d, sgsim.ReplyDstACLOut)
	}
	tr := twoTier(t, sgsim.Alibaba, false).Trace(f)
	if tr.Allowed || len(tr.Steps) != 5 || tr.Dropped != 4 || tr.Steps[4].Flow.String() != "tcp 192.168.1.5:5444 -> 192.168.0.10:40000" {
		t.Errorf("trace:\n%v", tr)
	}
	// With reply rules for ephemeral ports it passes.
	if d := twoTier(t, sgsim.Alibaba, true).Decide(f); !d.Allowed {
		t.Errorf("stateless with reply rules: %+v; want allowed", d)
	}
	// A client on a low source port gets no reply through the rule for
	// 1024-65535.
	low := pkt("tcp 192.168.0.10:1000 -> 192.168.1.5:5444")
	if d := twoTier(t, sgsim.Alibaba, true).Decide(low); d.Allowed || d.Hop != sgsim.ReplyDstACLOut {
		t.Errorf("reply to port 1000: %+v; want dropped at reply", d)
	}
	// Huawei ACLs are stateful: the same network passes without reply rules.
	if d := twoTier(t, sgsim.Huawei, false).Decide(f); !d.Allowed {
		t.Errorf("stateful ACL: %+v; want allowed", d)
	}
}

// A UDP datagram the stateless ACLs let in whose reply they drop is
// delivered but not answered: Decide, Trace and Reach say so separately.
func TestDeliveredNotAnswered(t *testing.T) {
	rules := func(ss ...string) []sgsim.Rule {
		var out []sgsim.Rule
		for _, s := range ss {
			out = append(out, sgsim.MustParseRule(s))
		}
		return out
	}
	// Masters send syslog (UDP 514) to the workers; the ACLs open that
	// direction only, so an answer would be dropped leaving "nodes".
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud:  sgsim.Alibaba,
		Groups: []sgsim.Group{{ID: "open", Rules: rules("ingress allow any priority 1", "egress allow any priority 1")}},
		ACLs: []sgsim.Group{
			{ID: "nodes-acl", Rules: rules("ingress allow udp 514 from 192.168.1.0/28 priority 1", "ingress allow icmp priority 2")},
			{ID: "control-acl", Rules: rules("egress allow udp 514 to 192.168.0.0/24 priority 1", "egress allow icmp priority 2")},
		},
		Subnets: []sgsim.Subnet{{Name: "nodes", Prefix: netip.MustParsePrefix("192.168.0.0/24"), ACL: "nodes-acl"},
			{Name: "control", Prefix: netip.MustParsePrefix("192.168.1.0/28"), ACL: "control-acl"}},
		Endpoints: []sgsim.Endpoint{
			{Name: "workers", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Subnet: "nodes", Groups: []string{"open"}},
			{Name: "masters", Addrs: sgsim.MustParseAddrs("192.168.1.0/28"), Subnet: "control", Groups: []string{"open"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := pkt("udp 192.168.1.5:40000 -> 192.168.0.10:514")
	d := n.Decide(f)
	want := sgsim.Decision{Allowed: false, Hop: sgsim.ReplyDstACLOut, Delivered: true, Reply: sgsim.ReplyDropped}
	if d.Allowed != want.Allowed || d.Hop != want.Hop || d.Delivered != want.Delivered || d.Reply != want.Reply || d.Verdict.Rule != nil {
		t.Errorf("Decide = %+v; want %+v (default deny)", d, want)
	}
	if d.Passes(sgsim.Answered) || d.Passes(sgsim.DefaultQuestion) || !d.Passes(sgsim.Delivered) {
		t.Errorf("Passes: answered %v, default %v, delivered %v; want false, false, true", d.Passes(sgsim.Answered), d.Passes(sgsim.DefaultQuestion), d.Passes(sgsim.Delivered))
	}
	tr := n.Trace(f)
	if head, _, _ := strings.Cut(tr.String(), "\n"); head != "udp 192.168.1.5:40000 -> 192.168.0.10:514 from masters to workers: delivered; reply dropped at reply: destination subnet ACL outbound" {
		t.Errorf("trace head %q", head)
	}
	// A TCP connection the ACLs pass both ways: delivered and answered.
	tr = twoTier(t, sgsim.Alibaba, true).Trace(pkt("tcp 192.168.0.10:40000 -> 192.168.1.5:5444"))
	if head, _, _ := strings.Cut(tr.String(), "\n"); !tr.Allowed || tr.Reply != sgsim.ReplyAnswered || !strings.HasSuffix(head, ": delivered and answered") {
		t.Errorf("trace %v", tr)
	}
	// An echo reply is one-way.
	tr = n.Trace(pkt("icmp 192.168.1.5 -> 192.168.0.10 type 0 code 0"))
	if head, _, _ := strings.Cut(tr.String(), "\n"); tr.Reply != sgsim.ReplyNotApplicable || !strings.HasSuffix(head, ": delivered (one-way: no reply)") {
		t.Errorf("trace %v", tr)
	}
	// A dropped forward packet sends no reply.
	if d := n.Decide(pkt("udp 192.168.1.5:40000 -> 192.168.0.10:53")); d.Delivered || d.Reply != sgsim.ReplyNotSent || d.Hop != sgsim.SrcACLOut {
		t.Errorf("forward drop: %+v", d)
	}

	q := sgsim.Query{From: sgsim.MustParseAddrs("192.168.1.0/28"), To: sgsim.MustParseAddrs("192.168.0.0/24"), Protocol: sgsim.UDP,
		DstPorts: sgsim.Ports{sgsim.Port(514)}}
	for _, tc := range []struct {
		q       sgsim.Question
		outcome sgsim.Outcome
		denied  int
	}{{sgsim.Delivered, sgsim.All, 0}, {sgsim.Answered, sgsim.None, 1}, {sgsim.DefaultQuestion, sgsim.None, 1}} {
		q.Question = tc.q
		r, err := n.Reach(q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != tc.outcome || r.Delivered != sgsim.All || r.Answered != sgsim.None || len(r.Denied) != tc.denied ||
			len(r.ReplyDenied) != 1 || r.ReplyDenied[0].Hop != sgsim.ReplyDstACLOut {
			t.Errorf("question %v: %v\ndelivered %v answered %v, %d reply denials", tc.q, r, r.Delivered, r.Answered, len(r.ReplyDenied))
		}
	}
}

func TestQuestionStrings(t *testing.T) {
	for q, want := range map[sgsim.Question]string{sgsim.DefaultQuestion: "default", sgsim.Delivered: "delivered", sgsim.Answered: "answered", 9: "invalid question"} {
		if q.String() != want {
			t.Errorf("Question(%d) = %q; want %q", q, q.String(), want)
		}
	}
	for r, want := range map[sgsim.Reply]string{sgsim.ReplyNotSent: "not sent", sgsim.ReplyNotApplicable: "not applicable",
		sgsim.ReplyAnswered: "answered", sgsim.ReplyDropped: "dropped", 9: "invalid reply"} {
		if r.String() != want {
			t.Errorf("Reply(%d) = %q; want %q", r, r.String(), want)
		}
	}
	for _, p := range []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.SCTP, sgsim.ICMP, sgsim.ICMPv6, sgsim.GRE, sgsim.ESP} {
		if q := sgsim.DefaultQuestion.For(p); q != sgsim.Answered {
			t.Errorf("default question for %v: %v; want answered", p, q)
		}
		if q := sgsim.Delivered.For(p); q != sgsim.Delivered {
			t.Errorf("Delivered.For(%v) = %v", p, q)
		}
	}
}

func TestReachTwoTierWithWitness(t *testing.T) {
	n := twoTier(t, sgsim.Alibaba, true)
	q := sgsim.Query{From: sgsim.MustParseAddrs("192.168.0.0/24"), To: sgsim.MustParseAddrs("192.168.1.0/28"),
		Protocol: sgsim.TCP, DstPorts: sgsim.Ports{sgsim.Port(5444)}, SrcPorts: sgsim.Ports{{First: 1, Last: 65535}}}
	r, err := n.Reach(q)
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != sgsim.Some {
		t.Fatalf("outcome %v; want some (low source ports get no reply)\n%v", r.Outcome, r)
	}
	if r.DeniedWitness.SrcPort >= 1024 || r.DeniedTrace.Allowed || r.DeniedTrace.Steps[r.DeniedTrace.Dropped].Hop != sgsim.ReplyDstACLOut {
		t.Errorf("denied witness %v, trace %v", r.DeniedWitness, r.DeniedTrace)
	}
	if len(r.Allowed) != 1 || r.Allowed[0].String() != "192.168.0.0/24 -> 192.168.1.0/28 dport 5444 sport 1024-65535" {
		t.Errorf("allowed regions %v", r.Allowed)
	}
	// Ephemeral source ports only: all pass.
	q.SrcPorts = nil
	if r, err := n.Reach(q); err != nil || r.Outcome != sgsim.All {
		t.Errorf("ephemeral only: %v, %v", r, err)
	}
}

func TestAlibabaInnerAccess(t *testing.T) {
	spec := func(inner sgsim.InnerAccess, advanced bool) sgsim.NetworkSpec {
		return sgsim.NetworkSpec{Cloud: sgsim.Alibaba,
			Groups: []sgsim.Group{{ID: "sg", InnerAccess: inner, Advanced: advanced, Rules: []sgsim.Rule{
				sgsim.MustParseRule("ingress deny any from 10.0.0.0/24 priority 1 id drop-all"),
				sgsim.MustParseRule("egress allow any priority 1"),
			}}},
			Endpoints: []sgsim.Endpoint{
				{Name: "a", Addrs: sgsim.MustParseAddrs("10.0.0.1"), Groups: []string{"sg"}},
				{Name: "b", Addrs: sgsim.MustParseAddrs("10.0.0.2"), Groups: []string{"sg"}},
			}}
	}
	f := pkt("tcp 10.0.0.1:40000 -> 10.0.0.2:22")
	build := func(spec sgsim.NetworkSpec) *sgsim.Network {
		t.Helper()
		n, err := sgsim.BuildNetwork(spec)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := build(spec(sgsim.InnerAccept, false))
	tr := n.Trace(f)
	if !tr.Allowed || !strings.Contains(tr.Steps[1].Note, "InnerAccessPolicy Accept") {
		t.Errorf("Accept overrides the drop rule; got\n%v", tr)
	}
	n = build(spec(sgsim.InnerDrop, false))
	if d := n.Decide(f); d.Allowed || d.Verdict.Rule == nil || d.Verdict.Rule.ID != "drop-all" {
		t.Errorf("Drop: %+v; want dropped by drop-all", d)
	}
	// Advanced groups: no implicit access whatever InnerAccess says.
	n = build(spec(sgsim.InnerAccept, true))
	if d := n.Decide(f); d.Allowed {
		t.Errorf("advanced group: %+v; want isolated", d)
	}
	// Advanced groups may not reference groups.
	bad := spec(sgsim.NoInnerAccess, true)
	bad.Groups[0].Rules = append(bad.Groups[0].Rules, sgsim.MustParseRule("ingress allow any from group sg priority 1 id self"))
	if _, err := sgsim.BuildNetwork(bad); err == nil || err.Error() != `sgsim: rule "sg"[2] "self": remote group "sg": an Alibaba advanced security group may not reference groups` {
		t.Errorf("BuildNetwork(advanced with group ref) = %v", err)
	}
}

func TestGroupOrderAcrossVendors(t *testing.T) {
	// Two groups on one endpoint: the first allows TCP 22 at the worst
	// priority, the second denies it at the best.
	build := func(cloud sgsim.Semantics) *sgsim.Network {
		p := func(n string) string {
			if cloud == sgsim.Tencent {
				return "0"
			}
			return n
		}
		n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: cloud,
			Groups: []sgsim.Group{
				{ID: "first", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 priority " + p("100") + " id allow22")}},
				{ID: "second", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress deny tcp 22 priority " + p("1") + " id deny22")}},
			},
			Endpoints: []sgsim.Endpoint{{Name: "vm", Addrs: sgsim.MustParseAddrs("10.0.0.5"), Groups: []string{"first", "second"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	f := pkt("tcp 1.2.3.4:40000 -> 10.0.0.5:22")
	for cloud, want := range map[sgsim.Semantics]string{
		sgsim.Huawei:  "allow22", // attachment order first
		sgsim.Tencent: "allow22", // first match across groups in attachment order
		sgsim.Alibaba: "deny22",  // merged, priority 1 first
	} {
		tr := build(cloud).Trace(f)
		last := tr.Steps[len(tr.Steps)-1]
		if last.Verdict.Rule == nil || last.Verdict.Rule.ID != want {
			t.Errorf("%v: decided by %v; want %s\n%v", cloud, last.Verdict, want, tr)
		}
	}
}

func TestExemptTraffic(t *testing.T) {
	// A Huawei subnet ACL that denies everything still lets the metadata
	// service and 100.125.0.0/16 through.
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: sgsim.Huawei,
		ACLs:      []sgsim.Group{{ID: "deny", Rules: []sgsim.Rule{sgsim.MustParseRule("egress deny any priority 1"), sgsim.MustParseRule("ingress deny any priority 1")}}},
		Subnets:   []sgsim.Subnet{{Name: "s", Prefix: netip.MustParsePrefix("10.0.0.0/24"), ACL: "deny"}},
		Endpoints: []sgsim.Endpoint{{Name: "vm", Addrs: sgsim.MustParseAddrs("10.0.0.5"), Subnet: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{
		"tcp 10.0.0.5:40000 -> 169.254.169.254:80":  true,
		"tcp 10.0.0.5:40000 -> 169.254.169.254:443": false,
		"udp 10.0.0.5:40000 -> 100.125.1.1:123":     true,
		"udp 10.0.0.5:40000 -> 100.126.1.1:123":     false,
		"tcp 10.0.0.5:40000 -> 10.0.0.6:22":         true, // same subnet: ACL not applied
	} {
		if d := n.Decide(pkt(f)); d.Allowed != want {
			t.Errorf("%s: %+v; want allowed=%v", f, d, want)
		}
		// A range query of just this flow agrees: the exemption holds
		// for the service port on the destination side.
		fl := pkt(f)
		q := sgsim.Query{From: sgsim.PrefixAddrs(netip.PrefixFrom(fl.Src, 32)), To: sgsim.PrefixAddrs(netip.PrefixFrom(fl.Dst, 32)),
			Protocol: fl.Proto, SrcPorts: sgsim.Ports{sgsim.Port(fl.SrcPort)}, DstPorts: sgsim.Ports{sgsim.Port(fl.DstPort)}}
		r, err := n.Reach(q)
		if err != nil {
			t.Fatal(err)
		}
		if wantOut := map[bool]sgsim.Outcome{true: sgsim.All, false: sgsim.None}[want]; r.Outcome != wantOut {
			t.Errorf("Reach(%s) = %v; want %v", f, r, wantOut)
		}
	}
}

func TestBuildNetworkErrors(t *testing.T) {
	ep := func(name, addrs string, groups ...string) sgsim.Endpoint {
		return sgsim.Endpoint{Name: name, Addrs: sgsim.MustParseAddrs(addrs), Groups: groups}
	}
	for _, tc := range []struct {
		spec sgsim.NetworkSpec
		want string
	}{
		{sgsim.NetworkSpec{Endpoints: []sgsim.Endpoint{ep("a", "10.0.0.0/24"), ep("b", "10.0.0.128/25")}},
			`sgsim: network: endpoint "b": addresses 10.0.0.128/25 overlap another endpoint's`},
		{sgsim.NetworkSpec{Endpoints: []sgsim.Endpoint{ep("a", "10.0.0.0/24", "nope")}},
			`sgsim: network: endpoint "a": security group "nope" is not defined`},
		{sgsim.NetworkSpec{Endpoints: []sgsim.Endpoint{{Name: "a"}}},
			`sgsim: network: endpoint "a": needs concrete addresses, got any`},
		{sgsim.NetworkSpec{Groups: []sgsim.Group{{ID: "g", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any from group ghost")}}}},
			`sgsim: rule "g"[0]: remote group "ghost": unknown security group`},
		{sgsim.NetworkSpec{Groups: []sgsim.Group{{ID: "g", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any to list pl-9")}}}},
			`sgsim: rule "g"[0]: remote list "pl-9": unknown address group or prefix list`},
		{sgsim.NetworkSpec{Members: map[string]sgsim.Addrs{"ghost": {}}},
			`sgsim: network: members of group "ghost": must be concrete addresses (AddrsOf(nil) for none), not any`},
		{sgsim.NetworkSpec{Subnets: []sgsim.Subnet{{Name: "s", Prefix: netip.MustParsePrefix("10.0.0.0/24"), ACL: "x"}}},
			`sgsim: network: subnet "s": network ACL "x" is not defined`},
		{sgsim.NetworkSpec{Subnets: []sgsim.Subnet{{Name: "s", Prefix: netip.MustParsePrefix("10.0.0.0/24"), Also: []netip.Prefix{netip.MustParsePrefix("2001:db8::1/64")}}}},
			`sgsim: network: subnet "s": prefix "2001:db8::1/64" is not a valid, canonical prefix`},
		{sgsim.NetworkSpec{Subnets: []sgsim.Subnet{{Name: "s", Prefix: netip.MustParsePrefix("10.0.0.1/24")}}},
			`sgsim: network: subnet "s": prefix "10.0.0.1/24" is not a valid, canonical prefix`},
		{sgsim.NetworkSpec{ACLs: []sgsim.Group{{ID: "x"}, {ID: "x"}}},
			`sgsim: network: network ACL "x": defined twice`},
		// Groups and ACLs that nothing uses are validated too.
		{sgsim.NetworkSpec{Cloud: sgsim.Huawei, Groups: []sgsim.Group{{ID: "g", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any")}}}},
			`sgsim: rule "g"[0]: priority "0": out of range 1-100 for huawei`},
		{sgsim.NetworkSpec{ACLs: []sgsim.Group{{ID: "acl", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any priority -1")}}}},
			`sgsim: rule "acl"[0]: priority "-1": out of range 0-32766 for acl`},
		{sgsim.NetworkSpec{Cloud: sgsim.Alibaba, Groups: []sgsim.Group{{ID: "b"}, {ID: "adv", Advanced: true}},
			Endpoints: []sgsim.Endpoint{ep("a", "10.0.0.1", "b", "adv")}},
			`sgsim: network: endpoint "a": mixes basic and advanced security groups; Alibaba requires all of one kind`},
	} {
		if _, err := sgsim.BuildNetwork(tc.spec); err == nil || err.Error() != tc.want {
			t.Errorf("BuildNetwork:\n got %v\nwant %s", err, tc.want)
		}
	}
}

func TestReachErrors(t *testing.T) {
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := sgsim.MustParseAddrs("10.0.0.1"), sgsim.MustParseAddrs("10.0.0.2")
	for _, tc := range []struct {
		q    sgsim.Query
		want string
	}{
		{sgsim.Query{From: a, To: sgsim.MustParseAddrs("::1"), Protocol: sgsim.TCP}, `sgsim: reach: From 10.0.0.1 and To ::1 must be of one address family`},
		{sgsim.Query{From: a, To: b}, `sgsim: reach: a query needs a concrete protocol`},
		{sgsim.Query{From: a, To: b, Protocol: sgsim.TCP, DstPorts: sgsim.Ports{}}, `sgsim: reach: DstPorts: empty port set (nil means every port)`},
		{sgsim.Query{From: a, To: b, Protocol: sgsim.TCP, DstPorts: sgsim.Ports{{First: 9, Last: 3}}}, `sgsim: reach: DstPorts: range 9-3 has its first port above its last`},
		{sgsim.Query{From: a, To: b, Protocol: sgsim.TCP, SrcPorts: sgsim.Ports{{First: 1, Last: 20}, {First: 9, Last: 3}}}, `sgsim: reach: SrcPorts: range 9-3 has its first port above its last`},
		{sgsim.Query{From: a, To: b, Protocol: sgsim.GRE, DstPorts: sgsim.Ports{sgsim.Port(1)}}, `sgsim: reach: protocol gre has no ports`},
		{sgsim.Query{From: a, To: b, Protocol: sgsim.TCP, Question: 3}, `sgsim: reach: Question 3: want DefaultQuestion, Delivered or Answered`},
	} {
		if r, err := n.Reach(tc.q); err == nil || err.Error() != tc.want {
			t.Errorf("Reach(%+v) = %v, %v\nwant error %s", tc.q, r, err, tc.want)
		}
	}
}

// A flow between two addresses of no endpoint meets no hop: its trace
// says so, instead of a bare "delivered and answered" that a typo in an
// address would also give.
func TestTraceOutsideSaysNoHop(t *testing.T) {
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud:     sgsim.Union,
		Groups:    []sgsim.Group{{ID: "sg-web"}},
		Endpoints: []sgsim.Endpoint{{Name: "web", Addrs: sgsim.MustParseAddrs("10.0.1.0/24"), Groups: []string{"sg-web"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "tcp 10.9.9.9:1 -> 10.9.9.8:2 from (outside) to (outside): delivered and answered\n" +
		"  no hop: neither address is in an endpoint of the network, so no security group or network ACL applies\n"
	if got := n.Trace(sgsim.MustParseFlow("tcp 10.9.9.9:1 -> 10.9.9.8:2")).String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A flow that meets a hop has no such line.
	if got := n.Trace(sgsim.MustParseFlow("tcp 10.9.9.9:1 -> 10.0.1.5:2")).String(); strings.Contains(got, "no hop") {
		t.Errorf("into web:\n%s", got)
	}
}

// A Trace not made by Network.Trace prints without panicking.
func TestZeroTraceString(t *testing.T) {
	var tr sgsim.Trace
	if got := tr.String(); got != "any invalid IP -> invalid IP from (outside) to (outside): dropped\n" {
		t.Errorf("zero Trace prints %q", got)
	}
}

func TestGroupReferenceResolves(t *testing.T) {
	// A self-reference lets members in; an empty group matches nothing.
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "nodes", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any from group nodes priority 1"),
				sgsim.MustParseRule("ingress allow any from group empty priority 1"), sgsim.MustParseRule("egress allow any priority 1")}},
			{ID: "empty"},
		},
		Endpoints: []sgsim.Endpoint{{Name: "pool", Addrs: sgsim.MustParseAddrs("10.0.0.0/29,10.0.1.0/29"), Groups: []string{"nodes"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := n.Decide(pkt("tcp 10.0.0.1:1 -> 10.0.1.2:2")); !d.Allowed {
		t.Errorf("member to member: %+v", d)
	}
	if d := n.Decide(pkt("tcp 10.0.2.1:1 -> 10.0.1.2:2")); d.Allowed || d.Hop != sgsim.DstIngress {
		t.Errorf("non-member: %+v", d)
	}
	g, ok := n.Group("nodes")
	if !ok {
		t.Fatal(`Group("nodes"): not found`)
	}
	if got := g.Rules[0].Src.String(); got != "10.0.0.0/29,10.0.1.0/29" {
		t.Errorf("resolved remote %s", got)
	}
	if !g.Rules[1].Src.IsEmpty() {
		t.Errorf("empty group resolved to %v", g.Rules[1].Src)
	}
}

// Members: a reference to a group no endpoint carries resolves to the
// addresses given for it (nothing when empty), and a carried group's
// members are its endpoints' addresses plus its Members entry.
func TestBuildNetworkMembers(t *testing.T) {
	g := sgsim.Group{ID: "sg-app", Rules: []sgsim.Rule{
		sgsim.MustParseRule("ingress allow tcp 443 from group sg-peer"),
		sgsim.MustParseRule("ingress allow tcp 22 from group sg-app"),
		sgsim.MustParseRule("ingress allow tcp 80 from group sg-gone"),
		sgsim.MustParseRule("egress allow any"),
	}}
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: sgsim.Union, Groups: []sgsim.Group{g},
		Endpoints: []sgsim.Endpoint{{Name: "app", Addrs: sgsim.MustParseAddrs("10.0.0.5"), Groups: []string{"sg-app"}}},
		Members: map[string]sgsim.Addrs{
			"sg-peer": sgsim.MustParseAddrs("10.1.0.0/16"),
			"sg-app":  sgsim.MustParseAddrs("10.2.0.9"),
			"sg-gone": sgsim.AddrsOf(nil),
		}})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{
		"tcp 10.1.2.3:40000 -> 10.0.0.5:443": true,  // a peer member
		"tcp 10.3.2.3:40000 -> 10.0.0.5:443": false, // not a peer member
		"tcp 10.2.0.9:40000 -> 10.0.0.5:22":  true,  // an sg-app member through Members
		"tcp 10.2.0.8:40000 -> 10.0.0.5:22":  false,
		"tcp 10.1.2.3:40000 -> 10.0.0.5:80":  false, // sg-gone matches nothing
		"tcp 10.2.0.9:40000 -> 10.0.0.5:80":  false,
	} {
		if d := n.Decide(sgsim.MustParseFlow(f)); d.Allowed != want {
			t.Errorf("%s: %+v, want allowed %v", f, d, want)
		}
	}
}

// Subnet.Also: a dual-stack subnet's IPv6 block belongs to it, so an
// unplaced IPv6 address there is in the subnet: no ACL between it and the
// subnet's endpoints, the subnet's ACL from outside.
func TestSubnetAlso(t *testing.T) {
	acl := sgsim.Group{ID: "acl-1", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 443 priority 1"), sgsim.MustParseRule("egress allow any priority 1")}}
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: sgsim.Union, ACLs: []sgsim.Group{acl},
		Subnets:   []sgsim.Subnet{{Name: "s", Prefix: netip.MustParsePrefix("10.0.1.0/24"), Also: []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/64")}, ACL: "acl-1"}},
		Endpoints: []sgsim.Endpoint{{Name: "web", Addrs: sgsim.MustParseAddrs("10.0.1.5,2001:db8:1::5"), Subnet: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{
		"tcp [2001:db8:1::9]:40000 -> [2001:db8:1::5]:22":  true,  // same subnet: the ACL does not apply
		"tcp [2001:db8:2::9]:40000 -> [2001:db8:1::5]:22":  false, // from outside: the ACL drops 22
		"tcp [2001:db8:2::9]:40000 -> [2001:db8:1::7]:22":  false, // to an unplaced address of the IPv6 block: the subnet's ACL
		"tcp [2001:db8:2::9]:40000 -> [2001:db8:1::7]:443": true,
	} {
		if d := n.Decide(sgsim.MustParseFlow(f)); d.Allowed != want {
			t.Errorf("%s: %+v; want allowed=%v", f, d, want)
		}
	}
}

// A subnet without blocks holds only its endpoints: its ACL applies to
// their traffic, and addresses near them belong to no subnet.
func TestSubnetWithoutBlocks(t *testing.T) {
	acl := sgsim.Group{ID: "acl-1", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 443 priority 1"), sgsim.MustParseRule("egress allow any priority 1")}}
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: sgsim.Union, ACLs: []sgsim.Group{acl},
		Subnets:   []sgsim.Subnet{{Name: "s", ACL: "acl-1"}},
		Endpoints: []sgsim.Endpoint{{Name: "web", Addrs: sgsim.MustParseAddrs("10.0.1.5"), Subnet: "s"}, {Name: "db", Addrs: sgsim.MustParseAddrs("10.0.1.6"), Subnet: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{
		"tcp 10.9.0.1:40000 -> 10.0.1.5:443": true,
		"tcp 10.9.0.1:40000 -> 10.0.1.5:22":  false, // the ACL of web's subnet
		"tcp 10.0.1.6:40000 -> 10.0.1.5:22":  true,  // same subnet: no ACL
		"tcp 10.9.0.1:40000 -> 10.0.1.7:22":  true,  // next to web, in no subnet
	} {
		if d := n.Decide(sgsim.MustParseFlow(f)); d.Allowed != want {
			t.Errorf("%s: %+v; want allowed=%v", f, d, want)
		}
	}
}

// Decision.Outside: set for a flow between two addresses of no endpoint
// and for one between an endpoint without security groups and such an
// address (no hop applies to either); not for a flow that meets a group,
// nor for one dropped, nor for an invalid flow. The trace of a flow
// from an endpoint without groups says that, not "neither address is in
// an endpoint".
func TestDecisionOutside(t *testing.T) {
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud:  sgsim.Union,
		Groups: []sgsim.Group{{ID: "sg-web", Rules: rulesOf("ingress allow tcp 443 from 0.0.0.0/0")}},
		Endpoints: []sgsim.Endpoint{
			{Name: "web", Addrs: sgsim.MustParseAddrs("10.0.1.0/24"), Groups: []string{"sg-web"}},
			{Name: "internet", Addrs: sgsim.MustParseAddrs("203.0.113.0/24")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flow    string
		outside bool
	}{
		{"tcp 10.9.9.9:1 -> 10.9.9.8:2", true},
		{"icmp 10.9.9.9 -> 10.9.9.8 type 3 code 1", true},
		{"tcp 203.0.113.5:1 -> 10.9.9.8:2", true},
		{"tcp 203.0.113.5:1 -> 10.0.1.5:443", false},
		{"tcp 203.0.113.5:1 -> 10.0.1.5:22", false},
	} {
		if d := n.Decide(sgsim.MustParseFlow(c.flow)); d.Outside != c.outside {
			t.Errorf("%s: Outside %v; want %v", c.flow, d.Outside, c.outside)
		}
	}
	if d := n.Decide(sgsim.Flow{}); d.Outside {
		t.Errorf("invalid flow: Outside")
	}
	want := "tcp 203.0.113.5:1 -> 10.9.9.8:2 from internet to (outside): delivered and answered\n" +
		"  no hop: neither end has a security group and no network ACL lies between them, so no rule applies\n"
	if got := n.Trace(sgsim.MustParseFlow("tcp 203.0.113.5:1 -> 10.9.9.8:2")).String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
