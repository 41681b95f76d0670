package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"time"

	"github.com/google/gopacket/layers"
)

// Link types (LINKTYPE_* values as stored in pcap and pcapng files) that
// the Reader decodes.
const (
	LinkNull     = 0   // BSD loopback: 4-byte address family, either byte order
	LinkEthernet = 1   // Ethernet II / 802.3, with 802.1Q and 802.1ad tags
	LinkRawDLT12 = 12  // DLT_RAW as written by most older libpcaps: raw IP
	LinkRawDLT14 = 14  // DLT_RAW as written by OpenBSD: raw IP
	LinkRaw      = 101 // LINKTYPE_RAW: raw IPv4 or IPv6 by version nibble
	LinkLoop     = 108 // OpenBSD loopback: like LinkNull, big-endian family
	LinkSLL      = 113 // Linux cooked capture v1
	LinkIPv4     = 228 // raw IPv4
	LinkIPv6     = 229 // raw IPv6
	LinkSLL2     = 276 // Linux cooked capture v2
)

func supportedLink(lt uint32) bool {
	switch lt {
	case LinkNull, LinkEthernet, LinkRawDLT12, LinkRawDLT14, LinkRaw, LinkLoop,
		LinkSLL, LinkIPv4, LinkIPv6, LinkSLL2:
		return true
	}
	return false
}

func linkName(lt uint32) string {
	if lt <= 0xff { // gopacket's LinkType is a uint8
		return layers.LinkType(lt).String()
	}
	return "unknown"
}

// MaxRecord bounds the captured bytes one record may claim (a pcapng block
// may be 4096 bytes longer, for its header and options), so that a corrupt
// or hostile length field cannot make a Reader allocate without limit. It
// is well above tcpdump's largest snap length (262144). A pcap record
// claiming more is a *FormatError; a snap length in a file header is only
// a claim and is never used to size a buffer.
const MaxRecord = 1 << 20

const maxRecord = MaxRecord

// File magics.
const (
	magicMicro    = 0xa1b2c3d4
	magicNano     = 0xa1b23c4d
	magicModified = 0xa1b2cd34 // Kuznetzov's patched libpcap, 24-byte records
	magicPcapng   = 0x0a0d0d0a // pcapng section header block type
	pcapngBOM     = 0x1a2b3c4d
	blockIDB      = 1
	blockPB       = 2 // obsolete packet block
	blockSPB      = 3
	blockEPB      = 6
	optEnd        = 0
	optIfTsresol  = 9
	optIfTsoffset = 14
	maxIfaces     = 4096
)

// Reader decodes the packets of one pcap or pcapng stream. It is not safe
// for concurrent use.
type Reader struct {
	br  *bufio.Reader
	ng  bool
	bo  binary.ByteOrder
	hdr [28]byte
	buf []byte // record or block body, reused

	// classic pcap
	nano bool
	link uint32
	snap uint32

	// the record of the packet Next last returned
	data     []byte
	dataLink uint32

	off     int64 // byte offset of the next record or block
	blockAt int64 // byte offset of the record or block being read

	// pcapng
	ifaces []iface

	n       int   // packet records read
	err     error // sticky: once Next fails it keeps failing
	skipped counters
	dec     decoder
}

type iface struct {
	link    uint32
	snaplen uint32
	units   uint64 // timestamp units per second
	offset  int64  // if_tsoffset, seconds
}

type record struct {
	data        []byte
	ts          time.Time
	length      int
	link        uint32
	bad         bool // framing intact but contents inconsistent
	unsupported bool
	badTime     bool // pcap: fraction of a second out of range
}

