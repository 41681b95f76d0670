package alibaba

// Reading and writing Alibaba Cloud ECS security group exports.
//
// ReadSecurityGroup reads the response of the ECS DescribeSecurityGroupAttribute
// operation (API version 2014-05-26), as the aliyun CLI or an SDK prints it:
//
//	{"SecurityGroupId": "sg-...", "SecurityGroupName": "...", "VpcId": "vpc-...",
//	 "InnerAccessPolicy": "Accept",
//	 "Permissions": {"Permission": [{"SecurityGroupRuleId": "sgr-...",
//	   "Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22",
//	   "SourcePortRange": "", "SourceCidrIp": "0.0.0.0/0", "DestCidrIp": "",
//	   "Ipv6SourceCidrIp": "", "Ipv6DestCidrIp": "", "SourceGroupId": "",
//	   "DestGroupId": "", "SourcePrefixListId": "", "DestPrefixListId": "",
//	   "Policy": "Accept", "Priority": "1", "NicType": "intranet",
//	   "Description": "..."}, ...]}}
//
// ReadSecurityGroups reads a JSON array of such responses: the groups
// attached to one network interface, in attachment order.
// WriteSecurityGroup and WriteSecurityGroups render groups back.
//
// Field names used, and where they were confirmed: the response body
// DescribeSecurityGroupAttributeResponseBody and its
// ...PermissionsPermission record in the alibabacloud-go ecs-20140526
// client (SecurityGroupId, SecurityGroupName, InnerAccessPolicy "Accept" /
// "Drop", Permissions.Permission[], SecurityGroupRuleId, Direction,
// IpProtocol, PortRange, SourcePortRange, SourceCidrIp, DestCidrIp,
// Ipv6SourceCidrIp, Ipv6DestCidrIp, SourceGroupId, DestGroupId,
// SourcePrefixListId, DestPrefixListId, PortRangeListId, Policy, Priority
// as a string, NicType, Description), the older ecs Permission struct of
// alibaba-cloud-sdk-go, and the DescribeSecurityGroupAttribute and
// AuthorizeSecurityGroup(Egress) pages (Policy and Priority defaults,
// "-1/-1" for ICMP, GRE and ALL, quintuple rules).
//
// Decisions and what is unconfirmed:
//   - IpProtocol is TCP, UDP, ICMP, ICMPv6, GRE or ALL in any case, or a
//     decimal protocol number 0-255 (some regions take numbers;
//     unconfirmed which).
//   - PortRange and SourcePortRange are "FROM/TO" with ports 1-65535;
//     "-1/-1" and "" mean every port. Ports apply to TCP, UDP and SCTP only;
//     other protocols take "-1/-1" or "". The vendor writes "1/65535" for
//     all TCP ports, which reads as the range 1-65535, not as every port.
//   - Policy "" is Accept and Priority "" is 1, the defaults of
//     AuthorizeSecurityGroup; Priority may be a string or a JSON number
//     (the ENS variant of the page types it as an integer), 1-100.
//   - The remote side is SourceCidrIp, Ipv6SourceCidrIp, SourceGroupId or
//     SourcePrefixListId for ingress rules and the Dest* fields for egress
//     rules, at most one of them. The other side's CIDR fields
//     (DestCidrIp / Ipv6DestCidrIp on an ingress rule, SourceCidrIp /
//     Ipv6SourceCidrIp on an egress rule) are the quintuple rules' local
//     restriction and go into Dst or Src; a group or prefix list on the
//     local side is an error. *CidrIp fields hold IPv4 and Ipv6*CidrIp
//     fields IPv6 addresses. Rules carry no Family: the addresses do.
//   - NicType "" and "intranet" are read; "internet" (classic-network
//     public NIC rules) is an error: sgsim models VPC security groups.
//   - A non-empty PortRangeListId (a port list) is an error: the list's
//     ports are not in this document.
//   - InnerAccessPolicy "" is Accept, the vendor default. Whether a group
//     is advanced (enterprise) is not in this response (it is
//     SecurityGroupType in DescribeSecurityGroups), so Group.Advanced is
//     false on reading and an advanced group is not written.
//   - Rule.ID and Origin.Record are SecurityGroupRuleId; Origin.Document is
//     "DescribeSecurityGroupAttribute"; Origin.Path is
//     "Permissions.Permission[i]" (prefixed by "[g]." in an array of
//     groups); Origin.Note is the rule's Description, verbatim.
//   - Network ACLs (DescribeNetworkAclAttributes, DescribeNetworkAcls) are
//     read by ReadNetworkAcls in acl.go.
//
// Unknown fields are ignored; an unknown value of a known field is an
// error. Every error is an *Error naming the JSON path and the offending
// value. All errors of a document come at once, as a *read.Errors
// listing each with its line and column. A key given twice in one object
// (or twice but for case) and invalid UTF-8 are errors anywhere in the
// document. With read.SkipInvalid the bad records (the permissions) are
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

