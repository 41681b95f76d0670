package huawei

import (
	"bytes"
	"fmt"
	"testing"
)

// largeExport is a ListSecurityGroupRules response of n v3 rules over 50
// groups, pretty-printed as the API and the CLI print it.
func largeExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"security_group_rules\": [\n")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `    {
      "id": "0e6a4f3c-%08d", "description": "rule %d of a large export",
      "security_group_id": "sg-%04d", "direction": "ingress", "ethertype": "IPv4",
      "protocol": "tcp", "multiport": "%d-%d", "action": "allow", "priority": %d,
      "remote_ip_prefix": "10.%d.%d.0/24", "remote_group_id": null, "remote_address_group_id": null,
      "created_at": "2024-05-01T08:00:00.000000", "updated_at": "2024-05-01T08:00:00.000000", "project_id": "p1"
    }`, i, i, i%50, 1+i%60000, 1+i%60000+10, 1+i%100, (i/256)%256, i%256)
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes()
}

// BenchmarkReadRules reads a 20,000-rule export (about 9 MB): the
// strictness scan (duplicate keys, UTF-8) runs once per document, before
// the decoding.
func BenchmarkReadRules(b *testing.B) {
	data := largeExport(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ReadRules(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
