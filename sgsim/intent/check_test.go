package intent_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/intent"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

// Small networks (sgsimtest.SmallNetwork): everything lives in
// 10.0.0.0/26 so that an intent can be checked by enumerating every flow.
func smallNetwork(t *rapid.T) (sgsim.NetworkSpec, *sgsim.Network) {
	return sgsimtest.SmallNetwork(t, sgsimtest.SmallOptions{})
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
			parts = append(parts, sgsimtest.SmallPrefix(t, []int{28, 29, 30, 32}, label+" range").String())
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
