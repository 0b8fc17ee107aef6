package results

import "testing"

func TestOperatingPointAdvice(t *testing.T) {
	confirmed := func(v, today Decision, gain *Projection) *OperatingPoint {
		return &OperatingPoint{Current: ThresholdPoint{Threshold: 0.5}, Suggested: &ThresholdPoint{Threshold: 0.3},
			Confirm: &Confirmation{Verdict: v, CurrentVerdict: today, Gain: gain}}
	}
	gain := func(lo, hi float64) *Projection {
		return &Projection{Value: Number((lo + hi) / 2), Interval: Interval{Lo: Number(lo), Hi: Number(hi)}}
	}
	tests := []struct {
		name               string
		op                 *OperatingPoint
		advice             Advice
		noThreshold, fixes bool
	}{
		{"no analysis", nil, NoAdvice, false, false},
		{"not made", &OperatingPoint{Note: "three classes"}, NoAdvice, false, false},
		{"none passes together", &OperatingPoint{}, NoThresholdFixes, true, false},
		{"fixes the verdict", confirmed(Go, NoGo, nil), Switch, false, true},
		{"not confirmed", confirmed(Undecided, NoGo, nil), NotShown, false, false},
		{"worse than today on the held-out half", confirmed(Undecided, Go, gain(1, 2)), KeepToday, false, false},
		{"NO-GO where today is undecided", confirmed(NoGo, Undecided, nil), KeepToday, false, false},
		{"both GO, no money", confirmed(Go, Go, nil), KeepToday, false, false},
		{"both GO, gain not shown", confirmed(Go, Go, gain(-1, 3)), KeepToday, false, false},
		{"both GO, gain shown", confirmed(Go, Go, gain(1, 3)), Switch, false, false},
		{"the suggestion is today's threshold", &OperatingPoint{Current: ThresholdPoint{Threshold: 0.5}, Suggested: &ThresholdPoint{Threshold: 0.5},
			Confirm: &Confirmation{Verdict: Go, CurrentVerdict: NoGo}}, KeepToday, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.op.Advice(); got != tt.advice {
				t.Errorf("Advice = %v (%q), want %v (%q)", got, got, tt.advice, tt.advice)
			}
			if got := tt.op.NoThreshold(); got != tt.noThreshold {
				t.Errorf("NoThreshold = %v, want %v", got, tt.noThreshold)
			}
			if got := tt.op.Fixes(); got != tt.fixes {
				t.Errorf("Fixes = %v, want %v", got, tt.fixes)
			}
		})
	}
}
