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
	for _, c := range []struct{ doc, want string }{
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
	} {
		err := ValidateJSONSchema([]byte(schema), []byte(c.doc))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.doc, got, c.want)
		}
	}
	// A keyword the validator does not implement is an error, not ignored.
	err := ValidateJSONSchema([]byte(`{"type": "object", "patternProperties": {}}`), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), `schema keyword "patternProperties" is not supported`) {
		t.Errorf("unsupported keyword: %v", err)
	}
}
