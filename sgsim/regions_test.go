package sgsim

import (
	"fmt"
	"net/netip"
	"testing"

	"go4.org/netipx"
	"pgregory.net/rapid"
)

// Partition property: on a small space (16 x 16 addresses, a few ports or
// ICMP types and codes) every flow's Linear verdict is its box's verdict,
// and every flow lies in exactly one box.

var partBase = netip.MustParseAddr("10.0.0.0")

func partPrefix(t *rapid.T, label string) Addrs {
	if rapid.IntRange(0, 4).Draw(t, label+" any") == 0 {
		return Addrs{}
	}
	bits := rapid.IntRange(28, 32).Draw(t, label+" bits")
	a := partBase.As4()
	a[3] = byte(rapid.IntRange(0, 17).Draw(t, label+" off"))
	return PrefixAddrs(netip.PrefixFrom(netip.AddrFrom4(a), bits).Masked())
}

func partRule(t *rapid.T, s Semantics, label string) Rule {
	r := Rule{ID: label}
	r.Direction = Direction(rapid.IntRange(0, 1).Draw(t, label+" dir"))
	r.Action = Action(rapid.IntRange(0, 1).Draw(t, label+" action"))
	if s == Union {
		r.Action = Allow
	}
	if lo, hi, used := s.PriorityRange(); used {
		r.Priority = rapid.IntRange(lo, min(hi, lo+2)).Draw(t, label+" priority")
	}
	r.Protocol = rapid.SampledFrom([]Protocol{AnyProtocol, TCP, TCP, UDP, ICMP, GRE}).Draw(t, label+" proto")
	if r.Protocol.HasPorts() {
		if rapid.Bool().Draw(t, label+" has dport") {
			a := uint16(rapid.IntRange(19, 27).Draw(t, label+" dport"))
			r.DstPorts = Ports{{a, a + uint16(rapid.IntRange(0, 3).Draw(t, label+" dport width"))}}
		}
		if rapid.IntRange(0, 3).Draw(t, label+" has sport") == 0 {
			a := uint16(rapid.IntRange(0, 3).Draw(t, label+" sport"))
			r.SrcPorts = Ports{{a, a}}
		}
	}
	if r.Protocol == ICMP {
		switch rapid.IntRange(0, 2).Draw(t, label+" icmp") {
		case 1:
			r.ICMP = ICMPType(uint8(rapid.IntRange(0, 4).Draw(t, label+" type")))
		case 2:
			r.ICMP = ICMPTypeCode(uint8(rapid.IntRange(0, 4).Draw(t, label+" type")), uint8(rapid.IntRange(0, 1).Draw(t, label+" code")))
		}
	}
	r.Src, r.Dst = partPrefix(t, label+" src"), partPrefix(t, label+" dst")
	return r
}

func partGroups(t *rapid.T, s Semantics) []Group {
	n := rapid.IntRange(1, 2).Draw(t, "groups")
	gs := make([]Group, n)
	k := 0
	for i := range gs {
		gs[i].ID = fmt.Sprintf("g%d", i)
		for j := rapid.IntRange(0, 6).Draw(t, gs[i].ID+" rules"); j > 0; j-- {
			gs[i].Rules = append(gs[i].Rules, partRule(t, s, fmt.Sprintf("r%d", k)))
			k++
		}
	}
	return gs
}

