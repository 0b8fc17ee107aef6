package metrics_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandMinimalEnvironment: the program gets the base variables and
// the ones named by pass_env and env, never poc's API keys.
func TestCommandMinimalEnvironment(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-openai-S3CRET")
	t.Setenv("POC_LLM_API_KEY", "sk-poc-S3CRET")
	t.Setenv("METRIC_TOKEN", "metric-token-value")
	t.Setenv("TZ", "Europe/Paris")
	cases := []struct {
		name    string
		keys    string
		present []string
		absent  []string
	}{
		{"nothing named", "mode: final, env: {HELPER_OUT: %s}",
			[]string{"TZ=Europe/Paris", "POC_METRIC_HELPER=environ"},
			[]string{"OPENAI_API_KEY=", "POC_LLM_API_KEY=", "METRIC_TOKEN="}},
		{"one variable named", "mode: final, env: {HELPER_OUT: %s}, pass_env: [POC_METRIC_HELPER, METRIC_TOKEN]",
			[]string{"METRIC_TOKEN=metric-token-value", "TZ=Europe/Paris"},
			[]string{"OPENAI_API_KEY=", "POC_LLM_API_KEY="}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "environ.txt")
			m := commandMetric(t, "environ", strings.Replace(c.keys, "%s", `"`+out+`"`, 1))
			acc := m.New()
			for _, o := range binaryObs() {
				acc.Add(o)
			}
			if r := acc.Result(); r.Value != 1 {
				t.Fatalf("value %v, detail %+v", r.Value, r.Detail)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			vars := strings.Split(string(b), "\n")
			has := func(prefix string) bool {
				for _, v := range vars {
					if strings.HasPrefix(v, prefix) {
						return true
					}
				}
				return false
			}
			for _, p := range c.present {
				if !has(p) {
					t.Errorf("%s missing from the program's environment %q", p, vars)
				}
			}
			for _, p := range c.absent {
				if has(p) {
					t.Errorf("%s reached the program", strings.TrimSuffix(p, "="))
				}
			}
		})
	}
}