// NewReader reads the file header from r and returns a Reader positioned
// at the first packet. The format is told by the magic number: pcap
// (either byte order, microsecond or nanosecond timestamps) or pcapng. It
// returns an error naming what it found when the magic is unknown or the
// link type is not one of the Link* constants.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10)}
	rd.dec.init(rd)
	if n, err := io.ReadFull(rd.br, rd.hdr[:4]); err != nil {
		switch {
		case err == io.EOF:
			return nil, errors.New("capture: empty input: want a pcap or pcapng file")
		case err == io.ErrUnexpectedEOF:
			return nil, fmt.Errorf("capture: input ends after %d bytes, inside the 4-byte file magic: want a pcap or pcapng file", n)
		}
		return nil, fmt.Errorf("capture: reading file magic: %w", err)
	}
	le := binary.LittleEndian.Uint32(rd.hdr[:4])
	be := binary.BigEndian.Uint32(rd.hdr[:4])
	switch {
	case le == magicPcapng:
		rd.ng = true
		if err := rd.ngStart(); err != nil {
			return nil, err
		}
		return rd, nil
	case le == magicMicro || le == magicNano:
		rd.bo = binary.LittleEndian
		rd.nano = le == magicNano
	case be == magicMicro || be == magicNano:
		rd.bo = binary.BigEndian
		rd.nano = be == magicNano
	case le == magicModified || be == magicModified:
		return nil, fmt.Errorf("capture: modified (Kuznetzov) pcap magic 0x%08x is not supported", be)
	case rd.hdr[0] == 0x1f && rd.hdr[1] == 0x8b:
		return nil, errors.New("capture: input is gzip-compressed (magic 1f 8b); decompress it first")
	default:
		return nil, fmt.Errorf("capture: unknown file magic %02x %02x %02x %02x: neither pcap nor pcapng",
			rd.hdr[0], rd.hdr[1], rd.hdr[2], rd.hdr[3])
	}
	if _, err := io.ReadFull(rd.br, rd.hdr[4:24]); err != nil {
		return nil, fmt.Errorf("capture: pcap file header: %w", noEOF(err))
	}
	if major := rd.bo.Uint16(rd.hdr[4:6]); major != 2 {
		return nil, fmt.Errorf("capture: unsupported pcap version %d.%d", major, rd.bo.Uint16(rd.hdr[6:8]))
	}
	// The low 16 bits are the link type; the upper bits carry FCS
	// information, which IP decoding does not need.
	rd.link = rd.bo.Uint32(rd.hdr[20:24]) & 0xffff
	rd.snap = rd.bo.Uint32(rd.hdr[16:20])
	if !supportedLink(rd.link) {
		return nil, fmt.Errorf("capture: unsupported link type %d (%s)", rd.link, linkName(rd.link))
	}
	rd.off = 24
	return rd, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// LinkType returns the link type of the pcap file, or of the first pcapng
// interface.
func (r *Reader) LinkType() uint32 {
	if r.ng {
		if len(r.ifaces) > 0 {
			return r.ifaces[0].link
		}
		return 0
	}
	return r.link
}

// Next decodes the next packet into p, overwriting all of p. It returns
// io.EOF at the end of the input. Packets that cannot be decoded to an IP
// header are skipped and counted (see Skipped); Next then moves on to the
// following record. A non-nil error other than io.EOF means the file
// structure itself is broken and reading cannot continue; once Next has
// returned an error it returns the same error on every later call.
func (r *Reader) Next(p *Packet) error {
	r.data = nil
	if r.err != nil {
		return r.err
	}
	var rec record
	for {
		err := r.readRecord(&rec)
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				r.n++
				r.skipped.add(ReasonTruncatedFile, r.n)
				err = io.EOF
			}
			r.err = err
			return err
		}
		r.n++
		*p = Packet{N: r.n, Time: rec.ts, Len: rec.length, CapLen: len(rec.data)}
		switch {
		case rec.unsupported:
			r.skipped.add(ReasonUnsupportedLink, r.n)
			continue
		case rec.bad:
			r.skipped.add(ReasonBadRecord, r.n)
			continue
		}
		if reason := r.dec.packet(rec.link, rec.data, p); reason != 0 {
			r.skipped.add(reason, r.n)
			continue
		}
		if rec.badTime {
			r.flag(ReasonBadTimestamp)
		}
		r.data, r.dataLink = rec.data, rec.link
		return nil
	}
}

