package usage

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// The set never holds more than its limit (memory follows the limit, not
// the addresses seen), every address added stays inside its prefixes, and
// below the limit it is exact.
func TestAddrSetBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, limit := range []int{1, 2, 7, 64} {
		s := newAddrSet(limit)
		var seen []netip.Addr
		for i := range 20000 {
			var a netip.Addr
			if i%3 == 0 {
				var b [16]byte
				b[0], b[1], b[15] = 0x20, 0x01, byte(r.IntN(256))
				b[7] = byte(r.IntN(4))
				a = netip.AddrFrom16(b)
			} else {
				a = netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
			}
			s.add(a)
			if len(s.set) > max(limit, 2) {
				t.Fatalf("limit %d: %d entries after %d addresses", limit, len(s.set), i+1)
			}
			if i%997 == 0 {
				seen = append(seen, a)
			}
		}
		exact, cover, bits := s.prefixes()
		for _, a := range seen {
			in := false
			for _, p := range exact {
				in = in || p.Contains(a)
			}
			if !in {
				t.Fatalf("limit %d: %s not in %v", limit, a, exact)
			}
		}
		if bits == [2]int{32, 128} || len(cover) != 2 {
			t.Errorf("limit %d: bits %v cover %v", limit, bits, cover)
		}
	}
	s := newAddrSet(3)
	for _, a := range []string{"10.0.0.1", "10.0.0.2", "2001:db8::1"} {
		s.add(netip.MustParseAddr(a))
	}
	if exact, _, bits := s.prefixes(); bits != [2]int{32, 128} || len(exact) != 3 {
		t.Errorf("under the limit: %v %v", exact, bits)
	}
}
