// Package classbench reads ClassBench filter sets and packet-header traces
// (D. Taylor's ClassBench generator, Washington University in St. Louis).
//
// A filter line is six tab-separated fields, normally followed by one
// trailing tab:
//
//	@149.130.11.245/32	12.43.147.183/32	0 : 65535	5540 : 5540	0x06/0xFF	0x1000/0x1000
//
// source prefix (with a leading "@"), destination prefix, source port range
// "lo : hi", destination port range, protocol "value/mask" and TCP flags
// "value/mask". Filters are in priority order: the first filter that matches
// a header decides.
//
// A trace line is seven tab-separated decimal fields: source and destination
// address as unsigned 32-bit integers, source port, destination port,
// protocol, flags and the number of the filter the header was generated from.
//
// # Choices made by this reader
//
// Whitespace: leading and trailing whitespace on a line (the generator's
// trailing tab, a CR of a CRLF file) and spaces around a field are ignored.
// Lines that are empty or all whitespace are skipped; they still count for
// line numbers, so Filter.Line and error positions are physical line
// numbers in the input. A last line without a newline is accepted.
//
// Prefixes must be IPv4, with a length 0..32 and no bits set after the
// length (no "host bits"). None of the generated files in
// shared/classbench has host bits set, so such a prefix is rejected as a
// corrupt line rather than silently masked; masking would also make
// String lose information.
//
// Port ranges must have lo <= hi and both in 0..65535.
//
// The protocol mask must be 0x00 (any protocol) or 0xFF (exactly one
// protocol): these are the only masks the generator writes and the only
// ones in shared/classbench. The value must have no bits outside the mask,
// so "any protocol" is always 0x00/0x00.
//
// The flags mask may be any 16-bit value (the fw1 and ipc1 sets use
// 0x0200, 0x1200, 0xff00, ...), but again the value must have no bits
// outside the mask. Flags are parsed and kept, but Matches ignores them;
// see Filter.Matches.
//
// Hexadecimal digits are accepted in either case. The generator writes the
// protocol value in lower case and its mask in upper case ("0x2f/0xFF") and
// the flags in lower case ("0x0d00/0xff00"); Filter.String does the same,
// so it reproduces a generated line exactly, minus the trailing tab.
//
// Trace filter numbers: the ClassBench README calls the last trace field
// the 1-based number of the generating filter, but in every trace in
// shared/classbench it is a 0-based index into the filter list (the value 0
// occurs, the largest value is the filter count minus one, and the header
// matches filters[n] but in general not filters[n-1]). Header.Filter holds
// the number as written, which is therefore directly comparable with the
// index returned by FirstMatch.
package classbench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of transport ports. The zero PortRange
// is the single port 0.
type PortRange struct {
	First, Last uint16
}

// AnyPort is the port range that contains every port, written "0 : 65535".
var AnyPort = PortRange{0, 65535}

// Contains reports whether p lies in r (First <= p <= Last).
func (r PortRange) Contains(p uint16) bool { return r.First <= p && p <= r.Last }

// String formats r as a ClassBench port field, "First : Last".
func (r PortRange) String() string { return string(r.appendTo(nil)) }

func (r PortRange) appendTo(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(r.First), 10)
	b = append(b, " : "...)
	return strconv.AppendUint(b, uint64(r.Last), 10)
}

// Filter is one ClassBench filter (one rule of a filter set).
//
// The zero Filter has invalid (zero) prefixes and therefore matches no
// header; it is safe to use with every method.
type Filter struct {
	// Line is the 1-based line of the input the filter was read from by
	// ReadFilters; ParseFilter leaves it 0.
	Line int
	// Src and Dst are the source and destination IPv4 prefixes.
	Src, Dst netip.Prefix
	// SrcPorts and DstPorts are the inclusive source and destination
	// port ranges.
	SrcPorts, DstPorts PortRange
	// Proto and ProtoMask are the IP protocol and its mask: mask 0x00
	// means any protocol, mask 0xFF exactly Proto.
	Proto, ProtoMask uint8
	// Flags and FlagsMask are the TCP flags value and mask. They are
	// carried for completeness; Matches ignores them.
	Flags, FlagsMask uint16
}

