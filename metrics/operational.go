package metrics

import (
	"fmt"
	"github.com/poc-harness/poc/internal/stats"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/poc-harness/poc/pipeline"
)

func init() {
	for _, q := range []struct {
		typ string
		q   float64
	}{{"latency_p50", 0.50}, {"latency_p95", 0.95}, {"latency_p99", 0.99}} {
		register(Info{Type: q.typ, Doc: fmt.Sprintf("%g-th percentile of per-record latency, in milliseconds", q.q*100), Direction: LowerIsBetter, Accepts: anyKind},
			func(env Env) (Metric, error) { return &latencyMetric{name: env.Name, q: q.q}, nil })
	}
	Register(Info{Type: "latency", Doc: "a chosen quantile of per-record latency, in milliseconds (`quantile: 0.9`)", Direction: LowerIsBetter, Accepts: anyKind},
		func() Spec { return new(QuantileSpec) })
	register(Info{Type: "error_rate", Doc: "share of records on which the pipeline failed (an error, a timeout, no answer)", Direction: LowerIsBetter, Accepts: anyKind},
		func(env Env) (Metric, error) { return &errorRate{name: env.Name}, nil })
	register(Info{Type: "cost_per_record", Doc: "mean cost of one decision, in the experiment's currency", Direction: LowerIsBetter, Accepts: anyKind},
		func(env Env) (Metric, error) { return &costMetric{name: env.Name, currency: env.Currency}, nil })
	register(Info{Type: "cost_total", Doc: "total cost of the replay, in the experiment's currency", Direction: LowerIsBetter, Accepts: anyKind},
		func(env Env) (Metric, error) {
			return &costMetric{name: env.Name, currency: env.Currency, total: true}, nil
		})
}

// QuantileSpec configures `type: latency` with a quantile of one's choice.
type QuantileSpec struct {
	// Quantile is in (0, 1), e.g. 0.9 for the 90th percentile.
	Quantile float64 `yaml:"quantile"`
}

// Build checks the quantile.
func (s *QuantileSpec) Build(env Env) (Metric, error) {
	if s.Quantile <= 0 || s.Quantile >= 1 {
		return nil, pipeline.Errorf("quantile", "must be between 0 and 1 (exclusive), e.g. 0.9 for the 90th percentile; got %g", s.Quantile)
	}
	return &latencyMetric{name: env.Name, q: s.Quantile}, nil
}

type latencyMetric struct {
	name string
	q    float64
}

func (m *latencyMetric) Name() string         { return m.name }
func (m *latencyMetric) Direction() Direction { return LowerIsBetter }
func (m *latencyMetric) Unit() string         { return "ms" }
func (m *latencyMetric) New() Accumulator     { return &latencyAcc{m: m} }

// Columns reads no field of the record.
func (m *latencyMetric) Columns() ([]string, bool) { return nil, true }

// latencyAcc keeps every record's latency in milliseconds; failed records
// count with the time they took (a timeout is a slow answer, not no answer).
type latencyAcc struct {
	m  *latencyMetric
	ms []float64
	// shared, once set (ShareLatencies), gives the latencies in place of
	// ms: a column holding one per Add, in order; n counts the Adds.
	shared func() []float64
	n      int
	// result is Result's, worked out once for the len(values()) of resultN
	// (a quantile of millions of latencies is read by every analysis),
	// under mu: analyses may ask at once.
	mu      sync.Mutex
	result  Result
	resultN int
}

// ShareLatencies implements LatencySharer.
func (a *latencyAcc) ShareLatencies(col func() []float64) {
	if len(a.ms) > 0 {
		return // some latencies are its own already
	}
	a.shared, a.ms = col, nil
}

// values are the latencies added: the shared column's first n, or its own.
// Read them, do not change them.
func (a *latencyAcc) values() []float64 {
	if a.shared != nil {
		return a.shared()[:a.n:a.n]
	}
	return a.ms
}

