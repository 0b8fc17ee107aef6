package remote

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// collect returns an add function that records "field: message".
func collect(out *[]string) func(field, format string, args ...any) {
	return func(field, format string, args ...any) {
		*out = append(*out, field+": "+fmt.Sprintf(format, args...))
	}
}

func intp(v int) *int { return &v }

func TestModelSettingsCheck(t *testing.T) {
	temp := 2.5
	tests := []struct {
		name string
		m    ModelSettings
		want []string
	}{
		{"zero is valid", ModelSettings{}, nil},
		{"max_retry_after valid", ModelSettings{Settings: Settings{MaxRetryAfter: 2 * time.Minute}}, nil},
		{"absurd concurrency", ModelSettings{Settings: Settings{Concurrency: 1_000_000_000}}, []string{
			"concurrency: at most 1024 calls can be in flight at once, got 1000000000"}},
		{"negative shared keys", ModelSettings{Settings: Settings{Concurrency: -1, RequestsPerMinute: -1, Timeout: -time.Second,
			Retries: intp(-1), MaxRetryAfter: -time.Second}}, []string{
			"concurrency: must not be negative", "requests_per_minute: must not be negative", "timeout: must not be negative",
			"retries: must not be negative", "max_retry_after: must not be negative"}},
		{"model keys", ModelSettings{Temperature: &temp, MaxTokens: -1, Price: Price{InputPerMillion: -1}, TokensPerMinute: -5}, []string{
			"temperature: must be between 0 and 2, got 2.5", "max_tokens: must not be negative",
			"price.input_per_million: must not be negative", "tokens_per_minute: must not be negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			tt.m.Check(collect(&got))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSettingsPolicy(t *testing.T) {
	tests := []struct {
		name string
		m    ModelSettings
		want Policy // after WithDefaults
	}{
		{"defaults", ModelSettings{}, Policy{}.WithDefaults()},
		{"retries 0 means none", ModelSettings{Settings: Settings{Retries: intp(0)}}, Policy{Retries: -1}.WithDefaults()},
		{"every key", ModelSettings{TokensPerMinute: 1000, Settings: Settings{Concurrency: 2, RequestsPerMinute: 60,
			Timeout: time.Second, Retries: intp(3), MaxRetryAfter: 90 * time.Second}},
			Policy{Concurrency: 2, RequestsPerMinute: 60, TokensPerMinute: 1000, Timeout: time.Second, Retries: 3,
				MaxRetryAfter: 90 * time.Second}.WithDefaults()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.Policy().WithDefaults(); got != tt.want {
				t.Errorf("Policy = %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := (ModelSettings{}).KeyEnv(); got != DefaultAPIKeyEnv {
		t.Errorf("KeyEnv of nil api_key_env = %q, want %q", got, DefaultAPIKeyEnv)
	}
	if none := ""; (ModelSettings{APIKeyEnv: &none}).KeyEnv() != "" {
		t.Error(`KeyEnv of api_key_env "" is not ""`)
	}
}
