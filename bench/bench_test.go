package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sgsim/sgsim/bench/classbench"
	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/bench/tight"
	"github.com/sgsim/sgsim/sgsim"
)

// sharedDir holds the ClassBench files, relative to this package.
const sharedDir = "../../shared/classbench"

// benchInput is a rule set with the flows to look up.
type benchInput struct {
	name  string // benchstat-style sub-benchmark name
	sem   sgsim.Semantics
	rules []sgsim.Rule
	flows []sgsim.Flow
}

var (
	inputsOnce sync.Once
	inputs     []*benchInput
	inputsErr  error
)

// loadInputs reads the ClassBench sets that are present (with their
// traces when there are any) and generates the others once per process.
func loadInputs(b *testing.B) []*benchInput {
	inputsOnce.Do(func() {
		for _, set := range []string{"acl1", "fw1", "ipc1"} {
			for _, n := range []string{"1000", "10000", "100000"} {
				name := set + "_" + n
				tr := filepath.Join(sharedDir, name+"_trace")
				if !fileExists(tr) {
					tr = ""
				}
				in, err := readClassBench(filepath.Join(sharedDir, name), tr, classbench.AllAllow)
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					inputsErr = err
					return
				}
				if in.Flows == nil {
					in.Flows = gen.Flows(1, in.Rules, 10000, 0.75)
				}
				inputs = append(inputs, &benchInput{name: "set=" + name, sem: sgsim.FirstMatch, rules: in.Rules, flows: in.Flows})
			}
		}
		for _, sh := range []gen.Shape{gen.SecurityGroup, gen.NetworkACL} {
			for _, n := range []int{1000, 10000} {
				rs := gen.Rules(1, n, sh)
				inputs = append(inputs, &benchInput{name: "set=gen-" + sh.Name + "_" + size(n), sem: sh.Semantics,
					rules: rs, flows: gen.Flows(1, rs, 10000, 0.75)})
			}
		}
	})
	if inputsErr != nil {
		b.Fatal(inputsErr)
	}
	return inputs
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// BenchmarkCheck times one lookup, compiled, tight scan and linear, on
// each input:
//
//	BenchmarkCheck/set=acl1_10000/eval=compiled
func BenchmarkCheck(b *testing.B) {
	for _, in := range loadInputs(b) {
		g := sgsim.Group{ID: "g", Rules: in.rules}
		c, err := sgsim.Compile(in.sem, g)
		if err != nil {
			b.Fatal(err)
		}
		l, err := sgsim.NewLinear(in.sem, g)
		if err != nil {
			b.Fatal(err)
		}
		var rs [2][]*sgsim.Rule
		var gs [2][]string
		for d := range rs {
			rs[d], gs[d] = c.Rules(sgsim.Direction(d))
		}
		for _, ev := range []struct {
			name string
			e    sgsim.Evaluator
		}{{"compiled", c}, {"tight", tight.New(rs, gs)}, {"linear", l}} {
			b.Run(in.name+"/eval="+ev.name, func(b *testing.B) {
				b.ReportAllocs()
				n := 0
				for i := 0; i < b.N; i++ {
					if ev.e.Check(sgsim.Ingress, in.flows[i%len(in.flows)]).Rule != nil {
						n++
					}
				}
				sink += n
			})
		}
	}
}

// BenchmarkCompile times Compile on each input.
func BenchmarkCompile(b *testing.B) {
	for _, in := range loadInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := sgsim.Compile(in.sem, sgsim.Group{ID: "g", Rules: in.rules}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(in.rules)), "rules")
		})
	}
}

var testConfig = config{Rounds: 1, LinearBudget: 2_000_000, CheckBudget: 20_000_000, Flows: 2000, HitRate: 0.75, Seed: 1}

// jsonFields are the documented fields every result has.
var jsonFields = []string{"name", "source", "semantics", "rules", "flows", "hit_rate", "compile_ns",
	"compiled_bytes", "stats_bytes", "rules_bytes", "bytes_per_rule", "index_entries", "index_entries_per_rule",
	"intervals", "scanned", "structures", "lookup_ns", "tight_flows", "tight_lookup_ns",
	"compiled_lookup_ns_tight_flows", "vs_tight", "linear_flows", "linear_lookup_ns", "allocs_per_lookup",
	"checked_flows", "mismatches"}

