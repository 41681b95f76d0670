package flowlog

import (
	"bufio"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// MaxLine is the longest line, newline included, that a Reader accepts.
// A longer line is a malformed line (see Reader.ContinueOnError).
const MaxLine = 64 << 10

// maxInterned bounds the strings a Reader keeps to return Account and
// Interface without allocating; beyond it new values allocate.
const maxInterned = 4096

type field uint8

const (
	fVersion field = iota
	fAccount
	fInterface
	fSrcAddr
	fDstAddr
	fSrcPort
	fDstPort
	fProto
	fPackets
	fBytes
	fStart
	fEnd
	fAction
	fStatus
	numFields
	fUnknown field = 255
)

var awsNames = [numFields]string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr",
	"srcport", "dstport", "protocol", "packets", "bytes",
	"start", "end", "action", "log-status",
}

// huaweiNames differ from awsNames only in project-id for account-id.
var huaweiNames = func() [numFields]string {
	n := awsNames
	n[fAccount] = "project-id"
	return n
}()

// required are the fields a header must name: without them a record says
// nothing a security-group simulator can replay.
var required = [...]field{fSrcAddr, fDstAddr, fSrcPort, fDstPort, fProto}

func lookupField(name string) field {
	if name == "project-id" {
		return fAccount
	}
	for i, n := range awsNames {
		if n == name {
			return field(i)
		}
	}
	return fUnknown
}

type column struct {
	f      field
	name   string // as the header (or the format) spells it, normalised
	reason string // for fUnknown: the Skip reason
	skip   int    // for fUnknown: index into Reader.skips, or -1
}

func defaultLayout(f Format) []column {
	cols := make([]column, numFields)
	for i, n := range f.names() {
		cols[i] = column{f: field(i), name: n, skip: -1}
	}
	return cols
}

// Reader reads flow-log records from text.
//
// Input is split into lines at '\n' (a trailing '\r' is dropped) and lines
// into fields at runs of spaces and tabs. Then:
//
//   - Blank lines are ignored and not counted.
//   - A line whose first field starts with '#' is a comment: it is passed
//     over and counted under ReasonComment.
//   - A line whose fields are all names (a letter, then letters, digits,
//     '-' and '_'; optionally wrapped in "${...}" as in AWS custom format
//     strings) and at least one of which is a known field name is a header.
//     It sets the field order for the lines after it, until the next header,
//     so concatenated files each with their own header read correctly.
//     Names are matched ignoring case and with '_' read as '-'. The known
//     names are those of Format.Header, for both formats (account-id and
//     project-id are the same field). Other names are ignored fields,
//     counted per record in Skipped. A header must name srcaddr, dstaddr,
//     srcport, dstport and protocol, and no field twice; a bad header is
//     an error even under ContinueOnError, as the lines after it cannot be
//     read.
//   - Any other line is a record, in the order of the last header or, before
//     any header, in the format's default order (Format.Header). It must
//     have exactly as many fields as that order.
//
// Records with no flow data are not returned (unless IncludeNoData) but
// counted in Skipped: log-status NODATA or SKIPDATA, and log-status OK with
// srcaddr or dstaddr "-". All fields of such records are still checked.
//
// By default Next stops at the first malformed line and returns a
// *ParseError; the error sticks, and later calls return it again. With
// ContinueOnError it counts the line under a "malformed: ..." reason and
// goes on.
type Reader struct {
	// ContinueOnError makes Next pass over malformed lines, counting them
	// in Skipped, instead of stopping with a *ParseError. A bad header and
	// errors from the underlying io.Reader still stop it.
	ContinueOnError bool
	// IncludeNoData makes Next return records with no flow data (see
	// above) instead of counting them; Record.Status tells them apart.
	IncludeNoData bool

	br        *bufio.Reader
	format    Format
	cols      []column // nil until a header or the first record
	hasStatus bool
	startCol  int
	endCol    int
	line      int
	fields    [][]byte
	intern    map[string]string
	skips     []Skip
	err       error
	atEOF     bool // the last line had no newline; io.EOF is next
}

