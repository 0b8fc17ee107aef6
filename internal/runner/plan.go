package runner

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/pipeline"
)

// Plan is what a run of an experiment would cost and take, estimated
// without calling anything.
type Plan struct {
	// Records is the number of records the run would replay.
	Records int
	// Pipelines has one line per pipeline, in file order.
	Pipelines []PipelinePlan
	// Cost is the estimated cost of the whole run.
	Cost float64
	// Wall is the estimated wall time: pipelines run side by side, so the
	// slowest pipeline sets it.
	Wall time.Duration
	// Currency is the experiment's currency.
	Currency string
	// MaxCost is the file's budget (0: none); BudgetRecords is about how
	// many records it pays for when it is smaller than the run.
	MaxCost       float64
	BudgetRecords int
	// VolumePerYear and YearlyCost project the candidates' running cost.
	VolumePerYear int64
	// Warnings say where the sample is too small for the margins the
	// criteria ask for.
	Warnings []string
}

// PipelinePlan is the estimate for one pipeline.
type PipelinePlan struct {
	Name string
	Role string
	Type string
	// Paid is false for pipelines that call nothing (rules, recorded columns).
	Paid bool
	// InputTokens and OutputTokens are totals over the run.
	InputTokens  int64
	OutputTokens int64
	// Cost is the run's cost for this pipeline; PerRecord its mean.
	Cost      float64
	PerRecord float64
	// YearlyCost is PerRecord × the use case's yearly volume.
	YearlyCost float64
	// Wall is the estimated time of this pipeline alone, and Limit what
	// bounds it: concurrency × latency, requests per minute.
	Wall  time.Duration
	Limit string
}

// MakePlan reads the records the run would replay and asks every pipeline
// that can estimate its cost (LLM and HTTP pipelines) for each of them.
func MakePlan(exp *spec.Experiment) (*Plan, error) {
	plan := &Plan{Currency: exp.UseCase.Currency, MaxCost: exp.Budget.MaxCost, VolumePerYear: exp.UseCase.VolumePerYear}
	for _, p := range exp.Pipelines {
		_, paid := p.Pipeline.(pipeline.Estimator)
		plan.Pipelines = append(plan.Pipelines, PipelinePlan{Name: p.Name, Role: string(p.Role), Type: p.Type, Paid: paid})
	}
	stream, err := datasets.Open(exp.Dataset.Path, datasetOptions(exp))
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	defer stream.Close()
	tally := newTally(exp)
	err = datasets.Each(context.Background(), stream, func(rec datasets.Record) error {
		plan.Records++
		tally.add(exp, rec)
		for i, p := range exp.Pipelines {
			est, ok := p.Pipeline.(pipeline.Estimator)
			if !ok {
				continue
			}
			e, err := est.Estimate(rec)
			if err != nil {
				return fmt.Errorf("pipeline %q, record %d: %w", p.Name, rec.Seq+1, err)
			}
			pp := &plan.Pipelines[i]
			pp.InputTokens += int64(e.InputTokens)
			pp.OutputTokens += int64(e.OutputTokens)
			pp.Cost += e.Cost
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan: read dataset: %w", err)
	}
	for i, p := range exp.Pipelines {
		pp := &plan.Pipelines[i]
		if plan.Records > 0 {
			pp.PerRecord = pp.Cost / float64(plan.Records)
		}
		pp.YearlyCost = pp.PerRecord * float64(exp.UseCase.VolumePerYear)
		plan.Cost += pp.Cost
		if t, ok := p.Pipeline.(pipeline.Throughput); ok {
			pp.Wall, pp.Limit = wallTime(plan.Records, t)
			plan.Wall = max(plan.Wall, pp.Wall)
		}
	}
	plan.Warnings = sufficiency(exp, tally, plan.Records)
	if plan.MaxCost > 0 && plan.Cost > plan.MaxCost && plan.Records > 0 {
		plan.BudgetRecords = int(math.Floor(plan.MaxCost / (plan.Cost / float64(plan.Records))))
	}
	return plan, nil
}

// wallTime is the time n calls take at the pipeline's concurrency and
// expected latency, or at its request limit when that is slower.
func wallTime(n int, t pipeline.Throughput) (time.Duration, string) {
	conc := max(1, t.Concurrency())
	lat := t.ExpectedLatency()
	byConcurrency := time.Duration(float64(n) / float64(conc) * float64(lat))
	limit := fmt.Sprintf("%d at once × %s each", conc, lat)
	if rpm := t.RequestsPerMinute(); rpm > 0 {
		byRate := time.Duration(float64(n) / rpm * float64(time.Minute))
		if byRate > byConcurrency {
			return byRate, fmt.Sprintf("%g requests per minute", rpm)
		}
	}
	return byConcurrency, limit
}

// denominators says which records a proportion metric is a share of, by
// metric type: positives (recall), negatives (false positive rate) or all
// records. Metrics not listed are not checked.
var denominators = map[string]string{
	"recall": "positives", "weighted_recall": "positives", "precision": "positives", "f1": "positives",
	"specificity": "negatives", "false_positive_rate": "negatives",
	"accuracy": "records", "flag_rate": "records", "error_rate": "records", "macro_f1": "records",
}
