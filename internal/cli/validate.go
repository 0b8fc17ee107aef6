package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/internal/runner"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/spf13/cobra"
)

// ValidateOptions are the inputs of `poc validate`.
type ValidateOptions struct {
	File string
}

func newValidateCmd(io IO, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{}
	return &cobra.Command{
		Use:   "validate FILE",
		Short: "Check an experiment file and its dataset without running anything",
		Long: `Check an experiment file: every key, type, reference to a metric, pipeline or
column, and the dataset file. All problems are reported at once, each with its
file:line:column and, where a name looks misspelt, the likely fix. FILE - reads
the file from standard input; its relative paths then resolve against the
working folder.`,
		Example: `  poc validate experiments/card-fraud.yaml
  generate-experiment | poc validate -`,
		Args: exactArgs(1, "one experiment file"),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return validate(io, opts)
		},
	}
}

func validate(io IO, opts *ValidateOptions) error {
	exp, err := load(io, opts.File)
	if err != nil {
		return err
	}
	checks, err := runner.CheckData(context.Background(), exp)
	if err != nil {
		return &exitError{code: ExitInvalid, err: err, msg: true}
	}
	printDataChecks(io.Err, checks)
	if err := checks.Err(exp.Dataset.Path); err != nil {
		n := len(checks.Errors())
		fmt.Fprintf(io.Err, "%s: %d data check%s failed (dataset.checks says error); nothing was run\n", opts.File, n, plural(n))
		return &exitError{code: ExitInvalid, err: err}
	}
	warns, err := runner.CheckTraining(context.Background(), exp)
	printWarnings(io.Err, warns)
	if err != nil {
		printTrainingRefusal(io.Err, opts.File, err)
		return &exitError{code: ExitInvalid, err: err}
	}
	name := opts.File
	if name == stdinFile {
		name = stdinName
	}
	fmt.Fprintf(io.Out, "%s: valid — %d pipelines (%d candidate), %d metrics, %d criteria (%d must); dataset %s with %d columns\n",
		name, len(exp.Pipelines), countCandidates(exp), len(exp.Metrics), len(exp.Criteria), countMust(exp),
		exp.Dataset.Path, len(exp.Dataset.Columns))
	if io.console == nil || !io.console.quiet {
		fmt.Fprintln(io.Out)
		printReach(io.Out, exp)
	}
	return nil
}

// load reads an experiment and prints its diagnostics (with the source line
// under each) and warnings. An invalid file returns an already-reported
// error with ExitInvalid.
func load(io IO, file string) (*spec.Experiment, error) {
	// Nothing is cached here, but the listing names the folder a run
	// would write answers to (without --no-cache or --cache-dir).
	dir, _ := cache.DefaultDir()
	return loadWith(io, &runner.Session{CacheDir: dir}, file)
}

// loadWith is load with a session's cache and pseudonymiser.
func loadWith(io IO, session *runner.Session, file string) (*spec.Experiment, error) {
	opt := session.LoadOptions()
	opt.CacheDir = session.CacheDir
	if io.load != nil {
		opt.Confine = io.load.confine
	}
	var exp *spec.Experiment
	var err error
	var src []byte // the file's text, for the lines under its diagnostics
	if file == stdinFile {
		if src, err = readStdin(io.In); err != nil {
			return nil, err
		}
		exp, err = spec.LoadBytes(stdinName, src, ".", opt) // paths resolve against the working folder
	} else {
		exp, err = spec.Load(file, opt)
		src, _ = os.ReadFile(file)
	}
	if file == stdinFile {
		file = stdinName
	}
	var diags spec.Diagnostics
	if errors.As(err, &diags) {
		fmt.Fprint(io.Err, diags.Format(src))
		if exp != nil && exp.Dataset.Read != nil {
			// What the data checks found often explains the errors (a
			// class written two ways makes a binary label three classes).
			if checks, err := runner.CheckData(context.Background(), exp); err == nil {
				printDataChecks(io.Err, checks)
			}
		}
		n := len(diags.Errors())
		fmt.Fprintf(io.Err, "%s: %d problem%s; nothing was run\n", file, n, plural(n))
		return nil, &exitError{code: ExitInvalid, err: err}
	}
	if err != nil {
		return nil, &exitError{code: ExitInvalid, err: err, msg: true}
	}
	if len(exp.Warnings) > 0 {
		fmt.Fprint(io.Err, exp.Warnings.Format(src))
	}
	return exp, nil
}

// stdinFile is the FILE that names standard input (`poc validate -`), and
// stdinName what the diagnostics call it.
const (
	stdinFile = "-"
	stdinName = "stdin"
)

// readStdin reads the experiment file from standard input, in.
func readStdin(in io.Reader) ([]byte, error) {
	if in == nil {
		return nil, usageError{errors.New("FILE - reads the experiment from standard input, and there is none")}
	}
	src, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("read the experiment from standard input: %w", err)
	}
	return src, nil
}

// printWarnings prints warnings of the experiment file found after its
// load (by the training checks), each with its source line.
func printWarnings(w io.Writer, warns spec.Diagnostics) {
	if len(warns) == 0 {
		return
	}
	src, _ := os.ReadFile(warns[0].File)
	fmt.Fprint(w, warns.Format(src))
}

// printTrainingRefusal prints why the training data cannot be used: the
// refusals of a field of the file with their source lines, other errors
// one per line.
func printTrainingRefusal(w io.Writer, file string, err error) {
	var ds spec.Diagnostics
	rest := err
	if errors.As(err, &ds) {
		src, _ := os.ReadFile(ds[0].File)
		fmt.Fprint(w, ds.Format(src))
		rest = nil
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) { // refusals beside other errors
			for _, e := range joined.Unwrap() {
				if !errors.As(e, &ds) {
					rest = errors.Join(rest, e)
				}
			}
		}
	}
	if rest != nil {
		var check *runner.CheckError
		if errors.As(rest, &check) {
			rest = check.Err
		}
		fmt.Fprintf(w, "error: %s\n", strings.ReplaceAll(rest.Error(), "\n", "\nerror: "))
	}
	fmt.Fprintf(w, "%s: the training data cannot be used; nothing was run\n", file)
}

// printDataChecks prints the data checks' findings, one per line, as
// warnings or errors.
func printDataChecks(w io.Writer, checks runner.DataChecks) {
	for _, c := range checks {
		kind := "warning"
		if c.Severity == string(spec.CheckError) {
			kind = "error"
		}
		fmt.Fprintf(w, "%s: data check %s: %s\n", kind, c.Check, c.Message)
	}
}

func countCandidates(exp *spec.Experiment) int {
	n := 0
	for _, p := range exp.Pipelines {
		if p.Role == "candidate" {
			n++
		}
	}
	return n
}

func countMust(exp *spec.Experiment) int {
	n := 0
	for _, c := range exp.Criteria {
		if c.Must {
			n++
		}
	}
	return n
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
