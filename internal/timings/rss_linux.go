//go:build linux

package timings

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// resetPeak resets the kernel's high-water mark of the resident set
// (VmHWM) to the current resident set, so that the next phase's peak is its
// own (proc(5), /proc/pid/clear_refs, value 5).
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM from /proc/self/status, in bytes; after resetPeak it is
// the peak since the reset.
func peakRSS() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return maxRSS(), true
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			if err != nil {
				return maxRSS(), true
			}
			return kb * 1024, false
		}
	}
	return maxRSS(), true
}

// maxRSS is the process's peak resident set since it started (getrusage).
func maxRSS() int64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return u.Maxrss * 1024 // kilobytes on Linux
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
