package metrics_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
	"github.com/poc-harness/poc/pipeline"
	"go.yaml.in/yaml/v3"
)

// Fixtures and expected values: the second half of
// metrics/testdata/reference.py (scikit-learn 1.2.1, scipy 1.10.1, numpy),
// the call that produced each value in the comment beside it.
var (
	binScore = []float64{0.9, 0.8, 0.35, 0.4, 0.2, 0.7, 0.65, 0.1, 0.3, 0.2, 0.05, 0.7, 0.15, 0.3, 0.25, 0.45, 0.1, 0.5, 0.6, 0.02}
	regTruth = []float64{3.0, -0.5, 2.0, 7.0, 4.2, 10.0, 1.5, 6.0}
	regPred  = []float64{2.5, 0.0, 2.0, 8.0, 4.0, 12.5, 1.0, 5.4}
)

var libraryColumns = []string{"amount", "group", "x", "inv_no", "total"}

// buildWith builds a registered metric type with keys (a flow
// mapping decoded into the spec as the loader decodes YAML).
func buildWith(t *testing.T, typ, keys string) metrics.Metric {
	t.Helper()
	f, ok := metrics.Lookup(typ)
	if !ok {
		t.Fatalf("metric type %q is not registered", typ)
	}
	s := f()
	if keys != "" {
		if err := yamlDecode(keys, s); err != nil {
			t.Fatalf("keys %s: %v", keys, err)
		}
	}
	m, err := s.Build(metrics.Env{Name: typ, Columns: libraryColumns, Positive: "1"})
	if err != nil {
		t.Fatalf("build %s: %v", typ, err)
	}
	return m
}

func scoreObs() []metrics.Observation {
	obs := binaryObs()
	for i := range obs {
		obs[i].Pred.Output.Score, obs[i].Pred.Output.HasScore = binScore[i], true
		obs[i].Record.Fields["group"] = string("abc"[i%3])
		obs[i].Record.Seq = i
	}
	return obs
}

func regressionObs() []metrics.Observation {
	obs := make([]metrics.Observation, len(regTruth))
	for i := range regTruth {
		out := pipeline.Output{Score: regPred[i], HasScore: true}
		if i%2 == 1 { // half as a label, to check the parsing
			out = pipeline.Output{Label: datasets.FormatValue(regPred[i])}
		}
		obs[i] = metrics.Observation{Truth: datasets.FormatValue(regTruth[i]), Pred: pipeline.Prediction{Seq: i, Output: out}}
	}
	return obs
}

func topKObs() []metrics.Observation {
	truth := []string{"a", "b", "c", "a", "b", "c"}
	rank := [][]any{{"a", "b", "c"}, {"a", "b", "c"}, {"b", "a", "c"}, {"c", "b", "a"}, {"b", "c", "a"}, {"a", "b", "c"}}
	obs := make([]metrics.Observation, len(truth))
	for i := range truth {
		obs[i] = metrics.Observation{Truth: truth[i], Pred: pipeline.Prediction{Seq: i,
			Output: pipeline.Output{Label: rank[i][0].(string), Fields: map[string]any{"top_k": rank[i]}}}}
	}
	return obs
}

func rougeObs() []metrics.Observation {
	pairs := [][2]string{
		{"The police killed the gunman.", "police kill the gunman"},
		{"Refund issued to the customer", "the customer was issued a refund"},
		{"nothing in common", "totally different"},
	}
	obs := make([]metrics.Observation, len(pairs))
	for i, p := range pairs {
		obs[i] = metrics.Observation{Truth: p[1], Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Text: p[0]}}}
	}
	return obs
}

