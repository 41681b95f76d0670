package alibaba

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/internal/seed"
	"github.com/sgsim/sgsim/provider/internal/seed/seedtest"
)

// seedDir is the shared seed directory, relative to this package.
const seedDir = "../../../shared/seeds"

// wantRows is the number of rows per table, counted by reading documents
// 002 and 004 (one row per authorization object; "All protocols 53/53"
// lines count twice, tcp and udp), not computed from the code under test.
var wantRows = map[string]int{
	BasicInboundRecommendedFlannel:        3,
	BasicInboundRecommendedTerway:         2,
	BasicInboundLeastPrivilegeFlannel:     9,
	BasicInboundLeastPrivilegeTerway:      5,
	BasicOutboundRecommendedFlannel:       1,
	BasicOutboundRecommendedTerway:        1,
	BasicOutboundLeastPrivilegeFlannel:    11,
	BasicOutboundLeastPrivilegeTerway:     8,
	AdvancedInboundRecommendedFlannel:     4,
	AdvancedInboundRecommendedTerway:      3,
	AdvancedInboundLeastPrivilegeFlannel:  9,
	AdvancedInboundLeastPrivilegeTerway:   5,
	AdvancedOutboundRecommendedFlannel:    1,
	AdvancedOutboundRecommendedTerway:     1,
	AdvancedOutboundLeastPrivilegeFlannel: 11,
	AdvancedOutboundLeastPrivilegeTerway:  8,
	CS2017VPC:                             4,
	CS2017Classic:                         3,
	CS2017TightenAdd:                      4,
	CS2017TightenDelete:                   2,
	CS2017Principles:                      2,
}

// symbolic lists the symbolic Remotes of package seed this package may use.
var symbolic = map[seed.Remote]bool{
	seed.Any: true, seed.VPC: true, seed.Containers: true, seed.ContainerSub: true,
	seed.Masters: true, seed.Nodes: true, seed.Services: true, seed.DNS: true,
	seed.LoadBalancer: true, seed.Mesh: true, seed.GroupWorker: true,
	seed.GroupMaster: true, seed.GroupENI: true, seed.Unstated: true,
	seed.VPCSecondary: true, seed.VSwitches: true, seed.UserDefined: true,
}

var spaceRE = regexp.MustCompile(`\s+`)

func allRows() []seed.Row { return append(ACK(), ContainerService2017()...) }

func TestInvariants(t *testing.T) {
	next := map[string]int{}
	for _, r := range allRows() {
		w := seedtest.Where(r)
		if r.Doc != DocACK && r.Doc != Doc2017 {
			t.Errorf("%s: Doc %q", w, r.Doc)
		}
		if r.Table == "" || r.Group == "" {
			t.Errorf("%s: empty Table or Group", w)
		}
		next[r.Table]++
		if r.Row != next[r.Table] {
			t.Errorf("%s: Row %d, want %d (rows must be 1..n in order)", w, r.Row, next[r.Table])
		}
		seedtest.CheckRow(t, r, symbolic)
		if r.Doc == DocACK && (r.Modifiable != "" || r.Suggestion != "") {
			t.Errorf("%s: ACK tables have no Modifiable or Suggestion column", w)
		}
	}
	// Every table's rows are contiguous in the slice: a table seen once
	// is never resumed later.
	seen := map[string]bool{}
	prev := ""
	for _, r := range allRows() {
		if r.Table != prev && seen[r.Table] {
			t.Errorf("%s: table resumed after other tables", seedtest.Where(r))
		}
		seen[r.Table] = true
		prev = r.Table
	}
}

func TestAccessors(t *testing.T) {
	names := Tables()
	if len(names) != len(wantRows) {
		t.Errorf("Tables() has %d names, want %d", len(names), len(wantRows))
	}
	total := 0
	for _, name := range names {
		rows := Table(name)
		total += len(rows)
		if len(rows) == 0 {
			t.Errorf("Table(%q) is empty", name)
		}
	}
	if total != len(allRows()) {
		t.Errorf("tables hold %d rows, ACK()+ContainerService2017() %d", total, len(allRows()))
	}
	if Table("no such table") != nil {
		t.Error("Table of an unknown name is not nil")
	}
	a := ACK()
	a[0].Ports = "1"
	if ACK()[0].Ports == "1" {
		t.Error("ACK() does not return a copy")
	}
	c := Table(CS2017VPC)
	c[0].Ports = "1"
	if Table(CS2017VPC)[0].Ports == "1" {
		t.Error("Table() does not return a copy")
	}
}

