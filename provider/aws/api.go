package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/internal/netx"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
)

// Error reports a problem with a document: the JSON path, the offending
// value as JSON text (strings quoted) and what was wrong.
type Error struct {
	Path  string // e.g. "SecurityGroupRules[3].FromPort"
	Value string // e.g. "70000" or `"10.0.0.0/33"`; empty when there is no single value
	Msg   string
}

func (e *Error) Error() string {
	s := "aws: " + e.Path
	if e.Value != "" {
		s += ": " + e.Value
	}
	return s + ": " + e.Msg
}

func fail(path string, v any, msg string) *Error {
	return &Error{Path: path, Value: jsonx.Text(v), Msg: msg}
}

// decode unmarshals one JSON value and turns encoding/json's errors into
// an *Error at path.
func decode(data []byte, path string, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p := path
		if te.Field != "" {
			if p != "" {
				p += "."
			}
			p += te.Field
		}
		if p == "" {
			p = "(document)"
		}
		return &Error{Path: p, Value: te.Value, Msg: "want " + jsonKind(te.Type)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Path: "(document)", Msg: "not JSON: " + se.Error() + " at byte " + strconv.FormatInt(se.Offset, 10)}
	}
	if p := path; p != "" {
		return &Error{Path: p, Msg: err.Error()}
	}
	return &Error{Path: "(document)", Msg: err.Error()}
}

// jsonKind names the JSON form of a Go type in an error message.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

// openTop reads and scans the whole document and returns the raw
// elements of the array under key, which must be present. When it
// returns nil elements the read is over: doc.Err (or err, when doc is
// nil) says why.
func openTop(r io.Reader, key string, opts []read.Option) (*jsonx.Doc, []json.RawMessage, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, read.NewErrors([]*read.Error{{Err: &Error{Path: "(document)", Msg: "empty input"}}}, 0)
	}
	doc, err := jdec.Open(data, true, opts)
	if err != nil {
		return nil, nil, err
	}
	var top map[string]json.RawMessage
	if err := decode(data, "", &top); err != nil {
		doc.Fail(err)
		return doc, nil, nil
	}
	raw, ok := top[key]
	if !ok {
		doc.Fail(&Error{Path: key, Msg: "missing: not a document with " + key})
		return doc, nil, nil
	}
	var elems []json.RawMessage
	if err := decode(raw, key, &elems); err != nil {
		doc.Fail(err)
		return doc, nil, nil
	}
	if elems == nil {
		doc.Fail(&Error{Path: key, Value: "null", Msg: "want an array"})
		return doc, nil, nil
	}
	return doc, elems, nil
}

// groups collects rules by group ID in first-seen order.
type groups struct {
	list []sgsim.Group
	pos  map[string]int
}

func (g *groups) group(id string) *sgsim.Group {
	if g.pos == nil {
		g.pos = map[string]int{}
	}
	i, ok := g.pos[id]
	if !ok {
		i = len(g.list)
		g.pos[id] = i
		g.list = append(g.list, sgsim.Group{ID: id})
	}
	return &g.list[i]
}

// parseSGProtocol reads a security group's IpProtocol.
func parseSGProtocol(s string) (sgsim.Protocol, bool) {
	switch strings.ToLower(s) {
	case "-1":
		return sgsim.AnyProtocol, true
	case "tcp":
		return sgsim.TCP, true
	case "udp":
		return sgsim.UDP, true
	case "icmp":
		return sgsim.ICMP, true
	case "icmpv6":
		return sgsim.ICMPv6, true
	}
	return parseNumber(s)
}

// parseNumber reads a decimal protocol number 0-255.
func parseNumber(s string) (sgsim.Protocol, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return 0, false
	}
	return sgsim.ProtocolNumber(uint8(n)), true
}

// sgProtocolText is the IpProtocol AWS prints for p.
func sgProtocolText(p sgsim.Protocol) string {
	switch p {
	case sgsim.AnyProtocol:
		return "-1"
	case sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6:
		return p.String()
	}
	n, _ := p.Number()
	return strconv.Itoa(int(n))
}

