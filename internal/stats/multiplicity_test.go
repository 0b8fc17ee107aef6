package stats

import (
	"math"
	"slices"
	"testing"
)

func TestHolm(t *testing.T) {
	// statsmodels 0.13.5: multipletests(p, alpha=0.05, method="holm")[1] (testdata/reference.py).
	// The first is STATISTICS.md's example: [.01, .04, .03, .005] → [.03, .06, .06, .02].
	tests := []struct {
		p, want []float64
	}{
		{[]float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		{[]float64{0.2, 0.01, 0.01, 0.5, 0.04}, []float64{0.4, 0.05, 0.05, 0.5, 0.12}},
		{[]float64{0.001}, []float64{0.001}},
		{[]float64{0.3, 0.6, 0.9}, []float64{0.8999999999999999, 1.0, 1.0}},
		{[]float64{}, []float64{}},
		// Not from statsmodels (it rejects NaN): NaN stays NaN and counts in m.
		{[]float64{0.01, math.NaN(), 0.02}, []float64{0.03, math.NaN(), 0.04}},
	}
	for _, tt := range tests {
		orig := slices.Clone(tt.p)
		got := Holm(tt.p)
		if len(got) != len(tt.want) {
			t.Fatalf("Holm(%v) = %v, want %v", tt.p, got, tt.want)
		}
		for i := range got {
			if !near(got[i], tt.want[i], 1e-15) {
				t.Errorf("Holm(%v) = %v, want %v", tt.p, got, tt.want)
				break
			}
		}
		if !slices.EqualFunc(tt.p, orig, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			t.Errorf("Holm modified its input")
		}
	}
}
