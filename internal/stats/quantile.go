package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Quantile returns the q-quantile of sorted, which must be sorted in
// ascending order and free of NaN, with the interpolation of numpy's
// default percentile (method="linear", Hyndman & Fan type 7): with
// h = (n−1)q, the result interpolates linearly between sorted[⌊h⌋] and
// sorted[⌊h⌋+1]. It equals numpy.percentile(sorted, 100*q), including
// numpy's way of evaluating the interpolation. It returns NaN for an empty
// slice or q outside [0, 1].
func Quantile(sorted []float64, q float64) float64 {
	i, t, ok := quantileRank(len(sorted), q)
	switch {
	case !ok:
		return math.NaN()
	case i >= len(sorted)-1:
		return sorted[len(sorted)-1]
	}
	return lerp(sorted[i], sorted[i+1], t)
}

// quantileRank is where the type-7 q-quantile of n sorted values lies:
// between the order statistics i and i+1 (0-based), at t of the way; ok is
// false for no values or q outside [0, 1].
func quantileRank(n int, q float64) (i int, t float64, ok bool) {
	if n == 0 || !(q >= 0 && q <= 1) {
		return 0, 0, false
	}
	h := float64(n-1) * q
	lo := math.Floor(h)
	return int(lo), h - lo, true
}

// lerp interpolates as numpy's _lerp does, so results agree to the last bit:
// a + (b−a)t for t < ½, and b − (b−a)(1−t) otherwise.
func lerp(a, b, t float64) float64 {
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}

// QuantileInterval returns the q-quantile of values (as [Quantile]) and a
// distribution-free confidence interval for the population q-quantile at
// level conf, with Method [MethodOrderStatistic]. values need not be
// sorted; the caller's slice is not modified.
//
// The interval is [x₍l₎, x₍u₎] between order statistics (1-based ranks)
// chosen from B ~ Binomial(n, q), the number of observations below the
// population quantile (Hahn & Meeker 1991, Conover 1999), equal-tailed:
//
//	l = the smallest k with P(B ≤ k) ≥ α/2           (binom.ppf(α/2))
//	u = 1 + the smallest k with P(B ≤ k) ≥ 1 − α/2   (1 + binom.isf(α/2))
//
// with α = 1 − conf, so that P(l ≤ B < u) ≥ conf and each tail holds at
// most α/2. This is what scipy.stats.quantile_test(values, p=q)
// .confidence_interval(conf) returns (scipy ≥ 1.11).
//
// A side that n observations cannot bound at this confidence (l < 1 or
// u > n; e.g. the upper bound of a p95 from 30 values) is NaN, as in scipy:
// there is not enough data to bound that side, and callers must not read
// NaN as a pass. The estimate and both bounds are NaN when values is empty
// or contains NaN, q is outside (0, 1) or conf outside (0, 1).
func QuantileInterval(values []float64, q, conf float64) (estimate float64, iv Interval) {
	iv = Interval{Lo: math.NaN(), Hi: math.NaN(), Method: MethodOrderStatistic}
	n := len(values)
	if n == 0 || !(q > 0 && q < 1) || !validConf(conf) || slices.ContainsFunc(values, math.IsNaN) {
		return math.NaN(), iv
	}
	// Three order statistics by selection, not the whole order.
	v := slices.Clone(values)
	estimate = QuantileSelect(v, q)

	bd := distuv.Binomial{N: float64(n), P: q}
	tail := (1 - conf) / 2
	l := binomPPF(bd, n, tail)       // 1-based rank of the lower bound
	u := binomPPF(bd, n, 1-tail) + 1 // 1-based rank of the upper bound
	if l >= 1 {
		iv.Lo = Select(v, l-1)
	}
	if u <= n {
		iv.Hi = Select(v, u-1)
	}
	return estimate, iv
}

// binomPPF returns the smallest k in [0, n] with CDF(k) ≥ p, by bisection
// (the CDF is non-decreasing in k).
func binomPPF(bd distuv.Binomial, n int, p float64) int {
	lo, hi := 0, n // CDF(n) = 1 ≥ p, so the answer is in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo)/2
		if bd.CDF(float64(mid)) >= p {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// QuantileMinRecords is the fewest values for which QuantileInterval can
// bound the q-quantile on one side at confidence conf: the upper bound needs
// q^n ≤ α/2 (so that the largest value can serve), the lower bound
// (1 − q)^n < α/2. A p99's upper bound at 95% needs 368 values. It returns 0
// for q or conf outside (0, 1).
func QuantileMinRecords(q, conf float64, upper bool) int {
	if !(q > 0 && q < 1) || !validConf(conf) {
		return 0
	}
	tail := (1 - conf) / 2
	if upper {
		n := int(math.Ceil(math.Log(tail) / math.Log(q)))
		for n > 1 && math.Pow(q, float64(n-1)) <= tail {
			n--
		}
		for math.Pow(q, float64(n)) > tail {
			n++
		}
		return max(n, 1)
	}
	n := int(math.Floor(math.Log(tail)/math.Log(1-q))) + 1
	for n > 1 && math.Pow(1-q, float64(n-1)) < tail {
		n--
	}
	for math.Pow(1-q, float64(n)) >= tail {
		n++
	}
	return max(n, 1)
}