// portsOrICMP reads FromPort/ToPort (nil: absent, read as -1) for protocol
// p. For TCP and UDP they are a port range, for ICMP a type and code, for
// everything else they must be -1.
func portsOrICMP(p sgsim.Protocol, from, to *int64, path, fromName, toName string) (sgsim.Ports, sgsim.ICMPMatch, error) {
	f, t := int64(-1), int64(-1)
	if from != nil {
		f = *from
	}
	if to != nil {
		t = *to
	}
	switch {
	case p == sgsim.TCP || p == sgsim.UDP:
		// The EC2 reference: "For tcp, udp, and icmp, you must specify a
		// port range"; every port is 0-65535. A -1 (or no port) is not
		// read as every port: the AWS CLI's own example output of an
		// ICMP rule shows "tcp" with -1 and -1.
		if from == nil {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+fromName, nil, "missing (a "+p.String()+" rule gives its port range; every port is 0-65535)")
		}
		if to == nil {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+toName, nil, "missing (a "+p.String()+" rule gives its port range; every port is 0-65535)")
		}
		if f < 0 || f > 65535 {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+fromName, f, "out of range 0-65535 (a "+p.String()+" rule gives its port range; every port is 0-65535)")
		}
		if t < 0 || t > 65535 {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+toName, t, "out of range 0-65535 (a "+p.String()+" rule gives its port range; every port is 0-65535)")
		}
		if f == 0 && t == 65535 {
			return nil, sgsim.ICMPMatch{}, nil
		}
		if f > t {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+toName, t, "below "+fromName+" "+strconv.FormatInt(f, 10))
		}
		return sgsim.Ports{{First: uint16(f), Last: uint16(t)}}, sgsim.ICMPMatch{}, nil
	case p.IsICMP():
		if f < -1 || f > 255 {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+fromName, f, "ICMP type out of range 0-255 (-1 for any)")
		}
		if t < -1 || t > 255 {
			return nil, sgsim.ICMPMatch{}, fail(path+"."+toName, t, "ICMP code out of range 0-255 (-1 for any)")
		}
		switch {
		case f == -1 && t == -1:
			return nil, sgsim.ICMPMatch{}, nil
		case f == -1:
			return nil, sgsim.ICMPMatch{}, fail(path+"."+toName, t, "an ICMP code needs a type")
		case t == -1:
			return nil, sgsim.ICMPType(uint8(f)), nil
		}
		return nil, sgsim.ICMPTypeCode(uint8(f), uint8(t)), nil
	}
	if f != -1 {
		return nil, sgsim.ICMPMatch{}, fail(path+"."+fromName, f, "protocol "+p.String()+" has no ports or ICMP type (want -1)")
	}
	if t != -1 {
		return nil, sgsim.ICMPMatch{}, fail(path+"."+toName, t, "protocol "+p.String()+" has no ports or ICMP code (want -1)")
	}
	return nil, sgsim.ICMPMatch{}, nil
}

// parseCIDR reads a canonical CIDR block of the family.
func parseCIDR(s string, v6 bool, path string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fail(path, s, "not a CIDR block: "+netx.NetipReason(err))
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fail(path, s, "not a CIDR block: zoned address")
	}
	if p.Addr().Is4() == v6 || p.Addr().Is4In6() {
		want := "an IPv4"
		if v6 {
			want = "an IPv6"
		}
		return netip.Prefix{}, fail(path, s, "not "+want+" CIDR block")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fail(path, s, "host bits set; did you mean "+p.Masked().String()+"?")
	}
	return p, nil
}

// remote is one remote of a security-group rule.
type remote struct {
	field string // JSON path of the field holding it
	kind  int    // remoteV4, remoteV6, remoteList, remoteGroup
	value string
}

const (
	remoteV4 = iota
	remoteV6
	remoteList
	remoteGroup
)

// setRemote puts the remote on the rule's remote side.
func setRemote(r *sgsim.Rule, rm remote) error {
	switch rm.kind {
	case remoteV4, remoteV6:
		p, err := parseCIDR(rm.value, rm.kind == remoteV6, rm.field)
		if err != nil {
			return err
		}
		a := sgsim.PrefixAddrs(p)
		if r.Direction == sgsim.Egress {
			r.Dst = a
		} else {
			r.Src = a
		}
		r.Family = sgsim.IPv4
		if rm.kind == remoteV6 {
			r.Family = sgsim.IPv6
		}
	case remoteList:
		r.RemoteList = rm.value
	case remoteGroup:
		r.RemoteGroup = rm.value
	}
	return nil
}

// validate runs sgsim's own check and reports its complaint at path.
func validate(r *sgsim.Rule, path string) error {
	if err := r.Validate(); err != nil {
		var re *sgsim.RuleError
		if errors.As(err, &re) {
			return fail(path, nil, re.Field+" "+strconv.Quote(re.Value)+": "+re.Msg)
		}
		return fail(path, nil, err.Error())
	}
	return nil
}

