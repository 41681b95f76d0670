package capture_test

import (
	"bytes"
	"fmt"
	"net"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/sgsim/capture"
)

func Example() {
	// A one-packet capture written in memory: a TCP SYN over Ethernet.
	buf := gopacket.NewSerializeBuffer()
	_ = gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true},
		&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{198, 51, 100, 2}},
		&layers.TCP{SrcPort: 40000, DstPort: 443, SYN: true})
	var file bytes.Buffer
	w := pcapgo.NewWriter(&file)
	_ = w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	_ = w.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, 0), CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes())

	r, err := capture.NewReader(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	var p capture.Packet
	for r.Next(&p) == nil { // io.EOF at the end
		fmt.Println(p.N, p.Time.Format(time.RFC3339), p.Proto, p.Src, p.SrcPort, "->", p.Dst, p.DstPort, p.TCPFlags)
	}
	fmt.Println("skipped:", r.Skipped())
	// Output:
	// 1 2023-11-14T22:13:20Z 6 192.0.2.1 40000 -> 198.51.100.2 443 SYN
	// skipped: []
}
