package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// McNemarExact returns the exact two-sided McNemar p-value for paired
// binary outcomes with discordant counts b (baseline right, candidate
// wrong, or the other way round: the test is symmetric) and c:
//
//	p = min(1, 2·BinomCDF(min(b, c); b+c, ½))
//
// as statsmodels' mcnemar([[·, b], [c, ·]], exact=True).pvalue. With no
// discordant pairs it returns 1; negative counts give NaN.
func McNemarExact(b, c int) float64 {
	if b < 0 || c < 0 {
		return math.NaN()
	}
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	cdf := distuv.Binomial{N: float64(n), P: 0.5}.CDF(float64(k))
	return math.Min(1, 2*cdf)
}

// McNemarMidP returns the two-sided mid-p McNemar p-value for discordant
// counts b and c (Fagerland, Lydersen & Laake 2013): the exact p-value
// ([McNemarExact]) minus the point probability of the observed table,
//
//	p = 2·BinomCDF(k; n, ½) − BinomPMF(k; n, ½),  k = min(b, c), n = b + c,
//
// and, when b = c (where the exact p-value is clipped to 1),
// p = 1 − ½·BinomPMF(k; n, ½), as in Fagerland et al. It is less
// conservative than the exact test and keeps close to the nominal level.
// statsmodels has no mid-p option; the tests check it against
// scipy.stats.binom. With no discordant pairs it returns 1; negative counts
// give NaN.
func McNemarMidP(b, c int) float64 {
	if b < 0 || c < 0 {
		return math.NaN()
	}
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	bd := distuv.Binomial{N: float64(n), P: 0.5}
	pmf := bd.Prob(float64(k))
	if b == c {
		return 1 - pmf/2
	}
	return math.Min(1, 2*bd.CDF(float64(k))-pmf)
}

// McNemarAsymptotic returns McNemar's chi-squared statistic for discordant
// counts b and c, with one degree of freedom, and its p-value:
//
//	χ² = (b − c)² / (b + c)               (correction false)
//	χ² = (max(0, |b − c| − 1))² / (b + c)  (correction true, Edwards 1948)
//
// as statsmodels' mcnemar([[·, b], [c, ·]], exact=False,
// correction=correction) except in two corners: with the correction and
// b = c, statsmodels computes (|b−c|−1)² = 1 while the clamp here gives
// χ² = 0 and p = 1 (a correction must not manufacture a difference); and
// with no discordant pairs it returns χ² = 0 and p = 1 where statsmodels
// returns NaN. Negative counts give NaN for both.
func McNemarAsymptotic(b, c int, correction bool) (chi2, p float64) {
	if b < 0 || c < 0 {
		return math.NaN(), math.NaN()
	}
	n := b + c
	if n == 0 {
		return 0, 1
	}
	d := math.Abs(float64(b - c))
	if correction {
		d = math.Max(0, d-1)
	}
	chi2 = d * d / float64(n)
	// The upper tail of χ²(1) at x is P(|Z| > √x) = erfc(√(x/2)).
	return chi2, math.Erfc(math.Sqrt(chi2 / 2))
}
