package tencent

// Reading and writing Tencent Cloud VPC security group policy exports.
//
// ReadPolicies reads the response of the VPC DescribeSecurityGroupPolicies
// operation (API version 2017-03-12):
//
//	{"Response": {"SecurityGroupPolicySet": {"Version": "12",
//	  "Ingress": [{"PolicyIndex": 0, "Protocol": "TCP", "Port": "22",
//	    "ServiceTemplate": {"ServiceId": "", "ServiceGroupId": ""},
//	    "CidrBlock": "0.0.0.0/0", "Ipv6CidrBlock": "", "SecurityGroupId": "",
//	    "AddressTemplate": {"AddressId": "", "AddressGroupId": ""},
//	    "Action": "ACCEPT", "PolicyDescription": "...",
//	    "ModifyTime": "..."}, ...],
//	  "Egress": [...]}, "RequestId": "..."}}
//
// The request's SecurityGroupId is not in the response, so the caller
// passes it. The "Response" wrapper may be left out (as tccli prints the
// body). WritePolicies renders a group back.
//
// Field names used, and where they were confirmed: the SecurityGroupPolicy
// and SecurityGroupPolicySet models of tencentcloud-sdk-go
// (tencentcloud/vpc/v20170312/models.go: PolicyIndex, Protocol, Port,
// ServiceTemplate{ServiceId, ServiceGroupId}, CidrBlock, Ipv6CidrBlock,
// SecurityGroupId, AddressTemplate{AddressId, AddressGroupId}, Action,
// PolicyDescription, ModifyTime; Version, Egress, Ingress) and the
// DescribeSecurityGroupPolicies, CreateSecurityGroupPolicies and
// ModifySecurityGroupPolicies pages (Protocol TCP, UDP, ICMP, ICMPV6, GRE,
// ALL; Port "80", "8000-8010", "80,443" or ALL, for TCP and UDP only;
// source fields mutually exclusive).
//
// Decisions and what is unconfirmed:
//   - Protocol is matched in any case; Port "", "ALL" and "all" mean every
//     port (and are the only values for ICMP, ICMPv6, GRE and ALL); ports
//     are 1-65535.
//   - PolicyIndex is the rule's Priority: the policy list order of
//     sgsim.Tencent, per direction, 0 first. A missing PolicyIndex takes
//     the record's position in its list (unconfirmed: the API always sends
//     it); two records of one direction with the same PolicyIndex are an
//     error. Records keep their list order.
//   - The remote (Src for Ingress, Dst for Egress) is one of CidrBlock
//     (IPv4), Ipv6CidrBlock (IPv6), SecurityGroupId (Rule.RemoteGroup),
//     AddressTemplate.AddressId or .AddressGroupId (Rule.RemoteList); a
//     policy with none matches every address. Tencent treats any
//     "0.0.0.0/n" CidrBlock as 0.0.0.0/0, and so does ReadPolicies. The
//     writer puts a RemoteList starting "ipmg-" into AddressGroupId and any
//     other into AddressId.
//   - A ServiceTemplate (ServiceId or ServiceGroupId: a protocol and port
//     template) is an error that names it: its protocols and ports are not
//     in this document, and a rule cannot hold a reference to them.
//   - Rule.ID and Origin.Record are the PolicyIndex as text; Origin.Document
//     is "DescribeSecurityGroupPolicies"; Origin.Path is
//     "Response.SecurityGroupPolicySet.Ingress[i]" (or .Egress[i]);
//     Origin.Note is the PolicyDescription, verbatim. Groups have no
//     implicit inner access (unconfirmed, see SEMANTICS.md) and no name
//     here.
//   - A Response.Error object (a failed call saved as an export) is
//     reported as an error.
//   - An absent or null Ingress or Egress list is read as no policies in
//     that direction, so the group denies it all (SDKs omit empty lists);
//     SecurityGroupPolicySet itself is required.
//   - Network ACL entries are read by ReadNetworkAcls and
//     ReadNetworkAclQuintupleEntries (acl.go).
//
// Unknown fields are ignored; an unknown value of a known field is an
// error. Every error is an *Error naming the JSON path and the offending
// value. All errors of a document come at once, as a *read.Errors
// listing each with its line and column; a key given twice in one object
// (or twice but for case) and invalid UTF-8 are errors anywhere. With
// read.SkipInvalid the bad policies are skipped and listed in the
// read.Report; the records counted are the policies.

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

