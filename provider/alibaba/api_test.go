package alibaba

import (
	"bytes"
	"fmt"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

var cmpAddrs = cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) })

// groupDoc is a DescribeSecurityGroupAttribute response in the shape of an
// ACK worker group, written by hand from the documented field names of the
// response body (SecurityGroupId, SecurityGroupName, VpcId, RegionId,
// RequestId, InnerAccessPolicy, Permissions.Permission[] with
// SecurityGroupRuleId, Direction, IpProtocol, PortRange, SourcePortRange,
// the *CidrIp, *GroupId and *PrefixListId fields, Policy, Priority,
// NicType, Description, CreateTime). It has a quintuple rule (ingress with
// DestCidrIp and SourcePortRange), a priority sent as a number, lower-case
// policy and protocol, and an IPv6 drop.
const groupDoc = `{
  "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
  "RegionId": "cn-hangzhou",
  "SecurityGroupId": "sg-bp1worker",
  "SecurityGroupName": "ack-worker",
  "Description": "",
  "VpcId": "vpc-bp1opxu1zkhn00gzv",
  "InnerAccessPolicy": "Accept",
  "Permissions": {
    "Permission": [
      {
        "SecurityGroupRuleId": "sgr-0001", "Direction": "ingress",
        "IpProtocol": "TCP", "PortRange": "22/22", "SourcePortRange": "",
        "SourceCidrIp": "0.0.0.0/0", "DestCidrIp": "", "Ipv6SourceCidrIp": "",
        "Ipv6DestCidrIp": "", "SourceGroupId": "", "DestGroupId": "",
        "SourcePrefixListId": "", "DestPrefixListId": "", "SourceGroupName": "",
        "Policy": "Accept", "Priority": "1", "NicType": "intranet",
        "Description": "ssh", "CreateTime": "2024-05-01T08:00:00Z"
      },
      {
        "SecurityGroupRuleId": "sgr-0002", "Direction": "ingress",
        "IpProtocol": "ALL", "PortRange": "-1/-1",
        "SourceGroupId": "sg-bp1master", "SourceGroupOwnerAccount": "1234567890",
        "Policy": "accept", "Priority": 2, "NicType": "intranet", "Description": ""
      },
      {
        "SecurityGroupRuleId": "sgr-0003", "Direction": "ingress",
        "IpProtocol": "udp", "PortRange": "53/53", "SourcePortRange": "1024/65535",
        "SourceCidrIp": "172.16.0.0/12", "DestCidrIp": "172.16.3.4",
        "Policy": "Accept", "Priority": "5", "NicType": "intranet", "Description": "dns, quintuple"
      },
      {
        "SecurityGroupRuleId": "sgr-0004", "Direction": "ingress",
        "IpProtocol": "ICMPv6", "PortRange": "-1/-1",
        "Ipv6SourceCidrIp": "2001:db8::/32",
        "Policy": "Drop", "Priority": "100", "NicType": "intranet", "Description": ""
      },
      {
        "SecurityGroupRuleId": "sgr-0005", "Direction": "egress",
        "IpProtocol": "TCP", "PortRange": "1/65535",
        "DestPrefixListId": "pl-x1j1k5ykzqlixabc",
        "Policy": "Drop", "Priority": "", "NicType": "intranet", "Description": ""
      },
      {
        "SecurityGroupRuleId": "sgr-0006", "Direction": "egress",
        "IpProtocol": "47", "PortRange": "-1/-1", "DestCidrIp": "10.0.0.0/8",
        "Policy": "Accept", "Priority": "3", "NicType": "intranet", "Description": "gre"
      }
    ]
  }
}`

func origin(path, id, note string) sgsim.Origin {
	return sgsim.Origin{Vendor: "alibaba", Document: DocGroup, Record: id, Path: path, Note: note}
}

