package results

// Kind is the kind of a criterion, as written in the experiment file.
type Kind string

// The criterion kinds.
const (
	AtLeast     Kind = "at_least"
	AtMost      Kind = "at_most"
	BetterThan  Kind = "better_than"
	NoWorseThan Kind = "no_worse_than"
)

// Comparison reports whether the kind compares a candidate with a baseline.
func (k Kind) Comparison() bool { return k == BetterThan || k == NoWorseThan }

// CriterionStatus is the outcome of one criterion.
type CriterionStatus string

// The criterion statuses.
const (
	Pass         CriterionStatus = "pass"
	Fail         CriterionStatus = "fail"
	Inconclusive CriterionStatus = "inconclusive"
	// Undefined means the value could not be computed; it is never a pass.
	Undefined CriterionStatus = "undefined"
	// TooSmall is a segment with fewer records than the minimum segment
	// size: it is not judged, and a criterion that must hold in it cannot pass.
	TooSmall CriterionStatus = "too small to judge"
)

// Decision is the verdict of a run.
type Decision string

// The verdicts.
const (
	Go        Decision = "GO"
	NoGo      Decision = "NO-GO"
	Undecided Decision = "INCONCLUSIVE"
)

// Interval is a confidence interval as written to the run folder; Method
// names how it was formed (wilson, bootstrap-bca, delong, …, or "none").
type Interval struct {
	Lo     Number `json:"lo"`
	Hi     Number `json:"hi"`
	Method string `json:"method"`
}

// NoInterval is the interval of a value that has none.
func NoInterval() Interval { return Interval{Lo: NaN(), Hi: NaN(), Method: "none"} }

// Estimate is one metric's value for one pipeline, with its interval: an
// entry of metrics.json.
type Estimate struct {
	Metric    string   `json:"metric"`
	Direction string   `json:"direction"`
	Unit      string   `json:"unit,omitempty"`
	Value     Number   `json:"value"`
	N         int      `json:"n"`
	Interval  Interval `json:"interval"`
	Detail    any      `json:"detail,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// Judgement is the evaluation of one criterion: an entry of verdict.json.
type Judgement struct {
	Name     string `json:"name"`
	Metric   string `json:"metric"`
	Pipeline string `json:"pipeline"`
	Kind     Kind   `json:"kind"`
	Baseline string `json:"baseline,omitempty"`
	Must     bool   `json:"must"`
	// Estimate is the metric's value (absolute kinds) or the difference
	// candidate − baseline (comparisons), in the metric's unit.
	Estimate Number   `json:"estimate"`
	Interval Interval `json:"interval"`
	// Threshold is the bound Estimate is held to; Sense is ">=" or "<=".
	Threshold Number          `json:"threshold"`
	Sense     string          `json:"sense"`
	Status    CriterionStatus `json:"status"`
	// CandidateValue and BaselineValue are the two metric values of a comparison.
	CandidateValue *Number `json:"candidate_value,omitempty"`
	BaselineValue  *Number `json:"baseline_value,omitempty"`
	// Relative marks a comparison of (candidate − baseline) / |baseline|.
	Relative bool `json:"relative,omitempty"`
	// PValue is the one-sided p-value of the test that the criterion holds
	// (small means strong evidence that it holds), the one that inverts
	// Interval; AdjustedP is the same after the multiplicity correction
	// across the must-criteria's tests.
	PValue    Number `json:"p_value"`
	AdjustedP Number `json:"adjusted_p_value"`
	// McNemarP is the exact two-sided McNemar p-value of a comparison of
	// two proportions on the same records (evidence shown with the interval).
	McNemarP *Number `json:"mcnemar_p,omitempty"`
	// Segments are the per-segment judgements of a criterion that must hold
	// in every segment.
	Segments []SegmentJudgement `json:"segments,omitempty"`
	// Failures counts the records the pipeline failed on (a failure counts
	// as a wrong decision); BaselineFailures the baseline's.
	Failures         int  `json:"failures"`
	BaselineFailures *int `json:"baseline_failures,omitempty"`
	// MoreRecords estimates, for an inconclusive criterion, how many more
	// records would likely decide it at the observed effect (0 when decided
	// or when no amount would).
	MoreRecords int `json:"more_records_needed,omitempty"`
	// SampleSizeMethod says how MoreRecords was worked out.
	SampleSizeMethod string `json:"sample_size_method,omitempty"`
	// Unit is the unit of Estimate ("" for shares and relative differences).
	Unit string `json:"unit,omitempty"`
	// Explanation says in plain language why the criterion has its status.
	Explanation string `json:"explanation"`
	// Test names the statistical test.
	Test string `json:"test"`
	// Why is the file's reason for the criterion.
	Why string `json:"why,omitempty"`
}

// SegmentJudgement is a criterion judged on the records of one segment.
type SegmentJudgement struct {
	Column    string          `json:"column"`
	Value     string          `json:"value"`
	Records   int             `json:"records"`
	Estimate  Number          `json:"estimate"`
	Interval  Interval        `json:"interval"`
	Status    CriterionStatus `json:"status"`
	PValue    Number          `json:"p_value"`
	AdjustedP Number          `json:"adjusted_p_value"`
	Note      string          `json:"note,omitempty"`
}
