package sgsim_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

func group(id string, rs ...string) sgsim.Group { return sgsim.Group{ID: id, Rules: rules(rs...)} }

// decided returns "group/rule" for the ingress verdict of f under s.
func decided(t *testing.T, s sgsim.Semantics, f string, gs ...sgsim.Group) (sgsim.Action, string) {
	t.Helper()
	c, l := compile(t, s, gs...), linear(t, s, gs...)
	v, lv := c.Check(sgsim.Ingress, pkt(f)), l.Check(sgsim.Ingress, pkt(f))
	if sgsimtest.Decider(v) != sgsimtest.Decider(lv) || v.Action != lv.Action {
		t.Fatalf("compiled %v, linear %v", v, lv)
	}
	return v.Action, sgsimtest.Decider(v)
}

func TestSemanticsOrders(t *testing.T) {
	const f = "tcp 10.0.0.1:40000 -> 10.0.0.2:22"
	type row struct {
		name   string
		s      sgsim.Semantics
		groups []sgsim.Group
		action sgsim.Action
		rule   string
	}
	for _, tc := range []row{
		// Huawei: equal priority, deny wins whatever the list order.
		{"huawei deny wins tie", sgsim.Huawei, []sgsim.Group{group("g",
			"ingress allow tcp 22 priority 1 id a", "ingress deny tcp 22 priority 1 id d")}, sgsim.Deny, "g/d"},
		// Huawei: lower number first.
		{"huawei priority", sgsim.Huawei, []sgsim.Group{group("g",
			"ingress deny tcp 22 priority 2 id d", "ingress allow tcp 22 priority 1 id a")}, sgsim.Allow, "g/a"},
		// Huawei: the first attached group decides even with a worse priority.
		{"huawei attachment order", sgsim.Huawei, []sgsim.Group{
			group("first", "ingress allow tcp 22 priority 100 id a"),
			group("second", "ingress deny tcp 22 priority 1 id d")}, sgsim.Allow, "first/a"},
		// Alibaba: all groups merged, priority across groups.
		{"alibaba merged priority", sgsim.Alibaba, []sgsim.Group{
			group("first", "ingress allow tcp 22 priority 100 id a"),
			group("second", "ingress deny tcp 22 priority 1 id d")}, sgsim.Deny, "second/d"},
		// Alibaba: equal priority across groups, drop first.
		{"alibaba drop wins tie across groups", sgsim.Alibaba, []sgsim.Group{
			group("first", "ingress allow tcp 22 priority 5 id a"),
			group("second", "ingress deny tcp 22 priority 5 id d")}, sgsim.Deny, "second/d"},
		// Tencent: first group, first listed, whatever follows.
		{"tencent first match across groups", sgsim.Tencent, []sgsim.Group{
			group("first", "ingress deny tcp 23 priority 0 id x", "ingress allow tcp 22 priority 1 id a"),
			group("second", "ingress deny tcp 22 priority 0 id d")}, sgsim.Allow, "first/a"},
		// Tencent: PolicyIndex order, not slice order.
		{"tencent policy index", sgsim.Tencent, []sgsim.Group{group("g",
			"ingress allow tcp 22 priority 1 id a", "ingress deny tcp 22 priority 0 id d")}, sgsim.Deny, "g/d"},
		// ACL: rule number ascending.
		{"acl rule number", sgsim.ACL, []sgsim.Group{group("acl",
			"ingress allow tcp 22 priority 200 id a", "ingress deny any priority 100 id d")}, sgsim.Deny, "acl/d"},
		// Union: any allow.
		{"union", sgsim.Union, []sgsim.Group{group("a", "ingress allow udp 53 id u"), group("b", "ingress allow tcp 22 id t")},
			sgsim.Allow, "b/t"},
		// Nothing matches: default deny under every semantics.
		{"default deny", sgsim.Huawei, []sgsim.Group{group("g", "ingress allow tcp 23 priority 1")}, sgsim.Deny, ""},
		// FirstMatch: slice order.
		{"first match", sgsim.FirstMatch, []sgsim.Group{group("g",
			"ingress allow tcp 22 priority 9 id a", "ingress deny tcp 22 priority 1 id d")}, sgsim.Allow, "g/a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, r := decided(t, tc.s, f, tc.groups...)
			if a != tc.action || r != tc.rule {
				t.Errorf("verdict %v by %q; want %v by %q", a, r, tc.action, tc.rule)
			}
		})
	}
}

