package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the outputs the README's own-cluster section shows")

// command is one `go run ./examples/sgsim ...` of the README with the
// output the README shows for it.
type readmeCommand struct {
	section string
	args    []string
	want    string
}

// readmeCommands returns the sgsim commands of the README's "Your own
// cluster" section: each ```sh block that runs the program, followed by
// a ```text block with its output.
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, s, ok := strings.Cut(string(data), "\n## Your own cluster\n")
	if !ok {
		t.Fatal("README has no \"## Your own cluster\" section")
	}
	s, _, _ = strings.Cut(s, "\n## ")
	var out []readmeCommand
	section := ""
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if h, ok := strings.CutPrefix(lines[i], "### "); ok {
			section = h
		}
		if lines[i] != "```sh" || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "go run ./examples/sgsim ") {
			continue
		}
		var cmd strings.Builder
		for i++; lines[i] != "```"; i++ {
			l, cont := strings.CutSuffix(lines[i], " \\")
			cmd.WriteString(strings.TrimSpace(l) + " ")
			if !cont && lines[i+1] != "```" {
				t.Fatalf("README line %q: a command per block", lines[i])
			}
		}
		// Then a blank line and the output.
		if i+2 >= len(lines) || lines[i+2] != "```text" {
			t.Fatalf("README: %q is not followed by its output in a ```text block", cmd.String())
		}
		var want strings.Builder
		for i += 3; lines[i] != "```"; i++ {
			want.WriteString(lines[i] + "\n")
		}
		args := shellWords(t, strings.TrimPrefix(strings.TrimSpace(cmd.String()), "go run ./examples/sgsim "))
		for j, a := range args { // the tests run in examples/sgsim
			args[j] = strings.ReplaceAll(a, "examples/sgsim/", "")
		}
		out = append(out, readmeCommand{section, args, want.String()})
	}
	return out
}

