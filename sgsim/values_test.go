package sgsim_test

import (
	"net/netip"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

func TestProtocolRoundTripAll256(t *testing.T) {
	seen := map[string]bool{}
	for n := 0; n < 256; n++ {
		p := sgsim.ProtocolNumber(uint8(n))
		if got, ok := p.Number(); !ok || got != uint8(n) {
			t.Fatalf("ProtocolNumber(%d).Number() = %d, %v", n, got, ok)
		}
		s := p.String()
		if seen[s] {
			t.Fatalf("protocol %d prints as %q, like another protocol", n, s)
		}
		seen[s] = true
		q, err := sgsim.ParseProtocol(s)
		if err != nil || q != p {
			t.Fatalf("ParseProtocol(%q) = %v, %v; want %v", s, q, err, n)
		}
		b, err := p.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var u sgsim.Protocol
		if err := u.UnmarshalText(b); err != nil || u != p {
			t.Fatalf("UnmarshalText(%q) = %v, %v", b, u, err)
		}
	}
	if s := sgsim.AnyProtocol.String(); s != "any" || seen["any"] {
		t.Errorf("AnyProtocol prints %q", s)
	}
	if _, ok := sgsim.AnyProtocol.Number(); ok {
		t.Error("AnyProtocol has a number")
	}
	var zero sgsim.Protocol
	if zero != sgsim.AnyProtocol {
		t.Error("zero Protocol is not AnyProtocol")
	}
}

func TestProtocolNames(t *testing.T) {
	for s, want := range map[string]uint8{"tcp": 6, "TCP": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "ICMP6": 58,
		"gre": 47, "esp": 50, "ah": 51, "sctp": 132, "89": 89, "0": 0, "255": 255} {
		p, err := sgsim.ParseProtocol(s)
		if n, _ := p.Number(); err != nil || n != want {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %d", s, p, err, want)
		}
	}
	for _, s := range []string{"all", "ANY", "any"} {
		if p, err := sgsim.ParseProtocol(s); err != nil || p != sgsim.AnyProtocol {
			t.Errorf("ParseProtocol(%q) = %v, %v; want any", s, p, err)
		}
	}
	for s, want := range map[string]string{
		"256":  `sgsim: parse protocol "256": number out of range 0-255`,
		"-1":   `sgsim: parse protocol "-1": want a name (tcp, udp, icmp, icmpv6, gre, esp, ah, sctp, any) or a number 0-255`,
		"":     `sgsim: parse protocol "": want a name (tcp, udp, icmp, icmpv6, gre, esp, ah, sctp, any) or a number 0-255`,
		"tcpx": `sgsim: parse protocol "tcpx": want a name (tcp, udp, icmp, icmpv6, gre, esp, ah, sctp, any) or a number 0-255`,
	} {
		if _, err := sgsim.ParseProtocol(s); err == nil || err.Error() != want {
			t.Errorf("ParseProtocol(%q) error = %v; want %s", s, err, want)
		}
	}
}

func TestPorts(t *testing.T) {
	ps, err := sgsim.ParsePorts("443,22,80-90,85-100,101")
	if err != nil {
		t.Fatal(err)
	}
	if got := ps.String(); got != "22,80-101,443" {
		t.Errorf("normalized = %q; want 22,80-101,443", got)
	}
	for p, want := range map[uint16]bool{21: false, 22: true, 79: false, 80: true, 101: true, 102: false, 443: true, 65535: false} {
		if ps.Contains(p) != want {
			t.Errorf("Contains(%d) = %v", p, !want)
		}
	}
	if all, err := sgsim.ParsePorts("all"); err != nil || all != nil || !all.Contains(0) || !all.Contains(65535) || all.Size() != 65536 {
		t.Errorf("all = %v", all)
	}
	for s, want := range map[string]string{
		// Each says what is wrong once, naming the item only in a list
		// of several, and what was wanted.
		"80-":       `sgsim: parse ports "80-": last port empty; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"0-65536":   `sgsim: parse ports "0-65536": last port above 65535; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"90-80":     `sgsim: parse ports "90-80": first port above last port; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"a":         `sgsim: parse ports "a": not a number; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"80,,81":    `sgsim: parse ports "80,,81": item 2 "": empty; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"+80":       `sgsim: parse ports "+80": not a number; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"22,90-80":  `sgsim: parse ports "22,90-80": item 2 "90-80": first port above last port; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"1-2-3":     `sgsim: parse ports "1-2-3": more than one "-"; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"-1":        `sgsim: parse ports "-1": negative; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"22,-80":    `sgsim: parse ports "22,-80": item 2 "-80": negative; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"-1-5":      `sgsim: parse ports "-1-5": negative; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"--1":       `sgsim: parse ports "--1": first port empty; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"-":         `sgsim: parse ports "-": first port empty; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"x-80":      `sgsim: parse ports "x-80": first port not a number; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"22,80,1-x": `sgsim: parse ports "22,80,1-x": item 3 "1-x": last port not a number; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
	} {
		if _, err := sgsim.ParsePorts(s); err == nil || err.Error() != want {
			t.Errorf("ParsePorts(%q) error = %v\nwant %s", s, err, want)
		}
	}
}

func TestAddrs(t *testing.T) {
	a := sgsim.MustParseAddrs("10.0.0.0/24,10.0.1.0/24,10.0.2.5,10.0.2.7-10.0.2.9,2001:db8::/32")
	if got := a.String(); got != "10.0.0.0/23,10.0.2.5,10.0.2.7-10.0.2.9,2001:db8::/32" {
		t.Errorf("String = %q", got)
	}
	if v4, v6 := a.Families(); !v4 || !v6 {
		t.Errorf("Families = %v, %v", v4, v6)
	}
	var zero sgsim.Addrs
	if !zero.IsAny() || zero.String() != "any" || !zero.Equal(sgsim.MustParseAddrs("any")) {
		t.Error("zero Addrs is not any")
	}
	none := sgsim.MustParseAddrs("none")
	if !none.IsEmpty() || none.String() != "none" || none.Equal(zero) {
		t.Error("none is not empty")
	}
	if sgsim.MustParseAddrs("0.0.0.0/0").Equal(zero) {
		t.Error("0.0.0.0/0 equals any, but any also holds IPv6")
	}
	for s, want := range map[string]string{
		"10.0.0.0/33": `sgsim: parse addresses "10.0.0.0/33": prefix length out of range`,
		"10.0.0.1/8":  `sgsim: parse addresses "10.0.0.1/8": host bits set; did you mean 10.0.0.0/8?`,
		// Each says what is wrong once, the item named only in a list.
		"10.0.0.9-10.0.0.1":  `sgsim: parse addresses "10.0.0.9-10.0.0.1": first address above last address`,
		"10.0.0.1-::1":       `sgsim: parse addresses "10.0.0.1-::1": the ends are of different families`,
		"x-10.0.0.1":         `sgsim: parse addresses "x-10.0.0.1": first address: unable to parse IP`,
		"10.0.0.300":         `sgsim: parse addresses "10.0.0.300": IPv4 field has value >255`,
		"10.0.0.1,10.0.0.x":  `sgsim: parse addresses "10.0.0.1,10.0.0.x": item 2 "10.0.0.x": unexpected character (at "x")`,
		"1.2.3.4,,5.6.7.8":   `sgsim: parse addresses "1.2.3.4,,5.6.7.8": item 2 "": empty`,
		"fe80::1%e0/64":      `sgsim: parse addresses "fe80::1%e0/64": zoned address not allowed`,
		"":                   `sgsim: parse addresses "": empty`,
		"fe80::1%e0":         `sgsim: parse addresses "fe80::1%e0": zoned address not allowed`,
		"fe80::1%e0-fe80::2": `sgsim: parse addresses "fe80::1%e0-fe80::2": first address: zoned address not allowed`,
		// A value holding netip's "): " does not cut the reason short.
		"a): b":          `sgsim: parse addresses "a): b": unexpected character, want colon (at "): b")`,
		"10.0.0.1): 8/8": `sgsim: parse addresses "10.0.0.1): 8/8": unexpected character (at "): 8")`,
	} {
		if _, err := sgsim.ParseAddrs(s); err == nil || err.Error() != want {
			t.Errorf("ParseAddrs(%q) error = %v\nwant %s", s, err, want)
		}
	}
}

func TestPrefixAddrsRejectsInvalid(t *testing.T) {
	if got := sgsim.PrefixAddrs(netip.MustParsePrefix("10.0.0.1/24")).String(); got != "10.0.0.0/24" {
		t.Errorf("PrefixAddrs(10.0.0.1/24) = %s; want the masked prefix", got)
	}
	defer func() {
		if r := recover(); r != "sgsim.PrefixAddrs: invalid prefix invalid Prefix" {
			t.Errorf("recover() = %v", r)
		}
	}()
	sgsim.PrefixAddrs(netip.Prefix{})
	t.Error("no panic for an invalid prefix")
}

func TestParseRuleErrors(t *testing.T) {
	for in, want := range map[string]string{
		"ingress allow":                               `sgsim: parse rule "ingress allow": want "DIRECTION ACTION PROTOCOL ...", e.g. "ingress allow tcp 22 from 10.0.0.0/8"`,
		"sideways allow tcp":                          `sgsim: parse rule "sideways allow tcp": want ingress or egress, got "sideways"`,
		"ingress permit tcp":                          `sgsim: parse rule "ingress permit tcp": want allow, accept, deny or drop, got "permit"`,
		"ingress allow tcp 90-80":                     `sgsim: parse rule "ingress allow tcp 90-80": destination ports: first port above last port; want ports 0-65535 or ranges FIRST-LAST, comma-separated, or all`,
		"ingress allow icmp 80":                       `sgsim: rule: dst ports "80": protocol icmp has no ports`,
		"ingress allow any 80":                        `sgsim: rule: dst ports "80": protocol any has no ports`,
		"ingress allow tcp type 8":                    `sgsim: rule: icmp "type 8": protocol tcp has no ICMP type or code`,
		"ingress allow tcp from 10.0.0.0/33":          `sgsim: parse rule "ingress allow tcp from 10.0.0.0/33": from: prefix length out of range`,
		"ingress allow tcp from ::/0 ipv4":            `sgsim: rule: src "::/0": IPv6 addresses in an IPv4 rule`,
		"ingress allow tcp from ::/0 to 10.0.0.1":     `sgsim: rule: dst "10.0.0.1": address family differs from src ::/0`,
		"ingress allow tcp from group a to 1.1.1.1":   ``, // group as remote with a local dst is fine
		"ingress allow tcp to group a":                `sgsim: parse rule "ingress allow tcp to group a": to group: a ingress rule's remote is its source (from)`,
		"ingress allow tcp priority x":                `sgsim: parse rule "ingress allow tcp priority x": priority must be an integer, got "x"`,
		"ingress allow tcp 22 22":                     `sgsim: parse rule "ingress allow tcp 22 22": unexpected "22"; want from, to, sport, type, code, ipv4, ipv6, priority or id`,
		"ingress allow tcp from 1.1.1.1 from 2.2.2.2": `sgsim: parse rule "ingress allow tcp from 1.1.1.1 from 2.2.2.2": clause "from" given twice`,
		"ingress allow icmp code 3":                   `sgsim: parse rule "ingress allow icmp code 3": code needs a type before it`,
		"ingress allow icmp ipv6":                     `sgsim: rule: protocol "icmp": ICMP in an IPv6 rule; use icmpv6`,
		`ingress allow tcp id "unterminated`:          `sgsim: parse rule "ingress allow tcp id \"unterminated": unterminated or malformed quoted string at "\"unterminated"`,
	} {
		_, err := sgsim.ParseRule(in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("ParseRule(%q) error:\n got %s\nwant %s", in, got, want)
		}
	}
}

func TestRuleTextExamples(t *testing.T) {
	for in, want := range map[string]string{
		"ingress allow tcp 5444 from 192.168.0.0/16 priority 1":        "ingress allow tcp 5444 from 192.168.0.0/16 priority 1",
		"INGRESS Accept TCP 443,80 FROM 10.0.0.1":                      "ingress allow tcp 80,443 from 10.0.0.1",
		"egress drop udp 53 to 10.0.0.2 id r1":                         "egress deny udp 53 to 10.0.0.2 id r1",
		"ingress allow icmp type 8 code 0":                             "ingress allow icmp type 8 code 0",
		`ingress allow any from group "sg 1" id "x y"`:                 `ingress allow any from group "sg 1" id "x y"`,
		"egress allow tcp to list pl-1":                                "egress allow tcp to list pl-1",
		"ingress allow tcp 5540 sport 0-65535 from 1.2.3.4 to 5.6.7.8": "ingress allow tcp 5540 from 1.2.3.4 sport 0-65535 to 5.6.7.8",
		"inbound allow 89 ipv6":                                        "ingress allow 89 ipv6",
	} {
		r, err := sgsim.ParseRule(in)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", in, err)
			continue
		}
		if got := r.String(); got != want {
			t.Errorf("ParseRule(%q).String() = %q; want %q", in, got, want)
		}
	}
}

