package huawei

// Reading and writing Huawei Cloud VPC security group rule exports.
//
// ReadRules reads the response of the VPC v3 ListSecurityGroupRules
// operation (GET /v3/{project_id}/vpc/security-group-rules):
//
//	{"security_group_rules": [{"id": ..., "security_group_id": ...,
//	  "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
//	  "multiport": "22,3389", "action": "allow", "priority": 1,
//	  "remote_ip_prefix": "0.0.0.0/0", "remote_group_id": null,
//	  "remote_address_group_id": null, "description": "..."}, ...]}
//
// or a group with its rules: the ShowSecurityGroup response (GET
// /v3/{project_id}/vpc/security-groups/{id}, {"security_group": {"id",
// "name", "security_group_rules": [...]}}) or the v1 ListSecurityGroups
// response ({"security_groups": [{"id", "name", "security_group_rules":
// [...]}, ...]}, rules in the Neutron form); a group keeps its name, and a
// group without rules is kept (it denies everything). A document holding
// two of these three forms is refused. The v3 ListSecurityGroups lists
// groups without their rules and is refused with a pointer to these.
//
// Each of those is read, record by record, in the older Neutron form too (GET
// /v2.0/security-group-rules, NeutronListSecurityGroupRules), whose records
// carry port_range_min / port_range_max instead of multiport, action and
// priority. WriteRules renders groups back into the v3 form (or the Neutron
// form for rules read from it).
//
// Field names used, and where they were confirmed:
//   - v3 record: id, security_group_id, direction, ethertype, protocol,
//     multiport, action, priority, remote_ip_prefix, remote_group_id,
//     remote_address_group_id, description: the SecurityGroupRule model of
//     huaweicloud-sdk-go-v3 (services/vpc/v3/model/model_security_group_rule.go),
//     which types priority as an integer; the API definitions of
//     CreateSecurityGroupRule type it as a string ("1"-"100"), so both are
//     accepted. multiport: "80", "1-30" or "22,3389,80"; ports 1-65535.
//   - Neutron record: id, security_group_id, direction, ethertype, protocol,
//     port_range_min, port_range_max, remote_ip_prefix, remote_group_id,
//     remote_address_group_id, description: the NeutronSecurityGroupRule
//     model (services/vpc/v2/model/model_neutron_security_group_rule.go)
//     and the NeutronListSecurityGroupRules page; for ICMP rules
//     port_range_min is the ICMP type and port_range_max the code (a code
//     needs a type).
//
// Decisions and what is unconfirmed:
//   - A record is read in the v3 form when it has a non-null multiport,
//     action or priority, and in the Neutron form otherwise. A v3 record
//     must then have action and priority; port_range_min/max in a v3 record
//     is an error. Neutron rules have neither action nor priority: they are
//     read as allow rules with priority 1 (Neutron security groups allow
//     only, and priority 1 puts them where the v3 API shows them).
//   - An empty or missing ethertype is IPv4 (the API's documented
//     default). Every rule read carries Family IPv4 or IPv6.
//   - An empty or null protocol is any protocol; names (tcp, udp, icmp,
//     icmpv6, gre, sctp, esp, ah, in any case) or decimal numbers 0-255
//     are accepted. "0" is IANA protocol 0, not "any" (unconfirmed).
//   - The v3 form has no field for an ICMP type or code (unconfirmed: the
//     v3 pages say nothing of ICMP in multiport), so a port on an ICMP rule
//     is an error there.
//   - remote_ip_prefix is a single address or CIDR block; remote_group_id
//     goes into Rule.RemoteGroup and remote_address_group_id into
//     Rule.RemoteList; at most one of the three may be set. The remote is
//     Src for ingress and Dst for egress rules.
//   - Rules are grouped by security_group_id in first-seen order and keep
//     list order inside each group. The list has no group names, so
//     Group.Name is empty on reading it and not written. In a group's own
//     list a rule's security_group_id must be the group's id.
//   - Rule.ID and Origin.Record are the rule's id; Origin.Document is
//     "ListSecurityGroupRules" or "NeutronListSecurityGroupRules"; Origin.Path
//     is "security_group_rules[i]"; Origin.Note is the rule's description,
//     verbatim.
//   - Network ACLs (the v3 "firewall" API) are read by ReadFirewalls, in
//     acl.go.
//
// Unknown fields are ignored; an unknown value of a known field is an
// error. Every error is an *Error naming the JSON path and the offending
// value, and a read returns all of them at once: a *read.Errors lists
// each with its line and column. A key given twice in one object (or
// twice but for case) and invalid UTF-8 are errors anywhere in the
// document. With read.SkipInvalid the bad records (entries of
// security_group_rules) are skipped and listed in the read.Report instead.
// multiport may be a JSON number ("multiport": 333, as Huawei's own
// CreateSecurityGroupRule example has it), read as its decimal text.

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

