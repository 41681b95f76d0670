package analyze

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/internal/addrx"
)

// TightenOptions are the knobs of Tighten.
type TightenOptions struct {
	// MaxRules is the most rules a group should get, counting one rule
	// per remote prefix and destination port range (the vendors' form).
	// While a group has more, the two remote prefixes of one narrowed
	// rule whose covering prefix is longest are merged into it, as long
	// as the cover stays inside the original rule's remote and is no
	// shorter than MinPrefix. 0 means 50. A group may stay above it when
	// nothing more can be merged; the proposal says so.
	MaxRules int
	// MinPrefix is the shortest prefix merging may produce (IPv4; IPv6
	// uses MinPrefix+96), 0 to 32; 0 means 16. Tighten refuses options
	// outside their ranges.
	MinPrefix int
	// MaxPortGap is the most unused ports a merge of two destination
	// port ranges of one narrowed rule may open (22 and 25 are 2 apart:
	// merging them into 22-25 opens 23 and 24). 0 means 1024; negative
	// never merges ports. A merged range stays inside the original
	// rule's ports.
	//
	// While a group has more than MaxRules rules, each step takes, of
	// every allowed merge of two remote prefixes (into their cover) or of
	// two port ranges (over the gap), the one that opens the fewest new
	// remote address and port pairs: a cover's new addresses times the
	// rule's ports, or a gap's ports times the rule's remote addresses.
	MaxPortGap int
	// MaxBoxes is the DiffOptions.MaxBoxes of the proof's diffs (what
	// the proposal closes): past that many boxes for one deciding-rule
	// pair, a closed region is one summarized change, which observed
	// flows are tested against exactly (Change.Contains). 0 means
	// DefaultMaxBoxes; -1 lists every box.
	MaxBoxes int
}

// GroupChange is one security group's rules before and after Tighten.
type GroupChange struct {
	ID       string
	Old, New []sgsim.Rule
	Rules    int  // the new rules counted as TightenOptions.MaxRules counts them
	OverMax  bool // Rules is above MaxRules: nothing more could be merged
	// Restored counts the original allow rules put back as they were
	// because without them a required flow that passed would fail, and
	// Partial the rules added back only in part: the original rule
	// narrowed to a required flow's space (its remote addresses,
	// protocol, ports and ICMP message), which was enough for the flow.
	Restored int
	Partial  int
	// PutBack says, for each of those rules (in New order), which
	// required flow needs it: the observed traffic did not cover that
	// flow, so narrowing to the traffic alone would have broken it.
	PutBack []PutBack
}

// PutBack is an original allow rule put back in a proposal because a
// required flow needs it.
type PutBack struct {
	Index int        // its place in GroupChange.New
	Rule  sgsim.Rule // as it stands there
	// Whole: the original rule as it was, since the flow needs more than
	// its own space (an overlay's outer flow); otherwise the original
	// rule narrowed to the flow's remote addresses, protocol, ports and
	// ICMP message.
	Whole bool
	For   string // the RequiredFlow.Name that needs it
}

// Proposal is a narrowed rule set and its proof.
type Proposal struct {
	Spec   sgsim.NetworkSpec // the network with the narrowed groups
	Groups []GroupChange     // every security group, in spec order
	// Proof: (1) Replayed observed allowed flows, every one allowed by
	// the proposal; (2) Required, each with its outcome before and after
	// (every one passing before passes after); (3) Closed, per attached
	// group list, the exact diff of original against proposal (DiffWith
	// with MaxBoxes DefaultMaxBoxes: a deciding-rule pair past that many
	// boxes is one summarized change): only removals, none holding an
	// observed flow (SetDiff.Closes).
	Replayed int
	Required []RequiredCheck
	Closed   []SetDiff
}

// RequiredCheck is a required flow's outcome on the original network and
// on the proposal.
type RequiredCheck struct {
	Flow          RequiredFlow
	Before, After sgsim.Outcome
}

