package nicx

import (
	"fmt"
	"testing"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
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

// testDec formats errors as path: value: message, like the vendors' do.
var testDec = jsonx.Decoder{Err: func(path, value, msg string) error {
	return fmt.Errorf("%s: %s: %s", path, value, msg)
}}

func TestID(t *testing.T) {
	seen := map[string]string{}
	check := func(path, id, want string) {
		t.Helper()
		err := ID(testDec, path, "Id", id, seen, "want the ENI's ID", "ENI")
		if got := fmt.Sprint(err); err == nil && want != "" || err != nil && got != want {
			t.Errorf("ID(%q, %q) = %v, want %q", path, id, err, want)
		}
	}
	check("X[0]", "", `X[0].Id: "": want the ENI's ID`)
	check("X[1]", "eni-1", "")
	check("X[2]", "eni-2", "")
	check("X[3]", "eni-1", `X[3].Id: "eni-1": ENI listed twice (also at X[1])`)
	if seen["eni-1"] != "X[1]" || seen["eni-2"] != "X[2]" || len(seen) != 2 {
		t.Errorf("seen = %v", seen)
	}
}

func TestBlocks(t *testing.T) {
	for _, tc := range []struct{ v4, v6, want string }{
		{"10.0.0.0/24", "", "[10.0.0.0/24]"},
		{"", "2001:db8::/64", "[2001:db8::/64]"},
		{"10.0.0.0/24", "2001:db8::/64", "[10.0.0.0/24 2001:db8::/64]"},
		{"", "", `S.CidrBlock: "": missing: a vSwitch has CidrBlock or Ipv6CidrBlock`},
		{"10.0.0.1/24", "", `S.CidrBlock: "10.0.0.1/24": host bits set; want 10.0.0.0/24`},
		{"10.0.0.0/24", "10.0.1.0/24", `S.Ipv6CidrBlock: "10.0.1.0/24": want an IPv6 CIDR block`},
	} {
		ps, err := Blocks(testDec, "S", tc.v4, tc.v6, "vSwitch")
		got := fmt.Sprint(ps)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Blocks(%q, %q) = %s, want %s", tc.v4, tc.v6, got, tc.want)
		}
	}
}