func TestLibraryAgainstReferences(t *testing.T) {
	tests := []struct {
		typ, keys string
		obs       []metrics.Observation
		want      float64
		tol       float64
	}{
		// Multi-class fixture (mcTruth, mcPred).
		{"f1_micro", "", multiObs(), 0.6666666666666666, 1e-12},                                      // f1_score(yt, yp, average="micro")
		{"f1_weighted", "", multiObs(), 0.6944444444444443, 1e-12},                                   // f1_score(yt, yp, average="weighted")
		{"balanced_accuracy", "", multiObs(), 0.6666666666666666, 1e-12},                             // balanced_accuracy_score(yt, yp)
		{"cohen_kappa", "", multiObs(), 0.52, 1e-12},                                                 // cohen_kappa_score(yt, yp)
		{"matthews_corrcoef", "", multiObs(), 0.5361109642475097, 1e-12},                             // matthews_corrcoef(yt, yp)
		{"class_precision", `{"class":"card"}`, multiObs(), 0.6, 1e-12},                              // precision_score(yt, yp, labels=["card"], average=None)[0]
		{"class_recall", `{"class":"card"}`, multiObs(), 0.75, 1e-12},                                // recall_score(..., labels=["card"], average=None)[0]
		{"class_f1", `{"class":"card"}`, multiObs(), 0.6666666666666665, 1e-12},                      // f1_score(..., labels=["card"], average=None)[0]
		{"matthews_corrcoef", "", binaryObs(), 0.43463356032809364, 1e-12},                           // matthews_corrcoef(y, p)
		{"cohen_kappa", "", binaryObs(), 0.4318181818181819, 1e-12},                                  // cohen_kappa_score(y, p)
		{"balanced_accuracy", "", binaryObs(), 0.7087912087912087, 1e-12},                            // balanced_accuracy_score(y, p)
		{"top_k_accuracy", `{"k":1}`, topKObs(), 0.3333333333333333, 1e-12},                          // top_k_accuracy_score(tk_true, tk_scores, k=1)
		{"top_k_accuracy", `{"k":2}`, topKObs(), 0.5, 1e-12},                                         // top_k_accuracy_score(..., k=2)
		{"roc_auc", "", scoreObs(), 0.8021978021978021, 1e-12},                                       // roc_auc_score(y, s)
		{"average_precision", "", scoreObs(), 0.7198412698412698, 1e-12},                             // average_precision_score(y, s)
		{"log_loss", "", scoreObs(), 0.4992622993892913, 1e-12},                                      // log_loss(y, s)
		{"brier_score", "", scoreObs(), 0.17077, 1e-12},                                              // brier_score_loss(y, s)
		{"ks_statistic", "", scoreObs(), 0.5494505494505494, 1e-12},                                  // max(tpr - fpr) of roc_curve; ks_2samp(pos, neg) agrees
		{"gini", "", scoreObs(), 0.6043956043956042, 1e-12},                                          // 2 * roc_auc_score(y, s) - 1
		{"recall_at_fpr", `{"fpr":0.1}`, scoreObs(), 0.42857142857142855, 1e-12},                     // max(tpr[fpr <= 0.1]), roc_curve(drop_intermediate=False)
		{"recall_at_fpr", `{"fpr":0.2}`, scoreObs(), 0.5714285714285714, 1e-12},                      // max(tpr[fpr <= 0.2])
		{"precision_at_k", `{"k":5}`, scoreObs(), 0.6, 1e-12},                                        // mean(y[argsort(-s, kind="stable")[:5]])
		{"precision_at_k", `{"k":8}`, scoreObs(), 0.5, 1e-12},                                        // ... [:8]
		{"expected_calibration_error", "", scoreObs(), 0.121, 1e-12},                                 // numpy by hand, 10 bins
		{"expected_calibration_error", `{"bins":5}`, scoreObs(), 0.106, 1e-12},                       // numpy by hand, 5 bins
		{"expected_cost", `{"cost_matrix":{"fn":5,"fp":1}}`, scoreObs(), 0.85, 1e-12},                // (5*fn + fp) / n from confusion_matrix(y, p)
		{"mae", "", regressionObs(), 0.725, 1e-12},                                                   // mean_absolute_error(ry, rp)
		{"rmse", "", regressionObs(), 1.0246950765959597, 1e-12},                                     // sqrt(mean_squared_error(ry, rp))
		{"mape", "", regressionObs(), 0.2550595238095238, 1e-12},                                     // mean_absolute_percentage_error(ry, rp)
		{"r2", "", regressionObs(), 0.8954703832752613, 1e-12},                                       // r2_score(ry, rp)
		{"within_tolerance", `{"tolerance":0.5}`, regressionObs(), 0.625, 1e-12},                     // mean(|ry - rp| <= 0.5)
		{"within_tolerance", `{"tolerance":0.1,"relative":true}`, regressionObs(), 0.375, 1e-12},     // mean(|ry - rp| <= 0.1 |ry|)
		{"rouge_l", "", rougeObs(), 0.34343434343434337, 1e-12},                                      // rouge-score's LCS F-measure, by hand
		{"demographic_parity_ratio", `{"group":"group"}`, scoreObs(), 0.2857142857142857, 1e-12},     // min/max selection rate (Fairlearn's definition), by hand
		{"equal_opportunity_difference", `{"group":"group"}`, scoreObs(), 0.6666666666666667, 1e-12}, // max - min TPR
		{"equalized_odds_difference", `{"group":"group"}`, scoreObs(), 0.6666666666666667, 1e-12},    // max(TPR gap, FPR gap)
	}
	for _, tc := range tests {
		t.Run(tc.typ+tc.keys, func(t *testing.T) {
			m := buildWith(t, tc.typ, tc.keys)
			acc := m.New()
			for _, o := range tc.obs {
				acc.Add(o)
			}
			if got := acc.Result().Value; math.Abs(got-tc.want) > tc.tol {
				t.Errorf("%s = %.17g, want %.17g (reference)", tc.typ, got, tc.want)
			}
			if _, ok := acc.(metrics.Resampler); !ok {
				t.Errorf("%s: accumulator is not a Resampler", tc.typ)
			}
			metricstest.Conformance(t, m, tc.obs)
		})
	}
}

