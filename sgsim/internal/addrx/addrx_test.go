package addrx

import (
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Cover holds both addresses, and no prefix one bit longer does: checked
// on random pairs of either family.
func TestCover(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v6 := rapid.Bool().Draw(t, "v6")
		addr := func(label string) netip.Addr {
			if v6 {
				var b [16]byte
				copy(b[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, label))
				return netip.AddrFrom16(b)
			}
			var b [4]byte
			copy(b[:], rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, label))
			return netip.AddrFrom4(b)
		}
		lo, hi := addr("lo"), addr("hi")
		if hi.Less(lo) {
			lo, hi = hi, lo
		}
		p := Cover(lo, hi)
		if !p.IsValid() || !p.Contains(lo) || !p.Contains(hi) {
			t.Fatalf("Cover(%v, %v) = %v: does not hold both", lo, hi, p)
		}
		if p.Bits() < lo.BitLen() {
			if q, _ := lo.Prefix(p.Bits() + 1); q.Contains(hi) {
				t.Fatalf("Cover(%v, %v) = %v; %v holds both too", lo, hi, p, q)
			}
		}
	})
	for _, c := range []struct{ lo, hi, want string }{
		{"10.0.0.5", "10.0.0.5", "10.0.0.5/32"},
		{"10.0.0.5", "10.0.0.9", "10.0.0.0/28"},
		{"10.0.0.10", "10.0.0.14", "10.0.0.8/29"},
		{"0.0.0.0", "255.255.255.255", "0.0.0.0/0"},
		{"2001:db8::1", "2001:db8::ff", "2001:db8::/120"},
	} {
		if got := Cover(netip.MustParseAddr(c.lo), netip.MustParseAddr(c.hi)); got.String() != c.want {
			t.Errorf("Cover(%s, %s) = %v; want %s", c.lo, c.hi, got, c.want)
		}
	}
	if got := Cover(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("::1")); got.IsValid() {
		t.Errorf("Cover of two families = %v; want the zero Prefix", got)
	}
}

func TestFamily(t *testing.T) {
	a := sgsim.MustParseAddrs("10.0.0.0/8,192.168.1.5-192.168.1.9,2001:db8::/64")
	for _, c := range []struct {
		v6   bool
		want string
	}{{false, "10.0.0.0/8,192.168.1.5-192.168.1.9"}, {true, "2001:db8::/64"}} {
		if got := Family(a, c.v6); !got.Equal(sgsim.MustParseAddrs(c.want)) {
			t.Errorf("Family(%v, v6 %v) = %v; want %s", a, c.v6, got, c.want)
		}
	}
	if got := Family(sgsim.MustParseAddrs("10.0.0.0/8"), true); !got.IsEmpty() {
		t.Errorf("no IPv6: %v; want none", got)
	}
	if got := Family(sgsim.AnyAddrs(), false); !got.IsEmpty() {
		t.Errorf("any: %v; want none (callers resolve any before)", got)
	}
}
