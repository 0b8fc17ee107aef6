package engine

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/pipelinetest"
)

// paid is a pipeline that costs 1.0 a call and says so up front.
type paid struct {
	mu    sync.Mutex
	calls int
}

func (p *paid) Predict(context.Context, datasets.Record) (pipeline.Output, error) {
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	return pipeline.Output{Label: "1", Cost: 1}, nil
}

func (p *paid) Estimate(datasets.Record) (pipeline.Estimate, error) {
	return pipeline.Estimate{Cost: 1}, nil
}

func TestBudgetStopsBeforeOverspending(t *testing.T) {
	for _, workers := range []int{1, 4} {
		p := &paid{}
		res, err := Replay(context.Background(), records(100), []Pipe{{"llm", p}}, nil,
			Options{Concurrency: workers, Label: "y", MaxCost: 10.5, BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		if p.calls > 10 {
			t.Errorf("workers=%d: %d calls at 1.0 each with max_cost 10.5", workers, p.calls)
		}
		if res.Spent > 10.5 || res.Stopped != BudgetExhausted || !strings.Contains(res.StopDetail, "max_cost") {
			t.Errorf("workers=%d: spent %v, stopped %q (%s)", workers, res.Spent, res.Stopped, res.StopDetail)
		}
		// Only whole batches are kept: 3 batches of 3 records.
		if res.Records != 9 {
			t.Errorf("workers=%d: kept %d records, want 9 (the complete batches)", workers, res.Records)
		}
	}
}

func TestCachedAnswersAreFree(t *testing.T) {
	cached := pipelinetest.Func(func(context.Context, datasets.Record) (pipeline.Output, error) {
		return pipeline.Output{Label: "1", Cost: 1, Cached: true}, nil
	})
	res, err := Replay(context.Background(), records(50), []Pipe{{"llm", cached}}, nil, Options{Label: "y", MaxCost: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 50 || res.Spent != 0 || res.Cached[0] != 50 {
		t.Errorf("records %d, spent %v, cached %d; want 50, 0, 50", res.Records, res.Spent, res.Cached[0])
	}
}

func TestErrorBudgetStopsABrokenEndpoint(t *testing.T) {
	broken := pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		if x, _ := rec.Float("x"); int(x)%2 == 0 {
			return pipeline.Output{}, errors.New("HTTP 401: invalid api key")
		}
		return pipeline.Output{Label: "1"}, nil
	})
	res, err := Replay(context.Background(), records(1000), []Pipe{{"echo", pipelinetest.Echo("y")}, {"llm", broken}}, nil,
		Options{Concurrency: 2, Label: "y", MaxErrorRate: 0.2, MinRecords: 20, BatchSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != TooManyErrors || res.Records >= 1000 || res.Records < 20 {
		t.Fatalf("stopped %q after %d records", res.Stopped, res.Records)
	}
	for _, s := range []string{`"llm"`, "max_error_rate 20.0%", "invalid api key"} {
		if !strings.Contains(res.StopDetail, s) {
			t.Errorf("stop detail %q lacks %q", res.StopDetail, s)
		}
	}
}

func TestPriorPredictionsAreUsedNotRepeated(t *testing.T) {
	var calls sync.Map
	counting := pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		if _, dup := calls.LoadOrStore(rec.Seq, true); dup {
			t.Errorf("record %d predicted twice", rec.Seq)
		}
		return pipeline.Output{Label: rec.String("y")}, nil
	})
	prior := func(seq int) ([]pipeline.Prediction, bool) {
		if seq >= 40 {
			return nil, false
		}
		return []pipeline.Prediction{{Pipeline: "p", Seq: seq, RecordID: "x", Output: pipeline.Output{Label: "0"}}}, true
	}
	var journal bytes.Buffer
	f, _ := metrics.Lookup("accuracy")
	acc, _ := f().Build(metrics.Env{Name: "accuracy"})
	res, err := Replay(context.Background(), records(100), []Pipe{{"p", counting}}, []metrics.Metric{acc},
		Options{Concurrency: 3, Label: "y", Journal: &journal, Prior: prior, Journaled: 40, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	calls.Range(func(any, any) bool { n++; return true })
	if n != 60 || res.Resumed != 40 || res.Records != 100 {
		t.Errorf("calls %d, resumed %d, records %d; want 60, 40, 100", n, res.Resumed, res.Records)
	}
	// The prior answers ("0" for all) count: 20 of the first 40 are right,
	// and all 60 new ones.
	if got := res.Accumulators[0][0].Result().Value; got != 0.8 {
		t.Errorf("accuracy = %v, want 0.8", got)
	}
	lines := strings.Count(journal.String(), "\n")
	if lines != 61 || !strings.HasPrefix(journal.String(), `{"journal":`) {
		t.Errorf("journal got %d lines, want the attempt's header and only the 60 new predictions", lines)
	}
}

// TestPriorFailuresAreRetried resumes a replay whose earlier attempt
// journaled failures (it stopped on its error budget): the failed
// predictions are made again, the others reused, and every record after
// the journaled prefix is journaled again, each once.
func TestPriorFailuresAreRetried(t *testing.T) {
	var calls sync.Map
	healthy := pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		if _, dup := calls.LoadOrStore(rec.Seq, true); dup {
			t.Errorf("record %d predicted twice", rec.Seq)
		}
		return pipeline.Output{Label: rec.String("y")}, nil
	})
	const journaled, priorEnd = 10, 50
	prior := func(seq int) ([]pipeline.Prediction, bool) {
		if seq >= priorEnd {
			return nil, false
		}
		p := pipeline.Prediction{Pipeline: "p", Seq: seq, RecordID: "x", Output: pipeline.Output{Label: "0"}}
		if seq >= journaled && seq%2 == 0 {
			p = pipeline.Prediction{Pipeline: "p", Seq: seq, RecordID: "x", Err: "HTTP 500"}
		}
		return []pipeline.Prediction{p}, true
	}
	var journal bytes.Buffer
	res, err := Replay(context.Background(), records(100), []Pipe{{"p", healthy}}, nil,
		Options{Concurrency: 2, Label: "y", Journal: &journal, Prior: prior, Journaled: journaled, BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	calls.Range(func(any, any) bool { n++; return true })
	// 20 failures among records 10–49 retried, 50 records new.
	if n != 70 || res.Retried != 20 || res.Failures[0] != 0 || res.Resumed != 30 {
		t.Errorf("calls %d, retried %d, failures %d, resumed %d; want 70, 20, 0, 30", n, res.Retried, res.Failures[0], res.Resumed)
	}
	seen := map[int]int{}
	err = results.ReadJournal(strings.NewReader(journal.String()), func(e results.Entry) error {
		seen[e.Seq]++
		if e.Error != "" {
			t.Errorf("record %d journaled with its old failure", e.Seq)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for seq := 0; seq < 100; seq++ {
		want := 1
		if seq < journaled {
			want = 0
		}
		if seen[seq] != want {
			t.Errorf("record %d journaled %d times, want %d", seq, seen[seq], want)
		}
	}
}

func TestPipelinesOfARecordRunConcurrently(t *testing.T) {
	// Each pipeline waits until the other has started on the same record; a
	// sequential engine would never let both start.
	var mu sync.Mutex
	started := map[int]int{}
	cond := sync.NewCond(&mu)
	meet := pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		mu.Lock()
		defer mu.Unlock()
		started[rec.Seq]++
		cond.Broadcast()
		deadline := time.Now().Add(5 * time.Second)
		for started[rec.Seq] < 2 {
			if time.Now().After(deadline) {
				return pipeline.Output{}, errors.New("the other pipeline never started")
			}
			go func() { time.Sleep(10 * time.Millisecond); cond.Broadcast() }()
			cond.Wait()
		}
		return pipeline.Output{Label: "1"}, nil
	})
	res, err := Replay(context.Background(), records(4), []Pipe{{"a", meet}, {"b", meet}}, nil,
		Options{Concurrency: 2, Label: "y", BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failures[0]+res.Failures[1] != 0 {
		t.Errorf("failures %v: the two pipelines of a record did not run at the same time", res.Failures)
	}
}
