package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/poc-harness/poc/internal/results"
)

// segmentTable is one criterion that must hold in every segment, with its
// segments weakest first, formatted for both reports.
type segmentTable struct {
	// Criterion is the criterion's name; Overall its estimate and interval
	// on all the records; Threshold what every segment is held to.
	Criterion, Overall, Threshold string
	// Figure is the file stem of its forest plot under plots/; "" when no
	// segment has a value to draw.
	Figure string
	// Rows are the segments: those with a value weakest first, then those
	// without one, in the verdict's order.
	Rows []segmentRow
	// HasNote reports whether a row has a note (the table then has a
	// column for notes).
	HasNote bool

	j results.Judgement
}

// segmentRow is one segment of a segmentTable.
type segmentRow struct {
	Segment, Records, Estimate, Interval, Status, StatusClass, Note string

	est, lo, hi float64
	status      results.CriterionStatus
}

// segmentFigureName is the file stem, under plots/, of the forest plot of
// the segments of the i-th criterion (from 0).
func segmentFigureName(i int) string { return fmt.Sprintf("criterion-%d-segments", i+1) }

// segmentTables are the run's criteria that were judged segment by segment,
// in the verdict's order.
func segmentTables(run *results.Run) []segmentTable {
	var out []segmentTable
	for i, j := range run.Verdict.Criteria {
		if len(j.Segments) == 0 {
			continue
		}
		est, iv, thr := judgementValues(j)
		t := segmentTable{Criterion: criterionName(j), Overall: est, Threshold: thr, j: j}
		if iv != na && iv != noInterval {
			t.Overall += " " + iv
		}
		for _, s := range weakestFirst(j.Segments, j.Sense) {
			t.Rows = append(t.Rows, newSegmentRow(j, s))
		}
		t.HasNote = slices.ContainsFunc(t.Rows, func(r segmentRow) bool { return r.Note != "" })
		if slices.ContainsFunc(t.Rows, func(r segmentRow) bool { return finite(r.est) }) {
			t.Figure = segmentFigureName(i)
		}
		out = append(out, t)
	}
	return out
}

// weakestFirst sorts segments from the one nearest to failing to the
// strongest: by estimate, lowest first when the criterion needs a value at
// least its threshold (sense ">="), highest first when at most ("<="), ties
// broken by the unfavourable bound of the interval, then by name. Segments
// without an estimate come last, in their order.
func weakestFirst(segs []results.SegmentJudgement, sense string) []results.SegmentJudgement {
	sign := 1.0 // ascending: the lowest is the weakest
	if sense == "<=" {
		sign = -1
	}
	out := slices.Clone(segs)
	slices.SortStableFunc(out, func(a, b results.SegmentJudgement) int {
		fa, fb := finite(float64(a.Estimate)), finite(float64(b.Estimate))
		switch {
		case !fa || !fb:
			return cmp.Compare(boolRank(!fa), boolRank(!fb))
		}
		worse := func(s results.SegmentJudgement) float64 {
			if sense == "<=" {
				return sign * float64(s.Interval.Hi)
			}
			return sign * float64(s.Interval.Lo)
		}
		return cmp.Or(cmp.Compare(sign*float64(a.Estimate), sign*float64(b.Estimate)),
			cmp.Compare(worse(a), worse(b)),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Value, b.Value))
	})
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// newSegmentRow formats one segment of j as judgementValues formats j.
func newSegmentRow(j results.Judgement, s results.SegmentJudgement) segmentRow {
	sj := j
	sj.Estimate, sj.Interval, sj.Status, sj.MoreRecords = s.Estimate, s.Interval, s.Status, 0
	est, iv, _ := judgementValues(sj)
	if !finite(float64(s.Estimate)) {
		est, iv = "undefined", noInterval
	}
	r := segmentRow{
		Segment: segmentLabel(s), Records: group(int64(s.Records)), Estimate: est, Interval: iv,
		Status: strings.ToUpper(string(s.Status)), StatusClass: statusClass(s.Status), Note: s.Note,
		est: float64(s.Estimate), lo: float64(s.Interval.Lo), hi: float64(s.Interval.Hi), status: s.Status,
	}
	if s.Status == results.Undefined && r.Note == "" {
		r.Note = "the value could not be computed on this segment's records"
	}
	return r
}

// segmentLabel names a segment as the data does: column = value.
func segmentLabel(s results.SegmentJudgement) string {
	if s.Column == "" {
		return cmp.Or(s.Value, "(empty)")
	}
	return s.Column + " = " + cmp.Or(s.Value, "(empty)")
}

// statusClass is the CSS class of a status badge.
func statusClass(s results.CriterionStatus) string {
	switch s {
	case results.Pass, results.Fail, results.Inconclusive:
		return string(s)
	}
	return "undefined"
}

