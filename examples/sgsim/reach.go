package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

func init() {
	commands = append(commands, &command{
		name:     "reach",
		short:    "can this range reach that one? all/some/none, witnesses, regions",
		synopsis: "[input flags] -from A -to B -proto P [-port PORTS] [-sport PORTS] [-icmp TYPE/CODE] [-question delivered|answered] [-fail-on OUTCOMES] [-format text|json]",
		about: `answers "can this range reach that range?" for every address and port in them: all, some or none, a witness flow each way (with the hop and rule that drop the denied one), and the exact allowed sub-space as regions; the denied regions name the hop and rule that deny them.
A and B are endpoint names (the topology's, or a profile's: nodes, masters, pods, ...) or addresses, prefixes and ranges, comma separated. -port is the destination ports (default every port), -sport the source ports (default the ephemeral range 1024-65535); ICMP queries ask about -icmp TYPE/CODE (default the echo request: 8/0, or 128/0 for icmpv6).
-question asks "delivered" (the forward packets arrive) or "answered" (and their replies get back, the default for every protocol; sgsim.Question says why); the outcome answers it, and when the two paths differ the first line gives both, e.g. "all (delivered all, answered none)", and the regions whose replies are dropped are listed.
json: {"schema_version": 1, "query", "question", "outcome", "delivered", "answered", "allowed_witness", "denied_witness", "denied_trace", "allowed": [regions], "denied": [{"region", "hop", "group", "rule_id", "rule", "origin"}], "reply_denied": [the same, for delivered regions whose replies are dropped]}.`,
		example: `sgsim reach -from nodes -to masters -proto tcp -port 5444,6443
prints, for the main job's network (profile cce-tunnel, hardened):
  nodes 192.168.0.0/24 -> masters 192.168.1.0/28 tcp dport 5444,6443: some
      allowed witness: tcp 192.168.0.1:1024 -> 192.168.1.1:5444
      denied witness: tcp 192.168.0.1:1024 -> 192.168.1.1:6443
        dropped at destination ingress [masters]: deny: no rule matched: default deny
      allowed: 192.168.0.0/24 -> 192.168.1.0/28 dport 5444 sport 1024-65535
      denied: 192.168.0.0/24 -> 192.168.1.0/28 dport 6443 sport 1024-65535 at destination ingress by no rule matched: default deny`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			o := &reachOptions{}
			fs.StringVar(&o.from, "from", "", "source: endpoint `NAMES` or addresses, comma separated")
			fs.StringVar(&o.to, "to", "", "destination: endpoint `NAMES` or addresses, comma separated")
			fs.StringVar(&o.proto, "proto", "", "`protocol`: tcp, udp, sctp, icmp, icmpv6, gre, or a number")
			fs.StringVar(&o.port, "port", "", "destination `PORTS` (tcp, udp, sctp), e.g. 443 or 80,8000-8080; default every port")
			fs.StringVar(&o.sport, "sport", "", "source `PORTS`; default 1024-65535")
			fs.StringVar(&o.icmp, "icmp", "8/0", "ICMP `TYPE/CODE` for icmp and icmpv6 queries (icmpv6 default: 128/0, its echo request)")
			fs.StringVar(&o.question, "question", "", "what to ask of each flow: `delivered` or answered (default: answered, the round trip)")
			fs.StringVar(&o.failOn, "fail-on", "", "exit 1 when the outcome is one of these, comma separated: `all,some,none` (e.g. none,some: must reach; some,all: must not)")
			return func(e *env) error { return reachRun(e, o) }
		},
	})
}

type reachOptions struct {
	from, to, proto, port, sport, icmp, failOn, question string
}

