package learn

import (
	"context"
	"errors"
	"gonum.org/v1/gonum/floats"
	"math"
	"runtime"
	"sync"
)

// matrix is a design matrix in compressed sparse rows. Dense numeric
// features are stored the same way; the intercept is not a column.
type matrix struct {
	rowPtr []int
	col    []int32
	val    []float64
	nCols  int
}

func (m *matrix) rows() int { return len(m.rowPtr) - 1 }

// appendRow adds one row.
func (m *matrix) appendRow(col []int32, val []float64) {
	if len(m.rowPtr) == 0 {
		m.rowPtr = append(m.rowPtr, 0)
	}
	m.col = append(m.col, col...)
	m.val = append(m.val, val...)
	m.rowPtr = append(m.rowPtr, len(m.col))
}

// linear is a fitted linear classifier. With k == 1 it is a binary model
// whose sigmoid gives P(class 1); otherwise a softmax over k classes. The
// weights are stored feature-major: w[j*k+c] is the weight of feature j for
// class c, and w[d*k+c] the intercept of class c.
type linear struct {
	k, d int
	w    []float64
}

// probs writes the class probabilities of a sparse row into p (length 2 for
// a binary model: P(class 0), P(class 1); k otherwise).
func (m *linear) probs(col []int32, val []float64, p []float64) {
	k := m.k
	z := p[:k]
	copy(z, m.w[m.d*k:])
	for i, j := range col {
		x := val[i]
		wj := m.w[int(j)*k : int(j)*k+k]
		for c := range z {
			z[c] += x * wj[c]
		}
	}
	if k == 1 {
		s := sigmoid(z[0])
		p[0], p[1] = 1-s, s
		return
	}
	softmax(z)
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1+exp(z)), stable for large |z|.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// softmax turns z into probabilities in place and returns log-sum-exp.
func softmax(z []float64) float64 {
	mx := z[0]
	for _, v := range z[1:] {
		if v > mx {
			mx = v
		}
	}
	var s float64
	for c, v := range z {
		z[c] = math.Exp(v - mx)
		s += z[c]
	}
	for c := range z {
		z[c] /= s
	}
	return mx + math.Log(s)
}

// fitOptions tunes the optimiser.
type fitOptions struct {
	// l2 is the penalty on the coefficients (1/C); the intercept is free.
	l2 float64
	// maxIter bounds the L-BFGS major iterations.
	maxIter int
	// gradTol stops when the largest gradient component of the
	// (row-averaged) objective falls below it.
	gradTol float64
	// workers is the number of goroutines for the gradient; 0 means
	// GOMAXPROCS (capped at 8).
	workers int
}

// errNotFinite is returned when the optimiser diverged.
var errNotFinite = errors.New("the optimiser produced non-finite coefficients (try a larger l2)")

// fitLinear fits an L2-penalised logistic regression by L-BFGS: binary when
// k == 2 (one weight vector, y[i] == 1 is the positive class), multinomial
// otherwise. sw holds per-row weights (nil for 1). The objective is
// (Σ sw_i·loss_i + l2/2·‖w‖²)/n, whose minimiser is scikit-learn's with
// C = 1/l2.
func fitLinear(ctx context.Context, x *matrix, y []int, sw []float64, k int, opt fitOptions) (*linear, error) {
	n, d := x.rows(), x.nCols
	if n == 0 {
		return nil, errors.New("no training rows")
	}
	kk := k
	if k == 2 {
		kk = 1
	}
	obj := newLinearObjective(x, y, sw, kk, opt)
	x0 := make([]float64, (d+1)*kk)
	if kk == 1 {
		// Start the intercept at the weighted log-odds.
		x0[d] = startingLogOdds(y, sw)
	}
	maxIter := opt.maxIter
	if maxIter <= 0 {
		maxIter = 1000
	}
	gradTol := opt.gradTol
	if gradTol <= 0 {
		gradTol = 1e-6
	}
	res, err := minimise(ctx, obj.eval, x0, 10, maxIter, gradTol)
	if err != nil && res.x == nil {
		return nil, err
	}
	// At the iteration limit the best location is still a usable model.
	if !allFinite(res.x) {
		return nil, errNotFinite
	}
	return &linear{k: kk, d: d, w: res.x}, nil
}

// startingLogOdds is the weighted log-odds of y[i] == 1 (sw nil for weight
// 1), or 0 when either class has no weight.
func startingLogOdds(y []int, sw []float64) float64 {
	var pos, tot float64
	for i := range y {
		wi := 1.0
		if sw != nil {
			wi = sw[i]
		}
		tot += wi
		if y[i] == 1 {
			pos += wi
		}
	}
	if pos > 0 && pos < tot {
		return math.Log(pos / (tot - pos))
	}
	return 0
}

