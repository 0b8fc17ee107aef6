package datasets

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/poc-harness/poc/datasets/fieldexpr"
)

// Type says what the values of a column mean, whatever the file's format
// makes of them: declared in Options.Types, or inferred for a column of a
// delimited text file (see InferCSVTypes).
type Type string

// The column types.
const (
	// TypeString is text, kept as written: "007" stays "007" and "false"
	// stays "false". A value of another kind is rendered with FormatValue.
	TypeString Type = "string"
	// TypeCategory is text too, with the same representation as
	// TypeString, and a promise: the column holds a small set of values, each
	// a level of its own, never a quantity and never free text. A column of
	// numeric codes (a status -2..8, a region code) declared category reads
	// "2", not 2.0, so that a learner one-hot encodes it instead of fitting a
	// slope to it, and a rule compares it as text (status == "2").
	TypeCategory Type = "category"
	// TypeNumber is a float64. In text, a decimal number, or NaN, Inf,
	// -Inf or Infinity in any case (read as float NaN and ±Inf, so that a
	// data check can count them); NA, N/A, n/a, NULL and null are missing.
	TypeNumber Type = "number"
	// TypeBool is true or false: in text, true and false in any case; a
	// declared bool also accepts 1 and 0.
	TypeBool Type = "bool"
	// TypeTime is a time.Time, parsed with ParseTime.
	TypeTime Type = "time"
)

// allTypes lists the column types in the order messages name them.
var allTypes = []Type{TypeString, TypeCategory, TypeNumber, TypeBool, TypeTime}

// TypeNames returns the names of the column types.
func TypeNames() []string {
	names := make([]string, len(allTypes))
	for i, t := range allTypes {
		names[i] = string(t)
	}
	return names
}

// ParseType returns the type named s, or an error that lists the types and
// suggests the one meant (see SuggestType).
func ParseType(s string) (Type, error) {
	for _, t := range allTypes {
		if string(t) == s {
			return t, nil
		}
	}
	msg := fmt.Sprintf("unknown column type %q", s)
	if best, ok := SuggestType(s); ok {
		msg += fmt.Sprintf("; did you mean %q?", string(best))
	} else {
		msg += " (types: " + strings.Join(TypeNames(), ", ") + ")"
	}
	return "", errors.New(msg)
}

// typeSynonyms are the names other tools give the types.
var typeSynonyms = map[string]Type{
	"str": TypeString, "text": TypeString, "varchar": TypeString, "utf8": TypeString,
	"categorical": TypeCategory, "factor": TypeCategory, "enum": TypeCategory, "cat": TypeCategory,
	"float": TypeNumber, "double": TypeNumber, "int": TypeNumber, "integer": TypeNumber, "numeric": TypeNumber,
	"decimal": TypeNumber, "float64": TypeNumber, "int64": TypeNumber,
	"boolean": TypeBool, "logical": TypeBool,
	"date": TypeTime, "datetime": TypeTime, "timestamp": TypeTime,
}

// SuggestType returns the type a name that is not one most likely means:
// a near spelling ("catgory" is category) or another tool's name for it
// ("categorical", "integer", "boolean", "timestamp"). It reports false when
// nothing is close.
func SuggestType(name string) (Type, bool) {
	if t, ok := typeSynonyms[strings.ToLower(name)]; ok {
		return t, true
	}
	if best := fieldexpr.Closest(name, TypeNames()); best != "" {
		return Type(best), true
	}
	return "", false
}

// textual reports whether values of t are kept as text.
func (t Type) textual() bool { return t == TypeString || t == TypeCategory }

// missingMarkers are the cells that mean "no value" in a number, bool or
// time column (R writes NA, SQL exports NULL). In a text column they are
// kept as written.
var missingMarkers = []string{"NA", "N/A", "n/a", "NULL", "null"}

// isMissingMarker reports whether s is one of missingMarkers.
func isMissingMarker(s string) bool {
	if len(s) < 2 || len(s) > 4 {
		return false
	}
	for _, m := range missingMarkers {
		if s == m {
			return true
		}
	}
	return false
}