// ----- DescribeSecurityGroupRules -----

type groupInfo struct {
	GroupId string `json:",omitempty"`
	UserId  string `json:",omitempty"`
	VpcId   string `json:",omitempty"`
}

type sgRuleJSON struct {
	SecurityGroupRuleId string `json:",omitempty"`
	GroupId             string `json:",omitempty"`
	IsEgress            bool
	IpProtocol          string     `json:",omitempty"`
	FromPort            *int64     `json:",omitempty"`
	ToPort              *int64     `json:",omitempty"`
	CidrIpv4            string     `json:",omitempty"`
	CidrIpv6            string     `json:",omitempty"`
	PrefixListId        string     `json:",omitempty"`
	ReferencedGroupInfo *groupInfo `json:",omitempty"`
	Description         string     `json:",omitempty"`
}

const (
	docRules  = "DescribeSecurityGroupRules"
	docGroups = "DescribeSecurityGroups"
	docACLs   = "DescribeNetworkAcls"
)

// ReadSecurityGroupRules reads the output of DescribeSecurityGroupRules
// (`aws ec2 describe-security-group-rules`) and returns one group per
// GroupId, in the order the IDs first appear, with sgsim.Union semantics in
// mind. See the package documentation for how fields are read.
func ReadSecurityGroupRules(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	doc, elems, err := openTop(r, "SecurityGroupRules", opts)
	if err != nil {
		return nil, err
	}
	var gs groups
	for i, raw := range elems {
		path := jsonx.Index("SecurityGroupRules", i)
		gid, rule, err := readSGRule(path, raw)
		if doc.Record(path, err) {
			continue
		}
		g := gs.group(gid)
		g.Rules = append(g.Rules, rule)
	}
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return gs.list, nil
}

// readSGRule reads one record of DescribeSecurityGroupRules and returns
// its group ID and rule.
func readSGRule(path string, raw json.RawMessage) (string, sgsim.Rule, error) {
	var j sgRuleJSON
	if err := decode(raw, path, &j); err != nil {
		return "", sgsim.Rule{}, err
	}
	if j.GroupId == "" {
		return "", sgsim.Rule{}, fail(path+".GroupId", j.GroupId, "missing or empty")
	}
	rule := sgsim.Rule{
		ID:     j.SecurityGroupRuleId,
		Action: sgsim.Allow,
		Origin: sgsim.Origin{Vendor: "aws", Document: docRules, Record: j.SecurityGroupRuleId, Path: path},
	}
	if j.IsEgress {
		rule.Direction = sgsim.Egress
	}
	p, ok := parseSGProtocol(j.IpProtocol)
	if !ok {
		return "", rule, fail(path+".IpProtocol", j.IpProtocol, "unknown protocol: want tcp, udp, icmp, icmpv6, -1 or a number 0-255")
	}
	rule.Protocol = p
	var err error
	if rule.DstPorts, rule.ICMP, err = portsOrICMP(p, j.FromPort, j.ToPort, path, "FromPort", "ToPort"); err != nil {
		return "", rule, err
	}
	var rms []remote
	if j.CidrIpv4 != "" {
		rms = append(rms, remote{path + ".CidrIpv4", remoteV4, j.CidrIpv4})
	}
	if j.CidrIpv6 != "" {
		rms = append(rms, remote{path + ".CidrIpv6", remoteV6, j.CidrIpv6})
	}
	if j.PrefixListId != "" {
		rms = append(rms, remote{path + ".PrefixListId", remoteList, j.PrefixListId})
	}
	if j.ReferencedGroupInfo != nil {
		if j.ReferencedGroupInfo.GroupId == "" {
			return "", rule, fail(path+".ReferencedGroupInfo.GroupId", "", "missing or empty")
		}
		rms = append(rms, remote{path + ".ReferencedGroupInfo.GroupId", remoteGroup, j.ReferencedGroupInfo.GroupId})
	}
	switch len(rms) {
	case 0:
		return "", rule, fail(path, nil, "no remote: want one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo")
	case 1:
	default:
		var names []string
		for _, rm := range rms {
			names = append(names, rm.field[len(path)+1:]+" "+strconv.Quote(rm.value))
		}
		return "", rule, fail(path, nil, "two remotes ("+strings.Join(names, ", ")+"); a rule has exactly one")
	}
	if err := setRemote(&rule, rms[0]); err != nil {
		return "", rule, err
	}
	if err := validate(&rule, path); err != nil {
		return "", rule, err
	}
	return j.GroupId, rule, nil
}

