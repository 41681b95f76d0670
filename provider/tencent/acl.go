package tencent

// Reading and writing Tencent Cloud VPC network ACL exports.
//
// ReadNetworkAcls reads the response of the VPC DescribeNetworkAcls
// operation (API version 2017-03-12), one group per ACL:
//
//	{"Response": {"NetworkAclSet": [{"VpcId": "vpc-...", "NetworkAclId": "acl-...",
//	    "NetworkAclName": "...", "NetworkAclType": "TRIPLE", "CreatedTime": "...",
//	    "SubnetSet": [...], "TagSet": [...],
//	    "IngressEntries": [{"Protocol": "TCP", "Port": "80-90",
//	      "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlock": "", "Action": "ACCEPT",
//	      "Description": "...", "ModifyTime": "...", "Priority": 1,
//	      "NetworkAclIpv4EntryId": "acli43-...", "NetworkAclIpv6EntryId": ""}, ...],
//	    "EgressEntries": [...]}, ...],
//	  "TotalCount": 1, "RequestId": "..."}}
//
// ReadNetworkAclQuintupleEntries reads the response of
// DescribeNetworkAclQuintupleEntries, the entries of one quintuple ACL
// (whose ID the caller passes, as the response does not hold it):
//
//	{"Response": {"NetworkAclQuintupleSet": [{"Protocol": "TCP",
//	    "Description": "...", "SourcePort": "80", "SourceCidr": "192.168.0.0/24",
//	    "DestinationPort": "80", "DestinationCidr": "192.168.0.0/24",
//	    "Action": "ACCEPT", "NetworkAclQuintupleEntryId": "acli45-...",
//	    "Priority": 1, "CreateTime": "...", "NetworkAclDirection": "EGRESS"}, ...],
//	  "TotalCount": 1, "RequestId": "..."}}
//
// As for ReadPolicies, the "Response" wrapper may be left out, and a
// Response.Error object is reported as an error. WriteNetworkAcls and
// WriteNetworkAclQuintupleEntries render groups back.
//
// Field names used, and where they were confirmed:
//   - DescribeNetworkAcls request and response (NetworkAclSet, TotalCount,
//     RequestId): https://www.tencentcloud.com/document/product/215/35620.
//   - NetworkAcl (VpcId, NetworkAclId, NetworkAclName, CreatedTime,
//     SubnetSet, IngressEntries, EgressEntries, NetworkAclType "TRIPLE" or
//     "QUINTUPLE", TagSet), NetworkAclEntry (ModifyTime, Protocol "TCP,
//     UDP, ICMP, ALL", Port "all, single port, range" and none for ALL and
//     ICMP, CidrBlock and Ipv6CidrBlock "mutually exclusive", Action
//     "ACCEPT or DROP", Description) and NetworkAclQuintupleEntry
//     (Protocol, Description, SourcePort, SourceCidr, DestinationPort,
//     DestinationCidr, Action, NetworkAclQuintupleEntryId, Priority "from
//     1", CreateTime, NetworkAclDirection "INGRESS or EGRESS"): the models
//     of tencentcloud-sdk-go (tencentcloud/vpc/v20170312/models.go) and of
//     the English .NET SDK (tencentcloud-sdk-dotnet-intl-en,
//     Vpc/V20170312/Models: NetworkAclEntry.cs, NetworkAclQuintupleEntry.cs
//     "Priority. 1 refers to the highest priority",
//     DescribeNetworkAclQuintupleEntriesResponse.cs with
//     NetworkAclQuintupleSet and TotalCount).
//   - NetworkAclEntry.Priority ("priority, from 1"),
//     NetworkAclIpv4EntryId and NetworkAclIpv6EntryId: the newer SDK
//     models (tencentcloud-sdk-java,
//     com/tencentcloudapi/vpc/v20170312/models/NetworkAclEntry.java, and
//     the same fields in a TypeScript declaration of the model) and the
//     DescribeNetworkAcls and DescribeNetworkAclQuintupleEntries examples
//     of tencentcloud-cli (tccli/examples/vpc/v20170312), which also show
//     the values as the API spells them: "all", "tcp", "Accept", "Drop".
//     No field named NetworkAclEntryId exists on NetworkAclEntry in any
//     model found; it is not read.
//   - Order and default entries: the product page "Network ACL"
//     (tencentyun/intlcloud-documents, 私有网络/产品简介/安全/网络 ACL_intl_en.md):
//     rules are matched "one by one from the top to the bottom of the
//     list", the first hit decides; every ACL has a fixed lowest-priority
//     inbound and outbound rule "All, All, 0.0.0.0/0, Reject"; network
//     ACLs are stateless.
//   - Port forms: the Terraform resource tencentcloud_vpc_acl ("80",
//     "80-90" or "ALL"; ALL for ICMP and ALL).
//
// Decisions, and what is unconfirmed:
//   - Order. Entries are read in list order, top first; Rule.Priority is
//     the entry's 1-based position in its direction's list (ingress and
//     egress counted apart), so that sgsim.ACL evaluates them as Tencent
//     does. The entries' own Priority field, when present, numbers IPv4
//     and IPv6 entries apart (the tccli example lists an IPv6 entry with
//     Priority 1 before IPv4 entries with Priority 1 and 2); it must be 1
//     or more and rise strictly, per family, down the list, or the read
//     fails: a list that is not in priority order cannot be read in list
//     order. Families never meet in one flow, so one count over both is
//     exact.
//   - Default entries. The API lists the fixed entries (the tccli examples
//     show a trailing "all 0.0.0.0/0 Drop" per direction, and the Terraform
//     provider filters "all 0.0.0.0/0 Drop" and "all ::/0 Accept" entries
//     out when it reads an ACL). They are kept as ordinary rules, never
//     dropped: a trailing deny-all decides as the implicit deny of
//     sgsim.ACL does, and the IPv6 one may be an ACCEPT, which dropping
//     would turn into a deny. The response has no flag that tells them
//     from a user's own entries. The writer writes the rules it is given
//     and adds none.
//   - Protocol is TCP, UDP, ICMP or ALL in any case; ICMPv6, GRE and
//     numbers are errors (undocumented for ACLs). ICMP on an IPv6 entry
//     is an error: whether Tencent matches ICMPv6 with it is unconfirmed.
//   - Port is "", "ALL" (any case), one port "80" or a range "80-90",
//     ports 1-65535; a list "80,443" is an error (documented for security
//     group policies only), and so is a port on ICMP or ALL. A JSON
//     whole number is read as its decimal text: the SDK models declare a
//     string, but the tccli DescribeNetworkAcls example (the vendor's own)
//     shows "Port": 8080.
//   - Action is ACCEPT or DROP in any case.
//   - CidrBlock must be IPv4 and Ipv6CidrBlock IPv6, an address or a
//     canonical CIDR block; an entry has exactly one. Unlike security group
//     policies, "0.0.0.0/n" is not widened to 0.0.0.0/0 (unconfirmed for
//     ACLs). The remote (Src for ingress, Dst for egress) is that block;
//     the subnet side is any.
//   - Rule.ID and Origin.Record are NetworkAclIpv4EntryId or
//     NetworkAclIpv6EntryId ("" when absent); an IPv4 entry with an IPv6
//     ID (or the reverse), both IDs, or an ID used twice in one ACL is an
//     error. Origin.Note is the Description, verbatim; Origin.Path is e.g.
//     "Response.NetworkAclSet[0].IngressEntries[2]". Group.ID is
//     NetworkAclId (required, unique), Group.Name NetworkAclName.
//   - NetworkAclType "" (absent in older responses) or "TRIPLE" is read;
//     "QUINTUPLE" is an error, since such an ACL's entries come from
//     DescribeNetworkAclQuintupleEntries (ReadNetworkAclQuintupleEntries)
//     and reading it here as an ACL without entries would deny everything.
//     Other values are errors (one tccli example shows "1").
//   - IngressEntries and EgressEntries must be present ([] for none): an
//     ACL listed without its entries (the request seems to choose, with a
//     NeedNetworkAclEntryInfo parameter seen in a tccli example; its
//     meaning is unconfirmed) cannot be told from an ACL without entries.
//   - TotalCount is not checked by ReadNetworkAcls: a page of ACLs holds
//     each ACL whole. ReadNetworkAclQuintupleEntries fails when TotalCount
//     differs from the number of entries listed, since a page of one ACL's
//     entries would leave rules out.
//   - Quintuple entries: Rule.Priority is the Priority field, required,
//     0-32766 (the documentation says entries start at 1, the tccli example
//     shows 0; 32766 is sgsim.ACL's highest), distinct per direction;
//     Direction is NetworkAclDirection INGRESS or EGRESS (any case); Src
//     and SrcPorts are SourceCidr and SourcePort, Dst and DstPorts
//     DestinationCidr and DestinationPort, whatever the direction. Both
//     CIDRs are required (the documentation does not say that an empty one
//     means any), of either family, the same for both. Rule.ID and
//     Origin.Record are NetworkAclQuintupleEntryId, distinct when set.
//     Rules keep the list order; sgsim.ACL orders them by Priority.
//   - Whether the ACL is stateful is the network's choice
//     (sgsim.Semantics.StatefulACL), not the reader's.
//
// Unknown fields are ignored; an unknown value of a known field is an
// error. Every error is an *Error naming the JSON path and the offending
// value. All errors of a document come at once, as a *read.Errors
// listing each with its line and column; a key given twice in one object
// (or twice but for case) and invalid UTF-8 are errors anywhere. With
// read.SkipInvalid the bad entries are skipped and listed in the
// read.Report (an ACL record with a bad field of its own is skipped with
// its entries); the records counted are the entries.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/internal/netx"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
)

