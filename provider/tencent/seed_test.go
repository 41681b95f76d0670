package tencent

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

// wantRows is the number of rows per table, counted by reading document
// 003, not computed from the code under test.
var wantRows = map[string]int{
	NodeInbound:      5,
	NodeOutbound:     1,
	NodeOutboundNote: 2,
	MasterInbound:    9,
	MasterOutbound:   1,
}

// symbolic lists the symbolic Remotes of package seed this package may use.
var symbolic = map[seed.Remote]bool{
	seed.Any: true, seed.VPC: true, seed.Containers: true, seed.ContainerSub: true,
	seed.Masters: true, seed.Nodes: true, seed.Services: true, seed.DNS: true,
	seed.LoadBalancer: true, seed.Mesh: true, seed.GroupWorker: true,
	seed.GroupMaster: true, seed.GroupENI: true, seed.Unstated: true,
}

var spaceRE = regexp.MustCompile(`\s+`)

func TestInvariants(t *testing.T) {
	next := map[string]int{}
	seen := map[string]bool{}
	prev := ""
	for _, r := range Rows() {
		w := seedtest.Where(r)
		if r.Doc != Doc {
			t.Errorf("%s: Doc %q", w, r.Doc)
		}
		if r.Table == "" || r.Group == "" {
			t.Errorf("%s: empty Table or Group", w)
		}
		if r.Table != prev && seen[r.Table] {
			t.Errorf("%s: table resumed after other tables", w)
		}
		seen[r.Table], prev = true, r.Table
		next[r.Table]++
		if r.Row != next[r.Table] {
			t.Errorf("%s: Row %d, want %d (rows must be 1..n in order)", w, r.Row, next[r.Table])
		}
		seedtest.CheckRow(t, r, symbolic)
		if r.Modifiable != "" || r.Suggestion != "" {
			t.Errorf("%s: the TKE tables have no Modifiable or Suggestion column", w)
		}
	}
}

func TestAccessors(t *testing.T) {
	want := []string{NodeInbound, NodeOutbound, NodeOutboundNote, MasterInbound, MasterOutbound}
	got := Tables()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Tables() = %q, want %q", got, want)
	}
	if Table("no such table") != nil {
		t.Error("Table of an unknown name is not nil")
	}
	r := Rows()
	r[0].Ports = "1"
	if Rows()[0].Ports == "1" {
		t.Error("Rows() does not return a copy")
	}
}

func TestRowCountsByReading(t *testing.T) {
	seedtest.CheckCounts(t, Rows(), wantRows)
}

func normalize(s string) string {
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

func TestVerbatim(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(seedDir, Doc))
	if os.IsNotExist(err) {
		t.Skipf("seed documents not present: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	doc := normalize(string(b))
	for _, r := range Rows() {
		seedtest.CheckVerbatim(t, r, doc, normalize)
	}
}

func TestFacts(t *testing.T) {
	nodePorts := 0
	for _, r := range Rows() {
		w := seedtest.Where(r)
		if r.Action != "allow" {
			t.Errorf("%s: TKE default rules only allow", w)
		}
		wantGroup := GroupNode
		if strings.HasPrefix(r.Table, "Default security group rules for master") {
			wantGroup = GroupMaster
		}
		if r.Group != wantGroup {
			t.Errorf("%s: Group %q, want %q", w, r.Group, wantGroup)
		}
		// NodePort is written 30000-32768, not Kubernetes' 30000-32767.
		if strings.Contains(r.Purpose, "NodePort") {
			nodePorts++
			if r.Ports != "30000-32768" || (r.Protocol != "tcp" && r.Protocol != "udp") {
				t.Errorf("%s: NodePort row %s %q, want tcp/udp 30000-32768", w, r.Protocol, r.Ports)
			}
		}
		if strings.Contains(r.Ports, "32767") {
			t.Errorf("%s: 32767 is not what the document writes", w)
		}
		if r.Protocol == "icmp" && (r.Remote != seed.Any || r.Direction != "ingress") {
			t.Errorf("%s: ICMP is allowed from 0.0.0.0/0", w)
		}
		src := strings.Contains(r.Note, `"CIDR of the cluster network"`) || strings.Contains(r.Note, `"Cluster network CIDR"`)
		if src != (r.Remote == seed.VPC) {
			t.Errorf("%s: cluster network CIDR not read as VPC", w)
		}
	}
	if nodePorts != 6 { // 2 node rows (tcp, udp) + 4 master rows
		t.Errorf("%d NodePort rows, want 6", nodePorts)
	}
	for _, name := range []string{NodeOutbound, MasterOutbound} {
		rows := Table(name)
		if len(rows) != 1 || rows[0].Direction != "egress" || rows[0].Protocol != "any" || rows[0].Remote != seed.Any {
			t.Errorf("%s: want one all-traffic egress row to 0.0.0.0/0, got %+v", name, rows)
		}
	}
	// Custom outbound rules must open the node and container ranges.
	g := Table(NodeOutboundNote)
	if len(g) != 2 || g[0].Remote != seed.Nodes || g[1].Remote != seed.Containers ||
		g[0].Direction != "egress" || g[1].Direction != "egress" {
		t.Errorf("%s: want egress to nodes and containers, got %+v", NodeOutboundNote, g)
	}
	m := Table(MasterInbound)
	if len(m) == 9 {
		if m[3].Ports != "60001,60002,10250,2380,2379,53,17443,50055,443,61678" || m[3].Remote != seed.VPC {
			t.Errorf("master row 4: %q from %q", m[3].Ports, m[3].Remote)
		}
		if m[4].Ports != "60001,60002,10250,2380,2379,53,17443" || m[4].Remote != seed.Containers {
			t.Errorf("master row 5: %q from %q", m[4].Ports, m[4].Remote)
		}
		for _, i := range []int{7, 8} {
			if m[i].Protocol != "udp" || m[i].Ports != "53" {
				t.Errorf("master row %d: CoreDNS is udp 53, got %s %q", i+1, m[i].Protocol, m[i].Ports)
			}
		}
	}
	// The self-deployed master group admits nothing on TCP from 0.0.0.0/0.
	for _, r := range m {
		if r.Remote == seed.Any && r.Protocol != "icmp" {
			t.Errorf("%s: only ICMP is open to 0.0.0.0/0 on masters", seedtest.Where(r))
		}
	}
}
