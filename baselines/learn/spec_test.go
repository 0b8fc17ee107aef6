package learn

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

var testEnv = pipeline.Env{Name: "lr", Columns: []string{"amount", "country", "subject", "decision", "is_fraud", "created_at"}, Label: "is_fraud", Positive: "1"}

func TestBuildRefusals(t *testing.T) {
	folds := &TrainSpec{Folds: 5}
	cases := []struct {
		name  string
		spec  Spec
		field string
		msg   string
	}{
		{"label as feature", Spec{Features: []string{"amount", "is_fraud"}, Train: folds}, "features[1]", "refused: the label"},
		{"leaking feature", Spec{Features: []string{"decision"}, Leaking: []string{"decision"}, Train: folds}, "features[0]", "listed in `leaking`"},
		{"leaking text", Spec{Model: "text", Text: []string{"decision"}, Leaking: []string{"decision"}, Train: folds}, "text[0]", "refused"},
		{"unknown column", Spec{Features: []string{"amout"}, Train: folds}, "features[0]", "not in the dataset"},
		{"unknown model", Spec{Model: "forest", Features: []string{"amount"}, Train: folds}, "model", "unknown model"},
		{"unknown algorithm", Spec{Model: "text", Text: []string{"subject"}, Algorithm: "svm", Train: folds}, "algorithm", "unknown algorithm"},
		{"no train", Spec{Features: []string{"amount"}}, "train", "missing"},
		{"two schemes", Spec{Features: []string{"amount"}, Train: &TrainSpec{Folds: 5, File: "x.csv"}}, "train", "exactly one"},
		{"one fold", Spec{Features: []string{"amount"}, Train: &TrainSpec{Folds: 1}}, "train.folds", "at least 2"},
		{"bad cut", Spec{Features: []string{"amount"}, Train: &TrainSpec{Before: "soon"}}, "train.before", "not a date"},
		{"threshold out of range", Spec{Features: []string{"amount"}, Train: folds, Threshold: 1.5}, "threshold", "probability"},
		{"threshold text", Spec{Features: []string{"amount"}, Train: folds, Threshold: "high"}, "threshold", "not a number"},
		{"threshold key", Spec{Features: []string{"amount"}, Train: folds, Threshold: map[string]any{"target_recall": 0.9}}, "threshold", "unknown key"},
		{"threshold fpr", Spec{Features: []string{"amount"}, Train: folds, Threshold: map[string]any{"target_fpr": 1.0}}, "threshold", "target_fpr"},
		{"class weight", Spec{Features: []string{"amount"}, Train: folds, ClassWeight: "auto"}, "class_weight", "unknown class weight"},
		{"negative l2", Spec{Features: []string{"amount"}, Train: folds, L2: ptr(-1.0)}, "l2", "non-negative"},
		{"char ngrams", Spec{Model: "text", Text: []string{"subject"}, Train: folds, CharNgrams: []int{5, 3}}, "char_ngrams", "min <= max"},
		{"text on logistic", Spec{Features: []string{"amount"}, Text: []string{"subject"}, Train: folds}, "text", "model: text"},
		{"no features", Spec{Train: folds}, "features", "missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.spec.Build(testEnv)
			if err == nil {
				t.Fatal("Build succeeded")
			}
			for _, fe := range pipeline.AsFieldErrors(err) {
				if fe.Field == tc.field && strings.Contains(fe.Msg, tc.msg) {
					return
				}
			}
			t.Errorf("Build error %q: want a problem at %q containing %q", err, tc.field, tc.msg)
		})
	}
	if _, err := (&Spec{Features: []string{"amount", "country"}, Train: folds, Threshold: map[string]any{"target_precision": 0.8}}).Build(testEnv); err != nil {
		t.Errorf("valid spec refused: %v", err)
	}
	if _, ok := pipeline.Lookup("learn"); !ok {
		t.Error(`type "learn" is not registered`)
	}
}

