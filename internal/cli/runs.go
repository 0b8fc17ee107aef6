package cli

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/poc-harness/poc/internal/history"
	"github.com/poc-harness/poc/internal/results"
	"github.com/spf13/cobra"
)

// RunsOptions are the inputs of `poc runs`.
type RunsOptions struct {
	// Experiment restricts the list to one experiment's runs ("" for all).
	Experiment string
	Out        string
	JSON       bool
}

// RunEntry is one past run in `poc runs --json`.
type RunEntry struct {
	Experiment string           `json:"experiment"`
	RunID      string           `json:"run_id"`
	Dir        string           `json:"dir"`
	Started    time.Time        `json:"started"`
	Status     results.Status   `json:"status"`
	Verdict    results.Decision `json:"verdict,omitempty"`
	// DataSHA256 is the dataset's hash; FileSHA256 the experiment file's;
	// CriteriaHash a hash of the criteria as judged (name, metric,
	// pipeline, kind, baseline, threshold, must), which changes when the
	// success criteria do — a change after a result was seen shows here.
	DataSHA256   string `json:"data_sha256"`
	FileSHA256   string `json:"file_sha256"`
	CriteriaHash string `json:"criteria_hash,omitempty"`
}

func newRunsCmd(io IO) *cobra.Command {
	opts := &RunsOptions{}
	cmd := &cobra.Command{
		Use:   "runs [EXPERIMENT]",
		Short: "List the past runs under the output folder: time, status, verdict, data and criteria hashes",
		Long: `List the runs under --out (default results/), oldest first, of every experiment
or of the one named (its name: line, the folder under --out): when each started,
its status and verdict, and short hashes of the dataset, of the experiment file
and of the criteria as judged. A hash that changes between runs on the same
data says the file or its success criteria changed.`,
		Example: "  poc runs\n  poc runs card-fraud-screening --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Experiment = args[0]
			}
			return listRuns(io, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "results", "the output folder the runs were written under")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the list as JSON")
	return cmd
}

// pastRuns are the run folders under out (of experiment, when not ""),
// oldest first; a folder without a readable manifest is skipped.
func pastRuns(out, experiment string) ([]RunEntry, error) {
	pattern := filepath.Join(out, "*", "*")
	if experiment != "" {
		pattern = filepath.Join(out, experiment, "*")
	}
	found, err := history.Runs(pattern)
	if err != nil {
		return nil, err
	}
	var runs []RunEntry
	for _, r := range found {
		man := r.Manifest
		e := RunEntry{Experiment: man.Experiment.Name, RunID: man.RunID, Dir: r.Dir, Started: man.Started, Status: man.Status,
			DataSHA256: man.Dataset.SHA256, FileSHA256: man.Experiment.SHA256}
		if r.Verdict != nil {
			e.Verdict, e.CriteriaHash = r.Verdict.Verdict, history.CriteriaHash(r.Verdict.Criteria)
		}
		runs = append(runs, e)
	}
	return runs, nil
}

func listRuns(io IO, opts *RunsOptions) error {
	runs, err := pastRuns(opts.Out, opts.Experiment)
	if err != nil {
		return err
	}
	if opts.JSON {
		if runs == nil {
			runs = []RunEntry{}
		}
		return writeJSON(io.Out, runs, "write run list")
	}
	if len(runs) == 0 {
		where := opts.Out
		if opts.Experiment != "" {
			where = filepath.Join(opts.Out, opts.Experiment)
		}
		hint := ""
		if opts.Experiment != "" {
			var names []string
			if all, err := pastRuns(opts.Out, ""); err == nil {
				for _, r := range all {
					if !slices.Contains(names, r.Experiment) {
						names = append(names, r.Experiment)
					}
				}
			}
			if s := closestType(opts.Experiment, names); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(names) > 0 {
				hint = " (experiments with runs there: " + strings.Join(names, ", ") + ")"
			}
		}
		fmt.Fprintf(io.Out, "no runs under %s%s\n", where, hint)
		return nil
	}
	short := func(h string) string { return h[:min(len(h), 12)] }
	w := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STARTED (UTC)\tEXPERIMENT\tRUN\tSTATUS\tVERDICT\tDATA\tFILE\tCRITERIA")
	for _, r := range runs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Started.UTC().Format(time.DateTime), r.Experiment, r.RunID, r.Status,
			cmp.Or(string(r.Verdict), "-"), short(r.DataSHA256), short(r.FileSHA256), cmp.Or(short(r.CriteriaHash), "-"))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write run list: %w", err)
	}
	return nil
}
