package intent

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/internal/addrx"
)

// Kind is what an intent demands.
type Kind uint8

// Kinds. The zero Kind is invalid.
const (
	// MustAllow: every flow of the space works. For TCP and SCTP that is
	// the connection: the forward packet is delivered and its replies get
	// back (sgsim.Answered). For every other protocol it is the forward
	// packet alone (sgsim.Delivered): use MustBeAnswerable when the
	// replies must come back too (DNS, NTP, ICMP echo).
	MustAllow Kind = iota + 1
	// MustDeny: no forward packet of the space is delivered
	// (sgsim.Delivered is None).
	MustDeny
	// MustBeAnswerable: every flow of the space is delivered and its reply
	// gets back (sgsim.Answered), for any protocol.
	MustBeAnswerable
)

func (k Kind) String() string {
	if k >= MustAllow && k <= MustBeAnswerable {
		return kindKeys[k-1]
	}
	return "invalid kind"
}

// Question returns what k asks of each flow of protocol p.
func (k Kind) Question(p sgsim.Protocol) sgsim.Question {
	switch {
	case k == MustBeAnswerable:
		return sgsim.Answered
	case k == MustAllow && (p == sgsim.TCP || p == sgsim.SCTP):
		return sgsim.Answered
	}
	return sgsim.Delivered
}

// Intent is one entry of an intent file.
type Intent struct {
	Kind   Kind
	Name   string // unique in the file
	Reason string
	// From and To are as written: comma-separated endpoint names and
	// addresses, prefixes or ranges ("nodes", "10.0.0.0/8",
	// "10.0.0.5-10.0.0.9", "internet,203.0.113.0/24").
	From, To string
	Protocol sgsim.Protocol // concrete
	// Ports are destination ports (TCP, UDP, SCTP); nil is every port.
	Ports sgsim.Ports
	// ICMPType and ICMPCode give the ICMP message; nil type is an echo
	// request (8, or 128 for ICMPv6) and nil code 0.
	ICMPType, ICMPCode *uint8
	// Where it was read: line and column of the entry and its path
	// ("must_deny[0]"); zero for intents made in code.
	Line, Column int
	Path         string
}

func (in Intent) String() string {
	s := in.Kind.String() + " " + in.Name + ": " + in.From + " -> " + in.To + " " + in.Protocol.String()
	if in.Ports != nil {
		s += " " + in.Ports.String()
	}
	if in.Protocol.IsICMP() {
		t, c := in.icmp()
		s += fmt.Sprintf(" type %d code %d", t, c)
	}
	return s
}

func (in Intent) icmp() (t, c uint8) {
	t = 8
	if in.Protocol == sgsim.ICMPv6 {
		t = 128
	}
	if in.ICMPType != nil {
		t = *in.ICMPType
	}
	if in.ICMPCode != nil {
		c = *in.ICMPCode
	}
	return t, c
}

// File is a read intent file: its intents in file order (must_allow,
// then must_deny, then must_be_answerable).
type File struct {
	Intents []Intent
}

// Status is an intent's result.
type Status uint8

// Statuses. The zero Status is Pass.
const (
	Pass Status = iota
	Fail
	// Unknown: the answer depends on rules known only after apply (see
	// Checker.Uncertain).
	Unknown
	// Errored: the intent could not be checked (a name that is no
	// endpoint, no address family in common); Result.Err says why.
	Errored
)

func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case Unknown:
		return "unknown"
	case Errored:
		return "error"
	}
	return "invalid status"
}

