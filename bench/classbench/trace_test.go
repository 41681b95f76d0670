package classbench

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
)

// traceFilters is a small filter set with every kind of field: host and
// wide prefixes, /0, exact and ranged ports, any and one protocol.
func traceFilters(t *testing.T, n int) []Filter {
	var fs []Filter
	for i := 0; i < n; i++ {
		line := fmt.Sprintf("@10.%d.%d.0/24\t192.168.%d.7/32\t0 : 65535\t%d : %d\t0x06/0xFF\t0x0000/0x0000", i/256, i%256, i%200, 1000+i, 1000+i)
		switch i % 4 {
		case 1:
			line = fmt.Sprintf("@0.0.0.0/0\t172.%d.0.0/16\t1024 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000", 16+i%16)
		case 2:
			line = fmt.Sprintf("@10.0.%d.1/32\t0.0.0.0/0\t53 : 53\t0 : 1023\t0x11/0xFF\t0x0000/0x0000", i%256)
		}
		f, err := ParseFilter(line)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// Every generated header is a corner of the filter it names (each field
// at one end of the filter's range) and so matches it; the trace has
// exactly scale·filters headers and depends only on the seed.
func TestGenerateTraceCorners(t *testing.T) {
	fs := traceFilters(t, 400)
	hs := GenerateTrace(1, fs, 10, TraceParetoA, TraceParetoB)
	if len(hs) != 4000 {
		t.Fatalf("%d headers; want 4000", len(hs))
	}
	last := func(p netip.Prefix) netip.Addr {
		a := p.Addr()
		for b := p.Bits(); b < 32; b++ {
			x := a.As4()
			x[b/8] |= 0x80 >> (b % 8)
			a = netip.AddrFrom4(x)
		}
		return a
	}
	picked := map[int]bool{}
	for i, h := range hs {
		f := fs[h.Filter]
		picked[h.Filter] = true
		if !f.Matches(h) {
			t.Fatalf("header %d (%v) does not match its filter %v", i, h, f)
		}
		if h.Src != f.Src.Addr() && h.Src != last(f.Src) || h.Dst != f.Dst.Addr() && h.Dst != last(f.Dst) {
			t.Fatalf("header %d (%v): an address is not an end of filter %v", i, h, f)
		}
		if h.SrcPort != f.SrcPorts.First && h.SrcPort != f.SrcPorts.Last || h.DstPort != f.DstPorts.First && h.DstPort != f.DstPorts.Last {
			t.Fatalf("header %d (%v): a port is not an end of filter %v", i, h, f)
		}
		if f.AnyProto() && h.Proto != 0 && h.Proto != 255 || !f.AnyProto() && h.Proto != f.Proto {
			t.Fatalf("header %d (%v): protocol %d for filter %v", i, h, h.Proto, f)
		}
	}
	if len(picked) < 300 {
		t.Errorf("%d of 400 filters picked; want most of them", len(picked))
	}
	if again := GenerateTrace(1, fs, 10, TraceParetoA, TraceParetoB); !slices.Equal(again, hs) {
		t.Error("same seed, different trace")
	}
	if other := GenerateTrace(2, fs, 10, TraceParetoA, TraceParetoB); slices.Equal(other, hs) {
		t.Error("seeds 1 and 2 give the same trace")
	}
}

// Copies follow Pareto(1, 0.1): a header is made once with probability
// 0.9 (u <= 0.9), so about nine runs in ten have length one; with b = 0
// every run has length one. Runs are told apart by the filter index and
// corner, so a run is a maximal stretch of equal consecutive headers
// (two draws of the same corner in a row merge, which is rare with 4 000
// filters).
func TestGenerateTraceRuns(t *testing.T) {
	fs := traceFilters(t, 4000)
	runs := func(hs []Header) (ones, all int) {
		for i := 0; i < len(hs); {
			j := i + 1
			for j < len(hs) && hs[j] == hs[i] {
				j++
			}
			if j-i == 1 {
				ones++
			}
			all++
			i = j
		}
		return ones, all
	}
	ones, all := runs(GenerateTrace(7, fs, 10, TraceParetoA, TraceParetoB))
	if share := float64(ones) / float64(all); share < 0.87 || share > 0.93 {
		t.Errorf("runs of one header: %d of %d (%.3f); want about 0.9", ones, all, share)
	}
	if ones, all := runs(GenerateTrace(7, fs, 2, TraceParetoA, 0)); ones != all || all < 7900 {
		t.Errorf("b=0: %d runs of one in %d runs of 8000 headers; want every run of one", ones, all)
	}
	if hs := GenerateTrace(1, []Filter{{}}, 10, 1, 0.1); len(hs) != 0 {
		t.Errorf("only invalid filters: %d headers; want none", len(hs))
	}
}