// writeErr reports a rule the writers cannot express.
func writeErr(g string, i int, r *sgsim.Rule, msg string) error {
	return &Error{Path: "group " + strconv.Quote(g) + " rule " + strconv.Itoa(i), Value: strconv.Quote(r.String()), Msg: msg}
}

// onePrefix returns the single prefix a holds.
func onePrefix(a sgsim.Addrs) (netip.Prefix, bool) {
	rs := a.Ranges()
	if len(rs) != 1 {
		return netip.Prefix{}, false
	}
	return rs[0].Prefix()
}

// blockOut stores rem as text in *v4 or *v6 when it is one CIDR block
// and reports whether it is. The callers have run Rule.Validate, which
// refuses a block of the other family than the rule's.
func blockOut(rem sgsim.Addrs, v4, v6 *string) bool {
	p, ok := onePrefix(rem)
	switch {
	case !ok:
		return false
	case p.Addr().Is4():
		*v4 = p.String()
	default:
		*v6 = p.String()
	}
	return true
}

// sgRuleOut builds the record of one security-group rule, or says why it
// cannot be written.
func sgRuleOut(g string, i int, r *sgsim.Rule) (sgRuleJSON, error) {
	bad := func(msg string) (sgRuleJSON, error) { return sgRuleJSON{}, writeErr(g, i, r, msg) }
	if err := r.Validate(); err != nil {
		return bad(err.Error())
	}
	if r.Action != sgsim.Allow {
		return bad("AWS security groups have allow rules only")
	}
	if r.Priority != 0 {
		return bad("AWS security-group rules have no priority")
	}
	local, rem := r.Dst, r.Src
	if r.Direction == sgsim.Egress {
		local, rem = r.Src, r.Dst
	}
	if !local.IsAny() {
		return bad("restricts the local side; AWS rules restrict the remote only")
	}
	if r.SrcPorts != nil {
		return bad("source ports cannot be expressed")
	}
	j := sgRuleJSON{SecurityGroupRuleId: r.ID, GroupId: g, IsEgress: r.Direction == sgsim.Egress, IpProtocol: sgProtocolText(r.Protocol)}
	from, to := int64(-1), int64(-1)
	switch {
	case r.Protocol == sgsim.TCP || r.Protocol == sgsim.UDP:
		switch len(r.DstPorts) {
		case 0:
			if r.DstPorts != nil {
				return bad("empty port list")
			}
			from, to = 0, 65535
		case 1:
			from, to = int64(r.DstPorts[0].First), int64(r.DstPorts[0].Last)
		default:
			return bad("several port ranges in one rule cannot be expressed; split the rule")
		}
	case r.Protocol.IsICMP():
		if r.ICMP.HasType {
			from = int64(r.ICMP.Type)
		}
		if r.ICMP.HasCode {
			to = int64(r.ICMP.Code)
		}
	default:
		if r.DstPorts != nil {
			return bad("AWS matches every port of protocol " + r.Protocol.String())
		}
	}
	j.FromPort, j.ToPort = &from, &to
	switch {
	case r.RemoteGroup != "":
		if r.Family != sgsim.AnyFamily {
			return bad("a group reference cannot be restricted to one family")
		}
		j.ReferencedGroupInfo = &groupInfo{GroupId: r.RemoteGroup}
	case r.RemoteList != "":
		if r.Family != sgsim.AnyFamily {
			return bad("a prefix-list reference cannot be restricted to one family")
		}
		j.PrefixListId = r.RemoteList
	default:
		if !blockOut(rem, &j.CidrIpv4, &j.CidrIpv6) {
			return bad("the remote must be exactly one CIDR block, a group or a prefix list")
		}
	}
	return j, nil
}

