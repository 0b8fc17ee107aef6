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
