package analysis

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
)

// fakeMetric is a metric of the given accumulator.
type fakeMetric struct {
	name  string
	lower bool
	acc   func() metrics.Accumulator
}

func (f fakeMetric) Name() string { return f.name }
func (f fakeMetric) Direction() metrics.Direction {
	if f.lower {
		return metrics.LowerIsBetter
	}
	return metrics.HigherIsBetter
}
func (f fakeMetric) Unit() string             { return metrics.Number }
func (f fakeMetric) New() metrics.Accumulator { return f.acc() }

// meanAcc is the mean of per-record values: a Resampler.
type meanAcc struct{ values []float64 }

func (a *meanAcc) Add(metrics.Observation)         {}
func (a *meanAcc) Merge(metrics.Accumulator) error { return nil }
func (a *meanAcc) Result() metrics.Result {
	return metrics.Result{Value: a.ValueAt(nil), N: len(a.values)}
}
func (a *meanAcc) Len() int { return len(a.values) }
func (a *meanAcc) ValueAt(idx []int) float64 {
	if idx == nil {
		idx = make([]int, len(a.values))
		for i := range idx {
			idx[i] = i
		}
	}
	var s float64
	for _, i := range idx {
		s += a.values[i]
	}
	return s / float64(len(idx))
}

// noisyAcc is a mean with a measured extra variance, as an LLM judge's.
type noisyAcc struct {
	meanAcc
	extra float64
}

func (a *noisyAcc) ExtraVariance() float64 { return a.extra }

// shareNoLen is a proportion with record outcomes that does not say how
// many records it holds: legal by each interface's documentation alone.
type shareNoLen struct{ k, n int }

func (a *shareNoLen) Add(metrics.Observation)         {}
func (a *shareNoLen) Merge(metrics.Accumulator) error { return nil }
func (a *shareNoLen) Result() metrics.Result {
	return metrics.Result{Value: float64(a.k) / float64(a.n), N: a.n}
}
func (a *shareNoLen) Counts() (int, int, bool)   { return a.k, a.n, true }
func (a *shareNoLen) Outcome(i int) (bool, bool) { return true, i < a.k }

// boundedAcc reports its own interval, as a command metric in final mode.
type boundedAcc struct{ value, lo, hi float64 }

func (a *boundedAcc) Add(metrics.Observation)          {}
func (a *boundedAcc) Merge(metrics.Accumulator) error  { return nil }
func (a *boundedAcc) Result() metrics.Result           { return metrics.Result{Value: a.value, N: 100} }
func (a *boundedAcc) Bounds() (float64, float64, bool) { return a.lo, a.hi, true }

func values(n int, f func(i int) float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = f(i)
	}
	return v
}

// An accumulator with record outcomes but no record count used to make the
// verdict panic; now the analysis refuses it with the reason, and Check
// (what validate and metricstest.Conformance call) says so before any run.
func TestInconsistentAccumulatorIsAnErrorNotAPanic(t *testing.T) {
	m := fakeMetric{name: "share", acc: func() metrics.Accumulator { return &shareNoLen{k: 60, n: 100} }}
	err := Check(m)
	if err == nil || !strings.Contains(err.Error(), "Resampler") {
		t.Fatalf("Check = %v, want an error naming Resampler", err)
	}
	_, err = New([]string{"p"}, []metrics.Metric{m}, [][]metrics.Accumulator{{m.New()}}, Settings{Confidence: 0.95, Resamples: 100})
	if err == nil || !strings.Contains(err.Error(), `metric "share"`) {
		t.Errorf("New = %v, want an error naming the metric", err)
	}
}

// A metric that reports its own bounds is judged on them, as metrics.json
// shows them, with a p-value that agrees with the interval.
func TestBoundedMetricIsJudgedOnItsOwnInterval(t *testing.T) {
	m := fakeMetric{name: "own", acc: func() metrics.Accumulator { return &boundedAcc{0.9, 0.85, 0.95} }}
	tests := []struct {
		threshold float64
		kind      results.Kind
		want      results.CriterionStatus
	}{
		{0.8, results.AtLeast, results.Pass},
		{0.88, results.AtLeast, results.Inconclusive},
		{0.97, results.AtLeast, results.Fail},
		{0.96, results.AtMost, results.Pass},
		{0.9, results.AtMost, results.Inconclusive},
	}
	for _, tc := range tests {
		crit := []verdict.Criterion{{Metric: "own", Pipeline: "p", Kind: tc.kind, Threshold: tc.threshold, Must: true}}
		sum, est := judgeAll(t, []metrics.Metric{m}, [][]metrics.Accumulator{{m.New()}}, []string{"p"}, nil, crit,
			opts{Confidence: 0.95, Resamples: 100, Multiplicity: "none"})
		j := sum.Criteria[0]
		if j.Status != tc.want || j.Interval != est[0][0].Interval {
			t.Errorf("%s %v: %s with %+v (metrics.json %+v), want %s", tc.kind, tc.threshold, j.Status, j.Interval, est[0][0].Interval, tc.want)
		}
		if pass := float64(j.PValue) <= 0.025; pass != (j.Status == results.Pass) {
			t.Errorf("%s %v: p %v disagrees with status %s", tc.kind, tc.threshold, j.PValue, j.Status)
		}
	}
}

