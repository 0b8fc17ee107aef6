package llm

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
	"github.com/poc-harness/poc/pipeline/redact"
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

// TestReservationLearnsTheProvidersTokenCount: a provider that bills three
// times the input tokens the offline tokenizer counts. Before its first
// answer the reservation (1.25× the count) is below what a call costs;
// after it, the reservation holds the most a call costs again, so a budget
// stays a cap.
func TestReservationLearnsTheProvidersTokenCount(t *testing.T) {
	var counted int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"billing"},"finish_reason":"stop"}],"usage":{"prompt_tokens":%d,"completion_tokens":1,"total_tokens":%d}}`,
			3*counted, 3*counted+1)
	}))
	defer srv.Close()
	s := labelSpec(srv.URL + "/v1")
	s.MaxTokens = 5
	p := build(t, s, testEnv())
	rec := record("Refund", "I was charged twice for my order, please refund the second payment", "billing")
	before, err := p.Estimate(rec)
	if err != nil {
		t.Fatal(err)
	}
	counted = before.InputTokens
	out, err := p.Predict(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := p.Estimate(rec)
	if before.Reserve() >= out.Cost || after.Reserve() < out.Cost {
		t.Errorf("reservation %.3g before the first answer and %.3g after it, for a call that cost %.3g; want below, then at least",
			before.Reserve(), after.Reserve(), out.Cost)
	}
}

// TestPromptMayNotReadTheLabel: a prompt that names the label column, in
// either form, or passes the whole record, is refused at build, naming
// the field.
func TestPromptMayNotReadTheLabel(t *testing.T) {
	for _, prompt := range []string{
		"Ticket: {{.body}} (queue {{.queue}})",
		`Ticket: {{.body}} {{index . "queue"}}`,
		"Everything: {{.}}",
		`{{if .queue}}{{.body}}{{end}}`,
	} {
		s := labelSpec("http://127.0.0.1:1/v1")
		s.Prompt = prompt
		_, err := s.Build(testEnv())
		if err == nil || !strings.Contains(err.Error(), "prompt") || !strings.Contains(err.Error(), `"queue"`) {
			t.Errorf("prompt %q: Build = %v, want a refusal naming the label column", prompt, err)
		}
	}
}

// TestEstimatesDoNotCountReplacements: the budget's reservation redacts a
// record to count its tokens; only the request sent counts in the
// manifest's replacements.
func TestEstimatesDoNotCountReplacements(t *testing.T) {
	srv := llmtest.NewServer(t)
	r, err := redact.New(redact.Config{Detectors: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	env.Privacy = r
	p := build(t, labelSpec(srv.URL), env)
	rec := record("From alice@example.com", "refund please", "billing")
	if _, err := p.Estimate(rec); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Predict(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if n := r.Counts()["EMAIL"]; n != 1 {
		t.Errorf("EMAIL replaced %d times for one address sent once", n)
	}
}
