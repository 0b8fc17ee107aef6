package metrics

import (
	"fmt"
	"math/bits"
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

// weightedAcc keeps the outcome code of every record and the weight of
// those that count (the positives for recall, the flagged for precision):
// the others' weights are never read. A missing or non-numeric weight
// counts as zero and is counted in Missing.
type weightedAcc struct {
	m       *weightedMetric
	codes   outcomeCodes
	weights countedWeights
	missing int
}

// counts reports whether a record of outcome code weighs in the metric.
func (m *weightedMetric) counts(code uint8) bool {
	return code == codeTP || (m.recall && code == codeFN) || (!m.recall && code == codeFP)
}

// Reserve makes room for n records' codes and weights.
func (a *weightedAcc) Reserve(n int) {
	a.codes.reserve(n)
	a.weights.reserve(n)
}

func (a *weightedAcc) outcomeCodes() (*outcomeCodes, string) { return &a.codes, a.m.positive }

// countedWeights holds the weights of the records that count, in record
// order, and a bitmap of which records those are, with the number of
// counted records before each 64 of them: record i's weight is found in
// constant time, and a million records of which few count take a fraction
// of a byte each instead of eight.
type countedWeights struct {
	bits   []uint64
	before []uint32 // counted records before word k of bits
	vals   []float64
	n      int
}

func (c *countedWeights) reserve(n int) {
	words := (n + 63) / 64
	c.bits, c.before = slices.Grow(c.bits, max(0, words-len(c.bits))), slices.Grow(c.before, max(0, words-len(c.before)))
}

// add appends a record, with its weight w when it counts.
func (c *countedWeights) add(w float64, counted bool) {
	if c.n%64 == 0 {
		c.bits, c.before = append(c.bits, 0), append(c.before, uint32(len(c.vals)))
	}
	if counted {
		c.bits[c.n/64] |= 1 << (c.n % 64)
		c.vals = append(c.vals, w)
	}
	c.n++
}

// at is the weight of record i, which must count.
func (c *countedWeights) at(i int) float64 {
	k := i / 64
	return c.vals[int(c.before[k])+bits.OnesCount64(c.bits[k]&(1<<(i%64)-1))]
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
	code := binaryCode(o, a.m.positive)
	a.codes.add(code)
	a.weights.add(w, a.m.counts(code))
}

func (a *weightedAcc) Merge(other Accumulator) error {
	b, ok := other.(*weightedAcc)
	if !ok || b.m.recall != a.m.recall {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	bc := b.codes.all()
	for i, code := range bc {
		w := 0.0
		if a.m.counts(code) {
			w = b.weights.at(i)
		}
		a.weights.add(w, a.m.counts(code))
	}
	a.codes.appendOwn(bc)
	a.missing += b.missing
	return nil
}

func (a *weightedAcc) sums(idx []int) (num, den float64) {
	one := func(i int) {
		code := a.codes.at(i)
		if !a.m.counts(code) {
			return
		}
		w := a.weights.at(i)
		if code == codeTP {
			num += w
		}
		den += w
	}
	if idx == nil {
		for i := range a.codes.all() {
			one(i)
		}
	} else {
		for _, i := range idx {
			one(i)
		}
	}
	return num, den
}

func (a *weightedAcc) Len() int { return len(a.codes.all()) }

func (a *weightedAcc) ValueAt(idx []int) float64 { return ratio(a.sums(idx)) }

// Terms implements Summed: the weight in the numerator and in the
// denominator.
func (a *weightedAcc) Terms() int { return 2 }

// Term is record i's weight where it is caught and where it counts.
func (a *weightedAcc) Term(i int, dst []float64) {
	code := a.codes.at(i)
	if !a.m.counts(code) {
		return
	}
	w := a.weights.at(i)
	if code == codeTP {
		dst[0] = w
	}
	dst[1] = w
}

// FromSums is the caught weight's share.
func (a *weightedAcc) FromSums(s []float64) float64 { return ratio(s[0], s[1]) }

func (a *weightedAcc) Result() Result {
	num, den := a.sums(nil)
	n := 0
	for _, c := range a.codes.all() {
		if a.m.counts(c) {
			n++
		}
	}
	return Result{Value: ratio(num, den), N: n, Detail: WeightedDetail{Caught: num, Total: den, MissingWeights: a.missing}}
}