func wantGroup(prefix string) sgsim.Group {
	p := func(i int) string { return fmt.Sprintf("%sPermissions.Permission[%d]", prefix, i) }
	return sgsim.Group{ID: "sg-bp1worker", Name: "ack-worker", InnerAccess: sgsim.InnerAccept, Rules: []sgsim.Rule{
		{ID: "sgr-0001", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Protocol: sgsim.TCP,
			DstPorts: sgsim.Ports{sgsim.Port(22)}, Src: sgsim.MustParseAddrs("0.0.0.0/0"), Origin: origin(p(0), "sgr-0001", "ssh")},
		{ID: "sgr-0002", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 2,
			RemoteGroup: "sg-bp1master", Origin: origin(p(1), "sgr-0002", "")},
		{ID: "sgr-0003", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 5, Protocol: sgsim.UDP,
			DstPorts: sgsim.Ports{sgsim.Port(53)}, SrcPorts: sgsim.Ports{{First: 1024, Last: 65535}},
			Src: sgsim.MustParseAddrs("172.16.0.0/12"), Dst: sgsim.MustParseAddrs("172.16.3.4"),
			Origin: origin(p(2), "sgr-0003", "dns, quintuple")},
		{ID: "sgr-0004", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 100, Protocol: sgsim.ICMPv6,
			Src: sgsim.MustParseAddrs("2001:db8::/32"), Origin: origin(p(3), "sgr-0004", "")},
		{ID: "sgr-0005", Direction: sgsim.Egress, Action: sgsim.Deny, Priority: 1, Protocol: sgsim.TCP,
			DstPorts: sgsim.Ports{{First: 1, Last: 65535}}, RemoteList: "pl-x1j1k5ykzqlixabc", Origin: origin(p(4), "sgr-0005", "")},
		{ID: "sgr-0006", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 3, Protocol: sgsim.GRE,
			Dst: sgsim.MustParseAddrs("10.0.0.0/8"), Origin: origin(p(5), "sgr-0006", "gre")},
	}}
}

func TestReadSecurityGroup(t *testing.T) {
	got, err := ReadSecurityGroup(strings.NewReader(groupDoc))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantGroup(""), got, cmpAddrs); d != "" {
		t.Errorf("ReadSecurityGroup (-want +got):\n%s", d)
	}
	var b bytes.Buffer
	if err := WriteSecurityGroup(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSecurityGroup(&b)
	if err != nil {
		t.Fatalf("reading the written group: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(got, back, cmpAddrs); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s", d)
	}
}

func TestReadSecurityGroups(t *testing.T) {
	second := `{"SecurityGroupId": "sg-bp1extra", "InnerAccessPolicy": "Drop", "Permissions": {"Permission": []}}`
	got, err := ReadSecurityGroups(strings.NewReader("[" + groupDoc + ",\n" + second + "]"))
	if err != nil {
		t.Fatal(err)
	}
	want := []sgsim.Group{wantGroup("[0]."), {ID: "sg-bp1extra", InnerAccess: sgsim.InnerDrop}}
	if d := cmp.Diff(want, got, cmpAddrs); d != "" {
		t.Errorf("ReadSecurityGroups (-want +got):\n%s", d)
	}
	_, err = ReadSecurityGroups(strings.NewReader("[" + second + "," + second + "]"))
	if want := `alibaba: [1].SecurityGroupId: "sg-bp1extra": group given twice`; err == nil || profiletest.ErrText(err) != want {
		t.Errorf("duplicate group: error %v; want %s", err, want)
	}
	_, err = ReadSecurityGroups(strings.NewReader(`[{"SecurityGroupId":"sg","Permissions":{"Permission":[{"Direction":"in"}]}}]`))
	if want := `alibaba: [0].Permissions.Permission[0].Direction: "in": want ingress or egress`; err == nil || profiletest.ErrText(err) != want {
		t.Errorf("bad rule in an array: error %v; want %s", err, want)
	}
}

// perm builds a one-rule document from an ingress TCP 22 rule with fields
// replaced or added ("Name=JSON;...", JSON "DELETE" removes the field).
func perm(extra string) string {
	base := map[string]string{"SecurityGroupRuleId": `"sgr-1"`, "Direction": `"ingress"`, "IpProtocol": `"TCP"`,
		"PortRange": `"22/22"`, "SourceCidrIp": `"10.0.0.0/8"`, "Policy": `"Accept"`, "Priority": `"1"`, "NicType": `"intranet"`}
	order := []string{"SecurityGroupRuleId", "Direction", "IpProtocol", "PortRange", "SourceCidrIp", "Policy", "Priority", "NicType"}
	for _, kv := range strings.Split(extra, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := base[k]; !ok {
			order = append(order, k)
		}
		base[k] = v
	}
	var parts []string
	for _, k := range order {
		if v := base[k]; v != "DELETE" {
			parts = append(parts, fmt.Sprintf("%q: %s", k, v))
		}
	}
	return `{"SecurityGroupId": "sg-1", "Permissions": {"Permission": [{` + strings.Join(parts, ", ") + `}]}}`
}

