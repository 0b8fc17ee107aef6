package analysis

import (
	"testing"

	"github.com/poc-harness/poc/metrics"
)

// The positives are counted from the outcomes, flagged or not, whichever
// pipeline has the most records (one that lacks records counts them as
// unlabelled).
func TestPositives(t *testing.T) {
	tp, fn, fp, tn, un := metrics.TruePositive, metrics.FalseNegative, metrics.FalsePositive, metrics.TrueNegative, metrics.Unlabelled
	in := ImpactInput{Pipelines: []ImpactPipeline{
		{Name: "a", Outcomes: []metrics.Outcome{tp, fn, fp, tn, tn, un, fn}},
		{Name: "b", Outcomes: []metrics.Outcome{fn, un, tn, tn, tn, un, un}},
	}}
	if got := positives(in); got != 3 {
		t.Errorf("positives = %d, want 3", got)
	}
	if got := positives(ImpactInput{}); got != 0 {
		t.Errorf("positives without pipelines = %d, want 0", got)
	}
}
