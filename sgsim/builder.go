package sgsim

import "slices"

// Builder collects groups and rules and produces immutable evaluators. The
// zero Builder is ready to use, with FirstMatch semantics. A Builder is not
// safe for concurrent use; what it builds is.
type Builder struct {
	Semantics Semantics
	groups    []Group
}

// AddGroup attaches a group after those already added. The group's rules
// are copied.
func (b *Builder) AddGroup(g Group) {
	g.Rules = slices.Clone(g.Rules)
	b.groups = append(b.groups, g)
}

// Add appends r to the group with the given ID, attaching a new empty group
// first if there is none.
func (b *Builder) Add(group string, r Rule) {
	for i := range b.groups {
		if b.groups[i].ID == group {
			b.groups[i].Rules = append(b.groups[i].Rules, r)
			return
		}
	}
	b.groups = append(b.groups, Group{ID: group, Rules: []Rule{r}})
}

// Remove deletes every rule with the given ID from the group and reports
// how many it removed.
func (b *Builder) Remove(group, id string) int {
	for i := range b.groups {
		if b.groups[i].ID != group {
			continue
		}
		n := len(b.groups[i].Rules)
		b.groups[i].Rules = slices.DeleteFunc(b.groups[i].Rules, func(r Rule) bool { return r.ID == id })
		return n - len(b.groups[i].Rules)
	}
	return 0
}

// Groups returns a copy of the groups in attachment order.
func (b *Builder) Groups() []Group {
	out := make([]Group, len(b.groups))
	for i, g := range b.groups {
		g.Rules = slices.Clone(g.Rules)
		out[i] = g
	}
	return out
}

// Compile compiles the current groups; see Compile.
func (b *Builder) Compile() (*Classifier, error) { return Compile(b.Semantics, b.groups...) }

// Linear returns the reference evaluator of the current groups.
func (b *Builder) Linear() (*Linear, error) { return NewLinear(b.Semantics, b.groups...) }
