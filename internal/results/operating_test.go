package results

import "testing"

func TestOperatingPointOutcome(t *testing.T) {
	tests := []struct {
		name               string
		op                 *OperatingPoint
		noThreshold, fixes bool
	}{
		{"no analysis", nil, false, false},
		{"not made", &OperatingPoint{Note: "three classes"}, false, false},
		{"none passes together", &OperatingPoint{}, true, false},
		{"confirmed", &OperatingPoint{Suggested: &ThresholdPoint{}, Confirm: &Confirmation{Verdict: Go}}, false, true},
		{"not confirmed", &OperatingPoint{Suggested: &ThresholdPoint{}, Confirm: &Confirmation{Verdict: Undecided}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.op.NoThreshold(); got != tt.noThreshold {
				t.Errorf("NoThreshold = %v, want %v", got, tt.noThreshold)
			}
			if got := tt.op.Fixes(); got != tt.fixes {
				t.Errorf("Fixes = %v, want %v", got, tt.fixes)
			}
		})
	}
}
