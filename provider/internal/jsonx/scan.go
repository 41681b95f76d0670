package jsonx

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The scanner walks a whole document once, before any decoding, and
// finds what encoding/json reads silently wrong: a key given twice in one
// object (encoding/json keeps the last value), two keys of one object that
// differ only in case (encoding/json fills one struct field from both,
// keeping the last), invalid UTF-8 in a string and a lone UTF-16
// surrogate escape (both read as U+FFFD, so that "sg-1\xff" and
// "sg-1\xfe" become one ID). It also checks the syntax, agreeing with
// json.Valid (the fuzz target FuzzScan checks that), so that the document
// is walked once.

// maxProblems bounds the problems a scan keeps, and so its memory: a
// document with more is refused as a whole (Decoder.Open).
const maxProblems = 1 << 16

// maxDepth is encoding/json's nesting limit, kept so that the scanner
// accepts exactly what json.Valid accepts.
const maxDepth = 10000

// A problem is one thing the scanner refuses.
type problem struct {
	off   int    // byte offset of the offending key or string
	first int    // byte offset of the first occurrence of a duplicate key; -1 otherwise
	path  string // JSON path of the offending value: the second key's value, or the string
	msg   string // without the position of first
	value string // the offending text, Go-quoted; may be ""
}

type frame struct {
	array bool
	idx   int    // array: index of the current element
	key   []byte // object: the current key, unescaped
	base  int    // object: index of its first key in scanner.keys
	big   map[string]int
}

type keyAt struct {
	k   []byte
	off int
}

type scanner struct {
	data   []byte
	fold   bool // also refuse keys that differ only in case
	i      int
	depth  int
	frames []frame
	keys   []keyAt // the keys of the open objects, innermost last
	probs  []problem
	over   int // problems past maxProblems, counted only
	synErr bool

	// locate mode: find the offsets of the values at these paths.
	want map[string]int
	path []byte
}

// scan checks data; it returns the problems found (at most
// maxProblems), and whether data is valid JSON syntax. fold turns on the
// check for keys that differ only in case, for documents decoded into Go
// structs.
func scan(data []byte, fold bool) ([]problem, bool) {
	probs, _, ok := scanCount(data, fold)
	return probs, ok
}

// scanCount is scan that also returns the number of problems past
// maxProblems.
func scanCount(data []byte, fold bool) ([]problem, int, bool) {
	s := &scanner{data: data, fold: fold}
	s.run()
	return s.probs, s.over, !s.synErr
}

// locate returns the byte offset of the value at each path of want (-1
// when the path is not in data); data must be valid JSON.
func locate(data []byte, want map[string]int) {
	for k := range want {
		want[k] = -1
	}
	s := &scanner{data: data, want: want}
	s.run()
}

