package fuzz

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim/intent"
)

var yamlBreaks = regexp.MustCompile("\r\n|[\r\n\u0085\u2028\u2029]")

// FuzzIntentRead: any bytes either fail with intent.Errors, every error
// placed at a line and column inside the input, or read to a file that intent.Write writes and Read
// reads back to the same intents; never a panic.
func FuzzIntentRead(f *testing.F) {
	// YAML with every kind, ports as a number, a string and a list.
	f.Add("must_allow:\n  - {name: a, from: nodes, to: masters, protocol: tcp, ports: 5444}\n" +
		"must_deny:\n  - {name: b, from: internet, to: nodes, protocol: tcp, ports: [\"10250\", 22]}\n" +
		"must_be_answerable:\n  - {name: c, from: pods, to: dns, protocol: udp, ports: \"53\"}\n")
	// JSON with ICMP type and code.
	f.Add(`{"version": 1, "must_deny": [{"name": "p", "from": "0.0.0.0/0", "to": "nodes", "protocol": "icmp", "icmp_type": 8, "icmp_code": 0}]}`)
	// A duplicate key, an unknown field, an alias, truncated JSON.
	f.Add("must_allow:\n  - name: a\n    name: b\n    port: 1\n")
	f.Add("x: &a tcp\nmust_allow:\n  - {name: a, from: x, to: y, protocol: *a}\n")
	f.Add(`{"must_allow": [{"name": `)
	// YAML indentation errors (placed by intent's own search).
	f.Add("must_allow:\n  - name: a\n    from: x\n   to: y\n")
	f.Add("must_allow: [{name: a}, b: c: d]\n")
	// CR line breaks, and "---" alone (the library places its empty value
	// past the end of the input).
	f.Add("\r0")
	f.Add("\r\xb7")
	f.Add("---")
	f.Fuzz(func(t *testing.T, s string) {
		file, err := intent.Read([]byte(s))
		if err != nil {
			var es intent.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T %v is not intent.Errors", err, err)
			}
			// Lines as the syntax counts them: YAML also breaks at CR,
			// NEL, LS and PS.
			lines := strings.SplitAfter(s, "\n")
			if t := strings.TrimLeft(s, " \t\r\n\ufeff"); t == "" || t[0] != '{' {
				lines = yamlBreaks.Split(s, -1)
			}
			for _, e := range es {
				if e.Line == 0 && e.Msg != "" && !bytes.Contains([]byte(e.Msg), []byte("more errors")) {
					t.Fatalf("error without a line: %v", e)
				}
				if e.Line > len(lines) || e.Line > 0 && e.Column > len(lines[e.Line-1])+1 {
					t.Fatalf("error outside the input (%d lines): %v", len(lines), e)
				}
			}
			return
		}
		var buf bytes.Buffer
		if err := intent.Write(&buf, file); err != nil {
			t.Fatal(err)
		}
		back, err := intent.Read(buf.Bytes())
		if err != nil {
			t.Fatalf("reading back %s: %v", buf.String(), err)
		}
		if d := cmp.Diff(file.Intents, back.Intents, cmpopts.IgnoreFields(intent.Intent{}, "Line", "Column", "Path"), cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip differs:\n%s", d)
		}
	})
}
