package netx

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
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

// NetipReason keeps what netip says is wrong and drops the calls it
// leads with, however many, also when the value holds their "): ".
func TestNetipReason(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{prefixErr("10.0.0.256/8"), "IPv4 field has value >255"},
		{prefixErr("10.0.0.0/33"), "prefix length out of range"},
		{prefixErr("1.2.3.x): y/8"), `unexpected character (at "x): y")`},
		{prefixErr("1.2.3.4/x): 5"), `bad bits after slash: "x): 5"`},
		{addrErr("a(b): c"), `unexpected character, want colon (at "(b): c")`},
		{addrErr(""), "unable to parse IP"},
		{errors.New("no lead (at all): here"), "no lead (at all): here"},
	} {
		if got := NetipReason(tc.err); got != tc.want {
			t.Errorf("NetipReason(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func prefixErr(s string) error {
	_, err := netip.ParsePrefix(s)
	return err
}

func addrErr(s string) error {
	_, err := netip.ParseAddr(s)
	return err
}

func TestPorts(t *testing.T) {
	const want = "want ports"
	for _, tc := range []struct{ in, out, err string }{
		{"80", "80", ""},
		{"443,80", "80,443", ""},   // sorted by Normalize
		{"1-30,20-40", "1-40", ""}, // overlapping ranges merge
		{"65535", "65535", ""},
		{"0", "", want},                      // ports start at 1
		{"65536", "", want},                  // above the largest port
		{"+80", "", want},                    // digits only
		{"80,", "", `item 2 "": want ports`}, // empty element, named in a list
		// The reader quotes the whole value: a value of one item is not
		// repeated, an item of several is named.
		{"30-1", "", `first port above last port`},
		{"22,30-1", "", `item 2 "30-1": first port above last port`},
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

func TestACLOrder(t *testing.T) {
	r := func(s string, prio int) sgsim.Rule {
		x := sgsim.MustParseRule(s)
		x.Priority = prio
		return x
	}
	rules := []sgsim.Rule{
		r("egress allow any id e2", 2), r("ingress allow any id i3", 3), r("ingress deny any id i1", 1),
		r("egress deny any id e1", 1), r("ingress allow tcp 22 id i1b", 1),
	}
	order, err := ACLOrder(rules)
	if err != nil {
		t.Fatal(err)
	}
	// Stable: i1 (index 2) before i1b (index 4), both priority 1.
	if want := [2][]int{{2, 4, 1}, {3, 0}}; !slices.Equal(order[0], want[0]) || !slices.Equal(order[1], want[1]) {
		t.Errorf("order %v; want %v", order, want)
	}
	bad := append(slices.Clone(rules), r("ingress allow any id x", 9))
	bad[5].Direction = 2
	if _, err := ACLOrder(bad); err == nil || err.Error() != ` rule 5 ("x"): direction 2: want ingress or egress` {
		t.Errorf("bad direction: %v", err)
	}
	many := make([]sgsim.Rule, 32767)
	if _, err := ACLOrder(many); err == nil || err.Error() != `: 32767 ingress rules: more than 32766, which the reader (and sgsim.ACL) cannot number` {
		t.Errorf("too many: %v", err)
	}
}
