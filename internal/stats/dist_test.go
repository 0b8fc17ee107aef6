package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sampleMean is the mean of values at idx.
func sampleMean(values []float64) Statistic {
	return func(idx []int) float64 {
		var s float64
		for _, i := range idx {
			s += values[i]
		}
		return s / float64(len(idx))
	}
}

func skewed(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	v := make([]float64, n)
	for i := range v {
		v[i] = r.ExpFloat64() * 2
	}
	return v
}

// A Dist gives the same interval as the bootstrap functions checked against
// scipy (Bootstrap, BCaInterval, PercentileInterval) on the same replicates.
func TestDistIntervalMatchesBootstrap(t *testing.T) {
	values := skewed(150, 1)
	stat := sampleMean(values)
	for _, method := range []string{BootstrapBCa, BootstrapPercentile} {
		opt := BootstrapOptions{Resamples: 1999, Confidence: 0.9, Seed: 42, Method: method}
		want, err := Bootstrap(len(values), stat, opt)
		if err != nil {
			t.Fatal(err)
		}
		reps, err := Resample(len(values), stat, opt)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDist(stat(identity(len(values))), reps, mustJack(t, len(values), stat, 42), 0.9, method)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Interval()
		if math.Abs(got.Lo-want.Lo) > 1e-12 || math.Abs(got.Hi-want.Hi) > 1e-12 || got.Method != want.Method {
			t.Errorf("%s: Dist interval %+v, Bootstrap %+v", method, got, want)
		}
	}
}

// Replicates of two statistics resampled with the same seed pair up: their
// differences are PairedBootstrap's replicates.
func TestResamplePairs(t *testing.T) {
	a, b := skewed(80, 2), skewed(80, 3)
	opt := BootstrapOptions{Resamples: 500, Seed: 9}
	ra, _ := Resample(80, sampleMean(a), opt)
	rb, _ := Resample(80, sampleMean(b), opt)
	_, want, err := PairedBootstrapReplicates(80, sampleMean(a), sampleMean(b), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if d := rb[i] - ra[i]; math.Abs(d-want[i]) > 1e-12 {
			t.Fatalf("replicate %d: difference %v, paired bootstrap %v", i, d, want[i])
		}
	}
}

// The p-value inverts the interval: at every threshold, the interval at the
// level clears it exactly when p ≤ α, for each method, each side, and with
// an extra variance.
func TestDistPValueInvertsInterval(t *testing.T) {
	values := skewed(60, 4)
	stat := sampleMean(values)
	reps, _ := Resample(60, stat, BootstrapOptions{Resamples: 999, Seed: 5})
	est := stat(identity(60))
	jack := mustJack(t, 60, stat, 5)
	const conf = 0.95
	alpha := (1 - conf) / 2
	for _, method := range []string{BootstrapBCa, BootstrapPercentile} {
		base, err := NewDist(est, reps, jack, conf, method)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []*Dist{base, base.Widened(0.05, " + noise")} {
			iv := d.Interval()
			disagree := 0
			for k := 0; k <= 400; k++ {
				thr := iv.Lo - 1 + float64(k)*(iv.Hi-iv.Lo+2)/400
				if pass, p := iv.Lo >= thr, d.PValue(thr, true); pass != (p <= alpha) && math.Abs(thr-iv.Lo) > 1e-9 {
					disagree++
				}
				if pass, p := iv.Hi <= thr, d.PValue(thr, false); pass != (p <= alpha) && math.Abs(thr-iv.Hi) > 1e-9 {
					disagree++
				}
			}
			if disagree > 0 {
				t.Errorf("%s: %d of 802 thresholds where the p-value and the interval %+v disagree", d.Method(), disagree, iv)
			}
		}
	}
}

// Away from the interval, the percentile p-value is the share of replicates
// on the wrong side of the threshold, as BootstrapPValue counts it, to
// within the resolution 1/B.
func TestDistPercentilePValueIsTailShare(t *testing.T) {
	values := skewed(100, 6)
	stat := sampleMean(values)
	reps, _ := Resample(100, stat, BootstrapOptions{Resamples: 2000, Seed: 7})
	d, _ := NewDist(stat(identity(100)), reps, nil, 0.95, BootstrapPercentile)
	for _, q := range []float64{0.01, 0.05, 0.2, 0.5} {
		thr := Quantile(d.Replicates(), q)
		p, tail := d.PValue(thr, true), BootstrapPValue(reps, thr, true)
		if math.Abs(p-tail) > 2.0/2000 {
			t.Errorf("threshold at the %v quantile: p %v, tail share %v", q, p, tail)
		}
	}
}

func TestDistFailsOnUndefined(t *testing.T) {
	nan := math.NaN()
	if _, err := NewDist(nan, []float64{1, 2}, nil, 0.95, BootstrapPercentile); err == nil {
		t.Error("a NaN estimate gave a distribution")
	}
	if _, err := NewDist(1, []float64{nan, nan, 1}, nil, 0.95, BootstrapPercentile); err == nil {
		t.Error("mostly NaN replicates gave a distribution")
	}
	d, err := NewDist(1, []float64{1, 1, 1}, []float64{1, 1}, 0.95, BootstrapBCa)
	if err != nil || !d.Degenerate() || d.Method() != MethodBCaDegenerate {
		t.Errorf("equal replicates: %v, degenerate %v, method %q", err, d != nil && d.Degenerate(), d.Method())
	}
}
