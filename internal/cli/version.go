package cli

import (
	"fmt"
	"runtime"

	"github.com/poc-harness/poc/internal/runner"
	"github.com/spf13/cobra"
)

func newVersionCmd(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print poc's version",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(io.Out, "poc %s (%s, %s/%s)\n", runner.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
