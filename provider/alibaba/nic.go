package alibaba

// Reading and writing the listings that place security groups and
// network ACLs: ECS DescribeNetworkInterfaces and VPC DescribeVSwitches.
//
// ReadNetworkInterfaces reads the response of the ECS
// DescribeNetworkInterfaces operation (API version 2014-05-26), as the
// aliyun CLI or an SDK prints it:
//
//	{"RequestId": "...", "TotalCount": 2, "NextToken": "...",
//	 "NetworkInterfaceSets": {"NetworkInterfaceSet": [{
//	   "NetworkInterfaceId": "eni-bp1...", "NetworkInterfaceName": "...",
//	   "Type": "Secondary", "Status": "InUse", "VpcId": "vpc-...",
//	   "VSwitchId": "vsw-...", "PrivateIpAddress": "172.17.0.10",
//	   "PrivateIpSets": {"PrivateIpSet": [{"PrivateIpAddress": "172.17.0.10", "Primary": true}]},
//	   "Ipv6Sets": {"Ipv6Set": [{"Ipv6Address": "2408:4002::10"}]},
//	   "Ipv4PrefixSets": {"Ipv4PrefixSet": [{"Ipv4Prefix": "172.17.0.32/28"}]},
//	   "Ipv6PrefixSets": {"Ipv6PrefixSet": [{"Ipv6Prefix": "2408:4002::/80"}]},
//	   "SecurityGroupIds": {"SecurityGroupId": ["sg-bp1...", "sg-bp2..."]},
//	   "Attachment": {...}, "Tags": {...}, ...}]}}
//
// ReadVSwitches reads the response of the VPC DescribeVSwitches operation
// (API version 2016-04-28):
//
//	{"RequestId": "...", "TotalCount": 1, "PageNumber": 1, "PageSize": 10,
//	 "VSwitches": {"VSwitch": [{"VSwitchId": "vsw-...", "VSwitchName": "...",
//	   "CidrBlock": "172.16.0.0/24", "Ipv6CidrBlock": "2408:4002:10c4:4e03::/64",
//	   "NetworkAclId": "nacl-...", "VpcId": "vpc-...", "ZoneId": "...", ...}]}}
//
// ACLBindings turns the Resources that ReadNetworkAclBindings reads from
// the ACL documents into ACL bindings.
//
// Field names, and where they were confirmed:
//   - DescribeNetworkInterfacesResponseBody of the alibabacloud SDKs
//     (aliyun/alibabacloud-java-sdk ecs-20140526 models):
//     NetworkInterfaceSets.NetworkInterfaceSet[], NetworkInterfaceId,
//     NetworkInterfaceName, VSwitchId, PrivateIpAddress,
//     PrivateIpSets.PrivateIpSet[].{PrivateIpAddress, Primary},
//     Ipv6Sets.Ipv6Set[].Ipv6Address,
//     Ipv4PrefixSets.Ipv4PrefixSet[].Ipv4Prefix,
//     Ipv6PrefixSets.Ipv6PrefixSet[].Ipv6Prefix,
//     SecurityGroupIds.SecurityGroupId[] ("the IDs of the security groups
//     to which the ENI belongs").
//   - DescribeVSwitchesResponseBody of alibabacloud-go vpc-20160428:
//     VSwitches.VSwitch[] with VSwitchId, CidrBlock ("the IPv4 CIDR
//     block"), Ipv6CidrBlock, NetworkAclId ("the ID of the network ACL").
//
// Decisions and what is unconfirmed:
//   - A NIC's addresses are PrivateIpSets (or PrivateIpAddress when that
//     list is absent or empty; otherwise it must be one of it), Ipv6Sets, Ipv4PrefixSets and
//     Ipv6PrefixSets, in that order and list order. Overlapping or
//     repeated addresses, a delegated prefix of one address, and an
//     address of the wrong family are errors.
//   - SecurityGroupIds keep list order as the attachment order: Alibaba
//     evaluates an ENI's groups together by priority, and the order
//     decides nothing more. A group listed twice is an error. Whether the
//     groups are basic or advanced is a property of the groups
//     (DescribeSecurityGroupAttribute), not of this listing.
//   - NetworkInterfaceId is required and unique; NetworkInterfaceName is
//     NIC.Name; the subnet is VSwitchId. Type, Status and Attachment are
//     not read: a Terway member ENI of a trunk is read like any other,
//     with its own groups. Origin is {alibaba, DescribeNetworkInterfaces,
//     Record: the ID, Path: "NetworkInterfaceSets.NetworkInterfaceSet[i]"}.
//   - An empty list may be left out by the SDKs: NetworkInterfaceSets and
//     VSwitches must be present, the arrays inside them may be absent.
//   - A vSwitch's prefixes are CidrBlock, then Ipv6CidrBlock; one of them
//     is required. Subnet.ACL is NetworkAclId ("" when absent).
//   - ACLBindings keeps the Resources whose ResourceType is "VSwitch" or
//     empty, the only documented type.
//
// Every error is an *Error naming the JSON path and the offending value;
// a read returns all of them at once in a *read.Errors, each with its
// line and column, and read.SkipInvalid skips the bad records (network
// interfaces, vSwitches) instead.