// writeJSON writes v the way the AWS CLI does: four-space indentation.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// WriteSecurityGroupRules writes the groups as a DescribeSecurityGroupRules
// document: one record per rule, groups in order. It fails on a rule AWS
// cannot express (see the package documentation) and writes nothing then.
// Rule IDs become SecurityGroupRuleId; Origin is not written.
func WriteSecurityGroupRules(w io.Writer, gs []sgsim.Group) error {
	out := struct {
		SecurityGroupRules []sgRuleJSON
	}{SecurityGroupRules: []sgRuleJSON{}}
	for _, g := range gs {
		if g.ID == "" {
			return &Error{Path: "group", Value: `""`, Msg: "a group needs an ID"}
		}
		for i := range g.Rules {
			j, err := sgRuleOut(g.ID, i, &g.Rules[i])
			if err != nil {
				return err
			}
			out.SecurityGroupRules = append(out.SecurityGroupRules, j)
		}
	}
	return writeJSON(w, out)
}

// ----- DescribeSecurityGroups -----

type sgJSON struct {
	GroupId             string
	GroupName           string
	IpPermissions       []json.RawMessage
	IpPermissionsEgress []json.RawMessage
}

// permJSON is one IpPermission. The source lists stay raw so that an
// error in one of their elements names its index.
type permJSON struct {
	IpProtocol       string
	FromPort         *int64
	ToPort           *int64
	IpRanges         []json.RawMessage
	Ipv6Ranges       []json.RawMessage
	PrefixListIds    []json.RawMessage
	UserIdGroupPairs []json.RawMessage
}

