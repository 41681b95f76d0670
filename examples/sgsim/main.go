// The sgsim binary asks sgsim about a cluster's security groups and
// network ACLs from the command line: will this flow pass, can this range
// reach that one, what would a capture's traffic lose, what is wrong with
// a rule set, what does a change open and close, and which rules would
// fix a failing required flow.
//
//	go install github.com/sgsim/sgsim/examples/sgsim@latest
//
//	sgsim                                   # the main job: replay the embedded CCE tunnel capture through the hardened groups
//	sgsim trace 'tcp 192.168.0.12:43100 -> 192.168.1.2:6443'
//	sgsim reach -from nodes -to masters -proto tcp -port 6443
//	sgsim lint -vendor aws -rules sg-rules.json -fail-on medium
//	sgsim diff -plan plan.json              # what does this apply open and close?
//	sgsim fix -profile cce-tunnel
//	sgsim harden -fail-on-finding
//	sgsim check -intents intents.yaml -plan plan.json -topology topology.json -fail-on fail
//	sgsim exposure -vendor aws -rules sg.json -nics enis.json -fail-on high
//	sgsim replay -pcap node1.pcap -vendor huawei -rules sg.json -topology topology.json
//	sgsim usage -pcap node1.pcap            # flows, packets and bytes per rule; the allow rules no flow used
//	sgsim map -format html > map.html       # who can talk to whom, alike endpoints merged
//	sgsim tighten -pcap node1.pcap          # a least-privilege set from the traffic and the required flows, proven
//	sgsim trace -vendor aws -rules rules.json -nics enis.json 'tcp 10.0.1.5:40000 -> 10.0.2.7:5432'
//
// Subcommands: replay (the default when none is named), trace, reach,
// lint, diff, fix, harden, check, exposure, map, usage and tighten;
// `sgsim NAME -h` prints a synopsis, the
// flags and a worked example for each.
//
// Every subcommand reads its network from the same input flags, which
// package provider/load defines and reads (load.Source.Flags, load.Load):
// -profile NAME with the cluster's addressing (-vpc, -nodes, -masters,
// -pods, -pod-vswitch, -services, -lb, -clients, -dns, -apiserver),
// -revision and -hardened (default true); or -vendor
// huawei|alibaba|tencent|aws -rules FILE... [-nics FILE...] [-topology
// FILE]; or -plan FILE [-nics FILE...] [-topology FILE] [-prior].
// -require NAME gives exports and plans a profile's required flows. An export or plan with any invalid record
// (a duplicate key, invalid UTF-8, a bad value) is refused with every
// error, each with its line and column; -skip-invalid leaves the invalid
// records out instead, and every run then lists each skipped record and
// states the count on stderr. With no input flag a subcommand uses the
// main job's network, profile cce-tunnel with the hardened set. replay,
// usage and tighten replay their embedded sample capture (a CCE tunnel
// cluster's) only when no input flag at all is given; with any input
// flag (-profile, a cluster flag, -rules, -plan, -nics, -topology, ...)
// they need -pcap or -flowlog, and without it exit 2. Flags may come
// before or after the subcommand's name.
//
// Output: -format text (default) or json, on stdout; lint, check and
// exposure also write sarif (SARIF 2.1.0, for code-scanning tools), and
// diff, check and exposure markdown (a pull-request comment). The JSON
// documents of trace, reach, lint, diff, fix, harden, check, exposure,
// tighten, usage and map, and every line of replay's JSON lines, carry
// "schema_version": 1, which changes only when a field changes meaning
// or goes away; each subcommand's -h gives its shape.
//
// Exit status: 0; 1 when a -fail-on... condition is met; 2 on bad input
// or usage (unknown flag, unreadable or malformed file, inconsistent
// flags), with a one-line error on stderr; 3 on an internal error, which
// is a bug. Long steps show progress on stderr when it is a terminal.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK       = 0
	exitFail     = 1 // a -fail-on... condition is met
	exitUsage    = 2 // bad input or usage
	exitInternal = 3 // a bug
)

// usageError is bad input or usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func bad(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// badErr makes err bad input, keeping its text.
func badErr(err error) error {
	if err == nil {
		return nil
	}
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	return &usageError{err.Error()}
}

// failError is a met -fail-on... condition: exit status 1, nothing more
// to say.
type failError struct{ what string }

func (e *failError) Error() string { return e.what }

// env is what a subcommand runs with: the parsed input, output format,
// positional arguments and the output streams.
type env struct {
	cmd     string
	in      load.Source
	against *load.Source    // diff's second input, nil without -against
	given   map[string]bool // the flags given
	format  string
	args    []string
	stdout  io.Writer
	stderr  io.Writer
	prog    *progress
}

