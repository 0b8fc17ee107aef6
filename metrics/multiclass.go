package metrics

import (
	"fmt"
	"sort"
	"sync"
)

func init() {
	register(Info{Type: "accuracy", Doc: "share of records whose predicted label equals the true label", Accepts: label},
		func(env Env) (Metric, error) { return &classMetric{name: env.Name, kind: "accuracy"}, nil })
	register(Info{Type: "macro_f1", Doc: "unweighted mean of per-class F1 over every class seen in labels or predictions", Accepts: label},
		func(env Env) (Metric, error) { return &classMetric{name: env.Name, kind: "macro_f1"}, nil })
	register(Info{Type: "confusion_matrix", Doc: "counts of true label by predicted label; its value is the share on the diagonal (accuracy)", Accepts: label},
		func(env Env) (Metric, error) { return &classMetric{name: env.Name, kind: "confusion_matrix"}, nil })
}

// ConfusionMatrix is the detail of the multi-class metrics: Counts[i][j] is
// the number of records of true class Labels[i] predicted as Labels[j]. A
// failed or empty prediction is counted in the column "(none)" when present.
type ConfusionMatrix struct {
	Labels []string `json:"labels"`
	Counts [][]int  `json:"counts"`
}

type classMetric struct {
	name string
	kind string
}

func (m *classMetric) Name() string         { return m.name }
func (m *classMetric) Direction() Direction { return HigherIsBetter }
func (m *classMetric) Unit() string         { return "" }

// Columns reads no field of the record.
func (m *classMetric) Columns() ([]string, bool) { return nil, true }

func (m *classMetric) New() Accumulator {
	return &classAcc{m: m, index: map[string]int32{}}
}

// classAcc keeps the (true, predicted) class ids of every record.
type classAcc struct {
	m      *classMetric
	index  map[string]int32
	labels []string
	truth  []int32 // -1: no label
	pred   []int32 // -1: no prediction (failed or empty)

	// pairs holds, for every record, its cell of the confusion matrix
	// with a row and a column for "none" (pairCell), for as many records
	// and classes as pairsFor says; made on first use by tally, which a
	// bootstrap calls thousands of times.
	mu       sync.Mutex
	pairs    []uint32
	pairsFor [2]int // records, classes
}

func (a *classAcc) id(label string) int32 {
	if label == "" {
		return -1
	}
	if i, ok := a.index[label]; ok {
		return i
	}
	i := int32(len(a.labels))
	a.index[label] = i
	a.labels = append(a.labels, label)
	return i
}

func (a *classAcc) Add(o Observation) {
	p := ""
	if !o.Pred.Failed() {
		p = o.Pred.Output.Label
	}
	a.truth = append(a.truth, a.id(o.Truth))
	a.pred = append(a.pred, a.id(p))
}

func (a *classAcc) Merge(other Accumulator) error {
	b, ok := other.(*classAcc)
	if !ok || b.m.kind != a.m.kind {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.kind)
	}
	remap := func(i int32) int32 {
		if i < 0 {
			return -1
		}
		return a.id(b.labels[i])
	}
	for k := range b.truth {
		a.truth = append(a.truth, remap(b.truth[k]))
		a.pred = append(a.pred, remap(b.pred[k]))
	}
	return nil
}

func (a *classAcc) Len() int { return len(a.truth) }

// tally counts, over the records at idx (all records when idx is nil), the
// correct predictions, the labelled records and per-class TP, FP, FN. It
// counts the records of each cell of the confusion matrix, then reads the
// counts from the cells.
func (a *classAcc) tally(idx []int) (correct, labelled int, tp, fp, fn []int) {
	k := len(a.labels)
	w := k + 1
	n := len(a.truth)
	if idx != nil {
		n = len(idx)
	}
	if w*w > n {
		// More cells than records: count the records one by one.
		return a.tallyRecords(idx)
	}
	pairs := a.pairCells()
	cells := make([]int, w*w)
	if idx == nil {
		for _, c := range pairs {
			cells[c]++
		}
	} else {
		for _, i := range idx {
			cells[pairs[i]]++
		}
	}
	tp, fp, fn = make([]int, k), make([]int, k), make([]int, k)
	for t := range k { // row 0 is the records without a label: not counted
		row := cells[(t+1)*w : (t+2)*w]
		for col, n := range row {
			if n == 0 {
				continue
			}
			labelled += n
			switch p := col - 1; {
			case p == t:
				correct += n
				tp[t] += n
			default:
				fn[t] += n
				if p >= 0 {
					fp[p] += n
				}
			}
		}
	}
	return correct, labelled, tp, fp, fn
}

