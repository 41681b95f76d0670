package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/internal/netx"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
)

// Error reports a problem with the document: where (a resource address
// and attribute, e.g. "module.net.alicloud_security_group_rule.ssh.port_range",
// or a JSON path for structural problems), the offending value as JSON
// text, and what was wrong.
type Error struct {
	Path  string
	Value string // JSON text of the value; empty when there is none
	Msg   string
}

func (e *Error) Error() string {
	s := "terraform: " + e.Path
	if e.Value != "" {
		s += ": " + e.Value
	}
	return s + ": " + e.Msg
}

// Unknown is an attribute whose value is known only after apply.
type Unknown struct {
	Address   string // resource instance address, e.g. "module.net.huaweicloud_networking_secgroup_rule.r[0]"
	Attribute string // attribute path in Terraform's syntax, e.g. "security_group_id", "ingress[1].cidr_blocks[0]"
}

func (u Unknown) String() string { return u.Address + "." + u.Attribute }

// Vendor holds the groups of one provider family and the semantics to
// evaluate them with.
type Vendor struct {
	Provider  string          // "huaweicloud", "alicloud", "tencentcloud", "aws"
	Semantics sgsim.Semantics // Huawei, Alibaba, Tencent, Union
	// Groups in the order their keys first appear in the document. A
	// group's ID is the security group id, or the resource address that
	// stands for it when the id is unknown until apply (see
	// Plan.AddressKeys).
	Groups []sgsim.Group
}

// Group returns the group with the given key, or nil.
func (v *Vendor) Group(id string) *sgsim.Group {
	for i := range v.Groups {
		if v.Groups[i].ID == id {
			return &v.Groups[i]
		}
	}
	return nil
}

// Plan is what ReadPlan found: the security-group rules per provider
// family, and what could not be known.
type Plan struct {
	// State is true when the document was a state (terraform show -json
	// of a state: "values") rather than a plan ("planned_values").
	State bool

	Huawei  Vendor // huaweicloud_networking_secgroup_rule
	Alibaba Vendor // alicloud_security_group_rule
	Tencent Vendor // tencentcloud_security_group_rule_set
	AWS     Vendor // aws_security_group, aws_security_group_rule, aws_vpc_security_group_{ingress,egress}_rule

	// Unknown lists, in document order, the attributes that matter to a
	// rule and are known only after apply. A rule with such an attribute
	// is left out (not guessed), except for an unknown security group id:
	// that rule is kept in the group keyed by an address (AddressKeys).
	Unknown []Unknown
	// AddressKeys lists the group keys, in every Vendor, that are resource
	// addresses standing for a security group id unknown until apply.
	AddressKeys []string

	// Prior is the rules of the plan's prior_state: what exists before
	// the apply, read the same way (a state has no unknown values), with
	// Origin.Document "terraform plan prior_state". It is
	// nil for a state, and for a plan without a prior state (nothing
	// exists yet). Comparing Prior with the plan says what the apply
	// opens and closes.
	Prior *Plan
}

// Vendors returns the four families in a fixed order.
func (p *Plan) Vendors() []*Vendor { return []*Vendor{&p.Huawei, &p.Alibaba, &p.Tencent, &p.AWS} }

// ----- document -----

type document struct {
	FormatVersion *string `json:"format_version"`
	PlannedValues *values `json:"planned_values"`
	Values        *values `json:"values"`
	PriorState    *struct {
		Values *values `json:"values"`
	} `json:"prior_state"`
	ResourceChanges []resourceChange `json:"resource_changes"`
	Configuration   *struct {
		RootModule *configModule `json:"root_module"`
	} `json:"configuration"`
}

type values struct {
	RootModule *module `json:"root_module"`
}

type module struct {
	Address      string     `json:"address"`
	Resources    []resource `json:"resources"`
	ChildModules []module   `json:"child_modules"`
}

type resource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Values  map[string]any `json:"values"`
}

type resourceChange struct {
	Address string `json:"address"`
	Deposed string `json:"deposed"`
	Change  struct {
		AfterUnknown any `json:"after_unknown"`
	} `json:"change"`
}

type configModule struct {
	Resources []struct {
		Address     string         `json:"address"`
		Expressions map[string]any `json:"expressions"`
	} `json:"resources"`
	ModuleCalls map[string]struct {
		Module *configModule `json:"module"`
	} `json:"module_calls"`
}

// ReadPlan reads the output of `terraform show -json` for a saved plan
// (planned_values, resource_changes, configuration) or for a state
// (values) and collects the security-group rules of the resource types
// the package documentation lists. Other resources and data sources are
// ignored. See the package documentation for how attributes are read and
// how values unknown until apply are handled.
func ReadPlan(r io.Reader, opts ...read.Option) (*Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, read.NewErrors([]*read.Error{{Err: &Error{Path: "(document)", Msg: "empty input"}}}, 0)
	}
	jdoc, err := jdec.Open(data, false, opts)
	if err != nil {
		return nil, err
	}
	p, err := readPlan(jdoc, data)
	jdoc.Fail(err)
	if err := jdoc.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// readPlan reads a scanned document; an error it returns is of the
// document as a whole, the resources' own go to jdoc.
func readPlan(jdoc *jsonx.Doc, data []byte) (*Plan, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(err)
	}
	if v := doc.FormatVersion; v != nil {
		major, _, _ := strings.Cut(*v, ".")
		if major != "0" && major != "1" {
			return nil, &Error{Path: "format_version", Value: strconv.Quote(*v), Msg: "unsupported major version (want 0.x or 1.x)"}
		}
	}
	var root *module
	rootPath := "planned_values.root_module"
	state := false
	switch {
	case doc.PlannedValues != nil:
		root = doc.PlannedValues.RootModule
	case doc.Values != nil:
		root = doc.Values.RootModule
		rootPath = "values.root_module"
		state = true
	default:
		return nil, &Error{Path: "(document)", Msg: "neither planned_values nor values: not the output of terraform show -json"}
	}
	p := readValues(jdoc, &doc, root, rootPath, state, doc.ResourceChanges)
	if !state && doc.PriorState != nil && doc.PriorState.Values != nil {
		// The prior state is a state: every value known, so no
		// resource_changes marks.
		p.Prior = readValues(jdoc, &doc, doc.PriorState.Values.RootModule, "prior_state.values.root_module", true, nil)
	}
	return p, nil
}

