package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Tiny constructors for test packets. Lengths are fixed by gopacket;
// checksums are left zero (the Reader does not verify them).

var (
	macA = net.HardwareAddr{2, 0, 0, 0, 0, 1}
	macB = net.HardwareAddr{2, 0, 0, 0, 0, 2}
	t0   = time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func ser(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatalf("SerializeLayers: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func eth(et layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: et}
}

func vlan(id uint16, et layers.EthernetType) *layers.Dot1Q {
	return &layers.Dot1Q{VLANIdentifier: id, Type: et}
}

func ip4(src, dst string, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, Id: 0x1234,
		SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
}

func ip6(src, dst string, next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next,
		SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
}

func tcp(sp, dp uint16, syn, ack bool) *layers.TCP {
	return &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), SYN: syn, ACK: ack, Window: 1024}
}

func udp(sp, dp uint16) *layers.UDP {
	return &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
}

func payload(n int) gopacket.Payload { return bytes.Repeat([]byte{0xab}, n) }

// vxlanHdr is a VXLAN header with the I flag and the given VNI.
func vxlanHdr(vni uint32) gopacket.Payload {
	return gopacket.Payload{0x08, 0, 0, 0, byte(vni >> 16), byte(vni >> 8), byte(vni), 0}
}

// geneveHdr is a Geneve header with one 8-byte option (optlen 2 words).
func geneveHdr(vni uint32, proto uint16) gopacket.Payload {
	return gopacket.Payload{0x02, 0, byte(proto >> 8), byte(proto), byte(vni >> 16), byte(vni >> 8), byte(vni), 0,
		0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef}
}

// sll is a Linux cooked v1 header for an outgoing packet of protocol et.
func sll(et layers.EthernetType) gopacket.Payload {
	b := make([]byte, 16)
	binary.BigEndian.PutUint16(b[0:], 4) // outgoing
	binary.BigEndian.PutUint16(b[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(b[4:], 6)
	copy(b[6:], macA)
	binary.BigEndian.PutUint16(b[14:], uint16(et))
	return b
}

// sll2 is a Linux cooked v2 header for an incoming packet of protocol et.
func sll2(et layers.EthernetType) gopacket.Payload {
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b[0:], uint16(et))
	binary.BigEndian.PutUint32(b[4:], 3) // ifindex
	binary.BigEndian.PutUint16(b[8:], 1) // ARPHRD_ETHER
	b[10] = 0                            // to us
	b[11] = 6
	copy(b[12:], macA)
	return b
}

// loop is a BSD loopback header: the address family in host (little)
// endian byte order, or big endian for LINKTYPE_LOOP.
func loop(family uint32, big bool) gopacket.Payload {
	b := make([]byte, 4)
	if big {
		binary.BigEndian.PutUint32(b, family)
	} else {
		binary.LittleEndian.PutUint32(b, family)
	}
	return b
}

// ext6 is an IPv6 extension header (hop-by-hop, routing or destination
// options) of 8 bytes with a PadN option filling it.
func ext6(next layers.IPProtocol) gopacket.Payload {
	return gopacket.Payload{byte(next), 0, 1, 4, 0, 0, 0, 0}
}

// ah is an IPsec authentication header (RFC 4302) with a 12-byte ICV:
// 24 bytes, so its payload length field is 24/4-2 = 4.
func ah(next layers.IPProtocol) gopacket.Payload {
	b := make([]byte, 24)
	b[0], b[1] = byte(next), 4
	binary.BigEndian.PutUint32(b[4:], 0x1000) // SPI
	binary.BigEndian.PutUint32(b[8:], 1)      // sequence number
	return b
}

// frag6 is an IPv6 fragment header.
func frag6(next layers.IPProtocol, offset uint16, more bool, id uint32) gopacket.Payload {
	b := make([]byte, 8)
	b[0] = byte(next)
	fo := offset &^ 7
	if more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(b[2:], fo)
	binary.BigEndian.PutUint32(b[4:], id)
	return b
}

// rec is one record to write: its bytes and, if non-zero, a wire length
// larger than the bytes (a snap-length cut).
type rec struct {
	data    []byte
	wireLen int
}

func ci(i int, r rec) gopacket.CaptureInfo {
	n := len(r.data)
	if r.wireLen > n {
		n = r.wireLen
	}
	return gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Second), CaptureLength: len(r.data), Length: n}
}

// pcapFile writes a classic pcap (little endian, microseconds or
// nanoseconds) with pcapgo's Writer.
// Link types above 255 (SLL2) do not fit gopacket's uint8 LinkType and are
// patched into the header afterwards.
func pcapFile(t testing.TB, link uint32, nano bool, recs ...rec) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if nano {
		w = pcapgo.NewWriterNanos(&buf)
	}
	if err := w.WriteFileHeader(65536, layers.LinkType(link)); err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if err := w.WritePacket(ci(i, r), r.data); err != nil {
			t.Fatal(err)
		}
	}
	b := buf.Bytes()
	binary.LittleEndian.PutUint32(b[20:24], link)
	return b
}

// ngFile writes a pcapng with pcapgo's NgWriter, one interface.
func ngFile(t testing.TB, link uint32, recs ...rec) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkType(link))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if err := w.WritePacket(ci(i, r), r.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	idb := binary.LittleEndian.Uint32(b[4:8]) // the IDB follows the section header
	if binary.LittleEndian.Uint32(b[idb:]) != 1 {
		t.Fatal("pcapng: no interface block after the section header")
	}
	binary.LittleEndian.PutUint16(b[idb+8:], uint16(link))
	return b
}

// bigEndian rewrites a little-endian microsecond pcap as big endian.
func bigEndian(le []byte) []byte {
	be := append([]byte(nil), le...)
	swap := func(b []byte) {
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
	}
	swap(be[0:4])
	swap(be[4:6])
	swap(be[6:8])
	for i := 8; i < 24; i += 4 {
		swap(be[i : i+4])
	}
	for off := 24; off+16 <= len(be); {
		incl := int(binary.LittleEndian.Uint32(le[off+8:]))
		for i := 0; i < 16; i += 4 {
			swap(be[off+i : off+i+4])
		}
		off += 16 + incl
	}
	return be
}

// decodeAll reads a capture held in memory to io.EOF.
func decodeAll(t testing.TB, file []byte) ([]Packet, *Reader) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var out []Packet
	for i := 0; i < 10000; i++ {
		var p Packet
		err := r.Next(&p)
		if errors.Is(err, io.EOF) {
			return out, r
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, p)
	}
	t.Fatal("no io.EOF")
	return nil, nil
}

var cmpAddr = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
