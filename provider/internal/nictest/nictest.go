// Package nictest draws random network-interface and subnet listings for
// the vendor readers' round-trip tests (what a writer writes and the
// reader must give back, Origin aside), and builds and checks the
// networks of the vendors' end-to-end tests.
package nictest

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// Options say what a vendor's listing can carry.
type Options struct {
	Names     bool // NIC display names
	Prefixes  bool // delegated prefixes (AWS, Alibaba)
	NoSubnet  bool // a NIC may have no subnet ID
	SubnetACL bool // subnet records name their ACL (Alibaba, Tencent)
}

func host4(t *rapid.T, label string) netip.Prefix {
	b := rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, label)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte(b)), 32)
}

func host6(t *rapid.T, label string) netip.Prefix {
	b := rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, label)
	b[0] = 0x20 // not IPv4-mapped
	return netip.PrefixFrom(netip.AddrFrom16([16]byte(b)), 128)
}

func block(t *rapid.T, v6 bool, label string) netip.Prefix {
	if v6 {
		return netip.PrefixFrom(host6(t, label).Addr(), rapid.IntRange(8, 127).Draw(t, label+" bits")).Masked()
	}
	return netip.PrefixFrom(host4(t, label).Addr(), rapid.IntRange(8, 31).Draw(t, label+" bits")).Masked()
}

// distinct appends the drawn prefixes that overlap none in out.
func distinct(out []netip.Prefix, n int, draw func(int) netip.Prefix) []netip.Prefix {
next:
	for i := 0; i < n; i++ {
		p := draw(i)
		for _, q := range out {
			if q.Overlaps(p) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

// NICs draws up to max interfaces with distinct IDs, addresses in the
// readers' order (IPv4 hosts, IPv6 hosts, IPv4 prefixes, IPv6 prefixes),
// none overlapping another of the same NIC,
// and distinct groups in attachment order.
func NICs(t *rapid.T, o Options, max int) []provider.NIC {
	n := rapid.IntRange(0, max).Draw(t, "nics")
	var out []provider.NIC
	for i := 0; i < n; i++ {
		nic := provider.NIC{ID: fmt.Sprintf("eni-%d%s", i, rapid.StringMatching(`[a-z0-9]{0,6}`).Draw(t, "id"))}
		if o.Names {
			nic.Name = rapid.StringMatching(`[a-zA-Z0-9 _-]{0,12}`).Draw(t, "name")
		}
		if !o.NoSubnet || rapid.Bool().Draw(t, "has subnet") {
			nic.Subnet = fmt.Sprintf("subnet-%d", rapid.IntRange(0, 3).Draw(t, "subnet"))
		}
		nic.Addrs = distinct(nic.Addrs, rapid.IntRange(1, 3).Draw(t, "v4"), func(int) netip.Prefix { return host4(t, "h4") })
		nic.Addrs = distinct(nic.Addrs, rapid.IntRange(0, 2).Draw(t, "v6"), func(int) netip.Prefix { return host6(t, "h6") })
		if o.Prefixes {
			nic.Addrs = distinct(nic.Addrs, rapid.IntRange(0, 2).Draw(t, "p4"), func(int) netip.Prefix { return block(t, false, "p4") })
			nic.Addrs = distinct(nic.Addrs, rapid.IntRange(0, 1).Draw(t, "p6"), func(int) netip.Prefix { return block(t, true, "p6") })
		}
		gs := rapid.SliceOfNDistinct(rapid.StringMatching(`sg-[a-z0-9]{1,8}`), 0, 5, rapid.ID[string]).Draw(t, "groups")
		if len(gs) > 0 {
			nic.Groups = gs
		}
		out = append(out, nic)
	}
	return out
}

// Subnets draws up to max subnets with distinct IDs, an IPv4 block and
// maybe an IPv6 one, and (SubnetACL) maybe an ACL ID.
func Subnets(t *rapid.T, o Options, max int) []provider.Subnet {
	n := rapid.IntRange(0, max).Draw(t, "subnets")
	var out []provider.Subnet
	for i := 0; i < n; i++ {
		s := provider.Subnet{ID: fmt.Sprintf("subnet-%d%s", i, rapid.StringMatching(`[a-z0-9]{0,6}`).Draw(t, "id")),
			Prefixes: []netip.Prefix{netip.PrefixFrom(host4(t, "v4").Addr(), rapid.IntRange(8, 32).Draw(t, "v4 bits")).Masked()}}
		if rapid.Bool().Draw(t, "v6") {
			s.Prefixes = append(s.Prefixes, block(t, true, "v6"))
		}
		if o.SubnetACL && rapid.Bool().Draw(t, "acl") {
			s.ACL = "acl-" + rapid.StringMatching(`[a-z0-9]{1,8}`).Draw(t, "acl id")
		}
		out = append(out, s)
	}
	return out
}

// Build reads the hand-written topology topo, places the listings in it
// and builds the network of groups and acls, failing t on any error. It
// returns the network and the warnings of Place and Build, as text.
func Build(t testing.TB, topo string, p provider.Placement, groups, acls []sgsim.Group) (*sgsim.Network, []string) {
	t.Helper()
	top, err := provider.ReadTopology(strings.NewReader(topo))
	if err != nil {
		t.Fatal(err)
	}
	top, warns, err := top.Place(p)
	if err != nil {
		t.Fatal(err)
	}
	n, more, err := top.Build(groups, acls)
	if err != nil {
		t.Fatal(err)
	}
	var ws []string
	for _, w := range append(warns, more...) {
		ws = append(ws, w.String())
	}
	return n, ws
}

// Case is one flow and its hand-derived fate.
type Case struct {
	Flow     string
	Allowed  bool
	Dropped  sgsim.Hop // NoHop when allowed
	From, To string    // the endpoints the trace names
}

// Check runs each case through Decide and Trace, which must agree with
// it and with each other.
func Check(t testing.TB, n *sgsim.Network, cases []Case) {
	t.Helper()
	for _, c := range cases {
		f := sgsim.MustParseFlow(c.Flow)
		d := n.Decide(f)
		tr := n.Trace(f)
		if d.Allowed != c.Allowed || d.Hop != c.Dropped || tr.Allowed != c.Allowed || tr.From != c.From || tr.To != c.To {
			t.Errorf("%s: %+v; want allowed=%v dropped at %v from %q to %q\n%s", c.Flow, d, c.Allowed, c.Dropped, c.From, c.To, tr)
		}
	}
}

// ReachSources runs q and returns its outcome and the sources of its
// allowed regions, as text.
func ReachSources(t testing.TB, n *sgsim.Network, q sgsim.Query) (sgsim.Outcome, []string) {
	t.Helper()
	r, err := n.Reach(q)
	if err != nil {
		t.Fatal(err)
	}
	var src []string
	for _, reg := range r.Allowed {
		src = append(src, reg.Src.String())
	}
	return r.Outcome, src
}
