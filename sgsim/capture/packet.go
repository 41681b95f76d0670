package capture

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Packet is one decoded capture record. It is a plain value: Next
// overwrites every field, and nothing in it points into the Reader's
// buffers, so a copy stays valid after the next call.
//
// The embedded Header holds the outermost IP packet. When that packet is a
// VXLAN or Geneve tunnel, Inner holds the encapsulated IP packet.
type Packet struct {
	// N is the 1-based number of the record in the file, counting every
	// packet record including the ones Next skipped (Wireshark's frame
	// number).
	N int
	// Time is the capture timestamp, in UTC. Zero for pcapng simple packet
	// blocks, which carry none.
	Time time.Time
	// Len is the length of the packet on the wire; CapLen is how many of
	// its bytes the file holds (CapLen < Len when a snap length cut it).
	Len, CapLen int

	// Header is the outer IP header and its transport header.
	Header

	// Inner is the packet carried inside a VXLAN or Geneve tunnel.
	Inner Inner
}

// Header holds the fields decoded from one IP packet and its transport
// header. Fields the packet does not have are zero.
type Header struct {
	// Proto is the IANA protocol number of the upper layer: for IPv6 the
	// header after the extension headers (hop-by-hop, routing,
	// destination options, fragment, AH).
	Proto uint8
	// Src and Dst are the IP addresses (IPv4 or IPv6, never 4in6).
	Src, Dst netip.Addr
	// SrcPort and DstPort are set for TCP, UDP and SCTP, and for later
	// IPv4/IPv6 fragments whose first fragment was seen (see Frag).
	SrcPort, DstPort uint16
	// TCPFlags are the TCP control bits; zero for other protocols.
	TCPFlags TCPFlags
	// ICMPType and ICMPCode are set for ICMP (Proto 1) and ICMPv6 (58).
	ICMPType, ICMPCode uint8
	// ICMPID is the identifier of ICMP and ICMPv6 echo requests and replies.
	ICMPID uint16
	// Quoted is the 5-tuple of the packet quoted by an ICMP or ICMPv6 error
	// (destination unreachable, time exceeded, parameter problem, source
	// quench, redirect, packet too big).
	Quoted Quoted
	// Frag describes IP fragmentation; Frag.Fragment is false for whole
	// packets.
	Frag Frag
	// Truncated reports that the capture holds fewer bytes than the IP
	// header says the packet has (snap length, or a damaged record). The
	// fields above were decoded from the bytes present; a field whose bytes
	// are missing is zero, and the Reader counts that under
	// ReasonTruncatedTransport in Flagged.
	Truncated bool
}

// Quoted is the inner 5-tuple of the packet an ICMP error quotes. Ports are
// zero unless the quoted protocol is TCP, UDP or SCTP and its first four
// bytes are present.
type Quoted struct {
	// Present is true when the ICMP message is an error and the quoted IP
	// header could be decoded.
	Present          bool
	Proto            uint8
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16 // quoted TCP, UDP or SCTP
	// ICMPType and ICMPID are set when the quoted packet is an ICMP or
	// ICMPv6 echo request or reply (Echo true), so that the error can be
	// related to the echo flow.
	Echo     bool
	ICMPType uint8
	ICMPID   uint16
}

// Frag describes an IPv4 fragment or an IPv6 packet with a fragment header.
type Frag struct {
	// Fragment is true when the packet is a fragment (IPv4: MF set or
	// offset non-zero; IPv6: fragment header present).
	Fragment bool
	// ID is the IP identification (16 bits for IPv4, 32 for IPv6).
	ID uint32
	// Offset is the fragment offset in bytes.
	Offset uint16
	// More is the more-fragments flag.
	More bool
	// Resolved is true for a later fragment (Offset > 0) whose transport
	// fields (ports, ICMP type/code/id) were copied from the first fragment
	// of the same (Src, Dst, Proto, ID), which the Reader remembered.
	Resolved bool
}

// Tunnel names the encapsulation that produced an Inner header.
type Tunnel uint8

// Tunnels that Next decapsulates.
const (
	TunnelNone   Tunnel = iota
	TunnelVXLAN         // UDP port 4789, RFC 7348
	TunnelGeneve        // UDP port 6081, RFC 8926
)

func (t Tunnel) String() string {
	switch t {
	case TunnelNone:
		return "none"
	case TunnelVXLAN:
		return "vxlan"
	case TunnelGeneve:
		return "geneve"
	}
	return "Tunnel(" + strconv.Itoa(int(t)) + ")"
}

// Inner is the packet inside a tunnel. It is one level deep: a tunnel
// inside the inner packet is reported as plain UDP.
type Inner struct {
	// Present is true when the tunnel payload was decoded down to an IP
	// header; the embedded Header is then filled in.
	Present bool
	// Tunnel and VNI are set whenever the outer UDP packet carried a valid
	// tunnel header, even when the inner frame is not IP (then Present is
	// false, e.g. ARP inside VXLAN).
	Tunnel Tunnel
	// VNI is the 24-bit VXLAN or Geneve virtual network identifier.
	VNI uint32
	Header
}

// TCPFlags holds the eight TCP control bits as they appear in byte 13 of
// the TCP header.
type TCPFlags uint8

// TCP control bits.
const (
	FlagFIN TCPFlags = 1 << iota
	FlagSYN
	FlagRST
	FlagPSH
	FlagACK
	FlagURG
	FlagECE
	FlagCWR
)

// SYN reports whether the SYN bit is set.
func (f TCPFlags) SYN() bool { return f&FlagSYN != 0 }

// ACK reports whether the ACK bit is set.
func (f TCPFlags) ACK() bool { return f&FlagACK != 0 }

// FIN reports whether the FIN bit is set.
func (f TCPFlags) FIN() bool { return f&FlagFIN != 0 }

// RST reports whether the RST bit is set.
func (f TCPFlags) RST() bool { return f&FlagRST != 0 }

// PSH reports whether the PSH bit is set.
func (f TCPFlags) PSH() bool { return f&FlagPSH != 0 }

// String lists the set bits, e.g. "SYN|ACK"; "" for none.
func (f TCPFlags) String() string {
	names := [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}
	var b strings.Builder
	for i, n := range names {
		if f&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}
