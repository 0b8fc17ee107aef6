package llm

import (
	"context"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

// TestEchoedKeyIsScrubbed: a server that echoes the API key in its 200
// answer; the key is neither cached nor in the output, first call or hit.
func TestEchoedKeyIsScrubbed(t *testing.T) {
	echo := func(openai.ChatCompletionRequest) string { return "billing (debug: key=" + testKey + ")" }
	cases := []struct {
		name   string
		output OutputSpec
	}{
		{"label", OutputSpec{Type: OutputLabel, Labels: routerLabels}},
		{"text", OutputSpec{Type: OutputText}},
		{"json", OutputSpec{Type: OutputJSON}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.WithResponder(echo))
			cache := newMemCache()
			env := testEnv()
			env.Cache = cache
			s := labelSpec(srv.URL)
			s.Output = c.output
			p := build(t, s, env)
			for i, wantCached := range []bool{false, true} {
				out, err := p.Predict(context.Background(), record("a", "b", "billing"))
				if err != nil {
					t.Fatal(err)
				}
				if out.Cached != wantCached {
					t.Errorf("call %d: cached %v, want %v", i, out.Cached, wantCached)
				}
				for what, v := range map[string]string{"Raw": out.Raw, "Text": out.Text, "Label": out.Label} {
					if strings.Contains(v, testKey) {
						t.Errorf("call %d: the key is in %s: %q", i, what, v)
					}
				}
				if !strings.Contains(out.Raw, pipeline.SecretPlaceholder) {
					t.Errorf("call %d: Raw %q: want the key replaced by %s", i, out.Raw, pipeline.SecretPlaceholder)
				}
				if c.output.Type == OutputLabel && out.Label != "billing" {
					t.Errorf("call %d: label %q, want billing", i, out.Label)
				}
			}
			if len(cache.m) != 1 {
				t.Fatalf("%d cache entries, want 1", len(cache.m))
			}
			for _, v := range cache.m {
				if strings.Contains(string(v), testKey) {
					t.Errorf("the key is in the cached value: %s", v)
				}
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	srv := llmtest.NewServer(t)
	p := build(t, labelSpec(srv.URL), testEnv())
	if got := p.Secrets(); len(got) != 1 || got[0] != testKey {
		t.Errorf("Secrets() = %q, want the API key", got)
	}
	s := labelSpec(srv.URL)
	none := ""
	s.APIKeyEnv = &none
	if got := build(t, s, testEnv()).Secrets(); len(got) != 0 {
		t.Errorf("Secrets() without a key = %q, want none", got)
	}
}
