package sgsim_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/sgsim/sgsim/bench/classbench"
	"github.com/sgsim/sgsim/bench/gen"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"go4.org/netipx"
	"pgregory.net/rapid"
)

// The structure chosen per table, by size and shape: a handful of rules
// is a scan; IPv4 rules that flatten into few entries go to the tuple
// space, and rules that flatten into too many (a wide arbitrary range
// times a port list) to the interval index beside it; IPv6 tables are
// indexed by intervals.
func TestStructureBySizeAndShape(t *testing.T) {
	hosts := func(n int, v6 bool, extra ...string) []sgsim.Rule {
		var rs []sgsim.Rule
		for i := 0; i < n; i++ {
			src := fmt.Sprintf("10.0.%d.0/24", i)
			if v6 {
				src = fmt.Sprintf("2001:db8:%x::/48", i)
			}
			rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d from %s", 1000+i, src)))
		}
		return append(rs, rules(extra...)...)
	}
	for _, tc := range []struct {
		name  string
		rules []sgsim.Rule
		want  [2][2]string
	}{
		{"none", nil, [2][2]string{{"empty", "empty"}, {"empty", "empty"}}},
		{"one rule", rules("ingress allow tcp 22"), [2][2]string{{"scan", "scan"}, {"empty", "empty"}}},
		{"8 v4 rules", hosts(8, false), [2][2]string{{"scan", "empty"}, {"empty", "empty"}}},
		{"20 v4 rules", hosts(20, false), [2][2]string{{"tuples", "empty"}, {"empty", "empty"}}},
		{"20 v4 rules and a wide range", hosts(20, false, "ingress allow tcp 1,3,5,7,9 from 10.0.0.1-10.255.255.254"),
			[2][2]string{{"tuples+index", "empty"}, {"empty", "empty"}}},
		{"20 v6 rules", hosts(20, true), [2][2]string{{"empty", "index"}, {"empty", "empty"}}},
		{"20 v4 and 20 v6 rules", append(hosts(20, false), hosts(20, true)...), [2][2]string{{"tuples", "index"}, {"empty", "empty"}}},
	} {
		c := compile(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: tc.rules})
		if got := c.Stats().Structure; got != tc.want {
			t.Errorf("%s: structures %v; want %v", tc.name, got, tc.want)
		}
	}
}

// Check allocates nothing on any structure the compiler may choose, for
// hits, misses and default denies.
func TestCheckDoesNotAllocateOnAnyStructure(t *testing.T) {
	var v4, v6 []sgsim.Rule
	for i := 0; i < 200; i++ {
		v4 = append(v4, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d from 10.0.%d.0/24 to 10.1.0.0/16", 1000+i, i)))
		v6 = append(v6, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d from 2001:db8:%x::/48", 1000+i, i)))
	}
	wide := rules("ingress deny tcp 1,3,5,7,9 from 10.0.0.1-10.255.255.254", "ingress allow icmp type 8")
	flows := []sgsim.Flow{
		pkt("tcp 10.0.7.1:40000 -> 10.1.2.3:1007"),
		pkt("tcp 10.0.7.1:40000 -> 10.1.2.3:3"),
		pkt("udp 10.9.7.1:40000 -> 10.1.2.3:53"),
		pkt("icmp 10.9.7.1 -> 10.1.2.3 type 8 code 0"),
		pkt("tcp [2001:db8:7::1]:1 -> [2001:db8::2]:1007"),
		pkt("gre 1.1.1.1 -> 2.2.2.2"),
	}
	for _, tc := range []struct {
		want  string // ingress structure, "v4/v6"
		rules []sgsim.Rule
	}{
		{"scan/scan", rules("ingress allow udp 53", "ingress deny any from 2001:db8::/32 to 2001:db8::/64")},
		{"tuples/empty", v4},
		{"tuples+index/scan", append(v4[:100:100], wide...)},
		{"empty/index", v6},
		{"tuples/index", append(v4[:100:100], v6...)},
	} {
		c := compile(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: tc.rules})
		st := c.Stats().Structure[sgsim.Ingress]
		if got := st[0] + "/" + st[1]; got != tc.want {
			t.Fatalf("structures %s; want %s", got, tc.want)
		}
		var sink sgsim.Verdict
		allocs := testing.AllocsPerRun(100, func() {
			for _, f := range flows {
				sink = c.Check(sgsim.Ingress, f)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: Check allocates %v times per run; want 0", tc.want, allocs)
		}
		_ = sink
		paths := map[string]bool{}
		for _, f := range flows {
			paths[sgsim.FirstPath(c, sgsim.Ingress, f)] = true
		}
		// The v4 rules' tuple space alone is probed at its first node
		// inline, and the first flow decides there.
		if first := tc.want == "tuples/empty"; paths["decides allow one"] != first || first && len(paths) < 3 {
			t.Errorf("%s: Check's branches at the first node %v", tc.want, paths)
		}
	}
}

// A few rules of any protocol among many of exact protocols on shared
// prefixes: Compile builds a class node (TCP and UDP rules on one source
// prefix in different buckets, each rule of any protocol copied into every
// class), and every protocol, named by a rule or not, gets the linear
// evaluator's answer, without allocating.
func TestTuplesClassNode(t *testing.T) {
	var rs []sgsim.Rule
	for k := 0; k < 4; k++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress deny any from 10.0.%d.9/32 id w%d", 100+k, k)))
	}
	for i := 0; i < 100; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp 80 from 10.0.%d.0/24 to 10.1.0.0/16 id t%d", i, i)),
			sgsim.MustParseRule(fmt.Sprintf("ingress deny udp 53 from 10.0.%d.0/24 to 10.1.0.0/16 id u%d", i, i)))
	}
	g := sgsim.Group{ID: "g", Rules: rs}
	c, l := compile(t, sgsim.FirstMatch, g), linear(t, sgsim.FirstMatch, g)
	info, ok := sgsim.Tuples(c, sgsim.Ingress)
	if !ok || info.ClassNodes == 0 || info.Misplaced != 0 || info.FinalWrong != 0 || info.Entries < len(rs)+4 {
		t.Fatalf("tuples %+v, %v; want a class node holding the 4 rules of any protocol in more than one class", info, ok)
	}
	var flows []sgsim.Flow
	for i := 0; i < 110; i++ {
		for _, host := range []int{9, 10} {
			for _, p := range []string{"tcp %s:1000 -> 10.1.2.3:80", "udp %s:1000 -> 10.1.2.3:53", "tcp %s:1000 -> 10.1.2.3:53", "icmp %s -> 10.1.2.3 type 8 code 0", "gre %s -> 10.1.2.3", "sctp %s:1 -> 10.1.2.3:80"} {
				flows = append(flows, pkt(fmt.Sprintf(p, fmt.Sprintf("10.0.%d.%d", i, host))))
			}
		}
	}
	wide := 0
	for _, f := range flows {
		got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
		if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
			t.Fatalf("Check(%v):\ncompiled: %v\nlinear:   %v", f, got, want)
		}
		if want.Rule != nil && want.Rule.ID[0] == 'w' {
			wide++
		}
	}
	if wide != 4*6 {
		t.Errorf("%d flows decided by the rules of any protocol; want 24 (4 hosts, 6 protocols)", wide)
	}
	var sink sgsim.Verdict
	if allocs := testing.AllocsPerRun(100, func() {
		for _, f := range flows[:60] {
			sink = c.Check(sgsim.Ingress, f)
		}
	}); allocs != 0 {
		t.Errorf("Check allocates %v times per run on a class node; want 0", allocs)
	}
	_ = sink
}

