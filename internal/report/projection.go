package report

import (
	"cmp"
	"fmt"
	"github.com/poc-harness/poc/internal/format"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/poc-harness/poc/internal/results"
)

// figSavings is the savings plot's name under plots/.
const figSavings = "savings"

// colourInk draws whiskers and the zero line.
var colourInk = color.Gray{0x33}

// projRow is one pipeline's projected yearly figure from impact.json.
type projRow struct {
	Pipeline, Role string
	Candidate      bool
	Value          string
	Interval       string
	Detail         string
	Assumption     string
}

// savingRow is a candidate's projected yearly saving against a baseline.
type savingRow struct {
	Candidate, Baseline string
	// Sense is "saving" or "extra cost".
	Sense      string
	Value      string
	Interval   string
	Parts      string
	Assumption string
}

// workloadView is the people's workload a candidate would absorb.
type workloadView struct {
	Baseline, Candidates string
	FTE, FTEInterval     string
	Hours, Cost          string
	Assumptions          []string
	// Heading and If are the section's title and the condition its
	// sentence opens with: a result under GO, and under any other verdict
	// only what a GO would bring, with the verdict that advises against it.
	Heading, If string
}

// workloadWords are the heading of the workload and the condition of its
// sentence under verdict v: "Workload absorbed" and "If fraud-model-v3
// took over the decisions of analysts" under GO; otherwise a heading and
// a condition that say the candidate is not recommended ("… if it went to
// production (not recommended: NO-GO)").
func workloadWords(v results.Decision, cands, base string) (heading, cond string) {
	switch v {
	case results.Go:
		return "Workload absorbed", fmt.Sprintf("If %s took over the decisions of %s", cands, base)
	case results.NoGo:
		return "Workload it would absorb if it went to production (not recommended: NO-GO)",
			fmt.Sprintf("If %s went to production, which the verdict advises against (NO-GO), and took over the decisions of %s", cands, base)
	}
	return fmt.Sprintf("Workload it would absorb if it went to production (not recommended yet: %s)", decisionText(v)),
		fmt.Sprintf("If %s went to production, which the verdict does not yet support (%s), and took over the decisions of %s", cands, decisionText(v), base)
}

// decisionText is a verdict in capitals as the reports print it.
func decisionText(v results.Decision) string {
	if v == "" {
		return "NO VERDICT"
	}
	return strings.ToUpper(string(v))
}

// projection adds to im what impact.json projects: the yearly error cost
// and people cost of each pipeline, the savings of each candidate against
// each baseline, the workload absorbed, and the headline of page one.
func projection(im *impact, run *results.Run) {
	ij := run.Impact
	if ij == nil {
		return
	}
	cur := cmp.Or(ij.Currency, "USD")
	im.Conf = confLabel(cmp.Or(ij.Confidence, confidence(run)))
	for _, p := range ij.Pipelines {
		if e := p.ErrorCost; e != nil {
			im.Errors = append(im.Errors, projRow{Pipeline: p.Name, Role: p.Role, Candidate: p.Role == "candidate",
				Value: money(float64(e.Value), cur), Interval: moneyInterval(e.Interval, cur),
				Detail:     fmt.Sprintf("%s missed, %s false positives", group(int64(p.FalseNegatives)), group(int64(p.FalsePositives))),
				Assumption: e.Assumption})
		}
		if c := p.PeopleCost; c != nil {
			im.People = append(im.People, projRow{Pipeline: p.Name, Role: p.Role, Value: money(float64(c.Value), cur),
				Interval: moneyInterval(c.Interval, cur), Assumption: c.Assumption})
		}
	}
	for _, s := range ij.Savings {
		row := savingRow{Candidate: s.Candidate, Baseline: s.Baseline, Sense: "saving",
			Value: money(float64(s.Yearly.Value), cur), Interval: moneyInterval(s.Yearly.Interval, cur),
			Assumption: s.Yearly.Assumption}
		if s.Yearly.Value < 0 {
			row.Sense, row.Value = "extra cost", money(-float64(s.Yearly.Value), cur)
		}
		parts := []string{"running cost " + signedMoney(float64(s.Running), cur)}
		if ij.CostOfError != nil {
			parts = append(parts, "errors "+signedMoney(float64(s.Errors), cur))
		}
		if s.People != 0 {
			parts = append(parts, "people "+signedMoney(float64(s.People), cur))
		}
		row.Parts = strings.Join(parts, ", ")
		im.Savings = append(im.Savings, row)
	}
	if w := ij.Workload; w != nil {
		im.Workload = &workloadView{Baseline: w.Baseline, Candidates: joinNames(w.Candidates),
			FTE: fteText(w.FTE.Value), FTEInterval: fteInterval(w.FTE.Interval),
			Hours:       group(int64(math.Round(float64(w.Hours.Value)))) + " hours a year",
			Cost:        money(float64(w.Cost.Value), cur) + " a year",
			Assumptions: []string{w.Hours.Assumption, w.Cost.Assumption, w.FTE.Assumption}}
		im.Workload.Heading, im.Workload.If = workloadWords(run.Verdict.Verdict, im.Workload.Candidates, w.Baseline)
	}
	im.Headline = headline(ij, im.Conf, run.Verdict.Verdict)
}

