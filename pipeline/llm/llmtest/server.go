package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Fault is what the server does wrong with one request. The zero Fault is a
// normal answer.
type Fault struct {
	// Status, when non-zero, is returned at once with an OpenAI-style error
	// body (no latency: throttling is fast).
	Status int
	// RetryAfter is sent as the Retry-After header of a Status response.
	RetryAfter string
	// Hang holds the request until the client gives up (or the server closes).
	Hang bool
	// Malformed answers 200 with a body that is not JSON.
	Malformed bool
	// Truncated answers 200 and drops the connection halfway through the body.
	Truncated bool
}

// Recorded is one request the server received.
type Recorded struct {
	// Body is the raw request body.
	Body []byte
	// Header is the request's header (Authorization included).
	Header http.Header
	// At is when the request arrived.
	At time.Time
	// Path is the request's URL path.
	Path string
	// Req is the decoded body.
	Req openai.ChatCompletionRequest
}

// Option configures a Server.
type Option func(*Server)

// WithResponder sets the answer content for a request. The default answers
// with the word after the last "label:" in the last user message, or "ok".
func WithResponder(f func(req openai.ChatCompletionRequest) string) Option {
	return func(s *Server) { s.respond = f }
}

// WithLatency delays every answer (not the Status faults) by d.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// WithFaults decides, per request, whether and how to fail; n is the
// 1-based number of the request in arrival order.
func WithFaults(f func(n int, req openai.ChatCompletionRequest) Fault) Option {
	return func(s *Server) { s.faults = f }
}

// WithoutRecording keeps only the count of requests, not their bodies: for
// benchmarks whose heap should be the client's.
func WithoutRecording() Option {
	return func(s *Server) { s.norecord = true }
}

// Server is a fake OpenAI-compatible API. It answers POST
// {URL}/chat/completions and, for Azure, /openai/deployments/{d}/chat/completions.
// It is an http.Handler: NewServer serves it for a test, and New builds it
// for a program to serve itself (bench/llmserver).
type Server struct {
	// URL is the base URL of the API, ending in /v1 ("" until served by
	// NewServer).
	URL string
	// Root is the server's root URL, the base URL of an Azure-style client
	// ("" until served by NewServer).
	Root string

	respond  func(openai.ChatCompletionRequest) string
	latency  time.Duration
	faults   func(int, openai.ChatCompletionRequest) Fault
	norecord bool

	srv       *httptest.Server
	done      chan struct{}
	closeOnce sync.Once
	count     atomic.Int64
	mu        sync.Mutex
	reqs      []Recorded
}

// New returns a server that is not listening: serve it as an http.Handler,
// and call Close to release the requests it holds.
func New(opts ...Option) *Server {
	s := &Server{respond: DefaultResponder, done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	return s
}

// NewServer starts a server that is closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	s.srv = httptest.NewServer(s)
	s.Root = s.srv.URL
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(func() {
		s.Close()
		s.srv.Close()
	})
	return s
}

// ServeHTTP answers one request (http.Handler).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handle(w, r) }

// Close ends the requests the server holds (latency, hangs); it does not
// stop a listener. Calling it more than once is harmless.
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.done) }) }

// Count returns the number of chat-completion requests received.
func (s *Server) Count() int { return int(s.count.Load()) }

// Requests returns the requests received so far, in arrival order.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.reqs...)
}

var labelRE = regexp.MustCompile(`(?i)label:\s*([^\s,.;]+)`)

// DefaultResponder answers with the word after the last "label:" in the
// last user message, or "ok".
func DefaultResponder(req openai.ChatCompletionRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role != openai.ChatMessageRoleUser {
			continue
		}
		m := labelRE.FindAllStringSubmatch(req.Messages[i].Content, -1)
		if len(m) > 0 {
			return m[len(m)-1][1]
		}
		break
	}
	return "ok"
}

// Tokens is the server's token count of a text: its words.
func Tokens(text string) int { return len(strings.Fields(text)) }

// PromptTokens is the server's usage count of a request's prompt: the words
// of every message plus 4 per message.
func PromptTokens(req openai.ChatCompletionRequest) int {
	n := 0
	for _, m := range req.Messages {
		n += Tokens(m.Content) + 4
	}
	return n
}

// CompletionTokens is the server's usage count of an answer (at least 1).
func CompletionTokens(answer string) int { return max(1, Tokens(answer)) }

// handle answers one chat-completion request, or fails it as the faults
// decide.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	req, n, ok := s.receive(w, r)
	if !ok {
		return
	}
	var f Fault
	if s.faults != nil {
		f = s.faults(n, req)
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, "server_error", fmt.Sprintf("fault injected on request %d", n))
		return
	}
	if !s.wait(r, f.Hang) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if f.Malformed {
		io.WriteString(w, `{"id":"chatcmpl-bad","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"bil`)
		io.WriteString(w, "<html>502 bad gateway</html>")
		return
	}
	s.answer(w, req, n, f.Truncated)
}

// receive routes, reads and decodes a request, counts it and records it. It
// returns the request and its number, or false once it has answered an
// error.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) (openai.ChatCompletionRequest, int, bool) {
	var req openai.ChatCompletionRequest
	if r.Method != http.MethodPost || !isChatPath(r.URL.Path) {
		writeError(w, http.StatusNotFound, "", "no route for "+r.Method+" "+r.URL.Path)
		return req, 0, false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "read body: "+err.Error())
		return req, 0, false
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "", "decode body: "+err.Error())
		return req, 0, false
	}
	n := int(s.count.Add(1))
	if !s.norecord {
		s.mu.Lock()
		s.reqs = append(s.reqs, Recorded{Body: body, Header: r.Header.Clone(), At: time.Now(), Path: r.URL.Path, Req: req})
		s.mu.Unlock()
	}
	return req, n, true
}

// wait holds the request for the server's latency, or until the client
// gives up when hang is set. It reports whether to answer: false when the
// client or the server went away first, and always after a hang.
func (s *Server) wait(r *http.Request, hang bool) bool {
	if hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return false
	}
	if s.latency > 0 {
		t := time.NewTimer(s.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		case <-s.done:
			t.Stop()
			return false
		}
	}
	return true
}

// answer writes the completion of request number n, with its usage; when
// truncated, it drops the connection halfway through the body.
func (s *Server) answer(w http.ResponseWriter, req openai.ChatCompletionRequest, n int, truncated bool) {
	answer := s.respond(req)
	resp := openai.ChatCompletionResponse{
		ID:      "chatcmpl-" + strconv.Itoa(n),
		Object:  "chat.completion",
		Created: time.Now().Unix(),
		Model:   req.Model,
		Choices: []openai.ChatCompletionChoice{{
			Index:        0,
			Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: answer},
			FinishReason: openai.FinishReasonStop,
		}},
	}
	in, out := PromptTokens(req), CompletionTokens(answer)
	resp.Usage = openai.Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: in + out}
	b, err := json.Marshal(resp)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", err.Error())
		return
	}
	if truncated {
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b[:len(b)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // drop the connection mid-body
	}
	w.Write(b)
}

// isChatPath matches /v1/chat/completions and the Azure
// /openai/deployments/{d}/chat/completions.
func isChatPath(p string) bool {
	if p == "/v1/chat/completions" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "/openai/deployments/")
	if !ok {
		return false
	}
	d, tail, ok := strings.Cut(rest, "/")
	return ok && d != "" && tail == "chat/completions"
}

func writeError(w http.ResponseWriter, code int, typ, msg string) {
	if typ == "" {
		typ = "invalid_request_error"
	}
	if code == http.StatusTooManyRequests {
		typ = "rate_limit_error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
}
