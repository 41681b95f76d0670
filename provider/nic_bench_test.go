package provider

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

// BenchmarkPlaceBuild places n single-address NICs of one group in one
// subnet and builds the network: the cost of reading a large VPC's
// listing, which must grow near-linearly with n.
func BenchmarkPlaceBuild(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		var nics []NIC
		for i := 0; i < n; i++ {
			a := netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 1})
			nics = append(nics, NIC{ID: fmt.Sprintf("eni-%d", i), Addrs: []netip.Prefix{netip.PrefixFrom(a, 32)}, Subnet: "s", Groups: []string{"sg-a"}})
		}
		groups := []sgsim.Group{{ID: "sg-a", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 from group sg-a"), sgsim.MustParseRule("egress allow any")}}}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				top, _, err := (Topology{Cloud: sgsim.Union}).Place(Placement{NICs: nics, Subnets: []Subnet{{ID: "s", Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}})
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := top.Build(groups, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