// API operation names, as Origin.Document of the rules read.
// A v3 rule inside a ShowSecurityGroup response is DocShowGroup; the
// rules of the v1 ListSecurityGroups response are in the Neutron form,
// DocNeutronRules (so that WriteRules writes them back in that form).
const (
	DocRules        = "ListSecurityGroupRules"
	DocNeutronRules = "NeutronListSecurityGroupRules"
	DocShowGroup    = "ShowSecurityGroup"
)

// Error reports a bad value in an API document: where it is, the value as
// the document has it (a quoted string or JSON text), and what was wanted.
type Error struct {
	Path  string // JSON path, e.g. "security_group_rules[3].multiport"; "" for the whole document
	Value string // the offending value: Go-quoted string or raw JSON; may be ""
	Msg   string
}

func (e *Error) Error() string { return jsonx.Message("huawei", e.Path, e.Value, e.Msg) }

type apiList struct {
	Rules  json.RawMessage `json:"security_group_rules"`
	Group  json.RawMessage `json:"security_group"`  // ShowSecurityGroup
	Groups json.RawMessage `json:"security_groups"` // ListSecurityGroups (v1)
}

// apiGroup is a security group with its rules (ShowSecurityGroup, v1
// ListSecurityGroups).
type apiGroup struct {
	ID    json.RawMessage `json:"id"`
	Name  json.RawMessage `json:"name"`
	Rules json.RawMessage `json:"security_group_rules"`
}

// apiRule holds one record. Every field is kept raw so that a value of the
// wrong JSON type is reported with its path and text.
type apiRule struct {
	ID                   json.RawMessage `json:"id"`
	SecurityGroupID      json.RawMessage `json:"security_group_id"`
	Direction            json.RawMessage `json:"direction"`
	Ethertype            json.RawMessage `json:"ethertype"`
	Protocol             json.RawMessage `json:"protocol"`
	Multiport            json.RawMessage `json:"multiport"`
	Action               json.RawMessage `json:"action"`
	Priority             json.RawMessage `json:"priority"`
	PortRangeMin         json.RawMessage `json:"port_range_min"`
	PortRangeMax         json.RawMessage `json:"port_range_max"`
	RemoteIPPrefix       json.RawMessage `json:"remote_ip_prefix"`
	RemoteGroupID        json.RawMessage `json:"remote_group_id"`
	RemoteAddressGroupID json.RawMessage `json:"remote_address_group_id"`
	Description          json.RawMessage `json:"description"`
}

// ReadRules reads a ListSecurityGroupRules (v3) or Neutron security group
// rule list and returns the rules grouped by security group, groups in the
// order their first rule appears. See the file comment for the fields and
// the decisions taken.
func ReadRules(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("huawei: read: %w", err)
	}
	doc, err := dec.Open(data, true, opts)
	if err != nil {
		return nil, err
	}
	groups := readRules(doc, data)
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return groups, nil
}

