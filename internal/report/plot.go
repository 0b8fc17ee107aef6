package report

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/poc-harness/poc/internal/results"
)

// Plot geometry and colours.
const (
	plotWidth  = 8 * vg.Inch
	plotDPI    = 150
	rowHeight  = 0.6 * vg.Inch
	plotMargin = 1.2 * vg.Inch // title, axis and padding
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
// its threshold with its better side shaded, coloured by status. Criteria
// are drawn in their natural units, one panel per unit (shares in %,
// differences in percentage points, milliseconds, ...), so that the rows of
// a panel share one axis and their lengths can be compared; the figures
// themselves are printed on each row.
func WriteCriteriaPlot(path string, run *results.Run) error {
	if run == nil {
		return fmt.Errorf("write criteria plot: no run")
	}
	fn, h := criteriaPlot(run)
	png := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(plotWidth, h), vgimg.UseDPI(plotDPI))}
	fn(draw.New(png))
	if err := writeCanvas(path, png); err != nil {
		return err
	}
	svg := vgsvg.New(plotWidth, h)
	fn(draw.New(svg))
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

// criteriaTitle is the criteria plot's title: the experiment and the verdict.
func criteriaTitle(run *results.Run) string {
	title := "Success criteria"
	if name := oneLine(run.Manifest.Experiment.Name); name != "" {
		title = shorten(name, 60) + ": success criteria"
	}
	if v := run.Verdict.Verdict; v != "" {
		title += " — verdict " + string(v)
	}
	return title
}

// criteriaPlot plans the forest plot: its drawer and its height.
func criteriaPlot(run *results.Run) (canvasDrawer, vg.Length) {
	js := run.Verdict.Criteria
	title := criteriaTitle(run)
	if len(js) == 0 {
		p := plot.New()
		p.Title.Text = title
		p.Title.TextStyle.Font = sansOf(13)
		p.Title.TextStyle.Font.Weight = xfont.WeightBold
		p.HideAxes()
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, -1, 1
		p.Add(message("no criteria"))
		return single(p), 1.6 * vg.Inch
	}
	var plots []*plot.Plot
	var heights []vg.Length
	for _, g := range criteriaPanels(js) {
		plots = append(plots, criteriaPanelPlot(js, g))
		heights = append(heights, criteriaAxisHeight+vg.Length(len(g.rows))*rowHeight)
	}
	key := "dot: estimate · bar: " + percentLabel(cmp.Or(confidence(run), 0.95)) + " interval · black tick: threshold, its better side shaded · " +
		"green: pass, red: fail, amber: inconclusive, grey: undefined"
	return stacked(title, key, plots, heights), criteriaTitleHeight + criteriaKeyHeight + sumLengths(heights)
}

// Heights of the criteria plot's title and of each panel's x axis (ticks
// and axis label).
const (
	criteriaTitleHeight = 0.5 * vg.Inch
	criteriaAxisHeight  = 0.75 * vg.Inch
	criteriaKeyHeight   = 0.3 * vg.Inch
	// criteriaLabelWidth and criteriaLabelLines bound a criterion's name
	// on the plot: wrapped at about this many characters onto at most
	// this many lines.
	criteriaLabelWidth = 38
	criteriaLabelLines = 3
)

func sumLengths(ls []vg.Length) (s vg.Length) {
	for _, l := range ls {
		s += l
	}
	return s
}

// criteriaGroup is the criteria drawn on one panel: those whose values are
// in one unit, on one axis.
type criteriaGroup struct {
	// key tells the units apart; axis is the x axis label, suffix follows
	// each tick's number, and factor turns a value into the axis's unit.
	key, axis, suffix string
	factor            float64
	// rows are indexes into the verdict's criteria, in its order.
	rows []int
}

