package analyze_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

// Small networks for the exposure audit: sgsimtest.SmallNetwork, with
// everything in 10.0.0.0/26, so that the audit can be checked by
// enumerating every flow.
func expNetwork(t *rapid.T) (sgsim.NetworkSpec, *sgsim.Network) {
	return sgsimtest.SmallNetwork(t, sgsimtest.SmallOptions{})
}

func addrList(a sgsim.Addrs) []netip.Addr {
	var out []netip.Addr
	for _, r := range a.Ranges() {
		for x := r.From(); ; x = x.Next() {
			out = append(out, x)
			if x == r.To() {
				break
			}
		}
	}
	return out
}

// TestExposureEqualsEnumeration: for random small networks and outside
// ranges, a flow from outside to an endpoint with groups is delivered (for
// some source port) exactly when an entry of the audit covers it; each
// entry's witness is delivered and let in at the destination's ingress by
// the entry's rule.
func TestExposureEqualsEnumeration(t *testing.T) {
	// Port classes: the rules put destination port boundaries only at 22,
	// 23, 80, 81, 1023, 1024, 1025, source ports at 1024-65535 and exempt
	// services at 80; ICMP
	// types at 0, 3, 8, 14 and no codes.
	dports := []uint16{0, 21, 22, 23, 24, 79, 80, 81, 82, 1022, 1023, 1024, 1025, 1026, 65535}
	sports := []uint16{0, 79, 80, 81, 1023, 1024, 65535} // 80: an exempt service port
	types := []uint8{0, 1, 3, 8, 14, 200}
	codes := []uint8{0, 1}
	rapid.Check(t, func(t *rapid.T) {
		spec, n := expNetwork(t)
		outside := sgsim.PrefixAddrs(sgsimtest.SmallPrefix(t, []int{28, 29, 30, 32}, "outside"))
		got, err := analyze.ExposureAudit(n, spec, outside)
		if err != nil {
			t.Fatal(err)
		}
		// The representative of an ICMP type or code no rule names is the
		// lowest such value; every named one stands for itself (8 and code
		// 0 always count as named).
		namedT, namedC := map[uint8]bool{8: true}, map[uint8]bool{0: true}
		for _, gs := range [][]sgsim.Group{spec.Groups, spec.ACLs} {
			for _, g := range gs {
				for _, r := range g.Rules {
					if r.ICMP.HasType {
						namedT[r.ICMP.Type] = true
					}
				}
			}
		}
		rep := func(m map[uint8]bool, v uint8) uint8 {
			if m[v] {
				return v
			}
			for x := 0; ; x++ {
				if !m[uint8(x)] {
					return uint8(x)
				}
			}
		}
		covered := func(ep string, f sgsim.Flow) bool {
			for _, x := range got {
				if x.Endpoint != ep || !x.Sources.Contains(f.Src) || !x.Dst.Contains(f.Dst) {
					continue
				}
				switch {
				case f.Proto == sgsim.GRE:
					if x.OtherProtocols {
						return true
					}
				case x.Protocol != f.Proto:
				case f.Proto.HasPorts():
					if x.Ports.Contains(f.DstPort) {
						return true
					}
				case f.Proto == sgsim.ICMP:
					if x.AllICMP {
						return true
					}
					if x.ICMPType == rep(namedT, f.ICMPType) && x.ICMPCode == rep(namedC, f.ICMPCode) {
						return true
					}
				}
			}
			return false
		}
		for _, e := range spec.Endpoints {
			if len(e.Groups) == 0 {
				continue
			}
			for _, s := range addrList(outside) {
				if inside(spec, s) {
					continue
				}
				for _, d := range addrList(e.Addrs) {
					var flows []sgsim.Flow
					for _, dp := range dports {
						flows = append(flows, sgsim.Flow{Proto: sgsim.TCP, Src: s, Dst: d, DstPort: dp}, sgsim.Flow{Proto: sgsim.UDP, Src: s, Dst: d, DstPort: dp})
					}
					for _, ty := range types {
						for _, c := range codes {
							flows = append(flows, sgsim.Flow{Proto: sgsim.ICMP, Src: s, Dst: d, ICMPType: ty, ICMPCode: c})
						}
					}
					flows = append(flows, sgsim.Flow{Proto: sgsim.GRE, Src: s, Dst: d})
					for _, f := range flows {
						delivered := false
						ss := []uint16{0}
						if f.Proto.HasPorts() {
							ss = sports
						}
						for _, sp := range ss {
							f.SrcPort = sp
							delivered = delivered || n.Decide(f).Delivered
						}
						if c := covered(e.Name, f); c != delivered {
							t.Fatalf("%s: %v (any source port): delivered %v, covered by the audit %v\naudit:\n%v", e.Name, f, delivered, c, got)
						}
					}
				}
			}
		}
		for _, x := range got {
			tr := n.Trace(x.Witness)
			if !tr.Delivered || !x.Sources.Contains(x.Witness.Src) || !x.Dst.Contains(x.Witness.Dst) {
				t.Fatalf("entry %v: witness %v not delivered or outside the entry", x, x.Witness)
			}
			var ingress *sgsim.Step
			for i := range tr.Steps {
				if tr.Steps[i].Hop == sgsim.DstIngress {
					ingress = &tr.Steps[i]
				}
			}
			if ingress == nil || ruleID(ingress.Verdict.Rule) != ruleID(x.Verdict.Rule) {
				t.Fatalf("entry %v: witness trace's ingress step %v", x, ingress)
			}
		}
	})
}

