// Package timings measures the phases of a run as a user sees them: the
// wall time, the CPU time and the peak memory (resident set) of each, for
// `poc run --timings`.
//
// Phases are sequential: starting one ends the one before. A nil
// *Recorder records nothing, so code measures its phases without asking
// whether anyone listens.
package timings

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Phase is what one phase of a run cost.
type Phase struct {
	// Name says what the phase did ("replay", "intervals and verdict").
	Name string
	// Wall is the phase's elapsed time.
	Wall time.Duration
	// CPU is the user and system time the process spent in the phase
	// (more than Wall when it used several cores).
	CPU time.Duration
	// PeakRSS is the largest resident set of the process during the phase,
	// in bytes; 0 when the system does not say. Where the system cannot
	// reset its high-water mark between phases (anything but Linux), it is
	// the peak since the process started (PeakSinceStart).
	PeakRSS int64
	// PeakSinceStart reports that PeakRSS is the process's peak so far, not
	// the phase's own.
	PeakSinceStart bool
}

// Recorder records phases one after another. Its methods are safe for
// concurrent use and do nothing on a nil Recorder.
type Recorder struct {
	mu     sync.Mutex
	now    func() time.Time
	phases []Phase
	beside []Phase
	open   bool
	start  time.Time
	cpu    time.Duration
}

// New returns a Recorder that reads the wall clock.
func New() *Recorder { return &Recorder{now: time.Now} }

// Start ends the phase in progress, if any, and starts the one named.
func (r *Recorder) Start(name string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endLocked()
	resetPeak()
	r.phases = append(r.phases, Phase{Name: name})
	r.open, r.start, r.cpu = true, r.now(), cpuTime()
}

// Beside records work done beside the phases (on another goroutine), with
// its wall time.
func (r *Recorder) Beside(name string, wall time.Duration) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.beside = append(r.beside, Phase{Name: name, Wall: wall})
}

// Besides are the works recorded by Beside.
func (r *Recorder) Besides() []Phase {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Phase(nil), r.beside...)
}

// Stop ends the phase in progress, if any.
func (r *Recorder) Stop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endLocked()
}

func (r *Recorder) endLocked() {
	if !r.open {
		return
	}
	p := &r.phases[len(r.phases)-1]
	p.Wall, p.CPU = r.now().Sub(r.start), cpuTime()-r.cpu
	p.PeakRSS, p.PeakSinceStart = peakRSS()
	r.open = false
}

// Phases are the phases recorded so far, the one in progress (if any)
// measured up to now.
func (r *Recorder) Phases() []Phase {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Phase(nil), r.phases...)
	if r.open {
		p := &out[len(out)-1]
		p.Wall, p.CPU = r.now().Sub(r.start), cpuTime()-r.cpu
		p.PeakRSS, p.PeakSinceStart = peakRSS()
	}
	return out
}

// Write prints the phases as a table: each phase's wall time, its CPU time,
// its share of the whole and its peak memory, then the total; then the
// work done beside the phases, with its wall time, whose CPU time and
// memory are in the phases it overlapped.
func Write(w io.Writer, phases, beside []Phase) error {
	var total, cpu time.Duration
	var peak int64
	width := len("total")
	for _, p := range phases {
		total += p.Wall
		cpu += p.CPU
		peak = max(peak, p.PeakRSS)
		width = max(width, len(p.Name))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  %9s  %9s  %6s  %10s\n", width, "phase", "wall", "cpu", "share", "peak RSS")
	for _, p := range phases {
		share := 0.0
		if total > 0 {
			share = 100 * float64(p.Wall) / float64(total)
		}
		mark := ""
		if p.PeakSinceStart {
			mark = " *"
		}
		fmt.Fprintf(&b, "%-*s  %9s  %9s  %5.1f%%  %10s%s\n", width, p.Name, seconds(p.Wall), seconds(p.CPU), share, megabytes(p.PeakRSS), mark)
	}
	fmt.Fprintf(&b, "%-*s  %9s  %9s  %6s  %10s\n", width, "total", seconds(total), seconds(cpu), "", megabytes(peak))
	for _, p := range beside {
		fmt.Fprintf(&b, "beside the phases: %s, %s wall (its CPU time and memory are in the phases it overlapped)\n", p.Name, seconds(p.Wall))
	}
	for _, p := range phases {
		if p.PeakSinceStart {
			b.WriteString("* the process's peak since it started: this system cannot reset it between phases\n")
			break
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func megabytes(n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
