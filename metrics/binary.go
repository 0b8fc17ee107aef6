package metrics

import (
	"fmt"
	"math"
)

// Outcome codes of one record under a binary metric, as Classify gives them.
const (
	codeTP      = uint8(TruePositive)
	codeFP      = uint8(FalsePositive)
	codeFN      = uint8(FalseNegative)
	codeTN      = uint8(TrueNegative)
	codeNoTruth = uint8(Unlabelled) // the record has no label: it enters no count
)

// BinaryCounts is the confusion table of a binary decision.
type BinaryCounts struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
	TN int `json:"tn"`
}

// binaryRatio says how a binary metric is a ratio of confusion counts.
type binaryRatio func(c BinaryCounts) (num, den int)

type binaryDef struct {
	Info
	unit       string
	ratio      binaryRatio
	proportion bool // num counts records that are also counted in den
}

// label is the Accepts of metrics that read the predicted label.
var label = []string{"label"}

var binaryDefs = []binaryDef{
	{Info: Info{Type: "precision", Doc: "share of records flagged positive that are positive: TP / (TP + FP)", Accepts: label}, ratio: func(c BinaryCounts) (int, int) { return c.TP, c.TP + c.FP }, proportion: true},
	{Info: Info{Type: "recall", Doc: "share of positive records that were flagged: TP / (TP + FN)", Accepts: label}, ratio: func(c BinaryCounts) (int, int) { return c.TP, c.TP + c.FN }, proportion: true},
	{Info: Info{Type: "f1", Doc: "harmonic mean of precision and recall: 2TP / (2TP + FP + FN)", Accepts: label}, ratio: func(c BinaryCounts) (int, int) { return 2 * c.TP, 2*c.TP + c.FP + c.FN }},
	{Info: Info{Type: "specificity", Doc: "share of negative records left alone: TN / (TN + FP)", Accepts: label}, ratio: func(c BinaryCounts) (int, int) { return c.TN, c.TN + c.FP }, proportion: true},
	{Info: Info{Type: "false_positive_rate", Doc: "share of negative records wrongly flagged (customers wrongly blocked): FP / (FP + TN)", Direction: LowerIsBetter, Accepts: label}, ratio: func(c BinaryCounts) (int, int) { return c.FP, c.FP + c.TN }, proportion: true},
	{Info: Info{Type: "flag_rate", Doc: "share of all records flagged positive (the workload a decision creates)", Direction: LowerIsBetter, Accepts: label}, ratio: func(c BinaryCounts) (int, int) { return c.TP + c.FP, c.TP + c.FP + c.FN + c.TN }, proportion: true},
}

func init() {
	for _, d := range binaryDefs {
		register(d.Info, func(env Env) (Metric, error) {
			return &binaryMetric{def: d, name: env.Name, positive: positiveOf(env)}, nil
		})
	}
}

func positiveOf(env Env) string {
	if env.Positive == "" {
		return "1"
	}
	return env.Positive
}

// binaryCode classifies one observation against the positive class.
func binaryCode(o Observation, positive string) uint8 {
	return uint8(Classify(o.Truth, o.Pred.Output.Label, o.Pred.Failed(), positive))
}

type binaryMetric struct {
	def      binaryDef
	name     string
	positive string
}

func (m *binaryMetric) Name() string         { return m.name }
func (m *binaryMetric) Direction() Direction { return m.def.Direction }
func (m *binaryMetric) Unit() string         { return m.def.unit }
func (m *binaryMetric) New() Accumulator     { return &binaryAcc{m: m} }

// Columns reads no field of the record.
func (m *binaryMetric) Columns() ([]string, bool) { return nil, true }

// binaryAcc keeps one outcome code per record (a byte), enough to recompute
// any binary metric on a resample.
type binaryAcc struct {
	m     *binaryMetric
	codes outcomeCodes
	total [5]int
}

func (a *binaryAcc) outcomeCodes() (*outcomeCodes, string) { return &a.codes, a.m.positive }

// Reserve makes room for n records' codes.
func (a *binaryAcc) Reserve(n int) { a.codes.reserve(n) }

func (a *binaryAcc) Add(o Observation) {
	c := binaryCode(o, a.m.positive)
	a.codes.add(c)
	a.total[c]++
}

func (a *binaryAcc) Merge(other Accumulator) error {
	b, ok := other.(*binaryAcc)
	if !ok || b.m.def.Type != a.m.def.Type {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.def.Type)
	}
	a.codes.appendOwn(b.codes.all())
	for i := range a.total {
		a.total[i] += b.total[i]
	}
	return nil
}

func countsOf(t [5]int) BinaryCounts {
	return BinaryCounts{TP: t[codeTP], FP: t[codeFP], FN: t[codeFN], TN: t[codeTN]}
}

func (a *binaryAcc) Result() Result {
	c := countsOf(a.total)
	num, den := a.m.def.ratio(c)
	return Result{Value: ratio(float64(num), float64(den)), N: den, Detail: c}
}

func (a *binaryAcc) Len() int { return len(a.codes.all()) }

func (a *binaryAcc) ValueAt(idx []int) float64 {
	var t [5]int
	codes := a.codes.all()
	for _, i := range idx {
		t[codes[i]]++
	}
	num, den := a.m.def.ratio(countsOf(t))
	return ratio(float64(num), float64(den))
}

// Terms implements Summed: a record adds one to its confusion cell.
func (a *binaryAcc) Terms() int { return 4 }

// Term is the one-hot cell of record i (TP, FP, FN, TN; none without a
// label).
func (a *binaryAcc) Term(i int, dst []float64) {
	if c := a.codes.at(i); c < 4 {
		dst[c] = 1
	}
}

// FromSums is the ratio over the cells' counts.
func (a *binaryAcc) FromSums(s []float64) float64 {
	c := BinaryCounts{TP: int(s[codeTP]), FP: int(s[codeFP]), FN: int(s[codeFN]), TN: int(s[codeTN])}
	num, den := a.m.def.ratio(c)
	return ratio(float64(num), float64(den))
}

// Counts makes proportions (precision, recall, ...) eligible for the Wilson
// interval; F1 is not a proportion and reports ok=false.
// Outcome implements Outcomes for the proportion metrics.
func (a *binaryAcc) Outcome(i int) (counted, success bool) {
	var t [5]int
	t[a.codes.at(i)] = 1
	num, den := a.m.def.ratio(countsOf(t))
	return den > 0, num > 0
}

func (a *binaryAcc) Counts() (successes, trials int, ok bool) {
	num, den := a.m.def.ratio(countsOf(a.total))
	return num, den, a.m.def.proportion
}

func ratio(num, den float64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// WhyUndefined says which count a binary metric's ratio lacks: no record
// flagged (precision), no positive or negative record (recall,
// specificity), no labelled record at all.
func (a *binaryAcc) WhyUndefined(pipeline, positive string) string {
	c := countsOf(a.total)
	if _, den := a.m.def.ratio(c); den > 0 {
		return ""
	}
	switch {
	case c.TP+c.FP+c.FN+c.TN == 0:
		return "no replayed record has a label"
	case a.m.def.Type == "precision":
		return pipeline + " flags no record"
	case a.m.def.Type == "recall":
		return "no record is " + positive
	case a.m.def.Type == "f1":
		return "no record is " + positive + " and " + pipeline + " flags none"
	}
	return "no record is of another class than " + positive
}
