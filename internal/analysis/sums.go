package analysis

import (
	"fmt"
	"math"

	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
)

// sumTable is one metric's records on one set of records as every
// pipeline's sums see them (metrics.Summed): each record's vector is the
// pipelines' vectors side by side, so that one resample of the table gives
// every pipeline's replicate on the same records, as the paired
// comparisons need.
type sumTable struct {
	tab   *stats.SumTable
	terms int
	sums  []metrics.Summed
}

// sumTable is the table of metric m on the records of seg, built once;
// nil when some pipeline's accumulator of m is not a function of sums
// (the metric is then resampled record by record).
func (a *Analysis) sumTable(m int, seg *verdict.Segment) (*sumTable, error) {
	k := keyOf(0, m, seg)
	if t, ok := a.tables[k]; ok {
		return t, nil
	}
	t, err := a.buildSumTable(m, seg)
	if err != nil {
		return nil, err
	}
	a.tables[k] = t
	return t, nil
}

func (a *Analysis) buildSumTable(m int, seg *verdict.Segment) (*sumTable, error) {
	t := &sumTable{}
	for p := range a.acc {
		sm, ok := a.acc[p][m].(metrics.Summed)
		if !ok || sm.Terms() == 0 || (p > 0 && sm.Terms() != t.terms) {
			return nil, nil
		}
		t.terms = sm.Terms()
		t.sums = append(t.sums, sm)
	}
	if len(t.sums) == 0 {
		return nil, nil
	}
	pos := positions(seg)
	n := size(pos, a.acc[0][m].(metrics.Resampler).Len())
	if n < 2 {
		return nil, fmt.Errorf("resample: %d records: need at least 2", n)
	}
	at := func(i int) int { return i }
	if pos != nil {
		at = func(i int) int { return pos[i] }
	}
	tab, err := stats.NewSumTable(n, t.terms*len(t.sums), func(i int, dst []float64) {
		r := at(i)
		for p, sm := range t.sums {
			sm.Term(r, dst[p*t.terms:(p+1)*t.terms])
		}
	}, a.s.Done)
	if err != nil {
		return nil, err
	}
	t.tab = tab
	return t, nil
}

// resampleSums draws the run's resamples of metric m's table on the
// records of seg and keeps every pipeline's replicates.
func (a *Analysis) resampleSums(m int, seg *verdict.Segment, t *sumTable) error {
	sums, err := t.tab.Resample(a.s.Resamples, a.seed(m, keyOf(0, m, seg).segment), a.s.Done)
	if err != nil {
		return err
	}
	dim := t.tab.Dim()
	for p, sm := range t.sums {
		reps := make([]float64, a.s.Resamples)
		for b := range reps {
			s := sums[b*dim+p*t.terms : b*dim+(p+1)*t.terms]
			reps[b] = sm.FromSums(s)
		}
		a.reps[keyOf(p, m, seg)] = reps
	}
	return nil
}

// dist is pipeline p's distribution from its replicates, with BCa's
// acceleration from the exact leave-one-out jackknife (one value for each
// group of records with the same vector).
func (t *sumTable) dist(p int, reps []float64, s Settings) (*stats.Dist, error) {
	lo, hi := p*t.terms, (p+1)*t.terms
	sm := t.sums[p]
	est := sm.FromSums(t.tab.Total()[lo:hi])
	accel := math.NaN()
	if s.method() == stats.BootstrapBCa {
		var values []float64
		var counts []int
		t.tab.LeaveOneOut(func(sums []float64, c int) {
			values, counts = append(values, sm.FromSums(sums[lo:hi])), append(counts, c)
		})
		accel = stats.Acceleration(values, counts)
	}
	return stats.NewDistAccel(est, reps, accel, s.Confidence, s.method())
}
