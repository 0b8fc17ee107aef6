package analysis

import (
	"fmt"
	"math"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
)

// Test gives the evidence that criterion c holds against bound b on the
// records of seg (every record when nil): it implements verdict.Tester.
// Once the analysis is stopped (Settings.Done) it returns undefined
// evidence at once, and Err says why.
func (a *Analysis) Test(c verdict.Criterion, b verdict.Bound, seg *verdict.Segment) verdict.Evidence {
	if err := a.Err(); err != nil {
		return verdict.Undefined(err.Error())
	}
	m, okM := a.mets[c.Metric]
	p, okP := a.pipes[c.Pipeline]
	if !okM || !okP {
		return verdict.Undefined(fmt.Sprintf("no metric %q of pipeline %q in this run", c.Metric, c.Pipeline))
	}
	if !c.Kind.Comparison() {
		if why := a.tooManyFailures(p); why != "" {
			return a.withFailures(verdict.Undefined(why), p, -1)
		}
		return a.withFailures(a.absolute(p, m, b, seg), p, -1)
	}
	base, ok := a.pipes[c.Baseline]
	if !ok {
		return verdict.Undefined(fmt.Sprintf("no pipeline %q in this run", c.Baseline))
	}
	for _, q := range []int{p, base} {
		if why := a.tooManyFailures(q); why != "" {
			return a.withFailures(verdict.Undefined(why), p, base)
		}
	}
	return a.withFailures(a.compare(p, base, m, c.Relative, b, seg), p, base)
}

// tooManyFailures says why pipeline p cannot be judged, or "" when it can:
// a pipeline that failed on more records than the settings allow would be
// judged on what it failed to do, and a baseline so would be easy to beat.
func (a *Analysis) tooManyFailures(p int) string {
	if a.failures == nil || a.records == 0 {
		return ""
	}
	f := a.failures[p]
	if share := float64(f) / float64(a.records); share > a.s.MaxFailureRate {
		return fmt.Sprintf("pipeline %q failed on %d of %d records (%.1f%%), more than the %s a judged pipeline may fail on "+
			"(report.max_failure_rate); fix it and rerun (a paid model's answers so far come from the cache)",
			a.names[p], f, a.records, 100*share, format.Percent(a.s.MaxFailureRate))
	}
	return ""
}

// withFailures adds the failure counts of the pipelines to the evidence.
func (a *Analysis) withFailures(ev verdict.Evidence, p, base int) verdict.Evidence {
	if a.failures == nil {
		return ev
	}
	ev.Failures, ev.Records = a.failures[p], a.records
	if base >= 0 {
		bf := a.failures[base]
		ev.BaselineFailures = &bf
	}
	return ev
}

// absolute is the evidence for a metric held to a threshold, by the
// metric's method: Wilson and the score test, the order-statistic interval
// and the binomial test, the metric's own bounds, or the bootstrap and the
// p-value that inverts its interval.
func (a *Analysis) absolute(p, m int, b verdict.Bound, seg *verdict.Segment) verdict.Evidence {
	method := a.method[p][m]
	if seg != nil && method != Undefined {
		method = a.segmentMethod(p, m)
	}
	switch method {
	case Wilson:
		return a.wilson(p, m, b, seg)
	case Quantile:
		q, all := a.acc[p][m].(metrics.Quantiler).Quantile()
		values := make([]float64, 0, size(positions(seg), len(all)))
		each(seg, len(all), func(i int) { values = append(values, all[i]) })
		est, iv := stats.QuantileInterval(values, q, a.s.Confidence)
		ev := evidence(est, fromStats(iv), quantilePValue(values, q, b))
		ev.Trials = len(values)
		if math.IsNaN(iv.Lo) || math.IsNaN(iv.Hi) {
			ev.Note = fmt.Sprintf("too few records (%d) for a distribution-free bound on this quantile", len(values))
			ev.NeedRecords = max(stats.QuantileMinRecords(q, a.s.Confidence, true), stats.QuantileMinRecords(q, a.s.Confidence, false))
		}
		return ev
	case Bounded:
		lo, hi, _ := a.acc[p][m].(metrics.Bounded).Bounds()
		est := a.result[p][m].Value
		iv := results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: methodReported}
		return evidence(est, iv, boundedPValue(est, lo, hi, b, a.s.Confidence))
	case Bootstrap:
		d, err := a.dist(p, m, seg)
		if err != nil {
			return verdict.Undefined(err.Error())
		}
		ev := evidence(d.Estimate(), fromStats(d.Interval()), d.PValue(b.Threshold, b.Greater()))
		ev.Degenerate = d.Degenerate()
		return ev
	case Undefined:
		return verdict.Undefined(a.whyUndefined(p, m))
	}
	if seg != nil {
		return verdict.Undefined("the metric keeps no per-record values, so it cannot be judged on a segment")
	}
	// A single value without an interval is shown as the point estimate
	// it is, and never judged.
	ev := verdict.Undefined("the metric gives one value and no interval; a final-mode command must answer lo and hi to be judged")
	ev.Estimate = a.result[p][m].Value
	return ev
}

