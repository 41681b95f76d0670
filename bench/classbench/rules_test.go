package classbench

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

func TestToRulesFields(t *testing.T) {
	fs, err := ReadFilters(strings.NewReader(
		readmeFilter + "\n" +
			"@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t\n" +
			"@0.0.0.0/0\t192.168.1.0/24\t1024 : 65535\t53 : 53\t0x11/0xFF\t0x0000/0x0000\t\n" +
			"\n" +
			"@1.2.3.4/32\t5.6.7.8/32\t0 : 65535\t0 : 65535\t0x01/0xFF\t0x0000/0x0000\t\n"))
	if err != nil {
		t.Fatal(err)
	}
	rs := ToRulesFrom("x_1000", fs, Alternate)
	if len(rs) != 4 {
		t.Fatalf("got %d rules, want 4", len(rs))
	}
	want := []string{
		"ingress allow tcp 5540 from 149.130.11.245 to 12.43.147.183 id f0",
		"ingress deny any from 10.0.0.0/8 to 0.0.0.0/0 id f1",
		"ingress allow udp 53 from 0.0.0.0/0 sport 1024-65535 to 192.168.1.0/24 id f2",
		"ingress deny icmp from 1.2.3.4 to 5.6.7.8 id f3",
	}
	rows := []int{1, 2, 3, 5}
	for i, r := range rs {
		if err := r.Validate(); err != nil {
			t.Errorf("rule %d: %v", i, err)
		}
		if r.ID != "f"+strconv.Itoa(i) {
			t.Errorf("rule %d: ID %q", i, r.ID)
		}
		if o := r.Origin; o.Vendor != "classbench" || o.Document != "x_1000" || o.Row != rows[i] {
			t.Errorf("rule %d: Origin %+v", i, o)
		}
		if r.Direction != sgsim.Ingress {
			t.Errorf("rule %d: direction %v", i, r.Direction)
		}
		if got := r.String(); got != want[i] {
			t.Errorf("rule %d: String %q, want %q", i, got, want[i])
		}
	}
	if rs[0].SrcPorts != nil || len(rs[0].DstPorts) != 1 || rs[0].DstPorts[0] != sgsim.Port(5540) {
		t.Errorf("rule 0 ports: %v %v", rs[0].SrcPorts, rs[0].DstPorts)
	}
	if rs[1].Protocol != sgsim.AnyProtocol || rs[1].SrcPorts != nil || rs[1].DstPorts != nil {
		t.Errorf("rule 1: %+v", rs[1])
	}
	if rs[2].Protocol != sgsim.UDP || rs[2].SrcPorts[0] != (sgsim.PortRange{First: 1024, Last: 65535}) {
		t.Errorf("rule 2: %+v", rs[2])
	}
	if rs[3].Protocol != sgsim.ICMP || rs[3].SrcPorts != nil || rs[3].DstPorts != nil {
		t.Errorf("rule 3: %+v", rs[3])
	}
	for i, r := range ToRules(fs, AllAllow) {
		if r.Action != sgsim.Allow || r.Origin.Document != "" {
			t.Errorf("AllAllow rule %d: %v %+v", i, r.Action, r.Origin)
		}
	}
	if Inexpressible(fs) != nil {
		t.Errorf("Inexpressible = %v, want nil", Inexpressible(fs))
	}
}

func TestToRulesInexpressible(t *testing.T) {
	fs := []Filter{
		mustFilter(t, "@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t80 : 80\t0x00/0x00\t0x0000/0x0000"),
		mustFilter(t, "@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000"),
		mustFilter(t, "@10.0.0.0/8\t0.0.0.0/0\t5 : 5\t0 : 65535\t0x2f/0xFF\t0x0000/0x0000"),
	}
	if got := Inexpressible(fs); len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Fatalf("Inexpressible = %v, want [0 2]", got)
	}
	rs := ToRules(fs, AllAllow)
	_, err := sgsim.Compile(sgsim.FirstMatch, sgsim.Group{ID: "g", Rules: rs})
	var re *sgsim.RuleError
	if !errors.As(err, &re) || re.ID != "f0" {
		t.Fatalf("Compile error = %v, want a RuleError for f0", err)
	}
	if err := rs[2].Validate(); err == nil {
		t.Error("rule f2 (GRE with source port 5) validates")
	}
}

