package replay

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim/capture"
)

// A TextWriter writes out each full block of TextBlock rows at once, so
// a caller streaming flows from Config.OnFlow holds none of them; the
// header comes once, and Report.WriteText is the TextWriter's table
// followed by Summary.WriteText.
func TestTextWriterStreams(t *testing.T) {
	n := testNetwork(t)
	var fs []frame
	for i := 0; i < TextBlock+5; i++ {
		fs = append(fs, udpF(t, 0, worker+":"+strconv.Itoa(10000+i), master+":53", 10))
	}
	var streamed []*Flow
	r := New(n, Config{OnFlow: func(f *Flow) { streamed = append(streamed, f) }})
	c, err := capture.NewReader(bytes.NewReader(pcapOf(t, fs...)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddCapture(c); err != nil {
		t.Fatal(err)
	}
	rep := r.Report()
	if len(rep.Flows) != 0 || len(streamed) != TextBlock+5 {
		t.Fatalf("Report.Flows %d, streamed %d; want 0 and %d", len(rep.Flows), len(streamed), TextBlock+5)
	}
	var out bytes.Buffer
	tw := NewTextWriter(&out)
	for i, f := range streamed {
		if err := tw.Write(f); err != nil {
			t.Fatal(err)
		}
		if i == TextBlock-2 && out.Len() != 0 {
			t.Fatalf("wrote %d bytes before a block was full", out.Len())
		}
		if i == TextBlock-1 && strings.Count(out.String(), "\n") != TextBlock+1 {
			t.Fatalf("after %d rows: %d lines written, want the header and the block", TextBlock, strings.Count(out.String(), "\n"))
		}
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != TextBlock+6 || !strings.HasPrefix(lines[0], "ID ") || strings.Count(out.String(), "PROTO") != 1 {
		t.Fatalf("%d lines (want %d), first %q", len(lines), TextBlock+6, lines[0])
	}
	if !strings.HasPrefix(lines[len(lines)-1], strconv.Itoa(TextBlock+5)+" ") {
		t.Errorf("last row %q, want flow %d", lines[len(lines)-1], TextBlock+5)
	}

	// The same flows in a Report give the same table, then the summary.
	rep.Flows = streamed
	var whole, sum bytes.Buffer
	if err := rep.WriteText(&whole); err != nil {
		t.Fatal(err)
	}
	if err := rep.Summary.WriteText(&sum); err != nil {
		t.Fatal(err)
	}
	if want := out.String() + sum.String(); whole.String() != want {
		t.Errorf("Report.WriteText differs from TextWriter + Summary.WriteText")
	}
	if !strings.HasPrefix(sum.String(), "flows: 1005 allowed, 0 dropped") {
		t.Errorf("summary starts %q", strings.SplitN(sum.String(), "\n", 2)[0])
	}

	// No flows: just the header.
	out.Reset()
	tw = NewTextWriter(&out)
	if err := tw.Flush(); err != nil || !strings.HasPrefix(out.String(), "ID  PROTO  SRC") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("empty table %q, %v; want the header line", out.String(), err)
	}

	// JSONWriter writes what Report.WriteJSON does.
	var j1, j2 bytes.Buffer
	jw := NewJSONWriter(&j1)
	for _, f := range streamed[:3] {
		if err := jw.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := (&Report{Flows: streamed[:3]}).WriteJSON(&j2); err != nil {
		t.Fatal(err)
	}
	var jf JSONFlow
	if j1.String() != j2.String() || json.Unmarshal([]byte(strings.SplitN(j1.String(), "\n", 2)[0]), &jf) != nil || jf.ID != streamed[0].ID {
		t.Errorf("JSONWriter wrote %q, WriteJSON %q", j1.String(), j2.String())
	}
}
