package verdict

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/metrics"
)

// Judge evaluates every criterion on the replay: overall and, for a
// criterion that must hold in every segment, segment by segment; it then
// corrects the must-criteria's tests for their number (Holm–Bonferroni by
// default) and derives the verdict.
func Judge(criteria []Criterion, in Input, s Settings) Summary {
	j := &judge{in: in, s: s, pIndex: indexOf(in.Pipelines), mIndex: map[string]int{}}
	for i, m := range in.Metrics {
		j.mIndex[m.Name()] = i
	}
	sum := Summary{Multiplicity: s.Multiplicity}
	if sum.Multiplicity == "" {
		sum.Multiplicity = "holm"
	}
	type ref struct{ crit, seg int } // seg −1: the overall test
	var family []ref
	var ps []float64
	for i, c := range criteria {
		jd := j.criterion(c, uint64(1000+i))
		if c.Must {
			family = append(family, ref{i, -1})
			ps = append(ps, float64(jd.PValue))
			for k, sg := range jd.Segments {
				if sg.Status != TooSmall && sg.Status != Undefined {
					family = append(family, ref{i, k})
					ps = append(ps, float64(sg.PValue))
				}
			}
		}
		sum.Criteria = append(sum.Criteria, jd)
	}

	// Holm–Bonferroni over every must-test: a test that clears its
	// interval passes only if its adjusted p-value is within the level too.
	adjusted := ps
	if sum.Multiplicity == "holm" && len(ps) > 1 {
		adjusted = stats.Holm(ps)
	}
	alpha := s.alpha()
	for k, r := range family {
		jd := &sum.Criteria[r.crit]
		if r.seg < 0 {
			jd.AdjustedP = Number(adjusted[k])
			if jd.Status == Pass && adjusted[k] > alpha {
				jd.Status = Inconclusive
				jd.holmNote = true
			}
			continue
		}
		sg := &jd.Segments[r.seg]
		sg.AdjustedP = Number(adjusted[k])
		if sg.Status == Pass && adjusted[k] > alpha {
			sg.Status = Inconclusive
			sg.Note = "passes on its own, but not after the multiplicity correction"
		}
	}
	for i := range sum.Criteria {
		jd := &sum.Criteria[i]
		if !jd.Must {
			jd.AdjustedP = jd.PValue
		}
		jd.Status = combine(jd.Status, jd.Segments)
		if jd.Status == Inconclusive && jd.MoreRecords == 0 {
			jd.MoreRecords, jd.SampleSizeMethod = j.moreRecords(jd)
		}
		if jd.Status != Inconclusive {
			jd.MoreRecords, jd.SampleSizeMethod = 0, ""
		}
		jd.Test = describeTest(*jd, s.Confidence, sum.Multiplicity, len(ps))
		jd.Explanation = explain(*jd, s.Confidence)
	}
	sum.Verdict, sum.Reason = conclude(sum.Criteria)
	return sum
}

// combine folds the segments into a criterion's status: it fails if it
// fails overall or in any segment, passes only if it passes overall and in
// every segment, and is otherwise inconclusive.
func combine(overall Status, segs []SegmentJudgement) Status {
	if overall == Fail || overall == Undefined {
		return overall
	}
	status := overall
	for _, sg := range segs {
		switch sg.Status {
		case Fail:
			return Fail
		case Inconclusive, TooSmall, Undefined:
			status = Inconclusive
		}
	}
	return status
}

type judge struct {
	in     Input
	s      Settings
	pIndex map[string]int
	mIndex map[string]int
}

// test is one criterion evaluated on a set of records.
type test struct {
	est, thr Number
	iv       Interval
	sense    string
	p        float64
	status   Status
	// For comparisons: the two values, McNemar's p, and the paired outcome
	// counts behind the sample-size advice.
	cand, base    Number
	mcnemar       float64
	pairs, discor int
	// For proportions: the denominator.
	trials int
}