func TestPartitionMatchesLinear(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SampledFrom([]Semantics{FirstMatch, Union, Huawei, Alibaba, Tencent, ACL}).Draw(t, "semantics")
		gs := partGroups(t, s)
		c, err := Compile(s, gs...)
		if err != nil {
			t.Fatal(err)
		}
		l, err := NewLinear(s, gs...)
		if err != nil {
			t.Fatal(err)
		}
		d := Direction(rapid.IntRange(0, 1).Draw(t, "direction"))
		p := rapid.SampledFrom([]Protocol{TCP, UDP, ICMP, GRE}).Draw(t, "space proto")
		sp := Space{Protocol: p, Src: MustParseAddrs("10.0.0.0/28,10.0.0.16"), Dst: MustParseAddrs("10.0.0.0/28")}
		if rapid.Bool().Draw(t, "sub space") {
			sp.Src = MustParseAddrs("10.0.0.4-10.0.0.17")
		}
		var xs, ys []uint16
		switch {
		case p.HasPorts():
			sp.SrcPorts, sp.DstPorts = Ports{{0, 2}}, Ports{{18, 22}, {25, 28}}
			xs, ys = []uint16{0, 1, 2}, []uint16{18, 19, 20, 21, 22, 25, 26, 27, 28}
		case p.IsICMP():
			sp.ICMPTypes, sp.ICMPCodes = Ports{{0, 5}}, Ports{{0, 1}}
			xs, ys = []uint16{0, 1, 2, 3, 4, 5}, []uint16{0, 1}
		default:
			xs, ys = []uint16{0}, []uint16{0}
		}
		cells, err := c.Partition(d, sp)
		if err != nil {
			t.Fatal(err)
		}
		for _, cell := range cells {
			w := cell.Witness()
			if !sp.Contains(w) || !cell.Contains(w) {
				t.Fatalf("witness %v outside its cell %v or the space", w, cell)
			}
		}
		for _, src := range sp.Src.Ranges() {
			for a := src.From(); src.Contains(a); a = a.Next() {
				for b := partBase; b.Compare(netip.MustParseAddr("10.0.0.15")) <= 0; b = b.Next() {
					for _, x := range xs {
						for _, y := range ys {
							f := Flow{Proto: p, Src: a, Dst: b}
							if p.HasPorts() {
								f.SrcPort, f.DstPort = x, y
							} else if p.IsICMP() {
								f.ICMPType, f.ICMPCode = uint8(x), uint8(y)
							}
							want := l.Check(d, f)
							var got *Decided
							for i := range cells {
								if cells[i].Contains(f) {
									if got != nil {
										t.Fatalf("%v in two cells: %v and %v", f, got, cells[i])
									}
									got = &cells[i]
								}
							}
							if got == nil {
								t.Fatalf("%v in no cell of %v", f, cells)
							}
							if !sameVerdict(want, got.Verdict) {
								t.Fatalf("%v: linear %v, cell %v", f, want, got)
							}
						}
					}
				}
			}
		}
	})
}

func sameVerdict(a, b Verdict) bool {
	if a.Action != b.Action || a.Group != b.Group || (a.Rule == nil) != (b.Rule == nil) {
		return false
	}
	return a.Rule == nil || a.Rule.ID == b.Rule.ID
}

