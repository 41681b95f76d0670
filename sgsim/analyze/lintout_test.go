package analyze

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"go4.org/netipx"
	"pgregory.net/rapid"
)

// Addresses where Space.TestFlow's choices change: the ends of the
// families, 0.0.0.0/8 and the first host past it, 2000:: and its
// neighbours, and a few ordinary ones.
var edgeAddrs4 = []string{"0.0.0.0", "0.0.0.1", "0.0.0.2", "0.255.255.255", "1.0.0.0", "1.0.0.1", "1.0.0.2",
	"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "255.255.255.254", "255.255.255.255"}
var edgeAddrs6 = []string{"::", "::1", "::2", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2000::", "2000::1", "2000::2",
	"2001:db8::", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}

func drawSpanOf(t *rapid.T, label string, vals []key) span {
	a, b := rapid.SampledFrom(vals).Draw(t, label+" a"), rapid.SampledFrom(vals).Draw(t, label+" b")
	if b.less(a) {
		a, b = b, a
	}
	return span{a, b}
}

// The witness picked from a box's ranges is the Space's TestFlow.
func TestTestFlowIsSpaceTestFlow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v6 := rapid.Bool().Draw(t, "v6")
		proto := rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.GRE}).Draw(t, "proto")
		strs := edgeAddrs4
		if v6 {
			strs = edgeAddrs6
		}
		var addrs []key
		for _, s := range strs {
			addrs = append(addrs, keyOf(netip.MustParseAddr(s)))
		}
		var ports []key
		for _, p := range []uint64{0, 1, 2, 80, 1023, 1024, 1025, 65534, 65535} {
			if proto.IsICMP() {
				p = min(p, 255)
			}
			ports = append(ports, key{0, p})
		}
		tb := &table{v6: v6, proto: proto}
		b := box{drawSpanOf(t, "src", addrs), drawSpanOf(t, "dst", addrs)}
		if proto.HasPorts() || proto.IsICMP() {
			b[2], b[3] = drawSpanOf(t, "x", ports), drawSpanOf(t, "y", ports)
		}
		got, want := tb.testFlow(b), tb.space(b).TestFlow()
		if got != want {
			t.Fatalf("box %v: testFlow %v, Space.TestFlow %v", b, got, want)
		}
	})
}

// appendFlow writes Flow.String.
func TestAppendFlowIsString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		strs := edgeAddrs4
		if rapid.Bool().Draw(t, "v6") {
			strs = edgeAddrs6
		}
		f := sgsim.Flow{Proto: rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.UDP, sgsim.ICMP, sgsim.ICMPv6, sgsim.GRE, sgsim.ESP}).Draw(t, "proto"),
			Src: netip.MustParseAddr(rapid.SampledFrom(strs).Draw(t, "src")), Dst: netip.MustParseAddr(rapid.SampledFrom(strs).Draw(t, "dst")),
			SrcPort: rapid.Uint16().Draw(t, "sport"), DstPort: rapid.Uint16().Draw(t, "dport"),
			ICMPType: rapid.Uint8().Draw(t, "type"), ICMPCode: rapid.Uint8().Draw(t, "code")}
		if got, want := string(appendFlow([]byte("x"), f)), "x"+f.String(); got != want {
			t.Fatalf("appendFlow %q, String %q", got, want)
		}
	})
}

// drawAddrs is any, or one to three ranges of a few addresses near
// 10.0.0.0 and 2001:db8:: (so that they overlap without one holding the
// other), of one family or both.
func drawAddrs(t *rapid.T, label string) sgsim.Addrs {
	if rapid.IntRange(0, 3).Draw(t, label+" any") == 0 {
		return sgsim.Addrs{}
	}
	var sb netipx.IPSetBuilder
	for i := rapid.IntRange(1, 3).Draw(t, label+" ranges"); i > 0; i-- {
		base := netip.MustParseAddr("10.0.0.0")
		if rapid.IntRange(0, 3).Draw(t, label+" v6") == 0 {
			base = netip.MustParseAddr("2001:db8::")
		}
		lo := rapid.IntRange(0, 40).Draw(t, label+" lo")
		hi := lo + rapid.IntRange(0, 20).Draw(t, label+" width")
		from, to := base, base
		for range lo {
			from = from.Next()
		}
		for range hi {
			to = to.Next()
		}
		sb.AddRange(netipx.IPRangeFrom(from, to))
	}
	s, _ := sb.IPSet()
	return sgsim.AddrsOf(s)
}

