package analyze

import (
	"sync"
	"sync/atomic"
)

// cutReuse keeps the cuts that can serve a later rule as they are. A
// box b of rule q whose cut, with every rule wanted from its start
// (nothing met before it, q with no cell yet), gave q no cell is covered
// by the boxes before q's. Cut for a later rule r, b's parts are then
// all held by those boxes before any box of q or of the rules between
// (a part whose candidates before q are used up would have a flow none
// of them covers), so the cut is the same cut, part for part: the same
// cells, in the same order, none of them r's. Its list of each rule's
// first cell, in order, stands for it (the rules met already dropped);
// the wanted rules' first cells are all in it, the rules r's pruning
// would not want add nothing that lint keeps (see lintSet). Only cuts
// that reached heavyAt parts are kept (the late catch-alls and /1
// wildcards of a firewall set repeat each other's boxes: fw1-10K's
// TCP catch-all of rule 9342 is again rule 9347's and the TCP part of
// 9367's).
//
// The workers of a parallel lint share it: a list, once kept, is only
// read. A worker can lint a later rule first, so each list says whose
// cut it is and serves only the rules after that one; a worker that
// finds none cuts the box itself, to the same cells.
type cutReuse struct {
	mu   sync.Mutex
	cuts map[cutKey]keptCut
}

type cutKey struct {
	t tableKey
	b box
}

// keptCut is the list of first cells of rule's cut.
type keptCut struct {
	rule  int32
	cells []cell
}

// get returns the first cells of b's cut in table t, if one made for a
// rule before rule is kept.
func (u *cutReuse) get(t tableKey, b *box, rule int32) ([]cell, bool) {
	u.mu.Lock()
	k, ok := u.cuts[cutKey{t, *b}]
	u.mu.Unlock()
	if !ok || k.rule >= rule {
		return nil, false
	}
	shortcuts[7].Add(1)
	return k.cells, true
}

// put keeps cs, the first cells of b's cut in t for rule, unless one for
// an earlier rule is kept.
func (u *cutReuse) put(t tableKey, b *box, rule int32, cs []cell) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.cuts == nil {
		u.cuts = map[cutKey]keptCut{}
	}
	k := cutKey{t, *b}
	if old, ok := u.cuts[k]; !ok || rule < old.rule {
		u.cuts[k] = keptCut{rule, cs}
	}
}

// Lint's cuts of late, wide rules (a final catch-all, /1 and /2
// wildcards after thousands of narrow rules) meet nearly every earlier
// rule. These checks keep them from walking millions of parts that add
// nothing, without changing what the cut finds (see bench/README.md,
// issue 18, fifth round):
//
//   - lintTargets: once a box's cut has decided heavyAt parts, each
//     earlier rule still wanted (not met, not done) is asked whether it
//     decides any flow of the box at all: whether some flow of its box
//     inside the box is met by no rule before it. A rule that decides
//     none has no cell in the cut, so the cut treats it as done, exactly
//     like a rule met already. The rule linted is asked too (selfNone).
//   - decider.live: past heavyAt parts, a part whose first wanted
//     candidate decides none of the part's flows marks that rule done
//     for the part and its parts, and asks the next; a part with none
//     wanted is left out.
//   - decider.sub: past heavyAt parts, once the rule linted is not
//     wanted in a part, the candidates after the last wanted one are
//     dropped (a cell's cuts are along candidates before its rule).
//   - redCheck.boxLevel: once redCheck has taken redBoxAt cells without
//     an answer, the rule's boxes are decided by the rules after it (one
//     cut per box instead of one per cell), and each resulting cell is
//     asked whether some flow of it is met by no rule before the rule
//     (so lies in a cell of the rule). A cell of another action with
//     such a flow answers "not redundant"; otherwise the rule is
//     redundant and the rules that decide its flows are known, so the
//     cells need only be taken until every one of them has been met (the
//     order they are met in is the finding's order of rules).
//   - cutReuse: a box whose cut, every rule wanted, gave its rule no
//     cell is cut the same way for any later rule with that box: the
//     list of first cells is kept and replayed.
//
// All are bounded (openLimit, localLimit, redBoxLimit): past the bound
// the cut goes on as before. Tests lower them, and the thresholds, to
// reach every path.
var (
	heavyAt     = 20000
	redBoxAt    = 16
	redBoxLimit = 200000
	openLimit   = 200000
	localLimit  = 20000
)

