package verdict

import (
	"fmt"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

var percent = format.Percent

// describeTest says, for people, how criterion j is decided: which bound
// of which interval is held to the threshold, and the tests beside it.
func describeTest(j *judged, conf float64, multiplicity string, family int) string {
	bound := "lower"
	if j.Sense == "<=" {
		bound = "upper"
	}
	metric := format.MetricName(j.Metric)
	what := "the " + metric
	switch {
	case j.Relative:
		what = fmt.Sprintf("the paired relative difference (%s − %s) / %s in %s", j.Pipeline, j.Baseline, j.Baseline, metric)
	case j.Kind.Comparison():
		what = fmt.Sprintf("the paired difference %s − %s in %s", j.Pipeline, j.Baseline, metric)
	}
	s := fmt.Sprintf("passes when the %s bound of %s of %s is %s %s (a one-sided test at %s)",
		bound, format.Interval(conf, j.Interval.Method), what, j.Sense, j.format(j.Threshold), percent((1-conf)/2))
	if len(j.Segments) > 0 {
		s += ", overall and in every segment of at least the minimum size"
	}
	if j.Must && multiplicity == "holm" && family > 1 {
		s += fmt.Sprintf("; its p-value is adjusted by Holm–Bonferroni across the %d tests of the must-criteria", family)
	}
	if j.McNemarP != nil {
		s += fmt.Sprintf("; McNemar's exact test on the discordant records gives %s (two-sided)", format.PClause(float64(*j.McNemarP)))
	}
	return s
}

// format prints a value of the judgement in its unit: a difference for a
// comparison (a relative one in percent), the metric's value otherwise.
func (j *judged) format(v results.Number) string {
	switch {
	case j.Relative:
		if v.IsNaN() {
			return "n/a"
		}
		return fmt.Sprintf("%+.1f%%", 100*float64(v))
	case j.Kind.Comparison():
		return format.Diff(v, j.Unit)
	}
	return format.Value(v, j.Unit)
}

// explain says, for people, why criterion j has its status.
func explain(j *judged, conf float64) string {
	metric := format.MetricName(j.Metric)
	if j.Status == results.Undefined {
		if !j.Estimate.IsNaN() {
			return fmt.Sprintf("%s of %s is %s with no interval, so the criterion cannot be judged and cannot pass (%s)",
				metric, j.Pipeline, j.format(j.Estimate), j.ev.Note)
		}
		s := fmt.Sprintf("%s of %s could not be computed on these records, so the criterion cannot pass", metric, j.Pipeline)
		if j.ev.Note != "" {
			s += " (" + j.ev.Note + ")"
		}
		return s
	}
	iv := fmt.Sprintf("%s to %s", j.format(j.Interval.Lo), j.format(j.Interval.Hi))
	var s string
	if !j.Kind.Comparison() {
		s = fmt.Sprintf("%s of %s is %s (%s interval %s) against a required %s %s",
			metric, j.Pipeline, j.format(j.Estimate), percent(conf), iv, j.Sense, j.format(j.Threshold))
	} else {
		unit, diff := j.Unit, "a difference"
		if j.Relative {
			unit, diff = j.metricUnit, "a relative difference"
		}
		s = fmt.Sprintf("%s of %s is %s against %s for %s: %s of %s (%s interval %s); required %s %s",
			metric, j.Pipeline, format.Value(*j.CandidateValue, unit), format.Value(*j.BaselineValue, unit), j.Baseline,
			diff, j.format(j.Estimate), percent(conf), iv, j.Sense, j.format(j.Threshold))
	}
	s += failuresText(j)
	seg := segmentSummary(j.Segments)
	if seg != "" {
		s += "; it must hold in every segment, and " + seg
	}
	switch {
	case j.Status == results.Pass:
		return s + ": the whole interval clears the threshold"
	case j.open != "" && j.Status == results.Inconclusive:
		return s + ": not decided: " + j.open
	case j.Status == results.Fail && seg != "" && overallClears(j):
		return s + ": it fails in a segment"
	case j.Status == results.Fail:
		return s + ": the whole interval is on the wrong side"
	case j.split:
		return s + fmt.Sprintf(": the interval clears the threshold but its test does not (%s), so it is not yet decided", format.PClause(float64(j.PValue))) + advice(j)
	case j.holm:
		return s + ": the interval clears the threshold, but the evidence is not strong enough once corrected for the number of must-criteria tested" + advice(j)
	case j.MoreRecords > 0:
		return s + ": not yet decided" + advice(j)
	case undefinedSegment(j.Segments) && overallClears(j):
		return s + ": it cannot pass while it cannot be computed in a segment (a segment without eligible records says nothing about it)"
	}
	return s + ": not yet decided, and the estimate is too close to the threshold (or on its wrong side) for more records to promise a pass"
}

// undefinedSegment reports whether a segment's value could not be computed.
func undefinedSegment(segs []results.SegmentJudgement) bool {
	for _, sg := range segs {
		if sg.Status == results.Undefined {
			return true
		}
	}
	return false
}

// advice is the sample-size advice of an explanation, "" when there is none.
func advice(j *judged) string {
	if j.MoreRecords <= 0 {
		return ""
	}
	return fmt.Sprintf("; about %s more records would likely settle it", format.Group(int64(j.MoreRecords)))
}

// overallClears reports whether a criterion's overall interval clears its
// threshold (so that a failure comes from a segment).
func overallClears(j *judged) bool {
	return decide(j.Estimate, j.Interval, j.Threshold, j.Sense) == results.Pass
}

// failuresText says on how many records the pipelines failed, when they
// did: each failure counted as a wrong decision.
func failuresText(j *judged) string {
	var parts []string
	if j.Failures > 0 {
		parts = append(parts, fmt.Sprintf("%s failed on %s of %s records", j.Pipeline, format.Group(int64(j.Failures)), format.Group(int64(j.ev.Records))))
	}
	if b := j.BaselineFailures; b != nil && *b > 0 {
		parts = append(parts, fmt.Sprintf("%s on %s", j.Baseline, format.Group(int64(*b))))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + "; a failure counts as a wrong decision)"
}
