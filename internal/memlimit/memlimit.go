// Package memlimit keeps a long run's resident memory near what it holds.
//
// Go's collector lets the heap grow to twice what was live after the last
// collection (GOGC=100) and returns freed pages to the system lazily. For
// poc, whose runs hold columns of millions of records for minutes, that
// doubles the peak resident memory for no gain: at a million records the
// run held about 350 MB and the process peaked near 1 GB. Tune sets a soft
// memory limit that follows the live heap — Limit(live) after every
// collection — so the collector runs, and the scavenger returns pages,
// before the process outgrows it by more than an eighth. The collector
// still never runs more often than GOGC=100 asks for small heaps, below
// Floor, where the limit is not reached.
//
// A user who sets GOMEMLIMIT or GOGC keeps their own setting: Tune does
// nothing then.
package memlimit

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Floor is the headroom above the live heap below which the limit never
// goes: a small run is collected as Go would collect it.
const Floor = 64 << 20

// Factor is the limit's share of the live heap: the heap may grow by an
// eighth of what is live (and Floor) before a collection is forced. At a
// million records an eighth kept the peak at 530–560 MB for the same time
// and CPU as a quarter (600–620 MB) and as Go's default (0.9–1.2 GB); see
// bench/RESULTS.md.
const Factor = 1.125

// Limit is the soft memory limit for a live heap of live bytes.
func Limit(live uint64) int64 {
	l := Factor*float64(live) + Floor
	if l >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(l)
}

// liveMetric is the heap marked live by the last collection.
const liveMetric = "/gc/heap/live:bytes"

// Tune starts following the live heap and returns the function that stops
// it and puts back the limit there was. It does nothing (and stop does
// nothing) when the environment sets GOMEMLIMIT or GOGC.
func Tune() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return func() {}
	}
	t := &tuner{sample: []metrics.Sample{{Name: liveMetric}}, before: debug.SetMemoryLimit(-1)}
	t.adjust()
	t.arm()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			t.stopped.Store(true)
			debug.SetMemoryLimit(t.before)
		})
	}
}

// tuner moves the limit after each collection.
type tuner struct {
	mu      sync.Mutex
	sample  []metrics.Sample
	before  int64
	stopped atomic.Bool
}

// sentinel is an object whose finalizer runs once per collection: it is
// dropped as soon as it is made, and its finalizer makes the next. It holds
// a pointer so that it is not batched with other tiny objects (whose
// finalizers may never run).
type sentinel struct {
	t   *tuner
	pad [8]byte
}

// arm makes the sentinel for the next collection.
func (t *tuner) arm() {
	s := &sentinel{t: t}
	runtime.SetFinalizer(s, func(s *sentinel) {
		if s.t.stopped.Load() {
			return
		}
		s.t.adjust()
		s.t.arm()
	})
}

// adjust sets the limit from the live heap of the last collection.
func (t *tuner) adjust() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	debug.SetMemoryLimit(Limit(t.sample[0].Value.Uint64()))
}