// criterionScale says on which axis a judgement is drawn: shares in %,
// differences of shares in percentage points, relative differences in %,
// other units as they are. The axis label is left to criteriaPanels, which
// names the metrics of the panel.
func criterionScale(j results.Judgement) criteriaGroup {
	switch {
	case isComparison(j) && j.Relative:
		return criteriaGroup{key: "relative", axis: "relative difference in %s, candidate − baseline (%)", suffix: "%", factor: 100}
	case isComparison(j) && j.Unit == "":
		return criteriaGroup{key: "pp", axis: "difference in %s, candidate − baseline (percentage points)", suffix: " pp", factor: 100}
	case isComparison(j):
		return criteriaGroup{key: "diff " + j.Unit, axis: "difference in %s, candidate − baseline (" + j.Unit + ")", suffix: " " + j.Unit, factor: 1}
	case j.Unit == "":
		return criteriaGroup{key: "share", axis: "%s (%)", suffix: "%", factor: 100}
	}
	return criteriaGroup{key: j.Unit, axis: "%s (" + j.Unit + ")", suffix: " " + j.Unit, factor: 1}
}

// criteriaPanels groups the criteria by unit, the panels in the order of
// their first criterion, each axis naming its metrics.
func criteriaPanels(js []results.Judgement) []criteriaGroup {
	var out []criteriaGroup
	var metrics [][]string
	for i, j := range js {
		g := criterionScale(j)
		k := slices.IndexFunc(out, func(o criteriaGroup) bool { return o.key == g.key })
		if k < 0 {
			out, metrics = append(out, g), append(metrics, nil)
			k = len(out) - 1
		}
		out[k].rows = append(out[k].rows, i)
		if !slices.Contains(metrics[k], j.Metric) {
			metrics[k] = append(metrics[k], j.Metric)
		}
	}
	for k := range out {
		out[k].axis = strings.ReplaceAll(out[k].axis, "%s", joinNames(metrics[k]))
	}
	return out
}

// criterionLabel is a criterion's name with its weight, wrapped for the
// plot's left column.
func criterionLabel(j results.Judgement) string {
	tag := "should"
	if j.Must {
		tag = "MUST"
	}
	return strings.Join(wrapLabel(oneLine(criterionName(j))+" · "+tag, criteriaLabelWidth, criteriaLabelLines), "\n")
}

// wrapLabel breaks s into lines of at most width runes at spaces, a word
// longer than width cut where it must, onto at most lines lines; what does
// not fit ends the last line with an ellipsis.
func wrapLabel(s string, width, lines int) []string {
	width, lines = max(width, 2), max(lines, 1)
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for len([]rune(w)) > width {
			if cur != "" {
				out, cur = append(out, cur), ""
			}
			r := []rune(w)
			out, w = append(out, string(r[:width])), string(r[width:])
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			out, cur = append(out, cur), w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	if len(out) > lines {
		// The last line, cut at a space to leave room for the ellipsis.
		last := string([]rune(strings.Join(out[lines-1:], " "))[:width-1])
		if k := strings.LastIndex(last, " "); k > 0 {
			last = last[:k]
		}
		out = append(out[:lines-1], strings.TrimRight(last, " ·")+"…")
	}
	return out
}

// criteriaPanelPlot is one panel of the criteria plot: the rows of g, the
// first on top, in g's unit.
func criteriaPanelPlot(js []results.Judgement, g criteriaGroup) *plot.Plot {
	n := len(g.rows)
	rows := make([]forestRow, n)
	names := make([]string, n)
	for k, i := range g.rows {
		y := float64(n - 1 - k)
		rows[k] = newForestRow(js[i], y, g.factor)
		names[n-1-k] = criterionLabel(js[i])
	}
	p := newPlot("")
	p.Title.Text = ""
	p.Add(plotter.NewGrid())
	p.Add(&forest{rows: rows})
	p.NominalY(names...)
	p.Y.Tick.Label.Font = sansOf(9.5)
	p.Y.Min, p.Y.Max = -0.55, float64(n-1)+0.75
	p.X.Label.Text = g.axis
	p.X.Label.TextStyle.Font = sansOf(9)
	p.X.Tick.Label.Font = sansOf(9)
	p.X.Tick.Marker = unitTicks{suffix: g.suffix}
	return p
}

// forestRow is one criterion on its panel's axis (NaN when unknown): its
// estimate x, interval [lo, hi] and threshold thr, higher telling whether
// the better side is to the right.
type forestRow struct {
	y, x, lo, hi, thr float64
	higher            bool
	mark, txt         color.Color
	label             string
}

// newForestRow places a judgement at height y on an axis of its values
// times factor, with the figures to print on its row.
func newForestRow(j results.Judgement, y, factor float64) forestRow {
	r := forestRow{y: y, x: float64(j.Estimate) * factor, thr: float64(j.Threshold) * factor, higher: j.Sense != "<="}
	lo, hi := float64(j.Interval.Lo)*factor, float64(j.Interval.Hi)*factor
	r.lo, r.hi = math.Min(lo, hi), math.Max(lo, hi)
	r.mark, r.txt = statusColour(j.Status)

	est, iv, thr := judgementValues(j)
	switch {
	case j.Estimate.IsNaN():
		r.label = "undefined: cannot be computed · need " + thr
	case iv == na || iv == noInterval:
		r.label = est + " (no interval) · need " + thr
	default:
		r.label = est + "  " + iv + " · need " + thr
	}
	r.label += " · " + statusText(j)
	return r
}

// forest draws the rows of a criteria panel.
type forest struct{ rows []forestRow }

// DataRange implements plot.DataRanger: every estimate, bound and
// threshold, with a margin.
func (f *forest) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, r := range f.rows {
		for _, v := range []float64{r.x, r.lo, r.hi, r.thr} {
			if finite(v) {
				xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
			}
		}
	}
	if xmin > xmax {
		xmin, xmax = -1, 1
	}
	pad := (xmax - xmin) * 0.08
	if pad == 0 {
		pad = math.Max(math.Abs(xmax)*0.1, 1)
	}
	return xmin - pad, xmax + pad, -0.55, float64(len(f.rows)-1) + 0.75
}

