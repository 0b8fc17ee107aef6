package metrics

import (
	"iter"
	"math"
	"strings"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// Classification metrics over the predicted label. A failed or empty
// prediction is counted as the answer "(none)": it is wrong for every class
// and, for kappa and Matthews correlation, a category of its own. Records
// without a true label are left out.

func init() {
	for _, d := range []struct {
		typ, doc string
		kind     string
	}{
		{"class_precision", "precision for one class (`class: billing`): share of records predicted as the class that are of it", "precision"},
		{"class_recall", "recall for one class (`class: billing`): share of the class's records predicted as it", "recall"},
		{"class_f1", "F1 for one class (`class: billing`): 2TP / (2TP + FP + FN)", "f1"},
	} {
		Register(Info{Type: d.typ, Doc: d.doc, Accepts: label}, func() Spec { return &ClassSpec{kind: d.kind} })
	}
	for _, d := range []struct {
		typ, doc string
		value    func(cm confusion) float64
	}{
		{"f1_micro", "micro-averaged F1: 2ΣTP / (Σpredicted + Σtrue) over all classes (accuracy when every record gets an answer)", microF1},
		{"f1_weighted", "mean of per-class F1 weighted by each class's number of true records", weightedF1},
		{"balanced_accuracy", "mean of per-class recall over the classes present in the labels", balancedAccuracy},
		{"cohen_kappa", "Cohen's kappa: agreement of predicted and true labels beyond chance", cohenKappa},
		{"matthews_corrcoef", "Matthews correlation coefficient (multi-class R_K statistic), from -1 to 1", matthews},
	} {
		register(Info{Type: d.typ, Doc: d.doc, Accepts: label}, func(env Env) (Metric, error) {
			return newConfusionMetric(env.Name, d.typ, d.value).build(), nil
		})
	}
	Register(Info{Type: "top_k_accuracy", Doc: "share of records whose true label is among the first `k:` labels of the output's `top_k` list (the label alone when absent)", Accepts: []string{"label", "fields"}},
		func() Spec { return new(TopKSpec) })
	Register(Info{Type: "abstention_rate", Doc: "share of answered records where the pipeline abstained: empty or unparseable answer, or the `abstain_label:` (escalations)", Direction: LowerIsBetter, Accepts: label},
		func() Spec { return new(AbstainSpec) })
}

// predicted returns the label a classification metric sees: "" for a
// failed prediction.
func predicted(o Observation) string {
	if o.Pred.Failed() {
		return ""
	}
	return o.Pred.Output.Label
}

// confusion is a confusion matrix: cm[t][p] for k classes, with column k
// counting records without an answer.
type confusion struct {
	k  int
	cm [][]float64
	n  float64
}

func (c confusion) support(t int) float64 {
	s := 0.0
	for _, v := range c.cm[t] {
		s += v
	}
	return s
}

func (c confusion) predictedAs(p int) float64 {
	s := 0.0
	for t := range c.k {
		s += c.cm[t][p]
	}
	return s
}

// confusionMetric is a rowMetric over rows (true id, predicted id or -1).
func newConfusionMetric(name, typ string, value func(confusion) float64) *rowMetric {
	ids := new(interner)
	m := &rowMetric{name: name, typ: typ, width: 2, reads: true}
	m.row = func(o Observation, r []float64) string {
		if o.Truth == "" {
			return "no label"
		}
		r[0], r[1] = ids.id(o.Truth), ids.id(predicted(o))
		return ""
	}
	m.value = func(rows iter.Seq[[]float64]) float64 { return value(tally(rows, len(ids.snapshot()))) }
	return m
}

// tally builds the confusion matrix of the rows over k classes.
func tally(rows iter.Seq[[]float64], k int) confusion {
	c := confusion{k: k, cm: make([][]float64, k)}
	for i := range c.cm {
		c.cm[i] = make([]float64, k+1)
	}
	for r := range rows {
		p := int(r[1])
		if p < 0 {
			p = k
		}
		c.cm[int(r[0])][p]++
		c.n++
	}
	return c
}

// microF1 is scikit-learn's f1_score(average="micro") over the real classes.
func microF1(c confusion) float64 {
	tp, pred := 0.0, 0.0
	for i := range c.k {
		tp += c.cm[i][i]
		pred += c.predictedAs(i)
	}
	return ratio(2*tp, pred+c.n)
}

// weightedF1 is f1_score(average="weighted").
func weightedF1(c confusion) float64 {
	sum, total := 0.0, 0.0
	for i := range c.k {
		s := c.support(i)
		if s == 0 {
			continue
		}
		tp := c.cm[i][i]
		sum += s * 2 * tp / (s + c.predictedAs(i))
		total += s
	}
	return ratio(sum, total)
}

// balancedAccuracy is balanced_accuracy_score: the mean recall over classes
// with true records.
func balancedAccuracy(c confusion) float64 {
	sum, classes := 0.0, 0.0
	for i := range c.k {
		if s := c.support(i); s > 0 {
			sum += c.cm[i][i] / s
			classes++
		}
	}
	return ratio(sum, classes)
}

// cohenKappa is cohen_kappa_score, with "no answer" as a category.
func cohenKappa(c confusion) float64 {
	if c.n == 0 {
		return math.NaN()
	}
	po, pe := 0.0, 0.0
	for i := range c.k {
		po += c.cm[i][i]
		pe += c.support(i) * c.predictedAs(i)
	}
	po /= c.n
	pe /= c.n * c.n
	return ratio(po-pe, 1-pe)
}

// matthews is matthews_corrcoef (0 when a marginal is constant, as
// scikit-learn returns), with "no answer" as a category.
func matthews(c confusion) float64 {
	if c.n == 0 {
		return math.NaN()
	}
	correct, sumPT, sumP2, sumT2 := 0.0, 0.0, 0.0, 0.0
	for i := range c.k {
		t, p := c.support(i), c.predictedAs(i)
		correct += c.cm[i][i]
		sumPT += p * t
		sumP2 += p * p
		sumT2 += t * t
	}
	none := c.predictedAs(c.k)
	sumP2 += none * none
	s := c.n
	cov := correct*s - sumPT
	den := (s*s - sumP2) * (s*s - sumT2)
	if den == 0 {
		return 0
	}
	return cov / math.Sqrt(den)
}

// ClassSpec configures the per-class metrics:
//
//   - {name: billing_recall, type: class_recall, class: billing}
type ClassSpec struct {
	// Class is the class, as written in the label column.
	Class string `yaml:"class"`
	kind  string
}

// Build checks the class.
func (s *ClassSpec) Build(env Env) (Metric, error) {
	if s.Class == "" {
		return nil, pipeline.Errorf("class", "missing: the class to score, e.g. `class: billing`")
	}
	class := s.Class
	if msg := pipeline.LabelProblem(class, env.Labels); msg != "" {
		return nil, pipeline.Errorf("class", "%s", msg)
	}
	m := &rowMetric{name: env.Name, typ: "class_" + s.kind, width: 2, reads: true}
	m.row = func(o Observation, r []float64) string {
		if o.Truth == "" {
			return "no label"
		}
		r[0], r[1] = b2f(o.Truth == class), b2f(predicted(o) == class)
		return ""
	}
	// counts returns the numerator and denominator of the share.
	counts := func(rows iter.Seq[[]float64]) (num, den int) {
		tp, fp, fn := 0, 0, 0
		for r := range rows {
			switch {
			case r[0] == 1 && r[1] == 1:
				tp++
			case r[0] == 1:
				fn++
			case r[1] == 1:
				fp++
			}
		}
		switch s.kind {
		case "precision":
			return tp, tp + fp
		case "recall":
			return tp, tp + fn
		}
		return 2 * tp, 2*tp + fp + fn
	}
	m.value = func(rows iter.Seq[[]float64]) float64 {
		num, den := counts(rows)
		return ratio(float64(num), float64(den))
	}
	if s.kind != "f1" {
		m.counts = counts
	}
	return m.build(), nil
}

// TopKSpec configures top_k_accuracy:
//
//   - {name: top3, type: top_k_accuracy, k: 3}
//
// The pipeline puts its ranked labels in the output field `top_k` (a list);
// without it, the label alone is the list.
type TopKSpec struct {
	// K is how many of the ranked labels count (default 1).
	K int `yaml:"k"`
}

// Build checks k.
func (s *TopKSpec) Build(env Env) (Metric, error) {
	if s.K < 0 {
		return nil, pipeline.Errorf("k", "must be at least 1, got %d", s.K)
	}
	k := max(s.K, 1)
	m := &rowMetric{name: env.Name, typ: "top_k_accuracy", width: 1, counts: shareCounts, value: meanOf}
	m.row = func(o Observation, r []float64) string {
		if o.Truth == "" {
			return "no label"
		}
		r[0] = b2f(inTopK(o, k))
		return ""
	}
	return m.build(), nil
}

// inTopK reports whether the truth is among the first k labels of the
// output's top_k list (or is the label, without one).
func inTopK(o Observation, k int) bool {
	if o.Pred.Failed() {
		return false
	}
	list, ok := o.Pred.Output.Fields["top_k"].([]any)
	if !ok {
		if ss, isStrings := o.Pred.Output.Fields["top_k"].([]string); isStrings {
			for _, l := range ss {
				list = append(list, l)
			}
		} else {
			return o.Pred.Output.Label == o.Truth
		}
	}
	for i, l := range list {
		if i >= k {
			break
		}
		if datasets.FormatValue(l) == o.Truth {
			return true
		}
	}
	return false
}

// AbstainSpec configures abstention_rate:
//
//   - {name: escalations, type: abstention_rate, abstain_label: escalate}
type AbstainSpec struct {
	// AbstainLabel is a label that means "I do not decide" (optional).
	AbstainLabel string `yaml:"abstain_label"`
}

// Build returns the metric. Failed records are left out: error_rate
// counts them.
func (s *AbstainSpec) Build(env Env) (Metric, error) {
	abstain := s.AbstainLabel
	m := &rowMetric{name: env.Name, typ: "abstention_rate", dir: LowerIsBetter, width: 1, counts: shareCounts, value: meanOf}
	m.row = func(o Observation, r []float64) string {
		if o.Pred.Failed() {
			return "failed"
		}
		out := o.Pred.Output
		l := strings.TrimSpace(out.Label)
		r[0] = b2f(out.Unparseable || (l == "" && strings.TrimSpace(out.Text) == "") || (abstain != "" && l == abstain))
		return ""
	}
	return m.build(), nil
}
