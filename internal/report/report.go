package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/poc-harness/poc/internal/results"
)

// Write writes report.md, report.html and the plots under plots/ (PNG and
// SVG) into the run folder run.Dir, creating plots/. It reads the run's
// predictions.jsonl when there is one, for the plots and examples that need
// single predictions. Both reports are replaced atomically.
func Write(run *results.Run) error {
	if run == nil {
		return fmt.Errorf("write report: no run")
	}
	if run.Dir == "" {
		return fmt.Errorf("write report: the run has no folder")
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
	j, err := readJournal(run.Dir, run.Manifest.Dataset.Positive, keep)
	if err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	figs, err := drawFigures(run, j)
	if err != nil {
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
// for each one that cannot be drawn from this run.
func drawFigures(run *results.Run, j *journal) ([]figure, error) {
	pal := newPalette(run)
	cands, _ := roles(run)
	cand := ""
	if len(cands) > 0 {
		cand = cands[0]
	}
	var figs []figure
	crit, err := os.ReadFile(filepath.Join(run.Dir, filepath.FromSlash(CriteriaPlotPNG)))
	if err != nil {
		return nil, fmt.Errorf("read criteria plot: %w", err)
	}
	figs = append(figs, figure{Name: "criteria", Title: "Success criteria at a glance", PNG: crit,
		Caption: "Each criterion's estimate (dot) and interval (bar) against its threshold (black tick), scaled per row so that right is always the better side; green passed, red failed, amber undecided."})

	add := func(f figure, w, h vg.Length, d canvasDrawer) error {
		if f.Skipped == "" {
			png, err := writeFigure(run.Dir, f.Name, w, h, d)
			if err != nil {
				return err
			}
			f.PNG = png
		}
		figs = append(figs, f)
		return nil
	}
	one := func(p *plot.Plot) canvasDrawer {
		if p == nil {
			return nil
		}
		return single(p)
	}

	d, h, why := metricsFigure(run, pal)
	if err := add(figure{Name: figMetrics, Title: "Metrics by pipeline", Skipped: why,
		Caption: "Each metric's value (dot) and interval (bar) for every pipeline; candidates in strong colours, baselines muted."},
		plotWidth, h, d); err != nil {
		return nil, err
	}
	qc, why := qualityCostFigure(run, pal)
	if qc != nil {
		qc.Legend.Top, qc.Legend.Left = true, false
	}
	if err := add(figure{Name: figQualityCost, Title: "Quality against cost", Skipped: why,
		Caption: "One point per pipeline. Ringed points are on the Pareto front: no other pipeline is both cheaper and better (a dashed line joins them when there are several). A cost of zero means the experiment states no running cost for that pipeline."},
		plotWidth, 4.2*vg.Inch, one(qc)); err != nil {
		return nil, err
	}
	lat, n, why := latencyFigure(run, j, pal)
	var latD canvasDrawer
	if lat != nil {
		latD = legendBelow(lat, n)
	}
	if err := add(figure{Name: figLatency, Title: "Latency distribution", Skipped: why,
		Caption: "For every latency, the share of a pipeline's records answered within it (failed calls excluded); the further left the curve, the faster the pipeline."},
		plotWidth, 4.2*vg.Inch+vg.Length(n)*0.2*vg.Inch, latD); err != nil {
		return nil, err
	}
	cm, side, note, why := confusionFigure(run, cand)
	if err := add(figure{Name: figConfusion, Title: "Confusion matrix of the candidate", Skipped: why, Narrow: true,
		Caption: "Rows are the true labels, columns the candidate's decisions; each cell gives the count and its share of the row. Blue: right, red: wrong (" + note + ")."},
		max(side+1.2*vg.Inch, 5*vg.Inch), side, one(cm)); err != nil {
		return nil, err
	}
	sd, sh, note, why := scoresFigure(run, j, pal)
	if err := add(figure{Name: figScores, Title: "Scores: ROC, precision–recall and calibration", Skipped: why,
		Caption: "How well each scored pipeline ranks positives above negatives at every threshold (ROC with its area, AUC; precision–recall with average precision, AP), and whether its scores match the observed rates (calibration; the diagonal is perfect). " + sentence(note)},
		plotWidth+2*vg.Inch, sh, sd); err != nil {
		return nil, err
	}
	tp, tn, caption, why := timeFigure(run, pal)
	var timeD canvasDrawer
	if tp != nil {
		timeD = legendBelow(tp, tn)
	}
	if err := add(figure{Name: figTime, Title: "Metric by month", Skipped: why, Caption: caption},
		plotWidth, 4.4*vg.Inch+vg.Length(tn)*0.2*vg.Inch, timeD); err != nil {
		return nil, err
	}
	sd2, sh2, caption, why := segmentFigure(run, pal)
	if err := add(figure{Name: figSegments, Title: "Metric by segment", Skipped: why, Caption: caption},
		plotWidth, sh2, sd2); err != nil {
		return nil, err
	}
	sp, spH, why := savingsFigure(run, pal)
	if err := add(figure{Name: figSavings, Title: "Projected yearly saving", Skipped: why,
		Caption: "Each candidate's projected yearly saving against each baseline (bar), with its paired-bootstrap interval (whisker); left of zero the candidate costs more. The assumptions are under Impact and cost."},
		plotWidth, spH, one(sp)); err != nil {
		return nil, err
	}
	return figs, nil
}
