package replay

import (
	"time"

	"github.com/sgsim/sgsim/sgsim"
)

// Timeouts are the idle timeouts of connection tracking: a packet that
// arrives later than the timeout after the previous packet of its flow
// (in capture time) starts a new flow, evaluated afresh. A zero field
// means that kind of flow never expires.
//
// "Stream" timeouts apply once a flow has been seen in both directions;
// the others apply while only the initiator has sent.
type Timeouts struct {
	TCP                time.Duration // TCP, whatever its state
	UDP, UDPStream     time.Duration
	ICMP               time.Duration // echo pairs and unrelated ICMP messages
	Other, OtherStream time.Duration // every other protocol
}

// Timeouts the vendors document (see SEMANTICS.md in the project's shared
// notes):
//
//   - Huawei: TCP established 600 s; ICMP 30 s; other protocols 180 s
//     once seen both ways, else 30 s. UDP is "other". The timeout of TCP
//     connections that never completed the handshake is not stated
//     (unconfirmed: 600 s).
//   - Alibaba: "sessions up to 910 s", per protocol not stated; every
//     field is 910 s (unconfirmed).
//   - AWS (Union): TCP established 432000 s (5 days), UDP 30 s, UDP
//     stream 180 s. ICMP and other protocols are not in the notes
//     (unconfirmed: 30 s one way, 180 s both ways, as UDP).
//   - Tencent, FirstMatch, ACL: not documented; DefaultTimeouts.
func TimeoutsFor(s sgsim.Semantics) Timeouts {
	switch s {
	case sgsim.Huawei:
		return Timeouts{TCP: 600 * time.Second, UDP: 30 * time.Second, UDPStream: 180 * time.Second,
			ICMP: 30 * time.Second, Other: 30 * time.Second, OtherStream: 180 * time.Second}
	case sgsim.Alibaba:
		d := 910 * time.Second
		return Timeouts{TCP: d, UDP: d, UDPStream: d, ICMP: d, Other: d, OtherStream: d}
	case sgsim.Union:
		return Timeouts{TCP: 432000 * time.Second, UDP: 30 * time.Second, UDPStream: 180 * time.Second,
			ICMP: 30 * time.Second, Other: 30 * time.Second, OtherStream: 180 * time.Second}
	}
	return DefaultTimeouts()
}

// DefaultTimeouts are used for clouds that document none (Tencent) and for
// FirstMatch and ACL semantics: Huawei's values (TCP 600 s, UDP and other
// 30 s one way and 180 s both ways, ICMP 30 s). All unconfirmed.
func DefaultTimeouts() Timeouts {
	return TimeoutsFor(sgsim.Huawei)
}

// idle returns the timeout in nanoseconds for a flow, 0 for never.
func (t *Timeouts) idle(proto uint8, both bool) int64 {
	var d time.Duration
	switch proto {
	case protoTCP:
		d = t.TCP
	case protoUDP:
		d = t.UDP
		if both {
			d = t.UDPStream
		}
	case protoICMP, protoICMPv6:
		d = t.ICMP
	default:
		d = t.Other
		if both {
			d = t.OtherStream
		}
	}
	return int64(d)
}

// maximum returns the largest timeout.
func (t *Timeouts) maximum() time.Duration {
	return max(t.TCP, t.UDP, t.UDPStream, t.ICMP, t.Other, t.OtherStream)
}

// minimum returns the smallest non-zero timeout, or 0.
func (t *Timeouts) minimum() time.Duration {
	var m time.Duration
	for _, d := range []time.Duration{t.TCP, t.UDP, t.UDPStream, t.ICMP, t.Other, t.OtherStream} {
		if d > 0 && (m == 0 || d < m) {
			m = d
		}
	}
	return m
}
