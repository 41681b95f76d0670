package sgsim

import (
	"errors"
	"fmt"
	"strings"

	"go4.org/netipx"
)

// ResolveAddrs resolves what a user names as one side of a query or an
// intent: a comma-separated list of endpoint names ("nodes", "masters",
// a topology's or a NIC listing's names) and addresses, prefixes or
// ranges ("10.0.0.0/24", "10.0.0.5-10.0.0.9", "2001:db8::/64"). The
// whole text naming an endpoint wins over splitting it (a name with a
// comma in it); of endpoints sharing a name the first counts.
//
// Every error says which item and why: an empty text; an empty item
// ("nodes,", "a,,b") by its 1-based position; "any" or "none", which
// would silently mean every or no address (write 0.0.0.0/0 or ::/0); an
// item that looks like addresses but does not parse, with the parser's
// reason ("10.0.0.1/8": host bits set); any other item that names no
// endpoint, with the distinct endpoint names listed (the first 20, then
// how many more); an endpoint without addresses (its Addrs the zero
// "any", or an empty set), by its name.
//
// An endpoint of a built Network always has addresses. Endpoints passed
// from elsewhere may not, and naming one must not silently widen a query
// to every address (the zero Addrs) nor narrow it to none (a check of
// nothing that passes vacuously), so it is an error whichever it is, also
// beside other items.
func ResolveAddrs(s string, endpoints []Endpoint) (Addrs, error) {
	if strings.TrimSpace(s) == "" {
		return Addrs{}, errors.New("empty: want endpoint names or addresses")
	}
	for i := range endpoints {
		if e := &endpoints[i]; e.Name == s {
			if err := noAddrs(e); err != nil {
				return Addrs{}, err
			}
			return e.Addrs, nil
		}
	}
	var b netipx.IPSetBuilder
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return Addrs{}, fmt.Errorf("%q: item %d is empty", s, i+1)
		}
		if e := findEndpoint(endpoints, part); e != nil {
			if err := noAddrs(e); err != nil {
				return Addrs{}, err
			}
			b.AddSet(e.Addrs.Set())
			continue
		}
		if strings.EqualFold(part, "any") || strings.EqualFold(part, "none") {
			return Addrs{}, fmt.Errorf("%q: name endpoints or address ranges (0.0.0.0/0 for every IPv4 address, ::/0 for every IPv6 address)", part)
		}
		a, err := ParseAddrs(part)
		if err == nil {
			b.AddSet(a.Set())
			continue
		}
		var pe *ParseError
		if looksLikeAddrs(part) && errors.As(err, &pe) {
			return Addrs{}, fmt.Errorf("%q: no endpoint, and not an address, prefix or range: %s", part, pe.Msg)
		}
		return Addrs{}, fmt.Errorf("%q: neither an endpoint nor an address, prefix or range (endpoints: %s)", part, endpointNames(endpoints))
	}
	set, err := b.IPSet()
	if err != nil {
		return Addrs{}, err
	}
	return AddrsOf(set), nil
}

// noAddrs is the error for naming endpoint e when it has no addresses.
func noAddrs(e *Endpoint) error {
	switch {
	case e.Addrs.IsAny():
		return fmt.Errorf("%q: endpoint has no addresses given (its Addrs is the zero \"any\"): naming it would mean every address; give the endpoint its addresses, or name addresses, prefixes or ranges", e.Name)
	case e.Addrs.IsEmpty():
		return fmt.Errorf("%q: endpoint holds no address: naming it would mean no address at all; give the endpoint its addresses, or name addresses, prefixes or ranges", e.Name)
	}
	return nil
}

// maxListedNames bounds how many endpoint names an error lists: a NIC
// listing can name thousands.
const maxListedNames = 20

// endpointNames lists the distinct endpoint names for an error, in order,
// at most maxListedNames of them and then how many more there are.
func endpointNames(endpoints []Endpoint) string {
	seen := map[string]bool{}
	var names []string
	more := 0
	for _, e := range endpoints {
		if seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		if len(names) == maxListedNames {
			more++
			continue
		}
		names = append(names, e.Name)
	}
	if len(names) == 0 {
		return "none: the network has no endpoints"
	}
	if more > 0 {
		names = append(names, fmt.Sprintf("and %d more", more))
	}
	return strings.Join(names, ", ")
}

func findEndpoint(endpoints []Endpoint, name string) *Endpoint {
	for i := range endpoints {
		if endpoints[i].Name == name {
			return &endpoints[i]
		}
	}
	return nil
}

// looksLikeAddrs reports whether s is made of the characters of
// addresses, prefixes and ranges only and has a digit: "10.0.0.1/8",
// "fe80::1%eth0" (a zone), not "workers".
func looksLikeAddrs(s string) bool {
	digit := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == '.' || r == ':' || r == '/' || r == '-' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F':
		case r == '%' && i > 0: // a zone: its name may be anything
			return digit
		default:
			return false
		}
	}
	return digit
}
