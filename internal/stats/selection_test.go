package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSelectMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	gens := []struct {
		name string
		draw func(n int) []float64
	}{
		{"continuous", func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			return v
		}},
		{"few distinct", func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(3))
			}
			return v
		}},
		{"all equal", func(n int) []float64 { return slices.Repeat([]float64{2.5}, n) }},
		{"sorted", func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(i)
			}
			return v
		}},
		{"reversed", func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(n - i)
			}
			return v
		}},
		{"infinities", func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = []float64{math.Inf(-1), 0, 1, math.Inf(1)}[rng.IntN(4)]
			}
			return v
		}},
	}
	for _, g := range gens {
		t.Run(g.name, func(t *testing.T) {
			for _, n := range []int{1, 2, 3, 15, 16, 17, 100, 1001} {
				v := g.draw(n)
				sorted := slices.Sorted(slices.Values(v))
				for k := range n {
					w := slices.Clone(v)
					if got := Select(w, k); got != sorted[k] {
						t.Fatalf("n=%d: Select(k=%d) = %v, want %v", n, k, got, sorted[k])
					}
					for i := range k {
						if w[i] > w[k] {
							t.Fatalf("n=%d k=%d: v[%d] = %v is after the selected %v", n, k, i, w[i], w[k])
						}
					}
					for i := k + 1; i < n; i++ {
						if w[i] < w[k] {
							t.Fatalf("n=%d k=%d: v[%d] = %v is before the selected %v", n, k, i, w[i], w[k])
						}
					}
				}
				for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.95, 0.99, 1} {
					want := Quantile(sorted, q)
					if got := QuantileSelect(slices.Clone(v), q); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
						t.Errorf("n=%d: QuantileSelect(%v) = %v, Quantile of the sorted values = %v", n, q, got, want)
					}
				}
			}
		})
	}
	if got := QuantileSelect(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("QuantileSelect of nothing = %v, want NaN", got)
	}
}