// readValues collects the rules of one module tree: the planned values
// (state false, with the unknown marks of changes) or a state.
func readValues(jdoc *jsonx.Doc, doc *document, root *module, rootPath string, state bool, changes []resourceChange) *Plan {
	rd := &reader{
		plan:    &Plan{State: state},
		doc:     jdoc,
		unknown: map[string]any{},
		config:  map[string]map[string]any{},
		pos:     map[*Vendor]map[string]int{},
		keyed:   map[string]bool{},
	}
	p := rd.plan
	p.Huawei = Vendor{Provider: "huaweicloud", Semantics: sgsim.Huawei}
	p.Alibaba = Vendor{Provider: "alicloud", Semantics: sgsim.Alibaba}
	p.Tencent = Vendor{Provider: "tencentcloud", Semantics: sgsim.Tencent}
	p.AWS = Vendor{Provider: "aws", Semantics: sgsim.Union}
	rd.document = "terraform plan"
	switch {
	case strings.HasPrefix(rootPath, "prior_state."):
		rd.document = "terraform plan prior_state"
	case state:
		rd.document = "terraform state"
	}
	for _, rc := range changes {
		if rc.Deposed == "" && rc.Address != "" {
			rd.unknown[rc.Address] = rc.Change.AfterUnknown
		}
	}
	if doc.Configuration != nil {
		rd.indexConfig(doc.Configuration.RootModule, "")
	}
	if root != nil {
		rd.walk(root, rootPath)
	}
	return p
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p := te.Field
		if p == "" {
			p = "(document)"
		}
		return &Error{Path: p, Value: te.Value, Msg: "wrong JSON type"}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Path: "(document)", Msg: "not JSON: " + se.Error() + " at byte " + strconv.FormatInt(se.Offset, 10)}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Path: "(document)", Msg: "not JSON: truncated"}
	}
	return &Error{Path: "(document)", Msg: err.Error()}
}

type reader struct {
	plan     *Plan
	doc      *jsonx.Doc
	document string
	unknown  map[string]any            // resource address -> after_unknown
	config   map[string]map[string]any // module path (no instance keys) + "|" + type.name -> expressions
	pos      map[*Vendor]map[string]int
	keyed    map[string]bool
	err      error // the first error of the resource being read
}

func (rd *reader) indexConfig(m *configModule, path string) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		rd.config[path+"|"+r.Address] = r.Expressions
	}
	for name, call := range m.ModuleCalls {
		p := "module." + name
		if path != "" {
			p = path + "." + p
		}
		rd.indexConfig(call.Module, p)
	}
}

// walk reads the resources of m and its child modules, each a record of
// rd.doc: a resource with an error is left out, with every rule,
// unknown attribute and group key it added.
func (rd *reader) walk(m *module, path string) {
	for i := range m.Resources {
		res := &m.Resources[i]
		if res.Mode != "" && res.Mode != "managed" {
			continue
		}
		if _, ok := handlers[res.Type]; !ok {
			continue
		}
		rpath := path + ".resources[" + strconv.Itoa(i) + "]"
		if res.Address == "" {
			rd.doc.Record(rpath, &Error{Path: rpath + ".address", Value: `""`, Msg: "missing or empty"})
			continue
		}
		undo := rd.mark()
		rd.err = nil
		handlers[res.Type](rd, m.Address, res)
		if rd.doc.RecordAt(rpath, valuesPath(rpath, res.Address, rd.err), rd.err) {
			undo()
		}
		rd.err = nil
	}
	for i := range m.ChildModules {
		rd.walk(&m.ChildModules[i], path+".child_modules["+strconv.Itoa(i)+"]")
	}
}

// valuesPath is the JSON path of the attribute an error of the resource
// at rpath names ("aws_security_group.web.ingress[1].cidr_blocks[0]" ->
// rpath + ".values.ingress[1].cidr_blocks[0]"), or "" when it names none.
func valuesPath(rpath, address string, err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	attr, ok := strings.CutPrefix(e.Path, address+".")
	if !ok || attr == "" {
		return ""
	}
	return rpath + ".values." + attr
}

// mark returns a function that takes back every group, rule, unknown
// attribute and address key added after the call.
func (rd *reader) mark() func() {
	p := rd.plan
	nUnknown, nKeys := len(p.Unknown), len(p.AddressKeys)
	type snap struct {
		v      *Vendor
		groups int
		rules  []int
	}
	var snaps []snap
	for _, v := range p.Vendors() {
		sn := snap{v: v, groups: len(v.Groups)}
		for _, g := range v.Groups {
			sn.rules = append(sn.rules, len(g.Rules))
		}
		snaps = append(snaps, sn)
	}
	return func() {
		for _, sn := range snaps {
			for k := sn.groups; k < len(sn.v.Groups); k++ {
				delete(rd.pos[sn.v], sn.v.Groups[k].ID)
			}
			sn.v.Groups = sn.v.Groups[:sn.groups]
			for k, n := range sn.rules {
				sn.v.Groups[k].Rules = sn.v.Groups[k].Rules[:n]
			}
		}
		for _, k := range p.AddressKeys[nKeys:] {
			delete(rd.keyed, k)
		}
		p.Unknown, p.AddressKeys = p.Unknown[:nUnknown], p.AddressKeys[:nKeys]
	}
}

var handlers map[string]func(rd *reader, module string, res *resource)

