package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

const na = "n/a"

// The unit-aware number formats live in internal/format, so that the
// verdict's own explanations, the console and the reports print numbers alike.
var (
	formatValue  = format.Value[results.Number]
	formatDiff   = format.Diff[results.Number]
	group        = format.Group
	fixed        = format.Fixed
	sig          = format.Sig
	percentLabel = format.Percent
)

// formatInterval prints [lo, hi] with format, or n/a when neither bound is
// known.
func formatInterval(iv results.Interval, format func(results.Number, string) string, unit string) string {
	if iv.Lo.IsNaN() && iv.Hi.IsNaN() {
		return na
	}
	return "[" + format(iv.Lo, unit) + ", " + format(iv.Hi, unit) + "]"
}

// sense prints ">=" and "<=" as ≥ and ≤.
func sense(s string) string {
	switch s {
	case ">=":
		return "≥"
	case "<=":
		return "≤"
	}
	return s
}

// isComparison reports whether a judgement compares a candidate with a
// baseline, so that its estimate is a difference.
func isComparison(j results.Judgement) bool {
	return j.Kind == results.BetterThan || j.Kind == results.NoWorseThan
}

// judgementValues are a judgement's estimate, interval and threshold, each
// formatted in the metric's unit (differences for comparisons).
func judgementValues(j results.Judgement) (est, iv, thr string) {
	format := formatValue
	if isComparison(j) {
		format = formatDiff
	}
	est = format(j.Estimate, j.Unit)
	iv = formatInterval(j.Interval, format, j.Unit)
	if j.Status == results.Undefined {
		// Never a number that looks measured: the value is undefined, or
		// a point estimate without the interval it would be judged on.
		iv = noInterval
		if j.Estimate.IsNaN() {
			est = "undefined"
		}
	}
	thr = sense(j.Sense) + " " + format(j.Threshold, j.Unit)
	if j.Threshold.IsNaN() {
		thr = na
	}
	return est, iv, thr
}

// statusText is a status in capitals, with the records an inconclusive
// criterion likely needs.
func statusText(j results.Judgement) string {
	s := strings.ToUpper(string(j.Status))
	if j.Status == results.Inconclusive && j.MoreRecords > 0 {
		s += fmt.Sprintf(" (about %s more records)", group(int64(j.MoreRecords)))
	}
	return s
}

// formatTime prints t in UTC, as a date alone when it is midnight.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return na
	}
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02 15:04:05 UTC")
}

// shorten cuts s to at most n runes, ending it with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// experimentPath is how the reports name the experiment file: as given
// when relative, else its base name, so that a report sent to someone
// else carries no local folder.
func experimentPath(mf results.Manifest) string {
	f := mf.Experiment.File
	switch {
	case f == "":
		return na
	case !filepath.IsAbs(f):
		return filepath.ToSlash(f)
	}
	return filepath.Base(f)
}

// datasetPath is how the reports name the dataset: relative to the
// experiment's folder, as the file writes it, or its base name when it lies
// elsewhere.
func datasetPath(mf results.Manifest) string {
	p := mf.Dataset.Path
	switch {
	case p == "":
		return na
	case !filepath.IsAbs(p):
		return filepath.ToSlash(p)
	}
	if mf.Experiment.File != "" {
		if rel, err := filepath.Rel(filepath.Dir(mf.Experiment.File), p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(p)
}
