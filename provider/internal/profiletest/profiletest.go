// Package profiletest holds what the property tests of the vendor profile
// packages share: drawing random IPv4 cluster ranges with rapid, and
// checking that the findings of a network are the expected ones, with
// witnesses that are real drops inside their flows; and finding which
// required flows each rule of a hardened set is needed for.
package profiletest

import (
	"net/netip"
	"slices"
	"sort"
	"testing"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/sgsim"
	"pgregory.net/rapid"
)

// PrefixAt returns the i-th block of length bits inside the IPv4 prefix
// parent, counting from parent's first address.
func PrefixAt(parent netip.Prefix, bits, i int) netip.Prefix {
	a := parent.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(i) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
}

// Sub draws, under label, one of the blocks of length bits inside parent.
func Sub(t *rapid.T, parent netip.Prefix, bits int, label string) netip.Prefix {
	return PrefixAt(parent, bits, rapid.IntRange(0, 1<<(bits-parent.Bits())-1).Draw(t, label))
}

// Block draws a block inside parent of a random length from parent's to
// maxBits (drawn under label+" bits"), at a random position (label).
func Block(t *rapid.T, parent netip.Prefix, maxBits int, label string) netip.Prefix {
	return Sub(t, parent, rapid.IntRange(parent.Bits(), maxBits).Draw(t, label+" bits"), label)
}

// PrivateBlocks draws an order of the three RFC 1918 blocks, 10.0.0.0/8,
// 172.16.0.0/12 and 192.168.0.0/16, so that a test can give each of
// three cluster ranges its own block.
func PrivateBlocks(t *rapid.T) [3]netip.Prefix {
	blocks := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}
	perm := rapid.Permutation([]int{0, 1, 2}).Draw(t, "blocks")
	return [3]netip.Prefix{blocks[perm[0]], blocks[perm[1]], blocks[perm[2]]}
}

// FindingNames returns the names of the findings' flows, sorted.
func FindingNames(fs []provider.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Flow.Name)
	}
	sort.Strings(out)
	return out
}

// CheckFindings checks the required flows in n, named key in messages,
// for cluster: no flow may fail to be checked, the findings must name
// exactly the flows in want (sorted), and every finding's witness must
// lie in its flow and be dropped by n. It returns the findings for
// vendor-specific checks.
func CheckFindings(t *rapid.T, n *sgsim.Network, required []provider.RequiredFlow, key string, cluster any, want []string) []provider.Finding {
	rs := provider.Check(n, required)
	for _, r := range rs {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Flow, r.Err)
		}
	}
	fs := provider.Findings(key, rs)
	if got := FindingNames(fs); !slices.Equal(got, want) {
		t.Fatalf("%s in %+v:\nfindings %q\nwant     %q", key, cluster, got, want)
	}
	for _, f := range fs {
		if d := n.Decide(f.Witness); d.Allowed {
			t.Fatalf("%s: witness %v of %q is allowed", key, f.Witness, f.Flow.Name)
		}
		if !f.Flow.Src.Contains(f.Witness.Src) || !f.Flow.Dst.Contains(f.Witness.Dst) {
			t.Fatalf("%s: witness %v outside the flow %v", key, f.Witness, f.Flow)
		}
	}
	return fs
}

// BrokenWithout returns, for each rule i of rules, the names of the
// required flows that pass on build(rules) but fail on build(rules
// without rule i), in the order Check gives them. build makes the
// network of a profile whose hardened (or least privilege) set is the
// given rules.
func BrokenWithout(t testing.TB, rules []sgsim.Rule, required []provider.RequiredFlow, build func([]sgsim.Rule) (*sgsim.Network, error)) [][]string {
	t.Helper()
	n, err := build(rules)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]bool{}
	for _, r := range provider.Check(n, required) {
		base[r.Flow.Name] = r.Passed()
	}
	out := make([][]string, len(rules))
	for i := range rules {
		qn, err := build(slices.Delete(slices.Clone(rules), i, i+1))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range provider.Check(qn, required) {
			if base[r.Flow.Name] && !r.Passed() {
				out[i] = append(out[i], r.Flow.Name)
			}
		}
	}
	return out
}
