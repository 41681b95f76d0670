package tencent

// Reading and writing the VPC listings that place security groups and
// network ACLs: DescribeNetworkInterfaces, DescribeSubnets and the
// SubnetSet of DescribeNetworkAcls.
//
// ReadNetworkInterfaces reads the response of DescribeNetworkInterfaces
// (API version 2017-03-12), as tccli prints it:
//
//	{"Response": {"TotalCount": 1, "NetworkInterfaceSet": [{
//	   "NetworkInterfaceId": "eni-f1xjkw1b", "NetworkInterfaceName": "main",
//	   "VpcId": "vpc-2kx9z6h3", "SubnetId": "subnet-nao8lfro", "Primary": false,
//	   "GroupSet": ["sg-c2r7lnxh", "sg-f9ekbxeq"],
//	   "PrivateIpAddressSet": [{"PrivateIpAddress": "192.168.0.13", "Primary": true, ...}],
//	   "Ipv6AddressSet": [{"Address": "2402:4e00:1000:7400:0:9028:a2c9:85b2", ...}],
//	   "Attachment": {...}, "State": "AVAILABLE", ...}],
//	 "RequestId": "..."}}
//
// ReadSubnets reads the response of DescribeSubnets:
//
//	{"Response": {"TotalCount": 1, "SubnetSet": [{"SubnetId": "subnet-otu92seu",
//	   "VpcId": "vpc-2at5y1pn", "CidrBlock": "172.16.16.0/20",
//	   "Ipv6CidrBlock": "3402:4e00:20:1201::/64", "NetworkAclId": "acl-...", ...}],
//	 "RequestId": "..."}}
//
// and ReadNetworkAclSubnets the SubnetSet of each ACL of a
// DescribeNetworkAcls response (the subnets it is bound to). As for the
// other Tencent readers, the "Response" wrapper may be left out, and a
// Response.Error object is reported as an error.
//
// Field names, and where they were confirmed:
//   - DescribeNetworkInterfaces and DescribeSubnets examples of
//     tencentcloud-cli (tccli/examples/vpc/v20170312): NetworkInterfaceSet,
//     NetworkInterfaceId, NetworkInterfaceName, SubnetId, GroupSet (a list
//     of security group IDs), PrivateIpAddressSet[].{PrivateIpAddress,
//     Primary}, Ipv6AddressSet[].Address; SubnetSet, SubnetId, CidrBlock,
//     Ipv6CidrBlock.
//   - Subnet.NetworkAclId ("关联ACLID", the bound ACL's ID): the Subnet
//     model of tencentcloud-sdk-go (tencentcloud/vpc/v20170312/models.go)
//     and tencentcloud-sdk-java (models/Subnet.java).
//   - NetworkAcl.SubnetSet (a list of Subnet): the same models (acl.go).
//
// Decisions and what is unconfirmed:
//   - A NIC's addresses are PrivateIpAddressSet, then Ipv6AddressSet, in
//     list order; one of the wrong family, or listed twice, is an error.
//     ENIs have no delegated prefixes here.
//   - GroupSet keeps list order, the ENI's binding order, which is the
//     order Tencent evaluates the groups in (acl.go and SEMANTICS: the
//     groups of an instance are matched group by group in binding
//     order). A group listed twice is an error.
//   - NetworkInterfaceId is required and unique; NIC.Name is
//     NetworkInterfaceName; the subnet is SubnetId. Origin is {tencent,
//     DescribeNetworkInterfaces, Record: the ID, Path:
//     "Response.NetworkInterfaceSet[i]"}.
//   - A subnet's prefixes are CidrBlock, then Ipv6CidrBlock; one is
//     required. Subnet.ACL is NetworkAclId ("" when absent or empty).
//   - ReadNetworkAclSubnets reads NetworkAclSet[].NetworkAclId and
//     SubnetSet[].SubnetId only; the ACL's entries are read by
//     ReadNetworkAcls. A subnet bound to two ACLs is an error.
//
// Every error is an *Error naming the JSON path and the offending value;
// a read returns all of them at once in a *read.Errors, each with its
// line and column, and read.SkipInvalid skips the bad records (ENIs,
// subnets, ACLs) instead.

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/internal/nicx"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
)

