package intent_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/intent"
	"pgregory.net/rapid"
)

// Small networks, as in package sgsim's tests: everything lives in
// 10.0.0.0/26 so that an intent can be checked by enumerating every flow.
var (
	smallBase = netip.MustParseAddr("10.0.0.0")
	smallBits = []int{26, 27, 28, 29, 30, 32}
)

func smallPrefix(t *rapid.T, bits []int, label string) netip.Prefix {
	b := rapid.SampledFrom(bits).Draw(t, label+" bits")
	off := rapid.IntRange(0, 63).Draw(t, label+" offset")
	a := smallBase.As4()
	a[3] = byte(off)
	return netip.PrefixFrom(netip.AddrFrom4(a), b).Masked()
}

func smallRule(t *rapid.T, s sgsim.Semantics, groups []string, label string, acl bool) sgsim.Rule {
	var r sgsim.Rule
	r.ID = label
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	if s == sgsim.Union && !acl {
		r.Action = sgsim.Allow
	}
	sem := s
	if acl {
		sem = sgsim.ACL
	}
	if lo, hi, used := sem.PriorityRange(); used {
		r.Priority = rapid.IntRange(lo, min(hi, lo+2)).Draw(t, label+" priority")
	}
	r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.TCP, sgsim.UDP, sgsim.ICMP}).Draw(t, label+" proto")
	if r.Protocol.HasPorts() && rapid.Bool().Draw(t, label+" has dport") {
		a := rapid.SampledFrom([]uint16{22, 80, 1023, 1024}).Draw(t, label+" dport")
		r.DstPorts = sgsim.Ports{{First: a, Last: a + uint16(rapid.IntRange(0, 1).Draw(t, label+" dport width"))}}
	}
	if r.Protocol.HasPorts() && acl && rapid.Bool().Draw(t, label+" has sport") {
		r.SrcPorts = sgsim.Ports{{First: 1024, Last: 65535}}
	}
	if r.Protocol == sgsim.ICMP && rapid.Bool().Draw(t, label+" icmp type") {
		r.ICMP = sgsim.ICMPType(rapid.SampledFrom([]uint8{0, 3, 8, 14}).Draw(t, label+" type"))
	}
	remote := rapid.IntRange(0, 3).Draw(t, label+" remote")
	switch {
	case remote == 0:
	case remote == 1 && !acl && len(groups) > 0:
		r.RemoteGroup = rapid.SampledFrom(groups).Draw(t, label+" group")
	default:
		a := sgsim.PrefixAddrs(smallPrefix(t, smallBits, label+" remote"))
		if r.Direction == sgsim.Ingress {
			r.Src = a
		} else {
			r.Dst = a
		}
	}
	if acl && rapid.Bool().Draw(t, label+" local") {
		a := sgsim.PrefixAddrs(smallPrefix(t, smallBits, label+" local"))
		if r.Direction == sgsim.Ingress {
			r.Dst = a
		} else {
			r.Src = a
		}
	}
	return r
}