// nonFinite returns the value of a NaN or infinity literal: an optional
// sign and nan, inf or infinity in any case.
func nonFinite(s string) (float64, bool) {
	t := s
	if t != "" && (t[0] == '-' || t[0] == '+') {
		t = t[1:]
	}
	switch {
	case strings.EqualFold(t, "nan"):
		return math.NaN(), true
	case strings.EqualFold(t, "inf"), strings.EqualFold(t, "infinity"):
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	return 0, false
}

// FromText converts a cell of a text file to a value of type t. An empty
// cell is nil (missing), whatever the type; so is a missing marker (NA, N/A,
// n/a, NULL, null) in a number, bool or time column. A cell that is not a
// value of t is an error that shows it and says what t accepts.
func (t Type) FromText(s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	var v any
	var err error
	switch t {
	case TypeString, TypeCategory:
		return s, nil
	case TypeNumber:
		v, err = parseNumber(s)
	case TypeBool:
		v, err = parseBool(s)
	case TypeTime:
		if v, err = ParseTime(s); err != nil {
			err = fmt.Errorf("%q is not a time: want RFC 3339, \"2006-01-02 15:04:05\" or \"2006-01-02\"", s)
		}
	default:
		return nil, fmt.Errorf("unknown column type %q", string(t))
	}
	if err != nil && isMissingMarker(s) {
		return nil, nil
	}
	return v, err
}

// parseNumber reads a declared or inferred number: what strconv.ParseFloat
// accepts (NaN and infinities in any case included; surrounding spaces
// ignored). A number beyond float64's range is ±Inf.
func parseNumber(s string) (any, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		if trimmed := strings.TrimSpace(s); trimmed != s {
			return parseNumber(trimmed)
		}
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

// parseBool reads a declared or inferred bool: true, false (any case), 1, 0.
func parseBool(s string) (any, error) {
	switch {
	case strings.EqualFold(s, "true"), s == "1":
		return true, nil
	case strings.EqualFold(s, "false"), s == "0":
		return false, nil
	}
	return nil, fmt.Errorf("%q is not a bool: want true, false, 1 or 0", s)
}

// Convert converts a field value read by a format that types its values
// itself (JSON Lines, Parquet, a derived column) to type t. nil stays nil.
// Text is read as FromText reads a cell. A number becomes a string or a
// category in its canonical form (FormatValue: 2, not 2.0), a bool when it
// is 0 or 1, and a time as seconds since the Unix epoch; a bool becomes
// text as "1" or "0", never a number; a nested JSON value becomes text as
// JSON. Anything else is an error.
func (t Type) Convert(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok {
		return t.FromText(s)
	}
	switch t {
	case TypeString, TypeCategory:
		return convertText(v)
	case TypeNumber:
		return convertNumber(v)
	case TypeBool:
		return convertBool(v)
	case TypeTime:
		tm, err := ParseTime(v)
		if err != nil {
			return nil, fmt.Errorf("%s is not a time", describeValue(v))
		}
		return tm, nil
	}
	return nil, fmt.Errorf("unknown column type %q", string(t))
}

// convertText renders a non-string value as text.
func convertText(v any) (any, error) {
	switch v.(type) {
	case map[string]any, []any:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("render %s as text: %w", describeValue(v), err)
		}
		return string(b), nil
	}
	return FormatValue(v), nil
}

// convertNumber converts a number of any Go type to a float64; a bool or a
// time is not a number.
func convertNumber(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		return x, nil // NaN included
	case float32:
		return float64(x), nil
	case bool, time.Time:
	default:
		if f, ok := ToFloat(v); ok {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%s is not a number", describeValue(v))
}

// convertBool converts a bool, or a number 0 or 1, to a bool.
func convertBool(v any) (any, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	if _, isTime := v.(time.Time); !isTime {
		if f, ok := ToFloat(v); ok && (f == 0 || f == 1) {
			return f == 1, nil
		}
	}
	return nil, fmt.Errorf("%s is not a bool: want true, false, 1 or 0", describeValue(v))
}

// describeValue shows a value and its kind for messages.
func describeValue(v any) string {
	switch x := v.(type) {
	case bool:
		return fmt.Sprintf("the bool %v", x)
	case time.Time:
		return "the time " + x.Format(time.RFC3339Nano)
	case map[string]any:
		return "a JSON object"
	case []any:
		return "a JSON array"
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprintf("the number %s", FormatValue(v))
}

// typeError is the error of a cell that is not a value of its column's
// declared type, with the fix.
func typeError(t Type, err error) error {
	return fmt.Errorf("%w (column declared %s); correct the value, or declare the column string", err, string(t))
}
