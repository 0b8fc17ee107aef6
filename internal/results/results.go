// Package results defines the run folder: the JSON files a run writes and
// everything after the replay reads, so that `poc report` rebuilds the
// reports without replaying. That includes the journal, predictions.jsonl:
// its Entry, the encoder the replay writes it with, the one reader every
// reader goes through (ReadJournal), the prefix a resumed run keeps
// (JournalPrefix) and the columns analysis and reports read
// (ReadPredictions).
//
// Field names of verdict.json are a public contract (documented in the
// README); change them only with a SchemaVersion bump.
//
// It imports nothing else of poc, so that every reader of a run folder can
// use it without pulling in the metrics or the pipelines.
package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SchemaVersion is the version of the run folder's JSON files.
const SchemaVersion = 1

// File names inside a run folder.
const (
	ManifestFile    = "manifest.json"
	MetricsFile     = "metrics.json"
	VerdictFile     = "verdict.json"
	JournalFile     = "predictions.jsonl"
	PredictionsFile = "predictions.parquet"
	MarkdownFile    = "report.md"
	ImpactFile      = "impact.json"
	PlotsDir        = "plots"
)

// Status says whether a run replayed every record.
type Status string

// Run statuses.
const (
	// Running: the replay started and has not ended (or the process died:
	// `poc run --resume` continues it).
	Running Status = "running"
	// Complete: every record was replayed and the verdict written.
	Complete Status = "complete"
	// Interrupted: the replay stopped early (Ctrl-C, budget, error budget);
	// StopReason says why. `poc run --resume` continues it.
	Interrupted Status = "interrupted"
	// Failed: the run could not go on (the disk filled up while writing the
	// journal, say); StopDetail names the file. Once the cause is fixed,
	// `poc run --resume` continues it.
	Failed Status = "failed"
)

