package sgsim

import (
	"net/netip"
	"strconv"
	"strings"
)

// Action is what a rule does with the flows it matches. The zero Action is
// Deny, so a zero Verdict is the default deny.
type Action uint8

// Actions.
const (
	Deny  Action = 0
	Allow Action = 1
)

func (a Action) String() string {
	switch a {
	case Deny:
		return "deny"
	case Allow:
		return "allow"
	}
	return "invalid action"
}

// ParseAction accepts "allow", "accept", "deny" and "drop" in any case, as
// the vendor APIs spell them.
func ParseAction(s string) (Action, error) {
	switch strings.ToLower(s) {
	case "allow", "accept":
		return Allow, nil
	case "deny", "drop":
		return Deny, nil
	}
	return 0, &ParseError{What: "action", Value: s, Msg: "want allow, accept, deny or drop"}
}

// Direction says which traffic a rule applies to, seen from the instance
// (security group) or subnet (network ACL) that holds it. The zero
// Direction is Ingress.
type Direction uint8

// Directions.
const (
	Ingress Direction = 0 // inbound: toward the instance or subnet
	Egress  Direction = 1 // outbound: from the instance or subnet
)

func (d Direction) String() string {
	switch d {
	case Ingress:
		return "ingress"
	case Egress:
		return "egress"
	}
	return "invalid direction"
}

// ParseDirection accepts "ingress"/"inbound"/"in" and "egress"/"outbound"/"out"
// in any case.
func ParseDirection(s string) (Direction, error) {
	switch strings.ToLower(s) {
	case "ingress", "inbound", "in":
		return Ingress, nil
	case "egress", "outbound", "out":
		return Egress, nil
	}
	return 0, &ParseError{What: "direction", Value: s, Msg: "want ingress or egress"}
}

// ICMPMatch restricts an ICMP or ICMPv6 rule to a message type and,
// optionally, a code. The zero ICMPMatch matches every type and code.
type ICMPMatch struct {
	Type, Code       uint8
	HasType, HasCode bool // HasCode requires HasType
}

// ICMPType matches one ICMP type, any code.
func ICMPType(t uint8) ICMPMatch { return ICMPMatch{Type: t, HasType: true} }

// ICMPTypeCode matches one ICMP type and code.
func ICMPTypeCode(t, c uint8) ICMPMatch {
	return ICMPMatch{Type: t, Code: c, HasType: true, HasCode: true}
}

// IsAny reports whether m matches every type and code.
func (m ICMPMatch) IsAny() bool { return !m.HasType && !m.HasCode }

func (m ICMPMatch) matches(t, c uint8) bool {
	return (!m.HasType || m.Type == t) && (!m.HasCode || m.Code == c)
}

// Origin says where a rule came from, so every verdict can point at it: a
// vendor API record, or a seed document's table and row.
type Origin struct {
	Vendor   string // "huawei", "alibaba", "tencent", "aws", "classbench", ...
	Document string // seed document, API operation or file name
	Table    string // table in the document ("Table 8")
	Row      int    // 1-based row in Table, or 0
	Record   string // the vendor's record ID (rule ID) when imported from an API
	Path     string // JSON path or line in an imported file, e.g. "Permissions.Permission[3]"
	// Modifiable and Suggestion keep the seed tables' "Modifiable" and
	// "Modification Suggestion" columns verbatim.
	Modifiable, Suggestion string
	Note                   string // what the source leaves unstated or how a cell was read
}

// IsZero reports whether o holds nothing.
func (o Origin) IsZero() bool { return o == Origin{} }

// String returns a short citation such as
// "huawei 000_724381fb23811883.txt Table 2 row 3".
func (o Origin) String() string {
	var parts []string
	for _, s := range []string{o.Vendor, o.Document, o.Table} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if o.Row > 0 {
		parts = append(parts, "row "+strconv.Itoa(o.Row))
	}
	if o.Record != "" {
		parts = append(parts, "record "+o.Record)
	}
	if o.Path != "" {
		parts = append(parts, "at "+o.Path)
	}
	return strings.Join(parts, " ")
}

