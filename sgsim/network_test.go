package sgsim_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

// Small networks (sgsimtest.SmallNetwork): everything lives in
// 10.0.0.0/26 so that range queries can be checked against enumerating
// every flow. Here rules also start at the VXLAN port 4789, security
// group rules of the clouds that match source ports have them too, from
// two ranges, and about half the networks carry overlays.
func smallNetwork(t *rapid.T) (sgsim.NetworkSpec, *sgsim.Network) {
	return sgsimtest.SmallNetwork(t, sgsimtest.SmallOptions{
		DstPorts:      []uint16{22, 80, 1023, 1024, 4789},
		SrcPorts:      []sgsim.PortRange{{First: 1024, Last: 65535}, {First: 1026, Last: 1027}},
		GroupSrcPorts: true,
		Overlay:       sgsimtest.SmallOverlays,
	})
}

func smallPrefix(t *rapid.T, label string) netip.Prefix {
	return sgsimtest.SmallPrefix(t, sgsimtest.SmallBits, label)
}

func inRegions(rs []sgsim.Region, f sgsim.Flow) int {
	c := 0
	for _, r := range rs {
		if r.Src.Contains(f.Src) && r.Dst.Contains(f.Dst) && r.SrcPorts.Contains(f.SrcPort) && r.DstPorts.Contains(f.DstPort) {
			c++
		}
	}
	return c
}

// Every range-query answer equals enumerating single-flow decisions, and
// every witness re-checked as a single flow gives the claimed verdict.
func TestReachEqualsEnumeration(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, n := smallNetwork(t)
		checkReach(t, n, smallPrefix(t, "from"), smallPrefix(t, "to"))
	})
}

// Overlay networks only: pods (and pods2) over nodes with rules on the
// outer flows' port for some hosts, and queries between the pod ranges,
// so that carried flows are delivered, dropped and answered or not.
func TestOverlayReachEqualsEnumerationRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec, _ := smallNetwork(t)
		if spec.Endpoints[len(spec.Endpoints)-1].Overlay.IsZero() && (len(spec.Endpoints) < 2 || spec.Endpoints[len(spec.Endpoints)-2].Overlay.IsZero()) {
			sgsimtest.SmallOverlays(t, &spec)
		}
		port := uint16(4789)
		for _, e := range spec.Endpoints {
			if e.Name == "pods" && e.Overlay.Port != 0 {
				port = e.Overlay.Port
			}
		}
		add := func(g *sgsim.Group, label string, acl bool) {
			for i := range rapid.IntRange(0, 3).Draw(t, label+" outer rules") {
				r := sgsim.Rule{ID: fmt.Sprint(label, ".o", i), Protocol: sgsim.UDP, DstPorts: sgsim.Ports{sgsim.Port(port)},
					Direction: sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" outer dir")),
					Action:    sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" outer action"))}
				sem := spec.Cloud
				if acl {
					sem = sgsim.ACL
				}
				if sem == sgsim.Union {
					r.Action = sgsim.Allow
				}
				if lo, _, used := sem.PriorityRange(); used {
					r.Priority = lo
				}
				a := sgsim.PrefixAddrs(smallPrefix(t, label+" outer remote"))
				if r.Direction == sgsim.Ingress {
					r.Src = a
				} else {
					r.Dst = a
				}
				g.Rules = append([]sgsim.Rule{r}, g.Rules...)
			}
		}
		for i := range spec.Groups {
			add(&spec.Groups[i], spec.Groups[i].ID, false)
		}
		for i := range spec.ACLs {
			add(&spec.ACLs[i], spec.ACLs[i].ID, true)
		}
		n, err := sgsim.BuildNetwork(spec)
		if err != nil {
			t.Fatal(err)
		}
		side := func(label string) netip.Prefix {
			return rapid.SampledFrom([]netip.Prefix{netip.MustParsePrefix("10.0.0.16/28"), netip.MustParsePrefix("10.0.0.16/29"),
				netip.MustParsePrefix("10.0.0.24/29"), netip.MustParsePrefix("10.0.0.40/29"), netip.MustParsePrefix("10.0.0.16/27")}).Draw(t, label)
		}
		checkReach(t, n, side("from"), side("to"))
	})
}

