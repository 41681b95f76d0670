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
// with its direction where one exists. The findings of one lint that
// name the same rule share its RuleRef (a 10K firewall set has over a
// million conflicts among ten thousand rules): copy it before changing
// it.
type Finding struct {
	Code      string          `json:"code"`
	Severity  Severity        `json:"severity"`
	Direction sgsim.Direction `json:"-"`
	Set       string          `json:"set"`
	Message   string          `json:"message"`
	Rules     []*RuleRef      `json:"rules"`
	// Region is the flows the finding is about, for conflicts the
	// overlap of the two rules.
	Region string `json:"region,omitempty"`
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
	// A finding of a set is its code, set and rules, and one set's lint
	// names each such list once, so only sets of the same name can
	// repeat one (a 10K firewall set has over a million findings: no
	// need for a key each). One about a rule on its own is its code and
	// rule, whatever the set.
	names := map[string]int{}
	for _, s := range sets {
		names[s.Name]++
	}
	var all [][]Finding
	found := 0
	seen := map[string]bool{}
	for _, s := range sets {
		fs, err := lintSet(s, onRule)
		if err != nil {
			return nil, err
		}
		kept := fs[:0]
		for _, f := range fs {
			key := f.Code + "\x00" + f.Set
			alone := len(f.Rules) == 1 && f.Code >= OverBroad
			if alone {
				key = f.Code
			} else if names[s.Name] == 1 {
				kept = append(kept, f)
				continue
			}
			for _, r := range f.Rules {
				key += "\x00" + r.Group + "\x00" + strconv.Itoa(r.Index)
			}
			if !seen[key] {
				seen[key] = true
				kept = append(kept, f)
			}
		}
		all = append(all, kept)
		found += len(kept)
	}
	if found == 0 {
		return nil, nil
	}
	if len(all) == 1 {
		return all[0], nil // sorted already
	}
	out := make([]Finding, 0, found)
	for i, fs := range all {
		out = append(out, fs...)
		all[i] = nil
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
	var out findingList
	add := func(code string, msg string, refs ...*RuleRef) *Finding {
		return out.add(Finding{Code: code, Severity: codeSeverity[code], Set: s.Name, Message: msg, Rules: refs})
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
	var firsts []met
	// wins are the conflicts' rules, each with its index in firsts in
	// the low 32 bits, to sort by rule (a met is 150 bytes to swap).
	var wins []uint64
	var red redCheck
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
	// spaces holds each rule's space per table (family and protocol),
	// by rule index, made once.
	type spaceOK struct {
		sp sgsim.Space
		ok bool
	}
	spaces := map[*table][]spaceOK{}
	// Each conflict's region and witness text is written to buf, one
	// string per rule linted; texts holds where each finding's are.
	var buf []byte
	type textAt struct {
		f               *Finding
		region, witness int
	}
	var texts []textAt
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
		// refs[i] is rule i's RuleRef, shared by every finding naming
		// it; rtext[i] its addresses' text (ruleText).
		refs := make([]*RuleRef, len(rules))
		refOf := func(i int32) *RuleRef {
			if refs[i] == nil {
				refs[i] = k.ref(rules[i])
			}
			return refs[i]
		}
		rtext := make([]*ruleText, len(rules))
		textOf := func(i int32) *ruleText {
			if rtext[i] == nil {
				r := rules[i]
				rtext[i] = &ruleText{src: newAddrText(r.Src), dst: newAddrText(r.Dst)}
			}
			return rtext[i]
		}
		spaceOf := func(t *table, i int32, fam sgsim.Family, p sgsim.Protocol) sgsim.Space {
			sl := spaces[t]
			if sl == nil {
				sl = make([]spaceOK, len(rules))
				spaces[t] = sl
			}
			if !sl[i].ok {
				sl[i].sp, _ = ruleSpace(rules[i], fam, p)
				sl[i].ok = true
			}
			return sl[i].sp
		}
		for ri, r := range rules {
			if e.progress != nil && ri > 0 { // the rule before is done
				e.progress()
			}
			ref := refOf(int32(ri))
			p := k.pos[r]
			// SG006: a reference to a group without members.
			if s.Original != nil {
				o := s.Original[p[0]].Rules[p[1]]
				if o.RemoteGroup != "" && r.Remote().IsEmpty() {
					own := *ref
					own.Text = o.String()
					add(EmptyReference, fmt.Sprintf("references security group %q, which has no members: the rule matches nothing", o.RemoteGroup), &own)
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
				refs := make([]*RuleRef, 1, 1+len(firsts))
				refs[0] = ref
				for _, m := range firsts {
					refs = append(refs, refOf(m.rule))
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
				refs := make([]*RuleRef, 1, 1+len(red.others))
				refs[0] = ref
				msg := "redundant: without it every flow it decides gets the same action ("
				if len(others) == 0 {
					msg += "the default deny)"
				} else {
					msg += "from the rules below)"
				}
				for _, o := range others {
					refs = append(refs, refOf(int32(o)))
				}
				f := add(Redundant, msg, refs...)
				f.witness(d, red.firstT.testFlow(red.first.b))
			}
			// SG002: earlier rules of the opposite action that decide
			// part of the overlap, in evaluation order.
			wins = wins[:0]
			for i, m := range firsts {
				if rules[m.rule].Action != r.Action {
					wins = append(wins, uint64(m.rule)<<32|uint64(i))
				}
			}
			slices.Sort(wins)
			// Their Rules, two per conflict, share one array.
			pairs := make([]*RuleRef, 2*len(wins))
			buf, texts = buf[:0], texts[:0]
			for wi, key := range wins {
				w := &firsts[uint32(key)]
				a, pt := rules[w.rule], parts[w.pt]
				sa, sr := spaceOf(pt.t, w.rule, pt.fam, pt.cl.Protocol), spaceOf(pt.t, int32(ri), pt.fam, pt.cl.Protocol)
				why, tie := orderReason(k, a, r)
				sev := Info
				if tie {
					sev = Low
				}
				buf = appendRegion(buf, sa, sr, textOf(w.rule), textOf(int32(ri)))
				if pt.cl.Others {
					buf = append(buf, " (and every protocol no rule names)"...)
				}
				at := textAt{region: len(buf)}
				wf := pt.t.testFlow(w.c.b)
				buf = appendFlow(buf, wf)
				at.witness = len(buf)
				pairs[2*wi], pairs[2*wi+1] = ref, refOf(w.rule)
				at.f = out.add(Finding{Code: Conflict, Severity: sev, Direction: d, Set: s.Name,
					Message: conflictMsg(a.Action, why), Rules: pairs[2*wi : 2*wi+2 : 2*wi+2], WitnessFlow: wf})
				texts = append(texts, at)
			}
			if len(texts) > 0 {
				all, from := string(buf), 0
				for _, at := range texts {
					at.f.Region, at.f.Witness = all[from:at.region], all[at.region:at.witness]
					from = at.witness
				}
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
	return out.sorted(), nil
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
