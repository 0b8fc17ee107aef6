package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/poc-harness/poc/internal/results"
)

// Write writes report.md, report.html and the plots under plots/ (PNG and
// SVG) into the run folder run.Dir, creating plots/. It reads the run's
// predictions.jsonl when there is one, for the plots and examples that need
// single predictions. Both reports are replaced atomically. When ctx ends
// first (it is checked between the plots and every few thousand journal
// lines) it stops with an error wrapping ctx's, leaving the reports it had
// not replaced as they were.
func Write(ctx context.Context, run *results.Run) error {
	if run == nil {
		return fmt.Errorf("write report: no run")
	}
	if run.Dir == "" {
		return fmt.Errorf("write report: the run has no folder")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	if err := os.MkdirAll(filepath.Join(run.Dir, results.PlotsDir), 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := WriteCriteriaPlot(filepath.Join(run.Dir, filepath.FromSlash(CriteriaPlotPNG)), run); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	cands, _ := roles(run)
	keep := map[string]bool{}
	for _, c := range cands {
		keep[c] = true
	}
	j, err := readJournal(ctx, run, run.Manifest.Dataset.Positive, keep)
	if err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	figs, err := drawFigures(ctx, run, j)
	if err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	var buf bytes.Buffer
	if err := writeMarkdown(&buf, run, figs); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	if err := writeAtomic(run.Dir, results.MarkdownFile, buf.Bytes()); err != nil {
		return err
	}
	buf.Reset()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	if err := WriteHTML(&buf, run, figs, j); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	return writeAtomic(run.Dir, HTMLFile, buf.Bytes())
}

// writeAtomic writes b to dir/name through a temporary file, so that a
// reader never sees half a report.
func writeAtomic(dir, name string, b []byte) error {
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// drawFigures draws every plot of the HTML report into plots/ (the criteria
// plot is already there) and returns them in reading order, with a reason
// for each one that cannot be drawn from this run; the forest plots of the
// segmented criteria come last, marked Inline.
func drawFigures(ctx context.Context, run *results.Run, j *journal) ([]figure, error) {
	in := figureInput{run: run, j: j, pal: newPalette(run)}
	if cands, _ := roles(run); len(cands) > 0 {
		in.cand = cands[0]
	}
	crit, err := os.ReadFile(filepath.Join(run.Dir, filepath.FromSlash(CriteriaPlotPNG)))
	if err != nil {
		return nil, fmt.Errorf("read criteria plot: %w", err)
	}
	figs := []figure{{Name: "criteria", Title: "Success criteria at a glance", PNG: crit,
		Caption: "Each criterion's estimate (dot) and interval (bar) against its threshold (black tick; its better side shaded), in the metric's own unit: one panel per unit (shares in %, differences in percentage points, milliseconds, ...), so that the rows of a panel share one axis. Green passed, red failed, amber undecided, grey undefined."}}
	// The plans are made in turn; the figures are drawn and encoded on
	// every core, each into its own canvas.
	specs := make([]figureSpec, len(figurePlans))
	for i, plan := range figurePlans {
		specs[i] = plan(in)
	}
	errs := make([]error, len(specs))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var g sync.WaitGroup
	for i := range specs {
		s := &specs[i]
		if s.fig.Skipped != "" {
			continue
		}
		g.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			if errs[i] = ctx.Err(); errs[i] == nil {
				s.fig.PNG, errs[i] = writeFigure(run.Dir, s.fig.Name, s.w, s.h, s.draw)
			}
		})
	}
	g.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, s := range specs {
		figs = append(figs, s.fig)
	}
	segs, err := segmentFigures(run.Dir, run)
	if err != nil {
		return nil, err
	}
	return append(figs, segs...), nil
}

// figureInput is what the figures of a report are drawn from: the run, the
// digest of its journal (nil without one), its palette and its first
// candidate ("" for none).
type figureInput struct {
	run  *results.Run
	j    *journal
	pal  palette
	cand string
}

// figureSpec is one figure of the HTML report before it is drawn: its
// description, its size and what draws it (unused when fig.Skipped says
// why it cannot be drawn).
type figureSpec struct {
	fig  figure
	w, h vg.Length
	draw canvasDrawer
}

// figurePlans are the figures drawn after the criteria plot, in reading
// order; each is planned just before it is drawn.
var figurePlans = []func(figureInput) figureSpec{
	metricsSpec, qualityCostSpec, latencySpec, confusionSpec,
	scoresSpec, timeSpec, segmentSpec, savingsSpec,
}

// one draws p alone on its canvas; nil when there is no plot.
func one(p *plot.Plot) canvasDrawer {
	if p == nil {
		return nil
	}
	return single(p)
}

// metricsSpec plans the figure of every metric by pipeline.
func metricsSpec(in figureInput) figureSpec {
	d, h, why := metricsFigure(in.run, in.pal)
	return figureSpec{figure{Name: figMetrics, Title: "Metrics by pipeline", Skipped: why,
		Caption: "Each metric's value (dot) and interval (bar) for every pipeline; candidates in strong colours, baselines muted. A pipeline without a value keeps its row, which says why: undefined on these records, or a latency not measured because the pipeline runs in-process."},
		plotWidth, h, d}
}

// qualityCostSpec plans the figure of quality against cost, its legend at
// the top right.
func qualityCostSpec(in figureInput) figureSpec {
	qc, note, why := qualityCostFigure(in.run, in.pal)
	if qc != nil {
		qc.Legend.Top, qc.Legend.Left = true, false
	}
	caption := "One point per pipeline. Ringed points are on the Pareto front: no other pipeline is both cheaper and better (a dashed line joins them when there are several). " +
		"A cost of zero means the experiment states no running cost for that pipeline."
	if note != "" {
		caption += " " + note
	}
	return figureSpec{figure{Name: figQualityCost, Title: "Quality against cost", Skipped: why, Caption: caption},
		plotWidth, 4.2 * vg.Inch, one(qc)}
}

// latencySpec plans the latency distribution, its legend below the plot.
func latencySpec(in figureInput) figureSpec {
	lat, n, note, why := latencyFigure(in.run, in.j, in.pal)
	var d canvasDrawer
	if lat != nil {
		d = legendBelow(lat, n)
	}
	caption := "For every latency, the share of a pipeline's records answered within it (failed calls excluded); the further left the curve, the faster the pipeline. " +
		"Only latencies measured on a real call or recorded in the data are drawn."
	if note != "" {
		caption += " " + note
	}
	return figureSpec{figure{Name: figLatency, Title: "Latency distribution", Skipped: why, Caption: caption},
		plotWidth, 4.2*vg.Inch + vg.Length(n)*0.2*vg.Inch, d}
}

// confusionSpec plans the candidate's confusion matrix.
func confusionSpec(in figureInput) figureSpec {
	cm, side, note, why := confusionFigure(in.run, in.cand)
	return figureSpec{figure{Name: figConfusion, Title: "Confusion matrix of the candidate", Skipped: why, Narrow: true,
		Caption: "Rows are the true labels, columns the candidate's decisions; each cell gives the count and its share of the row. Blue: right, red: wrong (" + note + ")."},
		max(side+1.2*vg.Inch, 5*vg.Inch), side, one(cm)}
}

// scoresSpec plans the ROC, precision-recall and calibration panels.
func scoresSpec(in figureInput) figureSpec {
	d, h, note, why := scoresFigure(in.run, in.j, in.pal)
	return figureSpec{figure{Name: figScores, Title: "Scores: ROC, precision–recall and calibration", Skipped: why,
		Caption: "How well each scored pipeline ranks positives above negatives at every threshold (ROC with its area, AUC; precision–recall with average precision, AP), and whether its scores match the observed rates (calibration; the diagonal is perfect). " + scoresMarks(in.run) + sentence(note)},
		plotWidth + 2*vg.Inch, h, d}
}

// timeSpec plans the metric by month, its legend above the plot.
func timeSpec(in figureInput) figureSpec {
	tp, entries, caption, why := timeFigure(in.run, in.pal)
	var d canvasDrawer
	if tp != nil {
		d = legendAbove(entries, single(tp))
	}
	return figureSpec{figure{Name: figTime, Title: "Metric by month", Skipped: why, Caption: caption},
		plotWidth, 4.4*vg.Inch + stripHeight(entries, plotWidth), d}
}

// segmentSpec plans the metric by segment.
func segmentSpec(in figureInput) figureSpec {
	d, h, caption, why := segmentFigure(in.run, in.j, in.pal)
	return figureSpec{figure{Name: figSegments, Title: "Metric by segment", Skipped: why, Caption: caption},
		plotWidth, h, d}
}

// savingsSpec plans the projected yearly saving.
func savingsSpec(in figureInput) figureSpec {
	sp, h, why := savingsFigure(in.run, in.pal)
	return figureSpec{figure{Name: figSavings, Title: "Projected yearly saving", Skipped: why,
		Caption: "Each candidate's projected yearly saving against each baseline (bar, its amount written beside it), with its paired-bootstrap interval (whisker); left of zero the candidate costs more. The assumptions are under Impact and cost."},
		plotWidth, h, one(sp)}
}