// NewReader returns a Reader reading r in format f. It buffers r.
func NewReader(r io.Reader, f Format) *Reader {
	if f != AWSv2 && f != Huawei {
		f = Detect
	}
	return &Reader{
		br:     bufio.NewReaderSize(r, MaxLine),
		format: f,
		fields: make([][]byte, 0, numFields+8),
		intern: make(map[string]string),
	}
}

// Line returns the number of lines read so far: the line of the last
// record Next returned, or of the malformed line it stopped at.
func (r *Reader) Line() int { return r.line }

// Format returns the reader's format: the one given to NewReader, or for
// Detect the one decided at the first header or record (Detect until then).
func (r *Reader) Format() Format { return r.format }

// Skipped returns what the reader has passed over so far, one Skip per
// reason in order of first occurrence.
func (r *Reader) Skipped() []Skip {
	return append([]Skip(nil), r.skips...)
}

func (r *Reader) count(reason string, line int) int {
	for i := range r.skips {
		if r.skips[i].Reason == reason {
			r.skips[i].Count++
			return i
		}
	}
	r.skips = append(r.skips, Skip{Reason: reason, Count: 1, FirstLine: line})
	return len(r.skips) - 1
}

// Next reads the next record into *rec, overwriting all of it. It returns
// io.EOF at the end of input, a *ParseError for a malformed line (see
// Reader), or an error from the underlying io.Reader.
//
// Next does not allocate for records whose addresses are IPv4 and whose
// account and interface it has seen before; each IPv6 address costs one
// allocation.
func (r *Reader) Next(rec *Record) error {
	for r.err == nil {
		line, tooLong, err := r.readLine()
		if err != nil {
			r.err = err
			break
		}
		r.line++
		perr := r.parseLine(line, tooLong, rec)
		if perr == errSkip {
			continue
		}
		if perr == nil {
			return nil
		}
		pe, ok := perr.(*ParseError)
		if ok && r.ContinueOnError && pe.reason != "" {
			r.count(pe.reason, pe.Line)
			continue
		}
		r.err = perr
	}
	return r.err
}

// errSkip is parseLine's signal that the line yields no record.
var errSkip = errors.New("skip")

// readLine returns the next line without its line ending. A line longer
// than the buffer is consumed and reported by tooLong.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	if r.atEOF {
		return nil, false, io.EOF
	}
	b, err := r.br.ReadSlice('\n')
	for err == bufio.ErrBufferFull {
		tooLong = true
		_, err = r.br.ReadSlice('\n')
	}
	if err == io.EOF {
		if len(b) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		err = nil // last line without a newline
		r.atEOF = true
	}
	if err != nil {
		return nil, false, err
	}
	if tooLong {
		return nil, true, nil
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, false, nil
}

func split(dst [][]byte, b []byte) [][]byte {
	dst = dst[:0]
	i := 0
	for i < len(b) {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\t' {
			j++
		}
		if j > i {
			dst = append(dst, b[i:j])
		}
		i = j
	}
	return dst
}

func (r *Reader) parseLine(line []byte, tooLong bool, rec *Record) error {
	if tooLong {
		return &ParseError{Line: r.line, Msg: "longer than " + strconv.Itoa(MaxLine) + " bytes",
			reason: "malformed: line too long"}
	}
	r.fields = split(r.fields, line)
	fields := r.fields
	if len(fields) == 0 {
		return errSkip
	}
	if fields[0][0] == '#' {
		r.count(ReasonComment, r.line)
		return errSkip
	}
	if isHeader(fields) {
		if err := r.setHeader(fields); err != nil {
			return err
		}
		return errSkip
	}
	if r.cols == nil {
		if r.format == Detect {
			r.format = detectLine(fields)
		}
		r.setCols(defaultLayout(r.format))
	}
	if len(fields) != len(r.cols) {
		return &ParseError{Line: r.line,
			Msg:    strconv.Itoa(len(fields)) + " fields, want " + strconv.Itoa(len(r.cols)),
			reason: "malformed: field count"}
	}
	if err := r.parseRecord(fields, rec); err != nil {
		return err
	}
	for i := range r.cols {
		c := &r.cols[i]
		if c.f != fUnknown {
			continue
		}
		if c.skip < 0 {
			c.skip = r.count(c.reason, r.line)
		} else {
			r.skips[c.skip].Count++
		}
	}
	if r.IncludeNoData {
		return nil
	}
	switch {
	case rec.Status == "NODATA":
		r.count(ReasonNoData, r.line)
	case rec.Status == "SKIPDATA":
		r.count(ReasonSkipData, r.line)
	case !rec.Src.IsValid() || !rec.Dst.IsValid():
		r.count(ReasonNoAddress, r.line)
	default:
		return nil
	}
	return errSkip
}

