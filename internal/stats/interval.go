package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Method names, as they appear in [Interval.Method] and in reports.
const (
	// MethodWilson is the Wilson score interval for a proportion.
	MethodWilson = "wilson"
	// MethodBootstrapPercentile is the percentile bootstrap interval.
	MethodBootstrapPercentile = "bootstrap-percentile"
	// MethodBootstrapBCa is the bias-corrected and accelerated bootstrap interval.
	MethodBootstrapBCa = "bootstrap-bca"
	// MethodBCaDegenerate is the percentile interval returned in place of BCa
	// when BCa cannot be computed: every replicate equal (e.g. 100% accuracy),
	// θ̂ outside the range of the replicates, or a non-finite acceleration.
	// Reports must say that the fallback happened.
	MethodBCaDegenerate = "bootstrap-percentile (bca degenerate)"
	// MethodOrderStatistic is the distribution-free order-statistic interval
	// for a quantile.
	MethodOrderStatistic = "order-statistic"
)

// Interval is a two-sided confidence interval [Lo, Hi].
//
// A bound that cannot be computed is NaN; callers must treat NaN as
// "insufficient data", never as a pass.
type Interval struct {
	// Lo is the lower bound.
	Lo float64
	// Hi is the upper bound.
	Hi float64
	// Method names the method that produced the interval, as shown in
	// reports; one of the Method constants.
	Method string
}

// Contains reports whether x lies in the closed interval [Lo, Hi].
// It is false when either bound is NaN.
func (iv Interval) Contains(x float64) bool {
	return iv.Lo <= x && x <= iv.Hi
}

// Z returns the two-sided standard normal quantile for confidence level
// conf, Φ⁻¹(1 − (1−conf)/2): 1.959964 for conf = 0.95.
// It returns NaN unless 0 < conf < 1.
func Z(conf float64) float64 {
	if !validConf(conf) {
		return math.NaN()
	}
	return distuv.UnitNormal.Quantile(1 - (1-conf)/2)
}

// Wilson returns the Wilson score interval for successes out of n at
// confidence level conf, clipped to [0, 1]:
//
//	centre     = (p̂ + z²/2n) / (1 + z²/n)
//	half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
//
// with z = [Z](conf). It matches statsmodels'
// proportion_confint(successes, n, alpha=1-conf, method="wilson").
// With n = 0 it returns [0, 1]. Invalid input (negative counts,
// successes > n, conf outside (0, 1)) gives NaN bounds.
func Wilson(successes, n int, conf float64) Interval {
	iv := Interval{Lo: math.NaN(), Hi: math.NaN(), Method: MethodWilson}
	if n < 0 || successes < 0 || successes > n || !validConf(conf) {
		return iv
	}
	if n == 0 {
		iv.Lo, iv.Hi = 0, 1
		return iv
	}
	z := Z(conf)
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	denom := 1 + z2/nf
	centre := (p + z2/(2*nf)) / denom
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / denom
	iv.Lo = math.Max(0, centre-half)
	iv.Hi = math.Min(1, centre+half)
	// The bounds at the edges are exactly 0 and 1 mathematically; do not
	// let rounding leave 1e-17 there.
	if successes == 0 {
		iv.Lo = 0
	}
	if successes == n {
		iv.Hi = 1
	}
	return iv
}

func validConf(conf float64) bool {
	return conf > 0 && conf < 1
}