func init() {
	handlers = map[string]func(rd *reader, module string, res *resource){
		"huaweicloud_networking_secgroup_rule": (*reader).huawei,
		"alicloud_security_group_rule":         (*reader).alibaba,
		"tencentcloud_security_group_rule_set": (*reader).tencent,
		"aws_security_group":                   (*reader).awsGroup,
		"aws_security_group_rule":              (*reader).awsRule,
		"aws_vpc_security_group_ingress_rule":  (*reader).awsVPCRule,
		"aws_vpc_security_group_egress_rule":   (*reader).awsVPCRule,
	}
}

// ----- attribute access -----

// attrs reads the attributes of one resource or nested block, recording
// the ones that are unknown until apply.
type attrs struct {
	rd      *reader
	addr    string // resource address
	prefix  string // "" or "ingress[1]."
	vals    map[string]any
	unk     any       // after_unknown for this object
	unknown *[]string // attribute paths found unknown
	// config holds the resource's configuration expressions (top level
	// only), or nil when the document has none for it.
	config map[string]any
}

func (rd *reader) attrs(module string, res *resource) attrs {
	a := attrs{rd: rd, addr: res.Address, vals: res.Values, unk: rd.unknown[res.Address], unknown: new([]string)}
	if exprs, ok := rd.config[stripKeys(module)+"|"+res.Type+"."+res.Name]; ok {
		a.config = exprs
		if a.config == nil {
			a.config = map[string]any{}
		}
	}
	return a
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

// unk returns the after_unknown subtree of name, and whether it is wholly
// unknown.
func (a attrs) unkOf(name string) (any, bool) {
	if isTrue(a.unk) {
		return true, true
	}
	m, _ := a.unk.(map[string]any)
	sub := m[name]
	return sub, isTrue(sub)
}

// unknownRaw reports whether after_unknown marks the attribute.
func (a attrs) unknownRaw(name string) bool { _, u := a.unkOf(name); return u }

// isUnknown reports whether the attribute is unknown until apply because
// of what the configuration sets it to. An attribute the configuration
// does not set at all is unknown in a plan only because the provider
// computes its default; it reads as unset, so that the vendor default
// applies.
func (a attrs) isUnknown(name string) bool {
	if !a.unknownRaw(name) {
		return false
	}
	if a.prefix == "" && a.config != nil {
		if _, set := a.config[name]; !set {
			return false
		}
	}
	return true
}

// anyUnknown reports whether one of the attributes is unknown until apply
// (see isUnknown). A check that depends on such an attribute's value must
// not run: the rule is left out and the attribute reported instead.
func (a attrs) anyUnknown(names ...string) bool {
	for _, n := range names {
		if a.isUnknown(n) {
			return true
		}
	}
	return false
}

func (a attrs) fail(name string, v any, msg string) {
	if a.rd.err != nil {
		return
	}
	a.rd.err = &Error{Path: a.addr + "." + a.prefix + name, Value: jsonx.Text(v), Msg: msg}
}

func (a attrs) markUnknown(path string) { *a.unknown = append(*a.unknown, a.prefix+path) }

// marked reports whether the attribute is unknown until apply (see
// isUnknown), recording it when it is.
func (a attrs) marked(name string) bool {
	if a.isUnknown(name) {
		a.markUnknown(name)
		return true
	}
	return false
}

// str reads a string attribute; absent and null read as "".
func (a attrs) str(name string) string {
	if a.marked(name) {
		return ""
	}
	return a.strQuiet(name)
}

// strQuiet reads a string attribute without recording it as unknown.
func (a attrs) strQuiet(name string) string {
	switch v := a.vals[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		a.fail(name, v, "want a string")
		return ""
	}
}

// num reads an integer attribute; ok is false when absent or null.
func (a attrs) num(name string) (n int64, ok bool) {
	if a.marked(name) {
		return 0, false
	}
	switch v := a.vals[name].(type) {
	case nil:
		return 0, false
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			a.fail(name, v, "want an integer")
			return 0, false
		}
		return n, true
	default:
		a.fail(name, v, "want a number")
		return 0, false
	}
}

func (a attrs) boolean(name string) bool {
	if a.marked(name) {
		return false
	}
	switch v := a.vals[name].(type) {
	case nil:
		return false
	case bool:
		return v
	default:
		a.fail(name, v, "want true or false")
		return false
	}
}

// list returns the elements of a list (or set) attribute and its
// after_unknown list: unk[i] marks elems[i], and unk may be shorter or
// nil. ok is false when the attribute is unknown (recorded), absent,
// null, or not a list (an error saying want).
func (a attrs) list(name, want string) (elems, unk []any, ok bool) {
	if a.marked(name) {
		return nil, nil, false
	}
	switch v := a.vals[name].(type) {
	case nil:
		return nil, nil, false
	case []any:
		sub, _ := a.unkOf(name)
		unk, _ = sub.([]any)
		return v, unk, true
	default:
		a.fail(name, v, want)
		return nil, nil, false
	}
}

// strs reads a list (or set) of strings, leaving out and recording the
// elements unknown until apply.
func (a attrs) strs(name string) []string {
	v, unk, ok := a.list(name, "want a list of strings")
	if !ok {
		return nil
	}
	var out []string
	for i, e := range v {
		p := name + "[" + strconv.Itoa(i) + "]"
		if i < len(unk) && isTrue(unk[i]) {
			a.markUnknown(p)
			continue
		}
		s, ok := e.(string)
		if !ok {
			a.fail(p, e, "want a string")
			return nil
		}
		out = append(out, s)
	}
	for i := len(v); i < len(unk); i++ {
		if isTrue(unk[i]) {
			a.markUnknown(name + "[" + strconv.Itoa(i) + "]")
		}
	}
	return out
}

