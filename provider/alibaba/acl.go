package alibaba

// Reading and writing Alibaba Cloud VPC network ACL exports.
//
// ReadNetworkAcls reads the response of either of two VPC operations (API
// version 2016-04-28), as the aliyun CLI or an SDK prints it, telling them
// apart by the top-level key:
//
// DescribeNetworkAclAttributes, one ACL:
//
//	{"RequestId": "...", "NetworkAclAttribute": {
//	  "NetworkAclId": "nacl-...", "NetworkAclName": "...", "VpcId": "vpc-...",
//	  "Status": "Available", "Description": "...", "CreationTime": "...",
//	  "IngressAclEntries": {"IngressAclEntry": [{"NetworkAclEntryId": "nae-...",
//	    "NetworkAclEntryName": "...", "EntryType": "custom", "IpVersion": "IPv4",
//	    "Policy": "accept", "Protocol": "tcp", "SourceCidrIp": "10.0.0.0/8",
//	    "Port": "22/22", "Description": "..."}, ...]},
//	  "EgressAclEntries": {"EgressAclEntry": [{... "DestinationCidrIp": "0.0.0.0/0" ...}]},
//	  "Resources": {"Resource": [{"ResourceId": "vsw-...", "ResourceType": "VSwitch",
//	    "Status": "..."}]}}}
//
// DescribeNetworkAcls, a page of ACLs of the same shape:
//
//	{"RequestId": "...", "TotalCount": "2", "PageNumber": "1", "PageSize": "10",
//	 "NetworkAcls": {"NetworkAcl": [{"NetworkAclId": ..., ...}, ...]}}
//
// Field names, and where they were confirmed:
//   - The response bodies DescribeNetworkAclAttributesResponseBody and
//     DescribeNetworkAclsResponseBody of the alibabacloud-go vpc-20160428
//     client: NetworkAclAttribute, NetworkAcls.NetworkAcl[], TotalCount,
//     PageNumber and PageSize as strings, NetworkAclId, NetworkAclName,
//     VpcId, Status, IngressAclEntries.IngressAclEntry[] and
//     EgressAclEntries.EgressAclEntry[] with NetworkAclEntryId,
//     NetworkAclEntryName, EntryType, IpVersion, Policy, Protocol, Port,
//     Description and SourceCidrIp (ingress) or DestinationCidrIp
//     (egress), Resources.Resource[] with ResourceId, ResourceType,
//     Status.
//   - The value sets, from the UpdateNetworkAclEntriesRequest model of the
//     same client: Protocol icmp, gre, tcp, udp, all, icmpv6; Policy
//     accept, drop; IpVersion IPv4, IPv6; Port "-1/-1" for all, icmp and
//     gre, "FROM/TO" with ports 1-65535 for tcp and udp; SourceCidrIp and
//     DestinationCidrIp a CIDR block or, alternatively, a prefix list ID
//     (example "pl-xxxxxx"); EntryType "custom" for entries one sets.
//   - The alicloud_network_acl page of the Terraform provider: EntryType
//     custom ("custom rule"), system ("system rules") and service ("Cloud
//     service rules"); the same Port forms.
//   - Semantics, from the VPC "Network ACLs" page
//     (https://www.alibabacloud.com/help/en/vpc/network-acl-overview):
//     rules are evaluated in ascending priority from 1 and the first match
//     decides; for inbound and outbound rules alike the port range matches
//     the destination port; inbound rules match the source address only,
//     outbound rules the destination only; ACLs are stateless. The
//     "Overview of network ACLs" page (.../vpc/user-guide/overview-7): an
//     ACL without rules denies all traffic. The DescribeNetworkAclAttributes
//     reference page (https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-describenetworkaclattributes)
//     and the SDK call an inbound entry's Port its "source port range";
//     sgsim follows the Network ACLs page and reads Port as the
//     destination port in both directions.
//
// Decisions and what is unconfirmed:
//   - One group per ACL: ID NetworkAclId, Name NetworkAclName; the ingress
//     entries in list order, then the egress entries in list order.
//     Priority is the 1-based position within its direction: the
//     documents carry no priority number, and the list order is taken to
//     be the evaluation order (the Terraform provider: "the order of the
//     ingress and egress entries determines the priority"). Evaluate with
//     sgsim.ACL semantics (first match, no match denies). What the cloud
//     never filters (same-vSwitch traffic, the DNS and metadata addresses)
//     and statelessness belong to the network, not to this reader.
//   - EntryType "" (absent) and "custom" are custom entries. "system" and
//     "service" entries are created by the cloud; no page found says what
//     they match or that they are not evaluated, so they are kept as rules
//     in their list position like any other, and Origin.Note says so:
//     "system entry" or "service entry", followed by ": " and the
//     Description when there is one. Any other EntryType is an error.
//     Entries have no enabled/disabled flag in these responses, so no
//     entry is ever skipped.
//   - IpVersion "IPv4" or "IPv6" (any case) sets Rule.Family, and the
//     address must be of that version; IpVersion "" takes the family of
//     the address (responses from before IPv6 ACLs may lack the field;
//     unconfirmed). icmp needs IPv4 and icmpv6 IPv6.
//   - The remote is SourceCidrIp (ingress) or DestinationCidrIp (egress):
//     one address or CIDR block, or a prefix list ID (a value starting
//     with "pl-", read into RemoteList, Family only from IpVersion). It is
//     required. The other side's field must be empty or absent: entries
//     match one side only.
//   - Protocol, Policy and EntryType are read in any case. Port "" is read
//     as every port, like "-1/-1"; ports are allowed on tcp and udp only.
//   - NetworkAclEntryId is Rule.ID and Origin.Record and must not repeat
//     within an ACL; NetworkAclEntryName is not kept (sgsim rules carry no
//     name). Origin.Document is the operation name, Origin.Path the
//     entry's path, e.g.
//     "NetworkAcls.NetworkAcl[0].IngressAclEntries.IngressAclEntry[2]".
//   - IngressAclEntries and EgressAclEntries must be present (an ACL read
//     without them would wrongly deny everything); an absent or null
//     entry array inside them is no entries, as SDKs omit empty lists.
//     The same holds for NetworkAcls and its NetworkAcl array.
//   - VpcId, Status, Tags and the paging fields are not used; a page of
//     DescribeNetworkAcls is read as the ACLs it holds.
//   - Resources (the vSwitches an ACL is bound to) are returned by
//     ReadNetworkAclBindings, verbatim; ResourceType and Status are not
//     interpreted (only "VSwitch" is documented, the Status values are
//     unconfirmed).
//
// Unknown fields are ignored; an unknown value of a known field is an
// error. Every error is an *Error naming the JSON path and the offending
// value. All errors of a document come at once, as a *read.Errors
// listing each with its line and column. A key given twice in one object
// (or twice but for case) and invalid UTF-8 are errors anywhere in the
// document. With read.SkipInvalid the bad records (the ingress and egress entries) are
// skipped and listed in the read.Report, and a container record (a group
// or ACL) with a bad field of its own is skipped with its records.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/internal/netx"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
)

