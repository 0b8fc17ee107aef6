package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/poc-harness/poc/internal/format"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/internal/runner"
	"github.com/spf13/cobra"
)

// PlanOptions are the inputs of `poc plan`.
type PlanOptions struct {
	File string
}

func newPlanCmd(io IO, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{}
	return &cobra.Command{
		Use:   "plan FILE",
		Short: "Estimate what a run would cost and how long it would take, calling nothing",
		Long: `Count the records the run would replay and, for every pipeline that calls a
paid service (LLM, HTTP model), estimate the input tokens with an offline
tokenizer, the output tokens, the cost, the cost projected over the use case's
yearly volume and the wall time at the configured concurrency and rate limits.
No API is called and no key is needed.`,
		Example: `  poc plan experiments/support-triage.yaml`,
		Args:    exactArgs(1, "one experiment file"),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return plan(io, opts)
		},
	}
}

func plan(io IO, opts *PlanOptions) error {
	exp, err := load(io, opts.File)
	if err != nil {
		return err
	}
	p, err := runner.MakePlan(exp)
	if err != nil {
		return err
	}
	cur := p.Currency
	fmt.Fprintf(io.Out, "poc plan %s: %s records to replay\n\n", exp.Name, format.Group(int64(p.Records)))
	tw := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pipeline\trole\ttype\tinput tokens\toutput tokens\tcost\tper record\tper year\twall time")
	for _, pp := range p.Pipelines {
		if !pp.Paid {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\tno calls\t-\t-\t-\n", pp.Name, pp.Role, pp.Type)
			continue
		}
		perYear := "-"
		if p.VolumePerYear > 0 {
			perYear = format.Value(results.Number(pp.YearlyCost), cur)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pp.Name, pp.Role, pp.Type,
			format.Group(pp.InputTokens), format.Group(pp.OutputTokens),
			format.Value(results.Number(pp.Cost), cur), format.Value(results.Number(pp.PerRecord), cur),
			perYear, roundDuration(pp.Wall))
	}
	tw.Flush()
	fmt.Fprintf(io.Out, "\nTotal: about %s, %s of wall time", format.Value(results.Number(p.Cost), cur), roundDuration(p.Wall))
	var limits []string
	for _, pp := range p.Pipelines {
		if pp.Limit != "" {
			limits = append(limits, fmt.Sprintf("%s: %s", pp.Name, pp.Limit))
		}
	}
	if len(limits) > 0 {
		fmt.Fprintf(io.Out, " (%s)", strings.Join(limits, "; "))
	}
	fmt.Fprintln(io.Out)
	switch {
	case p.BudgetRecords > 0:
		fmt.Fprintf(io.Out, "Budget: max_cost %s pays for about %s of the %s records; the run would stop there (resumable).\n",
			format.Value(results.Number(p.MaxCost), cur), format.Group(int64(p.BudgetRecords)), format.Group(int64(p.Records)))
	case p.MaxCost > 0:
		fmt.Fprintf(io.Out, "Budget: max_cost %s covers the run.\n", format.Value(results.Number(p.MaxCost), cur))
	}
	fmt.Fprintln(io.Out, "Cached answers cost nothing: a rerun of a finished experiment is free.")
	fmt.Fprintln(io.Out)
	printReach(io.Out, exp)
	for _, w := range p.Warnings {
		fmt.Fprintf(io.Err, "warning: %s\n", w)
	}
	return nil
}

func roundDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}
