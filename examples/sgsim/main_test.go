package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/load"
)

// TestTraceMainJob: with no input flags trace uses the main job's
// network (cce-tunnel, hardened), where the README's 6443 finding drops
// the flow at the masters' ingress.
func TestTraceMainJob(t *testing.T) {
	const flow = "tcp 192.168.0.12:43100 -> 192.168.1.2:6443"
	code, out, errOut := runArgs(t, "trace", flow)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := "tcp 192.168.0.12:43100 -> 192.168.1.2:6443 from nodes to masters: dropped at destination ingress\n" +
		`  1. source egress [nodes]: allow: rule "worker/table8/8" of group "cce-node" (egress allow tcp 6443 to 192.168.1.0/28 priority 1 id worker/table8/8) from huawei 001_3ee2f19bcae8d9c5.txt Table 8 row 8` + "\n" +
		"  2. destination ingress [masters]: deny: no rule matched: default deny\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// The flow split over several arguments, flags after it, -fail-on-drop.
	code, out, _ = runArgs(t, "trace", "tcp", "192.168.0.12:43100", "->", "192.168.1.2:6443", "-format", "json", "-fail-on-drop")
	if code != 1 {
		t.Errorf("-fail-on-drop: exit %d, want 1", code)
	}
	var doc struct {
		Flow      string
		Allowed   bool
		Delivered bool
		Reply     string
		DroppedAt string `json:"dropped_at"`
		Hops      []struct {
			Hop, Where, Action, Group string
			RuleID                    string `json:"rule_id"`
			Origin                    string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Flow != flow || doc.Allowed || doc.Delivered || doc.Reply != "not sent" || doc.DroppedAt != "destination ingress" || len(doc.Hops) != 2 ||
		doc.Hops[0].RuleID != "worker/table8/8" || doc.Hops[0].Origin != "huawei 001_3ee2f19bcae8d9c5.txt Table 8 row 8" ||
		doc.Hops[1].Action != "deny" || doc.Hops[1].Where != "masters" {
		t.Errorf("json: %+v", doc)
	}
	// An allowed flow: exit 0 with -fail-on-drop, dropped_at empty.
	code, out, _ = runArgs(t, "-format", "json", "-fail-on-drop", "trace", "tcp 192.168.0.10:41000 -> 192.168.1.2:5444")
	if code != 0 || !strings.Contains(out, `"allowed": true`) || !strings.Contains(out, `"delivered": true`) ||
		!strings.Contains(out, `"reply": "answered"`) || !strings.Contains(out, `"outside": false`) || !strings.Contains(out, `"dropped_at": ""`) {
		t.Errorf("allowed flow: exit %d\n%s", code, out)
	}
	// A flow between two addresses outside the network: allowed with no
	// hop, and the JSON says so as the text does.
	code, out, _ = runArgs(t, "-format", "json", "trace", "tcp 10.9.9.9:1 -> 10.9.9.8:2")
	if code != 0 || !strings.Contains(out, `"allowed": true`) || !strings.Contains(out, `"outside": true`) || !strings.Contains(out, `"hops": []`) {
		t.Errorf("outside flow: exit %d\n%s", code, out)
	}
	// Pods on two nodes: carried in VXLAN, the hops are the outer flows'.
	code, out, _ = runArgs(t, "-format", "json", "trace", "tcp 172.16.0.5:40000 -> 172.16.1.7:8080")
	var pod struct {
		Allowed bool
		Carried *struct {
			Encap, Outer string
			Ports        string `json:"source_ports"`
		}
		Hops []struct{ Hop, Flow string }
	}
	if err := json.Unmarshal([]byte(out), &pod); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != 0 || !pod.Allowed || pod.Carried == nil || pod.Carried.Encap != "vxlan" || pod.Carried.Outer != "udp 192.168.0.0:49152 -> 192.168.0.1:4789" ||
		pod.Carried.Ports != "49152-65535" || len(pod.Hops) != 4 || pod.Hops[2].Hop != "reply: destination egress" || pod.Hops[0].Flow != pod.Carried.Outer {
		t.Errorf("overlay trace: exit %d\n%s", code, out)
	}
	// A one-way ICMP message: delivered, no reply to look at.
	code, out, _ = runArgs(t, "trace", "-hardened=false", "icmp 192.168.0.10 -> 192.168.0.11 type 3 code 3")
	if head, _, _ := strings.Cut(out, "\n"); code != 0 || head != "icmp 192.168.0.10 -> 192.168.0.11 type 3 code 3 from nodes to nodes: delivered (one-way: no reply)" {
		t.Errorf("one-way icmp: exit %d\n%s", code, out)
	}
}

func TestReachMainJob(t *testing.T) {
	code, out, errOut := runArgs(t, "reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-port", "5444,6443")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `nodes 192.168.0.0/24 -> masters 192.168.1.0/28 tcp dport 5444,6443: some
    allowed witness: tcp 192.168.0.1:1024 -> 192.168.1.1:5444
    denied witness: tcp 192.168.0.1:1024 -> 192.168.1.1:6443
      dropped at destination ingress [masters]: deny: no rule matched: default deny
    allowed: 192.168.0.0/24 -> 192.168.1.0/28 dport 5444 sport 1024-65535
    denied: 192.168.0.0/24 -> 192.168.1.0/28 dport 6443 sport 1024-65535 at destination ingress by no rule matched: default deny
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// Addresses instead of names, JSON, and the -fail-on gate.
	code, out, _ = runArgs(t, "reach", "-from", "192.168.0.10", "-to", "192.168.1.2-192.168.1.3", "-proto", "tcp", "-port", "5444", "-format", "json", "-fail-on", "none,some")
	if code != 0 {
		t.Errorf("all allowed with -fail-on none,some: exit %d", code)
	}
	var doc struct {
		Query, Outcome                string
		Question, Delivered, Answered string
		Allowed                       []string
		Denied                        []json.RawMessage
		ReplyDenied                   []json.RawMessage `json:"reply_denied"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Question != "answered" || doc.Delivered != "all" || doc.Answered != "all" || doc.ReplyDenied == nil || len(doc.ReplyDenied) != 0 {
		t.Errorf("json paths: %+v\n%s", doc, out)
	}
	if doc.Outcome != "all" || doc.Query != "192.168.0.10 -> 192.168.1.2/31 tcp dport 5444" ||
		len(doc.Allowed) != 1 || doc.Allowed[0] != "192.168.0.10 -> 192.168.1.2/31 dport 5444 sport 1024-65535" || len(doc.Denied) != 0 {
		t.Errorf("json: %+v", doc)
	}
	if code, _, _ := runArgs(t, "reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-port", "6443", "-fail-on", "none"); code != 1 {
		t.Errorf("none with -fail-on none: exit %d, want 1", code)
	}
	// -question delivered is answered.
	code, out, _ = runArgs(t, "reach", "-from", "nodes", "-to", "masters", "-proto", "udp", "-port", "53", "-question", "delivered", "-format", "json")
	if code != 0 || !strings.Contains(out, `"question": "delivered"`) {
		t.Errorf("-question delivered: exit %d\n%s", code, out)
	}
	// ICMP: an echo request by default.
	code, out, _ = runArgs(t, "reach", "-from", "masters", "-to", "nodes", "-proto", "icmp")
	if code != 0 || !strings.HasPrefix(out, "masters 192.168.1.0/28 -> nodes 192.168.0.0/24 icmp type 8 code 0: ") {
		t.Errorf("icmp: exit %d\n%s", code, out)
	}
	// ICMPv6: its own echo request, 128, by default (8 is not a query
	// in ICMPv6).
	code, out, _ = runArgs(t, "reach", "-from", "::/0", "-to", "::1", "-proto", "icmpv6")
	if code != 0 || !strings.HasPrefix(out, "::/0 -> ::1 icmpv6 type 128 code 0: ") {
		t.Errorf("icmpv6: exit %d\n%s", code, out)
	}
	code, out, _ = runArgs(t, "reach", "-from", "::/0", "-to", "::1", "-proto", "icmpv6", "-icmp", "135/0")
	if code != 0 || !strings.HasPrefix(out, "::/0 -> ::1 icmpv6 type 135 code 0: ") {
		t.Errorf("icmpv6 -icmp 135/0: exit %d\n%s", code, out)
	}
}

func TestTraceReachErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"trace"}, "no flow"},
		{[]string{"trace", "tcp 10.0.0.1 -> 10.0.0.2"}, `sgsim trace: flow "tcp 10.0.0.1 -> 10.0.0.2": source "10.0.0.1": no port; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000` + "\n"},
		{[]string{"trace", "icmp 10.0.0.1 -> 10.0.0.2:5 type 8 code 0"}, `sgsim trace: flow "icmp 10.0.0.1 -> 10.0.0.2:5 type 8 code 0": destination "10.0.0.2:5": unexpected character (at ":5"); want an address` + "\n"},
		{[]string{"trace", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "tcp 10.0.0.1:1 -> 10.0.0.2:2"}, "-rules needs -nics FILE (the vendor's network-interface listing) or -topology FILE"},
		{[]string{"reach", "-from", "nodes"}, "want -from, -to and -proto"},
		{[]string{"reach", "-from", "nodes", "-to", "workers", "-proto", "tcp"}, `-to "workers": neither an endpoint nor an address, prefix or range (endpoints: nodes, masters, pods, lb)`},
		{[]string{"reach", "-from", "nodes,", "-to", "masters", "-proto", "tcp"}, `-from "nodes,": item 2 is empty`},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "any"}, `-proto "any"`},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "icmp", "-port", "80"}, "-port and -sport apply to tcp, udp and sctp, not icmp"},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-port", "80-70"}, `sgsim reach: -port "80-70": first port above last port; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all` + "\n"},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-sport", "1024-x,22"}, `sgsim reach: -sport "1024-x,22": item 1 "1024-x": last port not a number; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all` + "\n"},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "icmp", "-icmp", "8"}, `-icmp "8": want TYPE/CODE`},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-icmp", "3/4"}, "-icmp applies to icmp and icmpv6, not tcp"},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-fail-on", "most"}, `-fail-on "most"`},
		{[]string{"reach", "-from", "nodes", "-to", "masters", "-proto", "tcp", "-question", "both"}, `-question "both": want delivered or answered`},
		{[]string{"reach", "-from", "nodes", "-to", "2001:db8::/64", "-proto", "tcp"}, "reach"},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line with %q", c.args, code, out, errOut, c.want)
		}
	}
}

