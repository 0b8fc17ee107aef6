package metrics_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
	"github.com/poc-harness/poc/pipeline"
)

func TestExpressionMetrics(t *testing.T) {
	obs := binaryObs() // amounts binW, truth binTruth, decisions binPred
	for i := range obs {
		obs[i].Pred.Latency = time.Duration(10+i) * time.Millisecond
		obs[i].Pred.Output.Cost = 0.01
	}
	obs[3].Pred.Err = "timeout" // a failure: label "" (it caught nothing)
	tests := []struct {
		name, keys string
		want       float64
		wantN      int
		prop       bool
	}{
		// Money caught: Σ amount over true positives. By hand from the
		// fixture: records 0, 1, 2, 5 → 120 + 15.5 + 900 + 75.
		{"money_caught", `{value: amount, where: 'label == "1" && truth == "1"', aggregate: sum}`, 1110.5, 4, false},
		// Share of amounts caught = weighted recall (0.30378881138011216,
		// recall_score(y, p, sample_weight=w)): Σ caught / Σ fraud amount.
		{"money_recall", `{value: 'label == "1" ? amount : 0', denominator: amount, where: 'truth == "1"', aggregate: ratio}`, 0.30378881138011216, 7, false},
		// Rate: flagged share of legitimate records = false_positive_rate 2/13.
		{"fpr", `{value: 'label == "1"', where: 'truth == "0"', aggregate: rate, direction: lower}`, 2.0 / 13, 13, true},
		// Mean latency over all records (10..29 ms): 19.5.
		{"mean_latency", `{value: latency_ms, unit: ms}`, 19.5, 20, false},
		// failed and cost are visible; the failed record's label is "".
		{"failures", `{value: failed, aggregate: sum}`, 1, 20, false},
		// A mean of 0/1 values is a share (a Wilson interval, not a bootstrap).
		{"failure share", `{value: failed}`, 1.0 / 20, 20, true},
		{"spend", `{value: cost, aggregate: sum}`, 0.19, 20, false}, // a failed output is zero: no cost
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := buildWith(t, "expr", tc.keys)
			acc := m.New()
			for _, o := range obs {
				acc.Add(o)
			}
			r := acc.Result()
			if math.Abs(r.Value-tc.want) > 1e-12 || r.N != tc.wantN {
				t.Errorf("%s = %v (n=%d), want %v (n=%d)", tc.name, r.Value, r.N, tc.want, tc.wantN)
			}
			if _, ok := acc.(metrics.Resampler); !ok {
				t.Error("not a Resampler: no interval")
			}
			isProp := false
			if p, ok := acc.(metrics.Proportion); ok {
				_, _, isProp = p.Counts()
			}
			if isProp != tc.prop {
				t.Errorf("a share of outcomes (Proportion with counts) = %v, want %v", isProp, tc.prop)
			}
			metricstest.Conformance(t, m, obs)
		})
	}
}

func TestExpressionMissingAndBadValues(t *testing.T) {
	obs := []metrics.Observation{
		{Record: datasets.Record{Fields: map[string]any{"amount": 10.0}}},
		{Record: datasets.Record{Fields: map[string]any{"amount": nil}}},
		{Record: datasets.Record{Fields: map[string]any{"amount": "n/a"}}},
	}
	m := buildWith(t, "expr", `{value: amount}`)
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	r := acc.Result()
	d, _ := r.Detail.(metrics.Exclusions)
	if r.Value != 10 || r.N != 1 || d.Excluded["value: missing"] != 1 || d.Excluded["value: not a number (string)"] != 1 {
		t.Errorf("result = %+v, want 10 over 1 record and two exclusions", r)
	}
}

func TestExpressionSpecErrors(t *testing.T) {
	tests := []struct{ keys, field, msg string }{
		{`{}`, "value", "missing"},
		{`{value: ammount}`, "value", `did you mean "amount"?`},
		{`{value: amount, where: 'lable == "1"'}`, "where", `did you mean "label"?`},
		{`{value: amount, aggregate: median}`, "aggregate", "unknown aggregate"},
		{`{value: amount, aggregate: ratio}`, "denominator", "missing"},
		{`{value: amount, denominator: amount}`, "denominator", "only for"},
		{`{value: amount, direction: up}`, "direction", "higher or lower"},
	}
	for _, tc := range tests {
		t.Run(tc.keys, func(t *testing.T) {
			f, _ := metrics.Lookup("expr")
			s := f()
			if err := yamlDecode(tc.keys, s); err != nil {
				t.Fatal(err)
			}
			_, err := s.Build(metrics.Env{Name: "m", Columns: libraryColumns})
			errs := pipeline.AsFieldErrors(err)
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, tc.msg) {
				t.Fatalf("errors = %v, want field %q with %q", errs, tc.field, tc.msg)
			}
		})
	}
}
