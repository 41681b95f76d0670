package analyze

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sgsim/sgsim/sgsim"
)

// Lint codes. They are stable: tools may filter on them.
const (
	Shadowed       = "SG001" // the rule decides no flow: earlier rules take all of it
	Conflict       = "SG002" // overlapping rules with opposite actions; the vendor ordering picks the winner
	Redundant      = "SG003" // removing the rule changes no flow's action
	OverBroad      = "SG004" // ingress allow of every protocol from all addresses (0.0.0.0/0, ::/0)
	VendorModify   = "SG005" // the vendor's table marks the row "Modification recommended"
	EmptyReference = "SG006" // the rule references a security group with no members
	WrongFamily    = "SG007" // the rule matches only an address family the group never guards
)

var codeSeverity = map[string]Severity{
	Shadowed: Medium, Conflict: Low, Redundant: Low, OverBroad: High,
	VendorModify: Medium, EmptyReference: Medium, WrongFamily: Low,
}

// Finding is one lint result: a stable code, a severity, the rule set,
// the rule(s) with provenance (the subject first), and a witness flow
// with its direction where one exists. The findings of one lint that
// name the same rule share its RuleRef (a 10K firewall set has over a
// million conflicts among ten thousand rules): copy it before changing
// it.
type Finding struct {
	Code      string          `json:"code"`
	Severity  Severity        `json:"severity"`
	Direction sgsim.Direction `json:"-"`
	Set       string          `json:"set"`
	Message   string          `json:"message"`
	Rules     []*RuleRef      `json:"rules"`
	// Region is the flows the finding is about, for conflicts the
	// overlap of the two rules.
	Region string `json:"region,omitempty"`
	// Witness is a flow that shows the finding, in its text form;
	// WitnessFlow holds it as a value. Both are empty when no flow does
	// (a rule that matches nothing). It is a flow a person could send to
	// test the finding (sgsim.Space.TestFlow of a box that shows it: host
	// addresses, a destination port above 0 and an ephemeral source port
	// where the box has them), not the box's lowest corner.
	Witness     string     `json:"witness,omitempty"`
	WitnessFlow sgsim.Flow `json:"-"`
}

func (f Finding) String() string {
	s := f.Code + " " + f.Severity.String() + " [" + f.Set + "] " + f.Message
	for i, r := range f.Rules {
		if i == 0 {
			s += "\n    " + r.String()
		} else {
			s += "\n    with " + r.String()
		}
	}
	if f.Region != "" {
		s += "\n    region: " + f.Region
	}
	if f.Witness != "" {
		s += "\n    witness: " + f.Direction.String() + " " + f.Witness
	}
	return s
}

func (f *Finding) witness(d sgsim.Direction, w sgsim.Flow) {
	f.Direction, f.WitnessFlow, f.Witness = d, w, w.String()
}

// Lint lints every set of the spec (see SetsOf) and returns the findings,
// most severe first. Findings about one rule on its own (SG004-SG007)
// are reported once even when its group is in several sets.
//
// Lint is LintWith with the zero LintOptions: a set of 2,000 rules or
// more is linted on runtime.GOMAXPROCS(0) goroutines, at most 8, a
// smaller one on the calling goroutine (see LintOptions.Workers); the
// findings are the same either way. Lint only reads spec, and calls
// may run at the same time.
func Lint(spec sgsim.NetworkSpec) ([]Finding, error) {
	return LintWith(spec, LintOptions{})
}

// Progress is told how far a long analysis has got: done of total
// units of work.
type Progress func(done, total int)

// LintProgress is Lint that calls progress (when not nil) as
// LintOptions.Progress says.
func LintProgress(spec sgsim.NetworkSpec, progress Progress) ([]Finding, error) {
	return LintWith(spec, LintOptions{Progress: progress})
}

// LintOptions are the options of LintWith and LintSetWith.
type LintOptions struct {
	// Workers is how many goroutines lint the rules of a set: 0 is
	// runtime.GOMAXPROCS(0), at most 8 (each worker holds memory of its
	// own), for a set of 2,000 rules or more and 1 for a smaller one
	// (where more would cost more than they save), 1 lints on
	// the calling goroutine, and more than the set's rules counts as one
	// per rule. The findings, their order and their witnesses are the
	// same for every number of workers.
	Workers int
	// Progress, when not nil, is called with 0 of the total first, then
	// after each rule linted, with the rules linted so far and the rules
	// of every set together (a group attached in several sets counts
	// once per set): done rises by one a call and ends at the total. It
	// is called from the calling goroutine, one call at a time, whatever
	// Workers is; a display that runs on another goroutine must copy the
	// numbers (an atomic, say). Should it panic, or end its goroutine,
	// the workers stop at their next rule and are waited for first.
	Progress Progress
}