// DocGroup is the API operation name, as Origin.Document of the rules read.
const DocGroup = "DescribeSecurityGroupAttribute"

// Error reports a bad value in an API document: where it is, the value as
// the document has it (a quoted string or JSON text), and what was wanted.
type Error struct {
	Path  string // JSON path, e.g. "Permissions.Permission[3].PortRange"; "" for the whole document
	Value string // the offending value: Go-quoted string or raw JSON; may be ""
	Msg   string
}

func (e *Error) Error() string { return jsonx.Message("alibaba", e.Path, e.Value, e.Msg) }

type apiGroup struct {
	SecurityGroupID   json.RawMessage `json:"SecurityGroupId"`
	SecurityGroupName json.RawMessage `json:"SecurityGroupName"`
	InnerAccessPolicy json.RawMessage `json:"InnerAccessPolicy"`
	Permissions       json.RawMessage `json:"Permissions"`
}

type apiPermissions struct {
	Permission json.RawMessage `json:"Permission"`
}

// apiPermission holds one rule. Every field is kept raw so that a value of
// the wrong JSON type is reported with its path and text.
type apiPermission struct {
	SecurityGroupRuleID json.RawMessage `json:"SecurityGroupRuleId"`
	Direction           json.RawMessage `json:"Direction"`
	IPProtocol          json.RawMessage `json:"IpProtocol"`
	PortRange           json.RawMessage `json:"PortRange"`
	SourcePortRange     json.RawMessage `json:"SourcePortRange"`
	SourceCidrIP        json.RawMessage `json:"SourceCidrIp"`
	DestCidrIP          json.RawMessage `json:"DestCidrIp"`
	Ipv6SourceCidrIP    json.RawMessage `json:"Ipv6SourceCidrIp"`
	Ipv6DestCidrIP      json.RawMessage `json:"Ipv6DestCidrIp"`
	SourceGroupID       json.RawMessage `json:"SourceGroupId"`
	DestGroupID         json.RawMessage `json:"DestGroupId"`
	SourcePrefixListID  json.RawMessage `json:"SourcePrefixListId"`
	DestPrefixListID    json.RawMessage `json:"DestPrefixListId"`
	PortRangeListID     json.RawMessage `json:"PortRangeListId"`
	Policy              json.RawMessage `json:"Policy"`
	Priority            json.RawMessage `json:"Priority"`
	NicType             json.RawMessage `json:"NicType"`
	Description         json.RawMessage `json:"Description"`
}

// ReadSecurityGroup reads one DescribeSecurityGroupAttribute response. See
// the file comment for the fields and the decisions taken. The records
// of a lenient read (read.SkipInvalid) are the permissions; a bad group
// field fails the read.
func ReadSecurityGroup(r io.Reader, opts ...read.Option) (sgsim.Group, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return sgsim.Group{}, fmt.Errorf("alibaba: read: %w", err)
	}
	doc, err := dec.Open(data, true, opts)
	if err != nil {
		return sgsim.Group{}, err
	}
	g, recs, listPath, err := readGroupHead("", data)
	if err != nil {
		doc.Fail(err)
	} else {
		readPermissions(doc, &g, listPath, recs)
	}
	if err := doc.Err(); err != nil {
		return sgsim.Group{}, err
	}
	return g, nil
}