// Manifest records what ran, on what, when and with which settings.
type Manifest struct {
	SchemaVersion int    `json:"schema_version"`
	Tool          Tool   `json:"tool"`
	RunID         string `json:"run_id"`
	Status        Status `json:"status"`
	// StopReason says why an interrupted run stopped: interrupted, budget
	// or errors, with StopDetail in a sentence.
	StopReason string `json:"stop_reason,omitempty"`
	StopDetail string `json:"stop_detail,omitempty"`
	// Attempts counts how often the run was started (1 + resumes).
	Attempts int `json:"attempts"`
	// Resumed counts the records taken over from an earlier attempt.
	Resumed int `json:"resumed_records,omitempty"`
	// Spent is the cost of the calls made by this run, every attempt
	// included (cached answers are free), in the experiment's currency, as
	// the run's ledger (spend.jsonl) records it.
	Spent float64 `json:"spent"`
	// SpentPresumed is the part of Spent that is presumed: requests in
	// flight when an attempt was killed or stopped, counted at their
	// estimated cost because the provider may have charged them.
	SpentPresumed float64 `json:"spent_presumed,omitempty"`
	// InFlightAtStop counts those requests.
	InFlightAtStop int `json:"in_flight_at_stop,omitempty"`
	// Retried counts the predictions an earlier attempt journaled as
	// failed that a resume made again.
	Retried int `json:"retried_predictions,omitempty"`
	// StoppedIn names the phase an interrupted or failed run stopped in:
	// prepare (counting, training), replay or analysis.
	StoppedIn string `json:"stopped_in,omitempty"`
	// Flags are the settings given on the command line when the run
	// started; a resume keeps them unless it gives others.
	Flags Flags `json:"flags"`
	// Budget is the file's budget block.
	Budget Budget `json:"budget"`
	// Cache describes the response cache used.
	Cache Cache `json:"cache"`
	// Privacy says what was pseudonymised before leaving the machine.
	Privacy Privacy `json:"privacy"`
	// Reach lists what the run started, read, sent records to and wrote
	// outside its folder, as `poc run` showed it before starting; nil in
	// run folders written before it was recorded.
	Reach      *Reach     `json:"reach,omitempty"`
	Experiment Experiment `json:"experiment"`
	UseCase    UseCase    `json:"use_case"`
	Dataset    Dataset    `json:"dataset"`
	Pipelines  []Pipeline `json:"pipelines"`
	Settings   Settings   `json:"settings"`
	// Warnings are the experiment file's warnings at load time.
	Warnings []Warning `json:"warnings,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// DurationSeconds is the wall time of the whole run.
	DurationSeconds float64 `json:"duration_seconds"`
}

// Flags are the command-line settings of a run that change what it does.
type Flags struct {
	// MaxCost is --max-cost (0: the file's budget.max_cost).
	MaxCost float64 `json:"max_cost,omitempty"`
	// Concurrency is --concurrency (0: the default).
	Concurrency int `json:"concurrency,omitempty"`
	// NoCache is --no-cache; CacheDir is --cache-dir.
	NoCache  bool   `json:"no_cache,omitempty"`
	CacheDir string `json:"cache_dir,omitempty"`
	// FailOn is --fail-on when it gates the job ("no-go", "inconclusive";
	// "" for never): the run's exit code follows from it and the verdict.
	FailOn string `json:"fail_on,omitempty"`
	// Kept lists the flags a resume took from an earlier attempt rather
	// than from its own command line.
	Kept []string `json:"kept_on_resume,omitempty"`
}

// Budget is the run's spending and failure limits (zero: none).
type Budget struct {
	MaxCost      float64 `json:"max_cost,omitempty"`
	MaxErrorRate float64 `json:"max_error_rate,omitempty"`
}

// Cache describes the response cache of a run.
type Cache struct {
	// Enabled is false with --no-cache.
	Enabled bool `json:"enabled"`
	// Dir is the cache folder.
	Dir string `json:"dir,omitempty"`
	// Hits counts answers taken from the cache, all pipelines together.
	Hits int `json:"hits"`
	// PutErrors counts the answers the cache could not store (a full disk);
	// FirstPutError is the first failure. A rerun pays for those again.
	PutErrors     int    `json:"put_errors,omitempty"`
	FirstPutError string `json:"first_put_error,omitempty"`
}

// Privacy records the pseudonymisation of a run.
type Privacy struct {
	// Detectors are the built-in detectors in use; Patterns the custom ones.
	Detectors []string `json:"detectors"`
	Patterns  []string `json:"patterns,omitempty"`
	// Replaced counts the values pseudonymised, by kind (EMAIL, CARD, …).
	Replaced map[string]int `json:"replaced"`
	// AllowURLs is the allow-list of base URLs.
	AllowURLs []string `json:"allow_urls,omitempty"`
}

// Tool names the program that made the run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Go      string `json:"go"`
}

// Experiment identifies the experiment file.
type Experiment struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file"`
	SHA256      string `json:"sha256"`
}

// UseCase is the business question and its scale.
type UseCase struct {
	Question string `json:"question"`
	Owner    string `json:"owner,omitempty"`
	// Incumbent is the baseline standing for today's process ("" for none).
	Incumbent     string `json:"incumbent,omitempty"`
	VolumePerYear int64  `json:"volume_per_year,omitempty"`
	Currency      string `json:"currency"`
}

