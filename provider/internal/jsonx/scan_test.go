package jsonx

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/read"
)

func TestScanSyntaxAgreesWithValid(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{}`, `[]`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{"a":}`, `01`, `-`, `-0`, `1.`, `1.5e`, `1e+5`, `1E-0`,
		`"\u12"`, `"\x"`, "\"a\tb\"", `"\ud800"`, `tru`, `true false`, `nul`, `[1 2]`, `{"a":1}}`, `{1:2}`,
		`{"a":[{"b":null}]}`, `"\/\b\f\n\r\t\"\\"`, "\xef\xbb\xbf{}", strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	} {
		_, ok := scan([]byte(in), false)
		if want := json.Valid([]byte(in)); ok != want {
			t.Errorf("scan(%.40q) valid %v; json.Valid says %v", in, ok, want)
		}
	}
}

func TestScanProblems(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fold bool
		want []string // path: msg [value]
	}{
		{`{"a":1,"b":2}`, true, nil},
		{`{"a":1,"a":2}`, false, []string{`a: duplicate key "a"`}},
		{`{"r":[{"x":1},{"action":"deny","action":"allow"}]}`, false, []string{`r[1].action: duplicate key "action"`}},
		// An escaped key is the same key.
		{`{"ab":1,"a\u0062":2}`, false, []string{`ab: duplicate key "ab"`}},
		{`{"action":1,"Action":2}`, true, []string{`Action: duplicate key "Action", the same as "action" but for case`}},
		{`{"action":1,"Action":2}`, false, nil},
		{"{\"k\":\"sg-1\xff\"}", false, []string{`k: invalid UTF-8 "sg-1\xff"`}},
		{"[\"ok\",\"\xfe\"]", false, []string{`[1]: invalid UTF-8 "\xfe"`}},
		{`{"k":"\ud800"}`, false, []string{`k: lone UTF-16 surrogate escape "\\ud800"`}},
		{`{"k":"\udc00x"}`, false, []string{`k: lone UTF-16 surrogate escape "\\udc00x"`}},
		{`{"k":"\ud83d\ude00"}`, false, nil},
		{"{\"\xff\":1}", false, []string{`\xff: invalid UTF-8 in a key "\xff"`}},
		// Nested objects keep their own keys; a sibling object may repeat them.
		{`{"a":{"x":1},"b":{"x":1,"y":{"x":2}}}`, true, nil},
	} {
		probs, ok := scan([]byte(tc.in), tc.fold)
		if !ok {
			t.Errorf("scan(%q): syntax error", tc.in)
			continue
		}
		var got []string
		for _, p := range probs {
			s := p.path + ": " + p.msg
			if p.value != "" {
				s += " " + p.value
			}
			got = append(got, s)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("scan(%q) =\n%s\nwant\n%s", tc.in, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

func TestScanBigObject(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 100; i++ {
		b.WriteString(`"k` + string(rune('A'+i%26)) + string(rune('a'+i/26)) + `":1,`)
	}
	b.WriteString(`"kAa":2, "KAA":3}`)
	probs, _ := scan([]byte(b.String()), true)
	if len(probs) != 2 || probs[0].msg != `duplicate key "kAa"` || probs[1].msg != `duplicate key "KAA", the same as "kAa" but for case` {
		t.Errorf("big object: %+v", probs)
	}
}

func TestLocate(t *testing.T) {
	data := []byte("{\"a\": [1, {\"b\": \"x\"}],\n \"c\": null}")
	want := map[string]int{"a": 0, "a[1].b": 0, "c": 0, "a[2]": 0, "": 0}
	locate(data, want)
	for p, off := range map[string]int{"a": 6, "a[1].b": 16, "c": 29, "a[2]": -1, "": 0} {
		if want[p] != off {
			t.Errorf("locate %q = %d, want %d", p, want[p], off)
		}
	}
}

// A Doc gives every error at once, in document order, with line and
// column.
func TestDocStrict(t *testing.T) {
	data := []byte("{\"r\": [\n {\"a\": 1},\n {\"a\": 2, \"a\": 3},\n {\"a\": \"\xff\"},\n {\"a\": 4}]}")
	doc, err := dec.Open(data, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		var rerr error
		if i == 3 {
			rerr = &testErr{"r[3].a", "4", "want 1"}
		}
		p := Index("r", i)
		doc.Record(p, rerr)
	}
	err = doc.Err()
	want := "line 3, column 11: test: r[1].a: duplicate key \"a\" (first at line 3, column 3)\n" +
		"line 4, column 8: test: r[2].a: \"\\xff\": invalid UTF-8\n" +
		"line 5, column 8: test: r[3].a: 4: want 1"
	if err == nil || err.Error() != want {
		t.Errorf("Err:\n%v\nwant\n%s", err, want)
	}
	var re *read.Errors
	if !errors.As(err, &re) || re.Len() != 3 || re.List()[2].Line != 5 {
		t.Errorf("Err as *read.Errors: %#v", err)
	}
	var te *testErr
	if !errors.As(err, &te) || te.path != "r[1].a" {
		t.Errorf("errors.As the vendor error: %#v", te)
	}
}

func TestDocLenient(t *testing.T) {
	data := []byte("{\"r\": [\n {\"a\": 1},\n {\"a\": 2, \"a\": 3},\n {\"a\": \"\xff\"},\n {\"a\": 4}], \"t\": 1, \"t\": 2}")
	var rep read.Report
	doc, err := dec.Open(data, true, []read.Option{read.SkipInvalid(&rep)})
	if err != nil {
		t.Fatal(err)
	}
	var kept []int
	for i := 0; i < 4; i++ {
		var rerr error
		if i == 3 {
			rerr = &testErr{"r[3].a", "4", "want 1"}
		}
		if !doc.Record(Index("r", i), rerr) {
			kept = append(kept, i)
		}
	}
	err = doc.Err()
	// The duplicate top-level key is in no record: the read fails.
	if want := `line 5, column 21: test: t: duplicate key "t" (first at line 5, column 13)`; err == nil || err.Error() != want {
		t.Errorf("Err: %v\nwant %s", err, want)
	}
	if len(kept) != 1 || kept[0] != 0 || rep.Read != 1 || len(rep.Skipped) != 3 {
		t.Fatalf("kept %v, report %+v", kept, rep)
	}
	for i, want := range []string{
		"line 3, column 11: test: r[1].a: duplicate key \"a\" (first at line 3, column 3)",
		"line 4, column 8: test: r[2].a: \"\\xff\": invalid UTF-8",
		"line 5, column 8: test: r[3].a: 4: want 1",
	} {
		if got := rep.Skipped[i].Error(); got != want {
			t.Errorf("skipped[%d] = %s\nwant %s", i, got, want)
		}
	}
}

func TestDocContainer(t *testing.T) {
	data := []byte(`[{"id":"g","id":"h","rules":[{"x":1}]},{"id":"k","rules":[{"x":1,"x":2},{"x":3}]}]`)
	var rep read.Report
	doc, _ := dec.Open(data, true, []read.Option{read.SkipInvalid(&rep)})
	if !doc.Container("[0]", nil, "[0].rules") {
		t.Error("container [0] with a duplicate id not refused")
	}
	if doc.Container("[1]", nil, "[1].rules") {
		t.Error("container [1] refused for a problem of its rules")
	}
	if !doc.Record("[1].rules[0]", nil) || doc.Record("[1].rules[1]", nil) {
		t.Error("rules of [1]")
	}
	if err := doc.Err(); err != nil || rep.Read != 1 || len(rep.Skipped) != 2 {
		t.Errorf("Err %v, report %+v", err, rep)
	}
}

// A struct-decoded document may spell a key in another case, which
// encoding/json reads into the same field: its records' problems are
// matched to the records the reader names by the canonical spelling.
// Found by FuzzStrictReaders: a bad entry under "IngressAClEntries" was
// taken for a problem of the ACL itself, and the lenient read dropped
// the ACL with its good entries while listing one skip.
func TestDocContainerKeyCase(t *testing.T) {
	data := []byte("[{\"id\":\"k\",\"RULES\":[{\"x\":\"\xff\"},{\"x\":3}],\"Other\":[{\"x\":1}]}]")
	var rep read.Report
	doc, err := dec.Open(data, true, []read.Option{read.SkipInvalid(&rep)})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Container("[0]", nil, "[0].rules", "[0].other") {
		t.Error("container [0] refused for a problem of its rules")
	}
	if !doc.Record("[0].rules[0]", nil) || doc.Record("[0].rules[1]", nil) || doc.Record("[0].other[0]", nil) {
		t.Error("records of [0]: want rules[0] bad, rules[1] and other[0] good")
	}
	if err := doc.Err(); err != nil || rep.Read != 2 || len(rep.Skipped) != 1 ||
		rep.Skipped[0].Error() != `line 1, column 26: test: [0].RULES[0].x: "\xff": invalid UTF-8` {
		t.Errorf("Err %v, report %+v", err, rep)
	}
	// Exact documents (Terraform's values) match exactly.
	rep = read.Report{}
	if doc, err = dec.Open(data, false, []read.Option{read.SkipInvalid(&rep)}); err != nil {
		t.Fatal(err)
	}
	if !doc.Container("[0]", nil, "[0].rules") {
		t.Error("exact: the problem under RULES is the container's own")
	}
}

func TestErrorsLimit(t *testing.T) {
	var list []*read.Error
	for i := 0; i < read.MaxErrors+3; i++ {
		list = append(list, &read.Error{Line: i + 1, Column: 1, Err: errors.New("bad")})
	}
	e := read.NewErrors(list, 0)
	lines := strings.Split(e.Error(), "\n")
	if len(lines) != read.MaxErrors+1 || lines[read.MaxErrors] != "and 3 more errors" || lines[0] != "line 1, column 1: bad" || e.Len() != read.MaxErrors+3 {
		t.Errorf("limit: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

// BenchmarkScan compares the scanner with json.Valid, which the reader
// ran before it, on a 2 MB document of rule-like records.
func BenchmarkScan(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"security_group_rules": [`)
	for i := 0; i < 10000; i++ {
		if i > 0 {
			sb.WriteString(",\n")
		}
		sb.WriteString(`{"id": "0e6a4f3c-0001", "security_group_id": "sg-node", "direction": "ingress", "protocol": "tcp", "multiport": "30000-32767", "action": "allow", "priority": 1, "remote_ip_prefix": "0.0.0.0/0", "description": "NodePort"}`)
	}
	sb.WriteString("]}")
	data := []byte(sb.String())
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, ok := scan(data, true); !ok {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if !json.Valid(data) {
				b.Fatal("invalid")
			}
		}
	})
}

// A document with more problems than the scan keeps is refused whole,
// lenient or not, with the count.
func TestOpenTooManyProblems(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("{\"r\": [\n")
	for i := 0; i < maxProblems+2; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"a":1,"a":1}`)
	}
	sb.WriteString("]}")
	var rep read.Report
	_, err := dec.Open([]byte(sb.String()), true, []read.Option{read.SkipInvalid(&rep)})
	// The first problem, the second "a" of line 2, says where.
	want := `line 2, column 8: test: r[0].a: duplicate key "a", the first of 65538 duplicate keys and invalid strings, more than 65536: the document is refused as a whole`
	if err == nil || err.Error() != want {
		t.Errorf("Open: %v\nwant %s", err, want)
	}
}