// shellWords splits a command line as sh would, for the quoting the
// README uses: single quotes.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// TestReadmeOwnCluster runs every command of the README's "Your own
// cluster" section and checks that it prints exactly what the README
// shows, and that each vendor has a trace and a reach. After a change to
// the output (checked by hand), rewrite the README's copies with
//
//	go test ./examples/sgsim -run TestReadmeOwnCluster -update-readme
func TestReadmeOwnCluster(t *testing.T) {
	cmds := readmeCommands(t)
	seen := map[string]bool{}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(readme, []byte("\n## Your own cluster\n"))
	for _, c := range cmds {
		var out, errb bytes.Buffer
		code := run(c.args, &out, &errb)
		if code != 0 || errb.Len() > 0 {
			t.Errorf("%s: %q: exit %d, stderr %q", c.section, c.args, code, errb.String())
		}
		seen[c.section+" "+c.args[0]] = true
		if *updateReadme {
			old := []byte("```text\n" + c.want + "```")
			i := bytes.Index(readme[at:], old)
			if i < 0 {
				t.Fatalf("README: output of %q not found", c.args)
			}
			i += at
			readme = append(readme[:i:i], append([]byte("```text\n"+out.String()+"```"), readme[i+len(old):]...)...)
			at = i + len("```text\n"+out.String()+"```")
			continue
		}
		if out.String() != c.want {
			t.Errorf("%s: %q prints\n%s\nthe README shows\n%s", c.section, c.args, out.String(), c.want)
		}
	}
	if *updateReadme {
		if err := os.WriteFile("../../README.md", readme, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"AWS trace", "AWS reach", "Huawei Cloud trace", "Huawei Cloud reach", "Alibaba Cloud trace", "Alibaba Cloud reach",
		"Tencent Cloud trace", "Tencent Cloud reach", "Terraform diff"} {
		if !seen[want] {
			t.Errorf("README's own-cluster section lacks %q (has %v)", want, seen)
		}
	}
}

// vendorInputs are the input flags of each vendor's worked example.
var vendorInputs = map[string][]string{
	"aws": {"-vendor", "aws", "-rules", "testdata/aws/rules.json", "-rules", "testdata/aws/acls.json",
		"-nics", "testdata/aws/enis.json", "-nics", "testdata/aws/subnets.json"},
	"huawei": {"-vendor", "huawei", "-rules", "testdata/huawei/rules.json", "-nics", "testdata/huawei/ports.json", "-nics", "testdata/huawei/subnets.json"},
	"alibaba": {"-vendor", "alibaba", "-rules", "testdata/alibaba/sg-web.json", "-rules", "testdata/alibaba/sg-db.json",
		"-nics", "testdata/alibaba/enis.json", "-nics", "testdata/alibaba/vswitches.json"},
	"tencent": {"-vendor", "tencent", "-rules", "testdata/tencent/sg-web12345.json", "-rules", "testdata/tencent/sg-db678901.json",
		"-nics", "testdata/tencent/enis.json", "-nics", "testdata/tencent/subnets.json"},
}

// TestVendorEndToEnd: each vendor's export and listings through sgsim
// trace and sgsim reach give the verdicts derived by hand from the
// files: web (10.0.1.5) sends only TCP 5432 to the db subnet and admits
// 443 from anywhere; db (10.0.2.7) admits 5432 from web's group and sends
// nothing; on AWS the db subnet's ACL returns replies to ports 32768-65535
// only.
func TestVendorEndToEnd(t *testing.T) {
	type trace struct {
		flow, droppedAt string
		delivered       bool
		groups          []string // the deciding group of each hop
	}
	type reach struct {
		from, to, port, outcome string
		allowed                 []string
	}
	web, db := map[string]string{"aws": "sg-0a1b2c3d4e5f60001", "huawei": "5f3a8c2e-0b1d-4c7e-9a61-web000000001", "alibaba": "sg-bp1web0000000000001", "tencent": "sg-web12345"},
		map[string]string{"aws": "sg-0a1b2c3d4e5f60002", "huawei": "8d2b6f41-3e5c-4a9f-b7d2-db0000000002", "alibaba": "sg-bp1db00000000000002", "tencent": "sg-db678901"}
	for vendor, in := range vendorInputs {
		w, d := web[vendor], db[vendor]
		traces := []trace{
			// Egress to the db subnet on 5432, ingress from web's group.
			{"tcp 10.0.1.5:40000 -> 10.0.2.7:5432", "", true, []string{w, d}},
			// Web sends nothing but 5432.
			{"tcp 10.0.1.5:40000 -> 10.0.2.7:22", "source egress", false, []string{""}},
			{"udp 10.0.1.5:40000 -> 10.0.2.7:5432", "source egress", false, []string{""}},
			// Db sends nothing at all.
			{"tcp 10.0.2.7:40000 -> 10.0.1.5:443", "source egress", false, []string{""}},
			// Anyone else reaches web on 443 (no group on their side).
			{"tcp 198.51.100.7:40000 -> 10.0.1.5:443", "", true, []string{w}},
			{"tcp 198.51.100.7:40000 -> 10.0.1.5:80", "destination ingress", false, []string{""}},
		}
		reaches := []reach{
			{"10.0.1.5", "10.0.2.7", "22,5432", "some", []string{"10.0.1.5 -> 10.0.2.7 dport 5432 sport 1024-65535"}},
			{"10.0.2.7", "10.0.1.5", "", "none", nil},
			{"198.51.100.0/24", "10.0.1.5", "443", "all", []string{"198.51.100.0/24 -> 10.0.1.5 dport 443 sport 1024-65535"}},
		}
		if vendor == "aws" {
			// The db subnet's ACL: a reply to source port 3000 is dropped.
			traces[0].groups = append(traces[0].groups[:1], "acl-0a1b2c3d4e5f00002", d, "acl-0a1b2c3d4e5f00002")
			traces = append(traces, trace{"tcp 10.0.1.5:3000 -> 10.0.2.7:5432", "reply: destination subnet ACL outbound", true, []string{w, "acl-0a1b2c3d4e5f00002", d, ""}})
			reaches[0].allowed = []string{"10.0.1.5 -> 10.0.2.7 dport 5432 sport 32768-65535"}
		}
		for _, c := range traces {
			var out, errb bytes.Buffer
			if code := run(append([]string{"trace", "-format", "json", c.flow}, in...), &out, &errb); code != 0 {
				t.Fatalf("%s %s: exit %d %s", vendor, c.flow, code, errb.String())
			}
			var got traceJSON
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			var groups []string
			for _, h := range got.Hops {
				groups = append(groups, h.Group)
			}
			if got.DroppedAt != c.droppedAt || got.Allowed != (c.droppedAt == "") || got.Delivered != c.delivered || strings.Join(groups, " ") != strings.Join(c.groups, " ") {
				t.Errorf("%s trace %s: dropped at %q, delivered %v, groups %q; want %q, %v, %q", vendor, c.flow, got.DroppedAt, got.Delivered, groups, c.droppedAt, c.delivered, c.groups)
			}
		}
		for _, c := range reaches {
			args := append([]string{"reach", "-format", "json", "-from", c.from, "-to", c.to, "-proto", "tcp"}, in...)
			if c.port != "" {
				args = append(args, "-port", c.port)
			}
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != 0 {
				t.Fatalf("%s %q: exit %d %s", vendor, args, code, errb.String())
			}
			var got reachJSON
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Outcome != c.outcome || strings.Join(got.Allowed, "; ") != strings.Join(c.allowed, "; ") {
				t.Errorf("%s reach %s -> %s %s: %s %q; want %s %q", vendor, c.from, c.to, c.port, got.Outcome, got.Allowed, c.outcome, c.allowed)
			}
		}
	}
}

// TestReadmeFormats: the README's list of the subcommands with
// -format sarif and with -format markdown is the list of those that
// accept it; the others refuse it by name.
func TestReadmeFormats(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(data)), " ")
	for _, c := range []struct{ format, claim string }{
		{"sarif", "`-format sarif` (SARIF 2.1.0, for code scanning) for "},
		{"markdown", "`-format markdown` (a pull-request comment) for "},
	} {
		_, rest, ok := strings.Cut(text, c.claim)
		if !ok {
			t.Fatalf("README lacks %q", c.claim)
		}
		list, _, _ := strings.Cut(rest, ",  ")
		list, _, _ = strings.Cut(list, ", `")
		list, _, _ = strings.Cut(list, ", and")
		var claimed []string
		for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
			if f != "and" {
				claimed = append(claimed, f)
			}
		}
		var names []string // a copy: each run sorts commands in place
		for _, cmd := range commands {
			names = append(names, cmd.name)
		}
		var accept []string
		for _, name := range names {
			args := []string{name, "-format", c.format}
			if name == "check" { // refused without an intent file before the format is read
				args = append(args, "-intents", "testdata/intents/cce-tunnel.yaml")
			}
			_, _, errOut := runArgs(t, args...)
			if !strings.Contains(errOut, `-format "`+c.format+`": want`) {
				accept = append(accept, name)
			}
		}
		slices.Sort(claimed)
		slices.Sort(accept)
		if !slices.Equal(claimed, accept) {
			t.Errorf("README: -format %s for %q; the program accepts it in %q", c.format, claimed, accept)
		}
	}
}