// Dataset describes the replayed data.
type Dataset struct {
	Path     string `json:"path"`
	Format   string `json:"format"`
	SHA256   string `json:"sha256"`
	ID       string `json:"id,omitempty"`
	Label    string `json:"label"`
	Positive string `json:"positive"`
	// LabelNames names coded classes for people (dataset.label_names).
	LabelNames map[string]string `json:"label_names,omitempty"`
	Time       string            `json:"time,omitempty"`
	Segments   []string          `json:"segments,omitempty"`
	Filter     string            `json:"filter,omitempty"`
	// SelectiveLabels is the file's statement of outcomes the historical
	// decisions hid.
	SelectiveLabels string  `json:"selective_labels,omitempty"`
	Sample          *Sample `json:"sample,omitempty"`
	// RowsRead counts the rows read from the file; FilteredOut, SampledOut
	// and Skipped (bad rows) account for those not replayed.
	RowsRead    int `json:"rows_read"`
	FilteredOut int `json:"filtered_out"`
	SampledOut  int `json:"sampled_out"`
	Skipped     int `json:"skipped_bad_rows"`
	// Records is the number of records replayed through every pipeline.
	Records     int            `json:"records"`
	LabelCounts map[string]int `json:"label_counts"`
	// From and To bound the records' time column, when the dataset has one.
	From *time.Time `json:"from,omitempty"`
	To   *time.Time `json:"to,omitempty"`
	// Checks are the data checks' findings over the replayed records
	// (none when every check passed).
	Checks []DataCheck `json:"checks,omitempty"`
}

// DataCheck is what one data check found in one column of the replayed
// records: invalid text, NaN or infinite numbers, duplicate ids, times
// that do not parse, records without a label.
type DataCheck struct {
	// Check names the check (invalid_utf8, nul_bytes, non_finite,
	// duplicate_ids, bad_times, empty_labels).
	Check string `json:"check"`
	// Column is the column it was found in.
	Column string `json:"column"`
	// Count is the number of records concerned, of Records checked.
	Count   int `json:"count"`
	Records int `json:"records"`
	// Lines are the first few file lines concerned.
	Lines []int `json:"lines,omitempty"`
	// Severity is warn or error, as the experiment file sets it.
	Severity string `json:"severity"`
	// Message says what was found in a sentence.
	Message string `json:"message"`
}

// Warning is a warning the experiment file drew when it was loaded, kept
// so that the report shows it beside the verdict.
type Warning struct {
	// Where is "file:line:col".
	Where string `json:"where"`
	// Field is the field the warning is about.
	Field string `json:"field,omitempty"`
	// Message says what is wrong; Hint how to fix it.
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// Sample is the sampling the dataset was read with.
type Sample struct {
	Size     int     `json:"size,omitempty"`
	Fraction float64 `json:"fraction,omitempty"`
	Seed     uint64  `json:"seed"`
	Stratify string  `json:"stratify,omitempty"`
}

// Pipeline describes one pipeline of the run.
type Pipeline struct {
	Name        string         `json:"name"`
	Role        string         `json:"role"`
	Type        string         `json:"type"`
	Description string         `json:"description,omitempty"`
	Config      map[string]any `json:"config,omitempty"`
}

// Settings are the run's statistical and execution settings.
type Settings struct {
	Confidence  float64 `json:"confidence"`
	Resamples   int     `json:"bootstrap_resamples"`
	Seed        uint64  `json:"seed"`
	Concurrency int     `json:"concurrency"`
}

// Metrics is metrics.json: every metric of every pipeline with its interval.
type Metrics struct {
	SchemaVersion int               `json:"schema_version"`
	Confidence    float64           `json:"confidence"`
	Records       int               `json:"records"`
	Pipelines     []PipelineMetrics `json:"pipelines"`
	// Breakdown is the share metric by month and by segment value (nil
	// when the run has no journal to work it out from).
	Breakdown *Breakdown `json:"breakdown,omitempty"`
}

// PipelineMetrics is one pipeline's row of metrics.json.
type PipelineMetrics struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Records  int    `json:"records"`
	Failures int    `json:"failures"`
	// Unparseable counts answers that could not be parsed into the output.
	Unparseable int `json:"unparseable"`
	// Cached counts answers that came from the response cache.
	Cached int `json:"cached"`
	// UnparseableExamples are the first unparseable answers.
	UnparseableExamples []Failure `json:"unparseable_examples,omitempty"`
	// FailureExamples are the first failures, for the auditor.
	FailureExamples []Failure  `json:"failure_examples,omitempty"`
	Metrics         []Estimate `json:"metrics"`
	// Confusion is the pipeline's confusion matrix, for candidates (nil
	// when the run has no journal to work it out from).
	Confusion *Confusion `json:"confusion,omitempty"`
	// OperatingPoint is the operating-point analysis of a scored candidate
	// of a two-class label (nil otherwise).
	OperatingPoint *OperatingPoint `json:"operating_point,omitempty"`
}