// LintWith is Lint with options.
func LintWith(spec sgsim.NetworkSpec, o LintOptions) ([]Finding, error) {
	if o.Workers < 0 {
		return nil, fmt.Errorf("analyze.LintWith: %d workers", o.Workers)
	}
	progress := o.Progress
	sets, err := SetsOf(spec)
	if err != nil {
		return nil, err
	}
	total, done := 0, 0
	for _, s := range sets {
		for _, g := range s.Groups {
			total += len(g.Rules)
		}
	}
	var onRule func()
	if progress != nil {
		progress(0, total)
		onRule = func() {
			done++
			progress(done, total)
		}
	}
	// A finding of a set is its code, set and rules, and one set's lint
	// names each such list once, so only sets of the same name can
	// repeat one (a 10K firewall set has over a million findings: no
	// need for a key each). One about a rule on its own is its code and
	// rule, whatever the set.
	names := map[string]int{}
	for _, s := range sets {
		names[s.Name]++
	}
	var all [][]Finding
	found := 0
	seen := map[string]bool{}
	for _, s := range sets {
		fs, err := lintSet(s, o.Workers, onRule)
		if err != nil {
			return nil, err
		}
		kept := fs[:0]
		for _, f := range fs {
			key := f.Code + "\x00" + f.Set
			alone := len(f.Rules) == 1 && f.Code >= OverBroad
			if alone {
				key = f.Code
			} else if names[s.Name] == 1 {
				kept = append(kept, f)
				continue
			}
			for _, r := range f.Rules {
				key += "\x00" + r.Group + "\x00" + strconv.Itoa(r.Index)
			}
			if !seen[key] {
				seen[key] = true
				kept = append(kept, f)
			}
		}
		all = append(all, kept)
		found += len(kept)
	}
	if found == 0 {
		return nil, nil
	}
	if len(all) == 1 {
		return all[0], nil // sorted already
	}
	out := make([]Finding, 0, found)
	for i, fs := range all {
		out = append(out, fs...)
		all[i] = nil
	}
	sortFindings(out)
	return out, nil
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Set, b.Set))
	})
}

// LintSet lints one set of resolved groups attached together.
//
// Shadowed (SG001): the rule decides no flow, checked per family and
// protocol class by partitioning the rule's own flows. Conflict (SG002):
// an earlier rule of the opposite action overlaps it and decides part of
// the overlap, so the vendor ordering (priority, deny-first at a tie,
// attachment order) picks the winner; severity low when a tie-break or
// attachment order decides, info when an explicit priority does.
// Redundant (SG003): the rule decides some flows, but with it removed
// every one of them gets the same action. The rest look at one rule.
// A set whose Families hold anything but IPv4 and IPv6, or whose
// Original does not match its Groups, is an error.
//
// The rule's flows are partitioned once per family and protocol class
// into boxes each decided by one rule; shadowing, the rules that take
// its flows, conflicts (the earlier rules of the other action that
// decide some of its boxes) and redundancy (its own boxes decided again
// by the rules after it) all come from that partition. The extra rules
// of a finding are listed in the order the partition meets them.
//
// LintSet is LintSetWith with the zero LintOptions: on several
// goroutines for a set of 2,000 rules or more, as Lint.
func LintSet(s Set) ([]Finding, error) {
	return LintSetWith(s, LintOptions{})
}

// LintSetWith is LintSet with options; Progress counts the set's rules.
func LintSetWith(s Set, o LintOptions) ([]Finding, error) {
	if o.Workers < 0 {
		return nil, fmt.Errorf("analyze.LintSetWith: %d workers", o.Workers)
	}
	var onRule func()
	if o.Progress != nil {
		total, done := 0, 0
		for _, g := range s.Groups {
			total += len(g.Rules)
		}
		o.Progress(0, total)
		onRule = func() {
			done++
			o.Progress(done, total)
		}
	}
	return lintSet(s, o.Workers, onRule)
}

