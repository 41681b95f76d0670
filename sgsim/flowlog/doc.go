// Package flowlog reads VPC flow logs, a second source (besides pcaps) of
// traffic to replay through the security-group simulator.
//
// Shortest complete use:
//
//	r := flowlog.NewReader(file, flowlog.Detect)
//	var rec flowlog.Record
//	for {
//		err := r.Next(&rec)
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			return err // *flowlog.ParseError names line, field and value
//		}
//		replay(rec.Src, rec.Dst, rec.Proto, rec.DstPort, rec.Action)
//	}
//	report(r.Skipped()) // NODATA, SKIPDATA, no-address records, comments, ignored fields
//
// # Formats
//
// AWS: the version-2 default format of AWS VPC flow logs,
//
//	version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
//
// space separated, start and end in Unix seconds, "-" for a value that does
// not apply (AWS user guide, "Flow log records",
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html).
// Files delivered to S3 begin with a header line naming the fields; when a
// header is present its order is used, so custom formats that contain the
// version-2 fields read too (names as in the custom format string, with or
// without "${...}", '_' read as '-'; other fields are ignored and counted).
//
// Huawei Cloud: the VPC user guide page "Viewing a VPC Flow Log" (English
// text, updated 2024-10-15, found at
// https://support.huaweicloud.com/intl/es-us/usermanual-vpc/FlowLog_0004.html;
// the same text is at .../intl/es-us/my-kualalumpur-1-usermanual-vpc/FlowLog_0004.html
// and in Open Telekom Cloud's doc-exports repository as
// docs/vpc/umn/FlowLog_0004.html) gives the record format as
//
//	<version> <project-id> <interface-id> <srcaddr> <dstaddr> <srcport> <dstport> <protocol> <packets> <bytes> <start> <end> <action> <log-status>
//
// that is, the AWS version-2 layout with project-id in place of
// account-id. Its three examples (OK, NODATA, SKIPDATA) show version 1, a
// 32-hex-digit project ID, the NIC's UUID as interface-id, Unix-second
// start and end, and in the NODATA and SKIPDATA records "-" for srcaddr
// through bytes and for action, as AWS documents. Values in the same shape
// (made up, not the page's):
//
//	1 0123456789abcdef0123456789abcdef 6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60 192.168.0.10 192.168.1.20 40000 53 17 2 150 1700000000 1700000600 ACCEPT OK
//	1 0123456789abcdef0123456789abcdef 6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60 - - - - - - - 1700000000 1700000600 - NODATA
//
// The page reads its OK example's start and end as a 10-minute window at
// GMT+08:00 that matches the numbers read as Unix seconds. Its field table
// (of which only the first rows were seen: version, project-id,
// interface-id, srcaddr) uses the names above. The examples show ACCEPT,
// OK, NODATA and SKIPDATA.
//
// Unconfirmed for Huawei, and handled as for AWS: REJECT as the other
// action; whether exported logs
// carry a header line (LTS shows bare records), whether version is ever
// other than 1, whether IPv6 addresses appear and how, whether "-" appears
// in OK records, and whether the delimiter is always one space. Huawei's
// Enterprise Router flow logs use a different layout (project_id
// resource_id instance_id ... direct) and are not read by this package.
//
// # Errors and skipped lines
//
// See Reader for the line rules. Malformed lines are errors by default;
// set Reader.ContinueOnError to count them and go on. Records without flow
// data are never errors and never dropped silently: Reader.Skipped reports
// them by reason.
//
// Addresses are IPv4 dotted quads or IPv6 text. An IPv6 address with a
// zone ("fe80::1%eth0") is a malformed field, not read: flow logs write
// none, a security-group rule cannot match one, and dropping the zone
// could merge addresses of different links.
package flowlog
