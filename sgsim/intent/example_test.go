package intent_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/intent"
)

// A master group that lets nodes reach 5444 but not 6443, and keeps the
// internet out.
func exampleNet() (*sgsim.Network, []sgsim.Endpoint) {
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "master", Rules: []sgsim.Rule{
				sgsim.MustParseRule("ingress allow tcp 5444 from 192.168.0.0/24 priority 1"),
				sgsim.MustParseRule("ingress allow tcp 22 from 203.0.113.7 priority 1"),
			}},
			{ID: "node", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any to any priority 100")}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "nodes", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Groups: []string{"node"}},
			{Name: "masters", Addrs: sgsim.MustParseAddrs("192.168.1.0/28"), Groups: []string{"master"}},
			{Name: "internet", Addrs: sgsim.MustParseAddrs("8.8.8.0/24,203.0.113.0/24")},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		panic(err)
	}
	return n, spec.Endpoints
}

func Example() {
	f, err := intent.Read([]byte(`
must_allow:
  - {name: api 5444, from: nodes, to: masters, protocol: tcp, ports: 5444}
  - {name: api 6443, from: nodes, to: masters, protocol: tcp, ports: 6443}
must_deny:
  - {name: no ssh from the internet, from: internet, to: masters, protocol: tcp, ports: 22}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, eps := exampleNet()
	c := intent.Checker{Net: n, Endpoints: eps}
	for _, r := range c.CheckAll(f) {
		fmt.Println(r)
	}
	// Output:
	// pass must_allow api 5444: nodes -> masters tcp 5444
	// fail must_allow api 6443: nodes -> masters tcp 6443; witness tcp 192.168.0.1:1024 -> 192.168.1.1:6443; destination ingress [masters]: deny: no rule matched: default deny
	// fail must_deny no ssh from the internet: internet -> masters tcp 22; witness tcp 203.0.113.7:1024 -> 192.168.1.1:22; destination ingress [masters]: allow: rule of group "master" (ingress allow tcp 22 from 203.0.113.7 priority 1)
}

func TestCheckUncertainAndErrors(t *testing.T) {
	n, eps := exampleNet()
	c := intent.Checker{Net: n, Endpoints: eps, Uncertain: map[string]string{"master": "rule r left out"}}
	for _, x := range []struct {
		in     intent.Intent
		status intent.Status
		groups []string
		err    string
	}{
		// A pass into the uncertain group: a left-out deny could drop it.
		{intent.Intent{Kind: intent.MustAllow, From: "nodes", To: "masters", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(5444)}}, intent.Unknown, []string{"master"}, ""},
		// Dropped at the uncertain group: a left-out allow could pass it.
		{intent.Intent{Kind: intent.MustAllow, From: "nodes", To: "masters", Protocol: sgsim.TCP, Ports: sgsim.Ports{sgsim.Port(6443)}}, intent.Unknown, []string{"master"}, ""},
		// Nodes to the internet crosses only the certain node group.
		{intent.Intent{Kind: intent.MustAllow, From: "nodes", To: "internet", Protocol: sgsim.UDP, Ports: sgsim.Ports{sgsim.Port(53)}}, intent.Pass, nil, ""},
		{intent.Intent{Kind: intent.MustDeny, From: "internet", To: "masters", Protocol: sgsim.TCP}, intent.Unknown, []string{"master"}, ""},
		{intent.Intent{Kind: intent.MustDeny, From: "workers", To: "masters", Protocol: sgsim.TCP}, intent.Errored, nil, `from: "workers": neither an endpoint nor an address, prefix or range (endpoints: nodes, masters, internet)`},
		// An empty item says which, as the sgsim program's -from does.
		{intent.Intent{Kind: intent.MustDeny, From: "nodes,", To: "masters", Protocol: sgsim.TCP}, intent.Errored, nil, `from: "nodes,": item 2 is empty`},
		{intent.Intent{Kind: intent.MustDeny, From: "nodes", To: "2001:db8::/64", Protocol: sgsim.TCP}, intent.Errored, nil, "from 192.168.0.0/24 and to 2001:db8::/64 have no IPv4 or IPv6 addresses in common family"},
		{intent.Intent{Kind: intent.MustDeny, From: "nodes", To: "any", Protocol: sgsim.TCP}, intent.Errored, nil, `to: "any": name endpoints or address ranges (0.0.0.0/0 for every IPv4 address, ::/0 for every IPv6 address)`},
	} {
		r := c.Check(x.in)
		errText := ""
		if r.Err != nil {
			errText = r.Err.Error()
		}
		if r.Status != x.status || fmt.Sprint(r.Uncertain) != fmt.Sprint(x.groups) || errText != x.err {
			t.Errorf("%v: %v %v %q; want %v %v %q", x.in, r.Status, r.Uncertain, errText, x.status, x.groups, x.err)
		}
	}
	// The uncertain witness still names the flow and the hop.
	r := c.Check(intent.Intent{Kind: intent.MustDeny, From: "internet", To: "masters", Protocol: sgsim.TCP})
	if st, ok := r.Decider(); !ok || st.Verdict.Rule == nil || r.Witness.Src != netip.MustParseAddr("203.0.113.7") {
		t.Errorf("unknown must_deny: witness %v step %v", r.Witness, st)
	}
}

// Checker.Endpoints given by a caller may hold an endpoint without
// addresses; an intent naming it is an error, not a check of every
// address (which a must_deny would fail on unrelated traffic) nor of
// none (which it would pass vacuously).
func TestCheckEndpointWithoutAddresses(t *testing.T) {
	n, eps := exampleNet()
	eps = append(slices.Clone(eps), sgsim.Endpoint{Name: "ghost"}, sgsim.Endpoint{Name: "hollow", Addrs: sgsim.MustParseAddrs("none")})
	c := intent.Checker{Net: n, Endpoints: eps}
	for _, x := range []struct {
		in   intent.Intent
		want string
	}{
		{intent.Intent{Kind: intent.MustDeny, From: "ghost", To: "masters", Protocol: sgsim.TCP}, `from: "ghost": endpoint has no addresses given (its Addrs is the zero "any"): naming it would mean every address; give the endpoint its addresses, or name addresses, prefixes or ranges`},
		{intent.Intent{Kind: intent.MustDeny, From: "nodes", To: "hollow", Protocol: sgsim.TCP}, `to: "hollow": endpoint holds no address: naming it would mean no address at all; give the endpoint its addresses, or name addresses, prefixes or ranges`},
	} {
		if r := c.Check(x.in); r.Status != intent.Errored || r.Err == nil || r.Err.Error() != x.want {
			t.Errorf("%v: %v %v; want errored: %s", x.in, r.Status, r.Err, x.want)
		}
	}
}
