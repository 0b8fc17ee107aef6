package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/pipelinetest"
)

func records(n int) *pipelinetest.SliceReader {
	r := &pipelinetest.SliceReader{Cols: []string{"id", "y", "x"}}
	for i := range n {
		r.Records = append(r.Records, datasets.Record{Fields: map[string]any{
			"id": fmt.Sprintf("R%03d", i), "y": float64(i % 2), "x": float64(i),
		}})
	}
	return r
}

func metric(t testing.TB, typ string) metrics.Metric {
	f, ok := metrics.Lookup(typ)
	if !ok {
		t.Fatalf("no metric %q", typ)
	}
	m, err := f().Build(metrics.Env{Name: typ, Positive: "1"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// flaky fails on every record whose x is a multiple of 5, after a jittered
// pause so that workers finish out of order.
var flaky = pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
	x, _ := rec.Float("x")
	time.Sleep(time.Duration(int(x)%3) * 100 * time.Microsecond)
	if int(x)%5 == 0 {
		return pipeline.Output{}, errors.New("endpoint said 503")
	}
	return pipeline.Output{Label: "1", Cost: 0.5}, nil
})

func TestReplayIsOrderedAndCompleteAtAnyConcurrency(t *testing.T) {
	var journals []string
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			var journal bytes.Buffer
			pipes := []Pipe{{"truth-echo", pipelinetest.Echo("y")}, {"flaky", flaky}}
			mets := []metrics.Metric{metric(t, "accuracy"), metric(t, "error_rate"), metric(t, "cost_total")}
			res, err := Replay(context.Background(), records(203), pipes, mets,
				Options{Concurrency: workers, Label: "y", ID: "id", Journal: &journal, BatchSize: 7})
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != 203 || res.Interrupted {
				t.Fatalf("records = %d, interrupted = %v", res.Records, res.Interrupted)
			}
			// x = 0, 5, …, 200: 41 failures of the flaky pipeline, none of the echo.
			if res.Failures[0] != 0 || res.Failures[1] != 41 {
				t.Errorf("failures = %v, want [0 41]", res.Failures)
			}
			if got := res.Accumulators[0][0].Result().Value; got != 1 {
				t.Errorf("echo accuracy = %v, want 1", got)
			}
			if got := res.Accumulators[1][2].Result().Value; got != 0.5*(203-41) {
				t.Errorf("flaky cost_total = %v, want %v", got, 0.5*(203-41))
			}
			if res.LabelCounts["0"] != 102 || res.LabelCounts["1"] != 101 {
				t.Errorf("label counts = %v", res.LabelCounts)
			}
			// Journal: two lines per record, in record order.
			var seqs []int
			err = results.ReadJournal(strings.NewReader(journal.String()), func(e results.Entry) error {
				seqs = append(seqs, e.Seq)
				if e.ID != fmt.Sprintf("R%03d", e.Seq) {
					return fmt.Errorf("seq %d has id %q", e.Seq, e.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range seqs {
				if s != i/2 {
					t.Fatalf("journal line %d has seq %d, want %d", i+1, s, i/2)
				}
			}
			journals = append(journals, stripLatency(t, journal.String()))
		})
	}
	for i := 1; i < len(journals); i++ {
		if journals[i] != journals[0] {
			t.Error("the journal depends on the number of workers")
		}
	}
}

// stripLatency removes the measured latencies, the one field that differs
// between two replays.
func stripLatency(t *testing.T, journal string) string {
	var out strings.Builder
	_ = results.ReadJournal(strings.NewReader(journal), func(e results.Entry) error {
		e.LatencyMS = 0
		b, _ := json.Marshal(e)
		out.Write(b)
		return nil
	})
	return out.String()
}

func TestCancelKeepsAPrefixWithoutGaps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int64
	slow := pipelinetest.Func(func(ctx context.Context, rec datasets.Record) (pipeline.Output, error) {
		if calls.Add(1) == 150 {
			cancel()
		}
		select {
		case <-ctx.Done():
			return pipeline.Output{}, ctx.Err()
		case <-time.After(50 * time.Microsecond):
			return pipeline.Output{Label: "1"}, nil
		}
	})
	var journal bytes.Buffer
	res, err := Replay(ctx, records(10000), []Pipe{{"slow", slow}}, []metrics.Metric{metric(t, "error_rate")},
		Options{Concurrency: 4, Label: "y", Journal: &journal, BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted {
		t.Error("an interrupted replay is not marked so")
	}
	if res.Records == 0 || res.Records >= 10000 {
		t.Fatalf("kept %d records", res.Records)
	}
	if res.Failures[0] != 0 {
		t.Errorf("cancellation was recorded as %d pipeline failures", res.Failures[0])
	}
	n := 0
	_ = results.ReadJournal(&journal, func(e results.Entry) error {
		if e.Seq != n {
			t.Fatalf("journal line %d has seq %d: a gap", n+1, e.Seq)
		}
		n++
		return nil
	})
	if n != res.Records {
		t.Errorf("journal has %d lines, result %d records", n, res.Records)
	}
}

type failingReader struct{ pipelinetest.SliceReader }

func (r *failingReader) Next() (datasets.Record, error) {
	rec, err := r.SliceReader.Next()
	if err == nil && rec.Seq == 30 {
		return rec, &datasets.RowError{File: "x.csv", Line: 32, Err: errors.New("wrong number of fields")}
	}
	return rec, err
}

func TestReadErrorStopsWithWhatFinished(t *testing.T) {
	r := &failingReader{*records(100)}
	res, err := Replay(context.Background(), r, []Pipe{{"echo", pipelinetest.Echo("y")}}, nil, Options{Label: "y", BatchSize: 8})
	if err == nil || !strings.Contains(err.Error(), "x.csv:32") {
		t.Fatalf("err = %v, want the row error", err)
	}
	if res.Records != 30 {
		t.Errorf("records = %d, want the 30 before the bad row", res.Records)
	}
}

// The engine's side of the journal: a prediction written by the replay's
// encoder reads back, through Prediction, as the same prediction.
func TestJournalLineRoundTrip(t *testing.T) {
	preds := []pipeline.Prediction{
		{Seq: 3, RecordID: "T1", Pipeline: "p", Output: pipeline.Output{Label: "1", Score: 0.25, HasScore: true, Cost: 0.001}, Latency: 1500 * time.Microsecond},
		{Seq: 4, RecordID: "quote \" and \n newline <script>", Pipeline: "p", Err: "boom: ünïcode"},
		{Seq: 5, RecordID: "L", Pipeline: "llm", Latency: 2 * time.Second, Output: pipeline.Output{Label: "billing", Text: "t",
			Fields: map[string]any{"k": "v", "n": 2.5}, Raw: `{"label":"billing"}`, Unparseable: true,
			InputTokens: 10, OutputTokens: 3, Cached: true, Attempts: 2}},
	}
	for _, p := range preds {
		journal := appendJournalLine(results.AppendJournalHeader(nil, []string{p.Pipeline}, nil), "1", &p, 0, nil)
		var es []results.Entry
		if err := results.ReadJournal(bytes.NewReader(journal), func(e results.Entry) error { es = append(es, e); return nil }); err != nil || len(es) != 1 {
			t.Fatalf("journal %s reads as %d entries: %v", journal, len(es), err)
		}
		e := es[0]
		if e.Truth != "1" {
			t.Errorf("truth = %q, want 1", e.Truth)
		}
		if got := Prediction(e); !reflect.DeepEqual(got, p) {
			t.Errorf("round trip of\n%+v\ngave\n%+v", p, got)
		}
	}
}

func TestReadResumable(t *testing.T) {
	var full, failing bytes.Buffer
	header := results.AppendJournalHeader(nil, []string{"a", "b"}, nil)
	full.Write(header)
	failing.Write(header)
	for seq := range 3 {
		for i, p := range []string{"a", "b"} {
			pred := pipeline.Prediction{Pipeline: p, Seq: seq, RecordID: fmt.Sprint(seq),
				Output: pipeline.Output{Label: "1", InputTokens: 12, Cached: true, Raw: "billing"}}
			full.Write(appendJournalLine(nil, "1", &pred, i, nil))
			if seq == 1 && p == "b" {
				pred = pipeline.Prediction{Pipeline: p, Seq: seq, RecordID: fmt.Sprint(seq), Err: "HTTP 500"}
			}
			failing.Write(appendJournalLine(nil, "1", &pred, i, nil))
		}
	}
	whole := full.String()
	lines := strings.SplitAfter(whole, "\n") // the header, then two lines a record
	tests := []struct {
		name    string
		journal string
		records int
		keep    int
		length  int
	}{
		{"complete", whole, 3, 3, len(whole)},
		{"torn last line", whole[:len(whole)-7], 2, 2, len(strings.Join(lines[:5], ""))},
		{"record missing a pipeline", strings.Join(lines[:6], ""), 2, 2, len(strings.Join(lines[:5], ""))},
		{"empty", "", 0, 0, 0},
		{"a header alone", string(header), 0, 0, 0},
		// A failure is made again: the journal keeps what precedes it.
		{"failure in record 1", failing.String(), 3, 1, len(strings.Join(lines[:3], ""))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadResumable(strings.NewReader(tc.journal), []string{"a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			preds, n := r.Prior, r.Length
			if len(preds) != tc.records || r.Keep != tc.keep || int(n) != tc.length {
				t.Fatalf("got %d records, keep %d in %d bytes, want %d, %d in %d", len(preds), r.Keep, n, tc.records, tc.keep, tc.length)
			}
			if tc.records > 0 {
				if got := preds[len(preds)-1][1]; got.Pipeline != "b" || got.Seq != len(preds)-1 || !got.Output.Cached || got.Output.InputTokens != 12 || got.Output.Raw != "billing" {
					t.Errorf("round trip lost fields: %+v", got)
				}
			}
		})
	}
}

func TestJournalCarriesTimeAndSegments(t *testing.T) {
	r := &pipelinetest.SliceReader{Cols: []string{"y", "at", "country"}, Records: []datasets.Record{
		{Fields: map[string]any{"y": 1.0, "at": "2026-03-04T10:00:00Z", "country": "DE"}},
		{Fields: map[string]any{"y": 0.0, "at": nil, "country": "F\"R"}},
	}}
	var journal bytes.Buffer
	_, err := Replay(context.Background(), r, []Pipe{{"echo", pipelinetest.Echo("y")}}, nil,
		Options{Label: "y", Time: "at", Segments: []string{"country"}, Journal: &journal})
	if err != nil {
		t.Fatal(err)
	}
	var got []results.Entry
	_ = results.ReadJournal(&journal, func(e results.Entry) error { got = append(got, e); return nil })
	if len(got) != 2 || got[0].Time != "2026-03-04T10:00:00Z" || got[0].Segments["country"] != "DE" ||
		got[1].Time != "" || got[1].Segments["country"] != `F"R` {
		t.Errorf("journal entries %+v", got)
	}
}

// Numbers that make no sense in an output are the record's failure, never
// a value the metrics take.
func TestNonsenseOutputsAreFailures(t *testing.T) {
	cases := []struct {
		name string
		out  pipeline.Output
		want string // "" for no failure
	}{
		{"finite score", pipeline.Output{Label: "1", Score: 0.7, HasScore: true}, ""},
		{"NaN score", pipeline.Output{Label: "1", Score: math.NaN(), HasScore: true}, "the score is NaN"},
		{"infinite score", pipeline.Output{Label: "1", Score: math.Inf(-1), HasScore: true}, "the score is -Inf"},
		{"NaN without a score", pipeline.Output{Label: "1", Score: math.NaN()}, ""},
		{"negative cost", pipeline.Output{Label: "1", Cost: -0.01}, "the cost is -0.01"},
		{"infinite cost", pipeline.Output{Label: "1", Cost: math.Inf(1)}, "the cost is +Inf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := pipelinetest.Func(func(context.Context, datasets.Record) (pipeline.Output, error) { return tc.out, nil })
			res, err := Replay(context.Background(), records(4), []Pipe{{"p", p}}, nil, Options{Label: "y"})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if res.Failures[0] != 0 {
					t.Errorf("%d failures, want none", res.Failures[0])
				}
				return
			}
			if res.Failures[0] != 4 || len(res.FailureExamples[0]) == 0 || !strings.Contains(res.FailureExamples[0][0].Err, tc.want) {
				t.Errorf("failures %d %v, want 4 saying %q", res.Failures[0], res.FailureExamples[0], tc.want)
			}
		})
	}
}

// The columns the replay collects are those a reader of its journal gets,
// at any concurrency and with failures, times and segments: the analysis
// after the replay reads them instead of the journal.
func TestCollectedColumnsAreTheJournals(t *testing.T) {
	r := &pipelinetest.SliceReader{Cols: []string{"id", "y", "x", "at", "country"}}
	for i := range 60 {
		at := any(fmt.Sprintf("2026-%02d-04T10:00:00Z", 1+i%12))
		if i%7 == 0 {
			at = nil
		}
		r.Records = append(r.Records, datasets.Record{Fields: map[string]any{
			"id": fmt.Sprintf("R%03d", i), "y": float64(i % 2), "x": float64(i), "at": at, "country": []string{"DE", "FR", "IT"}[i%3]}})
	}
	for _, workers := range []int{1, 6} {
		var journal bytes.Buffer
		fresh := &pipelinetest.SliceReader{Cols: r.Cols, Records: r.Records}
		res, err := Replay(context.Background(), fresh, []Pipe{{"echo", pipelinetest.Echo("y")}, {"flaky", flaky}}, nil,
			Options{Concurrency: workers, Label: "y", ID: "id", Time: "at", Segments: []string{"country"}, Journal: &journal, Keep: []string{"x"}})
		if err != nil {
			t.Fatal(err)
		}
		if kept := res.Kept["x"]; kept.Len() != 60 || kept.At(0) != 0.0 || kept.At(59) != 59.0 {
			t.Errorf("workers=%d: kept x = %v, want every record's x in replay order", workers, kept)
		}
		want, err := results.DecodePredictions(&journal, results.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := res.Predictions
		if got.Records != 60 || got.Pipeline("flaky") == nil || got.Pipeline("flaky").Err(0) == "" {
			t.Fatalf("workers=%d: collected %d records, flaky %+v", workers, got.Records, got.Pipeline("flaky"))
		}
		for _, pp := range got.Pipelines {
			if !pp.Equal(want.Pipeline(pp.Name)) {
				t.Errorf("workers=%d: %s's columns differ from the journal's:\n%+v\n%+v", workers, pp.Name, *pp, *want.Pipeline(pp.Name))
			}
		}
		if !got.RecordsEqual(want) {
			t.Errorf("workers=%d: record columns differ: %d records; want %d", workers, got.Records, want.Records)
		}
		for seq := range got.Records {
			if got.Time(seq) != want.Time(seq) {
				t.Errorf("workers=%d: record %d's time %q, the journal's %q", workers, seq, got.Time(seq), want.Time(seq))
			}
		}
	}
}

// appendJournalLine appends the journal line of pred, pipeline number pipe
// of the header, (with its newline) to dst as the replay writes a record's
// first line: record holds the record-level fields.
func appendJournalLine(dst []byte, truth string, pred *pipeline.Prediction, pipe int, record []byte) []byte {
	e := entryOf(truth, pred)
	return results.AppendEntryRecord(dst, &e, pipe, record, true)
}
