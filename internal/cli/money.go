package cli

import (
	"cmp"
	"fmt"
	"github.com/poc-harness/poc/internal/report"
	"math"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// noCostsLine is the money line of a run that prices nothing; the hint
// names the keys to add.
const noCostsLine = "No costs are declared in the experiment: add %s to see the money."

// moneyLine is the headline on the money that ends `poc run`: the first
// candidate's yearly saving against the baseline standing for today's
// process (use_case.incumbent; without one, the people's baseline, else the
// first baseline it is compared with, not called today's process), its
// interval and the candidate's running cost. A NO-GO makes it
// conditional. It is "" when the impact has no saving to state.
func moneyLine(ij *results.Impact, v results.Decision) string {
	if ij == nil {
		return fmt.Sprintf(noCostsLine, "use_case.volume_per_year and costs (use_case.cost_of_error, use_case.people, a pipeline's cost_per_record or prices)")
	}
	if !priced(ij) {
		return fmt.Sprintf(noCostsLine, "costs (use_case.cost_of_error, use_case.people, a pipeline's cost_per_record or prices)")
	}
	s, today := todaysSaving(ij)
	if s == nil {
		return ""
	}
	cur := cmp.Or(ij.Currency, "USD")
	conf := format.Percent(cmp.Or(ij.Confidence, 0.95))
	val, lo, hi := float64(s.Yearly.Value), s.Yearly.Interval.Lo, s.Yearly.Interval.Hi
	sense := "a yearly saving of"
	if val < 0 {
		// State the extra cost and its interval as positive amounts.
		sense, val, lo, hi = "an extra yearly cost of", -val, -hi, -lo
	}
	if math.IsNaN(val) || math.IsInf(val, 0) {
		return ""
	}
	amount := compactAmount(cur, val)[0]
	if !lo.IsNaN() && !hi.IsNaN() && lo != hi {
		a := compactAmount(cur, val, float64(lo), float64(hi))
		amount = fmt.Sprintf("%s (%s interval %s to %s)", a[0], conf, trimCurrency(a[1], cur), a[2])
	}
	if share := positiveShare(ij); share != "" {
		amount += " " + share
	}
	running := "no running cost declared"
	if rc := runningCost(ij, s.Candidate); rc != 0 && !math.IsNaN(rc) {
		running = "running cost " + compactAmount(cur, rc)[0] + " a year"
	}
	against := s.Baseline
	if today {
		against += " (today's process)"
	}
	if v == results.NoGo {
		return fmt.Sprintf("If %s went to production, against %s: %s %s, %s.", s.Candidate, against, sense, amount, running)
	}
	return fmt.Sprintf("Against %s, %s: %s %s, %s.", against, s.Candidate, sense, amount, running)
}

// positiveShare is the condition a saving priced by the cost of errors
// rests on — "at the replay's share of fraud, 2.4%" —, or "" when errors
// are not priced.
func positiveShare(ij *results.Impact) string { return report.PositiveShare(ij) }

// priced says whether the impact puts a non-zero amount anywhere.
func priced(ij *results.Impact) bool {
	nonzero := func(p *results.Projection) bool {
		return p != nil && (p.Value != 0 || p.Interval.Lo != 0 || p.Interval.Hi != 0)
	}
	for _, p := range ij.Pipelines {
		if nonzero(&p.RunningCost) || nonzero(p.ErrorCost) || nonzero(p.PeopleCost) {
			return true
		}
	}
	for _, s := range ij.Savings {
		if nonzero(&s.Yearly) {
			return true
		}
	}
	return false
}

// todaysSaving is the first candidate's saving against the people's
// baseline (today is true), else against the first baseline it is compared
// with; nil when it has none.
func todaysSaving(ij *results.Impact) (s *results.Saving, today bool) {
	cand := ""
	for _, p := range ij.Pipelines {
		if p.Role == "candidate" {
			cand = p.Name
			break
		}
	}
	if cand == "" && len(ij.Savings) > 0 {
		cand = ij.Savings[0].Candidate
	}
	var first *results.Saving
	for i := range ij.Savings {
		sv := &ij.Savings[i]
		if sv.Candidate != cand {
			continue
		}
		if ij.Incumbent != "" && sv.Baseline == ij.Incumbent {
			return sv, true
		}
		if first == nil || ij.Workload != nil && sv.Baseline == ij.Workload.Baseline && first.Baseline != ij.Workload.Baseline {
			first = sv
		}
	}
	return first, false
}

// runningCost is the named pipeline's yearly running cost (0 when unknown).
func runningCost(ij *results.Impact, name string) float64 {
	for _, p := range ij.Pipelines {
		if p.Name == name {
			return float64(p.RunningCost.Value)
		}
	}
	return 0
}

// compactAmount prints amounts in one scale chosen by the largest of them
// (B, M or k, from 10,000 on), each followed by the currency: 1.2M EUR,
// 0.8M EUR.
func compactAmount(cur string, vs ...float64) []string {
	top := 0.0
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			top = max(top, math.Abs(v))
		}
	}
	div, suffix, dec := 1.0, "", 0
	switch {
	case top >= 1e9:
		div, suffix, dec = 1e9, "B", 1
	case top >= 1e6:
		div, suffix, dec = 1e6, "M", 1
	case top >= 1e4:
		div, suffix, dec = 1e3, "k", 0
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			out[i] = "n/a"
		case div > 1:
			out[i] = format.Fixed(v/div, dec) + suffix + " " + cur
		default:
			out[i] = format.Money(v, cur)
		}
	}
	return out
}