func readRules(doc *jsonx.Doc, data []byte) []sgsim.Group {
	var top apiList
	if err := dec.Object("", data, &top); err != nil {
		doc.Fail(err)
		return nil
	}
	var forms []string
	for _, f := range []struct {
		raw  json.RawMessage
		name string
	}{{top.Rules, "security_group_rules"}, {top.Group, "security_group"}, {top.Groups, "security_groups"}} {
		if !jsonx.IsNull(f.raw) {
			forms = append(forms, f.name)
		}
	}
	if len(forms) > 1 {
		// One would be read and the other left unread without a word.
		doc.Fail(&Error{Path: forms[1], Msg: "a document with " + forms[0] + " too: want one response"})
		return nil
	}
	switch {
	case !jsonx.IsNull(top.Rules):
	case !jsonx.IsNull(top.Group):
		if g, ok := readGroup(doc, "security_group", top.Group, DocShowGroup); ok {
			return []sgsim.Group{g}
		}
		return nil
	case !jsonx.IsNull(top.Groups):
		recs, err := dec.Array("security_groups", top.Groups)
		if err != nil {
			doc.Fail(err)
			return nil
		}
		var groups []sgsim.Group
		seen := map[string]string{}
		for i, raw := range recs {
			path := jsonx.Index("security_groups", i)
			g, ok := readGroup(doc, path, raw, "")
			if !ok {
				continue
			}
			if at, dup := seen[g.ID]; dup {
				doc.Fail(&Error{Path: path + ".id", Value: strconv.Quote(g.ID), Msg: "listed twice (first at " + at + ")"})
				continue
			}
			seen[g.ID] = path
			groups = append(groups, g)
		}
		return groups
	default:
		doc.Fail(&Error{Path: "security_group_rules", Msg: "missing; want the ListSecurityGroupRules response {\"security_group_rules\": [...]}, " +
			"the ShowSecurityGroup response {\"security_group\": {...}} or the v1 ListSecurityGroups response {\"security_groups\": [...]}"})
		return nil
	}
	recs, err := dec.Array("security_group_rules", top.Rules)
	if err != nil {
		doc.Fail(err)
		return nil
	}
	var groups []sgsim.Group
	index := map[string]int{}
	for i, raw := range recs {
		path := jsonx.Index("security_group_rules", i)
		gid, rule, err := readRule(path, raw)
		if doc.Record(path, err) {
			continue
		}
		k, ok := index[gid]
		if !ok {
			k = len(groups)
			index[gid] = k
			groups = append(groups, sgsim.Group{ID: gid})
		}
		groups[k].Rules = append(groups[k].Rules, rule)
	}
	return groups
}

// readGroup reads a security group with its rules at path, and reports
// whether it is kept: a group whose own fields are bad is left out with
// its rules (Container), a bad rule alone.
// v3doc, when not empty, is Origin.Document of the v3 rules read.
func readGroup(doc *jsonx.Doc, path string, raw json.RawMessage, v3doc string) (sgsim.Group, bool) {
	var a apiGroup
	err := dec.Object(path, raw, &a)
	var id, name string
	if err == nil {
		f := dec.Fields(path)
		id, name = f.Str("id", a.ID), f.Str("name", a.Name)
		err = f.Err
	}
	switch {
	case err != nil:
	case id == "":
		err = &Error{Path: path + ".id", Value: strconv.Quote(id), Msg: "want the security group's ID"}
	case jsonx.IsNull(a.Rules):
		err = &Error{Path: path + ".security_group_rules", Msg: "missing: the v3 ListSecurityGroups lists groups without their rules; export ShowSecurityGroup or ListSecurityGroupRules"}
	}
	rpath := path + ".security_group_rules"
	if doc.Container(path, err, rpath) {
		return sgsim.Group{}, false
	}
	recs, err := dec.Array(rpath, a.Rules)
	if doc.Container(path, err, rpath) {
		return sgsim.Group{}, false
	}
	g := sgsim.Group{ID: id, Name: name}
	for i, raw := range recs {
		rp := jsonx.Index(rpath, i)
		gid, rule, err := readRule(rp, raw)
		if err == nil && gid != id {
			err = &Error{Path: rp + ".security_group_id", Value: strconv.Quote(gid), Msg: "not the enclosing group " + strconv.Quote(id)}
		}
		if doc.Record(rp, err) {
			continue
		}
		if v3doc != "" && rule.Origin.Document == DocRules {
			rule.Origin.Document = v3doc
		}
		g.Rules = append(g.Rules, rule)
	}
	return g, true
}

