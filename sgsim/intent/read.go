package intent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/sgsim/sgsim/sgsim"
)

// Error is one problem of an intent file, with where it is: the line and
// column (1-based; 0 when unknown) and the path of the field
// ("must_allow[2].ports").
type Error struct {
	Line, Column int
	Path         string
	Msg          string
}

func (e *Error) Error() string {
	s := ""
	if e.Line > 0 {
		s = "line " + strconv.Itoa(e.Line)
		if e.Column > 0 {
			s += ", column " + strconv.Itoa(e.Column)
		}
		s += ": "
	}
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + e.Msg
}

// Errors is every problem of an intent file, in document order.
type Errors []*Error

func (es Errors) Error() string {
	var parts []string
	for _, e := range es {
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "; ")
}

// MaxErrors is how many errors Read reports at most.
const MaxErrors = 50

// node is a parsed value of either syntax, with its position.
type node struct {
	kind      byte // 'm' mapping, 's' sequence, 'v' scalar, 'z' null
	line, col int
	str       string // scalar text
	quoted    bool   // scalar was a string (quoted in YAML, a string in JSON)
	keys      []*node
	vals      []*node
}

// Read parses an intent file: JSON when its first non-blank byte is '{',
// YAML otherwise (see the package doc for the format). It refuses
// invalid UTF-8, duplicate keys, unknown fields, missing required fields
// and malformed values, and returns every problem at once as Errors,
// each with its line, column and field path. It never panics.
func Read(data []byte) (File, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line, col := lineCol(data, off)
		if !isJSON(data) {
			line, col = yamlLineCol(data, off)
		}
		return File{}, Errors{{Line: line, Column: col, Msg: "invalid UTF-8 (byte offset " + strconv.Itoa(off) + ")"}}
	}
	var root *node
	var err error
	if isJSON(data) {
		root, err = parseJSON(data)
	} else {
		root, err = parseYAML(data)
	}
	if err != nil {
		return File{}, err
	}
	r := &reader{}
	f := r.file(root)
	if len(r.errs) > 0 {
		if len(r.errs) > MaxErrors {
			r.errs = append(r.errs[:MaxErrors], &Error{Msg: strconv.Itoa(len(r.errs)-MaxErrors) + " more errors"})
		}
		return File{}, r.errs
	}
	return f, nil
}

// isJSON reports whether data is read as JSON: its first non-blank byte
// is '{'.
func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// yamlLineCol is the line and column (in characters) of byte offset off,
// with YAML's line breaks (see yamlLineEnds).
func yamlLineCol(data []byte, off int) (int, int) {
	ends := yamlLineEnds(data[:off])
	line, start := len(ends), 0
	if line > 1 {
		start = ends[line-2]
	}
	if last := ends[line-1]; last > start && last == off && isBreak(data[:off]) {
		line, start = line+1, off
	}
	return line, utf8.RuneCount(data[start:off]) + 1
}

// isBreak reports whether data ends with a YAML line break.
func isBreak(data []byte) bool {
	r, _ := utf8.DecodeLastRune(data)
	return r == '\r' || r == '\n' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	return line, off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
}

func parseYAML(data []byte) (*node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{Line: 1, Column: 1, Msg: "empty file: want a mapping with must_allow, must_deny or must_be_answerable"}}
		}
		return nil, Errors{yamlErr(err, data)}
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, Errors{{Line: more.Line, Column: more.Column, Msg: "a second YAML document: want one"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, Errors{yamlErr(err, data)}
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{Line: 1, Column: 1, Msg: "empty file: want a mapping with must_allow, must_deny or must_be_answerable"}}
	}
	if c := doc.Content[0]; c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == "" {
		// "---" and nothing else: the library places the empty value
		// past the end of the input.
		return nil, Errors{{Line: doc.Line, Column: doc.Column, Msg: "empty document: want a mapping with must_allow, must_deny or must_be_answerable"}}
	}
	var errs Errors
	n := fromYAML(doc.Content[0], &errs, 0)
	if len(errs) > 0 {
		return nil, errs
	}
	return n, nil
}