// SetDiff is what the proposal closes on one attached group list.
type SetDiff struct {
	Set       string
	Endpoints []string
	Diff      Diff
}

// Closes reports whether a removal of the diff in direction dir holds f
// (Change.Contains: a change for other protocols, Change.Others, holds
// the flows of every protocol no rule of either version names, and a
// summarized removal is tested exactly by evaluating both versions,
// never through its enclosing Region).
func (s *SetDiff) Closes(dir sgsim.Direction, f sgsim.Flow) bool {
	for i := range s.Diff.Removed {
		if c := &s.Diff.Removed[i]; c.Direction == dir && c.Contains(f) {
			return true
		}
	}
	return false
}

func namedProtocols(sets ...Set) map[sgsim.Protocol]bool {
	named := map[sgsim.Protocol]bool{}
	for _, c := range classes(sets...) {
		if !c.Others {
			named[c.Protocol] = true
		}
	}
	return named
}

// Tighten proposes, from observed flows (each as Network.Decide
// evaluated it; those n does not allow are ignored) and the required
// flows, security groups narrowed to what the flows use: every allow rule
// no observed flow was decided by is removed, every used one is replaced
// by rules for the protocols, destination ports (exactly) and remote
// addresses (aggregated: TightenOptions) observed; deny rules, network
// ACLs and everything else stay. When the narrowing makes a required flow
// that passed fail, the original allow rules of the groups on its path
// come back one at a time until it passes: first in part (partialRule),
// then whole; a narrowed rule's remote prefixes that a part of the same
// rule holds go (the same space in fewer rules). The proposal is
// then proven (see Proposal) and an error is returned instead of a
// proposal if any of the three fails.
func Tighten(spec sgsim.NetworkSpec, n *sgsim.Network, observed []sgsim.Flow, required []RequiredFlow, opt TightenOptions) (*Proposal, error) {
	// Out-of-range options are refused, not read as the defaults.
	if opt.MaxRules < 0 || opt.MinPrefix < 0 || opt.MinPrefix > 32 || opt.MaxPortGap < -1 || opt.MaxBoxes < -1 {
		return nil, fmt.Errorf("analyze: tighten: MaxRules %d, MinPrefix %d, MaxPortGap %d, MaxBoxes %d: want MaxRules 0 (50) or more, MinPrefix 0 (16) to 32, MaxPortGap -1 or more and MaxBoxes -1 or more", opt.MaxRules, opt.MinPrefix, opt.MaxPortGap, opt.MaxBoxes)
	}
	if opt.MaxRules == 0 {
		opt.MaxRules = 50
	}
	if opt.MinPrefix == 0 {
		opt.MinPrefix = 16
	}
	if opt.MaxPortGap == 0 {
		opt.MaxPortGap = 1024
	}
	var allowed []sgsim.Flow
	use := map[sgsim.RuleRef]*ruleUse{}
	for _, f := range observed {
		tr := n.Trace(f)
		if !tr.Allowed {
			continue
		}
		allowed = append(allowed, f)
		for _, s := range tr.Steps {
			if s.Verdict.Rule == nil || !s.Verdict.Allowed() {
				continue
			}
			ref, ok := n.RuleRef(s.Verdict.Rule)
			if !ok || ref.ACL {
				continue
			}
			u := use[ref]
			if u == nil {
				u = &ruleUse{remote: map[netip.Addr]bool{}, ports: map[sgsim.Protocol]*mapPorts{}, icmp: map[sgsim.Protocol]map[uint8]bool{}}
				use[ref] = u
			}
			fl := s.Flow
			if s.Verdict.Rule.Direction == sgsim.Egress {
				u.remote[fl.Dst] = true
			} else {
				u.remote[fl.Src] = true
			}
			switch {
			case fl.Proto.HasPorts():
				ps := u.ports[fl.Proto]
				if ps == nil {
					ps = &mapPorts{}
					u.ports[fl.Proto] = ps
				}
				ps.add(sgsim.Ports{sgsim.Port(fl.DstPort)}, 0)
			case fl.Proto.IsICMP():
				if u.icmp[fl.Proto] == nil {
					u.icmp[fl.Proto] = map[uint8]bool{}
				}
				u.icmp[fl.Proto][fl.ICMPType] = true
			default:
				u.other = append(u.other, fl.Proto)
			}
		}
	}
	p := &Proposal{Spec: spec, Replayed: len(allowed)}
	p.Spec.Groups = slices.Clone(spec.Groups)
	perRule := make([][][]*narrowRule, len(spec.Groups)) // [group][rule]: its narrowed rules; nil: removed
	restored := make([]map[int]bool, len(spec.Groups))
	partial := make([]map[int][]sgsim.Rule, len(spec.Groups)) // [group][rule]: parts of it added back for required flows
	// The required flow that needs each rule put back: [group][rule] for
	// whole rules, [group][rule text] for parts.
	restoredFor := make([]map[int]string, len(spec.Groups))
	partFor := make([]map[string]string, len(spec.Groups))
	for gi, g := range spec.Groups {
		res, _ := n.Group(g.ID)
		perRule[gi] = make([][]*narrowRule, len(g.Rules))
		restored[gi] = map[int]bool{}
		partial[gi] = map[int][]sgsim.Rule{}
		restoredFor[gi] = map[int]string{}
		partFor[gi] = map[string]string{}
		var all []*narrowRule
		for i, r := range g.Rules {
			if r.Action != sgsim.Allow {
				perRule[gi][i] = []*narrowRule{{keep: r}}
				continue
			}
			u := use[sgsim.RuleRef{Group: g.ID, Index: i}]
			if u == nil || i >= len(res.Rules) {
				continue // unused: removed
			}
			perRule[gi][i] = narrow(res.Rules[i], u)
			all = append(all, perRule[gi][i]...)
		}
		mergeRules(all, opt)
		p.Groups = append(p.Groups, GroupChange{ID: g.ID, Old: g.Rules})
	}
	build := func(gi int) {
		gc := &p.Groups[gi]
		gc.New, gc.Rules, gc.PutBack = nil, 0, nil
		for i, r := range gc.Old {
			if restored[gi][i] {
				gc.PutBack = append(gc.PutBack, PutBack{Index: len(gc.New), Rule: r, Whole: true, For: restoredFor[gi][i]})
				gc.New = append(gc.New, r)
				gc.Rules++
				continue
			}
			for _, nr := range perRule[gi][i] {
				for _, r := range nr.rules() {
					// Remote prefixes that a part of the same rule added
					// back already holds go: the same space in fewer rules.
					r, cut := uncovered(r, partial[gi][i])
					switch {
					case !cut:
						gc.New = append(gc.New, r)
						gc.Rules += nr.count()
					case !r.Remote().IsEmpty():
						gc.New = append(gc.New, r)
						gc.Rules += ruleCount(r)
					}
				}
			}
			for _, r := range partial[gi][i] {
				gc.PutBack = append(gc.PutBack, PutBack{Index: len(gc.New), Rule: r, For: partFor[gi][r.String()]})
				gc.New = append(gc.New, r)
				gc.Rules += ruleCount(r)
			}
		}
		gc.Restored = len(restored[gi])
		gc.Partial = 0
		for _, rs := range partial[gi] {
			gc.Partial += len(rs)
		}
		gc.OverMax = gc.Rules > opt.MaxRules
		p.Spec.Groups[gi].Rules = gc.New
	}
	for gi := range spec.Groups {
		build(gi)
	}
	// Required flows: a flow that passed and no longer does gets the
	// original allow rules of the groups on its path back, one at a time
	// in group and list order, until it passes again: first each rule
	// only in part, narrowed to the flow's space (partialRule), then, if
	// that is not enough (the flow needs a rule outside its own space,
	// such as the outer flow of an overlay), whole.
	before := make([]sgsim.Outcome, len(required))
	for i, rf := range required {
		r, err := n.Reach(rf.Query())
		if err != nil {
			return nil, fmt.Errorf("analyze: tighten: required flow %s: %v", rf.Name, err)
		}
		before[i] = r.Outcome
	}
	pn, err := sgsim.BuildNetwork(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("analyze: tighten: the proposal does not build: %v", err)
	}
	outcome := func(rf RequiredFlow) (sgsim.Outcome, error) {
		r, err := pn.Reach(rf.Query())
		return r.Outcome, err
	}
	for i, rf := range required {
		o, err := outcome(rf)
		if err != nil {
			return nil, err
		}
		rebuild := func(gi int) (sgsim.Outcome, error) {
			build(gi)
			if pn, err = sgsim.BuildNetwork(p.Spec); err != nil {
				return 0, fmt.Errorf("analyze: tighten: the proposal does not build: %v", err)
			}
			return outcome(rf)
		}
	parts:
		for gi, g := range spec.Groups {
			if o >= before[i] {
				break
			}
			if !onPath(spec, g.ID, rf) {
				continue
			}
			res, _ := n.Group(g.ID)
			for ri, r := range g.Rules {
				if r.Action != sgsim.Allow || restored[gi][ri] || ri >= len(res.Rules) {
					continue
				}
				pr, ok := partialRule(res.Rules[ri], rf)
				if !ok || slices.ContainsFunc(partial[gi][ri], func(x sgsim.Rule) bool { return x.String() == pr.String() }) {
					continue
				}
				partial[gi][ri] = append(partial[gi][ri], pr)
				partFor[gi][pr.String()] = rf.Name
				if o, err = rebuild(gi); err != nil {
					return nil, err
				}
				if o >= before[i] {
					break parts
				}
			}
		}
	repair:
		for gi, g := range spec.Groups {
			if o >= before[i] {
				break
			}
			if !onPath(spec, g.ID, rf) {
				continue
			}
			for ri, r := range g.Rules {
				if r.Action != sgsim.Allow || restored[gi][ri] {
					continue
				}
				restored[gi][ri] = true
				restoredFor[gi][ri] = rf.Name
				build(gi)
				if pn, err = sgsim.BuildNetwork(p.Spec); err != nil {
					return nil, fmt.Errorf("analyze: tighten: the proposal does not build: %v", err)
				}
				if o, err = outcome(rf); err != nil {
					return nil, err
				}
				if o >= before[i] {
					break repair
				}
			}
		}
	}
	// Then each restored rule goes again if every required flow still
	// passes as before without it (rules came back in list order, some
	// not needed); one that stays is needed by the first required flow
	// that fails without it, which it is then put back for.
	holds := func() (bool, string, error) {
		for i, rf := range required {
			o, err := outcome(rf)
			if err != nil || o < before[i] {
				return false, rf.Name, err
			}
		}
		return true, "", nil
	}
	for gi, g := range spec.Groups {
		for ri := range g.Rules {
			for k := 0; k < len(partial[gi][ri]); k++ {
				rs := partial[gi][ri]
				partial[gi][ri] = slices.Delete(slices.Clone(rs), k, k+1)
				build(gi)
				if pn, err = sgsim.BuildNetwork(p.Spec); err != nil {
					return nil, fmt.Errorf("analyze: tighten: the proposal does not build: %v", err)
				}
				ok, needs, err := holds()
				if err != nil {
					return nil, err
				}
				if ok {
					k--
					continue
				}
				partFor[gi][rs[k].String()] = needs
				partial[gi][ri] = rs
				build(gi)
				if pn, err = sgsim.BuildNetwork(p.Spec); err != nil {
					return nil, err
				}
			}
			if !restored[gi][ri] {
				continue
			}
			delete(restored[gi], ri)
			build(gi)
			if pn, err = sgsim.BuildNetwork(p.Spec); err != nil {
				return nil, fmt.Errorf("analyze: tighten: the proposal does not build: %v", err)
			}
			ok, needs, err := holds()
			if err != nil {
				return nil, err
			}
			if !ok {
				restored[gi][ri] = true
				restoredFor[gi][ri] = needs
				build(gi)
				if pn, err = sgsim.BuildNetwork(p.Spec); err != nil {
					return nil, err
				}
			}
		}
	}
	// Record the outcomes on the final proposal.
	for i, rf := range required {
		o, err := outcome(rf)
		if err != nil {
			return nil, err
		}
		p.Required = append(p.Required, RequiredCheck{Flow: rf, Before: before[i], After: o})
	}
	// The proof.
	for _, f := range allowed {
		if !pn.Decide(f).Allowed {
			return nil, fmt.Errorf("analyze: tighten: no proposal: observed flow %s would be dropped", f)
		}
	}
	for _, c := range p.Required {
		if c.After < c.Before {
			return nil, fmt.Errorf("analyze: tighten: no proposal: required flow %s would be %s (was %s)", c.Flow.Name, c.After, c.Before)
		}
	}
	olds, err := SetsOf(spec)
	if err != nil {
		return nil, err
	}
	news, err := SetsOf(p.Spec)
	if err != nil {
		return nil, err
	}
	if len(olds) != len(news) {
		return nil, errors.New("analyze: tighten: the proposal's group lists differ from the original's")
	}
	for i := range olds {
		d, err := DiffWith(olds[i], news[i], DiffOptions{MaxBoxes: proofBoxes(opt.MaxBoxes)})
		if err != nil {
			return nil, err
		}
		if len(d.Added) > 0 {
			return nil, fmt.Errorf("analyze: tighten: no proposal: it would open %s on %s", d.Added[0].RegionText, olds[i].Name)
		}
		eps := map[string]bool{}
		for _, e := range olds[i].Endpoints {
			eps[e] = true
		}
		sd := SetDiff{Set: olds[i].Name, Endpoints: olds[i].Endpoints, Diff: d}
		// An observed flow may not lie in the closed space at any hop
		// where the original's rules of this group list decided it (the
		// flow as that hop sees it; a hop an implicit policy decides does
		// not read the rules).
		for _, f := range allowed {
			for _, st := range n.Trace(f).Steps {
				dir, sg := sgDirection(st.Hop)
				if sg && st.Note == "" && eps[st.Where] && sd.Closes(dir, st.Flow) {
					return nil, fmt.Errorf("analyze: tighten: no proposal: on %s it would close observed flow %s at %s", olds[i].Name, f, st.Hop)
				}
			}
		}
		if !d.IsEmpty() {
			p.Closed = append(p.Closed, sd)
		}
	}
	return p, nil
}

