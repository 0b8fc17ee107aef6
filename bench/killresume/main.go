// Command killresume runs poc's kill–resume scenario through the binary,
// as a user lives it: the shipped support-triage experiment (2,000
// tickets) against a local OpenAI-compatible server that fails 20% of the
// requests (429 and 500) and bills every answer it sends, with SIGKILL at
// random moments followed by `poc run --resume`. It prints, per scenario,
// what the server billed against the budget, the records missing and
// duplicated in the journal, and the answers paid for twice.
//
//	go run ./bench/killresume -poc /path/to/poc [-kills 3] [-seed 1]
//
// bench/kill-resume.sh builds the binary and runs it.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/internal/results"
)

// The experiment's price per million tokens (experiments/support-triage.yaml).
const (
	pricePerMillionIn  = 0.15
	pricePerMillionOut = 0.60
)

func main() {
	poc := flag.String("poc", "", "the poc binary")
	kills := flag.Int("kills", 3, "SIGKILLs per scenario before the last resume")
	seed := flag.Uint64("seed", 1, "seed of the faults and of the kill moments")
	experiment := flag.String("experiment", "experiments/support-triage.yaml", "the experiment to replay")
	flag.Parse()
	if *poc == "" {
		fmt.Fprintln(os.Stderr, "killresume: -poc BINARY is required")
		os.Exit(2)
	}
	scenarios := []scenario{
		{name: "cache, ample budget", maxCost: 1},
		{name: "no cache, ample budget", maxCost: 1, noCache: true},
		{name: "cache, cap 0.06 on every attempt", maxCost: 0.06},
		{name: "no cache, cap 0.06 on every attempt", maxCost: 0.06, noCache: true},
	}
	fmt.Printf("%-36s %8s %8s %7s %9s %8s %7s %6s %8s %9s\n", "scenario", "billed", "cap", "ratio", "manifest",
		"attempts", "missing", "dups", "paid×2", "in flight")
	failed := false
	for i, sc := range scenarios {
		r, err := sc.run(*poc, *experiment, *kills, *seed+uint64(i))
		if err != nil {
			fmt.Fprintf(os.Stderr, "killresume: %s: %v\n", sc.name, err)
			os.Exit(1)
		}
		fmt.Printf("%-36s %8.4f %8.4f %7.3f %9.4f %4d (%d) %7d %6d %8d %9d\n", sc.name, r.billed, sc.maxCost, r.billed/sc.maxCost,
			r.manifestSpent, r.manifestAttempts, r.attempts, r.missing, r.duplicated, r.paidTwice, r.resent)
		// An answer paid twice must be one the provider sent as the process
		// was killed, never received: at most the requests in flight at a stop.
		if r.billed > sc.maxCost || r.duplicated > 0 || (sc.maxCost >= 1 && r.missing > 0) || r.manifestSpent+1e-9 < r.billed ||
			r.paidTwice > r.resent || r.manifestAttempts != r.attempts {
			failed = true
		}
	}
	if failed {
		fmt.Println("FAIL: the budget was exceeded, the manifest under-reports the spend or the attempts, records are missing or duplicated, or an answer received was paid for again")
		os.Exit(1)
	}
}

type scenario struct {
	name    string
	maxCost float64
	noCache bool
}

type outcome struct {
	billed           float64
	manifestSpent    float64
	manifestAttempts int
	attempts         int
	missing          int
	duplicated       int
	paidTwice        int
	resent           int
}

