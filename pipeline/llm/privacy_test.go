package llm

import (
	"context"
	"fmt"
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

// TestPrivacyFixedMessages: the system message and the few-shot pairs,
// the same for every record, are pseudonymised once when nothing in them is
// personal data, and for each record in the record's session when
// something is. Either way the server receives, the manifest counts and
// Estimate counts exactly what redacting every message of every record in
// order gives.
func TestPrivacyFixedMessages(t *testing.T) {
	for _, tc := range []struct {
		name, system string
		examples     []Example
		plain        bool
	}{
		{name: "plain", system: "You route support tickets.", plain: true,
			examples: []Example{{Input: map[string]any{"subject": "Refund", "body": "Where is my money?", "hint": "billing"}, Output: "billing"}}},
		{name: "e-mail in the system message", system: "Escalate what jane.doe@example.com must see."},
		{name: "phone in an example", system: "You route support tickets.",
			examples: []Example{{Input: map[string]any{"subject": "Call me", "body": "on +33 6 12 34 56 78", "hint": "account"}, Output: "account"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.NewServer(t)
			r, err := redact.New(redact.Config{})
			if err != nil {
				t.Fatal(err)
			}
			env := testEnv()
			env.Privacy = r
			s := labelSpec(srv.URL)
			s.System, s.Examples = tc.system, tc.examples
			p := build(t, s, env)
			if p.fixedPlain != tc.plain {
				t.Fatalf("fixedPlain = %v, want %v", p.fixedPlain, tc.plain)
			}
			oracle, err := redact.New(redact.Config{})
			if err != nil {
				t.Fatal(err)
			}
			bodies := []string{"Mail me at jane.doe@example.com", "Call +33 6 12 34 56 78 or jane.doe@example.com", "Nothing personal"}
			for i, body := range bodies {
				rec := record("Help", body, "billing")
				est, err := p.Estimate(rec)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := p.Predict(context.Background(), rec); err != nil {
					t.Fatal(err)
				}
				want, err := p.messages(rec.Fields)
				if err != nil {
					t.Fatal(err)
				}
				sess := oracle.Session()
				tokens := 0
				for k := range want {
					want[k].Content = sess.Redact(want[k].Content)
					n, err := p.count(want[k].Content)
					if err != nil {
						t.Fatal(err)
					}
					tokens += n + messageOverhead
				}
				got := srv.Requests()[i].Req.Messages
				if len(got) != len(want) {
					t.Fatalf("record %d: %d messages sent, want %d", i, len(got), len(want))
				}
				for k := range want {
					if got[k].Content != want[k].Content {
						t.Errorf("record %d, message %d: sent %q, want %q", i, k, got[k].Content, want[k].Content)
					}
				}
				if est.InputTokens != tokens {
					t.Errorf("record %d: Estimate counts %d input tokens, want %d", i, est.InputTokens, tokens)
				}
			}
			if got, want := r.Counts(), oracle.Counts(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("replacements counted %v, want %v", got, want)
			}
			if n := len(p.prepared.m); n != 0 {
				t.Errorf("%d requests still kept after every record was predicted", n)
			}
		})
	}
}
