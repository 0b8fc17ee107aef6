package metrics

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
	"sync"
)

// anyKind is the Accepts of metrics that read the prediction itself, an
// expression or a subprocess rather than one output kind.
var anyKind = []string{"any"}

// rowMetric is a metric computed from a few numbers kept per record: most of
// the library is one. The accumulator keeps width float64 per record, so the
// value can be recomputed on any resample of positions (Resampler).
type rowMetric struct {
	name  string
	typ   string
	dir   Direction
	unit  string
	width int
	// row fills r (len width) from one observation; a non-empty reason
	// excludes the record, counted in the detail under that reason.
	row func(o Observation, r []float64) (reason string)
	// value is the metric over the included rows.
	value func(rows iter.Seq[[]float64]) float64
	// counts, when set, makes the accumulator a Proportion.
	counts func(rows iter.Seq[[]float64]) (successes, trials int)
	// binaryOnly makes the accumulator a proportion only when every value
	// it holds is 0 or 1 (a mean of per-record values that are outcomes).
	binaryOnly bool
	// why, when set, says why a value over rows that entered it is
	// undefined (Explainer).
	why func(rows iter.Seq[[]float64], pipeline, positive string) string
	// detail, when set, adds detail beyond the exclusions.
	detail func(rows iter.Seq[[]float64], excluded map[string]int) any
	// sortKey, when set, makes value and detail see the rows in ascending
	// order of the key (ties in replay order). The order is computed once,
	// so a bootstrap resample costs O(n), not a sort.
	sortKey func(r []float64) float64
	// reads, when set, says the row function reads no field of the record
	// but columns (Columns).
	reads   bool
	columns []string
}

func (m *rowMetric) Name() string         { return m.name }
func (m *rowMetric) Direction() Direction { return m.dir }
func (m *rowMetric) Unit() string {
	if m.unit == "" && plainNumbers[m.typ] {
		return Number
	}
	return m.unit
}

// plainNumbers are the row metrics whose value is a number, not a share:
// they are printed as numbers rather than percentages.
var plainNumbers = map[string]bool{
	"mae": true, "rmse": true, "r2": true, "log_loss": true, "cohen_kappa": true,
	"matthews_corrcoef": true, "expected_cost": true, "psi": true,
}

// Columns are the columns the rows read, when the metric knows them.
func (m *rowMetric) Columns() ([]string, bool) { return m.columns, m.reads }

func (m *rowMetric) New() Accumulator {
	if m.typ == "roc_auc" {
		return &aucAcc{rowAcc{m: m}}
	}
	return &rowAcc{m: m}
}

// aucAcc is the accumulator of ROC AUC: a rowAcc that also gives its
// scored outcomes, for DeLong's test between two pipelines.
type aucAcc struct{ rowAcc }

// ScoredOutcome implements ScoredOutcomes.
func (a *aucAcc) ScoredOutcome(i int) (counted, positive bool, score float64) {
	r := a.data[i*a.m.width : (i+1)*a.m.width]
	if math.IsNaN(r[0]) {
		return false, false, 0
	}
	return true, r[0] == 1, r[1]
}

// Merge appends the rows of another ROC AUC accumulator.
func (a *aucAcc) Merge(other Accumulator) error {
	if b, ok := other.(*aucAcc); ok {
		return a.rowAcc.Merge(&b.rowAcc)
	}
	return a.rowAcc.Merge(other)
}

// maxReasons bounds the distinct exclusion reasons kept in the detail (an
// expression's error text may differ on every record).
const maxReasons = 20

// rowAcc keeps m.width numbers per record; an excluded record keeps a row
// whose first number is NaN, so positions stay aligned with the replay.
type rowAcc struct {
	m        *rowMetric
	data     []float64
	n        int
	excluded map[string]int
	// With m.sortKey: the included rows in key order, the rank of each
	// position (-1 when excluded), both nil when stale; and scratch counts
	// of each rank in a resample.
	sorted []float64
	rank   []int32
	mult   []int32
}