// proofBoxes is the DiffOptions.MaxBoxes of the proof's diffs for
// TightenOptions.MaxBoxes: a narrowed 10K-rule set can close millions of
// boxes, so by default past DefaultMaxBoxes per deciding-rule pair the
// removal is summarized, and SetDiff.Closes tests observed flows against
// it exactly.
func proofBoxes(n int) int {
	switch {
	case n == 0:
		return DefaultMaxBoxes
	case n < 0:
		return 0
	}
	return n
}

// sgDirection returns the direction of the security-group rules a hop
// reads, and false for a network-ACL hop.
func sgDirection(h sgsim.Hop) (sgsim.Direction, bool) {
	switch h {
	case sgsim.SrcEgress, sgsim.ReplyDstEgress:
		return sgsim.Egress, true
	case sgsim.DstIngress, sgsim.ReplySrcIngress:
		return sgsim.Ingress, true
	}
	return 0, false
}

// onPath reports whether group id is attached to an endpoint overlapping
// the required flow's sources or destinations, or to the underlay of such
// an overlay endpoint (whose hosts' groups judge the outer flows that
// carry the flow).
func onPath(spec sgsim.NetworkSpec, id string, rf RequiredFlow) bool {
	underlays := map[string]bool{}
	for _, e := range spec.Endpoints {
		if !overlaps(e.Addrs, rf.Src) && !overlaps(e.Addrs, rf.Dst) {
			continue
		}
		if slices.Contains(e.Groups, id) {
			return true
		}
		if !e.Overlay.IsZero() {
			underlays[e.Overlay.Underlay] = true
		}
	}
	for _, e := range spec.Endpoints {
		if underlays[e.Name] && slices.Contains(e.Groups, id) {
			return true
		}
	}
	return false
}

