package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcapgo"
)

// runArgs runs the program and returns its exit status, stdout and stderr.
func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// flowLine is the part of a JSON line the tests look at.
type flowLine struct {
	ID      int    `json:"id"`
	Src     string `json:"src"`
	Dst     string `json:"dst"`
	SrcPort uint16 `json:"sport"`
	DstPort uint16 `json:"dport"`
	Proto   string `json:"proto"`
	Verdict string `json:"verdict"`
	Hop     string `json:"hop"`
	Group   string `json:"group"`
	Rule    string `json:"rule"`
	Tunnel  string `json:"tunnel"`
	OuterID int    `json:"outer_id"`
}

func (f flowLine) key() string {
	return f.Proto + " " + f.Src + ":" + itoa(f.SrcPort) + " -> " + f.Dst + ":" + itoa(f.DstPort)
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }

// TestReplayJSONSchemaVersion: every line of replay -format json starts
// with "schema_version": 1, so that a line read alone says its shape.
func TestReplayJSONSchemaVersion(t *testing.T) {
	code, out, errOut := runArgs(t, "replay", "-all", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, `{"schema_version":1,"id":`) {
			t.Errorf("line %d: %s", i+1, l)
		}
	}
}

// jsonFlows runs with -format json and returns the parsed lines.
func jsonFlows(t *testing.T, args ...string) []flowLine {
	t.Helper()
	code, out, errOut := runArgs(t, append(args, "-format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var fl []flowLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var f flowLine
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		fl = append(fl, f)
	}
	return fl
}

// dropped returns "key at hop" for every dropped flow.
func dropped(fl []flowLine) []string {
	var d []string
	for _, f := range fl {
		if f.Verdict == "dropped" {
			d = append(d, f.key()+" at "+f.Hop)
		}
	}
	return d
}

// The flows of the sample that the hardened CCE tunnel set drops (see
// gen_test.go for the sample), in the order they start.
var wantHardenedDrops = []string{
	// (Inside VXLAN, pod 172.16.0.5 on node1 calls pod 172.16.1.7 on
	// node2 on 8080. Security groups see only the outer UDP 4789 flow,
	// which Table 8 row 5 and Table 3 row 1 allow, so it is not dropped;
	// TestInnerDrops checks the -inner-drops reading.)
	// The metrics scrape node1 -> node2: Table 8 replaces the worker
	// group's egress-to-anything, and toward the VPC it opens only 5444,
	// 8445 and 9443 (the README's "node-to-node TCP other than VXLAN is
	// cut"). The ingress self rule would have let it in.
	"tcp 192.168.0.10:43000 -> 192.168.0.11:9100 at source egress",
	// Table 8 row 8 lets nodes send 6443 to the masters, but no master
	// row (Table 4) opens 6443: the README's CCE finding.
	"tcp 192.168.0.12:43100 -> 192.168.1.2:6443 at destination ingress",
	// Table 8 opens TCP 443 only toward 100.125.0.0/16 (the image pull
	// from 100.125.4.25 passes); the internet is cut.
	"tcp 192.168.0.11:43200 -> 203.0.113.80:443 at source egress",
	// The next scrape, a new connection.
	"tcp 192.168.0.10:43001 -> 192.168.0.11:9100 at source egress",
}

func TestNoArguments(t *testing.T) {
	code, out, errOut := runArgs(t)
	if code != 0 {
		t.Fatalf("exit %d; stderr %q", code, errOut)
	}
	// Progress lines only go to a terminal: a buffer gets nothing.
	if errOut != "" {
		t.Errorf("stderr %q; want nothing", errOut)
	}
	for _, want := range []string{
		"replayed against profile cce-tunnel/newer, hardened worker outbound set (Table 8)\n",
		"capture 1: embedded sample testdata/cce-tunnel.pcap\n",
		"4 of 32 flows would be dropped",
		"192.168.0.10:43000  192.168.0.11:9100",
		"192.168.0.12:43100  192.168.1.2:6443",
		"192.168.0.11:43200  203.0.113.80:443",
		"192.168.0.10:43001  192.168.0.11:9100",
		"flows: 28 allowed, 4 dropped (packets: 302 allowed, 16 dropped)",
		"  dropped at source egress by no rule matched: default deny: 3 flows, 12 packets\n",
		"  dropped at destination ingress by no rule matched: default deny: 1 flows, 4 packets\n",
		// The two ARP requests.
		"capture 1: 290 packets, 16 would be dropped; skipped: not-ip 2 (first packet 1); flagged: none\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	// Only dropped flows are listed: the API server watch is not.
	if strings.Contains(out, ":5444") {
		t.Errorf("allowed flow listed without -all:\n%s", out)
	}
	if _, all, _ := runArgs(t, "-all"); !strings.Contains(all, "192.168.0.10:41000  192.168.1.2:5444") {
		t.Errorf("-all lacks the API server watch:\n%s", all)
	}
}

func TestHardenedDrops(t *testing.T) {
	fl := jsonFlows(t)
	if got := dropped(fl); !slices.Equal(got, wantHardenedDrops) {
		t.Errorf("dropped flows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantHardenedDrops, "\n"))
	}
	// What the cluster needs passes: a sample of the allowed flows.
	allowed := map[string]bool{}
	for _, f := range fl {
		if f.Verdict == "allowed" {
			allowed[f.key()] = true
		}
	}
	for _, k := range []string{
		"tcp 192.168.1.2:52000 -> 192.168.0.10:10250", // kubelet
		"tcp 192.168.0.10:41000 -> 192.168.1.2:5444",  // API server
		"tcp 192.168.0.10:41300 -> 192.168.1.3:5443",
		"udp 192.168.0.10:33000 -> 100.125.1.250:53",  // DNS
		"udp 192.168.0.11:123 -> 100.125.3.1:123",     // NTP
		"udp 192.168.0.10:51234 -> 192.168.0.11:4789", // VXLAN, both ways
		"udp 192.168.0.11:60111 -> 192.168.0.10:4789",
		"udp 172.16.0.9:47000 -> 172.16.1.3:5353",     // CoreDNS inside VXLAN (Table 8 row 4)
		"tcp 192.168.2.5:20001 -> 192.168.0.10:31080", // NodePort from the ELB
		"tcp 192.168.0.11:45000 -> 100.125.4.25:443",  // registry in the service range
	} {
		if !allowed[k] {
			t.Errorf("%s not allowed", k)
		}
	}
	inner := 0
	for _, f := range fl {
		if f.DstPort == 8080 {
			inner++
			if f.Tunnel != "vxlan" || f.OuterID != 11 || f.Verdict != "allowed" {
				t.Errorf("inner flow %+v: want tunnel vxlan, outer_id 11, allowed with its outer flow", f)
			}
		}
	}
	if inner != 1 {
		t.Errorf("%d flows to port 8080; want the one pod-to-pod call inside VXLAN", inner)
	}
}

func TestDefaultGroups(t *testing.T) {
	// Without Table 8 the worker group sends anywhere and its members
	// (nodes and pods) accept each other: only 6443 stays dropped.
	got := dropped(jsonFlows(t, "-pcap", "testdata/cce-tunnel.pcap", "-hardened=false"))
	want := []string{"tcp 192.168.0.12:43100 -> 192.168.1.2:6443 at destination ingress"}
	if !slices.Equal(got, want) {
		t.Errorf("dropped %q; want %q", got, want)
	}
}

func TestClusterFlag(t *testing.T) {
	// Masters moved to 192.168.1.16/28: 192.168.1.2 is no longer a master,
	// so its kubelet calls fail the nodes' "10250 from masters" row.
	got := dropped(jsonFlows(t, "-pcap", "testdata/cce-tunnel.pcap", "-profile", "cce-tunnel", "-masters", "192.168.1.16/28"))
	for _, want := range []string{
		"tcp 192.168.1.2:52000 -> 192.168.0.10:10250 at destination ingress",
		"tcp 192.168.1.2:52010 -> 192.168.0.11:10250 at destination ingress",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("dropped %q lacks %q", got, want)
		}
	}
}

func TestJSONFields(t *testing.T) {
	code, out, errOut := runArgs(t, "-format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 32 {
		t.Errorf("%d lines; want one per flow, 32", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		for _, k := range []string{"id", "src", "dst", "sport", "dport", "proto", "initiator", "first", "last",
			"packets", "bytes", "fwd_packets", "rev_packets", "verdict", "hop", "group", "rule", "end", "source"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line lacks %q: %s", k, l)
			}
		}
	}
	// The summary goes to stderr, leaving stdout JSON only.
	if !strings.Contains(errOut, "flows: 28 allowed, 4 dropped") || strings.Contains(errOut, "PROTO") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestFailOnDrop(t *testing.T) {
	if code, _, errOut := runArgs(t, "-fail-on-drop"); code != 1 || errOut != "" {
		t.Errorf("exit %d, stderr %q; want 1 and nothing", code, errOut)
	}
	// A flow log of allowed flows only: exit 0.
	dir := t.TempDir()
	log := filepath.Join(dir, "flow.log")
	const rec = "2 111122223333 eni-0f00ba47 192.168.0.10 192.168.1.2 40000 5444 6 12 2210 1715000000 1715000055 ACCEPT OK\n" +
		"2 111122223333 eni-0f00ba47 192.168.0.10 100.125.1.250 40001 53 17 1 80 1715000003 1715000003 ACCEPT OK\n"
	if err := os.WriteFile(log, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runArgs(t, "-flowlog", log, "-fail-on-drop")
	if code != 0 || !strings.Contains(out, "0 of 2 flows would be dropped") || !strings.Contains(out, "flowlog 1: "+log) {
		t.Errorf("exit %d, stderr %q\n%s", code, errOut, out)
	}
}

// TestWorkers: -workers changes nothing in the output but the order in
// which flows are listed (as they end, in each worker) and their IDs
// (which order flows by start but are not consecutive): the same flows,
// the same summary, text or JSON.
func TestWorkers(t *testing.T) {
	inner := regexp.MustCompile(` in #[0-9]+`)
	// flows returns the output's flows without IDs, sorted, and the rest.
	flows := func(format, out string) (rows []string, rest string) {
		lines := strings.Split(out, "\n")
		if format == "json" {
			for _, l := range lines {
				if l == "" {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("%q: %v", l, err)
				}
				delete(m, "id")
				delete(m, "outer_id")
				b, _ := json.Marshal(m)
				rows = append(rows, string(b))
			}
		} else {
			i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "ID ") })
			j := slices.IndexFunc(lines, func(l string) bool { return strings.HasSuffix(l, "would be dropped") })
			if i < 0 || j < i {
				t.Fatalf("no table in\n%s", out)
			}
			for _, l := range lines[i+1 : j] {
				f := strings.Fields(inner.ReplaceAllString(l, ""))
				rows = append(rows, strings.Join(f[1:], " "))
			}
			rest = strings.Join(lines[:i], "\n") + strings.Join(lines[j:], "\n")
		}
		slices.Sort(rows)
		return rows, rest
	}
	for _, format := range []string{"text", "json"} {
		code1, out1, err1 := runArgs(t, "-format", format, "-all")
		code3, out3, err3 := runArgs(t, "-format", format, "-all", "-workers", "3")
		if code1 != 0 || code3 != 0 {
			t.Fatalf("%s: exit %d and %d; stderr:\n%s\n%s", format, code1, code3, err1, err3)
		}
		rows1, rest1 := flows(format, out1)
		rows3, rest3 := flows(format, out3)
		if len(rows1) != 32 || !slices.Equal(rows1, rows3) || rest1 != rest3 || err1 != err3 {
			t.Fatalf("%s: -workers 3 output differs from one worker (%d and %d flows):\n%s\n----\n%s", format, len(rows1), len(rows3), out1, out3)
		}
		if !strings.Contains(out1, "dropped") {
			t.Fatalf("%s: output has no dropped flow:\n%s", format, out1)
		}
	}
}

// TestDroppedPcapUnwritable: an unwritable -dropped-pcap path is refused
// (a missing directory, or a directory at the path) before the replay,
// with exit 2 and no report on stdout.
func TestDroppedPcapUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "d.pcap")
	code, stdout, stderr := runArgs(t, "-dropped-pcap", path)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "-dropped-pcap: ") || !strings.Contains(stderr, "no such file or directory") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, the path error", code, stdout, stderr)
	}
	// A directory at the path is refused before the replay too (it
	// used to fail only the final rename, after the report).
	dir := t.TempDir()
	code, stdout, stderr = runArgs(t, "-dropped-pcap", dir)
	if code != 2 || stdout != "" || stderr != "sgsim replay: -dropped-pcap "+dir+": is a directory, want a file path\n" {
		t.Fatalf("directory: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, one line saying it is a directory", code, stdout, stderr)
	}
}

