package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium returns a headless-capable Chromium on PATH, or skips: the
// browser is not a Go module, so the test runs where one is installed
// (Debian: apt-get install chromium).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: the map page's browser check needs one (apt-get install chromium)")
	return ""
}

// The CCE tunnel profile's map page, loaded in a real headless browser
// with a square selected: the script runs without errors, the matrix is
// there, and the selected square shows the deciding rules.
func TestMapHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	code, page, errOut := runArgs(t, "map", "-format", "html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "map.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dump := func(url string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0", "--dump-dom", url)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		dom, err := cmd.Output()
		return string(dom), stderr.String(), err
	}
	// A browser that cannot render a plain page here says nothing about
	// the map page.
	plain := filepath.Join(dir, "plain.html")
	if err := os.WriteFile(plain, []byte("<!DOCTYPE html><html><body><p>plain</p></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, stderr, err := dump("file://" + plain); err != nil || !strings.Contains(d, "<p>plain</p>") {
		t.Skipf("%s cannot render a plain page headless here (%v):\n%s", bin, err, stderr)
	}
	// Square 1 is S1 -> D2, nodes to masters: something passes.
	d, stderr, err := dump("file://" + path + "#select=1")
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr)
	}
	if m := regexp.MustCompile(`data-ready="(\d+)"`).FindStringSubmatch(d); m == nil || m[1] == "0" {
		t.Errorf("the page's script did not finish (no data-ready); stderr:\n%s", stderr)
	}
	if strings.Contains(stderr, "Uncaught") {
		t.Errorf("script error:\n%s", stderr)
	}
	n := strings.Count(d, `<rect class="cell`)
	if n < 4 {
		t.Errorf("%d squares in the matrix", n)
	}
	// Not colour alone: every square has a symbol, and the legend says
	// what each symbol and colour means.
	if k := len(regexp.MustCompile(`<text class="sym"[^>]*>[–●◐→]</text>`).FindAllString(d, -1)); k != n {
		t.Errorf("%d symbols for %d squares", k, n)
	}
	if k := strings.Count(d, `<li data-kind="`); k != 4 || !strings.Contains(d, `<ul id="legend">`) || !strings.Contains(d, "◐</span> round trip, but not every flow") {
		t.Errorf("legend: %d entries\n%s", k, d)
	}
	for _, s := range []string{`class="cell sel"`, "S1 (nodes) -&gt; D2 (masters)", "deciding rules, for ", "destination ingress [masters]: allow: rule"} {
		if !strings.Contains(d, s) {
			t.Errorf("selected square: DOM lacks %q\n%s", s, d[strings.Index(d, `<div id="detail">`):][:min(2000, len(d)-strings.Index(d, `<div id="detail">`))])
		}
	}
}