func overlaps(a, b sgsim.Addrs) bool {
	if a.IsAny() || b.IsAny() {
		return true
	}
	return a.Set().Overlaps(b.Set())
}

// partialRule returns r (resolved, an allow rule) narrowed to the space
// of the required flow rf: the remote addresses to those of rf's far
// side, the protocol, destination ports and ICMP message to rf's; false
// when r holds nothing of it. The part is a subset of r, so adding it
// back never opens what the original did not.
func partialRule(r sgsim.Rule, rf RequiredFlow) (sgsim.Rule, bool) {
	if r.Protocol != sgsim.AnyProtocol && r.Protocol != rf.Protocol {
		return r, false
	}
	q := rf.Query()
	far := rf.Src
	if r.Direction == sgsim.Egress {
		far = rf.Dst
	}
	remote := r.Remote()
	if !remote.IsAny() {
		if far.IsAny() {
			far = remote
		} else {
			var b netipx.IPSetBuilder
			b.AddSet(remote.Set())
			b.Intersect(far.Set())
			s, _ := b.IPSet()
			far = sgsim.AddrsOf(s)
		}
	}
	if far.IsEmpty() {
		return r, false
	}
	out := r
	out.Protocol = rf.Protocol
	if rf.Protocol.HasPorts() {
		ports := r.DstPorts
		if ports == nil {
			ports = rf.Ports
		} else if rf.Ports != nil {
			ports = portsMinus(ports.Normalize(), portsMinus(ports.Normalize(), rf.Ports.Normalize()))
			if len(ports) == 0 {
				return r, false
			}
		}
		out.DstPorts = ports
	}
	if rf.Protocol.IsICMP() {
		if !r.ICMP.IsAny() && !icmpMatches(r.ICMP, q.ICMPType, q.ICMPCode) {
			return r, false
		}
		out.ICMP = sgsim.ICMPTypeCode(q.ICMPType, q.ICMPCode)
	}
	if !far.IsAny() {
		far = sgsim.PrefixAddrs(far.Set().Prefixes()...)
	}
	if r.Direction == sgsim.Egress {
		out.Dst = far
	} else {
		out.Src = far
	}
	out.RemoteGroup, out.RemoteList = "", ""
	out.Origin.Note = strings.TrimSpace(out.Origin.Note + " restored in part by sgsim tighten for required flow " + rf.Name)
	return out, true
}

