package main

// The generator of testdata/cce-tunnel.pcap, the capture that the sgsim
// binary embeds. Regenerate it after changing this file with
//
//	go test ./examples/sgsim -run TestSampleCapture -update
//
// TestSampleCapture otherwise checks that the committed file is byte for
// byte what the generator writes, so the sample cannot drift from the
// description below (and from the expectations in main_test.go).
//
// The capture is what tcpdump on the NICs of a default CCE tunnel-network
// cluster (huawei.Cluster{Model: huawei.Tunnel}: nodes 192.168.0.0/24,
// masters 192.168.1.0/28, pods 172.16.0.0/16, ELB 192.168.2.0/28, DNS
// 100.125.1.250), merged into one file, would show over two minutes. It is
// made up: every packet is built here, deterministically.

import (
	"bytes"
	"encoding/binary"
	"flag"
	"net"
	"net/netip"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

var update = flag.Bool("update", false, "rewrite testdata/cce-tunnel.pcap from the generator")

// Addresses of the sample cluster.
var (
	node1   = netip.MustParseAddr("192.168.0.10")
	node2   = netip.MustParseAddr("192.168.0.11")
	node3   = netip.MustParseAddr("192.168.0.12")
	master1 = netip.MustParseAddr("192.168.1.2")
	master2 = netip.MustParseAddr("192.168.1.3")
	elb     = netip.MustParseAddr("192.168.2.5")
	dnsSrv  = netip.MustParseAddr("100.125.1.250") // the subnet's DNS server (profile default)
	ntpSrv  = netip.MustParseAddr("100.125.3.1")   // an NTP server in Huawei's 100.125.0.0/16 service range (example)
	swr     = netip.MustParseAddr("100.125.4.25")  // an image registry endpoint in the service range (example)
	outside = netip.MustParseAddr("203.0.113.80")  // a host on the internet (TEST-NET-3)
	pod1a   = netip.MustParseAddr("172.16.0.5")    // pods on node1 (172.16.0.0/24)
	pod1b   = netip.MustParseAddr("172.16.0.9")
	pod2a   = netip.MustParseAddr("172.16.1.7") // pods on node2 (172.16.1.0/24)
	coredns = netip.MustParseAddr("172.16.1.3") // a CoreDNS pod on node2, port 5353
)

// sampleStart is the first packet's time.
var sampleStart = time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)

// pkt is one frame to write.
type pkt struct {
	t    time.Time
	data []byte
}

// gen accumulates frames; sample sorts them by time.
type gen struct {
	pkts []pkt
	seq  uint32 // next initial sequence number
	ipID uint16
}

func mac(a netip.Addr) net.HardwareAddr {
	b := a.As4()
	return net.HardwareAddr{0xfa, 0x16, 0x3e, b[1], b[2], b[3]}
}

// gateway is the MAC of the VPC router, for off-subnet peers.
var gateway = net.HardwareAddr{0xfa, 0x16, 0x3e, 0xff, 0xff, 0x01}

func hwFor(a netip.Addr) net.HardwareAddr {
	if netip.MustParsePrefix("192.168.0.0/16").Contains(a) {
		return mac(a)
	}
	return gateway
}

func (g *gen) serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// ipLayers returns the Ethernet and IPv4 layers of a packet src -> dst.
func (g *gen) ipLayers(src, dst netip.Addr, proto layers.IPProtocol) (*layers.Ethernet, *layers.IPv4) {
	g.ipID++
	eth := &layers.Ethernet{SrcMAC: hwFor(src), DstMAC: hwFor(dst), EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Id: g.ipID, Flags: layers.IPv4DontFragment, Protocol: proto,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	return eth, ip
}

// tcpLayers returns the layers of one TCP segment (Ethernet, IPv4, TCP,
// payload).
func (g *gen) tcpLayers(src netip.Addr, sport uint16, dst netip.Addr, dport uint16, seq, ack uint32, flags string, payload int) []gopacket.SerializableLayer {
	eth, ip := g.ipLayers(src, dst, layers.IPProtocolTCP)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack, Window: 64240}
	for _, f := range flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'P':
			tcp.PSH = true
		case 'F':
			tcp.FIN = true
		case 'R':
			tcp.RST = true
		}
	}
	if tcp.SYN {
		tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0x78}}}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err)
	}
	return []gopacket.SerializableLayer{eth, ip, tcp, gopacket.Payload(bytes.Repeat([]byte{'x'}, payload))}
}

