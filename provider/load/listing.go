package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/provider/tencent"
)

// ReadListing reads one vendor listing that places groups on addresses,
// told apart by its top-level key, into placement records:
//
//   - aws: DescribeNetworkInterfaces ("NetworkInterfaces": the NICs with
//     their addresses, subnet and groups in order) or DescribeSubnets
//     ("Subnets").
//   - huawei: VPC ListPorts ("ports") or ListSubnets ("subnets").
//   - alibaba: ECS DescribeNetworkInterfaces ("NetworkInterfaceSets") or
//     VPC DescribeVSwitches ("VSwitches", with the ACL each is bound to).
//   - tencent: DescribeNetworkInterfaces ("NetworkInterfaceSet") or
//     DescribeSubnets ("SubnetSet", with the ACL each is bound to), with
//     or without the "Response" wrapper.
//
// With read.SkipInvalid among opts the read is lenient, as the vendor
// readers document. The ACL bindings also come with the network-ACL exports of -rules
// (ReadExport).
func ReadListing(vendor, name string, data []byte, opts ...read.Option) (provider.Placement, error) {
	var p provider.Placement
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		top = nil
	}
	r := bytes.NewReader(data)
	var err error
	switch vendor {
	case "aws":
		switch {
		case top["Subnets"] != nil:
			p.Subnets, err = aws.ReadSubnets(r, opts...)
		default:
			p.NICs, err = aws.ReadNetworkInterfaces(r, opts...)
		}
	case "huawei":
		switch {
		case top["subnets"] != nil:
			p.Subnets, err = huawei.ReadSubnets(r, opts...)
		default:
			p.NICs, err = huawei.ReadPorts(r, opts...)
		}
	case "alibaba":
		switch {
		case top["VSwitches"] != nil:
			p.Subnets, err = alibaba.ReadVSwitches(r, opts...)
		default:
			p.NICs, err = alibaba.ReadNetworkInterfaces(r, opts...)
		}
	case "tencent":
		inner := top
		var resp map[string]json.RawMessage
		if json.Unmarshal(top["Response"], &resp) == nil && resp != nil {
			inner = resp
		}
		switch {
		case inner["SubnetSet"] != nil:
			p.Subnets, err = tencent.ReadSubnets(r, opts...)
		default:
			p.NICs, err = tencent.ReadNetworkInterfaces(r, opts...)
		}
	default:
		return p, fmt.Errorf("vendor %q: want %s", vendor, strings.Join(Vendors, ", "))
	}
	return p, err
}
