// Package nicx holds what the vendor readers of network-interface and
// subnet listings share: arrays of strings and of one-field objects at
// their JSON paths, and addresses, prefixes and CIDR blocks of a required
// family, each error at its path through the vendor's jsonx.Decoder.
package nicx

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/read"
)

// Kind is what an address field holds.
type Kind uint8

// Kinds of address fields.
const (
	Host4   Kind = iota // one IPv4 address
	Host6               // one IPv6 address
	Prefix4             // an IPv4 CIDR block (a delegated prefix or a subnet)
	Prefix6             // an IPv6 CIDR block
	HostAny             // one address of either family
)

var kindText = [...]string{"an IPv4 address", "an IPv6 address", "an IPv4 CIDR block", "an IPv6 CIDR block", "an IP address"}

// Parse reads s as k: a host address becomes a /32 or /128 prefix; a
// block must be canonical (no host bits). Zoned and IPv4-mapped IPv6
// addresses are refused. The message says what was wanted; "" means ok.
func Parse(s string, k Kind) (netip.Prefix, string) {
	want := "want " + kindText[k]
	switch k {
	case Host4, Host6, HostAny:
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" || a.Is4In6() || k == Host4 && !a.Is4() || k == Host6 && !a.Is6() {
			return netip.Prefix{}, want
		}
		return netip.PrefixFrom(a, a.BitLen()), ""
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Zone() != "" || p.Addr().Is4In6() || (k == Prefix4) != p.Addr().Is4() {
		return netip.Prefix{}, want
	}
	if p.Masked() != p {
		return netip.Prefix{}, "host bits set; want " + p.Masked().String()
	}
	return p, ""
}

// Text is the form a writer gives p of kind k: the bare address for a
// host, the CIDR block otherwise.
func Text(p netip.Prefix, k Kind) string {
	if k == Host4 || k == Host6 || k == HostAny {
		return p.Addr().String()
	}
	return p.String()
}

// Str reads a string field at path: absent and null give "".
func Str(d jsonx.Decoder, path string, raw json.RawMessage) (string, error) {
	if jsonx.IsNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", d.Err(path, jsonx.Short(raw), "want a string")
	}
	return s, nil
}