// AnyProto reports whether f matches every protocol (protocol mask 0x00).
func (f Filter) AnyProto() bool { return f.ProtoMask == 0 }

// Matches reports whether header h matches f under the plain ClassBench
// semantics: h.Src in f.Src, h.Dst in f.Dst, both ports within their
// ranges, and h.Proto equal to f.Proto in the bits of f.ProtoMask.
//
// Flags are ignored, because the trace's flags field is not a packet's TCP
// flags: in the shared/classbench traces it is the generating filter's
// flags value in the high 16 bits and its mask in the low 16 bits
// (0x02001200 for a filter with 0x0200/0x1200), or 0 or 0xFFFFFFFF for a
// filter with flags 0x0000/0x0000. Testing it against a filter's flags as
// if it were packet flags is meaningless (most headers would then miss the
// very filter they were generated from), and classifiers evaluated on
// ClassBench match on the 5-tuple only.
func (f Filter) Matches(h Header) bool {
	// Cheapest tests first: this is called in tight oracle loops.
	return h.Proto&f.ProtoMask == f.Proto&f.ProtoMask &&
		f.DstPorts.Contains(h.DstPort) && f.SrcPorts.Contains(h.SrcPort) &&
		f.Dst.Contains(h.Dst) && f.Src.Contains(h.Src)
}

// String formats f as a ClassBench filter line without the trailing tab
// and newline, for example
//
//	@149.130.11.245/32	12.43.147.183/32	0 : 65535	5540 : 5540	0x06/0xFF	0x1000/0x1000
//
// For every f returned by ParseFilter, ParseFilter(f.String()) returns f.
// Line is not written.
func (f Filter) String() string {
	b := make([]byte, 0, 96)
	b = append(b, '@')
	b = f.Src.AppendTo(b)
	b = append(b, '\t')
	b = f.Dst.AppendTo(b)
	b = append(b, '\t')
	b = f.SrcPorts.appendTo(b)
	b = append(b, '\t')
	b = f.DstPorts.appendTo(b)
	b = append(b, '\t')
	b = appendHex(b, uint64(f.Proto), 2, lowerHex)
	b = append(b, '/')
	b = appendHex(b, uint64(f.ProtoMask), 2, upperHex)
	b = append(b, '\t')
	b = appendHex(b, uint64(f.Flags), 4, lowerHex)
	b = append(b, '/')
	b = appendHex(b, uint64(f.FlagsMask), 4, lowerHex)
	return string(b)
}

const (
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
)

// appendHex appends "0x" and v as exactly width hex digits.
func appendHex(b []byte, v uint64, width int, digits string) []byte {
	b = append(b, '0', 'x')
	for i := width - 1; i >= 0; i-- {
		b = append(b, digits[(v>>(4*uint(i)))&0xF])
	}
	return b
}

// FirstMatch returns the index of the first filter in filters that matches
// h, or -1 if none does. It is a plain linear scan, meant as an oracle.
func FirstMatch(filters []Filter, h Header) int {
	for i := range filters {
		if filters[i].Matches(h) {
			return i
		}
	}
	return -1
}

// Header is one packet header of a ClassBench trace.
//
// The zero Header has invalid (zero) addresses and matches no filter.
type Header struct {
	// Src and Dst are the IPv4 source and destination addresses.
	Src, Dst netip.Addr
	// SrcPort and DstPort are the transport ports.
	SrcPort, DstPort uint16
	// Proto is the IP protocol.
	Proto uint8
	// Flags is the trace's 32-bit flags field. It encodes the generating
	// filter's flags rather than packet flags (see Filter.Matches, which
	// ignores it).
	Flags uint32
	// Filter is the number of the filter the header was generated from,
	// as written in the trace. In the shared/classbench traces it is a
	// 0-based index into the filter list (see the package doc), and that
	// filter matches the header, though an earlier one may match first.
	Filter int
}

