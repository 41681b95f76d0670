package usage_test

import (
	"fmt"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/replay"
	"github.com/sgsim/sgsim/sgsim/replay/usage"
)

// One finished flow counted against the rules that decided it at each
// hop, with both directions' packets and bytes; the rule it did not use
// is reported unused. In a replay, Counter.Add is replay.Config.OnFlow.
func Example() {
	rule := sgsim.MustParseRule
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "client", Rules: []sgsim.Rule{rule("egress allow any priority 1 id out")}},
			{ID: "server", Rules: []sgsim.Rule{
				rule("ingress allow tcp 80,443 from 10.0.0.0/8 priority 1 id web"),
				rule("ingress allow tcp 22 from 10.0.0.0/8 priority 1 id ssh"),
			}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "clients", Addrs: sgsim.MustParseAddrs("10.1.0.0/24"), Groups: []string{"client"}},
			{Name: "server", Addrs: sgsim.MustParseAddrs("10.2.0.1"), Groups: []string{"server"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, _ := sgsim.ParseFlow("tcp 10.1.0.4:40000 -> 10.2.0.1:443")
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	c := usage.New(n, usage.Config{})
	c.Add(&replay.Flow{Proto: f.Proto, Src: f.Src, Dst: f.Dst, SrcPort: f.SrcPort, DstPort: f.DstPort,
		FwdPackets: 3, FwdBytes: 300, RevPackets: 2, RevBytes: 2000,
		Decision: n.Decide(f), First: t0, Last: t0.Add(time.Second)})

	rep := c.Report()
	fmt.Println(rep.Flows, "flows")
	for _, e := range rep.Entries {
		fmt.Printf("%s %s: %d flows, %d packets, %d bytes\n", e.Hop, e.Rule, e.Flows, e.Packets, e.Bytes)
		if e.Rule == "web" {
			fmt.Println("web used:", e.Used)
		}
	}
	for _, u := range rep.Unused {
		fmt.Println("unused:", u.Rule)
	}
	// Output:
	// 1 flows
	// source egress out: 1 flows, 5 packets, 2300 bytes
	// destination ingress web: 1 flows, 5 packets, 2300 bytes
	// web used: tcp 443 from 10.1.0.4/32 (within 10.1.0.4/32) to 10.2.0.1/32 (within 10.2.0.1/32)
	// unused: ssh
}
