package flowlog_test

import (
	"bytes"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim/flowlog"
	"pgregory.net/rapid"
)

const maxUnix = 253402300799

func genString() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.Just(""),
		rapid.StringMatching(`[a-z0-9][a-z0-9-]{0,15}`),
		// Any printable ASCII but space, including '#' and '$'.
		rapid.StringMatching(`[!-~]{1,12}`).Filter(func(s string) bool { return s != "-" }),
	)
}

func genAddr() *rapid.Generator[netip.Addr] {
	return rapid.Custom(func(t *rapid.T) netip.Addr {
		switch rapid.IntRange(0, 4).Draw(t, "kind") {
		case 0:
			return netip.Addr{}
		case 1, 2:
			return netip.AddrFrom4([4]byte(rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "v4")))
		case 3:
			// No zones: the reader refuses them (TestReader) and
			// AppendText will not write them (TestAppendTextRejects).
			return netip.AddrFrom16([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "v6")))
		default: // IPv4-mapped IPv6
			return netip.AddrFrom16(netip.AddrFrom4([4]byte(rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "v4m"))).As16())
		}
	})
}

func genTime(t *rapid.T, label string) time.Time {
	if rapid.IntRange(0, 5).Draw(t, label+"Zero") == 0 {
		return time.Time{}
	}
	return time.Unix(rapid.Int64Range(0, maxUnix).Draw(t, label), 0).UTC()
}

func genRecord() *rapid.Generator[flowlog.Record] {
	return rapid.Custom(func(t *rapid.T) flowlog.Record {
		rec := flowlog.Record{
			Version:   rapid.IntRange(0, 255).Draw(t, "version"),
			Account:   genString().Draw(t, "account"),
			Interface: genString().Draw(t, "interface"),
			Src:       genAddr().Draw(t, "src"),
			Dst:       genAddr().Draw(t, "dst"),
			SrcPort:   rapid.Uint16().Draw(t, "srcport"),
			DstPort:   rapid.Uint16().Draw(t, "dstport"),
			Proto:     rapid.Uint8().Draw(t, "proto"),
			Packets:   rapid.Uint64().Draw(t, "packets"),
			Bytes:     rapid.Uint64().Draw(t, "bytes"),
			Start:     genTime(t, "start"),
			End:       genTime(t, "end"),
			Action:    rapid.SampledFrom([]string{"", "ACCEPT", "REJECT"}).Draw(t, "action"),
			Status:    rapid.SampledFrom([]string{"OK", "OK", "NODATA", "SKIPDATA"}).Draw(t, "status"),
		}
		if !rec.Start.IsZero() && !rec.End.IsZero() && rec.Start.After(rec.End) {
			rec.Start, rec.End = rec.End, rec.Start
		}
		return rec
	})
}

// TestRoundTrip writes records with AppendText, with an optional header and
// interleaved blank and comment lines, reads them back and wants the same
// records on the lines they were written to.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOfN(genRecord(), 0, 20).Draw(t, "recs")
		format := rapid.SampledFrom([]flowlog.Format{flowlog.Detect, flowlog.AWSv2, flowlog.Huawei}).Draw(t, "format")
		var buf []byte
		line := 0
		if rapid.Bool().Draw(t, "header") {
			buf = append(buf, format.Header()...)
			buf = append(buf, '\n')
			line++
		}
		var comments int
		for i := range recs {
			switch rapid.IntRange(0, 4).Draw(t, "filler") {
			case 0:
				buf = append(buf, " \t\n"...)
				line++
			case 1:
				buf = append(buf, "# note\n"...)
				line++
				comments++
			}
			var err error
			buf, err = recs[i].AppendText(buf)
			if err != nil {
				t.Fatalf("AppendText(%#v): %v", recs[i], err)
			}
			if rapid.Bool().Draw(t, "crlf") {
				buf = append(buf, '\r')
			}
			buf = append(buf, '\n')
			line++
			recs[i].Line = line
		}

		// IncludeNoData: every record comes back.
		got := readAllRecords(t, buf, format, true)
		if d := cmp.Diff(recs, got, addrEq, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("input:\n%s\nrecords (-want +got):\n%s", buf, d)
		}

		// Default: records with flow data come back; the others are
		// counted by reason, as are the comments.
		var want []flowlog.Record
		counts := map[string]int{}
		for _, rec := range recs {
			switch {
			case rec.Status != "OK":
				counts[rec.Status]++
			case !rec.Src.IsValid() || !rec.Dst.IsValid():
				counts[flowlog.ReasonNoAddress]++
			default:
				want = append(want, rec)
			}
		}
		if comments > 0 {
			counts[flowlog.ReasonComment] = comments
		}
		r := flowlog.NewReader(bytes.NewReader(buf), format)
		got = nil
		for {
			var rec flowlog.Record
			err := r.Next(&rec)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rec)
		}
		if d := cmp.Diff(want, got, addrEq, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("records with flow data (-want +got):\n%s", d)
		}
		gotCounts := map[string]int{}
		for _, s := range r.Skipped() {
			gotCounts[s.Reason] = s.Count
		}
		if d := cmp.Diff(counts, gotCounts, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("Skipped counts (-want +got):\n%s", d)
		}
	})
}

func readAllRecords(t *rapid.T, in []byte, f flowlog.Format, incl bool) []flowlog.Record {
	r := flowlog.NewReader(bytes.NewReader(in), f)
	r.IncludeNoData = incl
	var recs []flowlog.Record
	for {
		var rec flowlog.Record
		err := r.Next(&rec)
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("input:\n%s\nNext: %v", in, err)
		}
		recs = append(recs, rec)
	}
}
