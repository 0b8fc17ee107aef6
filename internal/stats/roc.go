package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// MethodDeLong is DeLong's asymptotic interval for an AUC or for the
// difference of two correlated AUCs.
const MethodDeLong = "delong"

// ROCComparison is the outcome of [DeLong]: the two areas under the ROC
// curve, their difference and DeLong's test of equality.
type ROCComparison struct {
	// AUC1 and AUC2 are the areas under the ROC curves of model 1 and 2.
	AUC1, AUC2 float64
	// Diff is AUC1 − AUC2.
	Diff float64
	// SE is DeLong's standard error of Diff, √(S₁₁ + S₂₂ − 2S₁₂).
	SE float64
	// Z is Diff / SE.
	Z float64
	// P is the two-sided p-value 2(1 − Φ(|Z|)).
	P float64
	// Interval is Diff ± z·SE at the requested confidence, Method
	// [MethodDeLong]; it is not clipped.
	Interval Interval
}

// AUC returns the area under the ROC curve of scores pos (of the positive
// records) and neg (of the negative records): the Mann–Whitney estimate of
// P(X > Y) + ½P(X = Y) for X from pos and Y from neg, as
// sklearn.metrics.roc_auc_score and pROC's auc (with direction "<",
// higher scores meaning positive). It never flips the direction: a model
// worse than chance has an AUC below ½. It returns NaN when either slice is
// empty or contains NaN. It runs in O(N log N), N = len(pos) + len(neg).
func AUC(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 || slices.ContainsFunc(pos, math.IsNaN) || slices.ContainsFunc(neg, math.IsNaN) {
		return math.NaN()
	}
	v10, _ := placements(pos, neg)
	return mean(v10)
}

// AUCInterval returns DeLong's confidence interval for the AUC of pos and
// neg at level conf: AUC ± z·√(var(V10)/m + var(V01)/n), with the
// placement values V10, V01 of DeLong, DeLong & Clarke-Pearson (1988) and
// sample variances, clipped to [0, 1] as pROC's ci.auc(method="delong")
// does. Method is [MethodDeLong]. The bounds are NaN when there are fewer
// than 2 positives or 2 negatives, a score is NaN, or conf is outside
// (0, 1).
func AUCInterval(pos, neg []float64, conf float64) Interval {
	iv := Interval{Lo: math.NaN(), Hi: math.NaN(), Method: MethodDeLong}
	if len(pos) < 2 || len(neg) < 2 || !validConf(conf) ||
		slices.ContainsFunc(pos, math.IsNaN) || slices.ContainsFunc(neg, math.IsNaN) {
		return iv
	}
	v10, v01 := placements(pos, neg)
	auc := mean(v10)
	se := math.Sqrt(variance(v10)/float64(len(pos)) + variance(v01)/float64(len(neg)))
	z := Z(conf)
	iv.Lo = math.Max(0, auc-z*se)
	iv.Hi = math.Min(1, auc+z*se)
	return iv
}