// Flags are accepted before and after the subcommand's name, with the
// same result.
func TestFlagsBeforeSubcommand(t *testing.T) {
	after := []string{"lint", "-profile", "cce-vpc", "-hardened=false", "-format", "json"}
	before := []string{"-profile", "cce-vpc", "-hardened=false", "-format", "json", "lint"}
	middle := []string{"-profile", "cce-vpc", "lint", "-hardened=false", "-format", "json"}
	c1, o1, _ := runArgs(t, after...)
	c2, o2, _ := runArgs(t, before...)
	c3, o3, _ := runArgs(t, middle...)
	if c1 != 0 || c2 != 0 || c3 != 0 || o1 != o2 || o1 != o3 || !strings.Contains(o1, `"network": "cce-vpc/newer/default"`) {
		t.Errorf("exits %d %d %d; outputs differ or lack the network:\n%s\n%s\n%s", c1, c2, c3, o1, o2, o3)
	}
}

// A panic or an error that is not bad input is an internal error: exit
// 3, never 2.
func TestInternalError(t *testing.T) {
	saved := commands
	defer func() { commands = saved }()
	commands = append(commands[:len(commands):len(commands)],
		&command{name: "boom", flags: func(*flag.FlagSet) func(*env) error {
			return func(*env) error { panic("kaboom") }
		}},
		&command{name: "oops", flags: func(*flag.FlagSet) func(*env) error {
			return func(*env) error { return errors.New("broken invariant") }
		}})
	code, _, errOut := runArgs(t, "boom")
	if code != 3 || !strings.HasPrefix(errOut, "sgsim boom: internal error: kaboom\n") {
		t.Errorf("panic: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runArgs(t, "oops")
	if code != 3 || errOut != "sgsim oops: internal error: broken invariant\n" {
		t.Errorf("error: exit %d, stderr %q", code, errOut)
	}
}

// The worked examples of -h that show exact output (on the main job's
// network) print it.
func TestHelpExamplesRun(t *testing.T) {
	const marker = "prints, for the main job's network (profile cce-tunnel, hardened):\n"
	n := 0
	for _, c := range slices.Clone(commands) { // run sorts commands
		cmd, shown, ok := strings.Cut(strings.TrimSpace(c.example), "\n")
		if !ok || !strings.HasPrefix(shown, marker) {
			continue
		}
		n++
		var want strings.Builder
		for _, l := range strings.Split(strings.TrimPrefix(shown, marker), "\n") {
			want.WriteString(strings.TrimPrefix(l, "  ") + "\n")
		}
		args := shellWords(t, strings.TrimPrefix(cmd, "sgsim "))
		code, out, errOut := runArgs(t, args...)
		if code != 0 || out != want.String() {
			t.Errorf("sgsim %s -h: the example %q prints (exit %d, %s)\n%s\nthe help shows\n%s", c.name, cmd, code, errOut, out, want.String())
		}
	}
	if n < 2 {
		t.Errorf("%d examples with exact output; want trace's and reach's at least", n)
	}
}

// quotedExamples are the subcommands whose -h example quotes fragments
// of the output (TestHelpExamplesQuoted).
var quotedExamples = []string{"replay", "lint", "diff", "fix", "harden", "usage", "tighten"}

// The other worked examples of -h (of quotedExamples) run, exit as they
// say, and print the quoted fragments they show ("..." elides; the pieces
// of one fragment in order).
func TestHelpExamplesQuoted(t *testing.T) {
	quoted := regexp.MustCompile(`"([^"]+)"`)
	n := 0
	mine := quotedExamples
	for _, name := range mine {
		c := lookup(name)
		cmd, shown, _ := strings.Cut(strings.TrimSpace(c.example), "\n")
		if strings.HasPrefix(shown, "prints, for the main job's network") {
			continue // TestHelpExamplesRun
		}
		n++
		// The tests run in examples/sgsim.
		args := shellWords(t, strings.ReplaceAll(strings.TrimPrefix(cmd, "sgsim "), "examples/sgsim/", ""))
		code, out, errOut := runArgs(t, args...)
		if want := map[bool]int{true: 1, false: 0}[strings.Contains(shown, "exits 1")]; code != want {
			t.Errorf("sgsim %s -h: %q: exit %d, the example says %d; stderr %q", c.name, cmd, code, want, errOut)
		}
		frags := quoted.FindAllStringSubmatch(shown, -1)
		if len(frags) == 0 {
			t.Errorf("sgsim %s -h: the example shows nothing of its output", c.name)
		}
		for _, m := range frags {
			if !printsInOrder(out, strings.Split(strings.ReplaceAll(m[1], "examples/sgsim/", ""), " ...")) {
				t.Errorf("sgsim %s -h: %q does not print %q\n%s", c.name, cmd, m[1], out)
			}
		}
	}
	if n != len(mine) {
		t.Errorf("%d examples checked; want %d", n, len(mine))
	}
}

// printsInOrder reports whether out holds the pieces in order.
func printsInOrder(out string, pieces []string) bool {
	for _, p := range pieces {
		_, after, found := strings.Cut(out, strings.TrimSpace(p))
		if !found {
			return false
		}
		out = after
	}
	return true
}

// The worked examples of check, exposure and map, and every example
// checked by one test: check's runs on its intent file written out and
// prints exactly what it shows; exposure's prints the lines shown, in a
// row (its column spacing was off by one); map's writes an HTML page and
// in text prints the line it quotes.
func TestHelpExamplesRest(t *testing.T) {
	dedent := func(lines []string) string {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(strings.TrimPrefix(l, "  ") + "\n")
		}
		return b.String()
	}

	// check
	lines := strings.Split(strings.TrimSpace(lookup("check").example), "\n")
	if len(lines) != 9 || lines[1] != "with cce.yaml holding" || lines[4] != "prints, for the main job's network (profile cce-tunnel, hardened), and exits 1:" {
		t.Fatalf("check's example changed shape:\n%s", strings.Join(lines, "\n"))
	}
	file := filepath.Join(t.TempDir(), "cce.yaml")
	if err := os.WriteFile(file, []byte(dedent(lines[2:4])), 0o644); err != nil {
		t.Fatal(err)
	}
	args := shellWords(t, strings.Replace(strings.TrimPrefix(lines[0], "sgsim "), "cce.yaml", file, 1))
	if code, out, errOut := runArgs(t, args...); code != 1 || out != dedent(lines[5:]) {
		t.Errorf("sgsim check -h: the example prints (exit %d, want 1; %s)\n%s\nthe help shows\n%s", code, errOut, out, dedent(lines[5:]))
	}

	// exposure
	cmd, shown, _ := strings.Cut(strings.TrimSpace(lookup("exposure").example), "\n")
	block, ok := strings.CutPrefix(shown, "prints, among others,\n")
	if !ok {
		t.Fatalf("exposure's example changed shape:\n%s", shown)
	}
	code, out, errOut := runArgs(t, shellWords(t, strings.TrimPrefix(cmd, "sgsim "))...)
	if want := dedent(strings.Split(block, "\n")); code != 0 || !strings.HasPrefix(out, want) && !strings.Contains(out, "\n"+want) {
		t.Errorf("sgsim exposure -h: %q (exit %d, %s) does not print the lines\n%s\nit prints\n%s", cmd, code, errOut, want, out)
	}

	// map
	cmd, shown, _ = strings.Cut(strings.TrimSpace(lookup("map").example), "\n")
	cmd, redirect, _ := strings.Cut(cmd, " > ")
	code, out, errOut = runArgs(t, shellWords(t, strings.TrimPrefix(cmd, "sgsim "))...)
	if code != 0 || redirect != "map.html" || !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
		t.Errorf("sgsim map -h: %q (exit %d, %s) writes no HTML page to %q:\n%.300s", cmd, code, errOut, redirect, out)
	}
	code, out, _ = runArgs(t, "map")
	frags := regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(shown, -1)
	if len(frags) != 1 || code != 0 || !printsInOrder(out, strings.Split(frags[0][1], " ...")) {
		t.Errorf("sgsim map -h: %q; sgsim map (exit %d) does not print it\n%s", frags, code, out)
	}

	// Every example is checked by one test.
	for _, c := range commands {
		byRun := strings.Contains(c.example, "\nprints, for the main job's network (profile cce-tunnel, hardened):\n")
		byQuoted := slices.Contains(quotedExamples, c.name)
		byRest := slices.Contains([]string{"check", "exposure", "map"}, c.name)
		if n := btoi(byRun) + btoi(byQuoted) + btoi(byRest); n != 1 {
			t.Errorf("sgsim %s -h: its example is checked by %d tests; want 1", c.name, n)
		}
	}
}

