package verdict

import (
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

// FormatValue prints a metric value in its unit: a share as a percentage
// with one decimal (48.3%), milliseconds with one decimal (812.4 ms), a
// currency with two to four significant digits and its code (0.0042 USD).
func FormatValue(v Number, unit string) string {
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

// FormatDiff prints a signed difference in a metric's unit: shares in
// percentage points (+5.2 pp), milliseconds and currencies as formatValue
// does, with a sign. Zero has no sign.
func FormatDiff(v Number, unit string) string {
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
