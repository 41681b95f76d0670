package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

// Fix is one rule to add: the group and the position where it wins under
// the vendor's ordering, and the denial it lifts.
type Fix struct {
	// ID is the added rule's ID, unique among the fixes of one
	// MinimalFixes call: "fix-1", "fix-2", ...
	ID       string     `json:"id"`
	Endpoint string     `json:"endpoint"`
	Group    string     `json:"group"`
	Hop      sgsim.Hop  `json:"-"`
	HopText  string     `json:"hop"`
	Rule     sgsim.Rule `json:"-"`
	Text     string     `json:"rule"` // Rule in sgsim text form
	DeniedBy string     `json:"denied_by"`
}

func (f Fix) String() string {
	return "add to " + f.Group + " (" + f.Endpoint + ", " + f.HopText + ", first in the group): " + f.Text + "\n      lifts: " + f.DeniedBy
}

// FixResult is the minimal fix for one required flow.
type FixResult struct {
	Flow   RequiredFlow  `json:"-"`
	Name   string        `json:"flow"`
	Before sgsim.Outcome `json:"-"`
	// Fixes are the rules this flow needs that no earlier result of the
	// same call proposed; Reused are the ones an earlier result proposed
	// already (same group, same rule, same ID), listed there and not
	// repeated. The flow passes with both added.
	Fixes  []Fix `json:"fixes"`
	Reused []Fix `json:"reused,omitempty"`
	// Passes reports whether the flow passes with the fixes added
	// (re-checked with Network.Reach).
	Passes bool `json:"passes"`
	// Problem says why no rule can fix the flow, when it cannot.
	Problem string `json:"problem,omitempty"`
	// NewlyAllowed is the group-level diff of every attachment list the
	// fixes touch; Verified reports that it removes nothing and adds
	// only flows inside the added rules.
	NewlyAllowed []Change `json:"newly_allowed"`
	Verified     bool     `json:"verified"`
}

func (r FixResult) String() string {
	var b strings.Builder
	b.WriteString("fix " + r.Name + " (" + r.Before.String() + " allowed):")
	for _, f := range r.Reused {
		b.WriteString("\n    needs " + f.ID + " (proposed above): " + f.Text)
	}
	for _, f := range r.Fixes {
		b.WriteString("\n    " + f.String())
	}
	switch {
	case r.Problem != "":
		b.WriteString("\n    cannot fix: " + r.Problem)
	case r.Passes && r.Verified:
		b.WriteString(fmt.Sprintf("\n    verified: the flow passes; %d newly allowed region(s), all inside the added rules; nothing else changes", len(r.NewlyAllowed)))
	case r.Passes:
		b.WriteString("\n    the flow passes, but the diff shows other changes")
	}
	return b.String()
}

