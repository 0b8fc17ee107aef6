package baselines

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

var env = pipeline.Env{
	Name:     "p",
	Columns:  []string{"amount", "account_age_days", "country", "decision", "score", "lat_ms", "is_fraud"},
	Label:    "is_fraud",
	Positive: "1",
}

func rec(fields map[string]any) datasets.Record { return datasets.Record{Fields: fields} }

func build(t *testing.T, s pipeline.Spec) pipeline.Pipeline {
	t.Helper()
	p, err := s.Build(env)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

func TestRulesFirstMatchWins(t *testing.T) {
	p := build(t, &RulesSpec{
		Rules: []Rule{
			{When: `amount > 1500 && account_age_days < 30`, Output: 1},
			{When: `country in ["NG", "BR"]`, Output: "review"},
		},
		Default: 0,
	})
	tests := []struct {
		name   string
		fields map[string]any
		want   string
	}{
		{"first rule", map[string]any{"amount": 2000.0, "account_age_days": 3.0, "country": "NG"}, "1"},
		{"second rule", map[string]any{"amount": 20.0, "account_age_days": 3.0, "country": "NG"}, "review"},
		{"default", map[string]any{"amount": 20.0, "account_age_days": 300.0, "country": "DE"}, "0"},
		{"short-circuit skips a missing value", map[string]any{"amount": 20.0, "account_age_days": nil, "country": "DE"}, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := p.Predict(context.Background(), rec(tc.fields))
			if err != nil {
				t.Fatal(err)
			}
			if out.Label != tc.want {
				t.Errorf("label = %q, want %q", out.Label, tc.want)
			}
		})
	}
}

func TestRulesRecordErrorOnBadValue(t *testing.T) {
	p := build(t, &RulesSpec{Rules: []Rule{{When: `amount > 1500`, Output: 1}}, Default: 0})
	_, err := p.Predict(context.Background(), rec(map[string]any{"amount": nil}))
	if err == nil || !strings.Contains(err.Error(), "rule 1") {
		t.Fatalf("err = %v, want an error naming rule 1", err)
	}
}

func TestSpecErrorsNameTheField(t *testing.T) {
	thr := 0.5
	tests := []struct {
		name  string
		spec  pipeline.Spec
		field string
		msg   string
	}{
		{"unknown column in rule", &RulesSpec{Rules: []Rule{{When: "ammount > 1", Output: 1}}, Default: 0}, "rules[0].when", "ammount"},
		{"no default", &RulesSpec{Rules: []Rule{{When: "amount > 1", Output: 1}}}, "default", "missing"},
		{"no rules", &RulesSpec{Default: 0}, "rules", "at least one rule"},
		{"no output", &RulesSpec{Rules: []Rule{{When: "amount > 1"}}, Default: 0}, "rules[0].output", "missing"},
		{"column and score", &ColumnSpec{Column: "decision", Score: "score", Threshold: &thr}, "score", "not both"},
		{"score without threshold", &ColumnSpec{Score: "score"}, "threshold", "needs a threshold"},
		{"unknown column", &ColumnSpec{Column: "decsion"}, "column", `"decsion" is not in the dataset`},
		{"label as prediction", &ColumnSpec{Column: "is_fraud"}, "column", "cannot be its own prediction"},
		{"unknown latency column", &ColumnSpec{Column: "decision", Latency: "lat"}, "latency", `"lat"`},
		{"constant without output", &ConstantSpec{}, "output", "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.spec.Build(env)
			errs := pipeline.AsFieldErrors(err)
			for _, e := range errs {
				if e.Field == tc.field && strings.Contains(e.Msg, tc.msg) {
					return
				}
			}
			t.Fatalf("errors %v do not include field %q with %q", errs, tc.field, tc.msg)
		})
	}
}

