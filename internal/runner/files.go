package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/verdict"
)

func manifest(exp *spec.Experiment, runID, dsHash string, st datasets.Stats, res *engine.Result, tr *timeRange, opt Options) results.Manifest {
	d := exp.Dataset
	format, _ := datasets.FormatFor(d.Path, d.Format)
	m := results.Manifest{
		SchemaVersion: results.SchemaVersion,
		Tool:          results.Tool{Name: "poc", Version: Version, Go: runtime.Version()},
		RunID:         runID,
		Status:        results.Complete,
		Experiment:    results.Experiment{Name: exp.Name, Description: exp.Description, File: exp.File, SHA256: exp.Hash},
		UseCase: results.UseCase{Question: exp.UseCase.Question, Owner: exp.UseCase.Owner,
			VolumePerYear: exp.UseCase.VolumePerYear, Currency: exp.UseCase.Currency},
		Dataset: results.Dataset{
			Path: d.Path, Format: format, SHA256: dsHash, ID: d.ID, Label: d.Label, Positive: d.Positive,
			Time: d.Time, Segments: d.Segments, Filter: d.Filter,
			RowsRead: st.Read, FilteredOut: st.FilteredOut, SampledOut: st.SampledOut, Skipped: st.Skipped,
			Records: res.Records, LabelCounts: res.LabelCounts,
		},
		Settings: results.Settings{Confidence: exp.Report.Confidence, Resamples: exp.Report.Resamples,
			Seed: exp.Report.Seed, Concurrency: opt.Concurrency},
	}
	if s := d.Sample; s != nil {
		m.Dataset.Sample = &results.Sample{Size: s.Size, Fraction: s.Fraction, Seed: s.Seed, Stratify: s.Stratify}
	}
	if tr.seen {
		from, to := tr.from.UTC(), tr.to.UTC()
		m.Dataset.From, m.Dataset.To = &from, &to
	}
	for _, p := range exp.Pipelines {
		m.Pipelines = append(m.Pipelines, results.Pipeline{Name: p.Name, Role: string(p.Role), Type: p.Type,
			Description: p.Description, Config: p.Config})
	}
	return m
}

func metricsFile(exp *spec.Experiment, res *engine.Result, est [][]verdict.Estimate) results.Metrics {
	mf := results.Metrics{SchemaVersion: results.SchemaVersion, Confidence: exp.Report.Confidence, Records: res.Records}
	for i, p := range exp.Pipelines {
		pm := results.PipelineMetrics{Name: p.Name, Role: string(p.Role), Records: res.Records,
			Failures: res.Failures[i], Metrics: est[i]}
		for _, f := range res.FailureExamples[i] {
			pm.FailureExamples = append(pm.FailureExamples, results.Failure{RecordID: f.RecordID, Error: f.Err})
		}
		mf.Pipelines = append(mf.Pipelines, pm)
	}
	return mf
}

// predictionColumns are the columns of predictions.parquet, the audit trail
// of every automated decision: one row per record and pipeline.
var predictionColumns = []datasets.Column{
	{Name: "seq", Type: datasets.Int},
	{Name: "record_id", Type: datasets.String},
	{Name: "pipeline", Type: datasets.String},
	{Name: "role", Type: datasets.String},
	{Name: "truth", Type: datasets.String},
	{Name: "label", Type: datasets.String},
	{Name: "score", Type: datasets.Float},
	{Name: "latency_ms", Type: datasets.Float},
	{Name: "cost", Type: datasets.Float},
	{Name: "error", Type: datasets.String},
}

// writePredictions converts the journal into predictions.parquet.
func writePredictions(dir string, exp *spec.Experiment) error {
	roles := map[string]string{}
	for _, p := range exp.Pipelines {
		roles[p.Name] = string(p.Role)
	}
	j, err := os.Open(filepath.Join(dir, results.JournalFile))
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	defer j.Close()
	w, err := datasets.NewParquetWriter(filepath.Join(dir, results.PredictionsFile), predictionColumns)
	if err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	row := make([]any, len(predictionColumns))
	err = engine.ReadJournal(j, func(e engine.Entry) error {
		var score any
		if e.Score != nil {
			score = *e.Score
		}
		var errText any
		if e.Error != "" {
			errText = e.Error
		}
		row[0], row[1], row[2], row[3], row[4] = int64(e.Seq), e.ID, e.Pipeline, roles[e.Pipeline], e.Truth
		row[5], row[6], row[7], row[8], row[9] = e.Label, score, e.LatencyMS, e.Cost, errText
		return w.Write(row)
	})
	if cerr := w.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	return nil
}
