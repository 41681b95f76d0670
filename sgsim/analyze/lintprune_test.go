package analyze

import (
	"fmt"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Lint's shortcuts for large sets (lintprune.go) change no finding, no
// witness and no order: lint with them, at thresholds low enough that
// every cut takes them and bounds low enough that some give up, prints
// the same findings as lint without any pruning. And each shortcut is
// taken somewhere in the run: one rapid run of 100 sets misses one of
// them about a third of the time, so the check runs again (new sets)
// until every shortcut has been taken, at most 20 times.
func TestLintShortcutsChangeNothing(t *testing.T) {
	saved := [...]int{heavyAt, redBoxAt, redBoxLimit, openLimit, localLimit}
	defer func() {
		prune = true
		heavyAt, redBoxAt, redBoxLimit, openLimit, localLimit = saved[0], saved[1], saved[2], saved[3], saved[4]
	}()
	var before [len(shortcuts)]int64
	for i := range shortcuts {
		before[i] = shortcuts[i].Load()
	}
	limits := []int{1, 3, 20, 200000}
	allTaken := func() bool {
		for i := range shortcuts {
			if shortcuts[i].Load() == before[i] {
				return false
			}
		}
		return true
	}
	for round := 0; round < 20 && !allTaken() && !t.Failed(); round++ {
		rapid.Check(t, func(t *rapid.T) {
			sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
			s := sizedSet(t, sem, "", drawSize(t, "set"))
			heavyAt = rapid.IntRange(1, 6).Draw(t, "heavyAt")
			redBoxAt = rapid.IntRange(1, 4).Draw(t, "redBoxAt")
			redBoxLimit = rapid.SampledFrom(limits).Draw(t, "redBoxLimit")
			openLimit = rapid.SampledFrom(limits).Draw(t, "openLimit")
			localLimit = rapid.SampledFrom(limits).Draw(t, "localLimit")
			lintSame(t, s)
		})
	}
	for i := range shortcuts {
		if shortcuts[i].Load() == before[i] {
			t.Errorf("shortcut %d never taken", i)
		}
	}
}

// redCheck.region (a redundant rule's cells are taken only where they
// meet a rule after it not met yet) is reached about four times in the
// hundred sets above, too rarely to catch a region that leaves out a
// wanted box. Sets of many overlapping rules of one action and few
// shapes (the rule's flows decided by several rules after it) reach it
// in most runs: with redBoxAt 1 and 2, lint prints the same findings
// with the shortcuts as without.
func TestLintRegionChangesNothing(t *testing.T) {
	saved := [...]int{heavyAt, redBoxAt}
	defer func() {
		prune = true
		heavyAt, redBoxAt = saved[0], saved[1]
	}()
	before := shortcuts[3].Load()
	srcs := []sgsim.Addrs{{}, sgsim.MustParseAddrs("10.0.0.0/28"), sgsim.MustParseAddrs("10.0.0.0/29"), sgsim.MustParseAddrs("10.0.0.8/29"), sgsim.MustParseAddrs("10.0.0.4/30")}
	protos := []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.ICMP, sgsim.GRE}
	check := func(t *rapid.T) {
		sem := rapid.SampledFrom([]sgsim.Semantics{sgsim.FirstMatch, sgsim.Union, sgsim.Huawei}).Draw(t, "semantics")
		var g sgsim.Group
		g.ID = "g"
		for k := range rapid.IntRange(4, 40).Draw(t, "rules") {
			r := sgsim.Rule{ID: fmt.Sprint("r", k), Direction: sgsim.Ingress, Action: sgsim.Allow}
			if sem != sgsim.Union && rapid.IntRange(0, 7).Draw(t, "deny") == 0 {
				r.Action = sgsim.Deny
			}
			if lo, hi, used := sem.PriorityRange(); used {
				r.Priority = rapid.IntRange(lo, min(hi, lo+1)).Draw(t, "priority")
			}
			r.Protocol = rapid.SampledFrom(protos).Draw(t, "proto")
			r.Src = rapid.SampledFrom(srcs).Draw(t, "src")
			if r.Protocol == sgsim.TCP && rapid.Bool().Draw(t, "has dport") {
				a := uint16(rapid.IntRange(20, 22).Draw(t, "dport"))
				r.DstPorts = sgsim.Ports{{First: a, Last: a + 1}}
			}
			g.Rules = append(g.Rules, r)
		}
		s := NewSet(sem, g)
		heavyAt = rapid.IntRange(1, 3).Draw(t, "heavyAt")
		redBoxAt = rapid.IntRange(1, 2).Draw(t, "redBoxAt")
		lintSame(t, s)
	}
	for range 5 { // 100 sets catch a region cut to its first box about two times in three
		rapid.Check(t, check)
	}
	if shortcuts[3].Load() == before {
		t.Error("no part left out for redCheck.region")
	}
}

// lintSame fails t unless lint prints the same findings for s with the
// shortcuts (prune) as without; the lint with them runs on 1, 2, 3 or 8
// workers.
func lintSame(t *rapid.T, s Set) {
	n := rapid.SampledFrom([]int{1, 2, 3, 8}).Draw(t, "workers")
	run := func(on bool, n int) string {
		prune = on
		fs, err := LintSetWith(s, LintOptions{Workers: n})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(fs)
	}
	if off, on := run(false, 1), run(true, n); on != off {
		t.Fatalf("lint with the shortcuts on %d workers:\n%s\nwithout pruning:\n%s", n, on, off)
	}
}