// smallNetwork draws a network of up to three /28-ish endpoints in two
// subnets (10.0.0.0/27 and 10.0.0.32/27), with random groups and ACLs.
func smallNetwork(t *rapid.T) (sgsim.NetworkSpec, *sgsim.Network) {
	s := rapid.SampledFrom([]sgsim.Semantics{sgsim.Huawei, sgsim.Alibaba, sgsim.Tencent, sgsim.Union, sgsim.FirstMatch}).Draw(t, "cloud")
	spec := sgsim.NetworkSpec{Cloud: s}
	ng := rapid.IntRange(1, 3).Draw(t, "groups")
	var ids []string
	for g := 0; g < ng; g++ {
		ids = append(ids, fmt.Sprint("sg", g))
	}
	for g := 0; g < ng; g++ {
		grp := sgsim.Group{ID: ids[g]}
		if s == sgsim.Alibaba {
			grp.InnerAccess = sgsim.InnerAccess(rapid.IntRange(1, 2).Draw(t, grp.ID+" inner"))
		}
		nr := rapid.IntRange(0, 5).Draw(t, grp.ID+" rules")
		for i := 0; i < nr; i++ {
			grp.Rules = append(grp.Rules, smallRule(t, s, ids, fmt.Sprintf("%s.r%d", grp.ID, i), false))
		}
		spec.Groups = append(spec.Groups, grp)
	}
	spec.Subnets = []sgsim.Subnet{
		{Name: "a", Prefix: netip.MustParsePrefix("10.0.0.0/27")},
		{Name: "b", Prefix: netip.MustParsePrefix("10.0.0.32/27")},
	}
	for i := range spec.Subnets {
		if rapid.Bool().Draw(t, fmt.Sprint("subnet", i, " acl")) {
			acl := sgsim.Group{ID: fmt.Sprint("acl", i)}
			nr := rapid.IntRange(0, 4).Draw(t, acl.ID+" rules")
			for j := 0; j < nr; j++ {
				acl.Rules = append(acl.Rules, smallRule(t, s, nil, fmt.Sprintf("%s.r%d", acl.ID, j), true))
			}
			spec.ACLs = append(spec.ACLs, acl)
			spec.Subnets[i].ACL = acl.ID
		}
	}
	// Endpoints: disjoint /29s at fixed places, some in no subnet group.
	slots := []string{"10.0.0.0/29", "10.0.0.8/29", "10.0.0.32/29", "10.0.0.48/28"}
	ne := rapid.IntRange(1, len(slots)).Draw(t, "endpoints")
	for i := 0; i < ne; i++ {
		p := netip.MustParsePrefix(slots[i])
		sub := "a"
		if p.Addr().As4()[3] >= 32 {
			sub = "b"
		}
		e := sgsim.Endpoint{Name: fmt.Sprint("ep", i), Addrs: sgsim.PrefixAddrs(p), Subnet: sub}
		perm := rapid.Permutation(ids).Draw(t, e.Name+" groups")
		e.Groups = perm[:rapid.IntRange(0, len(ids)).Draw(t, e.Name+" ngroups")]
		spec.Endpoints = append(spec.Endpoints, e)
	}
	if rapid.Bool().Draw(t, "exempt") {
		// Traffic the ACLs never filter, on a service port or any.
		e := sgsim.Exempt{Addrs: sgsim.PrefixAddrs(smallPrefix(t, smallBits, "exempt")), Why: "exempt",
			Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP}).Draw(t, "exempt proto")}
		if rapid.Bool().Draw(t, "exempt port") {
			e.Ports = sgsim.Ports{sgsim.Port(80)}
		}
		spec.Exempt = []sgsim.Exempt{e}
	}
	if rapid.Bool().Draw(t, "stateful override") {
		st := rapid.Bool().Draw(t, "stateful")
		spec.StatefulACL = &st
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatalf("BuildNetwork: %v", err)
	}
	return spec, n
}

// Port representatives: the rules above put port boundaries only at 22,
// 23, 80, 81, 1023, 1024 and 1025 (destination) and 1024-65535 (source),
// so every class of ports that all rules treat alike has a member here.
var (
	dstReps = []uint16{0, 21, 22, 23, 24, 79, 80, 81, 82, 1022, 1023, 1024, 1025, 1026, 5000, 65535}
	srcReps = []uint16{1024, 1025, 1026, 65535} // ephemeral ports, split at the boundaries
)

func addrsOf(a sgsim.Addrs) []netip.Addr {
	var out []netip.Addr
	for _, r := range a.Ranges() {
		for x := r.From(); ; x = x.Next() {
			out = append(out, x)
			if x == r.To() {
				break
			}
		}
	}
	return out
}

func side(t *rapid.T, spec sgsim.NetworkSpec, label string) string {
	var parts []string
	for i := rapid.IntRange(1, 2).Draw(t, label+" parts"); i > 0; i-- {
		if rapid.Bool().Draw(t, label+" endpoint") {
			parts = append(parts, rapid.SampledFrom(spec.Endpoints).Draw(t, label+" name").Name)
		} else {
			parts = append(parts, smallPrefix(t, []int{28, 29, 30, 32}, label+" range").String())
		}
	}
	return strings.Join(parts, ",")
}

