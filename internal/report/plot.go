package report

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/poc-harness/poc/internal/results"
)

// Plot geometry and colours.
const (
	plotWidth   = 8 * vg.Inch
	plotDPI     = 150
	rowHeight   = 0.6 * vg.Inch
	plotMargin  = 1.2 * vg.Inch // title, axis and padding
	xReach      = 1.18          // the x axis spans ±xReach
	maxLabelLen = 44
)

// sans is the plot's typeface: Liberation Sans, shipped with gonum/plot.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func sansOf(size vg.Length) font.Font { f := sans; f.Size = size; return f }

var (
	colPass         = color.RGBA{0x2e, 0x7d, 0x32, 0xff}
	colFail         = color.RGBA{0xc6, 0x28, 0x28, 0xff}
	colInconclusive = color.RGBA{0xf0, 0x8c, 0x00, 0xff}
	colUndefined    = color.RGBA{0x9e, 0x9e, 0x9e, 0xff}
	colBetterSide   = color.RGBA{0xec, 0xf6, 0xec, 0xff}
	colThreshold    = color.RGBA{0x30, 0x30, 0x30, 0xff}
)

// statusColour is the colour of a criterion's marks and the (darker, for
// legibility) colour of its text.
func statusColour(s results.CriterionStatus) (mark, txt color.Color) {
	switch s {
	case results.Pass:
		return colPass, colPass
	case results.Fail:
		return colFail, colFail
	case results.Inconclusive:
		return colInconclusive, color.RGBA{0xa8, 0x5a, 0x00, 0xff}
	}
	return colUndefined, color.RGBA{0x61, 0x61, 0x61, 0xff}
}

// WriteCriteriaPlot draws the run's criteria as a forest plot and writes it
// to path as PNG, and beside it as SVG (same name, .svg). Each criterion is
// one row: a point at its estimate, a bar across its interval and a tick at
// its threshold, coloured by status. Criteria have different units, so each
// row is scaled on its own: x is the distance from the threshold divided by
// the row's largest distance, signed so that right is the better side; the
// figures themselves are printed on the row.
func WriteCriteriaPlot(path string, run *results.Run) error {
	if run == nil {
		return fmt.Errorf("write criteria plot: no run")
	}
	p, h := criteriaPlot(run)
	png := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(plotWidth, h), vgimg.UseDPI(plotDPI))}
	p.Draw(draw.New(png))
	if err := writeCanvas(path, png); err != nil {
		return err
	}
	svg := vgsvg.New(plotWidth, h)
	p.Draw(draw.New(svg))
	return writeCanvas(strings.TrimSuffix(path, filepath.Ext(path))+".svg", svg)
}

func writeCanvas(path string, c vg.CanvasWriterTo) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write criteria plot: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write criteria plot %s: %w", path, cerr)
		}
	}()
	if _, err := c.WriteTo(f); err != nil {
		return fmt.Errorf("write criteria plot %s: %w", path, err)
	}
	return nil
}

// criteriaPlot builds the forest plot and returns it with its height.
func criteriaPlot(run *results.Run) (*plot.Plot, vg.Length) {
	js := run.Verdict.Criteria
	p := plot.New()
	title := "Success criteria"
	if name := oneLine(run.Manifest.Experiment.Name); name != "" {
		title = shorten(name, 60) + ": success criteria"
	}
	if v := run.Verdict.Verdict; v != "" {
		title += " — verdict " + string(v)
	}
	p.Title.Text = title
	p.Title.TextStyle.Font = sansOf(13)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	if len(js) == 0 {
		p.HideAxes()
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, -1, 1
		p.Add(message("no criteria"))
		return p, 1.6 * vg.Inch
	}

	n := len(js)
	rows := make([]forestRow, n)
	names := make([]string, n)
	for i, j := range js {
		y := float64(n - 1 - i) // the first criterion on top
		rows[i] = newForestRow(j, y)
		tag := "should"
		if j.Must {
			tag = "MUST"
		}
		names[n-1-i] = shorten(oneLine(criterionName(j)), maxLabelLen) + "  · " + tag
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font = sansOf(10)
	p.Y.Min, p.Y.Max = -0.55, float64(n-1)+0.75
	p.X.Min, p.X.Max = -xReach, xReach
	p.X.Label.Text = "distance from the threshold, scaled per row (right = the better side; figures printed on each row)"
	p.X.Label.TextStyle.Font = sansOf(9)
	p.X.Tick.Label.Font = sansOf(9)
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: -1, Label: "worse"}, {Value: 0, Label: "threshold"}, {Value: 1, Label: "better"}})
	p.Add(&forest{rows: rows})
	return p, plotMargin + vg.Length(n)*rowHeight
}

// forestRow is one criterion on the plot's normalised scale (NaN when
// unknown).
type forestRow struct {
	y, x, lo, hi float64
	mark, txt    color.Color
	label        string
}

