package replay

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/sgsim/sgsim/sgsim/capture"
)

// The capture package decodes headers and does not keep the raw bytes of
// records, so writing the dropped packets takes a second pass over the
// same file: AddCapture (with Config.RecordDropped) remembers the record
// numbers of the dropped packets, and WriteDropped reads the file again
// with a capture.Reader and copies those records (Reader.Data). The same
// reader numbers the records both times, and each copied record's lengths
// are checked against what the first pass saw, so a file that changed in
// between is an error, never a wrong packet. Every buffer is bounded by
// capture.MaxRecord, whatever the file's headers claim.

// WriteDropped reads the capture that c describes again from src and
// writes to w, as a classic pcap file with nanosecond timestamps, exactly
// the packets listed in c.Dropped. Config.RecordDropped must have been
// set: when c counts dropped packets that c.Dropped does not list,
// WriteDropped writes nothing and returns an error rather than an
// incomplete pcap. The output has the link type of the input (for pcapng:
// the first interface's); a dropped packet of a pcapng interface with
// another link type cannot be written to a classic pcap and makes
// WriteDropped fail after writing the others. The output's snap length is
// the input's (pcapng: the first interface's; 262144 when it states
// none), capped at capture.MaxRecord, and at least the longest packet
// written: a hostile header cannot make the output, or any buffer,
// larger than the records really are. Packets without a timestamp
// (pcapng simple packet blocks) are written with time 0. It returns the
// number of packets written.
func (c *CaptureStats) WriteDropped(w io.Writer, src io.Reader) (int, error) {
	return WriteDroppedAll(w, []CaptureStats{*c}, func(int) (io.ReadCloser, error) { return io.NopCloser(src), nil })
}

// WriteDroppedAll writes the dropped packets of several captures, in
// order, to w as one classic pcap, as WriteDropped does for one: stats
// are the captures' statistics (Summary.Captures) and open(i) returns
// capture i (0-based) to read again; it is called only for the captures
// with dropped packets (and for the first, when none has any, for its
// link type). The link type and snap length come from the first capture
// with dropped packets (the snap length raised to the longest dropped
// packet of any); a capture of another link type is an error, returned
// after writing the captures before it. Nothing is held in memory beyond
// one record at a time.
func WriteDroppedAll(w io.Writer, stats []CaptureStats, open func(i int) (io.ReadCloser, error)) (int, error) {
	var longest uint32
	first := -1
	for i := range stats {
		c := &stats[i]
		if len(c.Dropped) != c.DroppedPackets {
			return 0, fmt.Errorf("replay: capture %d had %d dropped packets but %d were recorded: replay it with Config.RecordDropped set", i+1, c.DroppedPackets, len(c.Dropped))
		}
		for _, d := range c.Dropped {
			longest = max(longest, uint32(min(d.CapLen, capture.MaxRecord)))
		}
		if first < 0 && len(c.Dropped) > 0 {
			first = i
		}
	}
	if len(stats) == 0 {
		return 0, fmt.Errorf("replay: no capture to write the dropped packets of")
	}
	bw := bufio.NewWriter(w)
	written := 0
	var link uint32
	for i := range stats {
		if len(stats[i].Dropped) == 0 && !(first < 0 && i == 0) {
			continue
		}
		rc, err := open(i)
		if err != nil {
			return written, flushed(bw, fmt.Errorf("replay: re-reading capture %d: %w", i+1, err))
		}
		rd, err := capture.NewReader(rc)
		if err != nil {
			rc.Close()
			return written, flushed(bw, fmt.Errorf("replay: re-reading capture %d: %w", i+1, err))
		}
		if i == max(first, 0) {
			link = rd.LinkType()
			snap := rd.Snaplen()
			if snap == 0 {
				snap = 262144
			}
			if err := writeHeader(bw, max(min(snap, capture.MaxRecord), longest), link); err != nil {
				rc.Close()
				return written, err
			}
		} else if lt := rd.LinkType(); lt != link {
			rc.Close()
			return written, flushed(bw, fmt.Errorf("replay: capture %d has link type %d, capture %d has %d: one pcap cannot hold both", i+1, lt, first+1, link))
		}
		n, err := writeDropped(bw, &stats[i], rd, link)
		rc.Close()
		written += n
		if err != nil {
			if len(stats) > 1 {
				err = fmt.Errorf("capture %d: %w", i+1, err)
			}
			return written, flushed(bw, err)
		}
	}
	return written, bw.Flush()
}

