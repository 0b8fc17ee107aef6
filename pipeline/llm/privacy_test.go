package llm

import (
	"context"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
	"github.com/poc-harness/poc/pipeline/redact"
)

// TestPrivacyWhatTheServerReceives: with the experiment's privacy on (the
// real redactor), none of a record's IBAN, card, e-mail and phone number,
// in the formats people write, reaches the server, and the answer's tokens
// are restored.
func TestPrivacyWhatTheServerReceives(t *testing.T) {
	values := []string{
		"fr14 2004 1010 0505 0001 3m02 606", // lower case with spaces: once sent as "fr14 2004 1010 <PHONE_1> 3m02 606"
		"DE89-3704-0044-0532-0130-00",
		"4111.1111.1111.1111",
		"Jane.Doe@Example.com",
		"+33 6 12 34 56 78",
		"06.12.34.56.78",
	}
	body := "Please refund to " + strings.Join(values, " and ") + "."
	// The server answers the message it received: restored, it is the body.
	srv := llmtest.NewServer(t, llmtest.WithResponder(func(req openai.ChatCompletionRequest) string {
		return req.Messages[len(req.Messages)-1].Content
	}))
	r, err := redact.New(redact.Config{})
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	env.Privacy = r
	s := labelSpec(srv.URL)
	s.Output = OutputSpec{Type: OutputText}
	s.Prompt = "{{.body}}"
	p := build(t, s, env)
	out, err := p.Predict(context.Background(), datasets.Record{Fields: map[string]any{"subject": "", "body": body, "queue": ""}})
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 1 {
		t.Fatalf("%d requests", srv.Count())
	}
	sent := string(srv.Requests()[0].Body)
	for _, v := range values {
		if strings.Contains(sent, v) {
			t.Errorf("the server received %q", v)
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, v)
		if len(digits) >= 4 && strings.Contains(sent, digits[len(digits)-4:]) {
			t.Errorf("the server received the last digits of %q", v)
		}
	}
	for _, piece := range []string{"0505 0001", "3m02", "0130", "jane.doe"} {
		if strings.Contains(strings.ToLower(sent), piece) {
			t.Errorf("the server received a piece %q: %s", piece, sent)
		}
	}
	for _, tok := range []string{"<IBAN_1>", "<IBAN_2>", "<CARD_1>", "<EMAIL_1>", "<PHONE_1>", "<PHONE_2>"} {
		if !strings.Contains(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(sent), tok) {
			t.Errorf("the request lacks %s: %s", tok, sent)
		}
	}
	if out.Text != body {
		t.Errorf("restored answer %q, want %q", out.Text, body)
	}
}
