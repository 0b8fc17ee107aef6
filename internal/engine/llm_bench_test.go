package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/engine"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/llm"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
	"github.com/poc-harness/poc/pipeline/pipelinetest"
	"github.com/poc-harness/poc/pipeline/remote"
)

// BenchmarkReplayLLM replays 10,000 records through the whole engine and an
// llm pipeline against an in-process OpenAI-compatible server answering in
// 50 ms, at concurrency 64, and reports the wall time against the ideal
// N × latency / concurrency; with "429s" 5% of the answers are a 429
// without Retry-After. Figures: bench/RESULTS.md.
func BenchmarkReplayLLM(b *testing.B) {
	const n, latency, conc = 10_000, 50 * time.Millisecond, 64
	for _, tc := range []struct {
		name   string
		faults func(int, openai.ChatCompletionRequest) llmtest.Fault
	}{
		{"clean", nil},
		{"429s", func(k int, _ openai.ChatCompletionRequest) llmtest.Fault {
			if k%20 == 7 {
				return llmtest.Fault{Status: 429}
			}
			return llmtest.Fault{}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			opts := []llmtest.Option{llmtest.WithLatency(latency), llmtest.WithoutRecording(),
				llmtest.WithResponder(func(openai.ChatCompletionRequest) string { return "billing" })}
			if tc.faults != nil {
				opts = append(opts, llmtest.WithFaults(tc.faults))
			}
			srv := llmtest.NewServer(b, opts...)
			noKey := ""
			spec := &llm.Spec{
				ModelSettings: remote.ModelSettings{BaseURL: srv.URL, APIKeyEnv: &noKey, Model: "gpt-4o-mini",
					Settings: remote.Settings{Concurrency: conc, Timeout: 10 * time.Second}},
				Prompt: "Ticket: {{.body}}",
				Output: llm.OutputSpec{Type: llm.OutputLabel, Labels: []string{"billing", "technical"}},
			}
			p, err := spec.Build(pipeline.Env{Name: "llm", Columns: []string{"body"}})
			if err != nil {
				b.Fatal(err)
			}
			if c, ok := p.(pipeline.Checker); ok {
				if err := c.Check(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			records := make([]datasets.Record, n)
			for i := range records {
				records[i] = datasets.Record{Fields: map[string]any{"body": fmt.Sprintf("ticket number %d about an invoice", i)}}
			}
			runtime.GC()
			stop := peakHeap()
			b.ResetTimer()
			for b.Loop() {
				res, err := engine.Replay(context.Background(), &pipelinetest.SliceReader{Cols: []string{"body"}, Records: records},
					[]engine.Pipe{{Name: "llm", Pipeline: p}}, nil, engine.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if res.Records != n || res.Failures[0] != 0 {
					b.Fatalf("%d records, %d failures", res.Records, res.Failures[0])
				}
			}
			ideal := time.Duration(n / conc * int(latency))
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/ideal.Seconds(), "x-ideal")
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
		})
	}
}
