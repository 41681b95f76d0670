package sgsim

import (
	"strconv"
	"strings"
)

// Hop is one place on a flow's path where rules apply.
type Hop uint8

// Hops in path order. The reply hops exist only for stateless network
// ACLs, and only for flows that have a reply (every protocol but ICMP
// messages other than queries: see ICMPReply); security groups and
// stateful ACLs let replies through.
const (
	NoHop          Hop = iota
	SrcEgress          // the source endpoint's security groups, egress rules
	SrcACLOut          // the source subnet's network ACL, outbound rules
	DstACLIn           // the destination subnet's network ACL, inbound rules
	DstIngress         // the destination endpoint's security groups, ingress rules
	ReplyDstACLOut     // the reply leaving the destination subnet (stateless ACL, or the outer flow of overlay replies)
	ReplySrcACLIn      // the reply entering the source subnet (stateless ACL, or the outer flow of overlay replies)
	// The reply's security-group hops exist only for overlay traffic,
	// whose replies travel in outer packets of their own between the
	// hosts (see Overlay).
	ReplyDstEgress  // the reply leaving the destination's host: its security groups, egress rules
	ReplySrcIngress // the reply entering the source's host: its security groups, ingress rules
)

var hopNames = [...]string{"none", "source egress", "source subnet ACL outbound", "destination subnet ACL inbound",
	"destination ingress", "reply: destination subnet ACL outbound", "reply: source subnet ACL inbound",
	"reply: destination egress", "reply: source ingress"}

func (h Hop) String() string {
	if int(h) < len(hopNames) {
		return hopNames[h]
	}
	return "invalid hop"
}

// IsReply reports whether h is on the reply path.
func (h Hop) IsReply() bool {
	return h == ReplyDstACLOut || h == ReplySrcACLIn || h == ReplyDstEgress || h == ReplySrcIngress
}

// Decision is the outcome of one flow across the whole path, in two
// parts: the forward path (Delivered, or dropped at Hop) and the reply
// path (Reply: answered, dropped at Hop, not applicable to a one-way
// message, or not sent because the forward packet was dropped). At most
// one of them is dropped, since a reply is only looked at once the
// forward packet is delivered.
type Decision struct {
	// Allowed answers Answered: Delivered, and the reply answered or not
	// applicable. Use Passes for another Question.
	Allowed bool
	Hop     Hop     // where the flow or its reply was dropped; NoHop when allowed or the flow is invalid
	Verdict Verdict // the dropping verdict; zero when allowed
	// Delivered reports whether the forward packet reaches the
	// destination (its reply may still be dropped: see Reply).
	Delivered bool
	Reply     Reply
	// Outside reports that no hop applies to the flow: neither address is
	// in an endpoint with security groups and no network ACL lies between
	// them (typically both addresses are outside the network, or one is a
	// typo), so no rule judged it and Allowed is true by default rather
	// than by a rule. Its Trace has no step. Overlay traffic carried
	// between two hosts is Outside when no hop applies to the outer flows
	// between those hosts; traffic within one host is not (the trace notes
	// the host).
	Outside bool
}

// Passes answers question q for the flow: Delivered for Delivered,
// Allowed for Answered and DefaultQuestion (see Question).
func (d Decision) Passes(q Question) bool {
	if q == Delivered {
		return d.Delivered
	}
	return d.Allowed
}

// Step is one hop of a Trace.
type Step struct {
	Hop     Hop
	Where   string // endpoint name or subnet name, with the ACL ID
	Flow    Flow   // the flow as this hop sees it (the reply for reply hops)
	Verdict Verdict
	// Note explains a decision that no rule made: "members of group X
	// always reach each other (InnerAccessPolicy Accept)", "same subnet:
	// not filtered", or an exempt service.
	Note string
}

// Allowed reports whether the step let the flow through.
func (s Step) Allowed() bool { return s.Verdict.Allowed() }

func (s Step) String() string {
	out := s.Hop.String() + " [" + s.Where + "]: "
	if s.Note != "" {
		return out + s.Verdict.Action.String() + ": " + s.Note
	}
	return out + s.Verdict.String()
}

// Trace is a flow's whole path, like a cloud connectivity test: every
// hop in order with its decision and the deciding rule, the forward path
// first and then the reply's.
type Trace struct {
	Flow     Flow
	From, To string // endpoint names; "" for addresses outside every endpoint
	Steps    []Step // forward hops, then reply hops
	Allowed  bool   // Decision.Allowed: delivered, and answered unless one-way
	Dropped  int    // index in Steps of the hop that dropped the flow or its reply; -1 when allowed
	// Delivered and Reply are the forward and reply paths' outcomes, as in
	// Decision.
	Delivered bool
	Reply     Reply
	// Outside is Decision.Outside: no hop applied, so Steps is empty and
	// nothing but the default judged the flow.
	Outside bool
	// For overlay traffic between two hosts (see Overlay), Encap is the
	// encapsulation and Outer the outer flow that carries the forward
	// packets, from the source's host to the destination's, with the
	// first of OuterSrcPorts, the source ports the host may pick. The
	// steps are the outer flows' hops: forward, then (reply hops) the
	// outer flow back. Zero for other flows.
	Encap         Encap
	Outer         Flow
	OuterSrcPorts PortRange
}

