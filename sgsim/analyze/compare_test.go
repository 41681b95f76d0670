package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// sizedSet is a random set of n small rules (see smallRule) in one to
// three groups.
func sizedSet(t *rapid.T, s sgsim.Semantics, prefix string, n int) Set {
	gs := make([]sgsim.Group, rapid.IntRange(1, 3).Draw(t, prefix+" groups"))
	for i := range gs {
		gs[i].ID = fmt.Sprintf("%sg%d", prefix, i)
	}
	for k := 0; k < n; k++ {
		i := rapid.IntRange(0, len(gs)-1).Draw(t, "group")
		gs[i].Rules = append(gs[i].Rules, smallRule(t, s, fmt.Sprintf("%sr%d", prefix, k), s == sgsim.ACL || s == sgsim.FirstMatch))
	}
	return NewSet(s, gs...)
}

// drawSize is mostly up to 30 rules, one case in eight up to 300 (60
// under the race detector).
func drawSize(t *rapid.T, label string) int {
	if rapid.IntRange(0, 7).Draw(t, label+" big") == 0 {
		if raceEnabled {
			return rapid.IntRange(30, 60).Draw(t, label+" rules")
		}
		return rapid.IntRange(30, 300).Draw(t, label+" rules")
	}
	return rapid.IntRange(0, 30).Draw(t, label+" rules")
}

// findingKey is a finding without its witness, with the rules after the
// subject sorted: the engine lists the rules that take a rule's flows in
// the order its partition meets them, which need not be the reference's.
func findingKey(f Finding) string {
	var rest []string
	for _, r := range f.Rules[1:] {
		rest = append(rest, r.Group+"/"+fmt.Sprint(r.Index))
	}
	slices.Sort(rest)
	return strings.Join([]string{f.Code, f.Severity.String(), f.Set, f.Message, f.Region, f.Direction.String(),
		f.Rules[0].Group + "/" + fmt.Sprint(f.Rules[0].Index), f.Rules[0].Text, strings.Join(rest, ","), fmt.Sprint(f.Witness != "")}, " | ")
}

// The engine's LintSet gives the reference's findings (refLintSet, the
// implementation before issue 18), in the same order, and witnesses that
// show the finding; where the reference's witness is the only flow of
// the finding's region, the same witness; on 1, 2, 3 or 8 workers.
func TestLintMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		s := sizedSet(t, sem, "", drawSize(t, "set"))
		if rapid.Bool().Draw(t, "v4 only") {
			s.Families = []sgsim.Family{sgsim.IPv4}
		}
		lintMatchesReference(t, s)
	})
}

// lintMatchesReference is TestLintMatchesReference's check of one set,
// linted on 1, 2, 3 or 8 workers.
func lintMatchesReference(t *rapid.T, s Set) {
	got, err := LintSetWith(s, LintOptions{Workers: rapid.SampledFrom([]int{1, 2, 3, 8}).Draw(t, "workers")})
	if err != nil {
		t.Fatal(err)
	}
	want, err := refLintSet(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d findings, reference %d:\n%v\nreference:\n%v", len(got), len(want), got, want)
	}
	l := linear(t, s)
	for i := range got {
		g, w := got[i], want[i]
		if w.Code == Redundant {
			// The reference names the rules below by their index in
			// the set without the subject: one less after it in its
			// group. The engine names them in the set linted.
			rs := make([]*RuleRef, len(w.Rules))
			for j, r := range w.Rules {
				c := *r
				rs[j] = &c
			}
			w.Rules = rs
			for j := 1; j < len(w.Rules); j++ {
				if w.Rules[j].Group == w.Rules[0].Group && w.Rules[j].Index >= w.Rules[0].Index {
					w.Rules[j].Index++
				}
			}
		}
		if findingKey(g) != findingKey(w) {
			t.Fatalf("finding %d:\n%s\nreference:\n%s", i, findingKey(g), findingKey(w))
		}
		if g.Witness == "" {
			continue
		}
		if g.Witness != g.WitnessFlow.String() {
			t.Fatalf("%v: witness text %q, flow %v", g, g.Witness, g.WitnessFlow)
		}
		subject := ruleOf(s, g.Rules[0])
		if !subject.Matches(g.WitnessFlow) {
			t.Fatalf("%v: witness does not match the rule", g)
		}
		v := l.Check(g.Direction, g.WitnessFlow)
		switch g.Code {
		case Conflict:
			if v.Rule == nil || v.Rule.ID != ruleOf(s, g.Rules[1]).ID {
				t.Fatalf("%v: witness decided by %v", g, v)
			}
		case Redundant, OverBroad, VendorModify:
			if v.Rule == nil || v.Rule.ID != subject.ID {
				t.Fatalf("%v: witness decided by %v", g, v)
			}
		case Shadowed:
			if g.Witness != w.Witness {
				t.Fatalf("%v: witness %s, reference %s", g, g.Witness, w.Witness)
			}
			// The rule's whole space is the finding's region.
			fam := sgsim.IPv4
			if g.WitnessFlow.Src.Is6() {
				fam = sgsim.IPv6
			}
			if sp, ok := ruleSpace(&subject, fam, g.WitnessFlow.Proto); ok {
				if why := untestable(sp, g.WitnessFlow); why != "" {
					t.Fatalf("%v: witness not one a person would test with: %s", g, why)
				}
			}
		}
	}
}

