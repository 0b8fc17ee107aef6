package report

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/stats"
	"github.com/poc-harness/poc/metrics"
)

// point is one pipeline's rate on a group of records, in percent.
type point struct {
	v, lo, hi float64
}

// rateOf is the named pipeline's rate on a group, in percent.
func rateOf(g results.Group, name string) (point, bool) {
	for _, r := range g.Rates {
		if r.Pipeline == name {
			return point{v: 100 * float64(r.Value), lo: 100 * float64(r.Interval.Lo), hi: 100 * float64(r.Interval.Hi)}, true
		}
	}
	return point{}, false
}

// breakdownPipes are the pipelines with a rate in the breakdown, in the
// run's order.
func breakdownPipes(run *results.Run, groups []results.Group) []string {
	has := map[string]bool{}
	for _, g := range groups {
		for _, r := range g.Rates {
			has[r.Pipeline] = true
		}
	}
	var out []string
	for _, p := range pipelinesOf(run) {
		if has[p.Name] {
			out = append(out, p.Name)
		}
	}
	return out
}

// what says what the breakdown's metric is a share of, for a caption: the
// positive class by its name from dataset.label_names when it has one
// ("fraud records (label 1) …"), by its code otherwise.
func what(bd *results.Breakdown, names map[string]string) string {
	if bd.Metric == "recall" {
		if n := names[bd.Positive]; n != "" && n != bd.Positive {
			return fmt.Sprintf("%s records (the positive class, label %s) the pipeline flagged (recall)", n, bd.Positive)
		}
		return fmt.Sprintf("positive records (label %s) the pipeline flagged (recall)", bd.Positive)
	}
	return "records the pipeline decided right (accuracy)"
}

// noBreakdown is why the time and segment plots are not drawn from a run
// folder without a breakdown in metrics.json.
const noBreakdown = "not drawn: metrics.json has no breakdown of the predictions (a run folder from an earlier version of poc)"

// vIntervals draws vertical interval whiskers at x.
type vIntervals struct {
	xs  []float64
	pts []point
	col color.Color
}

// Plot implements plot.Plotter.
func (vi vIntervals) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ls := draw.LineStyle{Color: vi.col, Width: vg.Points(1.2)}
	for i, pt := range vi.pts {
		x := trX(vi.xs[i])
		lo, hi := trY(pt.lo), trY(pt.hi)
		c.StrokeLine2(ls, x, lo, x, hi)
		c.StrokeLine2(ls, x-vg.Points(2.5), lo, x+vg.Points(2.5), lo)
		c.StrokeLine2(ls, x-vg.Points(2.5), hi, x+vg.Points(2.5), hi)
	}
}

// DataRange implements plot.DataRanger.
func (vi vIntervals) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, pt := range vi.pts {
		xmin, xmax = math.Min(xmin, vi.xs[i]), math.Max(xmax, vi.xs[i])
		ymin, ymax = math.Min(ymin, pt.lo), math.Max(ymax, pt.hi)
	}
	return xmin, xmax, ymin, ymax
}

// orderedPipes is the journal's pipelines in the run's order (candidates
// and baselines as the experiment lists them).
func orderedPipes(run *results.Run, j *journal) []*pipeJournal {
	var out []*pipeJournal
	for _, p := range pipelinesOf(run) {
		if pj := j.pipe(p.Name); pj != nil {
			out = append(out, pj)
		}
	}
	for _, pj := range j.pipes {
		if !slices.Contains(out, pj) {
			out = append(out, pj)
		}
	}
	return out
}

