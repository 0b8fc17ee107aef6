package llm

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

// BenchmarkReplay drives 10,000 Predict calls from 128 goroutines against
// llmtest at 50ms latency with concurrency 64, and reports the wall time
// against the ideal N×latency/concurrency, and the peak heap. Run with
// -benchtime=1x: one iteration is the whole replay.
//
//	go test -run '^$' -bench Replay -benchtime=1x ./pipeline/llm/
func BenchmarkReplay(b *testing.B) {
	const (
		calls       = 10000
		workers     = 128
		latency     = 50 * time.Millisecond
		concurrency = 64
	)
	cases := []struct {
		name   string
		faults func(n int, _ openai.ChatCompletionRequest) llmtest.Fault
	}{
		{"clean", nil},
		{"429x5pct", func(n int, _ openai.ChatCompletionRequest) llmtest.Fault {
			// 5% of responses, spread pseudo-randomly: a 429 without Retry-After.
			if (uint32(n)*2654435761)%100 < 5 {
				return llmtest.Fault{Status: 429}
			}
			return llmtest.Fault{}
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			opts := []llmtest.Option{llmtest.WithLatency(latency), llmtest.WithoutRecording()}
			if c.faults != nil {
				opts = append(opts, llmtest.WithFaults(c.faults))
			}
			srv := llmtest.NewServer(b, opts...)
			s := labelSpec(srv.URL)
			s.Concurrency = concurrency
			ideal := time.Duration(calls) * latency / concurrency
			for b.Loop() {
				p := build(b, s, testEnv())
				var next, failed atomic.Int64
				peak := heapSampler()
				start := time.Now()
				var wg sync.WaitGroup
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := next.Add(1)
							if i > calls {
								return
							}
							rec := record(fmt.Sprintf("ticket %d", i), "The parcel never arrived.", "shipping")
							if _, err := p.Predict(context.Background(), rec); err != nil {
								failed.Add(1)
							}
						}
					}()
				}
				wg.Wait()
				wall := time.Since(start)
				heap := peak()
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(wall.Seconds()/ideal.Seconds(), "x-ideal")
				b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(failed.Load()), "failed")
				b.ReportMetric(float64(srv.Count()), "requests")
				b.ReportMetric(float64(p.caller.Limit()), "final-limit")
				if failed.Load() > 0 {
					b.Errorf("%d calls failed", failed.Load())
				}
			}
		})
	}
}

// heapSampler samples the live heap every 5ms until the returned function
// is called, which returns the peak.
func heapSampler() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}