// Rules of any protocol left to the end of the greedy: 280 TCP rules on
// /24 sources go to a first node; the 20 left (15 of any protocol on /8
// sources, and TCP and UDP rules on shared /8 sources) make a class node
// whose entries take 65 keys (four classes each for the 15), more than
// twice the 20 entries its spill counter was sized for. Its open-addressed
// table then filled and Compile never returned (4701b4f). Now Compile
// returns (within a generous deadline), builds the class node, and
// verdicts equal the linear evaluator's.
func TestTuplesClassNodeLate(t *testing.T) {
	var rs []sgsim.Rule
	for i := 0; i < 280; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp 80 from 10.%d.%d.0/24", i/256, i%256)))
	}
	for i := 0; i < 15; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress deny any from %d.0.0.0/8", 11+i)))
	}
	rs = append(rs, rules("ingress allow tcp 80 from 30.0.0.0/8", "ingress allow udp 53 from 30.0.0.0/8",
		"ingress allow tcp 80 from 31.0.0.0/8", "ingress allow udp 53 from 31.0.0.0/8", "ingress allow tcp 80 from 32.0.0.0/8")...)
	g := sgsim.Group{ID: "g", Rules: rs}
	done := make(chan *sgsim.Classifier, 1)
	go func() {
		c, err := sgsim.Compile(sgsim.FirstMatch, g)
		if err != nil {
			t.Error(err)
		}
		done <- c
	}()
	var c *sgsim.Classifier
	select {
	case c = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Compile of 300 rules did not return in 30 s")
	}
	if c == nil {
		return
	}
	info, ok := sgsim.Tuples(c, sgsim.Ingress)
	if !ok || info.ClassNodes == 0 || info.Misplaced != 0 || info.FinalWrong != 0 || info.Entries < len(rs)+45 {
		t.Fatalf("tuples %+v, %v; want a class node holding the 15 rules of any protocol in four classes", info, ok)
	}
	l := linear(t, sgsim.FirstMatch, g)
	wide := 0
	for _, src := range []string{"10.0.7.1", "10.1.5.1", "12.1.1.1", "25.0.0.1", "26.0.0.1", "30.1.1.1", "31.1.1.1", "32.1.1.1"} {
		for _, p := range []string{"tcp %s:1000 -> 1.2.3.4:80", "udp %s:1000 -> 1.2.3.4:53", "icmp %s -> 1.2.3.4 type 8 code 0", "gre %s -> 1.2.3.4", "esp %s -> 1.2.3.4"} {
			f := pkt(fmt.Sprintf(p, src))
			got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
			if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
				t.Fatalf("Check(%v):\ncompiled: %v\nlinear:   %v", f, got, want)
			}
			if want.Action == sgsim.Deny && want.Rule != nil {
				wide++
			}
		}
	}
	if wide != 10 {
		t.Errorf("%d flows decided by the rules of any protocol; want 10 (2 sources, 5 protocols)", wide)
	}
}

