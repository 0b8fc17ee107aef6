package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
)

// Figure names under plots/ (without extension).
const (
	figMetrics     = "metrics"
	figQualityCost = "quality-cost"
	figLatency     = "latency"
	figConfusion   = "confusion"
	figScores      = "scores"
	figTime        = "time-windows"
	figSegments    = "segments"
)

// maxCurvePoints bounds the points drawn per curve.
const maxCurvePoints = 600

// scaleOf says how values in unit are shown on an axis: shares as
// percentages, the rest as they are.
func scaleOf(unit string) (factor float64, label string) {
	if unit == "" {
		return 100, "%"
	}
	return 1, unit
}

// ---- metric by pipeline ------------------------------------------------

// intervalRow is one pipeline's point and interval on a metric panel.
type intervalRow struct {
	y, v, lo, hi float64
	col          color.Color
	strong       bool
	// note is written on the row in place of a value it does not have
	// ("undefined", "not measured"); "" draws nothing.
	note string
}

// intervalRows draws a point and an interval bar per row.
type intervalRows struct{ rows []intervalRow }

// Plot implements plot.Plotter.
func (ir intervalRows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range ir.rows {
		y := trY(r.y)
		w, rad := vg.Points(1.6), vg.Points(3.2)
		if r.strong {
			w, rad = vg.Points(2.6), vg.Points(4.5)
		}
		ls := draw.LineStyle{Color: r.col, Width: w}
		if finite(r.lo) && finite(r.hi) {
			lo, hi := trX(r.lo), trX(r.hi)
			c.StrokeLine2(ls, lo, y, hi, y)
			c.StrokeLine2(ls, lo, y-vg.Points(3), lo, y+vg.Points(3))
			c.StrokeLine2(ls, hi, y-vg.Points(3), hi, y+vg.Points(3))
		}
		if finite(r.v) {
			c.DrawGlyph(draw.GlyphStyle{Color: r.col, Radius: rad, Shape: draw.CircleGlyph{}}, vg.Point{X: trX(r.v), Y: y})
		} else if r.note != "" {
			sty := text.Style{Font: sansOf(8), Handler: plot.DefaultTextHandler, XAlign: text.XLeft, YAlign: text.YCenter, Color: color.Gray{0x55}}
			sty.Font.Style = xfont.StyleItalic
			w, h := sty.Width(r.note), sty.Height(r.note)
			at := vg.Point{X: c.Min.X + vg.Points(4), Y: y}
			pad := vg.Points(2)
			c.FillPolygon(color.White, []vg.Point{{X: at.X - pad, Y: y - h/2}, {X: at.X + w + pad, Y: y - h/2},
				{X: at.X + w + pad, Y: y + h/2}, {X: at.X - pad, Y: y + h/2}})
			c.FillText(sty, at, r.note)
		}
	}
}

// DataRange implements plot.DataRanger.
func (ir intervalRows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, r := range ir.rows {
		for _, v := range []float64{r.v, r.lo, r.hi} {
			if finite(v) {
				xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
			}
		}
	}
	if xmin > xmax {
		xmin, xmax = 0, 1
	}
	pad := (xmax - xmin) * 0.08
	if pad == 0 {
		pad = math.Max(math.Abs(xmax)*0.1, 0.5)
	}
	return xmin - pad, xmax + pad, -0.6, float64(len(ir.rows)) - 0.4
}

// metricsFigure draws one small panel per metric: a point and interval per
// pipeline, candidates in strong colours.
func metricsFigure(run *results.Run, pal palette) (canvasDrawer, vg.Length, string) {
	ps := run.Metrics.Pipelines
	if len(ps) == 0 {
		return nil, 0, "metrics.json records no pipeline"
	}
	var names []string
	for _, p := range ps {
		for _, e := range p.Metrics {
			if !slices.Contains(names, e.Metric) {
				names = append(names, e.Metric)
			}
		}
	}
	if len(names) == 0 {
		return nil, 0, "metrics.json records no metric"
	}
	const cols = 2
	var grid [][]*plot.Plot
	for i, m := range names {
		if i%cols == 0 {
			grid = append(grid, nil)
		}
		grid[len(grid)-1] = append(grid[len(grid)-1], metricPanel(run, m, ps, pal))
	}
	panelH := vg.Length(len(ps))*0.32*vg.Inch + 0.95*vg.Inch
	h := vg.Length(len(grid))*panelH + 0.5*vg.Inch
	return tiled("Every metric by pipeline, with its "+percentLabel(confidence(run))+" interval", grid), h, ""
}

// Notes a metric panel writes on a pipeline's row when it has no value.
const (
	noteUndefined   = "undefined"
	noteNotMeasured = "not measured (in-process)"
	noteNotComputed = "not computed"
)