// Data returns the captured bytes of the packet Next last returned, as
// the file holds them (from the link-layer header on), and the link type
// of its interface; nil after an error or io.EOF. The bytes belong to the
// Reader and are overwritten by the next call to Next.
func (r *Reader) Data() (data []byte, link uint32) { return r.data, r.dataLink }

// Snaplen returns the snap length the pcap file header, or the first
// pcapng interface, states (0: none). It is the writer's claim, not a
// bound the Reader relies on: records are bounded by MaxRecord.
func (r *Reader) Snaplen() uint32 {
	if r.ng {
		if len(r.ifaces) > 0 {
			return r.ifaces[0].snaplen
		}
		return 0
	}
	return r.snap
}

// Skipped returns, for each reason a packet was skipped, how many were and
// the number of the first. Reasons with no packets are left out.
func (r *Reader) Skipped() []Skip { return r.skipped.list(1, ReasonTruncatedTransport) }

// Flagged returns the counts of packets that Next delivered with a caveat
// (ReasonTruncatedTransport and the reasons after it).
func (r *Reader) Flagged() []Skip { return r.skipped.list(ReasonTruncatedTransport, numReasons) }

func (r *Reader) flag(reason Reason) { r.skipped.add(reason, r.n) }

// grow returns r.buf resized to n bytes.
func (r *Reader) grow(n int) []byte {
	if cap(r.buf) < n {
		r.buf = make([]byte, n)
	}
	return r.buf[:n]
}

// readRecord reads the next packet record. It returns io.EOF at a clean
// end and io.ErrUnexpectedEOF when the input stops inside a record.
func (r *Reader) readRecord(rec *record) error {
	if r.ng {
		return r.ngRecord(rec)
	}
	h := r.hdr[:16]
	r.blockAt = r.off
	if _, err := io.ReadFull(r.br, h); err != nil {
		return err // io.EOF at a record boundary, else ErrUnexpectedEOF
	}
	sec := r.bo.Uint32(h[0:4])
	frac := r.bo.Uint32(h[4:8])
	incl := r.bo.Uint32(h[8:12])
	orig := r.bo.Uint32(h[12:16])
	if incl > maxRecord {
		return r.formatErr("pcap record", "claims %d captured bytes, above the %d limit: file corrupt", incl, maxRecord)
	}
	data := r.grow(int(incl))
	if _, err := io.ReadFull(r.br, data); err != nil {
		return noEOF(err)
	}
	r.off += 16 + int64(incl)
	ns := int64(frac)
	badTime := frac >= 1e9
	if !r.nano {
		badTime = frac >= 1e6
		ns *= 1000
	}
	*rec = record{data: data, ts: time.Unix(int64(sec), ns).UTC(), length: int(orig), link: r.link, badTime: badTime}
	return nil
}

