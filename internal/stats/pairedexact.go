package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MethodPairedExact names the interval PairedExact gives.
const MethodPairedExact = "paired-exact"

// ClopperPearson is the exact one-sided bound on a proportion from k
// successes in n trials at one-sided level a: the lower bound (the a
// quantile of Beta(k, n−k+1)), or the upper one (the 1−a quantile of
// Beta(k+1, n−k)).
func ClopperPearson(k, n int, a float64, upper bool) float64 {
	switch {
	case n <= 0 || k < 0 || k > n:
		return math.NaN()
	case upper && k == n:
		return 1
	case upper:
		return distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(1 - a)
	case k == 0:
		return 0
	}
	return distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(a)
}

// PairedExact is a conservative interval for the difference of two
// proportions measured on the same n records, from the records only the
// first gets right (b) and only the second (c): (b − c)/n, bounded by exact
// Clopper–Pearson bounds on b/n and c/n at half the one-sided level each
// (Bonferroni). It is for paired comparisons the bootstrap cannot resolve,
// where every record's difference is the same — the candidate right and
// the baseline wrong on every record, say — and every resample agrees.
func PairedExact(b, c, n int, conf float64) Interval {
	a := (1 - conf) / 4 // one-sided (1−conf)/2, split over the two counts
	if n <= 0 || !validConf(conf) {
		return Interval{Lo: math.NaN(), Hi: math.NaN(), Method: MethodPairedExact}
	}
	return Interval{
		Lo:     ClopperPearson(b, n, a, false) - ClopperPearson(c, n, a, true),
		Hi:     ClopperPearson(b, n, a, true) - ClopperPearson(c, n, a, false),
		Method: MethodPairedExact,
	}
}

// PairedExactPValue is the one-sided p-value that inverts PairedExact: the
// smallest one-sided level at which the interval's bound on the threshold's
// side reaches the threshold (greater: the lower bound is at least it).
func PairedExactPValue(b, c, n int, threshold float64, greater bool) float64 {
	if n <= 0 {
		return math.NaN()
	}
	bound := func(level float64) float64 { // level: one-sided, split over the counts
		if greater {
			return ClopperPearson(b, n, level/2, false) - ClopperPearson(c, n, level/2, true)
		}
		return ClopperPearson(b, n, level/2, true) - ClopperPearson(c, n, level/2, false)
	}
	clears := func(level float64) bool {
		if greater {
			return bound(level) >= threshold
		}
		return bound(level) <= threshold
	}
	if !clears(1) {
		return 1
	}
	// Bisection on the logarithm of the level, down to 1e-300.
	lo, hi := math.Log(1e-300), 0.0
	if clears(math.Exp(lo)) {
		return math.Exp(lo)
	}
	for range 80 {
		mid := (lo + hi) / 2
		if clears(math.Exp(mid)) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return math.Exp(hi)
}