// Rule is one security-group or network-ACL rule, or one ClassBench filter.
//
// A security-group rule restricts one side, the remote: Src for Ingress,
// Dst for Egress; the other side is the instance itself and stays any.
// Network-ACL and ClassBench rules restrict both. The zero Rule is an
// ingress rule that denies every flow of every family.
//
// Ports apply only to TCP, UDP and SCTP rules and ICMP only to ICMP and
// ICMPv6 rules; Validate rejects anything else. A remote may instead name a
// security group (RemoteGroup) or an address group / prefix list
// (RemoteList); such references must be resolved to addresses (see
// Resolve) before a rule set is compiled.
type Rule struct {
	ID        string
	Direction Direction
	Action    Action
	// Priority orders rules under the vendor semantics: 1-100 for Huawei
	// and Alibaba (1 first), the list index for Tencent, the rule number
	// for network ACLs. Unused by FirstMatch and Union.
	Priority           int
	Family             Family   // restricts matching to one family; AnyFamily restricts nothing
	Protocol           Protocol // zero: any protocol
	Src, Dst           Addrs    // zero: any address
	SrcPorts, DstPorts Ports    // nil: every port
	ICMP               ICMPMatch
	RemoteGroup        string // remote is the members of this security group
	RemoteList         string // remote is this address group / prefix list
	Origin             Origin
}

// Remote returns the remote side of a security-group rule: Src for
// ingress, Dst for egress.
func (r *Rule) Remote() Addrs {
	if r.Direction == Egress {
		return r.Dst
	}
	return r.Src
}

// IsResolved reports whether the rule names no group or list that still
// needs resolving to addresses.
func (r *Rule) IsResolved() bool { return r.RemoteGroup == "" && r.RemoteList == "" }

// Validate checks the rule on its own, without vendor semantics: valid
// action, direction, protocol and family; ports only on TCP, UDP and SCTP;
// ICMP type and code only on ICMP and ICMPv6; addresses of the rule's
// family, and never an IPv4-only side against an IPv6-only side; at most
// one remote. The error is a *RuleError naming the field and value.
func (r *Rule) Validate() error {
	bad := func(field, value, msg string) error {
		return &RuleError{Index: -1, ID: r.ID, Field: field, Value: value, Msg: msg}
	}
	if r.Action != Allow && r.Action != Deny {
		return bad("action", strconv.Itoa(int(r.Action)), "want allow or deny")
	}
	if r.Direction != Ingress && r.Direction != Egress {
		return bad("direction", strconv.Itoa(int(r.Direction)), "want ingress or egress")
	}
	if !r.Protocol.IsValid() {
		return bad("protocol", strconv.Itoa(int(r.Protocol)), "not a protocol")
	}
	if r.Family != AnyFamily && r.Family != IPv4 && r.Family != IPv6 {
		return bad("family", strconv.Itoa(int(r.Family)), "want ipv4 or ipv6")
	}
	for _, p := range []struct {
		field string
		ps    Ports
	}{{"src ports", r.SrcPorts}, {"dst ports", r.DstPorts}} {
		if p.ps == nil {
			continue
		}
		if !r.Protocol.HasPorts() {
			return bad(p.field, p.ps.String(), "protocol "+r.Protocol.String()+" has no ports")
		}
		if len(p.ps) == 0 {
			return bad(p.field, "", "empty port list (use nil for every port)")
		}
		for _, pr := range p.ps {
			if !pr.IsValid() {
				return bad(p.field, pr.String(), "first port above last port")
			}
		}
	}
	if !r.ICMP.IsAny() {
		if !r.Protocol.IsICMP() {
			return bad("icmp", r.icmpText(), "protocol "+r.Protocol.String()+" has no ICMP type or code")
		}
		if r.ICMP.HasCode && !r.ICMP.HasType {
			return bad("icmp", r.icmpText(), "a code needs a type")
		}
	}
	if r.Protocol == ICMP && r.Family == IPv6 {
		return bad("protocol", "icmp", "ICMP in an IPv6 rule; use icmpv6")
	}
	if r.Protocol == ICMPv6 && r.Family == IPv4 {
		return bad("protocol", "icmpv6", "ICMPv6 in an IPv4 rule; use icmp")
	}
	sides := []struct {
		field string
		a     Addrs
	}{{"src", r.Src}, {"dst", r.Dst}}
	for _, s := range sides {
		v4, v6 := s.a.Families()
		if r.Family == IPv4 && v6 && !s.a.IsAny() {
			return bad(s.field, s.a.String(), "IPv6 addresses in an IPv4 rule")
		}
		if r.Family == IPv6 && v4 && !s.a.IsAny() {
			return bad(s.field, s.a.String(), "IPv4 addresses in an IPv6 rule")
		}
	}
	s4, s6 := r.Src.Families()
	d4, d6 := r.Dst.Families()
	if !r.Src.IsEmpty() && !r.Dst.IsEmpty() && !(s4 && d4) && !(s6 && d6) {
		return bad("dst", r.Dst.String(), "address family differs from src "+r.Src.String())
	}
	if r.RemoteGroup != "" && r.RemoteList != "" {
		return bad("remote", r.RemoteGroup+" and "+r.RemoteList, "two remotes; a rule has at most one")
	}
	if r.RemoteGroup != "" || r.RemoteList != "" {
		if !r.Remote().IsAny() {
			return bad("remote", r.Remote().String(), "addresses and a group or list reference on one rule; a rule has at most one remote")
		}
	}
	return nil
}