// timeFigure plots the metric month by month for every pipeline, with
// Wilson intervals, from the breakdown in metrics.json; it returns the
// plot with the entries of its legend.
func timeFigure(run *results.Run, pal palette) (*plot.Plot, []legendEntry, string, string) {
	bd := run.Metrics.Breakdown
	if bd == nil {
		return nil, nil, "", noBreakdown
	}
	if len(bd.Months) == 0 {
		return nil, nil, "", "not drawn: the records have no time (set dataset.time in the experiment to see the metric month by month)"
	}
	conf := cmp.Or(confidence(run), 0.95)
	p := newPlot(fmt.Sprintf("%s by month, with %s Wilson intervals", capitalise(bd.Metric), percentLabel(conf)))
	p.Add(plotter.NewGrid())
	p.Y.Label.Text = bd.Metric
	p.Y.Tick.Marker = unitTicks{suffix: "%", n: 6}
	var ticks []plot.Tick
	for i, m := range bd.Months {
		t, _ := time.Parse("2006-01", m.Key)
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: fmt.Sprintf("%s\n%s records", t.Format("Jan 2006"), group(int64(m.Records)))})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	pipes := breakdownPipes(run, bd.Months)
	np := len(pipes)
	for i, name := range pipes {
		monthLine(p, run, pal, name, bd.Months, (float64(i)-float64(np-1)/2)*0.07)
	}
	p.X.Min, p.X.Max = -0.5, float64(len(bd.Months))-0.5
	p.Y.Min, p.Y.Max = math.Max(0, p.Y.Min-2), math.Min(100, p.Y.Max+2)
	caption := fmt.Sprintf("For every pipeline, the share of %s month by month (by the records' time), with its %s Wilson score interval; "+
		"a pipeline whose line wanders beyond its intervals is not stable over the replay period.", what(bd, run.Manifest.Dataset.LabelNames), percentLabel(conf))
	return p, legendEntries(run, pal, pipes), caption, ""
}

