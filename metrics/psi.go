package metrics

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/poc-harness/poc/datasets"
)

// psiMetric is psi over a numeric input column.
type psiMetric struct{ name, column string }

func (m *psiMetric) Name() string         { return m.name }
func (m *psiMetric) Direction() Direction { return LowerIsBetter }
func (m *psiMetric) Unit() string         { return Number }
func (m *psiMetric) New() Accumulator     { return &psiAcc{m: m} }

// Columns is the column whose drift it measures.
func (m *psiMetric) Columns() ([]string, bool) { return []string{m.column}, true }

// psiAcc keeps each record's value and replay position. The windows (the
// first and last quarter of the included records in replay order) and the
// bins (the deciles of the first) are fixed once from all the records; a
// resample only recounts the bins, in O(n) without sorting. So the
// bootstrap measures the sampling noise of the shares, with the bins of
// the full reference window.
type psiAcc struct {
	m        *psiMetric
	values   []float64 // per position; NaN when left out
	seq      []int
	excluded map[string]int

	// Fixed from all the records by prepare; nil when stale.
	window []int8  // per position: 0 reference, 1 current, -1 neither
	bin    []int32 // per position, in its window
	nbins  int
	counts []float64 // scratch: reference bins, then current bins
}

// Add keeps the record's value and position.
func (a *psiAcc) Add(o Observation) {
	v, ok := datasets.ToFloat(o.Record.Fields[a.m.column])
	if !ok || math.IsInf(v, 0) {
		v = math.NaN()
		if a.excluded == nil {
			a.excluded = map[string]int{}
		}
		a.excluded["not a number"]++
	}
	a.values = append(a.values, v)
	a.seq = append(a.seq, o.Record.Seq)
	a.window = nil
}

// Merge appends the records of another psi accumulator.
func (a *psiAcc) Merge(other Accumulator) error {
	b, ok := other.(*psiAcc)
	if !ok || b.m.column != a.m.column {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	a.values = append(a.values, b.values...)
	a.seq = append(a.seq, b.seq...)
	for k, v := range b.excluded {
		if a.excluded == nil {
			a.excluded = map[string]int{}
		}
		a.excluded[k] += v
	}
	a.window = nil
	return nil
}

// prepare fixes the windows and the bins from all the records.
func (a *psiAcc) prepare() {
	if a.window != nil {
		return
	}
	n := len(a.values)
	a.window, a.bin, a.nbins = make([]int8, n), make([]int32, n), 0
	var order []int
	for i, v := range a.values {
		a.window[i] = -1
		if !math.IsNaN(v) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(x, y int) bool { return a.seq[order[x]] < a.seq[order[y]] })
	q := len(order) / 4
	if q < 2 {
		return
	}
	ref := make([]float64, q)
	for k, i := range order[:q] {
		ref[k] = a.values[i]
	}
	edges := decileEdges(ref, 10)
	a.nbins = len(edges) + 1
	a.counts = make([]float64, 2*a.nbins)
	for w, part := range [][]int{order[:q], order[len(order)-q:]} {
		for _, i := range part {
			a.window[i] = int8(w)
			a.bin[i] = int32(sort.SearchFloat64s(edges, a.values[i]))
		}
	}
}

// Len is the number of records added.
func (a *psiAcc) Len() int { return len(a.values) }

// ValueAt is psi over the records at positions idx (all when nil), with
// the windows and bins of all the records; NaN when a window is empty.
func (a *psiAcc) ValueAt(idx []int) float64 {
	a.prepare()
	if a.nbins == 0 {
		return math.NaN()
	}
	c := a.counts
	clear(c)
	count := func(i int) {
		if w := a.window[i]; w >= 0 {
			c[int(w)*a.nbins+int(a.bin[i])]++
		}
	}
	if idx == nil {
		for i := range a.values {
			count(i)
		}
	} else {
		for _, i := range idx {
			count(i)
		}
	}
	ref, cur := c[:a.nbins], c[a.nbins:]
	nr, nc := 0.0, 0.0
	for b := range a.nbins {
		nr += ref[b]
		nc += cur[b]
	}
	if nr == 0 || nc == 0 {
		return math.NaN()
	}
	for b := range a.nbins {
		ref[b] /= nr
		cur[b] /= nc
	}
	return PSI(ref, cur)
}

// Result is psi over all the records.
func (a *psiAcc) Result() Result {
	n := 0
	for _, v := range a.values {
		if !math.IsNaN(v) {
			n++
		}
	}
	r := Result{Value: a.ValueAt(nil), N: n}
	if len(a.excluded) > 0 {
		r.Detail = Exclusions{Excluded: a.excluded}
	}
	return r
}

// decileEdges are the inner edges of bins at the sample's quantiles
// (numpy's linear quantiles), repeated edges merged.
func decileEdges(sample []float64, bins int) []float64 {
	sorted := slices.Clone(sample)
	slices.Sort(sorted)
	var edges []float64
	for i := 1; i < bins; i++ {
		e := quantileSorted(sorted, float64(i)/float64(bins))
		if len(edges) == 0 || e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	return edges
}
