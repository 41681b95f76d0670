package analyze_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

// Every destination port where the random rules (sgsimtest.SmallRule) start or end,
// and their neighbours.
var mapPorts = []uint16{0, 1, 21, 22, 23, 24, 79, 80, 81, 82, 1022, 1023, 1024, 1025, 1026, 40000, 65535}

// mapNetwork draws a small network whose rules name more protocols than
// expNetwork's (SCTP, GRE, protocol 99 and ICMP codes) and the VXLAN
// port, about half of them with overlays (pods carried over endpoints).
func mapNetwork(t *rapid.T) (sgsim.NetworkSpec, *sgsim.Network) {
	return sgsimtest.SmallNetwork(t, sgsimtest.SmallOptions{ICMPCodes: true, Protocols: []sgsim.Protocol{
		sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.SCTP, sgsim.ICMP, sgsim.ICMP, sgsim.GRE, sgsim.ProtocolNumber(99)},
		DstPorts: []uint16{22, 80, 1023, 1024, 4789}, Overlay: sgsimtest.SmallOverlays})
}

// The protocols and ICMP messages a probe of the map property asks about:
// each with a port protocol, ICMP, a protocol the rules name, and ones
// they never name (0, 4, 255: the Other passage).
var (
	mapProbeProtos = []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.SCTP, sgsim.ICMP, sgsim.GRE, sgsim.ProtocolNumber(99),
		sgsim.ProtocolNumber(0), sgsim.ProtocolNumber(4), sgsim.ProtocolNumber(255), sgsim.ESP}
	mapProbeTypes = []uint8{0, 3, 8, 13, 14, 15, 200}
	mapProbeCodes = []uint8{0, 1, 4, 255}
)

