package metrics_test

import (
	"math/rand/v2"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// Accumulators that share their outcome codes give, metric by metric, what
// accumulators keeping their own give — value, resampled value, terms —;
// an accumulator of another kind is left alone, and a merged one keeps its
// own codes again.
func TestShareOutcomes(t *testing.T) {
	types := []struct{ typ, keys string }{{"recall", ""}, {"precision", ""}, {"f1", ""}, {"weighted_recall", "{weight: amount}"}, {"latency_p99", ""}}
	var own, shared []metrics.Accumulator
	for _, tc := range types {
		m := buildWith(t, tc.typ, tc.keys)
		own, shared = append(own, m.New()), append(shared, m.New())
	}
	metrics.ShareOutcomes(shared)
	rng := rand.New(rand.NewPCG(5, 5))
	const n = 500
	for i := range n {
		o := metrics.Observation{Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": rng.Float64() * 100}},
			Truth: []string{"0", "1", ""}[rng.IntN(3)], Pred: pipeline.Prediction{Output: pipeline.Output{Label: []string{"0", "1"}[rng.IntN(2)]}}}
		if i%50 == 0 {
			o.Pred.Err = "timeout"
		}
		for k := range types {
			own[k].Add(o)
			shared[k].Add(o)
		}
	}
	idx := []int{1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 499}
	for k, tc := range types {
		if g, w := shared[k].Result().Value, own[k].Result().Value; g != w {
			t.Errorf("%s: shared %v, own %v", tc.typ, g, w)
		}
		if g, w := shared[k].(metrics.Resampler).ValueAt(idx), own[k].(metrics.Resampler).ValueAt(idx); g != w && !(g != g && w != w) {
			t.Errorf("%s resampled: shared %v, own %v", tc.typ, g, w)
		}
		if s, ok := shared[k].(metrics.Summed); ok {
			for i := range n {
				a, b := make([]float64, s.Terms()), make([]float64, s.Terms())
				s.Term(i, a)
				own[k].(metrics.Summed).Term(i, b)
				for j := range a {
					if a[j] != b[j] {
						t.Fatalf("%s record %d: terms %v shared, %v own", tc.typ, i, a, b)
					}
				}
			}
		}
	}
	extra := buildWith(t, "precision", "").New()
	extra.Add(metrics.Observation{Truth: "1", Pred: pipeline.Prediction{Output: pipeline.Output{Label: "1"}}})
	if err := shared[1].Merge(extra); err != nil { // precision, which read recall's codes
		t.Fatal(err)
	}
	if shared[1].(metrics.Resampler).Len() != n+1 || shared[0].(metrics.Resampler).Len() != n {
		t.Errorf("after a merge: %d and %d codes, want %d and %d", shared[1].(metrics.Resampler).Len(), shared[0].(metrics.Resampler).Len(), n+1, n)
	}
}
