package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// hdr is the expected Header of a packet with ports (or none, for 0, 0).
func hdr(proto uint8, src, dst string, sp, dp uint16) Header {
	return Header{Proto: proto, Src: addr(src), Dst: addr(dst), SrcPort: sp, DstPort: dp}
}

func with(h Header, f func(*Header)) Header { f(&h); return h }

// decodeCase is one packet whose decoded fields are known by construction.
type decodeCase struct {
	name  string
	link  uint32
	frame func(t testing.TB) []byte
	want  Header
	inner Inner
}

func decodeCases() []decodeCase {
	const (
		a4, b4 = "192.0.2.1", "198.51.100.2"
		a6, b6 = "2001:db8::1", "2001:db8::2"
	)
	tcp4 := func(t testing.TB) []byte {
		return ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolTCP), tcp(40000, 443, true, false))
	}
	syn := with(hdr(6, a4, b4, 40000, 443), func(h *Header) { h.TCPFlags = FlagSYN })
	return []decodeCase{
		{"ethernet/ipv4/tcp", LinkEthernet, tcp4, syn, Inner{}},
		{"ethernet/ipv6/udp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolUDP), udp(5353, 53), payload(12))
		}, hdr(17, a6, b6, 5353, 53), Inner{}},
		{"ethernet/vlan/ipv4/udp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeDot1Q), vlan(100, layers.EthernetTypeIPv4),
				ip4(a4, b4, layers.IPProtocolUDP), udp(1000, 2000), payload(4))
		}, hdr(17, a4, b4, 1000, 2000), Inner{}},
		{"ethernet/qinq/ipv4/tcp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeQinQ), vlan(10, layers.EthernetTypeDot1Q), vlan(20, layers.EthernetTypeIPv4),
				ip4(a4, b4, layers.IPProtocolTCP), tcp(1, 2, true, true))
		}, with(hdr(6, a4, b4, 1, 2), func(h *Header) { h.TCPFlags = FlagSYN | FlagACK }), Inner{}},
		{"sll/ipv4/tcp", LinkSLL, func(t testing.TB) []byte {
			return ser(t, sll(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolTCP), &layers.TCP{SrcPort: 22, DstPort: 5000, FIN: true, ACK: true})
		}, with(hdr(6, a4, b4, 22, 5000), func(h *Header) { h.TCPFlags = FlagFIN | FlagACK }), Inner{}},
		{"sll/vlan/ipv6/udp", LinkSLL, func(t testing.TB) []byte {
			return ser(t, sll(layers.EthernetTypeDot1Q), vlan(7, layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolUDP), udp(1, 2))
		}, hdr(17, a6, b6, 1, 2), Inner{}},
		{"sll2/ipv6/tcp", LinkSLL2, func(t testing.TB) []byte {
			return ser(t, sll2(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolTCP), &layers.TCP{SrcPort: 80, DstPort: 6000, RST: true})
		}, with(hdr(6, a6, b6, 80, 6000), func(h *Header) { h.TCPFlags = FlagRST }), Inner{}},
		{"raw101/ipv4/udp", LinkRaw, func(t testing.TB) []byte {
			return ser(t, ip4(a4, b4, layers.IPProtocolUDP), udp(123, 123), payload(48))
		}, hdr(17, a4, b4, 123, 123), Inner{}},
		{"raw101/ipv6/tcp", LinkRaw, func(t testing.TB) []byte {
			return ser(t, ip6(a6, b6, layers.IPProtocolTCP), tcp(3, 4, false, true))
		}, with(hdr(6, a6, b6, 3, 4), func(h *Header) { h.TCPFlags = FlagACK }), Inner{}},
		{"dlt12/ipv6/udp", 12, func(t testing.TB) []byte {
			return ser(t, ip6(a6, b6, layers.IPProtocolUDP), udp(9, 10))
		}, hdr(17, a6, b6, 9, 10), Inner{}},
		{"ipv4-linktype/udp", LinkIPv4, func(t testing.TB) []byte {
			return ser(t, ip4(a4, b4, layers.IPProtocolUDP), udp(9, 10))
		}, hdr(17, a4, b4, 9, 10), Inner{}},
		{"null/ipv4/udp", LinkNull, func(t testing.TB) []byte {
			return ser(t, loop(2, false), ip4(a4, b4, layers.IPProtocolUDP), udp(67, 68))
		}, hdr(17, a4, b4, 67, 68), Inner{}},
		{"null/ipv6-darwin/tcp", LinkNull, func(t testing.TB) []byte {
			return ser(t, loop(30, false), ip6(a6, b6, layers.IPProtocolTCP), tcp(7, 8, true, false))
		}, with(hdr(6, a6, b6, 7, 8), func(h *Header) { h.TCPFlags = FlagSYN }), Inner{}},
		{"loop108/ipv6-openbsd/udp", LinkLoop, func(t testing.TB) []byte {
			return ser(t, loop(24, true), ip6(a6, b6, layers.IPProtocolUDP), udp(7, 8))
		}, hdr(17, a6, b6, 7, 8), Inner{}},
		{"icmp echo request", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 0xbeef, Seq: 1}, payload(8))
		}, with(hdr(1, a4, b4, 0, 0), func(h *Header) { h.ICMPType, h.ICMPID = 8, 0xbeef }), Inner{}},
		{"icmpv6 echo reply", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolICMPv6),
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(129, 0)}, gopacket.Payload{0x12, 0x34, 0, 1})
		}, with(hdr(58, a6, b6, 0, 0), func(h *Header) { h.ICMPType, h.ICMPID = 129, 0x1234 }), Inner{}},
		{"sctp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolSCTP),
				&layers.SCTP{SrcPort: 2905, DstPort: 2906, VerificationTag: 1})
		}, hdr(132, a4, b4, 2905, 2906), Inner{}},
		{"ipv4 other protocol (GRE)", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolGRE), payload(24))
		}, hdr(47, a4, b4, 0, 0), Inner{}},
		{"ipv4-in-ipv4 keeps outer addresses", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolIPv4),
				ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), udp(1, 2))
		}, hdr(4, a4, b4, 0, 0), Inner{}},
		{"ipv6 hop-by-hop, destination, atomic fragment, udp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolIPv6HopByHop),
				ext6(layers.IPProtocolIPv6Destination), ext6(layers.IPProtocolIPv6Fragment),
				frag6(layers.IPProtocolUDP, 0, false, 77), udp(4000, 4001), payload(3))
		}, with(hdr(17, a6, b6, 4000, 4001), func(h *Header) { h.Frag = Frag{Fragment: true, ID: 77} }), Inner{}},
		{"ipv4 total length 0 (segmentation offload)", LinkRaw, func(t testing.TB) []byte {
			b := ser(t, ip4(a4, b4, layers.IPProtocolUDP), udp(5000, 6000), payload(100))
			b[2], b[3] = 0, 0
			return b
		}, hdr(17, a4, b4, 5000, 6000), Inner{}},
		{"ipv6 payload length 0 (segmentation offload, Linux BIG TCP)", LinkRaw, func(t testing.TB) []byte {
			b := ser(t, ip6(a6, b6, layers.IPProtocolTCP), tcp(5000, 6000, false, true), payload(100))
			b[4], b[5] = 0, 0
			return b
		}, with(hdr(6, a6, b6, 5000, 6000), func(h *Header) { h.TCPFlags = FlagACK }), Inner{}},
		{"ipv6 jumbogram", LinkRaw, func(t testing.TB) []byte {
			// RFC 2675: payload length 0 and a hop-by-hop jumbo payload
			// option (type 0xc2) holding the length from the hop-by-hop
			// header on.
			const n = 8 + 8 + 70000
			hbh := gopacket.Payload{byte(layers.IPProtocolUDP), 0, 0xc2, 4, 0, 0, 0, 0}
			binary.BigEndian.PutUint32(hbh[4:], n)
			b := ser(t, ip6(a6, b6, layers.IPProtocolIPv6HopByHop), hbh, udp(9000, 9001))
			b = append(b, make([]byte, n-16)...)
			b[4], b[5] = 0, 0
			return b
		}, hdr(17, a6, b6, 9000, 9001), Inner{}},
		{"ipv4 authentication header, tcp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolAH), ah(layers.IPProtocolTCP), tcp(22, 40000, false, true))
		}, with(hdr(6, a4, b4, 22, 40000), func(h *Header) { h.TCPFlags = FlagACK }), Inner{}},
		{"ipv6 destination options, authentication header, udp", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolIPv6Destination), ext6(layers.IPProtocolAH),
				ah(layers.IPProtocolUDP), udp(500, 4500))
		}, hdr(17, a6, b6, 500, 4500), Inner{}},
		{"ipv6 routing header then OSPF (protocol only)", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolIPv6Routing),
				ext6(89), payload(20))
		}, hdr(89, a6, b6, 0, 0), Inner{}},
		{"icmp port unreachable quoting udp", LinkEthernet, func(t testing.TB) []byte {
			quoted := ser(t, ip4(b4, "203.0.113.9", layers.IPProtocolUDP), udp(33434, 53))
			return ser(t, eth(layers.EthernetTypeIPv4), ip4("203.0.113.9", b4, layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(quoted))
		}, with(hdr(1, "203.0.113.9", b4, 0, 0), func(h *Header) {
			h.ICMPType, h.ICMPCode = 3, 3
			h.Quoted = Quoted{Present: true, Proto: 17, Src: addr(b4), Dst: addr("203.0.113.9"), SrcPort: 33434, DstPort: 53}
		}), Inner{}},
		{"icmp time exceeded quoting an echo request", LinkEthernet, func(t testing.TB) []byte {
			quoted := ser(t, ip4(b4, "203.0.113.9", layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 0x1234, Seq: 1})
			return ser(t, eth(layers.EthernetTypeIPv4), ip4("198.51.100.1", b4, layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(11, 0)}, gopacket.Payload(quoted))
		}, with(hdr(1, "198.51.100.1", b4, 0, 0), func(h *Header) {
			h.ICMPType = 11
			h.Quoted = Quoted{Present: true, Proto: 1, Src: addr(b4), Dst: addr("203.0.113.9"), Echo: true, ICMPType: 8, ICMPID: 0x1234}
		}), Inner{}},
		{"icmpv6 packet too big quoting tcp (cut)", LinkEthernet, func(t testing.TB) []byte {
			quoted := ser(t, ip6(a6, b6, layers.IPProtocolTCP), tcp(5555, 80, false, true))[:48]
			return ser(t, eth(layers.EthernetTypeIPv6), ip6("2001:db8::fe", a6, layers.IPProtocolICMPv6),
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(2, 0)}, gopacket.Payload{0, 0, 5, 0}, gopacket.Payload(quoted))
		}, with(hdr(58, "2001:db8::fe", a6, 0, 0), func(h *Header) {
			h.ICMPType = 2
			h.Quoted = Quoted{Present: true, Proto: 6, Src: addr(a6), Dst: addr(b6), SrcPort: 5555, DstPort: 80}
		}), Inner{}},
		{"vxlan", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4("10.1.1.1", "10.1.1.2", layers.IPProtocolUDP), udp(51000, 4789),
				vxlanHdr(0xabcdef), eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolTCP), tcp(40000, 443, true, false))
		}, hdr(17, "10.1.1.1", "10.1.1.2", 51000, 4789), Inner{Present: true, Tunnel: TunnelVXLAN, VNI: 0xabcdef, Header: syn}},
		{"geneve ethernet with option", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv4), ip4("10.1.1.1", "10.1.1.2", layers.IPProtocolUDP), udp(51000, 6081),
				geneveHdr(42, 0x6558), eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolUDP), udp(7, 9))
		}, hdr(17, "10.1.1.1", "10.1.1.2", 51000, 6081), Inner{Present: true, Tunnel: TunnelGeneve, VNI: 42, Header: hdr(17, a6, b6, 7, 9)}},
		{"geneve ipv4 over ipv6", LinkEthernet, func(t testing.TB) []byte {
			return ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolUDP), udp(6081, 6081),
				geneveHdr(7, 0x0800), ip4(a4, b4, layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(0, 0), Id: 5})
		}, hdr(17, a6, b6, 6081, 6081), Inner{Present: true, Tunnel: TunnelGeneve, VNI: 7,
			Header: with(hdr(1, a4, b4, 0, 0), func(h *Header) { h.ICMPID = 5 })}},
	}
}