// ngBlock reads one pcapng block and returns its type and body (between
// the length fields). The first have bytes of the block (0, or 4 for the
// file magic NewReader read) are already in r.hdr. For a section header
// block the body starts after the byte-order magic, and r.bo is set from
// it.
func (r *Reader) ngBlock(have int) (uint32, []byte, error) {
	r.blockAt = r.off
	h := r.hdr[:8]
	if _, err := io.ReadFull(r.br, h[have:]); err != nil {
		if have > 0 {
			err = noEOF(err)
		}
		return 0, nil, err
	}
	typ := binary.LittleEndian.Uint32(h[0:4])
	rest := 0
	if typ == magicPcapng {
		if _, err := io.ReadFull(r.br, r.hdr[8:12]); err != nil {
			return 0, nil, noEOF(err)
		}
		switch {
		case binary.LittleEndian.Uint32(r.hdr[8:12]) == pcapngBOM:
			r.bo = binary.LittleEndian
		case binary.BigEndian.Uint32(r.hdr[8:12]) == pcapngBOM:
			r.bo = binary.BigEndian
		default:
			return 0, nil, r.ngErr("section header with bad byte-order magic %x", r.hdr[8:12])
		}
		rest = 4
	} else if r.bo == nil {
		return 0, nil, r.ngErr("block before any section header")
	} else {
		typ = r.bo.Uint32(h[0:4])
	}
	total := r.bo.Uint32(h[4:8])
	if total < uint32(12+rest) || total > maxRecord+4096 {
		return 0, nil, r.ngErr("block type 0x%x with invalid length %d", typ, total)
	}
	b := r.grow(int(total) - 8 - rest)
	if _, err := io.ReadFull(r.br, b); err != nil {
		return 0, nil, noEOF(err)
	}
	if trail := r.bo.Uint32(b[len(b)-4:]); trail != total {
		return 0, nil, r.ngErr("block type 0x%x: length %d at start, %d at end", typ, total, trail)
	}
	r.off += int64(total)
	return typ, b[:len(b)-4], nil
}

// ngStart reads the section header (its magic already in r.hdr) and the
// blocks up to the first interface description.
func (r *Reader) ngStart() error {
	for have := 4; ; have = 0 {
		typ, body, err := r.ngBlock(have)
		switch {
		case err == io.EOF:
			return nil // a capture with no interfaces and no packets
		case err == io.ErrUnexpectedEOF:
			return r.ngErr("file ends inside the block")
		case err != nil:
			return err
		}
		switch typ {
		case magicPcapng:
			if err := r.ngSection(body); err != nil {
				return err
			}
		case blockIDB:
			if err := r.ngInterface(body); err != nil {
				return err
			}
			if lt := r.ifaces[0].link; !supportedLink(lt) {
				return r.ngErr("unsupported link type %d (%s)", lt, linkName(lt))
			}
			return nil
		case blockEPB, blockSPB, blockPB:
			return r.ngErr("packet block before any interface description")
		}
	}
}

// ngErr is an error in the pcapng block being read, located by its byte
// offset and the number of the last packet record before it.
func (r *Reader) ngErr(format string, args ...any) error {
	return r.formatErr("pcapng block", format, args...)
}

// formatErr is a *FormatError at the record or block being read.
func (r *Reader) formatErr(what, format string, args ...any) error {
	return &FormatError{Offset: r.blockAt, After: r.n, what: what, Msg: fmt.Sprintf(format, args...)}
}

// A FormatError is a capture whose structure is broken at a record or
// block: reading cannot go on past it. Every packet before it was read
// and delivered (or counted), so a caller can still use them; Offset and
// After say where reading stopped. Its text reads
//
//	capture: pcap record at byte 1064 (after packet 9): claims 4294967295 captured bytes, above the 1048576 limit: file corrupt
//	capture: pcapng block at byte 2080 (after packet 12): block type 0x6: length 96 at start, 100 at end
type FormatError struct {
	Offset int64  // byte offset of the record or block in the file
	After  int    // packet records read before it (Packet.N of the last)
	Msg    string // what is wrong

	what string // "pcap record" or "pcapng block"
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("capture: %s at byte %d (after packet %d): %s", e.what, e.Offset, e.After, e.Msg)
}

// Records returns the number of packet records read so far, delivered or
// skipped: the Packet.N of the last.
func (r *Reader) Records() int { return r.n }

// Offset returns the byte offset in the input of the next record or block
// Next will read (after an error: of the one that could not be read).
func (r *Reader) Offset() int64 {
	if r.err != nil && r.err != io.EOF {
		return r.blockAt
	}
	return r.off
}