func drawPorts(t *rapid.T, label string, all sgsim.PortRange) sgsim.Ports {
	switch rapid.IntRange(0, 3).Draw(t, label+" kind") {
	case 0:
		return nil
	case 1:
		return sgsim.Ports{all}
	}
	var ps sgsim.Ports
	for i := rapid.IntRange(1, 3).Draw(t, label+" ranges"); i > 0; i-- {
		lo := uint16(rapid.IntRange(0, 30).Draw(t, label+" lo"))
		ps = append(ps, sgsim.PortRange{First: lo, Last: lo + uint16(rapid.IntRange(0, 5).Draw(t, label+" width"))})
	}
	return ps.Normalize()
}

// appendRegion writes the String of the two spaces' intersection.
func TestRegionTextIsIntersectString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fam := rapid.SampledFrom([]sgsim.Family{sgsim.IPv4, sgsim.IPv6}).Draw(t, "family")
		proto := rapid.SampledFrom([]sgsim.Protocol{sgsim.TCP, sgsim.ICMP, sgsim.GRE}).Draw(t, "proto")
		space := func(label string) sgsim.Space {
			s := sgsim.Space{Family: fam, Protocol: proto, Src: drawAddrs(t, label+" src"), Dst: drawAddrs(t, label+" dst")}
			switch {
			case proto.HasPorts():
				s.SrcPorts, s.DstPorts = drawPorts(t, label+" sport", sgsim.AllPorts), drawPorts(t, label+" dport", sgsim.AllPorts)
			case proto.IsICMP():
				all := sgsim.PortRange{First: 0, Last: 255}
				s.ICMPTypes, s.ICMPCodes = drawPorts(t, label+" type", all), drawPorts(t, label+" code", all)
			}
			return s
		}
		a, b := space("a"), space("b")
		want, ok := intersect(a, b)
		if !ok {
			t.Skip("no flow in both")
		}
		at := &ruleText{src: newAddrText(a.Src), dst: newAddrText(a.Dst)}
		bt := &ruleText{src: newAddrText(b.Src), dst: newAddrText(b.Dst)}
		if got := string(appendRegion([]byte("x"), a, b, at, bt)); got != "x"+want.String() {
			t.Fatalf("%v and %v: appendRegion %q, intersect %q", a, b, got, "x"+want.String())
		}
	})
}

// findingList gives its findings in sortFindings's (stable) order, in a
// slice of their number, and the pointers add returned stay the
// findings'.
func TestFindingListSorted(t *testing.T) {
	var l findingList
	if l.sorted() != nil {
		t.Fatal("no findings: want nil")
	}
	rapid.Check(t, func(t *rapid.T) {
		var l findingList
		var want []Finding
		var ptrs []*Finding
		for i := range rapid.IntRange(0, 20000).Draw(t, "n") {
			f := Finding{Severity: Severity(rapid.IntRange(0, 3).Draw(t, "sev")),
				Code: rapid.SampledFrom([]string{Shadowed, Conflict, Redundant}).Draw(t, "code"),
				Set:  rapid.SampledFrom([]string{"a", "b"}).Draw(t, "set"), Message: fmt.Sprint(i)}
			want = append(want, f)
			ptrs = append(ptrs, l.add(f))
		}
		for i, p := range ptrs {
			p.Region = fmt.Sprint("r", i)
			want[i].Region = p.Region
		}
		sortFindings(want)
		got := l.sorted()
		if len(got) != len(want) || cap(got) != len(want) {
			t.Fatalf("%d findings (cap %d), want %d", len(got), cap(got), len(want))
		}
		if len(want) > 0 && !slices.EqualFunc(got, want, func(a, b Finding) bool {
			return a.Severity == b.Severity && a.Code == b.Code && a.Set == b.Set && a.Message == b.Message && a.Region == b.Region
		}) {
			t.Fatal("order differs from sortFindings")
		}
	})
}