// DeLong compares the AUCs of two models scored on the same records, with
// the test of DeLong, DeLong & Clarke-Pearson (1988) for correlated ROC
// curves, computed by the O(N log N) midrank algorithm of Sun & Xu (2014).
// pos1 and pos2 are model 1's and model 2's scores of the same positive
// records, in the same order; neg1 and neg2 likewise for the negative
// records. Higher scores mean "positive" for both models; the direction is
// never flipped (pROC's automatic direction agrees whenever the positives'
// median score is at least the negatives').
//
// With V10ᵣ, V01ᵣ the placement values of model r, S10 and S01 their 2×2
// sample covariance matrices (denominators m−1 and n−1) and
// S = S10/m + S01/n:
//
//	SE = √(S₁₁ + S₂₂ − 2S₁₂),  Z = (AUC₁ − AUC₂)/SE,  P = 2(1 − Φ(|Z|))
//
// and the interval is Diff ± Z(conf)·SE. This is pROC's
// roc.test(roc1, roc2, method="delong", paired=TRUE). When SE is 0 (e.g.
// the two models rank the records identically) and Diff is 0, Z is 0 and P
// is 1; when SE is 0 and Diff is not, Z is ±Inf and P is 0.
//
// It fails when pos1 and pos2 (or neg1 and neg2) differ in length, there
// are fewer than 2 positives or 2 negatives, a score is NaN, or conf is
// outside (0, 1).
func DeLong(pos1, neg1, pos2, neg2 []float64, conf float64) (ROCComparison, error) {
	m, n := len(pos1), len(neg1)
	switch {
	case len(pos2) != m || len(neg2) != n:
		return ROCComparison{}, fmt.Errorf("delong: model 1 has %d positives and %d negatives, model 2 has %d and %d: the models must score the same records",
			m, n, len(pos2), len(neg2))
	case m < 2 || n < 2:
		return ROCComparison{}, fmt.Errorf("delong: %d positives and %d negatives: need at least 2 of each", m, n)
	case !validConf(conf):
		return ROCComparison{}, fmt.Errorf("delong: confidence %v: must be in (0, 1)", conf)
	}
	for _, s := range [][]float64{pos1, neg1, pos2, neg2} {
		if slices.ContainsFunc(s, math.IsNaN) {
			return ROCComparison{}, errors.New("delong: a score is NaN")
		}
	}
	v10a, v01a := placements(pos1, neg1)
	v10b, v01b := placements(pos2, neg2)
	var r ROCComparison
	r.AUC1, r.AUC2 = mean(v10a), mean(v10b)
	r.Diff = r.AUC1 - r.AUC2
	// Var(AUC1 − AUC2) = Var(V10a − V10b)/m + Var(V01a − V01b)/n, which is
	// S₁₁ + S₂₂ − 2S₁₂ without forming the matrices.
	d10 := make([]float64, m)
	for i := range d10 {
		d10[i] = v10a[i] - v10b[i]
	}
	d01 := make([]float64, n)
	for j := range d01 {
		d01[j] = v01a[j] - v01b[j]
	}
	r.SE = math.Sqrt(variance(d10)/float64(m) + variance(d01)/float64(n))
	switch {
	case r.SE > 0:
		r.Z = r.Diff / r.SE
	case r.Diff == 0:
		r.Z = 0
	default:
		r.Z = math.Copysign(math.Inf(1), r.Diff)
	}
	r.P = 2 * distuv.UnitNormal.Survival(math.Abs(r.Z))
	z := Z(conf)
	r.Interval = Interval{Lo: r.Diff - z*r.SE, Hi: r.Diff + z*r.SE, Method: MethodDeLong}
	return r, nil
}

// placements returns DeLong's placement values by the midrank method of
// Sun & Xu (2014): with Tx, Ty, Tz the midranks of the positives among the
// positives, of the negatives among the negatives and of both among all,
//
//	V10[i] = (Tz[i] − Tx[i]) / n        = mean over j of ψ(Xᵢ, Yⱼ)
//	V01[j] = 1 − (Tz[m+j] − Ty[j]) / m  = mean over i of ψ(Xᵢ, Yⱼ)
//
// with ψ(x, y) = 1 if x > y, ½ if x = y, 0 otherwise.
func placements(pos, neg []float64) (v10, v01 []float64) {
	m, n := len(pos), len(neg)
	tx := midranks(pos)
	ty := midranks(neg)
	tz := midranks(slices.Concat(pos, neg))
	v10 = make([]float64, m)
	for i := range v10 {
		v10[i] = (tz[i] - tx[i]) / float64(n)
	}
	v01 = make([]float64, n)
	for j := range v01 {
		v01[j] = 1 - (tz[m+j]-ty[j])/float64(m)
	}
	return v10, v01
}

// midranks returns the 1-based ranks of x, ties sharing the mean of their
// ranks.
func midranks(x []float64) []float64 {
	order := identity(len(x))
	sort.SliceStable(order, func(a, b int) bool { return x[order[a]] < x[order[b]] })
	ranks := make([]float64, len(x))
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && x[order[j]] == x[order[i]] {
			j++
		}
		// Positions i..j-1 (0-based) hold equal values: ranks i+1..j.
		r := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			ranks[order[k]] = r
		}
		i = j
	}
	return ranks
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// variance is the sample variance (denominator len(x) − 1).
func variance(x []float64) float64 {
	mu := mean(x)
	var s float64
	for _, v := range x {
		d := v - mu
		s += d * d
	}
	return s / float64(len(x)-1)
}