// uncovered returns r without the remote prefixes that one of parts (the
// same original rule, added back in part) holds with r's protocol, every
// one of r's ports and r's ICMP message; cut reports whether any went.
func uncovered(r sgsim.Rule, parts []sgsim.Rule) (sgsim.Rule, bool) {
	remote := r.Remote()
	if remote.IsAny() || len(parts) == 0 {
		return r, false
	}
	var keep []netip.Prefix
	cut := false
	for _, p := range remote.Set().Prefixes() {
		covered := false
		for _, x := range parts {
			xr := x.Remote()
			if x.Protocol == r.Protocol && x.ICMP == r.ICMP && (xr.IsAny() || xr.Set().ContainsPrefix(p)) &&
				(x.DstPorts == nil || r.DstPorts != nil && len(portsMinus(r.DstPorts.Normalize(), x.DstPorts.Normalize())) == 0) {
				covered = true
				break
			}
		}
		if covered {
			cut = true
		} else {
			keep = append(keep, p)
		}
	}
	if !cut {
		return r, false
	}
	a := sgsim.PrefixAddrs(keep...)
	if keep == nil {
		var b netipx.IPSetBuilder
		s, _ := b.IPSet()
		a = sgsim.AddrsOf(s)
	}
	if r.Direction == sgsim.Egress {
		r.Dst = a
	} else {
		r.Src = a
	}
	return r, true
}

