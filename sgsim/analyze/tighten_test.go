package analyze_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"pgregory.net/rapid"
)

// On random small networks with random synthetic traffic and required
// flows, Tighten's proposal (1) allows every observed flow the original
// allowed, (2) passes every required flow that passed, checked flow by
// flow, and (3) never opens a flow, and every flow it closes lies in a
// removal its proof lists for a group list on the flow's path; checked
// by enumerating every address pair on sampled ports.
func TestTightenProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec, n := expNetwork(t)
		eps := spec.Endpoints
		ports := rapid.SliceOfNDistinct(rapid.SampledFrom(mapPorts), 3, 3, rapid.ID[uint16]).Draw(t, "ports")
		protos := []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP}
		var observed []sgsim.Flow
		for i := range rapid.IntRange(0, 12).Draw(t, "flows") {
			a := eps[rapid.IntRange(0, len(eps)-1).Draw(t, fmt.Sprint("flow", i, " src"))]
			b := eps[rapid.IntRange(0, len(eps)-1).Draw(t, fmt.Sprint("flow", i, " dst"))]
			sa, da := addrList(a.Addrs), addrList(b.Addrs)
			f := sgsim.Flow{
				Proto: rapid.SampledFrom(protos).Draw(t, fmt.Sprint("flow", i, " proto")),
				Src:   rapid.SampledFrom(sa).Draw(t, fmt.Sprint("flow", i, " src addr")),
				Dst:   rapid.SampledFrom(da).Draw(t, fmt.Sprint("flow", i, " dst addr")),
			}
			if f.Proto.IsICMP() {
				f.ICMPType = rapid.SampledFrom([]uint8{8, 8, 3, 0}).Draw(t, fmt.Sprint("flow", i, " type"))
				if f.ICMPType == 3 {
					f.ICMPCode = 4
				}
			} else {
				f.SrcPort = uint16(rapid.IntRange(1024, 65535).Draw(t, fmt.Sprint("flow", i, " sport")))
				f.DstPort = rapid.SampledFrom(mapPorts).Draw(t, fmt.Sprint("flow", i, " dport"))
			}
			observed = append(observed, f)
		}
		var required []analyze.RequiredFlow
		for i := range rapid.IntRange(0, 2).Draw(t, "required") {
			a := eps[rapid.IntRange(0, len(eps)-1).Draw(t, fmt.Sprint("req", i, " src"))]
			b := eps[rapid.IntRange(0, len(eps)-1).Draw(t, fmt.Sprint("req", i, " dst"))]
			rf := analyze.RequiredFlow{Name: fmt.Sprint("req", i), Src: a.Addrs, Dst: b.Addrs,
				Protocol: rapid.SampledFrom(protos).Draw(t, fmt.Sprint("req", i, " proto"))}
			if rf.Protocol.IsICMP() {
				// Any message: a query with a reply, an error, a reply.
				it, ic := rapid.SampledFrom([]uint8{0, 3, 8, 13}).Draw(t, fmt.Sprint("req", i, " type")), rapid.SampledFrom([]uint8{0, 4}).Draw(t, fmt.Sprint("req", i, " code"))
				rf.ICMPType, rf.ICMPCode = &it, &ic
			} else {
				rf.Ports = sgsim.Ports{sgsim.Port(rapid.SampledFrom(mapPorts).Draw(t, fmt.Sprint("req", i, " port")))}
			}
			required = append(required, rf)
		}
		opt := analyze.TightenOptions{MaxRules: rapid.IntRange(1, 6).Draw(t, "max rules"), MinPrefix: rapid.SampledFrom([]int{24, 28, 30}).Draw(t, "min prefix"),
			MaxPortGap: rapid.SampledFrom([]int{0, 1, 60, -1}).Draw(t, "max port gap")}
		p, err := analyze.Tighten(spec, n, observed, required, opt)
		if err != nil {
			t.Fatalf("Tighten: %v", err)
		}
		pn, err := sgsim.BuildNetwork(p.Spec)
		if err != nil {
			t.Fatal(err)
		}
		// (1)
		for _, f := range observed {
			if n.Decide(f).Allowed && !pn.Decide(f).Allowed {
				t.Fatalf("observed %s: allowed before, dropped by the proposal", f)
			}
		}
		// (2), flow by flow.
		for _, c := range p.Required {
			if c.Before != sgsim.All {
				continue
			}
			if c.After != sgsim.All {
				t.Fatalf("required %s: %s after", c.Flow.Name, c.After)
			}
			for _, src := range addrList(c.Flow.Src) {
				for _, dst := range addrList(c.Flow.Dst) {
					for _, sp := range []uint16{1024, 65535} {
						f := sgsim.Flow{Proto: c.Flow.Protocol, Src: src, Dst: dst}
						if f.Proto.IsICMP() {
							f.ICMPType, f.ICMPCode = *c.Flow.ICMPType, *c.Flow.ICMPCode
						} else {
							f.SrcPort, f.DstPort = sp, c.Flow.Ports[0].First
						}
						if !pn.Decide(f).Allowed {
							t.Fatalf("required %s: %s dropped by the proposal", c.Flow.Name, f)
						}
					}
				}
			}
		}
		// (3)
		// A flow the proposal closes is dropped at a security-group hop
		// (ACLs are unchanged) whose group list's removals hold it.
		listed := func(f sgsim.Flow) bool {
			tr := pn.Trace(f)
			if tr.Dropped < 0 {
				return false
			}
			st := tr.Steps[tr.Dropped]
			dir := sgsim.Ingress
			switch st.Hop {
			case sgsim.SrcEgress, sgsim.ReplyDstEgress:
				dir = sgsim.Egress
			case sgsim.DstIngress, sgsim.ReplySrcIngress:
			default:
				return false
			}
			for _, sd := range p.Closed {
				for _, e := range sd.Endpoints {
					if e == st.Where && sd.Closes(dir, st.Flow) {
						return true
					}
				}
			}
			return false
		}
		for _, a := range eps {
			for _, b := range eps {
				for _, src := range addrList(a.Addrs) {
					for _, dst := range addrList(b.Addrs) {
						for _, proto := range protos {
							var fs []sgsim.Flow
							if proto.IsICMP() {
								fs = append(fs, sgsim.Flow{Proto: proto, Src: src, Dst: dst, ICMPType: 8},
									sgsim.Flow{Proto: proto, Src: src, Dst: dst, ICMPType: 3, ICMPCode: 4}, sgsim.Flow{Proto: proto, Src: src, Dst: dst})
							} else {
								for _, dp := range ports {
									for _, sp := range []uint16{1024, 65535} {
										fs = append(fs, sgsim.Flow{Proto: proto, Src: src, Dst: dst, SrcPort: sp, DstPort: dp})
									}
								}
							}
							for _, f := range fs {
								before, after := n.Decide(f), pn.Decide(f)
								if after.Delivered && !before.Delivered || after.Allowed && !before.Allowed {
									t.Fatalf("%s: the proposal opens it", f)
								}
								if before.Delivered && !after.Delivered && !listed(f) {
									t.Fatalf("%s: closed by the proposal, but in no removal of its proof\n%s\n%s\n%+v\n%+v", f, n.Trace(f), pn.Trace(f), spec, p.Spec)
								}
							}
						}
					}
				}
			}
		}
		for _, g := range p.Groups {
			if g.Restored == 0 && !g.OverMax && g.Rules > opt.MaxRules {
				t.Fatalf("group %s: %d rules over %d without OverMax", g.ID, g.Rules, opt.MaxRules)
			}
		}
		checkPutBack(t, p)
	})
}