// tcpConn writes a TCP connection: handshake, one request/response
// exchange of the given sizes every interval, then FIN both ways.
// wrap, if set, turns each segment's layers into the frame to write (for
// VXLAN).
func (g *gen) tcpConn(t time.Time, c netip.Addr, cport uint16, s netip.Addr, sport uint16, exchanges int, every time.Duration, req, resp int, wrap func(from netip.Addr, ls []gopacket.SerializableLayer) []byte) time.Time {
	if wrap == nil {
		wrap = func(_ netip.Addr, ls []gopacket.SerializableLayer) []byte { return g.serialize(ls...) }
	}
	g.seq += 0x01000193
	cs, ss := g.seq, g.seq^0x5bd1e995
	rtt := 400 * time.Microsecond
	emit := func(at time.Time, fromClient bool, flags string, n int) {
		if fromClient {
			g.pkts = append(g.pkts, pkt{at, wrap(c, g.tcpLayers(c, cport, s, sport, cs, ss, flags, n))})
			cs += uint32(n)
		} else {
			g.pkts = append(g.pkts, pkt{at, wrap(s, g.tcpLayers(s, sport, c, cport, ss, cs, flags, n))})
			ss += uint32(n)
		}
	}
	emit(t, true, "S", 0)
	cs++
	emit(t.Add(rtt/2), false, "SA", 0)
	ss++
	emit(t.Add(rtt), true, "A", 0)
	at := t.Add(rtt + 100*time.Microsecond)
	for i := 0; i < exchanges; i++ {
		emit(at, true, "PA", req)
		emit(at.Add(rtt), false, "PA", resp)
		emit(at.Add(rtt+50*time.Microsecond), true, "A", 0)
		at = at.Add(every)
	}
	emit(at, true, "FA", 0)
	cs++
	emit(at.Add(rtt/2), false, "FA", 0)
	ss++
	emit(at.Add(rtt), true, "A", 0)
	return at.Add(rtt)
}

// tcpDropped writes what a capture on the sender shows of a connection the
// network drops: the SYN and its retransmissions after 1, 3 and 7 s.
func (g *gen) tcpDropped(t time.Time, c netip.Addr, cport uint16, s netip.Addr, sport uint16) {
	g.seq += 0x01000193
	for _, d := range []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second} {
		g.pkts = append(g.pkts, pkt{t.Add(d), g.serialize(g.tcpLayers(c, cport, s, sport, g.seq, 0, "S", 0)...)})
	}
}

func (g *gen) udpLayers(src netip.Addr, sport uint16, dst netip.Addr, dport uint16, payload int) []gopacket.SerializableLayer {
	eth, ip := g.ipLayers(src, dst, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err)
	}
	return []gopacket.SerializableLayer{eth, ip, udp, gopacket.Payload(bytes.Repeat([]byte{'u'}, payload))}
}

// udpExchange writes a request and, if resp >= 0, its response.
func (g *gen) udpExchange(t time.Time, c netip.Addr, cport uint16, s netip.Addr, sport uint16, req, resp int) {
	g.pkts = append(g.pkts, pkt{t, g.serialize(g.udpLayers(c, cport, s, sport, req)...)})
	if resp >= 0 {
		g.pkts = append(g.pkts, pkt{t.Add(700 * time.Microsecond), g.serialize(g.udpLayers(s, sport, c, cport, resp)...)})
	}
}