// ReadSecurityGroups reads a JSON array of DescribeSecurityGroupAttribute
// responses: the groups attached to one network interface, in attachment
// order. A group given twice is an error. The records of a lenient read
// are the permissions; a group with a bad field of its own is skipped
// with its permissions.
func ReadSecurityGroups(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("alibaba: read: %w", err)
	}
	doc, err := dec.Open(data, true, opts)
	if err != nil {
		return nil, err
	}
	groups := readSecurityGroups(doc, data)
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return groups, nil
}

func readSecurityGroups(doc *jsonx.Doc, data []byte) []sgsim.Group {
	elems, err := dec.Array("top level", data)
	if err != nil {
		doc.Fail(err)
		return nil
	}
	groups := make([]sgsim.Group, 0, len(elems))
	seen := map[string]bool{}
	for i, raw := range elems {
		prefix := "[" + strconv.Itoa(i) + "]"
		g, recs, listPath, err := readGroupHead(prefix, raw)
		if err == nil && seen[g.ID] {
			err = &Error{Path: prefix + ".SecurityGroupId", Value: strconv.Quote(g.ID), Msg: "group given twice"}
		}
		seen[g.ID] = true
		if doc.Container(prefix, err, listPath) {
			continue
		}
		readPermissions(doc, &g, listPath, recs)
		groups = append(groups, g)
	}
	return groups
}

// readGroupHead reads the fields of one DescribeSecurityGroupAttribute
// response and returns its permission records and their path; prefix is
// its path ("" for a whole document, "[i]" in an array).
func readGroupHead(prefix string, raw json.RawMessage) (sgsim.Group, []json.RawMessage, string, error) {
	listPath := jsonx.Join(prefix, "Permissions.Permission")
	var a apiGroup
	if err := dec.Object(prefix, raw, &a); err != nil {
		return sgsim.Group{}, nil, listPath, err
	}
	f := dec.Fields(prefix)
	var g sgsim.Group
	g.ID = f.Str("SecurityGroupId", a.SecurityGroupID)
	g.Name = f.Str("SecurityGroupName", a.SecurityGroupName)
	inner := f.Str("InnerAccessPolicy", a.InnerAccessPolicy)
	if f.Err != nil {
		return g, nil, listPath, f.Err
	}
	if g.ID == "" {
		return g, nil, listPath, &Error{Path: jsonx.Join(prefix, "SecurityGroupId"), Value: strconv.Quote(g.ID), Msg: "want the ID of the security group"}
	}
	switch strings.ToLower(inner) {
	case "", "accept":
		g.InnerAccess = sgsim.InnerAccept
	case "drop":
		g.InnerAccess = sgsim.InnerDrop
	default:
		return g, nil, listPath, &Error{Path: jsonx.Join(prefix, "InnerAccessPolicy"), Value: strconv.Quote(inner), Msg: "want Accept or Drop"}
	}
	if jsonx.IsNull(a.Permissions) {
		return g, nil, listPath, &Error{Path: jsonx.Join(prefix, "Permissions"), Msg: `missing; want {"Permission": [...]}`}
	}
	var ps apiPermissions
	if err := dec.Object(jsonx.Join(prefix, "Permissions"), a.Permissions, &ps); err != nil {
		return g, nil, listPath, err
	}
	if jsonx.IsNull(ps.Permission) {
		return g, nil, listPath, &Error{Path: listPath, Msg: "missing; want an array of rules"}
	}
	recs, err := dec.Array(listPath, ps.Permission)
	return g, recs, listPath, err
}

// readPermissions reads the permission records of g, at listPath.
func readPermissions(doc *jsonx.Doc, g *sgsim.Group, listPath string, recs []json.RawMessage) {
	for i, rec := range recs {
		path := listPath + "[" + strconv.Itoa(i) + "]"
		r, err := readPermission(path, rec)
		if doc.Record(path, err) {
			continue
		}
		g.Rules = append(g.Rules, r)
	}
}