// checkPutBack: every rule put back for a required flow is listed once,
// at its place in New, and what is said of it holds: the proposal
// without that one rule fails the required flow it names (its outcome
// falls below the one before).
func checkPutBack(t *rapid.T, p *analyze.Proposal) {
	before := map[string]sgsim.Outcome{}
	for _, c := range p.Required {
		before[c.Flow.Name] = c.Before
	}
	for gi, g := range p.Groups {
		whole := 0
		seen := map[int]bool{}
		for _, pb := range g.PutBack {
			if pb.Index < 0 || pb.Index >= len(g.New) || seen[pb.Index] || g.New[pb.Index].String() != pb.Rule.String() {
				t.Fatalf("group %s: put back %+v: not rule %d of new\n%v", g.ID, pb, pb.Index, g.New)
			}
			seen[pb.Index] = true
			if pb.Whole {
				whole++
			}
			var rf *analyze.RequiredFlow
			for i := range p.Required {
				if p.Required[i].Flow.Name == pb.For {
					rf = &p.Required[i].Flow
				}
			}
			if rf == nil {
				t.Fatalf("group %s: %s put back for %q, no required flow of that name", g.ID, pb.Rule, pb.For)
			}
			without := p.Spec
			without.Groups = slices.Clone(p.Spec.Groups)
			without.Groups[gi].Rules = slices.Delete(slices.Clone(g.New), pb.Index, pb.Index+1)
			wn, err := sgsim.BuildNetwork(without)
			if err != nil {
				t.Fatal(err)
			}
			r, err := wn.Reach(rf.Query())
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome >= before[pb.For] {
				t.Fatalf("group %s: %s put back for %q, which is %s without it too (%s before)", g.ID, pb.Rule, pb.For, r.Outcome, before[pb.For])
			}
		}
		if whole != g.Restored || len(g.PutBack)-whole != g.Partial {
			t.Fatalf("group %s: %d put back (%d whole); counts say %d whole, %d in part", g.ID, len(g.PutBack), whole, g.Restored, g.Partial)
		}
	}
}

