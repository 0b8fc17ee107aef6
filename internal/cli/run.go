package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	goio "io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/report"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/runner"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/internal/timings"
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
	// Resume is the folder of an interrupted run to continue.
	Resume string
	// NoCache turns the response cache off; CacheDir moves it.
	NoCache  bool
	CacheDir string
	// MaxCost replaces the file's budget.max_cost when positive.
	MaxCost float64
	// Timings prints the time and peak memory of each phase of the run.
	Timings bool
	// JSON prints the verdict summary as JSON on standard output, and
	// everything else on standard error; JUnit writes a JUnit report there.
	JSON  bool
	JUnit string
	// given reports whether a flag was on the command line (nil: none was).
	given func(name string) bool
}

// newRunCmd is `poc run`: flags fill a RunOptions, RunE checks them and
// calls runF (run when nil).
func newRunCmd(io IO, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{}
	cmd := &cobra.Command{
		Use:   "run FILE | run --resume RUN_DIR",
		Short: "Replay the dataset through every pipeline and write the verdict",
		Long: `Replay the experiment's records through every candidate and baseline, compute
each metric with its confidence interval, judge the criteria and write the run
folder <out>/<experiment>/<run-id>/: verdict.json, metrics.json, manifest.json,
predictions.jsonl, predictions.parquet, report.md and plots/.

A pipeline that fails on a record is recorded on that record and counted; it
never stops the run. Answers of LLM and HTTP pipelines go to a response cache
as soon as they arrive, so a rerun is free and identical. Ctrl-C, the budget
(budget.max_cost) and the error budget (budget.max_error_rate) stop the run
cleanly, keeping every finished record; so does a crash. --resume continues
such a run in its folder, calling only for the records not yet finished and
making again every prediction that failed (after an error-budget stop, say:
fix the endpoint, then resume). Answers already paid for are never paid for
again, and the budget holds across every attempt of the run: the run folder's
spend.jsonl records each paid call as it happens. A resume keeps the
--max-cost, --concurrency, --no-cache and --cache-dir its run started with,
unless given again. One process at a time writes a run folder.`,
		Example: `  # replay the shipped offline example
  poc run experiments/card-fraud.yaml

  # in CI: fail the job unless the verdict is GO
  poc run experiments/card-fraud.yaml --out /tmp/poc --fail-on inconclusive

  # continue a run that was interrupted or crashed
  poc run --resume results/support-triage/20261129T183500Z`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.Resume != "" {
				return exactArgs(0, "no experiment file with --resume (the run folder names it)")(cmd, args)
			}
			return exactArgs(1, "one experiment file")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.given = cmd.Flags().Changed
			if err := checkRunOptions(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), io, opts)
		},
	}
	addRunFlags(cmd, opts)
	return cmd
}

// addRunFlags binds the flags of `poc run` to opts.
func addRunFlags(cmd *cobra.Command, opts *RunOptions) {
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "results", "folder under which the run folder is written")
	f.IntVarP(&opts.Concurrency, "concurrency", "c", 0, "predictions made at once (default: CPUs, or the pipelines' own concurrency)")
	f.StringVar(&opts.FailOn, "fail-on", "never", "exit non-zero on this verdict or worse: never, no-go, inconclusive")
	f.StringVar(&opts.Resume, "resume", "", "continue the interrupted run in this folder")
	f.BoolVar(&opts.NoCache, "no-cache", false, "neither read nor write the response cache")
	f.StringVar(&opts.CacheDir, "cache-dir", "", "response cache folder (default $POC_CACHE_DIR, else the user cache folder)")
	f.Float64Var(&opts.MaxCost, "max-cost", 0, "spend at most this much on calls (replaces budget.max_cost; with --resume, raises it)")
	f.BoolVar(&opts.Timings, "timings", false, "print the time, CPU time and peak memory of each phase of the run (on standard error)")
	f.BoolVar(&opts.JSON, "json", false, "print the verdict summary as JSON on standard output, and nothing else there (the rest goes to standard error)")
	f.StringVar(&opts.JUnit, "junit", "", "write a JUnit report to this file: a test case per criterion and segment (FAIL a failure, undecided skipped)")
}

// keepCacheFlags gives a resume the cache settings its run started with
// (--no-cache, --cache-dir) unless its own command line sets them, and
// returns the flags it kept. The runner does the same for the others.
func keepCacheFlags(opts *RunOptions) ([]string, error) {
	if opts.Resume == "" {
		return nil, nil
	}
	started, err := runner.RecordedFlags(opts.Resume)
	if err != nil {
		return nil, err
	}
	given := func(name string) bool { return opts.given != nil && opts.given(name) }
	var kept []string
	if started.NoCache && !given("no-cache") && !given("cache-dir") {
		opts.NoCache = true
		kept = append(kept, "--no-cache")
	}
	if started.CacheDir != "" && !given("cache-dir") && !given("no-cache") {
		opts.CacheDir = started.CacheDir
		kept = append(kept, "--cache-dir")
	}
	return kept, nil
}

