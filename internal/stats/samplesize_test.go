package stats

import (
	"math"
	"testing"
)

func TestSampleSizeTwoProportions(t *testing.T) {
	// n_two(p1, p2, alpha, power) in testdata/reference.py: the pooled-variance formula with
	// scipy.stats.norm.ppf. Published/quoted (STATISTICS.md): 387.3 for .5/.6 (α .05, power .8)
	// and 76.71 for R power.prop.test's documented call p1 = .5, p2 = .75, power .9.
	// statsmodels' NormalIndPower (arcsine effect size) gives 387.17 and 76.65: a different
	// approximation, not a check.
	tests := []struct {
		p1, p2, alpha, power, want float64
	}{
		{0.5, 0.6, 0.05, 0.8, 387.33851669903584},
		{0.5, 0.75, 0.05, 0.9, 76.70692845177743},
		{0.2, 0.1, 0.05, 0.8, 198.96341328433107},
		{0.9, 0.95, 0.01, 0.9, 823.3305373997433},
		{0.5, 0.5, 0.05, 0.8, math.NaN()},
		{0, 0.5, 0.05, 0.8, math.NaN()},
		{0.5, 0.6, 0, 0.8, math.NaN()},
		{0.5, 0.6, 0.05, 1, math.NaN()},
	}
	for _, tt := range tests {
		if got := SampleSizeTwoProportions(tt.p1, tt.p2, tt.alpha, tt.power); !near(got, tt.want, 1e-9) {
			t.Errorf("SampleSizeTwoProportions(%v, %v, %v, %v) = %.17g, want %.17g", tt.p1, tt.p2, tt.alpha, tt.power, got, tt.want)
		}
	}
	if got := SampleSizeTwoProportions(0.5, 0.6, 0.05, 0.8); math.Round(got*10)/10 != 387.3 || math.Ceil(got) != 388 {
		t.Errorf("SampleSizeTwoProportions(.5, .6) = %v, want 387.3 (388)", got)
	}
	if got := SampleSizeTwoProportions(0.5, 0.75, 0.05, 0.9); math.Round(got*100)/100 != 76.71 {
		t.Errorf("SampleSizeTwoProportions(.5, .75, power .9) = %v, want 76.71", got)
	}
}

func TestSampleSizeNonInferiority(t *testing.T) {
	// n_ni(pT, pC, delta, alpha, power) in testdata/reference.py. Published: Chow, Shao & Wang
	// (2008) p. 90, pT = .85, pC = .65, δ = .10, one-sided α = .05, power .8: 24.4, so 25.
	tests := []struct {
		pT, pC, delta, alpha, power, want float64
	}{
		{0.85, 0.65, 0.10, 0.05, 0.8, 24.386753526300197},
		{0.8, 0.8, 0.05, 0.025, 0.9, 1344.9501518643988},
		{0.7, 0.72, 0.05, 0.05, 0.8, 2827.4895074437095},
		{0.6, 0.8, 0.1, 0.05, 0.8, math.NaN()}, // pT − pC + δ < 0
		{0.8, 0.8, 0, 0.05, 0.8, math.NaN()},
	}
	for _, tt := range tests {
		if got := SampleSizeNonInferiority(tt.pT, tt.pC, tt.delta, tt.alpha, tt.power); !near(got, tt.want, 1e-9) {
			t.Errorf("SampleSizeNonInferiority(%v, %v, %v, %v, %v) = %.17g, want %.17g", tt.pT, tt.pC, tt.delta, tt.alpha, tt.power, got, tt.want)
		}
	}
	if got := SampleSizeNonInferiority(0.85, 0.65, 0.10, 0.05, 0.8); math.Round(got*10)/10 != 24.4 || math.Ceil(got) != 25 {
		t.Errorf("Chow/Shao/Wang example = %v, want 24.4 (25)", got)
	}
}