// The judge's noise widens comparisons too: the variance of the paired
// difference gains the extra variance of both sides.
func TestExtraVarianceWidensComparisons(t *testing.T) {
	cand := values(400, func(i int) float64 { return float64(i%5) / 4 })
	base := values(400, func(i int) float64 { return float64(i%4) / 3 })
	run := func(extraC, extraB float64) results.Interval {
		mc := &noisyAcc{meanAcc{cand}, extraC}
		mb := &noisyAcc{meanAcc{base}, extraB}
		m := fakeMetric{name: "grade", acc: func() metrics.Accumulator { return &noisyAcc{} }}
		crit := []verdict.Criterion{{Metric: "grade", Pipeline: "c", Kind: results.NoWorseThan, Baseline: "b", Margin: 0.05, Must: true}}
		sum, _ := judgeAll(t, []metrics.Metric{m}, [][]metrics.Accumulator{{mc}, {mb}}, []string{"c", "b"}, nil, crit,
			opts{Confidence: 0.95, Resamples: 2000, Seed: 4, Multiplicity: "none"})
		return sum.Criteria[0].Interval
	}
	plain, noisy := run(0, 0), run(0.0002, 0.0001)
	z := stats.Z(0.95)
	se := float64(plain.Hi-plain.Lo) / (2 * z)
	want := math.Sqrt(1+0.0003/(se*se)) * float64(plain.Hi-plain.Lo)
	if got := float64(noisy.Hi - noisy.Lo); math.Abs(got-want) > 1e-9 || !strings.Contains(noisy.Method, "judge noise") {
		t.Errorf("noisy comparison width %v (%s), want %v from %+v", got, noisy.Method, want, plain)
	}
}

// The p-value of a bootstrap criterion inverts its interval: at every
// threshold the criterion passes exactly when p ≤ α, and the interval is
// the one metrics.json shows.
func TestBootstrapPValueInvertsTheInterval(t *testing.T) {
	f, _ := metrics.Lookup("f1")
	m, err := f().Build(metrics.Env{Name: "f1", Positive: "1"})
	if err != nil {
		t.Fatal(err)
	}
	truth := strings.Repeat("1", 20) + strings.Repeat("0", 40)
	pred := strings.Repeat("1", 9) + strings.Repeat("0", 11) + strings.Repeat("1", 6) + strings.Repeat("0", 34)
	acc := accumulate(t, "f1", truth, pred)
	est := 0.0
	for k := 0; k <= 60; k++ {
		thr := 0.1 + float64(k)*0.01
		crit := []verdict.Criterion{{Metric: "f1", Pipeline: "p", Kind: results.AtLeast, Threshold: thr, Must: true}}
		sum, es := judgeAll(t, []metrics.Metric{m}, [][]metrics.Accumulator{{acc}}, []string{"p"}, nil, crit,
			opts{Confidence: 0.95, Resamples: 1000, Seed: 1, Multiplicity: "holm"})
		j := sum.Criteria[0]
		est = float64(es[0][0].Value)
		if j.Interval != es[0][0].Interval {
			t.Fatalf("criterion interval %+v, metrics.json %+v", j.Interval, es[0][0].Interval)
		}
		if pass := float64(j.PValue) <= 0.025; pass != (j.Status == results.Pass) {
			t.Errorf("threshold %.2f: p %.4f but %s (interval %+v): %s", thr, j.PValue, j.Status, j.Interval, j.Explanation)
		}
		if strings.Contains(j.Explanation, "corrected for the number") {
			t.Errorf("threshold %.2f: one must-criterion, yet the explanation names the multiplicity correction", thr)
		}
	}
	if math.Abs(est-18.0/35) > 1e-12 { // 9 caught, 11 missed, 6 false alarms: 2·9 / (2·9 + 11 + 6)
		t.Errorf("f1 = %v, want 18/35", est)
	}
}