// The API operation names, as Origin.Document of the ACL rules read.
const (
	DocACLAttributes = "DescribeNetworkAclAttributes"
	DocACLs          = "DescribeNetworkAcls"
)

// Binding is one resource a network ACL is associated with, as the
// Resources.Resource records list it.
type Binding struct {
	ACL          string // NetworkAclId
	ResourceID   string // ResourceId, e.g. a vSwitch ID
	ResourceType string // ResourceType verbatim, e.g. "VSwitch"
	Status       string // Status verbatim
}

type apiACLDoc struct {
	NetworkAclAttribute json.RawMessage `json:"NetworkAclAttribute"`
	NetworkAcls         json.RawMessage `json:"NetworkAcls"`
}

type apiACLList struct {
	NetworkAcl json.RawMessage `json:"NetworkAcl"`
}

type apiACL struct {
	NetworkAclID      json.RawMessage `json:"NetworkAclId"`
	NetworkAclName    json.RawMessage `json:"NetworkAclName"`
	IngressAclEntries json.RawMessage `json:"IngressAclEntries"`
	EgressAclEntries  json.RawMessage `json:"EgressAclEntries"`
	Resources         json.RawMessage `json:"Resources"`
}

type apiIngressEntries struct {
	IngressAclEntry json.RawMessage `json:"IngressAclEntry"`
}

