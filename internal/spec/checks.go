package spec

import (
	"go.yaml.in/yaml/v3"

	"github.com/poc-harness/poc/datasets"
)

// CheckSeverity says what a data check that finds something does to a run.
type CheckSeverity string

// The severities of a data check.
const (
	// CheckError refuses the run (and fails validate) with the finding.
	CheckError CheckSeverity = "error"
	// CheckWarn reports the finding on the console and in the report;
	// the run goes ahead. It is every check's default.
	CheckWarn CheckSeverity = "warn"
	// CheckOff skips the check.
	CheckOff CheckSeverity = "off"
)

// dataChecks decodes dataset.checks, a mapping of check names to
// severities (`{duplicate_ids: error, empty_labels: off}`), over the
// default of warn for every check.
func (l *loader) dataChecks(n *yaml.Node, ds *Dataset) {
	ds.Checks = map[datasets.Check]CheckSeverity{}
	names := make([]string, len(datasets.Checks))
	for i, c := range datasets.Checks {
		names[i] = string(c)
		ds.Checks[c] = CheckWarn
	}
	if isNull(n) {
		return
	}
	f := l.mapping(n, "dataset.checks", names)
	if f == nil {
		return
	}
	for _, c := range datasets.Checks {
		if s, ok := f.oneOf(string(c), []string{string(CheckError), string(CheckWarn), string(CheckOff)}); ok {
			ds.Checks[c] = CheckSeverity(s)
		}
	}
}
