package metrics

import (
	"iter"
	"math"
	"slices"

	"github.com/poc-harness/poc/pipeline"
)

// Score metrics read Output.Score as the probability (or score) of the
// positive class. Records without a label, failed records and outputs
// without a score are left out and counted by reason in the detail.

var scoreKind = []string{"score"}

func init() {
	for _, d := range []struct {
		typ, doc string
		dir      Direction
		value    func(rows iter.Seq[[]float64]) float64
	}{
		{"roc_auc", "area under the ROC curve of the score: the chance a random positive scores above a random negative", HigherIsBetter, rocAUC},
		{"average_precision", "PR AUC as scikit-learn's average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over score thresholds", HigherIsBetter, averagePrecision},
		{"log_loss", "mean negative log-likelihood of the true label under the score (cross-entropy)", LowerIsBetter, logLoss},
		{"brier_score", "mean squared difference between the score and the 0/1 truth", LowerIsBetter, brier},
		{"ks_statistic", "Kolmogorov–Smirnov statistic: the largest gap TPR − FPR over score thresholds", HigherIsBetter, ksStatistic},
		{"gini", "Gini coefficient of the score (credit scoring): 2·AUC − 1", HigherIsBetter, func(rows iter.Seq[[]float64]) float64 { return 2*rocAUC(rows) - 1 }},
	} {
		register(Info{Type: d.typ, Doc: d.doc, Direction: d.dir, Accepts: scoreKind}, func(env Env) (Metric, error) {
			return newScoreMetric(env, d.typ, d.dir, d.value).build(), nil
		})
	}
	Register(Info{Type: "expected_calibration_error", Doc: "calibration gap of the score: Σ over equal-width bins (`bins:`, default 10) of |positive share − mean score| · bin share", Direction: LowerIsBetter, Accepts: scoreKind},
		func() Spec { return new(CalibrationSpec) })
	Register(Info{Type: "recall_at_fpr", Doc: "recall at the lowest score threshold whose false-positive rate is at most `fpr:`", Accepts: scoreKind},
		func() Spec { return new(RecallAtFPRSpec) })
	Register(Info{Type: "precision_at_k", Doc: "share of positives among the `k:` records with the highest scores (a review queue of k cases)", Accepts: scoreKind},
		func() Spec { return new(PrecisionAtKSpec) })
	Register(Info{Type: "expected_cost", Doc: "mean cost of a decision under a cost matrix (`cost_matrix: {fn: 5, fp: 1}`)", Direction: LowerIsBetter, Accepts: label},
		func() Spec { return new(CostMatrixSpec) })
}

// newScoreMetric is a rowMetric over rows (truth 0/1, score).
func newScoreMetric(env Env, typ string, dir Direction, value func(iter.Seq[[]float64]) float64) *rowMetric {
	positive := positiveOf(env)
	m := &rowMetric{name: env.Name, typ: typ, dir: dir, width: 3, value: value, reads: true}
	if byRank[typ] {
		m.sortKey = byScoreDesc
	}
	m.row = func(o Observation, r []float64) string {
		switch {
		case o.Truth == "":
			return "no label"
		case o.Pred.Failed():
			return "failed"
		case !o.Pred.Output.HasScore || math.IsNaN(o.Pred.Output.Score):
			return "no score"
		}
		r[0], r[1] = b2f(o.Truth == positive), o.Pred.Output.Score
		r[2] = recordLogLoss(r[0], r[1])
		return ""
	}
	return m
}

// recordLogLoss is one record's log loss, the score clipped to [ε, 1−ε] with
// ε the float64 machine epsilon (scikit-learn's eps="auto").
func recordLogLoss(y, score float64) float64 {
	const eps = 2.220446049250313e-16
	p := min(max(score, eps), 1-eps)
	if y == 1 {
		return -math.Log(p)
	}
	return -math.Log(1 - p)
}

