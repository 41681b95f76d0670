package fuzz

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/sgsim/capture"
)

// FuzzCapture feeds arbitrary bytes to capture.NewReader and calls Next
// until it returns an error. It must never panic, and must stop: each
// call consumes input, so the number of calls is bounded by the input
// length (checked with a generous iteration cap).
func FuzzCapture(f *testing.F) {
	// Everything is local so that the other fuzz files of this package
	// cannot clash with these helper names.
	frame := func(ls ...gopacket.SerializableLayer) []byte {
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
			f.Fatal(err)
		}
		return append([]byte(nil), buf.Bytes()...)
	}
	eth := func(et layers.EthernetType) *layers.Ethernet {
		return &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: et}
	}
	ip4 := func(p layers.IPProtocol) *layers.IPv4 {
		return &layers.IPv4{Version: 4, TTL: 64, Protocol: p, Id: 9, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}
	}
	ip6 := func(p layers.IPProtocol) *layers.IPv6 {
		return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: p, SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
	}
	pcap := func(link layers.LinkType, frames ...[]byte) []byte {
		var b bytes.Buffer
		w := pcapgo.NewWriter(&b)
		if err := w.WriteFileHeader(65535, link); err != nil {
			f.Fatal(err)
		}
		for i, fr := range frames {
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(int64(i), 0), CaptureLength: len(fr), Length: len(fr)}
			if err := w.WritePacket(ci, fr); err != nil {
				f.Fatal(err)
			}
		}
		return b.Bytes()
	}
	pcapng := func(link layers.LinkType, frames ...[]byte) []byte {
		var b bytes.Buffer
		w, err := pcapgo.NewNgWriter(&b, link)
		if err != nil {
			f.Fatal(err)
		}
		for i, fr := range frames {
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(int64(i), 0), CaptureLength: len(fr), Length: len(fr)}
			if err := w.WritePacket(ci, fr); err != nil {
				f.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			f.Fatal(err)
		}
		return b.Bytes()
	}
	tcpSYN := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP), &layers.TCP{SrcPort: 1, DstPort: 2, SYN: true})
	udp6 := frame(eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolUDP), &layers.UDP{SrcPort: 53, DstPort: 53}, gopacket.Payload("abcd"))

	// Well-formed pcap, Ethernet: IPv4 TCP SYN and IPv6 UDP.
	f.Add(pcap(layers.LinkTypeEthernet, tcpSYN, udp6))
	// Well-formed pcapng, Ethernet: the same two packets.
	f.Add(pcapng(layers.LinkTypeEthernet, tcpSYN, udp6))
	// VLAN-tagged IPv4 UDP carrying VXLAN with an inner TCP packet.
	f.Add(pcap(layers.LinkTypeEthernet, frame(eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 5, Type: layers.EthernetTypeIPv4},
		ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 9, DstPort: 4789}, gopacket.Payload{8, 0, 0, 0, 0, 0, 7, 0}, gopacket.Payload(tcpSYN))))
	// Geneve with one option word pair carrying an inner IPv6 UDP frame.
	f.Add(pcap(layers.LinkTypeEthernet, frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 9, DstPort: 6081},
		gopacket.Payload{2, 0, 0x65, 0x58, 0, 0, 1, 0, 1, 2, 3, 1, 0, 0, 0, 0}, gopacket.Payload(udp6))))
	// ICMP port unreachable quoting an IPv4 UDP header.
	f.Add(pcap(layers.LinkTypeEthernet, frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(frame(ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 1, DstPort: 2})))))
	// IPv6 with hop-by-hop and a first fragment header, then UDP.
	f.Add(pcap(layers.LinkTypeRaw, frame(ip6(layers.IPProtocolIPv6HopByHop), gopacket.Payload{44, 0, 1, 4, 0, 0, 0, 0},
		gopacket.Payload{17, 0, 0, 1, 0, 0, 0, 5}, &layers.UDP{SrcPort: 1, DstPort: 2})))
	// BSD loopback (null) link type with an IPv4 UDP packet.
	f.Add(pcap(layers.LinkTypeNull, append([]byte{2, 0, 0, 0}, frame(ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 1, DstPort: 2})...)))
	// Linux cooked v1 header, IPv4 TCP.
	f.Add(pcap(layers.LinkTypeLinuxSLL, append([]byte{0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0}, tcpSYN[14:]...)))
	// Malformed: IPv4 header cut after 10 bytes.
	f.Add(pcap(layers.LinkTypeEthernet, tcpSYN[:24]))
	// Malformed: IPv4 header length nibble 15 with a 20-byte packet.
	f.Add(pcap(layers.LinkTypeEthernet, append(append(append([]byte(nil), tcpSYN[:14]...), 0x4f), tcpSYN[15:]...)))
	// Malformed: pcap record claiming 4 GiB of captured data.
	f.Add(append(pcap(layers.LinkTypeEthernet), 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	// Malformed: pcapng whose file ends inside the second packet block.
	ng := pcapng(layers.LinkTypeEthernet, tcpSYN, udp6)
	f.Add(ng[:len(ng)-7])
	// Malformed: pcapng interface with an absurd timestamp resolution (2^-127).
	f.Add([]byte{
		0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
		1, 0, 0, 0, 28, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 0xff, 0, 0, 0, 28, 0, 0, 0,
	})
	// Not a capture at all.
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var p capture.Packet
		// Each Next consumes at least 8 bytes of input (a record or block
		// header), so len(data) calls are more than enough.
		limit := len(data) + 2
		delivered, lastN := 0, 0
		for i := 0; ; i++ {
			if i > limit {
				t.Fatalf("Next did not stop after %d calls on %d bytes", i, len(data))
			}
			if err = r.Next(&p); err != nil {
				break
			}
			if p.N <= lastN || p.CapLen > len(data) {
				t.Fatalf("implausible packet N=%d after N=%d, CapLen=%d", p.N, lastN, p.CapLen)
			}
			delivered, lastN = delivered+1, p.N
		}
		if again := r.Next(&p); again != err {
			t.Fatalf("Next after %v returned %v; the error must stick", err, again)
		}
		// Nothing is dropped silently: every record number up to the last
		// one is either delivered or counted as skipped, and the counts
		// name packets that exist.
		skipped := 0
		for _, sk := range r.Skipped() {
			if sk.Count < 1 || sk.FirstPacket < 1 || sk.Reason.String() == "" {
				t.Fatalf("bad Skip %+v", sk)
			}
			skipped += sk.Count
		}
		total := delivered + skipped
		if lastN > total {
			t.Fatalf("packet N=%d delivered, but only %d delivered + %d skipped records", lastN, delivered, skipped)
		}
		for _, sk := range r.Skipped() {
			if sk.FirstPacket > total {
				t.Fatalf("Skip %+v names a record beyond the %d read", sk, total)
			}
		}
		for _, fl := range r.Flagged() {
			if fl.Count < 1 || fl.Count > delivered || fl.FirstPacket < 1 || fl.FirstPacket > total {
				t.Fatalf("bad Flagged %+v with %d delivered of %d", fl, delivered, total)
			}
		}
	})
}