// String formats h as a ClassBench trace line without the newline. An
// address that is not IPv4 is written in netip's form ("" for the zero
// Addr), which ParseHeader rejects.
func (h Header) String() string {
	b := make([]byte, 0, 64)
	b = appendAddr32(b, h.Src)
	b = append(b, '\t')
	b = appendAddr32(b, h.Dst)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(h.SrcPort), 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(h.DstPort), 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(h.Proto), 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(h.Flags), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(h.Filter), 10)
	return string(b)
}

func appendAddr32(b []byte, a netip.Addr) []byte {
	if !a.Is4() {
		return a.AppendTo(b)
	}
	v := a.As4()
	u := uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
	return strconv.AppendUint(b, uint64(u), 10)
}

// ParseError is the error returned for a malformed line. Its message reads
//
//	classbench: line 17, field 3 (source ports): "70000 : 1": port out of range
//
// The line part is left out when Line is 0 (ParseFilter, ParseHeader), the
// field part when Field is 0 (an error about the whole line, which then
// quotes the line), and the quoted text when there is none to show (a line
// too long to read). Quoted text is cut to 128 bytes.
type ParseError struct {
	Line      int    // 1-based line number, or 0 if unknown
	Field     int    // 1-based field number, or 0 for the whole line
	FieldName string // name of field Field, such as "source ports"
	Text      string // the offending field or line, possibly shortened
	Err       error  // what is wrong
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("classbench: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Field > 0 {
			b.WriteString(", ")
		}
	}
	if e.Field > 0 {
		fmt.Fprintf(&b, "field %d (%s)", e.Field, e.FieldName)
	}
	if e.Line > 0 || e.Field > 0 {
		b.WriteString(": ")
	}
	if e.Text != "" || e.Field > 0 || e.Line == 0 {
		fmt.Fprintf(&b, "%q: ", e.Text)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }

// maxQuoted is how many bytes of a field or line an error message quotes.
const maxQuoted = 128

func shorten(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	return s[:maxQuoted] + "..."
}

var filterFieldNames = [...]string{"", "source prefix", "destination prefix", "source ports", "destination ports", "protocol", "flags"}

var headerFieldNames = [...]string{"", "source address", "destination address", "source port", "destination port", "protocol", "flags", "filter"}

func fieldErr(names []string, field int, text, msg string) error {
	return &ParseError{Field: field, FieldName: names[field], Text: shorten(text), Err: errors.New(msg)}
}

// isSpace reports whether c is ASCII white space other than a tab.
func isSpace(c byte) bool { return c == ' ' || c == '\r' || c == '\n' || c == '\v' || c == '\f' }

// trimLine removes leading and trailing white space, tabs included.
func trimLine(s string) string {
	for len(s) > 0 && (isSpace(s[0]) || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (isSpace(s[len(s)-1]) || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// trimField removes white space other than tabs around a field.
func trimField(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// splitFields splits line at tabs into exactly len(dst) trimmed fields and
// reports whether there were exactly that many; n is the count found.
func splitFields(line string, dst []string) (n int, ok bool) {
	for {
		i := strings.IndexByte(line, '\t')
		if i < 0 {
			if n < len(dst) {
				dst[n] = trimField(line)
			}
			n++
			return n, n == len(dst)
		}
		if n < len(dst) {
			dst[n] = trimField(line[:i])
		}
		n++
		line = line[i+1:]
	}
}

// parseDec parses a non-empty string of decimal digits no greater than max.
// It returns errSyntax or errRange.
func parseDec(s string, max uint64) (uint64, error) {
	if s == "" {
		return 0, errSyntax
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errSyntax
		}
		v = v*10 + uint64(c-'0')
		if v > max {
			// Keep checking the syntax so "99999x" is a syntax error.
			for i++; i < len(s); i++ {
				if s[i] < '0' || s[i] > '9' {
					return 0, errSyntax
				}
			}
			return 0, errRange
		}
	}
	return v, nil
}

// parseHex parses "0x" followed by 1..maxDigits hex digits.
func parseHex(s string, maxDigits int) (uint64, error) {
	if len(s) < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return 0, errSyntax
	}
	s = s[2:]
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, errSyntax
		}
		v = v<<4 | uint64(d)
	}
	if len(s) > maxDigits {
		return 0, errRange
	}
	return v, nil
}