func readRule(path string, raw json.RawMessage) (string, sgsim.Rule, error) {
	var a apiRule
	if err := dec.Object(path, raw, &a); err != nil {
		return "", sgsim.Rule{}, err
	}
	var r sgsim.Rule
	f := dec.Fields(path)
	id := f.Str("id", a.ID)
	gid := f.Str("security_group_id", a.SecurityGroupID)
	dir := f.Str("direction", a.Direction)
	eth := f.Str("ethertype", a.Ethertype)
	proto := f.Str("protocol", a.Protocol)
	desc := f.Str("description", a.Description)
	prefix := f.Str("remote_ip_prefix", a.RemoteIPPrefix)
	rgroup := f.Str("remote_group_id", a.RemoteGroupID)
	rlist := f.Str("remote_address_group_id", a.RemoteAddressGroupID)
	if f.Err != nil {
		return "", r, f.Err
	}
	if gid == "" {
		return "", r, &Error{Path: path + ".security_group_id", Value: strconv.Quote(gid), Msg: "want the ID of the rule's security group"}
	}
	r.ID = id
	v3 := !jsonx.IsNull(a.Multiport) || !jsonx.IsNull(a.Action) || !jsonx.IsNull(a.Priority)
	r.Origin = sgsim.Origin{Vendor: "huawei", Document: DocNeutronRules, Record: id, Path: path, Note: desc}
	if v3 {
		r.Origin.Document = DocRules
	}
	switch strings.ToLower(dir) {
	case "ingress":
		r.Direction = sgsim.Ingress
	case "egress":
		r.Direction = sgsim.Egress
	default:
		return "", r, &Error{Path: path + ".direction", Value: strconv.Quote(dir), Msg: "want ingress or egress"}
	}
	switch strings.ToLower(eth) {
	case "", "ipv4":
		r.Family = sgsim.IPv4
	case "ipv6":
		r.Family = sgsim.IPv6
	default:
		return "", r, &Error{Path: path + ".ethertype", Value: strconv.Quote(eth), Msg: "want IPv4 or IPv6"}
	}
	var err error
	if r.Protocol, err = parseProtocol(proto); err != nil {
		return "", r, &Error{Path: path + ".protocol", Value: strconv.Quote(proto), Msg: err.Error()}
	}
	if v3 {
		if !jsonx.IsNull(a.PortRangeMin) || !jsonx.IsNull(a.PortRangeMax) {
			field := "port_range_min"
			v := a.PortRangeMin
			if jsonx.IsNull(v) {
				field, v = "port_range_max", a.PortRangeMax
			}
			return "", r, &Error{Path: path + "." + field, Value: jsonx.Short(v), Msg: "Neutron port range in a v3 rule (one with multiport, action or priority); use multiport"}
		}
		mp := f.StrNum("multiport", a.Multiport)
		act := f.Str("action", a.Action)
		if f.Err != nil {
			return "", r, f.Err
		}
		if mp != "" {
			if !r.Protocol.HasPorts() {
				return "", r, &Error{Path: path + ".multiport", Value: strconv.Quote(mp), Msg: "protocol " + r.Protocol.String() + " has no ports; want \"\""}
			}
			if r.DstPorts, err = parsePorts(mp); err != nil {
				return "", r, &Error{Path: path + ".multiport", Value: strconv.Quote(mp), Msg: err.Error()}
			}
		}
		switch strings.ToLower(act) {
		case "allow":
			r.Action = sgsim.Allow
		case "deny":
			r.Action = sgsim.Deny
		default:
			return "", r, &Error{Path: path + ".action", Value: strconv.Quote(act), Msg: "want allow or deny"}
		}
		if r.Priority, err = priority(path+".priority", a.Priority); err != nil {
			return "", r, err
		}
	} else {
		r.Action, r.Priority = sgsim.Allow, 1
		if err := neutronPorts(path, &r, a.PortRangeMin, a.PortRangeMax); err != nil {
			return "", r, err
		}
	}
	set := 0
	var first string
	for _, rem := range []struct{ field, v string }{{"remote_ip_prefix", prefix}, {"remote_group_id", rgroup}, {"remote_address_group_id", rlist}} {
		if rem.v == "" {
			continue
		}
		if set++; set > 1 {
			return "", r, &Error{Path: path + "." + rem.field, Value: strconv.Quote(rem.v), Msg: first + " is also set; a rule has at most one remote"}
		}
		first = rem.field + " " + strconv.Quote(rem.v)
	}
	r.RemoteGroup, r.RemoteList = rgroup, rlist
	if prefix != "" {
		p, msg := netx.Prefix(prefix)
		if msg != "" {
			return "", r, &Error{Path: path + ".remote_ip_prefix", Value: strconv.Quote(prefix), Msg: msg}
		}
		if p.Addr().Is4() != (r.Family == sgsim.IPv4) {
			return "", r, &Error{Path: path + ".remote_ip_prefix", Value: strconv.Quote(prefix), Msg: "address family differs from ethertype " + eth}
		}
		if r.Direction == sgsim.Ingress {
			r.Src = sgsim.PrefixAddrs(p)
		} else {
			r.Dst = sgsim.PrefixAddrs(p)
		}
	}
	if err := dec.Validate(path, &r); err != nil {
		return "", r, err
	}
	return gid, r, nil
}