// An interval does not depend on where its metric is listed.
func TestIntervalsDoNotDependOnMetricOrder(t *testing.T) {
	auc := lookup(t, "roc_auc")
	acc := lookup(t, "accuracy")
	feed := func(m metrics.Metric) metrics.Accumulator {
		a := m.New()
		for i := range 120 {
			truth := "0"
			if i%3 == 0 {
				truth = "1"
			}
			score := float64((i*37)%100) / 100
			if truth == "1" {
				score = math.Min(1, score+0.3)
			}
			label := "0"
			if score >= 0.5 {
				label = "1"
			}
			a.Add(metrics.Observation{Truth: truth, Pred: pipeline.Prediction{Seq: i, Output: pipeline.Output{Label: label, Score: score, HasScore: true}}})
		}
		return a
	}
	alone, err := New([]string{"p"}, []metrics.Metric{auc}, [][]metrics.Accumulator{{feed(auc)}}, Settings{Confidence: 0.95, Resamples: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	after, err := New([]string{"p"}, []metrics.Metric{acc, auc}, [][]metrics.Accumulator{{feed(acc), feed(auc)}}, Settings{Confidence: 0.95, Resamples: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	estAlone, err := alone.Estimates()
	if err != nil {
		t.Fatal(err)
	}
	estAfter, err := after.Estimates()
	if err != nil {
		t.Fatal(err)
	}
	if a, b := estAlone[0][0].Interval, estAfter[0][1].Interval; a != b {
		t.Errorf("roc_auc alone %+v, listed after accuracy %+v", a, b)
	}
}

func lookup(t *testing.T, typ string) metrics.Metric {
	t.Helper()
	f, ok := metrics.Lookup(typ)
	if !ok {
		t.Fatalf("no metric %q", typ)
	}
	m, err := f().Build(metrics.Env{Name: typ, Positive: "1"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// quantileAcc is a quantile of per-record values: a Quantiler.
type quantileAcc struct {
	q      float64
	values []float64
}

func (a *quantileAcc) Add(metrics.Observation)         {}
func (a *quantileAcc) Merge(metrics.Accumulator) error { return nil }
func (a *quantileAcc) Result() metrics.Result {
	sorted := append([]float64(nil), a.values...)
	slices.Sort(sorted)
	return metrics.Result{Value: stats.Quantile(sorted, a.q), N: len(a.values)}
}
func (a *quantileAcc) Quantile() (float64, []float64) { return a.q, a.values }

// Tied integer latencies: where the order-statistic bound equals the
// threshold exactly, the interval and the p-value decide the same way (a
// bound on the threshold clears it).
func TestQuantileTiesDecideAsTheInterval(t *testing.T) {
	lat := values(400, func(i int) float64 { return float64(20 + i%31) }) // 20 … 50 ms, many ties
	for _, tc := range []struct {
		kind results.Kind
		thr  float64
	}{{results.AtMost, 50}, {results.AtMost, 49}, {results.AtMost, 48}, {results.AtLeast, 20}, {results.AtLeast, 21}, {results.AtLeast, 47}} {
		m := fakeMetric{name: "p90", lower: true, acc: func() metrics.Accumulator { return &quantileAcc{0.9, lat} }}
		crit := []verdict.Criterion{{Metric: "p90", Pipeline: "p", Kind: tc.kind, Threshold: tc.thr, Must: true}}
		sum, _ := judgeAll(t, []metrics.Metric{m}, [][]metrics.Accumulator{{m.New()}}, []string{"p"}, nil, crit,
			opts{Confidence: 0.95, Resamples: 100, Multiplicity: "none"})
		j := sum.Criteria[0]
		clears := j.Interval.Hi <= j.Threshold
		if tc.kind == results.AtLeast {
			clears = j.Interval.Lo >= j.Threshold
		}
		if pass := float64(j.PValue) <= 0.025; pass != clears || clears != (j.Status == results.Pass) {
			t.Errorf("%s %v: interval %+v (clears: %v) is %s with p = %v", tc.kind, tc.thr, j.Interval, clears, j.Status, j.PValue)
		}
	}
}

// A p99 measured on fewer records than a distribution-free bound needs is
// inconclusive with advice (368 records at 95%), not undefined.
func TestQuantileOnTooFewRecordsGivesAdvice(t *testing.T) {
	lat := values(200, func(i int) float64 { return float64(10 + i%40) })
	m := fakeMetric{name: "p99", lower: true, acc: func() metrics.Accumulator { return &quantileAcc{0.99, lat} }}
	crit := []verdict.Criterion{{Metric: "p99", Pipeline: "p", Kind: results.AtMost, Threshold: 100, Must: true}}
	sum, _ := judgeAll(t, []metrics.Metric{m}, [][]metrics.Accumulator{{m.New()}}, []string{"p"}, nil, crit,
		opts{Confidence: 0.95, Resamples: 100, Multiplicity: "none"})
	j := sum.Criteria[0]
	if j.Status != results.Inconclusive || j.MoreRecords != 168 || !strings.Contains(j.Explanation, "needs at least 368 records") {
		t.Errorf("%s, %d more records (%s): %s", j.Status, j.MoreRecords, j.SampleSizeMethod, j.Explanation)
	}
}