type apiEgressEntries struct {
	EgressAclEntry json.RawMessage `json:"EgressAclEntry"`
}

type apiResources struct {
	Resource json.RawMessage `json:"Resource"`
}

type apiResource struct {
	ResourceID   json.RawMessage `json:"ResourceId"`
	ResourceType json.RawMessage `json:"ResourceType"`
	Status       json.RawMessage `json:"Status"`
}

// apiACLEntry holds one ingress or egress entry, every field raw so that a
// value of the wrong JSON type is reported with its path and text.
type apiACLEntry struct {
	NetworkAclEntryID json.RawMessage `json:"NetworkAclEntryId"`
	EntryType         json.RawMessage `json:"EntryType"`
	IPVersion         json.RawMessage `json:"IpVersion"`
	Policy            json.RawMessage `json:"Policy"`
	Protocol          json.RawMessage `json:"Protocol"`
	Port              json.RawMessage `json:"Port"`
	SourceCidrIP      json.RawMessage `json:"SourceCidrIp"`
	DestinationCidrIP json.RawMessage `json:"DestinationCidrIp"`
	Description       json.RawMessage `json:"Description"`
}

// ReadNetworkAcls reads a DescribeNetworkAclAttributes response (one ACL)
// or a DescribeNetworkAcls response (a page of ACLs), telling them apart by
// the top-level key, NetworkAclAttribute or NetworkAcls. It returns one
// group per ACL, in document order, to be evaluated with sgsim.ACL
// semantics: ingress then egress entries in list order, each with Priority
// its 1-based position in its direction, system and service entries kept
// (see the file comment for the fields and the decisions taken). An ACL
// given twice is an error.
func ReadNetworkAcls(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	gs, _, err := readACLDoc(r, opts)
	return gs, err
}

// ReadNetworkAclBindings reads the same documents as ReadNetworkAcls, with
// the same checks, and returns the resources (vSwitches) each ACL is bound
// to, ACLs in document order, resources in list order.
func ReadNetworkAclBindings(r io.Reader, opts ...read.Option) ([]Binding, error) {
	_, bs, err := readACLDoc(r, opts)
	return bs, err
}

func readACLDoc(r io.Reader, opts []read.Option) ([]sgsim.Group, []Binding, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("alibaba: read: %w", err)
	}
	doc, err := dec.Open(data, true, opts)
	if err != nil {
		return nil, nil, err
	}
	gs, bs := readACLs(doc, data)
	if err := doc.Err(); err != nil {
		return nil, nil, err
	}
	return gs, bs, nil
}

func readACLs(doc *jsonx.Doc, data []byte) ([]sgsim.Group, []Binding) {
	var top apiACLDoc
	if err := dec.Object("", data, &top); err != nil {
		doc.Fail(err)
		return nil, nil
	}
	one, many := !jsonx.IsNull(top.NetworkAclAttribute), !jsonx.IsNull(top.NetworkAcls)
	switch {
	case one && many:
		doc.Fail(&Error{Path: "top level", Msg: "both NetworkAclAttribute and NetworkAcls; want one response"})
		return nil, nil
	case one:
		g, bs, ok := readACL(doc, "NetworkAclAttribute", DocACLAttributes, top.NetworkAclAttribute, nil)
		if !ok {
			return nil, nil
		}
		return []sgsim.Group{g}, bs
	case !many:
		doc.Fail(&Error{Path: "top level", Msg: `want "NetworkAclAttribute" (DescribeNetworkAclAttributes) or "NetworkAcls" (DescribeNetworkAcls)`})
		return nil, nil
	}
	var list apiACLList
	if err := dec.Object("NetworkAcls", top.NetworkAcls, &list); err != nil {
		doc.Fail(err)
		return nil, nil
	}
	gs := []sgsim.Group{}
	var bs []Binding
	if jsonx.IsNull(list.NetworkAcl) {
		return gs, bs
	}
	elems, err := dec.Array("NetworkAcls.NetworkAcl", list.NetworkAcl)
	if err != nil {
		doc.Fail(err)
		return nil, nil
	}
	seen := map[string]bool{}
	for i, raw := range elems {
		path := "NetworkAcls.NetworkAcl[" + strconv.Itoa(i) + "]"
		if g, b, ok := readACL(doc, path, DocACLs, raw, seen); ok {
			gs = append(gs, g)
			bs = append(bs, b...)
		}
	}
	return gs, bs
}

