package exec

import (
	"context"
	"testing"

	"github.com/poc-harness/poc/pipeline"
)

// TestMinimalEnvironment: the processes get the base variables, the ones
// named by pass_env and env, and none of poc's API keys.
func TestMinimalEnvironment(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-openai-S3CRET")
	t.Setenv("POC_LLM_API_KEY", "sk-poc-S3CRET")
	t.Setenv("UNRELATED_TOKEN", "tok-S3CRET")
	t.Setenv("MODEL_TOKEN", "model-token-value")
	t.Setenv("PATH", "/usr/bin:/bin")
	t.Setenv("TZ", "Europe/Paris")
	lookup := func(name string) (string, bool) {
		if name == "MODEL_TOKEN" {
			return "model-token-value", true
		}
		return "", false
	}
	cases := []struct {
		name    string
		pass    []string
		present map[string]string
		absent  []string
	}{
		{"nothing named", nil,
			map[string]string{"PATH": "/usr/bin:/bin", "TZ": "Europe/Paris", "POC_EXEC_HELPER": "1"},
			[]string{"OPENAI_API_KEY", "POC_LLM_API_KEY", "UNRELATED_TOKEN", "MODEL_TOKEN"}},
		{"one variable named", []string{"MODEL_TOKEN", "NOT_SET_ANYWHERE"},
			map[string]string{"MODEL_TOKEN": "model-token-value", "PATH": "/usr/bin:/bin"},
			[]string{"OPENAI_API_KEY", "POC_LLM_API_KEY", "UNRELATED_TOKEN", "NOT_SET_ANYWHERE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := build(t, Spec{PassEnv: c.pass}, pipeline.Env{LookupEnv: lookup})
			out, err := p.Predict(context.Background(), rec(0, map[string]any{"mode": "environ"}))
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range c.present {
				if got, ok := out.Fields[k]; !ok || got != want {
					t.Errorf("%s = %v (set %v), want %q", k, got, ok, want)
				}
			}
			for _, k := range c.absent {
				if v, ok := out.Fields[k]; ok {
					t.Errorf("%s reached the process (%v)", k, v)
				}
			}
		})
	}
}

func TestPassEnvNames(t *testing.T) {
	cases := []struct {
		pass  []string
		field string
	}{
		{[]string{"OK_NAME", ""}, "pass_env[1]"},
		{[]string{"A=B"}, "pass_env[0]"},
		{[]string{"WITH SPACE"}, "pass_env[0]"},
	}
	for _, c := range cases {
		_, err := (&Spec{Command: []string{"x"}, PassEnv: c.pass}).Build(pipeline.Env{})
		fe := pipeline.AsFieldErrors(err)
		if len(fe) != 1 || fe[0].Field != c.field {
			t.Errorf("pass_env %q: %v, want one error at %s", c.pass, err, c.field)
		}
	}
}