// TestDecode writes each constructed packet as pcap, pcap with nanosecond
// timestamps, big-endian pcap and pcapng, and checks every decoded field.
func TestDecode(t *testing.T) {
	for _, tc := range decodeCases() {
		t.Run(tc.name, func(t *testing.T) {
			frame := tc.frame(t)
			files := map[string][]byte{
				"pcap":      pcapFile(t, tc.link, false, rec{data: frame}),
				"pcap-nano": pcapFile(t, tc.link, true, rec{data: frame}),
				"pcap-be":   bigEndian(pcapFile(t, tc.link, false, rec{data: frame})),
				"pcapng":    ngFile(t, tc.link, rec{data: frame}),
			}
			for format, file := range files {
				pkts, r := decodeAll(t, file)
				if len(pkts) != 1 {
					t.Fatalf("%s: %d packets, want 1; skipped %v", format, len(pkts), r.Skipped())
				}
				want := Packet{N: 1, Time: t0, Len: len(frame), CapLen: len(frame), Header: tc.want, Inner: tc.inner}
				if diff := cmp.Diff(want, pkts[0], cmpAddr); diff != "" {
					t.Errorf("%s: packet differs (-want +got):\n%s", format, diff)
				}
				if s, f := r.Skipped(), r.Flagged(); len(s)+len(f) != 0 {
					t.Errorf("%s: skipped %v flagged %v, want none", format, s, f)
				}
			}
		})
	}
}

