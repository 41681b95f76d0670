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
				`line 5, column 12: must_allow[0].ports: sgsim: parse ports "70000": port "70000" out of range 0-65535`,
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
		{"yaml syntax", "must_allow:\n  - name: a\n   from: x\n", []string{`line 1: invalid YAML: did not find expected '-' indicator`}},
		{"yaml alias", "x: &a tcp\nmust_allow:\n  - {name: a, from: x, to: y, protocol: *a}\n", nil},
		{"two documents", "must_allow: []\n---\nmust_deny: []\n", []string{`line 2, column 1: a second YAML document: want one`}},
		{"json syntax", "{\"must_allow\": [\n  {\"name\": \"a\",}\n]}", []string{`line 2, column 16: invalid JSON: invalid character '}' looking for beginning of object key string`}},
		{"json truncated", "{\"must_allow\": [", []string{`line 1, column 17: invalid JSON: unexpected end of input`}},
		{"json trailing", "{\"must_allow\": []} x", []string{`line 1, column 20: invalid JSON: data after the top-level object`}},
		{"invalid utf-8", "must_allow:\n  - name: \"a\xff\"\n", []string{`line 2, column 13: invalid UTF-8 (byte offset 24)`}},
		{"empty", "", []string{`line 1, column 1: empty file`}},
		{"name not a string", "must_allow:\n  - {name: [a], from: x, to: y, protocol: tcp}\n", []string{`line 2, column 12: must_allow[0].name: want a string`}},
	} {
		_, err := intent.Read([]byte(c.doc))
		var es intent.Errors
		if !errors.As(err, &es) {
			t.Errorf("%s: error %v (%T), want intent.Errors", c.name, err, err)
			continue
		}
		if c.want == nil { // only that it fails, located
			if es[0].Line == 0 {
				t.Errorf("%s: error without a line: %v", c.name, err)
			}
			continue
		}
		if len(es) != len(c.want) {
			t.Errorf("%s: %d errors, want %d:\n%v", c.name, len(es), len(c.want), err)
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(es[i].Error(), w) {
				t.Errorf("%s: error %d\n got %q\nwant %q...", c.name, i, es[i].Error(), w)
			}
		}
	}
}
