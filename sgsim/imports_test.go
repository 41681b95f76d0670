package sgsim_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The core never depends on the vendor layer: no package under sgsim/
// imports a package under provider/, directly or through another
// package. (External test packages may use the profiles as test data;
// they are not part of what an importer builds.)
func TestCoreDoesNotImportProvider(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	core := 0
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/sgsim/sgsim/provider") {
			t.Errorf("a package under sgsim/ depends on %s", p)
		}
		if strings.HasPrefix(p, "github.com/sgsim/sgsim/sgsim/") {
			core++
		}
	}
	// The listing covers the subpackages (analyze among them), or the
	// check above proves nothing.
	if core < 5 || !strings.Contains(string(out), "github.com/sgsim/sgsim/sgsim/analyze\n") {
		t.Fatalf("go list saw %d core subpackages:\n%s", core, out)
	}
}
