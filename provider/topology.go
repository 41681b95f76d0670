package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Topology says where imported rule sets sit: which address ranges carry
// which security groups in which order, the subnets and their ACLs, and
// the address groups / prefix lists rules refer to. With the groups read
// from a vendor export it becomes a network (see Topology.Network).
//
// Its JSON form, read by ReadTopology:
//
//	{
//	  "cloud": "huawei",
//	  "subnets": [{"name": "nodes", "prefix": "192.168.0.0/24", "acl": "acl-1"}],
//	  "endpoints": [
//	    {"name": "workers", "addrs": ["192.168.0.0/24"], "subnet": "nodes", "groups": ["sg-node"]},
//	    {"name": "internet", "addrs": ["0.0.0.0/1", "128.0.0.0/1"]}
//	  ],
//	  "lists": {"pl-office": ["203.0.113.0/24"]},
//	  "members": {"sg-peer-bastion": ["10.9.0.0/24"]}
//	}
//
// "members" gives the addresses of security groups that rules reference
// but no endpoint carries: a group of a peered VPC or another account,
// whose rules are not in the export. A reference to such a group matches
// these addresses (see Topology.Build); the group is attached to nothing.
//
// "cloud" is a vendor (aws, huawei, alibaba, tencent) or a semantics name
// (union, the same as aws; first-match); see ParseCloud. Addresses are
// addresses, prefixes or "a-b" ranges.
type Topology struct {
	Cloud     sgsim.Semantics
	Subnets   []sgsim.Subnet
	Endpoints []sgsim.Endpoint
	Lists     map[string]sgsim.Addrs
	// Members are further members of security groups, for the rules
	// that reference them (sgsim.NetworkSpec.Members): above all the
	// groups of peered VPCs and other accounts.
	Members map[string]sgsim.Addrs
}

type topoJSON struct {
	Cloud     *string                    `json:"cloud"`
	Subnets   []json.RawMessage          `json:"subnets"`
	Endpoints []json.RawMessage          `json:"endpoints"`
	Lists     map[string]json.RawMessage `json:"lists"`
	Members   map[string]json.RawMessage `json:"members"`
}

type subnetJSON struct {
	Name   *string `json:"name"`
	Prefix *string `json:"prefix"`
	ACL    string  `json:"acl"`
}

type endpointJSON struct {
	Name   *string  `json:"name"`
	Addrs  []string `json:"addrs"`
	Subnet string   `json:"subnet"`
	Groups []string `json:"groups"`
}

// decodeAt decodes one element of the document at path, so that a type
// error names the element (endpoints[2].addrs) and not only Go's field
// path.
func decodeAt(raw json.RawMessage, path string, v any) error {
	err := json.Unmarshal(raw, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		p := path
		if te.Field != "" {
			p += "." + te.Field
		}
		return &TopologyError{Path: p, Msg: typeMsg(te)}
	}
	return &TopologyError{Path: path, Msg: err.Error()}
}

// typeMsg says what JSON a value of the wrong type should have been and
// what it was: "want an array, not a string". (te.Value is the kind of
// JSON found, not the value, so it is not a TopologyError.Value.)
func typeMsg(te *json.UnmarshalTypeError) string {
	got, _, _ := strings.Cut(te.Value, " ") // "number 1e400": the kind only
	switch got {
	case "array", "object":
		got = "an " + got
	case "bool":
		got = "a boolean"
	default:
		got = "a " + got
	}
	return "want " + jsonType(te.Type.String()) + ", not " + got
}

// jsonType names a Go type as the JSON it decodes from.
func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "provider."), strings.HasPrefix(goType, "struct"):
		return "an object"
	case strings.Contains(goType, "string"):
		return "a string"
	}
	return goType
}

const cloudNames = "aws, huawei, alibaba, tencent, union or first-match"

// ParseCloud reads a cloud as the topology's "cloud" and the command
// line's -vendor give it: a vendor name (aws, huawei, alibaba, tencent)
// or a security-group semantics name (union, which is AWS's, or
// first-match). "acl" is not a cloud.
func ParseCloud(s string) (sgsim.Semantics, bool) {
	if s == "aws" {
		return sgsim.Union, true
	}
	c, err := sgsim.ParseSemantics(s)
	return c, err == nil && c != sgsim.ACL
}

// TopologyError reports bad topology input: the JSON path, the offending
// value (empty for a value of the wrong JSON type, which Msg names) and
// what was expected.
type TopologyError struct {
	Path, Value, Msg string
}

func (e *TopologyError) Error() string {
	if e.Value == "" {
		return "topology: " + e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("topology: %s: %q: %s", e.Path, e.Value, e.Msg)
}

// ReadTopology reads the JSON form of a Topology. Unknown fields are
// ignored; missing required fields, bad addresses and bad names are
// errors that give the JSON path. A key given twice in one object and
// invalid UTF-8 are errors anywhere (keys differing only in case are
// not: list names are the user's). Every error comes at once, as a
// *read.Errors listing each with its line and column. A topology has no
// lenient mode: it is the user's own configuration, and leaving out a
// subnet or list would move what refers to it.
func ReadTopology(r io.Reader) (Topology, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Topology{}, err
	}
	doc, err := topoDec.Open(data, false, nil)
	if err != nil {
		return Topology{}, err
	}
	t := readTopology(doc, data)
	if err := doc.Err(); err != nil {
		return Topology{}, err
	}
	return t, nil
}

