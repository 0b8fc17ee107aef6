package format

import "testing"

func TestMetricName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"money_caught", "money caught"},
		{"latency_p99", "latency p99"},
		{"latency_p95", "latency p95"},
		{"false_positive_rate", "false-positive rate"},
		{"roc_auc", "ROC AUC"},
		{"pr_auc", "PR AUC"},
		{"f1", "F1"},
		{"macro_f1", "macro F1"},
		{"fpr", "false-positive rate"},
		{"recall_at_fpr", "recall at false-positive rate"},
		{"four_fifths_age", "four-fifths age"},
		{"cost_per_record", "cost per record"},
		{"recall", "recall"},
		{"recall_web", "recall web"},
		// The author's own spelling is kept.
		{"Recall (web)", "Recall (web)"},
		{"myAUC", "myAUC"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := MetricName(tc.in); got != tc.want {
			t.Errorf("MetricName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCriterionName(t *testing.T) {
	tests := []struct{ name, metric, want string }{
		{"money_caught of fraud-model-v3 better than rules-v12", "money_caught", "money caught of fraud-model-v3 better than rules-v12"},
		{"roc_auc of logistic at least 70.0%", "roc_auc", "ROC AUC of logistic at least 70.0%"},
		{"precision of m at least 30.0% in every channel", "precision", "precision of m at least 30.0% in every channel"},
		// A name the file gives is the author's.
		{"money_caught stays up", "money_caught", "money_caught stays up"},
	}
	for _, tc := range tests {
		if got := CriterionName(tc.name, tc.metric); got != tc.want {
			t.Errorf("CriterionName(%q, %q) = %q, want %q", tc.name, tc.metric, got, tc.want)
		}
	}
}

func TestIntervalAndPClause(t *testing.T) {
	tests := []struct{ got, want string }{
		{Interval(0.95, "wilson"), "the 95% Wilson score interval"},
		{Interval(0.9, "bootstrap-bca"), "the 90% bootstrap interval (BCa)"},
		{Interval(0.95, "bootstrap-percentile (bca degenerate)"), "the 95% bootstrap percentile interval (BCa could not be computed)"},
		{Interval(0.95, "none"), "the 95% interval"},
		{Interval(0.95, "something-new"), "the 95% something new interval"},
		{Interval(0.95, "paired-exact"), "the 95% paired exact interval"},
		{PClause(0.00001), "p < 0.0001"},
		{PClause(0.0123), "p = 0.0123"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
