package sgsim

// Strategies exposes the lookup structure chosen per direction and family.
func Strategies(c *Classifier) [2][2]string { return c.strategies() }
