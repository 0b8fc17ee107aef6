package verdict

import (
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// Criterion is a success condition written before the run.
type Criterion struct {
	Name     string
	Metric   string
	Pipeline string
	Kind     results.Kind
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

// Metric is what the verdict needs to know of a metric.
type Metric struct {
	Name string
	// Unit is the metric's unit ("" for a share).
	Unit string
	// LowerIsBetter is true for metrics such as latency or error rate.
	LowerIsBetter bool
}

// Bound is what a criterion's estimate is held to: at least (Sense ">=")
// or at most ("<=") Threshold.
type Bound struct {
	Threshold float64
	Sense     string
}

// Greater reports whether the bound is a lower one (the estimate must be at
// least the threshold).
func (b Bound) Greater() bool { return b.Sense == ">=" }

// BoundOf is the bound of criterion c on a metric: the threshold of an
// absolute criterion; for a comparison, the margin on the difference
// candidate − baseline, its sign and sense following the metric's direction
// (better means higher, or lower for a lower-is-better metric).
func BoundOf(c Criterion, lowerIsBetter bool) Bound {
	switch {
	case c.Kind == results.AtLeast:
		return Bound{c.Threshold, ">="}
	case c.Kind == results.AtMost:
		return Bound{c.Threshold, "<="}
	case c.Kind == results.BetterThan && !lowerIsBetter:
		return Bound{c.Margin, ">="}
	case c.Kind == results.BetterThan:
		return Bound{-c.Margin, "<="}
	case !lowerIsBetter:
		return Bound{-c.Margin, ">="}
	}
	return Bound{c.Margin, "<="}
}

// Evidence is what the analysis found for one criterion on one set of
// records. Numbers that cannot be computed are NaN.
type Evidence struct {
	// Estimate is the metric's value, or for a comparison the difference
	// candidate − baseline (relative to |baseline| when the criterion is).
	Estimate float64
	// Interval is its confidence interval at the run's level.
	Interval results.Interval
	// PValue is the one-sided p-value of the test that the criterion holds,
	// the one that inverts Interval at the bound.
	PValue float64
	// Candidate and Baseline are the two values of a comparison.
	Candidate, Baseline float64
	// McNemarP is McNemar's exact two-sided p-value for a comparison of two
	// proportions (NaN otherwise).
	McNemarP float64
	// Trials is the denominator of a proportion held to a threshold.
	Trials int
	// Pairs and Discordant count, for a comparison of two proportions, the
	// records counted by both and those on which they disagree;
	// CandidateOnly, of the discordant ones, those that are a success of
	// the candidate alone.
	Pairs, Discordant, CandidateOnly int
	// Failures counts the records the judged pipeline failed on, of
	// Records; BaselineFailures the baseline's, for a comparison.
	Failures         int
	Records          int
	BaselineFailures *int
	// NeedRecords, when the interval could not be formed for want of
	// records (a distribution-free bound on a p99 needs 368), is how many
	// the judged set needs: such a criterion is inconclusive, with advice,
	// rather than undefined.
	NeedRecords int
	// Degenerate marks an interval from resamples that all gave the same
	// value: a zero width that is no evidence of anything, so it never
	// passes.
	Degenerate bool
	// Note says why the evidence is missing, when it is.
	Note string
}

// Undefined is evidence that could not be formed, for the reason given.
func Undefined(note string) Evidence {
	return Evidence{Estimate: nan, Interval: results.NoInterval(), PValue: nan, Candidate: nan, Baseline: nan, McNemarP: nan, Note: note}
}

// Tester gives the evidence for criteria.
type Tester interface {
	// Test returns the evidence that criterion c holds against bound b, on
	// every record (seg nil) or on the records of one segment.
	Test(c Criterion, b Bound, seg *Segment) Evidence
}

// Settings are the judging settings of a run, from the file's `report:`.
type Settings struct {
	// Confidence is the two-sided confidence level of every interval.
	Confidence float64
	// MinSegmentSize is the fewest records a segment needs to be judged.
	MinSegmentSize int
	// MinRecords is the fewest records the whole replay needs for a
	// criterion to pass: fewer leave every criterion inconclusive.
	MinRecords int
	// Multiplicity is "holm" (default) or "none": the correction of the
	// must-criteria's tests (segments included) for their number.
	Multiplicity string
	// Power is the power the sample-size advice aims at (default 0.8).
	Power float64
}

// alpha is the one-sided level that matches a two-sided interval.
func (s Settings) alpha() float64 { return (1 - s.Confidence) / 2 }

func (s Settings) power() float64 {
	if s.Power <= 0 || s.Power >= 1 {
		return 0.8
	}
	return s.Power
}

// Segment is the set of records sharing one value of a segment column.
type Segment struct {
	Column, Value string
	// Positions are the records' positions in the replay.
	Positions []int
}

// Input is what Judge needs of a replay.
type Input struct {
	// Metrics describes every metric a criterion names, by name.
	Metrics map[string]Metric
	// Records is the number of records replayed.
	Records int
	// Segments lists, by column, the segments of the replay.
	Segments map[string][]Segment
	// Tester gives the evidence.
	Tester Tester
}

// Summary is the verdict with every criterion's judgement.
type Summary struct {
	Verdict  results.Decision    `json:"verdict"`
	Reason   string              `json:"reason"`
	Criteria []results.Judgement `json:"criteria"`
	// Multiplicity names the correction applied across must-criteria.
	Multiplicity string `json:"multiplicity"`
}

func defaultName(c Criterion, unit string) string {
	switch c.Kind {
	case results.AtLeast:
		return fmt.Sprintf("%s of %s at least %s", c.Metric, c.Pipeline, format.Value(c.Threshold, unit))
	case results.AtMost:
		return fmt.Sprintf("%s of %s at most %s", c.Metric, c.Pipeline, format.Value(c.Threshold, unit))
	case results.BetterThan:
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
	return strings.TrimPrefix(format.Diff(m, unit), "+")
}

// decide holds the interval against the threshold: pass when the whole
// interval is on the good side, fail when the whole interval is on the bad
// side, inconclusive when it straddles the threshold.
func decide(est results.Number, iv results.Interval, thr results.Number, sense string) results.CriterionStatus {
	if est.IsNaN() || iv.Lo.IsNaN() || iv.Hi.IsNaN() {
		return results.Undefined
	}
	if sense == "<=" {
		switch {
		case iv.Hi <= thr:
			return results.Pass
		case iv.Lo > thr:
			return results.Fail
		}
		return results.Inconclusive
	}
	switch {
	case iv.Lo >= thr:
		return results.Pass
	case iv.Hi < thr:
		return results.Fail
	}
	return results.Inconclusive
}

// conclude is the verdict the must-criteria's statuses give, with its
// reason for people (the criteria by their display names).
func conclude(js []results.Judgement) (results.Decision, string) {
	var failed, open, undefined, musts []string
	for _, j := range js {
		if !j.Must {
			continue
		}
		name := format.CriterionName(j.Name, j.Metric)
		musts = append(musts, name)
		switch j.Status {
		case results.Fail:
			failed = append(failed, name)
		case results.Inconclusive:
			open = append(open, name)
		case results.Undefined:
			undefined = append(undefined, name)
		}
	}
	switch {
	case len(musts) == 0:
		return results.Undecided, "the experiment sets no `must` criterion, so nothing can justify a GO"
	case len(failed) > 0:
		return results.NoGo, fmt.Sprintf("%s failed: %s", ofMusts(len(failed), len(musts)), strings.Join(failed, "; "))
	case len(open) > 0 || len(undefined) > 0:
		var parts []string
		if len(open) > 0 {
			parts = append(parts, fmt.Sprintf("%s not yet decided by the data: %s", ofMusts(len(open), len(musts))+isAre(len(open)), strings.Join(open, "; ")))
		}
		if len(undefined) > 0 {
			parts = append(parts, fmt.Sprintf("%s cannot be computed: %s", ofMusts(len(undefined), len(musts)), strings.Join(undefined, "; ")))
		}
		return results.Undecided, strings.Join(parts, "; and ")
	}
	if len(musts) == 1 {
		return results.Go, "the one must-criterion passed"
	}
	return results.Go, fmt.Sprintf("all %d must-criteria passed", len(musts))
}

// ofMusts is "2 of 3 must-criteria", or "the must-criterion" when there is
// one.
func ofMusts(k, n int) string {
	if n == 1 {
		return "the must-criterion"
	}
	return fmt.Sprintf("%d of %d must-criteria", k, n)
}

// isAre is " is" for one, " are" for more.
func isAre(k int) string {
	if k == 1 {
		return " is"
	}
	return " are"
}