// Plot implements plot.Plotter.
func (f *forest) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	labelStyle := text.Style{Font: sansOf(8.5), Handler: plot.DefaultTextHandler, XAlign: text.XRight, YAlign: text.YBottom}
	naStyle := labelStyle
	naStyle.XAlign, naStyle.YAlign = text.XLeft, text.YCenter
	band := rowHeight * 0.2
	for _, r := range f.rows {
		y := trY(r.y)
		if finite(r.thr) {
			// The better side of this row's threshold, lightly shaded, and
			// the threshold as a tick.
			x0 := trX(r.thr)
			from, to := x0, c.Max.X
			if !r.higher {
				from, to = c.Min.X, x0
			}
			c.FillPolygon(colBetterSide, c.ClipPolygonXY([]vg.Point{{X: from, Y: y - band}, {X: to, Y: y - band}, {X: to, Y: y + band}, {X: from, Y: y + band}}))
			tick := rowHeight * 0.2
			c.StrokeLine2(draw.LineStyle{Color: colThreshold, Width: vg.Points(2.5)}, x0, y-tick, x0, y+tick)
		}
		line := draw.LineStyle{Color: r.mark, Width: vg.Points(2.5)}
		if finite(r.lo) && finite(r.hi) {
			lo, hi := trX(r.lo), trX(r.hi)
			c.StrokeLine2(line, lo, y, hi, y)
			cap := rowHeight * 0.12
			c.StrokeLine2(line, lo, y-cap, lo, y+cap)
			c.StrokeLine2(line, hi, y-cap, hi, y+cap)
		}
		if finite(r.x) {
			c.DrawGlyph(draw.GlyphStyle{Color: r.mark, Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}, vg.Point{X: trX(r.x), Y: y})
		} else {
			at := c.Min.X + vg.Points(6)
			if finite(r.thr) {
				at = trX(r.thr) + vg.Points(6)
			}
			naStyle.Color = r.txt
			c.FillText(naStyle, vg.Point{X: at, Y: y}, "n/a")
		}
		// The figures, on a veil so that the grid does not cross them.
		labelStyle.Color = r.txt
		at := vg.Point{X: c.Max.X - vg.Points(4), Y: y + rowHeight*0.24}
		w, h := labelStyle.Width(r.label), labelStyle.Height(r.label)
		pad := vg.Points(2)
		c.FillPolygon(color.NRGBA{0xff, 0xff, 0xff, 0xd8}, []vg.Point{
			{X: at.X - w - pad, Y: at.Y - pad}, {X: at.X + pad, Y: at.Y - pad},
			{X: at.X + pad, Y: at.Y + h}, {X: at.X - w - pad, Y: at.Y + h}})
		c.FillText(labelStyle, at, r.label)
	}
}