// Flags of exports and plans without -rules or -plan name what is
// missing.
func TestSourceFlagsWithoutSource(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "-vendor", "aws"}, "sgsim lint: -vendor goes with -rules FILE or -plan FILE\n"},
		{[]string{"trace", "-nics", "testdata/aws/enis.json", "tcp 10.0.1.5:1 -> 10.0.2.7:2"}, "sgsim trace: -nics goes with -rules FILE or -plan FILE\n"},
		{[]string{"reach", "-topology", "testdata/topology.json", "-from", "a", "-to", "b", "-proto", "tcp"}, "sgsim reach: -topology goes with -rules FILE or -plan FILE\n"},
		{[]string{"fix", "-require", "tke-managed"}, "sgsim fix: -require goes with -rules FILE or -plan FILE\n"},
		{[]string{"diff", "-prior"}, "-prior"},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// -require gives exports and plans required flows; the subcommands that
// use none refuse it rather than ignore it, and those that do take it.
func TestRequireOnlyWhereUsed(t *testing.T) {
	aws := []string{"-vendor", "aws", "-rules", "testdata/aws/rules.json", "-nics", "testdata/aws/enis.json", "-require", "tke-managed"}
	for _, args := range [][]string{
		{"lint"}, {"exposure"}, {"map"}, {"check", "-intents", "testdata/intents/cce-tunnel.yaml"},
		{"trace", "tcp 10.0.1.5:40000 -> 10.0.2.7:5432"}, {"reach", "-from", "10.0.1.5", "-to", "10.0.2.7", "-proto", "tcp"},
		{"replay", "-pcap", "testdata/cce-tunnel.pcap"}, {"usage", "-pcap", "testdata/cce-tunnel.pcap"},
	} {
		args = append(append([]string(nil), args...), aws...)
		code, out, errOut := runArgs(t, args...)
		want := "sgsim " + args[0] + ": -require gives required flows, which sgsim " + args[0] + " does not use (harden, fix, diff and tighten do)\n"
		if code != 2 || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", args, code, out, errOut, want)
		}
	}
	for _, args := range [][]string{{"harden"}, {"fix"}, {"diff", "-against", "-rules", "testdata/aws/rules.json"}} {
		args = append(append([]string{args[0]}, aws...), args[1:]...)
		if code, _, errOut := runArgs(t, args...); code == 2 {
			t.Errorf("%q: exit 2: %s", args, errOut)
		}
	}
}

