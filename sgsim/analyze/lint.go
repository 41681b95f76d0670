package analyze

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
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
	// (a rule that matches nothing). It is a flow a person could send to
	// test the finding (sgsim.Space.TestFlow of a box that shows it: host
	// addresses, a destination port above 0 and an ephemeral source port
	// where the box has them), not the box's lowest corner.
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
	return LintProgress(spec, nil)
}

// Progress is told how far a long analysis has got: done of total
// units of work.
type Progress func(done, total int)

// LintProgress is Lint that calls progress (when not nil) after each
// rule it lints, with the rules linted so far and the rules of every set
// together (a group attached in several sets counts once per set). It is
// called from the calling goroutine; a display that runs on another
// must copy the numbers (an atomic, say).
func LintProgress(spec sgsim.NetworkSpec, progress Progress) ([]Finding, error) {
	sets, err := SetsOf(spec)
	if err != nil {
		return nil, err
	}
	total, done := 0, 0
	for _, s := range sets {
		for _, g := range s.Groups {
			total += len(g.Rules)
		}
	}
	var onRule func()
	if progress != nil {
		progress(0, total)
		onRule = func() {
			done++
			progress(done, total)
		}
	}
	var out []Finding
	seen := map[string]bool{}
	for _, s := range sets {
		fs, err := lintSet(s, onRule)
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
//
// The rule's flows are partitioned once per family and protocol class
// into boxes each decided by one rule; shadowing, the rules that take
// its flows, conflicts (the earlier rules of the other action that
// decide some of its boxes) and redundancy (its own boxes decided again
// by the rules after it) all come from that partition. The extra rules
// of a finding are listed in the order the partition meets them.
func LintSet(s Set) ([]Finding, error) {
	return lintSet(s, nil)
}

// lintSet is LintSet calling onRule, when not nil, after each rule.
func lintSet(s Set, onRule func()) ([]Finding, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	k, err := compile(s)
	if err != nil {
		return nil, err
	}
	e := newEngine(k)
	e.progress = onRule
	var out []Finding
	add := func(code string, msg string, refs ...RuleRef) *Finding {
		out = append(out, Finding{Code: code, Severity: codeSeverity[code], Set: s.Name, Message: msg, Rules: refs})
		return &out[len(out)-1]
	}
	fams := s.families()
	cls := classes(s)
	type part struct {
		t   *table
		cl  Class
		fam sgsim.Family
	}
	// met is the first cell met of a rule: the rule, its part and the cell.
	type met struct {
		rule int32
		pt   int
		c    cell
	}
	var parts []part
	var firsts, wins []met
	var red redCheck
	overlaps := overlapCache{ranges: map[*netipx.IPSet][]netipx.IPRange{}}
	// msgs holds one copy of each conflict message, by the earlier
	// rule's action and the reason it wins: a 10K firewall set has over
	// a million conflicts, nearly all with the same message.
	type msgKey struct {
		act sgsim.Action
		why string
	}
	msgs := map[msgKey]string{}
	conflictMsg := func(act sgsim.Action, why string) string {
		k := msgKey{act, why}
		m, ok := msgs[k]
		if !ok {
			m = fmt.Sprintf("overlaps an earlier %s rule that wins: %s", act, why)
			msgs[k] = m
		}
		return m
	}
	// spaces holds each rule's space per family and protocol, asked once
	// per conflict.
	type spaceKey struct {
		r   *sgsim.Rule
		fam sgsim.Family
		p   sgsim.Protocol
	}
	spaces := map[spaceKey]sgsim.Space{}
	spaceOf := func(r *sgsim.Rule, fam sgsim.Family, p sgsim.Protocol) sgsim.Space {
		k := spaceKey{r, fam, p}
		sp, ok := spaces[k]
		if !ok {
			sp, _ = ruleSpace(r, fam, p)
			spaces[k] = sp
		}
		return sp
	}
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		rules := e.rules[d]
		// seen[i] == stamp: rule i met already for the current rule.
		seen, stamp := make([]int32, len(rules)), int32(0)
		// For the shortcuts of long cuts (lintprune.go): none[r] ==
		// noneStamp, rule r decides no flow of the box cut; local[r] > 0,
		// none of the part cut.
		none, noneStamp := make([]int32, len(rules)), int32(0)
		var targets lintTargets
		local := make([]int32, len(rules))
		acts := make([]sgsim.Action, len(rules))
		for i, r := range rules {
			acts[i] = r.Action
		}
		for ri, r := range rules {
			if e.progress != nil && ri > 0 { // the rule before is done
				e.progress()
			}
			ref := k.refv(r)
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
			// The rule's flows, per family and protocol class, cut into
			// cells each decided by one rule: the rule's own cells are
			// kept, and of each other rule the first cell met.
			parts = parts[:0]
			firsts = firsts[:0]
			stamp++
			red.start(e, d, ri, live, cls)
			for _, fam := range live {
				for _, cl := range cls {
					if _, ok := ruleSpace(r, fam, cl.Protocol); !ok {
						continue
					}
					t := e.table(d, fam, cl.Protocol)
					pi := len(parts)
					parts = append(parts, part{t: t, cl: cl, fam: fam})
					// Parts whose cells are all of rules met already
					// are left out: they add nothing; so are the rule's
					// own once its redundancy is known.
					if prune {
						t.dec.done, t.dec.stamp, t.dec.self, t.dec.selfDone = seen, stamp, int32(ri), red.known
						// Once the rule has a cell it is not shadowed, and
						// of the other rules only those of the other
						// action (its conflicts) are wanted.
						t.dec.acts, t.dec.act, t.dec.sameDone, t.dec.selfIn = acts, r.Action, red.any, red.region(t)
					}
					for _, b := range t.ruleBoxes(ri) {
						if prune { // the shortcuts of long cuts
							noneStamp++
							t.dec.none, t.dec.noneStamp, t.dec.steps, t.dec.heavyAt = none, noneStamp, 0, heavyAt
							t.dec.heavy = func() { targets.mark(t, &t.dec, &b) }
							t.dec.local, t.dec.selfNone = local, false
							if t.pts == nil {
								t.pts = make([]point, len(t.boxes))
							}
						}
						t.visitCells(b, 0, t.end[ri], func(c cell) {
							switch {
							case c.rule == int32(ri):
								red.cell(t, c)
								t.dec.selfDone, t.dec.sameDone, t.dec.selfIn = red.known, true, red.region(t)
							case c.rule >= 0 && seen[c.rule] != stamp:
								seen[c.rule] = stamp
								firsts = append(firsts, met{c.rule, pi, c})
							}
						})
					}
					t.dec.done, t.dec.none, t.dec.heavy, t.dec.selfIn, t.dec.local = nil, nil, nil, nil, nil
				}
			}
			red.finish()
			if !red.any && prune {
				// It decides no flow: no part of a later rule's cut
				// waits for it (decider.done).
				seen[ri] = -1
			}
			if !red.any {
				refs := []RuleRef{ref}
				for _, m := range firsts {
					refs = append(refs, k.refv(rules[m.rule]))
				}
				f := add(Shadowed, "decides no flow: earlier rules in evaluation order take every flow it matches", refs...)
				for _, cl := range cls {
					if sp, ok := ruleSpace(r, live[0], cl.Protocol); ok {
						f.witness(d, sp.TestFlow())
						f.Region = sp.String()
						break
					}
				}
			} else if others := red.others; red.redundant {
				refs := []RuleRef{ref}
				msg := "redundant: without it every flow it decides gets the same action ("
				if len(others) == 0 {
					msg += "the default deny)"
				} else {
					msg += "from the rules below)"
				}
				for _, o := range others {
					refs = append(refs, k.refv(rules[o]))
				}
				f := add(Redundant, msg, refs...)
				f.witness(d, red.firstT.testFlow(red.first.b))
			}
			// SG002: earlier rules of the opposite action that decide
			// part of the overlap, in evaluation order.
			wins = wins[:0]
			for _, m := range firsts {
				if rules[m.rule].Action != r.Action {
					wins = append(wins, m)
				}
			}
			slices.SortFunc(wins, func(a, b met) int { return int(a.rule - b.rule) })
			for _, w := range wins {
				a, pt := rules[w.rule], parts[w.pt]
				sa, sr := spaceOf(a, pt.fam, pt.cl.Protocol), spaceOf(r, pt.fam, pt.cl.Protocol)
				ov := overlaps.of(sa, sr)
				why, tie := orderReason(k, a, r)
				sev := Info
				if tie {
					sev = Low
				}
				region := ov.String()
				if pt.cl.Others {
					region += " (and every protocol no rule names)"
				}
				f := Finding{Code: Conflict, Severity: sev, Set: s.Name, Region: region,
					Message: conflictMsg(a.Action, why),
					Rules:   []RuleRef{k.refv(r), k.refv(a)}}
				f.witness(d, pt.t.testFlow(w.c.b))
				out = append(out, f)
			}
			// SG004 and SG005 look at the rule alone.
			if d == sgsim.Ingress && r.Action == sgsim.Allow && r.Protocol == sgsim.AnyProtocol && coversFamily(r.Src, live) {
				f := add(OverBroad, "allows every protocol and port from every address", ref)
				if red.any {
					f.witness(d, red.firstT.testFlow(red.first.b))
				}
			}
			if m := strings.ToLower(r.Origin.Modifiable); strings.Contains(m, "recommended") && !strings.Contains(m, "not recommended") {
				msg := "the vendor marks this row \"" + r.Origin.Modifiable + "\""
				if r.Origin.Suggestion != "" {
					msg += ": " + r.Origin.Suggestion
				}
				f := add(VendorModify, msg, ref)
				if red.any {
					f.witness(d, red.firstT.testFlow(red.first.b))
				}
			}
		}
		if e.progress != nil && len(rules) > 0 { // the last rule is done
			e.progress()
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

// overlapCache computes the overlap of two rules' spaces (intersect) for
// conflict regions, without building a new address set when one rule's
// addresses hold the other's on a side (nested prefixes, the common
// case): that side is then the narrower rule's set itself. It keeps each
// set's ranges, which IPSet.Ranges would copy on every call.
type overlapCache struct {
	ranges map[*netipx.IPSet][]netipx.IPRange
}

func (c *overlapCache) of(a, b sgsim.Space) sgsim.Space {
	out, _ := intersect(sgsim.Space{Family: a.Family, Protocol: a.Protocol, SrcPorts: a.SrcPorts, DstPorts: a.DstPorts,
		ICMPTypes: a.ICMPTypes, ICMPCodes: a.ICMPCodes}, sgsim.Space{Family: b.Family, Protocol: b.Protocol,
		SrcPorts: b.SrcPorts, DstPorts: b.DstPorts, ICMPTypes: b.ICMPTypes, ICMPCodes: b.ICMPCodes})
	out.Src, out.Dst = c.addrs(a.Src, b.Src), c.addrs(a.Dst, b.Dst)
	return out
}

// addrs is interAddrs's set (the overlap is never empty here: the rules
// share a cell).
func (c *overlapCache) addrs(a, b sgsim.Addrs) sgsim.Addrs {
	switch {
	case a.IsAny():
		return b
	case b.IsAny():
		return a
	case c.within(a, b):
		return a
	case c.within(b, a):
		return b
	}
	var sb netipx.IPSetBuilder
	sb.AddSet(a.Set())
	sb.Intersect(b.Set())
	s, _ := sb.IPSet()
	return sgsim.AddrsOf(s)
}

// within reports whether b holds every address of a.
func (c *overlapCache) within(a, b sgsim.Addrs) bool {
	rs, ok := c.ranges[a.Set()]
	if !ok {
		rs = a.Set().Ranges()
		c.ranges[a.Set()] = rs
	}
	for _, r := range rs {
		if !b.Set().ContainsRange(r) {
			return false
		}
	}
	return true
}
