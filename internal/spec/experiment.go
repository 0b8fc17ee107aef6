package spec

import (
	"fmt"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
	"go.yaml.in/yaml/v3"
)

// Version is the experiment schema version this package reads.
const Version = 1

// Pos is a 1-based position in the experiment file.
type Pos struct {
	Line, Col int
}

// String returns "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Experiment is a loaded, validated experiment file.
type Experiment struct {
	// Version is the schema version (always 1).
	Version int
	// Name identifies the experiment; it names its folder under results/.
	Name string
	// Description is free text.
	Description string
	// UseCase is the business question the experiment answers.
	UseCase UseCase
	// Dataset is the historical data replayed through the pipelines.
	Dataset Dataset
	// Pipelines lists candidates and baselines in file order.
	Pipelines []Pipeline
	// Metrics lists the metrics in file order.
	Metrics []Metric
	// Criteria lists the success conditions in file order.
	Criteria []Criterion
	// Report holds the statistical options of the report.
	Report Report
	// Privacy says what is pseudonymised before it leaves the machine, and
	// where network pipelines may send it.
	Privacy Privacy
	// Budget bounds what a run may spend and how many failures it accepts.
	Budget Budget
	// Confine is true when the experiment is confined (`confine: true`, or
	// LoadOptions.Confine): it may start only programs and read only files
	// inside its folder, Dir; anything else is a load error.
	Confine bool
	// CacheDir is the response cache's folder (LoadOptions.CacheDir), for
	// Reach; "" when unknown or off.
	CacheDir string

	// File is the absolute path of the experiment file.
	File string
	// Dir is the absolute folder of the experiment file; relative paths
	// resolve against it.
	Dir string
	// Hash is the hex SHA-256 of the file's bytes, for the run manifest.
	Hash string
	// Warnings lists problems that do not prevent a run.
	Warnings Diagnostics
}

// UseCase is the business context of an experiment.
type UseCase struct {
	// Question is the decision the experiment informs, in plain words.
	Question string
	// Owner is the team or person who owns the decision.
	Owner string
	// Incumbent is the baseline that stands for today's process, which the
	// headline compares the candidate with: use_case.incumbent, else the
	// only baseline, else the only one the question names ("" for none).
	Incumbent string
	// VolumePerYear is the number of production records a year, for cost
	// and impact projections (0 when unknown).
	VolumePerYear int64
	// Currency is the unit of cost figures; "USD" by default.
	Currency string
	// People is today's human handling of the records, for the workload a
	// candidate would absorb; nil when the file does not state it.
	People *People
	// CostOfError is what a wrong decision costs, for the yearly error cost
	// and the savings; nil when the file does not state it.
	CostOfError *CostOfError
}

// PerRecord is a figure that applies to each record: a fixed number, or a
// numeric column of the dataset read record by record.
type PerRecord struct {
	// Value is the fixed number; unused when Column is set.
	Value float64
	// Column names the dataset column holding each record's figure ("" for
	// the fixed Value).
	Column string
}

// String returns the column's name or the number, as the file states it.
func (p PerRecord) String() string {
	if p.Column != "" {
		return p.Column
	}
	return fmt.Sprintf("%g", p.Value)
}

// DefaultHoursPerFTE is the working hours of one full-time equivalent a
// year when use_case.people.hours_per_fte is not given.
const DefaultHoursPerFTE = 1680

// People is the `use_case.people:` block: what today's human handling of a
// record costs.
type People struct {
	// Baseline names the pipeline that stands for the people's decisions.
	Baseline string
	// MinutesPerRecord is the handling time of a record, in minutes.
	MinutesPerRecord PerRecord
	// HourlyCost is the loaded cost of an hour of that work, in the use
	// case's currency.
	HourlyCost float64
	// HoursPerFTE is the working hours of one full-time equivalent a year
	// (DefaultHoursPerFTE by default).
	HoursPerFTE float64
}

// CostOfError is the `use_case.cost_of_error:` block: what a wrong decision
// on a binary label costs, in the use case's currency. The positive class is
// dataset.positive.
type CostOfError struct {
	// MissedPositive is the cost of a positive record the pipeline did not
	// flag (a false negative), such as the fraud amount lost; 0 when absent.
	MissedPositive PerRecord
	// FalsePositive is the cost of a negative record the pipeline flagged
	// (a false positive), such as a blocked customer's call; 0 when absent.
	FalsePositive PerRecord
}