// Failure is one record on which a pipeline failed.
type Failure struct {
	RecordID string `json:"record_id"`
	Error    string `json:"error"`
}

// Verdict is verdict.json: the decision and each criterion's judgement.
type Verdict struct {
	SchemaVersion int         `json:"schema_version"`
	Experiment    string      `json:"experiment"`
	Question      string      `json:"question"`
	RunID         string      `json:"run_id"`
	Verdict       Decision    `json:"verdict"`
	Reason        string      `json:"reason"`
	Multiplicity  string      `json:"multiplicity"`
	Confidence    float64     `json:"confidence"`
	Records       int         `json:"records"`
	Criteria      []Judgement `json:"criteria"`
}

// Impact is impact.json: the yearly projection of each pipeline's running
// cost and error cost, of each candidate's saving against each baseline,
// and of the people's workload a candidate would absorb. Every figure is a
// mean over the replayed records × the yearly volume, with a bootstrap
// interval, and carries the assumption it rests on as a sentence.
type Impact struct {
	SchemaVersion int `json:"schema_version"`
	// Currency is the unit of every amount.
	Currency string `json:"currency"`
	// Incumbent is the baseline standing for today's process
	// (use_case.incumbent), which the headline answers against; "" when
	// the experiment names none.
	Incumbent string `json:"incumbent,omitempty"`
	// VolumePerYear is use_case.volume_per_year.
	VolumePerYear int64 `json:"volume_per_year"`
	// Records is the number of replayed records the means are taken over.
	Records int `json:"records"`
	// Confidence is the level of every interval.
	Confidence float64 `json:"confidence"`
	// Positive is the positive class errors are counted against.
	Positive string `json:"positive"`
	// CostOfError restates use_case.cost_of_error (nil when not given).
	CostOfError *CostOfError `json:"cost_of_error,omitempty"`
	// Positives is the number of replayed records of the positive class,
	// whose share of Records every error cost and saving rests on (0
	// without CostOfError); PositiveName is the class as people read it
	// (dataset.label_names), or "" when it has no name.
	Positives    int    `json:"positives,omitempty"`
	PositiveName string `json:"positive_name,omitempty"`
	// Pipelines holds one row per pipeline, in file order.
	Pipelines []PipelineImpact `json:"pipelines"`
	// Savings compares each candidate with each baseline.
	Savings []Saving `json:"savings"`
	// Workload is the people's work a candidate would absorb; nil when the
	// use case states no people.
	Workload *Workload `json:"workload,omitempty"`
	// Notes are the general limits of the projection, in sentences.
	Notes []string `json:"notes,omitempty"`
}

// CostOfError is what a wrong decision costs: a fixed amount or the name of
// the dataset column holding each record's amount.
type CostOfError struct {
	MissedPositive string `json:"missed_positive"`
	FalsePositive  string `json:"false_positive"`
}

// Projection is one projected figure.
type Projection struct {
	// Value is the projected figure (null when it cannot be computed).
	Value Number `json:"value"`
	// Interval is its bootstrap interval.
	Interval Interval `json:"interval"`
	// Assumption is what the figure rests on, in a sentence.
	Assumption string `json:"assumption"`
}

// PipelineImpact is one pipeline's yearly figures.
type PipelineImpact struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// RunningCost is the yearly cost of the pipeline's calls: the mean
	// prediction cost per record × the yearly volume.
	RunningCost Projection `json:"running_cost"`
	// ErrorCost is the yearly cost of its wrong decisions: the mean
	// per-record cost (missed_positive on a false negative, false_positive
	// on a false positive) × the yearly volume; nil without cost_of_error.
	ErrorCost *Projection `json:"error_cost,omitempty"`
	// PeopleCost is the yearly cost of the handling time, for the pipeline
	// that stands for the people only.
	PeopleCost *Projection `json:"people_cost,omitempty"`
	// FalseNegatives and FalsePositives count the wrong decisions on the
	// replayed records (a failed prediction flags nothing).
	FalseNegatives int `json:"false_negatives"`
	FalsePositives int `json:"false_positives"`
}