// TestFragments: later fragments get the ports of their first fragment;
// a later fragment whose first was never seen has none and is counted.
func TestFragments(t *testing.T) {
	const a, b = "192.0.2.1", "198.51.100.2"
	first := ip4(a, b, layers.IPProtocolUDP)
	first.Flags, first.Id = layers.IPv4MoreFragments, 500
	mid := ip4(a, b, layers.IPProtocolUDP)
	mid.Flags, mid.Id, mid.FragOffset = layers.IPv4MoreFragments, 500, 2
	last := ip4(a, b, layers.IPProtocolUDP)
	last.Id, last.FragOffset = 500, 4
	orphan := ip4(a, b, layers.IPProtocolUDP)
	orphan.Id, orphan.FragOffset = 501, 4
	other := ip4(a, b, layers.IPProtocolGRE) // no ports expected, not counted
	other.Id, other.FragOffset = 502, 4

	e := func(ls ...gopacket.SerializableLayer) rec {
		return rec{data: ser(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4)}, ls...)...)}
	}
	e6 := func(off uint16, more bool) rec {
		ls := []gopacket.SerializableLayer{eth(layers.EthernetTypeIPv6), ip6("2001:db8::1", "2001:db8::2", layers.IPProtocolIPv6Fragment),
			frag6(layers.IPProtocolTCP, off, more, 0xdeadbeef)}
		if off == 0 {
			ls = append(ls, tcp(8080, 9090, false, true))
		} else {
			ls = append(ls, payload(16))
		}
		return rec{data: ser(t, ls...)}
	}
	file := pcapFile(t, LinkEthernet, false,
		e(first, udp(7000, 7001), payload(8)),
		e(mid, payload(16)),
		e(last, payload(5)),
		e(orphan, payload(5)),
		e(other, payload(8)),
		e6(0, true),
		e6(24, false),
	)
	pkts, r := decodeAll(t, file)
	ports := func(h Header) Header {
		h.TCPFlags, h.Quoted = 0, Quoted{}
		return h
	}
	want := []Header{
		with(hdr(17, a, b, 7000, 7001), func(h *Header) { h.Frag = Frag{Fragment: true, ID: 500, More: true} }),
		with(hdr(17, a, b, 7000, 7001), func(h *Header) { h.Frag = Frag{Fragment: true, ID: 500, Offset: 16, More: true, Resolved: true} }),
		with(hdr(17, a, b, 7000, 7001), func(h *Header) { h.Frag = Frag{Fragment: true, ID: 500, Offset: 32, Resolved: true} }),
		with(hdr(17, a, b, 0, 0), func(h *Header) { h.Frag = Frag{Fragment: true, ID: 501, Offset: 32} }),
		with(hdr(47, a, b, 0, 0), func(h *Header) { h.Frag = Frag{Fragment: true, ID: 502, Offset: 32} }),
		with(hdr(6, "2001:db8::1", "2001:db8::2", 8080, 9090), func(h *Header) {
			h.Frag = Frag{Fragment: true, ID: 0xdeadbeef, More: true}
		}),
		with(hdr(6, "2001:db8::1", "2001:db8::2", 8080, 9090), func(h *Header) {
			h.Frag = Frag{Fragment: true, ID: 0xdeadbeef, Offset: 24, Resolved: true}
		}),
	}
	if len(pkts) != len(want) {
		t.Fatalf("%d packets, want %d", len(pkts), len(want))
	}
	for i := range want {
		if diff := cmp.Diff(want[i], ports(pkts[i].Header), cmpAddr); diff != "" {
			t.Errorf("packet %d (-want +got):\n%s", i+1, diff)
		}
	}
	wantFlag := []Skip{{ReasonFragmentNoFirst, 1, 4}}
	if diff := cmp.Diff(wantFlag, r.Flagged()); diff != "" {
		t.Errorf("Flagged (-want +got):\n%s", diff)
	}
}