func (j *judge) criterion(c Criterion, salt uint64) Judgement {
	m := j.mIndex[c.Metric]
	metric := j.in.Metrics[m]
	jd := Judgement{Name: c.Name, Metric: c.Metric, Pipeline: c.Pipeline, Kind: c.Kind, Baseline: c.Baseline,
		Must: c.Must, Unit: metric.Unit(), Why: c.Why, Relative: c.Relative}
	jd.metricUnit = metric.Unit()
	if c.Relative {
		jd.Unit = ""
	}
	if jd.Name == "" {
		jd.Name = defaultName(c, metric.Unit())
		if len(c.InEvery) > 0 {
			jd.Name += " in every " + strings.Join(c.InEvery, " and every ")
		}
	}
	t := j.evaluate(c, nil, salt)
	jd.Estimate, jd.Interval, jd.Threshold, jd.Sense, jd.Status, jd.PValue = t.est, t.iv, t.thr, t.sense, t.status, Number(t.p)
	if c.Kind == BetterThan || c.Kind == NoWorseThan {
		cv, bv := t.cand, t.base
		jd.CandidateValue, jd.BaselineValue = &cv, &bv
		if !math.IsNaN(t.mcnemar) {
			mp := Number(t.mcnemar)
			jd.McNemarP = &mp
		}
	}
	jd.pairs, jd.discor, jd.trials = t.pairs, t.discor, t.trials

	for _, col := range c.InEvery {
		segs := slices.Clone(j.in.Segments[col])
		sort.Slice(segs, func(a, b int) bool { return segs[a].Value < segs[b].Value })
		for k, sg := range segs {
			sj := SegmentJudgement{Column: col, Value: sg.Value, Records: len(sg.Positions),
				Estimate: NaN(), Interval: Interval{Lo: NaN(), Hi: NaN(), Method: "none"}, PValue: NaN(), AdjustedP: NaN()}
			if len(sg.Positions) < j.s.MinSegmentSize {
				sj.Status = TooSmall
				sj.Note = fmt.Sprintf("%d records, fewer than the minimum of %d", len(sg.Positions), j.s.MinSegmentSize)
			} else {
				st := j.evaluate(c, sg.Positions, salt^uint64(7919*(k+1)))
				sj.Estimate, sj.Interval, sj.Status, sj.PValue, sj.AdjustedP = st.est, st.iv, st.status, Number(st.p), Number(st.p)
			}
			jd.Segments = append(jd.Segments, sj)
		}
	}
	return jd
}

// evaluate judges criterion c on the records at pos (all records when nil).
func (j *judge) evaluate(c Criterion, pos []int, salt uint64) test {
	m := j.mIndex[c.Metric]
	metric := j.in.Metrics[m]
	lower := metric.Direction() == metrics.LowerIsBetter
	candAcc := j.in.Estimates[j.pIndex[c.Pipeline]][m].acc
	t := test{p: math.NaN(), mcnemar: math.NaN(), cand: NaN(), base: NaN()}
	nan := Interval{Lo: NaN(), Hi: NaN(), Method: "none"}
	switch c.Kind {
	case AtLeast, AtMost:
		t.thr, t.sense = Number(c.Threshold), ">="
		if c.Kind == AtMost {
			t.sense = "<="
		}
		overall := j.in.Estimates[j.pIndex[c.Pipeline]][m]
		t.est, t.iv, t.p, t.trials = j.absolute(candAcc, overall, pos, float64(t.thr), t.sense, salt)
	case BetterThan, NoWorseThan:
		baseAcc := j.in.Estimates[j.pIndex[c.Baseline]][m].acc
		// Better means higher, or lower for lower-is-better metrics; the
		// margin moves the bound the corresponding way.
		switch {
		case c.Kind == BetterThan && !lower:
			t.thr, t.sense = Number(c.Margin), ">="
		case c.Kind == BetterThan && lower:
			t.thr, t.sense = Number(-c.Margin), "<="
		case !lower:
			t.thr, t.sense = Number(-c.Margin), ">="
		default:
			t.thr, t.sense = Number(c.Margin), "<="
		}
		t.iv = nan
		ra, okA := baseAcc.(metrics.Resampler)
		rb, okB := candAcc.(metrics.Resampler)
		if !okA || !okB || ra.Len() != rb.Len() {
			t.est = NaN()
			break
		}
		a, b := subset(ra.ValueAt, pos, ra.Len()), subset(rb.ValueAt, pos, rb.Len())
		n := size(pos, ra.Len())
		t.base, t.cand = Number(a(nil)), Number(b(nil))
		if c.Relative {
			// b' − a = (b − a)/|a|: the paired bootstrap of a relative difference.
			cand := b
			b = func(idx []int) float64 {
				base := a(idx)
				return base + (cand(idx)-base)/math.Abs(base)
			}
		}
		if !c.Relative {
			if cmp, ok := delong(baseAcc, candAcc, pos, j.s.Confidence); ok {
				// Two AUCs on the same records: DeLong's test gives the
				// interval and the p-value (its variance is exact for the
				// Mann–Whitney statistic, where the bootstrap is not).
				t.est = Number(cmp.Diff)
				t.iv = Interval{Lo: Number(cmp.Interval.Lo), Hi: Number(cmp.Interval.Hi), Method: "delong"}
				t.p = delongPValue(cmp, float64(t.thr), t.sense == ">=")
				break
			}
		}
		diff, reps, err := stats.PairedBootstrapReplicates(n, a, b, j.s.bootstrap(salt))
		t.est = Number(diff)
		if err != nil || math.IsNaN(diff) {
			t.est = NaN()
			break
		}
		iv := stats.PercentileInterval(reps, j.s.Confidence)
		t.iv = Interval{Lo: Number(iv.Lo), Hi: Number(iv.Hi), Method: "paired-bootstrap-percentile"}
		t.p = stats.BootstrapPValue(reps, float64(t.thr), t.sense == ">=")
		t.mcnemar, t.pairs, t.discor = mcnemar(baseAcc, candAcc, pos)
	}
	t.status = decide(t.est, t.iv, t.thr, t.sense)
	return t
}

