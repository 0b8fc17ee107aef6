package llm

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
	"github.com/poc-harness/poc/pipeline/redact"
)

// TestEstimateThenPredict: a Predict that takes the request its record's
// Estimate made ready gives what a Predict alone gives — the same output,
// the same requests sent, the same replacements counted — with and
// without pseudonymisation, with personal data in the record or not, on a
// first run and on a rerun from the cache.
func TestEstimateThenPredict(t *testing.T) {
	records := []datasets.Record{
		record("Refund", "Where is my money?", "billing"),
		record("Login", "Mail jane.doe@example.com or call +33 6 12 34 56 78", "account"),
		record("Refund", "Where is my money?", "billing"), // the same request again
		record("Parcel", "Lost, tracking 123", "shipping"),
	}
	for _, private := range []bool{false, true} {
		t.Run(fmt.Sprintf("pseudonymise=%v", private), func(t *testing.T) {
			type run struct {
				srv  *llmtest.Server
				p    *LLM
				red  *redact.Redactor
				outs []pipeline.Output
			}
			newRun := func(cache pipeline.Cache, srv *llmtest.Server) *run {
				r := &run{srv: srv}
				env := testEnv()
				env.Cache = cache
				if private {
					var err error
					if r.red, err = redact.New(redact.Config{}); err != nil {
						t.Fatal(err)
					}
					env.Privacy = r.red
				}
				r.p = build(t, labelSpec(r.srv.URL), env)
				return r
			}
			predict := func(r *run, estimate bool) {
				for _, rec := range records {
					if estimate {
						if _, err := r.p.Estimate(rec); err != nil {
							t.Fatal(err)
						}
					}
					out, err := r.p.Predict(context.Background(), rec)
					if err != nil {
						t.Fatal(err)
					}
					out.Latency = 0 // measured
					r.outs = append(r.outs, out)
				}
			}
			alone := newRun(newMemCache(), llmtest.NewServer(t))
			ready := newRun(newMemCache(), llmtest.NewServer(t))
			predict(alone, false)
			predict(ready, true)
			for _, r := range []*run{alone, ready} {
				if n := r.srv.Count(); n != 3 {
					t.Errorf("%d requests sent for 3 distinct ones", n)
				}
			}
			ra, rb := alone.srv.Requests(), ready.srv.Requests()
			for i := range min(len(ra), len(rb)) {
				if string(ra[i].Body) != string(rb[i].Body) {
					t.Errorf("request %d differs:\n%s\n%s", i, ra[i].Body, rb[i].Body)
				}
			}
			// A rerun from each cache, by a pipeline of its own.
			aloneRerun := newRun(alone.p.cache, alone.srv)
			readyRerun := newRun(ready.p.cache, ready.srv)
			predict(aloneRerun, false)
			predict(readyRerun, true)
			for _, pair := range [][2]*run{{alone, ready}, {aloneRerun, readyRerun}} {
				a, b := pair[0], pair[1]
				if fmt.Sprint(a.outs) != fmt.Sprint(b.outs) {
					t.Errorf("outputs differ:\nalone %+v\nready %+v", a.outs, b.outs)
				}
				if private && fmt.Sprint(a.red.Counts()) != fmt.Sprint(b.red.Counts()) {
					t.Errorf("replacements %v alone, %v with Estimate first", a.red.Counts(), b.red.Counts())
				}
			}
			if n := ready.srv.Count(); n != 3 {
				t.Errorf("the rerun sent %d requests", n-3)
			}
			if n := len(readyRerun.p.prepared.m); n != 0 {
				t.Errorf("%d requests still kept", n)
			}
		})
	}
}

// TestEstimateOfACachedRequestCountsNothing: an answer is cached with the
// request's token count, which a later Estimate of the same request takes
// instead of counting (here the tokenizer fails: only a request without a
// cached answer needs it).
func TestEstimateOfACachedRequestCountsNothing(t *testing.T) {
	srv := llmtest.NewServer(t)
	env := testEnv()
	env.Cache = newMemCache()
	s := labelSpec(srv.URL)
	s.ExpectedOutputTokens = 3 // the output's size needs no tokenizer
	first := build(t, s, env)
	rec := record("Refund", "Where is my money?", "billing")
	want, err := first.Estimate(rec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Predict(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	rerun := build(t, s, env)
	rerun.tok.once.Do(func() {}) // no codec: counting fails
	rerun.tok.err = errors.New("no tokenizer")
	tests := []struct {
		name    string
		rec     datasets.Record
		wantErr bool
	}{
		{"cached", rec, false},
		{"not cached", record("Other", "Something else", "technical"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rerun.Estimate(tt.rec)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Estimate = %+v, %v; want an error: %v", got, err, tt.wantErr)
			}
			if !tt.wantErr && got != want {
				t.Errorf("Estimate = %+v, want %+v as on the first run", got, want)
			}
		})
	}
}

// TestCacheKeyFromItsPrefix: the key made from the fixed messages'
// encoding, made once, is the key of the whole request, whatever the
// messages hold.
func TestCacheKeyFromItsPrefix(t *testing.T) {
	tests := []struct {
		name     string
		system   string
		examples []Example
		schema   bool
	}{
		{"no system message", "", nil, false},
		{"a system message", "You route tickets. <b>Never</b> & \"always\" — ünïcode\n", nil, false},
		{"system and examples", "Route.", []Example{{Input: map[string]any{"subject": "a<b", "body": "c&d", "hint": "x"}, Output: "billing"}}, false},
		{"examples only, JSON schema", "", []Example{{Input: map[string]any{"subject": "s", "body": "b", "hint": "h"}, Output: "technical"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := labelSpec("http://127.0.0.1:1/v1")
			s.System, s.Examples, s.JSONSchema = tt.system, tt.examples, tt.schema
			p := build(t, s, testEnv())
			for _, body := range []string{"plain", "quotes \" and <tags> & \\ \u2028", ""} {
				msgs, err := p.messages(record("Subject", body, "billing").Fields)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := p.cacheKey(msgs), pipeline.CacheKey(p.keyParts(msgs)...); got != want {
					t.Errorf("body %q: key %s, want %s", body, got, want)
				}
			}
		})
	}
}
