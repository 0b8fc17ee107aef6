package metrics

import (
	"iter"
	"math"
	"slices"
	"sort"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "psi", Doc: "population stability index of a numeric input `column:` between the first and last quarter of the replay (decile bins of the first)", Direction: LowerIsBetter, Accepts: anyKind},
		func() Spec { return new(PSISpec) })
}

// psiFloor replaces an empty bin's share, so the logarithm stays finite.
const psiFloor = 1e-4

// PSISpec configures psi:
//
//   - {name: drift_amount, type: psi, column: amount}
//
// The reference window is the first quarter of the records in replay order
// (order the dataset by its time column to make that the oldest quarter),
// the current window the last quarter. Bins are the deciles of the
// reference window (numpy's linear quantiles); a value on an edge falls in
// the lower bin. Records without a numeric value are left out.
type PSISpec struct {
	// Column names the numeric input column.
	Column string `yaml:"column"`
}

// Build checks the column.
func (s *PSISpec) Build(env Env) (Metric, error) {
	if s.Column == "" {
		return nil, pipeline.Errorf("column", "missing: the numeric input column to watch, e.g. `column: amount`")
	}
	if !env.HasColumn(s.Column) {
		return nil, columnError(env, "column", s.Column)
	}
	col := s.Column
	m := &rowMetric{name: env.Name, typ: "psi", dir: LowerIsBetter, width: 2, value: psiOfRows,
		sortKey: func(r []float64) float64 { return r[1] }}
	// Row: value, replay position (the record's Seq, stable under Merge).
	m.row = func(o Observation, r []float64) string {
		v, ok := datasets.ToFloat(o.Record.Fields[col])
		if !ok || math.IsInf(v, 0) {
			return "not a number"
		}
		r[0], r[1] = v, float64(o.Record.Seq)
		return ""
	}
	return m.build(), nil
}

// psiOfRows splits the rows, which come in replay order (sortKey), into
// quarters and compares the last with the first.
func psiOfRows(rows iter.Seq[[]float64]) float64 {
	var values []float64
	for r := range rows {
		values = append(values, r[0])
	}
	q := len(values) / 4
	if q < 2 {
		return math.NaN()
	}
	return PSIOfSamples(values[:q], values[len(values)-q:], 10)
}

// PSIOfSamples is the population stability index of the current sample
// against the reference one, over bins at the reference's quantiles
// (bins = 10 for deciles; repeated edges are merged).
func PSIOfSamples(reference, current []float64, bins int) float64 {
	if len(reference) == 0 || len(current) == 0 {
		return math.NaN()
	}
	sorted := slices.Clone(reference)
	slices.Sort(sorted)
	var edges []float64
	for i := 1; i < bins; i++ {
		e := quantileSorted(sorted, float64(i)/float64(bins))
		if len(edges) == 0 || e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	share := func(values []float64) []float64 {
		out := make([]float64, len(edges)+1)
		for _, v := range values {
			out[sort.SearchFloat64s(edges, v)]++
		}
		for i := range out {
			out[i] /= float64(len(values))
		}
		return out
	}
	return PSI(share(reference), share(current))
}

// PSI is Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ) over bin shares: expected (reference) and
// actual (current). A share of zero counts as 1e-4.
func PSI(expected, actual []float64) float64 {
	if len(expected) != len(actual) || len(expected) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for i := range expected {
		e, a := max(expected[i], psiFloor), max(actual[i], psiFloor)
		sum += (a - e) * math.Log(a/e)
	}
	return sum
}