var (
	errSyntax = errors.New("syntax")
	errRange  = errors.New("range")
)

// ParseFilter parses one filter line (with or without the leading and
// trailing white space of a file line). The returned Filter has Line 0.
// Errors are *ParseError values naming the field at fault.
func ParseFilter(line string) (Filter, error) {
	var f Filter
	var fs [6]string
	if n, ok := splitFields(trimLine(line), fs[:]); !ok {
		return Filter{}, &ParseError{Text: shorten(line),
			Err: fmt.Errorf("want 6 tab-separated fields, got %d", n)}
	}
	if !strings.HasPrefix(fs[0], "@") {
		return Filter{}, fieldErr(filterFieldNames[:], 1, fs[0], `missing leading "@"`)
	}
	var err error
	if f.Src, err = parsePrefix(fs[0][1:], 1, fs[0]); err != nil {
		return Filter{}, err
	}
	if f.Dst, err = parsePrefix(fs[1], 2, fs[1]); err != nil {
		return Filter{}, err
	}
	if f.SrcPorts, err = parsePorts(fs[2], 3); err != nil {
		return Filter{}, err
	}
	if f.DstPorts, err = parsePorts(fs[3], 4); err != nil {
		return Filter{}, err
	}
	v, m, err := parseValueMask(fs[4], 5, 2)
	if err != nil {
		return Filter{}, err
	}
	if m != 0 && m != 0xFF {
		return Filter{}, fieldErr(filterFieldNames[:], 5, fs[4], "mask must be 0x00 or 0xFF")
	}
	f.Proto, f.ProtoMask = uint8(v), uint8(m)
	v, m, err = parseValueMask(fs[5], 6, 4)
	if err != nil {
		return Filter{}, err
	}
	f.Flags, f.FlagsMask = uint16(v), uint16(m)
	return f, nil
}

func parsePrefix(s string, field int, text string) (netip.Prefix, error) {
	fail := func(msg string) (netip.Prefix, error) {
		return netip.Prefix{}, fieldErr(filterFieldNames[:], field, text, msg)
	}
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return fail("missing prefix length")
	}
	a, err := netip.ParseAddr(s[:i])
	if err != nil {
		return fail("bad IPv4 address")
	}
	if !a.Is4() {
		return fail("not an IPv4 address")
	}
	bits, err := parseDec(s[i+1:], 32)
	if err == errSyntax {
		return fail("bad prefix length")
	}
	if err != nil {
		return fail("prefix length out of range")
	}
	p := netip.PrefixFrom(a, int(bits))
	if m := p.Masked(); m != p {
		return fail("host bits set, want " + m.String())
	}
	return p, nil
}

func parsePorts(s string, field int) (PortRange, error) {
	fail := func(msg string) (PortRange, error) {
		return PortRange{}, fieldErr(filterFieldNames[:], field, s, msg)
	}
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return fail(`want "lo : hi"`)
	}
	var r [2]uint16
	for k, p := range [2]string{trimField(s[:i]), trimField(s[i+1:])} {
		v, err := parseDec(p, 65535)
		if err == errSyntax {
			return fail("bad port")
		}
		if err != nil {
			return fail("port out of range")
		}
		r[k] = uint16(v)
	}
	if r[0] > r[1] {
		return fail("lo > hi")
	}
	return PortRange{r[0], r[1]}, nil
}

