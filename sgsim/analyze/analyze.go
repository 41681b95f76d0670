package analyze

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Set is one rule set to analyze: the security groups attached together
// to an interface, in attachment order, under one semantics, with every
// group and list reference resolved to addresses.
type Set struct {
	Name      string // the group IDs joined by "+", e.g. "cce-node"
	Semantics sgsim.Semantics
	Groups    []sgsim.Group
	// Endpoints are the endpoints the set is attached to, when known.
	Endpoints []string
	// Families are the address families of the addresses the set guards;
	// nil means both.
	Families []sgsim.Family
	// Original holds the groups before references were resolved, when
	// known, one per group of Groups with the same ID and number of
	// rules; lint uses it to report references to empty groups.
	Original []sgsim.Group
}

// NewSet returns the set of resolved groups attached in this order.
func NewSet(sem sgsim.Semantics, groups ...sgsim.Group) Set {
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return Set{Name: strings.Join(ids, "+"), Semantics: sem, Groups: groups}
}

// SetsOf returns one Set per distinct attachment list of the spec's
// endpoints, in endpoint order, with references resolved the way
// BuildNetwork resolves them (a group reference means the addresses of
// the endpoints that carry the group). Groups attached to no endpoint get
// a Set of their own.
func SetsOf(spec sgsim.NetworkSpec) ([]Set, error) {
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		return nil, err
	}
	orig := map[string]sgsim.Group{}
	for _, g := range spec.Groups {
		orig[g.ID] = g
	}
	var out []Set
	byKey := map[string]int{}
	attached := map[string]bool{}
	add := func(ids []string, ep *sgsim.Endpoint) {
		key := strings.Join(ids, "\x00")
		i, ok := byKey[key]
		if !ok {
			var gs, og []sgsim.Group
			for _, id := range ids {
				g, _ := n.Group(id)
				gs = append(gs, g)
				og = append(og, orig[id])
				attached[id] = true
			}
			s := NewSet(spec.Cloud, gs...)
			s.Original = og
			byKey[key] = len(out)
			i = len(out)
			out = append(out, s)
		}
		if ep != nil {
			s := &out[i]
			s.Endpoints = append(s.Endpoints, ep.Name)
			v4, v6 := ep.Addrs.Families()
			if v4 && !slices.Contains(s.Families, sgsim.IPv4) {
				s.Families = append(s.Families, sgsim.IPv4)
			}
			if v6 && !slices.Contains(s.Families, sgsim.IPv6) {
				s.Families = append(s.Families, sgsim.IPv6)
			}
			slices.Sort(s.Families)
		}
	}
	for i := range spec.Endpoints {
		if len(spec.Endpoints[i].Groups) > 0 {
			add(spec.Endpoints[i].Groups, &spec.Endpoints[i])
		}
	}
	for _, g := range spec.Groups {
		if !attached[g.ID] {
			add([]string{g.ID}, nil)
		}
	}
	return out, nil
}

// check reports a set whose Families or Original do not fit its Groups.
func (s Set) check() error {
	for i, f := range s.Families {
		if f != sgsim.IPv4 && f != sgsim.IPv6 {
			return fmt.Errorf("analyze: set %q: Families[%d] is %d: want ipv4 (4) or ipv6 (6)", s.Name, i, f)
		}
	}
	if s.Original == nil {
		return nil
	}
	if len(s.Original) != len(s.Groups) {
		return fmt.Errorf("analyze: set %q: Original has %d groups, Groups %d: want one per group", s.Name, len(s.Original), len(s.Groups))
	}
	for i, o := range s.Original {
		if g := s.Groups[i]; o.ID != g.ID || len(o.Rules) != len(g.Rules) {
			return fmt.Errorf("analyze: set %q: Original[%d] is group %q with %d rules, Groups[%d] group %q with %d: want the same group before resolving",
				s.Name, i, o.ID, len(o.Rules), i, g.ID, len(g.Rules))
		}
	}
	return nil
}

func (s Set) families() []sgsim.Family {
	if len(s.Families) == 0 {
		return []sgsim.Family{sgsim.IPv4, sgsim.IPv6}
	}
	return s.Families
}

// RuleRef points at a rule: its group, its index in the group's Rules,
// its text form and its provenance.
type RuleRef struct {
	Group  string `json:"group"`
	Index  int    `json:"index"`
	ID     string `json:"id,omitempty"`
	Text   string `json:"rule"`
	Origin string `json:"origin,omitempty"`
}