// Dataset describes the historical records.
type Dataset struct {
	// Path is the absolute path of the data file.
	Path string
	// Format is the format as written (csv, tsv, jsonl, parquet); empty means
	// "from the file extension".
	Format string
	// ID is the column identifying a record ("" when none).
	ID string
	// Label is the column holding the true outcome.
	Label string
	// Positive is the positive class of a binary label in canonical text
	// form; "1" by default.
	Positive string
	// Time is the column holding the record's time ("" when none).
	Time string
	// Segments lists columns to break metrics down by.
	Segments []string
	// Filter is an expression selecting the records to replay ("" for all).
	Filter string
	// Types are the column types declared under `columns:`, by column name
	// (a column of the file or a derived one): what its values mean,
	// whatever the file's format makes of them. `category` reads numeric
	// codes as text levels ("2", not 2.0) that learners one-hot encode;
	// `string` keeps text as written ("007"); `number`, `bool` and `time`
	// make a value that is not one a bad row. A column not declared keeps
	// the format's types: for CSV and TSV, one type per column inferred over
	// the whole file (number, bool, else string). Nil when none is declared.
	Types map[string]datasets.Type
	// Derive lists columns computed from others, in file order.
	Derive []Derived
	// SelectiveLabels says, in the file's words, which outcomes the
	// historical decisions hid (declined applicants never default); the
	// report shows it next to the verdict.
	SelectiveLabels string
	// Sample is the seeded sample to replay; nil for all records.
	Sample *Sample
	// LabelNames names coded classes for people ({"0": "legitimate"}):
	// dataset.label_names; nil when the file gives none.
	LabelNames map[string]string
	// SkipBadRows is true when on_bad_row is "skip": unreadable rows are
	// counted and skipped instead of stopping the run.
	SkipBadRows bool
	// MaxFieldBytes and MaxRecordBytes bound one field and one record as
	// read (0: datasets' defaults, 1 MiB and 16 MiB); a row beyond them is
	// a bad row naming its line and column.
	MaxFieldBytes, MaxRecordBytes int
	// Columns lists the dataset's columns as LoadOptions.ReadColumns returned
	// them; nil when they were not read.
	Columns []string
	// Labels are the classes the label column holds, sorted (nil when they
	// were not read, or the label is a number with many values).
	Labels []string
	// Kinds says what kind of value a column holds (text, number, bool),
	// as LoadOptions.ColumnKinds found; nil when unknown.
	Kinds map[string]string
	// Read is what the load-time pass over the data learnt (nil when the
	// data was not read); the runner reports its data checks.
	Read *DataRead
	// ValueColumns are the columns whose distinct values that pass keeps
	// (DataRead.Values): those a rule compares with a text.
	ValueColumns []string
	// Checks gives each data check its severity (warn unless the file's
	// `checks:` says otherwise).
	Checks map[datasets.Check]CheckSeverity
}

// Sample is a seeded random sample of the dataset. Exactly one of Size and
// Fraction is set.
type Sample struct {
	// Size is the number of records to draw (0 when Fraction is used).
	Size int
	// Fraction is the share of records to draw, in (0, 1] (0 when Size is used).
	Fraction float64
	// Seed makes the sample repeatable; 1 by default.
	Seed uint64
	// Stratify is a column whose distribution the sample preserves ("" for none).
	Stratify string
}

// Pipeline is one candidate or baseline.
type Pipeline struct {
	// Name is unique among the experiment's pipelines.
	Name string
	// Role is candidate or baseline.
	Role pipeline.Role
	// Type is the registered pipeline type (the `type:` key).
	Type string
	// Description is free text.
	Description string
	// Spec is the type's configuration, decoded from the block.
	Spec pipeline.Spec
	// Pipeline is the built pipeline; nil when the experiment is invalid.
	Pipeline pipeline.Pipeline
	// Config holds the block's type-specific keys as plain values, for the
	// report. Values that came from ${ENV} references are kept unexpanded so
	// that secrets never reach a report.
	Config map[string]any
	// Reach is what the pipeline starts, reads and sends records to
	// (pipeline.Reacher), with "pipeline <name>" as its user.
	Reach pipeline.Reach
	// Pos is the position of the pipeline's block.
	Pos Pos
	// block is the pipeline's block in the file, for FieldPos.
	block *yaml.Node
}

// FieldPos is the position of field (a path within the pipeline's block,
// such as "features[7]" or "train.file") in the experiment file: the
// nearest enclosing key that is there, or the block's own position.
func (p Pipeline) FieldPos(field string) Pos {
	if p.block == nil || field == "" {
		return p.Pos
	}
	if n, _ := findPath(p.block, field); n != nil {
		return posOf(n)
	}
	return p.Pos
}

// Metric is one configured metric.
type Metric struct {
	// Name is unique among the experiment's metrics; criteria refer to it.
	Name string
	// Type is the registered metric type (defaults to Name).
	Type string
	// Metric is the built metric; nil when the experiment is invalid.
	Metric metrics.Metric
	// Config holds the entry's type-specific keys as plain values, for the
	// report (${ENV} references unexpanded).
	Config map[string]any
	// Reach is what the metric starts, reads and sends records to
	// (metrics.Reacher), with "metric <name>" as its user.
	Reach pipeline.Reach
	// Pos is the position of the metric's entry.
	Pos Pos
}

