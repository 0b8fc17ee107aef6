package runner

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
)

// TestExampleImpact runs the shipped example and checks impact.json: that
// it is there with plausible signs, and that the error cost of rules-v12 is
// what a hand computation from predictions.jsonl and the dataset gives.
func TestExampleImpact(t *testing.T) {
	exp, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), exp, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	run, err := results.Load(out.Dir)
	if err != nil {
		t.Fatal(err)
	}
	im := run.Impact
	if im == nil {
		t.Fatal("results.Load found no impact.json")
	}
	if im.SchemaVersion != 1 || im.Currency != "EUR" || im.VolumePerYear != 12_000_000 || im.Records != 19840 {
		t.Errorf("impact header = %+v", im)
	}
	rows := map[string]results.PipelineImpact{}
	for _, p := range im.Pipelines {
		rows[p.Name] = p
		if p.ErrorCost == nil || p.ErrorCost.Assumption == "" || p.RunningCost.Assumption == "" {
			t.Errorf("%s: figures without an assumption: %+v", p.Name, p)
		}
	}
	model, rules, never := rows["fraud-model-v3"], rows["rules-v12"], rows["never-block"]
	if !(model.ErrorCost.Value < rules.ErrorCost.Value && rules.ErrorCost.Value < never.ErrorCost.Value) {
		t.Errorf("error costs: model %v, rules %v, never-block %v; want model < rules < never-block",
			model.ErrorCost.Value, rules.ErrorCost.Value, never.ErrorCost.Value)
	}
	if never.FalsePositives != 0 || never.FalseNegatives != 480 {
		t.Errorf("never-block errors: %d FN, %d FP; want 480 FN, 0 FP", never.FalseNegatives, never.FalsePositives)
	}
	if v := model.RunningCost.Value; math.Abs(float64(v)-0.0004*12e6) > 1e-6 {
		t.Errorf("model running cost = %v, want 4,800 EUR (0.0004 × 12,000,000)", v)
	}
	if rows["analysts"].PeopleCost == nil || model.PeopleCost != nil {
		t.Errorf("people cost belongs to analysts only: %+v / %+v", rows["analysts"].PeopleCost, model.PeopleCost)
	}
	for _, s := range im.Savings {
		iv := s.Yearly.Interval
		if s.Candidate != "fraud-model-v3" || iv.Lo.IsNaN() || !(iv.Lo <= s.Yearly.Value && s.Yearly.Value <= iv.Hi) {
			t.Errorf("saving %+v: value outside its interval", s)
		}
		if s.Baseline == "rules-v12" && s.Yearly.Interval.Lo <= 0 {
			t.Errorf("saving against rules-v12 = %v %v, want clearly positive", s.Yearly.Value, s.Yearly.Interval)
		}
		if got := s.Running + s.Errors + s.People; math.Abs(float64(got-s.Yearly.Value)) > 1e-3 {
			t.Errorf("saving against %s: parts add up to %v, not %v", s.Baseline, got, s.Yearly.Value)
		}
	}
	if len(im.Savings) != 3 {
		t.Errorf("%d savings, want one per baseline (3)", len(im.Savings))
	}
	w := im.Workload
	if w == nil || w.Baseline != "analysts" || !(w.FTE.Value > 0) || w.FTE.Interval.Lo > w.FTE.Value || w.HoursPerFTE != 1680 {
		t.Fatalf("workload = %+v", w)
	}

	// By hand: the amount and the analysts' minutes of every replayed
	// payment, and rules-v12's decisions from the journal.
	amount, minutes := map[string]float64{}, map[string]float64{}
	s, err := datasets.Open(exp.Dataset.Path, datasets.Options{Filter: `channel != "test"`})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id := rec.String("txn_id")
		amount[id], _ = rec.Float("amount")
		minutes[id], _ = rec.Float("analyst_minutes")
	}
	f, err := os.Open(filepath.Join(out.Dir, results.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lost, fp float64
	err = results.ReadJournal(f, func(e results.Entry) error {
		if e.Pipeline != "rules-v12" {
			return nil
		}
		switch {
		case e.Truth == "1" && e.Label != "1":
			lost += amount[e.ID]
		case e.Truth == "0" && e.Label == "1":
			fp++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	records := float64(len(amount))
	want := (lost + 12*fp) / records * 12e6
	if got := float64(rules.ErrorCost.Value); math.Abs(got-want) > 1e-6*want {
		t.Errorf("error cost of rules-v12 = %.2f EUR, hand computation %.2f EUR (Σ amount over FN %.2f + 12 × %g FP, / %g records × 12,000,000)",
			got, want, lost, fp, records)
	}
	var sum float64
	for _, m := range minutes {
		sum += m
	}
	wantFTE := sum / records * 12e6 / 60 / 1680
	if got := float64(w.FTE.Value); math.Abs(got-wantFTE) > 1e-9*wantFTE {
		t.Errorf("FTE = %v, hand computation %v", got, wantFTE)
	}
}

// A flagged record without a label (an outcome history hid) is no false
// positive: impact.json counts the errors the metrics count, through the one
// classification function.
func TestImpactCountsErrorsAsTheMetricsDo(t *testing.T) {
	dir := t.TempDir()
	// Records 0–3 unlabelled, 4–5 negative, 6–9 positive; the rule flags
	// every record with amount ≥ 50.
	csv := "id,amount,y\n" +
		"0,90,\n1,80,\n2,70,\n3,60,\n" +
		"4,55,0\n5,10,0\n" +
		"6,95,1\n7,85,1\n8,20,1\n9,5,1\n"
	yaml := `version: 1
name: unlabelled
use_case:
  question: Does the rule catch the positives?
  volume_per_year: 1000
  currency: EUR
  cost_of_error: {missed_positive: amount, false_positive: 10}
dataset: {path: data.csv, id: id, label: y, positive: "1"}
pipelines:
  - {name: rule, role: candidate, type: rules, rules: [{when: "amount >= 50", output: 1}], default: 0}
  - {name: never, role: baseline, type: constant, output: 0}
metrics: [recall, precision]
criteria:
  - {metric: recall, pipeline: rule, at_least: 0.5, must: true}
`
	writeFiles(t, dir, map[string]string{"data.csv": csv, "exp.yaml": yaml})
	exp, err := Load(filepath.Join(dir, "exp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), exp, Options{Out: filepath.Join(dir, "results")})
	if err != nil {
		t.Fatal(err)
	}
	var counts struct{ TP, FP, FN, TN int }
	for _, e := range out.Run.Metrics.Pipelines[0].Metrics {
		if e.Metric == "precision" {
			b, _ := json.Marshal(e.Detail)
			if err := json.Unmarshal(b, &counts); err != nil {
				t.Fatal(err)
			}
		}
	}
	rule := out.Run.Impact.Pipelines[0]
	if counts.FP != 1 || counts.FN != 2 || rule.FalsePositives != counts.FP || rule.FalseNegatives != counts.FN {
		t.Errorf("metrics count %d FP and %d FN, impact.json %d FP and %d FN; want 1 and 2 in both",
			counts.FP, counts.FN, rule.FalsePositives, rule.FalseNegatives)
	}
	// Errors: record 5 is no error; 8 and 9 missed (amounts 20 + 5), 4 flagged (10 EUR): 35 EUR over 10 records.
	if v := float64(rule.ErrorCost.Value); math.Abs(v-35.0/10*1000) > 1e-9 {
		t.Errorf("yearly error cost %v, want 3,500 EUR", v)
	}
}
