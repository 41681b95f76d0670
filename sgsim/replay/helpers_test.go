package replay

import (
	"bytes"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
)

// The test network (Huawei): workers 192.168.0.0/24 and a master
// 192.168.1.10 in two subnets without ACLs, and two pod ranges.
//
//	master ingress: tcp 5444 (kube-api), udp 53 (dns), udp 4789 (vxlan),
//	                icmp (ping), all from the workers
//	worker ingress: udp 4789 from the master (vxlan-back), icmp (ping-back)
//	pods ingress:   tcp 80 from the pods (web)
//	everyone:       egress allow any
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func rule(s string, row int) sgsim.Rule {
	r := sgsim.MustParseRule(s)
	r.Origin = sgsim.Origin{Vendor: "test", Document: "replay_test.go", Table: "network", Row: row}
	return r
}

func testNetwork(t testing.TB) *sgsim.Network {
	t.Helper()
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "node", Rules: []sgsim.Rule{
				rule("egress allow any priority 1 id node-out", 1),
				rule("ingress allow udp 4789 from 192.168.1.10 priority 1 id vxlan-back", 2),
				rule("ingress allow icmp from 192.168.1.10 priority 1 id ping-back", 3),
			}},
			{ID: "control", Rules: []sgsim.Rule{
				rule("egress allow any priority 1 id control-out", 4),
				rule("ingress allow tcp 5444 from 192.168.0.0/24 priority 1 id kube-api", 5),
				rule("ingress allow udp 53 from 192.168.0.0/24 priority 1 id dns", 6),
				rule("ingress allow udp 4789 from 192.168.0.0/24 priority 1 id vxlan", 7),
				rule("ingress allow icmp from 192.168.0.0/24 priority 1 id ping", 8),
			}},
			{ID: "pod", Rules: []sgsim.Rule{
				rule("egress allow any priority 1 id pod-out", 9),
				rule("ingress allow tcp 80 from 172.16.0.0/16 priority 1 id web", 10),
			}},
		},
		Subnets: []sgsim.Subnet{
			{Name: "nodes", Prefix: netip.MustParsePrefix("192.168.0.0/24")},
			{Name: "control", Prefix: netip.MustParsePrefix("192.168.1.0/28")},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "workers", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Subnet: "nodes", Groups: []string{"node"}},
			{Name: "master", Addrs: sgsim.MustParseAddrs("192.168.1.10"), Subnet: "control", Groups: []string{"control"}},
			{Name: "pods-a", Addrs: sgsim.MustParseAddrs("172.16.0.0/24"), Groups: []string{"pod"}},
			{Name: "pods-b", Addrs: sgsim.MustParseAddrs("172.16.1.0/24"), Groups: []string{"pod"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// frame is one capture record: its offset from t0 and its bytes.
type frame struct {
	at   time.Duration
	data []byte
}

func ser(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatalf("SerializeLayers: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func hostPort(t testing.TB, s string) (net.IP, uint16) {
	t.Helper()
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatal(err)
	}
	return net.IP(ap.Addr().AsSlice()), ap.Port()
}

func ether() *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
}

func ipv4(src, dst net.IP, p layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 64, Protocol: p, SrcIP: src.To4(), DstIP: dst.To4()}
}

// tcpLayers are the IPv4 and TCP layers of a segment from src to dst
// ("a.b.c.d:port") with flags among S, A, F, R, P.
func tcpLayers(t testing.TB, src, dst, flags string) []gopacket.SerializableLayer {
	sip, sp := hostPort(t, src)
	dip, dp := hostPort(t, dst)
	ip := ipv4(sip, dip, layers.IPProtocolTCP)
	tc := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Window: 1024,
		SYN: strings.Contains(flags, "S"), ACK: strings.Contains(flags, "A"), FIN: strings.Contains(flags, "F"),
		RST: strings.Contains(flags, "R"), PSH: strings.Contains(flags, "P")}
	tc.SetNetworkLayerForChecksum(ip)
	return []gopacket.SerializableLayer{ip, tc}
}

func udpLayers(t testing.TB, src, dst string, n int) []gopacket.SerializableLayer {
	sip, sp := hostPort(t, src)
	dip, dp := hostPort(t, dst)
	return []gopacket.SerializableLayer{ipv4(sip, dip, layers.IPProtocolUDP),
		&layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}, gopacket.Payload(make([]byte, n))}
}

func icmpLayers(src, dst string, typ, code uint8, id uint16, payload []byte) []gopacket.SerializableLayer {
	return []gopacket.SerializableLayer{ipv4(net.ParseIP(src), net.ParseIP(dst), layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: id, Seq: 1}, gopacket.Payload(payload)}
}

