package intent_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim/intent"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"go.yaml.in/yaml/v3"
)

// asJSON turns a YAML or JSON intent file into JSON for the schema.
func asJSON(t *testing.T, doc []byte) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSchemaValidatesShippedExamples: the published JSON Schema accepts
// every intent file the repository ships (examples/sgsim/testdata/intents, the test documents
// above) and what Write writes; and it refuses what the reader refuses
// that a schema can express.
func TestSchemaValidatesShippedExamples(t *testing.T) {
	schema, err := os.ReadFile("intents.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../examples/sgsim/testdata/intents/*.yaml")
	if len(files) == 0 {
		t.Fatal("no shipped intent files found")
	}
	docs := map[string][]byte{"goodYAML": []byte(goodYAML), "goodJSON": []byte(goodJSON)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = b
	}
	var written strings.Builder
	if err := intent.Write(&written, intent.File{Intents: wantGood()}); err != nil {
		t.Fatal(err)
	}
	docs["written"] = []byte(written.String())
	for name, doc := range docs {
		if _, err := intent.Read(doc); err != nil {
			t.Errorf("%s: the reader refuses a shipped file: %v", name, err)
		}
		if err := sgsimtest.ValidateJSONSchema(schema, asJSON(t, doc)); err != nil {
			t.Errorf("%s: schema: %v", name, err)
		}
	}
	for _, bad := range []string{
		"must_allow:\n  - {name: a, from: x, to: y, protocol: tcp, port: 22}\n",     // unknown field
		"must_allow:\n  - {from: x, to: y, protocol: tcp}\n",                        // no name
		"must_allow:\n  - {name: a, from: x, to: y, protocol: tcp, ports: 70-}\n",   // bad range
		"must_allow:\n  - {name: a, from: x, to: y, protocol: tcp, ports: 70000}\n", // out of range
		"must_allow:\n  - {name: a, from: '', to: y, protocol: tcp}\n",              // empty side
		"must_deny:\n  - {name: a, from: x, to: y, protocol: tcp, icmp_type: 300}\n",
		"version: 2\nmust_allow: []\n",
		"other: 1\n",
	} {
		if _, err := intent.Read([]byte(bad)); err == nil {
			t.Errorf("the reader accepts %q", bad)
		}
		if err := sgsimtest.ValidateJSONSchema(schema, asJSON(t, []byte(bad))); err == nil {
			t.Errorf("the schema accepts %q", bad)
		}
	}
}