// ReadSecurityGroups reads the output of DescribeSecurityGroups (`aws ec2
// describe-security-groups`): one group per security group, in document
// order, named by GroupName. Each IpPermission (ingress) and
// IpPermissionsEgress entry becomes one rule per source, sources in the
// order IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs; each rule's
// Origin.Path is the source's JSON path. A permission without any source
// is an error.
func ReadSecurityGroups(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	doc, elems, err := openTop(r, "SecurityGroups", opts)
	if err != nil {
		return nil, err
	}
	var out []sgsim.Group
	seen := map[string]bool{}
	for i, raw := range elems {
		path := jsonx.Index("SecurityGroups", i)
		var j sgJSON
		err := decode(raw, path, &j)
		switch {
		case err != nil:
		case j.GroupId == "":
			err = fail(path+".GroupId", j.GroupId, "missing or empty")
		case seen[j.GroupId]:
			err = fail(path+".GroupId", j.GroupId, "duplicate group")
		}
		if err == nil {
			seen[j.GroupId] = true
		}
		if doc.Container(path, err, path+".IpPermissions", path+".IpPermissionsEgress") {
			continue
		}
		g := sgsim.Group{ID: j.GroupId, Name: j.GroupName}
		for _, dir := range []struct {
			key   string
			d     sgsim.Direction
			perms []json.RawMessage
		}{{"IpPermissions", sgsim.Ingress, j.IpPermissions}, {"IpPermissionsEgress", sgsim.Egress, j.IpPermissionsEgress}} {
			for k, praw := range dir.perms {
				ppath := jsonx.Index(path+"."+dir.key, k)
				rules, err := readPermission(praw, ppath, dir.d)
				if doc.Record(ppath, err) {
					continue
				}
				g.Rules = append(g.Rules, rules...)
			}
		}
		out = append(out, g)
	}
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readPermission(raw json.RawMessage, path string, d sgsim.Direction) ([]sgsim.Rule, error) {
	var p permJSON
	if err := decode(raw, path, &p); err != nil {
		return nil, err
	}
	proto, ok := parseSGProtocol(p.IpProtocol)
	if !ok {
		return nil, fail(path+".IpProtocol", p.IpProtocol, "unknown protocol: want tcp, udp, icmp, icmpv6, -1 or a number 0-255")
	}
	ports, icmp, err := portsOrICMP(proto, p.FromPort, p.ToPort, path, "FromPort", "ToPort")
	if err != nil {
		return nil, err
	}
	var rms []remote
	for _, src := range []struct {
		list, field string
		kind        int
		elems       []json.RawMessage
	}{
		{"IpRanges", "CidrIp", remoteV4, p.IpRanges},
		{"Ipv6Ranges", "CidrIpv6", remoteV6, p.Ipv6Ranges},
		{"PrefixListIds", "PrefixListId", remoteList, p.PrefixListIds},
		{"UserIdGroupPairs", "GroupId", remoteGroup, p.UserIdGroupPairs},
	} {
		for k, raw := range src.elems {
			epath := jsonx.Index(path+"."+src.list, k)
			var fields map[string]json.RawMessage
			if err := decode(raw, epath, &fields); err != nil {
				return nil, err
			}
			var v string
			if f, ok := fields[src.field]; ok {
				if err := decode(f, epath+"."+src.field, &v); err != nil {
					return nil, err
				}
			}
			rms = append(rms, remote{epath + "." + src.field, src.kind, v})
		}
	}
	if len(rms) == 0 {
		return nil, fail(path, nil, "no source: want IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs")
	}
	var out []sgsim.Rule
	for _, rm := range rms {
		if rm.value == "" {
			return nil, fail(rm.field, "", "missing or empty")
		}
		src := strings.TrimSuffix(rm.field, rm.field[strings.LastIndexByte(rm.field, '.'):])
		rule := sgsim.Rule{
			Direction: d,
			Action:    sgsim.Allow,
			Protocol:  proto,
			DstPorts:  ports,
			ICMP:      icmp,
			Origin:    sgsim.Origin{Vendor: "aws", Document: docGroups, Path: src},
		}
		if ports != nil {
			rule.DstPorts = sgsim.Ports{ports[0]}
		}
		if err := setRemote(&rule, rm); err != nil {
			return nil, err
		}
		if err := validate(&rule, src); err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	return out, nil
}

// ----- DescribeNetworkAcls -----

type aclJSON struct {
	NetworkAclId string
	Entries      []json.RawMessage
}

type fromTo struct {
	From *int64 `json:",omitempty"`
	To   *int64 `json:",omitempty"`
}

type typeCode struct {
	Type *int64 `json:",omitempty"`
	Code *int64 `json:",omitempty"`
}

type entryJSON struct {
	RuleNumber    *int64 `json:",omitempty"`
	Protocol      string `json:",omitempty"`
	RuleAction    string `json:",omitempty"`
	Egress        bool
	CidrBlock     string    `json:",omitempty"`
	Ipv6CidrBlock string    `json:",omitempty"`
	PortRange     *fromTo   `json:",omitempty"`
	IcmpTypeCode  *typeCode `json:",omitempty"`
}

// The rule numbers of the default "*" entries as DescribeNetworkAcls lists
// them.
const (
	defaultRuleV4 = 32767
	defaultRuleV6 = 32768
	maxRuleNumber = 32766
)

// ReadNetworkAcls reads the output of DescribeNetworkAcls (`aws ec2
// describe-network-acls`): one group per ACL, ID NetworkAclId, rules in
// entry order with Priority = RuleNumber, to be evaluated with sgsim.ACL
// semantics. The default "*" deny entries are dropped (see the package
// documentation).
func ReadNetworkAcls(r io.Reader, opts ...read.Option) ([]sgsim.Group, error) {
	doc, elems, err := openTop(r, "NetworkAcls", opts)
	if err != nil {
		return nil, err
	}
	var out []sgsim.Group
	seen := map[string]bool{}
	for i, raw := range elems {
		path := jsonx.Index("NetworkAcls", i)
		var j aclJSON
		err := decode(raw, path, &j)
		switch {
		case err != nil:
		case j.NetworkAclId == "":
			err = fail(path+".NetworkAclId", "", "missing or empty")
		case seen[j.NetworkAclId]:
			err = fail(path+".NetworkAclId", j.NetworkAclId, "duplicate ACL")
		}
		if err == nil {
			seen[j.NetworkAclId] = true
		}
		if doc.Container(path, err, path+".Entries") {
			continue
		}
		g := sgsim.Group{ID: j.NetworkAclId}
		numbers := [2]map[int64]bool{{}, {}}
		for k, eraw := range j.Entries {
			epath := jsonx.Index(path+".Entries", k)
			rule, keep, err := readEntry(eraw, epath)
			if err == nil && keep && numbers[rule.Direction][int64(rule.Priority)] {
				err = fail(epath+".RuleNumber", int64(rule.Priority), "duplicate rule number in the "+rule.Direction.String()+" entries")
			}
			if doc.Record(epath, err) || !keep {
				continue
			}
			numbers[rule.Direction][int64(rule.Priority)] = true
			g.Rules = append(g.Rules, rule)
		}
		out = append(out, g)
	}
	if err := doc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// readEntry reads one ACL entry; keep is false for a default "*" entry.
func readEntry(raw json.RawMessage, path string) (rule sgsim.Rule, keep bool, err error) {
	var e entryJSON
	if err := decode(raw, path, &e); err != nil {
		return rule, false, err
	}
	if e.RuleNumber == nil {
		return rule, false, fail(path+".RuleNumber", nil, "missing")
	}
	n := *e.RuleNumber
	var proto sgsim.Protocol
	if e.Protocol == "-1" {
		proto = sgsim.AnyProtocol
	} else if p, ok := parseNumber(e.Protocol); ok {
		proto = p
	} else {
		return rule, false, fail(path+".Protocol", e.Protocol, "unknown protocol: want -1 or a number 0-255")
	}
	var action sgsim.Action
	switch e.RuleAction {
	case "allow":
		action = sgsim.Allow
	case "deny":
		action = sgsim.Deny
	default:
		return rule, false, fail(path+".RuleAction", e.RuleAction, "want allow or deny")
	}
	if n == defaultRuleV4 || n == defaultRuleV6 {
		isDefault := proto == sgsim.AnyProtocol && action == sgsim.Deny && e.PortRange == nil && e.IcmpTypeCode == nil &&
			(n == defaultRuleV4 && e.CidrBlock == "0.0.0.0/0" && e.Ipv6CidrBlock == "" ||
				n == defaultRuleV6 && e.Ipv6CidrBlock == "::/0" && e.CidrBlock == "")
		if !isDefault {
			return rule, false, fail(path+".RuleNumber", n, "reserved for the default \"*\" entry, which denies everything; this entry does not")
		}
		return rule, false, nil
	}
	if n < 1 || n > maxRuleNumber {
		return rule, false, fail(path+".RuleNumber", n, "out of range 1-32766")
	}
	rule = sgsim.Rule{
		Action:   action,
		Priority: int(n),
		Protocol: proto,
		Origin:   sgsim.Origin{Vendor: "aws", Document: docACLs, Path: path},
	}
	if e.Egress {
		rule.Direction = sgsim.Egress
	}
	var rm remote
	switch {
	case e.CidrBlock != "" && e.Ipv6CidrBlock != "":
		return rule, false, fail(path, nil, "two remotes (CidrBlock "+strconv.Quote(e.CidrBlock)+", Ipv6CidrBlock "+strconv.Quote(e.Ipv6CidrBlock)+"); an entry has exactly one")
	case e.CidrBlock != "":
		rm = remote{path + ".CidrBlock", remoteV4, e.CidrBlock}
	case e.Ipv6CidrBlock != "":
		rm = remote{path + ".Ipv6CidrBlock", remoteV6, e.Ipv6CidrBlock}
	default:
		return rule, false, fail(path, nil, "no CidrBlock or Ipv6CidrBlock")
	}
	if err := setRemote(&rule, rm); err != nil {
		return rule, false, err
	}
	if e.PortRange != nil {
		if proto != sgsim.TCP && proto != sgsim.UDP {
			return rule, false, fail(path+".PortRange", e.PortRange, "protocol "+proto.String()+" has no ports")
		}
		if e.PortRange.From == nil || e.PortRange.To == nil {
			return rule, false, fail(path+".PortRange", e.PortRange, "want From and To")
		}
		if rule.DstPorts, _, err = portsOrICMP(proto, e.PortRange.From, e.PortRange.To, path+".PortRange", "From", "To"); err != nil {
			return rule, false, err
		}
	}
	if e.IcmpTypeCode != nil {
		if !proto.IsICMP() {
			return rule, false, fail(path+".IcmpTypeCode", e.IcmpTypeCode, "protocol "+proto.String()+" has no ICMP type or code")
		}
		if _, rule.ICMP, err = portsOrICMP(proto, e.IcmpTypeCode.Type, e.IcmpTypeCode.Code, path+".IcmpTypeCode", "Type", "Code"); err != nil {
			return rule, false, err
		}
	}
	if err := validate(&rule, path); err != nil {
		return rule, false, err
	}
	return rule, true, nil
}

type aclOut struct {
	NetworkAclId string
	Entries      []entryJSON
	Associations []assocOut `json:",omitempty"`
}

type assocOut struct {
	NetworkAclId string
	SubnetId     string
}

// WriteNetworkAcls writes the groups as a DescribeNetworkAcls document, one
// ACL per group, entries in rule order followed by the default "*" entries
// the CLI shows. It fails on a rule a network ACL entry cannot express:
// rule numbers (Priority) outside 1-32766 or repeated within a direction,
// a remote side that is not one CIDR block, a restricted local side,
// references, source ports, several port ranges.
func WriteNetworkAcls(w io.Writer, gs []sgsim.Group) error {
	return writeACLs(w, gs, nil)
}

// writeACLs writes gs, each ACL with the Associations of bound (ACL ID to
// subnet IDs) when it has any.
func writeACLs(w io.Writer, gs []sgsim.Group, bound map[string][]string) error {
	out := struct {
		NetworkAcls []aclOut
	}{NetworkAcls: []aclOut{}}
	for _, g := range gs {
		if g.ID == "" {
			return &Error{Path: "group", Value: `""`, Msg: "an ACL needs an ID"}
		}
		acl := aclOut{NetworkAclId: g.ID, Entries: []entryJSON{}}
		numbers := [2]map[int]bool{{}, {}}
		var v6 [2]bool
		for i := range g.Rules {
			r := &g.Rules[i]
			e, err := entryOut(g.ID, i, r)
			if err != nil {
				return err
			}
			if numbers[r.Direction&1][r.Priority] {
				return writeErr(g.ID, i, r, "rule number "+strconv.Itoa(r.Priority)+" used twice in one direction")
			}
			numbers[r.Direction&1][r.Priority] = true
			if e.Ipv6CidrBlock != "" {
				v6[r.Direction&1] = true
			}
			acl.Entries = append(acl.Entries, e)
		}
		for _, egress := range []bool{false, true} {
			d := 0
			if egress {
				d = 1
			}
			n4 := int64(defaultRuleV4)
			acl.Entries = append(acl.Entries, entryJSON{RuleNumber: &n4, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0"})
			if v6[d] {
				n6 := int64(defaultRuleV6)
				acl.Entries = append(acl.Entries, entryJSON{RuleNumber: &n6, Protocol: "-1", RuleAction: "deny", Egress: egress, Ipv6CidrBlock: "::/0"})
			}
		}
		for _, sub := range bound[g.ID] {
			acl.Associations = append(acl.Associations, assocOut{NetworkAclId: g.ID, SubnetId: sub})
		}
		out.NetworkAcls = append(out.NetworkAcls, acl)
	}
	return writeJSON(w, out)
}

func entryOut(g string, i int, r *sgsim.Rule) (entryJSON, error) {
	bad := func(msg string) (entryJSON, error) { return entryJSON{}, writeErr(g, i, r, msg) }
	if err := r.Validate(); err != nil {
		return bad(err.Error())
	}
	if !r.IsResolved() {
		return bad("network ACL entries cannot reference groups or lists")
	}
	if r.Priority < 1 || r.Priority > maxRuleNumber {
		return bad("rule number (priority) " + strconv.Itoa(r.Priority) + " out of range 1-32766")
	}
	if r.Direction != sgsim.Ingress && r.Direction != sgsim.Egress {
		return bad("invalid direction")
	}
	local, rem := r.Dst, r.Src
	if r.Direction == sgsim.Egress {
		local, rem = r.Src, r.Dst
	}
	if !local.IsAny() {
		return bad("restricts the subnet side; an ACL entry has one CIDR block, on the remote side")
	}
	if r.SrcPorts != nil {
		return bad("source ports cannot be expressed")
	}
	n := int64(r.Priority)
	e := entryJSON{RuleNumber: &n, RuleAction: r.Action.String(), Egress: r.Direction == sgsim.Egress, Protocol: "-1"}
	if num, ok := r.Protocol.Number(); ok {
		e.Protocol = strconv.Itoa(int(num))
	}
	if !blockOut(rem, &e.CidrBlock, &e.Ipv6CidrBlock) {
		return bad("the remote must be exactly one CIDR block")
	}
	switch {
	case r.Protocol == sgsim.TCP || r.Protocol == sgsim.UDP:
		switch len(r.DstPorts) {
		case 0:
			if r.DstPorts != nil {
				return bad("empty port list")
			}
		case 1:
			f, t := int64(r.DstPorts[0].First), int64(r.DstPorts[0].Last)
			e.PortRange = &fromTo{From: &f, To: &t}
		default:
			return bad("several port ranges in one entry cannot be expressed; split the rule")
		}
	case r.Protocol.IsICMP():
		t, c := int64(-1), int64(-1)
		if r.ICMP.HasType {
			t = int64(r.ICMP.Type)
		}
		if r.ICMP.HasCode {
			c = int64(r.ICMP.Code)
		}
		e.IcmpTypeCode = &typeCode{Type: &t, Code: &c}
	default:
		if r.DstPorts != nil {
			return bad("protocol " + r.Protocol.String() + " has no ports")
		}
	}
	return e, nil
}
