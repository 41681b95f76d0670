package intent

import (
	"fmt"
	"strconv"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

// FromRequired writes required flows (a profile's catalogue) as intents
// whose check gives each flow's own answer: the flow's question decides
// the kind (Answered: must_allow for TCP and SCTP, must_be_answerable for
// the others; Delivered: must_allow), its ports and, for ICMP, the echo
// request its Query asks about. From and To are the flow's range names
// when an endpoint of that name holds exactly its addresses, and the
// addresses otherwise. The reason is the flow's, with its origin (the
// seed row) after it. A name used twice gets " (2)", " (3)", ... A
// Delivered TCP or SCTP flow has no intent kind (must_allow asks for the
// connection) and is an error.
func FromRequired(flows []analyze.RequiredFlow, endpoints []sgsim.Endpoint) (File, error) {
	var f File
	side := func(name string, a sgsim.Addrs) string {
		for _, e := range endpoints {
			if e.Name == name && e.Addrs.Equal(a) {
				return name
			}
		}
		return a.String()
	}
	used := map[string]int{}
	for _, rf := range flows {
		q := rf.Query()
		in := Intent{Name: rf.Name, Reason: rf.Reason, From: side(rf.From, rf.Src), To: side(rf.To, rf.Dst), Protocol: rf.Protocol}
		if !rf.Origin.IsZero() {
			if in.Reason == "" || in.Reason == "-" {
				in.Reason = "source: " + rf.Origin.String()
			} else {
				in.Reason += " (source: " + rf.Origin.String() + ")"
			}
		}
		if rf.Protocol.HasPorts() {
			in.Ports = rf.Ports
		}
		if rf.Protocol.IsICMP() {
			t, c := q.ICMPType, q.ICMPCode
			in.ICMPType, in.ICMPCode = &t, &c
		}
		conn := rf.Protocol == sgsim.TCP || rf.Protocol == sgsim.SCTP
		switch q.Question.For(rf.Protocol) {
		case sgsim.Answered:
			in.Kind = MustBeAnswerable
			if conn {
				in.Kind = MustAllow
			}
		default:
			if conn {
				return File{}, fmt.Errorf("%s: a one-way (delivered) %s flow has no intent kind", rf.Name, rf.Protocol)
			}
			in.Kind = MustAllow
		}
		if used[in.Name]++; used[in.Name] > 1 {
			in.Name += " (" + strconv.Itoa(used[in.Name]) + ")"
		}
		f.Intents = append(f.Intents, in)
	}
	return f, nil
}