func TestSemanticsValidation(t *testing.T) {
	for _, tc := range []struct {
		s    sgsim.Semantics
		g    sgsim.Group
		want string
	}{
		{sgsim.Huawei, group("sg", "ingress allow tcp 22 id r"), `sgsim: rule "sg"[0] "r": priority "0": out of range 1-100 for huawei`},
		{sgsim.Alibaba, group("sg", "ingress allow tcp 22 priority 101"), `sgsim: rule "sg"[0]: priority "101": out of range 1-100 for alibaba`},
		{sgsim.Union, group("sg", "ingress allow tcp 22", "ingress deny tcp 23"), `sgsim: rule "sg"[1]: action "deny": union semantics (AWS security groups) has allow rules only`},
		{sgsim.FirstMatch, group("sg", "ingress allow tcp from group other"), `sgsim: rule "sg"[0]: remote group "other": not resolved to addresses; resolve references (see Resolve) before compiling`},
		{sgsim.ACL, group("acl", "ingress allow tcp priority 40000"), `sgsim: rule "acl"[0]: priority "40000": out of range 0-32766 for acl`},
		{sgsim.Semantics(99), group("g"), `sgsim: parse semantics "99": unknown semantics`},
	} {
		_, err := sgsim.Compile(tc.s, tc.g)
		_, lerr := sgsim.NewLinear(tc.s, tc.g)
		if err == nil || err.Error() != tc.want || lerr == nil || lerr.Error() != tc.want {
			t.Errorf("Compile(%v, %v):\n got %v\n     %v\nwant %s", tc.s, tc.g.Rules, err, lerr, tc.want)
		}
	}
	// A rule built in code gets the same checks.
	bad := sgsim.Rule{Protocol: sgsim.UDP, DstPorts: sgsim.Ports{{First: 9, Last: 3}}}
	if _, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: []sgsim.Rule{bad}}); err == nil ||
		err.Error() != `sgsim: rule "g"[0]: dst ports "9-3": first port above last port` {
		t.Errorf("Compile(bad ports) = %v", err)
	}
	both := sgsim.Rule{RemoteGroup: "a", RemoteList: "b"}
	if err := both.Validate(); err == nil || err.Error() != `sgsim: rule: remote "a and b": two remotes; a rule has at most one` {
		t.Errorf("Validate(two remotes) = %v", err)
	}
}

func TestSemanticsText(t *testing.T) {
	for s := sgsim.Semantics(0); s <= sgsim.ACL; s++ {
		if p, err := sgsim.ParseSemantics(s.String()); err != nil || p != s {
			t.Errorf("ParseSemantics(%q) = %v, %v", s, p, err)
		}
	}
}

// The zero Rule denies everything of both families; the zero Verdict is
// the default deny.
func TestZeroValues(t *testing.T) {
	var r sgsim.Rule
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"tcp 1.1.1.1:1 -> 2.2.2.2:2", "udp [::1]:1 -> [::2]:2", "gre 1.1.1.1 -> 2.2.2.2"} {
		if !r.Matches(pkt(f)) {
			t.Errorf("zero rule does not match %s", f)
		}
	}
	if r.String() != "ingress deny any" {
		t.Errorf("zero rule prints %q", r.String())
	}
	var v sgsim.Verdict
	if v.Allowed() || v.String() != "deny: no rule matched: default deny" {
		t.Errorf("zero verdict = %v", v)
	}
}

func TestRuleTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		r := sgsimtest.Rule(t, s, "r")
		r.ID = rapid.SampledFrom([]string{"", "r1", "a b", `q"x`, "sg-1/rule"}).Draw(t, "id")
		switch rapid.IntRange(0, 4).Draw(t, "ref") {
		case 0:
			r.RemoteGroup = rapid.SampledFrom([]string{"sg-1", "sg 2"}).Draw(t, "group")
			if r.Direction == sgsim.Ingress {
				r.Src = sgsim.AnyAddrs()
			} else {
				r.Dst = sgsim.AnyAddrs()
			}
		case 1:
			r.RemoteList = "pl-1"
			if r.Direction == sgsim.Ingress {
				r.Src = sgsim.AnyAddrs()
			} else {
				r.Dst = sgsim.AnyAddrs()
			}
		}
		text := r.String()
		back, err := sgsim.ParseRule(text)
		if err != nil {
			t.Fatalf("ParseRule(%q): %v", text, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("ParseRule(%q) differs (-want +got):\n%s", text, diff)
		}
	})
}
