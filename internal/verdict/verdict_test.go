package verdict

import (
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

func TestDecide(t *testing.T) {
	nan := results.NaN()
	tests := []struct {
		name   string
		est    results.Number
		lo, hi results.Number
		thr    results.Number
		sense  string
		want   results.CriterionStatus
	}{
		{"at least, clear", 0.40, 0.35, 0.45, 0.30, ">=", results.Pass},
		{"at least, bound on threshold passes", 0.40, 0.30, 0.45, 0.30, ">=", results.Pass},
		{"at least, straddles", 0.32, 0.28, 0.36, 0.30, ">=", results.Inconclusive},
		{"at least, below", 0.20, 0.15, 0.25, 0.30, ">=", results.Fail},
		{"at most, clear", 30, 25, 40, 50, "<=", results.Pass},
		{"at most, straddles", 48, 44, 55, 50, "<=", results.Inconclusive},
		{"at most, above", 70, 60, 80, 50, "<=", results.Fail},
		{"undefined estimate never passes", nan, 0, 1, 0.3, ">=", results.Undefined},
		{"no interval never passes", 0.9, nan, nan, 0.3, ">=", results.Undefined},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := decide(tc.est, results.Interval{Lo: tc.lo, Hi: tc.hi}, tc.thr, tc.sense); got != tc.want {
				t.Errorf("decide = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestConclude(t *testing.T) {
	j := func(must bool, s results.CriterionStatus) results.Judgement {
		return results.Judgement{Name: string(s), Must: must, Status: s}
	}
	tests := []struct {
		name string
		js   []results.Judgement
		want results.Decision
	}{
		{"all musts pass", []results.Judgement{j(true, results.Pass), j(true, results.Pass), j(false, results.Fail)}, results.Go},
		{"one must fails", []results.Judgement{j(true, results.Pass), j(true, results.Fail), j(true, results.Inconclusive)}, results.NoGo},
		{"one must open", []results.Judgement{j(true, results.Pass), j(true, results.Inconclusive)}, results.Undecided},
		{"undefined must is not a pass", []results.Judgement{j(true, results.Pass), j(true, results.Undefined)}, results.Undecided},
		{"no must at all", []results.Judgement{j(false, results.Pass)}, results.Undecided},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, why := conclude(tc.js); got != tc.want {
				t.Errorf("verdict = %s (%s), want %s", got, why, tc.want)
			}
		})
	}
}

func TestBoundOf(t *testing.T) {
	tests := []struct {
		name  string
		c     Criterion
		lower bool
		want  Bound
	}{
		{"at least", Criterion{Kind: results.AtLeast, Threshold: 0.3}, false, Bound{0.3, ">="}},
		{"at most", Criterion{Kind: results.AtMost, Threshold: 50}, true, Bound{50, "<="}},
		{"better, higher is better", Criterion{Kind: results.BetterThan, Margin: 0.05}, false, Bound{0.05, ">="}},
		{"better, lower is better", Criterion{Kind: results.BetterThan, Margin: 0.05}, true, Bound{-0.05, "<="}},
		{"no worse, higher is better", Criterion{Kind: results.NoWorseThan, Margin: 0.02}, false, Bound{-0.02, ">="}},
		{"no worse, lower is better", Criterion{Kind: results.NoWorseThan, Margin: 10}, true, Bound{10, "<="}},
	}
	for _, tc := range tests {
		if got := BoundOf(tc.c, tc.lower); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// fixed is a Tester that gives the same evidence for every criterion.
type fixed map[string]Evidence

func (f fixed) Test(c Criterion, _ Bound, seg *Segment) Evidence {
	if seg != nil {
		return f[c.Name+"/"+seg.Value]
	}
	return f[c.Name]
}

func share(est, lo, hi, p float64) Evidence {
	return Evidence{Estimate: est, Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: "wilson"},
		PValue: p, Candidate: math.NaN(), Baseline: math.NaN(), McNemarP: math.NaN()}
}

// The explanation names the multiplicity correction only when it alone
// kept a criterion from passing.
func TestJudgeNamesMultiplicityOnlyWhenItWasTheReason(t *testing.T) {
	in := Input{Metrics: map[string]Metric{"recall": {Name: "recall"}}, Records: 500}
	crit := func(name string) Criterion {
		return Criterion{Name: name, Metric: "recall", Pipeline: "m", Kind: results.AtLeast, Threshold: 0.5, Must: true}
	}
	tests := []struct {
		name     string
		evidence fixed
		want     []results.CriterionStatus
		holm     []bool
	}{
		{"both clear after correction", fixed{"a": share(0.6, 0.55, 0.65, 0.001), "b": share(0.6, 0.55, 0.65, 0.002)},
			[]results.CriterionStatus{results.Pass, results.Pass}, []bool{false, false}},
		{"both clear their intervals but not the corrected level", fixed{"a": share(0.6, 0.505, 0.65, 0.02), "b": share(0.6, 0.51, 0.65, 0.015)},
			[]results.CriterionStatus{results.Inconclusive, results.Inconclusive}, []bool{true, true}},
		{"one straddles: undecided for its own reason", fixed{"a": share(0.52, 0.48, 0.56, 0.2), "b": share(0.6, 0.51, 0.65, 0.02)},
			[]results.CriterionStatus{results.Inconclusive, results.Inconclusive}, []bool{false, true}},
	}
	for _, tc := range tests {
		in.Tester = tc.evidence
		sum := Judge([]Criterion{crit("a"), crit("b")}, in, Settings{Confidence: 0.95})
		for i, j := range sum.Criteria {
			named := strings.Contains(j.Explanation, "corrected for the number of must-criteria")
			if j.Status != tc.want[i] || named != tc.holm[i] {
				t.Errorf("%s: %s is %s (multiplicity named: %v), want %s (%v): %s", tc.name, j.Name, j.Status, named, tc.want[i], tc.holm[i], j.Explanation)
			}
		}
	}
}

// An undefined value never passes, and the explanation gives its reason.
func TestJudgeUndefinedSaysWhy(t *testing.T) {
	in := Input{Metrics: map[string]Metric{"auc": {Name: "auc"}}, Records: 10,
		Tester: fixed{"x": Undefined("the pipeline gives no scores")}}
	sum := Judge([]Criterion{{Name: "x", Metric: "auc", Pipeline: "m", Kind: results.AtLeast, Threshold: 0.7, Must: true}}, in, Settings{Confidence: 0.95})
	if j := sum.Criteria[0]; j.Status != results.Undefined || sum.Verdict != results.Undecided || !strings.Contains(j.Explanation, "no scores") {
		t.Errorf("%s / %s: %s", j.Status, sum.Verdict, j.Explanation)
	}
}