// json reports whether the output is JSON.
func (e *env) json() bool { return e.format == "json" }

// load reads the input; with none given, the main job's network.
func (e *env) load(s *load.Source) (*load.Network, error) {
	src := *s
	if src.Kind() == "" {
		// The flags of exports and plans without one: say what is missing
		// rather than load the main job's profile and refuse them there.
		for _, f := range []struct {
			given bool
			name  string
		}{{src.Vendor != "", "-vendor"}, {len(src.NICs) > 0, "-nics"}, {src.Topology != "", "-topology"}, {src.Require != "", "-require"}, {src.Prior, "-prior"}} {
			if f.given {
				return nil, bad("%s goes with -rules FILE or -plan FILE", f.name)
			}
		}
		src.Profile = "cce-tunnel"
	}
	n, err := load.Load(src)
	if err != nil {
		return nil, badErr(err)
	}
	for _, w := range n.Warnings {
		fmt.Fprintln(e.stderr, "sgsim "+e.cmd+": warning:", w)
	}
	if e.cmd != "replay" { // replay's report carries them
		e.notes(n)
	}
	if src.SkipInvalid {
		// Every run states what a lenient read left out, whatever the
		// subcommand and output format.
		for _, sk := range n.Skipped {
			fmt.Fprintln(e.stderr, "sgsim "+e.cmd+": skipped:", sk)
		}
		fmt.Fprintf(e.stderr, "sgsim %s: %d records read, %d invalid records skipped (-skip-invalid)\n", e.cmd, n.Read, len(n.Skipped))
	}
	return n, nil
}

// notes writes what the input held but the network does not evaluate
// (load.Network.Notes: disabled ACL rules, the binding of an ACL a
// lenient read skipped).
func (e *env) notes(n *load.Network) {
	for _, note := range n.Notes {
		fmt.Fprintln(e.stderr, "sgsim "+e.cmd+": note:", note)
	}
}

// loadPlaced reads the input and refuses a network without endpoints:
// flows between addresses no endpoint holds pass no rule at all.
func (e *env) loadPlaced(s *load.Source) (*load.Network, error) {
	if k := s.Kind(); (k == "rules" || k == "plan") && s.Topology == "" && len(s.NICs) == 0 {
		if err := s.Check(); err != nil {
			return nil, badErr(err)
		}
		return nil, bad("-%s needs -nics FILE (the vendor's network-interface listing) or -topology FILE to place the groups on addresses", k)
	}
	n, err := e.load(s)
	if err != nil {
		return nil, err
	}
	if !n.Placed() {
		return nil, bad("-%s: no endpoints: -nics and -topology place no group on any address, and every flow would pass", s.Kind())
	}
	return n, nil
}

// command is one subcommand.
type command struct {
	name     string
	short    string // one line for the list of subcommands
	synopsis string // after "sgsim NAME"
	about    string // what it does, a few lines
	example  string // one worked example with what it prints
	// flags registers the subcommand's own flags and returns the function
	// that runs it with them.
	flags func(fs *flag.FlagSet) func(e *env) error
	// positional is true when the subcommand takes arguments (trace FLOW).
	positional bool
	// formats are the -format values beyond text and json it takes
	// (sarif, markdown).
	formats []string
	// required is true when the subcommand uses the required flows that
	// -require gives exports and plans (harden, fix, diff, tighten);
	// the others refuse -require rather than ignore it.
	required bool
}

// outputs returns the -format values the subcommand takes.
func (c *command) outputs() []string { return append([]string{"text", "json"}, c.formats...) }

// orList joins "a", "b" and "c" as "a, b or c".
func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// commands are the subcommands, in the order of order once main has
// started.
var commands []*command

var order = []string{"replay", "trace", "reach", "lint", "diff", "fix", "harden", "check", "exposure"}

