package capture

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// IANA protocol numbers used below.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
	protoSCTP   = 132

	portVXLAN  = 4789
	portGeneve = 6081
)

var errBadVersion = errors.New("capture: IP version nibble does not match the header type")

// decoder holds everything needed to decode one packet without
// allocating: two layer stacks (outer and tunnel inner) and the fragment
// table.
type decoder struct {
	r     *Reader
	outer stack
	inner stack
	frags fragTable
}

func (d *decoder) init(r *Reader) {
	d.r = r
	d.outer.init()
	d.inner.init()
}

// packet decodes one record of the given link type into p. It returns 0
// when p holds a packet, or the reason it must be skipped.
func (d *decoder) packet(link uint32, data []byte, p *Packet) Reason {
	first, data, reason := linkLayer(link, data)
	if reason != 0 {
		return reason
	}
	if reason := d.outer.decode(d, first, data, &p.Header); reason != 0 {
		return reason
	}
	if d.outer.gotUDP {
		d.tunnel(p)
	}
	return 0
}

// tunnel decapsulates VXLAN and Geneve carried by the outer UDP header.
func (d *decoder) tunnel(p *Packet) {
	u := &d.outer.udp
	b := u.Payload
	var first gopacket.LayerType
	var inner []byte
	switch {
	case u.DstPort == portVXLAN || u.SrcPort == portVXLAN:
		// flags(1: I bit 0x08) reserved(3) VNI(3) reserved(1)
		if len(b) < 8 || b[0]&0x08 == 0 {
			return
		}
		p.Inner.Tunnel = TunnelVXLAN
		first, inner = layers.LayerTypeEthernet, b[8:]
	case u.DstPort == portGeneve || u.SrcPort == portGeneve:
		// ver(2b) optlen(6b) flags(1) protocol(2) VNI(3) reserved(1) options
		if len(b) < 8 || b[0]>>6 != 0 {
			return
		}
		hl := 8 + int(b[0]&0x3f)*4
		if hl > len(b) {
			return
		}
		p.Inner.Tunnel = TunnelGeneve
		inner = b[hl:]
		switch binary.BigEndian.Uint16(b[2:4]) {
		case 0x6558: // transparent Ethernet bridging
			first = layers.LayerTypeEthernet
		case 0x0800:
			first = layers.LayerTypeIPv4
		case 0x86dd:
			first = layers.LayerTypeIPv6
		}
	default:
		return
	}
	p.Inner.VNI = uint32(b[4])<<16 | uint32(b[5])<<8 | uint32(b[6])
	if first == 0 {
		d.r.flag(ReasonInnerNotDecoded)
		return
	}
	if reason := d.inner.decode(d, first, inner, &p.Inner.Header); reason != 0 {
		d.r.flag(ReasonInnerNotDecoded)
		p.Inner.Header = Header{}
		return
	}
	p.Inner.Present = true
}

// linkLayer strips the link-layer framing that gopacket cannot decode
// safely or at all (Linux cooked v1/v2, raw IP) and says which layer the
// DecodingLayerParser starts with.
func linkLayer(link uint32, data []byte) (gopacket.LayerType, []byte, Reason) {
	switch link {
	case LinkEthernet:
		return layers.LayerTypeEthernet, data, 0
	case LinkNull, LinkLoop:
		if len(data) < 4 {
			return 0, nil, ReasonTruncated
		}
		return layers.LayerTypeLoopback, data, 0
	case LinkRaw, LinkRawDLT12, LinkRawDLT14:
		if len(data) < 1 {
			return 0, nil, ReasonTruncated
		}
		switch data[0] >> 4 {
		case 4:
			return layers.LayerTypeIPv4, data, 0
		case 6:
			return layers.LayerTypeIPv6, data, 0
		}
		return 0, nil, ReasonBadIP
	case LinkIPv4:
		return layers.LayerTypeIPv4, data, 0
	case LinkIPv6:
		return layers.LayerTypeIPv6, data, 0
	case LinkSLL:
		// packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2)
		if len(data) < 16 {
			return 0, nil, ReasonTruncated
		}
		return cooked(binary.BigEndian.Uint16(data[2:4]), binary.BigEndian.Uint16(data[14:16]), data[16:])
	case LinkSLL2:
		// protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1)
		// addr len(1) addr(8)
		if len(data) < 20 {
			return 0, nil, ReasonTruncated
		}
		return cooked(binary.BigEndian.Uint16(data[8:10]), binary.BigEndian.Uint16(data[0:2]), data[20:])
	}
	return 0, nil, ReasonUnsupportedLink
}

