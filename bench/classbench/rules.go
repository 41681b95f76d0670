package classbench

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/sgsim/sgsim/sgsim"
)

// Actions says which action each converted filter gets. ClassBench filters
// carry no action.
type Actions uint8

// Action assignments.
const (
	// AllAllow makes every filter an allow rule.
	AllAllow Actions = iota
	// Alternate makes filter 0 an allow, filter 1 a deny, filter 2 an
	// allow, and so on, to exercise deny handling.
	Alternate
)

func (a Actions) String() string {
	switch a {
	case AllAllow:
		return "allow"
	case Alternate:
		return "alternate"
	}
	return "invalid actions"
}

// ParseActions parses "allow" or "alternate".
func ParseActions(s string) (Actions, error) {
	switch s {
	case "allow":
		return AllAllow, nil
	case "alternate":
		return Alternate, nil
	}
	return 0, fmt.Errorf("classbench: actions %q: want allow or alternate", s)
}

func (a Actions) of(i int) sgsim.Action {
	if a == Alternate && i%2 == 1 {
		return sgsim.Deny
	}
	return sgsim.Allow
}

// Expressible reports whether f converts to a valid sgsim rule with the
// same matches. The one kind of filter that does not is an any-protocol
// filter (mask 0x00) whose port ranges are narrower than 0 : 65535:
// ClassBench matches the header's port fields whatever its protocol, while
// sgsim rules carry ports only with TCP, UDP or SCTP. Splitting such a
// filter into a TCP, a UDP and an SCTP rule would still leave every other
// protocol either wrongly matched or wrongly missed, so it is not done.
// The same holds for a filter on a protocol without ports (ICMP, GRE, ...)
// with narrowed ports. None of the filter sets in shared/classbench
// (acl1, fw1, ipc1 at 1K, 10K and 100K) has such a filter.
func Expressible(f Filter) bool {
	full := f.SrcPorts == AnyPort && f.DstPorts == AnyPort
	return full || protocolOf(f).HasPorts()
}

// Inexpressible returns the indexes of the filters that Expressible
// rejects, in file order; nil when every filter converts exactly.
func Inexpressible(fs []Filter) []int {
	var out []int
	for i := range fs {
		if !Expressible(fs[i]) {
			out = append(out, i)
		}
	}
	return out
}

func protocolOf(f Filter) sgsim.Protocol {
	if f.ProtoMask == 0 {
		return sgsim.AnyProtocol
	}
	return sgsim.ProtocolNumber(f.Proto)
}

func portsOf(r PortRange) sgsim.Ports {
	if r == AnyPort {
		return nil
	}
	return sgsim.Ports{{First: r.First, Last: r.Last}}
}

// ToRules converts a filter set to ingress rules for sgsim.FirstMatch, in
// file order, so that the first matching rule is the first matching filter.
// Rule i has ID "f<i>" (0-based, as the trace's filter numbers) and Origin
// {Vendor: "classbench", Row: filter line}; see ToRulesFrom to name the
// file. Protocol mask 0x00 becomes any protocol, and a full port range
// nil Ports. Flags are ignored, as Filter.Matches ignores them.
//
// A filter that is not Expressible is converted literally, into an
// any-protocol (or ICMP, GRE, ...) rule with ports. Such a rule is
// invalid, so Compile and NewLinear refuse the rule set with a
// *sgsim.RuleError naming it: nothing is dropped or widened silently.
// Call Inexpressible first to count them.
func ToRules(fs []Filter, actions Actions) []sgsim.Rule {
	return ToRulesFrom("", fs, actions)
}

// ToRulesFrom is ToRules with the file name recorded as each rule's
// Origin.Document.
func ToRulesFrom(document string, fs []Filter, actions Actions) []sgsim.Rule {
	out := make([]sgsim.Rule, len(fs))
	for i := range fs {
		f := &fs[i]
		r := sgsim.Rule{
			ID:        "f" + strconv.Itoa(i),
			Direction: sgsim.Ingress,
			Action:    actions.of(i),
			Protocol:  protocolOf(*f),
			Src:       prefixAddrs(f.Src),
			Dst:       prefixAddrs(f.Dst),
			Origin:    sgsim.Origin{Vendor: "classbench", Document: document, Row: f.Line},
		}
		if !Expressible(*f) || r.Protocol.HasPorts() {
			r.SrcPorts, r.DstPorts = portsOf(f.SrcPorts), portsOf(f.DstPorts)
			if !Expressible(*f) {
				// Keep the rule visibly invalid even if one side is full.
				if r.SrcPorts == nil {
					r.SrcPorts = sgsim.Ports{sgsim.AllPorts}
				}
				if r.DstPorts == nil {
					r.DstPorts = sgsim.Ports{sgsim.AllPorts}
				}
			}
		}
		out[i] = r
	}
	return out
}