// metricPanel is one metric's panel: a row per pipeline with its point and
// interval (see metricRows), on ticks of one format in the metric's unit.
func metricPanel(run *results.Run, metric string, ps []results.PipelineMetrics, pal palette) *plot.Plot {
	rows, unit, dir := metricRows(run, metric, ps, pal)
	labels := make([]string, len(ps))
	for i, p := range ps {
		labels[len(ps)-1-i] = shorten(p.Name, 22)
	}
	title := metricName(metric)
	switch dir {
	case "higher":
		title += " (higher is better)"
	case "lower":
		title += " (lower is better)"
	}
	p := newPlot(title)
	p.Title.TextStyle.Font.Size = 9.5
	p.Add(plotter.NewGrid())
	p.Add(intervalRows{rows: rows})
	p.NominalY(labels...)
	p.Y.Tick.Label.Font = sansOf(8)
	p.X.Label.Text, p.X.Tick.Marker = axisUnit(unit)
	if !slices.ContainsFunc(rows, func(r intervalRow) bool { return finite(r.v) }) {
		p.HideX()
		p.X.Min, p.X.Max = 0, 1
	}
	return p
}

// metricRows are the rows of metric's panel, the first pipeline on top,
// with the metric's unit and direction. A pipeline without a value is not
// left out: its row says why (undefined, a latency not measured because the
// pipeline runs in-process, or not computed for it).
func metricRows(run *results.Run, metric string, ps []results.PipelineMetrics, pal palette) (rows []intervalRow, unit, dir string) {
	n := len(ps)
	for i, p := range ps {
		r := intervalRow{y: float64(n - 1 - i), v: math.NaN(), lo: math.NaN(), hi: math.NaN(), col: pal.of(p.Name),
			strong: p.Role == "candidate", note: noteNotComputed}
		for _, e := range p.Metrics {
			if e.Metric != metric {
				continue
			}
			unit, dir = e.Unit, e.Direction
			if isLatency(e) && !latencyMeasuredIn(run, p.Name) {
				r.note = noteNotMeasured
				break
			}
			f, _ := scaleOf(e.Unit)
			r.v, r.lo, r.hi = float64(e.Value)*f, float64(e.Interval.Lo)*f, float64(e.Interval.Hi)*f
			r.note = noteUndefined
		}
		rows = append(rows, r)
	}
	return rows, unit, dir
}

// axisUnit is how a panel's x axis shows values in unit: a short unit
// ("%", "ms") follows every tick's number, a longer one (a currency) is the
// axis label under plain numbers; every tick has the same decimals.
func axisUnit(unit string) (label string, ticks plot.Ticker) {
	_, lab := scaleOf(unit)
	switch {
	case lab == "%":
		return "", unitTicks{suffix: "%", n: 4}
	case len([]rune(lab)) <= 2:
		return "", unitTicks{suffix: " " + lab, n: 4}
	}
	return lab, unitTicks{n: 4}
}

// ---- quality versus cost ------------------------------------------------

// qualityMetric is the metric the quality axis shows: the first
// criterion's metric, else the first metric without a unit.
func qualityMetric(run *results.Run) string {
	if len(run.Verdict.Criteria) > 0 {
		return run.Verdict.Criteria[0].Metric
	}
	for _, p := range run.Metrics.Pipelines {
		for _, e := range p.Metrics {
			if e.Unit == "" {
				return e.Metric
			}
		}
	}
	return ""
}

// estimateOf finds metric of pipeline in metrics.json.
func estimateOf(run *results.Run, pipeline, metric string) (results.Estimate, bool) {
	for _, p := range run.Metrics.Pipelines {
		if p.Name != pipeline {
			continue
		}
		for _, e := range p.Metrics {
			if e.Metric == metric {
				return e, true
			}
		}
	}
	return results.Estimate{}, false
}

// qcPoint is one pipeline on the quality-cost plot: its cost per record
// (people's time included), of which people is the people's time, and its
// quality, higher or lower the better.
type qcPoint struct {
	name          string
	cost, quality float64
	higher        bool
	people        float64
}

// paretoFront returns the points no other point beats on both cost and
// quality, by increasing cost.
func paretoFront(pts []qcPoint) []qcPoint {
	s := slices.Clone(pts)
	slices.SortFunc(s, func(a, b qcPoint) int {
		if c := cmp.Compare(a.cost, b.cost); c != 0 {
			return c
		}
		if a.higher {
			return cmp.Compare(b.quality, a.quality)
		}
		return cmp.Compare(a.quality, b.quality)
	})
	var front []qcPoint
	for _, p := range s {
		if len(front) == 0 {
			front = append(front, p)
			continue
		}
		last := front[len(front)-1]
		if (p.higher && p.quality > last.quality) || (!p.higher && p.quality < last.quality) {
			front = append(front, p)
		}
	}
	return front
}