// API operation names, as Origin.Document of the rules read.
const (
	DocNetworkAcls = "DescribeNetworkAcls"
	DocQuintuple   = "DescribeNetworkAclQuintupleEntries"
)

// maxACLPriority is the highest rule number sgsim.ACL takes.
const maxACLPriority = 32766

type apiACL struct {
	NetworkAclID   json.RawMessage `json:"NetworkAclId"`
	NetworkAclName json.RawMessage `json:"NetworkAclName"`
	NetworkAclType json.RawMessage `json:"NetworkAclType"`
	IngressEntries json.RawMessage `json:"IngressEntries"`
	EgressEntries  json.RawMessage `json:"EgressEntries"`
}

// apiACLEntry holds one NetworkAclEntry, every field raw so that a value
// of the wrong JSON type is reported with its path and text.
type apiACLEntry struct {
	Protocol      json.RawMessage `json:"Protocol"`
	Port          json.RawMessage `json:"Port"`
	CidrBlock     json.RawMessage `json:"CidrBlock"`
	Ipv6CidrBlock json.RawMessage `json:"Ipv6CidrBlock"`
	Action        json.RawMessage `json:"Action"`
	Description   json.RawMessage `json:"Description"`
	Priority      json.RawMessage `json:"Priority"`
	Ipv4EntryID   json.RawMessage `json:"NetworkAclIpv4EntryId"`
	Ipv6EntryID   json.RawMessage `json:"NetworkAclIpv6EntryId"`
}

type apiQuintuple struct {
	Protocol        json.RawMessage `json:"Protocol"`
	Description     json.RawMessage `json:"Description"`
	SourcePort      json.RawMessage `json:"SourcePort"`
	SourceCidr      json.RawMessage `json:"SourceCidr"`
	DestinationPort json.RawMessage `json:"DestinationPort"`
	DestinationCidr json.RawMessage `json:"DestinationCidr"`
	Action          json.RawMessage `json:"Action"`
	EntryID         json.RawMessage `json:"NetworkAclQuintupleEntryId"`
	Priority        json.RawMessage `json:"Priority"`
	Direction       json.RawMessage `json:"NetworkAclDirection"`
}

