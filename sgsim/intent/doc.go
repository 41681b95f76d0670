// Package intent reads intent files and checks them exactly against a
// network: what must be allowed, what must be denied, and which
// connectionless flows must get their answers back, written down once
// and checked on every change (in CI: sgsim check -intents FILE).
//
// # The intent file
//
// YAML or JSON (JSON when the first non-blank byte is '{'), one mapping:
//
//	version: 1                       # optional; 1 is the only version
//	must_allow:
//	  - name: nodes reach the API server   # required, unique in the file
//	    reason: kubelet and kube-proxy talk to kube-apiserver
//	    from: nodes                  # required: endpoint names and/or address ranges,
//	    to: masters                  #   comma-separated ("nodes,10.0.9.0/24")
//	    protocol: tcp                # required: tcp, udp, sctp, icmp, icmpv6, gre, ... or 0-255
//	    ports: 5444                  # TCP/UDP/SCTP destination ports: 22, "80,443",
//	                                 #   "8000-8100" or a list [80, "8000-8100"]; left out: every port
//	must_deny:
//	  - name: no kubelet from the internet
//	    from: internet
//	    to: nodes
//	    protocol: tcp
//	    ports: 10250
//	must_be_answerable:
//	  - name: pods resolve names
//	    from: pods
//	    to: dns
//	    protocol: udp
//	    ports: 53
//
// ICMP intents name one message with icmp_type and icmp_code (0-255;
// default an echo request, type 8, or 128 for icmpv6, code 0). A name in
// from or to is an endpoint of the network (a profile's "nodes",
// "masters", ...; a topology's or a NIC listing's endpoint names);
// anything else must parse as addresses, prefixes or ranges. "any" is
// refused (write 0.0.0.0/0), and so is protocol any: write one intent per
// protocol. intents.schema.json in this package's directory is the
// format's JSON Schema (draft-07), for editors and pre-commit checks;
// examples/sgsim/testdata/intents/cce-tunnel.yaml in the repository is
// an example.
//
// Reading is strict: invalid UTF-8, a duplicate key, an unknown field, a
// missing required field, a malformed value, a YAML alias or merge key,
// a second YAML document and a name used twice are errors, and Read
// returns every one at once (Errors), each with its line, column and
// field path ("line 7, column 5: must_allow[1].ports: ..."). A YAML
// syntax error stops the reading and is one error, placed at the
// offending token ("line 12, column 4: invalid YAML: did not find
// expected '-' indicator (check this line's indentation ...)"): Read
// finds that place itself, as the YAML library's own line is often the
// start of the enclosing list or mapping, or missing.
//
// # What each kind asks
//
//   - must_allow: every flow of the space works: TCP and SCTP connections
//     are established (the forward packet is delivered and the replies
//     get back, sgsim.Answered); for every other protocol the forward
//     packet is delivered (sgsim.Delivered).
//   - must_deny: no forward packet of the space is delivered.
//   - must_be_answerable: every flow is delivered and answered, for any
//     protocol: DNS, NTP, ICMP echo through stateless network ACLs.
//
// The space is every source address of from, every destination address
// of to, every destination port and ephemeral source ports (1024-65535);
// each address family both sides have is asked in one exact range query
// (sgsim.Network.Reach), not sampled. A Checker returns a Result per
// intent: pass, fail with a witness flow, its trace and the deciding hop
// and rule (with the rule's Origin), unknown when the answer depends on
// groups whose rules are incomplete (Checker.Uncertain: rules a Terraform
// plan leaves out because values are known only after apply), or error
// when the intent cannot be asked (a name that is no endpoint).
//
// Write writes a File as JSON; the sgsim program's harden -write-intents
// writes a built-in profile's required flows with it.
package intent
