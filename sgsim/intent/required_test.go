package intent_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/intent"
)

func TestFromRequired(t *testing.T) {
	nodes, masters := sgsim.MustParseAddrs("192.168.0.0/24"), sgsim.MustParseAddrs("192.168.1.0/28")
	eps := []sgsim.Endpoint{{Name: "nodes", Addrs: nodes}, {Name: "masters", Addrs: masters}}
	origin := sgsim.Origin{Vendor: "huawei", Document: "d.txt", Table: "Table 8", Row: 3}
	flows := []analyze.RequiredFlow{
		{Name: "api", From: "nodes", To: "masters", Src: nodes, Dst: masters, Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(5444)}, Reason: "-", Origin: origin},
		// "dns" is no endpoint: its addresses are written.
		{Name: "dns", From: "nodes", To: "dns", Src: nodes, Dst: sgsim.MustParseAddrs("100.125.1.250"), Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(53)}, Reason: "names"},
		{Name: "vxlan", From: "nodes", To: "nodes", Src: nodes, Dst: nodes, Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(4789)}, Question: sgsim.Delivered},
		{Name: "ping", From: "masters", To: "nodes", Src: masters, Dst: nodes, Protocol: sgsim.ICMP},
		{Name: "api", From: "nodes", To: "masters", Src: nodes, Dst: masters, Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(5443)}},
	}
	f, err := intent.FromRequired(flows, eps)
	if err != nil {
		t.Fatal(err)
	}
	eight, zero := uint8(8), uint8(0)
	want := []intent.Intent{
		{Kind: intent.MustAllow, Name: "api", Reason: "source: huawei d.txt Table 8 row 3", From: "nodes", To: "masters", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(5444)}},
		{Kind: intent.MustBeAnswerable, Name: "dns", Reason: "names", From: "nodes", To: "100.125.1.250", Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(53)}},
		{Kind: intent.MustAllow, Name: "vxlan", From: "nodes", To: "nodes", Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(4789)}},
		{Kind: intent.MustBeAnswerable, Name: "ping", From: "masters", To: "nodes", Protocol: sgsim.ICMP, ICMPType: &eight, ICMPCode: &zero},
		{Kind: intent.MustAllow, Name: "api (2)", From: "nodes", To: "masters", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(5443)}},
	}
	if d := cmp.Diff(want, f.Intents); d != "" {
		t.Errorf("intents differ (-want +got):\n%s", d)
	}
	// A one-way TCP flow has no kind.
	_, err = intent.FromRequired([]analyze.RequiredFlow{{Name: "x", Src: nodes, Dst: nodes, Protocol: sgsim.TCP, Question: sgsim.Delivered}}, eps)
	if err == nil || err.Error() != "x: a one-way (delivered) tcp flow has no intent kind" {
		t.Errorf("delivered tcp: %v", err)
	}
}