// checkReach checks a range query between from and to against
// enumerating Decide over every flow in it, for both questions.
func checkReach(t *rapid.T, n *sgsim.Network, from, to netip.Prefix) {
	{
		q := sgsim.Query{From: sgsim.PrefixAddrs(from), To: sgsim.PrefixAddrs(to),
			Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP}).Draw(t, "proto")}
		sps, dps := []uint16{0}, []uint16{0}
		if q.Protocol.HasPorts() {
			sps = []uint16{80, 1023, 1024, 65535}
			dps = []uint16{0, 21, 22, 23, 80, 1024, 1025}
			q.SrcPorts = sgsim.Ports{{First: 80, Last: 80}, {First: 1023, Last: 1024}, {First: 65535, Last: 65535}}
			q.DstPorts = sgsim.Ports{{First: 0, Last: 0}, {First: 21, Last: 23}, {First: 80, Last: 80}, {First: 1024, Last: 1025}}
		} else {
			// Queries (8, 13) have replies, the others are one-way.
			q.ICMPType = rapid.SampledFrom([]uint8{0, 3, 8, 13, 14}).Draw(t, "icmp type")
		}
		q.Question = rapid.SampledFrom([]sgsim.Question{sgsim.DefaultQuestion, sgsim.Delivered, sgsim.Answered}).Draw(t, "question")
		res, err := n.Reach(q)
		if err != nil {
			t.Fatal(err)
		}
		if want := q.Question.For(q.Protocol); res.Question != want {
			t.Fatalf("Question %v; want %v", res.Question, want)
		}
		allowed, denied := 0, 0
		nDelivered, nAnswered, total := 0, 0, 0
		for a := from.Masked().Addr(); from.Contains(a); a = a.Next() {
			for b := to.Masked().Addr(); to.Contains(b); b = b.Next() {
				for _, sp := range sps {
					for _, dp := range dps {
						f := sgsim.Flow{Proto: q.Protocol, Src: a, Dst: b, SrcPort: sp, DstPort: dp, ICMPType: q.ICMPType}
						if !q.Protocol.HasPorts() {
							f.SrcPort, f.DstPort = 0, 0
						}
						d := n.Decide(f)
						total++
						if d.Delivered {
							nDelivered++
						}
						if d.Allowed {
							nAnswered++
						}
						// The two paths are consistent with Allowed.
						switch {
						case !d.Delivered && (d.Allowed || d.Reply != sgsim.ReplyNotSent || d.Hop.IsReply()),
							d.Delivered && d.Allowed != (d.Reply != sgsim.ReplyDropped),
							d.Reply == sgsim.ReplyDropped && !d.Hop.IsReply():
							t.Fatalf("flow %v: inconsistent decision %+v", f, d)
						}
						var inR []sgsim.Denial
						for _, x := range res.ReplyDenied {
							if inRegions([]sgsim.Region{x.Region}, f) > 0 {
								inR = append(inR, x)
							}
						}
						if wantR := d.Reply == sgsim.ReplyDropped; wantR != (len(inR) == 1) || len(inR) > 1 {
							t.Fatalf("flow %v: Decide reply %v, in %d ReplyDenied regions\n%v", f, d.Reply, len(inR), res)
						} else if wantR && (inR[0].Hop != d.Hop || inR[0].Verdict.Rule != d.Verdict.Rule) {
							t.Fatalf("flow %v: reply dropped at %v by %v; ReplyDenied says %v by %v", f, d.Hop, d.Verdict, inR[0].Hop, inR[0].Verdict)
						}
						pass := d.Passes(q.Question)
						inA := inRegions(res.Allowed, f)
						var inD []sgsim.Denial
						for _, x := range res.Denied {
							if inRegions([]sgsim.Region{x.Region}, f) > 0 {
								inD = append(inD, x)
							}
						}
						if inA+len(inD) != 1 {
							t.Fatalf("flow %v is in %d allowed and %d denied regions; want exactly one\n%v", f, inA, len(inD), res)
						}
						if pass != (inA == 1) {
							t.Fatalf("flow %v: Decide passes %v=%v (%v at %v), Reach puts it in allowed=%v\n%v", f, q.Question, pass, d.Verdict, d.Hop, inA == 1, res)
						}
						if !pass && (inD[0].Hop != d.Hop || inD[0].Verdict.Rule != d.Verdict.Rule) {
							t.Fatalf("flow %v: Decide drops at %v by %v; Reach says %v by %v", f, d.Hop, d.Verdict, inD[0].Hop, inD[0].Verdict)
						}
						if pass {
							allowed++
						} else {
							denied++
						}
					}
				}
			}
		}
		want := sgsim.Some
		switch {
		case denied == 0:
			want = sgsim.All
		case allowed == 0:
			want = sgsim.None
		}
		if res.Outcome != want {
			t.Fatalf("Outcome %v; enumeration gives %v (%d allowed, %d denied)", res.Outcome, want, allowed, denied)
		}
		of := func(k int) sgsim.Outcome {
			switch k {
			case total:
				return sgsim.All
			case 0:
				return sgsim.None
			}
			return sgsim.Some
		}
		if res.Delivered != of(nDelivered) || res.Answered != of(nAnswered) {
			t.Fatalf("Delivered %v, Answered %v; enumeration gives %v, %v", res.Delivered, res.Answered, of(nDelivered), of(nAnswered))
		}
		if res.Outcome != sgsim.None && !n.Decide(res.AllowedWitness).Passes(q.Question) {
			t.Fatalf("allowed witness %v does not pass", res.AllowedWitness)
		}
		if res.Outcome != sgsim.All {
			d := n.Decide(res.DeniedWitness)
			tr := res.DeniedTrace
			if d.Passes(q.Question) || tr.Allowed || tr.Steps[tr.Dropped].Hop != d.Hop || tr.Steps[tr.Dropped].Verdict.Rule != d.Verdict.Rule {
				t.Fatalf("denied witness %v: Decide %+v, trace %v", res.DeniedWitness, d, tr)
			}
		}
		// Each witness lies in a region of its kind and is a flow a person
		// would send: not the first address of a range of three or more,
		// source and destination distinct unless the region holds one
		// address on each side, a destination port above 0 unless no
		// region of its kind has one, an ephemeral source port when the
		// region has one.
		var denRegions []sgsim.Region
		for _, d := range res.Denied {
			denRegions = append(denRegions, d.Region)
		}
		for _, w := range []struct {
			kind string
			f    sgsim.Flow
			rs   []sgsim.Region
		}{{"allowed", res.AllowedWitness, res.Allowed}, {"denied", res.DeniedWitness, denRegions}} {
			if len(w.rs) == 0 {
				continue
			}
			var in *sgsim.Region
			realPort := false
			for i, r := range w.rs {
				if inRegions([]sgsim.Region{r}, w.f) > 0 && in == nil {
					in = &w.rs[i]
				}
				realPort = realPort || q.Protocol.HasPorts() && lowest(r.DstPorts, 1) > 0
			}
			if in == nil {
				t.Fatalf("%s witness %v in no %s region\n%v", w.kind, w.f, w.kind, res)
			}
			for _, x := range []struct {
				a  sgsim.Addrs
				ip netip.Addr
			}{{in.Src, w.f.Src}, {in.Dst, w.f.Dst}} {
				rs := x.a.Ranges()
				if len(rs) != 1 {
					t.Fatalf("region %v: side %v is not one range", in, x.a)
				}
				if x.ip == rs[0].From() && rs[0].To().Compare(rs[0].From().Next().Next()) >= 0 {
					t.Fatalf("%s witness %v: %v is the first address of %v", w.kind, w.f, x.ip, rs[0])
				}
			}
			one := func(a sgsim.Addrs) bool { rs := a.Ranges(); return rs[0].From() == rs[0].To() }
			if w.f.Src == w.f.Dst && !(one(in.Src) && one(in.Dst)) {
				t.Fatalf("%s witness %v: one address on both sides of %v", w.kind, w.f, in)
			}
			if q.Protocol.HasPorts() {
				if realPort && w.f.DstPort == 0 {
					t.Fatalf("%s witness %v: port 0 though some %s region has ports above 0\n%v", w.kind, w.f, w.kind, res)
				}
				if lowest(in.SrcPorts, 1024) >= 1024 && w.f.SrcPort < 1024 {
					t.Fatalf("%s witness %v: source port not ephemeral though %v has some", w.kind, w.f, in)
				}
			}
		}
		// Trace and Decide agree on every witness.
		for _, f := range []sgsim.Flow{res.AllowedWitness, res.DeniedWitness} {
			if !f.IsValid() {
				continue
			}
			if tr, d := n.Trace(f), n.Decide(f); tr.Allowed != d.Allowed || tr.Delivered != d.Delivered || tr.Reply != d.Reply {
				t.Fatalf("Trace(%v) allowed %v delivered %v reply %v; Decide %+v", f, tr.Allowed, tr.Delivered, tr.Reply, d)
			}
		}
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	n := twoTier(t, sgsim.Alibaba, false)
	flows := []sgsim.Flow{pkt("tcp 192.168.0.10:40000 -> 192.168.1.5:5444"), pkt("udp 8.8.8.8:53 -> 192.168.0.10:40000"),
		pkt("tcp 192.168.0.10:40000 -> 192.168.0.11:22")}
	var sink sgsim.Decision
	if a := testing.AllocsPerRun(100, func() {
		for _, f := range flows {
			sink = n.Decide(f)
		}
	}); a != 0 {
		t.Errorf("Decide allocates %v times; want 0", a)
	}
	_ = sink
}

