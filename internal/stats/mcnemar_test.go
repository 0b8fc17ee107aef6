package stats

import (
	"math"
	"testing"
)

func TestMcNemarExact(t *testing.T) {
	// statsmodels 0.13.5: mcnemar([[0, b], [c, 0]], exact=True).pvalue (testdata/reference.py).
	// b=1, c=7 is the Bentur example of Fagerland et al. (2013), exact p = 0.0703 (STATISTICS.md).
	tests := []struct {
		b, c int
		want float64
	}{
		{1, 7, 0.0703125},
		{7, 1, 0.0703125},
		{25, 15, 0.1538599441628321},
		{61, 27, 0.0003740220149449216},
		{16, 6, 0.052478790283203125},
		{10, 10, 1.0},
		{0, 5, 0.0625},
		{3, 0, 0.25},
		{120, 80, 0.005685155996750306},
		// The documented conventions.
		{0, 0, 1},
		{-1, 3, math.NaN()},
	}
	for _, tt := range tests {
		got := McNemarExact(tt.b, tt.c)
		if math.IsNaN(tt.want) {
			if !math.IsNaN(got) {
				t.Errorf("McNemarExact(%d, %d) = %v, want NaN", tt.b, tt.c, got)
			}
			continue
		}
		if math.Abs(got-tt.want) > 1e-12*math.Max(1, tt.want) || math.Abs(got-tt.want)/tt.want > 1e-10 {
			t.Errorf("McNemarExact(%d, %d) = %.17g, want %.17g", tt.b, tt.c, got, tt.want)
		}
	}
}