import (
	"encoding/json"
	"io"
	"net/netip"
	"slices"
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
	DocVSwitches         = "DescribeVSwitches"
)

type apiNIC struct {
	NetworkInterfaceID   json.RawMessage `json:"NetworkInterfaceId"`
	NetworkInterfaceName json.RawMessage `json:"NetworkInterfaceName"`
	VSwitchID            json.RawMessage `json:"VSwitchId"`
	PrivateIPAddress     json.RawMessage `json:"PrivateIpAddress"`
	PrivateIPSets        json.RawMessage `json:"PrivateIpSets"`
	IPv6Sets             json.RawMessage `json:"Ipv6Sets"`
	IPv4PrefixSets       json.RawMessage `json:"Ipv4PrefixSets"`
	IPv6PrefixSets       json.RawMessage `json:"Ipv6PrefixSets"`
	SecurityGroupIDs     json.RawMessage `json:"SecurityGroupIds"`
}

// ReadNetworkInterfaces reads an ECS DescribeNetworkInterfaces response:
// one NIC per ENI, in document order. See the comment at the top of
// nic.go for the fields.
func ReadNetworkInterfaces(r io.Reader, opts ...read.Option) ([]provider.NIC, error) {
	seen := map[string]string{}
	return nicx.Read(dec, "alibaba", r, opts, func(data []byte) (string, []json.RawMessage, error) {
		return nicx.Top2(dec, data, "NetworkInterfaceSets", "NetworkInterfaceSet",
			`the DescribeNetworkInterfaces response {"NetworkInterfaceSets": {"NetworkInterfaceSet": [...]}}`)
	}, func(path string, raw json.RawMessage) (provider.NIC, error) { return readNIC(path, raw, seen) })
}

func readNIC(path string, raw json.RawMessage, seen map[string]string) (provider.NIC, error) {
	var a apiNIC
	if err := dec.Object(path, raw, &a); err != nil {
		return provider.NIC{}, err
	}
	f := dec.Fields(path)
	id := f.Str("NetworkInterfaceId", a.NetworkInterfaceID)
	name := f.Str("NetworkInterfaceName", a.NetworkInterfaceName)
	vsw := f.Str("VSwitchId", a.VSwitchID)
	primary := f.Str("PrivateIpAddress", a.PrivateIPAddress)
	if f.Err != nil {
		return provider.NIC{}, f.Err
	}
	if err := nicx.ID(dec, path, "NetworkInterfaceId", id, seen, "want the ENI's ID", "ENI"); err != nil {
		return provider.NIC{}, err
	}
	var addrs nicx.Addrs
	for _, l := range []struct {
		set, elem, field string
		kind             nicx.Kind
		raw              json.RawMessage
	}{
		{"PrivateIpSets", "PrivateIpSet", "PrivateIpAddress", nicx.Host4, a.PrivateIPSets},
		{"Ipv6Sets", "Ipv6Set", "Ipv6Address", nicx.Host6, a.IPv6Sets},
		{"Ipv4PrefixSets", "Ipv4PrefixSet", "Ipv4Prefix", nicx.Prefix4, a.IPv4PrefixSets},
		{"Ipv6PrefixSets", "Ipv6PrefixSet", "Ipv6Prefix", nicx.Prefix6, a.IPv6PrefixSets},
	} {
		lp, lraw, err := nicx.Wrapped(dec, path+"."+l.set, l.raw, l.elem)
		if err != nil {
			return provider.NIC{}, err
		}
		vals, paths, err := nicx.Field(dec, lp, lraw, l.field, "value")
		if err != nil {
			return provider.NIC{}, err
		}
		if l.kind == nicx.Host4 && len(vals) == 0 && primary != "" {
			vals, paths = []string{primary}, []string{path + ".PrivateIpAddress"}
		} else if l.kind == nicx.Host4 && primary != "" && !slices.Contains(vals, primary) {
			// The primary address is one of the list: a value that is not
			// would otherwise go unread, unchecked.
			return provider.NIC{}, &Error{Path: path + ".PrivateIpAddress", Value: strconv.Quote(primary), Msg: "not among PrivateIpSets"}
		}
		for k, v := range vals {
			if err := addrs.Add(dec, paths[k], v, l.kind); err != nil {
				return provider.NIC{}, err
			}
		}
	}
	gp, graw, err := nicx.Wrapped(dec, path+".SecurityGroupIds", a.SecurityGroupIDs, "SecurityGroupId")
	if err != nil {
		return provider.NIC{}, err
	}
	groups, err := nicx.Strings(dec, gp, graw, "security group ID")
	if err != nil {
		return provider.NIC{}, err
	}
	return provider.NIC{ID: id, Name: name, Addrs: addrs.List, Subnet: vsw, Groups: groups,
		Origin: sgsim.Origin{Vendor: "alibaba", Document: DocNetworkInterfaces, Record: id, Path: path}}, nil
}

