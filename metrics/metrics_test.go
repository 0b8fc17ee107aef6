package metrics_test

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
	"github.com/poc-harness/poc/pipeline"
)

// Fixtures and expected values: metrics/testdata/reference.py, computed with
// scikit-learn 1.2.1 and numpy (Debian bookworm's python3-sklearn).
var (
	binTruth = []int{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}
	binPred  = []int{1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	binW     = []float64{120.0, 15.5, 900.0, 2500.0, 40.0, 75.0, 300.0, 10.0, 20.0, 30.0,
		40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 5.0, 130.0}
	mcTruth = []string{"card", "card", "card", "fees", "fees", "fees", "fees", "atm", "atm", "atm", "card", "atm"}
	mcPred  = []string{"card", "fees", "card", "fees", "fees", "card", "fees", "atm", "card", "atm", "card", "other"}
	latMS   = []float64{12.0, 15.5, 9.1, 30.2, 18.0, 22.4, 11.1, 95.0, 14.3, 16.8, 13.9, 41.7}
)

func build(t *testing.T, typ string, spec func(metrics.Spec)) metrics.Metric {
	t.Helper()
	f, ok := metrics.Lookup(typ)
	if !ok {
		t.Fatalf("metric type %q is not registered", typ)
	}
	s := f()
	if spec != nil {
		spec(s)
	}
	m, err := s.Build(metrics.Env{Name: typ, Columns: []string{"amount"}, Positive: "1"})
	if err != nil {
		t.Fatalf("build %s: %v", typ, err)
	}
	return m
}

func binaryObs() []metrics.Observation {
	obs := make([]metrics.Observation, len(binTruth))
	for i := range binTruth {
		obs[i] = metrics.Observation{
			Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": binW[i]}},
			Truth:  datasets.FormatValue(binTruth[i]),
			Pred:   pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: datasets.FormatValue(binPred[i])}},
		}
	}
	return obs
}

func multiObs() []metrics.Observation {
	obs := make([]metrics.Observation, len(mcTruth))
	for i := range mcTruth {
		obs[i] = metrics.Observation{Truth: mcTruth[i], Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: mcPred[i]}}}
	}
	return obs
}

func latencyObs() []metrics.Observation {
	obs := make([]metrics.Observation, len(latMS))
	for i, ms := range latMS {
		obs[i] = metrics.Observation{Pred: pipeline.Prediction{Seq: i, Latency: time.Duration(ms * float64(time.Millisecond))}}
	}
	return obs
}

func TestAgainstScikitLearn(t *testing.T) {
	weight := func(s metrics.Spec) { s.(*metrics.WeightSpec).Weight = "amount" }
	q90 := func(s metrics.Spec) { s.(*metrics.QuantileSpec).Quantile = 0.90 }
	tests := []struct {
		typ  string
		spec func(metrics.Spec)
		obs  []metrics.Observation
		want float64 // reference value
		tol  float64
	}{
		{"precision", nil, binaryObs(), 0.6666666666666666, 1e-15},            // precision_score
		{"recall", nil, binaryObs(), 0.5714285714285714, 1e-15},               // recall_score
		{"f1", nil, binaryObs(), 0.6153846153846153, 1e-15},                   // f1_score
		{"accuracy", nil, binaryObs(), 0.75, 1e-15},                           // accuracy_score
		{"specificity", nil, binaryObs(), 0.8461538461538461, 1e-15},          // tn/(tn+fp) from confusion_matrix
		{"false_positive_rate", nil, binaryObs(), 0.15384615384615385, 1e-15}, // fp/(fp+tn)
		{"flag_rate", nil, binaryObs(), 6.0 / 20, 1e-15},                      // hand count: 6 flagged of 20
		{"weighted_recall", weight, binaryObs(), 0.30378881138011216, 1e-12},  // recall_score(sample_weight=w)
		{"weighted_precision", weight, binaryObs(), 0.7603560424512154, 1e-12},
		{"accuracy", nil, multiObs(), 0.6666666666666666, 1e-15}, // accuracy_score, multi-class
		{"macro_f1", nil, multiObs(), 0.5208333333333333, 1e-15}, // f1_score(average="macro")
		{"latency_p50", nil, latencyObs(), 16.15, 1e-9},          // np.percentile(lat, 50)
		{"latency_p95", nil, latencyObs(), 65.68499999999996, 1e-9},
		{"latency_p99", nil, latencyObs(), 89.13700000000003, 1e-9},
		{"latency", q90, latencyObs(), 40.550000000000004, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			m := build(t, tc.typ, tc.spec)
			acc := m.New()
			for _, o := range tc.obs {
				acc.Add(o)
			}
			if got := acc.Result().Value; math.Abs(got-tc.want) > tc.tol {
				t.Errorf("%s = %.17g, want %.17g (scikit-learn/numpy)", tc.typ, got, tc.want)
			}
			metricstest.Conformance(t, m, tc.obs)
		})
	}
}