// API operation names, as Origin.Document of the records read.
const (
	DocNetworkInterfaces = "DescribeNetworkInterfaces"
	DocSubnets           = "DescribeSubnets"
)

// responseList returns the reader of the array key of a response, inside
// or without the "Response" wrapper.
func responseList(key, op string) func([]byte) (string, []json.RawMessage, error) {
	return func(data []byte) (string, []json.RawMessage, error) {
		var top map[string]json.RawMessage
		if err := dec.Object("", data, &top); err != nil {
			return "", nil, err
		}
		prefix := ""
		if r, ok := top["Response"]; ok && !jsonx.IsNull(r) {
			prefix = "Response"
			top = nil
			if err := dec.Object(prefix, r, &top); err != nil {
				return "", nil, err
			}
		}
		if e := top["Error"]; !jsonx.IsNull(e) {
			return "", nil, callError(prefix, e)
		}
		path := jsonx.Join(prefix, key)
		raw, ok := top[key]
		if !ok || jsonx.IsNull(raw) {
			return "", nil, &Error{Path: path, Msg: `missing; want the ` + op + ` response {"Response": {"` + key + `": [...]}}`}
		}
		elems, err := dec.Array(path, raw)
		return path, elems, err
	}
}

type apiENI struct {
	NetworkInterfaceID   json.RawMessage `json:"NetworkInterfaceId"`
	NetworkInterfaceName json.RawMessage `json:"NetworkInterfaceName"`
	SubnetID             json.RawMessage `json:"SubnetId"`
	GroupSet             json.RawMessage `json:"GroupSet"`
	PrivateIPAddressSet  json.RawMessage `json:"PrivateIpAddressSet"`
	IPv6AddressSet       json.RawMessage `json:"Ipv6AddressSet"`
}

// ReadNetworkInterfaces reads a DescribeNetworkInterfaces response: one
// NIC per ENI, in document order. See the comment at the top of nic.go.
func ReadNetworkInterfaces(r io.Reader, opts ...read.Option) ([]provider.NIC, error) {
	seen := map[string]string{}
	return nicx.Read(dec, "tencent", r, opts, responseList("NetworkInterfaceSet", "DescribeNetworkInterfaces"),
		func(path string, raw json.RawMessage) (provider.NIC, error) { return readENI(path, raw, seen) })
}

func readENI(path string, raw json.RawMessage, seen map[string]string) (provider.NIC, error) {
	var a apiENI
	if err := dec.Object(path, raw, &a); err != nil {
		return provider.NIC{}, err
	}
	f := dec.Fields(path)
	id := f.Str("NetworkInterfaceId", a.NetworkInterfaceID)
	name := f.Str("NetworkInterfaceName", a.NetworkInterfaceName)
	subnet := f.Str("SubnetId", a.SubnetID)
	if f.Err != nil {
		return provider.NIC{}, f.Err
	}
	if err := nicx.ID(dec, path, "NetworkInterfaceId", id, seen, "want the ENI's ID", "ENI"); err != nil {
		return provider.NIC{}, err
	}
	var addrs nicx.Addrs
	for _, l := range []struct {
		list, field string
		kind        nicx.Kind
		raw         json.RawMessage
	}{
		{"PrivateIpAddressSet", "PrivateIpAddress", nicx.Host4, a.PrivateIPAddressSet},
		{"Ipv6AddressSet", "Address", nicx.Host6, a.IPv6AddressSet},
	} {
		vals, paths, err := nicx.Field(dec, path+"."+l.list, l.raw, l.field, "value")
		if err != nil {
			return provider.NIC{}, err
		}
		for k, v := range vals {
			if err := addrs.Add(dec, paths[k], v, l.kind); err != nil {
				return provider.NIC{}, err
			}
		}
	}
	groups, err := nicx.Strings(dec, path+".GroupSet", a.GroupSet, "security group ID")
	if err != nil {
		return provider.NIC{}, err
	}
	return provider.NIC{ID: id, Name: name, Addrs: addrs.List, Subnet: subnet, Groups: groups,
		Origin: sgsim.Origin{Vendor: "tencent", Document: DocNetworkInterfaces, Record: id, Path: path}}, nil
}

