package fuzz

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/bench/classbench"
)

// checkClassBenchErr fails unless err is a *classbench.ParseError with the
// package's message prefix. (The readers read from a strings.Reader here,
// which never fails, so there is no other kind of error to expect.)
func checkClassBenchErr(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "classbench: ") {
		t.Fatalf("error without package prefix: %v", err)
	}
	var pe *classbench.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T, not *classbench.ParseError: %v", err, err)
	}
}

// FuzzClassBenchFilter parses arbitrary text as one filter line and as a
// filter file: no panic, errors are ParseErrors, and whatever parses
// round-trips (String then ParseFilter gives the same Filter, and String is
// stable).
func FuzzClassBenchFilter(f *testing.F) {
	// The README example line, with the generator's trailing tab.
	f.Add("@149.130.11.245/32\t12.43.147.183/32\t0 : 65535\t5540 : 5540\t0x06/0xFF\t0x1000/0x1000\t")
	// Full wildcard: /0 prefixes, all ports, any protocol, no flags.
	f.Add("@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t")
	// fw1-style flags mask and a lower-case protocol value (0x2f = GRE).
	f.Add("@2.236.78.224/27\t1.155.201.48/29\t88 : 88\t161 : 161\t0x2f/0xFF\t0x0200/0x1200\t")
	// Lenient spacing: no spaces around ':', CRLF, upper-case 0X.
	f.Add("@10.0.0.0/8\t10.1.0.0/16\t1:2\t3 : 4\t0X11/0xff\t0x0d00/0xff00\r\n")
	// Two lines and a blank one, for the file reader.
	f.Add("@1.2.3.4/32\t5.6.7.8/32\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000\t\n\n@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t\n")
	// Host bits set (rejected).
	f.Add("@10.0.0.1/8\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t")
	// Port out of range and reversed range (rejected).
	f.Add("@0.0.0.0/0\t0.0.0.0/0\t70000 : 1\t5 : 1\t0x00/0x00\t0x0000/0x0000\t")
	// Protocol mask other than 0x00/0xFF (rejected).
	f.Add("@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x06/0x0F\t0x0000/0x0000\t")
	// Too few fields, and an IPv6 prefix (rejected).
	f.Add("@::1/128\t0.0.0.0/0\t0 : 65535")
	// Empty input.
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if flt, err := classbench.ParseFilter(s); err != nil {
			checkClassBenchErr(t, err)
		} else {
			roundTripFilter(t, flt)
		}
		fs, err := classbench.ReadFilters(strings.NewReader(s))
		if err != nil {
			checkClassBenchErr(t, err)
		}
		for _, flt := range fs {
			if flt.Line < 1 {
				t.Fatalf("filter %v read with Line %d", flt, flt.Line)
			}
			flt.Line = 0
			roundTripFilter(t, flt)
		}
	})
}

func roundTripFilter(t *testing.T, flt classbench.Filter) {
	t.Helper()
	s := flt.String()
	g, err := classbench.ParseFilter(s)
	if err != nil {
		t.Fatalf("ParseFilter(%q) of a parsed filter: %v", s, err)
	}
	if g != flt {
		t.Fatalf("round trip through %q: got %+v, want %+v", s, g, flt)
	}
	if s2 := g.String(); s2 != s {
		t.Fatalf("String not stable: %q then %q", s, s2)
	}
}

// FuzzClassBenchTrace parses arbitrary text as one trace line and as a
// trace file: no panic, errors are ParseErrors, and whatever parses
// round-trips through Header.String.
func FuzzClassBenchTrace(f *testing.F) {
	// The README example trace line.
	f.Add("2080589981\t3036600644\t65535\t65535\t6\t268439552\t7279")
	// Extremes: 0 and 2^32-1 addresses and flags, filter index 0.
	f.Add("0\t4294967295\t0\t65535\t255\t4294967295\t0\n")
	// Two lines with a blank one between and CRLF endings.
	f.Add("882249658\t3963213613\t0\t1521\t6\t4294967295\t141\r\n\r\n2508327870\t1932184985\t0\t0\t6\t0\t704\r\n")
	// Address out of range (rejected).
	f.Add("4294967296\t0\t0\t0\t0\t0\t0")
	// Port and protocol out of range (rejected).
	f.Add("1\t2\t65536\t4\t256\t6\t7")
	// Leading zeros and a sign (sign rejected).
	f.Add("007\t2\t3\t4\t5\t6\t+7")
	// Too many fields (rejected).
	f.Add("1\t2\t3\t4\t5\t6\t7\t8")
	f.Fuzz(func(t *testing.T, s string) {
		if h, err := classbench.ParseHeader(s); err != nil {
			checkClassBenchErr(t, err)
		} else {
			roundTripHeader(t, h)
		}
		hs, err := classbench.ReadTrace(strings.NewReader(s))
		if err != nil {
			checkClassBenchErr(t, err)
		}
		for _, h := range hs {
			roundTripHeader(t, h)
		}
	})
}

func roundTripHeader(t *testing.T, h classbench.Header) {
	t.Helper()
	s := h.String()
	g, err := classbench.ParseHeader(s)
	if err != nil {
		t.Fatalf("ParseHeader(%q) of a parsed header: %v", s, err)
	}
	if g != h {
		t.Fatalf("round trip through %q: got %+v, want %+v", s, g, h)
	}
}
