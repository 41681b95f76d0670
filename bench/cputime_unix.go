//go:build unix

package main

import "syscall"

// cpuTime is the process's user plus system CPU time in nanoseconds: on
// a shared machine it says what an operation cost when the wall clock
// also counts waiting for a core.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
