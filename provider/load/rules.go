package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
)

// Vendors are the vendor names of exports, with the semantics each one's
// security groups are evaluated with.
var Vendors = []string{"huawei", "alibaba", "tencent", "aws"}

// VendorSemantics returns the semantics of the named vendor's security
// groups (AWS: Union), and false for an unknown name.
func VendorSemantics(vendor string) (sgsim.Semantics, bool) {
	s, ok := map[string]sgsim.Semantics{"huawei": sgsim.Huawei, "alibaba": sgsim.Alibaba, "tencent": sgsim.Tencent, "aws": sgsim.Union}[vendor]
	return s, ok
}

// VendorOf returns the vendor name whose security groups have semantics
// s, and "" when none has.
func VendorOf(s sgsim.Semantics) string {
	for _, v := range Vendors {
		if vs, _ := VendorSemantics(v); vs == s {
			return v
		}
	}
	return ""
}

// Export is what one vendor export file holds: security groups or network
// ACLs, the subnets the ACLs are bound to when the document says, and
// notes on what was read but is not evaluated.
type Export struct {
	Groups, ACLs []sgsim.Group
	Bindings     []provider.ACLBinding
	Notes        []string
	// Read and Skipped are the lenient read's report (read.SkipInvalid
	// among the options): the records read, and each record skipped with
	// its position and why. Both are zero in a strict read.
	Read    int
	Skipped []*read.Error
}

// ReadExport reads one vendor export. The kind of document is told apart
// by its top-level key:
//
//   - huawei: ListSecurityGroupRules (or the Neutron list of the same
//     rules), or ShowFirewall {"firewall": ...} / {"firewalls": [...]}
//     (network ACLs, with the subnets each is associated with; disabled
//     rules and the rules of disabled ACLs are noted, not evaluated).
//   - alibaba: DescribeSecurityGroupAttribute (one group, or an array of
//     them), or DescribeNetworkAcls / DescribeNetworkAclAttributes (with
//     the vSwitches each ACL is bound to).
//   - tencent: DescribeSecurityGroupPolicies, DescribeNetworkAcls (with
//     the subnets each ACL is bound to) or
//     DescribeNetworkAclQuintupleEntries, with or without the "Response"
//     wrapper. A policy or quintuple export holds one group's or ACL's
//     entries and not its ID: the ID is the file name without its
//     extension.
//   - aws: DescribeSecurityGroupRules, DescribeSecurityGroups or
//     DescribeNetworkAcls (with the subnets each ACL is associated with).
//
// name is the file's name (for Tencent IDs); errors are the vendor
// reader's, which name the JSON path and line and column. With
// read.SkipInvalid among opts the read is lenient: Export.Read and
// Export.Skipped say what was kept and left out (and so does the option's
// own Report).
func ReadExport(vendor, name string, data []byte, opts ...read.Option) (Export, error) {
	lenient := read.Lenient(opts)
	var rep read.Report
	if lenient != nil {
		opts = []read.Option{read.SkipInvalid(&rep)}
	}
	x, err := readExport(vendor, name, data, opts)
	if err == nil && lenient != nil {
		x.Read, x.Skipped = rep.Read, rep.Skipped
		*lenient = rep
	}
	return x, err
}

func readExport(vendor, name string, data []byte, opts []read.Option) (Export, error) {
	var x Export
	r := bytes.NewReader(data)
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		top = nil
	}
	var err error
	switch vendor {
	case "huawei":
		if top["firewall"] != nil || top["firewalls"] != nil {
			fws, err := huawei.ReadFirewalls(r, opts...)
			if err != nil {
				return Export{}, err
			}
			x.Bindings = huawei.FirewallBindings(fws)
			var off, suspended int
			for _, fw := range fws {
				x.ACLs = append(x.ACLs, fw.ACL)
				off += len(fw.Disabled)
				suspended += len(fw.Suspended)
			}
			if off+suspended > 0 {
				x.Notes = append(x.Notes, fmt.Sprintf("%d disabled rules and %d rules of disabled network ACLs are not evaluated (a disabled ACL denies everything)", off, suspended))
			}
			return x, nil
		}
		x.Groups, err = huawei.ReadRules(r, opts...)
	case "alibaba":
		switch {
		case top["NetworkAclAttribute"] != nil || top["NetworkAcls"] != nil:
			if x.ACLs, err = alibaba.ReadNetworkAcls(r, opts...); err == nil {
				var bs []alibaba.Binding
				bs, err = alibaba.ReadNetworkAclBindings(bytes.NewReader(data), lenientAgain(opts)...)
				x.Bindings = alibaba.ACLBindings(bs)
			}
		case len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] == '[':
			x.Groups, err = alibaba.ReadSecurityGroups(r, opts...)
		default:
			var g sgsim.Group
			g, err = alibaba.ReadSecurityGroup(r, opts...)
			x.Groups = []sgsim.Group{g}
		}
	case "tencent":
		id := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		inner := top
		var resp map[string]json.RawMessage
		if json.Unmarshal(top["Response"], &resp) == nil && resp != nil {
			inner = resp
		}
		var g sgsim.Group
		switch {
		case inner["NetworkAclSet"] != nil:
			if x.ACLs, err = tencent.ReadNetworkAcls(r, opts...); err == nil {
				x.Bindings, err = tencent.ReadNetworkAclSubnets(bytes.NewReader(data), lenientAgain(opts)...)
			}
		case inner["NetworkAclQuintupleSet"] != nil:
			g, err = tencent.ReadNetworkAclQuintupleEntries(r, id, opts...)
			x.ACLs = []sgsim.Group{g}
		default:
			g, err = tencent.ReadPolicies(r, id, opts...)
			x.Groups = []sgsim.Group{g}
		}
	case "aws":
		switch {
		case top["NetworkAcls"] != nil:
			if x.ACLs, err = aws.ReadNetworkAcls(r, opts...); err == nil {
				x.Bindings, err = aws.ReadNetworkAclAssociations(bytes.NewReader(data), lenientAgain(opts)...)
			}
		case top["SecurityGroups"] != nil:
			x.Groups, err = aws.ReadSecurityGroups(r, opts...)
		default:
			x.Groups, err = aws.ReadSecurityGroupRules(r, opts...)
		}
	default:
		return Export{}, fmt.Errorf("vendor %q: want %s", vendor, strings.Join(Vendors, ", "))
	}
	if err != nil {
		return Export{}, err
	}
	return x, nil
}

// lenientAgain returns options for a second read of a document whose
// first read's report counts: lenient like opts (which readExport gets
// empty or as one read.SkipInvalid), with a report of its own that is
// dropped.
func lenientAgain(opts []read.Option) []read.Option {
	if len(opts) == 0 {
		return nil
	}
	return []read.Option{read.SkipInvalid(new(read.Report))}
}
