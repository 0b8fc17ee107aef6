package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// zq is the standard normal quantile Φ⁻¹(p).
func zq(p float64) float64 { return distuv.UnitNormal.Quantile(p) }

// validLevels reports whether alpha and power are usable: 0 < alpha < 1,
// 0 < power < 1.
func validLevels(alpha, power float64) bool {
	return alpha > 0 && alpha < 1 && power > 0 && power < 1
}

func open01(p float64) bool { return p > 0 && p < 1 }

// SampleSizeTwoProportions returns the number of records per arm needed to
// detect the difference between two independent proportions p1 and p2
// with a two-sided test at level alpha and the given power, by the
// pooled-variance normal approximation (Fleiss, Levin & Paik 2003, without
// continuity correction; R's power.prop.test):
//
//	n = [z₁₋α/₂ √(2p̄q̄) + z₁₋β √(p₁q₁ + p₂q₂)]² / (p₁ − p₂)²,  p̄ = (p₁+p₂)/2
//
// The result is not rounded; round it up. It returns NaN when p1 = p2, a
// proportion is outside (0, 1), or alpha or power is outside (0, 1).
func SampleSizeTwoProportions(p1, p2, alpha, power float64) float64 {
	if !open01(p1) || !open01(p2) || p1 == p2 || !validLevels(alpha, power) {
		return math.NaN()
	}
	pbar := (p1 + p2) / 2
	num := zq(1-alpha/2)*math.Sqrt(2*pbar*(1-pbar)) + zq(power)*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	d := p1 - p2
	return num * num / (d * d)
}

// SampleSizeNonInferiority returns the number of records per arm for a
// non-inferiority test of two independent proportions, the candidate's pT
// against the control's pC with margin delta > 0 (H0: pT − pC ≤ −δ), at
// one-sided level alpha (Chow, Shao & Wang 2008, §4.2):
//
//	n = (z₁₋α + z₁₋β)² (pTqT + pCqC) / (pT − pC + δ)²
//
// The result is not rounded; round it up. It returns NaN when
// pT − pC + δ ≤ 0 (non-inferiority cannot be shown), delta ≤ 0, a
// proportion is outside (0, 1), or alpha or power is outside (0, 1).
func SampleSizeNonInferiority(pT, pC, delta, alpha, power float64) float64 {
	if !open01(pT) || !open01(pC) || !(delta > 0) || !validLevels(alpha, power) {
		return math.NaN()
	}
	eff := pT - pC + delta
	if !(eff > 0) {
		return math.NaN()
	}
	z := zq(1-alpha) + zq(power)
	return z * z * (pT*(1-pT) + pC*(1-pC)) / (eff * eff)
}

// SampleSizePaired returns the number of paired records (each record
// replayed through both systems) needed to detect a difference delta
// between two paired proportions with McNemar's test at two-sided level
// alpha, when a share psi of the pairs is discordant (Connor 1987):
//
//	n = [z₁₋α/₂ √ψ + z₁₋β √(ψ − Δ²)]² / Δ²
//
// The result is not rounded; round it up. It returns NaN unless
// 0 < |delta| ≤ psi ≤ 1 and alpha and power are in (0, 1).
func SampleSizePaired(psi, delta, alpha, power float64) float64 {
	d := math.Abs(delta)
	if !(d > 0) || !(psi >= d) || psi > 1 || !validLevels(alpha, power) {
		return math.NaN()
	}
	num := zq(1-alpha/2)*math.Sqrt(psi) + zq(power)*math.Sqrt(psi-d*d)
	return num * num / (d * d)
}

// SampleSizeOneProportion returns the number of records needed for a
// one-sided test at level alpha that a proportion differs from the
// threshold p0 (in the direction of p1), with the given power when the
// true proportion is p1 (score test, variance under H0 in the critical
// value and under H1 in the power):
//
//	n = [z₁₋α √(p₀q₀) + z₁₋β √(p₁q₁)]² / (p₁ − p₀)²
//
// Use it for an "at_least p0" criterion expected to hold at p1 > p0, or an
// "at_most" one with p1 < p0. The result is not rounded; round it up. It
// returns NaN when p0 = p1, a proportion is outside (0, 1), or alpha or
// power is outside (0, 1).
func SampleSizeOneProportion(p0, p1, alpha, power float64) float64 {
	if !open01(p0) || !open01(p1) || p0 == p1 || !validLevels(alpha, power) {
		return math.NaN()
	}
	num := zq(1-alpha)*math.Sqrt(p0*(1-p0)) + zq(power)*math.Sqrt(p1*(1-p1))
	d := p1 - p0
	return num * num / (d * d)
}

