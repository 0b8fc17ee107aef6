package learn

import (
	"context"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// sliceReader is an in-memory datasets.Reader.
type sliceReader struct {
	cols []string
	recs []datasets.Record
	i    int
}

func (r *sliceReader) Columns() []string { return r.cols }
func (r *sliceReader) Close() error      { return nil }
func (r *sliceReader) Next() (datasets.Record, error) {
	if r.i >= len(r.recs) {
		return datasets.Record{}, io.EOF
	}
	r.i++
	return r.recs[r.i-1], nil
}

// memData returns training data whose replay (and every file) is recs.
//
// The training file and the replay hold the same values but differ in an
// "_origin" column. The learner still refuses such a file where the
// model's columns tell the records apart (a copy with another column
// changed is the same records): a test that fits on a file of recs and
// compares the model's coefficients uses memFile.
func memData(cols []string, recs []datasets.Record, label, positive string) pipeline.TrainingData {
	origin := func(o string) func() (datasets.Reader, error) {
		marked := make([]datasets.Record, len(recs))
		for i, r := range recs {
			f := maps.Clone(r.Fields)
			f["_origin"] = o
			marked[i] = datasets.Record{Seq: r.Seq, Line: r.Line, Fields: f}
		}
		c := append(slices.Clone(cols), "_origin")
		return func() (datasets.Reader, error) { return &sliceReader{cols: c, recs: marked}, nil }
	}
	replay, file := origin("replay"), origin("file")
	return pipeline.TrainingData{
		Replay: replay, All: replay,
		Open:  func(string) (datasets.Reader, error) { return file() },
		Label: label, Positive: positive,
	}
}

// memFile returns training data whose training file is recs and whose
// replay is empty: a test that fits on recs from a file, with nothing
// replayed for the learner's checks to compare.
func memFile(cols []string, recs []datasets.Record, label, positive string) pipeline.TrainingData {
	empty := func() (datasets.Reader, error) { return &sliceReader{cols: cols}, nil }
	return pipeline.TrainingData{
		Replay: empty, All: empty,
		Open:  func(string) (datasets.Reader, error) { return &sliceReader{cols: cols, recs: recs}, nil },
		Label: label, Positive: positive,
	}
}

// sharedData returns the folder of a shared dataset, or skips the test.
func sharedData(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared dataset %s not found at %s (the acceptance data lives outside the repository): %v", name, dir, err)
	}
	return dir
}

// fileData trains on the dataset file at path, read through datasets.Open.
func fileData(path, label, positive string) pipeline.TrainingData {
	open := func() (datasets.Reader, error) { return datasets.Open(path, datasets.Options{}) }
	return pipeline.TrainingData{
		Replay: open, All: open,
		Open: func(p string) (datasets.Reader, error) {
			return datasets.Open(filepath.Join(filepath.Dir(path), p), datasets.Options{})
		},
		Label: label, Positive: positive,
	}
}

// build builds a spec and fails the test on error.
func build(t testing.TB, s *Spec, env pipeline.Env) *Learner {
	t.Helper()
	p, err := s.Build(env)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p.(*Learner)
}

// readAll reads every record of a dataset file.
func readAll(t testing.TB, path string) ([]string, []datasets.Record) {
	t.Helper()
	r, err := datasets.Open(path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []datasets.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return r.Columns(), recs
}

// predictAll predicts every record.
func predictAll(t testing.TB, l *Learner, recs []datasets.Record) []pipeline.Output {
	t.Helper()
	out := make([]pipeline.Output, len(recs))
	for i, rec := range recs {
		o, err := l.Predict(context.Background(), rec)
		if err != nil {
			t.Fatalf("Predict record %d: %v", rec.Seq, err)
		}
		out[i] = o
	}
	return out
}

func ptr[T any](v T) *T { return &v }