// TestFragmentTableBounded: the table keeps a bounded number of first
// fragments; a first fragment pushed out by many others no longer resolves
// (and is counted), one stored recently does.
func TestFragmentTableBounded(t *testing.T) {
	var recs []rec
	const n = 8 * fragSets * fragWays
	port := func(id int) uint16 { return uint16(10000 + id%4000) } // clear of 4789 and 6081
	for id := 0; id < n; id++ {
		f := ip4("192.0.2.1", "198.51.100.2", layers.IPProtocolUDP)
		f.Flags, f.Id = layers.IPv4MoreFragments, uint16(id)
		recs = append(recs, rec{data: ser(t, eth(layers.EthernetTypeIPv4), f, udp(port(id), 1), payload(8))})
	}
	later := func(id uint16) rec {
		f := ip4("192.0.2.1", "198.51.100.2", layers.IPProtocolUDP)
		f.Id, f.FragOffset = id, 2
		return rec{data: ser(t, eth(layers.EthernetTypeIPv4), f, payload(4))}
	}
	recs = append(recs, later(0), later(n-1))
	pkts, r := decodeAll(t, pcapFile(t, LinkEthernet, false, recs...))
	old, recent := pkts[n], pkts[n+1]
	if old.Frag.Resolved || old.SrcPort != 0 {
		t.Errorf("fragment of evicted id 0 resolved: %+v", old.Frag)
	}
	if !recent.Frag.Resolved || recent.SrcPort != port(n-1) {
		t.Errorf("fragment of recent id not resolved: %+v port %d", recent.Frag, recent.SrcPort)
	}
	if diff := cmp.Diff([]Skip{{ReasonFragmentNoFirst, 1, n + 1}}, r.Flagged()); diff != "" {
		t.Errorf("Flagged (-want +got):\n%s", diff)
	}
}