// Add folds one observation in.
func (a *rowAcc) Add(o Observation) {
	start := len(a.data)
	for range a.m.width {
		a.data = append(a.data, 0)
	}
	r := a.data[start:]
	if why := a.m.row(o, r); why != "" {
		r[0] = math.NaN()
		if a.excluded == nil {
			a.excluded = map[string]int{}
		}
		if _, seen := a.excluded[why]; !seen && len(a.excluded) >= maxReasons {
			why = "other reasons"
		}
		a.excluded[why]++
	}
	a.n++
	a.sorted, a.rank = nil, nil
}

// Merge appends the rows of another accumulator of the same metric.
func (a *rowAcc) Merge(other Accumulator) error {
	b, ok := other.(*rowAcc)
	if !ok || b.m.typ != a.m.typ || b.m.width != a.m.width {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	a.data = append(a.data, b.data...)
	a.n += b.n
	a.sorted, a.rank = nil, nil
	for k, v := range b.excluded {
		if a.excluded == nil {
			a.excluded = map[string]int{}
		}
		a.excluded[k] += v
	}
	return nil
}

// rows iterates over the included rows at positions idx (all when nil),
// in the order of m.sortKey when set.
func (a *rowAcc) rows(idx []int) iter.Seq[[]float64] {
	w := a.m.width
	if a.m.sortKey != nil {
		return a.sortedRows(idx)
	}
	return func(yield func([]float64) bool) {
		visit := func(i int) bool {
			r := a.data[i*w : i*w+w : i*w+w]
			return math.IsNaN(r[0]) || yield(r)
		}
		if idx == nil {
			for i := range a.n {
				if !visit(i) {
					return
				}
			}
			return
		}
		for _, i := range idx {
			if !visit(i) {
				return
			}
		}
	}
}

// sortedRows iterates over the rows at idx in key order. The included rows
// are copied in that order once; a resample counts how often each rank is
// drawn and walks the copy, so it costs O(n) with sequential access.
func (a *rowAcc) sortedRows(idx []int) iter.Seq[[]float64] {
	w := a.m.width
	if a.rank == nil {
		var order []int32
		for i := range a.n {
			if !math.IsNaN(a.data[i*w]) {
				order = append(order, int32(i))
			}
		}
		key := make([]float64, a.n)
		for _, i := range order {
			key[i] = a.m.sortKey(a.data[int(i)*w : int(i)*w+w])
		}
		slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(key[x], key[y]) })
		a.rank = make([]int32, a.n)
		for i := range a.rank {
			a.rank[i] = -1
		}
		a.sorted = make([]float64, 0, len(order)*w)
		for r, i := range order {
			a.rank[i] = int32(r)
			a.sorted = append(a.sorted, a.data[int(i)*w:int(i)*w+w]...)
		}
	}
	sorted, rank := a.sorted, a.rank
	m := len(sorted) / w
	return func(yield func([]float64) bool) {
		if idx == nil {
			for r := range m {
				if !yield(sorted[r*w : r*w+w : r*w+w]) {
					return
				}
			}
			return
		}
		if len(a.mult) != m {
			a.mult = make([]int32, m)
		}
		mult := a.mult
		defer clear(mult)
		for _, i := range idx {
			if r := rank[i]; r >= 0 {
				mult[r]++
			}
		}
		for r, k := range mult {
			for range k {
				if !yield(sorted[r*w : r*w+w : r*w+w]) {
					return
				}
			}
		}
	}
}

// Len is the number of records added.
func (a *rowAcc) Len() int { return a.n }

// ValueAt is the metric over the records at positions idx.
func (a *rowAcc) ValueAt(idx []int) float64 { return a.m.value(a.rows(idx)) }

// Result returns the value over every record, with the exclusions in the detail.
func (a *rowAcc) Result() Result {
	n := 0
	for range a.rows(nil) {
		n++
	}
	r := Result{Value: a.m.value(a.rows(nil)), N: n}
	switch {
	case a.m.detail != nil:
		r.Detail = a.m.detail(a.rows(nil), a.excluded)
	case len(a.excluded) > 0:
		r.Detail = Exclusions{Excluded: a.excluded}
	}
	return r
}