func checkResult(t *testing.T, res result, fileFields bool) {
	t.Helper()
	if res.Mismatches != 0 {
		t.Fatalf("%s: %d mismatches: %v", res.Name, res.Mismatches, res.MismatchExamples)
	}
	if res.CheckedFlows == 0 || res.LinearFlows == 0 || res.TightFlows == 0 || res.LookupNS <= 0 || res.LinearLookupNS <= 0 ||
		res.TightLookupNS <= 0 || res.CompiledTightNS <= 0 || res.VsTight <= 0 || res.CompileNS <= 0 || res.Structures == "" {
		t.Errorf("%s: empty measurements: %+v", res.Name, res)
	}
	if res.AllocsPerLookup != 0 {
		t.Errorf("%s: %g allocs per lookup", res.Name, res.AllocsPerLookup)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := jsonFields
	if fileFields {
		want = append(want, "parse_ns", "read_ns", "actions")
	} else {
		want = append(want, "generate_ns")
	}
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: JSON lacks %q: %s", res.Name, k, b)
		}
	}
}

func TestRunGenerated(t *testing.T) {
	for _, sh := range []gen.Shape{gen.SecurityGroup, gen.NetworkACL} {
		res, err := run(generated(sh, 1000, 1), testConfig)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rules != 1000 || res.Flows != 2000 {
			t.Errorf("rules %d flows %d", res.Rules, res.Flows)
		}
		checkResult(t, res, false)
	}
}