// ReadNetworkAcls reads a response of the VPC DescribeNetworkAcls
// operation (API version 2017-03-12), with or without the "Response"
// wrapper:
//
//	{"Response": {"NetworkAclSet": [{"NetworkAclId": "acl-...", "NetworkAclName": "...",
//	    "NetworkAclType": "TRIPLE", "VpcId": "...", "CreatedTime": "...", "SubnetSet": [...], "TagSet": [...],
//	    "IngressEntries": [{"Protocol": "TCP|UDP|ICMP|ALL", "Port": "ALL|80|80-90",
//	      "CidrBlock": "...", "Ipv6CidrBlock": "...", "Action": "ACCEPT|DROP", "Description": "...",
//	      "ModifyTime": "...", "Priority": 1, "NetworkAclIpv4EntryId": "...", "NetworkAclIpv6EntryId": "..."}],
//	    "EgressEntries": [...]}], "TotalCount": 1, "RequestId": "..."}}
//
// It returns one group per ACL, in list order: ID NetworkAclId, Name
// NetworkAclName, the ingress entries then the egress entries, each in
// list order with Priority its 1-based position in its list, to be
// evaluated with sgsim.ACL semantics (first match, no match denies). The
// fixed default entries, when listed, are kept as rules.
//
// The response, NetworkAcl and NetworkAclEntry field names were confirmed
// on https://www.tencentcloud.com/document/product/215/35620 (the
// response), in the vpc v20170312 models of tencentcloud-sdk-go and
// tencentcloud-sdk-dotnet-intl-en, and, for Priority and the two entry
// IDs, in the newer SDK models and the tccli examples; the list order and
// the default entries on Tencent's "Network ACL" product page. The
// comment at the top of acl.go lists the sources field by field and every
// decision taken where they are silent.
func ReadNetworkAcls(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	doc, data, err := open(r, opts)
	if err != nil {
		return nil, err
	}
	gs := readNetworkAcls(doc, data)
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return gs, nil
}

func readNetworkAcls(doc *jsonx.Doc, data []byte) []sgsim.Group {
	prefix, top, ok := readTop(doc, data)
	if !ok {
		return nil
	}
	setPath := jsonx.Join(prefix, "NetworkAclSet")
	if jsonx.IsNull(top.NetworkAclSet) {
		doc.Fail(&Error{Path: setPath, Msg: `missing; want the DescribeNetworkAcls response {"Response": {"NetworkAclSet": [...]}}`})
		return nil
	}
	acls, err := dec.Array(setPath, top.NetworkAclSet)
	if err != nil {
		doc.Fail(err)
		return nil
	}
	var gs []sgsim.Group
	seen := map[string]int{}
	for i, raw := range acls {
		path := jsonx.Index(setPath, i)
		g, lists, err := readACLHead(path, raw)
		if err == nil {
			if j, dup := seen[g.ID]; dup {
				err = &Error{Path: path + ".NetworkAclId", Value: strconv.Quote(g.ID), Msg: "also the ID of " + jsonx.Index(setPath, j) + "; want distinct ACLs"}
			} else {
				seen[g.ID] = i
			}
		}
		if doc.Container(path, err, path+".IngressEntries", path+".EgressEntries") {
			continue
		}
		readACLEntries(doc, path, &g, lists)
		gs = append(gs, g)
	}
	return gs
}

// readACLHead reads an ACL record's own fields and returns its ingress
// and egress entry records.
func readACLHead(path string, raw json.RawMessage) (sgsim.Group, [2][]json.RawMessage, error) {
	var g sgsim.Group
	var lists [2][]json.RawMessage
	var a apiACL
	if err := dec.Object(path, raw, &a); err != nil {
		return g, lists, err
	}
	f := dec.Fields(path)
	g.ID = f.Str("NetworkAclId", a.NetworkAclID)
	g.Name = f.Str("NetworkAclName", a.NetworkAclName)
	typ := f.Str("NetworkAclType", a.NetworkAclType)
	if f.Err != nil {
		return g, lists, f.Err
	}
	if g.ID == "" {
		return g, lists, &Error{Path: path + ".NetworkAclId", Msg: "missing or empty; want the ACL ID"}
	}
	switch strings.ToUpper(typ) {
	case "", "TRIPLE":
	case "QUINTUPLE":
		return g, lists, &Error{Path: path + ".NetworkAclType", Value: strconv.Quote(typ),
			Msg: "a quintuple ACL: its entries are not in this response; read its DescribeNetworkAclQuintupleEntries response with ReadNetworkAclQuintupleEntries"}
	default:
		return g, lists, &Error{Path: path + ".NetworkAclType", Value: strconv.Quote(typ), Msg: "want TRIPLE or QUINTUPLE"}
	}
	for k, d := range []struct {
		name string
		raw  json.RawMessage
	}{{"IngressEntries", a.IngressEntries}, {"EgressEntries", a.EgressEntries}} {
		listPath := path + "." + d.name
		if jsonx.IsNull(d.raw) {
			return g, lists, &Error{Path: listPath, Msg: "missing; want the entry list ([] for none): an ACL listed without its entries cannot be read"}
		}
		recs, err := dec.Array(listPath, d.raw)
		if err != nil {
			return g, lists, err
		}
		lists[k] = recs
	}
	return g, lists, nil
}

