package httpmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/redact"
	"github.com/poc-harness/poc/pipeline/remote"
)

const secret = "s3cr3t-token-value"

func TestMain(m *testing.M) {
	baseBackoff = 5 * time.Millisecond
	os.Exit(m.Run())
}

// memCache is an in-memory pipeline.Cache.
type memCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *memCache) Get(k string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok, nil
}

func (c *memCache) Put(k string, v []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[k] = v
	return nil
}

// server records request bodies and answers with handler.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
	auth   []string
	n      atomic.Int64
}

func newServer(t *testing.T, handler func(n int64, body map[string]any, w http.ResponseWriter)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.n.Add(1)
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		handler(n, body, w)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) lastBody() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[len(s.bodies)-1]
}

func jsonAnswer(v string) func(int64, map[string]any, http.ResponseWriter) {
	return func(_ int64, _ map[string]any, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, v)
	}
}

func build(t *testing.T, s Spec, env pipeline.Env) *Pipeline {
	t.Helper()
	p, err := s.Build(env)
	if err != nil {
		t.Fatal(err)
	}
	return p.(*Pipeline)
}

func rec(fields map[string]any) datasets.Record { return datasets.Record{Fields: fields} }

func intp(i int) *int { return &i }

func TestRegistered(t *testing.T) {
	f, ok := pipeline.Lookup("http")
	if !ok {
		t.Fatal("http not registered")
	}
	if _, ok := f().(*Spec); !ok {
		t.Fatal("factory does not return *Spec")
	}
}

