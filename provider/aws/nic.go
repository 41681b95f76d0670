package aws

// Reading and writing the EC2 listings that place security groups and
// network ACLs: DescribeNetworkInterfaces, DescribeSubnets and the
// Associations of DescribeNetworkAcls.
//
// ReadNetworkInterfaces reads `aws ec2 describe-network-interfaces`:
//
//	{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-e5aa89a3",
//	  "SubnetId": "subnet-b61f49f0", "VpcId": "vpc-a01106c2",
//	  "PrivateIpAddress": "10.0.1.17",
//	  "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.17"}],
//	  "Ipv6Addresses": [{"Ipv6Address": "2001:db8::17"}],
//	  "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.208/28"}],
//	  "Ipv6Prefixes": [{"Ipv6Prefix": "2001:db8:0:0:1::/80"}],
//	  "Groups": [{"GroupName": "default", "GroupId": "sg-8637d3e3"}], ...}]}
//
// ReadSubnets reads `aws ec2 describe-subnets`:
//
//	{"Subnets": [{"SubnetId": "subnet-9d4a7b6c", "CidrBlock": "10.0.1.0/24",
//	  "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8:1::/64",
//	    "Ipv6CidrBlockState": {"State": "associated"}}], ...}]}
//
// and ReadNetworkAclAssociations the Associations of `aws ec2
// describe-network-acls`:
//
//	{"NetworkAcls": [{"NetworkAclId": "acl-9aeb5ef7", "Associations": [
//	  {"NetworkAclAssociationId": "aclassoc-67ea5f0a", "NetworkAclId": "acl-9aeb5ef7",
//	   "SubnetId": "subnet-65ea5f08"}], "Entries": [...]}]}
//
// Field names, and where they were confirmed:
//   - The describe-network-interfaces, describe-subnets and
//     describe-network-acls examples of the AWS CLI
//     (aws/aws-cli awscli/examples/ec2/*.rst): NetworkInterfaces,
//     NetworkInterfaceId, SubnetId, PrivateIpAddress,
//     PrivateIpAddresses[].{Primary, PrivateIpAddress}, Ipv6Addresses,
//     Groups[].{GroupName, GroupId}; Subnets[].{SubnetId, CidrBlock};
//     NetworkAcls[].Associations[].{NetworkAclAssociationId, NetworkAclId,
//     SubnetId}.
//   - The EC2 API reference (NetworkInterface: groupSet, ipv6AddressesSet
//     of NetworkInterfaceIpv6Address {ipv6Address}, ipv4PrefixSet of
//     Ipv4PrefixSpecification {ipv4Prefix}, ipv6PrefixSet
//     {ipv6Prefix}; Subnet: ipv6CidrBlockAssociationSet of
//     SubnetIpv6CidrBlockAssociation {ipv6CidrBlock, ipv6CidrBlockState
//     {state}}), whose CLI names are the PascalCase forms above, as the
//     create-network-interface example's "Ipv4Prefixes":
//     [{"Ipv4Prefix": "10.0.0.208/28"}] shows.
//
// Every error names the JSON path and the offending value, and a read
// returns all of them at once, each with its line and column, as a
// *read.Errors; a key given twice in one object and invalid UTF-8 are
// errors anywhere. With read.SkipInvalid the bad records (network
// interfaces, subnets, ACLs) are skipped and listed in the report. A
// NetworkInterfaceId or SubnetId listed twice is an error of the second
// record.
//
// Decisions and what is unconfirmed:
//   - A NIC's addresses are its PrivateIpAddresses (or, when that list is
//     absent or empty, PrivateIpAddress, which otherwise must be one of
//     the list), then Ipv6Addresses, then the
//     delegated Ipv4Prefixes and Ipv6Prefixes (EKS prefix mode puts pod
//     addresses there), in list order. An address listed twice, or of the
//     wrong family, is an error. Public addresses (Association) are not
//     read: security groups see the private address.
//   - Groups keep list order, which is taken to be the attachment order
//     (AWS security groups are a union, so order does not change a
//     verdict). A GroupId listed twice is an error.
//   - NetworkInterfaceId is required. Status (in-use, available) is not
//     read: a detached interface still holds its addresses and groups.
//     Requester-managed interfaces (load balancers, NAT gateways, VPC
//     endpoints) are read like any other.
//   - NIC.Name is empty (the record has a Description and tags, no
//     name). Origin is {aws, DescribeNetworkInterfaces, Record: the ID,
//     Path: "NetworkInterfaces[i]"}.
//   - A subnet's IPv6 blocks are read unless their Ipv6CidrBlockState
//     .State says otherwise than "associated" (absent is read);
//     CidrBlock is required unless the subnet has an IPv6 block
//     (IPv6-only subnets). Subnet.ACL is empty: DescribeSubnets does not
//     name it; the bindings come from ReadNetworkAclAssociations.
//   - Every subnet in a VPC is associated with exactly one network ACL
//     (the default ACL when no other is), so DescribeNetworkAcls lists
//     every binding; an association without SubnetId or NetworkAclId (of
//     the enclosing ACL when absent) is an error, as is one whose
//     NetworkAclId differs from the enclosing ACL's.