func readPermission(path string, raw json.RawMessage) (sgsim.Rule, error) {
	var a apiPermission
	var r sgsim.Rule
	if err := dec.Object(path, raw, &a); err != nil {
		return r, err
	}
	f := dec.Fields(path)
	id := f.Str("SecurityGroupRuleId", a.SecurityGroupRuleID)
	dir := f.Str("Direction", a.Direction)
	proto := f.Str("IpProtocol", a.IPProtocol)
	pr := f.Str("PortRange", a.PortRange)
	spr := f.Str("SourcePortRange", a.SourcePortRange)
	policy := f.Str("Policy", a.Policy)
	nic := f.Str("NicType", a.NicType)
	prl := f.Str("PortRangeListId", a.PortRangeListID)
	desc := f.Str("Description", a.Description)
	src := [4]string{f.Str("SourceCidrIp", a.SourceCidrIP), f.Str("Ipv6SourceCidrIp", a.Ipv6SourceCidrIP),
		f.Str("SourceGroupId", a.SourceGroupID), f.Str("SourcePrefixListId", a.SourcePrefixListID)}
	dst := [4]string{f.Str("DestCidrIp", a.DestCidrIP), f.Str("Ipv6DestCidrIp", a.Ipv6DestCidrIP),
		f.Str("DestGroupId", a.DestGroupID), f.Str("DestPrefixListId", a.DestPrefixListID)}
	if f.Err != nil {
		return r, f.Err
	}
	r.ID = id
	r.Origin = sgsim.Origin{Vendor: "alibaba", Document: DocGroup, Record: id, Path: path, Note: desc}
	bad := func(field, value, msg string) error {
		return &Error{Path: path + "." + field, Value: strconv.Quote(value), Msg: msg}
	}
	switch strings.ToLower(dir) {
	case "ingress":
		r.Direction = sgsim.Ingress
	case "egress":
		r.Direction = sgsim.Egress
	default:
		return r, bad("Direction", dir, "want ingress or egress")
	}
	var err error
	if r.Protocol, err = parseProtocol(proto); err != nil {
		return r, bad("IpProtocol", proto, err.Error())
	}
	if r.DstPorts, err = parseRange(pr, r.Protocol); err != nil {
		return r, bad("PortRange", pr, err.Error())
	}
	if r.SrcPorts, err = parseRange(spr, r.Protocol); err != nil {
		return r, bad("SourcePortRange", spr, err.Error())
	}
	if prl != "" {
		return r, bad("PortRangeListId", prl, "port lists are not resolved from this document; want \"\"")
	}
	switch strings.ToLower(policy) {
	case "", "accept":
		r.Action = sgsim.Allow
	case "drop":
		r.Action = sgsim.Deny
	default:
		return r, bad("Policy", policy, "want Accept or Drop")
	}
	if r.Priority, err = priority(path+".Priority", a.Priority); err != nil {
		return r, err
	}
	switch strings.ToLower(nic) {
	case "", "intranet":
	case "internet":
		return r, bad("NicType", nic, "classic-network public NIC rules are not modelled; want intranet")
	default:
		return r, bad("NicType", nic, "want intranet")
	}
	remoteNames, localNames := srcNames, dstNames
	remote, local := src, dst
	if r.Direction == sgsim.Egress {
		remoteNames, localNames = dstNames, srcNames
		remote, local = dst, src
	}
	// Remote: one of CIDR v4, CIDR v6, group, prefix list.
	first := -1
	for k, v := range remote {
		if v == "" {
			continue
		}
		if first >= 0 {
			return r, bad(remoteNames[k], v, remoteNames[first]+" "+strconv.Quote(remote[first])+" is also set; a rule has at most one remote")
		}
		first = k
	}
	var remoteAddrs, localAddrs sgsim.Addrs
	switch first {
	case 0, 1:
		if remoteAddrs, err = cidr(remote[first], first == 1); err != nil {
			return r, bad(remoteNames[first], remote[first], err.Error())
		}
	case 2:
		r.RemoteGroup = remote[2]
	case 3:
		r.RemoteList = remote[3]
	}
	// Local side (quintuple rules): one CIDR, no group or list.
	for k := 2; k < 4; k++ {
		if local[k] != "" {
			return r, bad(localNames[k], local[k], "an "+r.Direction.String()+" rule's "+localNames[k]+" names its own side; want \"\"")
		}
	}
	if local[0] != "" && local[1] != "" {
		return r, bad(localNames[1], local[1], localNames[0]+" "+strconv.Quote(local[0])+" is also set; want at most one")
	}
	for k := 0; k < 2; k++ {
		if local[k] == "" {
			continue
		}
		if localAddrs, err = cidr(local[k], k == 1); err != nil {
			return r, bad(localNames[k], local[k], err.Error())
		}
		if (first == 0 || first == 1) && first != k {
			return r, bad(localNames[k], local[k], "address family differs from "+remoteNames[first]+" "+strconv.Quote(remote[first]))
		}
	}
	if r.Direction == sgsim.Ingress {
		r.Src, r.Dst = remoteAddrs, localAddrs
	} else {
		r.Src, r.Dst = localAddrs, remoteAddrs
	}
	return r, dec.Validate(path, &r)
}