// qualityCostFigure plots the quality metric against the cost per record,
// one point per pipeline, with the Pareto front. The cost is
// cost_per_record plus, for the pipeline standing for people, the cost of
// their handling time per record where impact.json prices it; note says
// so in a sentence for the caption ("" when no pipeline has people's time).
func qualityCostFigure(run *results.Run, pal palette) (p *plot.Plot, note, why string) {
	qm := qualityMetric(run)
	if qm == "" {
		return nil, "", "there is no quality metric (no criterion and no metric without a unit)"
	}
	pts, qUnit, cUnit, hasCost := qualityCostPoints(run, qm)
	if !hasCost {
		return nil, "", "the experiment has no cost_per_record metric: add `- cost_per_record` to its metrics"
	}
	if len(pts) == 0 {
		return nil, "", fmt.Sprintf("no pipeline has both %s and cost_per_record defined", qm)
	}
	cur := cmp.Or(cUnit, run.Manifest.UseCase.Currency, "currency")
	p = newPlot(fmt.Sprintf("Quality (%s) against cost per record", metricName(qm)))
	p.Add(plotter.NewGrid())
	_, ql := scaleOf(qUnit)
	p.Y.Label.Text = metricName(qm) + " (" + ql + ")"
	p.X.Label.Text = "cost per record (" + cur + ")"
	var withPeople []string
	for _, pt := range pts {
		if pt.people > 0 {
			withPeople = append(withPeople, fmt.Sprintf("%s: %s of people's time", pt.name, money(pt.people, cur)))
		}
	}
	if len(withPeople) > 0 {
		p.X.Label.Text = "cost per record (" + cur + "), people's handling time included where priced"
		note = "The cost per record includes the people's handling time where the experiment prices it (" +
			joinNames(withPeople) + " per record, from the impact projection)."
	}
	addParetoFront(p, paretoFront(pts))
	addLabelledPoints(p, pts, pal)
	padRange(p)
	return p, note, ""
}

// qualityCostPoints are the pipelines with both a finite cost_per_record
// and a finite quality metric qm (scaled for its axis), with the units of
// the last of them; hasCost says whether any pipeline has cost_per_record.
// A pipeline's cost is its cost_per_record plus the people's handling time
// per record that impact.json prices for it (see peopleCostPerRecord), so
// that the people's baseline is never drawn as free.
func qualityCostPoints(run *results.Run, qm string) (pts []qcPoint, qUnit, cUnit string, hasCost bool) {
	for _, p := range run.Metrics.Pipelines {
		c, okC := estimateOf(run, p.Name, "cost_per_record")
		q, okQ := estimateOf(run, p.Name, qm)
		hasCost = hasCost || okC
		if !okC || !okQ || !finite(float64(c.Value)) || !finite(float64(q.Value)) {
			continue
		}
		f, _ := scaleOf(q.Unit)
		qUnit, cUnit = q.Unit, c.Unit
		pt := qcPoint{name: p.Name, cost: float64(c.Value), quality: float64(q.Value) * f, higher: q.Direction != "lower"}
		if run.Impact != nil && sameCurrency(c.Unit, run.Impact.Currency) {
			if pc, ok := peopleCostPerRecord(run.Impact, p.Name); ok && pc > 0 {
				pt.people = pc
				pt.cost += pc
			}
		}
		pts = append(pts, pt)
	}
	return pts, qUnit, cUnit, hasCost
}

// addParetoFront rings the points of front and, when there are several,
// joins them with a dashed line, each with its legend entry.
func addParetoFront(p *plot.Plot, front []qcPoint) {
	ring := draw.GlyphStyle{Color: color.Gray{0x33}, Radius: vg.Points(9), Shape: draw.RingGlyph{}}
	var fxy plotter.XYs
	for _, f := range front {
		fxy = append(fxy, plotter.XY{X: f.cost, Y: f.quality})
	}
	if rs, err := plotter.NewScatter(fxy); err == nil {
		rs.GlyphStyle = ring
		p.Add(rs)
		p.Legend.Add("on the Pareto front: no other pipeline is both cheaper and better", rs)
	}
	if len(front) > 1 {
		xy := make(plotter.XYs, len(front))
		for i, f := range front {
			xy[i] = plotter.XY{X: f.cost, Y: f.quality}
		}
		l, err := plotter.NewLine(xy)
		if err == nil {
			l.Color, l.Width, l.Dashes = color.Gray{0x99}, vg.Points(1.2), []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add("the Pareto front", l)
		}
	}
}