// Reserve makes room for n records' latencies (none when they are shared).
func (a *latencyAcc) Reserve(n int) {
	if a.shared == nil {
		a.ms = slices.Grow(a.ms, max(0, n-len(a.ms)))
	}
}

func (a *latencyAcc) Add(o Observation) {
	if a.shared != nil {
		a.n++
		return
	}
	a.ms = append(a.ms, float64(o.Pred.Latency)/float64(time.Millisecond))
}

func (a *latencyAcc) Merge(other Accumulator) error {
	b, ok := other.(*latencyAcc)
	if !ok || b.m.q != a.m.q {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	own := append(slices.Clone(a.values()), b.values()...)
	a.ms, a.shared, a.n = own, nil, 0
	return nil
}

func (a *latencyAcc) Len() int { return len(a.values()) }

func (a *latencyAcc) ValueAt(idx []int) float64 {
	ms := a.values()
	v := make([]float64, len(idx))
	for k, i := range idx {
		v[k] = ms[i]
	}
	return quantileOf(v, a.m.q)
}

func (a *latencyAcc) Quantile() (float64, []float64) { return a.m.q, a.values() }

func (a *latencyAcc) Result() Result {
	ms := a.values()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.resultN != len(ms) || len(ms) == 0 {
		a.result, a.resultN = Result{Value: quantileOf(slices.Clone(ms), a.m.q), N: len(ms)}, len(ms)
	}
	return a.result
}

// quantileOf is quantileSorted of v once sorted, found by selection (v is
// reordered): two order statistics, not the whole order.
func quantileOf(v []float64, q float64) float64 {
	return typeSeven(len(v), q, func(i int) float64 { return stats.Select(v, i) },
		func(i int) float64 { return slices.Min(v[i:]) }) // v[i:] holds nothing below v[i-1]
}

// quantileSorted is the q-quantile of sorted values with linear interpolation
// between order statistics (Hyndman–Fan type 7, numpy's default).
func quantileSorted(v []float64, q float64) float64 {
	return typeSeven(len(v), q, func(i int) float64 { return v[i] }, func(i int) float64 { return v[i] })
}

// typeSeven interpolates linearly between the order statistics of n values
// around q·(n−1): stat(i) is the i-th smallest (0-based), and next(i+1)
// the one after it, asked for after stat(i); NaN for no values.
func typeSeven(n int, q float64, stat, next func(i int) float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo+1 >= n {
		return stat(n - 1)
	}
	a := stat(lo)
	return a + (h-float64(lo))*(next(lo+1)-a)
}

type errorRate struct{ name string }

func (m *errorRate) Name() string         { return m.name }
func (m *errorRate) Direction() Direction { return LowerIsBetter }
func (m *errorRate) Unit() string         { return "" }
func (m *errorRate) New() Accumulator     { return &errorAcc{m: m} }

// Columns reads no field of the record.
func (m *errorRate) Columns() ([]string, bool) { return nil, true }

// errorAcc keeps whether each record failed.
type errorAcc struct {
	m      *errorRate
	failed []bool
	count  int
}

// Reserve makes room for n records' outcomes.
func (a *errorAcc) Reserve(n int) { a.failed = slices.Grow(a.failed, max(0, n-len(a.failed))) }

func (a *errorAcc) Add(o Observation) {
	f := o.Pred.Failed()
	a.failed = append(a.failed, f)
	if f {
		a.count++
	}
}

func (a *errorAcc) Merge(other Accumulator) error {
	b, ok := other.(*errorAcc)
	if !ok {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	a.failed = append(a.failed, b.failed...)
	a.count += b.count
	return nil
}

func (a *errorAcc) Len() int { return len(a.failed) }

func (a *errorAcc) ValueAt(idx []int) float64 {
	n := 0
	for _, i := range idx {
		if a.failed[i] {
			n++
		}
	}
	return ratio(float64(n), float64(len(idx)))
}

// Terms implements Summed: a failure and a record.
func (a *errorAcc) Terms() int { return 2 }

// Term is (1 if record i failed, 1).
func (a *errorAcc) Term(i int, dst []float64) {
	if a.failed[i] {
		dst[0] = 1
	}
	dst[1] = 1
}

// FromSums is the share of failures.
func (a *errorAcc) FromSums(s []float64) float64 { return ratio(s[0], s[1]) }

func (a *errorAcc) Counts() (int, int, bool) { return a.count, len(a.failed), true }

// Outcome implements Outcomes: every record counts; a failure is the "success".
func (a *errorAcc) Outcome(i int) (counted, success bool) { return true, a.failed[i] }

func (a *errorAcc) Result() Result {
	return Result{Value: ratio(float64(a.count), float64(len(a.failed))), N: len(a.failed)}
}

type costMetric struct {
	name     string
	currency string
	total    bool
}

func (m *costMetric) Name() string         { return m.name }
func (m *costMetric) Direction() Direction { return LowerIsBetter }
func (m *costMetric) Unit() string {
	if m.currency == "" {
		return "USD"
	}
	return m.currency
}
func (m *costMetric) New() Accumulator { return &costAcc{m: m} }

// Columns reads no field of the record.
func (m *costMetric) Columns() ([]string, bool) { return nil, true }

// costAcc keeps every record's cost, as the pipeline reported it on the
// output.
type costAcc struct {
	m *costMetric
	// n is the records added; cost their costs, nil while every one is
	// zero (a pipeline without a price costs no memory per record).
	n    int
	cost []float64
}

func (a *costAcc) Add(o Observation) {
	c := o.Pred.Output.Cost
	if a.cost == nil && c != 0 {
		a.cost = make([]float64, a.n, max(2*a.n, 1024))
	}
	if a.cost != nil {
		a.cost = append(a.cost, c)
	}
	a.n++
}

// AdoptCosts implements CostAdopter.
func (a *costAcc) AdoptCosts(col []float64) bool {
	if a.cost == nil || len(col) < a.n || len(a.cost) != a.n {
		return a.cost == nil
	}
	for i, c := range a.cost {
		if math.Float64bits(c) != math.Float64bits(col[i]) {
			return false
		}
	}
	a.cost = col[:a.n:a.n]
	return true
}

// at is the cost of record i.
func (a *costAcc) at(i int) float64 {
	if a.cost == nil {
		return 0
	}
	return a.cost[i]
}

func (a *costAcc) Merge(other Accumulator) error {
	b, ok := other.(*costAcc)
	if !ok || b.m.total != a.m.total {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.name)
	}
	if a.cost == nil && b.cost != nil {
		a.cost = make([]float64, a.n, a.n+b.n)
	}
	if a.cost != nil {
		for i := range b.n {
			a.cost = append(a.cost, b.at(i))
		}
	}
	a.n += b.n
	return nil
}

func (a *costAcc) Len() int { return a.n }

func (a *costAcc) ValueAt(idx []int) float64 {
	sum := 0.0
	for _, i := range idx {
		sum += a.at(i)
	}
	if a.m.total {
		return sum
	}
	return ratio(sum, float64(len(idx)))
}

// Terms implements Summed: a record's cost and the record.
func (a *costAcc) Terms() int { return 2 }

// Term is (record i's cost, 1).
func (a *costAcc) Term(i int, dst []float64) { dst[0], dst[1] = a.at(i), 1 }

// FromSums is the total or mean cost.
func (a *costAcc) FromSums(s []float64) float64 {
	if a.m.total {
		return s[0]
	}
	return ratio(s[0], s[1])
}

func (a *costAcc) Result() Result {
	sum := 0.0
	for _, c := range a.cost {
		sum += c
	}
	if a.m.total {
		return Result{Value: sum, N: a.n}
	}
	return Result{Value: ratio(sum, float64(a.n)), N: a.n}
}
