package report

import (
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

func TestPositiveShare(t *testing.T) {
	priced := &results.CostOfError{MissedPositive: "amount", FalsePositive: "12"}
	tests := []struct {
		name string
		ij   *results.Impact
		want string
	}{
		{"named class", &results.Impact{CostOfError: priced, Records: 19840, Positives: 480, PositiveName: "fraud"}, "at the replay's share of fraud, 2.4%"},
		{"enriched sample", &results.Impact{CostOfError: priced, Records: 2249, Positives: 678}, "at the replay's share of positives, 30.1%"},
		{"rare class", &results.Impact{CostOfError: priced, Records: 100000, Positives: 130, PositiveName: "default"}, "at the replay's share of default, 0.13%"},
		{"errors not priced", &results.Impact{Records: 100, Positives: 10}, ""},
		{"an impact.json that does not count them", &results.Impact{CostOfError: priced, Records: 100}, ""},
		{"no impact", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PositiveShare(tt.ij); got != tt.want {
				t.Errorf("PositiveShare = %q, want %q", got, tt.want)
			}
		})
	}
}