// cooked dispatches on the protocol field of a Linux cooked header.
func cooked(arphrd, proto uint16, payload []byte) (gopacket.LayerType, []byte, Reason) {
	const arphrdNetlink = 824
	if arphrd == arphrdNetlink {
		return 0, nil, ReasonNotIP
	}
	switch layers.EthernetType(proto) {
	case layers.EthernetTypeIPv4:
		return layers.LayerTypeIPv4, payload, 0
	case layers.EthernetTypeIPv6:
		return layers.LayerTypeIPv6, payload, 0
	case layers.EthernetTypeDot1Q, layers.EthernetTypeQinQ:
		return layers.LayerTypeDot1Q, payload, 0
	}
	return 0, nil, ReasonNotIP
}

// stack is one set of preallocated layers with a DecodingLayerParser per
// possible first layer (gopacket fixes the first layer at construction).
type stack struct {
	eth   layers.Ethernet
	vlan  layers.Dot1Q
	loop  layers.Loopback
	ip4   ipv4
	ip6   ipv6
	ext   ip6Ext
	ah    ip6Ext
	frag  ip6Frag
	tcp   layers.TCP
	udp   layers.UDP
	sctp  layers.SCTP
	icmp4 layers.ICMPv4
	icmp6 layers.ICMPv6

	// layers holds the decoders above by the layer types they decode; all
	// parsers share it.
	layers  gopacket.DecodingLayerSparse
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	gotUDP  bool
}

var (
	extClass = gopacket.NewLayerClass([]gopacket.LayerType{
		layers.LayerTypeIPv6HopByHop, layers.LayerTypeIPv6Routing, layers.LayerTypeIPv6Destination,
	})
	ahClass = gopacket.NewLayerClass([]gopacket.LayerType{layers.LayerTypeIPSecAH})
)

func (s *stack) init() {
	s.ah.ah = true
	var c gopacket.DecodingLayerContainer = gopacket.DecodingLayerSparse(nil)
	for _, l := range []gopacket.DecodingLayer{
		&s.eth, &s.vlan, &s.loop, &s.ip4, &s.ip6, &s.ext, &s.ah, &s.frag,
		&s.tcp, &s.udp, &s.sctp, &s.icmp4, &s.icmp6,
	} {
		c = c.Put(l)
	}
	s.layers = c.(gopacket.DecodingLayerSparse)
	s.parsers = make(map[gopacket.LayerType]*gopacket.DecodingLayerParser)
	for _, first := range []gopacket.LayerType{
		layers.LayerTypeEthernet, layers.LayerTypeDot1Q, layers.LayerTypeLoopback,
		layers.LayerTypeIPv4, layers.LayerTypeIPv6,
	} {
		p := gopacket.NewDecodingLayerParser(first)
		p.SetDecodingLayerContainer(s.layers)
		p.IgnoreUnsupported = true
		s.parsers[first] = p
	}
	s.decoded = make([]gopacket.LayerType, 0, 16)
}

