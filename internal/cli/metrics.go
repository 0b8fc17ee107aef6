package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/poc-harness/poc/metrics"
	"github.com/spf13/cobra"
)

// MetricsOptions are the inputs of `poc metrics`.
type MetricsOptions struct {
	// JSON prints the list as JSON instead of a table.
	JSON bool
}

func newMetricsCmd(io IO) *cobra.Command {
	opts := &MetricsOptions{}
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "List the metric types an experiment file can use",
		Long: `List every registered metric type with the way it improves (higher or lower
is better), the pipeline outputs it reads (label, score, text, fields, or any)
and what it measures. Use a type as a bare name in the experiment's metrics:
list, or as {name: ..., type: ...} with its keys (see metrics/README.md).`,
		Example: "  poc metrics\n  poc metrics --json",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			return listMetrics(io, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the list as JSON")
	return cmd
}

// metricInfo is one metric type in `poc metrics --json`.
type metricInfo struct {
	Type      string   `json:"type"`
	Direction string   `json:"direction"`
	Accepts   []string `json:"accepts"`
	Doc       string   `json:"doc"`
}

func listMetrics(io IO, opts *MetricsOptions) error {
	infos := metrics.Types()
	if opts.JSON {
		list := make([]metricInfo, len(infos))
		for i, info := range infos {
			list[i] = metricInfo{Type: info.Type, Direction: info.Direction.String(), Accepts: info.Accepts, Doc: info.Doc}
		}
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return fmt.Errorf("write metric list: %w", err)
		}
		return nil
	}
	w := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TYPE\tBETTER\tACCEPTS\tDESCRIPTION")
	for _, info := range infos {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", info.Type, info.Direction, strings.Join(info.Accepts, ","), info.Doc)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write metric list: %w", err)
	}
	return nil
}