// checkRunOptions rejects flag values `poc run` cannot use, as usage errors.
func checkRunOptions(opts *RunOptions) error {
	switch opts.FailOn {
	case "never", "no-go", "inconclusive":
	default:
		msg := fmt.Sprintf("--fail-on must be never, no-go or inconclusive, not %q", opts.FailOn)
		if s := closestType(opts.FailOn, []string{"never", "no-go", "inconclusive"}); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return usageError{errors.New(msg)}
	}
	if opts.Concurrency < 0 || opts.Concurrency > maxConcurrency {
		return usageError{fmt.Errorf("--concurrency must be between 1 and %d (0, the default: as many as the CPUs or the pipelines' own), not %d", maxConcurrency, opts.Concurrency)}
	}
	if opts.MaxCost < 0 {
		return usageError{fmt.Errorf("--max-cost must be positive")}
	}
	for flag, v := range map[string]string{"out": opts.Out, "junit": opts.JUnit, "cache-dir": opts.CacheDir, "resume": opts.Resume} {
		if strings.HasPrefix(v, "-") {
			return usageError{fmt.Errorf("--%s %q looks like a flag, not a path: its value is missing (write ./%s for a path of that name)", flag, v, v)}
		}
	}
	return nil
}

func run(ctx context.Context, io IO, opts *RunOptions) error {
	stdout := io.Out
	if opts.JSON {
		io.Out = io.Err // the human summary too: standard output holds the JSON alone
	}
	kept, err := keepCacheFlags(opts)
	if err != nil {
		return err
	}
	session, err := runner.NewSession(opts.CacheDir, opts.NoCache)
	if err != nil {
		return err
	}
	ropt := runner.Options{Out: opts.Out, Concurrency: opts.Concurrency, Session: session, MaxCost: opts.MaxCost,
		Flags: results.Flags{MaxCost: opts.MaxCost, Concurrency: opts.Concurrency, NoCache: opts.NoCache, CacheDir: opts.CacheDir, Kept: kept}}
	if opts.FailOn != "never" {
		ropt.Flags.FailOn = opts.FailOn
	}
	quiet := io.console != nil && io.console.quiet
	progressTo := io.Err
	if quiet {
		progressTo = goio.Discard
	}
	progress := newProgress(progressTo)
	ropt.Progress, ropt.OnTotal = progress.update, progress.setTotal
	if opts.Timings {
		ropt.Timings = timings.New()
		defer func() {
			fmt.Fprintln(io.Err)
			_ = timings.Write(io.Err, ropt.Timings.Phases(), ropt.Timings.Besides())
		}()
	}

	var out *runner.Outcome
	if opts.Resume != "" {
		loadFn := func(path string) (*spec.Experiment, error) {
			exp, err := loadWith(io, session, path)
			if err == nil && !quiet {
				printReach(io.Err, exp)
			}
			return exp, err
		}
		var exp *spec.Experiment
		exp, out, err = runner.Resume(ctx, opts.Resume, loadFn, ropt)
		if exp != nil && err == nil && !quiet {
			fmt.Fprintf(io.Out, "poc run --resume %s: %s\n", opts.Resume, exp.UseCase.Question)
		}
	} else {
		var exp *spec.Experiment
		ropt.Timings.Start("load and check the data")
		if exp, err = loadWith(io, session, opts.File); err != nil {
			return err
		}
		if !quiet {
			fmt.Fprintf(io.Out, "poc run %s: %s\n", exp.Name, exp.UseCase.Question)
			printReach(io.Err, exp)
		}
		out, err = runner.Run(ctx, exp, ropt)
	}
	progress.finish()
	if out != nil {
		printWarnings(io.Err, out.Warnings)
	}
	if err != nil && ctx.Err() != nil && (out == nil || out.Dir == "") {
		fmt.Fprintln(io.Err, "poc: interrupted before the run started; nothing was run and no run folder was left")
		return &exitError{code: ExitInterrupted, err: err}
	}
	var refused spec.Diagnostics
	if err != nil && errors.As(err, &refused) { // a learner refused its training data
		printTrainingRefusal(io.Err, cmp.Or(opts.File, opts.Resume), err)
		return &exitError{code: ExitInvalid, err: err}
	}
	if err != nil {
		if out != nil && errors.Is(err, runner.ErrInterrupted) {
			fmt.Fprintf(io.Err, "poc: %v\n", err)
			code := ExitFailure
			if ctx.Err() != nil {
				code = ExitInterrupted
			}
			return &exitError{code: code, err: err}
		}
		return err
	}
	printSummary(io, out)
	var gate error
	why := func(code int, v results.Decision) error {
		return &exitError{code: code, msg: true, err: fmt.Errorf("exit %d: the verdict is %s, and --fail-on %s fails the job on it", code, v, opts.FailOn)}
	}
	switch v := out.Run.Verdict.Verdict; {
	case v == results.NoGo && opts.FailOn != "never":
		gate = why(ExitNoGo, v)
	case v == results.Undecided && opts.FailOn == "inconclusive":
		gate = why(ExitInconclusive, v)
	}
	if err := ciOutputs(io, stdout, opts, out, ExitCode(gate)); err != nil {
		return err
	}
	return gate
}

