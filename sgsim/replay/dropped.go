package replay

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// The capture package decodes headers and does not hand out the raw bytes
// of a record, so writing the dropped packets takes a second pass over
// the same file: AddCapture (with Config.RecordDropped) remembers the
// record numbers of the dropped packets, and WriteDropped reads the file
// again with gopacket's pcapgo readers and copies those records. Both
// readers number every packet record of the file from 1 (pcapng: enhanced,
// simple and obsolete packet blocks, of every interface), and each copied
// record's lengths are checked against what the first pass saw, so a
// disagreement between the readers is an error, never a wrong packet.

const pcapngMagic = 0x0a0d0d0a

type rawRecord struct {
	data []byte
	ci   gopacket.CaptureInfo
}

type rawReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// WriteDropped reads the capture that c describes again from src and
// writes to w, as a classic pcap file with nanosecond timestamps, exactly
// the packets listed in c.Dropped. Config.RecordDropped must have been
// set: when c counts dropped packets that c.Dropped does not list,
// WriteDropped writes nothing and returns an error rather than an
// incomplete pcap. The output has the link type and snap length of the
// input (for pcapng: the first interface's link type, snap length
// 262144); a dropped packet of a pcapng interface with another link type
// cannot be written to a classic pcap and makes WriteDropped fail after
// writing the others. It returns the number of packets written. Packets
// without a timestamp (pcapng simple packet blocks) get the current time,
// as pcapgo.Writer does.
func (c *CaptureStats) WriteDropped(w io.Writer, src io.Reader) (int, error) {
	if len(c.Dropped) != c.DroppedPackets {
		return 0, fmt.Errorf("replay: the capture had %d dropped packets but %d were recorded: replay it with Config.RecordDropped set", c.DroppedPackets, len(c.Dropped))
	}
	br := bufio.NewReaderSize(src, 64<<10)
	magic, err := br.Peek(4)
	if err != nil {
		return 0, fmt.Errorf("replay: reading capture magic: %w", err)
	}
	var rd rawReader
	var link layers.LinkType
	var first *rawRecord // a record read ahead, not yet handled
	snap := uint32(262144)
	ng := binary.LittleEndian.Uint32(magic) == pcapngMagic
	if ng {
		r, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return 0, fmt.Errorf("replay: re-reading capture: %w", err)
		}
		rd = r
		// With mixed link types the reader learns its interfaces as it
		// reads packets and reports no link type of its own: read the
		// first record now (it is record 1) to learn the first
		// interface's.
		data, ci, err := r.ZeroCopyReadPacketData()
		switch {
		case err == io.EOF:
		case err != nil:
			return 0, fmt.Errorf("replay: re-reading capture: %w", err)
		default:
			first = &rawRecord{data: data, ci: ci}
		}
		link = layers.LinkTypeEthernet
		if ifc, err := r.Interface(0); err == nil {
			link = ifc.LinkType
		}
	} else {
		r, err := pcapgo.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("replay: re-reading capture: %w", err)
		}
		rd, link = r, r.LinkType()
		if s := r.Snaplen(); s != 0 {
			snap = s
		}
	}
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(snap, link); err != nil {
		return 0, err
	}
	written, otherLink, firstOther := 0, 0, 0
	n := 0
	for j := 0; j < len(c.Dropped); {
		var data []byte
		var ci gopacket.CaptureInfo
		var err error
		if first != nil {
			data, ci, first = first.data, first.ci, nil
		} else {
			data, ci, err = rd.ZeroCopyReadPacketData()
		}
		if err == io.EOF {
			return written, fmt.Errorf("replay: capture ended at record %d before dropped packet %d", n, c.Dropped[j].N)
		}
		if err != nil {
			return written, fmt.Errorf("replay: re-reading capture after record %d: %w", n, err)
		}
		n++
		d := c.Dropped[j]
		if d.N != n {
			continue
		}
		j++
		if ci.Length != d.Len || len(data) != d.CapLen {
			return written, fmt.Errorf("replay: record %d has lengths %d/%d on re-reading, %d/%d on the first pass: the capture changed or the readers disagree",
				n, len(data), ci.Length, d.CapLen, d.Len)
		}
		if ng && len(ci.AncillaryData) > 0 {
			if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok && lt != link {
				if otherLink == 0 {
					firstOther = n
				}
				otherLink++
				continue
			}
		}
		if err := pw.WritePacket(ci, data); err != nil {
			return written, err
		}
		written++
	}
	if otherLink > 0 {
		return written, fmt.Errorf("replay: %d dropped packets (first: record %d) have a link type other than %v and were not written", otherLink, firstOther, link)
	}
	return written, nil
}
