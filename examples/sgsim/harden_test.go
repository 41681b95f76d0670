package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestHardenAllProfiles(t *testing.T) {
	code, out, errOut := runArgs(t, "harden")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Every CCE model has the 6443 finding twice (default and hardened).
	if c := strings.Count(out, "finding: "); c < 6 {
		t.Errorf("%d finding lines, want at least 6", c)
	}
	for _, want := range []string{
		"== cce-vpc/newer:",
		"== tke-managed:",
		"== ack-basic-terway: ",
		"finding: ack-advanced-flannel/hardened: heapster 8082 nodes to pods (vendor): none allowed",
		"finding: tke-managed/hardened: k8s node dns (kubernetes): none allowed",
		"finding: cce-vpc/newer/hardened: k8s pod to pod tcp (kubernetes): some allowed; witness tcp 172.16.0.1:1024 -> 172.16.0.2:1; dropped at source egress [pods]",
		"finding: cce-tunnel/newer/default: t8 tcp 6443 to masters (vendor): none allowed",
		"pass      pass      vendor      kube-apiserver 5444 from nodes: nodes 192.168.0.0/24 -> masters 192.168.1.0/28 tcp 5444",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	// The findings line count equals the sum of the headers' counts.
	total := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "== ") {
			var n int
			_, after, _ := strings.Cut(line, "required flows, ")
			if _, err := fmt.Sscan(after, &n); err != nil {
				t.Fatalf("header %q: %v", line, err)
			}
			total += n
		}
	}
	if c := strings.Count(out, "finding: "); c != total {
		t.Errorf("%d finding lines, headers say %d", c, total)
	}
	if code, _, _ := runArgs(t, "harden", "-fail-on-finding"); code != 1 {
		t.Errorf("-fail-on-finding: exit %d, want 1", code)
	}
}

func TestHardenErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"harden", "-profile", "gke"}, `-profile "gke": want one of cce-vpc, cce-tunnel, cce-turbo, ack-basic-flannel, ack-basic-terway, ack-advanced-flannel, ack-advanced-terway, tke-managed, tke-self-deployed`},
		{[]string{"harden", "-profile", "cce-vpc", "-revision", "newest"}, `-revision "newest": want newer or older`},
		// A profile named without -profile would check every profile.
		{[]string{"harden", "cce-vpc"}, `unexpected argument "cce-vpc"`},
		{[]string{"harden", "-bogus"}, "-bogus"},
		{[]string{"harden", "-vendor", "huawei", "-rules", "testdata/huawei-rules.json", "-topology", "testdata/topology.json"}, "harden of -rules needs -require PROFILE"},
	} {
		code, out, errOut := runArgs(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

func TestHardenOlderRevisionFindsCoreDNS(t *testing.T) {
	code, out, errOut := runArgs(t, "harden", "-profile", "cce-vpc", "-revision", "older", "-findings-only")
	if code != 0 {
		t.Fatal(errOut)
	}
	if !strings.Contains(out, "finding: cce-vpc/older/hardened: k8s pod dns (kubernetes): none allowed; witness udp 172.16.0.1:1024 -> 172.16.0.2:5353") {
		t.Errorf("older revision output:\n%s", out)
	}
	if strings.Contains(out, "reason:") || strings.Contains(out, "pass      ") {
		t.Errorf("-findings-only prints more than the findings:\n%s", out)
	}
}
