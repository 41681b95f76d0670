package flowlog_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/sgsim/sgsim/sgsim/flowlog"
)

func Example() {
	const log = `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 111122223333 eni-0f00ba47 10.1.0.7 10.1.2.30 51234 5432 6 12 2210 1700000000 1700000055 ACCEPT OK
2 111122223333 eni-0f00ba47 203.0.113.9 10.1.0.7 40001 22 6 1 60 1700000003 1700000003 REJECT OK
2 111122223333 eni-0f00ba47 - - - - - - - 1700000060 1700000120 - NODATA
`
	r := flowlog.NewReader(strings.NewReader(log), flowlog.Detect)
	var rec flowlog.Record
	for {
		err := r.Next(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("line %d: %s %v:%d -> %v:%d proto %d\n", rec.Line, rec.Action, rec.Src, rec.SrcPort, rec.Dst, rec.DstPort, rec.Proto)
	}
	for _, s := range r.Skipped() {
		fmt.Printf("skipped %d %s record(s), first on line %d\n", s.Count, s.Reason, s.FirstLine)
	}
	// Output:
	// line 2: ACCEPT 10.1.0.7:51234 -> 10.1.2.30:5432 proto 6
	// line 3: REJECT 203.0.113.9:40001 -> 10.1.0.7:22 proto 6
	// skipped 1 NODATA record(s), first on line 4
}
