package stats

import (
	"math"
	"testing"
)

// Reference values from scipy.stats.beta (see REFERENCES.md): the
// Clopper–Pearson bounds at one-sided level 0.0125 on each count.
func TestPairedExactAgainstScipy(t *testing.T) {
	cases := []struct {
		b, c, n int
		lo, hi  float64
	}{
		{690, 0, 690, 0.9873387204717119, 1.0},
		{20, 3, 50, 0.06552202304539004, 0.5581594981994343},
		{0, 0, 40, -0.10376324540031584, 0.10376324540031584},
	}
	for _, tc := range cases {
		iv := PairedExact(tc.b, tc.c, tc.n, 0.95)
		if math.Abs(iv.Lo-tc.lo) > 1e-9 || math.Abs(iv.Hi-tc.hi) > 1e-9 {
			t.Errorf("PairedExact(%d, %d, %d) = [%.12g, %.12g], want [%.12g, %.12g]", tc.b, tc.c, tc.n, iv.Lo, iv.Hi, tc.lo, tc.hi)
		}
		// The p-value inverts the interval: at the lower bound as the
		// threshold it is the one-sided level 0.025.
		if tc.lo > -1 {
			if p := PairedExactPValue(tc.b, tc.c, tc.n, tc.lo, true); math.Abs(p-0.025) > 1e-6 {
				t.Errorf("p at the lower bound = %v, want 0.025", p)
			}
		}
	}
	if p := PairedExactPValue(690, 0, 690, 0, true); p > 1e-5 {
		t.Errorf("690 of 690 against 0: p = %v", p)
	}
	if p := PairedExactPValue(0, 0, 40, 0.05, true); p != 1 {
		t.Errorf("no difference against +0.05: p = %v, want 1", p)
	}
}
