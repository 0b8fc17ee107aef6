package metrics

// Outcome is the classification of one decision against the positive class
// of a binary label.
type Outcome uint8

// The outcomes of one decision.
const (
	// TruePositive: a positive record, flagged.
	TruePositive Outcome = iota
	// FalsePositive: a negative record, flagged.
	FalsePositive
	// FalseNegative: a positive record, not flagged (missed).
	FalseNegative
	// TrueNegative: a negative record, not flagged.
	TrueNegative
	// Unlabelled: the record has no label, so the decision is neither right
	// nor wrong and enters no count (an outcome history hid).
	Unlabelled
)

// Classify is the one classification of a binary decision that every
// metric, the impact projection and the report use: a record with no truth
// is Unlabelled; a failed prediction flags nothing (a broken model catches
// nothing); otherwise a label equal to positive flags the record.
func Classify(truth, label string, failed bool, positive string) Outcome {
	if truth == "" {
		return Unlabelled
	}
	flagged := !failed && label == positive
	switch isPos := truth == positive; {
	case isPos && flagged:
		return TruePositive
	case isPos:
		return FalseNegative
	case flagged:
		return FalsePositive
	}
	return TrueNegative
}