// yamlErr places a YAML syntax error where the problem is. The library's
// "line N" is not that place: for a parser error it is the 0-based line
// where the enclosing block started ("line 1" for an indentation error
// deep in the must_allow list), for others the 0-based line of the
// problem, and some errors carry no line at all ("mapping values are not
// allowed in this context" on the first line, an unknown anchor). So the
// position is recovered here (yamlPlace) and the library's line dropped.
func yamlErr(err error, data []byte) *Error {
	msg := yamlMsg(err)
	e := &Error{Msg: "invalid YAML: " + msg}
	e.Line, e.Column = yamlPlace(data, msg)
	switch msg {
	case "did not find expected '-' indicator", "did not find expected key":
		e.Msg += " (check this line's indentation against the lines above)"
	case "found unexpected end of stream": // only an unclosed quoted scalar
		e.Msg += " (the quote opened here is never closed)"
	}
	return e
}

// yamlMsg is the library's message without "yaml: " and "line N: ".
func yamlMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if _, err := strconv.Atoi(num); err == nil {
				return tail
			}
		}
	}
	return msg
}

// yamlDecodeAll reads every document of r and returns the first error.
func yamlDecodeAll(r io.Reader) error {
	dec := yaml.NewDecoder(r)
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// byteReader hands out one byte per Read and counts them.
type byteReader struct {
	data []byte
	n    int
}

func (r *byteReader) Read(p []byte) (int, error) {
	if r.n >= len(r.data) {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.data[r.n]
	r.n++
	return 1, nil
}

// yamlLineEnds is the end offset of each line of data, its line break
// included; breaks as YAML counts them (and the library's node
// positions): CR LF, CR, LF, NEL, LS and PS.
func yamlLineEnds(data []byte) []int {
	var ends []int
	for off := 0; off < len(data); {
		r, n := utf8.DecodeRune(data[off:])
		off += n
		switch {
		case r == '\r' && off < len(data) && data[off] == '\n':
			off++
			fallthrough
		case r == '\r' || r == '\n' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			ends = append(ends, off)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] < len(data) {
		ends = append(ends, len(data))
	}
	return ends
}

// yamlPlaceBudget bounds the bytes yamlPlace parses one prefix after
// another before it bisects instead (about 150 ms; a variable for tests).
var yamlPlaceBudget = 1 << 20

// yamlPlace finds the line and column (1-based, the column in
// characters) of the problem that makes data fail with msg.
//
// The parser reads its input as a stream, a byte at a time when given
// so: the bytes it had read when it failed (u) hold the problem, and
// every prefix of data at least that long fails the same way. A prefix
// ending before the offending token does not fail with the same message
// (in block context the open mappings and lists simply end with the
// input; inside a flow collection a cut mostly leaves a different
// complaint). The parser reads ahead up to a line past the token, so the
// problem is found by walking back from u: the line is the first one
// whose prefix of data (everything up to its end) fails with msg, and
// the column the start of the word holding the first character of that
// line whose inclusion makes the prefix fail with msg (for an
// indentation error the misplaced key or "-", for "a: b: c" the "b:",
// for an unclosed quote the quote). Past yamlPlaceBudget parsed bytes
// the walk bisects instead.
func yamlPlace(data []byte, msg string) (line, col int) {
	br := &byteReader{data: data}
	yamlDecodeAll(br)
	u := max(br.n, 1)
	ends := yamlLineEnds(data)
	if len(ends) == 0 {
		return 1, 1
	}
	budget := yamlPlaceBudget
	fails := func(end int) bool {
		budget -= end
		if end <= 0 {
			return false
		}
		err := yamlDecodeAll(bytes.NewReader(data[:end]))
		return err != nil && yamlMsg(err) == msg
	}
	// back finds the first of cuts (increasing prefix ends, the last
	// failing) from which every later prefix fails.
	back := func(cuts []int) int {
		i := len(cuts) - 1
		for i > 0 {
			if budget <= 0 {
				lo, hi := 0, i // cuts[hi] fails
				for lo < hi {
					mid := (lo + hi) / 2
					if fails(cuts[mid]) {
						hi = mid
					} else {
						lo = mid + 1
					}
				}
				return lo
			}
			if !fails(cuts[i-1]) {
				break
			}
			i--
		}
		return i
	}
	lu, _ := slices.BinarySearch(ends, u) // the line holding byte u-1
	l := back(ends[:lu+1])
	lineStart := 0
	if l > 0 {
		lineStart = ends[l-1]
	}
	hi := ends[l]
	if u < hi && fails(u) {
		hi = u
	}
	var chars []int // prefix ends after each character of the line, to hi
	for off := lineStart; off < hi; {
		_, n := utf8.DecodeRune(data[off:])
		off += n
		chars = append(chars, off)
	}
	c := lineStart
	if len(chars) > 0 {
		c = chars[back(chars)]
		_, n := utf8.DecodeLastRune(data[:c])
		c -= n // the failing character
	}
	for c > lineStart && data[c-1] != ' ' && data[c-1] != '\t' {
		c--
	}
	return l + 1, utf8.RuneCount(data[lineStart:c]) + 1
}

func fromYAML(y *yaml.Node, errs *Errors, depth int) *node {
	n := &node{line: y.Line, col: y.Column}
	if depth > 64 {
		*errs = append(*errs, &Error{Line: y.Line, Column: y.Column, Msg: "nested too deeply"})
		return n
	}
	switch y.Kind {
	case yaml.AliasNode:
		*errs = append(*errs, &Error{Line: y.Line, Column: y.Column, Msg: "YAML aliases are not accepted: write the value out"})
		n.kind = 'z'
	case yaml.MappingNode:
		n.kind = 'm'
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				*errs = append(*errs, &Error{Line: k.Line, Column: k.Column, Msg: "a key must be a plain string"})
				continue
			}
			if k.Tag == "!!merge" {
				*errs = append(*errs, &Error{Line: k.Line, Column: k.Column, Msg: "YAML merge keys (<<) are not accepted: write the fields out"})
				continue
			}
			n.keys = append(n.keys, &node{kind: 'v', line: k.Line, col: k.Column, str: k.Value, quoted: true})
			n.vals = append(n.vals, fromYAML(v, errs, depth+1))
		}
	case yaml.SequenceNode:
		n.kind = 's'
		for _, c := range y.Content {
			n.vals = append(n.vals, fromYAML(c, errs, depth+1))
		}
	case yaml.ScalarNode:
		if y.Tag == "!!null" {
			n.kind = 'z'
			return n
		}
		n.kind, n.str = 'v', y.Value
		n.quoted = y.Tag == "!!str"
	default:
		*errs = append(*errs, &Error{Line: y.Line, Column: y.Column, Msg: "unexpected YAML node"})
		n.kind = 'z'
	}
	return n
}

// parseJSON reads data with encoding/json's tokenizer, keeping each
// value's position.
func parseJSON(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var parse func(depth int) (*node, error)
	at := func() (int, int) {
		off := int(dec.InputOffset())
		for off < len(data) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		return lineCol(data, off)
	}
	fail := func(err error) error {
		var se *json.SyntaxError
		off := int(dec.InputOffset())
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		line, col := lineCol(data, off)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Errors{{Line: line, Column: col, Msg: "invalid JSON: unexpected end of input"}}
		}
		return Errors{{Line: line, Column: col, Msg: "invalid JSON: " + err.Error()}}
	}
	parse = func(depth int) (*node, error) {
		line, col := at()
		if depth > 64 {
			return nil, Errors{{Line: line, Column: col, Msg: "nested too deeply"}}
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		n := &node{line: line, col: col}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' {
				n.kind = 'm'
				for dec.More() {
					kl, kc := at()
					kt, err := dec.Token()
					if err != nil {
						return nil, fail(err)
					}
					v, err := parse(depth + 1)
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, &node{kind: 'v', line: kl, col: kc, str: kt.(string), quoted: true})
					n.vals = append(n.vals, v)
				}
			} else {
				n.kind = 's'
				for dec.More() {
					v, err := parse(depth + 1)
					if err != nil {
						return nil, err
					}
					n.vals = append(n.vals, v)
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, fail(err)
			}
		case string:
			n.kind, n.str, n.quoted = 'v', t, true
		case json.Number:
			n.kind, n.str = 'v', t.String()
		case bool:
			n.kind, n.str = 'v', strconv.FormatBool(t)
		case nil:
			n.kind = 'z'
		}
		return n, nil
	}
	root, err := parse(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := at()
		return nil, Errors{{Line: line, Column: col, Msg: "invalid JSON: data after the top-level object"}}
	}
	return root, nil
}

