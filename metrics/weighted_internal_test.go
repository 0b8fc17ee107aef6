package metrics

import (
	"math/rand/v2"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// countedWeights gives back, for every record that counts, the weight
// added with it, across the 64-record words of its bitmap, for shares of
// counted records from none to all.
func TestCountedWeights(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		share float64
	}{
		{"none count", 200, 0}, {"few count", 1000, 0.03}, {"half count", 130, 0.5}, {"all count", 129, 1}, {"one record", 1, 1}, {"empty", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(tc.n)))
			var c countedWeights
			c.reserve(tc.n / 2)
			want := map[int]float64{}
			for i := range tc.n {
				w, counted := rng.Float64()*1000, rng.Float64() < tc.share
				if counted {
					want[i] = w
				}
				c.add(w, counted)
			}
			if c.n != tc.n || len(c.vals) != len(want) {
				t.Fatalf("%d records and %d weights kept, want %d and %d", c.n, len(c.vals), tc.n, len(want))
			}
			for i, w := range want {
				if got := c.at(i); got != w {
					t.Errorf("record %d: weight %v, want %v", i, got, w)
				}
			}
		})
	}
}

// Two value-weighted accumulators merged hold what one fed every record
// holds: the same value and the same terms record by record.
func TestWeightedMerge(t *testing.T) {
	for _, recall := range []bool{true, false} {
		m := &weightedMetric{name: "w", weight: "amount", recall: recall, positive: "1"}
		rng := rand.New(rand.NewPCG(3, 9))
		one, first, second := m.New(), m.New(), m.New()
		const n, cut = 300, 77 // the cut falls inside a 64-record word
		for i := range n {
			o := Observation{Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": rng.Float64() * 100}},
				Truth: []string{"0", "1"}[rng.IntN(2)], Pred: pipeline.Prediction{Output: pipeline.Output{Label: []string{"0", "1"}[rng.IntN(2)]}}}
			one.Add(o)
			if i < cut {
				first.Add(o)
			} else {
				second.Add(o)
			}
		}
		if err := first.Merge(second); err != nil {
			t.Fatal(err)
		}
		if got, want := first.Result().Value, one.Result().Value; got != want {
			t.Errorf("recall %v: merged value %v, want %v", recall, got, want)
		}
		for i := range n {
			a, b := make([]float64, 2), make([]float64, 2)
			first.(*weightedAcc).Term(i, a)
			one.(*weightedAcc).Term(i, b)
			if a[0] != b[0] || a[1] != b[1] {
				t.Fatalf("recall %v: record %d's terms %v merged, %v fed once", recall, i, a, b)
			}
		}
	}
}
