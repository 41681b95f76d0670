package analyze

import (
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// ruleOf finds the set's rule a reference points at.
func ruleOf(s Set, r *RuleRef) sgsim.Rule {
	for _, g := range s.Groups {
		if g.ID == r.Group {
			return g.Rules[r.Index]
		}
	}
	panic("no group " + r.Group)
}

func TestLintProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		s := smallSet(t, sem, "")
		fs, err := LintSet(s)
		if err != nil {
			t.Fatal(err)
		}
		l := linear(t, s)
		for _, f := range fs {
			// Every rule a finding names is the rule at that place.
			for _, r := range f.Rules {
				if rule := ruleOf(s, r); f.Code != EmptyReference && rule.String() != r.Text {
					t.Fatalf("%v: names %s/%d as %q, which is %q", f, r.Group, r.Index, r.Text, rule.String())
				}
			}
			subject := ruleOf(s, f.Rules[0])
			if f.Witness != "" {
				if !subject.Matches(f.WitnessFlow) || subject.Direction != f.Direction {
					t.Fatalf("%v: witness does not match the rule", f)
				}
			}
			v := l.Check(f.Direction, f.WitnessFlow)
			switch f.Code {
			case Shadowed:
				for _, fl := range allSmallFlows {
					if v := l.Check(subject.Direction, fl); v.Rule != nil && v.Rule.ID == subject.ID {
						t.Fatalf("%v: but it decides %v", f, fl)
					}
				}
				if f.Witness != "" && (v.Rule == nil || v.Rule.ID == subject.ID) {
					t.Fatalf("%v: witness decided by %v", f, v)
				}
			case Conflict:
				winner := ruleOf(s, f.Rules[1])
				if v.Rule == nil || v.Rule.ID != winner.ID || winner.Action == subject.Action {
					t.Fatalf("%v: witness decided by %v", f, v)
				}
			case Redundant:
				if v.Rule == nil || v.Rule.ID != subject.ID {
					t.Fatalf("%v: witness decided by %v", f, v)
				}
				var g, i int
				for gi, gr := range s.Groups {
					if gr.ID == f.Rules[0].Group {
						g, i = gi, f.Rules[0].Index
					}
				}
				l2 := linear(t, without(s, g, i))
				for _, fl := range allSmallFlows {
					if a, b := l.Check(subject.Direction, fl), l2.Check(subject.Direction, fl); a.Action != b.Action {
						t.Fatalf("%v: removing it changes %v from %v to %v", f, fl, a, b)
					}
				}
			}
		}
		// And the other way: a rule that decides no enumerated flow is
		// reported shadowed, and one that decides some but whose removal
		// changes no action is reported redundant.
		codes := map[string]string{}
		for _, f := range fs {
			if f.Code == Shadowed || f.Code == Redundant {
				codes[f.Rules[0].ID] = f.Code
			}
		}
		for gi, g := range s.Groups {
			for ri, r := range g.Rules {
				decides := false
				for _, fl := range allSmallFlows {
					if v := l.Check(r.Direction, fl); v.Rule != nil && v.Rule.ID == r.ID {
						decides = true
						break
					}
				}
				want := Shadowed
				if decides {
					want = Redundant
					l2 := linear(t, without(s, gi, ri))
					for _, fl := range allSmallFlows {
						if l.Check(r.Direction, fl).Action != l2.Check(r.Direction, fl).Action {
							want = ""
							break
						}
					}
				}
				if codes[r.ID] != want {
					t.Fatalf("rule %v: lint says %q, want %q; findings %v", r, codes[r.ID], want, fs)
				}
			}
		}
	})
}

func TestLintCases(t *testing.T) {
	g := func(id string, rules ...string) sgsim.Group {
		gr := sgsim.Group{ID: id}
		for _, r := range rules {
			gr.Rules = append(gr.Rules, sgsim.MustParseRule(r))
		}
		return gr
	}
	s := NewSet(sgsim.Huawei,
		g("a", "ingress allow tcp 22 from 10.0.0.0/8 priority 1 id wide",
			"ingress allow tcp 22 from 10.1.0.0/16 priority 2 id narrow",
			"ingress deny tcp 22 from 10.2.0.0/16 priority 1 id deny",
			"ingress allow any priority 5 id open",
			"ingress allow tcp 80 from 2001:db8::/32 priority 1 id v6"),
		g("b", "ingress deny tcp 22 from 10.3.0.0/16 priority 1 id late-deny"))
	s.Families = []sgsim.Family{sgsim.IPv4}
	fs, err := LintSet(s)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Code+" "+f.Rules[0].ID)
	}
	want := []string{"SG004 open", "SG001 narrow", "SG001 late-deny", "SG002 wide", "SG002 late-deny", "SG007 v6"}
	for _, w := range want {
		found := false
		for _, x := range got {
			found = found || x == w
		}
		if !found {
			t.Errorf("lint lacks %q; got %q", w, got)
		}
	}
	for _, f := range fs {
		if f.Code == Conflict && f.Rules[0].ID == "wide" && (f.Rules[1].ID != "deny" || !strings.Contains(f.Message, "deny before allow")) {
			t.Errorf("conflict: %v", f)
		}
	}
}

