package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Change is a box of flows that two versions of a rule set decide with
// different actions, with a witness flow and the deciding rule in each
// version (nil: the default deny). The witness is a flow of the box a
// person could send to test it (sgsim.Space.TestFlow: host addresses, a
// destination port above 0 and an ephemeral source port where the box
// has them), not its lowest corner. The changes of one Diff that name
// the same rule share its RuleRef (a large diff names few rules in
// millions of changes), and so do their Regions' address and port (or
// ICMP type and code) sets that are the same range: copy a RuleRef or a
// Ports before changing it (Addrs cannot be changed).
type Change struct {
	DirectionText string          `json:"direction"`
	Direction     sgsim.Direction `json:"-"`
	// Others is true when Region's protocol stands for every protocol no
	// rule of either version names.
	Others      bool        `json:"others,omitempty"`
	Region      sgsim.Space `json:"-"`
	RegionText  string      `json:"region"`
	Witness     sgsim.Flow  `json:"-"`
	WitnessText string      `json:"witness"`
	Old         *RuleRef    `json:"old,omitempty"`
	New         *RuleRef    `json:"new,omitempty"`
	// Summarized is set when the diff stopped listing the change's
	// boxes, past DiffOptions.MaxBoxes of them: the change is then
	// every flow of its direction, address family and protocol class
	// that the old version decides by Old and the new by New, exactly
	// (Contains tests a flow by evaluating both versions). Region only
	// holds those flows (the smallest box around the flows both rules
	// match), it is not them; Witness is a flow of the first box found.
	// Boxes is the number of boxes of the diff's cut found for the
	// change (more than MaxBoxes; not all of them, and more than the
	// joined boxes listing them would take: a lower bound of the cut,
	// not of the listing). Readers that need the region exactly use
	// Contains, never Region alone.
	Summarized bool `json:"summarized,omitempty"`
	Boxes      int  `json:"boxes_found,omitempty"`
	of         *changeOf
}

// changeOf is what Contains needs beyond a change's region: the
// protocols either version names (for Others) and, for a summarized
// change, both versions and the deciding rules.
type changeOf struct {
	named    map[sgsim.Protocol]bool
	old, new *sgsim.Classifier
	ro, rn   *sgsim.Rule
}

// Contains reports whether flow f, in the change's direction, is one of
// the change's flows: for a listed change, f lies in Region (a flow of
// a protocol no rule of either version names in a change with Others);
// for a summarized one, f is of the change's family and protocol class
// and the old version decides it by Old and the new by New (both
// compiled versions are evaluated: exact whatever boxes were listed).
// It does not allocate and is safe for concurrent use. A Change not
// made by a diff (built by hand or decoded from JSON) carries neither
// version nor the protocols they name: Contains then tests Region
// alone, which for a summarized change holds more than its flows.
func (c *Change) Contains(f sgsim.Flow) bool {
	if c.of == nil {
		return c.Region.Contains(f)
	}
	if !f.IsValid() || (c.Region.Family == sgsim.IPv6) != f.Src.Is6() {
		return false
	}
	g := f
	if c.Others {
		if c.of.named[f.Proto] {
			return false
		}
		g.Proto = c.Region.Protocol
	} else if f.Proto != c.Region.Protocol {
		return false
	}
	if !c.Summarized {
		return c.Region.Contains(g)
	}
	return c.of.old.Check(c.Direction, f).Rule == c.of.ro && c.of.new.Check(c.Direction, f).Rule == c.of.rn
}

func (c Change) String() string {
	why := func(r *RuleRef) string {
		if r == nil {
			return "default deny"
		}
		return r.String()
	}
	s := c.Direction.String() + " " + c.RegionText + "\n    witness " + c.WitnessText
	return s + "\n    old: " + why(c.Old) + "\n    new: " + why(c.New)
}

// Diff is the exact difference between two versions of a rule set.
type Diff struct {
	Added   []Change `json:"added"`   // allowed by the new version, denied by the old
	Removed []Change `json:"removed"` // allowed by the old version, denied by the new
}

// IsEmpty reports whether both versions give every flow the same action.
func (d Diff) IsEmpty() bool { return len(d.Added) == 0 && len(d.Removed) == 0 }

