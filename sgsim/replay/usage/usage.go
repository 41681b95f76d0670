// Package usage counts what replayed traffic did with each rule: flows,
// packets and bytes per deciding rule at every hop, allowed and dropped,
// the allow rules no flow used, the observation window, and for each used
// allow rule the part of its space the traffic used next to what the rule
// opens (over-broad rules).
//
// A Counter is fed the finished flows of a replay through
// replay.Config.OnFlow, so the replayer keeps nothing per flow:
//
//	c := usage.New(network, usage.Config{})
//	r := replay.New(network, replay.Config{OnFlow: c.Add})
//	... r.AddCapture(...) ...
//	r.Report()
//	rep := c.Report()
//	rep.WriteText(os.Stdout)
//
// Each flow is traced once (Network.Trace) and counted on every hop its
// trace evaluated: the rule (or default deny, or implicit policy) that
// decided there, with all of the flow's packets and bytes, both ways (a
// stateful rule lets the whole connection through; a hop only passing
// replies, on stateless ACLs, is counted the same way). A flow dropped at
// a later hop still used the rules that allowed it before; Entry.Allowed
// tells how many of an entry's flows the whole path allowed.
//
// Flows inside VXLAN and Geneve tunnels are decided by the outer flow
// that carries them unless the replay judged them by their own
// (replay.Config.InnerDrops); set Config.Inner to the same value. Without
// it inner flows are counted only in Report.Inner: their packets already
// count on their outer flow.
//
// Cost: counting a flow traces it, about 1.2 µs and 2 allocations per
// flow against 0.16 µs for the replayer's own Network.Decide
// (BenchmarkCounterAdd and BenchmarkDecide, medians of 5 on a shared
// 2-CPU machine); it is paid per finished flow, never per packet.
//
// Memory follows the rules used and, per used allow rule, the ports seen
// and the distinct addresses seen, kept exactly up to Config.MaxAddrs per
// side and aggregated into prefixes beyond (Used.SrcBits and DstBits say
// to which length), never the number of flows.
package usage

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"go4.org/netipx"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/internal/addrx"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// Config configures a Counter.
type Config struct {
	// Inner counts flows inside tunnels against the rules that decide
	// them by their own addresses; set it when the replay had
	// replay.Config.InnerDrops.
	Inner bool
	// MaxAddrs bounds the distinct source (and, apart, destination)
	// addresses kept per used allow rule; 0 means 4096 (and 1 means 2,
	// one /0 per family, the fewest there can be). Beyond it the
	// rule's addresses of one family are kept as prefixes instead, /24
	// then /16, /8 and /0 for IPv4 and /64, /48, /32 and /0 for IPv6,
	// shortening until they fit again: the used space is then a superset
	// of the addresses seen, at that granularity, and the report says so
	// (Used.SrcBits, DstBits). The covering prefixes (Used.SrcCover,
	// DstCover) stay exact.
	MaxAddrs int
}

// Counter counts rule usage. It is not safe for concurrent use; a
// replay calls OnFlow from one goroutine at a time.
type Counter struct {
	n       *sgsim.Network
	cfg     Config
	refs    map[*sgsim.Rule]refOK
	idx     map[key]int
	entries []*entry
	first   time.Time
	last    time.Time
	flows   uint64
	inner   uint64
	outside uint64 // counted flows no hop evaluated
}

type refOK struct {
	ref sgsim.RuleRef
	ok  bool
}

type key struct {
	hop    sgsim.Hop
	action sgsim.Action
	ref    sgsim.RuleRef
	why    string // when no rule decided
}

type entry struct {
	Entry
	rule     *sgsim.Rule
	src, dst *addrSet
	ports    map[sgsim.Protocol]*[1024]uint64 // destination ports seen, per protocol with ports
	protos   map[sgsim.Protocol]struct{}
	icmp     map[[3]uint16]struct{} // protocol, type, code
}

// New returns a Counter for flows replayed through n.
func New(n *sgsim.Network, cfg Config) *Counter {
	if cfg.MaxAddrs <= 0 {
		cfg.MaxAddrs = 4096
	}
	return &Counter{n: n, cfg: cfg, refs: map[*sgsim.Rule]refOK{}, idx: map[key]int{}}
}

