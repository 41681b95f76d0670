package analyze

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/sgsim/sgsim/sgsim"
)

func rowLabel(i int) string { return "S" + strconv.Itoa(i+1) }
func colLabel(i int) string { return "D" + strconv.Itoa(i+1) }

// WriteText writes the groups and, for every row and column group
// between which something passes, one line: "S1 -> D2: tcp 22,443; icmp
// echo". Pairs with nothing passing are not listed.
func (m *ConnMap) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d endpoints: %d source groups, %d destination groups (endpoints that behave alike are merged)\n",
		len(m.Endpoints), len(m.RowGroups), len(m.ColGroups))
	for i, g := range m.RowGroups {
		fmt.Fprintf(bw, "  %s: %s\n", rowLabel(i), m.GroupName(g))
	}
	for i, g := range m.ColGroups {
		fmt.Fprintf(bw, "  %s: %s\n", colLabel(i), m.GroupName(g))
	}
	fmt.Fprintln(bw, "what passes (round trip unless one-way; partial: not every address or source port):")
	if m.usesOther() {
		fmt.Fprintf(bw, "  (other: the IP protocols no rule names, %s)\n", m.Other)
	}
	none := true
	for r := range m.RowGroups {
		for c := range m.ColGroups {
			if s := m.Group(r, c).String(); s != "" {
				fmt.Fprintf(bw, "  %s -> %s: %s\n", rowLabel(r), colLabel(c), s)
				none = false
			}
		}
	}
	if none {
		fmt.Fprintln(bw, "  nothing")
	}
	return bw.Flush()
}

