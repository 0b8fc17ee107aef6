package results

// OperatingPoint is the operating-point analysis of a scored candidate:
// at which thresholds on its score every must-criterion would pass. The
// thresholds are chosen on one half of the records (Select) and the
// suggested one is judged on the other half (Confirm), so that the
// suggestion is not credited with the luck of its own selection.
type OperatingPoint struct {
	// Pipeline is the candidate.
	Pipeline string `json:"pipeline"`
	// Note says why the analysis could not be made, when it could not
	// (then only Pipeline and Current are set).
	Note string `json:"note,omitempty"`
	// SelectRecords and ConfirmRecords are the sizes of the two halves,
	// split at random within each class of the label (seeded by the run's
	// seed).
	SelectRecords  int `json:"select_records"`
	ConfirmRecords int `json:"confirm_records"`
	// Current is the candidate's decisions as they were made, on every
	// record; its Threshold is NaN when the decisions follow no single
	// threshold on the score.
	Current ThresholdPoint `json:"current"`
	// ThresholdInferred marks a current threshold read from the decisions
	// (the lowest score flagged) because the pipeline states none.
	ThresholdInferred bool `json:"threshold_inferred,omitempty"`
	// Reused, when set, says that an earlier run on the same records
	// suggested the threshold the candidate now decides at: this run then
	// judges a threshold on the records it was chosen from.
	Reused string `json:"reused,omitempty"`
	// Sweep is each threshold tried, on the selection half, with whether
	// every must-criterion's estimate passed there.
	Sweep []ThresholdPoint `json:"sweep,omitempty"`
	// Feasible are the ranges of thresholds at which every must-criterion's
	// estimate passed on the selection half, highest threshold first.
	Feasible []ThresholdRange `json:"feasible,omitempty"`
	// Suggested is the threshold suggested from the selection half, with
	// its figures on every record (for the curves); nil when none passed.
	Suggested *ThresholdPoint `json:"suggested,omitempty"`
	// SuggestedBy says how Suggested was chosen among the passing ones.
	SuggestedBy string `json:"suggested_by,omitempty"`
	// Weak reports that no threshold tried passed its must-criteria's tests
	// on the selection half, only their estimates: the suggestion is the
	// best guess there, not a threshold shown to pass.
	Weak bool `json:"weak,omitempty"`
	// Closest, when no threshold passed, is for each must-criterion the
	// threshold that came closest on the selection half.
	Closest []ClosestPoint `json:"closest,omitempty"`
	// Confirm is the judgement at Suggested on the confirmation half; nil
	// when there is no suggestion.
	Confirm *Confirmation `json:"confirm,omitempty"`
	// Currency and Incumbent are the money's currency and the pipeline its
	// savings are against ("" when the experiment prices no errors or
	// names no incumbent).
	Currency  string `json:"currency,omitempty"`
	Incumbent string `json:"incumbent,omitempty"`
	// Advised is Advice in words, for readers of metrics.json: "switch",
	// "keep today", "not shown", "no threshold" ("" when the analysis was
	// not made).
	Advised string `json:"advice,omitempty"`
}

// ThresholdPoint is what deciding at one threshold gives: a record whose
// score is at least Threshold is flagged positive.
type ThresholdPoint struct {
	Threshold Number `json:"threshold"`
	// TPR (recall), FPR and Precision of the decisions, and Flagged, the
	// share of answered records flagged.
	TPR       Number `json:"tpr"`
	FPR       Number `json:"fpr"`
	Precision Number `json:"precision"`
	Flagged   Number `json:"flagged"`
	// Pass says whether every must-criterion's estimate passed on the
	// selection half (set in Sweep only).
	Pass bool `json:"pass,omitempty"`
	// Saving is the point estimate of the yearly saving against the
	// incumbent on the same records (NaN when there is no money).
	Saving Number `json:"saving"`
}

// ThresholdRange is a run of neighbouring thresholds of the sweep that all
// passed: from Low to High, both included.
type ThresholdRange struct {
	Low  Number `json:"low"`
	High Number `json:"high"`
}

