package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/poc-harness/poc/internal/memlimit"
	"github.com/poc-harness/poc/internal/runner"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// IO is where commands read and write; tests swap in buffers.
type IO struct {
	// In is standard input (`poc validate -` reads the file there).
	In  io.Reader
	Out io.Writer
	Err io.Writer

	// load holds the flags shared by the commands that load an experiment;
	// NewRootCmd sets it.
	load *loadSettings
	// console holds --no-color (and the tests' forced colour); NewRootCmd
	// sets it.
	console *consoleSettings
}

// Main runs poc with the process's arguments and returns the exit code.
// The first Ctrl-C or SIGTERM stops the command cleanly, in whatever phase
// it is (the records finished are kept, exit 130); a second quits at once.
func Main() int {
	ctx, stop := notifyTwice(os.Stderr)
	defer stop()
	defer memlimit.Tune()() // the process's memory follows what it holds
	return Run(ctx, os.Args[1:], IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
}

// notifyTwice returns a context cancelled by the first SIGINT or SIGTERM;
// the second exits the process at once with ExitInterrupted.
func notifyTwice(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		fmt.Fprintln(stderr, "\npoc: stopping cleanly; the finished records are kept (Ctrl-C again quits at once)")
		cancel()
		if _, ok := <-sigs; !ok {
			return
		}
		fmt.Fprintln(stderr, "poc: quit at once")
		os.Exit(ExitInterrupted)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
	}
}

// Run executes the command line args and returns the exit code.
func Run(ctx context.Context, args []string, io IO) int {
	root := NewRootCmd(io)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	code := ExitCode(err)
	if err != nil && !reported(err) {
		fmt.Fprintf(io.Err, "poc: %v\n", err)
	}
	if cmd == nil {
		return code
	}
	if env := cmd.Annotations[fromEnvAnnotation]; code == ExitInvalid && env != "" {
		fmt.Fprintf(io.Err, "poc: flags set by the environment:%s\n", env)
	}
	return code
}

// reported says whether the command already printed err in full.
func reported(err error) bool {
	ee, ok := err.(*exitError)
	return ok && !ee.msg
}

// NewRootCmd builds the poc command tree.
func NewRootCmd(io IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "poc",
		Short: "Decide, with evidence, whether an AI use case should go to production",
		Long: `poc replays real historical records through candidate AI pipelines and the
baselines they must beat, measures each metric with its uncertainty, judges the
success criteria written in the experiment file before the run, and gives a
verdict: GO, NO-GO or INCONCLUSIVE.

Exit codes:
  0    success (for "poc run": any verdict, unless --fail-on says otherwise)
  1    runtime failure (unreadable dataset, unwritable output folder)
  2    invalid experiment file or command line, or a missing API key: nothing was run
  3    verdict NO-GO, with --fail-on no-go or --fail-on inconclusive
  4    verdict INCONCLUSIVE, with --fail-on inconclusive
  130  interrupted (Ctrl-C); the predictions that finished are kept`,
		SilenceUsage:               true,
		SilenceErrors:              true,
		Version:                    runner.Version,
		SuggestionsMinimumDistance: 2,
		// Without a subcommand, an argument is an unknown command: a
		// usage error (exit 2), as a misspelt flag is.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{unknownCommand(cmd, args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := flagsFromEnv(cmd, os.LookupEnv); err != nil {
				return err
			}
			if io.console.quiet && io.console.verbose {
				return usageError{errors.New("--quiet and --verbose ask for less and more at once: give one")}
			}
			return nil
		},
	}
	root.SetVersionTemplate(versionLine())
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	if io.load == nil {
		io.load = &loadSettings{}
	}
	if io.console == nil {
		io.console = &consoleSettings{}
	}
	root.PersistentFlags().BoolVar(&io.console.noColor, "no-color", false, "print no colours (also when NO_COLOR is set)")
	root.PersistentFlags().BoolVarP(&io.console.quiet, "quiet", "q", false, "print only the verdict, the run folder, warnings and errors")
	root.PersistentFlags().BoolVarP(&io.console.verbose, "verbose", "v", false, "print more: every metric of every pipeline with its interval")
	runCmd, validateCmd, planCmd := newRunCmd(io, nil), newValidateCmd(io, nil), newPlanCmd(io, nil)
	for _, c := range []*cobra.Command{runCmd, validateCmd, planCmd} {
		addLoadFlags(c, io.load)
	}
	root.AddCommand(runCmd, validateCmd, planCmd, newVersionCmd(io))
	root.AddCommand(newMetricsCmd(io))
	root.AddCommand(newReportCmd(io, nil), newCacheCmd(io), newRunsCmd(io), newCompareCmd(io), newInitCmd(io))
	root.InitDefaultCompletionCmd()
	addCompletion(root)
	refuseUnknownSubcommands(root)
	return root
}

// envPrefix starts the environment variable of each flag: POC_FAIL_ON
// for --fail-on.
const envPrefix = "POC_"

// notFromEnv are the flags no environment variable sets: --cache-dir,
// whose POC_CACHE_DIR is the response cache's default folder already (a
// folder the run does not record as given), and the ones that name what to
// do rather than how.
var notFromEnv = map[string]bool{"cache-dir": true, "resume": true, "help": true, "version": true}

// envName is the environment variable of flag name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// flagsFromEnv sets each flag of cmd the command line does not give from
// its environment variable (POC_ and the flag's name in capitals, dashes
// as underscores), as if it were the flag's default: the command line
// wins, and a value the flag refuses is a usage error naming the
// variable.
func flagsFromEnv(cmd *cobra.Command, lookup func(string) (string, bool)) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || notFromEnv[f.Name] {
			return
		}
		v, ok := lookup(envName(f.Name))
		if !ok {
			return
		}
		if serr := f.Value.Set(v); serr != nil {
			err = usageError{fmt.Errorf("%s=%q sets --%s, which takes %s", envName(f.Name), v, f.Name, kindOf(f))}
			return
		}
		if cmd.Annotations == nil {
			cmd.Annotations = map[string]string{}
		}
		cmd.Annotations[fromEnvAnnotation] += fmt.Sprintf(" %s=%q", envName(f.Name), v)
	})
	return err
}

// kindOf says what value flag f takes, as a user reads it.
func kindOf(f *pflag.Flag) string {
	switch t := f.Value.Type(); t {
	case "bool":
		return "true or false"
	case "int", "int64":
		return "a whole number"
	case "float64":
		return "a number"
	default:
		return "a " + t
	}
}

// fromEnvAnnotation lists, in a command's annotations, the flags its
// environment set, for a usage error to name them.
const fromEnvAnnotation = "poc-flags-from-env"

// refuseUnknownSubcommands makes an argument that names none of a
// command's subcommands (`poc cache stat`) a usage error with the
// subcommand it may be, as at the top: cobra would print the help and
// exit 0.
func refuseUnknownSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		refuseUnknownSubcommands(c)
	}
	if !cmd.HasParent() || !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageError{unknownCommand(c, args[0])}
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
}

// unknownCommand is the error of an argument that names no command, with
// the commands it could be a misspelling of.
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if cmd.HasParent() {
		msg = fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return fmt.Errorf("%s (%s --help lists the commands)", msg, cmd.CommandPath())
}

// exactArgs is cobra.ExactArgs with poc's usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("expected %s, got %d arguments", what, len(args))}
		}
		return nil
	}
}