// Strings reads an array of strings at path (absent or null: none). Each
// must be non-empty and appear once; what names one in messages
// ("security group ID").
func Strings(d jsonx.Decoder, path string, raw json.RawMessage, what string) ([]string, error) {
	if jsonx.IsNull(raw) {
		return nil, nil
	}
	elems, err := d.Array(path, raw)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for i, e := range elems {
		p := jsonx.Index(path, i)
		s, err := Str(d, p, e)
		if err != nil {
			return nil, err
		}
		if err := check(d, p, s, what, seen); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func check(d jsonx.Decoder, p, s, what string, seen map[string]bool) error {
	if s == "" {
		return d.Err(p, strconv.Quote(s), "want a "+what)
	}
	if seen[s] {
		return d.Err(p, strconv.Quote(s), what+" listed twice")
	}
	seen[s] = true
	return nil
}

// Field reads an array of objects at path (absent or null: none) and
// returns the string field name of each, which must be non-empty and
// appear once: [{"GroupId": "sg-1"}, ...] gives "sg-1", .... The
// returned paths are those of the fields.
func Field(d jsonx.Decoder, path string, raw json.RawMessage, name, what string) (vals, paths []string, err error) {
	if jsonx.IsNull(raw) {
		return nil, nil, nil
	}
	elems, err := d.Array(path, raw)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for i, e := range elems {
		p := jsonx.Index(path, i)
		var obj map[string]json.RawMessage
		if err := d.Object(p, e, &obj); err != nil {
			return nil, nil, err
		}
		fp := jsonx.Join(p, name)
		s, err := Str(d, fp, obj[name])
		if err != nil {
			return nil, nil, err
		}
		if err := check(d, fp, s, what, seen); err != nil {
			return nil, nil, err
		}
		vals = append(vals, s)
		paths = append(paths, fp)
	}
	return vals, paths, nil
}

// Addrs collects one interface's addresses (or one subnet's blocks) in
// order and refuses one that overlaps another.
type Addrs struct {
	Blocks bool // the list holds subnet blocks, not an interface's addresses: a /32 is fine
	List   []netip.Prefix
	where  []string
}

// Add parses s, read at path, as k and appends it. A delegated prefix
// (Prefix4, Prefix6) must be shorter than one address, which the listings
// give as an address.
func (a *Addrs) Add(d jsonx.Decoder, path, s string, k Kind) error {
	p, msg := Parse(s, k)
	if msg != "" {
		return d.Err(path, strconv.Quote(s), msg)
	}
	if (k == Prefix4 || k == Prefix6) && p.Bits() == p.Addr().BitLen() && !a.Blocks {
		return d.Err(path, strconv.Quote(s), "a delegated prefix of one address; want a shorter prefix")
	}
	for i, q := range a.List {
		if q.Overlaps(p) {
			what := "overlaps"
			if q == p {
				what = "listed twice; also"
			}
			return d.Err(path, strconv.Quote(s), what+" at "+a.where[i])
		}
	}
	a.where = append(a.where, path)
	a.List = append(a.List, p)
	return nil
}

// Split sorts an interface's addresses into the kinds the vendor
// listings keep apart, each in order: IPv4 and IPv6 hosts (a /32 or
// /128), IPv4 and IPv6 prefixes (shorter).
func Split(ps []netip.Prefix) (h4, h6, p4, p6 []netip.Prefix) {
	for _, p := range ps {
		switch {
		case p.Addr().Is4() && p.Bits() == 32:
			h4 = append(h4, p)
		case p.Addr().Is4():
			p4 = append(p4, p)
		case p.Bits() == 128:
			h6 = append(h6, p)
		default:
			p6 = append(p6, p)
		}
	}
	return
}

// Join names several IDs in a message: "a", "b".
func Join(ids []string) string {
	q := make([]string, len(ids))
	for i, s := range ids {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// Read reads a listing: it opens the document (syntax, duplicate keys,
// invalid UTF-8: see jsonx.Doc), finds the array of records with list
// (which returns its JSON path and elements, or an error of the document
// as a whole), reads each record with rec and returns the records read,
// or every error at once as a *read.Errors. With read.SkipInvalid among
// opts the bad records are skipped and reported instead.
func Read[T any](d jsonx.Decoder, vendor string, r io.Reader, opts []read.Option,
	list func(data []byte) (string, []json.RawMessage, error),
	rec func(path string, raw json.RawMessage) (T, error)) ([]T, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", vendor, err)
	}
	doc, err := d.Open(data, true, opts)
	if err != nil {
		return nil, err
	}
	base, elems, err := list(data)
	if err != nil {
		doc.Fail(err)
		return nil, doc.Err()
	}
	var out []T
	for i, raw := range elems {
		path := jsonx.Index(base, i)
		v, err := rec(path, raw)
		if doc.Record(path, err) {
			continue
		}
		out = append(out, v)
	}
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Top returns the elements of the array under key in the top-level
// object of data; the key must be present and not null. want names the
// document in the message for a missing key.
func Top(d jsonx.Decoder, data []byte, key, want string) (string, []json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := d.Object("", data, &top); err != nil {
		return "", nil, err
	}
	raw, ok := top[key]
	if !ok || jsonx.IsNull(raw) {
		return "", nil, d.Err(key, "", "missing; want "+want)
	}
	elems, err := d.Array(key, raw)
	return key, elems, err
}

// Wrapped returns the path and raw value of the field inner of the
// object raw at path, the form in which Alibaba's responses wrap each list
// ({"SecurityGroupIds": {"SecurityGroupId": [...]}}). Absent or null raw
// gives a null value (no elements); raw that is not an object is an
// error.
func Wrapped(d jsonx.Decoder, path string, raw json.RawMessage, inner string) (string, json.RawMessage, error) {
	p := jsonx.Join(path, inner)
	if jsonx.IsNull(raw) {
		return p, nil, nil
	}
	var obj map[string]json.RawMessage
	if err := d.Object(path, raw, &obj); err != nil {
		return p, nil, err
	}
	return p, obj[inner], nil
}

// Top2 returns the elements of the array data.outer.inner, Alibaba's
// form of a listing: outer must be present (want names the document),
// inner may be absent or null (SDKs leave out empty lists).
func Top2(d jsonx.Decoder, data []byte, outer, inner, want string) (string, []json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := d.Object("", data, &top); err != nil {
		return "", nil, err
	}
	raw, ok := top[outer]
	if !ok || jsonx.IsNull(raw) {
		return "", nil, d.Err(outer, "", "missing; want "+want)
	}
	p, arr, err := Wrapped(d, outer, raw, inner)
	if err != nil || jsonx.IsNull(arr) {
		return p, nil, err
	}
	elems, err := d.Array(p, arr)
	return p, elems, err
}

// ID checks the ID of the record at path, read from its field: an empty
// one is an error saying missing ("want the ENI's ID"), one seen before
// an error naming the record (what, "ENI") and the path of the first.
// seen maps each ID to the path of its record and gains this one.
func ID(d jsonx.Decoder, path, field, id string, seen map[string]string, missing, what string) error {
	p := path + "." + field
	if id == "" {
		return d.Err(p, strconv.Quote(id), missing)
	}
	if prev, ok := seen[id]; ok {
		return d.Err(p, strconv.Quote(id), what+" listed twice (also at "+prev+")")
	}
	seen[id] = path
	return nil
}

// Blocks reads the CidrBlock and Ipv6CidrBlock of the subnet record at
// path (either may be empty, not both); what names the record in the
// message when both are ("vSwitch").
func Blocks(d jsonx.Decoder, path, v4, v6, what string) ([]netip.Prefix, error) {
	blocks := Addrs{Blocks: true}
	if v4 != "" {
		if err := blocks.Add(d, path+".CidrBlock", v4, Prefix4); err != nil {
			return nil, err
		}
	}
	if v6 != "" {
		if err := blocks.Add(d, path+".Ipv6CidrBlock", v6, Prefix6); err != nil {
			return nil, err
		}
	}
	if len(blocks.List) == 0 {
		return nil, d.Err(path+".CidrBlock", `""`, "missing: a "+what+" has CidrBlock or Ipv6CidrBlock")
	}
	return blocks.List, nil
}
