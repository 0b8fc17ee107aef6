package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/poc-harness/poc/internal/format"
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
	same := func(x, y string) string {
		if x == y {
			return "the same (" + x[:min(12, len(x))] + ")"
		}
		return fmt.Sprintf("changed (A %s, B %s)", x[:min(12, len(x))], y[:min(12, len(y))])
	}
	fmt.Fprintf(w, "data:     %s; %s records in A, %s in B\n", same(ma.Dataset.SHA256, mb.Dataset.SHA256),
		format.Group(int64(ma.Dataset.Records)), format.Group(int64(mb.Dataset.Records)))
	fmt.Fprintf(w, "file:     %s\n", same(ma.Experiment.SHA256, mb.Experiment.SHA256))
	pairs := pairCriteria(a.Verdict.Criteria, b.Verdict.Criteria)
	changes := criteriaChanges(pairs)
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
		j := p.a
		if j == nil {
			j = p.b
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", format.CriterionName(j.Name, j.Metric), cell(p.a), cell(p.b))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

// criterionPair is a criterion of run a and the same criterion of run b
// (nil where a run lacks it).
type criterionPair struct{ a, b *results.Judgement }

// pairCriteria pairs the criteria of a and b: by name, then — a name made
// from the threshold changes with it — what is left by metric, pipeline,
// kind and baseline, in order; then each left alone.
func pairCriteria(a, b []results.Judgement) []criterionPair {
	usedB := make([]bool, len(b))
	pairs := make([]criterionPair, len(a))
	for i := range a {
		pairs[i].a = &a[i]
		for k := range b {
			if !usedB[k] && b[k].Name == a[i].Name {
				pairs[i].b, usedB[k] = &b[k], true
				break
			}
		}
	}
	for i := range pairs {
		if pairs[i].b != nil {
			continue
		}
		ja := pairs[i].a
		for k := range b {
			if jb := &b[k]; !usedB[k] && jb.Metric == ja.Metric && jb.Pipeline == ja.Pipeline && jb.Kind == ja.Kind && jb.Baseline == ja.Baseline {
				pairs[i].b, usedB[k] = jb, true
				break
			}
		}
	}
	for k := range b {
		if !usedB[k] {
			pairs = append(pairs, criterionPair{b: &b[k]})
		}
	}
	return pairs
}

// criteriaChanges lists the criteria added, removed or changed (in what
// decides them) from a to b.
func criteriaChanges(pairs []criterionPair) []string {
	var out []string
	for _, p := range pairs {
		ja, jb := p.a, p.b
		switch {
		case jb == nil:
			out = append(out, "removed: "+ja.Name)
		case ja == nil:
			out = append(out, "added: "+jb.Name)
		default:
			var diffs []string
			show := format.Value[results.Number]
			if ja.Kind.Comparison() {
				show = format.Diff[results.Number]
			}
			if ja.Threshold != jb.Threshold || ja.Sense != jb.Sense {
				diffs = append(diffs, fmt.Sprintf("required %s %s → %s %s", ja.Sense, show(ja.Threshold, ja.Unit), jb.Sense, show(jb.Threshold, jb.Unit)))
			}
			if ja.Must != jb.Must {
				diffs = append(diffs, fmt.Sprintf("must %v → %v", ja.Must, jb.Must))
			}
			if ja.Name != jb.Name && len(diffs) == 0 {
				diffs = append(diffs, fmt.Sprintf("renamed %q", jb.Name))
			}
			if len(diffs) > 0 {
				out = append(out, "changed: "+ja.Name+": "+strings.Join(diffs, "; "))
			}
		}
	}
	return out
}
