package analyze

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

// Lint codes. They are stable: tools may filter on them.
const (
	Shadowed       = "SG001" // the rule decides no flow: earlier rules take all of it
	Conflict       = "SG002" // overlapping rules with opposite actions; the vendor ordering picks the winner
	Redundant      = "SG003" // removing the rule changes no flow's action
	OverBroad      = "SG004" // ingress allow of every protocol from all addresses (0.0.0.0/0, ::/0)
	VendorModify   = "SG005" // the vendor's table marks the row "Modification recommended"
	EmptyReference = "SG006" // the rule references a security group with no members
	WrongFamily    = "SG007" // the rule matches only an address family the group never guards
)

var codeSeverity = map[string]Severity{
	Shadowed: Medium, Conflict: Low, Redundant: Low, OverBroad: High,
	VendorModify: Medium, EmptyReference: Medium, WrongFamily: Low,
}

// Finding is one lint result: a stable code, a severity, the rule set,
// the rule(s) with provenance (the subject first), and a witness flow
// with its direction where one exists.
type Finding struct {
	Code     string    `json:"code"`
	Severity Severity  `json:"severity"`
	Set      string    `json:"set"`
	Message  string    `json:"message"`
	Rules    []RuleRef `json:"rules"`
	// Region is the flows the finding is about, for conflicts the
	// overlap of the two rules.
	Region    string          `json:"region,omitempty"`
	Direction sgsim.Direction `json:"-"`
	// Witness is a flow that shows the finding, in its text form;
	// WitnessFlow holds it as a value. Both are empty when no flow does
	// (a rule that matches nothing).
	Witness     string     `json:"witness,omitempty"`
	WitnessFlow sgsim.Flow `json:"-"`
}

func (f Finding) String() string {
	s := f.Code + " " + f.Severity.String() + " [" + f.Set + "] " + f.Message
	for i, r := range f.Rules {
		if i == 0 {
			s += "\n    " + r.String()
		} else {
			s += "\n    with " + r.String()
		}
	}
	if f.Region != "" {
		s += "\n    region: " + f.Region
	}
	if f.Witness != "" {
		s += "\n    witness: " + f.Direction.String() + " " + f.Witness
	}
	return s
}

func (f *Finding) witness(d sgsim.Direction, w sgsim.Flow) {
	f.Direction, f.WitnessFlow, f.Witness = d, w, w.String()
}

// Lint lints every set of the spec (see SetsOf) and returns the findings,
// most severe first. Findings about one rule on its own (SG004-SG007)
// are reported once even when its group is in several sets.
func Lint(spec sgsim.NetworkSpec) ([]Finding, error) {
	sets, err := SetsOf(spec)
	if err != nil {
		return nil, err
	}
	var out []Finding
	seen := map[string]bool{}
	for _, s := range sets {
		fs, err := LintSet(s)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			// A finding is its code, set and rules; one about a rule on
			// its own is its code and rule, whatever the set.
			key := f.Code + "\x00" + f.Set
			if len(f.Rules) == 1 && f.Code >= OverBroad {
				key = f.Code
			}
			for _, r := range f.Rules {
				key += "\x00" + r.Group + "\x00" + strconv.Itoa(r.Index)
			}
			if !seen[key] {
				seen[key] = true
				out = append(out, f)
			}
		}
	}
	sortFindings(out)
	return out, nil
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Set, b.Set))
	})
}