// ciOutputs writes what a CI job reads of a finished run: the experiment's
// `latest` link, the JUnit report (--junit), the step summary of GitHub
// Actions (when GITHUB_STEP_SUMMARY names a file) and the JSON summary on
// stdout (--json). A report asked for that cannot be written is an error;
// the link and the step summary only warn.
func ciOutputs(io IO, stdout goio.Writer, opts *RunOptions, out *runner.Outcome, code int) error {
	if err := linkLatest(out.Dir); err != nil {
		fmt.Fprintf(io.Err, "poc: warning: %v\n", err)
	}
	if err := appendStepSummary(os.Getenv(stepSummaryEnv), out); err != nil {
		fmt.Fprintf(io.Err, "poc: warning: %v\n", err)
	}
	if opts.JUnit != "" {
		if err := writeJUnit(opts.JUnit, out, code); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "JUnit report: %s\n", opts.JUnit)
	}
	if opts.JSON {
		if err := writeSummary(stdout, summaryOf(out, code)); err != nil {
			return err
		}
	}
	return nil
}

// printSpend says what the run's calls cost over all its attempts, how
// much of it is presumed (requests in flight at a stop), and warns when
// answers could not be cached.
func printSpend(io IO, mf results.Manifest) {
	if mf.Spent > 0 || mf.Budget.MaxCost > 0 {
		fmt.Fprintf(io.Out, "  spent %.4g %s on calls", mf.Spent, mf.UseCase.Currency)
		if mf.Budget.MaxCost > 0 {
			fmt.Fprintf(io.Out, " of a budget of %.4g", mf.Budget.MaxCost)
		}
		if mf.Attempts > 1 {
			fmt.Fprintf(io.Out, " over %d attempts", mf.Attempts)
		}
		if mf.InFlightAtStop > 0 {
			fmt.Fprintf(io.Out, " (%.4g presumed: %d requests in flight at a stop)", mf.SpentPresumed, mf.InFlightAtStop)
		}
		fmt.Fprintln(io.Out)
	}
	if mf.Cache.PutErrors > 0 {
		fmt.Fprintf(io.Err, "poc: warning: %d answers could not be stored in the response cache (first error: %s); a rerun pays for them again\n",
			mf.Cache.PutErrors, mf.Cache.FirstPutError)
	}
}

