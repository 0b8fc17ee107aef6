package pipeline

import (
	"fmt"
	"strings"
	"testing"
)

func TestSubprocessEnviron(t *testing.T) {
	t.Setenv("PATH", "/bin")
	t.Setenv("OPENAI_API_KEY", "sk-S3CRET")
	lookup := func(name string) (string, bool) {
		v, ok := map[string]string{"TOKEN": "t0k3n", "EMPTY": ""}[name]
		return v, ok
	}
	cases := []struct {
		name string
		pass []string
		set  map[string]string
		want []string // the variables other than BaseEnviron's
	}{
		{"nothing named", nil, nil, nil},
		{"named and set", []string{"TOKEN", "EMPTY", "UNSET"}, map[string]string{"A": "1"}, []string{"A=1", "EMPTY=", "TOKEN=t0k3n"}},
		{"set wins", []string{"TOKEN"}, map[string]string{"TOKEN": "x"}, []string{"TOKEN=x"}},
		{"an API key only by name", []string{"OPENAI_API_KEY"}, nil, nil}, // lookup does not have it
	}
	base := map[string]bool{}
	for _, k := range BaseEnviron {
		base[k] = true
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := SubprocessEnviron(lookup, c.pass, c.set)
			var got []string
			sawPath := false
			for _, kv := range env {
				k, _, _ := strings.Cut(kv, "=")
				if k == "PATH" && kv == "PATH=/bin" {
					sawPath = true
				}
				if !base[k] {
					got = append(got, kv)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) || !sawPath {
				t.Errorf("SubprocessEnviron = %q, want %q plus PATH=/bin", env, c.want)
			}
		})
	}
}
