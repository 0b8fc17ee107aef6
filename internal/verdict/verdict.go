package verdict

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/poc-harness/poc/internal/stats"
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
	// metric's unit.
	Margin float64
	Must   bool
	Why    string
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
	// MoreRecords estimates, for an inconclusive criterion, how many more
	// records would likely decide it at the observed effect (0 when decided
	// or when no amount would).
	MoreRecords int    `json:"more_records_needed,omitempty"`
	Unit        string `json:"unit,omitempty"`
	Explanation string `json:"explanation"`
	Test        string `json:"test"`
	Why         string `json:"why,omitempty"`
}

// Summary is the verdict with every criterion's judgement.
type Summary struct {
	Verdict  Decision    `json:"verdict"`
	Reason   string      `json:"reason"`
	Criteria []Judgement `json:"criteria"`
}

// Judge evaluates every criterion on the replay's estimates. pipelines and
// mets name the rows and columns of est; records is the number of records
// replayed.
func Judge(criteria []Criterion, pipelines []string, mets []metrics.Metric, est [][]Estimate, records int, s Settings) Summary {
	pIndex := indexOf(pipelines)
	mIndex := map[string]int{}
	for i, m := range mets {
		mIndex[m.Name()] = i
	}
	var sum Summary
	for i, c := range criteria {
		p, m := pIndex[c.Pipeline], mIndex[c.Metric]
		j := Judgement{Name: c.Name, Metric: c.Metric, Pipeline: c.Pipeline, Kind: c.Kind, Baseline: c.Baseline,
			Must: c.Must, Unit: mets[m].Unit(), Why: c.Why}
		if j.Name == "" {
			j.Name = defaultName(c, j.Unit)
		}
		cand := est[p][m]
		lower := mets[m].Direction() == metrics.LowerIsBetter
		switch c.Kind {
		case AtLeast, AtMost:
			j.Estimate, j.Interval, j.Threshold = cand.Value, cand.Interval, Number(c.Threshold)
			j.Sense = ">="
			if c.Kind == AtMost {
				j.Sense = "<="
			}
		case BetterThan, NoWorseThan:
			base := est[pIndex[c.Baseline]][m]
			cv, bv := cand.Value, base.Value
			j.CandidateValue, j.BaselineValue = &cv, &bv
			j.Estimate, j.Interval = paired(base, cand, s, uint64(1000+i))
			// Better means higher, or lower for lower-is-better metrics;
			// the margin moves the bound the corresponding way.
			switch {
			case c.Kind == BetterThan && !lower:
				j.Threshold, j.Sense = Number(c.Margin), ">="
			case c.Kind == BetterThan && lower:
				j.Threshold, j.Sense = Number(-c.Margin), "<="
			case !lower:
				j.Threshold, j.Sense = Number(-c.Margin), ">="
			default:
				j.Threshold, j.Sense = Number(c.Margin), "<="
			}
		}
		j.Status = decide(j.Estimate, j.Interval, j.Threshold, j.Sense)
		if j.Status == Inconclusive {
			j.MoreRecords = moreRecords(j, records)
		}
		j.Test = describeTest(j, s.Confidence)
		j.Explanation = explain(j, s.Confidence)
		sum.Criteria = append(sum.Criteria, j)
	}
	sum.Verdict, sum.Reason = conclude(sum.Criteria)
	return sum
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

// paired is the difference candidate − baseline on the same records, with a
// paired bootstrap interval.
func paired(base, cand Estimate, s Settings, salt uint64) (Number, Interval) {
	diff := cand.Value - base.Value
	nan := Interval{Lo: NaN(), Hi: NaN(), Method: "none"}
	ra, okA := base.acc.(metrics.Resampler)
	rb, okB := cand.acc.(metrics.Resampler)
	if !okA || !okB || ra.Len() != rb.Len() || diff.IsNaN() {
		return diff, nan
	}
	opt := s.bootstrap(salt)
	opt.Method = stats.BootstrapPercentile
	res, err := stats.PairedBootstrap(ra.Len(), ra.ValueAt, rb.ValueAt, opt)
	if err != nil {
		return diff, nan
	}
	iv := fromStats(res.Interval)
	iv.Method = "paired-" + iv.Method
	return Number(res.Diff), iv
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

// moreRecords estimates how many more records would shrink the interval
// until it clears the threshold at the observed estimate, assuming the
// interval's reach from the estimate towards the threshold falls as 1/√n. It
// is a planning figure, not a promise; 0 means no amount would (the estimate
// sits on the threshold, or on its wrong side: more data would then more
// likely show a failure than a pass).
func moreRecords(j Judgement, records int) int {
	est, thr := float64(j.Estimate), float64(j.Threshold)
	var reach, gap float64
	if j.Sense == "<=" {
		reach, gap = float64(j.Interval.Hi)-est, thr-est
	} else {
		reach, gap = est-float64(j.Interval.Lo), est-thr
	}
	if records == 0 || gap <= 0 || reach <= gap {
		return 0
	}
	need := float64(records) * (reach / gap) * (reach / gap)
	if math.IsInf(need, 0) || need > 1e12 {
		return 0
	}
	return int(math.Ceil(need)) - records
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

func describeTest(j Judgement, conf float64) string {
	bound := "lower"
	if j.Sense == "<=" {
		bound = "upper"
	}
	what := "the " + j.Metric
	if j.Kind == BetterThan || j.Kind == NoWorseThan {
		what = fmt.Sprintf("the paired difference %s − %s in %s", j.Pipeline, j.Baseline, j.Metric)
	}
	return fmt.Sprintf("passes when the %s bound of the %s %s interval of %s is %s %s (a one-sided test at %s)",
		bound, Percent(conf), j.Interval.Method, what, j.Sense, j.format(j.Threshold), Percent((1-conf)/2))
}

// format prints a value of the judgement in its unit: a difference for a
// comparison, the metric's value otherwise.
func (j Judgement) format(v Number) string {
	if j.Kind == BetterThan || j.Kind == NoWorseThan {
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
		s = fmt.Sprintf("%s of %s is %s against %s for %s: a difference of %s (%s interval %s); required %s %s",
			j.Metric, j.Pipeline, FormatValue(*j.CandidateValue, j.Unit), FormatValue(*j.BaselineValue, j.Unit), j.Baseline,
			j.format(j.Estimate), Percent(conf), iv, j.Sense, j.format(j.Threshold))
	}
	switch j.Status {
	case Pass:
		return s + ": the whole interval clears the threshold"
	case Fail:
		return s + ": the whole interval is on the wrong side"
	}
	if j.MoreRecords > 0 {
		return s + fmt.Sprintf(": the interval straddles the threshold; about %s more records would likely settle it", Group(int64(j.MoreRecords)))
	}
	return s + ": the interval straddles the threshold, and the estimate is too close to it (or on its wrong side) for more records to promise a pass"
}

// Percent prints a probability as a percentage without float noise: 95%, 2.5%.
func Percent(p float64) string {
	return strconv.FormatFloat(math.Round(p*1e6)/1e4, 'f', -1, 64) + "%"
}
