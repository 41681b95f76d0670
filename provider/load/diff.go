package load

import (
	"errors"
	"fmt"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// Versions loads the two versions one source describes by itself: a
// profile's documented default groups (old) and its hardened set (new),
// or a Terraform plan's prior state (old) and its planned values (new):
// "what does this apply open and close?". Exports are one version: an
// error says to give the other.
func Versions(s Source) (old, new *Network, err error) {
	a, b := s, s
	switch s.Kind() {
	case "profile":
		a.Hardened, b.Hardened = false, true
	case "plan":
		if s.Prior {
			return nil, nil, errors.New("-prior: a plan alone is its prior state and its planned values already")
		}
		a.Prior = true
	case "":
		return nil, nil, s.Check()
	default:
		return nil, nil, errors.New("exports are one version: give the other to compare with")
	}
	// The new version first: the prior state may have no rules yet, and
	// the provider family is the planned values'.
	if new, err = Load(b); err != nil {
		return nil, nil, err
	}
	if a.Kind() == "plan" && a.Vendor == "" && a.Topology == "" {
		a.Vendor = VendorOf(new.Spec.Cloud)
	}
	if old, err = Load(a); err != nil {
		return nil, nil, err
	}
	return old, new, nil
}

// Diff is what changes from one version of a network to another.
type Diff struct {
	Old string `json:"old"` // the versions' names
	New string `json:"new"`
	// Sets are the exact differences of every rule set (attachment list,
	// analyze.SetsOf), paired by name: old's in order, then those only
	// new has. A set only one version has is compared with the empty set,
	// which denies everything.
	Sets []SetDiff `json:"sets"`
	// Summary is the required flows lost and the exposure from outside
	// the cluster gained (analyze.Compare), when both versions are placed;
	// nil otherwise.
	Summary *analyze.Summary `json:"summary,omitempty"`
}

// SetDiff is the difference of one rule set.
type SetDiff struct {
	Set       string       `json:"set"`
	Endpoints []string     `json:"endpoints"` // where it is attached, in either version
	Diff      analyze.Diff `json:"diff"`
}

// Compare returns the difference from old to new, which must have the
// same semantics. The required flows are new's, or old's when new has
// none.
func Compare(old, new *Network) (Diff, error) {
	return CompareProgress(old, new, nil)
}

// CompareProgress is Compare that calls progress (when not nil) as the
// rule sets are diffed: the parts done so far and the parts of every
// set pair together (analyze.DiffParts), first with 0 done. The required
// flow and exposure summary that follows is not counted. It is called
// from the calling goroutine.
func CompareProgress(old, new *Network, progress analyze.Progress) (Diff, error) {
	return CompareWith(old, new, CompareOptions{Progress: progress})
}

// CompareOptions are CompareWith's options. The zero value lists every
// box of every set's diff.
type CompareOptions struct {
	// MaxBoxes is each set diff's analyze.DiffOptions.MaxBoxes: above 0,
	// a deciding-rule pair with more boxes comes out as one summarized
	// change (analyze.Change.Summarized, in JSON "summarized": true and
	// "boxes_found"), its flows tested with Change.Contains. Compare
	// passes the changes through as the diff gives them.
	MaxBoxes int
	// Progress, when not nil, is called as CompareProgress calls it.
	Progress analyze.Progress
}

// CompareWith is Compare with options.
func CompareWith(old, new *Network, o CompareOptions) (Diff, error) {
	progress := o.Progress
	d := Diff{Old: old.Name, New: new.Name, Sets: []SetDiff{}}
	if old.Spec.Cloud != new.Spec.Cloud {
		return d, fmt.Errorf("cannot compare %s (%s semantics) with %s (%s)", old.Name, old.Spec.Cloud, new.Name, new.Spec.Cloud)
	}
	a, err := analyze.SetsOf(old.Spec)
	if err != nil {
		return d, err
	}
	b, err := analyze.SetsOf(new.Spec)
	if err != nil {
		return d, err
	}
	empty := func(name string) analyze.Set {
		s := analyze.NewSet(old.Spec.Cloud)
		s.Name = name
		return s
	}
	var pairs [][2]analyze.Set
	inA := map[string]bool{}
	for _, s := range a {
		inA[s.Name] = true
		o := empty(s.Name)
		for _, t := range b {
			if t.Name == s.Name {
				o = t
			}
		}
		pairs = append(pairs, [2]analyze.Set{s, o})
	}
	for _, t := range b {
		if !inA[t.Name] {
			pairs = append(pairs, [2]analyze.Set{empty(t.Name), t})
		}
	}
	total, base := 0, 0
	for _, p := range pairs {
		total += analyze.DiffParts(p[0], p[1])
	}
	if progress != nil {
		progress(0, total)
	}
	for _, p := range pairs {
		var step analyze.Progress
		if progress != nil {
			step = func(done, _ int) {
				if done > 0 { // the pair's start is the last pair's end
					progress(base+done, total)
				}
			}
		}
		sd, err := analyze.DiffWith(p[0], p[1], analyze.DiffOptions{MaxBoxes: o.MaxBoxes, Progress: step})
		base += analyze.DiffParts(p[0], p[1])
		if err != nil {
			return d, err
		}
		where := p[0].Endpoints
		if len(where) == 0 {
			where = p[1].Endpoints
		}
		if where == nil {
			where = []string{}
		}
		d.Sets = append(d.Sets, SetDiff{Set: p[0].Name, Endpoints: where, Diff: sd})
	}
	if old.Placed() && new.Placed() {
		required := new.Required
		if required == nil {
			required = old.Required
		}
		sum, err := analyze.Compare(old.Net, new.Net, new.Spec, required, sgsim.Addrs{})
		if err != nil {
			return d, err
		}
		d.Summary = &sum
	}
	return d, nil
}