// DiffSets returns the flows, in both directions, every family and every
// protocol class, that old and new decide with different actions. The
// sets must have the same semantics and be well formed (see LintSet).
// The old version's partition of the whole space is partitioned again by
// the new version, box by box, so the result is exact and its boxes are
// disjoint. Boxes with the same deciding rules in both versions that
// abut are joined, and the changes come in order of their lowest flow
// per direction, family and protocol class. On very large diffs (a class
// with over a million changed cells) the boxes found so far are joined
// while the rest are found, to bound memory: the changed flows and their
// rules are the same, only the split into boxes may differ.
//
// Every box is listed: see DiffWith for a diff that summarizes changes
// of very many boxes.
func DiffSets(old, new Set) (Diff, error) {
	return DiffWith(old, new, DiffOptions{})
}

// DefaultMaxBoxes is the MaxBoxes the sgsim program's diff uses unless
// told otherwise (its -max-boxes flag), and the bench runner's.
const DefaultMaxBoxes = 1000

// DiffOptions are DiffWith's options. The zero value lists every box.
type DiffOptions struct {
	// MaxBoxes, when above 0, is the number of boxes of one group (a
	// direction, address family and protocol class, and the old and new
	// deciding rules) the diff lists: past it, the group comes out as one
	// summarized change (Change.Summarized), its region defined by the
	// two deciding rules, with the witness of its first box, and the diff
	// leaves out every part of its cut where all the flows that can
	// change are of summarized groups. The changed flows are the same,
	// only fewer boxes are listed. Set it when a diff may be very large
	// (two 10K-rule firewall sets can differ in millions of boxes);
	// readers of such a diff test flows with Change.Contains.
	MaxBoxes int
	// Progress, when not nil, is called as DiffProgress calls it.
	Progress Progress
}

// DiffParts returns the number of parts DiffSets walks for old and new:
// one per direction, address family and protocol class of either set.
// DiffProgress counts its progress in these.
func DiffParts(old, new Set) int {
	fams := map[sgsim.Family]bool{}
	for _, f := range slices.Concat(old.families(), new.families()) {
		fams[f] = true
	}
	return 2 * len(fams) * len(classes(old, new))
}

// DiffProgress is DiffSets that calls progress (when not nil) with 0
// parts done before it starts and after each part (a direction, family
// and protocol class, see DiffParts) it has diffed, with the parts done
// and DiffParts(old, new). It is called from the calling goroutine.
func DiffProgress(old, new Set, progress Progress) (Diff, error) {
	return DiffWith(old, new, DiffOptions{Progress: progress})
}