// usesOther reports whether some cell has an Other passage.
func (m *ConnMap) usesOther() bool {
	for i := range m.Cells {
		for j := range m.Cells[i] {
			for _, p := range m.Cells[i][j].Passages {
				if p.Other {
					return true
				}
			}
		}
	}
	return false
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// WriteMarkdown writes the group matrix as a Markdown table, the groups'
// members below it.
func (m *ConnMap) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("| from \\ to |")
	for c := range m.ColGroups {
		bw.WriteString(" " + colLabel(c) + " |")
	}
	bw.WriteString("\n| --- |" + strings.Repeat(" --- |", len(m.ColGroups)) + "\n")
	for r := range m.RowGroups {
		bw.WriteString("| " + rowLabel(r) + " |")
		for c := range m.ColGroups {
			s := m.Group(r, c).String()
			if s == "" {
				s = "-"
			}
			bw.WriteString(" " + mdEscape(s) + " |")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("\n")
	for i, g := range m.RowGroups {
		fmt.Fprintf(bw, "- %s (from): %s\n", rowLabel(i), mdEscape(m.GroupName(g)))
	}
	for i, g := range m.ColGroups {
		fmt.Fprintf(bw, "- %s (to): %s\n", colLabel(i), mdEscape(m.GroupName(g)))
	}
	return bw.Flush()
}

// WriteCSV writes one record per endpoint pair and protocol on which
// something passes, not merged: src, dst, src_group, dst_group,
// protocol (Passage.Name: "tcp", "icmp", "proto 99", "other"),
// round_trip, one_way (ports, ICMP messages as ICMPMessages writes them,
// or "yes" for a protocol without ports), partial.
func (m *ConnMap) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"src", "dst", "src_group", "dst_group", "protocol", "round_trip", "one_way", "partial"})
	rg, cg := mapGroupOf(m.RowGroups, len(m.Endpoints)), mapGroupOf(m.ColGroups, len(m.Endpoints))
	for i := range m.Endpoints {
		for j := range m.Endpoints {
			for _, p := range m.Cells[i][j].Passages {
				cw.Write([]string{m.Endpoints[i], m.Endpoints[j], rowLabel(rg[i]), colLabel(cg[j]), p.Name(),
					mapPortsText(&p, p.RoundTrip), mapPortsText(&p, p.OneWay), strconv.FormatBool(p.Partial)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// mapPortsText is the CSV and JSON form of a passage's ports: the ports,
// the ICMP messages (ICMPMessages), "yes" for a protocol without ports,
// or "" when ps is empty.
func mapPortsText(p *Passage, ps sgsim.Ports) string {
	if len(ps) == 0 {
		return ""
	}
	if w := p.What(ps); w != "" {
		return w
	}
	return "yes"
}

func mapGroupOf(gs [][]int, n int) []int {
	out := make([]int, n)
	for g, members := range gs {
		for _, i := range members {
			out[i] = g
		}
	}
	return out
}

// JSONMap is a ConnMap's JSON form.
type JSONMap struct {
	Endpoints []string      `json:"endpoints"`
	RowGroups []JSONGroup   `json:"source_groups"`
	ColGroups []JSONGroup   `json:"destination_groups"`
	Cells     []JSONMapCell `json:"cells"` // one per group pair on which something passes
	// Other lists the protocol numbers the passages named "other" speak
	// for: those no rule names ("0,2-5,7-16,...").
	Other string `json:"other_protocols,omitempty"`
}

// JSONGroup is a group of endpoints.
type JSONGroup struct {
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

// JSONMapCell is what passes from a source group to a destination group.
type JSONMapCell struct {
	From     string        `json:"from"`
	To       string        `json:"to"`
	Passages []JSONPassage `json:"passages"`
	Summary  string        `json:"summary"`
}

// JSONPassage is a Passage's JSON form.
type JSONPassage struct {
	Protocol  string   `json:"protocol"` // Passage.Name
	RoundTrip string   `json:"round_trip,omitempty"`
	OneWay    string   `json:"one_way,omitempty"`
	Partial   bool     `json:"partial,omitempty"`
	Allowed   []string `json:"allowed,omitempty"` // the answered space of the group's first pair
	Witness   []string `json:"witness,omitempty"` // an answered flow's hops with their deciding rules
}

// JSON returns the map's JSON form.
func (m *ConnMap) JSON() JSONMap {
	j := JSONMap{Endpoints: m.Endpoints, RowGroups: []JSONGroup{}, ColGroups: []JSONGroup{}, Cells: []JSONMapCell{}}
	if len(m.Other) > 0 {
		j.Other = m.Other.String()
	}
	names := func(g []int) []string {
		var out []string
		for _, i := range g {
			out = append(out, m.Endpoints[i])
		}
		return out
	}
	for i, g := range m.RowGroups {
		j.RowGroups = append(j.RowGroups, JSONGroup{rowLabel(i), names(g)})
	}
	for i, g := range m.ColGroups {
		j.ColGroups = append(j.ColGroups, JSONGroup{colLabel(i), names(g)})
	}
	for r := range m.RowGroups {
		for c := range m.ColGroups {
			cl := m.Group(r, c)
			if len(cl.Passages) == 0 {
				continue
			}
			jc := JSONMapCell{From: rowLabel(r), To: colLabel(c), Summary: cl.String()}
			for _, p := range cl.Passages {
				jc.Passages = append(jc.Passages, jsonPassage(&p))
			}
			j.Cells = append(j.Cells, jc)
		}
	}
	return j
}

func jsonPassage(p *Passage) JSONPassage {
	jp := JSONPassage{Protocol: p.Name(), RoundTrip: mapPortsText(p, p.RoundTrip), OneWay: mapPortsText(p, p.OneWay), Partial: p.Partial}
	for _, r := range p.Allowed {
		jp.Allowed = append(jp.Allowed, r.String())
	}
	for _, r := range p.OneWayRegions {
		jp.Allowed = append(jp.Allowed, r.String()+" (one-way)")
	}
	if len(p.Witness.Steps) > 0 {
		jp.Witness = append(jp.Witness, p.Witness.Flow.String())
		for _, s := range p.Witness.Steps {
			jp.Witness = append(jp.Witness, s.String())
		}
	}
	return jp
}

// WriteJSON writes the map as one indented JSON object (JSONMap).
func (m *ConnMap) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m.JSON())
}

func dotQuote(s string) string { return strconv.Quote(s) }

// WriteDOT writes the map as a Graphviz digraph: a node per source group
// and per destination group (labelled with their members), an edge per
// group pair on which something passes, labelled with what passes
// (dashed when one-way only).
func (m *ConnMap) WriteDOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph connectivity {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n")
	for i, g := range m.RowGroups {
		fmt.Fprintf(bw, "  %s [label=%s];\n", rowLabel(i), dotQuote(rowLabel(i)+": "+m.GroupName(g)))
	}
	for i, g := range m.ColGroups {
		fmt.Fprintf(bw, "  %s [label=%s];\n", colLabel(i), dotQuote(colLabel(i)+": "+m.GroupName(g)))
	}
	for r := range m.RowGroups {
		for c := range m.ColGroups {
			cl := m.Group(r, c)
			s := cl.String()
			if s == "" {
				continue
			}
			style := ""
			oneWay := true
			for _, p := range cl.Passages {
				if len(p.RoundTrip) > 0 {
					oneWay = false
				}
			}
			if oneWay {
				style = ", style=dashed"
			}
			fmt.Fprintf(bw, "  %s -> %s [label=%s%s];\n", rowLabel(r), colLabel(c), dotQuote(s), style)
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// WriteHTML writes one self-contained HTML page (no external assets):
// the group matrix as inline SVG, one square per source and destination
// group, its kind (nothing, round trip, partial or mixed, one-way only)
// shown by colour and by a symbol, explained in a legend; clicking a square shows what passes, the exact allowed
// space and an answered flow's hops with their deciding rules. The page
// address may end in #select=N to select square N (row-major) on load;
// the script marks the html element data-ready when it has run.
func (m *ConnMap) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	const cellW, cellH, left, top = 44, 28, 60, 40
	width := left + cellW*len(m.ColGroups) + 10
	height := top + cellH*len(m.RowGroups) + 10
	type detail struct {
		From, To string
		Members  [2]string
		Summary  string
		Passages []JSONPassage
	}
	var details []detail
	bw.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sgsim connectivity map</title>
<style>
body{font-family:sans-serif;margin:1em}
rect.cell{stroke:#888;cursor:pointer}
rect.cell:hover{stroke:#000;stroke-width:2}
rect.sel{stroke:#d00;stroke-width:3}
#detail{white-space:pre-wrap;font-family:monospace;border:1px solid #ccc;padding:.5em;min-height:3em}
td,th{text-align:left;padding:0 .5em}
#legend{list-style:none;padding:0}
#legend .key{display:inline-block;width:2em;text-align:center;border:1px solid #888;margin-right:.5em}
</style></head><body>
<h1>Connectivity map</h1>
`)
	fmt.Fprintf(bw, "<p id=\"summary\">%d endpoints, %d source groups (rows), %d destination groups (columns). Click a square.</p>\n",
		len(m.Endpoints), len(m.RowGroups), len(m.ColGroups))
	bw.WriteString("<ul id=\"legend\">\n")
	for k, ck := range cellKinds {
		fmt.Fprintf(bw, "<li data-kind=\"%s\"><span class=\"key\" style=\"background:%s;color:%s\">%s</span> %s</li>\n",
			ck.name, cellFills[k], cellInks[k], html.EscapeString(ck.symbol), html.EscapeString(ck.words))
	}
	bw.WriteString("</ul>\n")
	fmt.Fprintf(bw, "<svg id=\"matrix\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"connectivity matrix\">\n", width, height)
	for c := range m.ColGroups {
		fmt.Fprintf(bw, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n", left+cellW*c+cellW/2, top-10, colLabel(c))
	}
	for r := range m.RowGroups {
		fmt.Fprintf(bw, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>\n", left-8, top+cellH*r+cellH/2+4, rowLabel(r))
		for c := range m.ColGroups {
			cl := m.Group(r, c)
			k := cl.kind()
			fill := cellFills[k]
			d := detail{From: rowLabel(r), To: colLabel(c), Members: [2]string{m.GroupName(m.RowGroups[r]), m.GroupName(m.ColGroups[c])}, Summary: cl.String()}
			for _, p := range cl.Passages {
				d.Passages = append(d.Passages, jsonPassage(&p))
			}
			fmt.Fprintf(bw, "<rect class=\"cell\" data-i=\"%d\" data-kind=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>\n",
				len(details), cellKinds[k].name, left+cellW*c, top+cellH*r, cellW, cellH, fill,
				html.EscapeString(d.From+" -> "+d.To+" ("+cellKinds[k].words+"): "+orNothing(d.Summary)))
			fmt.Fprintf(bw, "<text class=\"sym\" x=\"%d\" y=\"%d\" font-size=\"16\" text-anchor=\"middle\" pointer-events=\"none\" aria-hidden=\"true\" fill=\"%s\">%s</text>\n",
				left+cellW*c+cellW/2, top+cellH*r+cellH/2+6, cellInks[k], cellKinds[k].symbol)
			details = append(details, d)
		}
	}
	bw.WriteString("</svg>\n<h2>Selected</h2>\n<div id=\"detail\">Click a square of the matrix.</div>\n<h2>Groups</h2>\n<table>\n")
	for i, g := range m.RowGroups {
		fmt.Fprintf(bw, "<tr><th>%s (from)</th><td>%s</td></tr>\n", rowLabel(i), html.EscapeString(m.GroupName(g)))
	}
	for i, g := range m.ColGroups {
		fmt.Fprintf(bw, "<tr><th>%s (to)</th><td>%s</td></tr>\n", colLabel(i), html.EscapeString(m.GroupName(g)))
	}
	bw.WriteString("</table>\n<script id=\"cells\" type=\"application/json\">")
	// encoding/json escapes <, > and & inside strings, so the data cannot
	// end the script element.
	if err := json.NewEncoder(bw).Encode(details); err != nil {
		return err
	}
	bw.WriteString(`</script>
<script>
"use strict";
(function () {
  var cells = JSON.parse(document.getElementById("cells").textContent);
  var out = document.getElementById("detail");
  var sel = null;
  function show(i) {
    var d = cells[i];
    var lines = [d.From + " (" + d.Members[0] + ") -> " + d.To + " (" + d.Members[1] + ")", d.Summary || "nothing passes"];
    (d.Passages || []).forEach(function (p) {
      lines.push("");
      lines.push(p.protocol + (p.round_trip ? " round trip: " + p.round_trip : "") + (p.one_way ? " one-way: " + p.one_way : "") + (p.partial ? " (partial)" : ""));
      (p.allowed || []).forEach(function (a) { lines.push("  allowed: " + a); });
      if (p.witness) {
        lines.push("  deciding rules, for " + p.witness[0] + ":");
        p.witness.slice(1).forEach(function (s) { lines.push("    " + s); });
      }
    });
    out.textContent = lines.join("\n");
  }
  Array.prototype.forEach.call(document.querySelectorAll("rect.cell"), function (r) {
    r.addEventListener("click", function () {
      if (sel) { sel.classList.remove("sel"); }
      sel = r;
      r.classList.add("sel");
      show(+r.getAttribute("data-i"));
    });
  });
  // #select=N selects square N on load (for links, and for checking the
  // page in a headless browser); data-ready says the script ran.
  var m = /^#select=(\d+)$/.exec(location.hash);
  if (m) {
    var r = document.querySelector('rect.cell[data-i="' + m[1] + '"]');
    if (r) { r.dispatchEvent(new MouseEvent("click")); }
  }
  document.documentElement.setAttribute("data-ready", String(cells.length));
})();
</script>
</body></html>
`)
	return bw.Flush()
}

// A square's kind, shown by its colour and, so that colour is not the
// only cue, by a symbol in it (and in words in its title and the
// legend).
var cellKinds = [...]struct{ name, symbol, words string }{
	{"none", "–", "nothing passes"},
	{"full", "●", "round trip, every flow"},
	{"partial", "◐", "round trip, but not every flow or some only one way"},
	{"oneway", "→", "one way only"},
}

// The fill and symbol colours of each kind.
var (
	cellFills = [...]string{"#ffffff", "#2b6cb0", "#90cdf4", "#c6f6d5"}
	cellInks  = [...]string{"#555555", "#ffffff", "#000000", "#000000"}
)

// kind returns the index in cellKinds of the cell: nothing passes; every
// passage round trip and not partial; one-way only; or a mix (some
// round trip, but partial or with one-way ports).
func (c *Cell) kind() int {
	if len(c.Passages) == 0 {
		return 0
	}
	rt, mixed := false, false
	for _, p := range c.Passages {
		if len(p.RoundTrip) > 0 {
			rt = true
		}
		if p.Partial || len(p.OneWay) > 0 {
			mixed = true
		}
	}
	switch {
	case !rt:
		return 3
	case mixed:
		return 2
	}
	return 1
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
