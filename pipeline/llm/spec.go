package llm

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/remote"
)

func init() {
	pipeline.Register("llm", func() pipeline.Spec { return new(Spec) })
}

// Output types.
const (
	OutputLabel  = "label"
	OutputNumber = "number"
	OutputText   = "text"
	OutputJSON   = "json"
)

// Providers.
const (
	ProviderOpenAI = "openai"
	ProviderAzure  = "azure"
)

// DefaultAPIKeyEnv is the environment variable read for the API key when
// api_key_env is not given.
const DefaultAPIKeyEnv = remote.DefaultAPIKeyEnv

// DefaultExpectedLatency is assumed for planning when expected_latency is
// not given.
const DefaultExpectedLatency = time.Second

// Spec configures `type: llm`.
//
//	type: llm
//	provider: openai              # openai (any compatible server) | azure
//	base_url: https://api.openai.com/v1
//	api_key_env: OPENAI_API_KEY   # "" = no key (local servers)
//	model: gpt-4o-mini
//	system: You route customer support tickets to one queue.
//	prompt: |
//	  Subject: {{.subject}}
//	  {{.body}}
//	output: {type: label, labels: [billing, technical, account]}
//	price: {input_per_million: 0.15, output_per_million: 0.60}
//
// The connection, sampling, retry and rate-limit keys are those of
// remote.ModelSettings, shared with the llm_judge metric's judge.
type Spec struct {
	// ModelSettings are the model's connection, sampling, price, retry and
	// rate-limit keys (provider, base_url, api_key_env, api_version, model,
	// temperature, max_tokens, seed, price, tokens_per_minute, concurrency,
	// requests_per_minute, timeout, retries, max_retry_after).
	remote.ModelSettings `yaml:",inline"`
	// System is the system message; SystemFile reads it from a file
	// relative to the experiment file.
	System     string `yaml:"system"`
	SystemFile string `yaml:"system_file"`
	// Prompt is a Go text/template over the record's fields ({{.subject}});
	// PromptFile reads it from a file relative to the experiment file.
	Prompt     string `yaml:"prompt"`
	PromptFile string `yaml:"prompt_file"`
	// Examples are few-shot pairs sent before the record.
	Examples []Example `yaml:"examples"`
	// Output says how the answer is parsed.
	Output OutputSpec `yaml:"output"`
	// JSONSchema asks for response_format json_schema (label and json outputs).
	JSONSchema bool `yaml:"json_schema"`
	// ExpectedOutputTokens is the answer size assumed by Estimate.
	ExpectedOutputTokens int `yaml:"expected_output_tokens"`
	// ExpectedLatency is the time of one call assumed for planning (default 1s).
	ExpectedLatency time.Duration `yaml:"expected_latency"`
}

// Example is one few-shot pair: Input is rendered through the prompt as a
// user message, Output is the assistant's answer.
type Example struct {
	Input  map[string]any `yaml:"input"`
	Output string         `yaml:"output"`
}

// OutputSpec says what the answer is.
type OutputSpec struct {
	// Type is label, number, text or json (default: label when Labels are
	// given, text otherwise).
	Type string `yaml:"type"`
	// Labels are the allowed labels of a label output (and, with
	// LabelField, of a json output's label).
	Labels []string `yaml:"labels"`
	// Fields are a json output's expected fields and their types
	// (string, number, integer, boolean).
	Fields map[string]string `yaml:"fields"`
	// LabelField names the json field that is the decision label.
	LabelField string `yaml:"label_field"`
}

// Price is the provider's price per million tokens, in the experiment's
// currency (remote.Price, shared with the llm_judge metric).
type Price = remote.Price

var fieldTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true}

