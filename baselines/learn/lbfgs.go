package learn

import (
	"context"
	"errors"
	"math"
)

// The design asks for gonum's optimize.LBFGS, but gonum.org/v1/gonum/optimize
// imports stat/distmv, which needs golang.org/x/tools: a module missing from
// go.sum. Until it is added, this is a small L-BFGS (two-loop recursion with
// a backtracking Armijo line search; the objective is convex and smooth).

// lbfgsResult is where minimise stopped.
type lbfgsResult struct {
	x          []float64
	f          float64
	iterations int
	converged  bool
}

// minimise minimises a function whose value and gradient eval computes
// (eval writes the gradient at x into g and returns the value), from x0
// (overwritten), with m correction pairs.
func minimise(ctx context.Context, eval func(x, g []float64) float64, x0 []float64, m, maxIter int, gradTol float64) (lbfgsResult, error) {
	n := len(x0)
	x := x0
	g := make([]float64, n)
	f := eval(x, g)
	if math.IsNaN(f) {
		return lbfgsResult{}, errNotFinite
	}
	h := newHistory(m, n)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	flat := 0
	for iter := 0; iter < maxIter; iter++ {
		if normInf(g) < gradTol {
			return lbfgsResult{x: x, f: f, iterations: iter, converged: true}, nil
		}
		if iter%10 == 0 && ctx.Err() != nil {
			return lbfgsResult{}, ctx.Err()
		}
		slope := h.direction(g, d)
		fNew, ok := lineSearch(eval, x, d, xNew, gNew, f, slope)
		if !ok {
			// No progress possible along d: at the floating-point optimum.
			return lbfgsResult{x: x, f: f, iterations: iter, converged: normInf(g) < 100*gradTol}, nil
		}
		h.push(x, xNew, g, gNew)
		x, xNew = xNew, x
		g, gNew = gNew, g
		if math.Abs(f-fNew) <= 1e-15*math.Max(1, math.Abs(f)) {
			flat++
			if flat >= 5 {
				f = fNew
				return lbfgsResult{x: x, f: f, iterations: iter + 1, converged: true}, nil
			}
		} else {
			flat = 0
		}
		f = fNew
	}
	return lbfgsResult{x: x, f: f, iterations: maxIter}, errors.New("l-bfgs: iteration limit reached")
}

// history holds the last m correction pairs of L-BFGS in a ring: s[i] is a
// step x_{k+1} - x_k, y[i] the change of gradient along it, and rho[i] is
// 1/(s[i]·y[i]).
type history struct {
	m            int
	s, y         [][]float64
	rho, alpha   []float64 // alpha is scratch for the two-loop recursion
	stored, head int       // number of pairs, index of the next slot
}

// newHistory allocates an empty history of m pairs of length n.
func newHistory(m, n int) *history {
	h := &history{
		m: m, s: make([][]float64, m), y: make([][]float64, m),
		rho: make([]float64, m), alpha: make([]float64, m),
	}
	for i := range h.s {
		h.s[i] = make([]float64, n)
		h.y[i] = make([]float64, n)
	}
	return h
}

// direction writes the search direction d = -H·g into d by the two-loop
// recursion, and returns the slope g·d. When that is not a descent
// direction it restarts from the scaled gradient and forgets the history.
func (h *history) direction(g, d []float64) float64 {
	m, s, y, rho, alpha := h.m, h.s, h.y, h.rho, h.alpha
	for i := range d {
		d[i] = -g[i]
	}
	for k := 0; k < h.stored; k++ {
		i := (h.head - 1 - k + m) % m
		alpha[i] = rho[i] * dot(s[i], d)
		axpy(-alpha[i], y[i], d)
	}
	if h.stored > 0 {
		last := (h.head - 1 + m) % m
		scale(dot(s[last], y[last])/dot(y[last], y[last]), d)
	} else {
		scale(1/math.Max(1, norm2(g)), d)
	}
	for k := h.stored - 1; k >= 0; k-- {
		i := (h.head - 1 - k + m) % m
		beta := rho[i] * dot(y[i], d)
		axpy(alpha[i]-beta, s[i], d)
	}
	slope := dot(g, d)
	if slope >= 0 { // not a descent direction: restart from the gradient
		for i := range d {
			d[i] = -g[i] / math.Max(1, norm2(g))
		}
		slope = dot(g, d)
		h.stored = 0
	}
	return slope
}

// push records the step from (x, g) to (xNew, gNew), unless the curvature
// s·y is too small to keep the approximation positive definite.
func (h *history) push(x, xNew, g, gNew []float64) {
	si, yi := h.s[h.head], h.y[h.head]
	for i := range si {
		si[i] = xNew[i] - x[i]
		yi[i] = gNew[i] - g[i]
	}
	if sy := dot(si, yi); sy > 1e-12*dot(yi, yi) {
		h.rho[h.head] = 1 / sy
		h.head = (h.head + 1) % h.m
		h.stored = min(h.stored+1, h.m)
	}
}

// lineSearch backtracks from a unit step along d until the Armijo condition
// f(x + step·d) <= f + 1e-4·step·slope holds, halving the step up to 60
// times. It leaves the point in xNew and its gradient in gNew, and returns
// its value and whether the condition held.
func lineSearch(eval func(x, g []float64) float64, x, d, xNew, gNew []float64, f, slope float64) (float64, bool) {
	step := 1.0
	var fNew float64
	for t := 0; t < 60; t++ {
		for i := range xNew {
			xNew[i] = x[i] + step*d[i]
		}
		fNew = eval(xNew, gNew)
		if !math.IsNaN(fNew) && fNew <= f+1e-4*step*slope {
			return fNew, true
		}
		step *= 0.5
	}
	return fNew, false
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpy(a float64, x, y []float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += a * x[i]
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

func norm2(x []float64) float64 { return math.Sqrt(dot(x, x)) }

func normInf(x []float64) float64 {
	var m float64
	for _, v := range x {
		if v > m {
			m = v
		} else if -v > m {
			m = -v
		}
	}
	return m
}
