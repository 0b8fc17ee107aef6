package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// quantityKind selects which spellings parseQuantity accepts.
type quantityKind int

const (
	// numberOrPercent accepts 0.3 and "30%".
	numberOrPercent quantityKind = iota
	// anyQuantity also accepts durations, converted to milliseconds.
	anyQuantity
)

// parseQuantity reads a threshold: a number, a percentage ("30%" is 0.30) or,
// for anyQuantity, a duration ("50ms", "1.5s", "200us") in milliseconds.
func parseQuantity(n *yaml.Node, kind quantityKind) (float64, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return 0, fmt.Errorf("expected %s, got %s", quantityWant(kind), describe(n))
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsNaN(f) {
			return f, nil
		}
	}
	s := strings.TrimSpace(n.Value)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f / 100, nil
		}
	} else if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, nil
	} else if kind == anyQuantity {
		if d, err := time.ParseDuration(s); err == nil {
			return float64(d) / float64(time.Millisecond), nil
		}
	}
	return 0, fmt.Errorf("expected %s, got %s", quantityWant(kind), describe(n))
}

// quantityWant says what parseQuantity accepts, for messages.
func quantityWant(kind quantityKind) string {
	if kind == anyQuantity {
		return "a number, a percentage such as 30% or a duration such as 50ms"
	}
	return "a number or a percentage such as 30%"
}

// canonical renders a scalar the way datasets render label values: bools
// as "1" and "0", integral numbers without a decimal point.
func canonical(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			if b {
				return "1"
			}
			return "0"
		}
	case "!!int", "!!float":
		var f float64
		if n.Decode(&f) == nil {
			if f == math.Trunc(f) && math.Abs(f) < 1e15 {
				return strconv.FormatInt(int64(f), 10)
			}
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	return n.Value
}

// slug turns s into a valid experiment name, or "" when nothing is left.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
