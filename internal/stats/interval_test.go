package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestZ(t *testing.T) {
	// scipy.stats.norm.ppf(1 - (1 - conf)/2), scipy 1.10.1 (testdata/reference.py).
	tests := []struct {
		conf, want float64
	}{
		{0.8, 1.2815515655446004},
		{0.9, 1.6448536269514722},
		{0.95, 1.959963984540054},
		{0.99, 2.5758293035489004},
		{0.999, 3.2905267314919255},
		{0, math.NaN()},
		{1, math.NaN()},
		{-0.5, math.NaN()},
	}
	for _, tt := range tests {
		if got := Z(tt.conf); !near(got, tt.want, 1e-12) {
			t.Errorf("Z(%v) = %v, want %v", tt.conf, got, tt.want)
		}
	}
}

func TestWilson(t *testing.T) {
	// statsmodels 0.13.5: proportion_confint(count, nobs, alpha=1-conf, method="wilson")
	// (testdata/reference.py). The first four are the Newcombe (1998) cases of STATISTICS.md.
	tests := []struct {
		k, n   int
		conf   float64
		lo, hi float64
	}{
		{81, 263, 0.95, 0.2552885198782742, 0.36620957698280004},
		{15, 148, 0.95, 0.0623863995307363, 0.16048724172330803},
		{0, 20, 0.95, 0.0, 0.16112515805281938},
		{1, 29, 0.95, 0.006113214292762653, 0.17175521879320288},
		{29, 29, 0.95, 0.8830302015002593, 1.0},
		{5, 10, 0.90, 0.26927182113826714, 0.7307281788617328},
		{950, 1000, 0.99, 0.9290930273094662, 0.9649749242774674},
		{1, 1, 0.95, 0.20654931437723745, 1.0},
		// Not from statsmodels: the documented conventions.
		{0, 0, 0.95, 0, 1},
		{-1, 10, 0.95, math.NaN(), math.NaN()},
		{11, 10, 0.95, math.NaN(), math.NaN()},
		{3, 10, 1, math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		iv := Wilson(tt.k, tt.n, tt.conf)
		if !near(iv.Lo, tt.lo, 1e-12) || !near(iv.Hi, tt.hi, 1e-12) || iv.Method != MethodWilson {
			t.Errorf("Wilson(%d, %d, %v) = %+v, want [%v, %v] %q", tt.k, tt.n, tt.conf, iv, tt.lo, tt.hi, MethodWilson)
		}
	}
}

// TestWilsonCoverage simulates binomial data with p drawn uniformly from
// [0.05, 0.95] and n from [20, 500], and checks that the 95% Wilson interval
// covers p about 95% of the time. Wilson's coverage oscillates around the
// nominal level with n and p, hence a slack of 0.01 on top of the binomial
// tolerance.
func TestWilsonCoverage(t *testing.T) {
	trials := 300
	if *large {
		trials = 100_000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	covered := 0
	for range trials {
		p := 0.05 + 0.9*rng.Float64()
		n := 20 + rng.IntN(481)
		k := 0
		for range n {
			if rng.Float64() < p {
				k++
			}
		}
		if Wilson(k, n, 0.95).Contains(p) {
			covered++
		}
	}
	checkCoverage(t, "wilson", covered, trials, 0.01)
}