// headline is the executive summary line. Against the incumbent (today's
// process, use_case.incumbent) it is one plain sentence: the verdict, the
// first candidate's net yearly value against it with its interval, and
// the candidate's yearly running cost — conditional unless the verdict is
// GO; the other baselines are in the savings table below. Without an
// incumbent it states the saving against every baseline, so that a
// favourable comparison never hides an unfavourable one.
func headline(ij *results.Impact, conf string, verdict results.Decision) string {
	if len(ij.Savings) == 0 {
		return ""
	}
	if h, ok := incumbentHeadline(ij, conf, verdict); ok {
		return h
	}
	cand := ij.Savings[0].Candidate
	cur := cmp.Or(ij.Currency, "USD")
	var parts []string
	priced := false
	for _, s := range ij.Savings {
		v, iv := float64(s.Yearly.Value), s.Yearly.Interval
		if s.Candidate != cand || !finite(v) {
			continue
		}
		if v == 0 && iv.Lo == 0 && iv.Hi == 0 {
			continue // nothing priced: no running, error or people's cost on either side
		}
		priced = true
		part := fmt.Sprintf("a saving of %s against %s", compactMoney(v, cur), s.Baseline)
		if v < 0 {
			part = fmt.Sprintf("an extra cost of %s against %s", compactMoney(-v, cur), s.Baseline)
		}
		if !iv.Lo.IsNaN() && !iv.Hi.IsNaN() {
			part += fmt.Sprintf(" (%s interval of the saving %s to %s)", conf, compactMoney(float64(iv.Lo), cur), compactMoney(float64(iv.Hi), cur))
		}
		parts = append(parts, part)
	}
	if !priced {
		return fmt.Sprintf("No yearly saving is projected for %s: the experiment prices nothing that differs from the baselines "+
			"(give pipeline costs, use_case.cost_of_error or use_case.people).", cand)
	}
	return fmt.Sprintf("Projected yearly for %s: %s.", cand, strings.Join(parts, "; "))
}

// incumbentHeadline is the headline against ij.Incumbent, when the first
// candidate has a priced saving against it.
func incumbentHeadline(ij *results.Impact, conf string, verdict results.Decision) (string, bool) {
	if ij.Incumbent == "" {
		return "", false
	}
	cand := ij.Savings[0].Candidate
	var s *results.Saving
	for i := range ij.Savings {
		if ij.Savings[i].Candidate == cand && ij.Savings[i].Baseline == ij.Incumbent {
			s = &ij.Savings[i]
		}
	}
	if s == nil || !finite(float64(s.Yearly.Value)) {
		return "", false
	}
	cur := cmp.Or(ij.Currency, "USD")
	v, lo, hi := float64(s.Yearly.Value), s.Yearly.Interval.Lo, s.Yearly.Interval.Hi
	if v == 0 && lo == 0 && hi == 0 {
		return "", false // nothing priced: the general line says so
	}
	would := "would save %s a year"
	if v < 0 {
		// An extra cost, and its interval, stated as positive amounts.
		would, v, lo, hi = "would cost %s more a year", -v, -hi, -lo
	}
	value := fmt.Sprintf(would, compactMoney(v, cur))
	if !lo.IsNaN() && !hi.IsNaN() && lo != hi {
		value += fmt.Sprintf(" (%s interval %s to %s)", conf, strings.TrimSuffix(compactMoney(float64(lo), cur), " "+cur), compactMoney(float64(hi), cur))
	}
	if share := PositiveShare(ij); share != "" {
		value += " " + share
	}
	running := ""
	for _, p := range ij.Pipelines {
		if p.Name == cand && finite(float64(p.RunningCost.Value)) && p.RunningCost.Value > 0 {
			running = fmt.Sprintf(", for a running cost of %s a year", compactMoney(float64(p.RunningCost.Value), cur))
		}
	}
	word := map[results.Decision]string{results.Go: "GO", results.NoGo: "NO-GO", results.Undecided: "INCONCLUSIVE"}[verdict]
	if verdict == results.Go {
		return fmt.Sprintf("%s: against %s (today's process), %s %s%s.", word, ij.Incumbent, cand, value, running), true
	}
	return fmt.Sprintf("%s: if %s went to production, against %s (today's process) it %s%s.",
		cmp.Or(word, "No verdict"), cand, ij.Incumbent, value, running), true
}

