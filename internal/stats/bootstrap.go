package stats

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Statistic computes a metric over the records at positions idx (0-based
// positions into the caller's records, repeats counted as many times as
// they appear). It may return NaN when the metric is undefined on that
// resample (e.g. recall with no positives); such replicates are skipped.
// It must not modify or retain idx, which is reused between calls.
// Bootstrap never calls a Statistic concurrently.
type Statistic func(idx []int) float64

// Default bootstrap settings.
const (
	// DefaultResamples is the number of bootstrap resamples when
	// BootstrapOptions.Resamples is 0.
	DefaultResamples = 2000
	// DefaultConfidence is the confidence level when
	// BootstrapOptions.Confidence is 0.
	DefaultConfidence = 0.95
	// exactJackknifeMax is the largest n for which BCa's acceleration uses
	// the leave-one-out jackknife; above it a grouped jackknife is used.
	exactJackknifeMax = 2000
	// jackknifeGroups is the number of groups of the grouped jackknife.
	jackknifeGroups = 1000
)

// Bootstrap interval methods accepted in BootstrapOptions.Method.
const (
	// BootstrapBCa selects the BCa interval (the default).
	BootstrapBCa = "bca"
	// BootstrapPercentile selects the percentile interval.
	BootstrapPercentile = "percentile"
)

// Stream constants of the PCG generator: the first PCG word is the seed,
// the second selects independent streams for resampling and for the random
// grouping of the grouped jackknife.
const (
	resampleStream  = 0x706f632d626f6f74 // "poc-boot"
	jackknifeStream = 0x706f632d6a61636b // "poc-jack"
)

// BootstrapOptions configures [Bootstrap] and [PairedBootstrap]. The zero
// value means 2000 resamples, 95% confidence, BCa, seed 0.
type BootstrapOptions struct {
	// Resamples is the number of bootstrap resamples B (default 2000).
	Resamples int
	// Confidence is the two-sided confidence level in (0, 1) (default 0.95).
	Confidence float64
	// Seed seeds the math/rand/v2 PCG generator; the same Seed (and the
	// same inputs) gives the same interval.
	Seed uint64
	// Method is "bca" (default) or "percentile".
	Method string
	// Done, when not nil, stops the resampling and the jackknife once it
	// is closed (a run interrupted by Ctrl-C), with ErrStopped; it is
	// polled every 64 resamples and every 64 jackknife values.
	Done <-chan struct{}
	// Jackknife optionally returns the jackknife values of the statistic
	// used for BCa's acceleration, typically the leave-one-out values
	// computed by a fast update formula. For PairedBootstrap they must be
	// values of the difference b − a. When nil, Bootstrap computes the
	// leave-one-out values by calling the Statistic with n−1 indices when
	// n ≤ 2000, and a delete-a-group jackknife over 1000 random groups
	// (seeded by Seed) for larger n. Unused by the percentile method.
	Jackknife func() []float64
}

func (o BootstrapOptions) normalized() (BootstrapOptions, error) {
	if o.Resamples == 0 {
		o.Resamples = DefaultResamples
	}
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	if o.Method == "" {
		o.Method = BootstrapBCa
	}
	switch {
	case o.Resamples < 1:
		return o, fmt.Errorf("resamples %d: must be positive", o.Resamples)
	case !validConf(o.Confidence):
		return o, fmt.Errorf("confidence %v: must be in (0, 1)", o.Confidence)
	case o.Method != BootstrapBCa && o.Method != BootstrapPercentile:
		return o, fmt.Errorf("method %q: must be %q or %q", o.Method, BootstrapBCa, BootstrapPercentile)
	}
	return o, nil
}

// Bootstrap returns a bootstrap confidence interval for the statistic over
// n records. Each of opt.Resamples resamples draws n positions uniformly
// with replacement (math/rand/v2 PCG seeded with opt.Seed) and evaluates
// stat on them. Replicates where stat is NaN are skipped; if more than half
// are NaN, Bootstrap fails.
//
// With Method "percentile" the interval is [PercentileInterval] of the
// replicates. With "bca" it is [BCaInterval] with θ̂ = stat over all n
// records and the jackknife values described at
// BootstrapOptions.Jackknife; when BCa is degenerate the percentile
// interval is returned with Method [MethodBCaDegenerate].
//
// It fails when n < 2, stat is nil, the options are invalid or stat is NaN
// on the full sample.
func Bootstrap(n int, stat Statistic, opt BootstrapOptions) (Interval, error) {
	opt, err := opt.normalized()
	if err != nil {
		return Interval{}, fmt.Errorf("bootstrap: %w", err)
	}
	if n < 2 {
		return Interval{}, fmt.Errorf("bootstrap: %d records: need at least 2", n)
	}
	if stat == nil {
		return Interval{}, errors.New("bootstrap: nil statistic")
	}
	thetaHat := stat(identity(n))
	if math.IsNaN(thetaHat) {
		return Interval{}, errors.New("bootstrap: statistic is NaN on the full sample")
	}
	reps, err := replicates(n, opt, stat)
	if err != nil {
		return Interval{}, fmt.Errorf("bootstrap: %w", err)
	}
	iv, err := intervalFor(n, thetaHat, reps, opt, stat)
	if err != nil {
		return Interval{}, fmt.Errorf("bootstrap: %w", err)
	}
	return iv, nil
}

// PairedResult is the outcome of [PairedBootstrap]: the difference
// Diff = b − a (candidate minus baseline when called as
// PairedBootstrap(n, baseline, candidate, opt)), its interval, and
// one-sided bootstrap p-values.
type PairedResult struct {
	// Diff is b(all records) − a(all records).
	Diff float64
	// Interval is the bootstrap interval for b − a.
	Interval Interval
	// PLessEqZero is the one-sided bootstrap p-value for H0: Diff ≤ 0
	// (b no better than a), (1 + #{Δ* ≤ 0}) / (B + 1). A small value is
	// evidence that b − a > 0.
	PLessEqZero float64
	// PGreaterEqZero is the one-sided bootstrap p-value for H0: Diff ≥ 0,
	// (1 + #{Δ* ≥ 0}) / (B + 1). A small value is evidence that b − a < 0.
	PGreaterEqZero float64
	// Resamples is B, the number of replicates used (NaN ones excluded).
	Resamples int
}

// PairedBootstrap bootstraps the difference b − a of two statistics over
// the same n records, as for a baseline a and a candidate b replayed on the
// same cases (Koehn 2004). Each resample draws ONE set of n positions and
// evaluates both statistics on it, so Δ* = b(idx) − a(idx) keeps the
// pairing. A replicate where either statistic is NaN is skipped; if more
// than half are NaN, PairedBootstrap fails.
//
// The interval follows opt.Method as in [Bootstrap]; BCa uses the jackknife
// of the difference (opt.Jackknife, if set, must return values of b − a).
// It fails when n < 2, a or b is nil, the options are invalid or either
// statistic is NaN on the full sample.
func PairedBootstrap(n int, a, b Statistic, opt BootstrapOptions) (PairedResult, error) {
	opt, err := opt.normalized()
	if err != nil {
		return PairedResult{}, fmt.Errorf("paired bootstrap: %w", err)
	}
	d, reps, err := pairedReplicates(n, a, b, opt)
	if err != nil {
		return PairedResult{}, fmt.Errorf("paired bootstrap: %w", err)
	}
	res := PairedResult{Diff: d, Resamples: len(reps)}
	res.PLessEqZero = BootstrapPValue(reps, 0, true)
	res.PGreaterEqZero = BootstrapPValue(reps, 0, false)
	res.Interval, err = intervalFor(n, res.Diff, reps, opt, pairedDiff(a, b))
	if err != nil {
		return PairedResult{}, fmt.Errorf("paired bootstrap: %w", err)
	}
	return res, nil
}

// PairedBootstrapReplicates returns the difference diff = b − a over all n
// records and the paired bootstrap replicates Δ* = b(idx) − a(idx), in the
// order they were drawn, exactly those [PairedBootstrap] computes from the
// same arguments (NaN replicates skipped). Use it to derive further
// quantities from the same resamples, such as [BootstrapPValue] against a
// non-zero margin. opt.Method and opt.Jackknife are ignored, but the other
// options are validated as by PairedBootstrap; the errors are the same.
// The returned slice is the caller's.
func PairedBootstrapReplicates(n int, a, b Statistic, opt BootstrapOptions) (diff float64, replicates []float64, err error) {
	opt, err = opt.normalized()
	if err != nil {
		return 0, nil, fmt.Errorf("paired bootstrap replicates: %w", err)
	}
	diff, replicates, err = pairedReplicates(n, a, b, opt)
	if err != nil {
		return 0, nil, fmt.Errorf("paired bootstrap replicates: %w", err)
	}
	return diff, replicates, nil
}

// pairedDiff is the Statistic b − a, NaN when either is NaN.
func pairedDiff(a, b Statistic) Statistic {
	return func(idx []int) float64 {
		va := a(idx)
		if math.IsNaN(va) {
			return math.NaN()
		}
		return b(idx) - va // NaN when b is NaN
	}
}

// pairedReplicates checks the inputs of a paired bootstrap with normalized
// options and returns b − a on all records and the replicates.
func pairedReplicates(n int, a, b Statistic, opt BootstrapOptions) (float64, []float64, error) {
	if n < 2 {
		return 0, nil, fmt.Errorf("%d records: need at least 2", n)
	}
	if a == nil || b == nil {
		return 0, nil, errors.New("nil statistic")
	}
	all := identity(n)
	va, vb := a(all), b(all)
	if math.IsNaN(va) || math.IsNaN(vb) {
		return 0, nil, fmt.Errorf("statistic is NaN on the full sample (a=%v, b=%v)", va, vb)
	}
	reps, err := replicates(n, opt, pairedDiff(a, b))
	if err != nil {
		return 0, nil, err
	}
	return vb - va, reps, nil
}

// PercentileInterval returns the percentile bootstrap interval of the
// replicates: their α/2 and 1 − α/2 quantiles, α = 1 − conf, computed as
// [Quantile] does (numpy's default linear interpolation, type 7), with
// Method [MethodBootstrapPercentile]. It equals
// numpy.percentile(replicates, [100α/2, 100(1−α/2)]). replicates is not
// modified. It returns NaN bounds when replicates is empty or contains NaN,
// or conf is outside (0, 1).
func PercentileInterval(replicates []float64, conf float64) Interval {
	if len(replicates) == 0 || !validConf(conf) || slices.ContainsFunc(replicates, math.IsNaN) {
		return Interval{Lo: math.NaN(), Hi: math.NaN(), Method: MethodBootstrapPercentile}
	}
	sorted := slices.Clone(replicates)
	slices.Sort(sorted)
	return percentileSorted(sorted, conf, MethodBootstrapPercentile)
}

func percentileSorted(sorted []float64, conf float64, method string) Interval {
	alpha := (1 - conf) / 2
	return Interval{Lo: Quantile(sorted, alpha), Hi: Quantile(sorted, 1-alpha), Method: method}
}

// BCaInterval returns the bias-corrected and accelerated bootstrap interval
// (Efron 1987; Efron & Tibshirani 1993, §14.3) from the estimate θ̂ on the
// full sample, the bootstrap replicates θ*, and jackknife values θ₍ᵢ₎, with
// the same statements as scipy.stats.bootstrap(method="BCa") (scipy 1.10,
// _bca_interval):
//
//	z₀ = Φ⁻¹((#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B)
//	a  = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6 [Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2})
//	αⱼ = Φ(z₀ + (z₀ + z_q)/(1 − a(z₀ + z_q))),  q = α/2 and 1 − α/2
//
// and the interval is the α₁ and α₂ quantiles of θ* by [Quantile]. The
// share in z₀ counts replicates equal to θ̂ as one half (scipy's mid-rank
// rule); without ties it is #{θ* < θ̂}/B as in STATISTICS.md, and with the
// many ties of a discrete metric such as accuracy it avoids a spurious bias
// correction. A grouped (delete-a-group) jackknife may be passed instead of
// leave-one-out values: the formula for a is invariant to that scaling.
//
// When BCa is degenerate (all replicates equal, θ̂ outside the range of the
// replicates so that z₀ is infinite, or a non-finite acceleration or
// level) it returns the percentile interval with Method
// [MethodBCaDegenerate] and no error; otherwise Method is
// [MethodBootstrapBCa]. It fails on invalid input: no replicates, a NaN
// replicate or θ̂, fewer than 2 jackknife values, conf outside (0, 1).
// replicates and jackknife are not modified.
func BCaInterval(thetaHat float64, replicates, jackknife []float64, conf float64) (Interval, error) {
	switch {
	case len(replicates) == 0:
		return Interval{}, errors.New("bca interval: no replicates")
	case math.IsNaN(thetaHat):
		return Interval{}, errors.New("bca interval: estimate is NaN")
	case len(jackknife) < 2:
		return Interval{}, fmt.Errorf("bca interval: %d jackknife values: need at least 2", len(jackknife))
	case !validConf(conf):
		return Interval{}, fmt.Errorf("bca interval: confidence %v: must be in (0, 1)", conf)
	case slices.ContainsFunc(replicates, math.IsNaN):
		return Interval{}, errors.New("bca interval: replicates contain NaN")
	}
	sorted := slices.Clone(replicates)
	slices.Sort(sorted)
	return bcaSorted(thetaHat, sorted, jackknife, conf), nil
}

// bcaSorted is BCaInterval on replicates already sorted ascending.
func bcaSorted(thetaHat float64, sorted, jackknife []float64, conf float64) Interval {
	lo, hi, _, _, ok := bcaLevels(thetaHat, sorted, jackknife, conf)
	if !ok {
		return percentileSorted(sorted, conf, MethodBCaDegenerate)
	}
	return Interval{Lo: Quantile(sorted, lo), Hi: Quantile(sorted, hi), Method: MethodBootstrapBCa}
}

// bcaLevels returns BCa's adjusted levels α₁, α₂, with z₀ and a; ok is
// false when BCa is degenerate.
func bcaLevels(thetaHat float64, sorted, jackknife []float64, conf float64) (alpha1, alpha2, z0, accel float64, ok bool) {
	if sorted[0] == sorted[len(sorted)-1] {
		return 0, 0, 0, 0, false
	}
	return bcaLevelsAccel(thetaHat, sorted, acceleration(jackknife), conf)
}

// bcaLevelsAccel is bcaLevels with the acceleration given.
func bcaLevelsAccel(thetaHat float64, sorted []float64, accel, conf float64) (alpha1, alpha2, z0, _ float64, ok bool) {
	b := len(sorted)
	if sorted[0] == sorted[b-1] {
		return 0, 0, 0, 0, false
	}
	less := sort.SearchFloat64s(sorted, thetaHat) // #{θ* < θ̂}
	leq := sort.Search(b, func(i int) bool { return sorted[i] > thetaHat })
	z0 = distuv.UnitNormal.Quantile(float64(less+leq) / float64(2*b))
	zAlpha := distuv.UnitNormal.Quantile((1 - conf) / 2)
	num1 := z0 + zAlpha
	alpha1 = distuv.UnitNormal.CDF(z0 + num1/(1-accel*num1))
	num2 := z0 - zAlpha
	alpha2 = distuv.UnitNormal.CDF(z0 + num2/(1-accel*num2))
	ok = !math.IsInf(z0, 0) && finite(accel) && finite(alpha1) && finite(alpha2)
	return alpha1, alpha2, z0, accel, ok
}

// acceleration is BCa's jackknife acceleration of values counted once each.
func acceleration(jackknife []float64) float64 { return Acceleration(jackknife, nil) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// intervalFor turns replicates into the interval asked for by opt. It sorts
// reps in place.
func intervalFor(n int, thetaHat float64, reps []float64, opt BootstrapOptions, stat Statistic) (Interval, error) {
	slices.Sort(reps)
	if opt.Method == BootstrapPercentile {
		return percentileSorted(reps, opt.Confidence, MethodBootstrapPercentile), nil
	}
	var jack []float64
	if opt.Jackknife != nil {
		jack = opt.Jackknife()
		if len(jack) < 2 {
			return Interval{}, fmt.Errorf("jackknife option returned %d values: need at least 2", len(jack))
		}
	} else {
		var err error
		if jack, err = jackknifeValues(n, stat, opt.Seed, opt.Done); err != nil {
			return Interval{}, err
		}
	}
	return bcaSorted(thetaHat, reps, jack, opt.Confidence), nil
}

// replicates draws opt.Resamples resamples of n positions and returns the
// non-NaN values of stat on them.
func replicates(n int, opt BootstrapOptions, stat Statistic) ([]float64, error) {
	src := newResampleSource(opt.Seed)
	idx := make([]int, n)
	reps := make([]float64, 0, opt.Resamples)
	un := uint64(n)
	for b := range opt.Resamples {
		if b%64 == 0 && stopped(opt.Done) {
			return nil, ErrStopped
		}
		for i := range idx {
			idx[i] = int(uniformIndex(src, un))
		}
		if v := stat(idx); !math.IsNaN(v) {
			reps = append(reps, v)
		}
	}
	if nan := opt.Resamples - len(reps); 2*nan > opt.Resamples {
		return nil, fmt.Errorf("statistic is NaN on %d of %d resamples: more than half", nan, opt.Resamples)
	}
	return reps, nil
}

// uniformIndex returns a uniform integer in [0, n) from src by Lemire's
// multiply-and-reject method. It is written out here, rather than using
// rand.Rand.IntN, so that the resampling stream for a seed depends only on
// PCG's specified output, not on the standard library's choice of method.
func uniformIndex(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// jackknifeValues returns the leave-one-out values of stat for n ≤
// exactJackknifeMax, and delete-a-group values over jackknifeGroups random
// groups of (nearly) equal size otherwise. NaN values are kept: they make
// the acceleration NaN, and BCa then falls back to the percentile interval.
// Closing done stops it with ErrStopped (polled every 64 values).
func jackknifeValues(n int, stat Statistic, seed uint64, done <-chan struct{}) ([]float64, error) {
	if n <= exactJackknifeMax {
		// idx holds 0..n-1 without i; moving from i-1 to i only changes
		// position i-1 (from i to i-1).
		idx := make([]int, n-1)
		for k := range idx {
			idx[k] = k + 1
		}
		out := make([]float64, n)
		for i := range n {
			if i%64 == 0 && stopped(done) {
				return nil, ErrStopped
			}
			if i > 0 {
				idx[i-1] = i - 1
			}
			out[i] = stat(idx)
		}
		return out, nil
	}
	groups := jackknifeGroups
	perm := identity(n)
	src := rand.NewPCG(seed, jackknifeStream)
	for i := n - 1; i > 0; i-- { // Fisher–Yates
		if i%(1<<16) == 0 && stopped(done) {
			return nil, ErrStopped
		}
		j := int(uniformIndex(src, uint64(i+1)))
		perm[i], perm[j] = perm[j], perm[i]
	}
	group := make([]int, n) // group[record] = its group
	for g := range groups {
		for _, r := range perm[g*n/groups : (g+1)*n/groups] {
			group[r] = g
		}
	}
	out := make([]float64, groups)
	idx := make([]int, 0, n)
	for g := range groups {
		if g%8 == 0 && stopped(done) { // each group is a pass over the n records
			return nil, ErrStopped
		}
		idx = idx[:0]
		for r, gr := range group {
			if gr != g {
				idx = append(idx, r)
			}
		}
		out[g] = stat(idx)
	}
	return out, nil
}

func identity(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
