package runner

import (
	"context"
	"runtime"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/pipeline"
)

func manifest(exp *spec.Experiment, runID, dsHash string, opt Options) results.Manifest {
	d := exp.Dataset
	format, _ := datasets.FormatFor(d.Path, d.Format)
	m := results.Manifest{
		SchemaVersion: results.SchemaVersion,
		Tool:          results.Tool{Name: "poc", Version: Version, Go: runtime.Version()},
		RunID:         runID,
		Experiment:    results.Experiment{Name: exp.Name, Description: exp.Description, File: exp.File, SHA256: exp.Hash},
		UseCase: results.UseCase{Question: exp.UseCase.Question, Owner: exp.UseCase.Owner, Incumbent: exp.UseCase.Incumbent,
			VolumePerYear: exp.UseCase.VolumePerYear, Currency: exp.UseCase.Currency},
		Dataset: results.Dataset{
			Path: d.Path, Format: format, SHA256: dsHash, ID: d.ID, Label: d.Label, Positive: d.Positive, LabelNames: d.LabelNames,
			Time: d.Time, Segments: d.Segments, Filter: d.Filter, SelectiveLabels: d.SelectiveLabels,
		},
		Settings: results.Settings{Confidence: exp.Report.Confidence, Resamples: exp.Report.Resamples,
			Seed: exp.Report.Seed, Concurrency: opt.Concurrency},
		Budget: results.Budget{MaxCost: exp.Budget.MaxCost, MaxErrorRate: exp.Budget.MaxErrorRate},
		Privacy: results.Privacy{Detectors: exp.Privacy.Pseudonymise, AllowURLs: exp.Privacy.AllowURLs,
			Replaced: map[string]int{}},
	}
	for _, p := range exp.Privacy.Patterns {
		m.Privacy.Patterns = append(m.Privacy.Patterns, p.Name)
	}
	if !paced(exp) {
		m.Privacy = results.Privacy{} // nothing leaves the machine
	}
	if s := d.Sample; s != nil {
		m.Dataset.Sample = &results.Sample{Size: s.Size, Fraction: s.Fraction, Seed: s.Seed, Stratify: s.Stratify}
	}
	for _, p := range exp.Pipelines {
		m.Pipelines = append(m.Pipelines, results.Pipeline{Name: p.Name, Role: string(p.Role), Type: p.Type,
			Description: p.Description, Config: p.Config})
	}
	if s := opt.Session; s != nil {
		m.Cache = results.Cache{Enabled: s.CacheDir != "", Dir: s.CacheDir}
	}
	m.Reach = reachOf(exp)
	return m
}

// reachOf is the experiment's reach (spec.Experiment.Reach) as the manifest
// records it.
func reachOf(exp *spec.Experiment) *results.Reach {
	r := exp.Reach()
	list := func(as []pipeline.Access) []results.Access {
		out := make([]results.Access, len(as))
		for i, a := range as {
			out[i] = results.Access{Target: a.Target, By: a.By}
		}
		return out
	}
	return &results.Reach{Confined: exp.Confine, Programs: list(r.Programs), Files: list(r.Files), URLs: list(r.URLs),
		Writes: list(r.Writes)}
}

// finishManifest adds what the replay learnt to a manifest.
func finishManifest(m *results.Manifest, exp *spec.Experiment, st datasets.Stats, res *engine.Result, tr *timeRange, ledger *engine.Ledger, opt Options) {
	m.Dataset.RowsRead, m.Dataset.FilteredOut, m.Dataset.SampledOut, m.Dataset.Skipped = st.Read, st.FilteredOut, st.SampledOut, st.Skipped
	m.Dataset.Records, m.Dataset.LabelCounts = res.Records, res.LabelCounts
	if tr.span.Seen {
		from, to := tr.span.From.UTC(), tr.span.To.UTC()
		m.Dataset.From, m.Dataset.To = &from, &to
	}
	m.Resumed, m.Retried = res.Resumed, res.Retried
	m.Spent = max(m.Spent+res.Spent, ledger.Total())
	m.SpentPresumed, m.InFlightAtStop = ledger.Presumed(), ledger.InFlightAtStop()
	for _, c := range res.Cached {
		m.Cache.Hits += c
	}
	if s := opt.Session; s != nil {
		if d, ok := s.Cache.(*cache.Disk); ok {
			m.Cache.PutErrors, m.Cache.FirstPutError = cachePutErrors(d)
		}
	}
	if s := opt.Session; s != nil && s.Replaced != nil {
		m.Privacy.Replaced = s.Replaced()
	}
	m.Finished = opt.Now()
	m.DurationSeconds = m.Finished.Sub(m.Started).Seconds()
}

// cachePutErrors is how many answers the cache failed to store and the
// first failure: a full disk, say, which would make the rerun pay again.
func cachePutErrors(d *cache.Disk) (int, string) {
	st := d.Stats()
	return int(st.PutErrors), st.FirstPutError
}

func metricsFile(exp *spec.Experiment, res *engine.Result, est [][]results.Estimate) results.Metrics {
	mf := results.Metrics{SchemaVersion: results.SchemaVersion, Confidence: exp.Report.Confidence, Records: res.Records}
	for i, p := range exp.Pipelines {
		pm := results.PipelineMetrics{Name: p.Name, Role: string(p.Role), Records: res.Records,
			Failures: res.Failures[i], Metrics: est[i]}
		for _, f := range res.FailureExamples[i] {
			pm.FailureExamples = append(pm.FailureExamples, results.Failure{RecordID: f.RecordID, Error: f.Err})
		}
		pm.Unparseable, pm.Cached = res.Unparseable[i], res.Cached[i]
		for _, u := range res.UnparseableExamples[i] {
			pm.UnparseableExamples = append(pm.UnparseableExamples, results.Failure{RecordID: u.RecordID, Error: "unparseable answer: " + u.Output.Raw})
		}
		mf.Pipelines = append(mf.Pipelines, pm)
	}
	return mf
}

// writePredictions converts the journal into predictions.parquet. When
// ctx ends first it leaves no parquet file and returns nil: the analysis
// that follows stops at once, and the replay marks the run interrupted
// during the analysis, as for a stop at any later step (the journal holds
// every record, so a resume or `poc report` converts it again).
func writePredictions(ctx context.Context, dir string, exp *spec.Experiment, preds *results.Predictions) error {
	roles := map[string]string{}
	for _, p := range exp.Pipelines {
		roles[p.Name] = string(p.Role)
	}
	err := results.WritePredictionsParquetFrom(ctx, dir, preds, roles)
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}