func TestParseActions(t *testing.T) {
	for _, a := range []Actions{AllAllow, Alternate} {
		got, err := ParseActions(a.String())
		if err != nil || got != a {
			t.Errorf("ParseActions(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := ParseActions("deny"); err == nil {
		t.Error("ParseActions(deny) succeeded")
	}
}

func TestToFlow(t *testing.T) {
	h, err := ParseHeader(readmeHeader)
	if err != nil {
		t.Fatal(err)
	}
	f := ToFlow(h)
	want := sgsim.MustParseFlow("tcp 124.3.72.157:65535 -> 180.254.217.68:65535")
	if f != want {
		t.Errorf("ToFlow = %v, want %v", f, want)
	}
	h.Proto = 0
	if f := ToFlow(h); !f.IsValid() || f.Proto != sgsim.ProtocolNumber(0) {
		t.Errorf("ToFlow(proto 0) = %v", f)
	}
}

// TestToRulesAgreesWithFirstMatch replays the shared traces: the rule the
// sgsim linear evaluator and the compiled classifier pick must be the
// filter FirstMatch picks.
func TestToRulesAgreesWithFirstMatch(t *testing.T) {
	for _, name := range []string{"acl1_1000", "fw1_1000", "ipc1_1000"} {
		t.Run(name, func(t *testing.T) {
			fs, hs := readShared(t, name)
			if n := Inexpressible(fs); n != nil {
				t.Fatalf("%d inexpressible filters", len(n))
			}
			for _, acts := range []Actions{AllAllow, Alternate} {
				g := sgsim.Group{ID: name, Rules: ToRulesFrom(name, fs, acts)}
				l, err := sgsim.NewLinear(sgsim.FirstMatch, g)
				if err != nil {
					t.Fatal(err)
				}
				c, err := sgsim.Compile(sgsim.FirstMatch, g)
				if err != nil {
					t.Fatal(err)
				}
				for i, h := range hs {
					if i%4 != 0 { // a quarter of the trace keeps the test fast
						continue
					}
					want := FirstMatch(fs, h)
					f := ToFlow(h)
					for which, v := range map[string]sgsim.Verdict{"linear": l.Check(sgsim.Ingress, f), "compiled": c.Check(sgsim.Ingress, f)} {
						got := -1
						if v.Rule != nil {
							got, _ = strconv.Atoi(v.Rule.ID[1:])
						}
						if got != want {
							t.Fatalf("%v header %d (%v): %s picks %d, FirstMatch %d", acts, i, h, which, got, want)
						}
						if want >= 0 && v.Action != acts.of(want) {
							t.Fatalf("%v header %d: action %v", acts, i, v.Action)
						}
					}
				}
			}
		})
	}
}

func readShared(t *testing.T, name string) ([]Filter, []Header) {
	t.Helper()
	ff, err := os.Open(filepath.Join(sharedDir, name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not present", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	fs, err := ReadFilters(ff)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.Open(filepath.Join(sharedDir, name+"_trace"))
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	hs, err := ReadTrace(tf)
	if err != nil {
		t.Fatal(err)
	}
	return fs, hs
}

func mustFilter(t *testing.T, s string) Filter {
	t.Helper()
	f, err := ParseFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// FromRules undoes ToRules: filters of every protocol and port kind come
// back equal (Line and Flags aside, which rules do not carry).
func TestFromRulesRoundTrip(t *testing.T) {
	fs, err := ReadFilters(strings.NewReader(
		readmeFilter + "\n" +
			"@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t\n" +
			"@0.0.0.0/0\t192.168.1.0/24\t1024 : 65535\t53 : 53\t0x11/0xFF\t0x0000/0x0000\t\n" +
			"@1.2.3.4/32\t5.6.7.8/32\t0 : 65535\t0 : 65535\t0x01/0xFF\t0x0000/0x0000\t\n" +
			"@0.0.0.0/0\t0.0.0.0/0\t0 : 1023\t100 : 200\t0x06/0xFF\t0x0000/0x0000\t\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromRules(ToRules(fs, Alternate))
	if err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		want := fs[i]
		want.Line, want.Flags, want.FlagsMask = 0, 0, 0
		if got[i] != want {
			t.Errorf("filter %d: FromRules(ToRules(%v)) = %v", i, want, got[i])
		}
	}
}

// FromRules refuses, by rule, what a filter cannot hold; the family-wide
// default rule (any addresses, IPv4 only) becomes 0.0.0.0/0 both ways.
func TestFromRulesRefuses(t *testing.T) {
	ok := sgsim.Rule{ID: "ok", Action: sgsim.Allow, Family: sgsim.IPv4}
	fs, err := FromRules([]sgsim.Rule{ok})
	if err != nil || fs[0].Src.String() != "0.0.0.0/0" || fs[0].Dst.String() != "0.0.0.0/0" || fs[0].ProtoMask != 0 ||
		fs[0].SrcPorts != AnyPort || fs[0].DstPorts != AnyPort {
		t.Fatalf("FromRules(default) = %v, %v", fs, err)
	}
	for _, tt := range []struct {
		rule sgsim.Rule
		want string
	}{
		{sgsim.Rule{ID: "r", Src: sgsim.MustParseAddrs("10.0.0.1-10.0.0.2")}, "rule 1 (r): source"},
		{sgsim.Rule{ID: "r", Dst: sgsim.MustParseAddrs("10.0.0.0/8,12.0.0.0/8")}, "rule 1 (r): destination"},
		{sgsim.Rule{ID: "r", Dst: sgsim.MustParseAddrs("2001:db8::/32")}, "rule 1 (r): destination"},
		{sgsim.Rule{ID: "r", Protocol: sgsim.TCP, DstPorts: sgsim.MustParsePorts("80,443")}, "rule 1 (r): destination ports 80,443 are more than one range"},
		{sgsim.Rule{ID: "r", Protocol: sgsim.UDP, SrcPorts: sgsim.MustParsePorts("1,3-4")}, "rule 1 (r): source ports 1,3-4 are more than one range"},
		{sgsim.Rule{ID: "r", Protocol: sgsim.ICMP, ICMP: sgsim.ICMPType(8)}, "rule 1 (r): a filter holds no ICMP"},
		// Invalid port lists match no port (a filter's range always holds one).
		{sgsim.Rule{ID: "r", Protocol: sgsim.TCP, DstPorts: sgsim.Ports{}}, "rule 1 (r): destination ports are empty"},
		{sgsim.Rule{ID: "r", Protocol: sgsim.TCP, SrcPorts: sgsim.Ports{{First: 10, Last: 5}}}, "rule 1 (r): source ports 10-5 end before they start"},
		// The trace's headers are IPv4: an IPv6-only rule (its addresses
		// any) would match none of them.
		{sgsim.Rule{ID: "r", Family: sgsim.IPv6}, "rule 1 (r): family ipv6 (6) matches no IPv4 header"},
		{sgsim.Rule{ID: "r", Family: sgsim.Family(5)}, "rule 1 (r): family invalid family (5)"},
		// An unresolved remote matches no flow.
		{sgsim.Rule{ID: "r", RemoteGroup: "web"}, "rule 1 (r): remote group web is not resolved"},
		{sgsim.Rule{ID: "r", RemoteList: "pl-1"}, "rule 1 (r): remote list pl-1 is not resolved"},
		{sgsim.Rule{ID: "r", Protocol: sgsim.Protocol(300)}, "rule 1 (r): protocol 300 is not a protocol"},
	} {
		_, err := FromRules([]sgsim.Rule{ok, tt.rule})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "classbench.FromRules: ") {
			t.Errorf("FromRules(%v) error %v; want one with %q", tt.rule, err, tt.want)
		}
	}
}

// Whatever the rule, FromRules either refuses it or every header of its
// trace matches it (the contract -families -gen-trace relies on): rules
// of every kind sgsimtest draws (IPv6, mixed families, address ranges,
// port lists, ICMP, any protocol with a family restriction).
func TestFromRulesTraceMatches(t *testing.T) {
	var accepted, refused int
	rapid.Check(t, func(t *rapid.T) {
		var r sgsim.Rule
		if rapid.Bool().Draw(t, "prefix rule") {
			r = sgsimtest.PrefixRule(t, sgsim.FirstMatch, "r")
		} else {
			r = sgsimtest.Rule(t, sgsim.FirstMatch, "r")
		}
		fs, err := FromRules([]sgsim.Rule{r})
		if err != nil {
			refused++
			if !strings.HasPrefix(err.Error(), "classbench.FromRules: rule 0 (r): ") {
				t.Fatalf("error %q does not name the rule", err)
			}
			return
		}
		accepted++
		hs := GenerateTrace(rapid.Uint64().Draw(t, "seed"), fs, TraceScale, TraceParetoA, TraceParetoB)
		if len(hs) != TraceScale {
			t.Fatalf("%d headers; want %d", len(hs), TraceScale)
		}
		for _, h := range hs {
			if f := ToFlow(h); !r.Matches(f) {
				t.Fatalf("rule %v accepted as %v, but its header %v does not match it", r, fs[0], f)
			}
		}
	})
	if accepted == 0 || refused == 0 {
		t.Errorf("%d rules accepted, %d refused: want both", accepted, refused)
	}
}
