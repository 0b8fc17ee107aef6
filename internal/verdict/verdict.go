package verdict

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/poc-harness/poc/metrics"
)

// Kind is the kind of a criterion, as written in the experiment file.
type Kind string

// The criterion kinds.
const (
	AtLeast     Kind = "at_least"
	AtMost      Kind = "at_most"
	BetterThan  Kind = "better_than"
	NoWorseThan Kind = "no_worse_than"
)

// Criterion is a success condition written before the run.
type Criterion struct {
	Name     string
	Metric   string
	Pipeline string
	Kind     Kind
	// Threshold is the bound of an absolute criterion.
	Threshold float64
	// Baseline is the pipeline a comparison is made against.
	Baseline string
	// Margin is `by` of better_than or `margin` of no_worse_than, in the
	// metric's unit — or, with Relative, as a share of the baseline's value.
	Margin float64
	// Relative compares (candidate − baseline) / |baseline| with Margin.
	Relative bool
	// InEvery lists segment columns in every value of which the criterion
	// must hold on its own.
	InEvery []string
	Must    bool
	Why     string
}

// Status is the outcome of one criterion.
type Status string

// The criterion statuses.
const (
	Pass         Status = "pass"
	Fail         Status = "fail"
	Inconclusive Status = "inconclusive"
	// Undefined means the value could not be computed; it is never a pass.
	Undefined Status = "undefined"
	// TooSmall is a segment with fewer records than the minimum segment
	// size: it is not judged, and a criterion that must hold in it cannot pass.
	TooSmall Status = "too small to judge"
)

// Decision is the verdict of a run.
type Decision string

// The verdicts.
const (
	Go        Decision = "GO"
	NoGo      Decision = "NO-GO"
	Undecided Decision = "INCONCLUSIVE"
)

// Judgement is the evaluation of one criterion.
type Judgement struct {
	Name     string `json:"name"`
	Metric   string `json:"metric"`
	Pipeline string `json:"pipeline"`
	Kind     Kind   `json:"kind"`
	Baseline string `json:"baseline,omitempty"`
	Must     bool   `json:"must"`
	// Estimate is the metric's value (absolute kinds) or the difference
	// candidate − baseline (comparisons), in the metric's unit.
	Estimate Number   `json:"estimate"`
	Interval Interval `json:"interval"`
	// Threshold is the bound Estimate is held to; Sense is ">=" or "<=".
	Threshold Number `json:"threshold"`
	Sense     string `json:"sense"`
	Status    Status `json:"status"`
	// CandidateValue and BaselineValue are the two metric values of a comparison.
	CandidateValue *Number `json:"candidate_value,omitempty"`
	BaselineValue  *Number `json:"baseline_value,omitempty"`
	// Relative marks a comparison of (candidate − baseline) / |baseline|.
	Relative bool `json:"relative,omitempty"`
	// PValue is the one-sided p-value of the test that the criterion holds
	// (small means strong evidence that it holds); AdjustedP is the same
	// after the multiplicity correction across the must-criteria's tests.
	PValue    Number `json:"p_value"`
	AdjustedP Number `json:"adjusted_p_value"`
	// McNemarP is the exact two-sided McNemar p-value of a comparison of
	// two proportions on the same records (evidence shown with the interval).
	McNemarP *Number `json:"mcnemar_p,omitempty"`
	// Segments are the per-segment judgements of a criterion that must hold
	// in every segment.
	Segments []SegmentJudgement `json:"segments,omitempty"`
	// MoreRecords estimates, for an inconclusive criterion, how many more
	// records would likely decide it at the observed effect (0 when decided
	// or when no amount would).
	MoreRecords int `json:"more_records_needed,omitempty"`
	// SampleSizeMethod says how MoreRecords was worked out.
	SampleSizeMethod string `json:"sample_size_method,omitempty"`

	// Set while judging, for the sample-size advice and the explanation.
	pairs, discor, trials int
	holmNote              bool
	metricUnit            string
	Unit                  string `json:"unit,omitempty"`
	Explanation           string `json:"explanation"`
	Test                  string `json:"test"`
	Why                   string `json:"why,omitempty"`
}