// LintSet lints one set of resolved groups attached together.
//
// Shadowed (SG001): the rule decides no flow, checked per family and
// protocol class by partitioning the rule's own flows. Conflict (SG002):
// an earlier rule of the opposite action overlaps it and decides part of
// the overlap, so the vendor ordering (priority, deny-first at a tie,
// attachment order) picks the winner; severity low when a tie-break or
// attachment order decides, info when an explicit priority does.
// Redundant (SG003): the rule decides some flows, but with it removed
// every one of them gets the same action. The rest look at one rule.
// A set whose Families hold anything but IPv4 and IPv6, or whose
// Original does not match its Groups, is an error.
func LintSet(s Set) ([]Finding, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	k, err := compile(s)
	if err != nil {
		return nil, err
	}
	var out []Finding
	add := func(code string, msg string, refs ...RuleRef) *Finding {
		out = append(out, Finding{Code: code, Severity: codeSeverity[code], Set: s.Name, Message: msg, Rules: refs})
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
						f.witness(d, sp.Witness())
						f.Region = sp.String()
						break
					}
				}
			} else if red, others, w, err := redundant(s, k, d, r, mine); err != nil {
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
				if f, ok, err := conflict(k, d, a, r, live, cls); err != nil {
					return nil, err
				} else if ok {
					out = append(out, f)
				}
			}
			// SG004 and SG005 look at the rule alone.
			if d == sgsim.Ingress && r.Action == sgsim.Allow && r.Protocol == sgsim.AnyProtocol && coversFamily(r.Src, live) {
				f := add(OverBroad, "allows every protocol and port from every address", ref)
				if len(mine) > 0 {
					f.witness(d, mine[0].Witness())
				}
			}
			if m := strings.ToLower(r.Origin.Modifiable); strings.Contains(m, "recommended") && !strings.Contains(m, "not recommended") {
				msg := "the vendor marks this row \"" + r.Origin.Modifiable + "\""
				if r.Origin.Suggestion != "" {
					msg += ": " + r.Origin.Suggestion
				}
				f := add(VendorModify, msg, ref)
				if len(mine) > 0 {
					f.witness(d, mine[0].Witness())
				}
			}
		}
	}
	sortFindings(out)
	return out, nil
}

func famList(fs []sgsim.Family) string {
	var ss []string
	for _, f := range fs {
		ss = append(ss, f.String())
	}
	return strings.Join(ss, " and ")
}

// coversFamily reports whether a holds every address of one of the families.
func coversFamily(a sgsim.Addrs, fams []sgsim.Family) bool {
	if a.IsAny() {
		return true
	}
	for _, f := range fams {
		all := sgsim.MustParseAddrs("0.0.0.0/0")
		if f == sgsim.IPv6 {
			all = sgsim.MustParseAddrs("::/0")
		}
		if a.Set().ContainsPrefix(all.Set().Prefixes()[0]) {
			return true
		}
	}
	return false
}

// without returns the set with one rule removed.
func without(s Set, g, i int) Set {
	out := s
	out.Groups = slices.Clone(s.Groups)
	out.Groups[g].Rules = slices.Delete(slices.Clone(s.Groups[g].Rules), i, i+1)
	return out
}

// redundant checks whether removing r leaves the action of every flow it
// decides unchanged, and returns the rules that take its flows over and a
// witness flow that r decides.
func redundant(s Set, k *compiled, d sgsim.Direction, r *sgsim.Rule, mine []sgsim.Decided) (bool, []RuleRef, sgsim.Flow, error) {
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
	return true, refs, mine[0].Witness(), nil
}

// conflict reports a, an earlier rule of the opposite action, against r
// when a decides part of their overlap. cls are the protocol classes of
// the set (classes(k.set)).
func conflict(k *compiled, d sgsim.Direction, a, r *sgsim.Rule, fams []sgsim.Family, cls []Class) (Finding, bool, error) {
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
					Rules:   []RuleRef{*k.ref(r), *k.ref(a)}}
				f.witness(d, c.Witness())
				return f, true, nil
			}
		}
	}
	return Finding{}, false, nil
}

// orderReason says why a comes before b under the set's semantics, and
// whether a tie-break or attachment order (rather than an explicit
// priority) decides it.
func orderReason(k *compiled, a, b *sgsim.Rule) (string, bool) {
	pa, pb := k.pos[a], k.pos[b]
	ga, gb := k.set.Groups[pa[0]].ID, k.set.Groups[pb[0]].ID
	sem := k.set.Semantics
	switch {
	case sem != sgsim.Alibaba && pa[0] != pb[0]:
		return fmt.Sprintf("group %q is attached before group %q", ga, gb), true
	case (sem == sgsim.Huawei || sem == sgsim.Alibaba) && a.Priority == b.Priority:
		return fmt.Sprintf("equal priority %d: %s evaluates deny before allow", a.Priority, sem), true
	case sem == sgsim.Huawei || sem == sgsim.Alibaba || sem == sgsim.Tencent:
		return fmt.Sprintf("priority %d before %d", a.Priority, b.Priority), false
	case sem == sgsim.ACL:
		return fmt.Sprintf("rule number %d before %d", a.Priority, b.Priority), false
	}
	return "earlier in list order", false
}