// Add counts one finished flow; pass it as replay.Config.OnFlow.
func (c *Counter) Add(f *replay.Flow) {
	if f.OuterID != 0 && !c.cfg.Inner {
		c.inner++
		c.window(f)
		return
	}
	c.flows++
	c.window(f)
	pk := f.FwdPackets + f.RevPackets
	by := f.FwdBytes + f.RevBytes
	tr := c.n.Trace(f.Flow())
	if tr.Outside {
		c.outside++
	}
	for _, s := range tr.Steps {
		k := key{hop: s.Hop, action: s.Verdict.Action}
		var ref sgsim.RuleRef
		rule := s.Verdict.Rule
		if rule != nil {
			ro, ok := c.refs[rule]
			if !ok {
				ro.ref, ro.ok = c.n.RuleRef(rule)
				c.refs[rule] = ro
			}
			ref = ro.ref
			k.ref = ref
			if !ro.ok {
				k.why = s.Verdict.Why()
			}
		} else {
			k.why = s.Note
			if k.why == "" {
				k.why = s.Verdict.Why()
			}
		}
		i, ok := c.idx[k]
		if !ok {
			e := &entry{Entry: Entry{Hop: s.Hop, Action: s.Verdict.Action, Ref: ref, Why: k.why}}
			if rule != nil {
				e.rule = rule
				e.Rule, e.Text = rule.ID, rule.String()
				if !rule.Origin.IsZero() {
					e.Origin = rule.Origin.String()
				}
				if rule.Action == sgsim.Allow {
					e.src, e.dst = newAddrSet(c.cfg.MaxAddrs), newAddrSet(c.cfg.MaxAddrs)
					e.ports, e.protos, e.icmp = map[sgsim.Protocol]*[1024]uint64{}, map[sgsim.Protocol]struct{}{}, map[[3]uint16]struct{}{}
				}
			}
			i = len(c.entries)
			c.entries = append(c.entries, e)
			c.idx[k] = i
		}
		e := c.entries[i]
		e.Flows++
		e.Packets += pk
		e.Bytes += by
		if f.Decision.Allowed {
			e.Allowed++
		}
		if e.src != nil {
			fl := s.Flow
			e.src.add(fl.Src)
			e.dst.add(fl.Dst)
			e.protos[fl.Proto] = struct{}{}
			switch {
			case fl.Proto.HasPorts():
				b := e.ports[fl.Proto]
				if b == nil {
					b = new([1024]uint64)
					e.ports[fl.Proto] = b
				}
				b[fl.DstPort/64] |= 1 << (fl.DstPort % 64)
			case fl.Proto.IsICMP():
				e.icmp[[3]uint16{uint16(fl.Proto), uint16(fl.ICMPType), uint16(fl.ICMPCode)}] = struct{}{}
			}
		}
	}
}

func (c *Counter) window(f *replay.Flow) {
	if !f.First.IsZero() && (c.first.IsZero() || f.First.Before(c.first)) {
		c.first = f.First
	}
	if !f.Last.IsZero() && (c.last.IsZero() || f.Last.After(c.last)) {
		c.last = f.Last
	}
}

// Report is the rule usage of the flows counted so far.
type Report struct {
	// First and Last are the earliest and latest packet (or flow-log
	// record) timestamps seen: the observation window. Zero when no flow
	// had one.
	First, Last time.Time
	Flows       uint64 // flows counted against the rules
	Inner       uint64 // tunnelled inner flows decided by their outer flow, not counted against rules (see Config.Inner)
	// Outside counts the flows among Flows that no hop evaluated
	// (sgsim.Decision.Outside): neither end has a security group and no
	// network ACL lies between them, so no rule could decide them; replay
	// counts them the same way (replay.Summary.Outside).
	Outside uint64
	// Entries has one entry per hop and deciding rule (or reason, when no
	// rule decided), in hop order, then most flows first.
	Entries []Entry
	// Unused lists the allow rules on some hop of the network that no
	// counted flow was decided by at any hop, in Network.Rules order.
	Unused []Unused
}

