package llm

import (
	"context"
	"sync"
	"testing"

	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

// memLedger is an in-memory pipeline.Ledger recording its events.
type memLedger struct {
	mu      sync.Mutex
	events  []string
	answers map[string][]byte
	est     float64
}

func newMemLedger() *memLedger { return &memLedger{answers: map[string][]byte{}} }

func (l *memLedger) Answer(key string) ([]byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.answers[key]
	return b, ok
}

func (l *memLedger) Sent(key string, estimate float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, "sent")
	l.est += estimate
}

func (l *memLedger) Paid(key string, cost float64, answer []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, "paid")
	l.answers[key] = answer
}

func (l *memLedger) Failed(string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, "failed")
}

var _ pipeline.Ledger = (*memLedger)(nil)

// TestLedgerKeepsPaidAnswers: each call is in the ledger before and after
// it is made, with its answer; a later attempt of the run (a new pipeline,
// no cache) answers from the ledger without calling, and a failed call is
// recorded as ended without charge.
func TestLedgerKeepsPaidAnswers(t *testing.T) {
	srv := llmtest.NewServer(t)
	s := labelSpec(srv.URL)
	s.MaxTokens = 5
	led := newMemLedger()
	p := build(t, s, testEnv())
	p.UseLedger(led)
	rec := record("Refund", "I was charged twice", "billing")
	out, err := p.Predict(context.Background(), rec)
	if err != nil || out.Label != "billing" || out.Cached {
		t.Fatalf("Predict = %+v, %v", out, err)
	}
	if len(led.events) != 2 || led.events[0] != "sent" || led.events[1] != "paid" || led.est <= out.Cost {
		t.Fatalf("ledger events %v, reserved %v for a call that cost %v; want sent then paid, reserving at max_tokens", led.events, led.est, out.Cost)
	}

	again := build(t, s, testEnv())
	again.UseLedger(led)
	out2, err := again.Predict(context.Background(), rec)
	if err != nil || out2.Label != "billing" || !out2.Cached || srv.Count() != 1 {
		t.Fatalf("second attempt: %+v, %v, %d calls; want the ledger's answer, cached, 1 call", out2, err, srv.Count())
	}

	down := build(t, labelSpec("http://127.0.0.1:1/v1"), testEnv())
	fast(down, -1)
	down.UseLedger(led)
	if _, err := down.Predict(context.Background(), record("Other", "text", "billing")); err == nil {
		t.Fatal("a call to a closed port succeeded")
	}
	if got := led.events[len(led.events)-1]; got != "failed" {
		t.Errorf("last ledger event %q, want failed", got)
	}
}
