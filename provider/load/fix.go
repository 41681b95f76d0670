package load

import (
	"bytes"
	"fmt"

	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// Document is a vendor API document: its name (the API operation, and
// the group for one-group documents) and its text.
type Document struct {
	Name string
	Text []byte
}

// FixDocuments renders the rules of minimal fixes in the API form of the
// vendor whose security groups have semantics cloud, grouped by the group
// each rule goes into: Huawei ListSecurityGroupRules (one record per
// rule), Alibaba DescribeSecurityGroupAttribute (an array, one per
// group), Tencent DescribeSecurityGroupPolicies (one document per group)
// and AWS DescribeSecurityGroupRules. Rule IDs are fix-R-F, for the R-th
// result's F-th fix.
//
// A fix rule the vendor cannot express as it stands is adapted where
// that matches the same packets, and the notes say so: Huawei needs the
// ethertype (taken from the remote's family); Huawei, Alibaba and
// Tencent ports are 1-65535, so port 0, which no real TCP or UDP
// connection uses, is left out (a rule for port 0 alone is dropped);
// a rule holds one CIDR block, so a rule is split per prefix of its
// remote, and Alibaba, Tencent and AWS rules hold one port range, so it
// is split per range too; Tencent policy indexes are distinct, so the
// rules of a group are numbered from 0 in each direction (placed first,
// as the fixes are); AWS rules have no priority. The groups' attributes
// (Alibaba InnerAccessPolicy) are spec's.
// Other semantics have no vendor form: nil, no error.
func FixDocuments(spec sgsim.NetworkSpec, rs []analyze.FixResult) ([]Document, []string, error) {
	vendor := VendorOf(spec.Cloud)
	if vendor == "" {
		return nil, nil, nil
	}
	var groups []sgsim.Group
	clipped, split := false, false
	at := map[string]int{}
	add := func(group string, r sgsim.Rule) {
		g, ok := at[group]
		if !ok {
			g = len(groups)
			at[group] = g
			ng := sgsim.Group{ID: group, InnerAccess: sgsim.InnerAccept}
			for _, sg := range spec.Groups {
				if sg.ID == group {
					ng.Name, ng.InnerAccess = sg.Name, sg.InnerAccess
				}
			}
			if vendor != "alibaba" {
				ng.InnerAccess = sgsim.NoInnerAccess
			}
			groups = append(groups, ng)
		}
		switch vendor {
		case "aws":
			r.Priority = 0
		case "tencent":
			r.Priority = 0
			for _, o := range groups[g].Rules {
				if o.Direction == r.Direction {
					r.Priority++
				}
			}
		}
		groups[g].Rules = append(groups[g].Rules, r)
	}
	for _, res := range rs {
		for _, f := range res.Fixes {
			rule := f.Rule
			if vendor == "huawei" && rule.Family == sgsim.AnyFamily { // the ethertype: the remote's family
				switch v4, v6 := rule.Remote().Families(); {
				case v4 && !v6:
					rule.Family = sgsim.IPv4
				case v6 && !v4:
					rule.Family = sgsim.IPv6
				}
			}
			if vendor != "aws" && rule.DstPorts != nil && rule.DstPorts[0].First == 0 {
				ps := append(sgsim.Ports(nil), rule.DstPorts...)
				if ps[0].Last == 0 {
					ps = ps[1:]
				} else {
					ps[0].First = 1
				}
				clipped = true
				if len(ps) == 0 { // a rule for port 0 alone has no form
					continue
				}
				rule.DstPorts = ps
			}
			ports := []sgsim.Ports{rule.DstPorts}
			if len(rule.DstPorts) > 1 && vendor != "huawei" {
				ports = nil
				for _, p := range rule.DstPorts {
					ports = append(ports, sgsim.Ports{p})
				}
			}
			remotes := []sgsim.Addrs{rule.Remote()}
			if set := rule.Remote().Set(); !rule.Remote().IsAny() && set != nil && len(set.Prefixes()) > 1 {
				remotes = nil
				for _, p := range set.Prefixes() {
					remotes = append(remotes, sgsim.PrefixAddrs(p))
				}
			}
			n := 0
			for _, p := range ports {
				for _, a := range remotes {
					r := rule
					r.DstPorts = p
					if r.Direction == sgsim.Egress {
						r.Dst = a
					} else {
						r.Src = a
					}
					if len(ports)*len(remotes) > 1 {
						n++
						r.ID = fmt.Sprintf("%s-%d", rule.ID, n)
						split = true
					}
					add(f.Group, r)
				}
			}
		}
	}
	var notes []string
	if clipped {
		notes = append(notes, "port 0 left out of the "+vendor+" form (its ports are 1-65535)")
	}
	if split {
		what := "port range and remote prefix (a " + vendor + " rule holds one of each)"
		if vendor == "huawei" {
			what = "remote prefix (a huawei rule holds one CIDR block)"
		}
		notes = append(notes, "rules split into one per "+what)
	}
	if len(groups) == 0 {
		return nil, notes, nil
	}
	var docs []Document
	var b bytes.Buffer
	var err error
	switch vendor {
	case "huawei":
		err = huawei.WriteRules(&b, groups)
		docs = append(docs, Document{Name: huawei.DocRules, Text: b.Bytes()})
	case "alibaba":
		err = alibaba.WriteSecurityGroups(&b, groups)
		docs = append(docs, Document{Name: alibaba.DocGroup, Text: b.Bytes()})
	case "aws":
		err = aws.WriteSecurityGroupRules(&b, groups)
		docs = append(docs, Document{Name: "DescribeSecurityGroupRules", Text: b.Bytes()})
	case "tencent":
		for _, g := range groups {
			var b bytes.Buffer
			if err = tencent.WritePolicies(&b, g); err != nil {
				break
			}
			docs = append(docs, Document{Name: tencent.DocPolicies + " " + g.ID, Text: b.Bytes()})
		}
	}
	if err != nil {
		return nil, notes, err
	}
	return docs, notes, nil
}
