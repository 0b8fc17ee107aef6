package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/spec"
)

// DataChecks is what the data checks found over the records a run would
// replay, with the severity the experiment file gives each.
type DataChecks []results.DataCheck

// Errors returns the findings of checks the file makes errors.
func (d DataChecks) Errors() DataChecks {
	var out DataChecks
	for _, c := range d {
		if c.Severity == string(spec.CheckError) {
			out = append(out, c)
		}
	}
	return out
}

// Err is a *CheckError listing the findings that are errors, or nil.
func (d DataChecks) Err(path string) error {
	errs := d.Errors()
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, c := range errs {
		msgs[i] = fmt.Sprintf("dataset %s: %s (dataset.checks.%s is error: fix the data, or set it to warn to run and report it)", path, c.Message, c.Check)
	}
	return &CheckError{Err: errors.New(strings.Join(msgs, "; "))}
}

// CheckData gives the data checks' findings over the records a run of exp
// replays, with the file's severities: those of the pass the loader made
// (the data is read once, streaming), or else of a pass made now.
func CheckData(ctx context.Context, exp *spec.Experiment) (DataChecks, error) {
	d := exp.Dataset
	read := d.Read
	if read == nil {
		// Loaded without reading the data (a spec built in code): read
		// the records the run replays now.
		r, err := scanData(ctx, d, datasetOptions(exp))
		if err != nil {
			return nil, fmt.Errorf("check data: %w", err)
		}
		read = &r
	}
	var out DataChecks
	if read.Stats.Skipped > 0 {
		out = append(out, skippedRows(read.Stats, read.Skipped))
	}
	for _, f := range read.Findings {
		sev, ok := d.Checks[f.Check]
		if !ok {
			sev = spec.CheckWarn
		}
		if sev == spec.CheckOff || (sev == spec.CheckWarn && f.Check == datasets.CheckEmptySegments && !judgedInEvery(exp, f.Column)) {
			// Records without a segment value matter to a criterion that
			// must hold in every segment of the column; with none, a
			// warning would only teach readers to skip the report's
			// "Read with care" banner (empty_segments: error still refuses).
			continue
		}
		out = append(out, results.DataCheck{Check: string(f.Check), Column: f.Column, Count: f.Count, Records: f.Records,
			Lines: f.Lines, Severity: string(sev), Message: f.Message()})
	}
	if c, ok := positiveMajority(d, read.Labels); ok {
		out = append(out, c)
	}
	return out, nil
}

// positiveMajority warns when the positive class of a two-class label is
// most of the labelled records: positive names the event to catch, which
// is almost always the rarer class, and a positive written as the other
// class turns every rate and amount the other way round.
func positiveMajority(d spec.Dataset, labels map[string]int) (results.DataCheck, bool) {
	sev, set := d.Checks[datasets.CheckPositiveMajority]
	if set && sev == spec.CheckOff || d.Positive == "" || len(labels) != 2 {
		return results.DataCheck{}, false
	}
	total, pos := 0, labels[d.Positive]
	for _, n := range labels {
		total += n
	}
	if total == 0 || 2*pos <= total {
		return results.DataCheck{}, false
	}
	if !set {
		sev = spec.CheckWarn
	}
	name := d.Positive
	if n := d.LabelNames[d.Positive]; n != "" && n != d.Positive {
		name = n + " (" + d.Positive + ")"
	}
	return results.DataCheck{Check: string(datasets.CheckPositiveMajority), Column: d.Label, Count: pos, Records: total, Severity: string(sev),
		Message: fmt.Sprintf("the positive class %s is %.0f%% of the labelled records: dataset.positive names the event to catch (the fraud, the default, the churn), "+
			"usually the rarer class; with the other class every recall, precision and amount reads the other way round "+
			"(check dataset.positive, or set dataset.checks.positive_majority: off if the event is the common one)", name, 100*float64(pos)/float64(total))}, true
}

// judgedInEvery reports whether a criterion of exp must hold in every
// segment of column.
func judgedInEvery(exp *spec.Experiment, column string) bool {
	for _, c := range exp.Criteria {
		if slices.Contains(c.InEvery, column) {
			return true
		}
	}
	return false
}

// scanData reads the records opt selects once, counting them by their
// label's canonical value and running the data checks over them. When
// every row is bad and skipped, nothing is left to replay: that is an error
// wrapping spec.ErrNoRecords that shows the first bad row.
func scanData(ctx context.Context, ds spec.Dataset, opt datasets.Options) (spec.DataRead, error) {
	if ds.Label != "" {
		opt.Require = append(opt.Require, ds.Label)
	}
	s, err := datasets.Open(ds.Path, opt)
	if err != nil {
		return spec.DataRead{}, err
	}
	defer s.Close()
	counts := map[string]int{}
	c := datasets.NewChecker(datasets.CheckOptions{ID: ds.ID, Time: ds.Time, Label: ds.Label, Segments: ds.Segments, Values: ds.ValueColumns})
	err = datasets.EachOnce(ctx, s, func(rec datasets.Record) error {
		if ds.Label != "" {
			counts[datasets.FormatValue(rec.Fields[ds.Label])]++
		}
		c.Add(rec)
		return nil
	})
	if err != nil {
		return spec.DataRead{}, err
	}
	st := s.Stats()
	if st.Yielded == 0 && st.Skipped > 0 {
		return spec.DataRead{}, fmt.Errorf("%w: %d rows are bad and skipped (on_bad_row: skip), and none is left; the first: %w",
			spec.ErrNoRecords, st.Skipped, s.SkippedRows()[0])
	}
	return spec.DataRead{Labels: counts, Findings: c.Findings(), Stats: st, Skipped: s.SkippedRows(), Values: c.Values()}, nil
}

// skippedRows is the finding of rows on_bad_row: skip left out: always a
// warning, since the file chose to skip them.
func skippedRows(st datasets.Stats, rows []*datasets.RowError) results.DataCheck {
	c := results.DataCheck{Check: "bad_rows", Count: st.Skipped, Records: st.Read, Severity: string(spec.CheckWarn)}
	for _, r := range rows[:min(len(rows), 5)] {
		c.Lines = append(c.Lines, r.Line)
	}
	c.Message = fmt.Sprintf("%s of %s rows could not be read and were skipped (on_bad_row: skip)",
		format.Group(int64(st.Skipped)), format.Group(int64(st.Read)))
	if len(rows) > 0 {
		c.Message += "; first: " + rows[0].Error()
	}
	return c
}

// warnings converts warnings of the experiment file (those of its load,
// or of the training checks) for the manifest.
func warnings(ds spec.Diagnostics) []results.Warning {
	var out []results.Warning
	for _, w := range ds {
		where := w.File
		if w.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", w.File, w.Line, w.Col)
		}
		out = append(out, results.Warning{Where: where, Field: w.Field, Message: w.Msg, Hint: w.Hint})
	}
	return out
}