// segmentForest plans the forest plot of t: one row per segment, weakest at
// the top, a point at its estimate and a line across its interval coloured
// by status, a vertical line at the threshold with the better side shaded.
// It returns the plot and its height.
func segmentForest(t segmentTable, conf string) (*plot.Plot, vg.Length) {
	j := t.j
	f, lab := scaleOf(j.Unit)
	axis := metricName(j.Metric) + " (" + lab + ")"
	if isComparison(j) {
		switch {
		case j.Relative:
			axis = "relative difference in " + metricName(j.Metric) + " (%, candidate − baseline)"
		case j.Unit == "":
			axis = "difference in " + metricName(j.Metric) + " (pp, candidate − baseline)"
		default:
			axis = "difference in " + metricName(j.Metric) + " (" + lab + ", candidate − baseline)"
		}
	}
	n := len(t.Rows)
	rows := make([]intervalRow, n)
	labels := make([]string, n)
	for i, r := range t.Rows {
		y := float64(n - 1 - i) // the weakest on top
		mark, _ := statusColour(r.status)
		rows[i] = intervalRow{y: y, v: r.est * f, lo: r.lo * f, hi: r.hi * f, col: mark, strong: true}
		label := shorten(r.Segment, 28) + " · " + r.Records + " records · "
		if finite(r.est) {
			label += r.Estimate
			if r.Interval != na && r.Interval != noInterval {
				label += " " + r.Interval
			}
		} else {
			label += strings.ToLower(r.Status)
		}
		labels[n-1-i] = label
	}
	p := newPlot(shorten(oneLine(t.Criterion), 70) + ": by segment, weakest first")
	p.Add(plotter.NewGrid())
	p.Add(thresholdLine{x: float64(j.Threshold) * f, higher: j.Sense != "<=", n: n})
	p.Add(intervalRows{rows: rows})
	p.NominalY(labels...)
	p.Y.Tick.Label.Font = sansOf(8.5)
	p.X.Tick.Marker = unitTicks{suffix: criterionScale(j).suffix}
	p.X.Label.Text = axis + " — dot: estimate, bar: " + conf + " interval, black line: threshold " + t.Threshold
	// Keep the threshold clear of the frame.
	if thr := float64(j.Threshold) * f; finite(thr) {
		p.X.Min, p.X.Max = math.Min(p.X.Min, thr), math.Max(p.X.Max, thr)
		pad := 0.05 * (p.X.Max - p.X.Min)
		p.X.Min, p.X.Max = math.Min(p.X.Min, thr-pad), math.Max(p.X.Max, thr+pad)
	}
	return p, plotMargin + vg.Length(n)*0.45*vg.Inch
}

// thresholdLine draws a criterion's threshold as a vertical line at x and
// shades its better side (right when higher is better); n is the number of
// rows of the plot, for its data range.
type thresholdLine struct {
	x      float64
	higher bool
	n      int
}

// Plot implements plot.Plotter.
func (t thresholdLine) Plot(c draw.Canvas, p *plot.Plot) {
	if !finite(t.x) {
		return
	}
	trX, _ := p.Transforms(&c)
	x0 := trX(t.x)
	from, to := x0, c.Max.X
	if !t.higher {
		from, to = c.Min.X, x0
	}
	c.FillPolygon(colBetterSide, c.ClipPolygonXY([]vg.Point{{X: from, Y: c.Min.Y}, {X: to, Y: c.Min.Y}, {X: to, Y: c.Max.Y}, {X: from, Y: c.Max.Y}}))
	c.StrokeLine2(draw.LineStyle{Color: colThreshold, Width: vg.Points(1.5)}, x0, c.Min.Y, x0, c.Max.Y)
}

// DataRange implements plot.DataRanger: the threshold stays in sight.
func (t thresholdLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	x := t.x
	if !finite(x) {
		x = 0
	}
	return x, x, -0.6, float64(t.n) - 0.4
}

// segmentFigures draws the forest plot of every segmented criterion into
// plots/ under dir and returns them, shown beside their tables rather than
// among the charts.
func segmentFigures(dir string, run *results.Run) ([]figure, error) {
	var out []figure
	conf := confLabel(confidence(run))
	for _, t := range segmentTables(run) {
		if t.Figure == "" {
			continue
		}
		p, h := segmentForest(t, conf)
		png, err := writeFigure(dir, t.Figure, plotWidth, max(h, 2.4*vg.Inch), single(p))
		if err != nil {
			return nil, err
		}
		out = append(out, figure{Name: t.Figure, Title: "Segments of " + t.Criterion, Inline: true, PNG: png,
			Caption: "Each segment's estimate (dot) and " + conf + " interval (bar), weakest at the top, against the threshold (black line; the better side shaded); green passed, red failed, amber undecided, grey not judged."})
	}
	return out, nil
}

// figureNamed is the figure of figs called name, if drawn.
func figureNamed(figs []figure, name string) (figure, bool) {
	for _, f := range figs {
		if f.Name == name && f.Skipped == "" {
			return f, true
		}
	}
	return figure{}, false
}
