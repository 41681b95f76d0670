package tencent

import (
	"bytes"
	"fmt"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

var cmpAddrs = cmp.Comparer(func(a, b sgsim.Addrs) bool { return a.Equal(b) })

// policiesDoc is a DescribeSecurityGroupPolicies response in the shape of
// a TKE node group, written by hand from the documented field names of
// SecurityGroupPolicySet (Version, Ingress, Egress) and SecurityGroupPolicy
// (PolicyIndex, Protocol, Port, ServiceTemplate{ServiceId, ServiceGroupId},
// CidrBlock, Ipv6CidrBlock, SecurityGroupId, AddressTemplate{AddressId,
// AddressGroupId}, Action, PolicyDescription, ModifyTime). It has a port
// list, a "0.0.0.0/n" CidrBlock, an address template group, a group
// reference, lower-case values and an IPv6 egress.
const policiesDoc = `{
  "Response": {
    "SecurityGroupPolicySet": {
      "Version": "14",
      "Ingress": [
        {"PolicyIndex": 0, "Protocol": "TCP", "Port": "22,80,443",
         "ServiceTemplate": {"ServiceId": "", "ServiceGroupId": ""},
         "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlock": "", "SecurityGroupId": "",
         "AddressTemplate": {"AddressId": "", "AddressGroupId": ""},
         "Action": "ACCEPT", "PolicyDescription": "node access", "ModifyTime": "2024-05-01 08:00:00"},
        {"PolicyIndex": 1, "Protocol": "udp", "Port": "30000-32768",
         "ServiceTemplate": {"ServiceId": "", "ServiceGroupId": ""},
         "CidrBlock": "0.0.0.0/8", "Ipv6CidrBlock": "", "SecurityGroupId": "",
         "AddressTemplate": {"AddressId": "", "AddressGroupId": ""},
         "Action": "accept", "PolicyDescription": "NodePort"},
        {"PolicyIndex": 2, "Protocol": "ALL", "Port": "ALL",
         "ServiceTemplate": {"ServiceId": "", "ServiceGroupId": ""},
         "CidrBlock": "", "Ipv6CidrBlock": "", "SecurityGroupId": "sg-master01",
         "AddressTemplate": {"AddressId": "", "AddressGroupId": ""},
         "Action": "ACCEPT", "PolicyDescription": ""},
        {"PolicyIndex": 3, "Protocol": "ICMP", "Port": "all",
         "CidrBlock": "", "Ipv6CidrBlock": "", "SecurityGroupId": "",
         "AddressTemplate": {"AddressId": "", "AddressGroupId": "ipmg-2uw6ujo6"},
         "Action": "DROP", "PolicyDescription": ""},
        {"PolicyIndex": 4, "Protocol": "ALL", "Port": "ALL",
         "CidrBlock": "0.0.0.0/0", "Action": "DROP", "PolicyDescription": "deny the rest"}
      ],
      "Egress": [
        {"PolicyIndex": 0, "Protocol": "ICMPv6", "Port": "ALL",
         "CidrBlock": "", "Ipv6CidrBlock": "2001:db8::/32", "SecurityGroupId": "",
         "AddressTemplate": {"AddressId": "ipm-2uw6ujo6", "AddressGroupId": ""},
         "Action": "ACCEPT", "PolicyDescription": "", "Unknown": [1, 2]}
      ]
    },
    "RequestId": "1c6c9d2a-6b3c-4e0c-9d7c-2f1b1a0e2f00"
  }
}`

func TestReadPoliciesErrorBeforeIPv6(t *testing.T) {
	// The egress record names both an IPv6 CIDR and an address template.
	_, err := ReadPolicies(strings.NewReader(policiesDoc), "sg-node")
	want := `tencent: Response.SecurityGroupPolicySet.Egress[0].AddressTemplate.AddressId: "ipm-2uw6ujo6": Ipv6CidrBlock "2001:db8::/32" is also set; a policy has at most one source`
	if err == nil || profiletest.ErrText(err) != want {
		t.Fatalf("error %v; want %s", err, want)
	}
}

func origin(dir string, i, idx int, note string) sgsim.Origin {
	return sgsim.Origin{Vendor: "tencent", Document: DocPolicies, Record: strconv.Itoa(idx),
		Path: fmt.Sprintf("Response.SecurityGroupPolicySet.%s[%d]", dir, i), Note: note}
}

func TestReadPolicies(t *testing.T) {
	doc := strings.Replace(policiesDoc, `"AddressId": "ipm-2uw6ujo6"`, `"AddressId": ""`, 1)
	got, err := ReadPolicies(strings.NewReader(doc), "sg-node")
	if err != nil {
		t.Fatal(err)
	}
	want := sgsim.Group{ID: "sg-node", Rules: []sgsim.Rule{
		{ID: "0", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 0, Protocol: sgsim.TCP,
			DstPorts: sgsim.Ports{sgsim.Port(22), sgsim.Port(80), sgsim.Port(443)},
			Src:      sgsim.MustParseAddrs("10.0.0.0/16"), Origin: origin("Ingress", 0, 0, "node access")},
		{ID: "1", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Protocol: sgsim.UDP,
			DstPorts: sgsim.Ports{{First: 30000, Last: 32768}},
			Src:      sgsim.MustParseAddrs("0.0.0.0/0"), Origin: origin("Ingress", 1, 1, "NodePort")},
		{ID: "2", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 2,
			RemoteGroup: "sg-master01", Origin: origin("Ingress", 2, 2, "")},
		{ID: "3", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 3, Protocol: sgsim.ICMP,
			RemoteList: "ipmg-2uw6ujo6", Origin: origin("Ingress", 3, 3, "")},
		{ID: "4", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 4,
			Src: sgsim.MustParseAddrs("0.0.0.0/0"), Origin: origin("Ingress", 4, 4, "deny the rest")},
		{ID: "0", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 0, Protocol: sgsim.ICMPv6,
			Dst: sgsim.MustParseAddrs("2001:db8::/32"), Origin: origin("Egress", 0, 0, "")},
	}}
	if d := cmp.Diff(want, got, cmpAddrs); d != "" {
		t.Errorf("ReadPolicies (-want +got):\n%s", d)
	}
	var b bytes.Buffer
	if err := WritePolicies(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPolicies(&b, "sg-node")
	if err != nil {
		t.Fatalf("reading the written policies: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(got, back, cmpAddrs); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s", d)
	}

	// tccli prints the body without the Response wrapper; paths follow.
	bare := `{"SecurityGroupPolicySet": {"Egress": [{"Protocol": "TCP", "Port": "443", "CidrBlock": "192.168.1.1", "Action": "ACCEPT"}]}}`
	got, err = ReadPolicies(strings.NewReader(bare), "sg-x")
	if err != nil {
		t.Fatal(err)
	}
	want = sgsim.Group{ID: "sg-x", Rules: []sgsim.Rule{{ID: "0", Direction: sgsim.Egress, Action: sgsim.Allow, Protocol: sgsim.TCP,
		DstPorts: sgsim.Ports{sgsim.Port(443)}, Dst: sgsim.MustParseAddrs("192.168.1.1"),
		Origin: sgsim.Origin{Vendor: "tencent", Document: DocPolicies, Record: "0", Path: "SecurityGroupPolicySet.Egress[0]"}}}}
	if d := cmp.Diff(want, got, cmpAddrs); d != "" {
		t.Errorf("ReadPolicies without the wrapper (-want +got):\n%s", d)
	}
}

// pol builds a one-policy ingress document from a TCP 22 policy with fields
// replaced or added ("Name=JSON;...", JSON "DELETE" removes the field).
func pol(extra string) string {
	base := map[string]string{"PolicyIndex": `0`, "Protocol": `"TCP"`, "Port": `"22"`, "CidrBlock": `"10.0.0.0/8"`, "Action": `"ACCEPT"`}
	order := []string{"PolicyIndex", "Protocol", "Port", "CidrBlock", "Action"}
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
	return `{"Response": {"SecurityGroupPolicySet": {"Ingress": [{` + strings.Join(parts, ", ") + `}]}}}`
}

func TestReadPoliciesErrors(t *testing.T) {
	const at = `tencent: Response.SecurityGroupPolicySet.Ingress[0].`
	for _, tc := range []struct{ doc, want string }{
		{pol(`Port="80-"`), at + `Port: "80-": want ALL or ports 1-65535 as "80", "8000-8010" or "80,443"`},
		{pol(`Port="0-65536"`), at + `Port: "0-65536": want ALL or ports 1-65535 as "80", "8000-8010" or "80,443"`},
		{pol(`Port="90-80"`), at + `Port: "90-80": first port above last port`},
		{pol(`CidrBlock="10.0.0.0/33"`), at + `CidrBlock: "10.0.0.0/33": want an IP address or CIDR block`},
		{pol(`CidrBlock="2001:db8::/32"`), at + `CidrBlock: "2001:db8::/32": want an IPv4 address or CIDR block`},
		{pol(`CidrBlock="";Ipv6CidrBlock="10.0.0.0/8"`), at + `Ipv6CidrBlock: "10.0.0.0/8": want an IPv6 address or CIDR block`},
		{pol(`PolicyIndex="abc"`), at + `PolicyIndex: "abc": want a number`},
		{pol(`PolicyIndex=-1`), at + `PolicyIndex: -1: want an index 0 or more`},
		{pol(`Protocol="SCTP"`), at + `Protocol: "SCTP": want TCP, UDP, ICMP, ICMPv6, GRE or ALL`},
		{pol(`Protocol="ICMP"`), at + `Port: "22": protocol icmp has no ports; want ALL`},
		{pol(`SecurityGroupId="sg-2"`), at + `SecurityGroupId: "sg-2": CidrBlock "10.0.0.0/8" is also set; a policy has at most one source`},
		{pol(`CidrBlock="";AddressTemplate={"AddressId":"ipm-1","AddressGroupId":"ipmg-1"}`), at + `AddressTemplate.AddressGroupId: "ipmg-1": AddressTemplate.AddressId "ipm-1" is also set; a policy has at most one source`},
		{pol(`Action="ALLOW"`), at + `Action: "ALLOW": want ACCEPT or DROP`},
		{pol(`Action=DELETE`), at + `Action: "": want ACCEPT or DROP`},
		{pol(`ServiceTemplate={"ServiceId":"ppm-f5n1f8da","ServiceGroupId":""}`), at + `ServiceTemplate.ServiceId: "ppm-f5n1f8da": protocol port templates are not resolved from this document; want "" and Protocol and Port`},
		{pol(`ServiceTemplate={"ServiceGroupId":"ppmg-f5n1f8da"}`), at + `ServiceTemplate.ServiceGroupId: "ppmg-f5n1f8da": protocol port template groups are not resolved from this document; want "" and Protocol and Port`},
		{pol(`ServiceTemplate="ppm-1"`), at + `ServiceTemplate: "ppm-1": want a JSON object`},
		{pol(`Port=80`), at + `Port: 80: want a string`},
		{`{"Response": {"SecurityGroupPolicySet": {"Ingress": [{"PolicyIndex": 3, "Protocol": "ALL", "Action": "DROP"}, {"PolicyIndex": 3, "Protocol": "ALL", "Action": "DROP"}]}}}`,
			`tencent: Response.SecurityGroupPolicySet.Ingress[1].PolicyIndex: 3: also the index of Response.SecurityGroupPolicySet.Ingress[0]; want distinct indexes`},
		{`{"Response": {"Error": {"Code": "InvalidSecurityGroupID.NotFound", "Message": "no such group"}, "RequestId": "x"}}`,
			`tencent: Response.Error: "InvalidSecurityGroupID.NotFound": the call failed: no such group`},
		{`{"Response": {"RequestId": "x"}}`, `tencent: Response.SecurityGroupPolicySet: missing; want the DescribeSecurityGroupPolicies response {"Response": {"SecurityGroupPolicySet": {...}}}`},
		{`{"Response": {"SecurityGroupPolicySet": {"Ingress": {}}}}`, `tencent: Response.SecurityGroupPolicySet.Ingress: {}: want a JSON array`},
		{`{"Response": "x"}`, `tencent: Response: "x": want a JSON object`},
		{"{\"Response\": {\"SecurityGroupPolicySet\": {\n\"Ingress\": [{\"PolicyIndex\": 0,", `tencent: invalid JSON (byte offset 72): unexpected end of JSON input`},
		{"{\"Response\": 1,}", `tencent: invalid JSON (byte offset 16): invalid character '}' looking for beginning of object key string`},
	} {
		_, err := ReadPolicies(strings.NewReader(tc.doc), "sg-1")
		if err == nil {
			t.Errorf("ReadPolicies(%s) = nil error; want %s", tc.doc, tc.want)
			continue
		}
		if profiletest.ErrText(err) != tc.want {
			t.Errorf("ReadPolicies(%s) error\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}

func TestWritePoliciesErrors(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	g := func(rules ...sgsim.Rule) sgsim.Group { return sgsim.Group{ID: "g", Rules: rules} }
	for _, tc := range []struct {
		g    sgsim.Group
		want string
	}{
		{sgsim.Group{ID: "g", InnerAccess: sgsim.InnerAccept}, `tencent: write group "g": inner access accept or advanced group: Tencent groups have neither`},
		{g(r("ingress allow sctp 22")), `tencent: write group "g" rule 0 (""): protocol sctp: want tcp, udp, icmp, icmpv6, gre or any`},
		{g(r("ingress allow tcp 22 ipv4")), `tencent: write group "g" rule 0 (""): family ipv4: Tencent policies have no family field; the addresses carry it`},
		{g(r("ingress allow tcp 22 sport 53")), `tencent: write group "g" rule 0 (""): source ports 53: Tencent policies match destination ports only`},
		{g(r("ingress allow icmp type 8")), `tencent: write group "g" rule 0 (""): ICMP type or code: Tencent policies match every ICMP message`},
		{g(r("ingress allow tcp 0-80")), `tencent: write group "g" rule 0 (""): ports 0-80: Tencent ports are 1-65535`},
		{g(r("ingress allow tcp 22 to 10.0.0.1")), `tencent: write group "g" rule 0 (""): local side 10.0.0.1: Tencent policies restrict the remote side only`},
		{g(r("ingress allow tcp 22 from 10.0.0.1-10.0.0.2")), `tencent: write group "g" rule 0 (""): remote 10.0.0.1-10.0.0.2: want one address or CIDR block`},
		{g(r("ingress allow tcp 22 priority 1"), r("ingress deny any priority 1 id x")), `tencent: write group "g" rule 1 ("x"): priority 1: another ingress rule has it; PolicyIndex must be distinct`},
	} {
		err := WritePolicies(&bytes.Buffer{}, tc.g)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WritePolicies(%v) error\n got %v\nwant %s", tc.g, err, tc.want)
		}
	}
}

// genRule draws a policy Tencent can express, with the Origin ReadPolicies
// gives it as record i of its direction's list.
func genRule(t *rapid.T, dir sgsim.Direction, i int) sgsim.Rule {
	label := fmt.Sprintf("%v[%d]", dir, i)
	r := sgsim.Rule{Direction: dir, Priority: i}
	r.ID = strconv.Itoa(i)
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6, sgsim.GRE}).Draw(t, label+" proto")
	if r.Protocol.HasPorts() && rapid.Bool().Draw(t, label+" ports") {
		edges := []uint16{1, 22, 80, 443, 8000, 8010, 65535}
		for n := rapid.IntRange(1, 3).Draw(t, label+" nports"); n > 0; n-- {
			a := rapid.SampledFrom(edges).Draw(t, label+" first")
			b := rapid.SampledFrom(edges).Draw(t, label+" last")
			if b < a {
				a, b = b, a
			}
			r.DstPorts = append(r.DstPorts, sgsim.PortRange{First: a, Last: b})
		}
		r.DstPorts = r.DstPorts.Normalize()
	}
	var remote sgsim.Addrs
	switch rapid.IntRange(0, 4).Draw(t, label+" remote") {
	case 1:
		a, bits := netip.MustParseAddr("10.1.2.3"), []int{0, 8, 16, 32}
		if rapid.Bool().Draw(t, label+" v6") {
			a, bits = netip.MustParseAddr("2001:db8::1"), []int{0, 32, 128}
		}
		remote = sgsim.PrefixAddrs(netip.PrefixFrom(a, rapid.SampledFrom(bits).Draw(t, label+" bits")).Masked())
	case 2:
		r.RemoteGroup = "sg-" + label
	case 3:
		r.RemoteList = "ipm-" + label
	case 4:
		r.RemoteList = "ipmg-" + label
	}
	if dir == sgsim.Ingress {
		r.Src = remote
	} else {
		r.Dst = remote
	}
	r.Origin = origin(map[sgsim.Direction]string{sgsim.Ingress: "Ingress", sgsim.Egress: "Egress"}[dir], i, i,
		rapid.SampledFrom([]string{"", "ssh", "中文 \"quoted\""}).Draw(t, label+" note"))
	return r
}

// TestRoundTrip: ReadPolicies(WritePolicies(g)) == g for groups Tencent
// can express.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := sgsim.Group{ID: "sg-" + rapid.StringMatching(`[a-z0-9]{8}`).Draw(t, "id")}
		for _, dir := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
			for i := range rapid.IntRange(0, 5).Draw(t, dir.String()+" rules") {
				g.Rules = append(g.Rules, genRule(t, dir, i))
			}
		}
		var b bytes.Buffer
		if err := WritePolicies(&b, g); err != nil {
			t.Fatalf("WritePolicies: %v", err)
		}
		got, err := ReadPolicies(bytes.NewReader(b.Bytes()), g.ID)
		if err != nil {
			t.Fatalf("ReadPolicies: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(g, got, cmpAddrs); d != "" {
			t.Fatalf("round trip (-want +got):\n%s\n%s", d, b.String())
		}
	})
}
