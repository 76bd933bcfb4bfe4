//go:build !unix

package syncer_test

// cpuSeconds is not measured here (Windows): the benchmark reports 0.
func cpuSeconds() float64 { return 0 }
