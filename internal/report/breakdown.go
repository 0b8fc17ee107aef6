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
)

// maxSegmentValues is how many values of a segment column the segment plot
// shows: the ones with the most records.
const maxSegmentValues = 20

// breakdown is the metric the time and segment plots show: recall for a
// binary label with a positive class, accuracy otherwise. Both are shares
// of records, so they have Wilson intervals.
type breakdown struct {
	name     string
	recall   bool
	positive string
	conf     float64
}

// breakdownOf picks the breakdown metric from the labels the journal holds.
func breakdownOf(run *results.Run, j *journal) breakdown {
	b := breakdown{name: "accuracy", positive: run.Manifest.Dataset.Positive, conf: cmp.Or(confidence(run), 0.95)}
	seen := map[string]bool{}
	for _, t := range j.truths {
		if t != "" {
			seen[t] = true
		}
	}
	if b.positive != "" && seen[b.positive] && len(seen) <= 2 {
		b.name, b.recall = "recall", true
	}
	return b
}

// count returns the successes and the trials of the metric for pipeline p
// over the records seqs: positives caught out of positives for recall,
// right decisions out of labelled records for accuracy. A failed
// prediction counts as a wrong one.
func (b breakdown) count(j *journal, p *pipeJournal, seqs []int) (k, n int) {
	for _, seq := range seqs {
		truth := j.truths[seq]
		if truth == "" || seq >= len(p.labels) {
			continue
		}
		label := p.labels[seq]
		if b.recall {
			if truth != b.positive {
				continue
			}
			n++
			if label == b.positive {
				k++
			}
			continue
		}
		n++
		if label == truth {
			k++
		}
	}
	return k, n
}

// point is one pipeline's rate on a group of records, in percent.
type point struct {
	v, lo, hi float64
}

func (b breakdown) point(j *journal, p *pipeJournal, seqs []int) (point, bool) {
	k, n := b.count(j, p, seqs)
	if n == 0 {
		return point{}, false
	}
	iv := stats.Wilson(k, n, b.conf)
	return point{v: 100 * float64(k) / float64(n), lo: 100 * iv.Lo, hi: 100 * iv.Hi}, true
}

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
// Wilson intervals, from the records' time in predictions.jsonl.
func timeFigure(run *results.Run, j *journal, pal palette) (*plot.Plot, int, string, string) {
	if j == nil {
		return nil, 0, "", "not drawn: the run folder has no predictions.jsonl"
	}
	bySeq := map[string][]int{}
	for seq, ts := range j.times {
		if ts == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			continue
		}
		m := t.UTC().Format("2006-01")
		bySeq[m] = append(bySeq[m], seq)
	}
	if len(bySeq) == 0 {
		return nil, 0, "", "not drawn: the records have no time (set dataset.time in the experiment to see the metric month by month)"
	}
	months := make([]string, 0, len(bySeq))
	for m := range bySeq {
		months = append(months, m)
	}
	slices.Sort(months)
	b := breakdownOf(run, j)
	p := newPlot(fmt.Sprintf("%s by month, with %s Wilson intervals", capitalise(b.name), percentLabel(b.conf)))
	p.Add(plotter.NewGrid())
	p.Y.Label.Text = b.name + " (%)"
	var ticks []plot.Tick
	for i, m := range months {
		t, _ := time.Parse("2006-01", m)
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: fmt.Sprintf("%s\n%s records", t.Format("Jan 2006"), group(int64(len(bySeq[m]))))})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	pipes := orderedPipes(run, j)
	np := len(pipes)
	for i, pj := range pipes {
		off := (float64(i) - float64(np-1)/2) * 0.07
		var xy plotter.XYs
		vi := vIntervals{col: pal.of(pj.name)}
		for mi, m := range months {
			pt, ok := b.point(j, pj, bySeq[m])
			if !ok {
				continue
			}
			xy = append(xy, plotter.XY{X: float64(mi) + off, Y: pt.v})
			vi.xs, vi.pts = append(vi.xs, float64(mi)+off), append(vi.pts, pt)
		}
		if len(xy) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			continue
		}
		l.Color, s.Color = pal.of(pj.name), pal.of(pj.name)
		l.Width = vg.Points(1.4)
		s.GlyphStyle = draw.GlyphStyle{Color: pal.of(pj.name), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		if isCandidate(run, pj.name) {
			l.Width, s.GlyphStyle.Radius = vg.Points(2.6), vg.Points(4)
		}
		p.Add(vi, l, s)
		p.Legend.Add(shorten(pj.name, 40), l, s)
	}
	p.X.Min, p.X.Max = -0.5, float64(len(months))-0.5
	p.Y.Min, p.Y.Max = math.Max(0, p.Y.Min-2), math.Min(100, p.Y.Max+2)
	caption := fmt.Sprintf("For every pipeline, the share of %s month by month (by the records' time), with its %s Wilson interval; "+
		"a pipeline whose line wanders beyond its intervals is not stable over the replay period.", b.what(), percentLabel(b.conf))
	return p, np, caption, ""
}