// TestMalformed: every kind of broken packet is skipped or flagged with
// the documented reason, and reading continues to the good packet after
// it. Decision on truncation: a packet whose IP header is intact is
// delivered (addresses, protocol, whatever transport bytes there are) with
// Truncated set when the capture cut it; one whose link or IP header is
// cut is skipped.
func TestMalformed(t *testing.T) {
	const a, b = "192.0.2.1", "198.51.100.2"
	good := ser(t, eth(layers.EthernetTypeIPv4), ip4(a, b, layers.IPProtocolUDP), udp(1, 2))
	tcpPkt := ser(t, eth(layers.EthernetTypeIPv4), ip4(a, b, layers.IPProtocolTCP), tcp(1000, 2000, true, false), payload(100))
	badIHL := append([]byte(nil), good...)
	badIHL[14] = 0x43
	v6in4 := append([]byte(nil), good...)
	v6in4[14] = 0x65
	shortTCP := ser(t, eth(layers.EthernetTypeIPv4), ip4(a, b, layers.IPProtocolTCP), payload(10)) // IP length says 30
	badQuote := ser(t, eth(layers.EthernetTypeIPv4), ip4(a, b, layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(11, 0)}, payload(12))
	arpInVXLAN := ser(t, eth(layers.EthernetTypeIPv4), ip4(a, b, layers.IPProtocolUDP), udp(1, 4789), vxlanHdr(9),
		eth(layers.EthernetTypeARP), payload(28))

	cases := []struct {
		name    string
		link    uint32
		r       rec
		skip    Reason // or 0
		flag    Reason // or 0
		wantHdr *Header
	}{
		{"ethernet cut", LinkEthernet, rec{data: good[:10], wireLen: len(good)}, ReasonTruncated, 0, nil},
		{"ethernet header only, ethertype ipv4", LinkEthernet, rec{data: good[:14], wireLen: len(good)}, ReasonTruncated, 0, nil},
		{"vlan tag only, ethertype ipv6", LinkEthernet, rec{data: ser(t, eth(layers.EthernetTypeDot1Q), vlan(1, layers.EthernetTypeIPv6))[:18], wireLen: 60}, ReasonTruncated, 0, nil},
		{"loopback header only, family inet", LinkNull, rec{data: loop(2, false)}, ReasonTruncated, 0, nil},
		{"ipv4 header cut", LinkEthernet, rec{data: good[:14+12], wireLen: len(good)}, ReasonTruncated, 0, nil},
		{"ipv6 header cut", LinkRaw, rec{data: ser(t, ip6("::1", "::2", 17), udp(1, 2))[:30], wireLen: 48}, ReasonTruncated, 0, nil},
		{"arp", LinkEthernet, rec{data: ser(t, eth(layers.EthernetTypeARP), payload(28))}, ReasonNotIP, 0, nil},
		{"802.3 llc", LinkEthernet, rec{data: ser(t, &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeLLC, Length: 30}, payload(30))}, ReasonNotIP, 0, nil},
		{"ipv4 ihl 3", LinkEthernet, rec{data: badIHL}, ReasonBadIP, 0, nil},
		{"version 6 in ethertype ipv4", LinkEthernet, rec{data: v6in4}, ReasonBadIP, 0, nil},
		{"raw version 5", LinkRaw, rec{data: []byte{0x50, 0, 0, 0}}, ReasonBadIP, 0, nil},
		{"loopback family garbage", LinkNull, rec{data: []byte{1, 2, 3, 4, 0x45}}, ReasonBadLink, 0, nil},
		{"loopback family 7", LinkNull, rec{data: append(loop(7, false), good[14:]...)}, ReasonNotIP, 0, nil},
		{"sll cut", LinkSLL, rec{data: make([]byte, 10)}, ReasonTruncated, 0, nil},
		{"sll2 arp", LinkSLL2, rec{data: ser(t, sll2(layers.EthernetTypeARP), payload(28))}, ReasonNotIP, 0, nil},
		{"tcp header cut by snaplen", LinkEthernet, rec{data: tcpPkt[:14+20+6], wireLen: len(tcpPkt)}, 0, ReasonTruncatedTransport,
			&Header{Proto: 6, Src: addr(a), Dst: addr(b), SrcPort: 1000, DstPort: 2000, Truncated: true}},
		{"tcp payload cut by snaplen", LinkEthernet, rec{data: tcpPkt[:14+20+20+4], wireLen: len(tcpPkt)}, 0, 0,
			&Header{Proto: 6, Src: addr(a), Dst: addr(b), SrcPort: 1000, DstPort: 2000, TCPFlags: FlagSYN, Truncated: true}},
		{"tcp shorter than its header", LinkEthernet, rec{data: shortTCP}, 0, ReasonBadTransport,
			&Header{Proto: 6, Src: addr(a), Dst: addr(b), SrcPort: 0xabab, DstPort: 0xabab}},
		{"icmp error quoting garbage", LinkEthernet, rec{data: badQuote}, 0, ReasonBadICMPQuote,
			&Header{Proto: 1, Src: addr(a), Dst: addr(b), ICMPType: 11}},
		{"arp inside vxlan", LinkEthernet, rec{data: arpInVXLAN}, 0, ReasonInnerNotDecoded,
			&Header{Proto: 17, Src: addr(a), Dst: addr(b), SrcPort: 1, DstPort: 4789}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pkts, r := decodeAll(t, pcapFile(t, tc.link, false, tc.r, rec{data: good}))
			wantN := 2
			if tc.skip != 0 {
				wantN = 1
			}
			if tc.link != LinkEthernet {
				wantN-- // the trailing good packet is Ethernet framed
			}
			if len(pkts) != wantN {
				t.Fatalf("%d packets, want %d; skipped %v", len(pkts), wantN, r.Skipped())
			}
			var wantSkip, wantFlag []Skip
			if tc.skip != 0 {
				wantSkip = []Skip{{tc.skip, 1, 1}}
			}
			if tc.flag != 0 {
				wantFlag = []Skip{{tc.flag, 1, 1}}
			}
			if tc.link != LinkEthernet {
				// The Ethernet frame read as this link type is
				// garbage; only check the first packet's reason.
				if got := r.Skipped(); tc.skip != 0 && (len(got) == 0 || got[0].FirstPacket != 1 || got[0].Reason != tc.skip) {
					t.Errorf("Skipped = %v, want first %v", got, wantSkip)
				}
				return
			}
			if diff := cmp.Diff(wantSkip, r.Skipped()); diff != "" {
				t.Errorf("Skipped (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantFlag, r.Flagged()); diff != "" {
				t.Errorf("Flagged (-want +got):\n%s", diff)
			}
			if tc.wantHdr != nil {
				if diff := cmp.Diff(*tc.wantHdr, pkts[0].Header, cmpAddr); diff != "" {
					t.Errorf("header (-want +got):\n%s", diff)
				}
			}
			if last := pkts[len(pkts)-1]; last.N != 2 || last.SrcPort != 1 {
				t.Errorf("good packet after the bad one: N=%d %+v", last.N, last.Header)
			}
		})
	}
}

