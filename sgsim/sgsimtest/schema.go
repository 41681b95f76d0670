package sgsimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ValidateJSONSchema validates a JSON document against a JSON Schema and
// returns every violation, each with its JSON path. It implements the
// part of JSON Schema (draft-07 and draft-04) that sgsim's schemas use,
// and refuses a schema that uses anything else, so that a schema cannot
// silently check less than it says: type (one or a list), properties,
// required, additionalProperties (false or a schema), items (one schema),
// minItems, uniqueItems, enum, const, minimum, maximum, minLength,
// pattern, oneOf, anyOf, $ref to "#/definitions/NAME" or "#/$defs/NAME",
// format, asserted for "uri" (RFC 3986 URI with a scheme: only its
// characters, each "%" followed by two hex digits), "uri-reference" (the
// same, the scheme optional) and "date-time" (RFC 3339) and an annotation
// for any other format, and the annotations ($schema, $id, id, title,
// description, default, examples). That is every keyword of the official
// SARIF 2.1.0 schema. Tests use it for the intent file schema and the
// SARIF output (no JSON Schema validator is among sgsim's dependencies).
func ValidateJSONSchema(schema, doc []byte) error {
	var s, d any
	if err := unmarshal(schema, &s); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if err := unmarshal(doc, &d); err != nil {
		return fmt.Errorf("document: %w", err)
	}
	root, ok := s.(map[string]any)
	if !ok {
		return fmt.Errorf("schema: not an object")
	}
	v := &validator{root: root}
	v.check(root, d, "$")
	if len(v.errs) > 0 {
		return fmt.Errorf("%s", strings.Join(v.errs, "\n"))
	}
	return nil
}

func unmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

type validator struct {
	root map[string]any
	errs []string
}

func (v *validator) fail(path, format string, a ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, a...))
}

var known = map[string]bool{"$schema": true, "$id": true, "id": true, "title": true, "description": true, "default": true,
	"examples": true, "format": true, "type": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "minItems": true, "uniqueItems": true, "enum": true, "const": true, "minimum": true, "maximum": true,
	"minLength": true, "pattern": true, "oneOf": true, "anyOf": true, "$ref": true, "definitions": true, "$defs": true}

func typeOf(d any) string {
	switch x := d.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (v *validator) resolve(ref string) (map[string]any, bool) {
	for _, pre := range []string{"#/definitions/", "#/$defs/"} {
		if name, ok := strings.CutPrefix(ref, pre); ok {
			defs, _ := v.root[strings.Trim(pre[1:], "/")].(map[string]any)
			s, ok := defs[name].(map[string]any)
			return s, ok
		}
	}
	return nil, false
}

// valid reports whether d passes s, without recording errors.
func (v *validator) valid(s map[string]any, d any, path string) bool {
	sub := &validator{root: v.root}
	sub.check(s, d, path)
	return len(sub.errs) == 0
}

// uriChars is RFC 3986's URI-reference alphabet: unreserved and reserved
// characters and percent-encoded octets.
var (
	uriChars  = regexp.MustCompile(`^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$`)
	uriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)
)

// checkFormat says why s is not of format f ("" when it is, or when f is
// only an annotation here).
func checkFormat(f, s string) string {
	switch f {
	case "uri", "uri-reference":
		if !uriChars.MatchString(s) {
			return "a character outside RFC 3986 or a % not followed by two hex digits"
		}
		if f == "uri" && !uriScheme.MatchString(s) {
			return "no scheme"
		}
		if _, err := url.Parse(s); err != nil {
			return err.Error()
		}
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return "want RFC 3339, such as 2024-05-06T09:00:00Z"
		}
	}
	return ""
}

func num(x any) (float64, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func (v *validator) check(s map[string]any, d any, path string) {
	for k := range s {
		if !known[k] {
			v.fail(path, "schema keyword %q is not supported by this validator", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		t, ok := v.resolve(ref)
		if !ok {
			v.fail(path, "schema $ref %q not found", ref)
			return
		}
		v.check(t, d, path)
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch x := t.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, y := range x {
				if ys, ok := y.(string); ok {
					types = append(types, ys)
				}
			}
		}
		got := typeOf(d)
		match := false
		for _, ty := range types {
			match = match || ty == got || ty == "number" && got == "integer"
		}
		if !match {
			v.fail(path, "type %s, want %s", got, strings.Join(types, " or "))
			return
		}
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || fmt.Sprint(x) == fmt.Sprint(d) && typeOf(x) == typeOf(d)
		}
		if !found {
			v.fail(path, "%v is not one of %v", d, e)
		}
	}
	if c, ok := s["const"]; ok && (fmt.Sprint(c) != fmt.Sprint(d) || typeOf(c) != typeOf(d)) {
		v.fail(path, "%v, want %v", d, c)
	}
	if f, ok := num(d); ok {
		if m, ok := num(s["minimum"]); ok && f < m {
			v.fail(path, "%v is below the minimum %v", f, m)
		}
		if m, ok := num(s["maximum"]); ok && f > m {
			v.fail(path, "%v is above the maximum %v", f, m)
		}
	}
	if str, ok := d.(string); ok {
		if m, ok := num(s["minLength"]); ok && float64(len([]rune(str))) < m {
			v.fail(path, "%q is shorter than %v", str, m)
		}
		if f, ok := s["format"].(string); ok {
			if msg := checkFormat(f, str); msg != "" {
				v.fail(path, "%q is not a %s: %s", str, f, msg)
			}
		}
		if p, ok := s["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				v.fail(path, "schema pattern %q: %v", p, err)
			} else if !re.MatchString(str) {
				v.fail(path, "%q does not match %q", str, p)
			}
		}
	}
	if arr, ok := d.([]any); ok {
		if m, ok := num(s["minItems"]); ok && float64(len(arr)) < m {
			v.fail(path, "%d items, want at least %v", len(arr), m)
		}
		if u, _ := s["uniqueItems"].(bool); u {
			seen := map[string]int{}
			for i, x := range arr {
				b, _ := json.Marshal(x)
				if j, dup := seen[string(b)]; dup {
					v.fail(path, "items %d and %d are equal", j, i)
				}
				seen[string(b)] = i
			}
		}
		if it, ok := s["items"].(map[string]any); ok {
			for i, x := range arr {
				v.check(it, x, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	if obj, ok := d.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if name, _ := r.(string); name != "" {
					if _, ok := obj[name]; !ok {
						v.fail(path, "missing required %q", name)
					}
				}
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := path + "." + k
			if ps, ok := props[k].(map[string]any); ok {
				v.check(ps, obj[k], p)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(p, "property not allowed")
				}
			case map[string]any:
				v.check(ap, obj[k], p)
			}
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		n := 0
		for _, x := range one {
			if xs, ok := x.(map[string]any); ok && v.valid(xs, d, path) {
				n++
			}
		}
		if n != 1 {
			v.fail(path, "matches %d of the oneOf schemas, want exactly 1", n)
		}
	}
	if anyOf, ok := s["anyOf"].([]any); ok {
		n := 0
		for _, x := range anyOf {
			if xs, ok := x.(map[string]any); ok && v.valid(xs, d, path) {
				n++
			}
		}
		if n == 0 {
			v.fail(path, "matches none of the anyOf schemas")
		}
	}
}