func TestReadSecurityGroupErrors(t *testing.T) {
	const at = `alibaba: Permissions.Permission[0].`
	for _, tc := range []struct{ doc, want string }{
		{perm(`PortRange="80-"`), at + `PortRange: "80-": want "FROM/TO"`},
		{perm(`PortRange="80"`), at + `PortRange: "80": want "FROM/TO"`},
		{perm(`PortRange="0/65536"`), at + `PortRange: "0/65536": want ports 1-65535, or "-1/-1" for all`},
		{perm(`PortRange="-1/80"`), at + `PortRange: "-1/80": want ports 1-65535, or "-1/-1" for all`},
		{perm(`PortRange="80/22"`), at + `PortRange: "80/22": first port above last port`},
		{perm(`SourcePortRange="1024-65535"`), at + `SourcePortRange: "1024-65535": want "FROM/TO"`},
		{perm(`SourceCidrIp="10.0.0.0/33"`), at + `SourceCidrIp: "10.0.0.0/33": want an IP address or CIDR block`},
		{perm(`SourceCidrIp="2001:db8::/32"`), at + `SourceCidrIp: "2001:db8::/32": want an IPv4 address or CIDR block`},
		{perm(`SourceCidrIp="";Ipv6SourceCidrIp="10.0.0.0/8"`), at + `Ipv6SourceCidrIp: "10.0.0.0/8": want an IPv6 address or CIDR block`},
		{perm(`Priority="abc"`), at + `Priority: "abc": want a number 1-100`},
		{perm(`Priority="0"`), at + `Priority: "0": want a number 1-100`},
		{perm(`Priority=101`), at + `Priority: 101: want a number 1-100`},
		{perm(`Priority=true`), at + `Priority: true: want a number 1-100`},
		{perm(`IpProtocol="SCTPX"`), at + `IpProtocol: "SCTPX": want TCP, UDP, ICMP, ICMPv6, GRE, ALL or a protocol number 0-255`},
		{perm(`IpProtocol=""`), at + `IpProtocol: "": want TCP, UDP, ICMP, ICMPv6, GRE, ALL or a protocol number 0-255`},
		{perm(`IpProtocol="256"`), at + `IpProtocol: "256": want TCP, UDP, ICMP, ICMPv6, GRE, ALL or a protocol number 0-255`},
		{perm(`IpProtocol="ICMP"`), at + `PortRange: "22/22": protocol icmp has no ports; want "-1/-1"`},
		{perm(`IpProtocol="ALL";PortRange="-1/-1";SourcePortRange="1/2"`), at + `SourcePortRange: "1/2": protocol any has no ports; want "-1/-1"`},
		{perm(`SourceGroupId="sg-2"`), at + `SourceGroupId: "sg-2": SourceCidrIp "10.0.0.0/8" is also set; a rule has at most one remote`},
		{perm(`SourcePrefixListId="pl-1";SourceCidrIp=""`), `` /* valid */},
		{perm(`Ipv6SourceCidrIp="::/0"`), at + `Ipv6SourceCidrIp: "::/0": SourceCidrIp "10.0.0.0/8" is also set; a rule has at most one remote`},
		{perm(`DestGroupId="sg-2"`), at + `DestGroupId: "sg-2": an ingress rule's DestGroupId names its own side; want ""`},
		{perm(`DestCidrIp="10.1.0.0/16";Ipv6DestCidrIp="::1"`), at + `Ipv6DestCidrIp: "::1": DestCidrIp "10.1.0.0/16" is also set; want at most one`},
		{perm(`DestCidrIp="::1";SourceCidrIp=""`), at + `DestCidrIp: "::1": want an IPv4 address or CIDR block`},
		{perm(`Ipv6DestCidrIp="::1"`), at + `Ipv6DestCidrIp: "::1": address family differs from SourceCidrIp "10.0.0.0/8"`},
		{perm(`Direction="inbound"`), at + `Direction: "inbound": want ingress or egress`},
		{perm(`Policy="allow"`), at + `Policy: "allow": want Accept or Drop`},
		{perm(`NicType="internet"`), at + `NicType: "internet": classic-network public NIC rules are not modelled; want intranet`},
		{perm(`NicType="wan"`), at + `NicType: "wan": want intranet`},
		{perm(`PortRangeListId="prl-2ze9743"`), at + `PortRangeListId: "prl-2ze9743": port lists are not resolved from this document; want ""`},
		{perm(`Direction=1`), at + `Direction: 1: want a string`},
		{`{"SecurityGroupId": "sg-1", "InnerAccessPolicy": "Allow", "Permissions": {"Permission": []}}`,
			`alibaba: InnerAccessPolicy: "Allow": want Accept or Drop`},
		{`{"SecurityGroupId": "", "Permissions": {"Permission": []}}`, `alibaba: SecurityGroupId: "": want the ID of the security group`},
		{`{"SecurityGroupId": "sg-1"}`, `alibaba: Permissions: missing; want {"Permission": [...]}`},
		{`{"SecurityGroupId": "sg-1", "Permissions": []}`, `alibaba: Permissions: []: want a JSON object`},
		{`{"SecurityGroupId": "sg-1", "Permissions": {"Permission": "x"}}`, `alibaba: Permissions.Permission: "x": want a JSON array`},
		{`"sg-1"`, `alibaba: top level: "sg-1": want a JSON object`},
		{"{\"SecurityGroupId\": \"sg-1\",\n\"Permissions\": {\"Permission\": [", `alibaba: invalid JSON (byte offset 59): unexpected end of JSON input`},
		{`<DescribeSecurityGroupAttributeResponse>`, `alibaba: invalid JSON (byte offset 1): invalid character '<' looking for beginning of value`},
	} {
		_, err := ReadSecurityGroup(strings.NewReader(tc.doc))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ReadSecurityGroup(%s): %v; want no error", tc.doc, err)
		case tc.want == "":
		case err == nil:
			t.Errorf("ReadSecurityGroup(%s) = nil error; want %s", tc.doc, tc.want)
		case profiletest.ErrText(err) != tc.want:
			t.Errorf("ReadSecurityGroup(%s) error\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}

func TestWriteSecurityGroupErrors(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	g := func(rules ...sgsim.Rule) sgsim.Group {
		return sgsim.Group{ID: "g", InnerAccess: sgsim.InnerAccept, Rules: rules}
	}
	for _, tc := range []struct {
		g    sgsim.Group
		want string
	}{
		{sgsim.Group{ID: "g"}, `alibaba: write group "g": InnerAccess none: want accept or drop`},
		{sgsim.Group{ID: "g", InnerAccess: sgsim.InnerDrop, Advanced: true}, `alibaba: write group "g": advanced group: DescribeSecurityGroupAttribute does not say a group is advanced`},
		{g(r("ingress allow tcp 22,80 priority 1 id a")), `alibaba: write group "g" rule 0 ("a"): ports 22,80: an Alibaba rule holds one range`},
		{g(r("ingress allow tcp 0-10 priority 1")), `alibaba: write group "g" rule 0 (""): ports 0-10: Alibaba ports are 1-65535`},
		{g(r("ingress allow icmp type 8 priority 1")), `alibaba: write group "g" rule 0 (""): ICMP type or code: Alibaba rules match every ICMP message`},
		{g(r("ingress allow tcp 22 ipv4 priority 1")), `alibaba: write group "g" rule 0 (""): family ipv4: Alibaba rules have no family field; the addresses carry it`},
		{g(r("ingress allow tcp 22 from 10.0.0.0/8,192.168.0.0/16 priority 1")), `alibaba: write group "g" rule 0 (""): remote 10.0.0.0/8,192.168.0.0/16: want one address or CIDR block`},
		{g(r("ingress allow tcp 22")), `alibaba: write group "g" rule 0 (""): priority 0: want 1-100`},
	} {
		err := WriteSecurityGroup(&bytes.Buffer{}, tc.g)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteSecurityGroup(%v) error\n got %v\nwant %s", tc.g, err, tc.want)
		}
	}
}

func genPrefix(t *rapid.T, v6 bool, label string) sgsim.Addrs {
	a, bits := netip.MustParseAddr("172.16.33.44"), []int{0, 8, 12, 24, 32}
	if v6 {
		a, bits = netip.MustParseAddr("2001:db8:ffff::1"), []int{0, 32, 64, 128}
	}
	return sgsim.PrefixAddrs(netip.PrefixFrom(a, rapid.SampledFrom(bits).Draw(t, label+" bits")).Masked())
}

func genRange(t *rapid.T, label string) sgsim.Ports {
	edges := []uint16{1, 22, 53, 80, 1024, 65535}
	a := rapid.SampledFrom(edges).Draw(t, label+" first")
	b := rapid.SampledFrom(edges).Draw(t, label+" last")
	if b < a {
		a, b = b, a
	}
	return sgsim.Ports{{First: a, Last: b}}
}

// genRule draws a rule Alibaba can express, with the Origin
// ReadSecurityGroup gives it at path.
func genRule(t *rapid.T, path, label string) sgsim.Rule {
	var r sgsim.Rule
	r.ID = rapid.SampledFrom([]string{"", "sgr-" + label}).Draw(t, label+" id")
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	r.Priority = rapid.SampledFrom([]int{1, 2, 50, 100}).Draw(t, label+" priority")
	r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6,
		sgsim.GRE, sgsim.SCTP, sgsim.ProtocolNumber(0), sgsim.ProtocolNumber(89)}).Draw(t, label+" proto")
	if r.Protocol.HasPorts() {
		if rapid.Bool().Draw(t, label+" dport") {
			r.DstPorts = genRange(t, label+" dport")
		}
		if rapid.IntRange(0, 3).Draw(t, label+" has sport") == 0 {
			r.SrcPorts = genRange(t, label+" sport")
		}
	}
	v6 := rapid.Bool().Draw(t, label+" v6")
	var remote, local sgsim.Addrs
	switch rapid.IntRange(0, 3).Draw(t, label+" remote") {
	case 1:
		remote = genPrefix(t, v6, label+" remote")
	case 2:
		r.RemoteGroup = "sg-" + label
	case 3:
		r.RemoteList = "pl-" + label
	}
	if rapid.IntRange(0, 3).Draw(t, label+" local") == 0 {
		local = genPrefix(t, v6, label+" local")
	}
	if r.Direction == sgsim.Ingress {
		r.Src, r.Dst = remote, local
	} else {
		r.Src, r.Dst = local, remote
	}
	r.Origin = origin(path, r.ID, rapid.SampledFrom([]string{"", "ssh", "多 \"quoted\""}).Draw(t, label+" note"))
	return r
}

