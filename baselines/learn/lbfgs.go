package learn

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// lbfgsResult is where minimise stopped.
type lbfgsResult struct {
	x          []float64
	f          float64
	iterations int
	converged  bool
}

// minimise minimises a function whose value and gradient eval computes
// (eval writes the gradient at x into g and returns the value), from x0,
// with gonum's L-BFGS keeping m correction pairs, until the gradient's
// largest component is below gradTol or maxIter iterations. A cancelled ctx
// stops it (checked every iteration). At the iteration limit it returns the
// best location with an error.
func minimise(ctx context.Context, eval func(x, g []float64) float64, x0 []float64, m, maxIter int, gradTol float64) (lbfgsResult, error) {
	p := optimize.Problem{
		Func: func(x []float64) float64 { return eval(x, make([]float64, len(x))) },
		Grad: func(g, x []float64) { eval(x, g) },
	}
	settings := &optimize.Settings{
		GradientThreshold: gradTol,
		MajorIterations:   maxIter,
		Converger:         &stopper{ctx: ctx, inner: &optimize.FunctionConverge{Absolute: 1e-15, Relative: 1e-15, Iterations: 5}},
	}
	res, err := optimize.Minimize(p, x0, settings, &optimize.LBFGS{Store: m})
	if ctx.Err() != nil {
		return lbfgsResult{}, ctx.Err()
	}
	if res == nil || res.X == nil {
		if err == nil {
			err = errors.New("l-bfgs: no result")
		}
		return lbfgsResult{}, fmt.Errorf("l-bfgs: %w", err)
	}
	if math.IsNaN(res.F) {
		return lbfgsResult{}, errNotFinite
	}
	out := lbfgsResult{x: res.X, f: res.F, iterations: res.Stats.MajorIterations}
	switch res.Status {
	case optimize.GradientThreshold, optimize.FunctionConvergence:
		out.converged = true
		return out, nil
	case optimize.IterationLimit:
		return out, errors.New("l-bfgs: iteration limit reached")
	}
	// A line search that can make no progress is at the floating-point
	// optimum of a smooth convex objective: converged when the gradient is
	// nearly small enough.
	out.converged = normInf(res.Gradient) < 100*gradTol
	if out.converged || err == nil {
		return out, nil
	}
	return out, fmt.Errorf("l-bfgs: %s: %w", res.Status, err)
}

// stopper is the optimisation's convergence test: inner's, or a stop as
// soon as ctx is done.
type stopper struct {
	ctx   context.Context
	inner optimize.Converger
}

// Init implements optimize.Converger.
func (s *stopper) Init(dim int) { s.inner.Init(dim) }

// Converged implements optimize.Converger.
func (s *stopper) Converged(loc *optimize.Location) optimize.Status {
	if s.ctx.Err() != nil {
		return optimize.RuntimeLimit
	}
	return s.inner.Converged(loc)
}

// normInf is the largest absolute value of v.
func normInf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
