package api

// SetAfterCreatePlan lets a test act between a REST create's plan (read beside the writer)
// and its write, e.g. to make another create of the same phone win the race.
func SetAfterCreatePlan(s *Server, fn func()) { s.afterCreatePlan = fn }