// TestTruncatedFile: a file that stops inside a record ends with io.EOF
// and the partial record is counted.
func TestTruncatedFile(t *testing.T) {
	good := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.1", "192.0.2.2", layers.IPProtocolUDP), udp(1, 2))
	for name, file := range map[string][]byte{
		"pcap":   pcapFile(t, LinkEthernet, false, rec{data: good}, rec{data: good}),
		"pcapng": ngFile(t, LinkEthernet, rec{data: good}, rec{data: good}),
	} {
		pkts, r := decodeAll(t, file[:len(file)-5])
		if len(pkts) != 1 {
			t.Errorf("%s: %d packets, want 1", name, len(pkts))
		}
		if diff := cmp.Diff([]Skip{{ReasonTruncatedFile, 1, 2}}, r.Skipped()); diff != "" {
			t.Errorf("%s: Skipped (-want +got):\n%s", name, diff)
		}
	}
}

// TestPcapngBlockError: a corrupt pcapng block is an error that says
// where the block starts and after which packet record, and it sticks.
func TestPcapngBlockError(t *testing.T) {
	good := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.1", "192.0.2.2", layers.IPProtocolUDP), udp(1, 2))
	file := ngFile(t, LinkEthernet, rec{data: good}, rec{data: good})
	total := binary.LittleEndian.Uint32(file[len(file)-4:])
	at := len(file) - int(total)
	binary.LittleEndian.PutUint32(file[len(file)-4:], total+4) // trailing length disagrees
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var p Packet
	if err := r.Next(&p); err != nil || p.N != 1 {
		t.Fatalf("first packet: N=%d err=%v", p.N, err)
	}
	want := fmt.Sprintf("capture: pcapng block at byte %d (after packet 1): block type 0x6: length %d at start, %d at end", at, total, total+4)
	for i := 0; i < 2; i++ {
		if err := r.Next(&p); err == nil || err.Error() != want {
			t.Fatalf("call %d: err = %v\nwant %s", i+1, err, want)
		}
	}
}

// TestPcapRecordError: a classic pcap record claiming more than the
// record limit is a *FormatError naming its byte offset and the packet
// before it; the packets before it were delivered, and it sticks.
func TestPcapRecordError(t *testing.T) {
	good := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.1", "192.0.2.2", layers.IPProtocolUDP), udp(1, 2))
	file := pcapFile(t, LinkEthernet, false, rec{data: good}, rec{data: good}, rec{data: good})
	at := 24 + 2*(16+len(good)) // the third record
	binary.LittleEndian.PutUint32(file[at+8:], 0xffffffff)
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var p Packet
	for i := 1; i <= 2; i++ {
		if err := r.Next(&p); err != nil || p.N != i {
			t.Fatalf("packet %d: N=%d err=%v", i, p.N, err)
		}
	}
	if got := r.Offset(); got != int64(at) {
		t.Errorf("Offset before the bad record = %d, want %d", got, at)
	}
	want := fmt.Sprintf("capture: pcap record at byte %d (after packet 2): claims 4294967295 captured bytes, above the 1048576 limit: file corrupt", at)
	for i := 0; i < 2; i++ {
		err := r.Next(&p)
		var fe *FormatError
		if !errors.As(err, &fe) || err.Error() != want {
			t.Fatalf("call %d: err = %v\nwant %s", i+1, err, want)
		}
		if fe.Offset != int64(at) || fe.After != 2 {
			t.Errorf("FormatError Offset=%d After=%d, want %d, 2", fe.Offset, fe.After, at)
		}
	}
	if got := r.Offset(); got != int64(at) {
		t.Errorf("Offset after the error = %d, want %d", got, at)
	}
}