// what says what the metric is a share of, for a caption.
func (b breakdown) what() string {
	if b.recall {
		return fmt.Sprintf("positive records (label %s) the pipeline flagged (recall)", b.positive)
	}
	return "records the pipeline decided right (accuracy)"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// segmentFigure plots the metric on each value of every segment column
// (the 20 with the most records), a point and interval per pipeline.
func segmentFigure(run *results.Run, j *journal, pal palette) (canvasDrawer, vg.Length, string, string) {
	if j == nil {
		return nil, 0, "", "not drawn: the run folder has no predictions.jsonl"
	}
	cols := slices.Clone(run.Manifest.Dataset.Segments)
	if len(cols) == 0 {
		seen := map[string]bool{}
		for _, s := range j.segments {
			for k := range s {
				if !seen[k] {
					seen[k] = true
					cols = append(cols, k)
				}
			}
		}
		slices.Sort(cols)
	}
	b := breakdownOf(run, j)
	pipes := orderedPipes(run, j)
	np := len(pipes)
	var grid [][]*plot.Plot
	var h vg.Length
	capped := false
	for _, col := range cols {
		bySeq := map[string][]int{}
		for seq, s := range j.segments {
			if v, ok := s[col]; ok {
				bySeq[v] = append(bySeq[v], seq)
			}
		}
		if len(bySeq) == 0 {
			continue
		}
		values := make([]string, 0, len(bySeq))
		for v := range bySeq {
			values = append(values, v)
		}
		slices.SortFunc(values, func(a, c string) int {
			return cmp.Or(cmp.Compare(len(bySeq[c]), len(bySeq[a])), cmp.Compare(a, c))
		})
		if len(values) > maxSegmentValues {
			values, capped = values[:maxSegmentValues], true
		}
		nv := len(values)
		var rows []intervalRow
		labels := make([]string, nv)
		for vi, v := range values {
			y := float64(nv - 1 - vi)
			labels[nv-1-vi] = fmt.Sprintf("%s (%s)", shorten(cmp.Or(v, "(empty)"), 18), group(int64(len(bySeq[v]))))
			for i, pj := range pipes {
				pt, ok := b.point(j, pj, bySeq[v])
				if !ok {
					continue
				}
				off := -(float64(i) - float64(np-1)/2) * 0.7 / float64(max(np, 1))
				rows = append(rows, intervalRow{y: y + off, v: pt.v, lo: pt.lo, hi: pt.hi, col: pal.of(pj.name), strong: isCandidate(run, pj.name)})
			}
		}
		p := newPlot(fmt.Sprintf("%s by %s", capitalise(b.name), col))
		p.Title.TextStyle.Font.Size = 10
		p.Add(plotter.NewGrid())
		p.Add(intervalRows{rows: rows})
		p.NominalY(labels...)
		p.Y.Tick.Label.Font = sansOf(8)
		p.Y.Min, p.Y.Max = -0.6, float64(nv)-0.4
		p.X.Label.Text = b.name + " (%)"
		p.X.Min, p.X.Max = math.Max(0, p.X.Min), math.Min(100, p.X.Max)
		grid = append(grid, []*plot.Plot{p})
		h += vg.Length(nv)*(0.12*vg.Inch*vg.Length(max(np, 2))) + 1.0*vg.Inch
	}
	if len(grid) == 0 {
		return nil, 0, "", "not drawn: the records have no segment values (list columns under dataset.segments to see the metric per segment)"
	}
	leg := plot.NewLegend()
	leg.TextStyle.Font = sansOf(8.5)
	for _, pj := range pipes {
		s, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			continue
		}
		s.GlyphStyle = draw.GlyphStyle{Color: pal.of(pj.name), Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		leg.Add(shorten(pj.name, 40), s)
	}
	caption := fmt.Sprintf("For every value of each segment column, the share of %s with its %s Wilson interval, one row per pipeline; "+
		"the number of records is in brackets.", b.what(), percentLabel(b.conf))
	if capped {
		caption += fmt.Sprintf(" Only the %d values with the most records are shown.", maxSegmentValues)
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