var (
	srcNames = [4]string{"SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourcePrefixListId"}
	dstNames = [4]string{"DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId"}
)

func parseProtocol(s string) (sgsim.Protocol, error) {
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
	if s != "" && len(s) <= 3 && strings.TrimLeft(s, "0123456789") == "" {
		if n, _ := strconv.Atoi(s); n <= 255 {
			return sgsim.ProtocolNumber(uint8(n)), nil
		}
	}
	return 0, errors.New("want TCP, UDP, ICMP, ICMPv6, GRE, ALL or a protocol number 0-255")
}

// protoText is the protocol as the API writes it.
func protoText(p sgsim.Protocol) string {
	switch p {
	case sgsim.AnyProtocol:
		return "ALL"
	case sgsim.TCP:
		return "TCP"
	case sgsim.UDP:
		return "UDP"
	case sgsim.ICMP:
		return "ICMP"
	case sgsim.ICMPv6:
		return "ICMPv6"
	case sgsim.GRE:
		return "GRE"
	}
	n, _ := p.Number()
	return strconv.Itoa(int(n))
}

// parseRange parses "FROM/TO"; "-1/-1" and "" give nil (every port).
func parseRange(s string, p sgsim.Protocol) (sgsim.Ports, error) {
	if s == "" || s == "-1/-1" {
		return nil, nil
	}
	a, b, ok := strings.Cut(s, "/")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || strings.HasPrefix(a, "+") || strings.HasPrefix(b, "+") {
		return nil, errors.New(`want "FROM/TO"`)
	}
	if lo < 1 || hi < 1 || lo > 65535 || hi > 65535 {
		return nil, errors.New(`want ports 1-65535, or "-1/-1" for all`)
	}
	if lo > hi {
		return nil, errors.New("first port above last port")
	}
	if !p.HasPorts() {
		return nil, errors.New("protocol " + p.String() + ` has no ports; want "-1/-1"`)
	}
	return sgsim.Ports{{First: uint16(lo), Last: uint16(hi)}}, nil
}

func rangeText(ps sgsim.Ports, all string) (string, error) {
	switch {
	case ps == nil:
		return all, nil
	case len(ps) != 1:
		return "", errors.New("ports " + ps.String() + ": an Alibaba rule holds one range")
	case ps[0].First == 0:
		return "", errors.New("ports " + ps.String() + ": Alibaba ports are 1-65535")
	}
	return strconv.Itoa(int(ps[0].First)) + "/" + strconv.Itoa(int(ps[0].Last)), nil
}