func TestRunClassBench(t *testing.T) {
	file := filepath.Join(sharedDir, "acl1_1000")
	if !fileExists(file) {
		t.Skip(file + " not present")
	}
	for _, trace := range []string{"", file + "_trace"} {
		for _, acts := range []classbench.Actions{classbench.AllAllow, classbench.Alternate} {
			in, err := readClassBench(file, trace, acts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := run(in, testConfig)
			if err != nil {
				t.Fatal(err)
			}
			if res.ParseNS <= 0 || res.Rules < 900 {
				t.Errorf("parse_ns %d rules %d", res.ParseNS, res.Rules)
			}
			checkResult(t, res, true)
		}
	}
}

// TestMainJSON runs the binary's entry point: one JSON object per line
// and rule set, exit 0.
func TestMainJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := mainErr([]string{"-format", "json", "-sizes", "500", "-flows", "500", "-rounds", "1", "-no-extras"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines (sg, acl), got %d:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		for _, k := range jsonFields {
			if _, ok := m[k]; !ok {
				t.Errorf("JSON lacks %q: %s", k, l)
			}
		}
	}
	out.Reset()
	if code := mainErr([]string{"-sizes", "300", "-flows", "300", "-rounds", "1", "-shapes", "sg"}, &out, &errb); code != 0 {
		t.Fatalf("text: exit %d", code)
	}
	if !strings.Contains(out.String(), "vs tight") || !strings.Contains(out.String(), "gen-sg-300") {
		t.Errorf("text output:\n%s", out.String())
	}
}

func TestMainBadUsage(t *testing.T) {
	dir := t.TempDir()
	empty, filter := filepath.Join(dir, "empty"), filepath.Join(dir, "one")
	if err := os.WriteFile(empty, []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filter, []byte("@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string // in the error, when not empty
	}{
		{[]string{"-nosuch"}, ""},
		{[]string{"-format", "xml"}, ""},
		{[]string{"-actions", "deny"}, ""},
		{[]string{"-sizes", "ten"}, ""},
		{[]string{"-shapes", "vpc"}, ""},
		{[]string{"-classbench", "/nonexistent/acl1"}, ""},
		{[]string{"-classbench", "bench_test.go"}, "bench_test.go: classbench: line 1"},
		{[]string{"extra"}, ""},
		{[]string{"-classbench", empty, "-rounds", "1"}, empty + ": no filters"},
		{[]string{"-classbench", filter, "-trace", empty, "-rounds", "1"}, empty + ": no headers"},
		{[]string{"-gen-trace"}, "-gen-trace needs -classbench or -families"},
		{[]string{"-trace", "x"}, "-trace needs -classbench"},
		{[]string{"-classbench", filter, "-trace", empty, "-gen-trace"}, "exclude each other"},
		{[]string{"-classbench", filter, "-families", "fw-like", "-rounds", "1"}, "-classbench and -families exclude each other"},
		{[]string{"-families", "fw-like", "-sizes", "100", "-gen-trace", "-flows", "500"}, "-flows and -hit make uniform flows: the trace's headers are the flows"},
		{[]string{"-classbench", filter, "-trace", empty, "-hit", "0.5"}, "-flows and -hit make uniform flows"},
		{[]string{"-analysis-sets", "fw1"}, "-analysis-sets needs -analysis"},
		{[]string{"-analysis-skip", "lint"}, "-analysis-skip needs -analysis"},
	} {
		var out, errb bytes.Buffer
		code := mainErr(tt.args, &out, &errb)
		msg := errb.String()
		if code != 2 || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "bench: ") || !strings.Contains(msg, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line containing %q", tt.args, code, msg, tt.want)
		}
	}
}

// TestMainGenTrace: -gen-trace looks up a ClassBench-style trace of ten
// headers per filter, named "+gentrace", and the compiled classifier, the
// tight scan and the linear reference agree on it.
func TestMainGenTrace(t *testing.T) {
	file := filepath.Join(t.TempDir(), "two")
	filters := "@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000\t\n" +
		"@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t\n"
	if err := os.WriteFile(file, []byte(filters), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := mainErr([]string{"-classbench", file, "-gen-trace", "-rounds", "1", "-format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if res.Name != "two+gentrace" || res.Flows != 20 || res.Mismatches != 0 || res.HitRate != 1 {
		t.Errorf("name %q, %d flows, %d mismatches, hit rate %v; want two+gentrace, 20, 0, 1", res.Name, res.Flows, res.Mismatches, res.HitRate)
	}
}

// TestJSONFieldsDocumented checks that the package doc names every JSON
// field the runner writes: rule-set results and the extras' objects.
func TestJSONFieldsDocumented(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(f.Doc.Text(), func(r rune) bool {
		return !(r == '_' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) {
		words[w] = true
	}
	for _, v := range []any{result{}, reachResult{}, replayResult{}, workersResult{}, analysisResult{}} {
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
			if name != "" && !words[name] {
				t.Errorf("%s.%s: JSON field %q is not in the package doc", ty.Name(), ty.Field(i).Name, name)
			}
		}
	}
	for _, kind := range []string{`"reach"`, `"replay"`, `"analysis"`} {
		if !strings.Contains(f.Doc.Text(), "kind "+kind) {
			t.Errorf("package doc does not name kind %s", kind)
		}
	}
}

// TestSame checks the verdict comparison behind the mismatch count:
// action, deciding rule ID and group must all agree.
func TestSame(t *testing.T) {
	r1, r2 := sgsim.MustParseRule("ingress allow tcp 22 id a"), sgsim.MustParseRule("ingress allow tcp 22 id b")
	v := sgsim.Verdict{Action: sgsim.Allow, Rule: &r1, Group: "g"}
	r1copy := r1
	for name, tc := range map[string]struct {
		w    sgsim.Verdict
		want bool
	}{
		"equal":        {sgsim.Verdict{Action: sgsim.Allow, Rule: &r1copy, Group: "g"}, true},
		"action":       {sgsim.Verdict{Action: sgsim.Deny, Rule: &r1, Group: "g"}, false},
		"rule":         {sgsim.Verdict{Action: sgsim.Allow, Rule: &r2, Group: "g"}, false},
		"group":        {sgsim.Verdict{Action: sgsim.Allow, Rule: &r1, Group: "h"}, false},
		"default deny": {sgsim.Verdict{Action: sgsim.Deny}, false},
		"no rule":      {sgsim.Verdict{Action: sgsim.Allow}, false},
	} {
		if got := same(v, tc.w); got != tc.want {
			t.Errorf("%s: same(%v, %v) = %v, want %v", name, v, tc.w, got, tc.want)
		}
		if got := same(tc.w, v); got != tc.want {
			t.Errorf("%s: same(%v, %v) = %v, want %v", name, tc.w, v, got, tc.want)
		}
	}
	if !same(sgsim.Verdict{Action: sgsim.Deny}, sgsim.Verdict{Action: sgsim.Deny}) {
		t.Error("two default denies differ")
	}
}

// -families runs ClassBench-like generated sets, named by family and size,
// and refuses unknown families.
func TestMainFamilies(t *testing.T) {
	var out, errb bytes.Buffer
	code := mainErr([]string{"-format", "json", "-families", "acl-like,fw-like-v2", "-sizes", "300", "-flows", "300", "-rounds", "1", "-no-extras"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if r.Mismatches != 0 || r.Rules != 300 || r.Semantics != "first-match" || r.VsTight <= 0 {
			t.Errorf("%+v", r)
		}
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "acl-like-300,fw-like-v2-300" {
		t.Errorf("sets %v; want acl-like-300, fw-like-v2-300", names)
	}
	errb.Reset()
	if code := mainErr([]string{"-families", "acl-like,nosuch"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `"nosuch"`) {
		t.Errorf("unknown family: exit %d, %q", code, errb.String())
	}
}

// -families with -gen-trace looks up a ClassBench-style trace of each
// generated set (ten headers per rule, named "+gentrace"), every header a
// corner of a rule, and compiled, tight and linear agree on it.
func TestMainFamiliesGenTrace(t *testing.T) {
	var out, errb bytes.Buffer
	code := mainErr([]string{"-format", "json", "-families", "fw-like", "-sizes", "300", "-gen-trace", "-rounds", "1", "-no-extras"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if r.Name != "fw-like-300+gentrace" || r.Flows != 3000 || r.Mismatches != 0 || r.HitRate != 1 {
		t.Errorf("name %q, %d flows, %d mismatches, hit rate %v; want fw-like-300+gentrace, 3000, 0, 1", r.Name, r.Flows, r.Mismatches, r.HitRate)
	}
	// The flows are the trace of the rules: each header matches the rule
	// it was made from.
	f, _ := gen.FamilyByName("fw-like")
	in, err := generatedFamily(f, 300, defaultConfig.Seed, true)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := classbench.FromRules(in.Rules)
	if err != nil {
		t.Fatal(err)
	}
	hs := classbench.GenerateTrace(uint64(defaultConfig.Seed), fs, classbench.TraceScale, classbench.TraceParetoA, classbench.TraceParetoB)
	if len(hs) != len(in.Flows) {
		t.Fatalf("%d flows, trace of %d", len(in.Flows), len(hs))
	}
	for i, h := range hs {
		if !in.Rules[h.Filter].Matches(in.Flows[i]) {
			t.Fatalf("flow %d (%v) does not match rule %d, %v", i, in.Flows[i], h.Filter, in.Rules[h.Filter])
		}
	}
}

// -write-classbench writes each generated set and its -gen-trace trace as
// ClassBench files; read back, they are the set's rules and exactly the
// flows a -gen-trace run looks up.
func TestMainWriteClassBench(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := mainErr([]string{"-families", "fw-like,ipc-like-v3", "-sizes", "300", "-gen-trace", "-write-classbench", dir}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := []string{
		filepath.Join(dir, "fw-like_300"), filepath.Join(dir, "fw-like_300_trace"),
		filepath.Join(dir, "ipc-like-v3_300"), filepath.Join(dir, "ipc-like-v3_300_trace"),
	}
	if got := strings.Fields(out.String()); !slices.Equal(got, want) {
		t.Fatalf("wrote %q; want %q", got, want)
	}
	for _, name := range []string{"fw-like", "ipc-like-v3"} {
		f, ok := gen.FamilyByName(name)
		if !ok {
			t.Fatal(name)
		}
		in, err := generatedFamily(f, 300, defaultConfig.Seed, true)
		if err != nil {
			t.Fatal(err)
		}
		fs := readFile(t, filepath.Join(dir, name+"_300"), classbench.ReadFilters)
		if len(fs) != len(in.Rules) {
			t.Fatalf("%s: %d filters, %d rules", name, len(fs), len(in.Rules))
		}
		// The filters read back convert to the generated rules' matches:
		// same prefixes, ports and protocol, in the same order.
		back, err := classbench.FromRules(in.Rules)
		if err != nil {
			t.Fatal(err)
		}
		for i := range fs {
			fs[i].Line = 0
			if fs[i] != back[i] {
				t.Fatalf("%s: filter %d read back as %v; rule %v", name, i, fs[i], in.Rules[i])
			}
		}
		hs := readFile(t, filepath.Join(dir, name+"_300_trace"), classbench.ReadTrace)
		if len(hs) != len(in.Flows) || len(hs) != 3000 {
			t.Fatalf("%s: %d headers, %d flows; want 3000", name, len(hs), len(in.Flows))
		}
		for i, h := range hs {
			if classbench.ToFlow(h) != in.Flows[i] {
				t.Fatalf("%s: header %d %v; the run looks up %v", name, i, h, in.Flows[i])
			}
			// The filter number names a filter the header matches, and
			// the first filter matching it decides for rules and filters alike.
			if !fs[h.Filter].Matches(h) {
				t.Fatalf("%s: header %d %v does not match its filter %d %v", name, i, h, h.Filter, fs[h.Filter])
			}
			if first := classbench.FirstMatch(fs, h); !in.Rules[first].Matches(in.Flows[i]) {
				t.Fatalf("%s: header %d: first filter %d, whose rule does not match the flow", name, i, first)
			}
		}
	}
	// Without -gen-trace only the filters are written.
	out.Reset()
	dir2 := t.TempDir()
	if code := mainErr([]string{"-families", "acl-like", "-sizes", "50", "-write-classbench", dir2}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got := strings.TrimSpace(out.String()); got != filepath.Join(dir2, "acl-like_50") {
		t.Errorf("wrote %q; want only the filters", got)
	}
	if _, err := os.Stat(filepath.Join(dir2, "acl-like_50_trace")); !os.IsNotExist(err) {
		t.Errorf("trace written without -gen-trace: %v", err)
	}

	file := filepath.Join(dir, "fw-like_300")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-write-classbench", dir}, "-write-classbench needs -families"},
		{[]string{"-classbench", file, "-write-classbench", dir}, "-write-classbench needs -families"},
		{[]string{"-families", "fw-like", "-write-classbench", file}, "not an existing directory"},
		{[]string{"-families", "fw-like", "-write-classbench", filepath.Join(dir, "nosuch")}, "not an existing directory"},
		{[]string{"-families", "fw-like", "-analysis", "-write-classbench", dir}, "exclude each other"},
		{[]string{"-families", "fw-like", "-format", "json", "-write-classbench", dir}, "-format does not apply"},
		{[]string{"-families", "fw-like", "-rounds", "3", "-write-classbench", dir}, "-rounds does not apply"},
		{[]string{"-families", "fw-like", "-flows", "10", "-write-classbench", dir}, "-flows does not apply"},
	} {
		var out, errb bytes.Buffer
		code := mainErr(tt.args, &out, &errb)
		msg := errb.String()
		if code != 2 || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "bench: ") || !strings.Contains(msg, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line containing %q", tt.args, code, msg, tt.want)
		}
	}
}

func readFile[T any](t *testing.T, path string, read func(io.Reader) ([]T, error)) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xs, err := read(f)
	if err != nil {
		t.Fatal(err)
	}
	return xs
}

// countingEvaluator counts its lookups.
type countingEvaluator struct{ n int }

func (e *countingEvaluator) Check(sgsim.Direction, sgsim.Flow) sgsim.Verdict {
	e.n++
	return sgsim.Verdict{}
}

// timeLookups makes whole passes over the flows until both bounds are
// met: the lookup count (lookup_ns rounds: lookupRound) and the time.
func TestTimeLookupsBounds(t *testing.T) {
	flows := make([]sgsim.Flow, 7)
	for _, tc := range []struct {
		min        time.Duration
		minN, want int // want: the least number of lookups
	}{
		{0, 0, 7},   // one pass at least
		{0, 20, 21}, // three passes of 7
		{0, lookupRound, lookupRound},
		{5 * time.Millisecond, 1, 7},
	} {
		e := &countingEvaluator{}
		t0 := time.Now()
		ns := timeLookups(e, flows, tc.min, tc.minN)
		el := time.Since(t0)
		if e.n < tc.want || e.n%len(flows) != 0 || el < tc.min || !(ns > 0) {
			t.Errorf("timeLookups(min %v, minN %d): %d lookups in %v, %.2f ns each; want whole passes of 7, at least %d lookups and %v",
				tc.min, tc.minN, e.n, el, ns, tc.want, tc.min)
		}
	}
}