// String prints the trace, one hop per line, after a line with the
// outcome of both paths: "dropped at source egress", "delivered; reply
// dropped at reply: destination subnet ACL outbound", "delivered and
// answered" or "delivered (one-way: no reply)". A flow that no hop
// judges (both addresses outside every endpoint) says so on a line of
// its own.
func (t Trace) String() string {
	var b strings.Builder
	name := func(s string) string {
		if s == "" {
			return "(outside)"
		}
		return s
	}
	b.WriteString(t.Flow.String() + " from " + name(t.From) + " to " + name(t.To) + ": ")
	at := func() string {
		if t.Dropped >= 0 && t.Dropped < len(t.Steps) {
			return " at " + t.Steps[t.Dropped].Hop.String()
		}
		return ""
	}
	switch {
	case !t.Delivered && !t.Allowed:
		b.WriteString("dropped" + at() + "\n")
	case t.Reply == ReplyDropped:
		b.WriteString("delivered; reply dropped" + at() + "\n")
	case t.Reply == ReplyNotApplicable:
		b.WriteString("delivered (one-way: no reply)\n")
	default:
		b.WriteString("delivered and answered\n")
	}
	if t.Encap != NoEncap {
		b.WriteString("  carried in " + t.Encap.String() + " from host " + t.Outer.Src.String() + " to host " + t.Outer.Dst.String() +
			": outer udp " + strconv.Itoa(int(t.Outer.DstPort)) + " from source ports " + t.OuterSrcPorts.String() + "\n")
	}
	for i, s := range t.Steps {
		b.WriteString("  " + strconv.Itoa(i+1) + ". " + s.String() + "\n")
	}
	if t.Outside {
		// Passed by nothing rather than by a rule: say so, as a typo in
		// an address reads just like this.
		if t.From == "" && t.To == "" {
			b.WriteString("  no hop: neither address is in an endpoint of the network, so no security group or network ACL applies\n")
		} else {
			b.WriteString("  no hop: neither end has a security group and no network ACL lies between them, so no rule applies\n")
		}
	}
	return b.String()
}

// Decide evaluates one flow across the path without recording a trace. It
// does not allocate, so replaying captures can call it per packet.
func (n *Network) Decide(f Flow) Decision {
	return n.walk(f, nil, false)
}

// DecideNative is Decide as if no endpoint were an overlay: overlay
// traffic is judged by the rules on its own addresses, as if it were not
// encapsulated (replay.Config.InnerDrops asks this what-if).
func (n *Network) DecideNative(f Flow) Decision {
	return n.walk(f, nil, true)
}

// Trace evaluates one flow and records every hop. Hops after the one that
// drops the flow are not evaluated.
func (n *Network) Trace(f Flow) Trace {
	t := Trace{Flow: f, Dropped: -1}
	d := n.walk(f, &t, false)
	t.Allowed, t.Delivered, t.Reply, t.Outside = d.Allowed, d.Delivered, d.Reply, d.Outside
	return t
}

func (n *Network) exemptFrom(f *Flow) (bool, string) {
	for i := range n.exempt {
		e := &n.exempt[i]
		if e.matchesDst(f) || e.matchesSrc(f) {
			return true, e.Why
		}
	}
	return false, ""
}

// sharedInner returns the index of an InnerAccept group both endpoints
// carry, or -1.
func (n *Network) sharedInner(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	for _, g := range n.epInner[a] {
		for _, h := range n.epInner[b] {
			if g == h {
				return g
			}
		}
	}
	return -1
}

// walk decides f, recording the hops in t when t is not nil; native
// ignores overlays.
func (n *Network) walk(f Flow, t *Trace, native bool) Decision {
	if !f.IsValid() {
		if t != nil {
			t.Steps = append(t.Steps, Step{Hop: NoHop, Flow: f, Note: "invalid flow: default deny"})
			t.Dropped = 0
		}
		return Decision{Hop: NoHop}
	}
	zs, zd := n.zoneAt(f.Src), n.zoneAt(f.Dst)
	if t != nil {
		if zs.endpoint >= 0 {
			t.From = n.endpoints[zs.endpoint].Name
		}
		if zd.endpoint >= 0 {
			t.To = n.endpoints[zd.endpoint].Name
		}
	}
	if hs, hd, ok := n.placed(f, zs, zd); ok && !native {
		return n.carried(f, zs.endpoint, zd.endpoint, hs, hd, t)
	}
	c := n.pathOf(&f, zs, zd)
	if hop, v, ok := n.forward(&c, f, t, false); !ok {
		return Decision{Hop: hop, Verdict: v}
	}
	r, ok := replyOf(f)
	if !ok {
		return Decision{Allowed: true, Delivered: true, Reply: ReplyNotApplicable, Outside: !n.anyHop(&c)}
	}
	if !n.stateful {
		if c.dstACL {
			if v, ok := n.step(&c, ReplyDstACLOut, zd.subnet, r, Egress, t); !ok {
				return Decision{Hop: ReplyDstACLOut, Verdict: v, Delivered: true, Reply: ReplyDropped}
			}
		}
		if c.srcACL {
			if v, ok := n.step(&c, ReplySrcACLIn, zs.subnet, r, Ingress, t); !ok {
				return Decision{Hop: ReplySrcACLIn, Verdict: v, Delivered: true, Reply: ReplyDropped}
			}
		}
	}
	return Decision{Allowed: true, Delivered: true, Reply: ReplyAnswered, Outside: !n.anyHop(&c)}
}

