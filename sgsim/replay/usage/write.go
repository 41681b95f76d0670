package usage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/replay"
)

// WriteText writes the report as tables: the observation window, one row
// per hop and rule with its counts, what each used allow rule's traffic
// used next to what the rule opens, and the unused allow rules.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "observed %s to %s: %d flows counted against rules", stamp(r.First), stamp(r.Last), r.Flows)
	if r.Outside > 0 {
		fmt.Fprintf(bw, " (%d of them %s)", r.Outside, replay.OutsideText)
	}
	if r.Inner > 0 {
		fmt.Fprintf(bw, ", %d tunnelled inner flows decided by their outer flows", r.Inner)
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw)
	if len(r.Entries) == 0 {
		// A table header alone read as if rows were lost.
		fmt.Fprintln(bw, "no hop evaluated any flow: no rule decided one")
	} else {
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "HOP\tACTION\tRULE\tFLOWS\tALLOWED\tPACKETS\tBYTES")
		for _, e := range r.Entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", e.Hop, e.Action, e.name(), e.Flows, e.Allowed, e.Packets, e.Bytes)
		}
		tw.Flush()
	}
	first := true
	for _, e := range r.Entries {
		if e.Used == nil {
			continue
		}
		if first {
			fmt.Fprintln(bw, "\nallow rules: what traffic used of what they open")
			first = false
		}
		fmt.Fprintf(bw, "  %s at %s\n    opens: %s\n    used:  %s\n", e.name(), e.Hop, e.Text, e.Used)
	}
	if len(r.Unused) > 0 {
		fmt.Fprintf(bw, "\n%d allow rules no flow used:\n", len(r.Unused))
		for _, u := range r.Unused {
			fmt.Fprintf(bw, "  %s: %s", refName(u.Ref, u.Rule), u.Text)
			if u.Origin != "" {
				fmt.Fprintf(bw, " (from %s)", u.Origin)
			}
			fmt.Fprintln(bw)
		}
	} else {
		fmt.Fprintln(bw, "\nevery allow rule was used")
	}
	return bw.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "(no timestamp)"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// refName names a rule: `sg web #2 "allow-https"` (1-based index).
func refName(ref sgsim.RuleRef, id string) string {
	kind := "sg"
	if ref.ACL {
		kind = "acl"
	}
	s := kind + " " + ref.Group + " #" + strconv.Itoa(ref.Index+1)
	if id != "" {
		s += " " + strconv.Quote(id)
	}
	return s
}

func (e *Entry) name() string {
	if e.Text == "" {
		return e.Why
	}
	if e.Why != "" { // a rule the network could not place
		return e.Why
	}
	return refName(e.Ref, e.Rule)
}

