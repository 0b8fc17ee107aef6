package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/pipeline"
	"github.com/spf13/cobra"
)

// loadSettings are the flags every command that loads an experiment shares
// (run, validate, plan); NewRootCmd binds them, and loadWith reads them.
type loadSettings struct {
	// confine refuses programs and files outside the experiment's folder
	// (--confine), whatever the file says.
	confine bool
}

// addLoadFlags binds the flags of loadSettings to cmd.
func addLoadFlags(cmd *cobra.Command, s *loadSettings) {
	cmd.Flags().BoolVar(&s.confine, "confine", false,
		"refuse any program and any file outside the experiment's folder (as `confine: true` in the file)")
}

// printReach prints what a run of exp will start, read, send records to and
// write, each with who does:
//
//	This run will start 1 program, read 2 files and send records to 1 destination:
//	  program  python3 score.py --model m.pkl          pipeline scorer
//	  read     /abs/path/data.csv                       dataset
//	  send     https://api.openai.com/v1                pipeline triage, metric judge
//	  write    /home/me/.cache/poc                      response cache
func printReach(w io.Writer, exp *spec.Experiment) {
	r := exp.Reach()
	fmt.Fprintln(w, reachSummary(r, exp.Confine))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	rows := func(verb string, list []pipeline.Access) {
		for _, a := range list {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", verb, a.Target, strings.Join(a.By, ", "))
		}
	}
	rows("program", r.Programs)
	rows("read", r.Files)
	rows("send", r.URLs)
	rows("write", r.Writes)
	tw.Flush()
}

// reachSummary is the sentence above the list: "This run will start 1
// program, read 2 files and send records to 1 destination:".
func reachSummary(r pipeline.Reach, confined bool) string {
	var parts []string
	switch n := len(r.Programs); n {
	case 0:
		parts = append(parts, "start no program")
	default:
		parts = append(parts, fmt.Sprintf("start %d program%s", n, plural(n)))
	}
	n := len(r.Files)
	parts = append(parts, fmt.Sprintf("read %d file%s", n, plural(n)))
	switch n := len(r.URLs); n {
	case 0:
		parts = append(parts, "send nothing over the network")
	default:
		parts = append(parts, fmt.Sprintf("send records to %d destination%s", n, plural(n)))
	}
	if len(r.Writes) > 0 {
		parts = append(parts, "keep the answers in the response cache")
	}
	s := "This run will " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	if confined {
		s += ", all inside the experiment's folder (confined)"
	}
	return s + ":"
}