// addLabelledPoints draws every point in its pipeline's colour, with the
// pipeline's name beside it.
func addLabelledPoints(p *plot.Plot, pts []qcPoint, pal palette) {
	xyl := plotter.XYLabels{}
	for _, pt := range pts {
		s, err := plotter.NewScatter(plotter.XYs{{X: pt.cost, Y: pt.quality}})
		if err != nil {
			continue
		}
		s.GlyphStyle = draw.GlyphStyle{Color: pal.of(pt.name), Radius: vg.Points(5), Shape: draw.CircleGlyph{}}
		p.Add(s)
		xyl.XYs = append(xyl.XYs, plotter.XY{X: pt.cost, Y: pt.quality})
		xyl.Labels = append(xyl.Labels, "  "+shorten(pt.name, 24))
	}
	if labels, err := plotter.NewLabels(xyl); err == nil {
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font = sansOf(8.5)
			labels.TextStyle[i].YAlign = text.YCenter
		}
		p.Add(labels)
	}
}

// padRange widens the axes by a margin so that points and labels fit.
func padRange(p *plot.Plot) {
	dx, dy := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	if dx == 0 {
		dx = math.Max(math.Abs(p.X.Max), 1e-3)
	}
	if dy == 0 {
		dy = math.Max(math.Abs(p.Y.Max), 1)
	}
	p.X.Min, p.X.Max = p.X.Min-dx*0.08, p.X.Max+dx*0.3
	p.Y.Min, p.Y.Max = p.Y.Min-dy*0.1, p.Y.Max+dy*0.15
}

// ---- latency ------------------------------------------------------------

// quantile is the q-quantile of sorted values (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// latencyFigure plots the distribution of latencies per pipeline as an
// empirical cumulative distribution, on a log axis when they spread over
// more than two orders of magnitude. Only real latencies are drawn (see
// latencyMeasured): the pipelines evaluated in-process are left out, and
// note says in sentences for the caption that they were not measured, with
// the people's handling time per record when the use case states it.
func latencyFigure(run *results.Run, j *journal, pal palette) (p *plot.Plot, n int, note, why string) {
	if j == nil {
		return nil, 0, "", "the run folder has no predictions.jsonl"
	}
	ss, lo, hi := latencySeriesOf(j, func(name string) bool { return latencyMeasuredIn(run, name) })
	all := latencyNames(j)
	note = unmeasuredNote(run, all, ss)
	if len(ss) == 0 {
		if len(all) > 0 {
			return nil, 0, note, "no pipeline's latency was measured on a real call. " + note
		}
		return nil, 0, note, "no prediction records a latency"
	}
	logX := lo < hi && hi/lo > 100
	p = newPlot("Latency per record: share of records answered within a time")
	p.Add(plotter.NewGrid())
	p.Y.Label.Text = "share of records (%)"
	p.Y.Min, p.Y.Max = 0, 100
	p.X.Label.Text = "latency (ms)"
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Label.Text = "latency (ms, log scale)"
	}
	for _, s := range ss {
		l, err := plotter.NewLine(latencyCurve(s.v, logX, lo))
		if err != nil {
			continue
		}
		l.Color = pal.of(s.name)
		l.Width = vg.Points(1.5)
		if isCandidate(run, s.name) {
			l.Width = vg.Points(2.5)
		}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s — median %s, 99th percentile %s", shorten(s.name, 32), ms(quantile(s.v, 0.5)), ms(quantile(s.v, 0.99))), l)
	}
	return p, len(ss), note, ""
}

// unmeasuredNote names, in sentences, the pipelines of all left out of
// drawn because they are evaluated in-process, and gives the people's
// handling time per record when the use case states it ("" when nothing
// was left out).
func unmeasuredNote(run *results.Run, all []string, drawn []latencySeries) string {
	var out []string
	for _, name := range all {
		if !slices.ContainsFunc(drawn, func(d latencySeries) bool { return d.name == name }) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return ""
	}
	verb, them := "is", "it"
	if len(out) > 1 {
		verb, them = "are", "them"
	}
	note := fmt.Sprintf("Not measured: %s %s evaluated in-process, so the time journaled for %s is the harness's own, not a latency of the real process, and is not drawn.",
		joinNames(out), verb, them)
	if b, m, ok := peopleMinutesPerRecord(run.Impact); ok && slices.Contains(out, b) {
		note += fmt.Sprintf(" The people behind %s take %s per record (mean handling time, from the impact projection).", b, minutesText(m))
	}
	return note
}

// latencyNames are the pipelines that journal a latency, in order.
func latencyNames(j *journal) []string {
	var out []string
	for _, pj := range j.pipes {
		if len(pj.latencies) > 0 {
			out = append(out, pj.name)
		}
	}
	return out
}

// latencySeries is one pipeline's latencies, sorted.
type latencySeries struct {
	name string
	v    []float64
}

