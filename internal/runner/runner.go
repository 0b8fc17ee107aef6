package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/report"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// Version is the tool version written into every manifest; the build may
// set it with -ldflags "-X github.com/poc-harness/poc/internal/runner.Version=v1.2.3".
var Version = "0.1.0-dev"

// ErrInterrupted is returned when the context ended the replay early. The
// run folder then holds the journal of every finished record and a manifest
// with status "interrupted".
var ErrInterrupted = errors.New("run interrupted")

// Options tune a run.
type Options struct {
	// Out is the folder under which runs are written (default "results").
	Out string
	// Concurrency is the number of replay workers (default: CPUs).
	Concurrency int
	// Progress, when set, receives the number of records finished so far.
	Progress func(done int)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Outcome is what a run produced.
type Outcome struct {
	// Dir is the run folder.
	Dir string
	// Run is the run folder's content.
	Run *results.Run
}

// Run replays the experiment and writes its run folder. A pipeline failing
// on records is data, not an error; the error is for a dataset that cannot be
// read, a folder that cannot be written, or an interruption (ErrInterrupted,
// with the partial run folder in Outcome.Dir).
func Run(ctx context.Context, exp *spec.Experiment, opt Options) (*Outcome, error) {
	if opt.Out == "" {
		opt.Out = "results"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = runtime.NumCPU()
	}
	started := opt.Now()
	dir, runID, err := makeRunDir(opt.Out, exp.Name, started)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Dir: dir}

	dsHash, err := hashFile(exp.Dataset.Path)
	if err != nil {
		return out, err
	}
	dopt := datasetOptions(exp)
	if err := fitLabels(exp, dopt); err != nil {
		return out, err
	}
	stream, err := datasets.Open(exp.Dataset.Path, dopt)
	if err != nil {
		return out, fmt.Errorf("open dataset: %w", err)
	}
	defer stream.Close()
	timed := &timeRange{Reader: stream, column: exp.Dataset.Time}

	journal, err := os.Create(filepath.Join(dir, results.JournalFile))
	if err != nil {
		return out, fmt.Errorf("create journal: %w", err)
	}
	defer journal.Close()

	pipes := make([]engine.Pipe, len(exp.Pipelines))
	for i, p := range exp.Pipelines {
		pipes[i] = engine.Pipe{Name: p.Name, Pipeline: p.Pipeline}
	}
	mets := make([]metrics.Metric, len(exp.Metrics))
	for i, m := range exp.Metrics {
		mets[i] = m.Metric
	}
	res, replayErr := engine.Replay(ctx, timed, pipes, mets, engine.Options{
		Concurrency: opt.Concurrency, Label: exp.Dataset.Label, ID: exp.Dataset.ID,
		Journal: journal, Progress: opt.Progress, Now: opt.Now,
	})
	if err := journal.Sync(); err != nil && replayErr == nil {
		replayErr = fmt.Errorf("sync journal: %w", err)
	}
	if res == nil {
		return out, replayErr
	}

	man := manifest(exp, runID, dsHash, stream.Stats(), res, timed, opt)
	man.Started = started
	if replayErr != nil || res.Interrupted {
		man.Status = results.Interrupted
		man.Finished = opt.Now()
		man.DurationSeconds = man.Finished.Sub(started).Seconds()
		if err := results.WriteJSON(dir, results.ManifestFile, man); err != nil {
			return out, err
		}
		if replayErr != nil {
			return out, replayErr
		}
		return out, fmt.Errorf("%w after %d records; the predictions so far are in %s",
			ErrInterrupted, res.Records, filepath.Join(dir, results.JournalFile))
	}

	settings := verdict.Settings{Confidence: exp.Report.Confidence, Resamples: exp.Report.Resamples, Seed: exp.Report.Seed}
	est := verdict.Estimates(mets, res.Accumulators, settings)
	names := make([]string, len(pipes))
	for i, p := range pipes {
		names[i] = p.Name
	}
	sum := verdict.Judge(criteria(exp), names, mets, est, res.Records, settings)

	run := &results.Run{Dir: dir}
	run.Metrics = metricsFile(exp, res, est)
	run.Verdict = results.Verdict{
		SchemaVersion: results.SchemaVersion, Experiment: exp.Name, Question: exp.UseCase.Question, RunID: runID,
		Verdict: sum.Verdict, Reason: sum.Reason, Confidence: exp.Report.Confidence, Records: res.Records, Criteria: sum.Criteria,
	}
	if err := writePredictions(dir, exp); err != nil {
		return out, err
	}
	man.Finished = opt.Now()
	man.DurationSeconds = man.Finished.Sub(started).Seconds()
	run.Manifest = man
	for _, f := range []struct {
		name string
		v    any
	}{{results.MetricsFile, run.Metrics}, {results.VerdictFile, run.Verdict}, {results.ManifestFile, run.Manifest}} {
		if err := results.WriteJSON(dir, f.name, f.v); err != nil {
			return out, err
		}
	}
	if err := report.Write(run); err != nil {
		return out, fmt.Errorf("write report: %w", err)
	}
	out.Run = run
	return out, nil
}

