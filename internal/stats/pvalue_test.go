package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestWilsonPValue(t *testing.T) {
	// statsmodels 0.13.5: proportions_ztest(count, nobs, value=p0, alternative=A, prop_var=p0)[1]
	// (testdata/reference.py); greater = "larger".
	tests := []struct {
		k, n            int
		p0              float64
		larger, smaller float64
	}{
		{81, 263, 0.25, 0.014940752987273246, 0.9850592470127267},
		{81, 263, 0.35, 0.9234323689491727, 0.07656763105082731},
		{15, 148, 0.2, 0.9986513490881804, 0.001348650911819614},
		{0, 20, 0.1, 0.9319814359429281, 0.06801856405707181},
		{950, 1000, 0.93, 0.006591469502758683, 0.9934085304972413},
		{29, 29, 0.9, 0.036322473844731404, 0.9636775261552686},
		// The documented conventions.
		{0, 0, 0.5, 1, 1},
		{3, 2, 0.5, math.NaN(), math.NaN()},
		{1, 2, 0, math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		g, s := WilsonPValue(tt.k, tt.n, tt.p0, true), WilsonPValue(tt.k, tt.n, tt.p0, false)
		if !near(g, tt.larger, 1e-12) || !near(s, tt.smaller, 1e-12) {
			t.Errorf("WilsonPValue(%d, %d, %v) = %.17g (greater), %.17g (less); want %.17g, %.17g",
				tt.k, tt.n, tt.p0, g, s, tt.larger, tt.smaller)
		}
	}
}

// TestWilsonPValueMatchesInterval checks the documented consistency: the
// 95% Wilson interval lies above p0 iff the one-sided p-value is below
// 0.025 (and below p0 iff the other one is).
func TestWilsonPValueMatchesInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		n := 1 + rng.IntN(500)
		k := rng.IntN(n + 1)
		p0 := 0.01 + 0.98*rng.Float64()
		iv := Wilson(k, n, 0.95)
		if (iv.Lo > p0) != (WilsonPValue(k, n, p0, true) < 0.025) || (iv.Hi < p0) != (WilsonPValue(k, n, p0, false) < 0.025) {
			t.Errorf("k=%d n=%d p0=%v: Wilson %+v, p-values %v, %v", k, n, p0, iv,
				WilsonPValue(k, n, p0, true), WilsonPValue(k, n, p0, false))
		}
	}
}

func TestBootstrapPValue(t *testing.T) {
	// (1 + #{rep <= t})/(B + 1) and (1 + #{rep >= t})/(B + 1) on `rep` (testdata/reference.py).
	rep := fixedReplicates()
	tests := []struct {
		t, greater, less float64
	}{
		{0.0, 0.000999000999000999, 1.0},
		{0.5, 0.4085914085914086, 0.5924075924075924},
		{1.0, 0.5774225774225774, 0.42357642357642356},
		{2.9, 0.983016983016983, 0.017982017982017984},
		{3.0, 1.0, 0.000999000999000999},
	}
	for _, tt := range tests {
		g, l := BootstrapPValue(rep, tt.t, true), BootstrapPValue(rep, tt.t, false)
		if !near(g, tt.greater, 1e-15) || !near(l, tt.less, 1e-15) {
			t.Errorf("BootstrapPValue(rep, %v) = %v, %v; want %v, %v", tt.t, g, l, tt.greater, tt.less)
		}
	}
	for _, bad := range [][]float64{nil, {1, math.NaN()}} {
		if got := BootstrapPValue(bad, 0, true); !math.IsNaN(got) {
			t.Errorf("BootstrapPValue(%v) = %v, want NaN", bad, got)
		}
	}
}

