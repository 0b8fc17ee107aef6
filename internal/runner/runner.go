package runner

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/poc-harness/poc/baselines"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/analysis"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/report"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/timings"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// Version is the tool version written into every manifest; the build may
// set it with -ldflags "-X github.com/poc-harness/poc/internal/runner.Version=v1.2.3".
var Version = "0.1.0-dev"

// ErrInterrupted is returned when the replay stopped before the end of the
// data: Ctrl-C, the budget, or the error budget. The run folder then holds
// the journal of every finished record and a manifest with status
// "interrupted"; `poc run --resume DIR` continues it.
var ErrInterrupted = errors.New("run interrupted")

// Options tune a run.
type Options struct {
	// Out is the folder under which runs are written (default "results").
	Out string
	// Concurrency is the number of predictions made at once (default: the
	// engine's choice from the CPUs and the pipelines' own limits).
	Concurrency int
	// Progress, when set, receives snapshots of the replay.
	Progress func(engine.Progress)
	// OnTotal, when set, learns the number of records before the replay
	// when it is counted (runs with paced pipelines such as LLMs).
	OnTotal func(int)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Session describes the cache and privacy objects the experiment was
	// loaded with, for the manifest.
	Session *Session
	// MaxCost, when positive, replaces the file's budget.max_cost (to
	// continue a run that reached its budget). A resume without it keeps
	// the one its run started with.
	MaxCost float64
	// Flags are the command-line settings to record in the run folder, so
	// that a resume applies them again (see RecordedFlags).
	Flags results.Flags
	// SkipReports leaves out report.md, report.html and the plots (most of
	// a small run's time): the run folder's data files are written as
	// always, and `poc report DIR` builds the documents from them.
	SkipReports bool
	// Timings, when set, records the time and peak memory of each phase
	// of the run (`poc run --timings`).
	Timings *timings.Recorder
}

// Outcome is what a run produced.
type Outcome struct {
	// Dir is the run folder.
	Dir string
	// Run is the run folder's content once the run is complete.
	Run *results.Run
	// Total is the number of records the run replays (known before the
	// replay when pipelines are paced, otherwise after it).
	Total int
	// Warnings are what the learners' training checks found that does not
	// stop the run (a training file that repeats a few replayed records),
	// positioned at their pipeline's block, and the rules that decided no
	// record of the replay (idleRules), at their when:; the manifest holds
	// them too, after the experiment file's own warnings.
	Warnings spec.Diagnostics
}

// Run replays the experiment into a new run folder. A pipeline failing on
// records is data, not an error; the error is for a dataset that cannot be
// read, a folder that cannot be written, a pipeline that cannot start, or a
// replay that stopped early (ErrInterrupted, with the run folder in
// Outcome.Dir, ready to resume).
func Run(ctx context.Context, exp *spec.Experiment, opt Options) (*Outcome, error) {
	opt = withDefaults(opt)
	if opt.MaxCost > 0 {
		exp.Budget.MaxCost = opt.MaxCost
	}
	opt.Timings.Start("preflight")
	checks, err := preflight(ctx, exp)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted before the run started: %w", err) // nothing to leave a folder for
	}
	started := opt.Now()
	dir, runID, err := makeRunDir(opt.Out, exp.Name, started)
	if err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir, started)
	if err != nil {
		return nil, err
	}
	defer unlock()
	a, err := openAttempt(dir, started, os.O_RDWR|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return &Outcome{Dir: dir}, err
	}
	defer a.close()
	man, err := startManifest(exp, dir, runID, started, checks, opt, a.ledger, 0)
	if err != nil {
		return &Outcome{Dir: dir}, err
	}
	out, err := replay(ctx, exp, dir, man, a, engine.Resumable{}, opt)
	if err != nil && !errors.Is(err, ErrInterrupted) && neverStarted(a.journal) && a.ledger.Total() == 0 {
		// A run that failed before its first record (a training file that
		// cannot be read, a pipeline that cannot start) leaves no folder
		// claiming to be running: there is nothing in it to resume. One
		// that was stopped keeps its folder, marked interrupted.
		a.close()
		if rerr := os.RemoveAll(dir); rerr == nil {
			out.Dir = ""
		}
	}
	return out, err
}

// attempt is what one attempt of a run writes to: the journal and the
// spend ledger.
type attempt struct {
	journal *os.File
	ledger  *engine.Ledger
	closed  bool
}

// openAttempt opens the run folder's journal (with flag) and its ledger,
// appending the attempt's start to the ledger.
func openAttempt(dir string, now time.Time, flag int) (*attempt, error) {
	path := filepath.Join(dir, results.JournalFile)
	journal, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	host, _ := os.Hostname()
	ledger, err := engine.OpenLedger(filepath.Join(dir, results.SpendFile),
		results.LedgerLine{PID: os.Getpid(), Host: host, Command: strings.Join(os.Args, " "), At: now.UTC()})
	if err != nil {
		journal.Close()
		return nil, err
	}
	return &attempt{journal: journal, ledger: ledger}, nil
}

func (a *attempt) close() {
	if a.closed {
		return
	}
	a.closed = true
	_ = a.ledger.Close()
	_ = a.journal.Close()
}

// neverStarted reports whether a run's journal holds nothing.
func neverStarted(journal *os.File) bool {
	st, err := journal.Stat()
	return err == nil && st.Size() == 0
}