// absolute is the value, interval and one-sided p-value of a metric held to
// a threshold: Wilson and the score test for proportions, the
// order-statistic interval and binomial test for quantiles, the bootstrap
// otherwise.
func (j *judge) absolute(acc metrics.Accumulator, overall Estimate, pos []int, thr float64, sense string, salt uint64) (Number, Interval, float64, int) {
	greater := sense == ">="
	nan := Interval{Lo: NaN(), Hi: NaN(), Method: "none"}
	if o, ok := acc.(metrics.Outcomes); ok {
		if p, ok := acc.(metrics.Proportion); ok {
			if _, _, isProp := p.Counts(); isProp {
				k, n := 0, 0
				each(pos, acc.(metrics.Resampler).Len(), func(i int) {
					if counted, success := o.Outcome(i); counted {
						n++
						if success {
							k++
						}
					}
				})
				if n == 0 {
					return NaN(), nan, math.NaN(), 0
				}
				iv := stats.Wilson(k, n, j.s.Confidence)
				return Number(float64(k) / float64(n)), fromStats(iv), stats.WilsonPValue(k, n, thr, greater), n
			}
		}
	}
	if q, ok := acc.(metrics.Quantiler); ok {
		quantile, all := q.Quantile()
		var values []float64
		each(pos, len(all), func(i int) { values = append(values, all[i]) })
		est, iv := stats.QuantileInterval(values, quantile, j.s.Confidence)
		return Number(est), fromStats(iv), stats.QuantilePValue(values, quantile, thr, !greater), len(values)
	}
	r, ok := acc.(metrics.Resampler)
	if !ok {
		return Number(acc.Result().Value), nan, math.NaN(), 0
	}
	stat := subset(r.ValueAt, pos, r.Len())
	n := size(pos, r.Len())
	zero := func([]int) float64 { return 0 }
	est, reps, err := stats.PairedBootstrapReplicates(n, zero, stat, j.s.bootstrap(salt))
	if err != nil || math.IsNaN(est) {
		return Number(est), nan, math.NaN(), n
	}
	p := stats.BootstrapPValue(reps, thr, greater)
	if pos == nil && !overall.Interval.Lo.IsNaN() {
		// The whole-replay interval is the metric's own, already computed
		// for metrics.json (BCa by default): reused, not bootstrapped again,
		// so the verdict and the metrics file show the same interval.
		return overall.Value, overall.Interval, p, n
	}
	return Number(est), fromStats(stats.PercentileInterval(reps, j.s.Confidence)), p, n
}

// mcnemar compares two proportions record by record: the exact McNemar
// p-value, the records counted by both, and the discordant ones.
func mcnemar(base, cand metrics.Accumulator, pos []int) (p float64, pairs, discordant int) {
	ob, okB := base.(metrics.Outcomes)
	oc, okC := cand.(metrics.Outcomes)
	pb, okPB := base.(metrics.Proportion)
	if !okB || !okC || !okPB {
		return math.NaN(), 0, 0
	}
	if _, _, isProp := pb.Counts(); !isProp {
		return math.NaN(), 0, 0
	}
	var b, c int
	each(pos, base.(metrics.Resampler).Len(), func(i int) {
		cb, sb := ob.Outcome(i)
		cc, sc := oc.Outcome(i)
		if !cb || !cc {
			return
		}
		pairs++
		switch {
		case sc && !sb:
			b++
		case sb && !sc:
			c++
		}
	})
	if pairs == 0 {
		return math.NaN(), 0, 0
	}
	return stats.McNemarExact(b, c), pairs, b + c
}

