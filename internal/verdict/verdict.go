package verdict

import (
	"fmt"
	"math"
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
	Estimate float64  `json:"estimate"`
	Interval Interval `json:"interval"`
	// Threshold is the bound Estimate is held to; Sense is ">=" or "<=".
	Threshold float64 `json:"threshold"`
	Sense     string  `json:"sense"`
	Status    Status  `json:"status"`
	// CandidateValue and BaselineValue are the two metric values of a comparison.
	CandidateValue *float64 `json:"candidate_value,omitempty"`
	BaselineValue  *float64 `json:"baseline_value,omitempty"`
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
			j.Name = defaultName(c)
		}
		cand := est[p][m]
		lower := mets[m].Direction() == metrics.LowerIsBetter
		switch c.Kind {
		case AtLeast, AtMost:
			j.Estimate, j.Interval, j.Threshold = cand.Value, cand.Interval, c.Threshold
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
				j.Threshold, j.Sense = c.Margin, ">="
			case c.Kind == BetterThan && lower:
				j.Threshold, j.Sense = -c.Margin, "<="
			case !lower:
				j.Threshold, j.Sense = -c.Margin, ">="
			default:
				j.Threshold, j.Sense = c.Margin, "<="
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

func defaultName(c Criterion) string {
	switch c.Kind {
	case AtLeast:
		return fmt.Sprintf("%s of %s at least %s", c.Metric, c.Pipeline, fmtNum(c.Threshold))
	case AtMost:
		return fmt.Sprintf("%s of %s at most %s", c.Metric, c.Pipeline, fmtNum(c.Threshold))
	case BetterThan:
		if c.Margin != 0 {
			return fmt.Sprintf("%s of %s better than %s by %s", c.Metric, c.Pipeline, c.Baseline, fmtNum(c.Margin))
		}
		return fmt.Sprintf("%s of %s better than %s", c.Metric, c.Pipeline, c.Baseline)
	default:
		return fmt.Sprintf("%s of %s no worse than %s (margin %s)", c.Metric, c.Pipeline, c.Baseline, fmtNum(c.Margin))
	}
}

// paired is the difference candidate − baseline on the same records, with a
// paired bootstrap interval.
func paired(base, cand Estimate, s Settings, salt uint64) (float64, Interval) {
	diff := cand.Value - base.Value
	nan := Interval{Lo: math.NaN(), Hi: math.NaN(), Method: "none"}
	ra, okA := base.acc.(metrics.Resampler)
	rb, okB := cand.acc.(metrics.Resampler)
	if !okA || !okB || ra.Len() != rb.Len() || math.IsNaN(diff) {
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
	return res.Diff, iv
}

// decide holds the interval against the threshold: pass when the whole
// interval is on the good side, fail when the whole interval is on the bad
// side, inconclusive when it straddles the threshold.
func decide(est float64, iv Interval, thr float64, sense string) Status {
	if math.IsNaN(est) || math.IsNaN(iv.Lo) || math.IsNaN(iv.Hi) {
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
// half-width falls as 1/√n. It is a planning figure, not a promise.
func moreRecords(j Judgement, records int) int {
	half := (j.Interval.Hi - j.Interval.Lo) / 2
	gap := math.Abs(j.Estimate - j.Threshold)
	if records == 0 || gap == 0 || half <= 0 {
		return 0
	}
	need := float64(records) * (half / gap) * (half / gap)
	if need <= float64(records) || math.IsInf(need, 0) || need > 1e12 {
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
	return fmt.Sprintf("passes when the %s bound of the %g%% %s interval of %s is %s %s (a one-sided test at %g%%)",
		bound, conf*100, j.Interval.Method, what, j.Sense, fmtNum(j.Threshold), (1-conf)/2*100)
}

func explain(j Judgement, conf float64) string {
	iv := fmt.Sprintf("%s to %s", fmtNum(j.Interval.Lo), fmtNum(j.Interval.Hi))
	switch j.Status {
	case Undefined:
		return fmt.Sprintf("%s could not be computed on these records, so the criterion cannot pass", j.Metric)
	}
	var s string
	switch j.Kind {
	case AtLeast, AtMost:
		s = fmt.Sprintf("%s of %s is %s (%g%% interval %s) against a required %s %s",
			j.Metric, j.Pipeline, fmtNum(j.Estimate), conf*100, iv, j.Sense, fmtNum(j.Threshold))
	default:
		s = fmt.Sprintf("%s of %s is %s against %s for %s: a difference of %s (%g%% interval %s); required %s %s",
			j.Metric, j.Pipeline, fmtNum(*j.CandidateValue), fmtNum(*j.BaselineValue), j.Baseline,
			fmtNum(j.Estimate), conf*100, iv, j.Sense, fmtNum(j.Threshold))
	}
	switch j.Status {
	case Pass:
		return s + ": the whole interval clears the threshold"
	case Fail:
		return s + ": the whole interval is on the wrong side"
	}
	if j.MoreRecords > 0 {
		return s + fmt.Sprintf(": the interval straddles the threshold; about %d more records would likely settle it", j.MoreRecords)
	}
	return s + ": the interval straddles the threshold and the estimate sits too close to it for more data to settle it soon"
}

// fmtNum prints a number with four significant digits, enough for a report.
func fmtNum(f float64) string {
	if math.IsNaN(f) {
		return "n/a"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.4g", f), ".")
}
