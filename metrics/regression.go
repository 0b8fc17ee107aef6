package metrics

import (
	"iter"
	"math"
	"strconv"
	"strings"

	"github.com/poc-harness/poc/pipeline"
)

// Regression metrics compare a numeric prediction (Output.Score, or the
// label parsed as a number) with a numeric true label. Records whose truth
// or prediction is not a number, and failed records, are left out and
// counted by reason in the detail.

var numberKind = []string{"score", "label"}

func init() {
	for _, d := range []struct {
		typ, doc string
		dir      Direction
		value    func(rows iter.Seq[[]float64]) float64
	}{
		{"mae", "mean absolute error of a numeric prediction", LowerIsBetter, mae},
		{"rmse", "root mean squared error of a numeric prediction", LowerIsBetter, rmse},
		{"mape", "mean absolute percentage error |y − ŷ| / |y| (as a fraction; scikit-learn's definition)", LowerIsBetter, mape},
		{"r2", "coefficient of determination R² of a numeric prediction", HigherIsBetter, r2},
	} {
		register(Info{Type: d.typ, Doc: d.doc, Direction: d.dir, Accepts: numberKind}, func(env Env) (Metric, error) {
			return newNumericMetric(env.Name, d.typ, d.dir, d.value).build(), nil
		})
	}
	Register(Info{Type: "within_tolerance", Doc: "share of numeric predictions within `tolerance:` of the truth (absolute, or `relative: true`)", Accepts: numberKind},
		func() Spec { return new(ToleranceSpec) })
}

// newNumericMetric is a rowMetric over rows (truth, prediction).
func newNumericMetric(name, typ string, dir Direction, value func(iter.Seq[[]float64]) float64) *rowMetric {
	m := &rowMetric{name: name, typ: typ, dir: dir, width: 2, value: value, reads: true}
	m.row = func(o Observation, r []float64) string {
		if o.Truth == "" {
			return "no label"
		}
		y, err := strconv.ParseFloat(strings.TrimSpace(o.Truth), 64)
		if err != nil || math.IsNaN(y) {
			return "label is not a number"
		}
		if o.Pred.Failed() {
			return "failed"
		}
		yhat, ok := numericPrediction(o.Pred.Output)
		if !ok {
			return "prediction is not a number"
		}
		r[0], r[1] = y, yhat
		return ""
	}
	return m
}

// numericPrediction is the output's score, or its label parsed as a number.
func numericPrediction(out pipeline.Output) (float64, bool) {
	if out.HasScore {
		return out.Score, !math.IsNaN(out.Score)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(out.Label), 64)
	return v, err == nil && !math.IsNaN(v)
}

func mae(rows iter.Seq[[]float64]) float64 {
	sum, n := 0.0, 0
	for r := range rows {
		sum += math.Abs(r[0] - r[1])
		n++
	}
	return ratio(sum, float64(n))
}

func rmse(rows iter.Seq[[]float64]) float64 {
	sum, n := 0.0, 0
	for r := range rows {
		d := r[0] - r[1]
		sum += d * d
		n++
	}
	return math.Sqrt(ratio(sum, float64(n)))
}

// mape is mean_absolute_percentage_error: |y − ŷ| / max(|y|, ε).
func mape(rows iter.Seq[[]float64]) float64 {
	const eps = 2.220446049250313e-16
	sum, n := 0.0, 0
	for r := range rows {
		sum += math.Abs(r[0]-r[1]) / max(math.Abs(r[0]), eps)
		n++
	}
	return ratio(sum, float64(n))
}

// r2 is r2_score: 1 − SS_res / SS_tot; with a constant truth it is 1 for a
// perfect prediction and 0 otherwise, as scikit-learn returns.
func r2(rows iter.Seq[[]float64]) float64 {
	sum, n := 0.0, 0
	for r := range rows {
		sum += r[0]
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	mean := sum / float64(n)
	res, tot := 0.0, 0.0
	for r := range rows {
		res += (r[0] - r[1]) * (r[0] - r[1])
		tot += (r[0] - mean) * (r[0] - mean)
	}
	if tot == 0 {
		if res == 0 {
			return 1
		}
		return 0
	}
	return 1 - res/tot
}

// ToleranceSpec configures within_tolerance:
//
//   - {name: within_10pct, type: within_tolerance, tolerance: 0.1, relative: true}
type ToleranceSpec struct {
	// Tolerance is the largest accepted error (a fraction of |truth| when
	// Relative).
	Tolerance float64 `yaml:"tolerance"`
	// Relative makes the tolerance a fraction of the true value.
	Relative bool `yaml:"relative"`
}

// Build checks the tolerance.
func (s *ToleranceSpec) Build(env Env) (Metric, error) {
	if s.Tolerance <= 0 || math.IsNaN(s.Tolerance) {
		return nil, pipeline.Errorf("tolerance", "missing or not positive: the largest accepted error, e.g. `tolerance: 0.1`")
	}
	tol, rel := s.Tolerance, s.Relative
	m := newNumericMetric(env.Name, "within_tolerance", HigherIsBetter, meanOf)
	extract := m.row
	m.width = 1
	m.row = func(o Observation, r []float64) string {
		var pair [2]float64
		if why := extract(o, pair[:]); why != "" {
			return why
		}
		limit := tol
		if rel {
			limit = tol * math.Abs(pair[0])
		}
		r[0] = b2f(math.Abs(pair[0]-pair[1]) <= limit*(1+1e-12))
		return ""
	}
	m.counts = shareCounts
	return m.build(), nil
}
