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

func TestMcNemarMidP(t *testing.T) {
	// scipy 1.10.1: 2*binom.cdf(k, n, .5) - binom.pmf(k, n, .5), k = min(b, c); when b == c,
	// 1 - binom.pmf(k, n, .5)/2 (testdata/reference.py, "McNemar mid-p").
	// Published: Fagerland et al. (2013), Bentur data b=1, c=7: mid-p 0.0391; cumulus
	// chart-review docs b=16, c=6: mid-p 0.035 (STATISTICS.md).
	tests := []struct {
		b, c int
		want float64
	}{
		{1, 7, 0.039062500000000014},
		{7, 1, 0.039062500000000014},
		{25, 15, 0.1172752059574122},
		{61, 27, 0.0002655853429874706},
		{16, 6, 0.03468966484069824},
		{10, 10, 0.9119014739990235},
		{0, 5, 0.03125},
		{3, 0, 0.125},
		{120, 80, 0.00466005197464012},
		// The documented conventions.
		{0, 0, 1},
		{2, -1, math.NaN()},
	}
	for _, tt := range tests {
		got := McNemarMidP(tt.b, tt.c)
		if !near(got, tt.want, 1e-12*math.Max(tt.want, 1e-3)) {
			t.Errorf("McNemarMidP(%d, %d) = %.17g, want %.17g", tt.b, tt.c, got, tt.want)
		}
	}
	// The rounded published figures.
	if got := McNemarMidP(1, 7); math.Round(got*1e4)/1e4 != 0.0391 {
		t.Errorf("Bentur mid-p = %v, want 0.0391 (Fagerland et al. 2013)", got)
	}
	if got := McNemarMidP(16, 6); math.Round(got*1e3)/1e3 != 0.035 {
		t.Errorf("cumulus mid-p = %v, want 0.035", got)
	}
}

func TestMcNemarAsymptotic(t *testing.T) {
	// statsmodels 0.13.5: mcnemar([[0, b], [c, 0]], exact=False, correction=C) -> (statistic,
	// pvalue) (testdata/reference.py, "McNemar asymptotic"). Published (STATISTICS.md):
	// Bentur 1,7 asymptotic 0.0339, corrected 0.0771; cumulus 25,15 χ² = 2.025, p = 0.155;
	// cumulus 61,27 χ² = 12.375, p = 4.35e-4 (both with the correction).
	tests := []struct {
		b, c       int
		correction bool
		chi2, p    float64
	}{
		{1, 7, false, 4.5, 0.033894853524689295},
		{1, 7, true, 3.125, 0.07709987174354202},
		{25, 15, false, 2.5, 0.11384629800665763},
		{25, 15, true, 2.025, 0.15472892348537437},
		{61, 27, false, 13.136363636363637, 0.00028961940975555226},
		{61, 27, true, 12.375, 0.00043512080426363697},
		{16, 6, false, 4.545454545454546, 0.0330062576612325},
		{16, 6, true, 3.6818181818181817, 0.055008833629265896},
		{10, 10, false, 0, 1},
		{0, 5, true, 3.2, 0.07363827012030258},
		{3, 0, false, 3.0, 0.08326451666355042},
		{120, 80, true, 7.605, 0.005820666407810877},
		// Departures from statsmodels, documented: the correction is clamped at 0 (statsmodels
		// gives 0.05, p 0.823 for 10,10), and no discordant pairs give 0, 1 (statsmodels NaN).
		{10, 10, true, 0, 1},
		{0, 0, true, 0, 1},
		{-1, 0, false, math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		chi2, p := McNemarAsymptotic(tt.b, tt.c, tt.correction)
		if !near(chi2, tt.chi2, 1e-12) || !near(p, tt.p, 1e-12*math.Max(tt.p, 1e-3)) {
			t.Errorf("McNemarAsymptotic(%d, %d, %v) = %.17g, %.17g; want %.17g, %.17g",
				tt.b, tt.c, tt.correction, chi2, p, tt.chi2, tt.p)
		}
	}
	for _, tt := range []struct {
		b, c       int
		correction bool
		digits     float64
		want       float64
	}{
		{1, 7, false, 1e4, 0.0339},
		{1, 7, true, 1e4, 0.0771},
		{25, 15, true, 1e3, 0.155},
		{61, 27, true, 1e6, 4.35e-4},
	} {
		if _, p := McNemarAsymptotic(tt.b, tt.c, tt.correction); math.Round(p*tt.digits)/tt.digits != tt.want {
			t.Errorf("McNemarAsymptotic(%d, %d, %v) p = %v, want %v as published", tt.b, tt.c, tt.correction, p, tt.want)
		}
	}
}