// readACLEntries reads the entry records of the ACL at path into g.
func readACLEntries(doc *jsonx.Doc, path string, g *sgsim.Group, lists [2][]json.RawMessage) {
	ids := map[string]string{}
	for k, d := range []struct {
		name string
		dir  sgsim.Direction
	}{{"IngressEntries", sgsim.Ingress}, {"EgressEntries", sgsim.Egress}} {
		listPath := path + "." + d.name
		// The last Priority field seen per family (0 IPv4, 1 IPv6), and where.
		var last [2]int
		lastAt := [2]string{}
		for i, rec := range lists[k] {
			epath := jsonx.Index(listPath, i)
			r, err := readACLEntryAt(epath, i+1, d.dir, rec, &last, &lastAt, ids)
			if doc.Record(epath, err) {
				continue
			}
			g.Rules = append(g.Rules, r)
		}
	}
}

// readACLEntryAt reads the entry at position pos and checks it against
// the entries before it: the last Priority per family and the IDs used.
func readACLEntryAt(epath string, pos int, dir sgsim.Direction, rec json.RawMessage, last *[2]int, lastAt *[2]string, ids map[string]string) (sgsim.Rule, error) {
	if pos > maxACLPriority {
		return sgsim.Rule{}, &Error{Path: epath, Msg: "more than " + strconv.Itoa(maxACLPriority) + " entries in one direction; sgsim.ACL numbers rules up to " + strconv.Itoa(maxACLPriority)}
	}
	r, v6, prio, err := readACLEntry(epath, pos, dir, rec)
	if err != nil {
		return r, err
	}
	fam := 0
	if v6 {
		fam = 1
	}
	if prio > 0 {
		if lastAt[fam] != "" && prio <= last[fam] {
			return r, &Error{Path: epath + ".Priority", Value: strconv.Itoa(prio),
				Msg: "not above Priority " + strconv.Itoa(last[fam]) + " of " + lastAt[fam] + ", the entry of its family before it; entries are read in list order, so the list must be in priority order"}
		}
		last[fam], lastAt[fam] = prio, epath
	}
	if r.ID != "" {
		if at, dup := ids[r.ID]; dup {
			return r, &Error{Path: epath + "." + entryIDField(v6), Value: strconv.Quote(r.ID), Msg: "also the ID of " + at + "; want distinct IDs"}
		}
		ids[r.ID] = epath
	}
	return r, nil
}

func entryIDField(v6 bool) string {
	if v6 {
		return "NetworkAclIpv6EntryId"
	}
	return "NetworkAclIpv4EntryId"
}

// readACLEntry reads one NetworkAclEntry at position pos (1-based) of its
// list. It returns whether the entry is IPv6, and its Priority field (0
// when absent).
func readACLEntry(path string, pos int, dir sgsim.Direction, raw json.RawMessage) (sgsim.Rule, bool, int, error) {
	r := sgsim.Rule{Direction: dir, Priority: pos}
	var a apiACLEntry
	if err := dec.Object(path, raw, &a); err != nil {
		return r, false, 0, err
	}
	f := dec.Fields(path)
	proto := f.Str("Protocol", a.Protocol)
	port := f.StrNum("Port", a.Port)
	cidr4 := f.Str("CidrBlock", a.CidrBlock)
	cidr6 := f.Str("Ipv6CidrBlock", a.Ipv6CidrBlock)
	action := f.Str("Action", a.Action)
	desc := f.Str("Description", a.Description)
	id4 := f.Str("NetworkAclIpv4EntryId", a.Ipv4EntryID)
	id6 := f.Str("NetworkAclIpv6EntryId", a.Ipv6EntryID)
	if f.Err != nil {
		return r, false, 0, f.Err
	}
	prio, hasPrio, err := dec.Int(path+".Priority", a.Priority, false)
	if err != nil {
		return r, false, 0, err
	}
	if hasPrio && prio < 1 {
		return r, false, 0, &Error{Path: path + ".Priority", Value: jsonx.Short(a.Priority), Msg: "want a priority 1 or more"}
	}
	bad := func(field, value, msg string) error {
		return &Error{Path: path + "." + field, Value: strconv.Quote(value), Msg: msg}
	}
	if r.Protocol, err = parseACLProtocol(proto); err != nil {
		return r, false, 0, bad("Protocol", proto, err.Error())
	}
	if r.DstPorts, err = parseACLPort(port); err != nil {
		return r, false, 0, bad("Port", port, err.Error())
	}
	if r.DstPorts != nil && !r.Protocol.HasPorts() {
		return r, false, 0, bad("Port", port, "protocol "+r.Protocol.String()+" has no ports; want ALL")
	}
	var ok bool
	if r.Action, ok = parseAction(action); !ok {
		return r, false, 0, bad("Action", action, "want ACCEPT or DROP")
	}
	switch {
	case cidr4 != "" && cidr6 != "":
		return r, false, 0, bad("Ipv6CidrBlock", cidr6, "CidrBlock "+strconv.Quote(cidr4)+" is also set; an entry has one of CidrBlock and Ipv6CidrBlock")
	case cidr4 == "" && cidr6 == "":
		return r, false, 0, &Error{Path: path, Msg: "no CidrBlock or Ipv6CidrBlock; an entry has one"}
	}
	v6 := cidr6 != ""
	field, text := "CidrBlock", cidr4
	if v6 {
		field, text = "Ipv6CidrBlock", cidr6
	}
	p, msg := familyPrefix(text, v6)
	if msg != "" {
		return r, v6, 0, bad(field, text, msg)
	}
	if r.Protocol == sgsim.ICMP && v6 {
		return r, v6, 0, bad("Protocol", proto, "ICMP on an IPv6 entry: unconfirmed whether Tencent matches ICMPv6 with it; not read")
	}
	switch {
	case id4 != "" && id6 != "":
		return r, v6, 0, bad("NetworkAclIpv6EntryId", id6, "NetworkAclIpv4EntryId "+strconv.Quote(id4)+" is also set; an entry has one ID")
	case id4 != "" && v6:
		return r, v6, 0, bad("NetworkAclIpv4EntryId", id4, "an IPv4 entry ID on an IPv6 entry (Ipv6CidrBlock); want NetworkAclIpv6EntryId")
	case id6 != "" && !v6:
		return r, v6, 0, bad("NetworkAclIpv6EntryId", id6, "an IPv6 entry ID on an IPv4 entry (CidrBlock); want NetworkAclIpv4EntryId")
	}
	r.ID = id4 + id6
	if dir == sgsim.Ingress {
		r.Src = sgsim.PrefixAddrs(p)
	} else {
		r.Dst = sgsim.PrefixAddrs(p)
	}
	r.Origin = sgsim.Origin{Vendor: "tencent", Document: DocNetworkAcls, Record: r.ID, Path: path, Note: desc}
	return r, v6, prio, dec.Validate(path, &r)
}

