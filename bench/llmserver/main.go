// Command llmserver serves the in-process test server of pipeline/llm/llmtest
// as a process of its own: an OpenAI-compatible chat-completions API on
// localhost that answers after a fixed latency and throttles a share of the
// requests with 429, for benchmarks of poc through its binary (bench/llm.sh).
//
//	go run ./bench/llmserver -addr 127.0.0.1:0 -latency 50ms -throttle 0.05
//
// It prints its base URL (http://HOST:PORT/v1) as the first line on
// standard output once it listens. GET /stats answers, as JSON, the number
// of chat-completion requests received, of those answered 429, and the
// time spent answering them all (busy_ns: over a client's wall time, the
// requests it kept in flight on average).
// The answer of a request is the word after the last "label:" in its last
// user message, or -answer when given.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/pipeline/llm/llmtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "llmserver:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	latency := flag.Duration("latency", 50*time.Millisecond, "time before each answer (a 429 is answered at once)")
	throttle := flag.Float64("throttle", 0, "share of requests answered 429 without Retry-After, scattered evenly (0.05: every 20th)")
	retryAfter := flag.String("retry-after", "", "Retry-After header of the 429 answers (empty: none)")
	answer := flag.String("answer", "", "fixed answer content (empty: the word after the last \"label:\" of the prompt, or \"ok\")")
	flag.Parse()
	every, err := throttleEvery(*throttle)
	if err != nil {
		return err
	}

	var throttled atomic.Int64
	opts := []llmtest.Option{llmtest.WithLatency(*latency), llmtest.WithoutRecording()}
	if every > 0 {
		opts = append(opts, llmtest.WithFaults(func(n int, _ openai.ChatCompletionRequest) llmtest.Fault {
			if n%every == 0 {
				throttled.Add(1)
				return llmtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: *retryAfter}
			}
			return llmtest.Fault{}
		}))
	}
	if *answer != "" {
		opts = append(opts, llmtest.WithResponder(func(openai.ChatCompletionRequest) string { return *answer }))
	}
	api := llmtest.New(opts...)
	defer api.Close()

	var busy atomic.Int64 // nanoseconds spent answering, over all requests
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int64{"requests": int64(api.Count()), "throttled": throttled.Load(),
			"busy_ns": busy.Load()})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		api.ServeHTTP(w, r)
		busy.Add(int64(time.Since(start)))
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fmt.Printf("http://%s/v1\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	api.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// throttleEvery turns a share of 429s into "every n-th request" (0 for
// none).
func throttleEvery(share float64) (int, error) {
	switch {
	case share == 0:
		return 0, nil
	case share < 0 || share >= 1 || math.IsNaN(share):
		return 0, fmt.Errorf("-throttle must be in [0, 1), got %v", share)
	}
	return max(1, int(math.Round(1/share))), nil
}
