package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// fixedReplicates rebuilds `rep` of testdata/reference.py bit for bit:
// 1000 skewed replicates without ties, 3(((7919b + 13) mod 1000) + ½)² / 10⁶.
func fixedReplicates() []float64 {
	out := make([]float64, 1000)
	for b := range out {
		x := float64((b*7919+13)%1000) + 0.5
		out[b] = 3.0 * (x * x) / 1e6
	}
	return out
}

// fixedTiedReplicates rebuilds `rep_ties`: an accuracy on 50 records,
// (((31b + 7) mod 11) + 35) / 50, with many ties.
func fixedTiedReplicates() []float64 {
	out := make([]float64, 1000)
	for b := range out {
		out[b] = float64((b*31+7)%11+35) / 50.0
	}
	return out
}

// fixedJackknife rebuilds `jack`: 25 skewed values ((37i mod 25)²) / 100.
func fixedJackknife() []float64 {
	out := make([]float64, 25)
	for i := range out {
		k := (i * 37) % 25
		out[i] = float64(k*k) / 100.0
	}
	return out
}

// bdata is BDATA of testdata/reference.py: 20 response times in seconds.
var bdata = []float64{
	0.82, 1.10, 0.95, 1.47, 0.61, 2.30, 1.05, 0.77, 1.21, 3.10,
	0.88, 1.02, 0.69, 1.64, 0.93, 1.35, 0.72, 1.88, 0.99, 1.15,
}

// meanOf returns the Statistic "mean of data over idx".
func meanOf(data []float64) Statistic {
	return func(idx []int) float64 {
		var s float64
		for _, i := range idx {
			s += data[i]
		}
		return s / float64(len(idx))
	}
}

func TestPercentileIntervalFixed(t *testing.T) {
	// numpy 1.24.2: np.percentile(rep, [100*alpha, 100*(1-alpha)]), alpha = (1-conf)/2
	// (testdata/reference.py, "Percentile on fixed replicates"). scipy.stats.bootstrap's
	// percentile method computes exactly this.
	tests := []struct {
		name   string
		reps   []float64
		conf   float64
		lo, hi float64
	}{
		{"rep", fixedReplicates(), 0.95, 0.0019470000000000034, 2.849097},
		{"rep", fixedReplicates(), 0.90, 0.007635749999999997, 2.7049357499999998},
		{"rep_ties", fixedTiedReplicates(), 0.95, 0.7, 0.9},
		{"rep_ties", fixedTiedReplicates(), 0.90, 0.7, 0.9},
	}
	for _, tt := range tests {
		orig := slices.Clone(tt.reps)
		iv := PercentileInterval(tt.reps, tt.conf)
		if !near(iv.Lo, tt.lo, 1e-12) || !near(iv.Hi, tt.hi, 1e-12) || iv.Method != MethodBootstrapPercentile {
			t.Errorf("PercentileInterval(%s, %v) = %+v, want [%v, %v]", tt.name, tt.conf, iv, tt.lo, tt.hi)
		}
		if !slices.Equal(tt.reps, orig) {
			t.Errorf("PercentileInterval(%s) modified its input", tt.name)
		}
	}
	if iv := PercentileInterval([]float64{1, math.NaN()}, 0.95); !math.IsNaN(iv.Lo) {
		t.Errorf("PercentileInterval with NaN = %+v, want NaN bounds", iv)
	}
}