// DocPolicies is the API operation name, as Origin.Document of the rules
// read.
const DocPolicies = "DescribeSecurityGroupPolicies"

// Error reports a bad value in an API document: where it is, the value as
// the document has it (a quoted string or JSON text), and what was wanted.
type Error struct {
	Path  string // JSON path, e.g. "Response.SecurityGroupPolicySet.Ingress[3].Port"; "" for the whole document
	Value string // the offending value: Go-quoted string or raw JSON; may be ""
	Msg   string
}

func (e *Error) Error() string { return jsonx.Message("tencent", e.Path, e.Value, e.Msg) }

// apiTop is the top level of every response read here, inside or without
// the "Response" wrapper: each operation's result fields and the Error
// object of a failed call.
type apiTop struct {
	Response               json.RawMessage `json:"Response"`
	Error                  json.RawMessage `json:"Error"`
	SecurityGroupPolicySet json.RawMessage `json:"SecurityGroupPolicySet"`
	NetworkAclSet          json.RawMessage `json:"NetworkAclSet"`
	NetworkAclQuintupleSet json.RawMessage `json:"NetworkAclQuintupleSet"`
	TotalCount             json.RawMessage `json:"TotalCount"`
}

type apiError struct {
	Code    json.RawMessage `json:"Code"`
	Message json.RawMessage `json:"Message"`
}

type apiSet struct {
	Ingress json.RawMessage `json:"Ingress"`
	Egress  json.RawMessage `json:"Egress"`
}

// apiPolicy holds one policy. Every field is kept raw so that a value of
// the wrong JSON type is reported with its path and text.
type apiPolicy struct {
	PolicyIndex       json.RawMessage `json:"PolicyIndex"`
	Protocol          json.RawMessage `json:"Protocol"`
	Port              json.RawMessage `json:"Port"`
	ServiceTemplate   json.RawMessage `json:"ServiceTemplate"`
	CidrBlock         json.RawMessage `json:"CidrBlock"`
	Ipv6CidrBlock     json.RawMessage `json:"Ipv6CidrBlock"`
	SecurityGroupID   json.RawMessage `json:"SecurityGroupId"`
	AddressTemplate   json.RawMessage `json:"AddressTemplate"`
	Action            json.RawMessage `json:"Action"`
	PolicyDescription json.RawMessage `json:"PolicyDescription"`
}

type apiService struct {
	ServiceID      json.RawMessage `json:"ServiceId"`
	ServiceGroupID json.RawMessage `json:"ServiceGroupId"`
}

type apiAddress struct {
	AddressID      json.RawMessage `json:"AddressId"`
	AddressGroupID json.RawMessage `json:"AddressGroupId"`
}

// ReadPolicies reads a DescribeSecurityGroupPolicies response and returns
// the policies as the group groupID: ingress policies, then egress
// policies, each in list order. See the file comment for the fields and
// the decisions taken.
func ReadPolicies(r io.Reader, groupID string, opts ...read.Option) (sgsim.Group, error) {
	g := sgsim.Group{ID: groupID}
	doc, data, err := open(r, opts)
	if err != nil {
		return g, err
	}
	readPolicies(doc, data, &g)
	if err := doc.Err(); err != nil {
		return sgsim.Group{ID: groupID}, err
	}
	return g, nil
}