// cidr parses one address or CIDR block of the field's family.
func cidr(s string, v6 bool) (sgsim.Addrs, error) {
	p, msg := netx.Prefix(s)
	if msg != "" {
		return sgsim.Addrs{}, errors.New(msg)
	}
	if p.Addr().Is6() != v6 {
		if v6 {
			return sgsim.Addrs{}, errors.New("want an IPv6 address or CIDR block")
		}
		return sgsim.Addrs{}, errors.New("want an IPv4 address or CIDR block")
	}
	return sgsim.PrefixAddrs(p), nil
}

func priority(path string, raw json.RawMessage) (int, error) {
	lo, hi, _ := sgsim.Alibaba.PriorityRange()
	n, ok, err := dec.Int(path, raw, true)
	if err != nil || ok && (n < lo || n > hi) {
		return 0, &Error{Path: path, Value: jsonx.Short(raw), Msg: "want a number " + strconv.Itoa(lo) + "-" + strconv.Itoa(hi)}
	}
	if !ok {
		return 1, nil
	}
	return n, nil
}

// prefixText returns the single prefix a holds, as the API writes it, and
// whether it is IPv6.
func prefixText(a sgsim.Addrs) (string, bool, bool) {
	rs := a.Ranges()
	if len(rs) != 1 {
		return "", false, false
	}
	p, ok := rs[0].Prefix()
	if !ok {
		return "", false, false
	}
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String(), p.Addr().Is6(), true
	}
	return p.String(), p.Addr().Is6(), true
}

type outGroup struct {
	SecurityGroupID   string         `json:"SecurityGroupId"`
	SecurityGroupName string         `json:"SecurityGroupName"`
	InnerAccessPolicy string         `json:"InnerAccessPolicy"`
	Permissions       outPermissions `json:"Permissions"`
}

type outPermissions struct {
	Permission []outPermission `json:"Permission"`
}

type outPermission struct {
	SecurityGroupRuleID string `json:"SecurityGroupRuleId"`
	Direction           string `json:"Direction"`
	IPProtocol          string `json:"IpProtocol"`
	PortRange           string `json:"PortRange"`
	SourcePortRange     string `json:"SourcePortRange"`
	SourceCidrIP        string `json:"SourceCidrIp"`
	DestCidrIP          string `json:"DestCidrIp"`
	Ipv6SourceCidrIP    string `json:"Ipv6SourceCidrIp"`
	Ipv6DestCidrIP      string `json:"Ipv6DestCidrIp"`
	SourceGroupID       string `json:"SourceGroupId"`
	DestGroupID         string `json:"DestGroupId"`
	SourcePrefixListID  string `json:"SourcePrefixListId"`
	DestPrefixListID    string `json:"DestPrefixListId"`
	Policy              string `json:"Policy"`
	Priority            string `json:"Priority"`
	NicType             string `json:"NicType"`
	Description         string `json:"Description"`
}

// WriteSecurityGroup writes g as a DescribeSecurityGroupAttribute response.
// Rule.ID becomes SecurityGroupRuleId and Origin.Note Description.
//
// What Alibaba cannot express is an error naming the group, rule and
// field: InnerAccess none, an advanced group, a rule Family, more than one
// port range on a side, port 0, an ICMP type, a side that is not one
// address or CIDR block, a priority outside 1-100.
func WriteSecurityGroup(w io.Writer, g sgsim.Group) error {
	out, err := writeGroup(g)
	if err != nil {
		return err
	}
	return jsonx.Write(w, "alibaba", out)
}

// WriteSecurityGroups writes the groups as a JSON array of
// DescribeSecurityGroupAttribute responses, in order.
func WriteSecurityGroups(w io.Writer, groups []sgsim.Group) error {
	out := make([]outGroup, 0, len(groups))
	for _, g := range groups {
		o, err := writeGroup(g)
		if err != nil {
			return err
		}
		out = append(out, o)
	}
	return jsonx.Write(w, "alibaba", out)
}