// A box of an IPv4 table in 32-bit numbers holds and meets another as
// the box does, on every dimension (sub32 and the cover checks rely on
// it).
func TestBox32OrdersLikeKeys(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var addrs []key
		for _, s := range edgeAddrs4 {
			addrs = append(addrs, keyOf(netip.MustParseAddr(s)))
		}
		ports := []key{{0, 0}, {0, 1}, {0, 255}, {0, 1024}, {0, 65535}}
		draw := func(label string) box {
			return box{drawSpanOf(t, label+" src", addrs), drawSpanOf(t, label+" dst", addrs),
				drawSpanOf(t, label+" x", ports), drawSpanOf(t, label+" y", ports)}
		}
		a, b := draw("a"), draw("b")
		if a.meets(&b) && rapid.Bool().Draw(t, "b inside a") {
			b = b.clip(&a) // random boxes seldom hold one another
		}
		a32, b32 := to32(&a), to32(&b)
		if a32.holds(&b32) != a.holds(&b) || a32.meets(&b32) != a.meets(&b) {
			t.Fatalf("%v and %v: box32 holds %v meets %v, box holds %v meets %v", a, b, a32.holds(&b32), a32.meets(&b32), a.holds(&b), a.meets(&b))
		}
		for d := range b {
			if on32 := a32[d][1] >= b32[d][0] && b32[d][1] >= a32[d][0]; on32 != !(a[d].hi.less(b[d].lo) || b[d].hi.less(a[d].lo)) {
				t.Fatalf("dimension %d: box32 meets %v", d, on32)
			}
		}
	})
}

// Lint gives what it gave when it keyed every finding to drop repeats
// (oldLint below), now that it keys only those that can repeat: sets
// of the same name (group IDs with "+" make two attachment lists one
// name; c, a, b and c, a+b share group c, so a finding among c's rules
// is in both) and findings about one rule on its own.
func TestLintDropsRepeatsAsBefore(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom([]sgsim.Semantics{sgsim.Huawei, sgsim.FirstMatch}).Draw(t, "semantics")
		ids := []string{"a", "b", "a+b", "c"}
		var spec sgsim.NetworkSpec
		spec.Cloud = sem
		k := 0
		for _, id := range ids {
			g := sgsim.Group{ID: id}
			for j := rapid.IntRange(0, 4).Draw(t, id+" rules"); j > 0; j-- {
				r := smallRule(t, sem, fmt.Sprintf("r%d", k), sem == sgsim.FirstMatch)
				if rapid.IntRange(0, 4).Draw(t, "open") == 0 && r.Direction == sgsim.Ingress {
					r = sgsim.MustParseRule("ingress allow any from 0.0.0.0/0 priority 1 id " + fmt.Sprint("open", k))
				}
				g.Rules = append(g.Rules, r)
				k++
			}
			spec.Groups = append(spec.Groups, g)
		}
		lists := [][]string{{"a", "b"}, {"a+b"}, {"a"}, {"c", "a"}, {"b"}, {"c", "a", "b"}, {"c", "a+b"}}
		for i := rapid.IntRange(1, 4).Draw(t, "endpoints"); i > 0; i-- {
			spec.Endpoints = append(spec.Endpoints, sgsim.Endpoint{Name: fmt.Sprint("e", i),
				Addrs:  sgsim.MustParseAddrs(fmt.Sprintf("10.0.0.%d", i)),
				Groups: rapid.SampledFrom(lists).Draw(t, "groups")})
		}
		got, err := Lint(spec)
		if err != nil {
			t.Fatal(err)
		}
		want, err := oldLint(spec)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("lint:\n%v\nbefore:\n%v", got, want)
		}
	})
}

// oldLint is Lint as it was before findings were built in chunks.
func oldLint(spec sgsim.NetworkSpec) ([]Finding, error) {
	sets, err := SetsOf(spec)
	if err != nil {
		return nil, err
	}
	var out []Finding
	seen := map[string]bool{}
	for _, s := range sets {
		fs, err := LintSet(s)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			key := f.Code + "\x00" + f.Set
			if len(f.Rules) == 1 && f.Code >= OverBroad {
				key = f.Code
			}
			for _, r := range f.Rules {
				key += "\x00" + r.Group + "\x00" + fmt.Sprint(r.Index)
			}
			if !seen[key] {
				seen[key] = true
				out = append(out, f)
			}
		}
	}
	sortFindings(out)
	return out, nil
}