func TestQuantilePValue(t *testing.T) {
	// scipy 1.10.1: binomtest(K, 30, q, alternative).pvalue on QDATA (testdata/reference.py):
	// below: K = #{x < t}, "greater"; above: K = #{x <= t}, "less".
	tests := []struct {
		q, t, below, above float64
	}{
		{0.9, 3.0, 0.6474391717918482, 0.5886487604404944},
		{0.9, 2.0, 0.9922163807620787, 0.025826788661909846},
		{0.5, 1.28, 0.572232224047184, 0.707667644135654}, // 1.28 is in the data
		{0.5, 1.0, 0.991937599144876, 0.021386972628533847},
		{0.95, 5.5, 0.2146387639429373, 1.0},
		{0.1, 0.66, 1.0, 0.18369501919260367}, // 0.66 is the minimum
	}
	for _, tt := range tests {
		b, a := QuantilePValue(qdata, tt.q, tt.t, true), QuantilePValue(qdata, tt.q, tt.t, false)
		if !near(b, tt.below, 1e-12) || !near(a, tt.above, 1e-12) {
			t.Errorf("QuantilePValue(qdata, %v, %v) = %.17g (below), %.17g (above); want %.17g, %.17g",
				tt.q, tt.t, b, a, tt.below, tt.above)
		}
	}
	if got := QuantilePValue(nil, 0.5, 1, true); !math.IsNaN(got) {
		t.Errorf("QuantilePValue(nil) = %v, want NaN", got)
	}
	if got := QuantilePValue(qdata, 1, 1, true); !math.IsNaN(got) {
		t.Errorf("QuantilePValue(q=1) = %v, want NaN", got)
	}
}

// TestQuantilePValueMatchesInterval checks the documented duality with the
// one-sided order-statistic bounds of QuantileInterval: a two-sided
// interval at level 1 − 2α has one-sided bounds at level 1 − α.
func TestQuantilePValueMatchesInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const alpha = 0.025
	for range 2000 {
		n := 5 + rng.IntN(300)
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.Round(rng.ExpFloat64()*20) / 20 // ties
		}
		q := []float64{0.5, 0.9, 0.95, 0.99}[rng.IntN(4)]
		thr := rng.ExpFloat64() * 2
		_, iv := QuantileInterval(vals, q, 1-2*alpha)
		upperBelow := !math.IsNaN(iv.Hi) && iv.Hi < thr
		lowerAbove := !math.IsNaN(iv.Lo) && iv.Lo > thr
		if upperBelow != (QuantilePValue(vals, q, thr, true) <= alpha) || lowerAbove != (QuantilePValue(vals, q, thr, false) <= alpha) {
			s := slices.Sorted(slices.Values(vals))
			t.Fatalf("n=%d q=%v t=%v: interval %+v, p below %v, above %v (sorted %v)", n, q, thr, iv,
				QuantilePValue(vals, q, thr, true), QuantilePValue(vals, q, thr, false), s)
		}
	}
}

func TestPairedBootstrapReplicates(t *testing.T) {
	a := meanOf(bdata)
	shifted := make([]float64, len(bdata))
	for i, v := range bdata {
		shifted[i] = v*1.1 + 0.05*float64(i%3)
	}
	b := meanOf(shifted)
	opt := BootstrapOptions{Resamples: 500, Seed: 3, Method: BootstrapPercentile}
	diff, reps, err := PairedBootstrapReplicates(len(bdata), a, b, opt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := PairedBootstrap(len(bdata), a, b, opt)
	if err != nil {
		t.Fatal(err)
	}
	if diff != res.Diff || len(reps) != res.Resamples {
		t.Errorf("replicates: diff %v, %d reps; PairedBootstrap: %v, %d", diff, len(reps), res.Diff, res.Resamples)
	}
	if iv := PercentileInterval(reps, 0.95); iv.Lo != res.Interval.Lo || iv.Hi != res.Interval.Hi {
		t.Errorf("PercentileInterval(replicates) = %+v, PairedBootstrap interval %+v", iv, res.Interval)
	}
	if p := BootstrapPValue(reps, 0, true); p != res.PLessEqZero {
		t.Errorf("BootstrapPValue(replicates, 0, true) = %v, PLessEqZero %v", p, res.PLessEqZero)
	}
	if p := BootstrapPValue(reps, 0, false); p != res.PGreaterEqZero {
		t.Errorf("BootstrapPValue(replicates, 0, false) = %v, PGreaterEqZero %v", p, res.PGreaterEqZero)
	}
	for _, bad := range []struct {
		n    int
		a, b Statistic
		opt  BootstrapOptions
	}{
		{1, a, b, opt},
		{len(bdata), nil, b, opt},
		{len(bdata), a, b, BootstrapOptions{Resamples: -1}},
	} {
		if _, _, err := PairedBootstrapReplicates(bad.n, bad.a, bad.b, bad.opt); err == nil {
			t.Errorf("PairedBootstrapReplicates(%d, …) succeeded, want an error", bad.n)
		}
	}
}
