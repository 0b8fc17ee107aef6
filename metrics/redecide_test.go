package metrics_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// Accumulators worked out again for other decisions hold what fresh
// accumulators fed the records so decided hold, metric by metric — value,
// resampled value, terms, counts —; the accumulators that keep too little
// of their records to be worked out again refuse.
func TestRedecide(t *testing.T) {
	types := []struct{ typ, keys string }{{"recall", ""}, {"precision", ""}, {"f1", ""}, {"false_positive_rate", ""},
		{"weighted_recall", "{weight: amount}"}, {"latency_p99", ""}, {"error_rate", ""}, {"cost_per_record", ""}}
	rng := rand.New(rand.NewPCG(9, 9))
	const n = 600
	obs := make([]metrics.Observation, n)
	for i := range obs {
		obs[i] = metrics.Observation{Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": rng.Float64() * 100}},
			Truth: []string{"0", "1", ""}[rng.IntN(3)], Pred: pipeline.Prediction{Latency: time.Duration(rng.IntN(90)) * time.Millisecond,
				Output: pipeline.Output{Label: []string{"0", "1"}[rng.IntN(2)], Cost: 0.001 * float64(rng.IntN(3))}}}
		if i%40 == 0 {
			obs[i].Pred.Err = "timeout"
		}
	}
	flags := make([]bool, n) // the other decisions: a failed record flags nothing
	for i := range flags {
		flags[i] = rng.IntN(3) == 0 && !obs[i].Pred.Failed()
	}
	made, again := make([]metrics.Accumulator, len(types)), make([]metrics.Accumulator, len(types))
	for k, tc := range types {
		m := buildWith(t, tc.typ, tc.keys)
		made[k], again[k] = m.New(), m.New()
	}
	metrics.ShareOutcomes(made) // as the replay keeps them
	for i, o := range obs {
		for k := range types {
			made[k].Add(o)
		}
		o.Pred.Output.Label = "0"
		if flags[i] {
			o.Pred.Output.Label = "1"
		}
		for k := range types {
			again[k].Add(o)
		}
	}
	got, ok := metrics.Redecide(made, func(i int) bool { return flags[i] })
	if !ok {
		t.Fatal("Redecide refused accumulators that can be worked out again")
	}
	idx := []int{0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 599}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for k, tc := range types {
		if g, w := got[k].Result().Value, again[k].Result().Value; !same(g, w) {
			t.Errorf("%s: redecided %v, fed %v", tc.typ, g, w)
		}
		if g, w := got[k].(metrics.Resampler).ValueAt(idx), again[k].(metrics.Resampler).ValueAt(idx); !same(g, w) {
			t.Errorf("%s resampled: redecided %v, fed %v", tc.typ, g, w)
		}
		if c, ok := got[k].(interface{ Counts() (int, int, bool) }); ok {
			gs, gt, _ := c.Counts()
			ws, wt, _ := again[k].(interface{ Counts() (int, int, bool) }).Counts()
			if gs != ws || gt != wt {
				t.Errorf("%s counts: redecided %d of %d, fed %d of %d", tc.typ, gs, gt, ws, wt)
			}
		}
		if s, ok := got[k].(metrics.Summed); ok {
			for i := range n {
				a, b := make([]float64, s.Terms()), make([]float64, s.Terms())
				s.Term(i, a)
				again[k].(metrics.Summed).Term(i, b)
				for j := range a {
					if a[j] != b[j] {
						t.Fatalf("%s record %d: terms %v redecided, %v fed", tc.typ, i, a, b)
					}
				}
			}
		}
	}
	if got[0].Result().Value == made[0].Result().Value {
		t.Error("recall did not change with the decisions: the test decides nothing new")
	}

	for _, tc := range []struct{ typ, keys string }{{"weighted_precision", "{weight: amount}"}, {"accuracy", ""}} {
		acc := buildWith(t, tc.typ, tc.keys).New()
		for _, o := range obs {
			acc.Add(o)
		}
		if _, ok := metrics.Redecide([]metrics.Accumulator{made[0], acc}, func(int) bool { return true }); ok {
			t.Errorf("%s was worked out again without the weights or labels it never kept", tc.typ)
		}
	}
}

// A cost accumulator reads a column that holds its very costs instead of
// its own copy, and refuses one that differs anywhere.
func TestAdoptCosts(t *testing.T) {
	m := buildWith(t, "cost_per_record", "")
	acc := m.New()
	costs := []float64{0, 0.002, 0.001, 0, 0.004}
	for _, c := range costs {
		acc.Add(metrics.Observation{Pred: pipeline.Prediction{Output: pipeline.Output{Cost: c}}})
	}
	before := acc.Result().Value
	other := []float64{0, 0.002, 0.001, 0, 0.0041}
	if acc.(metrics.CostAdopter).AdoptCosts(other) {
		t.Error("adopted a column whose last cost differs")
	}
	if acc.(metrics.CostAdopter).AdoptCosts(costs[:4]) {
		t.Error("adopted a column shorter than the records")
	}
	same := append([]float64(nil), costs...)
	if !acc.(metrics.CostAdopter).AdoptCosts(same) {
		t.Fatal("refused a column with the same costs")
	}
	same[1] = 99 // the accumulator now reads the column
	if got := acc.Result().Value; got == before {
		t.Errorf("after adopting, the accumulator still reads its own copy (%v)", got)
	}
	free := m.New()
	free.Add(metrics.Observation{})
	if !free.(metrics.CostAdopter).AdoptCosts(nil) {
		t.Error("an accumulator of zero costs keeps nothing to adopt, and should say it needs nothing")
	}
}