// decode runs the parser for first over data and fills h. It returns 0
// when h holds at least an IP header, else the reason to skip.
func (s *stack) decode(d *decoder, first gopacket.LayerType, data []byte, h *Header) Reason {
	s.gotUDP = false
	p := s.parsers[first]
	err := p.DecodeLayers(data, &s.decoded)

	ipSeen, transport := false, false
	ipTrunc := false
	var last gopacket.DecodingLayer
	for _, t := range s.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			ip := &s.ip4
			ipSeen = true
			h.Src = netip.AddrFrom4([4]byte(ip.SrcIP))
			h.Dst = netip.AddrFrom4([4]byte(ip.DstIP))
			h.Proto = uint8(ip.Protocol)
			ipTrunc = int(ip.Length) > len(ip.Contents)+len(ip.Payload)
			if mf := ip.Flags&layers.IPv4MoreFragments != 0; mf || ip.FragOffset != 0 {
				h.Frag = Frag{Fragment: true, ID: uint32(ip.Id), Offset: ip.FragOffset * 8, More: mf}
			}
		case layers.LayerTypeIPv6:
			ip := &s.ip6
			ipSeen = true
			h.Src, h.Dst = netip.AddrFrom16(ip.src), netip.AddrFrom16(ip.dst)
			h.Proto = uint8(ip.next)
			ipTrunc = int(ip.length) > len(ip.Payload)
		case layers.LayerTypeIPv6HopByHop, layers.LayerTypeIPv6Routing, layers.LayerTypeIPv6Destination:
			h.Proto = uint8(s.ext.next)
		case layers.LayerTypeIPSecAH:
			h.Proto = uint8(s.ah.next)
		case layers.LayerTypeIPv6Fragment:
			f := &s.frag
			h.Proto = uint8(f.next)
			h.Frag = Frag{Fragment: true, ID: f.id, Offset: f.offset, More: f.more}
		case layers.LayerTypeTCP:
			h.SrcPort, h.DstPort = uint16(s.tcp.SrcPort), uint16(s.tcp.DstPort)
			h.TCPFlags = TCPFlags(s.tcp.Contents[13])
			transport = true
		case layers.LayerTypeUDP:
			h.SrcPort, h.DstPort = uint16(s.udp.SrcPort), uint16(s.udp.DstPort)
			transport = true
			s.gotUDP = true
		case layers.LayerTypeSCTP:
			h.SrcPort, h.DstPort = uint16(s.sctp.SrcPort), uint16(s.sctp.DstPort)
			transport = true
		case layers.LayerTypeICMPv4:
			transport = true
			s.icmpV4(d, h)
		case layers.LayerTypeICMPv6:
			transport = true
			s.icmpV6(d, h)
		}
		last, _ = s.layers.Decoder(t)
	}

	if !ipSeen {
		failed := first
		if last != nil {
			failed = last.NextLayerType()
		}
		switch {
		case failed == layers.LayerTypeIPv4 || failed == layers.LayerTypeIPv6:
			// Without an error the parser stopped because the link layer
			// left no bytes for the IP header.
			if err == nil || p.Truncated {
				return ReasonTruncated
			}
			return ReasonBadIP
		case err == nil:
			return ReasonNotIP
		case failed == layers.LayerTypeLoopback && len(data) >= 4:
			return ReasonBadLink
		}
		return ReasonTruncated
	}
	h.Truncated = ipTrunc

	later := h.Frag.Fragment && h.Frag.Offset > 0
	wantPorts := h.Proto == protoTCP || h.Proto == protoUDP || h.Proto == protoSCTP
	wantICMP := h.Proto == protoICMP || h.Proto == protoICMPv6
	if !transport && !later && (wantPorts || wantICMP) && last != nil {
		// The transport header is missing, cut, or invalid: take what the
		// bytes give, and say why the rest is missing.
		raw := last.LayerPayload()
		if wantPorts && len(raw) >= 4 {
			h.SrcPort = binary.BigEndian.Uint16(raw[0:2])
			h.DstPort = binary.BigEndian.Uint16(raw[2:4])
		}
		if h.Proto == protoTCP && len(raw) >= 14 {
			h.TCPFlags = TCPFlags(raw[13])
		}
		if wantICMP && len(raw) >= 2 {
			h.ICMPType, h.ICMPCode = raw[0], raw[1]
		}
		if ipTrunc {
			d.r.flag(ReasonTruncatedTransport)
		} else {
			d.r.flag(ReasonBadTransport)
		}
	}

	if h.Frag.Fragment && (wantPorts || wantICMP) {
		k := fragKey{src: h.Src, dst: h.Dst, id: h.Frag.ID, proto: h.Proto}
		if later {
			if e := d.frags.get(k); e != nil {
				h.SrcPort, h.DstPort = e.sport, e.dport
				h.ICMPType, h.ICMPCode, h.ICMPID = e.icmpType, e.icmpCode, e.icmpID
				h.Frag.Resolved = true
			} else {
				d.r.flag(ReasonFragmentNoFirst)
			}
		} else {
			d.frags.put(k, fragEntry{sport: h.SrcPort, dport: h.DstPort, icmpType: h.ICMPType, icmpCode: h.ICMPCode, icmpID: h.ICMPID})
		}
	}
	return 0
}

func (s *stack) icmpV4(d *decoder, h *Header) {
	ic := &s.icmp4
	h.ICMPType, h.ICMPCode = ic.TypeCode.Type(), ic.TypeCode.Code()
	switch h.ICMPType {
	case layers.ICMPv4TypeEchoReply, layers.ICMPv4TypeEchoRequest:
		h.ICMPID = ic.Id
	case layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4TypeSourceQuench,
		layers.ICMPv4TypeRedirect, layers.ICMPv4TypeTimeExceeded, layers.ICMPv4TypeParameterProblem:
		if !parseQuoted(ic.Payload, &h.Quoted) {
			h.Quoted = Quoted{}
			d.r.flag(ReasonBadICMPQuote)
		}
	}
}