// Build validates the spec against env, reads the prompt files and returns
// the pipeline. A missing API key is not an error here (planning works
// without it); Check reports it.
func (s *Spec) Build(env pipeline.Env) (pipeline.Pipeline, error) {
	p, err := s.build(env)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// build is Build with the concrete type.
func (s *Spec) build(env pipeline.Env) (*LLM, error) {
	var errs pipeline.FieldErrors
	cfg := *s
	if cfg.Provider == "" {
		cfg.Provider = ProviderOpenAI
	}
	checkModel(&errs, cfg.ModelSettings, env.AllowedURLs)
	system := readSystem(&errs, cfg, env.Dir)
	tmpl := parsePrompt(&errs, cfg, env)
	out := checkOutput(&errs, cfg.Output, cfg.JSONSchema)
	for i, l := range out.Labels {
		if msg := env.LabelProblem(l); msg != "" {
			errs.Add(fmt.Sprintf("output.labels[%d]", i), "%s", msg)
		}
	}
	if cfg.ExpectedOutputTokens < 0 {
		errs.Add("expected_output_tokens", "must not be negative")
	}
	if cfg.ExpectedLatency < 0 {
		errs.Add("expected_latency", "must not be negative")
	}
	shots := renderExamples(&errs, cfg.Examples, tmpl)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	cfg.Output = out
	return newLLM(cfg, env, system, tmpl, shots)
}

// NewGrader builds an llm pipeline that answers a number: the model of m,
// asked with the system message and the prompt template (over the fields
// env.Columns names). It is how the llm_judge metric gets its judge, without
// the metrics package importing this one.
func NewGrader(m remote.ModelSettings, system, prompt string, env pipeline.Env) (*LLM, error) {
	s := Spec{ModelSettings: m, System: system, Prompt: prompt, Output: OutputSpec{Type: OutputNumber}}
	return s.build(env)
}

// checkModel validates the model's keys: the shared ones, the provider, the
// model's name and the base URL. m.Provider is set.
func checkModel(errs *pipeline.FieldErrors, m remote.ModelSettings, allowed []string) {
	switch m.Provider {
	case ProviderOpenAI, ProviderAzure:
	default:
		errs.Add("provider", "unknown provider %q: use openai (any OpenAI-compatible server) or azure", m.Provider)
	}
	if m.APIVersion != "" && m.Provider != ProviderAzure {
		errs.Add("api_version", "applies to provider azure only")
	}
	if strings.TrimSpace(m.Model) == "" {
		errs.Add("model", "missing: name the model, e.g. `model: gpt-4o-mini`")
	}
	checkBaseURL(errs, m.BaseURL, allowed)
	m.Check(errs.Add)
	if t := m.Temperature; t != nil && *t >= 0 && *t <= 2 && *t != 1 && reasoningModel(m.Model) {
		errs.Add("temperature", "model %q is a reasoning model, whose temperature is fixed at 1: remove `temperature:`", m.Model)
	}
}

// readSystem returns the system message, read from system_file when given.
func readSystem(errs *pipeline.FieldErrors, cfg Spec, dir string) string {
	switch {
	case cfg.System != "" && cfg.SystemFile != "":
		errs.Add("system_file", "give either `system:` or `system_file:`, not both")
	case cfg.SystemFile != "":
		b, err := os.ReadFile(resolve(dir, cfg.SystemFile))
		if err != nil {
			errs.Add("system_file", "read %q: %v", cfg.SystemFile, unwrapPath(err))
		}
		return string(b)
	}
	return cfg.System
}

// parsePrompt reads the prompt (from prompt_file when given) and parses it,
// checking the fields it refers to against the dataset's columns; nil when
// there is no valid prompt.
func parsePrompt(errs *pipeline.FieldErrors, cfg Spec, env pipeline.Env) *template.Template {
	prompt, field := cfg.Prompt, "prompt"
	switch {
	case cfg.Prompt != "" && cfg.PromptFile != "":
		errs.Add("prompt_file", "give either `prompt:` or `prompt_file:`, not both")
	case cfg.Prompt == "" && cfg.PromptFile == "":
		errs.Add("prompt", "missing: write the prompt (`prompt:`) or name its file (`prompt_file:`)")
	case cfg.PromptFile != "":
		field = "prompt_file"
		b, err := os.ReadFile(resolve(env.Dir, cfg.PromptFile))
		if err != nil {
			errs.Add("prompt_file", "read %q: %v", cfg.PromptFile, unwrapPath(err))
		}
		prompt = string(b)
	}
	if prompt == "" {
		return nil
	}
	t, err := template.New(env.Name).Option("missingkey=error").Parse(prompt)
	if err != nil {
		errs.Add(field, "not a valid template: %v", err)
		return nil
	}
	fields := pipeline.TemplateFields(t)
	if len(env.Columns) > 0 {
		for _, f := range fields {
			if f != pipeline.WholeRecord && !env.HasColumn(f) {
				errs.Add(field, "the template refers to %s, which is not a column of the dataset%s", fieldRef(f), suggest(f, env.Columns))
			}
		}
	}
	if msg := env.ReadsLabel(fields); msg != "" {
		errs.Add(field, "the prompt %s", msg)
	}
	return t
}

// fieldRef writes a reference to a record field as a template would:
// {{.name}}, or {{index . "a name"}} for one that is not an identifier.
func fieldRef(name string) string {
	for i, r := range name {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return fmt.Sprintf("{{index . %q}}", name)
		}
	}
	return "{{." + name + "}}"
}

