package provider

import (
	"errors"

	"github.com/sgsim/sgsim/provider/read"
	"strings"
	"testing"

	"github.com/sgsim/sgsim/sgsim"
)

const topo = `{
  "cloud": "huawei",
  "comment": "unknown fields are ignored",
  "subnets": [{"name": "nodes", "prefix": "192.168.0.0/24"}, {"name": "control", "prefix": "192.168.1.0/28", "acl": "acl-1"}],
  "endpoints": [
    {"name": "workers", "addrs": ["192.168.0.0/25", "192.168.0.128-192.168.0.200"], "subnet": "nodes", "groups": ["sg-node"]},
    {"name": "master", "addrs": ["192.168.1.10"], "subnet": "control", "groups": ["sg-control", "sg-node"]}
  ],
  "lists": {"pl-office": ["203.0.113.0/24"]}
}`

func TestReadTopologyToNetwork(t *testing.T) {
	top, err := ReadTopology(strings.NewReader(topo))
	if err != nil {
		t.Fatal(err)
	}
	if top.Cloud != sgsim.Huawei || len(top.Endpoints) != 2 || top.Endpoints[0].Addrs.String() != "192.168.0.0-192.168.0.200" ||
		top.Subnets[1].ACL != "acl-1" || top.Lists["pl-office"].String() != "203.0.113.0/24" {
		t.Fatalf("topology %+v", top)
	}
	rule := sgsim.MustParseRule
	groups := []sgsim.Group{
		{ID: "sg-node", Rules: []sgsim.Rule{rule("egress allow any priority 1"), rule("ingress allow tcp 22 from list pl-office priority 1")}},
		{ID: "sg-control", Rules: []sgsim.Rule{rule("ingress allow tcp 5444 from group sg-node priority 1")}},
	}
	acls := []sgsim.Group{{ID: "acl-1", Rules: []sgsim.Rule{rule("ingress allow any priority 1"), rule("egress allow any priority 1")}}}
	n, err := top.Network(groups, acls)
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{
		"tcp 192.168.0.7:40000 -> 192.168.1.10:5444":   true,  // sg-node member to sg-control
		"tcp 192.168.0.201:40000 -> 192.168.1.10:5444": false, // outside workers: no egress hop, not a member
		"tcp 203.0.113.5:40000 -> 192.168.0.9:22":      true,  // the prefix list
		"tcp 203.0.114.5:40000 -> 192.168.0.9:22":      false,
	} {
		if d := n.Decide(sgsim.MustParseFlow(f)); d.Allowed != want {
			t.Errorf("%s: %+v; want allowed=%v", f, d, want)
		}
	}
	if _, err := top.Network(groups[:1], acls); err == nil || err.Error() != `sgsim: network: endpoint "master": security group "sg-control" is not defined` {
		t.Errorf("missing group: %v", err)
	}
}

func TestReadTopologyErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{}`: `topology: cloud: missing; want aws, huawei, alibaba, tencent, union or first-match`,
		`{"cloud": "aws", "members": {"sg-peer": ["10.9.0.0/16", "10.9.0.x"]}}`: `topology: members.sg-peer[1]: "10.9.0.x": unexpected character (at "x")`,
		`{"cloud": "aws", "members": {"sg-peer": "10.9.0.0/16"}}`:               `topology: members.sg-peer: want an array, not a string`,
		`{"cloud": "gcp"}`: `topology: cloud: "gcp": want aws, huawei, alibaba, tencent, union or first-match`,
		`{"cloud": "huawei", "subnets": [{"name": "a", "prefix": "10.0.0.0/33"}]}`:                             `topology: subnets[0].prefix: "10.0.0.0/33": want a prefix such as 192.168.0.0/24`,
		`{"cloud": "huawei", "subnets": [{"name": "a", "prefix": "10.0.0.1/8"}]}`:                              `topology: subnets[0].prefix: "10.0.0.1/8": host bits set; want 10.0.0.0/8`,
		`{"cloud": "huawei", "subnets": [{"prefix": "10.0.0.0/8"}]}`:                                           `topology: subnets[0].name: missing`,
		`{"cloud": "huawei", "endpoints": [{"name": "a", "addrs": ["10.0.0.1", "10.0.0.300"]}]}`:               `topology: endpoints[0].addrs[1]: "10.0.0.300": IPv4 field has value >255`,
		`{"cloud": "huawei", "endpoints": [{"name": "a"}]}`:                                                    `topology: endpoints[0].addrs: missing; want a list of addresses, prefixes or ranges`,
		`{"cloud": "huawei", "endpoints": [{"name": "a", "addrs": ["any"]}]}`:                                  `topology: endpoints[0].addrs[0]: "any": want one address, prefix or range`,
		`{"cloud": "huawei", "endpoints": [{"name": "a", "addrs": "10.0.0.1"}]}`:                               `topology: endpoints[0].addrs: want an array, not a string`,
		`{"cloud": "huawei", "subnets": [{"name": "a", "prefix": "10.0.0.0/24"}, {"name": "b", "prefix": 7}]}`: `topology: subnets[1].prefix: want a string, not a number`,
		`{"cloud": "huawei", "lists": {"pl-b": ["10.0.0.1"], "pl-a": "10.0.0.1"}}`:                             `topology: lists.pl-a: want an array, not a string`,
		`{"cloud": "huawei", "endpoints": {"name": "a"}}`:                                                      `topology: endpoints: want an array, not an object`,
		`{"cloud": 7}`: `topology: cloud: want a string, not a number`,
		`{"cloud": "huawei", "lists": {"pl": ["x"]}}`: `topology: lists.pl[0]: "x": unable to parse IP`,
		"{\"cloud\": \"huawei\",\n \"subnets\": [":    `topology: (document): invalid JSON (byte offset 33): unexpected end of JSON input`,
		`{"cloud": "huawei",, }`:                      `topology: (document): invalid JSON (byte offset 20): invalid character ',' looking for beginning of object key string`,
		`[]`:                                          `topology: (document): want an object, not an array`,
		`{"cloud": "huawei", "endpoints": [{"name": "a", "addrs": ["10.0.0.1"], "groups": [true]}]}`: `topology: endpoints[0].groups: want a string, not a boolean`,
	} {
		if _, err := ReadTopology(strings.NewReader(in)); err == nil || errText(err) != want {
			t.Errorf("ReadTopology(%s):\n got %v\nwant %s", in, err, want)
		}
	}
}

// errText is the text of a reader's error without its position: the one
// problem of a *read.Errors (profiletest.ErrText, which this package's
// tests cannot import).
func errText(err error) string {
	var re *read.Errors
	if errors.As(err, &re) && re.Len() == 1 {
		return re.List()[0].Err.Error()
	}
	return err.Error()
}

// Every error of a topology at once, with line and column; duplicate
// keys and invalid UTF-8 refused.
func TestReadTopologyAllErrors(t *testing.T) {
	in := "{\"cloud\": \"huawei\", \"subnets\": [\n{\"name\": \"a\", \"prefix\": \"10.0.0.0/24\", \"prefix\": \"10.0.0.0/33\"},\n" +
		"{\"name\": \"b\xff\", \"prefix\": \"10.0.1.0/24\"}],\n\"endpoints\": [{\"name\": \"e\"}]}"
	_, err := ReadTopology(strings.NewReader(in))
	want := `line 2, column 40: topology: subnets[0].prefix: duplicate key "prefix" (first at line 2, column 15)
line 2, column 50: topology: subnets[0].prefix: "10.0.0.0/33": want a prefix such as 192.168.0.0/24
line 3, column 10: topology: subnets[1].name: "b\xff": invalid UTF-8
line 4, column 15: topology: endpoints[0].addrs: missing; want a list of addresses, prefixes or ranges`
	if err == nil || err.Error() != want {
		t.Errorf("ReadTopology:\n got %v\nwant %s", err, want)
	}
}
