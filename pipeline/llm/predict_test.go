package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/pipeline/llm/llmtest"
	"github.com/poc-harness/poc/pipeline/remote"
)

func TestPredict(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithLatency(5*time.Millisecond))
	p := build(t, labelSpec(srv.URL), testEnv())
	out, err := p.Predict(context.Background(), record("Refund", "Where is my money?", "billing"))
	if err != nil {
		t.Fatal(err)
	}
	req := srv.Requests()[0].Req
	wantIn := llmtest.PromptTokens(req)
	if out.Label != "billing" || out.Unparseable || out.Raw != "billing" || out.Attempts != 1 || out.Cached {
		t.Errorf("output %+v", out)
	}
	if out.InputTokens != wantIn || out.OutputTokens != 1 {
		t.Errorf("tokens %d/%d, want %d/1", out.InputTokens, out.OutputTokens, wantIn)
	}
	if want := float64(wantIn)/1e6*0.15 + 1/1e6*0.60; math.Abs(out.Cost-want) > 1e-15 {
		t.Errorf("cost %v, want %v", out.Cost, want)
	}
	if out.Latency < 5*time.Millisecond || out.Latency > time.Second {
		t.Errorf("latency %v", out.Latency)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Content != "Subject: Refund\nWhere is my money?\nlabel: billing" {
		t.Errorf("messages %+v", req.Messages)
	}
	if req.Model != "gpt-4o-mini" {
		t.Errorf("model %q", req.Model)
	}
}