// parallelMin is the fewest rules a set needs for LintOptions.Workers 0
// to lint it on more than one goroutine: below it, starting the workers
// and copying the tables cost more than they save (bench/README.md,
// issue 18, seventh round).
var parallelMin = 2000

// maxWorkers caps LintOptions.Workers 0 on machines of many cores: each
// worker holds 10-20 MB of its own on a 10K set (its caches, scratch
// and the garbage of its findings: fw1-10K's peak heap 700 MB on one
// worker, 836 MB on eight), so that the default stays under 1 GB; past
// eight, the slowest rules (0.9 s of fw1-10K's 7-8 s) bound the gain.
const maxWorkers = 8

// lintSet is LintSet on workers goroutines (0: the default, see
// LintOptions.Workers), calling onRule, when not nil, after each rule,
// from the calling goroutine.
//
// Each worker lints whole rules, taken in evaluation order from a shared
// counter (the late, wide rules are the heavy ones: a fixed split would
// leave a core idle), with a decider, tables' scratch and findings of its
// own; what the workers share is read only once they start (the rules,
// their RuleRefs, the tables' boxes and indexes) or written once (a
// rule's address text, an atomic pointer). A rule's findings depend on
// nothing another rule's lint does: the one thing passed on, a rule found
// to decide no flow (seen[r] = -1, see decider.done), only lets later
// cuts leave out parts it could have no cell in, so whether a worker
// has heard of it yet changes how much it cuts, not what it finds. Each
// rule's findings are kept in the worker's list as a run, and the runs
// are put together in rule order, so the findings, their order and
// their witnesses are the same for every number of workers.
func lintSet(s Set, workers int, onRule func()) ([]Finding, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	k, err := compile(s)
	if err != nil {
		return nil, err
	}
	l := newLinter(s, k)
	if n := workersFor(workers, len(l.rules[sgsim.Ingress])+len(l.rules[sgsim.Egress])); n > 1 {
		return l.parallel(n, onRule), nil
	}
	w := l.worker(false)
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		for ri := range l.rules[d] {
			w.lint(d, ri)
			if onRule != nil {
				onRule()
			}
		}
	}
	return w.out.sorted(), nil
}

// workersFor is how many workers lint a set of total rules for
// LintOptions.Workers workers.
func workersFor(workers, total int) int {
	if workers == 0 {
		workers = 1
		if total >= parallelMin {
			workers = min(runtime.GOMAXPROCS(0), maxWorkers)
		}
	}
	return max(1, min(workers, total))
}

// lintHook, when set (by tests), is called by a worker before it lints
// each rule.
var lintHook func(d sgsim.Direction, ri int)

// heardNoFlow counts, for tests, the rules a worker marked as deciding
// no flow because another worker found it so.
var heardNoFlow atomic.Int64

// linter is what the workers linting one set share.
type linter struct {
	s    Set
	k    *compiled
	fams []sgsim.Family
	cls  []Class
	// rules, acts and refs are per direction, by rule index: the rules
	// in evaluation order, their actions and their RuleRefs (shared by
	// every finding naming the rule).
	rules [2][]*sgsim.Rule
	acts  [2][]sgsim.Action
	refs  [2][]*RuleRef
	// rtext[d][i] is rule i's addresses' text (ruleText), made by the
	// first worker that needs it.
	rtext [2][]atomic.Pointer[ruleText]
	mu    sync.Mutex
	// noFlow[d] are the rules found to decide no flow, in the order
	// found (under mu).
	noFlow [2][]int32
	// tables are the tables the workers' engines copy (under mu).
	tables map[tableKey]*table
	// reuse holds the cuts kept for later rules (lintprune.go), shared
	// by the workers.
	reuse cutReuse
}

func newLinter(s Set, k *compiled) *linter {
	l := &linter{s: s, k: k, fams: s.families(), cls: classes(s), tables: map[tableKey]*table{}}
	for d := sgsim.Ingress; d <= sgsim.Egress; d++ {
		rules := k.rules(d)
		l.rules[d] = rules
		l.acts[d] = make([]sgsim.Action, len(rules))
		l.refs[d] = make([]*RuleRef, len(rules))
		for i, r := range rules {
			l.acts[d][i] = r.Action
			l.refs[d][i] = k.ref(r)
		}
		l.rtext[d] = make([]atomic.Pointer[ruleText], len(rules))
	}
	return l
}

