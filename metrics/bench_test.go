package metrics_test

import (
	"math/rand/v2"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// BenchmarkValueAt measures one bootstrap resample of 20,000 records, the
// hot path of the statistics layer (2,000 resamples per metric and pipeline).
func BenchmarkValueAt(b *testing.B) {
	const n = 20000
	rng := rand.New(rand.NewPCG(1, 2))
	obs := make([]metrics.Observation, n)
	for i := range obs {
		truth := "0"
		if rng.Float64() < 0.03 {
			truth = "1"
		}
		score := rng.Float64()
		obs[i] = metrics.Observation{
			Record: datasets.Record{Seq: i, Fields: map[string]any{"amount": rng.Float64() * 1000, "group": string("abcd"[i%4])}},
			Truth:  truth,
			Pred:   pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: datasets.FormatValue(score > 0.9), Score: score, HasScore: true}},
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = rng.IntN(n)
	}
	for _, tc := range []struct{ typ, keys string }{
		{"roc_auc", ""}, {"average_precision", ""}, {"precision_at_k", "{k: 500}"}, {"log_loss", ""},
		{"psi", "{column: amount}"}, {"equalized_odds_difference", "{group: group}"}, {"matthews_corrcoef", ""},
		{"expr", `{value: amount, where: 'label == "1"', aggregate: sum}`},
	} {
		b.Run(tc.typ, func(b *testing.B) {
			f, _ := metrics.Lookup(tc.typ)
			s := f()
			if tc.keys != "" {
				if err := yamlDecode(tc.keys, s); err != nil {
					b.Fatal(err)
				}
			}
			m, err := s.Build(metrics.Env{Name: tc.typ, Columns: libraryColumns, Positive: "1"})
			if err != nil {
				b.Fatal(err)
			}
			acc := m.New()
			for _, o := range obs {
				acc.Add(o)
			}
			rs := acc.(metrics.Resampler)
			rs.ValueAt(idx)
			b.ResetTimer()
			for range b.N {
				rs.ValueAt(idx)
			}
		})
	}
}