func refOf(group string, index int, r *sgsim.Rule) RuleRef {
	ref := RuleRef{Group: group, Index: index, ID: r.ID, Text: r.String()}
	if !r.Origin.IsZero() {
		ref.Origin = r.Origin.String()
	}
	return ref
}

func (r RuleRef) String() string {
	s := "rule " + r.Text + " of group " + r.Group
	if r.Origin != "" {
		s += " (" + r.Origin + ")"
	}
	return s
}

// compiled is a set with its classifier and the positions of its rules.
type compiled struct {
	set Set
	c   *sgsim.Classifier
	pos map[*sgsim.Rule][2]int
	// refs caches ref's answers: a rule's text is built once, not once
	// per finding or change that names it.
	refs map[*sgsim.Rule]RuleRef
}

func compile(s Set) (*compiled, error) {
	c, err := sgsim.Compile(s.Semantics, s.Groups...)
	if err != nil {
		return nil, err
	}
	k := &compiled{set: s, c: c, pos: map[*sgsim.Rule][2]int{}}
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		rs, _ := c.Rules(d)
		for _, r := range rs {
			g, i, _ := c.Position(r)
			k.pos[r] = [2]int{g, i}
		}
	}
	return k, nil
}

// ref returns the reference of a rule of the classifier, nil for nil.
func (k *compiled) ref(r *sgsim.Rule) *RuleRef {
	if r == nil {
		return nil
	}
	ref := k.refv(r)
	return &ref // a copy: callers may change it
}

// refv is ref's value, for a rule of the classifier (not nil).
func (k *compiled) refv(r *sgsim.Rule) RuleRef {
	ref, ok := k.refs[r]
	if !ok {
		p := k.pos[r]
		ref = refOf(k.set.Groups[p[0]].ID, p[1], &k.set.Groups[p[0]].Rules[p[1]])
		if k.refs == nil {
			k.refs = map[*sgsim.Rule]RuleRef{}
		}
		k.refs[r] = ref
	}
	return ref
}

// rules returns the classifier's rules of direction d in evaluation order.
func (k *compiled) rules(d sgsim.Direction) []*sgsim.Rule {
	rs, _ := k.c.Rules(d)
	return rs
}

// Protocol classes. Flows of protocols no rule names are decided alike
// (only any-protocol rules match them), so one representative stands for
// all of them; every named protocol is its own class.

// Class is a protocol, or the representative of every protocol that no
// rule of the sets names (Others).
type Class struct {
	Protocol sgsim.Protocol
	Others   bool
}

func (c Class) String() string {
	if c.Others {
		return "other protocols (" + c.Protocol.String() + " and every protocol no rule names)"
	}
	return c.Protocol.String()
}

// classes returns the protocol classes over the sets. They do not depend
// on the address family: a rule names a protocol for both.
func classes(sets ...Set) []Class {
	named := map[sgsim.Protocol]bool{}
	for _, s := range sets {
		for _, g := range s.Groups {
			for _, r := range g.Rules {
				if r.Protocol != sgsim.AnyProtocol {
					named[r.Protocol] = true
				}
			}
		}
	}
	var out []Class
	for p := sgsim.Protocol(1); p <= 256; p++ {
		if named[p] {
			out = append(out, Class{Protocol: p})
		}
	}
	rep := sgsim.AnyProtocol
	for _, p := range []sgsim.Protocol{sgsim.GRE, sgsim.ESP, sgsim.AH} {
		if !named[p] {
			rep = p
			break
		}
	}
	for p := sgsim.Protocol(1); rep == sgsim.AnyProtocol && p <= 256; p++ {
		if !named[p] && !p.HasPorts() && !p.IsICMP() {
			rep = p
		}
	}
	if rep != sgsim.AnyProtocol {
		out = append(out, Class{Protocol: rep, Others: true})
	}
	return out
}

// ruleFamilies returns the families a rule can match flows of.
func ruleFamilies(r *sgsim.Rule) []sgsim.Family {
	var out []sgsim.Family
	s4, s6 := r.Src.Families()
	d4, d6 := r.Dst.Families()
	if s4 && d4 && r.Family != sgsim.IPv6 {
		out = append(out, sgsim.IPv4)
	}
	if s6 && d6 && r.Family != sgsim.IPv4 {
		out = append(out, sgsim.IPv6)
	}
	return out
}