func (s *scanner) run() {
	s.ws()
	if !s.value() {
		s.synErr = true
		return
	}
	s.ws()
	if s.i != len(s.data) {
		s.synErr = true
	}
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans one value at s.i; false on a syntax error.
func (s *scanner) value() bool {
	if s.i >= len(s.data) {
		return false
	}
	if s.want != nil {
		if _, ok := s.want[string(s.path)]; ok {
			s.want[string(s.path)] = s.i
		}
	}
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object()
	case c == '[':
		return s.array()
	case c == '"':
		_, ok := s.str(false)
		return ok
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

func (s *scanner) lit(w string) bool {
	if len(s.data)-s.i < len(w) || string(s.data[s.i:s.i+len(w)]) != w {
		return false
	}
	s.i += len(w)
	return true
}

func (s *scanner) number() bool {
	d := s.data
	if d[s.i] == '-' {
		s.i++
	}
	if s.i >= len(d) {
		return false
	}
	switch {
	case d[s.i] == '0':
		s.i++
	case d[s.i] >= '1' && d[s.i] <= '9':
		for s.i < len(d) && d[s.i] >= '0' && d[s.i] <= '9' {
			s.i++
		}
	default:
		return false
	}
	if s.i < len(d) && d[s.i] == '.' {
		s.i++
		if s.i >= len(d) || d[s.i] < '0' || d[s.i] > '9' {
			return false
		}
		for s.i < len(d) && d[s.i] >= '0' && d[s.i] <= '9' {
			s.i++
		}
	}
	if s.i < len(d) && (d[s.i] == 'e' || d[s.i] == 'E') {
		s.i++
		if s.i < len(d) && (d[s.i] == '+' || d[s.i] == '-') {
			s.i++
		}
		if s.i >= len(d) || d[s.i] < '0' || d[s.i] > '9' {
			return false
		}
		for s.i < len(d) && d[s.i] >= '0' && d[s.i] <= '9' {
			s.i++
		}
	}
	return true
}

func (s *scanner) push(f frame) bool {
	if s.depth++; s.depth > maxDepth {
		return false
	}
	s.frames = append(s.frames, f)
	return true
}

func (s *scanner) pop() {
	s.depth--
	f := &s.frames[len(s.frames)-1]
	if !f.array {
		s.keys = s.keys[:f.base]
	}
	s.frames = s.frames[:len(s.frames)-1]
}

func (s *scanner) array() bool {
	s.i++ // [
	if !s.push(frame{array: true}) {
		return false
	}
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		s.pop()
		return true
	}
	mark := len(s.path)
	for n := 0; ; n++ {
		s.frames[len(s.frames)-1].idx = n
		if s.want != nil {
			s.path = append(append(append(s.path[:mark], '['), strconv.Itoa(n)...), ']')
		}
		s.ws()
		if !s.value() {
			return false
		}
		s.ws()
		if s.i >= len(s.data) {
			return false
		}
		switch s.data[s.i] {
		case ',':
			s.i++
			continue
		case ']':
			s.i++
			s.path = s.path[:mark]
			s.pop()
			return true
		}
		return false
	}
}

func (s *scanner) object() bool {
	s.i++ // {
	if !s.push(frame{base: len(s.keys)}) {
		return false
	}
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		s.pop()
		return true
	}
	mark := len(s.path)
	for {
		s.ws()
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return false
		}
		off := s.i
		key, ok := s.str(true)
		if !ok {
			return false
		}
		f := &s.frames[len(s.frames)-1]
		f.key = key
		if s.want == nil {
			s.checkKey(f, key, off)
		} else {
			if mark > 0 {
				s.path = append(s.path[:mark], '.')
			} else {
				s.path = s.path[:0]
			}
			s.path = append(s.path, key...)
		}
		s.ws()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		if !s.value() {
			return false
		}
		s.ws()
		if s.i >= len(s.data) {
			return false
		}
		switch s.data[s.i] {
		case ',':
			s.i++
			continue
		case '}':
			s.i++
			s.path = s.path[:mark]
			s.pop()
			return true
		}
		return false
	}
}

// checkKey compares key with the keys before it in the object of f, and
// records it.
func (s *scanner) checkKey(f *frame, key []byte, off int) {
	ks := s.keys[f.base:]
	if f.big == nil && len(ks) >= 32 {
		f.big = make(map[string]int, 2*len(ks))
		for _, k := range ks {
			f.big[s.mapKey(k.k)] = k.off
		}
	}
	if f.big != nil {
		mk := s.mapKey(key)
		if first, dup := f.big[mk]; dup {
			s.dup(key, off, first)
		} else {
			f.big[mk] = off
		}
	} else {
		for _, k := range ks {
			if bytes.Equal(k.k, key) || s.fold && foldEq(k.k, key) {
				s.dup(key, off, k.off)
				break
			}
		}
	}
	s.keys = append(s.keys, keyAt{key, off})
}

// mapKey is the key of a big object's map: the key itself, or its lower
// case form when keys differing in case count as one.
func (s *scanner) mapKey(k []byte) string {
	if s.fold {
		return string(bytes.ToLower(k))
	}
	return string(k)
}

// foldEq reports whether a and b are equal but for case, as
// encoding/json matches keys to struct fields.
func foldEq(a, b []byte) bool {
	if len(a) != len(b) {
		for _, c := range a {
			if c >= utf8.RuneSelf {
				return bytes.EqualFold(a, b)
			}
		}
		for _, c := range b {
			if c >= utf8.RuneSelf {
				return bytes.EqualFold(a, b)
			}
		}
		return false
	}
	return bytes.EqualFold(a, b)
}

