package capture

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sharedPcaps holds tcpdump's test captures (see its README); it lives
// outside this module and may be absent.
const sharedPcaps = "../../../shared/pcaps"

func sharedFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedPcaps, "*.pcap*"))
	if len(files) == 0 {
		t.Skipf("no captures in %s", sharedPcaps)
	}
	return files
}

// readAll reads every packet of a file, failing the test on any error.
func readAll(t *testing.T, file string) ([]Packet, *Reader) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: NewReader: %v", file, err)
	}
	var pkts []Packet
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatalf("%s: no io.EOF after %d packets", file, i)
		}
		var p Packet
		err := r.Next(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: Next after %d packets: %v", file, len(pkts), err)
		}
		pkts = append(pkts, p)
	}
	return pkts, r
}

// conv is an unordered TCP or UDP conversation, as tshark lists them.
type conv struct {
	proto string
	a, b  netip.AddrPort
}

func newConv(proto string, a, b netip.AddrPort) conv {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return conv{proto, a, b}
}

func (c conv) String() string { return c.proto + " " + c.a.String() + " <-> " + c.b.String() }

// ourConvs collects the TCP and UDP conversations of the packets: the outer
// header and, for VXLAN/Geneve, the inner one (tshark dissects both). ICMP
// quotes are not conversations. Packets without ports (later fragments
// whose first fragment was not seen) are left out.
func ourConvs(pkts []Packet) []string {
	set := map[string]bool{}
	add := func(h *Header) {
		var name string
		switch h.Proto {
		case protoTCP:
			name = "tcp"
		case protoUDP:
			name = "udp"
		default:
			return
		}
		if h.Frag.Offset > 0 && !h.Frag.Resolved {
			return
		}
		c := newConv(name, netip.AddrPortFrom(h.Src, h.SrcPort), netip.AddrPortFrom(h.Dst, h.DstPort))
		set[c.String()] = true
	}
	for i := range pkts {
		add(&pkts[i].Header)
		if pkts[i].Inner.Present {
			add(&pkts[i].Inner.Header)
		}
	}
	return sorted(set)
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// tsharkConvs parses the output of
// `tshark -q -z conv,tcp -z conv,udp -r FILE` stored in testdata.
func tsharkConvs(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := map[string]bool{}
	proto := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "TCP Conversations"):
			proto = "tcp"
			continue
		case strings.HasPrefix(line, "UDP Conversations"):
			proto = "udp"
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 || fields[1] != "<->" {
			continue
		}
		a, err1 := parseEndpoint(fields[0])
		b, err2 := parseEndpoint(fields[2])
		if err1 != nil || err2 != nil || proto == "" {
			t.Fatalf("%s: cannot parse %q", file, line)
		}
		set[newConv(proto, a, b).String()] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sorted(set)
}

// parseEndpoint parses tshark's "addr:port", where an IPv6 address is not
// bracketed: the port follows the last colon.
func parseEndpoint(s string) (netip.AddrPort, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return netip.AddrPort{}, errors.New("no port")
	}
	addr, err := netip.ParseAddr(s[:i])
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := strconv.ParseUint(s[i+1:], 10, 16)
	return netip.AddrPortFrom(addr, uint16(port)), err
}

// notDecapsulated lists the captures whose TCP/UDP conversations tshark
// finds only inside an encapsulation that this package reports as a
// protocol-only packet, with that protocol. Checked with
// `tshark -T fields -e frame.protocols`: every UDP packet of
// pim-packet-assortment.pcap is eth:ip:pim:ip:udp (PIM Register).
var notDecapsulated = map[string]uint8{
	"pim-packet-assortment.pcap": 103,
}

// tsharkFrames is the frame count of each capture by `tshark -r FILE | wc -l`.
var tsharkFrames = map[string]int{
	"LINKTYPE_RAW_ipv6.pcap":      1,
	"OSPFv2_Capture_FINAL.pcapng": 30,
	"dns_tcp.pcap":                11,
	"dns_udp.pcap":                2,
	"geneve.pcap":                 39,
	"icmp-icmp_print-oobr-1.pcap": 3,
	"kday7.pcap":                  13,
	"mptcp-aa-echo.pcap":          2,
	"pim-packet-assortment.pcap":  245,
	"syslog_udp.pcap":             4,
	"tfo-5c1fa7f9ae91.pcap":       14,
	"various_gre.pcap":            100,
	"vxlan.pcap":                  10,
}

// TestRealCaptures reads every shared capture to the end and compares its
// TCP/UDP conversations with tshark's (testdata/<file>.tshark.txt).
func TestRealCaptures(t *testing.T) {
	for _, file := range sharedFiles(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			pkts, r := readAll(t, file)
			t.Logf("%d packets delivered; skipped %v; flagged %v", len(pkts), r.Skipped(), r.Flagged())
			records := len(pkts)
			for _, s := range r.Skipped() {
				records += s.Count
			}
			if want, ok := tsharkFrames[name]; ok && records != want {
				t.Errorf("%d records (delivered + skipped), tshark shows %d frames", records, want)
			}
			if name == "icmp-icmp_print-oobr-1.pcap" {
				// Frame 1: ICMP whose IP length leaves 3 bytes for the
				// 8-byte ICMP header; frame 3: unknown ethertype 0xf1ff.
				wantFlag := []Skip{{ReasonBadTransport, 1, 1}}
				wantSkip := []Skip{{ReasonNotIP, 1, 3}}
				if diff := cmp.Diff(wantFlag, r.Flagged()); diff != "" {
					t.Errorf("Flagged (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantSkip, r.Skipped()); diff != "" {
					t.Errorf("Skipped (-want +got):\n%s", diff)
				}
			}
			ref := filepath.Join("testdata", name+".tshark.txt")
			if _, err := os.Stat(ref); err != nil {
				t.Fatalf("no tshark reference %s: %v", ref, err)
			}
			want := tsharkConvs(t, ref)
			got := ourConvs(pkts)
			if proto, ok := notDecapsulated[name]; ok {
				// tshark finds these conversations inside an
				// encapsulation this package does not open; check that
				// we see none and that the carrier packets are there.
				carriers := 0
				for _, p := range pkts {
					if p.Proto == proto {
						carriers++
					}
				}
				if len(got) != 0 || carriers == 0 {
					t.Errorf("conversations %v, %d packets of protocol %d; want none and some", got, carriers, proto)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("conversations differ from tshark (-tshark +ours):\n%s", diff)
			}
		})
	}
}
