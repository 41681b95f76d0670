package main

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// The embedded CCE tunnel sample's VXLAN flows get the same verdicts from
// replay, which decides an inner flow between the hosts of the outer
// packets it saw, and from Network.Decide, which takes the hosts from the
// overlay's placement: here the sample's own (node1 192.168.0.10 holds
// pods 172.16.0.0/24, node2 192.168.0.11 pods 172.16.1.0/24; see
// gen_test.go). For the default groups and the hardened set, whose 4789
// rows carry the pod traffic both ways, and for the hardened set with a
// rule that stops VXLAN toward node1: then the pods' replies to node1's
// pods are dropped at the reply's source egress (node2), which the outer
// flow that carried the call (node1 to node2) does not show.
func TestSampleOverlayVerdicts(t *testing.T) {
	p, err := huawei.NewProfile(huawei.Cluster{Model: huawei.Tunnel})
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range []string{"default", "hardened", "no vxlan to node1"} {
		hardened := variant != "default"
		spec := p.Spec(hardened)
		if variant == "no vxlan to node1" {
			for i := range spec.Groups {
				if spec.Groups[i].ID == huawei.NodeGroup {
					spec.Groups[i].Rules = append(spec.Groups[i].Rules, sgsim.MustParseRule("egress deny udp 4789 to 192.168.0.10 priority 1 id no-vxlan-to-node1"))
				}
			}
		}
		var pods *sgsim.Endpoint
		for i := range spec.Endpoints {
			if spec.Endpoints[i].Name == "pods" {
				pods = &spec.Endpoints[i]
			}
		}
		if pods == nil || pods.Overlay.Encap != sgsim.VXLAN {
			t.Fatalf("the tunnel profile's pods are not a VXLAN overlay: %+v", pods)
		}
		pods.Overlay.Hosts = []sgsim.OverlayHost{
			{Addr: netip.MustParseAddr("192.168.0.10"), Block: netip.MustParsePrefix("172.16.0.0/24")},
			{Addr: netip.MustParseAddr("192.168.0.11"), Block: netip.MustParsePrefix("172.16.1.0/24")},
		}
		n, err := sgsim.BuildNetwork(spec)
		if err != nil {
			t.Fatal(err)
		}
		r := replay.New(n, replay.Config{})
		c, err := capture.NewReader(bytes.NewReader(sampleCapture))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddCapture(c); err != nil {
			t.Fatal(err)
		}
		inner := 0
		for _, f := range r.Report().Flows {
			if f.OuterID == 0 {
				continue
			}
			inner++
			d := n.Decide(f.Flow())
			if d != f.Decision {
				t.Errorf("%s: %v (in #%d, %v): replay %+v, Decide %+v", variant, f.Flow(), f.OuterID, f.Outer, f.Decision, d)
			}
			// Carried: pod to pod across the two nodes, delivered and
			// answered through the 4789 rows, unless the way back to
			// node1 is shut.
			toNode1 := netip.MustParsePrefix("172.16.0.0/24").Contains(f.Src)
			switch {
			case variant != "no vxlan to node1" || !toNode1:
				if !d.Allowed || d.Reply != sgsim.ReplyAnswered {
					t.Errorf("%s: %v: %+v; want delivered and answered\n%v", variant, f.Flow(), d, n.Trace(f.Flow()))
				}
			case !d.Delivered || d.Reply != sgsim.ReplyDropped || d.Hop != sgsim.ReplyDstEgress || d.Verdict.Rule == nil || d.Verdict.Rule.ID != "no-vxlan-to-node1":
				t.Errorf("%s: %v: %+v; want the reply dropped at %v by no-vxlan-to-node1", variant, f.Flow(), d, sgsim.ReplyDstEgress)
			}
			if tr := n.Trace(f.Flow()); tr.Encap != sgsim.VXLAN || tr.Outer.DstPort != 4789 {
				t.Errorf("%s: %v is not evaluated as VXLAN:\n%v", variant, f.Flow(), tr)
			}
		}
		if inner < 2 {
			t.Errorf("%s: %d inner flows in the sample; want the pod call and the DNS lookups", variant, inner)
		}
	}
}