// writeDropped copies c's dropped packets from rd to bw, as pcap records
// of link type link.
func writeDropped(bw *bufio.Writer, c *CaptureStats, rd *capture.Reader, link uint32) (int, error) {
	written, otherLink, firstOther := 0, 0, 0
	var p capture.Packet
	for j := 0; j < len(c.Dropped); {
		err := rd.Next(&p)
		if err == io.EOF {
			return written, fmt.Errorf("replay: capture ended at record %d before dropped packet %d", p.N, c.Dropped[j].N)
		}
		if err != nil {
			return written, fmt.Errorf("replay: re-reading capture: %w", err)
		}
		d := c.Dropped[j]
		if p.N < d.N {
			continue
		}
		if p.N > d.N {
			return written, fmt.Errorf("replay: record %d is not a packet on re-reading: the capture changed", d.N)
		}
		j++
		data, plink := rd.Data()
		if p.Len != d.Len || len(data) != d.CapLen {
			return written, fmt.Errorf("replay: record %d has lengths %d/%d on re-reading, %d/%d on the first pass: the capture changed",
				p.N, len(data), p.Len, d.CapLen, d.Len)
		}
		if plink != link {
			if otherLink == 0 {
				firstOther = p.N
			}
			otherLink++
			continue
		}
		if err := writeRecord(bw, &p, data); err != nil {
			return written, err
		}
		written++
	}
	if otherLink > 0 {
		return written, fmt.Errorf("replay: %d dropped packets (first: record %d) have a link type other than %d and were not written", otherLink, firstOther, link)
	}
	return written, nil
}

// flushed flushes what was written before an error and returns the error.
func flushed(bw *bufio.Writer, err error) error {
	bw.Flush()
	return err
}

// writeHeader writes a nanosecond classic pcap file header.
func writeHeader(w io.Writer, snap, link uint32) error {
	var hdr [24]byte
	binary.LittleEndian.PutUint32(hdr[0:4], 0xa1b23c4d) // nanosecond pcap
	binary.LittleEndian.PutUint16(hdr[4:6], 2)
	binary.LittleEndian.PutUint16(hdr[6:8], 4)
	binary.LittleEndian.PutUint32(hdr[16:20], snap)
	binary.LittleEndian.PutUint32(hdr[20:24], link)
	_, err := w.Write(hdr[:])
	return err
}

// writeRecord writes one pcap record: p's time (0 for none) and lengths,
// and data.
func writeRecord(w io.Writer, p *capture.Packet, data []byte) error {
	var rh [16]byte
	if !p.Time.IsZero() {
		binary.LittleEndian.PutUint32(rh[0:4], uint32(p.Time.Unix()))
		binary.LittleEndian.PutUint32(rh[4:8], uint32(p.Time.Nanosecond()))
	}
	binary.LittleEndian.PutUint32(rh[8:12], uint32(len(data)))
	binary.LittleEndian.PutUint32(rh[12:16], uint32(p.Len))
	if _, err := w.Write(rh[:]); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}

// A DroppedWriter writes the packets a replay would drop to a classic
// pcap with nanosecond timestamps as AddCapture finds them, in one pass:
// pass its Write method as Config.OnDropped. It holds one buffer, however
// many packets it writes. The file header names the link type given to
// NewDroppedWriter and the snap length capture.MaxRecord, which every
// record fits. A packet of another link type (a pcapng interface, or a
// later capture, of another kind) cannot go in the same pcap: it is
// counted and left out, and Close reports it. Packets without a timestamp
// are written with time 0.
type DroppedWriter struct {
	bw                   *bufio.Writer
	link                 uint32
	n, other, firstOther int
	err                  error
}

// NewDroppedWriter returns a DroppedWriter writing a pcap of link type
// link (capture.Reader.LinkType of the first capture) to w.
func NewDroppedWriter(w io.Writer, link uint32) *DroppedWriter {
	d := &DroppedWriter{bw: bufio.NewWriterSize(w, 64<<10), link: link}
	d.err = writeHeader(d.bw, capture.MaxRecord, link)
	return d
}

// Write writes one packet's record (the arguments of Config.OnDropped).
// A write error is kept and returned by Close.
func (d *DroppedWriter) Write(p *capture.Packet, data []byte, link uint32) {
	if d.err != nil {
		return
	}
	if link != d.link {
		if d.other == 0 {
			d.firstOther = p.N
		}
		d.other++
		return
	}
	if d.err = writeRecord(d.bw, p, data); d.err == nil {
		d.n++
	}
}

// Close flushes what is buffered (it does not close the underlying
// writer) and returns the number of packets written and the first write
// error, or an error counting the packets of another link type left out.
func (d *DroppedWriter) Close() (int, error) {
	if d.err != nil {
		return d.n, d.err
	}
	if err := d.bw.Flush(); err != nil {
		return d.n, err
	}
	if d.other > 0 {
		return d.n, fmt.Errorf("replay: %d dropped packets (first: record %d) have a link type other than %d and were not written", d.other, d.firstOther, d.link)
	}
	return d.n, nil
}