func TestBodyRendering(t *testing.T) {
	srv := newServer(t, jsonAnswer(`{"prediction":{"label":"1"}}`))
	p := build(t, Spec{
		URL: srv.URL,
		Body: map[string]any{
			"amount":  "{{.amount}}",
			"count":   "{{.n}}",
			"flag":    "{{.flag}}",
			"text":    "{{.country}}/{{.amount}}",
			"literal": 3,
			"nested":  map[string]any{"c": "{{.country}}", "list": []any{"{{.amount}}", "x", true}},
			"quote":   "{{.q}}",
		},
		Label: "prediction.label",
	}, pipeline.Env{})
	_, err := p.Predict(context.Background(), rec(map[string]any{
		"amount": 1500.5, "n": int64(3), "flag": true, "country": "FR", "q": `he said "hi"`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"amount":1500.5,"count":3,"flag":true,"literal":3,"nested":{"c":"FR","list":[1500.5,"x",true]},"quote":"he said \"hi\"","text":"FR/1500.5"}`
	if got := srv.lastBody(); got != want {
		t.Errorf("body:\n got %s\nwant %s", got, want)
	}
	// A missing field is the record's error.
	_, err = p.Predict(context.Background(), rec(map[string]any{"amount": 1.0}))
	if err == nil || !strings.Contains(err.Error(), "record has no field") {
		t.Errorf("missing field: %v", err)
	}
}

func TestBodyTemplate(t *testing.T) {
	srv := newServer(t, jsonAnswer(`{"label":"ok"}`))
	p := build(t, Spec{
		URL:          srv.URL,
		Method:       "put",
		BodyTemplate: `{"text": {{json .subject}}, "amount": {{.amount}}}`,
		Label:        "label",
	}, pipeline.Env{})
	out, err := p.Predict(context.Background(), rec(map[string]any{"subject": "a \"quoted\"\nline", "amount": 12.0}))
	if err != nil || out.Label != "ok" {
		t.Fatalf("%+v %v", out, err)
	}
	if got := srv.lastBody(); got != `{"amount":12,"text":"a \"quoted\"\nline"}` {
		t.Errorf("body = %s", got)
	}
	bad := build(t, Spec{URL: srv.URL, BodyTemplate: `{"text": {{.subject}}}`, Label: "label"}, pipeline.Env{})
	_, err = bad.Predict(context.Background(), rec(map[string]any{"subject": "not quoted"}))
	if err == nil || !strings.Contains(err.Error(), "did not produce JSON") {
		t.Errorf("err = %v", err)
	}
}

func TestPaths(t *testing.T) {
	resp := `{"prediction":{"label":1,"score":"0.75"},"choices":[{"text":"a"},{"text":"billing"}],"m":[[0.1,0.9]]}`
	v, err := decodeJSON([]byte(resp))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"prediction.label": "1",
		"prediction.score": "0.75",
		"choices[1].text":  "billing",
		"m[0][1]":          "0.9",
	} {
		steps, err := parsePath(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, ok := lookup(v, steps)
		if !ok || scalarText(got) != want {
			t.Errorf("%s = %v, %v; want %s", path, got, ok, want)
		}
	}
	for _, path := range []string{"choices[2].text", "prediction.nope", "prediction.label.x", "m[0][5]"} {
		steps, _ := parsePath(path)
		if _, ok := lookup(v, steps); ok {
			t.Errorf("%s found", path)
		}
	}
	for _, path := range []string{"", "a..b", "a[x]", "a[1", "a.[0]"} {
		if _, err := parsePath(path); err == nil {
			t.Errorf("parsePath(%q) accepted", path)
		}
	}
	if steps, err := parsePath("[0].score"); err != nil || len(steps) != 2 {
		t.Errorf("[0].score: %v %v", steps, err)
	}
}

func TestLabelScoreThreshold(t *testing.T) {
	srv := newServer(t, func(_ int64, body map[string]any, w http.ResponseWriter) {
		fmt.Fprintf(w, `{"prediction":{"score":%v}}`, body["s"])
	})
	th := 0.6
	p := build(t, Spec{URL: srv.URL, Body: map[string]any{"s": "{{.s}}"}, Score: "prediction.score", Threshold: &th, CostPerCall: 0.01},
		pipeline.Env{Positive: "fraud"})
	for s, want := range map[float64]string{0.9: "fraud", 0.6: "fraud", 0.1: "0"} {
		out, err := p.Predict(context.Background(), rec(map[string]any{"s": s}))
		if err != nil || out.Label != want || !out.HasScore || out.Score != s || out.Cost != 0.01 || out.Attempts != 1 {
			t.Errorf("score %v: %+v %v", s, out, err)
		}
	}
	// Below the threshold is the other class of a two-class label.
	yn := build(t, Spec{URL: srv.URL, Body: map[string]any{"s": "{{.s}}"}, Score: "prediction.score", Threshold: &th},
		pipeline.Env{Positive: "yes", Labels: []string{"no", "yes"}})
	if out, err := yn.Predict(context.Background(), rec(map[string]any{"s": 0.1})); err != nil || out.Label != "no" {
		t.Errorf("yes/no label below the threshold: %+v %v, want no", out, err)
	}
	// The label path missing from the answer: unparseable, never guessed.
	q := build(t, Spec{URL: srv.URL, Body: map[string]any{"s": "{{.s}}"}, Label: "prediction.label"}, pipeline.Env{})
	out, err := q.Predict(context.Background(), rec(map[string]any{"s": 0.5}))
	if err != nil || !out.Unparseable || out.Label != "" || out.Raw == "" {
		t.Errorf("missing label: %+v %v", out, err)
	}
	// Neither label nor score: the answer's fields.
	r := build(t, Spec{URL: srv.URL, Body: map[string]any{"s": "{{.s}}"}}, pipeline.Env{})
	out, err = r.Predict(context.Background(), rec(map[string]any{"s": 0.5}))
	if err != nil || out.Fields["prediction"].(map[string]any)["score"] != 0.5 {
		t.Errorf("fields: %+v %v", out, err)
	}
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	srv := newServer(t, func(n int64, _ map[string]any, w http.ResponseWriter) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "0.05")
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "0.05")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			io.WriteString(w, `{"label":"1"}`)
		}
	})
	p := build(t, Spec{URL: srv.URL, Label: "label", Settings: remote.Settings{Retries: intp(3)}}, pipeline.Env{})
	start := time.Now()
	out, err := p.Predict(context.Background(), rec(nil))
	if err != nil || out.Label != "1" || out.Attempts != 3 {
		t.Fatalf("%+v %v", out, err)
	}
	if n := srv.n.Load(); n != 3 {
		t.Errorf("requests = %d", n)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("Retry-After not honoured: %s", d)
	}
}

func TestRetriesExhaustedAndNotRetryable(t *testing.T) {
	srv := newServer(t, func(n int64, _ map[string]any, w http.ResponseWriter) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "upstream down")
	})
	p := build(t, Spec{URL: srv.URL, Label: "label", Settings: remote.Settings{Retries: intp(2)}}, pipeline.Env{})
	_, err := p.Predict(context.Background(), rec(nil))
	if err == nil || !strings.Contains(err.Error(), "HTTP 502") || !strings.Contains(err.Error(), "3 attempt") {
		t.Errorf("err = %v", err)
	}
	if n := srv.n.Load(); n != 3 {
		t.Errorf("requests = %d", n)
	}

	bad := newServer(t, func(int64, map[string]any, http.ResponseWriter) {})
	bad.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad.n.Add(1)
		w.WriteHeader(http.StatusBadRequest)
	})
	q := build(t, Spec{URL: bad.URL, Label: "label", Settings: remote.Settings{Retries: intp(3)}}, pipeline.Env{})
	if _, err := q.Predict(context.Background(), rec(nil)); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Errorf("err = %v", err)
	}
	if n := bad.n.Load(); n != 1 {
		t.Errorf("400 retried: %d requests", n)
	}

	none := build(t, Spec{URL: srv.URL, Label: "label", Settings: remote.Settings{Retries: intp(0)}}, pipeline.Env{})
	before := srv.n.Load()
	none.Predict(context.Background(), rec(nil))
	if n := srv.n.Load() - before; n != 1 {
		t.Errorf("retries: 0 made %d requests", n)
	}
}

func TestMalformedRetried(t *testing.T) {
	srv := newServer(t, func(n int64, _ map[string]any, w http.ResponseWriter) {
		if n == 1 {
			io.WriteString(w, `{"label": "1"`) // truncated
			return
		}
		io.WriteString(w, `{"label":"1"}`)
	})
	p := build(t, Spec{URL: srv.URL, Label: "label"}, pipeline.Env{})
	out, err := p.Predict(context.Background(), rec(nil))
	if err != nil || out.Label != "1" || out.Attempts != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	always := newServer(t, jsonAnswer(`<html>oops</html>`))
	q := build(t, Spec{URL: always.URL, Label: "label", Settings: remote.Settings{Retries: intp(1)}}, pipeline.Env{})
	_, err = q.Predict(context.Background(), rec(nil))
	if err == nil || !strings.Contains(err.Error(), "malformed response") || !strings.Contains(err.Error(), "<html>oops") {
		t.Errorf("err = %v", err)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, func(n int64, _ map[string]any, w http.ResponseWriter) {
		if n == 1 {
			<-release
		}
		io.WriteString(w, `{"label":"1"}`)
	})
	defer close(release)
	p := build(t, Spec{URL: srv.URL, Label: "label", Settings: remote.Settings{Timeout: 100 * time.Millisecond, Retries: intp(1)}}, pipeline.Env{})
	out, err := p.Predict(context.Background(), rec(nil))
	if err != nil || out.Attempts != 2 {
		t.Fatalf("retry after timeout: %+v %v", out, err)
	}
	q := build(t, Spec{URL: srv.URL, Label: "label", Settings: remote.Settings{Timeout: 50 * time.Millisecond, Retries: intp(0)}}, pipeline.Env{})
	srv.n.Store(0)
	_, err = q.Predict(context.Background(), rec(nil))
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v", err)
	}
	// The caller's context wins: no retry, its error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Predict(ctx, rec(nil)); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
}

func TestCacheAndSecrets(t *testing.T) {
	srv := newServer(t, func(n int64, _ map[string]any, w http.ResponseWriter) {
		if n == 2 {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"bad token Bearer `+secret+`"}`)
			return
		}
		io.WriteString(w, `{"prediction":{"label":"1","score":0.8},"echo":"`+secret+`"}`)
	})
	cache := &memCache{}
	p := build(t, Spec{
		URL:     srv.URL,
		Headers: map[string]string{"Authorization": "Bearer " + secret},
		Body:    map[string]any{"a": "{{.a}}"},
		Label:   "prediction.label", Score: "prediction.score", CostPerCall: 0.5,
	}, pipeline.Env{Cache: cache})
	first, err := p.Predict(context.Background(), rec(map[string]any{"a": 1.0}))
	if err != nil || first.Cached || first.Label != "1" || first.Latency <= 0 {
		t.Fatalf("%+v %v", first, err)
	}
	if srv.auth[0] != "Bearer "+secret {
		t.Errorf("header not sent: %q", srv.auth[0])
	}
	if strings.Contains(first.Raw, secret) {
		t.Errorf("secret in Raw: %s", first.Raw)
	}
	hit, err := p.Predict(context.Background(), rec(map[string]any{"a": 1.0}))
	if err != nil || !hit.Cached || hit.Label != first.Label || hit.Score != first.Score || hit.Raw != first.Raw ||
		hit.Latency != first.Latency || hit.Attempts != 0 || hit.Cost != 0 {
		t.Fatalf("hit = %+v (first %+v) %v", hit, first, err)
	}
	if n := srv.n.Load(); n != 1 {
		t.Errorf("cache hit made a request: %d", n)
	}
	// The key does not depend on the header value.
	if _, ok := cache.m[pipeline.CacheKey("http/v1", "POST", srv.URL, `{"a":1}`)]; !ok || len(cache.m) != 1 {
		t.Errorf("cache keys = %v", cache.m)
	}
	for k, v := range cache.m {
		if strings.Contains(k, secret) || strings.Contains(string(v), "Bearer") {
			t.Errorf("secret in cache: %s %s", k, v)
		}
	}
	// A 401 whose body echoes the token: the error text is scrubbed.
	_, err = p.Predict(context.Background(), rec(map[string]any{"a": 2.0}))
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v", err)
	}
}

