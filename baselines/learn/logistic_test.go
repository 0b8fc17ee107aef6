package learn

import (
	"context"
	"math"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// The reference values below were produced by testdata/reference.py with
// Debian's python3-sklearn 1.2.1 (/usr/bin/python3): a 40-row dataset
// generated there from a fixed seed (numpy.random.default_rng(20260401)),
// standardised with sklearn.preprocessing.StandardScaler and fitted with
// sklearn.linear_model.LogisticRegression(C=1.0, solver='lbfgs', tol=1e-10,
// max_iter=10000).

var refRows = [][5]any{
	{-0.113, 56.482, 1.248, 0, "b"},
	{-0.764, 35.355, 2.545, 0, "c"},
	{0.289, 54.264, 1.603, 0, "b"},
	{-1.261, 30.751, 1.99, 1, "c"},
	{-1.095, 53.194, 2.286, 0, "b"},
	{0.392, 43.114, 2.513, 1, "a"},
	{-1.156, 57.477, 1.63, 0, "a"},
	{-1.128, 52.056, 2.382, 0, "c"},
	{-0.683, 31.6, 1.632, 1, "a"},
	{-0.777, 49.235, 1.962, 1, "a"},
	{0.109, 46.343, 1.451, 0, "a"},
	{-0.028, 65.76, 2.466, 0, "b"},
	{-0.588, 56.546, 1.259, 0, "b"},
	{0.835, 52.675, 1.902, 1, "c"},
	{0.571, 80.603, 1.997, 0, "b"},
	{-0.632, 42.342, 2.283, 1, "c"},
	{1.288, 46.129, 1.924, 0, "a"},
	{-1.225, 47.296, 2.585, 0, "b"},
	{-0.666, 60.624, 2.082, 0, "b"},
	{0.794, 44.658, 1.378, 0, "a"},
	{-0.904, 46.844, 1.722, 0, "b"},
	{0.734, 51.328, 1.182, 0, "a"},
	{0.037, 57.745, 2.671, 0, "b"},
	{2.768, 53.949, 3.026, 1, "a"},
	{1.346, 57.377, 1.221, 0, "a"},
	{1.198, 53.764, 1.26, 0, "a"},
	{0.029, 46.598, 2.34, 1, "a"},
	{-0.795, 75.127, 1.913, 0, "b"},
	{0.041, 64.283, 1.913, 1, "a"},
	{1.656, 33.579, 1.627, 1, "a"},
	{0.839, 43.387, 2.299, 1, "a"},
	{-1.169, 59.747, 2.473, 0, "c"},
	{-1.078, 39.62, 3.258, 1, "a"},
	{-1.732, 58.842, 1.576, 0, "c"},
	{-0.689, 50.899, 1.557, 0, "b"},
	{-0.746, 49.862, 0.532, 0, "a"},
	{-1.005, 48.89, 1.375, 0, "b"},
	{-1.333, 60.774, 2.061, 0, "c"},
	{0.232, 39.289, 2.069, 1, "a"},
	{0.83, 58.918, 1.59, 0, "a"},
}

// LogisticRegression(C=1.0, solver='lbfgs', tol=1e-10, max_iter=10000).fit(StandardScaler().fit_transform(X), y)
var refBinary = []float64{-1.0742119588361159, 0.6072566912928572, -1.187744539838974, 0.8309223916702869} // intercept, x1, x2, x3
// same with class_weight='balanced'
var refBalanced = []float64{-0.4076116193900889, 0.6143167887188165, -1.1612167433267817, 0.8811508990076223}

// same on the 3-class label (multinomial); one row per class a, b, c: intercept, x1, x2, x3
var refMulti = [][]float64{
	{0.5151527780115064, 0.9623508618361029, -0.5287132309453964, -0.22008686774643327},
	{0.0887035890947071, -0.19551233578526767, 0.652186688783016, -0.05118350212206208},
	{-0.6038563671062126, -0.766838526050835, -0.1234734578376195, 0.27127036986849506},
}

// predict_proba, row 0: for row 0: 0.47236398015955505, 0.42940848389257374, 0.09822753594787123
// mean(y) = 0.325

func refData() ([]string, []datasets.Record) {
	cols := []string{"x1", "x2", "x3", "y", "y3"}
	recs := make([]datasets.Record, len(refRows))
	for i, r := range refRows {
		recs[i] = datasets.Record{Seq: i, Line: i + 2, Fields: map[string]any{
			"x1": r[0], "x2": r[1], "x3": r[2], "y": float64(r[3].(int)), "y3": r[4],
		}}
	}
	return cols, recs
}

func TestCoefficientsMatchScikitLearn(t *testing.T) {
	cols, recs := refData()
	cases := []struct {
		name, label, weight string
		want                [][]float64 // per class: intercept, x1, x2, x3
	}{
		{"binary", "y", "none", [][]float64{refBinary}},
		{"balanced", "y", "balanced", [][]float64{refBalanced}},
		{"multinomial", "y3", "none", refMulti},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := pipeline.Env{Name: "lr", Columns: cols, Label: tc.label}
			l := build(t, &Spec{Features: []string{"x1", "x2", "x3"}, ClassWeight: tc.weight, Train: &TrainSpec{File: "train.csv"}}, env)
			if err := l.Train(context.Background(), memFile(cols, recs, tc.label, "")); err != nil {
				t.Fatal(err)
			}
			lin := l.fitted[0].lin
			for c, want := range tc.want {
				got := []float64{lin.w[lin.d*lin.k+c]}
				for j := 0; j < lin.d; j++ {
					got = append(got, lin.w[j*lin.k+c])
				}
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-4 {
						t.Errorf("class %d coefficient %d = %.8f, scikit-learn %.8f", c, i, got[i], want[i])
					}
				}
			}
		})
	}
}

func TestMultinomialProbabilities(t *testing.T) {
	cols, recs := refData()
	l := build(t, &Spec{Features: []string{"x1", "x2", "x3"}, Train: &TrainSpec{File: "train.csv"}},
		pipeline.Env{Name: "lr", Columns: cols, Label: "y3"})
	if err := l.Train(context.Background(), memFile(cols, recs, "y3", "")); err != nil {
		t.Fatal(err)
	}
	out, err := l.Predict(context.Background(), recs[0])
	if err != nil {
		t.Fatal(err)
	}
	// predict_proba of row 0 (reference.py): a 0.47236, b 0.42941, c 0.09823.
	if out.Label != "a" || math.Abs(out.Score-0.47236398015955505) > 1e-4 {
		t.Errorf("row 0 = %q %.6f, want a 0.472364", out.Label, out.Score)
	}
}
