package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

// refLintSet is LintSet as it was before the engine (issue 18): one
// Partition per rule, a recompile per rule for redundancy and one
// Partition per pair of rules for conflicts. Kept as the reference the
// engine is compared with.
func refLintSet(s Set) ([]Finding, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	k, err := compile(s)
	if err != nil {
		return nil, err
	}
	var out []Finding
	add := func(code string, msg string, refs ...RuleRef) *Finding {
		ps := make([]*RuleRef, len(refs))
		for i := range refs {
			ps[i] = &refs[i]
		}
		out = append(out, Finding{Code: code, Severity: codeSeverity[code], Set: s.Name, Message: msg, Rules: ps})
		return &out[len(out)-1]
	}
	fams := s.families()
	cls := classes(s)
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		rules := k.rules(d)
		for ri, r := range rules {
			ref := *k.ref(r)
			p := k.pos[r]
			// SG006: a reference to a group without members.
			if s.Original != nil {
				o := s.Original[p[0]].Rules[p[1]]
				if o.RemoteGroup != "" && r.Remote().IsEmpty() {
					ref.Text = o.String()
					add(EmptyReference, fmt.Sprintf("references security group %q, which has no members: the rule matches nothing", o.RemoteGroup), ref)
					continue
				}
			}
			rf := ruleFamilies(r)
			var live []sgsim.Family
			for _, f := range rf {
				if slices.Contains(fams, f) {
					live = append(live, f)
				}
			}
			if len(rf) == 0 {
				add(Shadowed, "matches no address: the rule decides no flow", ref)
				continue
			}
			if len(live) == 0 {
				add(WrongFamily, fmt.Sprintf("matches only %s flows, but the set guards only %s addresses", famList(rf), famList(fams)), ref)
				continue
			}
			// Cells the rule decides, per family and protocol class.
			var mine []sgsim.Decided
			var takers []*sgsim.Rule
			for _, fam := range live {
				for _, cl := range cls {
					sp, ok := ruleSpace(r, fam, cl.Protocol)
					if !ok {
						continue
					}
					cells, err := k.c.Partition(d, sp)
					if err != nil {
						return nil, err
					}
					for _, c := range cells {
						if c.Verdict.Rule == r {
							mine = append(mine, c)
						} else if c.Verdict.Rule != nil && !slices.Contains(takers, c.Verdict.Rule) {
							takers = append(takers, c.Verdict.Rule)
						}
					}
				}
			}
			if len(mine) == 0 {
				refs := []RuleRef{ref}
				for _, t := range takers {
					refs = append(refs, *k.ref(t))
				}
				f := add(Shadowed, "decides no flow: earlier rules in evaluation order take every flow it matches", refs...)
				for _, cl := range cls {
					if sp, ok := ruleSpace(r, live[0], cl.Protocol); ok {
						f.witness(d, sp.TestFlow())
						f.Region = sp.String()
						break
					}
				}
			} else if red, others, w, err := refRedundant(s, k, d, r, mine); err != nil {
				return nil, err
			} else if red {
				refs := []RuleRef{ref}
				msg := "redundant: without it every flow it decides gets the same action ("
				if len(others) == 0 {
					msg += "the default deny)"
				} else {
					msg += "from the rules below)"
				}
				f := add(Redundant, msg, append(refs, others...)...)
				f.witness(d, w)
			}
			// SG002: earlier rules of the opposite action that win part
			// of the overlap.
			for _, a := range rules[:ri] {
				if a.Action == r.Action {
					continue
				}
				if f, ok, err := refConflict(k, d, a, r, live, cls); err != nil {
					return nil, err
				} else if ok {
					out = append(out, f)
				}
			}
			// SG004 and SG005 look at the rule alone.
			if d == sgsim.Ingress && r.Action == sgsim.Allow && r.Protocol == sgsim.AnyProtocol && coversFamily(r.Src, live) {
				f := add(OverBroad, "allows every protocol and port from every address", ref)
				if len(mine) > 0 {
					f.witness(d, mine[0].TestFlow())
				}
			}
			if m := strings.ToLower(r.Origin.Modifiable); strings.Contains(m, "recommended") && !strings.Contains(m, "not recommended") {
				msg := "the vendor marks this row \"" + r.Origin.Modifiable + "\""
				if r.Origin.Suggestion != "" {
					msg += ": " + r.Origin.Suggestion
				}
				f := add(VendorModify, msg, ref)
				if len(mine) > 0 {
					f.witness(d, mine[0].TestFlow())
				}
			}
		}
	}
	sortFindings(out)
	return out, nil
}

// redundant checks whether removing r leaves the action of every flow it
// decides unchanged, and returns the rules that take its flows over and a
// witness flow that r decides.
func refRedundant(s Set, k *compiled, d sgsim.Direction, r *sgsim.Rule, mine []sgsim.Decided) (bool, []RuleRef, sgsim.Flow, error) {
	p := k.pos[r]
	k2, err := compile(without(s, p[0], p[1]))
	if err != nil {
		return false, nil, sgsim.Flow{}, err
	}
	var refs []RuleRef
	seen := map[*sgsim.Rule]bool{}
	for _, c := range mine {
		cells, err := k2.c.Partition(d, c.Space)
		if err != nil {
			return false, nil, sgsim.Flow{}, err
		}
		for _, c2 := range cells {
			if c2.Verdict.Action != r.Action {
				return false, nil, sgsim.Flow{}, nil
			}
			if c2.Verdict.Rule != nil && !seen[c2.Verdict.Rule] {
				seen[c2.Verdict.Rule] = true
				refs = append(refs, *k2.ref(c2.Verdict.Rule))
			}
		}
	}
	return true, refs, mine[0].TestFlow(), nil
}

