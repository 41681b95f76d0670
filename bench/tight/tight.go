// Package tight is the honest baseline for the compiled classifier: a
// first-match linear scan over a flattened rule array, as a competent
// engineer would write it without any index.
//
// Every rule is flattened, per address family, into rows of single ranges
// (one row per combination of its source range, destination range, source
// port range and destination port range in that family), stored as a
// struct of arrays: IPv4 addresses as uint32, IPv6 as two uint64, ports as
// uint16, each range as (low, width) so that a field is one subtraction and
// one unsigned compare. The scan tests the rows in evaluation order and
// stops at the first row that matches on every field. It does not allocate.
//
// It decides exactly as sgsim.Linear does (the package's tests check
// that), and exists only to measure the compiled classifier against a
// strong baseline in the bench runner.
package tight

import (
	"encoding/binary"
	"net/netip"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
)

// Scan is a compiled linear scan of one rule list. It is immutable and
// safe for concurrent use.
type Scan struct {
	rules  [2][]*sgsim.Rule
	groups [2][]string
	v4     [2]rows4
	v6     [2]rows6
}

// rows4 holds IPv4 rows. Field checks are ordered by how often they fail
// on ClassBench-like sets: addresses first.
type rows4 struct {
	srcLo, srcW, dstLo, dstW []uint32
	common
}

// rows6 holds IPv6 rows, addresses as (high, low) 64-bit halves.
type rows6 struct {
	srcLo, srcHi, dstLo, dstHi [][2]uint64
	common
}

// common are the non-address columns of a row.
type common struct {
	spLo, spW, dpLo, dpW []uint16
	protoMask, proto     []uint16 // flow proto & protoMask == proto
	icmpMask, icmp       []uint16 // (type<<8 | code) & icmpMask == icmp
	rule                 []int32  // index in evaluation order
}

func (c *common) add(r *sgsim.Rule, sp, dp sgsim.PortRange, idx int) {
	c.spLo = append(c.spLo, sp.First)
	c.spW = append(c.spW, sp.Last-sp.First)
	c.dpLo = append(c.dpLo, dp.First)
	c.dpW = append(c.dpW, dp.Last-dp.First)
	var pm, pv uint16
	if r.Protocol != sgsim.AnyProtocol {
		pm, pv = 0xffff, uint16(r.Protocol)
	}
	c.protoMask = append(c.protoMask, pm)
	c.proto = append(c.proto, pv)
	var im, iv uint16
	if r.Protocol.IsICMP() {
		if r.ICMP.HasType {
			im, iv = 0xff00, uint16(r.ICMP.Type)<<8
		}
		if r.ICMP.HasCode {
			im, iv = im|0xff, iv|uint16(r.ICMP.Code)
		}
	}
	c.icmpMask = append(c.icmpMask, im)
	c.icmp = append(c.icmp, iv)
	c.rule = append(c.rule, int32(idx))
}

var (
	all4 = netipx.IPRangeFrom(netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255}))
	all6 = netipx.IPRangeFrom(netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{
		255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255}))
)

// ranges returns a's ranges in one family (the whole family for any).
func ranges(a sgsim.Addrs, v6 bool) []netipx.IPRange {
	if a.IsAny() {
		if v6 {
			return []netipx.IPRange{all6}
		}
		return []netipx.IPRange{all4}
	}
	var out []netipx.IPRange
	for _, r := range a.Ranges() {
		if r.From().Is6() == v6 {
			out = append(out, r)
		}
	}
	return out
}

