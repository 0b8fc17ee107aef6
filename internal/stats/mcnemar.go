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
