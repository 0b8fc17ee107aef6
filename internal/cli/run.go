package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/poc-harness/poc/internal/runner"
	"github.com/poc-harness/poc/internal/verdict"
	"github.com/spf13/cobra"
)

// RunOptions are the inputs of `poc run`.
type RunOptions struct {
	File        string
	Out         string
	Concurrency int
	// FailOn is "never", "no-go" or "inconclusive": the weakest verdict that
	// makes the command exit non-zero, for gating a CI job.
	FailOn string
}

func newRunCmd(io IO, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{}
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Replay the dataset through every pipeline and write the verdict",
		Long: `Replay the experiment's records through every candidate and baseline, compute
each metric with its confidence interval, judge the criteria and write the run
folder <out>/<experiment>/<run-id>/: verdict.json, metrics.json, manifest.json,
predictions.jsonl, predictions.parquet, report.md and plots/.

A pipeline that fails on a record is recorded on that record and counted; it
never stops the run. Ctrl-C stops cleanly and keeps every finished record.`,
		Example: `  # replay the shipped offline example
  poc run experiments/card-fraud.yaml

  # in CI: fail the job unless the verdict is GO
  poc run experiments/card-fraud.yaml --out /tmp/poc --fail-on inconclusive`,
		Args: exactArgs(1, "one experiment file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			switch opts.FailOn {
			case "never", "no-go", "inconclusive":
			default:
				return usageError{fmt.Errorf("--fail-on must be never, no-go or inconclusive, not %q", opts.FailOn)}
			}
			if opts.Concurrency < 0 {
				return usageError{fmt.Errorf("--concurrency must be positive")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), io, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "results", "folder under which the run folder is written")
	f.IntVarP(&opts.Concurrency, "concurrency", "c", 0, "number of records replayed at once (default: number of CPUs)")
	f.StringVar(&opts.FailOn, "fail-on", "never", "exit non-zero on this verdict or worse: never, no-go, inconclusive")
	return cmd
}

func run(ctx context.Context, io IO, opts *RunOptions) error {
	exp, err := load(io, opts.File)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "poc run %s: %s\n", exp.Name, exp.UseCase.Question)
	ropt := runner.Options{Out: opts.Out, Concurrency: opts.Concurrency}
	if isTerminal(io.Err) {
		ropt.Progress = func(done int) { fmt.Fprintf(io.Err, "\r  replayed %d records…", done) }
	}
	out, err := runner.Run(ctx, exp, ropt)
	if ropt.Progress != nil {
		fmt.Fprint(io.Err, "\r\033[K")
	}
	if err != nil {
		if out != nil && errors.Is(err, runner.ErrInterrupted) {
			fmt.Fprintf(io.Err, "poc: %v\n  run folder: %s\n", err, out.Dir)
			return &exitError{code: ExitInterrupted, err: err}
		}
		return err
	}
	printSummary(io, out)
	switch v := out.Run.Verdict.Verdict; {
	case v == verdict.NoGo && opts.FailOn != "never":
		return &exitError{code: ExitNoGo, err: fmt.Errorf("verdict %s", v)}
	case v == verdict.Undecided && opts.FailOn == "inconclusive":
		return &exitError{code: ExitInconclusive, err: fmt.Errorf("verdict %s", v)}
	}
	return nil
}

func printSummary(io IO, out *runner.Outcome) {
	r := out.Run
	fmt.Fprintf(io.Out, "  %s records replayed through %d pipelines", verdict.Group(int64(r.Manifest.Dataset.Records)), len(r.Manifest.Pipelines))
	for _, p := range r.Metrics.Pipelines {
		if p.Failures > 0 {
			fmt.Fprintf(io.Out, "; %s failed on %d", p.Name, p.Failures)
		}
	}
	fmt.Fprintf(io.Out, "\n\n")
	for _, j := range r.Verdict.Criteria {
		kind := "should"
		if j.Must {
			kind = "must"
		}
		format := verdict.FormatValue
		if j.Kind == verdict.BetterThan || j.Kind == verdict.NoWorseThan {
			format = verdict.FormatDiff
		}
		fmt.Fprintf(io.Out, "  %-12s %-6s %s\n", strings.ToUpper(string(j.Status)), kind, j.Name)
		fmt.Fprintf(io.Out, "  %-19s %s [%s, %s], required %s %s\n", "", format(j.Estimate, j.Unit),
			format(j.Interval.Lo, j.Unit), format(j.Interval.Hi, j.Unit), j.Sense, format(j.Threshold, j.Unit))
		if j.MoreRecords > 0 {
			fmt.Fprintf(io.Out, "  %-19s about %s more records would likely settle it\n", "", verdict.Group(int64(j.MoreRecords)))
		}
	}
	fmt.Fprintf(io.Out, "\nVerdict: %s — %s\n", r.Verdict.Verdict, r.Verdict.Reason)
	fmt.Fprintf(io.Out, "Run folder: %s\n", out.Dir)
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
