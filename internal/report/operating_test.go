package report

import (
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// TestOperatingViewAdvice: the report words a threshold that did better
// than today's decisions on the held-out half as a suggestion, and one
// that did not as the best on the selection half beside the advice to
// keep today's, with no instruction to set it.
func TestOperatingViewAdvice(t *testing.T) {
	proj := func(v, lo, hi float64) *results.Projection {
		return &results.Projection{Value: results.Number(v), Interval: results.Interval{Lo: results.Number(lo), Hi: results.Number(hi)}}
	}
	op := func(v, today results.Decision, gain *results.Projection) *results.OperatingPoint {
		return &results.OperatingPoint{Pipeline: "model", Currency: "USD", Incumbent: "rules", SelectRecords: 500, ConfirmRecords: 500,
			Current:   results.ThresholdPoint{Threshold: 0.5, TPR: 0.6, FPR: 0.1, Precision: 0.3, Flagged: 0.2},
			Suggested: &results.ThresholdPoint{Threshold: 0.48, TPR: 0.62, FPR: 0.11, Precision: 0.29, Flagged: 0.21},
			Feasible:  []results.ThresholdRange{{Low: 0.3, High: 0.7}}, SuggestedBy: "it has the largest yearly saving against rules there",
			Confirm: &results.Confirmation{Verdict: v, CurrentVerdict: today, Saving: proj(61e6, 30e6, 96e6),
				CurrentSaving: proj(63e6, 32e6, 98e6), Gain: gain}}
	}
	tests := []struct {
		name                 string
		op                   *results.OperatingPoint
		lead, row, money     string
		caveat               bool
		advice, adviceOnNoGo string
	}{
		{"not shown to save more", op(results.Go, results.Go, proj(-1.8e6, -5.2e6, 2.4e6)),
			"The best threshold on the selection half is 0.48", "Best on the selection half", "Keep the threshold as it is", false, "", ""},
		{"worse than today", op(results.Undecided, results.Go, proj(2e6, 1e6, 3e6)),
			"The best threshold on the selection half is 0.48", "Best on the selection half", "Keep the threshold as it is", false, "", ""},
		{"shown to save more", op(results.Go, results.Go, proj(2e6, 1e6, 3e6)),
			"The suggested threshold is 0.48", "Suggested", "switching saves 2.0M USD a year more", true,
			"At threshold 0.48 instead of 0.50, model saves 2.0M USD a year more", ""},
		{"fixes the verdict", op(results.Go, results.NoGo, proj(2e6, 1e6, 3e6)),
			"The suggested threshold is 0.48", "Suggested", "switching saves", true, "saves 2.0M USD a year more", "passes every must-criterion on records held out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := operatingViewOf(tt.op, 0.95)
			if !strings.Contains(v.Lead, tt.lead) || v.Rows[1].Label != tt.row || !strings.Contains(v.Money, tt.money) || (v.Caveat != "") != tt.caveat {
				t.Errorf("lead %q\nrow %q\nmoney %q\ncaveat %q", v.Lead, v.Rows[1].Label, v.Money, v.Caveat)
			}
			run := func(d results.Decision) *results.Run {
				return &results.Run{Verdict: results.Verdict{Verdict: d},
					Metrics: results.Metrics{Pipelines: []results.PipelineMetrics{{Name: "model", OperatingPoint: tt.op}}}}
			}
			if got := strings.Join(operatingAdvice(run(results.Go)), " "); !strings.Contains(got, tt.advice) || tt.advice == "" && got != "" {
				t.Errorf("advice on a GO run: %q, want %q", got, tt.advice)
			}
			if tt.adviceOnNoGo != "" {
				if got := strings.Join(operatingAdvice(run(results.NoGo)), " "); !strings.Contains(got, tt.adviceOnNoGo) {
					t.Errorf("advice on a NO-GO run: %q, want %q", got, tt.adviceOnNoGo)
				}
			}
		})
	}
}