// shortcuts counts, for tests, the times each shortcut changed a cut:
// a rule found to decide no flow of a box (0) or of a part (1), a rule
// found not redundant by boxLevel (2), a part left out for selfIn (3), a
// part left out for its trailing candidates (4), a rule found to decide
// no flow of the box it is linted for (5), a rule found redundant once
// the rules boxLevel named were all met (6), a cut reused (7, cutReuse).
// Each path counts apart, so a test can require every one of them taken.
var shortcuts [8]atomic.Int64

// coverCheck runs the cut of table.open.
type coverCheck struct {
	t            *table
	buf          []int32
	steps, limit int
	over         bool
	pt           [4]key // when open: a flow no candidate meets
}

// open reports whether some flow of b is met by no box of t with index
// below before; ok is false when the check gave up after limit parts.
func (t *table) open(b box, before int32, limit int) (open, ok bool) {
	c := &t.cov
	c.t, c.steps, c.limit, c.over = t, 0, limit, false
	c.buf = t.idx.query(&b, 0, before, c.buf[:0])
	cands := c.buf[:len(c.buf):len(c.buf)]
	b32 := t.to32(&b)
	for _, i := range cands {
		if t.holdsBox(i, &b, &b32) {
			return false, true
		}
	}
	o := c.open(b, cands)
	c.buf = c.buf[:0]
	return o && !c.over, !c.over
}

// openBox is open for box i of t against the rules before its rule,
// remembered per box.
func (t *table) openBox(i int32, limit int) (open, ok bool) {
	if t.opened == nil {
		t.opened = make([]int8, len(t.boxes))
	}
	switch t.opened[i] {
	case 1:
		return true, true
	case 2:
		return false, true
	}
	b := t.boxes[i].b
	if !b.meets(&t.full) {
		t.opened[i] = 2
		return false, true
	}
	o, ok := t.open(b.clip(&t.full), t.first[t.boxes[i].rule], limit)
	if ok {
		t.opened[i] = 2
		if o {
			t.opened[i] = 1
		}
	}
	return o, ok
}

// open reports whether b, which no box of cands holds, has a flow that
// none of them meets (cands: the boxes that meet b, in order). It
// returns true once over.
func (c *coverCheck) open(b box, cands []int32) bool {
	if c.limit > 0 {
		if c.steps++; c.steps > c.limit {
			c.over = true
			return true
		}
	}
	if len(cands) == 0 {
		for d := range b {
			c.pt[d] = b[d].lo
		}
		return true
	}
	below, inside, above, hasBelow, hasAbove, dim := cutBoxDim(b, &c.t.boxes[cands[0]].b)
	if hasBelow && c.sub(below, cands[1:], dim) {
		return true
	}
	if hasAbove && c.sub(above, cands[1:], dim) {
		return true
	}
	return c.sub(inside, cands, dim)
}

// sub is open for part p of a box that cands meet, cut along dim.
func (c *coverCheck) sub(p box, cands []int32, dim int) bool {
	mark := len(c.buf)
	if b32 := c.t.b32; b32 != nil {
		p32 := to32(&p)
		lo, hi := p32[dim][0], p32[dim][1]
		for _, i := range cands {
			s := &b32[i]
			if s[dim][1] < lo || hi < s[dim][0] {
				continue
			}
			if s.holds(&p32) {
				c.buf = c.buf[:mark]
				return false
			}
			c.buf = append(c.buf, i)
		}
	} else {
		lo, hi := p[dim].lo, p[dim].hi
		for _, i := range cands {
			rb := &c.t.boxes[i]
			if rb.b[dim].hi.less(lo) || hi.less(rb.b[dim].lo) {
				continue
			}
			if rb.b.holds(&p) {
				c.buf = c.buf[:mark]
				return false
			}
			c.buf = append(c.buf, i)
		}
	}
	o := c.open(p, c.buf[mark:len(c.buf):len(c.buf)])
	c.buf = c.buf[:mark]
	return o
}

// lintTargets marks, for decider d cutting box b of rule self in t, the
// earlier rules still wanted that decide no flow of b (d.none).
type lintTargets struct {
	yes   []int32 // yes[r] == stamp: r decides a flow of the box
	seen  []int32 // seen[r] == stamp: r is in rules
	stamp int32
	buf   []int32
}