// byRank lists the score metrics that walk the records by descending score.
var byRank = map[string]bool{"roc_auc": true, "average_precision": true, "ks_statistic": true, "gini": true, "recall_at_fpr": true, "precision_at_k": true}

// byScoreDesc orders score rows by descending score.
func byScoreDesc(r []float64) float64 { return -r[1] }

// rocWalk walks the ROC curve of rows sorted by descending score (sortKey
// byScoreDesc): after each group of tied scores, step gets the cumulative
// true and false positives. It returns the totals of positives and
// negatives.
func rocWalk(rows iter.Seq[[]float64], step func(tp, fp float64)) (pos, neg float64) {
	tp, fp, prev, started := 0.0, 0.0, 0.0, false
	for r := range rows {
		if started && r[1] != prev && step != nil {
			step(tp, fp)
		}
		started, prev = true, r[1]
		tp += r[0]
		fp += 1 - r[0]
	}
	if started && step != nil {
		step(tp, fp)
	}
	return tp, fp
}

// rocAUC is roc_auc_score: the area under the ROC curve by trapezoids,
// which counts tied scores half (the Mann–Whitney statistic).
func rocAUC(rows iter.Seq[[]float64]) float64 {
	area, lastTP, lastFP := 0.0, 0.0, 0.0
	pos, neg := rocWalk(rows, func(tp, fp float64) {
		area += (fp - lastFP) * (tp + lastTP) / 2
		lastTP, lastFP = tp, fp
	})
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return area / (pos * neg)
}

// averagePrecision is average_precision_score (step interpolation):
// Σ (Rₙ − Rₙ₋₁) Pₙ over thresholds.
func averagePrecision(rows iter.Seq[[]float64]) float64 {
	sum, lastTP := 0.0, 0.0
	pos, _ := rocWalk(rows, func(tp, fp float64) {
		sum += (tp - lastTP) * tp / (tp + fp)
		lastTP = tp
	})
	if pos == 0 {
		return math.NaN()
	}
	return sum / pos
}

// logLoss is log_loss: the mean of the per-record losses (row column 2).
func logLoss(rows iter.Seq[[]float64]) float64 {
	sum, n := 0.0, 0
	for r := range rows {
		sum += r[2]
		n++
	}
	return ratio(sum, float64(n))
}

// brier is brier_score_loss.
func brier(rows iter.Seq[[]float64]) float64 {
	sum, n := 0.0, 0
	for r := range rows {
		d := r[1] - r[0]
		sum += d * d
		n++
	}
	return ratio(sum, float64(n))
}

// ksStatistic is max(TPR − FPR) over the ROC curve, the two-sample KS
// statistic of the positives' and negatives' scores.
func ksStatistic(rows iter.Seq[[]float64]) float64 {
	pos, neg := rocWalk(rows, nil)
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	ks := 0.0
	rocWalk(rows, func(tp, fp float64) { ks = max(ks, tp/pos-fp/neg) })
	return ks
}

// CalibrationSpec configures expected_calibration_error:
//
//   - {name: ece, type: expected_calibration_error, bins: 10}
type CalibrationSpec struct {
	// Bins is the number of equal-width score bins over [0, 1] (default 10).
	Bins int `yaml:"bins"`
}

// Build checks the bins.
func (s *CalibrationSpec) Build(env Env) (Metric, error) {
	if s.Bins < 0 || s.Bins > 1000 {
		return nil, pipeline.Errorf("bins", "must be between 1 and 1000, got %d", s.Bins)
	}
	bins := s.Bins
	if bins == 0 {
		bins = 10
	}
	return newScoreMetric(env, "expected_calibration_error", LowerIsBetter, func(rows iter.Seq[[]float64]) float64 {
		return ece(rows, bins)
	}).build(), nil
}

