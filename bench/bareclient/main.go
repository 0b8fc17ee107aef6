// Command bareclient is the floor a replay through poc is measured against
// (bench/llm.sh): it sends one chat-completion request per record of a JSON
// Lines file of tickets to an OpenAI-compatible server, from a fixed number
// of goroutines over net/http, and does nothing else — no cache, no
// pseudonymisation, no retry, no journal. It prints the wall time, the
// requests per second and how many requests did not answer 200.
//
//	go run ./bench/bareclient -url http://127.0.0.1:PORT/v1 -data tickets.jsonl -concurrency 64 -system prompt.txt
//
// The messages are those of experiments/support-triage.yaml's llm pipeline:
// the system prompt (-system), then "Subject: …\n\n…" of the record's
// subject and body.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bareclient:", err)
		os.Exit(1)
	}
}

func run() error {
	url := flag.String("url", "", "base URL of the API, ending in /v1")
	data := flag.String("data", "", "JSON Lines file of tickets (fields subject and body)")
	system := flag.String("system", "", "file holding the system prompt (empty: none)")
	model := flag.String("model", "gpt-4o-mini", "model to ask for")
	conc := flag.Int("concurrency", 64, "requests in flight")
	flag.Parse()
	if *url == "" || *data == "" {
		return fmt.Errorf("-url and -data are required")
	}
	sys := ""
	if *system != "" {
		b, err := os.ReadFile(*system)
		if err != nil {
			return fmt.Errorf("read system prompt: %w", err)
		}
		sys = string(b)
	}
	bodies, err := requests(*data, sys, *model)
	if err != nil {
		return err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 2**conc, 2**conc
	client := &http.Client{Transport: t}
	endpoint := *url + "/chat/completions"

	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				if err := send(client, endpoint, bodies[i]); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	fmt.Printf("bare client: %d requests, %d failed, concurrency %d: %.3f s wall, %.0f requests/s\n",
		len(bodies), failed.Load(), *conc, wall.Seconds(), float64(len(bodies))/wall.Seconds())
	return nil
}

// requests reads the tickets and encodes one request body per ticket.
func requests(path, system, model string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var t struct{ Subject, Body string }
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, len(out)+1, err)
		}
		var msgs []openai.ChatCompletionMessage
		if system != "" {
			msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: system})
		}
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: "Subject: " + t.Subject + "\n\n" + t.Body})
		b, err := json.Marshal(openai.ChatCompletionRequest{Model: model, Messages: msgs, MaxTokens: 5})
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		out = append(out, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// send posts one request and reads and decodes its answer.
func send(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var r openai.ChatCompletionResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	if len(r.Choices) == 0 {
		return fmt.Errorf("no choices")
	}
	return nil
}
