package classbench

import (
	"math"
	"math/rand/v2"
	"net/netip"
)

// Parameters of ClassBench's trace generator as used for the traces in
// shared/classbench: Pareto a=1, b=0.1, ten headers per filter.
const (
	TraceParetoA = 1.0
	TraceParetoB = 0.1
	TraceScale   = 10
)

// GenerateTrace returns a synthetic header trace for fs made the way
// ClassBench's trace generator makes one (header_gen in its
// trace_tools.cc): until scale·len(fs) headers are made, pick a filter
// uniformly at random, take a random corner of it (each field its low or
// its high end on a coin flip: the first or last address of each prefix,
// either end of each port range, the filter's protocol or, for any
// protocol, 0 or 255) and append that header Pareto(a, b) times in a row,
// ceil(b / (1-u)^(1/a)) copies for u uniform in [0, 1). The last run is
// cut so the trace has exactly scale·len(fs) headers, as the shared
// traces do (97 980 for the 9 798 filters of acl1_10000).
//
// With a=1, b=0.1 nine headers in ten are made once and the rest repeat
// with a heavy tail: the temporal locality that published classifier
// figures on ClassBench traces include. Header.Filter is the picked
// filter's index and Flags is 0. The trace depends only on seed and fs.
// Filters with an invalid prefix (the zero Filter) are never picked; if
// every filter is invalid the trace is empty.
func GenerateTrace(seed uint64, fs []Filter, scale int, a, b float64) []Header {
	var ok []int
	for i := range fs {
		if fs[i].Src.IsValid() && fs[i].Dst.IsValid() && fs[i].Src.Addr().Is4() && fs[i].Dst.Addr().Is4() {
			ok = append(ok, i)
		}
	}
	n := scale * len(fs)
	if len(ok) == 0 || n <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(seed, 0x636c617373)) // "class"
	hs := make([]Header, 0, n)
	for len(hs) < n {
		i := ok[r.IntN(len(ok))]
		f := &fs[i]
		h := Header{Filter: i}
		h.Src = corner(f.Src, r.IntN(2) == 1)
		h.Dst = corner(f.Dst, r.IntN(2) == 1)
		h.SrcPort = pick(r, f.SrcPorts.First, f.SrcPorts.Last)
		h.DstPort = pick(r, f.DstPorts.First, f.DstPorts.Last)
		h.Proto = f.Proto
		if f.AnyProto() {
			h.Proto = uint8(pick(r, 0, 255))
		}
		copies := pareto(r, a, b)
		for c := 0; c < copies && len(hs) < n; c++ {
			hs = append(hs, h)
		}
	}
	return hs
}

// corner returns the first address of p, or the last when high.
func corner(p netip.Prefix, high bool) netip.Addr {
	a := p.Masked().Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	if high && p.Bits() < 32 {
		v |= ^uint32(0) >> p.Bits()
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func pick(r *rand.Rand, lo, hi uint16) uint16 {
	if r.IntN(2) == 1 {
		return hi
	}
	return lo
}

// pareto returns ceil(b / (1-u)^(1/a)) for u uniform in [0, 1), at least
// 1 and at most MaxInt32 (the caller cuts runs to the trace's length).
func pareto(r *rand.Rand, a, b float64) int {
	if b <= 0 || a <= 0 {
		return 1
	}
	x := math.Ceil(b / math.Pow(1-r.Float64(), 1/a))
	switch {
	case !(x >= 1):
		return 1
	case x > math.MaxInt32:
		return math.MaxInt32
	}
	return int(x)
}
