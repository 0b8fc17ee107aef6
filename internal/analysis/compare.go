package analysis

import (
	"math"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
)

// methodPaired is the interval method of a paired bootstrap difference.
const methodPaired = "paired-bootstrap-percentile"

// compare is the evidence for a comparison of pipeline cand with base on
// metric m: DeLong's test for two ROC AUCs, and otherwise the differences
// of the two pipelines' bootstrap replicates, drawn on the same records
// (a paired bootstrap), widened by the extra variance of both sides; for
// two proportions McNemar's exact test is added as evidence.
func (a *Analysis) compare(cand, base, m int, relative bool, b verdict.Bound, seg *verdict.Segment) verdict.Evidence {
	ac, ab := a.acc[cand][m], a.acc[base][m]
	rc, okC := ac.(metrics.Resampler)
	rb, okB := ab.(metrics.Resampler)
	if !okC || !okB || rc.Len() != rb.Len() {
		return verdict.Undefined("a comparison needs the per-record values of both pipelines")
	}
	pos := positions(seg)
	cv := subset(rc.ValueAt, pos, rc.Len())(nil)
	bv := subset(rb.ValueAt, pos, rb.Len())(nil)
	diff := func(c, b float64) float64 {
		if relative {
			return (c - b) / math.Abs(b)
		}
		return c - b
	}
	est := diff(cv, bv)
	if math.IsNaN(est) || math.IsInf(est, 0) {
		ev := verdict.Undefined("the difference is undefined on these records")
		ev.Candidate, ev.Baseline = cv, bv
		return ev
	}
	if err := a.Err(); err != nil {
		return verdict.Undefined(err.Error())
	}
	if !relative {
		if cmp, ok := delong(ab, ac, seg, rc.Len(), a.s.Confidence); ok {
			// Two AUCs on the same records: DeLong's variance is exact for
			// the Mann–Whitney statistic, where the bootstrap is not.
			ev := evidence(cmp.Diff, results.Interval{Lo: results.Number(cmp.Interval.Lo), Hi: results.Number(cmp.Interval.Hi), Method: "delong"},
				delongPValue(cmp, b))
			ev.Candidate, ev.Baseline, ev.Degenerate = cv, bv, !(cmp.SE > 0)
			return ev
		}
	}
	if err := a.Err(); err != nil {
		return verdict.Undefined(err.Error())
	}
	d, err := a.pairedDist(cand, base, m, seg, est, diff)
	if err != nil {
		ev := verdict.Undefined(err.Error())
		ev.Candidate, ev.Baseline = cv, bv
		return ev
	}
	iv := fromStats(d.Interval())
	iv.Method = methodPaired + iv.Method[len(stats.MethodBootstrapPercentile):]
	ev := evidence(est, iv, d.PValue(b.Threshold, b.Greater()))
	ev.Candidate, ev.Baseline, ev.Degenerate = cv, bv, d.Degenerate()
	var only mcnemarCounts
	ev.McNemarP, only = a.mcnemar(base, cand, m, seg)
	ev.Pairs, ev.Discordant, ev.CandidateOnly = only.pairs, only.candidate+only.baseline, only.candidate
	if ev.Degenerate && !relative && pairedShare(est, only) {
		// Every resample agrees because every record's difference is the
		// same (the candidate right and the baseline wrong on each, say):
		// the bootstrap has nothing to say, but the counts do.
		ev.Interval = fromStats(stats.PairedExact(only.candidate, only.baseline, only.pairs, a.s.Confidence))
		ev.PValue = stats.PairedExactPValue(only.candidate, only.baseline, only.pairs, b.Threshold, b.Greater())
		ev.Degenerate = false
	}
	return ev
}

// pairedShare reports whether a difference of proportions is the share of
// records only the candidate gets right minus the share only the baseline
// does, over the records both count: true for a proportion over the same
// records (recall, accuracy), not for one over each pipeline's own
// (precision).
func pairedShare(est float64, n mcnemarCounts) bool {
	return n.pairs > 0 && math.Abs(est-float64(n.candidate-n.baseline)/float64(n.pairs)) < 1e-12
}