// DiffWith is DiffSets with options.
func DiffWith(old, new Set, o DiffOptions) (Diff, error) {
	progress := o.Progress
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
	eo, en := newEngine(ko), newEngine(kn)
	fams := map[sgsim.Family]bool{}
	for _, f := range slices.Concat(old.families(), new.families()) {
		fams[f] = true
	}
	cls := classes(old, new)
	var ch []cell
	var m merger
	done, total := 0, 2*len(fams)*len(cls)
	if progress != nil {
		progress(0, total)
	}
	// The changed regions of every part are found first and held as
	// merged cells (exactly sized), and the changes built after, once
	// the scratch of the cuts is no longer needed: Added and Removed are
	// allocated once at their final size, instead of growing (and
	// copying 264-byte Changes) while the scratch is held.
	type part struct {
		d      sgsim.Direction
		others bool
		to, tn *table
		cells  heldCells
		sums   []sumGroup
	}
	var parts []part
	var added, removed int
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		for _, fam := range []sgsim.Family{sgsim.IPv4, sgsim.IPv6} {
			if !fams[fam] {
				continue
			}
			for _, cl := range cls {
				to, tn := eo.table(d, fam, cl.Protocol), en.table(d, fam, cl.Protocol)
				var sums []sumGroup
				ch, sums = changed(to, tn, eo.rules[d], en.rules[d], ch[:0], &m, o.MaxBoxes)
				ch = m.merge(ch)
				if len(ch) > 0 || len(sums) > 0 {
					sortCells(ch)
					pt := part{d: d, others: cl.Others, to: to, tn: tn, sums: sums}
					if len(ch) > 0 {
						pt.cells = holdCells(ch)
					}
					parts = append(parts, pt)
					for _, x := range ch {
						if action(en.rules[d], x.rule) == sgsim.Allow {
							added++
						} else {
							removed++
						}
					}
					for _, g := range sums {
						if action(en.rules[d], g.first.rule) == sgsim.Allow {
							added++
						} else {
							removed++
						}
					}
				}
				if done++; progress != nil {
					progress(done, total)
				}
			}
		}
	}
	ch, m = nil, merger{}
	out := Diff{Added: make([]Change, 0, added), Removed: make([]Change, 0, removed)}
	if added == 0 {
		out.Added = nil
	}
	if removed == 0 {
		out.Removed = nil
	}
	// One RuleRef per rule named, shared by the changes that name it,
	// per version (keyed by the classifier's rule: each version's
	// classifier holds copies of its own today, so the two maps only
	// guard against that changing).
	refs := [2]map[*sgsim.Rule]*RuleRef{{}, {}}
	ref := func(v int, k *compiled, rules []*sgsim.Rule, i int32) *RuleRef {
		if i < 0 {
			return nil
		}
		r := refs[v][rules[i]]
		if r == nil {
			r = k.ref(rules[i])
			refs[v][rules[i]] = r
		}
		return r
	}
	listed := &changeOf{named: namedProtocols(old, new)}
	for pi := range parts {
		pt := &parts[pi]
		d, tn := pt.d, pt.tn
		for i := range pt.cells.len() {
			x := pt.cells.at(i)
			c := Change{Direction: d, DirectionText: d.String(), Region: tn.space(x.b), Others: pt.others,
				Old: ref(0, ko, eo.rules[d], x.tag), New: ref(1, kn, en.rules[d], x.rule), of: listed}
			c.Witness = c.Region.TestFlow() // a flow a person could send
			suffix := ""
			if pt.others {
				suffix = " (and every protocol no rule names)"
			}
			c.RegionText, c.WitnessText = tn.regionText(x.b, c.Region, suffix), c.Witness.String()
			if action(en.rules[d], x.rule) == sgsim.Allow {
				out.Added = append(out.Added, c)
			} else {
				out.Removed = append(out.Removed, c)
			}
		}
		pt.cells = heldCells{} // done with: the next parts' changes may use its memory
		// Summarized groups come after the part's listed changes, in
		// the order they were summarized.
		for _, g := range pt.sums {
			x := g.first
			// The region holds the flows both rules match: the smallest
			// box around the old rule's boxes and the new rule's.
			b := tn.full
			for _, r := range []struct {
				t *table
				i int32
			}{{pt.to, x.tag}, {tn, x.rule}} {
				if r.i >= 0 {
					b = clipBound(b, r.t.ruleBoxes(int(r.i)))
				}
			}
			c := Change{Direction: d, DirectionText: d.String(), Region: tn.space(b), Others: pt.others,
				Old: ref(0, ko, eo.rules[d], x.tag), New: ref(1, kn, en.rules[d], x.rule),
				Summarized: true, Boxes: g.n,
				of: &changeOf{named: listed.named, old: ko.c, new: kn.c, ro: ruleAt(eo.rules[d], x.tag), rn: ruleAt(en.rules[d], x.rule)}}
			c.Witness = tn.space(x.b).TestFlow() // the first box's
			suffix := ""
			if pt.others {
				suffix = " (and every protocol no rule names)"
			}
			c.RegionText = tn.regionText(b, c.Region, suffix)
			c.RegionText += fmt.Sprintf(", where the old version decides by %s and the new by %s (%d+ boxes, not listed)",
				refText(c.Old), refText(c.New), g.n)
			c.WitnessText = c.Witness.String()
			if action(en.rules[d], x.rule) == sgsim.Allow {
				out.Added = append(out.Added, c)
			} else {
				out.Removed = append(out.Removed, c)
			}
		}
	}
	return out, nil
}

// refText is a deciding rule's text: the rule's, or "the default deny".
func refText(r *RuleRef) string {
	if r == nil {
		return "the default deny"
	}
	return r.String()
}

// clipBound returns b cut down to the smallest box around bs (boxes
// that meet it; not empty).
func clipBound(b box, bs []box) box {
	if len(bs) == 0 {
		return b
	}
	u := bs[0]
	for _, x := range bs[1:] {
		for d := range u {
			if x[d].lo.less(u[d].lo) {
				u[d].lo = x[d].lo
			}
			if u[d].hi.less(x[d].hi) {
				u[d].hi = x[d].hi
			}
		}
	}
	return b.clip(&u)
}

// heldCells holds a part's merged cells until its changes are built:
// when every key of each dimension is under one 96-bit prefix (IPv4
// addresses, ports, ICMP types and codes), as 32-bit fields under
// those prefixes, 40 bytes a cell instead of 136.
type heldCells struct {
	pre   [4]key
	small []cell32
	cells []cell
}

