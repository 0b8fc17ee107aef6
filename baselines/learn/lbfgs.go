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
	s := make([][]float64, m)
	y := make([][]float64, m)
	rho := make([]float64, m)
	for i := range s {
		s[i] = make([]float64, n)
		y[i] = make([]float64, n)
	}
	alpha := make([]float64, m)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	stored, head := 0, 0 // number of pairs, index of the next slot
	flat := 0
	for iter := 0; iter < maxIter; iter++ {
		if normInf(g) < gradTol {
			return lbfgsResult{x: x, f: f, iterations: iter, converged: true}, nil
		}
		if iter%10 == 0 && ctx.Err() != nil {
			return lbfgsResult{}, ctx.Err()
		}
		// Two-loop recursion: d = -H·g.
		for i := range d {
			d[i] = -g[i]
		}
		for k := 0; k < stored; k++ {
			i := (head - 1 - k + m) % m
			alpha[i] = rho[i] * dot(s[i], d)
			axpy(-alpha[i], y[i], d)
		}
		if stored > 0 {
			last := (head - 1 + m) % m
			scale(dot(s[last], y[last])/dot(y[last], y[last]), d)
		} else {
			scale(1/math.Max(1, norm2(g)), d)
		}
		for k := stored - 1; k >= 0; k-- {
			i := (head - 1 - k + m) % m
			beta := rho[i] * dot(y[i], d)
			axpy(alpha[i]-beta, s[i], d)
		}
		slope := dot(g, d)
		if slope >= 0 { // not a descent direction: restart from the gradient
			for i := range d {
				d[i] = -g[i] / math.Max(1, norm2(g))
			}
			slope = dot(g, d)
			stored = 0
		}
		// Backtracking line search (Armijo).
		step := 1.0
		var fNew float64
		ok := false
		for t := 0; t < 60; t++ {
			for i := range xNew {
				xNew[i] = x[i] + step*d[i]
			}
			fNew = eval(xNew, gNew)
			if !math.IsNaN(fNew) && fNew <= f+1e-4*step*slope {
				ok = true
				break
			}
			step *= 0.5
		}
		if !ok {
			// No progress possible along d: at the floating-point optimum.
			return lbfgsResult{x: x, f: f, iterations: iter, converged: normInf(g) < 100*gradTol}, nil
		}
		si, yi := s[head], y[head]
		for i := range si {
			si[i] = xNew[i] - x[i]
			yi[i] = gNew[i] - g[i]
		}
		if sy := dot(si, yi); sy > 1e-12*dot(yi, yi) {
			rho[head] = 1 / sy
			head = (head + 1) % m
			stored = min(stored+1, m)
		}
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
