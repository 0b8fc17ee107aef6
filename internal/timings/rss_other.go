//go:build !linux

package timings

import "time"

// resetPeak does nothing where the peak cannot be reset.
func resetPeak() {}

// peakRSS is unknown here.
func peakRSS() (int64, bool) { return 0, true }

// cpuTime is unknown here.
func cpuTime() time.Duration { return 0 }
