package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/analysis"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/metrics"
)

// projectImpact projects the yearly figures of impact.json from the
// replay's predictions and the dataset columns the use case names (re-read
// with the replay's options, so that record k is the journal's seq k). It returns
// nil when the use case states no yearly volume. A value of a cost or
// minutes column that is missing, not a number or negative counts as 0 and
// is reported in the notes; only an unreadable journal or dataset is an
// error, or ctx ending (every read and the resampling stop promptly), with
// an error wrapping ctx's. It returns what the projection rests on too, for
// pricing other decisions.
func projectImpact(ctx context.Context, exp *spec.Experiment, res *engine.Result, dopt datasets.Options, records int) (*results.Impact, *analysis.ImpactInput, error) {
	uc := exp.UseCase
	if uc.VolumePerYear <= 0 || records == 0 {
		return nil, nil, nil
	}
	in, err := impactInput(ctx, exp, res, dopt, records)
	if err != nil {
		return nil, nil, fmt.Errorf("project impact: %w", err)
	}
	r := exp.Report
	ij, err := analysis.Impact(in, analysis.Settings{Confidence: r.Confidence, Resamples: r.Resamples, Seed: r.Seed, Method: r.Method, Done: ctx.Done()})
	if ij != nil {
		ij.Incumbent = uc.Incumbent
	}
	return ij, &in, err
}

// impactInput gathers what the projection rests on: the use case's
// figures, the columns they name, and each pipeline's cost and outcome per
// record from the replay's predictions.
func impactInput(ctx context.Context, exp *spec.Experiment, res *engine.Result, dopt datasets.Options, n int) (analysis.ImpactInput, error) {
	preds := res.Predictions
	uc := exp.UseCase
	in := analysis.ImpactInput{Currency: uc.Currency, Volume: uc.VolumePerYear, Positive: exp.Dataset.Positive,
		Label: exp.Dataset.Label, PositiveName: exp.Dataset.LabelNames[cmp.Or(exp.Dataset.Positive, "1")], Records: n}
	var cols []*analysis.PerRecord // the figures read from a column
	figure := func(v *analysis.PerRecord, p spec.PerRecord) *analysis.PerRecord {
		v.Column, v.Value = p.Column, p.Value
		if p.Column != "" {
			cols = append(cols, v)
		}
		return v
	}
	if c := uc.CostOfError; c != nil {
		in.MissedPositive = figure(&analysis.PerRecord{}, c.MissedPositive)
		in.FalsePositive = figure(&analysis.PerRecord{}, c.FalsePositive)
	}
	if p := uc.People; p != nil {
		in.People = &analysis.People{Baseline: p.Baseline, HourlyCost: p.HourlyCost, HoursPerFTE: p.HoursPerFTE}
		figure(&in.People.Minutes, p.MinutesPerRecord)
	}
	var unread []*analysis.PerRecord
	for _, c := range cols {
		kept, ok := res.Kept[c.Column]
		switch {
		case !ok || kept.Len() < n:
			c.Values = make([]float64, n)
			unread = append(unread, c)
		case figures(kept, n):
			c.Values = kept.Floats()[:n:n] // the kept column itself: every value a figure as it is
		default:
			c.Values = make([]float64, n)
			for seq := range n {
				c.Values[seq] = c.Figure(kept.At(seq))
			}
		}
	}
	if len(unread) > 0 {
		if err := readImpactColumns(ctx, exp, dopt, unread, preds); err != nil {
			return in, err
		}
	}
	var zeros []float64 // the cost of the pipelines that cost nothing, shared
	for _, p := range exp.Pipelines {
		ip := analysis.ImpactPipeline{Name: p.Name, Role: string(p.Role), Outcomes: make([]metrics.Outcome, n)}
		for seq := range ip.Outcomes {
			ip.Outcomes[seq] = metrics.Unlabelled // a record the journal lacks enters no count
		}
		pp := preds.Pipeline(p.Name)
		if pp != nil {
			for seq := range min(n, preds.Records) {
				if pp.Has(seq) {
					ip.Outcomes[seq] = metrics.Classify(preds.Truth(seq), pp.Label(seq), pp.Err(seq) != "", exp.Dataset.Positive)
				}
			}
		}
		switch {
		case pp != nil && n <= preds.Records:
			ip.Cost = pp.Costs(n) // a record the pipeline lacks costs nothing there
		case pp != nil:
			ip.Cost = make([]float64, n)
			for seq := range preds.Records {
				ip.Cost[seq] = pp.Cost(seq)
			}
		}
		if ip.Cost == nil {
			if zeros == nil {
				zeros = make([]float64, n)
			}
			ip.Cost = zeros
		}
		in.Pipelines = append(in.Pipelines, ip)
	}
	return in, nil
}

// figures reports whether the first n values of a kept column are numbers
// that are their own figures (none missing, negative or infinite), so that
// the projection can read the column as it is.
func figures(col *engine.Column, n int) bool {
	nums := col.Floats()
	if len(nums) < n {
		return false
	}
	for _, f := range nums[:n] {
		if !(f >= 0) || math.IsInf(f, 1) {
			return false
		}
	}
	return true
}

// readImpactColumns re-reads the replayed records and keeps the values of
// cols, checking that each record's id is the one the replay recorded
// (in preds).
func readImpactColumns(ctx context.Context, exp *spec.Experiment, dopt datasets.Options, cols []*analysis.PerRecord, preds *results.Predictions) error {
	for _, c := range cols {
		dopt.Require = append(dopt.Require, c.Column)
	}
	stream, err := datasets.Open(exp.Dataset.Path, dopt)
	if err != nil {
		return fmt.Errorf("open dataset: %w", err)
	}
	defer stream.Close()
	err = datasets.EachOnce(ctx, stream, func(rec datasets.Record) error {
		if rec.Seq >= preds.Records {
			return errReplayed
		}
		if id := rec.String(exp.Dataset.ID); exp.Dataset.ID != "" && id != "" && id != preds.ID(rec.Seq) {
			return fmt.Errorf("record %d is %q in the journal but %q in the dataset: the dataset changed since the replay",
				rec.Seq, preds.ID(rec.Seq), id)
		}
		for _, c := range cols {
			c.Values[rec.Seq] = c.Figure(rec.Fields[c.Column])
		}
		return nil
	})
	if err != nil && !errors.Is(err, errReplayed) {
		return fmt.Errorf("read dataset: %w", err)
	}
	return nil
}