// ruleCount counts a rule as TightenOptions.MaxRules does: one per remote
// prefix and destination port range.
func ruleCount(r sgsim.Rule) int {
	remote := r.Remote()
	n := 1
	if !remote.IsAny() {
		n = max(1, len(remote.Set().Prefixes()))
	}
	return n * max(1, len(r.DstPorts))
}

type ruleUse struct {
	remote map[netip.Addr]bool
	ports  map[sgsim.Protocol]*mapPorts
	icmp   map[sgsim.Protocol]map[uint8]bool // ICMP types seen, per ICMP protocol
	other  []sgsim.Protocol
}

// narrowRule is one narrowed rule: the original with a protocol, the
// ports used and the remote prefixes used (or a rule kept as it is).
type narrowRule struct {
	keep        sgsim.Rule
	base        sgsim.Rule // the resolved original, narrowed to one protocol and ports
	within      sgsim.Addrs
	withinPorts sgsim.Ports // the original's destination ports (nil: every port)
	remote      []netip.Prefix
}

func (nr *narrowRule) count() int {
	if nr.remote == nil {
		return 1
	}
	return len(nr.remote) * max(1, len(nr.base.DstPorts))
}

func (nr *narrowRule) rules() []sgsim.Rule {
	if nr.remote == nil {
		return []sgsim.Rule{nr.keep}
	}
	r := nr.base
	a := sgsim.PrefixAddrs(nr.remote...)
	if r.Direction == sgsim.Egress {
		r.Dst = a
	} else {
		r.Src = a
	}
	r.RemoteGroup, r.RemoteList = "", ""
	r.Origin.Note = strings.TrimSpace(r.Origin.Note + " narrowed by sgsim tighten to the observed traffic")
	return []sgsim.Rule{r}
}

