package sgsim_test

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

// The reply rule of every ICMP and ICMPv6 type, written out here rather
// than derived from the table under test: the query types with the type
// of their reply; every other type (errors, replies, one-way messages)
// has none.
func TestICMPReplyEveryType(t *testing.T) {
	want := map[sgsim.Protocol]map[uint8]uint8{
		sgsim.ICMP: {
			8:  0,  // echo
			13: 14, // timestamp
			15: 16, // information
			17: 18, // address mask
			42: 43, // extended echo (RFC 8335)
		},
		sgsim.ICMPv6: {
			128: 129, // echo
			139: 140, // node information (RFC 4620)
			144: 145, // home agent address discovery (RFC 6275)
			146: 147, // mobile prefix solicitation / advertisement (RFC 6275)
			157: 158, // duplicate address request / confirmation (RFC 6775)
			160: 161, // extended echo (RFC 8335)
		},
	}
	for p, pairs := range want {
		replies := map[uint8]uint8{}
		for q, r := range pairs {
			replies[r] = q
		}
		for i := 0; i < 256; i++ {
			typ := uint8(i)
			r, ok := sgsim.ICMPReply(p, typ)
			wr, wok := pairs[typ]
			if ok != wok || ok && r != wr {
				t.Errorf("%v type %d: ICMPReply = %d, %v; want %d, %v", p, typ, r, ok, wr, wok)
			}
			q, ok := sgsim.ICMPRequest(p, typ)
			wq, wok := replies[typ]
			if ok != wok || ok && q != wq {
				t.Errorf("%v type %d: ICMPRequest = %d, %v; want %d, %v", p, typ, q, ok, wq, wok)
			}
		}
	}
	// Other protocols have no ICMP replies.
	for _, p := range []sgsim.Protocol{sgsim.AnyProtocol, sgsim.TCP, sgsim.UDP} {
		if _, ok := sgsim.ICMPReply(p, 8); ok {
			t.Errorf("ICMPReply(%v, 8) has a reply", p)
		}
		if _, ok := sgsim.ICMPRequest(p, 0); ok {
			t.Errorf("ICMPRequest(%v, 0) has a request", p)
		}
	}
}

// statelessICMP is two subnets with stateless ACLs that pass ICMP only in
// the directions the rules name: a (10.0.0.0/24) may send any ICMP to b
// (10.0.1.0/24) and b may send echo replies (type 0) back, nothing else.
func statelessICMP(t *testing.T, v6 bool) *sgsim.Network {
	t.Helper()
	a, b, proto, reply := "10.0.0.0/24", "10.0.1.0/24", "icmp", "0"
	if v6 {
		a, b, proto, reply = "2001:db8::/64", "2001:db8:1::/64", "icmpv6", "129"
	}
	rules := func(ss ...string) []sgsim.Rule {
		var out []sgsim.Rule
		for _, s := range ss {
			out = append(out, sgsim.MustParseRule(s))
		}
		return out
	}
	spec := sgsim.NetworkSpec{
		Cloud:  sgsim.Alibaba,
		Groups: []sgsim.Group{{ID: "open", Rules: rules("ingress allow any priority 1", "egress allow any priority 1")}},
		ACLs: []sgsim.Group{
			{ID: "acl-a", Rules: rules("egress allow "+proto+" to "+b+" priority 1", "ingress allow "+proto+" type "+reply+" from "+b+" priority 1")},
			{ID: "acl-b", Rules: rules("ingress allow "+proto+" from "+a+" priority 1", "egress allow "+proto+" type "+reply+" to "+a+" priority 1")},
		},
		Subnets: []sgsim.Subnet{{Name: "a", Prefix: netip.MustParsePrefix(a), ACL: "acl-a"}, {Name: "b", Prefix: netip.MustParsePrefix(b), ACL: "acl-b"}},
		Endpoints: []sgsim.Endpoint{
			{Name: "ha", Addrs: sgsim.MustParseAddrs(a), Subnet: "a", Groups: []string{"open"}},
			{Name: "hb", Addrs: sgsim.MustParseAddrs(b), Subnet: "b", Groups: []string{"open"}},
		},
	}
	n, err := sgsim.BuildNetwork(spec)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Through stateless ACLs, one-way messages need only their own direction;
// a query also needs its reply's type back, and the reply is dropped
// when the ACLs pass only echo replies.
func TestStatelessICMPReplies(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		n := statelessICMP(t, v6)
		src, dst, p := "10.0.0.5", "10.0.1.7", "icmp"
		if v6 {
			src, dst, p = "2001:db8::5", "2001:db8:1::7", "icmpv6"
		}
		cases := []struct {
			typ, code uint8
			allowed   bool
			hop       sgsim.Hop
			replyType string // the reply hop's flow type, "" when the trace has no reply hop
		}{
			// IPv4 numbers; the IPv6 run maps them below.
			{8, 0, true, sgsim.NoHop, "0"},             // echo request: answered by an echo reply, which acl-b passes
			{0, 0, true, sgsim.NoHop, ""},              // echo reply: one-way (was checked as a reply of type 0 going back)
			{3, 1, true, sgsim.NoHop, ""},              // destination unreachable: one-way
			{11, 0, true, sgsim.NoHop, ""},             // time exceeded: one-way
			{13, 0, false, sgsim.ReplyDstACLOut, "14"}, // timestamp request: its reply (14) is not an echo reply, dropped
			{42, 0, false, sgsim.ReplyDstACLOut, "43"}, // extended echo: reply 43 dropped
			{14, 0, true, sgsim.NoHop, ""},             // timestamp reply: one-way
		}
		v6of := map[uint8]uint8{8: 128, 0: 129, 3: 1, 11: 3, 13: 139, 42: 160, 14: 140}
		v6reply := map[string]string{"0": "129", "14": "140", "43": "161"}
		for _, tc := range cases {
			typ, rt := tc.typ, tc.replyType
			if v6 {
				typ, rt = v6of[typ], v6reply[rt]
			}
			f := sgsim.MustParseFlow(p + " " + src + " -> " + dst + " type " + strconv.Itoa(int(typ)) + " code " + strconv.Itoa(int(tc.code)))
			d := n.Decide(f)
			if d.Allowed != tc.allowed || d.Hop != tc.hop {
				t.Errorf("%v: allowed %v at %v; want %v at %v\n%v", f, d.Allowed, d.Hop, tc.allowed, tc.hop, n.Trace(f))
			}
			tr := n.Trace(f)
			last := tr.Steps[len(tr.Steps)-1]
			hasReply := last.Hop == sgsim.ReplyDstACLOut || last.Hop == sgsim.ReplySrcACLIn
			if hasReply != (rt != "") {
				t.Errorf("%v: trace has reply hop %v; want %v\n%v", f, hasReply, rt != "", tr)
			}
			if rt != "" {
				r := tr.Steps[4].Flow
				if strconv.Itoa(int(r.ICMPType)) != rt || r.ICMPCode != 0 || r.Src.String() != dst || r.Dst.String() != src {
					t.Errorf("%v: reply hop sees %v; want type %s code 0 back to the source", f, r, rt)
				}
			}
		}
	}
}
