package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/pipelinetest"
)

// recyclingReader gives out records in maps it takes back: a map handed
// back is poisoned (every value replaced) before it is reused, so that any
// use of a record's fields after the replay recycled them changes what the
// replay computes.
type recyclingReader struct {
	src      *pipelinetest.SliceReader
	mu       sync.Mutex
	free     []map[string]any
	recycled int
}

func (r *recyclingReader) Columns() []string { return r.src.Columns() }
func (r *recyclingReader) Close() error      { return nil }

func (r *recyclingReader) Next() (datasets.Record, error) {
	rec, err := r.src.Next()
	if err != nil {
		return rec, err
	}
	r.mu.Lock()
	var m map[string]any
	if k := len(r.free); k > 0 {
		m, r.free = r.free[k-1], r.free[:k-1]
	}
	r.mu.Unlock()
	if m == nil {
		m = map[string]any{}
	}
	clear(m)
	maps.Copy(m, rec.Fields)
	rec.Fields = m
	return rec, nil
}

func (r *recyclingReader) Recycle(fields []map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range fields {
		for k := range m {
			m[k] = "poisoned"
		}
		r.free = append(r.free, m)
		r.recycled++
	}
}

// The replay hands back each record's fields once it is written, and what
// it computes — journal, columns, metrics, kept columns — is the same as
// with a reader that makes a map per record, fresh or resumed.
func TestReplayRecyclesWrittenRecords(t *testing.T) {
	source := func() *pipelinetest.SliceReader {
		r := &pipelinetest.SliceReader{Cols: []string{"id", "y", "amount", "at", "country"}}
		for i := range 500 {
			r.Records = append(r.Records, datasets.Record{Fields: map[string]any{"id": fmt.Sprintf("R%03d", i), "y": float64(i % 3 % 2),
				"amount": float64(i), "at": fmt.Sprintf("2026-%02d-04T10:00:00Z", 1+i%12), "country": []string{"DE", "FR", "IT"}[i%3]}})
		}
		return r
	}
	// Each pipeline gives its latency, so that the journals can be compared
	// byte for byte.
	pipes := []Pipe{{"echo", pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		return pipeline.Output{Label: rec.String("y"), Latency: time.Millisecond}, nil
	})}, {"flag-big", pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		a, _ := datasets.ToFloat(rec.Fields["amount"])
		out := pipeline.Output{Label: "0", Score: 0.1, HasScore: true, Cost: a / 1000, Latency: time.Duration(a+1) * time.Microsecond}
		if a > 250 {
			out.Label, out.Score = "1", a/500
		}
		return out, nil
	})}}
	prior := func(seq int) ([]pipeline.Prediction, bool) {
		if seq >= 120 {
			return nil, false
		}
		return []pipeline.Prediction{{Pipeline: "echo", Seq: seq, Output: pipeline.Output{Label: "0"}},
			{Pipeline: "flag-big", Seq: seq, Output: pipeline.Output{Label: "0"}}}, true
	}
	for _, tc := range []struct {
		name    string
		workers int
		prior   func(int) ([]pipeline.Prediction, bool)
	}{{"one worker", 1, nil}, {"six workers", 6, nil}, {"resumed", 3, prior}} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(r datasets.Reader) (*Result, string) {
				var journal bytes.Buffer
				mets := []metrics.Metric{metric(t, "accuracy"), metric(t, "recall"), metric(t, "cost_total")}
				res, err := Replay(context.Background(), r, pipes, mets, Options{Concurrency: tc.workers, BatchSize: 16, Label: "y", ID: "id",
					Time: "at", Segments: []string{"country"}, Keep: []string{"amount"}, Journal: &journal, Prior: tc.prior, Journaled: 60})
				if err != nil {
					t.Fatal(err)
				}
				return res, journal.String()
			}
			want, wantJournal := run(source())
			rr := &recyclingReader{src: source()}
			got, gotJournal := run(rr)
			if rr.recycled < 400 {
				t.Errorf("the replay handed back %d of 500 records' fields, want nearly all", rr.recycled)
			}
			if gotJournal != wantJournal {
				t.Error("the journal differs when the fields are recycled")
			}
			for p := range pipes {
				if !got.Predictions.Pipelines[p].Equal(want.Predictions.Pipelines[p]) {
					t.Errorf("%s: the collected columns differ", pipes[p].Name)
				}
				for m := range got.Accumulators[p] {
					if g, w := got.Accumulators[p][m].Result(), want.Accumulators[p][m].Result(); !reflect.DeepEqual(g, w) {
						t.Errorf("%s metric %d: %+v, want %+v", pipes[p].Name, m, g, w)
					}
				}
			}
			if !got.Predictions.RecordsEqual(want.Predictions) {
				t.Error("the record columns differ")
			}
			for i := range want.Kept["amount"].Len() {
				if got.Kept["amount"].At(i) != want.Kept["amount"].At(i) {
					t.Fatalf("kept amount of record %d = %v, want %v", i, got.Kept["amount"].At(i), want.Kept["amount"].At(i))
				}
			}
		})
	}
}

var _ io.Closer = (*recyclingReader)(nil)