// checkOutput validates the output block and returns it with its type set.
func checkOutput(errs *pipeline.FieldErrors, out OutputSpec, jsonSchema bool) OutputSpec {
	if out.Type == "" {
		out.Type = OutputText
		if len(out.Labels) > 0 {
			out.Type = OutputLabel
		}
	}
	switch out.Type {
	case OutputLabel:
		if len(out.Labels) == 0 {
			errs.Add("output.labels", "missing: a label output needs its allowed labels, e.g. `labels: [billing, technical]`")
		}
	case OutputJSON:
		for name, typ := range out.Fields {
			if !fieldTypes[typ] {
				errs.Add("output.fields."+name, "unknown type %q: use string, number, integer or boolean", typ)
			}
		}
		if out.LabelField != "" && len(out.Fields) > 0 {
			if _, ok := out.Fields[out.LabelField]; !ok {
				errs.Add("output.label_field", "%q is not among output.fields", out.LabelField)
			}
		}
		if jsonSchema && len(out.Fields) == 0 {
			errs.Add("json_schema", "a json schema is built from output.fields: declare them")
		}
	case OutputNumber, OutputText:
		if jsonSchema {
			errs.Add("json_schema", "applies to label and json outputs only")
		}
	default:
		errs.Add("output.type", "unknown output type %q: use label, number, text or json", out.Type)
	}
	checkOutputKeys(errs, out)
	return out
}

// checkOutputKeys reports output keys that do not apply to the output's
// type, and empty or duplicate labels.
func checkOutputKeys(errs *pipeline.FieldErrors, out OutputSpec) {
	if out.Type != OutputJSON {
		if len(out.Fields) > 0 {
			errs.Add("output.fields", "applies to a json output only")
		}
		if out.LabelField != "" {
			errs.Add("output.label_field", "applies to a json output only")
		}
	}
	if out.Type != OutputLabel && !(out.Type == OutputJSON && out.LabelField != "") && len(out.Labels) > 0 {
		errs.Add("output.labels", "apply to a label output, or a json output with label_field")
	}
	seen := map[string]bool{}
	for i, l := range out.Labels {
		k := strings.ToLower(strings.TrimSpace(l))
		switch {
		case k == "":
			errs.Add(fmt.Sprintf("output.labels[%d]", i), "empty label")
		case seen[k]:
			errs.Add(fmt.Sprintf("output.labels[%d]", i), "duplicate label %q", l)
		}
		seen[k] = true
	}
}

// renderExamples renders the few-shot examples through the prompt now, so
// that a bad one is reported before the run.
func renderExamples(errs *pipeline.FieldErrors, examples []Example, tmpl *template.Template) []shot {
	var shots []shot
	for i, ex := range examples {
		field := fmt.Sprintf("examples[%d]", i)
		if strings.TrimSpace(ex.Output) == "" {
			errs.Add(field+".output", "missing: the answer the model should give for this input")
		}
		if len(ex.Input) == 0 {
			errs.Add(field+".input", "missing: the example record's fields")
			continue
		}
		if tmpl == nil {
			continue
		}
		text, err := render(tmpl, ex.Input)
		if err != nil {
			errs.Add(field+".input", "%v", err)
			continue
		}
		shots = append(shots, shot{user: text, assistant: ex.Output})
	}
	return shots
}

// checkBaseURL validates base_url: an http(s) URL on the allow-list. An
// empty base_url is left to Check, so that planning works before it is set.
func checkBaseURL(errs *pipeline.FieldErrors, raw string, allowed []string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs.Add("base_url", "%q is not an http(s) URL", raw)
		return
	}
	if u.User != nil {
		errs.Add("base_url", "must not carry credentials: put the key in the variable named by api_key_env")
		return
	}
	if len(allowed) > 0 && !urlAllowed(u, allowed) {
		errs.Add("base_url", "%q is not on the experiment's allow-list of URLs (%s)", raw, strings.Join(allowed, ", "))
	}
}

// urlAllowed reports whether u lies under one of the allowed base URLs
// (remote.URLAllowed, the check every redirect hop gets too).
func urlAllowed(u *url.URL, allowed []string) bool { return remote.URLAllowed(u, allowed) }

func resolve(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

// unwrapPath drops the *PathError's path, already named by the message.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// suggest returns a did-you-mean for a column name.
func suggest(name string, columns []string) string {
	best, bestD := "", 3
	for _, c := range columns {
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