// The engine's DiffSets gives the reference's diff flow for flow: every
// enumerated flow is in an added (removed) change of one exactly when it
// is in the other's, with the same old and new deciding rules, and in
// at most one change.
func TestDiffMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := sizedSet(t, sem, "", drawSize(t, "old"))
		new := mutate(t, old)
		if rapid.Bool().Draw(t, "unrelated") {
			new = sizedSet(t, sem, "", drawSize(t, "new"))
		}
		got, err := DiffSets(old, new)
		if err != nil {
			t.Fatal(err)
		}
		want, err := refDiffSets(old, new)
		if err != nil {
			t.Fatal(err)
		}
		if got.IsEmpty() != want.IsEmpty() {
			t.Fatalf("empty %v, reference %v", got.IsEmpty(), want.IsEmpty())
		}
		refKey := func(r *RuleRef) string {
			if r == nil {
				return "default"
			}
			return r.Group + "/" + fmt.Sprint(r.Index)
		}
		type slot struct {
			dir   sgsim.Direction
			proto sgsim.Protocol
		}
		type entry struct {
			c     *Change
			added bool
		}
		byKey := func(d Diff) map[slot][]entry {
			m := map[slot][]entry{}
			for k, set := range [][]Change{d.Added, d.Removed} {
				for i := range set {
					c := &set[i]
					sl := slot{c.Direction, c.Region.Protocol}
					m[sl] = append(m[sl], entry{c, k == 0})
				}
			}
			return m
		}
		gm, wm := byKey(got), byKey(want)
		in := func(m map[slot][]entry, dir sgsim.Direction, f sgsim.Flow) (string, int) {
			key, n := "", 0
			for _, e := range m[slot{dir, f.Proto}] {
				if e.c.Region.Contains(f) {
					key = fmt.Sprint(e.added, " ", refKey(e.c.Old), " ", refKey(e.c.New), " ", e.c.Others)
					n++
				}
			}
			return key, n
		}
		for _, set := range [][]Change{got.Added, got.Removed} {
			for _, c := range set {
				if !c.Region.Contains(c.Witness) || c.WitnessText != c.Witness.String() || !strings.HasPrefix(c.RegionText, c.Region.String()) {
					t.Fatalf("%v: witness or text off its region", c)
				}
			}
		}
		for _, f := range sweptFlows(t) {
			for dir := sgsim.Ingress; dir <= sgsim.Egress; dir++ {
				g, n := in(gm, dir, f)
				w, _ := in(wm, dir, f)
				if n > 1 {
					t.Fatalf("%v %v in %d changes", dir, f, n)
				}
				if g != w {
					t.Fatalf("%v %v: change %q, reference %q\ngot %v\nreference %v", dir, f, g, w, got, want)
				}
			}
		}
	})
}

// Leaving out the parts of the cuts that cannot change the result
// (prune) changes nothing: the same findings with the same witnesses and
// the other rules in the same order (the lint on 1, 2, 3 or 8
// workers), and the same diff, change for change.
func TestPruneChangesNothing(t *testing.T) {
	defer func() { prune = true }()
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := sizedSet(t, sem, "", drawSize(t, "old"))
		new := mutate(t, old)
		n := rapid.SampledFrom([]int{1, 2, 3, 8}).Draw(t, "workers")
		run := func(on bool) (string, string) {
			prune = on
			fs, err := LintSetWith(old, LintOptions{Workers: n})
			if err != nil {
				t.Fatal(err)
			}
			d, err := DiffSets(old, new)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(fs), fmt.Sprint(d)
		}
		l0, d0 := run(false)
		l1, d1 := run(true)
		if l0 != l1 {
			t.Fatalf("lint with prune:\n%s\nwithout:\n%s", l1, l0)
		}
		if d0 != d1 {
			t.Fatalf("diff with prune:\n%s\nwithout:\n%s", d1, d0)
		}
	})
}

