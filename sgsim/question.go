package sgsim

// Question is what a range query (Query) or a required flow asks of each
// flow in its space: that the packet arrives, or that the exchange
// completes.
//
// The zero Question, DefaultQuestion, asks Answered for every protocol:
//
//   - TCP and SCTP: Answered, since a connection or association is only
//     established when the handshake's replies get back.
//   - UDP: Answered. The UDP services a security review asks about mostly
//     answer (DNS, NTP, SNMP, DHCP relay, RADIUS, Kerberos, QUIC), and a
//     stateless ACL that lets the datagram out but drops the answer is the
//     classic misconfiguration a Delivered default would hide. One-way
//     traffic (syslog, statsd and other metrics, NetFlow/IPFIX export,
//     VXLAN and Geneve between hosts) should ask Delivered.
//   - ICMP and ICMPv6: Answered. For a query (echo, timestamp, ...) the
//     reply is the point of sending it; for errors, replies and other
//     one-way messages there is no reply (ICMPReply), so Answered is the
//     same as Delivered.
//   - Every other protocol (GRE, ESP, ...): Answered, the same
//     conservative choice: the reverse packets must pass stateless ACLs
//     too. Ask Delivered for one direction alone.
//
// The question only changes the answer where replies meet rules: through
// stateless network ACLs (Alibaba, AWS, Tencent) and, for overlay
// traffic, on the outer flow that carries the replies. Security groups
// and stateful ACLs pass the reply of every flow they let through.
type Question uint8

// Questions.
const (
	DefaultQuestion Question = iota // Answered, for every protocol (see Question)
	// Delivered asks whether the forward packet reaches the destination,
	// whatever happens to a reply.
	Delivered
	// Answered asks whether the forward packet is delivered and its reply,
	// when the message has one, gets back to the source: the round trip.
	Answered
)

func (q Question) String() string {
	switch q {
	case DefaultQuestion:
		return "default"
	case Delivered:
		return "delivered"
	case Answered:
		return "answered"
	}
	return "invalid question"
}

// For returns the question q asks of protocol p: q itself, or for
// DefaultQuestion the protocol's default (Answered for every protocol).
func (q Question) For(p Protocol) Question {
	if q == DefaultQuestion {
		return Answered
	}
	return q
}

// Reply is what happened to a flow's reply.
type Reply uint8

// Replies. The zero Reply is ReplyNotSent.
const (
	// ReplyNotSent: the forward packet was dropped (or the flow is
	// invalid), so nothing answers it.
	ReplyNotSent Reply = iota
	// ReplyNotApplicable: the message is one-way (an ICMP error, reply or
	// other message that is not a query: ICMPReply).
	ReplyNotApplicable
	// ReplyAnswered: the reply gets back to the source.
	ReplyAnswered
	// ReplyDropped: the reply is dropped, at Decision.Hop by
	// Decision.Verdict.
	ReplyDropped
)

func (r Reply) String() string {
	switch r {
	case ReplyNotSent:
		return "not sent"
	case ReplyNotApplicable:
		return "not applicable"
	case ReplyAnswered:
		return "answered"
	case ReplyDropped:
		return "dropped"
	}
	return "invalid reply"
}
