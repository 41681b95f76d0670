package analyze

import (
	"errors"

	"github.com/sgsim/sgsim/sgsim"
)

// RefMap is the map as first built, pair by pair: for each pair, class
// (mapClasses) and family an Answered and a Delivered Reach query over
// the pair alone, and one more over the answered ports to tell Partial.
// Map must agree with it cell for cell (TestMapEqualsPerPair); the
// benchmark times both.
var RefMap = refMap

func refMap(n *sgsim.Network, spec sgsim.NetworkSpec) (*ConnMap, error) {
	m := &ConnMap{}
	eps := spec.Endpoints
	for _, e := range eps {
		m.Endpoints = append(m.Endpoints, e.Name)
	}
	classes, other := mapClasses(spec)
	m.Other = other
	m.Cells = make([][]Cell, len(eps))
	for i, a := range eps {
		m.Cells[i] = make([]Cell, len(eps))
		for j, b := range eps {
			c, err := refMapCell(n, classes, a.Addrs, b.Addrs)
			if err != nil {
				return nil, errors.New("analyze: map " + a.Name + " -> " + b.Name + ": " + err.Error())
			}
			m.Cells[i][j] = c
		}
	}
	return m, nil
}

func refMapCell(n *sgsim.Network, classes []mapClass, from, to sgsim.Addrs) (Cell, error) {
	var c Cell
	var p Passage
	var rt, ow mapPorts
	for ci, cl := range classes {
		if cl.newPassage {
			p = Passage{Protocol: cl.proto, Other: cl.other}
			rt, ow = mapPorts{}, mapPorts{}
		}
		for _, v6 := range []bool{false, true} {
			if v6 && !cl.v6 || !v6 && !cl.v4 {
				continue
			}
			f, t := familyPart(from, v6), familyPart(to, v6)
			if f.IsEmpty() || t.IsEmpty() {
				continue
			}
			q := sgsim.Query{From: f, To: t, Protocol: cl.proto, ICMPType: cl.icmpType, ICMPCode: cl.icmpCode, Question: sgsim.Answered}
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
				a.addClass(r.DstPorts, cl.msgs)
			}
			for _, r := range del.Allowed {
				d.addClass(r.DstPorts, cl.msgs)
			}
			d.minus(&a)
			if !a.empty() {
				p.Allowed = append(p.Allowed, ans.Allowed...)
				if p.Witness.Steps == nil {
					p.Witness = n.Trace(ans.AllowedWitness)
				}
				// Partial: on the answered ports, is every flow answered?
				q.Question = sgsim.Answered
				if cl.proto.HasPorts() {
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
			rt.or(&a)
			ow.or(&d)
		}
		if ci+1 < len(classes) && !classes[ci+1].newPassage {
			continue
		}
		ow.minus(&rt)
		p.RoundTrip, p.OneWay = rt.ports(), ow.ports()
		if !p.Empty() {
			c.Passages = append(c.Passages, p)
		}
	}
	return c, nil
}

// addClass adds the region's ports ps, or the class's messages msgs.
func (s *mapPorts) addClass(ps, msgs sgsim.Ports) {
	if msgs != nil {
		ps = msgs
	}
	if s.b == nil {
		s.b = new([1024]uint64)
	}
	for _, r := range ps {
		for v := int(r.First); v <= int(r.Last); v++ {
			s.b[v/64] |= 1 << (v % 64)
		}
	}
}
