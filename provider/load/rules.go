package load

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
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
//     rules), ShowSecurityGroup or the v1 ListSecurityGroups (groups with
//     their rules), or ShowFirewall {"firewall": ...} / {"firewalls": [...]}
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
	x, err := readExport(vendor, name, data, opts, lenient != nil, &rep)
	if err == nil && lenient != nil {
		x.Read, x.Skipped = rep.Read, rep.Skipped
		*lenient = rep
	}
	return x, err
}

func readExport(vendor, name string, data []byte, opts []read.Option, lenient bool, rep *read.Report) (Export, error) {
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
				err = x.bind(lenient, rep, func(opts ...read.Option) ([]provider.ACLBinding, error) {
					bs, err := alibaba.ReadNetworkAclBindings(bytes.NewReader(data), opts...)
					return alibaba.ACLBindings(bs), err
				})
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
				err = x.bind(lenient, rep, func(opts ...read.Option) ([]provider.ACLBinding, error) {
					return tencent.ReadNetworkAclSubnets(bytes.NewReader(data), opts...)
				})
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
				err = x.bind(lenient, rep, func(opts ...read.Option) ([]provider.ACLBinding, error) {
					return aws.ReadNetworkAclAssociations(bytes.NewReader(data), opts...)
				})
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

// bind reads the bindings of a document whose ACLs x holds, a second
// pass over it (readB), as strictly as the first. A lenient read lists
// the records this pass skips in rep too, but for those at a position the
// first pass already skipped (one problem is listed once). Bindings are
// kept whatever the first pass kept: another -rules file may hold the
// ACL (loadRules drops, with a note, those whose ACL no file holds).
func (x *Export) bind(lenient bool, rep *read.Report, readB func(...read.Option) ([]provider.ACLBinding, error)) error {
	if !lenient {
		bs, err := readB()
		x.Bindings = bs
		return err
	}
	var again read.Report
	bs, err := readB(read.SkipInvalid(&again))
	if err != nil {
		return err
	}
	at := map[[2]int]bool{}
	for _, e := range rep.Skipped {
		at[[2]int{e.Line, e.Column}] = true
	}
	for _, e := range again.Skipped {
		if e.Line == 0 || !at[[2]int{e.Line, e.Column}] {
			rep.Skipped = append(rep.Skipped, e)
		}
	}
	// Document order, the checks across the whole document last.
	pos := func(e *read.Error) [2]int {
		if e.Line == 0 {
			return [2]int{math.MaxInt, 0}
		}
		return [2]int{e.Line, e.Column}
	}
	slices.SortStableFunc(rep.Skipped, func(a, b *read.Error) int {
		pa, pb := pos(a), pos(b)
		return cmp.Or(cmp.Compare(pa[0], pb[0]), cmp.Compare(pa[1], pb[1]))
	})
	x.Bindings = bs
	return nil
}