// pairedDist is the percentile distribution of the difference of two
// pipelines' replicates, widened by both sides' extra variance.
func (a *Analysis) pairedDist(cand, base, m int, seg *verdict.Segment, est float64, diff func(c, b float64) float64) (*stats.Dist, error) {
	repC, err := a.replicates(cand, m, seg)
	if err != nil {
		return nil, err
	}
	repB, err := a.replicates(base, m, seg)
	if err != nil {
		return nil, err
	}
	reps := make([]float64, len(repC))
	for i := range reps {
		reps[i] = diff(repC[i], repB[i]) // NaN when either is
		if math.IsInf(reps[i], 0) {
			reps[i] = math.NaN()
		}
	}
	d, err := stats.NewDist(est, reps, nil, a.s.Confidence, stats.BootstrapPercentile)
	if err != nil {
		return nil, err
	}
	n := size(positions(seg), a.acc[cand][m].(metrics.Resampler).Len())
	extra := a.extraVariance(cand, m, n) + a.extraVariance(base, m, n)
	return d.Widened(extra, " + judge noise"), nil
}

// mcnemarCounts are the records two proportions both count (pairs), and
// those that are a success of the candidate alone or of the baseline alone.
type mcnemarCounts struct{ pairs, candidate, baseline int }

// mcnemar compares two proportions record by record: the exact McNemar
// p-value and the counts it is worked out from (NaN and zeros unless both
// are proportions with record outcomes).
func (a *Analysis) mcnemar(base, cand, m int, seg *verdict.Segment) (float64, mcnemarCounts) {
	var n mcnemarCounts
	if a.method[base][m] != Wilson || a.method[cand][m] != Wilson {
		return math.NaN(), n
	}
	ob, okB := a.acc[base][m].(metrics.Outcomes)
	oc, okC := a.acc[cand][m].(metrics.Outcomes)
	if !okB || !okC {
		return math.NaN(), n
	}
	each(seg, a.acc[base][m].(metrics.Resampler).Len(), func(i int) {
		cb, sb := ob.Outcome(i)
		cc, sc := oc.Outcome(i)
		if !cb || !cc {
			return
		}
		n.pairs++
		switch {
		case sc && !sb:
			n.candidate++
		case sb && !sc:
			n.baseline++
		}
	})
	if n.pairs == 0 {
		return math.NaN(), mcnemarCounts{}
	}
	return stats.McNemarExact(n.candidate, n.baseline), n
}

// delong compares two ROC AUCs on the same records, when both accumulators
// give their scored outcomes; the difference is candidate − baseline.
func delong(base, cand metrics.Accumulator, seg *verdict.Segment, n int, conf float64) (stats.ROCComparison, bool) {
	sb, okB := base.(metrics.ScoredOutcomes)
	sc, okC := cand.(metrics.ScoredOutcomes)
	if !okB || !okC {
		return stats.ROCComparison{}, false
	}
	var pos1, neg1, pos2, neg2 []float64 // 1: candidate, 2: baseline
	each(seg, n, func(i int) {
		cb, pb, scoreB := sb.ScoredOutcome(i)
		cc, pc, scoreC := sc.ScoredOutcome(i)
		if !cb || !cc || pb != pc {
			return
		}
		if pc {
			pos1, pos2 = append(pos1, scoreC), append(pos2, scoreB)
		} else {
			neg1, neg2 = append(neg1, scoreC), append(neg2, scoreB)
		}
	})
	if len(pos1) < 2 || len(neg1) < 2 {
		return stats.ROCComparison{}, false
	}
	cmp, err := stats.DeLong(pos1, neg1, pos2, neg2, conf)
	if err != nil || math.IsNaN(cmp.Diff) {
		return stats.ROCComparison{}, false
	}
	return cmp, true
}

// delongPValue is the one-sided p-value that the AUC difference lies beyond
// the bound on the passing side, under DeLong's normal approximation.
func delongPValue(cmp stats.ROCComparison, b verdict.Bound) float64 {
	if cmp.SE <= 0 || math.IsNaN(cmp.SE) {
		if b.Greater() == (cmp.Diff > b.Threshold) {
			return 0
		}
		return 1
	}
	z := (cmp.Diff - b.Threshold) / cmp.SE
	if !b.Greater() {
		z = -z
	}
	return 1 - stats.NormalCDF(z)
}