// newForestRow places a judgement on the normalised scale: (v − threshold)
// / scale, negated for "<=" so that right is always better, where scale is
// the largest distance of the estimate or a bound from the threshold (at
// least 5% of the threshold), so every row spans at most [−1, 1].
func newForestRow(j results.Judgement, y float64) forestRow {
	thr := float64(j.Threshold)
	sign := 1.0
	if j.Sense == "<=" {
		sign = -1
	}
	scale := math.Max(math.Abs(thr)*0.05, 1e-12)
	for _, v := range []results.Number{j.Estimate, j.Interval.Lo, j.Interval.Hi} {
		if d := math.Abs(float64(v) - thr); !math.IsNaN(d) && !math.IsInf(d, 0) {
			scale = math.Max(scale, d)
		}
	}
	norm := func(v results.Number) float64 {
		if math.IsNaN(thr) {
			return math.NaN()
		}
		return sign * (float64(v) - thr) / scale
	}
	r := forestRow{y: y, x: norm(j.Estimate)}
	lo, hi := norm(j.Interval.Lo), norm(j.Interval.Hi)
	r.lo, r.hi = math.Min(lo, hi), math.Max(lo, hi)
	r.mark, r.txt = statusColour(j.Status)

	est, iv, thr2 := judgementValues(j)
	switch {
	case j.Estimate.IsNaN():
		r.label = "undefined: cannot be computed · need " + thr2
	case iv == na || iv == noInterval:
		r.label = est + " (no interval) · need " + thr2
	default:
		r.label = est + "  " + iv + " · need " + thr2
	}
	r.label += " · " + statusText(j)
	return r
}

// forest draws the rows of the criteria plot.
type forest struct{ rows []forestRow }

// DataRange implements plot.DataRanger.
func (f *forest) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -xReach, xReach, -0.55, float64(len(f.rows)-1) + 0.75
}

// Plot implements plot.Plotter.
func (f *forest) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	// The better side of the threshold, lightly shaded, and the threshold.
	x0 := trX(0)
	c.FillPolygon(colBetterSide, []vg.Point{{X: x0, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
	c.StrokeLine2(draw.LineStyle{Color: color.Gray{0xb0}, Width: vg.Points(0.75), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}},
		x0, c.Min.Y, x0, c.Max.Y)

	labelStyle := text.Style{Font: sansOf(8.5), Handler: plot.DefaultTextHandler, XAlign: text.XRight, YAlign: text.YBottom}
	naStyle := labelStyle
	naStyle.XAlign, naStyle.YAlign = text.XLeft, text.YCenter
	for _, r := range f.rows {
		y := trY(r.y)
		tick := rowHeight * 0.17
		c.StrokeLine2(draw.LineStyle{Color: colThreshold, Width: vg.Points(2)}, x0, y-tick, x0, y+tick)
		line := draw.LineStyle{Color: r.mark, Width: vg.Points(2.5)}
		if !math.IsNaN(r.lo) && !math.IsNaN(r.hi) {
			lo, hi := trX(r.lo), trX(r.hi)
			c.StrokeLine2(line, lo, y, hi, y)
			cap := rowHeight * 0.12
			c.StrokeLine2(line, lo, y-cap, lo, y+cap)
			c.StrokeLine2(line, hi, y-cap, hi, y+cap)
		}
		if !math.IsNaN(r.x) && !math.IsInf(r.x, 0) {
			c.DrawGlyph(draw.GlyphStyle{Color: r.mark, Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}, vg.Point{X: trX(r.x), Y: y})
		} else {
			naStyle.Color = r.txt
			c.FillText(naStyle, vg.Point{X: x0 + vg.Points(6), Y: y}, "n/a")
		}
		// The figures, on a veil so that the threshold line does not cross them.
		labelStyle.Color = r.txt
		at := vg.Point{X: c.Max.X - vg.Points(4), Y: y + rowHeight*0.24}
		w, h := labelStyle.Width(r.label), labelStyle.Height(r.label)
		pad := vg.Points(2)
		c.FillPolygon(color.NRGBA{0xff, 0xff, 0xff, 0xc8}, []vg.Point{
			{X: at.X - w - pad, Y: at.Y - pad}, {X: at.X + pad, Y: at.Y - pad},
			{X: at.X + pad, Y: at.Y + h}, {X: at.X - w - pad, Y: at.Y + h}})
		c.FillText(labelStyle, at, r.label)
	}
}

// message is a plotter that writes one line in the middle of the plot.
type message string

// Plot implements plot.Plotter.
func (m message) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := text.Style{Font: sansOf(14), Handler: plot.DefaultTextHandler,
		XAlign: text.XCenter, YAlign: text.YCenter, Color: colUndefined}
	c.FillText(sty, c.Center(), string(m))
}
