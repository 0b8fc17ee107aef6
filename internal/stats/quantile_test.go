package stats

import (
	"math"
	"slices"
	"testing"
)

// qdata is QDATA of testdata/reference.py: 30 latencies in seconds, unsorted.
var qdata = []float64{
	1.42, 0.87, 2.31, 0.95, 1.10, 3.75, 0.66, 1.28, 1.93, 0.74,
	1.05, 2.88, 1.61, 0.92, 1.37, 5.12, 0.81, 1.19, 1.74, 2.05,
	0.99, 1.23, 4.40, 0.70, 1.55, 1.01, 2.62, 1.14, 0.88, 1.49,
}

func TestQuantile(t *testing.T) {
	sorted := slices.Clone(qdata)
	slices.Sort(sorted)
	// numpy 1.24.2: numpy.percentile(QDATA, 100*q), default method="linear" (testdata/reference.py).
	tests := []struct {
		q, want float64
	}{
		{0.0, 0.66},
		{0.1, 0.803},
		{0.25, 0.96},
		{0.5, 1.255},
		{0.9, 2.967000000000001},
		{0.95, 4.107499999999998},
		{0.99, 4.911200000000001},
		{1.0, 5.12},
		{-0.1, math.NaN()},
		{1.1, math.NaN()},
	}
	for _, tt := range tests {
		if got := Quantile(sorted, tt.q); !near(got, tt.want, 1e-13) {
			t.Errorf("Quantile(qdata, %v) = %.17g, want %.17g", tt.q, got, tt.want)
		}
	}
	if got := Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile(nil, 0.5) = %v, want NaN", got)
	}
	if got := Quantile([]float64{7}, 0.3); got != 7 {
		t.Errorf("Quantile([7], 0.3) = %v, want 7", got)
	}
}

func TestQuantileInterval(t *testing.T) {
	// scipy.stats.quantile_test(QDATA, p=q).confidence_interval(conf) — two-sided. Debian's
	// scipy 1.10.1 predates quantile_test (scipy 1.11), so reference.py reproduces its
	// confidence_interval line for line with scipy.stats.binom(30, q): lo = x[ppf(α/2) − 1],
	// hi = x[isf(α/2)], NaN when the index is outside the data. 0-based indices in comments.
	tests := []struct {
		q, conf  float64
		estimate float64
		lo, hi   float64
		loI, hiI int // 0-based ranks printed by reference.py, for the reader
	}{
		{0.5, 0.95, 1.255, 1.01, 1.61, 9, 20},
		{0.1, 0.95, 0.803, math.NaN(), 0.95, -1, 7},
		{0.9, 0.95, 2.967000000000001, 1.93, math.NaN(), 22, 30},
		{0.25, 0.90, 0.96, 0.81, 1.14, 3, 12},
		{0.95, 0.95, 4.107499999999998, 2.62, math.NaN(), 25, 30},
		{0.5, 0.99, 1.255, 0.95, 1.93, 7, 22},
	}
	orig := slices.Clone(qdata)
	for _, tt := range tests {
		est, iv := QuantileInterval(qdata, tt.q, tt.conf)
		if !near(est, tt.estimate, 1e-13) || !near(iv.Lo, tt.lo, 0) || !near(iv.Hi, tt.hi, 0) || iv.Method != MethodOrderStatistic {
			t.Errorf("QuantileInterval(qdata, %v, %v) = %v, %+v; want %v, [%v, %v] %q",
				tt.q, tt.conf, est, iv, tt.estimate, tt.lo, tt.hi, MethodOrderStatistic)
		}
	}
	if !slices.Equal(qdata, orig) {
		t.Error("QuantileInterval modified its input")
	}
	for _, bad := range []struct {
		values  []float64
		q, conf float64
	}{
		{nil, 0.5, 0.95},
		{qdata, 0, 0.95},
		{qdata, 1, 0.95},
		{qdata, 0.5, 1},
		{[]float64{1, math.NaN(), 3}, 0.5, 0.95},
	} {
		est, iv := QuantileInterval(bad.values, bad.q, bad.conf)
		if !math.IsNaN(est) || !math.IsNaN(iv.Lo) || !math.IsNaN(iv.Hi) {
			t.Errorf("QuantileInterval(%v, %v, %v) = %v, %+v; want all NaN", bad.values, bad.q, bad.conf, est, iv)
		}
	}
}

// TestQuantileIntervalCoverage checks P(l ≤ B < u) ≥ conf with each tail at
// most α/2, the defining property of the ranks, over many (n, q).
func TestQuantileIntervalCoverage(t *testing.T) {
	for _, n := range []int{5, 10, 30, 31, 100, 1000} {
		for _, q := range []float64{0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99} {
			// With values 1..n, the bounds are the ranks themselves.
			values := make([]float64, n)
			for i := range values {
				values[i] = float64(n - i)
			}
			_, iv := QuantileInterval(values, q, 0.95)
			pmf := binomPMF(n, q)
			lower, upper := 0.0, 0.0 // P(B < l), P(B ≥ u)
			for k, p := range pmf {
				if !math.IsNaN(iv.Lo) && float64(k) < iv.Lo {
					lower += p
				}
				if !math.IsNaN(iv.Hi) && float64(k) >= iv.Hi {
					upper += p
				}
			}
			if lower > 0.025+1e-12 || upper > 0.025+1e-12 {
				t.Errorf("n=%d q=%v: interval %+v has tails %v, %v; want ≤ 0.025 each", n, q, iv, lower, upper)
			}
		}
	}
}

func binomPMF(n int, p float64) []float64 {
	out := make([]float64, n+1)
	for k := range out {
		lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
		out[k] = math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	return out
}

// QuantileMinRecords is the size at which QuantileInterval first gives the
// bound: checked against the interval itself, and the p99 figure of 368
// (ln 0.025 / ln 0.99 = 367.04).
func TestQuantileMinRecords(t *testing.T) {
	if got := QuantileMinRecords(0.99, 0.95, true); got != 368 {
		t.Errorf("p99 upper bound at 95%%: %d values, want 368", got)
	}
	for _, tc := range []struct{ q, conf float64 }{{0.99, 0.95}, {0.95, 0.95}, {0.9, 0.9}, {0.5, 0.99}, {0.05, 0.95}, {0.01, 0.95}} {
		for _, upper := range []bool{true, false} {
			n := QuantileMinRecords(tc.q, tc.conf, upper)
			bound := func(n int) bool {
				values := make([]float64, n)
				for i := range values {
					values[i] = float64(i)
				}
				_, iv := QuantileInterval(values, tc.q, tc.conf)
				if upper {
					return !math.IsNaN(iv.Hi)
				}
				return !math.IsNaN(iv.Lo)
			}
			if !bound(n) || (n > 1 && bound(n-1)) {
				t.Errorf("q %v conf %v upper %v: %d values, but the bound exists at %d: %v, at %d: %v", tc.q, tc.conf, upper, n, n, bound(n), n-1, bound(n-1))
			}
		}
	}
}
