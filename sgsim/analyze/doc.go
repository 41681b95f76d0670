// Package analyze looks at rule sets as a whole: it lints them (shadowed,
// conflicting and redundant rules, over-broad and vendor-flagged rows,
// references to empty groups, rules of the wrong address family), diffs
// two versions into the exact flows one allows and the other does not,
// summarises what a change to a network does to a profile's required
// flows and to exposure from outside the cluster (Compare), proposes
// the smallest rule that lets a denied required flow pass, draws the
// connectivity map of a network's endpoints (Map), lists what addresses
// outside the network reach on each endpoint, graded by port class
// (ExposureAudit), and proposes narrowed security groups with their
// proof (Tighten).
//
// A rule set is a Set: the groups attached together to an interface, with
// references resolved; SetsOf makes one per attachment list of a
// sgsim.NetworkSpec, and Lint lints them all.
//
// Lint, DiffSets and the fix check are exact, not sampled: they partition
// the flow space with sgsim's Classifier.Partition into boxes each
// decided by one rule, per address family and protocol class (every
// protocol a rule names, plus one representative for all the protocols no
// rule names), and every finding carries a witness flow that reproduces
// it. DiffWith with DiffOptions.MaxBoxes stays exact while listing
// fewer boxes: past MaxBoxes boxes of one pair of deciding rules, the
// pair is one summarized change, defined by the two rules, whose flows
// Change.Contains tests. Compare is exact over the required flows and endpoints it asks
// Network.Reach about, and looks at nothing else.
package analyze
