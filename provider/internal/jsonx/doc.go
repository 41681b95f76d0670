package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/sgsim/sgsim/provider/read"
)

// A Doc is one document being read. Open scans it once (syntax,
// duplicate keys, invalid UTF-8); the reader then reports each record it
// reads (Record, Container) and each problem of the document as a whole
// (Fail), and Err gives every error at once, as a *read.Errors in
// document order with line and column. In lenient mode (read.SkipInvalid)
// a bad record is skipped and listed in the report instead.
//
// A record is bad when the reader's error for it is not nil or when the
// scan found a problem inside it (a duplicate key or invalid UTF-8
// anywhere under its path): encoding/json would have read such a record
// wrongly without a word.
type Doc struct {
	dec   Decoder
	data  []byte
	probs []problem // sorted by keys
	keys  []string  // each problem's path as records are matched: folded for fold documents
	fold  bool      // paths match without regard to case (struct-decoded documents)
	used  []bool    // probs[i] was reported by a record
	rep   *read.Report
	items []*item // errors (strict) and skipped records (lenient)
}

// An item is one error or skipped record, placed when Err runs.
type item struct {
	path  string   // where to place it, for a reader's error
	off   int      // -1 until placed
	prob  *problem // a scan problem, made into the vendor's error when placed
	err   error
	skip  bool // a lenient skip, not an error
	out   *read.Error
	order int
}

// Open scans data and returns the Doc to read it with. A syntax error
// (truncation included) is returned at once, with its line and column:
// nothing of such a document is read. So is a document with more than
// 65,536 duplicate keys and invalid strings (the error says where the
// first is), whose problems would take
// memory in proportion to its size. fold also refuses keys of one
// object that differ only in case, for documents decoded into Go structs
// (encoding/json matches struct fields without regard to case).
func (d Decoder) Open(data []byte, fold bool, opts []read.Option) (*Doc, error) {
	probs, over, ok := scanCount(data, fold)
	if !ok {
		return nil, read.NewErrors([]*read.Error{d.syntax(data)}, 0)
	}
	if over > 0 {
		// Keeping every problem would take memory in proportion to the
		// input: such a document is refused whole, lenient or not.
		// The first problem says where, and of what kind.
		p := probs[0]
		lc := positions(data, []int{p.off})[p.off]
		return nil, read.NewErrors([]*read.Error{{Line: lc[0], Column: lc[1], Err: d.Err(p.path, p.value, p.msg+
			", the first of "+strconv.Itoa(maxProblems+over)+" duplicate keys and invalid strings, more than "+
			strconv.Itoa(maxProblems)+": the document is refused as a whole")}}, 0)
	}
	doc := &Doc{dec: d, data: data, fold: fold, used: make([]bool, len(probs)), rep: read.Lenient(opts)}
	keys := make([]string, len(probs))
	for i := range probs {
		keys[i] = doc.key(probs[i].path)
	}
	sort.Stable(byKey{probs, keys})
	doc.probs, doc.keys = probs, keys
	return doc, nil
}

type byKey struct {
	probs []problem
	keys  []string
}

func (b byKey) Len() int           { return len(b.keys) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.probs[i], b.probs[j] = b.probs[j], b.probs[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}

// key is a path as problems and records are matched. A document decoded
// into Go structs is read as encoding/json reads it, matching keys to
// fields without regard to case: its "IngressAClEntries" holds the
// records the reader names "IngressAclEntries...", so paths are compared
// folded (the scan refuses an object holding two spellings of one key,
// so folding merges no two places). Folding maps each rune to the least
// rune of its simple case-folding orbit, the equivalence bytes.EqualFold
// (and so the scan's check) uses.
func (doc *Doc) key(path string) string {
	if !doc.fold {
		return path
	}
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, path)
}

