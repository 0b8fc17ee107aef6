package fieldexpr

import (
	"reflect"
	"testing"
)

// The comparisons of a column with a text are found on either side of ==
// and !=, in a list after in and not in, and through $env; comparisons of
// numbers, of two columns or of a function's result are not.
func TestComparisons(t *testing.T) {
	tests := []struct {
		src  string
		want []Comparison
	}{
		{`country == "DE"`, []Comparison{{"country", "DE"}}},
		{`"DE" != country && amount > 5`, []Comparison{{"country", "DE"}}},
		{`channel in ["web", "app"] || channel not in ["moto"]`, []Comparison{{"channel", "web"}, {"channel", "app"}, {"channel", "moto"}}},
		{`$env["marital-status"] == "Married"`, []Comparison{{"marital-status", "Married"}}},
		{`amount == 5 || country == channel || lower(country) == "de"`, nil},
	}
	for _, tc := range tests {
		if got := TextComparisons(tc.src); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("TextComparisons(%s) = %v, want %v", tc.src, got, tc.want)
		}
		p, err := Compile(tc.src, []string{"country", "channel", "amount", "marital-status"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Comparisons(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Comparisons(%s) = %v, want %v", tc.src, got, tc.want)
		}
	}
	if got := TextComparisons(`country == `); got != nil {
		t.Errorf("an expression that does not parse: %v, want nil", got)
	}
}