// anyHop reports whether some hop applies on path c: an end's security
// groups or a subnet ACL between the ends (the reply hops of stateless
// ACLs are those same ACLs). Decision.Outside is its negation.
func (n *Network) anyHop(c *path) bool {
	return c.zs.endpoint >= 0 && n.epSG[c.zs.endpoint] != nil || c.srcACL || c.dstACL ||
		c.zd.endpoint >= 0 && n.epSG[c.zd.endpoint] != nil
}

// path is what a flow's hops depend on besides the rules: its zones, a
// shared InnerAccept group, which subnet ACLs apply and whether the flow
// is exempt from them.
type path struct {
	zs, zd         *zone
	inner          int
	srcACL, dstACL bool
	exempt         bool
	why            string
}

func (n *Network) pathOf(f *Flow, zs, zd *zone) path {
	c := path{zs: zs, zd: zd, inner: n.sharedInner(zs.endpoint, zd.endpoint)}
	aclApplies := zs.subnet != zd.subnet
	c.srcACL = aclApplies && zs.subnet >= 0 && n.subACL[zs.subnet] != nil
	c.dstACL = aclApplies && zd.subnet >= 0 && n.subACL[zd.subnet] != nil
	if c.srcACL || c.dstACL {
		c.exempt, c.why = n.exemptFrom(f)
	}
	return c
}

// replyHop names a forward hop of an outer flow that carries replies
// (overlay traffic): its source is the inner flow's destination.
var replyHop = [...]Hop{SrcEgress: ReplyDstEgress, SrcACLOut: ReplyDstACLOut, DstACLIn: ReplySrcACLIn, DstIngress: ReplySrcIngress}

// forward walks the forward hops of f on path c and returns the hop and
// verdict that drop it, or ok. With reply, the hops are named as the
// reply path's (f is an outer flow carrying an overlay flow's replies).
func (n *Network) forward(c *path, f Flow, t *Trace, reply bool) (Hop, Verdict, bool) {
	name := func(h Hop) Hop {
		if reply {
			return replyHop[h]
		}
		return h
	}
	if c.zs.endpoint >= 0 && n.epSG[c.zs.endpoint] != nil {
		if v, ok := n.step(c, name(SrcEgress), c.zs.endpoint, f, Egress, t); !ok {
			return name(SrcEgress), v, false
		}
	}
	if c.srcACL {
		if v, ok := n.step(c, name(SrcACLOut), c.zs.subnet, f, Egress, t); !ok {
			return name(SrcACLOut), v, false
		}
	}
	if c.dstACL {
		if v, ok := n.step(c, name(DstACLIn), c.zd.subnet, f, Ingress, t); !ok {
			return name(DstACLIn), v, false
		}
	}
	if c.zd.endpoint >= 0 && n.epSG[c.zd.endpoint] != nil {
		if v, ok := n.step(c, name(DstIngress), c.zd.endpoint, f, Ingress, t); !ok {
			return name(DstIngress), v, false
		}
	}
	return NoHop, Verdict{}, true
}

// step evaluates one hop: security groups (where is an endpoint) or a
// subnet's ACL (where is a subnet), recording it in t when t is not nil.
func (n *Network) step(c *path, h Hop, where int, fl Flow, dir Direction, t *Trace) (Verdict, bool) {
	var v Verdict
	var note string
	sg := h == SrcEgress || h == DstIngress || h == ReplyDstEgress || h == ReplySrcIngress
	switch {
	case sg && c.inner >= 0:
		v = Verdict{Action: Allow}
		if t != nil {
			note = "members of group " + strconv.Quote(n.groups[c.inner].ID) + " always reach each other (InnerAccessPolicy Accept)"
		}
	case sg:
		v = n.epSG[where].Check(dir, fl)
	case c.exempt:
		v = Verdict{Action: Allow}
		note = c.why
	default:
		v = n.subACL[where].Check(dir, fl)
	}
	if t != nil {
		var w string
		if sg {
			w = n.endpoints[where].Name
		} else {
			w = n.subnets[where].Name + " acl " + n.subACLID[where]
		}
		t.Steps = append(t.Steps, Step{Hop: h, Where: w, Flow: fl, Verdict: v, Note: note})
		if !v.Allowed() {
			t.Dropped = len(t.Steps) - 1
		}
	}
	return v, v.Allowed()
}
