package tencent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// aclsDoc is a DescribeNetworkAcls response written by hand from the
// documented field names of NetworkAcl (VpcId, NetworkAclId,
// NetworkAclName, CreatedTime, SubnetSet, IngressEntries, EgressEntries,
// NetworkAclType, TagSet) and NetworkAclEntry (ModifyTime, Protocol, Port,
// CidrBlock, Ipv6CidrBlock, Action, Description, Priority,
// NetworkAclIpv4EntryId, NetworkAclIpv6EntryId), spelled as the tccli
// examples spell values ("tcp", "all", "Accept", "Drop"). The first ACL
// lists, as the examples do, its IPv6 entries before its IPv4 entries,
// each family numbered from 1, and ends each family with the fixed
// entries Terraform treats as defaults ("all ::/0 Accept", "all 0.0.0.0/0
// Drop"). The second ACL has no entries and no type (an older response).
const aclsDoc = `{
  "Response": {
    "NetworkAclSet": [
      {
        "VpcId": "vpc-nwg3twqu",
        "NetworkAclId": "acl-3v122sn",
        "NetworkAclName": "web tier",
        "NetworkAclType": "TRIPLE",
        "CreatedTime": "2022-04-27 20:46:15",
        "TagSet": [{"Key": "team", "Value": "web"}],
        "SubnetSet": [{"VpcId": "vpc-nwg3twqu", "SubnetId": "subnet-ptqwqcjz", "CidrBlock": "10.0.1.0/24", "NetworkAclId": "acl-3v122sn"}],
        "IngressEntries": [
          {"Protocol": "udp", "Port": "53", "Ipv6CidrBlock": "2001:db8::/32", "Action": "Accept",
           "Description": "dns v6", "ModifyTime": "2022-04-28 09:00:00", "NetworkAclIpv6EntryId": "acli63-7whoqwek", "Priority": 1},
          {"Protocol": "all", "Ipv6CidrBlock": "::/0", "Action": "Accept", "Description": "", "ModifyTime": "",
           "NetworkAclIpv6EntryId": "acli63-0default", "Priority": 2},
          {"Protocol": "tcp", "Port": "80-90", "CidrBlock": "10.0.0.0/16", "Action": "Accept", "Description": "web",
           "ModifyTime": "2022-04-28 09:00:00", "NetworkAclIpv4EntryId": "acli43-dd0lxs1c", "Priority": 1},
          {"Protocol": "ICMP", "Port": "ALL", "CidrBlock": "192.168.1.7", "Action": "DROP", "Description": "no ping from the bastion",
           "NetworkAclIpv4EntryId": "acli43-icmp0001", "Priority": 2},
          {"Protocol": "all", "CidrBlock": "0.0.0.0/0", "Action": "Drop", "Description": "", "ModifyTime": "",
           "NetworkAclIpv4EntryId": "acli43-ezxjnhgy", "Priority": 3}
        ],
        "EgressEntries": [
          {"Protocol": "TCP", "Port": "443", "CidrBlock": "0.0.0.0/0", "Action": "ACCEPT", "Description": "https out", "Unknown": [1, 2]},
          {"Protocol": "all", "CidrBlock": "0.0.0.0/0", "Action": "Drop", "Description": ""}
        ]
      },
      {
        "VpcId": "vpc-nwg3twqu",
        "NetworkAclId": "acl-empty001",
        "NetworkAclName": "",
        "CreatedTime": "2021-02-19 17:52:43",
        "IngressEntries": [],
        "EgressEntries": []
      }
    ],
    "TotalCount": 2,
    "RequestId": "87c50ae4-bfd8-48cf-b92e-b637cewdd2aa"
  }
}`

var cmpACL = []cmp.Option{cmpAddrs, cmpopts.EquateEmpty()}

func aclOrigin(list string, k int, id, note string) sgsim.Origin {
	return sgsim.Origin{Vendor: "tencent", Document: DocNetworkAcls, Record: id,
		Path: fmt.Sprintf("Response.NetworkAclSet[0].%s[%d]", list, k), Note: note}
}

