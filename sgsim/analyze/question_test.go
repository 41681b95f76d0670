package analyze

import (
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

// A required flow's question reaches its query and its text.
func TestRequiredFlowQuestion(t *testing.T) {
	f := RequiredFlow{Name: "vxlan", From: "nodes", To: "nodes", Src: sgsim.MustParseAddrs("10.0.0.0/24"), Dst: sgsim.MustParseAddrs("10.0.0.0/24"),
		Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(4789)}, Question: sgsim.Delivered}
	if q := f.Query(); q.Question != sgsim.Delivered {
		t.Errorf("query asks %v; want delivered", q.Question)
	}
	if s := f.String(); s != "vxlan: nodes -> nodes udp 4789 one-way (vendor)" {
		t.Errorf("String() = %q", s)
	}
	f.Question = sgsim.DefaultQuestion
	if q := f.Query(); q.Question != sgsim.DefaultQuestion {
		t.Errorf("query asks %v; want the default", q.Question)
	}
	if s := f.String(); s != "vxlan: nodes -> nodes udp 4789 (vendor)" {
		t.Errorf("String() = %q", s)
	}
}