func (r *Rule) icmpText() string {
	s := ""
	if r.ICMP.HasType {
		s = "type " + strconv.Itoa(int(r.ICMP.Type))
	}
	if r.ICMP.HasCode {
		if s != "" {
			s += " "
		}
		s += "code " + strconv.Itoa(int(r.ICMP.Code))
	}
	return s
}

// Matches reports whether the rule matches the flow, ignoring direction
// and action. It is the plain definition the linear evaluator uses. An
// unresolved rule matches nothing.
func (r *Rule) Matches(f Flow) bool {
	if !r.IsResolved() || !f.IsValid() {
		return false
	}
	if r.Family != AnyFamily && r.Family != familyOf(f.Src) {
		return false
	}
	if r.Protocol != AnyProtocol && r.Protocol != f.Proto {
		return false
	}
	if !r.Src.Contains(f.Src) || !r.Dst.Contains(f.Dst) {
		return false
	}
	if r.Protocol.HasPorts() && (!r.SrcPorts.Contains(f.SrcPort) || !r.DstPorts.Contains(f.DstPort)) {
		return false
	}
	if r.Protocol.IsICMP() && !r.ICMP.matches(f.ICMPType, f.ICMPCode) {
		return false
	}
	return true
}

// Flow is one packet's header as the rules see it: protocol, addresses,
// ports (TCP, UDP, SCTP) or ICMP type and code. The zero Flow is invalid.
type Flow struct {
	Proto              Protocol
	Src, Dst           netip.Addr
	SrcPort, DstPort   uint16
	ICMPType, ICMPCode uint8
}

// IsValid reports whether the flow has a concrete protocol and two valid,
// unzoned addresses of one family. Evaluating an invalid flow gives the
// default deny.
func (f Flow) IsValid() bool {
	return f.Proto != AnyProtocol && f.Proto.IsValid() &&
		f.Src.IsValid() && f.Dst.IsValid() && f.Src.Is4() == f.Dst.Is4() &&
		f.Src.Zone() == "" && f.Dst.Zone() == ""
}

// Reverse returns the reply direction: addresses and ports swapped. ICMP
// fields are kept; callers that model echo replies set the type.
func (f Flow) Reverse() Flow {
	f.Src, f.Dst = f.Dst, f.Src
	f.SrcPort, f.DstPort = f.DstPort, f.SrcPort
	return f
}