func TestFlowText(t *testing.T) {
	for _, s := range []string{"tcp 10.0.0.1:40000 -> 10.0.0.2:22", "udp [2001:db8::1]:53 -> [2001:db8::2]:5353",
		"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "gre 10.0.0.1 -> 10.0.0.2"} {
		f, err := sgsim.ParseFlow(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFlow(%q) = %v, %v", s, f, err)
		}
	}
	for _, s := range []string{"tcp 10.0.0.1 -> 10.0.0.2", "any 1.1.1.1 -> 2.2.2.2", "tcp 1.1.1.1:1 -> [::1]:2",
		"icmp 1.1.1.1 -> 2.2.2.2", "tcp 1.1.1.1:1 => 2.2.2.2:2", "udp 1.1.1.1:1 -> 2.2.2.2:2 extra"} {
		if f, err := sgsim.ParseFlow(s); err == nil {
			t.Errorf("ParseFlow(%q) = %v; want error", s, f)
		}
	}
	f := pkt("tcp 10.0.0.1:40000 -> 10.0.0.2:22").Reverse()
	if f.String() != "tcp 10.0.0.2:22 -> 10.0.0.1:40000" {
		t.Errorf("Reverse = %v", f)
	}
}

func TestMustParsePorts(t *testing.T) {
	if got := sgsim.MustParsePorts("22,80-81"); got.String() != "22,80-81" {
		t.Errorf("MustParsePorts(22,80-81) = %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParsePorts(80-) did not panic")
		}
	}()
	sgsim.MustParsePorts("80-")
}

