package fuzz

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim/flowlog"
)

// FuzzFlowLog feeds arbitrary text to flowlog.Reader: it must never panic,
// must fail only with a *flowlog.ParseError, and every record it returns
// must be written by Record.AppendText and read back as itself.
//
// Arguments: the input, the Format (mod 3: Detect, AWSv2, Huawei) and the
// options (bit 0 ContinueOnError, bit 1 IncludeNoData).
//
// The seeds are built from the field names and record shapes documented by
// AWS ("Flow log records", VPC user guide) and Huawei Cloud ("Viewing a VPC
// Flow Log", VPC user guide): the same fields, order, "-" placement and
// log-status values, with made-up values.
func FuzzFlowLog(f *testing.F) {
	// AWS version-2 header (the documented default field names) and one
	// accepted TCP record.
	f.Add([]byte("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"+
		"2 111122223333 eni-0a1b2c3d4e5f60718 10.20.0.5 10.20.1.9 50123 22 6 14 3120 1700000000 1700000060 ACCEPT OK\n"), uint8(0), uint8(0))
	// AWS header-less REJECT record, explicit AWSv2, no trailing newline.
	f.Add([]byte("2 111122223333 eni-0a1b2c3d4e5f60718 10.20.0.6 10.20.1.9 50124 3389 6 3 180 1700000001 1700000061 REJECT OK"), uint8(1), uint8(0))
	// AWS NODATA and SKIPDATA records as documented ("-" for every flow field).
	f.Add([]byte("2 111122223333 eni-0a1b2c3d4e5f60718 - - - - - - - 1700000000 1700000600 - NODATA\n"+
		"2 111122223333 eni-11111111aaaaaaaaa - - - - - - - 1700000000 1700000600 - SKIPDATA\n"), uint8(1), uint8(0))
	// The same with IncludeNoData, so they are returned and round-tripped.
	f.Add([]byte("2 111122223333 eni-0a1b2c3d4e5f60718 - - - - - - - 1700000000 1700000600 - NODATA\n"), uint8(1), uint8(2))
	// Huawei documented field order with the project-id header name, and an
	// OK record shaped as its example.
	f.Add([]byte("version project-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"+
		"1 0123456789abcdef0123456789abcdef 6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60 192.168.0.10 192.168.1.20 40000 53 17 2 150 1700000000 1700000600 ACCEPT OK\n"), uint8(0), uint8(0))
	// Huawei NODATA and SKIPDATA records shaped as its examples, header-less, explicit Huawei.
	f.Add([]byte("1 0123456789abcdef0123456789abcdef 6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60 - - - - - - - 1700000000 1700000600 - NODATA\n"+
		"1 0123456789abcdef0123456789abcdef 6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60 - - - - - - - 1700000000 1700000600 - SKIPDATA\n"), uint8(2), uint8(2))
	// AWS custom-format header in "${...}" form, reordered, with a field
	// this package ignores (tcp-flags) and IPv6 addresses.
	f.Add([]byte("${dstport} ${srcaddr} ${tcp-flags} ${dstaddr} ${protocol} ${srcport} ${log-status} ${action}\n"+
		"443 2001:db8::1 2 2001:db8:0:1::5 6 49152 OK ACCEPT\n"), uint8(0), uint8(0))
	// Underscore field names (as Athena/CloudWatch spell them) and CRLF.
	f.Add([]byte("version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action log_status\r\n"+
		"2 111122223333 eni-0a1b2c3d4e5f60718 ::ffff:10.0.0.1 fe80::1%eth0 0 0 58 1 72 1700000002 1700000002 ACCEPT OK\r\n"), uint8(0), uint8(0))
	// Blank lines, comments and tab separators.
	f.Add([]byte("\n# exported\n\t\n2\t111122223333\teni-1\t10.0.0.1\t10.0.0.2\t1\t2\t17\t3\t4\t5\t6\tACCEPT\tOK\n"), uint8(1), uint8(0))
	// Malformed lines (port > 65535, bad address, start > end, wrong field
	// count) with ContinueOnError, then a good record.
	f.Add([]byte("2 1 eni-1 10.0.0.1 10.0.0.2 1 70000 6 1 1 5 6 ACCEPT OK\n"+
		"2 1 eni-1 10.0.0.256 10.0.0.2 1 2 6 1 1 5 6 ACCEPT OK\n"+
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 9 6 ACCEPT OK\n"+
		"2 1 eni-1 10.0.0.1\n"+
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 300 1 1 5 6 ACCEPT OK\n"+
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 5 6 ACCEPT OK\n"), uint8(1), uint8(1))
	// Header lacking required fields (always fatal).
	f.Add([]byte("version srcaddr\n2 10.0.0.1\n"), uint8(0), uint8(1))

	f.Fuzz(func(t *testing.T, data []byte, format, opts uint8) {
		r := flowlog.NewReader(bytes.NewReader(data), flowlog.Format(format%3))
		r.ContinueOnError = opts&1 != 0
		r.IncludeNoData = opts&2 != 0
		var recs []flowlog.Record
		for {
			var rec flowlog.Record
			err := r.Next(&rec)
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *flowlog.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Next: %v (%T), want a *flowlog.ParseError", err, err)
				}
				if !strings.HasPrefix(err.Error(), "flowlog: line ") || pe.Line < 1 {
					t.Fatalf("Next: malformed error %q", err)
				}
				if r.Next(&rec) != err {
					t.Fatalf("error did not stick")
				}
				break
			}
			if rec.Line < 1 || len(recs) > 0 && rec.Line <= recs[len(recs)-1].Line {
				t.Fatalf("record line %d after %d records", rec.Line, len(recs))
			}
			if !r.IncludeNoData && (rec.Status != "OK" || !rec.Src.IsValid() || !rec.Dst.IsValid()) {
				t.Fatalf("record without flow data returned: %v", rec)
			}
			recs = append(recs, rec)
		}
		for _, s := range r.Skipped() {
			if s.Reason == "" || s.Count < 1 || s.FirstLine < 1 {
				t.Fatalf("bad Skip %+v", s)
			}
		}

		// What parsed round-trips.
		var out []byte
		for _, rec := range recs {
			n := len(out)
			var err error
			out, err = rec.AppendText(out)
			if err != nil {
				// Written with every field, a record read from a short
				// custom-format line of long text can exceed MaxLine:
				// AppendText refuses it rather than write what the
				// reader refuses. Any other refusal is a failure.
				if len(out) != n || !strings.Contains(err.Error(), "longer than MaxLine") || len(rec.Account)+len(rec.Interface) < flowlog.MaxLine-200 {
					t.Fatalf("AppendText(%#v): %v", rec, err)
				}
				return
			}
			out = append(out, '\n')
		}
		r2 := flowlog.NewReader(bytes.NewReader(out), flowlog.AWSv2)
		r2.IncludeNoData = true
		for i, want := range recs {
			var got flowlog.Record
			if err := r2.Next(&got); err != nil {
				t.Fatalf("reading back record %d %q: %v", i, want.String(), err)
			}
			if d := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreFields(flowlog.Record{}, "Line")); d != "" {
				t.Fatalf("record %d changed on round trip (-parsed +reparsed):\n%s", i, d)
			}
		}
		var extra flowlog.Record
		if err := r2.Next(&extra); err != io.EOF {
			t.Fatalf("after %d records: %v, %v; want io.EOF", len(recs), extra, err)
		}
	})
}
