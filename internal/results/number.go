package results

import (
	"encoding/json"
	"fmt"
	"math"
)

// Number is a float64 that encodes NaN and infinities as JSON null and reads
// null back as NaN, so that an undefined metric or a missing interval bound
// never breaks encoding/json.
type Number float64

// NaN returns the Number that stands for "undefined".
func NaN() Number { return Number(math.NaN()) }

// IsNaN reports whether n is undefined (NaN).
func (n Number) IsNaN() bool { return math.IsNaN(float64(n)) }

// MarshalJSON implements json.Marshaler: NaN and ±Inf become null.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler: null becomes NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NaN()
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("decode number %s: %w", b, err)
	}
	*n = Number(f)
	return nil
}
