package alibaba_test

import (
	"fmt"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/alibaba"
)

// The default ACK cluster (basic group, Flannel, recommended settings)
// passes every required flow; with the least privilege sets it does not.
func Example() {
	p, err := alibaba.NewProfile(alibaba.Cluster{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, hardened := range []bool{false, true} {
		n, err := p.Network(hardened)
		if err != nil {
			fmt.Println(err)
			return
		}
		fs := provider.Findings(p.Variant(hardened), provider.Check(n, p.Required))
		fmt.Println(p.Variant(hardened)+":", len(fs), "findings")
		if len(fs) == 0 {
			fmt.Println("no findings")
		}
		for _, f := range fs {
			fmt.Println(f)
		}
	}
	// Output:
	// ack-basic-flannel/in:recommended/out:recommended: 0 findings
	// no findings
	// ack-basic-flannel/in:least-privilege/out:least-privilege: 5 findings
	// ack-basic-flannel/in:least-privilege/out:least-privilege: heapster 8082 nodes to pods (vendor): none allowed; witness tcp 192.168.0.1:1024 -> 172.20.0.1:8082; dropped at source egress [nodes]: deny: no rule matched: default deny
	// ack-basic-flannel/in:least-privilege/out:least-privilege: k8s pod to pod tcp (kubernetes): some allowed; witness tcp 172.20.0.1:1024 -> 172.20.0.2:1; dropped at source egress [pods]: deny: no rule matched: default deny
	// ack-basic-flannel/in:least-privilege/out:least-privilege: k8s pod to pod udp (kubernetes): some allowed; witness udp 172.20.0.1:1024 -> 172.20.0.2:1; dropped at source egress [pods]: deny: no rule matched: default deny
	// ack-basic-flannel/in:least-privilege/out:least-privilege: k8s node to pod tcp (kubernetes): some allowed; witness tcp 192.168.0.1:1024 -> 172.20.0.1:1; dropped at source egress [nodes]: deny: no rule matched: default deny
	// ack-basic-flannel/in:least-privilege/out:least-privilege: k8s pod to node tcp (kubernetes): some allowed; witness tcp 172.20.0.1:1024 -> 192.168.0.1:1; dropped at source egress [pods]: deny: no rule matched: default deny
}
