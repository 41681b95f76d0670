package classbench

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// sharedDir holds the generated ClassBench files, relative to this package.
const sharedDir = "../../../shared/classbench"

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

// readmeFilter is the example filter line of shared/classbench/README.md,
// with the generator's trailing tab.
const readmeFilter = "@149.130.11.245/32\t12.43.147.183/32\t0 : 65535\t5540 : 5540\t0x06/0xFF\t0x1000/0x1000\t"

// readmeHeader is the example trace line of shared/classbench/README.md.
const readmeHeader = "2080589981\t3036600644\t65535\t65535\t6\t268439552\t7279"

func TestReadmeExamples(t *testing.T) {
	f, err := ParseFilter(readmeFilter)
	if err != nil {
		t.Fatal(err)
	}
	want := Filter{
		Src:       pfx("149.130.11.245/32"),
		Dst:       pfx("12.43.147.183/32"),
		SrcPorts:  PortRange{0, 65535},
		DstPorts:  PortRange{5540, 5540},
		Proto:     6,
		ProtoMask: 0xFF,
		Flags:     0x1000,
		FlagsMask: 0x1000,
	}
	if f != want {
		t.Errorf("ParseFilter(README) = %+v, want %+v", f, want)
	}
	if f.AnyProto() {
		t.Error("AnyProto() = true for 0x06/0xFF")
	}
	if got, want := f.String()+"\t", readmeFilter; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	h, err := ParseHeader(readmeHeader)
	if err != nil {
		t.Fatal(err)
	}
	// 2080589981 = 124.3.72.157, 3036600644 = 180.254.217.68.
	wantH := Header{
		Src:     ip("124.3.72.157"),
		Dst:     ip("180.254.217.68"),
		SrcPort: 65535,
		DstPort: 65535,
		Proto:   6,
		Flags:   268439552,
		Filter:  7279,
	}
	if h != wantH {
		t.Errorf("ParseHeader(README) = %+v, want %+v", h, wantH)
	}
	if got := h.String(); got != readmeHeader {
		t.Errorf("Header.String() = %q, want %q", got, readmeHeader)
	}
}