func eth(t testing.TB, at time.Duration, ls []gopacket.SerializableLayer) frame {
	return frame{at: at, data: ser(t, append([]gopacket.SerializableLayer{ether()}, ls...)...)}
}

func tcpF(t testing.TB, at time.Duration, src, dst, flags string) frame {
	return eth(t, at, tcpLayers(t, src, dst, flags))
}

func udpF(t testing.TB, at time.Duration, src, dst string, n int) frame {
	return eth(t, at, udpLayers(t, src, dst, n))
}

func echoF(t testing.TB, at time.Duration, src, dst string, request bool, id uint16) frame {
	typ := uint8(0)
	if request {
		typ = 8
	}
	return eth(t, at, icmpLayers(src, dst, typ, 0, id, []byte("ping")))
}

// unreachF is an ICMP port unreachable from src to dst quoting the IP and
// first 8 transport bytes of quoted (a frame).
func unreachF(t testing.TB, at time.Duration, src, dst string, quoted frame) frame {
	q := quoted.data[14:] // drop Ethernet
	if len(q) > 28 {
		q = q[:28]
	}
	return eth(t, at, icmpLayers(src, dst, 3, 3, 0, q))
}

// vxlanF wraps inner layers in Ethernet inside VXLAN (VNI 1) inside UDP
// from outerSrc to outerDst (port 4789).
func vxlanF(t testing.TB, at time.Duration, outerSrc, outerDst string, inner []gopacket.SerializableLayer) frame {
	in := ser(t, append([]gopacket.SerializableLayer{ether()}, inner...)...)
	hdr := []byte{0x08, 0, 0, 0, 0, 0, 1, 0}
	return eth(t, at, udpPayload(t, outerSrc, outerDst, append(hdr, in...)))
}

func udpPayload(t testing.TB, src, dst string, p []byte) []gopacket.SerializableLayer {
	sip, sp := hostPort(t, src)
	dip, dp := hostPort(t, dst)
	return []gopacket.SerializableLayer{ipv4(sip, dip, layers.IPProtocolUDP),
		&layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}, gopacket.Payload(p)}
}

func pcapOf(t testing.TB, frames ...frame) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriterNanos(&b)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(f.at), CaptureLength: len(f.data), Length: len(f.data)}
		if err := w.WritePacket(ci, f.data); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func replayPcap(t testing.TB, n *sgsim.Network, cfg Config, data []byte) *Report {
	t.Helper()
	c, err := capture.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r := New(n, cfg)
	if err := r.AddCapture(c); err != nil {
		t.Fatal(err)
	}
	return r.Report()
}

// row is a Flow in comparable, readable form.
type row struct {
	ID         int
	Flow       string // the evaluated flow
	Init       string
	NotSeen    bool
	First      time.Duration // from t0
	Last       time.Duration
	Fwd, Rev   string // "packets/bytes"
	ICMPErrors uint64
	Verdict    string // "allowed" or "dropped at HOP by RULE-ID (ORIGIN)"
	Outer      string // "#ID FLOW"
	End        string
	Logged     string
}

func rowOf(f *Flow) row {
	r := row{ID: f.ID, Flow: f.Flow().String(), Init: f.Initiator.String(), NotSeen: f.StartNotSeen,
		First: f.First.Sub(t0), Last: f.Last.Sub(t0),
		Fwd:        strconv.FormatUint(f.FwdPackets, 10) + "/" + strconv.FormatUint(f.FwdBytes, 10),
		Rev:        strconv.FormatUint(f.RevPackets, 10) + "/" + strconv.FormatUint(f.RevBytes, 10),
		ICMPErrors: f.ICMPErrors, Verdict: "allowed", End: f.End.String(), Logged: f.Logged}
	if !f.Decision.Allowed {
		v := f.Decision.Verdict
		id, origin := "default-deny", ""
		if v.Rule != nil {
			id, origin = v.Rule.ID, v.Rule.Origin.String()
		}
		r.Verdict = "dropped at " + f.Decision.Hop.String() + " by " + id + " (" + origin + ")"
	}
	if f.OuterID != 0 {
		r.Outer = "#" + strconv.Itoa(f.OuterID) + " " + f.Outer.String()
	}
	return r
}

func rowsOf(fs []*Flow) []row {
	out := make([]row, len(fs))
	for i, f := range fs {
		out[i] = rowOf(f)
	}
	return out
}

func pb(packets, bytes int) string { return strconv.Itoa(packets) + "/" + strconv.Itoa(bytes) }
