package intent

// SetYAMLPlaceBudget sets the bytes the YAML error position search parses
// before it bisects, and returns a function restoring the old budget.
func SetYAMLPlaceBudget(n int) (restore func()) {
	old := yamlPlaceBudget
	yamlPlaceBudget = n
	return func() { yamlPlaceBudget = old }
}
