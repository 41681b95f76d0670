package huawei

// Reading and writing the VPC listings that place security groups and
// network ACLs: ports (ListPorts) and subnets (ListSubnets).
//
// ReadPorts reads the response of the VPC ListPorts operation (GET
// /v1/{project_id}/ports), whose records are the Neutron port records of
// GET /v2.0/ports (NeutronListPorts) too:
//
//	{"ports": [{"id": "d00f9c22-...", "name": "node-1-eth0",
//	  "network_id": "4779ab1c-...", "admin_state_up": true,
//	  "mac_address": "fa:16:3e:...", "fixed_ips": [{"subnet_id": "9c5f...",
//	  "ip_address": "192.168.0.10"}], "device_id": "...",
//	  "device_owner": "compute:az1", "status": "ACTIVE",
//	  "security_groups": ["0a2b...", "5b8c..."], "port_security_enabled": true,
//	  "allowed_address_pairs": [], ...}]}
//
// ReadSubnets reads the response of ListSubnets (GET
// /v1/{project_id}/subnets):
//
//	{"subnets": [{"id": "4779ab1c-...", "name": "subnet-nodes",
//	  "cidr": "192.168.0.0/24", "ipv6_enable": true, "cidr_v6": "2407:c080::/64",
//	  "vpc_id": "...", "neutron_network_id": "4779ab1c-...",
//	  "neutron_subnet_id": "9c5f...", "neutron_subnet_id_v6": "...", ...}]}
//
// FirewallBindings turns the associations[].virsubnet_id of the network
// ACLs ReadFirewalls read into ACL bindings.
//
// Field names, and where they were confirmed:
//   - Port: id, name, network_id ("ID of the network the port belongs
//     to"), fixed_ips[].subnet_id and .ip_address, device_owner,
//     security_groups (a list of IDs), port_security_enabled ("when not
//     enabled, security groups and DHCP anti-spoofing do not take
//     effect"), allowed_address_pairs: the Port model of
//     huaweicloud-sdk-go-v3 (services/vpc/v2/model/model_port.go) and
//     ListPortsResponse {"ports": [Port]}
//     (model_list_ports_response.go); that SDK package's client sends
//     the port operations to /v1/{project_id}/ports.
//   - Not read: the VPC v3 sub-network interfaces (CCE Turbo pod ENIs,
//     ListSubNetworkInterfaces); place their addresses with the topology.
//   - Subnet: id, name, cidr, ipv6_enable, cidr_v6 ("not returned for an
//     IPv4 subnet"), vpc_id, neutron_network_id ("the corresponding
//     network (OpenStack Neutron API) ID"), neutron_subnet_id,
//     neutron_subnet_id_v6: the Subnet model of the same SDK
//     (model_subnet.go).
//   - ACL associations: FirewallAssociation.virsubnet_id (acl.go).
//
// Decisions and what is unconfirmed:
//   - A port's subnet is its network_id: in the VPC API a subnet is a
//     Neutron network, and its ID is the subnet ID that ListSubnets gives
//     as id and the network ACL associations as virsubnet_id. That the
//     three are the same value is unconfirmed by the models (they say
//     "network" and "subnet"); ReadSubnets therefore refuses a subnet
//     whose neutron_network_id is given and differs from its id, rather
//     than let ports fail to find it.
//   - Addresses are fixed_ips[].ip_address in list order, IPv4 or IPv6;
//     an address listed twice is an error. fixed_ips[].subnet_id (the
//     Neutron subnet of one family) is not read. allowed_address_pairs
//     are not read: they let a port send from other addresses (virtual IPs)
//     but do not place them.
//   - security_groups keep list order, the attachment order, which
//     decides under Huawei's priority semantics only through the rules'
//     own priorities. A port with "port_security_enabled": false has no
//     security groups in effect: NIC.Groups is empty and Origin.Note
//     names the groups listed. Absent means enabled.
//   - Ports of every device_owner are read (a network:router_interface
//     or network:dhcp port has addresses and usually no groups).
//   - NIC.ID is id (required, unique), NIC.Name is name; Origin is
//     {huawei, ListPorts, Record: id, Path: "ports[i]"}.
//   - A subnet's prefixes are cidr, then cidr_v6 when given (ipv6_enable
//     is not checked); one of them is required. Subnet.ACL is empty: the
//     subnet records do not name their ACL; FirewallBindings gives it.
//   - A record of the Neutron subnet list (GET /v2.0/subnets: network_id
//     and ip_version, one record per family) is refused: its id is a
//     Neutron subnet ID that nothing else here refers to.
//
// Every error is an *Error naming the JSON path and the offending value;
// a read returns all of them at once in a *read.Errors, each with its
// line and column, and read.SkipInvalid skips the bad records (ports,
// subnets) instead.

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/internal/jsonx"
	"github.com/sgsim/sgsim/provider/internal/nicx"
	"github.com/sgsim/sgsim/provider/read"
	"github.com/sgsim/sgsim/sgsim"
)

