package runner

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/poc-harness/poc/internal/results"
)

// sharedData is the folder of real public datasets beside the repository.
const sharedData = "../../../shared/data"

// TestAcceptanceOnRealData runs the acceptance experiments of
// experiments/acceptance/ on the shared public datasets, each into a full
// run folder, and checks their key figures against what is published for
// these datasets (figures and verdicts: bench/RESULTS.md).
func TestAcceptanceOnRealData(t *testing.T) {
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("the shared datasets are not beside the repository (%s): %v", sharedData, err)
	}
	if testing.Short() {
		t.Skip("trains models on real data; run without -short")
	}
	tests := []struct {
		file string
		// figures: pipeline, metric, plausible range.
		checks []figure
	}{
		{"../../experiments/acceptance/german-credit.yaml", []figure{
			// Published ROC AUC of logistic regression on German credit: about 0.75–0.80.
			{"logistic", "roc_auc", 0.74, 0.82},
			{"logistic", "accuracy", 0.68, 0.80},
		}},
		{"../../experiments/acceptance/banking77.yaml", []figure{
			// TF-IDF + linear baselines on Banking77 reach about 0.85–0.89 accuracy.
			{"tfidf-logistic", "accuracy", 0.85, 0.92},
			{"tfidf-logistic", "macro_f1", 0.85, 0.92},
		}},
		{"../../experiments/acceptance/hmda-mortgage.yaml", []figure{
			// A logit of the denials on these variables (as in Stock & Watson's chapter on
			// binary dependent variables) ranks them with an AUC of about 0.81 here.
			{"logistic", "roc_auc", 0.76, 0.87},
		}},
		{"../../experiments/acceptance/ulb-fraud.yaml", []figure{
			{"logistic", "roc_auc", 0.95, 1},
			{"logistic", "recall_at_1pct_fpr", 0.80, 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			exp, err := Load(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Run(context.Background(), exp, Options{Out: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{results.VerdictFile, results.MetricsFile, results.PredictionsFile, "report.html"} {
				if _, err := os.Stat(out.Dir + "/" + f); err != nil {
					t.Errorf("run folder lacks %s", f)
				}
			}
			for _, c := range tc.checks {
				v := metricValue(out.Run, c.pipeline, c.metric)
				if math.IsNaN(v) || v < c.lo || v > c.hi {
					t.Errorf("%s of %s = %.4f, want within [%g, %g]", c.metric, c.pipeline, v, c.lo, c.hi)
				}
			}
			t.Logf("%s: verdict %s — %s", exp.Name, out.Run.Verdict.Verdict, out.Run.Verdict.Reason)
		})
	}
}

type figure struct {
	pipeline, metric string
	lo, hi           float64
}

func metricValue(run *results.Run, pipeline, metric string) float64 {
	for _, p := range run.Metrics.Pipelines {
		if p.Name != pipeline {
			continue
		}
		for _, e := range p.Metrics {
			if e.Metric == metric {
				return float64(e.Value)
			}
		}
	}
	return float64(results.NaN())
}
