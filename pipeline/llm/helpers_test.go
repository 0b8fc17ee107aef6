package llm

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/remote"
)

const testKey = "sk-test-S3CRET-0123456789"

// memCache is an in-memory pipeline.Cache.
type memCache struct {
	mu   sync.Mutex
	m    map[string][]byte
	puts int
}

var _ pipeline.Cache = (*memCache)(nil)

func newMemCache() *memCache { return &memCache{m: map[string][]byte{}} }

func (c *memCache) Get(key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok, nil
}

func (c *memCache) Put(key string, value []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = append([]byte(nil), value...)
	c.puts++
	return nil
}

// fakePrivacy pseudonymises one known e-mail address.
type fakePrivacy struct{}

type fakeSession struct{}

func (fakePrivacy) Session() pipeline.PrivacySession { return fakeSession{} }

func (fakeSession) Redact(s string) string {
	return strings.ReplaceAll(s, "alice@example.com", "<EMAIL_1>")
}

func (fakeSession) Restore(s string) string {
	return strings.ReplaceAll(s, "<EMAIL_1>", "alice@example.com")
}

// testEnv is an environment with a fake API key.
func testEnv() pipeline.Env {
	return pipeline.Env{
		Name:    "router",
		Role:    pipeline.Candidate,
		Columns: []string{"subject", "body", "hint", "queue"},
		Label:   "queue",
		LookupEnv: func(name string) (string, bool) {
			if name == DefaultAPIKeyEnv {
				return testKey, true
			}
			return "", false
		},
	}
}

var routerLabels = []string{"billing", "technical", "account", "shipping"}

// labelSpec is a label pipeline against baseURL whose prompt ends in
// "label: {{.hint}}" (a column holding the right queue, standing in for
// what a model would read from the ticket), which llmtest's default
// responder echoes. The label column itself may not be in a prompt.
func labelSpec(baseURL string) *Spec {
	return &Spec{
		ModelSettings: remote.ModelSettings{
			BaseURL: baseURL,
			Model:   "gpt-4o-mini",
			Price:   Price{InputPerMillion: 0.15, OutputPerMillion: 0.60},
		},
		System: "You route support tickets.",
		Prompt: "Subject: {{.subject}}\n{{.body}}\nlabel: {{.hint}}",
		Output: OutputSpec{Type: OutputLabel, Labels: routerLabels},
	}
}

// build builds s in env and fails the test on error.
func build(t testing.TB, s *Spec, env pipeline.Env) *LLM {
	t.Helper()
	p, err := s.Build(env)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	l := p.(*LLM)
	t.Cleanup(func() { l.Close() })
	return l
}

// fast replaces the pipeline's policy by one with short waits.
func fast(p *LLM, retries int) {
	p.caller = remote.NewCaller(remote.Policy{
		Concurrency:       p.cfg.Concurrency,
		RequestsPerMinute: p.cfg.RequestsPerMinute,
		TokensPerMinute:   p.cfg.TokensPerMinute,
		Timeout:           300 * time.Millisecond,
		Retries:           retries,
		BaseBackoff:       time.Millisecond,
		MaxBackoff:        5 * time.Millisecond,
	})
}

func record(subject, body, queue string) datasets.Record {
	return datasets.Record{Fields: map[string]any{"subject": subject, "body": body, "hint": queue, "queue": queue}}
}
