package sgsimtest

import (
	"strings"
	"testing"
)

func TestValidateJSONSchema(t *testing.T) {
	schema := `{"type": "object", "additionalProperties": false, "required": ["a"],
	  "properties": {"a": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/definitions/n"}},
	    "b": {"enum": ["x", "y"]}, "c": {"oneOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"type": "integer"}]},
	    "d": {"anyOf": [{"const": 1}, {"type": "string", "minLength": 2}]}},
	  "definitions": {"n": {"type": "integer", "minimum": 0, "maximum": 9}}}`
	// check validates each doc against schema and compares the errors.
	check := func(schema string, cases []struct{ doc, want string }) {
		t.Helper()
		for _, c := range cases {
			err := ValidateJSONSchema([]byte(schema), []byte(c.doc))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("%s: %q, want %q", c.doc, got, c.want)
			}
		}
	}
	check(schema, []struct{ doc, want string }{
		{`{"a": [1, 2], "b": "x", "c": "abc", "d": 1}`, ""},
		{`{"a": [1, 2], "c": 7, "d": "zz"}`, ""},
		{`{}`, `$: missing required "a"`},
		{`{"a": []}`, "$.a: 0 items, want at least 1"},
		{`{"a": [1, 1]}`, "$.a: items 0 and 1 are equal"},
		{`{"a": [10]}`, "$.a[0]: 10 is above the maximum 9"},
		{`{"a": [-1]}`, "$.a[0]: -1 is below the minimum 0"},
		{`{"a": [1.5]}`, "$.a[0]: type number, want integer"},
		{`{"a": [1], "z": 1}`, "$.z: property not allowed"},
		{`{"a": [1], "b": "q"}`, "$.b: q is not one of [x y]"},
		{`{"a": [1], "c": "A"}`, "$.c: matches 0 of the oneOf schemas, want exactly 1"},
		{`{"a": [1], "d": "z"}`, "$.d: matches none of the anyOf schemas"},
	})
	// Formats asserted: uri, uri-reference, date-time; others annotate.
	formats := `{"type": "object", "properties": {"u": {"type": "string", "format": "uri"},
	  "r": {"type": "string", "format": "uri-reference"}, "t": {"type": "string", "format": "date-time"},
	  "e": {"type": "string", "format": "email"}}}`
	check(formats, []struct{ doc, want string }{
		{`{"u": "file:///tmp/a%20b.yaml", "r": "testdata/intents/cce-tunnel.yaml", "t": "2024-05-06T09:00:00.5Z", "e": "not checked"}`, ""},
		{`{"u": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", "r": "#frag", "t": "2024-05-06T09:00:00+08:00"}`, ""},
		{`{"u": "testdata/a.yaml"}`, `$.u: "testdata/a.yaml" is not a uri: no scheme`},
		{`{"u": "file:///tmp/a b.yaml"}`, `$.u: "file:///tmp/a b.yaml" is not a uri: a character outside RFC 3986 or a % not followed by two hex digits`},
		{`{"r": "a%2"}`, `$.r: "a%2" is not a uri-reference: a character outside RFC 3986 or a % not followed by two hex digits`},
		{`{"r": "dir\\a.yaml"}`, `$.r: "dir\\a.yaml" is not a uri-reference: a character outside RFC 3986 or a % not followed by two hex digits`},
		{`{"t": "2024-05-06 09:00:00"}`, `$.t: "2024-05-06 09:00:00" is not a date-time: want RFC 3339, such as 2024-05-06T09:00:00Z`},
	})
	// A keyword the validator does not implement is an error, not ignored.
	err := ValidateJSONSchema([]byte(`{"type": "object", "patternProperties": {}}`), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), `schema keyword "patternProperties" is not supported`) {
		t.Errorf("unsupported keyword: %v", err)
	}
}
