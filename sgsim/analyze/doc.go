// Package analyze looks at rule sets as a whole: it lints them (shadowed,
// conflicting and redundant rules, over-broad and vendor-flagged rows,
// references to empty groups, rules of the wrong address family), diffs
// two versions into the exact flows one allows and the other does not,
// and proposes the smallest rule that lets a denied required flow pass.
//
// Everything is exact, not sampled: the analyses partition the flow
// space with sgsim's Classifier.Partition into boxes each decided by one
// rule, per address family and protocol class (every protocol a rule
// names, plus one representative for all the protocols no rule names),
// and every finding carries a witness flow that reproduces it.
package analyze
