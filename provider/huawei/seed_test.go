package huawei

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/provider/internal/seed/seedtest"
)

// tableNames are the keys every revision must have.
var tableNames = []string{"Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Table 6", "Table 7", "Table 8"}

// wantRows is the number of rows per table, counted by reading each seed
// document (not by the code under test).
var wantRows = map[Revision]map[string]int{
	Older: {"Table 1": 9, "Table 2": 7, "Table 3": 7, "Table 4": 8, "Table 5": 7, "Table 6": 8, "Table 7": 3, "Table 8": 11},
	Newer: {"Table 1": 9, "Table 2": 7, "Table 3": 7, "Table 4": 8, "Table 5": 7, "Table 6": 8, "Table 7": 3, "Table 8": 14},
}

var revisions = []Revision{Newer, Older}

// symbolic lists every symbolic Remote of package seed.
var symbolic = map[seed.Remote]bool{
	seed.Any: true, seed.VPC: true, seed.Containers: true, seed.VPCContainers: true,
	seed.ContainerSub: true, seed.Masters: true, seed.Nodes: true, seed.Services: true,
	seed.DNS: true, seed.LoadBalancer: true, seed.Mesh: true, seed.GroupWorker: true,
	seed.GroupMaster: true, seed.GroupENI: true, seed.Unstated: true,
}

func TestInvariants(t *testing.T) {
	for _, rev := range revisions {
		tables := SeedTables(rev)
		if len(tables) != len(tableNames) {
			t.Errorf("%v: %d tables, want %d", rev, len(tables), len(tableNames))
		}
		// Row counts as read from the documents; TestAgainstDocuments
		// checks them too, but skips without ../shared.
		var all []seed.Row
		for _, rows := range tables {
			all = append(all, rows...)
		}
		t.Run(rev.String()+" row counts", func(t *testing.T) { seedtest.CheckCounts(t, all, wantRows[rev]) })
		for _, name := range tableNames {
			rows, ok := tables[name]
			if !ok {
				t.Errorf("%v: %s missing", rev, name)
				continue
			}
			if len(rows) == 0 {
				t.Errorf("%v %s: no rows", rev, name)
			}
			for i, r := range rows {
				where := fmt.Sprintf("%v %s row %d", rev, name, i+1)
				if r.Doc == "" || r.Doc != rev.Doc() {
					t.Errorf("%s: Doc %q, want %q", where, r.Doc, rev.Doc())
				}
				if r.Table != name {
					t.Errorf("%s: Table %q", where, r.Table)
				}
				if r.Row != i+1 {
					t.Errorf("%s: Row %d, want %d", where, r.Row, i+1)
				}
				switch r.Group {
				case groupWorker, groupMaster, groupENI:
				default:
					t.Errorf("%s: Group %q", where, r.Group)
				}
				if r.Direction != "ingress" && r.Direction != "egress" {
					t.Errorf("%s: Direction %q", where, r.Direction)
				}
				if r.Action != "allow" && r.Action != "deny" {
					t.Errorf("%s: Action %q", where, r.Action)
				}
				switch r.Protocol {
				case "tcp", "udp":
				case "any", "icmp":
					if r.Ports != "" {
						t.Errorf("%s: protocol %s with Ports %q", where, r.Protocol, r.Ports)
					}
				default:
					t.Errorf("%s: Protocol %q", where, r.Protocol)
				}
				if msg := seedtest.CheckPorts(r.Ports); msg != "" {
					t.Errorf("%s: Ports %q: %s", where, r.Ports, msg)
				}
				if !symbolic[r.Remote] {
					if _, err := netip.ParsePrefix(string(r.Remote)); err != nil {
						t.Errorf("%s: Remote %q is neither symbolic nor a CIDR: %v", where, r.Remote, err)
					}
				}
				if r.Purpose == "" {
					t.Errorf("%s: empty Purpose", where)
				}
				if name == "Table 8" {
					if r.Group != groupWorker || r.Direction != "egress" {
						t.Errorf("%s: Table 8 row is %s %s, want worker egress", where, r.Group, r.Direction)
					}
					if r.Modifiable != "" || r.Suggestion != "" {
						t.Errorf("%s: Table 8 has no Modifiable/Suggestion columns", where)
					}
				} else if r.Modifiable == "" || r.Suggestion == "" {
					t.Errorf("%s: empty Modifiable or Suggestion", where)
				}
			}
		}
	}
}

