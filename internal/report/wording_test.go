package report

import "testing"

func TestReadable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"passes when the lower bound of the 95% wilson interval of the precision is >= 30.0%",
			"passes when the lower bound of the 95% interval (Wilson) of the precision is ≥ 30.0%"},
		{"passes when the lower bound of the 95% none interval of the recall_night is >= 0.4",
			"passes when the lower bound of the 95% interval of the recall_night is ≥ 0.4"},
		{"the 90% paired-bootstrap-percentile interval of the paired difference",
			"the 90% interval (paired bootstrap percentile) of the paired difference"},
		{"the upper bound of the 99.5% order-statistic interval is <= 50 ms",
			"the upper bound of the 99.5% interval (order statistic) is ≤ 50 ms"},
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
		{"wilson", "Wilson"},
		{"bootstrap-bca", "bootstrap, BCa"},
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
