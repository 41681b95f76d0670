package sgsim_test

import (
	"fmt"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

// ResolveAddrs: every item kind, and an error for each way a name can be
// wrong, saying which item and why.
func TestResolveAddrs(t *testing.T) {
	eps := []sgsim.Endpoint{
		{Name: "nodes", Addrs: sgsim.MustParseAddrs("192.168.0.0/24")},
		{Name: "masters", Addrs: sgsim.MustParseAddrs("192.168.1.0/28")},
		{Name: "a,b", Addrs: sgsim.MustParseAddrs("10.9.0.1")},
		{Name: "nodes", Addrs: sgsim.MustParseAddrs("10.8.0.0/16")}, // a second "nodes": the first counts
	}
	for _, c := range []struct {
		in, want, err string
	}{
		{in: "nodes", want: "192.168.0.0/24"},
		{in: " nodes , masters ", want: "192.168.0.0/24,192.168.1.0/28"},
		{in: "nodes,10.0.0.5-10.0.0.9,2001:db8::/64", want: "10.0.0.5-10.0.0.9,192.168.0.0/24,2001:db8::/64"},
		{in: "a,b", want: "10.9.0.1"},
		{in: "", err: "empty: want endpoint names or addresses"},
		{in: "  ", err: "empty: want endpoint names or addresses"},
		{in: "nodes,", err: `"nodes,": item 2 is empty`},
		{in: ",nodes", err: `",nodes": item 1 is empty`},
		{in: "nodes, ,masters", err: `"nodes, ,masters": item 2 is empty`},
		{in: "any", err: `"any": name endpoints or address ranges (0.0.0.0/0 for every IPv4 address, ::/0 for every IPv6 address)`},
		{in: "nodes,None", err: `"None": name endpoints or address ranges (0.0.0.0/0 for every IPv4 address, ::/0 for every IPv6 address)`},
		{in: "workers", err: `"workers": neither an endpoint nor an address, prefix or range (endpoints: nodes, masters, a,b)`},
		{in: "10.0.0.1/8", err: `"10.0.0.1/8": no endpoint, and not an address, prefix or range: host bits set; did you mean 10.0.0.0/8?`},
		{in: "fe80::1%eth0", err: `"fe80::1%eth0": no endpoint, and not an address, prefix or range: zoned address not allowed`},
		{in: "10.0.0.300", err: `"10.0.0.300": no endpoint, and not an address, prefix or range: IPv4 field has value >255`},
	} {
		got, err := sgsim.ResolveAddrs(c.in, eps)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: error %v, want %s", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !got.Equal(sgsim.MustParseAddrs(c.want)) {
			t.Errorf("%q: %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	if _, err := sgsim.ResolveAddrs("x", nil); err == nil || err.Error() != `"x": neither an endpoint nor an address, prefix or range (endpoints: none: the network has no endpoints)` {
		t.Errorf("no endpoints: %v", err)
	}
	// A long listing (a NIC listing names thousands) is cut after 20
	// distinct names, saying how many more there are.
	var many []sgsim.Endpoint
	for i := range 25 {
		many = append(many, sgsim.Endpoint{Name: fmt.Sprintf("n%d", i), Addrs: sgsim.MustParseAddrs(fmt.Sprintf("10.0.0.%d", i))})
	}
	many = append(many, many[0])
	want := `"x": neither an endpoint nor an address, prefix or range (endpoints: n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19, and 5 more)`
	if _, err := sgsim.ResolveAddrs("x", many); err == nil || err.Error() != want {
		t.Errorf("many endpoints: %v\nwant %s", err, want)
	}
}

// An endpoint without addresses is refused by name, alone, as the whole
// text, and beside other items: naming it must not widen the side to
// every address (the zero Addrs) nor narrow it to none.
func TestResolveAddrsEndpointWithoutAddresses(t *testing.T) {
	eps := []sgsim.Endpoint{
		{Name: "nodes", Addrs: sgsim.MustParseAddrs("192.168.0.0/24")},
		{Name: "unset"}, // the zero Addrs: "any"
		{Name: "empty", Addrs: sgsim.MustParseAddrs("none")}, // an empty set
		{Name: "a,unset"}, // whole-text match of an unset endpoint
	}
	const unset = `"unset": endpoint has no addresses given (its Addrs is the zero "any"): naming it would mean every address; give the endpoint its addresses, or name addresses, prefixes or ranges`
	const empty = `"empty": endpoint holds no address: naming it would mean no address at all; give the endpoint its addresses, or name addresses, prefixes or ranges`
	for in, want := range map[string]string{
		"unset":             unset,
		"nodes,unset":       unset,
		"unset,nodes":       unset,
		"10.0.0.0/8, unset": unset,
		"empty":             empty,
		"nodes,empty":       empty,
		"a,unset":           `"a,unset": endpoint has no addresses given (its Addrs is the zero "any"): naming it would mean every address; give the endpoint its addresses, or name addresses, prefixes or ranges`,
	} {
		got, err := sgsim.ResolveAddrs(in, eps)
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, error %v; want error %s", in, got, err, want)
		}
	}
	if got, err := sgsim.ResolveAddrs("nodes", eps); err != nil || !got.Equal(sgsim.MustParseAddrs("192.168.0.0/24")) {
		t.Errorf("nodes: %v %v", got, err)
	}
}