// vxlan returns a wrap function for tcpConn that encapsulates pod packets
// between node1 (pods 172.16.0.0/24) and node2 (172.16.1.0/24) in VXLAN
// VNI 1 with the outer source port a hash of the inner flow would give.
func (g *gen) vxlan(outerPort1, outerPort2 uint16) func(netip.Addr, []gopacket.SerializableLayer) []byte {
	return func(from netip.Addr, inner []gopacket.SerializableLayer) []byte {
		src, dst, sport := node1, node2, outerPort1
		if !netip.MustParsePrefix("172.16.0.0/24").Contains(from) {
			src, dst, sport = node2, node1, outerPort2
		}
		// The inner Ethernet header carries the pods' (made-up) MACs.
		ie := inner[0].(*layers.Ethernet)
		ie.SrcMAC, ie.DstMAC = net.HardwareAddr{0x0e, 0, 0, 0, 0, 1}, net.HardwareAddr{0x0e, 0, 0, 0, 0, 2}
		eth, ip := g.ipLayers(src, dst, layers.IPProtocolUDP)
		udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: 4789}
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			panic(err)
		}
		vx := &layers.VXLAN{ValidIDFlag: true, VNI: 1}
		return g.serialize(append([]gopacket.SerializableLayer{eth, ip, udp, vx}, inner...)...)
	}
}

// arp writes an ARP request (not IP: the capture reader skips it).
func (g *gen) arp(t time.Time, from, who netip.Addr) {
	eth := &layers.Ethernet{SrcMAC: mac(from), DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP}
	a := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: mac(from), SourceProtAddress: from.AsSlice(),
		DstHwAddress: make([]byte, 6), DstProtAddress: who.AsSlice()}
	g.pkts = append(g.pkts, pkt{t, g.serialize(eth, a)})
}