func TestConfusionMatrixMatchesScikitLearn(t *testing.T) {
	acc := build(t, "confusion_matrix", nil).New()
	for _, o := range multiObs() {
		acc.Add(o)
	}
	got := acc.Result().Detail.(metrics.ConfusionMatrix)
	// confusion_matrix(yt, yp, labels=["atm", "card", "fees", "other"])
	want := metrics.ConfusionMatrix{
		Labels: []string{"atm", "card", "fees", "other"},
		Counts: [][]int{{2, 1, 0, 1}, {0, 3, 1, 0}, {0, 1, 3, 0}, {0, 0, 0, 0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("confusion matrix = %+v, want %+v", got, want)
	}
}

func TestFailuresAndMissingLabels(t *testing.T) {
	obs := []metrics.Observation{
		{Truth: "1", Pred: pipeline.Prediction{Output: pipeline.Output{Label: "1"}}},
		{Truth: "1", Pred: pipeline.Prediction{Err: "timeout"}},                     // a failure catches nothing
		{Truth: "", Pred: pipeline.Prediction{Output: pipeline.Output{Label: "1"}}}, // unlabelled: no count
		{Truth: "0", Pred: pipeline.Prediction{Output: pipeline.Output{Label: "0"}}},
	}
	tests := []struct {
		typ   string
		want  float64
		wantN int
	}{
		{"recall", 0.5, 2},
		{"precision", 1, 1},
		{"accuracy", 2.0 / 3, 3},
		{"error_rate", 0.25, 4},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			acc := build(t, tc.typ, nil).New()
			for _, o := range obs {
				acc.Add(o)
			}
			r := acc.Result()
			if math.Abs(r.Value-tc.want) > 1e-15 || r.N != tc.wantN {
				t.Errorf("%s = %v (n=%d), want %v (n=%d)", tc.typ, r.Value, r.N, tc.want, tc.wantN)
			}
		})
	}
}

func TestUndefinedIsNaN(t *testing.T) {
	acc := build(t, "recall", nil).New()
	acc.Add(metrics.Observation{Truth: "0", Pred: pipeline.Prediction{Output: pipeline.Output{Label: "0"}}})
	if v := acc.Result().Value; !math.IsNaN(v) {
		t.Errorf("recall without positives = %v, want NaN (undefined, never a pass)", v)
	}
}

func TestCost(t *testing.T) {
	costs := func(cs ...float64) []metrics.Observation {
		var obs []metrics.Observation
		for _, c := range cs {
			obs = append(obs, metrics.Observation{Pred: pipeline.Prediction{Output: pipeline.Output{Cost: c}}})
		}
		return obs
	}
	for _, tc := range []struct {
		name, typ string
		obs       []metrics.Observation
		want      float64
	}{
		{"per record", "cost_per_record", costs(0.002, 0.004, 0.003), 0.003},
		{"total", "cost_total", costs(0.002, 0.004, 0.003), 0.009},
		{"free records first", "cost_total", costs(0, 0, 0.004, 0, 0.005), 0.009}, // the column starts at the first cost
		{"free", "cost_per_record", costs(0, 0, 0), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := build(t, tc.typ, nil)
			acc := m.New()
			for _, o := range tc.obs {
				acc.Add(o)
			}
			if got := acc.Result().Value; math.Abs(got-tc.want) > 1e-15 {
				t.Errorf("%s = %v, want %v", tc.typ, got, tc.want)
			}
			// Merging a free accumulator with a priced one keeps every cost.
			free, priced := m.New(), m.New()
			free.Add(tc.obs[0])
			for _, o := range tc.obs[1:] {
				priced.Add(o)
			}
			if err := free.Merge(priced); err != nil {
				t.Fatal(err)
			}
			if got := free.Result().Value; math.Abs(got-tc.want) > 1e-15 {
				t.Errorf("%s merged = %v, want %v", tc.typ, got, tc.want)
			}
			metricstest.Conformance(t, m, tc.obs)
		})
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		typ   string
		spec  func(metrics.Spec)
		field string
		msg   string
	}{
		{"weighted_recall", nil, "weight", "missing"},
		{"weighted_recall", func(s metrics.Spec) { s.(*metrics.WeightSpec).Weight = "amont" }, "weight", `"amont" is not in the dataset`},
		{"latency", func(s metrics.Spec) { s.(*metrics.QuantileSpec).Quantile = 99 }, "quantile", "between 0 and 1"},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			f, _ := metrics.Lookup(tc.typ)
			s := f()
			if tc.spec != nil {
				tc.spec(s)
			}
			_, err := s.Build(metrics.Env{Name: "m", Columns: []string{"amount"}})
			errs := pipeline.AsFieldErrors(err)
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, tc.msg) {
				t.Fatalf("errors = %v, want field %q with %q", errs, tc.field, tc.msg)
			}
		})
	}
}

func TestRegisterPanicsOnDuplicate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering \"recall\" twice did not panic")
		}
	}()
	metrics.Register(metrics.Info{Type: "recall"}, func() metrics.Spec { return nil })
}