// sortCommands puts the commands of order first, in its order, and the
// others after them, in the order they were added.
func sortCommands() {
	rank := func(name string) int {
		if i := slices.Index(order, name); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(commands, func(a, b *command) int { return rank(a.name) - rank(b.name) })
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// newFlagSet returns the subcommand's flag set with the input flags, the
// output flag and its own flags registered, and its runner.
func (c *command) newFlagSet(e *env) (*flag.FlagSet, func(*env) error) {
	fs := flag.NewFlagSet("sgsim "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.in.Flags(fs)
	fs.StringVar(&e.format, "format", "text", "output: "+orList(c.outputs()))
	runner := c.flags(fs)
	if c.name == "diff" {
		fs.Bool("against", false, "the flags after it give the second input (see above)")
	}
	return fs, runner
}

// usage prints the subcommand's help: synopsis, what it does, its own
// flags, the input flags and the example.
func (c *command) usage(w io.Writer) {
	own := flag.NewFlagSet("", flag.ContinueOnError)
	c.flags(own)
	if c.name == "diff" {
		own.Bool("against", false, "the flags after it give the second input (see above)")
	}
	var in load.Source
	inputs := flag.NewFlagSet("", flag.ContinueOnError)
	in.Flags(inputs)
	var format string
	inputs.StringVar(&format, "format", "text", "output: "+orList(c.outputs()))
	fmt.Fprintf(w, "usage: sgsim %s %s\n\n%s\n\nflags:\n", c.name, c.synopsis, strings.TrimSpace(c.about))
	own.SetOutput(w)
	own.PrintDefaults()
	fmt.Fprintf(w, "\ninput and output flags (the same for every subcommand):\n")
	inputs.SetOutput(w)
	inputs.PrintDefaults()
	fmt.Fprintf(w, "\nexample:\n%s\n", indent(strings.TrimSpace(c.example)))
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// topUsage is the help of sgsim itself.
func topUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: sgsim [SUBCOMMAND] [flags]")
	fmt.Fprintln(w, "\nsubcommands (replay when none is named; sgsim SUBCOMMAND -h for each):")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w, "\ninput flags, the same for every subcommand:")
	fmt.Fprintln(w, "  -profile NAME [cluster flags] [-revision older] [-hardened=false]")
	fmt.Fprintln(w, "  -vendor huawei|alibaba|tencent|aws -rules FILE... [-nics FILE...] [-topology FILE] [-require NAME]")
	fmt.Fprintln(w, "  -plan FILE [-nics FILE...] [-topology FILE] [-vendor V] [-prior] [-require NAME]")
	fmt.Fprintln(w, "  -skip-invalid with -rules or -plan: leave out invalid records, each listed on stderr with the count")
	fmt.Fprintln(w, "  none: profile cce-tunnel, hardened (and, for replay, usage and tighten, the embedded sample capture;\n        with any input flag they need -pcap or -flowlog)")
	fmt.Fprintln(w, "\nexit status: 0 ok; 1 a -fail-on... condition met; 2 bad input or usage; 3 internal error")
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h"
}

// split finds the subcommand among args, which may follow flags, and
// returns it and the other arguments. A token is the subcommand when it
// is the first that is neither a flag nor the value of a flag that takes
// one.
func split(args []string) (c *command, rest []string, named bool, err error) {
	takesValue := func(name string) (known, value bool) {
		for _, c := range commands {
			var e env
			fs, _ := c.newFlagSet(&e)
			if f := fs.Lookup(name); f != nil {
				b, ok := f.Value.(interface{ IsBoolFlag() bool })
				return true, !(ok && b.IsBoolFlag())
			}
		}
		return false, false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if known, value := takesValue(name); known && value {
				i++
			}
			continue
		}
		c := lookup(a)
		if c == nil {
			return nil, nil, false, bad("unknown subcommand %q: want %s", a, names())
		}
		return c, append(slices.Clip(args[:i]), args[i+1:]...), true, nil
	}
	return lookup("replay"), args, false, nil
}

func names() string {
	var ns []string
	for _, c := range commands {
		ns = append(ns, c.name)
	}
	return strings.Join(ns, ", ")
}

// parse parses args into fs, allowing flags after positional arguments,
// and returns the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		// The arrow of a flow given over several arguments is not a flag.
		for len(args) > 0 && args[0] == "->" {
			pos, args = append(pos, args[0]), args[1:]
		}
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// run runs the command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) (code int) {
	name := "sgsim"
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "%s: internal error: %v\n%s", name, r, debug.Stack())
			code = exitInternal
		}
	}()
	sortCommands()
	c, rest, named, err := split(args)
	if err != nil {
		fmt.Fprintln(stderr, "sgsim:", err)
		return exitUsage
	}
	if !named && slices.ContainsFunc(args, isHelp) {
		topUsage(stdout)
		return exitOK
	}
	name = "sgsim " + c.name
	e := &env{cmd: c.name, stdout: stdout, stderr: stderr, prog: newProgress(stderr)}
	err = c.start(e, rest)
	var fail *failError
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		c.usage(stdout)
		return exitOK
	case errors.As(err, &fail):
		return exitFail
	case errors.As(err, &usage):
		// A reader lists every error of a document, one per line: the
		// first goes after the name, the others indented below it.
		lines := strings.Split(err.Error(), "\n")
		fmt.Fprintln(stderr, name+":", oneLine(lines[0]))
		for _, l := range lines[1:] {
			fmt.Fprintln(stderr, "  "+oneLine(l))
		}
		return exitUsage
	default:
		fmt.Fprintln(stderr, name+": internal error:", oneLine(err.Error()))
		return exitInternal
	}
}