func TestBCaIntervalFixed(t *testing.T) {
	// bca_from_values(theta_hat, rep, jack, conf) in testdata/reference.py: the statements of
	// scipy 1.10.1 scipy.stats._resampling._bca_interval (z0 = ndtri(_percentile_of_score(...)),
	// a from U = (n-1)(mean(jack) - jack), alpha_j = ndtr(z0 + num/(1 - a*num)), bounds by
	// _percentile_along_axis), fed with the fixed jackknife values.
	tests := []struct {
		name                  string
		reps                  []float64
		thetaHat, conf        float64
		z0, a, alpha1, alpha2 float64
		lo, hi                float64
	}{
		{"rep", fixedReplicates(), 0.9, 0.95,
			0.12060993411930736, -0.021917915000064254, 0.036246274685027544, 0.9825899248974355,
			0.004043376307096039, 2.8936051676581944},
		{"rep", fixedReplicates(), 0.9, 0.90,
			0.12060993411930736, -0.021917915000064254, 0.07265263014506196, 0.9656435915922368,
			0.0160227801515336, 2.794706068923732},
		{"rep", fixedReplicates(), 1.2, 0.95,
			0.3371550769952773, -0.021917915000064254, 0.0892313258655485, 0.9942012856129675,
			0.02410748105142879, 2.962361800928343},
		{"rep", fixedReplicates(), 1.2, 0.90,
			0.3371550769952773, -0.021917915000064254, 0.15645596575511023, 0.9873452899241646,
			0.07375888822157252, 2.9216664981239715},
		// Ties at theta_hat: z0 uses scipy's mid-rank share, not #{θ* < θ̂}/B.
		{"rep_ties", fixedTiedReplicates(), 0.8, 0.95,
			0.0012533144654324165, -0.021917915000064254, 0.02041173753091563, 0.9700575898383749,
			0.7, 0.9},
		{"rep_ties", fixedTiedReplicates(), 0.8, 0.90,
			0.0012533144654324165, -0.021917915000064254, 0.04421210450803754, 0.9440868936617546,
			0.7, 0.9},
		{"rep_ties", fixedTiedReplicates(), 0.76, 0.95,
			-0.4718974335952135, -0.021917915000064254, 0.0011802294568324843, 0.833769388366773,
			0.7, 0.88},
		{"rep_ties", fixedTiedReplicates(), 0.76, 0.90,
			-0.4718974335952135, -0.021917915000064254, 0.0035551613661791016, 0.7490997039973796,
			0.7, 0.86},
	}
	jack := fixedJackknife()
	for _, tt := range tests {
		sorted := slices.Sorted(slices.Values(tt.reps))
		a1, a2, z0, a, ok := bcaLevels(tt.thetaHat, sorted, jack, tt.conf)
		if !ok || !near(z0, tt.z0, 1e-12) || !near(a, tt.a, 1e-14) || !near(a1, tt.alpha1, 1e-12) || !near(a2, tt.alpha2, 1e-12) {
			t.Errorf("%s θ̂=%v conf=%v: z0, a, α1, α2 = %v, %v, %v, %v (ok %v); want %v, %v, %v, %v",
				tt.name, tt.thetaHat, tt.conf, z0, a, a1, a2, ok, tt.z0, tt.a, tt.alpha1, tt.alpha2)
		}
		iv, err := BCaInterval(tt.thetaHat, tt.reps, jack, tt.conf)
		if err != nil || !near(iv.Lo, tt.lo, 1e-10) || !near(iv.Hi, tt.hi, 1e-10) || iv.Method != MethodBootstrapBCa {
			t.Errorf("BCaInterval(%s, θ̂=%v, %v) = %+v, %v; want [%v, %v] %q",
				tt.name, tt.thetaHat, tt.conf, iv, err, tt.lo, tt.hi, MethodBootstrapBCa)
		}
	}
}