// reached counts the tuple-space cases the tuned property exercised.
type reached struct {
	runs, spill, nodes, collision, tail, index, bigBucket, final, buddy, class, sub, subDecides, pruned, sparse int
}

// The tuple space under shrunken limits (a key holding 1-8 entries per
// node, 1-12 nodes, a tail of 0-16 entries, chains of more than 1-8
// entries made tuple spaces of their own, nodes of 1-8 times the
// buckets their keys need) on ClassBench-like rule sets:
// buckets spill into later nodes, the node limit ends in a list, hashes
// collide, buckets keep their second entry in the neighbour slot (buddy),
// crowded buckets become tuple spaces that decide flows, entries covered
// by an earlier one of their key are dropped, rules that
// flatten into many entries go to the interval index, and verdicts stay
// equal to the linear reference's.
func TestTuplesTunedEqualsLinear(t *testing.T) {
	var r reached
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		gs := sgsimtest.PrefixGroups(t, s, rapid.SampledFrom([]int{12, 40, 120}).Draw(t, "size"))
		cap := rapid.SampledFrom([]int{1, 2, 3, 8, 64, 256}).Draw(t, "bucket cap")
		nodes := rapid.IntRange(1, 12).Draw(t, "nodes")
		tail := rapid.SampledFrom([]int{0, 1, 16}).Draw(t, "tail")
		subMin := rapid.SampledFrom([]int{0, 1, 2, 8}).Draw(t, "crowded chain")
		sparse := rapid.IntRange(0, 3).Draw(t, "sparse")
		c, err := sgsim.CompileTuned(s, cap, nodes, tail, subMin, sparse, gs...)
		if err != nil {
			t.Fatal(err)
		}
		l := linear(t, s, gs...)
		for i := 0; i < 40; i++ {
			f := sgsimtest.Flow(t, gs, fmt.Sprint("flow", i))
			for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
				got, want := c.Check(d, f), l.Check(d, f)
				if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
					t.Fatalf("%v Check(%v):\ncompiled: %v\nlinear:   %v", d, f, got, want)
				}
				if sgsim.DecidedInSub(c, d, f) {
					r.subDecides++
				}
			}
		}
		r.runs++
		for _, d := range []sgsim.Direction{sgsim.Ingress, sgsim.Egress} {
			info, ok := sgsim.Tuples(c, d)
			if !ok {
				continue
			}
			if info.Nodes > nodes {
				t.Fatalf("%d nodes; limit %d", info.Nodes, nodes)
			}
			if info.OutOfBounds != 0 {
				t.Fatalf("%d nodes or buckets out of bounds", info.OutOfBounds)
			}
			if info.BuddyWrong != 0 {
				t.Fatalf("%d buckets flagged with a buddy whose neighbour slot does not hold their second entry", info.BuddyWrong)
			}
			r.buddy += min(info.Buddies, 1)
			if info.FinalWrong != 0 {
				t.Fatalf("%d entries marked final although a later node holds an earlier rule that overlaps them", info.FinalWrong)
			}
			if info.Misplaced != 0 {
				t.Fatalf("%d entries in a bucket no flow they match probes", info.Misplaced)
			}
			if subMin == 0 && info.SubTables != 0 {
				t.Fatalf("%d crowded buckets made tuple spaces with that disabled", info.SubTables)
			}
			if sparse == 0 && info.Sparse != 0 {
				t.Fatalf("%d nodes with more than twice as many buckets as entries, with sparse 0", info.Sparse)
			}
			r.sparse += min(info.Sparse, 1)
			r.final += min(info.Final, 1)
			r.class += min(info.ClassNodes, 1)
			r.sub += min(info.SubTables, 1)
			r.spill += min(info.Spilled, 1)
			r.pruned += min(info.Pruned, 1)
			r.nodes += min(info.Nodes/3, 1)
			r.collision += min(info.Collisions, 1)
			if info.TailList {
				r.tail++
			}
			if info.MaxBucket > 8 {
				r.bigBucket++
			}
			if st := c.Stats().Structure[d][0]; st == "tuples+index" {
				r.index++
			}
		}
	})
	// The generator must reach every case, or the property proves little.
	if r.spill == 0 || r.nodes == 0 || r.collision == 0 || r.tail == 0 || r.index == 0 || r.bigBucket == 0 || r.final == 0 || r.buddy == 0 || r.class == 0 ||
		r.sub == 0 || r.subDecides == 0 || r.pruned == 0 || r.sparse == 0 {
		t.Errorf("cases reached in %d runs: %+v; want each at least once", r.runs, r)
	}
}