// ReadNetworkAclQuintupleEntries reads a response of the VPC
// DescribeNetworkAclQuintupleEntries operation (API version 2017-03-12),
// with or without the "Response" wrapper:
//
//	{"Response": {"NetworkAclQuintupleSet": [{"Protocol": "TCP|UDP|ICMP|ALL",
//	    "SourcePort": "ALL|80|80-90", "SourceCidr": "...", "DestinationPort": "...",
//	    "DestinationCidr": "...", "Action": "ACCEPT|DROP", "Description": "...",
//	    "NetworkAclQuintupleEntryId": "...", "Priority": 1, "CreateTime": "...",
//	    "NetworkAclDirection": "INGRESS|EGRESS"}], "TotalCount": 1, "RequestId": "..."}}
//
// It returns the entries as the group aclID (the request's NetworkAclId,
// which the response does not hold), in list order, with Priority the
// entries' Priority field (1 first), Src/SrcPorts from the source fields
// and Dst/DstPorts from the destination fields, to be evaluated with
// sgsim.ACL semantics. A TotalCount other than the number of entries
// listed (a page) is an error.
//
// The field names were confirmed in the NetworkAclQuintupleEntry and
// DescribeNetworkAclQuintupleEntriesResponse models of
// tencentcloud-sdk-go and tencentcloud-sdk-dotnet-intl-en ("Priority. 1
// refers to the highest priority") and the tccli example of
// DescribeNetworkAclQuintupleEntries. The comment at the top of acl.go
// lists the sources and every decision taken where they are silent.
func ReadNetworkAclQuintupleEntries(r io.Reader, aclID string, opts ...read.Option) (sgsim.Group, error) {
	g := sgsim.Group{ID: aclID}
	doc, data, err := open(r, opts)
	if err != nil {
		return g, err
	}
	readQuintuples(doc, data, &g)
	if err := doc.Err(); err != nil {
		return sgsim.Group{ID: aclID}, err
	}
	return g, nil
}

func readQuintuples(doc *jsonx.Doc, data []byte, g *sgsim.Group) {
	prefix, top, ok := readTop(doc, data)
	if !ok {
		return
	}
	setPath := jsonx.Join(prefix, "NetworkAclQuintupleSet")
	if jsonx.IsNull(top.NetworkAclQuintupleSet) {
		doc.Fail(&Error{Path: setPath, Msg: `missing; want the DescribeNetworkAclQuintupleEntries response {"Response": {"NetworkAclQuintupleSet": [...]}}`})
		return
	}
	recs, err := dec.Array(setPath, top.NetworkAclQuintupleSet)
	if err != nil {
		doc.Fail(err)
		return
	}
	totalPath := jsonx.Join(prefix, "TotalCount")
	total, hasTotal, err := dec.Int(totalPath, top.TotalCount, false)
	if err != nil {
		doc.Fail(err)
		return
	}
	if hasTotal && total != len(recs) {
		doc.Fail(&Error{Path: totalPath, Value: strconv.Itoa(total),
			Msg: "the response lists " + strconv.Itoa(len(recs)) + " entries; a page (Offset, Limit) of the ACL's entries would leave rules out"})
		return
	}
	prios := [2]map[int]string{{}, {}}
	ids := map[string]string{}
	for i, rec := range recs {
		path := jsonx.Index(setPath, i)
		r, err := readQuintuple(path, rec)
		if err == nil {
			if at, dup := prios[r.Direction][r.Priority]; dup {
				err = &Error{Path: path + ".Priority", Value: strconv.Itoa(r.Priority), Msg: "also the priority of " + at + ", of the same direction; want distinct priorities"}
			} else if at, dup := ids[r.ID]; dup && r.ID != "" {
				err = &Error{Path: path + ".NetworkAclQuintupleEntryId", Value: strconv.Quote(r.ID), Msg: "also the ID of " + at + "; want distinct IDs"}
			}
		}
		if doc.Record(path, err) {
			continue
		}
		prios[r.Direction][r.Priority] = path
		if r.ID != "" {
			ids[r.ID] = path
		}
		g.Rules = append(g.Rules, r)
	}
}