// TestBCaMatchesScipy feeds scipy's own _bca_interval: data BDATA, statistic np.mean, and
// the fixed replicates as theta_hat_b; scipy computes the jackknife itself.
func TestBCaMatchesScipy(t *testing.T) {
	// scipy 1.10.1: scipy.stats._resampling._bca_interval((BDATA,), np.mean, -1, 0.025,
	// rep[None, :], None) -> alpha_1, alpha_2, a_hat; bounds np.percentile(rep, 100*alpha_j).
	const (
		wantAlpha1 = 0.13824629275201994
		wantAlpha2 = 0.9990022725277631
		wantA      = 0.06450019161352326
		wantZ0     = 0.3611330335572123
		wantLo     = 0.057636860747029436
		wantHi     = 2.99102635190988
	)
	n := len(bdata)
	mean := meanOf(bdata)
	thetaHat := mean(identity(n))
	jack := mustJack(t, n, mean, 0)
	reps := fixedReplicates()
	a1, a2, z0, a, ok := bcaLevels(thetaHat, slices.Sorted(slices.Values(reps)), jack, 0.95)
	if !ok || !near(a1, wantAlpha1, 1e-12) || !near(a2, wantAlpha2, 1e-12) || !near(a, wantA, 1e-12) || !near(z0, wantZ0, 1e-12) {
		t.Errorf("α1, α2, a, z0 = %v, %v, %v, %v; want %v, %v, %v, %v", a1, a2, a, z0, wantAlpha1, wantAlpha2, wantA, wantZ0)
	}
	iv, err := BCaInterval(thetaHat, reps, jack, 0.95)
	if err != nil || !near(iv.Lo, wantLo, 1e-10) || !near(iv.Hi, wantHi, 1e-10) {
		t.Errorf("BCaInterval = %+v, %v; want [%v, %v]", iv, err, wantLo, wantHi)
	}
}

func TestBCaIntervalDegenerate(t *testing.T) {
	jack := fixedJackknife()
	tests := []struct {
		name     string
		thetaHat float64
		reps     []float64
		jack     []float64
		lo, hi   float64
	}{
		{"all replicates equal (100% accuracy)", 1, []float64{1, 1, 1, 1}, jack, 1, 1},
		{"theta hat below every replicate", 0, []float64{1, 2, 3, 4, 5}, jack, 1.1, 4.9},
		{"constant jackknife", 3, []float64{1, 2, 3, 4, 5}, []float64{2, 2, 2}, 1.1, 4.9},
		{"NaN jackknife value", 3, []float64{1, 2, 3, 4, 5}, []float64{2, math.NaN(), 3}, 1.1, 4.9},
	}
	for _, tt := range tests {
		iv, err := BCaInterval(tt.thetaHat, tt.reps, tt.jack, 0.95)
		if err != nil || iv.Method != MethodBCaDegenerate || !near(iv.Lo, tt.lo, 1e-12) || !near(iv.Hi, tt.hi, 1e-12) {
			t.Errorf("%s: BCaInterval = %+v, %v; want [%v, %v] %q", tt.name, iv, err, tt.lo, tt.hi, MethodBCaDegenerate)
		}
	}
}

