// Package read holds what every vendor document reader of sgsim shares
// in its signature: the list of errors a reader returns (*Errors, every
// problem of the document at once, each with its position), and the
// lenient mode that keeps the valid records (SkipInvalid, with a Report
// of what was skipped).
//
// Every reader (huawei.ReadRules, alibaba.ReadNetworkAcls,
// terraform.ReadPlan, ...) is strict by default: a document with any
// problem yields no rules and an *Errors listing the problems in document
// order, up to MaxErrors of them with the rest counted. A duplicate
// object key, invalid UTF-8 in a string and a lone UTF-16 surrogate
// escape are problems everywhere in a document, because encoding/json
// would silently read them as the last value or as U+FFFD. Within one
// record a reader reports the first bad value it meets (every duplicate
// key and invalid string in the record is listed as well); every record
// and every document-level problem is checked.
//
// The shortest complete lenient use:
//
//	var rep read.Report
//	groups, err := huawei.ReadRules(f, read.SkipInvalid(&rep))
//	if err != nil { /* the document as a whole is unusable */ }
//	fmt.Printf("%d records read, %d skipped\n", rep.Read, len(rep.Skipped))
//	for _, s := range rep.Skipped { fmt.Println(s) } // position, path and why
package read

import (
	"strconv"
	"strings"
)

// MaxErrors is the number of problems an *Errors lists; the ones past it
// are counted (Errors.More) but not kept.
const MaxErrors = 100

// Error is one problem of a document: where it is and what is wrong.
type Error struct {
	// Line and Column (1-based, in bytes) of the offending key or value,
	// or of the nearest enclosing value present in the document when the
	// problem is a missing field; 0 when the problem has no place in the
	// document (a check across the whole document).
	Line, Column int
	// Err is the reader's own error, e.g. a *huawei.Error, which names
	// the JSON path.
	Err error
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Err.Error()
	}
	return "line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column) + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors lists the problems of one document in document order: at most
// MaxErrors of them, and the number of the others. errors.Is and
// errors.As see every listed error (Unwrap returns them all).
type Errors struct {
	list []*Error
	more int
}

// NewErrors returns the list of problems list, of which the first
// MaxErrors are kept and the others counted, plus more problems counted
// but not given. It returns nil when there are none.
func NewErrors(list []*Error, more int) *Errors {
	if len(list) > MaxErrors {
		more += len(list) - MaxErrors
		list = list[:MaxErrors:MaxErrors]
	}
	if len(list) == 0 && more == 0 {
		return nil
	}
	return &Errors{list: list, more: more}
}

// List returns the listed problems, in document order. The slice is the
// caller's.
func (e *Errors) List() []*Error { return append([]*Error(nil), e.list...) }

// More returns the number of problems past MaxErrors, found but not
// listed.
func (e *Errors) More() int { return e.more }

// Len returns the number of problems found, listed or not.
func (e *Errors) Len() int { return len(e.list) + e.more }

// Error prints the problems one per line, then "and N more errors" when
// some were not listed.
func (e *Errors) Error() string {
	var b strings.Builder
	for i, x := range e.list {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(x.Error())
	}
	if e.more > 0 {
		if len(e.list) > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("and " + strconv.Itoa(e.more) + " more error")
		if e.more > 1 {
			b.WriteByte('s')
		}
	}
	return b.String()
}

// Unwrap returns the listed problems, for errors.Is and errors.As.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.list))
	for i, x := range e.list {
		out[i] = x
	}
	return out
}

// Report is what a lenient read (SkipInvalid) kept and skipped.
type Report struct {
	// Read counts the records read: the document's rule records (a
	// Huawei rule, an Alibaba permission, an ACL entry, a Terraform
	// resource, ...), as each reader's documentation names them.
	Read int
	// Skipped lists every record left out, in document order, with its
	// position and the first reason found. A skipped container record (a
	// group or ACL whose own fields are bad) takes its rule records with
	// it; they are neither read nor listed.
	Skipped []*Error
}

// Option changes how a reader reads. The zero Option changes nothing.
type Option struct {
	report *Report
}

// SkipInvalid makes a reader lenient: it keeps the valid records, skips
// each invalid one and lists it in rep (which it resets first), and
// counts the records read. Problems outside any record (a syntax error,
// a missing top-level field, a duplicate key at the top level) still fail
// the read. Never the default.
func SkipInvalid(rep *Report) Option {
	if rep == nil {
		rep = new(Report)
	}
	return Option{report: rep}
}

// Lenient returns the Report of the last SkipInvalid among opts, reset,
// or nil when the read is strict. Readers call it.
func Lenient(opts []Option) *Report {
	var rep *Report
	for _, o := range opts {
		if o.report != nil {
			rep = o.report
		}
	}
	if rep != nil {
		*rep = Report{}
	}
	return rep
}
