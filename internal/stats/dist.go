package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Resample returns the statistic on each of opt.Resamples resamples of n
// positions, in resample order, with NaN where the statistic is undefined
// on a resample. The positions depend only on n and opt.Seed, so two
// statistics resampled with the same n and seed see the same records on
// every resample: replicate b of one pairs with replicate b of the other,
// and their differences are the replicates of a paired bootstrap
// ([PairedBootstrap] with the same seed gives the same differences).
func Resample(n int, stat Statistic, opt BootstrapOptions) ([]float64, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, fmt.Errorf("resample: %w", err)
	}
	if n < 2 {
		return nil, fmt.Errorf("resample: %d records: need at least 2", n)
	}
	if stat == nil {
		return nil, errors.New("resample: nil statistic")
	}
	src := newResampleSource(opt.Seed)
	idx := make([]int, n)
	reps := make([]float64, opt.Resamples)
	un := uint64(n)
	for b := range reps {
		if b%64 == 0 && stopped(opt.Done) {
			return nil, ErrStopped
		}
		for i := range idx {
			idx[i] = int(uniformIndex(src, un))
		}
		reps[b] = stat(idx)
	}
	return reps, nil
}

// ErrStopped is returned by the resampling functions and the jackknife
// when their done channel is closed. It wraps context.Canceled, since a
// closed done channel means the run was cancelled: errors.Is(err,
// context.Canceled) holds for it.
var ErrStopped = fmt.Errorf("resampling stopped: %w", context.Canceled)