// start parses the subcommand's arguments and runs it.
func (c *command) start(e *env, args []string) error {
	var second []string
	if c.name == "diff" {
		for i, a := range args {
			if a == "-against" || a == "--against" {
				args, second = args[:i], args[i+1:]
				if second == nil {
					second = []string{}
				}
				break
			}
		}
	}
	fs, runner := c.newFlagSet(e)
	if second != nil {
		// The input flags after -against are the second input's; the
		// others (-format, -fail-on) are the subcommand's.
		var probe load.Source
		inputs := flag.NewFlagSet("", flag.ContinueOnError)
		probe.Flags(inputs)
		var mine []string
		mine, second = splitFlags(second, inputs, fs)
		args = append(slices.Clip(args), mine...)
		if len(second) == 0 {
			// No input flag after -against: the second version would be
			// the first, or (as it was) -against would be dropped and
			// the diff be of something else. Either way a mistake, such
			// as an empty shell variable.
			return bad("-against: no input flag after it: give what the second version changes (-against -rules NEW.json, -against -hardened=false, -against -plan NEW.json)")
		}
	}
	pos, err := parse(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return bad("%v", err)
	}
	if len(pos) > 0 && !c.positional {
		return bad("unexpected argument %q (sgsim %s takes flags only)", pos[0], c.name)
	}
	e.args = pos
	e.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { e.given[f.Name] = true })
	if k := e.in.Kind(); k == "rules" || k == "plan" {
		if e.given["hardened"] {
			return bad("-hardened applies to -profile, not to -%s (the rules are used as they are)", k)
		}
		if e.given["revision"] && e.in.Require == "" {
			return bad("-revision applies to -profile (or -require), not to -%s", k)
		}
	}
	if e.given["require"] && !c.required {
		return bad("-require gives required flows, which sgsim %s does not use (harden, fix, diff and tighten do)", c.name)
	}
	if formats := c.outputs(); !slices.Contains(formats, e.format) {
		return bad("-format %q: want %s", e.format, orList(formats))
	}
	if second != nil {
		b, err := againstSource(e.in, second)
		if err != nil {
			return err
		}
		e.against = b
	}
	return runner(e)
}

// splitFlags splits args into the flags that are not in inputs (with
// their values, as fs takes them) and the rest.
func splitFlags(args []string, inputs, fs *flag.FlagSet) (others, rest []string) {
	takesValue := func(f *flag.Flag) bool {
		b, ok := f.Value.(interface{ IsBoolFlag() bool })
		return !(ok && b.IsBoolFlag())
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || inputs.Lookup(name) != nil {
			rest = append(rest, a)
			if f := inputs.Lookup(name); f != nil && strings.HasPrefix(a, "-") && !hasValue && takesValue(f) && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		others = append(others, a)
		if f := fs.Lookup(name); f != nil && !hasValue && takesValue(f) && i+1 < len(args) {
			i++
			others = append(others, args[i])
		}
	}
	return others, rest
}

// againstSource parses diff's second input. It starts from the first
// input's flags, so that only what differs need be given, unless it
// names another kind of input (-profile, -rules, -plan), which starts it
// afresh.
func againstSource(first load.Source, args []string) (*load.Source, error) {
	probe := flag.NewFlagSet("sgsim diff -against", flag.ContinueOnError)
	probe.SetOutput(io.Discard)
	var scratch load.Source
	scratch.Flags(probe)
	pos, err := parse(probe, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, bad("-against: %v", err)
	}
	if len(pos) > 0 {
		return nil, bad("-against: unexpected argument %q", pos[0])
	}
	fresh := scratch.Kind() != "" && scratch.Kind() != first.Kind()
	var b load.Source
	fs := flag.NewFlagSet("sgsim diff -against", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	b.Flags(fs)
	if !fresh {
		b = first
		if len(scratch.Rules) > 0 {
			b.Rules = nil
		}
	}
	if _, err := parse(fs, args); err != nil {
		return nil, bad("-against: %v", err)
	}
	return &b, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