// aclHead is an ACL record's own fields and its entry lists.
type aclHead struct {
	g       sgsim.Group
	bs      []Binding
	lpath   [2]string // the ingress and egress entry lists' paths
	entries [2][]json.RawMessage
}

// readACL reads one ACL record at path, a container of entry records;
// seen holds the IDs of the ACLs before it (nil for a single ACL). It
// reports false when the ACL is left out.
func readACL(doc *jsonx.Doc, path, docName string, raw json.RawMessage, seen map[string]bool) (sgsim.Group, []Binding, bool) {
	h, err := readACLHead(path, raw)
	if err == nil && seen != nil {
		if seen[h.g.ID] {
			err = &Error{Path: path + ".NetworkAclId", Value: strconv.Quote(h.g.ID), Msg: "network ACL given twice"}
		}
		seen[h.g.ID] = true
	}
	if doc.Container(path, err, h.lpath[0], h.lpath[1]) {
		return h.g, nil, false
	}
	g := h.g
	ids := map[string]string{} // entry ID -> path of its first entry
	for k, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
		for i, rec := range h.entries[k] {
			epath := h.lpath[k] + "[" + strconv.Itoa(i) + "]"
			r, err := readACLEntry(epath, docName, d, i+1, rec)
			if err == nil && r.ID != "" {
				if first, dup := ids[r.ID]; dup {
					err = &Error{Path: epath + ".NetworkAclEntryId", Value: strconv.Quote(r.ID), Msg: "entry ID also used at " + first}
				} else {
					ids[r.ID] = epath
				}
			}
			if doc.Record(epath, err) {
				continue
			}
			g.Rules = append(g.Rules, r)
		}
	}
	return g, h.bs, true
}

func readACLHead(path string, raw json.RawMessage) (aclHead, error) {
	var h aclHead
	for k, outer := range []string{"IngressAclEntries", "EgressAclEntries"} {
		h.lpath[k] = jsonx.Join(path, outer) + "." + strings.TrimSuffix(outer, "ies") + "y"
	}
	var a apiACL
	if err := dec.Object(path, raw, &a); err != nil {
		return h, err
	}
	f := dec.Fields(path)
	h.g.ID = f.Str("NetworkAclId", a.NetworkAclID)
	h.g.Name = f.Str("NetworkAclName", a.NetworkAclName)
	if f.Err != nil {
		return h, f.Err
	}
	if h.g.ID == "" {
		return h, &Error{Path: jsonx.Join(path, "NetworkAclId"), Value: `""`, Msg: "want the ID of the network ACL"}
	}
	for k, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
		outer, inner, raw := "IngressAclEntries", "IngressAclEntry", a.IngressAclEntries
		if d == sgsim.Egress {
			outer, inner, raw = "EgressAclEntries", "EgressAclEntry", a.EgressAclEntries
		}
		opath := jsonx.Join(path, outer)
		if jsonx.IsNull(raw) {
			return h, &Error{Path: opath, Msg: `missing; want {"` + inner + `": [...]}`}
		}
		var list json.RawMessage
		if d == sgsim.Ingress {
			var in apiIngressEntries
			if err := dec.Object(opath, raw, &in); err != nil {
				return h, err
			}
			list = in.IngressAclEntry
		} else {
			var eg apiEgressEntries
			if err := dec.Object(opath, raw, &eg); err != nil {
				return h, err
			}
			list = eg.EgressAclEntry
		}
		if jsonx.IsNull(list) {
			continue
		}
		recs, err := dec.Array(h.lpath[k], list)
		if err != nil {
			return h, err
		}
		h.entries[k] = recs
	}
	var err error
	h.bs, err = readResources(jsonx.Join(path, "Resources"), h.g.ID, a.Resources)
	return h, err
}