func TestSampleSizePaired(t *testing.T) {
	// n_paired(psi, delta, alpha, power) in testdata/reference.py (Connor 1987). STATISTICS.md:
	// ψ = .10, Δ = .04 (α .05, power .8) gives 489 after rounding up.
	tests := []struct {
		psi, delta, alpha, power, want float64
	}{
		{0.10, 0.04, 0.05, 0.8, 488.1904582810117},
		{0.10, -0.04, 0.05, 0.8, 488.1904582810117},
		{0.2, 0.05, 0.05, 0.9, 836.4317767830496},
		{0.05, 0.02, 0.01, 0.8, 1456.9904695970893},
		{0.03, 0.04, 0.05, 0.8, math.NaN()}, // ψ < |Δ|
		{0.1, 0, 0.05, 0.8, math.NaN()},
	}
	for _, tt := range tests {
		if got := SampleSizePaired(tt.psi, tt.delta, tt.alpha, tt.power); !near(got, tt.want, 1e-9) {
			t.Errorf("SampleSizePaired(%v, %v, %v, %v) = %.17g, want %.17g", tt.psi, tt.delta, tt.alpha, tt.power, got, tt.want)
		}
	}
	if got := math.Ceil(SampleSizePaired(0.10, 0.04, 0.05, 0.8)); got != 489 {
		t.Errorf("Connor example = %v, want 489", got)
	}
}

func TestSampleSizeOneProportion(t *testing.T) {
	// n_one(p0, p1, alpha, power) in testdata/reference.py; reference.py also checks that the
	// one-sided score test at that n has exactly the requested power (0.8, 0.9, 0.8).
	tests := []struct {
		p0, p1, alpha, power, want float64
	}{
		{0.30, 0.40, 0.05, 0.8, 135.9731234579099},
		{0.95, 0.97, 0.05, 0.9, 832.6221546780516},
		{0.10, 0.05, 0.025, 0.8, 238.03323739586818},
		{0.3, 0.3, 0.05, 0.8, math.NaN()},
		{0.3, 1, 0.05, 0.8, math.NaN()},
	}
	for _, tt := range tests {
		if got := SampleSizeOneProportion(tt.p0, tt.p1, tt.alpha, tt.power); !near(got, tt.want, 1e-9) {
			t.Errorf("SampleSizeOneProportion(%v, %v, %v, %v) = %.17g, want %.17g", tt.p0, tt.p1, tt.alpha, tt.power, got, tt.want)
		}
	}
}

func TestMinimumDetectableEffect(t *testing.T) {
	// brentq(lambda d: n_two(p, p + d, alpha, power) - n, ...) in testdata/reference.py.
	tests := []struct {
		p, n, alpha, power, want float64
	}{
		{0.5, 387.3, 0.05, 0.8, 0.10000490762084825},
		{0.6, 500, 0.05, 0.8, 0.08482424163797465},
		{0.05, 2000, 0.05, 0.8, 0.02112579209201602},
		{0.9, 100, 0.05, 0.9, 0.09923703114320426},
		{0.99, 10, 0.05, 0.8, math.NaN()}, // even p → 1 is not detectable
		{0.5, 0, 0.05, 0.8, math.NaN()},
		{1, 100, 0.05, 0.8, math.NaN()},
	}
	for _, tt := range tests {
		got := MinimumDetectableEffect(tt.p, tt.n, tt.alpha, tt.power)
		if !near(got, tt.want, 1e-10) {
			t.Errorf("MinimumDetectableEffect(%v, %v, %v, %v) = %.17g, want %.17g", tt.p, tt.n, tt.alpha, tt.power, got, tt.want)
		}
		if !math.IsNaN(got) {
			if back := SampleSizeTwoProportions(tt.p, tt.p+got, tt.alpha, tt.power); !near(back, tt.n, 1e-6*tt.n) {
				t.Errorf("round trip: SampleSizeTwoProportions(%v, %v) = %v, want %v", tt.p, tt.p+got, back, tt.n)
			}
		}
	}
}