func (sc scenario) run(poc, experiment string, kills int, seed uint64) (outcome, error) {
	srv, err := startServer(seed)
	if err != nil {
		return outcome{}, err
	}
	defer srv.close()
	tmp, err := os.MkdirTemp("", "poc-killresume-")
	if err != nil {
		return outcome{}, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "results")
	env := append(os.Environ(), "POC_LLM_BASE_URL="+srv.url, "POC_LLM_API_KEY=sk-bench-0000",
		"POC_CACHE_DIR="+filepath.Join(tmp, "cache"))
	flags := []string{"--max-cost", fmt.Sprint(sc.maxCost)}
	if sc.noCache {
		flags = append(flags, "--no-cache")
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	attempts := 0
	dir := ""
	for k := 0; k <= kills; k++ {
		args := append([]string{"run", experiment, "--out", out}, flags...)
		if dir != "" {
			args = append([]string{"run", "--resume", dir}, flags...)
		}
		cmd := exec.Command(poc, args...)
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			return outcome{}, err
		}
		attempts++
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if k < kills {
			select {
			case <-done: // finished (or stopped at its budget) before the kill
			case <-time.After(time.Duration(200+rng.IntN(1800)) * time.Millisecond):
				_ = cmd.Process.Signal(syscall.SIGKILL)
				<-done
			}
		} else {
			<-done
		}
		if dir == "" {
			m, _ := filepath.Glob(filepath.Join(out, "*", "*"))
			if len(m) != 1 {
				return outcome{}, fmt.Errorf("run folders after attempt %d: %v (stderr: %s)", attempts, m, stderr.String())
			}
			dir = m[0]
		}
		var man struct{ Status string }
		if readJSON(filepath.Join(dir, "manifest.json"), &man) == nil && man.Status == "complete" {
			break
		}
	}
	o := outcome{attempts: attempts}
	o.billed, o.paidTwice = srv.bill()
	var man struct {
		Spent    float64 `json:"spent"`
		Attempts int     `json:"attempts"`
		Resent   int     `json:"in_flight_at_stop"`
	}
	if err := readJSON(filepath.Join(dir, "manifest.json"), &man); err != nil {
		return o, err
	}
	o.manifestSpent, o.manifestAttempts, o.resent = man.Spent, man.Attempts, man.Resent
	o.missing, o.duplicated, err = journalCounts(filepath.Join(dir, "predictions.jsonl"), 2000)
	return o, err
}

// journalCounts counts, for the LLM pipeline, the records of 0..n-1 with
// no line in the journal and the lines beyond one per record.
func journalCounts(path string, n int) (missing, duplicated int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	seen := map[int]int{}
	err = results.ReadJournal(f, func(e results.Entry) error {
		if e.Pipeline == "llm-router" {
			seen[e.Seq]++
		}
		return nil
	})
	for seq := 0; seq < n; seq++ {
		if seen[seq] == 0 {
			missing++
		} else {
			duplicated += seen[seq] - 1
		}
	}
	return missing, duplicated, err
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// server is the fake provider: 10% of requests get a 429, 10% a 500, the
// rest an answer after 5–30 ms, billed at the usage it reports.
type server struct {
	url string
	ln  net.Listener
	srv *http.Server

	mu     sync.Mutex
	rng    *rand.Rand
	billed float64
	paid   map[[32]byte]int
}

func startServer(seed uint64) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://" + ln.Addr().String() + "/v1", ln: ln, rng: rand.New(rand.NewPCG(seed, 7)), paid: map[[32]byte]int{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.handle)}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *server) close() { _ = s.srv.Close() }

// bill returns what the server charged and how many answers it charged for
// a request it had already answered.
func (s *server) bill() (float64, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	twice := 0
	for _, n := range s.paid {
		twice += n - 1
	}
	return s.billed, twice
}

func (s *server) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var req openai.ChatCompletionRequest
	if err != nil || json.Unmarshal(body, &req) != nil || len(req.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	roll, latency := s.rng.Float64(), time.Duration(5+s.rng.IntN(25))*time.Millisecond
	s.mu.Unlock()
	switch {
	case roll < 0.10:
		w.Header().Set("Retry-After", "0")
		http.Error(w, `{"error":{"message":"rate limited","type":"rate_limit"}}`, http.StatusTooManyRequests)
		return
	case roll < 0.20:
		http.Error(w, `{"error":{"message":"server error","type":"server_error"}}`, http.StatusInternalServerError)
		return
	}
	select {
	case <-time.After(latency):
	case <-r.Context().Done():
		return // the client went away before the answer: nothing billed
	}
	answer := route(req.Messages[len(req.Messages)-1].Content)
	in := 0
	for _, m := range req.Messages {
		in += len(strings.Fields(m.Content)) + 4
	}
	out := 1
	resp := openai.ChatCompletionResponse{ID: "bench", Object: "chat.completion", Model: req.Model,
		Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Role: "assistant", Content: answer}, FinishReason: "stop"}},
		Usage:   openai.Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: in + out}}
	b, _ := json.Marshal(resp)
	// Billed once the answer is generated and sent, whether or not the
	// client lives to read it.
	s.mu.Lock()
	s.billed += float64(in)/1e6*pricePerMillionIn + float64(out)/1e6*pricePerMillionOut
	s.paid[sha256.Sum256(body)]++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// route answers like a model would, from the ticket's words.
func route(text string) string {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "cancel"):
		return "cancellation"
	case strings.Contains(t, "refund") || strings.Contains(t, "invoice") || strings.Contains(t, "charge"):
		return "billing"
	case strings.Contains(t, "parcel") || strings.Contains(t, "deliver"):
		return "shipping"
	case strings.Contains(t, "password") || strings.Contains(t, "login"):
		return "account"
	}
	return "technical"
}