func portRanges(r *sgsim.Rule, ps sgsim.Ports) sgsim.Ports {
	if !r.Protocol.HasPorts() || ps == nil {
		return sgsim.Ports{sgsim.AllPorts}
	}
	return ps
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func u128(a netip.Addr) [2]uint64 {
	b := a.As16()
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// New flattens the rules of each direction, given in evaluation order
// with the ID of the group holding each, as sgsim.Classifier.Rules
// returns them. The rules must be valid and resolved and must not be
// modified afterwards.
func New(rules [2][]*sgsim.Rule, groups [2][]string) *Scan {
	s := &Scan{rules: rules, groups: groups}
	for d := range rules {
		for i, r := range rules[d] {
			for _, v6 := range []bool{false, true} {
				if r.Family != sgsim.AnyFamily && (r.Family == sgsim.IPv6) != v6 {
					continue
				}
				for _, src := range ranges(r.Src, v6) {
					for _, dst := range ranges(r.Dst, v6) {
						for _, sp := range portRanges(r, r.SrcPorts) {
							for _, dp := range portRanges(r, r.DstPorts) {
								if v6 {
									t := &s.v6[d]
									t.srcLo, t.srcHi = append(t.srcLo, u128(src.From())), append(t.srcHi, u128(src.To()))
									t.dstLo, t.dstHi = append(t.dstLo, u128(dst.From())), append(t.dstHi, u128(dst.To()))
									t.add(r, sp, dp, i)
								} else {
									t := &s.v4[d]
									lo, hi := u32(src.From()), u32(src.To())
									t.srcLo, t.srcW = append(t.srcLo, lo), append(t.srcW, hi-lo)
									lo, hi = u32(dst.From()), u32(dst.To())
									t.dstLo, t.dstW = append(t.dstLo, lo), append(t.dstW, hi-lo)
									t.add(r, sp, dp, i)
								}
							}
						}
					}
				}
			}
		}
	}
	return s
}

// Rows returns the number of rows of direction d, both families.
func (s *Scan) Rows(d sgsim.Direction) int {
	if d > sgsim.Egress {
		return 0
	}
	return len(s.v4[d].rule) + len(s.v6[d].rule)
}

// Check returns the verdict of the first rule of direction d that
// matches f, or the default deny; an invalid flow gets the default deny.
func (s *Scan) Check(d sgsim.Direction, f sgsim.Flow) sgsim.Verdict {
	if d > sgsim.Egress || !f.IsValid() {
		return sgsim.Verdict{}
	}
	p := uint16(f.Proto)
	ic := uint16(f.ICMPType)<<8 | uint16(f.ICMPCode)
	i := -1
	if f.Src.Is4() {
		i = s.v4[d].first(u32(f.Src), u32(f.Dst), p, f.SrcPort, f.DstPort, ic)
	} else {
		i = s.v6[d].first(u128(f.Src), u128(f.Dst), p, f.SrcPort, f.DstPort, ic)
	}
	if i < 0 {
		return sgsim.Verdict{}
	}
	r := s.rules[d][i]
	return sgsim.Verdict{Action: r.Action, Rule: r, Group: s.groups[d][i]}
}

func (t *rows4) first(sa, da uint32, p, sp, dp, ic uint16) int {
	n := len(t.rule)
	srcLo, srcW, dstLo, dstW := t.srcLo[:n], t.srcW[:n], t.dstLo[:n], t.dstW[:n]
	spLo, spW, dpLo, dpW := t.spLo[:n], t.spW[:n], t.dpLo[:n], t.dpW[:n]
	pm, pv, im, iv := t.protoMask[:n], t.proto[:n], t.icmpMask[:n], t.icmp[:n]
	for i := 0; i < n; i++ {
		if sa-srcLo[i] > srcW[i] || da-dstLo[i] > dstW[i] {
			continue
		}
		if p&pm[i] != pv[i] || dp-dpLo[i] > dpW[i] || sp-spLo[i] > spW[i] || ic&im[i] != iv[i] {
			continue
		}
		return int(t.rule[i])
	}
	return -1
}

func le(a, b [2]uint64) bool { return a[0] < b[0] || a[0] == b[0] && a[1] <= b[1] }

func (t *rows6) first(sa, da [2]uint64, p, sp, dp, ic uint16) int {
	n := len(t.rule)
	srcLo, srcHi, dstLo, dstHi := t.srcLo[:n], t.srcHi[:n], t.dstLo[:n], t.dstHi[:n]
	spLo, spW, dpLo, dpW := t.spLo[:n], t.spW[:n], t.dpLo[:n], t.dpW[:n]
	pm, pv, im, iv := t.protoMask[:n], t.proto[:n], t.icmpMask[:n], t.icmp[:n]
	for i := 0; i < n; i++ {
		if !le(srcLo[i], sa) || !le(sa, srcHi[i]) || !le(dstLo[i], da) || !le(da, dstHi[i]) {
			continue
		}
		if p&pm[i] != pv[i] || dp-dpLo[i] > dpW[i] || sp-spLo[i] > spW[i] || ic&im[i] != iv[i] {
			continue
		}
		return int(t.rule[i])
	}
	return -1
}