// stacked is the drawer of plots one above the other under a title and
// over a line of key (either may be ""), each given its height (scaled to
// the canvas), their data areas aligned left and right so that the panels
// read as one column.
func stacked(title, key string, plots []*plot.Plot, heights []vg.Length) canvasDrawer {
	return func(dc draw.Canvas) {
		dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})
		if title != "" {
			sty := titleStyle(13)
			sty.XAlign, sty.YAlign = text.XCenter, text.YTop
			dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - vg.Points(8)}, title)
			dc.Max.Y -= criteriaTitleHeight
		}
		if key != "" {
			sty := text.Style{Font: sansOf(8.5), Handler: plot.DefaultTextHandler, Color: color.Gray{0x44}, XAlign: text.XCenter, YAlign: text.YBottom}
			dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Min.Y + vg.Points(6)}, key)
			dc.Min.Y += criteriaKeyHeight
		}
		total := sumLengths(heights)
		if total <= 0 {
			return
		}
		scale := (dc.Max.Y - dc.Min.Y) / total
		canvases := make([]draw.Canvas, len(plots))
		top := dc.Max.Y
		for i := range plots {
			c := dc
			c.Max.Y, c.Min.Y = top, top-heights[i]*scale
			c.Min.X += vg.Points(4)
			c.Max.X -= vg.Points(10)
			top = c.Min.Y
			canvases[i] = c
		}
		// The data areas follow the canvases nearly but not exactly (the
		// tick labels at the ends move with the scale): align a few times.
		for range 4 {
			left, right := vg.Length(math.Inf(-1)), vg.Length(math.Inf(1))
			for i, p := range plots {
				d := p.DataCanvas(canvases[i])
				left, right = max(left, d.Min.X), min(right, d.Max.X)
			}
			for i, p := range plots {
				d := p.DataCanvas(canvases[i])
				canvases[i].Min.X += left - d.Min.X
				canvases[i].Max.X -= d.Max.X - right
			}
		}
		for i, p := range plots {
			p.Draw(canvases[i])
		}
	}
}

// unitTicks is a plot.Ticker of about n round values (5 when n is 0),
// every one printed with the same decimals and followed by suffix ("%",
// " pp", " ms"): one format on the whole axis. Values are divided by scale
// (1 when 0) before they are printed, so that an axis in EUR can be
// labelled in millions with suffix "M".
type unitTicks struct {
	suffix string
	n      int
	scale  float64
}

// Ticks implements plot.Ticker.
func (t unitTicks) Ticks(lo, hi float64) []plot.Tick {
	scale := t.scale
	if scale == 0 {
		scale = 1
	}
	n := t.n
	if n <= 0 {
		n = 5
	}
	lo, hi = lo/scale, hi/scale
	if !finite(lo) || !finite(hi) || hi <= lo {
		return nil
	}
	step := niceStep(hi-lo, n)
	dec := stepDecimals(step)
	var out []plot.Tick
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		v := k * step
		label := tickNumber(v, dec) + t.suffix
		if math.Abs(v) < step*1e-9 && scale != 1 {
			label = "0" // not "0M"
		}
		out = append(out, plot.Tick{Value: v * scale, Label: label})
	}
	return out
}

// niceStep is the round step (1, 2, 2.5 or 5 times a power of ten) that
// cuts span into about n intervals (from n/1.5 to 1.5n).
func niceStep(span float64, n int) float64 {
	raw := span / float64(max(n, 1))
	if !(raw > 0) || !finite(raw) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*p >= raw*(1-1e-9)/1.5 {
			return m * p
		}
	}
	return 10 * p
}

// stepDecimals is the number of decimals that prints every multiple of
// step exactly.
func stepDecimals(step float64) int {
	for d := range 10 {
		s := step * math.Pow(10, float64(d))
		if math.Abs(s-math.Round(s)) < 1e-6*math.Max(1, s) {
			return d
		}
	}
	return 10
}

// tickNumber prints v with dec decimals and a true minus sign, zero
// without a sign.
func tickNumber(v float64, dec int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	if v < 0 && strings.Trim(s, "0.") != "" {
		return "−" + s
	}
	return s
}

// message is a plotter that writes one line in the middle of the plot.
type message string

// Plot implements plot.Plotter.
func (m message) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := text.Style{Font: sansOf(14), Handler: plot.DefaultTextHandler,
		XAlign: text.XCenter, YAlign: text.YCenter, Color: colUndefined}
	c.FillText(sty, c.Center(), string(m))
}