// ruleSpace returns the flows of the family and protocol the rule
// matches, and false when it matches none.
func ruleSpace(r *sgsim.Rule, fam sgsim.Family, p sgsim.Protocol) (sgsim.Space, bool) {
	if r.Protocol != sgsim.AnyProtocol && r.Protocol != p || r.Family != sgsim.AnyFamily && r.Family != fam {
		return sgsim.Space{}, false
	}
	s := sgsim.Space{Family: fam, Protocol: p, Src: r.Src, Dst: r.Dst}
	if p.HasPorts() && r.Protocol.HasPorts() {
		s.SrcPorts, s.DstPorts = r.SrcPorts, r.DstPorts
	}
	if p.IsICMP() && r.Protocol.IsICMP() {
		if r.ICMP.HasType {
			s.ICMPTypes = sgsim.Ports{sgsim.Port(uint16(r.ICMP.Type))}
		}
		if r.ICMP.HasCode {
			s.ICMPCodes = sgsim.Ports{sgsim.Port(uint16(r.ICMP.Code))}
		}
	}
	if emptyIn(s.Src, fam) || emptyIn(s.Dst, fam) {
		return sgsim.Space{}, false
	}
	return s, true
}

// emptyIn reports whether a holds no address of the family.
func emptyIn(a sgsim.Addrs, fam sgsim.Family) bool {
	v4, v6 := a.Families()
	if fam == sgsim.IPv4 {
		return !v4
	}
	return !v6
}

// intersect returns the flows in both spaces, and false when there are none.
func intersect(a, b sgsim.Space) (sgsim.Space, bool) {
	out := a
	var ok bool
	if out.Src, ok = interAddrs(a.Src, b.Src, a.Family); !ok {
		return out, false
	}
	if out.Dst, ok = interAddrs(a.Dst, b.Dst, a.Family); !ok {
		return out, false
	}
	for _, p := range []struct {
		dst  *sgsim.Ports
		x, y sgsim.Ports
	}{{&out.SrcPorts, a.SrcPorts, b.SrcPorts}, {&out.DstPorts, a.DstPorts, b.DstPorts},
		{&out.ICMPTypes, a.ICMPTypes, b.ICMPTypes}, {&out.ICMPCodes, a.ICMPCodes, b.ICMPCodes}} {
		if *p.dst, ok = interPorts(p.x, p.y); !ok {
			return out, false
		}
	}
	return out, true
}

func interAddrs(a, b sgsim.Addrs, fam sgsim.Family) (sgsim.Addrs, bool) {
	switch {
	case a.IsAny():
		return b, !emptyIn(b, fam)
	case b.IsAny():
		return a, !emptyIn(a, fam)
	}
	var sb netipx.IPSetBuilder
	sb.AddSet(a.Set())
	sb.Intersect(b.Set())
	s, _ := sb.IPSet()
	out := sgsim.AddrsOf(s)
	return out, !emptyIn(out, fam)
}

func interPorts(a, b sgsim.Ports) (sgsim.Ports, bool) {
	switch {
	case a == nil:
		return b, true
	case b == nil:
		return a, true
	}
	var out sgsim.Ports
	for _, x := range a {
		for _, y := range b {
			lo, hi := max(x.First, y.First), min(x.Last, y.Last)
			if lo <= hi {
				out = append(out, sgsim.PortRange{First: lo, Last: hi})
			}
		}
	}
	return out.Normalize(), len(out) > 0
}

// fullSpace is every flow of the family and protocol.
func fullSpace(fam sgsim.Family, p sgsim.Protocol) sgsim.Space {
	return sgsim.Space{Family: fam, Protocol: p}
}

// Severity ranks findings. The zero Severity is Info.
type Severity uint8

// Severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
)

var sevNames = [...]string{"info", "low", "medium", "high"}

func (s Severity) String() string {
	if int(s) < len(sevNames) {
		return sevNames[s]
	}
	return "invalid severity"
}

// ParseSeverity parses "info", "low", "medium" or "high".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range sevNames {
		if strings.EqualFold(n, s) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("severity %q: want info, low, medium or high", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// lowest returns the first address of a set in the family.
func lowest(a sgsim.Addrs, fam sgsim.Family) netip.Addr {
	for _, r := range a.Ranges() {
		if (r.From().Is6()) == (fam == sgsim.IPv6) {
			return r.From()
		}
	}
	if fam == sgsim.IPv6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

var errSemantics = errors.New("analyze: the two sets have different semantics")