// API operation names, as Origin.Document of the records read.
const (
	DocPorts   = "ListPorts"
	DocSubnets = "ListSubnets"
)

type apiPort struct {
	ID                  json.RawMessage `json:"id"`
	Name                json.RawMessage `json:"name"`
	NetworkID           json.RawMessage `json:"network_id"`
	FixedIPs            json.RawMessage `json:"fixed_ips"`
	SecurityGroups      json.RawMessage `json:"security_groups"`
	PortSecurityEnabled json.RawMessage `json:"port_security_enabled"`
}

func listOf(key, want string) func([]byte) (string, []json.RawMessage, error) {
	return func(data []byte) (string, []json.RawMessage, error) {
		return nicx.Top(dec, data, key, want)
	}
}

// ReadPorts reads a ListPorts (or Neutron port list) response: one NIC
// per port, in document order. See the comment at the top of nic.go.
func ReadPorts(r io.Reader, opts ...read.Option) ([]provider.NIC, error) {
	seen := map[string]string{}
	return nicx.Read(dec, "huawei", r, opts, listOf("ports", `the ListPorts response {"ports": [...]}`),
		func(path string, raw json.RawMessage) (provider.NIC, error) { return readPort(path, raw, seen) })
}

func readPort(path string, raw json.RawMessage, seen map[string]string) (provider.NIC, error) {
	var a apiPort
	if err := dec.Object(path, raw, &a); err != nil {
		return provider.NIC{}, err
	}
	f := dec.Fields(path)
	id := f.Str("id", a.ID)
	name := f.Str("name", a.Name)
	network := f.Str("network_id", a.NetworkID)
	if f.Err != nil {
		return provider.NIC{}, f.Err
	}
	if err := nicx.ID(dec, path, "id", id, seen, "want the port's ID", "port"); err != nil {
		return provider.NIC{}, err
	}
	ips, paths, err := nicx.Field(dec, path+".fixed_ips", a.FixedIPs, "ip_address", "value")
	if err != nil {
		return provider.NIC{}, err
	}
	var addrs nicx.Addrs
	for k, ip := range ips {
		if err := addrs.Add(dec, paths[k], ip, nicx.HostAny); err != nil {
			return provider.NIC{}, err
		}
	}
	groups, err := nicx.Strings(dec, path+".security_groups", a.SecurityGroups, "security group ID")
	if err != nil {
		return provider.NIC{}, err
	}
	enabled, ok, err := dec.Bool(path+".port_security_enabled", a.PortSecurityEnabled)
	if err != nil {
		return provider.NIC{}, err
	}
	n := provider.NIC{ID: id, Name: name, Addrs: addrs.List, Subnet: network, Groups: groups,
		Origin: sgsim.Origin{Vendor: "huawei", Document: DocPorts, Record: id, Path: path}}
	if ok && !enabled {
		n.Groups = nil
		n.Origin.Note = "port_security_enabled is false: no security group applies"
		if len(groups) > 0 {
			n.Origin.Note += " (listed: " + nicx.Join(groups) + ")"
		}
	}
	return n, nil
}

type outPort struct {
	ID                  string       `json:"id"`
	Name                string       `json:"name"`
	NetworkID           string       `json:"network_id,omitempty"`
	FixedIPs            []outFixedIP `json:"fixed_ips"`
	SecurityGroups      []string     `json:"security_groups"`
	PortSecurityEnabled bool         `json:"port_security_enabled"`
}

type outFixedIP struct {
	IPAddress string `json:"ip_address"`
}

// WritePorts writes NICs as a ListPorts response that ReadPorts reads
// back to the same NICs (Origin aside). Ports have no delegated
// prefixes: an address that is not a single address is an error.
func WritePorts(w io.Writer, nics []provider.NIC) error {
	out := struct {
		Ports []outPort `json:"ports"`
	}{Ports: []outPort{}}
	for i, n := range nics {
		path := jsonx.Index("ports", i)
		if n.ID == "" {
			return &Error{Path: path + ".id", Value: `""`, Msg: "a port needs an ID"}
		}
		p := outPort{ID: n.ID, Name: n.Name, NetworkID: n.Subnet, FixedIPs: []outFixedIP{}, SecurityGroups: append([]string{}, n.Groups...),
			PortSecurityEnabled: true}
		for _, a := range n.Addrs {
			if a.Bits() != a.Addr().BitLen() {
				return &Error{Path: path + ".fixed_ips", Value: strconv.Quote(a.String()), Msg: "a port's fixed IPs are single addresses"}
			}
			p.FixedIPs = append(p.FixedIPs, outFixedIP{IPAddress: a.Addr().String()})
		}
		out.Ports = append(out.Ports, p)
	}
	return jsonx.Write(w, "huawei", out)
}