// blocks reads a list of nested blocks. Each block gets its own record of
// unknown attributes; a wholly unknown list or block is recorded on a, and
// a wholly unknown block is a zero attrs (rd nil) that keeps its list
// position.
func (a attrs) blocks(name string) []attrs {
	v, unk, ok := a.list(name, "want a list of blocks")
	if !ok {
		return nil
	}
	var out []attrs
	for i, e := range v {
		p := name + "[" + strconv.Itoa(i) + "]"
		var u any
		if i < len(unk) {
			u = unk[i]
		}
		if isTrue(u) {
			a.markUnknown(p)
			out = append(out, attrs{})
			continue
		}
		m, ok := e.(map[string]any)
		if !ok {
			a.fail(p, e, "want an object")
			return nil
		}
		out = append(out, attrs{rd: a.rd, addr: a.addr, prefix: a.prefix + p + ".", vals: m, unk: u, unknown: new([]string)})
	}
	return out
}

// ----- groups and rules -----

// group returns the group with key in v, adding it in first-seen order.
func (rd *reader) group(v *Vendor, key string) *sgsim.Group {
	m := rd.pos[v]
	if m == nil {
		m = map[string]int{}
		rd.pos[v] = m
	}
	i, ok := m[key]
	if !ok {
		i = len(v.Groups)
		m[key] = i
		v.Groups = append(v.Groups, sgsim.Group{ID: key})
	}
	return &v.Groups[i]
}

// groupKey returns the security group a rule resource belongs to: the
// value of attr, or, when it is unknown until apply, the address of the
// resource the configuration takes it from (falling back to the rule's own
// address).
func (rd *reader) groupKey(module string, res *resource, a attrs, attr string) string {
	if a.unknownRaw(attr) {
		rd.plan.Unknown = append(rd.plan.Unknown, Unknown{Address: res.Address, Attribute: attr})
		key := rd.refAddress(module, res, attr)
		if key == "" {
			key = res.Address
		}
		rd.addressKey(key)
		return key
	}
	id := a.strQuiet(attr)
	if id == "" {
		a.fail(attr, id, "missing or empty")
	}
	return id
}

func (rd *reader) addressKey(key string) {
	if !rd.keyed[key] {
		rd.keyed[key] = true
		rd.plan.AddressKeys = append(rd.plan.AddressKeys, key)
	}
}

// refAddress finds, in the configuration, the resource whose id attribute
// attr refers to, and returns its address in the same module instance.
// The references list names it "aws_security_group.sg.id" (Terraform 0.13
// and later, which also list "aws_security_group.sg") or only
// "aws_security_group.sg" (Terraform 0.12, which cuts references at the
// resource); both are followed. A reference to another attribute of a
// resource ("aws_security_group.sg.name", which 0.13 and later list with
// "aws_security_group.sg") is not.
func (rd *reader) refAddress(module string, res *resource, attr string) string {
	exprs := rd.config[stripKeys(module)+"|"+res.Type+"."+res.Name]
	e, _ := exprs[attr].(map[string]any)
	refs, _ := e["references"].([]any)
	var strs []string
	for _, ref := range refs {
		if s, ok := ref.(string); ok {
			strs = append(strs, s)
		}
	}
	for _, s := range strs {
		base, ok := resourceRef(s)
		if !ok || base == s && otherAttr(strs, s) {
			continue
		}
		if module != "" {
			return module + "." + base
		}
		return base
	}
	return ""
}

// otherAttr reports whether refs hold a reference to an attribute of the
// resource base other than its id: then base alone is that reference cut
// at the resource, not a Terraform 0.12 reference to the id.
func otherAttr(refs []string, base string) bool {
	for _, r := range refs {
		if strings.HasPrefix(r, base+".") && r != base+".id" {
			return true
		}
	}
	return false
}

// resourceRef returns the resource address a reference to a resource's id
// names: "type.name" or "data.type.name", with an instance key if the
// reference has one, followed by ".id" or by nothing.
func resourceRef(s string) (string, bool) {
	base := strings.TrimSuffix(s, ".id")
	parts := strings.Split(stripKeys(base), ".")
	switch first := parts[0]; {
	case first == "var" || first == "local" || first == "module" || first == "each" || first == "count" ||
		first == "path" || first == "terraform" || first == "self":
		return "", false
	case first == "data" && len(parts) == 3, first != "data" && len(parts) == 2:
	default:
		return "", false
	}
	for _, p := range parts {
		if p == "" {
			return "", false
		}
	}
	return base, true
}

