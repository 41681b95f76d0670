// Package replay replays captured traffic (pcap/pcapng via package
// capture, VPC flow logs via package flowlog) through a Network's stateful
// packet path and reports, flow by flow, what the network would drop,
// where and by which rule.
//
// The shortest complete use:
//
//	r := replay.New(network, replay.Config{})
//	c, err := capture.NewReader(f)
//	if err != nil { ... }
//	if err := r.AddCapture(c); err != nil { ... }
//	rep := r.Report()
//	rep.WriteText(os.Stdout) // or rep.WriteJSON: one JSON object per flow
//
// # Flows
//
// A Replayer tracks flows as a stateful firewall does, in a table keyed by
// protocol and both ends, and evaluates each flow once, with
// Network.Decide on the initiator's direction; replies share its verdict
// (Decide already checks the reply against stateless network ACLs). A
// flow is reported dropped unless it is answered (Decision.Allowed), but
// packet by packet the initiator's packets count as dropped only when the
// flow is not delivered (Decision.Delivered): a datagram a stateless ACL
// lets through but whose answer it drops reaches its destination.
//
//   - TCP: a SYN without ACK opens a connection from its sender. When the
//     start was not captured the flow is still evaluated and marked
//     StartNotSeen: a SYN+ACK's receiver is the initiator; otherwise the
//     end with the lower port is taken for the server (equal ports: the
//     first packet's source initiates). A SYN on a connection that closed
//     (FIN both ways, or RST) starts a new flow.
//   - UDP, SCTP and every other protocol: the first packet's source
//     initiates; ports are part of the key where the protocol has them.
//   - ICMP and ICMPv6 queries pair with their replies by the table
//     sgsim.ICMPReply (echo 8/0 and 128/129, timestamp 13/14, node
//     information 139/140, ...), the one Network.Decide uses: echo
//     requests and replies by identifier, other queries by type (one flow
//     per pair of hosts and query type). A reply seen first makes its
//     receiver the initiator (StartNotSeen) and the query is evaluated.
//     Every other ICMP message is one-way: a flow keyed by type and code.
//   - ICMP errors (Header.Quoted) are related to the flow of the packet
//     they quote: counted on it (Flow.ICMPErrors, and in the direction the
//     error travels) and not evaluated; an error quoting an echo request
//     or reply is related to that echo flow by its identifier. An error
//     whose quoted flow is not tracked is a flow of its own.
//   - Tunnels: for a VXLAN or Geneve packet (Packet.Inner.Present) both the
//     outer node-to-node flow and the inner pod-to-pod flow (keyed with
//     the tunnel and VNI) are tracked and evaluated; the inner flow names
//     the outer flow that carried its first packet (Flow.OuterID, Outer).
//     When the network declares the pods an overlay (sgsim.Overlay), the
//     inner flow is decided by Network.DecideCarried between the hosts
//     of that outer packet, the definition Network.Decide uses; otherwise
//     it shares its carrier's decision (see Config.InnerDrops). A
//     tunnelled packet is dropped if either flow is.
//
// # Time
//
// Idle timeouts come from Config.Timeouts, by default TimeoutsFor the
// network's cloud (documented there, with the values no vendor confirms).
// Time is capture time: a packet later than the timeout after its flow's
// previous packet starts a new flow (the old one ends with EndIdle). Every
// shortest-timeout period of capture time (at least a second) a sweep
// evicts all idle flows, so memory is bounded by the live flows when
// Config.OnFlow receives finished flows. Timestamps are expected to
// increase. A timestamp earlier than one already seen is counted in
// Summary.OutOfOrder; the packet is recorded with its own timestamp (in
// its flow's First and Last) but expiry uses the latest time seen, so
// time never runs backwards and nothing panics. A packet without a
// timestamp (pcapng simple packet block) takes the latest time seen (and
// has none before any packet had one; a packet stamped exactly
// 1970-01-01T00:00:00Z has that time).
//
// One wrong timestamp must not stop expiry for the rest of a capture: a
// timestamp more than JumpFactor (4) times the largest timeout away from
// the clock, either way, does not move the clock. If the next packet is
// near the clock again, it was an outlier: counted in
// Summary.TimeOutliers and per capture with the number of the first such
// packet (CaptureStats.FirstTimeOutlier); its flow records its own
// timestamp and is not expired by it. If instead JumpConfirm (8) packets
// in a row agree on the new time (each within that distance of the one
// before), the capture really jumped (a long gap, or consecutive
// captures far apart; or a first packet with a wrong timestamp, followed
// back): the clock follows and Summary.ClockJumps counts it. The packets
// before the confirmation were tracked at the old clock, with their own
// timestamps. Timestamps beyond the years 1678-2262 saturate.
//
// # Input and output
//
// AddCapture and AddFlowLog may be called several times, in time order;
// flows stay tracked across captures. Packet replays a single decoded
// packet, for a streaming caller. Report finishes every live flow and
// returns the flows in the order they started and a Summary: counts by
// verdict (with Summary.Outside, the allowed flows no hop judged, as
// neither end has a security group and no network ACL lies between
// them: allowed by default, not by a rule) and by deciding rule (hop,
// group, rule ID, provenance), and per
// capture or flow log what its reader skipped or flagged, so nothing is
// dropped silently. A capture or flow log that fails partway (a corrupt
// record or block, a malformed line, an I/O error) stops there: AddCapture
// or AddFlowLog returns the error, naming where, and everything before it
// stays replayed and counted, with the place in CaptureStats (ErrOffset,
// ErrAfter) or FlowLogStats (ErrLine); Inputs tells a caller what each
// input yielded before Report. Report.WriteText writes a table, Report.WriteJSON one
// JSON object per flow (JSONFlow). To keep memory bounded by the live
// flows on large inputs, set Config.OnFlow and write each flow as it
// finishes with a TextWriter or JSONWriter (flows then come in the order
// they finish, each with its ID), and the summary with
// Summary.WriteText: the replayer keeps only counts
// (BenchmarkMemoryShortFlows: 5 M short flows take 1.6 times the peak
// heap of 50 K). With Config.RecordDropped,
// CaptureStats.WriteDropped writes a pcap of exactly the packets the
// network would drop, re-reading the capture (see its documentation for
// why), and WriteDroppedAll one pcap for several captures. That list
// costs 48 bytes per dropped packet; Config.OnDropped instead hands each
// dropped packet's record over as it is found, and a DroppedWriter
// writes them to a pcap in one pass, holding nothing per packet.
//
// Types: Replayer (with Config and Timeouts) replays; Report holds Flows
// (each with its Initiator and End) and a Summary of RuleCount,
// CaptureStats (with DroppedPacket) and FlowLogStats; JSONFlow is a
// Flow's JSON form; TextWriter, JSONWriter and DroppedWriter write flows
// and dropped packets as they come.
//
// Per-packet work on a tracked flow does not allocate (recording dropped
// packets appends to a slice); opening a flow allocates its table entry
// and, when it finishes, its Flow.
//
// # Workers
//
// With Config.Workers > 1, AddCapture decodes on the calling goroutine
// and hands each packet to the worker that owns its flow (a hash of the
// flow key; every packet on a VXLAN or Geneve port goes by its pair of
// node addresses, so a tunnel's two directions and the inner flows it
// carries meet in one worker; an ICMP error first asks the owner of the
// flow it quotes). Sweeps are queued to every worker at the same point in
// the packet stream. The report is the one a single replayer gives, flow
// for flow and ID for ID (a property test checks this on generated
// traffic and the benchmark runner on every capture it times), with one
// exception: an inner flow carried between two different pairs of nodes
// is reported once per pair when the pairs belong to different workers.
// Decoding stays on one goroutine (IPv4 fragments need the packets in
// order), so the speedup is bounded by the decode rate, and handing a
// decoded packet to another core costs about what tracking it does: on
// two CPUs, workers measured 0.96-1.09x one replayer (bench/README.md).
// Workers therefore default to one, and Config.Workers is clamped to
// MaxWorkers (WorkersPerCPU times GOMAXPROCS).
package replay