// On the whole address space every box's witness gets the box's verdict,
// and Position finds the rule in its group.
func TestPartitionWholeSpace(t *testing.T) {
	gs := []Group{{ID: "a", Rules: []Rule{
		MustParseRule("ingress allow tcp 22 from 10.0.0.0/8 priority 2"),
		MustParseRule("ingress deny tcp 22 from 10.1.0.0/16 priority 2"),
		MustParseRule("ingress allow any from 2001:db8::/32 priority 1"),
	}}, {ID: "b", Rules: []Rule{
		MustParseRule("ingress allow tcp from 0.0.0.0/0 priority 1"),
		MustParseRule("ingress allow icmp type 8 priority 1"),
	}}}
	c, err := Compile(Huawei, gs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range []Space{{Family: IPv4, Protocol: TCP}, {Family: IPv6, Protocol: TCP}, {Family: IPv4, Protocol: ICMP}, {Family: IPv6, Protocol: GRE}} {
		cells, err := c.Partition(Ingress, sp)
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) == 0 {
			t.Fatalf("%v: no cells", sp)
		}
		for _, cell := range cells {
			w := cell.Witness()
			if v := c.Check(Ingress, w); !sameVerdict(v, cell.Verdict) {
				t.Errorf("%v: witness %v gets %v", cell, w, v)
			}
			if r := cell.Verdict.Rule; r != nil {
				g, i, ok := c.Position(r)
				if !ok || gs[g].Rules[i].String() != r.String() {
					t.Errorf("Position(%v) = %d %d %v", r, g, i, ok)
				}
			}
		}
	}
	cells, err := c.Partition(Ingress, Space{Protocol: TCP, Src: MustParseAddrs("10.1.2.3"), Dst: MustParseAddrs("10.9.9.9"), DstPorts: Ports{Port(22)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 || cells[0].Verdict.Action != Deny || cells[0].Verdict.Rule == nil {
		t.Errorf("10.1.2.3 -> 22: %v", cells)
	}
	if _, err := c.Partition(Ingress, Space{Protocol: TCP}); err == nil {
		t.Error("no family: want an error")
	}
	if _, err := c.Partition(Ingress, Space{Family: IPv4}); err == nil {
		t.Error("no protocol: want an error")
	}
	for _, sp := range []Space{
		{Family: IPv4, Protocol: GRE, DstPorts: Ports{Port(1)}},         // ports on gre
		{Family: IPv4, Protocol: TCP, DstPorts: Ports{}},                // empty, not nil
		{Family: IPv4, Protocol: TCP, SrcPorts: Ports{{1, 20}, {9, 3}}}, // Normalize would merge 9-3 away
		{Family: IPv4, Protocol: ICMP, ICMPTypes: Ports{{0, 300}}},      // past 255
	} {
		if cells, err := c.Partition(Ingress, sp); err == nil {
			t.Errorf("Partition(%v) = %v; want an error", sp, cells)
		}
	}
}

// Space.TestFlow picks a flow of the space that a person could send: inside
// the space, no network address of a range of four or more, distinct
// addresses when the space has two, the lowest destination port above 0
// and an ephemeral source port when the space has them.
func TestSpaceTestFlowProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		side := func(label string) Addrs {
			if rapid.IntRange(0, 5).Draw(t, label+" any") == 0 {
				return Addrs{}
			}
			var b netipx.IPSetBuilder
			for n := rapid.IntRange(1, 3).Draw(t, label+" ranges"); n > 0; n-- {
				lo := rapid.IntRange(0, 40).Draw(t, label+" lo")
				hi := lo + rapid.IntRange(0, 6).Draw(t, label+" width")
				base := rapid.SampledFrom([]uint32{0, 10 << 24, 192<<24 | 168<<16}).Draw(t, label+" base")
				b.AddRange(netipx.IPRangeFrom(u32addr(base+uint32(lo)), u32addr(base+uint32(hi))))
			}
			s, _ := b.IPSet()
			return AddrsOf(s)
		}
		ports := func(label string) Ports {
			if rapid.IntRange(0, 3).Draw(t, label+" all") == 0 {
				return nil
			}
			var ps Ports
			for n := rapid.IntRange(1, 3).Draw(t, label+" ranges"); n > 0; n-- {
				lo := uint16(rapid.SampledFrom([]int{0, 1, 22, 1000, 1023, 1024, 5000, 65535}).Draw(t, label+" lo"))
				ps = append(ps, PortRange{First: lo, Last: lo + uint16(rapid.IntRange(0, int(min(65535-int(lo), 30))).Draw(t, label+" width"))})
			}
			return ps.Normalize()
		}
		s := Space{Family: IPv4, Protocol: rapid.SampledFrom([]Protocol{TCP, UDP, ICMP, GRE}).Draw(t, "proto"),
			Src: side("src"), Dst: side("dst")}
		if s.Protocol.HasPorts() {
			s.SrcPorts, s.DstPorts = ports("sport"), ports("dport")
		}
		f := s.TestFlow()
		if !s.Contains(f) {
			t.Fatalf("%v not in %v", f, s)
		}
		all := MustParseAddrs("0.0.0.0/0")
		for _, x := range []struct {
			a  Addrs
			ip netip.Addr
		}{{s.Src, f.Src}, {s.Dst, f.Dst}} {
			a := x.a
			if a.IsAny() {
				a = all
			}
			for _, r := range a.Ranges() {
				if r.Contains(x.ip) && r.From() == x.ip && r.To().Compare(r.From().Next().Next().Next()) >= 0 {
					t.Fatalf("%v: %v is the first address of %v", f, x.ip, r)
				}
				if r.Contains(x.ip) && r.To().Compare(netip.MustParseAddr("1.0.0.0")) >= 0 && netip.MustParsePrefix("0.0.0.0/8").Contains(x.ip) {
					t.Fatalf("%v: %v in 0.0.0.0/8 though %v reaches past it", f, x.ip, r)
				}
			}
		}
		single := func(a Addrs) bool {
			rs := a.Ranges()
			return !a.IsAny() && len(rs) == 1 && rs[0].From() == rs[0].To()
		}
		if f.Src == f.Dst && !(single(s.Src) && single(s.Dst)) {
			t.Fatalf("%v: same address on both sides of %v", f, s)
		}
		if s.Protocol.HasPorts() {
			for p := 1; p < int(f.DstPort); p++ {
				if s.DstPorts.Contains(uint16(p)) {
					t.Fatalf("%v: port %d is lower and above 0", f, p)
				}
			}
			if f.DstPort == 0 && !(len(s.DstPorts) == 1 && s.DstPorts[0] == Port(0)) {
				t.Fatalf("%v: port 0 though %v holds others", f, s.DstPorts)
			}
			for p := 1024; p < int(f.SrcPort) || f.SrcPort < 1024 && p <= 65535; p++ {
				if s.SrcPorts.Contains(uint16(p)) {
					t.Fatalf("%v: source port %d is ephemeral and lower", f, p)
				}
			}
		}
	})
}

func u32addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
