package remote

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// simulate drives c's adaptive limit for rounds rounds of calls, with its
// clock: in each round, as many calls as the limit allows are sent
// together; throttled decides, from the call's number over the run (from
// 1), its place in the round (from 0) and the round, whether the server
// answers 429. The 429s come back first, as a server refuses at once; the
// answers one latency (50ms) later, in order. It returns the limit after
// each round.
func simulate(c *Caller, fc *fakeClock, rounds int, throttled func(n, i, round int) bool) []int {
	limits := make([]int, 0, rounds)
	n := 0
	for r := range rounds {
		k := c.Limit()
		sent := fc.now()
		var ok int
		for i := range k {
			n++
			if throttled(n, i, r) {
				c.onThrottle(sent)
			} else {
				ok++
			}
		}
		fc.advance(50 * time.Millisecond)
		for range ok {
			c.onSuccess(sent)
		}
		limits = append(limits, c.Limit())
	}
	return limits
}

func mean(xs []int) float64 {
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}

// TestAdaptiveLimit drives the controller with scripted servers: 429s
// scattered at up to 10% of the calls leave the limit near Concurrency;
// a server that refuses the calls beyond its capacity cuts it to about
// that capacity.
func TestAdaptiveLimit(t *testing.T) {
	rnd := func(seed uint64, p float64) func(n, i, r int) bool {
		rng := rand.New(rand.NewPCG(seed, 1))
		return func(int, int, int) bool { return rng.Float64() < p }
	}
	capacity := func(k int) func(n, i, r int) bool {
		return func(_, i, _ int) bool { return i >= k }
	}
	tests := []struct {
		name        string
		concurrency int
		rounds      int
		throttled   func(n, i, r int) bool
		from        int     // the rounds judged: from this one on
		minMean     float64 // the mean limit over them, at least
		maxMean     float64 // at most (0: no bound)
		minLimit    int     // the lowest limit over them, at least
	}{
		{"no 429", 64, 100, func(int, int, int) bool { return false }, 0, 64, 0, 64},
		{"every 20th call a 429 (5%)", 64, 200, func(n, _, _ int) bool { return n%20 == 0 }, 0, 64, 0, 64},
		{"every 20th call a 429 at concurrency 16", 16, 400, func(n, _, _ int) bool { return n%20 == 0 }, 0, 16, 0, 16},
		{"5% of calls at random", 64, 400, rnd(1, 0.05), 0, 0.95 * 64, 0, 32},
		{"5% at random, another seed", 64, 400, rnd(2, 0.05), 0, 0.95 * 64, 0, 32},
		{"5% at random at concurrency 16", 16, 800, rnd(3, 0.05), 0, 0.9 * 16, 0, 8},
		{"10% of calls at random: the most taken as background", 64, 400, rnd(4, 0.10), 40, 0.95 * 64, 0, 32},
		{"15% at random: cut at times, never collapsed", 64, 400, rnd(5, 0.15), 40, 0.6 * 64, 0, 8},
		{"a server taking 16 calls at once", 64, 400, capacity(16), 20, 10, 24, 8},
		{"a server taking 2 calls at once, concurrency 8", 8, 400, capacity(2), 100, 1.5, 3.5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fc := newFakeCaller(Policy{Concurrency: tt.concurrency}, 0)
			limits := simulate(c, fc, tt.rounds, tt.throttled)[tt.from:]
			m, low := mean(limits), limits[0]
			for _, l := range limits {
				low = min(low, l)
			}
			if m < tt.minMean || (tt.maxMean > 0 && m > tt.maxMean) || low < tt.minLimit {
				t.Errorf("mean limit %.1f, lowest %d; want a mean in [%.1f, %.1f] and none below %d (limits %v)",
					m, low, tt.minMean, tt.maxMean, tt.minLimit, limits[:min(len(limits), 40)])
			}
		})
	}
}

// TestAdaptiveLimitRecovers: once an overload ends, the limit is back at
// Concurrency within a few rounds of calls.
func TestAdaptiveLimitRecovers(t *testing.T) {
	c, fc := newFakeCaller(Policy{Concurrency: 64}, 0)
	limits := simulate(c, fc, 60, func(_, i, r int) bool { return r < 40 && i >= 8 })
	if l := limits[39]; l > 16 {
		t.Fatalf("limit %d after 40 rounds against a server taking 8 calls, want it cut to about 8", l)
	}
	back := -1
	for r, l := range limits[40:] {
		if l == 64 {
			back = r + 1
			break
		}
	}
	if back < 0 || back > 12 {
		t.Errorf("the limit is back at 64 after %d rounds once the overload ended, want at most 12 (limits %v)", back, limits[40:])
	}
}

// TestAdaptiveLimitSteps: a window of 32 outcomes is judged at once;
// outcomes of attempts sent before a cut are ignored; the limit never goes
// below 1; each success adds a quarter, up to Concurrency.
func TestAdaptiveLimitSteps(t *testing.T) {
	c, fc := newFakeCaller(Policy{Concurrency: 8, Retries: -1}, 0)
	if c.Limit() != 8 {
		t.Fatalf("initial limit %d, want 8", c.Limit())
	}
	sent := fc.now()
	fc.advance(time.Millisecond)
	for range minWindow - 1 {
		c.onThrottle(sent)
	}
	if c.Limit() != 8 {
		t.Fatalf("limit %d after %d 429s, want 8: the window is not full", c.Limit(), minWindow-1)
	}
	c.onThrottle(sent)
	if c.Limit() != 4 {
		t.Fatalf("limit %d after a window of 429s, want 4", c.Limit())
	}
	// More 429s of attempts sent before the cut change nothing.
	for range 3 * minWindow {
		c.onThrottle(sent)
	}
	if c.Limit() != 4 {
		t.Fatalf("limit %d after 429s sent before the cut, want 4", c.Limit())
	}
	for range 10 {
		sent := fc.now()
		fc.advance(time.Millisecond)
		for range minWindow {
			c.onThrottle(sent)
		}
	}
	if c.Limit() != 1 {
		t.Fatalf("limit %d after ten overloaded windows, want 1", c.Limit())
	}
	sent = fc.now()
	fc.advance(time.Millisecond)
	for range 4 {
		c.onSuccess(sent)
	}
	if c.Limit() != 2 {
		t.Fatalf("limit %d after four successes from 1, want 2", c.Limit())
	}
	for range 100 {
		c.onSuccess(sent)
	}
	if c.Limit() != 8 {
		t.Fatalf("limit %d, want it capped at 8", c.Limit())
	}
}

// TestAdaptiveLimitBoundsInFlight: Do keeps the calls in flight within the
// limit once an overload has halved it.
func TestAdaptiveLimitBoundsInFlight(t *testing.T) {
	c, _ := newFakeCaller(Policy{Concurrency: 8, Retries: -1}, 0)
	for range minWindow {
		c.Do(context.Background(), 0, func(context.Context) error { return &StatusError{Code: 429} })
	}
	if c.Limit() != 4 {
		t.Fatalf("limit %d, want 4", c.Limit())
	}
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Do(context.Background(), 0, func(context.Context) error {
				n := cur.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(10 * time.Millisecond)
				cur.Add(-1)
				return &StatusError{Code: 400} // neither success nor 429: the limit stays
			})
		}()
	}
	wg.Wait()
	if p := peak.Load(); p != 4 {
		t.Errorf("peak in flight = %d, want the halved limit 4", p)
	}
}