// String returns "tcp 10.0.0.1:40000 -> 10.0.0.2:22",
// "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "[2001:db8::1]:53" for IPv6
// with ports, or "gre 10.0.0.1 -> 10.0.0.2" for protocols without ports.
func (f Flow) String() string {
	ep := func(a netip.Addr, p uint16) string {
		if !f.Proto.HasPorts() {
			return a.String()
		}
		return netip.AddrPortFrom(a, p).String()
	}
	s := f.Proto.String() + " " + ep(f.Src, f.SrcPort) + " -> " + ep(f.Dst, f.DstPort)
	if f.Proto.IsICMP() {
		s += " type " + strconv.Itoa(int(f.ICMPType)) + " code " + strconv.Itoa(int(f.ICMPCode))
	}
	return s
}

// ParseFlow parses the String form of a flow.
func ParseFlow(s string) (Flow, error) {
	fail := func(msg string) (Flow, error) {
		return Flow{}, &ParseError{What: "flow", Value: s, Msg: msg}
	}
	fs := strings.Fields(s)
	if len(fs) < 4 || fs[2] != "->" {
		return fail(`want "PROTO SRC -> DST", e.g. "tcp 10.0.0.1:40000 -> 10.0.0.2:22"`)
	}
	var f Flow
	var err error
	if f.Proto, err = ParseProtocol(fs[0]); err != nil {
		return fail("protocol " + strconv.Quote(fs[0]) + ": " + err.(*ParseError).Msg)
	}
	if f.Proto == AnyProtocol {
		return fail("a flow needs a concrete protocol")
	}
	ep := func(t string) (netip.Addr, uint16, error) {
		if f.Proto.HasPorts() {
			ap, err := netip.ParseAddrPort(t)
			return ap.Addr(), ap.Port(), err
		}
		a, err := netip.ParseAddr(t)
		return a, 0, err
	}
	want := "an address"
	if f.Proto.HasPorts() {
		want = "an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000"
	}
	if f.Src, f.SrcPort, err = ep(fs[1]); err != nil {
		return fail("source " + strconv.Quote(fs[1]) + ": " + endpointReason(err) + "; want " + want)
	}
	if f.Dst, f.DstPort, err = ep(fs[3]); err != nil {
		return fail("destination " + strconv.Quote(fs[3]) + ": " + endpointReason(err) + "; want " + want)
	}
	rest := fs[4:]
	if f.Proto.IsICMP() {
		if len(rest) != 4 || rest[0] != "type" || rest[2] != "code" {
			return fail(`an ICMP flow ends with "type T code C"`)
		}
		t, err := strconv.ParseUint(rest[1], 10, 8)
		if err != nil {
			return fail("ICMP type " + strconv.Quote(rest[1]) + ": want a number 0-255")
		}
		c, err := strconv.ParseUint(rest[3], 10, 8)
		if err != nil {
			return fail("ICMP code " + strconv.Quote(rest[3]) + ": want a number 0-255")
		}
		f.ICMPType, f.ICMPCode = uint8(t), uint8(c)
		rest = nil
	}
	if len(rest) != 0 {
		return fail("unexpected " + strconv.Quote(strings.Join(rest, " ")))
	}
	if !f.IsValid() {
		return fail("source and destination must be addresses of one family, without zones")
	}
	return f, nil
}

// endpointReason is what netip.ParseAddr or ParseAddrPort says is wrong
// with a flow's source or destination ("IPv4 field has value >255", "no
// port", "port not a number 0-65535"), without the value, which the
// caller quotes.
func endpointReason(err error) string {
	msg := netipReason(err)
	switch {
	case msg == "not an ip:port" || msg == "no port":
		return "no port"
	case strings.HasPrefix(msg, "invalid port "):
		return "port not a number 0-65535"
	case strings.HasPrefix(msg, "invalid ip:port "):
		if _, after, ok := strings.Cut(msg, ", "); ok {
			return after
		}
	}
	return msg
}

// MustParseFlow is ParseFlow that panics on error, for tests and examples.
func MustParseFlow(s string) Flow {
	f, err := ParseFlow(s)
	if err != nil {
		panic(err)
	}
	return f
}
