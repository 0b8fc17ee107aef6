package metrics

import (
	"fmt"
	"slices"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "weighted_recall", Doc: "share of the positive records' value (a numeric column, e.g. the fraud amount) that was flagged", Accepts: label},
		func() Spec { return &WeightSpec{recall: true} })
	Register(Info{Type: "weighted_precision", Doc: "share of the flagged records' value (a numeric column) that belongs to positive records", Accepts: label},
		func() Spec { return &WeightSpec{} })
}

// WeightSpec configures the value-weighted metrics:
//
//   - {name: money_caught, type: weighted_recall, weight: amount}
type WeightSpec struct {
	// Weight names the numeric column that weighs each record.
	Weight string `yaml:"weight"`
	recall bool
}

// Build checks the weight column.
func (s *WeightSpec) Build(env Env) (Metric, error) {
	if s.Weight == "" {
		return nil, pipeline.Errorf("weight", "missing: the numeric column that weighs each record, e.g. `weight: amount`")
	}
	if !env.HasColumn(s.Weight) {
		return nil, columnError(env, "weight", s.Weight)
	}
	return &weightedMetric{name: env.Name, weight: s.Weight, recall: s.recall, positive: positiveOf(env)}, nil
}

type weightedMetric struct {
	name     string
	weight   string
	recall   bool
	positive string
}

func (m *weightedMetric) Name() string         { return m.name }
func (m *weightedMetric) Direction() Direction { return HigherIsBetter }
func (m *weightedMetric) Unit() string         { return "" }
func (m *weightedMetric) New() Accumulator     { return &weightedAcc{m: m} }

// Columns is the weight column.
func (m *weightedMetric) Columns() ([]string, bool) { return []string{m.weight}, true }

// weightedAcc keeps the outcome code and the weight of every record. A
// missing or non-numeric weight counts as zero and is counted in Missing.
type weightedAcc struct {
	m       *weightedMetric
	codes   []uint8
	weights []float64
	missing int
}

// Reserve makes room for n records' codes and weights.
func (a *weightedAcc) Reserve(n int) {
	a.codes, a.weights = slices.Grow(a.codes, max(0, n-len(a.codes))), slices.Grow(a.weights, max(0, n-len(a.weights)))
}

// WeightedDetail is the detail of a value-weighted metric.
type WeightedDetail struct {
	// Caught is the weight in the numerator (positives flagged for recall,
	// flagged positives for precision).
	Caught float64 `json:"caught"`
	// Total is the weight in the denominator.
	Total float64 `json:"total"`
	// MissingWeights counts records whose weight was missing (counted as 0).
	MissingWeights int `json:"missing_weights"`
}

func (a *weightedAcc) Add(o Observation) {
	w, ok := datasets.ToFloat(o.Record.Fields[a.m.weight])
	if !ok {
		a.missing++
		w = 0
	}
	a.codes = append(a.codes, binaryCode(o, a.m.positive))
	a.weights = append(a.weights, w)
}

func (a *weightedAcc) Merge(other Accumulator) error {
	b, ok := other.(*weightedAcc)
	if !ok || b.m.recall != a.m.recall {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	a.codes = append(a.codes, b.codes...)
	a.weights = append(a.weights, b.weights...)
	a.missing += b.missing
	return nil
}

func (a *weightedAcc) sums(idx []int) (num, den float64) {
	one := func(i int) {
		switch a.codes[i] {
		case codeTP:
			num += a.weights[i]
			den += a.weights[i]
		case codeFN:
			if a.m.recall {
				den += a.weights[i]
			}
		case codeFP:
			if !a.m.recall {
				den += a.weights[i]
			}
		}
	}
	if idx == nil {
		for i := range a.codes {
			one(i)
		}
	} else {
		for _, i := range idx {
			one(i)
		}
	}
	return num, den
}

func (a *weightedAcc) Len() int { return len(a.codes) }

func (a *weightedAcc) ValueAt(idx []int) float64 { return ratio(a.sums(idx)) }

// Terms implements Summed: the weight in the numerator and in the
// denominator.
func (a *weightedAcc) Terms() int { return 2 }

// Term is record i's weight where it is caught and where it counts.
func (a *weightedAcc) Term(i int, dst []float64) {
	w := a.weights[i]
	switch a.codes[i] {
	case codeTP:
		dst[0], dst[1] = w, w
	case codeFN:
		if a.m.recall {
			dst[1] = w
		}
	case codeFP:
		if !a.m.recall {
			dst[1] = w
		}
	}
}

// FromSums is the caught weight's share.
func (a *weightedAcc) FromSums(s []float64) float64 { return ratio(s[0], s[1]) }

func (a *weightedAcc) Result() Result {
	num, den := a.sums(nil)
	n := 0
	for _, c := range a.codes {
		if c == codeTP || (a.m.recall && c == codeFN) || (!a.m.recall && c == codeFP) {
			n++
		}
	}
	return Result{Value: ratio(num, den), N: n, Detail: WeightedDetail{Caught: num, Total: den, MissingWeights: a.missing}}
}
