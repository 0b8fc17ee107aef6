package fieldexpr

import (
	"strings"
	"testing"
)

var columns = []string{"amount", "country", "label", "tags"}

func TestCompile(t *testing.T) {
	tests := []struct {
		src     string
		fields  map[string]any
		want    bool
		wantErr string
	}{
		{src: `amount > 1500 && country == "NG"`, fields: map[string]any{"amount": 2000.0, "country": "NG"}, want: true},
		{src: `country in ["NG", "BR"]`, fields: map[string]any{"country": "DE"}, want: false},
		{src: `amount != nil && amount > 10`, fields: map[string]any{"amount": nil}, want: false},
		{src: `len(country) == 2`, fields: map[string]any{"country": "DE"}, want: true},
		{src: `let big = amount > 100; big`, fields: map[string]any{"amount": 101.0}, want: true},
		{src: `all(tags, {# != "x"})`, fields: map[string]any{"tags": []any{"a", "b"}}, want: true},
		{src: `ammount > 1`, wantErr: `"ammount" is not a column of the dataset (did you mean "amount"?)`},
		{src: `lable == 1`, wantErr: `did you mean "label"?`},
		{src: `zzz == 1`, wantErr: `"zzz" is not a column`},
		{src: `amount >`, wantErr: `unexpected token`},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			p, err := Compile(tc.src, columns, true)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Bool(tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvalErrorNamesExpression(t *testing.T) {
	p, err := Compile(`amount > 1500`, columns, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Bool(map[string]any{"amount": "lots"}); err == nil || !strings.Contains(err.Error(), "amount > 1500") {
		t.Fatalf("err = %v, want one naming the expression", err)
	}
}

func TestClosest(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"lable", "label"}, {"Country", "country"}, {"amnt", "amount"}, {"xyz", ""},
	} {
		if got := Closest(tc.name, columns); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	mets := []string{"recall", "precision", "roc_auc", "error_rate", "false_positive_rate"}
	for _, tc := range []struct{ name, want string }{
		{"auc", "roc_auc"}, {"AUC", "roc_auc"}, {"rate", ""}, {"roc", "roc_auc"}, {"recal", "recall"}, {"au", ""},
	} {
		if got := Closest(tc.name, mets); got != tc.want {
			t.Errorf("Closest(%q) among metrics = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestColumnsWithHyphensAndConstantConditions(t *testing.T) {
	cols := []string{"age", "marital-status", "hours-per-week"}
	p, err := Compile(`age >= 30 && $env["marital-status"] == "Married"`, cols, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fields map[string]any
		want   bool
	}{
		{map[string]any{"age": 40, "marital-status": "Married"}, true},
		{map[string]any{"age": 40, "marital-status": "Single"}, false},
	} {
		if got, err := p.Bool(tc.fields); err != nil || got != tc.want {
			t.Errorf("Bool(%v) = %v, %v; want %v", tc.fields, got, err, tc.want)
		}
	}
	tests := []struct {
		src    string
		asBool bool
		want   string
	}{
		{`marital-status == "Married"`, true, `"marital" is not a column of the dataset (the column "marital-status" has a name an expression reads as $env["marital-status"])`},
		{"`marital-status` == \"Married\"", true, "compares two constants"},
		{`"yes"`, true, "the condition uses no column"},
		{`$env["marital_status"] == "x"`, true, `"marital_status" is not a column of the dataset`},
		{`1 > 0`, true, "compares two constants"},
		{"age >= 30 && `marital-status` == \"Married\"", true, `compares two constants`},
		// A derived value: a backtick name is a string there too.
		{"`marital-status`", false, "the expression uses no column, so it is the same for every record"},
		{"`marital-status` contains \"Marr\" ? \"1\" : \"0\"", false, "compares two constants"},
		{"`marital-status` startsWith \"M\"", true, "compares two constants"},
	}
	for _, tc := range tests {
		if _, err := Compile(tc.src, cols, tc.asBool); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compile(%s) = %v, want an error containing %q", tc.src, err, tc.want)
		}
	}
	if _, err := Compile(`$env["marital-status"] contains "Marr" ? "1" : "0"`, cols, false); err != nil {
		t.Errorf("a derived value of a column with a hyphen: %v", err)
	}
}
