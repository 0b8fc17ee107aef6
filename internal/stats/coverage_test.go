package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Large-mode coverage must lie in [largeLo, largeHi] for the methods whose
// nominal coverage is 95% (the figures are in REFERENCES.md):
//
//	go test ./internal/stats/ -run Coverage -stats.large -v
const largeLo, largeHi = 0.94, 0.96

// checkCoverage asserts a simulated coverage: in large mode within
// [largeLo, largeHi]; in the default small mode within the wide binomial
// tolerance of coverageTolerance(0.95, trials, slack).
func checkCoverage(t *testing.T, method string, covered, trials int, slack float64) {
	t.Helper()
	cov := float64(covered) / float64(trials)
	if *large {
		t.Logf("%s coverage %.4f over %d datasets (large mode: must be in [%.2f, %.2f])", method, cov, trials, largeLo, largeHi)
		if cov < largeLo || cov > largeHi {
			t.Errorf("%s coverage = %.4f over %d datasets, want in [%.2f, %.2f]", method, cov, trials, largeLo, largeHi)
		}
		return
	}
	tol := coverageTolerance(0.95, trials, slack)
	t.Logf("%s coverage %.4f over %d datasets (tolerance ±%.4f)", method, cov, trials, tol)
	if math.Abs(cov-0.95) > tol {
		t.Errorf("%s coverage = %.4f over %d datasets, want 0.95 ± %.4f", method, cov, trials, tol)
	}
}

// TestBCaCoverage is TestBootstrapCoverage for the BCa interval of the
// mean: normal data, n = 100, B = 1000 in large mode.
func TestBCaCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage simulation skipped in -short mode")
	}
	trials, resamples := 1000, 500
	if *large {
		trials, resamples = 10_000, 1000
	}
	rng := rand.New(rand.NewPCG(9, 10))
	const n, mu = 100, 10.0
	data := make([]float64, n)
	covered := 0
	for trial := range trials {
		for i := range data {
			data[i] = mu + 2*rng.NormFloat64()
		}
		iv, err := Bootstrap(n, meanOf(data), BootstrapOptions{Resamples: resamples, Seed: uint64(trial), Method: BootstrapBCa})
		if err != nil {
			t.Fatal(err)
		}
		if iv.Method != MethodBootstrapBCa {
			t.Fatalf("trial %d: method %q, want %q", trial, iv.Method, MethodBootstrapBCa)
		}
		if iv.Contains(mu) {
			covered++
		}
	}
	checkCoverage(t, "bootstrap-bca (mean, n=100)", covered, trials, 0.01)
}

// TestQuantileCoverage checks the order-statistic interval of the p90 of
// n = 200 exponential values. The interval is exact and conservative: its
// coverage is P(l ≤ B < u) for B ~ Binomial(200, 0.9), 0.96688, not 0.95,
// whatever the distribution. The simulation is checked against that exact
// figure (± 4 binomial standard errors), in both modes; asserting 94–96%
// would fail by design.
func TestQuantileCoverage(t *testing.T) {
	trials := 2000
	if *large {
		trials = 100_000
	}
	const n, q, conf = 200, 0.9, 0.95
	truth := math.Log(10) // p90 of Exp(1)
	bd := distuv.Binomial{N: n, P: q}
	l := binomPPF(bd, n, (1-conf)/2)
	u := binomPPF(bd, n, 1-(1-conf)/2) + 1
	exact := bd.CDF(float64(u-1)) - bd.CDF(float64(l-1)) // P(l ≤ B ≤ u−1)
	rng := rand.New(rand.NewPCG(13, 14))
	vals := make([]float64, n)
	covered := 0
	for range trials {
		for i := range vals {
			vals[i] = rng.ExpFloat64()
		}
		if _, iv := QuantileInterval(vals, q, conf); iv.Contains(truth) {
			covered++
		}
	}
	cov := float64(covered) / float64(trials)
	tol := 4 * math.Sqrt(exact*(1-exact)/float64(trials))
	t.Logf("order-statistic (p90, n=200, exponential) coverage %.4f over %d datasets; exact %.5f ± %.4f", cov, trials, exact, tol)
	if exact < conf {
		t.Errorf("exact coverage %v below nominal %v", exact, conf)
	}
	if math.Abs(cov-exact) > tol {
		t.Errorf("coverage = %.4f over %d datasets, want %.5f ± %.4f", cov, trials, exact, tol)
	}
}

// TestPairedBootstrapCoverage simulates n = 300 records replayed through a
// baseline and a candidate whose correctness is correlated (P(both right)
// .62, baseline only .08, candidate only .13, neither .17: accuracies .70
// and .75, Δ = .05, 21% discordant) and checks the 95% paired percentile
// bootstrap interval of the difference in accuracy, the method the verdict
// uses.
func TestPairedBootstrapCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage simulation skipped in -short mode")
	}
	trials, resamples := 600, 500
	if *large {
		trials, resamples = 5000, 1000
	}
	const n, delta = 300, 0.05
	rng := rand.New(rand.NewPCG(15, 16))
	base := make([]float64, n)
	cand := make([]float64, n)
	covered := 0
	for trial := range trials {
		for i := range n {
			switch u := rng.Float64(); {
			case u < 0.62:
				base[i], cand[i] = 1, 1
			case u < 0.70:
				base[i], cand[i] = 1, 0
			case u < 0.83:
				base[i], cand[i] = 0, 1
			default:
				base[i], cand[i] = 0, 0
			}
		}
		res, err := PairedBootstrap(n, meanOf(base), meanOf(cand),
			BootstrapOptions{Resamples: resamples, Seed: uint64(trial), Method: BootstrapPercentile})
		if err != nil {
			t.Fatal(err)
		}
		if res.Interval.Contains(delta) {
			covered++
		}
	}
	checkCoverage(t, "paired bootstrap-percentile (Δ accuracy, n=300)", covered, trials, 0.01)
}
