package capture

import "net/netip"

// fragKey identifies the fragments of one IP datagram.
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
}

// fragEntry is what a later fragment inherits from its first fragment.
type fragEntry struct {
	key                fragKey
	used               bool
	stamp              uint64
	sport, dport       uint16
	icmpType, icmpCode uint8
	icmpID             uint16
}

const (
	fragSets = 256 // power of two
	fragWays = 4
)

// fragTable remembers the transport fields of first fragments so that
// later fragments can be given them. It is a fixed-size set-associative
// cache (fragSets*fragWays entries, least recently stored evicted), so it
// never grows and never allocates after the Reader is created.
type fragTable struct {
	sets  [fragSets][fragWays]fragEntry
	clock uint64
}

func (k *fragKey) hash() uint32 {
	const prime = 16777619
	h := uint32(2166136261)
	a, b := k.src.As16(), k.dst.As16()
	for _, c := range a {
		h = (h ^ uint32(c)) * prime
	}
	for _, c := range b {
		h = (h ^ uint32(c)) * prime
	}
	for _, c := range [5]byte{byte(k.id >> 24), byte(k.id >> 16), byte(k.id >> 8), byte(k.id), k.proto} {
		h = (h ^ uint32(c)) * prime
	}
	return h
}

func (t *fragTable) get(k fragKey) *fragEntry {
	set := &t.sets[k.hash()&(fragSets-1)]
	for i := range set {
		if set[i].used && set[i].key == k {
			return &set[i]
		}
	}
	return nil
}

func (t *fragTable) put(k fragKey, e fragEntry) {
	t.clock++
	set := &t.sets[k.hash()&(fragSets-1)]
	victim := 0
	for i := range set {
		if set[i].used && set[i].key == k {
			victim = i
			break
		}
		if !set[i].used {
			victim = i
			break
		}
		if set[i].stamp < set[victim].stamp {
			victim = i
		}
	}
	e.key, e.used, e.stamp = k, true, t.clock
	set[victim] = e
}
