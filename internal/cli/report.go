package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/poc-harness/poc/internal/report"
	"github.com/poc-harness/poc/internal/results"
)

// ReportOptions are the inputs of `poc report`.
type ReportOptions struct {
	// Dir is the run folder.
	Dir string
}

func newReportCmd(io IO, runF func(*ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{}
	return &cobra.Command{
		Use:   "report RUN_DIR",
		Short: "Rebuild report.md, report.html and plots/ from a finished run folder",
		Long: `Rebuild the reports of a finished run from its folder (verdict.json,
metrics.json, manifest.json and predictions.jsonl) without replaying a single
record: report.md, report.html (one self-contained page that opens from a file)
and the plots under plots/, as PNG and SVG.`,
		Example: `  poc report results/card-fraud-screening/20250602T093000Z`,
		Args:    exactArgs(1, "one run folder"),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return rebuildReport(io, opts)
		},
	}
}

// rebuildReport loads the run folder and writes its reports. A folder that
// is not a finished run is a usage problem (exit code 2).
func rebuildReport(io IO, opts *ReportOptions) error {
	fi, err := os.Stat(opts.Dir)
	if err != nil || !fi.IsDir() {
		return &exitError{code: ExitInvalid, msg: true,
			err: fmt.Errorf("report: %s is not a run folder (give the folder a run wrote, such as results/<experiment>/<run-id>)", opts.Dir)}
	}
	run, err := results.Load(opts.Dir)
	if err != nil {
		return &exitError{code: ExitInvalid, msg: true, err: fmt.Errorf("report: %w", err)}
	}
	if run.Manifest.Status == results.Running {
		return &exitError{code: ExitInvalid, msg: true,
			err: fmt.Errorf("report: the run in %s has not finished (status running); finish it with `poc run --resume` first", opts.Dir)}
	}
	if err := report.Write(context.Background(), run); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(io.Out, "Rebuilt %s, %s and %s/ in %s\n", results.MarkdownFile, report.HTMLFile, results.PlotsDir, opts.Dir)
	fmt.Fprintf(io.Out, "Open %s\n", filepath.Join(opts.Dir, report.HTMLFile))
	return nil
}