// Result is one intent's answer.
type Result struct {
	Intent Intent
	Status Status
	// Src and Dst are From and To resolved to addresses.
	Src, Dst sgsim.Addrs
	// Reach is the exact answer of the (first failing, or last) address
	// family's range query, Query.
	Query sgsim.Query
	Reach sgsim.Reachability
	// Witness, for Fail and for an Unknown that would fail, is a flow that
	// breaks the intent: one not allowed (MustAllow, MustBeAnswerable) or
	// one delivered (MustDeny); Trace is its path and Step the index in
	// Trace.Steps of the deciding hop: the one that drops it, or for
	// MustDeny the destination's ingress hop (or the last forward hop)
	// that lets it in. Step is -1 without a witness, and for a MustDeny
	// witness that crosses no hop at all (no security group, no network
	// ACL on its path: nothing filters it).
	Witness sgsim.Flow
	Trace   sgsim.Trace
	Step    int
	// Uncertain are the groups whose rules are incomplete (Checker.Uncertain)
	// that the answer depends on, sorted, for Unknown.
	Uncertain []string
	Err       error
}

// Decider returns the deciding step (see Step), and false without one.
func (r Result) Decider() (sgsim.Step, bool) {
	if r.Step < 0 || r.Step >= len(r.Trace.Steps) {
		return sgsim.Step{}, false
	}
	return r.Trace.Steps[r.Step], true
}

func (r Result) String() string {
	s := r.Status.String() + " " + r.Intent.String()
	if r.Err != nil {
		return s + ": " + r.Err.Error()
	}
	if r.Status == Pass && len(r.Uncertain) == 0 {
		return s
	}
	if r.Status == Unknown {
		s += "; depends on rules known only after apply in " + strings.Join(r.Uncertain, ", ")
	}
	if r.Witness.IsValid() {
		s += "; witness " + r.Witness.String()
		if st, ok := r.Decider(); ok {
			s += "; " + st.String()
		} else {
			s += "; no security group or network ACL on its path"
		}
	}
	return s
}

// Checker checks intents against a built network.
type Checker struct {
	Net *sgsim.Network
	// Endpoints are the network's endpoints (NetworkSpec.Endpoints): the
	// names From and To may use, and the groups each carries.
	Endpoints []sgsim.Endpoint
	// Uncertain maps the IDs of groups whose rules are incomplete (a
	// Terraform plan left out rules that depend on values known only
	// after apply) to why. An answer that any of them could change is
	// Unknown: a pass whose space crosses such a group (the egress of a
	// source endpoint or the ingress of a destination endpoint that
	// carries one), a MustAllow failure whose dropping hop is such an
	// endpoint's groups, or a MustDeny failure whose witness crosses one.
	// Network ACLs are never uncertain.
	Uncertain map[string]string
}

// Addrs resolves one side of an intent: comma-separated endpoint names
// and addresses, prefixes or ranges, by sgsim.ResolveAddrs (as the sgsim
// program's -from and -to are): an empty item is an error naming its
// position, an unknown name one listing the endpoints.
func (c *Checker) Addrs(s string) (sgsim.Addrs, error) {
	return sgsim.ResolveAddrs(s, c.Endpoints)
}

// CheckAll checks every intent of f, in order.
func (c *Checker) CheckAll(f File) []Result {
	out := make([]Result, len(f.Intents))
	for i, in := range f.Intents {
		out[i] = c.Check(in)
	}
	return out
}

