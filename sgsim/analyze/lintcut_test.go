package analyze

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// sharedBoxSet draws a set whose rules take their addresses, protocol
// and ports from a few shapes, in both directions, so that many rules
// have the very same box in a table, the later ones covered by the
// earlier (the case cutReuse keeps and replays), and the same box value
// turns up in other tables too: an ingress and an egress rule with the
// same addresses and ports, a TCP and a UDP rule, any protocol's box in
// the TCP and the UDP table.
func sharedBoxSet(t *rapid.T) Set {
	sem := rapid.SampledFrom([]sgsim.Semantics{sgsim.FirstMatch, sgsim.ACL, sgsim.Huawei, sgsim.Union}).Draw(t, "semantics")
	both := sem == sgsim.ACL || sem == sgsim.FirstMatch
	addrs := []sgsim.Addrs{{}, {}, sgsim.MustParseAddrs("10.0.0.0/8"), sgsim.MustParseAddrs("10.0.0.0/16"),
		sgsim.MustParseAddrs("10.0.0.0/24"), sgsim.MustParseAddrs("10.0.0.0/25"), sgsim.MustParseAddrs("10.0.0.128/25"),
		sgsim.MustParseAddrs("10.1.0.0/16")}
	ports := []sgsim.Ports{nil, nil, {{First: 20, Last: 23}}, {sgsim.Port(22)}, {sgsim.Port(80)}}
	protos := []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.TCP, sgsim.UDP, sgsim.ICMP}
	gs := make([]sgsim.Group, rapid.IntRange(1, 2).Draw(t, "groups"))
	for i := range gs {
		gs[i].ID = fmt.Sprint("g", i)
	}
	// A few shapes (protocol, ports, remote and local addresses), each
	// rule one of them, in either direction.
	type shape struct {
		proto         sgsim.Protocol
		dports        sgsim.Ports
		remote, local sgsim.Addrs
	}
	shapes := make([]shape, rapid.IntRange(2, 6).Draw(t, "shapes"))
	for i := range shapes {
		sh := &shapes[i]
		sh.proto = rapid.SampledFrom(protos).Draw(t, "proto")
		if sh.proto.HasPorts() {
			sh.dports = rapid.SampledFrom(ports).Draw(t, "dport")
		}
		sh.remote = rapid.SampledFrom(addrs).Draw(t, "remote")
		if both {
			sh.local = rapid.SampledFrom(addrs).Draw(t, "local")
		}
	}
	for k := range rapid.IntRange(8, 60).Draw(t, "rules") {
		sh := rapid.SampledFrom(shapes).Draw(t, "shape")
		r := sgsim.Rule{ID: fmt.Sprint("r", k), Action: sgsim.Allow, Protocol: sh.proto, DstPorts: sh.dports, Src: sh.remote, Dst: sh.local}
		r.Direction = sgsim.Direction(rapid.IntRange(0, 1).Draw(t, "dir"))
		if r.Direction == sgsim.Egress {
			r.Src, r.Dst = sh.local, sh.remote
		}
		if sem != sgsim.Union && rapid.IntRange(0, 2).Draw(t, "deny") == 0 {
			r.Action = sgsim.Deny
		}
		if lo, hi, used := sem.PriorityRange(); used {
			r.Priority = rapid.IntRange(lo, min(hi, lo+1)).Draw(t, "priority")
		}
		i := rapid.IntRange(0, len(gs)-1).Draw(t, "group")
		gs[i].Rules = append(gs[i].Rules, r)
	}
	return NewSet(sem, gs...)
}

// A cut kept by cutReuse and replayed for a later rule with the same box
// changes no finding, witness or order: on sets of many rules sharing
// few boxes, with heavyAt at 1 or 2 so that nearly every cut that gives
// its rule no cell is kept, lint on 1 to 4 workers taking turns gives
// exactly what lint without any pruning (no shortcut, no reuse) gives
// on one. The reuse must be taken in a third of the sets at least (it
// is in about two of three), or the comparison says little about it.
//
// It fails, each time in a few runs, when the reuse serves a rule
// before the one whose cut it is (get without its rule check, at
// GOMAXPROCS 1 and 2: a worker lints a later rule first), when a cut is
// kept by box alone (the key without the direction, or without the
// protocol), or when it is kept after its rule had a cell or after rules
// were met, or replayed without dropping the rules met.
func TestLintCutReuseChangesNothing(t *testing.T) {
	saved := heavyAt
	defer func() { prune, heavyAt, lintHook = true, saved, nil }()
	// Each rule a worker takes waits a little, and takeTurns yields: the
	// workers lint side by side, and out of order, even on one core.
	lintHook = func(sgsim.Direction, int) { time.Sleep(20 * time.Microsecond) }
	sets, reused := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		s := sharedBoxSet(t)
		heavyAt = rapid.IntRange(1, 2).Draw(t, "heavyAt")
		n := rapid.IntRange(1, 4).Draw(t, "workers")
		prune = false
		want := lintWorkers(t, s, 1)
		prune = true
		before := shortcuts[7].Load()
		got := func() []Finding {
			defer takeTurns()()
			return lintWorkers(t, s, n)
		}()
		if shortcuts[7].Load() > before {
			reused++
		}
		sets++
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("with the shortcuts on %d workers:\n%v\nwithout pruning:\n%v", n, got, want)
		}
	})
	if t.Failed() {
		return
	}
	if reused*3 < sets {
		t.Errorf("a cut was reused in %d of %d sets, want at least a third", reused, sets)
	}
	t.Logf("a cut reused in %d of %d sets", reused, sets)
}