func readPolicies(doc *jsonx.Doc, data []byte, g *sgsim.Group) {
	prefix, top, ok := readTop(doc, data)
	if !ok {
		return
	}
	setPath := jsonx.Join(prefix, "SecurityGroupPolicySet")
	if jsonx.IsNull(top.SecurityGroupPolicySet) {
		doc.Fail(&Error{Path: setPath, Msg: `missing; want the DescribeSecurityGroupPolicies response {"Response": {"SecurityGroupPolicySet": {...}}}`})
		return
	}
	var set apiSet
	if err := dec.Object(setPath, top.SecurityGroupPolicySet, &set); err != nil {
		doc.Fail(err)
		return
	}
	for _, d := range []struct {
		name string
		dir  sgsim.Direction
		raw  json.RawMessage
	}{{"Ingress", sgsim.Ingress, set.Ingress}, {"Egress", sgsim.Egress, set.Egress}} {
		if jsonx.IsNull(d.raw) {
			continue
		}
		listPath := setPath + "." + d.name
		recs, err := dec.Array(listPath, d.raw)
		if err != nil {
			doc.Fail(err)
			continue
		}
		seen := map[int]int{}
		for i, rec := range recs {
			path := listPath + "[" + strconv.Itoa(i) + "]"
			r, err := readPolicy(path, i, d.dir, rec)
			if err == nil {
				if j, dup := seen[r.Priority]; dup {
					err = &Error{Path: path + ".PolicyIndex", Value: strconv.Itoa(r.Priority), Msg: "also the index of " + listPath + "[" + strconv.Itoa(j) + "]; want distinct indexes"}
				} else {
					seen[r.Priority] = i
				}
			}
			if doc.Record(path, err) {
				continue
			}
			g.Rules = append(g.Rules, r)
		}
	}
}

// open reads a whole response and scans it.
func open(r io.Reader, opts []read.Option) (*jsonx.Doc, []byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("tencent: read: %w", err)
	}
	doc, err := dec.Open(data, true, opts)
	return doc, data, err
}

// readTop reads the top of a response: it returns the path prefix
// ("Response", or "" when the wrapper is left out) and the top-level
// fields, and reports a Response.Error as an error. It reports false,
// with the error in doc, when the document cannot be read further.
func readTop(doc *jsonx.Doc, data []byte) (string, apiTop, bool) {
	var top apiTop
	if err := dec.Object("", data, &top); err != nil {
		doc.Fail(err)
		return "", top, false
	}
	prefix := ""
	if !jsonx.IsNull(top.Response) {
		prefix = "Response"
		var inner apiTop
		if err := dec.Object(prefix, top.Response, &inner); err != nil {
			doc.Fail(err)
			return prefix, top, false
		}
		top = inner
	}
	if !jsonx.IsNull(top.Error) {
		doc.Fail(callError(prefix, top.Error))
		return prefix, top, false
	}
	return prefix, top, true
}

// callError reports the Error object of a failed call, saved as an
// export, at prefix.Error.
func callError(prefix string, raw json.RawMessage) error {
	path := jsonx.Join(prefix, "Error")
	var e apiError
	if err := dec.Object(path, raw, &e); err != nil {
		return err
	}
	f := dec.Fields(path)
	code, msg := f.Str("Code", e.Code), f.Str("Message", e.Message)
	if f.Err != nil {
		return f.Err
	}
	return &Error{Path: path, Value: strconv.Quote(code), Msg: "the call failed: " + msg}
}

