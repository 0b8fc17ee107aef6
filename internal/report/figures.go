package report

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/poc-harness/poc/internal/results"
)

// figure is one plot of the report: drawn (PNG kept for embedding) or
// skipped with the reason.
type figure struct {
	// Name is the file stem under plots/.
	Name    string
	Title   string
	Caption string
	// Skipped says why the figure is not drawn; empty when it is.
	Skipped string
	// Narrow asks for the figure at a smaller width.
	Narrow bool
	// Inline marks a figure shown beside its table (the segments of a
	// criterion) rather than among the charts.
	Inline bool
	// PNG is the drawn figure, embedded into report.html.
	PNG []byte
}

// canvasDrawer draws a figure onto a canvas of its size.
type canvasDrawer func(dc draw.Canvas)

// writeFigure draws fn at w×h into plots/name.png and plots/name.svg under
// dir and returns the PNG.
func writeFigure(dir, name string, w, h vg.Length, fn canvasDrawer) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(plotDPI))
	fn(draw.New(img))
	var buf bytes.Buffer
	// The fastest deflate: a plot of flat colours compresses nearly as
	// well, in a third of the time of the default level.
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img.Image()); err != nil {
		return nil, fmt.Errorf("draw plot %s: %w", name, err)
	}
	base := filepath.Join(dir, results.PlotsDir, name)
	if err := os.WriteFile(base+".png", buf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("write plot: %w", err)
	}
	svg := vgsvg.New(w, h)
	fn(draw.New(svg))
	var sbuf bytes.Buffer
	if _, err := svg.WriteTo(&sbuf); err != nil {
		return nil, fmt.Errorf("draw plot %s: %w", name, err)
	}
	if err := os.WriteFile(base+".svg", sbuf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("write plot: %w", err)
	}
	return buf.Bytes(), nil
}

// single is the drawer of one plot.
func single(p *plot.Plot) canvasDrawer {
	return func(dc draw.Canvas) { p.Draw(dc) }
}

// tiled is the drawer of plots side by side in rows (nil tiles stay
// empty), under an optional overall title.
func tiled(title string, rows [][]*plot.Plot) canvasDrawer {
	return func(dc draw.Canvas) {
		dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})
		if title != "" {
			sty := titleStyle(12)
			sty.XAlign, sty.YAlign = text.XCenter, text.YTop
			h := sty.Height(title)
			dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - vg.Points(6)}, title)
			dc.Max.Y -= h + vg.Points(16)
		}
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		for i := range rows {
			for len(rows[i]) < cols {
				rows[i] = append(rows[i], nil)
			}
		}
		t := draw.Tiles{Rows: len(rows), Cols: cols, PadX: vg.Points(18), PadY: vg.Points(14),
			PadTop: vg.Points(2), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(10)}
		canvases := plot.Align(rows, t, dc)
		for j, r := range rows {
			for i, p := range r {
				if p != nil {
					p.Draw(canvases[j][i])
				}
			}
		}
	}
}

// legendBelow is the drawer of p with its legend (of rows entries) moved
// into a strip under the plot, where it cannot hide data.
func legendBelow(p *plot.Plot, rows int) canvasDrawer {
	return func(dc draw.Canvas) {
		dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})
		leg := p.Legend
		p.Legend = plot.NewLegend()
		defer func() { p.Legend = leg }()
		leg.Padding = vg.Points(2.5)
		lh := vg.Length(rows)*(leg.TextStyle.Font.Size*1.25+leg.Padding) + vg.Points(10)
		top, bottom := dc, dc
		top.Min.Y += lh
		bottom.Max.Y = dc.Min.Y + lh
		p.Draw(top)
		leg.Top, leg.Left = true, true
		leg.XOffs, leg.YOffs = vg.Points(60), 0
		leg.Draw(bottom)
	}
}

// newPlot is a plot in the report's style: sans-serif text, light grid.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle = titleStyle(11)
	p.Title.TextStyle.XAlign, p.Title.TextStyle.YAlign = text.XCenter, text.YTop
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sansOf(9)
		a.Tick.Label.Font = sansOf(8.5)
		a.Color = color.Gray{0x88}
		a.Tick.LineStyle.Color = color.Gray{0x88}
	}
	p.Legend.TextStyle.Font = sansOf(8.5)
	p.Legend.Top = true
	return p
}

func titleStyle(size vg.Length) (s text.Style) {
	s = text.Style{Font: sansOf(size), Handler: plot.DefaultTextHandler, Color: color.Gray{0x22}}
	s.Font.Weight = xfont.WeightBold
	return s
}

// Pipeline colours: candidates in strong hues, baselines in muted ones.
var (
	candidateColours = []color.Color{
		color.RGBA{0x1f, 0x5f, 0xbf, 0xff}, color.RGBA{0x7b, 0x1f, 0xa2, 0xff}, color.RGBA{0x00, 0x83, 0x8f, 0xff},
	}
	baselineColours = []color.Color{
		color.RGBA{0x75, 0x75, 0x75, 0xff}, color.RGBA{0xb0, 0x7d, 0x48, 0xff}, color.RGBA{0x55, 0x8b, 0x2f, 0xff},
		color.RGBA{0xa1, 0x88, 0x7f, 0xff}, color.RGBA{0x90, 0xa4, 0xae, 0xff},
	}
)

