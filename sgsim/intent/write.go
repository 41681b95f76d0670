package intent

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/sgsim/sgsim/sgsim"
)

// Write writes f as an intent file in JSON (which Read reads back to an
// equal File, positions aside), grouped by kind in file order.
func Write(w io.Writer, f File) error {
	type entry struct {
		Name     string `json:"name"`
		Reason   string `json:"reason,omitempty"`
		From     string `json:"from"`
		To       string `json:"to"`
		Protocol string `json:"protocol"`
		Ports    string `json:"ports,omitempty"`
		ICMPType *uint8 `json:"icmp_type,omitempty"`
		ICMPCode *uint8 `json:"icmp_code,omitempty"`
	}
	out := struct {
		Version          int     `json:"version"`
		MustAllow        []entry `json:"must_allow"`
		MustDeny         []entry `json:"must_deny"`
		MustBeAnswerable []entry `json:"must_be_answerable"`
	}{Version: Version, MustAllow: []entry{}, MustDeny: []entry{}, MustBeAnswerable: []entry{}}
	for _, in := range f.Intents {
		e := entry{Name: in.Name, Reason: in.Reason, From: in.From, To: in.To, Protocol: protoText(in.Protocol),
			ICMPType: in.ICMPType, ICMPCode: in.ICMPCode}
		if in.Ports != nil {
			e.Ports = in.Ports.String()
		}
		switch in.Kind {
		case MustAllow:
			out.MustAllow = append(out.MustAllow, e)
		case MustDeny:
			out.MustDeny = append(out.MustDeny, e)
		case MustBeAnswerable:
			out.MustBeAnswerable = append(out.MustBeAnswerable, e)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// protoText is the protocol's name, or its number for protocols without
// one (which Read reads back).
func protoText(p sgsim.Protocol) string {
	if n, ok := p.Number(); ok {
		if _, err := sgsim.ParseProtocol(p.String()); err != nil {
			return strconv.Itoa(int(n))
		}
	}
	return p.String()
}
