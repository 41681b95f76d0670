package replay

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

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

// A DroppedWriter given as Config.OnDropped writes, in one pass, the
// records WriteDropped writes in two (one worker or several), under a
// header with snap length capture.MaxRecord. Big records fill a chunk's
// arena before its item count, and the chunks are then sent on early.
func TestDroppedWriterOnePass(t *testing.T) {
	n := testNetwork(t)
	small := workersCapture(t, 200)
	var fs []frame
	for i := 0; i < 300; i++ {
		port := "53"
		if i%3 == 0 {
			port = "54" // dropped
		}
		fs = append(fs, udpF(t, time.Duration(i)*time.Millisecond, worker+":"+strconv.Itoa(5000+i%7), master+":"+port, 30000))
	}
	big := pcapOf(t, fs...)
	for name, data := range map[string][]byte{"mixed traffic": small, "30 KB records": big} {
		want := replayPcap(t, n, Config{RecordDropped: true}, data)
		var two bytes.Buffer
		nw, err := want.Summary.Captures[0].WriteDropped(&two, bytes.NewReader(data))
		if err != nil || nw == 0 {
			t.Fatalf("%s: WriteDropped = %d, %v", name, nw, err)
		}
		for _, workers := range []int{1, 3} {
			c, err := capture.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			var one bytes.Buffer
			dw := NewDroppedWriter(&one, c.LinkType())
			r := New(n, Config{Workers: workers, OnDropped: dw.Write})
			if err := r.AddCapture(c); err != nil {
				t.Fatal(err)
			}
			if name == "30 KB records" && workers > 1 && (r.largestChunk == 0 || r.largestChunk > arenaSize/30000+2) {
				t.Errorf("%s: largest chunk %d items; want at most %d (the arena's bound)", name, r.largestChunk, arenaSize/30000+2)
			}
			rep := r.Report()
			got, err := dw.Close()
			if err != nil || got != nw || rep.Summary.Captures[0].DroppedPackets != nw {
				t.Fatalf("%s, %d workers: DroppedWriter wrote %d, %v; want %d", name, workers, got, err, nw)
			}
			if !bytes.Equal(one.Bytes()[24:], two.Bytes()[24:]) {
				t.Errorf("%s, %d workers: one-pass records differ from WriteDropped's", name, workers)
			}
			if snap := binary.LittleEndian.Uint32(one.Bytes()[16:20]); snap != capture.MaxRecord {
				t.Errorf("%s: snap length %d, want %d", name, snap, capture.MaxRecord)
			}
			if len(rep.Summary.Captures[0].Dropped) != 0 {
				t.Errorf("%s: %d dropped packets recorded without RecordDropped", name, len(rep.Summary.Captures[0].Dropped))
			}
		}
	}
}
