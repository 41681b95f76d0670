package sgsim

import (
	"errors"
	"strconv"
	"strings"
)

// Protocol is an IP protocol as a rule matches it: one IANA protocol number
// (0-255) or any protocol.
//
// The zero Protocol is AnyProtocol, so a zero Rule matches every protocol,
// as an empty protocol field does in the vendor APIs. A Protocol is a small
// comparable value; use ProtocolNumber and Number to convert to and from the
// IANA number.
type Protocol uint16

// AnyProtocol matches every IP protocol. It is the zero Protocol.
const AnyProtocol Protocol = 0

// Protocols with names. The constants are IANA numbers plus one, because the
// zero value is reserved for AnyProtocol; always go through ProtocolNumber
// and Number rather than doing arithmetic on them.
const (
	ICMP   Protocol = 1 + 1
	TCP    Protocol = 6 + 1
	UDP    Protocol = 17 + 1
	GRE    Protocol = 47 + 1
	ESP    Protocol = 50 + 1
	AH     Protocol = 51 + 1
	ICMPv6 Protocol = 58 + 1
	SCTP   Protocol = 132 + 1
)

var protoNames = map[Protocol]string{
	ICMP: "icmp", TCP: "tcp", UDP: "udp", GRE: "gre", ESP: "esp", AH: "ah",
	ICMPv6: "icmpv6", SCTP: "sctp",
}

// ProtocolNumber returns the Protocol for IANA protocol number n.
func ProtocolNumber(n uint8) Protocol { return Protocol(n) + 1 }

// Number returns the IANA protocol number. It reports false for
// AnyProtocol and for values that are not valid protocols.
func (p Protocol) Number() (uint8, bool) {
	if p == AnyProtocol || p > 256 {
		return 0, false
	}
	return uint8(p - 1), true
}

// IsValid reports whether p is AnyProtocol or one of the 256 IANA numbers.
func (p Protocol) IsValid() bool { return p <= 256 }

// HasPorts reports whether the protocol carries ports a rule can match:
// TCP, UDP and SCTP.
func (p Protocol) HasPorts() bool { return p == TCP || p == UDP || p == SCTP }

// IsICMP reports whether p is ICMP or ICMPv6, whose rules may match a
// message type and code.
func (p Protocol) IsICMP() bool { return p == ICMP || p == ICMPv6 }

// String returns "any", the lower-case name of a well-known protocol
// ("tcp", "udp", "icmp", "icmpv6", "gre", "esp", "ah", "sctp") or the
// decimal protocol number. An invalid Protocol prints as "invalid protocol".
func (p Protocol) String() string {
	if p == AnyProtocol {
		return "any"
	}
	if n, ok := protoNames[p]; ok {
		return n
	}
	if n, ok := p.Number(); ok {
		return strconv.Itoa(int(n))
	}
	return "invalid protocol"
}

// MarshalText implements encoding.TextMarshaler with the String form.
func (p Protocol) MarshalText() ([]byte, error) {
	if !p.IsValid() {
		return nil, errors.New("sgsim: invalid protocol " + strconv.Itoa(int(p)))
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseProtocol.
func (p *Protocol) UnmarshalText(b []byte) error {
	q, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ParseProtocol parses a protocol name (any case: "tcp", "UDP", "icmpv6",
// "all" and "any" for any protocol, "icmp6" and "ipv6-icmp" as aliases of
// icmpv6) or a decimal IANA number from 0 to 255.
func ParseProtocol(s string) (Protocol, error) {
	l := strings.ToLower(s)
	switch l {
	case "any", "all":
		return AnyProtocol, nil
	case "icmp6", "ipv6-icmp":
		return ICMPv6, nil
	}
	for p, n := range protoNames {
		if n == l {
			return p, nil
		}
	}
	if l != "" && l[0] >= '0' && l[0] <= '9' {
		n, err := strconv.ParseUint(l, 10, 8)
		if err == nil {
			return ProtocolNumber(uint8(n)), nil
		}
		return 0, &ParseError{What: "protocol", Value: s, Msg: "number out of range 0-255"}
	}
	return 0, &ParseError{What: "protocol", Value: s, Msg: "want a name (tcp, udp, icmp, icmpv6, gre, esp, ah, sctp, any) or a number 0-255"}
}