// palette gives each pipeline its colour, by role and order.
type palette map[string]color.Color

func newPalette(run *results.Run) palette {
	pal := palette{}
	var c, b int
	for _, p := range pipelinesOf(run) {
		if p.Role == "candidate" {
			pal[p.Name] = candidateColours[c%len(candidateColours)]
			c++
		} else {
			pal[p.Name] = baselineColours[b%len(baselineColours)]
			b++
		}
	}
	return pal
}

func (pal palette) of(name string) color.Color {
	if c, ok := pal[name]; ok {
		return c
	}
	return baselineColours[0]
}

// pipelinesOf is the run's pipelines from the manifest, or from
// metrics.json when the manifest has none.
func pipelinesOf(run *results.Run) []results.Pipeline {
	if len(run.Manifest.Pipelines) > 0 {
		return run.Manifest.Pipelines
	}
	var ps []results.Pipeline
	for _, p := range run.Metrics.Pipelines {
		ps = append(ps, results.Pipeline{Name: p.Name, Role: p.Role})
	}
	return ps
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// legendEntry is one pipeline in a legend strip: its name and colour, a
// candidate drawn strong.
type legendEntry struct {
	name   string
	col    color.Color
	strong bool
}

// legendEntries are the legend entries of the named pipelines.
func legendEntries(run *results.Run, pal palette, names []string) []legendEntry {
	out := make([]legendEntry, len(names))
	for i, n := range names {
		out[i] = legendEntry{name: shorten(n, 40), col: pal.of(n), strong: isCandidate(run, n)}
	}
	return out
}

// Geometry of a legend strip.
var (
	stripText     = text.Style{Font: sansOf(9), Handler: plot.DefaultTextHandler, Color: color.Gray{0x22}, XAlign: text.XLeft, YAlign: text.YCenter}
	stripSwatch   = vg.Points(20)
	stripGap      = vg.Points(5)
	stripSpacing  = vg.Points(16)
	stripLineH    = vg.Points(15)
	stripPaddingY = vg.Points(6)
)

func (e legendEntry) width() vg.Length {
	return stripSwatch + stripGap + stripText.Width(e.name)
}

// stripLines lays entries out side by side in lines no wider than w.
func stripLines(entries []legendEntry, w vg.Length) [][]legendEntry {
	var lines [][]legendEntry
	var used vg.Length
	for _, e := range entries {
		ew := e.width()
		if len(lines) == 0 || used+stripSpacing+ew > w {
			lines, used = append(lines, nil), -stripSpacing
		}
		lines[len(lines)-1] = append(lines[len(lines)-1], e)
		used += stripSpacing + ew
	}
	return lines
}

// stripHeight is the height of the legend strip of entries at width w.
func stripHeight(entries []legendEntry, w vg.Length) vg.Length {
	if len(entries) == 0 {
		return 0
	}
	return vg.Length(len(stripLines(entries, w)))*stripLineH + 2*stripPaddingY
}

// drawStrip draws the legend of entries across the top of dc, each line
// centred: a short line with a dot in the pipeline's colour (as the plots
// draw it), then its name. It returns the canvas below the strip.
func drawStrip(dc draw.Canvas, entries []legendEntry) draw.Canvas {
	w := dc.Max.X - dc.Min.X
	y := dc.Max.Y - stripPaddingY - stripLineH/2
	for _, line := range stripLines(entries, w) {
		var lw vg.Length = -stripSpacing
		for _, e := range line {
			lw += stripSpacing + e.width()
		}
		x := dc.Min.X + (w-lw)/2
		for _, e := range line {
			ls := draw.LineStyle{Color: e.col, Width: vg.Points(1.6)}
			rad := vg.Points(3.2)
			if e.strong {
				ls.Width, rad = vg.Points(2.6), vg.Points(4.5)
			}
			dc.StrokeLine2(ls, x, y, x+stripSwatch, y)
			dc.DrawGlyph(draw.GlyphStyle{Color: e.col, Radius: rad, Shape: draw.CircleGlyph{}}, vg.Point{X: x + stripSwatch/2, Y: y})
			dc.FillText(stripText, vg.Point{X: x + stripSwatch + stripGap, Y: y}, e.name)
			x += e.width() + stripSpacing
		}
		y -= stripLineH
	}
	dc.Max.Y -= stripHeight(entries, w)
	return dc
}

// legendAbove is the drawer of fn under a legend strip of entries, once
// for the whole figure, at its top.
func legendAbove(entries []legendEntry, fn canvasDrawer) canvasDrawer {
	return func(dc draw.Canvas) {
		dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})
		fn(drawStrip(dc, entries))
	}
}
