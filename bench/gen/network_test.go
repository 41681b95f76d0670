package gen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

func TestNetwork(t *testing.T) {
	for _, n := range []int{1, 8, 50, 200} {
		spec := Network(1, n)
		want := max(n, 8)
		if len(spec.Endpoints) != want {
			t.Fatalf("Network(1, %d): %d endpoints, want %d", n, len(spec.Endpoints), want)
		}
		if _, err := sgsim.BuildNetwork(spec); err != nil {
			t.Fatalf("Network(1, %d): %v", n, err)
		}
		if fmt.Sprint(Network(1, n)) != fmt.Sprint(spec) {
			t.Fatalf("Network(1, %d) is not deterministic", n)
		}
		tiers := map[string]int{}
		names := map[string]bool{}
		for _, e := range spec.Endpoints {
			if names[e.Name] {
				t.Fatalf("endpoint %s twice", e.Name)
			}
			names[e.Name] = true
			tiers[strings.TrimRight(e.Name, "-0123456789")]++
		}
		if n == 200 {
			// The shares of the doc comment: 195 instances after the five fixed endpoints.
			for tier, k := range map[string]int{"web": 29, "app": 49, "cache": 10, "db": 20, "master": 6, "pods": 20, "node": 61} {
				if tiers[tier] != k {
					t.Errorf("200 endpoints: %d %s, want %d (%v)", tiers[tier], tier, k, tiers)
				}
			}
		}
	}
	if fmt.Sprint(Network(1, 50)) == fmt.Sprint(Network(2, 50)) {
		t.Error("the seed changes nothing")
	}
}
