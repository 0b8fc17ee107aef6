package metrics

import (
	"math"
	"sort"

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
// the lower bin. Records without a numeric value are left out. The windows
// and the bins are fixed from all the records: a bootstrap resample keeps
// them and recounts the shares (O(n), no sort).
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
	return &psiMetric{name: env.Name, column: s.Column}, nil
}

// PSIOfSamples is the population stability index of the current sample
// against the reference one, over bins at the reference's quantiles
// (bins = 10 for deciles; repeated edges are merged).
func PSIOfSamples(reference, current []float64, bins int) float64 {
	if len(reference) == 0 || len(current) == 0 {
		return math.NaN()
	}
	edges := decileEdges(reference, bins)
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
