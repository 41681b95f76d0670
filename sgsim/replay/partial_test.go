package replay

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
)

// failAfter reads data and then fails with an I/O error.
type failAfter struct {
	r   io.Reader
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// A capture that turns corrupt partway still reports everything before
// the error, and says where reading stopped: a corrupt record (a located
// *capture.FormatError) or an I/O error (wrapped with the place).
func TestPartialCapture(t *testing.T) {
	n := testNetwork(t)
	fs := []frame{
		tcpF(t, 0, worker+":40000", master+":5444", "S"),
		tcpF(t, s, worker+":40001", master+":22", "S"), // dropped
		udpF(t, 2*s, worker+":5000", master+":53", 10),
	}
	good := pcapOf(t, fs...)
	// A fourth record header claiming 4 GiB.
	corrupt := append(append([]byte(nil), good...), make([]byte, 16)...)
	binary.LittleEndian.PutUint32(corrupt[len(good)+8:], 0xffffffff)

	third := 24 + 16 + len(fs[0].data) + 16 + len(fs[1].data)
	for _, tc := range []struct {
		name              string
		src               func() io.Reader
		wantErr           string
		wantOffset        int
		wantAfter, wantFl int
	}{
		{"corrupt record", func() io.Reader { return bytes.NewReader(corrupt) },
			"capture: pcap record at byte " + strconv.Itoa(len(good)) + " (after packet 3): claims 4294967295 captured bytes", len(good), 3, 3},
		{"i/o error", func() io.Reader { return &failAfter{bytes.NewReader(good[:len(good)-4]), errors.New("disk on fire")} },
			"capture: reading at byte " + strconv.Itoa(third) + " (after packet 2): disk on fire", third, 2, 2},
	} {
		for _, workers := range []int{1, 3} {
			c, err := capture.NewReader(tc.src())
			if err != nil {
				t.Fatal(err)
			}
			r := New(n, Config{RecordDropped: true, Workers: workers})
			err = r.AddCapture(c)
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Fatalf("%s, %d workers: error %v\nwant one starting %q", tc.name, workers, err, tc.wantErr)
			}
			if in, logs := r.Inputs(); len(in) != 1 || in[0].Packets != tc.wantAfter || in[0].Err != err.Error() || len(logs) != 0 {
				t.Errorf("%s: Inputs before Report = %+v, %v; want the capture's %d packets and error", tc.name, in, logs, tc.wantAfter)
			}
			rep := r.Report()
			cs := rep.Summary.Captures[0]
			if cs.Err != err.Error() || cs.ErrOffset != int64(tc.wantOffset) {
				t.Errorf("%s: Err %q at %d; want the returned error at %d", tc.name, cs.Err, cs.ErrOffset, tc.wantOffset)
			}
			if cs.ErrAfter != tc.wantAfter || cs.Packets != tc.wantAfter || rep.Summary.Flows != tc.wantFl {
				t.Errorf("%s: ErrAfter %d, %d packets, %d flows; want %d, %d, %d", tc.name, cs.ErrAfter, cs.Packets, rep.Summary.Flows, tc.wantAfter, tc.wantAfter, tc.wantFl)
			}
			if rep.Summary.Dropped != 1 || cs.DroppedPackets != 1 || len(cs.Dropped) != 1 || cs.Dropped[0].N != 2 {
				t.Errorf("%s: %d dropped flows, %d dropped packets %v; want the one before the error", tc.name, rep.Summary.Dropped, cs.DroppedPackets, cs.Dropped)
			}
			var b strings.Builder
			if err := rep.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if want := "capture 1: stopped: " + err.Error() + "\n"; !strings.Contains(b.String(), want) {
				t.Errorf("%s: text report lacks %q:\n%s", tc.name, want, b.String())
			}
		}
	}
}

// A flow log that turns malformed or unreadable partway still replays the
// records before, and says at which line it stopped.
func TestPartialFlowLog(t *testing.T) {
	n := testNetwork(t)
	const good = "2 123456789012 eni-0a1b2c3d 192.168.0.5 192.168.1.10 40000 5444 6 10 840 1700000000 1700000060 ACCEPT OK\n" +
		"2 123456789012 eni-0a1b2c3d 192.168.0.5 192.168.1.10 40001 22 6 10 840 1700000000 1700000060 REJECT OK\n"
	for _, tc := range []struct {
		name     string
		src      io.Reader
		wantErr  string
		wantLine int
	}{
		{"malformed line", strings.NewReader(good + "2 123456789012 eni-0a1b2c3d fe80::1%eth0 192.168.1.10 1 2 6 1 1 1 2 ACCEPT OK\n"),
			`flowlog: line 3, field "srcaddr": "fe80::1%eth0": IPv6 address with a zone`, 3},
		{"i/o error", &failAfter{strings.NewReader(good), errors.New("disk on fire")}, "flowlog: reading line 3: disk on fire", 3},
	} {
		r := New(n, Config{})
		err := r.AddFlowLog(flowlog.NewReader(tc.src, flowlog.AWSv2))
		if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
			t.Fatalf("%s: error %v, want one starting %q", tc.name, err, tc.wantErr)
		}
		if _, logs := r.Inputs(); len(logs) != 1 || logs[0].Records != 2 {
			t.Errorf("%s: Inputs before Report: %+v; want the log's 2 records", tc.name, logs)
		}
		rep := r.Report()
		st := rep.Summary.FlowLogs[0]
		if st.Err != err.Error() || st.ErrLine != tc.wantLine || st.Records != 2 || rep.Summary.Flows != 2 || rep.Summary.Dropped != 1 {
			t.Errorf("%s: Err %q line %d, %d records, %d flows (%d dropped); want the error at line %d, 2, 2 (1)",
				tc.name, st.Err, st.ErrLine, st.Records, rep.Summary.Flows, rep.Summary.Dropped, tc.wantLine)
		}
	}
}