// neutronPorts reads port_range_min/max: a port range for TCP, UDP and
// SCTP, the ICMP type and code for ICMP and ICMPv6, nothing otherwise.
func neutronPorts(path string, r *sgsim.Rule, minRaw, maxRaw json.RawMessage) error {
	lo, hasLo, err := dec.Int(path+".port_range_min", minRaw, false)
	if err != nil {
		return err
	}
	hi, hasHi, err := dec.Int(path+".port_range_max", maxRaw, false)
	if err != nil {
		return err
	}
	switch {
	case !hasLo && !hasHi:
		return nil
	case r.Protocol.HasPorts():
		if !hasLo || !hasHi {
			field, v := "port_range_min", minRaw
			if hasLo {
				field, v = "port_range_max", maxRaw
			}
			return &Error{Path: path + "." + field, Value: jsonx.Short(v), Msg: "want port_range_min and port_range_max both set, or both null"}
		}
		for _, p := range []struct {
			field string
			v     int
		}{{"port_range_min", lo}, {"port_range_max", hi}} {
			if p.v < 1 || p.v > 65535 {
				return &Error{Path: path + "." + p.field, Value: strconv.Itoa(p.v), Msg: "want a port 1-65535"}
			}
		}
		if lo > hi {
			return &Error{Path: path + ".port_range_max", Value: strconv.Itoa(hi), Msg: "below port_range_min " + strconv.Itoa(lo)}
		}
		r.DstPorts = sgsim.Ports{{First: uint16(lo), Last: uint16(hi)}}
		return nil
	case r.Protocol.IsICMP():
		if !hasLo {
			return &Error{Path: path + ".port_range_max", Value: strconv.Itoa(hi), Msg: "an ICMP code needs a type in port_range_min"}
		}
		if lo < 0 || lo > 255 {
			return &Error{Path: path + ".port_range_min", Value: strconv.Itoa(lo), Msg: "want an ICMP type 0-255"}
		}
		r.ICMP = sgsim.ICMPType(uint8(lo))
		if hasHi {
			if hi < 0 || hi > 255 {
				return &Error{Path: path + ".port_range_max", Value: strconv.Itoa(hi), Msg: "want an ICMP code 0-255"}
			}
			r.ICMP.HasCode, r.ICMP.Code = true, uint8(hi)
		}
		return nil
	default:
		field, v := "port_range_min", minRaw
		if !hasLo {
			field, v = "port_range_max", maxRaw
		}
		return &Error{Path: path + "." + field, Value: jsonx.Short(v), Msg: "protocol " + r.Protocol.String() + " has no ports; want null"}
	}
}

func priority(path string, raw json.RawMessage) (int, error) {
	lo, hi, _ := sgsim.Huawei.PriorityRange()
	n, ok, err := dec.Int(path, raw, true)
	if err != nil {
		return 0, &Error{Path: path, Value: jsonx.Short(raw), Msg: "want a number " + strconv.Itoa(lo) + "-" + strconv.Itoa(hi)}
	}
	if !ok {
		return 0, &Error{Path: path, Msg: "missing; want a number " + strconv.Itoa(lo) + "-" + strconv.Itoa(hi)}
	}
	if n < lo || n > hi {
		return 0, &Error{Path: path, Value: jsonx.Short(raw), Msg: "want a number " + strconv.Itoa(lo) + "-" + strconv.Itoa(hi)}
	}
	return n, nil
}