func TestBCaIntervalInvalid(t *testing.T) {
	reps, jack := fixedReplicates(), fixedJackknife()
	tests := []struct {
		name     string
		thetaHat float64
		reps     []float64
		jack     []float64
		conf     float64
		want     string
	}{
		{"no replicates", 1, nil, jack, 0.95, "no replicates"},
		{"NaN estimate", math.NaN(), reps, jack, 0.95, "estimate is NaN"},
		{"short jackknife", 1, reps, []float64{1}, 0.95, "1 jackknife values"},
		{"bad confidence", 1, reps, jack, 95, "confidence 95"},
		{"NaN replicate", 1, []float64{1, math.NaN()}, jack, 0.95, "replicates contain NaN"},
	}
	for _, tt := range tests {
		_, err := BCaInterval(tt.thetaHat, tt.reps, tt.jack, tt.conf)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

// TestBootstrapAgainstScipy compares the Go bootstrap of the mean of BDATA with
// scipy.stats.bootstrap on the same data. The resamples differ, so the bounds agree
// only to Monte Carlo error (about 0.003 here); the test allows 0.01.
func TestBootstrapAgainstScipy(t *testing.T) {
	// scipy 1.10.1: scipy.stats.bootstrap((BDATA,), np.mean, n_resamples=99999,
	// confidence_level=0.95, method=M, random_state=np.random.default_rng(20240601)).
	tests := []struct {
		method string
		lo, hi float64
		want   string
	}{
		{BootstrapBCa, 1.0304999999999997, 1.5880000000000003, MethodBootstrapBCa},
		{BootstrapPercentile, 0.9959999999999999, 1.5165000000000002, MethodBootstrapPercentile},
	}
	for _, tt := range tests {
		iv, err := Bootstrap(len(bdata), meanOf(bdata), BootstrapOptions{Resamples: 20000, Seed: 42, Method: tt.method})
		if err != nil {
			t.Fatalf("Bootstrap(%s): %v", tt.method, err)
		}
		t.Logf("%s: Go [%.4f, %.4f], scipy [%.4f, %.4f]", tt.method, iv.Lo, iv.Hi, tt.lo, tt.hi)
		if !near(iv.Lo, tt.lo, 0.01) || !near(iv.Hi, tt.hi, 0.01) || iv.Method != tt.want {
			t.Errorf("Bootstrap(%s) = %+v, want within 0.01 of scipy [%v, %v] and Method %q", tt.method, iv, tt.lo, tt.hi, tt.want)
		}
	}
}

// pbase and pcand are PBASE and PCAND of testdata/reference.py: per-record
// correctness of a baseline and a candidate on the same 40 records.
var (
	pbase = []float64{1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1,
		1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0}
	pcand = []float64{1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1,
		1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0}
)

// TestPairedBootstrapAgainstScipy: the difference takes values on a grid of 1/40, so the
// bounds may land one grid step away from scipy's; the test allows 1/40.
func TestPairedBootstrapAgainstScipy(t *testing.T) {
	// scipy 1.10.1: scipy.stats.bootstrap((PBASE, PCAND), lambda b, c: np.mean(c) - np.mean(b),
	// paired=True, vectorized=False, n_resamples=99999, confidence_level=0.95, method=M,
	// random_state=np.random.default_rng(7)).
	tests := []struct {
		method string
		lo, hi float64
	}{
		{BootstrapBCa, 0.07499999999999996, 0.30000000000000004},
		{BootstrapPercentile, 0.04999999999999993, 0.275},
	}
	for _, tt := range tests {
		res, err := PairedBootstrap(len(pbase), meanOf(pbase), meanOf(pcand), BootstrapOptions{Resamples: 20000, Seed: 3, Method: tt.method})
		if err != nil {
			t.Fatalf("PairedBootstrap(%s): %v", tt.method, err)
		}
		t.Logf("%s: Go %+v, scipy [%.4f, %.4f]", tt.method, res, tt.lo, tt.hi)
		if !near(res.Diff, 0.15, 1e-12) {
			t.Errorf("Diff = %v, want 0.15 (candidate minus baseline)", res.Diff)
		}
		if !near(res.Interval.Lo, tt.lo, 1.0/40+1e-9) || !near(res.Interval.Hi, tt.hi, 1.0/40+1e-9) {
			t.Errorf("PairedBootstrap(%s) interval = %+v, want within 1/40 of scipy [%v, %v]", tt.method, res.Interval, tt.lo, tt.hi)
		}
		// 6 discordant pairs, all favouring the candidate: Δ* ≤ 0 needs a resample
		// with none of them, probability (34/40)^40 ≈ 0.0015.
		if res.PLessEqZero > 0.01 || res.PGreaterEqZero < 0.99 || res.Resamples != 20000 {
			t.Errorf("p-values %v, %v over %d resamples; want PLessEqZero < 0.01, PGreaterEqZero > 0.99, 20000",
				res.PLessEqZero, res.PGreaterEqZero, res.Resamples)
		}
	}
}

// TestPairedBootstrapSameIndices checks that each resample evaluates a and b
// on the same positions, and the sign convention Diff = b − a.
func TestPairedBootstrapSameIndices(t *testing.T) {
	data := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	var seenA [][]int
	calls := 0
	a := func(idx []int) float64 {
		seenA = append(seenA, slices.Clone(idx))
		return meanOf(data)(idx)
	}
	b := func(idx []int) float64 {
		if last := seenA[len(seenA)-1]; !slices.Equal(last, idx) {
			t.Fatalf("b called on %v after a on %v", idx, last)
		}
		calls++
		return meanOf(data)(idx) + 1
	}
	res, err := PairedBootstrap(len(data), a, b, BootstrapOptions{Resamples: 200, Method: BootstrapPercentile})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 201 {
		t.Errorf("b called %d times, want 201 (full sample + 200 resamples)", calls)
	}
	if !near(res.Diff, 1, 1e-12) || !near(res.Interval.Lo, 1, 1e-12) || !near(res.Interval.Hi, 1, 1e-12) {
		t.Errorf("result %+v, want Diff and interval 1 (b − a)", res)
	}
	if res.PLessEqZero != 1.0/201 || res.PGreaterEqZero != 1 {
		t.Errorf("p-values %v, %v; want 1/201 and 1", res.PLessEqZero, res.PGreaterEqZero)
	}
}

func TestBootstrapReproducible(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	data := make([]float64, 500)
	for i := range data {
		data[i] = rng.ExpFloat64()
	}
	for _, method := range []string{BootstrapBCa, BootstrapPercentile} {
		opt := BootstrapOptions{Resamples: 500, Seed: 2024, Method: method}
		iv1, err1 := Bootstrap(len(data), meanOf(data), opt)
		iv2, err2 := Bootstrap(len(data), meanOf(data), opt)
		if err1 != nil || err2 != nil || iv1 != iv2 {
			t.Errorf("%s: same seed gave %+v (%v) and %+v (%v)", method, iv1, err1, iv2, err2)
		}
		opt.Seed++
		iv3, _ := Bootstrap(len(data), meanOf(data), opt)
		if iv3 == iv1 {
			t.Errorf("%s: seeds 2024 and 2025 gave the same interval %+v", method, iv1)
		}
	}
}

// TestBootstrapGolden pins the resampling stream: a change here changes every
// interval poc has ever reported for a given seed, so it must be deliberate.
func TestBootstrapGolden(t *testing.T) {
	iv, err := Bootstrap(len(bdata), meanOf(bdata), BootstrapOptions{Resamples: 1000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := Interval{Lo: 1.0285246232788965, Hi: 1.6213017160177394, Method: MethodBootstrapBCa}
	if iv != want {
		t.Errorf("Bootstrap(bdata, seed 1) = %+v (%.17g, %.17g), want %+v", iv, iv.Lo, iv.Hi, want)
	}
}

func TestBootstrapNaN(t *testing.T) {
	n := 100
	data := make([]float64, n)
	for i := range data {
		data[i] = float64(i % 7)
	}
	// NaN when the first drawn record is among the first `share` of records.
	nanIf := func(share float64) Statistic {
		return func(idx []int) float64 {
			if len(idx) == n && idx[0] != 0 && float64(idx[0]) < share*float64(n) {
				return math.NaN()
			}
			return meanOf(data)(idx)
		}
	}
	if _, err := Bootstrap(n, nanIf(0.3), BootstrapOptions{Seed: 1}); err != nil {
		t.Errorf("30%% NaN replicates: %v, want an interval", err)
	}
	_, err := Bootstrap(n, nanIf(0.7), BootstrapOptions{Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "more than half") {
		t.Errorf("70%% NaN replicates: err = %v, want more than half", err)
	}
	_, err = PairedBootstrap(n, meanOf(data), nanIf(0.7), BootstrapOptions{Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "paired bootstrap") {
		t.Errorf("paired, 70%% NaN replicates: err = %v, want a paired bootstrap error", err)
	}
	res, err := PairedBootstrap(n, nanIf(0.3), meanOf(data), BootstrapOptions{Seed: 1, Resamples: 1000})
	if err != nil || res.Resamples < 600 || res.Resamples > 800 {
		t.Errorf("paired, 30%% NaN: %+v, %v; want about 700 resamples used", res, err)
	}
}

func TestBootstrapDegenerate(t *testing.T) {
	ones := func(idx []int) float64 { return 1 } // e.g. 100% accuracy
	iv, err := Bootstrap(50, ones, BootstrapOptions{})
	if err != nil || iv != (Interval{Lo: 1, Hi: 1, Method: MethodBCaDegenerate}) {
		t.Errorf("BCa on a constant statistic = %+v, %v; want [1, 1] %q", iv, err, MethodBCaDegenerate)
	}
	iv, err = Bootstrap(50, ones, BootstrapOptions{Method: BootstrapPercentile})
	if err != nil || iv != (Interval{Lo: 1, Hi: 1, Method: MethodBootstrapPercentile}) {
		t.Errorf("percentile on a constant statistic = %+v, %v; want [1, 1]", iv, err)
	}
}

func TestBootstrapInvalid(t *testing.T) {
	mean := meanOf(bdata)
	n := len(bdata)
	tests := []struct {
		name string
		n    int
		stat Statistic
		opt  BootstrapOptions
		want string
	}{
		{"one record", 1, mean, BootstrapOptions{}, "bootstrap: 1 records"},
		{"nil statistic", n, nil, BootstrapOptions{}, "nil statistic"},
		{"negative resamples", n, mean, BootstrapOptions{Resamples: -5}, "resamples -5"},
		{"bad confidence", n, mean, BootstrapOptions{Confidence: 1.5}, "confidence 1.5"},
		{"bad method", n, mean, BootstrapOptions{Method: "studentized"}, `method "studentized"`},
		{"NaN on full sample", n, func([]int) float64 { return math.NaN() }, BootstrapOptions{}, "NaN on the full sample"},
		{"short jackknife", n, mean, BootstrapOptions{Jackknife: func() []float64 { return []float64{1} }}, "jackknife option returned 1 values"},
	}
	for _, tt := range tests {
		_, err := Bootstrap(tt.n, tt.stat, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "bootstrap: ") {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	if _, err := PairedBootstrap(n, mean, nil, BootstrapOptions{}); err == nil || !strings.Contains(err.Error(), "paired bootstrap: nil statistic") {
		t.Errorf("paired with nil b: err = %v", err)
	}
}

// TestBootstrapJackknifeOption: supplying the exact leave-one-out values
// gives the same interval as computing them, and the option is used.
func TestBootstrapJackknifeOption(t *testing.T) {
	n := len(bdata)
	var sum float64
	for _, v := range bdata {
		sum += v
	}
	called := false
	fast := func() []float64 {
		called = true
		out := make([]float64, n)
		for i, v := range bdata {
			out[i] = (sum - v) / float64(n-1)
		}
		return out
	}
	opt := BootstrapOptions{Seed: 5}
	want, err := Bootstrap(n, meanOf(bdata), opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Jackknife = fast
	got, err := Bootstrap(n, meanOf(bdata), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !called || !near(got.Lo, want.Lo, 1e-12) || !near(got.Hi, want.Hi, 1e-12) {
		t.Errorf("with fast jackknife %+v (called %v), computed %+v", got, called, want)
	}
}

// TestGroupedJackknife: above 2000 records the acceleration comes from a
// delete-a-group jackknife; it estimates the same a as leave-one-out.
func TestGroupedJackknife(t *testing.T) {
	n := 20000
	rng := rand.New(rand.NewPCG(11, 12))
	data := make([]float64, n)
	var sum float64
	for i := range data {
		data[i] = rng.ExpFloat64()
		sum += data[i]
	}
	loo := make([]float64, n)
	for i, v := range data {
		loo[i] = (sum - v) / float64(n-1)
	}
	grouped := mustJack(t, n, meanOf(data), 1)
	if len(grouped) != jackknifeGroups {
		t.Fatalf("%d grouped values, want %d", len(grouped), jackknifeGroups)
	}
	aLOO, aGrouped := acceleration(loo), acceleration(grouped)
	t.Logf("acceleration: leave-one-out %.5f, grouped %.5f, theory 2/(6√n) = %.5f", aLOO, aGrouped, 2/(6*math.Sqrt(float64(n))))
	if math.Abs(aGrouped-aLOO) > 0.3*math.Abs(aLOO) {
		t.Errorf("grouped acceleration %v, leave-one-out %v: want within 30%%", aGrouped, aLOO)
	}
}

// TestBootstrapCoverage simulates normal data (n = 100) and checks that the
// 95% percentile bootstrap interval of the mean covers the true mean about
// 95% of the time. The percentile interval is known to be slightly narrow
// (about 0.945 at n = 100), hence a slack of 0.01 on top of the binomial
// tolerance.
func TestBootstrapCoverage(t *testing.T) {
	trials, resamples := 300, 1000
	if *large {
		trials = 10_000
	}
	if testing.Short() {
		t.Skip("coverage simulation skipped in -short mode")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const n, mu = 100, 10.0
	data := make([]float64, n)
	covered := 0
	for trial := range trials {
		for i := range data {
			data[i] = mu + 2*rng.NormFloat64()
		}
		iv, err := Bootstrap(n, meanOf(data), BootstrapOptions{Resamples: resamples, Seed: uint64(trial), Method: BootstrapPercentile})
		if err != nil {
			t.Fatal(err)
		}
		if iv.Contains(mu) {
			covered++
		}
	}
	checkCoverage(t, "bootstrap-percentile (mean, n=100)", covered, trials, 0.01)
}

func TestUniformIndex(t *testing.T) {
	src := rand.NewPCG(1, 1)
	counts := make([]int, 7)
	for range 70000 {
		v := uniformIndex(src, 7)
		if v >= 7 {
			t.Fatalf("uniformIndex(7) = %d", v)
		}
		counts[v]++
	}
	for v, c := range counts {
		if c < 9500 || c > 10500 { // 10000 ± 5 sd
			t.Errorf("value %d drawn %d times of 70000, want about 10000", v, c)
		}
	}
}

func BenchmarkBootstrapMean100k(b *testing.B) {
	benchmarkData := make([]float64, 100_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range benchmarkData {
		benchmarkData[i] = rng.NormFloat64()
	}
	opt := BootstrapOptions{Resamples: 2000, Method: BootstrapPercentile}
	b.ResetTimer()
	for range b.N {
		if _, err := Bootstrap(len(benchmarkData), meanOf(benchmarkData), opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPairedBootstrap50k(b *testing.B) {
	const n = 50_000
	rng := rand.New(rand.NewPCG(1, 2))
	base, cand := make([]float64, n), make([]float64, n)
	for i := range base {
		if rng.Float64() < 0.80 {
			base[i] = 1
		}
		if rng.Float64() < 0.82 {
			cand[i] = 1
		}
	}
	opt := BootstrapOptions{Resamples: 2000}
	b.ResetTimer()
	for range b.N {
		if _, err := PairedBootstrap(n, meanOf(base), meanOf(cand), opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSumTablePaired1M is the paired bootstrap of two pipelines'
// recall and weighted recall over 1,000,000 records, 2,000 resamples,
// through the sum table: grouping the records and drawing the resamples
// (figures: bench/RESULTS.md).
func BenchmarkSumTablePaired1M(b *testing.B) {
	const n = 1_000_000
	src := newResampleSource(3)
	code := make([][2]uint8, n) // 0 negative, 1 missed positive, 2 caught positive; per pipeline
	amount := make([]float64, n)
	for i := range code {
		if uniform01(src) < 0.01 {
			amount[i] = math.Round(math.Exp(3 + 2*uniform01(src)))
			for p := range 2 {
				code[i][p] = 1
				if uniform01(src) < 0.3+0.3*float64(p) {
					code[i][p] = 2
				}
			}
		}
	}
	for _, tc := range []struct {
		name string
		term func(i int, dst []float64)
	}{
		{"recall", func(i int, dst []float64) {
			for p := range 2 {
				if c := code[i][p]; c > 0 {
					dst[2*p+int(c)-1] = 1 // missed, caught
				}
			}
		}},
		{"weighted", func(i int, dst []float64) {
			for p := range 2 {
				if c := code[i][p]; c > 0 {
					dst[2*p] += amount[i]
					if c == 2 {
						dst[2*p+1] = amount[i]
					}
				}
			}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				tab, err := NewSumTable(n, 4, tc.term, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tab.Resample(2000, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
