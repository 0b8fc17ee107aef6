package analysis

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/poc-harness/poc/metrics"
)

// Settings are the statistical settings of a run, from the file's `report:`.
type Settings struct {
	// Confidence is the two-sided confidence level of every interval.
	Confidence float64
	// Resamples is the number of bootstrap resamples.
	Resamples int
	// Seed makes every bootstrap repeatable.
	Seed uint64
	// Method is the bootstrap interval method, "bca" (default) or "percentile".
	Method string
	// MaxFailureRate is the largest share of records a pipeline may fail on
	// and still be judged (0: any failure makes its criteria undefined).
	MaxFailureRate float64
	// Positive is the positive class as people read it ("fraud (1)" when
	// dataset.label_names names it, "1" otherwise), for the reason a
	// value is undefined.
	Positive string
	// Done, when closed, stops the analysis (the run was interrupted):
	// every resampling, jackknife and loop over the records polls it, the
	// functions that return an error return stats.ErrStopped (which wraps
	// context.Canceled), and Test gives undefined evidence at once; the
	// caller then discards the analysis (see Analysis.Err).
	Done <-chan struct{}
}

// Err is stats.ErrStopped once Done is closed, nil before (and always nil
// without Done).
func (s Settings) Err() error {
	select {
	case <-s.Done:
		return stats.ErrStopped
	default:
		return nil
	}
}

func (s Settings) method() string {
	if s.Method == "" {
		return stats.BootstrapBCa
	}
	return s.Method
}

// Analysis holds the accumulators of a replay, one per pipeline and metric,
// and everything worked out from them: each metric's method and result,
// and the bootstrap replicates, drawn once per metric and set of records
// and shared by every pipeline, so that replicate b of two pipelines comes
// from the same records.
type Analysis struct {
	s       Settings
	names   []string
	pipes   map[string]int
	mets    map[string]int
	metrics []metrics.Metric
	acc     [][]metrics.Accumulator
	result  [][]metrics.Result
	method  [][]Method
	reps    map[key][]float64
	tables  map[key]*sumTable // by metric and segment (p 0)
	dists   map[key]*stats.Dist
	distErr map[key]error
	// failures counts each pipeline's failed records (nil: unknown), of
	// records in all.
	failures []int
	records  int
}

// SetFailures tells the analysis on how many of records each pipeline
// (in the order of New) failed: a pipeline that failed on more than
// Settings.MaxFailureRate of them cannot be judged, and every criterion on
// it is undefined.
func (a *Analysis) SetFailures(failures []int, records int) {
	a.failures, a.records = failures, records
}

// key names one set of replicates: a pipeline's metric on every record
// (segment "") or on one segment's records.
type key struct {
	p, m    int
	segment string
}

// New analyses the accumulators of a replay: acc[p][m] is metric m of
// pipeline p. It fails when an accumulator implements an inconsistent set
// of the optional interfaces (see Check) or the shapes disagree.
func New(pipelines []string, mets []metrics.Metric, acc [][]metrics.Accumulator, s Settings) (*Analysis, error) {
	if len(acc) != len(pipelines) {
		return nil, fmt.Errorf("analysis: %d pipelines but %d rows of accumulators", len(pipelines), len(acc))
	}
	a := &Analysis{s: s, names: pipelines, pipes: map[string]int{}, mets: map[string]int{}, metrics: mets, acc: acc,
		result: make([][]metrics.Result, len(acc)), method: make([][]Method, len(acc)),
		reps: map[key][]float64{}, tables: map[key]*sumTable{}, dists: map[key]*stats.Dist{}, distErr: map[key]error{}}
	for i, p := range pipelines {
		a.pipes[p] = i
	}
	for i, m := range mets {
		a.mets[m.Name()] = i
	}
	var errs []error
	for p := range acc {
		if len(acc[p]) != len(mets) {
			return nil, fmt.Errorf("analysis: pipeline %q has %d accumulators for %d metrics", pipelines[p], len(acc[p]), len(mets))
		}
		a.result[p], a.method[p] = make([]metrics.Result, len(mets)), make([]Method, len(mets))
		for m, ac := range acc[p] {
			if err := checkAccumulator(ac); err != nil {
				if p == 0 {
					errs = append(errs, fmt.Errorf("metric %q: %w", mets[m].Name(), err))
				}
				continue
			}
			a.result[p][m] = ac.Result()
			a.method[p][m] = methodOf(ac, a.result[p][m])
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("analysis: %w", errors.Join(errs...))
	}
	return a, nil
}

// Method is the method of metric m for pipeline p.
func (a *Analysis) Method(p, m int) Method { return a.method[p][m] }

// seed derives the resampling seed of a metric on a set of records from
// their names, never from positions in the file: an interval does not move
// when metrics are listed in another order.
func (a *Analysis) seed(m int, segment string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(a.metrics[m].Name()))
	h.Write([]byte{0})
	h.Write([]byte(segment))
	return a.s.Seed ^ h.Sum64()
}

