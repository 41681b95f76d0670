package jsonx

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

type testErr struct{ path, value, msg string }

func (e *testErr) Error() string { return Message("test", e.path, e.value, e.msg) }

var dec = Decoder{Err: func(path, value, msg string) error { return &testErr{path, value, msg} },
	PathOf: func(err error) (string, bool) {
		var te *testErr
		if errors.As(err, &te) {
			return te.path, true
		}
		return "", false
	}}

func TestInt(t *testing.T) {
	for _, tc := range []struct {
		raw         string
		allowString bool
		n           int
		ok          bool
		err         string
	}{
		{``, true, 0, false, ""},
		{`null`, true, 0, false, ""},
		{`""`, true, 0, false, ""},
		{`7`, false, 7, true, ""},
		{`-7`, false, -7, true, ""},
		{`"7"`, true, 7, true, ""},
		{`"-7"`, true, -7, true, ""},
		{`"7"`, false, 0, false, `test: p: "7": want a number`},
		{`1.5`, false, 0, false, `test: p: 1.5: want an integer`},
		{`true`, false, 0, false, `test: p: true: want an integer`},
		// The string form is decimal digits only: strconv.Atoi alone would
		// take "+5".
		{`"+5"`, true, 0, false, `test: p: "+5": want an integer`},
		{`" 5"`, true, 0, false, `test: p: " 5": want an integer`},
		{`"0x5"`, true, 0, false, `test: p: "0x5": want an integer`},
		{`"-"`, true, 0, false, `test: p: "-": want an integer`},
	} {
		n, ok, err := dec.Int("p", json.RawMessage(tc.raw), tc.allowString)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("Int(%s, %v) error %v, want %s", tc.raw, tc.allowString, err, tc.err)
			}
		case err != nil:
			t.Errorf("Int(%s, %v): %v", tc.raw, tc.allowString, err)
		case n != tc.n || ok != tc.ok:
			t.Errorf("Int(%s, %v) = %d, %v; want %d, %v", tc.raw, tc.allowString, n, ok, tc.n, tc.ok)
		}
	}
}

func TestBool(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		v, ok bool
		err   string
	}{
		{``, false, false, ""},
		{`null`, false, false, ""},
		{`true`, true, true, ""},
		{` false `, false, true, ""},
		{`"true"`, false, false, `test: p: "true": want true or false`},
		{`1`, false, false, `test: p: 1: want true or false`},
	} {
		v, ok, err := dec.Bool("p", json.RawMessage(tc.raw))
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("Bool(%s) error %v, want %s", tc.raw, err, tc.err)
			}
		case err != nil:
			t.Errorf("Bool(%s): %v", tc.raw, err)
		case v != tc.v || ok != tc.ok:
			t.Errorf("Bool(%s) = %v, %v; want %v, %v", tc.raw, v, ok, tc.v, tc.ok)
		}
	}
}

func TestValidate(t *testing.T) {
	good := sgsim.MustParseRule("ingress allow tcp 22 priority 1")
	if err := dec.Validate("r[0]", &good); err != nil {
		t.Errorf("valid rule: %v", err)
	}
	bad := good
	bad.RemoteGroup, bad.RemoteList = "sg-1", "pl-1"
	err := dec.Validate("r[0]", &bad)
	var te *testErr
	if !errors.As(err, &te) || te.path != "r[0]" || te.value != `"sg-1 and pl-1"` || te.msg != "remote: two remotes; a rule has at most one" {
		t.Errorf("two remotes: %#v", err)
	}
}

func TestOpenSyntaxError(t *testing.T) {
	_, err := dec.Open([]byte("{\"a\": 1,\n  \"b\": x}"), true, nil)
	want := `line 2, column 8: test: invalid JSON (byte offset 17): invalid character 'x' looking for beginning of value`
	if err == nil || err.Error() != want {
		t.Errorf("Open: %v\nwant %s", err, want)
	}
}

func TestPathsAndShort(t *testing.T) {
	if got := Index(Join("a", "b"), 2); got != "a.b[2]" {
		t.Errorf("Index(Join) = %q", got)
	}
	if got := Join("", "a"); got != "a" {
		t.Errorf("Join at the top = %q", got)
	}
	long := `"` + "0123456789012345678901234567890123456789" + `"`
	if got := Short(json.RawMessage(long)); got != long[:37]+"..." || len(got) != 40 {
		t.Errorf("Short(%s) = %q", long, got)
	}
	if got := Message("v", "", "", "m"); got != "v: m" {
		t.Errorf("Message without path and value = %q", got)
	}
}