// CriterionKind says how a criterion compares a metric: the kinds of the
// run folder's schema.
type CriterionKind = results.Kind

// The criterion kinds.
const (
	// AtLeast holds a metric to a lower bound.
	AtLeast = results.AtLeast
	// AtMost holds a metric to an upper bound.
	AtMost = results.AtMost
	// BetterThan requires the candidate to beat a baseline, by a margin.
	BetterThan = results.BetterThan
	// NoWorseThan allows the candidate to trail a baseline by at most a margin.
	NoWorseThan = results.NoWorseThan
)

// Criterion is a success condition written before the run: the criterion
// the verdict judges, and where the file states it.
type Criterion struct {
	verdict.Criterion
	// Pos is the position of the criterion's entry.
	Pos Pos
}

// String describes the criterion in words, such as
// "recall of fraud-model-v3 better than rules-v12 by 0.05".
func (c Criterion) String() string {
	var s string
	switch c.Kind {
	case AtLeast:
		s = fmt.Sprintf("%s of %s at least %g", c.Metric, c.Pipeline, c.Threshold)
	case AtMost:
		s = fmt.Sprintf("%s of %s at most %g", c.Metric, c.Pipeline, c.Threshold)
	case BetterThan:
		s = fmt.Sprintf("%s of %s better than %s", c.Metric, c.Pipeline, c.Baseline)
		if c.Margin != 0 {
			s += fmt.Sprintf(" by %g", c.Margin)
		}
	case NoWorseThan:
		s = fmt.Sprintf("%s of %s no worse than %s", c.Metric, c.Pipeline, c.Baseline)
		if c.Margin != 0 {
			s += fmt.Sprintf(" within %g", c.Margin)
		}
	default:
		s = fmt.Sprintf("%s of %s", c.Metric, c.Pipeline)
	}
	return s
}

// Report holds the statistical options of the report.
type Report struct {
	// Confidence is the level of intervals and tests, in (0.5, 1); 0.95 by default.
	Confidence float64
	// Resamples is the number of bootstrap resamples; 2000 by default.
	Resamples int
	// Seed makes the bootstrap repeatable; 1 by default.
	Seed uint64
	// Method is the bootstrap interval method: "bca" (default) or "percentile".
	Method string
	// MinSegmentSize is the fewest records a segment needs to be judged; a
	// smaller one is reported as too small to judge (default 30).
	MinSegmentSize int
	// MinRecords is the fewest records the replay needs for any criterion
	// to be judged; fewer leave every criterion inconclusive (default 30).
	MinRecords int
	// MaxFailureRate is the largest share of records a pipeline may fail on
	// and still be judged: above it, its criteria are undefined (default 1%).
	MaxFailureRate float64
	// Multiplicity is the correction across must-criteria and segments:
	// "holm" (default) or "none".
	Multiplicity string
}

// Pipeline returns the pipeline named name, or nil.
func (e *Experiment) Pipeline(name string) *Pipeline {
	for i := range e.Pipelines {
		if e.Pipelines[i].Name == name {
			return &e.Pipelines[i]
		}
	}
	return nil
}

// Metric returns the metric named name, or nil.
func (e *Experiment) Metric(name string) *Metric {
	for i := range e.Metrics {
		if e.Metrics[i].Name == name {
			return &e.Metrics[i]
		}
	}
	return nil
}

// DefaultDetectors are the pseudonymisation detectors used when the file
// has no `privacy:` block: privacy is on unless the file turns it off.
var DefaultDetectors = []string{"email", "phone", "iban", "card"}

// Privacy is the `privacy:` block.
type Privacy struct {
	// Pseudonymise names the built-in detectors in use (email, phone, iban,
	// card); empty when the file turns pseudonymisation off with `[]`.
	Pseudonymise []string
	// Patterns are custom detectors.
	Patterns []Pattern
	// AllowURLs lists the base URLs network pipelines may call; empty means
	// no allow-list (the loader warns when a network pipeline exists).
	AllowURLs []string
}

// Pattern is a custom pseudonymisation detector: values matching Regex are
// replaced by <NAME_1>, <NAME_2>, ...
type Pattern struct {
	Name  string `yaml:"name"`
	Regex string `yaml:"regex"`
}

// Budget is the `budget:` block. Zero values mean no limit.
type Budget struct {
	// MaxCost is the most a run may spend on calls, in the experiment's
	// currency; the run stops before the estimate of the next call would
	// exceed it. Cached answers cost nothing.
	MaxCost float64
	// MaxErrorRate stops the run when the share of failed calls of any
	// pipeline exceeds it, once MinRecords records have been replayed.
	MaxErrorRate float64
	// MinRecords is how many records are replayed before MaxErrorRate is
	// enforced (default 50).
	MinRecords int
}

// Derived is a column computed from others by an expression (dataset.derive).
type Derived struct {
	Name string
	Expr string
}