func parseProtocol(s string) (sgsim.Protocol, error) {
	if s == "" {
		return sgsim.AnyProtocol, nil
	}
	l := strings.ToLower(s)
	if l == "any" || l == "all" {
		return 0, errors.New("want a protocol name or number; \"\" is any protocol")
	}
	p, err := sgsim.ParseProtocol(s)
	if err != nil {
		return 0, errors.New("want tcp, udp, icmp, icmpv6, another protocol name, a number 0-255, or \"\" for any")
	}
	return p, nil
}

// protoText is the protocol as the API writes it.
func protoText(p sgsim.Protocol) string {
	if p == sgsim.AnyProtocol {
		return ""
	}
	return p.String()
}

func parsePorts(s string) (sgsim.Ports, error) {
	return netx.Ports(s, `want ports 1-65535 as "80", "1-30" or "22,3389,80"`)
}

func portsText(ps sgsim.Ports) string {
	if ps == nil {
		return ""
	}
	return ps.String()
}

// prefixText returns the single prefix a holds, as the API writes it.
func prefixText(a sgsim.Addrs) (string, bool) {
	rs := a.Ranges()
	if len(rs) != 1 {
		return "", false
	}
	p, ok := rs[0].Prefix()
	if !ok {
		return "", false
	}
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String(), true
	}
	return p.String(), true
}

// Output records. The v3 record writes priority as a number, as the SDK's
// response model types it.
type outList struct {
	Rules []any `json:"security_group_rules"`
}

type outRule struct {
	ID                   string  `json:"id"`
	SecurityGroupID      string  `json:"security_group_id"`
	Direction            string  `json:"direction"`
	Ethertype            string  `json:"ethertype"`
	Protocol             string  `json:"protocol"`
	Multiport            string  `json:"multiport"`
	Action               string  `json:"action"`
	Priority             int     `json:"priority"`
	RemoteIPPrefix       *string `json:"remote_ip_prefix"`
	RemoteGroupID        *string `json:"remote_group_id"`
	RemoteAddressGroupID *string `json:"remote_address_group_id"`
	Description          string  `json:"description"`
}

type outNeutronRule struct {
	ID                   string  `json:"id"`
	SecurityGroupID      string  `json:"security_group_id"`
	Direction            string  `json:"direction"`
	Ethertype            string  `json:"ethertype"`
	Protocol             *string `json:"protocol"`
	PortRangeMin         *int    `json:"port_range_min"`
	PortRangeMax         *int    `json:"port_range_max"`
	RemoteIPPrefix       *string `json:"remote_ip_prefix"`
	RemoteGroupID        *string `json:"remote_group_id"`
	RemoteAddressGroupID *string `json:"remote_address_group_id"`
	Description          string  `json:"description"`
}

// WriteRules writes the groups as one ListSecurityGroupRules response,
// group after group, rules in slice order. Rules whose Origin.Document is
// DocNeutronRules are written in the Neutron form, the others in the v3
// form. Rule.ID becomes id and Origin.Note description; Group.Name is not
// written (the list has no place for it).
//
// A rule Huawei cannot express is an error naming the group, rule and
// field: a family other than IPv4 or IPv6, source ports, a remote that is
// not one address or CIDR block, a restricted local side, an ICMP type in
// the v3 form, or (Neutron form) a deny rule, a priority other than 1 or
// more than one port range. Groups need distinct, non-empty IDs, and a
// group with inner access or marked advanced (Alibaba properties a Huawei
// group has no field for) is an error rather than written without them.
func WriteRules(w io.Writer, groups []sgsim.Group) error {
	out := outList{Rules: []any{}}
	seen := map[string]bool{}
	for _, g := range groups {
		if g.ID == "" {
			return errors.New("huawei: write: a group has no ID; security_group_id is required")
		}
		if seen[g.ID] {
			return fmt.Errorf("huawei: write: group %q given twice", g.ID)
		}
		if g.InnerAccess != sgsim.NoInnerAccess || g.Advanced {
			return fmt.Errorf("huawei: write group %q: inner access %v or advanced group: Huawei groups have neither", g.ID, g.InnerAccess)
		}
		seen[g.ID] = true
		for i := range g.Rules {
			rec, err := writeRule(g.ID, &g.Rules[i])
			if err != nil {
				return fmt.Errorf("huawei: write group %q rule %d (%q): %w", g.ID, i, g.Rules[i].ID, err)
			}
			out.Rules = append(out.Rules, rec)
		}
	}
	return jsonx.Write(w, "huawei", out)
}