// merge joins the cells of a diff into the same boxes as the merge it
// replaced (refMerge), whatever order the cells come in.
func TestMergeMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := sizedSet(t, sem, "", drawSize(t, "old"))
		new := sizedSet(t, sem, "n", drawSize(t, "new"))
		ko, err := compile(old)
		if err != nil {
			t.Fatal(err)
		}
		kn, err := compile(new)
		if err != nil {
			t.Fatal(err)
		}
		eo, en := newEngine(ko), newEngine(kn)
		// Both families: IPv4 cells, packable (held in 32-bit fields
		// by holdCells), and IPv6 cells (any that reach past one /96).
		for _, fam := range []sgsim.Family{sgsim.IPv4, sgsim.IPv6} {
			for _, cl := range classes(old, new) {
				to, tn := eo.table(sgsim.Ingress, fam, cl.Protocol), en.table(sgsim.Ingress, fam, cl.Protocol)
				cs, _ := changed(to, tn, eo.rules[sgsim.Ingress], en.rules[sgsim.Ingress], nil, &merger{}, 0)
				if len(cs) > 0 && fam == sgsim.IPv4 && !packable(cs) {
					t.Fatalf("IPv4 cells not packable: %v", cs)
				}
				// Shuffled: the result may not depend on the order.
				perm := rapid.Permutation(cs).Draw(t, "order")
				got, want := merge(perm), refMerge(slices.Clone(cs))
				sortCells(got)
				sortCells(want)
				if !slices.Equal(got, want) {
					t.Fatalf("%v %v: %d cells merge into %d, reference %d", fam, cl.Protocol, len(cs), len(got), len(want))
				}
			}
		}
	})
}

// A merge pass joins only its candidates: every cell that another cell
// of the pass can join (the same spans on the other three dimensions,
// and along the pass's, one's high end right below the other's low end)
// must be one, whatever else the hashed bit sets let in. Keys are drawn
// from a few values so that cells adjoin often, and a cell is drawn as
// a copy of another but along one dimension often enough that many can
// join.
func TestMergeCandidatesKeepJoinable(t *testing.T) {
	var joins atomic.Int64
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 300).Draw(t, "cells")
		cs := make([]cell, n)
		d := rapid.IntRange(0, 3).Draw(t, "dim")
		span1 := func() span {
			lo := rapid.Uint64Range(0, 20).Draw(t, "lo")
			hi := lo + rapid.Uint64Range(0, 3).Draw(t, "len")
			high := rapid.Uint64Range(0, 1).Draw(t, "high") // the upper word too
			return span{key{high, lo}, key{high, hi}}
		}
		for i := range cs {
			if i > 0 && rapid.Bool().Draw(t, "copy") {
				cs[i] = cs[rapid.IntRange(0, i-1).Draw(t, "of")]
				cs[i].b[d] = span1()
				continue
			}
			for e := range cs[i].b {
				cs[i].b[e] = span1()
			}
		}
		joinable := 0
		var m merger
		idx, all := m.candidates(cs, d)
		if all != (len(idx) == len(cs)) {
			t.Fatalf("all %v with %d of %d cells", all, len(idx), len(cs))
		}
		in := map[int32]bool{}
		for _, i := range idx {
			in[i] = true
		}
		for i := range cs {
			for j := range cs {
				if cs[i].b[d].hi.next() != cs[j].b[d].lo || !sameBut(&cs[i].b, &cs[j].b, d) {
					continue
				}
				joinable++
				if !in[int32(i)] || !in[int32(j)] {
					t.Fatalf("cells %d %v and %d %v can join along %d, candidates %v", i, cs[i].b, j, cs[j].b, d, idx)
				}
			}
		}
		joins.Add(int64(joinable))
	})
	if joins.Load() == 0 {
		t.Fatal("no case had cells that can join")
	}
}