// conflict reports a, an earlier rule of the opposite action, against r
// when a decides part of their overlap. cls are the protocol classes of
// the set (classes(k.set)).
func refConflict(k *compiled, d sgsim.Direction, a, r *sgsim.Rule, fams []sgsim.Family, cls []Class) (Finding, bool, error) {
	s := k.set
	for _, fam := range fams {
		for _, cl := range cls {
			sa, ok1 := ruleSpace(a, fam, cl.Protocol)
			sr, ok2 := ruleSpace(r, fam, cl.Protocol)
			if !ok1 || !ok2 {
				continue
			}
			ov, ok := intersect(sa, sr)
			if !ok {
				continue
			}
			cells, err := k.c.Partition(d, ov)
			if err != nil {
				return Finding{}, false, err
			}
			for _, c := range cells {
				if c.Verdict.Rule != a {
					continue
				}
				why, tie := orderReason(k, a, r)
				sev := Info
				if tie {
					sev = Low
				}
				region := ov.String()
				if cl.Others {
					region += " (and every protocol no rule names)"
				}
				f := Finding{Code: Conflict, Severity: sev, Set: s.Name, Region: region,
					Message: fmt.Sprintf("overlaps an earlier %s rule that wins: %s", a.Action, why),
					Rules:   []*RuleRef{k.ref(r), k.ref(a)}}
				f.witness(d, c.TestFlow())
				return f, true, nil
			}
		}
	}
	return Finding{}, false, nil
}

// refDiffSets is DiffSets as it was before the engine: the old
// version's Partition, each cell partitioned again by the new version.
func refDiffSets(old, new Set) (Diff, error) {
	if old.Semantics != new.Semantics {
		return Diff{}, errSemantics
	}
	for _, s := range []Set{old, new} {
		if err := s.check(); err != nil {
			return Diff{}, err
		}
	}
	ko, err := compile(old)
	if err != nil {
		return Diff{}, err
	}
	kn, err := compile(new)
	if err != nil {
		return Diff{}, err
	}
	fams := map[sgsim.Family]bool{}
	for _, f := range slices.Concat(old.families(), new.families()) {
		fams[f] = true
	}
	var out Diff
	cls := classes(old, new)
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		for _, fam := range []sgsim.Family{sgsim.IPv4, sgsim.IPv6} {
			if !fams[fam] {
				continue
			}
			for _, cl := range cls {
				cells, err := ko.c.Partition(d, fullSpace(fam, cl.Protocol))
				if err != nil {
					return Diff{}, err
				}
				for _, c := range cells {
					sub, err := kn.c.Partition(d, c.Space)
					if err != nil {
						return Diff{}, err
					}
					for _, n := range sub {
						if n.Verdict.Action == c.Verdict.Action {
							continue
						}
						ch := Change{Direction: d, DirectionText: d.String(), Region: n.Space, Others: cl.Others, Witness: n.TestFlow(),
							Old: ko.ref(c.Verdict.Rule), New: kn.ref(n.Verdict.Rule)}
						ch.RegionText, ch.WitnessText = n.Space.String(), ch.Witness.String()
						if cl.Others {
							ch.RegionText += " (and every protocol no rule names)"
						}
						if n.Verdict.Allowed() {
							out.Added = append(out.Added, ch)
						} else {
							out.Removed = append(out.Removed, ch)
						}
					}
				}
			}
		}
	}
	return out, nil
}

// without returns the set with one rule removed.
func without(s Set, g, i int) Set {
	out := s
	out.Groups = slices.Clone(s.Groups)
	out.Groups[g].Rules = slices.Delete(slices.Clone(s.Groups[g].Rules), i, i+1)
	return out
}

// refMerge is merge as it was before issue 18's second round: it
// joins cells with the same rule that are equal in three
// dimensions and adjacent in the fourth, dimension by dimension, until
// none can be joined. The cells are reordered (by rule).
func refMerge(cs []cell) []cell {
	if len(cs) < 2 {
		return cs
	}
	slices.SortStableFunc(cs, func(a, b cell) int {
		if a.tag != b.tag {
			return int(a.tag - b.tag)
		}
		return int(a.rule - b.rule)
	})
	out := cs[:0]
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].rule == cs[i].rule && cs[j].tag == cs[i].tag {
			j++
		}
		out = append(out, refMergeGroup(cs[i:j])...)
		i = j
	}
	return out
}

// refMergeGroup merges cells of one rule in place and returns them.
func refMergeGroup(cs []cell) []cell {
	if len(cs) < 2 {
		return cs
	}
	idx := make([]int32, len(cs))
	for changed, round := true, 0; changed; round++ {
		changed = false
		for d := 3; d >= 0; d-- {
			idx = idx[:len(cs)]
			for i := range idx {
				idx[i] = int32(i)
			}
			slices.SortFunc(idx, func(x, y int32) int {
				a, b := &cs[x].b, &cs[y].b
				for e := 0; e < 4; e++ {
					if e == d {
						continue
					}
					if c := cmpSpan(a[e], b[e]); c != 0 {
						return c
					}
				}
				return cmpKey(a[d].lo, b[d].lo)
			})
			keep := make([]cell, 0, len(cs))
			for _, k := range idx {
				c := cs[k]
				if n := len(keep); n > 0 {
					last := &keep[n-1]
					if sameBut(&last.b, &c.b, d) && last.b[d].hi.next() == c.b[d].lo && last.b[d].hi.less(c.b[d].lo) {
						last.b[d].hi = c.b[d].hi
						changed = true
						continue
					}
				}
				keep = append(keep, c)
			}
			cs = cs[:copy(cs, keep)]
		}
	}
	return cs
}
