package sgsim

import (
	"cmp"
	"slices"
)

// RuleRef names one rule of a network: the security group or network
// ACL holding it (ACL tells which, as their IDs may coincide) and its
// index in that group's Rules. The zero RuleRef names no rule.
type RuleRef struct {
	Group string
	ACL   bool
	Index int
}

// RuleAt is a rule of a network with where it is.
type RuleAt struct {
	Ref  RuleRef
	Rule *Rule // resolved (a remote group or list is addresses); must not be modified
}

// RuleRef returns where a Verdict.Rule returned by this network (Decide,
// Trace, Reach) sits, and false for a rule the network does not hold.
// Every endpoint's groups are compiled into a classifier of their own,
// each with its own copy of the rules, so one rule has several pointers;
// RuleRef maps each to the one place it came from. It takes time linear in
// the number of distinct group lists; a caller looking up many verdicts
// should remember the answers by pointer.
func (n *Network) RuleRef(r *Rule) (RuleRef, bool) {
	if r == nil {
		return RuleRef{}, false
	}
	for _, c := range n.epSG {
		if c == nil {
			continue
		}
		if g, i, ok := c.Position(r); ok {
			return RuleRef{Group: c.groups[g], Index: i}, true
		}
	}
	for _, c := range n.subACL {
		if c == nil {
			continue
		}
		if g, i, ok := c.Position(r); ok {
			return RuleRef{Group: c.groups[g], ACL: true, Index: i}, true
		}
	}
	return RuleRef{}, false
}

// Rules returns every rule on some hop of the network: the rules of the
// security groups attached to an endpoint and of the network ACLs
// associated with a subnet, resolved, ordered by security groups first,
// then group ID and index. Groups and ACLs nothing carries are left out:
// no flow can meet their rules.
func (n *Network) Rules() []RuleAt {
	seen := map[RuleRef]bool{}
	var out []RuleAt
	add := func(c *Classifier, acl bool) {
		if c == nil {
			return
		}
		for i := range c.rules {
			r := &c.rules[i]
			p := c.pos[i]
			ref := RuleRef{Group: c.groups[p.group], ACL: acl, Index: int(p.index)}
			if !seen[ref] {
				seen[ref] = true
				out = append(out, RuleAt{Ref: ref, Rule: r})
			}
		}
	}
	for _, c := range n.epSG {
		add(c, false)
	}
	for _, c := range n.subACL {
		add(c, true)
	}
	slices.SortFunc(out, func(a, b RuleAt) int {
		if a.Ref.ACL != b.Ref.ACL {
			if a.Ref.ACL {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Ref.Group, b.Ref.Group), cmp.Compare(a.Ref.Index, b.Ref.Index))
	})
	return out
}