func TestTableGroups(t *testing.T) {
	want := map[string]string{
		"Table 1": groupWorker, "Table 2": groupMaster, "Table 3": groupWorker, "Table 4": groupMaster,
		"Table 5": groupWorker, "Table 6": groupMaster, "Table 7": groupENI, "Table 8": groupWorker,
	}
	for _, rev := range revisions {
		for name, rows := range SeedTables(rev) {
			for _, r := range rows {
				if r.Group != want[name] {
					t.Errorf("%v %s row %d: Group %q, want %q", rev, name, r.Row, r.Group, want[name])
				}
			}
		}
	}
}

func TestAccessor(t *testing.T) {
	if SeedTables(Revision(99)) != nil {
		t.Error("unknown revision: want nil")
	}
	if Revision(99).Doc() != "" {
		t.Error("unknown revision: want empty Doc")
	}
	if Default != Newer || Revision(0) != Newer {
		t.Error("the newer revision must be the default and the zero value")
	}
	a := SeedTables(Default)
	a["Table 1"][0].Purpose = "changed"
	delete(a, "Table 2")
	b := SeedTables(Default)
	if b["Table 1"][0].Purpose == "changed" || b["Table 2"] == nil {
		t.Error("SeedTables must return copies")
	}
}

// find returns the rows of a table that match protocol, ports and remote.
func find(rows []seed.Row, proto, ports string, remote seed.Remote) []seed.Row {
	var out []seed.Row
	for _, r := range rows {
		if r.Protocol == proto && r.Ports == ports && r.Remote == remote {
			out = append(out, r)
		}
	}
	return out
}

func TestRevisionDifferences(t *testing.T) {
	newer, older := SeedTables(Newer), SeedTables(Older)
	n8, o8 := newer["Table 8"], older["Table 8"]

	// DNS over TCP and CoreDNS 5353: newer only.
	if len(find(n8, "tcp", "53", seed.DNS)) != 1 || len(find(n8, "udp", "53", seed.DNS)) != 1 {
		t.Error("newer Table 8: want one TCP 53 and one UDP 53 row to the subnet DNS")
	}
	if len(find(o8, "tcp", "53", seed.DNS)) != 0 || len(find(o8, "udp", "53", seed.DNS)) != 1 {
		t.Error("older Table 8: want UDP 53 only")
	}
	for _, proto := range []string{"tcp", "udp"} {
		if len(find(n8, proto, "5353", seed.Containers)) != 1 {
			t.Errorf("newer Table 8: want a %s 5353 row to the container CIDR", proto)
		}
	}
	for _, r := range o8 {
		if r.Ports == "53" && r.Protocol == "tcp" || r.Ports == "5353" {
			t.Errorf("older Table 8 row %d: %s %s is newer-only", r.Row, r.Protocol, r.Ports)
		}
	}

	// NTP, OBS and installer report: 100.126.0.0/16 (older) vs 100.125.0.0/16 (newer).
	for _, c := range []struct {
		rows   []seed.Row
		rev    Revision
		use    seed.Remote
		absent seed.Remote
	}{
		{n8, Newer, "100.125.0.0/16", "100.126.0.0/16"},
		{o8, Older, "100.126.0.0/16", "100.125.0.0/16"},
	} {
		for _, pp := range [][2]string{{"udp", "123"}, {"tcp", "443"}, {"tcp", "6443"}} {
			if len(find(c.rows, pp[0], pp[1], c.use)) != 1 {
				t.Errorf("%v Table 8: want %s %s to %s", c.rev, pp[0], pp[1], c.use)
			}
		}
		for _, r := range c.rows {
			if r.Remote == c.absent {
				t.Errorf("%v Table 8 row %d: %s belongs to the other revision", c.rev, r.Row, c.absent)
			}
		}
	}

	// Column vocabulary: the newer "Modification Suggestion" column takes
	// the place of the older "Modifiable" one.
	vocab := map[Revision]map[string]bool{
		Older: {"No": true, "Yes": true, "Recommended": true},
		Newer: {"Modification not recommended": true, "Modification made if necessary": true, "Modification recommended": true},
	}
	mapping := map[string]string{"No": "Modification not recommended", "Yes": "Modification made if necessary", "Recommended": "Modification recommended"}
	for _, rev := range revisions {
		for _, name := range tableNames[:7] {
			for _, r := range SeedTables(rev)[name] {
				if !vocab[rev][r.Modifiable] {
					t.Errorf("%v %s row %d: Modifiable %q not in this revision's vocabulary", rev, name, r.Row, r.Modifiable)
				}
			}
		}
	}

	// Tables 1-7: same rules in both revisions, row for row; only words differ.
	for _, name := range tableNames[:7] {
		n, o := newer[name], older[name]
		if len(n) != len(o) {
			t.Errorf("%s: %d rows newer, %d older", name, len(n), len(o))
			continue
		}
		for i := range n {
			if n[i].Direction != o[i].Direction || n[i].Protocol != o[i].Protocol || n[i].Ports != o[i].Ports || n[i].Remote != o[i].Remote || n[i].Group != o[i].Group {
				t.Errorf("%s row %d: rule differs between revisions: %+v vs %+v", name, i+1, n[i], o[i])
			}
			if mapping[o[i].Modifiable] != n[i].Modifiable {
				t.Errorf("%s row %d: Modifiable %q (older) vs %q (newer)", name, i+1, o[i].Modifiable, n[i].Modifiable)
			}
		}
	}

	// Wording changes recorded in the Revision comment.
	if got := find(n8, "tcp", "6443", seed.Masters); len(got) != 1 || got[0].Purpose != "-" {
		t.Errorf("newer Table 8 TCP 6443 to masters: %+v", got)
	}
	if got := find(o8, "tcp", "6443", seed.Masters); len(got) != 1 || got[0].Purpose != "None" {
		t.Errorf("older Table 8 TCP 6443 to masters: %+v", got)
	}
	if !strings.HasPrefix(find(newer["Table 2"], "tcp", "5443", seed.Any)[0].Purpose, "The HAProxy") ||
		!strings.HasPrefix(find(older["Table 2"], "tcp", "5443", seed.Any)[0].Purpose, "Allow kube-apiserver") {
		t.Error("Table 2 TCP 5443 purpose: want the HAProxy wording in the newer revision only")
	}
}