func TestReadNetworkAcls(t *testing.T) {
	got, err := ReadNetworkAcls(strings.NewReader(aclsDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := []sgsim.Group{{ID: "acl-3v122sn", Name: "web tier", Rules: []sgsim.Rule{
		{ID: "acli63-7whoqwek", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Protocol: sgsim.UDP,
			DstPorts: sgsim.Ports{sgsim.Port(53)}, Src: sgsim.MustParseAddrs("2001:db8::/32"),
			Origin: aclOrigin("IngressEntries", 0, "acli63-7whoqwek", "dns v6")},
		{ID: "acli63-0default", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 2,
			Src: sgsim.MustParseAddrs("::/0"), Origin: aclOrigin("IngressEntries", 1, "acli63-0default", "")},
		{ID: "acli43-dd0lxs1c", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 3, Protocol: sgsim.TCP,
			DstPorts: sgsim.Ports{{First: 80, Last: 90}}, Src: sgsim.MustParseAddrs("10.0.0.0/16"),
			Origin: aclOrigin("IngressEntries", 2, "acli43-dd0lxs1c", "web")},
		{ID: "acli43-icmp0001", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 4, Protocol: sgsim.ICMP,
			Src: sgsim.MustParseAddrs("192.168.1.7/32"), Origin: aclOrigin("IngressEntries", 3, "acli43-icmp0001", "no ping from the bastion")},
		{ID: "acli43-ezxjnhgy", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 5,
			Src: sgsim.MustParseAddrs("0.0.0.0/0"), Origin: aclOrigin("IngressEntries", 4, "acli43-ezxjnhgy", "")},
		{Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 1, Protocol: sgsim.TCP,
			DstPorts: sgsim.Ports{sgsim.Port(443)}, Dst: sgsim.MustParseAddrs("0.0.0.0/0"),
			Origin: aclOrigin("EgressEntries", 0, "", "https out")},
		{Direction: sgsim.Egress, Action: sgsim.Deny, Priority: 2,
			Dst: sgsim.MustParseAddrs("0.0.0.0/0"), Origin: aclOrigin("EgressEntries", 1, "", "")},
	}}, {ID: "acl-empty001"}}
	if d := cmp.Diff(want, got, cmpACL...); d != "" {
		t.Fatalf("ReadNetworkAcls (-want +got):\n%s", d)
	}

	// Under ACL semantics the ACL decides top to bottom: IPv6 reaches the
	// fixed ::/0 Accept, IPv4 outside the listed rules the fixed deny.
	c, err := sgsim.Compile(sgsim.ACL, got[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir   sgsim.Direction
		flow  string
		allow bool
	}{
		{sgsim.Ingress, "tcp 10.0.3.4:40000 -> 10.0.1.5:85", true},
		{sgsim.Ingress, "tcp 10.1.3.4:40000 -> 10.0.1.5:85", false},
		{sgsim.Ingress, "icmp 192.168.1.7 -> 10.0.1.5 type 8 code 0", false},
		{sgsim.Ingress, "tcp [2001:db9::1]:40000 -> [2001:db8::5]:22", true},
		{sgsim.Egress, "tcp 10.0.1.5:40000 -> 203.0.113.9:443", true},
		{sgsim.Egress, "udp 10.0.1.5:40000 -> 203.0.113.9:53", false},
	} {
		if v := c.Check(tc.dir, sgsim.MustParseFlow(tc.flow)); v.Allowed() != tc.allow {
			t.Errorf("%v %s: %v, want allow=%v", tc.dir, tc.flow, v, tc.allow)
		}
	}

	// Written and read back: the same groups (paths too: the writer keeps
	// the wrapper and the order).
	var b bytes.Buffer
	if err := WriteNetworkAcls(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNetworkAcls(&b)
	if err != nil {
		t.Fatalf("reading the written ACLs: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(got, back, cmpACL...); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s", d)
	}

	// tccli prints the body without the Response wrapper; paths follow.
	bare := `{"NetworkAclSet": [{"NetworkAclId": "acl-1", "IngressEntries": [{"Protocol": "UDP", "Port": "ALL", "CidrBlock": "10.0.0.0/8", "Action": "ACCEPT"}], "EgressEntries": []}]}`
	got, err = ReadNetworkAcls(strings.NewReader(bare))
	if err != nil {
		t.Fatal(err)
	}
	want = []sgsim.Group{{ID: "acl-1", Rules: []sgsim.Rule{{Action: sgsim.Allow, Priority: 1, Protocol: sgsim.UDP,
		Src: sgsim.MustParseAddrs("10.0.0.0/8"), Origin: sgsim.Origin{Vendor: "tencent", Document: DocNetworkAcls, Path: "NetworkAclSet[0].IngressEntries[0]"}}}}}
	if d := cmp.Diff(want, got, cmpACL...); d != "" {
		t.Errorf("ReadNetworkAcls without the wrapper (-want +got):\n%s", d)
	}
}

// aclEntryDoc builds a one-ACL document whose one ingress entry is a TCP 22
// entry from 10.0.0.0/8 with fields replaced or added ("Name=JSON;...",
// JSON "DELETE" removes the field).
func aclEntryDoc(extra string) string {
	return `{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-1", "IngressEntries": [` +
		object(extra, "Protocol", `"TCP"`, "Port", `"22"`, "CidrBlock", `"10.0.0.0/8"`, "Action", `"ACCEPT"`) +
		`], "EgressEntries": []}]}}`
}

// object renders a JSON object from base name/value pairs changed by
// extra ("Name=JSON;...", "DELETE" removes).
func object(extra string, base ...string) string {
	vals := map[string]string{}
	var order []string
	for i := 0; i < len(base); i += 2 {
		vals[base[i]] = base[i+1]
		order = append(order, base[i])
	}
	for _, kv := range strings.Split(extra, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	var parts []string
	for _, k := range order {
		if v := vals[k]; v != "DELETE" {
			parts = append(parts, fmt.Sprintf("%q: %s", k, v))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func TestReadNetworkAclsErrors(t *testing.T) {
	const at = `tencent: Response.NetworkAclSet[0].IngressEntries[0]`
	acl := func(fields string) string {
		return `{"Response": {"NetworkAclSet": [` +
			object(fields, "NetworkAclId", `"acl-1"`, "IngressEntries", `[]`, "EgressEntries", `[]`) + `]}}`
	}
	for _, tc := range []struct{ doc, want string }{
		{aclEntryDoc(`Protocol="GRE"`), at + `.Protocol: "GRE": want TCP, UDP, ICMP or ALL`},
		{aclEntryDoc(`Protocol="ICMPv6";CidrBlock=DELETE;Ipv6CidrBlock="::/0"`), at + `.Protocol: "ICMPv6": want TCP, UDP, ICMP or ALL`},
		{aclEntryDoc(`Protocol="ICMP"`), at + `.Port: "22": protocol icmp has no ports; want ALL`},
		{aclEntryDoc(`Protocol="all";Port="80"`), at + `.Port: "80": protocol any has no ports; want ALL`},
		{aclEntryDoc(`Port="0-80"`), at + `.Port: "0-80": want ALL, one port or a range, as "80" or "80-90", ports 1-65535`},
		{aclEntryDoc(`Port="65536"`), at + `.Port: "65536": want ALL, one port or a range, as "80" or "80-90", ports 1-65535`},
		{aclEntryDoc(`Port="90-80"`), at + `.Port: "90-80": first port above last port`},
		{aclEntryDoc(`Port="80,443"`), at + `.Port: "80,443": a port list; network ACL entries take ALL, one port or a range, as "80" or "80-90", ports 1-65535`},
		{aclEntryDoc(`Port=8080.5`), at + `.Port: 8080.5: want a string or a whole number`},
		{aclEntryDoc(`Port=true`), at + `.Port: true: want a string or a whole number`},
		{aclEntryDoc(`Action="ALLOW"`), at + `.Action: "ALLOW": want ACCEPT or DROP`},
		{aclEntryDoc(`Action=DELETE`), at + `.Action: "": want ACCEPT or DROP`},
		{aclEntryDoc(`CidrBlock="10.0.0.0/33"`), at + `.CidrBlock: "10.0.0.0/33": want an IP address or CIDR block`},
		{aclEntryDoc(`CidrBlock="10.0.0.1/8"`), at + `.CidrBlock: "10.0.0.1/8": host bits set; want 10.0.0.0/8`},
		{aclEntryDoc(`CidrBlock="2001:db8::/32"`), at + `.CidrBlock: "2001:db8::/32": want an IPv4 address or CIDR block`},
		{aclEntryDoc(`CidrBlock=DELETE;Ipv6CidrBlock="10.0.0.0/8"`), at + `.Ipv6CidrBlock: "10.0.0.0/8": want an IPv6 address or CIDR block`},
		{aclEntryDoc(`Ipv6CidrBlock="::/0"`), at + `.Ipv6CidrBlock: "::/0": CidrBlock "10.0.0.0/8" is also set; an entry has one of CidrBlock and Ipv6CidrBlock`},
		{aclEntryDoc(`CidrBlock=""`), at + `: no CidrBlock or Ipv6CidrBlock; an entry has one`},
		{aclEntryDoc(`Protocol="icmp";Port=DELETE;CidrBlock=DELETE;Ipv6CidrBlock="::/0"`), at + `.Protocol: "icmp": ICMP on an IPv6 entry: unconfirmed whether Tencent matches ICMPv6 with it; not read`},
		{aclEntryDoc(`Priority=0`), at + `.Priority: 0: want a priority 1 or more`},
		{aclEntryDoc(`Priority="1"`), at + `.Priority: "1": want a number`},
		{aclEntryDoc(`NetworkAclIpv6EntryId="acli63-1"`), at + `.NetworkAclIpv6EntryId: "acli63-1": an IPv6 entry ID on an IPv4 entry (CidrBlock); want NetworkAclIpv4EntryId`},
		{aclEntryDoc(`CidrBlock=DELETE;Ipv6CidrBlock="::/0";NetworkAclIpv4EntryId="acli43-1"`), at + `.NetworkAclIpv4EntryId: "acli43-1": an IPv4 entry ID on an IPv6 entry (Ipv6CidrBlock); want NetworkAclIpv6EntryId`},
		{aclEntryDoc(`NetworkAclIpv4EntryId="acli43-1";NetworkAclIpv6EntryId="acli63-1"`), at + `.NetworkAclIpv6EntryId: "acli63-1": NetworkAclIpv4EntryId "acli43-1" is also set; an entry has one ID`},
		{acl(`IngressEntries=[{"Protocol": "ALL", "CidrBlock": "10.0.0.0/8", "Action": "DROP", "Priority": 2}, {"Protocol": "ALL", "Ipv6CidrBlock": "::/0", "Action": "DROP", "Priority": 1}, {"Protocol": "ALL", "CidrBlock": "0.0.0.0/0", "Action": "DROP", "Priority": 2}]`),
			`tencent: Response.NetworkAclSet[0].IngressEntries[2].Priority: 2: not above Priority 2 of Response.NetworkAclSet[0].IngressEntries[0], the entry of its family before it; entries are read in list order, so the list must be in priority order`},
		{acl(`IngressEntries=[{"Protocol": "ALL", "CidrBlock": "10.0.0.0/8", "Action": "DROP", "NetworkAclIpv4EntryId": "acli43-x"}];EgressEntries=[{"Protocol": "ALL", "CidrBlock": "10.0.0.0/8", "Action": "DROP", "NetworkAclIpv4EntryId": "acli43-x"}]`),
			`tencent: Response.NetworkAclSet[0].EgressEntries[0].NetworkAclIpv4EntryId: "acli43-x": also the ID of Response.NetworkAclSet[0].IngressEntries[0]; want distinct IDs`},
		{acl(`NetworkAclType="QUINTUPLE"`), `tencent: Response.NetworkAclSet[0].NetworkAclType: "QUINTUPLE": a quintuple ACL: its entries are not in this response; read its DescribeNetworkAclQuintupleEntries response with ReadNetworkAclQuintupleEntries`},
		{acl(`NetworkAclType="1"`), `tencent: Response.NetworkAclSet[0].NetworkAclType: "1": want TRIPLE or QUINTUPLE`},
		{acl(`NetworkAclId=""`), `tencent: Response.NetworkAclSet[0].NetworkAclId: missing or empty; want the ACL ID`},
		{acl(`EgressEntries=DELETE`), `tencent: Response.NetworkAclSet[0].EgressEntries: missing; want the entry list ([] for none): an ACL listed without its entries cannot be read`},
		{acl(`IngressEntries={}`), `tencent: Response.NetworkAclSet[0].IngressEntries: {}: want a JSON array`},
		{`{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-1", "IngressEntries": [], "EgressEntries": []}, {"NetworkAclId": "acl-1", "IngressEntries": [], "EgressEntries": []}]}}`,
			`tencent: Response.NetworkAclSet[1].NetworkAclId: "acl-1": also the ID of Response.NetworkAclSet[0]; want distinct ACLs`},
		{`{"Response": {"Error": {"Code": "InvalidParameterValue.Malformed", "Message": "bad acl id"}, "RequestId": "x"}}`,
			`tencent: Response.Error: "InvalidParameterValue.Malformed": the call failed: bad acl id`},
		{`{"Response": {"TotalCount": 0, "RequestId": "x"}}`, `tencent: Response.NetworkAclSet: missing; want the DescribeNetworkAcls response {"Response": {"NetworkAclSet": [...]}}`},
		{`{"Response": {"NetworkAclSet": [1]}}`, `tencent: Response.NetworkAclSet[0]: 1: want a JSON object`},
		{"{\"Response\": {\"NetworkAclSet\": [\n{\"NetworkAclId\": \"acl-1\",", `tencent: invalid JSON (byte offset 58): unexpected end of JSON input`},
		{`[]`, `tencent: top level: []: want a JSON object`},
	} {
		_, err := ReadNetworkAcls(strings.NewReader(tc.doc))
		if err == nil {
			t.Errorf("ReadNetworkAcls(%s) = nil error; want %s", tc.doc, tc.want)
			continue
		}
		if profiletest.ErrText(err) != tc.want {
			t.Errorf("ReadNetworkAcls(%s) error\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}

func TestWriteNetworkAclsErrors(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	g := func(rules ...sgsim.Rule) []sgsim.Group { return []sgsim.Group{{ID: "acl-1", Rules: rules}} }
	badDir := func(r sgsim.Rule) sgsim.Rule { r.Direction = 2; return r }
	const at = `tencent: write group "acl-1" rule 0 (""): `
	for _, tc := range []struct {
		gs   []sgsim.Group
		want string
	}{
		{[]sgsim.Group{{}}, `tencent: write group "": a network ACL needs an ID`},
		{[]sgsim.Group{{ID: "acl-1"}, {ID: "acl-1"}}, `tencent: write group "acl-1": another group has this ID`},
		{[]sgsim.Group{{ID: "acl-1", InnerAccess: sgsim.InnerDrop}}, `tencent: write group "acl-1": inner access drop or advanced group: network ACLs have neither`},
		{g(r("ingress allow sctp from 10.0.0.0/8")), at + `protocol sctp: want tcp, udp, icmp or any`},
		{g(r("ingress allow icmpv6 from ::/0")), at + `protocol icmpv6: want tcp, udp, icmp or any`},
		{g(r("ingress allow icmp from ::/0")), at + `ICMP with IPv6 addresses: Tencent's reading of it is unconfirmed`},
		{g(r("ingress allow icmp type 8 from 10.0.0.0/8")), at + `ICMP type or code: Tencent entries match every ICMP message`},
		{g(r("ingress allow tcp 22 ipv4 from 10.0.0.0/8")), at + `family ipv4: Tencent entries have no family field; the addresses carry it`},
		{g(r("ingress allow tcp 22 sport 53 from 10.0.0.0/8")), at + `source ports 53: Tencent entries match destination ports only`},
		{g(r("ingress allow tcp 22,80 from 10.0.0.0/8")), at + `ports 22,80: an entry holds one port or range; split the rule`},
		{g(r("ingress allow tcp 0-80 from 10.0.0.0/8")), at + `ports 0-80: Tencent ports are 1-65535`},
		{g(r("ingress allow tcp 22")), at + `remote any: want one CIDR block (0.0.0.0/0 or ::/0 for every address)`},
		{g(r("ingress allow tcp 22 from 10.0.0.1-10.0.0.2")), at + `remote 10.0.0.1-10.0.0.2: want one CIDR block (0.0.0.0/0 or ::/0 for every address)`},
		{g(r("egress allow tcp 22 from 10.0.0.0/8 to 0.0.0.0/0")), at + `subnet side 10.0.0.0/8: Tencent entries restrict the remote side only`},
		{g(r("ingress allow any from group sg-1")), at + `remote group or list "sg-1": network ACL entries hold CIDR blocks only`},
		{g(r("ingress allow any from 10.0.0.0/8 id a"), r("egress deny any to 10.0.0.0/8 id a")), `tencent: write group "acl-1" rule 1 ("a"): ID "a": another rule has it; entry IDs must be distinct`},
		// A rule of neither direction is an error, not left out.
		{g(r("ingress allow any from 10.0.0.0/8 id a"), badDir(r("ingress allow any from 10.0.0.0/8 id b"))), `tencent: write group "acl-1" rule 1 ("b"): direction 2: want ingress or egress`},
	} {
		err := WriteNetworkAcls(&bytes.Buffer{}, tc.gs)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteNetworkAcls(%v) error\n got %v\nwant %s", tc.gs, err, tc.want)
		}
	}
}

// TestWriteNetworkAclsOrder checks that the writer emits each direction
// in ascending Priority, numbering the entries' Priority per family, so
// that the read-back rules are renumbered 1, 2, ... in that order.
func TestWriteNetworkAclsOrder(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	g := sgsim.Group{ID: "acl-1", Rules: []sgsim.Rule{
		r("egress deny any to 0.0.0.0/0 priority 200 id e2"),
		r("ingress deny any from 0.0.0.0/0 priority 300 id i3"),
		r("ingress allow tcp 22 from 10.0.0.0/8 priority 100 id i1"),
		r("egress allow udp 53 to 10.0.0.2 priority 100 id e1"),
		r("ingress allow any from 2001:db8::/32 priority 200 id i2"),
	}}
	var b bytes.Buffer
	if err := WriteNetworkAcls(&b, []sgsim.Group{g}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`"CidrBlock": "10.0.0.0/8",`, `"Ipv6CidrBlock": "2001:db8::/32",`, `"CidrBlock": "10.0.0.2/32",`,
	} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("written document lacks %s:\n%s", s, b.String())
		}
	}
	back, err := ReadNetworkAcls(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var got []string
	for _, r := range back[0].Rules {
		got = append(got, fmt.Sprintf("%s %v %d", r.ID, r.Direction, r.Priority))
	}
	want := []string{"i1 ingress 1", "i2 ingress 2", "i3 ingress 3", "e1 egress 1", "e2 egress 2"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("read-back order (-want +got):\n%s\n%s", d, b.String())
	}
	// The entries' own Priority field counts per family: the IPv4 deny
	// after the IPv6 entry is the second IPv4 entry.
	var doc struct {
		Response struct {
			NetworkAclSet []struct {
				IngressEntries, EgressEntries []struct {
					Priority              int
					NetworkAclIpv4EntryId string
					NetworkAclIpv6EntryId string
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var prios []string
	for _, es := range [][]struct {
		Priority              int
		NetworkAclIpv4EntryId string
		NetworkAclIpv6EntryId string
	}{doc.Response.NetworkAclSet[0].IngressEntries, doc.Response.NetworkAclSet[0].EgressEntries} {
		for _, e := range es {
			prios = append(prios, fmt.Sprintf("%s%s %d", e.NetworkAclIpv4EntryId, e.NetworkAclIpv6EntryId, e.Priority))
		}
	}
	if d := cmp.Diff([]string{"i1 1", "i2 1", "i3 2", "e1 1", "e2 2"}, prios); d != "" {
		t.Errorf("written entry priorities (-want +got):\n%s\n%s", d, b.String())
	}
}

// quintupleDoc is a DescribeNetworkAclQuintupleEntries response written
// by hand from the documented fields of NetworkAclQuintupleEntry
// (Protocol, Description, SourcePort, SourceCidr, DestinationPort,
// DestinationCidr, Action, NetworkAclQuintupleEntryId, Priority,
// CreateTime, NetworkAclDirection), listed out of priority order.
const quintupleDoc = `{
  "Response": {
    "TotalCount": 4,
    "NetworkAclQuintupleSet": [
      {"Protocol": "TCP", "Description": "app to db", "SourcePort": "ALL", "SourceCidr": "10.0.1.0/24",
       "DestinationPort": "3306", "DestinationCidr": "10.0.2.0/24", "Action": "ACCEPT", "CreateTime": "2019-11-11 22:16:17",
       "NetworkAclQuintupleEntryId": "acli45-q1phngkz", "NetworkAclDirection": "INGRESS", "Priority": 2},
      {"Protocol": "ALL", "Description": "", "SourceCidr": "0.0.0.0/0", "DestinationCidr": "10.0.2.0/24", "Action": "DROP",
       "NetworkAclQuintupleEntryId": "acli45-zz000001", "NetworkAclDirection": "INGRESS", "Priority": 3},
      {"Protocol": "udp", "Description": "dns replies", "SourcePort": "53", "SourceCidr": "10.0.0.2",
       "DestinationPort": "1024-65535", "DestinationCidr": "10.0.2.0/24", "Action": "Accept",
       "NetworkAclQuintupleEntryId": "acli45-dns00001", "NetworkAclDirection": "ingress", "Priority": 1},
      {"Protocol": "TCP", "Description": "demo", "SourcePort": "80", "SourceCidr": "2001:db8:2::/48",
       "DestinationPort": "80", "DestinationCidr": "2001:db8::/32", "Action": "DROP",
       "NetworkAclQuintupleEntryId": "acli45-v6000001", "NetworkAclDirection": "EGRESS", "Priority": 1}
    ],
    "RequestId": "cccb2665-5d02-4d87-b9e7-757bb06e5beb"
  }
}`

func quintupleOrigin(i int, id, note string) sgsim.Origin {
	return sgsim.Origin{Vendor: "tencent", Document: DocQuintuple, Record: id,
		Path: fmt.Sprintf("Response.NetworkAclQuintupleSet[%d]", i), Note: note}
}

func TestReadNetworkAclQuintupleEntries(t *testing.T) {
	got, err := ReadNetworkAclQuintupleEntries(strings.NewReader(quintupleDoc), "acl-hj3he929")
	if err != nil {
		t.Fatal(err)
	}
	want := sgsim.Group{ID: "acl-hj3he929", Rules: []sgsim.Rule{
		{ID: "acli45-q1phngkz", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 2, Protocol: sgsim.TCP,
			Src: sgsim.MustParseAddrs("10.0.1.0/24"), Dst: sgsim.MustParseAddrs("10.0.2.0/24"), DstPorts: sgsim.Ports{sgsim.Port(3306)},
			Origin: quintupleOrigin(0, "acli45-q1phngkz", "app to db")},
		{ID: "acli45-zz000001", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 3,
			Src: sgsim.MustParseAddrs("0.0.0.0/0"), Dst: sgsim.MustParseAddrs("10.0.2.0/24"),
			Origin: quintupleOrigin(1, "acli45-zz000001", "")},
		{ID: "acli45-dns00001", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Protocol: sgsim.UDP,
			Src: sgsim.MustParseAddrs("10.0.0.2/32"), SrcPorts: sgsim.Ports{sgsim.Port(53)},
			Dst: sgsim.MustParseAddrs("10.0.2.0/24"), DstPorts: sgsim.Ports{{First: 1024, Last: 65535}},
			Origin: quintupleOrigin(2, "acli45-dns00001", "dns replies")},
		{ID: "acli45-v6000001", Direction: sgsim.Egress, Action: sgsim.Deny, Priority: 1, Protocol: sgsim.TCP,
			Src: sgsim.MustParseAddrs("2001:db8:2::/48"), SrcPorts: sgsim.Ports{sgsim.Port(80)},
			Dst: sgsim.MustParseAddrs("2001:db8::/32"), DstPorts: sgsim.Ports{sgsim.Port(80)},
			Origin: quintupleOrigin(3, "acli45-v6000001", "demo")},
	}}
	if d := cmp.Diff(want, got, cmpACL...); d != "" {
		t.Fatalf("ReadNetworkAclQuintupleEntries (-want +got):\n%s", d)
	}
	// Priority 1 (the DNS replies) is matched before Priority 3, the
	// deny-all listed before it.
	c, err := sgsim.Compile(sgsim.ACL, got)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flow  string
		allow bool
	}{
		{"udp 10.0.0.2:53 -> 10.0.2.9:40000", true},
		{"udp 10.0.0.3:53 -> 10.0.2.9:40000", false},
		{"tcp 10.0.1.4:40000 -> 10.0.2.9:3306", true},
		{"tcp 10.0.1.4:40000 -> 10.0.2.9:3307", false},
	} {
		if v := c.Check(sgsim.Ingress, sgsim.MustParseFlow(tc.flow)); v.Allowed() != tc.allow {
			t.Errorf("%s: %v, want allow=%v", tc.flow, v, tc.allow)
		}
	}
	var b bytes.Buffer
	if err := WriteNetworkAclQuintupleEntries(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNetworkAclQuintupleEntries(&b, "acl-hj3he929")
	if err != nil {
		t.Fatalf("reading the written entries: %v\n%s", err, b.String())
	}
	if d := cmp.Diff(got, back, cmpACL...); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s", d)
	}
}

func quintupleEntryDoc(extra string) string {
	return `{"Response": {"TotalCount": 1, "NetworkAclQuintupleSet": [` +
		object(extra, "Protocol", `"TCP"`, "SourcePort", `"ALL"`, "SourceCidr", `"10.0.0.0/8"`, "DestinationPort", `"22"`,
			"DestinationCidr", `"10.1.0.0/16"`, "Action", `"ACCEPT"`, "Priority", `1`, "NetworkAclDirection", `"INGRESS"`) + `]}}`
}

func TestReadNetworkAclQuintupleEntriesErrors(t *testing.T) {
	const at = `tencent: Response.NetworkAclQuintupleSet[0]`
	for _, tc := range []struct{ doc, want string }{
		{quintupleEntryDoc(`Priority=DELETE`), at + `.Priority: missing; want the entry's priority (1 first)`},
		{quintupleEntryDoc(`Priority=-1`), at + `.Priority: -1: want a priority 0-32766`},
		{quintupleEntryDoc(`Priority=32767`), at + `.Priority: 32767: want a priority 0-32766`},
		{quintupleEntryDoc(`Priority=1.5`), at + `.Priority: 1.5: want an integer`},
		{quintupleEntryDoc(`NetworkAclDirection="IN"`), at + `.NetworkAclDirection: "IN": want INGRESS or EGRESS`},
		{quintupleEntryDoc(`Protocol="sctp"`), at + `.Protocol: "sctp": want TCP, UDP, ICMP or ALL`},
		{quintupleEntryDoc(`Protocol="ICMP";SourcePort="ALL"`), at + `.DestinationPort: "22": protocol icmp has no ports; want ALL`},
		{quintupleEntryDoc(`SourcePort="1-2-3"`), at + `.SourcePort: "1-2-3": want ALL, one port or a range, as "80" or "80-90", ports 1-65535`},
		{quintupleEntryDoc(`Action="REJECT"`), at + `.Action: "REJECT": want ACCEPT or DROP`},
		{quintupleEntryDoc(`SourceCidr=""`), at + `.SourceCidr: missing or empty; want an address or CIDR block (0.0.0.0/0 or ::/0 for every address)`},
		{quintupleEntryDoc(`DestinationCidr="10.1.0.0/8"`), at + `.DestinationCidr: "10.1.0.0/8": host bits set; want 10.0.0.0/8`},
		{quintupleEntryDoc(`DestinationCidr="::/0"`), at + `.DestinationCidr: "::/0": not of the family of SourceCidr "10.0.0.0/8"`},
		{quintupleEntryDoc(`Protocol="ICMP";DestinationPort=DELETE;SourceCidr="::/0";DestinationCidr="2001:db8::/32"`), at + `.Protocol: "ICMP": ICMP on an IPv6 entry: unconfirmed whether Tencent matches ICMPv6 with it; not read`},
		{quintupleEntryDoc(`NetworkAclQuintupleEntryId=5`), at + `.NetworkAclQuintupleEntryId: 5: want a string`},
		{`{"Response": {"TotalCount": 3, "NetworkAclQuintupleSet": []}}`, `tencent: Response.TotalCount: 3: the response lists 0 entries; a page (Offset, Limit) of the ACL's entries would leave rules out`},
		{`{"NetworkAclQuintupleSet": [` + object(``, "Protocol", `"ALL"`, "SourceCidr", `"0.0.0.0/0"`, "DestinationCidr", `"0.0.0.0/0"`, "Action", `"DROP"`, "Priority", `4`, "NetworkAclDirection", `"EGRESS"`) +
			`, ` + object(``, "Protocol", `"TCP"`, "SourceCidr", `"0.0.0.0/0"`, "DestinationCidr", `"10.0.0.0/8"`, "Action", `"DROP"`, "Priority", `4`, "NetworkAclDirection", `"egress"`) + `]}`,
			`tencent: NetworkAclQuintupleSet[1].Priority: 4: also the priority of NetworkAclQuintupleSet[0], of the same direction; want distinct priorities`},
		{`{"NetworkAclQuintupleSet": [` + object(``, "Protocol", `"ALL"`, "SourceCidr", `"0.0.0.0/0"`, "DestinationCidr", `"0.0.0.0/0"`, "Action", `"DROP"`, "Priority", `4`, "NetworkAclDirection", `"EGRESS"`, "NetworkAclQuintupleEntryId", `"x"`) +
			`, ` + object(``, "Protocol", `"ALL"`, "SourceCidr", `"0.0.0.0/0"`, "DestinationCidr", `"0.0.0.0/0"`, "Action", `"DROP"`, "Priority", `4`, "NetworkAclDirection", `"INGRESS"`, "NetworkAclQuintupleEntryId", `"x"`) + `]}`,
			`tencent: NetworkAclQuintupleSet[1].NetworkAclQuintupleEntryId: "x": also the ID of NetworkAclQuintupleSet[0]; want distinct IDs`},
		{`{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "no such acl"}}}`, `tencent: Response.Error: "ResourceNotFound": the call failed: no such acl`},
		{`{"Response": {"NetworkAclSet": []}}`, `tencent: Response.NetworkAclQuintupleSet: missing; want the DescribeNetworkAclQuintupleEntries response {"Response": {"NetworkAclQuintupleSet": [...]}}`},
		{`{"Response": {"NetworkAclQuintupleSet": [], "TotalCount": "0"}}`, `tencent: Response.TotalCount: "0": want a number`},
		{`{"Response": {"NetworkAclQuintupleSet": [{"Protocol": "TCP"`, `tencent: invalid JSON (byte offset 59): unexpected end of JSON input`},
	} {
		_, err := ReadNetworkAclQuintupleEntries(strings.NewReader(tc.doc), "acl-1")
		if err == nil {
			t.Errorf("ReadNetworkAclQuintupleEntries(%s) = nil error; want %s", tc.doc, tc.want)
			continue
		}
		if profiletest.ErrText(err) != tc.want {
			t.Errorf("ReadNetworkAclQuintupleEntries(%s) error\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}

func TestWriteNetworkAclQuintupleEntriesErrors(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	g := func(rules ...sgsim.Rule) sgsim.Group { return sgsim.Group{ID: "acl-1", Rules: rules} }
	const at = `tencent: write group "acl-1" rule 0 (""): `
	for _, tc := range []struct {
		g    sgsim.Group
		want string
	}{
		{sgsim.Group{ID: "acl-1", Advanced: true}, `tencent: write group "acl-1": inner access none or advanced group: network ACLs have neither`},
		{g(r("ingress allow gre from 10.0.0.0/8 to 10.1.0.0/16")), at + `protocol gre: want tcp, udp, icmp or any`},
		{g(r("ingress allow tcp 22 from 10.0.0.0/8 to 10.1.0.0/16 priority 32767")), at + `priority 32767: want 0-32766`},
		{g(r("ingress allow tcp 22 from 10.0.0.0/8")), at + `destination any: want one CIDR block (0.0.0.0/0 or ::/0 for every address)`},
		{g(r("ingress allow tcp 22 from 10.0.0.1-10.0.0.3 to 10.1.0.0/16")), at + `source 10.0.0.1-10.0.0.3: want one CIDR block (0.0.0.0/0 or ::/0 for every address)`},
		{g(r("ingress allow tcp 22 sport 1,3 from 10.0.0.0/8 to 10.1.0.0/16")), at + `source ports 1,3: an entry holds one port or range; split the rule`},
		{g(r("ingress allow tcp 0 from 10.0.0.0/8 to 10.1.0.0/16")), at + `destination ports 0: Tencent ports are 1-65535`},
		{g(r("ingress allow icmp from ::/0 to 2001:db8::/32")), at + `ICMP with IPv6 addresses: Tencent's reading of it is unconfirmed`},
		{g(r("ingress allow icmp type 3 code 4 from 10.0.0.0/8 to 10.1.0.0/16")), at + `ICMP type or code: Tencent entries match every ICMP message`},
		{g(r("ingress allow any from 10.0.0.0/8 to 10.1.0.0/16 priority 5"), r("ingress deny any from 0.0.0.0/0 to 10.1.0.0/16 priority 5 id x")),
			`tencent: write group "acl-1" rule 1 ("x"): priority 5: another ingress rule has it; priorities must be distinct per direction`},
		{g(r("ingress allow any from 10.0.0.0/8 to 10.1.0.0/16 priority 5 id x"), r("egress deny any from 10.1.0.0/16 to 0.0.0.0/0 priority 5 id x")),
			`tencent: write group "acl-1" rule 1 ("x"): ID "x": another rule has it; entry IDs must be distinct`},
	} {
		err := WriteNetworkAclQuintupleEntries(&bytes.Buffer{}, tc.g)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteNetworkAclQuintupleEntries(%v) error\n got %v\nwant %s", tc.g, err, tc.want)
		}
	}
}

// genACLPrefix draws an IPv4 or IPv6 CIDR block.
func genACLPrefix(t *rapid.T, v6 bool, label string) netip.Prefix {
	a, bits := netip.MustParseAddr("10.1.2.3"), []int{0, 8, 16, 24, 32}
	if v6 {
		a, bits = netip.MustParseAddr("2001:db8:1:2::3"), []int{0, 32, 64, 128}
	}
	return netip.PrefixFrom(a, rapid.SampledFrom(bits).Draw(t, label+" bits")).Masked()
}

// genACLMatch draws what an entry matches besides addresses: protocol,
// action, at most one port range per side (both sides when quintuple).
func genACLMatch(t *rapid.T, r *sgsim.Rule, v6, quintuple bool, label string) {
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	protos := []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.ICMP}
	if v6 {
		protos = protos[:3]
	}
	r.Protocol = rapid.SampledFrom(protos).Draw(t, label+" proto")
	if !r.Protocol.HasPorts() {
		return
	}
	edges := []uint16{1, 22, 80, 443, 1024, 65535}
	port := func(name string) sgsim.Ports {
		if !rapid.Bool().Draw(t, label+" "+name) {
			return nil
		}
		a := rapid.SampledFrom(edges).Draw(t, label+" "+name+" first")
		b := rapid.SampledFrom(edges).Draw(t, label+" "+name+" last")
		if b < a {
			a, b = b, a
		}
		return sgsim.Ports{{First: a, Last: b}}
	}
	r.DstPorts = port("dport")
	if quintuple {
		r.SrcPorts = port("sport")
	}
}

var notes = []string{"", "web", "中文 \"quoted\""}

// TestNetworkAclsRoundTrip: ReadNetworkAcls(WriteNetworkAcls(gs)) == gs
// for ACLs the triple form can express, given with ingress rules first and
// Priority 1, 2, ... per direction, the form the reader returns.
func TestNetworkAclsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gs := make([]sgsim.Group, rapid.IntRange(0, 3).Draw(t, "acls"))
		want := map[string]sgsim.Origin{}
		for i := range gs {
			gs[i].ID = fmt.Sprintf("acl-%08x", i)
			gs[i].Name = rapid.SampledFrom([]string{"", "web", "数据"}).Draw(t, "name")
			for _, dir := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
				list := map[sgsim.Direction]string{sgsim.Ingress: "IngressEntries", sgsim.Egress: "EgressEntries"}[dir]
				for k := range rapid.IntRange(0, 5).Draw(t, "rules") {
					label := fmt.Sprintf("a%d %s[%d]", i, list, k)
					r := sgsim.Rule{Direction: dir, Priority: k + 1}
					v6 := rapid.Bool().Draw(t, label+" v6")
					remote := sgsim.PrefixAddrs(genACLPrefix(t, v6, label))
					if dir == sgsim.Ingress {
						r.Src = remote
					} else {
						r.Dst = remote
					}
					genACLMatch(t, &r, v6, false, label)
					if rapid.Bool().Draw(t, label+" has id") {
						r.ID = fmt.Sprintf("acli%d3-%d%s%d", map[bool]int{false: 4, true: 6}[v6], i, list, k)
					}
					r.Origin.Note = rapid.SampledFrom(notes).Draw(t, label+" note")
					want[r.ID+label] = sgsim.Origin{Vendor: "tencent", Document: DocNetworkAcls, Record: r.ID,
						Path: fmt.Sprintf("Response.NetworkAclSet[%d].%s[%d]", i, list, k), Note: r.Origin.Note}
					gs[i].Rules = append(gs[i].Rules, r)
				}
			}
		}
		var b bytes.Buffer
		if err := WriteNetworkAcls(&b, gs); err != nil {
			t.Fatalf("WriteNetworkAcls: %v", err)
		}
		back, err := ReadNetworkAcls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("ReadNetworkAcls: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(gs, back, cmpAddrs, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(sgsim.Rule{}, "Origin")); d != "" {
			t.Fatalf("round trip (-want +got):\n%s\n%s", d, b.String())
		}
		for i, g := range back {
			for _, r := range g.Rules {
				list := map[sgsim.Direction]string{sgsim.Ingress: "IngressEntries", sgsim.Egress: "EgressEntries"}[r.Direction]
				label := fmt.Sprintf("a%d %s[%d]", i, list, r.Priority-1)
				if w := want[r.ID+label]; r.Origin != w {
					t.Fatalf("rule %v: origin %+v, want %+v", r, r.Origin, w)
				}
			}
		}
		if _, err := sgsim.NewLinear(sgsim.ACL, back...); err != nil {
			t.Fatalf("read ACLs do not validate under ACL semantics: %v", err)
		}
	})
}

// TestNetworkAclQuintupleRoundTrip: ReadNetworkAclQuintupleEntries of
// WriteNetworkAclQuintupleEntries(g) == g for groups the quintuple form
// can express.
func TestNetworkAclQuintupleRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := sgsim.Group{ID: "acl-" + rapid.StringMatching(`[a-z0-9]{8}`).Draw(t, "id")}
		used := [2]map[int]bool{{}, {}}
		for i := range rapid.IntRange(0, 8).Draw(t, "rules") {
			label := fmt.Sprintf("r%d", i)
			r := sgsim.Rule{Direction: sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))}
			r.Priority = rapid.IntRange(0, maxACLPriority).Draw(t, label+" priority")
			if used[r.Direction][r.Priority] {
				continue
			}
			used[r.Direction][r.Priority] = true
			v6 := rapid.Bool().Draw(t, label+" v6")
			r.Src = sgsim.PrefixAddrs(genACLPrefix(t, v6, label+" src"))
			r.Dst = sgsim.PrefixAddrs(genACLPrefix(t, v6, label+" dst"))
			genACLMatch(t, &r, v6, true, label)
			if rapid.Bool().Draw(t, label+" has id") {
				r.ID = "acli45-" + label
			}
			r.Origin = quintupleOrigin(len(g.Rules), r.ID, rapid.SampledFrom(notes).Draw(t, label+" note"))
			g.Rules = append(g.Rules, r)
		}
		var b bytes.Buffer
		if err := WriteNetworkAclQuintupleEntries(&b, g); err != nil {
			t.Fatalf("WriteNetworkAclQuintupleEntries: %v", err)
		}
		back, err := ReadNetworkAclQuintupleEntries(bytes.NewReader(b.Bytes()), g.ID)
		if err != nil {
			t.Fatalf("ReadNetworkAclQuintupleEntries: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(g, back, cmpAddrs, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(sgsim.Rule{}, "Origin")); d != "" {
			t.Fatalf("round trip (-want +got):\n%s\n%s", d, b.String())
		}
		for i := range g.Rules {
			if back.Rules[i].Origin != g.Rules[i].Origin {
				t.Fatalf("rule %d: origin %+v, want %+v", i, back.Rules[i].Origin, g.Rules[i].Origin)
			}
		}
		if _, err := sgsim.NewLinear(sgsim.ACL, back); err != nil {
			t.Fatalf("read ACL does not validate under ACL semantics: %v", err)
		}
	})
}

// TestWriteNetworkAclsRuleLimit: the writer refuses a direction with more
// rules than the reader numbers (32766, sgsim.ACL's highest), so a
// successful write always reads back.
func TestWriteNetworkAclsRuleLimit(t *testing.T) {
	for _, n := range []int{32766, 32767} {
		g := sgsim.Group{ID: "acl-1"}
		for k := 1; k <= n; k++ {
			r := sgsim.MustParseRule("ingress allow tcp 22 from 10.0.0.0/8")
			r.Priority = k
			g.Rules = append(g.Rules, r)
		}
		var b bytes.Buffer
		err := WriteNetworkAcls(&b, []sgsim.Group{g})
		if n == 32766 {
			if err != nil {
				t.Fatalf("%d rules: %v", n, err)
			}
			gs, err := ReadNetworkAcls(&b)
			if err != nil || len(gs[0].Rules) != n {
				t.Fatalf("%d rules written do not read back: %v", n, err)
			}
			continue
		}
		want := `tencent: write group "acl-1": 32767 ingress rules: more than 32766, which the reader (and sgsim.ACL) cannot number`
		if err == nil || err.Error() != want {
			t.Fatalf("%d rules: err = %v; want %s", n, err, want)
		}
	}
}

// TestReadNetworkAclsRuleLimit: the reader refuses the 32767th entry of a
// direction (sgsim.ACL numbers rules up to 32766) and names it, rather
// than returning a rule no ACL network accepts.
func TestReadNetworkAclsRuleLimit(t *testing.T) {
	entry := `{"Protocol": "TCP", "Port": "22", "CidrBlock": "10.0.0.0/8", "Action": "ACCEPT"}`
	doc := func(n int) string {
		return `{"NetworkAclSet": [{"NetworkAclId": "acl-1", "IngressEntries": [` +
			strings.TrimSuffix(strings.Repeat(entry+",", n), ",") + `], "EgressEntries": []}]}`
	}
	// 32766 entries read: TestWriteNetworkAclsRuleLimit reads them back.
	_, err := ReadNetworkAcls(strings.NewReader(doc(32767)))
	want := `tencent: NetworkAclSet[0].IngressEntries[32766]: more than 32766 entries in one direction; sgsim.ACL numbers rules up to 32766`
	if err == nil || profiletest.ErrText(err) != want {
		t.Fatalf("32767 entries: err = %v; want %s", err, want)
	}
}