// SegmentJudgement is a criterion judged on the records of one segment.
type SegmentJudgement struct {
	Column    string   `json:"column"`
	Value     string   `json:"value"`
	Records   int      `json:"records"`
	Estimate  Number   `json:"estimate"`
	Interval  Interval `json:"interval"`
	Status    Status   `json:"status"`
	PValue    Number   `json:"p_value"`
	AdjustedP Number   `json:"adjusted_p_value"`
	Note      string   `json:"note,omitempty"`
}

// Summary is the verdict with every criterion's judgement.
type Summary struct {
	Verdict  Decision    `json:"verdict"`
	Reason   string      `json:"reason"`
	Criteria []Judgement `json:"criteria"`
	// Multiplicity names the correction applied across must-criteria.
	Multiplicity string `json:"multiplicity"`
}

// Segment is the set of records sharing one value of a segment column.
type Segment struct {
	Column, Value string
	// Positions are the records' positions in the replay.
	Positions []int
}

// Input is what Judge needs of a replay.
type Input struct {
	// Pipelines and Metrics name the rows and columns of Estimates.
	Pipelines []string
	Metrics   []metrics.Metric
	Estimates [][]Estimate
	// Records is the number of records replayed.
	Records int
	// Segments lists, by column, the segments of the replay.
	Segments map[string][]Segment
}

func indexOf(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i
	}
	return m
}

func defaultName(c Criterion, unit string) string {
	switch c.Kind {
	case AtLeast:
		return fmt.Sprintf("%s of %s at least %s", c.Metric, c.Pipeline, FormatValue(Number(c.Threshold), unit))
	case AtMost:
		return fmt.Sprintf("%s of %s at most %s", c.Metric, c.Pipeline, FormatValue(Number(c.Threshold), unit))
	case BetterThan:
		if c.Margin != 0 {
			return fmt.Sprintf("%s of %s better than %s by %s", c.Metric, c.Pipeline, c.Baseline, formatMargin(c.Margin, unit))
		}
		return fmt.Sprintf("%s of %s better than %s", c.Metric, c.Pipeline, c.Baseline)
	default:
		return fmt.Sprintf("%s of %s no worse than %s (margin %s)", c.Metric, c.Pipeline, c.Baseline, formatMargin(c.Margin, unit))
	}
}

// formatMargin prints an unsigned margin: shares in percentage points.
func formatMargin(m float64, unit string) string {
	return strings.TrimPrefix(FormatDiff(Number(m), unit), "+")
}

// decide holds the interval against the threshold: pass when the whole
// interval is on the good side, fail when the whole interval is on the bad
// side, inconclusive when it straddles the threshold.
func decide(est Number, iv Interval, thr Number, sense string) Status {
	if est.IsNaN() || iv.Lo.IsNaN() || iv.Hi.IsNaN() {
		return Undefined
	}
	if sense == "<=" {
		switch {
		case iv.Hi <= thr:
			return Pass
		case iv.Lo > thr:
			return Fail
		}
		return Inconclusive
	}
	switch {
	case iv.Lo >= thr:
		return Pass
	case iv.Hi < thr:
		return Fail
	}
	return Inconclusive
}

func conclude(js []Judgement) (Decision, string) {
	var failed, open, musts []string
	for _, j := range js {
		if !j.Must {
			continue
		}
		musts = append(musts, j.Name)
		switch j.Status {
		case Fail:
			failed = append(failed, j.Name)
		case Inconclusive, Undefined:
			open = append(open, j.Name)
		}
	}
	switch {
	case len(musts) == 0:
		return Undecided, "the experiment sets no `must` criterion, so nothing can justify a GO"
	case len(failed) > 0:
		return NoGo, fmt.Sprintf("%d of %d must-criteria failed: %s", len(failed), len(musts), strings.Join(failed, "; "))
	case len(open) > 0:
		return Undecided, fmt.Sprintf("%d of %d must-criteria are not yet decided by the data: %s", len(open), len(musts), strings.Join(open, "; "))
	}
	return Go, fmt.Sprintf("all %d must-criteria passed", len(musts))
}

