package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

func init() {
	Register(Info{Type: "by_window", Doc: "an inner `metric:` over all records, listed by time `window:` (month, week or day of the `time:` column) in the detail",
		Accepts: anyKind}, func() Spec { return new(WindowSpec) })
	Register(Info{Type: "by_group", Doc: "an inner `metric:` over all records, listed by `group:` (with n and an interval per group) in the detail",
		Accepts: anyKind}, func() Spec { return new(ByGroupSpec) })
}

// Per-part intervals in the detail of by_window and by_group.
const (
	// partConfidence is their level.
	partConfidence = 0.95
	// partResamples is the number of bootstrap resamples of one part.
	partResamples = 1000
)

// WindowSpec configures by_window:
//
//   - {name: accuracy_by_month, type: by_window, metric: {type: accuracy}, window: month, time: created_at}
//
// The value is the inner metric over all records, with the inner metric's
// own intervals and comparisons. The detail lists the inner metric in each
// window of the `time:` column (default: the dataset's time column), in
// time order, with its n and a 95% interval: Wilson's when the inner metric
// is a proportion, else a percentile bootstrap of the window's records
// (fixed seed). Weeks are ISO weeks ("2024-W05"); windows follow the time
// zone of the data. Records without a time are in the value but in no
// window.
type WindowSpec struct {
	// Metric is the inner metric.
	Metric MetricSpec `yaml:"metric"`
	// Window is month (default), week or day.
	Window string `yaml:"window"`
	// Time names the time column (default: the dataset's time column).
	Time string `yaml:"time"`
}

