package remote

import "time"

// Settings are the keys every configuration that calls a remote service
// shares (the llm and http pipelines, the llm_judge metric's judge), declared
// once here and embedded with `yaml:",inline"`:
//
//	concurrency: 4          # most calls in flight (adaptive)
//	requests_per_minute: 0  # client-side request limit (0 = none)
//	timeout: 60s            # bounds one attempt
//	retries: 4              # extra attempts on retryable failures (0 = none)
//	max_retry_after: 5m     # a longer Retry-After fails the request at once
//
// Zero values take the defaults of Policy.
type Settings struct {
	// Concurrency is the most calls in flight (default 4); adaptive.
	Concurrency int `yaml:"concurrency"`
	// RequestsPerMinute is a client-side request limit (0 = none).
	RequestsPerMinute float64 `yaml:"requests_per_minute"`
	// Timeout bounds one attempt (default 60s).
	Timeout time.Duration `yaml:"timeout"`
	// Retries is the number of extra attempts on retryable failures
	// (default 4; 0 = none).
	Retries *int `yaml:"retries"`
	// MaxRetryAfter is the longest Retry-After a request waits for (default
	// 5m); a server asking for longer fails the request at once.
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
}

// MaxConcurrency is the most calls a pipeline may keep in flight: beyond it
// a run only holds memory and file descriptors for requests a server would
// refuse.
const MaxConcurrency = 1024

// Check reports every key with an invalid value through add, whose
// signature is that of pipeline.FieldErrors.Add (this package does not
// import pipeline); fields are the yaml keys.
func (s Settings) Check(add func(field, format string, args ...any)) {
	nonNegative(add, "concurrency", float64(s.Concurrency))
	if s.Concurrency > MaxConcurrency {
		add("concurrency", "at most %d calls can be in flight at once, got %d", MaxConcurrency, s.Concurrency)
	}
	nonNegative(add, "requests_per_minute", s.RequestsPerMinute)
	nonNegative(add, "timeout", float64(s.Timeout))
	if s.Retries != nil {
		nonNegative(add, "retries", float64(*s.Retries))
	}
	nonNegative(add, "max_retry_after", float64(s.MaxRetryAfter))
}

// Policy is the Caller policy the settings ask for (defaults left to
// Policy.WithDefaults). An explicit `retries: 0` means no retry.
func (s Settings) Policy() Policy {
	p := Policy{
		Concurrency:       s.Concurrency,
		RequestsPerMinute: s.RequestsPerMinute,
		Timeout:           s.Timeout,
		MaxRetryAfter:     s.MaxRetryAfter,
	}
	if s.Retries != nil {
		p.Retries = *s.Retries
		if p.Retries == 0 {
			p.Retries = -1 // Policy: negative means none
		}
	}
	return p
}

// DefaultAPIKeyEnv is the environment variable read for a model's API key
// when api_key_env is not given.
const DefaultAPIKeyEnv = "OPENAI_API_KEY"

// ModelSettings are the keys of a chat model behind an OpenAI-compatible API,
// shared by the llm pipeline and the llm_judge metric's judge (which adds the
// prompt and the output itself), with the Settings inline:
//
//	provider: openai              # openai (any compatible server) | azure
//	base_url: https://api.openai.com/v1
//	api_key_env: OPENAI_API_KEY   # "" = no key (local servers)
//	model: gpt-4o-mini
//	temperature: 0
//	max_tokens: 10
//	seed: 7
//	price: {input_per_million: 0.15, output_per_million: 0.60}
//	tokens_per_minute: 200000
//
// Check validates what the keys say on their own; the llm pipeline checks
// the rest (the provider, the model, the base URL against the allow-list).
type ModelSettings struct {
	// Provider is "openai" (default: any OpenAI-compatible server) or "azure".
	Provider string `yaml:"provider"`
	// BaseURL is the API's base URL, e.g. https://api.openai.com/v1.
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the API key; nil
	// means OPENAI_API_KEY, "" means no key.
	APIKeyEnv *string `yaml:"api_key_env"`
	// APIVersion is the Azure API version.
	APIVersion string `yaml:"api_version"`
	// Model is the model (for Azure, the deployment) name.
	Model string `yaml:"model"`
	// Temperature is the sampling temperature (0 is sent as 0).
	Temperature *float64 `yaml:"temperature"`
	// MaxTokens bounds the answer's tokens (0 = the provider's default).
	MaxTokens int `yaml:"max_tokens"`
	// Seed asks the provider for reproducible sampling.
	Seed *int `yaml:"seed"`
	// Price is the price per million tokens.
	Price Price `yaml:"price"`
	// TokensPerMinute is a client-side limit of the expected tokens sent per
	// minute (0 = none).
	TokensPerMinute float64 `yaml:"tokens_per_minute"`
	// Settings are the retry and rate-limit keys.
	Settings `yaml:",inline"`
}

// Price is a model's price per million tokens, in the experiment's currency.
type Price struct {
	InputPerMillion  float64 `yaml:"input_per_million"`
	OutputPerMillion float64 `yaml:"output_per_million"`
}

// KeyEnv is the environment variable holding the API key ("" for none).
func (m ModelSettings) KeyEnv() string {
	if m.APIKeyEnv == nil {
		return DefaultAPIKeyEnv
	}
	return *m.APIKeyEnv
}

// Check reports every key with an invalid value through add (see
// Settings.Check).
func (m ModelSettings) Check(add func(field, format string, args ...any)) {
	if t := m.Temperature; t != nil && (*t < 0 || *t > 2) {
		add("temperature", "must be between 0 and 2, got %v", *t)
	}
	nonNegative(add, "max_tokens", float64(m.MaxTokens))
	nonNegative(add, "price.input_per_million", m.Price.InputPerMillion)
	nonNegative(add, "price.output_per_million", m.Price.OutputPerMillion)
	nonNegative(add, "tokens_per_minute", m.TokensPerMinute)
	m.Settings.Check(add)
}

// Policy is the Caller policy of the settings, the token limit included.
func (m ModelSettings) Policy() Policy {
	p := m.Settings.Policy()
	p.TokensPerMinute = m.TokensPerMinute
	return p
}

func nonNegative(add func(field, format string, args ...any), field string, v float64) {
	if v < 0 {
		add(field, "must not be negative")
	}
}