func TestSampleSizePairedMargin(t *testing.T) {
	// n_pm(p10, p01, m, alpha, power) in testdata/reference.py, which also checks that the Wald
	// test of the paired difference has exactly the requested power at that n. Connor's formula
	// for the first case gives 1253.46, whose Wald power is 0.889 (reference.py): the overshoot
	// the advice had.
	tests := []struct {
		p10, p01, margin, alpha, power, want float64
	}{
		{0.35, 0.05, 0.25, 0.025, 0.8, 973.2610870592873},
		{0.10, 0.05, 0, 0.025, 0.8, 463.0839043265962},
		{0.07, 0.03, 0, 0.025, 0.8, 482.7061036624687},
		{0.02, 0.12, -0.05, 0.0125, 0.9, 645.3827614842832}, // a lower difference, below −0.05
		{0.25, 0.10, 0.10, 0.025, 0.8, 1028.2032451997309},
		{0.10, 0.05, 0.05, 0.025, 0.8, math.NaN()}, // Δ on the margin
		{0.6, 0.5, 0, 0.025, 0.8, math.NaN()},      // ψ > 1
		{-0.1, 0.05, 0, 0.025, 0.8, math.NaN()},
		{0.10, 0.05, 0, 0.025, 1, math.NaN()},
	}
	for _, tt := range tests {
		if got := SampleSizePairedMargin(tt.p10, tt.p01, tt.margin, tt.alpha, tt.power); !near(got, tt.want, 1e-9) {
			t.Errorf("SampleSizePairedMargin(%v, %v, %v, %v, %v) = %.17g, want %.17g", tt.p10, tt.p01, tt.margin, tt.alpha, tt.power, got, tt.want)
		}
	}
}

func TestSampleSizeFromSE(t *testing.T) {
	// n_se(n, se, gap, alpha, power) in testdata/reference.py; the last case is the example's p99
	// latency (19,840 records, an interval 3.56 ms wide, the estimate 2.0717 ms from the threshold).
	tests := []struct {
		n, se, gap, alpha, power, want float64
	}{
		{200, 0.03, 0.05, 0.025, 0.8, 565.1193408731343},
		{1000, 0.02, 0.02, 0.025, 0.8, 7848.879734349089},
		{60, 0.05, 0.04, 0.0125, 0.9, 1163.5506517144524},
		{19840, 3.56 / (2 * 1.959963984540054), 2.0717, 0.025, 0.8, 29925.363393861462},
		{200, 0, 0.05, 0.025, 0.8, math.NaN()},
		{200, 0.03, 0, 0.025, 0.8, math.NaN()},
		{0, 0.03, 0.05, 0.025, 0.8, math.NaN()},
		{200, math.Inf(1), 0.05, 0.025, 0.8, math.NaN()},
		{200, 0.03, 0.05, 0, 0.8, math.NaN()},
	}
	for _, tt := range tests {
		if got := SampleSizeFromSE(tt.n, tt.se, tt.gap, tt.alpha, tt.power); !near(got, tt.want, 1e-9) {
			t.Errorf("SampleSizeFromSE(%v, %v, %v, %v, %v) = %.17g, want %.17g", tt.n, tt.se, tt.gap, tt.alpha, tt.power, got, tt.want)
		}
	}
}

func TestDetectablePairedDifference(t *testing.T) {
	// d_pm(p10, p01, n, alpha, power) in testdata/reference.py; the second case is the inverse
	// of SampleSizePairedMargin's first (973.26… pairs for a distance of 0.05).
	tests := []struct {
		p10, p01, n, alpha, power, want float64
	}{
		{0.25, 0.25, 480, 0.025, 0.8, 0.09042077410610333},
		{0.35, 0.05, 973.2610870592873, 0.025, 0.8, 0.04999999999999999},
		{0.1, 0.02, 1000, 0.0125, 0.9, 0.03754880969756732},
		{0.1, 0.02, 0, 0.025, 0.8, math.NaN()},
		{0.6, 0.5, 100, 0.025, 0.8, math.NaN()},
		{0.1, 0.02, 100, 0.025, 0, math.NaN()},
	}
	for _, tt := range tests {
		if got := DetectablePairedDifference(tt.p10, tt.p01, tt.n, tt.alpha, tt.power); !near(got, tt.want, 1e-12) {
			t.Errorf("DetectablePairedDifference(%v, %v, %v, %v, %v) = %.17g, want %.17g", tt.p10, tt.p01, tt.n, tt.alpha, tt.power, got, tt.want)
		}
	}
}