// readPolicy reads the policy at path, record pos (from 0) of its
// direction's list.
func readPolicy(path string, pos int, dir sgsim.Direction, raw json.RawMessage) (sgsim.Rule, error) {
	r := sgsim.Rule{Direction: dir}
	var a apiPolicy
	if err := dec.Object(path, raw, &a); err != nil {
		return r, err
	}
	f := dec.Fields(path)
	proto := f.Str("Protocol", a.Protocol)
	port := f.Str("Port", a.Port)
	cidr4 := f.Str("CidrBlock", a.CidrBlock)
	cidr6 := f.Str("Ipv6CidrBlock", a.Ipv6CidrBlock)
	sg := f.Str("SecurityGroupId", a.SecurityGroupID)
	action := f.Str("Action", a.Action)
	desc := f.Str("PolicyDescription", a.PolicyDescription)
	if f.Err != nil {
		return r, f.Err
	}
	var svc apiService
	var addr apiAddress
	var svcID, svcGroup, addrID, addrGroup string
	if !jsonx.IsNull(a.ServiceTemplate) {
		if err := dec.Object(path+".ServiceTemplate", a.ServiceTemplate, &svc); err != nil {
			return r, err
		}
		sf := dec.Fields(path + ".ServiceTemplate")
		svcID, svcGroup = sf.Str("ServiceId", svc.ServiceID), sf.Str("ServiceGroupId", svc.ServiceGroupID)
		if sf.Err != nil {
			return r, sf.Err
		}
	}
	if !jsonx.IsNull(a.AddressTemplate) {
		if err := dec.Object(path+".AddressTemplate", a.AddressTemplate, &addr); err != nil {
			return r, err
		}
		af := dec.Fields(path + ".AddressTemplate")
		addrID, addrGroup = af.Str("AddressId", addr.AddressID), af.Str("AddressGroupId", addr.AddressGroupID)
		if af.Err != nil {
			return r, af.Err
		}
	}
	idx, ok, err := dec.Int(path+".PolicyIndex", a.PolicyIndex, false)
	if err != nil {
		return r, err
	}
	if !ok {
		idx = pos
	}
	if lo, hi, _ := sgsim.Tencent.PriorityRange(); idx < lo || idx > hi {
		return r, &Error{Path: path + ".PolicyIndex", Value: jsonx.Short(a.PolicyIndex), Msg: "want an index 0 or more"}
	}
	r.Priority = idx
	r.ID = strconv.Itoa(idx)
	r.Origin = sgsim.Origin{Vendor: "tencent", Document: DocPolicies, Record: r.ID, Path: path, Note: desc}
	bad := func(field, value, msg string) error {
		return &Error{Path: path + "." + field, Value: strconv.Quote(value), Msg: msg}
	}
	if svcID != "" {
		return r, bad("ServiceTemplate.ServiceId", svcID, "protocol port templates are not resolved from this document; want \"\" and Protocol and Port")
	}
	if svcGroup != "" {
		return r, bad("ServiceTemplate.ServiceGroupId", svcGroup, "protocol port template groups are not resolved from this document; want \"\" and Protocol and Port")
	}
	if r.Protocol, err = parseProtocol(proto); err != nil {
		return r, bad("Protocol", proto, err.Error())
	}
	if r.DstPorts, err = parsePorts(port); err != nil {
		return r, bad("Port", port, err.Error())
	}
	if r.DstPorts != nil && !r.Protocol.HasPorts() {
		return r, bad("Port", port, "protocol "+r.Protocol.String()+" has no ports; want ALL")
	}
	if r.Action, ok = parseAction(action); !ok {
		return r, bad("Action", action, "want ACCEPT or DROP")
	}
	remotes := [5]string{cidr4, cidr6, sg, addrID, addrGroup}
	first := -1
	for k, v := range remotes {
		if v == "" {
			continue
		}
		if first >= 0 {
			return r, bad(remoteNames[k], v, remoteNames[first]+" "+strconv.Quote(remotes[first])+" is also set; a policy has at most one source")
		}
		first = k
	}
	var remote sgsim.Addrs
	switch first {
	case 0, 1:
		p, msg := familyPrefix(remotes[first], first == 1)
		if msg != "" {
			return r, bad(remoteNames[first], remotes[first], msg)
		}
		if first == 0 && p.Addr() == netip.IPv4Unspecified() && strings.Contains(remotes[0], "/") {
			p = netip.PrefixFrom(p.Addr(), 0) // the vendor reads any 0.0.0.0/n as 0.0.0.0/0
		}
		remote = sgsim.PrefixAddrs(p)
	case 2:
		r.RemoteGroup = sg
	case 3, 4:
		r.RemoteList = remotes[first]
	}
	if dir == sgsim.Ingress {
		r.Src = remote
	} else {
		r.Dst = remote
	}
	return r, dec.Validate(path, &r)
}

