package usage_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/replay"
	"github.com/sgsim/sgsim/sgsim/replay/usage"
)

func testNet(t testing.TB) *sgsim.Network {
	t.Helper()
	rule := sgsim.MustParseRule
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "client", Rules: []sgsim.Rule{rule("egress allow any priority 1 id out")}},
			{ID: "server", Rules: []sgsim.Rule{
				rule("ingress allow tcp 80,443,8000-9000 from 10.0.0.0/8 priority 1 id web"),
				rule("ingress allow udp 53 from 10.0.0.0/8 priority 1 id dns"),
				rule("ingress allow tcp 22 from 10.0.0.0/8 priority 1 id ssh"),
				rule("ingress allow icmp from 10.0.0.0/8 priority 1 id ping"),
			}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "clients", Addrs: sgsim.MustParseAddrs("10.1.0.0/24"), Groups: []string{"client"}},
			{Name: "server", Addrs: sgsim.MustParseAddrs("10.2.0.1"), Groups: []string{"server"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func flow(t testing.TB, n *sgsim.Network, s string, fp, fb, rp, rb uint64, first, last int) *replay.Flow {
	t.Helper()
	f, err := sgsim.ParseFlow(s)
	if err != nil {
		t.Fatal(err)
	}
	return &replay.Flow{Proto: f.Proto, Src: f.Src, Dst: f.Dst, SrcPort: f.SrcPort, DstPort: f.DstPort, ICMPType: f.ICMPType, ICMPCode: f.ICMPCode,
		FwdPackets: fp, FwdBytes: fb, RevPackets: rp, RevBytes: rb, Decision: n.Decide(f),
		First: t0.Add(time.Duration(first) * time.Second), Last: t0.Add(time.Duration(last) * time.Second)}
}

func TestCounter(t *testing.T) {
	n := testNet(t)
	c := usage.New(n, usage.Config{})
	c.Add(flow(t, n, "tcp 10.1.0.4:40000 -> 10.2.0.1:443", 3, 300, 2, 2000, 10, 20))
	c.Add(flow(t, n, "tcp 10.1.0.5:40001 -> 10.2.0.1:80", 1, 60, 1, 60, 5, 6))
	c.Add(flow(t, n, "tcp 10.1.0.7:40002 -> 10.2.0.1:8080", 1, 60, 0, 0, 30, 31))
	c.Add(flow(t, n, "tcp 10.1.0.7:40003 -> 10.2.0.1:8081", 1, 60, 0, 0, 32, 33))
	c.Add(flow(t, n, "udp 10.1.0.9:5000 -> 10.2.0.1:5353", 4, 400, 0, 0, 40, 41)) // dropped at ingress
	c.Add(flow(t, n, "icmp 10.1.0.9 -> 10.2.0.1 type 8 code 0", 1, 98, 1, 98, 42, 42))
	inner := flow(t, n, "tcp 10.1.0.9:1 -> 10.2.0.1:22", 9, 900, 0, 0, 50, 60)
	inner.OuterID = 1
	c.Add(inner)
	rep := c.Report()
	if !rep.First.Equal(t0.Add(5*time.Second)) || !rep.Last.Equal(t0.Add(60*time.Second)) {
		t.Errorf("window %v to %v; want +5s to +60s (the inner flow's last packet)", rep.First, rep.Last)
	}
	if rep.Flows != 6 || rep.Inner != 1 {
		t.Errorf("flows %d inner %d; want 6 and 1", rep.Flows, rep.Inner)
	}
	type row struct {
		hop                          sgsim.Hop
		action                       sgsim.Action
		ref                          sgsim.RuleRef
		why                          string
		flows, allowed, pkts, bytes_ uint64
	}
	want := []row{
		{sgsim.SrcEgress, sgsim.Allow, sgsim.RuleRef{Group: "client"}, "", 6, 5, 15, 3136},
		{sgsim.DstIngress, sgsim.Allow, sgsim.RuleRef{Group: "server"}, "", 4, 4, 9, 2540},
		{sgsim.DstIngress, sgsim.Deny, sgsim.RuleRef{}, "no rule matched: default deny", 1, 0, 4, 400},
		{sgsim.DstIngress, sgsim.Allow, sgsim.RuleRef{Group: "server", Index: 3}, "", 1, 1, 2, 196},
	}
	if len(rep.Entries) != len(want) {
		t.Fatalf("%d entries; want %d: %+v", len(rep.Entries), len(want), rep.Entries)
	}
	for i, w := range want {
		e := rep.Entries[i]
		got := row{e.Hop, e.Action, e.Ref, e.Why, e.Flows, e.Allowed, e.Packets, e.Bytes}
		if got != w {
			t.Errorf("entry %d: %+v; want %+v", i, got, w)
		}
	}
	web := rep.Entries[1]
	if web.Rule != "web" || web.Used == nil {
		t.Fatalf("web entry %+v", web)
	}
	if got := web.Used.String(); got != "tcp 80,443,8080-8081 from 10.1.0.4/31,10.1.0.7/32 (within 10.1.0.4/30) to 10.2.0.1/32 (within 10.2.0.1/32)" {
		t.Errorf("web used: %s", got)
	}
	if got := rep.Entries[3].Used.String(); got != "icmp 8/0 from 10.1.0.9/32 (within 10.1.0.9/32) to 10.2.0.1/32 (within 10.2.0.1/32)" {
		t.Errorf("ping used: %s", got)
	}
	if rep.Entries[2].Used != nil {
		t.Error("a deny entry has Used")
	}
	// dns and ssh: no counted flow (the ssh flow is an inner flow).
	if len(rep.Unused) != 2 || rep.Unused[0].Rule != "dns" || rep.Unused[1].Rule != "ssh" || rep.Unused[1].Ref != (sgsim.RuleRef{Group: "server", Index: 2}) {
		t.Errorf("unused %+v; want dns, ssh", rep.Unused)
	}

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"observed 2025-01-02T03:04:10Z", "6 flows counted against rules, 1 tunnelled inner flows",
		`sg server #1 "web"`, "opens: ingress allow tcp 80,443,8000-9000 from 10.0.0.0/8",
		"2 allow rules no flow used:", `sg server #3 "ssh": ingress allow tcp 22 from 10.0.0.0/8`,
	} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, text.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back usage.JSONReport
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Flows != 6 || len(back.Entries) != 4 || back.Entries[1].Used.Ports["tcp"] != "80,443,8080-8081" || back.Entries[1].Group != "server" ||
		*back.Entries[1].Index != 0 || back.Entries[2].Why == "" || back.Entries[2].Index != nil || len(back.Unused) != 2 || back.First != "2025-01-02T03:04:10Z" {
		t.Errorf("json: %s", js.String())
	}
}

func TestCounterInner(t *testing.T) {
	n := testNet(t)
	c := usage.New(n, usage.Config{Inner: true})
	inner := flow(t, n, "tcp 10.1.0.9:1 -> 10.2.0.1:22", 9, 900, 0, 0, 50, 60)
	inner.OuterID = 1
	c.Add(inner)
	rep := c.Report()
	if rep.Flows != 1 || rep.Inner != 0 || len(rep.Entries) != 2 || rep.Entries[1].Rule != "ssh" || rep.Entries[1].Packets != 9 {
		t.Errorf("with Inner: %+v", rep)
	}
}

// TestCounterOutside: a flow between two addresses that are no endpoint
// of the network is counted but decided at no hop; the report says so
// instead of showing an empty table under "1 flows counted".
func TestCounterOutside(t *testing.T) {
	n := testNet(t)
	c := usage.New(n, usage.Config{})
	c.Add(flow(t, n, "tcp 192.0.2.1:40000 -> 198.51.100.1:80", 1, 60, 1, 60, 5, 6))
	c.Add(flow(t, n, "tcp 10.1.0.4:40000 -> 10.2.0.1:443", 1, 60, 1, 60, 7, 8))
	rep := c.Report()
	if rep.Flows != 2 || rep.Outside != 1 {
		t.Errorf("flows %d outside %d; want 2 and 1", rep.Flows, rep.Outside)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "2 flows counted against rules (1 of them passed no hop: no security group or network ACL on their path, allowed by default)") {
		t.Errorf("text %q %v", b.String(), err)
	}
	if j := rep.JSON(); j.Outside != 1 {
		t.Errorf("json outside_flows %d; want 1", j.Outside)
	}
}

// When every flow passed no hop, no rule decided any: the report says so
// in place of a table with a header and no rows.
func TestCounterAllOutside(t *testing.T) {
	n := testNet(t)
	c := usage.New(n, usage.Config{})
	c.Add(flow(t, n, "tcp 192.0.2.1:40000 -> 198.51.100.1:80", 1, 60, 1, 60, 5, 6))
	var b bytes.Buffer
	if err := c.Report().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.Contains(s, "\nno hop evaluated any flow: no rule decided one\n") || strings.Contains(s, "HOP") {
		t.Errorf("text:\n%s", s)
	}
}

func TestCounterEmpty(t *testing.T) {
	n := testNet(t)
	rep := usage.New(n, usage.Config{}).Report()
	if rep.Flows != 0 || len(rep.Entries) != 0 || len(rep.Unused) != 5 || !rep.First.IsZero() {
		t.Errorf("empty: %+v", rep)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "(no timestamp)") {
		t.Errorf("empty text %q %v", b.String(), err)
	}
}

// Over Config.MaxAddrs distinct addresses a rule's sources are kept as
// prefixes, shorter until they fit: the used space still holds every
// address seen, the cover stays exact, and the report says so. Under it
// they stay exact.
func TestCounterMaxAddrs(t *testing.T) {
	n := testNet(t)
	c := usage.New(n, usage.Config{MaxAddrs: 4})
	var seen []string
	for i := range 10 {
		src := "10.1.0." + strconv.Itoa(10+i*20)
		seen = append(seen, src)
		c.Add(flow(t, n, "tcp "+src+":40000 -> 10.2.0.1:443", 1, 60, 1, 60, i, i+1))
	}
	// A second rule with few sources stays exact.
	c.Add(flow(t, n, "udp 10.1.0.3:5000 -> 10.2.0.1:53", 1, 60, 1, 60, 0, 1))
	rep := c.Report()
	var web, dns *usage.Used
	for _, e := range rep.Entries {
		switch e.Rule {
		case "web":
			web = e.Used
		case "dns":
			dns = e.Used
		}
	}
	if web == nil || dns == nil {
		t.Fatalf("entries %+v", rep.Entries)
	}
	// Ten addresses in 10.1.0.0/24 do not fit in 4: kept as /24.
	if !web.Aggregated() || web.SrcBits != [2]int{24, 128} || web.DstBits != [2]int{32, 128} || fmt.Sprint(web.Src) != "[10.1.0.0/24]" {
		t.Errorf("web: src %v bits %v/%v", web.Src, web.SrcBits, web.DstBits)
	}
	if fmt.Sprint(web.SrcCover) != "[10.1.0.0/24]" || fmt.Sprint(web.Dst) != "[10.2.0.1/32]" {
		t.Errorf("web: cover %v dst %v", web.SrcCover, web.Dst)
	}
	for _, a := range seen {
		if !slices.ContainsFunc(web.Src, func(p netip.Prefix) bool { return p.Contains(netip.MustParseAddr(a)) }) {
			t.Errorf("web: %s seen but not in %v", a, web.Src)
		}
	}
	if dns.Aggregated() || fmt.Sprint(dns.Src) != "[10.1.0.3/32]" {
		t.Errorf("dns: %v %v", dns.Src, dns.SrcBits)
	}
	if s := web.String(); !strings.Contains(s, "from 10.1.0.0/24 [more distinct addresses than the limit: kept as /24, a superset of those seen, which lie within 10.1.0.0/24] to 10.2.0.1/32 (within 10.2.0.1/32)") {
		t.Errorf("text: %s", s)
	}
	// In JSON too: the web rule and the clients' egress rule saw the ten
	// sources, nothing else was aggregated.
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"src_aggregated_to": [`) || strings.Count(b.String(), "aggregated_to") != 2 {
		t.Errorf("json:\n%s", b.String())
	}
	// A limit of 1: sources in three /16s of 10.0.0.0/8 shrink through
	// /24 and /16 to /8.
	c = usage.New(n, usage.Config{MaxAddrs: 1})
	for _, src := range []string{"10.1.0.1", "10.9.0.1", "10.200.0.1"} {
		c.Add(flow(t, n, "tcp "+src+":40000 -> 10.2.0.1:443", 1, 60, 1, 60, 0, 1))
	}
	found := false
	for _, e := range c.Report().Entries {
		if e.Rule != "web" {
			continue
		}
		found = true
		if e.Used.SrcBits[0] != 8 || fmt.Sprint(e.Used.Src) != "[10.0.0.0/8]" || fmt.Sprint(e.Used.SrcCover) != "[10.0.0.0/8]" {
			t.Errorf("limit 1: %v %v cover %v", e.Used.Src, e.Used.SrcBits, e.Used.SrcCover)
		}
	}
	if !found {
		t.Error("limit 1: no entry for the web rule")
	}
}

// Over the limit, the kept prefix is wider than the addresses seen and
// than their cover: the text says the prefix is a superset and that the
// addresses lie within the cover, never that the kept prefix lies within
// a narrower one.
func TestUsedTextOverLimit(t *testing.T) {
	n := testNet(t)
	c := usage.New(n, usage.Config{MaxAddrs: 4})
	for i := range 5 {
		c.Add(flow(t, n, "tcp 10.1.0."+strconv.Itoa(10+i)+":40000 -> 10.2.0.1:443", 1, 60, 1, 60, i, i+1))
	}
	for _, e := range c.Report().Entries {
		if e.Rule != "web" {
			continue
		}
		want := "tcp 443 from 10.1.0.0/24 [more distinct addresses than the limit: kept as /24, a superset of those seen, which lie within 10.1.0.8/29] to 10.2.0.1/32 (within 10.2.0.1/32)"
		if got := e.Used.String(); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		return
	}
	t.Fatal("no web entry")
}
