package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// operatingView is the operating-point analysis of one scored candidate as
// both reports show it.
type operatingView struct {
	Pipeline, ID string
	// Lead says what the analysis found, in a paragraph; Money what the
	// suggested threshold would mean a year; Caveat how to use it.
	Lead, Money, Caveat string
	// Rows compare the current and the suggested threshold.
	Rows     []operatingRow
	HasMoney bool
	// SavingHead heads the money column.
	SavingHead string
	// Criteria are the judgements at the suggested threshold on the
	// confirmation half.
	Criteria []htmlCriterion
	// Closest says, when no threshold passes, how near each must-criterion
	// came.
	Closest []string
	// Warning says that the threshold was chosen on these records by an
	// earlier run ("" otherwise).
	Warning string
}

// operatingRow is one threshold of the comparison table.
type operatingRow struct {
	Label, Threshold, Recall, FPR, Precision, Flagged, Saving string
}

// operatingViews are the operating-point analyses of the run's candidates.
func operatingViews(run *results.Run) []operatingView {
	var out []operatingView
	for _, pm := range run.Metrics.Pipelines {
		if op := pm.OperatingPoint; op != nil {
			v := operatingViewOf(op, confidence(run))
			v.ID = fmt.Sprintf("operating-%d", len(out)+1)
			out = append(out, v)
		}
	}
	return out
}