func (r *Reader) ngSection(body []byte) error {
	if len(body) < 12 {
		return r.ngErr("section header too short")
	}
	if major := r.bo.Uint16(body[0:2]); major != 1 {
		return r.ngErr("unsupported pcapng version %d.%d", major, r.bo.Uint16(body[2:4]))
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

func (r *Reader) ngInterface(body []byte) error {
	if len(body) < 8 {
		return r.ngErr("interface description too short")
	}
	if len(r.ifaces) >= maxIfaces {
		return r.ngErr("more than %d interfaces", maxIfaces)
	}
	ifc := iface{
		link:    uint32(r.bo.Uint16(body[0:2])),
		snaplen: r.bo.Uint32(body[4:8]),
		units:   1e6,
	}
	opts := body[8:]
	for len(opts) >= 4 {
		code := r.bo.Uint16(opts[0:2])
		l := int(r.bo.Uint16(opts[2:4]))
		if code == optEnd || 4+l > len(opts) {
			break
		}
		v := opts[4 : 4+l]
		switch {
		case code == optIfTsresol && l >= 1:
			ifc.units = tsUnits(v[0])
		case code == optIfTsoffset && l >= 8:
			ifc.offset = int64(r.bo.Uint64(v))
		}
		n := 4 + (l+3)&^3
		if n > len(opts) {
			break
		}
		opts = opts[n:]
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

// tsUnits converts an if_tsresol value to timestamp units per second. A
// resolution finer than a uint64 can count falls back to the default
// (microseconds) rather than failing the file.
func tsUnits(v byte) uint64 {
	e := uint(v & 0x7f)
	if v&0x80 != 0 {
		if e > 63 {
			return 1e6
		}
		return 1 << e
	}
	if e > 19 {
		return 1e6
	}
	u := uint64(1)
	for ; e > 0; e-- {
		u *= 10
	}
	return u
}

func (ifc *iface) time(ts uint64) time.Time {
	sec := ts / ifc.units
	frac := ts % ifc.units
	hi, lo := bits.Mul64(frac, 1e9)
	ns, _ := bits.Div64(hi, lo, ifc.units)
	return time.Unix(int64(sec)+ifc.offset, int64(ns)).UTC()
}

// ngRecord reads blocks until a packet block.
func (r *Reader) ngRecord(rec *record) error {
	for {
		typ, b, err := r.ngBlock(0)
		if err != nil {
			return err
		}
		switch typ {
		case magicPcapng:
			if err := r.ngSection(b); err != nil {
				return err
			}
		case blockIDB:
			if err := r.ngInterface(b); err != nil {
				return err
			}
		case blockEPB, blockPB:
			*rec = record{}
			if len(b) < 20 {
				rec.bad = true
				return nil
			}
			var id uint32
			if typ == blockEPB {
				id = r.bo.Uint32(b[0:4])
			} else {
				id = uint32(r.bo.Uint16(b[0:2]))
			}
			ts := uint64(r.bo.Uint32(b[4:8]))<<32 | uint64(r.bo.Uint32(b[8:12]))
			capLen := r.bo.Uint32(b[12:16])
			rec.length = int(r.bo.Uint32(b[16:20]))
			if id >= uint32(len(r.ifaces)) || capLen > uint32(len(b)-20) {
				rec.bad = true
				return nil
			}
			ifc := &r.ifaces[id]
			rec.data = b[20 : 20+capLen]
			rec.ts = ifc.time(ts)
			rec.link = ifc.link
			rec.unsupported = !supportedLink(ifc.link)
			return nil
		case blockSPB:
			*rec = record{}
			if len(b) < 4 || len(r.ifaces) == 0 {
				rec.bad = true
				return nil
			}
			ifc := &r.ifaces[0]
			rec.length = int(r.bo.Uint32(b[0:4]))
			data := b[4:]
			if rec.length < len(data) {
				data = data[:rec.length]
			}
			if ifc.snaplen != 0 && uint32(len(data)) > ifc.snaplen {
				data = data[:ifc.snaplen]
			}
			rec.data = data
			rec.link = ifc.link
			rec.unsupported = !supportedLink(ifc.link)
			return nil
		}
	}
}