// Entry counts the flows one rule (or reason) decided at one hop.
type Entry struct {
	Hop    sgsim.Hop
	Action sgsim.Action
	Ref    sgsim.RuleRef // the rule's group and index; zero when no rule decided
	Rule   string        // the rule's ID
	Text   string        // the rule (Rule.String): what it opens or closes
	Origin string        // where the rule came from
	Why    string        // when no rule decided: default deny, an implicit policy, an exempt service
	// Flows, Packets and Bytes count the flows the hop decided this way,
	// with all their packets and bytes, both directions.
	Flows, Packets, Bytes uint64
	// Allowed counts the flows among Flows that the whole path allowed.
	Allowed uint64
	// Used is the part of an allow rule's space the flows used; nil for
	// other entries.
	Used *Used
}

// Used is what traffic used of an allow rule, aggregated: addresses as the
// fewest prefixes holding exactly the addresses seen (and, per family, the
// narrowest single prefix covering them), destination ports as ranges.
// The flow is the one the hop saw (the reply for reply hops).
type Used struct {
	Src, Dst           []netip.Prefix
	SrcCover, DstCover []netip.Prefix // one per family seen
	// SrcBits and DstBits are, per family (IPv4, IPv6), the prefix length
	// the side's addresses were kept at: 32 and 128 when exact, shorter
	// when the rule saw more distinct addresses than Config.MaxAddrs and
	// they were aggregated (Src or Dst then holds every address seen and
	// more: see Aggregated).
	SrcBits, DstBits [2]int
	Protocols        []sgsim.Protocol
	// Ports has the destination ports seen per protocol with ports.
	Ports []ProtoPorts
	// ICMP has the ICMP and ICMPv6 types and codes seen.
	ICMP []ICMPUse
}

// ProtoPorts is a protocol's destination ports seen.
type ProtoPorts struct {
	Protocol sgsim.Protocol
	Ports    sgsim.Ports
}

// ICMPUse is one ICMP type and code seen.
type ICMPUse struct {
	Protocol   sgsim.Protocol
	Type, Code uint8
}

// Unused is an allow rule no flow used.
type Unused struct {
	Ref    sgsim.RuleRef
	Rule   string // ID
	Text   string
	Origin string
}

// Report returns the usage counted so far.
func (c *Counter) Report() *Report {
	rep := &Report{First: c.first, Last: c.last, Flows: c.flows, Inner: c.inner, Outside: c.outside}
	used := map[sgsim.RuleRef]bool{}
	for _, e := range c.entries {
		out := e.Entry
		if e.rule != nil {
			used[e.Ref] = true
		}
		if e.src != nil {
			out.Used = e.used()
		}
		rep.Entries = append(rep.Entries, out)
	}
	slices.SortStableFunc(rep.Entries, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Hop, b.Hop), cmp.Compare(b.Flows, a.Flows), cmp.Compare(a.Ref.Group, b.Ref.Group), cmp.Compare(a.Ref.Index, b.Ref.Index), cmp.Compare(a.Why, b.Why))
	})
	for _, r := range c.n.Rules() {
		if r.Rule.Action != sgsim.Allow || used[r.Ref] {
			continue
		}
		u := Unused{Ref: r.Ref, Rule: r.Rule.ID, Text: r.Rule.String()}
		if !r.Rule.Origin.IsZero() {
			u.Origin = r.Rule.Origin.String()
		}
		rep.Unused = append(rep.Unused, u)
	}
	return rep
}

func (e *entry) used() *Used {
	u := &Used{}
	u.Src, u.SrcCover, u.SrcBits = e.src.prefixes()
	u.Dst, u.DstCover, u.DstBits = e.dst.prefixes()
	for p := range e.protos {
		u.Protocols = append(u.Protocols, p)
	}
	slices.Sort(u.Protocols)
	for _, p := range u.Protocols {
		b := e.ports[p]
		if b == nil {
			continue
		}
		var ps sgsim.Ports
		for v := 0; v < 65536; v++ {
			if b[v/64]&(1<<(v%64)) == 0 {
				continue
			}
			if l := len(ps); l > 0 && int(ps[l-1].Last)+1 == v {
				ps[l-1].Last = uint16(v)
			} else {
				ps = append(ps, sgsim.Port(uint16(v)))
			}
		}
		u.Ports = append(u.Ports, ProtoPorts{Protocol: p, Ports: ps})
	}
	for k := range e.icmp {
		u.ICMP = append(u.ICMP, ICMPUse{Protocol: sgsim.Protocol(k[0]), Type: uint8(k[1]), Code: uint8(k[2])})
	}
	slices.SortFunc(u.ICMP, func(a, b ICMPUse) int {
		return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Code, b.Code))
	})
	return u
}

