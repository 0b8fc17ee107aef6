package history

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/poc-harness/poc/internal/results"
)

// Run is what a run folder says of itself: its manifest and, once the run
// is finished, its verdict (nil before).
type Run struct {
	Dir      string
	Manifest results.Manifest
	Verdict  *results.Verdict
}

// Read reads the run folder dir; ok is false when it is no run folder (no
// readable manifest, or the `latest` link to one).
func Read(dir string) (r Run, ok bool) {
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return r, false
	}
	r.Dir = dir
	if readJSON(filepath.Join(dir, results.ManifestFile), &r.Manifest) != nil {
		return r, false
	}
	var v results.Verdict
	if readJSON(filepath.Join(dir, results.VerdictFile), &v) == nil {
		r.Verdict = &v
	}
	return r, true
}

// Runs reads the run folders matched by pattern (filepath.Glob's, of
// folders: out/*/* for every experiment's, out/NAME/* for one's), oldest
// first; what is no run folder is left out.
func Runs(pattern string) ([]Run, error) {
	dirs, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var runs []Run
	for _, d := range dirs {
		if r, ok := Read(d); ok {
			runs = append(runs, r)
		}
	}
	slices.SortStableFunc(runs, func(a, b Run) int {
		if c := a.Manifest.Started.Compare(b.Manifest.Started); c != 0 {
			return c
		}
		return strings.Compare(a.Dir, b.Dir)
	})
	return runs, nil
}

// readJSON decodes the JSON file at path into v.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
