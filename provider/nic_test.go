package provider

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func epText(es []sgsim.Endpoint) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name+" "+e.Addrs.String()+" subnet="+e.Subnet+" groups="+strings.Join(e.Groups, ","))
	}
	return out
}

func subText(ss []sgsim.Subnet) []string {
	var out []string
	for _, s := range ss {
		t := s.Name + " " + s.Prefix.String()
		if !s.Prefix.IsValid() {
			t = s.Name + " (no blocks)"
		}
		for _, p := range s.Also {
			t += "," + p.String()
		}
		out = append(out, t+" acl="+s.ACL)
	}
	return out
}

func warnText(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func TestPlace(t *testing.T) {
	top := Topology{Cloud: sgsim.Union,
		Subnets: []sgsim.Subnet{{Name: "s-3", Prefix: netip.MustParsePrefix("10.0.3.0/24"), ACL: "acl-3"}},
		Endpoints: []sgsim.Endpoint{
			{Name: "internet", Addrs: sgsim.MustParseAddrs("0.0.0.0/0")},
			{Name: "eni-b", Addrs: sgsim.MustParseAddrs("10.0.2.100"), Subnet: "s-2", Groups: []string{"sg-b"}},
			{Name: "old-node", Addrs: sgsim.MustParseAddrs("10.0.1.5")},
		}}
	p := Placement{
		Subnets: []Subnet{
			{ID: "s-1", Prefixes: pfx("10.0.1.0/24")},
			{ID: "s-2", Prefixes: pfx("2001:db8::/64", "10.0.2.0/24"), ACL: "acl-2"},
			{ID: "s-3", Prefixes: pfx("10.0.3.0/24")},
			{ID: "s-1", Prefixes: pfx("10.0.1.0/24")}, // listed again: the same
		},
		Bindings: []ACLBinding{{ACL: "acl-1", Subnet: "s-1"}, {ACL: "acl-2", Subnet: "s-2"}, {ACL: "acl-9", Subnet: "s-9"}},
		NICs: []NIC{
			{ID: "eni-a", Addrs: pfx("10.0.1.5/32", "10.0.1.16/28"), Subnet: "s-1", Groups: []string{"sg-b", "sg-a"}},
			{ID: "eni-b", Addrs: pfx("10.0.2.7/32"), Subnet: "s-2", Groups: []string{"sg-b"}},
			{ID: "eni-c", Subnet: "s-1"},
			{ID: "eni-d", Addrs: pfx("10.0.7.3/32", "2001:db8:7::3/128"), Subnet: "s-7"},
			{ID: "eni-e", Addrs: pfx("10.0.7.4/32"), Subnet: "s-7", Groups: []string{"sg-a"}},
			{ID: "eni-f", Addrs: pfx("10.0.9.9/32"), Subnet: "s-9"},
			{ID: "eni-a", Addrs: pfx("10.0.1.5/32", "10.0.1.16/28"), Subnet: "s-1", Groups: []string{"sg-b", "sg-a"}},
		},
	}
	got, warns, err := top.Place(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cloud != sgsim.Union {
		t.Errorf("cloud %v", got.Cloud)
	}
	wantSubs := []string{"s-1 10.0.1.0/24 acl=acl-1", "s-2 10.0.2.0/24,2001:db8::/64 acl=acl-2", "s-9 (no blocks) acl=acl-9", "s-3 10.0.3.0/24 acl=acl-3"}
	if g := subText(got.Subnets); !slices.Equal(g, wantSubs) {
		t.Errorf("subnets\n got %q\nwant %q", g, wantSubs)
	}
	wantEPs := []string{
		"eni-a 10.0.1.5,10.0.1.16/28 subnet=s-1 groups=sg-b,sg-a",
		"eni-d 10.0.7.3,2001:db8:7::3 subnet= groups=",
		"eni-e 10.0.7.4 subnet= groups=sg-a",
		"eni-f 10.0.9.9 subnet=s-9 groups=",
		"internet 0.0.0.0-10.0.1.4,10.0.1.6-10.0.1.15,10.0.1.32-10.0.7.2,10.0.7.5-10.0.9.8,10.0.9.10-255.255.255.255 subnet= groups=",
		"eni-b 10.0.2.100 subnet=s-2 groups=sg-b",
	}
	if g := epText(got.Endpoints); !slices.Equal(g, wantEPs) {
		t.Errorf("endpoints\n got %q\nwant %q", g, wantEPs)
	}
	wantWarns := []string{
		`subnet "s-3": the topology's entry replaces the listed one`,
		`endpoint "eni-b": the topology's entry replaces the listed NIC`,
		`NIC "eni-c": has no addresses; left out`,
		`subnet "s-7": holds 2 listed NICs but no subnet listing, ACL binding or topology names it: no network ACL applies to them`,
		`endpoint "old-node": every address of it belongs to a listed NIC; the topology's entry is dropped`,
	}
	if g := warnText(warns); !slices.Equal(g, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", g, wantWarns)
	}
}

// Without any ACL placement (no binding, no subnet with an ACL), a NIC's
// unknown subnet is not worth a warning: there is no ACL to miss.
func TestPlaceWithoutACLs(t *testing.T) {
	top, warns, err := (Topology{Cloud: sgsim.Union}).Place(Placement{NICs: []NIC{{ID: "eni-1", Addrs: pfx("10.0.0.1/32"), Subnet: "s-1", Groups: []string{"sg-1"}}}})
	if err != nil || len(warns) != 0 || len(top.Subnets) != 0 || len(top.Endpoints) != 1 || top.Endpoints[0].Subnet != "" {
		t.Errorf("Place: %+v, %v, %v", top, warns, err)
	}
}

func TestPlaceErrors(t *testing.T) {
	o := sgsim.Origin{Vendor: "aws", Document: "DescribeSubnets", Path: "Subnets[1]"}
	for _, tc := range []struct {
		p    Placement
		want string
	}{
		{Placement{Subnets: []Subnet{{ID: "s-1", Prefixes: pfx("10.0.1.0/24"), ACL: "acl-1"}}, Bindings: []ACLBinding{{ACL: "acl-2", Subnet: "s-1", Origin: o}}},
			`placement: subnet "s-1": bound to two network ACLs, "acl-1" and "acl-2" (aws DescribeSubnets at Subnets[1])`},
		{Placement{Subnets: []Subnet{{ID: "s-1", Prefixes: pfx("10.0.1.0/24")}, {ID: "s-1", Prefixes: pfx("10.0.2.0/24"), Origin: o}}},
			`placement: subnet "s-1": listed twice with different CIDR blocks (no origin, aws DescribeSubnets at Subnets[1])`},
		{Placement{Subnets: []Subnet{{ID: "s-1", Origin: o}}},
			`placement: subnet "s-1": listed without a CIDR block (aws DescribeSubnets at Subnets[1])`},
		{Placement{Subnets: []Subnet{{Prefixes: pfx("10.0.1.0/24"), Origin: o}}},
			`placement: subnet "": listed without an ID (aws DescribeSubnets at Subnets[1])`},
		{Placement{NICs: []NIC{{ID: "eni-1", Addrs: pfx("10.0.0.1/32")}, {ID: "eni-1", Addrs: pfx("10.0.0.2/32"), Origin: o}}},
			`placement: NIC "eni-1": listed twice with different addresses, subnet or groups (no origin, aws DescribeSubnets at Subnets[1])`},
		{Placement{NICs: []NIC{{Addrs: pfx("10.0.0.1/32"), Origin: o}}},
			`placement: NIC "": listed without an ID (aws DescribeSubnets at Subnets[1])`},
	} {
		if _, _, err := (Topology{}).Place(tc.p); err == nil || err.Error() != tc.want {
			t.Errorf("Place(%+v):\n got %v\nwant %s", tc.p, err, tc.want)
		}
	}
}

// Build: a reference to a group the export lacks matches nothing, or the
// addresses placed for it; an endpoint carrying such a group has no
// security-group hop but stays a member; Network still refuses both.
func TestBuildForeignGroups(t *testing.T) {
	rule := sgsim.MustParseRule
	withID := func(id, s string) sgsim.Rule { r := rule(s); r.ID = id; return r }
	groups := []sgsim.Group{{ID: "sg-app", Rules: []sgsim.Rule{
		withID("r-1", "ingress allow tcp 443 from group sg-peer"),
		withID("r-2", "ingress allow tcp 22 from group sg-gone"),
		withID("r-3", "ingress allow tcp 8080 from group sg-app"),
		rule("ingress allow tcp 9000 from group sg-gone"),
		rule("egress allow any"),
	}}}
	acls := []sgsim.Group{{ID: "acl-1", Rules: []sgsim.Rule{rule("ingress allow any priority 1"), rule("egress allow any priority 1")}}}
	top := Topology{Cloud: sgsim.Union,
		Subnets: []sgsim.Subnet{{Name: "s-1", Prefix: netip.MustParsePrefix("10.0.1.0/24"), ACL: "acl-1"}},
		Endpoints: []sgsim.Endpoint{
			{Name: "app", Addrs: sgsim.MustParseAddrs("10.0.1.5"), Subnet: "s-1", Groups: []string{"sg-app"}},
			{Name: "peer", Addrs: sgsim.MustParseAddrs("10.9.0.0/16"), Groups: []string{"sg-peer"}},
			{Name: "half", Addrs: sgsim.MustParseAddrs("10.0.1.9"), Subnet: "s-1", Groups: []string{"sg-app", "sg-x", "sg-y"}},
		}}
	n, warns, err := top.Build(groups, acls)
	if err != nil {
		t.Fatal(err)
	}
	wantWarns := []string{
		`endpoint "peer": carries security group "sg-peer", which the export does not contain: it has no security-group hop, and its addresses count as members of its groups for the rules that reference them`,
		`endpoint "half": carries security groups "sg-x", "sg-y", which the export does not contain: it has no security-group hop, and its addresses count as members of its groups for the rules that reference them`,
		`security group "sg-peer": not in the export, referenced by "sg-app" rule "r-1": it matches the addresses of the endpoints that carry it`,
		`security group "sg-gone": not in the export, referenced by "sg-app" rule "r-2", "sg-app" rule 3: it matches nothing (give its addresses in the topology's "members" to change that)`,
	}
	if g := warnText(warns); !slices.Equal(g, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", g, wantWarns)
	}
	for f, want := range map[string]bool{
		"tcp 10.9.1.1:40000 -> 10.0.1.5:443":  true,  // a placed sg-peer member
		"tcp 10.8.1.1:40000 -> 10.0.1.5:443":  false, // not one
		"tcp 10.9.1.1:40000 -> 10.0.1.5:22":   false, // sg-gone matches nothing
		"tcp 10.9.1.1:40000 -> 10.0.1.5:9000": false,
		"tcp 10.0.1.9:40000 -> 10.0.1.5:8080": true, // "half" is still an sg-app member
		"tcp 10.0.1.5:40000 -> 10.0.1.9:1234": true, // and has no security-group hop of its own
	} {
		if d := n.Decide(sgsim.MustParseFlow(f)); d.Allowed != want {
			t.Errorf("%s: %+v; want allowed=%v", f, d, want)
		}
	}
	if _, err := top.Network(groups, acls); err == nil || err.Error() != `sgsim: network: endpoint "peer": security group "sg-peer" is not defined` {
		t.Errorf("Network: %v", err)
	}
	// A subnet whose ACL the export leaves out (a vSwitch listing names
	// it; Alibaba's published DescribeVSwitches example does) has no ACL
	// hop, with a warning.
	top.Subnets[0].ACL = "acl-none"
	_, warns2, err := top.Build(groups, acls)
	want := `subnet "s-1": its network ACL "acl-none" is not in the export: no network ACL is evaluated for it (give the ACL's export to -rules to include it)`
	if err != nil || !slices.ContainsFunc(warns2, func(w Warning) bool { return w.String() == want }) {
		t.Errorf("Build with an undefined ACL: %v, %q; want the warning %q", err, warns2, want)
	}
	if spec, _ := top.Spec(groups, acls); spec.Subnets[0].ACL != "" || top.Subnets[0].ACL != "acl-none" {
		t.Errorf("spec subnet %+v, topology subnet %+v; want the ACL left out of the spec only", spec.Subnets[0], top.Subnets[0])
	}
	// Still an error: what Build does not forgive.
	top.Subnets[0].ACL = ""
	top.Endpoints[0].Subnet = "s-none"
	if _, _, err := top.Build(groups, acls); err == nil || !strings.Contains(err.Error(), `subnet "s-none"`) {
		t.Errorf("Build with an undefined subnet: %v", err)
	}
}

func TestParseCloud(t *testing.T) {
	for s, want := range map[string]sgsim.Semantics{"aws": sgsim.Union, "union": sgsim.Union, "huawei": sgsim.Huawei,
		"alibaba": sgsim.Alibaba, "tencent": sgsim.Tencent, "first-match": sgsim.FirstMatch} {
		if c, ok := ParseCloud(s); !ok || c != want {
			t.Errorf("ParseCloud(%q) = %v, %v; want %v", s, c, ok, want)
		}
	}
	for _, s := range []string{"acl", "AWS", "", "gcp"} {
		if c, ok := ParseCloud(s); ok {
			t.Errorf("ParseCloud(%q) = %v, true; want false", s, c)
		}
	}
	top, err := ReadTopology(strings.NewReader(`{"cloud": "aws"}`))
	if err != nil || top.Cloud != sgsim.Union {
		t.Errorf(`ReadTopology({"cloud": "aws"}) = %v, %v`, top.Cloud, err)
	}
}

// The topology's "members" place a foreign group's addresses: a reference
// to it matches them, with a warning that says so; Place keeps them.
func TestBuildTopologyMembers(t *testing.T) {
	top, err := ReadTopology(strings.NewReader(`{"cloud": "aws",
	  "endpoints": [{"name": "db", "addrs": ["10.0.2.7"], "groups": ["sg-db"]}],
	  "members": {"sg-peer": ["10.9.0.0/16"], "sg-db": ["10.0.3.3"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := top.Members["sg-peer"].String(); got != "10.9.0.0/16" {
		t.Fatalf("members %v", top.Members)
	}
	top, warns, err := top.Place(Placement{NICs: []NIC{{ID: "eni-app", Addrs: pfx("10.0.1.5/32"), Groups: []string{"sg-app"}}}})
	if err != nil || len(warns) != 0 || len(top.Members) != 2 {
		t.Fatalf("Place: %+v, %v, %v", top.Members, warns, err)
	}
	groups := []sgsim.Group{
		{ID: "sg-db", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 22 from group sg-peer"), sgsim.MustParseRule("ingress allow tcp 5432 from group sg-db")}},
		{ID: "sg-app", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any")}},
	}
	n, more, err := top.Build(groups, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`security group "sg-peer": not in the export, referenced by "sg-db" rule 0: it matches the topology's members of it`}
	if g := warnText(more); !slices.Equal(g, want) {
		t.Errorf("warnings\n got %q\nwant %q", g, want)
	}
	for f, allowed := range map[string]bool{
		"tcp 10.9.1.1:40000 -> 10.0.2.7:22":   true,  // a member of sg-peer
		"tcp 10.8.1.1:40000 -> 10.0.2.7:22":   false, // not one
		"tcp 10.0.3.3:40000 -> 10.0.2.7:5432": true,  // a further member of sg-db, which is in the export
		"tcp 10.0.3.4:40000 -> 10.0.2.7:5432": false,
	} {
		if d := n.Decide(sgsim.MustParseFlow(f)); d.Allowed != allowed {
			t.Errorf("%s: %+v; want allowed=%v", f, d, allowed)
		}
	}
}