func operatingViewOf(op *results.OperatingPoint, conf float64) operatingView {
	v := operatingView{Pipeline: op.Pipeline}
	cur := op.Current
	at := currentAt(cur)
	if op.ThresholdInferred {
		at += " (the lowest score it flagged: the pipeline states no threshold)"
	}
	today := fmt.Sprintf("%s decides %s as it stands: recall %s, false-positive rate %s, precision %s, %s of records flagged.",
		op.Pipeline, at, pct(cur.TPR), pct(cur.FPR), pct(cur.Precision), pct(cur.Flagged))
	if op.Reused != "" {
		v.Warning = sentence(op.Reused) + " Judge it on records it was not chosen from."
	}
	if op.Note != "" {
		v.Lead = today + " No operating-point analysis: " + op.Note + "."
		return v
	}
	split := fmt.Sprintf("%s records were split at random within each class into a selection half (%s) and a confirmation half (%s)",
		group(int64(op.SelectRecords+op.ConfirmRecords)), group(int64(op.SelectRecords)), group(int64(op.ConfirmRecords)))
	if op.Suggested == nil {
		v.Lead = today + " " + split + fmt.Sprintf("; at none of the %d thresholds tried on the selection half does every must-criterion pass, "+
			"so no threshold fixes the verdict: the model itself would have to improve.", len(op.Sweep))
		for _, c := range op.Closest {
			c.Criterion = format.CriterionName(c.Criterion, c.Metric)
			switch {
			case !c.Passes:
				v.Closest = append(v.Closest, fmt.Sprintf("%s passes at no threshold tried; it comes closest at %s: %s, required %s %s.", c.Criterion,
					format.Sig(float64(c.Threshold)), formatValue(c.Estimate, c.Unit), sense(c.Sense), formatValue(c.Required, c.Unit)))
			case c.Low == c.High:
				v.Closest = append(v.Closest, fmt.Sprintf("%s passes on its own only at threshold %s.", c.Criterion, format.Sig(float64(c.Low))))
			default:
				v.Closest = append(v.Closest, fmt.Sprintf("%s passes on its own at thresholds from %s to %s.", c.Criterion,
					format.Sig(float64(c.Low)), format.Sig(float64(c.High))))
			}
		}
		if len(v.Closest) > 1 {
			v.Closest = append(v.Closest, "These ranges do not meet: the criteria pull the threshold in opposite directions, so a better model, not a threshold, is what the verdict needs.")
		}
		return v
	}
	s, cf := op.Suggested, op.Confirm
	advice := op.Advice()
	same := s.Threshold == cur.Threshold
	// A threshold that did no better than today's is the best one tried on
	// the selection half, not a suggestion.
	kept := advice == results.KeepToday && !same
	called, label := "The suggested threshold is", "Suggested"
	if kept {
		called, label = "The best threshold on the selection half is", "Best on the selection half"
	}
	v.Lead = today + " " + split + fmt.Sprintf(". On the selection half every must-criterion's estimate passes at thresholds %s. "+
		"%s %s: %s. Judged on the confirmation half, which played no part in choosing it, it gives %s",
		rangesText(op.Feasible), called, format.Sig(float64(s.Threshold)), op.SuggestedBy, cf.Verdict)
	if cf.Reason != "" {
		v.Lead += " (" + readable(cf.Reason) + ")"
	}
	v.Lead += fmt.Sprintf(", where the decisions as made give %s on the same records.", cf.CurrentVerdict)
	v.HasMoney = cf.Saving != nil
	rows := []struct {
		label string
		p     results.ThresholdPoint
		sv    *results.Projection
	}{{"As it stands", cur, cf.CurrentSaving}, {label, *s, cf.Saving}}
	for _, r := range rows {
		row := operatingRow{Label: r.label, Threshold: format.Threshold(float64(r.p.Threshold)), Recall: pct(r.p.TPR), FPR: pct(r.p.FPR),
			Precision: pct(r.p.Precision), Flagged: pct(r.p.Flagged)}
		if r.sv != nil {
			row.Saving = compactMoney(float64(r.sv.Value), op.Currency) + " (" + intervalWords(r.sv.Interval, op.Currency) + ")"
		}
		v.Rows = append(v.Rows, row)
	}
	if v.HasMoney {
		v.SavingHead = fmt.Sprintf("Yearly saving against %s (%s interval, confirmation half)", op.Incumbent, confLabel(conf))
	}
	switch {
	case same:
		v.Money = "The threshold as it is is the one this analysis suggests."
	case kept:
		v.Money = fmt.Sprintf("Keep the threshold as it is: on the confirmation half, threshold %s gives %s where the decisions as made give %s",
			format.Sig(float64(s.Threshold)), cf.Verdict, cf.CurrentVerdict)
		if g := cf.Gain; g != nil {
			v.Money += fmt.Sprintf(", and its yearly saving over them is %s (%s interval %s), not shown to be above zero",
				compactMoney(float64(g.Value), op.Currency), confLabel(conf), intervalWords(g.Interval, op.Currency))
		}
		v.Money += "; a threshold chosen on half of the records is not shown to do better than the current one."
	case v.HasMoney:
		v.Money = fmt.Sprintf("At threshold %s the confirmation half projects a yearly saving of %s against %s (%s interval %s), "+
			"against %s at the threshold as it is",
			format.Sig(float64(s.Threshold)), compactMoney(float64(cf.Saving.Value), op.Currency), op.Incumbent, confLabel(conf),
			intervalWords(cf.Saving.Interval, op.Currency), compactMoney(float64(cf.CurrentSaving.Value), op.Currency))
		if g := cf.Gain; g != nil {
			v.Money += fmt.Sprintf("; paired on the same records, switching saves %s a year more (%s interval %s)",
				compactMoney(float64(g.Value), op.Currency), confLabel(conf), intervalWords(g.Interval, op.Currency))
		}
		v.Money += "."
	}
	for _, j := range cf.Criteria {
		v.Criteria = append(v.Criteria, htmlCriterionOf(j))
	}
	if same || kept {
		return v
	}
	var weak []string
	for _, j := range cf.Criteria {
		if j.Must || j.Status == results.Pass {
			continue
		}
		w := fmt.Sprintf("%s (%s", criterionName(j), strings.ToLower(string(j.Status)))
		for _, sg := range j.Segments {
			if sg.Status == results.Fail || sg.Status == results.Inconclusive {
				w += fmt.Sprintf("; %s = %s: %s %s", sg.Column, sg.Value, formatValue(sg.Estimate, j.Unit), formatInterval(sg.Interval, formatValue, j.Unit))
			}
		}
		weak = append(weak, w+")")
	}
	v.Caveat = fmt.Sprintf("The rates in the table are on every record; the verdict and the saving at the suggested threshold are from the confirmation half alone. "+
		"A threshold is a decision of its own: set `threshold: %s` on %s and judge it on new records before relying on it — "+
		"a re-run on these records would judge it on the records it was chosen from.",
		format.Sig(float64(s.Threshold)), op.Pipeline)
	if len(weak) > 0 {
		v.Caveat += " At this threshold these should-criteria do not pass: " + strings.Join(weak, "; ") + "."
	}
	return v
}

// operatingAdvice is what the operating-point analysis adds to the
// recommendation: for a verdict that is not GO, how the suggested
// threshold fared or that none would do; for a GO, a threshold shown to
// save more than today's on records held out from choosing it.
func operatingAdvice(run *results.Run) []string {
	var out []string
	for _, pm := range run.Metrics.Pipelines {
		op := pm.OperatingPoint
		advice := op.Advice()
		if run.Verdict.Verdict == results.Go {
			if advice == results.Switch && op.Confirm.Gain != nil {
				out = append(out, fmt.Sprintf("At threshold %s instead of %s, %s saves %s a year more on records held out from choosing it (see Operating point): "+
					"judge it at that threshold on new records before changing it.", format.Sig(float64(op.Suggested.Threshold)),
					format.Threshold(float64(op.Current.Threshold)), op.Pipeline, compactMoney(float64(op.Confirm.Gain.Value), op.Currency)))
			}
			continue
		}
		switch {
		case advice == results.NoThresholdFixes:
			out = append(out, fmt.Sprintf("No threshold on %s's score passes every must-criterion (see Operating point): the model itself would have to improve.", op.Pipeline))
		case op.Fixes():
			out = append(out, fmt.Sprintf("At threshold %s instead of %s, %s passes every must-criterion on records held out from choosing it (see Operating point): "+
				"judge it at that threshold on new records before deciding.", format.Sig(float64(op.Suggested.Threshold)), format.Threshold(float64(op.Current.Threshold)), op.Pipeline))
		case advice == results.NotShown || advice == results.KeepToday && op.Confirm != nil && op.Suggested.Threshold != op.Current.Threshold:
			out = append(out, fmt.Sprintf("Threshold %s of %s passes every must-criterion on half of the records but gives %s on the other half, where its current decisions give %s (see Operating point): "+
				"a threshold alone is not shown to fix the verdict.", format.Sig(float64(op.Suggested.Threshold)), op.Pipeline, op.Confirm.Verdict, op.Confirm.CurrentVerdict))
		}
	}
	return out
}

