package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/poc-harness/poc/internal/format"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/poc-harness/poc/internal/report"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/runner"
	"github.com/poc-harness/poc/internal/spec"
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
and the plots under plots/, as PNG and SVG.

A run interrupted during its analysis, after every record was replayed, is
finished first: its journal is analysed (nothing is replayed) and the verdict
and the reports are written. A run interrupted during the replay is continued
with poc run --resume instead.`,
		Example: `  poc report results/card-fraud-screening/20250602T093000Z`,
		Args:    exactArgs(1, "one run folder"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return rebuildReport(ctx, io, opts)
		},
	}
}

// rebuildReport loads the run folder and writes its reports; a run
// interrupted during its analysis is finished first (finishAnalysis). A
// folder that is not a finished run, or one whose replay did not end, is a
// usage problem (exit code 2).
func rebuildReport(ctx context.Context, io IO, opts *ReportOptions) error {
	fi, err := os.Stat(opts.Dir)
	if err != nil || !fi.IsDir() {
		return &exitError{code: ExitInvalid, msg: true,
			err: fmt.Errorf("report: %s is not a run folder (give the folder a run wrote, such as results/<experiment>/<run-id>)", opts.Dir)}
	}
	if man, err := readManifest(opts.Dir); err == nil && man.Status != results.Complete {
		if !analysisPending(man) {
			return &exitError{code: ExitInvalid, msg: true, err: fmt.Errorf(
				"report: the run in %s did not replay every record (status %s%s); `poc run --resume %s` continues it and writes the reports",
				opts.Dir, man.Status, stopDetail(man), opts.Dir)}
		}
		return finishAnalysis(ctx, io, opts.Dir)
	}
	run, err := results.Load(opts.Dir)
	if err != nil {
		return &exitError{code: ExitInvalid, msg: true, err: fmt.Errorf("report: %w", err)}
	}
	if run.Manifest.Status == results.Running {
		return &exitError{code: ExitInvalid, msg: true,
			err: fmt.Errorf("report: the run in %s has not finished (status running); finish it with `poc run --resume` first", opts.Dir)}
	}
	if err := report.Write(ctx, run); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(io.Out, "Rebuilt %s, %s and %s/ in %s\n", results.MarkdownFile, report.HTMLFile, results.PlotsDir, opts.Dir)
	fmt.Fprintf(io.Out, "Open %s\n", filepath.Join(opts.Dir, report.HTMLFile))
	return nil
}

// readManifest reads the manifest of a run folder.
func readManifest(dir string) (results.Manifest, error) {
	var man results.Manifest
	b, err := os.ReadFile(filepath.Join(dir, results.ManifestFile))
	if err != nil {
		return man, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		return man, fmt.Errorf("read %s: %w", filepath.Join(dir, results.ManifestFile), err)
	}
	return man, nil
}

// analysisPending reports whether an unfinished run stopped during its
// analysis, after every record was replayed into the journal: the runner
// says so in the manifest (stopped_in; older folders only in the stop
// detail).
func analysisPending(man results.Manifest) bool {
	return man.Status == results.Interrupted &&
		(man.StoppedIn == "analysis" || man.StoppedIn == "" && strings.Contains(man.StopDetail, "during the analysis"))
}

// stopDetail is ": " and the manifest's stop detail, or "".
func stopDetail(man results.Manifest) string {
	if man.StopDetail == "" {
		return ""
	}
	return ": " + man.StopDetail
}

// finishAnalysis finishes a run interrupted during its analysis: Resume
// replays nothing, since the journal holds every record, analyses them and
// writes the verdict, the data files and the reports.
func finishAnalysis(ctx context.Context, io IO, dir string) error {
	session, err := runner.NewSession("", false)
	if err != nil {
		return err
	}
	load := func(path string) (*spec.Experiment, error) { return loadWith(io, session, path) }
	_, out, err := runner.Resume(ctx, dir, load, runner.Options{Session: session})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(io.Err, "poc: %v\n", err)
			return &exitError{code: ExitInterrupted, err: err}
		}
		return fmt.Errorf("report: finish the analysis of %s: %w", dir, err)
	}
	fmt.Fprintf(io.Out, "Finished the analysis of the %s records of %s (interrupted before): verdict %s\n",
		format.Group(int64(out.Run.Verdict.Records)), dir, out.Run.Verdict.Verdict)
	fmt.Fprintf(io.Out, "Wrote %s, %s and %s/ in %s\n", results.MarkdownFile, report.HTMLFile, results.PlotsDir, dir)
	fmt.Fprintf(io.Out, "Open %s\n", filepath.Join(dir, report.HTMLFile))
	return nil
}