// segmentMethod is the method of a metric on a segment: the overall one
// where it can be restricted to the segment's records, the bootstrap
// otherwise (a proportion without record outcomes, a metric that reports
// its own interval over every record).
func (a *Analysis) segmentMethod(p, m int) Method {
	acc := a.acc[p][m]
	_, resampler := acc.(metrics.Resampler)
	switch method := a.method[p][m]; {
	case method == Wilson:
		if _, ok := acc.(metrics.Outcomes); ok {
			return Wilson
		}
	case method == Quantile:
		return Quantile
	}
	if resampler {
		return Bootstrap
	}
	return None
}

// wilson is the evidence for a proportion held to a threshold: the Wilson
// interval and the score test that it inverts.
func (a *Analysis) wilson(p, m int, b verdict.Bound, seg *verdict.Segment) verdict.Evidence {
	acc := a.acc[p][m]
	var k, n int
	if seg == nil {
		k, n, _ = acc.(metrics.Proportion).Counts()
	} else {
		o := acc.(metrics.Outcomes)
		each(seg, 0, func(i int) {
			if counted, success := o.Outcome(i); counted {
				n++
				if success {
					k++
				}
			}
		})
	}
	if n == 0 {
		return verdict.Undefined("no record enters the proportion")
	}
	ev := evidence(float64(k)/float64(n), fromStats(stats.Wilson(k, n, a.s.Confidence)), wilsonPValue(k, n, b))
	ev.Trials = n
	return ev
}

// quantilePValue is the binomial test that inverts the order-statistic
// bound. A bound equal to the threshold clears it (an "at most 50 ms" holds
// at exactly 50 ms), so an observation equal to the threshold counts for
// the criterion in the test too: the threshold moves by one ulp to the
// side that makes the test's strict inequality include it.
func quantilePValue(values []float64, q float64, b verdict.Bound) float64 {
	if b.Greater() {
		return stats.QuantilePValue(values, q, math.Nextafter(b.Threshold, math.Inf(-1)), false)
	}
	return stats.QuantilePValue(values, q, math.Nextafter(b.Threshold, math.Inf(1)), true)
}

// wilsonPValue is the score test's p-value; a threshold at or beyond 0 or 1
// is met by every proportion (p 0) or by none (p 1).
func wilsonPValue(k, n int, b verdict.Bound) float64 {
	t := b.Threshold
	switch {
	case b.Greater() && t <= 0, !b.Greater() && t >= 1:
		return 0
	case b.Greater() && t >= 1, !b.Greater() && t <= 0:
		return 1
	}
	return stats.WilsonPValue(k, n, t, b.Greater())
}

// boundedPValue inverts a metric's own interval at the threshold, reading
// the standard error off the half of the interval on the threshold's side
// as a normal interval would give it.
func boundedPValue(est, lo, hi float64, b verdict.Bound, conf float64) float64 {
	half := est - lo
	if !b.Greater() {
		half = hi - est
	}
	se := half / stats.Z(conf)
	z := (est - b.Threshold) / se
	if !b.Greater() {
		z = -z
	}
	switch {
	case math.IsNaN(se) || se < 0:
		return math.NaN()
	case se == 0 && z >= 0, math.IsInf(z, 1):
		return 0
	case se == 0:
		return 1
	}
	return 1 - stats.NormalCDF(z)
}

func evidence(est float64, iv results.Interval, p float64) verdict.Evidence {
	return verdict.Evidence{Estimate: est, Interval: iv, PValue: p, Candidate: math.NaN(), Baseline: math.NaN(), McNemarP: math.NaN()}
}
