package load

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sgsim/sgsim/provider/alibaba"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/provider/tencent"
	"github.com/sgsim/sgsim/sgsim"
)

// TestReadExportDispatch: every vendor export form ReadExport accepts is read
// by the right reader and lands on the right side (security groups or
// network ACLs). Each document is written by the vendor package's writer
// from one group, so reading it back must give that group.
func TestReadExportDispatch(t *testing.T) {
	// The writers differ in what they require: Huawei rules and
	// Alibaba/AWS ACL entries carry their family, Tencent's do not;
	// Alibaba groups state their InnerAccessPolicy; AWS security-group
	// rules have no priority.
	group := func(id string, family sgsim.Family, rules ...string) sgsim.Group {
		g := sgsim.Group{ID: id}
		for _, s := range rules {
			r := sgsim.MustParseRule(s)
			r.Family = family
			g.Rules = append(g.Rules, r)
		}
		return g
	}
	aclRules := []string{"ingress deny tcp 22 from 10.0.0.0/8 priority 1", "ingress allow any from 0.0.0.0/0 priority 2", "egress allow any to 0.0.0.0/0 priority 1"}
	acl := group("acl-1", sgsim.IPv4, aclRules...)
	acl0 := group("acl-1", sgsim.AnyFamily, aclRules...)
	sg := group("sg-1", sgsim.IPv4, "ingress allow tcp 443 from 10.0.0.0/8 priority 1")
	sgAli := group("sg-1", sgsim.AnyFamily, "ingress allow tcp 443 from 10.0.0.0/8 priority 1")
	sgAli.InnerAccess = sgsim.InnerAccept
	sgTencent := group("sg-1", sgsim.AnyFamily, "ingress allow tcp 443 from 10.0.0.0/8 priority 1")
	sgAWS := group("sg-1", sgsim.IPv4, "ingress allow tcp 443 from 10.0.0.0/8")
	// A quintuple entry names both sides.
	quint := group("acl-1", sgsim.AnyFamily, "ingress deny tcp 22 from 10.0.0.0/8 to 0.0.0.0/0 priority 1",
		"egress allow any from 0.0.0.0/0 to 0.0.0.0/0 priority 1")
	for _, c := range []struct {
		vendor, file string
		write        func(io.Writer) error
		isACL        bool
		want         sgsim.Group
	}{
		{"huawei", "acl.json", func(w io.Writer) error { return huawei.WriteFirewall(w, huawei.Firewall{ACL: acl, Enabled: true}) }, true, acl},
		{"huawei", "sg.json", func(w io.Writer) error { return huawei.WriteRules(w, []sgsim.Group{sg}) }, false, sg},
		{"alibaba", "acl.json", func(w io.Writer) error { return alibaba.WriteNetworkAcls(w, []sgsim.Group{acl}) }, true, acl},
		{"alibaba", "sg.json", func(w io.Writer) error { return alibaba.WriteSecurityGroup(w, sgAli) }, false, sgAli},
		{"tencent", "acl.json", func(w io.Writer) error { return tencent.WriteNetworkAcls(w, []sgsim.Group{acl0}) }, true, acl0},
		{"tencent", "acl-1.json", func(w io.Writer) error { return tencent.WriteNetworkAclQuintupleEntries(w, quint) }, true, quint},
		{"tencent", "sg-1.json", func(w io.Writer) error { return tencent.WritePolicies(w, sgTencent) }, false, sgTencent},
		{"aws", "acl.json", func(w io.Writer) error { return aws.WriteNetworkAcls(w, []sgsim.Group{acl}) }, true, acl},
		{"aws", "sg.json", func(w io.Writer) error { return aws.WriteSecurityGroupRules(w, []sgsim.Group{sgAWS}) }, false, sgAWS},
	} {
		var b bytes.Buffer
		if err := c.write(&b); err != nil {
			t.Errorf("%s %s: write: %v", c.vendor, c.file, err)
			continue
		}
		x, err := ReadExport(c.vendor, c.file, b.Bytes())
		groups, acls := x.Groups, x.ACLs
		if err != nil {
			t.Errorf("%s %s: %v\n%s", c.vendor, c.file, err, b.String())
			continue
		}
		got := groups
		if c.isACL {
			got = acls
			if len(groups) != 0 {
				t.Errorf("%s %s: %d security groups from a network-ACL export", c.vendor, c.file, len(groups))
			}
		} else if len(acls) != 0 {
			t.Errorf("%s %s: %d network ACLs from a security-group export", c.vendor, c.file, len(acls))
		}
		opts := []cmp.Option{cmpopts.IgnoreFields(sgsim.Rule{}, "Origin", "ID"), cmpopts.IgnoreFields(sgsim.Group{}, "Name"), cmpopts.EquateEmpty(),
			cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) })}
		if diff := cmp.Diff([]sgsim.Group{c.want}, got, opts...); diff != "" {
			t.Errorf("%s %s: read back (-want +got):\n%s", c.vendor, c.file, diff)
		}
	}
}
