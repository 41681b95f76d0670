package fuzz

import (
	"errors"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/sgsim"
)

// FuzzTopology: any bytes either fail with a TopologyError or read to a
// topology whose network builds or fails with an error, never a panic.
// When it builds, a flow from an endpoint to itself is traced as from and
// to that endpoint, the trace agrees with Decide, and it names the
// dropping hop exactly when the flow is denied.
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
			var te *provider.TopologyError
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v is not a TopologyError", err, err)
			}
			return
		}
		// The group and ACL the first seed names, so that its network
		// builds: the worker group may send anything; the ACL lets in
		// 203.0.113.0/24 (the seed's list) and out what goes to the subnet.
		groups := []sgsim.Group{{ID: "sg-node", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any")}}}
		acls := []sgsim.Group{{ID: "acl-1", Rules: []sgsim.Rule{
			sgsim.MustParseRule("ingress allow any from 203.0.113.0/24 priority 1"),
			sgsim.MustParseRule("egress allow any to 192.168.0.0/24 priority 2"),
		}}}
		if top.Cloud == sgsim.Huawei || top.Cloud == sgsim.Alibaba {
			groups[0].Rules[0].Priority = 1
		}
		n, err := top.Network(groups, acls)
		if err != nil {
			return
		}
		for _, e := range top.Endpoints {
			a := e.Addrs.Ranges()[0].From()
			fl := sgsim.Flow{Proto: sgsim.TCP, Src: a, Dst: a, SrcPort: 1, DstPort: 2}
			tr := n.Trace(fl)
			if tr.From != e.Name || tr.To != e.Name {
				t.Fatalf("flow %v inside endpoint %q traced from %q to %q", fl, e.Name, tr.From, tr.To)
			}
			if d := n.Decide(fl); d.Allowed != tr.Allowed {
				t.Fatalf("flow %v: Decide allowed=%v, Trace allowed=%v\n%v", fl, d.Allowed, tr.Allowed, tr)
			}
			if tr.Allowed != (tr.Dropped == -1) || tr.Dropped >= len(tr.Steps) {
				t.Fatalf("flow %v: allowed=%v but Dropped=%d of %d steps", fl, tr.Allowed, tr.Dropped, len(tr.Steps))
			}
		}
	})
}
