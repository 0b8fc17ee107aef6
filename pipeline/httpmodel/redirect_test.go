package httpmodel

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/poc-harness/poc/pipeline"
)

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
			other := newServer(t, jsonAnswer(`{"label":"1"}`))
			from := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/elsewhere", http.StatusTemporaryRedirect)
			}))
			t.Cleanup(from.Close)
			p := build(t, Spec{
				URL:     from.URL + "/predict",
				Headers: map[string]string{"Authorization": "Bearer " + secret},
				Body:    map[string]any{"a": "{{.a}}"},
				Label:   "label",
			}, pipeline.Env{AllowedURLs: c.allowed(from.URL, other.URL)})
			out, err := p.Predict(context.Background(), rec(map[string]any{"a": 1.0}))
			if c.follow {
				if err != nil || out.Label != "1" || other.n.Load() != 1 {
					t.Fatalf("allowed redirect: out %+v, err %v, target requests %d", out, err, other.n.Load())
				}
				return
			}
			if n := other.n.Load(); n != 0 {
				t.Fatalf("the unlisted server received %d requests (body and token leaked)", n)
			}
			if err == nil || !strings.Contains(err.Error(), "refused redirect to "+other.URL+"/elsewhere") || !strings.Contains(err.Error(), "1 attempt") {
				t.Fatalf("err = %v: want one attempt and the refused redirect named", err)
			}
		})
	}
}