// A capture or flow log read to its end without a packet or record to
// replay is bad input (exit 2) naming the file, for replay, usage and
// tighten: a valid pcap or pcapng header and nothing after it, packets
// that are all skipped (ARP), a flow log of its header line alone. Each
// was "0 of 0 flows would be dropped", exit 0, and -fail-on-drop passed.
func TestNothingToReplay(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, fill func(io.Writer) error) string {
		var b bytes.Buffer
		if err := fill(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pcap := write("empty.pcap", func(w io.Writer) error { return pcapgo.NewWriter(w).WriteFileHeader(65535, 1) })
	pcapng := write("empty.pcapng", func(w io.Writer) error {
		ng, err := pcapgo.NewNgWriter(w, 1) // section header and one interface
		if err != nil {
			return err
		}
		return ng.Flush()
	})
	arp := write("arp.pcap", func(w io.Writer) error {
		pw := pcapgo.NewWriter(w)
		if err := pw.WriteFileHeader(65535, 1); err != nil {
			return err
		}
		frame := make([]byte, 42) // Ethernet, EtherType ARP, then the ARP body
		copy(frame[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		frame[12], frame[13] = 0x08, 0x06
		for i := 0; i < 2; i++ {
			if err := pw.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(1700000000+int64(i), 0), CaptureLength: 42, Length: 42}, frame); err != nil {
				return err
			}
		}
		return nil
	})
	header := write("header.log", func(w io.Writer) error {
		_, err := io.WriteString(w, "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
		return err
	})
	const noPackets = ": no packets: a valid capture header and no packet after it, nothing to replay\n"
	for _, c := range []struct {
		args []string
		want string // all of stderr
	}{
		{[]string{"replay", "-pcap", pcap}, "sgsim replay: " + pcap + noPackets},
		{[]string{"replay", "-pcap", pcapng}, "sgsim replay: " + pcapng + noPackets},
		{[]string{"replay", "-pcap", pcap, "-fail-on-drop"}, "sgsim replay: " + pcap + noPackets},
		{[]string{"replay", "-pcap", pcapng, "-format", "json"}, "sgsim replay: " + pcapng + noPackets},
		// The second of two captures: the run is refused, not half reported.
		{[]string{"replay", "-pcap", "testdata/cce-tunnel.pcap", "-pcap", pcap}, "sgsim replay: " + pcap + noPackets},
		{[]string{"replay", "-pcap", arp}, "sgsim replay: " + arp + ": no packet to replay: every packet skipped: not-ip 2 (first packet 1)\n"},
		{[]string{"replay", "-flowlog", header}, "sgsim replay: " + header + ": no records: a flow log with no record line, nothing to replay\n"},
		{[]string{"usage", "-pcap", pcapng}, "sgsim usage: " + pcapng + noPackets},
		{[]string{"usage", "-flowlog", header}, "sgsim usage: " + header + ": no records: a flow log with no record line, nothing to replay\n"},
		{[]string{"tighten", "-pcap", pcap}, "sgsim tighten: " + pcap + noPackets},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || errOut != c.want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, stderr %q", c.args, code, out, errOut, c.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	const sample = "testdata/cce-tunnel.pcap"
	notPcap := filepath.Join(dir, "x.pcap")
	if err := os.WriteFile(notPcap, []byte("hello, world"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.log")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-profile", "gke"}, `-profile "gke": want one of cce-vpc, cce-tunnel, cce-turbo, ack-basic-flannel`},
		{[]string{"-pcap", filepath.Join(dir, "missing.pcap")}, "missing.pcap: no such file or directory"},
		{[]string{"-pcap", notPcap}, "x.pcap: "},
		{[]string{"-nodes", "192.168.0.0/33"}, `invalid value "192.168.0.0/33" for flag -nodes: want a CIDR prefix such as 192.168.0.0/24`},
		{[]string{"-pods", "172.16.0.1/16"}, `invalid value "172.16.0.1/16" for flag -pods: host bits set; want 172.16.0.0/16`},
		{[]string{"-profile", "tke-managed", "-lb", "10.0.2.0/28"}, "-lb: profile tke-managed has no such field"},
		{[]string{"-pcap", sample, "-nodes", "10.0.0.0/24"}, "huawei: cluster: Nodes 10.0.0.0/24 is outside VPC 192.168.0.0/16"},
		{[]string{"-dns", "100.125.1.250,nope"}, `invalid value "100.125.1.250,nope" for flag -dns`},
		{[]string{"-format", "xml"}, `-format "xml": want text or json`},
		{[]string{"-workers", "0"}, `-workers 0: want 1 or more`},
		{[]string{"-workers", "1000000"}, `-workers 1000000: at most ` + strconv.Itoa(4*runtime.GOMAXPROCS(0)) + ` (4 per CPU, GOMAXPROCS `},
		{[]string{"-rules", "r.json", "-vendor", "huawei"}, "-rules needs traffic to replay: -pcap FILE or -flowlog FILE"},
		{[]string{"-plan", "p.json"}, "-plan needs traffic to replay"},
		{[]string{"-rules", "r.json", "-vendor", "huawei", "-pcap", sample}, "-rules needs -nics FILE (the vendor's network-interface listing) or -topology FILE"},
		{[]string{"-rules", "r.json", "-hardened=false"}, "-hardened applies to -profile, not to -rules"},
		{[]string{"-rules", "r.json", "-revision", "older"}, "-revision applies to -profile (or -require), not to -rules"},
		{[]string{"-rules", "r.json", "-topology", "t.json"}, "-rules needs -vendor"},
		{[]string{"-pcap", sample, "-rules", "testdata/huawei-rules.json", "-topology", "testdata/topology.json", "-vendor", "alibaba"}, `cloud "huawei", but -vendor alibaba`},
		{[]string{"-pcap", sample, "-rules", "testdata/topology.json", "-topology", "testdata/topology.json", "-vendor", "huawei"}, "-rules testdata/topology.json: huawei: "},
		{[]string{"-flowlog", notPcap, "-dropped-pcap", filepath.Join(dir, "d.pcap")}, "-dropped-pcap needs packet captures"},
		{[]string{"-bogus"}, "flag provided but not defined: -bogus"},
		// An empty flow log yields nothing, as an empty capture does
		// (which its reader refuses: no file magic); it read as 0 records.
		{[]string{"-flowlog", empty}, empty + ": empty file: want a flow log (AWS v2 or Huawei)"},
		{[]string{"-pcap", empty}, empty + ": capture: empty input: want a pcap or pcapng file"},
		{[]string{"usage", "-flowlog", empty}, "sgsim usage: " + empty + ": empty file: want a flow log"},
		{[]string{"tighten", "-flowlog", empty}, "sgsim tighten: " + empty + ": empty file: want a flow log"},
		{[]string{"replay", "extra"}, `unexpected argument "extra"`},
		{[]string{"extra"}, `unknown subcommand "extra"`},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line containing %q", c.args, code, out, errOut, c.want)
		}
	}
}

// The embedded sample is the main job's traffic (profile cce-tunnel,
// hardened): it is replayed only when no input flag at all is given. Any
// input flag without -pcap or -flowlog is bad usage, for replay, usage
// and tighten alike, never the sample replayed against another network.
// TestOneKindOfTraffic: replay, usage and tighten share their input
// checks (trafficNet); each refuses captures and flow logs together,
// before reading either file.
func TestOneKindOfTraffic(t *testing.T) {
	for _, cmd := range []string{"replay", "usage", "tighten"} {
		args := []string{cmd, "-pcap", "absent.pcap", "-flowlog", "absent.log"}
		code, out, errOut := runArgs(t, args...)
		want := "sgsim " + cmd + ": -pcap and -flowlog: give one kind of input\n"
		if code != exitUsage || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, stderr %q", args, code, out, errOut, exitUsage, want)
		}
	}
}

