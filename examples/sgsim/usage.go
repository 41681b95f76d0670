package main

import (
	"flag"
	"fmt"

	"github.com/sgsim/sgsim/sgsim/replay"
	"github.com/sgsim/sgsim/sgsim/replay/usage"
)

func init() {
	commands = append(commands, &command{
		name:     "usage",
		short:    "which rules did traffic use, how much, and which allow rules did nothing?",
		synopsis: "[-pcap FILE ... | -flowlog FILE ...] [input flags] [-inner-drops] [-max-addrs N] [-format text|json] [-fail-on-unused]",
		about: `replays captured traffic (as replay does; with no input flag at all, the embedded CCE tunnel sample against the cce-tunnel profile; any input flag without -pcap or -flowlog is bad usage) and counts, per hop and deciding rule, the flows, packets and bytes it decided, allowed and dropped; lists the allow rules no flow used, with the observation window (first and last timestamp); and shows for every used allow rule what the traffic used of it (addresses as the fewest prefixes, and the narrowest covering prefix, destination ports as ranges) next to what the rule opens. A rule that saw more than -max-addrs distinct addresses on one side (default 4096) keeps them as prefixes instead (/24, /16, /8, /0; IPv6 /64, /48, /32, /0), so that memory stays bounded; its line then says so and where the addresses seen lie, "more distinct addresses than the limit: kept as /24, a superset of those seen, which lie within 192.168.0.8/29" (json: src_aggregated_to, dst_aggregated_to; src_cover, dst_cover).
A flow counts on every hop it was evaluated at, with all its packets and bytes both ways. Inner flows of VXLAN/Geneve tunnels are decided by their outer flow and counted only on it, unless -inner-drops judges them by their own addresses (package sgsim/replay/usage).
json: one object ("schema_version": 1 and the fields of usage.JSONReport): first, last, flows, inner_flows, outside_flows (flows no hop evaluated: no security group or network ACL on their path), rules (hop, action, kind, group, index, rule, text, flows, allowed_flows, packets, bytes, used) and unused.`,
		example: `sgsim usage
prints the window "observed 2024-05-06T09:00:00.5Z to ...", a table of hops and rules with their flows, packets and bytes
(such as "source egress ... deny ... no rule matched: default deny ... 3 ..."), what each used allow rule carried, and the allow rules no flow used.`,
		flags: func(fs *flag.FlagSet) func(*env) error {
			o := &replayOptions{}
			var failUnused bool
			maxAddrs := 4096
			fs.Var((*list)(&o.pcaps), "pcap", "`FILE` to replay, pcap or pcapng (repeatable, in time order)")
			fs.Var((*list)(&o.flowlogs), "flowlog", "VPC flow log `FILE` to replay, AWS v2 or Huawei (repeatable)")
			fs.BoolVar(&o.innerDrops, "inner-drops", false, "judge flows inside VXLAN/Geneve tunnels by their own addresses and count them against the rules")
			fs.BoolVar(&failUnused, "fail-on-unused", false, "exit 1 when some allow rule was used by no flow")
			fs.IntVar(&maxAddrs, "max-addrs", maxAddrs, "distinct addresses kept exactly per used allow rule and side; beyond, kept as prefixes (1 means 2: room for one /0 per address family)")
			return func(e *env) error {
				if maxAddrs < 1 {
					return bad("-max-addrs %d: want 1 or more", maxAddrs)
				}
				return usageRun(e, o, failUnused, maxAddrs)
			}
		},
	})
}

func usageRun(e *env, o *replayOptions, failUnused bool, maxAddrs int) error {
	n, err := trafficNet(e, o)
	if err != nil {
		return err
	}
	c := usage.New(n.Net, usage.Config{Inner: o.innerDrops, MaxAddrs: maxAddrs})
	rp, partial, err := replayInputs(e, o, n.Net, replay.Config{InnerDrops: o.innerDrops, OnFlow: c.Add}, nil)
	if err != nil {
		return err
	}
	rep := c.Report()
	if e.json() {
		err = emitJSON(e, struct {
			SchemaVersion int `json:"schema_version"`
			usage.JSONReport
		}{1, rep.JSON()})
	} else {
		fmt.Fprintf(e.stdout, "rule usage against %s\n", n.Description)
		for _, name := range inputNames(o) {
			fmt.Fprintln(e.stdout, name)
		}
		if err = rep.WriteText(e.stdout); err == nil {
			// What each reader read and skipped, as replay's summary
			// ends: a count over a capture of which part was not IP
			// must say so.
			err = rp.Summary.WriteInputs(e.stdout)
		}
	}
	if err != nil {
		return err
	}
	if e.json() {
		inputLines(e.stderr, "sgsim usage: ", &rp.Summary)
	}
	for _, p := range partial {
		fmt.Fprintf(e.stderr, "sgsim usage: %s; the counts cover what was read before it\n", oneLine(p))
	}
	if failUnused && len(rep.Unused) > 0 {
		return &failError{"allow rules unused"}
	}
	return nil
}
