// Package metricstest checks that a metric keeps the contracts the engine
// and the statistics layer rely on. A metric author calls Conformance from
// a test with a handful of observations:
//
//	metricstest.Conformance(t, m, observations)
//
// It imports metrics and the standard library only.
package metricstest

import (
	"math"
	"testing"

	"github.com/poc-harness/poc/internal/analysis"
	"github.com/poc-harness/poc/metrics"
)

// Conformance checks m on obs:
//   - adding the observations in two halves and merging gives the same value
//     as adding them all to one accumulator;
//   - an accumulator that implements metrics.Resampler has one entry per
//     observation, and ValueAt over every position equals Result().Value;
//   - a metrics.Summed accumulator's FromSums of its records' vectors
//     equals ValueAt, over every record and over every other record;
//   - a metric that names the columns it reads (metrics.Columns) gives the
//     same value from records holding only those columns;
//   - a metrics.Proportion's counts reproduce the value when ok, and its
//     per-record metrics.Outcomes add up to the counts.
func Conformance(t testing.TB, m metrics.Metric, obs []metrics.Observation) {
	t.Helper()
	if err := analysis.Check(m); err != nil {
		t.Errorf("%s: %v", m.Name(), err)
	}
	whole := m.New()
	for _, o := range obs {
		whole.Add(o)
	}
	want := whole.Result().Value

	first, second := m.New(), m.New()
	half := len(obs) / 2
	for _, o := range obs[:half] {
		first.Add(o)
	}
	for _, o := range obs[half:] {
		second.Add(o)
	}
	if err := first.Merge(second); err != nil {
		t.Fatalf("%s: merge: %v", m.Name(), err)
	}
	if got := first.Result().Value; !same(got, want) {
		t.Errorf("%s: merged halves give %v, all at once %v", m.Name(), got, want)
	}

	if r, ok := whole.(metrics.Resampler); ok {
		if r.Len() != len(obs) {
			t.Errorf("%s: Len() = %d after %d observations", m.Name(), r.Len(), len(obs))
		}
		idx := make([]int, len(obs))
		for i := range idx {
			idx[i] = i
		}
		if got := r.ValueAt(idx); !same(got, want) {
			t.Errorf("%s: ValueAt(all) = %v, Result().Value = %v", m.Name(), got, want)
		}
	}
	checkSums(t, m.Name(), whole, len(obs))
	checkColumns(t, m, obs, want)
	if p, ok := whole.(metrics.Proportion); ok {
		if s, n, isProp := p.Counts(); isProp && n > 0 && !same(float64(s)/float64(n), want) {
			t.Errorf("%s: Counts() = %d/%d, value %v", m.Name(), s, n, want)
		}
	}
	checkOutcomes(t, m.Name(), whole, len(obs))
}

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

// checkColumns verifies that a metric that names the columns it reads
// gives value want from the observations cut down to those columns.
func checkColumns(t testing.TB, m metrics.Metric, obs []metrics.Observation, want float64) {
	t.Helper()
	c, ok := m.(metrics.Columns)
	if !ok {
		return
	}
	cols, known := c.Columns()
	if !known {
		return
	}
	acc := m.New()
	for _, o := range obs {
		cut := make(map[string]any, len(cols))
		for _, col := range cols {
			if v, ok := o.Record.Fields[col]; ok {
				cut[col] = v
			}
		}
		o.Record.Fields = cut
		acc.Add(o)
	}
	if got := acc.Result().Value; !same(got, want) {
		t.Errorf("%s: from records holding only its columns %v it gives %v, from the whole records %v", m.Name(), cols, got, want)
	}
}

// checkSums verifies that a Summed accumulator's value of its records'
// sums is ValueAt's, on every record and on the even positions.
func checkSums(t testing.TB, name string, acc metrics.Accumulator, n int) {
	t.Helper()
	sm, ok := acc.(metrics.Summed)
	r, isR := acc.(metrics.Resampler)
	if !ok || sm.Terms() == 0 {
		return
	}
	if !isR {
		t.Errorf("%s: it gives sums (Summed) without per-record values (Resampler)", name)
		return
	}
	for _, step := range []int{1, 2} {
		s := make([]float64, sm.Terms())
		term := make([]float64, sm.Terms())
		var idx []int
		for i := 0; i < n; i += step {
			clear(term)
			sm.Term(i, term)
			for j, v := range term {
				s[j] += v
			}
			idx = append(idx, i)
		}
		if got, want := sm.FromSums(s), r.ValueAt(idx); !same(got, want) {
			t.Errorf("%s: FromSums over every %d records = %v, ValueAt = %v", name, step, got, want)
		}
	}
}

// checkOutcomes verifies that per-record Outcomes add up to Counts.
func checkOutcomes(t testing.TB, name string, acc metrics.Accumulator, n int) {
	t.Helper()
	o, ok := acc.(metrics.Outcomes)
	if !ok {
		return
	}
	p, ok := acc.(metrics.Proportion)
	if !ok {
		return
	}
	s, trials, isProp := p.Counts()
	if !isProp {
		return
	}
	gotS, gotN := 0, 0
	for i := range n {
		counted, success := o.Outcome(i)
		if counted {
			gotN++
			if success {
				gotS++
			}
		}
	}
	if gotS != s || gotN != trials {
		t.Errorf("%s: Outcome() adds up to %d/%d, Counts() = %d/%d", name, gotS, gotN, s, trials)
	}
}