func readQuintuple(path string, raw json.RawMessage) (sgsim.Rule, error) {
	var r sgsim.Rule
	var a apiQuintuple
	if err := dec.Object(path, raw, &a); err != nil {
		return r, err
	}
	f := dec.Fields(path)
	proto := f.Str("Protocol", a.Protocol)
	desc := f.Str("Description", a.Description)
	sport := f.Str("SourcePort", a.SourcePort)
	scidr := f.Str("SourceCidr", a.SourceCidr)
	dport := f.Str("DestinationPort", a.DestinationPort)
	dcidr := f.Str("DestinationCidr", a.DestinationCidr)
	action := f.Str("Action", a.Action)
	r.ID = f.Str("NetworkAclQuintupleEntryId", a.EntryID)
	dir := f.Str("NetworkAclDirection", a.Direction)
	if f.Err != nil {
		return r, f.Err
	}
	prio, hasPrio, err := dec.Int(path+".Priority", a.Priority, false)
	if err != nil {
		return r, err
	}
	if !hasPrio {
		return r, &Error{Path: path + ".Priority", Msg: "missing; want the entry's priority (1 first)"}
	}
	if prio < 0 || prio > maxACLPriority {
		return r, &Error{Path: path + ".Priority", Value: jsonx.Short(a.Priority), Msg: "want a priority 0-" + strconv.Itoa(maxACLPriority)}
	}
	r.Priority = prio
	bad := func(field, value, msg string) error {
		return &Error{Path: path + "." + field, Value: strconv.Quote(value), Msg: msg}
	}
	switch strings.ToUpper(dir) {
	case "INGRESS":
		r.Direction = sgsim.Ingress
	case "EGRESS":
		r.Direction = sgsim.Egress
	default:
		return r, bad("NetworkAclDirection", dir, "want INGRESS or EGRESS")
	}
	if r.Protocol, err = parseACLProtocol(proto); err != nil {
		return r, bad("Protocol", proto, err.Error())
	}
	for _, p := range []struct {
		field, text string
		dst         *sgsim.Ports
	}{{"SourcePort", sport, &r.SrcPorts}, {"DestinationPort", dport, &r.DstPorts}} {
		if *p.dst, err = parseACLPort(p.text); err != nil {
			return r, bad(p.field, p.text, err.Error())
		}
		if *p.dst != nil && !r.Protocol.HasPorts() {
			return r, bad(p.field, p.text, "protocol "+r.Protocol.String()+" has no ports; want ALL")
		}
	}
	var ok bool
	if r.Action, ok = parseAction(action); !ok {
		return r, bad("Action", action, "want ACCEPT or DROP")
	}
	var pfx [2]netip.Prefix
	for k, c := range []struct{ field, text string }{{"SourceCidr", scidr}, {"DestinationCidr", dcidr}} {
		if c.text == "" {
			return r, &Error{Path: path + "." + c.field, Msg: "missing or empty; want an address or CIDR block (0.0.0.0/0 or ::/0 for every address)"}
		}
		p, msg := netx.Prefix(c.text)
		if msg != "" {
			return r, bad(c.field, c.text, msg)
		}
		pfx[k] = p
	}
	if pfx[0].Addr().Is4() != pfx[1].Addr().Is4() {
		return r, bad("DestinationCidr", dcidr, "not of the family of SourceCidr "+strconv.Quote(scidr))
	}
	if r.Protocol == sgsim.ICMP && !pfx[0].Addr().Is4() {
		return r, bad("Protocol", proto, "ICMP on an IPv6 entry: unconfirmed whether Tencent matches ICMPv6 with it; not read")
	}
	r.Src, r.Dst = sgsim.PrefixAddrs(pfx[0]), sgsim.PrefixAddrs(pfx[1])
	r.Origin = sgsim.Origin{Vendor: "tencent", Document: DocQuintuple, Record: r.ID, Path: path, Note: desc}
	return r, dec.Validate(path, &r)
}

// parseACLProtocol parses the protocols of network ACL entries: those of
// security group policies but ICMPv6 and GRE.
func parseACLProtocol(s string) (sgsim.Protocol, error) {
	p, err := parseProtocol(s)
	if err != nil || p == sgsim.ICMPv6 || p == sgsim.GRE {
		return 0, errors.New("want TCP, UDP, ICMP or ALL")
	}
	return p, nil
}

const aclPortWant = `want ALL, one port or a range, as "80" or "80-90", ports 1-65535`

// parseACLPort parses the port of a network ACL entry: "80" or "80-90";
// "", "ALL" and "all" give nil (every port).
func parseACLPort(s string) (sgsim.Ports, error) {
	if s == "" || strings.EqualFold(s, "all") {
		return nil, nil
	}
	if strings.Contains(s, ",") {
		return nil, errors.New("a port list; network ACL entries take " + strings.TrimPrefix(aclPortWant, "want "))
	}
	return netx.Ports(s, aclPortWant)
}

// familyPrefix parses an address or CIDR block that must be IPv6 when v6
// and IPv4 otherwise. On a bad value it returns what was wanted.
func familyPrefix(s string, v6 bool) (netip.Prefix, string) {
	p, msg := netx.Prefix(s)
	if msg == "" && p.Addr().Is6() != v6 {
		if v6 {
			return p, "want an IPv6 address or CIDR block"
		}
		return p, "want an IPv4 address or CIDR block"
	}
	return p, msg
}

// ----- writers -----

type outACLTop struct {
	Response outACLResponse `json:"Response"`
}

type outACLResponse struct {
	NetworkAclSet []outACL `json:"NetworkAclSet"`
	TotalCount    int      `json:"TotalCount"`
}

type outACL struct {
	NetworkAclID   string        `json:"NetworkAclId"`
	NetworkAclName string        `json:"NetworkAclName"`
	NetworkAclType string        `json:"NetworkAclType"`
	IngressEntries []outACLEntry `json:"IngressEntries"`
	EgressEntries  []outACLEntry `json:"EgressEntries"`
}

type outACLEntry struct {
	Protocol      string `json:"Protocol"`
	Port          string `json:"Port,omitempty"`
	CidrBlock     string `json:"CidrBlock,omitempty"`
	Ipv6CidrBlock string `json:"Ipv6CidrBlock,omitempty"`
	Action        string `json:"Action"`
	Description   string `json:"Description"`
	Priority      int    `json:"Priority"`
	Ipv4EntryID   string `json:"NetworkAclIpv4EntryId,omitempty"`
	Ipv6EntryID   string `json:"NetworkAclIpv6EntryId,omitempty"`
}