// ClosestPoint is, for one must-criterion, the threshold of the sweep at
// which it came closest to passing (or passed) on the selection half.
type ClosestPoint struct {
	Criterion string `json:"criterion"`
	Metric    string `json:"metric"`
	Threshold Number `json:"threshold"`
	Estimate  Number `json:"estimate"`
	Required  Number `json:"required"`
	Sense     string `json:"sense"`
	Unit      string `json:"unit"`
	// Passes says whether it passes there; Low and High are the lowest and
	// highest thresholds tried at which it passes on its own (NaN when at
	// none).
	Passes bool   `json:"passes"`
	Low    Number `json:"low"`
	High   Number `json:"high"`
}

// Confirmation is the candidate judged on the confirmation half, at the
// suggested threshold and as its decisions were made.
type Confirmation struct {
	// Verdict and Reason are what the must-criteria give at the suggested
	// threshold on the confirmation half; Criteria their judgements.
	Verdict  Decision    `json:"verdict"`
	Reason   string      `json:"reason"`
	Criteria []Judgement `json:"criteria"`
	// CurrentVerdict is the verdict of the decisions as made, on the same
	// half, for comparison.
	CurrentVerdict Decision `json:"current_verdict"`
	// Saving and CurrentSaving are the yearly savings against the
	// incumbent projected from the confirmation half, at the suggested
	// threshold and as the decisions were made (nil without money).
	Saving        *Projection `json:"saving,omitempty"`
	CurrentSaving *Projection `json:"current_saving,omitempty"`
	// Gain is the yearly saving of the suggested threshold over the
	// decisions as made, paired on the same confirmation records (nil
	// without money): what switching would add.
	Gain *Projection `json:"gain,omitempty"`
}

// Advice is what the operating-point analysis advises about the
// candidate's threshold.
type Advice int

// The advice of an operating-point analysis.
const (
	// NoAdvice: the analysis was not made.
	NoAdvice Advice = iota
	// NoThresholdFixes: no threshold passes every must-criterion together.
	NoThresholdFixes
	// KeepToday: the suggestion is today's threshold, or did no better
	// than today's decisions on the confirmation half (a worse verdict, or
	// the same verdict without a saving shown to be larger).
	KeepToday
	// Switch: the suggestion gives GO on the confirmation half where
	// today's decisions do not, or the same GO with a yearly gain whose
	// interval lies above zero.
	Switch
	// NotShown: the suggestion passed on the selection half but does not
	// give GO on the confirmation half, and does no worse than today.
	NotShown
)

// String is the advice in words, as metrics.json writes it.
func (a Advice) String() string {
	switch a {
	case NoThresholdFixes:
		return "no threshold"
	case KeepToday:
		return "keep today"
	case Switch:
		return "switch"
	case NotShown:
		return "not shown"
	}
	return ""
}

// rank orders the verdicts from worst to best, for comparing a suggestion
// with today's decisions.
func rank(d Decision) int {
	switch d {
	case Go:
		return 2
	case Undecided:
		return 1
	}
	return 0
}

// Advice is what the analysis advises. It never advises a threshold that
// did worse than today's decisions on the records held out from choosing
// it.
func (op *OperatingPoint) Advice() Advice {
	switch {
	case op == nil || op.Note != "":
		return NoAdvice
	case op.Suggested == nil:
		return NoThresholdFixes
	case op.Confirm == nil || op.Suggested.Threshold == op.Current.Threshold:
		return KeepToday
	}
	cf := op.Confirm
	switch {
	case rank(cf.Verdict) < rank(cf.CurrentVerdict):
		return KeepToday
	case cf.Verdict == Go && cf.CurrentVerdict != Go:
		return Switch
	case cf.Verdict == Go && cf.Gain != nil && float64(cf.Gain.Interval.Lo) > 0:
		return Switch
	case cf.Verdict == Go:
		return KeepToday
	}
	return NotShown
}

// NoThreshold reports whether the analysis was made and found no threshold
// at which every must-criterion passes together.
func (op *OperatingPoint) NoThreshold() bool {
	return op != nil && op.Note == "" && op.Suggested == nil
}

// Fixes reports whether the suggested threshold passed every
// must-criterion on the confirmation half where today's decisions did
// not.
func (op *OperatingPoint) Fixes() bool {
	return op.Advice() == Switch && op.Confirm.CurrentVerdict != Go
}