type outNIC struct {
	NetworkInterfaceID   string        `json:"NetworkInterfaceId"`
	NetworkInterfaceName string        `json:"NetworkInterfaceName"`
	VSwitchID            string        `json:"VSwitchId,omitempty"`
	PrivateIPAddress     string        `json:"PrivateIpAddress,omitempty"`
	PrivateIPSets        outPrivateIPs `json:"PrivateIpSets"`
	IPv6Sets             outSet        `json:"Ipv6Sets"`
	IPv4PrefixSets       outSet        `json:"Ipv4PrefixSets"`
	IPv6PrefixSets       outSet        `json:"Ipv6PrefixSets"`
	SecurityGroupIDs     outGroupIDs   `json:"SecurityGroupIds"`
}

type outPrivateIPs struct {
	PrivateIPSet []outPrivateIP `json:"PrivateIpSet"`
}

type outPrivateIP struct {
	PrivateIPAddress string `json:"PrivateIpAddress"`
	Primary          bool   `json:"Primary"`
}

// outSet is one of the wrapped lists of one-field objects; its JSON
// names are given by MarshalJSON.
type outSet struct {
	elem, field string
	vals        []string
}

func (s outSet) MarshalJSON() ([]byte, error) {
	list := []map[string]string{}
	for _, v := range s.vals {
		list = append(list, map[string]string{s.field: v})
	}
	return json.Marshal(map[string]any{s.elem: list})
}

type outGroupIDs struct {
	SecurityGroupID []string `json:"SecurityGroupId"`
}

func texts(ps []netip.Prefix, k nicx.Kind) []string {
	var out []string
	for _, p := range ps {
		out = append(out, nicx.Text(p, k))
	}
	return out
}

// WriteNetworkInterfaces writes NICs as a DescribeNetworkInterfaces
// response that ReadNetworkInterfaces reads back to the same NICs (Origin
// aside, addresses in the reader's order). The first IPv4 address is the
// primary.
func WriteNetworkInterfaces(w io.Writer, nics []provider.NIC) error {
	type sets struct {
		NetworkInterfaceSet []outNIC `json:"NetworkInterfaceSet"`
	}
	out := struct {
		TotalCount           int  `json:"TotalCount"`
		NetworkInterfaceSets sets `json:"NetworkInterfaceSets"`
	}{TotalCount: len(nics), NetworkInterfaceSets: sets{NetworkInterfaceSet: []outNIC{}}}
	for i, n := range nics {
		if n.ID == "" {
			return &Error{Path: jsonx.Index("NetworkInterfaceSets.NetworkInterfaceSet", i) + ".NetworkInterfaceId", Value: `""`, Msg: "an ENI needs an ID"}
		}
		h4, h6, p4, p6 := nicx.Split(n.Addrs)
		o := outNIC{NetworkInterfaceID: n.ID, NetworkInterfaceName: n.Name, VSwitchID: n.Subnet,
			PrivateIPSets:    outPrivateIPs{PrivateIPSet: []outPrivateIP{}},
			IPv6Sets:         outSet{"Ipv6Set", "Ipv6Address", texts(h6, nicx.Host6)},
			IPv4PrefixSets:   outSet{"Ipv4PrefixSet", "Ipv4Prefix", texts(p4, nicx.Prefix4)},
			IPv6PrefixSets:   outSet{"Ipv6PrefixSet", "Ipv6Prefix", texts(p6, nicx.Prefix6)},
			SecurityGroupIDs: outGroupIDs{SecurityGroupID: append([]string{}, n.Groups...)}}
		for k, p := range h4 {
			o.PrivateIPSets.PrivateIPSet = append(o.PrivateIPSets.PrivateIPSet, outPrivateIP{PrivateIPAddress: p.Addr().String(), Primary: k == 0})
		}
		if len(h4) > 0 {
			o.PrivateIPAddress = h4[0].Addr().String()
		}
		out.NetworkInterfaceSets.NetworkInterfaceSet = append(out.NetworkInterfaceSets.NetworkInterfaceSet, o)
	}
	return jsonx.Write(w, "alibaba", out)
}