import (
	"encoding/json"
	"errors"
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

// API operation names, as Origin.Document of what is read.
const (
	DocNetworkInterfaces = "DescribeNetworkInterfaces"
	DocSubnets           = "DescribeSubnets"
)

// jdec is the decoder of the listings: errors are *Error, "(document)"
// for the whole document.
var jdec = jsonx.Decoder{Err: func(path, value, msg string) error {
	if path == "" {
		path = "(document)"
	}
	return &Error{Path: path, Value: value, Msg: msg}
}, PathOf: func(err error) (string, bool) {
	var e *Error
	if errors.As(err, &e) && e.Path != "(document)" {
		return e.Path, true
	}
	return "", false
}}

// list returns the reader of the array under key.
func list(key string) func([]byte) (string, []json.RawMessage, error) {
	return func(data []byte) (string, []json.RawMessage, error) {
		return nicx.Top(jdec, data, key, "a document with "+key)
	}
}

type nicJSON struct {
	NetworkInterfaceId json.RawMessage
	SubnetId           json.RawMessage
	PrivateIpAddress   json.RawMessage
	PrivateIpAddresses json.RawMessage
	Ipv6Addresses      json.RawMessage
	Ipv4Prefixes       json.RawMessage
	Ipv6Prefixes       json.RawMessage
	Groups             json.RawMessage
}

// ReadNetworkInterfaces reads the output of DescribeNetworkInterfaces
// (`aws ec2 describe-network-interfaces`): one NIC per record, in
// document order. See the comment at the top of nic.go for the fields.
func ReadNetworkInterfaces(r io.Reader, opts ...read.Option) ([]provider.NIC, error) {
	seen := map[string]string{}
	return nicx.Read(jdec, "aws", r, opts, list("NetworkInterfaces"), func(path string, raw json.RawMessage) (provider.NIC, error) {
		return readNIC(path, raw, seen)
	})
}

func readNIC(path string, raw json.RawMessage, seen map[string]string) (provider.NIC, error) {
	var j nicJSON
	if err := jdec.Object(path, raw, &j); err != nil {
		return provider.NIC{}, err
	}
	f := jdec.Fields(path)
	id := f.Str("NetworkInterfaceId", j.NetworkInterfaceId)
	subnet := f.Str("SubnetId", j.SubnetId)
	primary := f.Str("PrivateIpAddress", j.PrivateIpAddress)
	if f.Err != nil {
		return provider.NIC{}, f.Err
	}
	if err := nicx.ID(jdec, path, "NetworkInterfaceId", id, seen, "missing or empty", "network interface"); err != nil {
		return provider.NIC{}, err
	}
	var addrs nicx.Addrs
	for _, l := range []struct {
		list, field string
		kind        nicx.Kind
		raw         json.RawMessage
	}{
		{"PrivateIpAddresses", "PrivateIpAddress", nicx.Host4, j.PrivateIpAddresses},
		{"Ipv6Addresses", "Ipv6Address", nicx.Host6, j.Ipv6Addresses},
		{"Ipv4Prefixes", "Ipv4Prefix", nicx.Prefix4, j.Ipv4Prefixes},
		{"Ipv6Prefixes", "Ipv6Prefix", nicx.Prefix6, j.Ipv6Prefixes},
	} {
		vals, paths, err := nicx.Field(jdec, path+"."+l.list, l.raw, l.field, "value")
		if err != nil {
			return provider.NIC{}, err
		}
		if l.kind == nicx.Host4 && len(vals) == 0 && primary != "" {
			vals, paths = []string{primary}, []string{path + ".PrivateIpAddress"}
		} else if l.kind == nicx.Host4 && primary != "" && !slices.Contains(vals, primary) {
			// The primary address is one of the list: a value that is not
			// (a typo, a hand edit) would otherwise go unread, unchecked.
			return provider.NIC{}, &Error{Path: path + ".PrivateIpAddress", Value: strconv.Quote(primary), Msg: "not among PrivateIpAddresses"}
		}
		for k, v := range vals {
			if err := addrs.Add(jdec, paths[k], v, l.kind); err != nil {
				return provider.NIC{}, err
			}
		}
	}
	groups, _, err := nicx.Field(jdec, path+".Groups", j.Groups, "GroupId", "security group ID")
	if err != nil {
		return provider.NIC{}, err
	}
	return provider.NIC{ID: id, Addrs: addrs.List, Subnet: subnet, Groups: groups,
		Origin: sgsim.Origin{Vendor: "aws", Document: DocNetworkInterfaces, Record: id, Path: path}}, nil
}

type addrOut struct {
	Primary          bool
	PrivateIpAddress string
}

type nicOut struct {
	NetworkInterfaceId string
	SubnetId           string `json:",omitempty"`
	PrivateIpAddress   string `json:",omitempty"`
	PrivateIpAddresses []addrOut
	Ipv6Addresses      []map[string]string
	Ipv4Prefixes       []map[string]string
	Ipv6Prefixes       []map[string]string
	Groups             []map[string]string
}

// WriteNetworkInterfaces writes NICs as a DescribeNetworkInterfaces
// document that ReadNetworkInterfaces reads back to the same NICs (Origin
// aside, and addresses in the reader's order: IPv4, IPv6, then the
// delegated prefixes). The first IPv4 address is the primary. Names are
// not written.
func WriteNetworkInterfaces(w io.Writer, nics []provider.NIC) error {
	out := struct{ NetworkInterfaces []nicOut }{NetworkInterfaces: []nicOut{}}
	for i, n := range nics {
		if n.ID == "" {
			return &Error{Path: jsonx.Index("NetworkInterfaces", i) + ".NetworkInterfaceId", Value: `""`, Msg: "a NIC needs an ID"}
		}
		h4, h6, p4, p6 := nicx.Split(n.Addrs)
		j := nicOut{NetworkInterfaceId: n.ID, SubnetId: n.Subnet, PrivateIpAddresses: []addrOut{},
			Ipv6Addresses: objs("Ipv6Address", h6, nicx.Host6), Ipv4Prefixes: objs("Ipv4Prefix", p4, nicx.Prefix4),
			Ipv6Prefixes: objs("Ipv6Prefix", p6, nicx.Prefix6), Groups: []map[string]string{}}
		for k, p := range h4 {
			j.PrivateIpAddresses = append(j.PrivateIpAddresses, addrOut{Primary: k == 0, PrivateIpAddress: p.Addr().String()})
		}
		if len(h4) > 0 {
			j.PrivateIpAddress = h4[0].Addr().String()
		}
		for _, g := range n.Groups {
			j.Groups = append(j.Groups, map[string]string{"GroupId": g})
		}
		out.NetworkInterfaces = append(out.NetworkInterfaces, j)
	}
	return writeJSON(w, out)
}

func objs(field string, ps []netip.Prefix, k nicx.Kind) []map[string]string {
	out := []map[string]string{}
	for _, p := range ps {
		out = append(out, map[string]string{field: nicx.Text(p, k)})
	}
	return out
}

type subnetJSON struct {
	SubnetId                    json.RawMessage
	CidrBlock                   json.RawMessage
	Ipv6CidrBlockAssociationSet json.RawMessage
}

type v6AssocJSON struct {
	Ipv6CidrBlock      json.RawMessage
	Ipv6CidrBlockState json.RawMessage
}

type stateJSON struct {
	State json.RawMessage
}

// ReadSubnets reads the output of DescribeSubnets (`aws ec2
// describe-subnets`): one Subnet per record, its CidrBlock first, then its
// associated IPv6 blocks. Subnet.ACL is empty; see ReadNetworkAclAssociations.
func ReadSubnets(r io.Reader, opts ...read.Option) ([]provider.Subnet, error) {
	seen := map[string]string{}
	return nicx.Read(jdec, "aws", r, opts, list("Subnets"), func(path string, raw json.RawMessage) (provider.Subnet, error) {
		return readSubnet(path, raw, seen)
	})
}

func readSubnet(path string, raw json.RawMessage, seen map[string]string) (provider.Subnet, error) {
	var j subnetJSON
	if err := jdec.Object(path, raw, &j); err != nil {
		return provider.Subnet{}, err
	}
	f := jdec.Fields(path)
	id := f.Str("SubnetId", j.SubnetId)
	cidr := f.Str("CidrBlock", j.CidrBlock)
	if f.Err != nil {
		return provider.Subnet{}, f.Err
	}
	if err := nicx.ID(jdec, path, "SubnetId", id, seen, "missing or empty", "subnet"); err != nil {
		return provider.Subnet{}, err
	}
	blocks := nicx.Addrs{Blocks: true}
	if cidr != "" {
		if err := blocks.Add(jdec, path+".CidrBlock", cidr, nicx.Prefix4); err != nil {
			return provider.Subnet{}, err
		}
	}
	if !jsonx.IsNull(j.Ipv6CidrBlockAssociationSet) {
		set, err := jdec.Array(path+".Ipv6CidrBlockAssociationSet", j.Ipv6CidrBlockAssociationSet)
		if err != nil {
			return provider.Subnet{}, err
		}
		for k, araw := range set {
			apath := jsonx.Index(path+".Ipv6CidrBlockAssociationSet", k)
			var a v6AssocJSON
			if err := jdec.Object(apath, araw, &a); err != nil {
				return provider.Subnet{}, err
			}
			af := jdec.Fields(apath)
			block := af.Str("Ipv6CidrBlock", a.Ipv6CidrBlock)
			if af.Err != nil {
				return provider.Subnet{}, af.Err
			}
			state := ""
			if !jsonx.IsNull(a.Ipv6CidrBlockState) {
				var st stateJSON
				if err := jdec.Object(apath+".Ipv6CidrBlockState", a.Ipv6CidrBlockState, &st); err != nil {
					return provider.Subnet{}, err
				}
				sf := jdec.Fields(apath + ".Ipv6CidrBlockState")
				state = sf.Str("State", st.State)
				if sf.Err != nil {
					return provider.Subnet{}, sf.Err
				}
			}
			if state != "" && state != "associated" {
				continue
			}
			if err := blocks.Add(jdec, apath+".Ipv6CidrBlock", block, nicx.Prefix6); err != nil {
				return provider.Subnet{}, err
			}
		}
	}
	if len(blocks.List) == 0 {
		return provider.Subnet{}, &Error{Path: path + ".CidrBlock", Value: strconv.Quote(cidr), Msg: "missing: a subnet has an IPv4 or an associated IPv6 block"}
	}
	return provider.Subnet{ID: id, Prefixes: blocks.List,
		Origin: sgsim.Origin{Vendor: "aws", Document: DocSubnets, Record: id, Path: path}}, nil
}

type subnetOut struct {
	SubnetId                    string
	CidrBlock                   string `json:",omitempty"`
	Ipv6CidrBlockAssociationSet []v6AssocOut
}

type v6AssocOut struct {
	Ipv6CidrBlock      string
	Ipv6CidrBlockState struct{ State string }
}

// WriteSubnets writes subnets as a DescribeSubnets document that
// ReadSubnets reads back to the same subnets (Origin aside). A subnet has
// at most one IPv4 block; ACL is not written.
func WriteSubnets(w io.Writer, subnets []provider.Subnet) error {
	out := struct{ Subnets []subnetOut }{Subnets: []subnetOut{}}
	for i, s := range subnets {
		path := jsonx.Index("Subnets", i)
		if s.ID == "" {
			return &Error{Path: path + ".SubnetId", Value: `""`, Msg: "a subnet needs an ID"}
		}
		j := subnetOut{SubnetId: s.ID, Ipv6CidrBlockAssociationSet: []v6AssocOut{}}
		for _, p := range s.Prefixes {
			if p.Addr().Is4() {
				if j.CidrBlock != "" {
					return &Error{Path: path + ".CidrBlock", Value: strconv.Quote(p.String()), Msg: "a subnet has one IPv4 block"}
				}
				j.CidrBlock = p.String()
				continue
			}
			a := v6AssocOut{Ipv6CidrBlock: p.String()}
			a.Ipv6CidrBlockState.State = "associated"
			j.Ipv6CidrBlockAssociationSet = append(j.Ipv6CidrBlockAssociationSet, a)
		}
		out.Subnets = append(out.Subnets, j)
	}
	return writeJSON(w, out)
}

type aclAssocJSON struct {
	NetworkAclId json.RawMessage
	Associations json.RawMessage
}

type assocJSON struct {
	NetworkAclId json.RawMessage
	SubnetId     json.RawMessage
}

// ReadNetworkAclAssociations reads the Associations of a
// DescribeNetworkAcls document (`aws ec2 describe-network-acls`): which
// subnet each ACL is bound to, in document order. The entries are not
// read here (ReadNetworkAcls reads them). A subnet bound twice is an
// error: a subnet has one ACL.
func ReadNetworkAclAssociations(r io.Reader, opts ...read.Option) ([]provider.ACLBinding, error) {
	bound := map[string]string{}
	lists, err := nicx.Read(jdec, "aws", r, opts, list("NetworkAcls"), func(path string, raw json.RawMessage) ([]provider.ACLBinding, error) {
		return readAssociations(path, raw, bound)
	})
	var out []provider.ACLBinding
	for _, l := range lists {
		out = append(out, l...)
	}
	return out, err
}

func readAssociations(path string, raw json.RawMessage, bound map[string]string) ([]provider.ACLBinding, error) {
	var j aclAssocJSON
	if err := jdec.Object(path, raw, &j); err != nil {
		return nil, err
	}
	f := jdec.Fields(path)
	acl := f.Str("NetworkAclId", j.NetworkAclId)
	if f.Err != nil {
		return nil, f.Err
	}
	if acl == "" {
		return nil, &Error{Path: path + ".NetworkAclId", Value: `""`, Msg: "missing or empty"}
	}
	if jsonx.IsNull(j.Associations) {
		return nil, nil
	}
	as, err := jdec.Array(path+".Associations", j.Associations)
	if err != nil {
		return nil, err
	}
	var out []provider.ACLBinding
	for k, araw := range as {
		apath := jsonx.Index(path+".Associations", k)
		var a assocJSON
		if err := jdec.Object(apath, araw, &a); err != nil {
			return nil, err
		}
		af := jdec.Fields(apath)
		aacl := af.Str("NetworkAclId", a.NetworkAclId)
		sub := af.Str("SubnetId", a.SubnetId)
		if af.Err != nil {
			return nil, af.Err
		}
		if aacl != "" && aacl != acl {
			return nil, &Error{Path: apath + ".NetworkAclId", Value: strconv.Quote(aacl), Msg: "not the enclosing ACL " + strconv.Quote(acl)}
		}
		if sub == "" {
			return nil, &Error{Path: apath + ".SubnetId", Value: `""`, Msg: "missing or empty"}
		}
		if prev, ok := bound[sub]; ok {
			return nil, &Error{Path: apath + ".SubnetId", Value: strconv.Quote(sub), Msg: "subnet already bound (at " + prev + "); a subnet has one network ACL"}
		}
		bound[sub] = apath
		out = append(out, provider.ACLBinding{ACL: acl, Subnet: sub, Origin: sgsim.Origin{Vendor: "aws", Document: docACLs, Record: acl, Path: apath}})
	}
	return out, nil
}

// WriteNetworkAclsBound writes the ACLs as WriteNetworkAcls does, each
// with the Associations of the bindings that name it, so that
// ReadNetworkAcls reads back the ACLs and ReadNetworkAclAssociations the
// bindings (Origin aside, bindings in ACL order). A binding to an ACL not
// in gs, or a subnet bound twice, is an error: a subnet has one network
// ACL.
func WriteNetworkAclsBound(w io.Writer, gs []sgsim.Group, bs []provider.ACLBinding) error {
	ids := map[string]bool{}
	for _, g := range gs {
		ids[g.ID] = true
	}
	bound := map[string][]string{}
	subnet := map[string]bool{}
	for i, b := range bs {
		switch {
		case !ids[b.ACL]:
			return &Error{Path: "binding[" + strconv.Itoa(i) + "]", Value: strconv.Quote(b.ACL), Msg: "binds an ACL that is not written"}
		case b.Subnet == "":
			return &Error{Path: "binding[" + strconv.Itoa(i) + "]", Value: `""`, Msg: "a binding needs a subnet ID"}
		case subnet[b.Subnet]:
			return &Error{Path: "binding[" + strconv.Itoa(i) + "]", Value: strconv.Quote(b.Subnet), Msg: "subnet bound twice; a subnet has one network ACL"}
		}
		subnet[b.Subnet] = true
		bound[b.ACL] = append(bound[b.ACL], b.Subnet)
	}
	return writeACLs(w, gs, bound)
}
