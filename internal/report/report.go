package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/poc-harness/poc/internal/results"
)

// Write writes report.md and plots/criteria.png (with its .svg) into the run
// folder run.Dir, creating plots/. report.md is replaced atomically.
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
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, run); err != nil {
		return fmt.Errorf("write report in %s: %w", run.Dir, err)
	}
	tmp := filepath.Join(run.Dir, "."+results.MarkdownFile+".tmp")
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", results.MarkdownFile, err)
	}
	if err := os.Rename(tmp, filepath.Join(run.Dir, results.MarkdownFile)); err != nil {
		return fmt.Errorf("write %s: %w", results.MarkdownFile, err)
	}
	return nil
}
