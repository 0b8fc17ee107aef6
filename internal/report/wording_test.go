package report

import "testing"

func TestReadable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"passes when the lower bound of the 95% wilson interval of the precision is >= 30.0%",
			"passes when the lower bound of the 95% Wilson score interval of the precision is ≥ 30.0%"},
		{"passes when the lower bound of the 95% none interval of the recall_night is >= 0.4",
			"passes when the lower bound of the 95% interval of the recall_night is ≥ 0.4"},
		{"the 90% paired-bootstrap-percentile interval of the paired difference",
			"the 90% paired bootstrap percentile interval of the paired difference"},
		{"the upper bound of the 99.5% order-statistic interval is <= 50 ms",
			"the upper bound of the 99.5% order-statistic interval is ≤ 50 ms"},
		{"the lower bound of the 95% bootstrap-percentile (bca degenerate) interval of the f1",
			"the lower bound of the 95% bootstrap percentile interval (BCa could not be computed) of the f1"},
		{"McNemar's exact test on the discordant records gives p = < 0.0001 (two-sided)",
			"McNemar's exact test on the discordant records gives p < 0.0001 (two-sided)"},
		{"gives p = 0.0123", "gives p = 0.0123"},
		{"a two-sided 95% confidence interval", "a two-sided 95% confidence interval"},
		{"79.3% (95% interval 72.2% to 85.0%)", "79.3% (95% interval 72.2% to 85.0%)"},
	}
	for _, tc := range tests {
		if got := readable(tc.in); got != tc.want {
			t.Errorf("readable(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestMethodName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"wilson", "Wilson score"},
		{"bootstrap-bca", "bootstrap, BCa"},
		{"bootstrap-percentile (bca degenerate)", "bootstrap percentile (BCa could not be computed)"},
		{"delong", "DeLong"},
		{"none", "—"},
		{"", "—"},
		{"some-new-method", "some new method"},
	}
	for _, tc := range tests {
		if got := methodName(tc.in); got != tc.want {
			t.Errorf("methodName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWithMetricNames(t *testing.T) {
	tests := []struct {
		in      string
		metrics []string
		want    string
	}{
		{"latency_p99 of fraud-model-v3 is 812.4 ms", []string{"latency_p99"}, "latency p99 of fraud-model-v3 is 812.4 ms"},
		{"the paired difference a − b in money_caught is", []string{"money_caught"}, "the paired difference a − b in money caught is"},
		// A pipeline's name that holds the metric's is left alone.
		{"roc_auc of roc_auc-bot and of my_roc_auc", []string{"roc_auc"}, "ROC AUC of roc_auc-bot and of my_roc_auc"},
		{"recall of a is 50%", []string{"recall"}, "recall of a is 50%"},
		{"1 of 2 failed: four_fifths_age of logistic at least 80.0%; f1 of x at least 50.0%", []string{"four_fifths_age", "f1"},
			"1 of 2 failed: four-fifths age of logistic at least 80.0%; F1 of x at least 50.0%"},
	}
	for _, tc := range tests {
		if got := withMetricNames(tc.in, tc.metrics...); got != tc.want {
			t.Errorf("withMetricNames(%q, %q)\n = %q\nwant %q", tc.in, tc.metrics, got, tc.want)
		}
	}
}

func TestSentence(t *testing.T) {
	tests := []struct {
		in   string
		ids  []string
		want string
	}{
		{"money caught of fraud-model-v3 is 38.4%", nil, "Money caught of fraud-model-v3 is 38.4%."},
		{"ROC AUC of logistic is 78.0%", nil, "ROC AUC of logistic is 78.0%."},
		// Never a capital on an identifier.
		{"money_caught of fraud-model-v3 is 38.4%", nil, "money_caught of fraud-model-v3 is 38.4%."},
		{"fraud-model-v3 failed on 3 records", nil, "fraud-model-v3 failed on 3 records."},
		{"analysts decided 40 records.", []string{"analysts"}, "analysts decided 40 records."},
		{"never-block flags no record", []string{"never-block"}, "never-block flags no record."},
		{"four-fifths age of logistic is 74.9%", []string{"logistic"}, "Four-fifths age of logistic is 74.9%."},
		{"", nil, ""},
	}
	for _, tc := range tests {
		if got := sentence(tc.in, tc.ids...); got != tc.want {
			t.Errorf("sentence(%q, %q) = %q, want %q", tc.in, tc.ids, got, tc.want)
		}
	}
}

func TestCostDiffText(t *testing.T) {
	tests := []struct {
		c    float64
		want string
	}{
		{4800, "4,800 EUR a year more than rules-v12"},
		{-100, "100 EUR a year less than rules-v12"},
		{0, "the same yearly cost as rules-v12"},
	}
	for _, tc := range tests {
		ds := costDiffs(tc.c, map[string]float64{"rules-v12": 0}, nil, []string{"rules-v12"}, "EUR")
		if len(ds) != 1 || ds[0].Text() != tc.want {
			t.Errorf("cost %v: %+v, want %q", tc.c, ds, tc.want)
		}
	}
}
