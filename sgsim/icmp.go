package sgsim

// ICMP query messages and their replies: the one table Network.Decide,
// Network.Trace, Network.Reach and package replay's pairing use.
//
// Only a query has a reply, sent back to the query's source. Errors
// (destination unreachable, time exceeded, parameter problem, packet too
// big, redirect, source quench), the replies themselves and every other
// message are one-way: no host answers them, so a stateless ACL's
// opposite direction has nothing to let through.
//
// ICMP (IPv4), RFC 792 unless noted:
//
//	 8 echo request          ->  0 echo reply
//	13 timestamp request     -> 14 timestamp reply
//	15 information request   -> 16 information reply (deprecated by RFC 6918; a host that still answers replies to the source)
//	17 address mask request  -> 18 address mask reply (RFC 950; deprecated by RFC 6918, as 15)
//	42 extended echo request -> 43 extended echo reply (RFC 8335 section 3: the reply goes to the request's source)
//
// ICMPv6:
//
//	128 echo request                                ->  129 echo reply (RFC 4443 sections 4.1-4.2)
//	139 node information query                      ->  140 node information reply (RFC 4620 section 4: the responder replies to the querier)
//	144 home agent address discovery request        ->  145 reply (RFC 6275 sections 6.5-6.6: sent to the request's source)
//	146 mobile prefix solicitation                  ->  147 mobile prefix advertisement (RFC 6275 sections 6.7-6.8: sent to the solicitation's source)
//	157 duplicate address request                   ->  158 duplicate address confirmation (RFC 6775 section 8.2: sent back to the requesting router)
//	160 extended echo request                       ->  161 extended echo reply (RFC 8335)
//
// Left out on purpose, as one-way: IPv4 router solicitation (10) and
// ICMPv6 router solicitation (133), whose advertisements normally go to
// a multicast group (RFC 1256 section 5.2, RFC 4861 section 6.2.6);
// ICMPv6 neighbour solicitation (135), inverse neighbour discovery (141)
// and the other neighbour-discovery messages, which must carry hop limit
// 255 (RFC 4861 section 7.1.1, RFC 3122) and so never leave their link
// or cross a subnet ACL; multicast listener queries (130), answered by
// reports to the multicast group (RFC 2710, RFC 3810); and IPv4 domain
// name request (37, RFC 1788), experimental, never widely answered and
// deprecated by RFC 6918.
//
// A reply takes code 0, the successful answer.
var icmpReplies, icmpv6Replies = func() (v4, v6 [256]int16) {
	for i := range v4 {
		v4[i], v6[i] = -1, -1
	}
	for _, p := range [][2]uint8{{8, 0}, {13, 14}, {15, 16}, {17, 18}, {42, 43}} {
		v4[p[0]] = int16(p[1])
	}
	for _, p := range [][2]uint8{{128, 129}, {139, 140}, {144, 145}, {146, 147}, {157, 158}, {160, 161}} {
		v6[p[0]] = int16(p[1])
	}
	return v4, v6
}()

// icmpRequests is the inverse of the reply tables.
var icmpRequests, icmpv6Requests = func() (v4, v6 [256]int16) {
	for i := range v4 {
		v4[i], v6[i] = -1, -1
	}
	for t := range 256 {
		if r := icmpReplies[t]; r >= 0 {
			v4[r] = int16(t)
		}
		if r := icmpv6Replies[t]; r >= 0 {
			v6[r] = int16(t)
		}
	}
	return v4, v6
}()

// ICMPReply returns the type of the reply to an ICMP (p ICMP) or ICMPv6
// (p ICMPv6) message of type t, and false when the message has none: it
// is an error, a reply or another one-way message. See the table in
// icmp.go's documentation for the pairs and the RFCs behind them.
func ICMPReply(p Protocol, t uint8) (reply uint8, ok bool) {
	var r int16 = -1
	switch p {
	case ICMP:
		r = icmpReplies[t]
	case ICMPv6:
		r = icmpv6Replies[t]
	}
	return uint8(r), r >= 0
}

// ICMPRequest is the inverse of ICMPReply: the type of the query whose
// reply has type t, and false when t is not a reply.
func ICMPRequest(p Protocol, t uint8) (request uint8, ok bool) {
	var r int16 = -1
	switch p {
	case ICMP:
		r = icmpRequests[t]
	case ICMPv6:
		r = icmpv6Requests[t]
	}
	return uint8(r), r >= 0
}

// replyOf returns the packet that answers f and whether there is one:
// addresses and ports swapped, and for ICMP the reply type (code 0) of a
// query; other ICMP messages have no reply. Every other protocol has a
// reply path (TCP's segments back, a UDP answer, ...).
func replyOf(f Flow) (Flow, bool) {
	r := f.Reverse()
	if f.Proto.IsICMP() {
		t, ok := ICMPReply(f.Proto, f.ICMPType)
		if !ok {
			return Flow{}, false
		}
		r.ICMPType, r.ICMPCode = t, 0
	}
	return r, true
}