// Check probes the first node of a tuple space inline (see FirstPath):
// on IPv4 rule sets of one group or two, compiled with shrunken limits
// (so that buckets collide, keep a buddy, chain and spill), every branch
// at the first node's slot is taken, with the action read in the slot
// both ways and with and without the verdict's short path (one group, no
// rule elsewhere), and verdicts equal the linear reference's.
func TestCheckFirstNode(t *testing.T) {
	pool := []netip.Addr{netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.0.1.0"), netip.MustParseAddr("10.1.0.0"), netip.MustParseAddr("192.168.0.0")}
	prefix := func(t *rapid.T, label string) sgsim.Addrs {
		a := rapid.SampledFrom(pool).Draw(t, label)
		return sgsim.PrefixAddrs(netip.PrefixFrom(a, rapid.SampledFrom([]int{0, 8, 16, 24, 31, 32}).Draw(t, label+" bits")).Masked())
	}
	seen := map[string]int{}
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		gs := make([]sgsim.Group, rapid.IntRange(1, 2).Draw(t, "groups"))
		for i := rapid.IntRange(1, 60).Draw(t, "rules"); i > 0; i-- {
			label := fmt.Sprint("r", i)
			r := sgsim.Rule{ID: label, Direction: sgsim.Ingress, Action: sgsim.Action(rapid.IntRange(0, 1).Draw(t, label+" action")),
				Src: prefix(t, label+" src"), Dst: prefix(t, label+" dst"),
				Protocol: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.AnyProtocol, sgsim.ICMP}).Draw(t, label+" proto")}
			if s == sgsim.Union {
				r.Action = sgsim.Allow
			}
			if lo, hi, used := s.PriorityRange(); used {
				r.Priority = rapid.IntRange(lo, min(hi, lo+3)).Draw(t, label+" priority")
			}
			if r.Protocol.HasPorts() && rapid.Bool().Draw(t, label+" has dport") {
				p := rapid.SampledFrom([]uint16{22, 53, 80, 443}).Draw(t, label+" dport")
				r.DstPorts = sgsim.Ports{{First: p, Last: p + uint16(rapid.SampledFrom([]int{0, 0, 10}).Draw(t, label+" dport width"))}}
			}
			if r.Protocol == sgsim.ICMP && rapid.IntRange(0, 3).Draw(t, label+" icmp") > 0 {
				r.ICMP = sgsim.ICMPType(rapid.SampledFrom([]uint8{0, 8}).Draw(t, label+" icmp type"))
			}
			g := rapid.IntRange(0, len(gs)-1).Draw(t, label+" group")
			gs[g].Rules = append(gs[g].Rules, r)
		}
		for i := range gs {
			gs[i].ID = fmt.Sprint("g", i)
		}
		// CompileTuned probes every first node inline (Compile only
		// those whose slots decide most lookups: TestInlineBySlotShare).
		c, err := sgsim.CompileTuned(s, rapid.SampledFrom([]int{1, 2, 256}).Draw(t, "bucket cap"), rapid.IntRange(1, 12).Draw(t, "nodes"), 1, 0, rapid.IntRange(0, 3).Draw(t, "sparse"), gs...)
		if err != nil {
			t.Fatal(err)
		}
		l := linear(t, s, gs...)
		for i := 0; i < 200; i++ {
			f := sgsimtest.Flow(t, gs, fmt.Sprint("flow", i))
			got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
			if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
				t.Fatalf("Check(%v) (%s at the first node):\ncompiled: %v\nlinear:   %v", f, sgsim.FirstPath(c, sgsim.Ingress, f), got, want)
			}
			seen[sgsim.FirstPath(c, sgsim.Ingress, f)]++
		}
	})
	for _, p := range []string{"decides allow", "decides deny", "decides allow one", "decides deny one", "empty", "icmp", "matched", "alone",
		"bucket buddy", "bucket buddy icmp", "bucket chain", "bucket chain icmp", "bucket none"} {
		if seen[p] == 0 {
			t.Errorf("no flow took Check's branch %q at the first node (reached: %v)", p, seen)
		}
	}
	t.Logf("Check's branches at the first node: %v", seen)
}