// fraudRecords returns n records whose label follows amount, with a
// categorical country (one missing), a time and some missing amounts.
func fraudRecords(n int) ([]string, []datasets.Record) {
	cols := []string{"amount", "country", "created_at", "is_fraud"}
	recs := make([]datasets.Record, n)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range recs {
		amount := any(float64((i*37)%100) + 0.5)
		if i%17 == 0 {
			amount = nil
		}
		country := any([]string{"FR", "DE", "NL"}[i%3])
		if i == 5 {
			country = nil
		}
		fraud := 0.0
		if a, ok := amount.(float64); ok && (a > 70) != (i%11 == 0) {
			fraud = 1
		}
		recs[i] = datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{
			"amount": amount, "country": country, "is_fraud": fraud,
			"created_at": start.Add(time.Duration(i) * time.Hour),
		}}
	}
	return cols, recs
}

func TestFoldsScoreWithTheOtherFolds(t *testing.T) {
	cols, recs := fraudRecords(300)
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "is_fraud", Positive: "1"}
	l := build(t, &Spec{Features: []string{"amount", "country"}, Train: &TrainSpec{Folds: 3}}, env)
	if err := l.Train(context.Background(), memData(cols, recs, "is_fraud", "1")); err != nil {
		t.Fatal(err)
	}
	if len(l.fitted) != 3 {
		t.Fatalf("%d models, want one per fold", len(l.fitted))
	}
	out := predictAll(t, l, recs)
	correct := 0
	for i, o := range out {
		if !o.HasScore || o.Score < 0 || o.Score > 1 {
			t.Fatalf("record %d: score %v", i, o.Score)
		}
		if o.Label == recs[i].String("is_fraud") {
			correct++
		}
	}
	if acc := float64(correct) / float64(len(out)); acc < 0.8 {
		t.Errorf("accuracy %.3f on a nearly separable label", acc)
	}
	// The model of fold 0 was trained without records 0, 3, 6, ...; the
	// record is scored by it, not by a model that saw it.
	rec := recs[3]
	col, val := l.fitted[0].enc.encode(recordRow{t: l.schema, fields: rec.Fields}, nil, nil)
	p := make([]float64, 2)
	l.fitted[0].lin.probs(col, val, p)
	if p[1] != out[3].Score {
		t.Errorf("record 3 scored %v, fold 0 model gives %v", out[3].Score, p[1])
	}
	// An unseen category and a record outside the replay.
	unseen := datasets.Record{Seq: 1, Fields: map[string]any{"amount": 90.5, "country": "XX"}}
	if _, err := l.Predict(context.Background(), unseen); err != nil {
		t.Errorf("unseen category: %v", err)
	}
	if _, err := l.Predict(context.Background(), datasets.Record{Seq: 300, Fields: unseen.Fields}); err == nil {
		t.Error("a record outside the replay was scored")
	}
}

func TestTimeCutRefusesTrainingRecords(t *testing.T) {
	cols, recs := fraudRecords(400)
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "is_fraud", Positive: "1"}
	spec := &Spec{Features: []string{"amount"}, Train: &TrainSpec{Before: "2026-01-09"}}
	data := memData(cols, recs, "is_fraud", "1")
	if err := build(t, spec, env).Train(context.Background(), data); err == nil || !strings.Contains(err.Error(), "time") {
		t.Errorf("time cut without a time column: %v", err)
	}
	data.Time = "created_at"
	l := build(t, spec, env)
	if err := l.Train(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	_, err := l.Predict(context.Background(), recs[10])
	if err == nil || !strings.Contains(err.Error(), "used for training") {
		t.Errorf("record before the cut: %v", err)
	}
	if _, err := l.Predict(context.Background(), recs[300]); err != nil {
		t.Errorf("record after the cut: %v", err)
	}
}

func TestTargetThresholdAndDeterminism(t *testing.T) {
	cols, recs := fraudRecords(600)
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "is_fraud", Positive: "1"}
	spec := &Spec{Features: []string{"amount", "country"}, ClassWeight: "balanced", Train: &TrainSpec{File: "train.csv"},
		Threshold: map[string]any{"target_fpr": 0.05}, Seed: 3}
	a, b := build(t, spec, env), build(t, spec, env)
	for _, l := range []*Learner{a, b} {
		if err := l.Train(context.Background(), memFile(cols, recs, "is_fraud", "1")); err != nil {
			t.Fatal(err)
		}
	}
	if a.Threshold(0) != b.Threshold(0) || !slicesEqual(a.fitted[0].lin.w, b.fitted[0].lin.w) {
		t.Error("two fits of the same data differ")
	}
	if th := a.Threshold(0); math.IsNaN(th) || th <= 0 || th >= 1 {
		t.Errorf("threshold %v", th)
	}
}