func TestColumn(t *testing.T) {
	thr := 0.62
	tests := []struct {
		name    string
		spec    ColumnSpec
		fields  map[string]any
		want    pipeline.Output
		wantErr string
	}{
		{"decision", ColumnSpec{Column: "decision"}, map[string]any{"decision": 1.0}, pipeline.Output{Label: "1"}, ""},
		{"bool decision is canonical", ColumnSpec{Column: "decision"}, map[string]any{"decision": true}, pipeline.Output{Label: "1"}, ""},
		{"score above", ColumnSpec{Score: "score", Threshold: &thr}, map[string]any{"score": 0.62}, pipeline.Output{Label: "1", Score: 0.62, HasScore: true}, ""},
		{"score below", ColumnSpec{Score: "score", Threshold: &thr}, map[string]any{"score": 0.61}, pipeline.Output{Label: "0", Score: 0.61, HasScore: true}, ""},
		{"recorded latency", ColumnSpec{Column: "decision", Latency: "lat_ms"}, map[string]any{"decision": 0.0, "lat_ms": 12.5}, pipeline.Output{Label: "0", Latency: 12500 * time.Microsecond}, ""},
		{"empty decision", ColumnSpec{Column: "decision"}, map[string]any{"decision": nil}, pipeline.Output{}, "is empty"},
		{"bad score", ColumnSpec{Score: "score", Threshold: &thr}, map[string]any{"score": "high"}, pipeline.Output{}, "not a score"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := build(t, &tc.spec)
			out, err := p.Predict(context.Background(), rec(tc.fields))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(out, tc.want) {
				t.Errorf("out = %+v, want %+v", out, tc.want)
			}
		})
	}
}

func TestFloors(t *testing.T) {
	c := build(t, &ConstantSpec{Output: false})
	if out, _ := c.Predict(context.Background(), rec(nil)); out.Label != "0" {
		t.Errorf("constant false = %q, want canonical \"0\"", out.Label)
	}
	m := build(t, &MajoritySpec{}).(*Majority)
	if _, err := m.Predict(context.Background(), rec(nil)); err == nil {
		t.Error("unfitted majority predicted without error")
	}
	for _, tc := range []struct {
		counts map[string]int
		want   string
	}{
		{map[string]int{"0": 97, "1": 3}, "0"},
		{map[string]int{"a": 5, "b": 5}, "a"}, // tie: the label that sorts first
		{map[string]int{"": 50, "b": 1}, "b"}, // missing labels are not a class
	} {
		if err := m.FitLabels(tc.counts); err != nil {
			t.Fatal(err)
		}
		if out, _ := m.Predict(context.Background(), rec(nil)); out.Label != tc.want {
			t.Errorf("majority of %v = %q, want %q", tc.counts, out.Label, tc.want)
		}
	}
}

func BenchmarkRules(b *testing.B) {
	p, err := (&RulesSpec{
		Rules: []Rule{
			{When: `amount > 1500 && account_age_days < 30`, Output: 1},
			{When: `country in ["NG", "BR"]`, Output: 1},
		},
		Default: 0,
	}).Build(env)
	if err != nil {
		b.Fatal(err)
	}
	r := rec(map[string]any{"amount": 200.0, "account_age_days": 300.0, "country": "DE"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Predict(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

// Each record is counted for the first rule whose condition holds, and for
// no other.
func TestRulesCountWhatEachRuleDecided(t *testing.T) {
	p := build(t, &RulesSpec{
		Rules:   []Rule{{Name: "big", When: `amount > 100`, Output: 1}, {When: `amount > 50`, Output: 1}, {When: `amount > 1000`, Output: 1}},
		Default: 0,
	}).(*Rules)
	for _, a := range []float64{10, 60, 70, 200, 5000} {
		if _, err := p.Predict(context.Background(), rec(map[string]any{"amount": a})); err != nil {
			t.Fatal(err)
		}
	}
	want := []RuleCount{{0, "big", "amount > 100", 2}, {1, "", "amount > 50", 2}, {2, "", "amount > 1000", 0}}
	if got := p.Fired(); !reflect.DeepEqual(got, want) {
		t.Errorf("Fired = %+v, want %+v", got, want)
	}
}