func readTopology(doc *jsonx.Doc, data []byte) Topology {
	var t Topology
	var in topoJSON
	if err := json.Unmarshal(data, &in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			path := te.Field
			if path == "" {
				path = "(document)"
			}
			doc.Fail(&TopologyError{Path: path, Msg: typeMsg(te)})
		} else {
			doc.Fail(&TopologyError{Path: "(document)", Msg: err.Error()})
		}
		return t
	}
	var ok bool
	switch {
	case in.Cloud == nil:
		doc.Fail(&TopologyError{Path: "cloud", Msg: "missing; want " + cloudNames})
	default:
		if t.Cloud, ok = ParseCloud(*in.Cloud); !ok {
			doc.Fail(&TopologyError{Path: "cloud", Value: *in.Cloud, Msg: "want " + cloudNames})
		}
	}
	for i, raw := range in.Subnets {
		path := fmt.Sprintf("subnets[%d]", i)
		sn, err := readSubnet(path, raw)
		if !doc.Record(path, err) {
			t.Subnets = append(t.Subnets, sn)
		}
	}
	for i, raw := range in.Endpoints {
		path := fmt.Sprintf("endpoints[%d]", i)
		var e endpointJSON
		err := decodeAt(raw, path, &e)
		var a sgsim.Addrs
		switch {
		case err != nil:
		case e.Name == nil || *e.Name == "":
			err = &TopologyError{Path: path + ".name", Msg: "missing"}
		default:
			a, err = topoAddrs(path+".addrs", e.Addrs)
		}
		if !doc.Record(path, err) {
			t.Endpoints = append(t.Endpoints, sgsim.Endpoint{Name: *e.Name, Addrs: a, Subnet: e.Subnet, Groups: e.Groups})
		}
	}
	t.Lists = readAddrMap(doc, "lists", in.Lists)
	t.Members = readAddrMap(doc, "members", in.Members)
	return t
}

// readAddrMap reads a map of names to address lists ("lists",
// "members"); nil when it is empty.
func readAddrMap(doc *jsonx.Doc, key string, in map[string]json.RawMessage) map[string]sgsim.Addrs {
	if len(in) == 0 {
		return nil
	}
	out := map[string]sgsim.Addrs{}
	for _, name := range slices.Sorted(maps.Keys(in)) {
		var ss []string
		a, err := sgsim.Addrs{}, decodeAt(in[name], key+"."+name, &ss)
		if err == nil {
			a, err = topoAddrs(key+"."+name, ss)
		}
		if !doc.Record(key+"."+name, err) {
			out[name] = a
		}
	}
	return out
}

func readSubnet(path string, raw json.RawMessage) (sgsim.Subnet, error) {
	var s subnetJSON
	if err := decodeAt(raw, path, &s); err != nil {
		return sgsim.Subnet{}, err
	}
	if s.Name == nil || *s.Name == "" {
		return sgsim.Subnet{}, &TopologyError{Path: path + ".name", Msg: "missing"}
	}
	if s.Prefix == nil {
		return sgsim.Subnet{}, &TopologyError{Path: path + ".prefix", Msg: "missing"}
	}
	p, err := netip.ParsePrefix(*s.Prefix)
	if err != nil {
		return sgsim.Subnet{}, &TopologyError{Path: path + ".prefix", Value: *s.Prefix, Msg: "want a prefix such as 192.168.0.0/24"}
	}
	if p.Masked() != p {
		return sgsim.Subnet{}, &TopologyError{Path: path + ".prefix", Value: *s.Prefix, Msg: "host bits set; want " + p.Masked().String()}
	}
	return sgsim.Subnet{Name: *s.Name, Prefix: p, ACL: s.ACL}, nil
}

// topoAddrs reads a list of addresses, prefixes or ranges at path.
func topoAddrs(path string, ss []string) (sgsim.Addrs, error) {
	if len(ss) == 0 {
		return sgsim.Addrs{}, &TopologyError{Path: path, Msg: "missing; want a list of addresses, prefixes or ranges"}
	}
	var b netipx.IPSetBuilder
	for j, s := range ss {
		a, err := sgsim.ParseAddrs(s)
		if err != nil || a.IsAny() || a.IsEmpty() || strings.Contains(s, ",") {
			msg := "want one address, prefix or range"
			var pe *sgsim.ParseError
			if errors.As(err, &pe) {
				msg = pe.Msg
			}
			return sgsim.Addrs{}, &TopologyError{Path: fmt.Sprintf("%s[%d]", path, j), Value: s, Msg: msg}
		}
		b.AddSet(a.Set())
	}
	set, _ := b.IPSet()
	return sgsim.AddrsOf(set), nil
}

// topoDec scans topology documents; its errors are *TopologyError.
var topoDec = jsonx.Decoder{Err: func(path, value, msg string) error {
	if path == "" {
		path = "(document)"
	}
	if v, err := strconv.Unquote(value); err == nil {
		value = v // TopologyError quotes its Value itself
	}
	return &TopologyError{Path: path, Value: value, Msg: msg}
}, PathOf: func(err error) (string, bool) {
	var e *TopologyError
	if errors.As(err, &e) && e.Path != "(document)" {
		return e.Path, true
	}
	return "", false
}}

// Network builds the network of imported groups and network ACLs placed
// by the topology. Errors from the network model name the endpoint,
// subnet, group or rule at fault.
func (t Topology) Network(groups, acls []sgsim.Group) (*sgsim.Network, error) {
	return sgsim.BuildNetwork(sgsim.NetworkSpec{Cloud: t.Cloud, Groups: groups, ACLs: acls, Lists: t.Lists,
		Subnets: t.Subnets, Endpoints: t.Endpoints, Members: t.Members})
}