// ece is Σ_b |mean truth_b − mean score_b| · n_b / n over equal-width bins;
// bin b holds scores in [b/B, (b+1)/B), the last bin includes 1.
func ece(rows iter.Seq[[]float64], bins int) float64 {
	acc, conf, cnt := make([]float64, bins), make([]float64, bins), make([]float64, bins)
	n := 0.0
	for r := range rows {
		b := min(max(int(math.Floor(r[1]*float64(bins))), 0), bins-1)
		acc[b] += r[0]
		conf[b] += r[1]
		cnt[b]++
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	e := 0.0
	for b := range bins {
		if cnt[b] > 0 {
			e += math.Abs(acc[b]-conf[b]) / n
		}
	}
	return e
}

// RecallAtFPRSpec configures recall_at_fpr:
//
//   - {name: recall_at_1pct, type: recall_at_fpr, fpr: 0.01}
type RecallAtFPRSpec struct {
	// FPR is the highest false-positive rate tolerated, in (0, 1).
	FPR float64 `yaml:"fpr"`
}

// Build checks the rate.
func (s *RecallAtFPRSpec) Build(env Env) (Metric, error) {
	if s.FPR <= 0 || s.FPR >= 1 {
		return nil, pipeline.Errorf("fpr", "must be between 0 and 1 (exclusive), e.g. `fpr: 0.01`; got %g", s.FPR)
	}
	target := s.FPR
	return newScoreMetric(env, "recall_at_fpr", HigherIsBetter, func(rows iter.Seq[[]float64]) float64 {
		pos, neg := rocWalk(rows, nil)
		if pos == 0 || neg == 0 {
			return math.NaN()
		}
		best := 0.0
		rocWalk(rows, func(tp, fp float64) {
			if fp/neg <= target {
				best = max(best, tp/pos)
			}
		})
		return best
	}).build(), nil
}

// PrecisionAtKSpec configures precision_at_k:
//
//   - {name: precision_at_500, type: precision_at_k, k: 500}
type PrecisionAtKSpec struct {
	// K is the number of highest-scored records reviewed.
	K int `yaml:"k"`
}

// Build checks k.
func (s *PrecisionAtKSpec) Build(env Env) (Metric, error) {
	if s.K < 1 {
		return nil, pipeline.Errorf("k", "missing or below 1: the number of highest-scored records reviewed, e.g. `k: 500`")
	}
	k := s.K
	return newScoreMetric(env, "precision_at_k", HigherIsBetter, func(rows iter.Seq[[]float64]) float64 {
		hits, seen := 0.0, 0
		for r := range rows { // by descending score, ties in replay order
			if seen == k {
				break
			}
			hits += r[0]
			seen++
		}
		return ratio(hits, float64(seen))
	}).build(), nil
}

// CostMatrixSpec configures expected_cost; every cost defaults to 0:
//
//   - {name: cost, type: expected_cost, cost_matrix: {fn: 5, fp: 1}}
type CostMatrixSpec struct {
	// CostMatrix holds the cost of each outcome: tp, fp, fn, tn.
	CostMatrix map[string]float64 `yaml:"cost_matrix"`
}

// Build checks the matrix.
func (s *CostMatrixSpec) Build(env Env) (Metric, error) {
	if len(s.CostMatrix) == 0 {
		return nil, pipeline.Errorf("cost_matrix", "missing: the cost of each outcome, e.g. `cost_matrix: {fn: 5, fp: 1}`")
	}
	var cost [4]float64
	for k, v := range s.CostMatrix {
		i := slices.Index([]string{"tp", "fp", "fn", "tn"}, k)
		if i < 0 {
			return nil, pipeline.Errorf("cost_matrix."+k, "unknown outcome %q: use tp, fp, fn or tn", k)
		}
		cost[i] = v
	}
	positive := positiveOf(env)
	m := &rowMetric{name: env.Name, typ: "expected_cost", dir: LowerIsBetter, width: 1, value: meanOf}
	m.row = func(o Observation, r []float64) string {
		c := binaryCode(o, positive)
		if c == codeNoTruth {
			return "no label"
		}
		r[0] = cost[c] // codeTP, codeFP, codeFN, codeTN are 0..3
		return ""
	}
	return m.build(), nil
}
