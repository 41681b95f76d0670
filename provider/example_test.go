package provider_test

import (
	"fmt"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/huawei"
)

// The package's shortest complete use: the Huawei CCE profile of the
// documented example cluster (VPC model, newer revision), hardened, and
// the required flows its own rules fail. The list is the one
// huawei/profile_test.go derives from the tables for "cce-vpc/newer/hardened".
func Example() {
	p, err := huawei.NewProfile(huawei.Cluster{}) // the documented example cluster
	if err != nil {
		panic(err)
	}
	n, err := p.Network(true) // with the hardened worker egress set
	if err != nil {
		panic(err)
	}
	for _, f := range provider.Findings(p.Name(), provider.Check(n, p.Required)) {
		fmt.Println(f.Profile + ": " + f.Flow.Name)
	}
	// Unordered output:
	// cce-vpc/newer: k8s node to pod tcp
	// cce-vpc/newer: k8s pod to pod tcp
	// cce-vpc/newer: k8s pod to pod udp
	// cce-vpc/newer: nodes to nodes tcp
	// cce-vpc/newer: nodes to nodes udp
	// cce-vpc/newer: pods to nodes tcp
	// cce-vpc/newer: pods to nodes udp
	// cce-vpc/newer: t8 tcp 6443 to masters
}
