package llm

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poc-harness/poc/pipeline"
)

func TestBuildErrors(t *testing.T) {
	ptr := func(f float64) *float64 { return &f }
	tests := []struct {
		name  string
		edit  func(s *Spec)
		env   func(e *pipeline.Env)
		field string
		msg   string
	}{
		{"model missing", func(s *Spec) { s.Model = "" }, nil, "model", "missing"},
		{"prompt and prompt_file", func(s *Spec) { s.PromptFile = "p.txt" }, nil, "prompt_file", "not both"},
		{"neither prompt", func(s *Spec) { s.Prompt = "" }, nil, "prompt", "missing"},
		{"prompt file missing", func(s *Spec) { s.Prompt, s.PromptFile = "", "nope.txt" }, nil, "prompt_file", "no such file"},
		{"system and system_file", func(s *Spec) { s.SystemFile = "s.txt" }, nil, "system_file", "not both"},
		{"bad template", func(s *Spec) { s.Prompt = "{{.subject" }, nil, "prompt", "not a valid template"},
		{"unknown column", func(s *Spec) { s.Prompt = "{{.subjct}}" }, nil, "prompt", `{{.subjct}}, which is not a column of the dataset (did you mean "subject"?)`},
		{"unknown column in if", func(s *Spec) { s.Prompt = "{{if .urgent}}!{{end}}{{.body}}" }, nil, "prompt", "{{.urgent}}"},
		{"unknown column by index", func(s *Spec) { s.Prompt = `{{index . "customer name"}}` }, nil, "prompt", "customer name"},
		{"unknown output type", func(s *Spec) { s.Output.Type = "class" }, nil, "output.type", `unknown output type "class"`},
		{"labels missing", func(s *Spec) { s.Output.Labels = nil }, nil, "output.labels", "missing"},
		{"duplicate label", func(s *Spec) { s.Output.Labels = []string{"a", "A"} }, nil, "output.labels[1]", "duplicate"},
		{"bad field type", func(s *Spec) {
			s.Output = OutputSpec{Type: OutputJSON, Fields: map[string]string{"q": "str"}}
		}, nil, "output.fields.q", "unknown type"},
		{"label_field not a field", func(s *Spec) {
			s.Output = OutputSpec{Type: OutputJSON, Fields: map[string]string{"q": "string"}, LabelField: "queue"}
		}, nil, "output.label_field", "not among"},
		{"json_schema on text", func(s *Spec) { s.Output = OutputSpec{Type: OutputText}; s.JSONSchema = true }, nil, "json_schema", "label and json"},
		{"bad price", func(s *Spec) { s.Price.InputPerMillion = -1 }, nil, "price.input_per_million", "negative"},
		{"bad temperature", func(s *Spec) { s.Temperature = ptr(3) }, nil, "temperature", "between 0 and 2"},
		{"reasoning temperature", func(s *Spec) { s.Model = "o3-mini"; s.Temperature = ptr(0) }, nil, "temperature", "reasoning model"},
		{"unknown provider", func(s *Spec) { s.Provider = "anthropic" }, nil, "provider", "unknown provider"},
		{"base_url not http", func(s *Spec) { s.BaseURL = "ftp://x/v1" }, nil, "base_url", "not an http(s) URL"},
		{"base_url with credentials", func(s *Spec) { s.BaseURL = "https://u:p@api.example.com/v1" }, nil, "base_url", "credentials"},
		{"not on allow-list", nil, func(e *pipeline.Env) { e.AllowedURLs = []string{"https://api.openai.com/v1"} },
			"base_url", "not on the experiment's allow-list"},
		{"example output missing", func(s *Spec) {
			s.Examples = []Example{{Input: map[string]any{"subject": "a", "body": "b", "queue": "billing"}}}
		}, nil, "examples[0].output", "missing"},
		{"example field missing", func(s *Spec) {
			s.Examples = []Example{{Input: map[string]any{"subject": "a"}, Output: "billing"}}
		}, nil, "examples[0].input", "render prompt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := labelSpec("https://llm.internal.example/v1")
			if tt.edit != nil {
				tt.edit(s)
			}
			env := testEnv()
			env.Dir = t.TempDir()
			if tt.env != nil {
				tt.env(&env)
			}
			_, err := s.Build(env)
			if err == nil {
				t.Fatal("Build succeeded")
			}
			for _, fe := range pipeline.AsFieldErrors(err) {
				if fe.Field == tt.field && strings.Contains(fe.Msg, tt.msg) {
					return
				}
			}
			t.Fatalf("no error on %s containing %q in: %v", tt.field, tt.msg, err)
		})
	}
}