// Resume continues an interrupted or crashed run in its own folder: the
// records its journal holds completely are taken as they are, the journal is
// cut after them (a line torn by a crash goes), and only the remaining
// records are replayed. The experiment file and the dataset must be the ones
// the run started with.
func Resume(ctx context.Context, dir string, load func(path string) (*spec.Experiment, error), opt Options) (*spec.Experiment, *Outcome, error) {
	opt = withDefaults(opt)
	if _, err := readManifest(dir); err != nil {
		return nil, nil, err
	}
	unlock, err := lockDir(dir, opt.Now())
	if err != nil {
		return nil, nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	defer unlock()
	man, err := readManifest(dir) // again: another process may have finished it meanwhile
	if err != nil {
		return nil, nil, err
	}
	if man.Status == results.Complete {
		return nil, nil, fmt.Errorf("resume %s: %w; `poc report %s` rebuilds its reports, and `poc run` a new run", dir, ErrComplete, dir)
	}
	exp, err := load(man.Experiment.File)
	if err != nil {
		return nil, nil, err
	}
	if exp.Hash != man.Experiment.SHA256 {
		return exp, nil, fmt.Errorf("resume %s: %s changed since the run started (sha256 %.12s…, now %.12s…); start a new run",
			dir, man.Experiment.File, man.Experiment.SHA256, exp.Hash)
	}
	if h, err := hashFile(exp.Dataset.Path); err != nil {
		return exp, nil, err
	} else if h != man.Dataset.SHA256 {
		return exp, nil, fmt.Errorf("resume %s: the dataset %s changed since the run started; start a new run", dir, exp.Dataset.Path)
	}
	opt = keepFlags(opt, man.Flags)
	if opt.MaxCost > 0 {
		exp.Budget.MaxCost = opt.MaxCost
	}
	opt.Timings.Start("preflight")
	checks, err := preflight(ctx, exp)
	if err != nil {
		return exp, nil, err
	}
	opt.Timings.Start("read the journal")
	a, prior, err := reopenAttempt(dir, exp, opt.Now())
	if err != nil {
		return exp, nil, err
	}
	defer a.close()
	fresh, err := startManifest(exp, dir, man.RunID, man.Started, checks, opt, a.ledger, man.Attempts)
	if err != nil {
		return exp, nil, err
	}
	if fresh.Spent < man.Spent {
		// A run folder written before the ledger existed: its manifest
		// holds the spend of the attempts before.
		fresh.Spent = man.Spent
	}
	out, err := replay(ctx, exp, dir, fresh, a, prior, opt)
	return exp, out, err
}

// readManifest reads a run folder's manifest.
func readManifest(dir string) (results.Manifest, error) {
	var man results.Manifest
	b, err := os.ReadFile(filepath.Join(dir, results.ManifestFile))
	if err != nil {
		return man, fmt.Errorf("resume %s: not a run folder: %w", dir, err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		return man, fmt.Errorf("resume %s: read manifest: %w", dir, err)
	}
	return man, nil
}

// ErrComplete is wrapped by the error of resuming a run that is complete:
// there is nothing to run.
var ErrComplete = errors.New("the run is complete: nothing is left to resume")

// RecordedFlags returns the command-line settings a run folder's run
// started with, for a resume to apply again the ones its own command line
// does not give.
func RecordedFlags(dir string) (results.Flags, error) {
	man, err := readManifest(dir)
	return man.Flags, err
}

// keepFlags applies to a resume the settings its run started with, unless
// its own options give others; opt.Flags.Kept names those kept.
func keepFlags(opt Options, started results.Flags) Options {
	kept := opt.Flags.Kept
	if opt.MaxCost <= 0 && started.MaxCost > 0 {
		opt.MaxCost = started.MaxCost
		kept = append(kept, "--max-cost")
	}
	if opt.Concurrency <= 0 && started.Concurrency > 0 {
		opt.Concurrency = started.Concurrency
		kept = append(kept, "--concurrency")
	}
	opt.Flags.MaxCost, opt.Flags.Concurrency, opt.Flags.Kept = opt.MaxCost, opt.Concurrency, kept
	return opt
}

// reopenAttempt opens the journal of an interrupted run for its next
// attempt: it keeps the records the journal holds completely up to the
// first failed prediction (a resume makes failures again), cuts it there —
// a line torn by a crash goes too — and opens the ledger.
func reopenAttempt(dir string, exp *spec.Experiment, now time.Time) (*attempt, engine.Resumable, error) {
	a, err := openAttempt(dir, now, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return nil, engine.Resumable{}, fmt.Errorf("resume: %w", err)
	}
	names := make([]string, len(exp.Pipelines))
	for i, p := range exp.Pipelines {
		names[i] = p.Name
	}
	prior, err := engine.ReadResumable(a.journal, names)
	if err == nil {
		if err = a.journal.Truncate(prior.Length); err != nil {
			err = fmt.Errorf("resume: cut the journal after record %d: %w", prior.Keep, err)
		}
	}
	if err == nil {
		if _, err = a.journal.Seek(prior.Length, io.SeekStart); err != nil {
			err = fmt.Errorf("resume: %w", err)
		}
	}
	if err != nil {
		a.close()
		return nil, engine.Resumable{}, err
	}
	return a, prior, nil
}

func withDefaults(opt Options) Options {
	if opt.Out == "" {
		opt.Out = "results"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return opt
}

// CheckError says that the run cannot start: pipelines lack what they need
// (an API key, a subprocess that starts), a data check the file makes an
// error failed, or a learner's training set cannot be used (it leaks into
// the replay, or cannot be read); nothing was run.
type CheckError struct{ Err error }

func (e *CheckError) Error() string { return "cannot start the run: " + e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// preflight is what a run checks before anything starts: what the
// pipelines need (check), and the data checks, whose errors refuse the run
// and whose findings go into the manifest.
func preflight(ctx context.Context, exp *spec.Experiment) (DataChecks, error) {
	if err := check(ctx, exp); err != nil {
		return nil, err
	}
	checks, err := CheckData(ctx, exp)
	if err != nil {
		return nil, err
	}
	return checks, checks.Err(exp.Dataset.Path)
}

// check asks every pipeline that needs something at run time (an API key,
// a subprocess) whether it has it, before anything is spent.
func check(ctx context.Context, exp *spec.Experiment) error {
	var errs []error
	for _, p := range exp.Pipelines {
		if c, ok := p.Pipeline.(pipeline.Checker); ok {
			if err := c.Check(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, m := range exp.Metrics {
		if c, ok := m.Metric.(pipeline.Checker); ok { // an LLM judge needs its key too
			if err := c.Check(ctx); err != nil {
				errs = append(errs, fmt.Errorf("metric %q: %w", m.Name, err))
			}
		}
	}
	if len(errs) > 0 {
		return &CheckError{Err: errors.Join(errs...)}
	}
	return nil
}

// startManifest writes the manifest of an attempt that is starting, so
// that a crash leaves a folder `--resume` can continue: the attempt's
// number (after the attempts the old manifest counted, or the ledger's
// when it knows more) and the spend of the attempts before it.
func startManifest(exp *spec.Experiment, dir, runID string, started time.Time, checks DataChecks, opt Options,
	ledger *engine.Ledger, before int) (results.Manifest, error) {
	dsHash, err := hashFile(exp.Dataset.Path)
	if err != nil {
		return results.Manifest{}, err
	}
	man := manifest(exp, runID, dsHash, opt)
	man.Dataset.Checks, man.Warnings = checks, warnings(exp.Warnings)
	man.Started = started
	man.Status = results.Running
	man.Attempts = max(ledger.Attempt(), before+1)
	man.Spent, man.SpentPresumed, man.InFlightAtStop = ledger.Prior(), ledger.Presumed(), ledger.InFlightAtStop()
	man.Flags = opt.Flags
	return man, results.WriteJSON(dir, results.ManifestFile, man)
}

// replay runs one attempt of a run in dir: prepare the pipelines, replay
// the records into the journal, and — when every record is done — write
// the predictions, analyse them, write the run folder and the reports. A
// replay that stops early leaves a manifest that `--resume` continues.
func replay(ctx context.Context, exp *spec.Experiment, dir string, man results.Manifest, a *attempt,
	prior engine.Resumable, opt Options) (*Outcome, error) {
	out := &Outcome{Dir: dir}
	defer closePipelines(exp)
	defer opt.Timings.Stop()
	dopt := datasetOptions(exp)
	opt.Timings.Start("labels and training")
	if err := prepare(ctx, exp, dopt, out, opt); err != nil {
		if ctx.Err() != nil {
			// Stopped while counting or training: nothing was replayed
			// in this attempt, and the folder says so.
			man.Status, man.StopReason, man.StopDetail = results.Interrupted, string(engine.Interrupted), "interrupted before the replay"
			man.StoppedIn = "prepare"
			if werr := writeManifest(dir, man); werr != nil {
				return out, werr
			}
			return out, fmt.Errorf("%w before the replay, while %s; nothing was replayed: poc run --resume %s starts it", ErrInterrupted, preparing(exp), dir)
		}
		return out, err
	}
	if len(out.Warnings) > 0 {
		// What the training checks found is in the folder from now on,
		// beside the file's own warnings.
		man.Warnings = append(man.Warnings, warnings(out.Warnings)...)
		if err := writeManifest(dir, man); err != nil {
			return out, err
		}
	}
	opt.Timings.Start("replay")
	res, err := runEngine(ctx, exp, dopt, &man, a, prior, opt)
	if res == nil {
		return out, err
	}
	if out.Total == 0 {
		out.Total = res.Records
	}
	if err != nil || res.Interrupted {
		return out, stopped(dir, &man, res, err)
	}
	if res.Resumed == 0 { // a resumed attempt decided only some records: its counts say nothing
		if idle := idleRules(exp, res.Records); len(idle) > 0 {
			out.Warnings = append(out.Warnings, idle...)
			man.Warnings = append(man.Warnings, warnings(idle)...)
		}
	}
	// predictions.parquet is written beside the analysis, which reads the
	// same columns and leaves a core idle for much of its time.
	pctx, cancelParquet := context.WithCancel(ctx)
	defer cancelParquet()
	parquetDone := make(chan error, 1)
	parquetStart := time.Now()
	go func() { parquetDone <- writePredictions(pctx, dir, exp, res.Predictions) }()
	waitParquet := func() error {
		err := <-parquetDone
		opt.Timings.Beside("predictions.parquet", time.Since(parquetStart))
		return err
	}
	payMetrics(ctx, exp, &man, a.ledger)
	run, err := analyseRun(ctx, exp, dir, dopt, man, res, opt)
	if run != nil && err == nil {
		if moved := criteriaMoved(exp, dir, run); len(moved) > 0 {
			out.Warnings = append(out.Warnings, moved...)
			run.Manifest.Warnings = append(run.Manifest.Warnings, warnings(moved)...)
		}
	}
	if err != nil || ctx.Err() != nil {
		cancelParquet()
	}
	opt.Timings.Start("predictions.parquet (the wait for it)")
	if perr := waitParquet(); perr != nil && err == nil && ctx.Err() == nil {
		return out, perr
	}
	if run != nil {
		// The metrics that pay for calls (an LLM judge) spent during the
		// analysis.
		run.Manifest.Spent = max(run.Manifest.Spent, a.ledger.Total())
		run.Manifest.SpentPresumed = a.ledger.Presumed()
	}
	if ctx.Err() != nil {
		// Interrupted while analysing: every record is in the journal, so
		// --resume replays nothing and analyses again; no verdict is written.
		man.Status, man.StopReason, man.StopDetail = results.Interrupted, string(engine.Interrupted), "interrupted during the analysis"
		man.StoppedIn = "analysis"
		if werr := results.WriteJSON(dir, results.ManifestFile, man); werr != nil {
			return out, werr
		}
		return out, fmt.Errorf("%w during the analysis, after all %s records were replayed; poc report %s (or poc run --resume) analyses them again",
			ErrInterrupted, format.Group(int64(res.Records)), dir)
	}
	if err != nil {
		return out, err
	}
	opt.Timings.Start("write the run folder")
	if err := writeRun(run); err != nil {
		return out, err
	}
	if !opt.SkipReports {
		opt.Timings.Start("reports")
		if err := report.Write(ctx, run); err != nil {
			if ctx.Err() != nil {
				// The run is complete (its verdict is written); only the
				// documents are missing.
				return out, fmt.Errorf("%w while writing the reports; the run is complete: `poc report %s` writes them", ErrInterrupted, dir)
			}
			return out, fmt.Errorf("write report: %w", err)
		}
	}
	out.Run = run
	return out, nil
}

// preparing says what prepare does for exp's pipelines, for a message
// that it was interrupted.
func preparing(exp *spec.Experiment) string {
	var learners []string
	for _, p := range exp.Pipelines {
		if _, ok := p.Pipeline.(pipeline.Trainer); ok {
			learners = append(learners, strconv.Quote(p.Name))
		}
	}
	if len(learners) == 0 {
		return "the pipelines were being prepared"
	}
	return "training " + strings.Join(learners, ", ")
}

// prepare readies the pipelines before the replay: the label counts for
// the majority floor, training for the learners, and the number of
// records for the progress display of paced pipelines.
func prepare(ctx context.Context, exp *spec.Experiment, dopt datasets.Options, out *Outcome, opt Options) error {
	if err := fitLabels(ctx, exp, dopt); err != nil {
		return err
	}
	warns, err := train(ctx, exp, dopt)
	out.Warnings = warns
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// A training set that leaks into the replay, or cannot be read,
		// is a problem of the input: nothing was run.
		return &CheckError{Err: err}
	}
	if !paced(exp) {
		return nil
	}
	total, ok := loadedCount(exp)
	if !ok {
		if total, _, err = datasets.CountContext(ctx, exp.Dataset.Path, dopt, ""); err != nil {
			return fmt.Errorf("count records: %w", err)
		}
	}
	out.Total = total
	if opt.OnTotal != nil {
		opt.OnTotal(total)
	}
	return nil
}

// loadedCount is the number of records the replay reads, as the load
// counted them when it read the data with the replay's options: without a
// sample, and without skipping bad rows (the replay requires more columns
// of a row than the load, which could skip different rows). ok is false
// when the load did not count them so.
func loadedCount(exp *spec.Experiment) (n int, ok bool) {
	d := exp.Dataset
	if d.Read == nil || d.Sample != nil || d.SkipBadRows {
		return 0, false
	}
	return d.Read.Stats.Yielded, true
}

// runEngine replays the dataset through every pipeline into the journal
// and adds what the replay learnt to the manifest. A nil result means the
// replay could not start.
func runEngine(ctx context.Context, exp *spec.Experiment, dopt datasets.Options, man *results.Manifest, a *attempt,
	prior engine.Resumable, opt Options) (*engine.Result, error) {
	stream, err := datasets.Open(exp.Dataset.Path, dopt)
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	defer stream.Close()
	useLedger(exp, a.ledger)
	defer useLedger(exp, nil)
	timed := &timeRange{Reader: stream, column: exp.Dataset.Time}
	res, replayErr := engine.Replay(ctx, timed, pipesOf(exp), metricsOf(exp), engineOptions(exp, *man, a, prior, opt))
	if err := a.journal.Sync(); err != nil && replayErr == nil {
		replayErr = fmt.Errorf("sync journal: %w", err)
	}
	if err := a.ledger.Sync(); err != nil && replayErr == nil {
		replayErr = err
	}
	if res != nil {
		finishManifest(man, exp, stream.Stats(), res, timed, a.ledger, opt)
	}
	return res, replayErr
}

// secretsOf collects the configured secret values of the experiment's
// pipelines and metrics (pipeline.SecretHolder), for the engine to scrub
// from everything it records.
func secretsOf(exp *spec.Experiment) []string {
	var out []string
	for _, p := range exp.Pipelines {
		if h, ok := p.Pipeline.(pipeline.SecretHolder); ok {
			out = append(out, h.Secrets()...)
		}
	}
	for _, m := range exp.Metrics {
		if h, ok := m.Metric.(pipeline.SecretHolder); ok {
			out = append(out, h.Secrets()...)
		}
	}
	return out
}

// payMetrics gives the metrics that pay for calls of their own (an LLM
// judge, metrics.Payer) the run's context, its ledger and what is left of
// the budget after the replay.
func payMetrics(ctx context.Context, exp *spec.Experiment, man *results.Manifest, ledger *engine.Ledger) {
	var limit *metrics.SpendLimit
	if exp.Budget.MaxCost > 0 {
		limit = metrics.NewSpendLimit(exp.Budget.MaxCost - max(man.Spent, ledger.Total()))
	}
	for _, m := range exp.Metrics {
		if p, ok := m.Metric.(metrics.Payer); ok {
			p.Pay(ctx, ledger.For("metric "+m.Name), limit)
		}
	}
}

// journalWriter is what the engine writes the journal through: the file
// itself (tests swap in one that fails as a full disk does).
var journalWriter = func(f *os.File) io.Writer { return f }

// useLedger gives the pipelines that pay for their calls the run's ledger
// (nil takes it back).
func useLedger(exp *spec.Experiment, l *engine.Ledger) {
	for _, p := range exp.Pipelines {
		if u, ok := p.Pipeline.(pipeline.LedgerUser); ok {
			if l == nil {
				u.UseLedger(nil)
			} else {
				u.UseLedger(l.For(p.Name))
			}
		}
	}
}

// engineOptions are the replay's settings: the dataset's columns, the
// budget left after earlier attempts (their spend as the ledger knows it,
// requests left in flight included), and the records they finished.
func engineOptions(exp *spec.Experiment, man results.Manifest, a *attempt, prior engine.Resumable, opt Options) engine.Options {
	eopt := engine.Options{
		Concurrency: opt.Concurrency, Label: exp.Dataset.Label, ID: exp.Dataset.ID,
		Journal: journalWriter(a.journal), Ledger: a.ledger, Progress: opt.Progress, Now: opt.Now, Segments: exp.Dataset.Segments, Time: exp.Dataset.Time,
		MaxCost: exp.Budget.MaxCost, PriorSpent: man.Spent, MaxErrorRate: exp.Budget.MaxErrorRate, MinRecords: exp.Budget.MinRecords,
		Secrets: secretsOf(exp), Keep: keptColumns(exp), Expect: expectedRecords(exp),
	}
	if len(prior.Prior) > 0 {
		eopt.Journaled = prior.Keep
		eopt.Prior = func(seq int) ([]pipeline.Prediction, bool) {
			if seq < len(prior.Prior) {
				return prior.Prior[seq], true
			}
			return nil, false
		}
	}
	return eopt
}

// expectedRecords is how many records the load counted (0 when it did not
// read the data): the replay sizes what it keeps for them.
func expectedRecords(exp *spec.Experiment) int {
	if exp.Dataset.Read == nil {
		return 0
	}
	n := 0
	for _, c := range exp.Dataset.Read.Labels {
		n += c
	}
	return n
}

// keptColumns are the dataset columns the analysis after the replay reads,
// which the replay keeps so that nothing reads the dataset again: the use
// case's cost and minutes columns, and the columns the metrics read when
// every metric says which (the operating point feeds them again).
func keptColumns(exp *spec.Experiment) []string {
	var out []string
	add := func(col string) {
		if col != "" && !slices.Contains(out, col) {
			out = append(out, col)
		}
	}
	if uc := exp.UseCase; uc.VolumePerYear > 0 {
		if c := uc.CostOfError; c != nil {
			add(c.MissedPositive.Column)
			add(c.FalsePositive.Column)
		}
		if p := uc.People; p != nil {
			add(p.MinutesPerRecord.Column)
		}
	}
	if cols, ok := metricColumns(exp); ok {
		for _, c := range cols {
			add(c)
		}
	}
	return out
}

// metricColumns are the columns the experiment's metrics read; ok is false
// when some metric may read any.
func metricColumns(exp *spec.Experiment) (cols []string, ok bool) {
	for _, m := range exp.Metrics {
		c, isC := m.Metric.(metrics.Columns)
		if !isC {
			return nil, false
		}
		mc, known := c.Columns()
		if !known {
			return nil, false
		}
		cols = append(cols, mc...)
	}
	return cols, true
}

// stopped records in the manifest why a replay stopped early, and returns
// the error that says so (ErrInterrupted for a resumable stop). A replay
// that failed (the journal or the ledger could not be written: a full disk)
// marks the run failed; its error comes first, naming the file.
func stopped(dir string, man *results.Manifest, res *engine.Result, replayErr error) error {
	man.Status = results.Interrupted
	man.StopReason, man.StopDetail = string(res.Stopped), res.StopDetail
	man.StoppedIn = "replay"
	if replayErr != nil {
		man.Status, man.StopReason, man.StopDetail = results.Failed, "error", replayErr.Error()
	}
	if err := writeManifest(dir, *man); err != nil {
		if replayErr != nil {
			return fmt.Errorf("%w; the manifest could not be marked failed either (%v); free space, then `poc run --resume %s` continues",
				replayErr, err, dir)
		}
		return err
	}
	if replayErr != nil {
		return fmt.Errorf("%w; the run is marked failed and keeps every record finished before the failure: fix the cause (free space), then `poc run --resume %s` continues",
			replayErr, dir)
	}
	return fmt.Errorf("%w after %s records: %s; the predictions so far are in %s (poc run --resume %s continues)",
		ErrInterrupted, format.Group(int64(res.Records)), res.StopDetail, filepath.Join(dir, results.JournalFile), dir)
}

// writeManifest writes the manifest, in place when a full disk leaves no
// room for the temporary file of an atomic write (rewriting a file of
// about the same size reuses its blocks).
func writeManifest(dir string, man results.Manifest) error {
	err := results.WriteJSON(dir, results.ManifestFile, man)
	if err == nil {
		return nil
	}
	b, merr := json.MarshalIndent(man, "", "  ")
	if merr != nil {
		return err
	}
	if werr := os.WriteFile(filepath.Join(dir, results.ManifestFile), append(b, '\n'), 0o644); werr != nil {
		return err
	}
	return nil
}

// analyseRun turns a complete replay into the run model: the metrics with
// their intervals, the verdict and the impact projection.
func analyseRun(ctx context.Context, exp *spec.Experiment, dir string, dopt datasets.Options, man results.Manifest, res *engine.Result, opt Options) (*results.Run, error) {
	opt.Timings.Start("intervals and verdict")
	est, sum, err := analyse(exp, res, ctx.Done())
	if err != nil {
		return nil, err
	}
	run := &results.Run{Dir: dir, Predictions: res.Predictions}
	run.Metrics = metricsFile(exp, res, est)
	run.Verdict = results.Verdict{
		SchemaVersion: results.SchemaVersion, Experiment: exp.Name, Question: exp.UseCase.Question, RunID: man.RunID,
		Verdict: sum.Verdict, Reason: sum.Reason, Multiplicity: sum.Multiplicity, Confidence: exp.Report.Confidence,
		Records: res.Records, Criteria: sum.Criteria,
	}
	opt.Timings.Start("breakdown")
	preds, err := summarise(ctx, run, exp, res.Predictions)
	if err != nil {
		return nil, err
	}
	opt.Timings.Start("impact")
	var impact *analysis.ImpactInput
	if run.Impact, impact, err = projectImpact(ctx, exp, res, dopt, res.Records); err != nil {
		return nil, err
	}
	opt.Timings.Start("operating point")
	warns, err := operatingPoints(ctx, exp, run, preds, res, impact, dopt, man.Dataset.SHA256)
	if err != nil {
		return nil, err
	}
	man.Warnings = append(man.Warnings, warns...)
	man.Status = results.Complete
	man.Finished = opt.Now()
	man.DurationSeconds = man.Finished.Sub(man.Started).Seconds()
	run.Manifest = man
	return run, nil
}

// summarise adds to the run model what the reports show of single
// predictions: the share metric by month and segment, and each candidate's
// confusion matrix, from the replay's columns (the journal's), which it
// returns. It stops when ctx is done, with an error wrapping ctx's.
func summarise(ctx context.Context, run *results.Run, exp *spec.Experiment, preds *results.Predictions) (*results.Predictions, error) {
	var err error
	names := make([]string, len(exp.Pipelines))
	for i, p := range exp.Pipelines {
		names[i] = p.Name
	}
	run.Metrics.Breakdown, err = analysis.Breakdown(ctx.Done(), preds, names, exp.Dataset.Positive, exp.Dataset.Segments, exp.Report.Confidence)
	if err != nil {
		return nil, fmt.Errorf("summarise the predictions: %w", err)
	}
	for i, p := range exp.Pipelines {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("summarise the predictions: %w", err)
		}
		if p.Role == pipeline.Candidate {
			run.Metrics.Pipelines[i].Confusion = analysis.Confusion(preds, p.Name)
		}
	}
	return preds, nil
}

// writeRun writes the run model's JSON files, the manifest last: a run
// folder whose manifest says complete has all of them.
func writeRun(run *results.Run) error {
	if run.Impact != nil {
		if err := results.WriteJSON(run.Dir, results.ImpactFile, run.Impact); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    any
	}{{results.MetricsFile, run.Metrics}, {results.VerdictFile, run.Verdict}, {results.ManifestFile, run.Manifest}} {
		if err := results.WriteJSON(run.Dir, f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func pipesOf(exp *spec.Experiment) []engine.Pipe {
	pipes := make([]engine.Pipe, len(exp.Pipelines))
	for i, p := range exp.Pipelines {
		pipes[i] = engine.Pipe{Name: p.Name, Pipeline: p.Pipeline}
	}
	return pipes
}

func metricsOf(exp *spec.Experiment) []metrics.Metric {
	mets := make([]metrics.Metric, len(exp.Metrics))
	for i, m := range exp.Metrics {
		mets[i] = m.Metric
	}
	return mets
}

// paced reports whether a pipeline paces itself (an API): then the records
// are counted first, for a progress display with an ETA.
func paced(exp *spec.Experiment) bool {
	for _, p := range exp.Pipelines {
		if _, ok := p.Pipeline.(pipeline.Throughput); ok {
			return true
		}
	}
	return false
}

func closePipelines(exp *spec.Experiment) {
	for _, p := range exp.Pipelines {
		if c, ok := p.Pipeline.(io.Closer); ok {
			_ = c.Close()
		}
	}
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

// datasetOptions are the options of the replay: the declared column types,
// derived columns, filter, sample and on_bad_row, with the columns the run
// needs required.
func datasetOptions(exp *spec.Experiment) datasets.Options {
	d := exp.Dataset
	opt := datasets.Options{Format: d.Format, Filter: d.Filter, SkipBadRows: d.SkipBadRows, Types: d.Types, Derive: derived(d),
		Limits: limits(d)}
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

// limits are the dataset's field and record size limits as datasets reads them.
func limits(d spec.Dataset) datasets.Limits {
	return datasets.Limits{MaxFieldBytes: d.MaxFieldBytes, MaxRecordBytes: d.MaxRecordBytes}
}

// derived returns the dataset's derived columns as datasets reads them.
func derived(d spec.Dataset) []datasets.Derived {
	var out []datasets.Derived
	for _, dv := range d.Derive {
		out = append(out, datasets.Derived{Name: dv.Name, Expr: dv.Expr})
	}
	return out
}

// fitLabels gives pipelines that learn the label distribution (the majority
// floor) the counts of the records that will be replayed.
func fitLabels(ctx context.Context, exp *spec.Experiment, opt datasets.Options) error {
	var counts map[string]int
	for _, p := range exp.Pipelines {
		f, ok := p.Pipeline.(pipeline.LabelFitter)
		if !ok {
			continue
		}
		if counts == nil {
			var err error
			if _, counts, err = datasets.CountContext(ctx, exp.Dataset.Path, opt, exp.Dataset.Label); err != nil {
				return fmt.Errorf("count labels: %w", err)
			}
		}
		if err := f.FitLabels(counts); err != nil {
			return fmt.Errorf("pipeline %q: %w", p.Name, err)
		}
	}
	return nil
}

// train lets learning pipelines fit their models before the replay.
func train(ctx context.Context, exp *spec.Experiment, dopt datasets.Options) (spec.Diagnostics, error) {
	var warns spec.Diagnostics
	for i, p := range exp.Pipelines {
		if t, ok := p.Pipeline.(pipeline.Trainer); ok {
			data := trainingData(exp, dopt)
			data.Warn = func(w pipeline.TrainingWarning) { warns = append(warns, trainingWarning(exp, i, w)) }
			if err := t.Train(ctx, data); err != nil {
				return warns, trainingError(exp, i, "train", err)
			}
		}
	}
	return warns, nil
}

// trainingWarning is a learner's warning about its training data as a
// warning of the experiment file, at its field within the block of
// pipeline i.
func trainingWarning(exp *spec.Experiment, i int, w pipeline.TrainingWarning) spec.Diagnostic {
	p := exp.Pipelines[i]
	field := fmt.Sprintf("pipelines[%d]", i)
	if w.Field != "" {
		field += "." + w.Field
	}
	at := p.FieldPos(w.Field)
	return spec.Diagnostic{File: exp.File, Line: at.Line, Col: at.Col, Field: field,
		Msg: fmt.Sprintf("pipeline %q: %s", p.Name, w.Msg), Hint: w.Hint, Severity: spec.Warning}
}

// trainingData is how learning pipelines read the data they learn from.
func trainingData(exp *spec.Experiment, dopt datasets.Options) pipeline.TrainingData {
	d := exp.Dataset
	return pipeline.TrainingData{
		Replay: func() (datasets.Reader, error) { return datasets.Open(d.Path, dopt) },
		All: func() (datasets.Reader, error) {
			return datasets.Open(d.Path, datasets.Options{Format: d.Format, Derive: dopt.Derive, Types: d.Types, Limits: dopt.Limits})
		},
		Open: func(path string) (datasets.Reader, error) {
			if !filepath.IsAbs(path) {
				path = filepath.Join(exp.Dir, path)
			}
			// Derived columns are computed for training rows as for
			// replayed ones, so a model sees the same inputs.
			return datasets.Open(path, datasets.Options{Derive: dopt.Derive, Types: dopt.Types, Limits: dopt.Limits})
		},
		Label: d.Label, Positive: d.Positive, Time: d.Time, ID: d.ID, Types: d.Types,
	}
}

// CheckTraining runs the checks a learner makes of its training data (a
// training file or rows that repeat the replay, a proxy of the label, a
// training set without two classes) without fitting anything, so that
// `poc validate` refuses what would stop the run, and warns of what the
// run would warn of (a training file that repeats a few replayed records,
// category codes read as numbers): those warnings, positioned at their
// pipeline's block, and a *CheckError for what stops the run.
func CheckTraining(ctx context.Context, exp *spec.Experiment) (spec.Diagnostics, error) {
	var warns, refused spec.Diagnostics
	var errs []error
	for i, p := range exp.Pipelines {
		if c, ok := p.Pipeline.(pipeline.TrainingChecker); ok {
			data := trainingData(exp, datasetOptions(exp))
			data.Warn = func(w pipeline.TrainingWarning) { warns = append(warns, trainingWarning(exp, i, w)) }
			if err := c.CheckTraining(ctx, data); err != nil {
				var ds spec.Diagnostics
				if err := trainingError(exp, i, "", err); errors.As(err, &ds) {
					refused = append(refused, ds...)
				} else {
					errs = append(errs, err)
				}
			}
		}
	}
	switch {
	case len(errs) > 0 && len(refused) > 0:
		return warns, &CheckError{Err: errors.Join(append(errs, refused)...)}
	case len(errs) > 0:
		return warns, &CheckError{Err: errors.Join(errs...)}
	case len(refused) > 0:
		return warns, &CheckError{Err: refused}
	}
	return warns, nil
}

// trainingError is pipeline i's error about its training data: a refusal
// of one of its fields (a training file that repeats the replay, a feature
// that carries the label) as a positioned error of the experiment file,
// any other error prefixed with the pipeline ("train pipeline" when verb
// is "train").
func trainingError(exp *spec.Experiment, i int, verb string, err error) error {
	p := exp.Pipelines[i]
	var fe *pipeline.FieldError
	if !errors.As(err, &fe) {
		return fmt.Errorf("%s: %w", strings.TrimSpace(verb+" pipeline "+strconv.Quote(p.Name)), err)
	}
	at := p.FieldPos(fe.Field)
	return spec.Diagnostics{{File: exp.File, Line: at.Line, Col: at.Col, Field: fmt.Sprintf("pipelines[%d].%s", i, fe.Field),
		Msg: fmt.Sprintf("pipeline %q: %s", p.Name, fe.Msg), Severity: spec.Error}}
}

// idleRules warns of each rule of a rules pipeline that decided none of
// the records replayed (baselines.Rules.Fired), at the rule's when:.
func idleRules(exp *spec.Experiment, records int) spec.Diagnostics {
	var out spec.Diagnostics
	for i, p := range exp.Pipelines {
		rs, ok := p.Pipeline.(*baselines.Rules)
		if !ok || records == 0 {
			continue
		}
		for _, rc := range rs.Fired() {
			if rc.Fired > 0 {
				continue
			}
			field := fmt.Sprintf("rules[%d].when", rc.Index)
			at := p.FieldPos(field)
			rule := fmt.Sprintf("rule %d", rc.Index+1)
			if rc.Name != "" {
				rule += " (" + rc.Name + ")"
			}
			out = append(out, spec.Diagnostic{File: exp.File, Line: at.Line, Col: at.Col, Field: fmt.Sprintf("pipelines[%d].%s", i, field),
				Msg: fmt.Sprintf("%s of %s decided none of the %s records replayed: `%s`", rule, p.Name, format.Group(int64(records)), rc.When),
				Hint: "check each value it compares with those the column holds (a category's spelling and case) and the rules before it, which decide first: " +
					"a rule that never fires leaves the baseline weaker than the rule set it stands for",
				Severity: spec.Warning})
		}
	}
	return out
}

// analyse works out every metric's interval and judges the criteria.
// Closing done stops it with an error wrapping context.Canceled.
func analyse(exp *spec.Experiment, res *engine.Result, done <-chan struct{}) ([][]results.Estimate, verdict.Summary, error) {
	names := make([]string, len(exp.Pipelines))
	for i, p := range exp.Pipelines {
		names[i] = p.Name
	}
	r := exp.Report
	an, err := analysis.New(names, metricsOf(exp), res.Accumulators,
		analysis.Settings{Confidence: r.Confidence, Resamples: r.Resamples, Seed: r.Seed, Method: r.Method, MaxFailureRate: r.MaxFailureRate,
			Positive: positiveClass(exp.Dataset), Done: done})
	if err != nil {
		return nil, verdict.Summary{}, err
	}
	an.SetFailures(res.Failures, res.Records)
	segments := segmentsOf(res)
	est, err := an.Estimates()
	if err != nil {
		return nil, verdict.Summary{}, err
	}
	sum := verdict.Judge(criteria(exp), an.Input(res.Records, segments),
		verdict.Settings{Confidence: r.Confidence, MinSegmentSize: r.MinSegmentSize, MinRecords: r.MinRecords, Multiplicity: r.Multiplicity})
	if err := an.Err(); err != nil {
		// Stopped while judging: the criteria it did not reach are
		// undefined, so the summary is discarded.
		return nil, verdict.Summary{}, fmt.Errorf("judge the criteria: %w", err)
	}
	return est, sum, nil
}

func criteria(exp *spec.Experiment) []verdict.Criterion {
	out := make([]verdict.Criterion, len(exp.Criteria))
	for i, c := range exp.Criteria {
		out[i] = c.Criterion
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
	column string
	span   datasets.TimeSpan
}

// Recycle hands fields back to the reader it passes records from.
func (t *timeRange) Recycle(fields []map[string]any) { datasets.Recycle(t.Reader, fields) }

func (t *timeRange) Next() (datasets.Record, error) {
	rec, err := t.Reader.Next()
	if err == nil && t.column != "" {
		t.span.Add(rec.Fields[t.column])
	}
	return rec, err
}

// positiveClass is the positive class as people read it: its name from
// dataset.label_names with its code ("fraud (1)"), or "positive (1)".
func positiveClass(d spec.Dataset) string {
	pos := cmp.Or(d.Positive, "1")
	if n := d.LabelNames[pos]; n != "" && n != pos {
		return n + " (" + pos + ")"
	}
	return "positive (" + pos + ")"
}