// trimCurrency drops the trailing currency of an amount, for the low end
// of an interval ("0.8M to 1.6M EUR").
func trimCurrency(amount, cur string) string {
	if n := len(amount) - len(cur) - 1; n > 0 && amount[n:] == " "+cur {
		return amount[:n]
	}
	return amount
}

// operatingLines are the console lines of the operating-point analyses: a
// warning when a candidate decides at a threshold an earlier run chose from
// these same records, and one line per analysis with its advice — the
// threshold that does better than today's decisions on records held out
// from choosing it, that today's stays, or that none passes.
func operatingLines(r *results.Run) []string {
	var out []string
	for _, pm := range r.Metrics.Pipelines {
		if op := pm.OperatingPoint; op != nil && op.Reused != "" {
			out = append(out, "warning: "+op.Reused+"; judge it on records it was not chosen from.")
		}
	}
	for _, pm := range r.Metrics.Pipelines {
		if line := operatingLine(pm.OperatingPoint, r.Verdict.Verdict); line != "" {
			out = append(out, "Operating point: "+line+"; see the report's Operating point.")
		}
	}
	return out
}

// operatingLine is the console's advice of one operating-point analysis,
// for a run whose verdict is v ("" when there is nothing to say).
func operatingLine(op *results.OperatingPoint, v results.Decision) string {
	advice := op.Advice()
	if advice == results.NoAdvice || advice == results.NoThresholdFixes && v == results.Go {
		return ""
	}
	if advice == results.NoThresholdFixes {
		return fmt.Sprintf("no threshold on %s's score passes every must-criterion; the model itself would have to improve", op.Pipeline)
	}
	today := format.Threshold(float64(op.Current.Threshold))
	s, cf := op.Suggested, op.Confirm
	if cf == nil || s.Threshold == op.Current.Threshold {
		return fmt.Sprintf("%s's threshold %s is the one the analysis suggests", op.Pipeline, today)
	}
	cur := cmp.Or(op.Currency, "USD")
	with := func(p *results.Projection) string {
		switch {
		case p == nil || p.Value.IsNaN():
			return ""
		case p.Value < 0:
			return " with an extra yearly cost of " + compactAmount(cur, -float64(p.Value))[0]
		}
		return " with a yearly saving of " + compactAmount(cur, float64(p.Value))[0]
	}
	at := format.Sig(float64(s.Threshold))
	switch advice {
	case results.KeepToday:
		return fmt.Sprintf("keep %s's threshold %s: on the records held out from choosing it, %s (the best on the selection half) gives %s%s, the current threshold %s%s",
			op.Pipeline, today, at, cf.Verdict, with(cf.Saving), cf.CurrentVerdict, with(cf.CurrentSaving))
	case results.Switch:
		line := fmt.Sprintf("at threshold %s (current %s) %s gives %s on the half of the records held out from choosing it", at, today, op.Pipeline, cf.Verdict)
		if w := with(cf.Saving); w != "" {
			line += fmt.Sprintf(" (%s against %s, projected from that half", strings.TrimPrefix(w, " with "), op.Incumbent)
			if g := cf.Gain; g != nil && !g.Value.IsNaN() {
				line += fmt.Sprintf(", %s more than the current threshold there", compactAmount(cur, float64(g.Value))[0])
			}
			line += ")"
		}
		if op.Weak {
			line += "; a weak suggestion: no threshold passed its must-criteria's tests on the other half, only their estimates"
		}
		return line
	}
	return fmt.Sprintf("at threshold %s (current %s) %s gives %s on the half of the records held out from choosing it: a threshold alone is not shown to fix the verdict",
		at, today, op.Pipeline, cf.Verdict)
}
