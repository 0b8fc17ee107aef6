package runner

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// planPower is the power the plan's warnings are worked out at, the one
// the verdict's advice promises.
const planPower = 0.8

// assumedShare is the share of a pipeline's outcomes assumed to differ
// from the baseline's, each way, when the plan cannot measure it: 25%
// each way (half of the pairs discordant, no difference) is the worst case,
// the variance of two independent proportions at 50%.
const assumedShare = 0.25

// pairProbe measures, during the plan's pass over the records, how the two
// pipelines of a comparison disagree, when both can run for free.
type pairProbe struct {
	pipes [2]int // candidate, baseline: positions in the experiment's pipelines
	acc   [2]metrics.Accumulator
}

// discord is what a probe measured: the pairs both proportions count, and
// the shares of them that are a success of the candidate alone (p10) and
// of the baseline alone (p01).
type discord struct {
	pairs    int
	p10, p01 float64
}

// free reports whether the plan may run a pipeline: it calls nothing, needs
// no training, no label counts and holds no subprocess (a recorded column,
// a rule set, a constant).
func free(p pipeline.Pipeline) bool {
	switch p.(type) {
	case pipeline.Estimator, pipeline.Throughput, pipeline.Trainer, pipeline.LabelFitter, pipeline.Checker, io.Closer:
		return false
	}
	return p != nil
}

// newProbes makes a probe for each paired comparison of proportions whose
// two pipelines are free to run, by criterion position.
func newProbes(exp *spec.Experiment) map[int]*pairProbe {
	probes := map[int]*pairProbe{}
	for i, c := range exp.Criteria {
		m := exp.Metric(c.Metric)
		if !c.Kind.Comparison() || c.Relative || m == nil || m.Metric == nil {
			continue
		}
		pr := &pairProbe{pipes: [2]int{pipelineIndex(exp, c.Pipeline), pipelineIndex(exp, c.Baseline)}}
		for k, p := range pr.pipes {
			if p < 0 || !free(exp.Pipelines[p].Pipeline) {
				pr = nil
				break
			}
			pr.acc[k] = m.Metric.New()
		}
		if pr != nil {
			probes[i] = pr
		}
	}
	return probes
}