// WriteNetworkAcls writes gs as a DescribeNetworkAcls response, one TRIPLE
// ACL per group (NetworkAclId from ID, NetworkAclName from Name). Each
// direction's rules are written in ascending Priority (equal priorities in
// slice order), the order sgsim.ACL evaluates them in, so a group read
// back has Priority 1, 2, ... per direction, ingress rules first. Entries
// get Priority numbered per family from 1, Description from Origin.Note
// and NetworkAclIpv4EntryId or NetworkAclIpv6EntryId from Rule.ID. No
// default entries are added.
//
// What a network ACL entry cannot express is an error naming the group,
// rule and field: an empty or repeated group ID, inner access or an
// advanced group, a Family, a protocol other than TCP, UDP, ICMP and any,
// ICMP with IPv6 addresses, an ICMP type, source ports, more than one port
// range, port 0, a remote that is not one CIDR block, a restricted subnet
// side, a group or list reference, a rule ID used twice in one group, a
// direction other than ingress and egress.
func WriteNetworkAcls(w io.Writer, gs []sgsim.Group) error {
	out := outACLTop{Response: outACLResponse{NetworkAclSet: []outACL{}, TotalCount: len(gs)}}
	seen := map[string]bool{}
	for _, g := range gs {
		if g.ID == "" {
			return fmt.Errorf("tencent: write group %q: a network ACL needs an ID", g.ID)
		}
		if seen[g.ID] {
			return fmt.Errorf("tencent: write group %q: another group has this ID", g.ID)
		}
		seen[g.ID] = true
		if g.InnerAccess != sgsim.NoInnerAccess || g.Advanced {
			return fmt.Errorf("tencent: write group %q: inner access %v or advanced group: network ACLs have neither", g.ID, g.InnerAccess)
		}
		acl := outACL{NetworkAclID: g.ID, NetworkAclName: g.Name, NetworkAclType: "TRIPLE", IngressEntries: []outACLEntry{}, EgressEntries: []outACLEntry{}}
		order, err := netx.ACLOrder(g.Rules)
		if err != nil {
			return fmt.Errorf("tencent: write group %q%w", g.ID, err)
		}
		ids := map[string]bool{}
		for _, dir := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
			var count [2]int
			for _, i := range order[dir] {
				r := &g.Rules[i]
				e, v6, err := writeACLEntry(r)
				if err == nil && r.ID != "" && ids[r.ID] {
					err = errors.New("ID " + strconv.Quote(r.ID) + ": another rule has it; entry IDs must be distinct")
				}
				if err != nil {
					return fmt.Errorf("tencent: write group %q rule %d (%q): %w", g.ID, i, r.ID, err)
				}
				ids[r.ID] = true
				fam := 0
				if v6 {
					fam = 1
				}
				count[fam]++
				e.Priority = count[fam]
				if dir == sgsim.Ingress {
					acl.IngressEntries = append(acl.IngressEntries, e)
				} else {
					acl.EgressEntries = append(acl.EgressEntries, e)
				}
			}
		}
		out.Response.NetworkAclSet = append(out.Response.NetworkAclSet, acl)
	}
	return jsonx.Write(w, "tencent", out)
}

// aclCheck checks what the two entry forms share, and returns the
// protocol as Tencent spells it.
func aclCheck(r *sgsim.Rule) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	proto, ok := protoText(r.Protocol)
	switch {
	case !ok || r.Protocol == sgsim.ICMPv6 || r.Protocol == sgsim.GRE:
		return "", errors.New("protocol " + r.Protocol.String() + ": want tcp, udp, icmp or any")
	case !r.IsResolved():
		return "", errors.New("remote group or list " + strconv.Quote(r.RemoteGroup+r.RemoteList) + ": network ACL entries hold CIDR blocks only")
	case r.Family != sgsim.AnyFamily:
		return "", errors.New("family " + r.Family.String() + ": Tencent entries have no family field; the addresses carry it")
	case !r.ICMP.IsAny():
		return "", errors.New("ICMP type or code: Tencent entries match every ICMP message")
	}
	return proto, nil
}

// aclPortText renders ports as an entry's port: ALL, "80" or "80-90".
func aclPortText(ps sgsim.Ports) (string, error) {
	switch {
	case ps == nil:
		return "ALL", nil
	case len(ps) != 1:
		return "", errors.New("ports " + ps.String() + ": an entry holds one port or range; split the rule")
	case ps[0].First == 0:
		return "", errors.New("ports " + ps.String() + ": Tencent ports are 1-65535")
	case ps[0].First == ps[0].Last:
		return strconv.Itoa(int(ps[0].First)), nil
	}
	return strconv.Itoa(int(ps[0].First)) + "-" + strconv.Itoa(int(ps[0].Last)), nil
}

// onePrefix returns the CIDR block a holds when it is exactly one.
func onePrefix(a sgsim.Addrs) (netip.Prefix, bool) {
	if a.IsAny() {
		return netip.Prefix{}, false
	}
	rs := a.Ranges()
	if len(rs) != 1 {
		return netip.Prefix{}, false
	}
	return rs[0].Prefix()
}

func writeACLEntry(r *sgsim.Rule) (outACLEntry, bool, error) {
	e := outACLEntry{Action: "ACCEPT", Description: r.Origin.Note}
	var err error
	if e.Protocol, err = aclCheck(r); err != nil {
		return e, false, err
	}
	if r.SrcPorts != nil {
		return e, false, errors.New("source ports " + r.SrcPorts.String() + ": Tencent entries match destination ports only")
	}
	if r.Protocol.HasPorts() {
		if e.Port, err = aclPortText(r.DstPorts); err != nil {
			return e, false, err
		}
	}
	if r.Action == sgsim.Deny {
		e.Action = "DROP"
	}
	remote, local := r.Src, r.Dst
	if r.Direction == sgsim.Egress {
		remote, local = local, remote
	}
	if !local.IsAny() {
		return e, false, errors.New("subnet side " + local.String() + ": Tencent entries restrict the remote side only")
	}
	p, ok := onePrefix(remote)
	if !ok {
		return e, false, errors.New("remote " + remote.String() + ": want one CIDR block (0.0.0.0/0 or ::/0 for every address)")
	}
	v6 := !p.Addr().Is4()
	if v6 && r.Protocol == sgsim.ICMP {
		return e, v6, errors.New("ICMP with IPv6 addresses: Tencent's reading of it is unconfirmed")
	}
	if v6 {
		e.Ipv6CidrBlock, e.Ipv6EntryID = p.String(), r.ID
	} else {
		e.CidrBlock, e.Ipv4EntryID = p.String(), r.ID
	}
	return e, v6, nil
}