// sharedSeeds returns the seed directory, or skips the test without it.
func sharedSeeds(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Skipf("no working directory: %v", err)
	}
	dir := filepath.Join(wd, "..", "..", "..", "shared", "seeds")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("seed documents not present at %s", dir)
	}
	return dir
}

var (
	spaceRE   = regexp.MustCompile(`\s+`)
	refRE     = regexp.MustCompile(":ref:`([^<`]*?)\\s*<[^>]*>`")
	captionRE = map[Revision]*regexp.Regexp{
		Older: regexp.MustCompile(`(?m)^Table ([0-9]+) `),
		Newer: regexp.MustCompile(`(?m)^\.\. table:: \*\*Table ([0-9]+)\*\*`),
	}
)

// plain drops reStructuredText inline markup: :ref:`text <target>`,
// “literal“, **strong** and *emphasis*, and backslash-space escapes.
func plain(s string) string {
	s = refRE.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "``", "")
	s = strings.ReplaceAll(s, `\ `, "")
	return strings.ReplaceAll(s, "*", "")
}

func collapse(s string) string { return strings.TrimSpace(spaceRE.ReplaceAllString(s, " ")) }

// olderEndRE finds where a table of the rendered revision ends: at a
// section heading, or at a group heading (a line followed by the
// paragraph that introduces the group's table). Group headings read like
// source cells ("Security group of master nodes"), hence the look at the
// paragraph after them.
var olderEndRE = regexp.MustCompile(`(?m)^(Security Group Rules of |Hardening Outbound Rules$|[^\n]*\n\n(A security group named|In a CCE Turbo cluster, an additional))`)

// sections splits a document into its tables, keyed "Table N": the text
// from a table's caption to the end of the table. In the reStructuredText
// revision the table ends at the first line after the caption that is
// neither blank nor indented.
func sections(t *testing.T, rev Revision, text string) map[string]string {
	t.Helper()
	locs := captionRE[rev].FindAllStringSubmatchIndex(text, -1)
	out := map[string]string{}
	for i, loc := range locs {
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		sec := text[loc[0]:end]
		switch rev {
		case Older:
			if m := olderEndRE.FindStringIndex(sec); m != nil {
				sec = sec[:m[0]]
			}
		case Newer:
			lines := strings.SplitAfter(sec, "\n")
			for j := 1; j < len(lines); j++ {
				if l := lines[j]; strings.TrimSpace(l) != "" && !strings.HasPrefix(l, " ") {
					sec = strings.Join(lines[:j], "")
					break
				}
			}
		}
		name := "Table " + text[loc[2]:loc[3]]
		if _, dup := out[name]; dup {
			t.Errorf("%v: %s captioned twice", rev, name)
		}
		out[name] = sec
	}
	return out
}

func readDoc(t *testing.T, dir string, rev Revision) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, rev.Doc()))
	if err != nil {
		t.Fatalf("%v: %v", rev, err)
	}
	return string(b)
}