// printSummary is the console summary of a finished run: the records, the
// spend, the data checks, each criterion with its status (coloured on a
// terminal), the verdict, the headline on the money, the run folder and
// the reports written in it.
func printSummary(io IO, out *runner.Outcome) {
	r := out.Run
	pal := newPalette(io)
	if io.console != nil && io.console.quiet {
		printDataChecks(io.Out, r.Manifest.Dataset.Checks)
		fmt.Fprintf(io.Out, "Verdict: %s — %s\nRun folder: %s\n", pal.verdict(r.Verdict.Verdict), r.Verdict.Reason, out.Dir)
		return
	}
	fmt.Fprintf(io.Out, "  %s records replayed through %d pipelines", format.Group(int64(r.Manifest.Dataset.Records)), len(r.Manifest.Pipelines))
	for _, p := range r.Metrics.Pipelines {
		if p.Failures > 0 {
			fmt.Fprintf(io.Out, "; %s failed on %d", p.Name, p.Failures)
		}
	}
	fmt.Fprintf(io.Out, "\n")
	if line := labelLine(r.Manifest.Dataset); line != "" {
		fmt.Fprintf(io.Out, "  %s\n", line)
	}
	printSpend(io, r.Manifest)
	printDataChecks(io.Out, r.Manifest.Dataset.Checks)
	fmt.Fprintf(io.Out, "\n")
	for _, j := range r.Verdict.Criteria {
		kind := "should"
		if j.Must {
			kind = "must"
		}
		fmt.Fprintf(io.Out, "  %s %-6s %s\n", pal.status(j.Status, 12), kind, format.CriterionName(j.Name, j.Metric))
		line := criterionText(j)
		if j.Status == results.Undefined {
			line += ": " + j.Explanation
		}
		fmt.Fprintf(io.Out, "  %-19s %s\n", "", line)
		if len(j.Segments) > 0 {
			var segs []string
			for _, sg := range j.Segments {
				seg := fmt.Sprintf("%s=%s %s", sg.Column, sg.Value, pal.status(sg.Status, 0))
				if sg.Status == results.Undefined && sg.Note != "" {
					seg += " (" + sg.Note + ")"
				}
				segs = append(segs, seg)
			}
			fmt.Fprintf(io.Out, "  %-19s %s\n", "", strings.Join(segs, ", "))
		}
		if j.MoreRecords > 0 {
			why := ""
			if strings.HasPrefix(j.SampleSizeMethod, "the minimum") || strings.HasPrefix(j.SampleSizeMethod, "the fewest") {
				why = " (" + j.SampleSizeMethod + ")"
			}
			if h := format.History(j.MoreRecords, r.Manifest.UseCase.VolumePerYear); h != "" {
				why += "; " + h
			}
			fmt.Fprintf(io.Out, "  %-19s about %s more records would likely settle it%s\n", "", format.Group(int64(j.MoreRecords)), why)
		}
	}
	if io.console != nil && io.console.verbose {
		printMetrics(io.Out, r)
	}
	fmt.Fprintf(io.Out, "\nVerdict: %s — %s\n", pal.verdict(r.Verdict.Verdict), r.Verdict.Reason)
	if line := moneyLine(r.Impact, r.Verdict.Verdict); line != "" {
		fmt.Fprintln(io.Out, line)
	}
	for _, line := range operatingLines(r) {
		fmt.Fprintln(io.Out, line)
	}
	fmt.Fprintf(io.Out, "Run folder: %s\n", out.Dir)
	for _, name := range []string{report.HTMLFile, results.MarkdownFile} {
		if path := filepath.Join(out.Dir, name); fileExists(path) {
			fmt.Fprintf(io.Out, "Report: %s\n", path)
		}
	}
}

// printMetrics prints every metric of every pipeline with its interval
// (-v): metrics.json as a table.
func printMetrics(w goio.Writer, r *results.Run) {
	fmt.Fprintf(w, "\n  every metric, %s intervals:\n", format.Percent(r.Verdict.Confidence))
	for _, p := range r.Metrics.Pipelines {
		fmt.Fprintf(w, "  %s (%s)\n", p.Name, p.Role)
		for _, e := range p.Metrics {
			line := format.Value(e.Value, e.Unit)
			if !e.Interval.Lo.IsNaN() && !e.Interval.Hi.IsNaN() {
				line += fmt.Sprintf(" [%s, %s] %s", format.Value(e.Interval.Lo, e.Unit), format.Value(e.Interval.Hi, e.Unit), e.Interval.Method)
			}
			if e.Note != "" {
				line += " — " + e.Note
			}
			fmt.Fprintf(w, "    %-24s %s\n", format.MetricName(e.Metric), line)
		}
	}
}

// labelLine is the console line of the label's classes by the names
// dataset.label_names gives them, largest first, with the positive class:
// "label is_fraud: legitimate (0) 19,360, fraud (1) 480; positive class
// fraud (1)"; "" when the file names no class.
func labelLine(d results.Dataset) string {
	if len(d.LabelNames) == 0 || len(d.LabelCounts) == 0 {
		return ""
	}
	name := func(code string) string {
		if n := d.LabelNames[code]; n != "" && n != code {
			return n + " (" + code + ")"
		}
		return code
	}
	codes := slices.Collect(maps.Keys(d.LabelCounts))
	slices.SortFunc(codes, func(a, b string) int {
		return cmp.Or(cmp.Compare(d.LabelCounts[b], d.LabelCounts[a]), cmp.Compare(a, b))
	})
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, name(c)+" "+format.Group(int64(d.LabelCounts[c])))
	}
	s := "label " + d.Label + ": " + strings.Join(parts, ", ")
	if d.Positive != "" && len(codes) == 2 {
		s += "; positive class " + name(d.Positive)
	}
	return s
}

// fileExists says whether path is a regular file.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// maxConcurrency is the most predictions a run makes at once.
const maxConcurrency = 4096

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
