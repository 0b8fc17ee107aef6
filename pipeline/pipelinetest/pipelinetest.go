// Package pipelinetest holds fakes for tests of code that runs pipelines.
//
// It imports datasets and pipeline only.
package pipelinetest

import (
	"context"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// Func is a pipeline made from a function.
type Func func(ctx context.Context, rec datasets.Record) (pipeline.Output, error)

var _ pipeline.Pipeline = Func(nil)

// Predict calls f.
func (f Func) Predict(ctx context.Context, rec datasets.Record) (pipeline.Output, error) {
	return f(ctx, rec)
}

// Echo returns a pipeline whose label is the record's value in column.
func Echo(column string) Func {
	return func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		return pipeline.Output{Label: rec.String(column)}, nil
	}
}

// SliceReader is a datasets.Reader over records held in memory; it numbers
// them by position as datasets.Open does.
type SliceReader struct {
	Cols    []string
	Records []datasets.Record
	next    int
}

var _ datasets.Reader = (*SliceReader)(nil)

// Columns returns Cols.
func (r *SliceReader) Columns() []string { return r.Cols }

// Next returns the next record, with Seq set, or io.EOF.
func (r *SliceReader) Next() (datasets.Record, error) {
	if r.next >= len(r.Records) {
		return datasets.Record{}, eof
	}
	rec := r.Records[r.next]
	rec.Seq = r.next
	r.next++
	return rec, nil
}

// Close does nothing.
func (r *SliceReader) Close() error { return nil }
