package datasets

import (
	"fmt"
	"reflect"
	"testing"
)

// Values gives, sorted, the distinct values of the columns asked for whose
// every value is text and which hold at most maxColumnValues of them; a
// missing value does not count; a column with a number, or with more
// values, has none, nor has one not asked for.
func TestCheckerValues(t *testing.T) {
	c := NewChecker(CheckOptions{Values: []string{"channel", "mixed", "id", "sparse"}})
	for i := range maxColumnValues + 1 {
		c.Add(Record{Line: i + 2, Fields: map[string]any{
			"channel": []string{"web", "app", "moto"}[i%3],
			"mixed":   map[bool]any{true: "a", false: float64(i)}[i%2 == 0],
			"id":      fmt.Sprint("T-", i),
			"sparse":  map[bool]any{true: "x", false: nil}[i == 7],
			"other":   "not asked for",
		}})
	}
	want := map[string][]string{"channel": {"app", "moto", "web"}, "sparse": {"x"}}
	if got := c.Values(); !reflect.DeepEqual(got, want) {
		t.Errorf("Values() = %v, want %v", got, want)
	}
}