// parseAction parses ACCEPT or DROP, in any case.
func parseAction(s string) (sgsim.Action, bool) {
	switch strings.ToUpper(s) {
	case "ACCEPT":
		return sgsim.Allow, true
	case "DROP":
		return sgsim.Deny, true
	}
	return sgsim.Deny, false
}

var remoteNames = [5]string{"CidrBlock", "Ipv6CidrBlock", "SecurityGroupId", "AddressTemplate.AddressId", "AddressTemplate.AddressGroupId"}

func parseProtocol(s string) (sgsim.Protocol, error) {
	switch strings.ToUpper(s) {
	case "ALL":
		return sgsim.AnyProtocol, nil
	case "TCP":
		return sgsim.TCP, nil
	case "UDP":
		return sgsim.UDP, nil
	case "ICMP":
		return sgsim.ICMP, nil
	case "ICMPV6":
		return sgsim.ICMPv6, nil
	case "GRE":
		return sgsim.GRE, nil
	}
	return 0, errors.New("want TCP, UDP, ICMP, ICMPv6, GRE or ALL")
}

func protoText(p sgsim.Protocol) (string, bool) {
	switch p {
	case sgsim.AnyProtocol:
		return "ALL", true
	case sgsim.TCP:
		return "TCP", true
	case sgsim.UDP:
		return "UDP", true
	case sgsim.ICMP:
		return "ICMP", true
	case sgsim.ICMPv6:
		return "ICMPv6", true
	case sgsim.GRE:
		return "GRE", true
	}
	return "", false
}

// parsePorts parses "80", "8000-8010" or "80,443"; "", "ALL" and "all"
// give nil (every port).
func parsePorts(s string) (sgsim.Ports, error) {
	if s == "" || strings.EqualFold(s, "all") {
		return nil, nil
	}
	return netx.Ports(s, `want ALL or ports 1-65535 as "80", "8000-8010" or "80,443"`)
}

type outTop struct {
	Response outResponse `json:"Response"`
}

type outResponse struct {
	SecurityGroupPolicySet outSet `json:"SecurityGroupPolicySet"`
}

type outSet struct {
	Ingress []outPolicy `json:"Ingress"`
	Egress  []outPolicy `json:"Egress"`
}

type outPolicy struct {
	PolicyIndex     int    `json:"PolicyIndex"`
	Protocol        string `json:"Protocol"`
	Port            string `json:"Port"`
	ServiceTemplate struct {
		ServiceID      string `json:"ServiceId"`
		ServiceGroupID string `json:"ServiceGroupId"`
	} `json:"ServiceTemplate"`
	CidrBlock       string `json:"CidrBlock"`
	Ipv6CidrBlock   string `json:"Ipv6CidrBlock"`
	SecurityGroupID string `json:"SecurityGroupId"`
	AddressTemplate struct {
		AddressID      string `json:"AddressId"`
		AddressGroupID string `json:"AddressGroupId"`
	} `json:"AddressTemplate"`
	Action            string `json:"Action"`
	PolicyDescription string `json:"PolicyDescription"`
}

