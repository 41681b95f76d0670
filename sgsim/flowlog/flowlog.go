package flowlog

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Record is one flow-log record: one flow on one network interface during
// one capture window.
//
// A field given as "-" in the log reads as the zero value: the invalid
// netip.Addr, port/protocol/count 0, the zero time.Time, "" for strings.
type Record struct {
	Line      int    // 1-based line number in the input (0 if not read)
	Version   int    // flow-log version as written: 2 for AWS, 1 in Huawei's examples
	Account   string // AWS account-id, Huawei project-id
	Interface string // AWS interface-id (eni-...), Huawei NIC (port) UUID
	Src, Dst  netip.Addr
	SrcPort   uint16
	DstPort   uint16
	Proto     uint8  // IANA protocol number
	Packets   uint64 // packets in the capture window
	Bytes     uint64 // bytes in the capture window
	Start     time.Time
	End       time.Time
	Action    string // "ACCEPT", "REJECT" or "" (given as "-")
	Status    string // "OK", "NODATA" or "SKIPDATA"; "OK" when the layout has no log-status
}

// Format names a flow-log dialect. Both dialects share one field layout;
// they differ in the names of the header fields (account-id vs project-id)
// and in the version number they write. Either Format accepts the header
// names of both.
type Format int

const (
	// Detect decides from the first header or data line: a header naming
	// project-id, or a header-less line whose interface-id does not start
	// with "eni-" and whose version is 1, means Huawei; anything else AWSv2.
	Detect Format = iota
	// AWSv2 is the AWS VPC flow-log version-2 default format.
	AWSv2
	// Huawei is the Huawei Cloud VPC flow-log format.
	Huawei
)

