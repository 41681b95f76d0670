package analyze_test

// Tests on the vendor profiles. They are in the external test package:
// package provider names analyze's RequiredFlow, so an internal test of
// analyze cannot import a profile.

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/huawei"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
)

func TestCompareCCE(t *testing.T) {
	p, err := huawei.NewProfile(huawei.Cluster{Model: huawei.VPCNetwork})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := p.Network(false)
	hard, _ := p.Network(true)
	s, err := analyze.Compare(def, hard, p.Spec(true), p.Required, sgsim.Addrs{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Exposure) != 0 {
		t.Errorf("hardening exposes: %v", s.Exposure)
	}
	var names []string
	for _, l := range s.Lost {
		names = append(names, l.Name)
		if d := hard.Decide(l.Witness); d.Allowed || !def.Decide(l.Witness).Allowed {
			t.Errorf("%s: witness %v does not show the loss", l.Name, l.Witness)
		}
	}
	for _, want := range []string{"k8s pod to pod tcp", "nodes to nodes tcp"} {
		if !strings.Contains(strings.Join(names, "|"), want) {
			t.Errorf("lost %q missing from %q", want, names)
		}
	}
	// The other way round, hardened to default gains nothing from
	// outside either (the default egress is not an ingress change).
	spec := p.Spec(true)
	for i := range spec.Groups {
		if spec.Groups[i].ID == huawei.ControlGroup {
			spec.Groups[i].Rules = append(spec.Groups[i].Rules, sgsim.MustParseRule("ingress allow tcp 2379 from 0.0.0.0/0 priority 1 id etcd"))
		}
	}
	open, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	s, err = analyze.Compare(hard, open, spec, []provider.RequiredFlow(nil), sgsim.Addrs{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Exposure) == 0 || !strings.Contains(s.String(), "exposed masters: tcp") || !strings.Contains(s.Exposure[0].Text, "dport 2379") {
		t.Errorf("exposure: %v", s)
	}
	for _, e := range s.Exposure {
		if !open.Decide(e.Witness).Allowed || hard.Decide(e.Witness).Allowed {
			t.Errorf("%v: witness does not show it", e)
		}
	}
}

func TestFixCCE(t *testing.T) {
	p, err := huawei.NewProfile(huawei.Cluster{Model: huawei.Tunnel})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := analyze.MinimalFixes(p.Spec(true), p.Required)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range rs {
		if !r.Passes || !r.Verified || r.Problem != "" {
			t.Errorf("not fixed: %v", r)
		}
		text = append(text, r.String())
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{
		"fix t8 tcp 6443 to masters (none allowed):\n    add to cce-control (masters, destination ingress, first in the group): ingress allow tcp 6443 from 192.168.0.0/24 priority 1 id fix-3",
		"egress allow udp 0-4788,4790-65535 to 192.168.0.0/24 priority 1 id fix-2",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("fixes lack %q:\n%s", want, all)
		}
	}
	// A priority-1 deny in the first group outranks any added rule under
	// Huawei ordering.
	spec := p.Spec(true)
	for i := range spec.Groups {
		if spec.Groups[i].ID == huawei.ControlGroup {
			spec.Groups[i].Rules = append(spec.Groups[i].Rules, sgsim.MustParseRule("ingress deny tcp 6443 priority 1 id block"))
		}
	}
	rs, err = analyze.MinimalFixes(spec, p.Required[:0:0])
	if err != nil || len(rs) != 0 {
		t.Fatalf("%v %v", rs, err)
	}
	var req []provider.RequiredFlow
	for _, f := range p.Required {
		if f.Name == "t8 tcp 6443 to masters" {
			req = append(req, f)
		}
	}
	rs, err = analyze.MinimalFixes(spec, req)
	if err != nil || len(rs) != 1 || !strings.Contains(rs[0].Problem, "outranks") {
		t.Fatalf("%v %v", rs, err)
	}
}

// On the VPC-network profile two required flows (nodes to nodes and pods
// to nodes over TCP) need the very same egress rule in cce-node: it is
// proposed once, as fix-1, and the second flow's result reuses it. Every
// ID names one rule.
func TestFixIDsUniqueAndNoDuplicates(t *testing.T) {
	p, err := huawei.NewProfile(huawei.Cluster{Model: huawei.VPCNetwork})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := analyze.MinimalFixes(p.Spec(true), p.Required)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	for i, r := range rs {
		if !r.Passes || !r.Verified {
			t.Errorf("not fixed: %v", r)
		}
		for _, f := range r.Fixes {
			key := f.Group + " " + strings.TrimSuffix(f.Text, " id "+f.ID)
			if prev, ok := byID[f.ID]; ok {
				t.Errorf("result %d: ID %s used twice (%s, %s)", i, f.ID, prev, key)
			}
			for id, k := range byID {
				if k == key {
					t.Errorf("result %d: %s repeats %s: %s", i, f.ID, id, key)
				}
			}
			if f.Rule.ID != f.ID || !strings.HasSuffix(f.Text, " id "+f.ID) {
				t.Errorf("fix %s: rule %q carries another ID", f.ID, f.Text)
			}
			byID[f.ID] = key
		}
		for _, f := range r.Reused {
			if byID[f.ID] != f.Group+" "+strings.TrimSuffix(f.Text, " id "+f.ID) {
				t.Errorf("result %d reuses %s as %s %q, proposed earlier as %q", i, f.ID, f.Group, f.Text, byID[f.ID])
			}
		}
	}
	want := "egress allow tcp 0-5443,5445-8444,8446-9442,9444-65535 to 192.168.0.0/24 priority 1 id fix-1"
	var found bool
	for _, r := range rs {
		if r.Name == "pods to nodes tcp" {
			found = true
			if len(r.Fixes) != 0 || len(r.Reused) != 1 || r.Reused[0].Text != want || r.Reused[0].Group != "cce-node" {
				t.Errorf("pods to nodes tcp: fixes %v, reused %v: want only fix-1 reused", r.Fixes, r.Reused)
			}
			if !strings.Contains(r.String(), "needs fix-1 (proposed above): "+want) {
				t.Errorf("text does not name the reused fix:\n%s", r)
			}
		}
		if r.Name == "nodes to nodes tcp" && (len(r.Fixes) != 1 || r.Fixes[0].Text != want) {
			t.Errorf("nodes to nodes tcp: %v: want fix-1 %q", r.Fixes, want)
		}
	}
	if !found {
		t.Fatalf("no result for pods to nodes tcp: %v", rs)
	}
}

// On every CCE profile (the tunnel model's pods are an overlay carried
// over the nodes), default and hardened, Map equals the pair-by-pair map.
func TestMapEqualsPerPairCCE(t *testing.T) {
	for _, model := range []huawei.Model{huawei.VPCNetwork, huawei.Tunnel, huawei.Turbo} {
		p, err := huawei.NewProfile(huawei.Cluster{Model: model})
		if err != nil {
			t.Fatal(err)
		}
		for _, hardened := range []bool{false, true} {
			n, err := p.Network(hardened)
			if err != nil {
				t.Fatal(err)
			}
			spec := p.Spec(hardened)
			m, err := analyze.Map(n, spec)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := analyze.RefMap(n, spec)
			if err != nil {
				t.Fatal(err)
			}
			overlay := false
			for i, a := range spec.Endpoints {
				overlay = overlay || a.Overlay.Underlay != ""
				for j, b := range spec.Endpoints {
					if got, want := m.Cells[i][j].String(), ref.Cells[i][j].String(); got != want {
						t.Errorf("%s hardened %v: %s -> %s: map %q, per pair %q", p.Name(), hardened, a.Name, b.Name, got, want)
					}
				}
			}
			if model == huawei.Tunnel && !overlay {
				t.Errorf("%s: no overlay endpoint: the case this test is for is gone", p.Name())
			}
		}
	}
}

// On every CCE profile (the inputs of the program's golden lint
// output), default and hardened, lint on 2, 3 and 8 workers gives what
// it gives on one, field by field, and finds something.
func TestLintWorkersCCE(t *testing.T) {
	for _, model := range []huawei.Model{huawei.VPCNetwork, huawei.Tunnel, huawei.Turbo} {
		p, err := huawei.NewProfile(huawei.Cluster{Model: model})
		if err != nil {
			t.Fatal(err)
		}
		for _, hardened := range []bool{false, true} {
			spec := p.Spec(hardened)
			want, err := analyze.LintWith(spec, analyze.LintOptions{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Errorf("%s hardened %v: no finding: the case this test is for is gone", p.Name(), hardened)
			}
			for _, n := range []int{2, 3, 8} {
				got, err := analyze.LintWith(spec, analyze.LintOptions{Workers: n})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s hardened %v, %d workers:\n%v\none worker:\n%v", p.Name(), hardened, n, got, want)
				}
			}
		}
	}
}