// Build checks the keys and builds the inner metric.
func (s *WindowSpec) Build(env Env) (Metric, error) {
	var errs pipeline.FieldErrors
	window := s.Window
	if window == "" {
		window = "month"
	}
	layout := map[string]string{"month": "2006-01", "day": "2006-01-02", "week": ""}
	if _, ok := layout[window]; !ok {
		errs.Add("window", "must be month, week or day, got %q", s.Window)
	}
	col := s.Time
	switch {
	case col == "" && env.Time == "":
		errs.Add("time", "missing: the dataset declares no time column; name one, e.g. `time: created_at`")
	case col == "":
		col = env.Time
	case !env.HasColumn(col):
		errs = append(errs, columnError(env, "time", col))
	}
	inner, err := s.Metric.build("metric", env)
	if err != nil {
		errs = append(errs, pipeline.AsFieldErrors(err)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	m := &splitMetric{Metric: inner, typ: "by_window", by: window, column: col, ordered: true}
	m.key = func(o Observation) (string, string) {
		t, err := datasets.ParseTime(o.Record.Fields[col])
		if err != nil {
			return "", "no time"
		}
		if window == "week" {
			y, w := t.ISOWeek()
			return fmt.Sprintf("%04d-W%02d", y, w), ""
		}
		return t.Format(layout[window]), ""
	}
	return m, nil
}

// ByGroupSpec configures by_group:
//
//   - {name: recall_by_age, type: by_group, metric: {type: recall}, group: age_band, min_group_size: 30}
//
// The value is the inner metric over all records, with the inner metric's
// own intervals and comparisons. The detail lists the inner metric in each
// group (sorted by name) with its n and a 95% interval: Wilson's when the
// inner metric is a proportion, else a percentile bootstrap of the group's
// records (fixed seed); a group of fewer than `min_group_size:` records is
// marked small. Records without a group are in the value but in no group.
type ByGroupSpec struct {
	// Metric is the inner metric.
	Metric MetricSpec `yaml:"metric"`
	// Group names the column that defines the groups.
	Group string `yaml:"group"`
	// MinGroupSize marks smaller groups as small (default 1: none).
	MinGroupSize int `yaml:"min_group_size"`
}

// Build checks the keys and builds the inner metric.
func (s *ByGroupSpec) Build(env Env) (Metric, error) {
	var errs pipeline.FieldErrors
	switch {
	case s.Group == "":
		errs.Add("group", "missing: the column that defines the groups, e.g. `group: age_band`")
	case !env.HasColumn(s.Group):
		errs = append(errs, columnError(env, "group", s.Group))
	}
	if s.MinGroupSize < 0 {
		errs.Add("min_group_size", "must not be negative, got %d", s.MinGroupSize)
	}
	inner, err := s.Metric.build("metric", env)
	if err != nil {
		errs = append(errs, pipeline.AsFieldErrors(err)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	col := s.Group
	m := &splitMetric{Metric: inner, typ: "by_group", by: "group", column: col, minSize: s.MinGroupSize}
	m.key = func(o Observation) (string, string) {
		if g := o.Record.String(col); g != "" {
			return g, ""
		}
		return "", "no group"
	}
	return m, nil
}

// splitMetric is an inner metric whose accumulator also keeps one inner
// accumulator per part (a window, a group) for the detail.
type splitMetric struct {
	Metric  // the inner metric: name, direction, unit
	typ, by string
	column  string
	ordered bool // parts in time order (by_window)
	minSize int
	key     func(Observation) (part, reason string)
}

// Columns are the inner metric's and the column that splits the records,
// when the inner metric knows its own.
func (m *splitMetric) Columns() ([]string, bool) {
	c, ok := m.Metric.(Columns)
	if !ok || m.column == "" {
		return nil, false
	}
	cols, ok := c.Columns()
	if !ok {
		return nil, false
	}
	return append(slices.Clone(cols), m.column), true
}

// New returns an accumulator with the inner accumulator's optional
// interfaces (Resampler, Proportion, ...), so that intervals and
// comparisons of the value are the inner metric's.
func (m *splitMetric) New() Accumulator {
	return wrapInner(&splitAcc{m: m, inner: m.Metric.New(), parts: map[string]Accumulator{}})
}

// splitAcc feeds every observation to the inner accumulator and to its
// part's.
type splitAcc struct {
	m        *splitMetric
	inner    Accumulator
	parts    map[string]Accumulator
	excluded map[string]int
}

func (a *splitAcc) split() *splitAcc { return a }

// Add folds the observation into the inner accumulator and its part's.
func (a *splitAcc) Add(o Observation) {
	a.inner.Add(o)
	k, why := a.m.key(o)
	if why != "" {
		if a.excluded == nil {
			a.excluded = map[string]int{}
		}
		a.excluded[why]++
		return
	}
	p, ok := a.parts[k]
	if !ok {
		p = a.m.Metric.New()
		a.parts[k] = p
	}
	p.Add(o)
}

// Merge merges the inner accumulators and the parts' of another
// accumulator of the same metric.
func (a *splitAcc) Merge(other Accumulator) error {
	o, ok := other.(interface{ split() *splitAcc })
	if !ok || o.split().m != a.m {
		return fmt.Errorf("merge %s: accumulator of another metric", a.m.Name())
	}
	b := o.split()
	if err := a.inner.Merge(b.inner); err != nil {
		return err
	}
	for k, bp := range b.parts {
		p, ok := a.parts[k]
		if !ok {
			p = a.m.Metric.New()
			a.parts[k] = p
		}
		if err := p.Merge(bp); err != nil {
			return fmt.Errorf("merge %s, %s %q: %w", a.m.Name(), a.m.by, k, err)
		}
	}
	for k, v := range b.excluded {
		if a.excluded == nil {
			a.excluded = map[string]int{}
		}
		a.excluded[k] += v
	}
	return nil
}

// PartValue is the inner metric in one window or group.
type PartValue struct {
	// Name is the window ("2024-03", "2024-W05", "2024-03-05") or the group.
	Name string `json:"name"`
	// N is the inner metric's n in the part.
	N int `json:"n"`
	// Value is the inner metric in the part (NaN as null).
	Value Rate `json:"value"`
	// Lo and Hi bound a 95% interval, by Interval: "wilson" or "bootstrap"
	// ("" and null without one).
	Lo       Rate   `json:"lo"`
	Hi       Rate   `json:"hi"`
	Interval string `json:"interval,omitempty"`
	// Small marks a group below min_group_size.
	Small bool `json:"small,omitempty"`
}

// SplitDetail is the detail of by_window and by_group.
type SplitDetail struct {
	// By is month, week or day (by_window), or group.
	By string `json:"by"`
	// Column is the time or group column.
	Column string `json:"column"`
	// Parts are the windows in time order, or the groups by name.
	Parts []PartValue `json:"parts"`
	// Excluded counts records in no part, by reason.
	Excluded map[string]int `json:"excluded,omitempty"`
	// Inner is the inner metric's own detail over all records.
	Inner any `json:"inner,omitempty"`
}

// Result is the inner metric over all records, with the parts in the detail.
func (a *splitAcc) Result() Result {
	r := a.inner.Result()
	d := SplitDetail{By: a.m.by, Column: a.m.column, Excluded: a.excluded, Inner: r.Detail}
	names := make([]string, 0, len(a.parts))
	for k := range a.parts {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		d.Parts = append(d.Parts, a.partValue(k))
	}
	r.Detail = d
	return r
}

// partValue is the inner metric in part k, with its interval.
func (a *splitAcc) partValue(k string) PartValue {
	p := a.parts[k]
	r := p.Result()
	v := PartValue{Name: k, N: r.N, Value: Rate(r.Value), Lo: Rate(math.NaN()), Hi: Rate(math.NaN())}
	v.Small = a.m.minSize > 0 && r.N < a.m.minSize
	if pr, ok := p.(Proportion); ok {
		if s, n, isProp := pr.Counts(); isProp && n > 0 {
			lo, hi := wilson(s, n, partConfidence)
			v.Lo, v.Hi, v.Interval = Rate(lo), Rate(hi), "wilson"
			return v
		}
	}
	if rs, ok := p.(Resampler); ok && rs.Len() >= 2 {
		lo, hi := bootstrapPercentile(rs, partResamples, partConfidence)
		if !math.IsNaN(lo) {
			v.Lo, v.Hi, v.Interval = Rate(lo), Rate(hi), "bootstrap"
		}
	}
	return v
}

// wilson is the Wilson score interval of s successes in n trials.
func wilson(s, n int, conf float64) (lo, hi float64) {
	z := normalQuantile(0.5 + conf/2)
	p, nf := float64(s)/float64(n), float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return max(0, centre-half), min(1, centre+half)
}

// normalQuantile is the standard normal quantile of p.
func normalQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

// bootstrapPercentile is the percentile interval of rs's value over b
// resamples of its positions, with a fixed seed; resamples where the value
// is undefined are dropped (NaN, NaN when more than half are).
func bootstrapPercentile(rs Resampler, b int, conf float64) (lo, hi float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := rs.Len()
	idx := make([]int, n)
	values := make([]float64, 0, b)
	for range b {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		if v := rs.ValueAt(idx); !math.IsNaN(v) {
			values = append(values, v)
		}
	}
	if len(values) < b/2 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(values)
	alpha := (1 - conf) / 2
	return quantileSorted(values, alpha), quantileSorted(values, 1-alpha)
}

// Wrappers give a splitAcc the optional interfaces of its inner
// accumulator, in the combinations the library has; an inner accumulator
// with another combination keeps the largest listed one.
type (
	splitR struct {
		*splitAcc
		Resampler
	}
	splitRPO struct {
		*splitAcc
		Resampler
		Proportion
		Outcomes
	}
	splitRP struct {
		*splitAcc
		Resampler
		Proportion
	}
	splitRS struct {
		*splitAcc
		Resampler
		ScoredOutcomes
	}
	splitRQ struct {
		*splitAcc
		Resampler
		Quantiler
	}
	splitRE struct {
		*splitAcc
		Resampler
		ExtraVariance
	}
	splitB struct {
		*splitAcc
		Bounded
	}
)

// wrapInner returns a with the optional interfaces of a.inner.
func wrapInner(a *splitAcc) Accumulator {
	in := a.inner
	r, isR := in.(Resampler)
	p, isP := in.(Proportion)
	o, isO := in.(Outcomes)
	s, isS := in.(ScoredOutcomes)
	q, isQ := in.(Quantiler)
	e, isE := in.(ExtraVariance)
	b, isB := in.(Bounded)
	switch {
	case isR && isP && isO:
		return splitRPO{a, r, p, o}
	case isR && isP:
		return splitRP{a, r, p}
	case isR && isS:
		return splitRS{a, r, s}
	case isR && isQ:
		return splitRQ{a, r, q}
	case isR && isE:
		return splitRE{a, r, e}
	case isR:
		return splitR{a, r}
	case isB:
		return splitB{a, b}
	}
	return a
}