func TestAgainstDocuments(t *testing.T) {
	dir := sharedSeeds(t)
	for _, rev := range revisions {
		secs := sections(t, rev, readDoc(t, dir, rev))
		for name, rows := range SeedTables(rev) {
			sec, ok := secs[name]
			if !ok {
				t.Errorf("%v: %s is not captioned in %s", rev, name, rev.Doc())
				continue
			}
			if len(rows) != wantRows[rev][name] {
				t.Errorf("%v %s: %d rows, the document has %d", rev, name, len(rows), wantRows[rev][name])
			}
			body := collapse(plain(sec))
			for _, r := range rows {
				for field, s := range map[string]string{"Purpose": r.Purpose, "Modifiable": r.Modifiable, "Suggestion": r.Suggestion} {
					if s != "" && !strings.Contains(body, collapse(s)) {
						t.Errorf("%v %s row %d: %s %q not in the document's table", rev, name, r.Row, field, s)
					}
				}
			}
		}
		if len(secs) != len(tableNames) {
			t.Errorf("%v: document has %d captioned tables, want %d", rev, len(secs), len(tableNames))
		}
	}
}

// remoteOf maps a source / Allowed CIDR cell of either revision.
func remoteOf(cell string) (seed.Remote, bool) {
	switch cell {
	case "VPC CIDR block":
		return seed.VPC, true
	case "Container CIDR block":
		return seed.Containers, true
	case "Container subnet CIDR block":
		return seed.ContainerSub, true
	case "CIDR block of master nodes", "Master node CIDR block":
		return seed.Masters, true
	case "Security group of master nodes", "Master node security group":
		return seed.GroupMaster, true
	case "Security group of worker nodes", "Worker node security group":
		return seed.GroupWorker, true
	case "ENI security group", "Elastic network interface security group":
		return seed.GroupENI, true
	case "All IP addresses: 0.0.0.0/0", "All IP addresses (0.0.0.0/0)", "All IP addresses":
		return seed.Any, true
	case "DNS server of the subnet":
		return seed.DNS, true
	case "CIDR blocks of the VPC and container", "CIDR blocks of the VPC and containers":
		return seed.VPCContainers, true
	}
	if _, err := netip.ParsePrefix(cell); err == nil {
		return seed.Remote(cell), true
	}
	return "", false
}

var (
	portOneRE   = regexp.MustCompile(`^(TCP|UDP) port ?([0-9]+)( \(.*\))?$`)
	portRangeRE = regexp.MustCompile(`^(TCP|UDP) port range: ([0-9]+) to ([0-9]+)$`)
	portAllRE   = regexp.MustCompile(`^All (UDP|TCP|ICMP) ports$`)
)

// portOf maps a port cell of either revision to protocol and ports.
func portOf(cell string) (proto, ports string, ok bool) {
	switch {
	case cell == "All" || cell == "All ports":
		return "any", "", true
	case portAllRE.MatchString(cell):
		return strings.ToLower(portAllRE.FindStringSubmatch(cell)[1]), "", true
	case portRangeRE.MatchString(cell):
		m := portRangeRE.FindStringSubmatch(cell)
		return strings.ToLower(m[1]), m[2] + "-" + m[3], true
	case portOneRE.MatchString(cell):
		m := portOneRE.FindStringSubmatch(cell)
		return strings.ToLower(m[1]), m[2], true
	}
	return "", "", false
}

