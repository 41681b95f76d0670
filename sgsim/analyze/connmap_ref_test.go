package analyze

import (
	"errors"

	"github.com/sgsim/sgsim/sgsim"
)

// RefMap is the map as first built: three Reach queries per endpoint
// pair and protocol, each over the pair alone. Map must agree with it
// cell for cell (TestMapEqualsPerPair); the benchmark times both.
var RefMap = refMap

func refMap(n *sgsim.Network, spec sgsim.NetworkSpec) (*ConnMap, error) {
	m := &ConnMap{}
	eps := spec.Endpoints
	for _, e := range eps {
		m.Endpoints = append(m.Endpoints, e.Name)
	}
	m.Cells = make([][]Cell, len(eps))
	for i, a := range eps {
		m.Cells[i] = make([]Cell, len(eps))
		for j, b := range eps {
			c, err := refMapCell(n, a.Addrs, b.Addrs)
			if err != nil {
				return nil, errors.New("analyze: map " + a.Name + " -> " + b.Name + ": " + err.Error())
			}
			m.Cells[i][j] = c
		}
	}
	return m, nil
}

func refMapCell(n *sgsim.Network, from, to sgsim.Addrs) (Cell, error) {
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