// syntax is the error for data that is not JSON, at the byte where
// encoding/json stopped.
func (d Decoder) syntax(data []byte) *read.Error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, se.Offset)
		return &read.Error{Line: line, Column: col, Err: d.Err("", "", "invalid JSON (byte offset "+strconv.FormatInt(se.Offset, 10)+"): "+se.Error())}
	}
	if err == nil { // valid for encoding/json, refused by the scanner: the scanner is wrong
		return &read.Error{Err: d.Err("", "", "invalid JSON (the syntax check and encoding/json disagree)")}
	}
	return &read.Error{Err: d.Err("", "", "invalid JSON: "+err.Error())}
}

// Lenient reports whether bad records are skipped rather than failing
// the read.
func (doc *Doc) Lenient() bool { return doc.rep != nil }

// under returns the indexes of the scan problems at path or inside it,
// leaving out those inside the nested record lists at the paths nested,
// which the nested records report.
func (doc *Doc) under(path string, nested []string) []int {
	var out []int
	path = doc.key(path)
	inNested := func(p string) bool {
		for _, n := range nested {
			if strings.HasPrefix(p, doc.key(n)+"[") {
				return true
			}
		}
		return false
	}
	for _, pre := range []string{path + ".", path + "["} {
		if path == "" {
			pre = ""
		}
		k := sort.SearchStrings(doc.keys, pre)
		for ; k < len(doc.keys) && strings.HasPrefix(doc.keys[k], pre); k++ {
			if inNested(doc.keys[k]) {
				continue
			}
			if !doc.used[k] {
				out = append(out, k)
			}
		}
		if path == "" {
			return out
		}
	}
	k := sort.SearchStrings(doc.keys, path)
	for ; k < len(doc.keys) && doc.keys[k] == path; k++ {
		if !doc.used[k] {
			out = append(out, k)
		}
	}
	return out
}

// Record reports the outcome of reading the rule record at path: err is
// the reader's error for it, or nil. It returns true when the record is
// bad and must be left out: strict reads then fail (Err lists the
// record's errors), lenient reads skip it.
func (doc *Doc) Record(path string, err error) bool {
	return doc.record(path, "", err, nil)
}

// RecordAt is Record for a reader whose errors do not name a JSON path
// (Terraform's name a resource address): err is placed at the JSON path
// at, or at the record's when at is not in the document.
func (doc *Doc) RecordAt(path, at string, err error) bool {
	return doc.record(path, at, err, nil)
}

// Container is Record for a record that holds lists of rule records (a
// group and its rules, an ACL and its entries) at the paths nested: the
// problems inside those lists are left to the nested records, which the
// reader reports next. When Container returns true the container is left
// out with all it holds. Container does not count as a record read.
func (doc *Doc) Container(path string, err error, nested ...string) bool {
	if nested == nil {
		nested = []string{}
	}
	return doc.record(path, "", err, nested)
}

func (doc *Doc) record(path, at string, err error, nested []string) bool {
	ks := doc.under(path, nested)
	if err == nil && len(ks) == 0 {
		if doc.rep != nil && nested == nil {
			doc.rep.Read++
		}
		return false
	}
	if nested != nil {
		ks = doc.under(path, nil) // a bad container takes its records with it
	}
	var list []*item
	for _, k := range ks {
		doc.used[k] = true
		list = append(list, &item{prob: &doc.probs[k], off: doc.probs[k].off})
	}
	if err != nil {
		it := doc.errItem(path, err)
		if at != "" {
			it.path = at
		}
		list = append(list, it)
	}
	if doc.rep != nil {
		// One entry per record: a scan problem first, as the likely cause
		// of the reader's error.
		it := list[0]
		it.skip = true
		doc.add(it)
		return true
	}
	for _, it := range list {
		doc.add(it)
	}
	return true
}

// errItem is a reader's error, placed at the path the error names (or
// the record's path when it names none).
func (doc *Doc) errItem(path string, err error) *item {
	if p, ok := doc.dec.pathOf(err); ok {
		path = p
	}
	return &item{path: path, off: -1, err: err}
}

func (doc *Doc) add(it *item) {
	it.order = len(doc.items)
	doc.items = append(doc.items, it)
}

