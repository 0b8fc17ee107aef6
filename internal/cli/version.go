package cli

import (
	"fmt"
	"runtime"

	"github.com/poc-harness/poc/internal/runner"
	"github.com/spf13/cobra"
)

// versionLine is what `poc version` and `poc --version` print.
func versionLine() string {
	return fmt.Sprintf("poc %s (%s, %s/%s)\n", runner.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print poc's version (also poc --version)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprint(io.Out, versionLine())
			return err
		},
	}
}