// The map equals per-pair Reach and, by enumerating every address pair,
// the flows Decide lets through, for every protocol (a sample per run:
// port protocols on a few ports, ICMP messages by type and code, named
// and unnamed protocols); groups merge exactly the rows (columns) that
// are equal.
func TestMapProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec, n := mapNetwork(t)
		m, err := analyze.Map(n, spec)
		if err != nil {
			t.Fatal(err)
		}
		eps := spec.Endpoints
		named := map[sgsim.Protocol]bool{}
		for _, g := range append(slices.Clone(spec.Groups), spec.ACLs...) {
			for _, r := range g.Rules {
				named[r.Protocol] = true
			}
		}
		for _, e := range spec.Exempt {
			named[e.Protocol] = true
		}
		if spec.Exempt == nil {
			for _, e := range spec.Cloud.ACLExempt() {
				named[e.Protocol] = true
			}
		}
		// A few of the interesting ports and messages per run keep the
		// test fast; the runs together cover them all.
		protos := rapid.SliceOfNDistinct(rapid.SampledFrom(mapProbeProtos), 3, 3, rapid.ID[sgsim.Protocol]).Draw(t, "protocols")
		sample := rapid.SliceOfNDistinct(rapid.SampledFrom(mapPorts), 2, 2, rapid.ID[uint16]).Draw(t, "ports")
		var msgs [][2]uint8
		for range 3 {
			msgs = append(msgs, [2]uint8{rapid.SampledFrom(mapProbeTypes).Draw(t, "type"), rapid.SampledFrom(mapProbeCodes).Draw(t, "code")})
		}
		for i, a := range eps {
			for j, b := range eps {
				cell := &m.Cells[i][j]
				for _, proto := range protos {
					num, _ := proto.Number()
					other := m.Other.Contains(uint16(num)) && len(m.Other) > 0
					if other != (!proto.HasPorts() && !proto.IsICMP() && !named[proto]) {
						t.Fatalf("protocol %s: in Other %v is %v", proto, m.Other, other)
					}
					p := &analyze.Passage{Protocol: proto}
					for k := range cell.Passages {
						if q := &cell.Passages[k]; q.Protocol == proto && !q.Other || q.Other && other {
							p = q
						}
					}
					type probe struct {
						port        uint16 // the pseudo-port in the passage
						dport       uint16
						itype, code uint8
					}
					var probes []probe
					switch {
					case proto.HasPorts():
						for _, port := range sample {
							probes = append(probes, probe{port: port, dport: port})
						}
					case proto.IsICMP():
						for _, x := range msgs {
							probes = append(probes, probe{port: uint16(x[0])<<8 | uint16(x[1]), itype: x[0], code: x[1]})
						}
					default:
						probes = append(probes, probe{})
					}
					for _, pr := range probes {
						q := sgsim.Query{From: a.Addrs, To: b.Addrs, Protocol: proto, ICMPType: pr.itype, ICMPCode: pr.code, Question: sgsim.Answered}
						if proto.HasPorts() {
							q.DstPorts = sgsim.Ports{sgsim.Port(pr.dport)}
						}
						ans, err := n.Reach(q)
						if err != nil {
							t.Fatal(err)
						}
						q.Question = sgsim.Delivered
						del, err := n.Reach(q)
						if err != nil {
							t.Fatal(err)
						}
						port := pr.port
						inRT, inOW := p.RoundTrip.Contains(port) && len(p.RoundTrip) > 0, p.OneWay.Contains(port) && len(p.OneWay) > 0
						if inRT != (ans.Outcome != sgsim.None) {
							t.Fatalf("%s -> %s %s %+v: round trip %v, Reach answered %s (cell %q)", a.Name, b.Name, proto, pr, inRT, ans.Outcome, cell)
						}
						if inOW != (ans.Outcome == sgsim.None && del.Outcome != sgsim.None) {
							t.Fatalf("%s -> %s %s %+v: one-way %v, Reach answered %s delivered %s (cell %q)", a.Name, b.Name, proto, pr, inOW, ans.Outcome, del.Outcome, cell)
						}
						// Enumeration: every address pair, two source ports.
						for _, src := range addrList(a.Addrs) {
							for _, dst := range addrList(b.Addrs) {
								for _, sp := range []uint16{1024, 65535} {
									f := sgsim.Flow{Proto: proto, Src: src, Dst: dst, ICMPType: pr.itype, ICMPCode: pr.code}
									if proto.HasPorts() {
										f.SrcPort, f.DstPort = sp, pr.dport
									}
									d := n.Decide(f)
									switch {
									case d.Allowed && !inRT:
										t.Fatalf("%s answered, but %+v not in the round trip of %q", f, pr, cell)
									case d.Delivered && !inRT && !inOW:
										t.Fatalf("%s delivered, but %+v not in %q", f, pr, cell)
									case inRT && !p.Partial && !d.Allowed:
										t.Fatalf("%s not answered, but %q is not partial", f, cell)
									}
								}
							}
						}
					}
				}
			}
		}
		checkGroups(t, m, m.RowGroups, func(i, j int) string { return m.Cells[i][j].String() })
		checkGroups(t, m, m.ColGroups, func(i, j int) string { return m.Cells[j][i].String() })
	})
}

// checkGroups checks that the groups partition the endpoints, that
// members of one group agree on every cell and that two groups differ in
// some cell.
func checkGroups(t *rapid.T, m *analyze.ConnMap, groups [][]int, cell func(member, other int) string) {
	n := len(m.Endpoints)
	var all []int
	for _, g := range groups {
		all = append(all, g...)
	}
	slices.Sort(all)
	if len(all) != n {
		t.Fatalf("groups %v do not partition %d endpoints", groups, n)
	}
	for i := range all {
		if all[i] != i {
			t.Fatalf("groups %v do not partition %d endpoints", groups, n)
		}
	}
	row := func(i int) string {
		var ss []string
		for j := range n {
			ss = append(ss, cell(i, j))
		}
		return strings.Join(ss, "|")
	}
	for gi, g := range groups {
		for _, i := range g[1:] {
			if row(i) != row(g[0]) {
				t.Fatalf("group %v merges %s and %s, which differ", g, m.Endpoints[g[0]], m.Endpoints[i])
			}
		}
		for _, h := range groups[gi+1:] {
			if row(h[0]) == row(g[0]) {
				t.Fatalf("groups %v and %v behave alike but are not merged", g, h)
			}
		}
	}
}

