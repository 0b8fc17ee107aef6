package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/history"
	"github.com/poc-harness/poc/internal/results"
	"github.com/spf13/cobra"
)

func newCompareCmd(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "compare RUN_A RUN_B",
		Short: "Show what changed between two runs: data, file, criteria, verdict and each criterion",
		Long: `Show what changed between two finished runs: whether they read the same data
and the same experiment file, which criteria were added, removed or moved (a
threshold that changed after a result was seen shows here), the verdicts, and
each criterion's status and estimate with its interval in both.`,
		Example: "  poc compare results/card-fraud-screening/20261201T100000Z results/card-fraud-screening/latest",
		Args:    exactArgs(2, "two run folders"),
		RunE: func(_ *cobra.Command, args []string) error {
			for _, dir := range args {
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					return usageError{fmt.Errorf("%s is not a run folder: no such folder (poc runs lists them)", dir)}
				}
			}
			a, err := results.Load(args[0])
			if err != nil {
				return err
			}
			b, err := results.Load(args[1])
			if err != nil {
				return err
			}
			return compareRuns(io.Out, a, b)
		},
	}
}

// compareRuns writes what changed from run a to run b.
func compareRuns(w io.Writer, a, b *results.Run) error {
	ma, mb := a.Manifest, b.Manifest
	fmt.Fprintf(w, "A  %s  %s  %s  %s\n", ma.RunID, ma.Started.UTC().Format(time.DateTime+" UTC"), ma.Experiment.Name, a.Verdict.Verdict)
	fmt.Fprintf(w, "B  %s  %s  %s  %s\n\n", mb.RunID, mb.Started.UTC().Format(time.DateTime+" UTC"), mb.Experiment.Name, b.Verdict.Verdict)
	if ma.Experiment.Name != mb.Experiment.Name {
		fmt.Fprintf(w, "note: these are runs of two experiments, %s and %s: what follows compares their files, not one experiment's runs\n\n",
			ma.Experiment.Name, mb.Experiment.Name)
	}
	same := func(x, y string) string {
		if x == y {
			return "the same (" + x[:min(12, len(x))] + ")"
		}
		return fmt.Sprintf("changed (A %s, B %s)", x[:min(12, len(x))], y[:min(12, len(y))])
	}
	fmt.Fprintf(w, "data:     %s; %s records in A, %s in B\n", same(ma.Dataset.SHA256, mb.Dataset.SHA256),
		format.Group(int64(ma.Dataset.Records)), format.Group(int64(mb.Dataset.Records)))
	fmt.Fprintf(w, "file:     %s\n", same(ma.Experiment.SHA256, mb.Experiment.SHA256))
	pairs := history.PairCriteria(a.Verdict.Criteria, b.Verdict.Criteria)
	changes := history.CriteriaChanges(pairs)
	if len(changes) == 0 {
		fmt.Fprintln(w, "criteria: the same")
	} else {
		fmt.Fprintln(w, "criteria: changed —")
		for _, c := range changes {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
	verdict := fmt.Sprintf("%s in both", a.Verdict.Verdict)
	if a.Verdict.Verdict != b.Verdict.Verdict {
		verdict = fmt.Sprintf("%s → %s", a.Verdict.Verdict, b.Verdict.Verdict)
	}
	fmt.Fprintf(w, "verdict:  %s\n\n", verdict)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CRITERION\tA\tB")
	for _, p := range pairs {
		cell := func(j *results.Judgement) string {
			if j == nil {
				return "—"
			}
			return strings.ToUpper(string(j.Status)) + " " + criterionText(*j)
		}
		j := p.A
		if j == nil {
			j = p.B
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", format.CriterionName(j.Name, j.Metric), cell(p.A), cell(p.B))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}