// lowest returns the lowest port of ps at or above from, or 0 when none is.
func lowest(ps sgsim.Ports, from uint16) uint16 {
	for _, r := range ps {
		if r.Last >= from {
			return max(r.First, from)
		}
	}
	return 0
}

// Decision.Outside is exactly "the trace has no step": no hop applied,
// so nothing but the default judged the flow; it is always allowed, and
// Trace and Decide agree on it. Addresses are drawn from 10.0.0.0/26,
// where the endpoints and pods are, or from 10.0.0.64/26, outside every
// endpoint and subnet.
func TestOutsideIsNoStep(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, n := smallNetwork(t)
		for i := range 16 {
			addr := func(label string) netip.Addr {
				b := rapid.IntRange(0, 63).Draw(t, fmt.Sprint(label, i))
				if rapid.IntRange(0, 3).Draw(t, fmt.Sprint(label, " outside", i)) == 0 {
					b += 64
				}
				return netip.AddrFrom4([4]byte{10, 0, 0, byte(b)})
			}
			f := sgsim.Flow{Proto: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP}).Draw(t, fmt.Sprint("proto", i)),
				Src: addr("src"), Dst: addr("dst")}
			if f.Proto == sgsim.ICMP {
				f.ICMPType = rapid.SampledFrom([]uint8{8, 3}).Draw(t, fmt.Sprint("type", i)) // a query, and a one-way message
			} else {
				f.SrcPort, f.DstPort = uint16(rapid.IntRange(1, 65535).Draw(t, fmt.Sprint("sport", i))), rapid.SampledFrom([]uint16{22, 80, 4789}).Draw(t, fmt.Sprint("dport", i))
			}
			d, tr := n.Decide(f), n.Trace(f)
			if want := len(tr.Steps) == 0; d.Outside != want || tr.Outside != want {
				t.Fatalf("%v: Decide.Outside %v, Trace.Outside %v; the trace has %d steps\n%v", f, d.Outside, tr.Outside, len(tr.Steps), tr)
			}
			if d.Outside && (!d.Allowed || !d.Delivered || d.Hop != sgsim.NoHop) {
				t.Fatalf("%v: outside but %+v", f, d)
			}
		}
	})
}