func (s *scanner) dup(key []byte, off, first int) {
	var firstKey []byte
	f := &s.frames[len(s.frames)-1]
	for _, k := range s.keys[f.base:] {
		if k.off == first {
			firstKey = k.k
		}
	}
	msg := "duplicate key " + quoteKey(key)
	if !bytes.Equal(firstKey, key) {
		msg += ", the same as " + quoteKey(firstKey) + " but for case"
	}
	s.add(problem{off: off, first: first, path: s.pathString(), msg: msg})
}

// add keeps a problem, or counts it past maxProblems.
func (s *scanner) add(p problem) {
	if len(s.probs) >= maxProblems {
		s.over++
		return
	}
	s.probs = append(s.probs, p)
}

func quoteKey(k []byte) string { return strconv.Quote(string(k)) }

// pathString is the JSON path of the current value, e.g.
// "security_group_rules[3].action".
func (s *scanner) pathString() string {
	var b []byte
	for _, f := range s.frames {
		if f.array {
			b = append(append(append(b, '['), strconv.Itoa(f.idx)...), ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		if utf8.Valid(f.key) {
			b = append(b, f.key...)
		} else {
			q := strconv.Quote(string(f.key))
			b = append(b, q[1:len(q)-1]...)
		}
	}
	return string(b)
}

// str scans a string at s.i (the opening quote). When key is set it
// returns its unescaped bytes (a slice of data when there are no
// escapes). Invalid UTF-8 and lone surrogates are recorded as problems.
func (s *scanner) str(key bool) ([]byte, bool) {
	d := s.data
	start := s.i
	s.i++
	escaped, bad := false, ""
	for {
		if s.i >= len(d) {
			return nil, false
		}
		c := d[s.i]
		switch {
		case c == '"':
			s.i++
			if bad != "" && s.want == nil {
				raw := d[start:s.i]
				p := problem{off: start, first: -1, path: s.pathString(), msg: bad, value: shortQuote(rawString(raw))}
				if key {
					p.path = s.keyPath(raw)
					p.msg = bad + " in a key"
				}
				s.add(p)
			}
			if !key {
				return nil, true
			}
			if !escaped {
				return d[start+1 : s.i-1], true
			}
			var v string
			if json.Unmarshal(d[start:s.i], &v) != nil {
				return nil, false
			}
			return []byte(v), true
		case c == '\\':
			escaped = true
			if s.i+1 >= len(d) {
				return nil, false
			}
			switch d[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				r, ok := hex4(d, s.i+2)
				if !ok {
					return nil, false
				}
				s.i += 6
				switch {
				case r >= 0xD800 && r < 0xDC00:
					if s.i+1 < len(d) && d[s.i] == '\\' && d[s.i+1] == 'u' {
						if r2, ok := hex4(d, s.i+2); ok && r2 >= 0xDC00 && r2 < 0xE000 {
							s.i += 6
							continue
						}
					}
					if bad == "" {
						bad = "lone UTF-16 surrogate escape"
					}
				case r >= 0xDC00 && r < 0xE000:
					if bad == "" {
						bad = "lone UTF-16 surrogate escape"
					}
				}
			default:
				return nil, false
			}
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(d[s.i:])
			if r == utf8.RuneError && n == 1 && bad == "" {
				bad = "invalid UTF-8"
			}
			s.i += n
		}
	}
}

// keyPath is the path of a key with a problem: its object's path and the
// key as far as it can be shown.
func (s *scanner) keyPath(raw []byte) string {
	f := &s.frames[len(s.frames)-1]
	f.key = []byte(rawString(raw))
	return s.pathString()
}

// rawString is the content of a JSON string as its bytes are, escapes
// kept (invalid bytes are not replaced).
func rawString(raw []byte) string { return string(raw[1 : len(raw)-1]) }

func shortQuote(s string) string {
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return strconv.Quote(s)
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
