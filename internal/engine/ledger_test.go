package engine

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/results"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/pipelinetest"
)

// TestLedgerCarriesSpendAcrossAttempts writes the ledger of an attempt that
// is killed with one request in flight and a torn last line, and reopens
// it: the next attempt knows the spend (answers paid, and the request in
// flight at its estimate), how many requests it re-sends, its attempt
// number, and the answers already paid for.
func TestLedgerCarriesSpendAcrossAttempts(t *testing.T) {
	path := filepath.Join(t.TempDir(), results.SpendFile)
	l, err := OpenLedger(path, results.LedgerLine{PID: 1})
	if err != nil {
		t.Fatal(err)
	}
	if l.Attempt() != 1 || l.Prior() != 0 {
		t.Fatalf("new ledger: attempt %d, prior %v", l.Attempt(), l.Prior())
	}
	p := l.For("llm")
	p.Sent("aa", 0.02)
	p.Paid("aa", 0.015, []byte(`{"answer":"billing"}`))
	p.Sent("bb", 0.02)
	p.Failed("bb") // a 500: nothing charged
	p.Sent("cc", 0.03)
	// in flight at the kill
	if got := l.Total(); !near(got, 0.045) {
		t.Errorf("total with one request in flight = %v, want 0.045", got)
	}
	if b, ok := p.Answer("aa"); !ok || string(b) != `{"answer":"billing"}` {
		t.Errorf("answer within the attempt: %q %v", b, ok)
	}
	l.f.Close() // killed: no Close, and a torn line after
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"ev":"paid","attempt":1,"pipeline":"llm","key":"cc","co`)
	f.Close()

	l2, err := OpenLedger(path, results.LedgerLine{PID: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if l2.Attempt() != 2 || !near(l2.Prior(), 0.045) || l2.InFlightAtStop() != 1 || !near(l2.Presumed(), 0.03) {
		t.Errorf("reopened: attempt %d, prior %v, resent %d, presumed %v; want 2, 0.045, 1, 0.03",
			l2.Attempt(), l2.Prior(), l2.InFlightAtStop(), l2.Presumed())
	}
	if b, ok := l2.For("llm").Answer("aa"); !ok || string(b) != `{"answer":"billing"}` {
		t.Errorf("paid answer after reopening: %q %v", b, ok)
	}
	if _, ok := l2.For("other").Answer("aa"); ok {
		t.Error("an answer of one pipeline served another")
	}
	// The re-sent request is paid in attempt 2: it closes attempt 2's
	// request, not attempt 1's, which stays presumed.
	l2.For("llm").Sent("cc", 0.03)
	l2.For("llm").Paid("cc", 0.01, nil)
	if got := l2.Total(); !near(got, 0.055) {
		t.Errorf("total after the re-send = %v, want 0.055", got)
	}
	b, _ := os.ReadFile(path)
	lines, _, err := results.ReadLedger(bytes.NewReader(b))
	if err != nil || len(lines) != 9 || lines[6].Event != results.LedgerStart || lines[6].PID != 2 {
		t.Errorf("ledger file: %d lines (%v), want 9 with the torn one cut and attempt 2's start", len(lines), err)
	}
}

func near(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }

// TestEngineLedgersPipelinesWithoutTheirOwn replays a priced pipeline that
// keeps no ledger: the engine records each of its calls.
func TestEngineLedgersPipelinesWithoutTheirOwn(t *testing.T) {
	path := filepath.Join(t.TempDir(), results.SpendFile)
	l, err := OpenLedger(path, results.LedgerLine{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	priced := &pricedPipe{cost: 0.5}
	res, err := Replay(context.Background(), records(20), []Pipe{{"http", priced}}, nil, Options{Label: "y", Ledger: l})
	if err != nil {
		t.Fatal(err)
	}
	if !near(l.Total(), 10) || !near(res.Spent, 10) || l.Presumed() != 0 {
		t.Errorf("ledger total %v, presumed %v, replay spent %v; want 10, 0, 10", l.Total(), l.Presumed(), res.Spent)
	}
}

type pricedPipe struct{ cost float64 }

func (p *pricedPipe) Predict(context.Context, datasets.Record) (pipeline.Output, error) {
	return pipeline.Output{Label: "1", Cost: p.cost}, nil
}

func (p *pricedPipe) Estimate(datasets.Record) (pipeline.Estimate, error) {
	return pipeline.Estimate{Cost: p.cost}, nil
}

// syncCounter is a journal that counts its syncs.
type syncCounter struct {
	bytes.Buffer
	syncs atomic.Int64
}

func (s *syncCounter) Sync() error { s.syncs.Add(1); return nil }

// TestJournalIsSyncedWhileWriting replays records slowly with a sync
// period of 20ms: the journal is synced while records are written (not
// only at the end), at most once per period — the durability promise (on
// power loss, at most one period of finished records is lost).
func TestJournalIsSyncedWhileWriting(t *testing.T) {
	j := &syncCounter{}
	slow := pipelinetest.Func(func(context.Context, datasets.Record) (pipeline.Output, error) {
		time.Sleep(2 * time.Millisecond)
		return pipeline.Output{Label: "1"}, nil
	})
	start := time.Now()
	if _, err := Replay(context.Background(), records(200), []Pipe{{"p", slow}}, nil,
		Options{Label: "y", Journal: j, BatchSize: 4, Concurrency: 1, SyncEvery: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	syncs := j.syncs.Load()
	if periods := int64(elapsed / (20 * time.Millisecond)); syncs < 3 || syncs > periods+1 {
		t.Errorf("%d syncs in %s (%d periods of 20ms); want several, at most one per period", syncs, elapsed, periods)
	}
}

// TestSecretsNeverReachTheJournal replays a pipeline whose answers, raw
// text, fields and errors echo a configured key: the journal and the
// result hold "[secret]" instead.
func TestSecretsNeverReachTheJournal(t *testing.T) {
	const key = "sk-live-ECHOED-0123456789"
	echo := pipelinetest.Func(func(_ context.Context, rec datasets.Record) (pipeline.Output, error) {
		if rec.Seq%2 == 1 {
			return pipeline.Output{}, errors.New("401: bad key " + key)
		}
		return pipeline.Output{Label: "1", Text: "key " + key, Raw: `{"k":"` + key + `"}`,
			Fields: map[string]any{"nested": []any{map[string]any{"v": key}}}}, nil
	})
	var journal bytes.Buffer
	res, err := Replay(context.Background(), records(10), []Pipe{{"p", echo}}, nil,
		Options{Label: "y", Journal: &journal, Secrets: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(journal.String(), key) || !strings.Contains(journal.String(), "[secret]") {
		t.Errorf("journal:\n%s", journal.String())
	}
	for _, f := range res.FailureExamples[0] {
		if strings.Contains(f.Err, key) {
			t.Errorf("failure example holds the key: %s", f.Err)
		}
	}
}
