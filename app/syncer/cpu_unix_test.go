//go:build unix

package syncer_test

import "syscall"

// cpuSeconds is the user + system CPU time this test process has used so far (server and
// desktop share it in the benchmarks), so a result can be read apart from the machine's load.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