// Compile probes a table's first node inline only when its slots end at
// least half the lookups, as tuples.slotShare estimates it from the
// entries' corners. The estimate is set against what it estimates: on
// four generated 1K sets, the share of their ClassBench-style trace's
// lookups that end in the first node's slot, counted on the same rules
// with every first node probed inline. Where that share is clearly above
// one half (acl-like, ipc-like: 0.65 and 0.71) Compile probes inline,
// where clearly below (fw-like-v7 seed 2, fw-like-v4: 0.12 and 0.16) it
// does not, and either way Check decides the trace as the linear
// reference does.
func TestInlineBySlotShare(t *testing.T) {
	for _, tc := range []struct {
		fam  string
		seed int64
	}{{"acl-like", 1}, {"ipc-like", 1}, {"fw-like-v7", 2}, {"fw-like-v4", 1}} {
		fam, _ := gen.FamilyByName(tc.fam)
		rules := gen.ClassBench(tc.seed, 1000, fam)
		g := sgsim.Group{ID: "g", Rules: rules}
		filters, err := classbench.FromRules(rules)
		if err != nil {
			t.Fatal(err)
		}
		var flows []sgsim.Flow
		for _, h := range classbench.GenerateTrace(uint64(tc.seed), filters, 1, classbench.TraceParetoA, classbench.TraceParetoB) {
			flows = append(flows, classbench.ToFlow(h))
		}
		all, err := sgsim.CompileInlineAll(sgsim.FirstMatch, g)
		if err != nil {
			t.Fatal(err)
		}
		decided := 0
		for _, f := range flows {
			if strings.HasPrefix(sgsim.FirstPath(all, sgsim.Ingress, f), "decides") {
				decided++
			}
		}
		share := float64(decided) / float64(len(flows))
		if share > 0.4 && share < 0.6 {
			t.Fatalf("%s: %.2f of the trace decided in the slot: too close to one half to test the estimate", tc.fam, share)
		}
		c := compile(t, sgsim.FirstMatch, g)
		in, estimate := sgsim.Inline(c, sgsim.Ingress)
		if in != (share >= 0.5) || in != (estimate >= 0.5) {
			t.Errorf("%s seed %d: inline %v, estimate %.3f; the trace's lookups decided in the slot %.3f", tc.fam, tc.seed, in, estimate, share)
		}
		l := linear(t, sgsim.FirstMatch, g)
		for _, f := range flows {
			if got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f); got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
				t.Fatalf("%s: Check(%v): %v; linear %v", tc.fam, f, got, want)
			}
		}
	}
}

// Crowded buckets, as on ipc-like 100K: 20 000 rules on distinct /16
// destinations make the first node hash /16 destinations, so 200 rules on
// /24s of one more /16 share a bucket, ten times over. Their chains
// become tuple spaces of their own (hashing further destination bits)
// that decide their flows, every flow gets the linear evaluator's
// verdict, and Check allocates nothing. With 40 000 rules on /16s and
// five such buckets the chains hold less than 1/16 of the entries, and
// with 1 000 and one the table is too small: too few lookups would reach
// them to pay for the detour every lookup takes, and they stay chains.
func TestTuplesCrowdedBucket(t *testing.T) {
	crowd := func(wide, crowded int) []sgsim.Rule {
		var rs []sgsim.Rule
		for i := 0; i < wide; i++ {
			rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp 80 to %d.%d.0.0/16 id w%d", 20+i/250, i%250+1, i)))
		}
		for k := 0; k < crowded; k++ {
			for i := 0; i < 200; i++ {
				rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress deny tcp 80 to 10.%d.%d.0/24 id c%d.%d", k, i, k, i)))
			}
		}
		return rs
	}
	// Crowded chains holding less than 1/16 of the entries stay chains,
	// in large and small tables; a small table whose one crowded chain
	// holds a sixth of its entries splits it.
	for _, c := range []struct{ wide, crowded, subs int }{{40000, 5, 0}, {4000, 1, 0}, {1000, 1, 1}} {
		cl := compile(t, sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: crowd(c.wide, c.crowded)})
		info, _ := sgsim.Tuples(cl, sgsim.Ingress)
		if c.subs == 0 && (info.SubTables != 0 || info.MaxBucket < 200) {
			t.Errorf("%d rules and %d crowded buckets of 200: %+v; want the buckets kept as chains", c.wide, c.crowded, info)
		}
		if c.subs != 0 && (info.SubTables != c.subs || info.SubEntries < 190 || info.Misplaced != 0 || info.OutOfBounds != 0 || info.FinalWrong != 0) {
			t.Errorf("%d rules and %d crowded buckets of 200: %+v; want %d tuple spaces of their own", c.wide, c.crowded, info, c.subs)
		}
	}
	g := sgsim.Group{ID: "g", Rules: crowd(20000, 10)}
	c, l := compile(t, sgsim.FirstMatch, g), linear(t, sgsim.FirstMatch, g)
	info, ok := sgsim.Tuples(c, sgsim.Ingress)
	if !ok || info.SubTables != 10 || info.SubEntries < 1000 || info.Misplaced != 0 || info.OutOfBounds != 0 || info.FinalWrong != 0 {
		t.Fatalf("tuples %+v, %v; want the chains of the ten 10.k.0.0/16 buckets as tuple spaces of their own", info, ok)
	}
	var flows []sgsim.Flow
	inSub := 0
	for i := 0; i < 256; i++ {
		for _, dst := range []string{"10.1.%d.9", "10.9.%d.1", "20.%d.1.1", "10.12.%d.1"} {
			f := pkt(fmt.Sprintf("tcp 1.2.3.4:1000 -> "+dst+":80", i))
			flows = append(flows, f)
			got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
			if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
				t.Fatalf("Check(%v):\ncompiled: %v\nlinear:   %v", f, got, want)
			}
			if sgsim.DecidedInSub(c, sgsim.Ingress, f) {
				inSub++
			}
		}
	}
	if inSub < 300 {
		t.Errorf("%d flows decided in the crowded bucket's tuple space; want at least 300", inSub)
	}
	var sink sgsim.Verdict
	if allocs := testing.AllocsPerRun(100, func() {
		for _, f := range flows {
			sink = c.Check(sgsim.Ingress, f)
		}
	}); allocs != 0 {
		t.Errorf("Check allocates %v times per run with a crowded bucket's tuple space; want 0", allocs)
	}
	_ = sink
}

