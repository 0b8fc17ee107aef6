package analysis

import (
	"errors"
	"fmt"
	"math"

	"github.com/poc-harness/poc/metrics"
)

// Method is how the uncertainty of a metric's value is worked out.
type Method string

// The methods, from the optional interfaces of an accumulator.
const (
	// None: the accumulator keeps no per-record values; the value is a
	// point estimate without interval, and cannot pass a criterion.
	None Method = "none"
	// Bounded: the metric reports its own interval (metrics.Bounded).
	Bounded Method = "bounded"
	// Wilson: a proportion of 0/1 outcomes (metrics.Proportion), with the
	// Wilson interval and the score test that it inverts.
	Wilson Method = "wilson"
	// Quantile: a quantile of per-record values (metrics.Quantiler), with
	// the order-statistic interval and the binomial test that it inverts.
	Quantile Method = "quantile"
	// Bootstrap: any other metric with per-record values
	// (metrics.Resampler), with a seeded bootstrap.
	Bootstrap Method = "bootstrap"
	// Undefined: the value could not be computed on the records.
	Undefined Method = "undefined"
)

// Check reports a metric whose accumulator implements an inconsistent set
// of the optional interfaces: one the analysis could not use without
// failing or silently ignoring what the metric promises.
func Check(m metrics.Metric) error {
	return checkAccumulator(m.New())
}

// checkAccumulator is Check on one accumulator.
func checkAccumulator(acc metrics.Accumulator) error {
	_, resampler := acc.(metrics.Resampler)
	_, proportion := acc.(metrics.Proportion)
	var errs []error
	if _, ok := acc.(metrics.Outcomes); ok {
		if !proportion {
			errs = append(errs, errors.New("it gives record outcomes (Outcomes) but is not a proportion (Proportion)"))
		}
		if !resampler {
			errs = append(errs, errors.New("it gives record outcomes (Outcomes) without saying how many records it holds (Resampler)"))
		}
	}
	if _, ok := acc.(metrics.ScoredOutcomes); ok && !resampler {
		errs = append(errs, errors.New("it gives scored outcomes (ScoredOutcomes) without saying how many records it holds (Resampler)"))
	}
	if _, ok := acc.(metrics.ExtraVariance); ok && !resampler {
		errs = append(errs, errors.New("it has a measurement noise (ExtraVariance) but no per-record values to resample (Resampler)"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("the metric's accumulator (%T) is inconsistent: %w", acc, errors.Join(errs...))
	}
	return nil
}

// methodOf decides the method of an accumulator whose result is r.
func methodOf(acc metrics.Accumulator, r metrics.Result) Method {
	if math.IsNaN(r.Value) {
		return Undefined
	}
	if b, ok := acc.(metrics.Bounded); ok {
		if _, _, ok := b.Bounds(); ok {
			return Bounded
		}
	}
	if p, ok := acc.(metrics.Proportion); ok {
		if _, _, isProp := p.Counts(); isProp {
			return Wilson
		}
	}
	if _, ok := acc.(metrics.Quantiler); ok {
		return Quantile
	}
	if _, ok := acc.(metrics.Resampler); ok {
		return Bootstrap
	}
	return None
}