func (s *stack) icmpV6(d *decoder, h *Header) {
	ic := &s.icmp6
	h.ICMPType, h.ICMPCode = ic.TypeCode.Type(), ic.TypeCode.Code()
	b := ic.Payload // after type, code, checksum
	switch h.ICMPType {
	case layers.ICMPv6TypeEchoRequest, layers.ICMPv6TypeEchoReply:
		if len(b) >= 2 {
			h.ICMPID = binary.BigEndian.Uint16(b)
		}
	case layers.ICMPv6TypeDestinationUnreachable, layers.ICMPv6TypePacketTooBig,
		layers.ICMPv6TypeTimeExceeded, layers.ICMPv6TypeParameterProblem:
		if len(b) < 4 || !parseQuoted(b[4:], &h.Quoted) {
			h.Quoted = Quoted{}
			d.r.flag(ReasonBadICMPQuote)
		}
	}
}

// parseQuoted decodes the IP header (and ports) quoted by an ICMP error.
// Quoted packets are cut short by design, so this is done by hand rather
// than by gopacket, which would reject them.
func parseQuoted(b []byte, q *Quoted) bool {
	if len(b) < 1 {
		return false
	}
	var rest []byte
	switch b[0] >> 4 {
	case 4:
		ihl := int(b[0]&0x0f) * 4
		if len(b) < 20 || ihl < 20 || len(b) < ihl {
			return false
		}
		q.Proto = b[9]
		q.Src = netip.AddrFrom4([4]byte(b[12:16]))
		q.Dst = netip.AddrFrom4([4]byte(b[16:20]))
		if binary.BigEndian.Uint16(b[6:8])&0x1fff == 0 {
			rest = b[ihl:]
		}
	case 6:
		if len(b) < 40 {
			return false
		}
		q.Src = netip.AddrFrom16([16]byte(b[8:24]))
		q.Dst = netip.AddrFrom16([16]byte(b[24:40]))
		q.Proto, rest = walkIPv6(b[6], b[40:])
	default:
		return false
	}
	if (q.Proto == protoTCP || q.Proto == protoUDP || q.Proto == protoSCTP) && len(rest) >= 4 {
		q.SrcPort = binary.BigEndian.Uint16(rest[0:2])
		q.DstPort = binary.BigEndian.Uint16(rest[2:4])
	}
	if len(rest) >= 8 {
		t := rest[0]
		if q.Proto == 1 && (t == 0 || t == 8) || q.Proto == 58 && (t == 128 || t == 129) {
			q.Echo, q.ICMPType, q.ICMPID = true, t, binary.BigEndian.Uint16(rest[4:6])
		}
	}
	q.Present = true
	return true
}

// walkIPv6 follows IPv6 extension headers from next over b and returns
// the upper-layer protocol and its bytes (nil when they are cut off or
// belong to a later fragment).
func walkIPv6(next uint8, b []byte) (uint8, []byte) {
	for i := 0; i < 32; i++ {
		n, l, ok := extLen(next, b)
		if !ok {
			return next, nil
		}
		if l == 0 {
			return next, b
		}
		if next == uint8(layers.IPProtocolIPv6Fragment) && binary.BigEndian.Uint16(b[2:4])&^7 != 0 {
			return n, nil
		}
		next, b = n, b[l:]
	}
	return next, nil
}

// extLen returns the next-header value and length of the IPv6 extension
// header proto at the start of b; l == 0 means proto is not an extension
// header. ok is false when the header is cut short.
func extLen(proto uint8, b []byte) (next uint8, l int, ok bool) {
	switch layers.IPProtocol(proto) {
	case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination:
		if len(b) < 2 {
			return 0, 0, false
		}
		l = (int(b[1]) + 1) * 8
	case layers.IPProtocolAH:
		if len(b) < 2 {
			return 0, 0, false
		}
		l = (int(b[1]) + 2) * 4
	case layers.IPProtocolIPv6Fragment:
		l = 8
	default:
		return proto, 0, true
	}
	if len(b) < l {
		return 0, 0, false
	}
	return b[0], l, true
}

// upper maps an IP protocol number to the layer the parsers decode next.
// Anything else (including IP-in-IP, GRE, OSPF) ends decoding, giving a
// protocol-only packet; in particular the IPv4 and IPv6 layers are never
// decoded twice, which would overwrite the outer addresses.
func upper(proto uint8) gopacket.LayerType {
	switch p := layers.IPProtocol(proto); p {
	case layers.IPProtocolTCP, layers.IPProtocolUDP, layers.IPProtocolSCTP,
		layers.IPProtocolICMPv4, layers.IPProtocolICMPv6, layers.IPProtocolAH,
		layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing,
		layers.IPProtocolIPv6Destination, layers.IPProtocolIPv6Fragment:
		return p.LayerType()
	}
	return gopacket.LayerTypePayload
}