// prefixAddrs converts a ClassBench prefix. The prefix is IPv4, so /0 is
// every IPv4 address and not "any", which would also match IPv6; the
// compiled classifier treats a full IPv4 range like any within the IPv4
// table.
func prefixAddrs(p netip.Prefix) sgsim.Addrs {
	return sgsim.PrefixAddrs(p)
}

// ToFlow converts a trace header to a flow. Ports are kept for every
// protocol; sgsim looks at them only for TCP, UDP and SCTP. Flags are
// dropped. Protocol 0 (which some traces hold for headers of any-protocol
// filters) becomes IANA protocol 0, HOPOPT, a concrete protocol.
func ToFlow(h Header) sgsim.Flow {
	return sgsim.Flow{
		Proto:   sgsim.ProtocolNumber(h.Proto),
		Src:     h.Src,
		Dst:     h.Dst,
		SrcPort: h.SrcPort,
		DstPort: h.DstPort,
	}
}

// FromRules converts rules back to filters, the inverse of ToRules (Line,
// Flags and the action aside), so that a trace can be generated for rule
// sets that were not read from a filter file (the generated families of
// package bench/gen, for instance). Each rule must be one a filter can
// hold, so that every header of the trace matches the rule it was made
// from: both addresses any or a single IPv4 prefix (any becomes
// 0.0.0.0/0: the trace is IPv4, as ClassBench has no IPv6), no family
// restriction other than IPv4, no unresolved remote group or list, a
// valid protocol, at most one range per port list, not empty and not
// inverted (nil: 0 : 65535), and no ICMP type or code. The error names
// the first rule that is not, by index and ID, and what it holds.
func FromRules(rs []sgsim.Rule) ([]Filter, error) {
	out := make([]Filter, len(rs))
	for i := range rs {
		r := &rs[i]
		f := &out[i]
		bad := func(format string, a ...any) error {
			return fmt.Errorf("classbench.FromRules: rule %d (%s): %s", i, r.ID, fmt.Sprintf(format, a...))
		}
		var ok bool
		if f.Src, ok = prefixOf(r.Src); !ok {
			return nil, bad("source %s is not one IPv4 prefix", r.Src)
		}
		if f.Dst, ok = prefixOf(r.Dst); !ok {
			return nil, bad("destination %s is not one IPv4 prefix", r.Dst)
		}
		if r.Family != sgsim.AnyFamily && r.Family != sgsim.IPv4 {
			return nil, bad("family %s (%d) matches no IPv4 header", r.Family, r.Family)
		}
		if r.RemoteGroup != "" {
			return nil, bad("remote group %s is not resolved", r.RemoteGroup)
		}
		if r.RemoteList != "" {
			return nil, bad("remote list %s is not resolved", r.RemoteList)
		}
		if !r.Protocol.IsValid() {
			return nil, bad("protocol %d is not a protocol", r.Protocol)
		}
		var err error
		if f.SrcPorts, err = portRangeOf(r.SrcPorts); err != nil {
			return nil, bad("source ports %s", err)
		}
		if f.DstPorts, err = portRangeOf(r.DstPorts); err != nil {
			return nil, bad("destination ports %s", err)
		}
		if !r.ICMP.IsAny() {
			return nil, bad("a filter holds no ICMP type or code")
		}
		if p, ok := r.Protocol.Number(); ok {
			f.Proto, f.ProtoMask = p, 0xff
		}
	}
	return out, nil
}

// portRangeOf returns ps as one range: nil is 0 : 65535. The error says
// why it is not one (to follow "source ports ").
func portRangeOf(ps sgsim.Ports) (PortRange, error) {
	switch {
	case ps == nil:
		return AnyPort, nil
	case len(ps) == 0:
		return PortRange{}, errors.New("are empty (no port)")
	case len(ps) > 1:
		return PortRange{}, fmt.Errorf("%s are more than one range", ps)
	case ps[0].First > ps[0].Last:
		return PortRange{}, fmt.Errorf("%d-%d end before they start", ps[0].First, ps[0].Last)
	}
	return PortRange{ps[0].First, ps[0].Last}, nil
}

// prefixOf returns a as one IPv4 prefix: any is 0.0.0.0/0.
func prefixOf(a sgsim.Addrs) (netip.Prefix, bool) {
	if a.IsAny() {
		return netip.PrefixFrom(netip.IPv4Unspecified(), 0), true
	}
	rs := a.Ranges()
	if len(rs) != 1 {
		return netip.Prefix{}, false
	}
	p, ok := rs[0].Prefix()
	return p, ok && p.Addr().Is4()
}
