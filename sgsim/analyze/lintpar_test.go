package analyze

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Lint on several workers (lint.go, lintSet) gives exactly what lint on
// one gives: the same findings in the same order, with the same regions,
// witnesses and rules, compared field by field (reflect.DeepEqual).

// fataler is what workersSame needs of a *testing.T or *rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// lintWorkers is LintSetWith with n workers, failing t on an error.
func lintWorkers(t fataler, s Set, n int) []Finding {
	t.Helper()
	fs, err := LintSetWith(s, LintOptions{Workers: n})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// takeTurns makes each worker yield before each rule, until the
// returned func is called, so that the workers take turns even on one
// core: with GOMAXPROCS=1 (how the team runs its tests) one worker would
// otherwise lint a small set alone, the runs would come from one worker
// in rule order, and no rule found to decide no flow would be passed on.
//
// A hook set already (a test's wait per rule) runs first and is put
// back by the returned func.
func takeTurns() func() {
	prev := lintHook
	lintHook = func(d sgsim.Direction, ri int) {
		if prev != nil {
			prev(d, ri)
		}
		runtime.Gosched()
	}
	return func() { lintHook = prev }
}

// workersSame fails t unless s lints alike with 1, 2, 3 and 8 workers,
// taking turns.
func workersSame(t fataler, s Set) {
	t.Helper()
	defer takeTurns()()
	want := lintWorkers(t, s, 1)
	for _, n := range []int{2, 3, 8} {
		if got := lintWorkers(t, s, n); !reflect.DeepEqual(got, want) {
			t.Fatalf("%d workers:\n%v\none worker:\n%v", n, got, want)
		}
	}
}

// Random sets of up to 300 rules, half of them with the thresholds of
// lint's shortcuts lowered so that every cut takes them (see
// TestLintShortcutsChangeNothing). A rule one worker finds to decide no
// flow is passed on to the others (heardNoFlow): the runs must include
// some, or the one thing the workers tell each other is untested.
func TestLintWorkersSame(t *testing.T) {
	saved := [...]int{heavyAt, redBoxAt}
	defer func() { heavyAt, redBoxAt, lintHook = saved[0], saved[1], nil }()
	// Each rule a worker takes waits 20 us, so that the workers run side
	// by side even on a loaded machine (see TestLintWorkersSameShadowed).
	lintHook = func(sgsim.Direction, int) { time.Sleep(20 * time.Microsecond) }
	before := heardNoFlow.Load()
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		s := sizedSet(t, sem, "", drawSize(t, "set"))
		if rapid.Bool().Draw(t, "v4 only") {
			s.Families = []sgsim.Family{sgsim.IPv4}
		}
		heavyAt, redBoxAt = saved[0], saved[1]
		if rapid.Bool().Draw(t, "low thresholds") {
			heavyAt = rapid.IntRange(1, 6).Draw(t, "heavyAt")
			redBoxAt = rapid.IntRange(1, 4).Draw(t, "redBoxAt")
		}
		workersSame(t, s)
	})
	if heardNoFlow.Load() == before {
		t.Error("no worker heard of a rule another found to decide no flow")
	}
}

// Many rules shadowed by the ones before them (each a narrower copy of
// an earlier one), so that the workers pass on rules that decide no
// flow in every run, in both directions.
func TestLintWorkersSameShadowed(t *testing.T) {
	s := NewSet(sgsim.FirstMatch, shadowedGroup())
	// Whether a worker hears of another's rule depends on the schedule
	// (on a loaded machine one worker can lint every rule while the
	// others wait for a core): each rule a worker takes waits 50 us, and
	// the check runs again until some worker has heard, at most 20
	// times.
	defer func() { lintHook = nil }()
	lintHook = func(sgsim.Direction, int) { time.Sleep(50 * time.Microsecond) }
	before := heardNoFlow.Load()
	for round := 0; round < 20 && heardNoFlow.Load() == before && !t.Failed(); round++ {
		workersSame(t, s)
	}
	lintHook = nil
	fs := lintWorkers(t, s, 1)
	shadowed := 0
	for _, f := range fs {
		if f.Code == Shadowed {
			shadowed++
		}
	}
	if shadowed != 360 {
		t.Errorf("%d rules shadowed, want 360", shadowed)
	}
	if heardNoFlow.Load() == before {
		t.Error("no worker heard of a rule another found to decide no flow")
	}
}