// Fail records an error of the document as a whole (a missing or
// malformed top-level field, a check across records): it fails the read
// in lenient mode too. A nil err is ignored.
func (doc *Doc) Fail(err error) {
	if err == nil {
		return
	}
	var re *read.Errors
	if errors.As(err, &re) { // already placed
		for _, x := range re.List() {
			doc.add(&item{off: 0, err: x.Err, out: x})
		}
		return
	}
	doc.add(doc.errItem("", err))
}

// Err places every error and skipped record and returns the errors of
// the read as a *read.Errors, or nil. Problems the scan found outside
// every record are errors of the document. In lenient mode the skipped
// records go to the report, in document order.
func (doc *Doc) Err() error {
	for k := range doc.probs {
		if !doc.used[k] {
			doc.used[k] = true
			doc.add(&item{prob: &doc.probs[k], off: doc.probs[k].off})
		}
	}
	doc.place()
	var errs []*read.Error
	more := 0
	for _, it := range doc.items {
		switch {
		case it.skip:
			doc.rep.Skipped = append(doc.rep.Skipped, it.out)
		case len(errs) < read.MaxErrors:
			errs = append(errs, it.out)
		default:
			more++
		}
	}
	if e := read.NewErrors(errs, more); e != nil {
		return e
	}
	return nil
}

// place finds the position of every item and sorts them in document
// order.
func (doc *Doc) place() {
	want := map[string]int{}
	for _, it := range doc.items {
		if it.off < 0 {
			for p := it.path; ; p = parent(p) {
				want[p] = -1
				if p == "" {
					break
				}
			}
		}
	}
	if len(want) > 0 {
		locate(doc.data, want)
	}
	var offs []int
	for _, it := range doc.items {
		if it.out != nil {
			continue
		}
		if it.off < 0 {
			for p := it.path; ; p = parent(p) {
				if o := want[p]; o >= 0 && p != "" {
					it.off = o
					break
				}
				if p == "" {
					break
				}
			}
		}
		if it.off >= 0 {
			offs = append(offs, it.off)
		}
		if it.prob != nil && it.prob.first >= 0 {
			offs = append(offs, it.prob.first)
		}
	}
	pos := positions(doc.data, offs)
	for _, it := range doc.items {
		if it.out != nil {
			continue
		}
		it.out = &read.Error{Err: it.err}
		if it.off >= 0 {
			lc := pos[it.off]
			it.out.Line, it.out.Column = lc[0], lc[1]
		}
		if p := it.prob; p != nil {
			msg := p.msg
			if p.first >= 0 {
				lc := pos[p.first]
				msg += " (first at line " + strconv.Itoa(lc[0]) + ", column " + strconv.Itoa(lc[1]) + ")"
			}
			it.out.Err = doc.dec.Err(p.path, p.value, msg)
		}
	}
	sort.SliceStable(doc.items, func(i, j int) bool {
		a, b := doc.items[i], doc.items[j]
		if (a.out.Line == 0) != (b.out.Line == 0) {
			return b.out.Line == 0
		}
		if a.out.Line != b.out.Line {
			return a.out.Line < b.out.Line
		}
		if a.out.Column != b.out.Column {
			return a.out.Column < b.out.Column
		}
		return a.order < b.order
	})
}

// parent strips the last element of a JSON path: "a.b[2]" -> "a.b" ->
// "a" -> "".
func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// positions returns the line and column (1-based, the column in bytes)
// of each byte offset, in one pass over data.
func positions(data []byte, offs []int) map[int][2]int {
	sort.Ints(offs)
	out := make(map[int][2]int, len(offs))
	line, lineStart, at := 1, 0, 0
	for _, o := range offs {
		if o > len(data) {
			o = len(data)
		}
		for at < o {
			j := bytes.IndexByte(data[at:o], '\n')
			if j < 0 {
				at = o
				break
			}
			at += j + 1
			line++
			lineStart = at
		}
		out[o] = [2]int{line, o - lineStart + 1}
	}
	return out
}
