package fuzz

import (
	"bytes"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// FuzzReplay feeds arbitrary bytes through capture.NewReader and a
// replay.Replayer (with short timeouts, so expiry and sweeps happen), then
// writes the report in both forms and re-reads the capture for the
// dropped-packet pcap. Nothing may panic, and the replay must account for
// every packet the reader delivered.
func FuzzReplay(f *testing.F) {
	// Everything is local so that the other fuzz files of this package
	// cannot clash with these helper names.
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Alibaba, // stateless ACLs: the reply hops run too
		Groups: []sgsim.Group{
			{ID: "node", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any priority 1"),
				sgsim.MustParseRule("ingress allow udp 4789 priority 1")}},
			{ID: "pod", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any priority 1"),
				sgsim.MustParseRule("ingress allow tcp 2 priority 1")}},
		},
		ACLs: []sgsim.Group{{ID: "acl", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow any from 192.0.2.0/24 priority 1"),
			sgsim.MustParseRule("egress allow any to 192.0.2.0/24 priority 1")}}},
		Subnets: []sgsim.Subnet{
			{Name: "a", Prefix: netip.MustParsePrefix("192.0.2.0/25"), ACL: "acl"},
			{Name: "b", Prefix: netip.MustParsePrefix("192.0.2.128/25"), ACL: "acl"},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "n1", Addrs: sgsim.MustParseAddrs("192.0.2.1"), Subnet: "a", Groups: []string{"node"}},
			{Name: "n2", Addrs: sgsim.MustParseAddrs("192.0.2.130"), Subnet: "b", Groups: []string{"node"}},
			{Name: "pods", Addrs: sgsim.MustParseAddrs("2001:db8::/64"), Groups: []string{"pod"}},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
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
	ip4 := func(p layers.IPProtocol, src, dst byte) *layers.IPv4 {
		return &layers.IPv4{Version: 4, TTL: 64, Protocol: p, SrcIP: net.IP{192, 0, 2, src}, DstIP: net.IP{192, 0, 2, dst}}
	}
	ip6 := func(p layers.IPProtocol) *layers.IPv6 {
		return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: p, SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
	}
	type rec struct {
		at   int64 // seconds
		data []byte
	}
	pcap := func(rs ...rec) []byte {
		var b bytes.Buffer
		w := pcapgo.NewWriter(&b)
		if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
			f.Fatal(err)
		}
		for _, r := range rs {
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(r.at, 0), CaptureLength: len(r.data), Length: len(r.data)}
			if err := w.WritePacket(ci, r.data); err != nil {
				f.Fatal(err)
			}
		}
		return b.Bytes()
	}
	syn := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP, 1, 130), &layers.TCP{SrcPort: 40000, DstPort: 22, SYN: true})
	synack := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP, 130, 1), &layers.TCP{SrcPort: 22, DstPort: 40000, SYN: true, ACK: true})
	rst := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP, 130, 1), &layers.TCP{SrcPort: 22, DstPort: 40000, RST: true})
	udp := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP, 1, 130), &layers.UDP{SrcPort: 5000, DstPort: 53}, gopacket.Payload("q"))
	inner := frame(eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolTCP), &layers.TCP{SrcPort: 1, DstPort: 2, SYN: true})
	vxlan := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP, 1, 130), &layers.UDP{SrcPort: 9, DstPort: 4789},
		gopacket.Payload{8, 0, 0, 0, 0, 0, 7, 0}, gopacket.Payload(inner))
	unreach := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4, 130, 1),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(udp[14:42]))
	echo := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4, 1, 130), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 7})
	reply := frame(eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4, 130, 1), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(0, 0), Id: 7})

	// TCP handshake, a reset and a SYN reusing the ports.
	f.Add(pcap(rec{0, syn}, rec{0, synack}, rec{1, rst}, rec{2, syn}))
	// UDP with an ICMP error quoting it, then the same UDP after its timeout.
	f.Add(pcap(rec{0, udp}, rec{0, unreach}, rec{100, udp}))
	// VXLAN carrying IPv6 TCP, and an echo pair.
	f.Add(pcap(rec{0, vxlan}, rec{1, echo}, rec{1, reply}))
	// Timestamps going backwards.
	f.Add(pcap(rec{50, syn}, rec{10, synack}, rec{0, udp}, rec{60, udp}))
	// Mid-stream TCP: a SYN+ACK first.
	f.Add(pcap(rec{0, synack}))
	// Malformed: an IPv4 header cut after 10 bytes.
	f.Add(pcap(rec{0, syn[:24]}))
	// Not a capture at all.
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))

	short := replay.Timeouts{TCP: 5 * time.Second, UDP: time.Second, UDPStream: 3 * time.Second, ICMP: time.Second, Other: time.Second, OtherStream: 2 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		r := replay.New(n, replay.Config{Timeouts: short, RecordDropped: true})
		addErr := r.AddCapture(c) // a broken file structure is an error, not a panic
		rep := r.Report()
		cs := rep.Summary.Captures[0]
		if (addErr == nil) != (cs.Err == "") || addErr != nil && cs.Err != addErr.Error() {
			t.Fatalf("AddCapture returned %v; CaptureStats.Err = %q", addErr, cs.Err)
		}
		if cs.DroppedPackets > cs.Packets || len(cs.Dropped) != cs.DroppedPackets {
			t.Fatalf("%d packets, %d dropped, %d recorded", cs.Packets, cs.DroppedPackets, len(cs.Dropped))
		}
		var pk uint64
		for _, fl := range rep.Flows {
			pk += fl.FwdPackets + fl.RevPackets
			if fl.Initiator != replay.InitFlowLog && fl.FwdPackets+fl.RevPackets == 0 {
				t.Fatalf("flow %d has no packets", fl.ID)
			}
		}
		if pk < uint64(cs.Packets) || pk > 2*uint64(cs.Packets) {
			t.Fatalf("flows hold %d packets; the reader delivered %d (each counts on one flow, or two when tunnelled)", pk, cs.Packets)
		}
		if err := rep.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(io.Discard); err != nil {
			t.Fatal(err)
		}
		// pcapgo may refuse a file the capture package reads; what it
		// writes without an error is every dropped packet.
		if w, err := cs.WriteDropped(io.Discard, bytes.NewReader(data)); err == nil && w != len(cs.Dropped) {
			t.Fatalf("WriteDropped wrote %d packets without error; %d were dropped", w, len(cs.Dropped))
		}
	})
}
