package sgsim

import (
	"math/rand/v2"
	"testing"
)

// A bucket's slot keeps its entry's mask as two prefix lengths and tests
// them by counting leading zeros: at every pair of lengths (0 and 32
// included), a key that differs from the entry in one bit matches exactly
// when that bit lies outside both prefixes.
func TestSlotMatchesPrefixLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for s := uint32(0); s <= 32; s++ {
		for d := uint32(0); d <= 32; d++ {
			m := uint64(lenMask(s))<<32 | uint64(lenMask(d))
			e := tent{val: r.Uint64() & m, mask: m, proto: uint16(TCP), dpLo: 80, dpW: 10, spLo: 0, spW: 65535, icmp: s == d}
			sl := e.slot()
			if got := sl.lens&icmpFlag != 0; got != e.icmp {
				t.Fatalf("/%d,/%d: icmp flag %v; want %v", s, d, got, e.icmp)
			}
			if !sl.matches(e.val, uint16(TCP), 85, 1234) {
				t.Fatalf("/%d,/%d: the entry's own key does not match", s, d)
			}
			for bit := uint32(0); bit < 64; bit++ { // 0 is the source's first bit
				k := e.val ^ (1 << (63 - bit))
				inside := bit < s || bit >= 32 && bit-32 < d
				if got := sl.matches(k, uint16(TCP), 85, 1234); got == inside {
					t.Fatalf("/%d,/%d: key with bit %d flipped matches %v; want %v", s, d, bit, got, !inside)
				}
			}
			if sl.matches(e.val, uint16(UDP), 85, 1234) || sl.matches(e.val, uint16(TCP), 91, 1234) || sl.matches(e.val, uint16(TCP), 79, 1234) {
				t.Fatalf("/%d,/%d: protocol or port outside the entry matches", s, d)
			}
		}
	}
}