// edgePrefixes are address sets at the ends of what a box32 holds, by
// family (a rule's two sides are of one): the whole IPv4 space and its
// halves, 0.0.0.0 and 255.255.255.255 alone and with a neighbour,
// 0.0.0.0/8 and the first host past it; the same addresses IPv4-mapped
// (IPv6 tables: no box32) and the ends of IPv6; both families at once.
var edgePrefixes = [][]string{
	{"0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/32", "0.0.0.0/31", "0.0.0.0/8", "1.0.0.0/32",
		"127.255.255.255/32", "128.0.0.0/32", "255.255.255.255/32", "255.255.255.254/31", "255.255.255.0/24",
		"0.0.0.0/32,255.255.255.255/32"},
	{"::ffff:0.0.0.0/96", "::ffff:255.255.255.255/128", "::ffff:0.0.0.0/128", "::/0", "::/1",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"},
	{"0.0.0.0/0,::/0", "255.255.255.255/32,::ffff:255.255.255.255/128", "0.0.0.0/32,::/128"},
}

// edgeRule is a smallRule whose addresses (any or edgePrefixes), ports
// (0, 65535, the whole range written out) and ICMP type and code (0,
// 255) lie at the ends of their ranges.
func edgeRule(t *rapid.T, s sgsim.Semantics, label string) sgsim.Rule {
	r := smallRule(t, s, label, true)
	ports := func(l string) sgsim.Ports {
		return rapid.SampledFrom([]sgsim.Ports{nil, {{First: 0, Last: 0}}, {{First: 65535, Last: 65535}}, {{First: 0, Last: 65535}},
			{{First: 65534, Last: 65535}}, {{First: 0, Last: 1}}, {{First: 1, Last: 65534}}, {{First: 0, Last: 0}, {First: 65535, Last: 65535}}}).Draw(t, l)
	}
	if r.Protocol.HasPorts() {
		r.DstPorts = ports(label + " edge dport")
		r.SrcPorts = ports(label + " edge sport")
	}
	if r.ICMP.HasType {
		ty, c := uint8(rapid.SampledFrom([]int{0, 255}).Draw(t, label+" edge type")), uint8(rapid.SampledFrom([]int{0, 255}).Draw(t, label+" edge code"))
		r.ICMP = sgsim.ICMPType(ty)
		if r.ICMP.HasCode {
			r.ICMP = sgsim.ICMPTypeCode(ty, c)
		}
	}
	fam := edgePrefixes[rapid.IntRange(0, len(edgePrefixes)-1).Draw(t, label+" family")]
	addrs := func(l string) sgsim.Addrs {
		if rapid.IntRange(0, 3).Draw(t, l+" any") == 0 {
			return sgsim.Addrs{}
		}
		return sgsim.MustParseAddrs(rapid.SampledFrom(fam).Draw(t, l))
	}
	r.Src, r.Dst = addrs(label+" edge src"), addrs(label+" edge dst")
	return r
}

// The 32-bit boxes of IPv4 tables (fb7a670) decide what the keys did at
// the ends of the address, port and ICMP ranges: lint of sets of
// edgeRules gives the reference's findings (lintMatchesReference).
func TestLintEdgesMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		gs := make([]sgsim.Group, rapid.IntRange(1, 2).Draw(t, "groups"))
		k := 0
		for i := range gs {
			gs[i].ID = fmt.Sprint("g", i)
			for j := rapid.IntRange(0, 12).Draw(t, gs[i].ID+" rules"); j > 0; j-- {
				gs[i].Rules = append(gs[i].Rules, edgeRule(t, sem, fmt.Sprint("r", k)))
				k++
			}
		}
		s := NewSet(sem, gs...)
		if rapid.Bool().Draw(t, "v4 only") {
			s.Families = []sgsim.Family{sgsim.IPv4}
		}
		lintMatchesReference(t, s)
	})
}

// The findings of one lint that name the same rule share its RuleRef
// (Finding's doc; b0cf334), and a conflict's two Rules, cut from one
// array per rule, have no room to append into the next conflict's.
func TestLintSharesRuleRefs(t *testing.T) {
	shared := 0
	rapid.Check(t, func(t *rapid.T) {
		sem := rapid.SampledFrom(smallSems).Draw(t, "semantics")
		s := sizedSet(t, sem, "", drawSize(t, "set"))
		fs, err := LintSet(s)
		if err != nil {
			t.Fatal(err)
		}
		type at struct {
			group string
			index int
		}
		refs := map[at]*RuleRef{}
		for _, f := range fs {
			if f.Code == EmptyReference {
				continue // its subject's text is the rule as written
			}
			for _, r := range f.Rules {
				k := at{r.Group, r.Index}
				if p, ok := refs[k]; !ok {
					refs[k] = r
				} else if p != r {
					t.Fatalf("%v: two RuleRefs for %s/%d", f, r.Group, r.Index)
				} else {
					shared++
				}
			}
			if f.Code == Conflict && cap(f.Rules) != 2 {
				t.Fatalf("%v: Rules of capacity %d", f, cap(f.Rules))
			}
		}
	})
	if shared == 0 {
		t.Fatal("no two findings named the same rule")
	}
}