type apiVSwitch struct {
	VSwitchID     json.RawMessage `json:"VSwitchId"`
	CidrBlock     json.RawMessage `json:"CidrBlock"`
	IPv6CidrBlock json.RawMessage `json:"Ipv6CidrBlock"`
	NetworkACLID  json.RawMessage `json:"NetworkAclId"`
}

// ReadVSwitches reads a VPC DescribeVSwitches response: one Subnet per
// vSwitch, CidrBlock then Ipv6CidrBlock, ACL its NetworkAclId.
func ReadVSwitches(r io.Reader, opts ...read.Option) ([]provider.Subnet, error) {
	seen := map[string]string{}
	return nicx.Read(dec, "alibaba", r, opts, func(data []byte) (string, []json.RawMessage, error) {
		return nicx.Top2(dec, data, "VSwitches", "VSwitch", `the DescribeVSwitches response {"VSwitches": {"VSwitch": [...]}}`)
	}, func(path string, raw json.RawMessage) (provider.Subnet, error) { return readVSwitch(path, raw, seen) })
}

func readVSwitch(path string, raw json.RawMessage, seen map[string]string) (provider.Subnet, error) {
	var a apiVSwitch
	if err := dec.Object(path, raw, &a); err != nil {
		return provider.Subnet{}, err
	}
	f := dec.Fields(path)
	id := f.Str("VSwitchId", a.VSwitchID)
	v4 := f.Str("CidrBlock", a.CidrBlock)
	v6 := f.Str("Ipv6CidrBlock", a.IPv6CidrBlock)
	acl := f.Str("NetworkAclId", a.NetworkACLID)
	if f.Err != nil {
		return provider.Subnet{}, f.Err
	}
	if err := nicx.ID(dec, path, "VSwitchId", id, seen, "want the vSwitch's ID", "vSwitch"); err != nil {
		return provider.Subnet{}, err
	}
	blocks, err := nicx.Blocks(dec, path, v4, v6, "vSwitch")
	if err != nil {
		return provider.Subnet{}, err
	}
	return provider.Subnet{ID: id, Prefixes: blocks, ACL: acl,
		Origin: sgsim.Origin{Vendor: "alibaba", Document: DocVSwitches, Record: id, Path: path}}, nil
}

type outVSwitch struct {
	VSwitchID     string `json:"VSwitchId"`
	CidrBlock     string `json:"CidrBlock,omitempty"`
	IPv6CidrBlock string `json:"Ipv6CidrBlock,omitempty"`
	NetworkACLID  string `json:"NetworkAclId,omitempty"`
}

// WriteVSwitches writes subnets as a DescribeVSwitches response that
// ReadVSwitches reads back the same (Origin aside): at most one IPv4 and
// one IPv6 block each.
func WriteVSwitches(w io.Writer, subnets []provider.Subnet) error {
	type list struct {
		VSwitch []outVSwitch `json:"VSwitch"`
	}
	out := struct {
		TotalCount int  `json:"TotalCount"`
		VSwitches  list `json:"VSwitches"`
	}{TotalCount: len(subnets), VSwitches: list{VSwitch: []outVSwitch{}}}
	for i, s := range subnets {
		path := jsonx.Index("VSwitches.VSwitch", i)
		if s.ID == "" {
			return &Error{Path: path + ".VSwitchId", Value: `""`, Msg: "a vSwitch needs an ID"}
		}
		o := outVSwitch{VSwitchID: s.ID, NetworkACLID: s.ACL}
		for _, p := range s.Prefixes {
			dst := &o.CidrBlock
			if p.Addr().Is6() {
				dst = &o.IPv6CidrBlock
			}
			if *dst != "" {
				return &Error{Path: path, Value: strconv.Quote(p.String()), Msg: "a vSwitch has one block per family"}
			}
			*dst = p.String()
		}
		out.VSwitches.VSwitch = append(out.VSwitches.VSwitch, o)
	}
	return jsonx.Write(w, "alibaba", out)
}

// ACLBindings returns the vSwitch bindings among the ACL resources that
// ReadNetworkAclBindings read (ResourceType "VSwitch" or empty), in order,
// as bindings for provider.Placement.
func ACLBindings(bs []Binding) []provider.ACLBinding {
	var out []provider.ACLBinding
	for _, b := range bs {
		if b.ResourceType != "" && b.ResourceType != "VSwitch" {
			continue
		}
		out = append(out, provider.ACLBinding{ACL: b.ACL, Subnet: b.ResourceID,
			Origin: sgsim.Origin{Vendor: "alibaba", Record: b.ACL, Note: "Resources of the network ACL"}})
	}
	return out
}