// stripKeys removes instance keys ("[0]", `["a"]`) from a module address.
func stripKeys(addr string) string {
	var b strings.Builder
	depth, inStr := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"' && depth > 0:
			inStr = true
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// flush moves the unknown attributes found in a to the plan and reports
// whether there were any.
func (rd *reader) flush(a attrs) bool {
	if a.unknown == nil || len(*a.unknown) == 0 {
		return false
	}
	for _, u := range *a.unknown {
		rd.plan.Unknown = append(rd.plan.Unknown, Unknown{Address: a.addr, Attribute: u})
	}
	*a.unknown = nil
	return true
}

// emit validates the rule and adds it to g, or, when a has unknown
// attributes, records them and leaves the rule out.
func (rd *reader) emit(g *sgsim.Group, a attrs, r sgsim.Rule) {
	if rd.err != nil || rd.flush(a) {
		return
	}
	if err := r.Validate(); err != nil {
		var re *sgsim.RuleError
		msg := err.Error()
		if errors.As(err, &re) {
			msg = re.Field + " " + strconv.Quote(re.Value) + ": " + re.Msg
		}
		rd.err = &Error{Path: r.Origin.Path, Msg: msg}
		return
	}
	g.Rules = append(g.Rules, r)
}

func (rd *reader) origin(vendor, record, path string) sgsim.Origin {
	return sgsim.Origin{Vendor: vendor, Document: rd.document, Record: record, Path: path}
}

// cidrMode says what a vendor accepts in a CIDR attribute.
type cidrMode struct {
	bare     bool // a plain address means /32 or /128
	hostBits bool // host bits are masked instead of refused
}

var strict = cidrMode{}

// cidr reads a CIDR block of the family from attribute name.
func (a attrs) cidr(name, s string, v6 bool, mode cidrMode) (netip.Prefix, bool) {
	var p netip.Prefix
	var err error
	if mode.bare && !strings.Contains(s, "/") {
		var ad netip.Addr
		if ad, err = netip.ParseAddr(s); err == nil {
			p = netip.PrefixFrom(ad, ad.BitLen())
		}
	} else {
		p, err = netip.ParsePrefix(s)
	}
	if err != nil {
		a.fail(name, s, "not a CIDR block: "+netx.NetipReason(err))
		return p, false
	}
	if p.Addr().Zone() != "" {
		a.fail(name, s, "not a CIDR block: zoned address")
		return p, false
	}
	if p.Addr().Is4() == v6 || p.Addr().Is4In6() {
		want := "an IPv4"
		if v6 {
			want = "an IPv6"
		}
		a.fail(name, s, "not "+want+" CIDR block")
		return p, false
	}
	if p.Masked() != p {
		if !mode.hostBits {
			a.fail(name, s, "host bits set; did you mean "+p.Masked().String()+"?")
			return p, false
		}
		p = p.Masked()
	}
	return p, true
}

func setRemote(r *sgsim.Rule, p netip.Prefix) {
	a := sgsim.PrefixAddrs(p)
	if r.Direction == sgsim.Egress {
		r.Dst = a
	} else {
		r.Src = a
	}
	r.Family = sgsim.IPv4
	if p.Addr().Is6() {
		r.Family = sgsim.IPv6
	}
}

// protocol reads a protocol from a table of names (lower case) and, when
// numbers is true, a decimal number 0-255.
func (a attrs) protocol(name string, names map[string]sgsim.Protocol, numbers bool, want string) sgsim.Protocol {
	s := a.str(name)
	if p, ok := names[strings.ToLower(s)]; ok {
		return p
	}
	if numbers && s != "" && len(s) <= 3 && strings.Trim(s, "0123456789") == "" {
		if n, err := strconv.ParseUint(s, 10, 8); err == nil {
			return sgsim.ProtocolNumber(uint8(n))
		}
	}
	if !a.isUnknown(name) {
		a.fail(name, s, "unknown protocol: want "+want)
	}
	return sgsim.AnyProtocol
}

func (a attrs) direction(name string) sgsim.Direction {
	switch s := a.str(name); s {
	case "ingress":
		return sgsim.Ingress
	case "egress":
		return sgsim.Egress
	default:
		if !a.isUnknown(name) {
			a.fail(name, s, "want ingress or egress")
		}
	}
	return sgsim.Ingress
}

// priority reads a 1-100 priority; absent or 0 is the vendors' default 1.
func (a attrs) priority(name string) int {
	n, ok := a.num(name)
	if !ok || n == 0 {
		return 1
	}
	if n < 1 || n > 100 {
		a.fail(name, n, "out of range 1-100")
		return 1
	}
	return int(n)
}

// remotes returns the names of the non-empty attributes among names.
func (a attrs) remotes(names ...string) []string {
	var set []string
	for _, n := range names {
		if a.str(n) != "" || a.isUnknown(n) {
			set = append(set, n)
		}
	}
	return set
}

func (a attrs) twoRemotes(set []string) {
	var parts []string
	for _, n := range set {
		v := a.strQuiet(n)
		if a.isUnknown(n) {
			v = "(known after apply)"
		}
		parts = append(parts, n+" "+strconv.Quote(v))
	}
	e := &Error{Path: a.addr, Msg: "two remotes (" + strings.Join(parts, ", ") + "); a rule has at most one"}
	if a.prefix != "" {
		e.Path += "." + strings.TrimSuffix(a.prefix, ".")
	}
	if a.rd.err == nil {
		a.rd.err = e
	}
}

// ----- Huawei -----

var huaweiProtocols = map[string]sgsim.Protocol{"": sgsim.AnyProtocol, "tcp": sgsim.TCP, "udp": sgsim.UDP, "icmp": sgsim.ICMP, "icmpv6": sgsim.ICMPv6}

func (rd *reader) huawei(module string, res *resource) {
	a := rd.attrs(module, res)
	g := rd.group(&rd.plan.Huawei, rd.groupKey(module, res, a, "security_group_id"))
	id := a.strQuiet("id")
	if a.unknownRaw("id") {
		id = ""
	}
	r := sgsim.Rule{ID: id, Origin: rd.origin("huawei", id, res.Address)}
	r.Direction = a.direction("direction")
	switch s := a.str("ethertype"); strings.ToLower(s) {
	case "", "ipv4":
		r.Family = sgsim.IPv4
	case "ipv6":
		r.Family = sgsim.IPv6
	default:
		a.fail("ethertype", s, "want IPv4 or IPv6")
	}
	r.Protocol = a.protocol("protocol", huaweiProtocols, true, "tcp, udp, icmp, icmpv6, a number 0-255 or empty for any")
	switch s := a.str("action"); strings.ToLower(s) {
	case "", "allow":
		r.Action = sgsim.Allow
	case "deny":
		r.Action = sgsim.Deny
	default:
		a.fail("action", s, "want allow or deny")
	}
	r.Priority = a.priority("priority")
	ports := strings.ReplaceAll(a.str("ports"), " ", "")
	lo, hasLo := a.num("port_range_min")
	hi, hasHi := a.num("port_range_max")
	hasLo, hasHi = hasLo && lo != 0, hasHi && hi != 0
	switch {
	case a.anyUnknown("protocol", "ports", "port_range_min", "port_range_max"):
		// Left out; what the ports mean depends on the unknown value.
	case r.Protocol.HasPorts():
		switch {
		case ports != "":
			ps, err := sgsim.ParsePorts(ports)
			if err != nil {
				a.fail("ports", ports, err.(*sgsim.ParseError).Msg)
			}
			r.DstPorts = ps
		case hasLo || hasHi:
			if lo < 1 || lo > 65535 {
				a.fail("port_range_min", lo, "out of range 1-65535")
			} else if hi < 1 || hi > 65535 {
				a.fail("port_range_max", hi, "out of range 1-65535")
			} else if lo > hi {
				a.fail("port_range_max", hi, "below port_range_min "+strconv.FormatInt(lo, 10))
			}
			r.DstPorts = sgsim.Ports{{First: uint16(lo), Last: uint16(hi)}}
		}
	case r.Protocol.IsICMP():
		if ports != "" {
			a.fail("ports", ports, "protocol "+r.Protocol.String()+" has no ports")
		}
		// The Neutron form carries the ICMP type and code in
		// port_range_min/max; 0 is how the state shows an unset value.
		if hasLo {
			if lo < 0 || lo > 255 {
				a.fail("port_range_min", lo, "ICMP type out of range 0-255")
			}
			r.ICMP = sgsim.ICMPType(uint8(lo))
		}
		if hasHi {
			if !hasLo {
				a.fail("port_range_max", hi, "an ICMP code needs a type in port_range_min")
			} else if hi < 0 || hi > 255 {
				a.fail("port_range_max", hi, "ICMP code out of range 0-255")
			}
			r.ICMP.HasCode, r.ICMP.Code = true, uint8(hi)
		}
	default:
		if ports != "" {
			a.fail("ports", ports, "protocol "+r.Protocol.String()+" has no ports")
		} else if hasLo {
			a.fail("port_range_min", lo, "protocol "+r.Protocol.String()+" has no ports")
		} else if hasHi {
			a.fail("port_range_max", hi, "protocol "+r.Protocol.String()+" has no ports")
		}
	}
	set := a.remotes("remote_ip_prefix", "remote_group_id", "remote_address_group_id")
	switch {
	case len(set) > 1:
		a.twoRemotes(set)
	case len(set) == 0:
		// An empty remote is every address of the ethertype.
	case set[0] == "remote_ip_prefix":
		if s := a.strQuiet("remote_ip_prefix"); s != "" && !a.isUnknown("ethertype") {
			if p, ok := a.cidr("remote_ip_prefix", s, r.Family == sgsim.IPv6, strict); ok {
				setRemote(&r, p)
			}
		}
	case set[0] == "remote_group_id":
		r.RemoteGroup = a.strQuiet("remote_group_id")
	default:
		r.RemoteList = a.strQuiet("remote_address_group_id")
	}
	rd.emit(g, a, r)
}

// ----- Alibaba -----

var alibabaProtocols = map[string]sgsim.Protocol{"all": sgsim.AnyProtocol, "tcp": sgsim.TCP, "udp": sgsim.UDP, "icmp": sgsim.ICMP, "icmpv6": sgsim.ICMPv6, "gre": sgsim.GRE}

var lenient = cidrMode{bare: true, hostBits: true}

func (rd *reader) alibaba(module string, res *resource) {
	a := rd.attrs(module, res)
	g := rd.group(&rd.plan.Alibaba, rd.groupKey(module, res, a, "security_group_id"))
	id := a.strQuiet("id")
	if a.unknownRaw("id") {
		id = ""
	}
	r := sgsim.Rule{ID: id, Origin: rd.origin("alibaba", id, res.Address)}
	r.Direction = a.direction("type")
	r.Protocol = a.protocol("ip_protocol", alibabaProtocols, true, "tcp, udp, icmp, icmpv6, gre, all or a number 0-255")
	switch s := a.str("policy"); strings.ToLower(s) {
	case "", "accept":
		r.Action = sgsim.Allow
	case "drop":
		r.Action = sgsim.Deny
	default:
		a.fail("policy", s, "want accept or drop")
	}
	r.Priority = a.priority("priority")
	switch s := a.str("nic_type"); s {
	case "", "internet", "intranet":
	default:
		a.fail("nic_type", s, "want internet or intranet")
	}
	pr := a.str("port_range")
	if pr == "" && !a.isUnknown("port_range") {
		pr = "-1/-1"
	}
	if pr != "" && pr != "-1/-1" && !a.isUnknown("ip_protocol") {
		if !r.Protocol.HasPorts() {
			a.fail("port_range", pr, "protocol "+r.Protocol.String()+" has no ports (want -1/-1)")
		} else {
			f, t, ok := strings.Cut(pr, "/")
			lo, err1 := strconv.Atoi(f)
			hi, err2 := strconv.Atoi(t)
			switch {
			case !ok || err1 != nil || err2 != nil:
				a.fail("port_range", pr, `want "first/last", e.g. "1/200"`)
			case lo < 1 || lo > 65535 || hi < 1 || hi > 65535:
				a.fail("port_range", pr, "port out of range 1-65535")
			case lo > hi:
				a.fail("port_range", pr, "first port above last port")
			default:
				r.DstPorts = sgsim.Ports{{First: uint16(lo), Last: uint16(hi)}}
			}
		}
	}
	set := a.remotes("cidr_ip", "ipv6_cidr_ip", "source_security_group_id")
	switch {
	case len(set) > 1:
		a.twoRemotes(set)
	case len(set) == 0:
		// The provider ignores prefix_list_id when another remote is set.
		if pl := a.str("prefix_list_id"); pl != "" {
			r.RemoteList = pl
		} else if !a.isUnknown("prefix_list_id") {
			a.fail("cidr_ip", nil, "no remote: want one of cidr_ip, ipv6_cidr_ip, source_security_group_id, prefix_list_id")
		}
	case set[0] == "cidr_ip" || set[0] == "ipv6_cidr_ip":
		if s := a.strQuiet(set[0]); s != "" {
			if p, ok := a.cidr(set[0], s, set[0] == "ipv6_cidr_ip", lenient); ok {
				setRemote(&r, p)
			}
		}
	default:
		r.RemoteGroup = a.strQuiet("source_security_group_id")
	}
	rd.emit(g, a, r)
}

// ----- Tencent -----

var tencentProtocols = map[string]sgsim.Protocol{"": sgsim.AnyProtocol, "all": sgsim.AnyProtocol, "tcp": sgsim.TCP, "udp": sgsim.UDP, "icmp": sgsim.ICMP, "icmpv6": sgsim.ICMPv6, "gre": sgsim.GRE}

func (rd *reader) tencent(module string, res *resource) {
	top := rd.attrs(module, res)
	g := rd.group(&rd.plan.Tencent, rd.groupKey(module, res, top, "security_group_id"))
	for _, dir := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
		for i, a := range top.blocks(dir.String()) {
			if rd.err != nil {
				return
			}
			if a.rd == nil {
				continue // the whole block is unknown; recorded by blocks
			}
			path := res.Address + "." + dir.String() + "[" + strconv.Itoa(i) + "]"
			r := sgsim.Rule{Direction: dir, Priority: i, Origin: rd.origin("tencent", "", path)}
			switch s := a.str("action"); strings.ToUpper(s) {
			case "ACCEPT":
				r.Action = sgsim.Allow
			case "DROP":
				r.Action = sgsim.Deny
			default:
				if !a.isUnknown("action") {
					a.fail("action", s, "want ACCEPT or DROP")
				}
			}
			for _, n := range []string{"service_template_id", "service_template_group"} {
				if s := a.str(n); s != "" {
					a.fail(n, s, "service templates are not supported; give protocol and port")
				}
			}
			r.Protocol = a.protocol("protocol", tencentProtocols, false, "TCP, UDP, ICMP, ICMPv6, GRE or ALL")
			if port := a.str("port"); port != "" && !strings.EqualFold(port, "all") && !a.isUnknown("protocol") {
				if !r.Protocol.HasPorts() {
					a.fail("port", port, "protocol "+r.Protocol.String()+" has no ports (want ALL)")
				} else if ps, err := sgsim.ParsePorts(port); err != nil {
					a.fail("port", port, err.(*sgsim.ParseError).Msg)
				} else {
					r.DstPorts = ps
				}
			}
			set := a.remotes("cidr_block", "ipv6_cidr_block", "source_security_id", "address_template_id", "address_template_group")
			switch {
			case len(set) > 1:
				a.twoRemotes(set)
			case len(set) == 0:
				a.fail("cidr_block", nil, "no remote: want one of cidr_block, ipv6_cidr_block, source_security_id, address_template_id, address_template_group")
			case set[0] == "cidr_block" || set[0] == "ipv6_cidr_block":
				if s := a.strQuiet(set[0]); s != "" {
					if p, ok := a.cidr(set[0], s, set[0] == "ipv6_cidr_block", lenient); ok {
						if p.Addr() == netip.IPv4Unspecified() {
							p = netip.PrefixFrom(p.Addr(), 0) // Tencent reads any 0.0.0.0/n as 0.0.0.0/0
						}
						setRemote(&r, p)
					}
				}
			case set[0] == "source_security_id":
				r.RemoteGroup = a.strQuiet(set[0])
			default:
				r.RemoteList = a.strQuiet(set[0])
			}
			rd.emit(g, a, r)
		}
	}
	rd.flush(top) // unknown ingress or egress lists, or blocks
}