func TestRowCountsByReading(t *testing.T) {
	seedtest.CheckCounts(t, allRows(), wantRows)
}

// normalize drops bullet glyphs and collapses whitespace, so that a cell
// written as a bulleted list compares as one line.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "•", " ")
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

func TestVerbatim(t *testing.T) {
	docs := map[string]string{}
	for _, name := range []string{DocACK, Doc2017} {
		b, err := os.ReadFile(filepath.Join(seedDir, name))
		if os.IsNotExist(err) {
			t.Skipf("seed documents not present: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = normalize(string(b))
	}
	for _, r := range allRows() {
		seedtest.CheckVerbatim(t, r, docs[r.Doc], normalize)
	}
}

var flannelTerway = [][2]string{
	{BasicInboundRecommendedFlannel, BasicInboundRecommendedTerway},
	{BasicInboundLeastPrivilegeFlannel, BasicInboundLeastPrivilegeTerway},
	{BasicOutboundRecommendedFlannel, BasicOutboundRecommendedTerway},
	{BasicOutboundLeastPrivilegeFlannel, BasicOutboundLeastPrivilegeTerway},
	{AdvancedInboundRecommendedFlannel, AdvancedInboundRecommendedTerway},
	{AdvancedInboundLeastPrivilegeFlannel, AdvancedInboundLeastPrivilegeTerway},
	{AdvancedOutboundRecommendedFlannel, AdvancedOutboundRecommendedTerway},
	{AdvancedOutboundLeastPrivilegeFlannel, AdvancedOutboundLeastPrivilegeTerway},
}

// The pod CIDR authorization object is "required only in Flannel network
// mode": Terway variants have no pod CIDR rows, Flannel ones have them in
// every table but the outbound recommended one, and otherwise the two
// variants agree row for row.
func TestFlannelTerway(t *testing.T) {
	for _, p := range flannelTerway {
		fl, tw := Table(p[0]), Table(p[1])
		var flNoPod []seed.Row
		pods := 0
		for _, r := range fl {
			if r.Remote == seed.Containers {
				pods++
				if !strings.Contains(r.Note, "Flannel only") {
					t.Errorf("%s: pod CIDR row without the Flannel-only note", seedtest.Where(r))
				}
				continue
			}
			flNoPod = append(flNoPod, r)
		}
		if outRec := strings.Contains(p[0], "Outbound / Recommended"); outRec != (pods == 0) {
			t.Errorf("%s: %d pod CIDR rows", p[0], pods)
		}
		if len(flNoPod) != len(tw) {
			t.Errorf("%s: %d rows, Flannel without pod rows %d", p[1], len(tw), len(flNoPod))
			continue
		}
		for i, r := range tw {
			if r.Remote == seed.Containers {
				t.Errorf("%s: pod CIDR row in a Terway variant", seedtest.Where(r))
			}
			f := flNoPod[i]
			f.Table, f.Row = r.Table, r.Row
			if f != r {
				t.Errorf("%s differs from its Flannel counterpart:\n%+v\n%+v", seedtest.Where(r), r, f)
			}
		}
	}
}

func TestACKFacts(t *testing.T) {
	for _, r := range ACK() {
		w := seedtest.Where(r)
		basic := strings.HasPrefix(r.Table, "Basic security groups")
		inbound := r.Direction == "ingress"
		if r.Action != "allow" {
			t.Errorf("%s: the ACK tables only allow", w)
		}
		if inbound != strings.Contains(r.Table, "/ Inbound /") {
			t.Errorf("%s: Direction %s does not match the table", w, r.Direction)
		}
		// Basic groups authorize the group itself; advanced groups the
		// VPC (recommended) or vSwitch (least privilege) CIDR blocks.
		switch r.Remote {
		case seed.GroupWorker:
			if !basic {
				t.Errorf("%s: security group ID in an advanced table", w)
			}
		case seed.VPC, seed.VPCSecondary:
			if basic || !inbound || !strings.Contains(r.Table, "Recommended") {
				t.Errorf("%s: VPC CIDR outside advanced inbound recommended", w)
			}
		case seed.VSwitches:
			if basic || !strings.Contains(r.Table, "Least privilege") {
				t.Errorf("%s: vSwitch CIDRs outside advanced least privilege", w)
			}
		case seed.LoadBalancer:
			if inbound || r.Ports != "53" && r.Ports != "10250,10255,443,6443" {
				t.Errorf("%s: API server SLB row %s %q", w, r.Direction, r.Ports)
			}
		case "100.64.0.0/10":
			if inbound || r.Protocol != "any" || !strings.Contains(r.Table, "Least privilege") {
				t.Errorf("%s: 100.64.0.0/10 row misplaced", w)
			}
		}
		if r.Protocol == "tcp" && r.Ports != "53" {
			want := "10250,10255,443,6443"
			if inbound {
				want = "10250,10255,443,6443,8082" // 443 webhook, 8082 heapster
			}
			if r.Ports != want {
				t.Errorf("%s: kubelet/API server ports %q, want %q", w, r.Ports, want)
			}
		}
		if r.Ports == "53" {
			if r.Purpose != "53/53 (DNS)" {
				t.Errorf("%s: port 53 row with Purpose %q", w, r.Purpose)
			}
		}
	}
	// Recommended outbound is one rule: everything to 0.0.0.0/0.
	for _, name := range []string{BasicOutboundRecommendedFlannel, AdvancedOutboundRecommendedTerway} {
		rows := Table(name)
		if len(rows) != 1 || rows[0].Protocol != "any" || rows[0].Ports != "" || rows[0].Remote != seed.Any {
			t.Errorf("%s: %+v, want one all-traffic row to 0.0.0.0/0", name, rows)
		}
	}
	// Every DNS line is split into a tcp and a udp row for each object.
	for _, name := range []string{BasicOutboundLeastPrivilegeFlannel, AdvancedInboundLeastPrivilegeTerway} {
		count := map[string]int{}
		for _, r := range Table(name) {
			if r.Ports == "53" {
				count[r.Protocol]++
			}
		}
		if count["tcp"] == 0 || count["tcp"] != count["udp"] {
			t.Errorf("%s: port 53 rows tcp %d udp %d", name, count["tcp"], count["udp"])
		}
	}
}

func Test2017Facts(t *testing.T) {
	var sawExample bool
	for _, r := range ContainerService2017() {
		w := seedtest.Where(r)
		if r.Direction == "egress" && r.Table != CS2017Principles {
			t.Errorf("%s: the 2017 default groups set inbound rules only", w)
		}
		if (r.Table == CS2017VPC || r.Table == CS2017Classic) && !strings.Contains(r.Note, "image") {
			t.Errorf("%s: Note does not say the table was an image", w)
		}
		if r.Remote == seed.Containers && r.Table == CS2017VPC {
			sawExample = strings.Contains(r.Note, "172.18.0.0/16")
		}
		if r.Table == CS2017Classic && r.Remote == seed.Containers {
			t.Errorf("%s: the container CIDR rule is stated for the VPC group only", w)
		}
	}
	if !sawExample {
		t.Error("the VPC container CIDR row does not record the 172.18.0.0/16 example")
	}
	ports := map[string]bool{}
	for _, r := range Table(CS2017VPC) {
		ports[r.Protocol+" "+r.Ports] = true
	}
	for _, want := range []string{"icmp ", "tcp 443,80", "tcp 22", "any "} {
		if !ports[want] {
			t.Errorf("%s: no %q row", CS2017VPC, want)
		}
	}
	for _, r := range Table(CS2017TightenDelete) {
		if r.Remote != seed.Any || r.Protocol != "any" || r.Ports != "" {
			t.Errorf("%s: the deleted rules are -1/-1 from 0.0.0.0: %+v", seedtest.Where(r), r)
		}
	}
}
