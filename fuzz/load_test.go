package fuzz

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/sgsim/sgsim/provider/load"
)

// FuzzLoad feeds a vendor export, a network-interface or subnet listing
// and a topology through the loader, as the sgsim program reads -rules,
// -nics and -topology. Whatever the input: no panic; and when it loads,
// the network is built with the vendor's semantics, and every endpoint
// name resolves (Network.Addrs) to that endpoint's addresses.
func FuzzLoad(f *testing.F) {
	// The worked examples of the README, as seeds.
	for vendor, files := range map[string][3]string{
		"aws":     {"aws/rules.json", "aws/enis.json", ""},
		"huawei":  {"huawei/rules.json", "huawei/ports.json", ""},
		"alibaba": {"alibaba/sg-web.json", "alibaba/enis.json", ""},
		"tencent": {"tencent/sg-web12345.json", "tencent/subnets.json", ""},
	} {
		var docs [3][]byte
		for i, name := range files {
			if name == "" {
				continue
			}
			data, err := os.ReadFile(filepath.Join("..", "examples", "sgsim", "testdata", name))
			if err != nil {
				f.Fatal(err)
			}
			docs[i] = data
		}
		f.Add(vendor, docs[0], docs[1], docs[2])
	}
	f.Add("aws", []byte(`{"SecurityGroupRules": []}`), []byte(`{"NetworkInterfaces": []}`), []byte(`{"cloud": "union", "endpoints": [{"name": "x", "addrs": ["10.0.0.1"]}]}`))
	f.Add("huawei", []byte(`{"firewall": {"id": "a", "ingress_rules": [], "egress_rules": []}}`), []byte(`{"subnets": []}`), []byte(`{"cloud": "huawei"}`))
	f.Fuzz(func(t *testing.T, vendor string, rules, listing, topology []byte) {
		files := map[string][]byte{"sg-1.json": rules, "nics.json": listing, "topology.json": topology}
		s := load.Source{Vendor: vendor, Rules: []string{"sg-1.json"}, NICs: []string{"nics.json"}, Topology: "topology.json",
			ReadFile: func(name string) ([]byte, error) {
				if d, ok := files[name]; ok {
					return d, nil
				}
				return nil, fs.ErrNotExist
			}}
		if len(topology) == 0 {
			s.Topology = ""
		}
		n, err := load.Load(s)
		if err != nil {
			return
		}
		sem, ok := load.VendorSemantics(vendor)
		if !ok || n.Net == nil || n.Spec.Cloud != sem || n.Net.Cloud() != sem {
			t.Fatalf("vendor %q loaded with semantics %v (network %v)", vendor, n.Spec.Cloud, n.Net)
		}
		seen := map[string]bool{}
		for _, e := range n.Spec.Endpoints {
			if seen[e.Name] {
				continue // a later endpoint of the same name is the first's to Addrs
			}
			seen[e.Name] = true
			a, err := n.Addrs(e.Name)
			if err != nil || !a.Equal(e.Addrs) {
				t.Fatalf("endpoint %q: Addrs gives %v, %v; want %v", e.Name, a, err, e.Addrs)
			}
		}
	})
}