// PositiveShare is the condition a saving priced by the cost of errors
// rests on, for a sentence — "at the replay's share of fraud, 2.4%" —, or
// "" when the impact prices no error or does not say how many positives
// there were (an impact.json written before it did, or a replay without
// any): the executive reads that the figure holds at that share, which a
// sample enriched in positives overstates.
func PositiveShare(ij *results.Impact) string {
	if ij == nil || ij.CostOfError == nil || ij.Records == 0 || ij.Positives == 0 {
		return ""
	}
	return fmt.Sprintf("at the replay's share of %s, %s", cmp.Or(ij.PositiveName, "positives"), format.Share(float64(ij.Positives)/float64(ij.Records)))
}

// compactMoney prints a large amount in thousands, millions or billions:
// 19.4M EUR.
func compactMoney(v float64, cur string) string {
	a := math.Abs(v)
	switch {
	case !finite(v):
		return na
	case a >= 1e9:
		return sig(v/1e9) + "B " + cur
	case a >= 1e6:
		return fixed(v/1e6, 1) + "M " + cur
	case a >= 1e4:
		return fixed(v/1e3, 0) + "k " + cur
	}
	return money(v, cur)
}

// moneyInterval prints an interval of amounts, or "" when it has none or
// is a single point.
func moneyInterval(iv results.Interval, cur string) string {
	if iv.Lo.IsNaN() || iv.Hi.IsNaN() || iv.Lo == iv.Hi {
		return ""
	}
	return money(float64(iv.Lo), cur) + " to " + money(float64(iv.Hi), cur)
}

// signedMoney prints an amount with its sign.
func signedMoney(v float64, cur string) string {
	if v > 0 {
		return "+" + money(v, cur)
	}
	return money(v, cur)
}

func fteText(v results.Number) string {
	if v.IsNaN() {
		return na
	}
	return fixed(float64(v), 1) + " full-time equivalents"
}

func fteInterval(iv results.Interval) string {
	if iv.Lo.IsNaN() || iv.Hi.IsNaN() || iv.Lo == iv.Hi {
		return ""
	}
	return fixed(float64(iv.Lo), 1) + " to " + fixed(float64(iv.Hi), 1)
}

// savingBars draws a horizontal bar from zero per row with its interval
// as a whisker, and its value label beyond the farther of the bar's end
// and the whisker's (labels[i] is the label of rows[i]).
type savingBars struct {
	rows   []intervalRow
	labels []string
}

// Plot implements plot.Plotter.
func (sb savingBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := text.Style{Font: sansOf(8.5), Handler: plot.DefaultTextHandler, YAlign: text.YCenter, Color: colourInk}
	for i, r := range sb.rows {
		y := trY(r.y)
		h := vg.Points(9)
		if finite(r.v) {
			x0, x1 := trX(0), trX(r.v)
			c.FillPolygon(r.col, []vg.Point{{X: x0, Y: y - h}, {X: x1, Y: y - h}, {X: x1, Y: y + h}, {X: x0, Y: y + h}})
		}
		if finite(r.lo) && finite(r.hi) {
			ls := draw.LineStyle{Color: colourInk, Width: vg.Points(1.4)}
			lo, hi := trX(r.lo), trX(r.hi)
			c.StrokeLine2(ls, lo, y, hi, y)
			c.StrokeLine2(ls, lo, y-vg.Points(5), lo, y+vg.Points(5))
			c.StrokeLine2(ls, hi, y-vg.Points(5), hi, y+vg.Points(5))
		}
		if i >= len(sb.labels) || !finite(r.v) {
			continue
		}
		// The label goes on the bar's side of zero, past its whisker.
		if r.v >= 0 {
			end := r.v
			if finite(r.hi) {
				end = math.Max(end, r.hi)
			}
			sty.XAlign = text.XLeft
			c.FillText(sty, vg.Point{X: trX(end) + vg.Points(5), Y: y}, sb.labels[i])
		} else {
			end := r.v
			if finite(r.lo) {
				end = math.Min(end, r.lo)
			}
			sty.XAlign = text.XRight
			c.FillText(sty, vg.Point{X: trX(end) - vg.Points(5), Y: y}, sb.labels[i])
		}
	}
	zero := trX(0)
	c.StrokeLine2(draw.LineStyle{Color: colourInk, Width: vg.Points(1)}, zero, c.Min.Y, zero, c.Max.Y)
}

