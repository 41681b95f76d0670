package replay

import (
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
)

// WriteInputs writes exactly the per-input lines that end WriteText.
func TestWriteInputs(t *testing.T) {
	s := Summary{
		Allowed:  3,
		Captures: []CaptureStats{{Packets: 12, DroppedPackets: 2, Skipped: []capture.Skip{{Reason: capture.ReasonNotIP, Count: 1, FirstPacket: 3}}, Err: "bad block at byte 80"}},
		FlowLogs: []FlowLogStats{{Records: 4, Skipped: []flowlog.Skip{{Reason: "NODATA", Count: 1, FirstLine: 2}}}},
	}
	var in, all strings.Builder
	if err := s.WriteInputs(&in); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteText(&all); err != nil {
		t.Fatal(err)
	}
	want := "capture 1: 12 packets, 2 would be dropped; skipped: not-ip 1 (first packet 3); flagged: none\n" +
		"capture 1: stopped: bad block at byte 80\n" +
		"flowlog 1: 4 records; skipped: NODATA 1 (first line 2)\n"
	if in.String() != want {
		t.Errorf("WriteInputs:\n%s\nwant\n%s", in.String(), want)
	}
	if !strings.HasSuffix(all.String(), want) || strings.HasPrefix(all.String(), "capture") {
		t.Errorf("WriteText does not end with the input lines after the flow counts:\n%s", all.String())
	}
}