func TestProportions(t *testing.T) {
	for _, typ := range []string{"class_recall", "class_precision", "top_k_accuracy", "abstention_rate", "exact_match", "within_tolerance", "json_valid"} {
		keys := map[string]string{"class_recall": `{"class":"card"}`, "class_precision": `{"class":"card"}`, "within_tolerance": `{"tolerance":1}`}[typ]
		if _, ok := buildWith(t, typ, keys).New().(metrics.Proportion); !ok {
			t.Errorf("%s is not a Proportion", typ)
		}
	}
	for _, typ := range []string{"class_f1", "roc_auc", "mae", "field_recall", "f1_micro"} {
		keys := map[string]string{"class_f1": `{"class":"card"}`}[typ]
		if _, ok := buildWith(t, typ, keys).New().(metrics.Proportion); ok {
			t.Errorf("%s must not claim a Wilson interval", typ)
		}
	}
}

func TestTextMetrics(t *testing.T) {
	out := func(text string) pipeline.Prediction { return pipeline.Prediction{Output: pipeline.Output{Text: text}} }
	obs := []metrics.Observation{
		{Truth: "Card Replacement", Pred: out("  card   replacement ")},
		{Truth: "fees", Pred: out(`{"intent": "fees", "ref": "POL-1234"}`)},
		{Truth: "atm", Pred: out("ATM withdrawal refused")},
		{Truth: "atm", Pred: pipeline.Prediction{Err: "timeout"}},
	}
	tests := []struct {
		typ, keys string
		want      float64
	}{
		{"exact_match", "", 0.25},
		{"contains", "", 0.75},
		{"contains", `{"substring":"REFUSED"}`, 0.25},
		{"regex_match", `{"pattern":"POL-\\d{4}"}`, 0.25},
		{"json_valid", "", 0.25},
		{"length", "", (21.0 + 37 + 22) / 3}, // rune counts; the failed record is left out
	}
	for _, tc := range tests {
		t.Run(tc.typ+tc.keys, func(t *testing.T) {
			m := buildWith(t, tc.typ, tc.keys)
			acc := m.New()
			for _, o := range obs {
				acc.Add(o)
			}
			if got := acc.Result().Value; math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("%s = %v, want %v", tc.typ, got, tc.want)
			}
			metricstest.Conformance(t, m, obs)
		})
	}
}