// thresholdTried reports whether the operating-point analysis of pipeline
// suggested a threshold, confirmed or not.
func thresholdTried(run *results.Run, pipeline string) bool {
	for _, pm := range run.Metrics.Pipelines {
		if op := pm.OperatingPoint; op != nil && pm.Name == pipeline && op.Suggested != nil {
			return true
		}
	}
	return false
}

// reusedWarnings are the warnings that a candidate decides at a threshold
// an earlier run suggested from these same records.
func reusedWarnings(run *results.Run) []string {
	var out []string
	for _, pm := range run.Metrics.Pipelines {
		if op := pm.OperatingPoint; op != nil && op.Reused != "" {
			out = append(out, sentence(op.Reused)+" Judge it on records it was not chosen from.")
		}
	}
	return out
}

// thresholdFixes reports whether the operating-point analysis of pipeline
// found a threshold that passes every must-criterion on the confirmation
// half.
func thresholdFixes(run *results.Run, pipeline string) bool {
	for _, pm := range run.Metrics.Pipelines {
		if pm.Name == pipeline && pm.OperatingPoint.Fixes() {
			return true
		}
	}
	return false
}

// currentAt names the current threshold in a sentence.
func currentAt(p results.ThresholdPoint) string {
	if p.Threshold.IsNaN() {
		return "by a rule that is not one threshold on its score"
	}
	return "at threshold " + format.Sig(float64(p.Threshold))
}

// rangesText lists passing ranges of thresholds.
func rangesText(rs []results.ThresholdRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		if r.Low == r.High {
			parts[i] = format.Sig(float64(r.Low))
		} else {
			parts[i] = "from " + format.Sig(float64(r.Low)) + " to " + format.Sig(float64(r.High))
		}
	}
	return strings.Join(parts, " and ")
}

// intervalWords is a money interval as "lo to hi".
func intervalWords(iv results.Interval, cur string) string {
	if iv.Lo.IsNaN() || iv.Hi.IsNaN() {
		return "not available"
	}
	return compactMoney(float64(iv.Lo), cur) + " to " + compactMoney(float64(iv.Hi), cur)
}

// pct is a share as a percentage, with two significant digits below 1%
// (a false-positive rate of 0.16% is not 0.2%), or "n/a".
func pct(v results.Number) string {
	f := float64(v)
	switch {
	case v.IsNaN():
		return na
	case f > 0 && f < 0.01:
		return strconv.FormatFloat(f*100, 'g', 2, 64) + "%"
	}
	return formatValue(v, "")
}

// scoresMarks explains the operating points marked on the scores figure
// ("" when none is).
func scoresMarks(run *results.Run) string {
	marks := operatingMarks(run)
	if len(marks) == 0 {
		return ""
	}
	out := "The ring marks where a candidate decides as it stands and the triangle the threshold the operating-point analysis suggests. "
	if rocFloor(marks) > 0 {
		out += "The ROC's false-positive rate is on a log scale, as an operating point is below 1%. "
	}
	return out
}

// operatingNext is the operating point's part of the verdict banner's next
// step, short: the threshold that passed on held-out records, or that none
// does; "" otherwise, and for a GO.
func operatingNext(run *results.Run) string {
	if run.Verdict.Verdict == results.Go {
		return ""
	}
	for _, pm := range run.Metrics.Pipelines {
		op := pm.OperatingPoint
		if op == nil {
			continue
		}
		switch {
		case op.Advice() == results.NoThresholdFixes:
			return fmt.Sprintf("No threshold on %s's score fixes it.", op.Pipeline)
		case op.Fixes():
			return fmt.Sprintf("At threshold %s instead of %s it passes on records held out from choosing it: judge that on new records.",
				format.Sig(float64(op.Suggested.Threshold)), format.Threshold(float64(op.Current.Threshold)))
		}
	}
	return ""
}
