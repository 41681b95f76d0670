// Package testhost picks the host address a test flow uses in a range of
// addresses, the one rule shared by sgsim.Space.TestFlow and the witnesses
// of package analyze.
package testhost

import "net/netip"

var (
	thisNet4   = netip.MustParsePrefix("0.0.0.0/8")
	firstHost4 = netip.MustParseAddr("1.0.0.0")
	global6    = netip.MustParseAddr("2000::")
)

// In returns a host of the range lo-hi other than avoid, with ok true,
// when the range holds one; past 0.0.0.0/8 and below 2000:: where the
// range reaches beyond them, and the second address of three or more,
// so that a person could send the flow. When avoid is the only address
// the rule would pick, In returns it with ok false.
func In(lo, hi, avoid netip.Addr) (h netip.Addr, ok bool) {
	first := lo
	switch {
	case lo.Is4() && thisNet4.Contains(lo) && firstHost4.Compare(hi) <= 0:
		lo = firstHost4
	case lo.Is6() && lo.Less(global6) && global6.Compare(hi) <= 0:
		lo = global6
	}
	pick := lo
	if n := lo.Next(); n.IsValid() && n.Less(hi) { // three or more addresses
		pick = n
	}
	if pick != avoid {
		return pick, true
	}
	if n := pick.Next(); n.IsValid() && n.Compare(hi) <= 0 {
		return n, true
	}
	if first != avoid {
		return first, true
	}
	return pick, false
}