// table returns the shared table of tk, made on first use.
func (l *linter) table(tk tableKey) *table {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tables[tk]
	if t == nil {
		t = newTable(l.rules[tk.d], tk.v6, tk.proto)
		l.tables[tk] = t
	}
	return t
}

// own returns a table with t's boxes, index and rule spans (read only
// once built) and scratch and caches of its own, for one worker.
func (t *table) own() *table {
	return &table{v6: t.v6, proto: t.proto, full: t.full, boxes: t.boxes, b32: t.b32, rule: t.rule, first: t.first, end: t.end, idx: t.idx}
}

// text returns rule i's addresses' text, made once.
func (l *linter) text(d sgsim.Direction, i int32) *ruleText {
	p := &l.rtext[d][i]
	if x := p.Load(); x != nil {
		return x
	}
	r := l.rules[d][i]
	x := &ruleText{src: newAddrText(r.Src), dst: newAddrText(r.Dst)}
	if !p.CompareAndSwap(nil, x) {
		x = p.Load()
	}
	return x
}

// parallel lints the set's rules on n workers (see lintSet).
func (l *linter) parallel(n int, onRule func()) []Finding {
	n0 := len(l.rules[sgsim.Ingress])
	total := n0 + len(l.rules[sgsim.Egress])
	type run struct {
		w        int
		from, to findingPos
	}
	runs := make([]run, total)
	ws := make([]*lintWorker, n)
	var next atomic.Int64
	done := make(chan struct{}, total) // never full: a worker never waits
	var wg sync.WaitGroup
	var failed atomic.Pointer[any]
	for i := range ws {
		w := l.worker(true)
		ws[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					failed.CompareAndSwap(nil, &p)
					next.Store(int64(total)) // the others stop too
				}
			}()
			for {
				j := int(next.Add(1) - 1)
				if j >= total {
					return
				}
				d, ri := sgsim.Ingress, j
				if j >= n0 {
					d, ri = sgsim.Egress, j-n0
				}
				if lintHook != nil {
					lintHook(d, ri)
				}
				from := w.out.pos()
				w.lint(d, ri)
				runs[j] = run{i, from, w.out.pos()}
				done <- struct{}{}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	// Should onRule panic or end its goroutine (runtime.Goexit), the
	// workers stop at their next rule and are waited for, so that none
	// goes on linting the set after the call has returned.
	defer func() {
		next.Store(int64(total))
		wg.Wait()
	}()
	for range done {
		if onRule != nil {
			onRule()
		}
	}
	if p := failed.Load(); p != nil {
		panic(*p)
	}
	count := 0
	for _, w := range ws {
		count += w.out.n
	}
	out := sortedOf(count, func(yield func([]Finding)) {
		for _, r := range runs {
			ws[r.w].out.each(r.from, r.to, yield)
		}
	})
	for _, w := range ws {
		w.out = findingList{}
	}
	return out
}

// lintWorker lints rules one at a time, with scratch of its own.
type lintWorker struct {
	l   *linter
	e   *engine
	out findingList
	dir [2]*lintDir
	// parts, firsts, wins and red are one rule's, reused.
	parts  []lintPart
	firsts []lintMet
	// wins are the conflicts' rules, each with its index in firsts in
	// the low 32 bits, to sort by rule (a met is 150 bytes to swap).
	wins []uint64
	red  redCheck
	// msgs holds one copy of each conflict message, by the earlier
	// rule's action and the reason it wins: a 10K firewall set has over
	// a million conflicts, nearly all with the same message.
	msgs map[msgKey]string
	// spaces holds each rule's space per table (family and protocol),
	// by rule index, made once.
	spaces map[*table][]spaceOK
	// Each conflict's region and witness text is written to buf, one
	// string per rule linted; texts holds where each finding's are.
	buf   []byte
	texts []textAt
}

// lintDir is a worker's state for one direction.
type lintDir struct {
	// seen[i] == stamp: rule i met already for the current rule; -1: it
	// decides no flow.
	seen  []int32
	stamp int32
	// For the shortcuts of long cuts (lintprune.go): none[r] ==
	// noneStamp, rule r decides no flow of the box cut; local[r] > 0,
	// none of the part cut.
	none      []int32
	noneStamp int32
	local     []int32
	targets   lintTargets
	// heard: linter.noFlow[d][:heard] are marked in seen.
	heard int
}

// lintPart is a part of a rule's cut: its table, class and family.
type lintPart struct {
	t   *table
	cl  Class
	fam sgsim.Family
}

// lintMet is the first cell met of a rule: the rule, its part and the
// cell.
type lintMet struct {
	rule int32
	pt   int
	c    cell
}

type msgKey struct {
	act sgsim.Action
	why string
}

type spaceOK struct {
	sp sgsim.Space
	ok bool
}

type textAt struct {
	f               *Finding
	region, witness int
}

// worker returns a worker; a shared one copies the linter's tables,
// which it builds under a lock, the other builds its own.
func (l *linter) worker(shared bool) *lintWorker {
	e := &engine{k: l.k, rules: l.rules, tables: map[tableKey]*table{}}
	if shared {
		e.shared = l.table
	}
	return &lintWorker{l: l, e: e, msgs: map[msgKey]string{}, spaces: map[*table][]spaceOK{}}
}

func (w *lintWorker) add(code string, msg string, refs ...*RuleRef) *Finding {
	return w.out.add(Finding{Code: code, Severity: codeSeverity[code], Set: w.l.s.Name, Message: msg, Rules: refs})
}

func (w *lintWorker) conflictMsg(act sgsim.Action, why string) string {
	k := msgKey{act, why}
	m, ok := w.msgs[k]
	if !ok {
		m = fmt.Sprintf("overlaps an earlier %s rule that wins: %s", act, why)
		w.msgs[k] = m
	}
	return m
}

func (w *lintWorker) spaceOf(t *table, rules []*sgsim.Rule, i int32, fam sgsim.Family, p sgsim.Protocol) sgsim.Space {
	sl := w.spaces[t]
	if sl == nil {
		sl = make([]spaceOK, len(rules))
		w.spaces[t] = sl
	}
	if !sl[i].ok {
		sl[i].sp, _ = ruleSpace(rules[i], fam, p)
		sl[i].ok = true
	}
	return sl[i].sp
}

// lint lints rule ri of direction d, adding its findings to w.out.
func (w *lintWorker) lint(d sgsim.Direction, ri int) {
	l, e, s, k := w.l, w.e, w.l.s, w.l.k
	rules := l.rules[d]
	x := w.dir[d]
	if x == nil {
		x = &lintDir{seen: make([]int32, len(rules)), none: make([]int32, len(rules)), local: make([]int32, len(rules))}
		w.dir[d] = x
	}
	// The rules other workers found to decide no flow.
	l.mu.Lock()
	for _, r := range l.noFlow[d][x.heard:] {
		if x.seen[r] != -1 {
			x.seen[r] = -1
			heardNoFlow.Add(1)
		}
	}
	x.heard = len(l.noFlow[d])
	l.mu.Unlock()
	seen, none, local, acts, red := x.seen, x.none, x.local, l.acts[d], &w.red
	r := rules[ri]
	ref := l.refs[d][ri]
	p := k.pos[r]
	// SG006: a reference to a group without members.
	if s.Original != nil {
		o := s.Original[p[0]].Rules[p[1]]
		if o.RemoteGroup != "" && r.Remote().IsEmpty() {
			own := *ref
			own.Text = o.String()
			w.add(EmptyReference, fmt.Sprintf("references security group %q, which has no members: the rule matches nothing", o.RemoteGroup), &own)
			return
		}
	}
	rf := ruleFamilies(r)
	var live []sgsim.Family
	for _, f := range rf {
		if slices.Contains(l.fams, f) {
			live = append(live, f)
		}
	}
	if len(rf) == 0 {
		w.add(Shadowed, "matches no address: the rule decides no flow", ref)
		return
	}
	if len(live) == 0 {
		w.add(WrongFamily, fmt.Sprintf("matches only %s flows, but the set guards only %s addresses", famList(rf), famList(l.fams)), ref)
		return
	}
	// The rule's flows, per family and protocol class, cut into cells
	// each decided by one rule: the rule's own cells are kept, and of
	// each other rule the first cell met.
	w.parts = w.parts[:0]
	w.firsts = w.firsts[:0]
	x.stamp++
	stamp := x.stamp
	red.start(e, d, ri, live, l.cls)
	for _, fam := range live {
		for _, cl := range l.cls {
			if _, ok := ruleSpace(r, fam, cl.Protocol); !ok {
				continue
			}
			t := e.table(d, fam, cl.Protocol)
			pi := len(w.parts)
			w.parts = append(w.parts, lintPart{t: t, cl: cl, fam: fam})
			// Parts whose cells are all of rules met already are left
			// out: they add nothing; so are the rule's own once its
			// redundancy is known.
			if prune {
				t.dec.done, t.dec.stamp, t.dec.self, t.dec.selfDone = seen, stamp, int32(ri), red.known
				// Once the rule has a cell it is not shadowed, and of
				// the other rules only those of the other action (its
				// conflicts) are wanted.
				t.dec.acts, t.dec.act, t.dec.sameDone, t.dec.selfIn = acts, r.Action, red.any, red.region(t)
			}
			tk := tableKey{d, fam == sgsim.IPv6, cl.Protocol}
			for _, b := range t.ruleBoxes(ri) {
				record := false
				if prune { // the shortcuts of long cuts
					// A box an earlier rule's full cut found covered
					// before it (cutReuse): its first cells stand for
					// the cut. Of those the cut would skip, only rules
					// of r's action can be added here, once r has a
					// cell: they are no conflict, and no SG001 is made.
					if cs, ok := l.reuse.get(tk, &b, int32(ri)); ok {
						for _, c := range cs {
							if seen[c.rule] != stamp {
								seen[c.rule] = stamp
								w.firsts = append(w.firsts, lintMet{c.rule, pi, c})
							}
						}
						continue
					}
					record = len(w.firsts) == 0 && !red.any
					x.noneStamp++
					t.dec.none, t.dec.noneStamp, t.dec.steps, t.dec.heavyAt = none, x.noneStamp, 0, heavyAt
					t.dec.heavy = func() { x.targets.mark(t, &t.dec, &b) }
					t.dec.local, t.dec.selfNone = local, false
					if t.pts == nil {
						t.pts = make([]point, len(t.boxes))
					}
				}
				t.visitCells(b, 0, t.end[ri], func(c cell) {
					switch {
					case c.rule == int32(ri):
						red.cell(t, c)
						t.dec.selfDone, t.dec.sameDone, t.dec.selfIn = red.known, true, red.region(t)
					case c.rule >= 0 && seen[c.rule] != stamp:
						seen[c.rule] = stamp
						w.firsts = append(w.firsts, lintMet{c.rule, pi, c})
					}
				})
				if record && !red.any && t.dec.steps >= heavyAt {
					cs := make([]cell, len(w.firsts))
					for i, m := range w.firsts {
						cs[i] = m.c
					}
					l.reuse.put(tk, &b, int32(ri), cs)
				}
			}
			t.dec.done, t.dec.none, t.dec.heavy, t.dec.selfIn, t.dec.local = nil, nil, nil, nil, nil
		}
	}
	red.finish()
	if !red.any && prune {
		// It decides no flow: no part of a later rule's cut waits for it
		// (decider.done), in this worker and the others.
		seen[ri] = -1
		l.mu.Lock()
		l.noFlow[d] = append(l.noFlow[d], int32(ri))
		l.mu.Unlock()
	}
	firsts, parts := w.firsts, w.parts
	if !red.any {
		refs := make([]*RuleRef, 1, 1+len(firsts))
		refs[0] = ref
		for _, m := range firsts {
			refs = append(refs, l.refs[d][m.rule])
		}
		f := w.add(Shadowed, "decides no flow: earlier rules in evaluation order take every flow it matches", refs...)
		for _, cl := range l.cls {
			if sp, ok := ruleSpace(r, live[0], cl.Protocol); ok {
				f.witness(d, sp.TestFlow())
				f.Region = sp.String()
				break
			}
		}
	} else if others := red.others; red.redundant {
		refs := make([]*RuleRef, 1, 1+len(red.others))
		refs[0] = ref
		msg := "redundant: without it every flow it decides gets the same action ("
		if len(others) == 0 {
			msg += "the default deny)"
		} else {
			msg += "from the rules below)"
		}
		for _, o := range others {
			refs = append(refs, l.refs[d][o])
		}
		f := w.add(Redundant, msg, refs...)
		f.witness(d, red.firstT.testFlow(red.first.b))
	}
	// SG002: earlier rules of the opposite action that decide part of the
	// overlap, in evaluation order.
	wins := w.wins[:0]
	for i, m := range firsts {
		if rules[m.rule].Action != r.Action {
			wins = append(wins, uint64(m.rule)<<32|uint64(i))
		}
	}
	slices.Sort(wins)
	w.wins = wins
	// Their Rules, two per conflict, share one array.
	pairs := make([]*RuleRef, 2*len(wins))
	buf, texts := w.buf[:0], w.texts[:0]
	for wi, key := range wins {
		m := &firsts[uint32(key)]
		a, pt := rules[m.rule], parts[m.pt]
		sa, sr := w.spaceOf(pt.t, rules, m.rule, pt.fam, pt.cl.Protocol), w.spaceOf(pt.t, rules, int32(ri), pt.fam, pt.cl.Protocol)
		why, tie := orderReason(k, a, r)
		sev := Info
		if tie {
			sev = Low
		}
		buf = appendRegion(buf, sa, sr, l.text(d, m.rule), l.text(d, int32(ri)))
		if pt.cl.Others {
			buf = append(buf, " (and every protocol no rule names)"...)
		}
		at := textAt{region: len(buf)}
		wf := pt.t.testFlow(m.c.b)
		buf = appendFlow(buf, wf)
		at.witness = len(buf)
		pairs[2*wi], pairs[2*wi+1] = ref, l.refs[d][m.rule]
		at.f = w.out.add(Finding{Code: Conflict, Severity: sev, Direction: d, Set: s.Name,
			Message: w.conflictMsg(a.Action, why), Rules: pairs[2*wi : 2*wi+2 : 2*wi+2], WitnessFlow: wf})
		texts = append(texts, at)
	}
	if len(texts) > 0 {
		all, from := string(buf), 0
		for _, at := range texts {
			at.f.Region, at.f.Witness = all[from:at.region], all[at.region:at.witness]
			from = at.witness
		}
	}
	w.buf, w.texts = buf, texts
	// SG004 and SG005 look at the rule alone.
	if d == sgsim.Ingress && r.Action == sgsim.Allow && r.Protocol == sgsim.AnyProtocol && coversFamily(r.Src, live) {
		f := w.add(OverBroad, "allows every protocol and port from every address", ref)
		if red.any {
			f.witness(d, red.firstT.testFlow(red.first.b))
		}
	}
	if m := strings.ToLower(r.Origin.Modifiable); strings.Contains(m, "recommended") && !strings.Contains(m, "not recommended") {
		msg := "the vendor marks this row \"" + r.Origin.Modifiable + "\""
		if r.Origin.Suggestion != "" {
			msg += ": " + r.Origin.Suggestion
		}
		f := w.add(VendorModify, msg, ref)
		if red.any {
			f.witness(d, red.firstT.testFlow(red.first.b))
		}
	}
}

func famList(fs []sgsim.Family) string {
	var ss []string
	for _, f := range fs {
		ss = append(ss, f.String())
	}
	return strings.Join(ss, " and ")
}

// coversFamily reports whether a holds every address of one of the families.
func coversFamily(a sgsim.Addrs, fams []sgsim.Family) bool {
	if a.IsAny() {
		return true
	}
	for _, f := range fams {
		all := sgsim.MustParseAddrs("0.0.0.0/0")
		if f == sgsim.IPv6 {
			all = sgsim.MustParseAddrs("::/0")
		}
		if a.Set().ContainsPrefix(all.Set().Prefixes()[0]) {
			return true
		}
	}
	return false
}

// orderReason says why a comes before b under the set's semantics, and
// whether a tie-break or attachment order (rather than an explicit
// priority) decides it.
func orderReason(k *compiled, a, b *sgsim.Rule) (string, bool) {
	pa, pb := k.pos[a], k.pos[b]
	ga, gb := k.set.Groups[pa[0]].ID, k.set.Groups[pb[0]].ID
	sem := k.set.Semantics
	switch {
	case sem != sgsim.Alibaba && pa[0] != pb[0]:
		return fmt.Sprintf("group %q is attached before group %q", ga, gb), true
	case (sem == sgsim.Huawei || sem == sgsim.Alibaba) && a.Priority == b.Priority:
		return fmt.Sprintf("equal priority %d: %s evaluates deny before allow", a.Priority, sem), true
	case sem == sgsim.Huawei || sem == sgsim.Alibaba || sem == sgsim.Tencent:
		return fmt.Sprintf("priority %d before %d", a.Priority, b.Priority), false
	case sem == sgsim.ACL:
		return fmt.Sprintf("rule number %d before %d", a.Priority, b.Priority), false
	}
	return "earlier in list order", false
}