// parseValueMask parses "0xVV/0xMM" with at most digits hex digits each
// and checks that the value has no bits outside the mask.
func parseValueMask(s string, field, digits int) (v, m uint64, err error) {
	fail := func(msg string) (uint64, uint64, error) {
		return 0, 0, fieldErr(filterFieldNames[:], field, s, msg)
	}
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return fail(`want "value/mask"`)
	}
	if v, err = parseHex(s[:i], digits); err == nil {
		m, err = parseHex(s[i+1:], digits)
	}
	if err == errSyntax {
		return fail("bad hex number")
	}
	if err != nil {
		return fail(fmt.Sprintf("more than %d hex digits", digits))
	}
	if v&^m != 0 {
		return fail("value has bits outside mask")
	}
	return v, m, nil
}

// ParseHeader parses one trace line (with or without the leading and
// trailing white space of a file line). Errors are *ParseError values
// naming the field at fault.
func ParseHeader(line string) (Header, error) {
	var fs [7]string
	if n, ok := splitFields(trimLine(line), fs[:]); !ok {
		return Header{}, &ParseError{Text: shorten(line),
			Err: fmt.Errorf("want 7 tab-separated fields, got %d", n)}
	}
	maxes := [7]uint64{1<<32 - 1, 1<<32 - 1, 65535, 65535, 255, 1<<32 - 1, 1<<31 - 1}
	var v [7]uint64
	for k := range fs {
		var err error
		v[k], err = parseDec(fs[k], maxes[k])
		if err == errSyntax {
			return Header{}, fieldErr(headerFieldNames[:], k+1, fs[k], "bad number")
		}
		if err != nil {
			return Header{}, fieldErr(headerFieldNames[:], k+1, fs[k],
				fmt.Sprintf("out of range (max %d)", maxes[k]))
		}
	}
	return Header{
		Src:     addr32(uint32(v[0])),
		Dst:     addr32(uint32(v[1])),
		SrcPort: uint16(v[2]),
		DstPort: uint16(v[3]),
		Proto:   uint8(v[4]),
		Flags:   uint32(v[5]),
		Filter:  int(v[6]),
	}, nil
}

func addr32(u uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

// maxLine is the longest line ReadFilters and ReadTrace accept.
const maxLine = 1 << 20

// ReadFilters reads a ClassBench filter set: one filter per line, blank
// lines skipped (but counted in line numbers; see the package doc). Each
// Filter's Line is its 1-based line number. On a malformed line it returns
// the filters before it and a *ParseError carrying the line number.
func ReadFilters(r io.Reader) ([]Filter, error) {
	var out []Filter
	err := readLines(r, func(n int, line string) error {
		f, err := ParseFilter(line)
		if err != nil {
			return err
		}
		f.Line = n
		out = append(out, f)
		return nil
	})
	return out, err
}

// ReadTrace reads a ClassBench trace: one header per line, blank lines
// skipped (but counted in line numbers). On a malformed line it returns the
// headers before it and a *ParseError carrying the line number.
func ReadTrace(r io.Reader) ([]Header, error) {
	var out []Header
	err := readLines(r, func(n int, line string) error {
		h, err := ParseHeader(line)
		if err != nil {
			return err
		}
		out = append(out, h)
		return nil
	})
	return out, err
}

// readLines calls fn for every line of r that is not all white space, with
// its 1-based line number, and adds that number to a *ParseError from fn.
func readLines(r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		b := sc.Bytes()
		if blank(b) {
			continue
		}
		if err := fn(n, string(b)); err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				pe.Line = n
			}
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &ParseError{Line: n + 1, Err: fmt.Errorf("line longer than %d bytes", maxLine)}
		}
		return fmt.Errorf("classbench: after line %d: %w", n, err)
	}
	return nil
}

func blank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) && c != '\t' {
			return false
		}
	}
	return true
}