// Diff writes a region's text through table.regionText, which caches
// the address ranges' text: it must be what Space.String writes, for
// every family, protocol kind and box (whole and narrowed dimensions,
// one range or a host), asked twice so the cached text is used too.
func TestRegionTextIsSpaceString(t *testing.T) {
	protos := []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6, sgsim.GRE}
	rapid.Check(t, func(t *rapid.T) {
		v6 := rapid.Bool().Draw(t, "v6")
		p := rapid.SampledFrom(protos).Draw(t, "protocol")
		tb := &table{v6: v6, proto: p, full: fullBox(v6, p)}
		draw := func(s span, name string) span {
			switch rapid.IntRange(0, 2).Draw(t, name) {
			case 0:
				return s // whole
			case 1: // one value
				k := key{s.lo.hi + rapid.Uint64Range(0, s.hi.hi-s.lo.hi).Draw(t, name+"hi"), s.lo.lo + rapid.Uint64Range(0, min(s.hi.lo-s.lo.lo, 1<<40)).Draw(t, name+"lo")}
				return span{k, k}
			}
			a := key{s.lo.hi, s.lo.lo + rapid.Uint64Range(0, min(s.hi.lo-s.lo.lo, 1000)).Draw(t, name+"a")}
			b := key{s.lo.hi, a.lo + rapid.Uint64Range(0, min(s.hi.lo-a.lo, 1000)).Draw(t, name+"b")}
			return span{a, b}
		}
		for range 2 {
			var b box
			for d := range b {
				b[d] = draw(tb.full[d], fmt.Sprint("dim", d))
			}
			s := tb.space(b)
			for range 2 {
				if got, want := tb.regionText(b, s, " x"), s.String()+" x"; got != want {
					t.Fatalf("regionText %q, Space.String %q", got, want)
				}
			}
		}
	})
}

// A region's text, once its address ranges' and ports' texts are made,
// is one allocation of its own size.
func TestRegionTextOneAllocation(t *testing.T) {
	tb := &table{proto: sgsim.TCP, full: fullBox(false, sgsim.TCP)}
	b := tb.full
	b[0] = span{keyOf(netip.MustParseAddr("10.0.0.0")), keyOf(netip.MustParseAddr("10.0.0.255"))}
	b[3] = span{key{0, 80}, key{0, 443}}
	s := tb.space(b)
	want := "tcp 10.0.0.0/24 -> 0.0.0.0/0 dport 80-443 (and more)"
	if got := tb.regionText(b, s, " (and more)"); got != want {
		t.Fatalf("regionText %q, want %q", got, want)
	}
	if n := testing.AllocsPerRun(100, func() { tb.regionText(b, s, " (and more)") }); n != 1 {
		t.Fatalf("regionText: %v allocations, want 1", n)
	}
}

// merge joins the cells of a grid (every dimension cut into a few
// intervals, each cell given one of two rules) into the same boxes as
// the reference merge, in any order; the keys straddle the carry from
// the low 64-bit word into the high one, so chains join across it.
func TestMergeGridMatchesReference(t *testing.T) {
	var joined atomic.Int64
	at := func(o uint64) key { // base {0, 2^64-6} plus o
		if o < 6 {
			return key{0, ^uint64(0) - 5 + o}
		}
		return key{1, o - 6}
	}
	rapid.Check(t, func(t *rapid.T) {
		var ivs [4][]span
		for d := range ivs {
			cuts := []uint64{0}
			for o := uint64(1); o < 12; o++ {
				if rapid.IntRange(0, 3).Draw(t, "cut") == 0 {
					cuts = append(cuts, o)
				}
			}
			cuts = append(cuts, 12)
			for i := 0; i+1 < len(cuts); i++ {
				ivs[d] = append(ivs[d], span{at(cuts[i]), at(cuts[i+1] - 1)})
			}
		}
		var cs []cell
		for _, a := range ivs[0] {
			for _, b := range ivs[1] {
				for _, c := range ivs[2] {
					for _, e := range ivs[3] {
						cs = append(cs, cell{b: box{a, b, c, e}, rule: int32(rapid.IntRange(0, 1).Draw(t, "rule"))})
					}
				}
			}
		}
		perm := rapid.Permutation(cs).Draw(t, "order")
		got, want := merge(perm), refMerge(slices.Clone(cs))
		sortCells(got)
		sortCells(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%d cells merge into %v, reference %v", len(cs), got, want)
		}
		if len(got) < len(cs) {
			joined.Add(1)
		}
	})
	if joined.Load() == 0 {
		t.Fatal("no case joined cells")
	}
}
