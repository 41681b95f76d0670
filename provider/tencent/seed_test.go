package tencent

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider/internal/seed"
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

var (
	portsRE  = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)
	quotedRE = regexp.MustCompile(`"([^"]*)"`)
	spaceRE  = regexp.MustCompile(`\s+`)
)

// checkPorts reports what is wrong with a Ports value, or "".
func checkPorts(ports string) string {
	if ports == "" {
		return ""
	}
	if !portsRE.MatchString(ports) {
		return "not a port list"
	}
	for _, part := range strings.Split(ports, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || l < 1 || h > 65535 || l > h {
			return fmt.Sprintf("bad port or range %q", part)
		}
	}
	return ""
}

func TestCheckPorts(t *testing.T) {
	for _, ok := range []string{"", "80", "30000-32768", "80,443", "1-65535"} {
		if msg := checkPorts(ok); msg != "" {
			t.Errorf("checkPorts(%q) = %q, want ok", ok, msg)
		}
	}
	for _, bad := range []string{"-", "30000 - 32768", "30000–32768", "17443,50055, 443", "0", "65536", "10-5"} {
		if checkPorts(bad) == "" {
			t.Errorf("checkPorts(%q) accepted", bad)
		}
	}
}

func where(r seed.Row) string { return fmt.Sprintf("%s row %d", r.Table, r.Row) }

func TestInvariants(t *testing.T) {
	next := map[string]int{}
	seen := map[string]bool{}
	prev := ""
	for _, r := range Rows() {
		w := where(r)
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
		if r.Direction != "ingress" && r.Direction != "egress" {
			t.Errorf("%s: Direction %q", w, r.Direction)
		}
		if r.Action != "allow" && r.Action != "deny" {
			t.Errorf("%s: Action %q", w, r.Action)
		}
		switch r.Protocol {
		case "tcp", "udp":
		case "any", "icmp", "icmpv6", "gre":
			if r.Ports != "" {
				t.Errorf("%s: Ports %q with protocol %s", w, r.Ports, r.Protocol)
			}
		default:
			if n, err := strconv.Atoi(r.Protocol); err != nil || n < 0 || n > 255 {
				t.Errorf("%s: Protocol %q", w, r.Protocol)
			}
		}
		if msg := checkPorts(r.Ports); msg != "" {
			t.Errorf("%s: Ports %q: %s", w, r.Ports, msg)
		}
		if !symbolic[r.Remote] {
			if p, err := netip.ParsePrefix(string(r.Remote)); err != nil || p != p.Masked() {
				t.Errorf("%s: Remote %q is neither symbolic nor a canonical CIDR", w, r.Remote)
			}
		}
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
	got := map[string]int{}
	for _, r := range Rows() {
		got[r.Table]++
	}
	for name, want := range wantRows {
		if got[name] != want {
			t.Errorf("%s: %d rows, want %d", name, got[name], want)
		}
	}
	for name := range got {
		if _, ok := wantRows[name]; !ok {
			t.Errorf("unexpected table %q", name)
		}
	}
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
		texts := []string{r.Purpose, r.Modifiable, r.Suggestion}
		// In Note, text between double quotes is verbatim.
		for _, m := range quotedRE.FindAllStringSubmatch(r.Note, -1) {
			texts = append(texts, m[1])
		}
		if strings.Count(r.Note, `"`)%2 != 0 {
			t.Errorf("%s: unbalanced quotes in Note", where(r))
		}
		for _, s := range texts {
			if s != "" && !strings.Contains(doc, normalize(s)) {
				t.Errorf("%s: %q is not in %s", where(r), s, r.Doc)
			}
		}
	}
}

func TestFacts(t *testing.T) {
	nodePorts := 0
	for _, r := range Rows() {
		w := where(r)
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
			t.Errorf("%s: only ICMP is open to 0.0.0.0/0 on masters", where(r))
		}
	}
}
