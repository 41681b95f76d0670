package fuzz

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/sgsimtest"
	"pgregory.net/rapid"
)

// FuzzParseRule: any text either fails to parse with an error, or parses
// to a rule whose String parses back to the same rule and prints the same.
func FuzzParseRule(f *testing.F) {
	// The seed document's own example of the syntax.
	f.Add("ingress allow tcp 5444 from 192.168.0.0/16 priority 1")
	// Port lists out of order and overlapping, vendor spellings.
	f.Add("INGRESS Accept TCP 443,80,79-81 FROM 10.0.0.1")
	// Egress with a destination and an id.
	f.Add("egress drop udp 53 to 10.0.0.2 id r1")
	// ICMP type and code.
	f.Add("ingress allow icmp type 8 code 0")
	// Quoted group name and id.
	f.Add(`ingress allow any from group "sg 1" id "x y"`)
	// Prefix list reference.
	f.Add("egress allow tcp to list pl-1")
	// ClassBench-like: both sides and source ports.
	f.Add("ingress allow tcp 5540 from 149.130.11.245 sport 0-65535 to 12.43.147.183")
	// IPv6 with a protocol number.
	f.Add("inbound allow 89 from 2001:db8::/32 ipv6")
	// Ranges of addresses, none and any.
	f.Add("ingress deny any from 10.0.0.1-10.0.0.9,none")
	// Invalid: prefix out of range, ports on ICMP, bad quote.
	f.Add("ingress allow tcp from 10.0.0.0/33")
	f.Add("ingress allow icmp 80")
	f.Add(`ingress allow tcp id "x`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := sgsim.ParseRule(s)
		if err != nil {
			return
		}
		text := r.String()
		back, err := sgsim.ParseRule(text)
		if err != nil {
			t.Fatalf("ParseRule(%q) ok, but its String %q fails: %v", s, text, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("round trip of %q via %q differs:\n%s", s, text, diff)
		}
		if back.String() != text {
			t.Fatalf("String not stable: %q then %q", text, back.String())
		}
	})
}

// FuzzCompiledEqualsLinear runs the differential property under the fuzzer:
// the compiled classifier and the linear reference agree on every flow.
// The input is rapid's choice stream (little-endian 64-bit words), not a
// document, so the seeds are streams: without any, go test would not run
// the property at all.
func FuzzCompiledEqualsLinear(f *testing.F) {
	// Fixed pseudo-random streams, long enough for a 40-rule set and 30
	// flows (shorter ones run out and are skipped).
	for seed := uint64(1); seed <= 4; seed++ {
		f.Add(choiceStream(seed, 1<<16))
	}
	f.Fuzz(rapid.MakeFuzz(sgsimtest.CompiledEqualsLinear))
}

// choiceStream returns n bytes of a xorshift64 sequence from seed.
func choiceStream(seed uint64, n int) []byte {
	b := make([]byte, n)
	x := seed*0x9e3779b97f4a7c15 | 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x >> 56)
	}
	return b
}
