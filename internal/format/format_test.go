package format

import (
	"math"
	"testing"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0 EUR"},
		{0.00042, "0.00042 EUR"},
		{12, "12 EUR"},
		{99.456, "99.46 EUR"},
		{123.5, "124 EUR"},
		{-123.5, "-124 EUR"},
		{1234567.4, "1,234,567 EUR"},
		{math.NaN(), "n/a"},
		{math.Inf(1), "n/a"},
	}
	for _, tc := range tests {
		if got := Money(tc.v, "EUR"); got != tc.want {
			t.Errorf("Money(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestValueAndDiff(t *testing.T) {
	tests := []struct {
		v          float64
		unit       string
		value, dif string
	}{
		{0.4831, "", "48.3%", "+48.3 pp"},
		{-0.05, "", "-5.0%", "-5.0 pp"},
		{812.44, "ms", "812.4 ms", "+812.4 ms"},
		{0.0042, "USD", "0.0042 USD", "+0.0042 USD"},
		{3.14159, "number", "3.142", "+3.142"},
		{0, "", "0.0%", "0.0 pp"},
		{math.NaN(), "", "n/a", "n/a"},
	}
	for _, tc := range tests {
		if got := Value(tc.v, tc.unit); got != tc.value {
			t.Errorf("Value(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.value)
		}
		if got := Diff(tc.v, tc.unit); got != tc.dif {
			t.Errorf("Diff(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.dif)
		}
	}
	if got := Percent(0.025); got != "2.5%" {
		t.Errorf("Percent(0.025) = %q", got)
	}
	if got := P(0.00001); got != "< 0.0001" {
		t.Errorf("P(0.00001) = %q", got)
	}
}

func TestHistory(t *testing.T) {
	tests := []struct {
		records int
		perYear int64
		want    string
	}{
		{10086, 12_000_000, "less than a day of history at 12,000,000 records a year"},
		{100_000, 12_000_000, "about 3 days of history at 12,000,000 records a year"},
		{2_000, 24_000, "about 4 weeks of history at 24,000 records a year"},
		{12_000, 24_000, "about 6 months of history at 24,000 records a year"},
		{50_000, 24_000, "about 2 years of history at 24,000 records a year"},
		{3_300, 240_000, "about 5 days of history at 240,000 records a year"},
		{500, 0, ""},
	}
	for _, tt := range tests {
		if got := History(tt.records, tt.perYear); got != tt.want {
			t.Errorf("History(%d, %d) = %q, want %q", tt.records, tt.perYear, got, tt.want)
		}
	}
}

func TestThreshold(t *testing.T) {
	tests := []struct {
		t    float64
		want string
	}{{0.2248, "0.2248"}, {0.62, "0.62"}, {math.NaN(), "not one threshold"}}
	for _, tt := range tests {
		if got := Threshold(tt.t); got != tt.want {
			t.Errorf("Threshold(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}
