package nicx

import (
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		s    string
		k    Kind
		want string // the prefix, or the message
	}{
		{"10.0.0.1", Host4, "10.0.0.1/32"},
		{"10.0.0.1", HostAny, "10.0.0.1/32"},
		{"2001:db8::1", HostAny, "2001:db8::1/128"},
		{"2001:db8::1", Host4, "want an IPv4 address"},
		{"10.0.0.1", Host6, "want an IPv6 address"},
		{"::ffff:10.0.0.1", Host6, "want an IPv6 address"}, // IPv4-mapped: neither family's plain form
		{"fe80::1%eth0", HostAny, "want an IP address"},    // zoned
		{"10.0.0.0/24", Host4, "want an IPv4 address"},     // a block is not an address
		{" 10.0.0.1", Host4, "want an IPv4 address"},       // no trimming
		{"10.0.0.0/24", Prefix4, "10.0.0.0/24"},
		{"10.0.0.1/24", Prefix4, "host bits set; want 10.0.0.0/24"},
		{"10.0.0.0/24", Prefix6, "want an IPv6 CIDR block"},
		{"2001:db8::/64", Prefix6, "2001:db8::/64"},
		{"::ffff:10.0.0.0/120", Prefix6, "want an IPv6 CIDR block"},
		{"10.0.0.1", Prefix4, "want an IPv4 CIDR block"}, // a block needs its length
	} {
		p, msg := Parse(tc.s, tc.k)
		got := msg
		if msg == "" {
			got = p.String()
		}
		if got != tc.want {
			t.Errorf("Parse(%q, %v) = %q, want %q", tc.s, tc.k, got, tc.want)
		}
	}
}
