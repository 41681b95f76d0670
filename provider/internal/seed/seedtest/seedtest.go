// Package seedtest holds the checks that the seed-table tests of the
// vendor packages share: the form of a Ports value, the invariants of a
// row that do not depend on the vendor, row counts per table, and that
// the verbatim texts of a row are in its document.
package seedtest

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/internal/seed"
)

var (
	portsRE  = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)
	quotedRE = regexp.MustCompile(`"([^"]*)"`)
)

// CheckPorts reports what is wrong with a Ports value, or "".
func CheckPorts(ports string) string {
	if ports == "" {
		return ""
	}
	if !portsRE.MatchString(ports) {
		return "not a port list"
	}
	for _, part := range strings.Split(ports, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || l < 1 || h > 65535 || l > h {
			return fmt.Sprintf("bad port or range %q", part)
		}
	}
	return ""
}

// Where names a row in messages: "Table 1 row 3".
func Where(r seed.Row) string { return fmt.Sprintf("%s row %d", r.Table, r.Row) }

// CheckRow checks a row's Direction, Action, Protocol (a name or a
// number 0-255; no Ports without port numbers), Ports and Remote (one of
// symbolic, or a canonical CIDR).
func CheckRow(t *testing.T, r seed.Row, symbolic map[seed.Remote]bool) {
	t.Helper()
	w := Where(r)
	if r.Direction != "ingress" && r.Direction != "egress" {
		t.Errorf("%s: Direction %q", w, r.Direction)
	}
	if r.Action != "allow" && r.Action != "deny" {
		t.Errorf("%s: Action %q", w, r.Action)
	}
	switch r.Protocol {
	case "tcp", "udp":
	case "any", "icmp", "icmpv6", "gre":
		if r.Ports != "" {
			t.Errorf("%s: Ports %q with protocol %s", w, r.Ports, r.Protocol)
		}
	default:
		if n, err := strconv.Atoi(r.Protocol); err != nil || n < 0 || n > 255 {
			t.Errorf("%s: Protocol %q", w, r.Protocol)
		}
	}
	if msg := CheckPorts(r.Ports); msg != "" {
		t.Errorf("%s: Ports %q: %s", w, r.Ports, msg)
	}
	if !symbolic[r.Remote] {
		if p, err := netip.ParsePrefix(string(r.Remote)); err != nil || p != p.Masked() {
			t.Errorf("%s: Remote %q is neither symbolic nor a canonical CIDR", w, r.Remote)
		}
	}
}

// CheckCounts checks that rows hold exactly the tables of want, each with
// the number of rows want gives.
func CheckCounts(t *testing.T, rows []seed.Row, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, r := range rows {
		got[r.Table]++
	}
	for name, want := range want {
		if got[name] != want {
			t.Errorf("%s: %d rows, want %d", name, got[name], want)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected table %q", name)
		}
	}
}

// CheckVerbatim checks that r's Purpose, Modifiable and Suggestion, and
// the texts between double quotes in its Note, are in doc, comparing
// both as normalize gives them (doc is already normalized), and that the
// quotes in Note are balanced.
func CheckVerbatim(t *testing.T, r seed.Row, doc string, normalize func(string) string) {
	t.Helper()
	texts := []string{r.Purpose, r.Modifiable, r.Suggestion}
	// In Note, text between double quotes is verbatim.
	for _, m := range quotedRE.FindAllStringSubmatch(r.Note, -1) {
		texts = append(texts, m[1])
	}
	if strings.Count(r.Note, `"`)%2 != 0 {
		t.Errorf("%s: unbalanced quotes in Note", Where(r))
	}
	for _, s := range texts {
		if s != "" && !strings.Contains(doc, normalize(s)) {
			t.Errorf("%s: %q is not in %s", Where(r), s, r.Doc)
		}
	}
}
