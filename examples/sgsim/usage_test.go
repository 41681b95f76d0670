package main

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/replay/usage"
)

// conv is one conversation of the sample, decoded with gopacket on its
// own: its initiator's direction, packets and frame bytes.
type conv struct {
	flow      sgsim.Flow
	packets   uint64
	bytes     uint64
	tunnelled bool
}

// convKey identifies a conversation regardless of direction.
type convKey struct {
	proto      uint8
	a, b       netip.AddrPort
	inTunnelOf string
}

// decodeSample groups the embedded capture's IP packets into
// conversations: the outer IP flow of every packet and, for VXLAN, the
// inner one. The sample has no idle gaps within a conversation and no
// ICMP, which this decode does not need to handle (checked: it fails on
// a protocol it does not know).
func decodeSample(t *testing.T) (outer, inner []*conv, first, last time.Time) {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(sampleCapture))
	if err != nil {
		t.Fatal(err)
	}
	idx := map[convKey]*conv{}
	add := func(ip gopacket.Layer, next gopacket.Layer, length int, tunnel string) *conv {
		var src, dst netip.Addr
		var proto uint8
		switch l := ip.(type) {
		case *layers.IPv4:
			src, _ = netip.AddrFromSlice(l.SrcIP.To4())
			dst, _ = netip.AddrFromSlice(l.DstIP.To4())
			proto = uint8(l.Protocol)
		default:
			t.Fatalf("unexpected network layer %T", ip)
		}
		var sp, dp uint16
		syn := false
		switch l := next.(type) {
		case *layers.TCP:
			sp, dp = uint16(l.SrcPort), uint16(l.DstPort)
			syn = l.SYN && !l.ACK
		case *layers.UDP:
			sp, dp = uint16(l.SrcPort), uint16(l.DstPort)
		default:
			t.Fatalf("unexpected transport layer %T", next)
		}
		s, d := netip.AddrPortFrom(src, sp), netip.AddrPortFrom(dst, dp)
		k := convKey{proto: proto, a: s, b: d, inTunnelOf: tunnel}
		if d.Addr().Less(s.Addr()) || d.Addr() == s.Addr() && d.Port() < s.Port() {
			k.a, k.b = d, s
		}
		c := idx[k]
		if c == nil {
			c = &conv{flow: sgsim.Flow{Proto: sgsim.ProtocolNumber(proto), Src: src, Dst: dst, SrcPort: sp, DstPort: dp}, tunnelled: tunnel != ""}
			idx[k] = c
			if tunnel == "" {
				outer = append(outer, c)
			} else {
				inner = append(inner, c)
			}
		}
		if syn && c.flow.Src != src {
			t.Fatalf("SYN from the responder of %v", c.flow)
		}
		c.packets++
		c.bytes += uint64(length)
		return c
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		p := gopacket.NewPacket(data, r.LinkType(), gopacket.Default)
		ls := p.Layers()
		var ips []int
		for i, l := range ls {
			if l.LayerType() == layers.LayerTypeIPv4 || l.LayerType() == layers.LayerTypeIPv6 {
				ips = append(ips, i)
			}
		}
		if len(ips) == 0 {
			continue // ARP
		}
		if first.IsZero() || ci.Timestamp.Before(first) {
			first = ci.Timestamp
		}
		if ci.Timestamp.After(last) {
			last = ci.Timestamp
		}
		add(ls[ips[0]], ls[ips[0]+1], ci.Length, "")
		if len(ips) > 1 {
			add(ls[ips[1]], ls[ips[1]+1], ci.Length, "vxlan")
		}
	}
	return outer, inner, first, last
}

