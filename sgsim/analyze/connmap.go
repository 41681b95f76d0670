package analyze

import (
	"errors"
	"net/netip"
	"strings"

	"go4.org/netipx"

	"github.com/sgsim/sgsim/sgsim"
)

// MapProtocols are the protocols a connectivity map asks about: TCP and
// UDP on every destination port, and ICMP (ICMPv6 for IPv6 pairs) echo.
var MapProtocols = []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP}

// Passage is what passes from one endpoint to another on one protocol,
// exactly (by Network.Reach), over every address of both and every
// ephemeral source port (sgsim.EphemeralPorts).
type Passage struct {
	Protocol sgsim.Protocol
	// RoundTrip holds the destination ports on which some flow is
	// delivered and answered, OneWay those on which some flow is
	// delivered but none answered. For ICMP the "port" is the echo
	// request's type, 8 (128 for ICMPv6), present or not.
	RoundTrip, OneWay sgsim.Ports
	// Partial is set when on the RoundTrip ports not every flow (every
	// address pair and source port) is answered.
	Partial bool
	// Allowed is the exact answered space (Reachability.Allowed) and
	// Witness the trace of one answered flow: the rule that decides it at
	// each hop. Delivered-only space is in OneWayRegions.
	Allowed       []sgsim.Region
	OneWayRegions []sgsim.Region
	Witness       sgsim.Trace
}

// Empty reports whether nothing passes, not even one way.
func (p *Passage) Empty() bool { return len(p.RoundTrip) == 0 && len(p.OneWay) == 0 }