func TestAllowList(t *testing.T) {
	env := pipeline.Env{AllowedURLs: []string{"https://models.internal/api", "http://127.0.0.1/"}}
	for u, ok := range map[string]bool{
		"https://models.internal/api":           true,
		"https://models.internal/api/v1/score":  true,
		"https://models.internal/api?x=1":       true,
		"https://models.internal/apis":          false,
		"https://models.internal.evil.org/api":  false,
		"https://elsewhere.example.com/predict": false,
		"http://127.0.0.1/predict":              true,
	} {
		_, err := (&Spec{URL: u, Label: "x"}).Build(env)
		fe := pipeline.AsFieldErrors(err)
		if ok != (err == nil) || !ok && (len(fe) != 1 || fe[0].Field != "url" || !strings.Contains(fe[0].Msg, "allowed")) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := (&Spec{URL: "https://anything.example.com", Label: "x"}).Build(pipeline.Env{}); err != nil {
		t.Errorf("no allow-list: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	th := 0.5
	_, err := (&Spec{
		Body:         map[string]any{"x": map[string]any{"y": "{{.a"}},
		BodyTemplate: "",
		Label:        "a..b",
		Threshold:    &th,
		Settings:     remote.Settings{Concurrency: -1, Retries: intp(-1)},
		Method:       "GE T",
	}).Build(pipeline.Env{})
	var fields []string
	for _, fe := range pipeline.AsFieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	want := "url,method,body.x.y,label,threshold,concurrency,retries"
	if strings.Join(fields, ",") != want {
		t.Errorf("fields = %v, want %s (%v)", fields, want, err)
	}
	_, err = (&Spec{URL: "http://x", Body: map[string]any{}, BodyTemplate: "{}"}).Build(pipeline.Env{})
	if fe := pipeline.AsFieldErrors(err); len(fe) != 1 || fe[0].Field != "body_template" {
		t.Errorf("both bodies: %v", err)
	}
	_, err = (&Spec{URL: "ftp://x/y"}).Build(pipeline.Env{})
	if fe := pipeline.AsFieldErrors(err); len(fe) != 1 || fe[0].Field != "url" {
		t.Errorf("ftp: %v", err)
	}
}

func TestRedaction(t *testing.T) {
	srv := newServer(t, func(_ int64, body map[string]any, w http.ResponseWriter) {
		// The model answers with the token it saw.
		json.NewEncoder(w).Encode(map[string]any{"label": "spam", "reply": "write to " + body["from"].(string)})
	})
	r, err := redact.New(redact.Config{})
	if err != nil {
		t.Fatal(err)
	}
	cache := &memCache{}
	p := build(t, Spec{
		URL:   srv.URL,
		Body:  map[string]any{"from": "{{.from}}", "text": "Hi, I am {{.from}}, call +44 20 7946 0958", "amount": "{{.amount}}"},
		Label: "label",
	}, pipeline.Env{Privacy: r, Cache: cache})
	out, err := p.Predict(context.Background(), rec(map[string]any{"from": "jane.doe@example.com", "amount": 10.0}))
	if err != nil {
		t.Fatal(err)
	}
	body := srv.lastBody()
	if strings.Contains(body, "jane.doe@example.com") || strings.Contains(body, "7946") {
		t.Errorf("server saw personal data: %s", body)
	}
	if body != `{"amount":10,"from":"<EMAIL_1>","text":"Hi, I am <EMAIL_1>, call <PHONE_1>"}` {
		t.Errorf("body = %s", body)
	}
	if out.Label != "spam" || !strings.Contains(out.Raw, "write to jane.doe@example.com") {
		t.Errorf("not restored: %+v", out)
	}
	for k, v := range cache.m {
		if strings.Contains(k+string(v), "jane") {
			t.Errorf("personal data in cache: %s", v)
		}
	}
	hit, err := p.Predict(context.Background(), rec(map[string]any{"from": "jane.doe@example.com", "amount": 10.0}))
	if err != nil || !hit.Cached || hit.Raw != out.Raw {
		t.Errorf("hit = %+v %v", hit, err)
	}
}

func TestThroughputAndEstimate(t *testing.T) {
	p := build(t, Spec{URL: "http://x", ExpectedLatency: 50 * time.Millisecond, CostPerCall: 0.2, Settings: remote.Settings{Concurrency: 7, RequestsPerMinute: 120}}, pipeline.Env{})
	if p.Concurrency() != 7 || p.RequestsPerMinute() != 120 || p.ExpectedLatency() != 50*time.Millisecond {
		t.Errorf("throughput: %d %v %v", p.Concurrency(), p.RequestsPerMinute(), p.ExpectedLatency())
	}
	if e, _ := p.Estimate(datasets.Record{}); e.Cost != 0.2 {
		t.Errorf("estimate %+v", e)
	}
	if p.Check(context.Background()) != nil {
		t.Error("check")
	}
	d := build(t, Spec{URL: "http://x"}, pipeline.Env{})
	if d.Concurrency() != 4 || d.ExpectedLatency() != time.Second {
		t.Errorf("defaults: %d %v", d.Concurrency(), d.ExpectedLatency())
	}
}

func TestConcurrent(t *testing.T) {
	srv := newServer(t, func(_ int64, body map[string]any, w http.ResponseWriter) {
		fmt.Fprintf(w, `{"label":"%v"}`, body["i"])
	})
	p := build(t, Spec{URL: srv.URL, Label: "label", Body: map[string]any{"i": "{{.i}}"}, Settings: remote.Settings{Concurrency: 8}}, pipeline.Env{Cache: &memCache{}})
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := p.Predict(context.Background(), rec(map[string]any{"i": float64(i)}))
			if err != nil || out.Label != fmt.Sprint(i) {
				t.Errorf("%d: %+v %v", i, out, err)
			}
		}()
	}
	wg.Wait()
}

func TestIdenticalRequestsInFlightShareOneCall(t *testing.T) {
	srv := newServer(t, func(_ int64, _ map[string]any, w http.ResponseWriter) {
		time.Sleep(30 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"prediction": {"label": "fraud"}}`)
	})
	p := build(t, Spec{URL: srv.URL, Body: map[string]any{"s": "{{.s}}"}, Label: "prediction.label", Settings: remote.Settings{Concurrency: 8}},
		pipeline.Env{Columns: []string{"s"}})
	var wg sync.WaitGroup
	var shared atomic.Int32
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := p.Predict(context.Background(), rec(map[string]any{"s": "same"}))
			if err != nil || out.Label != "fraud" {
				t.Errorf("got %+v, %v", out, err)
			}
			if out.Cached {
				shared.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := srv.n.Load(); n != 1 || shared.Load() != 5 {
		t.Errorf("%d calls and %d shared answers for 6 identical requests in flight; want 1 and 5", n, shared.Load())
	}
}
