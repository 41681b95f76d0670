package fuzz

import (
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/sgsim"
)

// FuzzTopology: any bytes either fail with a TopologyError or read to a
// topology whose network builds or fails with an error, never a panic.
func FuzzTopology(f *testing.F) {
	// The documented example: subnets with an ACL, endpoints with groups, a list.
	f.Add(`{"cloud":"huawei","subnets":[{"name":"nodes","prefix":"192.168.0.0/24","acl":"acl-1"}],` +
		`"endpoints":[{"name":"workers","addrs":["192.168.0.0/24"],"subnet":"nodes","groups":["sg-node"]}],` +
		`"lists":{"pl":["203.0.113.0/24"]}}`)
	// IPv6 endpoints and ranges, AWS semantics.
	f.Add(`{"cloud":"union","endpoints":[{"name":"a","addrs":["2001:db8::/64","10.0.0.1-10.0.0.9"]}]}`)
	// Overlapping endpoints: an error from the network model.
	f.Add(`{"cloud":"alibaba","endpoints":[{"name":"a","addrs":["10.0.0.0/8"]},{"name":"b","addrs":["10.1.0.0/16"]}]}`)
	// Bad values and truncated input.
	f.Add(`{"cloud":"huawei","subnets":[{"name":"a","prefix":"10.0.0.0/33"}]}`)
	f.Add(`{"cloud":"huawei","endpoints":[{"name":"a","addrs":"x"}]}`)
	f.Add(`{"cloud": "huawei", "subnets": [`)
	f.Fuzz(func(t *testing.T, s string) {
		top, err := provider.ReadTopology(strings.NewReader(s))
		if err != nil {
			if _, ok := err.(*provider.TopologyError); !ok {
				t.Fatalf("error %T %v is not a TopologyError", err, err)
			}
			return
		}
		groups := []sgsim.Group{{ID: "sg-node", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any")}}}
		if top.Cloud == sgsim.Huawei || top.Cloud == sgsim.Alibaba {
			groups[0].Rules[0].Priority = 1
		}
		n, err := top.Network(groups, nil)
		if err != nil {
			return
		}
		for _, e := range top.Endpoints {
			a := e.Addrs.Ranges()[0].From()
			n.Trace(sgsim.Flow{Proto: sgsim.TCP, Src: a, Dst: a, SrcPort: 1, DstPort: 2})
		}
	})
}