// sample returns the capture's bytes. What it holds, and what the
// hardened CCE tunnel set makes of it (see main_test.go):
//
// allowed
//   - kubelet: master1 -> node1, node2 TCP 10250 (Table 3 row 2)
//   - API server: node1..3 -> master1 TCP 5444 (long watches, Table 8
//     row 7 out, Table 4 row 2 in) and node1 -> master2 TCP 5443
//   - DNS: node1..3 -> 100.125.1.250 UDP 53, NTP: node1..3 ->
//     100.125.3.1 UDP 123, image pull: node2 -> 100.125.4.25 TCP 443
//   - VXLAN between node1 and node2 (UDP 4789 both ways), carrying
//     pod1b -> CoreDNS pod UDP 5353 and pod1a -> pod2a TCP 8080 (inner
//     flows share the verdict of their outer flow; with -inner-drops the
//     8080 call is judged on its own and dropped at source egress of the
//     pods endpoint, see TestInnerDrops)
//   - NodePort: ELB 192.168.2.5 -> node1, node3 TCP 31080
//
// dropped
//   - node1 -> node2 TCP 9100 (a metrics scrape, twice; source egress)
//   - node3 -> master1 TCP 6443 (destination ingress: no master row opens it)
//   - node2 -> 203.0.113.80 TCP 443 (internet; source egress)
//
// and two ARP requests, which the capture reader skips.
func sample() []byte {
	g := &gen{seq: 0x1f2e3d4c}
	t0 := sampleStart
	sec := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

	g.arp(sec(0), node1, master1)
	g.arp(sec(0.2), node3, node1)

	// API server watches from each node, for the whole capture, and a
	// short call to the 5443 endpoint.
	g.tcpConn(sec(0.5), node1, 41000, master1, 5444, 12, 10*time.Second, 180, 1400, nil)
	g.tcpConn(sec(1.5), node2, 41100, master1, 5444, 12, 10*time.Second, 180, 1400, nil)
	g.tcpConn(sec(2.5), node3, 41200, master1, 5444, 12, 10*time.Second, 180, 1400, nil)
	g.tcpConn(sec(30), node1, 41300, master2, 5443, 2, time.Second, 300, 900, nil)

	// kubelet: the masters call the nodes' kubelet (logs, exec, metrics).
	g.tcpConn(sec(5), master1, 52000, node1, 10250, 3, 2*time.Second, 250, 1200, nil)
	g.tcpConn(sec(65), master1, 52010, node2, 10250, 3, 2*time.Second, 250, 1200, nil)

	// DNS and NTP from every node.
	for i, n := range []netip.Addr{node1, node2, node3} {
		for k := 0; k < 3; k++ {
			g.udpExchange(sec(3+float64(i)+40*float64(k)), n, uint16(33000+100*i+k), dnsSrv, 53, 40, 120)
		}
		g.udpExchange(sec(10+float64(i)), n, 123, ntpSrv, 123, 48, 48)
		g.udpExchange(sec(74+float64(i)), n, 123, ntpSrv, 123, 48, 48)
	}
	// An image pull from the registry in the service range.
	g.tcpConn(sec(20), node2, 45000, swr, 443, 4, 500*time.Millisecond, 500, 1400, nil)

	// Pod traffic between node1 and node2, in VXLAN.
	g.tcpConn(sec(15), pod1a, 39000, pod2a, 8080, 6, 5*time.Second, 220, 800, g.vxlan(51234, 60111))
	wrapDNS := g.vxlan(52345, 61222)
	for k := 0; k < 2; k++ {
		at := sec(25 + 30*float64(k))
		q := g.udpLayers(pod1b, uint16(47000+k), coredns, 5353, 40)
		r := g.udpLayers(coredns, 5353, pod1b, uint16(47000+k), 100)
		g.pkts = append(g.pkts, pkt{at, wrapDNS(pod1b, q)}, pkt{at.Add(900 * time.Microsecond), wrapDNS(coredns, r)})
	}

	// NodePort from the ELB.
	g.tcpConn(sec(40), elb, 20001, node1, 31080, 3, time.Second, 400, 1400, nil)
	g.tcpConn(sec(90), elb, 20002, node3, 31080, 3, time.Second, 400, 1400, nil)

	// What the hardened outbound set drops.
	g.tcpDropped(sec(45), node1, 43000, node2, 9100)   // Prometheus on node1 scrapes node-exporter on node2
	g.tcpDropped(sec(50), node3, 43100, master1, 6443) // a client configured with the 6443 endpoint
	g.tcpDropped(sec(60), node2, 43200, outside, 443)  // an image pull from the internet
	g.tcpDropped(sec(100), node1, 43001, node2, 9100)  // the next scrape

	sort.SliceStable(g.pkts, func(i, j int) bool { return g.pkts[i].t.Before(g.pkts[j].t) })
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		panic(err)
	}
	for _, p := range g.pkts {
		ci := gopacket.CaptureInfo{Timestamp: p.t, CaptureLength: len(p.data), Length: len(p.data)}
		if err := w.WritePacket(ci, p.data); err != nil {
			panic(err)
		}
	}
	return out.Bytes()
}

func TestSampleCapture(t *testing.T) {
	got := sample()
	const path = "testdata/cce-tunnel.pcap"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes); the binary embeds it from the next build", path, len(got))
		return
	}
	if !bytes.Equal(got, sampleCapture) {
		t.Fatalf("%s (embedded, %d bytes) differs from the generator's output (%d bytes); regenerate with go test ./examples/sgsim -run TestSampleCapture -update",
			path, len(sampleCapture), len(got))
	}
	if len(got) > 300<<10 {
		t.Errorf("sample is %d bytes; keep it small", len(got))
	}
	// The pcap header says Ethernet, microseconds.
	if binary.LittleEndian.Uint32(got[20:]) != uint32(layers.LinkTypeEthernet) {
		t.Errorf("link type %d", binary.LittleEndian.Uint32(got[20:]))
	}
}
