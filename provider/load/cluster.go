package load

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Profiles are the names of the vendor cluster profiles Load builds, in
// the order they are listed to users.
var Profiles = []string{"cce-vpc", "cce-tunnel", "cce-turbo",
	"ack-basic-flannel", "ack-basic-terway", "ack-advanced-flannel", "ack-advanced-terway",
	"tke-managed", "tke-self-deployed"}

// clusterFields lists the addressing fields (by flag name) each profile
// family takes, in the order they are listed to users.
var clusterFields = map[string][]string{
	"cce": {"vpc", "nodes", "masters", "pods", "services", "lb", "dns"},
	"ack": {"vpc", "nodes", "pods", "pod-vswitch", "services", "apiserver", "clients"},
	"tke": {"vpc", "nodes", "masters", "pods", "services", "apiserver", "dns"},
}

// ClusterFields returns the addressing fields, by flag name, that the
// named profile takes, or nil for an unknown profile.
func ClusterFields(profile string) []string {
	if !slices.Contains(Profiles, profile) {
		return nil
	}
	return clusterFields[profile[:3]]
}

// Cluster is a profile's addressing, as a command line gives it. A zero
// field leaves the profile's documented default; a set field overrides
// it, and setting a field the profile does not have is an error of Load.
// Fields are named by their flag names (Set, Given, Flags).
type Cluster struct {
	VPC        netip.Prefix // -vpc: VPC CIDR
	Nodes      netip.Prefix // -nodes: node subnet (ACK: node vSwitch)
	Masters    netip.Prefix // -masters: master CIDR (CCE; TKE self-deployed)
	Pods       netip.Prefix // -pods: container CIDR (CCE, TKE; ACK Flannel)
	PodVSwitch netip.Prefix // -pod-vswitch: ACK Terway pod vSwitch
	Services   netip.Prefix // -services: Service CIDR
	LB         netip.Prefix // -lb: CCE ELB CIDR
	Clients    netip.Prefix // -clients: ACK least-privilege clients
	DNS        []netip.Addr // -dns: DNS servers (CCE, TKE)
	// APIServer is -apiserver as given: the ACK API server SLB's
	// address, or ADDR:PORT of a TKE managed cluster's API server. Load
	// parses it for the profile's family.
	APIServer string
}

// clusterFlag describes one addressing flag.
type clusterFlag struct {
	name, usage string
	prefix      func(c *Cluster) *netip.Prefix // nil for dns and apiserver
}

var clusterFlags = []clusterFlag{
	{"vpc", "VPC `CIDR`", func(c *Cluster) *netip.Prefix { return &c.VPC }},
	{"nodes", "node subnet `CIDR` (ACK: node vSwitch)", func(c *Cluster) *netip.Prefix { return &c.Nodes }},
	{"masters", "master `CIDR` (CCE; TKE self-deployed)", func(c *Cluster) *netip.Prefix { return &c.Masters }},
	{"pods", "container `CIDR` (CCE, TKE; ACK Flannel)", func(c *Cluster) *netip.Prefix { return &c.Pods }},
	{"pod-vswitch", "ACK Terway pod vSwitch `CIDR`", func(c *Cluster) *netip.Prefix { return &c.PodVSwitch }},
	{"services", "Service `CIDR`", func(c *Cluster) *netip.Prefix { return &c.Services }},
	{"lb", "CCE ELB `CIDR`", func(c *Cluster) *netip.Prefix { return &c.LB }},
	{"clients", "ACK least-privilege clients `CIDR`", func(c *Cluster) *netip.Prefix { return &c.Clients }},
	{"dns", "DNS server `ADDRS`, comma separated (CCE, TKE)", nil},
	{"apiserver", "API server: ACK SLB `ADDR`, TKE managed ADDR:PORT", nil},
}

// Set sets the field with the given flag name from its text, as a flag
// would: a CIDR prefix without host bits, a comma-separated list of
// addresses for dns, the text as given for apiserver.
func (c *Cluster) Set(name, value string) error {
	for _, f := range clusterFlags {
		if f.name != name {
			continue
		}
		switch {
		case f.prefix != nil:
			p, err := netip.ParsePrefix(value)
			if err != nil {
				return errors.New("want a CIDR prefix such as 192.168.0.0/24")
			}
			if p.Masked() != p {
				return fmt.Errorf("host bits set; want %s", p.Masked())
			}
			*f.prefix(c) = p
		case name == "dns":
			var dns []netip.Addr
			for _, a := range strings.Split(value, ",") {
				ip, err := netip.ParseAddr(strings.TrimSpace(a))
				if err != nil {
					return fmt.Errorf("%q: want IP addresses separated by commas", a)
				}
				dns = append(dns, ip)
			}
			c.DNS = dns
		case name == "apiserver":
			if value == "" {
				return errors.New("want an address (ACK) or ADDR:PORT (TKE managed)")
			}
			c.APIServer = value
		}
		return nil
	}
	return fmt.Errorf("no cluster field %q", name)
}

// Given returns the flag names of the fields that are set, in flag order.
func (c *Cluster) Given() []string {
	var out []string
	for _, f := range clusterFlags {
		set := false
		switch {
		case f.prefix != nil:
			set = f.prefix(c).IsValid()
		case f.name == "dns":
			set = c.DNS != nil
		case f.name == "apiserver":
			set = c.APIServer != ""
		}
		if set {
			out = append(out, f.name)
		}
	}
	return out
}

// Flags registers one flag per field on fs (-vpc, -nodes, -masters,
// -pods, -pod-vswitch, -services, -lb, -clients, -dns, -apiserver), each
// setting c through Set.
func (c *Cluster) Flags(fs *flag.FlagSet) {
	for _, f := range clusterFlags {
		name := f.name
		fs.Func(name, f.usage, func(s string) error { return c.Set(name, s) })
	}
}