// TestNewerGrid reads the grid tables of the reStructuredText revision cell
// by cell and compares every cell with its row. A blank cell must be a
// merged one: the row repeats the row above and its Note says "Merged".
func TestNewerGrid(t *testing.T) {
	dir := sharedSeeds(t)
	secs := sections(t, Newer, readDoc(t, dir, Newer))
	tables := SeedTables(Newer)
	for _, name := range tableNames {
		var grid [][]string
		for _, line := range strings.Split(secs[name], "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "|") {
				continue
			}
			cells := strings.Split(strings.TrimSpace(line), "|")
			cells = cells[1 : len(cells)-1]
			for i := range cells {
				cells[i] = collapse(plain(cells[i]))
			}
			grid = append(grid, cells)
		}
		if len(grid) == 0 {
			t.Errorf("%s: no grid rows", name)
			continue
		}
		header, data := strings.Join(grid[0], " | "), grid[1:]
		wantHeader := "Direction | Port | Default Source Address | Description | Modification Suggestion | Impact After Modification"
		if name == "Table 8" {
			wantHeader = "Port | Allowed CIDR | Description"
		}
		if header != wantHeader {
			t.Errorf("%s: header %q, want %q", name, header, wantHeader)
		}
		rows := tables[name]
		if len(data) != len(rows) || len(data) != wantRows[Newer][name] {
			t.Errorf("%s: %d grid rows, %d Rows, %d counted", name, len(data), len(rows), wantRows[Newer][name])
			continue
		}
		for i, cells := range data {
			r := rows[i]
			where := fmt.Sprintf("%s row %d", name, i+1)
			if name == "Table 8" {
				cells = append([]string{"Outbound rule"}, append(cells, "", "")...)
				if i > 0 {
					cells[0] = ""
				}
			}
			if len(cells) != 6 {
				t.Errorf("%s: %d cells", where, len(cells))
				continue
			}
			var prev seed.Row
			if i > 0 {
				prev = rows[i-1]
			}
			blank := func(what string, same bool) {
				if i == 0 || !same {
					t.Errorf("%s: blank %s cell, but the row does not repeat the row above", where, what)
				}
				if !strings.Contains(r.Note, "Merged") {
					t.Errorf("%s: blank %s cell, but Note does not say Merged: %q", where, what, r.Note)
				}
			}
			switch cells[0] {
			case "Inbound rules":
				if r.Direction != "ingress" {
					t.Errorf("%s: Direction %q, want ingress", where, r.Direction)
				}
			case "Outbound rule":
				if r.Direction != "egress" {
					t.Errorf("%s: Direction %q, want egress", where, r.Direction)
				}
			case "":
				if i == 0 || r.Direction != prev.Direction {
					t.Errorf("%s: Direction %q does not continue %q", where, r.Direction, prev.Direction)
				}
			default:
				t.Errorf("%s: unknown direction cell %q", where, cells[0])
			}
			if cells[1] == "" {
				blank("Port", r.Protocol == prev.Protocol && r.Ports == prev.Ports)
			} else if proto, ports, ok := portOf(cells[1]); !ok {
				t.Errorf("%s: unknown port cell %q", where, cells[1])
			} else if proto != r.Protocol || ports != r.Ports {
				t.Errorf("%s: port cell %q, Row has %s %q", where, cells[1], r.Protocol, r.Ports)
			}
			if cells[2] == "" {
				blank("source", r.Remote == prev.Remote)
			} else if remote, ok := remoteOf(cells[2]); !ok {
				t.Errorf("%s: unknown source cell %q", where, cells[2])
			} else if remote != r.Remote {
				t.Errorf("%s: source cell %q, Row has %q", where, cells[2], r.Remote)
			}
			for j, got := range []string{r.Purpose, r.Modifiable, r.Suggestion} {
				cell := cells[3+j]
				if name == "Table 8" && j > 0 {
					continue
				}
				if cell == "" {
					was := []string{prev.Purpose, prev.Modifiable, prev.Suggestion}[j]
					blank(fmt.Sprintf("column %d", 4+j), got == was)
				} else if cell != got {
					t.Errorf("%s: column %d is %q, Row has %q", where, 4+j, cell, got)
				}
			}
		}
	}
}

// TestOlderCells checks the rendered revision, whose table cells are one
// per paragraph: the port and source cells found in each table, in order,
// must be those of the rows that do not take them from the row above.
func TestOlderCells(t *testing.T) {
	dir := sharedSeeds(t)
	secs := sections(t, Older, readDoc(t, dir, Older))
	for name, rows := range SeedTables(Older) {
		var ports, sources []string
		for _, para := range strings.Split(secs[name], "\n") {
			cell := collapse(para)
			if _, _, ok := portOf(cell); ok {
				ports = append(ports, cell)
			}
			if _, ok := remoteOf(cell); ok {
				sources = append(sources, cell)
			}
		}
		var wantPorts, wantSources []string
		for _, r := range rows {
			merged := strings.HasPrefix(r.Note, "Merged")
			if !merged || !strings.Contains(r.Note, "Port cell") {
				wantPorts = append(wantPorts, r.Protocol+" "+r.Ports)
			}
			if !merged || !strings.Contains(r.Note, "Default Source Address") && !strings.Contains(r.Note, "Allowed CIDR") {
				wantSources = append(wantSources, string(r.Remote))
			}
		}
		var gotPorts, gotSources []string
		for _, c := range ports {
			p, pp, _ := portOf(c)
			gotPorts = append(gotPorts, p+" "+pp)
		}
		for _, c := range sources {
			rem, _ := remoteOf(c)
			gotSources = append(gotSources, string(rem))
		}
		if strings.Join(gotPorts, ";") != strings.Join(wantPorts, ";") {
			t.Errorf("%s ports:\n document %q\n rows     %q", name, gotPorts, wantPorts)
		}
		if strings.Join(gotSources, ";") != strings.Join(wantSources, ";") {
			t.Errorf("%s sources:\n document %q\n rows     %q", name, gotSources, wantSources)
		}
	}
}
