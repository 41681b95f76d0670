package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestRunAllProfiles(t *testing.T) {
	var b bytes.Buffer
	n, err := run(&b, "all", "newer", false)
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// Every CCE model has the 6443 finding twice (default and hardened).
	if c := strings.Count(out, "finding: "); c != n || n < 6 {
		t.Errorf("%d finding lines, run reported %d", c, n)
	}
	for _, want := range []string{
		"== cce-vpc/newer:",
		"== tke-managed:",
		"== ack-basic-terway: ",
		"finding: ack-advanced-flannel/hardened: heapster 8082 nodes to pods (vendor): none allowed",
		"finding: tke-managed/hardened: k8s node dns (kubernetes): none allowed",
		"finding: cce-vpc/newer/hardened: k8s pod to pod tcp (kubernetes): some allowed; witness tcp 172.16.0.0:1024 -> 172.16.0.0:0; dropped at source egress [pods]",
		"finding: cce-tunnel/newer/default: t8 tcp 6443 to masters (vendor): none allowed",
		"pass      pass      vendor      kube-apiserver 5444 from nodes: nodes 192.168.0.0/24 -> masters 192.168.1.0/28 tcp 5444",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := run(&bytes.Buffer{}, "gke", "newer", false); err == nil || !strings.Contains(err.Error(), "-profile gke: want all or one of ack-advanced-flannel, ack-advanced-terway, ack-basic-flannel, ack-basic-terway, cce-tunnel, cce-turbo, cce-vpc, tke-managed, tke-self-deployed") {
		t.Errorf("bad profile: %v", err)
	}
	if _, err := run(&bytes.Buffer{}, "cce-vpc", "newest", false); err == nil || err.Error() != `-revision "newest": want newer or older` {
		t.Errorf("bad revision: %v", err)
	}
}

func TestOlderRevisionFindsCoreDNS(t *testing.T) {
	var b bytes.Buffer
	if _, err := run(&b, "cce-vpc", "older", true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "finding: cce-vpc/older/hardened: k8s pod dns (kubernetes): none allowed; witness udp 172.16.0.0:1024 -> 172.16.0.0:5353") {
		t.Errorf("older revision output:\n%s", b.String())
	}
}

func TestParse(t *testing.T) {
	o, err := parse([]string{"-profile", "cce-vpc", "-revision", "older", "-fail-on-finding", "-findings-only"}, io.Discard)
	if err != nil || o != (options{profile: "cce-vpc", revision: "older", fail: true, quiet: true}) {
		t.Errorf("%+v %v", o, err)
	}
	if o, err := parse(nil, io.Discard); err != nil || o != (options{profile: "all", revision: "newer"}) {
		t.Errorf("defaults: %+v %v", o, err)
	}
	// A profile named without -profile would check every profile.
	if _, err := parse([]string{"cce-vpc"}, io.Discard); err == nil || err.Error() != `unexpected argument "cce-vpc": name a profile with -profile` {
		t.Errorf("positional: %v", err)
	}
	if _, err := parse([]string{"-bogus"}, io.Discard); err == nil || !strings.Contains(err.Error(), "-bogus") {
		t.Errorf("unknown flag: %v", err)
	}
}