// inside reports whether a is an address of an endpoint with groups or
// of a Members entry: never outside.
func inside(spec sgsim.NetworkSpec, a netip.Addr) bool {
	for _, e := range spec.Endpoints {
		if len(e.Groups) > 0 && e.Addrs.Contains(a) {
			return true
		}
	}
	for _, m := range spec.Members {
		if m.Contains(a) {
			return true
		}
	}
	return false
}

func ruleID(r *sgsim.Rule) string {
	if r == nil {
		return "(none)"
	}
	return r.ID
}

// ExampleExposureAudit: a load balancer group open on 80 and 443, SSH
// from two office addresses, a database open to the VPC only and a group
// with no ingress rule. Only what the internet reaches is reported, with
// the exact sources.
func ExampleExposureAudit() {
	spec := sgsim.NetworkSpec{
		Cloud: sgsim.Union,
		Groups: []sgsim.Group{
			{ID: "sg-lb", Rules: []sgsim.Rule{
				sgsim.MustParseRule("ingress allow tcp 80,443 from 0.0.0.0/0"),
			}},
			{ID: "sg-admin", Rules: []sgsim.Rule{
				sgsim.MustParseRule("ingress allow tcp 22 from 198.51.100.7,198.51.100.9"),
			}},
			{ID: "sg-db", Rules: []sgsim.Rule{sgsim.MustParseRule("ingress allow tcp 5432 from 10.0.0.0/16")}},
			{ID: "sg-closed", Rules: []sgsim.Rule{sgsim.MustParseRule("egress allow any to 0.0.0.0/0")}},
		},
		Endpoints: []sgsim.Endpoint{
			{Name: "internet", Addrs: sgsim.MustParseAddrs("0.0.0.0/5,198.51.100.0/24")},
			{Name: "lb", Addrs: sgsim.MustParseAddrs("10.0.1.0/28"), Groups: []string{"sg-lb"}},
			{Name: "bastion", Addrs: sgsim.MustParseAddrs("10.0.2.10"), Groups: []string{"sg-admin"}},
			{Name: "db", Addrs: sgsim.MustParseAddrs("10.0.3.0/28"), Groups: []string{"sg-db"}},
			{Name: "workers", Addrs: sgsim.MustParseAddrs("10.0.4.0/24"), Groups: []string{"sg-closed"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	xs, err := analyze.ExposureAudit(n, spec, sgsim.Addrs{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range xs {
		fmt.Println(x)
	}
	// Output:
	// low lb tcp 80,443 from 0.0.0.0/5,198.51.100.0/24 to 10.0.1.0/28: rule of group "sg-lb" (ingress allow tcp 80,443 from 0.0.0.0/0)
	// high bastion tcp 22 from 198.51.100.7,198.51.100.9 to 10.0.2.10: rule of group "sg-admin" (ingress allow tcp 22 from 198.51.100.7,198.51.100.9)
}

// TestPortSeverity: the grade of each port class, written by hand from
// HighPorts and MediumPorts: a range reaching into a class counts, the
// nil Ports (every port) is High, ICMP is Info and a protocol without
// ports is Medium.
func TestPortSeverity(t *testing.T) {
	for _, c := range []struct {
		p     sgsim.Protocol
		ports string
		want  analyze.Severity
	}{
		{sgsim.TCP, "22", analyze.High},
		{sgsim.TCP, "6443", analyze.High},
		{sgsim.UDP, "10255", analyze.High},
		{sgsim.TCP, "8000-10250", analyze.High}, // ends on the kubelet
		{sgsim.TCP, "", analyze.High},           // every port
		{sgsim.TCP, "3306", analyze.Medium},
		{sgsim.SCTP, "9250", analyze.Medium},
		{sgsim.TCP, "80,443", analyze.Low},
		{sgsim.TCP, "24-444", analyze.Low}, // between 23 and 445
		{sgsim.UDP, "30000-32767", analyze.Low},
		{sgsim.ICMP, "", analyze.Info},
		{sgsim.ICMPv6, "", analyze.Info},
		{sgsim.GRE, "", analyze.Medium},
	} {
		var ports sgsim.Ports
		if c.ports != "" {
			ports = sgsim.MustParsePorts(c.ports)
		}
		if got := analyze.PortSeverity(c.p, ports); got != c.want {
			t.Errorf("PortSeverity(%v, %q) = %v, want %v", c.p, c.ports, got, c.want)
		}
	}
}

// TestOutsideAndSources: without an "internet" endpoint the outside is
// every address in no endpoint and no subnet, of both families; with one
// it is that endpoint's addresses. ExposureSources then leaves out the
// addresses of endpoints with groups and of Members entries.
func TestOutsideAndSources(t *testing.T) {
	spec := sgsim.NetworkSpec{
		Subnets: []sgsim.Subnet{{Prefix: netip.MustParsePrefix("10.1.0.0/16"),
			Also: []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/64")}}},
		Endpoints: []sgsim.Endpoint{{Name: "web", Addrs: sgsim.MustParseAddrs("10.0.0.0/24"), Groups: []string{"sg"}}},
		Members:   map[string]sgsim.Addrs{"sg": sgsim.MustParseAddrs("8.8.4.4")},
	}
	out := analyze.Outside(spec)
	for a, want := range map[string]bool{"10.0.0.5": false, "10.1.2.3": false, "10.2.0.1": true, "8.8.4.4": true, "2001:db8::1": true, "2001:db8:1::9": false} {
		if got := out.Contains(netip.MustParseAddr(a)); got != want {
			t.Errorf("Outside contains %s: %v, want %v (outside %v)", a, got, want, out)
		}
	}
	src := analyze.ExposureSources(spec, sgsim.Addrs{})
	for a, want := range map[string]bool{"10.0.0.5": false, "8.8.4.4": false, "8.8.8.8": true} {
		if got := src.Contains(netip.MustParseAddr(a)); got != want {
			t.Errorf("ExposureSources contains %s: %v, want %v", a, got, want)
		}
	}
	spec.Endpoints = append(spec.Endpoints, sgsim.Endpoint{Name: "internet", Addrs: sgsim.MustParseAddrs("8.8.0.0/16,10.0.0.0/23")})
	if got, want := analyze.Outside(spec).String(), "8.8.0.0/16,10.0.0.0/23"; got != want {
		t.Errorf("Outside with an internet endpoint: %s, want %s", got, want)
	}
	src = analyze.ExposureSources(spec, sgsim.Addrs{})
	for a, want := range map[string]bool{"10.0.0.5": false, "10.0.1.5": true, "8.8.4.4": false, "8.8.8.8": true, "200.0.0.1": false} {
		if got := src.Contains(netip.MustParseAddr(a)); got != want {
			t.Errorf("ExposureSources with an internet endpoint contains %s: %v, want %v (sources %v)", a, got, want, src)
		}
	}
}
