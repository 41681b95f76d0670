package analyze

import (
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

func TestDiffProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		old := smallSet(t, sem, "")
		new := mutate(t, old)
		d, err := DiffSets(old, new)
		if err != nil {
			t.Fatal(err)
		}
		lo, ln := linear(t, old), linear(t, new)
		// Every witness reproduces, with the rules the change names.
		for k, set := range [][]Change{d.Added, d.Removed} {
			for _, c := range set {
				vo, vn := lo.Check(c.Direction, c.Witness), ln.Check(c.Direction, c.Witness)
				if vo.Action == vn.Action || vn.Allowed() != (k == 0) {
					t.Fatalf("%v: old %v, new %v", c, vo, vn)
				}
				if (vo.Rule == nil) != (c.Old == nil) || vo.Rule != nil && vo.Rule.ID != c.Old.ID ||
					(vn.Rule == nil) != (c.New == nil) || vn.Rule != nil && vn.Rule.ID != c.New.ID {
					t.Fatalf("%v: old %v, new %v", c, vo, vn)
				}
				if !c.Region.Contains(c.Witness) {
					t.Fatalf("%v: witness outside its region", c)
				}
			}
		}
		// Empty iff the same action on every flow; every differing flow
		// lies in a change.
		differ := false
		for _, f := range allSmallFlows {
			for dir := sgsim.Ingress; dir <= sgsim.Egress; dir++ {
				vo, vn := lo.Check(dir, f), ln.Check(dir, f)
				if vo.Action == vn.Action {
					continue
				}
				differ = true
				set := d.Removed
				if vn.Allowed() {
					set = d.Added
				}
				found := false
				for _, c := range set {
					if c.Direction == dir && c.Region.Contains(f) {
						found = true
						break
					}
				}
				// Protocols no rule names are represented by one of them.
				if !found && !named(old, new, f.Proto) {
					found = true
				}
				if !found {
					t.Fatalf("%v %v: old %v new %v, in no change of %v", dir, f, vo, vn, d)
				}
			}
		}
		if d.IsEmpty() && differ {
			t.Fatal("empty diff, but verdicts differ")
		}
		if !d.IsEmpty() && !differ {
			t.Fatalf("diff %v, but no enumerated flow differs", d)
		}
	})
}

func named(a, b Set, p sgsim.Protocol) bool {
	for _, s := range []Set{a, b} {
		for _, g := range s.Groups {
			for _, r := range g.Rules {
				if r.Protocol == p {
					return true
				}
			}
		}
	}
	return false
}