// stopped reports whether done is closed (false for nil).
func stopped(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// Jackknife returns the jackknife values of stat over n records that BCa's
// acceleration uses: leave-one-out for n ≤ 2000, delete-a-group over 1000
// random groups (seeded by seed) above. Closing done (nil: never) stops it
// with ErrStopped.
func Jackknife(n int, stat Statistic, seed uint64, done <-chan struct{}) ([]float64, error) {
	return jackknifeValues(n, stat, seed, done)
}

// Dist is the bootstrap sampling distribution of one estimate: the one
// place that turns replicates into an interval and into the one-sided
// p-value that inverts that interval, so that a criterion's test and its
// interval never disagree.
//
// The interval at level conf is [L(α), U(α)] with α = (1 − conf)/2, where
// L and U are the one-sided bounds of the method (percentile or BCa,
// possibly widened by an extra variance). PValue(t, greater) is the
// smallest α at which L(α) ≥ t (greater) or U(α) ≤ t, found by bisection on
// the very functions that give the interval: the interval at any level
// clears t exactly when the p-value is at most that level.
type Dist struct {
	estimate float64
	sorted   []float64
	conf     float64
	// bca is set when the BCa levels apply (z0 and accel finite).
	bca       bool
	z0, accel float64
	method    string
	// widen k ≥ 1 stretches both bounds about the estimate; normalSE > 0
	// replaces the replicates by a normal of that standard error (an extra
	// variance added to replicates that do not vary).
	widen    float64
	normalSE float64
}

// NewDist builds the distribution of estimate from its replicates (NaN
// replicates are dropped; more than half NaN is an error). With method
// "bca", jackknife gives the acceleration; when BCa degenerates (every
// replicate equal, the estimate outside their range, a non-finite
// acceleration) the percentile distribution is used and the method says so
// ([MethodBCaDegenerate]).
func NewDist(estimate float64, replicates, jackknife []float64, conf float64, method string) (*Dist, error) {
	accel := math.NaN()
	if method == BootstrapBCa && len(jackknife) >= 2 {
		accel = acceleration(jackknife)
	}
	return NewDistAccel(estimate, replicates, accel, conf, method)
}

// NewDistAccel is NewDist with BCa's acceleration given (from a jackknife
// worked out elsewhere, as [SumTable.LeaveOneOut] and [Acceleration] give
// it); a NaN acceleration makes BCa degenerate.
func NewDistAccel(estimate float64, replicates []float64, accel, conf float64, method string) (*Dist, error) {
	if !validConf(conf) {
		return nil, fmt.Errorf("bootstrap distribution: confidence %v: must be in (0, 1)", conf)
	}
	if math.IsNaN(estimate) {
		return nil, errors.New("bootstrap distribution: the estimate is undefined")
	}
	sorted := make([]float64, 0, len(replicates))
	for _, v := range replicates {
		if !math.IsNaN(v) {
			sorted = append(sorted, v)
		}
	}
	if nan := len(replicates) - len(sorted); len(sorted) == 0 || 2*nan > len(replicates) {
		return nil, fmt.Errorf("bootstrap distribution: the statistic is undefined on %d of %d resamples: more than half", nan, len(replicates))
	}
	slices.Sort(sorted)
	d := &Dist{estimate: estimate, sorted: sorted, conf: conf, method: MethodBootstrapPercentile, widen: 1}
	if method == BootstrapBCa {
		d.method = MethodBCaDegenerate
		if _, _, z0, a, ok := bcaLevelsAccel(estimate, sorted, accel, conf); ok {
			d.bca, d.z0, d.accel, d.method = true, z0, a, MethodBootstrapBCa
		}
	}
	return d, nil
}

// Estimate is the estimate the distribution is centred on.
func (d *Dist) Estimate() float64 { return d.estimate }

// Replicates are the finite replicates, sorted; the caller must not modify them.
func (d *Dist) Replicates() []float64 { return d.sorted }

// Degenerate reports whether every replicate is equal (a zero-width
// interval that is no evidence of anything).
func (d *Dist) Degenerate() bool {
	return d.normalSE == 0 && d.sorted[0] == d.sorted[len(d.sorted)-1]
}

// Interval is the two-sided interval at the distribution's confidence.
func (d *Dist) Interval() Interval {
	alpha := (1 - d.conf) / 2
	return Interval{Lo: d.lower(alpha), Hi: d.upper(alpha), Method: d.Method()}
}

// Method names the interval method.
func (d *Dist) Method() string { return d.method }

// Widened returns the distribution with an extra variance added to the
// resampling variance: the standard error read off the interval's
// half-width, se, becomes √(se² + extra), and each bound is stretched about
// the estimate by √(1 + extra/se²). When the replicates do not vary, the
// distribution becomes a normal of standard error √extra. extra ≤ 0 or NaN
// returns d itself.
func (d *Dist) Widened(extra float64, label string) *Dist {
	if !(extra > 0) {
		return d
	}
	w := *d
	w.method = d.method + label
	iv := d.Interval()
	se := (iv.Hi - iv.Lo) / (2 * Z(d.conf))
	if !(se > 0) {
		w.normalSE = math.Sqrt(extra)
		return &w
	}
	w.widen = d.widen * math.Sqrt(1+extra/(se*se))
	return &w
}

// level maps a one-sided level α to the quantile level of the lower bound
// (upper false) or of the upper bound: α and 1 − α for the percentile
// interval, BCa's adjusted levels otherwise.
func (d *Dist) level(alpha float64, upper bool) float64 {
	if upper {
		alpha = 1 - alpha
	}
	if !d.bca {
		return alpha
	}
	z := distuv.UnitNormal.Quantile(alpha)
	num := d.z0 + z
	return distuv.UnitNormal.CDF(d.z0 + num/(1-d.accel*num))
}

func (d *Dist) lower(alpha float64) float64 {
	if d.normalSE > 0 {
		return d.estimate + distuv.UnitNormal.Quantile(alpha)*d.normalSE
	}
	b := Quantile(d.sorted, d.level(alpha, false))
	return d.estimate - d.widen*(d.estimate-b)
}

func (d *Dist) upper(alpha float64) float64 {
	if d.normalSE > 0 {
		return d.estimate - distuv.UnitNormal.Quantile(alpha)*d.normalSE
	}
	b := Quantile(d.sorted, d.level(alpha, true))
	return d.estimate + d.widen*(b-d.estimate)
}

// PValue is the one-sided p-value that inverts the interval at threshold:
// with greater, of H1 "the value exceeds threshold" (the lower bound at
// level α is at least threshold exactly when p ≤ α); otherwise of H1 "the
// value is below threshold". It is 0 when the bound at every level clears
// the threshold and 1 when none does; NaN for a NaN threshold.
func (d *Dist) PValue(threshold float64, greater bool) float64 {
	if math.IsNaN(threshold) {
		return math.NaN()
	}
	clears := func(alpha float64) bool {
		if greater {
			return d.lower(alpha) >= threshold
		}
		return d.upper(alpha) <= threshold
	}
	// The lower bound rises and the upper bound falls as α grows, so the
	// levels at which the bound clears the threshold form an interval
	// [p, 1); bisection finds its start.
	const tiny = 1e-12
	if clears(tiny) {
		return 0
	}
	if !clears(1 - tiny) {
		return 1
	}
	lo, hi := tiny, 1-tiny
	for range 60 {
		mid := (lo + hi) / 2
		if clears(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// newResampleSource is the generator of the resampling positions for a seed.
func newResampleSource(seed uint64) *rand.PCG { return rand.NewPCG(seed, resampleStream) }
