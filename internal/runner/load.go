package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/internal/spec"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm" // registers llm too; builds the llm_judge's model
	"github.com/poc-harness/poc/pipeline/redact"

	// The built-in pipeline types register themselves.
	_ "github.com/poc-harness/poc/baselines"
	_ "github.com/poc-harness/poc/baselines/learn"
	_ "github.com/poc-harness/poc/pipeline/exec"
	_ "github.com/poc-harness/poc/pipeline/httpmodel"
)

// Session holds what an experiment is loaded with beyond the file: the
// response cache and the pseudonymiser, whose counts go into the manifest.
type Session struct {
	// Cache is the response cache (nil with --no-cache).
	Cache pipeline.Cache
	// CacheDir is the cache's folder, for the manifest ("" when off).
	CacheDir string
	// Replaced returns how many values were pseudonymised, by kind (nil
	// until an experiment with pseudonymisation is loaded).
	Replaced func() map[string]int
}

// NewSession opens the response cache in dir ("" for the default folder:
// $POC_CACHE_DIR or the user's cache folder), or none when disabled.
func NewSession(dir string, disabled bool) (*Session, error) {
	if disabled {
		return &Session{}, nil
	}
	if dir == "" {
		d, err := cache.DefaultDir()
		if err != nil {
			// No home folder (a bare CI container): a cache in the
			// temporary folder still makes reruns on this machine free.
			d = filepath.Join(os.TempDir(), "poc-cache")
		}
		dir = d
	}
	c, err := cache.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("response cache: %w", err)
	}
	return &Session{Cache: c, CacheDir: dir}, nil
}

// LoadOptions are the spec loader's options wired to the real datasets,
// the session's cache and the pseudonymiser.
func (s *Session) LoadOptions() spec.LoadOptions {
	return spec.LoadOptions{
		ReadColumns: readColumns,
		ReadData:    readData,
		ColumnKinds: columnKinds,
		CheckFilter: datasets.CompileFilter,
		Cache:       s.Cache,
		NewGrader:   newGrader,
		NewPrivacy: func(detectors []string, patterns []spec.Pattern) (pipeline.Privacy, error) {
			cfg := redact.Config{Detectors: detectors}
			for _, p := range patterns {
				cfg.Patterns = append(cfg.Patterns, redact.Pattern{Name: p.Name, Regex: p.Regex})
			}
			r, err := redact.New(cfg)
			if err != nil {
				return nil, err
			}
			s.Replaced = r.Counts
			return r, nil
		},
	}
}

var _ metrics.Grader = (*llm.LLM)(nil)

// newGrader builds an llm_judge's model as an llm pipeline.
func newGrader(r metrics.GraderRequest) (metrics.Grader, error) {
	g, err := llm.NewGrader(r.Model, r.System, r.Prompt, r.Env)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Load reads and validates an experiment file against its dataset.
func (s *Session) Load(path string) (*spec.Experiment, error) {
	return spec.Load(path, s.LoadOptions())
}

// Load reads and validates an experiment file without a cache.
func Load(path string) (*spec.Experiment, error) {
	return (&Session{}).Load(path)
}

// readData reads the records the filter keeps once, with the declared
// column types as the run reads them: it counts the label's values and runs
// the data checks.
func readData(ds spec.Dataset) (spec.DataRead, error) {
	opt := datasets.Options{Format: ds.Format, Filter: ds.Filter, SkipBadRows: ds.SkipBadRows, Types: ds.Types,
		Derive: derived(ds), Limits: limits(ds)}
	read, err := scanData(context.Background(), ds, opt)
	if err != nil && ds.Filter != "" {
		// Without the filter, does every record read? Then the filter is
		// what fails on the data.
		opt.Filter = ""
		if _, cerr := scanData(context.Background(), ds, opt); cerr == nil {
			return spec.DataRead{}, fmt.Errorf("%w: %w", spec.ErrFilter, err)
		}
	}
	return read, err
}

// columnKinds is what kind of value each column holds, as a run reads it:
// a CSV or TSV column's type over the whole file (one cached scan), and
// every declared type over that. JSONL and Parquet columns are known only
// when declared.
func columnKinds(ds spec.Dataset) map[string]string {
	kinds := map[string]string{}
	if name, err := datasets.FormatFor(ds.Path, ds.Format); err == nil && (name == "csv" || name == "tsv") {
		comma := ','
		if name == "tsv" {
			comma = '\t'
		}
		if types, err := datasets.InferCSVTypes(ds.Path, comma); err == nil {
			for c, t := range types {
				kinds[c] = kindOf(t)
			}
		}
	}
	for c, t := range ds.Types {
		kinds[c] = kindOf(t)
	}
	return kinds
}

// kindOf is the kind of value a column type holds ("" for times, which
// conditions compare in their own ways).
func kindOf(t datasets.Type) string {
	switch t {
	case datasets.TypeString, datasets.TypeCategory:
		return fieldexpr.KindText
	case datasets.TypeNumber:
		return fieldexpr.KindNumber
	case datasets.TypeBool:
		return fieldexpr.KindBool
	}
	return ""
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
