package capture

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// mixedCapture is an in-memory capture of common traffic: TCP and UDP over
// IPv4 and IPv6 (with a hop-by-hop header), VLAN, ICMP echo and error,
// fragments, VXLAN and Geneve. It holds copies of a cycle of perCopy
// packets.
func mixedCapture(t testing.TB, copies int) (file []byte, perCopy int) {
	const a4, b4, a6, b6 = "192.0.2.1", "198.51.100.2", "2001:db8::1", "2001:db8::2"
	f1 := ip4(a4, b4, layers.IPProtocolUDP)
	f1.Flags = layers.IPv4MoreFragments
	f2 := ip4(a4, b4, layers.IPProtocolUDP)
	f2.FragOffset = 2
	frames := [][]byte{
		ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolTCP), tcp(40000, 443, true, false), payload(100)),
		ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolTCP), tcp(40000, 443, false, true), payload(1200)),
		ser(t, eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolIPv6HopByHop), ext6(layers.IPProtocolUDP), udp(5353, 53), payload(8)),
		ser(t, eth(layers.EthernetTypeDot1Q), vlan(5, layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolUDP), udp(5353, 53), payload(40)),
		ser(t, eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1}, payload(56)),
		ser(t, eth(layers.EthernetTypeIPv4), ip4(b4, a4, layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)},
			gopacket.Payload(ser(t, ip4(a4, b4, layers.IPProtocolUDP), udp(1, 2)))),
		ser(t, eth(layers.EthernetTypeIPv4), f1, udp(7, 8), payload(16)),
		ser(t, eth(layers.EthernetTypeIPv4), f2, payload(16)),
		ser(t, eth(layers.EthernetTypeIPv4), ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), udp(50000, 4789), vxlanHdr(5),
			eth(layers.EthernetTypeIPv4), ip4(a4, b4, layers.IPProtocolTCP), tcp(1, 2, false, true), payload(64)),
		ser(t, eth(layers.EthernetTypeIPv4), ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), udp(50000, 6081), geneveHdr(6, 0x6558),
			eth(layers.EthernetTypeIPv6), ip6(a6, b6, layers.IPProtocolUDP), udp(1, 2), payload(64)),
	}
	var recs []rec
	for i := 0; i < copies; i++ {
		for _, f := range frames {
			recs = append(recs, rec{data: f})
		}
	}
	return pcapFile(t, LinkEthernet, false, recs...), len(frames)
}

// TestNextAllocs pins zero allocations per Next in steady state: after a
// first pass has sized the buffers, reading the rest allocates nothing.
// Each run reads one whole cycle of the capture, because AllocsPerRun
// rounds down: an allocation in one packet kind out of ten would average
// to 0.1 per Next and pass unseen.
func TestNextAllocs(t *testing.T) {
	file, cycle := mixedCapture(t, 200)
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var p Packet
	next := func() {
		for i := 0; i < cycle; i++ {
			if err := r.Next(&p); err != nil {
				t.Fatal(err)
			}
		}
	}
	next() // warm up: buffers grow to the largest record
	if allocs := testing.AllocsPerRun(100, next); allocs != 0 {
		t.Errorf("Next allocates %v times per %d packets, want 0", allocs, cycle)
	}
	if len(r.Skipped()) != 0 {
		t.Errorf("skipped %v", r.Skipped())
	}
}

// BenchmarkNext reports packets/s and allocs/packet over an in-memory
// capture of mixed traffic (see mixedCapture).
func BenchmarkNext(b *testing.B) {
	file, cycle := mixedCapture(b, 1000)
	var p Packet
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(file) / (1000 * cycle)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := r.Next(&p); err != nil {
			if !errors.Is(err, io.EOF) {
				b.Fatal(err)
			}
			b.StopTimer()
			if r, err = NewReader(bytes.NewReader(file)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}
