package load_test

import (
	"fmt"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
)

// A profile with its addressing changed, and one flow through it: the
// masters moved to 192.168.1.16/28, so 192.168.1.2 is outside the masters
// whose kubelet calls the nodes admit.
func ExampleLoad() {
	var c load.Cluster
	if err := c.Set("masters", "192.168.1.16/28"); err != nil {
		fmt.Println(err)
		return
	}
	n, err := load.Load(load.Source{Profile: "cce-tunnel", Cluster: c, Hardened: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.Description)
	d := n.Net.Decide(sgsim.MustParseFlow("tcp 192.168.1.2:52000 -> 192.168.0.10:10250"))
	fmt.Println(d.Allowed, d.Hop)
	d = n.Net.Decide(sgsim.MustParseFlow("tcp 192.168.1.18:52000 -> 192.168.0.10:10250"))
	fmt.Println(d.Allowed)
	// Output:
	// profile cce-tunnel/newer, hardened worker outbound set (Table 8)
	// false destination ingress
	// true
}
