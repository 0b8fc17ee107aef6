package llmtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

func post(t *testing.T, url, body string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

const reqBody = `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Subject: x\nlabel: billing"}]}`

func TestServer(t *testing.T) {
	s := NewServer(t, WithFaults(func(n int, _ openai.ChatCompletionRequest) Fault {
		switch n {
		case 2:
			return Fault{Status: 429, RetryAfter: "2"}
		case 3:
			return Fault{Malformed: true}
		case 4:
			return Fault{Truncated: true}
		}
		return Fault{}
	}))

	resp, b, err := post(t, s.URL+"/chat/completions", reqBody)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %v err %v", resp, err)
	}
	var cr openai.ChatCompletionResponse
	if err := json.Unmarshal(b, &cr); err != nil {
		t.Fatal(err)
	}
	if cr.Choices[0].Message.Content != "billing" || cr.Usage.PromptTokens != 2+4+4+4 || cr.Usage.CompletionTokens != 1 {
		t.Errorf("response %+v", cr)
	}

	resp, _, _ = post(t, s.URL+"/chat/completions", reqBody)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("fault 2: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, b, _ = post(t, s.URL+"/chat/completions", reqBody); json.Valid(b) {
		t.Errorf("fault 3 is valid JSON: %s", b)
	}
	if _, _, err = post(t, s.URL+"/chat/completions", reqBody); err == nil {
		t.Errorf("fault 4: a truncated body read without error")
	}
	// Azure's path.
	resp, _, _ = post(t, s.Root+"/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01", reqBody)
	if resp.StatusCode != 200 {
		t.Errorf("azure path: %d", resp.StatusCode)
	}
	if resp, _, _ = post(t, s.URL+"/embeddings", reqBody); resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
	if s.Count() != 5 || len(s.Requests()) != 5 || s.Requests()[0].Req.Model != "m" {
		t.Errorf("count %d requests %d", s.Count(), len(s.Requests()))
	}
}

func TestLatencyAndHang(t *testing.T) {
	s := NewServer(t, WithLatency(30*time.Millisecond), WithFaults(func(n int, _ openai.ChatCompletionRequest) Fault {
		return Fault{Hang: n == 2}
	}))
	start := time.Now()
	if _, _, err := post(t, s.URL+"/chat/completions", reqBody); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered in %v", d)
	}
	c := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := c.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(reqBody)); err == nil {
		t.Error("a hung request answered")
	}
}