func readResources(path, acl string, raw json.RawMessage) ([]Binding, error) {
	if jsonx.IsNull(raw) {
		return nil, nil
	}
	var rs apiResources
	if err := dec.Object(path, raw, &rs); err != nil {
		return nil, err
	}
	if jsonx.IsNull(rs.Resource) {
		return nil, nil
	}
	lpath := path + ".Resource"
	recs, err := dec.Array(lpath, rs.Resource)
	if err != nil {
		return nil, err
	}
	var bs []Binding
	for i, rec := range recs {
		rpath := lpath + "[" + strconv.Itoa(i) + "]"
		var a apiResource
		if err := dec.Object(rpath, rec, &a); err != nil {
			return nil, err
		}
		f := dec.Fields(rpath)
		b := Binding{ACL: acl, ResourceID: f.Str("ResourceId", a.ResourceID),
			ResourceType: f.Str("ResourceType", a.ResourceType), Status: f.Str("Status", a.Status)}
		if f.Err != nil {
			return nil, f.Err
		}
		if b.ResourceID == "" {
			return nil, &Error{Path: rpath + ".ResourceId", Value: `""`, Msg: "want the ID of the bound resource"}
		}
		bs = append(bs, b)
	}
	return bs, nil
}

// Entry types, as EntryType gives them and Origin.Note records them.
const (
	entryCustom  = "custom"
	entrySystem  = "system"
	entryService = "service"
)

