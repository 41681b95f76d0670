//go:build race

package analyze

// raceEnabled keeps the reference comparisons small under the race
// detector, which slows the reference's quadratic work tenfold.
const raceEnabled = true