func (lt *lintTargets) mark(t *table, d *decider, b *box) {
	if o, ok := t.open(*b, t.first[d.self], openLimit); !o && ok {
		d.selfNone = true
		shortcuts[5].Add(1)
	}
	lt.stamp++
	if len(lt.yes) < len(d.done) {
		lt.yes, lt.seen = make([]int32, len(d.done)), make([]int32, len(d.done))
	}
	lt.buf = t.idx.query(b, 0, t.first[d.self], lt.buf[:0])
	var rules []int32
	// lt.buf[:from] are the boxes before rule r's first, in order: a box
	// that meets part of b is among them when it meets that part, so they
	// stand for an index query for it.
	from, last := 0, int32(-1)
	for k, i := range lt.buf {
		r := t.boxes[i].rule
		if r != last {
			from, last = k, r
		}
		if d.isDone(r) || lt.yes[r] == lt.stamp {
			continue
		}
		if lt.seen[r] != lt.stamp {
			lt.seen[r] = lt.stamp
			rules = append(rules, r)
		}
		rb := t.boxes[i].b
		var o, ok bool
		if b.holds(&rb) {
			o, ok = t.openBox(i, openLimit)
		} else {
			o, ok = t.openAmong(rb.clip(b), lt.buf[:from], openLimit)
		}
		if o || !ok {
			lt.yes[r] = lt.stamp
		}
	}
	for _, r := range rules {
		if lt.yes[r] != lt.stamp {
			d.none[r] = d.noneStamp
			shortcuts[0].Add(1)
		}
	}
}

// live reports whether part b, which skip did not leave out, can hold a
// cell wanted: it asks each rule not done that comes, among cands,
// before a done box that holds b, whether it decides a flow of b (some
// flow of its boxes inside b met by no candidate before it); one that
// decides none is done for b and its parts (local, until decide
// returns), and the check goes on to the next.
func (d *decider) live(b *box, b32 *box32, cands []int32) bool {
	boxes := d.t.boxes
	// from: the candidates before it are done and none holds b; marking
	// a rule done for b (below) changes neither, so each pass goes on
	// where the last one stopped instead of starting over.
	from := 0
	for {
		j := -1
		for i := from; i < len(cands); i++ {
			c := cands[i]
			rb := &boxes[c]
			if rb.rule == d.self {
				return d.selfWanted(b)
			}
			if !d.isDone(rb.rule) {
				j = i
				break
			}
			if d.t.holdsBox(c, b, b32) {
				return false
			}
		}
		if j < 0 {
			return false // no candidate wanted, and none holds b: the default deny's
		}
		w := boxes[cands[j]].rule
		for k := j; k < len(cands) && boxes[cands[k]].rule == w; k++ {
			// A flow of the box met by no earlier box (found before, for
			// any part) that lies in b answers without a cut.
			i := cands[k]
			if d.t.pts[i].ok && inBox(&d.t.pts[i].k, b) {
				return true
			}
			o, ok := d.t.openAmong(boxes[i].b.clip(b), cands[:j], localLimit)
			if o {
				d.t.pts[i] = point{d.t.cov.pt, true}
			}
			if o || !ok {
				return true
			}
		}
		d.local[w]++
		d.locals = append(d.locals, w)
		shortcuts[1].Add(1)
		from = j
	}
}

// openAmong is open with the boxes list (in order, meeting q or not)
// instead of an index query.
func (t *table) openAmong(q box, list []int32, limit int) (open, ok bool) {
	c := &t.cov
	c.t, c.steps, c.limit, c.over = t, 0, limit, false
	mark := len(c.buf)
	if b32 := t.b32; b32 != nil {
		q32 := to32(&q)
		for _, i := range list {
			if s := &b32[i]; s.meets(&q32) {
				if s.holds(&q32) {
					c.buf = c.buf[:mark]
					return false, true
				}
				c.buf = append(c.buf, i)
			}
		}
	} else {
		for _, i := range list {
			rb := &t.boxes[i]
			if !rb.b.meets(&q) {
				continue
			}
			if rb.b.holds(&q) {
				c.buf = c.buf[:mark]
				return false, true
			}
			c.buf = append(c.buf, i)
		}
	}
	o := c.open(q, c.buf[mark:len(c.buf):len(c.buf)])
	c.buf = c.buf[:mark]
	return o && !c.over, !c.over
}

// point is a flow, as keys, when ok.
type point struct {
	k  [4]key
	ok bool
}

// inBox reports whether the flow p lies in b.
func inBox(p *[4]key, b *box) bool {
	for d := range b {
		if p[d].less(b[d].lo) || b[d].hi.less(p[d]) {
			return false
		}
	}
	return true
}

// to32 is b as a box32 when t has them (IPv4), else the zero box32.
func (t *table) to32(b *box) box32 {
	if t.b32 == nil {
		return box32{}
	}
	return to32(b)
}

// holdsBox reports whether box i of t holds b, through b32 (t.to32(b))
// when t has box32s.
func (t *table) holdsBox(i int32, b *box, b32 *box32) bool {
	if t.b32 != nil {
		return t.b32[i].holds(b32)
	}
	return t.boxes[i].b.holds(b)
}