// More rules under one key than a node keeps: the later ones spill to a
// node with another mask, and every rule still decides its own flows.
func TestTuplesSpill(t *testing.T) {
	var rs []sgsim.Rule
	for i := 0; i < 150; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d from 10.0.0.0/8 to 192.168.0.0/16 id r%d", 2000+i, i)))
	}
	rs = append(rs, rules("ingress deny any id last")...)
	g := sgsim.Group{ID: "g", Rules: rs}
	c := compile(t, sgsim.FirstMatch, g)
	l := linear(t, sgsim.FirstMatch, g)
	info, ok := sgsim.Tuples(c, sgsim.Ingress)
	if !ok || info.Entries != len(rs) {
		t.Fatalf("tuples %+v, %v; want all %d rules as entries", info, ok, len(rs))
	}
	// With the port in the key the 150 rules have distinct keys; the
	// check is that whatever the compiler chose, each decides its flows.
	for i := 0; i < 152; i++ {
		f := sgsim.Flow{Proto: sgsim.TCP, Src: netip.MustParseAddr("10.1.2.3"), Dst: netip.MustParseAddr("192.168.1.1"), SrcPort: 9, DstPort: uint16(2000 + i)}
		v, lv := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
		want := "last"
		if i < 150 {
			want = fmt.Sprint("r", i)
		}
		if v.Rule == nil || v.Rule.ID != want || sgsimtest.Decider(v) != sgsimtest.Decider(lv) {
			t.Fatalf("Check(%v) = %v; want rule %s (linear %v)", f, v, want, lv)
		}
	}
	// Without distinct ports (a port range each), 300 rules share one key:
	// a node keeps 256 and the rest spill.
	rs = rs[:0]
	for i := 0; i < 300; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d-%d from 10.0.0.0/8 to 192.168.0.0/16 id r%d", 2000+2*i, 2001+2*i, i)))
	}
	g = sgsim.Group{ID: "g", Rules: rs}
	c = compile(t, sgsim.FirstMatch, g)
	l = linear(t, sgsim.FirstMatch, g)
	if info, _ := sgsim.Tuples(c, sgsim.Ingress); info.Spilled == 0 || info.Nodes < 2 {
		t.Errorf("300 rules under one key: %+v; want spilled entries in a second node", info)
	}
	for i := 0; i < 600; i++ {
		f := sgsim.Flow{Proto: sgsim.TCP, Src: netip.MustParseAddr("10.1.2.3"), Dst: netip.MustParseAddr("192.168.1.1"), SrcPort: 9, DstPort: uint16(2000 + i)}
		v, lv := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
		if v.Rule == nil || v.Rule.ID != fmt.Sprint("r", i/2) || sgsimtest.Decider(v) != sgsimtest.Decider(lv) {
			t.Fatalf("Check(%v) = %v; want rule r%d (linear %v)", f, v, i/2, lv)
		}
	}
}

// The default tuple space keeps 256 entries under one key in a node
// (bucketCap, 417a525: 64 spilled thousands of entries of the generated
// families at 100K): 256 rules sharing a key stay in one node, the 257th
// spills, and each rule still decides its own flows.
func TestTuplesDefaultBucketCap(t *testing.T) {
	for _, c := range []struct{ n, spilled int }{{256, 0}, {257, 1}} {
		var rs []sgsim.Rule
		for i := 0; i < c.n; i++ {
			rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d-%d from 10.0.0.0/8 to 192.168.0.0/16 id r%d", 2000+2*i, 2001+2*i, i)))
		}
		g := sgsim.Group{ID: "g", Rules: rs}
		cl, l := compile(t, sgsim.FirstMatch, g), linear(t, sgsim.FirstMatch, g)
		info, ok := sgsim.Tuples(cl, sgsim.Ingress)
		if !ok || info.Entries != c.n || info.Spilled != c.spilled || info.MaxBucket != c.n-c.spilled {
			t.Errorf("%d rules under one key: %+v, %v; want %d entries, %d spilled, %d in the largest bucket", c.n, info, ok, c.n, c.spilled, c.n-c.spilled)
		}
		for i := 0; i < 2*c.n; i++ {
			f := sgsim.Flow{Proto: sgsim.TCP, Src: netip.MustParseAddr("10.1.2.3"), Dst: netip.MustParseAddr("192.168.1.1"), SrcPort: 9, DstPort: uint16(2000 + i)}
			v, lv := cl.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
			if v.Rule == nil || v.Rule.ID != fmt.Sprint("r", i/2) || sgsimtest.Decider(v) != sgsimtest.Decider(lv) {
				t.Fatalf("%d rules: Check(%v) = %v; want rule r%d (linear %v)", c.n, f, v, i/2, lv)
			}
		}
	}
}