// WritePolicies writes g as a DescribeSecurityGroupPolicies response:
// ingress rules into Ingress and egress rules into Egress, in slice order,
// with PolicyIndex from Priority and PolicyDescription from Origin.Note.
// Rule.ID and Group.ID and Name are not written (the response has no place
// for them).
//
// What Tencent cannot express is an error naming the group, rule and
// field: inner access or an advanced group, a rule Family, source ports, a
// restricted local side, an ICMP type, a protocol other than TCP, UDP,
// ICMP, ICMPv6, GRE and any, port 0, a remote that is not one address or
// CIDR block, a negative or repeated (per direction) priority.
func WritePolicies(w io.Writer, g sgsim.Group) error {
	if g.InnerAccess != sgsim.NoInnerAccess || g.Advanced {
		return fmt.Errorf("tencent: write group %q: inner access %v or advanced group: Tencent groups have neither", g.ID, g.InnerAccess)
	}
	out := outTop{Response: outResponse{SecurityGroupPolicySet: outSet{Ingress: []outPolicy{}, Egress: []outPolicy{}}}}
	seen := [2]map[int]bool{{}, {}}
	for i := range g.Rules {
		r := &g.Rules[i]
		p, err := writePolicy(r)
		if err == nil && seen[r.Direction][r.Priority] {
			err = errors.New("priority " + strconv.Itoa(r.Priority) + ": another " + r.Direction.String() + " rule has it; PolicyIndex must be distinct")
		}
		if err != nil {
			return fmt.Errorf("tencent: write group %q rule %d (%q): %w", g.ID, i, r.ID, err)
		}
		seen[r.Direction][r.Priority] = true
		if r.Direction == sgsim.Ingress {
			out.Response.SecurityGroupPolicySet.Ingress = append(out.Response.SecurityGroupPolicySet.Ingress, p)
		} else {
			out.Response.SecurityGroupPolicySet.Egress = append(out.Response.SecurityGroupPolicySet.Egress, p)
		}
	}
	return jsonx.Write(w, "tencent", out)
}

func writePolicy(r *sgsim.Rule) (outPolicy, error) {
	p := outPolicy{PolicyIndex: r.Priority, Port: "ALL", Action: "ACCEPT", PolicyDescription: r.Origin.Note}
	if err := r.Validate(); err != nil {
		return p, err
	}
	var ok bool
	if p.Protocol, ok = protoText(r.Protocol); !ok {
		return p, errors.New("protocol " + r.Protocol.String() + ": want tcp, udp, icmp, icmpv6, gre or any")
	}
	switch {
	case r.Family != sgsim.AnyFamily:
		return p, errors.New("family " + r.Family.String() + ": Tencent policies have no family field; the addresses carry it")
	case r.SrcPorts != nil:
		return p, errors.New("source ports " + r.SrcPorts.String() + ": Tencent policies match destination ports only")
	case !r.ICMP.IsAny():
		return p, errors.New("ICMP type or code: Tencent policies match every ICMP message")
	case r.Priority < 0:
		return p, errors.New("priority " + strconv.Itoa(r.Priority) + ": want a PolicyIndex 0 or more")
	}
	if r.DstPorts != nil {
		for _, pr := range r.DstPorts {
			if pr.First == 0 {
				return p, errors.New("ports " + r.DstPorts.String() + ": Tencent ports are 1-65535")
			}
		}
		p.Port = r.DstPorts.String()
	}
	if r.Action == sgsim.Deny {
		p.Action = "DROP"
	}
	remote, local := r.Src, r.Dst
	if r.Direction == sgsim.Egress {
		remote, local = local, remote
	}
	if !local.IsAny() {
		return p, errors.New("local side " + local.String() + ": Tencent policies restrict the remote side only")
	}
	if !remote.IsAny() {
		pfx, ok := onePrefix(remote)
		if !ok {
			return p, errors.New("remote " + remote.String() + ": want one address or CIDR block")
		}
		s := pfx.String()
		if pfx.Bits() == pfx.Addr().BitLen() {
			s = pfx.Addr().String()
		}
		if pfx.Addr().Is4() {
			p.CidrBlock = s
		} else {
			p.Ipv6CidrBlock = s
		}
	}
	p.SecurityGroupID = r.RemoteGroup
	if strings.HasPrefix(r.RemoteList, "ipmg-") {
		p.AddressTemplate.AddressGroupID = r.RemoteList
	} else {
		p.AddressTemplate.AddressID = r.RemoteList
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