func TestParseFilterGood(t *testing.T) {
	wild := Filter{Src: pfx("0.0.0.0/0"), Dst: pfx("0.0.0.0/0"), SrcPorts: AnyPort, DstPorts: AnyPort}
	tests := []struct {
		name, line string
		want       Filter
	}{
		{"wildcard", "@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t", wild},
		{"no trailing tab", "@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000", wild},
		{"CRLF and spaces", "  @0.0.0.0/0 \t0.0.0.0/0\t0:65535\t 0  :  65535 \t0x00/0x00\t0x0000/0x0000\t\r\n", wild},
		{"fw1 line", "@2.236.78.224/27\t1.155.201.48/29\t88 : 88\t161 : 161\t0x11/0xFF\t0x0200/0x1200\t",
			Filter{Src: pfx("2.236.78.224/27"), Dst: pfx("1.155.201.48/29"), SrcPorts: PortRange{88, 88},
				DstPorts: PortRange{161, 161}, Proto: 17, ProtoMask: 0xFF, Flags: 0x0200, FlagsMask: 0x1200}},
		{"hex case and short digits", "@10.0.0.0/8\t10.1.0.0/16\t1 : 2\t3 : 4\t0X2f/0xff\t0x100/0xFF00\t",
			Filter{Src: pfx("10.0.0.0/8"), Dst: pfx("10.1.0.0/16"), SrcPorts: PortRange{1, 2},
				DstPorts: PortRange{3, 4}, Proto: 0x2f, ProtoMask: 0xFF, Flags: 0x100, FlagsMask: 0xff00}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFilter(tt.line)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.line, err)
			}
			if got != tt.want {
				t.Errorf("ParseFilter(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseFilterBad(t *testing.T) {
	const (
		ok2  = "0.0.0.0/0"
		okP  = "0 : 65535"
		okPr = "0x06/0xFF"
		okFl = "0x0000/0x0000"
	)
	line := func(src, dst, sp, dp, pr, fl string) string {
		return "@" + src + "\t" + dst + "\t" + sp + "\t" + dp + "\t" + pr + "\t" + fl + "\t"
	}
	long := strings.Repeat("x", 200)
	tests := []struct{ line, want string }{
		{"", `classbench: "": want 6 tab-separated fields, got 1`},
		{"@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00",
			`classbench: "@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00": want 6 tab-separated fields, got 5`},
		{"@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\tx",
			`classbench: "@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\tx": want 6 tab-separated fields, got 7`},
		{"@0.0.0.0/0\t\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000",
			`classbench: "@0.0.0.0/0\t\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000": want 6 tab-separated fields, got 7`},
		{long, `classbench: "` + strings.Repeat("x", 128) + `...": want 6 tab-separated fields, got 1`},
		{line(ok2, ok2, okP, okP, okPr, okFl)[1:], `classbench: field 1 (source prefix): "0.0.0.0/0": missing leading "@"`},
		{line("1.2.3.4", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@1.2.3.4": missing prefix length`},
		{line("1.2.3/8", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@1.2.3/8": bad IPv4 address`},
		{line("01.2.3.4/32", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@01.2.3.4/32": bad IPv4 address`},
		{line("::1/128", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@::1/128": not an IPv4 address`},
		{line("1.2.3.4/33", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@1.2.3.4/33": prefix length out of range`},
		{line("1.2.3.4/", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@1.2.3.4/": bad prefix length`},
		{line("1.2.3.4/-1", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@1.2.3.4/-1": bad prefix length`},
		{line("10.0.0.1/8", ok2, okP, okP, okPr, okFl), `classbench: field 1 (source prefix): "@10.0.0.1/8": host bits set, want 10.0.0.0/8`},
		{line(ok2, "1.1.1.1/0", okP, okP, okPr, okFl), `classbench: field 2 (destination prefix): "1.1.1.1/0": host bits set, want 0.0.0.0/0`},
		{line(ok2, "@1.1.1.1/32", okP, okP, okPr, okFl), `classbench: field 2 (destination prefix): "@1.1.1.1/32": bad IPv4 address`},
		{line(ok2, ok2, "70000 : 1", okP, okPr, okFl), `classbench: field 3 (source ports): "70000 : 1": port out of range`},
		{line(ok2, ok2, "5 : 1", okP, okPr, okFl), `classbench: field 3 (source ports): "5 : 1": lo > hi`},
		{line(ok2, ok2, "80", okP, okPr, okFl), `classbench: field 3 (source ports): "80": want "lo : hi"`},
		{line(ok2, ok2, "-1 : 5", okP, okPr, okFl), `classbench: field 3 (source ports): "-1 : 5": bad port`},
		{line(ok2, ok2, " : 5", okP, okPr, okFl), `classbench: field 3 (source ports): ": 5": bad port`},
		{line(ok2, ok2, "1 : 2 : 3", okP, okPr, okFl), `classbench: field 3 (source ports): "1 : 2 : 3": bad port`},
		{line(ok2, ok2, okP, "0 : 65536", okPr, okFl), `classbench: field 4 (destination ports): "0 : 65536": port out of range`},
		{line(ok2, ok2, okP, "0 : 99999999999999999999999", okPr, okFl), `classbench: field 4 (destination ports): "0 : 99999999999999999999999": port out of range`},
		{line(ok2, ok2, okP, okP, "0x06/0x0F", okFl), `classbench: field 5 (protocol): "0x06/0x0F": mask must be 0x00 or 0xFF`},
		{line(ok2, ok2, okP, okP, "0x06/0x00", okFl), `classbench: field 5 (protocol): "0x06/0x00": value has bits outside mask`},
		{line(ok2, ok2, okP, okP, "6/0xFF", okFl), `classbench: field 5 (protocol): "6/0xFF": bad hex number`},
		{line(ok2, ok2, okP, okP, "0x/0xFF", okFl), `classbench: field 5 (protocol): "0x/0xFF": bad hex number`},
		{line(ok2, ok2, okP, okP, "0x006/0xFF", okFl), `classbench: field 5 (protocol): "0x006/0xFF": more than 2 hex digits`},
		{line(ok2, ok2, okP, okP, "0x06", okFl), `classbench: field 5 (protocol): "0x06": want "value/mask"`},
		{line(ok2, ok2, okP, okP, okPr, "0x1000/0x0000"), `classbench: field 6 (flags): "0x1000/0x0000": value has bits outside mask`},
		{line(ok2, ok2, okP, okP, okPr, "0x10000/0x10000"), `classbench: field 6 (flags): "0x10000/0x10000": more than 4 hex digits`},
		{line(ok2, ok2, okP, okP, okPr, "0xzz/0x00"), `classbench: field 6 (flags): "0xzz/0x00": bad hex number`},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.line)
		if err == nil {
			t.Errorf("ParseFilter(%q) = %+v, want error %s", tt.line, f, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("ParseFilter(%q) error:\n got  %s\n want %s", tt.line, got, tt.want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 0 {
			t.Errorf("ParseFilter(%q) error %#v: want *ParseError with Line 0", tt.line, err)
		}
		if f != (Filter{}) {
			t.Errorf("ParseFilter(%q) returned %+v with its error, want zero Filter", tt.line, f)
		}
	}
}

func TestParseHeader(t *testing.T) {
	good := []struct {
		line string
		want Header
	}{
		{"0\t4294967295\t0\t65535\t255\t4294967295\t0",
			Header{Src: ip("0.0.0.0"), Dst: ip("255.255.255.255"), DstPort: 65535, Proto: 255, Flags: 4294967295}},
		{" 16909060\t167772161\t80\t443\t6\t0\t12 \r\n",
			Header{Src: ip("1.2.3.4"), Dst: ip("10.0.0.1"), SrcPort: 80, DstPort: 443, Proto: 6, Filter: 12}},
	}
	for _, tt := range good {
		got, err := ParseHeader(tt.line)
		if err != nil {
			t.Errorf("ParseHeader(%q): %v", tt.line, err)
		} else if got != tt.want {
			t.Errorf("ParseHeader(%q) = %+v, want %+v", tt.line, got, tt.want)
		}
	}
	bad := []struct{ line, want string }{
		{"", `classbench: "": want 7 tab-separated fields, got 1`},
		{"1\t2\t3\t4\t5\t6", `classbench: "1\t2\t3\t4\t5\t6": want 7 tab-separated fields, got 6`},
		{"1\t2\t3\t4\t5\t6\t7\t8", `classbench: "1\t2\t3\t4\t5\t6\t7\t8": want 7 tab-separated fields, got 8`},
		{"4294967296\t2\t3\t4\t5\t6\t7", `classbench: field 1 (source address): "4294967296": out of range (max 4294967295)`},
		{"1\t1.2.3.4\t3\t4\t5\t6\t7", `classbench: field 2 (destination address): "1.2.3.4": bad number`},
		{"1\t2\t65536\t4\t5\t6\t7", `classbench: field 3 (source port): "65536": out of range (max 65535)`},
		{"1\t2\t3\t-4\t5\t6\t7", `classbench: field 4 (destination port): "-4": bad number`},
		{"1\t2\t3\t4\t256\t6\t7", `classbench: field 5 (protocol): "256": out of range (max 255)`},
		{"1\t2\t3\t4\t5\t0x10\t7", `classbench: field 6 (flags): "0x10": bad number`},
		{"1\t2\t3\t4\t5\t6\t2147483648", `classbench: field 7 (filter): "2147483648": out of range (max 2147483647)`},
		{"1\t2\t3\t4\t5\t6\t ", `classbench: "1\t2\t3\t4\t5\t6\t ": want 7 tab-separated fields, got 6`},
		{"1\t2\t3\t4\t5\t \t7", `classbench: field 6 (flags): "": bad number`},
	}
	for _, tt := range bad {
		h, err := ParseHeader(tt.line)
		if err == nil {
			t.Errorf("ParseHeader(%q) = %+v, want error %s", tt.line, h, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("ParseHeader(%q) error:\n got  %s\n want %s", tt.line, got, tt.want)
		}
	}
}

func TestReadFilters(t *testing.T) {
	// Blank and white-space-only lines are skipped but counted, CRLF is
	// accepted, and the last line needs no newline.
	in := "\n" +
		readmeFilter + "\r\n" +
		" \t \n" +
		"@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t"
	fs, err := ReadFilters(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Line != 2 || fs[1].Line != 4 {
		t.Fatalf("got %d filters %+v, want 2 at lines 2 and 4", len(fs), fs)
	}
	if !fs[1].AnyProto() || fs[1].SrcPorts != AnyPort {
		t.Errorf("second filter = %+v, want any protocol and all ports", fs[1])
	}

	// Errors carry the physical line number.
	var b strings.Builder
	for i := 1; i < 17; i++ {
		if i%5 == 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(readmeFilter + "\n")
		}
	}
	b.WriteString("@0.0.0.0/0\t0.0.0.0/0\t70000 : 1\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t\n")
	b.WriteString(readmeFilter + "\n")
	fs, err = ReadFilters(strings.NewReader(b.String()))
	const want = `classbench: line 17, field 3 (source ports): "70000 : 1": port out of range`
	if err == nil || err.Error() != want {
		t.Fatalf("ReadFilters error = %v, want %s", err, want)
	}
	if len(fs) != 13 {
		t.Errorf("ReadFilters returned %d filters before the error, want 13", len(fs))
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 17 || pe.Field != 3 {
		t.Errorf("error %#v: want *ParseError at line 17, field 3", err)
	}

	// A line longer than the buffer is reported, not a panic or a hang.
	huge := readmeFilter + "\n" + strings.Repeat("@", maxLine+10) + "\n"
	_, err = ReadFilters(strings.NewReader(huge))
	if err == nil || err.Error() != "classbench: line 2: line longer than 1048576 bytes" {
		t.Errorf("ReadFilters(huge line) error = %v", err)
	}

	// Empty input is no filters and no error.
	if fs, err := ReadFilters(strings.NewReader("")); err != nil || len(fs) != 0 {
		t.Errorf("ReadFilters(\"\") = %v, %v", fs, err)
	}
}

func TestReadTrace(t *testing.T) {
	in := readmeHeader + "\n\n" + "1\t2\t3\t4\t5\t6\t7"
	hs, err := ReadTrace(strings.NewReader(in))
	if err != nil || len(hs) != 2 || hs[1].Filter != 7 {
		t.Fatalf("ReadTrace = %+v, %v; want 2 headers", hs, err)
	}
	_, err = ReadTrace(strings.NewReader(in + "\n1\t2\t3\t4\t5\t6\tx\n"))
	const want = `classbench: line 4, field 7 (filter): "x": bad number`
	if err == nil || err.Error() != want {
		t.Errorf("ReadTrace error = %v, want %s", err, want)
	}
}

func TestMatches(t *testing.T) {
	f, _ := ParseFilter(readmeFilter)
	h := Header{Src: ip("149.130.11.245"), Dst: ip("12.43.147.183"), SrcPort: 1234, DstPort: 5540, Proto: 6}
	if !f.Matches(h) {
		t.Fatalf("%v does not match %+v", f, h)
	}
	for name, mod := range map[string]func(*Header){
		"src":   func(h *Header) { h.Src = ip("149.130.11.244") },
		"dst":   func(h *Header) { h.Dst = ip("12.43.147.182") },
		"dport": func(h *Header) { h.DstPort = 5541 },
		"proto": func(h *Header) { h.Proto = 17 },
		"v6":    func(h *Header) { h.Src = ip("::ffff:149.130.11.245") },
		"zero":  func(h *Header) { *h = Header{} },
	} {
		h2 := h
		mod(&h2)
		if f.Matches(h2) {
			t.Errorf("%s: %v matches %+v", name, f, h2)
		}
	}
	// Flags are ignored.
	h.Flags = 0xdeadbeef
	if !f.Matches(h) {
		t.Errorf("flags changed the match")
	}
	if got := FirstMatch([]Filter{{}, f, f}, h); got != 1 {
		t.Errorf("FirstMatch = %d, want 1", got)
	}
	if got := FirstMatch(nil, h); got != -1 {
		t.Errorf("FirstMatch(nil) = %d, want -1", got)
	}
	// The zero values are safe.
	if (Filter{}).Matches(Header{}) {
		t.Error("zero Filter matches zero Header")
	}
	// The zero prefixes are written as nothing, which ParseFilter rejects.
	if got, want := (Filter{}).String(), "@\t\t0 : 0\t0 : 0\t0x00/0x00\t0x0000/0x0000"; got != want {
		t.Errorf("Filter{}.String() = %q, want %q", got, want)
	} else if _, err := ParseFilter(got); err == nil {
		t.Errorf("ParseFilter(%q) accepts the zero Filter's line", got)
	}
	if got, want := (Header{}).String(), "\t\t0\t0\t0\t0\t0"; got != want {
		t.Errorf("Header{}.String() = %q, want %q", got, want)
	}
	if got := (PortRange{}).String(); got != "0 : 0" {
		t.Errorf("PortRange{}.String() = %q", got)
	}
}

// TestSharedFiles reads every generated file in shared/classbench. The
// counts were taken with wc -l (every line of these files is a record).
func TestSharedFiles(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skipf("no ClassBench files: %v", err)
	}
	filterCounts := map[string]int{
		"acl1_1000": 919, "acl1_10000": 9798, "acl1_100000": 99329,
		"fw1_1000": 812, "fw1_10000": 9368, "fw1_100000": 89726,
		"ipc1_1000": 969, "ipc1_10000": 9538, "ipc1_100000": 99270,
	}
	traceCounts := map[string]int{
		"acl1_1000": 9190, "acl1_10000": 97980,
		"fw1_1000": 8120, "fw1_10000": 94985,
		"ipc1_1000": 37879, "ipc1_10000": 103680,
	}
	sets := map[string][]Filter{}
	for name, want := range filterCounts {
		data, err := os.ReadFile(filepath.Join(sharedDir, name))
		if err != nil {
			t.Fatal(err)
		}
		fs, err := ReadFilters(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(fs) != want {
			t.Errorf("%s: %d filters, want %d", name, len(fs), want)
		}
		// String reproduces every line, bar the generator's trailing tab.
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for i, f := range fs {
			if f.Line != i+1 {
				t.Fatalf("%s: filter %d has Line %d", name, i, f.Line)
			}
			if got, want := f.String()+"\t", lines[i]; got != want {
				t.Fatalf("%s:%d: String() = %q, want %q", name, f.Line, got, want)
			}
		}
		sets[name] = fs
	}
	for name, want := range traceCounts {
		t.Run(name+"_trace", func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(sharedDir, name+"_trace"))
			if err != nil {
				t.Fatal(err)
			}
			hs, err := ReadTrace(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != want {
				t.Errorf("%d headers, want %d", len(hs), want)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			fs := sets[name]
			for i, h := range hs {
				if got := h.String(); got != lines[i] {
					t.Fatalf("line %d: String() = %q, want %q", i+1, got, lines[i])
				}
				// Header.Filter is a 0-based index (see the package doc):
				// the generating filter must exist and match.
				if h.Filter < 0 || h.Filter >= len(fs) {
					t.Fatalf("line %d: filter %d out of range [0, %d)", i+1, h.Filter, len(fs))
				}
				if !fs[h.Filter].Matches(h) {
					t.Fatalf("line %d: generating filter %d (%v) does not match %v", i+1, h.Filter, fs[h.Filter], h)
				}
				m := FirstMatch(fs, h)
				if m < 0 || m > h.Filter || !fs[m].Matches(h) {
					t.Fatalf("line %d: FirstMatch = %d, generating filter %d", i+1, m, h.Filter)
				}
			}
		})
	}
}

// genFilter draws valid filters: canonical IPv4 prefixes, ordered port
// ranges, protocol mask 0x00 or 0xFF and values inside their masks.
func genFilter() *rapid.Generator[Filter] {
	return rapid.Custom(func(t *rapid.T) Filter {
		prefix := func(label string) netip.Prefix {
			a := addr32(rapid.Uint32().Draw(t, label+"Addr"))
			return netip.PrefixFrom(a, rapid.IntRange(0, 32).Draw(t, label+"Bits")).Masked()
		}
		ports := func(label string) PortRange {
			a, b := rapid.Uint16().Draw(t, label+"A"), rapid.Uint16().Draw(t, label+"B")
			return PortRange{min(a, b), max(a, b)}
		}
		f := Filter{Src: prefix("src"), Dst: prefix("dst"), SrcPorts: ports("sport"), DstPorts: ports("dport")}
		if rapid.Bool().Draw(t, "exactProto") {
			f.ProtoMask = 0xFF
			f.Proto = rapid.Uint8().Draw(t, "proto")
		}
		f.FlagsMask = rapid.Uint16().Draw(t, "flagsMask")
		f.Flags = rapid.Uint16().Draw(t, "flags") & f.FlagsMask
		return f
	})
}

func TestFilterStringRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFilter().Draw(t, "f")
		s := f.String()
		g, err := ParseFilter(s)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", s, err)
		}
		if g != f {
			t.Fatalf("ParseFilter(%q) = %+v, want %+v", s, g, f)
		}
		// With the file's trailing tab and newline too.
		fs, err := ReadFilters(strings.NewReader(s + "\t\n"))
		if err != nil || len(fs) != 1 || fs[0].Line != 1 {
			t.Fatalf("ReadFilters(%q) = %+v, %v", s, fs, err)
		}
	})
}

func TestHeaderStringRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := Header{
			Src:     addr32(rapid.Uint32().Draw(t, "src")),
			Dst:     addr32(rapid.Uint32().Draw(t, "dst")),
			SrcPort: rapid.Uint16().Draw(t, "sport"),
			DstPort: rapid.Uint16().Draw(t, "dport"),
			Proto:   rapid.Uint8().Draw(t, "proto"),
			Flags:   rapid.Uint32().Draw(t, "flags"),
			Filter:  rapid.IntRange(0, 1<<31-1).Draw(t, "filter"),
		}
		g, err := ParseHeader(h.String())
		if err != nil || g != h {
			t.Fatalf("ParseHeader(%q) = %+v, %v; want %+v", h.String(), g, err, h)
		}
	})
}

// TestMatchesArithmetic checks Matches against the match written out on
// 32-bit integers, with headers drawn near the filter so both outcomes
// occur.
func TestMatchesArithmetic(t *testing.T) {
	u32 := func(a netip.Addr) uint32 {
		b := a.As4()
		return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	rapid.Check(t, func(t *rapid.T) {
		f := genFilter().Draw(t, "f")
		near := func(p netip.Prefix, label string) uint32 {
			if rapid.Bool().Draw(t, label+"Random") {
				return rapid.Uint32().Draw(t, label)
			}
			// An address of the prefix's block or of a neighbouring one.
			hostBits := ^uint32(0) >> p.Bits() // 0 for /32
			host := rapid.Uint32().Draw(t, label+"Host") & hostBits
			delta := uint32(rapid.IntRange(-1, 1).Draw(t, label+"Delta")) << (32 - p.Bits())
			return u32(p.Addr()) + host + delta
		}
		nearPort := func(r PortRange, label string) uint16 {
			return uint16(int(rapid.SampledFrom([]uint16{r.First, r.Last}).Draw(t, label+"End")) + rapid.IntRange(-1, 1).Draw(t, label+"Delta"))
		}
		h := Header{
			Src:     addr32(near(f.Src, "src")),
			Dst:     addr32(near(f.Dst, "dst")),
			SrcPort: nearPort(f.SrcPorts, "sport"),
			DstPort: nearPort(f.DstPorts, "dport"),
			Proto:   rapid.SampledFrom([]uint8{f.Proto, f.Proto + 1, rapid.Uint8().Draw(t, "proto")}).Draw(t, "protoPick"),
			Flags:   rapid.Uint32().Draw(t, "flags"),
		}
		inPrefix := func(p netip.Prefix, a uint32) bool {
			mask := ^uint32(0)
			if p.Bits() < 32 {
				mask = ^(^uint32(0) >> p.Bits())
			}
			return a&mask == u32(p.Addr())
		}
		want := inPrefix(f.Src, u32(h.Src)) && inPrefix(f.Dst, u32(h.Dst)) &&
			f.SrcPorts.First <= h.SrcPort && h.SrcPort <= f.SrcPorts.Last &&
			f.DstPorts.First <= h.DstPort && h.DstPort <= f.DstPorts.Last &&
			(f.ProtoMask == 0 || h.Proto == f.Proto)
		if got := f.Matches(h); got != want {
			t.Fatalf("%v Matches %v = %v, want %v", f, h, got, want)
		}
	})
}

// BenchmarkReadFilters reads each 100K-filter file from memory.
func BenchmarkReadFilters(b *testing.B) {
	for _, name := range []string{"acl1_100000", "fw1_100000", "ipc1_100000"} {
		data, err := os.ReadFile(filepath.Join(sharedDir, name))
		if err != nil {
			b.Skipf("no ClassBench files: %v", err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := ReadFilters(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
