package metrics

import (
	"fmt"
	"iter"
	"maps"
	"math"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "expr", Doc: "an expression per record (`value:`, optional `where:`) aggregated by `aggregate:` mean, sum, rate or ratio (with `denominator:`)", Accepts: anyKind},
		func() Spec { return new(ExprSpec) })
}

// ExprNames are the names an expression metric may use besides the
// dataset's columns. They shadow a column of the same name; `record` gives
// every column, as record["label"].
var ExprNames = []string{"label", "score", "truth", "text", "fields", "failed", "latency_ms", "cost", "record"}

// ExprSpec configures an expression metric:
//
//   - name: money_caught
//     type: expr
//     value: amount
//     where: label == "1" && truth == "1"
//     aggregate: sum
//
// value is evaluated on every record where `where` holds, over the record's
// columns and: label (the predicted label, "" when the pipeline failed),
// score (nil without one), truth (the true label), text, fields (the
// output's fields), failed, latency_ms, cost and record (all columns).
//
//   - mean: the mean of value (a number; true counts 1).
//   - sum: the sum of value.
//   - rate: the share of records where value is true.
//   - ratio: Σ value / Σ denominator.
//
// A record whose value is missing (nil) or cannot be evaluated is left out
// and counted in the detail.
type ExprSpec struct {
	// Value is the per-record expression.
	Value string `yaml:"value"`
	// Where filters the records (optional): only those where it is true count.
	Where string `yaml:"where"`
	// Aggregate is mean (default), sum, rate or ratio.
	Aggregate string `yaml:"aggregate"`
	// Denominator is the per-record expression summed below Σ value for ratio.
	Denominator string `yaml:"denominator"`
	// Direction is higher (default) or lower: which way the metric improves.
	Direction string `yaml:"direction"`
	// Unit is the unit of the value, for the report (optional).
	Unit string `yaml:"unit"`
}

// Build compiles the expressions.
func (s *ExprSpec) Build(env Env) (Metric, error) {
	var errs pipeline.FieldErrors
	names := append(append([]string(nil), env.Columns...), ExprNames...)
	kinds := maps.Clone(env.Kinds)
	for _, n := range ExprNames {
		delete(kinds, n) // the prediction's names shadow a column of the same name
	}
	compile := func(field, src string, asBool bool) *fieldexpr.Program {
		if src == "" {
			return nil
		}
		p, err := fieldexpr.Compile(src, names, asBool)
		if err == nil {
			err = p.CheckKinds(kinds)
		}
		if err != nil {
			errs = append(errs, pipeline.Errorf(field, "%v", err))
		}
		return p
	}
	if s.Value == "" {
		errs = append(errs, pipeline.Errorf("value", "missing: the expression computed per record, e.g. `value: amount`"))
	}
	agg := s.aggregate(&errs)
	dir := s.direction(&errs)
	value := compile("value", s.Value, agg == "rate")
	where := compile("where", s.Where, true)
	den := compile("denominator", s.Denominator, false)
	if len(errs) > 0 {
		return nil, errs
	}
	m := &rowMetric{name: env.Name, typ: "expr:" + agg, dir: dir, unit: s.Unit, width: 2}
	m.row = exprRow(value, where, den)
	switch agg {
	case "mean":
		// A mean of 0/1 values is a share: the analysis gives it the
		// Wilson interval, whichever way the expression was written.
		m.value, m.counts, m.binaryOnly = meanOf, shareCounts, true
	case "rate":
		m.value, m.counts = meanOf, shareCounts
	case "sum":
		m.value = func(rows iter.Seq[[]float64]) float64 {
			sum, _ := sumOf(rows)
			return sum
		}
	case "ratio":
		m.value = func(rows iter.Seq[[]float64]) float64 { return ratio(sumOf(rows)) }
	}
	return m.build(), nil
}

// aggregate returns the aggregate (mean when not given), adding to errs an
// unknown one and a denominator missing from ratio or given to another.
func (s *ExprSpec) aggregate(errs *pipeline.FieldErrors) string {
	agg := s.Aggregate
	if agg == "" {
		agg = "mean"
	}
	switch agg {
	case "mean", "sum", "rate":
		if s.Denominator != "" {
			*errs = append(*errs, pipeline.Errorf("denominator", "only for `aggregate: ratio` (aggregate is %s)", agg))
		}
	case "ratio":
		if s.Denominator == "" {
			*errs = append(*errs, pipeline.Errorf("denominator", "missing: `aggregate: ratio` divides Σ value by Σ denominator, e.g. `denominator: amount`"))
		}
	default:
		*errs = append(*errs, pipeline.Errorf("aggregate", "unknown aggregate %q: use mean, sum, rate or ratio", s.Aggregate))
	}
	return agg
}

// direction returns the direction (higher when not given), adding to errs
// one that is neither higher nor lower.
func (s *ExprSpec) direction(errs *pipeline.FieldErrors) Direction {
	switch s.Direction {
	case "", "higher":
	case "lower":
		return LowerIsBetter
	default:
		*errs = append(*errs, pipeline.Errorf("direction", "must be higher or lower, got %q", s.Direction))
	}
	return HigherIsBetter
}

// exprRow is the row function of an expression metric: the value (and the
// denominator, when there is one) of each record where `where` holds, or
// the reason the record is left out.
func exprRow(value, where, den *fieldexpr.Program) func(o Observation, r []float64) string {
	return func(o Observation, r []float64) string {
		vars := exprVars(o)
		if where != nil {
			ok, err := where.Bool(vars)
			if err != nil {
				return "where: " + err.Error()
			}
			if !ok {
				return "where is false"
			}
		}
		v, why := evalNumber(value, vars)
		if why != "" {
			return "value: " + why
		}
		r[0] = v
		if den != nil {
			d, why := evalNumber(den, vars)
			if why != "" {
				return "denominator: " + why
			}
			r[1] = d
		}
		return ""
	}
}

// exprVars is the environment of an expression for one observation.
func exprVars(o Observation) map[string]any {
	vars := make(map[string]any, len(o.Record.Fields)+len(ExprNames))
	for k, v := range o.Record.Fields {
		vars[k] = v
	}
	out := o.Pred.Output
	if o.Pred.Failed() {
		out = pipeline.Output{}
	}
	var score any
	if out.HasScore {
		score = out.Score
	}
	vars["label"] = out.Label
	vars["score"] = score
	vars["truth"] = o.Truth
	vars["text"] = out.Text
	vars["fields"] = out.Fields
	vars["failed"] = o.Pred.Failed()
	vars["latency_ms"] = float64(o.Pred.Latency) / float64(time.Millisecond)
	vars["cost"] = out.Cost
	vars["record"] = o.Record.Fields
	return vars
}

// evalNumber evaluates p to a number (true is 1); a non-empty reason says
// why the record is left out.
func evalNumber(p *fieldexpr.Program, vars map[string]any) (float64, string) {
	v, err := p.Eval(vars)
	if err != nil {
		return 0, err.Error()
	}
	if v == nil {
		return 0, "missing"
	}
	f, ok := datasets.ToFloat(v)
	if !ok || math.IsInf(f, 0) {
		return 0, fmt.Sprintf("not a number (%T)", v)
	}
	return f, ""
}
