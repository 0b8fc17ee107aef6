package metrics_test

import (
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// An undefined value says why, for people; a defined one says nothing.
func TestWhyUndefined(t *testing.T) {
	label := func(truth, pred string) metrics.Observation {
		return metrics.Observation{Truth: truth, Pred: pipeline.Prediction{Output: pipeline.Output{Label: pred}}}
	}
	scored := func(truth string, score float64) metrics.Observation {
		return metrics.Observation{Truth: truth, Pred: pipeline.Prediction{Output: pipeline.Output{Label: "0", Score: score, HasScore: true}}}
	}
	grouped := func(group, truth, pred string) metrics.Observation {
		o := label(truth, pred)
		o.Record = datasets.Record{Fields: map[string]any{"amount": group}}
		return o
	}
	tests := []struct {
		name, typ string
		spec      func(metrics.Spec)
		obs       []metrics.Observation
		want      string
	}{
		{"precision of a pipeline that flags nothing", "precision", nil,
			[]metrics.Observation{label("1", "0"), label("0", "0")}, "never-block flags no record"},
		{"recall without a positive record", "recall", nil,
			[]metrics.Observation{label("0", "0"), label("0", "1")}, "no record is fraud (1)"},
		{"specificity without a negative record", "specificity", nil,
			[]metrics.Observation{label("1", "0")}, "no record is of another class than fraud (1)"},
		{"no label at all", "recall", nil, []metrics.Observation{label("", "1")}, "no replayed record has a label"},
		{"a defined precision", "precision", nil, []metrics.Observation{label("1", "1")}, ""},
		{"ROC AUC of a pipeline without scores", "roc_auc", nil,
			[]metrics.Observation{label("1", "1"), label("0", "0")}, "never-block gives no score"},
		{"ROC AUC on one class", "roc_auc", nil, []metrics.Observation{scored("0", 0.2), scored("0", 0.7)},
			"no scored record is fraud (1), so there is no ranking to measure"},
		{"a defined ROC AUC", "roc_auc", nil, []metrics.Observation{scored("0", 0.2), scored("1", 0.7)}, ""},
		{"parity of a pipeline that selects nobody", "demographic_parity_ratio",
			func(s metrics.Spec) { s.(*metrics.GroupSpec).Group = "amount" },
			[]metrics.Observation{grouped("a", "1", "0"), grouped("a", "0", "0"), grouped("b", "1", "0")},
			"never-block decides fraud (1) for no record in any group of amount, so there is no selection rate to compare"},
		{"parity with one group", "demographic_parity_ratio",
			func(s metrics.Spec) { s.(*metrics.GroupSpec).Group = "amount" },
			[]metrics.Observation{grouped("a", "1", "1"), grouped("a", "0", "0")},
			"fewer than two groups of amount have the records to compare"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			acc := build(t, tc.typ, tc.spec).New()
			for _, o := range tc.obs {
				acc.Add(o)
			}
			ex, ok := acc.(metrics.Explainer)
			if !ok {
				t.Fatalf("%s's accumulator (%T) does not say why its value is undefined", tc.typ, acc)
			}
			if got := ex.WhyUndefined("never-block", "fraud (1)"); got != tc.want {
				t.Errorf("WhyUndefined = %q, want %q (value %v)", got, tc.want, acc.Result().Value)
			}
		})
	}
}
