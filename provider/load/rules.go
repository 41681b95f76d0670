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
}

// ReadExport reads one vendor export. The kind of document is told apart
// by its top-level key:
//
//   - huawei: ListSecurityGroupRules (or the Neutron list of the same
//     rules), or ShowFirewall {"firewall": ...} / {"firewalls": [...]}
//     (network ACLs; disabled rules and the rules of disabled ACLs are
//     noted, not evaluated).
//   - alibaba: DescribeSecurityGroupAttribute (one group, or an array of
//     them), or DescribeNetworkAcls / DescribeNetworkAclAttributes.
//   - tencent: DescribeSecurityGroupPolicies, DescribeNetworkAcls or
//     DescribeNetworkAclQuintupleEntries, with or without the "Response"
//     wrapper. A policy or quintuple export holds one group's or ACL's
//     entries and not its ID: the ID is the file name without its
//     extension.
//   - aws: DescribeSecurityGroupRules, DescribeSecurityGroups or
//     DescribeNetworkAcls (with the subnets each ACL is associated with).
//
// name is the file's name (for Tencent IDs); errors are the vendor
// reader's, which name the JSON path.
func ReadExport(vendor, name string, data []byte) (Export, error) {
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
			fws, err := huawei.ReadFirewalls(r)
			if err != nil {
				return Export{}, err
			}
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
		x.Groups, err = huawei.ReadRules(r)
	case "alibaba":
		switch {
		case top["NetworkAclAttribute"] != nil || top["NetworkAcls"] != nil:
			x.ACLs, err = alibaba.ReadNetworkAcls(r)
		case len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] == '[':
			x.Groups, err = alibaba.ReadSecurityGroups(r)
		default:
			var g sgsim.Group
			g, err = alibaba.ReadSecurityGroup(r)
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
			x.ACLs, err = tencent.ReadNetworkAcls(r)
		case inner["NetworkAclQuintupleSet"] != nil:
			g, err = tencent.ReadNetworkAclQuintupleEntries(r, id)
			x.ACLs = []sgsim.Group{g}
		default:
			g, err = tencent.ReadPolicies(r, id)
			x.Groups = []sgsim.Group{g}
		}
	case "aws":
		switch {
		case top["NetworkAcls"] != nil:
			if x.ACLs, err = aws.ReadNetworkAcls(r); err == nil {
				x.Bindings, err = aws.ReadNetworkAclAssociations(bytes.NewReader(data))
			}
		case top["SecurityGroups"] != nil:
			x.Groups, err = aws.ReadSecurityGroups(r)
		default:
			x.Groups, err = aws.ReadSecurityGroupRules(r)
		}
	default:
		return Export{}, fmt.Errorf("vendor %q: want %s", vendor, strings.Join(Vendors, ", "))
	}
	if err != nil {
		return Export{}, err
	}
	return x, nil
}