type apiSubnet struct {
	ID               json.RawMessage `json:"id"`
	CIDR             json.RawMessage `json:"cidr"`
	CIDRV6           json.RawMessage `json:"cidr_v6"`
	NeutronNetworkID json.RawMessage `json:"neutron_network_id"`
	NetworkID        json.RawMessage `json:"network_id"`
	IPVersion        json.RawMessage `json:"ip_version"`
}

// ReadSubnets reads a ListSubnets response: one Subnet per record, cidr
// then cidr_v6. Subnet.ACL is empty (see FirewallBindings).
func ReadSubnets(r io.Reader, opts ...read.Option) ([]provider.Subnet, error) {
	seen := map[string]string{}
	return nicx.Read(dec, "huawei", r, opts, listOf("subnets", `the ListSubnets response {"subnets": [...]}`),
		func(path string, raw json.RawMessage) (provider.Subnet, error) { return readSubnet(path, raw, seen) })
}

func readSubnet(path string, raw json.RawMessage, seen map[string]string) (provider.Subnet, error) {
	var a apiSubnet
	if err := dec.Object(path, raw, &a); err != nil {
		return provider.Subnet{}, err
	}
	if !jsonx.IsNull(a.NetworkID) || !jsonx.IsNull(a.IPVersion) {
		return provider.Subnet{}, &Error{Path: path, Msg: "a Neutron subnet record (network_id, ip_version); want the VPC ListSubnets form (GET /v1/{project_id}/subnets)"}
	}
	f := dec.Fields(path)
	id := f.Str("id", a.ID)
	cidr := f.Str("cidr", a.CIDR)
	cidr6 := f.Str("cidr_v6", a.CIDRV6)
	network := f.Str("neutron_network_id", a.NeutronNetworkID)
	if f.Err != nil {
		return provider.Subnet{}, f.Err
	}
	if err := nicx.ID(dec, path, "id", id, seen, "want the subnet's ID", "subnet"); err != nil {
		return provider.Subnet{}, err
	}
	if network != "" && network != id {
		return provider.Subnet{}, &Error{Path: path + ".neutron_network_id", Value: strconv.Quote(network),
			Msg: "differs from id " + strconv.Quote(id) + ": ports name their subnet by network_id, and sgsim takes it to be the subnet ID"}
	}
	blocks := nicx.Addrs{Blocks: true}
	if cidr != "" {
		if err := blocks.Add(dec, path+".cidr", cidr, nicx.Prefix4); err != nil {
			return provider.Subnet{}, err
		}
	}
	if cidr6 != "" {
		if err := blocks.Add(dec, path+".cidr_v6", cidr6, nicx.Prefix6); err != nil {
			return provider.Subnet{}, err
		}
	}
	if len(blocks.List) == 0 {
		return provider.Subnet{}, &Error{Path: path + ".cidr", Value: `""`, Msg: "missing: a subnet has cidr or cidr_v6"}
	}
	return provider.Subnet{ID: id, Prefixes: blocks.List, Origin: sgsim.Origin{Vendor: "huawei", Document: DocSubnets, Record: id, Path: path}}, nil
}

type outSubnet struct {
	ID         string `json:"id"`
	CIDR       string `json:"cidr,omitempty"`
	IPv6Enable bool   `json:"ipv6_enable"`
	CIDRV6     string `json:"cidr_v6,omitempty"`
}

// WriteSubnets writes subnets as a ListSubnets response that ReadSubnets
// reads back the same (Origin aside): at most one IPv4 and one IPv6
// block each.
func WriteSubnets(w io.Writer, subnets []provider.Subnet) error {
	out := struct {
		Subnets []outSubnet `json:"subnets"`
	}{Subnets: []outSubnet{}}
	for i, s := range subnets {
		path := jsonx.Index("subnets", i)
		if s.ID == "" {
			return &Error{Path: path + ".id", Value: `""`, Msg: "a subnet needs an ID"}
		}
		o := outSubnet{ID: s.ID}
		for _, p := range s.Prefixes {
			dst := &o.CIDR
			if p.Addr().Is6() {
				dst = &o.CIDRV6
				o.IPv6Enable = true
			}
			if *dst != "" {
				return &Error{Path: path, Value: strconv.Quote(p.String()), Msg: "a subnet has one block per family"}
			}
			*dst = p.String()
		}
		out.Subnets = append(out.Subnets, o)
	}
	return jsonx.Write(w, "huawei", out)
}

// FirewallBindings returns the subnets each network ACL is associated
// with (Firewall.Subnets, from associations[].virsubnet_id), ACLs and
// subnets in order, as bindings for provider.Placement.
func FirewallBindings(fws []Firewall) []provider.ACLBinding {
	var out []provider.ACLBinding
	for _, fw := range fws {
		for _, s := range fw.Subnets {
			out = append(out, provider.ACLBinding{ACL: fw.ACL.ID, Subnet: s,
				Origin: sgsim.Origin{Vendor: "huawei", Document: DocShowFirewall, Record: fw.ACL.ID}})
		}
	}
	return out
}