// ipv4 is gopacket's IPv4 layer with a version check and a NextLayerType
// that continues into the transport header of a first fragment.
type ipv4 struct{ layers.IPv4 }

func (ip *ipv4) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) > 0 && data[0]>>4 != 4 {
		return errBadVersion
	}
	return ip.IPv4.DecodeFromBytes(data, df)
}

func (ip *ipv4) NextLayerType() gopacket.LayerType {
	if ip.FragOffset != 0 {
		return gopacket.LayerTypeFragment
	}
	switch t := upper(uint8(ip.Protocol)); t {
	case layers.LayerTypeTCP, layers.LayerTypeUDP, layers.LayerTypeSCTP,
		layers.LayerTypeICMPv4, layers.LayerTypeIPSecAH:
		return t
	}
	return gopacket.LayerTypePayload
}

// ipv6 decodes the fixed IPv6 header. It replaces gopacket's IPv6 layer,
// which decodes a hop-by-hop header itself (allocating one object per
// option) and refuses a payload length of 0; here every extension header,
// hop-by-hop included, is left to ip6Ext, and a payload length of 0 (a
// jumbogram, or a segmentation-offload packet as Linux BIG TCP captures
// it) means the payload is the rest of the record.
type ipv6 struct {
	layers.BaseLayer
	src, dst [16]byte
	next     layers.IPProtocol
	length   uint16
}

func (ip *ipv6) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 40 {
		df.SetTruncated()
		return errIPv6Truncated
	}
	if data[0]>>4 != 6 {
		return errBadVersion
	}
	ip.length = binary.BigEndian.Uint16(data[4:6])
	ip.next = layers.IPProtocol(data[6])
	ip.src, ip.dst = [16]byte(data[8:24]), [16]byte(data[24:40])
	payload := data[40:]
	if n := int(ip.length); n != 0 && n < len(payload) {
		payload = payload[:n] // drop link-layer padding
	} else if n > len(payload) {
		df.SetTruncated()
	}
	ip.BaseLayer = layers.BaseLayer{Contents: data[:40], Payload: payload}
	return nil
}

func (ip *ipv6) CanDecode() gopacket.LayerClass { return layers.LayerTypeIPv6 }

// NextLayerType is limited to the layers of this package (see upper).
func (ip *ipv6) NextLayerType() gopacket.LayerType { return upper(uint8(ip.next)) }

var (
	errIPv6Truncated = errors.New("capture: IPv6 header truncated")
	errExtTruncated  = errors.New("capture: IPv6 extension header truncated")
)

// ip6Ext decodes an IPv6 hop-by-hop, routing or destination
// options header, or (ah set) an authentication header, without looking at
// the options, so it never allocates.
type ip6Ext struct {
	layers.BaseLayer
	ah   bool
	next layers.IPProtocol
}

func (e *ip6Ext) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	proto := layers.IPProtocolIPv6Destination
	if e.ah {
		proto = layers.IPProtocolAH
	}
	next, l, ok := extLen(uint8(proto), data)
	if !ok {
		df.SetTruncated()
		return errExtTruncated
	}
	e.next = layers.IPProtocol(next)
	e.BaseLayer = layers.BaseLayer{Contents: data[:l], Payload: data[l:]}
	return nil
}

func (e *ip6Ext) CanDecode() gopacket.LayerClass {
	if e.ah {
		return ahClass
	}
	return extClass
}

func (e *ip6Ext) NextLayerType() gopacket.LayerType { return upper(uint8(e.next)) }

// ip6Frag decodes the IPv6 fragment header. Decoding continues into the
// transport header only for the first fragment.
type ip6Frag struct {
	layers.BaseLayer
	next   layers.IPProtocol
	offset uint16
	more   bool
	id     uint32
}

func (f *ip6Frag) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 8 {
		df.SetTruncated()
		return errExtTruncated
	}
	f.next = layers.IPProtocol(data[0])
	fo := binary.BigEndian.Uint16(data[2:4])
	f.offset = fo &^ 7
	f.more = fo&1 != 0
	f.id = binary.BigEndian.Uint32(data[4:8])
	f.BaseLayer = layers.BaseLayer{Contents: data[:8], Payload: data[8:]}
	return nil
}

func (f *ip6Frag) CanDecode() gopacket.LayerClass { return layers.LayerTypeIPv6Fragment }

func (f *ip6Frag) NextLayerType() gopacket.LayerType {
	if f.offset != 0 {
		return gopacket.LayerTypeFragment
	}
	return upper(uint8(f.next))
}
