package llm

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestYAMLKeys decodes the documented block strictly, as the experiment
// loader does.
func TestYAMLKeys(t *testing.T) {
	const block = `
provider: openai
base_url: https://api.openai.com/v1
api_key_env: OPENAI_API_KEY
model: gpt-4o-mini
system: You route customer support tickets to one queue.
prompt: |
  Subject: {{.subject}}
  {{.body}}
examples:
  - input: {subject: "Refund not received", body: "I returned the shoes two weeks ago..."}
    output: billing
temperature: 0
max_tokens: 10
seed: 7
output:
  type: label
  labels: [billing, technical, account, shipping, cancellation]
json_schema: true
price: {input_per_million: 0.15, output_per_million: 0.60}
concurrency: 16
requests_per_minute: 500
tokens_per_minute: 200000
timeout: 30s
retries: 5
expected_output_tokens: 4
expected_latency: 800ms
`
	var s Spec
	dec := yaml.NewDecoder(strings.NewReader(block))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.Timeout != 30*time.Second || *s.Retries != 5 || *s.Temperature != 0 || s.Price.OutputPerMillion != 0.6 ||
		s.Examples[0].Output != "billing" || len(s.Output.Labels) != 5 || s.ExpectedLatency != 800*time.Millisecond {
		t.Errorf("decoded %+v", s)
	}
	env := testEnv()
	env.Columns = []string{"subject", "body"}
	if _, err := s.Build(env); err != nil {
		t.Errorf("Build: %v", err)
	}
}
