package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

func init() {
	commands = append(commands, &command{
		name:       "trace",
		short:      "will this flow pass? every hop with the deciding rule",
		positional: true,
		synopsis:   "[input flags] [-fail-on-drop] [-format text|json] FLOW",
		about: `answers "will this flow pass?": one flow through source egress, the subnets' network ACLs (and their replies when stateless) and destination ingress, with the deciding rule and its origin (vendor record ID, file and JSON path, or seed table row) at every hop.
FLOW is the flow's text form, quoted as one argument: 'tcp 10.0.1.5:40000 -> 10.0.2.7:5432', 'udp [2001:db8::1]:5353 -> [2001:db8::2]:53', 'icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0', 'gre 10.0.0.1 -> 10.0.0.2'.
The first line gives both paths: "dropped at HOP" (the forward packet), "delivered; reply dropped at HOP", "delivered and answered", or "delivered (one-way: no reply)" for ICMP errors, replies and other messages that are not queries.
Overlay traffic (pods carried between nodes in VXLAN or Geneve, as in the cce-tunnel profile) is traced as the outer flows between the hosts: a line names the encapsulation and hosts, and the hops are the outer flow's and, for the reply, the outer flow back's.
json: {"schema_version": 1, "flow", "from", "to", "allowed" (delivered and answered), "delivered" (the forward path), "reply" ("answered", "dropped", "not applicable", "not sent"), "outside" (no hop applied: no security group on either end and no network ACL between them, so nothing judged the flow), "carried" (overlay traffic only: {"encap", "outer", "source_ports"}), "dropped_at" (the hop, "" when allowed), "hops": [{"hop", "where", "flow", "action", "group", "rule_id", "rule", "origin", "note"}]}.`,
		example: `sgsim trace 'tcp 192.168.0.12:43100 -> 192.168.1.2:6443'
prints, for the main job's network (profile cce-tunnel, hardened):
  tcp 192.168.0.12:43100 -> 192.168.1.2:6443 from nodes to masters: dropped at destination ingress
    1. source egress [nodes]: allow: rule "worker/table8/8" of group "cce-node" (egress allow tcp 6443 to 192.168.1.0/28 priority 1 id worker/table8/8) from huawei 001_3ee2f19bcae8d9c5.txt Table 8 row 8
    2. destination ingress [masters]: deny: no rule matched: default deny`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			var fail bool
			fs.BoolVar(&fail, "fail-on-drop", false, "exit 1 when the flow or its reply is dropped")
			return func(e *env) error { return traceRun(e, fail) }
		},
	})
}

// parseMsg is what a parse error says is wrong, without the parser's
// "sgsim: parse WHAT VALUE" lead: the caller names the flag or argument
// and quotes the value once.
func parseMsg(err error) string {
	var pe *sgsim.ParseError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

func traceRun(e *env, fail bool) error {
	if len(e.args) == 0 {
		return bad("no flow: give one such as 'tcp 10.0.1.5:40000 -> 10.0.2.7:5432' (quoted)")
	}
	text := strings.Join(e.args, " ")
	f, err := sgsim.ParseFlow(text)
	if err != nil {
		return bad("flow %q: %s", text, parseMsg(err))
	}
	n, err := e.loadPlaced(&e.in)
	if err != nil {
		return err
	}
	t := n.Net.Trace(f)
	if e.json() {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		out := struct {
			SchemaVersion int `json:"schema_version"`
			traceJSON
		}{1, traceOf(t)}
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else if _, err := fmt.Fprint(e.stdout, t.String()); err != nil {
		return err
	}
	if fail && !t.Allowed {
		return &failError{"dropped"}
	}
	return nil
}

// traceJSON is the JSON form of a trace.
type traceJSON struct {
	Flow      string `json:"flow"`
	From      string `json:"from"`
	To        string `json:"to"`
	Allowed   bool   `json:"allowed"`
	Delivered bool   `json:"delivered"`
	Reply     string `json:"reply"`
	// Outside: no hop applied (sgsim.Decision.Outside), so nothing but
	// the default judged the flow; hops is then empty.
	Outside bool `json:"outside"`
	// Carried is set for overlay traffic between hosts: the
	// encapsulation and the outer flow carrying the forward packets.
	Carried   *carriedJSON `json:"carried,omitempty"`
	DroppedAt string       `json:"dropped_at"`
	Hops      []hopJSON    `json:"hops"`
}

// carriedJSON is how overlay traffic crosses the network: the
// encapsulation, the outer flow from the source's host to the
// destination's (with the first source port) and the source ports the
// host may pick.
type carriedJSON struct {
	Encap       string `json:"encap"`
	Outer       string `json:"outer"`
	SourcePorts string `json:"source_ports"`
}

// hopJSON is one hop: where, the flow as the hop sees it (the reply on
// reply hops), the action and what decided it.
type hopJSON struct {
	Hop    string `json:"hop"`
	Where  string `json:"where"`
	Flow   string `json:"flow"`
	Action string `json:"action"`
	Group  string `json:"group,omitempty"`
	RuleID string `json:"rule_id,omitempty"`
	Rule   string `json:"rule,omitempty"` // text form; empty for the default deny or a note
	Origin string `json:"origin,omitempty"`
	Note   string `json:"note,omitempty"`
}

func traceOf(t sgsim.Trace) traceJSON {
	out := traceJSON{Flow: t.Flow.String(), From: t.From, To: t.To, Allowed: t.Allowed, Delivered: t.Delivered, Reply: t.Reply.String(), Outside: t.Outside, DroppedAt: droppedAt(t), Hops: []hopJSON{}}
	if t.Encap != sgsim.NoEncap {
		out.Carried = &carriedJSON{Encap: t.Encap.String(), Outer: t.Outer.String(), SourcePorts: t.OuterSrcPorts.String()}
	}
	for _, s := range t.Steps {
		h := hopJSON{Hop: s.Hop.String(), Where: s.Where, Flow: s.Flow.String(), Action: s.Verdict.Action.String(), Group: s.Verdict.Group, Note: s.Note}
		if r := s.Verdict.Rule; r != nil {
			h.RuleID, h.Rule = r.ID, r.String()
			if !r.Origin.IsZero() {
				h.Origin = r.Origin.String()
			}
		}
		out.Hops = append(out.Hops, h)
	}
	return out
}

// droppedAt names the hop that dropped the flow, "" when it passed.
func droppedAt(t sgsim.Trace) string {
	if t.Allowed || t.Dropped < 0 || t.Dropped >= len(t.Steps) {
		return ""
	}
	return t.Steps[t.Dropped].Hop.String()
}
