package replay

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/capture"
	"github.com/sgsim/sgsim/sgsim/flowlog"
)

const (
	worker  = "192.168.0.5"
	worker2 = "192.168.0.6"
	master  = "192.168.1.10"
)

const s = time.Second

func origin(row int) string { return "test replay_test.go network row " + strconv.Itoa(row) }

const deny = "dropped at destination ingress by default-deny ()"

// Each case is a capture built packet by packet whose flows and verdicts
// are known by construction against testNetwork.
func TestReplayCaptures(t *testing.T) {
	n := testNetwork(t)
	type tc struct {
		name   string
		frames func(t *testing.T) []frame
		want   func(fs []frame) []row
		// dropped lists the indexes (0-based) of the frames the network
		// drops.
		dropped []int
		inner   bool // Config.InnerDrops
	}
	L := func(f frame) int { return len(f.data) }
	cases := []tc{{
		name: "tcp handshake allowed",
		frames: func(t *testing.T) []frame {
			return []frame{
				tcpF(t, 0, worker+":40000", master+":5444", "S"),
				tcpF(t, s/10, master+":5444", worker+":40000", "SA"),
				tcpF(t, 2*s/10, worker+":40000", master+":5444", "A"),
				tcpF(t, 3*s/10, worker+":40000", master+":5444", "FA"),
				tcpF(t, 4*s/10, master+":5444", worker+":40000", "FA"),
			}
		},
		want: func(fs []frame) []row {
			return []row{{ID: 1, Flow: "tcp 192.168.0.5:40000 -> 192.168.1.10:5444", Init: "syn", Last: 4 * s / 10,
				Fwd: pb(3, 3*L(fs[0])), Rev: pb(2, 2*L(fs[1])), Verdict: "allowed", End: "end-of-input"}}
		},
	}, {
		name: "tcp handshake dropped",
		frames: func(t *testing.T) []frame {
			return []frame{
				tcpF(t, 0, worker+":40001", master+":22", "S"),
				tcpF(t, s, worker+":40001", master+":22", "S"), // retransmission
			}
		},
		want: func(fs []frame) []row {
			return []row{{ID: 1, Flow: "tcp 192.168.0.5:40001 -> 192.168.1.10:22", Init: "syn", Last: s,
				Fwd: pb(2, 2*L(fs[0])), Rev: "0/0", Verdict: deny, End: "end-of-input"}}
		},
		dropped: []int{0, 1},
	}, {
		name: "tcp mid-stream, start not seen",
		frames: func(t *testing.T) []frame {
			return []frame{
				tcpF(t, 0, master+":5444", worker+":40002", "PA"), // server speaks first
				tcpF(t, s, worker+":40002", master+":5444", "A"),
				// SYN+ACK seen without the SYN: its receiver initiated.
				tcpF(t, 2*s, master+":22", worker2+":40003", "SA"),
			}
		},
		want: func(fs []frame) []row {
			return []row{
				{ID: 1, Flow: "tcp 192.168.0.5:40002 -> 192.168.1.10:5444", Init: "lower-port", NotSeen: true, Last: s,
					Fwd: pb(1, L(fs[1])), Rev: pb(1, L(fs[0])), Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "tcp 192.168.0.6:40003 -> 192.168.1.10:22", Init: "syn-ack", NotSeen: true, First: 2 * s, Last: 2 * s,
					Fwd: "0/0", Rev: pb(1, L(fs[2])), Verdict: deny, End: "end-of-input"},
			}
		},
		dropped: []int{2},
	}, {
		name: "tcp port reuse after reset",
		frames: func(t *testing.T) []frame {
			return []frame{
				tcpF(t, 0, worker+":40004", master+":5444", "S"),
				tcpF(t, s, master+":5444", worker+":40004", "RA"),
				tcpF(t, 2*s, worker+":40004", master+":5444", "S"),
			}
		},
		want: func(fs []frame) []row {
			return []row{
				{ID: 1, Flow: "tcp 192.168.0.5:40004 -> 192.168.1.10:5444", Init: "syn", Last: s,
					Fwd: pb(1, L(fs[0])), Rev: pb(1, L(fs[1])), Verdict: "allowed", End: "reopened"},
				{ID: 2, Flow: "tcp 192.168.0.5:40004 -> 192.168.1.10:5444", Init: "syn", First: 2 * s, Last: 2 * s,
					Fwd: pb(1, L(fs[2])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
			}
		},
	}, {
		name: "udp both ways, and udp dropped",
		frames: func(t *testing.T) []frame {
			return []frame{
				udpF(t, 0, worker+":5353", master+":53", 30),
				udpF(t, s/10, master+":53", worker+":5353", 90),
				udpF(t, s/5, worker+":5354", master+":123", 48),
			}
		},
		want: func(fs []frame) []row {
			return []row{
				{ID: 1, Flow: "udp 192.168.0.5:5353 -> 192.168.1.10:53", Init: "first-packet", Last: s / 10,
					Fwd: pb(1, L(fs[0])), Rev: pb(1, L(fs[1])), Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "udp 192.168.0.5:5354 -> 192.168.1.10:123", Init: "first-packet", First: s / 5, Last: s / 5,
					Fwd: pb(1, L(fs[2])), Rev: "0/0", Verdict: deny, End: "end-of-input"},
			}
		},
		dropped: []int{2},
	}, {
		name: "icmp echo pairs by identifier",
		frames: func(t *testing.T) []frame {
			return []frame{
				echoF(t, 0, worker, master, true, 7),
				echoF(t, s/10, master, worker, false, 7),
				echoF(t, s, worker, master, true, 8),
				echoF(t, 2*s, master, worker, false, 9), // reply whose request was not seen
			}
		},
		want: func(fs []frame) []row {
			e := L(fs[0])
			return []row{
				{ID: 1, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "echo-request", Last: s / 10,
					Fwd: pb(1, e), Rev: pb(1, e), Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "echo-request", First: s, Last: s,
					Fwd: pb(1, e), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
				{ID: 3, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "echo-reply", NotSeen: true, First: 2 * s, Last: 2 * s,
					Fwd: "0/0", Rev: pb(1, e), Verdict: "allowed", End: "end-of-input"},
			}
		},
	}, {
		name: "icmp timestamp pairs with its reply; replies and errors alone are one-way",
		frames: func(t *testing.T) []frame {
			ts := func(at time.Duration, src, dst string, typ uint8) frame {
				return eth(t, at, icmpLayers(src, dst, typ, 0, 3, make([]byte, 12)))
			}
			return []frame{
				ts(0, worker, master, 13),              // timestamp request
				ts(s/10, master, worker, 14),           // its reply: the same flow
				ts(s, master, worker2, 14),             // a reply whose request was not seen
				ts(2*s, master, worker, 11),            // time exceeded without a quote: one-way, a flow of its own
				echoF(t, 3*s, worker, master, true, 3), // an echo request with the timestamp's identifier: another flow
			}
		},
		want: func(fs []frame) []row {
			return []row{
				{ID: 1, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 13 code 0", Init: "icmp-query", Last: s / 10,
					Fwd: pb(1, L(fs[0])), Rev: pb(1, L(fs[1])), Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "icmp 192.168.0.6 -> 192.168.1.10 type 13 code 0", Init: "icmp-query-reply", NotSeen: true, First: s, Last: s,
					Fwd: "0/0", Rev: pb(1, L(fs[2])), Verdict: "allowed", End: "end-of-input"},
				{ID: 3, Flow: "icmp 192.168.1.10 -> 192.168.0.5 type 11 code 0", Init: "first-packet", First: 2 * s, Last: 2 * s,
					Fwd: pb(1, L(fs[3])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
				{ID: 4, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "echo-request", First: 3 * s, Last: 3 * s,
					Fwd: pb(1, L(fs[4])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
			}
		},
	}, {
		name: "icmp error attached to the flow it quotes",
		frames: func(t *testing.T) []frame {
			q := udpF(t, 0, worker+":5000", master+":53", 10)
			return []frame{q, unreachF(t, s/10, master, worker, q)}
		},
		want: func(fs []frame) []row {
			return []row{{ID: 1, Flow: "udp 192.168.0.5:5000 -> 192.168.1.10:53", Init: "first-packet", Last: s / 10,
				Fwd: pb(1, L(fs[0])), Rev: pb(1, L(fs[1])), ICMPErrors: 1, Verdict: "allowed", End: "end-of-input"}}
		},
	}, {
		name: "icmp error quoting an echo request attached to the echo flow by its identifier",
		frames: func(t *testing.T) []frame {
			q := echoF(t, 0, worker, master, true, 7)
			other := echoF(t, s/20, worker, master, true, 8)
			return []frame{q, other, unreachF(t, s/10, master, worker, q)}
		},
		want: func(fs []frame) []row {
			return []row{
				{ID: 1, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "echo-request", Last: s / 10,
					Fwd: pb(1, L(fs[0])), Rev: pb(1, L(fs[2])), ICMPErrors: 1, Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "echo-request", First: s / 20, Last: s / 20,
					Fwd: pb(1, L(fs[1])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
			}
		},
	}, {
		name: "icmp error quoting an untracked flow is a flow of its own",
		frames: func(t *testing.T) []frame {
			q := udpF(t, 0, worker+":5000", master+":53", 10)
			return []frame{unreachF(t, 0, master, worker, q)}
		},
		want: func(fs []frame) []row {
			// The master's egress allows it; the worker's ingress
			// allows ICMP from the master (ping-back).
			return []row{{ID: 1, Flow: "icmp 192.168.1.10 -> 192.168.0.5 type 3 code 3", Init: "first-packet",
				Fwd: pb(1, L(fs[0])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"}}
		},
	}, {
		name: "with InnerDrops, a vxlan inner flow is dropped while the outer flow is allowed",
		frames: func(t *testing.T) []frame {
			return []frame{
				vxlanF(t, 0, worker+":51000", master+":4789", tcpLayers(t, "172.16.0.5:33000", "172.16.1.7:8080", "S")),
				vxlanF(t, s/10, worker+":51000", master+":4789", tcpLayers(t, "172.16.0.5:33001", "172.16.1.7:80", "S")),
				vxlanF(t, s/5, master+":52000", worker+":4789", tcpLayers(t, "172.16.1.7:80", "172.16.0.5:33001", "SA")),
			}
		},
		want: func(fs []frame) []row {
			outer := "#1 udp 192.168.0.5:51000 -> 192.168.1.10:4789"
			return []row{
				{ID: 1, Flow: "udp 192.168.0.5:51000 -> 192.168.1.10:4789", Init: "first-packet", Last: s / 10,
					Fwd: pb(2, L(fs[0])+L(fs[1])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "tcp 172.16.0.5:33000 -> 172.16.1.7:8080", Init: "syn",
					Fwd: pb(1, L(fs[0])), Rev: "0/0", Verdict: "dropped at destination ingress by default-deny ()", Outer: outer, End: "end-of-input"},
				{ID: 3, Flow: "tcp 172.16.0.5:33001 -> 172.16.1.7:80", Init: "syn", First: s / 10, Last: s / 5,
					Fwd: pb(1, L(fs[1])), Rev: pb(1, L(fs[2])), Verdict: "allowed", Outer: outer, End: "end-of-input"},
				{ID: 4, Flow: "udp 192.168.1.10:52000 -> 192.168.0.5:4789", Init: "first-packet", First: s / 5, Last: s / 5,
					Fwd: pb(1, L(fs[2])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
			}
		},
		dropped: []int{0},
		inner:   true,
	}, {
		name: "vxlan inner flows take the decision of their outer flow by default",
		frames: func(t *testing.T) []frame {
			return []frame{
				vxlanF(t, 0, worker+":51000", master+":4789", tcpLayers(t, "172.16.0.5:33000", "172.16.1.7:8080", "S")),
				vxlanF(t, s/10, worker+":51000", master+":4789", tcpLayers(t, "172.16.0.5:33001", "172.16.1.7:80", "S")),
				vxlanF(t, s/5, master+":52000", worker+":4789", tcpLayers(t, "172.16.1.7:80", "172.16.0.5:33001", "SA")),
			}
		},
		want: func(fs []frame) []row {
			outer := "#1 udp 192.168.0.5:51000 -> 192.168.1.10:4789"
			return []row{
				{ID: 1, Flow: "udp 192.168.0.5:51000 -> 192.168.1.10:4789", Init: "first-packet", Last: s / 10,
					Fwd: pb(2, L(fs[0])+L(fs[1])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
				{ID: 2, Flow: "tcp 172.16.0.5:33000 -> 172.16.1.7:8080", Init: "syn",
					Fwd: pb(1, L(fs[0])), Rev: "0/0", Verdict: "allowed", Outer: outer, End: "end-of-input"},
				{ID: 3, Flow: "tcp 172.16.0.5:33001 -> 172.16.1.7:80", Init: "syn", First: s / 10, Last: s / 5,
					Fwd: pb(1, L(fs[1])), Rev: pb(1, L(fs[2])), Verdict: "allowed", Outer: outer, End: "end-of-input"},
				{ID: 4, Flow: "udp 192.168.1.10:52000 -> 192.168.0.5:4789", Init: "first-packet", First: s / 5, Last: s / 5,
					Fwd: pb(1, L(fs[2])), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
			}
		},
		// Security groups see only the outer UDP 4789 packet, which the
		// network allows: nothing is dropped.
		dropped: nil,
	}, {
		name: "idle timeout splits a flow; the sweep evicts idle flows",
		frames: func(t *testing.T) []frame {
			// Huawei: UDP seen one way idles out after 30 s.
			return []frame{
				udpF(t, 0, worker+":6000", master+":53", 10),
				udpF(t, 0, worker2+":6001", master+":53", 10), // never heard of again
				udpF(t, 20*s, worker+":6000", master+":53", 10),
				udpF(t, 51*s, worker+":6000", master+":53", 10), // 31 s idle: a new flow
			}
		},
		want: func(fs []frame) []row {
			l := L(fs[0])
			return []row{
				{ID: 1, Flow: "udp 192.168.0.5:6000 -> 192.168.1.10:53", Init: "first-packet", Last: 20 * s,
					Fwd: pb(2, 2*l), Rev: "0/0", Verdict: "allowed", End: "idle-timeout"},
				{ID: 2, Flow: "udp 192.168.0.6:6001 -> 192.168.1.10:53", Init: "first-packet",
					Fwd: pb(1, l), Rev: "0/0", Verdict: "allowed", End: "idle-timeout"},
				{ID: 3, Flow: "udp 192.168.0.5:6000 -> 192.168.1.10:53", Init: "first-packet", First: 51 * s, Last: 51 * s,
					Fwd: pb(1, l), Rev: "0/0", Verdict: "allowed", End: "end-of-input"},
			}
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := c.frames(t)
			data := pcapOf(t, fs...)
			rep := replayPcap(t, n, Config{RecordDropped: true, InnerDrops: c.inner}, data)
			if diff := cmp.Diff(c.want(fs), rowsOf(rep.Flows)); diff != "" {
				t.Errorf("flows (-want +got):\n%s", diff)
			}
			var gotDropped []int
			for _, d := range rep.Summary.Captures[0].Dropped {
				gotDropped = append(gotDropped, d.N-1)
			}
			if diff := cmp.Diff(c.dropped, gotDropped); diff != "" {
				t.Errorf("dropped packets (-want +got):\n%s", diff)
			}
			if got := rep.Summary.Captures[0].DroppedPackets; got != len(c.dropped) {
				t.Errorf("DroppedPackets = %d; want %d", got, len(c.dropped))
			}
			checkWriteDropped(t, data, rep, fs, c.dropped)
		})
	}
}

// checkWriteDropped writes the dropped packets and reads them back: the
// output must hold exactly those frames, byte for byte, in order.
func checkWriteDropped(t *testing.T, data []byte, rep *Report, fs []frame, dropped []int) {
	t.Helper()
	var out bytes.Buffer
	nw, err := rep.Summary.Captures[0].WriteDropped(&out, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("WriteDropped: %v", err)
	}
	if nw != len(dropped) {
		t.Errorf("WriteDropped wrote %d packets; want %d", nw, len(dropped))
	}
	var want []frame
	for _, i := range dropped {
		want = append(want, fs[i])
	}
	if diff := cmp.Diff(pcapOf(t, want...), out.Bytes()); diff != "" {
		t.Errorf("dropped pcap differs from a pcap of the dropped frames (-want +got):\n%s", diff)
	}
}

func TestSummary(t *testing.T) {
	n := testNetwork(t)
	data := pcapOf(t,
		tcpF(t, 0, worker+":40000", master+":5444", "S"),
		tcpF(t, 0, worker+":40001", master+":22", "S"),
		tcpF(t, s, worker+":40002", master+":23", "S"),
		udpF(t, 2*s, worker+":5000", master+":53", 10),
		udpF(t, s, worker+":5000", master+":53", 10),                                         // out of order
		frame{at: 3 * s, data: []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1}}, // ARP: skipped
	)
	rep := replayPcap(t, n, Config{}, data)
	want := Summary{
		Flows: 4, Allowed: 2, Dropped: 2, AllowedPackets: 3, DroppedPackets: 2, OutOfOrder: 1,
		ByRule: []RuleCount{
			{Allowed: true, Flows: 2, Packets: 3},
			{Hop: sgsim.DstIngress, Why: "no rule matched: default deny", Flows: 2, Packets: 2},
		},
		Captures: []CaptureStats{{Packets: 5, DroppedPackets: 2,
			Skipped: []capture.Skip{{Reason: capture.ReasonNotIP, Count: 1, FirstPacket: 6}}}},
	}
	if diff := cmp.Diff(want, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// A rule that denies explicitly is reported with its ID and provenance.
func TestDropByRuleProvenance(t *testing.T) {
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud: sgsim.Huawei,
		Groups: []sgsim.Group{
			{ID: "node", Rules: []sgsim.Rule{rule("egress deny tcp 22 priority 1 id no-ssh", 11), rule("egress allow any priority 2 id out", 12)}},
		},
		Endpoints: []sgsim.Endpoint{{Name: "workers", Addrs: sgsim.MustParseAddrs("192.168.0.0/24"), Groups: []string{"node"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ssh := tcpF(t, 0, worker+":40000", "10.0.0.1:22", "S")
	rep := replayPcap(t, n, Config{}, pcapOf(t, ssh, tcpF(t, 0, worker+":40000", "10.0.0.1:443", "S")))
	got := rowsOf(rep.Flows)
	if want := "dropped at source egress by no-ssh (" + origin(11) + ")"; got[0].Verdict != want {
		t.Errorf("verdict = %q; want %q", got[0].Verdict, want)
	}
	wantRules := []RuleCount{
		{Allowed: true, Flows: 1, Packets: 1},
		{Hop: sgsim.SrcEgress, Group: "node", Rule: "no-ssh", Origin: origin(11), Flows: 1, Packets: 1,
			Why: `rule "no-ssh" of group "node" (egress deny tcp 22 priority 1 id no-ssh) from ` + origin(11)},
	}
	if diff := cmp.Diff(wantRules, rep.Summary.ByRule); diff != "" {
		t.Errorf("ByRule (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("WriteJSON wrote %d lines; want 2:\n%s", len(lines), b.String())
	}
	var got0 map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &got0); err != nil {
		t.Fatal(err)
	}
	// Bytes are the frame's length on the wire as written to the capture
	// (Ethernet, IPv4 and TCP headers, padded to the Ethernet minimum).
	l := float64(len(ssh.data))
	want0 := map[string]any{
		"id": 1.0, "src": "192.168.0.5", "dst": "10.0.0.1", "sport": 40000.0, "dport": 22.0, "proto": "tcp",
		"initiator": "syn", "start_not_seen": false, "first": "2024-05-06T07:08:09Z", "last": "2024-05-06T07:08:09Z",
		"packets": 1.0, "bytes": l, "fwd_packets": 1.0, "fwd_bytes": l, "rev_packets": 0.0, "rev_bytes": 0.0,
		"verdict": "dropped", "delivered": false, "reply": "not sent", "outside": false, "hop": "source egress", "group": "node", "rule": "no-ssh", "origin": origin(11),
		"why": `rule "no-ssh" of group "node" (egress deny tcp 22 priority 1 id no-ssh) from ` + origin(11),
		"end": "end-of-input", "source": "capture 1 packet 1",
	}
	if diff := cmp.Diff(want0, got0); diff != "" {
		t.Errorf("JSON line (-want +got):\n%s", diff)
	}
}

func TestFlowLog(t *testing.T) {
	n := testNetwork(t)
	const log = `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 111122223333 eni-0f00ba47 192.168.0.5 192.168.1.10 40000 5444 6 12 2210 1715000000 1715000055 ACCEPT OK
2 111122223333 eni-0f00ba47 192.168.0.5 192.168.1.10 40001 22 6 1 60 1715000003 1715000003 REJECT OK
2 111122223333 eni-0f00ba47 192.168.0.5 192.168.1.10 0 0 1 4 336 1715000010 1715000013 ACCEPT OK
2 111122223333 eni-0f00ba47 - - - - - - - 1715000060 1715000120 - NODATA
`
	r := New(n, Config{})
	if err := r.AddFlowLog(flowlog.NewReader(strings.NewReader(log), flowlog.Detect)); err != nil {
		t.Fatal(err)
	}
	rep := r.Report()
	at := func(sec int64) time.Duration { return time.Unix(sec, 0).Sub(t0) }
	want := []row{
		{ID: 1, Flow: "tcp 192.168.0.5:40000 -> 192.168.1.10:5444", Init: "flow-log", First: at(1715000000), Last: at(1715000055),
			Fwd: "12/2210", Rev: "0/0", Verdict: "allowed", End: "flow-log", Logged: "ACCEPT"},
		{ID: 2, Flow: "tcp 192.168.0.5:40001 -> 192.168.1.10:22", Init: "flow-log", First: at(1715000003), Last: at(1715000003),
			Fwd: "1/60", Rev: "0/0", Verdict: deny, End: "flow-log", Logged: "REJECT"},
		{ID: 3, Flow: "icmp 192.168.0.5 -> 192.168.1.10 type 8 code 0", Init: "flow-log", First: at(1715000010), Last: at(1715000013),
			Fwd: "4/336", Rev: "0/0", Verdict: "allowed", End: "flow-log", Logged: "ACCEPT"},
	}
	if diff := cmp.Diff(want, rowsOf(rep.Flows)); diff != "" {
		t.Errorf("flows (-want +got):\n%s", diff)
	}
	wantLogs := []FlowLogStats{{Records: 3, Skipped: []flowlog.Skip{{Reason: flowlog.ReasonNoData, Count: 1, FirstLine: 5}}}}
	if diff := cmp.Diff(wantLogs, rep.Summary.FlowLogs); diff != "" {
		t.Errorf("flow-log stats (-want +got):\n%s", diff)
	}
}

// With OnFlow, finished flows are handed over at once and the table holds
// only live flows.
func TestOnFlowBoundsMemory(t *testing.T) {
	n := testNetwork(t)
	var got []int
	r := New(n, Config{OnFlow: func(f *Flow) { got = append(got, f.ID) }})
	var fs []frame
	for i := 0; i < 100; i++ {
		fs = append(fs, udpF(t, time.Duration(i)*10*s, worker+":"+strconv.Itoa(10000+i), master+":53", 1))
	}
	c, err := capture.NewReader(bytes.NewReader(pcapOf(t, fs...)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddCapture(c); err != nil {
		t.Fatal(err)
	}
	if r.Live() > 5 {
		t.Errorf("%d live flows after 1000 s of one 1-packet flow every 10 s; want at most 5 (30 s timeout, 30 s sweep)", r.Live())
	}
	rep := r.Report()
	if len(rep.Flows) != 0 || len(got) != 100 || rep.Summary.Flows != 100 {
		t.Errorf("OnFlow got %d flows, Report.Flows %d, Summary.Flows %d; want 100, 0, 100", len(got), len(rep.Flows), rep.Summary.Flows)
	}
	if !slices.IsSorted(got) {
		t.Errorf("flows finished out of start order: %v", got)
	}
}

func TestTimeoutsFor(t *testing.T) {
	for _, c := range []struct {
		sem  sgsim.Semantics
		want Timeouts
	}{
		{sgsim.Huawei, Timeouts{TCP: 600 * s, UDP: 30 * s, UDPStream: 180 * s, ICMP: 30 * s, Other: 30 * s, OtherStream: 180 * s}},
		{sgsim.Alibaba, Timeouts{TCP: 910 * s, UDP: 910 * s, UDPStream: 910 * s, ICMP: 910 * s, Other: 910 * s, OtherStream: 910 * s}},
		{sgsim.Union, Timeouts{TCP: 432000 * s, UDP: 30 * s, UDPStream: 180 * s, ICMP: 30 * s, Other: 30 * s, OtherStream: 180 * s}},
		{sgsim.Tencent, DefaultTimeouts()},
	} {
		if got := TimeoutsFor(c.sem); got != c.want {
			t.Errorf("TimeoutsFor(%v) = %+v; want %+v", c.sem, got, c.want)
		}
	}
}

// Per-packet work on tracked flows must not allocate, with one replayer
// and with workers' replayers driven through Packet.
func TestNoAllocsPerPacket(t *testing.T) {
	n := testNetwork(t)
	dns := udpF(t, 0, worker+":5000", master+":53", 10)
	fs := []frame{
		tcpF(t, 0, worker+":40000", master+":5444", "A"),
		tcpF(t, 0, master+":5444", worker+":40000", "A"),
		tcpF(t, 0, worker+":40001", master+":22", "S"), // dropped
		dns,
		unreachF(t, 0, master, worker, dns), // counted on the DNS flow
		echoF(t, 0, worker, master, true, 1),
		vxlanF(t, 0, worker+":51000", master+":4789", tcpLayers(t, "172.16.0.5:33000", "172.16.1.7:80", "A")),
	}
	pkts := decodeAll(t, pcapOf(t, fs...))
	for _, workers := range []int{1, 3} {
		r := New(n, Config{Workers: workers})
		for i := range pkts {
			r.Packet(&pkts[i])
		}
		live := r.Live()
		allocs := testing.AllocsPerRun(100, func() {
			for i := range pkts {
				r.Packet(&pkts[i])
			}
		})
		if allocs != 0 {
			t.Errorf("%d workers: replaying %d packets of tracked flows: %v allocations; want 0", workers, len(pkts), allocs)
		}
		if r.Live() != live || live != 6 {
			t.Errorf("%d workers: %d live flows, %d after replaying them again; want 6 (5 outer, 1 inner) both times", workers, live, r.Live())
		}
	}
}

func decodeAll(t testing.TB, data []byte) []capture.Packet {
	t.Helper()
	c, err := capture.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []capture.Packet
	for {
		var p capture.Packet
		err := c.Next(&p)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}

// WriteDropped reads pcapng too, numbering records as the capture reader
// does.
func TestWriteDroppedPcapng(t *testing.T) {
	n := testNetwork(t)
	fs := []frame{
		tcpF(t, 0, worker+":40000", master+":5444", "S"),
		tcpF(t, s, worker+":40001", master+":22", "S"), // dropped
		udpF(t, 2*s, worker+":5000", master+":53", 10),
		udpF(t, 3*s, worker+":5001", master+":54", 10), // dropped
	}
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriter(&ng, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: t0.Add(f.at), CaptureLength: len(f.data), Length: len(f.data)}, f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rep := replayPcap(t, n, Config{RecordDropped: true}, ng.Bytes())
	var out bytes.Buffer
	if _, err := rep.Summary.Captures[0].WriteDropped(&out, bytes.NewReader(ng.Bytes())); err != nil {
		t.Fatal(err)
	}
	got := decodeAll(t, out.Bytes())
	var gotN []string
	for _, p := range got {
		gotN = append(gotN, p.Time.Sub(t0).String()+" "+strconv.Itoa(int(p.DstPort)))
	}
	if want := []string{"1s 22", "3s 54"}; !cmp.Equal(want, gotN) {
		t.Errorf("dropped pcap holds %v; want %v", gotN, want)
	}
}

// Out-of-order timestamps are counted, never move time backwards, and
// keep each flow's first and last times.
func TestOutOfOrder(t *testing.T) {
	n := testNetwork(t)
	rep := replayPcap(t, n, Config{}, pcapOf(t,
		udpF(t, 100*s, worker+":5000", master+":53", 10),
		udpF(t, 10*s, worker+":5000", master+":53", 10), // earlier: same flow, not expired
		udpF(t, 101*s, worker+":5000", master+":53", 10),
	))
	if rep.Summary.OutOfOrder != 1 || len(rep.Flows) != 1 {
		t.Fatalf("OutOfOrder = %d, %d flows; want 1, 1", rep.Summary.OutOfOrder, len(rep.Flows))
	}
	if f := rep.Flows[0]; f.First.Sub(t0) != 10*s || f.Last.Sub(t0) != 101*s || f.FwdPackets != 3 {
		t.Errorf("flow first %v last %v packets %d; want 10s, 1m41s, 3", f.First.Sub(t0), f.Last.Sub(t0), f.FwdPackets)
	}
}

// WriteDropped refuses a capture replayed without Config.RecordDropped
// instead of writing an empty pcap as if nothing had been dropped.
func TestWriteDroppedNeedsRecordDropped(t *testing.T) {
	n := testNetwork(t)
	data := pcapOf(t, tcpF(t, 0, worker+":40001", master+":22", "S")) // dropped
	rep := replayPcap(t, n, Config{}, data)
	cs := &rep.Summary.Captures[0]
	if cs.DroppedPackets != 1 {
		t.Fatalf("DroppedPackets = %d; want 1", cs.DroppedPackets)
	}
	var out bytes.Buffer
	nw, err := cs.WriteDropped(&out, bytes.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), "1 dropped packets but 0 were recorded") || !strings.Contains(err.Error(), "RecordDropped") {
		t.Errorf("WriteDropped: %v; want an error naming RecordDropped", err)
	}
	if nw != 0 || out.Len() != 0 {
		t.Errorf("WriteDropped wrote %d packets, %d bytes; want nothing", nw, out.Len())
	}
}

// WriteDropped sizes nothing by a header's claims: a pcap header or a
// pcapng interface claiming a 4 GiB snap length leaves the allocation of
// WriteDropped small (pcapgo's readers, used before, allocated the claimed
// snap length for their packet buffer), and the output's snap length is
// capped at capture.MaxRecord.
func TestWriteDroppedHostileSnaplen(t *testing.T) {
	n := testNetwork(t)
	fs := []frame{
		tcpF(t, 0, worker+":40000", master+":5444", "S"),
		tcpF(t, s, worker+":40001", master+":22", "S"), // dropped
		udpF(t, 2*s, worker+":5001", master+":54", 10), // dropped
	}
	pcap := pcapOf(t, fs...)
	binary.LittleEndian.PutUint32(pcap[16:20], 0xffffffff)
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriter(&ng, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: t0.Add(f.at), CaptureLength: len(f.data), Length: len(f.data)}, f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	pcapng := ng.Bytes()
	idb := binary.LittleEndian.Uint32(pcapng[4:8]) // the interface block follows the section header
	binary.LittleEndian.PutUint32(pcapng[idb+12:], 0xffffffff)

	for name, data := range map[string][]byte{"pcap": pcap, "pcapng": pcapng} {
		rep := replayPcap(t, n, Config{RecordDropped: true}, data)
		cs := &rep.Summary.Captures[0]
		var out bytes.Buffer
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		nw, err := cs.WriteDropped(&out, bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if err != nil || nw != 2 {
			t.Fatalf("%s: WriteDropped = %d, %v; want 2 packets", name, nw, err)
		}
		// capture.Reader's buffers (64 KiB input, records as long as the
		// longest) and the output buffer; 4 MiB leaves ample room and is
		// a thousandth of the claim.
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("%s: WriteDropped allocated %d bytes for a 4 GiB snap length claim; want under 4 MiB", name, got)
		}
		if got := binary.LittleEndian.Uint32(out.Bytes()[16:20]); got != capture.MaxRecord {
			t.Errorf("%s: output snap length %d, want capture.MaxRecord %d", name, got, capture.MaxRecord)
		}
		if got := len(decodeAll(t, out.Bytes())); got != 2 {
			t.Errorf("%s: output holds %d packets, want 2", name, got)
		}
	}
}

// Through a stateless ACL that passes syslog one way, the datagrams reach
// the collector (not dropped) and only an answer would be: the flow is
// delivered, not answered.
func TestDeliveredPacketsNotDropped(t *testing.T) {
	rules := func(ss ...string) []sgsim.Rule {
		var out []sgsim.Rule
		for _, s := range ss {
			out = append(out, sgsim.MustParseRule(s))
		}
		return out
	}
	n, err := sgsim.BuildNetwork(sgsim.NetworkSpec{
		Cloud:  sgsim.Alibaba,
		Groups: []sgsim.Group{{ID: "open", Rules: rules("ingress allow any priority 1", "egress allow any priority 1")}},
		ACLs:   []sgsim.Group{{ID: "a", Rules: rules("egress allow udp 514 to 10.0.1.0/24 priority 1")}, {ID: "b", Rules: rules("ingress allow udp 514 from 10.0.0.0/24 priority 1")}},
		Subnets: []sgsim.Subnet{{Name: "a", Prefix: netip.MustParsePrefix("10.0.0.0/24"), ACL: "a"},
			{Name: "b", Prefix: netip.MustParsePrefix("10.0.1.0/24"), ACL: "b"}},
		Endpoints: []sgsim.Endpoint{{Name: "hosts", Addrs: sgsim.MustParseAddrs("10.0.0.0/24"), Subnet: "a", Groups: []string{"open"}},
			{Name: "collector", Addrs: sgsim.MustParseAddrs("10.0.1.9"), Subnet: "b", Groups: []string{"open"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := New(n, Config{})
	pkt := func(i int, src, dst string, sp, dp uint16) *capture.Packet {
		return &capture.Packet{N: i, Time: t0.Add(time.Duration(i) * time.Millisecond), Len: 100, CapLen: 100,
			Header: capture.Header{Proto: protoUDP, Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sp, DstPort: dp}}
	}
	if r.Packet(pkt(1, "10.0.0.5", "10.0.1.9", 40000, 514)) {
		t.Error("syslog datagram dropped; the ACLs deliver it")
	}
	if !r.Packet(pkt(2, "10.0.1.9", "10.0.0.5", 514, 40000)) {
		t.Error("answer not dropped; no ACL rule passes it")
	}
	if r.Packet(pkt(3, "10.0.0.5", "10.0.1.9", 40000, 514)) {
		t.Error("second syslog datagram dropped")
	}
	rep := r.Report()
	if len(rep.Flows) != 1 {
		t.Fatalf("%d flows; want 1", len(rep.Flows))
	}
	d := rep.Flows[0].Decision
	if !d.Delivered || d.Allowed || d.Reply != sgsim.ReplyDropped || d.Hop != sgsim.ReplyDstACLOut {
		t.Errorf("decision %+v; want delivered, reply dropped at %v", d, sgsim.ReplyDstACLOut)
	}
}

// A pcapng whose dropped packets come from interfaces of two link types:
// WriteDropped writes those of the first interface's link type and then
// fails, naming how many it could not write and the first.
func TestWriteDroppedMixedLinkTypes(t *testing.T) {
	n := testNetwork(t)
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriter(&ng, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := w.AddInterface(pcapgo.NgInterface{LinkType: layers.LinkTypeRaw, SnapLength: 65535})
	if err != nil {
		t.Fatal(err)
	}
	ethDrop := tcpF(t, 0, worker+":40001", master+":22", "S")
	// The same kind of packet without its Ethernet header, on the raw
	// interface.
	rawDrop := tcpF(t, s, worker+":40002", master+":22", "S").data[14:]
	ok := tcpF(t, 2*s, worker+":40000", master+":5444", "S")
	for i, p := range []struct {
		data []byte
		ifc  int
	}{{ethDrop.data, 0}, {rawDrop, raw}, {ok.data, 0}, {ethDrop.data, 0}} {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * s), CaptureLength: len(p.data), Length: len(p.data), InterfaceIndex: p.ifc}
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rep := replayPcap(t, n, Config{RecordDropped: true}, ng.Bytes())
	cs := &rep.Summary.Captures[0]
	if cs.DroppedPackets != 3 {
		t.Fatalf("%d dropped packets, want 3", cs.DroppedPackets)
	}
	var out bytes.Buffer
	nw, err := cs.WriteDropped(&out, bytes.NewReader(ng.Bytes()))
	if want := "replay: 1 dropped packets (first: record 2) have a link type other than 1 and were not written"; err == nil || err.Error() != want || nw != 2 {
		t.Fatalf("WriteDropped = %d, %v; want 2 and %q", nw, err, want)
	}
	if got := decodeAll(t, out.Bytes()); len(got) != 2 || got[0].SrcPort != 40001 || got[1].SrcPort != 40001 {
		t.Errorf("output holds %d packets %v; want the two Ethernet drops", len(got), got)
	}
}

// WriteDroppedAll writes the dropped packets of several captures to one
// pcap in order, opens only the captures with dropped packets, and
// refuses a second link type.
func TestWriteDroppedAll(t *testing.T) {
	n := testNetwork(t)
	capA := pcapOf(t, tcpF(t, 0, worker+":40001", master+":22", "S"), udpF(t, s, worker+":5000", master+":53", 10))
	capNone := pcapOf(t, udpF(t, 2*s, worker+":5001", master+":53", 10))
	capB := pcapOf(t, tcpF(t, 3*s, worker+":40002", master+":22", "S"), tcpF(t, 4*s, worker+":40003", master+":23", "S"))
	r := New(n, Config{RecordDropped: true})
	for _, data := range [][]byte{capA, capNone, capB} {
		c, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddCapture(c); err != nil {
			t.Fatal(err)
		}
	}
	stats := r.Report().Summary.Captures
	caps := [][]byte{capA, capNone, capB}
	var opened []int
	open := func(i int) (io.ReadCloser, error) {
		opened = append(opened, i)
		return io.NopCloser(bytes.NewReader(caps[i])), nil
	}
	var out bytes.Buffer
	nw, err := WriteDroppedAll(&out, stats, open)
	if err != nil || nw != 3 {
		t.Fatalf("WriteDroppedAll = %d, %v; want 3", nw, err)
	}
	if !slices.Equal(opened, []int{0, 2}) {
		t.Errorf("opened captures %v, want [0 2] (the one without drops is not read)", opened)
	}
	var ports []uint16
	for _, p := range decodeAll(t, out.Bytes()) {
		ports = append(ports, p.SrcPort)
	}
	if !slices.Equal(ports, []uint16{40001, 40002, 40003}) {
		t.Errorf("written packets from ports %v, want 40001 40002 40003", ports)
	}

	// A second capture of another link type (raw IP) is refused after
	// the first is written.
	raw := bytes.Clone(capB)
	binary.LittleEndian.PutUint32(raw[20:24], capture.LinkRaw)
	caps[2] = raw
	out.Reset()
	nw, err = WriteDroppedAll(&out, stats, open)
	if want := "replay: capture 3 has link type 101, capture 1 has 1: one pcap cannot hold both"; err == nil || err.Error() != want || nw != 1 {
		t.Errorf("WriteDroppedAll with two link types = %d, %v; want 1 and %q", nw, err, want)
	}

	// No drops at all: a header only, from the first capture.
	r = New(n, Config{RecordDropped: true})
	c, _ := capture.NewReader(bytes.NewReader(capNone))
	if err := r.AddCapture(c); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if nw, err := WriteDroppedAll(&out, r.Report().Summary.Captures, func(int) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(capNone)), nil
	}); err != nil || nw != 0 || out.Len() != 24 {
		t.Errorf("no drops: %d packets, %v, %d bytes; want a 24-byte header", nw, err, out.Len())
	}
}

// TestOutsideFlows: a flow between two addresses outside the network
// passes no hop. It counts among the allowed flows, and the summary says
// how many of them no rule judged (Summary.Outside), with one or more
// workers; its row says "no hop" and its JSON line "outside": true,
// while a flow some rule allowed says neither.
func TestOutsideFlows(t *testing.T) {
	n := testNetwork(t)
	data := pcapOf(t,
		tcpF(t, 0, "203.0.113.1:40000", "198.51.100.2:443", "S"),
		tcpF(t, time.Millisecond, worker+":40001", "192.168.1.10:5444", "S"),
		tcpF(t, 2*time.Millisecond, "203.0.113.1:40002", "192.168.1.10:22", "S"),
	)
	for _, workers := range []int{1, 2} {
		rep := replayPcap(t, n, Config{Workers: workers}, data)
		s := rep.Summary
		if s.Flows != 3 || s.Allowed != 2 || s.Dropped != 1 || s.Outside != 1 {
			t.Errorf("workers %d: flows %d allowed %d dropped %d outside %d; want 3, 2, 1, 1", workers, s.Flows, s.Allowed, s.Dropped, s.Outside)
		}
		var b bytes.Buffer
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if want := "flows: 2 allowed (1 of them passed no hop: no security group or network ACL on their path, allowed by default), 1 dropped"; !strings.Contains(b.String(), want) {
			t.Errorf("workers %d: text lacks %q:\n%s", workers, want, b.String())
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.Contains(line, "198.51.100.2") != strings.HasSuffix(line, "allowed  no hop") {
				t.Errorf("workers %d: row %q: want \"no hop\" exactly on the outside flow's row", workers, line)
			}
		}
		b.Reset()
		if err := rep.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			var j struct {
				Dst     string
				Outside *bool
			}
			if err := json.Unmarshal([]byte(line), &j); err != nil || j.Outside == nil {
				t.Fatalf("line %d %q: %v, outside %v", i+1, line, err, j.Outside)
			}
			if *j.Outside != (j.Dst == "198.51.100.2") {
				t.Errorf("workers %d: line %q: outside %v", workers, line, *j.Outside)
			}
		}
	}
	// None of them outside: the summary line is as before.
	rep := replayPcap(t, n, Config{}, pcapOf(t, tcpF(t, 0, worker+":40001", "192.168.1.10:5444", "S")))
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "flows: 1 allowed, 0 dropped") {
		t.Errorf("no outside flow:\n%s", b.String())
	}
}
