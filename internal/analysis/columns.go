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
	vals [][]float64
	sums []float64 // replicate b's sum of column j: sums[b*len(vals)+j]
	tab  *stats.SumTable
}

// add is the index of a column of values, one per record. A column added
// before (the same slice: the zeros pipelines that cost nothing share, a
// total that is its error cost) keeps its index, and is resampled once.
func (c *columns) add(v []float64) int {
	for j, w := range c.vals {
		if len(w) == len(v) && len(v) > 0 && &w[0] == &v[0] {
			return j
		}
	}
	c.vals = append(c.vals, v)
	return len(c.vals) - 1
}

// resample draws the replicates once, on first use.
func (c *columns) resample() error {
	if c.sums != nil {
		return nil
	}
	n := len(c.vals[0])
	tab, err := stats.NewSumTable(n, len(c.vals), func(i int, dst []float64) {
		for j, v := range c.vals {
			dst[j] = v[i]
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
	p := results.Projection{Value: results.Number(mean(v) * vol), Assumption: assumption, Interval: results.NoInterval()}
	if constant(v) {
		p.Interval = results.Interval{Lo: p.Value, Hi: p.Value, Method: "exact"}
		return p, nil
	}
	if len(v) < 2 {
		return p, nil
	}
	n := float64(len(v))
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
	p := results.Projection{Value: results.Number((mean(bv) - mean(cv)) * vol), Assumption: assumption, Interval: results.NoInterval()}
	same := true
	for i := range cv {
		if bv[i]-cv[i] != bv[0]-cv[0] {
			same = false
			break
		}
	}
	if same {
		p.Interval = results.Interval{Lo: p.Value, Hi: p.Value, Method: "exact"}
		return p, nil
	}
	if len(cv) < 2 {
		return p, nil
	}
	n := float64(len(cv))
	reps, err := c.replicates(func(s []float64) float64 { return (s[base] - s[cand]) / n })
	if err != nil {
		return p, err
	}
	iv := stats.PercentileInterval(reps, c.s.Confidence)
	p.Interval = results.Interval{Lo: results.Number(iv.Lo * vol), Hi: results.Number(iv.Hi * vol), Method: iv.Method}
	return p, nil
}