// TestBadTimestamp: a pcap record whose fraction of a second is out of
// range is delivered and flagged, with its packet number.
func TestBadTimestamp(t *testing.T) {
	good := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.1", "192.0.2.2", layers.IPProtocolUDP), udp(1, 2))
	for _, tc := range []struct {
		name string
		nano bool
		frac uint32
		flag bool
	}{
		{"micro 999999", false, 999999, false},
		{"micro 1000000", false, 1000000, true},
		{"micro max", false, 0xffffffff, true},
		{"nano 999999999", true, 999999999, false},
		{"nano 1000000000", true, 1000000000, true},
	} {
		file := pcapFile(t, LinkEthernet, tc.nano, rec{data: good}, rec{data: good}, rec{data: good})
		at := 24 + 1*(16+len(good)) // the second record
		binary.LittleEndian.PutUint32(file[at+4:], tc.frac)
		pkts, r := decodeAll(t, file)
		if len(pkts) != 3 {
			t.Fatalf("%s: %d packets, want 3 (a bad timestamp is delivered)", tc.name, len(pkts))
		}
		var want []Skip
		if tc.flag {
			want = []Skip{{ReasonBadTimestamp, 1, 2}}
		}
		if diff := cmp.Diff(want, r.Flagged()); diff != "" {
			t.Errorf("%s: Flagged (-want +got):\n%s", tc.name, diff)
		}
		unit := time.Microsecond
		if tc.nano {
			unit = time.Nanosecond
		}
		// The seconds field plus the fraction as written.
		if got, want := pkts[1].Time, t0.Add(time.Second).Truncate(time.Second).Add(time.Duration(tc.frac)*unit); !got.Equal(want) {
			t.Errorf("%s: Time = %v, want %v", tc.name, got, want)
		}
	}
}