func TestMapFormats(t *testing.T) {
	rule := sgsim.MustParseRule
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "web", Rules: []sgsim.Rule{rule("ingress allow tcp 443 from 10.0.0.0/29"), rule("egress allow any")}},
			{ID: "client", Rules: []sgsim.Rule{rule("egress allow tcp"), rule("egress allow udp 53")}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "c1", Addrs: sgsim.MustParseAddrs("10.0.0.1"), Groups: []string{"client"}},
			{Name: "c2", Addrs: sgsim.MustParseAddrs("10.0.0.2"), Groups: []string{"client"}},
			{Name: "w", Addrs: sgsim.MustParseAddrs("10.0.0.9"), Groups: []string{"web"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := analyze.Map(n, spec)
	if err != nil {
		t.Fatal(err)
	}
	// c1 and c2 behave alike as sources and as destinations.
	if fmt.Sprint(m.RowGroups) != "[[0 1] [2]]" || fmt.Sprint(m.ColGroups) != "[[0 1] [2]]" {
		t.Fatalf("groups %v %v", m.RowGroups, m.ColGroups)
	}
	if got := m.Group(0, 1).String(); got != "tcp 443" {
		t.Errorf("clients -> web: %q", got)
	}
	if got := m.Group(1, 0).String(); got != "" {
		t.Errorf("web -> clients: %q (the clients' groups admit nothing)", got)
	}
	var b bytes.Buffer
	m.WriteText(&b)
	for _, s := range []string{"3 endpoints: 2 source groups, 2 destination groups", "  S1: c1, c2\n", "  S1 -> D2: tcp 443\n"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, b.String())
		}
	}
	b.Reset()
	m.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "| S1 | - | tcp 443 |\n") || !strings.Contains(b.String(), "- D1 (to): c1, c2\n") {
		t.Errorf("markdown:\n%s", b.String())
	}
	b.Reset()
	m.WriteCSV(&b)
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[1], ",") != "c1,w,S1,D2,tcp,443,,false" || strings.Join(recs[2], ",") != "c2,w,S1,D2,tcp,443,,false" {
		t.Errorf("csv: %v", recs)
	}
	b.Reset()
	m.WriteJSON(&b)
	var j analyze.JSONMap
	if err := json.Unmarshal(b.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Cells) != 1 || j.Cells[0].From != "S1" || j.Cells[0].To != "D2" || j.Cells[0].Passages[0].RoundTrip != "443" ||
		len(j.Cells[0].Passages[0].Witness) != 3 || !strings.Contains(j.Cells[0].Passages[0].Witness[2], "ingress allow tcp 443") {
		t.Errorf("json: %s", b.String())
	}
	b.Reset()
	m.WriteDOT(&b)
	if !strings.Contains(b.String(), `S1 -> D2 [label="tcp 443"];`) || !strings.Contains(b.String(), `S1 [label="S1: c1, c2"];`) {
		t.Errorf("dot:\n%s", b.String())
	}
	b.Reset()
	m.WriteHTML(&b)
	h := b.String()
	for _, s := range []string{"<svg", `<rect class="cell" data-i="1" data-kind="full"`, "<title>S1 -&gt; D2 (round trip, every flow): tcp 443</title>",
		`"Summary":"tcp 443"`, "addEventListener(\"click\"", `<li data-kind="full">`, ">●</span> round trip, every flow</li>", `<li data-kind="oneway">`} {
		if !strings.Contains(h, s) {
			t.Errorf("html lacks %q", s)
		}
	}
	// Every square carries its symbol, not only its colour: S1 -> D2
	// (the second square) a round trip, the others nothing.
	syms := regexp.MustCompile(`<text class="sym"[^>]*>([^<]*)</text>`).FindAllStringSubmatch(h, -1)
	if len(syms) != strings.Count(h, `<rect class="cell"`) || len(syms) != 4 || syms[1][1] != "●" || syms[0][1] != "–" {
		t.Errorf("symbols %q", syms)
	}
	for _, s := range []string{"http://", "https://", "src=", "href="} {
		if strings.Contains(strings.ReplaceAll(h, `xmlns="http://www.w3.org/2000/svg"`, ""), s) {
			t.Errorf("html refers to an external asset: %q", s)
		}
	}
}