// narrow returns the narrowed rules for a used allow rule: one per
// protocol seen, and for ICMP and ICMPv6 of a rule that matches every
// type, one per type seen (any code).
func narrow(r sgsim.Rule, u *ruleUse) []*narrowRule {
	var b netipx.IPSetBuilder
	for a := range u.remote {
		b.Add(a)
	}
	s, _ := b.IPSet()
	prefixes := s.Prefixes()
	within := r.Remote()
	mk := func(proto sgsim.Protocol, ports sgsim.Ports) *narrowRule {
		base := r
		base.ID = r.ID
		if r.Protocol == sgsim.AnyProtocol {
			base.Protocol = proto
		}
		if base.Protocol.HasPorts() {
			base.DstPorts = ports
		}
		return &narrowRule{base: base, within: within, withinPorts: r.DstPorts, remote: slices.Clone(prefixes)}
	}
	var out []*narrowRule
	var protos []sgsim.Protocol
	for p := range u.ports {
		protos = append(protos, p)
	}
	for p := range u.icmp {
		protos = append(protos, p)
	}
	protos = append(protos, u.other...)
	slices.Sort(protos)
	protos = slices.Compact(protos)
	if r.Protocol != sgsim.AnyProtocol {
		protos = []sgsim.Protocol{r.Protocol}
	}
	for _, p := range protos {
		var ports sgsim.Ports
		if ps := u.ports[p]; ps != nil {
			ports = ps.ports()
		}
		if types := u.icmp[p]; types != nil && r.ICMP.IsAny() {
			for t := range 256 {
				if types[uint8(t)] {
					nr := mk(p, nil)
					nr.base.ICMP = sgsim.ICMPType(uint8(t))
					out = append(out, nr)
				}
			}
			continue
		}
		out = append(out, mk(p, ports))
	}
	return out
}