// DataRange implements plot.DataRanger: zero, every value and bound, and
// room beside them for the value labels.
func (sb savingBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = 0, 0
	for _, r := range sb.rows {
		for _, v := range []float64{r.v, r.lo, r.hi} {
			if finite(v) {
				xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
			}
		}
	}
	span := xmax - xmin
	if span == 0 {
		span = 1
	}
	// Room for a label on each side with a bar.
	lpad, rpad := span*0.04, span*0.04
	if xmin < 0 {
		lpad = span * 0.2
	}
	if xmax > 0 {
		rpad = span * 0.2
	}
	return xmin - lpad, xmax + rpad, -0.6, float64(len(sb.rows)) - 0.4
}

// moneyTicks are the ticks of an axis in cur reaching maxAbs: in millions
// (M) or thousands (k) when large, every tick in one format.
func moneyTicks(maxAbs float64) unitTicks {
	switch {
	case maxAbs >= 1e6:
		return unitTicks{suffix: "M", scale: 1e6, n: 7}
	case maxAbs >= 1e4:
		return unitTicks{suffix: "k", scale: 1e3, n: 7}
	}
	return unitTicks{n: 7}
}

// savingLabel is the label of a saving's bar: its signed amount, compact
// ("+19.4M EUR", "−47.4M EUR"); the whisker shows its interval.
func savingLabel(s results.Projection, cur string) string {
	v := float64(s.Value)
	out := compactMoney(v, cur)
	switch {
	case v > 0:
		out = "+" + out
	case v < 0:
		out = "−" + strings.TrimPrefix(out, "-")
	}
	return out
}

// savingRows are the bars of the savings plot, the first saving on top, in
// the currency: each row, the names on the y axis (bottom first) and each
// row's value label.
func savingRows(ij *results.Impact, pal palette) (rows []intervalRow, names, values []string) {
	cur := cmp.Or(ij.Currency, "USD")
	cands := map[string]bool{}
	for _, s := range ij.Savings {
		cands[s.Candidate] = true
	}
	n := len(ij.Savings)
	rows, names, values = make([]intervalRow, n), make([]string, n), make([]string, n)
	for i, s := range ij.Savings {
		label := s.Baseline
		if len(cands) > 1 {
			label = s.Candidate + " vs " + s.Baseline
		}
		names[n-1-i] = shorten(label, 32)
		rows[i] = intervalRow{y: float64(n - 1 - i), v: float64(s.Yearly.Value), lo: float64(s.Yearly.Interval.Lo),
			hi: float64(s.Yearly.Interval.Hi), col: pal.of(s.Baseline)}
		values[i] = savingLabel(s.Yearly, cur)
	}
	return rows, names, values
}

// anySaving reports whether some saving is priced (not 0 with a 0 interval).
func anySaving(ij *results.Impact) bool {
	for _, s := range ij.Savings {
		if s.Yearly.Value != 0 || s.Yearly.Interval.Lo != 0 || s.Yearly.Interval.Hi != 0 {
			return true
		}
	}
	return false
}

// savingsFigure draws each candidate's projected yearly saving against each
// baseline, in millions when large, with its interval.
func savingsFigure(run *results.Run, pal palette) (*plot.Plot, vg.Length, string) {
	ij := run.Impact
	switch {
	case ij == nil:
		return nil, 0, "the run has no impact.json: add volume_per_year (and cost_of_error or people) under use_case"
	case len(ij.Savings) == 0:
		return nil, 0, "impact.json holds no saving: the run needs a candidate and a baseline"
	case !anySaving(ij):
		return nil, 0, "the experiment states no costs that differ between the pipelines (give pipeline costs, use_case.cost_of_error or use_case.people), so every saving is 0"
	}
	cur := cmp.Or(ij.Currency, "USD")
	rows, labels, values := savingRows(ij, pal)
	maxAbs := 0.0
	for _, r := range rows {
		for _, v := range []float64{r.v, r.lo, r.hi} {
			if finite(v) {
				maxAbs = math.Max(maxAbs, math.Abs(v))
			}
		}
	}
	ticks := moneyTicks(maxAbs)
	unit := cur
	switch ticks.suffix {
	case "M":
		unit = cur + ", M: million"
	case "k":
		unit = cur + ", k: thousand"
	}
	cands := map[string]bool{}
	for _, s := range ij.Savings {
		cands[s.Candidate] = true
	}
	n := len(rows)
	title := "Projected yearly saving against each baseline"
	if len(cands) == 1 {
		title = "Projected yearly saving of " + shorten(ij.Savings[0].Candidate, 30) + " against each baseline"
	}
	p := newPlot(title)
	p.Add(plotter.NewGrid())
	p.Add(savingBars{rows: rows, labels: values})
	p.NominalY(labels...)
	p.X.Tick.Marker = ticks
	p.X.Label.Text = "saving a year (" + unit + "); left of zero: an extra cost"
	return p, vg.Length(n)*0.45*vg.Inch + 1.4*vg.Inch, ""
}