type reader struct {
	errs Errors
}

func (r *reader) fail(n *node, path, format string, a ...any) {
	r.errs = append(r.errs, &Error{Line: n.line, Column: n.col, Path: path, Msg: fmt.Sprintf(format, a...)})
}

// fields checks that n is a mapping with no duplicate and no unknown
// keys, and returns its values by key.
func (r *reader) fields(n *node, path string, known ...string) (map[string]*node, bool) {
	if n.kind != 'm' {
		r.fail(n, path, "want a mapping (object)")
		return nil, false
	}
	out := map[string]*node{}
	first := map[string]*node{}
	for i, k := range n.keys {
		p := join(path, k.str)
		if f, dup := first[k.str]; dup {
			r.fail(k, p, "duplicate key %q (first at line %d, column %d)", k.str, f.line, f.col)
			continue
		}
		first[k.str] = k
		ok := false
		for _, name := range known {
			ok = ok || name == k.str
		}
		if !ok {
			r.fail(k, p, "unknown field %q: want one of %s", k.str, strings.Join(known, ", "))
			continue
		}
		out[k.str] = n.vals[i]
	}
	return out, true
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Version is the intent file format version this package reads and
// writes.
const Version = 1

var kindKeys = []string{"must_allow", "must_deny", "must_be_answerable"}

func (r *reader) file(root *node) File {
	var f File
	fs, ok := r.fields(root, "", append([]string{"version"}, kindKeys...)...)
	if !ok {
		return f
	}
	if v, ok := fs["version"]; ok {
		if v.kind != 'v' || v.quoted || v.str != strconv.Itoa(Version) {
			r.fail(v, "version", "want %d", Version)
		}
	}
	any := false
	for k, key := range kindKeys {
		list, ok := fs[key]
		if !ok {
			continue
		}
		any = true
		if list.kind == 'z' {
			continue
		}
		if list.kind != 's' {
			r.fail(list, key, "want a list of intents")
			continue
		}
		for i, item := range list.vals {
			if in, ok := r.intent(Kind(k+1), item, key+"["+strconv.Itoa(i)+"]"); ok {
				f.Intents = append(f.Intents, in)
			}
		}
	}
	if !any {
		r.fail(root, "", "no intents: want must_allow, must_deny or must_be_answerable")
	}
	names := map[string]Intent{}
	for _, in := range f.Intents {
		if p, dup := names[in.Name]; dup {
			r.errs = append(r.errs, &Error{Line: in.Line, Column: in.Column, Path: in.Path + ".name",
				Msg: fmt.Sprintf("intent name %q used twice (first at line %d, %s)", in.Name, p.Line, p.Path)})
			continue
		}
		names[in.Name] = in
	}
	return f
}

func (r *reader) str(fs map[string]*node, path, key string, required bool) (string, *node) {
	n, ok := fs[key]
	if !ok {
		return "", nil
	}
	if n.kind != 'v' || !n.quoted && key != "protocol" {
		r.fail(n, join(path, key), "want a string")
		return "", nil
	}
	if required && strings.TrimSpace(n.str) == "" {
		r.fail(n, join(path, key), "empty")
		return "", nil
	}
	return n.str, n
}

func (r *reader) intent(k Kind, n *node, path string) (Intent, bool) {
	in := Intent{Kind: k, Line: n.line, Column: n.col, Path: path}
	fs, ok := r.fields(n, path, "name", "reason", "from", "to", "protocol", "ports", "icmp_type", "icmp_code")
	if !ok {
		return in, false
	}
	before := len(r.errs)
	for _, req := range []string{"name", "from", "to", "protocol"} {
		if _, ok := fs[req]; !ok {
			r.fail(n, path, "missing %s", req)
		}
	}
	in.Name, _ = r.str(fs, path, "name", true)
	in.Reason, _ = r.str(fs, path, "reason", false)
	in.From, _ = r.str(fs, path, "from", true)
	in.To, _ = r.str(fs, path, "to", true)
	if p, pn := r.str(fs, path, "protocol", true); pn != nil {
		proto, err := sgsim.ParseProtocol(p)
		switch {
		case err != nil:
			r.fail(pn, join(path, "protocol"), "%q: want tcp, udp, sctp, icmp, icmpv6, another name or a protocol number", p)
		case proto == sgsim.AnyProtocol:
			r.fail(pn, join(path, "protocol"), "%q: name one protocol (write one intent per protocol)", p)
		default:
			in.Protocol = proto
		}
	}
	if pn, ok := fs["ports"]; ok {
		ps, err := r.ports(pn, join(path, "ports"))
		if err == nil {
			in.Ports = ps
			if in.Protocol != sgsim.AnyProtocol && !in.Protocol.HasPorts() {
				r.fail(pn, join(path, "ports"), "protocol %s has no ports", in.Protocol)
			}
		}
	}
	for _, key := range []string{"icmp_type", "icmp_code"} {
		v, ok := fs[key]
		if !ok {
			continue
		}
		num, err := strconv.Atoi(v.str)
		if v.kind != 'v' || v.quoted || err != nil || num < 0 || num > 255 {
			r.fail(v, join(path, key), "want a number from 0 to 255")
			continue
		}
		if in.Protocol != sgsim.AnyProtocol && !in.Protocol.IsICMP() {
			r.fail(v, join(path, key), "protocol %s is not icmp or icmpv6", in.Protocol)
			continue
		}
		u := uint8(num)
		if key == "icmp_type" {
			in.ICMPType = &u
		} else {
			in.ICMPCode = &u
		}
	}
	return in, len(r.errs) == before
}

// ports reads a port list: a number, a string ("80,443", "8000-8100",
// "all"), or a list of those.
func (r *reader) ports(n *node, path string) (sgsim.Ports, error) {
	var parts []string
	switch n.kind {
	case 'v':
		parts = []string{n.str}
	case 's':
		if len(n.vals) == 0 {
			r.fail(n, path, "empty list: leave ports out for every port")
			return nil, errors.New("bad")
		}
		for i, v := range n.vals {
			if v.kind != 'v' {
				r.fail(v, path+"["+strconv.Itoa(i)+"]", "want a port or a range such as \"8000-8100\"")
				return nil, errors.New("bad")
			}
			parts = append(parts, v.str)
		}
	default:
		r.fail(n, path, "want a port, a range such as \"8000-8100\", or a list of them")
		return nil, errors.New("bad")
	}
	for _, p := range parts {
		if f, err := strconv.ParseFloat(p, 64); err == nil && (f != math.Trunc(f) || strings.ContainsAny(p, ".eE")) {
			r.fail(n, path, "%q is not a whole port number", p)
			return nil, errors.New("bad")
		}
	}
	v := strings.Join(parts, ",")
	ps, err := sgsim.ParsePorts(v)
	if err != nil {
		// The path says where: the value and what is wrong, without the
		// parser's own "sgsim: parse ports" prefix.
		r.fail(n, path, "%q: %s", v, err.(*sgsim.ParseError).Msg)
		return nil, err
	}
	return ps, nil
}