func (a *Analysis) options(m int, segment string) stats.BootstrapOptions {
	return stats.BootstrapOptions{Resamples: a.s.Resamples, Confidence: a.s.Confidence,
		Seed: a.seed(m, segment), Method: a.s.method(), Done: a.s.Done}
}

// replicates are the bootstrap replicates of metric m of pipeline p on the
// records of seg (every record when nil), NaN where undefined, drawn once.
func (a *Analysis) replicates(p, m int, seg *verdict.Segment) ([]float64, error) {
	k := keyOf(p, m, seg)
	if r, ok := a.reps[k]; ok {
		return r, nil
	}
	rs, ok := a.acc[p][m].(metrics.Resampler)
	if !ok {
		return nil, errors.New("the metric keeps no per-record values to resample")
	}
	pos := positions(seg)
	if t, err := a.sumTable(m, seg); err != nil {
		return nil, err
	} else if t != nil {
		if err := a.resampleSums(m, seg, t); err != nil {
			return nil, err
		}
		return a.reps[k], nil
	}
	reps, err := stats.Resample(size(pos, rs.Len()), subset(rs.ValueAt, pos, rs.Len()), a.options(m, k.segment))
	if err != nil {
		return nil, err
	}
	a.reps[k] = reps
	return reps, nil
}

// dist is the bootstrap distribution of metric m of pipeline p on the
// records of seg, with the run's interval method and the metric's extra
// variance, built once.
func (a *Analysis) dist(p, m int, seg *verdict.Segment) (*stats.Dist, error) {
	k := keyOf(p, m, seg)
	if d, ok := a.dists[k]; ok {
		return d, a.distErr[k]
	}
	d, err := a.buildDist(p, m, seg)
	a.dists[k], a.distErr[k] = d, err
	return d, err
}

func (a *Analysis) buildDist(p, m int, seg *verdict.Segment) (*stats.Dist, error) {
	reps, err := a.replicates(p, m, seg)
	if err != nil {
		return nil, err
	}
	rs := a.acc[p][m].(metrics.Resampler)
	pos := positions(seg)
	n := size(pos, rs.Len())
	if t, _ := a.sumTable(m, seg); t != nil {
		d, err := t.dist(p, reps, a.s)
		if err != nil {
			return nil, err
		}
		if extra := a.extraVariance(p, m, n); extra > 0 {
			d = d.Widened(extra, " + judge noise")
		}
		return d, nil
	}
	stat := subset(rs.ValueAt, pos, rs.Len())
	est := stat(nil)
	var jack []float64
	if a.s.method() == stats.BootstrapBCa {
		if jack, err = stats.Jackknife(n, stat, a.seed(m, keyOf(p, m, seg).segment), a.s.Done); err != nil {
			return nil, err
		}
	}
	d, err := stats.NewDist(est, reps, jack, a.s.Confidence, a.s.method())
	if err != nil {
		return nil, err
	}
	if extra := a.extraVariance(p, m, n); extra > 0 {
		d = d.Widened(extra, " + judge noise")
	}
	return d, nil
}

// extraVariance is the measured noise of metric m of pipeline p for an
// estimate over n of its records: the accumulator's extra variance is that
// of a mean over all its records, and a mean over fewer records is noisier
// in proportion.
func (a *Analysis) extraVariance(p, m, n int) float64 {
	ev, ok := a.acc[p][m].(metrics.ExtraVariance)
	if !ok || n == 0 {
		return 0
	}
	v := ev.ExtraVariance()
	if !(v > 0) || math.IsInf(v, 0) {
		return 0
	}
	all := a.acc[p][m].(metrics.Resampler).Len()
	return v * float64(all) / float64(n)
}

// Err is the analysis's stop error: stats.ErrStopped (wrapping
// context.Canceled) once Settings.Done is closed, when whatever was worked
// out since may be incomplete and must be discarded; nil otherwise.
func (a *Analysis) Err() error { return a.s.Err() }