// Saving is what a candidate saves a year against a baseline: the
// baseline's yearly running cost + error cost (+ people cost, for the
// people's baseline) minus the candidate's, with a paired bootstrap
// interval over the same records. A negative saving is an extra cost.
type Saving struct {
	Candidate string     `json:"candidate"`
	Baseline  string     `json:"baseline"`
	Yearly    Projection `json:"yearly"`
	// Running, Errors and People split Yearly into its parts.
	Running Number `json:"running"`
	Errors  Number `json:"errors"`
	People  Number `json:"people"`
}

// Workload is the people's yearly work on the records, which a candidate
// taking over their decisions would absorb.
type Workload struct {
	// Baseline is the pipeline that stands for the people's decisions.
	Baseline string `json:"baseline"`
	// Candidates are the pipelines that would absorb it.
	Candidates []string `json:"candidates"`
	// MinutesPerRecord is the mean handling time per replayed record.
	MinutesPerRecord Projection `json:"minutes_per_record"`
	// Hours is MinutesPerRecord × the yearly volume / 60.
	Hours Projection `json:"hours_per_year"`
	// Cost is Hours × HourlyCost.
	Cost Projection `json:"cost_per_year"`
	// FTE is Hours / HoursPerFTE.
	FTE         Projection `json:"fte"`
	HourlyCost  float64    `json:"hourly_cost"`
	HoursPerFTE float64    `json:"hours_per_fte"`
}

// Run is a run folder read back.
type Run struct {
	Dir      string
	Manifest Manifest
	Metrics  Metrics
	Verdict  Verdict
	// Impact is impact.json; nil when the run has none (no yearly volume).
	Impact *Impact
	// Predictions are the journal's columns when the run was just made
	// (the replay collected them); nil for a run loaded from its folder,
	// whose documents read predictions.parquet or the journal.
	Predictions *Predictions
}

// WriteJSON writes v as indented JSON to dir/name, atomically (a reader
// never sees half a file). Undefined values are Number, which
// writes NaN and infinities as null.
func WriteJSON(dir, name string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // ">=" stays readable; the HTML report escapes on its own
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return WriteFile(dir, name, buf.Bytes())
}

// WriteFile writes b to dir/name atomically: through a temporary file
// beside it, renamed, so that a reader never sees half a file and a full
// disk leaves no temporary file behind.
func WriteFile(dir, name string, b []byte) error {
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return nil
}

// Load reads a finished run folder; impact.json is read when present.
func Load(dir string) (*Run, error) {
	r := &Run{Dir: dir}
	for _, f := range []struct {
		name string
		v    any
	}{{ManifestFile, &r.Manifest}, {MetricsFile, &r.Metrics}, {VerdictFile, &r.Verdict}} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if errors.Is(err, os.ErrNotExist) {
			if f.name != ManifestFile {
				if _, merr := os.Stat(filepath.Join(dir, ManifestFile)); merr == nil {
					return nil, fmt.Errorf("%s is not a finished run folder: %s is missing; if the run was interrupted, `poc run --resume %s` finishes it", dir, f.name, dir)
				}
			}
			return nil, fmt.Errorf("%s is not a finished run folder: %s is missing", dir, f.name)
		}
		if err != nil {
			return nil, fmt.Errorf("read run: %w", err)
		}
		if err := json.Unmarshal(b, f.v); err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, f.name), err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, ImpactFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read run: %w", err)
	default:
		r.Impact = &Impact{}
		if err := json.Unmarshal(b, r.Impact); err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, ImpactFile), err)
		}
	}
	return r, nil
}
