package analyze

import (
	"fmt"
	"testing"

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
			run := func(on bool) string {
				prune = on
				fs, err := LintSet(s)
				if err != nil {
					t.Fatal(err)
				}
				return fmt.Sprint(fs)
			}
			if off, on := run(false), run(true); on != off {
				t.Fatalf("lint with the shortcuts:\n%s\nwithout pruning:\n%s", on, off)
			}
		})
	}
	for i := range shortcuts {
		if shortcuts[i].Load() == before[i] {
			t.Errorf("shortcut %d never taken", i)
		}
	}
}
