package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim/intent"
)

// FuzzIntentRead: any bytes either fail with intent.Errors, every error
// placed at a line, or read to a file that intent.Write writes and Read
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
	f.Fuzz(func(t *testing.T, s string) {
		file, err := intent.Read([]byte(s))
		if err != nil {
			var es intent.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T %v is not intent.Errors", err, err)
			}
			for _, e := range es {
				if e.Line == 0 && e.Msg != "" && !bytes.Contains([]byte(e.Msg), []byte("more errors")) {
					t.Fatalf("error without a line: %v", e)
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
