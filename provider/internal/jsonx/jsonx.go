// Package jsonx holds the JSON decoding helpers that the vendor API
// readers share: a Doc per document (one scan for syntax, duplicate keys
// and invalid UTF-8; every error at once with line and column; the
// lenient read.SkipInvalid mode), objects and arrays
// of json.RawMessage, string, integer and boolean fields, JSON paths, the
// short form of a raw value for error messages, and a rule's validation
// error at its path.
//
// The helpers do not build errors themselves: a Decoder is given the
// vendor's constructor, so that every error is the vendor's own *Error
// type, with the vendor's prefix in its text.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

// A Decoder decodes parts of one vendor's API documents. Err makes the
// error for a bad value: path is the JSON path ("" for the whole
// document), value the offending JSON text as Short gives it (may be ""),
// msg what was wanted.
type Decoder struct {
	Err func(path, value, msg string) error
	// PathOf returns the JSON path an error of the vendor names, so that
	// Doc.Err can give its line and column; nil, or false, places the
	// error at the path of the record that gave it.
	PathOf func(err error) (string, bool)
}

func (d Decoder) pathOf(err error) (string, bool) {
	if d.PathOf == nil {
		return "", false
	}
	return d.PathOf(err)
}

// lineCol is the line and column of the byte before off, as a
// *json.SyntaxError's Offset counts.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1) // an error at the start of a line is at its column 1
}

// Object decodes raw, which must be a JSON object, into dst, a struct of
// json.RawMessage fields. Path "" stands for the top level.
func (d Decoder) Object(path string, raw json.RawMessage, dst any) error {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		p := path
		if p == "" {
			p = "top level"
		}
		return d.Err(p, Short(raw), "want a JSON object")
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return d.Err(path, "", err.Error())
	}
	return nil
}

// Array returns the elements of raw, which must be a JSON array.
func (d Decoder) Array(path string, raw json.RawMessage) ([]json.RawMessage, error) {
	var out []json.RawMessage
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '[' {
		return nil, d.Err(path, Short(raw), "want a JSON array")
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, d.Err(path, "", err.Error())
	}
	return out, nil
}

// Int reads an integer field given as a JSON number or, when
// allowString, as a string of decimal digits with an optional leading
// minus ("+5", " 5" and "0x5" are errors). Absent, null and "" report
// false.
func (d Decoder) Int(path string, raw json.RawMessage, allowString bool) (int, bool, error) {
	if IsNull(raw) {
		return 0, false, nil
	}
	text := string(bytes.TrimSpace(raw))
	if text[0] == '"' {
		var s string
		if !allowString || json.Unmarshal(raw, &s) != nil {
			return 0, false, d.Err(path, Short(raw), "want a number")
		}
		if s == "" {
			return 0, false, nil
		}
		if digits := strings.TrimPrefix(s, "-"); digits == "" || strings.Trim(digits, "0123456789") != "" {
			return 0, false, d.Err(path, Short(raw), "want an integer")
		}
		text = s
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, false, d.Err(path, Short(raw), "want an integer")
	}
	return n, true, nil
}

// Bool reads a boolean field: JSON true or false. Absent and null report
// false.
func (d Decoder) Bool(path string, raw json.RawMessage) (v, ok bool, err error) {
	if IsNull(raw) {
		return false, false, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, false, d.Err(path, Short(raw), "want true or false")
	}
	return v, true, nil
}

// Validate checks a rule read from the record at path (see
// sgsim.Rule.Validate). A *sgsim.RuleError becomes the vendor's error at
// path with its value quoted and the message "field: msg"; other errors
// keep their text.
func (d Decoder) Validate(path string, r *sgsim.Rule) error {
	err := r.Validate()
	if err == nil {
		return nil
	}
	var re *sgsim.RuleError
	if errors.As(err, &re) {
		return d.Err(path, strconv.Quote(re.Value), re.Field+": "+re.Msg)
	}
	return d.Err(path, "", err.Error())
}

// Fields returns a reader of string fields of the record at path.
func (d Decoder) Fields(path string) *Fields {
	return &Fields{d: d, path: path}
}

// Fields reads string fields of one record and keeps the first error.
type Fields struct {
	d    Decoder
	path string
	Err  error // the first error met, nil while all fields were good
}

// Str returns a string field; null and absent give "". After an error it
// returns "" and reads nothing.
func (f *Fields) Str(name string, raw json.RawMessage) string {
	if f.Err != nil || IsNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p := name
		if f.path != "" {
			p = f.path + "." + name
		}
		f.Err = f.d.Err(p, Short(raw), "want a string")
	}
	return s
}

// StrNum returns a string field that the vendor's own examples also give
// as a JSON number ("multiport": 333): a string as it is, or a
// non-negative integer as its decimal text. Other numbers (1.5, -1, 1e3)
// are an error. null and absent give "".
func (f *Fields) StrNum(name string, raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if f.Err != nil || len(t) == 0 || t[0] == '"' || t[0] == 'n' {
		return f.Str(name, raw)
	}
	if strings.Trim(string(t), "0123456789") == "" {
		return string(t)
	}
	p := name
	if f.path != "" {
		p = f.path + "." + name
	}
	f.Err = f.d.Err(p, Short(raw), "want a string or a whole number")
	return ""
}

// IsNull reports whether raw is absent (empty) or JSON null.
func IsNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// Short returns raw JSON text for an error message, cut at 40 bytes.
func Short(raw json.RawMessage) string {
	t := string(bytes.TrimSpace(raw))
	if len(t) > 40 {
		t = t[:37] + "..."
	}
	return t
}

// Text returns v as JSON text for the Value of an error message, or ""
// when v is nil or cannot be marshalled.
func Text(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// Message is the text of a vendor's error: "vendor: path: value: msg",
// leaving out path and value where they are "".
func Message(vendor, path, value, msg string) string {
	s := vendor + ": "
	if path != "" {
		s += path + ": "
	}
	if value != "" {
		s += value + ": "
	}
	return s + msg
}

// Join appends a field name to a JSON path: Join("", "a") is "a",
// Join("a[1]", "b") is "a[1].b".
func Join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Index appends an array index to a JSON path: Index("a.b", 2) is
// "a.b[2]".
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// Write writes v as indented JSON followed by a newline, the form every
// vendor writer produces. vendor prefixes an encoding error.
func Write(w io.Writer, vendor string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: write: %w", vendor, err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
