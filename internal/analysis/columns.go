package analysis

import (
	"math"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
)

// columns are per-record amounts of the same records (a pipeline's cost,
// its errors' price, the people's handling time), resampled together: one
// set of bootstrap replicates of their sums serves the interval of every
// mean and of every paired difference of two of them, so that the savings
// against each baseline and each pipeline's yearly figures come from the
// same resampled records.
type columns struct {
	s    Settings
	vals []column
	sums []float64 // replicate b's sum of column j: sums[b*len(vals)+j]
	tab  *stats.SumTable
}

// column is one per-record amount: kept as values, or worked out record
// by record from what is kept (a pipeline's error cost from its outcomes),
// so that a million records of several pipelines need no copy of each.
type column struct {
	vals []float64 // nil when at works the amounts out
	at   func(i int) float64
	n    int
}

// get is record i's amount.
func (c column) get(i int) float64 {
	if c.vals != nil {
		return c.vals[i]
	}
	return c.at(i)
}

// mean is the column's mean (NaN for no record).
func (c column) mean() float64 {
	if c.vals != nil {
		return mean(c.vals)
	}
	if c.n == 0 {
		return math.NaN()
	}
	s := 0.0
	for i := range c.n {
		s += c.at(i)
	}
	return s / float64(c.n)
}

// constant reports whether every record has the same amount.
func (c column) constant() bool {
	if c.n == 0 {
		return true
	}
	first := c.get(0)
	for i := range c.n {
		if c.get(i) != first {
			return false
		}
	}
	return true
}

// add is the index of a column of values, one per record. A column added
// before (the same slice: the zeros pipelines that cost nothing share, a
// total that is its error cost) keeps its index, and is resampled once.
func (c *columns) add(v []float64) int {
	for j, w := range c.vals {
		if w.vals != nil && len(w.vals) == len(v) && len(v) > 0 && &w.vals[0] == &v[0] {
			return j
		}
	}
	c.vals = append(c.vals, column{vals: v, n: len(v)})
	return len(c.vals) - 1
}

// addFunc is the index of a column of n amounts that at works out.
func (c *columns) addFunc(n int, at func(i int) float64) int {
	c.vals = append(c.vals, column{at: at, n: n})
	return len(c.vals) - 1
}

// resample draws the replicates once, on first use.
func (c *columns) resample() error {
	if c.sums != nil {
		return nil
	}
	n := c.vals[0].n
	tab, err := stats.NewSumTable(n, len(c.vals), func(i int, dst []float64) {
		for j, v := range c.vals {
			dst[j] = v.get(i)
		}
	}, c.s.Done)
	if err != nil {
		return err
	}
	sums, err := tab.Resample(c.s.Resamples, c.s.Seed, c.s.Done)
	if err != nil {
		return err
	}
	c.tab, c.sums = tab, sums
	return nil
}

// replicates are of, a statistic of the columns' sums, on every resample
// (drawn on first use).
func (c *columns) replicates(of func(sums []float64) float64) ([]float64, error) {
	if err := c.resample(); err != nil {
		return nil, err
	}
	dim := len(c.vals)
	reps := make([]float64, c.s.Resamples)
	for b := range reps {
		reps[b] = of(c.sums[b*dim : (b+1)*dim])
	}
	return reps, nil
}

// yearly is the mean of column j × vol with its bootstrap interval (the
// run's method; BCa with the exact jackknife), "exact" when every record
// has the same value. The error is the resampling's when it was stopped.
func (c *columns) yearly(j int, vol float64, assumption string) (results.Projection, error) {
	v := c.vals[j]
	p := results.Projection{Value: results.Number(v.mean() * vol), Assumption: assumption, Interval: results.NoInterval()}
	if v.constant() {
		p.Interval = results.Interval{Lo: p.Value, Hi: p.Value, Method: "exact"}
		return p, nil
	}
	if v.n < 2 {
		return p, nil
	}
	n := float64(v.n)
	reps, err := c.replicates(func(s []float64) float64 { return s[j] / n })
	if err != nil {
		return p, err
	}
	accel := math.NaN()
	if c.s.method() == stats.BootstrapBCa {
		var values []float64
		var counts []int
		c.tab.LeaveOneOut(func(s []float64, k int) { values, counts = append(values, s[j]/(n-1)), append(counts, k) })
		accel = stats.Acceleration(values, counts)
	}
	// The estimate as the replicates add it up, so that a column that is
	// another's multiple (the people's cost of their minutes) ties with its
	// replicates alike.
	d, err := stats.NewDistAccel(c.tab.Total()[j]/n, reps, accel, c.s.Confidence, c.s.method())
	if err != nil {
		return p, nil
	}
	iv := d.Interval()
	p.Interval = results.Interval{Lo: results.Number(iv.Lo * vol), Hi: results.Number(iv.Hi * vol), Method: iv.Method}
	return p, nil
}

// pairedYearly is (mean of column base − mean of column cand) × vol with
// the paired percentile interval over the same resampled records, "exact"
// when the difference is the same on every record. The error is the
// resampling's when it was stopped.
func (c *columns) pairedYearly(cand, base int, vol float64, assumption string) (results.Projection, error) {
	cv, bv := c.vals[cand], c.vals[base]
	p := results.Projection{Value: results.Number((bv.mean() - cv.mean()) * vol), Assumption: assumption, Interval: results.NoInterval()}
	same := true
	if cv.n > 0 {
		first := bv.get(0) - cv.get(0)
		for i := range cv.n {
			if bv.get(i)-cv.get(i) != first {
				same = false
				break
			}
		}
	}
	if same {
		p.Interval = results.Interval{Lo: p.Value, Hi: p.Value, Method: "exact"}
		return p, nil
	}
	if cv.n < 2 {
		return p, nil
	}
	n := float64(cv.n)
	reps, err := c.replicates(func(s []float64) float64 { return (s[base] - s[cand]) / n })
	if err != nil {
		return p, err
	}
	iv := stats.PercentileInterval(reps, c.s.Confidence)
	p.Interval = results.Interval{Lo: results.Number(iv.Lo * vol), Hi: results.Number(iv.Hi * vol), Method: iv.Method}
	return p, nil
}
