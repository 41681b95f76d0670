package alibaba

import (
	"bytes"
	"fmt"
	"github.com/sgsim/sgsim/provider/internal/profiletest"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// aclsDoc is a DescribeNetworkAcls response written by hand from the
// documented field names of DescribeNetworkAclsResponseBody (RequestId,
// TotalCount, PageNumber, PageSize as strings, NetworkAcls.NetworkAcl[]
// with NetworkAclId, NetworkAclName, Description, VpcId, RegionId,
// OwnerId, Status, CreationTime, Tags, IngressAclEntries.IngressAclEntry[],
// EgressAclEntries.EgressAclEntry[], Resources.Resource[]) and the value
// sets of UpdateNetworkAclEntries (protocols, policies, IpVersion, Port
// forms, a prefix list ID in DestinationCidrIp). The values are made up.
// The "system" entries stand for entries the cloud adds; what such entries
// really match is not documented, so their contents are invented too. The
// second ACL has an entry of the older shape, without EntryType and
// IpVersion, and an empty egress list as an SDK prints it.
const aclsDoc = `{
  "RequestId": "F7DDDC17-FA06-4AC2-8F35-59D2470FCFC1",
  "TotalCount": "2", "PageNumber": "1", "PageSize": "10",
  "NetworkAcls": {
    "NetworkAcl": [
      {
        "NetworkAclId": "nacl-bp1workers",
        "NetworkAclName": "ack-workers",
        "Description": "worker vSwitches",
        "VpcId": "vpc-bp1opxu1zkhn00gzv",
        "RegionId": "cn-hangzhou",
        "OwnerId": 253460731706911258,
        "Status": "Available",
        "CreationTime": "2024-05-01 08:00:00",
        "Tags": {"Tag": [{"Key": "env", "Value": "prod"}]},
        "IngressAclEntries": {
          "IngressAclEntry": [
            {"NetworkAclEntryId": "nae-bp1ssh", "NetworkAclEntryName": "ssh", "EntryType": "custom", "IpVersion": "IPv4",
             "Policy": "accept", "Protocol": "tcp", "SourceCidrIp": "10.0.8.0/24", "Port": "22/22", "Description": "bastion ssh"},
            {"NetworkAclEntryId": "nae-bp1reply", "NetworkAclEntryName": "replies", "EntryType": "custom", "IpVersion": "IPv4",
             "Policy": "accept", "Protocol": "tcp", "SourceCidrIp": "0.0.0.0/0", "Port": "1024/65535", "Description": ""},
            {"NetworkAclEntryId": "nae-bp1ping", "NetworkAclEntryName": "", "EntryType": "custom", "IpVersion": "IPv4",
             "Policy": "accept", "Protocol": "icmp", "SourceCidrIp": "10.0.0.0/8", "Port": "-1/-1", "Description": ""},
            {"NetworkAclEntryId": "nae-bp1v6", "EntryType": "custom", "IpVersion": "IPv6",
             "Policy": "drop", "Protocol": "icmpv6", "SourceCidrIp": "2001:db8::/32", "Port": "-1/-1", "Description": ""},
            {"NetworkAclEntryId": "nae-bp1sys", "EntryType": "system", "IpVersion": "IPv4",
             "Policy": "drop", "Protocol": "all", "SourceCidrIp": "0.0.0.0/0", "Port": "-1/-1", "Description": ""}
          ]
        },
        "EgressAclEntries": {
          "EgressAclEntry": [
            {"NetworkAclEntryId": "nae-bp1dns", "EntryType": "custom", "IpVersion": "IPv4",
             "Policy": "accept", "Protocol": "udp", "DestinationCidrIp": "100.100.2.136", "Port": "53/53", "Description": "dns"},
            {"NetworkAclEntryId": "nae-bp1reg", "EntryType": "custom", "IpVersion": "IPv4",
             "Policy": "accept", "Protocol": "tcp", "DestinationCidrIp": "pl-bp1x1j1k5ykzq", "Port": "443/443", "Description": "registry"},
            {"NetworkAclEntryId": "nae-bp1gre", "EntryType": "custom", "IpVersion": "IPv4",
             "Policy": "drop", "Protocol": "gre", "DestinationCidrIp": "0.0.0.0/0", "Port": "-1/-1", "Description": ""},
            {"NetworkAclEntryId": "nae-bp1sys6", "EntryType": "system", "IpVersion": "IPv6",
             "Policy": "accept", "Protocol": "all", "DestinationCidrIp": "::/0", "Port": "-1/-1", "Description": "IPv6 default"}
          ]
        },
        "Resources": {"Resource": [
          {"ResourceId": "vsw-bp1a", "ResourceType": "VSwitch", "Status": "BINDED"},
          {"ResourceId": "vsw-bp1b", "ResourceType": "VSwitch", "Status": "BINDING"}
        ]}
      },
      {
        "NetworkAclId": "nacl-bp1legacy",
        "NetworkAclName": "",
        "VpcId": "vpc-bp1opxu1zkhn00gzv",
        "Status": "Available",
        "IngressAclEntries": {"IngressAclEntry": [
          {"NetworkAclEntryId": "nae-bp1old", "Policy": "accept", "Protocol": "all", "SourceCidrIp": "192.168.0.0/16", "Port": "-1/-1"}
        ]},
        "EgressAclEntries": {},
        "Resources": {"Resource": []}
      }
    ]
  }
}`

func aclOrigin(doc, path, id, note string) sgsim.Origin {
	return sgsim.Origin{Vendor: "alibaba", Document: doc, Record: id, Path: path, Note: note}
}

// wantACLs is what aclsDoc reads to, written out by hand.
func wantACLs() []sgsim.Group {
	in := func(i int) string {
		return fmt.Sprintf("NetworkAcls.NetworkAcl[0].IngressAclEntries.IngressAclEntry[%d]", i)
	}
	out := func(i int) string {
		return fmt.Sprintf("NetworkAcls.NetworkAcl[0].EgressAclEntries.EgressAclEntry[%d]", i)
	}
	a := sgsim.MustParseAddrs
	o := func(path, id, note string) sgsim.Origin { return aclOrigin(DocACLs, path, id, note) }
	return []sgsim.Group{
		{ID: "nacl-bp1workers", Name: "ack-workers", Rules: []sgsim.Rule{
			{ID: "nae-bp1ssh", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP,
				Src: a("10.0.8.0/24"), DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: o(in(0), "nae-bp1ssh", "bastion ssh")},
			{ID: "nae-bp1reply", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 2, Family: sgsim.IPv4, Protocol: sgsim.TCP,
				Src: a("0.0.0.0/0"), DstPorts: sgsim.Ports{{First: 1024, Last: 65535}}, Origin: o(in(1), "nae-bp1reply", "")},
			{ID: "nae-bp1ping", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 3, Family: sgsim.IPv4, Protocol: sgsim.ICMP,
				Src: a("10.0.0.0/8"), Origin: o(in(2), "nae-bp1ping", "")},
			{ID: "nae-bp1v6", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 4, Family: sgsim.IPv6, Protocol: sgsim.ICMPv6,
				Src: a("2001:db8::/32"), Origin: o(in(3), "nae-bp1v6", "")},
			{ID: "nae-bp1sys", Direction: sgsim.Ingress, Action: sgsim.Deny, Priority: 5, Family: sgsim.IPv4,
				Src: a("0.0.0.0/0"), Origin: o(in(4), "nae-bp1sys", "system entry")},
			{ID: "nae-bp1dns", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.UDP,
				Dst: a("100.100.2.136"), DstPorts: sgsim.Ports{sgsim.Port(53)}, Origin: o(out(0), "nae-bp1dns", "dns")},
			{ID: "nae-bp1reg", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 2, Family: sgsim.IPv4, Protocol: sgsim.TCP,
				RemoteList: "pl-bp1x1j1k5ykzq", DstPorts: sgsim.Ports{sgsim.Port(443)}, Origin: o(out(1), "nae-bp1reg", "registry")},
			{ID: "nae-bp1gre", Direction: sgsim.Egress, Action: sgsim.Deny, Priority: 3, Family: sgsim.IPv4, Protocol: sgsim.GRE,
				Dst: a("0.0.0.0/0"), Origin: o(out(2), "nae-bp1gre", "")},
			{ID: "nae-bp1sys6", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 4, Family: sgsim.IPv6,
				Dst: a("::/0"), Origin: o(out(3), "nae-bp1sys6", "system entry: IPv6 default")},
		}},
		{ID: "nacl-bp1legacy", Rules: []sgsim.Rule{
			{ID: "nae-bp1old", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4,
				Src: a("192.168.0.0/16"), Origin: o("NetworkAcls.NetworkAcl[1].IngressAclEntries.IngressAclEntry[0]", "nae-bp1old", "")},
		}},
	}
}

func TestReadNetworkAcls(t *testing.T) {
	got, err := ReadNetworkAcls(strings.NewReader(aclsDoc))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantACLs(), got, cmpAddrs); d != "" {
		t.Errorf("ReadNetworkAcls (-want +got):\n%s", d)
	}
	var b bytes.Buffer
	if err := WriteNetworkAcls(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNetworkAcls(&b)
	if err != nil {
		t.Fatalf("reading the written ACLs: %v\n%s", err, b.String())
	}
	// Written and read again, even the origins are the same: the writer
	// keeps the entry types and descriptions, and the paths are those of
	// DescribeNetworkAcls again.
	if d := cmp.Diff(got, back, cmpAddrs); d != "" {
		t.Errorf("read, write, read (-first +second):\n%s\n%s", d, b.String())
	}
}

// TestReadNetworkAclsEvaluate runs flows through the ACL read from aclsDoc
// with ACL semantics: first match in list order, the system entry in its
// place, no match denies.
func TestReadNetworkAclsEvaluate(t *testing.T) {
	gs, err := ReadNetworkAcls(strings.NewReader(aclsDoc))
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := sgsim.Resolve(gs[0], nil, map[string]sgsim.Addrs{"pl-bp1x1j1k5ykzq": sgsim.MustParseAddrs("47.96.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	l, err := sgsim.NewLinear(sgsim.ACL, resolved)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d    sgsim.Direction
		flow string
		want string // ID of the deciding entry, "" for the default deny
		act  sgsim.Action
	}{
		{sgsim.Ingress, "tcp 10.0.8.9:40000 -> 192.168.1.10:22", "nae-bp1ssh", sgsim.Allow},
		{sgsim.Ingress, "tcp 10.0.9.9:40000 -> 192.168.1.10:22", "nae-bp1sys", sgsim.Deny},
		{sgsim.Ingress, "tcp 8.8.8.8:443 -> 192.168.1.10:50000", "nae-bp1reply", sgsim.Allow},
		{sgsim.Ingress, "udp 10.1.2.3:53 -> 192.168.1.10:50000", "nae-bp1sys", sgsim.Deny},
		{sgsim.Ingress, "tcp [2001:db8::1]:4000 -> [2001:db8:1::1]:22", "", sgsim.Deny},
		{sgsim.Egress, "udp 192.168.1.10:50000 -> 100.100.2.136:53", "nae-bp1dns", sgsim.Allow},
		{sgsim.Egress, "tcp 192.168.1.10:50000 -> 47.96.3.4:443", "nae-bp1reg", sgsim.Allow},
		{sgsim.Egress, "tcp 192.168.1.10:50000 -> 47.97.3.4:443", "", sgsim.Deny},
		{sgsim.Egress, "tcp [2001:db8:1::1]:50000 -> [2001:db8::1]:443", "nae-bp1sys6", sgsim.Allow},
	} {
		v := l.Check(tc.d, sgsim.MustParseFlow(tc.flow))
		id := ""
		if v.Rule != nil {
			id = v.Rule.ID
		}
		if id != tc.want || v.Action != tc.act {
			t.Errorf("%v %s: %v; want %v by %q", tc.d, tc.flow, v, tc.act, tc.want)
		}
	}
}

// attrDoc is a DescribeNetworkAclAttributes response written by hand from
// DescribeNetworkAclAttributesResponseBody's field names, with made-up
// values.
const attrDoc = `{
  "RequestId": "F5905F9C-0161-4E72-9CB1-1F3F3CF6268A",
  "NetworkAclAttribute": {
    "NetworkAclId": "nacl-a2do9e413e0sp",
    "NetworkAclName": "acl-1",
    "RegionId": "cn-hangzhou",
    "VpcId": "vpc-a2d33rfpl72k5defr",
    "CreationTime": "2021-12-25 11:33:27",
    "Status": "Available",
    "OwnerId": 25460731706,
    "IngressAclEntries": {"IngressAclEntry": [
      {"NetworkAclEntryId": "nae-a2dk86arlydmevfbg", "NetworkAclEntryName": "acl-2", "EntryType": "custom", "IpVersion": "IPv4",
       "Policy": "accept", "Protocol": "all", "SourceCidrIp": "10.0.0.0/24", "Port": "-1/-1", "Description": "This is IngressAclEntries."}
    ]},
    "EgressAclEntries": {"EgressAclEntry": [
      {"NetworkAclEntryId": "nae-a2d447uw4tip542", "NetworkAclEntryName": "acl-3", "EntryType": "custom", "IpVersion": "IPv4",
       "Policy": "accept", "Protocol": "all", "DestinationCidrIp": "0.0.0.0/0", "Port": "-1/-1", "Description": "This is EgressAclEntries."}
    ]},
    "Resources": {"Resource": [{"ResourceId": "vsw-bp1de348lntdw", "ResourceType": "VSwitch", "Status": "BINDED"}]},
    "Tags": {"Tag": []}
  }
}`

func TestReadNetworkAclAttributes(t *testing.T) {
	got, err := ReadNetworkAcls(strings.NewReader(attrDoc))
	if err != nil {
		t.Fatal(err)
	}
	o := func(path, id, note string) sgsim.Origin { return aclOrigin(DocACLAttributes, path, id, note) }
	want := []sgsim.Group{{ID: "nacl-a2do9e413e0sp", Name: "acl-1", Rules: []sgsim.Rule{
		{ID: "nae-a2dk86arlydmevfbg", Direction: sgsim.Ingress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4,
			Src:    sgsim.MustParseAddrs("10.0.0.0/24"),
			Origin: o("NetworkAclAttribute.IngressAclEntries.IngressAclEntry[0]", "nae-a2dk86arlydmevfbg", "This is IngressAclEntries.")},
		{ID: "nae-a2d447uw4tip542", Direction: sgsim.Egress, Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4,
			Dst:    sgsim.MustParseAddrs("0.0.0.0/0"),
			Origin: o("NetworkAclAttribute.EgressAclEntries.EgressAclEntry[0]", "nae-a2d447uw4tip542", "This is EgressAclEntries.")},
	}}}
	if d := cmp.Diff(want, got, cmpAddrs); d != "" {
		t.Errorf("ReadNetworkAcls (-want +got):\n%s", d)
	}
}

func TestReadNetworkAclBindings(t *testing.T) {
	got, err := ReadNetworkAclBindings(strings.NewReader(aclsDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Binding{
		{ACL: "nacl-bp1workers", ResourceID: "vsw-bp1a", ResourceType: "VSwitch", Status: "BINDED"},
		{ACL: "nacl-bp1workers", ResourceID: "vsw-bp1b", ResourceType: "VSwitch", Status: "BINDING"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadNetworkAclBindings (-want +got):\n%s", d)
	}
	got, err = ReadNetworkAclBindings(strings.NewReader(attrDoc))
	if err != nil {
		t.Fatal(err)
	}
	want = []Binding{{ACL: "nacl-a2do9e413e0sp", ResourceID: "vsw-bp1de348lntdw", ResourceType: "VSwitch", Status: "BINDED"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadNetworkAclBindings (-want +got):\n%s", d)
	}
	// The bindings reader checks the rules too.
	_, err = ReadNetworkAclBindings(strings.NewReader(aclEntry(`Policy="allow"`)))
	if want := `alibaba: NetworkAclAttribute.IngressAclEntries.IngressAclEntry[0].Policy: "allow": want accept or drop`; err == nil || profiletest.ErrText(err) != want {
		t.Errorf("bad rule: error %v; want %s", err, want)
	}
}

// aclEntry builds a DescribeNetworkAclAttributes document with one ingress
// entry, an IPv4 tcp 22 accept from 10.0.0.0/8, with fields replaced or
// added ("Name=JSON;...", JSON "DELETE" removes the field). A field
// prefixed "egress:" goes to an egress entry instead, which is then the
// only entry.
func aclEntry(extra string) string {
	base := map[string]string{"NetworkAclEntryId": `"nae-1"`, "EntryType": `"custom"`, "IpVersion": `"IPv4"`,
		"Policy": `"accept"`, "Protocol": `"tcp"`, "SourceCidrIp": `"10.0.0.0/8"`, "Port": `"22/22"`}
	order := []string{"NetworkAclEntryId", "EntryType", "IpVersion", "Policy", "Protocol", "SourceCidrIp", "Port"}
	egress := false
	for _, kv := range strings.Split(extra, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if rest, ok := strings.CutPrefix(k, "egress:"); ok {
			k, egress = rest, true
		}
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
	entry := "{" + strings.Join(parts, ", ") + "}"
	in, out := entry, ""
	if egress {
		in, out = "", entry
	}
	return `{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {"IngressAclEntry": [` + in +
		`]}, "EgressAclEntries": {"EgressAclEntry": [` + out + `]}}}`
}

// TestReadNetworkAclsValues: the entries that read without error read to
// the right values (case-insensitive names, GRE, prefix lists).
func TestReadNetworkAclsValues(t *testing.T) {
	for _, tc := range []struct {
		extra string
		want  string // the rule in text form
		list  string // RemoteList
	}{
		{`Protocol="TCP";Policy="Drop";EntryType="Custom";IpVersion="ipv4"`, "ingress deny tcp 22 from 10.0.0.0/8 ipv4 priority 1", ""},
		{`Protocol="gre";Port="-1/-1"`, "ingress allow gre from 10.0.0.0/8 ipv4 priority 1", ""},
		{`SourceCidrIp="pl-1";IpVersion=DELETE`, "ingress allow tcp 22 from group pl-1 priority 1", "pl-1"},
	} {
		gs, err := ReadNetworkAcls(strings.NewReader(aclEntry(tc.extra)))
		if err != nil {
			t.Errorf("%s: %v", tc.extra, err)
			continue
		}
		if len(gs) != 1 || len(gs[0].Rules) != 1 {
			t.Errorf("%s: %d groups; want 1 with 1 rule: %v", tc.extra, len(gs), gs)
			continue
		}
		r := gs[0].Rules[0]
		if r.RemoteList != tc.list {
			t.Errorf("%s: RemoteList %q; want %q", tc.extra, r.RemoteList, tc.list)
		}
		r.ID, r.RemoteList, r.Origin = "", "", sgsim.Origin{}
		if got := r.String(); got != strings.Replace(tc.want, " from group pl-1", "", 1) {
			t.Errorf("%s: read %q; want %q", tc.extra, got, tc.want)
		}
	}
}

func TestReadNetworkAclsErrors(t *testing.T) {
	const at = `alibaba: NetworkAclAttribute.IngressAclEntries.IngressAclEntry[0].`
	const eg = `alibaba: NetworkAclAttribute.EgressAclEntries.EgressAclEntry[0].`
	list := func(acls string) string { return `{"NetworkAcls": {"NetworkAcl": [` + acls + `]}}` }
	const acl1 = `{"NetworkAclId": "nacl-1", "IngressAclEntries": {}, "EgressAclEntries": {}}`
	for _, tc := range []struct{ doc, want string }{
		{aclEntry(``), ``},
		{aclEntry(`Protocol="TCP";Policy="Drop";EntryType="Custom";IpVersion="ipv4"`), ``},
		{aclEntry(`Protocol="sctp"`), at + `Protocol: "sctp": want icmp, icmpv6, gre, tcp, udp or all`},
		{aclEntry(`Protocol="6"`), at + `Protocol: "6": want icmp, icmpv6, gre, tcp, udp or all`},
		{aclEntry(`Protocol=""`), at + `Protocol: "": want icmp, icmpv6, gre, tcp, udp or all`},
		{aclEntry(`Policy="allow"`), at + `Policy: "allow": want accept or drop`},
		{aclEntry(`Policy=DELETE`), at + `Policy: "": want accept or drop`},
		{aclEntry(`Protocol="icmp"`), at + `Port: "22/22": protocol icmp has no ports; want "-1/-1"`},
		{aclEntry(`Protocol="all";Port="1/65535"`), at + `Port: "1/65535": protocol any has no ports; want "-1/-1"`},
		{aclEntry(`Protocol="gre";Port="-1/-1"`), ``},
		{aclEntry(`Port="0/65536"`), at + `Port: "0/65536": want ports 1-65535, or "-1/-1" for all`},
		{aclEntry(`Port="1/65536"`), at + `Port: "1/65536": want ports 1-65535, or "-1/-1" for all`},
		{aclEntry(`Port="80-90"`), at + `Port: "80-90": want "FROM/TO"`},
		{aclEntry(`Port="90/80"`), at + `Port: "90/80": first port above last port`},
		{aclEntry(`Port=22`), at + `Port: 22: want a string`},
		{aclEntry(`SourceCidrIp="10.0.0.0/33"`), at + `SourceCidrIp: "10.0.0.0/33": want an IP address or CIDR block`},
		{aclEntry(`SourceCidrIp="10.0.0.1/8"`), at + `SourceCidrIp: "10.0.0.1/8": host bits set; want 10.0.0.0/8`},
		{aclEntry(`SourceCidrIp=""`), at + `SourceCidrIp: "": missing; want a CIDR block or a prefix list ID`},
		{aclEntry(`IpVersion="IPv6"`), at + `SourceCidrIp: "10.0.0.0/8": want an IPv6 address or CIDR block (IpVersion "IPv6")`},
		{aclEntry(`SourceCidrIp="2001:db8::/32"`), at + `SourceCidrIp: "2001:db8::/32": want an IPv4 address or CIDR block (IpVersion "IPv4")`},
		{aclEntry(`SourceCidrIp="2001:db8::/32";IpVersion=DELETE`), ``},
		{aclEntry(`IpVersion="IPv5"`), at + `IpVersion: "IPv5": want IPv4 or IPv6`},
		{aclEntry(`Protocol="icmpv6";Port="-1/-1"`), at + `Protocol: "icmpv6": an IPv4 entry; want icmp`},
		{aclEntry(`Protocol="icmp";Port="-1/-1";IpVersion="IPv6";SourceCidrIp="::/0"`), at + `Protocol: "icmp": an IPv6 entry; want icmpv6`},
		{aclEntry(`EntryType="default"`), at + `EntryType: "default": want custom, system or service`},
		{aclEntry(`EntryType="system"`), ``},
		{aclEntry(`EntryType="service"`), ``},
		{aclEntry(`DestinationCidrIp="192.168.0.0/16"`), at + `DestinationCidrIp: "192.168.0.0/16": an ingress entry matches the source address only; want ""`},
		{aclEntry(`egress:DestinationCidrIp="0.0.0.0/0"`), eg + `SourceCidrIp: "10.0.0.0/8": an egress entry matches the destination address only; want ""`},
		{aclEntry(`egress:DestinationCidrIp="0.0.0.0/0";SourceCidrIp=DELETE`), ``},
		{aclEntry(`egress:DestinationCidrIp=DELETE;SourceCidrIp=DELETE`), eg + `DestinationCidrIp: "": missing; want a CIDR block or a prefix list ID`},
		{aclEntry(`SourceCidrIp="pl-1";IpVersion=DELETE`), ``},
		{aclEntry(`NetworkAclEntryId=7`), at + `NetworkAclEntryId: 7: want a string`},
		{`{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {"IngressAclEntry": [
			{"NetworkAclEntryId": "nae-1", "Policy": "accept", "Protocol": "all", "SourceCidrIp": "10.0.0.0/8"}]},
			"EgressAclEntries": {"EgressAclEntry": [
			{"NetworkAclEntryId": "nae-1", "Policy": "accept", "Protocol": "all", "DestinationCidrIp": "10.0.0.0/8"}]}}}`,
			eg + `NetworkAclEntryId: "nae-1": entry ID also used at NetworkAclAttribute.IngressAclEntries.IngressAclEntry[0]`},
		{`{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "EgressAclEntries": {}}}`,
			`alibaba: NetworkAclAttribute.IngressAclEntries: missing; want {"IngressAclEntry": [...]}`},
		{`{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {"IngressAclEntry": {}}, "EgressAclEntries": {}}}`,
			`alibaba: NetworkAclAttribute.IngressAclEntries.IngressAclEntry: {}: want a JSON array`},
		{`{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {}, "EgressAclEntries": []}}`,
			`alibaba: NetworkAclAttribute.EgressAclEntries: []: want a JSON object`},
		{`{"NetworkAclAttribute": {"NetworkAclId": "", "IngressAclEntries": {}, "EgressAclEntries": {}}}`,
			`alibaba: NetworkAclAttribute.NetworkAclId: "": want the ID of the network ACL`},
		{`{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {}, "EgressAclEntries": {}, "Resources": {"Resource": [{"ResourceType": "VSwitch"}]}}}`,
			`alibaba: NetworkAclAttribute.Resources.Resource[0].ResourceId: "": want the ID of the bound resource`},
		{`{"NetworkAclAttribute": "nacl-1"}`, `alibaba: NetworkAclAttribute: "nacl-1": want a JSON object`},
		{`{"RequestId": "x"}`, `alibaba: top level: want "NetworkAclAttribute" (DescribeNetworkAclAttributes) or "NetworkAcls" (DescribeNetworkAcls)`},
		{`{"NetworkAclAttribute": ` + acl1 + `, "NetworkAcls": {}}`, `alibaba: top level: both NetworkAclAttribute and NetworkAcls; want one response`},
		{list(acl1 + "," + acl1), `alibaba: NetworkAcls.NetworkAcl[1].NetworkAclId: "nacl-1": network ACL given twice`},
		{list(`{"NetworkAclId": "nacl-2", "IngressAclEntries": {"IngressAclEntry": [{"Policy": "drop", "Protocol": "udp", "SourceCidrIp": "1.2.3.4", "Port": "53"}]}, "EgressAclEntries": {}}`),
			`alibaba: NetworkAcls.NetworkAcl[0].IngressAclEntries.IngressAclEntry[0].Port: "53": want "FROM/TO"`},
		{list(``), ``},
		{`{"NetworkAcls": {}}`, ``},
		{`{"NetworkAcls": {"NetworkAcl": {}}}`, `alibaba: NetworkAcls.NetworkAcl: {}: want a JSON array`},
		{`[]`, `alibaba: top level: []: want a JSON object`},
		{"{\"NetworkAcls\": {\"NetworkAcl\": [\n{\"NetworkAclId\": ", `alibaba: invalid JSON (byte offset 50): unexpected end of JSON input`},
		{`<DescribeNetworkAclsResponse>`, `alibaba: invalid JSON (byte offset 1): invalid character '<' looking for beginning of value`},
	} {
		_, err := ReadNetworkAcls(strings.NewReader(tc.doc))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ReadNetworkAcls(%s): %v; want no error", tc.doc, err)
		case tc.want == "":
		case err == nil:
			t.Errorf("ReadNetworkAcls(%s) = nil error; want %s", tc.doc, tc.want)
		case profiletest.ErrText(err) != tc.want:
			t.Errorf("ReadNetworkAcls(%s) error\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}

// TestReadNetworkAclsEntryKinds checks what the valid one-entry documents
// of TestReadNetworkAclsErrors read to.
func TestReadNetworkAclsEntryKinds(t *testing.T) {
	const at = "NetworkAclAttribute.IngressAclEntries.IngressAclEntry[0]"
	o := func(note string) sgsim.Origin { return aclOrigin(DocACLAttributes, at, "nae-1", note) }
	for _, tc := range []struct {
		extra string
		want  sgsim.Rule
	}{
		{`EntryType="system"`, sgsim.Rule{ID: "nae-1", Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP,
			Src: sgsim.MustParseAddrs("10.0.0.0/8"), DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: o("system entry")}},
		{`EntryType="Service";Description="cloud service"`, sgsim.Rule{ID: "nae-1", Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv4, Protocol: sgsim.TCP,
			Src: sgsim.MustParseAddrs("10.0.0.0/8"), DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: o("service entry: cloud service")}},
		{`EntryType=DELETE;IpVersion=DELETE;SourceCidrIp="2001:db8::/32";Policy="DROP";Port=""`, sgsim.Rule{ID: "nae-1", Action: sgsim.Deny, Priority: 1,
			Family: sgsim.IPv6, Protocol: sgsim.TCP, Src: sgsim.MustParseAddrs("2001:db8::/32"), Origin: o("")}},
		{`SourceCidrIp="pl-1";IpVersion=DELETE;Protocol="ALL";Port="-1/-1"`, sgsim.Rule{ID: "nae-1", Action: sgsim.Allow, Priority: 1,
			RemoteList: "pl-1", Origin: o("")}},
		{`SourceCidrIp="pl-1";IpVersion="IPv6"`, sgsim.Rule{ID: "nae-1", Action: sgsim.Allow, Priority: 1, Family: sgsim.IPv6, Protocol: sgsim.TCP,
			RemoteList: "pl-1", DstPorts: sgsim.Ports{sgsim.Port(22)}, Origin: o("")}},
	} {
		gs, err := ReadNetworkAcls(strings.NewReader(aclEntry(tc.extra)))
		if err != nil {
			t.Errorf("%s: %v", tc.extra, err)
			continue
		}
		want := []sgsim.Group{{ID: "nacl-1", Rules: []sgsim.Rule{tc.want}}}
		if d := cmp.Diff(want, gs, cmpAddrs); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.extra, d)
		}
	}
}

func TestWriteNetworkAclsErrors(t *testing.T) {
	r := func(s string) sgsim.Rule { return sgsim.MustParseRule(s) }
	g := func(rules ...sgsim.Rule) []sgsim.Group { return []sgsim.Group{{ID: "nacl-1", Rules: rules}} }
	badDir := func(r sgsim.Rule) sgsim.Rule { r.Direction = 2; return r }
	const at = `alibaba: write network ACL "nacl-1" rule `
	for _, tc := range []struct {
		gs   []sgsim.Group
		want string
	}{
		{[]sgsim.Group{{}}, `alibaba: write: a network ACL has no ID; NetworkAclId is required`},
		{[]sgsim.Group{{ID: "nacl-1"}, {ID: "nacl-1"}}, `alibaba: write network ACL "nacl-1": given twice`},
		{g(r("ingress allow tcp 22,80 from 10.0.0.0/8 id a")), at + `0 ("a"): ports 22,80: an Alibaba rule holds one range`},
		{g(r("ingress allow tcp 0-10 from 10.0.0.0/8")), at + `0 (""): ports 0-10: Alibaba ports are 1-65535`},
		{g(r("ingress allow icmp type 8 from 10.0.0.0/8")), at + `0 (""): ICMP type or code: Alibaba ACL entries match every ICMP message`},
		{g(r("ingress allow sctp from 10.0.0.0/8")), at + `0 (""): protocol sctp: an Alibaba ACL entry takes all, tcp, udp, icmp, icmpv6 or gre`},
		{g(r("ingress allow 89 from 10.0.0.0/8")), at + `0 (""): protocol 89: an Alibaba ACL entry takes all, tcp, udp, icmp, icmpv6 or gre`},
		{g(r("ingress allow tcp 22 from 10.0.0.0/8 sport 1024-65535")), at + `0 (""): source ports 1024-65535: Alibaba ACL entries match the destination port only`},
		{g(r("ingress allow tcp 22 from 10.0.0.0/8,192.168.0.0/16")), at + `0 (""): remote 10.0.0.0/8,192.168.0.0/16: want one address or CIDR block`},
		{g(r("ingress allow tcp 22 from 10.0.0.0/8 to 192.168.0.0/24")), at + `0 (""): local side 192.168.0.0/24: an Alibaba ACL entry restricts the remote side only`},
		{g(r("egress allow tcp 22 from 192.168.0.0/24 to 10.0.0.0/8")), at + `0 (""): local side 192.168.0.0/24: an Alibaba ACL entry restricts the remote side only`},
		{g(r("ingress allow tcp 22")), at + `0 (""): any remote of both families: an Alibaba ACL entry holds one IP version; write an IPv4 and an IPv6 rule`},
		{g(r("ingress allow any from group sg-1")), at + `0 (""): remote group sg-1: network ACL entries cannot reference security groups`},
		{g(r("ingress allow any from list al-1")), at + `0 (""): remote list "al-1": Alibaba ACL entries take prefix list IDs, "pl-..."`},
		{g(r("ingress allow any from 10.0.0.0/8 id x"), r("egress deny any to 10.0.0.0/8 id x")), at + `1 ("x"): entry ID also used by rule 0`},
		// Security group properties are an error, not left out.
		{[]sgsim.Group{{ID: "nacl-1", InnerAccess: sgsim.InnerAccept}}, `alibaba: write network ACL "nacl-1": inner access accept or advanced group: network ACLs have neither`},
		{[]sgsim.Group{{ID: "nacl-1", Advanced: true}}, `alibaba: write network ACL "nacl-1": inner access none or advanced group: network ACLs have neither`},
		// A rule of neither direction is an error, not left out.
		{g(r("ingress allow any from 10.0.0.0/8 id a"), badDir(r("ingress allow any from 10.0.0.0/8 id b"))), at + `1 ("b"): direction 2: want ingress or egress`},
	} {
		err := WriteNetworkAcls(&bytes.Buffer{}, tc.gs)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteNetworkAcls(%v) error\n got %v\nwant %s", tc.gs, err, tc.want)
		}
	}
}

// TestWriteNetworkAclsOrder: the writer lists each direction in evaluation
// order (ascending Priority, ties in slice order), so the ACL read back
// decides every flow as the one written; the numbers become positions.
func TestWriteNetworkAclsOrder(t *testing.T) {
	g := sgsim.Group{ID: "nacl-1", Rules: []sgsim.Rule{
		sgsim.MustParseRule("egress allow any to 0.0.0.0/0 priority 300 id e3"),
		sgsim.MustParseRule("ingress deny tcp 22 from 10.0.0.0/8 priority 200 id i2"),
		sgsim.MustParseRule("egress deny udp 53 to 10.0.0.0/8 priority 100 id e1"),
		sgsim.MustParseRule("ingress allow any from 10.0.0.0/8 priority 200 id i3"),
		sgsim.MustParseRule("ingress allow tcp 22 from 10.1.0.0/16 priority 5 id i1"),
	}}
	var b bytes.Buffer
	if err := WriteNetworkAcls(&b, []sgsim.Group{g}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNetworkAcls(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var got []string
	for _, r := range back[0].Rules {
		got = append(got, fmt.Sprintf("%s %v %d", r.ID, r.Direction, r.Priority))
	}
	want := []string{"i1 ingress 1", "i2 ingress 2", "i3 ingress 3", "e1 egress 1", "e3 egress 2"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("order read back (-want +got):\n%s\n%s", d, b.String())
	}
	if !strings.Contains(b.String(), `"TotalCount": "1"`) {
		t.Errorf("no TotalCount \"1\" in\n%s", b.String())
	}
}

// TestWriteNetworkAclsExtremePriorities: the order holds for priorities
// whose difference overflows an int.
func TestWriteNetworkAclsExtremePriorities(t *testing.T) {
	rule := func(s string, prio int) sgsim.Rule {
		r := sgsim.MustParseRule(s)
		r.Priority = prio
		return r
	}
	g := sgsim.Group{ID: "nacl-1", Rules: []sgsim.Rule{
		rule("ingress allow tcp 22 from 10.0.0.0/8 id mid", -1),
		rule("ingress deny any from 0.0.0.0/0 id last", math.MaxInt),
		rule("ingress deny tcp 22 from 10.0.0.0/24 id first", math.MinInt),
	}}
	var b bytes.Buffer
	if err := WriteNetworkAcls(&b, []sgsim.Group{g}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNetworkAcls(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var got []string
	for _, r := range back[0].Rules {
		got = append(got, fmt.Sprintf("%s %d", r.ID, r.Priority))
	}
	want := []string{"first 1", "mid 2", "last 3"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("order read back (-want +got):\n%s\n%s", d, b.String())
	}
}

// genACLRule draws a rule an Alibaba ACL entry can express, in the form
// ReadNetworkAcls gives it (Family always set for a CIDR remote, Priority
// filled in by the caller, Origin ignored).
func genACLRule(t *rapid.T, label string) sgsim.Rule {
	var r sgsim.Rule
	r.ID = rapid.SampledFrom([]string{"", "nae-" + label}).Draw(t, label+" id")
	r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	v6 := rapid.Bool().Draw(t, label+" v6")
	r.Family = sgsim.IPv4
	if v6 {
		r.Family = sgsim.IPv6
	}
	r.Protocol = rapid.SampledFrom([]sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE}).Draw(t, label+" proto")
	if r.Protocol == sgsim.ICMP && v6 {
		r.Protocol = sgsim.ICMPv6
	}
	if r.Protocol.HasPorts() && rapid.Bool().Draw(t, label+" dport") {
		r.DstPorts = genRange(t, label+" dport")
	}
	var remote sgsim.Addrs
	if rapid.IntRange(0, 4).Draw(t, label+" remote") == 0 {
		r.RemoteList = "pl-" + label
		if rapid.Bool().Draw(t, label+" list family") {
			r.Family = sgsim.AnyFamily
		}
	} else {
		remote = genPrefix(t, v6, label+" remote")
	}
	if r.Direction == sgsim.Ingress {
		r.Src = remote
	} else {
		r.Dst = remote
	}
	r.Origin.Note = rapid.SampledFrom([]string{"", "ssh", "system entry", "service entry: 多 \"quoted\""}).Draw(t, label+" note")
	return r
}

// genACL draws an ACL as ReadNetworkAcls gives it: ingress rules first,
// each direction numbered 1, 2, ...
func genACL(t *rapid.T, id string) sgsim.Group {
	g := sgsim.Group{ID: id, Name: rapid.SampledFrom([]string{"", "acl-" + id}).Draw(t, id+" name")}
	var in, out []sgsim.Rule
	for i := range rapid.IntRange(0, 6).Draw(t, id+" rules") {
		r := genACLRule(t, fmt.Sprintf("%s-%d", id, i))
		if r.Direction == sgsim.Ingress {
			r.Priority = len(in) + 1
			in = append(in, r)
		} else {
			r.Priority = len(out) + 1
			out = append(out, r)
		}
	}
	g.Rules = append(in, out...)
	return g
}

// TestNetworkAclsRoundTrip: ReadNetworkAcls(WriteNetworkAcls(gs)) == gs,
// Origin aside, for ACLs an Alibaba document can express; the origins read
// back name the document and path, and keep the entry type and note.
func TestNetworkAclsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var gs []sgsim.Group
		for i := range rapid.IntRange(0, 3).Draw(t, "acls") {
			gs = append(gs, genACL(t, fmt.Sprintf("nacl-%d", i)))
		}
		var b bytes.Buffer
		if err := WriteNetworkAcls(&b, gs); err != nil {
			t.Fatalf("WriteNetworkAcls: %v", err)
		}
		got, err := ReadNetworkAcls(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("ReadNetworkAcls: %v\n%s", err, b.String())
		}
		if d := cmp.Diff(gs, got, cmpAddrs, cmpopts.IgnoreFields(sgsim.Rule{}, "Origin"), cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip (-want +got):\n%s\n%s", d, b.String())
		}
		for i, g := range got {
			counts := [2]int{}
			for k, r := range g.Rules {
				dir, inner := "IngressAclEntries.IngressAclEntry", "ingress"
				if r.Direction == sgsim.Egress {
					dir, inner = "EgressAclEntries.EgressAclEntry", "egress"
				}
				path := fmt.Sprintf("NetworkAcls.NetworkAcl[%d].%s[%d]", i, dir, counts[r.Direction])
				counts[r.Direction]++
				want := aclOrigin(DocACLs, path, r.ID, gs[i].Rules[k].Origin.Note)
				if r.Origin != want {
					t.Fatalf("%s rule %d: origin %+v; want %+v", inner, k, r.Origin, want)
				}
			}
		}
		lists := map[string]sgsim.Addrs{}
		var resolved []sgsim.Group
		for _, g := range got {
			for _, r := range g.Rules {
				if r.RemoteList != "" {
					lists[r.RemoteList] = sgsim.MustParseAddrs("10.0.0.0/8,2001:db8::/32")
				}
			}
			rg, err := sgsim.Resolve(g, nil, lists)
			if err != nil {
				t.Fatal(err)
			}
			resolved = append(resolved, rg)
		}
		if _, err := sgsim.NewLinear(sgsim.ACL, resolved...); err != nil {
			t.Fatalf("read ACLs do not validate under ACL semantics: %v", err)
		}
	})
}

// TestWriteNetworkAclsRuleLimit: the writer refuses a direction with more
// rules than the reader numbers (32766, sgsim.ACL's highest), so a
// successful write always reads back.
func TestWriteNetworkAclsRuleLimit(t *testing.T) {
	for _, n := range []int{32766, 32767} {
		g := sgsim.Group{ID: "nacl-1"}
		for k := 1; k <= n; k++ {
			r := sgsim.MustParseRule("egress deny udp 53 to 10.0.0.0/8 ipv4")
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
		want := `alibaba: write network ACL "nacl-1": 32767 egress rules: more than 32766, which the reader (and sgsim.ACL) cannot number`
		if err == nil || err.Error() != want {
			t.Fatalf("%d rules: err = %v; want %s", n, err, want)
		}
	}
}

// TestReadNetworkAclsRuleLimit: the reader refuses the 32767th entry of a
// direction (sgsim.ACL numbers rules up to 32766) and names it, rather
// than returning a rule no ACL network accepts.
func TestReadNetworkAclsRuleLimit(t *testing.T) {
	entry := `{"Policy": "drop", "Protocol": "udp", "DestinationCidrIp": "10.0.0.0/8", "Port": "53/53"}`
	doc := func(n int) string {
		return `{"NetworkAclAttribute": {"NetworkAclId": "nacl-1", "IngressAclEntries": {}, "EgressAclEntries": {"EgressAclEntry": [` +
			strings.TrimSuffix(strings.Repeat(entry+",", n), ",") + `]}}}`
	}
	// 32766 entries read: TestWriteNetworkAclsRuleLimit reads them back.
	_, err := ReadNetworkAcls(strings.NewReader(doc(32767)))
	want := `alibaba: NetworkAclAttribute.EgressAclEntries.EgressAclEntry[32766]: entry 32767 of its direction; sgsim ACLs hold at most 32766`
	if err == nil || profiletest.ErrText(err) != want {
		t.Fatalf("32767 entries: err = %v; want %s", err, want)
	}
}