func writeRule(gid string, r *sgsim.Rule) (any, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var eth string
	switch r.Family {
	case sgsim.IPv4:
		eth = "IPv4"
	case sgsim.IPv6:
		eth = "IPv6"
	default:
		return nil, errors.New("family any: a Huawei rule has ethertype IPv4 or IPv6")
	}
	if r.SrcPorts != nil {
		return nil, errors.New("source ports " + r.SrcPorts.String() + ": Huawei rules match destination ports only")
	}
	remote, local := r.Src, r.Dst
	if r.Direction == sgsim.Egress {
		remote, local = local, remote
	}
	if !local.IsAny() {
		return nil, errors.New("local side " + local.String() + ": Huawei rules restrict the remote side only")
	}
	var prefix, group, list *string
	if !remote.IsAny() {
		s, ok := prefixText(remote)
		if !ok {
			return nil, errors.New("remote " + remote.String() + ": want one address or CIDR block")
		}
		prefix = &s
	}
	if r.RemoteGroup != "" {
		group = &r.RemoteGroup
	}
	if r.RemoteList != "" {
		list = &r.RemoteList
	}
	for _, ps := range r.DstPorts {
		if ps.First == 0 {
			return nil, errors.New("port 0 in " + r.DstPorts.String() + ": Huawei ports are 1-65535")
		}
	}
	if r.Origin.Document == DocNeutronRules {
		if r.Action != sgsim.Allow || r.Priority != 1 {
			return nil, errors.New("Neutron form: want an allow rule with priority 1, have " + r.Action.String() + " priority " + strconv.Itoa(r.Priority))
		}
		nr := outNeutronRule{ID: r.ID, SecurityGroupID: gid, Direction: r.Direction.String(), Ethertype: eth,
			RemoteIPPrefix: prefix, RemoteGroupID: group, RemoteAddressGroupID: list, Description: r.Origin.Note}
		if r.Protocol != sgsim.AnyProtocol {
			s := protoText(r.Protocol)
			nr.Protocol = &s
		}
		switch {
		case len(r.DstPorts) > 1:
			return nil, errors.New("ports " + r.DstPorts.String() + ": the Neutron form holds one range")
		case len(r.DstPorts) == 1:
			lo, hi := int(r.DstPorts[0].First), int(r.DstPorts[0].Last)
			nr.PortRangeMin, nr.PortRangeMax = &lo, &hi
		case r.ICMP.HasType:
			t := int(r.ICMP.Type)
			nr.PortRangeMin = &t
			if r.ICMP.HasCode {
				c := int(r.ICMP.Code)
				nr.PortRangeMax = &c
			}
		}
		return nr, nil
	}
	if !r.ICMP.IsAny() {
		return nil, errors.New("ICMP type or code: the v3 form has no field for it")
	}
	lo, hi, _ := sgsim.Huawei.PriorityRange()
	if r.Priority < lo || r.Priority > hi {
		return nil, errors.New("priority " + strconv.Itoa(r.Priority) + ": want 1-100")
	}
	act := "allow"
	if r.Action == sgsim.Deny {
		act = "deny"
	}
	return outRule{ID: r.ID, SecurityGroupID: gid, Direction: r.Direction.String(), Ethertype: eth,
		Protocol: protoText(r.Protocol), Multiport: portsText(r.DstPorts), Action: act, Priority: r.Priority,
		RemoteIPPrefix: prefix, RemoteGroupID: group, RemoteAddressGroupID: list, Description: r.Origin.Note}, nil
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