func TestRougeL(t *testing.T) {
	// rouge-score's formula by hand (reference.py): LCS "police the gunman" = 3
	// of 5 candidate and 4 reference tokens: F = 2·(3/5)(3/4)/(3/5 + 3/4) = 2/3.
	if got := metrics.RougeL("The police killed the gunman.", "police kill the gunman"); math.Abs(got-2.0/3) > 1e-12 {
		t.Errorf("RougeL = %v, want 2/3", got)
	}
	if got := metrics.RougeL("", "x"); got != 0 {
		t.Errorf("RougeL of an empty answer = %v, want 0", got)
	}
}

func TestFieldExtraction(t *testing.T) {
	fields := func(f map[string]any) pipeline.Prediction {
		return pipeline.Prediction{Output: pipeline.Output{Fields: f}}
	}
	// Truth in the label column as a JSON object.
	obs := []metrics.Observation{
		{Truth: `{"invoice_number": "INV-1", "total": 120.5, "currency": "EUR"}`,
			Pred: fields(map[string]any{"invoice_number": "inv-1", "total": 120.5, "currency": "USD", "extra": "x"})},
		{Truth: `{"invoice_number": "INV-2", "total": 80, "currency": ""}`,
			Pred: pipeline.Prediction{Output: pipeline.Output{Text: `{"invoice_number": "INV-2", "total": "80"}`}}},
		{Truth: `{"invoice_number": "INV-3", "total": 10}`, Pred: pipeline.Prediction{Err: "boom"}},
	}
	// Hand count: correct 2 + 2 + 0; extracted 4 + 2 + 0; true fields 3 + 2 + 2.
	for typ, want := range map[string]float64{"field_precision": 4.0 / 6, "field_recall": 4.0 / 7} {
		m := buildWith(t, typ, "")
		acc := m.New()
		for _, o := range obs {
			acc.Add(o)
		}
		if got := acc.Result().Value; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", typ, got, want)
		}
		metricstest.Conformance(t, m, obs)
	}
	// Truth in per-field columns; only mapped fields count.
	cols := []metrics.Observation{
		{Record: datasets.Record{Fields: map[string]any{"inv_no": "INV-1", "total": 120.5}},
			Pred: fields(map[string]any{"invoice_number": "INV-1", "total": 99.0, "currency": "EUR"})},
	}
	m := buildWith(t, "field_precision", `{"fields":{"invoice_number":"inv_no","total":"total"}}`)
	acc := m.New()
	acc.Add(cols[0])
	if got := acc.Result().Value; got != 0.5 {
		t.Errorf("field_precision with columns = %v, want 0.5", got)
	}
}

func TestAbstention(t *testing.T) {
	lbl := func(l string) pipeline.Prediction { return pipeline.Prediction{Output: pipeline.Output{Label: l}} }
	obs := []metrics.Observation{
		{Pred: lbl("billing")},
		{Pred: lbl("")},
		{Pred: pipeline.Prediction{Output: pipeline.Output{Unparseable: true, Raw: "hmm"}}},
		{Pred: lbl("escalate")},
		{Pred: pipeline.Prediction{Err: "timeout"}}, // left out: error_rate counts failures
	}
	m := buildWith(t, "abstention_rate", `{"abstain_label":"escalate"}`)
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	r := acc.Result()
	if r.Value != 0.75 || r.N != 4 {
		t.Errorf("abstention_rate = %v (n=%d), want 0.75 (n=4)", r.Value, r.N)
	}
	if d, ok := r.Detail.(metrics.Exclusions); !ok || d.Excluded["failed"] != 1 {
		t.Errorf("detail = %#v, want one failed record excluded", r.Detail)
	}
	metricstest.Conformance(t, m, obs)
}