// WhyUndefined says why the value is undefined: no record entered it (the
// pipeline gave no score or failed on every record, or no record has a
// label), or, for a metric of the ranking, the records hold one class.
func (a *rowAcc) WhyUndefined(pipeline, positive string) string {
	n, pos := 0, 0.0
	for r := range a.rows(nil) {
		n++
		pos += r[0]
	}
	switch {
	case !math.IsNaN(a.m.value(a.rows(nil))):
		return ""
	case n == 0 && a.excluded["no score"] > 0 && a.excluded["no score"]+a.excluded["no label"]+a.excluded["failed"] == a.n:
		return pipeline + " gives no score"
	case n == 0 && a.excluded["failed"] == a.n && a.n > 0:
		return pipeline + " failed on every record"
	case n == 0 && a.excluded["no label"] == a.n:
		return "no replayed record has a label"
	case n == 0:
		return "no record entered it"
	case byRank[a.m.typ] && pos == 0:
		return "no scored record is " + positive + ", so there is no ranking to measure"
	case byRank[a.m.typ] && pos == float64(n):
		return "every scored record is " + positive + ", so there is no ranking to measure"
	case a.m.why != nil:
		return a.m.why(a.rows(nil), pipeline, positive)
	}
	return ""
}

// rowProportion is a rowAcc whose value is a share of 0/1 outcomes.
type rowProportion struct{ rowAcc }

// Counts returns the successes and trials behind the share.
func (a *rowProportion) Counts() (successes, trials int, ok bool) {
	if a.m.binaryOnly {
		for r := range a.rows(nil) {
			if r[0] != 0 && r[0] != 1 {
				return 0, 0, false
			}
		}
	}
	s, n := a.m.counts(a.rows(nil))
	return s, n, true
}

// Merge appends the rows of another accumulator of the same metric.
func (a *rowProportion) Merge(other Accumulator) error {
	if b, ok := other.(*rowProportion); ok {
		return a.rowAcc.Merge(&b.rowAcc)
	}
	return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
}

// proportionMetric wraps a rowMetric with counts so that New returns a
// Proportion.
type proportionMetric struct{ *rowMetric }

func (m proportionMetric) New() Accumulator { return &rowProportion{rowAcc{m: m.rowMetric}} }

// build returns m as a Metric, a Proportion one when m.counts is set.
func (m *rowMetric) build() Metric {
	if m.counts != nil {
		return proportionMetric{m}
	}
	return m
}

// Exclusions is the detail of a library metric that left records out: the
// count of records by reason ("no score", "failed", "no label", ...).
type Exclusions struct {
	Excluded map[string]int `json:"excluded,omitempty"`
}

// meanOf is the mean of r[0] over the rows (NaN when there are none).
func meanOf(rows iter.Seq[[]float64]) float64 {
	sum, n := 0.0, 0
	for r := range rows {
		sum += r[0]
		n++
	}
	return ratio(sum, float64(n))
}

// shareCounts counts rows whose r[0] is 1, as successes of a share.
func shareCounts(rows iter.Seq[[]float64]) (successes, trials int) {
	for r := range rows {
		if r[0] == 1 {
			successes++
		}
		trials++
	}
	return successes, trials
}

// sumOf is Σr[0] and Σr[1] over the rows.
func sumOf(rows iter.Seq[[]float64]) (num, den float64) {
	for r := range rows {
		num += r[0]
		if len(r) > 1 {
			den += r[1]
		}
	}
	return num, den
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// interner gives stable small ids to labels, shared by every accumulator of
// one metric (so merged accumulators need no remapping). It is safe for
// concurrent use: the accumulators of several pipelines may share it.
type interner struct {
	mu    sync.Mutex
	ids   map[string]int
	names []string
}

// id returns s's id, -1 for "".
func (t *interner) id(s string) float64 {
	if s == "" {
		return -1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ids == nil {
		t.ids = map[string]int{}
	}
	i, ok := t.ids[s]
	if !ok {
		i = len(t.names)
		t.ids[s] = i
		t.names = append(t.names, s)
	}
	return float64(i)
}

// snapshot returns the names by id.
func (t *interner) snapshot() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.names...)
}

// sortedIDs returns ids in the order of their sorted names.
func sortedIDs(names []string) []int {
	ids := make([]int, len(names))
	for i := range ids {
		ids[i] = i
	}
	sort.Slice(ids, func(a, b int) bool { return names[ids[a]] < names[ids[b]] })
	return ids
}