type cell32 struct {
	b         [4][2]uint32
	rule, tag int32
}

// holdCells copies cs, which is not empty.
func holdCells(cs []cell) heldCells {
	if !packable(cs) {
		return heldCells{cells: slices.Clone(cs)}
	}
	var h heldCells
	for d := range h.pre {
		h.pre[d] = key{cs[0].b[d].lo.hi, cs[0].b[d].lo.lo &^ 0xffffffff}
	}
	h.small = make([]cell32, len(cs))
	for i := range cs {
		c := &cs[i]
		for d := range c.b {
			h.small[i].b[d] = [2]uint32{uint32(c.b[d].lo.lo), uint32(c.b[d].hi.lo)}
		}
		h.small[i].rule, h.small[i].tag = c.rule, c.tag
	}
	return h
}

func (h *heldCells) len() int { return len(h.small) + len(h.cells) }

// at returns cell i as it was given to holdCells.
func (h *heldCells) at(i int) cell {
	if h.small == nil {
		return h.cells[i]
	}
	s := &h.small[i]
	c := cell{rule: s.rule, tag: s.tag}
	for d := range c.b {
		p := h.pre[d]
		c.b[d] = span{key{p.hi, p.lo | uint64(s.b[d][0])}, key{p.hi, p.lo | uint64(s.b[d][1])}}
	}
	return c
}

// action is the action of rule i of rules, the default deny for -1.
func action(rules []*sgsim.Rule, i int32) sgsim.Action {
	if i < 0 {
		return sgsim.Deny
	}
	return rules[i].Action
}

func ruleAt(rules []*sgsim.Rule, i int32) *sgsim.Rule {
	if i < 0 {
		return nil
	}
	return rules[i]
}

// Lost is a required flow the old network permits (in part or whole) and
// the new one denies (in part or whole): the denied regions, the hop and
// verdict that deny each, and a witness.
type Lost struct {
	Flow        RequiredFlow   `json:"-"`
	Name        string         `json:"flow"`
	Old, New    sgsim.Outcome  `json:"-"`
	Regions     []sgsim.Denial `json:"-"`
	Text        []string       `json:"regions"`
	Witness     sgsim.Flow     `json:"-"`
	WitnessText string         `json:"witness"`
	Trace       sgsim.Trace    `json:"-"`
}

// Exposure is a region of flows from outside the cluster ranges to an
// endpoint that the new network allows and the old one does not.
type Exposure struct {
	To          string         `json:"to"`
	Region      sgsim.Region   `json:"-"`
	Protocol    sgsim.Protocol `json:"protocol"`
	Text        string         `json:"region"`
	Witness     sgsim.Flow     `json:"-"`
	WitnessText string         `json:"witness"`
	Trace       sgsim.Trace    `json:"-"`
}

// Summary compares two versions of a network against a profile's
// required flows: the required flows lost, and the exposure gained.
type Summary struct {
	Lost     []Lost     `json:"lost"`
	Exposure []Exposure `json:"exposure"`
}

func (l Lost) String() string {
	s := fmt.Sprintf("lost %s: %s -> %s allowed; witness %s", l.Name, l.Old, l.New, l.WitnessText)
	if l.Trace.Dropped >= 0 && l.Trace.Dropped < len(l.Trace.Steps) {
		s += "\n    dropped at " + l.Trace.Steps[l.Trace.Dropped].String()
	}
	for _, t := range l.Text {
		s += "\n    denied: " + t
	}
	return s
}

func (e Exposure) String() string {
	return "exposed " + e.To + ": " + e.Protocol.String() + " " + e.Text + "; witness " + e.WitnessText
}

// exposureProtocols are the protocols exposure is checked for: TCP and
// UDP on every port, ICMP echo requests, and GRE for the rest.
var exposureProtocols = []sgsim.Query{{Protocol: sgsim.TCP, SrcPorts: sgsim.Ports{sgsim.AllPorts}},
	{Protocol: sgsim.UDP, SrcPorts: sgsim.Ports{sgsim.AllPorts}}, {Protocol: sgsim.ICMP, ICMPType: 8}, {Protocol: sgsim.GRE}}