// Lint and LintSet only read what they are given: calls on the same
// spec and set at the same time, each on workers of its own, give what
// one call alone gives (and the race detector sees no write shared).
func TestLintConcurrentCalls(t *testing.T) {
	g := shadowedGroup()
	s := NewSet(sgsim.FirstMatch, g)
	spec := sgsim.NetworkSpec{Cloud: sgsim.FirstMatch, Groups: []sgsim.Group{g},
		Endpoints: []sgsim.Endpoint{{Name: "e", Addrs: sgsim.MustParseAddrs("10.0.0.1"), Groups: []string{"g"}}}}
	wantSet := lintWorkers(t, s, 1)
	wantSpec, err := LintWith(spec, LintOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(wantSet) < 360 || len(wantSpec) < 360 {
		t.Fatalf("%d and %d findings, want 360 or more", len(wantSet), len(wantSpec))
	}
	defer takeTurns()()
	var wg sync.WaitGroup
	errs := make([]string, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 1 + i/2
			if i%2 == 0 {
				if got, err := LintSetWith(s, LintOptions{Workers: n}); err != nil || !reflect.DeepEqual(got, wantSet) {
					errs[i] = fmt.Sprintf("LintSetWith, %d workers, beside other calls: %d findings, %v", n, len(got), err)
				}
			} else if got, err := LintWith(spec, LintOptions{Workers: n}); err != nil || !reflect.DeepEqual(got, wantSpec) {
				errs[i] = fmt.Sprintf("LintWith, %d workers, beside other calls: %d findings, %v", n, len(got), err)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
}

// shadowedGroup is 400 rules, 360 of them shadowed by the ones before
// them, in both directions.
func shadowedGroup() sgsim.Group {
	var g sgsim.Group
	g.ID = "g"
	for i := range 400 {
		dir, act := "ingress", "allow"
		if i >= 20 && i < 40 || i >= 40 && i%3 == 0 {
			dir = "egress"
		}
		if i%5 == 0 {
			act = "deny"
		}
		peer := "from"
		if dir == "egress" {
			peer = "to"
		}
		// The first 40 rules cover 10.(i%20).0.0/16 on ports 1000-1999,
		// ingress then egress; each rule after is a /24 and two ports
		// inside one of them: shadowed.
		r := fmt.Sprintf("%s %s tcp 1000-1999 %s 10.%d.0.0/16 id r%d", dir, act, peer, i%20, i)
		if i >= 40 {
			r = fmt.Sprintf("%s %s tcp %d-%d %s 10.%d.%d.0/24 id r%d", dir, act, 1000+i, 1001+i, peer, i%20, i%256, i)
		}
		g.Rules = append(g.Rules, sgsim.MustParseRule(r))
	}
	return g
}

// Lint of a spec (several sets, the repeats dropped) and its progress
// are the same for any number of workers; the progress calls come one
// at a time (the race detector would see two at once: calls is not
// guarded), each one more than the last, from 0 to the total.
func TestLintWithWorkers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		a, b := sizedSet(t, sem, "a", drawSize(t, "a")), sizedSet(t, sem, "b", drawSize(t, "b"))
		spec := sgsim.NetworkSpec{Cloud: sem, Groups: append(append([]sgsim.Group(nil), a.Groups...), b.Groups...),
			Endpoints: []sgsim.Endpoint{{Name: "e", Addrs: sgsim.MustParseAddrs("10.0.0.1"), Groups: []string{a.Groups[0].ID, b.Groups[0].ID}}}}
		want, err := LintWith(spec, LintOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		n := rapid.SampledFrom([]int{0, 2, 3, 8}).Draw(t, "workers")
		defer takeTurns()()
		var calls [][2]int
		got, err := LintWith(spec, LintOptions{Workers: n, Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d workers:\n%v\none worker:\n%v", n, got, want)
		}
		total := 0
		if sets, _ := SetsOf(spec); true {
			for _, s := range sets {
				for _, g := range s.Groups {
					total += len(g.Rules)
				}
			}
		}
		if len(calls) != total+1 {
			t.Fatalf("%d calls for %d rules: %v", len(calls), total, calls)
		}
		for i, c := range calls {
			if c != [2]int{i, total} {
				t.Fatalf("call %d is %v, want [%d %d]", i, c, i, total)
			}
		}
	})
}

// LintSetWith's progress counts the set's rules, with several workers
// too.
func TestLintSetWithProgress(t *testing.T) {
	s := NewSet(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: []sgsim.Rule{
		sgsim.MustParseRule("ingress allow tcp 22 id a"), sgsim.MustParseRule("ingress deny any id b"),
		sgsim.MustParseRule("egress allow any id c")}})
	for _, n := range []int{1, 3} {
		var calls []string
		if _, err := LintSetWith(s, LintOptions{Workers: n, Progress: func(done, total int) { calls = append(calls, fmt.Sprint(done, "/", total)) }}); err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(calls, " "), "0/3 1/3 2/3 3/3"; got != want {
			t.Errorf("%d workers: progress %s, want %s", n, got, want)
		}
	}
}

// Workers 0 is one worker below parallelMin rules and GOMAXPROCS (at
// most eight) from there; more workers than rules are one per rule.
func TestWorkersFor(t *testing.T) {
	procs := min(runtime.GOMAXPROCS(0), 8)
	for _, c := range []struct{ workers, total, want int }{
		{0, 0, 1}, {0, 1, 1}, {0, parallelMin - 1, 1}, {0, parallelMin, procs}, {0, 100000, procs},
		{1, 100000, 1}, {2, 100000, 2}, {8, 3, 3}, {8, 0, 1},
	} {
		if got := workersFor(c.workers, c.total); got != c.want {
			t.Errorf("workersFor(%d, %d) = %d, want %d", c.workers, c.total, got, c.want)
		}
	}
	// The cap, whatever this machine has.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range [][2]int{{3, 3}, {8, 8}, {16, 8}, {64, 8}} {
		runtime.GOMAXPROCS(c[0])
		if got := workersFor(0, 100000); got != c[1] {
			t.Errorf("GOMAXPROCS %d: workersFor(0, 100000) = %d, want %d", c[0], got, c[1])
		}
	}
	s := NewSet(sgsim.FirstMatch, sgsim.Group{ID: "g"})
	if _, err := LintSetWith(s, LintOptions{Workers: -1}); err == nil || !strings.Contains(err.Error(), "-1 workers") {
		t.Errorf("LintSetWith -1 workers: %v", err)
	}
	if _, err := LintWith(sgsim.NetworkSpec{}, LintOptions{Workers: -2}); err == nil || !strings.Contains(err.Error(), "-2 workers") {
		t.Errorf("LintWith -2 workers: %v", err)
	}
}