func describeTest(j Judgement, conf float64, multiplicity string, family int) string {
	bound := "lower"
	if j.Sense == "<=" {
		bound = "upper"
	}
	what := "the " + j.Metric
	switch {
	case j.Relative:
		what = fmt.Sprintf("the paired relative difference (%s − %s) / %s in %s", j.Pipeline, j.Baseline, j.Baseline, j.Metric)
	case j.Kind == BetterThan || j.Kind == NoWorseThan:
		what = fmt.Sprintf("the paired difference %s − %s in %s", j.Pipeline, j.Baseline, j.Metric)
	}
	s := fmt.Sprintf("passes when the %s bound of the %s %s interval of %s is %s %s (a one-sided test at %s)",
		bound, Percent(conf), j.Interval.Method, what, j.Sense, j.format(j.Threshold), Percent((1-conf)/2))
	if len(j.Segments) > 0 {
		s += ", overall and in every segment of at least the minimum size"
	}
	if j.Must && multiplicity == "holm" && family > 1 {
		s += fmt.Sprintf("; its p-value is adjusted by Holm–Bonferroni across the %d tests of the must-criteria", family)
	}
	if j.McNemarP != nil {
		s += fmt.Sprintf("; McNemar's exact test on the discordant records gives p = %s (two-sided)", pFormat(float64(*j.McNemarP)))
	}
	return s
}

// format prints a value of the judgement in its unit: a difference for a
// comparison (a relative one in percent), the metric's value otherwise.
func (j Judgement) format(v Number) string {
	switch {
	case j.Relative:
		if v.IsNaN() {
			return "n/a"
		}
		return fmt.Sprintf("%+.1f%%", 100*float64(v))
	case j.Kind == BetterThan || j.Kind == NoWorseThan:
		return FormatDiff(v, j.Unit)
	}
	return FormatValue(v, j.Unit)
}

func explain(j Judgement, conf float64) string {
	if j.Status == Undefined {
		return fmt.Sprintf("%s could not be computed on these records, so the criterion cannot pass", j.Metric)
	}
	iv := fmt.Sprintf("%s to %s", j.format(j.Interval.Lo), j.format(j.Interval.Hi))
	var s string
	switch j.Kind {
	case AtLeast, AtMost:
		s = fmt.Sprintf("%s of %s is %s (%s interval %s) against a required %s %s",
			j.Metric, j.Pipeline, j.format(j.Estimate), Percent(conf), iv, j.Sense, j.format(j.Threshold))
	default:
		unit := j.Unit
		if j.Relative {
			unit = j.metricUnit
		}
		diff := "a difference"
		if j.Relative {
			diff = "a relative difference"
		}
		s = fmt.Sprintf("%s of %s is %s against %s for %s: %s of %s (%s interval %s); required %s %s",
			j.Metric, j.Pipeline, FormatValue(*j.CandidateValue, unit), FormatValue(*j.BaselineValue, unit), j.Baseline,
			diff, j.format(j.Estimate), Percent(conf), iv, j.Sense, j.format(j.Threshold))
	}
	if seg := segmentSummary(j.Segments); seg != "" {
		s += "; it must hold in every segment, and " + seg
	}
	switch {
	case j.Status == Pass:
		return s + ": the whole interval clears the threshold"
	case j.Status == Fail && segmentSummary(j.Segments) != "" && overallClears(j):
		return s + ": it fails in a segment"
	case j.Status == Fail:
		return s + ": the whole interval is on the wrong side"
	case j.holmNote:
		return s + ": the interval clears the threshold, but the evidence is not strong enough once corrected for the number of must-criteria tested"
	}
	if j.MoreRecords > 0 {
		return s + fmt.Sprintf(": not yet decided; about %s more records would likely settle it", Group(int64(j.MoreRecords)))
	}
	return s + ": not yet decided, and the estimate is too close to the threshold (or on its wrong side) for more records to promise a pass"
}

// overallClears reports whether a criterion's overall interval clears its
// threshold (so that a failure comes from a segment).
func overallClears(j Judgement) bool {
	return decide(j.Estimate, j.Interval, j.Threshold, j.Sense) == Pass
}

// pFormat prints a p-value with three significant digits.
func pFormat(p float64) string {
	if p < 0.0001 {
		return "< 0.0001"
	}
	return fmt.Sprintf("%.3g", p)
}

// Percent prints a probability as a percentage without float noise: 95%, 2.5%.
func Percent(p float64) string {
	return strconv.FormatFloat(math.Round(p*1e6)/1e4, 'f', -1, 64) + "%"
}