// diff's second input starts from the first one's flags, unless it names
// another kind of input; -rules after -against replaces the list.
func TestAgainstSource(t *testing.T) {
	first := load.Source{Vendor: "aws", Rules: []string{"old.json", "acl.json"}, NICs: []string{"enis.json"}, Topology: "t.json", Hardened: true}
	b, err := againstSource(first, []string{"-rules", "new.json"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Vendor != "aws" || !slices.Equal(b.Rules, []string{"new.json"}) || !slices.Equal(b.NICs, first.NICs) || b.Topology != "t.json" {
		t.Errorf("-rules new.json: %+v", b)
	}
	if b, err = againstSource(first, []string{"-topology", "t2.json"}); err != nil || !slices.Equal(b.Rules, first.Rules) || b.Topology != "t2.json" {
		t.Errorf("-topology t2.json: %+v %v", b, err)
	}
	// Another kind: nothing inherited.
	if b, err = againstSource(first, []string{"-profile", "cce-vpc"}); err != nil || b.Vendor != "" || b.Rules != nil || b.Topology != "" || b.Profile != "cce-vpc" || !b.Hardened {
		t.Errorf("-profile cce-vpc: %+v %v", b, err)
	}
	prof := load.Source{Profile: "cce-vpc", Revision: "older"}
	if b, err = againstSource(prof, []string{"-hardened=true"}); err != nil || b.Profile != "cce-vpc" || b.Revision != "older" || !b.Hardened {
		t.Errorf("-hardened: %+v %v", b, err)
	}
	if _, err := againstSource(first, []string{"-bogus"}); err == nil || !strings.Contains(err.Error(), "-against: flag provided but not defined: -bogus") {
		t.Errorf("-bogus: %v", err)
	}
	if _, err := againstSource(first, []string{"new.json"}); err == nil || !strings.Contains(err.Error(), `-against: unexpected argument "new.json"`) {
		t.Errorf("positional: %v", err)
	}
	// Through the program: default groups against hardened, with -format
	// after -against going to diff.
	code, out, errOut := runArgs(t, "diff", "-profile", "cce-vpc", "-hardened=false", "-against", "-hardened", "-format", "json")
	if code != 0 || !strings.Contains(out, `"old": "cce-vpc/newer/default"`) || !strings.Contains(out, `"new": "cce-vpc/newer/hardened"`) {
		t.Errorf("exit %d %s\n%s", code, errOut, out)
	}
}