type outENI struct {
	NetworkInterfaceID   string       `json:"NetworkInterfaceId"`
	NetworkInterfaceName string       `json:"NetworkInterfaceName"`
	SubnetID             string       `json:"SubnetId,omitempty"`
	GroupSet             []string     `json:"GroupSet"`
	PrivateIPAddressSet  []outPrivate `json:"PrivateIpAddressSet"`
	IPv6AddressSet       []outIPv6    `json:"Ipv6AddressSet"`
}

type outPrivate struct {
	PrivateIPAddress string `json:"PrivateIpAddress"`
	Primary          bool   `json:"Primary"`
}

type outIPv6 struct {
	Address string `json:"Address"`
}

// WriteNetworkInterfaces writes NICs as a DescribeNetworkInterfaces
// response that ReadNetworkInterfaces reads back to the same NICs (Origin
// aside, IPv4 addresses before IPv6). The first IPv4 address is the
// primary. A prefix that is not a single address is an error.
func WriteNetworkInterfaces(w io.Writer, nics []provider.NIC) error {
	type resp struct {
		TotalCount          int      `json:"TotalCount"`
		NetworkInterfaceSet []outENI `json:"NetworkInterfaceSet"`
	}
	out := struct {
		Response resp `json:"Response"`
	}{Response: resp{TotalCount: len(nics), NetworkInterfaceSet: []outENI{}}}
	for i, n := range nics {
		path := jsonx.Index("Response.NetworkInterfaceSet", i)
		if n.ID == "" {
			return &Error{Path: path + ".NetworkInterfaceId", Value: `""`, Msg: "an ENI needs an ID"}
		}
		h4, h6, p4, p6 := nicx.Split(n.Addrs)
		if len(p4)+len(p6) > 0 {
			return &Error{Path: path, Value: strconv.Quote(append(p4, p6...)[0].String()), Msg: "an ENI's addresses are single addresses"}
		}
		o := outENI{NetworkInterfaceID: n.ID, NetworkInterfaceName: n.Name, SubnetID: n.Subnet, GroupSet: append([]string{}, n.Groups...),
			PrivateIPAddressSet: []outPrivate{}, IPv6AddressSet: []outIPv6{}}
		for k, p := range h4 {
			o.PrivateIPAddressSet = append(o.PrivateIPAddressSet, outPrivate{PrivateIPAddress: p.Addr().String(), Primary: k == 0})
		}
		for _, p := range h6 {
			o.IPv6AddressSet = append(o.IPv6AddressSet, outIPv6{Address: p.Addr().String()})
		}
		out.Response.NetworkInterfaceSet = append(out.Response.NetworkInterfaceSet, o)
	}
	return jsonx.Write(w, "tencent", out)
}

type apiSubnet struct {
	SubnetID      json.RawMessage `json:"SubnetId"`
	CidrBlock     json.RawMessage `json:"CidrBlock"`
	IPv6CidrBlock json.RawMessage `json:"Ipv6CidrBlock"`
	NetworkACLID  json.RawMessage `json:"NetworkAclId"`
}

// ReadSubnets reads a DescribeSubnets response: one Subnet per record,
// CidrBlock then Ipv6CidrBlock, ACL its NetworkAclId.
func ReadSubnets(r io.Reader, opts ...read.Option) ([]provider.Subnet, error) {
	seen := map[string]string{}
	return nicx.Read(dec, "tencent", r, opts, responseList("SubnetSet", "DescribeSubnets"),
		func(path string, raw json.RawMessage) (provider.Subnet, error) { return readSubnet(path, raw, seen) })
}

func readSubnet(path string, raw json.RawMessage, seen map[string]string) (provider.Subnet, error) {
	var a apiSubnet
	if err := dec.Object(path, raw, &a); err != nil {
		return provider.Subnet{}, err
	}
	f := dec.Fields(path)
	id := f.Str("SubnetId", a.SubnetID)
	v4 := f.Str("CidrBlock", a.CidrBlock)
	v6 := f.Str("Ipv6CidrBlock", a.IPv6CidrBlock)
	acl := f.Str("NetworkAclId", a.NetworkACLID)
	if f.Err != nil {
		return provider.Subnet{}, f.Err
	}
	if err := nicx.ID(dec, path, "SubnetId", id, seen, "want the subnet's ID", "subnet"); err != nil {
		return provider.Subnet{}, err
	}
	blocks, err := nicx.Blocks(dec, path, v4, v6, "subnet")
	if err != nil {
		return provider.Subnet{}, err
	}
	return provider.Subnet{ID: id, Prefixes: blocks, ACL: acl,
		Origin: sgsim.Origin{Vendor: "tencent", Document: DocSubnets, Record: id, Path: path}}, nil
}