// ----- AWS -----

var awsProtocols = map[string]sgsim.Protocol{"-1": sgsim.AnyProtocol, "all": sgsim.AnyProtocol, "tcp": sgsim.TCP, "udp": sgsim.UDP, "icmp": sgsim.ICMP, "icmpv6": sgsim.ICMPv6}

const awsProtoWant = "tcp, udp, icmp, icmpv6, -1, all or a number 0-255"

// awsMatch reads from_port/to_port for protocol p, read from attribute
// protoAttr: a port range for TCP and UDP, type and code for ICMP (-1
// any). For protocol -1 AWS ignores the ports (the provider documents that
// any values open every port); for other protocols they must be 0/0 or
// -1/-1. Nothing is checked when the protocol or a port is unknown.
func (a attrs) awsMatch(p sgsim.Protocol, protoAttr string) (sgsim.Ports, sgsim.ICMPMatch) {
	f, fok := a.num("from_port")
	t, tok := a.num("to_port")
	if a.anyUnknown(protoAttr, "from_port", "to_port") {
		return nil, sgsim.ICMPMatch{}
	}
	if !fok {
		f = -1
	}
	if !tok {
		t = -1
	}
	switch {
	case p == sgsim.TCP || p == sgsim.UDP:
		if f == -1 && t == -1 {
			return nil, sgsim.ICMPMatch{}
		}
		if f < 0 || f > 65535 {
			a.fail("from_port", f, "out of range 0-65535")
		} else if t < 0 || t > 65535 {
			a.fail("to_port", t, "out of range 0-65535")
		} else if f > t {
			a.fail("to_port", t, "below from_port "+strconv.FormatInt(f, 10))
		}
		return sgsim.Ports{{First: uint16(f), Last: uint16(t)}}, sgsim.ICMPMatch{}
	case p.IsICMP():
		switch {
		case f < -1 || f > 255:
			a.fail("from_port", f, "ICMP type out of range 0-255 (-1 for any)")
		case t < -1 || t > 255:
			a.fail("to_port", t, "ICMP code out of range 0-255 (-1 for any)")
		case f == -1 && t != -1:
			a.fail("to_port", t, "an ICMP code needs a type")
		case f == -1:
			return nil, sgsim.ICMPMatch{}
		case t == -1:
			return nil, sgsim.ICMPType(uint8(f))
		default:
			return nil, sgsim.ICMPTypeCode(uint8(f), uint8(t))
		}
	case p == sgsim.AnyProtocol:
	default:
		if !(f == 0 && t == 0 || f == -1 && t == -1) {
			name, v := "from_port", f
			if f == 0 || f == -1 {
				name, v = "to_port", t
			}
			a.fail(name, v, "protocol "+p.String()+" has no ports (want 0 or -1 in both)")
		}
	}
	return nil, sgsim.ICMPMatch{}
}

