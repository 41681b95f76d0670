package replay_test

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// network is a Huawei worker pool and a master that accepts TCP 5444
// from the workers.
func network() *sgsim.Network {
	rule := sgsim.MustParseRule
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "cce-node", Rules: []sgsim.Rule{rule("egress allow any priority 1")}},
			{ID: "cce-control", Rules: []sgsim.Rule{
				rule("ingress allow tcp 5444 from 192.168.0.0/24 priority 1 id kube-api"),
				rule("egress allow any priority 1"),
			}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "workers", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Groups: []string{"cce-node"}},
			{Name: "master", Addrs: sgsim.MustParseAddrs("192.168.1.10"), Groups: []string{"cce-control"}},
		},
	})
	if err != nil {
		panic(err)
	}
	return n
}

// Replay a VPC flow log: which of the logged flows would the network drop?
func Example() {
	const log = `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 111122223333 eni-0f00ba47 192.168.0.7 192.168.1.10 40000 5444 6 12 2210 1715000000 1715000055 ACCEPT OK
2 111122223333 eni-0f00ba47 192.168.0.7 192.168.1.10 40001 22 6 1 60 1715000003 1715000003 REJECT OK
2 111122223333 eni-0f00ba47 - - - - - - - 1715000060 1715000120 - NODATA
`
	r := replay.New(network(), replay.Config{})
	if err := r.AddFlowLog(flowlog.NewReader(strings.NewReader(log), flowlog.Detect)); err != nil {
		fmt.Println(err)
		return
	}
	rep := r.Report()
	rep.WriteText(os.Stdout)
	// Output:
	// ID  PROTO  SRC                DST                INITIATOR  FIRST                 DURATION  PACKETS  BYTES   VERDICT  DETAIL
	// 1   tcp    192.168.0.7:40000  192.168.1.10:5444  flow-log   2024-05-06T12:53:20Z  55s       12/0     2210/0  allowed  logged ACCEPT
	// 2   tcp    192.168.0.7:40001  192.168.1.10:22    flow-log   2024-05-06T12:53:23Z  0s        1/0      60/0    dropped  at destination ingress by no rule matched: default deny; logged REJECT
	// flows: 1 allowed, 1 dropped (packets: 12 allowed, 1 dropped); start not seen: 0; out-of-order packets: 0
	//   allowed: 1 flows, 12 packets
	//   dropped at destination ingress by no rule matched: default deny: 1 flows, 1 packets
	// flowlog 1: 2 records; skipped: NODATA 1 (first line 4)
}

// Packet replays decoded packets one by one, for a caller that reads them
// itself; one holding the raw bytes can write the dropped ones out as it
// goes.
func ExampleReplayer_Packet() {
	n := network()
	r := replay.New(n, replay.Config{})
	addr := netip.MustParseAddr
	p := capture.Packet{N: 1, Time: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), Len: 110,
		Header: capture.Header{Proto: 17, Src: addr("192.168.0.7"), Dst: addr("192.168.1.10"), SrcPort: 51000, DstPort: 5444},
	}
	fmt.Println("dropped:", r.Packet(&p))
	p.N++
	p.SrcPort, p.DstPort = 40000, 5444
	p.Proto = 6
	p.TCPFlags = capture.FlagSYN
	fmt.Println("dropped:", r.Packet(&p))
	for _, f := range r.Report().Flows {
		fmt.Println(f.ID, f.Flow(), f.Initiator, f.Decision.Allowed, f.Source)
	}
	// Output:
	// dropped: true
	// dropped: false
	// 1 udp 192.168.0.7:51000 -> 192.168.1.10:5444 first-packet false packet 1
	// 2 tcp 192.168.0.7:40000 -> 192.168.1.10:5444 syn true packet 2
}

// Stream a large input: OnFlow hands each flow over as it finishes, a
// TextWriter writes it at once, and the replayer keeps only counts, so
// memory follows the live flows however long the log.
func ExampleTextWriter() {
	const log = `2 111122223333 eni-0f00ba47 192.168.0.7 192.168.1.10 40000 5444 6 12 2210 1715000000 1715000055 ACCEPT OK
2 111122223333 eni-0f00ba47 192.168.0.7 192.168.1.10 40001 22 6 1 60 1715000003 1715000003 REJECT OK
`
	tw := replay.NewTextWriter(os.Stdout)
	r := replay.New(network(), replay.Config{OnFlow: func(f *replay.Flow) {
		if !f.Allowed() { // list the dropped flows only
			tw.Write(f)
		}
	}})
	if err := r.AddFlowLog(flowlog.NewReader(strings.NewReader(log), flowlog.AWSv2)); err != nil {
		fmt.Println(err)
		return
	}
	rep := r.Report()
	tw.Flush()
	fmt.Println(len(rep.Flows), "flows kept")
	rep.Summary.WriteText(os.Stdout)
	// Output:
	// ID  PROTO  SRC                DST              INITIATOR  FIRST                 DURATION  PACKETS  BYTES  VERDICT  DETAIL
	// 2   tcp    192.168.0.7:40001  192.168.1.10:22  flow-log   2024-05-06T12:53:23Z  0s        1/0      60/0   dropped  at destination ingress by no rule matched: default deny; logged REJECT
	// 0 flows kept
	// flows: 1 allowed, 1 dropped (packets: 12 allowed, 1 dropped); start not seen: 0; out-of-order packets: 0
	//   allowed: 1 flows, 12 packets
	//   dropped at destination ingress by no rule matched: default deny: 1 flows, 1 packets
	// flowlog 1: 2 records; skipped: none
}
