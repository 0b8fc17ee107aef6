package stats

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// mustJack is Jackknife without a done channel, failing the test on error.
func mustJack(t *testing.T, n int, stat Statistic, seed uint64) []float64 {
	t.Helper()
	jack, err := Jackknife(n, stat, seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return jack
}

// TestStopped checks that every resampling loop and the jackknife stop
// with ErrStopped, which wraps context.Canceled, when their done channel is
// closed: before they start, and while they run (the statistic counts its
// calls, so the test asserts that the loop returned before finishing).
func TestStopped(t *testing.T) {
	const n = 200_000
	values := make([]float64, n)
	for i := range values {
		values[i] = float64(i % 7)
	}
	mean := func(calls *atomic.Int64) Statistic {
		return func(idx []int) float64 {
			calls.Add(1)
			s := 0.0
			for _, i := range idx {
				s += values[i]
			}
			return s / float64(len(idx))
		}
	}
	cases := []struct {
		name string
		// full is the number of calls of the statistic when not stopped.
		full int64
		run  func(stat Statistic, done <-chan struct{}) error
	}{
		{"resample", 2000, func(stat Statistic, done <-chan struct{}) error {
			_, err := Resample(n, stat, BootstrapOptions{Done: done})
			return err
		}},
		{"bootstrap bca", 2000 + jackknifeGroups + 1, func(stat Statistic, done <-chan struct{}) error {
			_, err := Bootstrap(n, stat, BootstrapOptions{Done: done})
			return err
		}},
		{"paired replicates", 2 * 2000, func(stat Statistic, done <-chan struct{}) error {
			_, _, err := PairedBootstrapReplicates(n, stat, stat, BootstrapOptions{Done: done})
			return err
		}},
		{"jackknife", jackknifeGroups, func(stat Statistic, done <-chan struct{}) error {
			_, err := Jackknife(n, stat, 1, done)
			return err
		}},
		{"exact jackknife", exactJackknifeMax, func(stat Statistic, done <-chan struct{}) error {
			_, err := Jackknife(exactJackknifeMax, stat, 1, done)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/before", func(t *testing.T) {
			done := make(chan struct{})
			close(done)
			var calls atomic.Int64
			err := tc.run(mean(&calls), done)
			if !errors.Is(err, ErrStopped) || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want ErrStopped wrapping context.Canceled", err)
			}
			if c := calls.Load(); c > 2 {
				t.Errorf("the statistic ran %d times after done was closed", c)
			}
		})
		t.Run(tc.name+"/during", func(t *testing.T) {
			// The statistic itself closes done on its 20th call: the loop
			// is then certainly under way, and the test does not depend on
			// how fast the machine is.
			done := make(chan struct{})
			var calls atomic.Int64
			inner := mean(&calls)
			stat := func(idx []int) float64 {
				if calls.Load() == 20 {
					close(done)
				}
				return inner(idx)
			}
			err := tc.run(stat, done)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one wrapping context.Canceled", err)
			}
			if c := calls.Load(); c >= tc.full/2 {
				t.Errorf("the statistic ran %d of %d times: the loop did not stop promptly", c, tc.full)
			}
		})
	}
}
