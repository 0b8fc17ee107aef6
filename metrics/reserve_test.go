package metrics_test

import (
	"math/bits"
	"runtime"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// An accumulator given room for n records adds them without growing, and
// gives the value it gives without the room. A value-weighted metric keeps
// only the weights of the records that count, whose number it cannot know
// beforehand: those grow by doubling, at most bits.Len(n) allocations.
func TestReserveMakesRoomOnce(t *testing.T) {
	const n = 1000
	for _, tc := range []struct {
		typ, keys string
		allocs    uint64
	}{
		{"recall", "", 0}, {"precision", "", 0}, {"weighted_recall", "{weight: amount}", uint64(bits.Len(n))},
		{"latency_p99", "", 0}, {"error_rate", "", 0},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			m := buildWith(t, tc.typ, tc.keys)
			obs := make([]metrics.Observation, n)
			for i := range obs {
				obs[i] = metrics.Observation{Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": float64(i)}},
					Truth: []string{"0", "1"}[i%2], Pred: pipeline.Prediction{Latency: time.Duration(i) * time.Microsecond,
						Output: pipeline.Output{Label: []string{"0", "1"}[i%3%2]}}}
				if i%17 == 0 {
					obs[i].Pred.Err = "timeout"
				}
			}
			plain, reserved := m.New(), m.New()
			if _, ok := reserved.(metrics.Reserver); !ok {
				t.Fatalf("%s's accumulator does not reserve", tc.typ)
			}
			metrics.Reserve(reserved, n)
			metrics.Reserve(reserved, 10) // less than it has room for: nothing changes
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for _, o := range obs {
				reserved.Add(o)
			}
			runtime.ReadMemStats(&after)
			if allocs := after.Mallocs - before.Mallocs; allocs > tc.allocs {
				t.Errorf("adding %d records after Reserve(%d) allocated %d times, want at most %d", n, n, allocs, tc.allocs)
			}
			for _, o := range obs {
				plain.Add(o)
			}
			if got, want := reserved.Result().Value, plain.Result().Value; got != want {
				t.Errorf("value %v with room made, %v without", got, want)
			}
		})
	}
}
