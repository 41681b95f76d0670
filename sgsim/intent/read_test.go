package intent_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/intent"
)

const goodYAML = `# a CCE cluster's intents
version: 1
must_allow:
  - name: nodes reach the API server
    reason: kubelet talks to kube-apiserver
    from: nodes
    to: masters
    protocol: tcp
    ports: 5444
  - name: web
    from: 0.0.0.0/0
    to: lb
    protocol: TCP
    ports: [80, "443", "8000-8100"]
must_deny:
  - name: no kubelet from the internet
    from: internet,203.0.113.0/24
    to: nodes
    protocol: tcp
    ports: "10250"
  - name: no ping
    from: internet
    to: nodes
    protocol: icmp
    icmp_type: 8
    icmp_code: 0
must_be_answerable:
  - name: pods resolve names
    from: pods
    to: dns
    protocol: 17
    ports: 53
`

const goodJSON = `{
  "version": 1,
  "must_allow": [
    {"name": "nodes reach the API server", "reason": "kubelet talks to kube-apiserver", "from": "nodes", "to": "masters", "protocol": "tcp", "ports": 5444},
    {"name": "web", "from": "0.0.0.0/0", "to": "lb", "protocol": "TCP", "ports": [80, "443", "8000-8100"]}
  ],
  "must_deny": [
    {"name": "no kubelet from the internet", "from": "internet,203.0.113.0/24", "to": "nodes", "protocol": "tcp", "ports": "10250"},
    {"name": "no ping", "from": "internet", "to": "nodes", "protocol": "icmp", "icmp_type": 8, "icmp_code": 0}
  ],
  "must_be_answerable": [
    {"name": "pods resolve names", "from": "pods", "to": "dns", "protocol": "17", "ports": 53}
  ]
}`

func u8(v uint8) *uint8 { return &v }

func wantGood() []intent.Intent {
	return []intent.Intent{
		{Kind: intent.MustAllow, Name: "nodes reach the API server", Reason: "kubelet talks to kube-apiserver", From: "nodes", To: "masters", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(5444)}},
		{Kind: intent.MustAllow, Name: "web", From: "0.0.0.0/0", To: "lb", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(80), sgsim.Port(443), {First: 8000, Last: 8100}}},
		{Kind: intent.MustDeny, Name: "no kubelet from the internet", From: "internet,203.0.113.0/24", To: "nodes", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(10250)}},
		{Kind: intent.MustDeny, Name: "no ping", From: "internet", To: "nodes", Protocol: sgsim.ICMP, ICMPType: u8(8), ICMPCode: u8(0)},
		{Kind: intent.MustBeAnswerable, Name: "pods resolve names", From: "pods", To: "dns", Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(53)}},
	}
}

var ignorePos = cmpopts.IgnoreFields(intent.Intent{}, "Line", "Column", "Path")