func TestRequestParameters(t *testing.T) {
	srv := llmtest.NewServer(t)
	s := labelSpec(srv.URL)
	zero, seed := 0.0, 7
	s.Temperature, s.Seed, s.MaxTokens = &zero, &seed, 10
	s.JSONSchema = true
	s.Examples = []Example{{Input: map[string]any{"subject": "Box", "body": "Broken", "hint": "shipping", "queue": "shipping"}, Output: "shipping"}}
	p := build(t, s, testEnv())
	if _, err := p.Predict(context.Background(), record("a", "b", "account")); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(srv.Requests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if temp, ok := body["temperature"].(float64); !ok || temp > 1e-30 {
		t.Errorf("temperature %v (present %v): a zero temperature must be sent", body["temperature"], ok)
	}
	if body["seed"] != 7.0 || body["max_tokens"] != 10.0 {
		t.Errorf("seed %v max_tokens %v", body["seed"], body["max_tokens"])
	}
	rf, _ := json.Marshal(body["response_format"])
	want := `{"json_schema":{"name":"poc_label","schema":{"additionalProperties":false,"properties":{"label":{"enum":["billing","technical","account","shipping"],"type":"string"}},"required":["label"],"type":"object"},"strict":true},"type":"json_schema"}`
	if string(rf) != want {
		t.Errorf("response_format\n%s\nwant\n%s", rf, want)
	}
	msgs := srv.Requests()[0].Req.Messages
	if len(msgs) != 4 || msgs[1].Role != "user" || !strings.Contains(msgs[1].Content, "Broken") || msgs[2].Role != "assistant" || msgs[2].Content != "shipping" {
		t.Errorf("few-shot messages %+v", msgs)
	}
}

func TestJSONSchemaAnswer(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(func(openai.ChatCompletionRequest) string {
		return `{"queue":"billing","urgency":3}`
	}))
	s := labelSpec(srv.URL)
	s.Output = OutputSpec{Type: OutputJSON, Fields: map[string]string{"queue": "string", "urgency": "number"}, LabelField: "queue", Labels: routerLabels}
	s.JSONSchema = true
	p := build(t, s, testEnv())
	out, err := p.Predict(context.Background(), record("a", "b", "billing"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Label != "billing" || out.Fields["urgency"] != 3.0 || out.Unparseable {
		t.Errorf("%+v", out)
	}
	if !strings.Contains(string(srv.Requests()[0].Body), `"name":"poc_answer"`) {
		t.Errorf("body %s", srv.Requests()[0].Body)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name  string
		fault llmtest.Fault
	}{
		{"429", llmtest.Fault{Status: 429}},
		{"429 with retry-after", llmtest.Fault{Status: 429, RetryAfter: "0"}},
		{"500", llmtest.Fault{Status: 500}},
		{"503", llmtest.Fault{Status: 503}},
		{"malformed", llmtest.Fault{Malformed: true}},
		{"truncated", llmtest.Fault{Truncated: true}},
		{"hang", llmtest.Fault{Hang: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.WithFaults(func(n int, _ openai.ChatCompletionRequest) llmtest.Fault {
				if n <= 2 {
					return tt.fault
				}
				return llmtest.Fault{}
			}))
			p := build(t, labelSpec(srv.URL), testEnv())
			fast(p, 4)
			if tt.fault.Hang {
				p.caller = remote.NewCaller(remote.Policy{Timeout: 50 * time.Millisecond, BaseBackoff: time.Millisecond})
			}
			out, err := p.Predict(context.Background(), record("a", "b", "technical"))
			if err != nil {
				t.Fatal(err)
			}
			if out.Label != "technical" || out.Attempts != 3 || srv.Count() != 3 {
				t.Errorf("label %q attempts %d requests %d, want technical 3 3", out.Label, out.Attempts, srv.Count())
			}
		})
	}
}

func TestRetriesExhaustedAndPermanent(t *testing.T) {
	tests := []struct {
		name         string
		fault        llmtest.Fault
		wantRequests int
		wantErr      string
	}{
		{"500 every time", llmtest.Fault{Status: 500}, 3, "(3 attempts): HTTP 500"},
		{"400 is not retried", llmtest.Fault{Status: 400}, 1, "HTTP 400"},
		{"401 is not retried", llmtest.Fault{Status: 401}, 1, "HTTP 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.WithFaults(func(int, openai.ChatCompletionRequest) llmtest.Fault { return tt.fault }))
			p := build(t, labelSpec(srv.URL), testEnv())
			fast(p, 2)
			_, err := p.Predict(context.Background(), record("a", "b", "technical"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if srv.Count() != tt.wantRequests {
				t.Errorf("%d requests, want %d", srv.Count(), tt.wantRequests)
			}
			var se *remote.StatusError
			if !errors.As(err, &se) {
				t.Errorf("err %T does not wrap *remote.StatusError", err)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithFaults(func(n int, _ openai.ChatCompletionRequest) llmtest.Fault {
		if n == 1 {
			return llmtest.Fault{Status: 429, RetryAfter: "0.3"}
		}
		return llmtest.Fault{}
	}))
	p := build(t, labelSpec(srv.URL), testEnv())
	fast(p, 4)
	out, err := p.Predict(context.Background(), record("a", "b", "account"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if gap := reqs[1].At.Sub(reqs[0].At); gap < 300*time.Millisecond {
		t.Errorf("retried after %v, want at least the 300ms of Retry-After", gap)
	}
	if out.Latency < 300*time.Millisecond {
		t.Errorf("latency %v must cover the whole attempt sequence", out.Latency)
	}
}

func TestRateLimit(t *testing.T) {
	srv := llmtest.NewServer(t)
	s := labelSpec(srv.URL)
	s.Concurrency, s.RequestsPerMinute = 32, 1200 // 20/s, burst 20
	p := build(t, s, testEnv())
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Distinct requests: identical ones in flight share one call.
			if _, err := p.Predict(context.Background(), record(fmt.Sprint("a", i), "b", "billing")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	early := 0
	for _, r := range srv.Requests() {
		if r.At.Sub(start) < 100*time.Millisecond {
			early++
		}
	}
	if early > 22 {
		t.Errorf("%d requests in the first 100ms, want the burst of 20", early)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("30 requests at 20/s took %v, want about 500ms", d)
	}
}

func TestCacheHit(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithLatency(20*time.Millisecond))
	env := testEnv()
	cache := newMemCache()
	env.Cache = cache
	p := build(t, labelSpec(srv.URL), env)
	rec := record("Login", "I cannot sign in", "account")
	first, err := p.Predict(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if cache.puts != 1 || srv.Count() != 1 {
		t.Fatalf("puts %d requests %d", cache.puts, srv.Count())
	}
	// A rerun, with a new pipeline over the same cache: nothing is called.
	p2 := build(t, labelSpec(srv.URL), env)
	second, err := p2.Predict(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 1 {
		t.Errorf("a cache hit made %d requests", srv.Count()-1)
	}
	if !second.Cached || second.Attempts != 0 {
		t.Errorf("cached %v attempts %d", second.Cached, second.Attempts)
	}
	if second.Latency != first.Latency || second.Cost != first.Cost || second.InputTokens != first.InputTokens ||
		second.OutputTokens != first.OutputTokens || second.Label != first.Label || second.Raw != first.Raw {
		t.Errorf("cached output %+v differs from the original %+v", second, first)
	}
	// Another model is another answer.
	s := labelSpec(srv.URL)
	s.Model = "gpt-4.1-mini"
	if out, _ := build(t, s, env).Predict(context.Background(), rec); out.Cached || srv.Count() != 2 {
		t.Errorf("another model hit the cache")
	}
}

func TestAnswerCachedBeforeParsing(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(func(openai.ChatCompletionRequest) string { return "no idea" }))
	env := testEnv()
	cache := newMemCache()
	env.Cache = cache
	p := build(t, labelSpec(srv.URL), env)
	out, err := p.Predict(context.Background(), record("a", "b", "billing"))
	if err != nil || !out.Unparseable || out.Label != "" {
		t.Fatalf("out %+v err %v", out, err)
	}
	if cache.puts != 1 {
		t.Errorf("an unparseable paid answer was not cached")
	}
}

func TestPrivacy(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(func(req openai.ChatCompletionRequest) string {
		if strings.Contains(req.Messages[len(req.Messages)-1].Content, "<EMAIL_1>") {
			return "billing (reply to <EMAIL_1>)"
		}
		return "technical"
	}))
	env := testEnv()
	cache := newMemCache()
	env.Cache, env.Privacy = cache, fakePrivacy{}
	s := labelSpec(srv.URL)
	s.System = "Never write to alice@example.com directly."
	s.Examples = []Example{{Input: map[string]any{"subject": "From alice@example.com", "body": "x", "hint": "account", "queue": "account"}, Output: "account"}}
	p := build(t, s, env)
	out, err := p.Predict(context.Background(), record("Invoice", "I am alice@example.com, refund me", "billing"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Label != "billing" || out.Raw != "billing (reply to alice@example.com)" {
		t.Errorf("label %q raw %q", out.Label, out.Raw)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(string(r.Body), "alice@example.com") {
			t.Errorf("the e-mail left the machine: %s", r.Body)
		}
		if last := r.Req.Messages[len(r.Req.Messages)-1].Content; !strings.Contains(last, "<EMAIL_1>") {
			t.Errorf("the e-mail was not replaced by its token: %q", last)
		}
	}
	for k, v := range cache.m {
		if strings.Contains(k, "alice") || strings.Contains(string(v), "alice@example.com") {
			t.Errorf("the cache holds the e-mail: %s", v)
		}
	}
	// The estimate counts what is sent.
	est, err := p.Estimate(record("Invoice", "I am alice@example.com, refund me", "billing"))
	if err != nil || est.InputTokens == 0 {
		t.Errorf("Estimate = %+v, %v", est, err)
	}
}

func TestAPIKeyHygiene(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithFaults(func(n int, _ openai.ChatCompletionRequest) llmtest.Fault {
		if n == 2 {
			return llmtest.Fault{Status: 401}
		}
		return llmtest.Fault{}
	}))
	env := testEnv()
	cache := newMemCache()
	env.Cache = cache
	p := build(t, labelSpec(srv.URL), env)
	fast(p, 1)
	out, err := p.Predict(context.Background(), record("a", "b", "billing"))
	if err != nil {
		t.Fatal(err)
	}
	_, err401 := p.Predict(context.Background(), record("c", "d", "billing"))
	if err401 == nil {
		t.Fatal("a 401 did not fail")
	}
	for _, r := range srv.Requests() {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
			t.Errorf("Authorization = %q", got)
		}
	}
	if strings.Contains(err401.Error(), testKey) || strings.Contains(out.Raw, testKey) {
		t.Errorf("the key leaked: %v / %q", err401, out.Raw)
	}
	for k, v := range cache.m {
		if strings.Contains(k, testKey) || strings.Contains(string(v), testKey) {
			t.Errorf("the key is in the cache")
		}
	}

	// A provider that echoes the key in its error body: the key is scrubbed.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"message":"Incorrect API key provided: ` + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + `"}}`))
	}))
	defer echo.Close()
	p = build(t, labelSpec(echo.URL+"/v1"), testEnv())
	_, err = p.Predict(context.Background(), record("a", "b", "billing"))
	if err == nil || strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), "[secret]") {
		t.Errorf("err = %v", err)
	}
}

func TestAzure(t *testing.T) {
	srv := llmtest.NewServer(t)
	s := labelSpec(srv.Root)
	s.Provider, s.APIVersion = ProviderAzure, "2024-06-01"
	p := build(t, s, testEnv())
	out, err := p.Predict(context.Background(), record("a", "b", "shipping"))
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if out.Label != "shipping" || r.Path != "/openai/deployments/gpt-4o-mini/chat/completions" || r.Header.Get("api-key") != testKey {
		t.Errorf("label %q path %q api-key %q", out.Label, r.Path, r.Header.Get("api-key"))
	}
}

func TestCancellation(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithFaults(func(int, openai.ChatCompletionRequest) llmtest.Fault {
		return llmtest.Fault{Hang: true}
	}))
	p := build(t, labelSpec(srv.URL), testEnv())
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err := p.Predict(ctx, record("a", "b", "billing"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancellation took %v", d)
	}
	if srv.Count() != 1 {
		t.Errorf("%d requests, want 1 (no retry after cancellation)", srv.Count())
	}
}

func TestEstimate(t *testing.T) {
	s := labelSpec("https://api.openai.com/v1")
	s.Prompt = "Subject: {{.subject}}\n{{.body}}"
	s.Output.Labels = []string{"billing", "technical", "cancellation"}
	rec := record("Refund", "I want my money back", "billing")
	tests := []struct {
		model   string
		in, out int
	}{
		// o200k_base: "You route support tickets." = 5, the prompt = 9; 4 a message;
		// output: "cancellation" is 2 tokens, + 2.
		{"gpt-4o-mini", 5 + 4 + 9 + 4, 4},
		// cl100k_base counts the prompt as 10.
		{"gpt-3.5-turbo", 5 + 4 + 10 + 4, 4},
	}
	for _, tt := range tests {
		s.Model = tt.model
		est, err := build(t, s, testEnv()).Estimate(rec)
		if err != nil {
			t.Fatal(err)
		}
		cost := float64(tt.in)/1e6*0.15 + float64(tt.out)/1e6*0.60
		if est.InputTokens != tt.in || est.OutputTokens != tt.out || math.Abs(est.Cost-cost) > 1e-15 {
			t.Errorf("%s: %+v, want %d/%d %v", tt.model, est, tt.in, tt.out, cost)
		}
	}
	// Output size: expected_output_tokens, else max_tokens, else 256.
	s.Model = "gpt-4o-mini"
	s.Output = OutputSpec{Type: OutputText}
	if est, _ := build(t, s, testEnv()).Estimate(rec); est.OutputTokens != 256 {
		t.Errorf("default output tokens %d", est.OutputTokens)
	}
	s.MaxTokens = 50
	if est, _ := build(t, s, testEnv()).Estimate(rec); est.OutputTokens != 50 {
		t.Errorf("max_tokens output tokens %d", est.OutputTokens)
	}
	s.ExpectedOutputTokens = 12
	if est, _ := build(t, s, testEnv()).Estimate(rec); est.OutputTokens != 12 {
		t.Errorf("expected_output_tokens %d", est.OutputTokens)
	}
}

func TestThroughput(t *testing.T) {
	s := labelSpec("https://api.openai.com/v1")
	p := build(t, s, testEnv())
	if p.Concurrency() != 4 || p.RequestsPerMinute() != 0 || p.ExpectedLatency() != time.Second {
		t.Errorf("defaults %d %v %v", p.Concurrency(), p.RequestsPerMinute(), p.ExpectedLatency())
	}
	s.Concurrency, s.RequestsPerMinute, s.ExpectedLatency = 16, 500, 800*time.Millisecond
	p = build(t, s, testEnv())
	if p.Concurrency() != 16 || p.RequestsPerMinute() != 500 || p.ExpectedLatency() != 800*time.Millisecond {
		t.Errorf("configured %d %v %v", p.Concurrency(), p.RequestsPerMinute(), p.ExpectedLatency())
	}
}

func TestMaxRetryAfterReachesThePolicy(t *testing.T) {
	for _, tc := range []struct {
		set, want time.Duration
	}{{0, remote.DefaultMaxRetryAfter}, {90 * time.Second, 90 * time.Second}} {
		s := labelSpec("http://127.0.0.1:1/v1")
		s.MaxRetryAfter = tc.set
		if got := build(t, s, testEnv()).caller.Policy().MaxRetryAfter; got != tc.want {
			t.Errorf("max_retry_after %v: policy has %v, want %v", tc.set, got, tc.want)
		}
	}
}