func TestTightenExample(t *testing.T) {
	rule := sgsim.MustParseRule
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "web", Rules: []sgsim.Rule{
				rule("ingress allow tcp 0-65535 from 10.0.0.0/8 id wide"),
				rule("ingress allow udp 53 from 10.0.0.0/8 id unused"),
				rule("egress allow any id out"),
			}},
			{ID: "client", Rules: []sgsim.Rule{rule("egress allow any id c-out")}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "clients", Addrs: sgsim.MustParseAddrs("10.1.0.0/24"), Groups: []string{"client"}},
			{Name: "web", Addrs: sgsim.MustParseAddrs("10.2.0.1"), Groups: []string{"web"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	var observed []sgsim.Flow
	for _, s := range []string{"tcp 10.1.0.4:40000 -> 10.2.0.1:443", "tcp 10.1.0.5:40001 -> 10.2.0.1:443", "tcp 10.1.0.9:40002 -> 10.2.0.1:80"} {
		f, err := sgsim.ParseFlow(s)
		if err != nil {
			t.Fatal(err)
		}
		observed = append(observed, f)
	}
	texts := func(rs []sgsim.Rule) string {
		var ss []string
		for _, r := range rs {
			ss = append(ss, r.String())
		}
		return strings.Join(ss, "\n")
	}
	p, err := analyze.Tighten(spec, n, observed, nil, analyze.TightenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Exact: the addresses and ports seen; the unused rule and the
	// unused egress rules go.
	if got := texts(p.Groups[0].New); got != "ingress allow tcp 80,443 from 10.1.0.4/31,10.1.0.9 id wide" {
		t.Errorf("web, exact:\n%s", got)
	}
	if got := texts(p.Groups[1].New); got != "egress allow tcp 80,443 to 10.2.0.1 id c-out" {
		t.Errorf("client:\n%s", got)
	}
	if p.Groups[0].Rules != 4 || p.Replayed != 3 || len(p.Closed) != 2 {
		t.Errorf("rules %d replayed %d closed %d", p.Groups[0].Rules, p.Replayed, len(p.Closed))
	}
	// At most 2 rules: the prefixes merge into their cover, /28.
	p, err = analyze.Tighten(spec, n, observed, nil, analyze.TightenOptions{MaxRules: 2, MinPrefix: 24})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(p.Groups[0].New); got != "ingress allow tcp 80,443 from 10.1.0.0/28 id wide" || p.Groups[0].Rules != 2 || p.Groups[0].OverMax {
		t.Errorf("web, at most 2 rules:\n%s (%d)", got, p.Groups[0].Rules)
	}
	// Not below /30: the ports merge instead, over the gap 81-442 (362
	// ports to 3 addresses open less than 13 addresses on 2 ports would,
	// but the /28 is not allowed here).
	p, err = analyze.Tighten(spec, n, observed, nil, analyze.TightenOptions{MaxRules: 2, MinPrefix: 30})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(p.Groups[0].New); got != "ingress allow tcp 80-443 from 10.1.0.4/31,10.1.0.9 id wide" || p.Groups[0].OverMax || p.Groups[0].Rules != 2 {
		t.Errorf("web, min prefix 30: %s (%d rules, over %v)", got, p.Groups[0].Rules, p.Groups[0].OverMax)
	}
	// Ports no more than 100 apart only, or never: the group stays over
	// the maximum, and says so.
	for _, gap := range []int{100, -1} {
		p, err = analyze.Tighten(spec, n, observed, nil, analyze.TightenOptions{MaxRules: 2, MinPrefix: 30, MaxPortGap: gap})
		if err != nil {
			t.Fatal(err)
		}
		if !p.Groups[0].OverMax || p.Groups[0].Rules != 4 {
			t.Errorf("web, min prefix 30, port gap %d: %s (%d rules, over %v)", gap, texts(p.Groups[0].New), p.Groups[0].Rules, p.Groups[0].OverMax)
		}
	}
	// Ports merge only inside the original rule's: 22 and 25 allowed
	// as two rules stay two.
	narrow := spec
	narrow.Groups = []sgsim.Group{{ID: "web", Rules: []sgsim.Rule{rule("ingress allow tcp 22,25 from 10.0.0.0/8 id two")}}, spec.Groups[1]}
	nn, err := sgsim.BuildNetwork(narrow)
	if err != nil {
		t.Fatal(err)
	}
	var two []sgsim.Flow
	for _, s := range []string{"tcp 10.1.0.4:40000 -> 10.2.0.1:22", "tcp 10.1.0.4:40001 -> 10.2.0.1:25"} {
		f, _ := sgsim.ParseFlow(s)
		two = append(two, f)
	}
	p, err = analyze.Tighten(narrow, nn, two, nil, analyze.TightenOptions{MaxRules: 1, MinPrefix: 32})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(p.Groups[0].New); got != "ingress allow tcp 22,25 from 10.1.0.4 id two" || !p.Groups[0].OverMax {
		t.Errorf("ports outside the original: %s (over %v)", got, p.Groups[0].OverMax)
	}
	// A required flow the narrowing would break: its groups are kept.
	req := analyze.RequiredFlow{Name: "dns", Src: sgsim.MustParseAddrs("10.1.0.0/24"), Dst: sgsim.MustParseAddrs("10.2.0.1"), Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(53)}}
	p, err = analyze.Tighten(spec, n, observed, []analyze.RequiredFlow{req}, analyze.TightenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The udp 53 rule comes back only in part, for the flow's sources;
	// so does the client's egress rule (any protocol to anywhere), for
	// udp 53 to the web server.
	if got := texts(p.Groups[0].New); p.Groups[0].Restored != 0 || p.Groups[0].Partial != 1 || p.Groups[0].Rules != 5 ||
		got != "ingress allow tcp 80,443 from 10.1.0.4/31,10.1.0.9 id wide\ningress allow udp 53 from 10.1.0.0/24 id unused" {
		t.Errorf("with dns required, web (%d restored, %d in part, %d rules):\n%s", p.Groups[0].Restored, p.Groups[0].Partial, p.Groups[0].Rules, got)
	}
	if got := texts(p.Groups[1].New); p.Groups[1].Partial != 1 || got != "egress allow tcp 80,443 to 10.2.0.1 id c-out\negress allow udp 53 to 10.2.0.1 id c-out" {
		t.Errorf("with dns required, client:\n%s", got)
	}
	if p.Required[0].After != sgsim.All || len(p.Closed) != 2 {
		t.Errorf("with dns required: %+v %+v", p.Groups, p.Required)
	}
}

// An ICMP rule for every type narrows to the types seen, each a rule.
func TestTightenICMPTypes(t *testing.T) {
	rule := sgsim.MustParseRule
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "srv", Rules: []sgsim.Rule{rule("ingress allow icmp from 10.0.0.0/8 id ping")}},
			{ID: "cli", Rules: []sgsim.Rule{rule("egress allow any id out")}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "c", Addrs: sgsim.MustParseAddrs("10.1.0.0/24"), Groups: []string{"cli"}},
			{Name: "s", Addrs: sgsim.MustParseAddrs("10.2.0.1"), Groups: []string{"srv"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	var observed []sgsim.Flow
	for _, s := range []string{"icmp 10.1.0.4 -> 10.2.0.1 type 8 code 0", "icmp 10.1.0.4 -> 10.2.0.1 type 3 code 4", "icmp 10.1.0.5 -> 10.2.0.1 type 8 code 0"} {
		f, err := sgsim.ParseFlow(s)
		if err != nil {
			t.Fatal(err)
		}
		observed = append(observed, f)
	}
	p, err := analyze.Tighten(spec, n, observed, nil, analyze.TightenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Groups[0].New {
		got = append(got, r.String())
	}
	if want := "ingress allow icmp type 3 from 10.1.0.4/31 id ping|ingress allow icmp type 8 from 10.1.0.4/31 id ping"; strings.Join(got, "|") != want {
		t.Errorf("srv: %q, want %q", strings.Join(got, "|"), want)
	}
	// Timestamp requests were allowed and are closed now.
	pn, err := sgsim.BuildNetwork(p.Spec)
	if err != nil {
		t.Fatal(err)
	}
	ts := sgsim.Flow{Proto: sgsim.ICMP, Src: netip.MustParseAddr("10.1.0.4"), Dst: netip.MustParseAddr("10.2.0.1"), ICMPType: 13}
	if !n.Decide(ts).Allowed || pn.Decide(ts).Allowed {
		t.Errorf("timestamp: before %v after %v", n.Decide(ts).Allowed, pn.Decide(ts).Allowed)
	}
}

// TestTightenBadOptions: options out of their documented ranges are an
// error naming them, not silently the defaults.
func TestTightenBadOptions(t *testing.T) {
	spec := sgsim.NetworkSpec{Cloud: sgsim.Union}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []analyze.TightenOptions{{MaxRules: -1}, {MinPrefix: -1}, {MinPrefix: 33}, {MaxPortGap: -2}} {
		if _, err := analyze.Tighten(spec, n, nil, nil, opt); err == nil || !strings.Contains(err.Error(), "want MaxRules 0 (50) or more") {
			t.Errorf("%+v: error %v, want one naming the ranges", opt, err)
		}
	}
	if _, err := analyze.Tighten(spec, n, nil, nil, analyze.TightenOptions{MinPrefix: 32, MaxPortGap: -1}); err != nil {
		t.Errorf("in range: %v", err)
	}
}

// A required flow between pods carried in VXLAN over their nodes needs
// the nodes' VXLAN rules, outside its own addresses and ports: no part of
// a rule cut to the pods' space makes it pass, so the rules come back
// whole, each said to be there for that flow.
func TestTightenPutBackWhole(t *testing.T) {
	rule := sgsim.MustParseRule
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "node", Rules: []sgsim.Rule{
				rule("ingress allow udp 4789 from 10.0.0.0/24 id vxlan-in"),
				rule("egress allow udp 4789 to 10.0.0.0/24 id vxlan-out"),
				rule("egress allow tcp 22 to 10.0.0.0/24 id ssh-out"),
				rule("ingress allow tcp 22 from 10.0.0.0/24 id ssh-in"),
			}},
			{ID: "pod", Rules: []sgsim.Rule{
				rule("ingress allow tcp 80 from 172.16.0.0/16 id web"),
				rule("egress allow any id pod-out"),
			}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "nodes", Addrs: sgsim.MustParseAddrs("10.0.0.0/24"), Groups: []string{"node"}},
			{Name: "pods", Addrs: sgsim.MustParseAddrs("172.16.0.0/16"), Groups: []string{"pod"},
				Overlay: sgsim.Overlay{Underlay: "nodes", Encap: sgsim.VXLAN,
					Hosts: sgsim.BlockHosts(netip.MustParsePrefix("172.16.0.0/16"), 24, sgsim.MustParseAddrs("10.0.0.0/24"))}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	// The traffic: ssh between nodes only.
	observed := []sgsim.Flow{sgsim.MustParseFlow("tcp 10.0.0.1:40000 -> 10.0.0.2:22")}
	req := analyze.RequiredFlow{Name: "pods to pods web", Src: spec.Endpoints[1].Addrs, Dst: spec.Endpoints[1].Addrs, Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(80)}}
	p, err := analyze.Tighten(spec, n, observed, []analyze.RequiredFlow{req}, analyze.TightenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g := p.Groups[0]
	var got []string
	for _, pb := range g.PutBack {
		got = append(got, fmt.Sprintf("%d %s whole=%v for %q", pb.Index, pb.Rule.ID, pb.Whole, pb.For))
	}
	want := []string{`0 vxlan-in whole=true for "pods to pods web"`, `1 vxlan-out whole=true for "pods to pods web"`}
	if g.Restored != 2 || g.Partial != 0 || !slices.Equal(got, want) {
		t.Errorf("node group: %d whole, %d in part, put back %q; want 2, 0, %q\n%v", g.Restored, g.Partial, got, want, g.New)
	}
	if len(p.Required) != 1 || p.Required[0].After != sgsim.All {
		t.Errorf("required: %+v", p.Required)
	}
}