// MinimumDetectableEffect returns the smallest increase Δ > 0 from a
// proportion p to p + Δ that n records per arm detect with a two-sided
// test at level alpha and the given power, by the formula of
// [SampleSizeTwoProportions]: the Δ solving
// SampleSizeTwoProportions(p, p+Δ, alpha, power) = n, found by bisection
// to 1e-12. Use it to warn that a sample is too small for the effect a
// criterion asks for.
//
// The independent-samples formula is conservative for a paired replay (the
// same records through both pipelines), whose positively correlated
// outcomes make McNemar's test more powerful: a paired replay detects at
// least this Δ, usually a smaller one. The formula is symmetric under
// p → 1 − p, so the smallest detectable decrease from p is
// MinimumDetectableEffect(1−p, n, alpha, power).
//
// It returns NaN when even p → 1 is not detectable with n records, p is
// outside (0, 1), n is not positive, or alpha or power is outside (0, 1).
func MinimumDetectableEffect(p, n, alpha, power float64) float64 {
	if !open01(p) || !(n > 0) || math.IsInf(n, 0) || !validLevels(alpha, power) {
		return math.NaN()
	}
	need := func(d float64) float64 { return SampleSizeTwoProportions(p, p+d, alpha, power) }
	// The required n decreases as Δ grows; check the largest Δ first.
	hi := 1 - p
	const edge = 1e-12
	if need(hi-edge) > n {
		return math.NaN()
	}
	lo := 0.0
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		if need(mid) > n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// SampleSizePairedMargin returns the number of paired records (each record
// replayed through both systems) needed to show, by a one-sided test at
// level alpha with the given power, that the difference Δ = p10 − p01 of
// two paired proportions lies beyond margin m, when a share p10 of the
// pairs is a success of the first system alone and p01 of the second
// alone. The test is the Wald test of the difference with its own variance
// (ψ − Δ²)/n, ψ = p10 + p01 — the multinomial variance of the paired
// difference, which a paired bootstrap of the difference estimates — so
// that the power at n is Φ(|Δ − m|·√n/√(ψ − Δ²) − z₁₋α):
//
//	n = (z₁₋α + z₁₋β)² (ψ − Δ²) / (Δ − m)²
//
// Connor's formula ([SampleSizePaired]) is McNemar's test of Δ = 0, whose
// variance under the null is ψ: for a difference away from 0, or a margin,
// it overstates the variance and the records needed.
//
// The result is not rounded; round it up. It returns NaN when Δ = m, a
// share is negative, ψ > 1, ψ − Δ² is not positive, or alpha or power is
// outside (0, 1).
func SampleSizePairedMargin(p10, p01, margin, alpha, power float64) float64 {
	psi, d := p10+p01, p10-p01
	v := psi - d*d
	if !(p10 >= 0) || !(p01 >= 0) || psi > 1 || !(v > 0) || d == margin || math.IsNaN(margin) || !validLevels(alpha, power) {
		return math.NaN()
	}
	z := zq(1-alpha) + zq(power)
	g := d - margin
	return z * z * v / (g * g)
}

// SampleSizeFromSE returns the number of records needed for a one-sided
// test at level alpha, with the given power, that an estimate lies on its
// side of a threshold gap away, when its standard error on n records is se
// and shrinks as 1/√n (the normal approximation: the power at n' is
// Φ(gap/(se·√(n/n')) − z₁₋α)):
//
//	n' = n · ((z₁₋α + z₁₋β) · se / gap)²
//
// Use it for an estimate whose interval is not a proportion's (a bootstrap
// or DeLong interval, an order-statistic bound), with se read off the
// interval's half on the threshold's side. The result is not rounded; round
// it up. It returns NaN unless n, se and gap are positive and finite and
// alpha and power are in (0, 1).
func SampleSizeFromSE(n, se, gap, alpha, power float64) float64 {
	for _, v := range []float64{n, se, gap} {
		if !(v > 0) || math.IsInf(v, 0) {
			return math.NaN()
		}
	}
	if !validLevels(alpha, power) {
		return math.NaN()
	}
	r := (zq(1-alpha) + zq(power)) * se / gap
	return n * r * r
}

// DetectablePairedDifference returns how far from the margin a paired
// difference must lie for n paired records to show it, by the test of
// [SampleSizePairedMargin] at one-sided level alpha, with the given power,
// when a share p10 of the pairs is a success of the first system alone
// and p01 of the second alone: |Δ − m| = (z₁₋α + z₁₋β) √((ψ − Δ²)/n), the
// inverse of SampleSizePairedMargin in the distance. It returns NaN for
// shares or levels SampleSizePairedMargin refuses, or n not positive.
func DetectablePairedDifference(p10, p01, n, alpha, power float64) float64 {
	psi, d := p10+p01, p10-p01
	v := psi - d*d
	if !(p10 >= 0) || !(p01 >= 0) || psi > 1 || !(v > 0) || !(n > 0) || math.IsInf(n, 0) || !validLevels(alpha, power) {
		return math.NaN()
	}
	return (zq(1-alpha) + zq(power)) * math.Sqrt(v/n)
}
