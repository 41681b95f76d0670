package fuzz

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
)

var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

// nicListing checks what a NIC-listing reader gave: every NIC has an ID,
// valid canonical addresses and a path; the NICs write and read back the
// same (Origin aside); and they place into a topology and build a network
// (with no groups: every group is missing from the export) without a
// panic.
func nicListing(t *testing.T, nics []provider.NIC, write func(io.Writer, []provider.NIC) error, read func(io.Reader, ...read.Option) ([]provider.NIC, error)) {
	for _, n := range nics {
		if n.ID == "" || n.Origin.Path == "" {
			t.Fatalf("NIC %+v has no ID or no Origin.Path", n)
		}
		for _, p := range n.Addrs {
			if !p.IsValid() || p.Masked() != p {
				t.Fatalf("NIC %s: address %v is not a canonical prefix", n.ID, p)
			}
		}
	}
	var b bytes.Buffer
	if err := write(&b, nics); err != nil {
		t.Fatalf("what was read does not write: %v", err)
	}
	back, err := read(&b)
	if err != nil {
		t.Fatalf("what was written does not read: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(nics, back, cmpPrefix, cmpopts.IgnoreFields(provider.NIC{}, "Origin"), cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("round trip differs (-read +reread):\n%s", d)
	}
	top, _, err := (provider.Topology{Cloud: sgsim.Union}).Place(provider.Placement{NICs: nics})
	if err != nil {
		var pe *provider.PlacementError
		if !errors.As(err, &pe) {
			t.Fatalf("Place: %T %v is not a PlacementError", err, err)
		}
		return
	}
	if _, _, err := top.Build(nil, nil); err != nil {
		var ne *sgsim.NetworkError
		if !errors.As(err, &ne) {
			t.Fatalf("Build: %T %v is not a NetworkError", err, err)
		}
	}
}

// subnetListing checks subnets read from a listing: IDs, at least one
// canonical prefix each, a path; and that they write and read back the
// same.
func subnetListing(t *testing.T, subs []provider.Subnet, write func(io.Writer, []provider.Subnet) error, read func(io.Reader, ...read.Option) ([]provider.Subnet, error)) {
	for _, s := range subs {
		if s.ID == "" || s.Origin.Path == "" || len(s.Prefixes) == 0 {
			t.Fatalf("subnet %+v has no ID, path or prefix", s)
		}
		for _, p := range s.Prefixes {
			if !p.IsValid() || p.Masked() != p {
				t.Fatalf("subnet %s: prefix %v is not canonical", s.ID, p)
			}
		}
	}
	var b bytes.Buffer
	if err := write(&b, subs); err != nil {
		t.Fatalf("what was read does not write: %v", err)
	}
	back, err := read(&b)
	if err != nil {
		t.Fatalf("what was written does not read: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(subs, back, cmpPrefix, cmpopts.IgnoreFields(provider.Subnet{}, "Origin"), cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("subnet round trip differs (-read +reread):\n%s", d)
	}
}

// FuzzAWSNetworkInterfaces: any bytes either fail to read as
// DescribeNetworkInterfaces / DescribeSubnets / DescribeNetworkAcls
// associations with an *aws.Error, or read to records that round-trip
// and place (see nicListing).
func FuzzAWSNetworkInterfaces(f *testing.F) {
	// Addresses of every kind, two groups, a subnet.
	f.Add([]byte(`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-1","PrivateIpAddress":"10.0.1.17","PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.0.1.17"},{"PrivateIpAddress":"10.0.1.18"}],"Ipv6Addresses":[{"Ipv6Address":"2001:db8::17"}],"Ipv4Prefixes":[{"Ipv4Prefix":"10.0.1.208/28"}],"Ipv6Prefixes":[{"Ipv6Prefix":"2001:db8:0:0:1::/80"}],"Groups":[{"GroupId":"sg-1"},{"GroupId":"sg-2"}]}]}`))
	// Only the top-level PrivateIpAddress; no groups; two NICs sharing an address.
	f.Add([]byte(`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.1"},{"NetworkInterfaceId":"eni-2","PrivateIpAddress":"10.0.0.1"}]}`))
	// Subnets, one dual-stack, and ACL associations.
	f.Add([]byte(`{"Subnets":[{"SubnetId":"subnet-1","CidrBlock":"10.0.1.0/24","Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2001:db8::/64","Ipv6CidrBlockState":{"State":"associated"}}]}]}`))
	f.Add([]byte(`{"NetworkAcls":[{"NetworkAclId":"acl-1","Associations":[{"NetworkAclId":"acl-1","SubnetId":"subnet-1"}]}]}`))
	// Invalid: wrong family, host bits, duplicate group, truncated.
	f.Add([]byte(`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddresses":[{"PrivateIpAddress":"2001:db8::1"}]}]}`))
	f.Add([]byte(`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","Ipv4Prefixes":[{"Ipv4Prefix":"10.0.0.1/28"}]}]}`))
	f.Add([]byte(`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","Groups":[{"GroupId":"sg-1"},{"GroupId":"sg-1"}]}]}`))
	f.Add([]byte(`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1",`))
	f.Fuzz(func(t *testing.T, data []byte) {
		isAWS := func(err error) {
			var ae *aws.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v is not an *aws.Error", err, err)
			}
		}
		if nics, err := aws.ReadNetworkInterfaces(bytes.NewReader(data)); err != nil {
			isAWS(err)
		} else {
			nicListing(t, nics, aws.WriteNetworkInterfaces, aws.ReadNetworkInterfaces)
		}
		if subs, err := aws.ReadSubnets(bytes.NewReader(data)); err != nil {
			isAWS(err)
		} else {
			subnetListing(t, subs, aws.WriteSubnets, aws.ReadSubnets)
		}
		if bs, err := aws.ReadNetworkAclAssociations(bytes.NewReader(data)); err != nil {
			isAWS(err)
		} else {
			for _, b := range bs {
				if b.ACL == "" || b.Subnet == "" || b.Origin.Path == "" {
					t.Fatalf("binding %+v lacks an ACL, subnet or path", b)
				}
			}
		}
	})
}

// FuzzHuaweiPorts: any bytes either fail to read as ListPorts /
// ListSubnets with a *huawei.Error, or read to records that round-trip
// and place (see nicListing).
func FuzzHuaweiPorts(f *testing.F) {
	// Two families, two groups, a port without port security.
	f.Add([]byte(`{"ports":[{"id":"p-1","name":"n","network_id":"s-1","fixed_ips":[{"subnet_id":"n4","ip_address":"192.168.0.10"},{"ip_address":"2407:c080::10"}],"security_groups":["sg-1","sg-2"],"port_security_enabled":true},{"id":"p-2","fixed_ips":[{"ip_address":"192.168.0.1"}],"security_groups":["sg-1"],"port_security_enabled":false}]}`))
	// Subnets, one dual-stack.
	f.Add([]byte(`{"subnets":[{"id":"s-1","cidr":"192.168.0.0/24","cidr_v6":"2407:c080::/64","neutron_network_id":"s-1"},{"id":"s-2","cidr":"192.168.1.0/24"}]}`))
	// Invalid: a prefix as an address, a duplicate group, a Neutron subnet, a duplicate key, truncated.
	f.Add([]byte(`{"ports":[{"id":"p-1","fixed_ips":[{"ip_address":"192.168.0.0/24"}]}]}`))
	f.Add([]byte(`{"ports":[{"id":"p-1","security_groups":["sg-1","sg-1"]}]}`))
	f.Add([]byte(`{"subnets":[{"id":"n-1","network_id":"s-1","ip_version":4,"cidr":"10.0.0.0/24"}]}`))
	f.Add([]byte(`{"ports":[{"id":"p-1","id":"p-2"}]}`))
	f.Add([]byte(`{"ports":[{"id":"p-1",`))
	f.Fuzz(func(t *testing.T, data []byte) {
		isHuawei := func(err error) {
			var he *huawei.Error
			if !errors.As(err, &he) {
				t.Fatalf("error %T %v is not a *huawei.Error", err, err)
			}
		}
		if nics, err := huawei.ReadPorts(bytes.NewReader(data)); err != nil {
			isHuawei(err)
		} else {
			nicListing(t, nics, huawei.WritePorts, huawei.ReadPorts)
		}
		if subs, err := huawei.ReadSubnets(bytes.NewReader(data)); err != nil {
			isHuawei(err)
		} else {
			subnetListing(t, subs, huawei.WriteSubnets, huawei.ReadSubnets)
		}
	})
}

// FuzzAlibabaNetworkInterfaces: any bytes either fail to read as ECS
// DescribeNetworkInterfaces / VPC DescribeVSwitches with an
// *alibaba.Error, or read to records that round-trip and place (see
// nicListing).
func FuzzAlibabaNetworkInterfaces(f *testing.F) {
	// Every address list, two groups.
	f.Add([]byte(`{"NetworkInterfaceSets":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","NetworkInterfaceName":"n","VSwitchId":"vsw-1","PrivateIpAddress":"172.16.0.10","PrivateIpSets":{"PrivateIpSet":[{"PrivateIpAddress":"172.16.0.10","Primary":true},{"PrivateIpAddress":"172.16.0.11"}]},"Ipv6Sets":{"Ipv6Set":[{"Ipv6Address":"2408:4005::10"}]},"Ipv4PrefixSets":{"Ipv4PrefixSet":[{"Ipv4Prefix":"172.16.0.32/28"}]},"Ipv6PrefixSets":{"Ipv6PrefixSet":[{"Ipv6Prefix":"2408:4005:0:1::/80"}]},"SecurityGroupIds":{"SecurityGroupId":["sg-1","sg-2"]}}]}}`))
	// Only PrivateIpAddress; empty lists left out.
	f.Add([]byte(`{"NetworkInterfaceSets":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"172.16.0.10"}]}}`))
	// vSwitches, one with an ACL.
	f.Add([]byte(`{"VSwitches":{"VSwitch":[{"VSwitchId":"vsw-1","CidrBlock":"172.16.0.0/24","Ipv6CidrBlock":"2408:4005::/64","NetworkAclId":"nacl-1"},{"VSwitchId":"vsw-2","CidrBlock":"172.16.1.0/24"}]}}`))
	// Invalid: an unwrapped list, overlapping addresses, duplicate key, truncated.
	f.Add([]byte(`{"NetworkInterfaceSets":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","SecurityGroupIds":["sg-1"]}]}}`))
	f.Add([]byte(`{"NetworkInterfaceSets":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"172.16.0.40","Ipv4PrefixSets":{"Ipv4PrefixSet":[{"Ipv4Prefix":"172.16.0.32/28"}]}}]}}`))
	f.Add([]byte(`{"VSwitches":{"VSwitch":[{"VSwitchId":"a","VSwitchId":"b"}]}}`))
	f.Add([]byte(`{"NetworkInterfaceSets":{"NetworkInterfaceSet":[{"NetworkInterfaceId":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		isAlibaba := func(err error) {
			var ae *alibaba.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v is not an *alibaba.Error", err, err)
			}
		}
		if nics, err := alibaba.ReadNetworkInterfaces(bytes.NewReader(data)); err != nil {
			isAlibaba(err)
		} else {
			nicListing(t, nics, alibaba.WriteNetworkInterfaces, alibaba.ReadNetworkInterfaces)
		}
		if subs, err := alibaba.ReadVSwitches(bytes.NewReader(data)); err != nil {
			isAlibaba(err)
		} else {
			subnetListing(t, subs, alibaba.WriteVSwitches, alibaba.ReadVSwitches)
		}
	})
}

// FuzzTencentNetworkInterfaces: any bytes either fail to read as
// DescribeNetworkInterfaces / DescribeSubnets / the SubnetSet of
// DescribeNetworkAcls with a *tencent.Error, or read to records that
// round-trip and place (see nicListing).
func FuzzTencentNetworkInterfaces(f *testing.F) {
	// Two families, two groups, in and out of the Response wrapper.
	f.Add([]byte(`{"Response":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","NetworkInterfaceName":"n","SubnetId":"subnet-1","GroupSet":["sg-1","sg-2"],"PrivateIpAddressSet":[{"PrivateIpAddress":"10.1.0.10","Primary":true},{"PrivateIpAddress":"10.1.0.11"}],"Ipv6AddressSet":[{"Address":"2402:4e00::10"}]}],"TotalCount":1}}`))
	f.Add([]byte(`{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","PrivateIpAddressSet":[{"PrivateIpAddress":"10.1.0.10"}]}]}`))
	// Subnets with an ACL, and an ACL's SubnetSet.
	f.Add([]byte(`{"Response":{"SubnetSet":[{"SubnetId":"subnet-1","CidrBlock":"10.1.0.0/24","Ipv6CidrBlock":"2402:4e00::/64","NetworkAclId":"acl-1"}]}}`))
	f.Add([]byte(`{"Response":{"NetworkAclSet":[{"NetworkAclId":"acl-1","SubnetSet":[{"SubnetId":"subnet-1"}]}]}}`))
	// Invalid: a failed call, a group object, a wrong family, truncated.
	f.Add([]byte(`{"Response":{"Error":{"Code":"AuthFailure","Message":"x"}}}`))
	f.Add([]byte(`{"Response":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","GroupSet":[{"SecurityGroupId":"sg-1"}]}]}}`))
	f.Add([]byte(`{"Response":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","Ipv6AddressSet":[{"Address":"10.0.0.1"}]}]}}`))
	f.Add([]byte(`{"Response":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1",`))
	f.Fuzz(func(t *testing.T, data []byte) {
		isTencent := func(err error) {
			var te *tencent.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v is not a *tencent.Error", err, err)
			}
		}
		if nics, err := tencent.ReadNetworkInterfaces(bytes.NewReader(data)); err != nil {
			isTencent(err)
		} else {
			nicListing(t, nics, tencent.WriteNetworkInterfaces, tencent.ReadNetworkInterfaces)
		}
		if subs, err := tencent.ReadSubnets(bytes.NewReader(data)); err != nil {
			isTencent(err)
		} else {
			subnetListing(t, subs, tencent.WriteSubnets, tencent.ReadSubnets)
		}
		if bs, err := tencent.ReadNetworkAclSubnets(bytes.NewReader(data)); err != nil {
			isTencent(err)
		} else {
			for _, b := range bs {
				if b.ACL == "" || b.Subnet == "" || b.Origin.Path == "" {
					t.Fatalf("binding %+v lacks an ACL, subnet or path", b)
				}
			}
		}
	})
}
