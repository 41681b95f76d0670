package sgsim_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
	"pgregory.net/rapid"
)

// BuildNetwork finds overlapping endpoints by sorting and the endpoint of
// an address by binary search; both are checked here against brute force
// on a 32-address space: the first endpoint (in order) whose addresses
// overlap an earlier one's is the one the error names, and in a network
// that builds, every address's trace names the endpoint that holds it.
func TestEndpointsOverlapAndLookupBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "endpoints")
		var eps []sgsim.Endpoint
		for i := 0; i < n; i++ {
			var b netipx.IPSetBuilder
			for k := rapid.IntRange(1, 3).Draw(t, "ranges"); k > 0; k-- {
				lo := rapid.IntRange(0, 31).Draw(t, "lo")
				hi := rapid.IntRange(lo, min(31, lo+rapid.IntRange(0, 6).Draw(t, "len"))).Draw(t, "hi")
				b.AddRange(netipx.IPRangeFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(lo)}), netip.AddrFrom4([4]byte{10, 0, 0, byte(hi)})))
			}
			if rapid.Bool().Draw(t, "v6") {
				b.Add(netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", rapid.IntRange(0, 31).Draw(t, "v6 addr"))))
			}
			set, _ := b.IPSet()
			eps = append(eps, sgsim.Endpoint{Name: fmt.Sprintf("e%d", i), Addrs: sgsim.AddrsOf(set)})
		}
		want := -1
		var seen netipx.IPSetBuilder
		for i, e := range eps {
			cur, _ := seen.IPSet()
			if cur.Overlaps(e.Addrs.Set()) {
				want = i
				break
			}
			seen.AddSet(e.Addrs.Set())
		}
		net, err := sgsim.BuildNetwork(sgsim.NetworkSpec{Endpoints: eps})
		if want >= 0 {
			msg := fmt.Sprintf(`sgsim: network: endpoint "e%d": addresses %s overlap another endpoint's`, want, eps[want].Addrs)
			if err == nil || err.Error() != msg {
				t.Fatalf("error %v, want %s", err, msg)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []string{"10.0.0.", "2001:db8::"} {
			for k := 0; k < 32; k++ {
				addr := netip.MustParseAddr(a + fmt.Sprint(k))
				if a != "10.0.0." {
					addr = netip.MustParseAddr(fmt.Sprintf("%s%x", a, k))
				}
				holder := ""
				for _, e := range eps {
					if e.Addrs.Contains(addr) {
						holder = e.Name
					}
				}
				f := sgsim.Flow{Proto: sgsim.TCP, Src: addr, Dst: addr, SrcPort: 40000, DstPort: 80}
				if tr := net.Trace(f); tr.From != holder || tr.To != holder {
					t.Fatalf("%v: trace from %q to %q, want %q", addr, tr.From, tr.To, holder)
				}
			}
		}
	})
}
