package testhost

import (
	"net/netip"
	"testing"
)

func TestIn(t *testing.T) {
	a := netip.MustParseAddr
	var none netip.Addr
	for _, c := range []struct {
		lo, hi, avoid string
		want          string
		ok            bool
	}{
		{"10.0.0.0", "10.0.0.255", "", "10.0.0.1", true},    // second of three or more
		{"10.0.0.0", "10.0.0.1", "", "10.0.0.0", true},      // two: the first
		{"10.0.0.7", "10.0.0.7", "", "10.0.0.7", true},      // one
		{"0.0.0.0", "255.255.255.255", "", "1.0.0.1", true}, // past 0.0.0.0/8
		{"0.0.0.0", "0.255.255.255", "", "0.0.0.1", true},   // inside 0.0.0.0/8 only
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", "2000::1", true},
		{"10.0.0.0", "10.0.0.255", "10.0.0.1", "10.0.0.2", true}, // avoid the pick: the next
		{"10.0.0.0", "10.0.0.1", "10.0.0.0", "10.0.0.1", true},   // two, avoid the first
		{"10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2", true},
		{"10.0.0.7", "10.0.0.7", "10.0.0.7", "10.0.0.7", false}, // only avoid
		{"255.255.255.255", "255.255.255.255", "255.255.255.255", "255.255.255.255", false},
	} {
		av := none
		if c.avoid != "" {
			av = a(c.avoid)
		}
		h, ok := In(a(c.lo), a(c.hi), av)
		if h != a(c.want) || ok != c.ok {
			t.Errorf("In(%s, %s, avoid %s) = %s, %v; want %s, %v", c.lo, c.hi, c.avoid, h, ok, c.want, c.ok)
		}
	}
}