// allFinite reports whether no value of v is NaN or infinite.
func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// linearObjective is the objective fitLinear minimises, with the buffers of
// its gradient: the rows are split into one contiguous range per worker,
// each with its own gradient, loss and scratch space, summed in worker order
// so that the result does not depend on scheduling.
type linearObjective struct {
	x       *matrix
	y       []int
	sw      []float64 // nil for weight 1
	d, kk   int       // features; weights per feature (1 when binary)
	l2, inv float64   // penalty; 1/n
	bounds  []int     // worker t takes rows [bounds[t], bounds[t+1])
	grads   [][]float64
	losses  []float64
	scratch [][]float64
}

// newLinearObjective allocates the per-worker buffers: opt.workers
// goroutines (0 for GOMAXPROCS, capped at 8), at most one per 512 rows.
func newLinearObjective(x *matrix, y []int, sw []float64, kk int, opt fitOptions) *linearObjective {
	n, d := x.rows(), x.nCols
	p := (d + 1) * kk
	workers := opt.workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 8)
	}
	workers = max(1, min(workers, n/512))
	o := &linearObjective{
		x: x, y: y, sw: sw, d: d, kk: kk, l2: opt.l2, inv: 1 / float64(n),
		bounds:  make([]int, workers+1),
		grads:   make([][]float64, workers),
		losses:  make([]float64, workers),
		scratch: make([][]float64, workers),
	}
	for i := range o.bounds {
		o.bounds[i] = n * i / workers
	}
	for i := range o.grads {
		o.grads[i] = make([]float64, p)
		o.scratch[i] = make([]float64, kk)
	}
	return o
}

// eval writes the gradient of the objective at w into g and returns its
// value.
func (o *linearObjective) eval(w, g []float64) float64 {
	workers := len(o.grads)
	var wg sync.WaitGroup
	for t := 0; t < workers; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			o.losses[t] = o.chunk(w, o.grads[t], o.scratch[t], o.bounds[t], o.bounds[t+1])
		}(t)
	}
	wg.Wait()
	f := o.losses[0]
	copy(g, o.grads[0])
	for t := 1; t < workers; t++ {
		f += o.losses[t]
		floats.Add(g, o.grads[t])
	}
	d, kk, l2 := o.d, o.kk, o.l2
	for j := 0; j < d*kk; j++ {
		f += 0.5 * l2 * w[j] * w[j]
		g[j] += l2 * w[j]
	}
	floats.Scale(o.inv, g)
	return f * o.inv
}

// chunk writes the loss gradient of rows [lo, hi) into g and returns their
// loss, using z (length kk) as scratch.
func (o *linearObjective) chunk(w, g, z []float64, lo, hi int) float64 {
	clear(g)
	if o.kk == 1 {
		return o.binaryRows(w, g, lo, hi)
	}
	return o.multinomialRows(w, g, z, lo, hi)
}

// binaryRows adds the logistic loss gradient of rows [lo, hi) into g and
// returns their loss.
func (o *linearObjective) binaryRows(w, g []float64, lo, hi int) float64 {
	x, y, sw, d := o.x, o.y, o.sw, o.d
	var loss float64
	bias := w[d:]
	gb := g[d:]
	for i := lo; i < hi; i++ {
		cols := x.col[x.rowPtr[i]:x.rowPtr[i+1]]
		vals := x.val[x.rowPtr[i]:x.rowPtr[i+1]]
		wi := 1.0
		if sw != nil {
			wi = sw[i]
		}
		zz := bias[0]
		for t, j := range cols {
			zz += vals[t] * w[j]
		}
		var r float64
		if y[i] == 1 {
			loss += wi * softplus(-zz)
			r = wi * (sigmoid(zz) - 1)
		} else {
			loss += wi * softplus(zz)
			r = wi * sigmoid(zz)
		}
		for t, j := range cols {
			g[j] += r * vals[t]
		}
		gb[0] += r
	}
	return loss
}

// multinomialRows adds the softmax cross-entropy gradient of rows [lo, hi)
// into g and returns their loss, using z (length kk) as scratch.
func (o *linearObjective) multinomialRows(w, g, z []float64, lo, hi int) float64 {
	x, y, sw, d, kk := o.x, o.y, o.sw, o.d, o.kk
	var loss float64
	bias := w[d*kk:]
	gb := g[d*kk:]
	for i := lo; i < hi; i++ {
		cols := x.col[x.rowPtr[i]:x.rowPtr[i+1]]
		vals := x.val[x.rowPtr[i]:x.rowPtr[i+1]]
		wi := 1.0
		if sw != nil {
			wi = sw[i]
		}
		copy(z, bias)
		for t, j := range cols {
			v := vals[t]
			wj := w[int(j)*kk : int(j)*kk+kk]
			for c := range z {
				z[c] += v * wj[c]
			}
		}
		zy := z[y[i]]
		lse := softmax(z)
		loss += wi * (lse - zy)
		z[y[i]]--
		for c := range z {
			z[c] *= wi
			gb[c] += z[c]
		}
		for t, j := range cols {
			v := vals[t]
			gj := g[int(j)*kk : int(j)*kk+kk]
			for c := range z {
				gj[c] += v * z[c]
			}
		}
	}
	return loss
}
