// Package addrx holds the address helpers that several packages under
// sgsim/ need and the public API does not offer: the narrowest prefix
// holding two addresses, and one address family of a set.
package addrx

import (
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Cover returns the narrowest prefix holding lo and hi, which are valid
// addresses of one family; the zero Prefix when they are not.
func Cover(lo, hi netip.Addr) netip.Prefix {
	if !lo.IsValid() || !hi.IsValid() || lo.Is4() != hi.Is4() {
		return netip.Prefix{}
	}
	for bits := lo.BitLen(); bits >= 0; bits-- {
		p, _ := lo.Prefix(bits)
		if p.Contains(hi) {
			return p
		}
	}
	return netip.Prefix{}
}

// Family returns the addresses of a of one family (IPv6 when v6, else
// IPv4): an empty Addrs when it holds none of them, also for the zero
// Addrs ("any"), whose Ranges are nil. Callers that mean every address
// by the zero Addrs resolve it before.
func Family(a sgsim.Addrs, v6 bool) sgsim.Addrs {
	var b netipx.IPSetBuilder
	for _, r := range a.Ranges() {
		if r.From().Is6() == v6 {
			b.AddRange(r)
		}
	}
	s, _ := b.IPSet() // adding valid ranges cannot fail
	return sgsim.AddrsOf(s)
}