// Aggregated reports whether the sources or the destinations were kept
// as prefixes shorter than addresses (Config.MaxAddrs), so that Src or
// Dst is a superset of the addresses seen.
func (u *Used) Aggregated() bool {
	return u.SrcBits != [2]int{32, 128} || u.DstBits != [2]int{32, 128}
}

// addrSet is the distinct addresses of one side of a rule's flows, kept
// exactly up to max entries and then, per family, as prefixes of
// shrinking length (Config.MaxAddrs), with the lowest and highest
// address per family kept exactly for the cover.
type addrSet struct {
	max    int
	bits   [2]int                  // per family: the length entries are kept at
	set    map[netip.Addr]struct{} // entries: addresses masked to their family's bits
	lo, hi [2]netip.Addr
}

// The lengths a family's entries shrink through when the set is full.
var shrink = [2][]int{{32, 24, 16, 8, 0}, {128, 64, 48, 32, 0}}

// newAddrSet returns an empty set of at most limit entries, and at least
// 2: one /0 per family.
func newAddrSet(limit int) *addrSet {
	return &addrSet{max: max(limit, 2), bits: [2]int{32, 128}, set: map[netip.Addr]struct{}{}}
}

func fam(a netip.Addr) int {
	if a.Is6() {
		return 1
	}
	return 0
}

func (s *addrSet) add(a netip.Addr) {
	if f := fam(a); s.bits[f] != shrink[f][0] {
		// Aggregated: the entries no longer give the lowest and highest
		// address, so they are tracked from here on.
		s.track(a)
		p, _ := a.Prefix(s.bits[f])
		a = p.Addr()
	}
	if _, ok := s.set[a]; ok {
		return
	}
	s.set[a] = struct{}{}
	for len(s.set) > s.max {
		// Shorten the family with the most entries that can still shrink.
		var n [2]int
		for q := range s.set {
			n[fam(q)]++
		}
		g := -1
		for f := range 2 {
			if s.bits[f] > 0 && (g < 0 || n[f] > n[g]) {
				g = f
			}
		}
		if g < 0 {
			return // both families at /0: at most two entries
		}
		if s.bits[g] == shrink[g][0] {
			for q := range s.set {
				if fam(q) == g {
					s.track(q)
				}
			}
		}
		next := shrink[g][slices.Index(shrink[g], s.bits[g])+1]
		s.bits[g] = next
		old := s.set
		s.set = make(map[netip.Addr]struct{}, len(old))
		for q := range old {
			if fam(q) == g {
				p, _ := q.Prefix(next)
				q = p.Addr()
			}
			s.set[q] = struct{}{}
		}
	}
}

// track widens the family's lowest and highest address to hold a.
func (s *addrSet) track(a netip.Addr) {
	f := fam(a)
	if !s.lo[f].IsValid() || a.Less(s.lo[f]) {
		s.lo[f] = a
	}
	if !s.hi[f].IsValid() || s.hi[f].Less(a) {
		s.hi[f] = a
	}
}

// prefixes returns the fewest prefixes holding exactly the entries (the
// addresses seen, when never aggregated), per family the narrowest
// prefix covering every address seen, and the lengths the families'
// entries were kept at.
func (s *addrSet) prefixes() (exact, cover []netip.Prefix, bits [2]int) {
	var b netipx.IPSetBuilder
	lo, hi := s.lo, s.hi
	for a := range s.set {
		f := fam(a)
		b.AddPrefix(netip.PrefixFrom(a, s.bits[f]))
		if s.bits[f] == shrink[f][0] { // exact: the entries are the addresses
			if !lo[f].IsValid() || a.Less(lo[f]) {
				lo[f] = a
			}
			if !hi[f].IsValid() || hi[f].Less(a) {
				hi[f] = a
			}
		}
	}
	set, _ := b.IPSet() // adding prefixes cannot fail
	exact = set.Prefixes()
	for f := range 2 {
		if lo[f].IsValid() {
			cover = append(cover, addrx.Cover(lo[f], hi[f]))
		}
	}
	return exact, cover, s.bits
}
