package verdict

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
)

var nan = math.NaN()

// degenerateNote says why a zero-width bootstrap interval does not pass.
const degenerateNote = "every resample gave the same value, so the interval's zero width is no evidence"

// judged is a criterion's judgement with what judging it learnt, for the
// sample-size advice and the explanation.
type judged struct {
	results.Judgement
	ev Evidence
	// holm is set when the multiplicity correction alone kept it from
	// passing; split when its p-value disagreed with its interval.
	holm, split bool
	// thin is set when the replay has fewer records than a judged set
	// needs; open says why such a criterion, or a degenerate one, is open.
	thin bool
	open string
	// metricUnit is the metric's own unit (Unit is "" for a relative difference).
	metricUnit string
	// segEv is the evidence of each segment (Segments' order); holmOpen
	// counts, for a must-criterion under Holm's correction, the tests of
	// the must-criteria that do not pass after it (0 otherwise).
	segEv    []Evidence
	holmOpen int
}

// Judge evaluates every criterion on the replay: overall and, for a
// criterion that must hold in every segment, segment by segment; it then
// corrects the must-criteria's tests for their number (Holm–Bonferroni by
// default) and derives the verdict.
func Judge(criteria []Criterion, in Input, s Settings) Summary {
	sum := Summary{Multiplicity: s.Multiplicity}
	if sum.Multiplicity == "" {
		sum.Multiplicity = "holm"
	}
	js := make([]*judged, len(criteria))
	for i, c := range criteria {
		js[i] = judgeCriterion(c, in, s)
	}
	family := correct(js, sum.Multiplicity, s.alpha())
	for _, j := range js {
		finish(j, in.Records, s, sum.Multiplicity, family)
		sum.Criteria = append(sum.Criteria, j.Judgement)
	}
	sum.Verdict, sum.Reason = conclude(sum.Criteria)
	return sum
}

// judgeCriterion evaluates one criterion overall and in its segments.
func judgeCriterion(c Criterion, in Input, s Settings) *judged {
	metric := in.Metrics[c.Metric]
	b := BoundOf(c, metric.LowerIsBetter)
	j := &judged{metricUnit: metric.Unit, Judgement: results.Judgement{Name: c.Name, Metric: c.Metric,
		Pipeline: c.Pipeline, Kind: c.Kind, Baseline: c.Baseline, Must: c.Must, Unit: metric.Unit, Why: c.Why,
		Relative: c.Relative, Threshold: results.Number(b.Threshold), Sense: b.Sense}}
	if c.Relative {
		j.Unit = ""
	}
	if j.Name == "" {
		j.Name = defaultName(c, metric.Unit)
		if len(c.InEvery) > 0 {
			j.Name += " in every " + strings.Join(c.InEvery, " and every ")
		}
	}
	j.ev = in.Tester.Test(c, b, nil)
	j.Estimate, j.Interval, j.PValue = results.Number(j.ev.Estimate), j.ev.Interval, results.Number(j.ev.PValue)
	j.Failures, j.BaselineFailures = j.ev.Failures, j.ev.BaselineFailures
	j.Status = decide(j.Estimate, j.Interval, j.Threshold, j.Sense)
	switch {
	case j.Status == results.Undefined && j.ev.NeedRecords > j.ev.Trials && j.ev.Trials > 0:
		j.Status = results.Inconclusive
		j.open = fmt.Sprintf("a distribution-free bound on this quantile needs at least %d records, and it was measured on %d",
			j.ev.NeedRecords, j.ev.Trials)
	case j.Status == results.Undefined:
	case in.Records < s.MinRecords:
		j.Status, j.thin = results.Inconclusive, true
		j.open = fmt.Sprintf("the replay has %d records, fewer than the %d any criterion is judged on", in.Records, s.MinRecords)
	case j.ev.Degenerate && j.Status == results.Pass:
		j.Status, j.open = results.Inconclusive, degenerateNote+"; more records, and records that vary, are needed"
	}
	if c.Kind.Comparison() {
		cv, bv := results.Number(j.ev.Candidate), results.Number(j.ev.Baseline)
		j.CandidateValue, j.BaselineValue = &cv, &bv
		if !math.IsNaN(j.ev.McNemarP) {
			mp := results.Number(j.ev.McNemarP)
			j.McNemarP = &mp
		}
	}
	for _, col := range c.InEvery {
		segs := slices.Clone(in.Segments[col])
		sort.Slice(segs, func(a, b int) bool { return segs[a].Value < segs[b].Value })
		for k := range segs {
			sj, ev := judgeSegment(c, b, &segs[k], in.Tester, s)
			j.Segments, j.segEv = append(j.Segments, sj), append(j.segEv, ev)
		}
	}
	return j
}