// String is the passage in one line: "tcp 22,443", "udp 53 one-way",
// "tcp 80 (partial)", "icmp echo"; "" when nothing passes. Two passages
// with the same String behave alike (the regions and witness aside).
func (p *Passage) String() string {
	if p.Empty() {
		return ""
	}
	name := p.Protocol.String()
	var parts []string
	icmp := p.Protocol.IsICMP()
	if len(p.RoundTrip) > 0 {
		s := name + " " + p.RoundTrip.String()
		if icmp {
			s = name + " echo"
		}
		if p.Partial {
			s += " (partial)"
		}
		parts = append(parts, s)
	}
	if len(p.OneWay) > 0 {
		s := name + " " + p.OneWay.String() + " one-way"
		if icmp {
			s = name + " echo one-way"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// Cell is what passes from one endpoint (the row) to another (the column).
type Cell struct {
	Passages []Passage // the protocols on which something passes, in MapProtocols order
}

// String lists the cell's passages, "; " between protocols, or "" when
// nothing passes. Cells with the same String are merged into groups.
func (c *Cell) String() string {
	var ss []string
	for i := range c.Passages {
		ss = append(ss, c.Passages[i].String())
	}
	return strings.Join(ss, "; ")
}

// ConnMap is a connectivity map: for every pair of endpoints (a source
// and a destination, the same one included: its addresses among
// themselves) what passes, with the rows (sources) and columns
// (destinations) that behave identically merged into groups.
type ConnMap struct {
	Endpoints []string // names, in the network spec's order
	Cells     [][]Cell // [source][destination], indexes into Endpoints
	// RowGroups and ColGroups partition the endpoint indexes: sources
	// whose rows are equal cell for cell (by Cell.String), and
	// destinations whose columns are. Groups are in order of their first
	// member, members ascending.
	RowGroups, ColGroups [][]int
}

// Group returns the cell shared by row group r and column group c: every
// pair of their members has it.
func (m *ConnMap) Group(r, c int) *Cell {
	return &m.Cells[m.RowGroups[r][0]][m.ColGroups[c][0]]
}

// GroupName names a group by its members, "a, b, c".
func (m *ConnMap) GroupName(g []int) string {
	var ss []string
	for _, i := range g {
		ss = append(ss, m.Endpoints[i])
	}
	return strings.Join(ss, ", ")
}

// Map computes the connectivity map of the endpoints of spec, built into
// n. Each pair and protocol takes three Reach queries (Answered,
// Delivered, and Answered on the round-trip ports to tell Partial), so
// the cost is 9 times the square of the endpoints' number Reach calls.
func Map(n *sgsim.Network, spec sgsim.NetworkSpec) (*ConnMap, error) {
	m := &ConnMap{}
	eps := spec.Endpoints
	for _, e := range eps {
		m.Endpoints = append(m.Endpoints, e.Name)
	}
	m.Cells = make([][]Cell, len(eps))
	for i, a := range eps {
		m.Cells[i] = make([]Cell, len(eps))
		for j, b := range eps {
			c, err := mapCell(n, a.Addrs, b.Addrs)
			if err != nil {
				return nil, errors.New("analyze: map " + a.Name + " -> " + b.Name + ": " + err.Error())
			}
			m.Cells[i][j] = c
		}
	}
	m.RowGroups = mapGroupBy(len(eps), func(i int) string {
		var b strings.Builder
		for j := range eps {
			b.WriteString(m.Cells[i][j].String() + "\x00")
		}
		return b.String()
	})
	m.ColGroups = mapGroupBy(len(eps), func(j int) string {
		var b strings.Builder
		for i := range eps {
			b.WriteString(m.Cells[i][j].String() + "\x00")
		}
		return b.String()
	})
	return m, nil
}

func mapGroupBy(n int, key func(int) string) [][]int {
	idx := map[string]int{}
	var out [][]int
	for i := range n {
		k := key(i)
		g, ok := idx[k]
		if !ok {
			g = len(out)
			idx[k] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], i)
	}
	return out
}

// familyPart returns the part of a in one family.
func familyPart(a sgsim.Addrs, v6 bool) sgsim.Addrs {
	var b netipx.IPSetBuilder
	b.AddSet(a.Set())
	if v6 {
		b.RemovePrefix(netip.MustParsePrefix("0.0.0.0/0"))
	} else {
		b.RemovePrefix(netip.MustParsePrefix("::/0"))
	}
	s, _ := b.IPSet()
	return sgsim.AddrsOf(s)
}

func mapCell(n *sgsim.Network, from, to sgsim.Addrs) (Cell, error) {
	var c Cell
	for _, proto := range MapProtocols {
		p := Passage{Protocol: proto}
		var rt, ow mapPorts
		for _, v6 := range []bool{false, true} {
			f, t := familyPart(from, v6), familyPart(to, v6)
			if f.IsEmpty() || t.IsEmpty() {
				continue
			}
			q := sgsim.Query{From: f, To: t, Protocol: proto}
			echo := uint16(8)
			if proto.IsICMP() {
				if v6 {
					q.Protocol, q.ICMPType, echo = sgsim.ICMPv6, 128, 128
				} else {
					q.ICMPType = 8
				}
			}
			q.Question = sgsim.Answered
			ans, err := n.Reach(q)
			if err != nil {
				return c, err
			}
			q.Question = sgsim.Delivered
			del, err := n.Reach(q)
			if err != nil {
				return c, err
			}
			var a, d mapPorts
			for _, r := range ans.Allowed {
				a.add(r.DstPorts, echo)
			}
			for _, r := range del.Allowed {
				d.add(r.DstPorts, echo)
			}
			d.minus(&a)
			if !a.empty() {
				p.Allowed = append(p.Allowed, ans.Allowed...)
				if p.Witness.Steps == nil {
					p.Witness = n.Trace(ans.AllowedWitness)
				}
				// Partial: on the answered ports, is every flow answered?
				q.Question = sgsim.Answered
				if !proto.IsICMP() {
					q.DstPorts = a.ports()
				}
				full, err := n.Reach(q)
				if err != nil {
					return c, err
				}
				if full.Outcome != sgsim.All {
					p.Partial = true
				}
			}
			if !d.empty() {
				for _, r := range del.Allowed {
					if r.DstPorts == nil || d.intersects(r.DstPorts) {
						p.OneWayRegions = append(p.OneWayRegions, r)
					}
				}
			}
			rt.or(&a)
			ow.or(&d)
		}
		ow.minus(&rt)
		p.RoundTrip, p.OneWay = rt.ports(), ow.ports()
		if !p.Empty() {
			c.Passages = append(c.Passages, p)
		}
	}
	return c, nil
}

// mapPorts is a set of ports as a bitmap.
type mapPorts struct{ b *[1024]uint64 }

// add adds ps; nil ps (a protocol without ports) adds the pseudo-port
// none.
func (s *mapPorts) add(ps sgsim.Ports, none uint16) {
	if s.b == nil {
		s.b = new([1024]uint64)
	}
	if ps == nil {
		s.b[none/64] |= 1 << (none % 64)
		return
	}
	for _, r := range ps {
		for v := int(r.First); v <= int(r.Last); v++ {
			s.b[v/64] |= 1 << (v % 64)
		}
	}
}

func (s *mapPorts) empty() bool {
	if s.b == nil {
		return true
	}
	for _, w := range s.b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s *mapPorts) or(o *mapPorts) {
	if o.b == nil {
		return
	}
	if s.b == nil {
		s.b = new([1024]uint64)
	}
	for i := range s.b {
		s.b[i] |= o.b[i]
	}
}

func (s *mapPorts) minus(o *mapPorts) {
	if s.b == nil || o.b == nil {
		return
	}
	for i := range s.b {
		s.b[i] &^= o.b[i]
	}
}

func (s *mapPorts) intersects(ps sgsim.Ports) bool {
	for _, r := range ps {
		for v := int(r.First); v <= int(r.Last); v++ {
			if s.b[v/64]&(1<<(v%64)) != 0 {
				return true
			}
		}
	}
	return false
}

// ports returns the set as ranges; nil when empty.
func (s *mapPorts) ports() sgsim.Ports {
	if s.b == nil {
		return nil
	}
	var ps sgsim.Ports
	for v := 0; v < 65536; v++ {
		if s.b[v/64]&(1<<(v%64)) == 0 {
			continue
		}
		if l := len(ps); l > 0 && int(ps[l-1].Last)+1 == v {
			ps[l-1].Last = uint16(v)
		} else {
			ps = append(ps, sgsim.Port(uint16(v)))
		}
	}
	return ps
}