// Check checks one intent exactly: one range query (sgsim.Network.Reach)
// per address family both sides have, asking the question of the
// intent's kind (Kind.Question) from ephemeral source ports.
func (c *Checker) Check(in Intent) Result {
	r := Result{Intent: in, Step: -1}
	fail := func(err error) Result {
		r.Status, r.Err = Errored, err
		return r
	}
	if in.Kind < MustAllow || in.Kind > MustBeAnswerable {
		return fail(errors.New("invalid kind"))
	}
	if in.Protocol == sgsim.AnyProtocol || !in.Protocol.IsValid() {
		return fail(errors.New("name one protocol"))
	}
	var err error
	if r.Src, err = c.Addrs(in.From); err != nil {
		return fail(fmt.Errorf("from: %w", err))
	}
	if r.Dst, err = c.Addrs(in.To); err != nil {
		return fail(fmt.Errorf("to: %w", err))
	}
	q := sgsim.Query{Protocol: in.Protocol, Question: in.Kind.Question(in.Protocol)}
	if in.Protocol.HasPorts() {
		q.DstPorts = in.Ports
	}
	if in.Protocol.IsICMP() {
		q.ICMPType, q.ICMPCode = in.icmp()
	}
	asked := false
	for _, v6 := range []bool{false, true} {
		if v6 != (in.Protocol == sgsim.ICMPv6) && in.Protocol.IsICMP() {
			continue
		}
		q.From, q.To = addrx.Family(r.Src, v6), addrx.Family(r.Dst, v6)
		if q.From.IsEmpty() || q.To.IsEmpty() {
			continue
		}
		asked = true
		reach, err := c.Net.Reach(q)
		if err != nil {
			return fail(err)
		}
		r.Query, r.Reach = q, reach
		if in.Kind == MustDeny && reach.Delivered != sgsim.None {
			r.Status, r.Witness = Fail, reach.AllowedWitness
			r.Trace = c.Net.Trace(r.Witness)
			r.Step = admitter(r.Trace)
			break
		}
		if in.Kind != MustDeny && reach.Outcome != sgsim.All {
			r.Status, r.Witness, r.Trace = Fail, reach.DeniedWitness, reach.DeniedTrace
			r.Step = r.Trace.Dropped
			break
		}
	}
	if !asked {
		what := "IPv4 or IPv6"
		if in.Protocol == sgsim.ICMP {
			what = "IPv4 (icmp)"
		} else if in.Protocol == sgsim.ICMPv6 {
			what = "IPv6 (icmpv6)"
		}
		return fail(fmt.Errorf("from %s and to %s have no %s addresses in common family", r.Src, r.Dst, what))
	}
	r.Uncertain = c.uncertain(r)
	if len(r.Uncertain) > 0 {
		r.Status = Unknown
	}
	return r
}

// admitter is the step that let a delivered flow in: the destination's
// ingress hop, or else the last forward hop.
func admitter(t sgsim.Trace) int {
	last := -1
	for i, s := range t.Steps {
		if s.Hop.IsReply() {
			break
		}
		last = i
		if s.Hop == sgsim.DstIngress {
			return i
		}
	}
	return last
}

// uncertain returns the uncertain groups r depends on (see
// Checker.Uncertain).
func (c *Checker) uncertain(r Result) []string {
	if len(c.Uncertain) == 0 {
		return nil
	}
	set := map[string]bool{}
	addGroups := func(name string) {
		for _, e := range c.Endpoints {
			if e.Name == name {
				for _, g := range e.Groups {
					if _, ok := c.Uncertain[g]; ok {
						set[g] = true
					}
				}
			}
		}
	}
	stepEndpoint := func(s sgsim.Step) string {
		switch s.Hop {
		case sgsim.SrcEgress:
			return r.Trace.From
		case sgsim.DstIngress:
			return r.Trace.To
		}
		return ""
	}
	switch {
	case r.Status == Fail && r.Intent.Kind != MustDeny:
		if st, ok := r.Decider(); ok {
			addGroups(stepEndpoint(st))
		}
	case r.Status == Fail:
		for _, s := range r.Trace.Steps {
			if !s.Hop.IsReply() {
				addGroups(stepEndpoint(s))
			}
		}
	default: // pass: every endpoint the space crosses
		for _, e := range c.Endpoints {
			if overlaps(e.Addrs, r.Src) || overlaps(e.Addrs, r.Dst) {
				addGroups(e.Name)
			}
		}
	}
	out := make([]string, 0, len(set))
	for g := range set {
		out = append(out, g)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func overlaps(a, b sgsim.Addrs) bool {
	as, bs := a.Set(), b.Set()
	if as == nil || bs == nil {
		return true
	}
	return as.Overlaps(bs)
}