// Usage counts on the embedded sample equal counts computed from a plain
// gopacket decode of the capture: per hop and deciding rule (taken from
// Network.Trace of each conversation), the flows, packets and frame
// bytes; the window; and the allow rules no conversation met.
func TestUsageSampleIndependent(t *testing.T) {
	outer, inner, first, last := decodeSample(t)
	n, err := load.Load(load.Source{Profile: "cce-tunnel", Hardened: true})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ hop, action, what string }
	type count struct{ flows, packets, bytes uint64 }
	want := map[key]count{}
	usedText := map[string]bool{}
	for _, c := range outer {
		for _, s := range n.Net.Trace(c.flow).Steps {
			what := s.Note
			if s.Verdict.Rule != nil {
				what = s.Verdict.Rule.String()
				usedText[what] = true
			} else if what == "" {
				what = s.Verdict.Why()
			}
			k := key{s.Hop.String(), s.Verdict.Action.String(), what}
			w := want[k]
			w.flows++
			w.packets += c.packets
			w.bytes += c.bytes
			want[k] = w
		}
	}
	code, out, errOut := runArgs(t, "usage", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep usage.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Flows != uint64(len(outer)) || rep.Inner != uint64(len(inner)) {
		t.Errorf("flows %d inner %d; the decode has %d outer and %d inner conversations", rep.Flows, rep.Inner, len(outer), len(inner))
	}
	if rep.First != first.UTC().Format(time.RFC3339Nano) || rep.Last != last.UTC().Format(time.RFC3339Nano) {
		t.Errorf("window %s to %s; the capture's IP packets span %s to %s", rep.First, rep.Last, first.UTC(), last.UTC())
	}
	got := map[key]count{}
	for _, e := range rep.Entries {
		what := e.Text
		if what == "" {
			what = e.Why
		}
		got[key{e.Hop, e.Action, what}] = count{e.Flows, e.Packets, e.Bytes}
	}
	if len(got) != len(want) {
		t.Errorf("%d entries; the decode gives %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%v: usage %+v; decode %+v", k, got[k], w)
		}
	}
	// The unused allow rules: every allow rule of the attached groups
	// that no conversation's trace met.
	var unused []string
	attached := map[string]bool{}
	for _, ep := range n.Spec.Endpoints {
		for _, g := range ep.Groups {
			attached[g] = true
		}
	}
	for _, g := range n.Spec.Groups {
		if !attached[g.ID] {
			continue
		}
		for _, r := range g.Rules {
			if r.Action == sgsim.Allow && !usedText[r.String()] {
				unused = append(unused, g.ID+" "+r.ID)
			}
		}
	}
	var gotUnused []string
	for _, u := range rep.Unused {
		gotUnused = append(gotUnused, u.Group+" "+u.Rule)
	}
	slices.Sort(unused)
	slices.Sort(gotUnused)
	if strings.Join(gotUnused, "\n") != strings.Join(unused, "\n") || len(unused) == 0 {
		t.Errorf("unused:\n%s\nwant:\n%s", strings.Join(gotUnused, "\n"), strings.Join(unused, "\n"))
	}
}

func TestUsageText(t *testing.T) {
	code, out, errOut := runArgs(t, "usage")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{
		"rule usage against profile cce-tunnel/newer",
		"observed 2024-05-06T09:00:00.5Z to ",
		"source egress        deny    no rule matched: default deny        3      0        12       720",
		`sg cce-node #3 "worker/table3/3" at destination ingress`,
		"opens: ingress allow tcp 30000-32767 from 0.0.0.0/0",
		"used:  tcp 31080 from 192.168.2.5/32 (within 192.168.2.5/32) to 192.168.0.10/32,192.168.0.12/32 (within 192.168.0.8/29)",
		"allow rules no flow used:",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("text lacks %q:\n%s", s, out)
		}
	}
	// -max-addrs 2: the sample's three node addresses on the DNS rule are
	// kept as their /24, and the line says so.
	code, out, errOut = runArgs(t, "usage", "-max-addrs", "2")
	if code != 0 || !strings.Contains(out, "used:  udp 53 from 192.168.0.0/24 [more distinct addresses than the limit: kept as /24, a superset of those seen, which lie within 192.168.0.8/29] to 100.125.1.250/32 (within 100.125.1.250/32)") {
		t.Errorf("-max-addrs 2: exit %d %s\n%s", code, errOut, out)
	}
	if code, _, errOut := runArgs(t, "usage", "-max-addrs", "0"); code != exitUsage || !strings.Contains(errOut, "-max-addrs") {
		t.Errorf("-max-addrs 0: exit %d %q", code, errOut)
	}
	if code, _, _ := runArgs(t, "usage", "-fail-on-unused"); code != exitFail {
		t.Errorf("-fail-on-unused: exit %d; want 1 (rules are unused)", code)
	}
	if code, _, errOut := runArgs(t, "usage", "-pcap", "x.pcap", "-flowlog", "y.log"); code != exitUsage || !strings.Contains(errOut, "give one kind") {
		t.Errorf("-pcap and -flowlog: exit %d %q", code, errOut)
	}
}

// TestReadersSkipsReported: usage and tighten say what each reader read
// and skipped, as replay does; the embedded sample capture holds two ARP
// packets (not IP), its first and one more, which replay reports as
// "not-ip 2 (first packet 1)" (TestReplaySample).
func TestReadersSkipsReported(t *testing.T) {
	const line = "capture 1: 290 packets, 16 would be dropped; skipped: not-ip 2 (first packet 1); flagged: none\n"
	if code, out, errOut := runArgs(t, "usage"); code != 0 || !strings.Contains(out, line) {
		t.Errorf("usage: exit %d, stdout lacks %q:\n%s\nstderr: %s", code, line, out, errOut)
	}
	if code, _, errOut := runArgs(t, "usage", "-format", "json"); code != 0 || !strings.Contains(errOut, "sgsim usage: "+line) {
		t.Errorf("usage -format json: exit %d, stderr lacks %q:\n%s", code, "sgsim usage: "+line, errOut)
	}
	if code, _, errOut := runArgs(t, "tighten"); code != 0 || !strings.Contains(errOut, "sgsim tighten: "+line) {
		t.Errorf("tighten: exit %d, stderr lacks %q:\n%s", code, "sgsim tighten: "+line, errOut)
	}
}