// ParseFlow's errors say once what is wrong and what was wanted, naming
// the bad part (source, destination) rather than repeating the parser's
// own message about the whole text.
func TestParseFlowErrors(t *testing.T) {
	for in, want := range map[string]string{
		"tcp 10.0.0.1:x -> 10.0.0.2:22":             `sgsim: parse flow "tcp 10.0.0.1:x -> 10.0.0.2:22": source "10.0.0.1:x": port not a number 0-65535; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000`,
		"udp 10.0.0.1:1 -> 10.0.0.2":                `sgsim: parse flow "udp 10.0.0.1:1 -> 10.0.0.2": destination "10.0.0.2": no port; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000`,
		"icmp 10.0.0.1:1 -> 10.0.0.2 type 8 code 0": `sgsim: parse flow "icmp 10.0.0.1:1 -> 10.0.0.2 type 8 code 0": source "10.0.0.1:1": unexpected character (at ":1"); want an address`,
		// What is wrong, not only what was wanted: a bad octet or port,
		// brackets where they do not belong or missing.
		"tcp 10.0.0.300:80 -> 10.0.0.2:22":  `sgsim: parse flow "tcp 10.0.0.300:80 -> 10.0.0.2:22": source "10.0.0.300:80": IPv4 field has value >255; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000`,
		"tcp 10.0.0.1:99999 -> 10.0.0.2:22": `sgsim: parse flow "tcp 10.0.0.1:99999 -> 10.0.0.2:22": source "10.0.0.1:99999": port not a number 0-65535; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000`,
		"tcp 10.0.0.1:1 -> [10.0.0.2]:22":   `sgsim: parse flow "tcp 10.0.0.1:1 -> [10.0.0.2]:22": destination "[10.0.0.2]:22": square brackets can only be used with IPv6 addresses; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000`,
		"tcp 10.0.0.1:1 -> 2001:db8::2:22":  `sgsim: parse flow "tcp 10.0.0.1:1 -> 2001:db8::2:22": destination "2001:db8::2:22": IPv6 addresses must be surrounded by square brackets; want an address and port such as 10.0.0.1:40000 or [2001:db8::1]:40000`,
		"tcp 10.0.0.1:1 10.0.0.2:2":         `sgsim: parse flow "tcp 10.0.0.1:1 10.0.0.2:2": want "PROTO SRC -> DST", e.g. "tcp 10.0.0.1:40000 -> 10.0.0.2:22"`,
		// The bad protocol, ICMP type or code is named, not only what is wanted.
		"tcpx 10.0.0.1:1 -> 10.0.0.2:2":             `sgsim: parse flow "tcpx 10.0.0.1:1 -> 10.0.0.2:2": protocol "tcpx": want a name (tcp, udp, icmp, icmpv6, gre, esp, ah, sctp, any) or a number 0-255`,
		"icmp 10.0.0.1 -> 10.0.0.2 type 300 code 0": `sgsim: parse flow "icmp 10.0.0.1 -> 10.0.0.2 type 300 code 0": ICMP type "300": want a number 0-255`,
		"icmp 10.0.0.1 -> 10.0.0.2 type 3 code x":   `sgsim: parse flow "icmp 10.0.0.1 -> 10.0.0.2 type 3 code x": ICMP code "x": want a number 0-255`,
	} {
		_, err := sgsim.ParseFlow(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseFlow(%q) error:\n got %v\nwant %s", in, err, want)
		}
	}
	if f, err := sgsim.ParseFlow("tcp [2001:db8::1]:40000 -> [2001:db8::2]:22"); err != nil || f.DstPort != 22 {
		t.Errorf("IPv6 flow: %v %v", f, err)
	}
}