// Compare summarises the change from old to new (two builds of networks
// with the same endpoints): for each required flow, the regions old
// allows and new denies (found by re-asking new about each region old
// allows); and for each endpoint of newSpec with security groups, the
// IPv4 flows from outside the inside ranges (from every address outside
// them, such as 0.0.0.0/0 less the cluster) over TCP, UDP, ICMP echo and
// GRE that new allows and old denies. A zero inside means every
// endpoint's addresses and every subnet prefix of newSpec.
//
// It works per endpoint pair through Network.Reach, not over the whole
// flow space: flows between addresses outside every required flow and
// endpoint are not looked at (use DiffSets on each attachment list for
// that).
func Compare(oldNet, newNet *sgsim.Network, newSpec sgsim.NetworkSpec, required []RequiredFlow, inside sgsim.Addrs) (Summary, error) {
	var out Summary
	for _, f := range required {
		q := f.Query()
		ro, err := oldNet.Reach(q)
		if err != nil {
			return out, fmt.Errorf("%s: %w", f.Name, err)
		}
		rn, err := newNet.Reach(q)
		if err != nil {
			return out, fmt.Errorf("%s: %w", f.Name, err)
		}
		lost := Lost{Flow: f, Name: f.Name, Old: ro.Outcome, New: rn.Outcome}
		for _, a := range ro.Allowed {
			r, err := newNet.Reach(subQuery(q, a.Src, a.Dst, a.SrcPorts, a.DstPorts))
			if err != nil {
				return out, err
			}
			for _, d := range r.Denied {
				lost.Regions = append(lost.Regions, d)
				lost.Text = append(lost.Text, d.Region.String()+" at "+d.Hop.String()+" by "+d.Verdict.Why())
			}
		}
		if len(lost.Regions) > 0 {
			lost.Witness = lost.Regions[0].Region.TestFlow(q)
			lost.WitnessText = lost.Witness.String()
			lost.Trace = newNet.Trace(lost.Witness)
			out.Lost = append(out.Lost, lost)
		}
	}
	if inside.IsAny() {
		var b netipx.IPSetBuilder
		for _, e := range newSpec.Endpoints {
			b.AddSet(e.Addrs.Set())
		}
		for _, s := range newSpec.Subnets {
			if s.Prefix.IsValid() {
				b.AddPrefix(s.Prefix)
			}
			for _, p := range s.Also {
				b.AddPrefix(p)
			}
		}
		set, _ := b.IPSet()
		inside = sgsim.AddrsOf(set)
	}
	var ob netipx.IPSetBuilder
	ob.AddPrefix(netip.PrefixFrom(netip.IPv4Unspecified(), 0))
	ob.RemoveSet(inside.Set())
	outSet, _ := ob.IPSet()
	outside := sgsim.AddrsOf(outSet)
	if outside.IsEmpty() {
		return out, nil
	}
	for _, e := range newSpec.Endpoints {
		if len(e.Groups) == 0 {
			continue
		}
		to := ipv4Of(e.Addrs)
		if to.IsEmpty() {
			continue
		}
		for _, pq := range exposureProtocols {
			q := pq
			q.From, q.To = outside, to
			rn, err := newNet.Reach(q)
			if err != nil {
				return out, fmt.Errorf("exposure of %s: %w", e.Name, err)
			}
			for _, a := range rn.Allowed {
				r, err := oldNet.Reach(subQuery(q, a.Src, a.Dst, a.SrcPorts, a.DstPorts))
				if err != nil {
					return out, err
				}
				for _, d := range r.Denied {
					w := d.Region.TestFlow(q)
					out.Exposure = append(out.Exposure, Exposure{To: e.Name, Region: d.Region, Protocol: q.Protocol,
						Text: d.Region.String(), Witness: w, WitnessText: w.String(), Trace: newNet.Trace(w)})
				}
			}
		}
	}
	return out, nil
}

func ipv4Of(a sgsim.Addrs) sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, r := range a.Ranges() {
		if r.From().Is4() {
			b.AddRange(r)
		}
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func subQuery(q sgsim.Query, src, dst sgsim.Addrs, sp, dp sgsim.Ports) sgsim.Query {
	q.From, q.To = src, dst
	if q.Protocol.HasPorts() {
		q.SrcPorts, q.DstPorts = sp, dp
	}
	return q
}

// String prints the summary, one entry per paragraph.
func (s Summary) String() string {
	var b strings.Builder
	for _, l := range s.Lost {
		b.WriteString(l.String() + "\n")
	}
	for _, e := range s.Exposure {
		b.WriteString(e.String() + "\n")
	}
	if len(s.Lost) == 0 && len(s.Exposure) == 0 {
		b.WriteString("no required flow lost, no exposure gained\n")
	}
	return b.String()
}
