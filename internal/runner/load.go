package runner

import (
	"fmt"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/spec"

	// The built-in pipeline types register themselves.
	_ "github.com/poc-harness/poc/baselines"
)

// LoadOptions are the spec loader's options wired to the real datasets.
func LoadOptions() spec.LoadOptions {
	return spec.LoadOptions{
		ReadColumns: readColumns,
		CheckFilter: datasets.CompileFilter,
	}
}

// Load reads and validates an experiment file against its dataset.
func Load(path string) (*spec.Experiment, error) {
	return spec.Load(path, LoadOptions())
}

func readColumns(path, format string) ([]string, error) {
	s, err := datasets.Open(path, datasets.Options{Format: format})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cols := s.Columns()
	if len(cols) == 0 {
		return nil, fmt.Errorf("the dataset has no columns")
	}
	return cols, nil
}
