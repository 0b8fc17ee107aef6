package results

// MaxSegmentValues is how many values of a segment column a breakdown
// lists: the ones with the most records.
const MaxSegmentValues = 20

// Breakdown is a share of records, group by group: the metric the report
// plots by month and by segment value, for every pipeline, with Wilson
// intervals. It is worked out once, after the replay, from the journal.
type Breakdown struct {
	// Metric is "recall" (a binary label with a positive class) or
	// "accuracy".
	Metric string `json:"metric"`
	// Positive is the positive class of recall.
	Positive string `json:"positive,omitempty"`
	// Months are the calendar months of the records' time (UTC), in order;
	// empty when the records have no time.
	Months []Group `json:"months,omitempty"`
	// Segments break the records down by each segment column.
	Segments []SegmentBreakdown `json:"segments,omitempty"`
}

// SegmentBreakdown is one segment column's groups.
type SegmentBreakdown struct {
	Column string `json:"column"`
	// Values are the column's values with the most records first (ties by
	// value), at most MaxValues of them.
	Values []Group `json:"values"`
	// Capped is true when the column has more values than are listed.
	Capped bool `json:"capped,omitempty"`
}

// Group is one month or one segment value: its records and each
// pipeline's rate on them.
type Group struct {
	Key     string `json:"key"`
	Records int    `json:"records"`
	Rates   []Rate `json:"rates"`
}

// Rate is one pipeline's share on a group: Successes of Trials, with its
// Wilson interval. A pipeline with no trial in the group has no rate.
type Rate struct {
	Pipeline  string   `json:"pipeline"`
	Successes int      `json:"successes"`
	Trials    int      `json:"trials"`
	Value     Number   `json:"value"`
	Interval  Interval `json:"interval"`
}

// Confusion is a confusion matrix of one pipeline: Counts[true][decided]
// over Labels, sorted; a failed or empty decision is the label "(none)".
type Confusion struct {
	Labels []string `json:"labels"`
	Counts [][]int  `json:"counts"`
	// Source says where the counts come from.
	Source string `json:"source"`
}