// Arbitrary IPv4 ranges are cut into prefixes exactly: every address at
// and around the ends decides as the linear reference does.
func TestTuplesRangesAsPrefixes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var rs []sgsim.Rule
		var edges []netip.Addr
		for i := 0; i < 12; i++ {
			r := sgsimtest.Range(t, false, fmt.Sprint("r", i))
			rs = append(rs, sgsim.Rule{ID: fmt.Sprint("r", i), Action: sgsim.Action(i % 2), Protocol: sgsim.UDP,
				Dst: sgsim.AddrsOf(mustSet(r.From(), r.To()))})
			edges = append(edges, r.From(), r.To(), r.From().Prev(), r.To().Next())
		}
		g := sgsim.Group{ID: "g", Rules: rs}
		c, l := compile(t, sgsim.FirstMatch, g), linear(t, sgsim.FirstMatch, g)
		if st := c.Stats().Structure[sgsim.Ingress][0]; st != "tuples" && st != "tuples+index" {
			t.Fatalf("structure %s; want the tuple space", st)
		}
		for _, a := range edges {
			if !a.IsValid() {
				continue
			}
			f := sgsim.Flow{Proto: sgsim.UDP, Src: netip.MustParseAddr("1.1.1.1"), Dst: a, SrcPort: 1, DstPort: 2}
			if v, lv := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f); sgsimtest.Decider(v) != sgsimtest.Decider(lv) {
				t.Fatalf("Check(%v): compiled %v, linear %v", f, v, lv)
			}
		}
	})
}

func mustSet(from, to netip.Addr) *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddRange(netipx.IPRangeFrom(from, to))
	s, err := b.IPSet()
	if err != nil {
		panic(err)
	}
	return s
}

// Verdicts carry the right group beyond 65535 groups, where the compact
// per-position group (a uint16) cannot hold the group's position.
func TestManyGroups(t *testing.T) {
	const n = 70000
	gs := make([]sgsim.Group, n)
	for i := range gs {
		gs[i] = sgsim.Group{ID: fmt.Sprint("g", i), Rules: []sgsim.Rule{{ID: "r", Action: sgsim.Allow, Protocol: sgsim.UDP,
			Src: sgsim.PrefixAddrs(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32))}}}
	}
	c := compile(t, sgsim.FirstMatch, gs...)
	for _, i := range []int{0, 65534, 65535, 65536, n - 1} {
		f := sgsim.Flow{Proto: sgsim.UDP, Src: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), Dst: netip.MustParseAddr("1.1.1.1")}
		v := c.Check(sgsim.Ingress, f)
		if want := fmt.Sprint("g", i); v.Group != want || !v.Allowed() {
			t.Errorf("Check(%v) = %v; want allowed by group %s", f, v, want)
		}
		if g, idx, ok := c.Position(v.Rule); !ok || g != i || idx != 0 {
			t.Errorf("Position = %d, %d, %v; want %d, 0", g, idx, ok, i)
		}
	}
}

