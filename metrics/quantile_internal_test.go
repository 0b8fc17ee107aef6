package metrics

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The latency quantile found by selection is the one of the sorted values,
// bit for bit, on ties, a single value and any quantile.
func TestQuantileOfMatchesTheSortedValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 64, 999} {
		for _, distinct := range []int{1, 3, 1 << 20} {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(distinct)) / 7
			}
			sorted := slices.Sorted(slices.Values(v))
			for _, q := range []float64{0.01, 0.5, 0.9, 0.95, 0.99} {
				if got, want := quantileOf(slices.Clone(v), q), quantileSorted(sorted, q); got != want {
					t.Errorf("n=%d distinct=%d q=%v: %v, want %v", n, distinct, q, got, want)
				}
			}
		}
	}
}
