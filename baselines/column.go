package baselines

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	pipeline.Register("column", func() pipeline.Spec { return new(ColumnSpec) })
}

// ColumnSpec configures `type: column`: a decision or a score that is already
// recorded in the data — what the human agents decided at the time, or what a
// model logged in shadow mode.
//
//	type: column
//	score: model_score       # or `column: analyst_decision` for a decision
//	threshold: 0.62          # score >= threshold gives the positive class
//	latency: model_latency_ms
type ColumnSpec struct {
	// Column holds a recorded decision; its value is the output label.
	Column string `yaml:"column"`
	// Score holds a recorded score; with Threshold it also gives a label.
	Score string `yaml:"score"`
	// Threshold turns a score into a decision: score >= Threshold is the
	// positive class, anything below it the negative class.
	Threshold *float64 `yaml:"threshold"`
	// Negative is the label below the threshold (default: the other class
	// of a two-class label, else "0").
	Negative any `yaml:"negative"`
	// Latency names a column of recorded latencies in milliseconds.
	Latency string `yaml:"latency"`
	// Cost names a column of recorded per-record costs.
	Cost string `yaml:"cost"`
	// CostPerRecord is a fixed cost of one decision, used when Cost is empty.
	CostPerRecord float64 `yaml:"cost_per_record"`
}

// Build checks that the named columns exist.
func (s *ColumnSpec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	var errs pipeline.FieldErrors
	s.checkSource(&errs)
	s.checkColumns(&errs, env)
	for field, col := range map[string]string{"column": s.Column, "score": s.Score} {
		if col != "" && col == env.Label {
			errs.Add(field, "%q is the label column: a pipeline that outputs the answer it is judged against scores perfectly by construction; name the column of the decision made at the time", col)
		}
	}
	if s.CostPerRecord < 0 {
		errs.Add("cost_per_record", "must not be negative")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	positive := env.Positive
	if positive == "" {
		positive = "1"
	}
	negative := env.NegativeOf(positive)
	if s.Negative != nil {
		negative = datasets.FormatValue(s.Negative)
		if msg := env.LabelProblem(negative); msg != "" {
			return nil, pipeline.Errorf("negative", "%s", msg)
		}
	} else if msg := env.ThresholdProblem(positive); msg != "" && s.Score != "" {
		return nil, pipeline.Errorf("score", "%s; or set `negative:` to the class below the threshold", msg)
	}
	p := &Column{spec: *s, positive: positive, negative: negative}
	if s.Threshold != nil {
		p.threshold = *s.Threshold
	}
	return p, nil
}

// checkSource checks that the spec reads exactly one of a recorded decision
// (`column:`) and a recorded score (`score:` with a finite `threshold:`).
func (s *ColumnSpec) checkSource(errs *pipeline.FieldErrors) {
	switch {
	case s.Column == "" && s.Score == "":
		errs.Add("column", "missing: name the column that holds the decision (`column:`) or the score (`score:` with `threshold:`)")
	case s.Column != "" && s.Score != "":
		errs.Add("score", "give either `column:` (a recorded decision) or `score:` (a recorded score), not both")
	case s.Score != "" && s.Threshold == nil:
		errs.Add("threshold", "missing: a score needs a threshold that turns it into a decision, e.g. `threshold: 0.5`")
	case s.Column != "" && s.Threshold != nil:
		errs.Add("threshold", "a threshold applies to `score:`, not to a recorded decision in `column:`")
	case s.Threshold != nil && (math.IsNaN(*s.Threshold) || math.IsInf(*s.Threshold, 0)):
		errs.Add("threshold", "must be a number, got %v", *s.Threshold)
	}
}

// checkColumns checks that the named columns are in the dataset and that
// neither the decision nor the score is the label itself.
func (s *ColumnSpec) checkColumns(errs *pipeline.FieldErrors, env pipeline.Env) {
	if s.Column == env.Label && s.Column != "" || s.Score == env.Label && s.Score != "" {
		errs.Add("column", "the label column %q cannot be its own prediction", env.Label)
	}
	for _, c := range []struct{ field, col string }{
		{"column", s.Column}, {"score", s.Score}, {"latency", s.Latency}, {"cost", s.Cost},
	} {
		if c.col != "" && !env.HasColumn(c.col) {
			errs.Add(c.field, "%s", env.MissingColumn(c.col))
		}
	}
}

// Column is the recorded-decision pipeline built from a ColumnSpec.
type Column struct {
	spec      ColumnSpec
	threshold float64
	positive  string
	negative  string
}

// Outputs says what the column gives: a label, and a score when it reads one.
func (p *Column) Outputs() []string {
	if p.spec.Score != "" {
		return []string{pipeline.OutputLabel, pipeline.OutputScore}
	}
	return []string{pipeline.OutputLabel}
}

// Predict reads the recorded decision or score. An empty cell is the
// record's error: nobody decided, and that is not the same as "no".
func (p *Column) Predict(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
	var out pipeline.Output
	if p.spec.Column != "" {
		v := rec.Fields[p.spec.Column]
		if v == nil {
			return out, fmt.Errorf("column %q is empty", p.spec.Column)
		}
		out.Label = datasets.FormatValue(v)
	} else {
		score, ok := datasets.ToFloat(rec.Fields[p.spec.Score])
		if !ok {
			return out, fmt.Errorf("column %q: %v is not a score", p.spec.Score, rec.Fields[p.spec.Score])
		}
		out.Score, out.HasScore = score, true
		out.Label = p.negative
		if score >= p.threshold {
			out.Label = p.positive
		}
	}
	if p.spec.Latency != "" {
		ms, ok := datasets.ToFloat(rec.Fields[p.spec.Latency])
		if !ok || ms < 0 {
			return pipeline.Output{}, fmt.Errorf("column %q: %v is not a latency in milliseconds", p.spec.Latency, rec.Fields[p.spec.Latency])
		}
		out.Latency = time.Duration(ms * float64(time.Millisecond))
	}
	out.Cost = p.spec.CostPerRecord
	if p.spec.Cost != "" {
		c, ok := datasets.ToFloat(rec.Fields[p.spec.Cost])
		if !ok {
			return pipeline.Output{}, fmt.Errorf("column %q: %v is not a cost", p.spec.Cost, rec.Fields[p.spec.Cost])
		}
		out.Cost = c
	}
	return out, nil
}