func (f Format) String() string {
	switch f {
	case Detect:
		return "Detect"
	case AWSv2:
		return "AWSv2"
	case Huawei:
		return "Huawei"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Header returns the header line naming the default fields of f in their
// default order, without a newline. Detect gives the AWSv2 header.
func (f Format) Header() string { return strings.Join(f.names()[:], " ") }

// names are the default field names of f, in the default order.
func (f Format) names() *[numFields]string {
	if f == Huawei {
		return &huaweiNames
	}
	return &awsNames
}

// Skip counts lines or field values the Reader passed over, by reason.
type Skip struct {
	Reason    string // one of the Reason constants, or `ignored field "x"`, or `malformed: ...`
	Count     int
	FirstLine int // line of the first occurrence
}

// Skip reasons with fixed text. Reader.Skipped also reports
//
//	ignored field "NAME"   a header field this package does not know; counted
//	                       once per record whose value was ignored
//	malformed: ...         lines passed over under ContinueOnError, by the
//	                       kind of error: `malformed: field "dstport"`,
//	                       "malformed: field count", "malformed: line too long"
const (
	ReasonNoData    = "NODATA"     // log-status NODATA: no traffic in the capture window
	ReasonSkipData  = "SKIPDATA"   // log-status SKIPDATA: records skipped in the capture window
	ReasonNoAddress = "no address" // log-status OK but srcaddr or dstaddr is "-"
	ReasonComment   = "comment"    // a line whose first non-blank byte is '#'
)

// ParseError reports a malformed line. Its text reads
//
//	flowlog: line 12, field "dstport": "70000": out of range 0-65535
//
// or, for problems with the line as a whole,
//
//	flowlog: line 4: 13 fields, want 14
type ParseError struct {
	Line  int
	Field string // field name as the header (or format) spells it; "" for whole-line problems
	Value string // the offending text; "" for whole-line problems
	Msg   string

	reason string // Skip reason under ContinueOnError
}

func (e *ParseError) Error() string {
	s := "flowlog: line " + strconv.Itoa(e.Line)
	if e.Field != "" {
		s += ", field " + strconv.Quote(e.Field)
	}
	if e.Value != "" {
		s += ": " + strconv.Quote(e.Value)
	}
	return s + ": " + e.Msg
}

// maxUnix is the largest start/end accepted: 9999-12-31T23:59:59Z.
const maxUnix = 253402300799

// AppendText appends rec in the default field order (the order of
// Format.Header), space separated, without a newline. Zero values that the
// reader produces from "-" are written back as "-" where the field is not
// numeric: the invalid Addr, the zero Time, "" for Account, Interface and
// Action. Times are written in whole Unix seconds.
//
// It fails, appending nothing, for a record that would not read back as
// itself: Account or Interface equal to "-" or holding a space, tab or
// newline; Version above 255; an Action or Status outside the documented
// values; an IPv6 address with a zone; a time before 1970 or after 9999;
// Start after End; a line that with its newline would be longer than
// MaxLine (long Account or Interface text), which a Reader refuses.
func (rec Record) AppendText(b []byte) ([]byte, error) {
	if err := rec.check(); err != nil {
		return b, err
	}
	start := len(b)
	b = rec.appendText(b)
	if n := len(b) - start + 1; n > MaxLine {
		return b[:start], errors.New("flowlog: the line would be " + strconv.Itoa(n) + " bytes with its newline, longer than MaxLine (" + strconv.Itoa(MaxLine) + "), which the reader refuses")
	}
	return b, nil
}

func (rec Record) appendText(b []byte) []byte {
	b = strconv.AppendInt(b, int64(rec.Version), 10)
	b = append(b, ' ')
	b = appendStr(b, rec.Account)
	b = append(b, ' ')
	b = appendStr(b, rec.Interface)
	b = append(b, ' ')
	b = appendAddr(b, rec.Src)
	b = append(b, ' ')
	b = appendAddr(b, rec.Dst)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(rec.SrcPort), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(rec.DstPort), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(rec.Proto), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, rec.Packets, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, rec.Bytes, 10)
	b = append(b, ' ')
	b = appendTime(b, rec.Start)
	b = append(b, ' ')
	b = appendTime(b, rec.End)
	b = append(b, ' ')
	b = appendStr(b, rec.Action)
	b = append(b, ' ')
	return append(b, rec.Status...)
}

// String returns the AppendText form of rec, or a description of why it has
// none.
func (rec Record) String() string {
	b, err := rec.AppendText(nil)
	if err != nil {
		return "flowlog.Record(" + err.Error() + ")"
	}
	return string(b)
}

func (rec *Record) check() error {
	for _, s := range [...]struct{ name, v string }{{"Account", rec.Account}, {"Interface", rec.Interface}} {
		if s.v == "-" {
			return errors.New("flowlog: " + s.name + ` "-" would read back as ""`)
		}
		if strings.ContainsAny(s.v, " \t\n") {
			return errors.New("flowlog: " + s.name + " " + strconv.Quote(s.v) + " holds a space, tab or newline")
		}
	}
	for _, a := range [...]struct {
		name string
		v    netip.Addr
	}{{"Src", rec.Src}, {"Dst", rec.Dst}} {
		if a.v.Zone() != "" {
			return errors.New("flowlog: " + a.name + " " + a.v.String() + " has a zone, which the reader refuses")
		}
	}
	if rec.Version < 0 || rec.Version > 255 {
		return errors.New("flowlog: Version " + strconv.Itoa(rec.Version) + " out of range 0-255")
	}
	switch rec.Action {
	case "", "ACCEPT", "REJECT":
	default:
		return errors.New("flowlog: Action " + strconv.Quote(rec.Action) + `: want "", ACCEPT or REJECT`)
	}
	switch rec.Status {
	case "OK", "NODATA", "SKIPDATA":
	default:
		return errors.New("flowlog: Status " + strconv.Quote(rec.Status) + ": want OK, NODATA or SKIPDATA")
	}
	for _, t := range [...]struct {
		name string
		v    time.Time
	}{{"Start", rec.Start}, {"End", rec.End}} {
		if !t.v.IsZero() && (t.v.Unix() < 0 || t.v.Unix() > maxUnix) {
			return errors.New("flowlog: " + t.name + " " + t.v.String() + " out of range 1970-9999")
		}
	}
	if !rec.Start.IsZero() && !rec.End.IsZero() && rec.Start.Unix() > rec.End.Unix() {
		return errors.New("flowlog: Start after End")
	}
	return nil
}

func appendStr(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	return append(b, s...)
}

func appendAddr(b []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(b, '-')
	}
	return a.AppendTo(b)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, '-')
	}
	return strconv.AppendInt(b, t.Unix(), 10)
}