func TestReadYAMLAndJSON(t *testing.T) {
	for name, doc := range map[string]string{"yaml": goodYAML, "json": goodJSON} {
		f, err := intent.Read([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := cmp.Diff(wantGood(), f.Intents, ignorePos); d != "" {
			t.Errorf("%s: intents differ (-want +got):\n%s", name, d)
		}
	}
	// Positions: the entry's line and path.
	f, _ := intent.Read([]byte(goodYAML))
	if in := f.Intents[2]; in.Line != 16 || in.Column != 5 || in.Path != "must_deny[0]" {
		t.Errorf("yaml position of %q: line %d column %d path %q; want 16, 5, must_deny[0]", in.Name, in.Line, in.Column, in.Path)
	}
	f, _ = intent.Read([]byte(goodJSON))
	if in := f.Intents[1]; in.Line != 5 || in.Column != 5 || in.Path != "must_allow[1]" {
		t.Errorf("json position of %q: line %d column %d path %q; want 5, 5, must_allow[1]", in.Name, in.Line, in.Column, in.Path)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	want := wantGood()
	want = append(want, intent.Intent{Kind: intent.MustAllow, Name: "gre", From: "nodes", To: "nodes", Protocol: sgsim.GRE},
		intent.Intent{Kind: intent.MustDeny, Name: "proto 143", From: "nodes", To: "nodes", Protocol: sgsim.ProtocolNumber(143)})
	var buf bytes.Buffer
	if err := intent.Write(&buf, intent.File{Intents: want}); err != nil {
		t.Fatal(err)
	}
	f, err := intent.Read(buf.Bytes())
	if err != nil {
		t.Fatalf("reading back: %v\n%s", err, buf.String())
	}
	// Read orders by kind: must_allow, must_deny, must_be_answerable.
	order := []int{0, 1, 5, 2, 3, 6, 4}
	var w []intent.Intent
	for _, i := range order {
		w = append(w, want[i])
	}
	if d := cmp.Diff(w, f.Intents, ignorePos); d != "" {
		t.Errorf("round trip differs (-want +got):\n%s\n%s", d, buf.String())
	}
}

// TestReadYAMLSyntaxPositions: each YAML syntax error is placed at the
// offending line and column, written here by hand from the document. The
// YAML library itself says "line 1" for the indentation errors (the
// 0-based line where the enclosing list or mapping starts), one line too
// early for others, and no line at all for the last three.
func TestReadYAMLSyntaxPositions(t *testing.T) {
	const head = "must_allow:\n  - name: a\n    from: x\n"
	for _, c := range []struct{ name, doc, want string }{
		{"key less indented than its mapping", head + "   to: y\n",
			"line 4, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"key at the list's indentation", head + "  to: y\n",
			"line 4, column 3: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"first key of an item less indented", "must_allow:\n  - name: a\n   from: x\n",
			"line 3, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"key after many items", "must_allow:\n" + strings.Repeat("  - {name: n, from: x, to: y, protocol: tcp}\n", 40) + "  - name: a\n    from: x\n   to: y\n",
			"line 44, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"list item less indented than the list", head + " - name: b\n",
			"line 4, column 2: invalid YAML: did not find expected key (check this line's indentation against the lines above)"},
		{"list item inside a mapping", head + "    - b\n",
			"line 4, column 5: invalid YAML: did not find expected key (check this line's indentation against the lines above)"},
		{"nested mapping key dedented", "a:\n  b: 1\n c: 2\n",
			"line 3, column 2: invalid YAML: did not find expected key (check this line's indentation against the lines above)"},
		{"key more indented than its mapping", head + "      to: y\n",
			"line 4, column 7: invalid YAML: mapping values are not allowed in this context"},
		{"second key indented on line 2", "version: 1\n must_allow: []\n",
			"line 2, column 2: invalid YAML: mapping values are not allowed in this context"},
		{"tab indentation", "must_allow:\n  - name: a\n\tfrom: x\n",
			"line 3, column 1: invalid YAML: found a tab character that violates indentation"},
		{"unclosed quote", head + "    to: \"y\n    protocol: tcp\n",
			"line 4, column 9: invalid YAML: found unexpected end of stream (the quote opened here is never closed)"},
		{"unclosed flow list", head + "    to: [y\n    protocol: tcp\n",
			"line 4, column 9: invalid YAML: did not find expected ',' or ']'"},
		{"after a multi-line quoted value", "version: \"x\n  y\"\nmust_allow: []\n  a: 2\n",
			"line 4, column 3: invalid YAML: did not find expected key (check this line's indentation against the lines above)"},
		{"CR LF line ends", "must_allow:\r\n  - name: a\r\n   from: x\r\n",
			"line 3, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"CR line ends", "must_allow:\r  - name: a\r   from: x\r",
			"line 3, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"multi-byte characters before the problem", "must_allow:\n  - name: état\n    from: x\n   to: y\n",
			"line 4, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
		{"two values on line 1 (no line from the library)", "must_allow: a: b\n",
			"line 1, column 13: invalid YAML: mapping values are not allowed in this context"},
		{"bad character on line 1 (no line from the library)", "must_allow: @x\n",
			"line 1, column 13: invalid YAML: found character that cannot start any token"},
		{"unknown anchor (no line from the library)", "version: 1\nmust_allow: *x\n",
			"line 2, column 13: invalid YAML: unknown anchor 'x' referenced"},
		{"flow list on one long line", "must_allow: [" + strings.Repeat("{name: n, from: x, to: y, protocol: tcp}, ", 300) + "a: b: c]\n",
			"line 1, column 12617: invalid YAML: did not find expected ',' or ']'"},
		{"flow list over lines", "must_allow: [{name: n, from: x},\n  {a: b, c: d},\n  {a: b c}\n",
			"line 3, column 9: invalid YAML: did not find expected ',' or ']'"},
		{"error in a second document", "must_allow: []\n---\nb: [\n",
			"line 3, column 4: invalid YAML: did not find expected node content"},
	} {
		_, err := intent.Read([]byte(c.doc))
		var es intent.Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Errorf("%s: error %v, want one intent.Error", c.name, err)
			continue
		}
		if got := es[0].Error(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// TestReadYAMLSyntaxBisected: past its parsing budget the position search
// bisects, and finds the same place in a block-style file.
func TestReadYAMLSyntaxBisected(t *testing.T) {
	defer intent.SetYAMLPlaceBudget(0)()
	items := strings.Repeat("  - {name: n, from: x, to: y, protocol: tcp}\n", 300)
	for _, c := range []struct{ name, doc, want string }{
		{"indentation", "must_allow:\n" + items + "  - name: a\n    from: x\n   to: y\n",
			"line 304, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)"},
	} {
		_, err := intent.Read([]byte(c.doc))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.name, err, c.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []string // every error, in order
	}{
		{"yaml duplicate key", "must_allow:\n  - name: a\n    from: x\n    to: y\n    protocol: tcp\n    from: z\n",
			[]string{`line 6, column 5: must_allow[0].from: duplicate key "from" (first at line 3, column 5)`}},
		{"json duplicate key", "{\"must_deny\": [{\"name\": \"a\", \"from\": \"x\", \"to\": \"y\", \"protocol\": \"tcp\", \"to\": \"z\"}]}",
			[]string{`line 1, column 73: must_deny[0].to: duplicate key "to" (first at line 1, column 43)`}},
		{"unknown field", "must_allow:\n  - name: a\n    from: x\n    to: y\n    protocol: tcp\n    port: 22\n",
			[]string{`line 6, column 5: must_allow[0].port: unknown field "port": want one of name, reason, from, to, protocol, ports, icmp_type, icmp_code`}},
		{"unknown top", "must_alow: []\n",
			[]string{`line 1, column 1: must_alow: unknown field "must_alow": want one of version, must_allow, must_deny, must_be_answerable`,
				`line 1, column 1: no intents: want must_allow, must_deny or must_be_answerable`}},
		{"missing fields and bad values, all at once", "must_allow:\n  - name: a\n    to: y\n    protocol: tcp\n    ports: 70000\n  - name: b\n    from: x\n    to: y\n    protocol: icmp\n    ports: 22\n    icmp_type: 300\n",
			[]string{`line 2, column 5: must_allow[0]: missing from`,
				`line 5, column 12: must_allow[0].ports: "70000": above 65535; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
				`line 10, column 12: must_allow[1].ports: protocol icmp has no ports`,
				`line 11, column 16: must_allow[1].icmp_type: want a number from 0 to 255`}},
		{"any protocol", "must_deny:\n  - {name: a, from: x, to: y, protocol: any}\n",
			[]string{`line 2, column 41: must_deny[0].protocol: "any": name one protocol (write one intent per protocol)`}},
		{"name twice", "must_allow:\n  - {name: a, from: x, to: y, protocol: tcp}\nmust_deny:\n  - {name: a, from: x, to: y, protocol: udp}\n",
			[]string{`line 4, column 5: must_deny[0].name: intent name "a" used twice (first at line 2, must_allow[0])`}},
		{"fractional port", `{"must_allow": [{"name": "a", "from": "x", "to": "y", "protocol": "tcp", "ports": 80.5}]}`,
			[]string{`line 1, column 83: must_allow[0].ports: "80.5" is not a whole port number`}},
		{"empty ports list", "must_allow:\n  - {name: a, from: x, to: y, protocol: tcp, ports: []}\n",
			[]string{`line 2, column 53: must_allow[0].ports: empty list: leave ports out for every port`}},
		{"version", "version: 2\nmust_allow: []\n", []string{`line 1, column 10: version: want 1`}},
		{"not a mapping", "- a\n- b\n", []string{`line 1, column 1: want a mapping (object)`}},
		{"list not a list", "must_allow: {name: a}\n", []string{`line 1, column 13: must_allow: want a list of intents`}},
		{"yaml syntax", "must_allow:\n  - name: a\n   from: x\n", []string{`line 3, column 4: invalid YAML: did not find expected '-' indicator (check this line's indentation against the lines above)`}},
		{"yaml alias", "x: &a tcp\nmust_allow:\n  - {name: a, from: x, to: y, protocol: *a}\n", []string{`line 3, column 41: YAML aliases are not accepted: write the value out`}},
		{"two documents", "must_allow: []\n---\nmust_deny: []\n", []string{`line 2, column 1: a second YAML document: want one`}},
		{"json syntax", "{\"must_allow\": [\n  {\"name\": \"a\",}\n]}", []string{`line 2, column 16: invalid JSON: invalid character '}' looking for beginning of object key string`}},
		{"json truncated", "{\"must_allow\": [", []string{`line 1, column 17: invalid JSON: unexpected end of input`}},
		{"json trailing", "{\"must_allow\": []} x", []string{`line 1, column 20: invalid JSON: data after the top-level object`}},
		{"invalid utf-8", "must_allow:\n  - name: \"a\xff\"\n", []string{`line 2, column 13: invalid UTF-8 (byte offset 24)`}},
		{"invalid utf-8, CR line ends", "must_allow: []\rversion: \"\xff\"\r", []string{`line 2, column 11: invalid UTF-8 (byte offset 25)`}},
		{"empty document", "# intents\n---", []string{`line 2, column 1: empty document: want a mapping with must_allow, must_deny or must_be_answerable`}},
		{"empty", "", []string{`line 1, column 1: empty file: want a mapping with must_allow, must_deny or must_be_answerable`}},
		{"name not a string", "must_allow:\n  - {name: [a], from: x, to: y, protocol: tcp}\n", []string{`line 2, column 12: must_allow[0].name: want a string`}},
	} {
		_, err := intent.Read([]byte(c.doc))
		var es intent.Errors
		if !errors.As(err, &es) {
			t.Errorf("%s: error %v (%T), want intent.Errors", c.name, err, err)
			continue
		}
		if len(es) != len(c.want) {
			t.Errorf("%s: %d errors, want %d:\n%v", c.name, len(es), len(c.want), err)
			continue
		}
		for i, w := range c.want {
			if es[i].Error() != w {
				t.Errorf("%s: error %d\n got %q\nwant %q", c.name, i, es[i].Error(), w)
			}
		}
	}
}