// awsSources adds one rule per source of an ingress/egress block or
// aws_security_group_rule. self is the group's own key.
func (rd *reader) awsSources(g *sgsim.Group, a attrs, base sgsim.Rule, self string, groupAttr string) {
	n := 0
	add := func(r sgsim.Rule) {
		n++
		rd.emit(g, a, r)
	}
	if rd.err != nil {
		return
	}
	// Read every attribute before emitting, so that unknown ones are
	// recorded once and leave out every rule of the block.
	v4 := a.strs("cidr_blocks")
	v6 := a.strs("ipv6_cidr_blocks")
	lists := a.strs("prefix_list_ids")
	var groups []string
	if groupAttr == "security_groups" {
		groups = a.strs("security_groups")
	} else if s := a.str(groupAttr); s != "" {
		groups = []string{s}
	}
	isSelf := a.boolean("self")
	if groupAttr == "source_security_group_id" && isSelf && len(groups) > 0 {
		a.fail(groupAttr, groups[0], "self and source_security_group_id on one rule; a rule has at most one")
		return
	}
	if rd.flush(a) {
		return
	}
	for i, s := range v4 {
		if p, ok := a.cidr("cidr_blocks["+strconv.Itoa(i)+"]", s, false, strict); ok {
			r := base
			setRemote(&r, p)
			add(r)
		}
	}
	for i, s := range v6 {
		if p, ok := a.cidr("ipv6_cidr_blocks["+strconv.Itoa(i)+"]", s, true, strict); ok {
			r := base
			setRemote(&r, p)
			add(r)
		}
	}
	for _, s := range lists {
		r := base
		r.RemoteList = s
		add(r)
	}
	for _, s := range groups {
		r := base
		r.RemoteGroup = s
		add(r)
	}
	if isSelf {
		r := base
		r.RemoteGroup = self
		add(r)
	}
	if n == 0 && rd.err == nil {
		e := &Error{Path: base.Origin.Path, Msg: "no source: want cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, " + groupAttr + " or self"}
		rd.err = e
	}
}

