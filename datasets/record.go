package datasets

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Record is one historical case: a ticket, a transaction, an application.
//
// Fields maps a column name to its value. Values are one of: nil (missing),
// string, float64, int64, bool or time.Time. A delimited text file gives each
// column one type over the whole file (see InferCSVTypes), and Open converts
// the columns Options.Types declares, so that every format yields the same
// types for the same data.
type Record struct {
	// Seq is the record's position in the replay, from 0, after filtering and
	// sampling. Every pipeline's prediction for this record carries the same Seq,
	// which is what pairs them for comparisons.
	Seq int
	// Line is where the record starts in its source file (the 1-based line for
	// text formats, the 1-based row for Parquet), for error messages.
	Line int
	// Fields holds the record's columns by name.
	Fields map[string]any
}

// Get returns the value of a column and whether the column is present.
func (r Record) Get(column string) (any, bool) {
	v, ok := r.Fields[column]
	return v, ok
}

// String returns a column's value in its canonical text form ("" if missing).
func (r Record) String(column string) string {
	return FormatValue(r.Fields[column])
}

// Float returns a column's value as a number. It reports false when the value
// is missing or is not numeric.
func (r Record) Float(column string) (float64, bool) {
	return ToFloat(r.Fields[column])
}

// ToFloat converts a field value to float64; bools count as 0 and 1 and
// numeric strings are parsed. It reports false for anything else.
func ToFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float32:
		return float64(x), true
	case int32:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// FormatValue renders a field value in the canonical text form used for labels
// and ids: integral numbers without a decimal point ("1", not "1.0"), bools as
// "1" and "0" (so a true/false label meets a 1/0 prediction), times in RFC 3339,
// nil as "".
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return FormatValue(float64(x))
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