func detectLine(fields [][]byte) Format {
	if len(fields) > int(fInterface) && strings.HasPrefix(string(fields[fInterface]), "eni-") {
		return AWSv2
	}
	if len(fields) > 0 && string(fields[0]) == "1" {
		return Huawei
	}
	return AWSv2
}

func (r *Reader) setCols(cols []column) {
	r.cols = cols
	r.hasStatus = false
	r.startCol, r.endCol = -1, -1
	for i, c := range cols {
		switch c.f {
		case fStatus:
			r.hasStatus = true
		case fStart:
			r.startCol = i
		case fEnd:
			r.endCol = i
		}
	}
}

// nameOf normalises a header token: "${log_status}" and "Log-Status" both
// give "log-status". ok is false if tok is not a name.
func nameOf(tok []byte) (string, bool) {
	if len(tok) > 3 && tok[0] == '$' && tok[1] == '{' && tok[len(tok)-1] == '}' {
		tok = tok[2 : len(tok)-1]
	}
	if len(tok) == 0 || !isLetter(tok[0]) {
		return "", false
	}
	for _, c := range tok {
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return "", false
		}
	}
	s := strings.ToLower(string(tok))
	return strings.ReplaceAll(s, "_", "-"), true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isHeader(fields [][]byte) bool {
	known := false
	for _, tok := range fields {
		if len(tok) == 0 || !(isLetter(tok[0]) || tok[0] == '$') {
			return false // cheap exit for data lines, which start with a digit or '-'
		}
		name, ok := nameOf(tok)
		if !ok {
			return false
		}
		if lookupField(name) != fUnknown {
			known = true
		}
	}
	return known
}

func (r *Reader) setHeader(fields [][]byte) error {
	cols := make([]column, len(fields))
	var seen [numFields]bool
	huawei, aws := false, false
	for i, tok := range fields {
		name, _ := nameOf(tok)
		f := lookupField(name)
		cols[i] = column{f: f, name: name, skip: -1}
		if f == fUnknown {
			cols[i].reason = "ignored field " + strconv.Quote(name)
			continue
		}
		if seen[f] {
			return &ParseError{Line: r.line, Field: name, Msg: "named twice in header"}
		}
		seen[f] = true
		switch name {
		case "project-id":
			huawei = true
		case "account-id":
			aws = true
		}
	}
	if r.format == Detect {
		r.format = AWSv2
		if huawei && !aws {
			r.format = Huawei
		}
	}
	for _, f := range required {
		if !seen[f] {
			return &ParseError{Line: r.line, Msg: "header lacks field " + strconv.Quote(awsNames[f])}
		}
	}
	r.setCols(cols)
	return nil
}

func (r *Reader) str(b []byte) string {
	if s, ok := r.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.intern) < maxInterned {
		r.intern[s] = s
	}
	return s
}

type numErr uint8

const (
	numOK numErr = iota
	numNaN
	numRange
)

// parseUint parses decimal digits. A leading '-' followed by digits is out
// of range rather than not a number.
func parseUint(b []byte, max uint64) (uint64, numErr) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, numNaN
	}
	var v uint64
	over := false
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, numNaN
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			over = true
		}
		v = v*10 + d
	}
	if neg || over || v > max {
		return 0, numRange
	}
	return v, numOK
}