type outQuintupleTop struct {
	Response outQuintupleResponse `json:"Response"`
}

type outQuintupleResponse struct {
	NetworkAclQuintupleSet []outQuintuple `json:"NetworkAclQuintupleSet"`
	TotalCount             int            `json:"TotalCount"`
}

type outQuintuple struct {
	Protocol        string `json:"Protocol"`
	Description     string `json:"Description"`
	SourcePort      string `json:"SourcePort,omitempty"`
	SourceCidr      string `json:"SourceCidr"`
	DestinationPort string `json:"DestinationPort,omitempty"`
	DestinationCidr string `json:"DestinationCidr"`
	Action          string `json:"Action"`
	EntryID         string `json:"NetworkAclQuintupleEntryId,omitempty"`
	Priority        int    `json:"Priority"`
	Direction       string `json:"NetworkAclDirection"`
}

// WriteNetworkAclQuintupleEntries writes g as a
// DescribeNetworkAclQuintupleEntries response: one entry per rule, in
// slice order, with Priority from Priority, NetworkAclDirection from
// Direction, SourceCidr and SourcePort from Src and SrcPorts,
// DestinationCidr and DestinationPort from Dst and DstPorts,
// NetworkAclQuintupleEntryId from ID and Description from Origin.Note.
// Group.ID and Name are not written (the response has no place for them).
//
// What a quintuple entry cannot express is an error naming the group,
// rule and field: inner access or an advanced group, a Family, a protocol
// other than TCP, UDP, ICMP and any, ICMP with IPv6 addresses, an ICMP
// type, more than one port range per side, port 0, a side that is not one
// CIDR block (any included: write 0.0.0.0/0 or ::/0), sides of two
// families, a group or list reference, a priority outside 0-32766 or
// repeated in one direction, a rule ID used twice.
func WriteNetworkAclQuintupleEntries(w io.Writer, g sgsim.Group) error {
	if g.InnerAccess != sgsim.NoInnerAccess || g.Advanced {
		return fmt.Errorf("tencent: write group %q: inner access %v or advanced group: network ACLs have neither", g.ID, g.InnerAccess)
	}
	out := outQuintupleTop{Response: outQuintupleResponse{NetworkAclQuintupleSet: []outQuintuple{}, TotalCount: len(g.Rules)}}
	prios := [2]map[int]bool{{}, {}}
	ids := map[string]bool{}
	for i := range g.Rules {
		r := &g.Rules[i]
		e, err := writeQuintuple(r)
		switch {
		case err != nil:
		case prios[r.Direction][r.Priority]:
			err = errors.New("priority " + strconv.Itoa(r.Priority) + ": another " + r.Direction.String() + " rule has it; priorities must be distinct per direction")
		case r.ID != "" && ids[r.ID]:
			err = errors.New("ID " + strconv.Quote(r.ID) + ": another rule has it; entry IDs must be distinct")
		}
		if err != nil {
			return fmt.Errorf("tencent: write group %q rule %d (%q): %w", g.ID, i, r.ID, err)
		}
		prios[r.Direction][r.Priority] = true
		ids[r.ID] = true
		out.Response.NetworkAclQuintupleSet = append(out.Response.NetworkAclQuintupleSet, e)
	}
	return jsonx.Write(w, "tencent", out)
}

func writeQuintuple(r *sgsim.Rule) (outQuintuple, error) {
	e := outQuintuple{Action: "ACCEPT", Description: r.Origin.Note, EntryID: r.ID, Priority: r.Priority, Direction: "INGRESS"}
	var err error
	if e.Protocol, err = aclCheck(r); err != nil {
		return e, err
	}
	if r.Priority < 0 || r.Priority > maxACLPriority {
		return e, errors.New("priority " + strconv.Itoa(r.Priority) + ": want 0-" + strconv.Itoa(maxACLPriority))
	}
	if r.Direction == sgsim.Egress {
		e.Direction = "EGRESS"
	}
	if r.Action == sgsim.Deny {
		e.Action = "DROP"
	}
	if r.Protocol.HasPorts() {
		if e.SourcePort, err = aclPortText(r.SrcPorts); err != nil {
			return e, errors.New("source " + err.Error())
		}
		if e.DestinationPort, err = aclPortText(r.DstPorts); err != nil {
			return e, errors.New("destination " + err.Error())
		}
	}
	var v6 [2]bool
	for k, s := range []struct {
		name string
		a    sgsim.Addrs
		dst  *string
	}{{"source", r.Src, &e.SourceCidr}, {"destination", r.Dst, &e.DestinationCidr}} {
		p, ok := onePrefix(s.a)
		if !ok {
			return e, errors.New(s.name + " " + s.a.String() + ": want one CIDR block (0.0.0.0/0 or ::/0 for every address)")
		}
		*s.dst, v6[k] = p.String(), !p.Addr().Is4()
	}
	if v6[0] != v6[1] {
		return e, errors.New("source " + e.SourceCidr + " and destination " + e.DestinationCidr + " are of two families")
	}
	if v6[0] && r.Protocol == sgsim.ICMP {
		return e, errors.New("ICMP with IPv6 addresses: Tencent's reading of it is unconfirmed")
	}
	return e, nil
}
