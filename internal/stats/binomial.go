package stats

import (
	"math"
	"math/rand/v2"
)

// binomial draws from the binomial distribution of n trials with success
// probability p, exactly: by inversion (Kachitvichyanukul & Schmeiser
// 1988, BINV) when the smaller of np and n(1−p) is under 10, and by
// Hörmann's transformed rejection with squeeze (BTRS; Hörmann 1993, "The
// generation of binomial random variates", J. Statist. Comput. Simul.
// 46:101–110) otherwise. It reads only src's 64-bit outputs, so the draw
// for a seed does not depend on the standard library's methods.
func binomial(src *rand.PCG, n int, p float64) int {
	switch {
	case n <= 0 || !(p > 0):
		return 0
	case p >= 1:
		return n
	}
	if p > 0.5 {
		return n - binomial(src, n, 1-p)
	}
	if float64(n)*p < 10 {
		return binomialInversion(src, n, p)
	}
	return binomialBTRS(src, float64(n), p)
}

// uniform01 is a uniform float64 in [0, 1) from src's top 53 bits.
func uniform01(src *rand.PCG) float64 { return float64(src.Uint64()>>11) / (1 << 53) }

// binomialInversion walks the cumulative distribution from 0: about np
// steps, exact for p ≤ 0.5 and np < 10 (q^n ≥ e^−20 cannot underflow).
func binomialInversion(src *rand.PCG, n int, p float64) int {
	q := 1 - p
	s := p / q
	a := float64(n+1) * s
	r := math.Pow(q, float64(n))
	u := uniform01(src)
	k := 0
	for u > r {
		u -= r
		k++
		if k > n {
			// Rounding left a sliver of probability past n: draw again.
			return binomialInversion(src, n, p)
		}
		r *= a/float64(k) - s
	}
	return k
}

// binomialBTRS is Hörmann's BTRS for np ≥ 10, p ≤ 0.5, as TensorFlow's
// random_binomial_op implements it.
func binomialBTRS(src *rand.PCG, n, p float64) int {
	spq := math.Sqrt(n * p * (1 - p))
	b := 1.15 + 2.53*spq
	a := -0.0873 + 0.0248*b + 0.01*p
	c := n*p + 0.5
	vr := 0.92 - 4.2/b
	r := p / (1 - p)
	alpha := (2.83 + 5.1/b) * spq
	m := math.Floor((n + 1) * p)
	for {
		u := uniform01(src) - 0.5
		v := uniform01(src)
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + c)
		if k < 0 || k > n {
			continue
		}
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		v = math.Log(v * alpha / (a/(us*us) + b))
		bound := (m+0.5)*math.Log((m+1)/(r*(n-m+1))) + (n+1)*math.Log((n-m+1)/(n-k+1)) +
			(k+0.5)*math.Log(r*(n-k+1)/(k+1)) + stirlingTail(m) + stirlingTail(n-m) - stirlingTail(k) - stirlingTail(n-k)
		if v <= bound {
			return int(k)
		}
	}
}

// stirlingTail is log(k!) − [½log(2π) + (k+½)log(k+1) − (k+1)], the error
// of Stirling's approximation of log(k!): from log-gamma up to k = 9, from
// its asymptotic series above.
func stirlingTail(k float64) float64 {
	if k <= 9 {
		lg, _ := math.Lgamma(k + 1)
		return lg - 0.5*math.Log(2*math.Pi) - (k+0.5)*math.Log(k+1) + (k + 1)
	}
	k1 := k + 1
	sq := k1 * k1
	return (1.0/12 - (1.0/360-1.0/1260/sq)/sq) / k1
}
