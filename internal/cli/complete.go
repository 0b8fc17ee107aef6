package cli

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/poc-harness/poc/internal/history"
	"github.com/poc-harness/poc/internal/results"
	"github.com/spf13/cobra"
)

// Shell completion (`poc completion bash|zsh|fish|powershell`, cobra's):
// experiment files for FILE, the values of --fail-on, folders for --out and
// --cache-dir, and run folders for --resume and `poc report`.

// failOnValues are the values --fail-on takes, each with what it does.
var failOnValues = []cobra.Completion{
	cobra.CompletionWithDesc("never", "exit 0 whatever the verdict"),
	cobra.CompletionWithDesc("no-go", "exit 3 on NO-GO"),
	cobra.CompletionWithDesc("inconclusive", "exit 3 on NO-GO and 4 on INCONCLUSIVE: pass on GO only"),
}

// addCompletion registers the completions of every command of root.
func addCompletion(root *cobra.Command) {
	experimentFile := func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	}
	dirs := func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
	for _, cmd := range root.Commands() {
		switch cmd.Name() {
		case "run", "validate", "plan":
			cmd.ValidArgsFunction = experimentFile
		case "report":
			cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return runFolders(outOf(cmd)), cobra.ShellCompDirectiveNoFileComp
			}
		}
		f := cmd.Flags()
		if f.Lookup("fail-on") != nil {
			_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(failOnValues, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, name := range []string{"out", "cache-dir"} {
			if f.Lookup(name) != nil {
				_ = cmd.RegisterFlagCompletionFunc(name, dirs)
			}
		}
		if f.Lookup("resume") != nil {
			_ = cmd.RegisterFlagCompletionFunc("resume", func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return slices.DeleteFunc(runFolders(outOf(cmd)), complete), cobra.ShellCompDirectiveNoFileComp // only what is left to resume
			})
		}
	}
}

// complete reports whether the run folder's manifest says it is complete.
func complete(dir string) bool {
	r, ok := history.Read(dir)
	return ok && r.Manifest.Status == results.Complete
}

// outOf is the command's --out (POC_OUT counts), else the default results
// folder.
func outOf(cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("out"); f != nil && f.Changed {
		return f.Value.String()
	}
	if v := os.Getenv(envName("out")); v != "" {
		return v
	}
	if f := cmd.Flags().Lookup("out"); f != nil && f.Value.String() != "" {
		return f.Value.String()
	}
	return "results"
}

// runFolders are the run folders under out (out/<experiment>/<run-id>
// holding a manifest.json), newest first.
func runFolders(out string) []cobra.Completion {
	runs, _ := history.Runs(filepath.Join(out, "*", "*"))
	var dirs []cobra.Completion
	for _, r := range runs {
		dirs = append(dirs, r.Dir)
	}
	slices.Sort(dirs)
	slices.Reverse(dirs) // run ids are times: newest first
	return dirs
}
