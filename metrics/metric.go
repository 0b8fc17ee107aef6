package metrics

import (
	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// Direction says which way a metric improves.
type Direction int

const (
	// HigherIsBetter is for metrics such as recall or money caught.
	HigherIsBetter Direction = iota
	// LowerIsBetter is for metrics such as latency, cost or error rate.
	LowerIsBetter
)

// String returns "higher" or "lower".
func (d Direction) String() string {
	if d == LowerIsBetter {
		return "lower"
	}
	return "higher"
}

// Observation is what a metric sees for one record and one pipeline.
type Observation struct {
	// Record is the replayed record.
	Record datasets.Record
	// Truth is the record's label in canonical form ("" when missing).
	Truth string
	// Pred is the pipeline's prediction for the record.
	Pred pipeline.Prediction
}

// Number is the unit of a metric whose value is a plain number (an error in
// the label's unit, a coefficient, a cost under a cost matrix) rather than a
// share, which has the unit "".
const Number = "number"

// Metric is a configured scorer, ready to accumulate observations.
type Metric interface {
	// Name is the metric's name in the experiment file.
	Name() string
	// Direction says whether higher or lower values are better.
	Direction() Direction
	// Unit is the unit of the value: "" for a share, Number for a plain
	// number, "ms", a currency code such as "EUR".
	Unit() string
	// New returns an empty accumulator.
	New() Accumulator
}

// Accumulator collects observations for one pipeline.
//
// Accumulators are never called concurrently. The engine calls Add once per
// record in replay order (Seq 0, 1, 2, ...), for every pipeline, so position i
// of any two accumulators of one run refers to the same record.
type Accumulator interface {
	// Add folds one observation in. o.Record.Fields is only valid during
	// the call (the replay reuses the map for a later record): keep the
	// values needed, never the map.
	Add(o Observation)
	// Merge folds in the state of another accumulator of the same metric,
	// as if its observations had been added after this one's.
	Merge(other Accumulator) error
	// Result returns the metric's value over everything added.
	Result() Result
}

// Result is a metric's value over a set of records.
type Result struct {
	// Value is the estimate; NaN when undefined (recall with no positives).
	Value float64 `json:"value"`
	// N is the number of records that entered the value (the denominator for
	// a proportion, all records for a mean).
	N int `json:"n"`
	// Detail is optional JSON-serialisable detail, such as a confusion matrix.
	Detail any `json:"detail,omitempty"`
}

// Resampler is implemented by accumulators that keep one entry per record,
// so the value can be recomputed on a resample (bootstrap) or on the same
// resample of two pipelines (paired comparison).
type Resampler interface {
	// Len is the number of records added.
	Len() int
	// ValueAt is the metric over the records at positions idx, counting
	// repeats; it returns NaN where the value is undefined.
	ValueAt(idx []int) float64
}

// Reserver is implemented by accumulators that keep one entry per record
// and can make room for n records at once: a replay of a million records
// then holds them in one slice of the right size, instead of slices grown
// by doubling (up to twice the memory, and a copy at each doubling). The
// engine and the analysis call it, when they know how many records come,
// before the first Add; it changes nothing else.
type Reserver interface {
	Reserve(n int)
}

// Reserve makes room for n records in acc when it is a Reserver.
func Reserve(acc Accumulator, n int) {
	if r, ok := acc.(Reserver); ok && n > 0 {
		r.Reserve(n)
	}
}

// Columns is implemented by metrics that can say which fields of a record
// they read (besides its truth and the prediction): the analysis can then
// feed their accumulators again from those columns, kept in memory by the
// replay, instead of reading the dataset again. ok false, or a metric that
// does not implement it, may read any field.
type Columns interface {
	Columns() (columns []string, ok bool)
}

// Summed is implemented by resampling accumulators whose value over any
// set of records is a function of a few sums over those records, each
// record adding a fixed vector of Terms numbers: a one-hot confusion cell
// for recall or precision, the weight of a positive record for a weighted
// recall, a cost and a 1 for a mean cost. The statistics layer then
// resamples the sums instead of the records — records with the same vector
// are drawn as one group —, which gives the same bootstrap distribution at
// a cost that does not grow with the number of records. Accumulators of a
// Summed metric share no state with one another, so that the analysis may
// feed distinct ones concurrently.
type Summed interface {
	// Terms is the length of each record's vector; 0 when the value is
	// not a function of sums (the accumulator is then resampled record by
	// record).
	Terms() int
	// Term writes record i's vector into dst, which has Terms numbers,
	// all zero.
	Term(i int, dst []float64)
	// FromSums is the value over records whose vectors add up to s, NaN
	// where undefined: the same as ValueAt over those records.
	FromSums(s []float64) float64
}

// Explainer is implemented by accumulators that can say, for people, why
// their value over everything added is undefined (NaN).
type Explainer interface {
	// WhyUndefined says why the value is undefined, as a clause that
	// names pipeline where the pipeline is the cause ("never-block flags
	// no record") and the positive class as positive reads it for people
	// ("no record is fraud (1)"); "" when the value is defined or the
	// accumulator cannot say.
	WhyUndefined(pipeline, positive string) string
}

// Proportion is implemented by accumulators whose value may be a share of
// 0/1 outcomes (accuracy, recall, error rate): the statistics layer gives
// those a Wilson score interval. ok is false when the value is not such a
// share (F1 shares the accumulator of recall but is not a proportion).
type Proportion interface {
	Counts() (successes, trials int, ok bool)
}

// Outcomes is implemented by proportion accumulators that can say, record
// by record, whether the record enters the proportion and whether it is a
// success. It gives Wilson intervals on any subset (a segment) and, for two
// pipelines, the discordant pairs of McNemar's test and of paired sample
// sizes.
type Outcomes interface {
	Outcome(i int) (counted, success bool)
}

// ScoredOutcomes is implemented by the ROC AUC accumulator: record by
// record, whether it counts, whether it is positive and its score. It gives
// DeLong's test when two pipelines' AUCs are compared on the same records.
type ScoredOutcomes interface {
	ScoredOutcome(i int) (counted, positive bool, score float64)
}

// Quantiler is implemented by accumulators whose value is a quantile of
// per-record values (latency p99): they get a distribution-free
// order-statistic interval.
type Quantiler interface {
	// Quantile returns q in (0, 1) and the per-record values, unsorted:
	// the accumulator's own, to read and not to change.
	Quantile() (q float64, values []float64)
}

// LatencySharer is implemented by an accumulator that keeps every
// record's latency in milliseconds (the latency quantiles). ShareLatencies,
// called before the first Add, hands it a column that holds them already —
// one per Add, in the order added, each the prediction's Latency in
// milliseconds — which it reads from then on instead of keeping a copy:
// the replay shares the column it collects, 8 bytes a record and pipeline.
type LatencySharer interface {
	ShareLatencies(col func() []float64)
}

// CostAdopter is implemented by an accumulator that keeps every record's
// cost (the cost metrics). AdoptCosts, called once every record is added,
// hands it a column that should hold the same costs, one a record in the
// order added: when it does, bit for bit, the accumulator reads it from
// then on and lets its own copy go (the replay hands over the column it
// collects, 8 bytes a record for a pipeline with a price), and it reports
// whether it did. The column must not change afterwards.
type CostAdopter interface {
	AdoptCosts(col []float64) bool
}

// Bounded is implemented by accumulators that compute their own interval,
// such as a subprocess metric that answers {"value": x, "lo": l, "hi": h}.
// ok is false when there is none. The statistics layer should prefer these
// bounds to a bootstrap when ok.
type Bounded interface {
	Bounds() (lo, hi float64, ok bool)
}

// ExtraVariance is implemented by accumulators whose per-record values carry
// a measurement noise of their own, which resampling records does not
// capture: an LLM judge that grades the same answer differently when asked
// again (llm_judge with `repeats:`).
//
// ExtraVariance returns a variance, in the squared unit of the value, to add
// to the resampling variance of Result().Value: the interval's standard
// error becomes sqrt(se_bootstrap² + ExtraVariance()), and a percentile
// interval is widened about the value by the factor
// sqrt(1 + ExtraVariance()/se_bootstrap²). In a comparison of two
// accumulators the extra variances of both add to the variance of the
// difference. It is 0 when the noise was not measured, never negative or
// NaN, and is meant to be called after Result (it may do the same work).
// Like the rest of an accumulator it is not safe for concurrent use.
type ExtraVariance interface {
	ExtraVariance() float64
}