func TestBuildReadsFilesAndAllowsList(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "prompts"), 0o755)
	os.WriteFile(filepath.Join(dir, "prompts", "system.txt"), []byte("From a file."), 0o644)
	os.WriteFile(filepath.Join(dir, "prompts", "user.txt"), []byte("{{.body}}"), 0o644)
	s := labelSpec("https://API.openai.com:443/v1/")
	s.System, s.SystemFile = "", "prompts/system.txt"
	s.Prompt, s.PromptFile = "", "prompts/user.txt"
	env := testEnv()
	env.Dir = dir
	env.AllowedURLs = []string{"http://localhost:11434", "https://api.openai.com"}
	env.LookupEnv = func(string) (string, bool) { return "", false } // no key: Build still works
	p := build(t, s, env)
	msgs, err := p.messages(record("s", "the body", "billing").Fields)
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].Content != "From a file." || msgs[1].Content != "the body" {
		t.Errorf("messages %+v", msgs)
	}
}

func TestURLAllowed(t *testing.T) {
	allowed := []string{"https://api.openai.com/v1", "http://localhost:11434/", "https://gw.example.com"}
	tests := []struct {
		url  string
		want bool
	}{
		{"https://api.openai.com/v1", true},
		{"https://api.openai.com/v1/", true},
		{"https://API.OPENAI.COM:443/v1", true},
		{"https://api.openai.com/v1beta", false},
		{"https://api.openai.com/", false},
		{"http://api.openai.com/v1", false},
		{"https://api.openai.com.evil.io/v1", false},
		{"http://localhost:11434/v1", true},
		{"http://localhost:8080/v1", false},
		{"https://gw.example.com/anything/v1", true},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := urlAllowed(u, allowed); got != tt.want {
			t.Errorf("urlAllowed(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	env := testEnv()
	env.LookupEnv = func(string) (string, bool) { return "", false }
	p := build(t, labelSpec("https://api.openai.com/v1"), env)
	err := p.Check(context.Background())
	want := `pipeline "router": set the environment variable OPENAI_API_KEY (named by api_key_env) to the provider's API key`
	if err == nil || err.Error() != want {
		t.Errorf("Check = %v, want %q", err, want)
	}
	// Predict says the same, without calling anything.
	if _, err := p.Predict(context.Background(), record("a", "b", "billing")); err == nil || !strings.Contains(err.Error(), "OPENAI_API_KEY") {
		t.Errorf("Predict = %v", err)
	}

	named := labelSpec("https://api.openai.com/v1")
	name := "MY_LLM_KEY"
	named.APIKeyEnv = &name
	if err := build(t, named, env).Check(context.Background()); err == nil || !strings.Contains(err.Error(), "MY_LLM_KEY (named by api_key_env)") {
		t.Errorf("Check = %v", err)
	}

	none := labelSpec("http://localhost:11434/v1")
	empty := ""
	none.APIKeyEnv = &empty
	if err := build(t, none, env).Check(context.Background()); err != nil {
		t.Errorf("Check without a key = %v", err)
	}

	if err := build(t, labelSpec(""), testEnv()).Check(context.Background()); err == nil || !strings.Contains(err.Error(), "base_url is empty") {
		t.Errorf("Check with empty base_url = %v", err)
	}
	if err := build(t, labelSpec("https://api.openai.com/v1"), testEnv()).Check(context.Background()); err != nil {
		t.Errorf("Check = %v", err)
	}
}

func TestRegistered(t *testing.T) {
	f, ok := pipeline.Lookup("llm")
	if !ok {
		t.Fatal(`type "llm" is not registered`)
	}
	if _, ok := f().(*Spec); !ok {
		t.Fatalf("factory returns %T", f())
	}
}
