package httpmodel

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/poc-harness/poc/pipeline"
)

// TestEchoedSecretIsScrubbed: the server echoes the bearer token in its 200
// answer; the token is neither in the cache nor in the output.
func TestEchoedSecretIsScrubbed(t *testing.T) {
	cases := []struct {
		name  string
		spec  Spec
		check func(t *testing.T, out pipeline.Output)
	}{
		{"label and score", Spec{Label: "prediction.label", Score: "prediction.score"}, func(t *testing.T, out pipeline.Output) {
			if out.Label != "1" || !out.HasScore {
				t.Errorf("output %+v", out)
			}
		}},
		{"fields", Spec{}, func(t *testing.T, out pipeline.Output) {
			if fmt.Sprint(out.Fields["echo"]) != "token "+pipeline.SecretPlaceholder {
				t.Errorf("fields %v", out.Fields)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newServer(t, func(_ int64, _ map[string]any, w http.ResponseWriter) {
				io.WriteString(w, `{"prediction":{"label":"1","score":0.8},"echo":"token `+secret+`"}`)
			})
			cache := &memCache{}
			s := c.spec
			s.URL = srv.URL
			s.Headers = map[string]string{"Authorization": "Bearer " + secret}
			s.Body = map[string]any{"a": "{{.a}}"}
			p := build(t, s, pipeline.Env{Cache: cache})
			for i, wantCached := range []bool{false, true} {
				out, err := p.Predict(context.Background(), rec(map[string]any{"a": 1.0}))
				if err != nil || out.Cached != wantCached {
					t.Fatalf("call %d: %+v %v (want cached %v)", i, out, err, wantCached)
				}
				if strings.Contains(fmt.Sprint(out), secret) {
					t.Errorf("call %d: the token is in the output %+v", i, out)
				}
				c.check(t, out)
			}
			if len(cache.m) != 1 {
				t.Fatalf("%d cache entries, want 1", len(cache.m))
			}
			for _, v := range cache.m {
				if strings.Contains(string(v), secret) {
					t.Errorf("the token is in the cached value: %s", v)
				}
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	p := build(t, Spec{URL: "http://127.0.0.1/x", Label: "l",
		Headers: map[string]string{"Authorization": "Bearer " + secret, "X-Flag": "on"}}, pipeline.Env{})
	got := fmt.Sprint(p.Secrets())
	if got != fmt.Sprint([]string{"Bearer " + secret, secret}) {
		t.Errorf("Secrets() = %s, want the header value and its token", got)
	}
}