func reachRun(e *env, o *reachOptions) error {
	if o.from == "" || o.to == "" || o.proto == "" {
		return bad("want -from, -to and -proto")
	}
	var q sgsim.Query
	var err error
	if q.Protocol, err = sgsim.ParseProtocol(o.proto); err != nil || q.Protocol == sgsim.AnyProtocol {
		return bad("-proto %q: want tcp, udp, sctp, icmp, icmpv6, gre or a protocol number", o.proto)
	}
	ported := q.Protocol == sgsim.TCP || q.Protocol == sgsim.UDP || q.Protocol == sgsim.SCTP
	if (o.port != "" || o.sport != "") && !ported {
		return bad("-port and -sport apply to tcp, udp and sctp, not %s", q.Protocol)
	}
	if o.port != "" {
		if q.DstPorts, err = sgsim.ParsePorts(o.port); err != nil {
			return bad("-port %q: %s", o.port, parseMsg(err))
		}
	}
	if o.sport != "" {
		if q.SrcPorts, err = sgsim.ParsePorts(o.sport); err != nil {
			return bad("-sport %q: %s", o.sport, parseMsg(err))
		}
	}
	isICMP := q.Protocol == sgsim.ICMP || q.Protocol == sgsim.ICMPv6
	if e.given["icmp"] && !isICMP {
		return bad("-icmp applies to icmp and icmpv6, not %s", q.Protocol)
	}
	if isICMP {
		if q.Protocol == sgsim.ICMPv6 && !e.given["icmp"] {
			o.icmp = "128/0" // ICMPv6's echo request; 8 is ICMPv4's
		}
		t, c, ok := strings.Cut(o.icmp, "/")
		ti, err1 := strconv.ParseUint(t, 10, 8)
		ci, err2 := strconv.ParseUint(c, 10, 8)
		if !ok || err1 != nil || err2 != nil {
			return bad("-icmp %q: want TYPE/CODE, each 0-255, such as 8/0", o.icmp)
		}
		q.ICMPType, q.ICMPCode = uint8(ti), uint8(ci)
	}
	switch o.question {
	case "":
	case "delivered":
		q.Question = sgsim.Delivered
	case "answered":
		q.Question = sgsim.Answered
	default:
		return bad("-question %q: want delivered or answered", o.question)
	}
	fail := map[sgsim.Outcome]bool{}
	if o.failOn != "" {
		for _, s := range strings.Split(o.failOn, ",") {
			switch strings.TrimSpace(s) {
			case "all":
				fail[sgsim.All] = true
			case "some":
				fail[sgsim.Some] = true
			case "none":
				fail[sgsim.None] = true
			default:
				return bad("-fail-on %q: want outcomes all, some, none, comma separated", o.failOn)
			}
		}
	}
	n, err := e.loadPlaced(&e.in)
	if err != nil {
		return err
	}
	if q.From, err = n.Addrs(o.from); err != nil {
		return bad("-from %v", err)
	}
	if q.To, err = n.Addrs(o.to); err != nil {
		return bad("-to %v", err)
	}
	stop := e.prog.phase("reach: querying every flow from " + o.from + " to " + o.to)
	r, err := n.Net.Reach(q)
	stop()
	if err != nil {
		return bad("%v", err) // the query: mixed families and the like
	}
	query := queryText(o, q)
	if e.json() {
		out := reachJSON{SchemaVersion: 1, Query: query, Question: r.Question.String(), Outcome: r.Outcome.String(), Delivered: r.Delivered.String(),
			Answered: r.Answered.String(), Allowed: []string{}, Denied: []denialJSON{}, ReplyDenied: []denialJSON{}}
		if r.Outcome != sgsim.None {
			out.AllowedWitness = r.AllowedWitness.String()
		}
		if r.Outcome != sgsim.All {
			out.DeniedWitness = r.DeniedWitness.String()
			t := traceOf(r.DeniedTrace)
			out.DeniedTrace = &t
		}
		for _, a := range r.Allowed {
			out.Allowed = append(out.Allowed, a.String())
		}
		for _, d := range r.Denied {
			out.Denied = append(out.Denied, denialOf(d))
		}
		for _, d := range r.ReplyDenied {
			out.ReplyDenied = append(out.ReplyDenied, denialOf(d))
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else if _, err := fmt.Fprintf(e.stdout, "%s: %s\n", query, indentAfterFirst(r.String())); err != nil {
		return err
	}
	if fail[r.Outcome] {
		return &failError{r.Outcome.String()}
	}
	return nil
}

// queryText is the query as the user asked it, with the addresses.
func queryText(o *reachOptions, q sgsim.Query) string {
	side := func(name string, a sgsim.Addrs) string {
		if _, err := sgsim.ParseAddrs(name); err == nil {
			return a.String()
		}
		return name + " " + a.String()
	}
	s := side(o.from, q.From) + " -> " + side(o.to, q.To) + " " + q.Protocol.String()
	if q.DstPorts != nil {
		s += " dport " + q.DstPorts.String()
	}
	if q.SrcPorts != nil {
		s += " sport " + q.SrcPorts.String()
	}
	if q.Protocol == sgsim.ICMP || q.Protocol == sgsim.ICMPv6 {
		s += fmt.Sprintf(" type %d code %d", q.ICMPType, q.ICMPCode)
	}
	return s
}

// indentAfterFirst indents every line but the first by two more spaces.
func indentAfterFirst(s string) string {
	return strings.ReplaceAll(s, "\n", "\n  ")
}

func denialOf(d sgsim.Denial) denialJSON {
	dj := denialJSON{Region: d.Region.String(), Hop: d.Hop.String(), Action: d.Verdict.Action.String(), Group: d.Verdict.Group}
	if ru := d.Verdict.Rule; ru != nil {
		dj.RuleID, dj.Rule = ru.ID, ru.String()
		if !ru.Origin.IsZero() {
			dj.Origin = ru.Origin.String()
		}
	}
	return dj
}

type reachJSON struct {
	SchemaVersion  int          `json:"schema_version"` // 1
	Query          string       `json:"query"`
	Question       string       `json:"question"`
	Outcome        string       `json:"outcome"`
	Delivered      string       `json:"delivered"`
	Answered       string       `json:"answered"`
	AllowedWitness string       `json:"allowed_witness,omitempty"`
	DeniedWitness  string       `json:"denied_witness,omitempty"`
	DeniedTrace    *traceJSON   `json:"denied_trace,omitempty"`
	Allowed        []string     `json:"allowed"`
	Denied         []denialJSON `json:"denied"`
	ReplyDenied    []denialJSON `json:"reply_denied"`
}

type denialJSON struct {
	Region string `json:"region"`
	Hop    string `json:"hop"`
	Action string `json:"action"`
	Group  string `json:"group,omitempty"`
	RuleID string `json:"rule_id,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Origin string `json:"origin,omitempty"`
}