// TestDecisionThreshold is the one threshold every fitted model decides
// at: the default or a fixed one across folds, the chosen one of a single
// model, and none when folds chose their own.
func TestDecisionThreshold(t *testing.T) {
	cols, recs := fraudRecords(600)
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "is_fraud", Positive: "1"}
	tests := []struct {
		name      string
		spec      *Spec
		want      float64 // unless checkNaN (want none) or chosenOne (want the model's own)
		checkNaN  bool
		chosenOne bool
	}{
		{"default across folds", &Spec{Features: []string{"amount"}, Train: &TrainSpec{Folds: 5}}, 0.5, false, false},
		{"fixed across folds", &Spec{Features: []string{"amount"}, Train: &TrainSpec{Folds: 5}, Threshold: 0.3}, 0.3, false, false},
		{"chosen by one model", &Spec{Features: []string{"amount", "country"}, ClassWeight: "balanced", Train: &TrainSpec{File: "train.csv"},
			Threshold: map[string]any{"target_fpr": 0.05}, Seed: 3}, 0, false, true},
		{"chosen per fold", &Spec{Features: []string{"amount", "country"}, ClassWeight: "balanced", Train: &TrainSpec{Folds: 5},
			Threshold: map[string]any{"target_fpr": 0.05}, Seed: 3}, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := build(t, tt.spec, env)
			if !math.IsNaN(l.DecisionThreshold()) {
				t.Errorf("before training: %v, want NaN", l.DecisionThreshold())
			}
			data := memData(cols, recs, "is_fraud", "1") // folds train on the replay
			if tt.spec.Train.File != "" {
				data = memFile(cols, recs, "is_fraud", "1")
			}
			if err := l.Train(context.Background(), data); err != nil {
				t.Fatal(err)
			}
			got := l.DecisionThreshold()
			switch {
			case tt.checkNaN && !math.IsNaN(got):
				t.Errorf("DecisionThreshold = %v, want NaN (folds chose %v, %v, …)", got, l.Threshold(0), l.Threshold(1))
			case tt.chosenOne && got != l.Threshold(0):
				t.Errorf("DecisionThreshold = %v, want the model's %v", got, l.Threshold(0))
			case !tt.checkNaN && !tt.chosenOne && got != tt.want:
				t.Errorf("DecisionThreshold = %v, want %v", got, tt.want)
			}
		})
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestChooseThreshold(t *testing.T) {
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05}
	labels := []int{1, 1, 0, 1, 0, 0, 0, 0, 0, 0}
	th, err := chooseThreshold(scores, labels, thresholdSpec{targetFPR: 0.15})
	if err != nil || th != 0.6 { // one false positive of 7 allowed
		t.Errorf("target_fpr 0.15: %v, %v; want 0.6", th, err)
	}
	th, err = chooseThreshold(scores, labels, thresholdSpec{targetPre: 1})
	if err != nil || th != 0.8 {
		t.Errorf("target_precision 1: %v, %v; want 0.8", th, err)
	}
	th, err = chooseThreshold(scores, labels, thresholdSpec{targetPre: 0.75})
	if err != nil || th != 0.6 {
		t.Errorf("target_precision 0.75: %v, %v; want 0.6", th, err)
	}
}

func TestTextTerms(t *testing.T) {
	got := strings.Join(wordTerms("I can't find my Card!"), "|")
	if want := "can|find|my|card|can find|find my|my card"; got != want {
		t.Errorf("wordTerms = %q, want %q", got, want)
	}
	got = strings.Join(charTerms("ab", 3, 4), "|")
	if want := " ab|ab | ab "; got != want {
		t.Errorf("charTerms = %q, want %q", got, want)
	}
}
