package capture

import "strconv"

// Reason says why a packet was skipped (see Reader.Skipped) or delivered
// with a caveat (see Reader.Flagged).
type Reason uint8

// Reasons a packet is skipped: Next does not return it.
const (
	_ Reason = iota
	// ReasonTruncated: the record ends before the end of the link-layer or
	// IP header, so there are no addresses to report.
	ReasonTruncated
	// ReasonNotIP: the link layer carries something other than IPv4/IPv6
	// (ARP, LLDP, STP, IPX, 802.3/LLC, an unknown loopback family, ...).
	ReasonNotIP
	// ReasonBadLink: the link-layer header is invalid (e.g. a Linux cooked
	// header with an address length above 8).
	ReasonBadLink
	// ReasonBadIP: the IP header is present but invalid: wrong version,
	// header length below minimum or above total length, bad options, bad
	// hop-by-hop header.
	ReasonBadIP
	// ReasonUnsupportedLink: a pcapng interface uses a link type this
	// package does not decode.
	ReasonUnsupportedLink
	// ReasonBadRecord: a pcapng packet block is inconsistent (captured
	// length beyond the block, unknown interface id); the block framing is
	// intact so reading continues.
	ReasonBadRecord
	// ReasonTruncatedFile: the file ends in the middle of a record (for
	// pcapng, of any block: a cut statistics or interface block counts
	// too). The partial record is counted here, as the packet after the
	// last one read, and Next returns io.EOF.
	ReasonTruncatedFile
)

// Reasons a packet is delivered with a caveat: Next returns it and the
// Reader counts it.
const (
	// ReasonTruncatedTransport: the IP header is intact but the transport
	// (or ICMP) header is cut short; Header.Truncated is set and the fields
	// whose bytes are missing are zero. Ports are still filled in when the
	// first four bytes of a TCP/UDP/SCTP header are present.
	ReasonTruncatedTransport Reason = iota + 16
	// ReasonBadTransport: the transport header is complete but invalid
	// (TCP data offset below 5 or beyond the segment, UDP length below 8);
	// ports are filled in from its first four bytes.
	ReasonBadTransport
	// ReasonBadICMPQuote: an ICMP error whose quoted IP header cannot be
	// decoded; Quoted.Present is false.
	ReasonBadICMPQuote
	// ReasonFragmentNoFirst: a later fragment (offset > 0) of a TCP, UDP,
	// SCTP or ICMP packet whose first fragment was not seen (or was
	// evicted from the bounded table), so it has no ports.
	ReasonFragmentNoFirst
	// ReasonInnerNotDecoded: a VXLAN/Geneve packet whose inner frame is
	// not a decodable IP packet (e.g. ARP); Inner.Present is false, the
	// outer header and Inner.Tunnel/VNI are delivered.
	ReasonInnerNotDecoded
	// ReasonBadTimestamp: a classic pcap record whose fraction of a
	// second is out of range (microseconds >= 1,000,000, or nanoseconds
	// >= 1,000,000,000 in a nanosecond pcap). Packet.Time is seconds
	// plus the fraction as written, so it lies in a later second than the
	// seconds field says; the packet is delivered and counted here so
	// that the skew is not silent.
	ReasonBadTimestamp
)

const numReasons = 32

var reasonNames = [numReasons]string{
	ReasonTruncated:          "truncated",
	ReasonNotIP:              "not-ip",
	ReasonBadLink:            "bad-link-header",
	ReasonBadIP:              "bad-ip-header",
	ReasonUnsupportedLink:    "unsupported-link-type",
	ReasonBadRecord:          "bad-record",
	ReasonTruncatedFile:      "truncated-file",
	ReasonTruncatedTransport: "truncated-transport",
	ReasonBadTransport:       "bad-transport-header",
	ReasonBadICMPQuote:       "bad-icmp-quote",
	ReasonFragmentNoFirst:    "fragment-without-first",
	ReasonInnerNotDecoded:    "inner-not-decoded",
	ReasonBadTimestamp:       "bad-timestamp",
}

func (r Reason) String() string {
	if int(r) < numReasons && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Skip counts the packets that share a Reason.
type Skip struct {
	Reason Reason
	// Count is how many packets had this reason.
	Count int
	// FirstPacket is the Packet.N of the first of them.
	FirstPacket int
}

type counters [numReasons]Skip

func (c *counters) add(r Reason, n int) {
	s := &c[r]
	if s.Count == 0 {
		s.Reason = r
		s.FirstPacket = n
	}
	s.Count++
}

func (c *counters) list(lo, hi Reason) []Skip {
	var out []Skip
	for r := lo; r < hi; r++ {
		if c[r].Count > 0 {
			out = append(out, c[r])
		}
	}
	return out
}