// Lint reports every rule's finding, even when two findings of a set
// read alike, and a finding about a rule on its own once, however many
// sets hold its group.
func TestLintReportsEachRule(t *testing.T) {
	a := sgsim.Group{ID: "a"}
	for _, r := range []string{
		"ingress allow tcp 22 from 10.0.0.0/8 priority 1 id wide",
		"ingress allow tcp 22 from 10.1.0.0/16 priority 2 id n1",
		"ingress allow tcp 22 from 10.2.0.0/16 priority 2 id n2",
		"ingress allow any from 0.0.0.0/0 priority 3 id open",
	} {
		a.Rules = append(a.Rules, sgsim.MustParseRule(r))
	}
	b := sgsim.Group{ID: "b", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any priority 1 id out")}}
	spec := sgsim.NetworkSpec{Cloud: sgsim.Huawei, Groups: []sgsim.Group{a, b}, Endpoints: []sgsim.Endpoint{
		{Name: "e1", Addrs: sgsim.MustParseAddrs("10.9.0.0/24"), Groups: []string{"a"}},
		{Name: "e2", Addrs: sgsim.MustParseAddrs("10.9.1.0/24"), Groups: []string{"a", "b"}}}}
	fs, err := Lint(spec)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Code+" "+f.Set+" "+f.Rules[0].ID)
	}
	// wide is redundant: open allows its flows anyway.
	want := []string{"SG004 a open", "SG001 a n1", "SG001 a n2", "SG001 a+b n1", "SG001 a+b n2", "SG003 a wide", "SG003 a+b wide"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lint:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A set whose Families or Original do not fit its groups is an error
// that says which field, not a panic or a silently empty result.
func TestSetErrors(t *testing.T) {
	g := sgsim.Group{ID: "a", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 priority 1")}}
	fam := NewSet(sgsim.Huawei, g)
	fam.Families = []sgsim.Family{sgsim.IPv4, 7}
	short := NewSet(sgsim.Huawei, g)
	short.Original = []sgsim.Group{{ID: "a"}}
	other := NewSet(sgsim.Huawei, g)
	other.Original = []sgsim.Group{g, g}
	for _, c := range []struct {
		s    Set
		want string
	}{
		{fam, `set "a": Families[1] is 7: want ipv4 (4) or ipv6 (6)`},
		{short, `set "a": Original[0] is group "a" with 0 rules, Groups[0] group "a" with 1`},
		{other, `set "a": Original has 2 groups, Groups 1`},
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%q: panic %v", c.want, r)
				}
			}()
			if _, err := LintSet(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("LintSet: %v, want %q", err, c.want)
			}
			if _, err := DiffSets(c.s, NewSet(sgsim.Huawei, g)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("DiffSets: %v, want %q", err, c.want)
			}
		}()
	}
}

// SG006 names the reference to a group without members in the rule's
// own text; SG005 flags "Modification recommended" rows and not
// "Modification not recommended" ones.
func TestLintReferenceAndVendorRows(t *testing.T) {
	rec, notRec := sgsim.MustParseRule("ingress allow tcp 80 priority 1 id rec"), sgsim.MustParseRule("ingress allow tcp 81 priority 1 id notrec")
	rec.Origin = sgsim.Origin{Vendor: "huawei", Table: "Table 2", Row: 3, Modifiable: "Modification recommended", Suggestion: "narrow it"}
	notRec.Origin = sgsim.Origin{Vendor: "huawei", Table: "Table 2", Row: 4, Modifiable: "Modification not recommended"}
	a := sgsim.Group{ID: "a", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any from group nobody priority 1 id ref"), rec, notRec}}
	spec := sgsim.NetworkSpec{Cloud: sgsim.Huawei, Groups: []sgsim.Group{a, {ID: "nobody"}},
		Endpoints: []sgsim.Endpoint{{Name: "e", Addrs: sgsim.MustParseAddrs("10.0.0.0/24"), Groups: []string{"a"}}}}
	fs, err := Lint(spec)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Code+" "+f.Set+" "+f.Rules[0].ID+": "+f.Message+" | "+f.Rules[0].Text)
	}
	want := []string{
		`SG005 a rec: the vendor marks this row "Modification recommended": narrow it | ingress allow tcp 80 priority 1 id rec`,
		`SG006 a ref: references security group "nobody", which has no members: the rule matches nothing | ingress allow any from group nobody priority 1 id ref`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lint:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// LintProgress reports every rule of every set once, in order, ending at
// the total, and finds what Lint finds.
func TestLintProgress(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		a, b := smallSet(t, sem, "a"), smallSet(t, sem, "b")
		spec := sgsim.NetworkSpec{Cloud: sem, Groups: append(append([]sgsim.Group(nil), a.Groups...), b.Groups...),
			Endpoints: []sgsim.Endpoint{{Name: "e", Addrs: sgsim.MustParseAddrs("10.0.0.1"), Groups: []string{a.Groups[0].ID}}}}
		sets, err := SetsOf(spec)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, s := range sets {
			for _, g := range s.Groups {
				want += len(g.Rules)
			}
		}
		var calls [][2]int
		got, err := LintProgress(spec, func(done, total int) { calls = append(calls, [2]int{done, total}) })
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != want+1 {
			t.Fatalf("%d calls for %d rules: %v", len(calls), want, calls)
		}
		for i, c := range calls {
			if c != [2]int{i, want} {
				t.Fatalf("call %d is %v, want [%d %d]", i, c, i, want)
			}
		}
		plain, _ := Lint(spec)
		if len(plain) != len(got) {
			t.Fatalf("LintProgress %d findings, Lint %d", len(got), len(plain))
		}
		for i := range got {
			if got[i].String() != plain[i].String() {
				t.Fatalf("finding %d: %v, Lint %v", i, got[i], plain[i])
			}
		}
	})
}