// MinimalFixes returns, for each required flow the spec's network does
// not fully permit, the smallest rules to add so that it passes: for each
// region a security group denies, an allow rule with exactly the denied
// remote range, the flow's protocol, the denied destination ports (or
// ICMP type and code), placed first in the first group attached to the
// endpoint at the hop, at the priority that wins there under the vendor
// ordering (Huawei and Alibaba: priority 1; Tencent: index 0 and the
// lowest priority; the others: first in list order). Denied regions with
// the same remote become one rule with their ports joined. The rule's
// local side is the whole group, as a security-group rule's always is,
// and it names no source port (required flows come from ephemeral
// ports).
//
// Each added rule has an ID unique in the call (fix-1, fix-2, ...), and
// a rule one flow needs that an earlier flow's result proposed already is
// listed in Reused, not again in Fixes: the Fixes of all the results are
// the rules to add, each once. The witnesses of NewlyAllowed are flows a
// person can send (sgsim.Space.TestFlow), not the corners of the regions.
//
// Each fix is checked: the network is rebuilt, the flow re-asked with
// Reach (a later hop may deny next, so this repeats a few rounds), and
// every attachment list holding a changed group is diffed against its
// old version. A deny rule that outranks any added rule (Huawei: a
// priority-1 deny in the endpoint's first group; Alibaba: a priority-1
// drop) and network-ACL denials are reported as problems, not fixed.
func MinimalFixes(spec sgsim.NetworkSpec, flows []RequiredFlow) ([]FixResult, error) {
	base, err := sgsim.BuildNetwork(spec)
	if err != nil {
		return nil, err
	}
	var out []FixResult
	ids := fixIDs{}
	for _, f := range flows {
		q := f.Query()
		r, err := base.Reach(q)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		if r.Outcome == sgsim.All {
			continue
		}
		res, err := fixOne(spec, f, r, ids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out = append(out, res)
	}
	return out, nil
}

func cloneSpec(s sgsim.NetworkSpec) sgsim.NetworkSpec {
	s.Groups = slices.Clone(s.Groups)
	for i := range s.Groups {
		s.Groups[i].Rules = slices.Clone(s.Groups[i].Rules)
	}
	return s
}

func fixPriority(sem sgsim.Semantics, g sgsim.Group) int {
	switch sem {
	case sgsim.Huawei, sgsim.Alibaba:
		return 1
	case sgsim.Tencent:
		p := 0
		for i, r := range g.Rules {
			if i == 0 || r.Priority < p {
				p = r.Priority
			}
		}
		return min(p, 0)
	}
	return 0
}

// fixIDs numbers the rules MinimalFixes proposes: a rule in a group
// (told by its text without ID) keeps the ID it got first.
type fixIDs map[string]string

// id returns the rule's ID and whether it was proposed before.
func (ids fixIDs) id(group string, r sgsim.Rule) (string, bool) {
	r.ID = ""
	k := group + "\x00" + r.String()
	if id, ok := ids[k]; ok {
		return id, true
	}
	id := fmt.Sprintf("fix-%d", len(ids)+1)
	ids[k] = id
	return id, false
}

func fixOne(spec sgsim.NetworkSpec, f RequiredFlow, first sgsim.Reachability, ids fixIDs) (FixResult, error) {
	res := FixResult{Flow: f, Name: f.Name, Before: first.Outcome}
	q := f.Query()
	cur := cloneSpec(spec)
	var added []sgsim.Rule
	tried := map[string]bool{}
	for round := 0; round < 4; round++ {
		n, err := sgsim.BuildNetwork(cur)
		if err != nil {
			return res, err
		}
		r, err := n.Reach(q)
		if err != nil {
			return res, err
		}
		if r.Outcome == sgsim.All {
			res.Passes = true
			break
		}
		type key struct{ group, remote string }
		type pending struct {
			fix   Fix
			ports sgsim.Ports
			r     sgsim.Region
		}
		var order []key
		pend := map[key]*pending{}
		for _, d := range r.Denied {
			var side sgsim.Addrs
			var dir sgsim.Direction
			switch d.Hop {
			case sgsim.SrcEgress:
				side, dir = d.Src, sgsim.Egress
			case sgsim.DstIngress:
				side, dir = d.Dst, sgsim.Ingress
			default:
				res.Problem = "dropped at " + d.Hop.String() + " by " + d.Verdict.Why() + ": network ACL fixes are not supported"
				return res, nil
			}
			fam := sgsim.IPv4
			if v4, _ := side.Families(); !v4 {
				fam = sgsim.IPv6
			}
			ep, ok := n.Endpoint(lowest(side, fam))
			if !ok || len(ep.Groups) == 0 {
				res.Problem = "dropped at " + d.Hop.String() + " of addresses outside every endpoint"
				return res, nil
			}
			remote := d.Dst
			if dir == sgsim.Ingress {
				remote = d.Src
			}
			k := key{ep.Groups[0] + "\x00" + dir.String(), remote.String()}
			if tried[k.group+"\x00"+k.remote+"\x00"+d.Region.String()] {
				res.Problem = "still " + d.Region.String() + " dropped at " + d.Hop.String() + " [" + ep.Name + "] by " + d.Verdict.Why() +
					": no added rule outranks it under " + cur.Cloud.String() + "; remove or narrow that rule"
				return res, nil
			}
			tried[k.group+"\x00"+k.remote+"\x00"+d.Region.String()] = true
			p := pend[k]
			if p == nil {
				p = &pending{fix: Fix{Endpoint: ep.Name, Group: ep.Groups[0], Hop: d.Hop, HopText: d.Hop.String(), DeniedBy: d.Verdict.Why()}, r: d.Region}
				p.fix.Rule = sgsim.Rule{Direction: dir, Action: sgsim.Allow, Protocol: q.Protocol}
				if dir == sgsim.Ingress {
					p.fix.Rule.Src = remote
				} else {
					p.fix.Rule.Dst = remote
				}
				pend[k] = p
				order = append(order, k)
			} else if !strings.Contains(p.fix.DeniedBy, d.Verdict.Why()) {
				p.fix.DeniedBy += "; " + d.Verdict.Why()
			}
			if q.Protocol.HasPorts() {
				p.ports = append(p.ports, d.DstPorts...)
			}
		}
		for _, k := range order {
			p := pend[k]
			rule := &p.fix.Rule
			if q.Protocol.HasPorts() {
				rule.DstPorts = p.ports.Normalize()
				if rule.DstPorts.IsAll() {
					rule.DstPorts = nil
				}
			}
			if q.Protocol.IsICMP() {
				rule.ICMP = sgsim.ICMPTypeCode(q.ICMPType, q.ICMPCode)
			}
			gi := slices.IndexFunc(cur.Groups, func(g sgsim.Group) bool { return g.ID == p.fix.Group })
			rule.Priority = fixPriority(cur.Cloud, cur.Groups[gi])
			id, reused := ids.id(p.fix.Group, *rule)
			rule.ID, p.fix.ID = id, id
			p.fix.Text = rule.String()
			cur.Groups[gi].Rules = slices.Insert(cur.Groups[gi].Rules, 0, *rule)
			added = append(added, *rule)
			if reused {
				res.Reused = append(res.Reused, p.fix)
			} else {
				res.Fixes = append(res.Fixes, p.fix)
			}
		}
	}
	if !res.Passes && res.Problem == "" {
		res.Problem = "still denied after the added rules"
		return res, nil
	}
	ok, changes, err := verifyFix(spec, cur, added)
	if err != nil {
		return res, err
	}
	res.NewlyAllowed, res.Verified = changes, ok
	return res, nil
}

// fixMaxBoxes is the MaxBoxes of verifyFix's diffs: a fix adds a few
// rules, so its diff is small and every box is listed (0); tests lower
// it to see a summarized change handled.
var fixMaxBoxes = 0

// verifyFix diffs every attachment list before and after, and checks that
// nothing is removed and every added region lies inside an added rule.
func verifyFix(before, after sgsim.NetworkSpec, added []sgsim.Rule) (bool, []Change, error) {
	a, err := SetsOf(before)
	if err != nil {
		return false, nil, err
	}
	b, err := SetsOf(after)
	if err != nil {
		return false, nil, err
	}
	if len(a) != len(b) {
		return false, nil, fmt.Errorf("attachment lists changed")
	}
	fixes, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "fixes", Rules: added})
	if err != nil {
		return false, nil, err
	}
	ok := true
	var changes []Change
	for i := range a {
		d, err := DiffWith(a[i], b[i], DiffOptions{MaxBoxes: fixMaxBoxes})
		if err != nil {
			return false, nil, err
		}
		if len(d.Removed) > 0 {
			ok = false
		}
		for _, c := range d.Added {
			// A summarized change (Change.Summarized: its boxes not
			// listed) is checked on its Region, which holds its flows:
			// when the fixes allow all of the Region, they allow every
			// flow of the change. When they leave part of the Region
			// denied, the fix is reported unverified, as the Region
			// alone cannot tell whether the change reaches that part:
			// conservative, never verified wrongly. Its witness stays
			// the diff's (a flow of the change; Region's own test flow
			// may not be).
			cells, err := fixes.Partition(c.Direction, c.Region)
			if err != nil {
				return false, nil, err
			}
			for _, cell := range cells {
				if !cell.Verdict.Allowed() {
					ok = false
				}
			}
			if !c.Summarized {
				c.Witness = c.Region.TestFlow()
				c.WitnessText = c.Witness.String()
			}
			changes = append(changes, c)
		}
	}
	return ok, changes, nil
}
