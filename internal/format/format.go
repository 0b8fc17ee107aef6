// Package format prints the numbers of a run the way every document shows
// them: shares as percentages, milliseconds, currencies, thousands
// separators, p-values. It imports nothing of poc.
package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// isCurrency reports whether unit is a currency code such as USD or EUR.
func isCurrency(unit string) bool {
	if len(unit) != 3 {
		return false
	}
	for _, r := range unit {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Fixed prints f with dec decimals and never as negative zero.
func Fixed(f float64, dec int) string {
	s := strconv.FormatFloat(f, 'f', dec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// Sig prints f with four significant digits at most and two at least, in
// plain notation: 0.002346, 0.50, 12.35, 3.0; from 1000 on it prints the
// rounded integer with thousands separators.
func Sig(f float64) string {
	a := math.Abs(f)
	switch {
	case a >= 1000:
		return Group(int64(math.Round(f)))
	case a == 0:
		return "0"
	}
	mag := int(math.Floor(math.Log10(a)))
	dec := min(max(3-mag, 0), 12)
	minDec := min(max(1-mag, 0), 12)
	s := Fixed(f, dec)
	for d := dec; d > minDec && strings.HasSuffix(s, "0"); d-- {
		s = s[:len(s)-1]
	}
	return strings.TrimSuffix(s, ".")
}

// Group prints n with thousands separators: 12,000,000.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Value prints a metric value in its unit: a share as a percentage
// with one decimal (48.3%), milliseconds with one decimal (812.4 ms), a
// currency with two to four significant digits and its code (0.0042 USD).
func Value[T ~float64](v T, unit string) string {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "n/a"
	}
	switch {
	case unit == "":
		return Fixed(f*100, 1) + "%"
	case unit == "number":
		return Sig(f)
	case unit == "ms":
		return Fixed(f, 1) + " ms"
	case isCurrency(unit):
		return Sig(f) + " " + unit
	}
	return Sig(f) + " " + unit
}

// Diff prints a signed difference in a metric's unit: shares in
// percentage points (+5.2 pp), milliseconds and currencies as Value
// does, with a sign. Zero has no sign.
func Diff[T ~float64](v T, unit string) string {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "n/a"
	}
	var s, suffix string
	switch {
	case unit == "":
		s, suffix = Fixed(f*100, 1), " pp"
	case unit == "ms":
		s, suffix = Fixed(f, 1), " ms"
	case unit == "number":
		s = Sig(f)
	default:
		s, suffix = Sig(f), " "+unit
	}
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s + suffix
}

// Percent prints a probability as a percentage without float noise: 95%, 2.5%.
func Percent(p float64) string {
	return strconv.FormatFloat(math.Round(p*1e6)/1e4, 'f', -1, 64) + "%"
}

// Share prints a share for a sentence: one decimal (30.1%), two below 1%
// (0.13%), "0%" for none.
func Share(p float64) string {
	switch {
	case p == 0:
		return "0%"
	case p < 0.01:
		return strconv.FormatFloat(100*p, 'f', 2, 64) + "%"
	}
	return strconv.FormatFloat(100*p, 'f', 1, 64) + "%"
}

// P prints a p-value with three significant digits, and "< 0.0001" below.
func P(p float64) string {
	if p < 0.0001 {
		return "< 0.0001"
	}
	return fmt.Sprintf("%.3g", p)
}

// Money prints an amount in a currency: two to four significant digits
// below 100 (0.0042 EUR, 12 EUR), whole units with thousands separators
// from 100 on (1,234,567 EUR); "n/a" when it is not a number.
func Money(v float64, currency string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	if v != 0 && v < 100 && v > -100 {
		return Value(v, currency)
	}
	return Group(int64(math.Round(v))) + " " + currency
}

// History says how much production history records are at a yearly
// volume: "about 3 days of history at 12,000,000 records a year" (weeks,
// months or years when longer); "" when the volume is unknown.
func History(records int, perYear int64) string {
	if records <= 0 || perYear <= 0 {
		return ""
	}
	days := float64(records) / float64(perYear) * 365
	var span string
	switch {
	case days < 1:
		span = "less than a day"
	case days < 14:
		span = plural(math.Round(days), "day")
	case days < 61:
		span = plural(math.Round(days/7), "week")
	case days < 730:
		span = plural(math.Round(days/30.4), "month")
	default:
		span = plural(math.Round(days/365), "year")
	}
	if span != "less than a day" {
		span = "about " + span
	}
	return fmt.Sprintf("%s of history at %s records a year", span, Group(perYear))
}

func plural(n float64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%s %ss", Group(int64(n)), unit)
}

// Threshold prints a decision threshold on a score, or "not one threshold"
// for decisions that follow none (NaN).
func Threshold(t float64) string {
	if math.IsNaN(t) {
		return "not one threshold"
	}
	return Sig(t)
}