// monthLine adds one pipeline's line, points and intervals, shifted by off.
func monthLine(p *plot.Plot, run *results.Run, pal palette, name string, months []results.Group, off float64) {
	var xy plotter.XYs
	vi := vIntervals{col: pal.of(name)}
	for mi, m := range months {
		pt, ok := rateOf(m, name)
		if !ok {
			continue
		}
		xy = append(xy, plotter.XY{X: float64(mi) + off, Y: pt.v})
		vi.xs, vi.pts = append(vi.xs, float64(mi)+off), append(vi.pts, pt)
	}
	if len(xy) == 0 {
		return
	}
	l, s, err := plotter.NewLinePoints(xy)
	if err != nil {
		return
	}
	l.Color, s.Color = pal.of(name), pal.of(name)
	l.Width = vg.Points(1.4)
	s.GlyphStyle = draw.GlyphStyle{Color: pal.of(name), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	if isCandidate(run, name) {
		l.Width, s.GlyphStyle.Radius = vg.Points(2.6), vg.Points(4)
	}
	p.Add(vi, l, s)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// segmentFigure plots a share on each value of every segment column (the
// 20 with the most records), a point and interval per pipeline, under one
// legend at the top. A column that a criterion must hold in every value of
// (`in_every`) shows that criterion's metric, worked out from the journal
// j, with its threshold; the other columns show the breakdown's metric from
// metrics.json. The caption says which metric each panel shows.
func segmentFigure(run *results.Run, j *journal, pal palette) (canvasDrawer, vg.Length, string, string) {
	bd := run.Metrics.Breakdown
	if bd == nil {
		return nil, 0, "", noBreakdown
	}
	if len(bd.Segments) == 0 {
		return nil, 0, "", "not drawn: the records have no segment values (list columns under dataset.segments to see the metric per segment)"
	}
	var all []results.Group
	for _, sb := range bd.Segments {
		all = append(all, sb.Values...)
	}
	pipes := breakdownPipes(run, all)
	np := len(pipes)
	conf := cmp.Or(confidence(run), 0.95)
	var grid [][]*plot.Plot
	var h vg.Length
	capped := false
	var notes []string
	for _, sb := range bd.Segments {
		panel := segmentPanel{column: sb.Column, metric: bd.Metric, groups: sb.Values}
		if c, ok := segmentCriterion(run, sb.Column); ok {
			if gs, ok := criterionGroups(j, c, sb, pipes, conf); ok {
				panel.metric, panel.groups = c.Metric, gs
				if !isComparison(c) && finite(float64(c.Threshold)) {
					panel.threshold = &thresholdLine{x: 100 * float64(c.Threshold), higher: c.Sense != "<=", n: len(gs)}
				}
				notes = append(notes, fmt.Sprintf("The %s panel shows %s, the metric of the criterion “%s”: %s%s.",
					sb.Column, c.Metric, oneLine(c.Name), shareDoc(c.Metric, j.positive), thresholdNote(panel.threshold, c)))
			} else {
				notes = append(notes, fmt.Sprintf("The %s panel shows %s, not %s, the metric of the criterion “%s”: the report cannot work %s out segment by segment from the journal.",
					sb.Column, bd.Metric, c.Metric, oneLine(c.Name), c.Metric))
			}
		}
		grid = append(grid, []*plot.Plot{segmentPlot(run, pal, panel, pipes)})
		h += vg.Length(len(sb.Values))*(0.12*vg.Inch*vg.Length(max(np, 2))) + 1.0*vg.Inch
		capped = capped || sb.Capped
	}
	caption := fmt.Sprintf("For every value of each segment column, each pipeline's share with its %s Wilson score interval, one row per pipeline; "+
		"the number of records is in brackets. Unless said otherwise, a panel shows the share of %s.", percentLabel(conf), what(bd, run.Manifest.Dataset.LabelNames))
	for _, n := range notes {
		caption += " " + n
	}
	if capped {
		caption += fmt.Sprintf(" Only the %d values with the most records are shown.", results.MaxSegmentValues)
	}
	entries := legendEntries(run, pal, pipes)
	return legendAbove(entries, tiled("", grid)), h + stripHeight(entries, plotWidth), caption, ""
}

// thresholdNote says, for a caption, that a panel draws criterion c's
// threshold ("" when it does not).
func thresholdNote(t *thresholdLine, c results.Judgement) string {
	if t == nil {
		return ""
	}
	_, _, thr := judgementValues(c)
	return "; the black line is its threshold, " + thr + ", its better side shaded"
}

// segmentPanel is what one segment column's panel shows: the groups of
// column with each pipeline's share of metric, and the threshold of the
// criterion it is judged against (nil for none).
type segmentPanel struct {
	column, metric string
	groups         []results.Group
	threshold      *thresholdLine
}

// segmentCriterion is the first criterion that must hold in every value
// of column.
func segmentCriterion(run *results.Run, column string) (results.Judgement, bool) {
	for _, c := range run.Verdict.Criteria {
		if slices.ContainsFunc(c.Segments, func(s results.SegmentJudgement) bool { return s.Column == column }) {
			return c, true
		}
	}
	return results.Judgement{}, false
}

// share is a metric that is a share of records, worked out from each
// record's truth and decision: whether the record counts, and whether it is
// a success.
type share func(truth, label string, failed bool, positive string) (counted, success bool)

// shares are the metrics the report can work out from the journal segment
// by segment, as package metrics defines them; the binary ones need the
// positive class.
var shares = map[string]share{
	"precision": binaryShare(func(o metrics.Outcome) (bool, bool) {
		return o == metrics.TruePositive || o == metrics.FalsePositive, o == metrics.TruePositive
	}),
	"recall": binaryShare(func(o metrics.Outcome) (bool, bool) {
		return o == metrics.TruePositive || o == metrics.FalseNegative, o == metrics.TruePositive
	}),
	"specificity": binaryShare(func(o metrics.Outcome) (bool, bool) {
		return o == metrics.TrueNegative || o == metrics.FalsePositive, o == metrics.TrueNegative
	}),
	"false_positive_rate": binaryShare(func(o metrics.Outcome) (bool, bool) {
		return o == metrics.TrueNegative || o == metrics.FalsePositive, o == metrics.FalsePositive
	}),
	"flag_rate": binaryShare(func(o metrics.Outcome) (bool, bool) {
		return o != metrics.Unlabelled, o == metrics.TruePositive || o == metrics.FalsePositive
	}),
	"accuracy": func(truth, label string, failed bool, _ string) (bool, bool) {
		return truth != "", truth != "" && !failed && label == truth
	},
}

func binaryShare(f func(metrics.Outcome) (counted, success bool)) share {
	return func(truth, label string, failed bool, positive string) (bool, bool) {
		if positive == "" {
			return false, false
		}
		return f(metrics.Classify(truth, label, failed, positive))
	}
}

// shareDoc says what a share is of, for a caption.
func shareDoc(metric, positive string) string {
	switch metric {
	case "precision":
		return fmt.Sprintf("the share of records flagged positive (label %s) that are positive", positive)
	case "recall":
		return fmt.Sprintf("the share of positive records (label %s) the pipeline flagged", positive)
	case "specificity":
		return fmt.Sprintf("the share of negative records (not label %s) left alone", positive)
	case "false_positive_rate":
		return fmt.Sprintf("the share of negative records (not label %s) wrongly flagged", positive)
	case "flag_rate":
		return fmt.Sprintf("the share of records flagged positive (label %s)", positive)
	}
	return "the share of records the pipeline decided right"
}

// criterionGroups works out, from the journal, each pipeline's share of
// c's metric on each value of sb's column (the values of sb, in its
// order), with Wilson intervals. ok is false when the metric is not a
// share the report knows, when there is no journal, or when the
// candidate's shares do not match the criterion's own segment estimates
// (a metric of that name is then not the one the report knows).
func criterionGroups(j *journal, c results.Judgement, sb results.SegmentBreakdown, pipes []string, conf float64) ([]results.Group, bool) {
	f, ok := shares[c.Metric]
	if !ok || j == nil {
		return nil, false
	}
	seqs := map[string][]int{}
	for seq := range j.preds.Records {
		if v, ok := j.preds.SegmentsOf(seq)[sb.Column]; ok {
			seqs[v] = append(seqs[v], seq)
		}
	}
	var out []results.Group
	for _, v := range sb.Values {
		g := results.Group{Key: v.Key, Records: len(seqs[v.Key])}
		for _, name := range pipes {
			pj := j.pipe(name)
			if pj == nil {
				continue
			}
			var k, n int
			for _, seq := range seqs[v.Key] {
				if seq >= len(pj.has) || !pj.has[seq] {
					continue
				}
				counted, success := f(j.preds.Truth(seq), pj.label(seq), pj.failedAt[seq], j.positive)
				if counted {
					n++
					if success {
						k++
					}
				}
			}
			if n == 0 {
				continue
			}
			iv := stats.Wilson(k, n, conf)
			g.Rates = append(g.Rates, results.Rate{Pipeline: name, Successes: k, Trials: n, Value: results.Number(float64(k) / float64(n)),
				Interval: results.Interval{Lo: results.Number(iv.Lo), Hi: results.Number(iv.Hi), Method: "wilson"}})
		}
		out = append(out, g)
	}
	return out, matchesCriterion(out, c)
}

// matchesCriterion reports whether the candidate's shares in groups agree
// with c's estimates on the same segments (when c was judged on the
// candidate's metric itself, not on a difference).
func matchesCriterion(groups []results.Group, c results.Judgement) bool {
	if isComparison(c) {
		return true
	}
	for _, s := range c.Segments {
		if !finite(float64(s.Estimate)) {
			continue
		}
		for _, g := range groups {
			if g.Key != s.Value {
				continue
			}
			for _, r := range g.Rates {
				if r.Pipeline == c.Pipeline && math.Abs(float64(r.Value-s.Estimate)) > 1e-9 {
					return false
				}
			}
		}
	}
	return true
}

// segmentPlot is one segment column's panel: a row per value, a point and
// interval per pipeline; a pipeline without a share on a value (no record
// counts towards it, as precision for a pipeline that flags nothing) is
// marked undefined there rather than left out.
func segmentPlot(run *results.Run, pal palette, sp segmentPanel, pipes []string) *plot.Plot {
	np, nv := len(pipes), len(sp.groups)
	var rows []intervalRow
	labels := make([]string, nv)
	for vi, g := range sp.groups {
		y := float64(nv - 1 - vi)
		labels[nv-1-vi] = fmt.Sprintf("%s (%s)", shorten(cmp.Or(g.Key, "(empty)"), 18), group(int64(g.Records)))
		for i, name := range pipes {
			off := -(float64(i) - float64(np-1)/2) * 0.7 / float64(max(np, 1))
			r := intervalRow{y: y + off, v: math.NaN(), lo: math.NaN(), hi: math.NaN(), col: pal.of(name), strong: isCandidate(run, name),
				note: name + ": undefined (no record to count)"}
			if pt, ok := rateOf(g, name); ok {
				r.v, r.lo, r.hi = pt.v, pt.lo, pt.hi
			}
			rows = append(rows, r)
		}
	}
	p := newPlot(fmt.Sprintf("%s by %s", capitalise(sp.metric), sp.column))
	p.Title.TextStyle.Font.Size = 10
	p.Add(plotter.NewGrid())
	if sp.threshold != nil {
		p.Add(*sp.threshold)
	}
	p.Add(intervalRows{rows: rows})
	p.NominalY(labels...)
	p.Y.Tick.Label.Font = sansOf(8)
	p.Y.Min, p.Y.Max = -0.6, float64(nv)-0.4
	p.X.Label.Text = sp.metric
	p.X.Tick.Marker = unitTicks{suffix: "%", n: 5}
	p.X.Min, p.X.Max = math.Max(0, p.X.Min), math.Min(100, p.X.Max)
	return p
}
