package replay

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// at returns the offset from t0 of an absolute time, for frames.
func at(t time.Time) time.Duration { return t.Sub(t0) }

// A packet stamped far in the future (2100) is an outlier: it is counted
// and flagged with its packet number, the clock does not follow it, and
// idle flows after it keep expiring by the capture's real clock (before,
// the clock jumped to 2100, every later packet counted as out of order,
// and no flow opened after it ever expired).
func TestTimeOutlier(t *testing.T) {
	n := testNetwork(t)
	future := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	rep := replayPcap(t, n, Config{}, pcapOf(t,
		udpF(t, 0, worker+":5000", master+":53", 10),
		udpF(t, at(future), worker+":5001", master+":53", 10), // packet 2: the outlier
		udpF(t, 10*s, worker+":5002", master+":53", 10),       // one way: expires after 30 s
		udpF(t, 100*s, worker+":5003", master+":53", 10),
		udpF(t, 200*s, worker+":5003", master+":53", 10),
	))
	sum := &rep.Summary
	if sum.TimeOutliers != 1 || sum.ClockJumps != 0 || sum.OutOfOrder != 0 {
		t.Errorf("TimeOutliers %d, ClockJumps %d, OutOfOrder %d; want 1, 0, 0", sum.TimeOutliers, sum.ClockJumps, sum.OutOfOrder)
	}
	if cs := sum.Captures[0]; cs.TimeOutliers != 1 || cs.FirstTimeOutlier != 2 {
		t.Errorf("capture: TimeOutliers %d, first packet %d; want 1, 2", cs.TimeOutliers, cs.FirstTimeOutlier)
	}
	var ends []string
	for _, f := range rep.Flows {
		ends = append(ends, strconv.Itoa(int(f.SrcPort))+" "+f.End.String())
		if f.SrcPort == 5001 && !f.First.Equal(future) {
			t.Errorf("outlier's flow First = %v, want its own timestamp %v", f.First, future)
		}
	}
	// The 5003 flow's second packet came 100 s after its first: a new
	// flow, the only one live at the end with the outlier's.
	want := []string{"5000 idle-timeout", "5001 end-of-input", "5002 idle-timeout", "5003 idle-timeout", "5003 end-of-input"}
	if !slices.Equal(ends, want) {
		t.Errorf("flows ended %v, want %v", ends, want)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "capture 1: timestamp outliers 1 (first packet 2), not followed by the clock\n"; !strings.Contains(b.String(), want) {
		t.Errorf("text report lacks %q:\n%s", want, b.String())
	}
}

// A gap that JumpConfirm packets in a row agree on is the clock really
// jumping: it follows, no packet is an outlier, flows before the gap end
// idle, and a connection that starts right after the gap stays one flow.
// A capture whose first timestamp is the far one jumps back the same way.
func TestClockJump(t *testing.T) {
	n := testNetwork(t)
	gap := 48 * time.Hour // far beyond 4 × the 600 s TCP timeout
	fs := []frame{udpF(t, 0, worker+":5000", master+":53", 10)}
	fs = append(fs, tcpF(t, gap, worker+":40000", master+":5444", "S"))
	for i := 1; i < JumpConfirm+4; i++ {
		fs = append(fs, tcpF(t, gap+time.Duration(i)*s, worker+":40000", master+":5444", "A"))
	}
	rep := replayPcap(t, n, Config{}, pcapOf(t, fs...))
	if sum := &rep.Summary; sum.TimeOutliers != 0 || sum.ClockJumps != 1 || sum.Captures[0].ClockJumps != 1 {
		t.Errorf("TimeOutliers %d, ClockJumps %d (capture %d); want 0, 1, 1", sum.TimeOutliers, sum.ClockJumps, sum.Captures[0].ClockJumps)
	}
	if len(rep.Flows) != 2 || rep.Flows[0].End != EndIdle || rep.Flows[1].FwdPackets != uint64(JumpConfirm+4) || rep.Flows[1].StartNotSeen {
		for _, f := range rep.Flows {
			t.Logf("flow %d %v %v packets %d end %v", f.ID, f.Proto, f.DstPort, f.FwdPackets, f.End)
		}
		t.Fatalf("want the DNS flow ended idle and one TCP flow of %d packets", JumpConfirm+4)
	}
	// The line names the jump alone, not outliers that were none.
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "capture 1: clock jumps 1 (gaps the packets after them confirmed; the clock followed)\n"; !strings.Contains(b.String(), want) || strings.Contains(b.String(), "outliers") {
		t.Errorf("text report: want %q and no outliers:\n%s", want, b.String())
	}

	// Backward: the first packet's timestamp is the wrong one.
	future := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	fs = []frame{udpF(t, at(future), worker+":5000", master+":53", 10)}
	for i := 0; i < JumpConfirm; i++ {
		fs = append(fs, udpF(t, time.Duration(i)*s, worker+":6000", master+":53", 10))
	}
	fs = append(fs, udpF(t, 1000*s, worker+":6001", master+":53", 10))
	rep = replayPcap(t, n, Config{}, pcapOf(t, fs...))
	if sum := &rep.Summary; sum.ClockJumps != 1 || sum.TimeOutliers != 0 {
		t.Errorf("backward: ClockJumps %d, TimeOutliers %d; want 1, 0", sum.ClockJumps, sum.TimeOutliers)
	}
	for _, f := range rep.Flows {
		if f.SrcPort == 6000 && f.End != EndIdle {
			t.Errorf("backward: the 6000 flow ended %v, want idle-timeout (the clock followed the capture back)", f.End)
		}
	}
}

// A packet stamped exactly 1970-01-01T00:00:00Z has a time: its flow's
// First and Last are that instant, not the zero time that means "no
// timestamp".
func TestTimestampZero(t *testing.T) {
	n := testNetwork(t)
	epoch := time.Unix(0, 0).UTC()
	rep := replayPcap(t, n, Config{}, pcapOf(t, udpF(t, at(epoch), worker+":5000", master+":53", 10)))
	if len(rep.Flows) != 1 {
		t.Fatalf("%d flows", len(rep.Flows))
	}
	if f := rep.Flows[0]; f.First.IsZero() || !f.First.Equal(epoch) || !f.Last.Equal(epoch) {
		t.Errorf("First %v, Last %v; want both %v", f.First, f.Last, epoch)
	}
	if j := rep.Flows[0].JSON(); j.First != "1970-01-01T00:00:00Z" {
		t.Errorf("JSON first = %q, want 1970-01-01T00:00:00Z", j.First)
	}
}