// One-way: a stateless ACL lets the request in but not the reply out.
func TestMapOneWay(t *testing.T) {
	rule := sgsim.MustParseRule
	stateless := false
	spec := sgsim.NetworkSpec{
		Cloud:       sgsim.Union,
		StatefulACL: &stateless,
		ACLs:        []sgsim.Group{{ID: "acl", Rules: []sgsim.Rule{rule("ingress allow udp 514 priority 1"), rule("egress allow tcp priority 2"), rule("ingress allow tcp priority 3")}}},
		Subnets: []sgsim.Subnet{
			{Name: "a", Prefix: netip.MustParsePrefix("10.0.1.0/24")},
			{Name: "b", Prefix: netip.MustParsePrefix("10.0.2.0/24"), ACL: "acl"},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "x", Addrs: sgsim.MustParseAddrs("10.0.1.1"), Subnet: "a"},
			{Name: "y", Addrs: sgsim.MustParseAddrs("10.0.2.1"), Subnet: "b"},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := analyze.Map(n, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Cells[0][1].String(); got != "tcp 0-65535; udp 514 one-way" {
		t.Errorf("x -> y: %q", got)
	}
	// In the page, a square with some round trip and some one-way traffic
	// is marked partial, by colour and symbol.
	var b bytes.Buffer
	m.WriteHTML(&b)
	if !regexp.MustCompile(`data-kind="partial"[^\n]*<title>S1 -&gt; D2 \(round trip, but not every flow or some only one way\): tcp 0-65535; udp 514 one-way</title></rect>\n<text class="sym"[^>]*>◐</text>`).MatchString(b.String()) {
		t.Errorf("html:\n%s", b.String())
	}
}

// The map, built from one query per protocol and family over every
// endpoint, equals the map built pair by pair (RefMap: three Reach
// queries per pair and protocol over the pair alone) cell for cell; every
// witness is an answered flow of its pair.
func TestMapEqualsPerPair(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec, n := mapNetwork(t)
		m, err := analyze.Map(n, spec)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := analyze.RefMap(n, spec)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range spec.Endpoints {
			for j, b := range spec.Endpoints {
				got, want := &m.Cells[i][j], &ref.Cells[i][j]
				if got.String() != want.String() {
					t.Fatalf("%s -> %s: map %q, per pair %q", a.Name, b.Name, got, want)
				}
				for k := range got.Passages {
					p, q := &got.Passages[k], &want.Passages[k]
					if !slices.Equal(p.RoundTrip, q.RoundTrip) || !slices.Equal(p.OneWay, q.OneWay) || p.Partial != q.Partial {
						t.Fatalf("%s -> %s %s: map %v/%v/%v, per pair %v/%v/%v", a.Name, b.Name, p.Protocol,
							p.RoundTrip, p.OneWay, p.Partial, q.RoundTrip, q.OneWay, q.Partial)
					}
					if len(p.RoundTrip) > 0 {
						w := p.Witness.Flow
						if !a.Addrs.Contains(w.Src) || !b.Addrs.Contains(w.Dst) || !n.Decide(w).Allowed {
							t.Fatalf("%s -> %s %s: witness %s is not an answered flow of the pair", a.Name, b.Name, p.Protocol, w)
						}
					}
					// The answered regions lie in the pair and hold the
					// round-trip ports only.
					for _, r := range p.Allowed {
						if !subset(r.Src, a.Addrs) || !subset(r.Dst, b.Addrs) {
							t.Fatalf("%s -> %s: allowed region %s outside the pair", a.Name, b.Name, r)
						}
						for _, pr := range r.DstPorts {
							if !p.RoundTrip.Contains(pr.First) || !p.RoundTrip.Contains(pr.Last) {
								t.Fatalf("%s -> %s: allowed region %s outside ports %v", a.Name, b.Name, r, p.RoundTrip)
							}
						}
					}
				}
			}
		}
	})
}

func subset(a, b sgsim.Addrs) bool {
	for _, r := range a.Ranges() {
		if !b.Set().ContainsRange(r) {
			return false
		}
	}
	return true
}

