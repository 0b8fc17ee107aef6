package learn

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// splitEnv is a dataset with a split column naming the training rows.
var splitEnv = pipeline.Env{Name: "floor", Columns: []string{"a", "split", "y"}, Label: "y", Positive: "1"}

// splitData returns a file of 10 training rows (7 positive) and 10 test
// rows (3 positive); the replay is the test rows, or every row when
// leaky is set (a dataset filter that forgot the split).
func splitData(leaky bool) pipeline.TrainingData {
	var all, test []datasets.Record
	for i := range 20 {
		split, y := "train", "0"
		if i >= 10 {
			split = "test"
		}
		if i < 7 || (i >= 10 && i < 13) {
			y = "1"
		}
		rec := datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{"a": float64(i), "split": split, "y": y}}
		all = append(all, rec)
		if split == "test" {
			rec.Seq = len(test)
			test = append(test, rec)
		}
	}
	replay := test
	if leaky {
		replay = all
	}
	cols := splitEnv.Columns
	return pipeline.TrainingData{
		Replay: func() (datasets.Reader, error) { return &sliceReader{cols: cols, recs: replay}, nil },
		All:    func() (datasets.Reader, error) { return &sliceReader{cols: cols, recs: all}, nil },
		Label:  "y", Positive: "1",
	}
}

// TestTrainWhereAndMajority trains the majority model on the rows a where
// expression selects: it learns the training rows' shares (7 of 10
// positive), not the replay's (3 of 10), so it predicts the positive class
// with score 0.7 for every record.
func TestTrainWhereAndMajority(t *testing.T) {
	l := build(t, &Spec{Model: "majority", Train: &TrainSpec{Where: `split == "train"`}}, splitEnv)
	if err := l.Train(context.Background(), splitData(false)); err != nil {
		t.Fatalf("Train: %v", err)
	}
	if got := l.TrainsOn(); got != `the rows where split == "train"` {
		t.Errorf("TrainsOn = %q", got)
	}
	out, err := l.Predict(context.Background(), datasets.Record{Fields: map[string]any{"a": 3.0, "split": "test"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Label != "1" || math.Abs(out.Score-0.7) > 1e-12 {
		t.Errorf("majority from the training rows = %q score %v; want \"1\" score 0.7", out.Label, out.Score)
	}
}

func TestTrainWhereRefusals(t *testing.T) {
	l := build(t, &Spec{Features: []string{"a"}, Train: &TrainSpec{Where: `split == "train"`}}, splitEnv)
	err := l.Train(context.Background(), splitData(true))
	if err == nil || !strings.Contains(err.Error(), "10 of the 20 replayed records are training rows") || !strings.Contains(err.Error(), `dataset.filter: '!(split == "train")'`) {
		t.Errorf("a replay holding the training rows: got %v", err)
	}
	cases := []struct {
		name  string
		spec  Spec
		field string
		msg   string
	}{
		{"unknown column", Spec{Features: []string{"a"}, Train: &TrainSpec{Where: `spilt == "train"`}}, "train.where", "spilt"},
		{"two schemes", Spec{Features: []string{"a"}, Train: &TrainSpec{Where: `split == "train"`, Folds: 5}}, "train", "exactly one"},
		{"majority with inputs", Spec{Model: "majority", Features: []string{"a"}, Train: &TrainSpec{Folds: 5}}, "model", "takes no features"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.spec.Build(splitEnv)
			for _, fe := range pipeline.AsFieldErrors(err) {
				if fe.Field == tc.field && strings.Contains(fe.Msg, tc.msg) {
					return
				}
			}
			t.Errorf("Build error %v: want a problem at %q containing %q", err, tc.field, tc.msg)
		})
	}
}