// Estimates are every metric's value and interval, for metrics.json:
// out[p][m] is metric m of pipeline p. The error is Err's, when the
// analysis was stopped before or while they were worked out.
func (a *Analysis) Estimates() ([][]results.Estimate, error) {
	out := make([][]results.Estimate, len(a.acc))
	for p := range a.acc {
		out[p] = make([]results.Estimate, len(a.metrics))
		for m := range a.metrics {
			if err := a.Err(); err != nil {
				return nil, fmt.Errorf("estimate the metrics: %w", err)
			}
			out[p][m] = a.estimate(p, m)
		}
	}
	if err := a.Err(); err != nil {
		return nil, fmt.Errorf("estimate the metrics: %w", err)
	}
	return out, nil
}

func (a *Analysis) estimate(p, m int) results.Estimate {
	metric, r := a.metrics[m], a.result[p][m]
	e := results.Estimate{Metric: metric.Name(), Direction: metric.Direction().String(), Unit: metric.Unit(),
		Value: results.Number(r.Value), N: r.N, Detail: r.Detail, Interval: results.NoInterval()}
	switch a.method[p][m] {
	case Undefined:
		e.Note = a.whyUndefined(p, m)
	case Bounded:
		lo, hi, _ := a.acc[p][m].(metrics.Bounded).Bounds()
		e.Interval = results.Interval{Lo: results.Number(lo), Hi: results.Number(hi), Method: methodReported}
	case Wilson:
		k, n, _ := a.acc[p][m].(metrics.Proportion).Counts()
		e.Interval = fromStats(stats.Wilson(k, n, a.s.Confidence))
	case Quantile:
		q, values := a.acc[p][m].(metrics.Quantiler).Quantile()
		_, iv := stats.QuantileInterval(values, q, a.s.Confidence)
		e.Interval = fromStats(iv)
		if math.IsNaN(iv.Lo) || math.IsNaN(iv.Hi) {
			e.Note = fmt.Sprintf("too few records (%d) for a distribution-free bound on this quantile", len(values))
		}
	case Bootstrap:
		d, err := a.dist(p, m, nil)
		if err != nil {
			e.Note = err.Error()
			break
		}
		e.Interval = fromStats(d.Interval())
		if d.Degenerate() {
			e.Note = "every resample gave the same value, so the interval's zero width is no evidence of precision"
		}
		if a.extraVariance(p, m, 1) > 0 {
			e.Note = "interval widened by the measured noise of the metric (an LLM judge's repeated grades)"
		}
		if t, err := a.sumTable(m, nil); err == nil && t != nil && t.tab.Approximate() {
			e.Note = strings.TrimPrefix(e.Note+"; "+approximated(t.tab.SmallGroupRecords()), "; ")
		}
	default:
		e.Note = "the metric keeps no per-record values, so it has no interval"
	}
	return e
}

// approximated is the note of an interval whose resamples drew the part
// of n records in small groups from its normal approximation.
func approximated(n int) string {
	return fmt.Sprintf("the %s records whose values are nearly all distinct (a weight or a cost) enter each resample through "+
		"their normal approximation, which is accurate at this size (README, Statistics)", format.Group(int64(n)))
}

// whyUndefined is the note of metric m of pipeline p when its value is
// undefined: "undefined: " and the reason its accumulator gives
// ("never-block flags no record"), or a general one.
func (a *Analysis) whyUndefined(p, m int) string {
	if ex, ok := a.acc[p][m].(metrics.Explainer); ok {
		if why := ex.WhyUndefined(a.names[p], cmp.Or(a.s.Positive, "positive")); why != "" {
			return "undefined: " + why
		}
	}
	return "undefined: it cannot be computed on these records (recall, for one, needs a positive record)"
}

// methodReported is the interval method of a metric that reports its own bounds.
const methodReported = "reported by the metric"

func fromStats(iv stats.Interval) results.Interval {
	return results.Interval{Lo: results.Number(iv.Lo), Hi: results.Number(iv.Hi), Method: iv.Method}
}

// Input is the verdict's view of the analysis: the metrics by name, the
// records, the segments and the analysis itself as the Tester.
func (a *Analysis) Input(records int, segments map[string][]verdict.Segment) verdict.Input {
	in := verdict.Input{Metrics: map[string]verdict.Metric{}, Records: records, Segments: segments, Tester: a}
	for _, m := range a.metrics {
		in.Metrics[m.Name()] = verdict.Metric{Name: m.Name(), Unit: m.Unit(), LowerIsBetter: m.Direction() == metrics.LowerIsBetter}
	}
	return in
}

func keyOf(p, m int, seg *verdict.Segment) key {
	if seg == nil {
		return key{p: p, m: m}
	}
	return key{p: p, m: m, segment: seg.Column + "=" + seg.Value}
}

func positions(seg *verdict.Segment) []int {
	if seg == nil {
		return nil
	}
	return seg.Positions
}