// latencySeriesOf sorts the latencies of every pipeline that recorded some
// (and that every keep accepts), with the least positive latency and the
// greatest of all of them.
func latencySeriesOf(j *journal, keep ...func(name string) bool) (ss []latencySeries, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
pipes:
	for _, pj := range j.pipes {
		if len(pj.latencies) == 0 {
			continue
		}
		for _, k := range keep {
			if !k(pj.name) {
				continue pipes
			}
		}
		v := pj.sortedLatencies()
		ss = append(ss, latencySeries{pj.name, v})
		for _, x := range v {
			if x > 0 {
				lo = math.Min(lo, x)
			}
		}
		hi = math.Max(hi, v[len(v)-1])
	}
	return ss, lo, hi
}

// latencyCurve is the empirical cumulative distribution of the sorted
// latencies v in percent, thinned to about maxCurvePoints points; on a log
// axis, latencies are raised to at least lo so that zero can be drawn.
func latencyCurve(v []float64, logX bool, lo float64) plotter.XYs {
	n := len(v)
	step := max(1, n/maxCurvePoints)
	var xy plotter.XYs
	for i := 0; i < n; i += step {
		xy = append(xy, plotter.XY{X: v[i], Y: 100 * float64(i+1) / float64(n)})
	}
	xy = append(xy, plotter.XY{X: v[n-1], Y: 100})
	if logX {
		for i := range xy {
			xy[i].X = math.Max(xy[i].X, lo)
		}
	}
	return xy
}

// ms prints milliseconds with two to four significant digits.
func ms(v float64) string {
	if !finite(v) {
		return na
	}
	return sig(v) + " ms"
}

func isCandidate(run *results.Run, name string) bool {
	for _, p := range pipelinesOf(run) {
		if p.Name == name {
			return p.Role == "candidate"
		}
	}
	return false
}

// ---- confusion matrix ---------------------------------------------------

// confusion is a confusion matrix: Counts[true][predicted].
type confusion struct {
	Labels []string `json:"labels"`
	Counts [][]int  `json:"counts"`
	// Source says where it came from.
	Source string `json:"-"`
}

// confusionOf finds the candidate's confusion matrix in metrics.json: the
// detail of a confusion_matrix metric, the counts of a binary metric, or the
// matrix the analysis worked out from the journal.
func confusionOf(run *results.Run, cand string) (confusion, bool) {
	for _, p := range run.Metrics.Pipelines {
		if p.Name != cand {
			continue
		}
		for _, e := range p.Metrics {
			if e.Detail == nil {
				continue
			}
			b, err := json.Marshal(e.Detail)
			if err != nil {
				continue
			}
			var cm confusion
			if json.Unmarshal(b, &cm) == nil && len(cm.Labels) > 0 && len(cm.Counts) == len(cm.Labels) {
				cm.Source = "the " + e.Metric + " metric"
				return cm, true
			}
			var bc struct {
				TP, FP, FN, TN *int
			}
			if json.Unmarshal(b, &bc) == nil && bc.TP != nil && bc.FP != nil && bc.FN != nil && bc.TN != nil {
				pos := cmp.Or(run.Manifest.Dataset.Positive, "1")
				neg := "not " + pos
				for l := range run.Manifest.Dataset.LabelCounts {
					if l != pos {
						neg = l
					}
				}
				return confusion{Labels: []string{neg, pos}, Counts: [][]int{{*bc.TN, *bc.FP}, {*bc.FN, *bc.TP}},
					Source: "the confusion counts of the " + e.Metric + " metric"}, true
			}
		}
	}
	for _, p := range run.Metrics.Pipelines {
		if p.Name == cand && p.Confusion != nil {
			return confusion{Labels: p.Confusion.Labels, Counts: p.Confusion.Counts, Source: p.Confusion.Source}, true
		}
	}
	return confusion{}, false
}

// heat draws a confusion matrix: each cell shaded by its share of the true
// label's row, with the count and share written in it.
type heat struct{ cm confusion }