// Every protocol: a rule that allows all of them, one protocol by name
// or number, ICMP types and a type with one code.
func TestMapProtocols(t *testing.T) {
	rule := sgsim.MustParseRule
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "out", Rules: []sgsim.Rule{rule("egress allow any")}},
			{ID: "srv", Rules: []sgsim.Rule{rule("ingress allow any from 10.0.0.1"), rule("ingress allow gre from 10.0.0.2"),
				rule("ingress allow 99 from 10.0.0.2"), rule("ingress allow icmp type 3 code 4 from 10.0.0.2"),
				rule("ingress allow icmp type 8 from 10.0.0.2"), rule("ingress allow icmp type 13 from 10.0.0.2")}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "a", Addrs: sgsim.MustParseAddrs("10.0.0.1"), Groups: []string{"out"}},
			{Name: "b", Addrs: sgsim.MustParseAddrs("10.0.0.2"), Groups: []string{"out"}},
			{Name: "w", Addrs: sgsim.MustParseAddrs("10.0.0.9"), Groups: []string{"srv"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := analyze.Map(n, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Cells[0][2].String(), "tcp 0-65535; udp 0-65535; sctp 0-65535; icmp all; gre; proto 99; other"; got != want {
		t.Errorf("a -> w: %q, want %q", got, want)
	}
	if got, want := m.Cells[1][2].String(), "icmp type 3 code 4,echo,timestamp; gre; proto 99"; got != want {
		t.Errorf("b -> w: %q, want %q", got, want)
	}
	// The ICMP witness is an echo request where one passes, not the
	// first type (0, echo reply).
	for _, c := range [][2]int{{0, 2}, {1, 2}} {
		for _, p := range m.Cells[c[0]][c[1]].Passages {
			if p.Protocol == sgsim.ICMP && (p.Witness.Flow.ICMPType != 8 || !p.Witness.Allowed) {
				t.Errorf("%v: icmp witness %s", c, p.Witness.Flow)
			}
		}
	}
	if got, want := m.Other.String(), "0,2-5,7-16,18-46,48-57,59-98,100-131,133-255"; got != want {
		t.Errorf("other: %s, want %s", got, want)
	}
	var b bytes.Buffer
	m.WriteText(&b)
	if !strings.Contains(b.String(), "(other: the IP protocols no rule names, 0,2-5,7-16,") {
		t.Errorf("text:\n%s", b.String())
	}
	b.Reset()
	m.WriteCSV(&b)
	for _, s := range []string{"b,w,S2,D2,icmp,\"type 3 code 4,echo,timestamp\",,false\n", "a,w,S1,D2,other,yes,,false\n", "b,w,S2,D2,proto 99,yes,,false\n"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("csv lacks %q:\n%s", s, b.String())
		}
	}
}

func TestICMPMessages(t *testing.T) {
	for _, c := range []struct {
		p    sgsim.Protocol
		ps   string
		want string
	}{
		{sgsim.ICMP, "0-65535", "all"},
		{sgsim.ICMP, "2048-2303", "echo"},
		{sgsim.ICMPv6, "32768-33023", "echo"},
		{sgsim.ICMPv6, "33024-33279", "echo-reply"},
		{sgsim.ICMP, "5120-7679", "types 20-29"},
		{sgsim.ICMP, "2304-2559", "type 9"},
		{sgsim.ICMP, "768-771,773", "type 3 codes 0-3,5"},
		{sgsim.ICMP, "772", "type 3 code 4"},
		{sgsim.ICMP, "0-255,768-1023,1536-2303", "echo-reply,unreachable,types 6-7,echo"},
		{sgsim.ICMP, "0-5119,5121", "echo-reply,types 1-2,unreachable,source-quench,redirect,types 6-7,echo,types 9-10,time-exceeded,parameter-problem,timestamp,timestamp-reply,types 15-19,type 20 code 1"},
	} {
		if got := analyze.ICMPMessages(c.p, sgsim.MustParsePorts(c.ps)); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.p, c.ps, got, c.want)
		}
	}
}
