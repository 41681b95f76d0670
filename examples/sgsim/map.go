package main

import (
	"flag"

	"github.com/sgsim/sgsim/sgsim/analyze"
)

func init() {
	commands = append(commands, &command{
		name:     "map",
		short:    "who can talk to whom? every pair of endpoints, what passes, alike endpoints merged",
		synopsis: "[input flags] [-format text|json|markdown|csv|dot|html]",
		about: `computes, exactly (Network.Reach), for every pair of endpoints (source, destination; an endpoint to itself too) what passes, on every protocol: TCP, UDP and SCTP destination ports, ICMP and ICMPv6 messages by type and code ("icmp echo,unreachable,type 3 code 4"), each protocol a rule names ("gre", "proto 99") and "other" for the protocols no rule names (listed once, above the lines), round trip or one-way, and "partial" when not every address or ephemeral source port gets through. It takes one query per protocol (ICMP: per class of messages the rules treat alike) and address family over all endpoints, so a 200-endpoint network takes seconds. Sources whose rows are equal, and destinations whose columns are, are merged into groups (S1, S2, ... and D1, D2, ...), so a large network stays readable (package sgsim/analyze, Map).
text: the groups and one line per group pair on which something passes; markdown: the group matrix as a table; csv: one record per endpoint pair and protocol, not merged; json: "schema_version": 1 and the fields of analyze.JSONMap, with the allowed space and an answered flow's hops with their deciding rules; dot: a Graphviz digraph of the groups (dashed: one-way only); html: one self-contained page, the matrix as inline SVG (each square's kind by colour and by a symbol: ● round trip, ◐ partial or mixed, → one-way only, – nothing, with a legend), where clicking a square shows what passes, the allowed space and the deciding rules.`,
		example: `sgsim map -format html > map.html
writes the CCE tunnel profile's map (hardened set) as one HTML page; in text (no -format) it lists the groups' members,
then lines such as "S1 -> D2: tcp 5443-5444,8445,9443; udp 4789".`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			return func(e *env) error { return mapRun(e) }
		},
		formats: []string{"markdown", "csv", "dot", "html"},
	})
}

func mapRun(e *env) error {
	n, err := e.loadPlaced(&e.in)
	if err != nil {
		return err
	}
	m, err := analyze.Map(n.Net, n.Spec)
	if err != nil {
		return err
	}
	switch e.format {
	case "json":
		return emitJSON(e, struct {
			SchemaVersion int `json:"schema_version"`
			analyze.JSONMap
		}{1, m.JSON()})
	case "markdown":
		return m.WriteMarkdown(e.stdout)
	case "csv":
		return m.WriteCSV(e.stdout)
	case "dot":
		return m.WriteDOT(e.stdout)
	case "html":
		return m.WriteHTML(e.stdout)
	}
	return m.WriteText(e.stdout)
}