// Plot implements plot.Plotter.
func (h heat) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(h.cm.Labels)
	sty := text.Style{Font: sansOf(9), Handler: plot.DefaultTextHandler, XAlign: text.XCenter, YAlign: text.YCenter}
	for t := range n {
		total := 0
		for _, v := range h.cm.Counts[t] {
			total += v
		}
		for pr := range n {
			v := 0
			if pr < len(h.cm.Counts[t]) {
				v = h.cm.Counts[t][pr]
			}
			share := 0.0
			if total > 0 {
				share = float64(v) / float64(total)
			}
			y := float64(n - 1 - t)
			x0, x1 := trX(float64(pr)-0.5), trX(float64(pr)+0.5)
			y0, y1 := trY(y-0.5), trY(y+0.5)
			base := color.RGBA{0x1f, 0x5f, 0xbf, 0xff}
			if pr != t {
				base = color.RGBA{0xc6, 0x28, 0x28, 0xff}
			}
			fill := blend(color.RGBA{0xff, 0xff, 0xff, 0xff}, base, 0.08+0.8*math.Sqrt(share))
			c.FillPolygon(fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			c.StrokeLines(draw.LineStyle{Color: color.White, Width: vg.Points(1.5)},
				[]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
			sty.Color = color.Gray{0x11}
			if share > 0.45 {
				sty.Color = color.White
			}
			s := group(int64(v))
			if total > 0 {
				s += "\n" + formatValue(results.Number(share), "")
			}
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, s)
		}
	}
}

// DataRange implements plot.DataRanger.
func (h heat) DataRange() (xmin, xmax, ymin, ymax float64) {
	n := float64(len(h.cm.Labels))
	return -0.5, n - 0.5, -0.5, n - 0.5
}