// readACLEntry reads the entry at path, the pos-th (from 1) of its
// direction.
func readACLEntry(path, doc string, d sgsim.Direction, pos int, raw json.RawMessage) (sgsim.Rule, error) {
	var a apiACLEntry
	r := sgsim.Rule{Direction: d, Priority: pos}
	if err := dec.Object(path, raw, &a); err != nil {
		return r, err
	}
	f := dec.Fields(path)
	id := f.Str("NetworkAclEntryId", a.NetworkAclEntryID)
	typ := f.Str("EntryType", a.EntryType)
	ver := f.Str("IpVersion", a.IPVersion)
	policy := f.Str("Policy", a.Policy)
	proto := f.Str("Protocol", a.Protocol)
	port := f.Str("Port", a.Port)
	src := f.Str("SourceCidrIp", a.SourceCidrIP)
	dst := f.Str("DestinationCidrIp", a.DestinationCidrIP)
	desc := f.Str("Description", a.Description)
	if f.Err != nil {
		return r, f.Err
	}
	bad := func(field, value, msg string) error {
		return &Error{Path: path + "." + field, Value: strconv.Quote(value), Msg: msg}
	}
	if _, hi, _ := sgsim.ACL.PriorityRange(); pos > hi {
		return r, &Error{Path: path, Msg: "entry " + strconv.Itoa(pos) + " of its direction; sgsim ACLs hold at most " + strconv.Itoa(hi)}
	}
	r.ID = id
	note := desc
	switch t := strings.ToLower(typ); t {
	case "", entryCustom:
	case entrySystem, entryService:
		note = t + " entry"
		if desc != "" {
			note += ": " + desc
		}
	default:
		return r, bad("EntryType", typ, "want custom, system or service")
	}
	r.Origin = sgsim.Origin{Vendor: "alibaba", Document: doc, Record: id, Path: path, Note: note}
	switch strings.ToLower(policy) {
	case "accept":
		r.Action = sgsim.Allow
	case "drop":
		r.Action = sgsim.Deny
	default:
		return r, bad("Policy", policy, "want accept or drop")
	}
	var err error
	if r.Protocol, err = aclProtocol(proto); err != nil {
		return r, bad("Protocol", proto, err.Error())
	}
	if r.DstPorts, err = parseRange(port, r.Protocol); err != nil {
		return r, bad("Port", port, err.Error())
	}
	switch strings.ToLower(ver) {
	case "":
	case "ipv4":
		r.Family = sgsim.IPv4
	case "ipv6":
		r.Family = sgsim.IPv6
	default:
		return r, bad("IpVersion", ver, "want IPv4 or IPv6")
	}
	remoteName, remote, localName, local, side := "SourceCidrIp", src, "DestinationCidrIp", dst, "source"
	if d == sgsim.Egress {
		remoteName, remote, localName, local, side = "DestinationCidrIp", dst, "SourceCidrIp", src, "destination"
	}
	if local != "" {
		return r, bad(localName, local, "an "+d.String()+" entry matches the "+side+" address only; want \"\"")
	}
	switch {
	case remote == "":
		return r, bad(remoteName, remote, "missing; want a CIDR block or a prefix list ID")
	case strings.HasPrefix(remote, "pl-"):
		r.RemoteList = remote
	default:
		p, msg := netx.Prefix(remote)
		if msg != "" {
			return r, bad(remoteName, remote, msg)
		}
		v6 := p.Addr().Is6()
		switch {
		case r.Family == sgsim.IPv4 && v6:
			return r, bad(remoteName, remote, "want an IPv4 address or CIDR block (IpVersion "+strconv.Quote(ver)+")")
		case r.Family == sgsim.IPv6 && !v6:
			return r, bad(remoteName, remote, "want an IPv6 address or CIDR block (IpVersion "+strconv.Quote(ver)+")")
		case v6:
			r.Family = sgsim.IPv6
		default:
			r.Family = sgsim.IPv4
		}
		if d == sgsim.Ingress {
			r.Src = sgsim.PrefixAddrs(p)
		} else {
			r.Dst = sgsim.PrefixAddrs(p)
		}
	}
	switch {
	case r.Protocol == sgsim.ICMP && r.Family == sgsim.IPv6:
		return r, bad("Protocol", proto, "an IPv6 entry; want icmpv6")
	case r.Protocol == sgsim.ICMPv6 && r.Family == sgsim.IPv4:
		return r, bad("Protocol", proto, "an IPv4 entry; want icmp")
	}
	return r, dec.Validate(path, &r)
}

// aclProtocol reads an entry's Protocol: the documented names only, in any
// case (no protocol numbers, unlike security group rules).
func aclProtocol(s string) (sgsim.Protocol, error) {
	switch strings.ToLower(s) {
	case "all":
		return sgsim.AnyProtocol, nil
	case "tcp":
		return sgsim.TCP, nil
	case "udp":
		return sgsim.UDP, nil
	case "icmp":
		return sgsim.ICMP, nil
	case "icmpv6":
		return sgsim.ICMPv6, nil
	case "gre":
		return sgsim.GRE, nil
	}
	return 0, errors.New("want icmp, icmpv6, gre, tcp, udp or all")
}

// entryTypeOf returns the EntryType and Description that a rule's note,
// as readACLEntry writes it, stands for.
func entryTypeOf(note string) (string, string) {
	for _, t := range []string{entrySystem, entryService} {
		p := t + " entry"
		if note == p {
			return t, ""
		}
		if rest, ok := strings.CutPrefix(note, p+": "); ok {
			return t, rest
		}
	}
	return entryCustom, note
}

type outACLDoc struct {
	TotalCount  string     `json:"TotalCount"`
	NetworkAcls outACLList `json:"NetworkAcls"`
}

type outACLList struct {
	NetworkAcl []outACL `json:"NetworkAcl"`
}