func TestMissingScoresAreExcludedAndNoted(t *testing.T) {
	obs := scoreObs()
	obs[0].Pred.Output.HasScore = false
	obs[1].Pred.Err = "timeout"
	obs[2].Truth = ""
	m := buildWith(t, "roc_auc", "")
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	r := acc.Result()
	d, ok := r.Detail.(metrics.Exclusions)
	if r.N != 17 || !ok || d.Excluded["no score"] != 1 || d.Excluded["failed"] != 1 || d.Excluded["no label"] != 1 {
		t.Errorf("n = %d, detail = %#v; want 17 records and one exclusion per reason", r.N, r.Detail)
	}
	metricstest.Conformance(t, m, obs)
}

func TestFairnessDetail(t *testing.T) {
	m := buildWith(t, "equalized_odds_difference", `{"group":"group","min_group_size":7}`)
	acc := m.New()
	for _, o := range scoreObs() {
		acc.Add(o)
	}
	r := acc.Result()
	d := r.Detail.(metrics.GroupDetail)
	// Groups a, b, c have 7, 7 and 6 records: c (the widest gap) is not compared.
	if len(d.Groups) != 3 || d.Groups[2].Group != "c" || d.Groups[2].N != 6 || d.Groups[2].Compared {
		t.Fatalf("groups = %+v", d.Groups)
	}
	// a: TPR 1/3, FPR 1/4; b: TPR 1/2, FPR 0 (reference.py's rates).
	if want := 0.25; math.Abs(r.Value-want) > 1e-12 {
		t.Errorf("equalized_odds_difference without c = %v, want %v", r.Value, want)
	}
	if _, err := json.Marshal(d); err != nil {
		t.Errorf("detail does not marshal: %v", err)
	}
}

func TestPSI(t *testing.T) {
	// STATISTICS.md: E = 10×0.10, A = [.08, .09, .10, .10, .10, .10, .11, .11, .10, .11] gives 0.00838.
	e := []float64{.1, .1, .1, .1, .1, .1, .1, .1, .1, .1}
	a := []float64{.08, .09, .10, .10, .10, .10, .11, .11, .10, .11}
	if got := metrics.PSI(e, a); math.Abs(got-0.008375781576992205) > 1e-12 {
		t.Errorf("PSI = %.17g, want 0.00838 (STATISTICS.md; numpy 0.008375781576992205)", got)
	}
	if got := metrics.PSI([]float64{0.5, 0.5, 0}, []float64{0.5, 0.4, 0.1}); math.IsInf(got, 0) || math.IsNaN(got) {
		t.Errorf("PSI with an empty bin = %v, want finite (floored at 1e-4)", got)
	}
}