// TestOpenErrors: unknown formats and link types are refused with an error
// naming what was found.
func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "capture: empty input: want a pcap or pcapng file"},
		{"two bytes", []byte{0xd4, 0xc3}, "capture: input ends after 2 bytes, inside the 4-byte file magic: want a pcap or pcapng file"},
		{"text", []byte("hello, world, this is not a capture"), "unknown file magic 68 65 6c 6c"},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}, "gzip"},
		{"pcap 802.11", pcapFile(t, 105, false), "unsupported link type 105"},
		{"pcapng 802.11", ngFile(t, 105), "unsupported link type 105"},
		{"pcap header cut", pcapFile(t, LinkEthernet, false)[:10], "unexpected EOF"},
		{"pcapng magic only", ngFile(t, LinkEthernet)[:4], "pcapng block at byte 0 (after packet 0): file ends inside the block"},
		{"pcapng section header cut", ngFile(t, LinkEthernet)[:20], "pcapng block at byte 0 (after packet 0): file ends inside the block"},
		{"pcapng section header lengths disagree", shbTrailer(ngFile(t, LinkEthernet)), "pcapng block at byte 0 (after packet 0): block type 0xa0d0d0a: length"},
	} {
		_, err := NewReader(bytes.NewReader(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// shbTrailer spoils the trailing length of a pcapng file's first block.
func shbTrailer(file []byte) []byte {
	total := binary.LittleEndian.Uint32(file[4:8])
	binary.LittleEndian.PutUint32(file[total-4:], total+4)
	return file
}

// TestTimestamps checks N, Time, Len and CapLen across formats, including
// nanosecond pcap and pcapng's microsecond default.
func TestTimestamps(t *testing.T) {
	frame := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.1", "192.0.2.2", layers.IPProtocolUDP), udp(1, 2), payload(30))
	recs := []rec{{data: frame}, {data: frame[:50], wireLen: len(frame)}}
	nanoT0 := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for name, file := range map[string][]byte{
		"pcap":   pcapFile(t, LinkEthernet, false, recs...),
		"pcapng": ngFile(t, LinkEthernet, recs...),
	} {
		pkts, _ := decodeAll(t, file)
		if len(pkts) != 2 {
			t.Fatalf("%s: %d packets", name, len(pkts))
		}
		for i, p := range pkts {
			if p.N != i+1 || !p.Time.Equal(t0.Add(time.Duration(i)*time.Second)) || p.Len != len(frame) || p.CapLen != len(recs[i].data) {
				t.Errorf("%s: packet %d: N=%d Time=%v Len=%d CapLen=%d", name, i, p.N, p.Time, p.Len, p.CapLen)
			}
		}
		if !pkts[1].Truncated || pkts[0].Truncated {
			t.Errorf("%s: Truncated = %v, %v; want false, true", name, pkts[0].Truncated, pkts[1].Truncated)
		}
	}
	// Nanosecond pcap keeps all nine digits.
	var buf bytes.Buffer
	w := pcapgo.NewWriterNanos(&buf)
	if err := w.WriteFileHeader(65536, LinkEthernet); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: nanoT0, CaptureLength: len(frame), Length: len(frame)}, frame); err != nil {
		t.Fatal(err)
	}
	pkts, _ := decodeAll(t, buf.Bytes())
	if !pkts[0].Time.Equal(nanoT0) {
		t.Errorf("nano pcap: Time = %v, want %v", pkts[0].Time, nanoT0)
	}
}

// TestNextAfterEOF: Next keeps returning io.EOF.
func TestNextAfterEOF(t *testing.T) {
	r, err := NewReader(bytes.NewReader(pcapFile(t, LinkEthernet, false)))
	if err != nil {
		t.Fatal(err)
	}
	var p Packet
	for i := 0; i < 3; i++ {
		if err := r.Next(&p); !errors.Is(err, io.EOF) {
			t.Fatalf("Next = %v, want io.EOF", err)
		}
	}
}

func TestStrings(t *testing.T) {
	if got := (FlagSYN | FlagACK).String(); got != "SYN|ACK" {
		t.Errorf("flags String = %q", got)
	}
	if !(FlagSYN | FlagACK).SYN() || !(FlagSYN | FlagACK).ACK() || FlagSYN.FIN() || !FlagRST.RST() || !FlagFIN.FIN() {
		t.Error("flag accessors")
	}
	// Every documented reason has a name of its own; the gaps print as
	// numbers.
	defined := map[Reason]bool{}
	for _, r := range []Reason{ReasonTruncated, ReasonNotIP, ReasonBadLink, ReasonBadIP, ReasonUnsupportedLink,
		ReasonBadRecord, ReasonTruncatedFile, ReasonTruncatedTransport, ReasonBadTransport, ReasonBadICMPQuote,
		ReasonFragmentNoFirst, ReasonInnerNotDecoded, ReasonBadTimestamp} {
		defined[r] = true
	}
	seen := map[string]bool{}
	for r := Reason(0); r < numReasons; r++ {
		s := r.String()
		if numbered := s == "Reason("+strconv.Itoa(int(r))+")"; numbered == defined[r] {
			t.Errorf("Reason %d: String %q; defined %v", r, s, defined[r])
		}
		if seen[s] {
			t.Errorf("Reason %d: name %q used twice", r, s)
		}
		seen[s] = true
	}
	if ReasonTruncated.String() != "truncated" || Reason(99).String() != "Reason(99)" {
		t.Error("Reason.String")
	}
	if TunnelVXLAN.String() != "vxlan" || TunnelGeneve.String() != "geneve" {
		t.Error("Tunnel.String")
	}
}

// TestData: Data returns the record of the packet Next delivered, with
// its interface's link type, and nil at the end; Snaplen is the header's.
func TestData(t *testing.T) {
	a := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.1", "192.0.2.2", layers.IPProtocolUDP), udp(1, 2))
	b := ser(t, eth(layers.EthernetTypeIPv4), ip4("192.0.2.3", "192.0.2.4", layers.IPProtocolUDP), udp(3, 4), payload(7))
	arp := ser(t, eth(layers.EthernetTypeARP), payload(28))
	for name, file := range map[string][]byte{
		"pcap":   pcapFile(t, LinkEthernet, false, rec{data: a}, rec{data: arp}, rec{data: b[:40], wireLen: len(b)}),
		"pcapng": ngFile(t, LinkEthernet, rec{data: a}, rec{data: arp}, rec{data: b[:40], wireLen: len(b)}),
	} {
		r, err := NewReader(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Snaplen(); got != 65536 && name == "pcap" {
			t.Errorf("%s: Snaplen = %d, want 65536", name, got)
		}
		var p Packet
		for _, want := range [][]byte{a, b[:40]} { // the ARP record is skipped
			if err := r.Next(&p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			data, link := r.Data()
			if !bytes.Equal(data, want) || link != LinkEthernet {
				t.Errorf("%s: packet %d: Data = %x, %d; want %x, %d", name, p.N, data, link, want, LinkEthernet)
			}
		}
		if err := r.Next(&p); err != io.EOF {
			t.Fatalf("%s: Next = %v, want io.EOF", name, err)
		}
		if data, _ := r.Data(); data != nil {
			t.Errorf("%s: Data after io.EOF = %x, want nil", name, data)
		}
	}
}