type outACL struct {
	NetworkAclID      string          `json:"NetworkAclId"`
	NetworkAclName    string          `json:"NetworkAclName"`
	IngressAclEntries outIngressList  `json:"IngressAclEntries"`
	EgressAclEntries  outEgressList   `json:"EgressAclEntries"`
	Resources         outResourceList `json:"Resources"`
}

type outIngressList struct {
	IngressAclEntry []outACLEntry `json:"IngressAclEntry"`
}

type outEgressList struct {
	EgressAclEntry []outACLEntry `json:"EgressAclEntry"`
}

type outResourceList struct {
	Resource []struct{} `json:"Resource"`
}

type outACLEntry struct {
	NetworkAclEntryID string `json:"NetworkAclEntryId"`
	EntryType         string `json:"EntryType"`
	IPVersion         string `json:"IpVersion,omitempty"`
	Policy            string `json:"Policy"`
	Protocol          string `json:"Protocol"`
	SourceCidrIP      string `json:"SourceCidrIp,omitempty"`
	DestinationCidrIP string `json:"DestinationCidrIp,omitempty"`
	Port              string `json:"Port"`
	Description       string `json:"Description"`
}

// WriteNetworkAcls writes the groups as a DescribeNetworkAcls response,
// one ACL per group, in order, with no bound resources. Each direction's
// rules are written in evaluation order (ascending Priority, equal
// priorities in slice order); the list position is the priority, so the
// numbers themselves are not kept and a group reads back with priorities
// 1, 2, ... in each direction, ingress rules first. Rule.ID becomes
// NetworkAclEntryId; Origin.Note becomes Description, and EntryType when
// it says "system entry" or "service entry" the way ReadNetworkAcls
// writes it (custom otherwise). IpVersion is the Family, or the family of
// a CIDR remote (so a rule of any family with an IPv4 block reads back as
// an IPv4 rule: the same flows); a rule of one family whose remote is any
// address is written with 0.0.0.0/0 or ::/0. Entry names are not
// written (they are not read).
//
// What an entry cannot express is an error naming the ACL, rule and what
// is wrong: a group reference, a prefix list ID not starting with "pl-",
// a remote that is not one address or CIDR block, an any-address remote
// of both families, a restricted local side, source ports, more than one
// port range or port 0, an ICMP type or code, protocols other than all,
// tcp, udp, icmp, icmpv6 and gre, an entry ID used twice, a direction
// other than ingress and egress. An ACL without an ID, or given twice, or
// with inner access or marked advanced (security group properties), is an
// error too.
func WriteNetworkAcls(w io.Writer, gs []sgsim.Group) error {
	out := outACLDoc{TotalCount: strconv.Itoa(len(gs)), NetworkAcls: outACLList{NetworkAcl: []outACL{}}}
	seen := map[string]bool{}
	for _, g := range gs {
		if g.ID == "" {
			return errors.New("alibaba: write: a network ACL has no ID; NetworkAclId is required")
		}
		if seen[g.ID] {
			return fmt.Errorf("alibaba: write network ACL %q: given twice", g.ID)
		}
		seen[g.ID] = true
		if g.InnerAccess != sgsim.NoInnerAccess || g.Advanced {
			return fmt.Errorf("alibaba: write network ACL %q: inner access %v or advanced group: network ACLs have neither", g.ID, g.InnerAccess)
		}
		acl := outACL{NetworkAclID: g.ID, NetworkAclName: g.Name,
			IngressAclEntries: outIngressList{IngressAclEntry: []outACLEntry{}},
			EgressAclEntries:  outEgressList{EgressAclEntry: []outACLEntry{}},
			Resources:         outResourceList{Resource: []struct{}{}}}
		order, err := netx.ACLOrder(g.Rules)
		if err != nil {
			return fmt.Errorf("alibaba: write network ACL %q%w", g.ID, err)
		}
		ids := map[string]int{}
		for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
			idx := order[d]
			for _, i := range idx {
				r := &g.Rules[i]
				e, err := writeACLEntry(r)
				if err == nil && r.ID != "" {
					if j, dup := ids[r.ID]; dup {
						err = fmt.Errorf("entry ID also used by rule %d", j)
					}
					ids[r.ID] = i
				}
				if err != nil {
					return fmt.Errorf("alibaba: write network ACL %q rule %d (%q): %w", g.ID, i, r.ID, err)
				}
				if d == sgsim.Ingress {
					acl.IngressAclEntries.IngressAclEntry = append(acl.IngressAclEntries.IngressAclEntry, e)
				} else {
					acl.EgressAclEntries.EgressAclEntry = append(acl.EgressAclEntries.EgressAclEntry, e)
				}
			}
		}
		out.NetworkAcls.NetworkAcl = append(out.NetworkAcls.NetworkAcl, acl)
	}
	return jsonx.Write(w, "alibaba", out)
}