func TestPSIMetric(t *testing.T) {
	// reference.py: ref, mid and cur are the first, middle two and last
	// quarters of the replay; numpy deciles of ref, searchsorted(side="left").
	ref := []float64{100.0, 104.5, 95.9, 86.6, 93.2, 85.1, 100.9, 120.1, 92.6, 90.7, 107.3, 105.4, 101.6, 86.0, 99.6, 110.4, 79.8, 93.1, 71.5, 80.7, 72.4, 96.5, 81.0, 104.1, 102.4, 97.2, 62.2, 91.9, 99.3, 101.7, 77.0, 92.8, 85.3, 87.9, 115.9, 87.9, 99.5, 113.3, 91.2, 98.3}
	mid := []float64{98.6, 100.4, 110.3, 103.2, 102.0, 88.3, 104.8, 98.3, 122.5, 114.8, 104.6, 115.0, 99.9, 120.8, 104.9, 113.8, 85.6, 110.2, 79.7, 74.5, 100.4, 91.5, 107.5, 138.7, 92.5, 95.6, 108.1, 112.4, 102.4, 101.9, 115.5, 112.8, 89.5, 103.8, 105.5, 89.2, 108.9, 92.1, 119.6, 107.9, 106.3, 96.1, 103.2, 75.0, 88.0, 110.4, 73.1, 117.7, 78.8, 116.4, 92.3, 116.7, 107.0, 81.9, 123.7, 126.6, 104.0, 100.9, 102.6, 90.4, 121.5, 96.9, 104.2, 93.1, 95.6, 85.8, 123.9, 102.7, 119.5, 105.2, 94.6, 100.1, 96.6, 105.1, 99.4, 100.5, 84.3, 92.9, 129.8, 94.9}
	cur := []float64{112.2, 111.3, 85.5, 111.5, 137.2, 79.1, 127.2, 112.4, 97.2, 150.0, 125.2, 86.0, 111.5, 121.5, 106.2, 123.7, 108.7, 123.3, 138.8, 96.5, 114.1, 100.7, 112.5, 86.3, 98.4, 106.1, 128.0, 132.9, 83.5, 94.1, 122.9, 70.2, 100.7, 108.1, 135.1, 123.8, 103.5, 102.6, 105.0, 140.5}
	var obs []metrics.Observation
	for i, v := range append(append(append([]float64(nil), ref...), mid...), cur...) {
		obs = append(obs, metrics.Observation{Record: datasets.Record{Seq: i, Fields: map[string]any{"x": v}}})
	}
	m := buildWith(t, "psi", `{"column":"x"}`)
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	if got, want := acc.Result().Value, 2.2993250645807066; math.Abs(got-want) > 1e-9 {
		t.Errorf("psi = %.17g, want %.17g (reference.py sample psi)", got, want)
	}
	metricstest.Conformance(t, m, obs)
}

func TestLibrarySpecErrors(t *testing.T) {
	tests := []struct{ typ, keys, field, msg string }{
		{"class_recall", "", "class", "missing"},
		{"recall_at_fpr", `{"fpr":2}`, "fpr", "between 0 and 1"},
		{"precision_at_k", "", "k", "missing"},
		{"expected_cost", `{"cost_matrix":{"fnn":5}}`, "cost_matrix.fnn", "unknown outcome"},
		{"within_tolerance", "", "tolerance", "missing"},
		{"regex_match", `{"pattern":"(("}`, "pattern", "invalid regular expression"},
		{"field_recall", `{"fields":{"total":"totl"}}`, "fields.total", `"totl" is not in the dataset`},
		{"demographic_parity_ratio", `{"group":"gruop"}`, "group", `"gruop" is not in the dataset`},
		{"psi", "", "column", "missing"},
		{"expected_calibration_error", `{"bins":-1}`, "bins", "between 1 and 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			f, _ := metrics.Lookup(tc.typ)
			s := f()
			if tc.keys != "" {
				if err := yamlDecode(tc.keys, s); err != nil {
					t.Fatal(err)
				}
			}
			_, err := s.Build(metrics.Env{Name: "m", Columns: libraryColumns})
			errs := pipeline.AsFieldErrors(err)
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, tc.msg) {
				t.Fatalf("errors = %v, want field %q with %q", errs, tc.field, tc.msg)
			}
		})
	}
}

func TestEveryTypeDocumented(t *testing.T) {
	for _, info := range metrics.Types() {
		if info.Doc == "" || len(info.Accepts) == 0 {
			t.Errorf("%s: Doc %q, Accepts %v: both are required for `poc metrics`", info.Type, info.Doc, info.Accepts)
		}
	}
}

// yamlDecode decodes a flow mapping into a spec, as the loader decodes a
// metric's block.
func yamlDecode(keys string, spec metrics.Spec) error {
	return yaml.Unmarshal([]byte(keys), spec)
}
