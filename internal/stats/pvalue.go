package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// WilsonPValue returns the one-sided score-test p-value for a proportion
// against the threshold p0, the test that the Wilson interval inverts:
//
//	z = (p̂ − p₀) / √(p₀(1 − p₀)/n),  p = 1 − Φ(z) if greater, Φ(z) otherwise
//
// greater tests H1: p > p0 (H0: p ≤ p0); otherwise H1: p < p0. It matches
// statsmodels' proportions_ztest(successes, n, value=p0,
// alternative="larger"|"smaller", prop_var=p0)[1]. It is consistent with
// [Wilson]: the Wilson interval at level conf lies entirely above p0 exactly
// when WilsonPValue(…, true) < (1 − conf)/2, and entirely below exactly
// when WilsonPValue(…, false) < (1 − conf)/2 (up to rounding at the
// boundary).
//
// With n = 0 it returns 1 (no evidence). It returns NaN for negative
// counts, successes > n, or p0 outside (0, 1).
func WilsonPValue(successes, n int, p0 float64, greater bool) float64 {
	if n < 0 || successes < 0 || successes > n || !open01(p0) {
		return math.NaN()
	}
	if n == 0 {
		return 1
	}
	nf := float64(n)
	z := (float64(successes)/nf - p0) / math.Sqrt(p0*(1-p0)/nf)
	if greater {
		return distuv.UnitNormal.Survival(z)
	}
	return distuv.UnitNormal.CDF(z)
}

// BootstrapPValue returns the one-sided bootstrap p-value of a threshold
// from bootstrap replicates θ*:
//
//	p = (1 + #{θ* on the wrong side of threshold}) / (B + 1)
//
// where, with greater (H1: θ > threshold), the wrong side is
// θ* ≤ threshold, and otherwise (H1: θ < threshold) θ* ≥ threshold; B is
// len(replicates). With threshold 0 and the replicates of a paired
// difference it equals [PairedResult.PLessEqZero] (greater) or
// [PairedResult.PGreaterEqZero]. It never returns 0, and it agrees with
// the percentile interval of the same replicates: p < (1 − conf)/2
// roughly when the interval excludes the threshold. It returns NaN when
// replicates is empty or contains NaN, or threshold is NaN.
func BootstrapPValue(replicates []float64, threshold float64, greater bool) float64 {
	if len(replicates) == 0 || math.IsNaN(threshold) || slices.ContainsFunc(replicates, math.IsNaN) {
		return math.NaN()
	}
	wrong := 0
	for _, v := range replicates {
		if (greater && v <= threshold) || (!greater && v >= threshold) {
			wrong++
		}
	}
	return float64(1+wrong) / float64(len(replicates)+1)
}

// QuantilePValue returns the exact one-sided p-value, from the binomial
// distribution of order statistics (Conover 1999, §3.2), for the
// hypothesis that the population q-quantile of values lies below (below
// true) or above (below false) threshold:
//
//	below: H1: x_q < threshold;  K = #{x < threshold},  p = P(Bin(n, q) ≥ K)
//	above: H1: x_q > threshold;  K = #{x ≤ threshold},  p = P(Bin(n, q) ≤ K)
//
// i.e. scipy.stats.binomtest(K, n, q, alternative="greater"|"less").pvalue.
// Observations equal to the threshold count against H1 on both sides. The
// test inverts the one-sided order-statistic bound of [QuantileInterval]:
// at level α, "below" rejects exactly when the upper bound x₍ᵤ₎,
// u = 1 + binom.ppf(1 − α), is below threshold, and "above" exactly when
// the lower bound x₍ₗ₎, l = binom.ppf(α), is above it. It returns NaN when
// values is empty or contains NaN, q is outside (0, 1) or threshold is NaN.
func QuantilePValue(values []float64, q, threshold float64, below bool) float64 {
	n := len(values)
	if n == 0 || !open01(q) || math.IsNaN(threshold) || slices.ContainsFunc(values, math.IsNaN) {
		return math.NaN()
	}
	k := 0
	for _, v := range values {
		if v < threshold || (!below && v == threshold) {
			k++
		}
	}
	bd := distuv.Binomial{N: float64(n), P: q}
	if below {
		if k == 0 {
			return 1
		}
		return math.Min(1, bd.Survival(float64(k-1))) // P(B ≥ k) = 1 − CDF(k−1)
	}
	return math.Min(1, bd.CDF(float64(k)))
}

// NormalCDF is Φ, the standard normal distribution function.
func NormalCDF(z float64) float64 { return distuv.UnitNormal.CDF(z) }
