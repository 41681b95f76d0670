package flowlog

import (
	"net/netip"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestParseIPv4MatchesNetip pins the allocation-free IPv4 parser to
// netip.ParseAddr on colon-free text.
func TestParseIPv4MatchesNetip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(
			rapid.StringMatching(`[0-9.]{0,18}`),
			rapid.StringMatching(`(0|[1-9][0-9]{0,3}|0[0-9]{1,2})(\.(0|[1-9][0-9]{0,3}|0[0-9]{1,2})){0,4}`),
			rapid.String(),
		).Filter(func(s string) bool { return !strings.Contains(s, ":") }).Draw(t, "s")
		got, gotOK, _ := parseAddr([]byte(s))
		want, err := netip.ParseAddr(s)
		if gotOK != (err == nil) || gotOK && got != want {
			t.Fatalf("parseAddr(%q) = %v, %v; netip.ParseAddr = %v, %v", s, got, gotOK, want, err)
		}
	})
}
