// Package capture reads pcap and pcapng captures and decodes each packet's
// IP and transport headers into a plain Packet value, for replay against a
// rule set.
//
// The shortest complete use:
//
//	f, err := os.Open("trace.pcap")
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	r, err := capture.NewReader(f)
//	if err != nil {
//		return err
//	}
//	var p capture.Packet
//	for {
//		if err := r.Next(&p); err == io.EOF {
//			break
//		} else if err != nil {
//			return err
//		}
//		fmt.Println(p.N, p.Src, p.SrcPort, p.Dst, p.DstPort, p.Proto)
//	}
//	fmt.Println(r.Skipped(), r.Flagged())
//
// The format is told by the magic number (pcap in either byte order with
// micro- or nanosecond timestamps, or pcapng). Link types: Ethernet (with
// 802.1Q and 802.1ad/QinQ tags), Linux cooked v1 and v2, raw IP (101, 12,
// 14, 228, 229) and BSD loopback (0, 108).
//
// Decoding uses gopacket's DecodingLayerParser over layers preallocated in
// the Reader (with this package's own IPv6 header and extension-header
// layers), plus a fixed-size fragment table, so Next does not allocate once
// its record buffer has grown to the largest record.
//
// An IP length of 0 (IPv4 or IPv6) is read as "the rest of the record":
// captures of segmentation-offload packets (Linux BIG TCP) and IPv6
// jumbograms carry it.
//
// Packets that are not IP, or whose link or IP header is cut or invalid,
// are skipped and counted by Reason (Reader.Skipped). Packets whose IP
// header is intact are always delivered, even when the transport header is
// cut or invalid; Header.Truncated says the capture holds fewer bytes than
// the IP length, and such caveats are counted too (Reader.Flagged), as
// are pcap timestamps whose fraction of a second is out of range
// (ReasonBadTimestamp). Next never panics on malformed input, and neither
// a hostile length field nor a header's snap length can make it allocate
// more than about MaxRecord (1 MiB).
//
// A capture that turns corrupt partway (a record or block whose framing
// cannot be read) makes Next return a *FormatError giving the byte offset
// and the number of the last packet read before it: everything before it
// was delivered, so a caller can report it and the error. A file that
// simply stops inside a record ends with io.EOF and counts the cut record
// (ReasonTruncatedFile). Reader.Data gives the raw bytes of the packet
// just read, for tools that copy packets.
//
// VXLAN (UDP 4789) and Geneve (UDP 6081) are decapsulated one level into
// Packet.Inner. Other encapsulations (GRE, IP-in-IP, PIM Register, ...)
// are reported as packets of that IP protocol with no ports.
package capture
