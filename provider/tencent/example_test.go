package tencent_test

import (
	"fmt"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/tencent"
)

// The documented example cluster (managed, the zero Cluster) with TKE's
// default node group, then with the custom outbound set its note asks for.
func Example() {
	p, err := tencent.NewProfile(tencent.Cluster{})
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
		name := p.Name() + map[bool]string{false: "/default", true: "/hardened"}[hardened]
		fs := provider.Findings(name, provider.Check(n, p.Required))
		if len(fs) == 0 {
			fmt.Println(name + ": no findings")
		}
		for _, f := range fs {
			fmt.Println(f)
		}
	}
	// Output:
	// tke-managed/default: no findings
	// tke-managed/hardened: k8s node dns (kubernetes): none allowed; witness udp 10.0.0.1:1024 -> 183.60.82.98:53; dropped at source egress [nodes]: deny: no rule matched: default deny
	// tke-managed/hardened: k8s node to apiserver (kubernetes): none allowed; witness tcp 10.0.0.1:1024 -> 169.254.128.15:60002; dropped at source egress [nodes]: deny: no rule matched: default deny
	// tke-managed/hardened: k8s pod to apiserver (kubernetes): none allowed; witness tcp 172.16.0.1:1024 -> 169.254.128.15:60002; dropped at source egress [pods]: deny: no rule matched: default deny
}