// makeRunDir creates <out>/<experiment>/<run-id>; the id is the start time
// in UTC, with a suffix when two runs start in the same second.
func makeRunDir(out, name string, t time.Time) (string, string, error) {
	base := t.UTC().Format("20060102T150405Z")
	parent := filepath.Join(out, name)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", "", fmt.Errorf("create run folder: %w", err)
	}
	for i := 0; i < 1000; i++ {
		id := base
		if i > 0 {
			id = fmt.Sprintf("%s-%d", base, i+1)
		}
		dir := filepath.Join(parent, id)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, id, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", "", fmt.Errorf("create run folder: %w", err)
		}
	}
	return "", "", fmt.Errorf("create run folder: too many runs started at %s", base)
}

func datasetOptions(exp *spec.Experiment) datasets.Options {
	d := exp.Dataset
	opt := datasets.Options{Format: d.Format, Filter: d.Filter, SkipBadRows: d.SkipBadRows}
	for _, c := range append([]string{d.ID, d.Label, d.Time}, d.Segments...) {
		if c != "" {
			opt.Require = append(opt.Require, c)
		}
	}
	if s := d.Sample; s != nil {
		opt.Sample = &datasets.Sample{Size: s.Size, Fraction: s.Fraction, Seed: s.Seed, Stratify: s.Stratify}
	}
	return opt
}

// fitLabels gives pipelines that learn the label distribution (the majority
// floor) the counts of the records that will be replayed.
func fitLabels(exp *spec.Experiment, opt datasets.Options) error {
	var counts map[string]int
	for _, p := range exp.Pipelines {
		f, ok := p.Pipeline.(pipeline.LabelFitter)
		if !ok {
			continue
		}
		if counts == nil {
			var err error
			if _, counts, err = datasets.Count(exp.Dataset.Path, opt, exp.Dataset.Label); err != nil {
				return fmt.Errorf("count labels: %w", err)
			}
		}
		if err := f.FitLabels(counts); err != nil {
			return fmt.Errorf("pipeline %q: %w", p.Name, err)
		}
	}
	return nil
}

func criteria(exp *spec.Experiment) []verdict.Criterion {
	out := make([]verdict.Criterion, len(exp.Criteria))
	for i, c := range exp.Criteria {
		out[i] = verdict.Criterion{
			Name: c.Name, Metric: c.Metric, Pipeline: c.Pipeline, Kind: verdict.Kind(c.Kind),
			Threshold: c.Threshold, Baseline: c.Baseline, Margin: c.Margin, Must: c.Must, Why: c.Why,
		}
	}
	return out
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash dataset: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash dataset %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// timeRange passes records through and notes the range of the time column.
type timeRange struct {
	datasets.Reader
	column   string
	from, to time.Time
	seen     bool
}

func (t *timeRange) Next() (datasets.Record, error) {
	rec, err := t.Reader.Next()
	if err != nil || t.column == "" {
		return rec, err
	}
	if ts, perr := datasets.ParseTime(rec.Fields[t.column]); perr == nil {
		if !t.seen || ts.Before(t.from) {
			t.from = ts
		}
		if !t.seen || ts.After(t.to) {
			t.to = ts
		}
		t.seen = true
	}
	return rec, nil
}