func blend(a, b color.RGBA, t float64) color.RGBA {
	t = math.Min(math.Max(t, 0), 1)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// maxConfusionLabels bounds the labels of a drawn confusion matrix.
const maxConfusionLabels = 12

func confusionFigure(run *results.Run, cand string) (*plot.Plot, vg.Length, string, string) {
	if cand == "" {
		return nil, 0, "", "the run has no candidate pipeline"
	}
	cm, ok := confusionOf(run, cand)
	if !ok {
		return nil, 0, "", "no confusion counts for " + cand + " in metrics.json"
	}
	n := len(cm.Labels)
	if n > maxConfusionLabels {
		return nil, 0, "", fmt.Sprintf("%s predicts %d distinct labels, too many for a readable matrix (at most %d)", cand, n, maxConfusionLabels)
	}
	p := newPlot("Confusion matrix of " + shorten(cand, 40) + " (share of each true label's row)")
	p.Add(heat{cm: cm})
	xs := make([]string, n)
	ys := make([]string, n)
	names := run.Manifest.Dataset.LabelNames
	for i, l := range cm.Labels {
		xs[i] = shorten(className(names, l), 16)
		ys[n-1-i] = shorten(className(names, l), 16)
	}
	p.NominalX(xs...)
	p.NominalY(ys...)
	p.X.Label.Text = "decided by " + shorten(cand, 30)
	p.Y.Label.Text = "true label"
	p.X.Tick.Label.Font, p.Y.Tick.Label.Font = sansOf(8.5), sansOf(8.5)
	side := vg.Length(n)*0.7*vg.Inch + 1.6*vg.Inch
	return p, side, "counts from " + cm.Source, ""
}

// ---- scores: ROC, precision-recall, calibration -------------------------

type curve struct {
	name string
	xy   plotter.XYs
	area float64
}

// rocPR computes the ROC and precision-recall curves of scored records,
// with the ROC's area and the average precision.
func rocPR(s []scored) (roc, pr curve, ok bool) {
	v := slices.Clone(s)
	slices.SortFunc(v, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	var pos, neg int
	for _, x := range v {
		if x.positive {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return roc, pr, false
	}
	roc.xy = plotter.XYs{{X: 0, Y: 0}}
	var tp, fp int
	prevR := 0.0
	for i := range v {
		if v[i].positive {
			tp++
		} else {
			fp++
		}
		if i+1 < len(v) && v[i+1].score == v[i].score {
			continue // records with the same score move together
		}
		tpr, fpr := float64(tp)/float64(pos), float64(fp)/float64(neg)
		prec := float64(tp) / float64(tp+fp)
		last := roc.xy[len(roc.xy)-1]
		roc.area += (fpr - last.X) * (tpr + last.Y) / 2
		pr.area += (tpr - prevR) * prec
		prevR = tpr
		roc.xy = append(roc.xy, plotter.XY{X: fpr, Y: tpr})
		pr.xy = append(pr.xy, plotter.XY{X: tpr, Y: prec})
	}
	roc.xy, pr.xy = thin(roc.xy), thin(pr.xy)
	return roc, pr, true
}

// thin keeps at most about maxCurvePoints points of xy, the first and
// last among them.
func thin(xy plotter.XYs) plotter.XYs {
	step := len(xy) / maxCurvePoints
	if step <= 1 {
		return xy
	}
	var out plotter.XYs
	for i := 0; i < len(xy); i += step {
		out = append(out, xy[i])
	}
	if out[len(out)-1] != xy[len(xy)-1] {
		out = append(out, xy[len(xy)-1])
	}
	return out
}

// calibrationBins splits scores in [0, 1] into ten equal bins and returns
// the mean score against the observed positive share of each bin.
func calibrationBins(s []scored) (plotter.XYs, bool) {
	const bins = 10
	var sum [bins]float64
	var n, k [bins]int
	for _, x := range s {
		if x.score < 0 || x.score > 1 || math.IsNaN(x.score) {
			return nil, false
		}
		b := min(int(x.score*bins), bins-1)
		sum[b] += x.score
		n[b]++
		if x.positive {
			k[b]++
		}
	}
	var xy plotter.XYs
	for b := range bins {
		if n[b] > 0 {
			xy = append(xy, plotter.XY{X: sum[b] / float64(n[b]), Y: float64(k[b]) / float64(n[b])})
		}
	}
	return xy, len(xy) > 0
}

// scoresFigure draws ROC, precision-recall and calibration panels for the
// pipelines that gave scores.
func scoresFigure(run *results.Run, j *journal, pal palette) (canvasDrawer, vg.Length, string, string) {
	if j == nil {
		return nil, 0, "", "the run folder has no predictions.jsonl"
	}
	marks := operatingMarks(run)
	sp := newScorePanels(rocFloor(marks))
	var drawn []string
	var noScores, oneClass []string
	calOK := false
	for _, pj := range j.pipes {
		if len(pj.scores) == 0 {
			noScores = append(noScores, pj.name)
			continue
		}
		roc, pr, ok := rocPR(pj.scores)
		if !ok {
			oneClass = append(oneClass, pj.name)
			continue
		}
		drawn = append(drawn, pj.name)
		if sp.add(pj.name, pal.of(pj.name), roc, pr, pj.scores) {
			calOK = true
		}
	}
	for _, mk := range marks {
		if slices.Contains(drawn, mk.pipeline) {
			sp.mark(mk, pal.of(mk.pipeline))
		}
	}
	if len(drawn) == 0 {
		why := "no pipeline gave scores"
		if len(oneClass) > 0 {
			why = "the scored records hold only one class, so no curve can be drawn"
		}
		return nil, 0, "", why
	}
	if !calOK {
		sp.cal.Add(message("scores are not in [0, 1]"))
	}
	note := "curves of " + joinNames(drawn)
	if len(noScores) > 0 {
		note += "; no scores from " + joinNames(noScores)
	}
	return tiled("", [][]*plot.Plot{{sp.roc, sp.pr, sp.cal}}), 3.4 * vg.Inch, note, ""
}

// scorePanels are the three panels of the scores figure; floor, when
// positive, is the smallest false-positive rate of the ROC panel's log
// axis.
type scorePanels struct {
	roc, pr, cal *plot.Plot
	floor        float64
}

// operatingMark is one operating point to mark on the curves.
type operatingMark struct {
	pipeline, label string
	fpr, tpr, prec  float64
	suggested       bool
}

// operatingMarks are the current and suggested operating points of the
// run's scored candidates.
func operatingMarks(run *results.Run) []operatingMark {
	var out []operatingMark
	for _, pm := range run.Metrics.Pipelines {
		op := pm.OperatingPoint
		if op == nil {
			continue
		}
		add := func(p results.ThresholdPoint, label string, suggested bool) {
			if !p.FPR.IsNaN() && !p.TPR.IsNaN() {
				out = append(out, operatingMark{pipeline: pm.Name, label: label, fpr: float64(p.FPR), tpr: float64(p.TPR),
					prec: float64(p.Precision), suggested: suggested})
			}
		}
		add(op.Current, "current ("+format.Threshold(float64(op.Current.Threshold))+")", false)
		if s := op.Suggested; s != nil {
			add(*s, "suggested ("+format.Threshold(float64(s.Threshold))+")", true)
		}
	}
	return out
}

// rocFloor is the floor of a log false-positive-rate axis when a marked
// operating point is below 1% (a decade under the lowest), else 0 for a
// linear axis.
func rocFloor(marks []operatingMark) float64 {
	low := math.Inf(1)
	for _, m := range marks {
		if m.fpr > 0 {
			low = min(low, m.fpr)
		}
	}
	if low >= 0.01 || math.IsInf(low, 1) {
		return 0
	}
	return math.Pow(10, math.Floor(math.Log10(low))-1)
}

// percentDecades labels a log axis at its powers of ten, as percentages.
type percentDecades struct{}

// Ticks implements plot.Ticker.
func (percentDecades) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= 0; e++ {
		v := math.Pow(10, e)
		if v >= lo*0.999 && v <= hi*1.001 {
			ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v*100, 'g', -1, 64) + "%"})
		}
	}
	return ts
}