// TestCheckEqualsEnumeration: for random small networks and intents,
// Check's status equals enumerating single-flow decisions over the
// intent's space, and a witness breaks the intent where the result says.
func TestCheckEqualsEnumeration(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec, n := smallNetwork(t)
		c := intent.Checker{Net: n, Endpoints: spec.Endpoints}
		in := intent.Intent{Kind: intent.Kind(rapid.IntRange(1, 3).Draw(t, "kind")), Name: "x",
			From: side(t, spec, "from"), To: side(t, spec, "to"),
			Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP}).Draw(t, "proto")}
		if in.Protocol.HasPorts() && rapid.Bool().Draw(t, "has ports") {
			ends := []uint16{22, 23, 80, 1024, 1025, 5000}
			a, b := rapid.SampledFrom(ends).Draw(t, "port a"), rapid.SampledFrom(ends).Draw(t, "port b")
			in.Ports = sgsim.Ports{{First: min(a, b), Last: max(a, b)}}
		}
		if in.Protocol == sgsim.ICMP && rapid.Bool().Draw(t, "icmp type") {
			ty := rapid.SampledFrom([]uint8{0, 3, 8, 13, 14}).Draw(t, "type")
			in.ICMPType = &ty
		}
		r := c.Check(in)
		if r.Status == intent.Errored {
			t.Fatalf("error: %v", r.Err)
		}
		src, _ := c.Addrs(in.From)
		dst, _ := c.Addrs(in.To)
		q := in.Kind.Question(in.Protocol)
		dports, sports := []uint16{0}, []uint16{0}
		if in.Protocol.HasPorts() {
			sports = srcReps
			dports = nil
			for _, p := range dstReps {
				if in.Ports.Contains(p) {
					dports = append(dports, p)
				}
			}
			for _, pr := range in.Ports {
				dports = append(dports, pr.First)
			}
		}
		var bad *sgsim.Flow
		for _, s := range addrsOf(src) {
			for _, d := range addrsOf(dst) {
				for _, sp := range sports {
					for _, dp := range dports {
						f := sgsim.Flow{Proto: in.Protocol, Src: s, Dst: d, SrcPort: sp, DstPort: dp, ICMPType: 8}
						if in.ICMPType != nil {
							f.ICMPType = *in.ICMPType
						}
						dec := n.Decide(f)
						broken := !dec.Passes(q)
						if in.Kind == intent.MustDeny {
							broken = dec.Delivered
						}
						if broken && bad == nil {
							bad = &f
						}
					}
				}
			}
		}
		want := intent.Pass
		if bad != nil {
			want = intent.Fail
		}
		if r.Status != want {
			t.Fatalf("%v: status %v, enumeration says %v (first breaking flow %v)\n%v", in, r.Status, want, bad, r)
		}
		if want == intent.Pass {
			if r.Step != -1 {
				t.Fatalf("pass with a witness step %d", r.Step)
			}
			return
		}
		// The witness is in the space and breaks the intent.
		w := r.Witness
		if !src.Contains(w.Src) || !dst.Contains(w.Dst) || w.Proto != in.Protocol ||
			in.Protocol.HasPorts() && (!in.Ports.Contains(w.DstPort) || !sgsim.EphemeralPorts.Contains(w.SrcPort)) {
			t.Fatalf("witness %v outside the space of %v", w, in)
		}
		dec := n.Decide(w)
		st, ok := r.Decider()
		if !ok {
			// Only a delivered flow that crosses no hop at all (no groups,
			// no ACL) has no deciding step.
			if in.Kind != intent.MustDeny || !dec.Delivered || len(r.Trace.Steps) != 0 {
				t.Fatalf("fail without a deciding step: %v\n%v", r, r.Trace)
			}
			return
		}
		if in.Kind == intent.MustDeny {
			if !dec.Delivered || !st.Allowed() || st.Hop.IsReply() {
				t.Fatalf("must_deny witness %v: delivered %v, deciding step %v", w, dec.Delivered, st)
			}
		} else {
			if dec.Passes(q) || st.Allowed() || st.Hop != dec.Hop {
				t.Fatalf("witness %v: passes %v, deciding step %v, decision hop %v", w, dec.Passes(q), st, dec.Hop)
			}
		}
	})
}
