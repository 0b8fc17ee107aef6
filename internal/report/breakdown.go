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
// Wilson intervals, from the breakdown in metrics.json.
func timeFigure(run *results.Run, pal palette) (*plot.Plot, int, string, string) {
	bd := run.Metrics.Breakdown
	if bd == nil {
		return nil, 0, "", noBreakdown
	}
	if len(bd.Months) == 0 {
		return nil, 0, "", "not drawn: the records have no time (set dataset.time in the experiment to see the metric month by month)"
	}
	conf := cmp.Or(confidence(run), 0.95)
	p := newPlot(fmt.Sprintf("%s by month, with %s Wilson intervals", capitalise(bd.Metric), percentLabel(conf)))
	p.Add(plotter.NewGrid())
	p.Y.Label.Text = bd.Metric + " (%)"
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
	return p, np, caption, ""
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
	p.Legend.Add(shorten(name, 40), l, s)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// segmentFigure plots the metric on each value of every segment column
// (the 20 with the most records), a point and interval per pipeline, from
// the breakdown in metrics.json.
func segmentFigure(run *results.Run, pal palette) (canvasDrawer, vg.Length, string, string) {
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
	var grid [][]*plot.Plot
	var h vg.Length
	capped := false
	for _, sb := range bd.Segments {
		grid = append(grid, []*plot.Plot{segmentPlot(run, pal, bd, sb, pipes)})
		h += vg.Length(len(sb.Values))*(0.12*vg.Inch*vg.Length(max(np, 2))) + 1.0*vg.Inch
		capped = capped || sb.Capped
	}
	leg := plot.NewLegend()
	leg.TextStyle.Font = sansOf(8.5)
	for _, name := range pipes {
		s, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			continue
		}
		s.GlyphStyle = draw.GlyphStyle{Color: pal.of(name), Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		leg.Add(shorten(name, 40), s)
	}
	conf := cmp.Or(confidence(run), 0.95)
	caption := fmt.Sprintf("For every value of each segment column, the share of %s with its %s Wilson score interval, one row per pipeline; "+
		"the number of records is in brackets.", what(bd, run.Manifest.Dataset.LabelNames), percentLabel(conf))
	if capped {
		caption += fmt.Sprintf(" Only the %d values with the most records are shown.", results.MaxSegmentValues)
	}
	lh := vg.Length(np)*(leg.TextStyle.Font.Size*1.25+vg.Points(2.5)) + vg.Points(12)
	tiles := tiled("", grid)
	fn := func(dc draw.Canvas) {
		dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})
		top, bottom := dc, dc
		top.Min.Y += lh
		bottom.Max.Y = dc.Min.Y + lh
		tiles(top)
		leg.Top, leg.Left = true, true
		leg.XOffs, leg.Padding = vg.Points(60), vg.Points(2.5)
		leg.Draw(bottom)
	}
	return fn, h + lh, caption, ""
}

// segmentPlot is one segment column's panel: a row per value, a point and
// interval per pipeline.
func segmentPlot(run *results.Run, pal palette, bd *results.Breakdown, sb results.SegmentBreakdown, pipes []string) *plot.Plot {
	np, nv := len(pipes), len(sb.Values)
	var rows []intervalRow
	labels := make([]string, nv)
	for vi, g := range sb.Values {
		y := float64(nv - 1 - vi)
		labels[nv-1-vi] = fmt.Sprintf("%s (%s)", shorten(cmp.Or(g.Key, "(empty)"), 18), group(int64(g.Records)))
		for i, name := range pipes {
			pt, ok := rateOf(g, name)
			if !ok {
				continue
			}
			off := -(float64(i) - float64(np-1)/2) * 0.7 / float64(max(np, 1))
			rows = append(rows, intervalRow{y: y + off, v: pt.v, lo: pt.lo, hi: pt.hi, col: pal.of(name), strong: isCandidate(run, name)})
		}
	}
	p := newPlot(fmt.Sprintf("%s by %s", capitalise(bd.Metric), sb.Column))
	p.Title.TextStyle.Font.Size = 10
	p.Add(plotter.NewGrid())
	p.Add(intervalRows{rows: rows})
	p.NominalY(labels...)
	p.Y.Tick.Label.Font = sansOf(8)
	p.Y.Min, p.Y.Max = -0.6, float64(nv)-0.4
	p.X.Label.Text = bd.Metric + " (%)"
	p.X.Min, p.X.Max = math.Max(0, p.X.Min), math.Min(100, p.X.Max)
	return p
}
