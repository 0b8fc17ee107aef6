package verdict

import (
	"fmt"
	"math"

	"github.com/poc-harness/poc/internal/stats"
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
	// MinSegmentSize is the fewest records a segment needs to be judged.
	MinSegmentSize int
	// Multiplicity is "holm" (default) or "none": the correction of the
	// must-criteria's tests (segments included) for their number.
	Multiplicity string
	// Power is the power the sample-size advice aims at (default 0.8).
	Power float64
}

func (s Settings) bootstrap(salt uint64) stats.BootstrapOptions {
	method := s.Method
	if method == "" {
		method = stats.BootstrapBCa
	}
	return stats.BootstrapOptions{Resamples: s.Resamples, Confidence: s.Confidence, Seed: s.Seed ^ salt, Method: method}
}

// alpha is the one-sided level that matches a two-sided interval.
func (s Settings) alpha() float64 { return (1 - s.Confidence) / 2 }

func (s Settings) power() float64 {
	if s.Power <= 0 || s.Power >= 1 {
		return 0.8
	}
	return s.Power
}

// Interval is a confidence interval as written to the run folder.
type Interval struct {
	Lo     Number `json:"lo"`
	Hi     Number `json:"hi"`
	Method string `json:"method"`
}

// Estimate is one metric's value for one pipeline, with its interval.
type Estimate struct {
	Metric    string   `json:"metric"`
	Direction string   `json:"direction"`
	Unit      string   `json:"unit,omitempty"`
	Value     Number   `json:"value"`
	N         int      `json:"n"`
	Interval  Interval `json:"interval"`
	Detail    any      `json:"detail,omitempty"`
	Note      string   `json:"note,omitempty"`
	acc       metrics.Accumulator
	metric    metrics.Metric
}

// Estimates computes every metric's value and interval. acc[p][m] is metric
// m of pipeline p; the bootstrap of metric m uses the same seed for every
// pipeline, so their intervals are comparable.
func Estimates(mets []metrics.Metric, acc [][]metrics.Accumulator, s Settings) [][]Estimate {
	out := make([][]Estimate, len(acc))
	for p := range acc {
		out[p] = make([]Estimate, len(mets))
		for m, metric := range mets {
			out[p][m] = estimate(metric, acc[p][m], s, uint64(m+1))
		}
	}
	return out
}

func estimate(m metrics.Metric, acc metrics.Accumulator, s Settings, salt uint64) Estimate {
	r := acc.Result()
	e := Estimate{
		Metric: m.Name(), Direction: m.Direction().String(), Unit: m.Unit(),
		Value: Number(r.Value), N: r.N, Detail: r.Detail, acc: acc, metric: m,
		Interval: Interval{Lo: NaN(), Hi: NaN(), Method: "none"},
	}
	if math.IsNaN(r.Value) {
		e.Note = "undefined on these records (for example recall with no positive record)"
		return e
	}
	if b, ok := acc.(metrics.Bounded); ok {
		// The metric computes its own interval (a subprocess that reports one).
		if lo, hi, ok := b.Bounds(); ok {
			e.Interval = Interval{Lo: Number(lo), Hi: Number(hi), Method: "reported by the metric"}
			return e
		}
	}
	if p, ok := acc.(metrics.Proportion); ok {
		if k, n, isProp := p.Counts(); isProp {
			e.Interval = fromStats(stats.Wilson(k, n, s.Confidence))
			return e
		}
	}
	if q, ok := acc.(metrics.Quantiler); ok {
		quantile, values := q.Quantile()
		_, iv := stats.QuantileInterval(values, quantile, s.Confidence)
		e.Interval = fromStats(iv)
		if math.IsNaN(iv.Lo) || math.IsNaN(iv.Hi) {
			e.Note = fmt.Sprintf("too few records (%d) for a distribution-free bound on this quantile", len(values))
		}
		return e
	}
	if rs, ok := acc.(metrics.Resampler); ok {
		iv, err := stats.Bootstrap(rs.Len(), rs.ValueAt, s.bootstrap(salt))
		if err != nil {
			e.Note = err.Error()
			return e
		}
		e.Interval = fromStats(iv)
		if ev, ok := acc.(metrics.ExtraVariance); ok {
			e.Interval = widen(e.Interval, float64(r.Value), ev.ExtraVariance(), s.Confidence)
			if ev.ExtraVariance() > 0 {
				e.Note = "interval widened by the measured noise of the metric (an LLM judge's repeated grades)"
			}
		}
		return e
	}
	e.Note = "the metric keeps no per-record values, so it has no interval"
	return e
}

func fromStats(iv stats.Interval) Interval {
	return Interval{Lo: Number(iv.Lo), Hi: Number(iv.Hi), Method: iv.Method}
}

// widen adds an extra variance (a judge's measured noise) to an interval:
// the bootstrap standard error, read off the interval's half-width, becomes
// √(se² + extra), and each side is stretched about the value in proportion.
func widen(iv Interval, value, extra, conf float64) Interval {
	if extra <= 0 || math.IsNaN(extra) {
		return iv
	}
	z := stats.Z(conf)
	se := (float64(iv.Hi) - float64(iv.Lo)) / (2 * z)
	if se <= 0 || math.IsNaN(se) {
		half := z * math.Sqrt(extra)
		return Interval{Lo: Number(value - half), Hi: Number(value + half), Method: iv.Method + " + judge noise"}
	}
	k := math.Sqrt(1 + extra/(se*se))
	return Interval{
		Lo:     Number(value - k*(value-float64(iv.Lo))),
		Hi:     Number(value + k*(float64(iv.Hi)-value)),
		Method: iv.Method + " + judge noise",
	}
}