// parseIPv4 parses dotted-quad IPv4 with netip.ParseAddr's rules (four
// decimal octets, no leading zeros) without allocating.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	i := 0
	for k := 0; k < 4; k++ {
		if k > 0 {
			if i >= len(b) || b[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
		start, v := i, 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < 3 {
			v = v*10 + int(b[i]-'0')
			i++
		}
		n := i - start
		if n == 0 || n > 1 && b[start] == '0' || v > 255 {
			return netip.Addr{}, false
		}
		ip[k] = byte(v)
	}
	if i != len(b) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// parseAddr parses an IPv4 or IPv6 address. An IPv6 address with a zone
// ("fe80::1%eth0") is refused: zone reports it. A zone names an interface
// of the host that wrote the address; VPC flow logs write none, a rule
// cannot match one, and stripping it would merge addresses of different
// links, so a zoned address is an error rather than a guess.
func parseAddr(b []byte) (a netip.Addr, ok, zone bool) {
	for _, c := range b {
		if c == ':' {
			a, err := netip.ParseAddr(string(b))
			if err != nil {
				return netip.Addr{}, false, false
			}
			if a.Zone() != "" {
				return netip.Addr{}, false, true
			}
			return a, true, false
		}
	}
	a, ok = parseIPv4(b)
	return a, ok, false
}

func (r *Reader) fieldErr(c *column, b []byte, msg string) *ParseError {
	return &ParseError{Line: r.line, Field: c.name, Value: string(b), Msg: msg,
		reason: "malformed: field " + strconv.Quote(c.name)}
}

func (r *Reader) numErr(c *column, b []byte, e numErr, max uint64) *ParseError {
	if e == numNaN {
		return r.fieldErr(c, b, "not a number")
	}
	return r.fieldErr(c, b, "out of range 0-"+strconv.FormatUint(max, 10))
}

func (r *Reader) parseRecord(fields [][]byte, rec *Record) error {
	*rec = Record{Line: r.line}
	if !r.hasStatus {
		rec.Status = "OK"
	}
	for i := range r.cols {
		c := &r.cols[i]
		b := fields[i]
		if c.f == fUnknown {
			continue
		}
		if len(b) == 1 && b[0] == '-' && c.f != fStatus {
			continue // not applicable: zero value
		}
		switch c.f {
		case fVersion, fSrcPort, fDstPort, fProto, fPackets, fBytes, fStart, fEnd:
			max := maxOf[c.f]
			v, e := parseUint(b, max)
			if e != numOK {
				return r.numErr(c, b, e, max)
			}
			switch c.f {
			case fVersion:
				rec.Version = int(v)
			case fSrcPort:
				rec.SrcPort = uint16(v)
			case fDstPort:
				rec.DstPort = uint16(v)
			case fProto:
				rec.Proto = uint8(v)
			case fPackets:
				rec.Packets = v
			case fBytes:
				rec.Bytes = v
			case fStart:
				rec.Start = time.Unix(int64(v), 0).UTC()
			case fEnd:
				rec.End = time.Unix(int64(v), 0).UTC()
			}
		case fAccount:
			rec.Account = r.str(b)
		case fInterface:
			rec.Interface = r.str(b)
		case fSrcAddr, fDstAddr:
			a, ok, zone := parseAddr(b)
			if zone {
				return r.fieldErr(c, b, "IPv6 address with a zone: flow logs carry none and no rule can match one")
			}
			if !ok {
				return r.fieldErr(c, b, "not an IP address")
			}
			if c.f == fSrcAddr {
				rec.Src = a
			} else {
				rec.Dst = a
			}
		case fAction:
			switch string(b) {
			case "ACCEPT":
				rec.Action = "ACCEPT"
			case "REJECT":
				rec.Action = "REJECT"
			default:
				return r.fieldErr(c, b, "want ACCEPT, REJECT or -")
			}
		case fStatus:
			switch string(b) {
			case "OK":
				rec.Status = "OK"
			case "NODATA":
				rec.Status = "NODATA"
			case "SKIPDATA":
				rec.Status = "SKIPDATA"
			default:
				return r.fieldErr(c, b, "want OK, NODATA or SKIPDATA")
			}
		}
	}
	if !rec.Start.IsZero() && !rec.End.IsZero() && rec.Start.After(rec.End) {
		c := &r.cols[r.endCol]
		return r.fieldErr(c, fields[r.endCol], "before start "+strconv.Quote(string(fields[r.startCol])))
	}
	return nil
}

var maxOf = [numFields]uint64{
	fVersion: 255,
	fSrcPort: 65535,
	fDstPort: 65535,
	fProto:   255,
	fPackets: ^uint64(0),
	fBytes:   ^uint64(0),
	fStart:   maxUnix,
	fEnd:     maxUnix,
}