// A panic in a worker reaches the caller, as it would from one worker,
// and the other workers stop.
func TestLintWorkerPanic(t *testing.T) {
	defer func() { lintHook = nil }()
	// The others take a millisecond a rule: left to go on, they would
	// start all 50 well after rule 7's panic.
	var started atomic.Int64
	lintHook = func(d sgsim.Direction, ri int) {
		started.Add(1)
		if ri == 7 {
			panic("rule 7")
		}
		time.Sleep(time.Millisecond)
	}
	defer func() {
		if p := recover(); p != "rule 7" {
			t.Errorf("recovered %v, want the worker's panic", p)
		}
		if n := started.Load(); n == 50 {
			t.Errorf("%d rules of 50 started: the other workers did not stop", n)
		}
	}()
	LintSetWith(NewSet(sgsim.FirstMatch, tcpGroup(50)), LintOptions{Workers: 3})
	t.Error("no panic")
}

// tcpGroup is group g of n ingress rules, each allowing one TCP port.
func tcpGroup(n int) sgsim.Group {
	g := sgsim.Group{ID: "g"}
	for i := range n {
		g.Rules = append(g.Rules, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d id r%d", 100+i, i)))
	}
	return g
}

// table.own shares every field of a table that is read only once built
// and gives the worker its own of the rest. A field added to table must
// be put in one list or the other here (and in own when shared): a
// shared field own leaves out would be missing in a worker's copy, an
// own one it copies would be written by two workers at once.
func TestTableOwnFields(t *testing.T) {
	shared := []string{"v6", "proto", "full", "boxes", "b32", "rule", "first", "end", "idx"}
	own := []string{"dec", "after", "cov", "opened", "pts", "addrs", "addrText", "partText", "ports"}
	rules := []*sgsim.Rule{ptrTo(sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8 id a")), ptrTo(sgsim.MustParseRule("ingress deny any id b"))}
	base := newTable(rules, false, sgsim.TCP)
	// Fill every cache and scratch field, as a lint would.
	base.pts, base.opened = make([]point, len(base.boxes)), make([]int8, len(base.boxes))
	base.cellsOf(base.full, 0, int32(len(base.boxes)), nil)
	base.cellsAfter(base.full, 0, nil)
	base.open(base.full, 1, 10)
	base.regionText(base.full, base.space(base.full), "")
	c := base.own()
	bv, cv := reflect.ValueOf(base).Elem(), reflect.ValueOf(c).Elem()
	for i := range bv.NumField() {
		name := bv.Type().Field(i).Name
		switch {
		case slices.Contains(shared, name):
			if bv.Field(i).IsZero() && name != "v6" {
				t.Errorf("%s: zero in the built table: the test does not check it", name)
			}
			if !reflect.DeepEqual(fieldValue(cv.Field(i)), fieldValue(bv.Field(i))) {
				t.Errorf("%s: not shared by own", name)
			}
		case slices.Contains(own, name):
			if bv.Field(i).IsZero() {
				t.Errorf("%s: zero in the used table: the test does not check it", name)
			}
			if !cv.Field(i).IsZero() {
				t.Errorf("%s: copied by own: the workers would share it", name)
			}
		default:
			t.Errorf("table.%s: neither shared nor a worker's own: say which in own and in this test", name)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

// fieldValue is the value of f, an unexported field of an addressable struct.
func fieldValue(f reflect.Value) any {
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
}

// A panic in Progress (or a runtime.Goexit, as t.FailNow in it would
// do) stops the workers before it leaves LintSetWith: none goes on
// linting the rest of the set behind the caller's back.
func TestLintProgressPanicStopsWorkers(t *testing.T) {
	defer func() { lintHook = nil }()
	var started atomic.Int64
	lintHook = func(d sgsim.Direction, ri int) {
		started.Add(1)
		time.Sleep(time.Millisecond)
	}
	func() {
		defer func() {
			if p := recover(); p != "stop" {
				t.Errorf("recovered %v, want Progress's panic", p)
			}
		}()
		LintSetWith(NewSet(sgsim.FirstMatch, tcpGroup(300)), LintOptions{Workers: 3, Progress: func(done, total int) {
			if done == 1 {
				panic("stop")
			}
		}})
		t.Error("no panic")
	}()
	at := started.Load()
	time.Sleep(50 * time.Millisecond)
	if n := started.Load(); n != at {
		t.Errorf("%d rules started when the panic left LintSetWith, %d 50 ms later (of 300): the workers went on", at, n)
	}
}
