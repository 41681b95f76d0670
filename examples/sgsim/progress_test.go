package main

import (
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// Diff's progress line counts the parts diffed (direction, family and
// protocol class of each set pair, as load.CompareProgress reports
// them), the way lint's counts rules, and follows the count as it moves.
func TestProgressCountDiff(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &progress{w: w}
	var done, total atomic.Int64
	done.Store(3)
	total.Store(16)
	stop := p.count("diff: old -> new", "parts", &done, &total)
	line := make([]byte, 80)
	if _, err := io.ReadFull(r, line); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(line), "\rsgsim diff: old -> new: 3 of 16 parts, ") {
		t.Errorf("first line %q", line)
	}
	done.Store(11)
	// The next line (a second later) shows the new count.
	if _, err := io.ReadFull(r, line); err != nil {
		t.Fatal(err)
	}
	stop()
	w.Close()
	rest, _ := io.ReadAll(r)
	if !strings.HasPrefix(string(line), "\rsgsim diff: old -> new: 11 of 16 parts, ") || !strings.HasSuffix(string(rest), "\r"+strings.Repeat(" ", 79)+"\r") {
		t.Errorf("progress %q then %q", line, rest)
	}
}