// aclProtoText is the Protocol an entry writes for p.
func aclProtoText(p sgsim.Protocol) (string, bool) {
	switch p {
	case sgsim.AnyProtocol:
		return "all", true
	case sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6, sgsim.GRE:
		return p.String(), true
	}
	return "", false
}

func writeACLEntry(r *sgsim.Rule) (outACLEntry, error) {
	var e outACLEntry
	if err := r.Validate(); err != nil {
		return e, err
	}
	e.NetworkAclEntryID = r.ID
	e.EntryType, e.Description = entryTypeOf(r.Origin.Note)
	e.Policy = "accept"
	if r.Action == sgsim.Deny {
		e.Policy = "drop"
	}
	var ok bool
	if e.Protocol, ok = aclProtoText(r.Protocol); !ok {
		return e, errors.New("protocol " + r.Protocol.String() + ": an Alibaba ACL entry takes all, tcp, udp, icmp, icmpv6 or gre")
	}
	if !r.ICMP.IsAny() {
		return e, errors.New("ICMP type or code: Alibaba ACL entries match every ICMP message")
	}
	if r.SrcPorts != nil {
		return e, errors.New("source ports " + r.SrcPorts.String() + ": Alibaba ACL entries match the destination port only")
	}
	var err error
	if e.Port, err = rangeText(r.DstPorts, "-1/-1"); err != nil {
		return e, err
	}
	if r.RemoteGroup != "" {
		return e, errors.New("remote group " + r.RemoteGroup + ": network ACL entries cannot reference security groups")
	}
	remote, local := r.Src, r.Dst
	if r.Direction == sgsim.Egress {
		remote, local = r.Dst, r.Src
	}
	if !local.IsAny() {
		return e, errors.New("local side " + local.String() + ": an Alibaba ACL entry restricts the remote side only")
	}
	switch r.Family {
	case sgsim.IPv4:
		e.IPVersion = "IPv4"
	case sgsim.IPv6:
		e.IPVersion = "IPv6"
	}
	var text string
	switch {
	case r.RemoteList != "":
		if !strings.HasPrefix(r.RemoteList, "pl-") {
			return e, errors.New("remote list " + strconv.Quote(r.RemoteList) + `: Alibaba ACL entries take prefix list IDs, "pl-..."`)
		}
		text = r.RemoteList
	case remote.IsAny():
		switch r.Family {
		case sgsim.IPv4:
			text = "0.0.0.0/0"
		case sgsim.IPv6:
			text = "::/0"
		default:
			return e, errors.New("any remote of both families: an Alibaba ACL entry holds one IP version; write an IPv4 and an IPv6 rule")
		}
	default:
		s, v6, ok := prefixText(remote)
		if !ok {
			return e, errors.New("remote " + remote.String() + ": want one address or CIDR block")
		}
		text = s
		if v6 {
			e.IPVersion = "IPv6"
		} else {
			e.IPVersion = "IPv4"
		}
	}
	if r.Direction == sgsim.Ingress {
		e.SourceCidrIP = text
	} else {
		e.DestinationCidrIP = text
	}
	return e, nil
}