// judgeSegment evaluates a criterion on the records of one segment, and
// returns the evidence it was judged on (undefined for a segment too small
// to judge).
func judgeSegment(c Criterion, b Bound, sg *Segment, t Tester, s Settings) (results.SegmentJudgement, Evidence) {
	sj := results.SegmentJudgement{Column: sg.Column, Value: sg.Value, Records: len(sg.Positions),
		Estimate: results.NaN(), Interval: results.NoInterval(), PValue: results.NaN(), AdjustedP: results.NaN()}
	if len(sg.Positions) < s.MinSegmentSize {
		sj.Status = results.TooSmall
		sj.Note = fmt.Sprintf("%d records, fewer than the minimum of %d", len(sg.Positions), s.MinSegmentSize)
		return sj, Undefined(sj.Note)
	}
	ev := t.Test(c, b, sg)
	sj.Estimate, sj.Interval, sj.PValue, sj.AdjustedP = results.Number(ev.Estimate), ev.Interval, results.Number(ev.PValue), results.Number(ev.PValue)
	sj.Status = decide(sj.Estimate, sj.Interval, results.Number(b.Threshold), b.Sense)
	switch {
	case sj.Status == results.Undefined:
		sj.Note = ev.Note
	case ev.Degenerate && sj.Status == results.Pass:
		sj.Status, sj.Note = results.Inconclusive, degenerateNote
	}
	return sj, ev
}

// correct applies the multiplicity correction to every must-test (the
// overall test and each judged segment of every must-criterion): a test
// that clears its interval passes only if its adjusted p-value is within
// the level too. It returns the number of tests in the family.
func correct(js []*judged, multiplicity string, alpha float64) int {
	type ref struct{ crit, seg int } // seg −1: the overall test
	var family []ref
	var ps []float64
	for i, j := range js {
		if !j.Must {
			j.AdjustedP = j.PValue
			continue
		}
		family = append(family, ref{i, -1})
		ps = append(ps, float64(j.PValue))
		for k, sg := range j.Segments {
			if sg.Status != results.TooSmall && sg.Status != results.Undefined {
				family = append(family, ref{i, k})
				ps = append(ps, float64(sg.PValue))
			}
		}
	}
	adjusted, open := ps, 0
	if multiplicity == "holm" && len(ps) > 1 {
		adjusted = stats.Holm(ps)
		for _, p := range adjusted {
			if !(p <= alpha) {
				open++
			}
		}
	}
	for k, r := range family {
		j := js[r.crit]
		j.holmOpen = open
		if r.seg < 0 {
			j.AdjustedP = results.Number(adjusted[k])
			if j.Status == results.Pass && adjusted[k] > alpha {
				// Only the correction sets a p-value that inverts its
				// interval apart from it; without one this is a guard.
				j.Status, j.holm, j.split = results.Inconclusive, adjusted[k] != ps[k], adjusted[k] == ps[k]
			}
			continue
		}
		sg := &j.Segments[r.seg]
		sg.AdjustedP = results.Number(adjusted[k])
		if sg.Status == results.Pass && adjusted[k] > alpha {
			sg.Status = results.Inconclusive
			sg.Note = "passes on its own, but not after the multiplicity correction"
		}
	}
	return len(ps)
}

// finish folds the segments into the status and adds the advice, the test
// and the explanation.
func finish(j *judged, records int, s Settings, multiplicity string, family int) {
	overall := j.Status
	j.Status = combine(j.Status, j.Segments)
	if j.Status == results.Inconclusive {
		j.MoreRecords, j.SampleSizeMethod = advise(j, overall, records, s)
	}
	if j.thin && j.MoreRecords < s.MinRecords-records {
		j.MoreRecords, j.SampleSizeMethod = s.MinRecords-records, fmt.Sprintf("the minimum of %d records a criterion is judged on", s.MinRecords)
	}
	j.Test = describeTest(j, s.Confidence, multiplicity, family)
	j.Explanation = explain(j, s.Confidence)
}

// combine folds the segments into a criterion's status: it fails if it
// fails overall or in any segment, passes only if it passes overall and in
// every segment, and is otherwise inconclusive.
func combine(overall results.CriterionStatus, segs []results.SegmentJudgement) results.CriterionStatus {
	if overall == results.Fail || overall == results.Undefined {
		return overall
	}
	status := overall
	for _, sg := range segs {
		switch sg.Status {
		case results.Fail:
			return results.Fail
		case results.Inconclusive, results.TooSmall, results.Undefined:
			status = results.Inconclusive
		}
	}
	return status
}

// segmentSummary lists the segments that keep a criterion from passing.
func segmentSummary(segs []results.SegmentJudgement) string {
	var failed, open, small, undefined []string
	for _, sg := range segs {
		name := sg.Column + "=" + sg.Value
		switch sg.Status {
		case results.Fail:
			failed = append(failed, name)
		case results.Undefined:
			if sg.Note != "" {
				name += " (" + sg.Note + ")"
			}
			undefined = append(undefined, name)
		case results.Inconclusive:
			open = append(open, name)
		case results.TooSmall:
			small = append(small, fmt.Sprintf("%s (%d records)", name, sg.Records))
		}
	}
	var parts []string
	if len(failed) > 0 {
		parts = append(parts, "fails in "+strings.Join(failed, ", "))
	}
	if len(open) > 0 {
		parts = append(parts, "is not yet decided in "+strings.Join(open, ", "))
	}
	if len(small) > 0 {
		parts = append(parts, "lacks the data to judge "+strings.Join(small, ", "))
	}
	if len(undefined) > 0 {
		parts = append(parts, "cannot be computed in "+strings.Join(undefined, ", "))
	}
	return strings.Join(parts, "; ")
}