// moreRecords estimates, for an inconclusive criterion, the records that
// would likely decide it at the observed effect with the settings' power:
// a power analysis for proportions (one proportion against a threshold,
// paired proportions by Connor's formula), and otherwise the interval's
// reach scaled as 1/√n from the bootstrap. 0 means no amount would: the
// estimate is on the threshold or on its wrong side.
func (j *judge) moreRecords(jd *Judgement) (int, string) {
	est, thr := float64(jd.Estimate), float64(jd.Threshold)
	records := j.in.Records
	onPassSide := jd.Sense == ">=" && est > thr || jd.Sense == "<=" && est < thr
	if records == 0 || !onPassSide || math.IsNaN(est) {
		return 0, ""
	}
	alpha, power := j.s.alpha(), j.s.power()
	more := func(need float64, units int) int {
		if units <= 0 || math.IsNaN(need) || math.IsInf(need, 0) {
			return 0
		}
		total := math.Ceil(need * float64(records) / float64(units))
		if total <= float64(records) || total > 1e12 {
			return 0
		}
		return int(total) - records
	}
	switch {
	case (jd.Kind == AtLeast || jd.Kind == AtMost) && jd.trials > 0 && jd.Interval.Method == stats.MethodWilson:
		need := stats.SampleSizeOneProportion(thr, est, alpha, power)
		return more(need, jd.trials), fmt.Sprintf("power analysis for one proportion against %s at %s power", FormatValue(Number(thr), jd.Unit), Percent(power))
	case (jd.Kind == BetterThan || jd.Kind == NoWorseThan) && jd.pairs > 0 && jd.discor > 0 && !jd.Relative:
		psi := float64(jd.discor) / float64(jd.pairs)
		need := stats.SampleSizePaired(psi, math.Abs(est-thr), 2*alpha, power)
		return more(need, jd.pairs), fmt.Sprintf("paired power analysis (Connor 1987) with %s of pairs discordant, at %s power", Percent(psi), Percent(power))
	}
	reach := est - float64(jd.Interval.Lo)
	if jd.Sense == "<=" {
		reach = float64(jd.Interval.Hi) - est
	}
	gap := math.Abs(est - thr)
	if gap == 0 || reach <= gap || math.IsNaN(reach) {
		return 0, ""
	}
	return more(float64(records)*(reach/gap)*(reach/gap), records), "the bootstrap interval's reach scaled as 1/√n"
}

// subset restricts a statistic to the records at pos (nil: all records).
// The returned statistic takes positions into pos; nil means all of them.
func subset(stat func([]int) float64, pos []int, n int) func([]int) float64 {
	if pos == nil {
		var all []int
		return func(idx []int) float64 {
			if idx == nil {
				if all == nil {
					all = make([]int, n)
					for i := range all {
						all[i] = i
					}
				}
				return stat(all)
			}
			return stat(idx)
		}
	}
	buf := make([]int, len(pos))
	return func(idx []int) float64 {
		if idx == nil {
			return stat(pos)
		}
		mapped := buf[:len(idx)]
		if len(idx) > len(buf) {
			mapped = make([]int, len(idx))
		}
		for k, i := range idx {
			mapped[k] = pos[i]
		}
		return stat(mapped)
	}
}

// size is the number of records of a subset (n for all).
func size(pos []int, n int) int {
	if pos == nil {
		return n
	}
	return len(pos)
}

// each calls f for every position of the subset (all n when pos is nil).
func each(pos []int, n int, f func(i int)) {
	if pos == nil {
		for i := range n {
			f(i)
		}
		return
	}
	for _, i := range pos {
		f(i)
	}
}

// segmentSummary lists the segments that keep a criterion from passing.
func segmentSummary(segs []SegmentJudgement) string {
	var failed, open, small []string
	for _, sg := range segs {
		name := sg.Column + "=" + sg.Value
		switch sg.Status {
		case Fail:
			failed = append(failed, name)
		case Inconclusive, Undefined:
			open = append(open, name)
		case TooSmall:
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
	return strings.Join(parts, "; ")
}

// delong compares two ROC AUCs on the same records, when both accumulators
// give their scored outcomes; the difference is candidate − baseline.
func delong(base, cand metrics.Accumulator, pos []int, conf float64) (stats.ROCComparison, bool) {
	sb, okB := base.(metrics.ScoredOutcomes)
	sc, okC := cand.(metrics.ScoredOutcomes)
	if !okB || !okC {
		return stats.ROCComparison{}, false
	}
	var pos1, neg1, pos2, neg2 []float64 // 1: candidate, 2: baseline
	each(pos, base.(metrics.Resampler).Len(), func(i int) {
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
// thr on the passing side, under DeLong's normal approximation.
func delongPValue(cmp stats.ROCComparison, thr float64, greater bool) float64 {
	if cmp.SE <= 0 || math.IsNaN(cmp.SE) {
		if greater == (cmp.Diff > thr) {
			return 0
		}
		return 1
	}
	z := (cmp.Diff - thr) / cmp.SE
	if !greater {
		z = -z
	}
	return 1 - stats.NormalCDF(z)
}