func (rd *reader) awsGroup(module string, res *resource) {
	a := rd.attrs(module, res)
	key := a.strQuiet("id")
	if a.unknownRaw("id") || key == "" {
		rd.plan.Unknown = append(rd.plan.Unknown, Unknown{Address: res.Address, Attribute: "id"})
		key = res.Address
		rd.addressKey(key)
	}
	g := rd.group(&rd.plan.AWS, key)
	if name := a.strQuiet("name"); name != "" {
		g.Name = name
	}
	for _, dir := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
		for i, b := range a.blocks(dir.String()) {
			if rd.err != nil {
				return
			}
			if b.rd == nil {
				continue
			}
			path := res.Address + "." + dir.String() + "[" + strconv.Itoa(i) + "]"
			r := sgsim.Rule{Direction: dir, Action: sgsim.Allow, Origin: rd.origin("aws", "", path)}
			r.Protocol = b.protocol("protocol", awsProtocols, true, awsProtoWant)
			r.DstPorts, r.ICMP = b.awsMatch(r.Protocol, "protocol")
			rd.awsSources(g, b, r, key, "security_groups")
		}
	}
	rd.flush(a)
}

func (rd *reader) awsRule(module string, res *resource) {
	a := rd.attrs(module, res)
	key := rd.groupKey(module, res, a, "security_group_id")
	g := rd.group(&rd.plan.AWS, key)
	r := sgsim.Rule{Action: sgsim.Allow, Origin: rd.origin("aws", "", res.Address)}
	r.Direction = a.direction("type")
	r.Protocol = a.protocol("protocol", awsProtocols, true, awsProtoWant)
	r.DstPorts, r.ICMP = a.awsMatch(r.Protocol, "protocol")
	rd.awsSources(g, a, r, key, "source_security_group_id")
}

func (rd *reader) awsVPCRule(module string, res *resource) {
	a := rd.attrs(module, res)
	g := rd.group(&rd.plan.AWS, rd.groupKey(module, res, a, "security_group_id"))
	id := a.strQuiet("security_group_rule_id")
	if a.unknownRaw("security_group_rule_id") {
		id = ""
	}
	r := sgsim.Rule{ID: id, Action: sgsim.Allow, Origin: rd.origin("aws", id, res.Address)}
	if strings.HasSuffix(res.Type, "_egress_rule") {
		r.Direction = sgsim.Egress
	}
	r.Protocol = a.protocol("ip_protocol", awsProtocols, true, awsProtoWant)
	r.DstPorts, r.ICMP = a.awsMatch(r.Protocol, "ip_protocol")
	set := a.remotes("cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id")
	switch {
	case len(set) > 1:
		a.twoRemotes(set)
	case len(set) == 0:
		a.fail("cidr_ipv4", nil, "no remote: want one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id")
	case set[0] == "cidr_ipv4" || set[0] == "cidr_ipv6":
		if s := a.strQuiet(set[0]); s != "" {
			if p, ok := a.cidr(set[0], s, set[0] == "cidr_ipv6", strict); ok {
				setRemote(&r, p)
			}
		}
	case set[0] == "prefix_list_id":
		r.RemoteList = a.strQuiet(set[0])
	default:
		r.RemoteGroup = a.strQuiet(set[0])
	}
	rd.emit(g, a, r)
}

// jdec scans documents for reader.doc; its errors are *Error at a JSON
// path, "(document)" for the whole document.
var jdec = jsonx.Decoder{Err: func(path, value, msg string) error {
	if path == "" {
		path = "(document)"
	}
	return &Error{Path: path, Value: value, Msg: msg}
}}
