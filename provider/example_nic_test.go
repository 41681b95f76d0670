package provider_test

import (
	"fmt"
	"strings"

	"github.com/sgsim/sgsim/provider"
	"github.com/sgsim/sgsim/provider/aws"
	"github.com/sgsim/sgsim/sgsim"
)

// Placing exported groups from a NIC listing instead of a hand-written
// topology: the topology keeps only what the listing does not carry (the
// internet: every address no NIC holds), and a rule that references a
// group of a peered VPC warns and matches nothing instead of refusing the
// network. Web may reach the db on 5432 (sg-db allows sg-web's members);
// the internet may not, but reaches web on 443.
func ExampleTopology_Place() {
	groups, _ := aws.ReadSecurityGroups(strings.NewReader(`{"SecurityGroups": [
	  {"GroupId": "sg-web", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
	   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
	  {"GroupId": "sg-db", "IpPermissions": [
	    {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": "sg-web"}]},
	    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-peer"}]}]}]}`))
	nics, _ := aws.ReadNetworkInterfaces(strings.NewReader(`{"NetworkInterfaces": [
	  {"NetworkInterfaceId": "eni-web", "PrivateIpAddress": "10.0.1.17", "Groups": [{"GroupId": "sg-web"}]},
	  {"NetworkInterfaceId": "eni-db", "PrivateIpAddress": "10.0.2.7", "Groups": [{"GroupId": "sg-db"}]}]}`))
	top, _ := provider.ReadTopology(strings.NewReader(`{"cloud": "aws", "endpoints": [{"name": "internet", "addrs": ["0.0.0.0/0"]}]}`))
	top, warns, err := top.Place(provider.Placement{NICs: nics})
	if err != nil {
		panic(err)
	}
	n, more, err := top.Build(groups, nil)
	if err != nil {
		panic(err)
	}
	for _, w := range append(warns, more...) {
		fmt.Println("warning:", w)
	}
	for _, f := range []string{"tcp 10.0.1.17:40000 -> 10.0.2.7:5432", "tcp 203.0.113.9:40000 -> 10.0.2.7:5432", "tcp 203.0.113.9:40000 -> 10.0.1.17:443"} {
		tr := n.Trace(sgsim.MustParseFlow(f))
		fmt.Printf("%s (%s -> %s): allowed %v\n", f, tr.From, tr.To, tr.Allowed)
	}
	// Output:
	// warning: security group "sg-peer": not in the export, referenced by "sg-db" rule 1: it matches nothing (give its addresses in the topology's "members" to change that)
	// tcp 10.0.1.17:40000 -> 10.0.2.7:5432 (eni-web -> eni-db): allowed true
	// tcp 203.0.113.9:40000 -> 10.0.2.7:5432 (internet -> eni-db): allowed false
	// tcp 203.0.113.9:40000 -> 10.0.1.17:443 (internet -> eni-web): allowed true
}