// mark draws an operating point on the ROC and precision-recall panels: a
// ring for today's, a filled diamond for the suggested one.
func (sp scorePanels) mark(m operatingMark, col color.Color) {
	style := draw.GlyphStyle{Color: col, Radius: vg.Points(4.5), Shape: draw.RingGlyph{}}
	if m.suggested {
		style.Shape, style.Color = draw.PyramidGlyph{}, color.Black
	}
	put := func(p *plot.Plot, x, y float64, legend bool) {
		if math.IsNaN(x) || math.IsNaN(y) {
			return
		}
		sc, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
		if err != nil {
			return
		}
		sc.GlyphStyle = style
		p.Add(sc)
		if legend {
			p.Legend.Add(m.label, sc)
		}
	}
	put(sp.roc, max(m.fpr, sp.floor), m.tpr, true)
	put(sp.pr, m.tpr, m.prec, true)
}

// newScorePanels sets up the ROC, precision-recall and calibration panels
// on the unit square, with their grids, their legends and the diagonals of
// the ROC and calibration panels; with floor > 0 the ROC's false-positive
// rate is on a log axis from floor, so that an operating point below 1%
// is not squeezed against the left edge.
func newScorePanels(floor float64) scorePanels {
	rocP := newPlot("ROC curve")
	rocP.X.Label.Text, rocP.Y.Label.Text = "false positive rate", "true positive rate (recall)"
	prP := newPlot("Precision–recall curve")
	prP.X.Label.Text, prP.Y.Label.Text = "recall", "precision"
	calP := newPlot("Calibration (10 bins)")
	calP.X.Label.Text, calP.Y.Label.Text = "mean score in bin", "observed positive share"
	for _, p := range []*plot.Plot{rocP, prP, calP} {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		p.Add(plotter.NewGrid())
		p.Legend.Top, p.Legend.Left = false, false
		p.Legend.TextStyle.Font = sansOf(7.5)
		p.Legend.XOffs = -vg.Points(4)
		p.Legend.YOffs = vg.Points(4)
	}
	rocP.Legend.Top = false
	prP.Legend.Left, prP.Legend.Top = true, false
	calP.Legend.Left, calP.Legend.Top = true, true
	diag := func(p *plot.Plot) {
		l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
		l.Color, l.Dashes = color.Gray{0xaa}, []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(l)
	}
	diag(calP)
	if floor > 0 {
		rocP.X.Min, rocP.X.Scale, rocP.X.Tick.Marker = floor, plot.LogScale{}, percentDecades{}
		rocP.X.Label.Text = "false positive rate (log scale)"
		var xy plotter.XYs // the diagonal, sampled along the log axis
		for e := math.Log10(floor); e <= 0.0001; e += 0.05 {
			x := math.Min(math.Pow(10, e), 1)
			xy = append(xy, plotter.XY{X: x, Y: x})
		}
		if l, err := plotter.NewLine(xy); err == nil {
			l.Color, l.Dashes = color.Gray{0xaa}, []vg.Length{vg.Points(3), vg.Points(3)}
			rocP.Add(l)
		}
	} else {
		diag(rocP)
	}
	return scorePanels{roc: rocP, pr: prP, cal: calP, floor: floor}
}

// add draws pipeline name's ROC and precision-recall curves in col, with
// their areas in the legend, and its calibration when its scores fall in
// [0, 1]; it reports whether it drew the calibration.
func (sp scorePanels) add(name string, col color.Color, roc, pr curve, scores []scored) bool {
	line := func(p *plot.Plot, xy plotter.XYs, label string) {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return
		}
		l.Color, l.Width = col, vg.Points(2)
		p.Add(l)
		p.Legend.Add(label, l)
	}
	rocXY := roc.xy
	if sp.floor > 0 { // a log axis has no zero: the curve starts at the floor
		rocXY = make(plotter.XYs, 0, len(roc.xy))
		for _, p := range roc.xy {
			if p.X >= sp.floor {
				rocXY = append(rocXY, p)
			} else if len(rocXY) == 0 || rocXY[len(rocXY)-1].X == sp.floor {
				rocXY = append(rocXY, plotter.XY{X: sp.floor, Y: p.Y})
			}
		}
	}
	line(sp.roc, rocXY, fmt.Sprintf("%s (AUC %s)", shorten(name, 20), fixed(roc.area, 3)))
	line(sp.pr, pr.xy, fmt.Sprintf("%s (AP %s)", shorten(name, 20), fixed(pr.area, 3)))
	xy, ok := calibrationBins(scores)
	if !ok {
		return false
	}
	l, s, err := plotter.NewLinePoints(xy)
	if err != nil {
		return false
	}
	l.Color, l.Width = col, vg.Points(1.5)
	s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	sp.cal.Add(l, s)
	sp.cal.Legend.Add(shorten(name, 20), l, s)
	return true
}

func joinNames(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " and " + s[len(s)-1]
}