// String summarizes the space used: "tcp 443,8443 udp 53 icmp 8/0 from
// 10.0.1.0/30 (within 10.0.1.0/30) to 10.0.2.9/32 (within 10.0.2.9/32)":
// each side's addresses, then the narrowest prefix per family holding
// them. A side kept as prefixes over the address limit (Used.SrcBits)
// says so instead, as its prefixes are then wider than the addresses
// seen, and names the narrowest prefix those lie within: "from
// 10.0.1.0/24 [more distinct addresses than the limit: kept as /24, a
// superset of those seen, which lie within 10.0.1.0/28]".
func (u *Used) String() string {
	var parts []string
	ports := map[sgsim.Protocol]sgsim.Ports{}
	for _, p := range u.Ports {
		ports[p.Protocol] = p.Ports
	}
	for _, p := range u.Protocols {
		s := p.String()
		if ps, ok := ports[p]; ok {
			s += " " + ps.String()
		}
		if p.IsICMP() {
			var ts []string
			for _, c := range u.ICMP {
				if c.Protocol == p {
					ts = append(ts, strconv.Itoa(int(c.Type))+"/"+strconv.Itoa(int(c.Code)))
				}
			}
			s += " " + strings.Join(ts, ",")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ") + " from " + side(u.Src, u.SrcCover, u.SrcBits) + " to " + side(u.Dst, u.DstCover, u.DstBits)
}

// side writes one side's addresses: exact, "10.0.1.4/31 (within
// 10.0.1.4/30)"; kept as prefixes over the address limit, "10.0.1.0/24
// [more distinct addresses than the limit: kept as /24, a superset of
// those seen, which lie within 10.0.1.0/28]", since the kept prefixes are
// then wider than the addresses and need not lie within their cover.
func side(exact, cover []netip.Prefix, bits [2]int) string {
	var ss []string
	if bits[0] != 32 {
		ss = append(ss, "/"+strconv.Itoa(bits[0]))
	}
	if bits[1] != 128 {
		ss = append(ss, "/"+strconv.Itoa(bits[1])+" (IPv6)")
	}
	if ss == nil {
		return pfx(exact) + " (within " + pfx(cover) + ")"
	}
	return pfx(exact) + " [more distinct addresses than the limit: kept as " + strings.Join(ss, " and ") +
		", a superset of those seen, which lie within " + pfx(cover) + "]"
}

// pfx lists prefixes, the first 8 and then how many more.
func pfx(ps []netip.Prefix) string {
	const most = 8
	var ss []string
	for i, p := range ps {
		if i == most {
			ss = append(ss, "... "+strconv.Itoa(len(ps)-most)+" more")
			break
		}
		ss = append(ss, p.String())
	}
	return strings.Join(ss, ",")
}

// JSONReport is the report's JSON form (WriteJSON).
type JSONReport struct {
	First   string       `json:"first,omitempty"` // RFC 3339
	Last    string       `json:"last,omitempty"`
	Flows   uint64       `json:"flows"`
	Inner   uint64       `json:"inner_flows"`
	Outside uint64       `json:"outside_flows"` // flows no hop evaluated
	Entries []JSONEntry  `json:"rules"`
	Unused  []JSONUnused `json:"unused"`
}

// JSONEntry is an Entry's JSON form.
type JSONEntry struct {
	Hop     string    `json:"hop"`
	Action  string    `json:"action"`
	Kind    string    `json:"kind,omitempty"` // "sg" or "acl"
	Group   string    `json:"group,omitempty"`
	Index   *int      `json:"index,omitempty"` // 0-based index in the group's rules
	Rule    string    `json:"rule,omitempty"`
	Text    string    `json:"text,omitempty"`
	Origin  string    `json:"origin,omitempty"`
	Why     string    `json:"why,omitempty"`
	Flows   uint64    `json:"flows"`
	Allowed uint64    `json:"allowed_flows"`
	Packets uint64    `json:"packets"`
	Bytes   uint64    `json:"bytes"`
	Used    *JSONUsed `json:"used,omitempty"`
}

// JSONUsed is a Used's JSON form.
type JSONUsed struct {
	Src      []string          `json:"src"`
	Dst      []string          `json:"dst"`
	SrcCover []string          `json:"src_cover"`
	DstCover []string          `json:"dst_cover"`
	Ports    map[string]string `json:"ports,omitempty"` // protocol: ranges
	ICMP     []string          `json:"icmp,omitempty"`  // "icmp 8/0"
	Protos   []string          `json:"protocols"`
	// SrcBits and DstBits are the prefix lengths addresses were kept at
	// when over the limit (Used.SrcBits): absent when exact.
	SrcBits *[2]int `json:"src_aggregated_to,omitempty"`
	DstBits *[2]int `json:"dst_aggregated_to,omitempty"`
}

// JSONUnused is an Unused's JSON form.
type JSONUnused struct {
	Kind   string `json:"kind"`
	Group  string `json:"group"`
	Index  int    `json:"index"`
	Rule   string `json:"rule,omitempty"`
	Text   string `json:"text"`
	Origin string `json:"origin,omitempty"`
}

func strs(ps []netip.Prefix) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func kind(acl bool) string {
	if acl {
		return "acl"
	}
	return "sg"
}

// JSON returns the report's JSON form.
func (r *Report) JSON() JSONReport {
	j := JSONReport{Flows: r.Flows, Inner: r.Inner, Outside: r.Outside, Entries: []JSONEntry{}, Unused: []JSONUnused{}}
	if !r.First.IsZero() {
		j.First, j.Last = r.First.UTC().Format(time.RFC3339Nano), r.Last.UTC().Format(time.RFC3339Nano)
	}
	for _, e := range r.Entries {
		je := JSONEntry{Hop: e.Hop.String(), Action: e.Action.String(), Rule: e.Rule, Text: e.Text, Origin: e.Origin, Why: e.Why,
			Flows: e.Flows, Allowed: e.Allowed, Packets: e.Packets, Bytes: e.Bytes}
		if e.Text != "" && e.Why == "" {
			i := e.Ref.Index
			je.Kind, je.Group, je.Index = kind(e.Ref.ACL), e.Ref.Group, &i
		}
		if u := e.Used; u != nil {
			ju := &JSONUsed{Src: strs(u.Src), Dst: strs(u.Dst), SrcCover: strs(u.SrcCover), DstCover: strs(u.DstCover)}
			if u.SrcBits != [2]int{32, 128} {
				b := u.SrcBits
				ju.SrcBits = &b
			}
			if u.DstBits != [2]int{32, 128} {
				b := u.DstBits
				ju.DstBits = &b
			}
			for _, p := range u.Protocols {
				ju.Protos = append(ju.Protos, p.String())
			}
			if len(u.Ports) > 0 {
				ju.Ports = map[string]string{}
				for _, p := range u.Ports {
					ju.Ports[p.Protocol.String()] = p.Ports.String()
				}
			}
			for _, c := range u.ICMP {
				ju.ICMP = append(ju.ICMP, fmt.Sprintf("%s %d/%d", c.Protocol, c.Type, c.Code))
			}
			je.Used = ju
		}
		j.Entries = append(j.Entries, je)
	}
	for _, u := range r.Unused {
		j.Unused = append(j.Unused, JSONUnused{Kind: kind(u.Ref.ACL), Group: u.Ref.Group, Index: u.Ref.Index, Rule: u.Rule, Text: u.Text, Origin: u.Origin})
	}
	return j
}

// WriteJSON writes the report as one indented JSON object (JSONReport).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.JSON())
}