// tallyRecords is tally, record by record.
func (a *classAcc) tallyRecords(idx []int) (correct, labelled int, tp, fp, fn []int) {
	k := len(a.labels)
	tp, fp, fn = make([]int, k), make([]int, k), make([]int, k)
	n := len(a.truth)
	if idx != nil {
		n = len(idx)
	}
	for j := range n {
		i := j
		if idx != nil {
			i = idx[j]
		}
		t, p := a.truth[i], a.pred[i]
		if t < 0 {
			continue
		}
		labelled++
		if t == p {
			correct++
			tp[t]++
			continue
		}
		fn[t]++
		if p >= 0 {
			fp[p]++
		}
	}
	return correct, labelled, tp, fp, fn
}

// pairCells returns every record's cell of the confusion matrix, (truth+1)
// × (classes+1) + (prediction+1), made once for the records and classes
// added so far. It is safe for concurrent use (Add is not).
func (a *classAcc) pairCells() []uint32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := len(a.labels)
	if a.pairsFor == [2]int{len(a.truth), k} && a.pairs != nil {
		return a.pairs
	}
	w := uint32(k + 1)
	pairs := make([]uint32, len(a.truth))
	for i, t := range a.truth {
		pairs[i] = uint32(t+1)*w + uint32(a.pred[i]+1)
	}
	a.pairs, a.pairsFor = pairs, [2]int{len(a.truth), k}
	return pairs
}

func (a *classAcc) value(idx []int) (float64, int) {
	correct, labelled, tp, fp, fn := a.tally(idx)
	if a.m.kind != "macro_f1" {
		return ratio(float64(correct), float64(labelled)), labelled
	}
	// Macro F1 as scikit-learn's f1_score(average="macro"): the mean of
	// 2TP/(2TP+FP+FN) over classes present in the labels or predictions.
	sum, classes := 0.0, 0
	for c := range tp {
		d := 2*tp[c] + fp[c] + fn[c]
		if d == 0 {
			continue
		}
		sum += 2 * float64(tp[c]) / float64(d)
		classes++
	}
	return ratio(sum, float64(classes)), labelled
}

func (a *classAcc) ValueAt(idx []int) float64 {
	v, _ := a.value(idx)
	return v
}

// Terms implements Summed for accuracy (a correct and a labelled record;
// the confusion matrix's value is accuracy too); macro F1 needs every
// class's counts and is resampled record by record.
func (a *classAcc) Terms() int {
	if a.m.kind == "macro_f1" {
		return 0
	}
	return 2
}

// Term is (1 if record i is labelled and predicted right, 1 if labelled).
func (a *classAcc) Term(i int, dst []float64) {
	if a.truth[i] < 0 {
		return
	}
	dst[1] = 1
	if a.truth[i] == a.pred[i] {
		dst[0] = 1
	}
}

// FromSums is accuracy.
func (a *classAcc) FromSums(s []float64) float64 { return ratio(s[0], s[1]) }

// Outcome implements Outcomes: a labelled record, predicted right or not.
func (a *classAcc) Outcome(i int) (counted, success bool) {
	return a.truth[i] >= 0, a.truth[i] >= 0 && a.truth[i] == a.pred[i]
}

func (a *classAcc) Counts() (successes, trials int, ok bool) {
	correct, labelled, _, _, _ := a.tally(nil)
	return correct, labelled, a.m.kind != "macro_f1"
}

func (a *classAcc) Result() Result {
	v, n := a.value(nil)
	r := Result{Value: v, N: n}
	if a.m.kind == "confusion_matrix" {
		r.Detail = a.matrix()
	}
	return r
}

// matrix builds the confusion matrix with labels sorted.
func (a *classAcc) matrix() ConfusionMatrix {
	labels := append([]string(nil), a.labels...)
	sort.Strings(labels)
	pos := make(map[int32]int, len(labels))
	for i, l := range labels {
		pos[a.index[l]] = i
	}
	none := -1
	for _, p := range a.pred {
		if p < 0 {
			none = len(labels)
			labels = append(labels, "(none)")
			break
		}
	}
	counts := make([][]int, len(labels))
	for i := range counts {
		counts[i] = make([]int, len(labels))
	}
	for k, t := range a.truth {
		if t < 0 {
			continue
		}
		col := none
		if p := a.pred[k]; p >= 0 {
			col = pos[p]
		}
		counts[pos[t]][col]++
	}
	return ConfusionMatrix{Labels: labels, Counts: counts}
}