// mergeRules merges remote prefixes and port ranges of the narrowed
// rules, the merge that opens the least first (TightenOptions.MaxPortGap),
// until the rules fit opt.MaxRules or nothing more may be merged.
func mergeRules(rs []*narrowRule, opt TightenOptions) {
	total := func() int {
		t := 0
		for _, r := range rs {
			t += r.count()
		}
		return t
	}
	for total() > opt.MaxRules {
		type merge struct {
			rule, j int
			ports   bool
			cover   netip.Prefix
			opens   float64
		}
		best := merge{rule: -1}
		take := func(m merge) {
			if best.rule < 0 || m.opens < best.opens {
				best = m
			}
		}
		for i, r := range rs {
			nports := 1.0
			if r.base.Protocol.HasPorts() {
				nports = float64(r.base.DstPorts.Size())
			}
			for j := 0; j+1 < len(r.remote); j++ {
				a, c := r.remote[j], r.remote[j+1]
				if a.Addr().Is4() != c.Addr().Is4() {
					continue
				}
				cover := addrx.Cover(a.Addr(), lastAddr(c))
				minLen := opt.MinPrefix
				if cover.Addr().Is6() {
					minLen += 96
				}
				if cover.Bits() < minLen || !containsPrefix(r.within, cover) {
					continue
				}
				held := 0.0
				for _, p := range r.remote {
					if cover.Contains(p.Addr()) {
						held += prefixSize(p)
					}
				}
				take(merge{rule: i, j: j, cover: cover, opens: (prefixSize(cover) - held) * nports})
			}
			if opt.MaxPortGap < 0 || !r.base.Protocol.HasPorts() {
				continue
			}
			addrs := 0.0
			for _, p := range r.remote {
				addrs += prefixSize(p)
			}
			ps := r.base.DstPorts
			for j := 0; j+1 < len(ps); j++ {
				gap := int(ps[j+1].First) - int(ps[j].Last) - 1
				joined := sgsim.Ports{{First: ps[j].First, Last: ps[j+1].Last}}
				if gap > opt.MaxPortGap || r.withinPorts != nil && len(portsMinus(joined, r.withinPorts.Normalize())) > 0 {
					continue
				}
				take(merge{rule: i, j: j, ports: true, opens: float64(gap) * addrs})
			}
		}
		if best.rule < 0 {
			return
		}
		r := rs[best.rule]
		if best.ports {
			ps := slices.Clone(r.base.DstPorts)
			ps[best.j].Last = ps[best.j+1].Last
			r.base.DstPorts = slices.Delete(ps, best.j+1, best.j+2)
			continue
		}
		// The cover replaces every prefix it holds.
		var keep []netip.Prefix
		for _, p := range r.remote {
			if best.cover.Contains(p.Addr()) {
				continue
			}
			keep = append(keep, p)
		}
		keep = append(keep, best.cover)
		slices.SortFunc(keep, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
		r.remote = keep
	}
}

// prefixSize is the number of addresses in p, as a float (IPv6 prefixes
// hold more than any integer type).
func prefixSize(p netip.Prefix) float64 {
	return math.Exp2(float64(p.Addr().BitLen() - p.Bits()))
}

func lastAddr(p netip.Prefix) netip.Addr { return netipx.PrefixLastIP(p) }

func containsPrefix(a sgsim.Addrs, p netip.Prefix) bool {
	if a.IsAny() {
		return true
	}
	return a.Set().ContainsPrefix(p)
}