type outSubnet struct {
	SubnetID      string `json:"SubnetId"`
	CidrBlock     string `json:"CidrBlock,omitempty"`
	IPv6CidrBlock string `json:"Ipv6CidrBlock,omitempty"`
	NetworkACLID  string `json:"NetworkAclId,omitempty"`
}

// WriteSubnets writes subnets as a DescribeSubnets response that
// ReadSubnets reads back the same (Origin aside): at most one IPv4 and one
// IPv6 block each.
func WriteSubnets(w io.Writer, subnets []provider.Subnet) error {
	type resp struct {
		TotalCount int         `json:"TotalCount"`
		SubnetSet  []outSubnet `json:"SubnetSet"`
	}
	out := struct {
		Response resp `json:"Response"`
	}{Response: resp{TotalCount: len(subnets), SubnetSet: []outSubnet{}}}
	for i, s := range subnets {
		path := jsonx.Index("Response.SubnetSet", i)
		if s.ID == "" {
			return &Error{Path: path + ".SubnetId", Value: `""`, Msg: "a subnet needs an ID"}
		}
		o := outSubnet{SubnetID: s.ID, NetworkACLID: s.ACL}
		for _, p := range s.Prefixes {
			dst := &o.CidrBlock
			if p.Addr().Is6() {
				dst = &o.IPv6CidrBlock
			}
			if *dst != "" {
				return &Error{Path: path, Value: strconv.Quote(p.String()), Msg: "a subnet has one block per family"}
			}
			*dst = p.String()
		}
		out.Response.SubnetSet = append(out.Response.SubnetSet, o)
	}
	return jsonx.Write(w, "tencent", out)
}

type apiACLSubnets struct {
	NetworkACLID json.RawMessage `json:"NetworkAclId"`
	SubnetSet    json.RawMessage `json:"SubnetSet"`
}

// ReadNetworkAclSubnets reads the SubnetSet of each ACL of a
// DescribeNetworkAcls response: the subnets each ACL is bound to, ACLs in
// document order, subnets in list order.
func ReadNetworkAclSubnets(r io.Reader, opts ...read.Option) ([]provider.ACLBinding, error) {
	bound := map[string]string{}
	lists, err := nicx.Read(dec, "tencent", r, opts, responseList("NetworkAclSet", "DescribeNetworkAcls"),
		func(path string, raw json.RawMessage) ([]provider.ACLBinding, error) {
			var a apiACLSubnets
			if err := dec.Object(path, raw, &a); err != nil {
				return nil, err
			}
			f := dec.Fields(path)
			acl := f.Str("NetworkAclId", a.NetworkACLID)
			if f.Err != nil {
				return nil, f.Err
			}
			if acl == "" {
				return nil, &Error{Path: path + ".NetworkAclId", Value: `""`, Msg: "want the ACL's ID"}
			}
			subs, paths, err := nicx.Field(dec, path+".SubnetSet", a.SubnetSet, "SubnetId", "subnet ID")
			if err != nil {
				return nil, err
			}
			var out []provider.ACLBinding
			for k, s := range subs {
				if prev, ok := bound[s]; ok {
					return nil, &Error{Path: paths[k], Value: strconv.Quote(s), Msg: "subnet already bound (at " + prev + "); a subnet has one network ACL"}
				}
				bound[s] = paths[k]
				out = append(out, provider.ACLBinding{ACL: acl, Subnet: s,
					Origin: sgsim.Origin{Vendor: "tencent", Document: "DescribeNetworkAcls", Record: acl, Path: paths[k]}})
			}
			return out, nil
		})
	var out []provider.ACLBinding
	for _, l := range lists {
		out = append(out, l...)
	}
	return out, err
}
