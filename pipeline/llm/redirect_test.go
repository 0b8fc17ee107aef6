package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

// redirector answers every request with a 307 to target (same path).
func redirector(t *testing.T, target string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRedirectsAreChecked(t *testing.T) {
	cases := []struct {
		name    string
		allowed func(from, to string) []string
		follow  bool
	}{
		{"no allow-list: the origin is kept", func(string, string) []string { return nil }, false},
		{"the target is not on the allow-list", func(from, _ string) []string { return []string{from} }, false},
		{"the target is on the allow-list", func(from, to string) []string { return []string{from, to} }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			other := llmtest.NewServer(t)
			from := redirector(t, other.URL)
			env := testEnv()
			env.AllowedURLs = c.allowed(from.URL, other.URL)
			p := build(t, labelSpec(from.URL), env)
			fast(p, 3)
			out, err := p.Predict(context.Background(), record("Refund", "Where is my money?", "billing"))
			if c.follow {
				if err != nil || out.Label != "billing" || other.Count() != 1 {
					t.Fatalf("allowed redirect: out %+v, err %v, target requests %d", out, err, other.Count())
				}
				return
			}
			if n := other.Count(); n != 0 {
				t.Fatalf("the unlisted server received %d requests (body and API key leaked)", n)
			}
			if err == nil || !strings.Contains(err.Error(), "refused redirect to "+other.URL) {
				t.Fatalf("err = %v: want the refused redirect named", err)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("the key is in the error: %v", err)
			}
		})
	}
}

func TestRefusedRedirectIsNotRetried(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "http://unlisted.invalid"+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	p := build(t, labelSpec(srv.URL), testEnv())
	fast(p, 3)
	if _, err := p.Predict(context.Background(), record("a", "b", "billing")); err == nil {
		t.Fatal("a refused redirect must fail the prediction")
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the redirecting server got %d requests, want 1 (not retried)", n)
	}
}