func writeGroup(g sgsim.Group) (outGroup, error) {
	out := outGroup{SecurityGroupID: g.ID, SecurityGroupName: g.Name, Permissions: outPermissions{Permission: []outPermission{}}}
	if g.ID == "" {
		return out, errors.New("alibaba: write: a group has no ID; SecurityGroupId is required")
	}
	switch {
	case g.Advanced:
		return out, fmt.Errorf("alibaba: write group %q: advanced group: DescribeSecurityGroupAttribute does not say a group is advanced", g.ID)
	case g.InnerAccess == sgsim.InnerAccept:
		out.InnerAccessPolicy = "Accept"
	case g.InnerAccess == sgsim.InnerDrop:
		out.InnerAccessPolicy = "Drop"
	default:
		return out, fmt.Errorf("alibaba: write group %q: InnerAccess %v: want accept or drop", g.ID, g.InnerAccess)
	}
	for i := range g.Rules {
		p, err := writePermission(&g.Rules[i])
		if err != nil {
			return out, fmt.Errorf("alibaba: write group %q rule %d (%q): %w", g.ID, i, g.Rules[i].ID, err)
		}
		out.Permissions.Permission = append(out.Permissions.Permission, p)
	}
	return out, nil
}

func writePermission(r *sgsim.Rule) (outPermission, error) {
	p := outPermission{SecurityGroupRuleID: r.ID, Direction: r.Direction.String(), IPProtocol: protoText(r.Protocol),
		NicType: "intranet", Description: r.Origin.Note}
	if err := r.Validate(); err != nil {
		return p, err
	}
	if r.Family != sgsim.AnyFamily {
		return p, errors.New("family " + r.Family.String() + ": Alibaba rules have no family field; the addresses carry it")
	}
	if !r.ICMP.IsAny() {
		return p, errors.New("ICMP type or code: Alibaba rules match every ICMP message")
	}
	var err error
	if p.PortRange, err = rangeText(r.DstPorts, "-1/-1"); err != nil {
		return p, err
	}
	if p.SourcePortRange, err = rangeText(r.SrcPorts, ""); err != nil {
		return p, err
	}
	p.Policy = "Accept"
	if r.Action == sgsim.Deny {
		p.Policy = "Drop"
	}
	if lo, hi, _ := sgsim.Alibaba.PriorityRange(); r.Priority < lo || r.Priority > hi {
		return p, errors.New("priority " + strconv.Itoa(r.Priority) + ": want 1-100")
	}
	p.Priority = strconv.Itoa(r.Priority)
	side := func(a sgsim.Addrs, v4, v6 *string, what string) error {
		if a.IsAny() {
			return nil
		}
		s, is6, ok := prefixText(a)
		if !ok {
			return errors.New(what + " " + a.String() + ": want one address or CIDR block")
		}
		if is6 {
			*v6 = s
		} else {
			*v4 = s
		}
		return nil
	}
	if r.Direction == sgsim.Ingress {
		if err := side(r.Src, &p.SourceCidrIP, &p.Ipv6SourceCidrIP, "remote"); err != nil {
			return p, err
		}
		if err := side(r.Dst, &p.DestCidrIP, &p.Ipv6DestCidrIP, "local side"); err != nil {
			return p, err
		}
		p.SourceGroupID, p.SourcePrefixListID = r.RemoteGroup, r.RemoteList
	} else {
		if err := side(r.Dst, &p.DestCidrIP, &p.Ipv6DestCidrIP, "remote"); err != nil {
			return p, err
		}
		if err := side(r.Src, &p.SourceCidrIP, &p.Ipv6SourceCidrIP, "local side"); err != nil {
			return p, err
		}
		p.DestGroupID, p.DestPrefixListID = r.RemoteGroup, r.RemoteList
	}
	return p, nil
}

// dec decodes with the helpers shared by the vendor packages, every error
// an *Error.
var dec = jsonx.Decoder{Err: func(path, value, msg string) error {
	return &Error{Path: path, Value: value, Msg: msg}
}, PathOf: func(err error) (string, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Path, true
	}
	return "", false
}}