// Every flow of a small space, not a sample: rules over 10.0.0.0/28
// (prefixes /26-/32 or everything), TCP/UDP/any with ports 1-4, GRE and
// ICMP (four protocols no two protocol bits tell apart, so that some
// class nodes hash three),
// in one to three groups with vendor priorities that reorder them
// (Huawei, Alibaba, Tencent, ACL), compiled with shrunken tuple limits so
// that entries spread over several nodes, many are marked final, some
// nodes hash protocol classes (entries of any protocol copied into each)
// and some buckets are tuple spaces of their own (crowded chains);
// each of the 16x16 address pairs under TCP and UDP to ports 1-5, ICMP,
// GRE and ESP (a protocol no rule names) must get the linear evaluator's
// verdict and deciding rule. A final mark that ends a lookup while a
// later node holds an earlier matching rule, or a class missing a copy,
// would show here as another decider, as would an entry of a crowded
// bucket's tuple space marked final while a later node of the table holds
// an earlier matching rule.
func TestTuplesFinalExhaustive(t *testing.T) {
	final, class, wide, sub, subDecides := 0, 0, 0, 0, 0
	rapid.Check(t, func(t *rapid.T) {
		s := sgsim.Semantics(rapid.IntRange(0, 5).Draw(t, "semantics"))
		side := func(name string) string {
			if rapid.IntRange(0, 6).Draw(t, name+" any") == 0 {
				return "0.0.0.0/0"
			}
			a := netip.AddrFrom4([4]byte{10, 0, 0, byte(rapid.IntRange(0, 15).Draw(t, name))})
			return netip.PrefixFrom(a, rapid.IntRange(26, 32).Draw(t, name+" length")).Masked().String()
		}
		ng := rapid.IntRange(1, 3).Draw(t, "groups")
		per := rapid.IntRange(9, 60).Draw(t, "rules") / ng
		var gs []sgsim.Group
		id := 0
		for g := 0; g < ng; g++ {
			var rs []sgsim.Rule
			for i := 0; i < per; i++ {
				act := rapid.SampledFrom([]string{"allow", "deny"}).Draw(t, "action")
				if s == sgsim.Union {
					act = "allow"
				}
				proto := rapid.SampledFrom([]string{"tcp", "udp", "any", "gre", "icmp"}).Draw(t, "protocol")
				ports := ""
				if proto == "tcp" || proto == "udp" {
					lo := rapid.IntRange(1, 4).Draw(t, "first port")
					ports = fmt.Sprintf(" %d-%d", lo, rapid.IntRange(lo, 4).Draw(t, "last port"))
					if rapid.Bool().Draw(t, "all ports") {
						ports = " 1-65535"
					}
				}
				r := sgsim.MustParseRule(fmt.Sprintf("ingress %s %s%s from %s to %s id r%d", act, proto, ports, side("src"), side("dst"), id))
				id++
				switch s {
				case sgsim.Huawei, sgsim.Alibaba, sgsim.ACL:
					r.Priority = rapid.IntRange(1, 4).Draw(t, "priority")
				case sgsim.Tencent:
					r.Priority = rapid.IntRange(0, 3).Draw(t, "priority")
				}
				rs = append(rs, r)
			}
			gs = append(gs, sgsim.Group{ID: fmt.Sprint("g", g), Rules: rs})
		}
		c, err := sgsim.CompileTuned(s, rapid.SampledFrom([]int{1, 2, 3, 64}).Draw(t, "bucket cap"),
			rapid.IntRange(1, 12).Draw(t, "nodes"), rapid.SampledFrom([]int{0, 1, 16}).Draw(t, "tail"),
			rapid.SampledFrom([]int{0, 1, 3}).Draw(t, "crowded chain"), rapid.IntRange(0, 3).Draw(t, "sparse"), gs...)
		if err != nil {
			t.Fatal(err)
		}
		l := linear(t, s, gs...)
		if info, ok := sgsim.Tuples(c, sgsim.Ingress); ok {
			final += info.Final
			class += info.ClassNodes
			sub += info.SubTables
			wide += info.WideClass
			if info.FinalWrong != 0 || info.Misplaced != 0 {
				t.Fatalf("tuples %+v: entries marked final wrongly or misplaced", info)
			}
		}
		for src := byte(0); src < 16; src++ {
			for dst := byte(0); dst < 16; dst++ {
				for _, p := range []sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE, sgsim.ESP} {
					for dp := uint16(1); dp <= 5; dp++ {
						f := sgsim.Flow{Proto: p, Src: netip.AddrFrom4([4]byte{10, 0, 0, src}), Dst: netip.AddrFrom4([4]byte{10, 0, 0, dst}), SrcPort: 7, DstPort: dp}
						if !p.HasPorts() {
							if dp > 1 {
								break
							}
							f.SrcPort, f.DstPort = 0, 0
						}
						if p == sgsim.ICMP {
							f.ICMPType = 8
						}
						got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
						if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
							t.Fatalf("Check(%v):\ncompiled: %v\nlinear:   %v", f, got, want)
						}
						if sgsim.DecidedInSub(c, sgsim.Ingress, f) {
							subDecides++
						}
					}
				}
			}
		}
	})
	if final == 0 {
		t.Errorf("no entry marked final saved a probe: the property proves nothing about the marks")
	}
	if class == 0 || wide == 0 {
		t.Errorf("%d class nodes built, %d of them on three protocol bits: the property proves nothing about copies of entries of any protocol into four or eight classes", class, wide)
	}
	if sub == 0 || subDecides == 0 {
		t.Errorf("%d crowded buckets made tuple spaces, %d flows decided in one: want some of each", sub, subDecides)
	}
}

// Compile's defaults drop the entries that an earlier entry of the same
// key covers: ten copies of a rule are dropped, a rule of the same key
// with another port is kept, and every flow still gets the linear
// evaluator's verdict (the copies never decided one).
func TestCompileDropsCoveredEntries(t *testing.T) {
	var rs []sgsim.Rule
	for i := 0; i < 20; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress allow tcp %d from 10.0.0.0/8 to 192.168.1.0/24 id r%d", 80+i, i)))
	}
	for i := 0; i < 10; i++ {
		rs = append(rs, sgsim.MustParseRule(fmt.Sprintf("ingress deny tcp 80 from 10.0.0.0/8 to 192.168.1.0/24 id copy%d", i)))
	}
	rs = append(rs, sgsim.MustParseRule("ingress deny tcp 7000 from 10.0.0.0/8 to 192.168.1.0/24 id other"))
	g := sgsim.Group{ID: "g", Rules: rs}
	c, l := compile(t, sgsim.FirstMatch, g), linear(t, sgsim.FirstMatch, g)
	info, ok := sgsim.Tuples(c, sgsim.Ingress)
	if !ok || info.Pruned != 10 || info.Entries != 21 {
		t.Fatalf("tuples %+v, %v; want the 10 copies dropped and 21 entries kept", info, ok)
	}
	for _, port := range []uint16{79, 80, 81, 99, 100, 7000} {
		f := sgsim.Flow{Proto: sgsim.TCP, Src: netip.MustParseAddr("10.1.2.3"), Dst: netip.MustParseAddr("192.168.1.9"), SrcPort: 9, DstPort: port}
		got, want := c.Check(sgsim.Ingress, f), l.Check(sgsim.Ingress, f)
		if got.Action != want.Action || sgsimtest.Decider(got) != sgsimtest.Decider(want) {
			t.Fatalf("Check(%v):\ncompiled: %v\nlinear:   %v", f, got, want)
		}
	}
}