func TestSampleOnlyWithoutInput(t *testing.T) {
	for _, cmd := range []string{"replay", "usage", "tighten"} {
		for _, c := range []struct {
			args []string
			flag string
		}{
			{[]string{"-profile", "ack-basic-flannel"}, "-profile"},
			{[]string{"-profile", "cce-tunnel"}, "-profile"},
			{[]string{"-hardened=false"}, "-hardened"},
			{[]string{"-masters", "192.168.1.16/28"}, "-masters"},
			{[]string{"-revision", "older"}, "-revision"},
			{[]string{"-topology", "testdata/topology.json"}, "-topology"},
			{[]string{"-nics", "n.json"}, "-nics"},
			{[]string{"-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "-topology", "testdata/topology.json"}, "-rules"},
			{[]string{"-plan", "p.json", "-topology", "testdata/topology.json"}, "-plan"},
		} {
			args := append([]string{cmd}, c.args...)
			code, out, errOut := runArgs(t, args...)
			want := "sgsim " + cmd + ": " + c.flag + " needs traffic to replay: -pcap FILE or -flowlog FILE (the embedded sample is replayed only when no input flag at all is given)\n"
			if code != 2 || out != "" || errOut != want {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, stderr %q", args, code, out, errOut, want)
			}
		}
		// Without any input flag the sample is replayed (exit 0) ...
		if code, out, errOut := runArgs(t, cmd); code != 0 || out == "" {
			t.Errorf("%s with no input flag: exit %d, stdout %q, stderr %q; want 0 and a report of the sample", cmd, code, out, errOut)
		}
		// ... and the same profile given with the sample explicitly works.
		if code, out, errOut := runArgs(t, cmd, "-profile", "cce-tunnel", "-pcap", "testdata/cce-tunnel.pcap"); code != 0 || out == "" {
			t.Errorf("%s -profile cce-tunnel -pcap testdata/cce-tunnel.pcap: exit %d, stdout %q, stderr %q; want 0 and a report", cmd, code, out, errOut)
		}
	}
}

// countPcap returns the number of packets in a classic pcap file.
func countPcap(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err := r.ReadPacketData()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

func TestDroppedPcap(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dropped.pcap")
	code, stdout, errOut := runArgs(t, "-dropped-pcap", out)
	if code != 0 {
		t.Fatal(errOut)
	}
	// The summary says 16 dropped packets: 4 SYNs each of the four
	// refused connections (the VXLAN packets pass with their outer flow).
	if !strings.Contains(stdout, "capture 1: 290 packets, 16 would be dropped") {
		t.Fatalf("summary:\n%s", stdout)
	}
	if n := countPcap(t, out); n != 16 {
		t.Errorf("%d packets in %s; want 16", n, out)
	}
	// Replayed again, every packet of it is dropped.
	code, again, errOut := runArgs(t, "-pcap", out)
	if code != 0 || !strings.Contains(again, "capture 1: 16 packets, 16 would be dropped") {
		t.Errorf("exit %d %s\n%s", code, errOut, again)
	}

	// Two captures (the sample twice) merge into one file.
	sample := filepath.Join(dir, "sample.pcap")
	if err := os.WriteFile(sample, sampleCapture, 0o644); err != nil {
		t.Fatal(err)
	}
	fl := jsonFlows(t, "-pcap", sample, "-pcap", sample, "-dropped-pcap", out)
	if len(fl) == 0 {
		t.Fatal("no flows")
	}
	code, stdout, _ = runArgs(t, "-pcap", sample, "-pcap", sample, "-dropped-pcap", out)
	if code != 0 || !strings.Contains(stdout, "capture 1: 290 packets, 16 would be dropped") || !strings.Contains(stdout, "capture 2: 290 packets, 16 would be dropped") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	if n := countPcap(t, out); n != 32 {
		t.Errorf("%d packets merged; want 32", n)
	}
}

func TestRulesAndEndpoints(t *testing.T) {
	// testdata/huawei-rules.json is a ListSecurityGroupRules export of a
	// worker group that keeps the 9100 scrape and pod traffic open and
	// denies HTTPS to the internet by an explicit rule, and a master
	// group that opens only 5443 and 5444; testdata/topology.json places
	// them as the CCE profile does.
	args := []string{"-pcap", "testdata/cce-tunnel.pcap", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "-topology", "testdata/topology.json"}
	fl := jsonFlows(t, args...)
	want := []string{
		// The export has no egress row for 6443 (Table 8 has one).
		"tcp 192.168.0.12:43100 -> 192.168.1.2:6443 at source egress",
		"tcp 192.168.0.11:43200 -> 203.0.113.80:443 at source egress",
	}
	if got := dropped(fl); !slices.Equal(got, want) {
		t.Errorf("dropped %q; want %q", got, want)
	}
	for _, f := range fl {
		if f.DstPort == 443 && f.Verdict == "dropped" && (f.Rule != "node-out-no-https" || f.Group != "sg-node-7f3a") {
			t.Errorf("internet 443 dropped by %q of %q; want node-out-no-https of sg-node-7f3a", f.Rule, f.Group)
		}
	}
	code, out, _ := runArgs(t, args...)
	if code != 0 || !strings.Contains(out, "replayed against huawei rules from testdata/huawei-rules.json (2 groups) placed by testdata/topology.json") ||
		!strings.Contains(out, `by rule "node-out-no-https" of group "sg-node-7f3a"`) {
		t.Errorf("exit %d\n%s", code, out)
	}
	if code, _, _ := runArgs(t, append(args, "-fail-on-drop")...); code != 1 {
		t.Errorf("-fail-on-drop: exit %d; want 1", code)
	}
}

// TestNetworkACLRules: a Huawei network ACL export (ShowFirewall) joins
// the security groups; testdata/topology-acl.json is topology.json with
// the ACL on the control subnet. Its first ingress rule keeps node
// 192.168.0.12 off the API server on 5444; its disabled rule, which would
// deny everything, is reported and not evaluated.
func TestNetworkACLRules(t *testing.T) {
	args := []string{"-pcap", "testdata/cce-tunnel.pcap", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "-rules", "testdata/huawei-acl.json", "-topology", "testdata/topology-acl.json"}
	want := []string{
		"tcp 192.168.0.12:41200 -> 192.168.1.2:5444 at destination subnet ACL inbound",
		"tcp 192.168.0.12:43100 -> 192.168.1.2:6443 at source egress",
		"tcp 192.168.0.11:43200 -> 203.0.113.80:443 at source egress",
	}
	fl := jsonFlows(t, args...)
	if got := dropped(fl); !slices.Equal(got, want) {
		t.Errorf("dropped %q; want %q", got, want)
	}
	for _, f := range fl {
		if f.DstPort == 5444 && f.Verdict == "dropped" && (f.Rule != "acl-in-1" || f.Group != "acl-control") {
			t.Errorf("5444 dropped by %q of %q; want acl-in-1 of acl-control", f.Rule, f.Group)
		}
	}
	code, out, _ := runArgs(t, args...)
	if code != 0 || !strings.Contains(out, "(2 groups, 1 network ACLs)") ||
		!strings.Contains(out, "testdata/huawei-acl.json: 1 disabled rules and 0 rules of disabled network ACLs are not evaluated") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestProgressOnlyOnTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := newProgress(f); p.w != nil {
		t.Error("progress on a regular file")
	}
	if p := newProgress(&bytes.Buffer{}); p.w != nil {
		t.Error("progress on a buffer")
	}
}

// With -inner-drops the pod-to-pod call inside VXLAN is judged by the
// pods' group as if it were not encapsulated: cce-node's hardened egress
// opens only 5353 and 5444 toward the container CIDR, so the 8080 call is
// dropped at source egress, with the 24 VXLAN packets that carry it.
func TestInnerDrops(t *testing.T) {
	code, stdout, errOut := runArgs(t, "-inner-drops")
	if code != 0 {
		t.Fatal(errOut)
	}
	for _, want := range []string{
		"5 of 32 flows would be dropped",
		"172.16.0.5:39000    172.16.1.7:8080",
		"vxlan vni 1 in #11",
		"capture 1: 290 packets, 40 would be dropped",
		"note: 1 dropped flows are inner flows of a tunnel (\"in #ID\" names the outer flow); -inner-drops judged them",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q\n%s", want, stdout)
		}
	}
}

// corruptAfter returns the classic pcap data cut after its first k
// records, followed by a record header claiming 4 GiB, and the byte
// offset of that header.
func corruptAfter(t *testing.T, data []byte, k int) ([]byte, int) {
	t.Helper()
	off := 24
	for i := 0; i < k; i++ {
		if off+16 > len(data) {
			t.Fatalf("capture has fewer than %d records", k)
		}
		off += 16 + int(binary.LittleEndian.Uint32(data[off+8:]))
	}
	out := append(append([]byte(nil), data[:off]...), make([]byte, 16)...)
	binary.LittleEndian.PutUint32(out[off+8:], 0xffffffff)
	return out, off
}

// TestPartialInput: an input that turns corrupt partway is reported with
// everything read before it, the summary says where it stopped, stderr
// says so in one line; the exit status is 0, or 1 with -fail-on-drop
// (drops seen, or input left unread that could hold some); an input
// that yields nothing is bad input (2).
func TestPartialInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	early, earlyAt := corruptAfter(t, sampleCapture, 20) // before the first dropped flow
	earlyPath := write("early.pcap", early)
	full, fullAt := corruptAfter(t, sampleCapture, 290)
	fullPath := write("full.pcap", full)
	first, _ := corruptAfter(t, sampleCapture, 0)
	firstPath := write("first.pcap", first)
	stopped := func(at, after int) string {
		return fmt.Sprintf("capture: pcap record at byte %d (after packet %d): claims 4294967295 captured bytes, above the 1048576 limit: file corrupt", at, after)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		stdout   []string
		stderr   string
		noStdout bool
	}{
		{[]string{"-pcap", earlyPath}, 0,
			[]string{"0 of ", "capture 1: 18 packets, 0 would be dropped; skipped: not-ip 2", "capture 1: stopped: " + stopped(earlyAt, 20) + "\n"},
			"sgsim replay: capture 1 (" + earlyPath + "): " + stopped(earlyAt, 20) + "; the report covers what was read before it\n", false},
		{[]string{"-pcap", earlyPath, "-fail-on-drop"}, 1, []string{"0 of "}, "sgsim replay: capture 1 (" + earlyPath + "): ", false},
		{[]string{"-pcap", fullPath, "-fail-on-drop"}, 1,
			[]string{"4 of 32 flows would be dropped", "192.168.0.10:43001  192.168.0.11:9100", "capture 1: stopped: " + stopped(fullAt, 290) + "\n"},
			"sgsim replay: capture 1 (" + fullPath + "): ", false},
		{[]string{"-pcap", fullPath, "-format", "json"}, 0, []string{`"dport":9100`}, "capture 1: stopped: " + stopped(fullAt, 290) + "\n", false},
		{[]string{"-pcap", firstPath}, 2, nil, "sgsim replay: " + firstPath + ": " + stopped(24, 0) + "\n", true},
	} {
		code, out, errOut := runArgs(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) || tc.noStdout && out != "" {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q\n%s", tc.args, code, errOut, tc.code, tc.stderr, out)
			continue
		}
		for _, w := range tc.stdout {
			if !strings.Contains(out, w) {
				t.Errorf("%q: stdout lacks %q:\n%s", tc.args, w, out)
			}
		}
	}

	// Flow logs: the same, by line.
	const rec = "2 111122223333 eni-0f00ba47 192.168.0.10 192.168.1.2 40000 5444 6 12 2210 1715000000 1715000055 ACCEPT OK\n"
	const zoned = "2 111122223333 eni-0f00ba47 fe80::1%eth0 192.168.1.2 40000 5444 6 12 2210 1715000000 1715000055 ACCEPT OK\n"
	logPath := write("flow.log", []byte(rec+rec+zoned+rec))
	code, out, errOut := runArgs(t, "-flowlog", logPath)
	want := `flowlog: line 3, field "srcaddr": "fe80::1%eth0": IPv6 address with a zone: flow logs carry none and no rule can match one`
	if code != 0 || !strings.Contains(out, "flowlog 1: 2 records") || !strings.Contains(out, "flowlog 1: stopped: "+want+"\n") ||
		errOut != "sgsim replay: flowlog 1 ("+logPath+"): "+want+"; the report covers what was read before it\n" {
		t.Errorf("flow log: exit %d, stderr %q\n%s", code, errOut, out)
	}
	badPath := write("bad.log", []byte(zoned+rec))
	if code, out, errOut := runArgs(t, "-flowlog", badPath); code != 2 || out != "" || errOut != "sgsim replay: "+badPath+": "+strings.Replace(want, "line 3", "line 1", 1)+"\n" {
		t.Errorf("flow log bad from line 1: exit %d, stderr %q, stdout %q; want 2 and the error", code, errOut, out)
	}
}

// TestDroppedPcapAtomic: -dropped-pcap goes through a temporary file in
// the same directory, renamed on success: a failed run leaves an existing
// file as it was and creates no file (not even an empty one); a
// successful one replaces it, keeping its permissions.
func TestDroppedPcapAtomic(t *testing.T) {
	dir := t.TempDir()
	sample := filepath.Join(dir, "sample.pcap")
	if err := os.WriteFile(sample, sampleCapture, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dropped.pcap")
	ls := func() []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	missing := filepath.Join(dir, "missing.pcap")
	// The run fails after replaying the first capture: no file at all.
	if code, _, errOut := runArgs(t, "-pcap", sample, "-pcap", missing, "-dropped-pcap", out); code != 2 || !strings.Contains(errOut, "missing.pcap") {
		t.Fatalf("exit %d, stderr %q; want 2", code, errOut)
	}
	if got := ls(); !slices.Equal(got, []string{"sample.pcap"}) {
		t.Errorf("after a failed run the directory holds %q; want only sample.pcap", got)
	}
	// An existing file survives a failed run untouched.
	if err := os.WriteFile(out, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runArgs(t, "-pcap", sample, "-pcap", missing, "-dropped-pcap", out); code != 2 {
		t.Fatalf("exit %d; want 2", code)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "keep me" {
		t.Errorf("existing file after a failed run: %q, %v; want it unchanged", b, err)
	}
	if got := ls(); !slices.Equal(got, []string{"dropped.pcap", "sample.pcap"}) {
		t.Errorf("after a failed run the directory holds %q", got)
	}
	// A successful run replaces it, with its permissions.
	if code, _, errOut := runArgs(t, "-pcap", sample, "-dropped-pcap", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := countPcap(t, out); n != 16 {
		t.Errorf("%d packets in %s; want 16", n, out)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode after replacing: %v, %v; want 0600 kept", st.Mode(), err)
	}
	if got := ls(); !slices.Equal(got, []string{"dropped.pcap", "sample.pcap"}) {
		t.Errorf("after a good run the directory holds %q", got)
	}
}

// On a terminal a long step shows what it is doing, over one line that
// is cleared at the end; stopping twice is harmless. (A pipe stands in
// for the terminal: newProgress only decides whether to write.)
func TestProgressPhase(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &progress{w: w}
	stop := p.phase("lint: big")
	// Wait for the first line (after a second, later on a loaded machine).
	first := make([]byte, 80)
	if _, err := io.ReadFull(r, first); err != nil {
		t.Fatal(err)
	}
	stop()
	stop()
	w.Close()
	rest, _ := io.ReadAll(r)
	if !strings.HasPrefix(string(first), "\rsgsim lint: big, ") || !strings.HasSuffix(string(rest), "\r"+strings.Repeat(" ", 79)+"\r") {
		t.Errorf("progress %q then %q", first, rest)
	}
}

// Lint's progress line counts the rules linted: what, done of total, and
// the time, cleared at the end.
func TestProgressCount(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &progress{w: w}
	var done, total atomic.Int64
	done.Store(1234)
	total.Store(10000)
	stop := p.count("lint: big", "rules", &done, &total)
	first := make([]byte, 80)
	if _, err := io.ReadFull(r, first); err != nil {
		t.Fatal(err)
	}
	stop()
	w.Close()
	rest, _ := io.ReadAll(r)
	if !strings.HasPrefix(string(first), "\rsgsim lint: big: 1234 of 10000 rules, ") || !strings.HasSuffix(string(rest), "\r"+strings.Repeat(" ", 79)+"\r") {
		t.Errorf("progress %q then %q", first, rest)
	}
}

// TestReplayOutsideFlows: flows no hop judges (the CCE sample against the
// AWS example export, whose addresses are 10.0.x, so every flow is
// outside the network) are counted as such by replay, in the text
// summary, in the JSON run's summary on stderr and on each JSON line, and
// the count is the one usage gives for the same input.
func TestReplayOutsideFlows(t *testing.T) {
	in := []string{"-vendor", "aws",
		"-rules", "../../provider/aws/testdata/describe-security-groups.json",
		"-nics", "../../provider/aws/testdata/describe-network-interfaces.json",
		"-pcap", "testdata/cce-tunnel.pcap"}
	const want = "flows: 32 allowed (32 of them passed no hop: no security group or network ACL on their path, allowed by default), 0 dropped"
	code, out, errOut := runArgs(t, append([]string{"replay"}, in...)...)
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("text: exit %d %s\n%s", code, errOut, out)
	}
	code, out, errOut = runArgs(t, append([]string{"replay", "-format", "json"}, in...)...)
	if code != 0 || !strings.Contains(errOut, want) {
		t.Errorf("json: exit %d, stderr\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var j struct{ Outside *bool }
		if err := json.Unmarshal([]byte(l), &j); err != nil || j.Outside == nil || !*j.Outside {
			t.Errorf("json line %q: %v; want \"outside\": true", l, err)
		}
	}
	if len(lines) != 32 {
		t.Errorf("%d json lines; want 32", len(lines))
	}
	code, out, errOut = runArgs(t, append([]string{"usage"}, in...)...)
	if code != 0 || !strings.Contains(out, "29 flows counted against rules (29 of them passed no hop: no security group or network ACL on their path, allowed by default), 3 tunnelled inner flows") {
		t.Errorf("usage: exit %d %s\n%s", code, errOut, out)
	}
}
