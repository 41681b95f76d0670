package load

import (
	"strings"
)

// Uncertain returns the groups of a plan whose rules are incomplete
// because a rule depends on a value known only after apply (Unknown), each
// with why, for intent.Checker.Uncertain; nil when nothing is unknown.
//
// An unknown group id ("id" of aws_security_group, "security_group_id"
// of a rule resource) leaves no rule out: the rules are kept under the
// resource address that stands for the group (terraform.Plan.AddressKeys)
// and make nothing uncertain. Any other unknown attribute leaves out the
// rules of its resource (or block). When other rules of that resource
// were kept (a nested ingress or egress block of aws_security_group), the
// group holding them is uncertain; otherwise the plan does not say which
// group the left-out rule belonged to, and every group is uncertain.
func (n *Network) Uncertain() map[string]string {
	out := map[string]string{}
	for _, u := range n.Unknown {
		if u.Attribute == "id" || u.Attribute == "security_group_id" {
			continue
		}
		why := "rules of " + u.Address + " left out: " + u.Attribute + " is known only after apply"
		found := false
		for _, g := range n.Spec.Groups {
			for _, r := range g.Rules {
				if p := r.Origin.Path; p == u.Address || strings.HasPrefix(p, u.Address+".") {
					found = true
					if _, ok := out[g.ID]; !ok {
						out[g.ID] = why
					}
					break
				}
			}
		}
		if !found {
			for _, g := range n.Spec.Groups {
				if _, ok := out[g.ID]; !ok {
					out[g.ID] = why + " (the plan does not say which group it belongs to)"
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
