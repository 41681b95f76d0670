package netx

import (
	"net/netip"
	"testing"
)

func TestPrefix(t *testing.T) {
	for _, tc := range []struct {
		in, want, msg string
	}{
		{"10.0.0.0/8", "10.0.0.0/8", ""},
		{"10.0.0.1", "10.0.0.1/32", ""},
		{"fd00::1", "fd00::1/128", ""},
		{"10.0.0.1/8", "", "host bits set; want 10.0.0.0/8"},
		{"fe80::1%eth0", "", "want an IP address or CIDR block"},
		{"10.0.0.0/33", "", "want an IP address or CIDR block"},
		{"", "", "want an IP address or CIDR block"},
	} {
		p, msg := Prefix(tc.in)
		if msg != tc.msg {
			t.Errorf("Prefix(%q) message %q, want %q", tc.in, msg, tc.msg)
			continue
		}
		if msg == "" && p != netip.MustParsePrefix(tc.want) {
			t.Errorf("Prefix(%q) = %v, want %s", tc.in, p, tc.want)
		}
	}
}

func TestPorts(t *testing.T) {
	const want = "want ports"
	for _, tc := range []struct{ in, out, err string }{
		{"80", "80", ""},
		{"443,80", "80,443", ""},   // sorted by Normalize
		{"1-30,20-40", "1-40", ""}, // overlapping ranges merge
		{"65535", "65535", ""},
		{"0", "", want},     // ports start at 1
		{"65536", "", want}, // above the largest port
		{"+80", "", want},   // digits only
		{"80,", "", want},   // empty element
		{"30-1", "", `range "30-1" has its first port above its last`},
	} {
		ps, err := Ports(tc.in, want)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("Ports(%q) error %v, want %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("Ports(%q): %v", tc.in, err)
		case ps.String() != tc.out:
			t.Errorf("Ports(%q) = %s, want %s", tc.in, ps, tc.out)
		}
	}
}
