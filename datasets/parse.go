package datasets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseCell converts a text cell to a field value: "" is nil (missing),
// "true" and "false" in any case are bools, a plain decimal number is a
// float64, and anything else is kept as the string. Text that only looks like
// a number is kept as a string so that identifiers survive: a leading zero
// ("007"), an explicit plus sign ("+1"), hexadecimal, "NaN" and "Inf".
//
// This is the rule for one cell taken alone. CSVReader does not apply it
// cell by cell: it reads a whole column as one type (InferCSVTypes), so
// that "7" and "007" in one column are both text.
func ParseCell(s string) any {
	if s == "" {
		return nil
	}
	if len(s) <= 5 {
		if strings.EqualFold(s, "true") {
			return true
		}
		if strings.EqualFold(s, "false") {
			return false
		}
	}
	if looksNumeric(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return s
}

// looksNumeric reports whether s has the shape of a decimal number without a
// plus sign, a redundant leading zero, underscores or a hexadecimal prefix,
// so that ParseFloat is only tried where its answer is wanted.
func looksNumeric(s string) bool {
	i := 0
	if s[0] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	switch {
	case s[i] == '0':
		// "0", "0.5", "0e3" are numbers; "007" and "0x1F" are not.
		if i+1 < len(s) && s[i+1] != '.' && s[i+1] != 'e' && s[i+1] != 'E' {
			return false
		}
	case s[i] == '.':
		if i+1 >= len(s) || s[i+1] < '0' || s[i+1] > '9' {
			return false
		}
	case s[i] < '0' || s[i] > '9':
		return false
	}
	for ; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+' {
			return false
		}
	}
	return true
}

// timeLayouts are the text forms ParseTime accepts, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02",
}

// ParseTime converts a field value to a time: a time.Time as is; a string in
// RFC 3339 (with or without fractional seconds), "2006-01-02 15:04:05",
// "2006-01-02T15:04:05" or "2006-01-02" (times without a zone are UTC); or a
// number of seconds since the Unix epoch (fractions allowed).
func ParseTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("parse time %q: want RFC 3339, \"2006-01-02 15:04:05\" or \"2006-01-02\"", x)
	case nil:
		return time.Time{}, fmt.Errorf("parse time: value is missing")
	}
	if f, ok := ToFloat(v); ok {
		if _, isBool := v.(bool); !isBool && !math.IsInf(f, 0) {
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse time: unsupported value %v of type %T", v, v)
}