func pipelineIndex(exp *spec.Experiment, name string) int {
	for i, p := range exp.Pipelines {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// observe runs the pipelines the probes need on one record, each once,
// and adds the predictions to the probes' accumulators.
func observe(probes map[int]*pairProbe, exp *spec.Experiment, rec datasets.Record) {
	if len(probes) == 0 {
		return
	}
	truth := datasets.FormatValue(rec.Fields[exp.Dataset.Label])
	preds := map[int]pipeline.Prediction{}
	for _, pr := range probes {
		for k, p := range pr.pipes {
			pred, ok := preds[p]
			if !ok {
				pred = pipeline.Prediction{Pipeline: exp.Pipelines[p].Name, Seq: rec.Seq}
				out, err := exp.Pipelines[p].Pipeline.Predict(context.Background(), rec)
				if err != nil {
					pred.Err = err.Error()
				} else {
					pred.Output = out
				}
				preds[p] = pred
			}
			pr.acc[k].Add(metrics.Observation{Record: rec, Truth: truth, Pred: pred})
		}
	}
}

// discordance is the probe's measurement, ok false when the metric gives
// no record outcomes or its difference is not that of the discordant
// shares (a precision, whose two pipelines count different records).
func (pr *pairProbe) discordance() (discord, bool) {
	oc, okC := pr.acc[0].(metrics.Outcomes)
	ob, okB := pr.acc[1].(metrics.Outcomes)
	rc, okR := pr.acc[0].(metrics.Resampler)
	if !okC || !okB || !okR {
		return discord{}, false
	}
	var d discord
	var only, other int
	for i := range rc.Len() {
		cc, sc := oc.Outcome(i)
		cb, sb := ob.Outcome(i)
		if !cc || !cb {
			continue
		}
		d.pairs++
		switch {
		case sc && !sb:
			only++
		case sb && !sc:
			other++
		}
	}
	if d.pairs == 0 {
		return discord{}, false
	}
	d.p10, d.p01 = float64(only)/float64(d.pairs), float64(other)/float64(d.pairs)
	diff := pr.acc[0].Result().Value - pr.acc[1].Result().Value
	return d, math.Abs(d.p10-d.p01-diff) < 1e-9
}

// sufficiency warns where the records the run would replay are too few for
// what a criterion asks: a comparison whose margin is smaller than the
// difference the paired test detects (80% power, the file's confidence),
// and a quantile with fewer records than a distribution-free bound needs.
func sufficiency(exp *spec.Experiment, tally *planTally, records int) []string {
	var out []string
	if m := exp.Report.MinRecords; records < m && len(exp.Criteria) > 0 {
		out = append(out, fmt.Sprintf("only %d records to replay, fewer than the %d a criterion is judged on (report.min_records): "+
			"every criterion will be inconclusive; replay at least %d more records", records, m, m-records))
	}
	for i, c := range exp.Criteria {
		var w string
		if c.Kind.Comparison() {
			w = pairedWarning(exp, c, tally, i)
		} else {
			w = quantileWarning(exp, c, tally, records)
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// planTally is what the plan counts in its pass over the records: the
// labels, the segments of the quantile criteria's `in_every` columns, and
// the probes of the paired comparisons.
type planTally struct {
	labels   map[string]int
	segments map[string]map[string]int
	probes   map[int]*pairProbe
	positive string
	records  int
}

func newTally(exp *spec.Experiment) *planTally {
	t := &planTally{labels: map[string]int{}, segments: map[string]map[string]int{}, probes: newProbes(exp), positive: exp.Dataset.Positive}
	for _, c := range exp.Criteria {
		if !c.Kind.Comparison() {
			for _, col := range c.InEvery {
				t.segments[col] = map[string]int{}
			}
		}
	}
	return t
}

// add counts one record.
func (t *planTally) add(exp *spec.Experiment, rec datasets.Record) {
	t.records++
	t.labels[datasets.FormatValue(rec.Fields[exp.Dataset.Label])]++
	for col, values := range t.segments {
		values[datasets.FormatValue(rec.Fields[col])]++
	}
	observe(t.probes, exp, rec)
}

// count is the number of records a proportion is a share of: "positives",
// "negatives" or "records".
func (t *planTally) count(unit string) int {
	positives := t.labels[t.positive]
	switch unit {
	case "positives":
		return positives
	case "negatives":
		return t.records - positives - t.labels[""]
	}
	return t.records
}

// pairedWarning warns when the paired comparison is unlikely to decide a
// criterion on the records the run would replay. When both pipelines run
// for free, the plan measures their discordance and difference on those
// very records, and warns when the difference lies within what the paired
// test resolves (80% power) of the threshold. Otherwise it assumes the
// worst discordance (half the pairs, no difference) and warns when the
// margin is smaller than what the test then resolves.
func pairedWarning(exp *spec.Experiment, c spec.Criterion, tally *planTally, i int) string {
	m := exp.Metric(c.Metric)
	if c.Margin <= 0 || c.Relative || m == nil || m.Metric == nil {
		return ""
	}
	unit, ok := denominators[m.Type]
	n := tally.count(unit)
	if !ok || n == 0 {
		return ""
	}
	alpha := (1 - exp.Report.Confidence) / 2
	if pr := tally.probes[i]; pr != nil {
		if d, ok := pr.discordance(); ok {
			return measuredWarning(exp, c, d, unit, tally.records)
		}
	}
	det := stats.DetectablePairedDifference(assumedShare, assumedShare, float64(n), alpha, planPower)
	if !(det > c.Margin) {
		return ""
	}
	why := "the plan cannot run both pipelines before the replay"
	if tally.probes[i] != nil {
		why = "the metric gives no record outcomes to pair"
	}
	// det grows as √ψ at no difference: the margin is detectable up to ψ*.
	most := 2 * assumedShare * (c.Margin / det) * (c.Margin / det)
	return fmt.Sprintf("%s: with %d %s, the paired comparison shows a difference reliably (80%% power) only about %.1f points "+
		"clear of the margin if %s and %s disagree on half of them (assumed, the worst case: %s), but the margin is %.1f points; "+
		"it is resolved if they disagree on at most %.1f%% of them; otherwise expect INCONCLUSIVE unless the true difference "+
		"is well clear of the margin, or replay more records",
		c.String(), n, unit, 100*det, c.Pipeline, c.Baseline, why, 100*c.Margin, 100*most)
}

// measuredWarning is pairedWarning with the discordance and the difference
// measured on the plan's records: a warning when the difference lies within
// what the paired test resolves of the threshold, with the records that
// would resolve it (the verdict's advice, stats.SampleSizePairedMargin).
func measuredWarning(exp *spec.Experiment, c spec.Criterion, d discord, unit string, records int) string {
	alpha := (1 - exp.Report.Confidence) / 2
	b := verdict.BoundOf(c.Criterion, exp.Metric(c.Metric).Metric.Direction() == metrics.LowerIsBetter)
	diff, pairs := d.p10-d.p01, float64(d.pairs)
	det := stats.DetectablePairedDifference(d.p10, d.p01, pairs, alpha, planPower)
	gap := diff - b.Threshold
	if !b.Greater() {
		gap = -gap
	}
	if math.IsNaN(det) || math.Abs(gap) >= det {
		return ""
	}
	// The interval's half-width: z of the confidence times the difference's
	// standard error √((ψ − Δ²)/n).
	half := stats.Z(exp.Report.Confidence) * math.Sqrt((d.p10+d.p01-diff*diff)/pairs)
	head := fmt.Sprintf("%s: with %d %s, on %.1f%% of which %s and %s disagree, the paired interval spans about ±%.1f points and "+
		"shows a difference reliably (80%% power) only about %.1f points clear of the threshold; the difference measured on the "+
		"plan's records (both pipelines run for free) is %+.1f points, %.1f points from the threshold %+.1f",
		c.String(), d.pairs, unit, 100*(d.p10+d.p01), c.Pipeline, c.Baseline, 100*half, 100*det, 100*diff, 100*math.Abs(gap), 100*b.Threshold)
	if gap <= 0 {
		return head + ", on its wrong side: expect INCONCLUSIVE or NO-GO; more records of the same kind will not make it pass"
	}
	need := stats.SampleSizePairedMargin(d.p10, d.p01, b.Threshold, alpha, planPower)
	more := int(math.Ceil(need*float64(records)/pairs)) - records
	return head + fmt.Sprintf(": expect INCONCLUSIVE, or replay about %d more records", more)
}

// quantileWarning warns when a quantile criterion (a p99 latency) would be
// measured on fewer records than a distribution-free bound on it needs
// (stats.QuantileMinRecords: 368 for a p99 at 95%), overall or in the
// segments it must hold in.
func quantileWarning(exp *spec.Experiment, c spec.Criterion, tally *planTally, records int) string {
	m := exp.Metric(c.Metric)
	if m == nil || m.Metric == nil {
		return ""
	}
	qr, ok := m.Metric.New().(metrics.Quantiler)
	if !ok {
		return ""
	}
	q, _ := qr.Quantile()
	conf := exp.Report.Confidence
	need := max(stats.QuantileMinRecords(q, conf, true), stats.QuantileMinRecords(q, conf, false))
	bound := fmt.Sprintf("a distribution-free bound on the %s (its %s quantile) needs at least %d records at %s confidence",
		c.Metric, format.Percent(q), need, format.Percent(conf))
	if records < need {
		return fmt.Sprintf("%s: %s, and the run would replay %d; it will be INCONCLUSIVE unless at least %d more records are replayed",
			c.String(), bound, records, need-records)
	}
	var short []string
	for _, col := range c.InEvery {
		for _, v := range sortedValues(tally.segments[col]) {
			if n := tally.segments[col][v]; n < need {
				short = append(short, fmt.Sprintf("%s=%s (%d)", col, v, n))
			}
		}
	}
	if len(short) == 0 {
		return ""
	}
	if len(short) > 5 {
		short = append(short[:5], fmt.Sprintf("%d more", len(short)-5))
	}
	return fmt.Sprintf("%s: %s in every segment, and fewer are in %s; it will be INCONCLUSIVE unless those segments get more records",
		c.String(), bound, strings.Join(short, ", "))
}

// sortedValues are the keys of counts in order.
func sortedValues(counts map[string]int) []string {
	out := make([]string, 0, len(counts))
	for v := range counts {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