func genGroup(t *rapid.T, prefix, id string) sgsim.Group {
	g := sgsim.Group{ID: id, Name: rapid.SampledFrom([]string{"", "ack-" + id}).Draw(t, id+" name"),
		InnerAccess: rapid.SampledFrom([]sgsim.InnerAccess{sgsim.InnerAccept, sgsim.InnerDrop}).Draw(t, id+" inner")}
	n := rapid.IntRange(0, 5).Draw(t, id+" rules")
	for i := 0; i < n; i++ {
		g.Rules = append(g.Rules, genRule(t, fmt.Sprintf("%sPermissions.Permission[%d]", prefix, i), fmt.Sprintf("%s-%d", id, i)))
	}
	return g
}

// TestRoundTrip: ReadSecurityGroup(WriteSecurityGroup(g)) == g, and the
// same for arrays of groups, for groups Alibaba can express.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := genGroup(t, "", "sg-one")
		var b bytes.Buffer
		if err := WriteSecurityGroup(&b, g); err != nil {
			t.Fatalf("WriteSecurityGroup: %v", err)
		}
		got, err := ReadSecurityGroup(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("ReadSecurityGroup: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(g, got, cmpAddrs); d != "" {
			t.Fatalf("round trip (-want +got):\n%s\n%s", d, b.String())
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		var gs []sgsim.Group
		for i := range rapid.IntRange(0, 3).Draw(t, "groups") {
			gs = append(gs, genGroup(t, fmt.Sprintf("[%d].", i), fmt.Sprintf("sg-%d", i)))
		}
		var b bytes.Buffer
		if err := WriteSecurityGroups(&b, gs); err != nil {
			t.Fatalf("WriteSecurityGroups: %v", err)
		}
		got, err := ReadSecurityGroups(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("ReadSecurityGroups: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(gs, got, cmpAddrs, cmp.Comparer(func(a, b []sgsim.Group) bool {
			return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b, cmpAddrs)
		})); d != "" {
			t.Fatalf("round trip (-want +got):\n%s\n%s", d, b.String())
		}
	})
}
